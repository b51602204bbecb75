/*
 * tests/unit/base/test_csv.c - the CSV reader of lib/base/csv.c: separators
 * sniffed from the header, RFC 4180 quoting with doubled quotes and line breaks
 * inside fields (and the line numbers of the records after them), CRLF and
 * CR line ends, the UTF-8 byte order mark, "# key: value" metadata before
 * the header and comments after it, malformed quoting located by line and
 * column, non-UTF-8 input, blank records and the cap on a field's size;
 * CSV converted to Excel's dialect (dti_csv_excel) and read back; figures
 * converted as lines are cut (dti_csv_next_figures) equal strtod's.
 */
/* cmocka.h needs these first, in this order */
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

#include "base/base.h"
#include "dti/output.h"
#include "testutil.h"

static struct dti_csv csv;
static struct dti_error err;

static void open_text(const char *text, char sep)
{
	dti_error_init(&err);
	enum dti_status st =
	    dti_csv_open(&csv, text, strlen(text), "t.csv", sep, &err);
	if (st != DTI_OK) {
		print_error("dti_csv_open: %d %s\n", (int)st, err.message);
		fail();
	}
}

static void next_ok(void)
{
	enum dti_status st = dti_csv_next(&csv, &err);
	if (st != DTI_OK) {
		print_error("dti_csv_next: %d %s\n", (int)st, err.message);
		fail();
	}
}

static void close_all(void)
{
	dti_csv_close(&csv);
	dti_error_release(&err);
}

/* The record read last has exactly these fields. */
static void fields_are(size_t n, ...)
{
	va_list ap;
	va_start(ap, n);
	assert_int_equal(csv.nfields, n);
	for (size_t i = 0; i < n; i++) {
		const char *want = va_arg(ap, const char *);
		assert_string_equal(csv.fields[i], want);
	}
	va_end(ap);
}

static void test_sniff_separators(void **state)
{
	(void)state;
	open_text("a,b,c\n1,2,3\n", 0);
	assert_int_equal(csv.sep, ',');
	next_ok();
	fields_are(3, "a", "b", "c");
	close_all();

	open_text("nam;tinh;awareness\n2022;Quảng Ninh;0,9581\n", 0);
	assert_int_equal(csv.sep, ';');
	next_ok();
	fields_are(3, "nam", "tinh", "awareness");
	next_ok();
	fields_are(3, "2022", "Quảng Ninh", "0,9581");
	close_all();

	open_text("a\tb\tc\n1\t2,5\t3\n", 0);
	assert_int_equal(csv.sep, '\t');
	next_ok();
	next_ok();
	fields_are(3, "1", "2,5", "3");
	close_all();

	/* separators inside quotes do not count */
	open_text("\"a;b;c\",d\n", 0);
	assert_int_equal(csv.sep, ',');
	next_ok();
	fields_are(2, "a;b;c", "d");
	close_all();

	/* the header decides, not the rows */
	open_text("a;b\n1,5;2,5\n", 0);
	assert_int_equal(csv.sep, ';');
	close_all();

	/* a single column: comma */
	open_text("unit\nHà Nội\n", 0);
	assert_int_equal(csv.sep, ',');
	close_all();

	/* an explicit separator wins over sniffing */
	open_text("a,b;c\n", ';');
	assert_int_equal(csv.sep, ';');
	next_ok();
	fields_are(2, "a,b", "c");
	close_all();
}

static void test_fields(void **state)
{
	(void)state;
	open_text("a,,c,\n,\nlast", 0);
	next_ok();
	fields_are(4, "a", "", "c", "");
	assert_int_equal(csv.line, 1);
	next_ok();
	fields_are(2, "", "");
	assert_int_equal(csv.line, 2);
	next_ok(); /* no line end at the end of the buffer */
	fields_are(1, "last");
	assert_int_equal(csv.line, 3);
	assert_int_equal(dti_csv_next(&csv, &err), DTI_ENOTFOUND);
	assert_int_equal(dti_csv_next(&csv, &err), DTI_ENOTFOUND);
	assert_int_equal(err.code, DTI_OK);
	close_all();

	/* empty input: no record, no error */
	open_text("", 0);
	assert_int_equal(dti_csv_next(&csv, &err), DTI_ENOTFOUND);
	assert_int_equal(err.code, DTI_OK);
	close_all();

	/* spaces are kept in unquoted fields */
	open_text(" a , b \n", 0);
	next_ok();
	fields_are(2, " a ", " b ");
	close_all();
}

