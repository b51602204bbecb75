/*
 * lib/base/xlsx_write.c - workbooks (XLSX) written into a struct dti_buf.
 *
 * libxlsxwriter writes a workbook to a file name only, so the workbook is
 * written to a temporary file that is unlinked as soon as it exists (the
 * writer opens it again by /proc/self/fd/N; where that path does not work,
 * it keeps its name until read back) and read back whole into the
 * caller's buffer.  The caller decides where the bytes go, as for every
 * other format: `dti -o FILE` still replaces a file atomically, and a
 * failure never leaves half a workbook anywhere.
 *
 * Sheets are written row by row in constant-memory mode (rows must come in
 * order; a 10,000-row sheet is never held as cells).  Every call after the
 * first failure does nothing; dti_xlsx_finish reports it.  Numbers are
 * written as numbers, rounded to the digits asked for, with "0.0000" (as
 * many zeros as digits) as the cell's number format; Excel shows the
 * reader's decimal mark, the file holds none.  A missing value (NaN) is an
 * empty cell, never 0.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "base/base.h"

/* ---- libxlsxwriter, opened when the first workbook is written --------- */

#ifndef DTI_LIBXLSXWRITER_SONAME
#define DTI_LIBXLSXWRITER_SONAME "libxlsxwriter.so.4"
#endif
#define LXW_FUNCS(X)                                                           \
	X(format_set_align)                                                    \
	X(format_set_bg_color)                                                 \
	X(format_set_bold)                                                     \
	X(format_set_border)                                                   \
	X(format_set_bottom)                                                   \
	X(format_set_font_color)                                               \
	X(format_set_num_format)                                               \
	X(format_set_pattern)                                                  \
	X(format_set_text_wrap)                                                \
	X(format_set_unlocked)                                                 \
	X(lxw_strerror)                                                        \
	X(lxw_workbook_free)                                                   \
	X(workbook_add_format)                                                 \
	X(workbook_add_worksheet)                                              \
	X(workbook_close)                                                      \
	X(workbook_get_worksheet_by_name)                                      \
	X(workbook_new_opt)                                                    \
	X(workbook_set_properties)                                             \
	X(worksheet_data_validation_range)                                     \
	X(worksheet_freeze_panes)                                              \
	X(worksheet_protect)                                                   \
	X(worksheet_set_column)                                                \
	X(worksheet_set_row)                                                   \
	X(worksheet_write_blank)                                               \
	X(worksheet_write_number)                                              \
	X(worksheet_write_string)

static struct {
	LXW_FUNCS(DTI_DL_FIELD)
} lx;
static const char *const lx_names[] = {LXW_FUNCS(DTI_DL_NAME)};
#define LX_SLOT(f) (void *)&lx.f,
static void *const lx_slots[] = {LXW_FUNCS(LX_SLOT)};
static pthread_once_t lx_once = PTHREAD_ONCE_INIT;
static char lx_fault[256]; /* why it could not be opened, else "" */

static void load_lx(void)
{
	dti_dl_load(DTI_LIBXLSXWRITER_SONAME, lx_names, lx_slots,
	            sizeof lx_names / sizeof *lx_names, lx_fault,
	            sizeof lx_fault);
}

#define XLSX_DIGITS 18 /* number formats 0..17 decimals */

struct dti_xlsx {
	lxw_workbook *wb;
	lxw_worksheet *ws;
	int fd;
	char path[4096]; /* the named file, "" once unlinked */
	enum dti_status status;
	char why[256];
	lxw_format *head; /* header names: bold, wrapped */
	lxw_format *code; /* header codes: grey */
	lxw_format *integer;
	lxw_format *num[XLSX_DIGITS];
	lxw_format *bold;
	lxw_format *wrap;
	lxw_format *input[3]; /* dti_xlsx_input: plain, percent, text */
	/* codes of the second header row, written when row 1 is reached
	   (rows come in order: the names of row 0 are all written first) */
	char **codes;
	uint32_t ncodes;
	int flushing;
};

static void flush_codes(struct dti_xlsx *x);

