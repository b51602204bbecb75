/*
 * tests/unit/engine/test_rebase.c - carrying a cycle onto the provinces of the
 * 2025 merger (lib/engine/rebase.c) with frameworks/pdti-2022.csv and the
 * bundled registry: Hà Giang (02) and Tuyên Quang (08) become Tuyên Quang
 * (08-2025); Cao Bằng (04) continues unchanged.
 *
 * The plain and population-weighted averages of the main indicators are
 * worked out here and the re-based PDTI is checked against the published
 * formula; a successor missing a predecessor, a leaf whose rule cannot take
 * an average and the choice of the kinds of nodes averaged are covered too.
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

/* ---- fixture ----------------------------------------------------------------
 */

struct fx {
	struct dti_framework *fw;
	struct dti_units *units;
};

static int setup(void **state)
{
	static struct fx f;
	struct dti_error err = DTI_ERROR_INIT;
	char *fp = test_path("frameworks/pdti-2022.csv");
	char *up = test_path("data/units/vn-provinces.csv");
	enum dti_status st = dti_framework_load(fp, &f.fw, &err);
	if (st)
		show_error("pdti-2022.csv", &err);
	if (!st && (st = dti_units_load(up, &f.units, &err)))
		show_error("vn-provinces.csv", &err);
	free(fp);
	free(up);
	dti_error_release(&err);
	*state = &f;
	return st == DTI_OK ? 0 : -1;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	dti_units_free(f->units);
	dti_framework_free(f->fw);
	return 0;
}

#define NMAIN 8
static const char *const mains[NMAIN] = {
    "awareness",     "institutions", "infrastructure", "human_resources",
    "cybersecurity", "gov_activity", "econ_activity",  "soc_activity"};

/* Hà Giang, Tuyên Quang, Cao Bằng: main indicators and population. */
static const double hg[NMAIN] = {0.5, 0.6, 0.7, 0.4, 0.3, 0.2, 0.1, 0.3};
static const double tq[NMAIN] = {0.7, 0.8, 0.5, 0.6, 0.5, 0.6, 0.5, 0.3};
static const double cb[NMAIN] = {0.4, 0.45, 0.4, 0.35, 0.4, 0.4, 0.4, 0.4};
static const double pop_hg = 900000, pop_tq = 800000, pop_cb = 550000;

static double formula(const double *v)
{
	return (100 * (v[0] + v[1] + v[2] + v[3] + v[4]) + 200 * v[5] +
	        150 * v[6] + 150 * v[7]) /
	       1000;
}

/* A data file of the given provinces (names as printed), with population. */
static char *make_data(int with_hg, int with_tq, int with_cb, int pop_cb_too)
{
	size_t cap = 4096, len = 0;
	char *s = malloc(cap);
	assert_non_null(s);
	len += (size_t)snprintf(s + len, cap - len, "year,province");
	for (int k = 0; k < NMAIN; k++)
		len += (size_t)snprintf(s + len, cap - len, ",%s", mains[k]);
	len += (size_t)snprintf(s + len, cap - len, ",population\n");
	const struct {
		int on;
		const char *name;
		const double *v;
		double pop;
	} rows[3] = {{with_hg, "Hà Giang", hg, pop_hg},
	             {with_tq, "Tuyên Quang", tq, pop_tq},
	             {with_cb, "Cao Bằng", cb, pop_cb_too ? pop_cb : NAN}};
	for (int r = 0; r < 3; r++) {
		if (!rows[r].on)
			continue;
		len += (size_t)snprintf(s + len, cap - len, "2022,%s",
		                        rows[r].name);
		for (int k = 0; k < NMAIN; k++)
			len += (size_t)snprintf(s + len, cap - len, ",%.4f",
			                        rows[r].v[k]);
		if (isnan(rows[r].pop))
			len += (size_t)snprintf(s + len, cap - len, ",\n");
		else
			len += (size_t)snprintf(s + len, cap - len, ",%.0f\n",
			                        rows[r].pop);
	}
	return s;
}

struct run {
	struct dti_dataset *ds;
	struct dti_result *res;
};

