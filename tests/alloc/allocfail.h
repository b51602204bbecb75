/*
 * tests/alloc/allocfail.h - a malloc family that can fail on purpose.
 *
 * allocfail.c defines malloc, calloc, realloc, reallocarray, free, strdup,
 * strndup, posix_memalign, aligned_alloc and memalign in the test program,
 * so that every allocation of the process (libdti, ICU, the C library's
 * own) goes through them; they forward to glibc's __libc_* functions.
 *
 * Between allocfail_arm() and allocfail_disarm() allocations are counted
 * and each live block is remembered with the address that asked for it;
 * the allocation numbered `fail_at` (1-based; 0: none) returns NULL with
 * errno ENOMEM.  allocfail_pause() stops counting and remembering (for
 * checks made by the test itself) while frees still forget the blocks
 * they release.  Not for threads: one test thread allocates at a time.
 */
#ifndef DTI_TESTS_ALLOCFAIL_H
#define DTI_TESTS_ALLOCFAIL_H

#include <stddef.h>
#include <stdio.h>

/* Starts counting; allocation number fail_at fails (0: none fails). */
void allocfail_arm(unsigned long fail_at);
void allocfail_pause(void);
void allocfail_resume(void);
/*
 * Stops counting.  Returns the number of blocks allocated since the arm
 * (while not paused) and not freed since.
 */
size_t allocfail_disarm(void);

/* Allocations counted since the last arm. */
unsigned long allocfail_count(void);
/* 1 when the allocation numbered fail_at was reached and refused. */
int allocfail_injected(void);

/* Prints where the refused allocation was asked for. */
void allocfail_report_refused(FILE *f);

/* Prints up to max blocks still live, with the code that allocated them. */
void allocfail_report(FILE *f, size_t max);

#endif
