/*
 * tests/unit/base/test_xlsx.c - workbooks read by lib/base/xlsx_read.c and
 * through the CSV reader (csv_sheet.c): every kind of cell (shared strings
 * with rich text and phonetic runs, inline strings, numbers, booleans,
 * errors, dates in the 1900 and 1904 systems, percentages, zero padding,
 * formulas with and without a cached value, _xHHHH_ escapes), sparse cells
 * and rows in their places, the sheet chosen by name through the
 * relationships, metadata rows, faults placed at sheet!cell, and what is
 * refused: a broken zip, malformed XML, a DOCTYPE, a missing sheet, a
 * shared string that does not exist, cells out of order, and parts larger
 * than the cap whether their size is declared or only found on reading.
 * Workbooks are built in memory with libzip; the LibreOffice fixture of
 * tests/data/xlsx is read too.
 */
/* cmocka.h needs these first, in this order */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include <stdlib.h>
#include <string.h>

#include <zip.h>

#include "base/base.h"
#include "testutil.h"

/* ---- building workbooks ----------------------------------------------- */

struct part {
	const char *name;
	const char *text;
};

/* A zip of the parts in memory (malloc'd); stored or deflated. */
static char *make_zip(const struct part *parts, size_t n, size_t *len)
{
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
	assert_non_null(src);
	zip_source_keep(src);
	zip_t *za = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
	assert_non_null(za);
	for (size_t i = 0; i < n; i++) {
		zip_source_t *s = zip_source_buffer(za, parts[i].text,
		                                    strlen(parts[i].text), 0);
		assert_non_null(s);
		assert_true(zip_file_add(za, parts[i].name, s, 0) >= 0);
	}
	assert_int_equal(zip_close(za), 0);
	zip_stat_t st;
	assert_int_equal(zip_source_stat(src, &st), 0);
	char *buf = malloc(st.size + 1);
	assert_non_null(buf);
	assert_int_equal(zip_source_open(src), 0);
	assert_int_equal(zip_source_read(src, buf, st.size),
	                 (zip_int64_t)st.size);
	zip_source_close(src);
	zip_source_free(src);
	*len = (size_t)st.size;
	return buf;
}

#define NS                                                                     \
	"xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/"        \
	"main\" xmlns:r=\"http://schemas.openxmlformats.org/"                  \
	"officeDocument/2006/relationships\""
#define RT                                                                     \
	"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"

static const char root_rels[] =
    "<?xml version=\"1.0\"?><Relationships "
    "xmlns=\"http://schemas.openxmlformats.org/package/2006/"
    "relationships\"><Relationship Id=\"rId1\" Type=\"" RT
    "officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>";

static const char wb_rels[] =
    "<?xml version=\"1.0\"?><Relationships "
    "xmlns=\"http://schemas.openxmlformats.org/package/2006/"
    "relationships\">"
    "<Relationship Id=\"rId1\" Type=\"" RT
    "worksheet\" Target=\"worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"" RT
    "worksheet\" Target=\"/xl/worksheets/data.xml\"/>"
    "<Relationship Id=\"rId3\" Type=\"" RT
    "sharedStrings\" Target=\"sharedStrings.xml\"/>"
    "<Relationship Id=\"rId4\" Type=\"" RT
    "styles\" Target=\"./styles.xml\"/></Relationships>";

static const char workbook[] =
    "<?xml version=\"1.0\"?><workbook " NS "><workbookPr/><sheets>"
    "<sheet name=\"Hướng dẫn\" sheetId=\"1\" r:id=\"rId1\"/>"
    "<sheet name=\"Dữ liệu\" sheetId=\"2\" r:id=\"rId2\"/>"
    "</sheets></workbook>";

static const char shared[] =
    "<?xml version=\"1.0\"?><sst " NS " count=\"4\" uniqueCount=\"4\">"
    "<si><t>unit</t></si>"
    "<si><r><t>Hà </t></r><r><rPr><b/></rPr><t>Nội</t></r>"
    "<rPh sb=\"0\" eb=\"1\"><t>ハ</t></rPh></si>"
    "<si><t xml:space=\"preserve\">a_x000D__x000A_b _x005F_x0041_</t></si>"
    "<si><t># synthetic: yes</t></si></sst>";

