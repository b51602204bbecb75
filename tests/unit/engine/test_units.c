/*
 * tests/unit/engine/test_units.c - the units registry (lib/engine/units.c) and
 * the bundled registry of Vietnam's provinces (data/units/vn-provinces.csv).
 *
 * The bundled file is checked against what the 2025 merger requires: 63
 * provinces until 2025-06-30, 34 from 2025-07-01, every old province
 * reaching exactly one new one.
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
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "dti/dti.h"
#include "testutil.h"

struct fixture {
	struct dti_units *u;
};

static int setup(void **state)
{
	static struct fixture f;
	struct dti_error err = DTI_ERROR_INIT;
	char *path = test_path("data/units/vn-provinces.csv");
	char *gpath = test_path("data/units/regions.csv");
	if (!path || !gpath)
		return -1;
	enum dti_status st = dti_units_load(path, &f.u, &err);
	if (st == DTI_OK)
		st = dti_units_load_groups(f.u, gpath, &err);
	if (st) {
		char msg[1024];
		dti_error_format(&err, msg, sizeof msg);
		print_error("loading the bundled registry: %s\n", msg);
	}
	free(path);
	free(gpath);
	dti_error_release(&err);
	*state = &f;
	return st == DTI_OK ? 0 : -1;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	dti_units_free(f->u);
	f->u = NULL;
	return 0;
}

/* The id found for text on date, or the error message as "!message". */
static const char *find(const struct dti_units *u, const char *text,
                        const char *date)
{
	static char out[DTI_ERROR_MSG_MAX + 1];
	struct dti_error err = DTI_ERROR_INIT;
	size_t i;
	enum dti_status st = dti_units_find(u, text, date, &i, &err);
	if (st) {
		snprintf(out, sizeof out, "!%s", err.message);
		dti_error_release(&err);
		return out;
	}
	struct dti_unit_info info;
	dti_units_get(u, i, &info);
	return info.id;
}

static enum dti_status find_status(const struct dti_units *u, const char *text,
                                   const char *date, struct dti_error *err)
{
	size_t i;
	dti_error_init(err);
	return dti_units_find(u, text, date, &i, err);
}

static size_t index_of(const struct dti_units *u, const char *id)
{
	for (size_t i = 0; i < dti_units_count(u); i++) {
		struct dti_unit_info info;
		dti_units_get(u, i, &info);
		if (strcmp(info.id, id) == 0)
			return i;
	}
	fail_msg("no unit with id %s", id);
	return 0;
}

/* ---- the bundled registry -------------------------------------------- */

static void test_bundled_counts(void **state)
{
	struct fixture *f = *state;
	const struct dti_units *u = f->u;
	assert_int_equal(dti_units_count(u), 63 + 23);
	size_t before = 0, after = 0;
	for (size_t i = 0; i < dti_units_count(u); i++) {
		before += (size_t)dti_units_valid_on(u, i, "2025-06-30");
		after += (size_t)dti_units_valid_on(u, i, "2025-07-01");
		assert_true(dti_units_valid_on(u, i, NULL));
	}
	assert_int_equal(before, 63);
	assert_int_equal(after, 34);

	struct dti_unit_info info;
	dti_units_get(u, index_of(u, "79"), &info);
	assert_string_equal(info.name_vi, "Hồ Chí Minh");
	assert_string_equal(info.name_ascii, "Ho Chi Minh");
	assert_string_equal(info.code, "79");
	assert_string_equal(info.group, "DNB");
	assert_string_equal(info.valid_from, "");
	assert_string_equal(info.valid_to, "2025-06-30");
	assert_true(info.naliases >= 3);
	assert_string_equal(info.aliases[0], "TP. Hồ Chí Minh");
	assert_int_equal(info.nsuccessors, 1);
	assert_int_equal(info.successors[0], index_of(u, "79-2025"));
	assert_true(isnan(info.population));

	/* Huế continues Thừa Thiên Huế under its new name */
	dti_units_get(u, index_of(u, "46"), &info);
	assert_string_equal(info.name_vi, "Huế");
	assert_string_equal(info.valid_to, "");
	assert_int_equal(info.nsuccessors, 0);

	/* a merged province is a new unit; its group is empty when its
	 * predecessors span regions */
	dti_units_get(u, index_of(u, "08-2025"), &info);
	assert_string_equal(info.code, "08");
	assert_string_equal(info.valid_from, "2025-07-01");
	assert_string_equal(info.group, "TDMNPB");
	dti_units_get(u, index_of(u, "66-2025"), &info);
	assert_string_equal(info.group, "");
	/* out of range */
	dti_units_get(u, 1000, &info);
	assert_null(info.id);
	assert_int_equal(dti_units_valid_on(u, 1000, NULL), 0);
}

