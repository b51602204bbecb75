/*
 * lib/base/xlsx_read.c - one sheet of an Office Open XML workbook (.xlsx) read
 * into memory as rows of cell texts, for the CSV-level readers above it.
 *
 * The package is a zip (libzip, from the buffer in memory); its parts are
 * XML, streamed through expat in chunks, so a sheet's XML is never held
 * whole.  The way to the sheet follows the package's relationships:
 * _rels/.rels names the workbook, the workbook's rels name the sheets'
 * parts, the shared strings and the styles.
 *
 * Every cell with a value becomes text, as a CSV export of the sheet would
 * hold it, with its kind kept beside it:
 *   - strings (shared, inline, rich text runs joined, phonetic runs left
 *     out, _xHHHH_ escapes decoded) as they are;
 *   - numbers as written in the file (the shortest text of the double, in
 *     the files Excel and LibreOffice write), never rounded to what the
 *     cell shows; a percentage format gives "85%" (the decimal point
 *     moved in the text, not by multiplying), a format of zeros only
 *     ("000") pads an integer;
 *   - numbers with a date or time format as "YYYY-MM-DD", "YYYY-MM-DD
 *     HH:MM:SS" or "HH:MM:SS" (1900 and 1904 date systems, Excel's
 *     fictitious 1900-02-29 included);
 *   - booleans as TRUE / FALSE, error values as written ("#N/A");
 *   - a formula's cached value as the value; a formula without one (saved
 *     by a program that does not compute) as "=" and its text, which no
 *     number parser takes for a figure.
 * Cells without a value (formatting only) are not kept.
 *
 * Invariants: nothing of the input is trusted.  A part's declared and
 * actual uncompressed sizes are both checked against a cap before and
 * while it is read (zip bombs); documents with a DOCTYPE are refused
 * (entity expansion); the cells and text kept are capped; cell references
 * beyond XFD1048576, repeated or out of order are errors.  Texts are UTF-8
 * without NUL bytes, like every CSV field.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <expat.h>
#include <zip.h>

#include "base/base.h"

/* ---- libzip and expat, opened when the first workbook is read --------- */

#ifndef DTI_LIBZIP_SONAME
#define DTI_LIBZIP_SONAME "libzip.so.4"
#endif
#ifndef DTI_LIBEXPAT_SONAME
#define DTI_LIBEXPAT_SONAME "libexpat.so.1"
#endif
#define ZIP_FUNCS(X)                                                           \
	X(zip_close)                                                           \
	X(zip_error_code_zip)                                                  \
	X(zip_error_fini)                                                      \
	X(zip_error_init)                                                      \
	X(zip_error_strerror)                                                  \
	X(zip_fclose)                                                          \
	X(zip_file_strerror)                                                   \
	X(zip_fopen_index)                                                     \
	X(zip_fread)                                                           \
	X(zip_name_locate)                                                     \
	X(zip_open_from_source)                                                \
	X(zip_source_buffer_create)                                            \
	X(zip_source_free)                                                     \
	X(zip_stat_index)                                                      \
	X(zip_stat_init)                                                       \
	X(zip_strerror)
#define EXPAT_FUNCS(X)                                                         \
	X(XML_ErrorString)                                                     \
	X(XML_GetCurrentColumnNumber)                                          \
	X(XML_GetCurrentLineNumber)                                            \
	X(XML_GetErrorCode)                                                    \
	X(XML_Parse)                                                           \
	X(XML_ParserCreate)                                                    \
	X(XML_ParserFree)                                                      \
	X(XML_SetCharacterDataHandler)                                         \
	X(XML_SetElementHandler)                                               \
	X(XML_SetStartDoctypeDeclHandler)                                      \
	X(XML_SetUserData)                                                     \
	X(XML_StopParser)

static struct {
	ZIP_FUNCS(DTI_DL_FIELD)
} xz;
static struct {
	EXPAT_FUNCS(DTI_DL_FIELD)
} xx;
static const char *const xz_names[] = {ZIP_FUNCS(DTI_DL_NAME)};
static const char *const xx_names[] = {EXPAT_FUNCS(DTI_DL_NAME)};
#define XZ_SLOT(f) (void *)&xz.f,
#define XX_SLOT(f) (void *)&xx.f,
static void *const xz_slots[] = {ZIP_FUNCS(XZ_SLOT)};
static void *const xx_slots[] = {EXPAT_FUNCS(XX_SLOT)};
static pthread_once_t libs_once = PTHREAD_ONCE_INIT;
static char libs_fault[256]; /* why they could not be opened, else "" */

static void load_libs(void)
{
	if (dti_dl_load(DTI_LIBZIP_SONAME, xz_names, xz_slots,
	                sizeof xz_names / sizeof *xz_names, libs_fault,
	                sizeof libs_fault))
		dti_dl_load(DTI_LIBEXPAT_SONAME, xx_names, xx_slots,
		            sizeof xx_names / sizeof *xx_names, libs_fault,
		            sizeof libs_fault);
}

#define XLSX_MAX_ROW  1048576UL
#define XLSX_MAX_COL  16384UL
#define XLSX_MAX_NAME 1024 /* relationship targets, ids, sheet names */

/* Classes of number formats. */
enum fmt_class {
	FMT_GENERAL = 0,
	FMT_DATE,
	FMT_TIME,
	FMT_DATETIME,
	FMT_PERCENT,
	FMT_PAD /* zeros only: "000" */
};

struct fmt {
	unsigned id;
	unsigned char cls, pad;
};

struct rel {
	char *id, *type, *target; /* target resolved to a part name */
};

struct sheet_ent {
	char *name, *rid;
};

/* A growable text buffer with a cap. */
struct tbuf {
	char *p;
	size_t len, cap;
};

enum cell_type { T_N, T_S, T_STR, T_INLINE, T_B, T_E, T_D };
enum collect { C_NONE, C_V, C_F, C_T };

struct xr {
	zip_t *za;
	const char *book;  /* shown in errors */
	const char *sheet; /* the sheet read, once chosen */
	const struct dti_xlsx_limits *lim;
	struct dti_error *err;
	enum dti_status st; /* the first fault, raised from a handler */
	XML_Parser xp;
	const char *part;
	const char *rel_source; /* the part whose relationships are read */
	int stopped_head;       /* stopped on purpose (head only) */
	/* package */
	struct rel *rels;
	size_t nrels;
	struct sheet_ent *sheets;
	size_t nsheets;
	int date1904;
	/* shared strings */
	struct tbuf sst;
	uint32_t *sst_off;
	size_t nsst, cap_sst;
	int in_si, in_rph;
	/* styles */
	struct fmt *fmts;
	size_t nfmts, cap_fmts;
	unsigned char *xf_cls, *xf_pad;
	size_t nxf, cap_xf, cap_xf2;
	int in_numfmts, in_cellxfs;
	/* text being collected */
	enum collect collect;
	struct tbuf val, fml;
	/* sheet */
	struct dti_xlsx_sheet *out;
	int in_data;
	unsigned long row, last_row, col, next_col;
	size_t row_first; /* index of the row's first cell */
	enum cell_type type;
	unsigned style;
	int in_cell, have_v, have_f, in_is;
};

