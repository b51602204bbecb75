/*
 * tests/unit/engine/test_compare.c - two builds compared and trends across
 * cycles (lib/engine/compare.c).
 *
 * By hand: an index of two indicators, idx = 0.6 a + 0.4 b (points 60
 * and 40 of 100, values entered), small enough that every value, rank,
 * change, Spearman coefficient and growth rate below is worked out in
 * the comments.  Against COINr 1.1.14 (tests/data/coinr-asem,
 * trends-fixtures.R): the ASEM index year by year over COINr's panel
 * 2018-2022 (value, rank, get_trends' compound annual growth), and the
 * 2018 index compared with the same index where the Sust sub-index
 * weighs 2 (compare_coins' ranks and rank differences, stats::cor's
 * Spearman coefficient).  dti's values are rounded to 4 decimals, so they
 * agree with COINr's to 0.5e-4, and growth rates from them to 1e-6.
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

#include "coinr_fixture.h"

static const char fw_text[] =
    "# scoring: points\n"
    "# precision: 4\n"
    "# missing: zero\n"
    "code,parent,kind,name_vi,name_en,points,rule,params\n"
    "idx,,index,Chỉ số,Index,100,,\n"
    "a,idx,indicator,Dịch vụ,Services,60,value,\n"
    "b,idx,indicator,Hạ tầng,Infrastructure,40,value,\n";

/*
 * U3 has no b.  Missing scored 0 (the framework's policy):
 *   U1 0.6*0.8 + 0.4*0.6 = 0.72   rank 1
 *   U2 0.6*0.5 + 0.4*0.9 = 0.66   rank 2
 *   U3 0.6*0.9           = 0.54   rank 3
 *   U4 0.6*0.4 + 0.4*0.5 = 0.44   rank 4
 * Missing excluded (the weights re-scaled): U3 = a = 0.90, rank 1, and
 * U1, U2 move down to 2 and 3.
 */
static const char data_a[] = "year,unit,name,a,b\n"
                             "2024,U1,Một,0.8,0.6\n"
                             "2024,U2,Hai,0.5,0.9\n"
                             "2024,U3,Ba,0.9,\n"
                             "2024,U4,Bốn,0.4,0.5\n";

/*
 * A correction: U2's b is 0.4, not 0.9 (U2 = 0.30 + 0.16 = 0.46); U4 is
 * gone, U5 (a = b = 1: 1.0) is new.  Ranks: U5 1, U1 2, U3 3, U2 4.
 */
static const char data_b[] = "year,unit,name,a,b\n"
                             "2024,U1,Một,0.8,0.6\n"
                             "2024,U2,Hai,0.5,0.4\n"
                             "2024,U3,Ba,0.9,\n"
                             "2024,U5,Năm,1,1\n";

struct build {
	struct dti_dataset *ds;
	struct dti_result *res;
};

static void make(struct build *b, const struct dti_framework *fw,
                 const char *text, enum dti_missing missing)
{
	struct dti_compute_opts co = DTI_COMPUTE_OPTS_INIT;
	co.missing = missing;
	struct dti_error err = DTI_ERROR_INIT;
	b->ds = ds_text(fw, text);
	assert_int_equal(dti_compute(fw, b->ds, 0, &co, &b->res, &err), DTI_OK);
	dti_error_release(&err);
}

static void unmake(struct build *b)
{
	dti_result_free(b->res);
	dti_dataset_free(b->ds);
}

static const struct dti_compare_row *row_of(const struct dti_comparison *c,
                                            const char *id)
{
	for (size_t i = 0; i < c->nrows; i++)
		if (strcmp(c->rows[i].id, id) == 0)
			return &c->rows[i];
	fail_msg("no row '%s'", id);
	return NULL;
}

