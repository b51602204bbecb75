/*
 * tests/fuzz/fuzz_common.h - what the libFuzzer targets share.
 *
 * The frameworks and registries the targets parse against are compiled in
 * (tools/embed.c, as for the dti program), so a target runs from any
 * directory and never reads the source tree.  A broken invariant ends the
 * run with abort(), which libFuzzer reports as a crash and saves the input.
 */
#ifndef DTI_FUZZ_COMMON_H
#define DTI_FUZZ_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dti/dti.h"
#include "embedded.h"

/* The bundled file of this base name; aborts when it is not bundled. */
static inline const struct dti_embedded_file *fuzz_file(const char *name)
{
	for (const struct dti_embedded_file *f = dti_embedded_files; f->name;
	     f++)
		if (strcmp(f->name, name) == 0)
			return f;
	fprintf(stderr, "fuzz: %s is not bundled into the target\n", name);
	abort();
}

/* Stops the run: an invariant of the library does not hold. */
#define FUZZ_ASSERT(cond, ...)                                                 \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "fuzz: %s:%d: %s: ", __FILE__,         \
			        __LINE__, #cond);                              \
			fprintf(stderr, __VA_ARGS__);                          \
			fputc('\n', stderr);                                   \
			abort();                                               \
		}                                                              \
	} while (0)

#endif