/* xf 0 general, 1 date (14), 2 percent (9), 3 custom date, 4 "000",
   5 custom date-time, 6 time (20) */
static const char styles[] =
    "<?xml version=\"1.0\"?><styleSheet " NS "><numFmts count=\"3\">"
    "<numFmt numFmtId=\"164\" formatCode=\"dd/mm/yyyy;@\"/>"
    "<numFmt numFmtId=\"165\" formatCode=\"000\"/>"
    "<numFmt numFmtId=\"166\" formatCode=\"yyyy\\-mm\\-dd "
    "hh:mm:ss\"/></numFmts>"
    "<cellStyleXfs count=\"1\"><xf numFmtId=\"9\"/></cellStyleXfs>"
    "<cellXfs count=\"7\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/>"
    "<xf numFmtId=\"9\"/><xf numFmtId=\"164\"/><xf numFmtId=\"165\"/>"
    "<xf numFmtId=\"166\"/><xf numFmtId=\"20\"/></cellXfs></styleSheet>";

static const char sheet1[] = "<?xml version=\"1.0\"?><worksheet " NS
                             "><sheetData><row r=\"1\"><c r=\"A1\" "
                             "t=\"inlineStr\"><is><t>Read the other "
                             "sheet</t></is></c></row></sheetData>"
                             "</worksheet>";

static const char data_sheet[] =
    "<?xml version=\"1.0\"?><worksheet " NS "><sheetData>"
    "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>3</v></c></row>"
    "<row r=\"3\"><c r=\"A3\" t=\"s\"><v>0</v></c>"
    "<c r=\"B3\" t=\"inlineStr\"><is><r><t>val</t></r><r><t>ue</t></r>"
    "</is></c><c r=\"AA3\" t=\"inlineStr\"><is><t>far</t></is></c></row>"
    /* row 17: every kind */
    "<row r=\"17\"><c r=\"A17\" t=\"s\"><v>1</v></c>"
    "<c r=\"B17\"><v>0.84999999999999998</v></c>"
    "<c r=\"C17\" t=\"b\"><v>1</v></c>"
    "<c r=\"D17\" t=\"e\"><v>#N/A</v></c>"
    "<c r=\"E17\" s=\"1\"><v>45839</v></c>"
    "<c r=\"F17\" s=\"2\"><v>0.85</v></c>"
    "<c r=\"G17\" s=\"3\"><v>61</v></c>"
    "<c r=\"H17\" s=\"4\"><v>7</v></c>"
    "<c r=\"I17\"><f>SUM(B17:B18)</f><v>19</v></c>"
    "<c r=\"J17\"><f>NOW()</f></c>"
    "<c r=\"K17\" t=\"str\"><f>A17&amp;\"!\"</f><v>Hà Nội!</v></c>"
    "<c r=\"L17\" t=\"d\"><v>2025-07-01T00:00:00</v></c>"
    "<c r=\"M17\" s=\"5\"><v>45839.5</v></c>"
    "<c r=\"N17\" s=\"6\"><v>0.75</v></c>"
    "<c r=\"O17\" s=\"1\"/>"
    "<c r=\"P17\" s=\"2\"><v>-1.25E-3</v></c>"
    "<c r=\"Q17\" t=\"s\"><v>2</v></c>"
    "<c r=\"R17\" s=\"1\"><v>60</v></c>"
    "<c r=\"S17\" t=\"b\"><v>0</v></c>"
    "<c r=\"T17\" s=\"2\"><v>12</v></c></row>"
    /* a row of formatting only: not a record */
    "<row r=\"18\"><c r=\"A18\" s=\"1\"/></row>"
    /* cells without references follow the one before */
    "<row><c t=\"inlineStr\"><is><t>x</t></is></c><c><v>2</v></c></row>"
    "</sheetData></worksheet>";

