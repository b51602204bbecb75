/*
 * lib/csv.c - CSV records from a buffer in memory.
 *
 * RFC 4180 with the liberties spreadsheets take: ',' ';' or tab separators
 * (sniffed from the header line), CRLF or LF, a UTF-8 byte order mark,
 * quoted fields spanning lines.  Lines that start with '#' are not records:
 * before the header, "# key: value" lines are the file's metadata; anywhere
 * else they are comments.  Malformed quoting is an error located by line and
 * column; so is any field or record beyond the caps of internal.h.  The
 * whole buffer is checked for UTF-8 first, so every field is valid UTF-8.
 */
#include <math.h>
#include <stdint.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "dti/output.h"

static int is_line_end(char c)
{
	return c == '\n' || c == '\r';
}

/* Advances past one physical line ending at pos (LF, CRLF or CR). */
static size_t skip_eol(const char *b, size_t len, size_t pos)
{
	if (pos < len && b[pos] == '\r') {
		pos++;
		if (pos < len && b[pos] == '\n')
			pos++;
	} else if (pos < len && b[pos] == '\n') {
		pos++;
	}
	return pos;
}

static size_t line_end(const char *b, size_t len, size_t pos)
{
	while (pos < len && !is_line_end(b[pos]))
		pos++;
	return pos;
}

static char sniff(const char *b, size_t len, size_t pos)
{
	size_t counts[3] = {0, 0, 0};
	int q = 0;
	for (; pos < len; pos++) {
		char ch = b[pos];
		if (ch == '"')
			q = !q;
		else if (!q && is_line_end(ch))
			break;
		else if (!q && ch == ',')
			counts[0]++;
		else if (!q && ch == ';')
			counts[1]++;
		else if (!q && ch == '\t')
			counts[2]++;
	}
	if (counts[1] > counts[0] && counts[1] >= counts[2])
		return ';';
	if (counts[2] > counts[0] && counts[2] > counts[1])
		return '\t';
	return ',';
}

enum dti_status dti_csv_open(struct dti_csv *c, const char *buf, size_t len,
                             const char *name, char sep, struct dti_error *err)
{
	if (dti_is_xlsx(buf, len))
		return dti_csv_open_sheet(c, buf, len, name, 0, err);
	memset(c, 0, sizeof *c);
	c->buf = buf;
	c->len = len;
	c->name = name ? name : "<input>";
	c->next_line = 1;
	enum dti_status st = dti_text_check_utf8(buf, len, c->name, err);
	if (st)
		return st;
	if (len >= 3 && (unsigned char)buf[0] == 0xEF &&
	    (unsigned char)buf[1] == 0xBB && (unsigned char)buf[2] == 0xBF)
		c->pos = 3;
	/* metadata and comments before the header */
	while (c->pos < len) {
		size_t e = line_end(buf, len, c->pos);
		if (buf[c->pos] == '#') {
			if (dti_csv_meta_line(c, buf + c->pos, e - c->pos,
			                      c->next_line))
				return dti_err_nomem(err);
		} else {
			/* blank lines are skipped too */
			size_t j = c->pos;
			while (j < e && (buf[j] == ' ' || buf[j] == '\t'))
				j++;
			if (j < e)
				break;
		}
		c->pos = skip_eol(buf, len, e);
		c->next_line++;
	}
	c->sep = sep ? sep : sniff(buf, len, c->pos);
	return DTI_OK;
}

enum dti_status dti_csv_open_meta(struct dti_csv *c, const char *buf,
                                  size_t len, const char *name,
                                  struct dti_error *err)
{
	if (dti_is_xlsx(buf, len))
		return dti_csv_open_sheet(c, buf, len, name, 1, err);
	return dti_csv_open(c, buf, len, name, 0, err);
}

const char *dti_csv_meta(const struct dti_csv *c, const char *key)
{
	/* the last definition wins */
	for (size_t i = c->nmeta; i-- > 0;)
		if (strcmp(c->meta_keys[i], key) == 0)
			return c->meta_vals[i];
	return NULL;
}

