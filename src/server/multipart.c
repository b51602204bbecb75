/*
 * src/server/multipart.c - a strict reader of multipart/form-data (see
 * multipart.h).
 *
 * Invariants: every part found lies inside the body; a part's content ends
 * right before CRLF "--boundary", so a file's bytes come back exactly as
 * sent (no line-ending or charset conversion); nothing is read past len.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dti/dti.h"
#include "multipart.h"

#define MAX_BOUNDARY 70

void mp_form_init(struct mp_form *f)
{
	f->n = 0;
	f->parts = NULL;
}

void mp_form_release(struct mp_form *f)
{
	free(f->parts);
	f->parts = NULL;
	f->n = 0;
}

const struct mp_part *mp_get(const struct mp_form *f, const char *name)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->parts[i].name, name) == 0)
			return &f->parts[i];
	return NULL;
}

/* The first occurrence of needle (nl bytes) in hay (hl bytes), or NULL. */
static const char *find(const char *hay, size_t hl, const char *needle,
                        size_t nl)
{
	if (nl == 0 || hl < nl)
		return NULL;
	const char *end = hay + (hl - nl) + 1;
	for (const char *p = hay; p < end; p++) {
		p = memchr(p, needle[0], (size_t)(end - p));
		if (!p)
			return NULL;
		if (memcmp(p, needle, nl) == 0)
			return p;
	}
	return NULL;
}

static int bchar(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z') || strchr("'()+_,-./:=? ", c) != NULL;
}

static void skip_ws(const char **p)
{
	while (**p == ' ' || **p == '\t')
		(*p)++;
}

/*
 * Reads one parameter value after '=': a token (up to ';' or the end, no
 * spaces) or a quoted string taken literally up to the next '"' (browsers
 * percent-encode a quote in a file name; a backslash stays, as in the
 * Windows paths old browsers sent).  0, or -1 if malformed or longer than
 * n - 1 bytes.
 */
static int param_value(const char **pp, char *out, size_t n)
{
	const char *p = *pp;
	size_t k = 0;
	if (*p == '"') {
		p++;
		while (*p && *p != '"') {
			if (k + 1 >= n)
				return -1;
			out[k++] = *p++;
		}
		if (*p != '"')
			return -1;
		p++;
	} else {
		while (*p && *p != ';' && *p != ' ' && *p != '\t') {
			if (k + 1 >= n)
				return -1;
			out[k++] = *p++;
		}
		if (!k)
			return -1;
	}
	out[k] = '\0';
	*pp = p;
	return 0;
}

/* The boundary of a multipart/form-data Content-Type; 0 or -1. */
static int get_boundary(const char *ct, char *out, size_t n)
{
	static const char type[] = "multipart/form-data";
	if (!ct)
		return -1;
	const char *p = ct;
	skip_ws(&p);
	if (strncasecmp(p, type, sizeof type - 1) != 0)
		return -1;
	p += sizeof type - 1;
	int found = 0;
	for (;;) {
		skip_ws(&p);
		if (!*p)
			break;
		if (*p != ';')
			return -1;
		p++;
		skip_ws(&p);
		const char *eq = strchr(p, '=');
		if (!eq)
			return -1;
		size_t nl = (size_t)(eq - p);
		const char *v = eq + 1;
		char val[MAX_BOUNDARY + 2];
		if (param_value(&v, val, sizeof val) != 0)
			return -1;
		if (nl == 8 && strncasecmp(p, "boundary", 8) == 0) {
			if (found)
				return -1;
			found = 1;
			snprintf(out, n, "%s", val);
		}
		p = v;
	}
	size_t bl = found ? strlen(out) : 0;
	if (!bl || bl > MAX_BOUNDARY || out[bl - 1] == ' ')
		return -1;
	for (size_t i = 0; i < bl; i++)
		if (!bchar((unsigned char)out[i]))
			return -1;
	return 0;
}

/* 1 if s (n bytes) is UTF-8 text without control characters. */
static int clean_text(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f)
			return 0;
	}
	return dti_text_check_utf8(s, n, "", NULL) == DTI_OK;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* An RFC 5987 value ("UTF-8''%E1%BA%A1.pdf") decoded into out; 0 or -1. */
static int ext_value(const char *v, char *out, size_t n)
{
	if (strncasecmp(v, "utf-8'", 6) != 0)
		return -1;
	const char *p = strchr(v + 6, '\'');
	if (!p)
		return -1;
	p++;
	size_t k = 0;
	for (; *p; p++) {
		int c = (unsigned char)*p;
		if (c == '%') {
			int h = hexval(p[1]), l = h < 0 ? -1 : hexval(p[2]);
			if (l < 0)
				return -1;
			c = h * 16 + l;
			p += 2;
		}
		if (k + 1 >= n)
			return -1;
		out[k++] = (char)c;
	}
	out[k] = '\0';
	return 0;
}