static void fail(struct dti_xlsx *x, enum dti_status st, const char *why)
{
	if (x->status)
		return;
	x->status = st;
	dti_snprintf(x->why, sizeof x->why, "%s", why);
}

static void check(struct dti_xlsx *x, lxw_error e)
{
	if (e == LXW_NO_ERROR)
		return;
	fail(x,
	     e == LXW_ERROR_MEMORY_MALLOC_FAILED ? DTI_ENOMEM
	     : e == LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE ||
	             e == LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED
	         ? DTI_ELIMIT
	         : DTI_EIO,
	     lx.lxw_strerror(e));
}

static lxw_format *new_format(struct dti_xlsx *x)
{
	lxw_format *f = x->wb ? lx.workbook_add_format(x->wb) : NULL;
	if (!f)
		fail(x, DTI_ENOMEM, "no memory for a cell format");
	return f;
}

enum dti_status dti_xlsx_new(struct dti_xlsx **out, struct dti_error *err)
{
	*out = NULL;
	pthread_once(&lx_once, load_lx);
	if (lx_fault[0])
		return dti_err_set(err, DTI_EIO, "", 0, 0, NULL,
		                   "workbooks cannot be written here: %s "
		                   "(install libxlsxwriter4)",
		                   lx_fault);
	struct dti_xlsx *x = calloc(1, sizeof *x);
	if (!x)
		return dti_err_nomem(err);
	x->fd = -1;
	const char *dir = getenv("TMPDIR");
	if (!dir || !*dir)
		dir = "/tmp";
	int n =
	    dti_snprintf(x->path, sizeof x->path, "%s/dti-xlsx-XXXXXX", dir);
	if (n < 0 || (size_t)n >= sizeof x->path) {
		free(x);
		return dti_err_set(err, DTI_EIO, dir, 0, 0, NULL,
		                   "temporary directory name too long");
	}
	x->fd = mkstemp(x->path);
	if (x->fd < 0) {
		int e = errno;
		free(x);
		return dti_err_set(err, e == ENOMEM ? DTI_ENOMEM : DTI_EIO, dir,
		                   0, 0, NULL,
		                   "cannot create a temporary file for the "
		                   "workbook: %s",
		                   strerror(e));
	}
	/* the writer reopens the file by name: by /proc where it can, so
	   that nothing is left behind if the process dies */
	char proc[64];
	dti_snprintf(proc, sizeof proc, "/proc/self/fd/%d", x->fd);
	const char *name = x->path;
	if (access(proc, W_OK) == 0) {
		unlink(x->path);
		x->path[0] = '\0';
		name = proc;
	}
	lxw_workbook_options wo;
	memset(&wo, 0, sizeof wo);
	wo.constant_memory = LXW_TRUE;
	wo.tmpdir = (char *)dir;
	wo.use_zip64 = LXW_TRUE;
	x->wb = lx.workbook_new_opt(name, &wo);
	if (!x->wb) {
		dti_xlsx_free(x);
		return dti_err_nomem(err);
	}
	x->head = new_format(x);
	x->code = new_format(x);
	x->integer = new_format(x);
	x->bold = new_format(x);
	x->wrap = new_format(x);
	if (x->head) {
		lx.format_set_bold(x->head);
		lx.format_set_text_wrap(x->head);
		lx.format_set_align(x->head, LXW_ALIGN_VERTICAL_TOP);
		lx.format_set_bottom(x->head, LXW_BORDER_NONE);
	}
	if (x->code) {
		lx.format_set_font_color(x->code, 0x595959);
		lx.format_set_bottom(x->code, LXW_BORDER_THIN);
	}
	if (x->integer)
		lx.format_set_num_format(x->integer, "0");
	if (x->bold)
		lx.format_set_bold(x->bold);
	if (x->wrap) {
		lx.format_set_text_wrap(x->wrap);
		lx.format_set_align(x->wrap, LXW_ALIGN_VERTICAL_TOP);
	}
	for (int i = 0; i < 3; i++) {
		lxw_format *f = x->input[i] = new_format(x);
		if (!f)
			break;
		/* editable under the sheet's protection, and seen to be */
		lx.format_set_unlocked(f);
		lx.format_set_pattern(f, LXW_PATTERN_SOLID);
		lx.format_set_bg_color(f, 0xFFF2CC);
		lx.format_set_border(f, LXW_BORDER_THIN);
		lx.format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
		if (i == 1)
			lx.format_set_num_format(f, "0%");
		if (i == 2) {
			lx.format_set_num_format(f, "@");
			lx.format_set_text_wrap(f);
		}
	}
	if (x->status) {
		dti_xlsx_free(x);
		return dti_err_nomem(err);
	}
	*out = x;
	return DTI_OK;
}

