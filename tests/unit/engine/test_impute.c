/*
 * tests/unit/engine/test_impute.c - imputation by row and from other
 * cycles (dti/prepare.h, step 2) against COINr 1.1.14
 * (tests/data/coinr-asem/impute-*.csv, written by COINr itself with
 * impute-fixtures.R): Impute(impute_by = "row") of ASEM's raw and
 * denominated data by pillar and by sub-index, with means and medians;
 * impute_panel() of ASEM's panel with gaps made in it, "latest" (with the
 * year each figure came from, and with max_time = 1), "constant" and
 * "linear-constant"; every figure to 1e-12 relative.  Then by hand: the
 * order of cycles, an indicator with one figure throughout, denominators
 * of other cycles, the framework's key, and refusals.
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

struct asem {
	struct dti_framework *fw;
	struct dti_dataset *ds; /* iData.csv: 2018 */
	struct dti_dataset *pd; /* iData_p.csv with the gaps */
	size_t ngaps;
};

/* Blanks the cells of impute-panel-gaps.csv (uCode, Time, iCode). */
static size_t make_gaps(struct asem *a)
{
	size_t len, n = 0;
	char *b =
	    fixture_slurp("tests/data/coinr-asem/impute-panel-gaps.csv", &len);
	char *save = NULL;
	char *line = strtok_r(b, "\n", &save); /* header */
	struct dti_error err = DTI_ERROR_INIT;
	while ((line = strtok_r(NULL, "\n", &save))) {
		char *f[3];
		assert_int_equal(fixture_split(line, f, 3), 3);
		long u = dti_dataset_find_unit(a->pd, f[0]);
		long c = dti_dataset_find_cycle(a->pd, f[1]);
		long k = dti_framework_find(a->fw, f[2]);
		assert_true(u >= 0 && c >= 0 && k >= 0);
		assert_false(isnan(
		    dti_dataset_get(a->pd, (size_t)c, (size_t)u, (size_t)k)));
		assert_int_equal(dti_dataset_set(a->pd, (size_t)c, (size_t)u,
		                                 (size_t)k, NAN, &err),
		                 DTI_OK);
		n++;
	}
	free(b);
	return n;
}

static int setup(void **state)
{
	static struct asem a;
	struct dti_error err = DTI_ERROR_INIT;
	char *mp = test_path("tests/data/coinr-asem/iMeta.csv");
	char *dp = test_path("tests/data/coinr-asem/iData.csv");
	char *pp = test_path("tests/data/coinr-asem/iData_p.csv");
	enum dti_status st = dti_framework_load(mp, &a.fw, &err);
	if (!st)
		st = dti_dataset_read(a.fw, NULL, dp, NULL, &a.ds, &err);
	if (!st)
		st = dti_dataset_read(a.fw, NULL, pp, NULL, &a.pd, &err);
	if (st)
		show_error("ASEM", &err);
	free(mp);
	free(dp);
	free(pp);
	dti_error_release(&err);
	*state = &a;
	if (st)
		return -1;
	a.ngaps = make_gaps(&a);
	return 0;
}

static int teardown(void **state)
{
	struct asem *a = *state;
	dti_dataset_free(a->ds);
	dti_dataset_free(a->pd);
	dti_framework_free(a->fw);
	return 0;
}

static struct dti_dataset *prepare_ok(const struct dti_framework *fw,
                                      const struct dti_dataset *ds,
                                      size_t cycle,
                                      const struct dti_prep_opts *o,
                                      struct dti_prep_report *rep)
{
	struct dti_dataset *out = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	if (dti_prepare(fw, ds, cycle, o, &out, rep, &err)) {
		show_error("dti_prepare", &err);
		fail();
	}
	dti_error_release(&err);
	return out;
}

static size_t total_imputed(const struct dti_prep_report *rep)
{
	size_t n = 0;
	for (size_t k = 0; k < rep->nind; k++)
		n += rep->ind[k].imputed;
	return n;
}

/* ---- by row ----------------------------------------------------------------
 */

/*
 * dti's figures equal the fixture's, every one; the figures imputed are
 * those missing before (in `before`, cycle 0) that COINr filled.
 */
