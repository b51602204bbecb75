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
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "base/base.h"

#define HUGE_ALIGN ((size_t)2 << 20)

/*
 * Every block has a header before it: the mapping it lives in (NULL: from
 * malloc).  A large block is a mapping of its own, aligned for huge pages,
 * and its pages are zero until written (the kernel gives them so): what
 * is never written is never touched (dti_big_zeroed).
 */
struct big_hdr {
	void *map;
	size_t map_len;
};

void *dti_big_alloc(size_t n)
{
	size_t h = sizeof(struct big_hdr);
	if (n < 4 * HUGE_ALIGN) {
		struct big_hdr *b = malloc(h + (n ? n : 1));
		if (!b)
			return NULL;
		b->map = NULL;
		b->map_len = 0;
		return (char *)b + h;
	}
	size_t rounded = (n + HUGE_ALIGN - 1) & ~(HUGE_ALIGN - 1);
	size_t len = rounded + HUGE_ALIGN + h;
	if (len < n)
		return NULL;
	void *map = mmap(NULL, len, PROT_READ | PROT_WRITE,
	                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED)
		return NULL;
	uintptr_t at = ((uintptr_t)map + h + HUGE_ALIGN - 1) &
	               ~(uintptr_t)(HUGE_ALIGN - 1);
	char *p = (char *)at;
#ifdef MADV_HUGEPAGE
	madvise(p, rounded, MADV_HUGEPAGE);
#endif
	struct big_hdr *b = (struct big_hdr *)(p - h);
	b->map = map;
	b->map_len = len;
	return p;
}

int dti_big_zeroed(const void *p)
{
	const struct big_hdr *b =
	    (const struct big_hdr *)((const char *)p - sizeof(struct big_hdr));
	return b->map != NULL;
}

void dti_big_free(void *p)
{
	if (!p)
		return;
	struct big_hdr *b = (struct big_hdr *)((char *)p - sizeof *b);
	if (b->map)
		munmap(b->map, b->map_len);
	else
		free(b);
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
