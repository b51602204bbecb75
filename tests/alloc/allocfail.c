/*
 * tests/alloc/allocfail.c - the malloc family of the allocation-failure
 * test: counts, remembers and, on request, refuses allocations (see
 * allocfail.h).
 *
 * The functions replace the C library's for the whole process (the test
 * program is linked with --export-dynamic) and forward to glibc's
 * __libc_malloc, __libc_calloc, __libc_realloc, __libc_memalign and
 * __libc_free, which glibc exports for such wrappers.  Live blocks are
 * kept in a fixed open-addressing table (no allocation inside malloc),
 * stamped with a generation so that arming empties it in O(1).
 *
 * With DTI_ALLOC_TRACE=1 each block also keeps a short backtrace, and
 * allocfail_report() prints it (addresses for addr2line).
 */
#define _GNU_SOURCE 1
#include "allocfail.h"

#include <errno.h>
#include <execinfo.h>
#include <malloc.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t n);
extern void *__libc_memalign(size_t align, size_t n);
extern void __libc_free(void *p);

#define SLOTS  ((size_t)1 << 19)
#define FRAMES 6
#define TOMB   ((void *)1)

struct slot {
	void *p;
	unsigned gen;
	int nframes;
	void *frames[FRAMES];
};

static struct slot table[SLOTS];
static unsigned gen = 1;
static size_t live;
static size_t overflow; /* blocks not remembered: the table was full */

static atomic_flag lock = ATOMIC_FLAG_INIT;
static _Thread_local int in_hook;

static int armed, paused, trace, injected;
static unsigned long count, fail_at;
static void *refused[FRAMES + 1]; /* where the refused allocation was asked */
static int nrefused;

static void take(void)
{
	while (atomic_flag_test_and_set_explicit(&lock, memory_order_acquire))
		;
}

static void give(void)
{
	atomic_flag_clear_explicit(&lock, memory_order_release);
}

static size_t hash(const void *p)
{
	uint64_t h = (uint64_t)(uintptr_t)p >> 4;
	h *= 0x9E3779B97F4A7C15ull;
	return (size_t)(h >> 40) & (SLOTS - 1);
}

/* Under the lock: remembers p, allocated by the caller of the hook. */
static void remember(void *p, int nframes, void *const *frames)
{
	size_t i = hash(p);
	for (size_t probes = 0; probes < SLOTS; probes++) {
		struct slot *s = &table[i];
		if (s->gen != gen || s->p == TOMB) {
			s->p = p;
			s->gen = gen;
			s->nframes = nframes;
			if (nframes)
				memcpy(s->frames, frames,
				       (size_t)nframes * sizeof *frames);
			live++;
			return;
		}
		i = (i + 1) & (SLOTS - 1);
	}
	overflow++;
}

/* Under the lock: forgets p if remembered; 1 when it was. */
static int forget(const void *p)
{
	if (!live)
		return 0;
	size_t i = hash(p);
	for (size_t probes = 0; probes < SLOTS; probes++) {
		struct slot *s = &table[i];
		if (s->gen != gen)
			return 0;
		if (s->p == p) {
			s->p = TOMB;
			live--;
			return 1;
		}
		i = (i + 1) & (SLOTS - 1);
	}
	return 0;
}

/*
 * Before an allocation: 1 when it must fail.  *track tells whether the
 * block is to be remembered.
 */
static int before(int *track)
{
	*track = 0;
	if (in_hook)
		return 0;
	take();
	int fail = 0;
	if (armed && !paused) {
		count++;
		if (count == fail_at) {
			fail = 1;
			injected = 1;
			if (trace) {
				in_hook = 1;
				nrefused = backtrace(refused, FRAMES + 1);
				in_hook = 0;
			}
		} else {
			*track = 1;
		}
	}
	give();
	return fail;
}

static void after(void *p, int track, int nframes, void *const *frames)
{
	if (!p || !track)
		return;
	take();
	remember(p, nframes, frames);
	give();
}

/* The caller's backtrace when tracing (filled outside the lock). */
#define CAPTURE(track)                                                         \
	void *frames_[FRAMES + 1];                                             \
	int nframes_ = 0;                                                      \
	if ((track) && trace) {                                                \
		in_hook = 1;                                                   \
		nframes_ = backtrace(frames_, FRAMES + 1) - 1;                 \
		in_hook = 0;                                                   \
		if (nframes_ < 0)                                              \
			nframes_ = 0;                                          \
	}

