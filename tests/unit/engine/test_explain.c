/*
 * tests/unit/engine/test_explain.c - explanations of lib/engine/explain.c:
 * points lost per indicator, contributions through effective weights (a child
 * shared by two groups counts on both paths), the leader, the median, the
 * group's median and best, the gain needed to pass the unit ranked just above
 * (on published, rounded values), strengths and weaknesses by rank, changes
 * since the previous cycle, and the text (Vietnamese and English) and JSON
 * renderings, synthetic data included.
 *
 * The framework and the two cycles of five units are written inline; every
 * expected number is worked out by hand in the comments.
 */

/* cmocka.h needs these headers first, in this order */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dti/dti.h"
#include "testcheck.h"
#include "testjson.h"
#include "testutil.h"

/* ---- helpers ----------------------------------------------------------- */

/* ---- the data ------------------------------------------------------------ */

/*
 * idx (100) = g1 (30) + g2 (70); the indicator s belongs to both groups
 * with 10 points in each: idx = (20 s + 20 a + 60 b) / 100, so s has an
 * effective weight of 0.2 (0.3 x 10/30 + 0.7 x 10/70), a 0.2 and b 0.6.
 */
static const char ex_fw[] = "# scoring: points\n"
                            "# precision: 4\n"
                            "# missing: zero\n"
                            "code,parent,kind,name_vi,name_en,points,rule\n"
                            "idx,,index,Chỉ số,Index,100,\n"
                            "g1,idx,group,Nhóm một,Group one,30,\n"
                            "g2,idx,group,Nhóm hai,Group two,70,\n"
                            "s,g1;g2,indicator,Dùng chung,Shared,10,value\n"
                            "a,g1,indicator,Nhận thức,Awareness,20,value\n"
                            "b,g2,indicator,Hạ tầng,Infrastructure,60,value\n";

/*
 * 2022 idx: U1 0.50, U2 0.26, U3 0.60, U4 0.80, U5 0.40
 *           ranks U4 1, U3 2, U1 3, U5 4, U2 5
 * 2023 idx: U1 (10+20+48)/100 = 0.78, U2 (20+10+36) = 0.66,
 *           U3 (4+6+54) = 0.64, U4 (18+18+54) = 0.90, U5 (0+4+6) = 0.10
 *           ranks U4 1, U1 2, U2 3, U3 4, U5 5
 */
static const char ex_data[] = "year,unit,name,group,s,a,b\n"
                              "2022,U1,An Giang,N,0.5,0.5,0.5\n"
                              "2022,U2,Bình Định,N,0.2,0.2,0.3\n"
                              "2022,U3,Cà Mau,S,0.6,0.6,0.6\n"
                              "2022,U4,Đồng Nai,S,0.8,0.8,0.8\n"
                              "2022,U5,Hà Nam,S,0.4,0.4,0.4\n"
                              "2023,U1,An Giang,N,0.5,1.0,0.8\n"
                              "2023,U2,Bình Định,N,1.0,0.5,0.6\n"
                              "2023,U3,Cà Mau,S,0.2,0.3,0.9\n"
                              "2023,U4,Đồng Nai,S,0.9,0.9,0.9\n"
                              "2023,U5,Hà Nam,S,0.0,0.2,0.1\n";

struct ctx {
	struct dti_framework *fw;
	struct dti_dataset *ds;
	struct dti_result *prev, *cur;
};

static void load(struct ctx *c, const char *data, int link)
{
	struct dti_error err = DTI_ERROR_INIT;
	memset(c, 0, sizeof *c);
	enum dti_status st =
	    dti_framework_parse(ex_fw, strlen(ex_fw), "ex.csv", &c->fw, &err);
	if (st)
		show_error("framework", &err);
	assert_int_equal(st, DTI_OK);
	st = dti_dataset_parse(c->fw, NULL, data, strlen(data), "data.csv",
	                       NULL, &c->ds, &err);
	if (st)
		show_error("data", &err);
	assert_int_equal(st, DTI_OK);
	long last = (long)dti_dataset_cycle_count(c->ds) - 1;
	st = dti_compute(c->fw, c->ds, (size_t)last, NULL, &c->cur, &err);
	assert_int_equal(st, DTI_OK);
	if (link && last > 0) {
		st = dti_compute(c->fw, c->ds, (size_t)last - 1, NULL, &c->prev,
		                 &err);
		assert_int_equal(st, DTI_OK);
		assert_int_equal(dti_result_set_previous(c->cur, c->prev, &err),
		                 DTI_OK);
	}
	dti_error_release(&err);
}