static char *standard_book(size_t *len, const char *sheet_xml)
{
	const struct part parts[] = {
	    {"[Content_Types].xml", "<Types/>"},
	    {"_rels/.rels", root_rels},
	    {"xl/workbook.xml", workbook},
	    {"xl/_rels/workbook.xml.rels", wb_rels},
	    {"xl/sharedStrings.xml", shared},
	    {"xl/styles.xml", styles},
	    {"xl/worksheets/sheet1.xml", sheet1},
	    {"xl/worksheets/data.xml", sheet_xml ? sheet_xml : data_sheet},
	};
	return make_zip(parts, DTI_ARRAY_LEN(parts), len);
}

/* The text and kind of the cell at (row, col); NULL if it has none. */
static const char *cell(const struct dti_xlsx_sheet *s, unsigned long row,
                        unsigned col, int *kind)
{
	for (size_t i = 0; i < s->nrows; i++) {
		if (s->rows[i].row != row)
			continue;
		for (uint32_t k = 0; k < s->rows[i].n; k++) {
			const struct dti_xlsx_cell *c =
			    &s->cells[s->rows[i].first + k];
			if (c->col == col) {
				if (kind)
					*kind = c->kind;
				return s->text + c->off;
			}
		}
	}
	return NULL;
}

static void cell_is(const struct dti_xlsx_sheet *s, const char *ref,
                    const char *text, int kind)
{
	unsigned long col = 0, row;
	const char *p = ref;
	while (*p >= 'A' && *p <= 'Z')
		col = col * 26 + (unsigned long)(*p++ - 'A' + 1);
	row = strtoul(p, NULL, 10);
	int k = -1;
	const char *got = cell(s, row, (unsigned)col, &k);
	if (!got || strcmp(got, text) != 0 || k != kind) {
		print_error("%s: got '%s' (kind %d), want '%s' (kind %d)\n",
		            ref, got ? got : "(none)", k, text, kind);
		fail();
	}
}

/* ---- cells --------------------------------------------------------- */

static void test_cells(void **state)
{
	(void)state;
	size_t len;
	char *buf = standard_book(&len, NULL);
	assert_true(dti_is_xlsx(buf, len));
	struct dti_xlsx_sheet s;
	struct dti_error err = DTI_ERROR_INIT;
	assert_int_equal(
	    dti_xlsx_read(buf, len, "book.xlsx", "Dữ liệu", NULL, &s, &err),
	    DTI_OK);
	assert_string_equal(s.name, "Dữ liệu");
	cell_is(&s, "A1", "# synthetic: yes", DTI_CELL_TEXT);
	cell_is(&s, "B3", "value", DTI_CELL_TEXT);
	cell_is(&s, "AA3", "far", DTI_CELL_TEXT);
	/* rich text runs joined, the phonetic run left out */
	cell_is(&s, "A17", "Hà Nội", DTI_CELL_TEXT);
	/* numbers as written: parsed, this is 0.85 */
	cell_is(&s, "B17", "0.84999999999999998", DTI_CELL_NUMBER);
	cell_is(&s, "C17", "TRUE", DTI_CELL_BOOL);
	cell_is(&s, "S17", "FALSE", DTI_CELL_BOOL);
	cell_is(&s, "D17", "#N/A", DTI_CELL_ERROR);
	cell_is(&s, "E17", "2025-07-01", DTI_CELL_DATE);
	/* percentages: the point moved in the text, no rounding */
	cell_is(&s, "F17", "85%", DTI_CELL_NUMBER);
	cell_is(&s, "P17", "-0.125%", DTI_CELL_NUMBER);
	cell_is(&s, "T17", "1200%", DTI_CELL_NUMBER);
	/* 61 is 1900-03-01, after the fictitious 1900-02-29 (60) */
	cell_is(&s, "G17", "1900-03-01", DTI_CELL_DATE);
	cell_is(&s, "R17", "1900-02-29", DTI_CELL_DATE);
	cell_is(&s, "H17", "007", DTI_CELL_NUMBER);
	cell_is(&s, "I17", "19", DTI_CELL_NUMBER);
	cell_is(&s, "J17", "=NOW()", DTI_CELL_FORMULA);
	cell_is(&s, "K17", "Hà Nội!", DTI_CELL_TEXT);
	cell_is(&s, "L17", "2025-07-01", DTI_CELL_DATE);
	cell_is(&s, "M17", "2025-07-01 12:00:00", DTI_CELL_DATE);
	cell_is(&s, "N17", "18:00:00", DTI_CELL_DATE);
	/* _x000D_ and _x000A_ decoded; _x005F_ keeps "_x0041_" literal */
	cell_is(&s, "Q17", "a\r\nb _x0041_", DTI_CELL_TEXT);
	/* a formatted cell without a value is no cell */
	assert_null(cell(&s, 17, 15, NULL));
	assert_null(cell(&s, 18, 1, NULL));
	/* a row without r follows row 18, cells without r follow A */
	cell_is(&s, "A19", "x", DTI_CELL_TEXT);
	cell_is(&s, "B19", "2", DTI_CELL_NUMBER);
	assert_int_equal(s.nrows, 4); /* 1, 3, 17, 19 */
	assert_int_equal(s.max_col, 27);
	dti_xlsx_release(&s);

	/* no name: the first sheet */
	assert_int_equal(
	    dti_xlsx_read(buf, len, "book.xlsx", NULL, NULL, &s, &err), DTI_OK);
	assert_string_equal(s.name, "Hướng dẫn");
	cell_is(&s, "A1", "Read the other sheet", DTI_CELL_TEXT);
	dti_xlsx_release(&s);
	/* a name matched as names are: case and marks aside */
	assert_int_equal(
	    dti_xlsx_read(buf, len, "book.xlsx", "DU LIEU", NULL, &s, &err),
	    DTI_OK);
	assert_string_equal(s.name, "Dữ liệu");
	dti_xlsx_release(&s);
	assert_int_equal(err.code, DTI_OK);
	free(buf);
}

