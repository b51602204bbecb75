/*
 * lib/base/base.h - the base layer of libdti: what every other layer builds on.
 *
 * Invariants kept here:
 *   - _POSIX_C_SOURCE is set once, by the build (meson.build), never here;
 *   - errors are raised with dti_err_set()/dti_err_add(), which fill an
 *     optional struct dti_error: the first fault goes in the struct itself,
 *     later ones in `more` (for whole-file checks);
 *   - strings owned by long-lived objects are allocated from an arena owned
 *     by that object, freed in one call;
 *   - buffers filled from outside (files, fields, lines) have a size cap.
 */
#ifndef DTI_BASE_BASE_H
#define DTI_BASE_BASE_H

#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <sodium.h>

#include "dti/buf.h"
#include "dti/error.h"
#include "dti/json.h"
#include "dti/text.h"
#include "dti/version.h"

#define DTI_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define DTI_UNUSED(x)    ((void)(x))

/* Caps on what is read from outside. */
#define DTI_MAX_FILE        ((size_t)512 << 20) /* 512 MiB per input file */
#define DTI_MAX_FIELD       ((size_t)1 << 20)   /* 1 MiB per CSV field */
#define DTI_MAX_FIELDS      100000              /* columns per CSV record */
#define DTI_MAX_NODES       1000000             /* nodes per framework */
#define DTI_MAX_WEIGHT_SETS 16                  /* weight.NAME columns */

/* ---- errors ---------------------------------------------------------- */

/* Sets the first fault (if err has none yet) or appends to err->more. */
void dti_err_add(struct dti_error *err, enum dti_status code, const char *file,
                 unsigned long line, unsigned long column, const char *field,
                 const char *fmt, ...) __attribute__((format(printf, 7, 8)));
void dti_err_vadd(struct dti_error *err, enum dti_status code, const char *file,
                  unsigned long line, unsigned long column, const char *field,
                  const char *fmt, va_list ap)
    __attribute__((format(printf, 7, 0)));
/* Like dti_err_add and returns code, for "return dti_err_set(...)". */
enum dti_status dti_err_set(struct dti_error *err, enum dti_status code,
                            const char *file, unsigned long line,
                            unsigned long column, const char *field,
                            const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));
enum dti_status dti_err_nomem(struct dti_error *err);
/* Like dti_err_set, replacing what err held (a backend's raw message). */
enum dti_status dti_err_replace(struct dti_error *err, enum dti_status code,
                                const char *file, unsigned long line,
                                unsigned long column, const char *field,
                                const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));
/* Fills a dti_diag (for warnings kept by objects). */
void dti_diag_set(struct dti_diag *d, enum dti_status code, const char *file,
                  unsigned long line, unsigned long column, const char *field,
                  const char *fmt, ...) __attribute__((format(printf, 7, 8)));

/*
 * snprintf and vsnprintf in the "C" locale of this thread, whatever the
 * application set with setlocale(): "%g" always writes a decimal point.
 */
