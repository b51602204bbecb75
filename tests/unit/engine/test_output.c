/*
 * tests/unit/engine/test_output.c - the writers of lib/engine/output.c: result
 * tables aligned by display width (Vietnamese names precomposed or decomposed),
 * CSV with its header and RFC 4180 quoting, JSON checked by a strict
 * reader written here (null for a missing value), NDJSON one object per
 * line, the synthetic-data labels of every format, numbers that keep '.'
 * under a locale with a decimal comma, frameworks as tables and as CSV that
 * reads back into the same framework, and the units registry.
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

static struct dti_framework *fw_file(const char *rel)
{
	struct dti_framework *fw = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	char *path = test_path(rel);
	enum dti_status st = dti_framework_load(path, &fw, &err);
	if (st)
		show_error(rel, &err);
	free(path);
	dti_error_release(&err);
	assert_int_equal(st, DTI_OK);
	return fw;
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

static char *result_text(const struct dti_result *res,
                         const struct dti_output_opts *o)
{
	struct dti_buf b = DTI_BUF_INIT;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_output_result(res, o, &b, &err);
	if (st)
		show_error("output", &err);
	dti_error_release(&err);
	assert_int_equal(st, DTI_OK);
	assert_non_null(b.data);
	assert_int_equal(strlen(b.data), b.len);
	return b.data;
}

/* Splits text into lines (in place); returns the count. */
static size_t split_lines(char *text, char **lines, size_t max)
{
	size_t n = 0;
	char *p = text;
	while (*p && n < max) {
		lines[n++] = p;
		char *nl = strchr(p, '\n');
		if (!nl)
			break;
		*nl = '\0';
		p = nl + 1;
	}
	return n;
}

/*
 * Display columns of the first `bytes` bytes of s, computed here: one per
 * code point, none for combining marks (U+0300-036F, U+1AB0-1AFF,
 * U+1DC0-1DFF, U+20D0-20FF, U+FE20-FE2F).  Enough for Vietnamese.
 */
static size_t columns(const char *s, size_t bytes)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t w = 0, i = 0;
	while (i < bytes) {
		unsigned cp;
		size_t n;
		if (p[i] < 0x80) {
			cp = p[i];
			n = 1;
		} else if ((p[i] & 0xe0) == 0xc0) {
			cp = p[i] & 0x1fu;
			n = 2;
		} else if ((p[i] & 0xf0) == 0xe0) {
			cp = p[i] & 0x0fu;
			n = 3;
		} else {
			cp = p[i] & 0x07u;
			n = 4;
		}
		for (size_t k = 1; k < n; k++)
			cp = (cp << 6) | (p[i + k] & 0x3fu);
		i += n;
		if ((cp >= 0x300 && cp <= 0x36f) ||
		    (cp >= 0x1ab0 && cp <= 0x1aff) ||
		    (cp >= 0x1dc0 && cp <= 0x1dff) ||
		    (cp >= 0x20d0 && cp <= 0x20ff) ||
		    (cp >= 0xfe20 && cp <= 0xfe2f))
			continue;
		w++;
	}
	return w;
}

/* Display column where `needle` (found at or after `from`) ends. */
static size_t end_column(const char *line, const char *from, const char *needle)
{
	const char *at = strstr(from, needle);
	if (!at)
		fail_msg("\"%s\" not in line \"%s\"", needle, line);
	return columns(line, (size_t)(at - line) + strlen(needle));
}

/* RFC 4180 fields of one CSV line (no newlines inside); returns count. */
static size_t csv_fields(const char *line, char fields[][1024], size_t max)
{
	size_t n = 0;
	const char *p = line;
	for (;;) {
		assert_true(n < max);
		size_t len = 0;
		if (*p == '"') {
			p++;
			for (;;) {
				assert_true(*p != '\0');
				if (p[0] == '"' && p[1] == '"') {
					fields[n][len++] = '"';
					p += 2;
				} else if (*p == '"') {
					p++;
					break;
				} else {
					fields[n][len++] = *p++;
				}
				assert_true(len < 1023);
			}
			assert_true(*p == ',' || *p == '\0');
		} else {
			while (*p && *p != ',') {
				assert_true(*p != '"');
				fields[n][len++] = *p++;
				assert_true(len < 1023);
			}
		}
		fields[n++][len] = '\0';
		if (*p != ',')
			return n;
		p++;
	}
}

/* ---- the result used by most tests -------------------------------------- */

#define HUE_NFC "Thừa Thiên Huế"
#define HUE_NFD                                                                \
	"Thu\xcc\x9b\xcc\x80"                                                  \
	"a Thie\xcc\x82n Hue\xcc\x82\xcc\x81"

static const char out_fw[] =
    "# id: outfw\n"
    "# title_en: Output test\n"
    "# scoring: points\n"
    "# missing: exclude\n"
    "code,parent,kind,name_vi,name_en,points,rule\n"
    "idx,,index,Chỉ số,Index,20,\n"
    "a,idx,indicator,Nhận thức,Awareness,10,value\n"
    "b,idx,indicator,Hạ tầng,Infrastructure,10,value\n";

/*
 * idx = (10 a + 10 b) / 20, b left out where missing:
 *   U4 0.85 (1), U2 0.75 (2), U1 0.375 (3), U3 0.3 (4, b missing),
 *   U6 0.1 (5), U5 0 (6)
 */