static void test_quotes(void **state)
{
	(void)state;
	const char *text = "h1,h2,h3\n"
	                   "\"a \"\"q\"\" b\",\"line1\nline2\",x\n"
	                   "\"\",\"has,comma\",\"3\nlines\nhere\"\n"
	                   "next,row,5\n";
	open_text(text, 0);
	next_ok();
	assert_int_equal(csv.line, 1);
	next_ok();
	assert_int_equal(csv.line, 2);
	fields_are(3, "a \"q\" b", "line1\nline2", "x");
	next_ok();
	assert_int_equal(csv.line, 4);
	fields_are(3, "", "has,comma", "3\nlines\nhere");
	next_ok();
	/* lines 4, 5 and 6 were one record */
	assert_int_equal(csv.line, 7);
	fields_are(3, "next", "row", "5");
	assert_int_equal(dti_csv_next(&csv, &err), DTI_ENOTFOUND);
	close_all();

	/* spaces after a closing quote are tolerated */
	open_text("\"x\"  ,\"y\"\t\n", 0);
	next_ok();
	fields_are(2, "x", "y");
	close_all();

	/* a quote inside an unquoted field is kept as it is */
	open_text("5\" screen,b\n", 0);
	next_ok();
	fields_are(2, "5\" screen", "b");
	close_all();
}

static void test_line_ends(void **state)
{
	(void)state;
	open_text("a,b\r\n1,2\r\n\"x\r\ny\",3\r\nlast,4\r\n", 0);
	next_ok();
	fields_are(2, "a", "b");
	next_ok();
	fields_are(2, "1", "2");
	assert_int_equal(csv.line, 2);
	next_ok();
	assert_int_equal(csv.line, 3);
	fields_are(2, "x\r\ny", "3");
	next_ok();
	assert_int_equal(csv.line, 5);
	fields_are(2, "last", "4");
	assert_int_equal(dti_csv_next(&csv, &err), DTI_ENOTFOUND);
	close_all();

	/* old Mac line ends */
	open_text("a,b\r1,2\r3,4", 0);
	next_ok();
	next_ok();
	fields_are(2, "1", "2");
	assert_int_equal(csv.line, 2);
	next_ok();
	fields_are(2, "3", "4");
	assert_int_equal(csv.line, 3);
	close_all();
}

static void test_bom(void **state)
{
	(void)state;
	open_text("\xEF\xBB\xBF"
	          "code,name\n01,Hà Nội\n",
	          0);
	next_ok();
	fields_are(2, "code", "name");
	assert_int_equal(csv.line, 1);
	next_ok();
	fields_are(2, "01", "Hà Nội");
	close_all();

	/* a BOM before metadata */
	open_text("\xEF\xBB\xBF# id: pdti-2022\ncode\nx\n", 0);
	assert_non_null(dti_csv_meta(&csv, "id"));
	assert_string_equal(dti_csv_meta(&csv, "id"), "pdti-2022");
	next_ok();
	fields_are(1, "code");
	assert_int_equal(csv.line, 2);
	close_all();
}

