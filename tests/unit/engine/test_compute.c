/*
 * tests/unit/engine/test_compute.c - the engine of lib/engine/compute.c on
 * points and weights frameworks: absolute scoring rules, shared children,
 * statistics, missing-value policies, entered aggregates, unknown points,
 * aggregation methods, competition ranks at the published precision, group
 * ranks, the order of a ranking, changes between two cycles, notes and the data
 * hash.
 *
 * Every expected number is worked out by hand in the comments (or by a few
 * lines of naive arithmetic in the test), never taken from the program.
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
	return test_fw_text(text, "test.csv");
}

static struct dti_framework *fw_file(const char *rel)
{
	struct dti_framework *fw = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	char *path = test_path(rel);
	assert_non_null(path);
	enum dti_status st = dti_framework_load(path, &fw, &err);
	if (st)
		show_error(rel, &err);
	free(path);
	dti_error_release(&err);
	assert_int_equal(st, DTI_OK);
	return fw;
}

static struct dti_result *run(const struct dti_framework *fw,
                              const struct dti_dataset *ds, size_t cycle,
                              const struct dti_compute_opts *opts)
{
	struct dti_result *res = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_compute(fw, ds, cycle, opts, &res, &err);
	if (st)
		show_error("compute", &err);
	dti_error_release(&err);
	assert_int_equal(st, DTI_OK);
	assert_non_null(res);
	return res;
}

static double pts(const struct dti_result *res, const char *id,
                  const char *code)
{
	return dti_result_points(res, unit_of(res, id),
	                         node_of(dti_result_framework(res), code));
}

static int rank(const struct dti_result *res, const char *id, const char *code)
{
	return dti_result_rank(res, unit_of(res, id),
	                       node_of(dti_result_framework(res), code));
}

static unsigned flags(const struct dti_result *res, const char *id,
                      const char *code)
{
	return dti_result_flags(res, unit_of(res, id),
	                        node_of(dti_result_framework(res), code));
}

/* 1 if some note of the result contains every one of the strings. */
static int has_note(const struct dti_result *res, const char *a, const char *b)
{
	for (size_t i = 0; i < dti_result_note_count(res); i++) {
		const char *n = dti_result_note(res, i);
		if (strstr(n, a) && (!b || strstr(n, b)))
			return 1;
	}
	return 0;
}

/* ---- absolute rules ---------------------------------------------------- */

static const char rules_fw[] =
    "# scoring: points\n"
    "# missing: zero\n"
    "code,parent,kind,name_en,points,rule,params,polarity\n"
    "idx,,index,Index,100,,,\n"
    "yn,idx,indicator,Yes no,10,yesno,,\n"
    "yn_neg,idx,indicator,Yes no lower,5,yesno,,-\n"
    "rat,idx,indicator,Ratio,10,ratio,floor=0.2;target=0.8,\n"
    "pct,idx,indicator,Percent,10,percent,floor=20;target=80,\n"
    "rat_neg,idx,indicator,Ratio lower,5,ratio,floor=0.5;target=0.1,-\n"
    "cnt,idx,indicator,Count,10,count,cap=4,\n"
    "cnt_neg,idx,indicator,Count lower,5,count,cap=10,-\n"
    "stp,idx,indicator,Steps,10,steps,\"steps=1:2,3:6,5:10\",\n"
    "stp_neg,idx,indicator,Steps lower,5,steps,\"steps=1:5,3:3,5:1\",-\n"
    "pts,idx,indicator,Points,5,points,,\n"
    "rev,idx,indicator,Reviewer,5,reviewer,,\n"
    "srv,idx,indicator,Survey,10,survey,,\n"
    "srv_neg,idx,indicator,Survey lower,5,survey,min=1;max=5,-\n"
    "val,idx,indicator,Value,5,value,,\n";

static const char rules_data[] =
    "unit,name,yn,yn_neg,rat,pct,rat_neg,cnt,cnt_neg,stp,stp_neg,pts,rev,"
    "srv,srv_neg,val\n"
    "A,Alpha,1,1,50%,90,0.2,3,4,4,2,4,2.5,4,2,0.3\n"
    "B,Beta,0,0,0.1,50%,0.6,10,12,0.5,6,5,0,1,5,1\n"
    "C,Gamma,có,không,0.8,20,0.05,0,0,5,1,0,5,5,1,0\n";

struct expect {
	const char *code;
	double a, b, c; /* values (points earned / points possible) */
};

static void test_absolute_rules(void **state)
{
	(void)state;
	/*
	 * By hand, value = points earned / points possible:
	 *   yn      yes -> 1, no -> 0
	 *   yn_neg  (polarity -) yes -> 0, no -> 1
	 *   rat     clamp((x - 0.2) / 0.6): 0.5 -> 0.5, 0.1 -> 0, 0.8 -> 1
	 *   pct     clamp((x - 20) / 60): 90 -> 1, 50 -> 0.5, 20 -> 0
	 *   rat_neg floor 0.5 (worst), target 0.1 (best):
	 *           (x - 0.5) / (0.1 - 0.5): 0.2 -> 0.75, 0.6 -> 0, 0.05 -> 1
	 *   cnt     min(x, 4) / 4: 3 -> 0.75, 10 -> 1, 0 -> 0
	 *   cnt_neg 1 - min(x, 10) / 10: 4 -> 0.6, 12 -> 0, 0 -> 1
	 *   stp     points of the highest threshold <= x, of 10:
	 *           4 -> 6 (0.6), 0.5 -> 0 (below the first), 5 -> 10 (1)
	 *   stp_neg points of the lowest threshold >= x, of 5:
	 *           2 -> 3 (0.6), 6 -> 0 (above the last), 1 -> 5 (1)
	 *   pts     x / 5: 4 -> 0.8, 5 -> 1, 0 -> 0
	 *   rev     x / 5: 2.5 -> 0.5, 0 -> 0, 5 -> 1
	 *   srv     (x - 1) / 4: 4 -> 0.75, 1 -> 0, 5 -> 1
	 *   srv_neg 1 - (x - 1) / 4: 2 -> 0.75, 5 -> 0, 1 -> 1
	 *   val     x: 0.3, 1, 0
	 */
	static const struct expect ex[] = {
	    {"yn", 1, 0, 1},         {"yn_neg", 0, 1, 1},
	    {"rat", 0.5, 0, 1},      {"pct", 1, 0.5, 0},
	    {"rat_neg", 0.75, 0, 1}, {"cnt", 0.75, 1, 0},
	    {"cnt_neg", 0.6, 0, 1},  {"stp", 0.6, 0, 1},
	    {"stp_neg", 0.6, 0, 1},  {"pts", 0.8, 1, 0},
	    {"rev", 0.5, 0, 1},      {"srv", 0.75, 0, 1},
	    {"srv_neg", 0.75, 0, 1}, {"val", 0.3, 1, 0},
	};
	struct dti_framework *fw = fw_text(rules_fw);
	struct dti_dataset *ds = ds_text(fw, rules_data);
	struct dti_result *res = run(fw, ds, 0, NULL);
	double sum[3] = {0, 0, 0};
	for (size_t j = 0; j < sizeof ex / sizeof ex[0]; j++) {
		struct dti_node_info ni;
		dti_framework_node(fw, node_of(fw, ex[j].code), &ni);
		const double want[3] = {ex[j].a, ex[j].b, ex[j].c};
		const char *ids[3] = {"A", "B", "C"};
		for (int u = 0; u < 3; u++) {
			double v = val(res, ids[u], ex[j].code);
			if (fabs(v - want[u]) > 1e-12)
				fail_msg("%s of %s: %.17g, expected %g",
				         ex[j].code, ids[u], v, want[u]);
			assert_near(pts(res, ids[u], ex[j].code),
			            want[u] * ni.points, 1e-12);
			assert_int_equal(flags(res, ids[u], ex[j].code), 0);
			sum[u] += want[u] * ni.points;
		}
	}
	/* 67.5, 30 and 70 of 100 points */
	assert_near(sum[0], 67.5, 1e-12);
	assert_near(sum[1], 30, 1e-12);
	assert_near(sum[2], 70, 1e-12);
	assert_near(val(res, "A", "idx"), 0.675, 1e-12);
	assert_near(val(res, "B", "idx"), 0.30, 1e-12);
	assert_near(val(res, "C", "idx"), 0.70, 1e-12);
	assert_near(pts(res, "A", "idx"), 67.5, 1e-9);
	assert_int_equal(rank(res, "C", "idx"), 1);
	assert_int_equal(rank(res, "A", "idx"), 2);
	assert_int_equal(rank(res, "B", "idx"), 3);
	assert_int_equal(dti_result_ranked_count(res, node_of(fw, "idx")), 3);
	/* the figure is kept as entered (a percentage of a ratio divided) */
	assert_near(
	    dti_result_figure(res, unit_of(res, "A"), node_of(fw, "rat")), 0.5,
	    1e-12);
	assert_near(
	    dti_result_figure(res, unit_of(res, "B"), node_of(fw, "stp_neg")),
	    6, 1e-12);
	assert_nan(
	    dti_result_figure(res, unit_of(res, "A"), node_of(fw, "idx")));
	dti_result_free(res);
	dti_dataset_free(ds);
	dti_framework_free(fw);
}