int dti_snprintf(char *out, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int dti_vsnprintf(char *out, size_t n, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

/* A CSV field (NULL as ""), quoted when it holds , " or a line break. */
enum dti_status dti_csv_cell(struct dti_buf *b, const char *s);
/*
 * A CSV field of text from a file or a user (a name, a comment) in output
 * meant for spreadsheets: as dti_csv_cell, but text starting with = + - @
 * (or a tab or carriage return) gets a leading ' so that a spreadsheet
 * shows it as text instead of evaluating it as a formula.  Numbers are
 * never written through it.
 */
enum dti_status dti_csv_text_cell(struct dti_buf *b, const char *s);

/*
 * The end of every public call that writes into a caller's buffer: st
 * when it already failed, else the buffer's sticky status (with a message
 * in err), else DTI_OK.
 */
enum dti_status dti_buf_final(struct dti_buf *b, enum dti_status st,
                              struct dti_error *err);

/* ---- libraries opened when first used (dl.c) -------------------------- */

/*
 * Opens the shared library soname (dlopen, local symbols) and stores the
 * address of names[i] into the function pointer at slots[i], for i < n.
 * The handle, or NULL with why in fault (the library missing, a symbol
 * missing).  Callers list the functions they use once, with an X macro:
 *   #define FOO_FUNCS(X) X(foo_open) X(foo_close)
 *   static struct { FOO_FUNCS(DTI_DL_FIELD) } foo;
 *   static const char *const foo_names[] = {FOO_FUNCS(DTI_DL_NAME)};
 *   #define FOO_SLOT(f) (void *)&foo.f,
 *   static void *const foo_slots[] = {FOO_FUNCS(FOO_SLOT)};
 * and call foo.foo_open(...) after a successful load (under pthread_once).
 */
void *dti_dl_load(const char *soname, const char *const *names,
                  void *const *slots, size_t n, char *fault, size_t cap);
#define DTI_DL_FIELD(f) __typeof__(f) *f;
#define DTI_DL_NAME(f)  #f,

/* ---- linear algebra (lapack.c) ----------------------------------------- */

/*
 * The eigenvalues of the symmetric k x k matrix a (both triangles filled;
 * not changed), largest first, into values[k], and an eigenvector of unit
 * length for each into vectors (vectors[j * k + i]: element i of the
 * vector of values[j]).  Signs are LAPACK's (arbitrary).  By LAPACK's
 * dsyevr, opened when first called: DTI_EIO with a message naming the
 * package when it cannot be; DTI_ENOMEM; DTI_EINTERNAL if it fails.
 */
enum dti_status dti_sym_eigen(const double *a, size_t k, double *values,
                              double *vectors, struct dti_error *err);

/* ---- characters (ICU, text.c) ------------------------------------------ */

/* What a unit-name key makes of a character that folds to nothing. */
enum dti_uchar_class {
	DTI_UCHAR_MARK,  /* a combining mark or format character: dropped */
	DTI_UCHAR_DASH,  /* dash punctuation: '-' */
	DTI_UCHAR_OTHER, /* anything else: a space */
};
enum dti_uchar_class dti_uchar_class(uint32_t cp);
/* s copied into out, cut (if it does not fit) before a whole character;
 * the length copied. */
size_t dti_utf8_cut(const char *s, char *out, size_t outsz);
int dti_uchar_is_upper(uint32_t cp);

/* ---- memory ---------------------------------------------------------- */

/* An arena: many small allocations freed together. */
struct dti_arena {
	struct dti_arena_block *head;
	size_t total;
};
#define DTI_ARENA_INIT                                                         \
	{                                                                      \
		NULL, 0                                                        \
	}
void *dti_arena_alloc(struct dti_arena *a,
                      size_t n); /* 16-byte aligned, zeroed */
char *dti_arena_strdup(struct dti_arena *a, const char *s);
char *dti_arena_strndup(struct dti_arena *a, const char *s, size_t n);
void dti_arena_release(struct dti_arena *a);

/* A large block (result matrices), on huge pages where possible. */
void *dti_big_alloc(size_t n);
/* 1 if the block came zeroed (a large block, never written yet). */
int dti_big_zeroed(const void *p);
void dti_big_free(void *p);

/* Overflow-checked growth of an array: ensures *cap >= need elements. */
int dti_grow(void **p, size_t *cap, size_t need, size_t elem);
#define DTI_GROW(p, cap, need)                                                 \
	dti_grow((void **)&(p), &(cap), (need), sizeof(*(p)))

/* ---- strings --------------------------------------------------------- */

int dti_streq_ci(const char *a, const char *b); /* ASCII case-insensitive */
char *dti_trim(char *s);                        /* in place, ASCII space */
/* Folded key of a name compared with a folded literal ("tinh", "don vi"). */
int dti_key_is(const char *s, const char *key);
/* Reads a whole file ("-" = stdin) with the cap; *buf is malloc'd. */
enum dti_status dti_read_file(const char *path, size_t cap, char **buf,
                              size_t *len, struct dti_error *err);
/*
 * Reads the input a reader of data files, frameworks or unit registries is
 * given: a file ("-" = stdin), or "BOOK#SHEET", a sheet of the workbook
 * BOOK, when no file has the whole name.  *name (malloc'd) is the name to
 * read it under: the path ("<stdin>" for "-"), with "#SHEET" for a sheet,
 * and with "#" for the first sheet of a workbook whose name holds a '#'.
 * A sheet named for a file that is no workbook is an error.
 */
enum dti_status dti_read_source(const char *path, char **buf, size_t *len,
                                char **name, struct dti_error *err);

/* ---- string -> index map (open addressing, FNV-1a) ------------------- */

struct dti_map {
	const char **keys;
	size_t *vals;
	size_t cap;
	size_t count;
};
#define DTI_MAP_INIT                                                           \
	{                                                                      \
		NULL, NULL, 0, 0                                               \
	}
/* Keys are borrowed: they must outlive the map. */
int dti_map_put(struct dti_map *m, const char *key, size_t val);
int dti_map_get(const struct dti_map *m, const char *key, size_t *val);
void dti_map_release(struct dti_map *m);

/* ---- numbers --------------------------------------------------------- */

/*
 * A plain decimal, converted exactly, or -1 (then strtod, or the full
 * parser, decides); inline: the data reader calls it for every figure.
 * The exact fast path (Clinger, 1990): a decimal whose significant digits
 * make an integer m <= 2^53 and whose power of ten is within 10^+-22 is
 * m * 10^e or m / 10^-e, each factor exact in a double, so the one
 * operation rounds correctly, as strtod would.  s (n bytes) is
 * "[-]digits[.digits][e[+-]digits]"; anything else, or beyond those
 * bounds, is left to strtod (-1).  Leading zeros and zeros right after
 * the point do not count among the 19 significant digits.  Figures as
 * people type them (up to 15 digits, a few decimals) are all taken here:
 * strtod costs about ten times more.
 */
static inline int dti_fast_decimal(const char *s, size_t n, double *out)
{
#if FLT_EVAL_METHOD == 0
	static const double p10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,
	                             1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
	                             1e12, 1e13, 1e14, 1e15, 1e16, 1e17,
	                             1e18, 1e19, 1e20, 1e21, 1e22};
	const char *p = s, *end = s + n;
	int neg = p < end && *p == '-';
	p += neg;
	/* leading zeros are not significant */
	const char *d0 = p;
	while (p < end && *p == '0')
		p++;
	int lead = p > d0;
	uint64_t m = 0;
	const char *i0 = p;
	while (p < end && (unsigned)(*p - '0') < 10)
		m = m * 10 + (uint64_t)(*p++ - '0');
	int sig = (int)(p - i0), frac = 0;
	if (p < end && *p == '.') {
		const char *f0 = ++p;
		if (!m) /* zeros after the point before the first digit */
			while (p < end && *p == '0')
				p++;
		const char *f1 = p;
		while (p < end && (unsigned)(*p - '0') < 10)
			m = m * 10 + (uint64_t)(*p++ - '0');
		sig += (int)(p - f1);
		frac = (int)(p - f0);
	}
	if (sig > 19 || (!sig && !lead && !frac))
		return -1;
	int e = 0;
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		int eneg = p < end && *p == '-';
		p += p < end && (*p == '-' || *p == '+');
		const char *e0 = p;
		while (p < end && (unsigned)(*p - '0') < 10 && p - e0 < 5)
			e = e * 10 + (*p++ - '0');
		if (p == e0 || p - e0 > 4)
			return -1;
		if (eneg)
			e = -e;
	}
	if (p != end || m > (UINT64_C(1) << 53))
		return -1;
	e -= frac;
	double v = (double)m;
	if (m == 0 || e == 0)
		;
	else if (e > 0 && e <= 22)
		v *= p10[e];
	else if (e < 0 && e >= -22)
		v /= p10[-e];
	else
		return -1;
	*out = neg ? -v : v;
	return 0;
#else
	(void)s;
	(void)n;
	(void)out;
	return -1;
#endif
}