/* The same data, missing scored 0 (A) or excluded (B). */
static void test_missing_policy(void **state)
{
	(void)state;
	struct dti_framework *fw = test_fw_text(fw_text, "fw.csv");
	struct build a, b;
	make(&a, fw, data_a, DTI_MISSING_ZERO);
	make(&b, fw, data_a, DTI_MISSING_EXCLUDE);
	struct dti_comparison *c = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	assert_int_equal(dti_compare(a.res, b.res, NULL, &c, &err), DTI_OK);
	assert_int_equal(c->nrows, 4);
	assert_int_equal(c->nonly_a + c->nonly_b, 0);
	/* biggest movers first: U3 up 2, then U1 and U2 down 1 (U1 first:
	   its rank in B is better), U4 unchanged */
	assert_string_equal(c->rows[0].id, "U3");
	assert_string_equal(c->rows[1].id, "U1");
	assert_string_equal(c->rows[2].id, "U2");
	assert_string_equal(c->rows[3].id, "U4");
	const struct dti_compare_row *u3 = row_of(c, "U3");
	assert_near(u3->a, 0.54, 1e-12);
	assert_near(u3->b, 0.90, 1e-12);
	assert_near(u3->change, 0.36, 1e-12);
	assert_int_equal(u3->rank_a, 3);
	assert_int_equal(u3->rank_b, 1);
	assert_int_equal(u3->places, 2);
	const struct dti_compare_row *u1 = row_of(c, "U1");
	assert_near(u1->change, 0, 0);
	assert_int_equal(u1->places, -1);
	assert_int_equal(row_of(c, "U2")->places, -1);
	assert_int_equal(row_of(c, "U4")->places, 0);
	/* |places| 2 + 1 + 1 + 0 over 4 units: 1.0; one value changed by
	   0.36: a mean change of 0.09 */
	assert_int_equal(c->compared, 4);
	assert_int_equal(c->rank_changed, 3);
	assert_int_equal(c->value_changed, 1);
	assert_near(c->mean_abs_shift, 1.0, 1e-15);
	assert_near(c->mean_change, 0.09, 1e-12);
	assert_string_equal(c->rows[c->rise].id, "U3");
	assert_string_equal(c->rows[c->fall].id, "U1");
	/* ranks (1,2,3,4) against (2,3,1,4): d = -1,-1,2,0, sum d^2 = 6,
	   rho = 1 - 6*6 / (4*15) = 0.4; the same as the values' Spearman */
	assert_near(c->spearman, 0.4, 1e-12);
	double va[4], vb[4];
	for (size_t i = 0; i < 4; i++) {
		va[i] = c->rows[i].a;
		vb[i] = c->rows[i].b;
	}
	assert_near(dti_corr_spearman(va, vb, 4), c->spearman, 1e-15);
	assert_string_equal(c->a.missing, "zero");
	assert_string_equal(c->b.missing, "exclude");
	assert_string_equal(c->a.node, "idx");

	/* the writers say the same */
	struct dti_buf out = DTI_BUF_INIT;
	assert_int_equal(
	    dti_comparison_write(c, DTI_FORMAT_CSV, DTI_LANG_EN, 0, &out, &err),
	    DTI_OK);
	assert_contains(out.data, "id,name,group,in,value_a,value_b,change,"
	                          "rank_a,rank_b,places\n"
	                          "U3,Ba,,both,0.5400,0.9000,0.3600,3,1,2\n"
	                          "U1,Một,,both,0.7200,0.7200,0.0000,1,2,-1\n");
	dti_buf_reset(&out);
	assert_int_equal(dti_comparison_write(c, DTI_FORMAT_TABLE, DTI_LANG_VI,
	                                      0, &out, &err),
	                 DTI_OK);
	assert_contains(out.data, "Tăng nhiều nhất: Ba tăng 2 bậc (3 → 1)");
	assert_contains(out.data, "Giảm nhiều nhất: Một giảm 1 bậc (1 → 2)");
	assert_contains(out.data, "Dịch chuyển hạng trung bình (tuyệt đối): "
	                          "1,00 bậc");
	assert_contains(out.data, "hai bảng xếp hạng: 0,4000\n");
	assert_contains(out.data, "Ba         0,5400     0,9000     +0,3600  "
	                          "     3       1   ↑2\n");
	dti_buf_reset(&out);
	assert_int_equal(dti_comparison_write(c, DTI_FORMAT_JSON, DTI_LANG_EN,
	                                      0, &out, &err),
	                 DTI_OK);
	assert_contains(out.data, "\"spearman\":0.4");
	assert_contains(out.data, "{\"id\":\"U3\",\"name\":\"Ba\",\"group\":"
	                          "null,\"value_a\":0.5400,\"value_b\":0.9000,"
	                          "\"change\":0.3600,\"rank_a\":3,\"rank_b\":"
	                          "1,\"places\":2}");
	dti_buf_release(&out);
	dti_comparison_free(c);
	unmake(&a);
	unmake(&b);
	dti_framework_free(fw);
	dti_error_release(&err);
}