static void unload(struct ctx *c)
{
	dti_result_free(c->cur);
	dti_result_free(c->prev);
	dti_dataset_free(c->ds);
	dti_framework_free(c->fw);
}

static struct dti_explanation explain(const struct dti_result *res,
                                      const char *id, long node)
{
	struct dti_explanation ex;
	struct dti_explain_opts o = DTI_EXPLAIN_OPTS_INIT;
	o.node = node;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_explain(res, unit_of(res, id), &o, &ex, &err);
	if (st)
		show_error("explain", &err);
	dti_error_release(&err);
	assert_int_equal(st, DTI_OK);
	return ex;
}

static const struct dti_explain_item *item(const struct dti_explanation *ex,
                                           const char *code)
{
	size_t k = node_of(dti_result_framework(ex->res), code);
	for (size_t j = 0; j < ex->nitems; j++)
		if (ex->items[j].node == k)
			return &ex->items[j];
	fail_msg("no item for '%s'", code);
	return NULL;
}

static const char *item_code(const struct dti_explanation *ex, size_t j)
{
	struct dti_node_info ni;
	dti_framework_node(dti_result_framework(ex->res), ex->items[j].node,
	                   &ni);
	return ni.code;
}

/* Renders an explanation; the caller frees the text. */
static char *render(const struct dti_explanation *ex, enum dti_format f,
                    enum dti_lang lang)
{
	struct dti_buf b = DTI_BUF_INIT;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_explanation_write(ex, f, lang, &b, &err);
	if (st)
		show_error("write", &err);
	dti_error_release(&err);
	assert_int_equal(st, DTI_OK);
	assert_non_null(b.data);
	assert_int_equal(strlen(b.data), b.len);
	return b.data;
}

/* ---- the numbers ------------------------------------------------------------
 */

static void test_position(void **state)
{
	(void)state;
	struct ctx c;
	load(&c, ex_data, 1);
	struct dti_explanation ex = explain(c.cur, "U2", -1);
	assert_int_equal(ex.node, node_of(c.fw, "idx"));
	assert_near(ex.value, 0.66, 1e-12);
	assert_int_equal(ex.rank, 3);
	assert_int_equal(ex.ranked, 5);
	assert_string_equal(ex.group, "N");
	assert_int_equal(ex.group_rank, 2);
	assert_int_equal(ex.group_size, 2);
	/* leader U4 at 0.90 */
	assert_int_equal(ex.leader, unit_of(c.cur, "U4"));
	assert_near(ex.leader_value, 0.90, 1e-12);
	/* 0.10 0.64 0.66 0.78 0.90 */
	assert_near(ex.median, 0.66, 1e-12);
	/* group N: 0.78 and 0.66 */
	assert_near(ex.group_median, 0.72, 1e-12);
	assert_near(ex.group_best, 0.78, 1e-12);
	assert_int_equal(ex.group_best_unit, unit_of(c.cur, "U1"));
	/* to pass U1 (0.7800) from 0.6600: (7800 - 6600 + 1) / 10^4 */
	assert_int_equal(ex.above_unit, unit_of(c.cur, "U1"));
	assert_near(ex.above_gap, 0.1201, 1e-12);
	/* 0.26 -> 0.66, 5th -> 3rd */
	assert_near(ex.change, 0.40, 1e-12);
	assert_true(ex.has_rank_change);
	assert_int_equal(ex.rank_change, 2);
	dti_explanation_release(&ex);

	/* the leader: nothing above */
	ex = explain(c.cur, "U4", -1);
	assert_int_equal(ex.rank, 1);
	assert_nan(ex.above_gap);
	assert_int_equal(ex.leader, unit_of(c.cur, "U4"));
	assert_int_equal(ex.group_best_unit, unit_of(c.cur, "U4"));
	assert_int_equal(ex.rank_change, 0);
	assert_true(ex.has_rank_change);
	dti_explanation_release(&ex);

	/* U3: 2nd -> 4th; to pass U2: (6600 - 6400 + 1) / 10^4 */
	ex = explain(c.cur, "U3", -1);
	assert_int_equal(ex.rank_change, -2);
	assert_int_equal(ex.above_unit, unit_of(c.cur, "U2"));
	assert_near(ex.above_gap, 0.0201, 1e-12);
	/* group S: 0.64, 0.90, 0.10 */
	assert_near(ex.group_median, 0.64, 1e-12);
	assert_near(ex.group_best, 0.90, 1e-12);
	dti_explanation_release(&ex);
	unload(&c);
}