/* Steps on a weights framework give values on the scale. */
static void test_steps_weights(void **state)
{
	(void)state;
	static const char fwt[] =
	    "# scoring: weights\n"
	    "# scale: 100\n"
	    "code,parent,kind,name_en,weight,rule,params,polarity\n"
	    "idx,,index,Index,1,,,\n"
	    "s,idx,indicator,Steps,1,steps,steps=10:25|20:50|30:100,\n"
	    "t,idx,indicator,Steps lower,1,steps,steps=10:100|20:50|30:25,-\n";
	struct dti_framework *fw = fw_text(fwt);
	struct dti_dataset *ds = ds_text(fw, "unit,s,t\n"
	                                     "U1,5,5\n"
	                                     "U2,10,10\n"
	                                     "U3,25,25\n"
	                                     "U4,40,40\n");
	struct dti_result *res = run(fw, ds, 0, NULL);
	/* s: highest threshold <= x; t: lowest threshold >= x */
	assert_near(val(res, "U1", "s"), 0, 1e-12);
	assert_near(val(res, "U2", "s"), 25, 1e-12);
	assert_near(val(res, "U3", "s"), 50, 1e-12);
	assert_near(val(res, "U4", "s"), 100, 1e-12);
	assert_near(val(res, "U1", "t"), 100, 1e-12);
	assert_near(val(res, "U2", "t"), 100, 1e-12);
	assert_near(val(res, "U3", "t"), 25, 1e-12);
	assert_near(val(res, "U4", "t"), 0, 1e-12);
	/* equal weights: the mean */
	assert_near(val(res, "U3", "idx"), 37.5, 1e-12);
	dti_result_free(res);
	dti_dataset_free(ds);
	dti_framework_free(fw);
}

/* ---- shared children: the 2022 pillars ---------------------------------- */

static void test_shared_children_2022(void **state)
{
	(void)state;
	struct dti_framework *fw = fw_file("frameworks/pdti-2022.csv");
	struct dti_dataset *ds = ds_text(
	    fw,
	    "unit,name,awareness,institutions,infrastructure,human_resources,"
	    "cybersecurity,smart_city,gov_activity,econ_activity,soc_activity\n"
	    "P1,Tỉnh Một,0.9,0.8,0.7,0.6,0.5,0.1,0.4,0.3,0.2\n"
	    "P2,Tỉnh Hai,0.5,0.5,0.5,0.5,0.5,0.9,1,0,0.25\n");
	struct dti_result *res = run(fw, ds, 0, NULL);
	static const struct {
		const char *id;
		double f[5], sc, g, e, x;
	} rows[] = {
	    {"P1", {0.9, 0.8, 0.7, 0.6, 0.5}, 0.1, 0.4, 0.3, 0.2},
	    {"P2", {0.5, 0.5, 0.5, 0.5, 0.5}, 0.9, 1.0, 0.0, 0.25},
	};
	for (size_t r = 0; r < 2; r++) {
		double sf = 0;
		for (int k = 0; k < 5; k++)
			sf += rows[r].f[k];
		const char *id = rows[r].id;
		double cqs = (100 * sf + 200 * rows[r].g) / 700;
		double kts = (100 * sf + 150 * rows[r].e) / 650;
		double xhs = (100 * sf + 150 * rows[r].x) / 650;
		double pdti = (100 * sf + 200 * rows[r].g + 150 * rows[r].e +
		               150 * rows[r].x) /
		              1000;
		assert_near(val(res, id, "cqs"), cqs, 1e-12);
		assert_near(val(res, id, "kts"), kts, 1e-12);
		assert_near(val(res, id, "xhs"), xhs, 1e-12);
		assert_near(val(res, id, "pdti"), pdti, 1e-12);
		assert_near(val(res, id, "foundation"), sf / 5, 1e-12);
		assert_near(pts(res, id, "foundation"), 100 * sf, 1e-9);
		assert_near(pts(res, id, "cqs"), 100 * sf + 200 * rows[r].g,
		            1e-9);
		assert_near(pts(res, id, "pdti"), 1000 * pdti, 1e-9);
		/* the 0-point smart city is kept but earns nothing */
		assert_near(val(res, id, "smart_city"), rows[r].sc, 1e-12);
		assert_near(pts(res, id, "smart_city"), 0, 1e-12);
	}
	/* P1: 0.505 (350 + 80 + 45 + 30); P2: 0.4875 (250 + 200 + 0 + 37.5) */
	assert_near(val(res, "P1", "pdti"), 0.505, 1e-12);
	assert_near(val(res, "P2", "pdti"), 0.4875, 1e-12);
	/* the pillars are not a weighted mean giving the index */
	assert_int_equal(rank(res, "P1", "pdti"), 1);
	assert_int_equal(rank(res, "P2", "cqs"), 1); /* 450/700 > 430/700 */
	dti_result_free(res);
	dti_dataset_free(ds);

	/* changing only the smart city changes nothing else */
	ds =
	    ds_text(fw, "unit,awareness,institutions,infrastructure,"
	                "human_resources,cybersecurity,smart_city,gov_activity,"
	                "econ_activity,soc_activity\n"
	                "P1,0.9,0.8,0.7,0.6,0.5,1,0.4,0.3,0.2\n");
	res = run(fw, ds, 0, NULL);
	assert_near(val(res, "P1", "pdti"), 0.505, 1e-12);
	assert_near(val(res, "P1", "cqs"), 430.0 / 700, 1e-12);
	dti_result_free(res);
	dti_dataset_free(ds);
	dti_framework_free(fw);
}

