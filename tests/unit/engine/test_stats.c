/*
 * tests/unit/engine/test_stats.c - statistics (lib/engine/stats.c) against
 * COINr 1.1.14 on its ASEM example (tests/data/coinr-asem: iMeta.csv read
 * as the framework, iData.csv as the data).  The reference numbers were
 * written by COINr itself (stats-fixtures.R beside them): get_stats of
 * the raw data (every indicator's min, max, mean, median, sd, skew,
 * kurtosis and counts), the Pearson and Spearman correlations of every
 * two indicators of each level-2 group, and get_cronbach of each group.
 * With the computed values, each child's correlation with its aggregate
 * as COINr's get_corr(withparent = TRUE) gives it (corr-parent.csv).
 * Every number must agree to 1e-12 relative (the counts exactly); the
 * report's JSON carries the same numbers.  And the edges: too few values
 * give NaN, not a number.
 */
/* cmocka.h needs these headers first, in this order */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dti/dti.h"
#include "testcheck.h"
#include "testutil.h"

struct asem {
	struct dti_framework *fw;
	struct dti_dataset *ds;
	struct dti_result *res;
};

static void load(struct asem *a)
{
	struct dti_error err = DTI_ERROR_INIT;
	char *fp = test_path("tests/data/coinr-asem/iMeta.csv");
	char *dp = test_path("tests/data/coinr-asem/iData.csv");
	assert_int_equal(dti_framework_load(fp, &a->fw, &err), DTI_OK);
	assert_int_equal(dti_dataset_read(a->fw, NULL, dp, NULL, &a->ds, &err),
	                 DTI_OK);
	assert_int_equal(dti_compute(a->fw, a->ds, 0, NULL, &a->res, &err),
	                 DTI_OK);
	free(fp);
	free(dp);
	dti_error_release(&err);
}

static void unload(struct asem *a)
{
	dti_result_free(a->res);
	dti_dataset_free(a->ds);
	dti_framework_free(a->fw);
}

/* The raw figures of indicator `code`, one per unit of the result. */
static double *col(const struct asem *a, const char *code)
{
	size_t n = dti_result_unit_count(a->res);
	size_t k = node_of(a->fw, code);
	double *x = malloc(n * sizeof *x);
	assert_non_null(x);
	for (size_t i = 0; i < n; i++)
		x[i] = dti_dataset_get(a->ds, 0, dti_result_unit(a->res, i), k);
	return x;
}

static void rel_near(double got, double want, const char *what)
{
	double tol = 1e-12 * (fabs(want) > 1 ? fabs(want) : 1);
	if (!(fabs(got - want) <= tol))
		fail_msg("%s: %.17g, COINr %.17g", what, got, want);
}

/* The rows of a fixture CSV: fields split at commas (none are quoted). */
static size_t rows(const char *rel, char lines[][16][48], size_t max)
{
	char *p = test_path(rel);
	FILE *f = fopen(p, "r");
	assert_non_null(f);
	free(p);
	char line[1024];
	size_t n = 0;
	assert_non_null(fgets(line, sizeof line, f)); /* the header */
	while (n < max && fgets(line, sizeof line, f)) {
		line[strcspn(line, "\r\n")] = '\0';
		size_t c = 0;
		for (char *tok = strtok(line, ","); tok && c < 16;
		     tok = strtok(NULL, ","))
			snprintf(lines[n][c++], 48, "%s", tok);
		n++;
	}
	fclose(f);
	return n;
}

static char fx[200][16][48];

static void test_indicator_stats(void **state)
{
	(void)state;
	struct asem a;
	load(&a);
	size_t n = rows("tests/data/coinr-asem/stats-raw.csv", fx, 200);
	assert_int_equal(n, 49);
	size_t units = dti_result_unit_count(a.res);
	for (size_t r = 0; r < n; r++) {
		double *x = col(&a, fx[r][0]);
		struct dti_col_stats s;
		assert_int_equal(dti_col_stats(x, units, &s), DTI_OK);
		char what[96];
		static const char *const names[] = {
		    "min", "max", "mean", "median", "sd", "skew", "kurt"};
		double got[] = {s.min, s.max,  s.mean, s.median,
		                s.sd,  s.skew, s.kurt};
		for (int c = 0; c < 7; c++) {
			snprintf(what, sizeof what, "%.47s %s", fx[r][0],
			         names[c]);
			rel_near(got[c], strtod(fx[r][1 + c], NULL), what);
		}
		assert_int_equal(s.avail, atoi(fx[r][8]));
		assert_int_equal(s.nonzero, atoi(fx[r][9]));
		assert_int_equal(s.unique, atoi(fx[r][10]));
		assert_int_equal(s.same, atoi(fx[r][11]));
		free(x);
	}
	unload(&a);
}

