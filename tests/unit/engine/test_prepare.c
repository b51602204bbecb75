/*
 * tests/unit/engine/test_prepare.c - the data steps (dti/prepare.h) on
 * COINr's ASEM example, against what COINr 1.1.14's build_example_coin()
 * computes (tests/data/coinr-asem/steps-*.csv, written by COINr itself
 * with steps-fixtures.R): the denominated, imputed, screened and treated
 * figures of every unit, the points winsorised and the skew and kurtosis
 * before and after, then the normalised and aggregated values dti_compute
 * makes of the treated data, every number to 1e-12 relative.  Then what
 * COINr does not exercise there, worked out by hand: the log fallback,
 * the medians, screening out, a denominator's factor, and refusals.
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

#include "coinr_fixture.h"
#include "dti/dti.h"
#include "testcheck.h"
#include "testutil.h"

/* ---- the ASEM example ---------------------------------------------------- */

struct asem {
	struct dti_framework *fw;
	struct dti_dataset *ds;
};

static int setup(void **state)
{
	static struct asem a;
	struct dti_error err = DTI_ERROR_INIT;
	char *mp = test_path("tests/data/coinr-asem/iMeta.csv");
	char *dp = test_path("tests/data/coinr-asem/iData.csv");
	enum dti_status st = dti_framework_load(mp, &a.fw, &err);
	if (!st)
		st = dti_dataset_read(a.fw, NULL, dp, NULL, &a.ds, &err);
	if (st)
		show_error("ASEM", &err);
	free(mp);
	free(dp);
	dti_error_release(&err);
	*state = &a;
	return st == DTI_OK ? 0 : -1;
}

static int teardown(void **state)
{
	struct asem *a = *state;
	dti_dataset_free(a->ds);
	dti_framework_free(a->fw);
	return 0;
}

/* build_example_coin()'s steps up to `upto` (1 denominate ... 4 treat) */
static void coin_opts(struct dti_prep_opts *o, int upto)
{
	dti_prep_opts_init(o);
	o->denominate = 1;
	if (upto >= 2) {
		o->impute = DTI_IMPUTE_GROUP_MEAN;
		o->impute_group = "EurAsia_group";
	}
	if (upto >= 3)
		o->screen_avail = 0.9;
	if (upto >= 4)
		o->treat = 1;
}

static struct dti_dataset *prepare_ok(struct asem *a,
                                      const struct dti_prep_opts *o,
                                      struct dti_prep_report *rep)
{
	struct dti_dataset *out = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_prepare(a->fw, a->ds, 0, o, &out, rep, &err);
	if (st) {
		show_error("dti_prepare", &err);
		fail();
	}
	dti_error_release(&err);
	return out;
}

/* Every figure of the fixture's indicators equals the dataset's. */
static void same_figures(const struct dti_dataset *ds, const char *rel)
{
	struct fixture fx;
	fixture_load(rel, &fx);
	const struct dti_framework *fw = dti_dataset_framework(ds);
	assert_int_equal(dti_dataset_unit_count(ds), fx.nrows);
	size_t checked = 0;
	for (size_t i = 0; i < fx.nrows; i++) {
		long u = dti_dataset_find_unit(ds, fx.unit[i]);
		if (u < 0)
			fail_msg("%s: no unit %s", rel, fx.unit[i]);
		for (size_t j = 0; j < fx.ncols; j++) {
			long k = dti_framework_find(fw, fx.code[j]);
			if (k < 0)
				fail_msg("%s: no node %s", rel, fx.code[j]);
			double want = fx.v[i * fx.ncols + j];
			double got =
			    dti_dataset_get(ds, 0, (size_t)u, (size_t)k);
			if (!fixture_close(got, want))
				fail_msg("%s: %s of %s is %.17g, COINr %.17g",
				         rel, fx.code[j], fx.unit[i], got,
				         want);
			checked++;
		}
	}
	assert_int_equal(checked, 51 * 49);
	fixture_unload(&fx);
}

static void test_denominated(void **state)
{
	struct asem *a = *state;
	struct dti_prep_opts o;
	coin_opts(&o, 1);
	struct dti_prep_report rep;
	struct dti_dataset *ds = prepare_ok(a, &o, &rep);
	same_figures(ds, "tests/data/coinr-asem/steps-Denominated.csv");
	/* Flights is per head of population: 51 figures divided */
	long k = dti_framework_find(a->fw, "Flights");
	for (size_t j = 0; j < rep.nind; j++)
		if (rep.ind[j].node == (size_t)k)
			assert_int_equal(rep.ind[j].denominated, 51);
	dti_prep_report_release(&rep);
	dti_dataset_free(ds);
}

