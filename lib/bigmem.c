/*
 * lib/bigmem.c - large matrices: one block, huge pages where Linux has them.
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

#include "internal.h"

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