/* Above gap when two units share the rank above, at the precision. */
static void test_gap_over_ties(void **state)
{
	(void)state;
	struct ctx c;
	load(&c,
	     "unit,s,a,b\n"
	     "T1,0.5,0.5,0.50004\n" /* 10+10+30.0024 = 0.500024 -> 0.5000 */
	     "T2,0.5,0.5,0.49996\n" /* 0.499976 -> 0.5000 */
	     "T3,0.25,0.25,0.25\n", /* 0.25 */
	     0);
	struct dti_explanation ex = explain(c.cur, "T3", -1);
	assert_int_equal(ex.rank, 3);
	assert_near(ex.above_gap, (5000 - 2500 + 1) / 1e4, 1e-12);
	assert_nan(ex.change);
	assert_false(ex.has_rank_change);
	dti_explanation_release(&ex);
	ex = explain(c.cur, "T2", -1);
	assert_int_equal(ex.rank, 1);
	assert_nan(ex.above_gap);
	dti_explanation_release(&ex);
	unload(&c);
}

static void test_items(void **state)
{
	(void)state;
	struct ctx c;
	load(&c, ex_data, 1);
	struct dti_explanation ex = explain(c.cur, "U2", -1);
	/* the three indicators, by points lost: b 24, a 10, s 0 */
	assert_int_equal(ex.nitems, 3);
	assert_string_equal(item_code(&ex, 0), "b");
	assert_string_equal(item_code(&ex, 1), "a");
	assert_string_equal(item_code(&ex, 2), "s");
	const struct dti_explain_item *s = item(&ex, "s");
	const struct dti_explain_item *a = item(&ex, "a");
	const struct dti_explain_item *b = item(&ex, "b");
	/* b: 60 x (1 - 0.6); a: 20 x (1 - 0.5); s: 2 x 10 x (1 - 1) */
	assert_near(b->lost, 24, 1e-9);
	assert_near(a->lost, 10, 1e-9);
	assert_near(s->lost, 0, 1e-9);
	assert_near(b->value, 0.6, 1e-12);
	assert_near(b->points, 36, 1e-9);
	assert_near(b->max_points, 60, 0);
	assert_near(a->points, 10, 1e-9);
	assert_near(a->max_points, 20, 0);
	assert_near(s->max_points, 10, 0);
	/* effective weights 0.2, 0.2, 0.6: effects 0.2, 0.1, 0.36 of 0.66 */
	assert_near(s->effect, 0.2, 1e-12);
	assert_near(a->effect, 0.1, 1e-12);
	assert_near(b->effect, 0.36, 1e-12);
	assert_near(s->contribution, 0.2 / 0.66, 1e-12);
	assert_near(a->contribution, 0.1 / 0.66, 1e-12);
	assert_near(b->contribution, 0.36 / 0.66, 1e-12);
	assert_near(s->contribution + a->contribution + b->contribution, 1,
	            1e-12);
	/* medians over the five units; best; group N's median */
	assert_near(s->median, 0.5, 1e-12); /* 0 .2 .5 .9 1 */
	assert_near(s->best, 1.0, 1e-12);
	assert_near(s->group_median, 0.75, 1e-12); /* .5 and 1 */
	assert_near(a->median, 0.5, 1e-12);        /* .2 .3 .5 .9 1 */
	assert_near(b->median, 0.8, 1e-12);        /* .1 .6 .8 .9 .9 */
	assert_near(b->best, 0.9, 1e-12);
	/* ranks: s 1st, a 3rd, b 4th (0.9 and 0.9 share the 1st) */
	assert_int_equal(s->rank, 1);
	assert_int_equal(a->rank, 3);
	assert_int_equal(b->rank, 4);
	assert_int_equal(b->ranked, 5);
	/* since 2022: s 0.2 -> 1, a 0.2 -> 0.5, b 0.3 -> 0.6 */
	assert_near(s->change, 0.8, 1e-12);
	assert_near(a->change, 0.3, 1e-12);
	assert_near(b->change, 0.3, 1e-12);
	/* strengths and weaknesses by standing: s best, b worst */
	assert_true(ex.nstrengths >= 1);
	assert_string_equal(item_code(&ex, ex.strengths[0]), "s");
	assert_int_equal(ex.nweaknesses, 1);
	assert_string_equal(item_code(&ex, ex.weaknesses[0]), "b");
	for (size_t j = 0; j < ex.nstrengths; j++)
		assert_string_not_equal(item_code(&ex, ex.strengths[j]), "b");
	dti_explanation_release(&ex);

	/* U3: s lost 2 x 10 x 0.8 = 16 on both paths */
	ex = explain(c.cur, "U3", -1);
	assert_near(item(&ex, "s")->lost, 16, 1e-9);
	assert_near(item(&ex, "a")->lost, 14, 1e-9);
	assert_near(item(&ex, "b")->lost, 6, 1e-9);
	assert_string_equal(item_code(&ex, 0), "s");
	/*
	 * Against the median: b is 1st of 5 (a strength); s and a are both
	 * 4th of 5, below the median: both are weaknesses (up to 3 listed).
	 */
	assert_int_equal(ex.nstrengths, 1);
	assert_string_equal(item_code(&ex, ex.strengths[0]), "b");
	assert_int_equal(ex.nweaknesses, 2);
	assert_string_equal(item_code(&ex, ex.weaknesses[0]), "s");
	assert_string_equal(item_code(&ex, ex.weaknesses[1]), "a");
	dti_explanation_release(&ex);
	unload(&c);
}