static int scratch_put(struct dti_csv *c, char ch)
{
	if (c->scratch_len + 1 >= c->scratch_cap) {
		if (DTI_GROW(c->scratch, c->scratch_cap, c->scratch_len + 2))
			return -1;
	}
	c->scratch[c->scratch_len++] = ch;
	return 0;
}

static int scratch_add(struct dti_csv *c, const char *p, size_t n)
{
	if (c->scratch_len + n + 1 >= c->scratch_cap) {
		if (DTI_GROW(c->scratch, c->scratch_cap,
		             c->scratch_len + n + 2))
			return -1;
	}
	memcpy(c->scratch + c->scratch_len, p, n);
	c->scratch_len += n;
	return 0;
}

static int field_end(struct dti_csv *c, size_t start)
{
	if (c->nfields >= c->cap_fields) {
		size_t cap = c->cap_fields;
		if (DTI_GROW(c->offsets, cap, c->nfields + 1))
			return -1;
		if (DTI_GROW(c->fields, c->cap_fields, cap))
			return -1;
	}
	c->offsets[c->nfields++] = start;
	return scratch_put(c, '\0');
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define SWAR_DIGITS 1
/* Bytes a line keeps readable (zeros) after its NUL, for 8-byte loads. */
#define LINE_PAD 24

static inline uint64_t load8(const char *p)
{
	uint64_t w;
	memcpy(&w, p, sizeof w);
	return w;
}

/*
 * The number the first k (<= 8) digit values of t make, without a branch:
 * shifted so they end in the top byte (zeros before them), then pairs,
 * then two sums of pairs times their powers of a hundred.
 */
static inline uint64_t digits_value(uint64_t t, unsigned k)
{
	if (!k)
		return 0;
	uint64_t v = t << (64 - 8 * k);
	v = v * 10 + (v >> 8); /* byte 2i: the pair 2i, 2i+1 */
	const uint64_t lo = UINT64_C(0x000000FF000000FF);
	uint64_t a = (v & lo) * (100 + (UINT64_C(1000000) << 32));
	uint64_t b = ((v >> 16) & lo) * (1 + (UINT64_C(10000) << 32));
	return (a + b) >> 32;
}
#else
#define LINE_PAD 0
#endif

/*
 * The field [p, end) as a plain decimal, converted exactly as
 * dti_fast_decimal converts it (an exponent is left to it): 1 and *v,
 * else 0.  end is readable (the field's NUL) and so are 8 bytes after it.
 */
static int scan_decimal(const char *p, const char *end, double *v)
{
	const char *s = p;
#ifdef SWAR_DIGITS
	int neg = *s == '-';
	p = s + neg; /* the digits */
	size_t len = (size_t)(end - p);
	if (len - 1 < 8) {
		static const double p10[] = {1e0, 1e1, 1e2, 1e3,
		                             1e4, 1e5, 1e6, 1e7};
		/* a figure of up to 8 bytes (most are): one word, the point
		   taken out, checked and converted at once, with no loop and
		   no branch per digit (figures differ in length, and a
		   mispredicted loop exit costs more than this arithmetic) */
		const uint64_t ones = UINT64_C(0x0101010101010101);
		uint64_t w = load8(p);
		uint64_t keep = UINT64_MAX >> (64 - 8 * len);
		uint64_t x = w ^ (ones * '.');
		uint64_t z = (x - ones) & ~x & (ones * 0x80) & keep;
		unsigned d = z ? (unsigned)__builtin_ctzll(z) >> 3 : 0;
		if (z) {
			/* the bytes before the point, then those after it */
			uint64_t lm = (UINT64_C(1) << (8 * d)) - 1;
			w = (w & lm) | ((w >> 8) & ~lm);
		}
		unsigned nd = (unsigned)len - (z != 0);
		if (!nd)
			return 0;
		uint64_t t = w ^ (ones * '0');
		uint64_t bad = ((t + ones * 0x76) | t) & (ones * 0x80) &
		               (UINT64_MAX >> (64 - 8 * nd));
		if (bad)
			return 0;
		double r = (double)digits_value(t, nd);
		if (z && len - d - 1)
			r /= p10[len - d - 1];
		*v = neg ? -r : r;
		return 1;
	}
#endif
	/* longer: the exact fast path, as the reader's other paths take it,
	   an exponent left to them */
	if (memchr(s, 'e', (size_t)(end - s)) ||
	    memchr(s, 'E', (size_t)(end - s)))
		return 0;
	return dti_fast_decimal(s, (size_t)(end - s), v) == 0;
}

#ifdef __SSE2__
/* The bits set in m < 2^16, without the library call that
   __builtin_popcount becomes where the instruction is not assumed. */
static inline unsigned bits16(unsigned m)
{
	m = m - ((m >> 1) & 0x5555u);
	m = (m & 0x3333u) + ((m >> 2) & 0x3333u);
	m = (m + (m >> 4)) & 0x0F0Fu;
	return (m + (m >> 8)) & 0x1Fu;
}
#endif

/*
 * The starts of the fields of the line t[0..n) into off[0..k) and n + 1
 * into off[k]; returns k, 0 past DTI_MAX_FIELDS fields, SIZE_MAX when the
 * line has a quote or a CR (it is then read field by field).  off has
 * room for min(n + 1, DTI_MAX_FIELDS) + 24 entries; t has 16 readable
 * bytes after n.
 */
static size_t field_starts(const char *t, size_t n, char sep, size_t *off)
{
	size_t k = 1;
	off[0] = 0;
#ifdef __SSE2__
	/* sixteen bytes compared at once; the positions of the separators
	   found are written four at a time whatever their number (rarely
	   more), so there is no branch per field */
	const __m128i vs = _mm_set1_epi8(sep), vq = _mm_set1_epi8('"'),
	              vr = _mm_set1_epi8('\r');
	unsigned odd = 0;
	for (size_t base = 0; base < n; base += 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(t + base));
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, vs));
		/* the bytes after n are zeros: neither quotes nor CRs */
		odd |= (unsigned)_mm_movemask_epi8(
		    _mm_or_si128(_mm_cmpeq_epi8(x, vq), _mm_cmpeq_epi8(x, vr)));
		if (base + 16 > n)
			m &= (1u << (n - base)) - 1;
		unsigned cnt = bits16(m);
		unsigned mm = m;
		for (int i = 0; i < 4; i++) {
			/* past the last separator: 16, written over later */
			off[k + (size_t)i] =
			    base + (unsigned)__builtin_ctz(mm | 0x10000u) + 1;
			mm &= mm - 1;
		}
		if (cnt > 4) {
			for (unsigned i = 0; i < 4; i++)
				m &= m - 1;
			for (size_t i = 4; m; i++) {
				off[k + i] =
				    base + (unsigned)__builtin_ctz(m) + 1;
				m &= m - 1;
			}
		}
		k += cnt;
		if (k > DTI_MAX_FIELDS)
			return 0;
	}
	if (odd)
		return SIZE_MAX;
