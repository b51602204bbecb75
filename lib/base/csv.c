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

/* The record of b[pos..eol), a line without quotes, into the fields. */
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

enum dti_status dti_csv_next(struct dti_csv *c, struct dti_error *err)
{
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