static void test_correlations(void **state)
{
	(void)state;
	struct asem a;
	load(&a);
	size_t n = rows("tests/data/coinr-asem/corr-raw.csv", fx, 200);
	assert_int_equal(n, 140);
	size_t units = dti_result_unit_count(a.res);
	for (size_t r = 0; r < n; r++) {
		double *x = col(&a, fx[r][1]), *y = col(&a, fx[r][2]);
		char what[128];
		snprintf(what, sizeof what, "pearson %.47s %.47s", fx[r][1],
		         fx[r][2]);
		rel_near(dti_corr_pearson(x, y, units), strtod(fx[r][3], NULL),
		         what);
		snprintf(what, sizeof what, "spearman %.47s %.47s", fx[r][1],
		         fx[r][2]);
		rel_near(dti_corr_spearman(x, y, units), strtod(fx[r][4], NULL),
		         what);
		free(x);
		free(y);
	}
	unload(&a);
}

static void test_cronbach(void **state)
{
	(void)state;
	struct asem a;
	load(&a);
	size_t n = rows("tests/data/coinr-asem/cronbach-raw.csv", fx, 200);
	assert_int_equal(n, 8);
	size_t units = dti_result_unit_count(a.res);
	for (size_t r = 0; r < n; r++) {
		size_t g = node_of(a.fw, fx[r][0]);
		struct dti_node_info gi;
		dti_framework_node(a.fw, g, &gi);
		const double *cols[32];
		double *own[32];
		size_t k = 0;
		for (size_t c = 0; c < gi.nchildren && k < 32; c++) {
			struct dti_node_info ci;
			dti_framework_node(a.fw, gi.children[c], &ci);
			own[k] = col(&a, ci.code);
			cols[k] = own[k];
			k++;
		}
		rel_near(dti_cronbach_alpha(cols, k, units),
		         strtod(fx[r][1], NULL), fx[r][0]);
		for (size_t c = 0; c < k; c++)
			free(own[c]);
	}
	unload(&a);
}

/* The report carries the same numbers (JSON), and flags them. */
static void test_report(void **state)
{
	(void)state;
	struct asem a;
	load(&a);
	struct dti_buf b = DTI_BUF_INIT;
	struct dti_error err = DTI_ERROR_INIT;
	assert_int_equal(dti_stats_write(a.res, NULL, DTI_FORMAT_JSON,
	                                 DTI_LANG_EN, &b, &err),
	                 DTI_OK);
	/* LPI's sd and Flights' flag, Physical's alpha */
	assert_non_null(strstr(b.data, "{\"code\":\"LPI\",\"available\":51,"));
	/* LPI's weight in the index: 1/2 (Conn) x 1/5 (Physical) x 1/8 */
	const char *lpi = strstr(b.data, "{\"code\":\"LPI\"");
	assert_non_null(strstr(lpi, "\"weight_in_index\":0.0125}"));
	assert_non_null(strstr(b.data, "\"sd\":0.5384761821615"));
	assert_non_null(strstr(b.data, "\"code\":\"Flights\""));
	const char *fl = strstr(b.data, "\"code\":\"Flights\"");
	assert_non_null(strstr(fl, "\"outliers\":true"));
	assert_non_null(strstr(b.data, "{\"code\":\"Physical\",\"cronbach_"
	                               "alpha\":0.6198803821763"));
	dti_buf_release(&b);
	assert_int_equal(dti_stats_write(a.res, NULL, DTI_FORMAT_TABLE,
	                                 DTI_LANG_VI, &b, &err),
	                 DTI_OK);
	assert_non_null(strstr(b.data, "Thống kê số liệu"));
	assert_non_null(strstr(b.data, "Cronbach's alpha: 0,6199"));
	dti_buf_release(&b);
	assert_int_equal(
	    dti_stats_write(a.res, NULL, DTI_FORMAT_CSV, DTI_LANG_EN, &b, &err),
	    DTI_OK);
	assert_non_null(strstr(b.data, "code,available,units,min,max"));
	assert_non_null(strstr(b.data, "\nConSpeed,43,51,"));
	dti_buf_release(&b);
	dti_error_release(&err);
	unload(&a);
}

/* With values, each child's correlation with its aggregate: COINr's
 * get_corr(withparent = TRUE) after min-max onto [0,100] and arithmetic
 * means, for every indicator and aggregate. */