/*
 * Parses a decimal number as people type it in data files: optional sign,
 * digits with an optional decimal mark and thousands grouping, optional
 * exponent, optional trailing '%' (reported in *percent).  `mark` is '.' or
 * ',' when declared, 0 to accept either where unambiguous, ';' for a file
 * separated by ';' (Excel's dialect where the comma is the decimal mark):
 * either where unambiguous, and "1,120" read as 1.12.  Returns
 * DTI_OK, DTI_ESYNTAX (not a number) or DTI_EAMBIGUOUS ("1,120" without a
 * declared mark); `why` gets a short reason.  Independent of the locale.
 */
enum dti_status dti_parse_number(const char *s, char mark, double *out,
                                 int *percent, const char **why);
/* Strict: the whole string must be a plain C number ("1e-3", "-2.5"). */
int dti_parse_double(const char *s, double *out);
int dti_parse_long(const char *s, long *out);
/* "YYYY-MM-DD" naming a day that exists (leap years counted). */
int dti_is_date(const char *s);
/* "YYYY-MM-DDTHH:MM:SSZ" naming a moment that exists. */
int dti_is_timestamp(const char *s);

/* Appends the shortest text that reads back as exactly v ("0.85", "1000"). */
enum dti_status dti_buf_add_shortest(struct dti_buf *b, double v);