static void test_date1904(void **state)
{
	(void)state;
	static const char wb1904[] =
	    "<?xml version=\"1.0\"?><workbook " NS
	    "><workbookPr date1904=\"1\"/><sheets>"
	    "<sheet name=\"S\" sheetId=\"1\" r:id=\"rId2\"/>"
	    "</sheets></workbook>";
	static const char sh[] =
	    "<worksheet " NS "><sheetData><row r=\"1\"><c r=\"A1\" "
	    "s=\"1\"><v>0</v></c><c r=\"B1\" s=\"1\"><v>44377</v></c>"
	    "</row></sheetData></worksheet>";
	const struct part parts[] = {
	    {"_rels/.rels", root_rels},
	    {"xl/workbook.xml", wb1904},
	    {"xl/_rels/workbook.xml.rels", wb_rels},
	    {"xl/sharedStrings.xml", shared},
	    {"xl/styles.xml", styles},
	    {"xl/worksheets/data.xml", sh},
	};
	size_t len;
	char *buf = make_zip(parts, DTI_ARRAY_LEN(parts), &len);
	struct dti_xlsx_sheet s;
	assert_int_equal(
	    dti_xlsx_read(buf, len, "b.xlsx", NULL, NULL, &s, NULL), DTI_OK);
	cell_is(&s, "A1", "1904-01-01", DTI_CELL_DATE);
	cell_is(&s, "B1", "2025-07-01", DTI_CELL_DATE);
	dti_xlsx_release(&s);
	free(buf);
}

/* ---- through the CSV reader ------------------------------------------- */