static void test_imputed(void **state)
{
	struct asem *a = *state;
	struct dti_prep_opts o;
	coin_opts(&o, 2);
	struct dti_prep_report rep;
	struct dti_dataset *ds = prepare_ok(a, &o, &rep);
	same_figures(ds, "tests/data/coinr-asem/steps-Imputed.csv");
	/* 63 empty cells, and the figures divided by a missing Energy */
	size_t imputed = 0;
	for (size_t j = 0; j < rep.nind; j++)
		imputed += rep.ind[j].imputed;
	assert_true(imputed >= 63);
	assert_int_equal(dti_dataset_count(ds, 0), 51 * 49);
	dti_prep_report_release(&rep);
	dti_dataset_free(ds);
}

static void test_screened(void **state)
{
	struct asem *a = *state;
	struct dti_prep_opts o;
	coin_opts(&o, 3);
	struct dti_prep_report rep;
	struct dti_dataset *ds = prepare_ok(a, &o, &rep);
	same_figures(ds, "tests/data/coinr-asem/steps-Screened.csv");
	assert_int_equal(rep.nkept, 51);
	dti_prep_report_release(&rep);
	dti_dataset_free(ds);
}

static void test_treated(void **state)
{
	struct asem *a = *state;
	struct dti_prep_opts o;
	coin_opts(&o, 4);
	struct dti_prep_report rep;
	struct dti_dataset *ds = prepare_ok(a, &o, &rep);
	same_figures(ds, "tests/data/coinr-asem/steps-Treated.csv");
	/* the points and the skew and kurtosis before and after */
	struct fixture fx;
	fixture_load("tests/data/coinr-asem/steps-treated-points.csv", &fx);
	assert_int_equal(fx.nrows, 49);
	size_t treated = 0;
	for (size_t i = 0; i < fx.nrows; i++) {
		long k = dti_framework_find(a->fw, fx.unit[i]);
		assert_true(k >= 0);
		const struct dti_prep_indicator *x = NULL;
		for (size_t j = 0; j < rep.nind; j++)
			if (rep.ind[j].node == (size_t)k)
				x = &rep.ind[j];
		assert_non_null(x);
		const double *f =
		    fx.v + i * fx.ncols; /* nwin, s0, k0, s1, k1 */
		assert_int_equal(x->nwin, (size_t)f[0]);
		assert_true(fixture_close(x->skew0, f[1]));
		assert_true(fixture_close(x->kurt0, f[2]));
		if (f[0] > 0) {
			assert_int_equal(x->treatment, DTI_TREAT_WINSORISED);
			assert_true(fixture_close(x->skew1, f[3]));
			assert_true(fixture_close(x->kurt1, f[4]));
			treated++;
		} else {
			assert_int_equal(x->treatment, DTI_TREAT_NONE);
		}
		assert_true(x->pass);
	}
	assert_int_equal(treated, 15);
	fixture_unload(&fx);
	dti_prep_report_release(&rep);
	dti_dataset_free(ds);
}

/* Normalise (min-max onto [0, 100]) and Aggregate of the treated data. */
static void test_normalised_aggregated(void **state)
{
	struct asem *a = *state;
	struct dti_prep_opts o;
	coin_opts(&o, 4);
	struct dti_dataset *ds = prepare_ok(a, &o, NULL);
	struct dti_result *res = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	if (dti_compute(a->fw, ds, 0, NULL, &res, &err)) {
		show_error("compute", &err);
		fail();
	}
	const char *sets[] = {"tests/data/coinr-asem/steps-Normalised.csv",
	                      "tests/data/coinr-asem/steps-Aggregated.csv"};
	for (int s = 0; s < 2; s++) {
		struct fixture fx;
		fixture_load(sets[s], &fx);
		size_t checked = 0;
		for (size_t i = 0; i < fx.nrows; i++) {
			long du = dti_dataset_find_unit(ds, fx.unit[i]);
			assert_true(du >= 0);
			long u = dti_result_find_unit(res, (size_t)du);
			assert_true(u >= 0);
			for (size_t j = 0; j < fx.ncols; j++) {
				long k = dti_framework_find(a->fw, fx.code[j]);
				if (k < 0)
					continue; /* group columns */
				/* Aggregated repeats the normalised columns */
				double want = fx.v[i * fx.ncols + j];
				double got =
				    dti_result_value(res, (size_t)u, (size_t)k);
				if (!fixture_close(got, want))
					fail_msg("%s: %s of %s is %.17g, "
					         "COINr %.17g",
					         sets[s], fx.code[j],
					         fx.unit[i], got, want);
				checked++;
			}
		}
		/* 49 indicators; then 8 pillars, 2 sub-indexes, the index */
		assert_int_equal(checked, 51 * (s ? 49 + 11 : 49));
		fixture_unload(&fx);
	}
	dti_result_free(res);
	dti_dataset_free(ds);
	dti_error_release(&err);
}