static void test_bundled_groups(void **state)
{
	struct fixture *f = *state;
	const struct dti_units *u = f->u;
	assert_int_equal(dti_units_group_count(u), 6);
	const struct dti_group_info *g = dti_units_group_find(u, "TN");
	assert_non_null(g);
	assert_string_equal(g->name_vi, "Tây Nguyên");
	assert_string_equal(g->name_en, "Central Highlands");
	assert_null(dti_units_group_find(u, "XX"));
	struct dti_group_info gi;
	for (size_t i = 0; i < dti_units_group_count(u); i++) {
		dti_units_group(u, i, &gi);
		assert_ptr_equal(dti_units_group_find(u, gi.id)->name_vi,
		                 gi.name_vi);
		assert_string_not_equal(gi.name_en, gi.id);
	}
}

static void test_find(void **state)
{
	struct fixture *f = *state;
	const struct dti_units *u = f->u;
	assert_string_equal(find(u, "TP. Đà Nẵng", "2022-12-31"), "48");
	assert_string_equal(find(u, "TP. Đà Nẵng", "2025-12-31"), "48-2025");
	assert_string_equal(find(u, "Thừa Thiên - Huế", "2022-12-31"), "46");
	assert_string_equal(find(u, "Thừa Thiên - Huế", "2025-12-31"), "46");
	assert_string_equal(find(u, "Huế", NULL), "46");
	assert_string_equal(find(u, "ha noi", NULL), "01");
	assert_string_equal(find(u, "HA NOI", "2023-01-01"), "01");
	assert_string_equal(find(u, "TP. Hà Nội", NULL), "01");
	assert_string_equal(find(u, "Thành phố Hà Nội", NULL), "01");
	assert_string_equal(find(u, "  Hà Nội ", NULL), "01");
	assert_string_equal(find(u, "Tỉnh Cao Bằng", NULL), "04");
	assert_string_equal(find(u, "Thành phố Huế", NULL), "46");
	assert_string_equal(find(u, "Tuyen Quang", "2022-12-31"), "08");
	assert_string_equal(find(u, "Tuyen Quang", "2026-01-01"), "08-2025");
	assert_string_equal(find(u, "Hoà Bình", "2022-12-31"), "17");
	assert_string_equal(find(u, "Bà Rịa–Vũng Tàu", "2022-12-31"), "77");
	assert_string_equal(find(u, "Dak Lak", "2024-12-31"), "66");
	assert_string_equal(find(u, "TP.HCM", "2022-12-31"), "79");
	assert_string_equal(find(u, "tp ho chi minh", "2026-01-01"), "79-2025");
	/* NFD input matches too */
	assert_string_equal(find(u, "Ha\xCC\x80 Giang", "2024-01-01"), "02");
	/* ids and codes */
	assert_string_equal(find(u, "02", NULL), "02");
	assert_string_equal(find(u, "48-2025", NULL), "48-2025");
	assert_string_equal(find(u, "48", "2022-12-31"), "48");
	assert_string_equal(find(u, "48", "2025-12-31"), "48-2025");
}

static void test_find_ambiguous(void **state)
{
	struct fixture *f = *state;
	struct dti_error err;
	assert_int_equal(find_status(f->u, "Tuyên Quang", NULL, &err),
	                 DTI_EAMBIGUOUS);
	assert_non_null(strstr(err.message, "2 units"));
	assert_non_null(strstr(err.message, "id 08,"));
	assert_non_null(strstr(err.message, "id 08-2025"));
	assert_non_null(strstr(err.message, "until 2025-06-30"));
	assert_non_null(strstr(err.message, "from 2025-07-01"));
	/* the caller adds the location */
	assert_string_equal(err.file, "");
	assert_int_equal(err.line, 0);
	dti_error_release(&err);
	assert_int_equal(find_status(f->u, "48", NULL, &err), DTI_OK);
	dti_error_release(&err);
	assert_int_equal(find_status(f->u, "Đà Nẵng", NULL, &err),
	                 DTI_EAMBIGUOUS);
	dti_error_release(&err);
}