/* ---- small helpers --------------------------------------------------- */

static const char *local(const char *n)
{
	const char *c = strrchr(n, ':');
	return c ? c + 1 : n;
}

static const char *attr(const char **a, const char *name)
{
	for (; a[0]; a += 2)
		if (strcmp(local(a[0]), name) == 0)
			return a[1];
	return NULL;
}

static int tb_add(struct tbuf *b, const char *s, size_t n, size_t cap)
{
	if (b->len + n + 1 > cap)
		return 1;
	if (b->len + n + 1 > b->cap && DTI_GROW(b->p, b->cap, b->len + n + 1))
		return -1;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

static void tb_release(struct tbuf *b)
{
	free(b->p);
	memset(b, 0, sizeof *b);
}

static char *xstrdup(const char *s)
{
	size_t n = strlen(s);
	char *p = malloc(n + 1);
	if (p)
		memcpy(p, s, n + 1);
	return p;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && strcmp(s + a - b, suffix) == 0;
}

size_t dti_xlsx_col_name(unsigned long col, char out[8])
{
	char tmp[8];
	size_t n = 0;
	while (col > 0 && n < 7) {
		col--;
		tmp[n++] = (char)('A' + col % 26);
		col /= 26;
	}
	for (size_t i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	out[n] = '\0';
	return n;
}

/* A sheet's name as a formula writes it: quoted unless plain. */
static void add_sheet_name(struct dti_buf *b, const char *sheet)
{
	int plain = *sheet && !(*sheet >= '0' && *sheet <= '9');
	size_t letters = 0;
	for (const char *p = sheet; *p && plain; p++) {
		char c = *p;
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || c == '_'))
			plain = 0;
		else if (c >= '0' && c <= '9' && !letters)
			letters = (size_t)(p - sheet);
	}
	/* "A1", "XFD17": a name that reads as a cell is quoted too */
	if (plain && letters && letters <= 3 &&
	    strspn(sheet + letters, "0123456789") == strlen(sheet + letters))
		plain = 0;
	if (plain) {
		dti_buf_adds(b, sheet);
		return;
	}
	dti_buf_addc(b, '\'');
	for (const char *p = sheet; *p; p++) {
		if (*p == '\'')
			dti_buf_addc(b, '\'');
		dti_buf_addc(b, *p);
	}
	dti_buf_addc(b, '\'');
}

void dti_xlsx_place(char *out, size_t outsz, const char *book,
                    const char *sheet, unsigned long row, unsigned long col)
{
	struct dti_buf b = DTI_BUF_INIT;
	if (book && *book) {
		dti_buf_adds(&b, book);
		dti_buf_addc(&b, ':');
	}
	add_sheet_name(&b, sheet ? sheet : "");
	if (row && col) {
		char cn[8];
		dti_xlsx_col_name(col, cn);
		dti_buf_addf(&b, "!%s%lu", cn, row);
	} else if (row) {
		dti_buf_addf(&b, "!%lu:%lu", row, row);
	}
	if (b.status || !b.data)
		snprintf(out, outsz, "%s", book ? book : "");
	else
		snprintf(out, outsz, "%s", b.data);
	dti_buf_release(&b);
}