/* Explaining a group: only what is below it, weighted inside it. */
static void test_explain_group(void **state)
{
	(void)state;
	struct ctx c;
	load(&c, ex_data, 1);
	struct dti_explanation ex =
	    explain(c.cur, "U2", (long)node_of(c.fw, "g2"));
	/* g2 = (10 s + 60 b) / 70 = (10 + 36) / 70 */
	assert_near(ex.value, 46.0 / 70, 1e-12);
	assert_int_equal(ex.nitems, 2);
	assert_string_equal(item_code(&ex, 0), "b");
	assert_string_equal(item_code(&ex, 1), "s");
	/* lost in g2's 70 points: b 60 x 0.4, s 10 x 0 */
	assert_near(item(&ex, "b")->lost, 24, 1e-9);
	assert_near(item(&ex, "s")->lost, 0, 1e-9);
	assert_near(item(&ex, "s")->contribution, 10.0 / 46, 1e-12);
	assert_near(item(&ex, "b")->contribution, 36.0 / 46, 1e-12);
	/* g2 values: U1 .7571 U2 .6571 U3 .8 U4 .9 U5 .0857 */
	assert_int_equal(ex.rank, 4);
	dti_explanation_release(&ex);
	unload(&c);
}

/*
 * Explaining a leaf indicator: it is its own item and loses its own
 * shortfall (this listed nothing and reported "nothing lost").  U2's b in
 * 2023 is 0.6 of 60 points: 24 lost.  A missing figure is flagged and has
 * no figure and no value.
 */
static void test_explain_leaf(void **state)
{
	(void)state;
	struct ctx c;
	load(&c, ex_data, 0);
	struct dti_explanation ex =
	    explain(c.cur, "U2", (long)node_of(c.fw, "b"));
	assert_int_equal(ex.nitems, 1);
	assert_string_equal(item_code(&ex, 0), "b");
	assert_near(ex.items[0].lost, 24, 1e-9);
	assert_near(ex.items[0].figure, 0.6, 1e-12);
	assert_int_equal(ex.items[0].missing, 0);
	assert_int_equal(ex.nstrengths + ex.nweaknesses, 0);
	char *t = render(&ex, DTI_FORMAT_TABLE, DTI_LANG_EN);
	assert_non_null(strstr(t, "  b                  24.00 lost; value "
	                          "0.6000"));
	assert_null(strstr(t, "nothing lost"));
	free(t);
	dti_explanation_release(&ex);
	unload(&c);
	/* U5 without a figure of b: not entered, all 60 points lost */
	static const char missing[] = "year,unit,name,group,s,a,b\n"
	                              "2023,U1,An Giang,N,0.5,1.0,0.8\n"
	                              "2023,U5,Hà Nam,S,0.0,0.2,\n";
	load(&c, missing, 0);
	ex = explain(c.cur, "U5", (long)node_of(c.fw, "b"));
	assert_int_equal(ex.nitems, 1);
	assert_int_equal(ex.items[0].missing, 1);
	assert_true(isnan(ex.items[0].figure));
	assert_near(ex.items[0].lost, 60, 1e-9);
	t = render(&ex, DTI_FORMAT_TABLE, DTI_LANG_VI);
	assert_non_null(strstr(t, "mất 60,00 điểm vì chưa nhập"));
	free(t);
	t = render(&ex, DTI_FORMAT_TABLE, DTI_LANG_EN);
	assert_non_null(strstr(t, "60.00 lost: not entered"));
	assert_null(strstr(t, "value 0.0000"));
	free(t);
	dti_explanation_release(&ex);
	unload(&c);
}

