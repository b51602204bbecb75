/*
 * tests/unit/testutil.h - small helpers shared by the unit tests.
 *
 * The tests run from the build directory; files of the source tree (bundled
 * data, fixtures) are found through $DTI_SRCDIR, which the test harness
 * sets to the source root.  Everything here is static inline, so a test
 * that includes this header and uses none of it compiles without warnings.
 */
#ifndef DTI_TESTUTIL_H
#define DTI_TESTUTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The source root: $DTI_SRCDIR, or "." when run by hand from there. */
static inline const char *test_srcdir(void)
{
	const char *d = getenv("DTI_SRCDIR");
	return d && *d ? d : ".";
}

/* "$DTI_SRCDIR/rel", malloc'd (the caller frees it); NULL without memory. */
static inline char *test_path(const char *rel)
{
	const char *d = test_srcdir();
	size_t n = strlen(d) + 1 + strlen(rel) + 1;
	char *p = malloc(n);
	if (p)
		snprintf(p, n, "%s/%s", d, rel);
	return p;
}

#endif