/* ---- worked by hand ------------------------------------------------------ */

static const char small_fw[] = "code,name,parent,weight,rule,denominator\n"
                               "idx,Index,,,,\n"
                               "a,A,idx,1,minmax,\n"
                               "b,B,idx,1,minmax,population*1000\n";

static void small(struct dti_framework **fw, struct dti_dataset **ds,
                  const char *data)
{
	struct dti_error err = DTI_ERROR_INIT;
	if (dti_framework_parse(small_fw, strlen(small_fw), "fw.csv", fw,
	                        &err) ||
	    dti_dataset_parse(*fw, NULL, data, strlen(data), "d.csv", NULL, ds,
	                      &err)) {
		show_error("small", &err);
		fail();
	}
	dti_error_release(&err);
}

static double fig(const struct dti_dataset *ds, const char *unit,
                  const char *code)
{
	long u = dti_dataset_find_unit(ds, unit);
	long k = dti_framework_find(dti_dataset_framework(ds), code);
	assert_true(u >= 0 && k >= 0);
	return dti_dataset_get(ds, 0, (size_t)u, (size_t)k);
}

static void test_by_hand(void **state)
{
	(void)state;
	struct dti_framework *fw;
	struct dti_dataset *ds;
	/* b per thousand people: b / population * 1000 */
	small(&fw, &ds,
	      "year,unit,region,population,a,b\n"
	      "2024,P,N,2000,1,10\n"
	      "2024,Q,N,500,,4\n"
	      "2024,R,S,1000,7,\n"
	      "2024,S,S,4000,9,2\n"
	      "2024,T,S,,3,5\n");
	struct dti_prep_opts o;
	dti_prep_opts_init(&o);
	o.denominate = 1;
	o.impute = DTI_IMPUTE_GROUP_MEDIAN;
	o.impute_group = "region";
	struct dti_dataset *out = NULL;
	struct dti_prep_report rep;
	struct dti_error err = DTI_ERROR_INIT;
	assert_int_equal(dti_prepare(fw, ds, 0, &o, &out, &rep, &err), DTI_OK);
	/* b: P 5, Q 8, R -, S 0.5, T - (no population) */
	assert_true(fig(out, "P", "b") == 5);
	assert_true(fig(out, "Q", "b") == 8);
	assert_true(fig(out, "S", "b") == 0.5);
	/* R and T take the median of S's group: 0.5 (only S has one) */
	assert_true(fig(out, "R", "b") == 0.5);
	assert_true(fig(out, "T", "b") == 0.5);
	/* a: Q takes N's median, P's 1 */
	assert_true(fig(out, "Q", "a") == 1);
	assert_int_equal(rep.ind[1].denominated, 3);
	assert_int_equal(rep.ind[1].imputed, 2);
	dti_prep_report_release(&rep);
	dti_dataset_free(out);

	/* the median of all: a's {1, 7, 9, 3} -> 5 for Q */
	dti_prep_opts_init(&o);
	o.impute = DTI_IMPUTE_MEDIAN;
	assert_int_equal(dti_prepare(fw, ds, 0, &o, &out, NULL, &err), DTI_OK);
	assert_true(fig(out, "Q", "a") == 5);
	assert_true(fig(out, "R", "b") == 4.5); /* {10, 4, 2, 5} */
	dti_dataset_free(out);

	/* screening: 1 of 2 figures is 0.5 < 0.75, so Q, R, T... out */
	dti_prep_opts_init(&o);
	o.screen_avail = 0.75;
	assert_int_equal(dti_prepare(fw, ds, 0, &o, &out, &rep, &err), DTI_OK);
	assert_int_equal(rep.nkept, 3);
	assert_int_equal(dti_dataset_unit_count(out), 3);
	assert_true(dti_dataset_find_unit(out, "Q") < 0);
	assert_true(dti_dataset_find_unit(out, "R") < 0);
	dti_prep_report_release(&rep);
	dti_dataset_free(out);

	/* refusals: nothing asked; a threshold beyond 1; a group method
	   without the group; winmax 0 */
	dti_prep_opts_init(&o);
	assert_int_equal(dti_prepare(fw, ds, 0, &o, &out, NULL, &err),
	                 DTI_EARG);
	assert_null(out);
	o.screen_avail = 1.5;
	dti_error_release(&err);
	assert_int_equal(dti_prepare(fw, ds, 0, &o, &out, NULL, &err),
	                 DTI_EARG);
	assert_non_null(strstr(err.message, "0..1"));
	dti_prep_opts_init(&o);
	o.impute = DTI_IMPUTE_GROUP_MEAN;
	o.impute_group = "province";
	dti_error_release(&err);
	assert_int_equal(dti_prepare(fw, ds, 0, &o, &out, NULL, &err),
	                 DTI_EARG);
	assert_non_null(strstr(err.message, "region"));
	dti_prep_opts_init(&o);
	o.treat = 1;
	o.winmax = 0;
	assert_int_equal(dti_prepare(fw, ds, 0, &o, &out, NULL, &err),
	                 DTI_EARG);
	dti_error_release(&err);
	dti_dataset_free(ds);
	dti_framework_free(fw);
	/* screening that leaves nobody: every unit lacks a figure */
	small(&fw, &ds, "year,unit,a,b\n2024,P,1,\n2024,Q,,2\n");
	dti_prep_opts_init(&o);
	o.screen_avail = 1;
	assert_int_equal(dti_prepare(fw, ds, 0, &o, &out, NULL, &err),
	                 DTI_EINVALID);
	assert_non_null(strstr(err.message, "no unit"));
	assert_null(out);
	dti_error_release(&err);
	dti_dataset_free(ds);
	dti_framework_free(fw);
}