/*
 * Missing values left out (policy exclude): the weights of the indicators
 * present are re-scaled, so they make up the whole value.
 */
static void test_contributions_exclude(void **state)
{
	(void)state;
	static const char fwt[] = "# scoring: weights\n"
	                          "# missing: exclude\n"
	                          "code,parent,kind,name_en,weight,rule\n"
	                          "idx,,index,Index,1,\n"
	                          "a,idx,indicator,A,1,value\n"
	                          "b,idx,indicator,B,1,value\n";
	static const char data[] = "unit,a,b\n"
	                           "W1,0.6,\n"
	                           "W2,0.2,0.4\n";
	struct dti_framework *fw = NULL;
	struct dti_dataset *ds = NULL;
	struct dti_result *res = NULL;
	assert_int_equal(
	    dti_framework_parse(fwt, strlen(fwt), "w.csv", &fw, NULL), DTI_OK);
	assert_int_equal(dti_dataset_parse(fw, NULL, data, strlen(data), "d",
	                                   NULL, &ds, NULL),
	                 DTI_OK);
	assert_int_equal(dti_compute(fw, ds, 0, NULL, &res, NULL), DTI_OK);
	/* W2: 0.3 = 0.5 x 0.2 + 0.5 x 0.4: a gives 1/3, b 2/3 */
	struct dti_explanation ex = explain(res, "W2", -1);
	assert_near(ex.value, 0.3, 1e-12);
	assert_near(item(&ex, "a")->contribution, 1.0 / 3, 1e-12);
	assert_near(item(&ex, "b")->contribution, 2.0 / 3, 1e-12);
	dti_explanation_release(&ex);
	/* W1: 0.6 is a alone; b, left out, contributes nothing */
	ex = explain(res, "W1", -1);
	assert_near(ex.value, 0.6, 1e-12);
	assert_nan(item(&ex, "b")->value);
	assert_near(item(&ex, "a")->contribution, 1.0, 1e-12);
	assert_near(item(&ex, "a")->effect, 0.6, 1e-12);
	dti_explanation_release(&ex);
	dti_result_free(res);
	dti_dataset_free(ds);
	dti_framework_free(fw);
}

/* ---- text ---------------------------------------------------------------- */

static void test_text_vi(void **state)
{
	(void)state;
	struct ctx c;
	load(&c, ex_data, 1);
	struct dti_explanation ex = explain(c.cur, "U2", -1);
	char *t = render(&ex, DTI_FORMAT_TABLE, DTI_LANG_VI);
	assert_contains(t, "Bình Định");
	assert_contains(t, "Chỉ số");
	assert_contains(t, "0,6600");
	assert_contains(t, "hạng 3/5");
	assert_contains(t, "tăng 2 bậc");
	assert_contains(t, "+0,4000");
	/* to pass An Giang (0,7800) it needs +0,1201, about 12,01 points */
	assert_contains(t, "An Giang");
	assert_contains(t, "0,7800");
	assert_contains(t, "+0,1201");
	assert_contains(t, "12,01");
	assert_contains(t, "24,00");
	assert_contains(t, "Hạ tầng");
	/* no decimal point in a Vietnamese text's numbers */
	assert_lacks(t, "0.66");
	assert_lacks(t, "24.00");
	assert_lacks(t, "MÔ PHỎNG");
	free(t);
	dti_explanation_release(&ex);

	ex = explain(c.cur, "U3", -1);
	t = render(&ex, DTI_FORMAT_TABLE, DTI_LANG_VI);
	assert_contains(t, "giảm 2 bậc");
	assert_contains(t, "0,6400");
	free(t);
	dti_explanation_release(&ex);
	unload(&c);
}

