/*
 * tests/unit/engine/test_model.c - a framework and dataset compiled once
 * and run many times (struct dti_model).
 *
 * Every override is checked against the same computation done the long
 * way: a framework file written with the changed weight, rule or method,
 * a dataset with the changed figure, options with the other missing-value
 * policy, each computed by dti_compute() and compared cell by cell
 * (values exactly, ranks, group ranks and flags).  The COINr ASEM example
 * (real data, 51 countries x 49 indicators) and the bundled DTI 2022 demo
 * check that a model run equals dti_compute() on real shapes.
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

/* ---- helpers ------------------------------------------------------------ */

static struct dti_framework *fw_text(const char *text)
{
	return test_fw_text(text, "model.csv");
}

static struct dti_result *compute(const struct dti_framework *fw,
                                  const struct dti_dataset *ds,
                                  const struct dti_compute_opts *o)
{
	struct dti_result *res = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_compute(fw, ds, 0, o, &res, &err);
	if (st)
		show_error("compute", &err);
	dti_error_release(&err);
	assert_int_equal(st, DTI_OK);
	return res;
}

static struct dti_model *model(const struct dti_framework *fw,
                               const struct dti_dataset *ds,
                               const struct dti_compute_opts *o)
{
	struct dti_model *m = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_model_new(fw, ds, 0, o, &m, &err);
	if (st)
		show_error("model", &err);
	dti_error_release(&err);
	assert_int_equal(st, DTI_OK);
	return m;
}

static const struct dti_result *run(struct dti_model *m)
{
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_model_run(m, &err);
	if (st)
		show_error("run", &err);
	dti_error_release(&err);
	assert_int_equal(st, DTI_OK);
	const struct dti_result *res = dti_model_result(m);
	assert_non_null(res);
	return res;
}

/* Two doubles are the same value (NaN equals NaN): no tolerance. */
static int same(double a, double b)
{
	return (isnan(a) && isnan(b)) || a == b;
}

/*
 * a and b agree on every unit and node: values and figures exactly,
 * ranks, group ranks, flags; nodes matched by code (the frameworks may be
 * two parses of different texts).  ranks = 0 skips ranks.
 */
static void assert_same_result(const struct dti_result *a,
                               const struct dti_result *b, int ranks)
{
	const struct dti_framework *fa = dti_result_framework(a);
	const struct dti_framework *fb = dti_result_framework(b);
	assert_int_equal(dti_result_unit_count(a), dti_result_unit_count(b));
	assert_int_equal(dti_framework_node_count(fa),
	                 dti_framework_node_count(fb));
	for (size_t k = 0; k < dti_framework_node_count(fa); k++) {
		struct dti_node_info ni;
		dti_framework_node(fa, k, &ni);
		size_t kb = node_of(fb, ni.code);
		for (size_t i = 0; i < dti_result_unit_count(a); i++) {
			double va = dti_result_value(a, i, k);
			double vb = dti_result_value(b, i, kb);
			if (!same(va, vb))
				fail_msg("%s of unit %zu: %.17g, expected "
				         "%.17g",
				         ni.code, i, va, vb);
			if (!same(dti_result_figure(a, i, k),
			          dti_result_figure(b, i, kb)))
				fail_msg("figure of %s, unit %zu", ni.code, i);
			assert_int_equal(dti_result_flags(a, i, k),
			                 dti_result_flags(b, i, kb));
			if (!ranks)
				continue;
			if (dti_result_rank(a, i, k) !=
			    dti_result_rank(b, i, kb))
				fail_msg("rank of %s, unit %zu: %d, expected "
				         "%d",
				         ni.code, i, dti_result_rank(a, i, k),
				         dti_result_rank(b, i, kb));
			assert_int_equal(dti_result_group_rank(a, i, k),
			                 dti_result_group_rank(b, i, kb));
		}
		if (ranks)
			assert_int_equal(dti_result_ranked_count(a, k),
			                 dti_result_ranked_count(b, kb));
	}
	assert_int_equal(dti_result_note_count(a), dti_result_note_count(b));
	for (size_t i = 0; i < dti_result_note_count(a); i++)
		assert_string_equal(dti_result_note(a, i),
		                    dti_result_note(b, i));
}