static struct run compute(const struct dti_framework *fw,
                          const struct dti_units *units, const char *data)
{
	struct run r = {NULL, NULL};
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_dataset_parse(fw, units, data, strlen(data),
	                                       "data.csv", NULL, &r.ds, &err);
	if (st)
		show_error("data", &err);
	assert_int_equal(st, DTI_OK);
	st = dti_compute(fw, r.ds, 0, NULL, &r.res, &err);
	if (st)
		show_error("compute", &err);
	assert_int_equal(st, DTI_OK);
	dti_error_release(&err);
	return r;
}

static void done(struct run *r)
{
	dti_result_free(r->res);
	dti_dataset_free(r->ds);
}

static size_t ds_unit(const struct dti_dataset *ds, const char *id)
{
	long u = dti_dataset_find_unit(ds, id);
	if (u < 0)
		fail_msg("no unit '%s' in the re-based data", id);
	return (size_t)u;
}

static struct dti_dataset *rebase(const struct dti_result *res,
                                  const struct dti_units *units,
                                  const struct dti_rebase_opts *o)
{
	struct dti_dataset *out = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_rebase(res, units, o, &out, &err);
	if (st)
		show_error("rebase", &err);
	dti_error_release(&err);
	assert_int_equal(st, DTI_OK);
	assert_non_null(out);
	return out;
}

/* ---- tests
 * ------------------------------------------------------------------- */

static void test_plain_average(void **state)
{
	struct fx *f = *state;
	char *data = make_data(1, 1, 1, 1);
	struct run r = compute(f->fw, f->units, data);
	struct dti_dataset *rb = rebase(r.res, f->units, NULL);
	/* the successors valid on 2025-07-01, in registry order */
	assert_int_equal(dti_dataset_unit_count(rb), 2);
	struct dti_dataset_unit du;
	dti_dataset_unit(rb, 0, &du);
	assert_string_equal(du.id, "04");
	dti_dataset_unit(rb, 1, &du);
	assert_string_equal(du.id, "08-2025");
	assert_string_equal(du.name, "Tuyên Quang");
	assert_int_equal(dti_dataset_cycle_count(rb), 1);
	assert_string_equal(dti_dataset_cycle(rb, 0), "2022");
	assert_string_equal(dti_dataset_meta(rb, "rebased_to"), "2025-07-01");
	assert_ptr_equal(dti_dataset_framework(rb), f->fw);
	size_t tqn = ds_unit(rb, "08-2025"), cbn = ds_unit(rb, "04");
	assert_string_equal(dti_dataset_group(rb, tqn, "group"), "TDMNPB");
	double avg[NMAIN];
	for (int k = 0; k < NMAIN; k++) {
		size_t node = node_of(f->fw, mains[k]);
		avg[k] = (hg[k] + tq[k]) / 2;
		assert_near(dti_dataset_get(rb, 0, tqn, node), avg[k], 1e-12);
		/* Cao Bằng continues with its own values */
		assert_near(dti_dataset_get(rb, 0, cbn, node), cb[k], 1e-12);
	}
	/* aggregates are computed again, from the averages */
	size_t root = dti_framework_root(f->fw);
	assert_nan(dti_dataset_get(rb, 0, tqn, root));
	struct dti_result *res = NULL;
	assert_int_equal(dti_compute(f->fw, rb, 0, NULL, &res, NULL), DTI_OK);
	long tqr = dti_result_find_unit(res, tqn);
	long cbr = dti_result_find_unit(res, cbn);
	assert_true(tqr >= 0 && cbr >= 0);
	assert_near(dti_result_value(res, (size_t)tqr, root), formula(avg),
	            1e-12);
	/* the formula is linear: the average of the two PDTI */
	assert_near(formula(avg), (formula(hg) + formula(tq)) / 2, 1e-12);
	assert_near(dti_result_value(res, (size_t)cbr, root), formula(cb),
	            1e-12);
	size_t cqs = node_of(f->fw, "cqs");
	double sf = avg[0] + avg[1] + avg[2] + avg[3] + avg[4];
	assert_near(dti_result_value(res, (size_t)tqr, cqs),
	            (100 * sf + 200 * avg[5]) / 700, 1e-12);
	dti_result_free(res);
	dti_dataset_free(rb);
	done(&r);
	free(data);
}