static void test_metadata(void **state)
{
	(void)state;
	const char *text = "# dti-framework: 1\n"
	                   "# Title_VI:   Bộ chỉ số   \n"
	                   "\n"
	                   "# scale = 100\n"
	                   "# just a comment line\n"
	                   "#note: a: b\n"
	                   "## group_by: region\n"
	                   "# decimal: ,\n"
	                   "# id: x,,,,\n"
	                   "# sep: ;;\n"
	                   "# tab: y\t\t\t\n"
	                   "# scale = 1\n"
	                   "code,name\n"
	                   "# not: metadata\n"
	                   "a,b\n";
	open_text(text, 0);
	assert_string_equal(dti_csv_meta(&csv, "dti-framework"), "1");
	/* keys are lower-cased, values trimmed */
	assert_string_equal(dti_csv_meta(&csv, "title_vi"), "Bộ chỉ số");
	assert_null(dti_csv_meta(&csv, "Title_VI"));
	assert_string_equal(dti_csv_meta(&csv, "note"), "a: b");
	assert_string_equal(dti_csv_meta(&csv, "group_by"), "region");
	/* "# decimal: ," keeps its comma; padding of empty cells goes */
	assert_string_equal(dti_csv_meta(&csv, "decimal"), ",");
	assert_string_equal(dti_csv_meta(&csv, "id"), "x");
	assert_string_equal(dti_csv_meta(&csv, "sep"), ";;");
	assert_string_equal(dti_csv_meta(&csv, "tab"), "y");
	/* the last definition wins */
	assert_string_equal(dti_csv_meta(&csv, "scale"), "1");
	/* comments are not metadata, and neither is anything after the header
	 */
	assert_null(dti_csv_meta(&csv, "just"));
	assert_null(dti_csv_meta(&csv, "not"));
	assert_null(dti_csv_meta(&csv, "missing"));
	/* line numbers of metadata lines are kept */
	for (size_t i = 0; i < csv.nmeta; i++)
		if (strcmp(csv.meta_keys[i], "scale") == 0 &&
		    strcmp(csv.meta_vals[i], "100") == 0)
			assert_int_equal(csv.meta_lines[i], 4);
	next_ok();
	assert_int_equal(csv.line, 13);
	fields_are(2, "code", "name");
	/* a comment after the header is skipped, lines still counted */
	next_ok();
	assert_int_equal(csv.line, 15);
	fields_are(2, "a", "b");
	assert_int_equal(dti_csv_next(&csv, &err), DTI_ENOTFOUND);
	close_all();

	/* a spreadsheet's padding after "= value" too, with ';' */
	open_text("# source = Quyết định 922;;;\nh;i\n", 0);
	assert_string_equal(dti_csv_meta(&csv, "source"), "Quyết định 922");
	close_all();
}

static void test_comments_between_records(void **state)
{
	(void)state;
	open_text("a,b\n1,2\n# a comment, with a comma\n#\n3,4\n", 0);
	next_ok();
	next_ok();
	fields_are(2, "1", "2");
	next_ok();
	fields_are(2, "3", "4");
	assert_int_equal(csv.line, 5);
	assert_int_equal(dti_csv_next(&csv, &err), DTI_ENOTFOUND);
	close_all();
}

static void test_unclosed_quote(void **state)
{
	(void)state;
	open_text("a,b\n1,\"oops\n2,3\n4,5\n", 0);
	next_ok();
	assert_int_equal(dti_csv_next(&csv, &err), DTI_ESYNTAX);
	assert_int_equal(err.code, DTI_ESYNTAX);
	assert_string_equal(err.file, "t.csv");
	/* where the quote opened, not where the input ended */
	assert_int_equal(err.line, 2);
	assert_int_equal(err.column, 3);
	assert_non_null(strstr(err.message, "never closed"));
	close_all();

	/* after a multi-line record */
	open_text("h\n\"a\nb\"\n\"c\n", 0);
	next_ok();
	next_ok();
	assert_int_equal(dti_csv_next(&csv, &err), DTI_ESYNTAX);
	assert_int_equal(err.line, 4);
	assert_int_equal(err.column, 1);
	close_all();
}

static void test_junk_after_quote(void **state)
{
	(void)state;
	open_text("a,b\n\"x\"y,2\n", 0);
	next_ok();
	assert_int_equal(dti_csv_next(&csv, &err), DTI_ESYNTAX);
	assert_int_equal(err.line, 2);
	assert_int_equal(err.column, 4);
	assert_non_null(strstr(err.message, "closing quote"));
	close_all();

	/* the junk is located on the line where it is */
	open_text("a\n\"x\ny\"z\n", 0);
	next_ok();
	assert_int_equal(dti_csv_next(&csv, &err), DTI_ESYNTAX);
	assert_int_equal(err.line, 3);
	assert_int_equal(err.column, 3);
	close_all();

	open_text("a,b\n1,\"2\" \"3\"\n", 0);
	next_ok();
	assert_int_equal(dti_csv_next(&csv, &err), DTI_ESYNTAX);
	assert_int_equal(err.line, 2);
	assert_int_equal(err.column, 7);
	close_all();
}

