/*
 * tests/unit/engine/test_prepare.c - the data steps (dti/prepare.h) on
 * COINr's ASEM example, against what COINr 1.1.14's build_example_coin()
 * computes (tests/data/coinr-asem/steps-*.csv, written by COINr itself
 * with steps-fixtures.R): the denominated, imputed, screened and treated
 * figures of every unit, the points winsorised and the skew and kurtosis
 * before and after, then the normalised and aggregated values dti_compute
 * makes of the treated data, every number to 1e-12 relative; then
 * COINr's Treat with the other fallbacks and with per-indicator settings
 * (treat-*.csv, written by treat-fixtures.R).  Then what
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

/* ---- other treatments: COINr's Treat with other specs ------------------- */

/*
 * tests/data/coinr-asem/treat-fixtures.R ran COINr's Treat on the screened
 * data with other settings (the runs below; "indiv" with per-indicator
 * specs, which iMeta-treat.csv's Treat column says in dti's words).
 * treat-details.csv has per run and indicator the step applied (-1 left
 * out, 0 none, 1 winsorised, 2 the fallback), the points winsorised, skew
 * and kurtosis before and after, and whether it passed; treat-points.csv
 * the units winsorised (1 at the high end, -1 at the low end).
 */
static const struct dti_prep_indicator *
ind_of(const struct dti_prep_report *rep, const struct dti_framework *fw,
       const char *code)
{
	long k = dti_framework_find(fw, code);
	assert_true(k >= 0);
	for (size_t j = 0; j < rep->nind; j++)
		if (rep->ind[j].node == (size_t)k)
			return &rep->ind[j];
	fail_msg("no indicator %s in the report", code);
	return NULL;
}

/* The report of run `run` against treat-details.csv and treat-points.csv;
   the number of indicators that took the fallback. */
static size_t same_details(const struct dti_prep_report *rep,
                           const struct dti_framework *fw,
                           const struct dti_dataset *in,
                           const struct dti_dataset *out, const char *run)
{
	struct fixture fx;
	fixture_load("tests/data/coinr-asem/treat-details.csv", &fx);
	size_t n = 0, fell = 0, len = strlen(run);
	for (size_t i = 0; i < fx.nrows; i++) {
		const char *key = fx.unit[i];
		if (strncmp(key, run, len) || key[len] != ':')
			continue;
		n++;
		const char *code = key + len + 1;
		const struct dti_prep_indicator *x = ind_of(rep, fw, code);
		/* step, nwin, skew0, kurt0, skew1, kurt1, pass */
		const double *f = fx.v + i * fx.ncols;
		int step = (int)f[0];
		enum dti_treatment want = DTI_TREAT_NONE;
		if (step < 0)
			want = DTI_TREAT_EXCLUDED;
		else if (step == 1)
			want = DTI_TREAT_WINSORISED;
		else if (step == 2)
			switch (x->fallback) {
			case DTI_FALLBACK_BOXCOX:
				want = DTI_TREAT_BOXCOX;
				break;
			case DTI_FALLBACK_LOG_CT_ORIG:
				want = DTI_TREAT_LOG_ORIG;
				break;
			case DTI_FALLBACK_LOG_CT_PLUS:
				want = x->skew0 > 0 ? DTI_TREAT_LOG
				                    : DTI_TREAT_LOG_NEG;
				break;
			default: want = DTI_TREAT_LOG; break;
			}
		if (x->treatment != want)
			fail_msg("%s: treatment %d, COINr's step %d", key,
			         (int)x->treatment, step);
		fell += step == 2;
		assert_int_equal(x->nwin, (size_t)f[1]);
		if (step >= 0) {
			if (!fixture_close(x->skew0, f[2]) ||
			    !fixture_close(x->kurt0, f[3]))
				fail_msg(
				    "%s: skew %.17g kurtosis %.17g before, "
				    "COINr %.17g %.17g",
				    key, x->skew0, x->kurt0, f[2], f[3]);
			if (!fixture_close(x->skew1, f[4]) ||
			    !fixture_close(x->kurt1, f[5]))
				fail_msg("%s: skew %.17g kurtosis %.17g after, "
				         "COINr %.17g %.17g",
				         key, x->skew1, x->kurt1, f[4], f[5]);
			if (x->pass != (int)f[6])
				fail_msg("%s: pass %d, COINr %g", key, x->pass,
				         f[6]);
		}
	}
	assert_int_equal(n, 49);
	fixture_unload(&fx);

	/* the points winsorised: each unit, and the end it was at */
	fixture_load("tests/data/coinr-asem/treat-points.csv", &fx);
	size_t points = 0;
	for (size_t i = 0; i < fx.nrows; i++) {
		const char *key = fx.unit[i];
		if (strncmp(key, run, len) || key[len] != ':')
			continue;
		char code[64];
		const char *c = key + len + 1, *colon = strchr(c, ':');
		assert_non_null(colon);
		snprintf(code, sizeof code, "%.*s", (int)(colon - c), c);
		const struct dti_prep_indicator *x = ind_of(rep, fw, code);
		int found = 0;
		for (size_t w = 0; w < x->nwin && !found; w++) {
			/* win_units index the input dataset */
			struct dti_dataset_unit du;
			dti_dataset_unit(in, x->win_units[w], &du);
			if (strcmp(du.id, colon + 1) == 0) {
				found = 1;
				long u = dti_dataset_find_unit(out, du.id);
				double now =
				    dti_dataset_get(out, 0, (size_t)u, x->node);
				/* a high point comes down, a low one up */
				if (fx.v[i] > 0)
					assert_true(now < x->win_from[w]);
				else
					assert_true(now > x->win_from[w]);
			}
		}
		if (!found)
			fail_msg("%s: not among the points winsorised", key);
		points++;
	}
	/* and no other point */
	size_t total = 0;
	for (size_t j = 0; j < rep->nind; j++)
		total += rep->ind[j].nwin;
	assert_int_equal(points, total);
	fixture_unload(&fx);
	return fell;
}