/* A 0-point child contributes nothing, even when it has a value. */
static void test_zero_point_child(void **state)
{
	(void)state;
	struct dti_framework *fw =
	    fw_text("# scoring: points\n"
	            "code,parent,kind,name_en,points,rule\n"
	            "idx,,index,Index,20,\n"
	            "a,idx,indicator,A,20,value\n"
	            "z,idx,indicator,Zero,0,value\n");
	struct dti_dataset *ds = ds_text(fw, "unit,a,z\n"
	                                     "U1,0.25,1\n"
	                                     "U2,0.25,0\n"
	                                     "U3,0.25,\n");
	struct dti_result *res = run(fw, ds, 0, NULL);
	assert_near(val(res, "U1", "idx"), 0.25, 1e-12);
	assert_near(val(res, "U2", "idx"), 0.25, 1e-12);
	assert_near(val(res, "U3", "idx"), 0.25, 1e-12);
	assert_near(val(res, "U1", "z"), 1, 1e-12);
	assert_near(pts(res, "U1", "z"), 0, 1e-12);
	/* all three share rank 1 */
	assert_int_equal(rank(res, "U1", "idx"), 1);
	assert_int_equal(rank(res, "U3", "idx"), 1);
	dti_result_free(res);
	dti_dataset_free(ds);
	dti_framework_free(fw);
}

/* ---- statistics --------------------------------------------------------- */

static void test_statistics(void **state)
{
	(void)state;
	struct dti_framework *fw =
	    fw_text("# scoring: points\n"
	            "code,parent,kind,name_en,points,rule,unit\n"
	            "idx,,index,Index,20,,\n"
	            "a,idx,indicator,A,10,value,\n"
	            "b,idx,indicator,B,10,value,\n"
	            "svc,idx,statistic,Online public services,,,%\n"
	            "teams,,statistic,Community digital teams,,,teams\n");
	struct dti_node_info ni;
	dti_framework_node(fw, node_of(fw, "svc"), &ni);
	assert_false(ni.scored);
	struct dti_dataset *ds = ds_text(fw, "unit,a,b,svc,teams\n"
	                                     "U1,0.5,0.5,61.43,120\n"
	                                     "U2,1,0,80,\n"
	                                     "U3,0.2,0.2,,15\n");
	struct dti_result *res = run(fw, ds, 0, NULL);
	/* the statistic shows its figure and changes nothing */
	assert_near(val(res, "U1", "svc"), 61.43, 1e-12);
	assert_near(val(res, "U1", "teams"), 120, 1e-12);
	assert_nan(val(res, "U2", "teams"));
	assert_near(val(res, "U1", "idx"), 0.5, 1e-12);
	assert_near(val(res, "U2", "idx"), 0.5, 1e-12);
	assert_near(val(res, "U3", "idx"), 0.2, 1e-12);
	/* not ranked, no points */
	size_t k = node_of(fw, "svc");
	assert_int_equal(dti_result_ranked_count(res, k), 0);
	for (size_t i = 0; i < dti_result_unit_count(res); i++) {
		assert_int_equal(dti_result_rank(res, i, k), 0);
		assert_int_equal(dti_result_group_rank(res, i, k), 0);
		assert_nan(dti_result_points(res, i, k));
		assert_int_equal(dti_result_rank(res, i, node_of(fw, "teams")),
		                 0);
	}
	/* a missing statistic is not a missing figure of the index */
	assert_int_equal(flags(res, "U3", "idx"), 0);
	assert_false(has_note(res, "svc", NULL));
	dti_result_free(res);
	dti_dataset_free(ds);
	dti_framework_free(fw);
}

/* ---- missing-value policies --------------------------------------------- */

static const char missing_fw[] = "# scoring: points\n"
                                 "# missing: %s\n"
                                 "code,parent,kind,name_en,points,rule\n"
                                 "idx,,index,Index,40,\n"
                                 "g1,idx,group,Group 1,20,\n"
                                 "a,g1,indicator,A,10,value\n"
                                 "b,g1,indicator,B,10,value\n"
                                 "g2,idx,group,Group 2,20,\n"
                                 "c,g2,indicator,C,10,value\n"
                                 "d,g2,indicator,D,10,value\n";

static const char missing_data[] = "unit,name,group,a,b,c,d\n"
                                   "U1,Một,N,0.4,,0.6,0.8\n"
                                   "U2,Hai,N,0.8,0.2,,\n"
                                   "U3,Ba,S,,0.5,0.5,0.5\n"
                                   "U4,Bốn,S,,0.3,0.9,0.1\n";

static struct dti_framework *missing_framework(const char *policy)
{
	char text[1024];
	snprintf(text, sizeof text, missing_fw, policy);
	return fw_text(text);
}

static void check_zero(const struct dti_result *res)
{
	/* a missing figure scores 0 points */
	assert_int_equal(dti_result_missing(res), DTI_MISSING_ZERO);
	assert_near(val(res, "U1", "g1"), (4 + 0) / 20.0, 1e-12);
	assert_near(val(res, "U1", "g2"), (6 + 8) / 20.0, 1e-12);
	assert_near(val(res, "U1", "idx"), (4 + 0 + 6 + 8) / 40.0, 1e-12);
	assert_near(val(res, "U2", "g2"), 0, 1e-12);
	assert_near(val(res, "U2", "idx"), (8 + 2) / 40.0, 1e-12);
	assert_near(val(res, "U3", "idx"), (5 + 5 + 5) / 40.0, 1e-12);
	assert_near(val(res, "U4", "idx"), (3 + 9 + 1) / 40.0, 1e-12);
	assert_near(val(res, "U1", "b"), 0, 1e-12);
	assert_true(flags(res, "U1", "b") & DTI_CELL_MISSING);
	assert_false(flags(res, "U1", "a") & DTI_CELL_MISSING);
	assert_true(flags(res, "U2", "c") & DTI_CELL_MISSING);
	assert_false(flags(res, "U1", "g1") & DTI_CELL_PARTIAL);
	assert_true(has_note(res, "zero", NULL));
}

static void check_exclude(const struct dti_result *res)
{
	/* left out, the weights of the others re-scaled, level by level */
	assert_int_equal(dti_result_missing(res), DTI_MISSING_EXCLUDE);
	assert_near(val(res, "U1", "g1"), 0.4, 1e-12);
	assert_near(val(res, "U1", "g2"), 0.7, 1e-12);
	assert_near(val(res, "U1", "idx"), (0.4 * 20 + 0.7 * 20) / 40, 1e-12);
	assert_nan(val(res, "U1", "b"));
	assert_true(flags(res, "U1", "b") & DTI_CELL_MISSING);
	assert_true(flags(res, "U1", "g1") & DTI_CELL_PARTIAL);
	/* all children missing: no value */
	assert_nan(val(res, "U2", "g2"));
	assert_true(flags(res, "U2", "g2") & DTI_CELL_MISSING);
	assert_int_equal(rank(res, "U2", "g2"), 0);
	assert_near(val(res, "U2", "idx"), 0.5, 1e-12);
	assert_near(val(res, "U3", "g1"), 0.5, 1e-12);
	assert_near(val(res, "U3", "idx"), 0.5, 1e-12);
	assert_near(val(res, "U4", "idx"), (0.3 + 0.5) / 2, 1e-12);
	size_t g2 = node_of(dti_result_framework(res), "g2");
	assert_int_equal(dti_result_ranked_count(res, g2), 3);
	/* unranked units come last in the order: U4 .5 = U3 .5, U1 .7 */
	const size_t *ord = dti_result_order(res, g2);
	assert_int_equal(ord[0], unit_of(res, "U1"));
	assert_int_equal(ord[3], unit_of(res, "U2"));
	assert_true(has_note(res, "exclude", NULL));
}

