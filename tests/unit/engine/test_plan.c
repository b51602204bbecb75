/*
 * tests/unit/engine/test_plan.c - the planner (lib/engine/plan.c).
 *
 * A points framework of four leaves under the index (value 40, value 30,
 * a share 20, yes/no 10 points) and five units.  The plans are checked:
 *   - against a computation of their own figures, independent of the
 *     planner (a dataset rewritten with the figures the plan gives);
 *   - against an exhaustive search of the least effort (the three
 *     continuous indicators on a grid of 0.001 of their value, the yes/no
 *     one as no or yes): the planner's effort is never more than the
 *     search's best plus the grid's step;
 *   - for the order costs and caps give, a target already reached, a
 *     target out of reach (what all indicators at their maximum give,
 *     computed independently), a target by value, a pillar as the target,
 *     and the refusals.
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

static const char fw_text[] =
    "# scoring: points\n"
    "# precision: 4\n"
    "# missing: zero\n"
    "code,parent,kind,name_vi,name_en,points,rule,params\n"
    "idx,,index,Chỉ số,Index,100,,\n"
    "p1,idx,pillar,Trụ cột một,Pillar one,70,,\n"
    "p2,idx,pillar,Trụ cột hai,Pillar two,30,,\n"
    "a,p1,indicator,Dịch vụ công,Services,40,value,\n"
    "b,p1,indicator,Hạ tầng,Infrastructure,30,value,\n"
    "c,p2,indicator,Tỷ lệ trực tuyến,Online share,20,ratio,"
    "floor=0;target=1\n"
    "y,p2,indicator,Có quy chế,Rules issued,10,yesno,\n";

static const char data_text[] = "year,unit,name,a,b,c,y\n"
                                "2025,U1,Một,0.9,0.8,0.9,1\n"
                                "2025,U2,Hai,0.8,0.7,0.8,1\n"
                                "2025,U3,Ba,0.6,0.6,0.7,1\n"
                                "2025,U4,Bốn,0.5,0.5,0.5,0\n"
                                "2025,U5,Năm,0.3,0.2,0.25,0\n";

struct ctx {
	struct dti_framework *fw;
	struct dti_dataset *ds;
};

static void load(struct ctx *c)
{
	c->fw = test_fw_text(fw_text, "fw.csv");
	c->ds = ds_text(c->fw, data_text);
}

static void unload(struct ctx *c)
{
	dti_dataset_free(c->ds);
	dti_framework_free(c->fw);
}

static struct dti_plan plan_for(struct ctx *c, const char *unit,
                                const struct dti_plan_opts *o)
{
	struct dti_plan p;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_plan(c->fw, c->ds, 0, NULL, unit, o, &p, &err);
	if (st)
		show_error("plan", &err);
	dti_error_release(&err);
	assert_int_equal(st, DTI_OK);
	return p;
}

/* U5's row with the plan's figures, computed from scratch. */
static void independent(struct ctx *c, const struct dti_plan *p,
                        const char *node, double *value, int *rank)
{
	double f[4] = {0.3, 0.2, 0.25, 0};
	static const char *const codes[] = {"a", "b", "c", "y"};
	for (size_t i = 0; i < p->nsteps; i++)
		for (int k = 0; k < 4; k++)
			if (p->steps[i].node == node_of(c->fw, codes[k]))
				f[k] = p->steps[i].figure_to;
	char text[600];
	size_t n = strlen(data_text);
	/* the data without U5's line, then U5 with the plan's figures */
	const char *u5 = strstr(data_text, "2025,U5");
	n = (size_t)(u5 - data_text);
	snprintf(text, sizeof text, "%.*s2025,U5,Năm,%.17g,%.17g,%.17g,%.0f\n",
	         (int)n, data_text, f[0], f[1], f[2], f[3]);
	struct dti_dataset *ds = ds_text(c->fw, text);
	struct dti_result *res = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	assert_int_equal(dti_compute(c->fw, ds, 0, NULL, &res, &err), DTI_OK);
	size_t u = unit_of(res, "U5");
	*value = dti_result_value(res, u, node_of(c->fw, node));
	*rank = dti_result_rank(res, u, node_of(c->fw, node));
	dti_result_free(res);
	dti_dataset_free(ds);
	dti_error_release(&err);
}

/*
 * The least effort (sum of value gained, times costs) that brings U5's
 * index from 0.23 to at least `target`: the index is 0.4a + 0.3b + 0.2c
 * + 0.1y in the leaves' values.
 */