void *malloc(size_t n)
{
	int track;
	if (before(&track)) {
		errno = ENOMEM;
		return NULL;
	}
	CAPTURE(track);
	void *p = __libc_malloc(n);
	after(p, track, nframes_, frames_ + 1);
	return p;
}

void *calloc(size_t n, size_t size)
{
	int track;
	if (before(&track)) {
		errno = ENOMEM;
		return NULL;
	}
	CAPTURE(track);
	void *p = __libc_calloc(n, size);
	after(p, track, nframes_, frames_ + 1);
	return p;
}

void free(void *p)
{
	if (!p)
		return;
	take();
	forget(p);
	give();
	__libc_free(p);
}

void *realloc(void *old, size_t n)
{
	if (!old)
		return malloc(n);
	if (n == 0) {
		free(old);
		return NULL;
	}
	int track;
	if (before(&track)) {
		errno = ENOMEM;
		return NULL;
	}
	CAPTURE(track);
	take();
	int was = forget(old);
	give();
	void *p = __libc_realloc(old, n);
	if (!p) {
		/* the old block is still there, as it was */
		after(old, was, 0, NULL);
		return NULL;
	}
	after(p, track || was, nframes_, frames_ + 1);
	return p;
}

void *reallocarray(void *old, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size) {
		errno = ENOMEM;
		return NULL;
	}
	return realloc(old, n * size);
}

static void *aligned(size_t align, size_t n)
{
	int track;
	if (before(&track)) {
		errno = ENOMEM;
		return NULL;
	}
	CAPTURE(track);
	void *p = __libc_memalign(align, n);
	after(p, track, nframes_, frames_ + 1);
	return p;
}

int posix_memalign(void **out, size_t align, size_t n)
{
	if (align < sizeof(void *) || (align & (align - 1)))
		return EINVAL;
	void *p = aligned(align, n);
	if (!p)
		return ENOMEM;
	*out = p;
	return 0;
}

void *aligned_alloc(size_t align, size_t n)
{
	return aligned(align, n);
}

void *memalign(size_t align, size_t n)
{
	return aligned(align, n);
}

char *strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);
	if (p)
		memcpy(p, s, n);
	return p;
}

char *strndup(const char *s, size_t max)
{
	size_t n = strnlen(s, max);
	char *p = malloc(n + 1);
	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

/* ---- control --------------------------------------------------------- */

void allocfail_arm(unsigned long k)
{
	static int started;
	if (!started) {
		const char *t = getenv("DTI_ALLOC_TRACE");
		trace = t && *t == '1';
		if (trace) {
			/* the first backtrace() loads the unwinder: not armed
			 */
			void *f[2];
			backtrace(f, 2);
		}
		started = 1;
	}
	take();
	gen++;
	live = 0;
	overflow = 0;
	count = 0;
	fail_at = k;
	injected = 0;
	paused = 0;
	armed = 1;
	give();
}

void allocfail_pause(void)
{
	take();
	paused = 1;
	give();
}

void allocfail_resume(void)
{
	take();
	paused = 0;
	give();
}

size_t allocfail_disarm(void)
{
	take();
	armed = 0;
	paused = 0;
	size_t n = live + overflow;
	give();
	return n;
}

unsigned long allocfail_count(void)
{
	return count;
}

int allocfail_injected(void)
{
	return injected;
}

void allocfail_report_refused(FILE *f)
{
	fflush(f);
	if (!injected || nrefused < 3) {
		fprintf(
		    f,
		    "    (DTI_ALLOC_TRACE=1 shows the refused allocation)\n");
	} else {
		fprintf(f, "    the refused allocation was asked at:\n");
		fflush(f);
		/* without before() and the hook itself */
		backtrace_symbols_fd(refused + 2, nrefused - 2, fileno(f));
	}
	fflush(f);
}

void allocfail_report(FILE *f, size_t max)
{
	size_t shown = 0;
	fflush(f);
	for (size_t i = 0; i < SLOTS && shown < max; i++) {
		const struct slot *s = &table[i];
		if (s->gen != gen || s->p == TOMB || !s->p)
			continue;
		fprintf(f, "    leaked block %p", s->p);
		if (!s->nframes) {
			fprintf(f, " (DTI_ALLOC_TRACE=1 shows where)\n");
		} else {
			fprintf(f, ", allocated at:\n");
			fflush(f);
			backtrace_symbols_fd(s->frames, s->nframes, fileno(f));
		}
		shown++;
	}
	if (overflow)
		fprintf(f, "    and %zu blocks beyond the table\n", overflow);
	fflush(f);
}