/* Two data files: a unit in each only, listed apart and never compared. */
static void test_corrected_data(void **state)
{
	(void)state;
	struct dti_framework *fw = test_fw_text(fw_text, "fw.csv");
	struct build a, b;
	make(&a, fw, data_a, DTI_MISSING_DEFAULT);
	make(&b, fw, data_b, DTI_MISSING_DEFAULT);
	struct dti_comparison *c = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	struct dti_compare_opts o;
	dti_compare_opts_init(&o);
	o.order = DTI_MOVE_RANK;
	assert_int_equal(dti_compare(a.res, b.res, &o, &c, &err), DTI_OK);
	/* in build B's order: U1 2, U3 3, U2 4 */
	assert_int_equal(c->nrows, 3);
	assert_string_equal(c->rows[0].id, "U1");
	assert_string_equal(c->rows[1].id, "U3");
	assert_string_equal(c->rows[2].id, "U2");
	assert_int_equal(c->nonly_a, 1);
	assert_string_equal(c->only_a[0].id, "U4");
	assert_int_equal(c->only_a[0].rank_a, 4);
	assert_nan(c->only_a[0].b);
	assert_int_equal(c->nonly_b, 1);
	assert_string_equal(c->only_b[0].id, "U5");
	assert_int_equal(c->only_b[0].rank_b, 1);
	assert_near(c->only_b[0].b, 1, 0);
	/* U2: 0.66 -> 0.46, rank 2 -> 4 */
	const struct dti_compare_row *u2 = row_of(c, "U2");
	assert_near(u2->change, -0.2, 1e-12);
	assert_int_equal(u2->places, -2);
	/* places -1, -2, 0: mean 1; ranks among the three (1,2,3) against
	   (2,4,3) -> (1,3,2): sum d^2 = 2, rho = 1 - 12 / 24 = 0.5 */
	assert_near(c->mean_abs_shift, 1.0, 1e-15);
	assert_near(c->spearman, 0.5, 1e-12);
	assert_int_equal(c->rise, -1);
	assert_string_equal(c->rows[c->fall].id, "U2");
	assert_near(c->mean_change, -0.2 / 3, 1e-12);
	struct dti_buf out = DTI_BUF_INIT;
	assert_int_equal(dti_comparison_write(c, DTI_FORMAT_TABLE, DTI_LANG_EN,
	                                      0, &out, &err),
	                 DTI_OK);
	assert_contains(out.data, "Largest rise: none\n");
	assert_contains(out.data, "Only in A (1): Bốn (0.4400, rank 4)\n");
	assert_contains(out.data, "Only in B (1): Năm (1.0000, rank 1)\n");
	dti_buf_reset(&out);
	assert_int_equal(
	    dti_comparison_write(c, DTI_FORMAT_CSV, DTI_LANG_EN, 0, &out, &err),
	    DTI_OK);
	assert_contains(out.data, "U4,Bốn,,a,0.4400,,,4,,\n"
	                          "U5,Năm,,b,,1.0000,,,1,\n");
	dti_buf_release(&out);
	dti_comparison_free(c);

	/* refusals: a node neither has, no unit in common */
	dti_compare_opts_init(&o);
	o.node = "nope";
	assert_int_equal(dti_compare(a.res, b.res, &o, &c, &err),
	                 DTI_ENOTFOUND);
	assert_null(c);
	assert_string_equal(err.field, "node");
	assert_contains(err.message, "'nope' is not a node of framework");
	dti_error_release(&err);
	struct build other;
	make(&other, fw,
	     "year,unit,name,a,b\n2024,X1,X,0.1,0.1\n2024,X2,Y,0.2,0.2\n",
	     DTI_MISSING_DEFAULT);
	assert_int_equal(dti_compare(a.res, other.res, NULL, &c, &err),
	                 DTI_EINVALID);
	assert_string_equal(err.field, "units");
	assert_contains(err.message, "no unit in common");
	unmake(&other);
	unmake(&a);
	unmake(&b);
	dti_framework_free(fw);
	dti_error_release(&err);
}

/*
 * Three cycles, 2021 missing: U3 is absent in 2022, U4 is new in 2023
 * without b (scored 0: idx 0.06, but no figure of b).
 *   2020: U1 0.50 (2), U2 0.64 (1), U3 0.20 (3)
 *   2022: U1 0.60 (2), U2 0.68 (1)
 *   2023: U1 0.78 (1), U2 0.62 (2), U3 0.30 (3), U4 0.06 (4)
 */
static const char data_years[] = "year,unit,name,a,b\n"
                                 "2020,U1,Một,0.5,0.5\n"
                                 "2020,U2,Hai,0.8,0.4\n"
                                 "2020,U3,Ba,0.2,0.2\n"
                                 "2022,U1,Một,0.6,0.6\n"
                                 "2022,U2,Hai,0.8,0.5\n"
                                 "2023,U1,Một,0.9,0.6\n"
                                 "2023,U2,Hai,0.7,0.5\n"
                                 "2023,U3,Ba,0.3,0.3\n"
                                 "2023,U4,Bốn,0.1,\n";

struct years {
	struct dti_framework *fw;
	struct dti_dataset *ds;
	struct dti_result *res[3];
};

static void years_load(struct years *y)
{
	y->fw = test_fw_text(fw_text, "fw.csv");
	y->ds = ds_text(y->fw, data_years);
	assert_int_equal(dti_dataset_cycle_count(y->ds), 3);
	struct dti_error err = DTI_ERROR_INIT;
	/* given newest first: trends put them in time order */
	for (size_t c = 0; c < 3; c++)
		assert_int_equal(
		    dti_compute(y->fw, y->ds, 2 - c, NULL, &y->res[c], &err),
		    DTI_OK);
	dti_error_release(&err);
}

static void years_unload(struct years *y)
{
	for (size_t c = 0; c < 3; c++)
		dti_result_free(y->res[c]);
	dti_dataset_free(y->ds);
	dti_framework_free(y->fw);
}

