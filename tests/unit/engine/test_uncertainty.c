/*
 * tests/unit/engine/test_uncertainty.c - uncertainty analysis
 * (lib/engine/uncertainty.c) on the demo DTI 2022 (63 provinces) and on
 * COINr's ASEM example:
 *   - the nominal ranks are dti_compute's;
 *   - the same seed gives the same result on 1 and on 2 threads, another
 *     seed another one;
 *   - a negligible noise leaves every rank where it is (intervals of
 *     width 0);
 *   - more noise spreads the ranks more (the widths of the 5-95 %
 *     intervals, summed over the units);
 *   - each unit's quantiles are ordered (best <= p5 <= median <= p95 <=
 *     worst) and its mean lies within;
 *   - leaving one out and varying the aggregation move the ranks of
 *     ASEM's index;
 *   - refusals: no run, a noise above 1, nothing left open.
 * And the sensitivity analysis (Sobol indices of the mean absolute rank
 * shift): an input that barely moves the ranks (weights within ±1e-12,
 * which only break exact ties) gets first and total indices near 0, the
 * one that moves them alone indices near 1; the same on 1 and 2 threads; N
 * under 64 and a single input are refused.
 * And the indices of each unit's rank (by_unit):
 *   - the sums of lib/engine/sobol.h give COINr's SA_estimate() of each
 *     unit's rank over a fixed design (sobol-fixtures.R: the variance,
 *     first-order and total indices, to 1e-12), also summed in two halves
 *     merged; a rank that never moves has none;
 *   - a constructed case: a unit whose rank the weights cannot move gets
 *     first and total indices of exactly 0 for the weights and near 1
 *     for the indicator left out; the first and last units, whose ranks
 *     never move, get none;
 *   - the same units and indices on 1 and on 2 threads;
 *   - over the demo, the input that moves the mean absolute rank shift
 *     most (leaving one out) is the one that moves the units' ranks
 *     most on average, the weights within ±1e-12 barely any.
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
#include "engine/sobol.h"
#include "testcheck.h"
#include "testutil.h"

struct data {
	struct dti_framework *fw;
	struct dti_units *units;
	struct dti_dataset *ds;
	size_t cycle;
};

static void load(struct data *d, const char *fw, const char *units,
                 const char *data, const char *cycle)
{
	struct dti_error err = DTI_ERROR_INIT;
	char *fp = test_path(fw), *dp = test_path(data);
	assert_int_equal(dti_framework_load(fp, &d->fw, &err), DTI_OK);
	d->units = NULL;
	if (units) {
		char *up = test_path(units);
		assert_int_equal(dti_units_load(up, &d->units, &err), DTI_OK);
		free(up);
	}
	assert_int_equal(
	    dti_dataset_read(d->fw, d->units, dp, NULL, &d->ds, &err), DTI_OK);
	long c = cycle ? dti_dataset_find_cycle(d->ds, cycle) : 0;
	assert_true(c >= 0);
	d->cycle = (size_t)c;
	free(fp);
	free(dp);
	dti_error_release(&err);
}

static void unload(struct data *d)
{
	dti_dataset_free(d->ds);
	dti_units_free(d->units);
	dti_framework_free(d->fw);
}

static void demo(struct data *d)
{
	load(d, "frameworks/pdti-2022.csv", "data/units/vn-provinces.csv",
	     "data/demo/pdti-2022-demo.csv", "2022");
}

static struct dti_ua_result run(const struct data *d,
                                const struct dti_ua_opts *o)
{
	struct dti_ua_result r;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st =
	    dti_uncertainty(d->fw, d->ds, d->cycle, NULL, o, &r, &err);
	if (st)
		show_error("uncertainty", &err);
	assert_int_equal(st, DTI_OK);
	dti_error_release(&err);
	return r;
}

static double width(const struct dti_ua_result *r)
{
	double w = 0;
	for (size_t i = 0; i < r->n; i++)
		w += r->units[i].p95 - r->units[i].p5;
	return w;
}

static void test_nominal_and_order(void **state)
{
	(void)state;
	struct data d;
	demo(&d);
	struct dti_result *res;
	struct dti_error err = DTI_ERROR_INIT;
	assert_int_equal(dti_compute(d.fw, d.ds, d.cycle, NULL, &res, &err),
	                 DTI_OK);
	struct dti_ua_opts o;
	dti_ua_opts_init(&o);
	o.runs = 300;
	o.weight_noise = 0.3;
	struct dti_ua_result r = run(&d, &o);
	assert_int_equal(r.n, 63);
	size_t root = dti_framework_root(d.fw);
	for (size_t i = 0; i < r.n; i++) {
		const struct dti_ua_unit *u = &r.units[i];
		long pos = dti_result_find_unit(res, u->unit);
		assert_true(pos >= 0);
		assert_int_equal(u->nominal,
		                 dti_result_rank(res, (size_t)pos, root));
		assert_true(u->best <= u->p5 && u->p5 <= u->median &&
		            u->median <= u->p95 && u->p95 <= u->worst);
		assert_true(u->mean >= u->best && u->mean <= u->worst);
		if (i)
			assert_true(r.units[i - 1].nominal <= u->nominal);
	}
	dti_ua_result_release(&r);
	dti_result_free(res);
	dti_error_release(&err);
	unload(&d);
}

static void test_reproducible(void **state)
{
	(void)state;
	struct data d;
	demo(&d);
	struct dti_ua_opts o;
	dti_ua_opts_init(&o);
	o.runs = 200;
	o.weight_noise = 0.25;
	o.seed = 42;
	o.threads = 1;
	struct dti_ua_result a = run(&d, &o);
	o.threads = 2;
	struct dti_ua_result b = run(&d, &o);
	assert_int_equal(a.n, b.n);
	for (size_t i = 0; i < a.n; i++)
		assert_memory_equal(&a.units[i], &b.units[i],
		                    sizeof a.units[i]);
	o.seed = 43;
	struct dti_ua_result c = run(&d, &o);
	int differ = 0;
	for (size_t i = 0; i < a.n; i++)
		differ |= a.units[i].mean != c.units[i].mean;
	assert_true(differ);
	dti_ua_result_release(&a);
	dti_ua_result_release(&b);
	dti_ua_result_release(&c);
	unload(&d);
}

static void test_noise_spreads(void **state)
{
	(void)state;
	struct data d;
	demo(&d);
	struct dti_ua_opts o;
	dti_ua_opts_init(&o);
	o.runs = 200;
	o.weight_noise = 1e-9;
	struct dti_ua_result tiny = run(&d, &o);
	for (size_t i = 0; i < tiny.n; i++) {
		const struct dti_ua_unit *u = &tiny.units[i];
		assert_true(u->best == u->nominal && u->worst == u->nominal);
	}
	assert_true(width(&tiny) == 0);
	o.weight_noise = 0.05;
	struct dti_ua_result small = run(&d, &o);
	o.weight_noise = 0.6;
	struct dti_ua_result large = run(&d, &o);
	assert_true(width(&small) > 0);
	assert_true(width(&large) > width(&small));
	dti_ua_result_release(&tiny);
	dti_ua_result_release(&small);
	dti_ua_result_release(&large);
	unload(&d);
}

static void test_asem_choices(void **state)
{
	(void)state;
	struct data d;
	load(&d, "tests/data/coinr-asem/iMeta.csv", NULL,
	     "tests/data/coinr-asem/iData.csv", NULL);
	struct dti_ua_opts o;
	dti_ua_opts_init(&o);
	o.runs = 200;
	o.leave_one_out = 1;
	struct dti_ua_result lo = run(&d, &o);
	assert_int_equal(lo.n, 51);
	assert_true(width(&lo) > 0);
	o.leave_one_out = 0;
	o.vary_aggregation = 1;
	struct dti_ua_result va = run(&d, &o);
	assert_true(width(&va) > 0);
	/* the table, CSV and JSON name every unit */
	struct dti_buf b = DTI_BUF_INIT;
	struct dti_error err = DTI_ERROR_INIT;
	assert_int_equal(
	    dti_ua_write(&va, DTI_FORMAT_CSV, DTI_LANG_EN, &b, &err), DTI_OK);
	assert_non_null(strstr(b.data, "id,name,nominal,mean,median,p5,p95"));
	assert_non_null(strstr(b.data, "\nDEU,Germany,1,"));
	dti_buf_release(&b);
	assert_int_equal(
	    dti_ua_write(&va, DTI_FORMAT_TABLE, DTI_LANG_VI, &b, &err), DTI_OK);
	assert_non_null(strstr(b.data, "200 lần tính"));
	dti_buf_release(&b);
	dti_ua_result_release(&lo);
	dti_ua_result_release(&va);
	unload(&d);
}