static void test_csv_records(void **state)
{
	(void)state;
	size_t len;
	char *buf = standard_book(&len, NULL);
	struct dti_csv c;
	struct dti_error err = DTI_ERROR_INIT;
	assert_int_equal(
	    dti_csv_open(&c, buf, len, "book.xlsx#Dữ liệu", 0, &err), DTI_OK);
	/* A1 is metadata before the header */
	assert_string_equal(dti_csv_meta(&c, "synthetic"), "yes");
	assert_int_equal(dti_csv_next_nonblank(&c, &err), DTI_OK);
	assert_int_equal(c.line, 3);
	assert_int_equal(c.nfields, 27);
	assert_string_equal(c.fields[0], "unit");
	assert_string_equal(c.fields[1], "value");
	assert_string_equal(c.fields[2], "");
	assert_string_equal(c.fields[26], "far");
	assert_int_equal(dti_csv_next_nonblank(&c, &err), DTI_OK);
	assert_int_equal(c.line, 17);
	assert_string_equal(c.fields[0], "Hà Nội");
	assert_int_equal(dti_csv_kind(&c, 0), DTI_CELL_TEXT);
	assert_int_equal(dti_csv_kind(&c, 1), DTI_CELL_NUMBER);
	assert_int_equal(dti_csv_kind(&c, 4), DTI_CELL_DATE);
	assert_string_equal(c.fields[14], ""); /* O17: formatting only */
	/* a fault a reader raises about this record, and one about the
	   file, are placed at the cell, the row, the sheet */
	dti_err_add(&err, DTI_EINVALID, "book.xlsx#Dữ liệu", c.line, 4, "x",
	            "bad");
	dti_err_add(&err, DTI_EINVALID, "book.xlsx#Dữ liệu", c.line, 0, NULL,
	            "bad row");
	dti_err_add(&err, DTI_EINVALID, "book.xlsx#Dữ liệu", 0, 0, NULL,
	            "bad sheet");
	dti_err_add(&err, DTI_EINVALID, "other.csv", 3, 4, NULL, "elsewhere");
	assert_int_equal(dti_csv_next_nonblank(&c, &err), DTI_OK);
	assert_int_equal(c.line, 19);
	assert_int_equal(dti_csv_next_nonblank(&c, &err), DTI_ENOTFOUND);
	dti_csv_close(&c);
	assert_string_equal(err.file, "book.xlsx:'Dữ liệu'!D17");
	assert_int_equal(err.line, 17);
	assert_int_equal(err.column, 4);
	char line[512];
	dti_error_format(&err, line, sizeof line);
	assert_string_equal(line, "book.xlsx:'Dữ liệu'!D17: x: bad");
	assert_int_equal(err.nmore, 3);
	dti_diag_format(&err.more[0], line, sizeof line);
	assert_string_equal(line, "book.xlsx:'Dữ liệu'!17:17: bad row");
	dti_diag_format(&err.more[1], line, sizeof line);
	assert_string_equal(line, "book.xlsx:'Dữ liệu': bad sheet");
	dti_diag_format(&err.more[2], line, sizeof line);
	assert_string_equal(line, "other.csv:3:4: elsewhere");
	dti_error_release(&err);

	/* metadata only: the read stops at the header */
	assert_int_equal(
	    dti_csv_open_meta(&c, buf, len, "book.xlsx#Dữ liệu", &err), DTI_OK);
	assert_string_equal(dti_csv_meta(&c, "synthetic"), "yes");
	assert_true(c.sheet->head_only);
	assert_int_equal(c.sheet->nrows, 2);
	dti_csv_close(&c);
	free(buf);
}

static void test_place(void **state)
{
	(void)state;
	char out[256];
	dti_xlsx_place(out, sizeof out, "a.xlsx", "Sheet1", 17, 28);
	assert_string_equal(out, "a.xlsx:Sheet1!AB17");
	dti_xlsx_place(out, sizeof out, "a.xlsx", "it's", 1, 16384);
	assert_string_equal(out, "a.xlsx:'it''s'!XFD1");
	/* a name that reads as a cell is quoted */
	dti_xlsx_place(out, sizeof out, "a.xlsx", "A1", 2, 1);
	assert_string_equal(out, "a.xlsx:'A1'!A2");
	char cn[8];
	dti_xlsx_col_name(702, cn);
	assert_string_equal(cn, "ZZ");
	dti_xlsx_col_name(703, cn);
	assert_string_equal(cn, "AAA");
}