static double search(double target, const double cost[4])
{
	double base = 0.4 * 0.3 + 0.3 * 0.2 + 0.2 * 0.25;
	double best = INFINITY;
	for (int y = 0; y <= 1; y++)
		for (int ia = 0; ia <= 700; ia++)
			for (int ib = 0; ib <= 800; ib++) {
				double da = ia / 1000.0, db = ib / 1000.0;
				double have =
				    base + 0.1 * y + 0.4 * da + 0.3 * db;
				double dc = (target - have) / 0.2;
				if (dc < 0)
					dc = 0;
				if (dc > 0.75 + 1e-12)
					continue;
				double e = cost[0] * da + cost[1] * db +
				           cost[2] * dc + cost[3] * y;
				if (e < best)
					best = e;
			}
	return best;
}

static void test_reaches_rank(void **state)
{
	(void)state;
	struct ctx c;
	load(&c);
	struct dti_plan_opts o;
	dti_plan_opts_init(&o);
	o.target_rank = 3;
	struct dti_plan p = plan_for(&c, "U5", &o);
	assert_int_equal(p.rank_from, 5);
	assert_int_equal(p.reached, 1);
	assert_true(p.rank_to <= 3);
	/* the most efficient first: a (0.4 of the index per unit) */
	assert_true(p.nsteps >= 1);
	assert_int_equal(p.steps[0].node, node_of(c.fw, "a"));
	assert_true(fabs(p.steps[0].figure_to - 1) < 1e-12);
	/* what the plan says is what its figures give */
	double v;
	int r;
	independent(&c, &p, "idx", &v, &r);
	assert_near(v, p.value_to, 1e-12);
	assert_int_equal(r, p.rank_to);
	/* U3's index is 0.66 (0.4*0.6 + 0.3*0.6 + 0.2*0.7 + 0.1): the least
	   effort to share rank 3 (0.65995 rounds to it) */
	static const double ones[4] = {1, 1, 1, 1};
	double best = search(0.65995, ones);
	assert_true(isfinite(best));
	assert_true(p.effort <= best + 0.002);
	dti_plan_release(&p);
	unload(&c);
}

static void test_costs_and_caps(void **state)
{
	(void)state;
	struct ctx c;
	load(&c);
	size_t n = dti_framework_node_count(c.fw);
	double *cost = calloc(n, sizeof *cost), *cap = calloc(n, sizeof *cap);
	assert_non_null(cost);
	assert_non_null(cap);
	for (size_t k = 0; k < n; k++)
		cost[k] = cap[k] = NAN;
	/* a costs ten times as much: b first, then c, then y, a last */
	cost[node_of(c.fw, "a")] = 10;
	/* and b cannot go beyond 0.5 */
	cap[node_of(c.fw, "b")] = 0.5;
	struct dti_plan_opts o;
	dti_plan_opts_init(&o);
	o.target_rank = 3;
	o.cost = cost;
	o.cap = cap;
	struct dti_plan p = plan_for(&c, "U5", &o);
	assert_int_equal(p.reached, 1);
	assert_int_equal(p.steps[0].node, node_of(c.fw, "b"));
	assert_true(fabs(p.steps[0].figure_to - 0.5) < 1e-12);
	assert_int_equal(p.steps[1].node, node_of(c.fw, "c"));
	double v;
	int r;
	independent(&c, &p, "idx", &v, &r);
	assert_near(v, p.value_to, 1e-12);
	assert_true(r <= 3);
	/* the search under the same costs and cap (b at most +0.3) */
	double w[4] = {10, 1, 1, 1};
	double best = INFINITY, base = 0.4 * 0.3 + 0.3 * 0.2 + 0.2 * 0.25;
	for (int y = 0; y <= 1; y++)
		for (int ia = 0; ia <= 700; ia++)
			for (int ib = 0; ib <= 300; ib++) {
				double da = ia / 1000.0, db = ib / 1000.0;
				double have =
				    base + 0.1 * y + 0.4 * da + 0.3 * db;
				double dc = (0.65995 - have) / 0.2;
				if (dc < 0)
					dc = 0;
				if (dc > 0.75 + 1e-12)
					continue;
				double e = w[0] * da + db + dc + y;
				if (e < best)
					best = e;
			}
	assert_true(isfinite(best));
	assert_true(p.effort <= best + 0.01);
	dti_plan_release(&p);
	free(cost);
	free(cap);
	unload(&c);
}