static const char out_data[] = "year,unit,name,a,b\n"
                               "2023,U1," HUE_NFC ",0.5,0.25\n"
                               "2023,U2," HUE_NFD ",1,0.5\n"
                               "2023,U3,Đắk Lắk,0.3,\n"
                               "2023,U4,Bà Rịa - Vũng Tàu,0.9,0.8\n"
                               "2023,U5,Cà Mau,0,0\n"
                               "2023,U6,\"Tỉnh \"\"Mới\"\", Bắc\",0.1,0.1\n";

static const struct {
	const char *id, *name, *idx, *a, *b;
	int rank;
} out_rows[6] = {
    {"U4", "Bà Rịa - Vũng Tàu", "0.8500", "0.9000", "0.8000", 1},
    {"U2", HUE_NFD, "0.7500", "1.0000", "0.5000", 2},
    {"U1", HUE_NFC, "0.3750", "0.5000", "0.2500", 3},
    {"U3", "Đắk Lắk", "0.3000", "0.3000", "", 4},
    {"U6", "Tỉnh \"Mới\", Bắc", "0.1000", "0.1000", "0.1000", 5},
    {"U5", "Cà Mau", "0.0000", "0.0000", "0.0000", 6},
};

struct ctx {
	struct dti_framework *fw;
	struct dti_dataset *ds;
	struct dti_result *res;
};

static void load(struct ctx *c, const char *prefix)
{
	char data[2048];
	snprintf(data, sizeof data, "%s%s", prefix, out_data);
	c->fw = test_fw_text(out_fw, "out.csv");
	c->ds = ds_text(c->fw, data);
	c->res = run(c->fw, c->ds);
}

static void unload(struct ctx *c)
{
	dti_result_free(c->res);
	dti_dataset_free(c->ds);
	dti_framework_free(c->fw);
}

/* ---- tables ------------------------------------------------------------- */

static void test_table_alignment(void **state)
{
	(void)state;
	struct ctx c;
	load(&c, "");
	struct dti_output_opts o = DTI_OUTPUT_OPTS_INIT;
	char *t = result_text(c.res, &o);
	/* the two spellings of Huế differ in bytes, not on screen */
	assert_int_not_equal(strlen(HUE_NFC), strlen(HUE_NFD));
	assert_int_equal(columns(HUE_NFC, strlen(HUE_NFC)),
	                 columns(HUE_NFD, strlen(HUE_NFD)));
	assert_int_equal(dti_text_width(HUE_NFD, strlen(HUE_NFD)), 14);
	char *lines[64] = {NULL};
	size_t n = split_lines(t, lines, 64);
	assert_true(n >= 8);
	assert_contains(lines[0], "outfw");
	assert_contains(lines[0], "2023");
	const char *head = lines[1];
	const char *unit = strstr(head, "Unit");
	assert_non_null(unit);
	size_t unit_col = columns(head, (size_t)(unit - head));
	size_t idx_end = end_column(head, head, "idx");
	size_t a_end = end_column(head, strstr(head, "idx") + 3, " a");
	size_t b_end = end_column(head, strstr(head, "idx") + 3, " b");
	for (size_t r = 0; r < 6; r++) {
		const char *ln = lines[2 + r];
		const char *nm = strstr(ln, out_rows[r].name);
		if (!nm)
			fail_msg("row %zu (%s) is not in order:\n%s", r + 1,
			         out_rows[r].id, ln);
		/* the rank, right-aligned under "Rank" */
		char rk[8];
		snprintf(rk, sizeof rk, "%d", out_rows[r].rank);
		assert_int_equal(end_column(ln, ln, rk), 4);
		/* every name starts under "Unit" */
		assert_int_equal(columns(ln, (size_t)(nm - ln)), unit_col);
		const char *after = nm + strlen(out_rows[r].name);
		/* values end under their headers */
		assert_int_equal(end_column(ln, after, out_rows[r].idx),
		                 idx_end);
		const char *av =
		    strstr(after, out_rows[r].idx) + strlen(out_rows[r].idx);
		assert_int_equal(end_column(ln, av, out_rows[r].a), a_end);
		const char *bv =
		    strstr(av, out_rows[r].a) + strlen(out_rows[r].a);
		const char *bs = *out_rows[r].b ? out_rows[r].b : "–";
		assert_int_equal(end_column(ln, bv, bs), b_end);
		/* no colour by default */
		assert_null(strchr(ln, '\033'));
	}
	/* legend and the note on the missing figure */
	assert_contains(lines[8], "idx = Index");
	free(t);

	/* Vietnamese headers, names of the nodes, rank column */
	o.lang = DTI_LANG_VI;
	o.ranks = 1;
	o.limit = 2;
	t = result_text(c.res, &o);
	assert_contains(t, "Hạng");
	assert_contains(t, "Đơn vị");
	assert_contains(t, "idx = Chỉ số");
	assert_contains(t, "(hiện 2)");
	assert_lacks(t, "Cà Mau");
	free(t);
	unload(&c);
}

/* ---- CSV ---------------------------------------------------------------- */

