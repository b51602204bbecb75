/*
 * tests/unit/engine/test_normalise.c - the relative normalisations of
 * lib/engine/compute.c on a weights framework: min-max (with an output range
 * and with polarity '-', COINr's flip-then-normalise), goalposts, z-score,
 * rank, percentile rank, ratio to the maximum and distance to target, the
 * cases where they give no value, and figures missing from the statistics.
 * A printed COINr example (qNormalise on a small data frame) is checked too.
 *
 * Expected values come from the formulas of doc/framework-format.md worked
 * out by hand or with a few lines of naive arithmetic here.
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

/* ---- helpers ----------------------------------------------------------- */

static struct dti_framework *fw_text(const char *text)
{
	return test_fw_text(text, "norm.csv");
}

static struct dti_result *run(const struct dti_framework *fw,
                              const struct dti_dataset *ds)
{
	struct dti_result *res = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_compute(fw, ds, 0, NULL, &res, &err);
	if (st)
		show_error("compute", &err);
	dti_error_release(&err);
	assert_int_equal(st, DTI_OK);
	return res;
}

/* Checks a node's values for U1..U5 (NaN: no value). */
static void check_column(const struct dti_result *res, const char *code,
                         const double want[5], double eps)
{
	static const char *const ids[5] = {"U1", "U2", "U3", "U4", "U5"};
	for (int u = 0; u < 5; u++) {
		double v = val(res, ids[u], code);
		if (isnan(want[u]) ? isnan(v) : fabs(v - want[u]) <= eps)
			continue;
		fail_msg("%s of %s: %.17g, expected %.17g", code, ids[u], v,
		         want[u]);
	}
}

/* ---- the rules ----------------------------------------------------------- */

static const char norm_fw[] =
    "# scoring: weights\n"
    "# scale: 100\n"
    "# missing: exclude\n"
    "code,parent,kind,name_en,weight,polarity,rule,params,target\n"
    "idx,,index,Index,1,,,,\n"
    "mm,idx,indicator,Minmax,1,,minmax,,\n"
    "mm_lohi,idx,indicator,Minmax 1-10,1,,minmax,lo=1;hi=10,\n"
    "mm_neg,idx,indicator,Minmax lower,1,-,minmax,,\n"
    "mm_eq,idx,indicator,Minmax equal,1,,minmax,,\n"
    "mm_one,idx,indicator,Minmax single,1,,minmax,,\n"
    "gp,idx,indicator,Goalposts,1,,goalposts,min=3;max=8,\n"
    "gp_neg,idx,indicator,Goalposts lower,1,-,goalposts,min=3;max=8,\n"
    "gp_lohi,idx,indicator,Goalposts "
    "1-10,1,,goalposts,min=3;max=8;lo=1;hi=10,\n"
    "zs,idx,indicator,Z-score,1,,zscore,mean=10;sd=2,\n"
    "zs_def,idx,indicator,Z-score default,1,,zscore,,\n"
    "zs_eq,idx,indicator,Z-score equal,1,,zscore,,\n"
    "zs_one,idx,indicator,Z-score single,1,,zscore,,\n"
    "rk,idx,indicator,Rank,1,,rank,,\n"
    "rk_neg,idx,indicator,Rank lower,1,-,rank,,\n"
    "pr,idx,indicator,Percentile rank,1,,prank,,\n"
    "pr_one,idx,indicator,Percentile rank single,1,,prank,,\n"
    "fm,idx,indicator,Fraction of max,1,,fracmax,,\n"
    "fm_zero,idx,indicator,Fraction of zero max,1,,fracmax,,\n"
    "dt,idx,indicator,Distance to target,1,,dist2target,,8\n"
    "dt_cap,idx,indicator,Distance to target capped,1,,dist2target,cap=1,8\n"
    "dt_neg,idx,indicator,Distance to target lower,1,-,dist2target,"
    "target=3;cap=1,\n"
    "dt_min,idx,indicator,Target at the minimum,1,,dist2target,target=2,\n";

/*
 * x = 2, 4, 6, 10 for U1..U4 and missing for U5 (U5 has only mm_one,
 * zs_one and pr_one, so it is in the result with no other figure).
 * r = 3, 1, 3, 7 for the rank rules.
 */