static void test_already_and_out_of_reach(void **state)
{
	(void)state;
	struct ctx c;
	load(&c);
	struct dti_plan_opts o;
	dti_plan_opts_init(&o);
	o.target_rank = 2;
	struct dti_plan p = plan_for(&c, "U2", &o);
	assert_int_equal(p.reached, 2);
	assert_int_equal(p.nsteps, 0);
	dti_plan_release(&p);
	/* a value of 0.999: U5 can reach 1 with everything at its maximum */
	o.target_rank = 0;
	o.target_value = 0.999;
	p = plan_for(&c, "U5", &o);
	assert_int_equal(p.reached, 1);
	assert_true(p.value_to >= 0.999);
	dti_plan_release(&p);
	/* capped, it cannot: the best is then computed */
	size_t n = dti_framework_node_count(c.fw);
	double *cap = calloc(n, sizeof *cap);
	assert_non_null(cap);
	for (size_t k = 0; k < n; k++)
		cap[k] = NAN;
	cap[node_of(c.fw, "a")] = 0.5;
	o.cap = cap;
	p = plan_for(&c, "U5", &o);
	assert_int_equal(p.reached, 0);
	assert_int_equal(p.nsteps, 0);
	assert_near(p.best_value, 0.4 * 0.5 + 0.3 + 0.2 + 0.1, 1e-12);
	assert_non_null(strstr(p.why, "unreachable"));
	struct dti_buf b = DTI_BUF_INIT;
	struct dti_error err = DTI_ERROR_INIT;
	assert_int_equal(
	    dti_plan_write(&p, DTI_FORMAT_TABLE, DTI_LANG_VI, &b, &err),
	    DTI_OK);
	assert_non_null(strstr(b.data, "Không thể đạt"));
	assert_non_null(strstr(b.data, "0,8000"));
	dti_buf_release(&b);
	dti_plan_release(&p);
	free(cap);
	unload(&c);
}

static void test_pillar_and_text(void **state)
{
	(void)state;
	struct ctx c;
	load(&c);
	struct dti_plan_opts o;
	dti_plan_opts_init(&o);
	o.node = (long)node_of(c.fw, "p2");
	o.target_rank = 1;
	struct dti_plan p = plan_for(&c, "U4", &o);
	assert_int_equal(p.reached, 1);
	/* only p2's indicators move p2 */
	for (size_t i = 0; i < p.nsteps; i++)
		assert_true(p.steps[i].node == node_of(c.fw, "c") ||
		            p.steps[i].node == node_of(c.fw, "y"));
	double v;
	int r;
	independent(&c, &p, "p2", &v, &r);
	(void)v;
	dti_plan_release(&p);
	/* the text says each step with its figures, in Vietnamese */
	o.node = -1;
	o.target_rank = 3;
	p = plan_for(&c, "U5", &o);
	struct dti_buf b = DTI_BUF_INIT;
	struct dti_error err = DTI_ERROR_INIT;
	assert_int_equal(
	    dti_plan_write(&p, DTI_FORMAT_TABLE, DTI_LANG_VI, &b, &err),
	    DTI_OK);
	assert_non_null(strstr(b.data, "Cần nâng:"));
	assert_non_null(strstr(b.data, "Dịch vụ công (a): từ 0,3 lên 1"));
	assert_non_null(strstr(b.data, "hạng 5/5"));
	dti_buf_release(&b);
	assert_int_equal(
	    dti_plan_write(&p, DTI_FORMAT_JSON, DTI_LANG_EN, &b, &err), DTI_OK);
	assert_non_null(strstr(b.data, "\"reached\":\"yes\""));
	assert_non_null(strstr(b.data, "\"indicator\":\"a\""));
	dti_buf_release(&b);
	dti_plan_release(&p);
	unload(&c);
}

static void test_refusals(void **state)
{
	(void)state;
	struct ctx c;
	load(&c);
	struct dti_plan p;
	struct dti_error err = DTI_ERROR_INIT;
	struct dti_plan_opts o;
	dti_plan_opts_init(&o);
	/* no target */
	assert_int_equal(dti_plan(c.fw, c.ds, 0, NULL, "U5", &o, &p, &err),
	                 DTI_EARG);
	dti_error_release(&err);
	/* a rank beyond the units ranked */
	o.target_rank = 6;
	assert_int_equal(dti_plan(c.fw, c.ds, 0, NULL, "U5", &o, &p, &err),
	                 DTI_EARG);
	assert_non_null(strstr(err.message, "only 5 units"));
	dti_error_release(&err);
	/* a value beyond the scale */
	o.target_rank = 0;
	o.target_value = 1.5;
	assert_int_equal(dti_plan(c.fw, c.ds, 0, NULL, "U5", &o, &p, &err),
	                 DTI_EARG);
	dti_error_release(&err);
	/* an unknown unit */
	o.target_rank = 1;
	assert_int_equal(dti_plan(c.fw, c.ds, 0, NULL, "U9", &o, &p, &err),
	                 DTI_ENOTFOUND);
	dti_error_release(&err);
	/* a unit named as people write it */
	p = plan_for(&c, "nam", &o);
	assert_string_equal(p.unit_id, "U5");
	dti_plan_release(&p);
	unload(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_reaches_rank),
	    cmocka_unit_test(test_costs_and_caps),
	    cmocka_unit_test(test_already_and_out_of_reach),
	    cmocka_unit_test(test_pillar_and_text),
	    cmocka_unit_test(test_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