static void row_case(struct asem *a, enum dti_impute how, int level,
                     int denominate, const char *rel, size_t want_imputed)
{
	struct dti_prep_opts o;
	dti_prep_opts_init(&o);
	o.impute = how;
	o.impute_level = level;
	o.denominate = denominate;
	struct dti_prep_report rep;
	struct dti_dataset *ds = prepare_ok(a->fw, a->ds, 0, &o, &rep);
	struct fixture fx;
	fixture_load(rel, &fx);
	assert_int_equal(fx.nrows, 51);
	assert_int_equal(fx.ncols, 49);
	size_t filled = 0;
	for (size_t i = 0; i < fx.nrows; i++) {
		long u = dti_dataset_find_unit(ds, fx.unit[i]);
		long u0 = dti_dataset_find_unit(a->ds, fx.unit[i]);
		assert_true(u >= 0 && u0 >= 0);
		for (size_t j = 0; j < fx.ncols; j++) {
			long k = dti_framework_find(a->fw, fx.code[j]);
			assert_true(k >= 0);
			double want = fx.v[i * fx.ncols + j];
			double got =
			    dti_dataset_get(ds, 0, (size_t)u, (size_t)k);
			if (!fixture_close(got, want))
				fail_msg("%s: %s of %s is %.17g, COINr %.17g",
				         rel, fx.code[j], fx.unit[i], got,
				         want);
			double raw =
			    dti_dataset_get(a->ds, 0, (size_t)u0, (size_t)k);
			filled += isnan(raw) && !isnan(want);
		}
	}
	/* a figure divided by a missing denominator is missing before
	   imputation: the counts come from the fixture's and the data's */
	if (!denominate)
		assert_int_equal(total_imputed(&rep), filled);
	assert_int_equal(total_imputed(&rep), want_imputed);
	fixture_unload(&fx);
	dti_prep_report_release(&rep);
	dti_dataset_free(ds);
}

static void test_row_mean(void **state)
{
	/* the 63 empty cells of iData.csv, by the pillars (level 2) */
	row_case(*state, DTI_IMPUTE_ROW_MEAN, 0, 0,
	         "tests/data/coinr-asem/impute-row-mean.csv", 63);
	row_case(*state, DTI_IMPUTE_ROW_MEAN, 2, 0,
	         "tests/data/coinr-asem/impute-row-mean.csv", 63);
}

static void test_row_median_level3(void **state)
{
	row_case(*state, DTI_IMPUTE_ROW_MEDIAN, 3, 0,
	         "tests/data/coinr-asem/impute-row-median-l3.csv", 63);
}

static void test_row_mean_denominated(void **state)
{
	/* two more: Elec and Gas divided by Energy, which one unit lacks */
	row_case(*state, DTI_IMPUTE_ROW_MEAN, 2, 1,
	         "tests/data/coinr-asem/impute-row-mean-den.csv", 65);
}

/* ---- panel -----------------------------------------------------------------
 */

/* impute-panel.csv: uCode, Time, iCode, latest, latest_from, latest1,
   latest1_from, constant, linear; empty where COINr leaves it missing */
struct pcell {
	char unit[8], cycle[8], code[16];
	double v[6];
};

static struct pcell *load_panel(size_t *n)
{
	size_t len;
	char *b = fixture_slurp("tests/data/coinr-asem/impute-panel.csv", &len);
	char *save = NULL;
	char *line = strtok_r(b, "\n", &save);
	struct pcell *c = NULL;
	*n = 0;
	while ((line = strtok_r(NULL, "\n", &save))) {
		char *f[9];
		assert_int_equal(fixture_split(line, f, 9), 9);
		struct pcell *grown = realloc(c, (*n + 1) * sizeof *c);
		assert_non_null(grown);
		c = grown;
		struct pcell *x = &c[(*n)++];
		snprintf(x->unit, sizeof x->unit, "%s", f[0]);
		snprintf(x->cycle, sizeof x->cycle, "%s", f[1]);
		snprintf(x->code, sizeof x->code, "%s", f[2]);
		for (int j = 0; j < 6; j++)
			x->v[j] = *f[3 + j] ? strtod(f[3 + j], NULL) : NAN;
	}
	free(b);
	return c;
}

/*
 * Every cycle of the panel imputed by `how` (max cycles back): each cell
 * missing equals the fixture's column `col` (NaN: still missing), and,
 * when fcol >= 0, the cycle it came from is the fixture's column fcol.
 * Every other figure is the input's.
 */