static const char norm_data[] =
    "unit,mm,mm_lohi,mm_neg,mm_eq,mm_one,gp,gp_neg,gp_lohi,zs,zs_def,zs_eq,"
    "zs_one,rk,rk_neg,pr,pr_one,fm,fm_zero,dt,dt_cap,dt_neg,dt_min\n"
    "U1,2,2,2,5,,2,2,2,2,2,4,,3,3,3,,2,0,2,2,2,2\n"
    "U2,4,4,4,5,,4,4,4,4,4,4,,1,1,1,,4,0,4,4,4,4\n"
    "U3,6,6,6,5,,6,6,6,6,6,4,,3,3,3,,6,-1,6,6,6,6\n"
    "U4,10,10,10,5,,10,10,10,10,10,4,,7,7,7,,10,0,10,10,10,10\n"
    "U5,,,,,7,,,,,,,7,,,,7,,,,,,\n";

#define NA NAN

static void test_minmax(void **state)
{
	(void)state;
	struct dti_framework *fw = fw_text(norm_fw);
	struct dti_dataset *ds = ds_text(fw, norm_data);
	struct dti_result *res = run(fw, ds);
	/* (x - 2) / (10 - 2) x 100; U5 has no figure and no value */
	const double mm[5] = {0, 25, 50, 100, NA};
	check_column(res, "mm", mm, 1e-12);
	/* 1 + (x - 2) / 8 x 9 */
	const double lohi[5] = {1, 1 + 9 * 0.25, 1 + 9 * 0.5, 10, NA};
	check_column(res, "mm_lohi", lohi, 1e-12);
	/* COINr: flip, then min-max: (max - x) / (max - min) x 100 */
	const double neg[5] = {100, 75, 50, 0, NA};
	check_column(res, "mm_neg", neg, 1e-12);
	/* all equal, or a single figure: no value */
	const double none[5] = {NA, NA, NA, NA, NA};
	check_column(res, "mm_eq", none, 0);
	check_column(res, "mm_one", none, 0);
	assert_int_equal(dti_result_ranked_count(res, node_of(fw, "mm")), 4);
	assert_int_equal(dti_result_ranked_count(res, node_of(fw, "mm_eq")), 0);
	dti_result_free(res);
	dti_dataset_free(ds);
	dti_framework_free(fw);
}

static void test_goalposts(void **state)
{
	(void)state;
	struct dti_framework *fw = fw_text(norm_fw);
	struct dti_dataset *ds = ds_text(fw, norm_data);
	struct dti_result *res = run(fw, ds);
	/* clamp((x - 3) / 5, 0, 1) x 100 */
	const double gp[5] = {0, 20, 60, 100, NA};
	check_column(res, "gp", gp, 1e-12);
	/* lower is better: clamp((8 - x) / 5, 0, 1) x 100 */
	const double neg[5] = {100, 80, 40, 0, NA};
	check_column(res, "gp_neg", neg, 1e-12);
	/* onto 1..10 */
	const double lohi[5] = {1, 1 + 0.2 * 9, 1 + 0.6 * 9, 10, NA};
	check_column(res, "gp_lohi", lohi, 1e-12);
	dti_result_free(res);
	dti_dataset_free(ds);
	dti_framework_free(fw);
}

static void test_zscore(void **state)
{
	(void)state;
	struct dti_framework *fw = fw_text(norm_fw);
	struct dti_dataset *ds = ds_text(fw, norm_data);
	struct dti_result *res = run(fw, ds);
	/* naive: mean and sample standard deviation of 2, 4, 6, 10 */
	const double x[4] = {2, 4, 6, 10};
	double m = 0, ss = 0;
	for (int i = 0; i < 4; i++)
		m += x[i];
	m /= 4; /* 5.5 */
	for (int i = 0; i < 4; i++)
		ss += (x[i] - m) * (x[i] - m);
	double sd = sqrt(ss / 3); /* sqrt(35/3) */
	assert_near(m, 5.5, 0);
	assert_near(sd * sd, 35.0 / 3, 1e-12);
	double zs[5], def[5];
	for (int i = 0; i < 4; i++) {
		zs[i] = 10 + 2 * (x[i] - m) / sd;
		def[i] = (x[i] - m) / sd;
	}
	zs[4] = def[4] = NA;
	check_column(res, "zs", zs, 1e-12);
	check_column(res, "zs_def", def, 1e-12);
	/* U1 is 3.5 below the mean: -3.5 / sqrt(35/3) = -1.0247 */
	assert_near(val(res, "U1", "zs_def"), -3.5 / sqrt(35.0 / 3), 1e-12);
	const double none[5] = {NA, NA, NA, NA, NA};
	check_column(res, "zs_eq", none, 0);
	check_column(res, "zs_one", none, 0);
	dti_result_free(res);
	dti_dataset_free(ds);
	dti_framework_free(fw);
}