static void test_find_unknown(void **state)
{
	struct fixture *f = *state;
	const struct dti_units *u = f->u;
	const char *r = find(u, "Ha Nol", NULL);
	assert_non_null(strstr(r, "unknown unit 'Ha Nol'"));
	assert_non_null(strstr(r, "did you mean 'Hà Nội' (id 01)?"));
	r = find(u, "Thanh Hoa x", "2025-01-01");
	assert_non_null(strstr(r, "did you mean 'Thanh Hóa'"));
	r = find(u, "Atlantis", NULL);
	assert_string_equal(r, "!unknown unit 'Atlantis'");
	r = find(u, "   ", NULL);
	assert_non_null(strstr(r, "empty"));
	/* a name of another period says where its territory went */
	r = find(u, "Hà Giang", "2025-12-31");
	assert_non_null(strstr(r, "unknown unit 'Hà Giang' on 2025-12-31"));
	assert_non_null(strstr(r, "until 2025-06-30"));
	assert_non_null(strstr(r, "Tuyên Quang (id 08-2025)"));
	assert_string_equal(find(u, "Lâm Đồng", "2020-01-01"), "68");
	r = find(u, "68-2025", "2020-01-01");
	assert_non_null(strstr(r, "Lâm Đồng (id 68-2025) is valid from "
	                          "2025-07-01"));
	r = find(u, "02", "2025-07-01");
	assert_non_null(strstr(r, "08-2025"));

	struct dti_error err;
	assert_int_equal(find_status(u, "Ha Nol", NULL, &err), DTI_ENOTFOUND);
	dti_error_release(&err);
	assert_int_equal(find_status(u, "Hà Nội", "2025-13-01", &err),
	                 DTI_EARG);
	dti_error_release(&err);
	assert_int_equal(dti_units_find(u, NULL, NULL, NULL, NULL), DTI_EARG);
}

static void test_successors(void **state)
{
	struct fixture *f = *state;
	const struct dti_units *u = f->u;
	size_t out[8];
	size_t ha_giang = index_of(u, "02");
	assert_int_equal(
	    dti_units_successors_on(u, ha_giang, "2025-07-01", out, 8), 1);
	assert_int_equal(out[0], index_of(u, "08-2025"));
	/* valid on the date: itself */
	assert_int_equal(
	    dti_units_successors_on(u, ha_giang, "2024-12-31", out, 8), 1);
	assert_int_equal(out[0], ha_giang);
	size_t hn = index_of(u, "01");
	assert_int_equal(dti_units_successors_on(u, hn, "2025-07-01", out, 8),
	                 1);
	assert_int_equal(out[0], hn);
	/* a new unit before it existed: nothing */
	assert_int_equal(dti_units_successors_on(u, index_of(u, "08-2025"),
	                                         "2020-01-01", out, 8),
	                 0);
	/* the count is returned even when out is too small */
	assert_int_equal(
	    dti_units_successors_on(u, ha_giang, "2025-07-01", NULL, 0), 1);

	/* every one of the 63 reaches exactly one of the 34 */
	size_t reached[128];
	size_t nreached = 0;
	size_t n63 = 0;
	for (size_t i = 0; i < dti_units_count(u); i++) {
		if (!dti_units_valid_on(u, i, "2025-06-30"))
			continue;
		n63++;
		size_t n = dti_units_successors_on(u, i, "2025-07-01", out, 8);
		assert_int_equal(n, 1);
		assert_true(dti_units_valid_on(u, out[0], "2025-07-01"));
		int dup = 0;
		for (size_t k = 0; k < nreached; k++)
			dup |= reached[k] == out[0];
		if (!dup)
			reached[nreached++] = out[0];
	}
	assert_int_equal(n63, 63);
	assert_int_equal(nreached, 34);
}