static const struct dti_trend_unit *tunit(const struct dti_trends *t,
                                          const char *id)
{
	for (size_t i = 0; i < t->nunits; i++)
		if (strcmp(t->units[i].id, id) == 0)
			return &t->units[i];
	fail_msg("no unit '%s'", id);
	return NULL;
}

static void test_trends_by_hand(void **state)
{
	(void)state;
	struct years y;
	years_load(&y);
	struct dti_trends *t = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	assert_int_equal(dti_trends((const struct dti_result *const *)y.res, 3,
	                            NULL, &t, &err),
	                 DTI_OK);
	assert_int_equal(t->ncycles, 3);
	assert_string_equal(t->cycles[0].label, "2020");
	assert_string_equal(t->cycles[2].label, "2023");
	assert_int_equal(t->cycles[1].year, 2022);
	assert_true(t->per_year);
	assert_int_equal(t->cycles[0].ranked, 3);
	assert_int_equal(t->cycles[1].ranked, 2);
	assert_int_equal(t->cycles[2].ranked, 4);
	/* means: (0.5 + 0.64 + 0.2) / 3, (0.6 + 0.68) / 2, (0.78 + 0.62 +
	   0.3 + 0.06) / 4; mean changes over the units in both: (0.1 +
	   0.04) / 2 and (0.18 - 0.06) / 2 */
	assert_near(t->cycles[0].mean, 1.34 / 3, 1e-10);
	assert_near(t->cycles[1].mean, 0.64, 1e-10);
	assert_near(t->cycles[2].mean, 0.44, 1e-10);
	assert_nan(t->cycles[0].mean_change);
	assert_near(t->cycles[1].mean_change, 0.07, 1e-10);
	assert_near(t->cycles[2].mean_change, 0.06, 1e-10);
	assert_int_equal(t->cycles[1].same, 2);
	assert_int_equal(t->cycles[2].up, 1);
	assert_int_equal(t->cycles[2].down, 1);
	/* the largest gain over the span first; U4 (one value) last */
	assert_int_equal(t->nunits, 4);
	assert_string_equal(t->units[0].id, "U1");
	assert_string_equal(t->units[1].id, "U3");
	assert_string_equal(t->units[2].id, "U2");
	assert_string_equal(t->units[3].id, "U4");
	assert_int_equal(t->incomplete, 2);

	/* U1: 0.5 -> 0.6 -> 0.78; +0.1 (20 %), +0.18 (30 %), rank 2 -> 2
	   -> 1; over 2020-2023 +0.28 (56 %), 3 years: 1.56^(1/3) - 1 =
	   0.159778 a year, one place up */
	const struct dti_trend_unit *u1 = tunit(t, "U1");
	assert_near(u1->steps[0].change, 0.1, 1e-12);
	assert_near(u1->steps[0].relative, 0.2, 1e-12);
	assert_int_equal(u1->steps[0].places, 0);
	assert_near(u1->steps[1].change, 0.18, 1e-12);
	assert_near(u1->steps[1].relative, 0.3, 1e-12);
	assert_int_equal(u1->steps[1].places, 1);
	assert_near(u1->change, 0.28, 1e-12);
	assert_near(u1->relative, 0.56, 1e-12);
	assert_near(u1->periods, 3, 0);
	assert_near(u1->growth, 0.15977799952979943, 1e-12);
	assert_int_equal(u1->places, 1);
	assert_true(u1->complete);
	/* U2: 0.64 -> 0.62: -0.02 (-3.125 %), (0.62/0.64)^(1/3) - 1 */
	const struct dti_trend_unit *u2 = tunit(t, "U2");
	assert_near(u2->change, -0.02, 1e-12);
	assert_near(u2->relative, -0.03125, 1e-12);
	assert_near(u2->growth, -0.01052709757989867, 1e-12);
	assert_near(u2->steps[1].relative, -0.06 / 0.68, 1e-12);
	assert_int_equal(u2->places, -1);
	/* U3: nothing in 2022, so no step touches it; over 2020-2023 0.2 ->
	   0.3, 1.5^(1/3) - 1 a year */
	const struct dti_trend_unit *u3 = tunit(t, "U3");
	assert_false(u3->complete);
	assert_nan(u3->points[1].value);
	assert_int_equal(u3->points[1].rank, 0);
	assert_nan(u3->steps[0].change);
	assert_false(u3->steps[0].has_places);
	assert_nan(u3->steps[1].change);
	assert_near(u3->change, 0.1, 1e-12);
	assert_near(u3->growth, 0.14471424255333187, 1e-12);
	assert_int_equal(u3->places, 0);
	/* U4: one value, no span */
	const struct dti_trend_unit *u4 = tunit(t, "U4");
	assert_int_equal(u4->present, 1);
	assert_near(u4->points[2].value, 0.06, 1e-12);
	assert_nan(u4->change);
	assert_nan(u4->growth);

	struct dti_buf out = DTI_BUF_INIT;
	assert_int_equal(
	    dti_trends_write(t, DTI_FORMAT_CSV, DTI_LANG_EN, 0, &out, &err),
	    DTI_OK);
	assert_contains(out.data,
	                "id,name,group,value_2020,rank_2020,value_2022,"
	                "rank_2022,value_2023,rank_2023,change_2020_2022,"
	                "relative_2020_2022,places_2020_2022,change_2022_"
	                "2023,relative_2022_2023,places_2022_2023,first,last,"
	                "change,relative,growth,places,missing\n"
	                "U1,Một,,0.5000,2,0.6000,2,0.7800,1,0.1000,0.200000,"
	                "0,0.1800,0.300000,1,2020,2023,0.2800,0.560000,"
	                "0.159778,1,\n");
	assert_contains(out.data, "U3,Ba,,0.2000,3,,,0.3000,3,,,,,,,2020,"
	                          "2023,0.1000,0.500000,0.144714,0,2022\n");
	dti_buf_reset(&out);
	assert_int_equal(
	    dti_trends_write(t, DTI_FORMAT_TABLE, DTI_LANG_EN, 0, &out, &err),
	    DTI_OK);
	assert_contains(out.data, "Missing in some cycles, nothing filled in "
	                          "(2 units): Ba (none in 2022); Bốn (none "
	                          "in 2020, 2022)\n");
	assert_contains(
	    out.data,
	    "2023   fw             4       4  0.4400      +0.0600   1 "
	    "    1     0\n");
	dti_buf_release(&out);
	dti_trends_free(t);

	/* the figures of b: as entered, U4's missing one is no value, and
	   2020 left out */
	struct dti_trends_opts o;
	dti_trends_opts_init(&o);
	o.node = "b";
	o.figures = 1;
	o.since = 2022;
	assert_int_equal(dti_trends((const struct dti_result *const *)y.res, 3,
	                            &o, &t, &err),
	                 DTI_OK);
	assert_int_equal(t->ncycles, 2);
	assert_string_equal(t->node, "b");
	const struct dti_trend_unit *f4 = tunit(t, "U4");
	assert_nan(f4->points[1].value);
	assert_int_equal(f4->present, 0);
	assert_near(tunit(t, "U1")->change, 0, 0);
	assert_near(tunit(t, "U2")->points[0].value, 0.5, 0);
	dti_trends_free(t);

	/* refusals */
	assert_int_equal(dti_trends((const struct dti_result *const *)y.res, 1,
	                            NULL, &t, &err),
	                 DTI_EARG);
	assert_contains(err.message, "two cycles or more");
	dti_error_release(&err);
	o.since = 2023;
	assert_int_equal(dti_trends((const struct dti_result *const *)y.res, 3,
	                            &o, &t, &err),
	                 DTI_EARG);
	assert_contains(err.message, "got 1 from 2023 on");
	dti_error_release(&err);
	const struct dti_result *twice[] = {y.res[0], y.res[0]};
	assert_int_equal(dti_trends(twice, 2, NULL, &t, &err), DTI_EARG);
	assert_contains(err.message, "cycle '2023' is given twice");
	dti_error_release(&err);
	dti_trends_opts_init(&o);
	o.node = "nope";
	assert_int_equal(dti_trends((const struct dti_result *const *)y.res, 3,
	                            &o, &t, &err),
	                 DTI_ENOTFOUND);
	assert_string_equal(err.field, "node");
	dti_error_release(&err);
	years_unload(&y);
}