static void panel_case(struct asem *a, enum dti_impute how, int max, int col,
                       int fcol)
{
	size_t n;
	struct pcell *cells = load_panel(&n);
	/* the 315 cells empty in iData_p.csv and the gaps */
	assert_int_equal(n, 315 + a->ngaps);
	struct dti_prep_opts o;
	dti_prep_opts_init(&o);
	o.impute = how;
	o.impute_max = max;
	size_t seen = 0, imputed = 0;
	for (size_t c = 0; c < dti_dataset_cycle_count(a->pd); c++) {
		const char *label = dti_dataset_cycle(a->pd, c);
		struct dti_prep_report rep;
		struct dti_dataset *ds = prepare_ok(a->fw, a->pd, c, &o, &rep);
		size_t want = 0;
		for (size_t i = 0; i < n; i++) {
			struct pcell *x = &cells[i];
			if (strcmp(x->cycle, label))
				continue;
			seen++;
			long u = dti_dataset_find_unit(ds, x->unit);
			long k = dti_framework_find(a->fw, x->code);
			assert_true(u >= 0 && k >= 0);
			double got =
			    dti_dataset_get(ds, 0, (size_t)u, (size_t)k);
			if (!fixture_close(got, x->v[col]))
				fail_msg("%s %s of %s: %.17g, COINr %.17g",
				         label, x->code, x->unit, got,
				         x->v[col]);
			want += !isnan(x->v[col]);
			if (fcol < 0 || isnan(x->v[col]))
				continue;
			/* the cycle it came from, in the report */
			long u0 = dti_dataset_find_unit(a->pd, x->unit);
			const struct dti_prep_indicator *r = NULL;
			for (size_t j = 0; j < rep.nind; j++)
				if (rep.ind[j].node == (size_t)k)
					r = &rep.ind[j];
			assert_non_null(r);
			size_t f = 0;
			while (f < r->nfrom && r->from_unit[f] != (size_t)u0)
				f++;
			assert_true(f < r->nfrom);
			assert_true(r->from_cycle[f] >= 0);
			double from = strtod(
			    dti_dataset_cycle(a->pd, (size_t)r->from_cycle[f]),
			    NULL);
			assert_true(from == x->v[fcol]);
		}
		assert_int_equal(total_imputed(&rep), want);
		imputed += want;
		/* nothing else changed */
		assert_int_equal(dti_dataset_count(ds, 0),
		                 dti_dataset_count(a->pd, c) + want);
		dti_prep_report_release(&rep);
		dti_dataset_free(ds);
	}
	assert_int_equal(seen, n);
	assert_true(imputed > 0);
	free(cells);
}

static void test_panel_latest(void **state)
{
	panel_case(*state, DTI_IMPUTE_LATEST, 0, 0, 1);
}

static void test_panel_latest_max1(void **state)
{
	panel_case(*state, DTI_IMPUTE_LATEST, 1, 2, 3);
}

static void test_panel_constant(void **state)
{
	panel_case(*state, DTI_IMPUTE_CONSTANT, 0, 4, -1);
}

static void test_panel_linear(void **state)
{
	panel_case(*state, DTI_IMPUTE_LINEAR, 0, 5, -1);
}

/* ---- by hand ---------------------------------------------------------------
 */

static const char hand_fw[] = "code,name,parent,weight,rule,polarity,"
                              "denominator\n"
                              "idx,Index,,,,,\n"
                              "p,P,idx,1,,,\n"
                              "q,Q,idx,1,,,\n"
                              "a,A,p,1,minmax,1,\n"
                              "b,B,p,1,minmax,-1,\n"
                              "c,C,p,1,minmax,1,population\n"
                              "d,D,q,1,minmax,1,\n";