static void test_csv(void **state)
{
	(void)state;
	struct ctx c;
	load(&c, "");
	struct dti_output_opts o = DTI_OUTPUT_OPTS_INIT;
	o.format = DTI_FORMAT_CSV;
	char *t = result_text(c.res, &o);
	/* the name with a quote and a comma is quoted, quotes doubled */
	assert_contains(t, ",\"Tỉnh \"\"Mới\"\", Bắc\",");
	char *lines[32] = {NULL};
	size_t n = split_lines(t, lines, 32);
	assert_int_equal(n, 7);
	assert_string_equal(lines[0], "year,rank,unit_id,unit,group,idx,a,b");
	for (size_t r = 0; r < 6; r++) {
		static char f[16][1024];
		size_t nf = csv_fields(lines[1 + r], f, 16);
		assert_int_equal(nf, 8);
		assert_string_equal(f[0], "2023");
		assert_int_equal(atoi(f[1]), out_rows[r].rank);
		assert_string_equal(f[2], out_rows[r].id);
		assert_string_equal(f[3], out_rows[r].name);
		assert_string_equal(f[4], "");
		assert_string_equal(f[5], out_rows[r].idx);
		assert_string_equal(f[6], out_rows[r].a);
		/* a missing value is an empty field */
		assert_string_equal(f[7], out_rows[r].b);
	}
	free(t);

	/* ranks and points columns */
	o.ranks = 1;
	o.points = 1;
	t = result_text(c.res, &o);
	n = split_lines(t, lines, 32);
	assert_string_equal(lines[0], "year,rank,unit_id,unit,group,idx,"
	                              "idx_rank,idx_points,a,a_rank,a_points,"
	                              "b,b_rank,b_points");
	/* U4: 17 of 20 points; a 9 of 10 */
	assert_string_equal(lines[1], "2023,1,U4,Bà Rịa - Vũng Tàu,,0.8500,1,"
	                              "17.00,0.9000,2,9.00,0.8000,1,8.00");
	/* U3: b missing, no rank, no points */
	static char f[16][1024];
	assert_int_equal(csv_fields(lines[4], f, 16), 14);
	assert_string_equal(f[2], "U3");
	assert_string_equal(f[11], "");
	assert_string_equal(f[12], "");
	assert_string_equal(f[13], "");
	free(t);
	unload(&c);
}

/* ---- JSON --------------------------------------------------------------- */

/* A workbook: bytes of a zip container with the results and notes sheets;
   the cells are compared with the CSV by tests/xlsx/test_xlsx.py. */
static void test_xlsx(void **state)
{
	(void)state;
	struct ctx c;
	load(&c, "");
	struct dti_output_opts o = DTI_OUTPUT_OPTS_INIT;
	o.format = DTI_FORMAT_XLSX;
	o.ranks = 1;
	struct dti_buf b = DTI_BUF_INIT;
	struct dti_error e = DTI_ERROR_INIT;
	assert_int_equal(dti_output_result(c.res, &o, &b, &e), DTI_OK);
	assert_true(b.len > 1000);
	assert_memory_equal(b.data, "PK\x03\x04", 4);
	/* the zip's directory names its parts in clear */
	const char *parts[] = {"xl/workbook.xml", "xl/worksheets/sheet1.xml",
	                       "xl/worksheets/sheet2.xml", "xl/styles.xml"};
	for (size_t k = 0; k < 4; k++) {
		int found = 0;
		size_t n = strlen(parts[k]);
		for (size_t i = 0; i + n <= b.len && !found; i++)
			found = memcmp(b.data + i, parts[k], n) == 0;
		assert_true(found);
	}
	/* appended: what the buffer held stays in front */
	struct dti_buf b2 = DTI_BUF_INIT;
	dti_buf_adds(&b2, "x");
	assert_int_equal(dti_output_result(c.res, &o, &b2, NULL), DTI_OK);
	assert_int_equal(b2.len, b.len + 1);
	assert_memory_equal(b2.data + 1, "PK", 2);
	/* a buffer too small for it: the limit, never half a workbook */
	struct dti_buf small;
	dti_buf_init(&small, 100);
	assert_int_equal(dti_output_result(c.res, &o, &small, NULL),
	                 DTI_ELIMIT);
	/* frameworks and units are not written as workbooks */
	assert_int_equal(dti_output_framework(c.fw, &o, &small, NULL),
	                 DTI_EARG);
	dti_buf_release(&small);
	dti_buf_release(&b2);
	dti_buf_release(&b);
	dti_error_release(&e);
	unload(&c);
}

