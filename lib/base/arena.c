/*
 * lib/base/arena.c - arenas, array growth, and large matrices on huge pages.
 *
 * An arena hands out zeroed, 16-byte aligned memory released in one call:
 * the strings and arrays of a framework or a registry live in one.
 *
 * A result at 10,000 units x 250 nodes is tens of MiB allocated anew for
 * every computation.  Touching fresh 4 KiB pages one by one costs more than
 * the computation itself, so big blocks are aligned to 2 MiB and the kernel
 * is asked (madvise) to back them with transparent huge pages.  Elsewhere,
 * or when refused, it is an ordinary aligned allocation.
 *
 * madvise() and MADV_HUGEPAGE are not POSIX: this file alone asks glibc for
 * its default extensions.
 */
#define _DEFAULT_SOURCE 1
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "base/base.h"

#define HUGE_ALIGN ((size_t)2 << 20)

void *dti_big_alloc(size_t n)
{
	if (n < 4 * HUGE_ALIGN)
		return malloc(n ? n : 1);
	size_t rounded = (n + HUGE_ALIGN - 1) & ~(HUGE_ALIGN - 1);
	void *p = NULL;
	if (posix_memalign(&p, HUGE_ALIGN, rounded))
		return NULL;
#ifdef MADV_HUGEPAGE
	madvise(p, rounded, MADV_HUGEPAGE);
#endif
	return p;
}

void dti_big_free(void *p)
{
	free(p);
}

/* ---- growth ---------------------------------------------------------- */

int dti_grow(void **p, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return 0;
	size_t ncap = *cap ? *cap : 8;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2)
			return -1;
		ncap *= 2;
	}
	if (ncap > SIZE_MAX / elem)
		return -1;
	void *q = realloc(*p, ncap * elem);
	if (!q)
		return -1;
	*p = q;
	*cap = ncap;
	return 0;
}

/* ---- arena ----------------------------------------------------------- */

struct dti_arena_block {
	struct dti_arena_block *next;
	size_t used;
	size_t size;
	_Alignas(16) unsigned char data[];
};

void *dti_arena_alloc(struct dti_arena *a, size_t n)
{
	n = (n + 15) & ~(size_t)15;
	if (!n)
		n = 16;
	struct dti_arena_block *b = a->head;
	if (!b || b->size - b->used < n) {
		size_t size = n > 16384 ? n : 16384;
		b = malloc(sizeof *b + size);
		if (!b)
			return NULL;
		b->size = size;
		b->used = 0;
		if (a->head && n > 16384) {
			/* keep filling the current block for small requests */
			b->next = a->head->next;
			a->head->next = b;
		} else {
			b->next = a->head;
			a->head = b;
		}
		a->total += size;
	}
	void *p = b->data + b->used;
	b->used += n;
	memset(p, 0, n);
	return p;
}

char *dti_arena_strndup(struct dti_arena *a, const char *s, size_t n)
{
	char *p = dti_arena_alloc(a, n + 1);
	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *dti_arena_strdup(struct dti_arena *a, const char *s)
{
	return dti_arena_strndup(a, s ? s : "", s ? strlen(s) : 0);
}

void dti_arena_release(struct dti_arena *a)
{
	struct dti_arena_block *b = a->head;
	while (b) {
		struct dti_arena_block *n = b->next;
		free(b);
		b = n;
	}
	a->head = NULL;
	a->total = 0;
}