static void fail(struct xr *x, enum dti_status code, unsigned long row,
                 unsigned long col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/*
 * Records the first fault and stops the parser.  With a row, the fault is
 * placed at the cell (or row) of the sheet being read.
 */
static void fail(struct xr *x, enum dti_status code, unsigned long row,
                 unsigned long col, const char *fmt, ...)
{
	if (x->st)
		return;
	x->st = code;
	char place[DTI_ERROR_FILE_MAX];
	if (row && x->sheet)
		dti_xlsx_place(place, sizeof place, x->book, x->sheet, row,
		               col);
	else
		snprintf(place, sizeof place, "%s", x->book);
	va_list ap;
	va_start(ap, fmt);
	dti_err_vadd(x->err, code, place, row && x->sheet ? row : 0,
	             row && x->sheet ? col : 0, NULL, fmt, ap);
	va_end(ap);
	if (x->xp)
		xx.XML_StopParser(x->xp, XML_FALSE);
}

static void nomem(struct xr *x)
{
	if (!x->st) {
		x->st = DTI_ENOMEM;
		dti_err_nomem(x->err);
	}
	if (x->xp)
		xx.XML_StopParser(x->xp, XML_FALSE);
}

/* ---- streaming a part through expat ---------------------------------- */

static void XMLCALL on_doctype(void *ud, const XML_Char *name,
                               const XML_Char *sysid, const XML_Char *pubid,
                               int has_internal)
{
	DTI_UNUSED(name);
	DTI_UNUSED(sysid);
	DTI_UNUSED(pubid);
	DTI_UNUSED(has_internal);
	struct xr *x = ud;
	fail(x, DTI_EINVALID, 0, 0,
	     "%s: a DOCTYPE declaration is not allowed in a workbook part",
	     x->part);
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int n)
{
	struct xr *x = ud;
	struct tbuf *b = x->collect == C_F ? &x->fml : &x->val;
	if (x->collect == C_NONE || x->in_rph)
		return;
	int r = tb_add(b, s, (size_t)n, DTI_MAX_FIELD);
	if (r < 0)
		nomem(x);
	else if (r > 0)
		fail(x, DTI_ELIMIT, x->in_cell ? x->row : 0,
		     x->in_cell ? x->col : 0, "%s: text longer than %zu bytes",
		     x->in_cell ? "cell" : x->part, DTI_MAX_FIELD);
}

/* Index of a part by name: exact, else ignoring case (as Office does). */
static zip_int64_t locate(struct xr *x, const char *part)
{
	zip_int64_t i = xz.zip_name_locate(x->za, part, 0);
	if (i < 0)
		i = xz.zip_name_locate(x->za, part, ZIP_FL_NOCASE);
	return i;
}

/*
 * Streams a part through a parser set up with the handlers.  A missing
 * part is DTI_ENOTFOUND, quietly when `optional`.
 */
static enum dti_status stream(struct xr *x, const char *part, int optional,
                              XML_StartElementHandler start,
                              XML_EndElementHandler end)
{
	zip_int64_t idx = locate(x, part);
	if (idx < 0) {
		if (!optional)
			fail(x, DTI_EINVALID, 0, 0,
			     "not a workbook: it has no part %s", part);
		return optional ? DTI_ENOTFOUND : x->st;
	}
	zip_stat_t zs;
	xz.zip_stat_init(&zs);
	if (xz.zip_stat_index(x->za, (zip_uint64_t)idx, 0, &zs) == 0 &&
	    (zs.valid & ZIP_STAT_SIZE) && zs.size > x->lim->part) {
		fail(x, DTI_ELIMIT, 0, 0,
		     "%s would take %llu bytes uncompressed, more than the "
		     "limit of %zu: not read",
		     part, (unsigned long long)zs.size, x->lim->part);
		return x->st;
	}
	zip_file_t *zf = xz.zip_fopen_index(x->za, (zip_uint64_t)idx, 0);
	if (!zf) {
		fail(x, DTI_EINVALID, 0, 0, "%s cannot be read: %s", part,
		     xz.zip_strerror(x->za));
		return x->st;
	}
	XML_Parser xp = xx.XML_ParserCreate("UTF-8");
	if (!xp) {
		xz.zip_fclose(zf);
		nomem(x);
		return x->st;
	}
	x->xp = xp;
	x->part = part;
	x->collect = C_NONE;
	xx.XML_SetUserData(xp, x);
	xx.XML_SetElementHandler(xp, start, end);
	xx.XML_SetCharacterDataHandler(xp, on_text);
	xx.XML_SetStartDoctypeDeclHandler(xp, on_doctype);
	char chunk[65536];
	size_t total = 0;
	for (;;) {
		zip_int64_t n = xz.zip_fread(zf, chunk, sizeof chunk);
		if (n < 0) {
			fail(x, DTI_EINVALID, 0, 0,
			     "%s is damaged (the zip cannot be read): %s", part,
			     xz.zip_file_strerror(zf));
			break;
		}
		total += (size_t)n;
		if (total > x->lim->part) {
			fail(x, DTI_ELIMIT, 0, 0,
			     "%s is more than %zu bytes uncompressed: read no "
			     "further",
			     part, x->lim->part);
			break;
		}
		enum XML_Status xs = xx.XML_Parse(
		    xp, chunk, (int)n, n == 0 ? XML_TRUE : XML_FALSE);
		if (x->st || x->stopped_head)
			break;
		if (xs != XML_STATUS_OK) {
			fail(x, DTI_ESYNTAX, 0, 0,
			     "%s:%lu:%lu: malformed XML: %s", part,
			     (unsigned long)xx.XML_GetCurrentLineNumber(xp),
			     (unsigned long)xx.XML_GetCurrentColumnNumber(xp) +
			         1,
			     xx.XML_ErrorString(xx.XML_GetErrorCode(xp)));
			break;
		}
		if (n == 0)
			break;
	}
	xx.XML_ParserFree(xp);
	x->xp = NULL;
	xz.zip_fclose(zf);
	return x->st;
}

/* ---- relationships ----------------------------------------------------- */

/* The part a relationship's target names, from the part `from`. */
static char *resolve(const char *from, const char *target)
{
	struct dti_buf b = DTI_BUF_INIT;
	if (*target == '/') {
		target++;
	} else {
		const char *slash = strrchr(from, '/');
		if (slash)
			dti_buf_add(&b, from, (size_t)(slash - from) + 1);
	}
	/* segments: "." is dropped, ".." takes one off */
	const char *p = target;
	while (*p && !b.status) {
		const char *e = strchr(p, '/');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (n == 1 && p[0] == '.') {
			/* nothing */
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			size_t l = b.len;
			if (l && b.data[l - 1] == '/')
				l--;
			while (l && b.data[l - 1] != '/')
				l--;
			b.len = l;
			if (b.data)
				b.data[l] = '\0';
		} else {
			dti_buf_add(&b, p, n);
			if (e)
				dti_buf_addc(&b, '/');
		}
		p = e ? e + 1 : p + n;
	}
	if (b.status || !b.data) {
		dti_buf_release(&b);
		return xstrdup("");
	}
	return b.data; /* owned: taken from the buffer */
}

static void XMLCALL rels_start(void *ud, const XML_Char *name,
                               const XML_Char **a)
{
	struct xr *x = ud;
	if (strcmp(local(name), "Relationship") != 0)
		return;
	const char *id = attr(a, "Id"), *type = attr(a, "Type"),
	           *target = attr(a, "Target"), *mode = attr(a, "TargetMode");
	if (!id || !type || !target || (mode && strcmp(mode, "External") == 0))
		return;
	if (strlen(id) > XLSX_MAX_NAME || strlen(target) > XLSX_MAX_NAME ||
	    strlen(type) > XLSX_MAX_NAME) {
		fail(x, DTI_ELIMIT, 0, 0, "%s: a relationship too long",
		     x->part);
		return;
	}
	if (x->nrels >= 4096) {
		fail(x, DTI_ELIMIT, 0, 0, "%s: more than 4096 relationships",
		     x->part);
		return;
	}
	struct rel *r = realloc(x->rels, (x->nrels + 1) * sizeof *r);
	if (!r) {
		nomem(x);
		return;
	}
	x->rels = r;
	r = &x->rels[x->nrels];
	r->id = xstrdup(id);
	r->type = xstrdup(type);
	r->target = resolve(x->rel_source, target);
	if (!r->id || !r->type || !r->target) {
		free(r->id);
		free(r->type);
		free(r->target);
		nomem(x);
		return;
	}
	x->nrels++;
}

static void XMLCALL no_end(void *ud, const XML_Char *name)
{
	DTI_UNUSED(ud);
	DTI_UNUSED(name);
}

static void free_rels(struct xr *x)
{
	for (size_t i = 0; i < x->nrels; i++) {
		free(x->rels[i].id);
		free(x->rels[i].type);
		free(x->rels[i].target);
	}
	free(x->rels);
	x->rels = NULL;
	x->nrels = 0;
}

/*
 * Reads the relationships of `part` (its _rels/NAME.rels); targets are
 * resolved from `part`.
 */
static enum dti_status read_rels(struct xr *x, const char *part)
{
	free_rels(x);
	const char *slash = strrchr(part, '/');
	size_t dl = slash ? (size_t)(slash - part) + 1 : 0;
	struct dti_buf b = DTI_BUF_INIT;
	dti_buf_add(&b, part, dl);
	dti_buf_addf(&b, "_rels/%s.rels", part + dl);
	if (b.status) {
		dti_buf_release(&b);
		nomem(x);
		return x->st;
	}
	/* targets are relative to `part`, not to the .rels file */
	x->rel_source = part;
	enum dti_status st = stream(x, b.data, 1, rels_start, no_end);
	x->rel_source = NULL;
	dti_buf_release(&b);
	return st;
}

static const struct rel *find_rel_type(const struct xr *x, const char *suffix)
{
	for (size_t i = 0; i < x->nrels; i++)
		if (ends_with(x->rels[i].type, suffix))
			return &x->rels[i];
	return NULL;
}

static const struct rel *find_rel_id(const struct xr *x, const char *id)
{
	for (size_t i = 0; i < x->nrels; i++)
		if (strcmp(x->rels[i].id, id) == 0)
			return &x->rels[i];
	return NULL;
}

/* ---- the workbook: sheets and the date system ------------------------- */

static void XMLCALL wb_start(void *ud, const XML_Char *name, const XML_Char **a)
{
	struct xr *x = ud;
	const char *n = local(name);
	if (strcmp(n, "workbookPr") == 0) {
		const char *d = attr(a, "date1904");
		x->date1904 =
		    d && (strcmp(d, "1") == 0 || strcmp(d, "true") == 0);
	} else if (strcmp(n, "sheet") == 0) {
		const char *sn = attr(a, "name"), *rid = attr(a, "id");
		if (!sn || !rid)
			return;
		if (strlen(sn) > XLSX_MAX_NAME || strlen(rid) > XLSX_MAX_NAME ||
		    x->nsheets >= 4096) {
			fail(x, DTI_ELIMIT, 0, 0,
			     "%s: too many sheets or a name too long", x->part);
			return;
		}
		struct sheet_ent *s =
		    realloc(x->sheets, (x->nsheets + 1) * sizeof *s);
		if (!s) {
			nomem(x);
			return;
		}
		x->sheets = s;
		s[x->nsheets].name = xstrdup(sn);
		s[x->nsheets].rid = xstrdup(rid);
		if (!s[x->nsheets].name || !s[x->nsheets].rid) {
			free(s[x->nsheets].name);
			free(s[x->nsheets].rid);
			nomem(x);
			return;
		}
		x->nsheets++;
	}
}

/* ---- shared strings ---------------------------------------------------- */

/*
 * Decodes the _xHHHH_ escapes of OOXML strings in place (a character XML
 * cannot hold, or "_x005F_" for a literal underscore before "x").
 */
static size_t decode_x(char *s, size_t n)
{
	size_t i = 0, o = 0;
	while (i < n) {
		if (s[i] == '_' && i + 6 < n && s[i + 1] == 'x' &&
		    s[i + 6] == '_') {
			unsigned cp = 0;
			int ok = 1;
			for (size_t k = 2; k < 6 && ok; k++) {
				char c = s[i + k];
				cp <<= 4;
				if (c >= '0' && c <= '9')
					cp |= (unsigned)(c - '0');
				else if (c >= 'a' && c <= 'f')
					cp |= (unsigned)(c - 'a' + 10);
				else if (c >= 'A' && c <= 'F')
					cp |= (unsigned)(c - 'A' + 10);
				else
					ok = 0;
			}
			/* no NUL, no surrogate halves */
			if (ok && cp && !(cp >= 0xD800 && cp <= 0xDFFF)) {
				if (cp < 0x80) {
					s[o++] = (char)cp;
				} else if (cp < 0x800) {
					s[o++] = (char)(0xC0 | (cp >> 6));
					s[o++] = (char)(0x80 | (cp & 0x3F));
				} else {
					s[o++] = (char)(0xE0 | (cp >> 12));
					s[o++] =
					    (char)(0x80 | ((cp >> 6) & 0x3F));
					s[o++] = (char)(0x80 | (cp & 0x3F));
				}
				i += 7;
				continue;
			}
		}
		s[o++] = s[i++];
	}
	s[o] = '\0';
	return o;
}

static void XMLCALL sst_start(void *ud, const XML_Char *name,
                              const XML_Char **a)
{
	DTI_UNUSED(a);
	struct xr *x = ud;
	const char *n = local(name);
	if (strcmp(n, "si") == 0) {
		x->in_si = 1;
		x->in_rph = 0;
		x->val.len = 0;
		if (x->val.p)
			x->val.p[0] = '\0';
	} else if (strcmp(n, "rPh") == 0) {
		x->in_rph++;
	} else if (strcmp(n, "t") == 0 && x->in_si) {
		x->collect = C_T;
	}
}

static void XMLCALL sst_end(void *ud, const XML_Char *name)
{
	struct xr *x = ud;
	const char *n = local(name);
	if (strcmp(n, "t") == 0) {
		x->collect = C_NONE;
	} else if (strcmp(n, "rPh") == 0) {
		if (x->in_rph)
			x->in_rph--;
	} else if (strcmp(n, "si") == 0 && x->in_si) {
		x->in_si = 0;
		size_t len = x->val.len ? decode_x(x->val.p, x->val.len) : 0;
		if (x->nsst >= x->cap_sst &&
		    DTI_GROW(x->sst_off, x->cap_sst, x->nsst + 1)) {
			nomem(x);
			return;
		}
		if (x->sst.len > UINT32_MAX - len - 1) {
			fail(x, DTI_ELIMIT, 0, 0, "%s: more than 4 GiB of text",
			     x->part);
			return;
		}
		x->sst_off[x->nsst] = (uint32_t)x->sst.len;
		int r = tb_add(&x->sst, x->val.p ? x->val.p : "", len + 1,
		               x->lim->part);
		if (r < 0) {
			nomem(x);
			return;
		}
		if (r > 0) {
			fail(x, DTI_ELIMIT, 0, 0,
			     "%s: more than %zu bytes of text", x->part,
			     x->lim->part);
			return;
		}
		x->nsst++;
	}
}

/* ---- number formats ---------------------------------------------------- */

static void classify_code(const char *code, unsigned char *cls,
                          unsigned char *pad)
{
	int date = 0, time = 0, month = 0, pct = 0, zeros = 0, other = 0;
	*cls = FMT_GENERAL;
	*pad = 0;
	if (dti_streq_ci(code, "General"))
		return;
	for (const char *p = code; *p && *p != ';'; p++) {
		char c = *p;
		if (c == '"') {
			p++;
			while (*p && *p != '"')
				p++;
			if (!*p)
				break;
			other = 1;
			continue;
		}
		if (c == '\\' || c == '_' || c == '*') {
			if (!p[1])
				break;
			p++;
			other = 1;
			continue;
		}
		if (c == '[') {
			/* [h] [mm] [ss]: elapsed time; [Red], [$-42A]: not */
			const char *q = p + 1;
			char f = (char)(*q | 0x20);
			if (f == 'h' || f == 'm' || f == 's') {
				const char *r = q;
				while (*r && (char)(*r | 0x20) == f)
					r++;
				if (*r == ']')
					time = 1;
			}
			while (*p && *p != ']')
				p++;
			if (!*p)
				break;
			continue;
		}
		char l = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
		if (l == 'y' || l == 'd')
			date = 1;
		else if (l == 'h' || l == 's')
			time = 1;
		else if (l == 'm')
			month = 1;
		else if (c == '%')
			pct = 1;
		else if (c == '0')
			zeros++;
		else
			other = 1;
	}
	if (date || time || (month && !zeros && !pct)) {
		if (date && time)
			*cls = FMT_DATETIME;
		else if (time)
			*cls = FMT_TIME;
		else
			*cls = FMT_DATE;
		return;
	}
	if (pct) {
		*cls = FMT_PERCENT;
		return;
	}
	if (zeros >= 2 && !other && zeros < 20) {
		*cls = FMT_PAD;
		*pad = (unsigned char)zeros;
	}
}

static unsigned char builtin_class(unsigned id)
{
	if (id == 9 || id == 10)
		return FMT_PERCENT;
	if ((id >= 14 && id <= 17) || (id >= 27 && id <= 36) ||
	    (id >= 50 && id <= 58))
		return FMT_DATE;
	if ((id >= 18 && id <= 21) || (id >= 45 && id <= 47))
		return FMT_TIME;
	if (id == 22)
		return FMT_DATETIME;
	return FMT_GENERAL;
}

static int parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;
	if (!s || !*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > max)
			return -1;
	}
	*out = v;
	return 0;
}