static void test_missing_zero(void **state)
{
	(void)state;
	struct dti_framework *fw = missing_framework("zero");
	struct dti_dataset *ds = ds_text(fw, missing_data);
	struct dti_result *res = run(fw, ds, 0, NULL);
	check_zero(res);
	/* U1 b, U2 c and d, U3 a, U4 a: 5 figures, named in a note */
	assert_true(has_note(res, "5 figures", NULL));
	dti_result_free(res);
	/* the option overrides the framework */
	struct dti_compute_opts o = DTI_COMPUTE_OPTS_INIT;
	o.missing = DTI_MISSING_EXCLUDE;
	res = run(fw, ds, 0, &o);
	check_exclude(res);
	dti_result_free(res);
	dti_dataset_free(ds);
	dti_framework_free(fw);
}

static void test_missing_exclude(void **state)
{
	(void)state;
	struct dti_framework *fw = missing_framework("exclude");
	assert_int_equal(dti_framework_missing(fw), DTI_MISSING_EXCLUDE);
	struct dti_dataset *ds = ds_text(fw, missing_data);
	struct dti_result *res = run(fw, ds, 0, NULL);
	check_exclude(res);
	dti_result_free(res);
	struct dti_compute_opts o = DTI_COMPUTE_OPTS_INIT;
	o.missing = DTI_MISSING_ZERO;
	res = run(fw, ds, 0, &o);
	check_zero(res);
	dti_result_free(res);
	dti_dataset_free(ds);
	dti_framework_free(fw);
}

static void test_missing_group_mean(void **state)
{
	(void)state;
	struct dti_framework *fw = missing_framework("group-mean");
	struct dti_dataset *ds = ds_text(fw, missing_data);
	struct dti_result *res = run(fw, ds, 0, NULL);
	assert_int_equal(dti_result_missing(res), DTI_MISSING_GROUP_MEAN);
	assert_string_equal(dti_result_group_by(res), "group");
	/*
	 * Group N (U1, U2): b of U1 <- 0.2 (U2's), c of U2 <- 0.6, d of
	 * U2 <- 0.8.  Group S (U3, U4) has no figure for a: it stays
	 * missing and is left out.
	 */
	size_t u1 = unit_of(res, "U1"), u2 = unit_of(res, "U2");
	assert_near(dti_result_figure(res, u1, node_of(fw, "b")), 0.2, 1e-12);
	assert_near(dti_result_figure(res, u2, node_of(fw, "c")), 0.6, 1e-12);
	assert_near(dti_result_figure(res, u2, node_of(fw, "d")), 0.8, 1e-12);
	assert_true(flags(res, "U1", "b") & DTI_CELL_IMPUTED);
	assert_false(flags(res, "U1", "b") & DTI_CELL_MISSING);
	assert_true(flags(res, "U2", "c") & DTI_CELL_IMPUTED);
	assert_false(flags(res, "U1", "a") & DTI_CELL_IMPUTED);
	assert_near(val(res, "U1", "g1"), (0.4 + 0.2) / 2, 1e-12);
	assert_near(val(res, "U1", "idx"), (0.3 + 0.7) / 2, 1e-12);
	assert_near(val(res, "U2", "g2"), (0.6 + 0.8) / 2, 1e-12);
	assert_near(val(res, "U2", "idx"), (0.5 + 0.7) / 2, 1e-12);
	assert_nan(val(res, "U3", "a"));
	assert_nan(
	    dti_result_figure(res, unit_of(res, "U3"), node_of(fw, "a")));
	assert_true(flags(res, "U3", "a") & DTI_CELL_MISSING);
	assert_false(flags(res, "U3", "a") & DTI_CELL_IMPUTED);
	assert_near(val(res, "U3", "g1"), 0.5, 1e-12);
	assert_near(val(res, "U4", "g1"), 0.3, 1e-12);
	assert_near(val(res, "U4", "idx"), (0.3 + 0.5) / 2, 1e-12);
	assert_true(has_note(res, "group-mean", NULL));
	assert_true(has_note(res, "3 figures imputed", NULL));
	dti_result_free(res);

	/* the option asks for it on a framework that says zero */
	dti_dataset_free(ds);
	dti_framework_free(fw);
	fw = missing_framework("zero");
	ds = ds_text(fw, missing_data);
	struct dti_compute_opts o = DTI_COMPUTE_OPTS_INIT;
	o.missing = DTI_MISSING_GROUP_MEAN;
	res = run(fw, ds, 0, &o);
	assert_near(val(res, "U2", "idx"), 0.6, 1e-12);
	assert_true(flags(res, "U2", "d") & DTI_CELL_IMPUTED);
	dti_result_free(res);
	dti_dataset_free(ds);
	dti_framework_free(fw);
}

/* ---- entered aggregates ------------------------------------------------- */

static void test_entered_aggregates(void **state)
{
	(void)state;
	struct dti_framework *fw =
	    fw_text("# scoring: points\n"
	            "code,parent,kind,name_en,points,rule\n"
	            "idx,,index,Index,20,\n"
	            "a,idx,indicator,A,10,value\n"
	            "b,idx,indicator,B,10,value\n");
	/*
	 * computed: U1 (0.5+0.7)/2 = 0.6 = entered; U2 0.55 -> 0.5500 against
	 * 0.5501 entered (mismatch); U3 0.3 -> 0.3000 against 0.30004 ->
	 * 0.3000 (same when rounded); U4 only the index.
	 */
	struct dti_dataset *ds = ds_text(fw, "unit,a,b,idx\n"
	                                     "U1,0.5,0.7,0.6\n"
	                                     "U2,0.5,0.6,0.5501\n"
	                                     "U3,0.3,0.3,0.30004\n"
	                                     "U4,,,0.9\n"
	                                     "U5,0.2,0.4,\n");
	struct dti_result *res = run(fw, ds, 0, NULL);
	assert_near(val(res, "U1", "idx"), 0.6, 1e-12);
	assert_near(val(res, "U2", "idx"), 0.5501, 1e-12);
	assert_near(val(res, "U3", "idx"), 0.30004, 1e-12);
	assert_near(val(res, "U4", "idx"), 0.9, 1e-12);
	assert_near(val(res, "U5", "idx"), 0.3, 1e-12);
	assert_true(flags(res, "U1", "idx") & DTI_CELL_ENTERED);
	assert_false(flags(res, "U1", "idx") & DTI_CELL_MISMATCH);
	assert_true(flags(res, "U2", "idx") & DTI_CELL_ENTERED);
	assert_true(flags(res, "U2", "idx") & DTI_CELL_MISMATCH);
	assert_false(flags(res, "U3", "idx") & DTI_CELL_MISMATCH);
	assert_true(flags(res, "U4", "idx") & DTI_CELL_ENTERED);
	assert_false(flags(res, "U4", "idx") & DTI_CELL_MISMATCH);
	assert_false(flags(res, "U5", "idx") & DTI_CELL_ENTERED);
	/* U4: entered 0.9 ranks first */
	assert_int_equal(rank(res, "U4", "idx"), 1);
	assert_true(has_note(res, "1 entered value differs", "U2"));
	assert_true(has_note(res, "used as entered", NULL));
	dti_result_free(res);

	struct dti_compute_opts o = DTI_COMPUTE_OPTS_INIT;
	o.recompute = 1;
	res = run(fw, ds, 0, &o);
	assert_near(val(res, "U1", "idx"), 0.6, 1e-12);
	assert_near(val(res, "U2", "idx"), 0.55, 1e-12);
	assert_near(val(res, "U3", "idx"), 0.3, 1e-12);
	/* nothing below U4's index: the entered value stays */
	assert_near(val(res, "U4", "idx"), 0.9, 1e-12);
	assert_true(flags(res, "U4", "idx") & DTI_CELL_ENTERED);
	assert_false(flags(res, "U2", "idx") & DTI_CELL_ENTERED);
	assert_true(flags(res, "U2", "idx") & DTI_CELL_MISMATCH);
	assert_near(
	    dti_result_entered(res, unit_of(res, "U2"), node_of(fw, "idx")),
	    0.5501, 1e-12);
	assert_near(
	    dti_result_entered(res, unit_of(res, "U3"), node_of(fw, "idx")),
	    0.30004, 1e-12);
	assert_nan(
	    dti_result_entered(res, unit_of(res, "U5"), node_of(fw, "idx")));
	assert_true(has_note(res, "replaced", NULL));
	dti_result_free(res);
	dti_dataset_free(ds);
	dti_framework_free(fw);
}