static void test_text_en(void **state)
{
	(void)state;
	struct ctx c;
	load(&c, ex_data, 1);
	struct dti_explanation ex = explain(c.cur, "U2", -1);
	char *t = render(&ex, DTI_FORMAT_TABLE, DTI_LANG_EN);
	assert_contains(t, "Index");
	assert_contains(t, "0.6600");
	assert_contains(t, "3rd of 5");
	assert_contains(t, "up 2 places");
	assert_contains(t, "+0.4000");
	assert_contains(t, "+0.1201");
	assert_contains(t, "12.01 points");
	assert_contains(t, "24.00 lost");
	assert_contains(t, "Infrastructure");
	assert_lacks(t, "0,66");
	free(t);
	dti_explanation_release(&ex);

	ex = explain(c.cur, "U5", -1);
	t = render(&ex, DTI_FORMAT_TABLE, DTI_LANG_EN);
	assert_contains(t, "down 1 place");
	assert_lacks(t, "down 1 places");
	free(t);
	dti_explanation_release(&ex);

	ex = explain(c.cur, "U4", -1);
	t = render(&ex, DTI_FORMAT_TABLE, DTI_LANG_EN);
	assert_contains(t, "Leads");
	assert_contains(t, "same rank");
	free(t);
	dti_explanation_release(&ex);

	/* CSV is not a format of explanations */
	struct dti_buf b = DTI_BUF_INIT;
	struct dti_error err = DTI_ERROR_INIT;
	ex = explain(c.cur, "U1", -1);
	assert_int_equal(
	    dti_explanation_write(&ex, DTI_FORMAT_CSV, DTI_LANG_EN, &b, &err),
	    DTI_EARG);
	dti_error_release(&err);
	dti_buf_release(&b);
	dti_explanation_release(&ex);
	unload(&c);
}

/* ---- JSON ------------------------------------------------------------------
 */

static void test_json(void **state)
{
	(void)state;
	struct ctx c;
	load(&c, ex_data, 1);
	struct dti_explanation ex = explain(c.cur, "U2", -1);
	char *t = render(&ex, DTI_FORMAT_JSON, DTI_LANG_VI);
	struct jval j = jparse(t, strlen(t));
	assert_int_equal(j.t, J_OBJ);
	const struct jval *u = jmust(&j, "unit", J_OBJ);
	assert_string_equal(jmust(u, "id", J_STR)->str, "U2");
	assert_string_equal(jmust(u, "name", J_STR)->str, "Bình Định");
	assert_string_equal(jmust(u, "group", J_STR)->str, "N");
	assert_string_equal(jmust(&j, "framework", J_STR)->str, "ex");
	assert_string_equal(jmust(&j, "cycle", J_STR)->str, "2023");
	assert_int_equal(jmust(&j, "synthetic", J_TRUE)->t, J_FALSE);
	assert_string_equal(jmust(&j, "node", J_STR)->str, "idx");
	assert_near(jmust(&j, "value", J_NUM)->num, 0.66, 1e-12);
	assert_near(jmust(&j, "rank", J_NUM)->num, 3, 0);
	assert_near(jmust(&j, "ranked", J_NUM)->num, 5, 0);
	assert_near(jmust(&j, "group_rank", J_NUM)->num, 2, 0);
	assert_near(jmust(&j, "group_size", J_NUM)->num, 2, 0);
	assert_string_equal(jmust(&j, "leader", J_STR)->str, "U4");
	assert_near(jmust(&j, "leader_value", J_NUM)->num, 0.9, 1e-12);
	assert_near(jmust(&j, "gap_to_leader", J_NUM)->num, 0.24, 1e-12);
	assert_near(jmust(&j, "median", J_NUM)->num, 0.66, 1e-12);
	assert_near(jmust(&j, "group_median", J_NUM)->num, 0.72, 1e-12);
	const struct jval *gb = jmust(&j, "group_best", J_OBJ);
	assert_string_equal(jmust(gb, "id", J_STR)->str, "U1");
	assert_near(jmust(gb, "value", J_NUM)->num, 0.78, 1e-12);
	const struct jval *up = jmust(&j, "to_pass_above", J_OBJ);
	assert_string_equal(jmust(up, "id", J_STR)->str, "U1");
	assert_near(jmust(up, "gain", J_NUM)->num, 0.1201, 1e-12);
	assert_string_equal(jmust(&j, "previous_cycle", J_STR)->str, "2022");
	assert_near(jmust(&j, "change", J_NUM)->num, 0.4, 1e-12);
	assert_near(jmust(&j, "rank_change", J_NUM)->num, 2, 0);
	const struct jval *ind = jmust(&j, "indicators", J_ARR);
	assert_int_equal(ind->n, 3);
	const struct jval *i0 = &ind->items[0];
	assert_string_equal(jmust(i0, "code", J_STR)->str, "b");
	assert_string_equal(jmust(i0, "kind", J_STR)->str, "indicator");
	assert_near(jmust(i0, "value", J_NUM)->num, 0.6, 1e-12);
	assert_near(jmust(i0, "points", J_NUM)->num, 36, 1e-9);
	assert_near(jmust(i0, "max_points", J_NUM)->num, 60, 0);
	assert_near(jmust(i0, "lost", J_NUM)->num, 24, 1e-9);
	assert_near(jmust(i0, "contribution", J_NUM)->num, 0.5455, 1e-12);
	assert_near(jmust(i0, "rank", J_NUM)->num, 4, 0);
	assert_near(jmust(i0, "median", J_NUM)->num, 0.8, 1e-12);
	assert_near(jmust(i0, "best", J_NUM)->num, 0.9, 1e-12);
	assert_near(jmust(i0, "group_median", J_NUM)->num, 0.7, 1e-12);
	assert_near(jmust(i0, "change", J_NUM)->num, 0.3, 1e-12);
	const struct jval *st = jmust(&j, "strengths", J_ARR);
	assert_true(st->n >= 1);
	assert_string_equal(st->items[0].str, "s");
	const struct jval *wk = jmust(&j, "weaknesses", J_ARR);
	assert_int_equal(wk->n, 1);
	assert_string_equal(wk->items[0].str, "b");
	jfree(&j);
	free(t);
	dti_explanation_release(&ex);

	/* the leader: nothing to pass */
	ex = explain(c.cur, "U4", -1);
	t = render(&ex, DTI_FORMAT_JSON, DTI_LANG_EN);
	j = jparse(t, strlen(t));
	assert_int_equal(jmust(&j, "to_pass_above", J_NULL)->t, J_NULL);
	jfree(&j);
	free(t);
	dti_explanation_release(&ex);

	/* NDJSON: the same object on one line */
	ex = explain(c.cur, "U2", -1);
	t = render(&ex, DTI_FORMAT_NDJSON, DTI_LANG_EN);
	char *nl = strchr(t, '\n');
	assert_non_null(nl);
	assert_int_equal(nl[1], '\0');
	j = jparse(t, strlen(t));
	assert_int_equal(jmust(&j, "indicators", J_ARR)->n, 3);
	jfree(&j);
	free(t);
	dti_explanation_release(&ex);
	unload(&c);
}