static void test_json(void **state)
{
	(void)state;
	struct ctx c;
	load(&c, "");
	struct dti_output_opts o = DTI_OUTPUT_OPTS_INIT;
	o.format = DTI_FORMAT_JSON;
	char *t = result_text(c.res, &o);
	struct jval j = jparse(t, strlen(t));
	assert_int_equal(j.t, J_OBJ);
	const struct jval *fw = jmust(&j, "framework", J_OBJ);
	assert_string_equal(jmust(fw, "id", J_STR)->str, "outfw");
	assert_string_equal(jmust(fw, "title_en", J_STR)->str, "Output test");
	assert_int_equal(jmust(fw, "title_vi", J_NULL)->t, J_NULL);
	assert_string_equal(jmust(&j, "cycle", J_STR)->str, "2023");
	assert_int_equal(jmust(&j, "synthetic", J_TRUE)->t, J_FALSE);
	assert_near(jmust(&j, "precision", J_NUM)->num, 4, 0);
	assert_near(jmust(&j, "scale", J_NUM)->num, 1, 0);
	assert_string_equal(jmust(&j, "missing", J_STR)->str, "exclude");
	assert_int_equal(jmust(&j, "group_by", J_NULL)->t, J_NULL);
	assert_string_equal(jmust(&j, "sorted_by", J_STR)->str, "idx");
	assert_int_equal(jmust(&j, "previous_cycle", J_NULL)->t, J_NULL);
	assert_string_equal(jmust(&j, "data_sha256", J_STR)->str,
	                    dti_result_data_hash(c.res));
	const struct jval *nodes = jmust(&j, "nodes", J_ARR);
	assert_int_equal(nodes->n, 3);
	assert_string_equal(jmust(&nodes->items[0], "code", J_STR)->str, "idx");
	assert_near(jmust(&nodes->items[0], "points", J_NUM)->num, 20, 0);
	assert_string_equal(jmust(&nodes->items[1], "name_vi", J_STR)->str,
	                    "Nhận thức");
	const struct jval *units = jmust(&j, "units", J_ARR);
	assert_int_equal(units->n, 6);
	for (size_t r = 0; r < 6; r++) {
		const struct jval *u = &units->items[r];
		assert_near(jmust(u, "rank", J_NUM)->num, out_rows[r].rank, 0);
		assert_string_equal(jmust(u, "id", J_STR)->str, out_rows[r].id);
		assert_string_equal(jmust(u, "name", J_STR)->str,
		                    out_rows[r].name);
		assert_int_equal(jmust(u, "group", J_NULL)->t, J_NULL);
		const struct jval *v = jmust(u, "values", J_OBJ);
		assert_near(jmust(v, "idx", J_NUM)->num,
		            strtod(out_rows[r].idx, NULL), 1e-12);
		const struct jval *p = jmust(u, "points", J_OBJ);
		assert_near(jmust(p, "idx", J_NUM)->num,
		            20 * strtod(out_rows[r].idx, NULL), 1e-9);
		const struct jval *rk = jmust(u, "ranks", J_OBJ);
		const struct jval *fl = jmust(u, "flags", J_OBJ);
		if (*out_rows[r].b) {
			assert_near(jmust(v, "b", J_NUM)->num,
			            strtod(out_rows[r].b, NULL), 1e-12);
			assert_int_equal(jmust(fl, "b", J_ARR)->n, 0);
		} else {
			/* missing: null, not 0 */
			assert_int_equal(jmust(v, "b", J_NULL)->t, J_NULL);
			assert_int_equal(jmust(rk, "b", J_NULL)->t, J_NULL);
			assert_int_equal(jmust(p, "b", J_NULL)->t, J_NULL);
			const struct jval *bf = jmust(fl, "b", J_ARR);
			assert_int_equal(bf->n, 1);
			assert_string_equal(bf->items[0].str, "missing");
			const struct jval *ifl = jmust(fl, "idx", J_ARR);
			assert_int_equal(ifl->n, 1);
			assert_string_equal(ifl->items[0].str, "partial");
		}
		/* no groups in the data: no group ranks */
		assert_null(jget(u, "group_ranks"));
		assert_int_equal(jmust(u, "group_rank", J_NULL)->t, J_NULL);
	}
	const struct jval *notes = jmust(&j, "notes", J_ARR);
	assert_true(notes->n >= 1);
	jfree(&j);
	free(t);
	unload(&c);
}

static void test_ndjson(void **state)
{
	(void)state;
	struct ctx c;
	load(&c, "");
	struct dti_output_opts o = DTI_OUTPUT_OPTS_INIT;
	o.format = DTI_FORMAT_NDJSON;
	char *t = result_text(c.res, &o);
	assert_int_equal(t[strlen(t) - 1], '\n');
	char *lines[32] = {NULL};
	size_t n = split_lines(t, lines, 32);
	assert_int_equal(n, 6);
	for (size_t r = 0; r < n; r++) {
		struct jval j = jparse(lines[r], strlen(lines[r]));
		assert_int_equal(j.t, J_OBJ);
		assert_string_equal(jmust(&j, "framework", J_STR)->str,
		                    "outfw");
		assert_string_equal(jmust(&j, "cycle", J_STR)->str, "2023");
		assert_int_equal(jmust(&j, "synthetic", J_TRUE)->t, J_FALSE);
		assert_string_equal(jmust(&j, "id", J_STR)->str,
		                    out_rows[r].id);
		assert_near(jmust(&j, "rank", J_NUM)->num, out_rows[r].rank, 0);
		const struct jval *v = jmust(&j, "values", J_OBJ);
		assert_int_equal(v->n, 3);
		jfree(&j);
	}
	free(t);
	unload(&c);
}

/* ---- synthetic data -------------------------------------------------------
 */

static void test_synthetic_labels(void **state)
{
	(void)state;
	struct ctx c;
	load(&c, "# synthetic: yes\n");
	struct dti_output_opts o = DTI_OUTPUT_OPTS_INIT;
	char *t = result_text(c.res, &o);
	assert_int_equal(strncmp(t, "*** SYNTHETIC DEMO DATA", 23), 0);
	/* repeated at the end */
	char *last = strstr(t + 3, "*** SYNTHETIC DEMO DATA");
	assert_non_null(last);
	free(t);
	o.lang = DTI_LANG_VI;
	t = result_text(c.res, &o);
	assert_contains(t, "DỮ LIỆU MÔ PHỎNG");
	free(t);
	o.format = DTI_FORMAT_CSV;
	t = result_text(c.res, &o);
	assert_int_equal(strncmp(t, "# synthetic: yes", 16), 0);
	assert_contains(t, "\nyear,rank,unit_id,unit,group,idx,a,b\n");
	free(t);
	o.format = DTI_FORMAT_JSON;
	t = result_text(c.res, &o);
	struct jval j = jparse(t, strlen(t));
	assert_int_equal(jmust(&j, "synthetic", J_TRUE)->t, J_TRUE);
	jfree(&j);
	free(t);
	o.format = DTI_FORMAT_NDJSON;
	t = result_text(c.res, &o);
	char *lines[32] = {NULL};
	size_t n = split_lines(t, lines, 32);
	assert_int_equal(n, 6);
	for (size_t r = 0; r < n; r++) {
		j = jparse(lines[r], strlen(lines[r]));
		assert_int_equal(jmust(&j, "synthetic", J_TRUE)->t, J_TRUE);
		jfree(&j);
	}
	free(t);
	unload(&c);
}

