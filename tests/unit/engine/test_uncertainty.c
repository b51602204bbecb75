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
	    cmocka_unit_test(test_sensitivity),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