/*
 * The log fallback: one figure far out and winmax 1.  x = 1..19 and 1000:
 * winsorising the 1000 to 19 leaves 1..19, 19 (skew < 2: passes); with
 * 1000 and 999 two points would be needed, so winmax 1 fails and the
 * figures become log(x - 1 + 9.99) (a = (1000 - 1) / 100).
 */
static void test_log_fallback(void **state)
{
	(void)state;
	struct dti_buf d = DTI_BUF_INIT;
	dti_buf_adds(&d, "year,unit,a,b\n");
	for (int i = 1; i <= 18; i++)
		dti_buf_addf(&d, "2024,U%02d,%d,%d\n", i, i, i);
	dti_buf_adds(&d, "2024,U19,999,19\n2024,U20,1000,20\n");
	struct dti_framework *fw;
	struct dti_dataset *ds;
	small(&fw, &ds, d.data);
	struct dti_prep_opts o;
	dti_prep_opts_init(&o);
	o.treat = 1;
	o.winmax = 1;
	struct dti_dataset *out = NULL;
	struct dti_prep_report rep;
	struct dti_error err = DTI_ERROR_INIT;
	assert_int_equal(dti_prepare(fw, ds, 0, &o, &out, &rep, &err), DTI_OK);
	assert_int_equal(rep.ind[0].treatment, DTI_TREAT_LOG);
	assert_int_equal(rep.ind[0].nwin, 0);
	assert_int_equal(rep.ind[1].treatment, DTI_TREAT_NONE);
	assert_true(fixture_close(fig(out, "U01", "a"), log(9.99)));
	assert_true(fixture_close(fig(out, "U20", "a"), log(999 + 9.99)));
	assert_true(fig(out, "U05", "b") == 5);
	dti_prep_report_release(&rep);
	dti_dataset_free(out);
	/* winmax 2: the 1000 and then the 999 winsorised to 18 */
	o.winmax = 2;
	assert_int_equal(dti_prepare(fw, ds, 0, &o, &out, &rep, &err), DTI_OK);
	assert_int_equal(rep.ind[0].treatment, DTI_TREAT_WINSORISED);
	assert_int_equal(rep.ind[0].nwin, 2);
	assert_true(fig(out, "U20", "a") == 18);
	assert_true(fig(out, "U19", "a") == 18);
	assert_true(rep.ind[0].win_from[0] == 1000);
	assert_true(rep.ind[0].win_from[1] == 999);
	dti_prep_report_release(&rep);
	dti_dataset_free(out);
	dti_error_release(&err);
	dti_dataset_free(ds);
	dti_framework_free(fw);
	dti_buf_release(&d);
}

int main(void)
{
	const struct CMUnitTest asem[] = {
	    cmocka_unit_test(test_denominated),
	    cmocka_unit_test(test_imputed),
	    cmocka_unit_test(test_screened),
	    cmocka_unit_test(test_treated),
	    cmocka_unit_test(test_normalised_aggregated),
	};
	const struct CMUnitTest hand[] = {
	    cmocka_unit_test(test_by_hand),
	    cmocka_unit_test(test_log_fallback),
	};
	int rc = cmocka_run_group_tests_name("asem", asem, setup, teardown);
	return rc | cmocka_run_group_tests_name("by hand", hand, NULL, NULL);
}