static void test_population_weighted(void **state)
{
	struct fx *f = *state;
	char *data = make_data(1, 1, 1, 1);
	struct run r = compute(f->fw, f->units, data);
	struct dti_rebase_opts o = DTI_REBASE_OPTS_INIT;
	o.population = 1;
	struct dti_dataset *rb = rebase(r.res, f->units, &o);
	size_t tqn = ds_unit(rb, "08-2025"), cbn = ds_unit(rb, "04");
	double w[NMAIN];
	for (int k = 0; k < NMAIN; k++) {
		size_t node = node_of(f->fw, mains[k]);
		w[k] = (hg[k] * pop_hg + tq[k] * pop_tq) / (pop_hg + pop_tq);
		assert_near(dti_dataset_get(rb, 0, tqn, node), w[k], 1e-12);
		assert_near(dti_dataset_get(rb, 0, cbn, node), cb[k], 1e-12);
	}
	/* e.g. awareness (0.5 x 9 + 0.7 x 8) / 17 = 10.1 / 17 */
	assert_near(w[0], 10.1 / 17, 1e-12);
	struct dti_result *res = NULL;
	assert_int_equal(dti_compute(f->fw, rb, 0, NULL, &res, NULL), DTI_OK);
	long tqr = dti_result_find_unit(res, tqn);
	assert_near(
	    dti_result_value(res, (size_t)tqr, dti_framework_root(f->fw)),
	    formula(w), 1e-12);
	dti_result_free(res);
	dti_dataset_free(rb);
	done(&r);
	free(data);

	/* a population missing (Cao Bằng's) is an error naming the unit */
	data = make_data(1, 1, 1, 0);
	r = compute(f->fw, f->units, data);
	struct dti_dataset *out = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	assert_int_equal(dti_rebase(r.res, f->units, &o, &out, &err),
	                 DTI_EINVALID);
	assert_null(out);
	assert_non_null(strstr(err.message, "Cao Bằng"));
	dti_error_release(&err);
	done(&r);
	free(data);
}

static void test_missing_predecessor(void **state)
{
	struct fx *f = *state;
	/* Hà Giang and Cao Bằng, without Tuyên Quang */
	char *data = make_data(1, 0, 1, 1);
	struct run r = compute(f->fw, f->units, data);
	struct dti_dataset *out = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	assert_int_equal(dti_rebase(r.res, f->units, NULL, &out, &err),
	                 DTI_EINVALID);
	assert_null(out);
	assert_non_null(strstr(err.message, "08-2025"));
	dti_error_release(&err);
	struct dti_rebase_opts o = DTI_REBASE_OPTS_INIT;
	o.allow_partial = 1;
	struct dti_dataset *rb = rebase(r.res, f->units, &o);
	size_t tqn = ds_unit(rb, "08-2025");
	for (int k = 0; k < NMAIN; k++)
		assert_near(
		    dti_dataset_get(rb, 0, tqn, node_of(f->fw, mains[k])),
		    hg[k], 1e-12);
	dti_dataset_free(rb);
	done(&r);
	free(data);
}

static void test_rule_without_value(void **state)
{
	struct fx *f = *state;
	static const char fwt[] = "# scoring: points\n"
	                          "# year: 2022\n"
	                          "code,parent,kind,name_en,points,rule\n"
	                          "idx,,index,Index,20,\n"
	                          "plan,idx,indicator,Has a plan,10,yesno\n"
	                          "v,idx,indicator,A value,10,value\n";
	struct dti_framework *fw = NULL;
	assert_int_equal(
	    dti_framework_parse(fwt, strlen(fwt), "plan.csv", &fw, NULL),
	    DTI_OK);
	struct run r = compute(fw, f->units,
	                       "year,province,plan,v\n"
	                       "2022,Hà Giang,có,0.5\n"
	                       "2022,Tuyên Quang,không,0.7\n");
	struct dti_dataset *out = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	/* the main indicators by default: plan is scored yes/no */
	assert_int_equal(dti_rebase(r.res, f->units, NULL, &out, &err),
	                 DTI_EINVALID);
	assert_null(out);
	assert_non_null(strstr(err.message, "plan"));
	assert_string_equal(err.field, "plan");
	dti_error_release(&err);
	/* choosing it explicitly: the same */
	struct dti_rebase_opts o = DTI_REBASE_OPTS_INIT;
	o.kinds = 1u << DTI_KIND_INDICATOR;
	assert_int_equal(dti_rebase(r.res, f->units, &o, &out, &err),
	                 DTI_EINVALID);
	dti_error_release(&err);
	/* the index alone: (10 + 5)/20 and (0 + 7)/20 average to 0.55 */
	o.kinds = 1u << DTI_KIND_INDEX;
	struct dti_dataset *rb = rebase(r.res, f->units, &o);
	size_t tqn = ds_unit(rb, "08-2025");
	assert_near(dti_dataset_get(rb, 0, tqn, node_of(fw, "idx")), 0.55,
	            1e-12);
	assert_nan(dti_dataset_get(rb, 0, tqn, node_of(fw, "plan")));
	dti_dataset_free(rb);
	done(&r);
	dti_framework_free(fw);
}