/* The predecessors of each merged province (Resolution 202/2025/QH15). */
static void test_merger_table(void **state)
{
	struct fixture *f = *state;
	const struct dti_units *u = f->u;
	static const char *const merged[][5] = {
	    {"08-2025", "02", "08"},       {"15-2025", "10", "15"},
	    {"19-2025", "06", "19"},       {"24-2025", "24", "27"},
	    {"25-2025", "17", "25", "26"}, {"31-2025", "30", "31"},
	    {"33-2025", "33", "34"},       {"37-2025", "35", "36", "37"},
	    {"44-2025", "44", "45"},       {"48-2025", "48", "49"},
	    {"51-2025", "51", "62"},       {"52-2025", "52", "64"},
	    {"56-2025", "56", "58"},       {"66-2025", "54", "66"},
	    {"68-2025", "60", "67", "68"}, {"75-2025", "70", "75"},
	    {"79-2025", "74", "77", "79"}, {"80-2025", "72", "80"},
	    {"82-2025", "82", "87"},       {"86-2025", "83", "84", "86"},
	    {"91-2025", "89", "91"},       {"92-2025", "92", "93", "94"},
	    {"96-2025", "95", "96"},
	};
	static const char *const continuing[] = {
	    "01", "04", "11", "12", "14", "20", "22", "38", "40", "42", "46"};
	size_t npred = 0;
	for (size_t m = 0; m < sizeof merged / sizeof merged[0]; m++) {
		size_t target = index_of(u, merged[m][0]);
		struct dti_unit_info info;
		dti_units_get(u, target, &info);
		/* the code is that of a predecessor */
		int code_ok = 0;
		for (size_t k = 1; k < 5 && merged[m][k]; k++) {
			size_t out[2];
			size_t p = index_of(u, merged[m][k]);
			assert_int_equal(
			    dti_units_successors_on(u, p, "2025-07-01", out, 2),
			    1);
			assert_int_equal(out[0], target);
			code_ok |= strcmp(info.code, merged[m][k]) == 0;
			npred++;
		}
		assert_true(code_ok);
	}
	for (size_t c = 0; c < sizeof continuing / sizeof continuing[0]; c++) {
		size_t i = index_of(u, continuing[c]);
		assert_true(dti_units_valid_on(u, i, "2022-12-31"));
		assert_true(dti_units_valid_on(u, i, "2030-01-01"));
	}
	assert_int_equal(npred + 11, 63);
}

/* ---- parsing --------------------------------------------------------- */

static enum dti_status parse(const char *text, struct dti_units **u,
                             struct dti_error *err)
{
	dti_error_init(err);
	*u = NULL;
	return dti_units_parse(text, strlen(text), "reg.csv", u, err);
}

static void test_parse_small(void **state)
{
	(void)state;
	struct dti_units *u;
	struct dti_error err;
	const char *text =
	    "# registry: test\n"
	    "ID;Name_VI;Aliases;Group;Population;Valid_To;Successors\n"
	    "a;Bà Rịa - Vũng Tàu;BRVT; X ;1.152.200;2020-12-31;\"c ; b\"\n"
	    "b;ĐẮK LẮK;;Y;;;\n"
	    "c;Sở Thông tin;;;1200;;\n";
	assert_int_equal(parse(text, &u, &err), DTI_OK);
	assert_int_equal(dti_units_count(u), 3);
	struct dti_unit_info info;
	dti_units_get(u, 0, &info);
	assert_string_equal(info.name_ascii, "Ba Ria - Vung Tau");
	assert_string_equal(info.group, "X");
	assert_string_equal(info.code, "");
	assert_true(fabs(info.population - 1152200) < 1e-6);
	assert_int_equal(info.nsuccessors, 2);
	assert_int_equal(info.successors[0], 2);
	assert_int_equal(info.successors[1], 1);
	dti_units_get(u, 1, &info);
	assert_string_equal(info.name_ascii, "DAK LAK");
	/* groups without a table: names are the ids */
	assert_int_equal(dti_units_group_count(u), 2);
	const struct dti_group_info *g = dti_units_group_find(u, "X");
	assert_non_null(g);
	assert_string_equal(g->name_vi, "X");
	assert_string_equal(g->name_en, "X");
	/* a split: both successors */
	size_t out[4];
	assert_int_equal(dti_units_successors_on(u, 0, "2021-01-01", out, 4),
	                 2);
	assert_int_equal(out[0], 2);
	assert_int_equal(out[1], 1);
	assert_int_equal(dti_units_successors_on(u, 0, "2021-01-01", out, 1),
	                 2);
	assert_string_equal(find(u, "so thong tin", "2021-01-01"), "c");
	assert_string_equal(find(u, "brvt", NULL), "a");

	/* a groups table may name other columns (provinces_63) */
	const char *groups = "region,name_vi,name_en,provinces_63\n"
	                     "X,Miền X,Region X,14\n"
	                     "Z,Miền Z,,3\n";
	assert_int_equal(
	    dti_units_parse_groups(u, groups, strlen(groups), "g.csv", &err),
	    DTI_OK);
	assert_ptr_equal(dti_units_group_find(u, "X"), g);
	assert_string_equal(g->name_vi, "Miền X");
	assert_string_equal(g->name_en, "Region X");
	assert_string_equal(dti_units_group_find(u, "Z")->name_en, "Miền Z");
	assert_int_equal(dti_units_group_count(u), 3);
	/* a bad groups table changes nothing */
	const char *bad = "group,name_vi\nX,Khác\nX,Lặp\n";
	assert_int_equal(
	    dti_units_parse_groups(u, bad, strlen(bad), "g.csv", &err),
	    DTI_EINVALID);
	assert_int_equal(err.line, 3);
	assert_non_null(strstr(err.message, "duplicate group 'X'"));
	assert_string_equal(g->name_vi, "Miền X");
	dti_error_release(&err);
	const char *nogroup = "name_vi,name_en\nA,B\n";
	assert_int_equal(
	    dti_units_parse_groups(u, nogroup, strlen(nogroup), "g.csv", &err),
	    DTI_EINVALID);
	assert_non_null(strstr(err.message, "'group'"));
	dti_error_release(&err);
	dti_units_free(u);
}