void dti_xlsx_props(struct dti_xlsx *x, const char *title, const char *comments)
{
	if (x->status)
		return;
	lxw_doc_properties p;
	memset(&p, 0, sizeof p);
	p.title = (char *)title;
	p.comments = (char *)comments;
	p.author = (char *)"dti";
	check(x, lx.workbook_set_properties(x->wb, &p));
}

/*
 * A name Excel accepts: at most 31 characters (counted as UTF-16 units
 * by Excel; 31 code points here, every Vietnamese letter being one), none
 * of []:*?/\ , not starting or ending with an apostrophe, and new in the
 * workbook.
 */
static void sheet_name(const char *name, char *out, size_t outsz)
{
	size_t o = 0, chars = 0;
	for (const unsigned char *p = (const unsigned char *)name;
	     *p && chars < 31;) {
		size_t len = *p < 0x80 ? 1 : *p < 0xe0 ? 2 : *p < 0xf0 ? 3 : 4;
		if (o + len + 1 >= outsz)
			break;
		if (*p < 0x20 || strchr("[]:*?/\\", *p)) {
			out[o++] = '_';
			p++;
		} else {
			for (size_t k = 0; k < len && *p; k++)
				out[o++] = (char)*p++;
		}
		chars++;
	}
	out[o] = '\0';
	while (o && out[o - 1] == '\'')
		out[--o] = '\0';
	size_t lead = 0;
	while (out[lead] == '\'')
		lead++;
	if (lead)
		memmove(out, out + lead, o - lead + 1);
	if (!*out)
		dti_snprintf(out, outsz, "Sheet");
}

void dti_xlsx_sheet(struct dti_xlsx *x, const char *name)
{
	if (x->ws && x->ncodes)
		flush_codes(x);
	if (x->status)
		return;
	char nm[160];
	sheet_name(name ? name : "", nm, sizeof nm);
	/* a second sheet of the same name gets " (2)", " (3)", ... */
	char base[160];
	memcpy(base, nm, sizeof nm);
	for (int k = 2; lx.workbook_get_worksheet_by_name(x->wb, nm); k++) {
		char suffix[16];
		dti_snprintf(suffix, sizeof suffix, " (%d)", k);
		size_t keep = strlen(base);
		/* 31 characters with the suffix: cut whole characters */
		size_t chars = 0, cut = 0;
		for (size_t i = 0; i < keep; i++)
			if (((unsigned char)base[i] & 0xc0) != 0x80) {
				if (chars + strlen(suffix) >= 31)
					break;
				chars++;
				cut = i + 1;
				while (cut < keep && ((unsigned char)base[cut] &
				                      0xc0) == 0x80)
					cut++;
			}
		dti_snprintf(nm, sizeof nm, "%.*s%s", (int)cut, base, suffix);
	}
	x->ws = lx.workbook_add_worksheet(x->wb, nm);
	if (!x->ws)
		fail(x, DTI_ENOMEM, "cannot add a worksheet");
}

static int ready(struct dti_xlsx *x, uint32_t row, uint32_t col)
{
	if (x->status)
		return 0;
	if (!x->ws) {
		fail(x, DTI_EINTERNAL, "a cell before any sheet");
		return 0;
	}
	if (row > 0 && x->ncodes && !x->flushing)
		flush_codes(x);
	if (row >= LXW_ROW_MAX || col >= LXW_COL_MAX) {
		fail(x, DTI_ELIMIT,
		     row >= LXW_ROW_MAX
		         ? "more rows than a worksheet holds (1,048,576)"
		         : "more columns than a worksheet holds (16,384)");
		return 0;
	}
	return 1;
}