/* ---- a small framework with every kind of choice ------------------------ */

/*
 * Two pillars of three indicators each (min-max, z-score, goalposts), a
 * geometric-mean pillar, six units in two regions, one figure missing.
 * The printf slots change one thing: a weight, a rule, a method.
 */
static const char small_fw_fmt[] =
    "# scoring: weights\n"
    "# scale: 100\n"
    "# missing: exclude\n"
    "code,parent,kind,name_en,weight,polarity,rule,params,method\n"
    "idx,,index,Index,1,,,,%s\n"
    "p1,idx,pillar,Pillar 1,%s,,,,arith\n"
    "p2,idx,pillar,Pillar 2,1,,,,geom\n"
    "a,p1,indicator,A,1,,%s,%s,\n"
    "b,p1,indicator,B,2,-,minmax,,\n"
    "c,p1,indicator,C,1,,goalposts,min=0;max=50,\n"
    "d,p2,indicator,D,1,,minmax,lo=1;hi=100,\n"
    "e,p2,indicator,E,%s,,minmax,lo=1;hi=100,\n"
    "f,p2,indicator,F,1,,zscore,mean=50;sd=10,\n";

static char *small_fw(const char *idx_method, const char *w_p1,
                      const char *a_rule, const char *a_params, const char *w_e)
{
	size_t n = sizeof small_fw_fmt + 256;
	char *t = malloc(n);
	assert_non_null(t);
	snprintf(t, n, small_fw_fmt, idx_method, w_p1, a_rule, a_params, w_e);
	return t;
}

static const char small_data[] = "unit,region,a,b,c,d,e,f\n"
                                 "U1,North,10,3,40,5,7,60\n"
                                 "U2,North,20,2,35,9,1,55\n"
                                 "U3,North,30,8,20,2,3,\n"
                                 "U4,South,25,5,10,6,9,40\n"
                                 "U5,South,15,1,45,8,4,70\n"
                                 "U6,South,5,9,50,3,6,65\n";

struct small {
	struct dti_framework *fw;
	struct dti_dataset *ds;
};

static struct small small_open(const char *idx_method, const char *w_p1,
                               const char *a_rule, const char *a_params,
                               const char *w_e, const char *data)
{
	struct small s;
	char *t = small_fw(idx_method, w_p1, a_rule, a_params, w_e);
	s.fw = fw_text(t);
	free(t);
	s.ds = ds_text(s.fw, data);
	return s;
}

static void small_close(struct small *s)
{
	dti_dataset_free(s->ds);
	dti_framework_free(s->fw);
}

static struct small small_default(void)
{
	return small_open("arith", "1", "minmax", "", "1", small_data);
}

/* ---- tests ----------------------------------------------------------------
 */

/* A run is dti_compute(), and running again changes nothing. */
static void test_run_equals_compute(void **state)
{
	(void)state;
	struct small s = small_default();
	struct dti_result *want = compute(s.fw, s.ds, NULL);
	struct dti_model *m = model(s.fw, s.ds, NULL);
	assert_null(dti_model_result(m));
	assert_same_result(run(m), want, 1);
	assert_same_result(run(m), want, 1);
	dti_model_free(m);
	dti_result_free(want);
	small_close(&s);
}

/* A weight set in the model = the framework written with that weight. */
static void test_weight(void **state)
{
	(void)state;
	struct small s = small_default();
	struct small w =
	    small_open("arith", "3", "minmax", "", "2.5", small_data);
	struct dti_result *want = compute(w.fw, w.ds, NULL);
	struct dti_model *m = model(s.fw, s.ds, NULL);
	struct dti_error err = DTI_ERROR_INIT;
	assert_int_equal(dti_model_set_weight(m, node_of(s.fw, "p1"), 3, &err),
	                 DTI_OK);
	assert_int_equal(dti_model_set_weight(m, node_of(s.fw, "e"), 2.5, &err),
	                 DTI_OK);
	assert_true(dti_model_weight(m, node_of(s.fw, "idx"),
	                             node_of(s.fw, "p1")) == 3);
	assert_nan(
	    dti_model_weight(m, node_of(s.fw, "p2"), node_of(s.fw, "p1")));
	assert_same_result(run(m), want, 1);
	/* the framework itself is untouched */
	struct dti_node_info ni;
	dti_framework_node(s.fw, node_of(s.fw, "idx"), &ni);
	assert_true(ni.child_weights[0] == 1);
	dti_model_free(m);
	dti_result_free(want);
	small_close(&w);
	small_close(&s);
}