/* The diagnostics of err (first and `more`) as one string per line. */
static void diag_text(const struct dti_error *err, char *out, size_t n)
{
	size_t k = 0;
	out[0] = '\0';
	char line[1024];
	dti_error_format(err, line, sizeof line);
	k += (size_t)snprintf(out + k, n - k, "%s\n", line);
	for (size_t i = 0; i < err->nmore && k < n; i++) {
		dti_diag_format(&err->more[i], line, sizeof line);
		k += (size_t)snprintf(out + k, n - k, "%s\n", line);
	}
}

static void test_parse_errors(void **state)
{
	(void)state;
	struct dti_units *u;
	struct dti_error err;
	char all[8192];
	const char *text = "id,name_vi,valid_from,valid_to,successors\n"
	                   "01,Hà Nội,,,\n"
	                   "02,Hà Giang,,2025-06-30,99\n"
	                   "01,Hà Nội bis,,,\n"
	                   "03,Cao Bằng,2025-02-30x,,\n"
	                   "04,Lào Cai,2026-01-01,2025-01-01,\n"
	                   "05,,,,\n";
	assert_int_equal(parse(text, &u, &err), DTI_EINVALID);
	assert_null(u);
	diag_text(&err, all, sizeof all);
	/* every fault of the file, each with line, column and field */
	assert_non_null(strstr(all, "reg.csv:4:1: id: duplicate id '01' "
	                            "(first on line 2)"));
	assert_non_null(strstr(all, "reg.csv:5:3: valid_from: bad date "
	                            "'2025-02-30x'"));
	assert_non_null(strstr(all, "reg.csv:6:4: valid_to: valid_to "
	                            "2025-01-01 is before valid_from"));
	assert_non_null(strstr(all, "reg.csv:7:2: name_vi: empty name_vi"));
	assert_non_null(strstr(all, "reg.csv:3:5: successors: unknown "
	                            "successor id '99'"));
	assert_int_equal(err.nmore, 4);
	dti_error_release(&err);

	assert_int_equal(parse("id,name_vi,colour\n01,A,red\n", &u, &err),
	                 DTI_EINVALID);
	assert_int_equal(err.line, 1);
	assert_int_equal(err.column, 3);
	assert_string_equal(err.field, "colour");
	assert_non_null(strstr(err.message, "unknown column 'colour'"));
	dti_error_release(&err);

	assert_int_equal(parse("id,code\n01,01\n", &u, &err), DTI_EINVALID);
	assert_non_null(strstr(err.message, "missing required column "
	                                    "'name_vi'"));
	dti_error_release(&err);

	assert_int_equal(parse("", &u, &err), DTI_EINVALID);
	assert_non_null(strstr(err.message, "empty"));
	dti_error_release(&err);
	assert_int_equal(parse("# only: metadata\n\n", &u, &err), DTI_EINVALID);
	dti_error_release(&err);
	assert_int_equal(parse("id,name_vi\n", &u, &err), DTI_EINVALID);
	assert_non_null(strstr(err.message, "no unit"));
	dti_error_release(&err);

	/* cycles, self-successors, successors of a unit that never ends */
	assert_int_equal(parse("id,name_vi,valid_to,successors\n"
	                       "a,A,2020-01-01,b\nb,B,2021-01-01,a\n",
	                       &u, &err),
	                 DTI_EINVALID);
	assert_non_null(strstr(err.message, "cycle"));
	dti_error_release(&err);
	assert_int_equal(parse("id,name_vi,valid_to,successors\n"
	                       "a,A,2020-01-01,a\n",
	                       &u, &err),
	                 DTI_EINVALID);
	assert_non_null(strstr(err.message, "itself"));
	dti_error_release(&err);
	assert_int_equal(
	    parse("id,name_vi,successors\na,A,b\nb,B,\n", &u, &err),
	    DTI_EINVALID);
	assert_int_equal(err.line, 2);
	assert_int_equal(err.column, 3);
	assert_non_null(strstr(err.message, "no valid_to"));
	dti_error_release(&err);

	/* numbers and stray cells */
	assert_int_equal(parse("id,name_vi,population\na,A,1,120\n", &u, &err),
	                 DTI_EINVALID);
	assert_non_null(strstr(err.message, "beyond the 3 columns"));
	dti_error_release(&err);
	assert_int_equal(
	    parse("id,name_vi,population\na,A,\"1,120\"\n", &u, &err),
	    DTI_EAMBIGUOUS);
	assert_string_equal(err.field, "population");
	dti_error_release(&err);
	assert_int_equal(parse("id,name_vi,population\na,A,12%\n", &u, &err),
	                 DTI_EINVALID);
	dti_error_release(&err);
	assert_int_equal(parse("id,name_vi,population\na,A,abc\n", &u, &err),
	                 DTI_ESYNTAX);
	dti_error_release(&err);
	assert_int_equal(parse("id,name_vi,,\na,A,,x\n", &u, &err),
	                 DTI_EINVALID);
	assert_int_equal(err.column, 4);
	assert_non_null(strstr(err.message, "no name in the header"));
	dti_error_release(&err);
	/* trailing empty cells of a spreadsheet are fine */
	assert_int_equal(parse("id,name_vi,,\na,A,,\n", &u, &err), DTI_OK);
	dti_units_free(u);
	/* bad ids */
	assert_int_equal(parse("id,name_vi\n,A\n", &u, &err), DTI_EINVALID);
	assert_non_null(strstr(err.message, "empty id"));
	dti_error_release(&err);
	/* not UTF-8: the check of lib/base/text.c, located */
	assert_int_equal(parse("id,name_vi\n01,H\xE0 N\xF4\xF2i\n", &u, &err),
	                 DTI_EENCODING);
	assert_int_equal(err.line, 2);
	assert_int_equal(err.column, 5);
	dti_error_release(&err);
	assert_int_equal(dti_units_parse(NULL, 0, NULL, NULL, NULL), DTI_EARG);
	assert_int_equal(dti_units_load("/nonexistent/units.csv", &u, &err),
	                 DTI_EIO);
	dti_error_release(&err);
}