static void test_ranks(void **state)
{
	(void)state;
	struct dti_framework *fw = fw_text(norm_fw);
	struct dti_dataset *ds = ds_text(fw, norm_data);
	struct dti_result *res = run(fw, ds);
	/* 3, 1, 3, 7: ties take the lower rank (1 = lowest) */
	const double rk[5] = {2, 1, 2, 4, NA};
	check_column(res, "rk", rk, 0);
	/* flipped: -3, -1, -3, -7 */
	const double neg[5] = {2, 4, 2, 1, NA};
	check_column(res, "rk_neg", neg, 0);
	/* (rank - 1) / (n - 1) x 100, n = 4 */
	const double pr[5] = {100.0 / 3, 0, 100.0 / 3, 100, NA};
	check_column(res, "pr", pr, 1e-12);
	const double none[5] = {NA, NA, NA, NA, NA};
	check_column(res, "pr_one", none, 0);
	dti_result_free(res);
	dti_dataset_free(ds);
	dti_framework_free(fw);
}

static void test_fracmax_dist2target(void **state)
{
	(void)state;
	struct dti_framework *fw = fw_text(norm_fw);
	struct dti_dataset *ds = ds_text(fw, norm_data);
	struct dti_result *res = run(fw, ds);
	/* x / 10 x 100 */
	const double fm[5] = {20, 40, 60, 100, NA};
	check_column(res, "fm", fm, 1e-12);
	/* maximum 0: no value */
	const double none[5] = {NA, NA, NA, NA, NA};
	check_column(res, "fm_zero", none, 0);
	/* (x - 2) / (8 - 2) x 100, above the target beyond 100 */
	const double dt[5] = {0, 100.0 / 3, 200.0 / 3, 400.0 / 3, NA};
	check_column(res, "dt", dt, 1e-12);
	const double cap[5] = {0, 100.0 / 3, 200.0 / 3, 100, NA};
	check_column(res, "dt_cap", cap, 1e-12);
	/* lower is better, target 3: (10 - x) / (10 - 3), capped at 1 */
	const double neg[5] = {100, 600.0 / 7, 400.0 / 7, 0, NA};
	check_column(res, "dt_neg", neg, 1e-12);
	/* the target is the minimum: no value */
	check_column(res, "dt_min", none, 0);
	dti_result_free(res);
	dti_dataset_free(ds);
	dti_framework_free(fw);
}

/* The index is the plain mean of what is left (policy exclude). */
static void test_index_over_normalised(void **state)
{
	(void)state;
	struct dti_framework *fw =
	    fw_text("# scoring: weights\n"
	            "# scale: 100\n"
	            "code,parent,kind,name_en,weight,polarity,rule\n"
	            "idx,,index,Index,1,,\n"
	            "a,idx,indicator,A,1,,minmax\n"
	            "b,idx,indicator,B,3,-,minmax\n");
	assert_int_equal(dti_framework_missing(fw), DTI_MISSING_EXCLUDE);
	struct dti_dataset *ds = ds_text(fw, "unit,a,b\n"
	                                     "U1,1,30\n"
	                                     "U2,3,10\n"
	                                     "U3,,20\n");
	struct dti_result *res = run(fw, ds);
	/* a: 0, 100, -; b (lower is better): 0, 100, 50 */
	assert_near(val(res, "U1", "idx"), 0, 1e-12);
	assert_near(val(res, "U2", "idx"), 100, 1e-12);
	assert_near(val(res, "U3", "idx"), 50, 1e-12);
	assert_int_equal(
	    dti_result_rank(res, unit_of(res, "U2"), node_of(fw, "idx")), 1);
	dti_result_free(res);
	dti_dataset_free(ds);
	dti_framework_free(fw);
}