#else
	if (memchr(t, '"', n) || memchr(t, '\r', n))
		return SIZE_MAX;
	for (const char *p = t, *e = t + n;
	     (p = memchr(p, sep, (size_t)(e - p))); p++) {
		off[k++] = (size_t)(p - t) + 1;
		if (k > DTI_MAX_FIELDS)
			return 0;
	}
#endif
	off[k] = n + 1;
	return k;
}

/*
 * The line b[pos..eol) split and its figures converted as fg says, when
 * it has no quote and no CR; else *again and nothing read.
 */
static enum dti_status split_figures(struct dti_csv *c, size_t pos, size_t eol,
                                     const struct dti_csv_figs *fg, int *again,
                                     struct dti_error *err)
{
	size_t n = eol - pos;
	/* the line, its NUL, and zeros after it: scan_decimal reads 8
	   bytes at a time, field_starts 16 */
	if (scratch_add(c, c->buf + pos, n) ||
	    (c->scratch_len + LINE_PAD + 2 >= c->scratch_cap &&
	     DTI_GROW(c->scratch, c->scratch_cap, n + LINE_PAD + 2)))
		return dti_err_nomem(err);
	char *t = c->scratch;
	memset(t + n, 0, LINE_PAD + 1);
	c->scratch_len = n + 1;
	/* room for every field the line can have, once */
	size_t need = (n + 1 < DTI_MAX_FIELDS ? n + 1 : DTI_MAX_FIELDS) + 24;
	if (c->cap_fields < need) {
		size_t cap = c->cap_fields;
		if (DTI_GROW(c->offsets, cap, need) ||
		    DTI_GROW(c->fields, c->cap_fields, need))
			return dti_err_nomem(err);
	}
	size_t *off = c->offsets, pending = 0;
	size_t k = field_starts(t, n, c->sep, off);
	if (k == SIZE_MAX) {
		*again = 1;
		c->scratch_len = 0;
		return DTI_OK;
	}
	if (!k)
		return dti_err_set(err, DTI_ELIMIT, c->name, c->line, 0, NULL,
		                   "more than %d columns", DTI_MAX_FIELDS);
	/* in locals: the NULs written below could alias *fg */
	const unsigned char *num = fg->num;
	const double *lo = fg->lo, *hi = fg->hi;
	double *vals = fg->vals;
	size_t nnum = fg->n < k ? fg->n : k;
	char **fields = c->fields;
	for (size_t j = 0; j < k; j++) {
		char *f = t + off[j], *e = t + off[j + 1] - 1;
		if ((size_t)(e - f) > DTI_MAX_FIELD)
			return dti_err_set(
			    err, DTI_ELIMIT, c->name, c->line,
			    (unsigned long)off[j] + DTI_MAX_FIELD + 1, NULL,
			    "field longer than %zu bytes", DTI_MAX_FIELD);
		/* converted before its NUL is written: a byte stored just
		   before a wider load of it stalls the load */
		if (j < nnum) {
			double v = NAN;
			if (num[j] && !(scan_decimal(f, e, &v) && v >= lo[j] &&
			                v <= hi[j])) {
				v = NAN;
				pending += f != e;
			}
			vals[j] = v;
		}
		*e = '\0';
		fields[j] = f;
	}
	for (size_t j = nnum; j < fg->n; j++)
		vals[j] = NAN;
	c->nfields = k;
	*fg->pending = pending;
	c->pos = skip_eol(c->buf, c->len, eol);
	c->next_line++;
	return DTI_OK;
}