/* A normalisation set in the model = the rule written in the file. */
static void test_normalisation(void **state)
{
	(void)state;
	struct small s = small_default();
	struct small z =
	    small_open("arith", "1", "zscore", "mean=10;sd=2", "1", small_data);
	struct dti_result *want = compute(z.fw, z.ds, NULL);
	struct dti_model *m = model(s.fw, s.ds, NULL);
	struct dti_error err = DTI_ERROR_INIT;
	struct dti_norm n;
	dti_norm_init(&n, DTI_RULE_ZSCORE);
	n.mean = 10;
	n.sd = 2;
	assert_int_equal(
	    dti_model_set_normalisation(m, node_of(s.fw, "a"), &n, &err),
	    DTI_OK);
	assert_same_result(run(m), want, 1);
	dti_result_free(want);

	/* goalposts with the default output range 0..scale */
	struct small g = small_open("arith", "1", "goalposts", "min=0;max=40",
	                            "1", small_data);
	want = compute(g.fw, g.ds, NULL);
	dti_norm_init(&n, DTI_RULE_GOALPOSTS);
	n.min = 0;
	n.max = 40;
	assert_int_equal(
	    dti_model_set_normalisation(m, node_of(s.fw, "a"), &n, &err),
	    DTI_OK);
	assert_same_result(run(m), want, 1);
	dti_result_free(want);

	/* refused: not a normalisation, not a leaf, goalposts without range */
	dti_norm_init(&n, DTI_RULE_YESNO);
	assert_int_equal(
	    dti_model_set_normalisation(m, node_of(s.fw, "a"), &n, &err),
	    DTI_EARG);
	dti_error_release(&err);
	dti_norm_init(&n, DTI_RULE_MINMAX);
	assert_int_equal(
	    dti_model_set_normalisation(m, node_of(s.fw, "p1"), &n, &err),
	    DTI_EARG);
	dti_error_release(&err);
	dti_norm_init(&n, DTI_RULE_GOALPOSTS);
	assert_int_equal(
	    dti_model_set_normalisation(m, node_of(s.fw, "a"), &n, &err),
	    DTI_EARG);
	assert_contains(err.message, "goalposts");
	dti_error_release(&err);
	dti_model_free(m);
	small_close(&g);
	small_close(&z);
	small_close(&s);
}

/* Every leaf at once: each gets the same normalisation. */
static void test_normalisation_all(void **state)
{
	(void)state;
	static const char fw_all[] =
	    "# scoring: weights\n"
	    "# scale: 100\n"
	    "# missing: exclude\n"
	    "code,parent,kind,name_en,weight,polarity,rule,params,method\n"
	    "idx,,index,Index,1,,,,arith\n"
	    "p1,idx,pillar,Pillar 1,1,,,,arith\n"
	    "p2,idx,pillar,Pillar 2,1,,,,geom\n"
	    "a,p1,indicator,A,1,,rank,,\n"
	    "b,p1,indicator,B,2,-,rank,,\n"
	    "c,p1,indicator,C,1,,rank,,\n"
	    "d,p2,indicator,D,1,,rank,,\n"
	    "e,p2,indicator,E,1,,rank,,\n"
	    "f,p2,indicator,F,1,,rank,,\n";
	struct small s = small_default();
	struct dti_framework *fr = fw_text(fw_all);
	struct dti_dataset *dr = ds_text(fr, small_data);
	struct dti_result *want = compute(fr, dr, NULL);
	struct dti_model *m = model(s.fw, s.ds, NULL);
	struct dti_error err = DTI_ERROR_INIT;
	struct dti_norm n;
	dti_norm_init(&n, DTI_RULE_RANK);
	assert_int_equal(
	    dti_model_set_normalisation(m, DTI_MODEL_ALL, &n, &err), DTI_OK);
	assert_same_result(run(m), want, 1);
	dti_model_free(m);
	dti_result_free(want);
	dti_dataset_free(dr);
	dti_framework_free(fr);
	small_close(&s);
}