static void XMLCALL styles_start(void *ud, const XML_Char *name,
                                 const XML_Char **a)
{
	struct xr *x = ud;
	const char *n = local(name);
	if (strcmp(n, "numFmts") == 0) {
		x->in_numfmts = 1;
	} else if (strcmp(n, "cellXfs") == 0) {
		x->in_cellxfs = 1;
	} else if (strcmp(n, "numFmt") == 0 && x->in_numfmts) {
		unsigned long id;
		const char *code = attr(a, "formatCode");
		if (parse_uint(attr(a, "numFmtId"), 100000, &id) || !code)
			return;
		if (x->nfmts >= 100000 ||
		    (x->nfmts >= x->cap_fmts &&
		     DTI_GROW(x->fmts, x->cap_fmts, x->nfmts + 1))) {
			nomem(x);
			return;
		}
		struct fmt *f = &x->fmts[x->nfmts++];
		f->id = (unsigned)id;
		classify_code(code, &f->cls, &f->pad);
	} else if (strcmp(n, "xf") == 0 && x->in_cellxfs) {
		unsigned long id = 0;
		unsigned char cls, pad = 0;
		if (parse_uint(attr(a, "numFmtId"), 100000, &id))
			id = 0;
		cls = builtin_class((unsigned)id);
		for (size_t i = 0; i < x->nfmts; i++)
			if (x->fmts[i].id == id) {
				cls = x->fmts[i].cls;
				pad = x->fmts[i].pad;
			}
		if (x->nxf >= 1000000) {
			fail(x, DTI_ELIMIT, 0, 0, "%s: too many cell formats",
			     x->part);
			return;
		}
		if ((x->nxf >= x->cap_xf &&
		     DTI_GROW(x->xf_cls, x->cap_xf, x->nxf + 1)) ||
		    (x->nxf >= x->cap_xf2 &&
		     DTI_GROW(x->xf_pad, x->cap_xf2, x->nxf + 1))) {
			nomem(x);
			return;
		}
		x->xf_cls[x->nxf] = cls;
		x->xf_pad[x->nxf] = pad;
		x->nxf++;
	}
}