/* v rounded to `digits` decimals without trailing zeros ("716.3"). */
enum dti_status dti_buf_add_trimmed(struct dti_buf *b, double v, int digits);

/* Rounds v to `digits` decimals, as an integer count (half away from 0). */
long long dti_round_scaled(double v, int digits);

/*
 * The same with p = 10^digits given, inline for the loops that round
 * every cell.  v * p is inexact: 0.80025 may come out as 8002.4999999.
 * Published values are rounded from decimal figures, so a product within
 * a few ulps of a half is treated as the half it stands for.
 */
static inline long long dti_round_by(double v, double p)
{
	double s = v * p;
	if (fabs(s) >= 4503599627370496.0) /* 2^52: already a whole number */
		return (long long)s;
	double fl = floor(s);
	double frac = s - fl;
	double eps = fabs(s) * 4 * 2.220446049250313e-16;
	/* near 2^52 the tolerance would swallow every fraction: no fix-up */
	if (eps < 0.125 && fabs(frac - 0.5) <= eps)
		return (long long)(s >= 0 ? fl + 1 : fl);
	return (long long)llround(s);
}
double dti_pow10(int digits);

/* ---- XLSX (xlsx_read.c) ------------------------------------------------ */

/* What a cell of a workbook held; its text is in the CSV field. */
enum dti_cell_kind {
	DTI_CELL_TEXT = 0, /* a string, or no cell at all */
	DTI_CELL_NUMBER,   /* a number as the file wrote it ("0.85"), or
	                      "85%" under a percentage format */
	DTI_CELL_BOOL,     /* "TRUE" or "FALSE" */
	DTI_CELL_DATE,     /* "YYYY-MM-DD", "YYYY-MM-DD HH:MM:SS", "HH:MM:SS" */
	DTI_CELL_ERROR,    /* an error value as written: "#N/A", "#DIV/0!" */
	DTI_CELL_FORMULA   /* a formula never computed: "=SUM(B2:B9)" */
};

struct dti_xlsx_cell {
	uint32_t off; /* of its NUL-terminated text in sheet->text */
	uint16_t col; /* 1 for column A */
	uint8_t kind; /* enum dti_cell_kind */
};

struct dti_xlsx_row {
	unsigned long row; /* 1-based, as the sheet numbers it */
	size_t first;      /* its cells: cells[first .. first + n) */
	uint32_t n;
};

/*
 * A sheet read into memory: the rows that have a cell with a value, in
 * order, each with its cells left to right.  Owned; released with
 * dti_xlsx_release().
 */
struct dti_xlsx_sheet {
	char *name; /* the sheet's name in the workbook */
	char *text;
	size_t text_len, text_cap;
	struct dti_xlsx_cell *cells;
	size_t ncells, cap_cells;
	struct dti_xlsx_row *rows;
	size_t nrows, cap_rows;
	unsigned max_col;
	int head_only; /* read stopped after the head (limits.head) */
};