/* dti_result_entered: "the entered value of an aggregate that was
 * recomputed, NaN otherwise". */
static void test_entered_accessor_without_recompute(void **state)
{
	(void)state;
	struct dti_framework *fw =
	    fw_text("# scoring: points\n"
	            "code,parent,kind,name_en,points,rule\n"
	            "idx,,index,Index,20,\n"
	            "a,idx,indicator,A,10,value\n"
	            "b,idx,indicator,B,10,value\n");
	struct dti_dataset *ds = ds_text(fw, "unit,a,b,idx\n"
	                                     "U2,0.5,0.6,0.5501\n");
	struct dti_result *res = run(fw, ds, 0, NULL);
	/* not recomputed: the value is the entered one, the accessor NaN */
	assert_near(val(res, "U2", "idx"), 0.5501, 1e-12);
	assert_nan(
	    dti_result_entered(res, unit_of(res, "U2"), node_of(fw, "idx")));
	dti_result_free(res);
	dti_dataset_free(ds);
	dti_framework_free(fw);
}

/* ---- unknown points ----------------------------------------------------- */

static void test_unknown_points(void **state)
{
	(void)state;
	struct dti_framework *fw =
	    fw_text("# scoring: points\n"
	            "code,parent,kind,name_en,points,rule\n"
	            "idx,,index,Index,?,\n"
	            "known_one,idx,indicator,Known,10,value\n"
	            "secret_gov,idx,indicator,Secret one,?,value\n"
	            "secret_econ,idx,indicator,Secret two,?,value\n");
	struct dti_dataset *ds =
	    ds_text(fw, "unit,known_one,secret_gov,secret_econ,idx\n"
	                "U1,0.5,0.6,0.7,\n"
	                "U2,0.4,0.3,0.2,0.33\n");
	struct dti_result *res = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_compute(fw, ds, 0, NULL, &res, &err);
	assert_int_equal(st, DTI_EUNKNOWN);
	assert_null(res);
	assert_int_equal(err.code, DTI_EUNKNOWN);
	assert_non_null(strstr(err.message, "secret_gov"));
	assert_non_null(strstr(err.message, "secret_econ"));
	assert_null(strstr(err.message, "known_one"));
	assert_non_null(strstr(err.message, "1 unit"));
	dti_error_release(&err);

	struct dti_compute_opts o = DTI_COMPUTE_OPTS_INIT;
	o.allow_unknown = 1;
	res = run(fw, ds, 0, &o);
	assert_nan(val(res, "U1", "idx"));
	assert_true(flags(res, "U1", "idx") & DTI_CELL_UNKNOWN);
	assert_int_equal(rank(res, "U1", "idx"), 0);
	/* U2's index is entered: known and ranked */
	assert_near(val(res, "U2", "idx"), 0.33, 1e-12);
	assert_int_equal(rank(res, "U2", "idx"), 1);
	assert_false(flags(res, "U2", "idx") & DTI_CELL_UNKNOWN);
	/* leaves are known on their own */
	assert_near(val(res, "U1", "secret_gov"), 0.6, 1e-12);
	assert_int_equal(rank(res, "U1", "secret_gov"), 1);
	assert_true(has_note(res, "unknown", "secret_gov"));
	dti_result_free(res);
	dti_dataset_free(ds);
	dti_framework_free(fw);
}

static void test_unknown_entered_index_2024(void **state)
{
	(void)state;
	struct dti_framework *fw = fw_file("frameworks/pdti-2024.csv");
	struct dti_dataset *ds = ds_text(fw, "unit,name,pdti,awareness\n"
	                                     "X1,Tỉnh X1,0.61,0.7\n"
	                                     "X2,Tỉnh X2,0.72,\n"
	                                     "X3,Tỉnh X3,0.61,0.9\n");
	struct dti_result *res = run(fw, ds, 0, NULL);
	assert_near(val(res, "X1", "pdti"), 0.61, 1e-12);
	assert_int_equal(rank(res, "X2", "pdti"), 1);
	assert_int_equal(rank(res, "X1", "pdti"), 2);
	assert_int_equal(rank(res, "X3", "pdti"), 2);
	assert_true(flags(res, "X1", "pdti") & DTI_CELL_ENTERED);
	assert_false(flags(res, "X1", "pdti") & DTI_CELL_UNKNOWN);
	/* the points of the pillars are not published: unknown */
	assert_true(flags(res, "X1", "cqs") & DTI_CELL_UNKNOWN);
	assert_nan(val(res, "X1", "cqs"));
	assert_nan(pts(res, "X1", "pdti"));
	dti_result_free(res);
	dti_dataset_free(ds);

	/* without the entered index it cannot be computed */
	ds = ds_text(fw, "unit,awareness,gov_activity\n"
	                 "X1,0.7,0.5\n");
	struct dti_error err = DTI_ERROR_INIT;
	assert_int_equal(dti_compute(fw, ds, 0, NULL, &res, &err),
	                 DTI_EUNKNOWN);
	assert_non_null(strstr(err.message, "pdti-2024"));
	assert_non_null(strstr(err.message, "gov_activity"));
	dti_error_release(&err);
	dti_dataset_free(ds);
	dti_framework_free(fw);
}

/* ---- aggregation methods ------------------------------------------------ */

static const char methods_fw[] =
    "# scoring: weights\n"
    "# missing: exclude\n"
    "code,parent,kind,name_en,weight,rule,method,params\n"
    "idx,,index,Arithmetic,1,,arith,\n"
    "pg,,pillar,Geometric,1,,geom,%s\n"
    "ph,,pillar,Harmonic,1,,harm,\n"
    "pm,,pillar,Power mean,1,,mean:2,\n"
    "pc,,pillar,Coverage,1,,arith,coverage=0.6\n"
    "x,idx;pg;ph;pm;pc,indicator,X,1,raw,,\n"
    "y,idx;pg;ph;pm;pc,indicator,Y,2,raw,,\n"
    "z,idx;pg;ph;pm;pc,indicator,Z,1,raw,,\n";