/* Observations from elsewhere; labels without years grow per cycle. */
static void test_trends_from(void **state)
{
	(void)state;
	struct dti_trend_cycle cyc[2];
	memset(cyc, 0, sizeof cyc);
	cyc[0].label = "spring";
	cyc[0].precision = 2;
	cyc[0].ranked = 2;
	cyc[1].label = "autumn";
	cyc[1].precision = 2;
	cyc[1].ranked = 2;
	/* "autumn" sorts first (same length as "spring", and before it) */
	const struct dti_trend_obs obs[] = {{0, "x", "X", "g1", 0.25, 2},
	                                    {0, "y", "Y", "g2", 0.5, 1},
	                                    {1, "x", "X", "g1", 1, 1},
	                                    {1, "y", "Y", "g2", 0.5, 2}};
	struct dti_trends *t = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	assert_int_equal(dti_trends_from(cyc, 2, obs, 4, "i", "Chỉ số", "Index",
	                                 NULL, &t, &err),
	                 DTI_OK);
	assert_false(t->per_year);
	assert_string_equal(t->cycles[0].label, "autumn");
	/* x: autumn 1 -> spring 0.25: -0.75, one cycle: growth 0.25 - 1 */
	const struct dti_trend_unit *x = tunit(t, "x");
	assert_near(x->change, -0.75, 1e-12);
	assert_near(x->growth, -0.75, 1e-12);
	assert_near(x->periods, 1, 0);
	assert_int_equal(x->places, -1);
	dti_trends_free(t);
	struct dti_trends_opts o;
	dti_trends_opts_init(&o);
	o.group = "g2";
	assert_int_equal(
	    dti_trends_from(cyc, 2, obs, 4, "i", "", "", &o, &t, &err), DTI_OK);
	assert_int_equal(t->nunits, 1);
	assert_string_equal(t->units[0].id, "y");
	assert_near(t->cycles[0].mean, 0.5, 0);
	dti_trends_free(t);
	o.group = "g3";
	assert_int_equal(
	    dti_trends_from(cyc, 2, obs, 4, "i", "", "", &o, &t, &err),
	    DTI_ENOTFOUND);
	assert_string_equal(err.field, "group");
	dti_error_release(&err);
	const struct dti_trend_obs dup[] = {{0, "x", "X", NULL, 0.25, 2},
	                                    {0, "x", "X", NULL, 0.5, 1}};
	assert_int_equal(
	    dti_trends_from(cyc, 2, dup, 2, "i", "", "", NULL, &t, &err),
	    DTI_EINVALID);
	assert_contains(err.message, "two values in cycle 'spring'");
	dti_error_release(&err);
}