static void put_text(struct dti_xlsx *x, uint32_t row, uint32_t col,
                     const char *s, lxw_format *f)
{
	if (!ready(x, row, col))
		return;
	if (!s || !*s) {
		if (f)
			check(x, lx.worksheet_write_blank(x->ws, row,
			                                  (lxw_col_t)col, f));
		return;
	}
	check(x, lx.worksheet_write_string(x->ws, row, (lxw_col_t)col, s, f));
}

void dti_xlsx_text(struct dti_xlsx *x, uint32_t row, uint32_t col,
                   const char *s)
{
	put_text(x, row, col, s, NULL);
}

void dti_xlsx_bold(struct dti_xlsx *x, uint32_t row, uint32_t col,
                   const char *s)
{
	put_text(x, row, col, s, x->bold);
}

void dti_xlsx_wrapped(struct dti_xlsx *x, uint32_t row, uint32_t col,
                      const char *s)
{
	put_text(x, row, col, s, x->wrap);
}

void dti_xlsx_head(struct dti_xlsx *x, uint32_t row, uint32_t col,
                   const char *name)
{
	put_text(x, row, col, name, x->head);
}

void dti_xlsx_code(struct dti_xlsx *x, uint32_t row, uint32_t col,
                   const char *code)
{
	put_text(x, row, col, code, x->code);
}

void dti_xlsx_number(struct dti_xlsx *x, uint32_t row, uint32_t col, double v,
                     int digits)
{
	if (isnan(v) || isinf(v) || !ready(x, row, col))
		return; /* missing: an empty cell */
	if (digits < 0)
		digits = 0;
	if (digits >= XLSX_DIGITS)
		digits = XLSX_DIGITS - 1;
	/* the value as published, the same number the CSV writes: an
	   integer count of units of 10^-digits, divided once (exact) */
	double p = dti_pow10(digits);
	if (fabs(v) * p < 9.0e15)
		v = (double)dti_round_by(v, p) / p;
	if (v == 0)
		v = 0; /* no -0 */
	if (!x->num[digits]) {
		char fmt[XLSX_DIGITS + 4] = "0";
		if (digits) {
			fmt[1] = '.';
			memset(fmt + 2, '0', (size_t)digits);
			fmt[2 + digits] = '\0';
		}
		x->num[digits] = new_format(x);
		if (!x->num[digits])
			return;
		lx.format_set_num_format(x->num[digits], fmt);
	}
	check(x, lx.worksheet_write_number(x->ws, row, (lxw_col_t)col, v,
	                                   x->num[digits]));
}

void dti_xlsx_int(struct dti_xlsx *x, uint32_t row, uint32_t col, long v)
{
	if (ready(x, row, col))
		check(x, lx.worksheet_write_number(x->ws, row, (lxw_col_t)col,
		                                   (double)v, x->integer));
}

void dti_xlsx_freeze(struct dti_xlsx *x, uint32_t rows, uint32_t cols)
{
	if (ready(x, rows, cols) && (rows || cols))
		lx.worksheet_freeze_panes(x->ws, rows, (lxw_col_t)cols);
}

void dti_xlsx_width(struct dti_xlsx *x, uint32_t first, uint32_t last,
                    double width)
{
	if (ready(x, 0, last) && first <= last)
		check(x, lx.worksheet_set_column(x->ws, (lxw_col_t)first,
		                                 (lxw_col_t)last, width, NULL));
}

void dti_xlsx_input(struct dti_xlsx *x, uint32_t row, uint32_t col,
                    enum dti_xlsx_input kind, const char *s)
{
	lxw_format *f = x->input[kind == DTI_XLSX_INPUT_PERCENT ? 1
	                         : kind == DTI_XLSX_INPUT_TEXT  ? 2
	                                                        : 0];
	put_text(x, row, col, s, f);
}