static void test_not_utf8(void **state)
{
	(void)state;
	/* "Hà Nội" in Windows-1258: à is 0xE0, ộ is ô (0xF4) + dot (0xF2) */
	const char *text = "code,name\n01,H\xE0 N\xF4\xF2i\n";
	struct dti_csv c;
	struct dti_error e = DTI_ERROR_INIT;
	assert_int_equal(
	    dti_csv_open(&c, text, strlen(text), "cp1258.csv", 0, &e),
	    DTI_EENCODING);
	assert_int_equal(e.code, DTI_EENCODING);
	assert_string_equal(e.file, "cp1258.csv");
	assert_int_equal(e.line, 2);
	assert_int_equal(e.column, 5);
	dti_csv_close(&c);
	dti_error_release(&e);

	/* a lone continuation byte in metadata */
	const char *t2 = "# id: \x80x\ncode\n";
	assert_int_equal(dti_csv_open(&c, t2, strlen(t2), "m.csv", 0, &e),
	                 DTI_EENCODING);
	assert_int_equal(e.line, 1);
	dti_csv_close(&c);
	dti_error_release(&e);
}

static void test_nonblank(void **state)
{
	(void)state;
	open_text("a,b\n\n , \n,\n\t\n1,2\n\n\n", 0);
	assert_int_equal(dti_csv_next_nonblank(&csv, &err), DTI_OK);
	fields_are(2, "a", "b");
	assert_int_equal(dti_csv_next_nonblank(&csv, &err), DTI_OK);
	fields_are(2, "1", "2");
	assert_int_equal(csv.line, 6);
	assert_int_equal(dti_csv_next_nonblank(&csv, &err), DTI_ENOTFOUND);
	close_all();

	/* a quoted empty field is blank too; a quoted space is not data */
	open_text("h\n\"\"\n\" \"\nx\n", 0);
	next_ok();
	assert_int_equal(dti_csv_next_nonblank(&csv, &err), DTI_OK);
	fields_are(1, "x");
	assert_int_equal(csv.line, 4);
	close_all();

	/* errors come through */
	open_text("h\n\n\"x\n", 0);
	next_ok();
	assert_int_equal(dti_csv_next_nonblank(&csv, &err), DTI_ESYNTAX);
	assert_int_equal(err.line, 3);
	close_all();
}

static void test_field_cap(void **state)
{
	(void)state;
	size_t big = DTI_MAX_FIELD + 16;
	char *text = malloc(big + 64);
	assert_non_null(text);

	/* unquoted, over the cap */
	size_t k = 0;
	k += (size_t)sprintf(text + k, "a,b\n1,");
	memset(text + k, 'x', big);
	k += big;
	text[k++] = '\n';
	text[k] = '\0';
	open_text(text, 0);
	next_ok();
	assert_int_equal(dti_csv_next(&csv, &err), DTI_ELIMIT);
	assert_int_equal(err.code, DTI_ELIMIT);
	assert_int_equal(err.line, 2);
	close_all();

	/* quoted, over the cap */
	k = 0;
	k += (size_t)sprintf(text + k, "a,b\n1,\"");
	memset(text + k, 'y', big);
	k += big;
	text[k++] = '"';
	text[k++] = '\n';
	text[k] = '\0';
	open_text(text, 0);
	next_ok();
	assert_int_equal(dti_csv_next(&csv, &err), DTI_ELIMIT);
	assert_int_equal(err.line, 2);
	assert_int_equal(err.column, 3);
	close_all();

	/* exactly at the cap is accepted */
	k = 0;
	k += (size_t)sprintf(text + k, "a,b\n1,");
	memset(text + k, 'z', DTI_MAX_FIELD);
	k += DTI_MAX_FIELD;
	k += (size_t)sprintf(text + k, "\n2,3\n");
	open_text(text, 0);
	next_ok();
	next_ok();
	assert_int_equal(csv.nfields, 2);
	assert_int_equal(strlen(csv.fields[1]), DTI_MAX_FIELD);
	next_ok();
	fields_are(2, "2", "3");
	close_all();
	free(text);
}