/* ---- COINr ----------------------------------------------------------------
 */

/* The lines of a fixture file after its header (and a comment line). */
static size_t fixture(const char *rel, char lines[][8][40], size_t max,
                      char *comment, size_t csz)
{
	char *p = test_path(rel);
	FILE *f = fopen(p, "r");
	assert_non_null(f);
	free(p);
	char line[512];
	size_t n = 0;
	assert_non_null(fgets(line, sizeof line, f));
	if (line[0] == '#') {
		if (comment)
			snprintf(comment, csz, "%.*s", (int)(csz - 1), line);
		assert_non_null(fgets(line, sizeof line, f));
	}
	while (n < max && fgets(line, sizeof line, f)) {
		line[strcspn(line, "\r\n")] = '\0';
		size_t c = 0;
		for (char *tok = strtok(line, ","); tok && c < 8;
		     tok = strtok(NULL, ","))
			snprintf(lines[n][c++], 40, "%s", tok);
		n++;
	}
	fclose(f);
	return n;
}

static char fx[300][8][40];

static void test_coinr_trends(void **state)
{
	(void)state;
	struct dti_error err = DTI_ERROR_INIT;
	char *fp = test_path("tests/data/coinr-asem/iMeta.csv");
	char *dp = test_path("tests/data/coinr-asem/iData_p.csv");
	struct dti_framework *fw = NULL;
	struct dti_dataset *ds = NULL;
	assert_int_equal(dti_framework_load(fp, &fw, &err), DTI_OK);
	assert_int_equal(dti_dataset_read(fw, NULL, dp, NULL, &ds, &err),
	                 DTI_OK);
	free(fp);
	free(dp);
	assert_int_equal(dti_dataset_cycle_count(ds), 5);
	struct dti_result *res[5];
	for (size_t c = 0; c < 5; c++)
		assert_int_equal(dti_compute(fw, ds, c, NULL, &res[c], &err),
		                 DTI_OK);
	struct dti_trends *t = NULL;
	assert_int_equal(dti_trends((const struct dti_result *const *)res, 5,
	                            NULL, &t, &err),
	                 DTI_OK);
	assert_int_equal(t->nunits, 51);
	assert_true(t->per_year);
	size_t n =
	    fixture("tests/data/coinr-asem/trends-index.csv", fx, 300, NULL, 0);
	assert_int_equal(n, 255);
	for (size_t r = 0; r < n; r++) {
		const struct dti_trend_unit *u = tunit(t, fx[r][0]);
		size_t k = (size_t)(atoi(fx[r][1]) - 2018);
		assert_string_equal(t->cycles[k].label, fx[r][1]);
		if (fabs(u->points[k].value - strtod(fx[r][2], NULL)) >
		    5.0001e-5)
			fail_msg("%s %s: %.6f, COINr %s", fx[r][0], fx[r][1],
			         u->points[k].value, fx[r][2]);
		assert_int_equal(u->points[k].rank, atoi(fx[r][3]));
		if (fabs(u->growth - strtod(fx[r][4], NULL)) > 1e-6)
			fail_msg("%s growth: %.9f, COINr %s", fx[r][0],
			         u->growth, fx[r][4]);
		assert_near(u->periods, 4, 0);
	}
	dti_trends_free(t);
	for (size_t c = 0; c < 5; c++)
		dti_result_free(res[c]);
	dti_dataset_free(ds);
	dti_framework_free(fw);
	dti_error_release(&err);
}

/*
 * Normalised across cycles: COINr's panel example, every indicator
 * min-max normalised over the five years together (a purse normalised
 * with global = TRUE, global-fixtures.R), each year's values and Index to
 * 1e-12; per year alone they differ.  Then the framework's key, and a
 * word it does not know.
 */