/* The LibreOffice fixture: its metadata rows and a figure. */
static void test_libreoffice_fixture(void **state)
{
	(void)state;
	char *path = test_path("tests/data/xlsx/pdti-2022-demo.xlsx");
	char *buf;
	size_t len;
	assert_int_equal(dti_read_file(path, DTI_MAX_FILE, &buf, &len, NULL),
	                 DTI_OK);
	struct dti_csv c;
	assert_int_equal(dti_csv_open(&c, buf, len, "demo.xlsx", 0, NULL),
	                 DTI_OK);
	assert_string_equal(dti_csv_meta(&c, "framework"), "pdti-2022");
	/* split by LibreOffice at its comma, joined back */
	assert_string_equal(dti_csv_meta(&c, "note"),
	                    "Dữ liệu mô phỏng để minh họa, không phải kết quả "
	                    "chính thức / Synthetic demo values, not official "
	                    "results");
	assert_int_equal(dti_csv_next(&c, NULL), DTI_OK);
	assert_string_equal(c.fields[0], "year");
	assert_int_equal(c.line, 5);
	assert_int_equal(dti_csv_next(&c, NULL), DTI_OK);
	assert_string_equal(c.fields[1], "Hà Nội");
	assert_int_equal(dti_csv_kind(&c, 0), DTI_CELL_NUMBER);
	dti_csv_close(&c);
	free(buf);
	free(path);
}

/* ---- what is refused --------------------------------------------------- */

static void refused(const char *sheet_xml, const char *sheet,
                    enum dti_status code, const char *file,
                    const char *message_part)
{
	size_t len;
	char *buf = standard_book(&len, sheet_xml);
	struct dti_xlsx_sheet s;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st =
	    dti_xlsx_read(buf, len, "book.xlsx", sheet, NULL, &s, &err);
	if (st != code || strcmp(err.file, file) != 0 ||
	    !strstr(err.message, message_part)) {
		print_error("got %d '%s' '%s'\n", (int)st, err.file,
		            err.message);
		fail();
	}
	assert_null(s.cells);
	dti_error_release(&err);
	free(buf);
}

static void test_refused(void **state)
{
	(void)state;
	refused(NULL, "Số liệu", DTI_ENOTFOUND, "book.xlsx",
	        "no sheet 'Số liệu' (its sheets: 'Hướng dẫn', 'Dữ liệu')");
	refused("<worksheet><sheetData><row r=\"1\"><c r=\"A1\">"
	        "</row></sheetData></worksheet>",
	        "Dữ liệu", DTI_ESYNTAX, "book.xlsx",
	        "xl/worksheets/data.xml:1:");
	refused("<!DOCTYPE w [<!ENTITY a \"aaaa\">]><worksheet/>", "Dữ liệu",
	        DTI_EINVALID, "book.xlsx", "DOCTYPE");
	refused("<worksheet><sheetData><row r=\"4\"><c r=\"B4\" t=\"s\">"
	        "<v>99</v></c></row></sheetData></worksheet>",
	        "Dữ liệu", DTI_EINVALID, "book.xlsx:'Dữ liệu'!B4",
	        "shared string '99' does not exist (the workbook has 4)");
	refused("<worksheet><sheetData><row r=\"4\"><c r=\"B4\"><v>1</v></c>"
	        "<c r=\"B4\"><v>2</v></c></row></sheetData></worksheet>",
	        "Dữ liệu", DTI_EINVALID, "book.xlsx:'Dữ liệu'!B4",
	        "comes twice");
	refused("<worksheet><sheetData><row r=\"4\"/><row r=\"2\"/>"
	        "</sheetData></worksheet>",
	        "Dữ liệu", DTI_EINVALID, "book.xlsx:'Dữ liệu'!2:2",
	        "rows out of order");
	refused("<worksheet><sheetData><row r=\"4\"><c r=\"XFE4\"><v>1</v>"
	        "</c></row></sheetData></worksheet>",
	        "Dữ liệu", DTI_EINVALID, "book.xlsx:'Dữ liệu'!4:4",
	        "not one of A1 to XFD1048576");
	refused("<worksheet><sheetData><row r=\"4\"><c r=\"A4\"><v>1,5</v>"
	        "</c></row></sheetData></worksheet>",
	        "Dữ liệu", DTI_EINVALID, "book.xlsx:'Dữ liệu'!A4",
	        "'1,5', not a number");

	/* not a zip, and a zip that is no workbook */
	struct dti_xlsx_sheet s;
	struct dti_error err = DTI_ERROR_INIT;
	static const char cut[] = "PK\x03\x04 and then nothing";
	assert_int_equal(dti_xlsx_read(cut, sizeof cut - 1, "cut.xlsx", NULL,
	                               NULL, &s, &err),
	                 DTI_EINVALID);
	assert_non_null(strstr(err.message, "not a readable workbook (zip)"));
	dti_error_release(&err);
	const struct part other[] = {{"readme.txt", "hello"}};
	size_t len;
	char *buf = make_zip(other, 1, &len);
	assert_int_equal(
	    dti_xlsx_read(buf, len, "o.xlsx", NULL, NULL, &s, &err),
	    DTI_EINVALID);
	assert_string_equal(err.message,
	                    "not a workbook: it has no part xl/workbook.xml");
	dti_error_release(&err);
	free(buf);
}