/* No previous cycle, no groups: null, not zero. */
static void test_json_nulls(void **state)
{
	(void)state;
	struct ctx c;
	load(&c,
	     "unit,name,s,a,b\n"
	     "V1,Một,1,1,1\n"
	     "V2,Hai,0.5,0.5,\n",
	     0);
	struct dti_explanation ex = explain(c.cur, "V2", -1);
	assert_null(ex.group);
	assert_nan(ex.group_median);
	assert_nan(ex.change);
	char *t = render(&ex, DTI_FORMAT_JSON, DTI_LANG_EN);
	struct jval j = jparse(t, strlen(t));
	const struct jval *u = jmust(&j, "unit", J_OBJ);
	assert_int_equal(jmust(u, "group", J_NULL)->t, J_NULL);
	assert_int_equal(jmust(&j, "group_rank", J_NULL)->t, J_NULL);
	assert_int_equal(jmust(&j, "group_median", J_NULL)->t, J_NULL);
	assert_int_equal(jmust(&j, "group_best", J_NULL)->t, J_NULL);
	assert_int_equal(jmust(&j, "previous_cycle", J_NULL)->t, J_NULL);
	assert_int_equal(jmust(&j, "change", J_NULL)->t, J_NULL);
	assert_int_equal(jmust(&j, "rank_change", J_NULL)->t, J_NULL);
	/* V2's b is missing: it scores 0 (policy zero) and loses 60 */
	const struct jval *ind = jmust(&j, "indicators", J_ARR);
	assert_string_equal(jmust(&ind->items[0], "code", J_STR)->str, "b");
	assert_near(jmust(&ind->items[0], "lost", J_NUM)->num, 60, 1e-9);
	assert_int_equal(jmust(&ind->items[0], "change", J_NULL)->t, J_NULL);
	assert_int_equal(jmust(&ind->items[0], "group_median", J_NULL)->t,
	                 J_NULL);
	jfree(&j);
	free(t);
	/* V2 = (10 + 10 + 0) / 100 */
	assert_near(ex.value, 0.2, 1e-12);
	dti_explanation_release(&ex);
	unload(&c);
}