static void test_find_levels(void **state)
{
	(void)state;
	struct dti_units *u;
	struct dti_error err;
	/* an id beats a code, a code beats a name, a name beats a fold key */
	const char *text = "id,code,name_vi,aliases\n"
	                   "x1,A,Bình,\n"
	                   "A,B,Khác,\n"
	                   "x3,,Binh,\n"
	                   "x4,,Tỉnh Bình,\n"
	                   "x5,,Nam,Nam Bộ\n"
	                   "x6,,Nam Bộ,\n";
	assert_int_equal(parse(text, &u, &err), DTI_OK);
	assert_string_equal(find(u, "A", NULL), "A");
	assert_string_equal(find(u, "B", NULL), "A");
	assert_string_equal(find(u, "Bình", NULL), "x1");
	/* x1's name_ascii is "Binh" too */
	assert_non_null(strstr(find(u, "Binh", NULL), "matches 2 units"));
	/* fold level: "binh" is the key of x1 and x3, and of x4 without its
	 * prefix */
	assert_non_null(strstr(find(u, "BINH", NULL), "matches 3 units"));
	assert_string_equal(find(u, "tinh binh", NULL), "x4");
	/* two units share the exact name "Nam Bộ" */
	assert_non_null(strstr(find(u, "Nam Bộ", NULL), "2 units"));
	assert_string_equal(find(u, "Nam", NULL), "x5");
	dti_units_free(u);
}