/* ---- locale ----------------------------------------------------------------
 */

static char locale_dir[256];

/*
 * Switches LC_ALL to a locale whose decimal mark is a comma, through
 * setlocale(LC_ALL, "") as a program does; builds one with localedef into
 * a temporary directory when the system has none.  Returns 0 on success.
 */
static int comma_locale(void)
{
	static const char *const names[] = {"vi_VN.UTF-8", "vi_VN.utf8",
	                                    "de_DE.UTF-8", "de_DE.utf8",
	                                    "fr_FR.UTF-8", "fr_FR.utf8"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		setenv("LC_ALL", names[i], 1);
		if (setlocale(LC_ALL, "") &&
		    strcmp(localeconv()->decimal_point, ",") == 0)
			return 0;
	}
	snprintf(locale_dir, sizeof locale_dir, "/tmp/dti-locale-XXXXXX");
	if (!mkdtemp(locale_dir)) {
		locale_dir[0] = '\0';
		return -1;
	}
	char cmd[600];
	snprintf(cmd, sizeof cmd,
	         "localedef -i de_DE -f UTF-8 %s/de_DE.UTF-8 >/dev/null 2>&1",
	         locale_dir);
	if (system(cmd) != 0)
		return -1;
	setenv("LOCPATH", locale_dir, 1);
	setenv("LC_ALL", "de_DE.UTF-8", 1);
	if (setlocale(LC_ALL, "") &&
	    strcmp(localeconv()->decimal_point, ",") == 0)
		return 0;
	return -1;
}

static void restore_locale(void)
{
	setlocale(LC_ALL, "C");
	unsetenv("LC_ALL");
	unsetenv("LOCPATH");
	if (*locale_dir) {
		char cmd[600];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", locale_dir);
		if (system(cmd) != 0)
			print_message("could not remove %s\n", locale_dir);
		locale_dir[0] = '\0';
	}
}

/* ---- frameworks -------------------------------------------------------------
 */

/* Compares two frameworks node by node. */
static void same_framework(const struct dti_framework *x,
                           const struct dti_framework *y)
{
	assert_int_equal(dti_framework_node_count(x),
	                 dti_framework_node_count(y));
	assert_int_equal(dti_framework_uses_points(x),
	                 dti_framework_uses_points(y));
	assert_near(dti_framework_scale(x), dti_framework_scale(y), 0);
	assert_int_equal(dti_framework_precision(x),
	                 dti_framework_precision(y));
	assert_int_equal(dti_framework_missing(x), dti_framework_missing(y));
	assert_string_equal(dti_framework_id(x), dti_framework_id(y));
	assert_int_equal(dti_framework_meta_count(x),
	                 dti_framework_meta_count(y));
	for (size_t i = 0; i < dti_framework_meta_count(x); i++) {
		const char *k, *v;
		dti_framework_meta_at(x, i, &k, &v);
		const char *v2 = dti_framework_meta(y, k);
		if (!v2 || strcmp(v, v2))
			fail_msg("metadata %s: '%s' became '%s'", k, v,
			         v2 ? v2 : "(none)");
	}
	assert_int_equal(dti_framework_root(x), dti_framework_root(y));
	for (size_t i = 0; i < dti_framework_node_count(x); i++) {
		struct dti_node_info a, b;
		dti_framework_node(x, i, &a);
		dti_framework_node(y, i, &b);
		assert_string_equal(a.code, b.code);
		assert_string_equal(a.name_vi, b.name_vi);
		assert_string_equal(a.name_en, b.name_en);
		assert_string_equal(a.unit, b.unit);
		assert_string_equal(a.note, b.note);
		assert_string_equal(a.rule_text, b.rule_text);
		assert_string_equal(a.params_text, b.params_text);
		assert_int_equal(a.kind, b.kind);
		assert_int_equal(a.rule, b.rule);
		assert_int_equal(a.method, b.method);
		assert_near(a.power, b.power, 0);
		assert_int_equal(a.origin, b.origin);
		assert_int_equal(a.level, b.level);
		assert_int_equal(a.polarity, b.polarity);
		assert_int_equal(a.scored, b.scored);
		assert_int_equal(a.points_known, b.points_known);
		if (isnan(a.points))
			assert_true(isnan(b.points));
		else
			assert_near(a.points, b.points, 0);
		if (isnan(a.weight))
			assert_true(isnan(b.weight));
		else
			assert_near(a.weight, b.weight, 0);
		assert_int_equal(a.nparents, b.nparents);
		for (size_t p = 0; p < a.nparents; p++)
			assert_int_equal(a.parents[p], b.parents[p]);
		assert_int_equal(a.nchildren, b.nchildren);
		for (size_t c = 0; c < a.nchildren; c++) {
			assert_int_equal(a.children[c], b.children[c]);
			if (isnan(a.child_weights[c]))
				assert_true(isnan(b.child_weights[c]));
			else
				assert_near(a.child_weights[c],
				            b.child_weights[c], 0);
		}
	}
}

static void roundtrip(const struct dti_framework *fw, const char *name)
{
	struct dti_output_opts o = DTI_OUTPUT_OPTS_INIT;
	o.format = DTI_FORMAT_CSV;
	struct dti_buf b = DTI_BUF_INIT;
	assert_int_equal(dti_output_framework(fw, &o, &b, NULL), DTI_OK);
	struct dti_framework *back = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st =
	    dti_framework_parse(b.data, b.len, name, &back, &err);
	if (st) {
		show_error("the framework's CSV read back", &err);
		print_error("%s\n", b.data);
	}
	dti_error_release(&err);
	assert_int_equal(st, DTI_OK);
	same_framework(fw, back);
	dti_framework_free(back);
	dti_buf_release(&b);
}