#define DTI_XLSX_MAX_PART  ((size_t)1 << 30) /* uncompressed bytes a part */
#define DTI_XLSX_MAX_CELLS ((size_t)1 << 26) /* cells with a value */

struct dti_xlsx_limits {
	size_t part;  /* uncompressed bytes of one part (declared or read) */
	size_t text;  /* bytes of cell text kept */
	size_t cells; /* cells kept */
	int head;     /* stop after the first row that is not metadata */
};
/* The limits of every read: DTI_XLSX_MAX_PART, DTI_MAX_FILE, ... */
void dti_xlsx_limits_init(struct dti_xlsx_limits *l);

/* 1 when buf starts as a zip archive does (an .xlsx is one). */
int dti_is_xlsx(const char *buf, size_t len);
/*
 * Reads sheet `sheet` (by name; NULL or "" for the first) of the workbook
 * in buf.  `book` names the workbook in errors.  lim NULL: the defaults.
 */
enum dti_status dti_xlsx_read(const char *buf, size_t len, const char *book,
                              const char *sheet,
                              const struct dti_xlsx_limits *lim,
                              struct dti_xlsx_sheet *out,
                              struct dti_error *err);
void dti_xlsx_release(struct dti_xlsx_sheet *s);
/* "AB" for column 28; returns the length. */
size_t dti_xlsx_col_name(unsigned long col, char out[8]);
/*
 * A place as a spreadsheet user names it: "book.xlsx:'Dữ liệu'!D17", the
 * row alone "…!17:17" (col 0), the sheet alone (row 0).
 */
void dti_xlsx_place(char *out, size_t outsz, const char *book,
                    const char *sheet, unsigned long row, unsigned long col);

/* ---- CSV ------------------------------------------------------------- */

/*
 * A CSV reader over a buffer in memory (RFC 4180 quoting; separator ',' ';'
 * or tab, sniffed from the header; CRLF or LF; a UTF-8 BOM skipped).  Lines
 * starting with '#' before the header are metadata ("# key: value") or
 * comments.  Records are returned as arrays of NUL-terminated fields owned
 * by the reader (valid until the next call).
 */
struct dti_csv {
	const char *buf;
	size_t len;
	size_t pos;
	const char *name; /* file name for errors */
	char sep;
	unsigned long line; /* line where the current record starts */
	unsigned long next_line;
	char **fields; /* field i is in column i + 1 */
	size_t nfields;
	size_t cap_fields;
	char *scratch;
	size_t scratch_len;
	size_t scratch_cap;
	size_t *offsets;
	/* metadata lines before the header */
	size_t nmeta;
	char **meta_keys;
	char **meta_vals;
	unsigned long *meta_lines;
	/* a sheet of a workbook read instead of CSV text (csv_sheet.c) */
	struct dti_xlsx_sheet *sheet;
	size_t sheet_row;     /* the next row to return */
	char *book;           /* the workbook's name, for places */
	unsigned char *kinds; /* enum dti_cell_kind of each field */
	size_t cap_kinds;
	char *empty; /* NUL bytes: the fields of absent cells */
	size_t cap_empty;
	struct dti_error *err; /* faults raised while open, placed at close */
	int err_main;          /* err held no fault at open */
	size_t err_more;       /* err->nmore at open */
};

/*
 * Checks UTF-8, reads metadata lines and sniffs the separator from the
 * first record.  `sep` 0 sniffs.
 *
 * A buffer that is a workbook (dti_is_xlsx) is read as one of its sheets,
 * chosen by the text after the last '#' of name ("data.xlsx#Dữ liệu"; no
 * '#', or nothing after it: the first sheet).  Its rows come back as
 * records: field i is column i + 1 (A is field 0), c->line is the sheet's
 * row number, absent cells are empty fields, rows without a value are
 * skipped, and c->kinds[i] tells what a field's cell held (numbers are
 * written with '.').  Rows whose column A is text starting with '#' are
 * metadata before the header (their cells joined with ','), comments
 * after it.  Every fault that names `name` with a line and is raised into
 * err between open and close is placed by dti_csv_close() at its cell:
 * file "data.xlsx:'Dữ liệu'!D17" (row 17, column 4 kept in line and
 * column), a row "…!17:17", the sheet "data.xlsx:'Dữ liệu'".
 */
