/*
 * tests/unit/testcheck.h - assertions the unit tests share, on top of cmocka.
 *
 * Include after <cmocka.h>.  test_fw_text() and ds_text() parse a
 * framework and data given as text, failing the test on any fault.
 * assert_near() compares doubles within a tolerance, assert_nan() expects no
 * value, assert_contains() and assert_lacks() look for a substring,
 * show_error() prints a library error with every located fault.  Unused helpers
 * cost nothing (static, unused).
 */
#ifndef DTI_TESTCHECK_H
#define DTI_TESTCHECK_H

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "dti/dti.h"

#define TEST_UNUSED __attribute__((unused))

#define assert_near(a, b, eps) near_at((a), (b), (eps), #a, __FILE__, __LINE__)
#define assert_nan(a)          nan_at((a), #a, __FILE__, __LINE__)
#define assert_contains(hay, needle)                                           \
	contains_at((hay), (needle), 1, __FILE__, __LINE__)
#define assert_lacks(hay, needle)                                              \
	contains_at((hay), (needle), 0, __FILE__, __LINE__)

static TEST_UNUSED void near_at(double a, double b, double eps,
                                const char *expr, const char *file, int line)
{
	if (!isnan(a) && !isnan(b) && fabs(a - b) <= eps)
		return;
	print_error("%s = %.17g, expected %.17g (within %g)\n", expr, a, b,
	            eps);
	_fail(file, line);
}

static TEST_UNUSED void nan_at(double a, const char *expr, const char *file,
                               int line)
{
	if (isnan(a))
		return;
	print_error("%s = %.17g, expected no value (NaN)\n", expr, a);
	_fail(file, line);
}

static TEST_UNUSED void show_error(const char *what,
                                   const struct dti_error *err)
{
	char msg[1200];
	dti_error_format(err, msg, sizeof msg);
	print_error("%s: %s\n", what, msg);
	for (size_t i = 0; i < err->nmore; i++) {
		dti_diag_format(&err->more[i], msg, sizeof msg);
		print_error("  and: %s\n", msg);
	}
}

static TEST_UNUSED void contains_at(const char *hay, const char *needle,
                                    int want, const char *file, int line)
{
	int has = hay && strstr(hay, needle) != NULL;
	if (has == want)
		return;
	print_error("%s \"%s\" in:\n%s\n", want ? "expected" : "did not expect",
	            needle, hay ? hay : "(null)");
	_fail(file, line);
}

/* Lookups that fail the test when the code or unit is not there. */
static TEST_UNUSED size_t node_of(const struct dti_framework *fw,
                                  const char *code)
{
	long k = dti_framework_find(fw, code);
	if (k < 0)
		fail_msg("no node '%s'", code);
	return (size_t)k;
}

static TEST_UNUSED size_t unit_of(const struct dti_result *res, const char *id)
{
	long du = dti_dataset_find_unit(dti_result_dataset(res), id);
	if (du < 0)
		fail_msg("no unit '%s' in the data", id);
	long i = dti_result_find_unit(res, (size_t)du);
	if (i < 0)
		fail_msg("unit '%s' is not in the result", id);
	return (size_t)i;
}

/* A framework parsed from text (named `name` in messages); fails on error. */
static TEST_UNUSED struct dti_framework *test_fw_text(const char *text,
                                                      const char *name)
{
	struct dti_framework *fw = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st =
	    dti_framework_parse(text, strlen(text), name, &fw, &err);
	if (st)
		show_error("framework", &err);
	dti_error_release(&err);
	assert_int_equal(st, DTI_OK);
	return fw;
}

/* Data parsed from text ("data.csv") for a framework; fails on error. */
static TEST_UNUSED struct dti_dataset *ds_text(const struct dti_framework *fw,
                                               const char *text)
{
	struct dti_dataset *ds = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_dataset_parse(fw, NULL, text, strlen(text),
	                                       "data.csv", NULL, &ds, &err);
	if (st)
		show_error("data", &err);
	dti_error_release(&err);
	assert_int_equal(st, DTI_OK);
	return ds;
}

static TEST_UNUSED double val(const struct dti_result *res, const char *id,
                              const char *code)
{
	return dti_result_value(res, unit_of(res, id),
	                        node_of(dti_result_framework(res), code));
}

#endif