static void XMLCALL styles_end(void *ud, const XML_Char *name)
{
	struct xr *x = ud;
	const char *n = local(name);
	if (strcmp(n, "numFmts") == 0)
		x->in_numfmts = 0;
	else if (strcmp(n, "cellXfs") == 0)
		x->in_cellxfs = 0;
}

/* ---- cell values as text ------------------------------------------------ */

/* Days since 1970-01-01 to a date of the proleptic Gregorian calendar. */
static void civil(long long z, long long *y, int *m, int *d)
{
	z += 719468; /* days from 0000-03-01 to 1970-01-01 */
	long long era = (z >= 0 ? z : z - 146096) / 146097;
	long long doe = z - era * 146097; /* [0, 146096] */
	long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long long mp = (5 * doy + 2) / 153; /* March is 0 */
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

/*
 * A serial date (days since the workbook's epoch, time as the fraction)
 * as text, or -1 when it names no day (negative, past 9999).
 */
static int serial_text(double v, int date1904, unsigned char cls, char *out,
                       size_t outsz)
{
	if (!(v >= 0) || v >= 2958466.0)
		return -1;
	long long days = (long long)v;
	long long secs = llround((v - (double)days) * 86400.0);
	if (secs >= 86400) {
		days++;
		secs -= 86400;
	}
	int h = (int)(secs / 3600), mi = (int)(secs / 60 % 60),
	    s = (int)(secs % 60);
	if (cls == FMT_TIME && days == 0) {
		snprintf(out, outsz, "%02d:%02d:%02d", h, mi, s);
		return 0;
	}
	long long y;
	int m, d;
	if (date1904) {
		civil(days - 24107, &y, &m, &d); /* 1904-01-01 is day 0 */
	} else {
		if (days == 0)
			return -1;
		if (days == 60) { /* the day Lotus 1-2-3 believed in */
			y = 1900;
			m = 2;
			d = 29;
		} else {
			/* serial 1 is 1900-01-01; after the fictitious
			   1900-02-29, one day less */
			civil(days - 25569 + (days < 60 ? 1 : 0), &y, &m, &d);
		}
	}
	if (secs && cls != FMT_DATE)
		snprintf(out, outsz, "%04lld-%02d-%02d %02d:%02d:%02d", y, m, d,
		         h, mi, s);
	else
		snprintf(out, outsz, "%04lld-%02d-%02d", y, m, d);
	return 0;
}

/*
 * A number's text times 100 with "%" ("0.85" -> "85%"), by moving the
 * decimal point in the digits: exactly what the cell shows, no rounding.
 */
static int percent_text(const char *s, char *out, size_t outsz)
{
	char dig[64];
	size_t nd = 0;
	long exp10 = 0;
	int neg = 0, seen_point = 0;
	const char *p = s;
	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	for (; *p && *p != 'e' && *p != 'E'; p++) {
		if (*p == '.') {
			if (seen_point)
				return -1;
			seen_point = 1;
		} else if (*p >= '0' && *p <= '9') {
			if (nd >= sizeof dig - 1)
				return -1;
			dig[nd++] = *p;
			if (seen_point)
				exp10--;
		} else {
			return -1;
		}
	}
	if (*p) {
		long e;
		if (dti_parse_long(p + 1, &e) || e > 400 || e < -400)
			return -1;
		exp10 += e;
	}
	if (!nd)
		return -1;
	exp10 += 2;
	/* value = dig x 10^exp10: written out plainly */
	size_t lead = 0;
	while (lead + 1 < nd && dig[lead] == '0')
		lead++;
	struct dti_buf b = DTI_BUF_INIT;
	if (neg)
		dti_buf_addc(&b, '-');
	long ndl = (long)(nd - lead);
	if (exp10 >= 0) {
		dti_buf_add(&b, dig + lead, (size_t)ndl);
		if (!(ndl == 1 && dig[lead] == '0'))
			for (long i = 0; i < exp10 && i < 400; i++)
				dti_buf_addc(&b, '0');
	} else {
		long ip = ndl + exp10; /* digits before the point */
		size_t end = nd;
		while (end > lead && dig[end - 1] == '0' &&
		       (long)(end - lead) > ip)
			end--;
		if (ip > 0) {
			dti_buf_add(&b, dig + lead, (size_t)ip);
			if ((long)(end - lead) > ip) {
				dti_buf_addc(&b, '.');
				dti_buf_add(&b, dig + lead + ip,
				            end - lead - (size_t)ip);
			}
		} else {
			if (end == lead) {
				dti_buf_addc(&b, '0');
			} else {
				dti_buf_adds(&b, "0.");
				for (long i = ip; i < 0; i++)
					dti_buf_addc(&b, '0');
				dti_buf_add(&b, dig + lead, end - lead);
			}
		}
	}
	dti_buf_addc(&b, '%');
	int r = -1;
	if (!b.status && b.len < outsz) {
		memcpy(out, b.data, b.len + 1);
		r = 0;
	}
	dti_buf_release(&b);
	/* "-0%" reads as 0 anyway; "0%" is what a cell shows */
	if (r == 0 && strcmp(out, "-0%") == 0)
		snprintf(out, outsz, "0%%");
	return r;
}

static void add_cell(struct xr *x, enum dti_cell_kind kind, const char *s,
                     size_t n)
{
	struct dti_xlsx_sheet *o = x->out;
	if (o->ncells >= x->lim->cells) {
		fail(x, DTI_ELIMIT, x->row, x->col,
		     "more than %zu cells with a value: read no further",
		     x->lim->cells);
		return;
	}
	if (o->text_len + n + 1 > x->lim->text) {
		fail(x, DTI_ELIMIT, x->row, x->col,
		     "more than %zu bytes of text in the sheet: read no "
		     "further",
		     x->lim->text);
		return;
	}
	if ((o->ncells >= o->cap_cells &&
	     DTI_GROW(o->cells, o->cap_cells, o->ncells + 1)) ||
	    (o->text_len + n + 1 > o->text_cap &&
	     DTI_GROW(o->text, o->text_cap, o->text_len + n + 1))) {
		nomem(x);
		return;
	}
	struct dti_xlsx_cell *c = &o->cells[o->ncells++];
	c->off = (uint32_t)o->text_len;
	c->col = (uint16_t)x->col;
	c->kind = (uint8_t)kind;
	memcpy(o->text + o->text_len, s, n);
	o->text_len += n;
	o->text[o->text_len++] = '\0';
	if (x->col > o->max_col)
		o->max_col = (unsigned)x->col;
}

static void end_cell(struct xr *x)
{
	const char *v = x->val.p ? x->val.p : "";
	size_t vn = x->val.len;
	char tmp[96];
	if (!x->have_v) {
		if (x->have_f) {
			/* a formula never computed: its text, not a value */
			struct dti_buf b = DTI_BUF_INIT;
			dti_buf_addc(&b, '=');
			dti_buf_add(&b, x->fml.p ? x->fml.p : "", x->fml.len);
			if (b.status)
				nomem(x);
			else
				add_cell(x, DTI_CELL_FORMULA, b.data, b.len);
			dti_buf_release(&b);
		}
		return;
	}
	switch (x->type) {
	case T_S: {
		unsigned long i;
		if (parse_uint(v, UINT32_MAX, &i) || i >= x->nsst) {
			fail(x, DTI_EINVALID, x->row, x->col,
			     "shared string '%s' does not exist (the workbook "
			     "has %zu)",
			     v, x->nsst);
			return;
		}
		const char *s = x->sst.p + x->sst_off[i];
		add_cell(x, DTI_CELL_TEXT, s, strlen(s));
		return;
	}
	case T_INLINE:
		if (x->val.p)
			vn = decode_x(x->val.p, vn);
		add_cell(x, DTI_CELL_TEXT, v, vn);
		return;
	case T_STR: add_cell(x, DTI_CELL_TEXT, v, vn); return;
	case T_B:
		if (strcmp(v, "1") == 0 || strcmp(v, "0") == 0) {
			const char *t = *v == '1' ? "TRUE" : "FALSE";
			add_cell(x, DTI_CELL_BOOL, t, strlen(t));
		} else {
			fail(x, DTI_EINVALID, x->row, x->col,
			     "boolean cell holds '%s', not 1 or 0", v);
		}
		return;
	case T_E: add_cell(x, DTI_CELL_ERROR, v, vn); return;
	case T_D: {
		/* ISO 8601: the date, and the time when there is one */
		if (vn < 10 || !(vn == 10 || v[10] == 'T')) {
			fail(x, DTI_EINVALID, x->row, x->col,
			     "date cell holds '%s', not an ISO 8601 date", v);
			return;
		}
		char d[32];
		snprintf(d, sizeof d, "%.10s", v);
		if (vn >= 19 && strncmp(v + 11, "00:00:00", 8) != 0)
			snprintf(d, sizeof d, "%.10s %.8s", v, v + 11);
		add_cell(x, DTI_CELL_DATE, d, strlen(d));
		return;
	}
	case T_N: break;
	}
	unsigned char cls = x->style < x->nxf ? x->xf_cls[x->style] : 0;
	/* the readers above parse the text again: only what is not plain
	   number text is parsed here */
	double num = 0;
	if (cls == FMT_GENERAL ? !vn || strspn(v, "0123456789.eE+-") != vn
	                       : dti_parse_double(v, &num) != 0) {
		fail(x, DTI_EINVALID, x->row, x->col,
		     "number cell holds '%s', not a number", v);
		return;
	}
	switch (cls) {
	case FMT_DATE:
	case FMT_TIME:
	case FMT_DATETIME:
		if (serial_text(num, x->date1904, cls, tmp, sizeof tmp) == 0) {
			add_cell(x, DTI_CELL_DATE, tmp, strlen(tmp));
			return;
		}
		break;
	case FMT_PERCENT:
		if (percent_text(v, tmp, sizeof tmp) == 0) {
			add_cell(x, DTI_CELL_NUMBER, tmp, strlen(tmp));
			return;
		}
		break;
	case FMT_PAD: {
		unsigned pad = x->xf_pad[x->style];
		if (num >= 0 && num < 1e15 && num == floor(num) &&
		    strspn(v, "0123456789") == vn && vn < pad) {
			snprintf(tmp, sizeof tmp, "%0*.0f", (int)pad, num);
			add_cell(x, DTI_CELL_NUMBER, tmp, strlen(tmp));
			return;
		}
		break;
	}
	default: break;
	}
	add_cell(x, DTI_CELL_NUMBER, v, vn);
}

/* ---- the sheet ------------------------------------------------------------
 */

/* Column of a reference "AB17" (its letters), 0 if malformed. */
static unsigned long ref_col(const char *r, unsigned long *row)
{
	unsigned long col = 0;
	const char *p = r;
	while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z')) {
		col = col * 26 + (unsigned long)((*p | 0x20) - 'a' + 1);
		if (col > XLSX_MAX_COL)
			return 0;
		p++;
	}
	if (p == r || parse_uint(p, XLSX_MAX_ROW, row) || !*row)
		return 0;
	return col;
}