static const char rich_fw[] =
    "# id: rich\n"
    "# title_vi: Bộ chỉ số thử\n"
    "# scoring: weights\n"
    "# scale: 100\n"
    "# precision: 2\n"
    "# missing: group-mean\n"
    "code,parent,kind,name_vi,name_en,weight,polarity,rule,method,params,"
    "target,status,unit,note\n"
    "idx,,index,Chỉ số,Index,1,,,geom,zero=shift;shift=1,,official,,\n"
    "p1,idx,pillar,Trụ cột 1,\"Pillar, one\",2,,,mean:2,,,inferred,,\n"
    "p2,idx,pillar,Trụ cột 2,Pillar two,1,,,harm,coverage=0.5,,example,,\n"
    "s,p1;p2:3,indicator,Dùng chung,Shared,1,,minmax,,lo=1;hi=100,,user,"
    "%,\"a \"\"quoted\"\" note, with a comma\"\n"
    "st,p1,indicator,Bậc,Steps,0.5,-,steps,,\"steps=1:10,2:50,4:100\",,"
    "official,,\n"
    "d,p2,indicator,Mục tiêu,Target,1,-,dist2target,,cap=1,3,official,,\n"
    "z,p2,indicator,Chuẩn hoá,Z,1,,zscore,,mean=50;sd=10,,official,,\n"
    "info,p2,statistic,Thống kê,Statistic,,,,,,,official,người,\n";

static void test_framework_csv_roundtrip(void **state)
{
	(void)state;
	struct dti_framework *fw = fw_file("frameworks/pdti-2022.csv");
	roundtrip(fw, "pdti-2022.csv");
	dti_framework_free(fw);
	fw = fw_file("frameworks/pdti-2024.csv");
	roundtrip(fw, "pdti-2024.csv");
	dti_framework_free(fw);
	fw = test_fw_text(rich_fw, "rich.csv");
	/* the edge weight of s in p2 is its own */
	struct dti_node_info ni;
	dti_framework_node(fw, (size_t)dti_framework_find(fw, "p2"), &ni);
	assert_near(ni.child_weights[0], 3, 0);
	roundtrip(fw, "rich.csv");
	dti_framework_free(fw);
}

/* Points are written as people write them: 1000, not 1e+03. */
static void test_framework_csv_points(void **state)
{
	(void)state;
	struct dti_framework *fw = fw_file("frameworks/pdti-2022.csv");
	struct dti_output_opts o = DTI_OUTPUT_OPTS_INIT;
	o.format = DTI_FORMAT_CSV;
	struct dti_buf b = DTI_BUF_INIT;
	assert_int_equal(dti_output_framework(fw, &o, &b, NULL), DTI_OK);
	char *lines[64] = {NULL};
	size_t n = split_lines(b.data, lines, 64);
	size_t pts_col = 0, checked = 0;
	for (size_t i = 0; i < n; i++) {
		if (lines[i][0] == '#')
			continue;
		static char f[16][1024];
		size_t nf = csv_fields(lines[i], f, 16);
		if (!pts_col) {
			for (size_t k = 0; k < nf; k++)
				if (!strcmp(f[k], "points"))
					pts_col = k;
			assert_true(pts_col > 0);
			continue;
		}
		if (!strcmp(f[0], "pdti")) {
			assert_string_equal(f[pts_col], "1000");
			checked++;
		} else if (!strcmp(f[0], "econ_activity")) {
			assert_string_equal(f[pts_col], "150");
			checked++;
		} else if (!strcmp(f[0], "foundation")) {
			assert_string_equal(f[pts_col], "500");
			checked++;
		}
	}
	assert_int_equal(checked, 3);
	dti_buf_release(&b);
	dti_framework_free(fw);
}