static void test_coinr_global(void **state)
{
	(void)state;
	struct dti_error err = DTI_ERROR_INIT;
	char *fp = test_path("tests/data/coinr-asem/iMeta.csv");
	char *dp = test_path("tests/data/coinr-asem/iData_p.csv");
	struct dti_framework *fw = NULL;
	struct dti_dataset *ds = NULL;
	assert_int_equal(dti_framework_load(fp, &fw, &err), DTI_OK);
	assert_int_equal(dti_dataset_read(fw, NULL, dp, NULL, &ds, &err),
	                 DTI_OK);
	free(fp);
	free(dp);
	struct fixture gx;
	fixture_load("tests/data/coinr-asem/global-index.csv", &gx);
	assert_int_equal(gx.nrows, 255);
	assert_string_equal(gx.code[0], "Time");
	struct dti_result *res[5], *alone = NULL;
	struct dti_compute_opts co = DTI_COMPUTE_OPTS_INIT;
	co.across_cycles = 1;
	for (size_t c = 0; c < 5; c++) {
		assert_int_equal(dti_compute(fw, ds, c, &co, &res[c], &err),
		                 DTI_OK);
		assert_int_equal(dti_result_norm_cycles(res[c]), 5);
	}
	assert_int_equal(dti_compute(fw, ds, 0, NULL, &alone, &err), DTI_OK);
	assert_int_equal(dti_result_norm_cycles(alone), 1);
	size_t checked = 0, differ = 0;
	for (size_t r = 0; r < gx.nrows; r++) {
		size_t c = (size_t)(gx.v[r * gx.ncols] - 2018);
		assert_true(c < 5);
		char year[8];
		snprintf(year, sizeof year, "%zu", 2018 + c);
		assert_string_equal(dti_result_cycle(res[c]), year);
		long du = dti_dataset_find_unit(ds, gx.unit[r]);
		assert_true(du >= 0);
		long i = dti_result_find_unit(res[c], (size_t)du);
		assert_true(i >= 0);
		for (size_t j = 1; j < gx.ncols; j++) {
			long k = dti_framework_find(fw, gx.code[j]);
			assert_true(k >= 0);
			double got =
			    dti_result_value(res[c], (size_t)i, (size_t)k);
			double want = gx.v[r * gx.ncols + j];
			if (!fixture_close(got, want))
				fail_msg("%s %s %s: %.17g, COINr %.17g",
				         gx.unit[r], dti_result_cycle(res[c]),
				         gx.code[j], got, want);
			checked++;
			if (c == 0 && !isnan(got)) {
				long a =
				    dti_result_find_unit(alone, (size_t)du);
				double w = dti_result_value(alone, (size_t)a,
				                            (size_t)k);
				differ += !fixture_close(got, w);
			}
		}
	}
	assert_int_equal(checked, 255 * 50);
	/* the values come from every cycle: so does the data's hash */
	assert_int_equal(strlen(dti_result_data_hash(res[0])), 64);
	assert_string_equal(dti_result_data_hash(res[0]),
	                    dti_result_data_hash(res[4]));
	assert_string_not_equal(dti_result_data_hash(res[0]),
	                        dti_result_data_hash(alone));
	assert_true(differ > 1000); /* within 2018 alone: other values */
	for (size_t c = 0; c < 5; c++)
		dti_result_free(res[c]);
	dti_result_free(alone);
	fixture_unload(&gx);

	dti_dataset_free(ds);
	dti_framework_free(fw);

	/* the framework asks for it; the options can say otherwise */
	size_t len;
	char *meta = fixture_slurp("tests/data/coinr-asem/iMeta.csv", &len);
	const char *words[] = {"cycles", "cycle", "years"};
	for (int w = 0; w < 3; w++) {
		char *text = malloc(len + 64);
		assert_non_null(text);
		int h =
		    snprintf(text, 64, "# normalise.across: %s\n", words[w]);
		memcpy(text + h, meta, len);
		dp = test_path("tests/data/coinr-asem/iData_p.csv");
		assert_int_equal(dti_framework_parse(text, (size_t)h + len,
		                                     "iMeta-g.csv", &fw, &err),
		                 DTI_OK);
		assert_int_equal(
		    dti_dataset_read(fw, NULL, dp, NULL, &ds, &err), DTI_OK);
		free(dp);
		free(text);
		struct dti_result *a = NULL;
		/* as dti_compute decides it */
		int across = -1;
		assert_int_equal(
		    dti_compute_across_cycles(fw, NULL, &across, &err),
		    w == 2 ? DTI_EINVALID : DTI_OK);
		if (w < 2)
			assert_int_equal(across, w == 0);
		if (w == 2) {
			assert_int_equal(dti_compute(fw, ds, 4, NULL, &a, &err),
			                 DTI_EINVALID);
			assert_non_null(
			    strstr(err.message, "'years' is neither"));
			assert_null(a);
		} else {
			assert_int_equal(dti_compute(fw, ds, 4, NULL, &a, &err),
			                 DTI_OK);
			assert_int_equal(dti_result_norm_cycles(a),
			                 w == 0 ? 5 : 1);
			dti_result_free(a);
		}
		co.across_cycles = w == 0 ? -1 : 1;
		assert_int_equal(dti_compute(fw, ds, 4, &co, &a, &err), DTI_OK);
		assert_int_equal(dti_result_norm_cycles(a), w == 0 ? 1 : 5);
		dti_result_free(a);
		dti_dataset_free(ds);
		dti_framework_free(fw);
	}
	free(meta);
	dti_error_release(&err);
}