/* An aggregation set in the model = the method written in the file. */
static void test_aggregation(void **state)
{
	(void)state;
	struct small s = small_default();
	struct small h = small_open("harm", "1", "minmax", "", "1", small_data);
	struct dti_result *want = compute(h.fw, h.ds, NULL);
	struct dti_model *m = model(s.fw, s.ds, NULL);
	struct dti_error err = DTI_ERROR_INIT;
	assert_int_equal(dti_model_set_aggregation(m, node_of(s.fw, "idx"),
	                                           DTI_AGG_HARM, 0, &err),
	                 DTI_OK);
	assert_same_result(run(m), want, 1);
	dti_result_free(want);

	/* every aggregate: a power mean of 2 */
	static const char fw_pow[] =
	    "# scoring: weights\n"
	    "# scale: 100\n"
	    "# missing: exclude\n"
	    "code,parent,kind,name_en,weight,polarity,rule,params,method\n"
	    "idx,,index,Index,1,,,,mean:2\n"
	    "p1,idx,pillar,Pillar 1,1,,,,mean:2\n"
	    "p2,idx,pillar,Pillar 2,1,,,,mean:2\n"
	    "a,p1,indicator,A,1,,minmax,,\n"
	    "b,p1,indicator,B,2,-,minmax,,\n"
	    "c,p1,indicator,C,1,,goalposts,min=0;max=50,\n"
	    "d,p2,indicator,D,1,,minmax,lo=1;hi=100,\n"
	    "e,p2,indicator,E,1,,minmax,lo=1;hi=100,\n"
	    "f,p2,indicator,F,1,,zscore,mean=50;sd=10,\n";
	struct dti_framework *fp = fw_text(fw_pow);
	struct dti_dataset *dp = ds_text(fp, small_data);
	want = compute(fp, dp, NULL);
	assert_int_equal(dti_model_set_aggregation(m, DTI_MODEL_ALL,
	                                           DTI_AGG_GENMEAN, 2, &err),
	                 DTI_OK);
	assert_same_result(run(m), want, 1);
	dti_result_free(want);

	assert_int_equal(dti_model_set_aggregation(m, node_of(s.fw, "a"),
	                                           DTI_AGG_GEOM, 0, &err),
	                 DTI_EARG);
	dti_error_release(&err);
	assert_int_equal(dti_model_set_aggregation(m, DTI_MODEL_ALL,
	                                           DTI_AGG_GENMEAN, 0, &err),
	                 DTI_EARG);
	dti_error_release(&err);
	dti_model_free(m);
	dti_dataset_free(dp);
	dti_framework_free(fp);
	small_close(&h);
	small_close(&s);
}

/* The missing-value policy = the options of dti_compute(). */
static void test_missing(void **state)
{
	(void)state;
	struct small s = small_default();
	struct dti_compute_opts o;
	dti_compute_opts_init(&o);
	assert_int_equal(o.precision, -1);
	o.missing = DTI_MISSING_GROUP_MEAN;
	o.group_by = "region";
	struct dti_result *want = compute(s.fw, s.ds, &o);
	struct dti_compute_opts og;
	dti_compute_opts_init(&og);
	og.group_by = "region";
	struct dti_model *m = model(s.fw, s.ds, &og);
	struct dti_error err = DTI_ERROR_INIT;
	assert_int_equal(dti_model_set_missing(m, DTI_MISSING_GROUP_MEAN, &err),
	                 DTI_OK);
	assert_same_result(run(m), want, 1);
	dti_result_free(want);
	/* back to the options' policy */
	want = compute(s.fw, s.ds, &og);
	assert_int_equal(dti_model_set_missing(m, DTI_MISSING_DEFAULT, &err),
	                 DTI_OK);
	assert_same_result(run(m), want, 1);
	dti_result_free(want);
	dti_model_free(m);
	small_close(&s);
}