/* winmax 1, then each fallback COINr has (logplus with the skew limit
   1.5, so that FemLab's negative skew takes -log(max + a - x)) */
static void test_fallbacks(void **state)
{
	struct asem *a = *state;
	static const struct {
		const char *run;
		enum dti_fallback f;
		double lambda, skew;
		size_t fell; /* indicators that took the fallback */
	} runs[] = {
	    {"boxcox", DTI_FALLBACK_BOXCOX, 0.5, 2, 11},
	    {"logplus", DTI_FALLBACK_LOG_CT_PLUS, 0, 1.5, 12},
	    {"logorig", DTI_FALLBACK_LOG_CT_ORIG, 0, 2, 11},
	};
	for (size_t r = 0; r < sizeof runs / sizeof runs[0]; r++) {
		struct dti_prep_opts o;
		coin_opts(&o, 4);
		o.winmax = 1;
		o.skew_limit = runs[r].skew;
		o.fallback = runs[r].f;
		o.lambda = runs[r].lambda;
		struct dti_prep_report rep;
		struct dti_dataset *ds = prepare_ok(a, &o, &rep);
		char rel[128];
		snprintf(rel, sizeof rel, "tests/data/coinr-asem/treat-%s.csv",
		         runs[r].run);
		same_figures(ds, rel);
		assert_int_equal(
		    same_details(&rep, a->fw, a->ds, ds, runs[r].run),
		    runs[r].fell);
		const struct dti_prep_indicator *x =
		    ind_of(&rep, a->fw, "Bord");
		assert_int_equal(x->fallback, runs[r].f);
		assert_false(x->own);
		if (runs[r].f == DTI_FALLBACK_BOXCOX) {
			assert_int_equal(x->treatment, DTI_TREAT_BOXCOX);
			assert_true(x->lambda == 0.5);
		}
		if (runs[r].f == DTI_FALLBACK_LOG_CT_PLUS)
			assert_int_equal(
			    ind_of(&rep, a->fw, "FemLab")->treatment,
			    DTI_TREAT_LOG_NEG);
		dti_prep_report_release(&rep);
		dti_dataset_free(ds);
	}
}