/* Whether the row just read ends the head: a row that is not metadata. */
static int row_ends_head(const struct xr *x)
{
	const struct dti_xlsx_sheet *o = x->out;
	if (x->row_first >= o->ncells)
		return 0;
	const struct dti_xlsx_cell *c = &o->cells[x->row_first];
	const char *t = o->text + c->off;
	if (c->col == 1 && c->kind == DTI_CELL_TEXT && *t == '#')
		return 0;
	for (size_t i = x->row_first; i < o->ncells; i++)
		if (o->text[o->cells[i].off +
		            strspn(o->text + o->cells[i].off, " \t")])
			return 1;
	return 0;
}

static void XMLCALL sheet_start(void *ud, const XML_Char *name,
                                const XML_Char **a)
{
	struct xr *x = ud;
	const char *n = local(name);
	if (!x->in_data) {
		if (strcmp(n, "sheetData") == 0)
			x->in_data = 1;
		return;
	}
	if (strcmp(n, "row") == 0) {
		const char *r = attr(a, "r");
		unsigned long row = x->last_row + 1;
		if (r && (parse_uint(r, XLSX_MAX_ROW, &row) || !row)) {
			fail(x, DTI_EINVALID, 0, 0,
			     "%s: row number '%s' is not one of 1 to %lu",
			     x->part, r, XLSX_MAX_ROW);
			return;
		}
		if (row <= x->last_row || row > XLSX_MAX_ROW) {
			fail(x, DTI_EINVALID, row <= XLSX_MAX_ROW ? row : 0, 0,
			     "row %lu comes after row %lu: rows out of order",
			     row, x->last_row);
			return;
		}
		x->row = row;
		x->next_col = 1;
		x->row_first = x->out->ncells;
	} else if (strcmp(n, "c") == 0) {
		const char *r = attr(a, "r"), *t = attr(a, "t"),
		           *s = attr(a, "s");
		unsigned long col = x->next_col, rrow = x->row;
		if (!x->row) {
			fail(x, DTI_EINVALID, 0, 0, "%s: a cell outside a row",
			     x->part);
			return;
		}
		if (r && !(col = ref_col(r, &rrow))) {
			fail(x, DTI_EINVALID, x->row, 0,
			     "cell reference '%s' is not one of A1 to "
			     "XFD1048576",
			     r);
			return;
		}
		if (rrow != x->row) {
			fail(x, DTI_EINVALID, x->row, 0,
			     "cell %s is inside row %lu", r, x->row);
			return;
		}
		if (col < x->next_col || col > XLSX_MAX_COL) {
			fail(x, DTI_EINVALID, x->row, col,
			     "this cell comes twice, or after a cell to its "
			     "right");
			return;
		}
		x->col = col;
		x->next_col = col + 1;
		x->type = T_N;
		if (t) {
			static const struct {
				const char *name;
				enum cell_type type;
			} types[] = {{"n", T_N},     {"s", T_S},
			             {"str", T_STR}, {"inlineStr", T_INLINE},
			             {"b", T_B},     {"e", T_E},
			             {"d", T_D}};
			size_t k = 0;
			while (k < DTI_ARRAY_LEN(types) &&
			       strcmp(types[k].name, t) != 0)
				k++;
			if (k == DTI_ARRAY_LEN(types)) {
				fail(x, DTI_EINVALID, x->row, col,
				     "unknown cell type '%s'", t);
				return;
			}
			x->type = types[k].type;
		}
		unsigned long st = 0;
		if (s && parse_uint(s, UINT32_MAX, &st))
			st = 0;
		x->style = (unsigned)st;
		x->in_cell = 1;
		x->have_v = x->have_f = 0;
		x->in_is = x->in_rph = 0;
		x->val.len = x->fml.len = 0;
		if (x->val.p)
			x->val.p[0] = '\0';
		if (x->fml.p)
			x->fml.p[0] = '\0';
	} else if (!x->in_cell) {
		return;
	} else if (strcmp(n, "v") == 0) {
		x->val.len = 0;
		x->collect = C_V;
	} else if (strcmp(n, "f") == 0) {
		x->have_f = 1;
		x->collect = C_F;
	} else if (strcmp(n, "is") == 0) {
		x->in_is = 1;
		x->have_v = 1;
	} else if (strcmp(n, "rPh") == 0) {
		x->in_rph++;
	} else if (strcmp(n, "t") == 0 && x->in_is) {
		x->collect = C_V;
	}
}