/* Keeps the last segment of a path ("C:\dir\a.pdf" -> "a.pdf"). */
static void base_name(char *s)
{
	const char *b = s;
	for (const char *p = s; *p; p++)
		if (*p == '/' || *p == '\\')
			b = p + 1;
	if (b != s)
		memmove(s, b, strlen(b) + 1);
}

/*
 * Reads a part's Content-Disposition value into part; 0, or -1 with why.
 */
static int disposition(const char *v, struct mp_part *part, char *why,
                       size_t whysz)
{
	const char *p = v;
	skip_ws(&p);
	if (strncasecmp(p, "form-data", 9) != 0) {
		snprintf(why, whysz,
		         "its Content-Disposition is not form-data");
		return -1;
	}
	p += 9;
	int has_name = 0, has_file = 0, has_ext = 0;
	char ext[MP_MAX_FILENAME + 1] = "";
	for (;;) {
		skip_ws(&p);
		if (!*p)
			break;
		if (*p != ';')
			goto bad;
		p++;
		skip_ws(&p);
		const char *eq = strchr(p, '=');
		if (!eq)
			goto bad;
		size_t nl = (size_t)(eq - p);
		const char *pname = p;
		p = eq + 1;
		if (nl == 4 && strncasecmp(pname, "name", 4) == 0) {
			if (has_name ||
			    param_value(&p, part->name, sizeof part->name))
				goto bad;
			has_name = 1;
		} else if (nl == 8 && strncasecmp(pname, "filename", 8) == 0) {
			if (has_file || param_value(&p, part->filename,
			                            sizeof part->filename))
				goto bad;
			has_file = 1;
		} else if (nl == 9 && strncasecmp(pname, "filename*", 9) == 0) {
			char raw[MP_MAX_FILENAME * 3 + 16];
			if (has_ext || param_value(&p, raw, sizeof raw) ||
			    ext_value(raw, ext, sizeof ext))
				goto bad;
			has_ext = 1;
		} else {
			char skip[1024];
			if (param_value(&p, skip, sizeof skip))
				goto bad;
		}
	}
	if (!has_name || !part->name[0]) {
		snprintf(why, whysz, "its Content-Disposition names no field");
		return -1;
	}
	if (!clean_text(part->name, strlen(part->name))) {
		snprintf(why, whysz, "its field name is not clean UTF-8 text");
		return -1;
	}
	if (has_ext)
		memcpy(part->filename, ext, sizeof ext);
	part->is_file = has_file || has_ext;
	if (part->is_file) {
		if (!clean_text(part->filename, strlen(part->filename))) {
			snprintf(why, whysz,
			         "its file name is not UTF-8 text without "
			         "control characters");
			return -1;
		}
		base_name(part->filename);
	}
	return 0;
bad:
	snprintf(why, whysz,
	         "its Content-Disposition is malformed (expected form-data; "
	         "name=\"...\"; filename=\"...\", each once, within the "
	         "length limits)");
	return -1;
}

/*
 * Reads a part's header block (hl bytes at h, without the blank line);
 * 0, or -1 with why.
 */
static int part_headers(const char *h, size_t hl, struct mp_part *part,
                        char *why, size_t whysz)
{
	char line[MP_MAX_HEADERS + 1];
	int has_cd = 0;
	size_t i = 0;
	while (i < hl) {
		const char *eol = find(h + i, hl - i, "\r\n", 2);
		size_t ll = eol ? (size_t)(eol - (h + i)) : hl - i;
		memcpy(line, h + i, ll);
		line[ll] = '\0';
		i += ll + (eol ? 2 : 0);
		if (memchr(line, '\0', ll) || strchr(line, '\r') ||
		    strchr(line, '\n')) {
			snprintf(why, whysz, "a header holds a control byte");
			return -1;
		}
		char *colon = strchr(line, ':');
		if (!colon || colon == line || line[0] == ' ' ||
		    line[0] == '\t') {
			snprintf(why, whysz, "a header line is malformed");
			return -1;
		}
		*colon = '\0';
		const char *v = colon + 1;
		if (strcasecmp(line, "Content-Disposition") == 0) {
			if (has_cd) {
				snprintf(why, whysz,
				         "it has two Content-Disposition "
				         "headers");
				return -1;
			}
			has_cd = 1;
			if (disposition(v, part, why, whysz))
				return -1;
		} else if (strcasecmp(line, "Content-Transfer-Encoding") == 0) {
			const char *p = v;
			skip_ws(&p);
			if (strncasecmp(p, "binary", 6) != 0 &&
			    strncasecmp(p, "8bit", 4) != 0 &&
			    strncasecmp(p, "7bit", 4) != 0) {
				snprintf(why, whysz,
				         "a Content-Transfer-Encoding other "
				         "than binary");
				return -1;
			}
		}
		/* Content-Type and other headers: the content decides */
	}
	if (!has_cd) {
		snprintf(why, whysz, "it has no Content-Disposition header");
		return -1;
	}
	return 0;
}