static enum dti_status split_line(struct dti_csv *c, size_t pos, size_t eol,
                                  struct dti_error *err)
{
	size_t n = eol - pos;
	if (scratch_add(c, c->buf + pos, n) || scratch_put(c, '\0'))
		return dti_err_nomem(err);
	char *t = c->scratch;
	const char sep = c->sep;
	size_t start = 0;
	for (size_t i = 0;; i++) {
		if (i < n && t[i] != sep)
			continue;
		if (i - start > DTI_MAX_FIELD)
			return dti_err_set(
			    err, DTI_ELIMIT, c->name, c->line,
			    (unsigned long)start + DTI_MAX_FIELD + 1, NULL,
			    "field longer than %zu bytes", DTI_MAX_FIELD);
		if (c->nfields >= c->cap_fields) {
			size_t cap = c->cap_fields;
			if (DTI_GROW(c->offsets, cap, c->nfields + 1) ||
			    DTI_GROW(c->fields, c->cap_fields, cap))
				return dti_err_nomem(err);
		}
		if (c->nfields >= DTI_MAX_FIELDS)
			return dti_err_set(err, DTI_ELIMIT, c->name, c->line, 0,
			                   NULL, "more than %d columns",
			                   DTI_MAX_FIELDS);
		t[i] = '\0';
		c->offsets[c->nfields++] = start;
		if (i >= n)
			break;
		start = i + 1;
	}
	c->pos = skip_eol(c->buf, c->len, eol);
	c->next_line++;
	for (size_t i = 0; i < c->nfields; i++)
		c->fields[i] = t + c->offsets[i];
	return DTI_OK;
}