static void XMLCALL sheet_end(void *ud, const XML_Char *name)
{
	struct xr *x = ud;
	const char *n = local(name);
	if (!x->in_data)
		return;
	if (strcmp(n, "v") == 0 || strcmp(n, "f") == 0 || strcmp(n, "t") == 0) {
		if (n[0] == 'v' && x->collect == C_V)
			x->have_v = 1;
		x->collect = C_NONE;
	} else if (strcmp(n, "rPh") == 0) {
		if (x->in_rph)
			x->in_rph--;
	} else if (strcmp(n, "c") == 0) {
		x->collect = C_NONE;
		if (x->in_cell)
			end_cell(x);
		x->in_cell = 0;
	} else if (strcmp(n, "row") == 0) {
		struct dti_xlsx_sheet *o = x->out;
		if (o->ncells > x->row_first) {
			if (o->nrows >= o->cap_rows &&
			    DTI_GROW(o->rows, o->cap_rows, o->nrows + 1)) {
				nomem(x);
				return;
			}
			struct dti_xlsx_row *r = &o->rows[o->nrows++];
			r->row = x->row;
			r->first = x->row_first;
			r->n = (uint32_t)(o->ncells - x->row_first);
			if (x->lim->head && row_ends_head(x)) {
				x->stopped_head = 1;
				xx.XML_StopParser(x->xp, XML_FALSE);
			}
		}
		x->last_row = x->row;
		x->row = 0;
	} else if (strcmp(n, "sheetData") == 0) {
		x->in_data = 0;
	}
}

/* ---- the whole read -------------------------------------------------------
 */