static void test_many_fields(void **state)
{
	(void)state;
	/* a wide record: 5000 columns */
	struct dti_buf b = DTI_BUF_INIT;
	for (int i = 0; i < 5000; i++)
		assert_int_equal(dti_buf_addf(&b, "%sc%d", i ? "," : "", i),
		                 DTI_OK);
	assert_int_equal(dti_buf_adds(&b, "\n"), DTI_OK);
	open_text(b.data, 0);
	next_ok();
	assert_int_equal(csv.nfields, 5000);
	assert_string_equal(csv.fields[0], "c0");
	assert_string_equal(csv.fields[4999], "c4999");
	assert_string_equal(csv.fields[2500], "c2500");
	close_all();
	dti_buf_release(&b);
}

/*
 * dti_csv_next_figures: the figures of plain lines, converted as the line
 * is cut, equal dti_fast_decimal's (and strtod's) bit for bit; what it
 * leaves is NaN and counted as pending when not empty; quoted and CRLF
 * lines, ranges, and fields past the figure columns.
 */
static uint64_t figs_rng = 0x9e3779b97f4a7c15u;

static uint64_t figs_rand(void)
{
	figs_rng ^= figs_rng << 13;
	figs_rng ^= figs_rng >> 7;
	figs_rng ^= figs_rng << 17;
	return figs_rng;
}

/* A random figure as people type them, sometimes not a plain one. */
static size_t random_figure(char *s)
{
	size_t k = 0;
	uint64_t r = figs_rand();
	if (r & 1)
		s[k++] = '-';
	int wide = (r >> 17 & 7) == 0;
	int lead = (int)(r >> 1 & 3), intd = (int)(r >> 3 & (wide ? 15 : 7)),
	    fracd = (int)(r >> 7 & (wide ? 15 : 7)), zf = (int)(r >> 11 & 3);
	for (int j = 0; j < lead; j++)
		s[k++] = '0';
	for (int j = 0; j < intd; j++)
		s[k++] = (char)('0' + figs_rand() % 10);
	if (fracd || (r >> 13 & 1)) {
		s[k++] = '.';
		for (int j = 0; j < zf; j++)
			s[k++] = '0';
		for (int j = 0; j < fracd; j++)
			s[k++] = (char)('0' + figs_rand() % 10);
	}
	switch (r >> 20 & 31) {
	case 0: k += (size_t)sprintf(s + k, "e%d", (int)(r >> 25 & 15)); break;
	case 1: s[k++] = '%'; break;
	case 2: s[k++] = ' '; break;
	case 3: k = (size_t)sprintf(s, "NA"); break;
	case 4: s[k++] = '.'; break;
	default: break;
	}
	s[k] = '\0';
	return k;
}