static enum dti_status next_record(struct dti_csv *c,
                                   const struct dti_csv_figs *fg,
                                   struct dti_error *err)
{
	if (fg && c->sheet) {
		for (size_t j = 0; j < fg->n; j++)
			fg->vals[j] = NAN;
		*fg->pending = SIZE_MAX;
	}
	if (c->sheet)
		return dti_csv_sheet_next(c, err);
	const char *b = c->buf;
	size_t len = c->len;
	/* comment lines between records */
	while (c->pos < len && b[c->pos] == '#') {
		c->pos = skip_eol(b, len, line_end(b, len, c->pos));
		c->next_line++;
	}
	if (c->pos >= len)
		return DTI_ENOTFOUND;
	c->line = c->next_line;
	c->nfields = 0;
	c->scratch_len = 0;
	size_t pos = c->pos;
	/* a line without quotes (most of them): copied whole, then cut */
	const char *nl = memchr(b + pos, '\n', len - pos);
	size_t eol = nl ? (size_t)(nl - b) : len;
	if (fg) {
		size_t e = eol > pos && b[eol - 1] == '\r' ? eol - 1 : eol;
		int again = 0;
		enum dti_status st = split_figures(c, pos, e, fg, &again, err);
		if (!again)
			return st;
		/* read field by field below: the figures are left as text */
		for (size_t j = 0; j < fg->n; j++)
			fg->vals[j] = NAN;
		*fg->pending = SIZE_MAX;
	}
	const char *cr = memchr(b + pos, '\r', eol - pos);
	if (cr)
		eol = (size_t)(cr - b);
	if (!memchr(b + pos, '"', eol - pos))
		return split_line(c, pos, eol, err);
	size_t line_start = pos;
	size_t field_start_len = 0;
	for (;;) {
		/* one field */
		field_start_len = c->scratch_len;
		if (pos < len && b[pos] == '"') {
			unsigned long qline = c->next_line;
			unsigned long qcol =
			    (unsigned long)(pos - line_start) + 1;
			pos++;
			for (;;) {
				if (pos >= len)
					return dti_err_set(
					    err, DTI_ESYNTAX, c->name, qline,
					    qcol, NULL,
					    "quoted field is never closed");
				char ch = b[pos];
				if (ch == '"') {
					if (pos + 1 < len &&
					    b[pos + 1] == '"') {
						if (scratch_put(c, '"'))
							return dti_err_nomem(
							    err);
						pos += 2;
						continue;
					}
					pos++;
					break;
				}
				if (ch == '\n' ||
				    (ch == '\r' &&
				     (pos + 1 >= len || b[pos + 1] != '\n'))) {
					c->next_line++;
					line_start = pos + 1;
				}
				if (scratch_put(c, ch))
					return dti_err_nomem(err);
				pos++;
				if (c->scratch_len - field_start_len >
				    DTI_MAX_FIELD)
					return dti_err_set(
					    err, DTI_ELIMIT, c->name, qline,
					    qcol, NULL,
					    "field longer than %zu bytes",
					    DTI_MAX_FIELD);
			}
			/* spaces after the closing quote are tolerated */
			while (pos < len && (b[pos] == ' ' || b[pos] == '\t') &&
			       b[pos] != c->sep)
				pos++;
			if (pos < len && b[pos] != c->sep &&
			    !is_line_end(b[pos]))
				return dti_err_set(
				    err, DTI_ESYNTAX, c->name, c->next_line,
				    (unsigned long)(pos - line_start) + 1, NULL,
				    "unexpected '%c' after a closing quote "
				    "(quotes inside a quoted field are "
				    "doubled: \"\")",
				    b[pos]);
		} else {
			/* unquoted: up to the separator or the line's end,
			 * copied at once */
			size_t e = pos;
			const char sep = c->sep;
			while (e < len && b[e] != sep && b[e] != '\n' &&
			       b[e] != '\r')
				e++;
			if (e - pos > DTI_MAX_FIELD)
				return dti_err_set(
				    err, DTI_ELIMIT, c->name, c->next_line,
				    (unsigned long)(pos - line_start) +
				        DTI_MAX_FIELD + 1,
				    NULL, "field longer than %zu bytes",
				    DTI_MAX_FIELD);
			if (scratch_add(c, b + pos, e - pos))
				return dti_err_nomem(err);
			pos = e;
		}
		if (field_end(c, field_start_len))
			return dti_err_nomem(err);
		if (c->nfields > DTI_MAX_FIELDS)
			return dti_err_set(err, DTI_ELIMIT, c->name, c->line, 0,
			                   NULL, "more than %d columns",
			                   DTI_MAX_FIELDS);
		if (pos < len && b[pos] == c->sep) {
			pos++;
			continue;
		}
		break;
	}
	c->pos = skip_eol(b, len, pos);
	c->next_line++;
	for (size_t i = 0; i < c->nfields; i++)
		c->fields[i] = c->scratch + c->offsets[i];
	return DTI_OK;
}