static void hand(struct dti_framework **fw, struct dti_dataset **ds,
                 const char *data)
{
	struct dti_error err = DTI_ERROR_INIT;
	if ((!*fw && dti_framework_parse(hand_fw, strlen(hand_fw), "fw.csv", fw,
	                                 &err)) ||
	    dti_dataset_parse(*fw, NULL, data, strlen(data), "d.csv", NULL, ds,
	                      &err)) {
		show_error("hand", &err);
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

/*
 * By row: a on [0, 10], b (lower is better) on [2, 6], c all 5.  U
 * lacks a: its b 3 is (-3 + 6) / 4 = 0.75 normalised, c gives nothing
 * (0 / 0), so a = 0.75 * 10 = 7.5.  V lacks b: a 10 is 1, so b =
 * -(1 * 4 - 6) = 2.  W lacks c: c takes 5, the only figure.  d is in
 * pillar q alone: X's d stays missing.  By the index (level 3), X's d
 * is the mean of its a and b normalised: (0 + 0) / 2 -> 1.
 */
static void test_row_by_hand(void **state)
{
	(void)state;
	struct dti_framework *fw = NULL;
	struct dti_dataset *ds;
	hand(&fw, &ds,
	     "year,unit,population,a,b,c,d\n"
	     "2024,U,1,,3,5,1\n"
	     "2024,V,1,10,,5,2\n"
	     "2024,W,1,4,5,,3\n"
	     "2024,X,1,0,6,5,\n"
	     "2024,Y,1,5,2,5,4\n");
	struct dti_prep_opts o;
	dti_prep_opts_init(&o);
	o.impute = DTI_IMPUTE_ROW_MEAN;
	struct dti_prep_report rep;
	struct dti_dataset *out = prepare_ok(fw, ds, 0, &o, &rep);
	assert_true(fixture_close(fig(out, "U", "a"), 7.5));
	assert_true(fixture_close(fig(out, "V", "b"), 2));
	assert_true(fig(out, "W", "c") == 5);
	assert_true(isnan(fig(out, "X", "d")));
	assert_int_equal(total_imputed(&rep), 3);
	dti_prep_report_release(&rep);
	dti_dataset_free(out);
	o.impute_level = 3;
	out = prepare_ok(fw, ds, 0, &o, NULL);
	/* X: a 0 -> 0, b 6 -> 0 (lower is better), c NaN: d = 1 + 0 * 3 */
	assert_true(fixture_close(fig(out, "X", "d"), 1));
	dti_dataset_free(out);
	/* the median: U's a from b 0.75 alone by the index: with d 1 -> 0,
	   median(0.75, 0) = 0.375 -> 3.75 */
	o.impute = DTI_IMPUTE_ROW_MEDIAN;
	out = prepare_ok(fw, ds, 0, &o, NULL);
	assert_true(fixture_close(fig(out, "U", "a"), 3.75));
	dti_dataset_free(out);
	/* refusals: level 1 and beyond the index */
	struct dti_error err = DTI_ERROR_INIT;
	o.impute_level = 4;
	assert_int_equal(dti_prepare(fw, ds, 0, &o, &out, NULL, &err),
	                 DTI_EARG);
	assert_null(out);
	assert_string_equal(err.field, "impute");
	assert_non_null(
	    strstr(err.message, "2 (each indicator's parent) to 3"));
	dti_error_release(&err);
	o.impute_level = 1;
	assert_int_equal(dti_prepare(fw, ds, 0, &o, &out, NULL, &err),
	                 DTI_EARG);
	dti_error_release(&err);
	/* one cycle: no panel method */
	dti_prep_opts_init(&o);
	o.impute = DTI_IMPUTE_LATEST;
	assert_int_equal(dti_prepare(fw, ds, 0, &o, &out, NULL, &err),
	                 DTI_EARG);
	assert_non_null(strstr(err.message, "one cycle only (2024)"));
	dti_error_release(&err);
	dti_dataset_free(ds);
	dti_framework_free(fw);
}

/*
 * Cycles not in file order (2022, 2018, 2021, 2020: taken in time order),
 * a unit without any figure in a cycle, denominators of other cycles,
 * then labels that are not all numbers (by length, then text; linear
 * by position).
 */
static void test_panel_by_hand(void **state)
{
	(void)state;
	struct dti_framework *fw = NULL;
	struct dti_dataset *ds;
	hand(&fw, &ds,
	     "year,unit,population,a,b,c,d\n"
	     "2022,U,10,,4,,\n"
	     "2018,U,2,1,2,10,1\n"
	     "2021,U,5,,,,\n"
	     "2020,U,4,,,8,3\n"
	     "2022,V,1,1,1,1,1\n"
	     "2018,V,1,1,1,1,1\n"
	     "2021,V,1,1,1,1,1\n"
	     "2020,V,1,1,1,1,1\n");
	/* U in 2021 has no figure: not a unit of that cycle */
	long c22 = dti_dataset_find_cycle(ds, "2022");
	long c20 = dti_dataset_find_cycle(ds, "2020");
	long c18 = dti_dataset_find_cycle(ds, "2018");
	assert_true(c22 >= 0 && c20 >= 0 && c18 >= 0);
	struct dti_prep_opts o;
	dti_prep_opts_init(&o);
	o.impute = DTI_IMPUTE_LATEST;
	struct dti_prep_report rep;
	struct dti_dataset *out = prepare_ok(fw, ds, (size_t)c22, &o, &rep);
	/* 2022's a: 2021 has none, 2020 none, 2018's 1; d: 2020's 3 */
	assert_true(fig(out, "U", "a") == 1);
	assert_true(fig(out, "U", "d") == 3);
	assert_int_equal(rep.ind[0].nfrom, 1);
	assert_int_equal(rep.ind[0].from_cycle[0], c18);
	assert_int_equal(rep.ind[3].from_cycle[0], c20);
	dti_prep_report_release(&rep);
	dti_dataset_free(out);
	/* two cycles back at most: 2021, 2020: a stays missing */
	o.impute_max = 2;
	out = prepare_ok(fw, ds, (size_t)c22, &o, NULL);
	assert_true(isnan(fig(out, "U", "a")));
	assert_true(fig(out, "U", "d") == 3);
	dti_dataset_free(out);
	/* 2022's c: 2020's 8, or with denominate 8 / 4 (2020's
	   population, not 2022's 10) */
	o.impute_max = 0;
	out = prepare_ok(fw, ds, (size_t)c22, &o, NULL);
	assert_true(fig(out, "U", "c") == 8);
	dti_dataset_free(out);
	o.denominate = 1;
	out = prepare_ok(fw, ds, (size_t)c22, &o, NULL);
	assert_true(fig(out, "U", "c") == 2);
	dti_dataset_free(out);
	out = prepare_ok(fw, ds, (size_t)c20, &o, NULL);
	assert_true(fig(out, "U", "c") == 2);
	/* 2020's a and b: 2018's (the first cycle in time) */
	assert_true(fig(out, "U", "a") == 1 && fig(out, "U", "b") == 2);
	dti_dataset_free(out);
	/* linear: 2020's a between 2018 (1) and 2022 (none), so 1; its b
	   between 2018's 2 and 2022's 4: 2 + 2 * 2 / 4 = 3 */
	o.denominate = 0;
	o.impute = DTI_IMPUTE_LINEAR;
	out = prepare_ok(fw, ds, (size_t)c20, &o, &rep);
	assert_true(fig(out, "U", "a") == 1);
	assert_true(fixture_close(fig(out, "U", "b"), 3));
	assert_int_equal(rep.ind[1].from_cycle[0], -1);
	assert_int_equal(rep.ind[0].from_cycle[0], c18);
	dti_prep_report_release(&rep);
	dti_dataset_free(out);
	/* constant: b takes the earlier 2; 2018 lacks nothing */
	o.impute = DTI_IMPUTE_CONSTANT;
	out = prepare_ok(fw, ds, (size_t)c20, &o, NULL);
	assert_true(fig(out, "U", "b") == 2);
	dti_dataset_free(out);
	dti_dataset_free(ds);

	/* labels that are not all numbers: by length, then text; linear
	   by position.  "2024" < "2024b" < "2024cc" */
	hand(&fw, &ds,
	     "year,unit,a,b,c,d\n"
	     "2024cc,U,7,1,1,1\n"
	     "2024b,U,,1,1,1\n"
	     "2024,U,1,1,1,1\n");
	long cb = dti_dataset_find_cycle(ds, "2024b");
	o.impute = DTI_IMPUTE_LINEAR;
	out = prepare_ok(fw, ds, (size_t)cb, &o, NULL);
	assert_true(fixture_close(fig(out, "U", "a"), 4));
	dti_dataset_free(out);
	o.impute = DTI_IMPUTE_LATEST;
	out = prepare_ok(fw, ds, (size_t)cb, &o, NULL);
	assert_true(fig(out, "U", "a") == 1);
	dti_dataset_free(out);
	dti_dataset_free(ds);
	dti_framework_free(fw);
}

/* dti_impute_set and the framework's "# impute:" key */
static void test_settings(void **state)
{
	(void)state;
	struct dti_prep_opts o;
	struct dti_error err = DTI_ERROR_INIT;
	dti_prep_opts_init(&o);
	assert_int_equal(dti_impute_set(&o, "row-mean", NULL, &err), DTI_OK);
	assert_int_equal(o.impute, DTI_IMPUTE_ROW_MEAN);
	assert_int_equal(o.impute_level, 0);
	assert_int_equal(dti_impute_set(&o, "Row-Median", "3", &err), DTI_OK);
	assert_int_equal(o.impute, DTI_IMPUTE_ROW_MEDIAN);
	assert_int_equal(o.impute_level, 3);
	assert_int_equal(dti_impute_set(&o, "latest", "2", &err), DTI_OK);
	assert_int_equal(o.impute, DTI_IMPUTE_LATEST);
	assert_int_equal(o.impute_max, 2);
	assert_int_equal(o.impute_level, 0);
	assert_int_equal(dti_impute_parse("constant"), DTI_IMPUTE_CONSTANT);
	assert_int_equal(dti_impute_parse("linear"), DTI_IMPUTE_LINEAR);
	const char *bad[][2] = {{"row-mean", "1"},    {"row-mean", "x"},
	                        {"latest", "0"},      {"latest", "1.5"},
	                        {"constant", "2"},    {"mean", "G"},
	                        {"group-mean", NULL}, {"nearest", NULL}};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		assert_int_equal(dti_impute_set(&o, bad[i][0], bad[i][1], &err),
		                 DTI_EARG);
		assert_string_equal(err.field, "impute");
		dti_error_release(&err);
	}
	/* o untouched by the refusals */
	assert_int_equal(o.impute, DTI_IMPUTE_LATEST);
	assert_int_equal(o.impute_max, 2);

	const char *keys[] = {"# impute: row-mean 3\n", "# impute: latest 2\n",
	                      "# impute: linear\n", "# impute: latest x\n",
	                      "# impute: row-mean\n"};
	for (int i = 0; i < 5; i++) {
		struct dti_buf b = DTI_BUF_INIT;
		dti_buf_adds(&b, keys[i]);
		dti_buf_adds(&b, hand_fw);
		struct dti_framework *fw = NULL;
		assert_int_equal(
		    dti_framework_parse(b.data, b.len, "fw.csv", &fw, &err),
		    DTI_OK);
		dti_prep_opts_init(&o);
		enum dti_status st = dti_prep_opts_from_framework(fw, &o, &err);
		switch (i) {
		case 0:
			assert_int_equal(st, DTI_OK);
			assert_int_equal(o.impute, DTI_IMPUTE_ROW_MEAN);
			assert_int_equal(o.impute_level, 3);
			break;
		case 1:
			assert_int_equal(st, DTI_OK);
			assert_int_equal(o.impute, DTI_IMPUTE_LATEST);
			assert_int_equal(o.impute_max, 2);
			break;
		case 2:
			assert_int_equal(st, DTI_OK);
			assert_int_equal(o.impute, DTI_IMPUTE_LINEAR);
			break;
		case 3:
			assert_int_equal(st, DTI_EINVALID);
			assert_string_equal(err.field, "impute");
			assert_non_null(strstr(err.message, "'latest x'"));
			break;
		default:
			assert_int_equal(st, DTI_OK);
			assert_int_equal(o.impute_level, 0);
			break;
		}
		dti_error_release(&err);
		dti_framework_free(fw);
		dti_buf_release(&b);
	}
}

int main(void)
{
	const struct CMUnitTest asem[] = {
	    cmocka_unit_test(test_row_mean),
	    cmocka_unit_test(test_row_median_level3),
	    cmocka_unit_test(test_row_mean_denominated),
	    cmocka_unit_test(test_panel_latest),
	    cmocka_unit_test(test_panel_latest_max1),
	    cmocka_unit_test(test_panel_constant),
	    cmocka_unit_test(test_panel_linear),
	};
	const struct CMUnitTest by_hand[] = {
	    cmocka_unit_test(test_row_by_hand),
	    cmocka_unit_test(test_panel_by_hand),
	    cmocka_unit_test(test_settings),
	};
	int rc = cmocka_run_group_tests_name("asem", asem, setup, teardown);
	return rc | cmocka_run_group_tests_name("by hand", by_hand, NULL, NULL);
}