enum dti_status dti_csv_open(struct dti_csv *c, const char *buf, size_t len,
                             const char *name, char sep, struct dti_error *err);
/* As dti_csv_open, reading no further than the metadata when it can. */
enum dti_status dti_csv_open_meta(struct dti_csv *c, const char *buf,
                                  size_t len, const char *name,
                                  struct dti_error *err);
/* The kind of field i of the current record: DTI_CELL_TEXT for CSV. */
static inline enum dti_cell_kind dti_csv_kind(const struct dti_csv *c, size_t i)
{
	return c->kinds && i < c->nfields ? (enum dti_cell_kind)c->kinds[i]
	                                  : DTI_CELL_TEXT;
}
/*
 * Places a fault (file, line, column) raised about the sheet c reads at
 * its cell, as dti_csv_close() does; faults about anything else are left
 * alone.  For faults kept elsewhere (warnings).
 */
void dti_csv_place(const struct dti_csv *c, char file[DTI_ERROR_FILE_MAX],
                   unsigned long line, unsigned long column);
/* A "# key: value" line (s, n bytes) of line `line` into c's metadata. */
int dti_csv_meta_line(struct dti_csv *c, const char *s, size_t n,
                      unsigned long line);
/* The sheet side of dti_csv_open/next/close (csv_sheet.c). */
enum dti_status dti_csv_open_sheet(struct dti_csv *c, const char *buf,
                                   size_t len, const char *name, int head,
                                   struct dti_error *err);
enum dti_status dti_csv_sheet_next(struct dti_csv *c, struct dti_error *err);
void dti_csv_sheet_close(struct dti_csv *c);
/* Next record: DTI_OK with c->nfields set, or DTI_ENOTFOUND at the end. */
enum dti_status dti_csv_next(struct dti_csv *c, struct dti_error *err);
/* Skips records that are empty or all-blank (returns as dti_csv_next). */
enum dti_status dti_csv_next_nonblank(struct dti_csv *c, struct dti_error *err);
/*
 * What dti_csv_next_figures converts: field j < n with num[j] set, when
 * it is a plain decimal ("-12.5", "7", as dti_fast_decimal takes it
 * without an exponent) within [lo[j], hi[j]], goes to vals[j]; every
 * other vals[j] (j < n) is NaN.  *pending gets how many of the num
 * fields are neither converted nor empty (SIZE_MAX when the record was
 * not split here: a quoted line or a sheet's row); they are for the
 * caller to read as text.
 */
struct dti_csv_figs {
	const unsigned char *num;
	const double *lo, *hi;
	size_t n;
	double *vals;
	size_t *pending;
};
/*
 * dti_csv_next_nonblank that also converts figures as in fg, in the same
 * pass over a plain text line.  The fields are returned as by
 * dti_csv_next either way.
 */
enum dti_status dti_csv_next_figures(struct dti_csv *c,
                                     const struct dti_csv_figs *fg,
                                     struct dti_error *err);
const char *dti_csv_meta(const struct dti_csv *c, const char *key);
void dti_csv_close(struct dti_csv *c);

/* ---- XLSX (xlsx_write.c) ---------------------------------------------- */

/*
 * A workbook written into a struct dti_buf (through a temporary file that
 * nobody else sees).  Sheets are written in row order (constant memory).
 * Cell calls do nothing after the first failure, which dti_xlsx_finish
 * reports; it always frees the workbook, dti_xlsx_free drops one unwritten.
 * Text is never a formula.  dti_xlsx_number writes v rounded to `digits`
 * with that many decimals as the cell's format ("0.0000"); NaN leaves
 * the cell empty.
 */
struct dti_xlsx;
enum dti_status dti_xlsx_new(struct dti_xlsx **out, struct dti_error *err);
void dti_xlsx_props(struct dti_xlsx *x, const char *title,
                    const char *comments);