enum dti_status dti_csv_next(struct dti_csv *c, struct dti_error *err)
{
	return next_record(c, NULL, err);
}

enum dti_status dti_csv_next_figures(struct dti_csv *c,
                                     const struct dti_csv_figs *fg,
                                     struct dti_error *err)
{
	for (;;) {
		enum dti_status st = next_record(c, fg, err);
		if (st)
			return st;
		for (size_t i = 0; i < c->nfields; i++) {
			const char *f = c->fields[i];
			while (*f == ' ' || *f == '\t')
				f++;
			if (*f)
				return DTI_OK;
		}
	}
}

enum dti_status dti_csv_next_nonblank(struct dti_csv *c, struct dti_error *err)
{
	for (;;) {
		enum dti_status st = dti_csv_next(c, err);
		if (st)
			return st;
		for (size_t i = 0; i < c->nfields; i++) {
			const char *f = c->fields[i];
			while (*f == ' ' || *f == '\t')
				f++;
			if (*f)
				return DTI_OK;
		}
	}
}

void dti_csv_close(struct dti_csv *c)
{
	dti_csv_sheet_close(c);
	free(c->fields);
	free(c->offsets);
	free(c->scratch);
	for (size_t i = 0; i < c->nmeta; i++) {
		free(c->meta_keys[i]);
		free(c->meta_vals[i]);
	}
	free(c->meta_keys);
	free(c->meta_vals);
	free(c->meta_lines);
	memset(c, 0, sizeof *c);
}

/* ---- CSV and JSON ------------------------------------------------------ */

enum dti_status dti_csv_cell(struct dti_buf *b, const char *s)
{
	if (!s)
		s = "";
	if (!strpbrk(s, ",\"\n\r"))
		return dti_buf_adds(b, s);
	enum dti_status st = dti_buf_addc(b, '"');
	for (; *s && !st; s++) {
		if (*s == '"')
			st = dti_buf_addc(b, '"');
		if (!st)
			st = dti_buf_addc(b, *s);
	}
	return st ? st : dti_buf_addc(b, '"');
}