static void test_framework_table(void **state)
{
	(void)state;
	struct dti_framework *fw = fw_file("frameworks/pdti-2022.csv");
	struct dti_output_opts o = DTI_OUTPUT_OPTS_INIT;
	struct dti_buf b = DTI_BUF_INIT;
	assert_int_equal(dti_output_framework(fw, &o, &b, NULL), DTI_OK);
	const char *t = b.data;
	assert_contains(t, "pdti-2022");
	assert_contains(t, "[partial]");
	assert_contains(t, "Provincial digital transformation index");
	assert_contains(t, "├─ ");
	assert_contains(t, "└─ ");
	assert_contains(t, "gov_activity");
	assert_contains(t, "1000");
	/* the foundation group appears under the index and every pillar */
	size_t count = 0;
	for (const char *p = t; (p = strstr(p, "foundation")); p++)
		count++;
	assert_true(count >= 4);
	/* the points column is right-aligned: "1000" and "700" end together */
	char *copy = strdup(t);
	char *lines[128] = {NULL};
	size_t n = split_lines(copy, lines, 128);
	size_t end1000 = 0, end700 = 0;
	for (size_t i = 0; i < n; i++) {
		const char *c = strstr(lines[i], " 1000 ");
		if (c && strstr(lines[i], "pdti"))
			end1000 = columns(lines[i], (size_t)(c - lines[i]) + 5);
		c = strstr(lines[i], " 700 ");
		if (c && strstr(lines[i], "cqs"))
			end700 = columns(lines[i], (size_t)(c - lines[i]) + 4);
	}
	assert_true(end1000 > 0);
	assert_int_equal(end1000, end700);
	free(copy);
	dti_buf_reset(&b);
	o.lang = DTI_LANG_VI;
	assert_int_equal(dti_output_framework(fw, &o, &b, NULL), DTI_OK);
	assert_contains(b.data, "Chính quyền số");
	assert_contains(b.data, "Điểm");
	dti_buf_reset(&b);
	/* JSON and NDJSON are well-formed */
	o.format = DTI_FORMAT_JSON;
	assert_int_equal(dti_output_framework(fw, &o, &b, NULL), DTI_OK);
	struct jval j = jparse(b.data, b.len);
	const struct jval *nodes = jmust(&j, "nodes", J_ARR);
	assert_int_equal(nodes->n, dti_framework_node_count(fw));
	const struct jval *fnd = NULL;
	for (size_t i = 0; i < nodes->n; i++)
		if (!strcmp(jmust(&nodes->items[i], "code", J_STR)->str,
		            "foundation"))
			fnd = &nodes->items[i];
	assert_non_null(fnd);
	assert_int_equal(jmust(fnd, "parents", J_ARR)->n, 4);
	assert_int_equal(jmust(fnd, "rule", J_NULL)->t, J_NULL);
	assert_near(jmust(fnd, "points", J_NUM)->num, 500, 0);
	jfree(&j);
	dti_buf_reset(&b);
	o.format = DTI_FORMAT_NDJSON;
	assert_int_equal(dti_output_framework(fw, &o, &b, NULL), DTI_OK);
	char *lines2[64] = {NULL};
	n = split_lines(b.data, lines2, 64);
	assert_int_equal(n, dti_framework_node_count(fw));
	for (size_t i = 0; i < n; i++) {
		j = jparse(lines2[i], strlen(lines2[i]));
		jfree(&j);
	}
	dti_buf_release(&b);
	dti_framework_free(fw);
}

/* ---- units
 * -------------------------------------------------------------------- */

static void test_units(void **state)
{
	(void)state;
	struct dti_units *u = NULL;
	char *path = test_path("data/units/vn-provinces.csv");
	assert_int_equal(dti_units_load(path, &u, NULL), DTI_OK);
	free(path);
	struct dti_output_opts o = DTI_OUTPUT_OPTS_INIT;
	o.format = DTI_FORMAT_CSV;
	struct dti_buf b = DTI_BUF_INIT;
	assert_int_equal(dti_output_units(u, "2025-07-01", &o, &b, NULL),
	                 DTI_OK);
	char *lines[128] = {NULL};
	size_t n = split_lines(b.data, lines, 128);
	assert_int_equal(n, 1 + 34);
	assert_string_equal(lines[0], "id,code,name_vi,name_ascii,group,"
	                              "valid_from,valid_to,successors");
	/* Vietnamese order: An Giang first; Đà Nẵng before Điện Biên */
	static char f[16][1024];
	assert_int_equal(csv_fields(lines[1], f, 16), 8);
	assert_string_equal(f[2], "An Giang");
	size_t danang = 0, dienbien = 0;
	for (size_t i = 1; i < n; i++) {
		assert_int_equal(csv_fields(lines[i], f, 16), 8);
		if (!strcmp(f[2], "Đà Nẵng"))
			danang = i;
		if (!strcmp(f[2], "Điện Biên"))
			dienbien = i;
	}
	assert_true(danang > 0 && dienbien > 0);
	assert_true(danang < dienbien);
	dti_buf_reset(&b);
	/* all periods: Hà Giang with its successor */
	assert_int_equal(dti_output_units(u, NULL, &o, &b, NULL), DTI_OK);
	assert_contains(b.data, "\n02,02,Hà Giang,Ha Giang,TDMNPB,,2025-06-30,"
	                        "08-2025\n");
	n = split_lines(b.data, lines, 128);
	assert_int_equal(n, 1 + dti_units_count(u));
	dti_buf_reset(&b);
	/* JSON: empty dates are null, successors an array */
	o.format = DTI_FORMAT_JSON;
	assert_int_equal(dti_output_units(u, "2025-06-30", &o, &b, NULL),
	                 DTI_OK);
	struct jval j = jparse(b.data, b.len);
	assert_int_equal(j.t, J_ARR);
	assert_int_equal(j.n, 63);
	int seen = 0;
	for (size_t i = 0; i < j.n; i++) {
		const struct jval *x = &j.items[i];
		if (strcmp(jmust(x, "id", J_STR)->str, "02"))
			continue;
		seen = 1;
		assert_int_equal(jmust(x, "valid_from", J_NULL)->t, J_NULL);
		assert_string_equal(jmust(x, "valid_to", J_STR)->str,
		                    "2025-06-30");
		const struct jval *s = jmust(x, "successors", J_ARR);
		assert_int_equal(s->n, 1);
		assert_string_equal(s->items[0].str, "08-2025");
	}
	assert_true(seen);
	jfree(&j);
	dti_buf_reset(&b);
	/* table: one line per unit plus the header, columns aligned */
	o.format = DTI_FORMAT_TABLE;
	o.only_group = "TDMNPB";
	assert_int_equal(dti_output_units(u, "2025-07-01", &o, &b, NULL),
	                 DTI_OK);
	n = split_lines(b.data, lines, 128);
	assert_true(n >= 2);
	size_t group_col = 0;
	for (size_t i = 0; i < n; i++) {
		const char *g = strstr(lines[i], i ? "TDMNPB" : "Group");
		assert_non_null(g);
		size_t col = columns(lines[i], (size_t)(g - lines[i]));
		if (i == 0)
			group_col = col;
		else
			assert_int_equal(col, group_col);
	}
	dti_buf_release(&b);
	dti_units_free(u);
}