int mp_parse(const char *content_type, const char *body, size_t len,
             struct mp_form *f, char *why, size_t whysz, char *field,
             size_t fieldsz)
{
	char boundary[MAX_BOUNDARY + 2];
	char delim[MAX_BOUNDARY + 5];
	field[0] = '\0';
	why[0] = '\0';
	f->n = 0;
	if (get_boundary(content_type, boundary, sizeof boundary) != 0) {
		snprintf(why, whysz,
		         "the body must be multipart/form-data with a "
		         "boundary of 1 to 70 characters");
		return MP_ENOTFORM;
	}
	if (!f->parts) {
		f->parts = calloc(MP_MAX_PARTS, sizeof *f->parts);
		if (!f->parts)
			return MP_ENOMEM;
	}
	/* CRLF "--" boundary: what ends each part's content */
	int dl = snprintf(delim, sizeof delim, "\r\n--%s", boundary);
	size_t dlen = (size_t)dl;
	if (len < dlen - 2 || memcmp(body, delim + 2, dlen - 2) != 0) {
		snprintf(why, whysz,
		         "the body does not start with the boundary of its "
		         "Content-Type");
		return MP_EBAD;
	}
	size_t pos = dlen - 2;
	for (;;) {
		/* after a delimiter: "--" ends the body, CRLF starts a part */
		if (len - pos >= 2 && memcmp(body + pos, "--", 2) == 0) {
			pos += 2;
			if (len - pos == 2 &&
			    memcmp(body + pos, "\r\n", 2) == 0)
				pos += 2;
			if (pos != len) {
				snprintf(why, whysz,
				         "bytes follow the closing boundary");
				return MP_EBAD;
			}
			return 0;
		}
		if (len - pos < 2 || memcmp(body + pos, "\r\n", 2) != 0) {
			snprintf(why, whysz,
			         "a boundary is not followed by a line break");
			return MP_EBAD;
		}
		pos += 2;
		if (f->n >= MP_MAX_PARTS) {
			snprintf(why, whysz, "more than %d parts",
			         MP_MAX_PARTS);
			return MP_EBAD;
		}
		struct mp_part *part = &f->parts[f->n];
		memset(part, 0, sizeof *part);
		size_t lim = len - pos < MP_MAX_HEADERS + 4
		                 ? len - pos
		                 : MP_MAX_HEADERS + 4;
		const char *hend = find(body + pos, lim, "\r\n\r\n", 4);
		if (!hend) {
			snprintf(why, whysz,
			         "part %zu: its headers do not end with a "
			         "blank line within %d bytes",
			         f->n + 1, MP_MAX_HEADERS);
			return MP_EBAD;
		}
		char pwhy[256];
		if (part_headers(body + pos, (size_t)(hend - (body + pos)),
		                 part, pwhy, sizeof pwhy)) {
			snprintf(why, whysz, "part %zu: %s", f->n + 1, pwhy);
			if (part->name[0])
				snprintf(field, fieldsz, "%s", part->name);
			return MP_EBAD;
		}
		pos = (size_t)(hend - body) + 4;
		const char *end = find(body + pos, len - pos, delim, dlen);
		if (!end) {
			snprintf(why, whysz,
			         "part %zu (%s): the body ends before its "
			         "closing boundary",
			         f->n + 1, part->name);
			snprintf(field, fieldsz, "%s", part->name);
			return MP_EBAD;
		}
		part->data = body + pos;
		part->len = (size_t)(end - (body + pos));
		if (mp_get(f, part->name)) {
			snprintf(why, whysz, "field '%s' is sent twice",
			         part->name);
			snprintf(field, fieldsz, "%s", part->name);
			return MP_EBAD;
		}
		f->n++;
		pos = (size_t)(end - body) + dlen;
	}
}