/* The Treat column of iMeta-treat.csv: COINr's indiv_specs. */
static void test_own_treatment(void **state)
{
	(void)state;
	struct dti_error err = DTI_ERROR_INIT;
	struct dti_framework *fw = NULL;
	struct dti_dataset *in = NULL;
	char *mp = test_path("tests/data/coinr-asem/iMeta-treat.csv");
	char *dp = test_path("tests/data/coinr-asem/iData.csv");
	if (dti_framework_load(mp, &fw, &err) ||
	    dti_dataset_read(fw, NULL, dp, NULL, &in, &err)) {
		show_error("iMeta-treat", &err);
		fail();
	}
	free(mp);
	free(dp);
	struct dti_treat_override ov;
	long k = dti_framework_find(fw, "Services");
	assert_int_equal(dti_prep_node_treat(fw, (size_t)k, &ov), 1);
	assert_int_equal(ov.set, DTI_TREAT_SET_WINMAX | DTI_TREAT_SET_FALLBACK);
	assert_int_equal(ov.winmax, 1);
	assert_int_equal(ov.fallback, DTI_FALLBACK_BOXCOX);
	assert_true(ov.lambda == 0.25);
	assert_int_equal(
	    dti_prep_node_treat(fw, (size_t)dti_framework_find(fw, "LPI"), &ov),
	    0);
	struct asem a = {fw, in};
	struct dti_prep_opts o;
	coin_opts(&o, 4);
	struct dti_prep_report rep;
	struct dti_dataset *ds = prepare_ok(&a, &o, &rep);
	same_figures(ds, "tests/data/coinr-asem/treat-indiv.csv");
	assert_int_equal(same_details(&rep, fw, in, ds, "indiv"), 2);
	/* which were treated how */
	assert_int_equal(ind_of(&rep, fw, "Bord")->treatment,
	                 DTI_TREAT_EXCLUDED);
	assert_int_equal(ind_of(&rep, fw, "Gas")->treatment,
	                 DTI_TREAT_EXCLUDED);
	const struct dti_prep_indicator *x = ind_of(&rep, fw, "NGOs");
	assert_int_equal(x->treatment, DTI_TREAT_LOG);
	assert_true(x->own && x->winmax == 2);
	x = ind_of(&rep, fw, "Flights");
	assert_int_equal(x->treatment, DTI_TREAT_WINSORISED);
	assert_true(x->own && x->force_win && x->nwin == 3 && x->pass);
	x = ind_of(&rep, fw, "Services");
	assert_int_equal(x->treatment, DTI_TREAT_BOXCOX);
	assert_true(x->lambda == 0.25 && !x->pass);
	x = ind_of(&rep, fw, "Forest");
	assert_int_equal(x->treatment, DTI_TREAT_NONE);
	assert_true(x->own && x->skew_limit == 3 && x->pass);
	x = ind_of(&rep, fw, "ForPort"); /* the run's settings */
	assert_true(!x->own && x->winmax == 5 && !x->force_win);
	/* the report says so */
	struct dti_buf b = DTI_BUF_INIT;
	assert_int_equal(dti_prep_report_write(&rep, fw, in, DTI_FORMAT_CSV,
	                                       DTI_LANG_EN, &b, &err),
	                 DTI_OK);
	assert_non_null(strstr(b.data, "\nBord,51,0,excluded,0,4.21139947159"));
	assert_non_null(strstr(b.data, ",no,0.25,yes\n"));
	dti_buf_reset(&b);
	assert_int_equal(dti_prep_report_write(&rep, fw, in, DTI_FORMAT_TABLE,
	                                       DTI_LANG_EN, &b, &err),
	                 DTI_OK);
	assert_non_null(strstr(b.data, "2 excluded by the framework"));
	assert_non_null(strstr(b.data, "\nServices       boxcox:0.25"));
	dti_buf_release(&b);
	dti_prep_report_release(&rep);
	dti_dataset_free(ds);
	dti_dataset_free(in);
	dti_framework_free(fw);
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

/*
 * The treat column's words and the fallbacks' names, the framework's
 * refusals naming file, line and column, and by hand: no fallback (the
 * winsorised figures stay), force_win on an indicator within the limits
 * (left as it is, as COINr's Treat does), and a Box-Cox too large.
 */
static void test_treat_words(void **state)
{
	(void)state;
	struct dti_treat_override ov;
	struct dti_error err = DTI_ERROR_INIT;
	assert_int_equal(dti_treat_override_parse(
	                     " winmax=3 skew=2.5 kurt=4 fallback=boxcox:-0.5 "
	                     "force ",
	                     &ov, &err),
	                 DTI_OK);
	assert_int_equal(ov.set, DTI_TREAT_SET_WINMAX | DTI_TREAT_SET_SKEW |
	                             DTI_TREAT_SET_KURT |
	                             DTI_TREAT_SET_FALLBACK |
	                             DTI_TREAT_SET_FORCE);
	assert_true(ov.winmax == 3 && ov.skew_limit == 2.5 &&
	            ov.kurt_limit == 4 && ov.lambda == -0.5 && ov.force_win &&
	            !ov.exclude);
	assert_int_equal(dti_treat_override_parse("NO", &ov, &err), DTI_OK);
	assert_true(ov.exclude);
	assert_int_equal(dti_treat_override_parse("force=no", &ov, &err),
	                 DTI_OK);
	assert_true(ov.set == DTI_TREAT_SET_FORCE && !ov.force_win);
	static const char *const bad[] = {"maybe",         "winmax=0",
	                                  "winmax=2.5",    "skew=-1",
	                                  "kurtosis=",     "fallback=boxcox",
	                                  "fallback=sqrt", "fallback=boxcox:x",
	                                  "winmax=3 no",   "force=perhaps"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(dti_treat_override_parse(bad[i], &ov, &err),
		                 DTI_EINVALID);
		dti_error_release(&err);
	}
	enum dti_fallback f;
	double l = 7;
	assert_int_equal(dti_fallback_parse("boxcox 0", &f, &l), 0);
	assert_true(f == DTI_FALLBACK_BOXCOX && l == 0);
	assert_int_equal(dti_fallback_parse("LOG", &f, &l), 0);
	assert_int_equal(f, DTI_FALLBACK_LOG_CT);
	assert_int_equal(dti_fallback_parse("log_ct_orig", &f, &l), 0);
	assert_int_equal(f, DTI_FALLBACK_LOG_CT_ORIG);
	assert_int_equal(dti_fallback_parse("boxcox:inf", &f, &l), -1);
	assert_string_equal(dti_fallback_name(DTI_FALLBACK_LOG_CT_PLUS),
	                    "log_CT_plus");

	/* a framework: a bad word, and a treatment on an aggregate, each
	   named with file, line and column */
	const char *fwt = "code,name,parent,weight,rule,treat\n"
	                  "idx,Index,,,,no\n"
	                  "a,A,idx,1,minmax,winmax=2 sideways\n";
	struct dti_framework *fw = NULL;
	assert_int_equal(
	    dti_framework_parse(fwt, strlen(fwt), "t.csv", &fw, &err),
	    DTI_EINVALID);
	char msg[2048];
	dti_error_format(&err, msg, sizeof msg);
	assert_int_equal(err.nmore, 1);
	size_t ml = strlen(msg);
	msg[ml++] = '\n';
	dti_diag_format(&err.more[0], msg + ml, sizeof msg - ml);
	assert_non_null(strstr(msg, "t.csv:2:6: treat: 'idx' is not an "
	                            "indicator"));
	assert_non_null(
	    strstr(msg, "t.csv:3:6: treat: unknown word 'sideways'"));
	dti_error_release(&err);

	/* metadata: treat.fallback and treat.force */
	const char *mt = "# treat: yes\n# treat.fallback: boxcox 0.5\n"
	                 "# treat.force: yes\n"
	                 "code,name,parent,weight,rule\nidx,Index,,,\n"
	                 "a,A,idx,1,minmax\n";
	assert_int_equal(
	    dti_framework_parse(mt, strlen(mt), "m.csv", &fw, &err), DTI_OK);
	struct dti_prep_opts o;
	dti_prep_opts_init(&o);
	assert_int_equal(dti_prep_opts_from_framework(fw, &o, &err), DTI_OK);
	assert_true(o.treat && o.fallback == DTI_FALLBACK_BOXCOX &&
	            o.lambda == 0.5 && o.force_win);
	dti_framework_free(fw);
	mt = "# treat.fallback: boxcox\ncode,name,parent,weight,rule\n"
	     "idx,Index,,,\na,A,idx,1,minmax\n";
	assert_int_equal(
	    dti_framework_parse(mt, strlen(mt), "m.csv", &fw, &err), DTI_OK);
	assert_int_equal(dti_prep_opts_from_framework(fw, &o, &err),
	                 DTI_EINVALID);
	assert_string_equal(err.field, "treat.fallback");
	dti_error_release(&err);
	dti_framework_free(fw);

	/* by hand: a = 1..18, 999, 1000 as in test_log_fallback */
	struct dti_buf d = DTI_BUF_INIT;
	dti_buf_adds(&d, "year,unit,a,b\n");
	for (int i = 1; i <= 18; i++)
		dti_buf_addf(&d, "2024,U%02d,%d,%d\n", i, i, i);
	dti_buf_adds(&d, "2024,U19,999,19\n2024,U20,1000,20\n");
	struct dti_dataset *ds;
	small(&fw, &ds, d.data);
	dti_prep_opts_init(&o);
	o.treat = 1;
	o.winmax = 1;
	o.fallback = DTI_FALLBACK_NONE;
	struct dti_dataset *out = NULL;
	struct dti_prep_report rep;
	assert_int_equal(dti_prepare(fw, ds, 0, &o, &out, &rep, &err), DTI_OK);
	/* the 1000 took 999's figure, and it stays beyond the limits */
	assert_int_equal(rep.ind[0].treatment, DTI_TREAT_WINSORISED);
	assert_int_equal(rep.ind[0].nwin, 1);
	assert_false(rep.ind[0].pass);
	assert_true(fig(out, "U20", "a") == 999);
	assert_true(fig(out, "U01", "a") == 1);
	dti_prep_report_release(&rep);
	dti_dataset_free(out);
	/* force: b (1..20) is within the limits: not treated at all */
	o.fallback = DTI_FALLBACK_LOG_CT;
	o.force_win = 1;
	o.winmax = 3;
	assert_int_equal(dti_prepare(fw, ds, 0, &o, &out, &rep, &err), DTI_OK);
	assert_int_equal(rep.ind[1].treatment, DTI_TREAT_NONE);
	assert_true(fig(out, "U20", "b") == 20);
	/* a: 1000 -> 999, both -> 18 passes, and forced on: the skew is
	   now negative, so the 1 takes 2 (COINr's Treat gives the same:
	   2 2 3 ... 17 18 18 18, winlo once, winhi twice, nwin 3) */
	assert_int_equal(rep.ind[0].treatment, DTI_TREAT_WINSORISED);
	assert_int_equal(rep.ind[0].nwin, 3);
	assert_true(fig(out, "U20", "a") == 18 && fig(out, "U19", "a") == 18);
	assert_true(fig(out, "U01", "a") == 2 && fig(out, "U02", "a") == 2);
	assert_true(rep.ind[0].win_from[2] == 1);
	assert_true(fabs(rep.ind[0].skew1 + 0.06824582) < 1e-8);
	assert_true(rep.ind[0].pass);
	dti_prep_report_release(&rep);
	dti_dataset_free(out);
	/* Box-Cox: lambda 0.5 of y = x - 1 + 1: 2 (sqrt(y) - 1) */
	o.force_win = 0;
	o.winmax = 1;
	o.fallback = DTI_FALLBACK_BOXCOX;
	o.lambda = 0.5;
	assert_int_equal(dti_prepare(fw, ds, 0, &o, &out, &rep, &err), DTI_OK);
	assert_int_equal(rep.ind[0].treatment, DTI_TREAT_BOXCOX);
	assert_true(fixture_close(fig(out, "U20", "a"), 2 * (sqrt(1000) - 1)));
	assert_true(fig(out, "U01", "a") == 0);
	dti_prep_report_release(&rep);
	dti_dataset_free(out);
	/* too large a lambda: refused, naming the indicator */
	o.lambda = 400;
	assert_int_equal(dti_prepare(fw, ds, 0, &o, &out, NULL, &err),
	                 DTI_EINVALID);
	assert_null(out);
	assert_string_equal(err.field, "a");
	assert_non_null(strstr(err.message, "Box-Cox"));
	dti_error_release(&err);
	o.lambda = NAN;
	assert_int_equal(dti_prepare(fw, ds, 0, &o, &out, NULL, &err),
	                 DTI_EARG);
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
	    cmocka_unit_test(test_fallbacks),
	    cmocka_unit_test(test_own_treatment),
	};
	const struct CMUnitTest hand[] = {
	    cmocka_unit_test(test_by_hand),
	    cmocka_unit_test(test_log_fallback),
	    cmocka_unit_test(test_treat_words),
	};
	int rc = cmocka_run_group_tests_name("asem", asem, setup, teardown);
	return rc | cmocka_run_group_tests_name("by hand", hand, NULL, NULL);
}