static const char methods_data[] = "unit,name,x,y,z\n"
                                   "U1,Một,0.2,0.5,0.8\n"
                                   "U2,Hai,0,0.5,1\n"
                                   "U3,Ba,0.4,,\n"
                                   "U4,Bốn,0.4,0.7,\n";

/* Naive weighted means over the values present (NaN left out). */
static double naive_mean(const char *how, const double *x, const double *w,
                         size_t n, double p)
{
	double sw = 0, acc = 0;
	for (size_t i = 0; i < n; i++) {
		if (isnan(x[i]))
			continue;
		sw += w[i];
		if (strcmp(how, "arith") == 0)
			acc += w[i] * x[i];
		else if (strcmp(how, "geom") == 0)
			acc += w[i] * log(x[i]);
		else if (strcmp(how, "harm") == 0)
			acc += w[i] / x[i];
		else
			acc += w[i] * pow(x[i], p);
	}
	if (strcmp(how, "arith") == 0)
		return acc / sw;
	if (strcmp(how, "geom") == 0)
		return exp(acc / sw);
	if (strcmp(how, "harm") == 0)
		return sw / acc;
	return pow(acc / sw, 1 / p);
}

static struct dti_framework *methods_framework(const char *geom_params)
{
	char text[2048];
	snprintf(text, sizeof text, methods_fw, geom_params);
	return fw_text(text);
}

static void test_methods(void **state)
{
	(void)state;
	struct dti_framework *fw = methods_framework("");
	struct dti_dataset *ds = ds_text(fw, methods_data);
	struct dti_result *res = run(fw, ds, 0, NULL);
	const double w[3] = {1, 2, 1};
	const double u1[3] = {0.2, 0.5, 0.8};
	/* by hand: (0.2 + 1.0 + 0.8)/4 = 0.5; (0.2*0.25*0.8)^(1/4) =
	 * sqrt(0.2); 4/(5 + 4 + 1.25); sqrt((0.04 + 0.5 + 0.64)/4) */
	assert_near(val(res, "U1", "idx"), 0.5, 1e-12);
	assert_near(val(res, "U1", "pg"), sqrt(0.2), 1e-12);
	assert_near(val(res, "U1", "ph"), 4 / 10.25, 1e-12);
	assert_near(val(res, "U1", "pm"), sqrt(0.295), 1e-12);
	assert_near(val(res, "U1", "pg"), naive_mean("geom", u1, w, 3, 0),
	            1e-12);
	assert_near(val(res, "U1", "pm"), naive_mean("pow", u1, w, 3, 2),
	            1e-12);
	/* a zero child: geometric and harmonic means are 0 */
	assert_near(val(res, "U2", "idx"), (0 + 1 + 1) / 4.0, 1e-12);
	assert_near(val(res, "U2", "pg"), 0, 0);
	assert_near(val(res, "U2", "ph"), 0, 0);
	assert_near(val(res, "U2", "pm"), sqrt((0 + 0.5 + 1) / 4), 1e-12);
	/* coverage: U3 has 1/4 of the weight (< 0.6), U4 3/4 */
	assert_nan(val(res, "U3", "pc"));
	assert_near(val(res, "U3", "idx"), 0.4, 1e-12);
	assert_near(val(res, "U3", "pg"), 0.4, 1e-12);
	assert_near(val(res, "U3", "ph"), 0.4, 1e-12);
	assert_true(flags(res, "U3", "idx") & DTI_CELL_PARTIAL);
	assert_near(val(res, "U4", "pc"), (0.4 + 1.4) / 3, 1e-12);
	const double u4[3] = {0.4, 0.7, NAN};
	assert_near(val(res, "U4", "pg"), naive_mean("geom", u4, w, 3, 0),
	            1e-12);
	assert_near(val(res, "U4", "ph"), naive_mean("harm", u4, w, 3, 0),
	            1e-12);
	dti_result_free(res);
	dti_dataset_free(ds);
	dti_framework_free(fw);
}

static void test_geom_zero_error(void **state)
{
	(void)state;
	struct dti_framework *fw = methods_framework("zero=error");
	struct dti_dataset *ds = ds_text(fw, methods_data);
	struct dti_result *res = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	assert_int_equal(dti_compute(fw, ds, 0, NULL, &res, &err),
	                 DTI_EINVALID);
	assert_null(res);
	/* names the unit (U2, "Hai") and the node */
	assert_non_null(strstr(err.message, "Hai"));
	assert_non_null(strstr(err.message, "pg"));
	dti_error_release(&err);
	dti_dataset_free(ds);
	/* without a zero it computes */
	ds = ds_text(fw, "unit,x,y,z\nU1,0.2,0.5,0.8\n");
	res = run(fw, ds, 0, NULL);
	assert_near(val(res, "U1", "pg"), sqrt(0.2), 1e-12);
	dti_result_free(res);
	dti_dataset_free(ds);
	dti_framework_free(fw);
}

static void test_geom_zero_shift(void **state)
{
	(void)state;
	struct dti_framework *fw = methods_framework("zero=shift;shift=1");
	struct dti_dataset *ds = ds_text(fw, methods_data);
	struct dti_result *res = run(fw, ds, 0, NULL);
	/* U2: (1 * 1.5^2 * 2)^(1/4) - 1 = 4.5^(1/4) - 1 */
	assert_near(val(res, "U2", "pg"), pow(4.5, 0.25) - 1, 1e-12);
	/* U1: (1.2 * 1.5^2 * 1.8)^(1/4) - 1 */
	assert_near(val(res, "U1", "pg"), pow(1.2 * 2.25 * 1.8, 0.25) - 1,
	            1e-12);
	dti_result_free(res);
	dti_dataset_free(ds);
	dti_framework_free(fw);
}

/* ---- ranks -------------------------------------------------------------- */

static const char ranks_fw[] = "# scoring: weights\n"
                               "code,parent,kind,name_vi,weight,rule\n"
                               "idx,,index,Chỉ số,1,\n"
                               "v,idx,indicator,Giá trị,1,raw\n";

static const char ranks_data[] = "unit,name,group,v\n"
                                 "A,Bình Dương,N,0.80004\n"
                                 "B,Ân Thi,N,0.79996\n"
                                 "C,Ea Kar,S,0.7\n"
                                 "D,Đà Lạt,S,0.7\n"
                                 "E,Yên Bái,S,0.6\n";