void dti_xlsx_limits_init(struct dti_xlsx_limits *l)
{
	l->part = DTI_XLSX_MAX_PART;
	l->text = DTI_MAX_FILE;
	l->cells = DTI_XLSX_MAX_CELLS;
	l->head = 0;
}

int dti_is_xlsx(const char *buf, size_t len)
{
	return len >= 4 && memcmp(buf, "PK\x03\x04", 4) == 0;
}

/* Picks the sheet: by name (exact, else folded), else the first one. */
static const struct sheet_ent *pick_sheet(struct xr *x, const char *want)
{
	if (!x->nsheets) {
		fail(x, DTI_EINVALID, 0, 0, "the workbook has no sheet");
		return NULL;
	}
	if (!want || !*want)
		return &x->sheets[0];
	for (size_t i = 0; i < x->nsheets; i++)
		if (strcmp(x->sheets[i].name, want) == 0)
			return &x->sheets[i];
	char kw[256], k[256];
	dti_text_fold(want, kw, sizeof kw);
	const struct sheet_ent *hit = NULL;
	size_t nhit = 0;
	for (size_t i = 0; i < x->nsheets && *kw; i++) {
		dti_text_fold(x->sheets[i].name, k, sizeof k);
		if (strcmp(k, kw) == 0) {
			hit = &x->sheets[i];
			nhit++;
		}
	}
	if (nhit == 1)
		return hit;
	struct dti_buf b = DTI_BUF_INIT;
	for (size_t i = 0; i < x->nsheets; i++) {
		dti_buf_adds(&b, i ? ", " : "");
		add_sheet_name(&b, x->sheets[i].name);
	}
	fail(x, nhit ? DTI_EAMBIGUOUS : DTI_ENOTFOUND, 0, 0,
	     "%s sheet '%s' (its sheets: %s)", nhit ? "more than one" : "no",
	     want, b.data ? b.data : "");
	dti_buf_release(&b);
	return NULL;
}

static void release_reader(struct xr *x)
{
	free_rels(x);
	for (size_t i = 0; i < x->nsheets; i++) {
		free(x->sheets[i].name);
		free(x->sheets[i].rid);
	}
	free(x->sheets);
	tb_release(&x->sst);
	free(x->sst_off);
	free(x->fmts);
	free(x->xf_cls);
	free(x->xf_pad);
	tb_release(&x->val);
	tb_release(&x->fml);
}

enum dti_status dti_xlsx_read(const char *buf, size_t len, const char *book,
                              const char *sheet,
                              const struct dti_xlsx_limits *lim,
                              struct dti_xlsx_sheet *out, struct dti_error *err)
{
	memset(out, 0, sizeof *out);
	struct dti_xlsx_limits dl;
	if (!lim) {
		dti_xlsx_limits_init(&dl);
		lim = &dl;
	}
	pthread_once(&libs_once, load_libs);
	if (libs_fault[0])
		return dti_err_set(err, DTI_EIO, book ? book : "<workbook>", 0,
		                   0, NULL,
		                   "workbooks cannot be read here: %s (install "
		                   "libzip4 and libexpat1)",
		                   libs_fault);
	struct xr x;
	memset(&x, 0, sizeof x);
	x.book = book ? book : "<workbook>";
	x.lim = lim;
	x.err = err;
	x.out = out;
	zip_error_t ze;
	xz.zip_error_init(&ze);
	zip_source_t *src = xz.zip_source_buffer_create(buf, len, 0, &ze);
	if (src)
		x.za = xz.zip_open_from_source(src, ZIP_RDONLY, &ze);
	if (!x.za) {
		enum dti_status code =
		    xz.zip_error_code_zip(&ze) == ZIP_ER_MEMORY ? DTI_ENOMEM
		                                                : DTI_EINVALID;
		dti_err_set(err, code, x.book, 0, 0, NULL,
		            "not a readable workbook (zip): %s",
		            xz.zip_error_strerror(&ze));
		xz.zip_error_fini(&ze);
		if (src)
			xz.zip_source_free(src);
		return code;
	}
	xz.zip_error_fini(&ze);

	/* the package's relationships name the workbook */
	char *wb = NULL;
	enum dti_status st = read_rels(&x, "");
	if (st == DTI_OK || st == DTI_ENOTFOUND) {
		x.st = DTI_OK;
		const struct rel *r = find_rel_type(&x, "/officeDocument");
		wb = xstrdup(r ? r->target : "xl/workbook.xml");
		if (!wb)
			nomem(&x);
	}
	if (!x.st)
		stream(&x, wb, 0, wb_start, no_end);
	const struct sheet_ent *se = x.st ? NULL : pick_sheet(&x, sheet);
	char *sheet_part = NULL;
	if (se) {
		out->name = xstrdup(se->name);
		if (!out->name)
			nomem(&x);
		x.sheet = out->name;
	}
	if (!x.st) {
		st = read_rels(&x, wb);
		if (st == DTI_ENOTFOUND)
			fail(&x, DTI_EINVALID, 0, 0,
			     "not a workbook: %s has no relationships", wb);
	}
	if (!x.st) {
		const struct rel *r = find_rel_id(&x, se->rid);
		if (!r)
			fail(&x, DTI_EINVALID, 0, 0,
			     "the part of sheet '%s' is not named in the "
			     "workbook",
			     se->name);
		else if (!ends_with(r->type, "/worksheet"))
			fail(&x, DTI_EINVALID, 0, 0,
			     "sheet '%s' is a chart or a dialog, not a table",
			     se->name);
		else if (!(sheet_part = xstrdup(r->target)))
			nomem(&x);
	}
	/* shared strings and styles, when the workbook has them */
	char *sst_part = NULL, *styles_part = NULL;
	if (!x.st) {
		const struct rel *r = find_rel_type(&x, "/sharedStrings");
		if (r && !(sst_part = xstrdup(r->target)))
			nomem(&x);
		r = find_rel_type(&x, "/styles");
		if (r && !(styles_part = xstrdup(r->target)))
			nomem(&x);
	}
	if (!x.st && sst_part)
		stream(&x, sst_part, 0, sst_start, sst_end);
	if (!x.st && styles_part)
		stream(&x, styles_part, 0, styles_start, styles_end);
	x.in_rph = 0;
	if (!x.st)
		stream(&x, sheet_part, 0, sheet_start, sheet_end);
	out->head_only = x.stopped_head;
	free(wb);
	free(sheet_part);
	free(sst_part);
	free(styles_part);
	release_reader(&x);
	xz.zip_close(x.za); /* read only: discards */
	if (x.st) {
		dti_xlsx_release(out);
		return x.st;
	}
	return DTI_OK;
}

void dti_xlsx_release(struct dti_xlsx_sheet *s)
{
	free(s->name);
	free(s->text);
	free(s->cells);
	free(s->rows);
	memset(s, 0, sizeof *s);
}