/* A new sheet: the name is made acceptable to Excel and unique. */
void dti_xlsx_sheet(struct dti_xlsx *x, const char *name);
void dti_xlsx_text(struct dti_xlsx *x, uint32_t row, uint32_t col,
                   const char *s);
void dti_xlsx_bold(struct dti_xlsx *x, uint32_t row, uint32_t col,
                   const char *s);
void dti_xlsx_wrapped(struct dti_xlsx *x, uint32_t row, uint32_t col,
                      const char *s);
/* Header cells: a name (bold, wrapped) and a code (the row below). */
void dti_xlsx_head(struct dti_xlsx *x, uint32_t row, uint32_t col,
                   const char *name);
void dti_xlsx_code(struct dti_xlsx *x, uint32_t row, uint32_t col,
                   const char *code);
void dti_xlsx_number(struct dti_xlsx *x, uint32_t row, uint32_t col, double v,
                     int digits);
void dti_xlsx_int(struct dti_xlsx *x, uint32_t row, uint32_t col, long v);
/* Both header rows of a column: the name over the code. */
void dti_xlsx_header(struct dti_xlsx *x, uint32_t col, const char *name,
                     const char *code);
/*
 * The notes sheet: dti_xlsx_notes starts it (label, value, key columns
 * under the two header rows; first, the synthetic label when synthetic)
 * and sets *row; dti_xlsx_note adds a row (none when value is NULL).
 */
void dti_xlsx_notes(struct dti_xlsx *x, int vi, int synthetic, uint32_t *row);
void dti_xlsx_note(struct dti_xlsx *x, uint32_t *row, const char *label,
                   const char *value, const char *key);
/* Rows above and columns left of the scrolled part stay in view. */
void dti_xlsx_freeze(struct dti_xlsx *x, uint32_t rows, uint32_t cols);
void dti_xlsx_width(struct dti_xlsx *x, uint32_t first, uint32_t last,
                    double width);
/* Before any cell of the row is written. */
void dti_xlsx_height(struct dti_xlsx *x, uint32_t row, double height);
/*
 * An input cell (shaded, unlocked: editable when the sheet is protected),
 * empty or holding s: a number or text cell, one shown as a percentage
 * (what is typed as 85 is kept as 0.85, read back as "85%"), or text.
 */
enum dti_xlsx_input {
	DTI_XLSX_INPUT_NUMBER,
	DTI_XLSX_INPUT_PERCENT,
	DTI_XLSX_INPUT_TEXT
};
void dti_xlsx_input(struct dti_xlsx *x, uint32_t row, uint32_t col,
                    enum dti_xlsx_input kind, const char *s);
/* The current sheet protected, without a password: only input cells
 * change (column widths and row heights too). */
void dti_xlsx_protect(struct dti_xlsx *x);
/*
 * Data validation of rows r0..r1 of a column: one of a list of items
 * (NULL-terminated; strict: nothing else, else a warning), or a number
 * (whole: an integer) within lo..hi (either infinite: unbounded), with a
 * title and a prompt shown on the cell (cut to Excel's limits).
 */
void dti_xlsx_valid_list(struct dti_xlsx *x, uint32_t r0, uint32_t r1,
                         uint32_t col, const char *const *items, int strict,
                         const char *title, const char *prompt);
void dti_xlsx_valid_range(struct dti_xlsx *x, uint32_t r0, uint32_t r1,
                          uint32_t col, double lo, double hi, int whole,
                          const char *title, const char *prompt);
enum dti_status dti_xlsx_finish(struct dti_xlsx *x, struct dti_buf *out,
                                struct dti_error *err);
void dti_xlsx_free(struct dti_xlsx *x);

/* ---- hashing --------------------------------------------------------- */

struct dti_sha256 {
	crypto_hash_sha256_state st;
};
void dti_sha256_init(struct dti_sha256 *s);
void dti_sha256_update(struct dti_sha256 *s, const void *p, size_t n);
void dti_sha256_final(struct dti_sha256 *s, char hex[65]);

#endif