/* ---- numbers under a decimal-comma locale ---------------------------------
 */

static int locale_setup(void **state)
{
	static int have;
	have = comma_locale() == 0;
	if (!have)
		print_message("no locale with a decimal comma: skipped\n");
	*state = &have;
	return 0;
}

static int locale_teardown(void **state)
{
	(void)state;
	restore_locale();
	return 0;
}

static void need_comma_locale(void **state)
{
	if (!*(int *)*state)
		skip();
	char probe[16];
	snprintf(probe, sizeof probe, "%.1f", 0.5);
	assert_string_equal(probe, "0,5");
}

static void test_locale_result_numbers(void **state)
{
	need_comma_locale(state);
	struct ctx c;
	load(&c, "");
	struct dti_output_opts o = DTI_OUTPUT_OPTS_INIT;
	o.format = DTI_FORMAT_CSV;
	o.points = 1;
	char *t = result_text(c.res, &o);
	assert_contains(t, ",0.8500,17.00,0.9000,9.00,0.8000,8.00\n");
	assert_lacks(t, "0,85");
	free(t);
	o.format = DTI_FORMAT_JSON;
	t = result_text(c.res, &o);
	struct jval j = jparse(t, strlen(t));
	const struct jval *u = &jmust(&j, "units", J_ARR)->items[0];
	assert_near(jmust(jmust(u, "values", J_OBJ), "idx", J_NUM)->num, 0.85,
	            1e-12);
	assert_near(jmust(jmust(u, "points", J_OBJ), "idx", J_NUM)->num, 17,
	            1e-9);
	jfree(&j);
	free(t);
	o.format = DTI_FORMAT_NDJSON;
	t = result_text(c.res, &o);
	char *lines[32] = {NULL};
	size_t n = split_lines(t, lines, 32);
	assert_int_equal(n, 6);
	for (size_t r = 0; r < n; r++) {
		j = jparse(lines[r], strlen(lines[r]));
		jfree(&j);
	}
	free(t);
	/* tables show data: '.' too */
	o.format = DTI_FORMAT_TABLE;
	t = result_text(c.res, &o);
	assert_contains(t, "0.8500");
	assert_lacks(t, "0,8500");
	free(t);
	unload(&c);
}

static const char frac_fw[] =
    "# scoring: weights\n"
    "code,parent,kind,name_en,weight,rule,method,params\n"
    "idx,,index,Index,1,,mean:0.5,\n"
    "x,idx,indicator,X,0.25,goalposts,,min=0.5;max=2.5\n"
    "y,idx,indicator,Y,0.75,minmax,,lo=0;hi=0.5\n";

/* A framework read and shown under the locale keeps '.' everywhere. */
static void test_locale_framework_json(void **state)
{
	need_comma_locale(state);
	struct dti_framework *fw = test_fw_text(frac_fw, "frac.csv");
	struct dti_output_opts o = DTI_OUTPUT_OPTS_INIT;
	o.format = DTI_FORMAT_JSON;
	struct dti_buf b = DTI_BUF_INIT;
	assert_int_equal(dti_output_framework(fw, &o, &b, NULL), DTI_OK);
	struct jval j = jparse(b.data, b.len);
	const struct jval *nodes = jmust(&j, "nodes", J_ARR);
	assert_near(jmust(&nodes->items[1], "weight", J_NUM)->num, 0.25, 0);
	assert_string_equal(jmust(&nodes->items[1], "params", J_STR)->str,
	                    "min=0.5;max=2.5;lo=0;hi=1");
	assert_string_equal(jmust(&nodes->items[2], "params", J_STR)->str,
	                    "lo=0;hi=0.5");
	jfree(&j);
	dti_buf_release(&b);
	dti_framework_free(fw);
}

static void test_locale_framework_csv(void **state)
{
	need_comma_locale(state);
	struct dti_framework *fw = test_fw_text(frac_fw, "frac.csv");
	struct dti_output_opts o = DTI_OUTPUT_OPTS_INIT;
	o.format = DTI_FORMAT_CSV;
	struct dti_buf b = DTI_BUF_INIT;
	assert_int_equal(dti_output_framework(fw, &o, &b, NULL), DTI_OK);
	assert_contains(b.data, ",0.25,");
	assert_contains(b.data, ",mean:0.5,");
	assert_contains(b.data, "lo=0;hi=0.5");
	assert_lacks(b.data, "0,25");
	assert_lacks(b.data, "0,5");
	dti_buf_release(&b);
	roundtrip(fw, "frac.csv");
	dti_framework_free(fw);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_table_alignment),
	    cmocka_unit_test(test_csv),
	    cmocka_unit_test(test_xlsx),
	    cmocka_unit_test(test_json),
	    cmocka_unit_test(test_ndjson),
	    cmocka_unit_test(test_synthetic_labels),
	    cmocka_unit_test(test_framework_csv_roundtrip),
	    cmocka_unit_test(test_framework_csv_points),
	    cmocka_unit_test(test_framework_table),
	    cmocka_unit_test(test_units),
	};
	const struct CMUnitTest comma[] = {
	    cmocka_unit_test(test_locale_result_numbers),
	    cmocka_unit_test(test_locale_framework_json),
	    cmocka_unit_test(test_locale_framework_csv),
	};
	int failed = cmocka_run_group_tests_name("writers", tests, NULL, NULL);
	failed += cmocka_run_group_tests_name("decimal-comma locale", comma,
	                                      locale_setup, locale_teardown);
	return failed;
}