/* ---- a printed COINr example --------------------------------------------- */

/*
 * COINr's normalisation vignette normalises a 10-row data frame (columns a
 * and b, printed to 8 significant digits) with qNormalise: min-max onto
 * [0,100], and n_dist2ref with iref = 1 and cap_max = TRUE, which is
 * dist2target with the first row as the target, capped.  The printed
 * results (doc/notes/coinr-methods.md, D2) are checked to two units of
 * their last printed decimal (the inputs themselves are rounded).
 */
static void test_coinr_qnormalise_example(void **state)
{
	(void)state;
	static const double a[10] = {
	    0.87460066, 0.17494063, 0.03424133, 0.32038573, 0.40232824,
	    0.19566983, 0.40353812, 0.06366146, 0.38870131, 0.97554784};
	static const double b[10] = {28.989230, 67.838043, 73.531960, 19.595673,
	                             98.053967, 74.152153, 5.144628,  53.021246,
	                             69.582388, 68.855600};
	static const double mm_a[10] = {
	    89.275844, 14.947235, 0,        30.398642, 39.103831,
	    17.149409, 39.232363, 3.125456, 37.656170, 100};
	static const double mm_b[10] = {25.66438, 67.47805, 73.60652, 15.55392,
	                                100,      74.27405, 0,        51.53047,
	                                69.35552, 68.57327};
	static const double d2r_a[10] = {
	    1,          0.16742754, 0,          0.34050244, 0.43801133,
	    0.19209462, 0.43945104, 0.03500898, 0.42179574, 1};
	static const double d2r_b[10] = {1, 1, 1, 0.606051, 1, 1, 0, 1, 1, 1};
	struct dti_framework *mfw = fw_text("# scoring: weights\n"
	                                    "# scale: 100\n"
	                                    "code,parent,kind,name_en,rule\n"
	                                    "idx,,index,Index,\n"
	                                    "a,idx,indicator,a,minmax\n"
	                                    "b,idx,indicator,b,minmax\n");
	char text[4096];
	snprintf(text, sizeof text,
	         "# scoring: weights\n"
	         "code,parent,kind,name_en,rule,params\n"
	         "idx,,index,Index,,\n"
	         "a,idx,indicator,a,dist2target,target=%.8f;cap=1\n"
	         "b,idx,indicator,b,dist2target,target=%.6f;cap=1\n",
	         a[0], b[0]);
	struct dti_framework *dfw = fw_text(text);
	char data[4096];
	size_t len = (size_t)snprintf(data, sizeof data, "unit,a,b\n");
	for (int i = 0; i < 10; i++)
		len += (size_t)snprintf(data + len, sizeof data - len,
		                        "r%c,%.8f,%.6f\n", 'a' + i, a[i], b[i]);
	struct dti_dataset *mds = ds_text(mfw, data);
	struct dti_dataset *dds = ds_text(dfw, data);
	struct dti_result *mr = run(mfw, mds);
	struct dti_result *dr = run(dfw, dds);
	for (int i = 0; i < 10; i++) {
		char id[4] = {'r', (char)('a' + i), 0};
		assert_near(val(mr, id, "a"), mm_a[i], 2e-6);
		assert_near(val(mr, id, "b"), mm_b[i], 2e-5);
		assert_near(val(dr, id, "a"), d2r_a[i], 2e-8);
		assert_near(val(dr, id, "b"), d2r_b[i], 2e-6);
	}
	dti_result_free(mr);
	dti_result_free(dr);
	dti_dataset_free(mds);
	dti_dataset_free(dds);
	dti_framework_free(mfw);
	dti_framework_free(dfw);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_minmax),
	    cmocka_unit_test(test_goalposts),
	    cmocka_unit_test(test_zscore),
	    cmocka_unit_test(test_ranks),
	    cmocka_unit_test(test_fracmax_dist2target),
	    cmocka_unit_test(test_index_over_normalised),
	    cmocka_unit_test(test_coinr_qnormalise_example),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