static void test_figures(void **state)
{
	(void)state;
	enum { COLS = 40, ROWS = 2000 };
	struct dti_buf b = DTI_BUF_INIT;
	char(*text)[48] = calloc((size_t)COLS * ROWS, sizeof *text);
	assert_non_null(text);
	assert_int_equal(dti_buf_adds(&b, "unit"), DTI_OK);
	for (int j = 1; j < COLS; j++)
		assert_int_equal(dti_buf_addf(&b, ",c%d", j), DTI_OK);
	assert_int_equal(dti_buf_adds(&b, "\n"), DTI_OK);
	for (int i = 0; i < ROWS; i++) {
		assert_int_equal(dti_buf_addf(&b, "u%d", i), DTI_OK);
		for (int j = 1; j < COLS; j++) {
			char *f = text[(size_t)i * COLS + (size_t)j];
			if (figs_rand() % 50 == 0)
				f[0] = '\0'; /* empty */
			else
				random_figure(f);
			assert_int_equal(dti_buf_addf(&b, ",%s", f), DTI_OK);
		}
		assert_int_equal(dti_buf_adds(&b, i % 7 ? "\n" : "\r\n"),
		                 DTI_OK);
	}
	open_text(b.data, 0);
	next_ok();
	unsigned char num[COLS];
	double lo[COLS], hi[COLS], vals[COLS];
	size_t pending;
	for (int j = 0; j < COLS; j++) {
		num[j] = j > 0;
		lo[j] = -INFINITY;
		hi[j] = INFINITY;
	}
	struct dti_csv_figs fg = {num, lo, hi, COLS, vals, &pending};
	size_t taken = 0;
	for (int i = 0; i < ROWS; i++) {
		assert_int_equal(dti_csv_next_figures(&csv, &fg, &err), DTI_OK);
		assert_int_equal(csv.nfields, COLS);
		size_t left = 0;
		for (int j = 0; j < COLS; j++) {
			const char *f = text[(size_t)i * COLS + (size_t)j];
			if (j == 0) {
				assert_true(isnan(vals[0]));
				continue;
			}
			assert_string_equal(csv.fields[j], f);
			double want;
			int plain = !strpbrk(f, "eE") &&
			            dti_fast_decimal(f, strlen(f), &want) == 0;
			if (!plain) {
				if (!isnan(vals[j]))
					fail_msg("'%s' taken as %.17g", f,
					         vals[j]);
				left += *f != '\0';
				continue;
			}
			char *end;
			double slow = strtod(f, &end);
			if (memcmp(&vals[j], &want, sizeof want) != 0 ||
			    memcmp(&vals[j], &slow, sizeof slow) != 0)
				fail_msg("'%s': %.17g, fast %.17g, strtod "
				         "%.17g",
				         f, vals[j], want, slow);
			taken++;
		}
		assert_int_equal(pending, left);
	}
	assert_true(taken > (size_t)ROWS * COLS / 2);
	assert_int_equal(dti_csv_next_figures(&csv, &fg, &err), DTI_ENOTFOUND);
	close_all();
	dti_buf_release(&b);
	free(text);

	/* ranges; a quoted line (its fields read as text, all pending);
	   fields past the figure columns; a blank line skipped */
	open_text("u,a,b,c\nx,1.5,7,-2\n\ny,\"3\",4,5,6\nz,,2.25\n", 0);
	next_ok();
	lo[1] = 0;
	hi[1] = 1;
	fg.n = 3; /* c is not a figure column here */
	assert_int_equal(dti_csv_next_figures(&csv, &fg, &err), DTI_OK);
	assert_true(isnan(vals[1])); /* 1.5 is outside [0, 1] */
	assert_true(vals[2] == 7);
	assert_int_equal(pending, 1);
	fields_are(4, "x", "1.5", "7", "-2");
	assert_int_equal(dti_csv_next_figures(&csv, &fg, &err), DTI_OK);
	assert_int_equal(csv.line, 4);
	assert_true(isnan(vals[1]) && isnan(vals[2]));
	assert_int_equal(pending, SIZE_MAX);
	fields_are(5, "y", "3", "4", "5", "6");
	assert_int_equal(dti_csv_next_figures(&csv, &fg, &err), DTI_OK);
	assert_true(isnan(vals[1]) && vals[2] == 2.25);
	assert_int_equal(pending, 0); /* an empty field is not pending */
	fields_are(3, "z", "", "2.25");
	close_all();
}

/* Output cells: quoting, and text a spreadsheet would run as a formula. */
static void assert_cell(int text, const char *in, const char *want)
{
	struct dti_buf b = DTI_BUF_INIT;
	enum dti_status st =
	    text ? dti_csv_text_cell(&b, in) : dti_csv_cell(&b, in);
	assert_int_equal(st, DTI_OK);
	assert_string_equal(b.data ? b.data : "", want);
	dti_buf_release(&b);
}

static void test_output_cells(void **state)
{
	(void)state;
	assert_cell(0, "Đà Nẵng", "Đà Nẵng");
	assert_cell(0, "a,b", "\"a,b\"");
	assert_cell(0, "ok\n48,x", "\"ok\n48,x\"");
	assert_cell(0, "say \"hi\"", "\"say \"\"hi\"\"\"");
	assert_cell(0, "=1+1", "=1+1");
	assert_cell(1, "Đà Nẵng", "Đà Nẵng");
	assert_cell(1, "", "");
	assert_cell(1, NULL, "");
	assert_cell(1, "=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\"");
	assert_cell(1, "+84 236", "'+84 236");
	assert_cell(1, "-x", "'-x");
	assert_cell(1, "@SUM(A1)", "'@SUM(A1)");
	assert_cell(1, "\tx", "'\tx");
	assert_cell(1, "a=b", "a=b");
}

/* CSV in Excel's dialect, and read back as it was written. */
static void assert_excel(const char *in, const char *want)
{
	struct dti_buf b = DTI_BUF_INIT;
	struct dti_error e = DTI_ERROR_INIT;
	assert_int_equal(dti_csv_excel(in, strlen(in), &b, &e), DTI_OK);
	assert_non_null(b.data);
	assert_string_equal(b.data, want);
	dti_buf_release(&b);
	dti_error_release(&e);
}