static void test_refusals(void **state)
{
	(void)state;
	struct data d;
	demo(&d);
	struct dti_ua_result r;
	struct dti_error err = DTI_ERROR_INIT;
	struct dti_ua_opts o;
	dti_ua_opts_init(&o);
	/* nothing left open */
	assert_int_equal(
	    dti_uncertainty(d.fw, d.ds, d.cycle, NULL, &o, &r, &err), DTI_EARG);
	dti_error_release(&err);
	o.weight_noise = 1.5;
	assert_int_equal(
	    dti_uncertainty(d.fw, d.ds, d.cycle, NULL, &o, &r, &err), DTI_EARG);
	assert_non_null(strstr(err.message, "negative"));
	dti_error_release(&err);
	o.weight_noise = 0.2;
	o.runs = 0;
	assert_int_equal(
	    dti_uncertainty(d.fw, d.ds, d.cycle, NULL, &o, &r, &err), DTI_EARG);
	dti_error_release(&err);
	unload(&d);
}

/*
 * The ranks of every unit under each alternative, computed one by one:
 * alt[a][i] the rank of nominal unit i (the result's order) under
 * alternative a.  Then every run's rank must be one of them, and with
 * enough runs the best and worst are their min and max.
 */
static int rank_of(const struct dti_result *res, size_t ds_unit)
{
	long i = dti_result_find_unit(res, ds_unit);
	assert_true(i >= 0);
	return dti_result_rank(res, (size_t)i,
	                       dti_framework_root(dti_result_framework(res)));
}