static void test_competition_ranks(void **state)
{
	(void)state;
	struct dti_framework *fw = fw_text(ranks_fw);
	struct dti_dataset *ds = ds_text(fw, ranks_data);
	struct dti_result *res = run(fw, ds, 0, NULL);
	size_t k = node_of(fw, "idx");
	assert_int_equal(dti_result_precision(res), 4);
	/* 0.80004 and 0.79996 are both 0.8000: 1, 1, then 3 */
	assert_int_equal(dti_result_rounded(res, unit_of(res, "A"), k), 8000);
	assert_int_equal(dti_result_rounded(res, unit_of(res, "B"), k), 8000);
	assert_int_equal(rank(res, "A", "idx"), 1);
	assert_int_equal(rank(res, "B", "idx"), 1);
	assert_int_equal(rank(res, "C", "idx"), 3);
	assert_int_equal(rank(res, "D", "idx"), 3);
	assert_int_equal(rank(res, "E", "idx"), 5);
	assert_int_equal(dti_result_ranked_count(res, k), 5);
	/* groups N = {A, B}, S = {C, D, E} */
	size_t a = unit_of(res, "A"), b = unit_of(res, "B"),
	       c = unit_of(res, "C"), d = unit_of(res, "D"),
	       e = unit_of(res, "E");
	assert_string_equal(dti_result_unit_group(res, a), "N");
	assert_string_equal(dti_result_unit_group(res, e), "S");
	assert_int_equal(dti_result_group_rank(res, a, k), 1);
	assert_int_equal(dti_result_group_rank(res, b, k), 1);
	assert_int_equal(dti_result_group_rank(res, c, k), 1);
	assert_int_equal(dti_result_group_rank(res, d, k), 1);
	assert_int_equal(dti_result_group_rank(res, e, k), 3);
	assert_int_equal(dti_result_group_size(res, a, k), 2);
	assert_int_equal(dti_result_group_size(res, e, k), 3);
	/*
	 * Order: rank, then Vietnamese name order: "Ân Thi" before "Bình
	 * Dương" (â < b) and "Đà Lạt" before "Ea Kar" (đ < e), though their
	 * bytes sort the other way.
	 */
	const size_t *ord = dti_result_order(res, k);
	assert_non_null(ord);
	assert_int_equal(ord[0], b);
	assert_int_equal(ord[1], a);
	assert_int_equal(ord[2], d);
	assert_int_equal(ord[3], c);
	assert_int_equal(ord[4], e);
	dti_result_free(res);

	/* five decimals separate A and B */
	struct dti_compute_opts o = DTI_COMPUTE_OPTS_INIT;
	o.precision = 5;
	res = run(fw, ds, 0, &o);
	assert_int_equal(dti_result_precision(res), 5);
	assert_int_equal(dti_result_rounded(res, unit_of(res, "A"), k), 80004);
	assert_int_equal(rank(res, "A", "idx"), 1);
	assert_int_equal(rank(res, "B", "idx"), 2);
	assert_int_equal(rank(res, "C", "idx"), 3);
	assert_int_equal(dti_result_group_rank(res, unit_of(res, "B"), k), 2);
	ord = dti_result_order(res, k);
	assert_int_equal(ord[0], unit_of(res, "A"));
	assert_int_equal(ord[1], unit_of(res, "B"));
	dti_result_free(res);

	/* one decimal: 0.8, 0.8, 0.7, 0.7, 0.6 */
	o.precision = 1;
	res = run(fw, ds, 0, &o);
	assert_int_equal(rank(res, "D", "idx"), 3);
	assert_int_equal(rank(res, "E", "idx"), 5);
	dti_result_free(res);
	dti_dataset_free(ds);
	dti_framework_free(fw);
}

/* Ranks compare values rounded half away from zero, as published. */
static void test_rank_rounding_half(void **state)
{
	(void)state;
	struct dti_framework *fw = fw_text(ranks_fw);
	/* 0.80005 -> 0.8001 (above 0.8000); 0.80015 -> 0.8002 */
	struct dti_dataset *ds = ds_text(fw, "unit,v\n"
	                                     "A,0.80005\n"
	                                     "B,0.8001\n"
	                                     "C,0.80015\n"
	                                     "D,0.8\n");
	struct dti_result *res = run(fw, ds, 0, NULL);
	size_t k = node_of(fw, "idx");
	assert_int_equal(dti_result_rounded(res, unit_of(res, "A"), k), 8001);
	assert_int_equal(dti_result_rounded(res, unit_of(res, "C"), k), 8002);
	assert_int_equal(rank(res, "C", "idx"), 1);
	assert_int_equal(rank(res, "A", "idx"), 2);
	assert_int_equal(rank(res, "B", "idx"), 2);
	assert_int_equal(rank(res, "D", "idx"), 4);
	dti_result_free(res);
	dti_dataset_free(ds);
	dti_framework_free(fw);
}

/* Negative values (z-scores, raw differences) rank like any others. */
static void test_negative_values(void **state)
{
	(void)state;
	struct dti_framework *fw = fw_text(ranks_fw);
	/* rounded: -5000, 2500, -15000, -5001 (half away from zero), 0 */
	struct dti_dataset *ds = ds_text(fw, "unit,v\n"
	                                     "A,-0.5\n"
	                                     "B,0.25\n"
	                                     "C,-1.5\n"
	                                     "D,-0.50005\n"
	                                     "E,-0.00004\n");
	struct dti_result *res = run(fw, ds, 0, NULL);
	size_t k = node_of(fw, "idx");
	assert_int_equal(dti_result_rounded(res, unit_of(res, "D"), k), -5001);
	assert_int_equal(dti_result_rounded(res, unit_of(res, "E"), k), 0);
	assert_int_equal(rank(res, "B", "idx"), 1);
	assert_int_equal(rank(res, "E", "idx"), 2);
	assert_int_equal(rank(res, "A", "idx"), 3);
	assert_int_equal(rank(res, "D", "idx"), 4);
	assert_int_equal(rank(res, "C", "idx"), 5);
	dti_result_free(res);
	dti_dataset_free(ds);
	dti_framework_free(fw);
}

static void test_group_by_option(void **state)
{
	(void)state;
	struct dti_framework *fw = fw_text(ranks_fw);
	struct dti_dataset *ds = ds_text(fw, "unit,region,size_group,v\n"
	                                     "A,North,L,0.5\n"
	                                     "B,North,S,0.6\n"
	                                     "C,South,L,0.7\n");
	struct dti_compute_opts o = DTI_COMPUTE_OPTS_INIT;
	o.group_by = "size_group";
	struct dti_result *res = run(fw, ds, 0, &o);
	size_t k = node_of(fw, "idx");
	assert_string_equal(dti_result_group_by(res), "size_group");
	assert_int_equal(dti_result_group_rank(res, unit_of(res, "A"), k), 2);
	assert_int_equal(dti_result_group_size(res, unit_of(res, "A"), k), 2);
	assert_int_equal(dti_result_group_rank(res, unit_of(res, "B"), k), 1);
	assert_int_equal(dti_result_group_size(res, unit_of(res, "B"), k), 1);
	dti_result_free(res);
	o.group_by = "region";
	res = run(fw, ds, 0, &o);
	assert_int_equal(dti_result_group_rank(res, unit_of(res, "A"), k), 2);
	assert_int_equal(dti_result_group_rank(res, unit_of(res, "C"), k), 1);
	assert_int_equal(dti_result_group_size(res, unit_of(res, "C"), k), 1);
	dti_result_free(res);
	/* a dimension the data do not have */
	o.group_by = "province_group";
	struct dti_error err = DTI_ERROR_INIT;
	res = NULL;
	assert_int_equal(dti_compute(fw, ds, 0, &o, &res, &err), DTI_ENOTFOUND);
	assert_null(res);
	dti_error_release(&err);
	dti_dataset_free(ds);
	dti_framework_free(fw);
}

/* ---- two cycles --------------------------------------------------------- */

