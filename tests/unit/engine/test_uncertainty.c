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
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