static void within_alternatives(const struct dti_ua_result *r,
                                struct dti_result *const *alt, size_t nalt)
{
	size_t moved = 0;
	for (size_t i = 0; i < r->n; i++) {
		const struct dti_ua_unit *u = &r->units[i];
		int lo = 1 << 30, hi = 0;
		for (size_t a = 0; a < nalt; a++) {
			int k = rank_of(alt[a], u->unit);
			lo = k < lo ? k : lo;
			hi = k > hi ? k : hi;
		}
		/* every draw is one of the alternatives: the extremes are
		   theirs (all drawn in 400 runs of 2 to 8 alternatives) */
		assert_int_equal(u->best, lo);
		assert_int_equal(u->worst, hi);
		moved += lo != hi;
	}
	assert_true(moved > 0);
}

static void test_weight_sets_and_data_steps(void **state)
{
	(void)state;
	/* COINr's ASEM with a weight set that doubles the connectivity
	   sub-index and one that leaves out Physical */
	size_t mlen;
	char *mp = test_path("tests/data/coinr-asem/iMeta.csv");
	FILE *f = fopen(mp, "rb");
	assert_non_null(f);
	char *meta = malloc(1 << 16);
	mlen = fread(meta, 1, (1 << 16) - 1, f);
	fclose(f);
	free(mp);
	meta[mlen] = '\0';
	struct dti_buf fb = DTI_BUF_INIT;
	char *save = NULL;
	int first = 1;
	for (char *line = strtok_r(meta, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		const char *a = "", *b = "";
		if (first)
			a = "weight.conn2", b = "weight.nophys";
		else if (strstr(line, ",Conn,"))
			a = "2";
		else if (strstr(line, ",Physical,"))
			b = "0";
		dti_buf_addf(&fb, "%s,%s,%s\n", line, a, b);
		first = 0;
	}
	free(meta);
	struct dti_error err = DTI_ERROR_INIT;
	struct data d;
	assert_int_equal(
	    dti_framework_parse(fb.data, fb.len, "ws.csv", &d.fw, &err),
	    DTI_OK);
	assert_int_equal(dti_framework_weight_set_count(d.fw), 2);
	assert_string_equal(dti_framework_weight_set_name(d.fw, 1), "nophys");
	char *dp = test_path("tests/data/coinr-asem/iData.csv");
	assert_int_equal(dti_dataset_read(d.fw, NULL, dp, NULL, &d.ds, &err),
	                 DTI_OK);
	free(dp);
	d.units = NULL;
	d.cycle = 0;
	/* the three weightings computed one by one */
	struct dti_result *alt[8] = {NULL};
	const char *sets[3] = {NULL, "conn2", "nophys"};
	for (int a = 0; a < 3; a++) {
		struct dti_compute_opts co = DTI_COMPUTE_OPTS_INIT;
		co.weights = sets[a];
		assert_int_equal(dti_compute(d.fw, d.ds, 0, &co, &alt[a], &err),
		                 DTI_OK);
	}
	/* by hand: Conn twice Sust: (2 Conn + Sust) / 3 */
	long conn = dti_framework_find(d.fw, "Conn"),
	     sust = dti_framework_find(d.fw, "Sust");
	size_t root = dti_framework_root(d.fw);
	double c0 = dti_result_value(alt[1], 0, (size_t)conn),
	       s0 = dti_result_value(alt[1], 0, (size_t)sust);
	assert_true(fabs(dti_result_value(alt[1], 0, root) -
	                 (2 * c0 + s0) / 3) < 1e-12);
	struct dti_ua_opts o;
	dti_ua_opts_init(&o);
	o.runs = 400;
	o.vary_weight_sets = 1;
	struct dti_ua_result r = run(&d, &o);
	within_alternatives(&r, alt, 3);
	dti_ua_result_release(&r);
	/* treatment: as they are, or treated as dti_prepare treats them */
	struct dti_prep_opts po;
	dti_prep_opts_init(&po);
	po.treat = 1;
	struct dti_dataset *td = NULL;
	assert_int_equal(dti_prepare(d.fw, d.ds, 0, &po, &td, NULL, &err),
	                 DTI_OK);
	struct dti_result *treated = NULL;
	assert_int_equal(dti_compute(d.fw, td, 0, NULL, &treated, &err),
	                 DTI_OK);
	/* the treated ranks, by unit of d.ds */
	struct dti_result *plain = alt[0];
	dti_ua_opts_init(&o);
	o.runs = 400;
	o.vary_treatment = 1;
	r = run(&d, &o);
	size_t moved = 0;
	for (size_t i = 0; i < r.n; i++) {
		const struct dti_ua_unit *u = &r.units[i];
		struct dti_dataset_unit du;
		dti_dataset_unit(d.ds, u->unit, &du);
		long tu = dti_dataset_find_unit(td, du.id);
		assert_true(tu >= 0);
		int a = rank_of(plain, u->unit),
		    b = rank_of(treated, (size_t)tu);
		assert_int_equal(u->best, a < b ? a : b);
		assert_int_equal(u->worst, a > b ? a : b);
		moved += a != b;
	}
	assert_true(moved > 0);
	dti_ua_result_release(&r);
	/* the sensitivity analysis takes them as inputs of their own */
	struct dti_sa_opts so;
	dti_sa_opts_init(&so);
	so.n = 64;
	so.nboot = 0;
	so.weight_noise = 0.25;
	so.vary_weight_sets = 1;
	so.vary_treatment = 1;
	struct dti_sa_result sr;
	assert_int_equal(dti_sensitivity(d.fw, d.ds, 0, NULL, &so, &sr, &err),
	                 DTI_OK);
	assert_int_equal(sr.ninputs, 3);
	assert_int_equal(sr.runs, 64 * 5);
	assert_string_equal(sr.inputs[0].name, "weights");
	assert_string_equal(sr.inputs[1].name, "weight_sets");
	assert_string_equal(sr.inputs[2].name, "treatment");
	/* leaving out Physical moves ranks: the weight sets matter */
	assert_true(sr.inputs[1].total > 0);
	/* refusals: no weight set to vary; no normalisation in a points
	   framework */
	dti_result_free(treated);
	dti_dataset_free(td);
	for (int a = 0; a < 3; a++)
		dti_result_free(alt[a]);
	unload(&d);
	dti_buf_release(&fb);
	demo(&d);
	dti_ua_opts_init(&o);
	o.vary_weight_sets = 1;
	assert_int_equal(
	    dti_uncertainty(d.fw, d.ds, d.cycle, NULL, &o, &r, &err), DTI_EARG);
	assert_non_null(strstr(err.message, "weight sets"));
	dti_error_release(&err);
	dti_ua_opts_init(&o);
	o.vary_normalisation = 1;
	assert_int_equal(
	    dti_uncertainty(d.fw, d.ds, d.cycle, NULL, &o, &r, &err), DTI_EARG);
	assert_non_null(strstr(err.message, "absolute rules"));
	dti_error_release(&err);
	unload(&d);
}

static void test_sensitivity(void **state)
{
	(void)state;
	struct data d;
	demo(&d);
	struct dti_sa_opts o;
	dti_sa_opts_init(&o);
	o.n = 1000;
	o.weight_noise = 1e-12;
	o.leave_one_out = 1;
	o.threads = 1;
	struct dti_sa_result a;
	struct dti_error err = DTI_ERROR_INIT;
	assert_int_equal(
	    dti_sensitivity(d.fw, d.ds, d.cycle, NULL, &o, &a, &err), DTI_OK);
	assert_int_equal(a.ninputs, 2);
	assert_int_equal(a.runs, 1000 * 4);
	assert_string_equal(a.inputs[0].name, "weights");
	assert_string_equal(a.inputs[1].name, "leave_one_out");
	/* the weights barely move a rank */
	assert_true(fabs(a.inputs[0].first) < 0.005);
	assert_true(a.inputs[0].total >= 0 && a.inputs[0].total < 1e-4);
	/* leaving one out moves them alone: both indices near 1 */
	assert_true(fabs(a.inputs[1].first - 1) < 0.25);
	assert_true(fabs(a.inputs[1].total - 1) < 0.1);
	assert_true(a.inputs[1].total_lo <= a.inputs[1].total &&
	            a.inputs[1].total <= a.inputs[1].total_hi);
	assert_true(a.variance > 0);
	/* the same on two threads */
	o.threads = 2;
	struct dti_sa_result b;
	assert_int_equal(
	    dti_sensitivity(d.fw, d.ds, d.cycle, NULL, &o, &b, &err), DTI_OK);
	assert_true(a.mean == b.mean && a.variance == b.variance);
	assert_memory_equal(a.inputs, b.inputs, sizeof a.inputs);
	/* refusals */
	o.n = 10;
	assert_int_equal(
	    dti_sensitivity(d.fw, d.ds, d.cycle, NULL, &o, &b, &err), DTI_EARG);
	assert_non_null(strstr(err.message, "too few"));
	dti_error_release(&err);
	o.n = 100;
	o.leave_one_out = 0;
	assert_int_equal(
	    dti_sensitivity(d.fw, d.ds, d.cycle, NULL, &o, &b, &err), DTI_EARG);
	assert_non_null(strstr(err.message, "two or more"));
	dti_error_release(&err);
	/* the table */
	struct dti_buf buf = DTI_BUF_INIT;
	assert_int_equal(
	    dti_sa_write(&a, DTI_FORMAT_TABLE, DTI_LANG_EN, &buf, &err),
	    DTI_OK);
	assert_non_null(strstr(buf.data, "Sensitivity analysis: N = 1000"));
	assert_non_null(strstr(buf.data, "leave_one_out"));
	dti_buf_release(&buf);
	unload(&d);
}

/* (a) the per-unit sums against COINr's SA_estimate on a fixed design */
static void test_unit_estimators_coinr(void **state)
{
	(void)state;
	struct fixture ranks, want;
	fixture_load("tests/data/coinr-asem/sobol-ranks.csv", &ranks);
	fixture_load("tests/data/coinr-asem/sobol-indices.csv", &want);
	const size_t k = 3, nu = ranks.ncols;
	const size_t n = ranks.nrows / (k + 2);
	assert_int_equal(n * (k + 2), ranks.nrows);
	assert_int_equal(want.nrows, nu);
	assert_int_equal(want.ncols, 2 + 2 * k);
	int *y = malloc(ranks.nrows * nu * sizeof *y);
	assert_non_null(y);
	for (size_t i = 0; i < ranks.nrows * nu; i++)
		y[i] = (int)ranks.v[i];
	size_t fixed = 0;
	for (size_t u = 0; u < nu; u++) {
		assert_string_equal(want.unit[u], ranks.code[u]);
		const double *w = want.v + u * want.ncols;
		int nominal = (int)w[0];
		struct eng_sobol_acc all, half[2];
		memset(&all, 0, sizeof all);
		memset(half, 0, sizeof half);
		for (size_t j = 0; j < n; j++) {
			/* row j of A; B and each A_B^(i) n rows further on */
			eng_sobol_add(&all, k, nominal, y + j * nu + u, n * nu);
			eng_sobol_add(&half[j % 2], k, nominal, y + j * nu + u,
			              n * nu);
		}
		eng_sobol_merge(&half[1], &half[0], k);
		assert_memory_equal(&half[1], &all, sizeof all);
		double mean, var, first[3], total[3];
		int none = eng_sobol_indices(&all, k, nominal, &mean, &var,
		                             first, total);
		assert_true(fixture_close(var, w[1]));
		double sum = 0;
		for (size_t j = 0; j < 2 * n; j++)
			sum += y[j * nu + u];
		assert_true(fixture_close(mean, sum / (double)(2 * n)));
		if (w[1] == 0) {
			assert_int_equal(none, -1);
			fixed++;
		} else {
			assert_int_equal(none, 0);
		}
		for (size_t i = 0; i < k; i++) {
			if (!fixture_close(first[i], w[2 + i]) ||
			    !fixture_close(total[i], w[2 + k + i]))
				fail_msg("%s input %zu: %.17g %.17g, COINr "
				         "%.17g %.17g",
				         want.unit[u], i + 1, first[i],
				         total[i], w[2 + i], w[2 + k + i]);
		}
	}
	/* the fixture has units that move and units that do not */
	assert_true(fixed > 0 && fixed < nu);
	/* the nominal rank only shifts the sums: another one, the same */
	struct eng_sobol_acc a, b;
	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	for (size_t j = 0; j < n; j++) {
		eng_sobol_add(&a, k, 1, y + j * nu + 1, n * nu);
		eng_sobol_add(&b, k, 40, y + j * nu + 1, n * nu);
	}
	double ma, va, fa[3], ta[3], mb, vb, fb[3], tb[3];
	eng_sobol_indices(&a, k, 1, &ma, &va, fa, ta);
	eng_sobol_indices(&b, k, 40, &mb, &vb, fb, tb);
	assert_true(fixture_close(va, vb) && fixture_close(ma, mb));
	for (size_t i = 0; i < k; i++)
		assert_true(fixture_close(fa[i], fb[i]) &&
		            fixture_close(ta[i], tb[i]));
	/* a run that does not rank the unit: the sample is set aside */
	int unranked[5] = {3, 0, 2, 3, 3};
	memset(&a, 0, sizeof a);
	eng_sobol_add(&a, k, 3, unranked, 1);
	assert_int_equal(a.unranked, 1);
	assert_int_equal(a.n, 0);
	free(y);
	fixture_unload(&ranks);
	fixture_unload(&want);
}

static const struct dti_sa_unit *sa_unit(const struct dti_sa_result *r,
                                         const char *id)
{
	for (size_t i = 0; i < r->nunits; i++) {
		struct dti_dataset_unit du;
		dti_dataset_unit(r->ds, r->units[i].unit, &du);
		if (strcmp(du.id, id) == 0)
			return &r->units[i];
	}
	fail_msg("no unit %s", id);
	return NULL;
}

/*
 * (b) Three indicators on goalposts 0..100, equal weights, arithmetic
 * means.  X (50, 50, 50) scores 50 whatever the weights; Y (60, 60, 0)
 * scores at most 60 x 2.5 / 3.25 = 46.2 with weights within ±25 % and
 * at most 37.5 without a or b, but 60 without c: X is second, third
 * when c is left out, and the weights cannot move it.  W1 (32, 20, 10)
 * and W2 (10, 20, 30) cross each other as the weights of a and c move
 * (and with b or nothing left out), never anyone else.  H (100s) is
 * first and L (0s) last in every run.
 */
static void test_unit_constructed(void **state)
{
	(void)state;
	static const char fwt[] =
	    "# scoring: weights\n"
	    "# scale: 100\n"
	    "code,parent,kind,name_en,weight,rule,params,method\n"
	    "I,,index,I,1,,,\n"
	    "a,I,indicator,a,1,minmax,lo=0;hi=100,\n"
	    "b,I,indicator,b,1,minmax,lo=0;hi=100,\n"
	    "c,I,indicator,c,1,minmax,lo=0;hi=100,\n";
	static const char data[] = "year,unit,a,b,c\n"
	                           "2022,H,100,100,100\n"
	                           "2022,X,50,50,50\n"
	                           "2022,Y,60,60,0\n"
	                           "2022,W1,32,20,10\n"
	                           "2022,W2,10,20,30\n"
	                           "2022,L,0,0,0\n";
	struct dti_framework *fw = NULL;
	struct dti_dataset *ds = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	assert_int_equal(
	    dti_framework_parse(fwt, strlen(fwt), "three.csv", &fw, &err),
	    DTI_OK);
	enum dti_status st = dti_dataset_parse(fw, NULL, data, strlen(data),
	                                       "six.csv", NULL, &ds, &err);
	if (st)
		show_error("six.csv", &err);
	assert_int_equal(st, DTI_OK);
	struct dti_sa_opts o;
	dti_sa_opts_init(&o);
	o.n = 400;
	o.weight_noise = 0.25;
	o.leave_one_out = 1;
	o.by_unit = 1;
	o.threads = 1;
	struct dti_sa_result r;
	st = dti_sensitivity(fw, ds, 0, NULL, &o, &r, &err);
	if (st)
		show_error("sensitivity", &err);
	assert_int_equal(st, DTI_OK);
	assert_int_equal(r.ninputs, 2);
	assert_string_equal(r.inputs[0].name, "weights");
	assert_string_equal(r.inputs[1].name, "leave_one_out");
	assert_int_equal(r.nunits, 6);
	/* in the order of nominal rank */
	static const char *const order[] = {"H", "X", "Y", "W1", "W2", "L"};
	for (size_t i = 0; i < 6; i++) {
		struct dti_dataset_unit du;
		dti_dataset_unit(ds, r.units[i].unit, &du);
		assert_string_equal(du.id, order[i]);
		assert_int_equal(r.units[i].nominal, (int)i + 1);
	}
	const struct dti_sa_unit *x = sa_unit(&r, "X");
	assert_int_equal(x->state, DTI_SA_UNIT_OK);
	assert_true(x->variance > 0);
	assert_true(fabs(x->first[0]) < 1e-12 && fabs(x->total[0]) < 1e-12);
	/* its rank depends on the indicator left out alone */
	assert_true(fabs(x->first[1] - 1) < 0.25);
	assert_true(fabs(x->total[1] - 1) < 0.25);
	/* X is third in a quarter of the runs (c of none, a, b, c) */
	assert_true(fabs(x->mean - 2.25) < 0.1);
	const struct dti_sa_unit *w1 = sa_unit(&r, "W1");
	assert_int_equal(w1->state, DTI_SA_UNIT_OK);
	assert_true(w1->total[0] > 0.05 && w1->total[1] > 0.05);
	for (size_t e = 0; e < 2; e++) {
		const struct dti_sa_unit *f = sa_unit(&r, e ? "L" : "H");
		assert_int_equal(f->state, DTI_SA_UNIT_FIXED);
		assert_true(f->variance == 0);
		assert_true(f->mean == f->nominal);
		for (size_t i = 0; i < 7; i++)
			assert_true(isnan(f->first[i]) && isnan(f->total[i]));
	}
	/* the writers say so */
	struct dti_buf b = DTI_BUF_INIT;
	assert_int_equal(
	    dti_sa_write(&r, DTI_FORMAT_TABLE, DTI_LANG_EN, &b, &err), DTI_OK);
	assert_non_null(strstr(b.data, "Each unit's rank"));
	assert_non_null(strstr(b.data, "(rank does not move)"));
	dti_buf_release(&b);
	assert_int_equal(
	    dti_sa_write(&r, DTI_FORMAT_CSV, DTI_LANG_EN, &b, &err), DTI_OK);
	assert_non_null(strstr(b.data,
	                       "id,name,nominal,state,input,first,first_5,"
	                       "first_95,total,total_5,total_95\n"));
	assert_non_null(strstr(b.data, "\nH,H,1,fixed,weights,,,,,,\n"));
	/* the weights cannot move X in any resampling either */
	assert_non_null(strstr(b.data, "\nX,X,2,ok,weights,0,0,0,0,0,0\n"));
	dti_buf_release(&b);
	assert_int_equal(
	    dti_sa_write(&r, DTI_FORMAT_JSON, DTI_LANG_EN, &b, &err), DTI_OK);
	assert_non_null(strstr(b.data, "\"units\":[{\"id\":\"H\""));
	assert_non_null(strstr(b.data, "\"state\":\"fixed\""));
	dti_buf_release(&b);
	dti_sa_result_release(&r);
	assert_null(r.units);
	/* without by_unit, no units */
	o.by_unit = 0;
	assert_int_equal(dti_sensitivity(fw, ds, 0, NULL, &o, &r, &err),
	                 DTI_OK);
	assert_null(r.units);
	assert_int_equal(r.nunits, 0);
	dti_sa_result_release(&r);
	dti_dataset_free(ds);
	dti_framework_free(fw);
	dti_error_release(&err);
}

/* (c) the same on 1 and 2 threads; (d) against the MARS */
static void test_unit_threads_and_mars(void **state)
{
	(void)state;
	struct data d;
	load(&d, "tests/data/coinr-asem/iMeta.csv", NULL,
	     "tests/data/coinr-asem/iData.csv", NULL);
	struct dti_sa_opts o;
	dti_sa_opts_init(&o);
	o.n = 100;
	o.nboot = 0;
	o.weight_noise = 0.25;
	o.vary_aggregation = 1;
	o.leave_one_out = 1;
	o.by_unit = 1;
	o.threads = 1;
	struct dti_sa_result a, b;
	struct dti_error err = DTI_ERROR_INIT;
	assert_int_equal(
	    dti_sensitivity(d.fw, d.ds, d.cycle, NULL, &o, &a, &err), DTI_OK);
	o.threads = 2;
	assert_int_equal(
	    dti_sensitivity(d.fw, d.ds, d.cycle, NULL, &o, &b, &err), DTI_OK);
	assert_int_equal(a.nunits, 51);
	assert_int_equal(b.nunits, 51);
	assert_memory_equal(a.units, b.units, 51 * sizeof *a.units);
	assert_memory_equal(a.inputs, b.inputs, sizeof a.inputs);
	assert_true(a.mean == b.mean && a.variance == b.variance);
	size_t ok = 0;
	for (size_t i = 0; i < a.nunits; i++)
		ok += a.units[i].state == DTI_SA_UNIT_OK;
	assert_true(ok > 40);
	/* the MARS's indices do not depend on by_unit */
	o.by_unit = 0;
	struct dti_sa_result c;
	assert_int_equal(
	    dti_sensitivity(d.fw, d.ds, d.cycle, NULL, &o, &c, &err), DTI_OK);
	assert_memory_equal(a.inputs, c.inputs, sizeof a.inputs);
	dti_sa_result_release(&a);
	dti_sa_result_release(&b);
	dti_sa_result_release(&c);
	unload(&d);
	/* (d) the demo: leaving one out moves the MARS alone (weights within
	   ±1e-12); on average it moves the units' ranks alone too */
	demo(&d);
	dti_sa_opts_init(&o);
	o.n = 400;
	o.nboot = 0;
	o.weight_noise = 1e-12;
	o.leave_one_out = 1;
	o.by_unit = 1;
	assert_int_equal(
	    dti_sensitivity(d.fw, d.ds, d.cycle, NULL, &o, &a, &err), DTI_OK);
	assert_true(a.inputs[1].total > a.inputs[0].total);
	double mt[2] = {0, 0}, mf[2] = {0, 0};
	size_t m = 0;
	for (size_t i = 0; i < a.nunits; i++) {
		const struct dti_sa_unit *u = &a.units[i];
		if (u->state != DTI_SA_UNIT_OK)
			continue;
		m++;
		for (size_t q = 0; q < 2; q++) {
			mt[q] += u->total[q];
			mf[q] += u->first[q];
			assert_true(u->total[q] >= 0);
		}
	}
	assert_true(m > a.nunits / 2);
	for (size_t q = 0; q < 2; q++)
		mt[q] /= (double)m, mf[q] /= (double)m;
	assert_true(mt[1] > mt[0]);
	/* as the MARS's: near 1 for leaving out, near 0 for the weights (the
	   first-order estimator is the noisier, on ranks of small variance
	   above all) */
	assert_true(fabs(mt[1] - a.inputs[1].total) < 0.1);
	assert_true(fabs(mf[1] - 1) < 0.5 && fabs(a.inputs[1].first - 1) < 0.5);
	assert_true(mt[0] < 0.01 && fabs(mf[0]) < 0.01);
	dti_sa_result_release(&a);
	dti_error_release(&err);
	unload(&d);
}

/*
 * The units' bootstrap intervals: the same on 1 and 2 threads; around
 * their index (the interval holds it for most units and inputs; a unit
 * without an index has none); narrower with 16 times the samples; none
 * past the bound on units x N x resamplings, and none without
 * resampling.
 */
static void test_unit_intervals(void **state)
{
	(void)state;
	struct data d;
	load(&d, "tests/data/coinr-asem/iMeta.csv", NULL,
	     "tests/data/coinr-asem/iData.csv", NULL);
	struct dti_sa_opts o;
	dti_sa_opts_init(&o);
	o.n = 100;
	o.nboot = 100;
	o.weight_noise = 0.25;
	o.leave_one_out = 1;
	o.by_unit = 1;
	o.threads = 1;
	struct dti_sa_result a, b, c;
	struct dti_error err = DTI_ERROR_INIT;
	assert_int_equal(
	    dti_sensitivity(d.fw, d.ds, d.cycle, NULL, &o, &a, &err), DTI_OK);
	o.threads = 2;
	assert_int_equal(
	    dti_sensitivity(d.fw, d.ds, d.cycle, NULL, &o, &b, &err), DTI_OK);
	assert_true(a.unit_boot && b.unit_boot);
	assert_memory_equal(a.units, b.units, a.nunits * sizeof *a.units);
	o.n = 1600;
	assert_int_equal(
	    dti_sensitivity(d.fw, d.ds, d.cycle, NULL, &o, &c, &err), DTI_OK);
	size_t cells = 0, held = 0, narrower = 0;
	for (size_t i = 0; i < a.nunits; i++) {
		const struct dti_sa_unit *u = &a.units[i], *w = NULL;
		for (size_t x = 0; x < c.nunits; x++)
			if (c.units[x].unit == u->unit)
				w = &c.units[x];
		assert_non_null(w);
		for (size_t q = 0; q < a.ninputs; q++) {
			if (u->state != DTI_SA_UNIT_OK) {
				assert_true(isnan(u->first_lo[q]) &&
				            isnan(u->total_hi[q]));
				continue;
			}
			if (isnan(u->total_lo[q]))
				continue;
			cells++;
			assert_true(u->first_lo[q] <= u->first_hi[q]);
			assert_true(u->total_lo[q] <= u->total_hi[q]);
			held += u->total_lo[q] <= u->total[q] &&
			        u->total[q] <= u->total_hi[q];
			if (w->state == DTI_SA_UNIT_OK &&
			    !isnan(w->total_lo[q]))
				narrower += w->total_hi[q] - w->total_lo[q] <
				            u->total_hi[q] - u->total_lo[q];
		}
	}
	assert_true(cells > 60);
	assert_true(held >= cells * 8 / 10);
	assert_true(narrower >= cells * 8 / 10);
	dti_sa_result_release(&a);
	dti_sa_result_release(&b);
	dti_sa_result_release(&c);
	/* 51 units x 1,000 samples x 8,000 resamplings: past 4e8 */
	o.n = 1000;
	o.nboot = 8000;
	assert_int_equal(
	    dti_sensitivity(d.fw, d.ds, d.cycle, NULL, &o, &a, &err), DTI_OK);
	assert_false(a.unit_boot);
	assert_false(isnan(a.inputs[0].total_lo));
	for (size_t i = 0; i < a.nunits; i++)
		assert_true(isnan(a.units[i].total_lo[0]));
	dti_sa_result_release(&a);
	o.nboot = 0;
	assert_int_equal(
	    dti_sensitivity(d.fw, d.ds, d.cycle, NULL, &o, &a, &err), DTI_OK);
	assert_false(a.unit_boot);
	dti_sa_result_release(&a);
	dti_error_release(&err);
	unload(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_nominal_and_order),
	    cmocka_unit_test(test_reproducible),
	    cmocka_unit_test(test_noise_spreads),
	    cmocka_unit_test(test_asem_choices),
	    cmocka_unit_test(test_refusals),
	    cmocka_unit_test(test_weight_sets_and_data_steps),
	    cmocka_unit_test(test_sensitivity),
	    cmocka_unit_test(test_unit_estimators_coinr),
	    cmocka_unit_test(test_unit_constructed),
	    cmocka_unit_test(test_unit_threads_and_mars),
	    cmocka_unit_test(test_unit_intervals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