static void test_excel_dialect(void **state)
{
	(void)state;
	/* a BOM, ';', decimal commas in numbers only, CRLF */
	assert_excel("# synthetic: yes (demo, not official)\n"
	             "year,rank,unit,pdti\n"
	             "2022,1,Đà Nẵng,0.8002\n"
	             "2022,,x,\n",
	             "\xEF\xBB\xBF# synthetic: yes (demo, not official)\r\n"
	             "year;rank;unit;pdti\r\n"
	             "2022;1;Đà Nẵng;0,8002\r\n"
	             "2022;;x;\r\n");
	/* quoted fields kept; text with ';' quoted; -1.5e-05 a number;
	   a version "1.2.3" or a code "a.b" is text */
	assert_excel(
	    "\"a,b\",c;d,-1.5e-05,1.2.3,a.b,.5,7.\r\n",
	    "\xEF\xBB\xBF\"a,b\";\"c;d\";-1,5e-05;1.2.3;a.b;.5;7.\r\n");
	/* an input BOM is not doubled; quoted line breaks are kept */
	assert_excel("\xEF\xBB\xBF\"x\ny\",0.5", "\xEF\xBB\xBF\"x\ny\";0,5");
	/* read back: same fields, the ';' sniffed, the BOM skipped */
	const char *in = "unit,v,note\nHà Nội,0.25,\"a; b\"\n";
	struct dti_buf b = DTI_BUF_INIT;
	assert_int_equal(dti_csv_excel(in, strlen(in), &b, NULL), DTI_OK);
	open_text(b.data, 0);
	assert_int_equal(csv.sep, ';');
	assert_int_equal(dti_csv_next(&csv, &err), DTI_OK);
	assert_string_equal(csv.fields[0], "unit");
	assert_int_equal(dti_csv_next(&csv, &err), DTI_OK);
	assert_string_equal(csv.fields[0], "Hà Nội");
	assert_string_equal(csv.fields[1], "0,25");
	assert_string_equal(csv.fields[2], "a; b");
	double v;
	assert_int_equal(dti_parse_number(csv.fields[1], ';', &v, NULL, NULL),
	                 DTI_OK);
	assert_true(v == 0.25);
	dti_csv_close(&csv);
	dti_buf_release(&b);
	/* an unterminated quote is refused, not cut */
	struct dti_buf c = DTI_BUF_INIT;
	assert_int_equal(dti_csv_excel("\"x", 2, &c, NULL), DTI_ESYNTAX);
	dti_buf_release(&c);
}

static void test_semicolon_decimal_mark(void **state)
{
	(void)state;
	double v;
	/* ';' files: a lone comma is the decimal mark */
	assert_int_equal(dti_parse_number("1,120", ';', &v, NULL, NULL),
	                 DTI_OK);
	assert_true(v == 1.12);
	assert_int_equal(dti_parse_number("0,6735", ';', &v, NULL, NULL),
	                 DTI_OK);
	assert_true(v == 0.6735);
	assert_int_equal(dti_parse_number("0.5", ';', &v, NULL, NULL), DTI_OK);
	assert_true(v == 0.5);
	/* elsewhere still ambiguous */
	assert_int_equal(dti_parse_number("1,120", 0, &v, NULL, NULL),
	                 DTI_EAMBIGUOUS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sniff_separators),
	    cmocka_unit_test(test_fields),
	    cmocka_unit_test(test_quotes),
	    cmocka_unit_test(test_line_ends),
	    cmocka_unit_test(test_bom),
	    cmocka_unit_test(test_metadata),
	    cmocka_unit_test(test_comments_between_records),
	    cmocka_unit_test(test_unclosed_quote),
	    cmocka_unit_test(test_junk_after_quote),
	    cmocka_unit_test(test_not_utf8),
	    cmocka_unit_test(test_nonblank),
	    cmocka_unit_test(test_field_cap),
	    cmocka_unit_test(test_many_fields),
	    cmocka_unit_test(test_figures),
	    cmocka_unit_test(test_output_cells),
	    cmocka_unit_test(test_excel_dialect),
	    cmocka_unit_test(test_semicolon_decimal_mark),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