static void test_kinds_index_only(void **state)
{
	struct fx *f = *state;
	char *data = make_data(1, 1, 1, 1);
	struct run r = compute(f->fw, f->units, data);
	struct dti_rebase_opts o = DTI_REBASE_OPTS_INIT;
	o.kinds = 1u << DTI_KIND_INDEX;
	struct dti_dataset *rb = rebase(r.res, f->units, &o);
	size_t tqn = ds_unit(rb, "08-2025"), cbn = ds_unit(rb, "04");
	size_t root = dti_framework_root(f->fw);
	assert_near(dti_dataset_get(rb, 0, tqn, root),
	            (formula(hg) + formula(tq)) / 2, 1e-12);
	assert_near(dti_dataset_get(rb, 0, cbn, root), formula(cb), 1e-12);
	/* nothing else is carried over */
	for (int k = 0; k < NMAIN; k++)
		assert_nan(
		    dti_dataset_get(rb, 0, tqn, node_of(f->fw, mains[k])));
	assert_nan(dti_dataset_get(rb, 0, tqn, node_of(f->fw, "cqs")));
	assert_int_equal(dti_dataset_count(rb, 0), 2);
	/* the entered index is used as it is */
	struct dti_result *res = NULL;
	assert_int_equal(dti_compute(f->fw, rb, 0, NULL, &res, NULL), DTI_OK);
	long tqr = dti_result_find_unit(res, tqn);
	assert_true(dti_result_flags(res, (size_t)tqr, root) &
	            DTI_CELL_ENTERED);
	assert_near(dti_result_value(res, (size_t)tqr, root),
	            (formula(hg) + formula(tq)) / 2, 1e-12);
	dti_result_free(res);
	dti_dataset_free(rb);

	/* index and main indicators together */
	o.kinds = (1u << DTI_KIND_INDEX) | (1u << DTI_KIND_INDICATOR);
	rb = rebase(r.res, f->units, &o);
	tqn = ds_unit(rb, "08-2025");
	assert_near(dti_dataset_get(rb, 0, tqn, root),
	            (formula(hg) + formula(tq)) / 2, 1e-12);
	assert_near(dti_dataset_get(rb, 0, tqn, node_of(f->fw, "awareness")),
	            0.6, 1e-12);
	dti_dataset_free(rb);
	done(&r);
	free(data);
}

static void test_bad_arguments(void **state)
{
	struct fx *f = *state;
	char *data = make_data(1, 1, 1, 1);
	struct run r = compute(f->fw, f->units, data);
	struct dti_dataset *out = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	/* no registry */
	assert_int_equal(dti_rebase(r.res, NULL, NULL, &out, &err), DTI_EARG);
	dti_error_release(&err);
	/* not a date */
	struct dti_rebase_opts o = DTI_REBASE_OPTS_INIT;
	o.date = "1/7/2025";
	assert_int_equal(dti_rebase(r.res, f->units, &o, &out, &err),
	                 DTI_ESYNTAX);
	dti_error_release(&err);
	assert_null(out);
	/* before the merger every unit is its own successor */
	o.date = "2024-12-31";
	struct dti_dataset *rb = rebase(r.res, f->units, &o);
	assert_int_equal(dti_dataset_unit_count(rb), 3);
	assert_near(dti_dataset_get(rb, 0, ds_unit(rb, "02"),
	                            node_of(f->fw, "awareness")),
	            hg[0], 1e-12);
	dti_dataset_free(rb);
	done(&r);
	free(data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plain_average),
	    cmocka_unit_test(test_population_weighted),
	    cmocka_unit_test(test_missing_predecessor),
	    cmocka_unit_test(test_rule_without_value),
	    cmocka_unit_test(test_kinds_index_only),
	    cmocka_unit_test(test_bad_arguments),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