/* A figure set in the model = the data file with that figure. */
static void test_figure_and_reset(void **state)
{
	(void)state;
	struct small s = small_default();
	static const char changed[] = "unit,region,a,b,c,d,e,f\n"
	                              "U1,North,10,3,40,5,7,60\n"
	                              "U2,North,20,2,35,9,1,55\n"
	                              "U3,North,30,8,20,2,3,52\n"
	                              "U4,South,25,5,10,6,9,40\n"
	                              "U5,South,15,1,45,8,4,70\n"
	                              "U6,South,5,9,,3,6,65\n";
	char *t = small_fw("arith", "1", "minmax", "", "1");
	struct dti_framework *fc = fw_text(t);
	free(t);
	struct dti_dataset *dc = ds_text(fc, changed);
	struct dti_result *want = compute(fc, dc, NULL);
	struct dti_result *orig = compute(s.fw, s.ds, NULL);
	struct dti_model *m = model(s.fw, s.ds, NULL);
	struct dti_error err = DTI_ERROR_INIT;
	const struct dti_result *r0 = run(m);
	size_t u3 = dti_result_unit(r0, unit_of(r0, "U3"));
	size_t u6 = dti_result_unit(r0, unit_of(r0, "U6"));
	assert_int_equal(
	    dti_model_set_figure(m, u3, node_of(s.fw, "f"), 52, &err), DTI_OK);
	assert_int_equal(
	    dti_model_set_figure(m, u6, node_of(s.fw, "c"), NAN, &err), DTI_OK);
	assert_same_result(run(m), want, 1);
	/* the dataset itself is untouched, and reset forgets everything */
	assert_int_equal(dti_model_set_weight(m, node_of(s.fw, "p2"), 4, &err),
	                 DTI_OK);
	dti_model_reset(m);
	assert_same_result(run(m), orig, 1);
	assert_int_equal(
	    dti_model_set_figure(m, 99, node_of(s.fw, "f"), 1, &err), DTI_EARG);
	dti_error_release(&err);
	assert_int_equal(dti_model_set_weight(m, 999, 1, &err), DTI_EARG);
	dti_error_release(&err);
	assert_int_equal(dti_model_set_weight(m, node_of(s.fw, "a"), NAN, &err),
	                 DTI_EARG);
	dti_error_release(&err);
	assert_int_equal(dti_model_set_weight(m, node_of(s.fw, "idx"), 1, &err),
	                 DTI_EARG);
	dti_error_release(&err);
	dti_model_free(m);
	dti_result_free(orig);
	dti_result_free(want);
	dti_dataset_free(dc);
	dti_framework_free(fc);
	small_close(&s);
}

/* Only the nodes asked for are ranked; values do not change. */
static void test_ranked(void **state)
{
	(void)state;
	struct small s = small_default();
	struct dti_compute_opts o;
	dti_compute_opts_init(&o);
	o.group_by = "region";
	struct dti_result *want = compute(s.fw, s.ds, &o);
	struct dti_model *m = model(s.fw, s.ds, &o);
	struct dti_error err = DTI_ERROR_INIT;
	size_t idx = dti_framework_root(s.fw);
	assert_int_equal(dti_model_set_ranked(m, &idx, 1, &err), DTI_OK);
	const struct dti_result *r = run(m);
	assert_same_result(r, want, 0);
	size_t p1 = node_of(s.fw, "p1");
	for (size_t i = 0; i < dti_result_unit_count(r); i++) {
		assert_int_equal(dti_result_rank(r, i, idx),
		                 dti_result_rank(want, i, idx));
		assert_int_equal(dti_result_group_rank(r, i, idx),
		                 dti_result_group_rank(want, i, idx));
		assert_int_equal(dti_result_rank(r, i, p1), 0);
		assert_int_equal(dti_result_group_rank(r, i, p1), 0);
		assert_int_equal(dti_result_group_size(r, i, p1), 0);
	}
	assert_int_equal(dti_result_ranked_count(r, p1), 0);
	assert_int_equal(dti_model_set_ranked(m, NULL, 0, &err), DTI_OK);
	assert_same_result(run(m), want, 1);
	size_t bad = 1000;
	assert_int_equal(dti_model_set_ranked(m, &bad, 1, &err), DTI_EARG);
	dti_error_release(&err);
	dti_model_free(m);
	dti_result_free(want);
	small_close(&s);
}