static void test_coinr_compare(void **state)
{
	(void)state;
	struct dti_error err = DTI_ERROR_INIT;
	char *fp = test_path("tests/data/coinr-asem/iMeta.csv");
	char *dp = test_path("tests/data/coinr-asem/iData.csv");
	char *text = NULL;
	size_t len = 0;
	FILE *f = fopen(fp, "r");
	assert_non_null(f);
	text = calloc(1, 1 << 16);
	assert_non_null(text);
	len = fread(text, 1, (1 << 16) - 1, f);
	fclose(f);
	/* build B: Sust weighs 2 beside Conn's 1 */
	char *w = strstr(text, "\n3,Sust,Sustainability,1,1,");
	assert_non_null(w);
	w[strlen("\n3,Sust,Sustainability,1,")] = '2';
	struct dti_framework *fa = NULL, *fb = NULL;
	struct dti_dataset *da = NULL, *db = NULL;
	struct dti_result *ra = NULL, *rb = NULL;
	assert_int_equal(dti_framework_load(fp, &fa, &err), DTI_OK);
	assert_int_equal(
	    dti_framework_parse(text, len, "iMeta-w.csv", &fb, &err), DTI_OK);
	assert_int_equal(dti_dataset_read(fa, NULL, dp, NULL, &da, &err),
	                 DTI_OK);
	assert_int_equal(dti_dataset_read(fb, NULL, dp, NULL, &db, &err),
	                 DTI_OK);
	assert_int_equal(dti_compute(fa, da, 0, NULL, &ra, &err), DTI_OK);
	assert_int_equal(dti_compute(fb, db, 0, NULL, &rb, &err), DTI_OK);
	struct dti_comparison *c = NULL;
	assert_int_equal(dti_compare(ra, rb, NULL, &c, &err), DTI_OK);
	char comment[128] = "";
	size_t n = fixture("tests/data/coinr-asem/compare-sust2.csv", fx, 300,
	                   comment, sizeof comment);
	assert_int_equal(n, 51);
	assert_int_equal(c->nrows, 51);
	double shift = 0;
	for (size_t r = 0; r < n; r++) {
		const struct dti_compare_row *u = row_of(c, fx[r][0]);
		assert_near(u->a, strtod(fx[r][1], NULL), 5.0001e-5);
		assert_near(u->b, strtod(fx[r][2], NULL), 5.0001e-5);
		assert_int_equal(u->rank_a, atoi(fx[r][3]));
		assert_int_equal(u->rank_b, atoi(fx[r][4]));
		assert_int_equal(u->places, atoi(fx[r][5]));
		shift += abs(atoi(fx[r][5]));
	}
	assert_near(c->mean_abs_shift, shift / 51, 1e-12);
	/* "# spearman: 0.97719..." (no tie among the 51: the same on values
	   at full precision, on rounded values and on ranks) */
	const char *sp = strchr(comment, ':');
	assert_non_null(sp);
	assert_near(c->spearman, strtod(sp + 1, NULL), 1e-12);
	/* the largest fall is China's 10 places (17 -> 27) */
	assert_string_equal(c->rows[0].id, "CHN");
	assert_string_equal(c->rows[c->fall].id, "CHN");
	assert_int_equal(c->rows[c->fall].places, -10);
	dti_comparison_free(c);
	dti_result_free(ra);
	dti_result_free(rb);
	dti_dataset_free(da);
	dti_dataset_free(db);
	dti_framework_free(fa);
	dti_framework_free(fb);
	free(text);
	free(fp);
	free(dp);
	dti_error_release(&err);
}

static void test_order_names(void **state)
{
	(void)state;
	assert_int_equal(dti_move_order_parse("places"), DTI_MOVE_PLACES);
	assert_int_equal(dti_move_order_parse("growth"), DTI_MOVE_GROWTH);
	assert_int_equal(dti_move_order_parse("name"), DTI_MOVE_NAME);
	assert_int_equal(dti_move_order_parse("size"), -1);
	assert_int_equal(dti_move_order_parse(NULL), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_missing_policy),
	    cmocka_unit_test(test_corrected_data),
	    cmocka_unit_test(test_trends_by_hand),
	    cmocka_unit_test(test_trends_from),
	    cmocka_unit_test(test_coinr_trends),
	    cmocka_unit_test(test_coinr_compare),
	    cmocka_unit_test(test_coinr_global),
	    cmocka_unit_test(test_order_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