/* A part beyond the cap: refused by its declared size, and by what is
   actually inflated when the zip's directory understates it. */
static void test_zip_bomb(void **state)
{
	(void)state;
	size_t big = 1 << 20;
	char *sheet = malloc(big + 200);
	assert_non_null(sheet);
	strcpy(sheet, "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" "
	              "t=\"inlineStr\"><is><t>");
	size_t n = strlen(sheet);
	memset(sheet + n, 'a', big);
	strcpy(sheet + n + big, "</t></is></c></row></sheetData></worksheet>");
	size_t len;
	char *buf = standard_book(&len, sheet);
	assert_true(len < big / 20); /* deflated: a small file */
	struct dti_xlsx_limits lim;
	dti_xlsx_limits_init(&lim);
	lim.part = 64 << 10;
	struct dti_xlsx_sheet s;
	struct dti_error err = DTI_ERROR_INIT;
	assert_int_equal(
	    dti_xlsx_read(buf, len, "bomb.xlsx", "Dữ liệu", &lim, &s, &err),
	    DTI_ELIMIT);
	assert_non_null(strstr(err.message, "xl/worksheets/data.xml would "
	                                    "take 1048"));
	assert_non_null(strstr(err.message, "more than the limit of 65536"));
	dti_error_release(&err);

	/* the central directory claims 1000 bytes: the reading stops */
	const char *name = "xl/worksheets/data.xml";
	size_t nl = strlen(name);
	int patched = 0;
	for (size_t i = 0; i + 46 + nl <= len; i++) {
		if (memcmp(buf + i, "PK\x01\x02", 4) == 0 &&
		    (size_t)((unsigned char)buf[i + 28] |
		             (unsigned char)buf[i + 29] << 8) == nl &&
		    memcmp(buf + i + 46, name, nl) == 0) {
			unsigned char *p = (unsigned char *)buf + i + 24;
			p[0] = 0xE8; /* 1000, little-endian */
			p[1] = 0x03;
			p[2] = p[3] = 0;
			patched = 1;
		}
	}
	assert_true(patched);
	enum dti_status st =
	    dti_xlsx_read(buf, len, "bomb.xlsx", "Dữ liệu", &lim, &s, &err);
	assert_int_not_equal(st, DTI_OK);
	assert_null(s.cells);
	dti_error_release(&err);
	free(buf);
	free(sheet);

	/* the cap on cells kept: the fifth is A17 */
	dti_xlsx_limits_init(&lim);
	lim.cells = 4;
	buf = standard_book(&len, NULL);
	assert_int_equal(
	    dti_xlsx_read(buf, len, "b.xlsx", "Dữ liệu", &lim, &s, &err),
	    DTI_ELIMIT);
	assert_string_equal(err.file, "b.xlsx:'Dữ liệu'!A17");
	dti_error_release(&err);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cells),
	    cmocka_unit_test(test_date1904),
	    cmocka_unit_test(test_csv_records),
	    cmocka_unit_test(test_place),
	    cmocka_unit_test(test_libreoffice_fixture),
	    cmocka_unit_test(test_refused),
	    cmocka_unit_test(test_zip_bomb),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