/* A run that fails leaves no result until one succeeds. */
static void test_failed_run(void **state)
{
	(void)state;
	static const char fw_zero[] =
	    "# scoring: weights\n"
	    "# scale: 100\n"
	    "code,parent,kind,name_en,weight,rule,params,method\n"
	    "idx,,index,Index,1,,zero=error,geom\n"
	    "a,idx,indicator,A,1,raw,,\n"
	    "b,idx,indicator,B,1,raw,,\n";
	struct dti_framework *fw = fw_text(fw_zero);
	struct dti_dataset *ds = ds_text(fw, "unit,a,b\nU1,1,2\nU2,3,4\n");
	struct dti_model *m = model(fw, ds, NULL);
	run(m);
	struct dti_error err = DTI_ERROR_INIT;
	assert_int_equal(dti_model_set_figure(m, 0, node_of(fw, "a"), 0, &err),
	                 DTI_OK);
	assert_int_equal(dti_model_run(m, &err), DTI_EINVALID);
	assert_contains(err.message, "zero");
	dti_error_release(&err);
	assert_null(dti_model_result(m));
	dti_model_reset(m);
	run(m);
	dti_model_free(m);
	dti_dataset_free(ds);
	dti_framework_free(fw);
}

/* Real shapes: the COINr ASEM example and the DTI 2022 demo. */
static void check_file_pair(const char *fw_rel, const char *data_rel)
{
	struct dti_error err = DTI_ERROR_INIT;
	char *fp = test_path(fw_rel);
	char *dp = test_path(data_rel);
	struct dti_framework *fw = NULL;
	struct dti_dataset *ds = NULL;
	enum dti_status st = dti_framework_load(fp, &fw, &err);
	if (st == DTI_OK)
		st = dti_dataset_read(fw, NULL, dp, NULL, &ds, &err);
	if (st)
		show_error(data_rel, &err);
	assert_int_equal(st, DTI_OK);
	size_t last = dti_dataset_cycle_count(ds) - 1;
	struct dti_result *want = NULL;
	assert_int_equal(dti_compute(fw, ds, last, NULL, &want, &err), DTI_OK);
	struct dti_model *m = NULL;
	assert_int_equal(dti_model_new(fw, ds, last, NULL, &m, &err), DTI_OK);
	for (int r = 0; r < 3; r++) {
		assert_int_equal(dti_model_run(m, &err), DTI_OK);
		assert_same_result(dti_model_result(m), want, 1);
	}
	dti_model_free(m);
	dti_result_free(want);
	dti_dataset_free(ds);
	dti_framework_free(fw);
	free(fp);
	free(dp);
}

static void test_real_shapes(void **state)
{
	(void)state;
	check_file_pair("tests/data/coinr-asem/iMeta.csv",
	                "tests/data/coinr-asem/iData.csv");
	check_file_pair("frameworks/pdti-2022.csv",
	                "data/demo/pdti-2022-demo.csv");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_run_equals_compute),
	    cmocka_unit_test(test_weight),
	    cmocka_unit_test(test_normalisation),
	    cmocka_unit_test(test_normalisation_all),
	    cmocka_unit_test(test_aggregation),
	    cmocka_unit_test(test_missing),
	    cmocka_unit_test(test_figure_and_reset),
	    cmocka_unit_test(test_ranked),
	    cmocka_unit_test(test_failed_run),
	    cmocka_unit_test(test_real_shapes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