/*
 * Prefixes of local levels (Huyện, Quận, Thị xã, Xã, Phường, Sở) match
 * tolerantly, with their ASCII and dotted forms, and never make distinct
 * units collide: "Thành phố Tân An" and "Huyện Tân An" stay apart when
 * the name says which and are ambiguous when it does not.  "Quan Hóa" is
 * a district's name, not "Quận Hóa".
 */
static void test_find_admin_prefixes(void **state)
{
	(void)state;
	struct dti_units *u;
	struct dti_error err;
	const char *text = "id,code,name_vi\n"
	                   "lh,L1,Huyện Lâm Hà\n"
	                   "tp-ta,T1,Thành phố Tân An\n"
	                   "h-ta,T2,Huyện Tân An\n"
	                   "qh,Q9,Huyện Quan Hóa\n"
	                   "hoa,X1,Hòa\n"
	                   "q1,Q1,Quận 1\n"
	                   "bn,P1,Phường Bến Nghé\n"
	                   "st,S1,Thị xã Sơn Tây\n"
	                   "snv,D1,Sở Nội vụ\n"
	                   "pl,X2,Xã Phú Lộc\n";
	assert_int_equal(parse(text, &u, &err), DTI_OK);
	static const char *const want[][2] = {
	    {"Huyện Lâm Hà", "lh"},
	    {"huyen lam ha", "lh"},
	    {"H. Lâm Hà", "lh"},
	    {"Lâm Hà", "lh"},
	    {"lam ha", "lh"},
	    {"Thành phố Tân An", "tp-ta"},
	    {"TP. Tân An", "tp-ta"},
	    {"thanh pho tan an", "tp-ta"},
	    {"Huyện Tân An", "h-ta"},
	    {"H. Tân An", "h-ta"},
	    {"huyen tan an", "h-ta"},
	    {"Quan Hóa", "qh"},
	    {"Hòa", "hoa"},
	    {"Quận 1", "q1"},
	    {"Q. 1", "q1"},
	    {"quan 1", "q1"},
	    {"Bến Nghé", "bn"},
	    {"P. Bến Nghé", "bn"},
	    {"phuong ben nghe", "bn"},
	    {"TX. Sơn Tây", "st"},
	    {"TX Sơn Tây", "st"},
	    {"thi xa son tay", "st"},
	    {"Sơn Tây", "st"},
	    {"Nội vụ", "snv"},
	    {"so noi vu", "snv"},
	    {"Sở Nội Vụ", "snv"},
	    {"Phú Lộc", "pl"},
	    {"xa phu loc", "pl"},
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		const char *got = find(u, want[i][0], NULL);
		if (strcmp(got, want[i][1]) != 0)
			fail_msg("'%s': got '%s', want '%s'", want[i][0], got,
			         want[i][1]);
	}
	/* the name does not say which: ambiguous, both listed */
	const char *amb = find(u, "Tân An", NULL);
	assert_non_null(strstr(amb, "matches 2 units"));
	assert_non_null(strstr(amb, "tp-ta"));
	assert_non_null(strstr(amb, "h-ta"));
	/* another level's prefix does not find a district, nor does a bare
	   letter without its dot */
	assert_non_null(strstr(find(u, "Xã Lâm Hà", NULL), "unknown unit"));
	assert_non_null(strstr(find(u, "Xã Tân An", NULL), "unknown unit"));
	assert_non_null(strstr(find(u, "H Lâm Hà", NULL), "unknown unit"));
	dti_units_free(u);
}

int main(void)
{
	const struct CMUnitTest bundled[] = {
	    cmocka_unit_test(test_bundled_counts),
	    cmocka_unit_test(test_bundled_groups),
	    cmocka_unit_test(test_find),
	    cmocka_unit_test(test_find_ambiguous),
	    cmocka_unit_test(test_find_unknown),
	    cmocka_unit_test(test_successors),
	    cmocka_unit_test(test_merger_table),
	};
	const struct CMUnitTest parsing[] = {
	    cmocka_unit_test(test_parse_small),
	    cmocka_unit_test(test_parse_errors),
	    cmocka_unit_test(test_find_levels),
	    cmocka_unit_test(test_find_admin_prefixes),
	};
	int failed = cmocka_run_group_tests_name("bundled registry", bundled,
	                                         setup, teardown);
	failed += cmocka_run_group_tests_name("parsing", parsing, NULL, NULL);
	return failed;
}