void dti_xlsx_protect(struct dti_xlsx *x)
{
	if (!ready(x, 0, 0))
		return;
	lxw_protection p;
	memset(&p, 0, sizeof p);
	/* widths and heights may change: long names need room */
	p.format_columns = 1;
	p.format_rows = 1;
	lx.worksheet_protect(x->ws, NULL, &p);
}

static void validate(struct dti_xlsx *x, uint32_t r0, uint32_t r1, uint32_t col,
                     lxw_data_validation *v, int strict, const char *title,
                     const char *prompt)
{
	if (!ready(x, r1, col) || r1 < r0)
		return;
	char t[33], m[256], et[33];
	/* Excel's limits: titles 32 bytes, messages 255, cut on a character */
	dti_utf8_cut(title ? title : "", t, sizeof t);
	dti_utf8_cut(prompt ? prompt : "", m, sizeof m);
	dti_utf8_cut(title ? title : "", et, sizeof et);
	if (*t)
		v->input_title = t;
	if (*m) {
		v->input_message = m;
		v->error_message = m;
	}
	if (*et)
		v->error_title = et;
	v->error_type = strict ? LXW_VALIDATION_ERROR_TYPE_STOP
	                       : LXW_VALIDATION_ERROR_TYPE_WARNING;
	check(x, lx.worksheet_data_validation_range(x->ws, r0, (lxw_col_t)col,
	                                            r1, (lxw_col_t)col, v));
}

void dti_xlsx_valid_list(struct dti_xlsx *x, uint32_t r0, uint32_t r1,
                         uint32_t col, const char *const *items, int strict,
                         const char *title, const char *prompt)
{
	lxw_data_validation v;
	memset(&v, 0, sizeof v);
	v.validate = LXW_VALIDATION_TYPE_LIST;
	v.value_list = (char **)items;
	validate(x, r0, r1, col, &v, strict, title, prompt);
}

void dti_xlsx_valid_range(struct dti_xlsx *x, uint32_t r0, uint32_t r1,
                          uint32_t col, double lo, double hi, int whole,
                          const char *title, const char *prompt)
{
	lxw_data_validation v;
	memset(&v, 0, sizeof v);
	v.validate =
	    whole ? LXW_VALIDATION_TYPE_INTEGER : LXW_VALIDATION_TYPE_DECIMAL;
	if (isfinite(lo) && isfinite(hi)) {
		v.criteria = LXW_VALIDATION_CRITERIA_BETWEEN;
		v.minimum_number = lo;
		v.maximum_number = hi;
	} else if (isfinite(lo)) {
		v.criteria = LXW_VALIDATION_CRITERIA_GREATER_THAN_OR_EQUAL_TO;
		v.value_number = lo;
	} else if (isfinite(hi)) {
		v.criteria = LXW_VALIDATION_CRITERIA_LESS_THAN_OR_EQUAL_TO;
		v.value_number = hi;
	} else {
		/* any number: still refuses text, which no rule reads */
		v.criteria = LXW_VALIDATION_CRITERIA_BETWEEN;
		v.minimum_number = -1e300;
		v.maximum_number = 1e300;
	}
	validate(x, r0, r1, col, &v, 1, title, prompt);
}

void dti_xlsx_height(struct dti_xlsx *x, uint32_t row, double height)
{
	if (ready(x, row, 0))
		check(x, lx.worksheet_set_row(x->ws, row, height, NULL));
}

static void drop_codes(struct dti_xlsx *x)
{
	for (uint32_t c = 0; c < x->ncodes; c++)
		free(x->codes[c]);
	free(x->codes);
	x->codes = NULL;
	x->ncodes = 0;
}

static void flush_codes(struct dti_xlsx *x)
{
	x->flushing = 1;
	for (uint32_t c = 0; c < x->ncodes; c++)
		if (x->codes[c])
			put_text(x, 1, c, x->codes[c], x->code);
	x->flushing = 0;
	drop_codes(x);
}