static void test_with_parent(void **state)
{
	(void)state;
	struct asem a;
	load(&a);
	size_t n = rows("tests/data/coinr-asem/corr-parent.csv", fx, 200);
	assert_int_equal(n, 59);
	size_t units = dti_result_unit_count(a.res);
	double *x = malloc(units * sizeof *x), *y = malloc(units * sizeof *y);
	assert_non_null(x);
	assert_non_null(y);
	for (size_t r = 0; r < n; r++) {
		size_t p = node_of(a.fw, fx[r][0]), c = node_of(a.fw, fx[r][1]);
		for (size_t i = 0; i < units; i++) {
			x[i] = dti_result_value(a.res, i, c);
			y[i] = dti_result_value(a.res, i, p);
		}
		char what[128];
		snprintf(what, sizeof what, "%.47s with %.47s", fx[r][1],
		         fx[r][0]);
		rel_near(dti_corr_pearson(x, y, units), strtod(fx[r][2], NULL),
		         what);
	}
	free(x);
	free(y);
	/* the report with values carries them */
	struct dti_stats_opts o;
	dti_stats_opts_init(&o);
	o.values = 1;
	struct dti_buf b = DTI_BUF_INIT;
	struct dti_error err = DTI_ERROR_INIT;
	assert_int_equal(
	    dti_stats_write(a.res, &o, DTI_FORMAT_JSON, DTI_LANG_EN, &b, &err),
	    DTI_OK);
	assert_non_null(strstr(b.data, "\"with_parent\":[{\"code\":\"LPI\","
	                               "\"pearson\":0.81436"));
	dti_buf_release(&b);
	dti_error_release(&err);
	unload(&a);
}

/* The members an aggregate's charts compare: its indicators at any depth
 * with figures (ASEM's Conn holds 8 + 5 + 3 + 6 + 8 = 30 of the 49, the
 * index all 49), its scored children with values (Conn's 5 pillars). */
static void test_members(void **state)
{
	(void)state;
	struct asem a;
	load(&a);
	size_t nn = dti_framework_node_count(a.fw);
	size_t *m = malloc(nn * sizeof *m);
	assert_non_null(m);
	size_t conn = node_of(a.fw, "Conn");
	assert_int_equal(dti_stats_members(a.fw, conn, 0, m), 30);
	/* in the framework's order: Physical's first, P2P's last */
	struct dti_node_info ni;
	dti_framework_node(a.fw, m[0], &ni);
	assert_string_equal(ni.code, "LPI");
	dti_framework_node(a.fw, m[29], &ni);
	assert_string_equal(ni.code, "Lang");
	for (size_t i = 0; i < 30; i++) {
		dti_framework_node(a.fw, m[i], &ni);
		assert_int_equal(ni.nchildren, 0);
	}
	assert_int_equal(dti_stats_members(a.fw, conn, 1, m), 5);
	dti_framework_node(a.fw, m[4], &ni);
	assert_string_equal(ni.code, "P2P");
	size_t root = dti_framework_root(a.fw);
	assert_int_equal(dti_stats_members(a.fw, root, 0, m), 49);
	assert_int_equal(dti_stats_members(a.fw, root, 1, m), 2);
	assert_int_equal(dti_stats_members(a.fw, node_of(a.fw, "LPI"), 0, m),
	                 0);
	assert_int_equal(dti_stats_members(a.fw, nn, 0, m), 0);
	free(m);
	unload(&a);
}

/* The correlation matrix of every level-2 group's indicators holds
 * COINr's pairs (corr-raw.csv) both ways, 1 on the diagonal; with values,
 * each child against its parent is COINr's withparent (corr-parent.csv). */