static void test_two_cycles(void **state)
{
	(void)state;
	struct dti_framework *fw = fw_text(ranks_fw);
	struct dti_dataset *ds = ds_text(fw, "year,unit,name,v\n"
	                                     "2021,A,Alpha,0.12344\n"
	                                     "2021,B,Beta,0.5\n"
	                                     "2021,C,Gamma,0.3\n"
	                                     "2022,A,Alpha,0.12346\n"
	                                     "2022,B,Beta,0.2\n"
	                                     "2022,C,Gamma,0.95\n"
	                                     "2022,D,Delta,0.9\n");
	long c21 = dti_dataset_find_cycle(ds, "2021");
	long c22 = dti_dataset_find_cycle(ds, "2022");
	assert_true(c21 >= 0 && c22 >= 0);
	struct dti_result *prev = run(fw, ds, (size_t)c21, NULL);
	struct dti_result *cur = run(fw, ds, (size_t)c22, NULL);
	assert_string_equal(dti_result_cycle(prev), "2021");
	assert_int_equal(dti_result_unit_count(prev), 3);
	assert_int_equal(dti_result_unit_count(cur), 4);
	size_t k = node_of(fw, "idx");
	/* before linking: no change */
	assert_nan(dti_result_change(cur, unit_of(cur, "A"), k));
	int ok = 1;
	dti_result_rank_change(cur, unit_of(cur, "A"), k, &ok);
	assert_false(ok);
	assert_int_equal(dti_result_set_previous(cur, prev, NULL), DTI_OK);
	assert_ptr_equal(dti_result_previous(cur), prev);
	/*
	 * 2021: B 1, C 2, A 3.  2022: C 1, D 2, B 3, A 4.
	 * A: 0.1235 - 0.1234 = +0.0001 on the published values (not
	 * 0.00002), 3rd -> 4th; B: 0.2 - 0.5, 1st -> 3rd; C: +0.65,
	 * 2nd -> 1st (up 1); D: new.
	 */
	assert_near(dti_result_change(cur, unit_of(cur, "A"), k), 0.0001,
	            1e-12);
	assert_int_equal(dti_result_rank_change(cur, unit_of(cur, "A"), k, &ok),
	                 -1);
	assert_true(ok);
	assert_near(dti_result_change(cur, unit_of(cur, "B"), k), -0.3, 1e-12);
	assert_int_equal(dti_result_rank_change(cur, unit_of(cur, "B"), k, &ok),
	                 -2);
	assert_true(ok);
	assert_near(dti_result_change(cur, unit_of(cur, "C"), k), 0.65, 1e-12);
	assert_int_equal(dti_result_rank_change(cur, unit_of(cur, "C"), k, &ok),
	                 1);
	assert_true(ok);
	assert_nan(dti_result_change(cur, unit_of(cur, "D"), k));
	assert_int_equal(dti_result_rank_change(cur, unit_of(cur, "D"), k, &ok),
	                 0);
	assert_false(ok);
	/* leaves too */
	assert_near(dti_result_change(cur, unit_of(cur, "C"), node_of(fw, "v")),
	            0.65, 1e-12);
	assert_true(has_note(cur, "1 of 4 units", "2021"));
	dti_result_free(cur);
	dti_result_free(prev);
	dti_dataset_free(ds);
	dti_framework_free(fw);
}

/* ---- notes and hash ------------------------------------------------------ */

static int is_hex64(const char *s)
{
	if (!s || strlen(s) != 64)
		return 0;
	for (const char *p = s; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return 0;
	return 1;
}

static void test_hash_and_notes(void **state)
{
	(void)state;
	struct dti_framework *fw = missing_framework("zero");
	struct dti_dataset *wide = ds_text(fw, "unit,a,b,c,d\n"
	                                       "U1,0.4,0.5,0.6,0.8\n"
	                                       "U2,0.8,0.2,,0.1\n");
	struct dti_dataset *lng = ds_text(fw, "unit,indicator,value\n"
	                                      "U2,d,0.1\n"
	                                      "U1,c,0.6\n"
	                                      "U1,a,0.4\n"
	                                      "U2,b,0.2\n"
	                                      "U1,d,0.8\n"
	                                      "U2,a,0.8\n"
	                                      "U1,b,0.5\n");
	struct dti_dataset *other = ds_text(fw, "unit,a,b,c,d\n"
	                                        "U1,0.4,0.5,0.6,0.8\n"
	                                        "U2,0.8,0.2,,0.2\n");
	struct dti_result *r1 = run(fw, wide, 0, NULL);
	struct dti_result *r2 = run(fw, lng, 0, NULL);
	struct dti_result *r3 = run(fw, other, 0, NULL);
	const char *h1 = dti_result_data_hash(r1);
	assert_true(is_hex64(h1));
	char direct[65];
	assert_int_equal(dti_dataset_hash(wide, 0, direct), DTI_OK);
	assert_string_equal(h1, direct);
	/* the layout and the order of rows do not matter; the figures do */
	assert_string_equal(h1, dti_result_data_hash(r2));
	assert_string_not_equal(h1, dti_result_data_hash(r3));
	/* the notes state the policy and the missing figure */
	assert_true(has_note(r1, "missing figures: zero", NULL));
	assert_true(has_note(r1, "1 figure is missing", "c 1"));
	assert_near(val(r1, "U2", "idx"), (8 + 2 + 0 + 1) / 40.0, 1e-12);
	assert_near(val(r2, "U2", "idx"), (8 + 2 + 0 + 1) / 40.0, 1e-12);
	dti_result_free(r1);
	dti_result_free(r2);
	dti_result_free(r3);
	dti_dataset_free(wide);
	dti_dataset_free(lng);
	dti_dataset_free(other);
	dti_framework_free(fw);
}

static void test_synthetic_note(void **state)
{
	(void)state;
	struct dti_framework *fw = fw_text(ranks_fw);
	struct dti_dataset *ds = ds_text(fw, "# synthetic: yes\n"
	                                     "unit,v\nA,0.5\n");
	assert_true(dti_dataset_synthetic(ds));
	struct dti_result *res = run(fw, ds, 0, NULL);
	assert_true(has_note(res, "SYNTHETIC", NULL));
	dti_result_free(res);
	dti_dataset_free(ds);
	dti_framework_free(fw);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_absolute_rules),
	    cmocka_unit_test(test_steps_weights),
	    cmocka_unit_test(test_shared_children_2022),
	    cmocka_unit_test(test_zero_point_child),
	    cmocka_unit_test(test_statistics),
	    cmocka_unit_test(test_missing_zero),
	    cmocka_unit_test(test_missing_exclude),
	    cmocka_unit_test(test_missing_group_mean),
	    cmocka_unit_test(test_entered_aggregates),
	    cmocka_unit_test(test_entered_accessor_without_recompute),
	    cmocka_unit_test(test_unknown_points),
	    cmocka_unit_test(test_unknown_entered_index_2024),
	    cmocka_unit_test(test_methods),
	    cmocka_unit_test(test_geom_zero_error),
	    cmocka_unit_test(test_geom_zero_shift),
	    cmocka_unit_test(test_competition_ranks),
	    cmocka_unit_test(test_rank_rounding_half),
	    cmocka_unit_test(test_negative_values),
	    cmocka_unit_test(test_group_by_option),
	    cmocka_unit_test(test_two_cycles),
	    cmocka_unit_test(test_hash_and_notes),
	    cmocka_unit_test(test_synthetic_note),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