void dti_xlsx_header(struct dti_xlsx *x, uint32_t col, const char *name,
                     const char *code)
{
	dti_xlsx_head(x, 0, col, name && *name ? name : code);
	if (x->status)
		return;
	if (col >= x->ncodes) {
		char **n = realloc(x->codes, (col + 1) * sizeof *n);
		if (!n) {
			fail(x, DTI_ENOMEM, "no memory for a header");
			return;
		}
		memset(n + x->ncodes, 0, (col + 1 - x->ncodes) * sizeof *n);
		x->codes = n;
		x->ncodes = col + 1;
	}
	free(x->codes[col]);
	x->codes[col] = strdup(code ? code : "");
	if (!x->codes[col])
		fail(x, DTI_ENOMEM, "no memory for a header");
}

void dti_xlsx_note(struct dti_xlsx *x, uint32_t *row, const char *label,
                   const char *value, const char *key)
{
	if (!value)
		return;
	dti_xlsx_bold(x, *row, 0, label);
	dti_xlsx_wrapped(x, *row, 1, value);
	dti_xlsx_code(x, *row, 2, key);
	(*row)++;
}

void dti_xlsx_notes(struct dti_xlsx *x, int vi, int synthetic, uint32_t *row)
{
	dti_xlsx_sheet(x, vi ? "Ghi chú" : "Notes");
	dti_xlsx_width(x, 0, 0, 28);
	dti_xlsx_width(x, 1, 1, 70);
	dti_xlsx_width(x, 2, 2, 18);
	dti_xlsx_header(x, 0, vi ? "Mục" : "Item", "label");
	dti_xlsx_header(x, 1, vi ? "Giá trị" : "Value", "value");
	dti_xlsx_header(x, 2, vi ? "Khóa" : "Key", "key");
	dti_xlsx_freeze(x, 2, 0);
	*row = 2;
	if (synthetic)
		dti_xlsx_note(x, row,
		              vi ? "DỮ LIỆU MÔ PHỎNG" : "SYNTHETIC DATA",
		              vi ? "Dữ liệu mô phỏng – không phải kết quả "
		                   "chính thức (synthetic demo data)"
		                 : "Synthetic demo data – not official "
		                   "results (dữ liệu mô phỏng)",
		              "synthetic_label");
}

/* Reads the finished file back from the start into out. */
static enum dti_status read_back(struct dti_xlsx *x, struct dti_buf *out,
                                 struct dti_error *err)
{
	off_t end = lseek(x->fd, 0, SEEK_END);
	if (end < 0 || lseek(x->fd, 0, SEEK_SET) < 0)
		return dti_err_set(err, DTI_EIO, NULL, 0, 0, NULL,
		                   "cannot read the workbook back: %s",
		                   strerror(errno));
	char chunk[65536];
	for (;;) {
		ssize_t r = read(x->fd, chunk, sizeof chunk);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return dti_err_set(err, DTI_EIO, NULL, 0, 0, NULL,
			                   "cannot read the workbook back: %s",
			                   strerror(errno));
		if (r == 0)
			break;
		enum dti_status st = dti_buf_add(out, chunk, (size_t)r);
		if (st)
			return dti_err_set(err, st, NULL, 0, 0, NULL,
			                   "the workbook does not fit the "
			                   "output: %s",
			                   dti_strerror(st));
	}
	return DTI_OK;
}

enum dti_status dti_xlsx_finish(struct dti_xlsx *x, struct dti_buf *out,
                                struct dti_error *err)
{
	if (x->ws && x->ncodes)
		flush_codes(x);
	enum dti_status st = x->status;
	if (!st) {
		lxw_error e = lx.workbook_close(x->wb);
		x->wb = NULL;
		if (e != LXW_NO_ERROR) {
			check(x, e);
			st = x->status;
		}
	}
	if (st)
		dti_err_set(err, st, NULL, 0, 0, NULL,
		            "cannot write the workbook: %s", x->why);
	else
		st = read_back(x, out, err);
	dti_xlsx_free(x);
	return st;
}

void dti_xlsx_free(struct dti_xlsx *x)
{
	if (!x)
		return;
	if (x->wb) {
		/* closing writes the file: free it unwritten instead */
		lx.lxw_workbook_free(x->wb);
	}
	drop_codes(x);
	if (x->fd >= 0)
		close(x->fd);
	if (x->path[0])
		unlink(x->path);
	free(x);
}