static void test_corr_matrix(void **state)
{
	(void)state;
	struct asem a;
	load(&a);
	size_t n = rows("tests/data/coinr-asem/corr-raw.csv", fx, 200);
	size_t nn = dti_framework_node_count(a.fw);
	size_t *m = malloc(nn * sizeof *m);
	double *r = malloc(nn * nn * sizeof *r);
	assert_non_null(m);
	assert_non_null(r);
	struct dti_error err = DTI_ERROR_INIT;
	size_t checked = 0;
	for (int sp = 0; sp < 2; sp++) {
		const char *group = "";
		size_t k = 0;
		for (size_t i = 0; i < n; i++) {
			if (strcmp(fx[i][0], group)) {
				group = fx[i][0];
				k = dti_stats_members(
				    a.fw, node_of(a.fw, group), 0, m);
				assert_int_equal(
				    dti_stats_corr_matrix(a.res, 0,
				                          sp ? DTI_CORR_SPEARMAN
				                             : DTI_CORR_PEARSON,
				                          k, m, k, m, r, &err),
				    DTI_OK);
				for (size_t d = 0; d < k; d++)
					assert_near(r[d * k + d], 1, 1e-12);
			}
			size_t x = k, y = k;
			for (size_t j = 0; j < k; j++) {
				struct dti_node_info ni;
				dti_framework_node(a.fw, m[j], &ni);
				if (strcmp(ni.code, fx[i][1]) == 0)
					x = j;
				if (strcmp(ni.code, fx[i][2]) == 0)
					y = j;
			}
			assert_true(x < k && y < k);
			double want = strtod(fx[i][sp ? 4 : 3], NULL);
			rel_near(r[x * k + y], want, fx[i][1]);
			rel_near(r[y * k + x], want, fx[i][2]);
			checked++;
		}
	}
	assert_int_equal(checked, 280);
	/* withparent: a column of one */
	n = rows("tests/data/coinr-asem/corr-parent.csv", fx, 200);
	for (size_t i = 0; i < n; i++) {
		size_t p = node_of(a.fw, fx[i][0]), c = node_of(a.fw, fx[i][1]);
		assert_int_equal(dti_stats_corr_matrix(a.res, 1,
		                                       DTI_CORR_PEARSON, 1, &c,
		                                       1, &p, r, &err),
		                 DTI_OK);
		rel_near(r[0], strtod(fx[i][2], NULL), fx[i][1]);
	}
	/* an aggregate has no figures: NaN, not a number */
	size_t pair[2] = {node_of(a.fw, "Physical"), node_of(a.fw, "LPI")};
	assert_int_equal(dti_stats_corr_matrix(a.res, 0, DTI_CORR_PEARSON, 2,
	                                       pair, 2, pair, r, &err),
	                 DTI_OK);
	assert_nan(r[0]);
	assert_nan(r[1]);
	assert_near(r[3], 1, 1e-15);
	/* bad arguments name themselves */
	size_t bad = nn;
	assert_int_equal(dti_stats_corr_matrix(a.res, 0, DTI_CORR_PEARSON, 1,
	                                       &bad, 1, pair, r, &err),
	                 DTI_EARG);
	assert_string_equal(err.field, "rows[0]");
	dti_error_release(&err);
	assert_int_equal(dti_stats_corr_matrix(a.res, 0, DTI_CORR_PEARSON, 1,
	                                       pair, 0, pair, r, &err),
	                 DTI_EARG);
	assert_string_equal(err.field, "cols");
	dti_error_release(&err);
	assert_int_equal(dti_stats_corr_matrix(a.res, 0,
	                                       (enum dti_corr_method)7, 1, pair,
	                                       1, pair, r, &err),
	                 DTI_EARG);
	assert_string_equal(err.field, "method");
	dti_error_release(&err);
	free(m);
	free(r);
	unload(&a);
}

static void test_edges(void **state)
{
	(void)state;
	double two[] = {1, NAN, 3};
	struct dti_col_stats s;
	assert_int_equal(dti_col_stats(two, 3, &s), DTI_OK);
	assert_int_equal(s.avail, 2);
	assert_near(s.mean, 2, 1e-15);
	assert_near(s.median, 2, 1e-15);
	assert_nan(s.skew);
	assert_nan(s.kurt);
	double same[] = {5, 5, 5, 5, 5};
	assert_int_equal(dti_col_stats(same, 5, &s), DTI_OK);
	assert_near(s.sd, 0, 0);
	assert_nan(s.skew);
	assert_int_equal(s.unique, 1);
	assert_int_equal(s.same, 5);
	double none[] = {NAN, NAN};
	assert_int_equal(dti_col_stats(none, 2, &s), DTI_OK);
	assert_int_equal(s.avail, 0);
	assert_nan(s.mean);
	double x[] = {1, 2, NAN}, y[] = {NAN, 2, 3};
	assert_nan(dti_corr_pearson(x, y, 3));
	assert_nan(dti_corr_spearman(x, y, 3));
	const double *one[] = {x};
	assert_nan(dti_cronbach_alpha(one, 1, 3));
	/* ties share the mean rank: Spearman of a monotone pair with ties */
	double p[] = {1, 2, 2, 3}, q[] = {10, 20, 20, 30};
	assert_near(dti_corr_spearman(p, q, 4), 1, 1e-15);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_indicator_stats),
	    cmocka_unit_test(test_correlations),
	    cmocka_unit_test(test_cronbach),
	    cmocka_unit_test(test_report),
	    cmocka_unit_test(test_with_parent),
	    cmocka_unit_test(test_members),
	    cmocka_unit_test(test_corr_matrix),
	    cmocka_unit_test(test_edges),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