/* ---- synthetic data
 * ---------------------------------------------------------- */

static void test_synthetic(void **state)
{
	(void)state;
	struct ctx c;
	load(&c,
	     "# synthetic: yes\n"
	     "unit,name,s,a,b\n"
	     "V1,Một,1,1,1\n"
	     "V2,Hai,0.5,0.5,0.5\n",
	     0);
	struct dti_explanation ex = explain(c.cur, "V2", -1);
	char *t = render(&ex, DTI_FORMAT_TABLE, DTI_LANG_EN);
	assert_int_equal(strncmp(t, "*** SYNTHETIC", 13), 0);
	free(t);
	t = render(&ex, DTI_FORMAT_TABLE, DTI_LANG_VI);
	assert_contains(t, "DỮ LIỆU MÔ PHỎNG");
	free(t);
	t = render(&ex, DTI_FORMAT_JSON, DTI_LANG_EN);
	struct jval j = jparse(t, strlen(t));
	assert_int_equal(jmust(&j, "synthetic", J_TRUE)->t, J_TRUE);
	jfree(&j);
	free(t);
	dti_explanation_release(&ex);
	unload(&c);
}

/* A unit out of range is refused. */
/*
 * Written into a buffer too small for it, an explanation (or a ranking)
 * fails with DTI_ELIMIT at every size short of the whole text: never a
 * success with a cut, broken text.
 */
static void test_capped_buffer(void **state)
{
	(void)state;
	struct ctx c;
	load(&c, ex_data, 1);
	struct dti_explanation ex = explain(c.cur, "U2", -1);
	char *whole = render(&ex, DTI_FORMAT_JSON, DTI_LANG_VI);
	size_t n = strlen(whole);
	for (size_t cap = 1; cap <= n; cap += cap < 64 ? 1 : 37) {
		struct dti_buf b;
		dti_buf_init(&b, cap);
		struct dti_error err = DTI_ERROR_INIT;
		enum dti_status st = dti_explanation_write(
		    &ex, DTI_FORMAT_JSON, DTI_LANG_VI, &b, &err);
		if (cap < n) {
			if (st != DTI_ELIMIT)
				fail_msg("cap %zu of %zu: status %d", cap, n,
				         (int)st);
			assert_int_equal(err.code, DTI_ELIMIT);
		} else {
			assert_int_equal(st, DTI_OK);
			assert_string_equal(b.data, whole);
		}
		dti_error_release(&err);
		dti_buf_release(&b);
	}
	struct dti_output_opts oo;
	dti_output_opts_init(&oo);
	oo.format = DTI_FORMAT_JSON;
	struct dti_buf b;
	dti_buf_init(&b, 200);
	struct dti_error err = DTI_ERROR_INIT;
	assert_int_equal(dti_output_result(c.cur, &oo, &b, &err), DTI_ELIMIT);
	assert_contains(err.message, "limit of 200 bytes");
	dti_error_release(&err);
	dti_buf_release(&b);
	free(whole);
	dti_explanation_release(&ex);
	unload(&c);
}

static void test_bad_arguments(void **state)
{
	(void)state;
	struct ctx c;
	load(&c, ex_data, 0);
	struct dti_explanation ex;
	struct dti_error err = DTI_ERROR_INIT;
	assert_int_equal(dti_explain(c.cur, 99, NULL, &ex, &err), DTI_EARG);
	dti_error_release(&err);
	struct dti_explain_opts o = DTI_EXPLAIN_OPTS_INIT;
	o.node = 1000;
	assert_int_equal(dti_explain(c.cur, 0, &o, &ex, &err), DTI_EARG);
	dti_error_release(&err);
	unload(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_position),
	    cmocka_unit_test(test_gap_over_ties),
	    cmocka_unit_test(test_items),
	    cmocka_unit_test(test_explain_group),
	    cmocka_unit_test(test_explain_leaf),
	    cmocka_unit_test(test_contributions_exclude),
	    cmocka_unit_test(test_text_vi),
	    cmocka_unit_test(test_text_en),
	    cmocka_unit_test(test_json),
	    cmocka_unit_test(test_json_nulls),
	    cmocka_unit_test(test_synthetic),
	    cmocka_unit_test(test_capped_buffer),
	    cmocka_unit_test(test_bad_arguments),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