enum dti_status dti_csv_text_cell(struct dti_buf *b, const char *s)
{
	if (!s || !*s || !strchr("=+-@\t\r", *s))
		return dti_csv_cell(b, s);
	struct dti_buf t = DTI_BUF_INIT;
	dti_buf_addc(&t, '\'');
	dti_buf_adds(&t, s);
	enum dti_status st = t.status ? t.status : dti_csv_cell(b, t.data);
	dti_buf_release(&t);
	return st;
}

/* "12.5", "-0.75", "1.5e-05": a number written with a decimal point. */
static int is_point_number(const char *s, size_t n)
{
	size_t i = 0, digits = 0, point = 0;
	if (i < n && (s[i] == '-' || s[i] == '+'))
		i++;
	for (; i < n; i++) {
		if (s[i] >= '0' && s[i] <= '9')
			digits++;
		else if (s[i] == '.' && !point && digits)
			point = i;
		else
			break;
	}
	if (!point || point + 1 == i)
		return 0;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '-' || s[i] == '+'))
			i++;
		size_t e0 = i;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == e0)
			return 0;
	}
	return i == n;
}

enum dti_status dti_csv_excel(const char *csv, size_t len, struct dti_buf *out,
                              struct dti_error *err)
{
	size_t pos = 0;
	if (len >= 3 && (unsigned char)csv[0] == 0xEF &&
	    (unsigned char)csv[1] == 0xBB && (unsigned char)csv[2] == 0xBF)
		pos = 3;
	enum dti_status st = dti_buf_adds(out, "\xEF\xBB\xBF");
	int line_start = 1;
	while (pos < len && !st) {
		if (line_start && csv[pos] == '#') {
			/* a comment or metadata line: as it is */
			size_t e = line_end(csv, len, pos);
			st = dti_buf_add(out, csv + pos, e - pos);
			if (!st)
				st = dti_buf_adds(out, "\r\n");
			pos = skip_eol(csv, len, e);
			continue;
		}
		line_start = 0;
		if (csv[pos] == '"') {
			/* quoted: copied whole, quotes and line breaks kept */
			size_t e = pos + 1;
			while (e < len) {
				if (csv[e] == '"' && e + 1 < len &&
				    csv[e + 1] == '"')
					e += 2;
				else if (csv[e] == '"')
					break;
				else
					e++;
			}
			if (e >= len)
				return dti_err_set(err, DTI_ESYNTAX, NULL, 0, 0,
				                   NULL,
				                   "CSV to convert ends inside "
				                   "a quoted field");
			st = dti_buf_add(out, csv + pos, e + 1 - pos);
			pos = e + 1;
		} else {
			size_t e = pos;
			while (e < len && csv[e] != ',' && !is_line_end(csv[e]))
				e++;
			const char *f = csv + pos;
			size_t n = e - pos;
			if (is_point_number(f, n)) {
				for (size_t i = 0; i < n && !st; i++)
					st = dti_buf_addc(
					    out, f[i] == '.' ? ',' : f[i]);
			} else if (memchr(f, ';', n) || memchr(f, '"', n)) {
				st = dti_buf_addc(out, '"');
				for (size_t i = 0; i < n && !st; i++)
					st = f[i] == '"'
					         ? dti_buf_adds(out, "\"\"")
					         : dti_buf_addc(out, f[i]);
				if (!st)
					st = dti_buf_addc(out, '"');
			} else {
				st = dti_buf_add(out, f, n);
			}
			pos = e;
		}
		if (st)
			break;
		if (pos < len && csv[pos] == ',') {
			st = dti_buf_addc(out, ';');
			pos++;
			if (pos == len || is_line_end(csv[pos]))
				continue; /* an empty last field */
		} else if (pos < len) {
			st = dti_buf_adds(out, "\r\n");
			pos = skip_eol(csv, len, pos);
			line_start = 1;
		}
	}
	if (st)
		return dti_err_set(err, st, NULL, 0, 0, NULL,
		                   "cannot convert the CSV: %s",
		                   dti_strerror(st));
	return DTI_OK;
}
