/*
 * tests/unit/coinr_fixture.h - the tables COINr wrote for the tests
 * (the CSV files of tests/data/coinr-asem: uCode, then one column per code,
 * numbers with 17 significant digits, no quotes), read into memory, and the
 * comparison to 1e-12 relative.  Static functions: included by the test
 * programs that use them.
 */
#ifndef DTI_TEST_COINR_FIXTURE_H
#define DTI_TEST_COINR_FIXTURE_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

struct fixture {
	size_t nrows, ncols; /* data rows; columns after uCode */
	char **code;         /* [ncols] */
	char **unit;         /* [nrows] */
	double *v;           /* [nrows][ncols], NaN for empty */
};

static char *fixture_slurp(const char *rel, size_t *len)
{
	char *path = test_path(rel);
	assert_non_null(path);
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	free(path);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *b = malloc((size_t)n + 1);
	assert_non_null(b);
	assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	b[n] = '\0';
	*len = (size_t)n;
	return b;
}

/* The fields of a line (no quotes in these files), cut in place. */
static size_t fixture_split(char *line, char **f, size_t max)
{
	size_t n = 0;
	for (char *p = line;; p++) {
		if (n < max)
			f[n] = p;
		n++;
		p = strchr(p, ',');
		if (!p)
			break;
		*p = '\0';
	}
	return n;
}

static void fixture_load(const char *rel, struct fixture *fx)
{
	size_t len;
	char *b = fixture_slurp(rel, &len);
	memset(fx, 0, sizeof *fx);
	char *save = NULL;
	char *line = strtok_r(b, "\n", &save);
	char *f[128];
	size_t n = fixture_split(line, f, 128);
	assert_true(n > 1 && n <= 128);
	fx->ncols = n - 1;
	fx->code = calloc(fx->ncols, sizeof *fx->code);
	for (size_t j = 1; j < n; j++)
		fx->code[j - 1] = strdup(f[j]);
	while ((line = strtok_r(NULL, "\n", &save))) {
		size_t m = fixture_split(line, f, 128);
		assert_int_equal(m, n);
		fx->unit =
		    realloc(fx->unit, (fx->nrows + 1) * sizeof *fx->unit);
		fx->v =
		    realloc(fx->v, (fx->nrows + 1) * fx->ncols * sizeof *fx->v);
		fx->unit[fx->nrows] = strdup(f[0]);
		for (size_t j = 1; j < n; j++)
			fx->v[fx->nrows * fx->ncols + j - 1] =
			    *f[j] ? strtod(f[j], NULL) : NAN;
		fx->nrows++;
	}
	free(b);
}

static void fixture_unload(struct fixture *fx)
{
	for (size_t j = 0; j < fx->ncols; j++)
		free(fx->code[j]);
	for (size_t i = 0; i < fx->nrows; i++)
		free(fx->unit[i]);
	free(fx->code);
	free(fx->unit);
	free(fx->v);
}

/* a and b equal to 1e-12 relative (both NaN counts as equal) */
static int fixture_close(double a, double b)
{
	if (isnan(a) || isnan(b))
		return isnan(a) && isnan(b);
	double scale = fabs(a) > fabs(b) ? fabs(a) : fabs(b);
	return fabs(a - b) <= 1e-12 * (scale > 1e-300 ? scale : 1);
}

#endif
