/*
 * src/server/http.c - requests and responses as handlers see them: query,
 * header and cookie access, strict JSON bodies, problem documents and the
 * mapping of dti_status to HTTP.
 */
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "server.h"

void srv_resp_init(struct srv_resp *r)
{
	memset(r, 0, sizeof *r);
	r->status = 200;
	r->type = "application/json";
	dti_buf_init(&r->body, 0);
	r->no_store = 1;
}

void srv_resp_free(struct srv_resp *r)
{
	dti_buf_release(&r->body);
}

int srv_resp_has_header(const struct srv_resp *r, const char *name)
{
	for (size_t i = 0; i < r->nheaders; i++)
		if (strcasecmp(r->headers[i].name, name) == 0)
			return 1;
	return 0;
}

static int has_crlf(const char *s)
{
	return strpbrk(s, "\r\n") != NULL;
}

int srv_resp_header(struct srv_resp *r, const char *name, const char *value)
{
	if (r->nheaders >= SRV_MAX_HEADERS || has_crlf(name) ||
	    has_crlf(value) || strlen(name) >= sizeof r->headers[0].name ||
	    strlen(value) >= sizeof r->headers[0].value)
		return -1;
	struct srv_header *h = &r->headers[r->nheaders++];
	strcpy(h->name, name);
	strcpy(h->value, value);
	return 0;
}

/* ---- Requests ------------------------------------------------------------ */

const char *srv_query(const struct srv_req *q, const char *name)
{
	for (size_t i = 0; i < q->nquery; i++)
		if (strcmp(q->query[i].name, name) == 0)
			return q->query[i].value ? q->query[i].value : "";
	return NULL;
}

const char *srv_header(const struct srv_req *q, const char *name)
{
	for (size_t i = 0; i < q->nheaders; i++)
		if (strcasecmp(q->headers[i].name, name) == 0)
			return q->headers[i].value ? q->headers[i].value : "";
	return NULL;
}

const char *srv_param(const struct srv_req *q, const char *name)
{
	for (size_t i = 0; i < q->nparams; i++)
		if (strcmp(q->params[i].name, name) == 0)
			return q->params[i].value;
	return NULL;
}

int srv_cookie(const struct srv_req *q, const char *name, char *out, size_t n)
{
	size_t nl = strlen(name);
	for (size_t i = 0; i < q->nheaders; i++) {
		if (strcasecmp(q->headers[i].name, "Cookie") != 0 ||
		    !q->headers[i].value)
			continue;
		const char *p = q->headers[i].value;
		while (*p) {
			while (*p == ' ' || *p == ';')
				p++;
			const char *eq = strchr(p, '=');
			const char *end = strchr(p, ';');
			if (!end)
				end = p + strlen(p);
			if (eq && eq < end && (size_t)(eq - p) == nl &&
			    memcmp(p, name, nl) == 0) {
				size_t vl = (size_t)(end - eq - 1);
				if (vl + 1 > n)
					return -1;
				memcpy(out, eq + 1, vl);
				out[vl] = '\0';
				return 0;
			}
			p = end;
		}
	}
	return -1;
}

int srv_if_match(const struct srv_req *q, struct srv_resp *r, int64_t *version)
{
	const char *h = srv_header(q, "If-Match");
	if (!h)
		return 0;
	const char *p = h;
	while (*p == ' ')
		p++;
	if (strncmp(p, "W/", 2) == 0)
		p += 2;
	if (*p != '"' || p[1] != 'v')
		goto bad;
	p += 2;
	int64_t v = 0;
	int digits = 0;
	while (*p >= '0' && *p <= '9') {
		if (v > (INT64_MAX - 9) / 10)
			goto bad;
		v = v * 10 + (*p++ - '0');
		digits++;
	}
	if (!digits || *p != '"')
		goto bad;
	p++;
	while (*p == ' ')
		p++;
	if (*p)
		goto bad;
	if (v == 0) {
		/* versions start at 1; the library would read 0 as "any" */
		srv_problem_field(r, 412, "conflict", "If-Match",
		                  "no version 0 exists: reload and try again");
		return -1;
	}
	*version = v;
	return 1;
bad:
	srv_problem_field(r, 400, "bad_header", "If-Match",
	                  "If-Match must be one ETag of this resource, such "
	                  "as \"v3\"");
	return -1;
}

void srv_etag_version(struct srv_resp *r, int64_t version)
{
	snprintf(r->etag, sizeof r->etag, "\"v%lld\"", (long long)version);
}

int srv_query_only(const struct srv_req *q, struct srv_resp *r,
                   const char *const *allowed)
{
	for (size_t i = 0; i < q->nquery; i++) {
		int ok = 0;
		for (size_t k = 0; allowed && allowed[k]; k++)
			if (strcmp(q->query[i].name, allowed[k]) == 0)
				ok = 1;
		if (!ok) {
			srv_problem_field(
			    r, 400, "unknown_parameter", q->query[i].name,
			    "unknown query parameter '%s'", q->query[i].name);
			return -1;
		}
	}
	return 0;
}

/* ---- JSON bodies ----------------------------------------------------------
 */

static int media_is_json(const char *ct)
{
	if (!ct)
		return 0;
	while (*ct == ' ')
		ct++;
	size_t n = strlen("application/json");
	if (strncasecmp(ct, "application/json", n) != 0)
		return 0;
	ct += n;
	while (*ct == ' ')
		ct++;
	return *ct == '\0' || *ct == ';';
}

void *srv_body_object(const struct srv_req *q, struct srv_resp *r,
                      const char *const *allowed)
{
	if (!media_is_json(srv_header(q, "Content-Type"))) {
		srv_problem_field(r, 415, "unsupported_media_type",
		                  "Content-Type",
		                  "the body must be application/json");
		return NULL;
	}
	json_error_t je;
	json_t *doc =
	    json_loadb(q->body, q->body_len, JSON_REJECT_DUPLICATES, &je);
	if (!doc) {
		struct dti_buf *b = &r->body;
		srv_problem(r, 400, "bad_json", "malformed JSON body: %s",
		            je.text);
		/* add line and column (1-based; jansson says 0 when it has
		   none, as at the end of the input) to the problem just
		   written */
		if (b->len > 1 && b->data[b->len - 1] == '}') {
			b->len--;
			if (je.line > 0)
				dti_buf_addf(b, ",\"line\":%d", je.line);
			if (je.column > 0)
				dti_buf_addf(b, ",\"column\":%d", je.column);
			dti_buf_addc(b, '}');
		}
		return NULL;
	}
	if (!json_is_object(doc)) {
		json_decref(doc);
		srv_problem(r, 400, "bad_json",
		            "the body must be a JSON object");
		return NULL;
	}
	const char *key;
	json_t *v;
	json_object_foreach(doc, key, v)
	{
		int ok = 0;
		for (size_t k = 0; allowed && allowed[k]; k++)
			if (strcmp(key, allowed[k]) == 0)
				ok = 1;
		if (!ok) {
			srv_problem_field(r, 400, "unknown_field", key,
			                  "unknown field '%s'", key);
			json_decref(doc);
			return NULL;
		}
	}
	return doc;
}

static int absent(json_t *v, const char *name, int required, struct srv_resp *r)
{
	(void)v;
	if (required) {
		srv_problem_field(r, 400, "missing_field", name,
		                  "field '%s' is required", name);
		return -1;
	}
	return 0;
}

static int wrong_type(const char *name, const char *type, struct srv_resp *r)
{
	srv_problem_field(r, 400, "bad_type", name, "field '%s' must be %s",
	                  name, type);
	return -1;
}

int srv_field_string(void *obj, const char *name, int required,
                     const char **out, struct srv_resp *r)
{
	json_t *v = json_object_get((json_t *)obj, name);
	if (!v || json_is_null(v))
		return absent(v, name, required, r);
	if (!json_is_string(v))
		return wrong_type(name, "a string", r);
	if (strlen(json_string_value(v)) != json_string_length(v))
		return wrong_type(name, "a string without NUL characters", r);
	*out = json_string_value(v);
	return 1;
}

int srv_field_number(void *obj, const char *name, int required, double *out,
                     struct srv_resp *r)
{
	json_t *v = json_object_get((json_t *)obj, name);
	if (!v || json_is_null(v))
		return absent(v, name, required, r);
	if (!json_is_number(v))
		return wrong_type(name, "a number", r);
	double d = json_number_value(v);
	if (!isfinite(d))
		return wrong_type(name, "a finite number", r);
	*out = d;
	return 1;
}

int srv_field_int(void *obj, const char *name, int required, int64_t *out,
                  struct srv_resp *r)
{
	json_t *v = json_object_get((json_t *)obj, name);
	if (!v || json_is_null(v))
		return absent(v, name, required, r);
	if (!json_is_integer(v))
		return wrong_type(name, "an integer", r);
	*out = (int64_t)json_integer_value(v);
	return 1;
}

int srv_field_bool(void *obj, const char *name, int required, int *out,
                   struct srv_resp *r)
{
	json_t *v = json_object_get((json_t *)obj, name);
	if (!v || json_is_null(v))
		return absent(v, name, required, r);
	if (!json_is_boolean(v))
		return wrong_type(name, "true or false", r);
	*out = json_is_true(v);
	return 1;
}

/* ---- Problems ---------------------------------------------------------------
 */

int srv_status_http(enum dti_status st)
{
	switch (st) {
	case DTI_OK: return 200;
	case DTI_ENOMEM: return 503;
	case DTI_EINTERNAL:
	case DTI_EIO: return 500;
	case DTI_EARG:
	case DTI_EENCODING:
	case DTI_ESYNTAX: return 400;
	case DTI_EINVALID:
	case DTI_EAMBIGUOUS:
	case DTI_EUNKNOWN: return 422;
	case DTI_ENOTFOUND: return 404;
	case DTI_ELIMIT: return 413;
	case DTI_ESTATE:
	case DTI_ECONFLICT:
	case DTI_EEXIST: return 409;
	case DTI_EPERM: return 403;
	}
	return 500;
}

const char *srv_status_code(enum dti_status st)
{
	switch (st) {
	case DTI_OK: return "ok";
	case DTI_ENOMEM: return "out_of_memory";
	case DTI_EINTERNAL: return "internal";
	case DTI_EARG: return "bad_argument";
	case DTI_EIO: return "io";
	case DTI_EENCODING: return "bad_encoding";
	case DTI_ESYNTAX: return "syntax";
	case DTI_EINVALID: return "invalid";
	case DTI_ENOTFOUND: return "not_found";
	case DTI_EAMBIGUOUS: return "ambiguous";
	case DTI_EUNKNOWN: return "unknown_value";
	case DTI_ELIMIT: return "too_large";
	case DTI_ESTATE: return "wrong_state";
	case DTI_EPERM: return "forbidden";
	case DTI_ECONFLICT: return "conflict";
	case DTI_EEXIST: return "exists";
	}
	return "internal";
}

static const char *status_title(int status)
{
	switch (status) {
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 409: return "Conflict";
	case 412: return "Precondition Failed";
	case 413: return "Content Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	}
	return "Error";
}

/*
 * Replaces each byte of s that does not belong to a well-formed UTF-8
 * sequence by '?': a detail may quote the request (jansson's "near '...'"
 * cuts the input anywhere), and a problem document must stay UTF-8.
 */
static void utf8_clean(char *s)
{
	unsigned char *u = (unsigned char *)s;
	while (*u) {
		size_t n = 0;
		unsigned lo = 0x80, hi = 0xbf;
		if (*u < 0x80)
			n = 1;
		else if (*u >= 0xc2 && *u <= 0xdf)
			n = 2;
		else if (*u >= 0xe0 && *u <= 0xef) {
			n = 3;
			lo = *u == 0xe0 ? 0xa0 : 0x80;
			hi = *u == 0xed ? 0x9f : 0xbf;
		} else if (*u >= 0xf0 && *u <= 0xf4) {
			n = 4;
			lo = *u == 0xf0 ? 0x90 : 0x80;
			hi = *u == 0xf4 ? 0x8f : 0xbf;
		}
		int ok = n > 0;
		for (size_t k = 1; ok && k < n; k++) {
			unsigned c = u[k];
			unsigned min = k == 1 ? lo : 0x80;
			unsigned max = k == 1 ? hi : 0xbf;
			ok = c >= min && c <= max;
		}
		if (!ok) {
			*u++ = '?';
			continue;
		}
		u += n;
	}
}

static void problem_write(struct srv_resp *r, int status, const char *code,
                          const char *field, unsigned long line,
                          unsigned long column, const char *detail_in)
{
	/* the detail and field may quote the request: kept UTF-8 */
	char detail[1024], fieldc[256];
	snprintf(detail, sizeof detail, "%s", detail_in);
	utf8_clean(detail);
	if (field) {
		snprintf(fieldc, sizeof fieldc, "%s", field);
		utf8_clean(fieldc);
		field = fieldc;
	}
	r->status = status;
	r->type = "application/problem+json";
	r->shared = NULL;
	r->etag[0] = '\0';
	r->last_modified = 0;
	r->no_store = 1;
	dti_buf_reset(&r->body);
	struct dti_json j;
	dti_json_init(&j, &r->body);
	dti_json_object_begin(&j);
	dti_json_key(&j, "type");
	char type[96];
	snprintf(type, sizeof type, "/api/v1/problems#%s", code);
	dti_json_string(&j, type);
	dti_json_key(&j, "title");
	dti_json_string(&j, status_title(status));
	dti_json_key(&j, "status");
	dti_json_int(&j, status);
	dti_json_key(&j, "code");
	dti_json_string(&j, code);
	dti_json_key(&j, "detail");
	dti_json_string(&j, detail);
	if (field && *field) {
		dti_json_key(&j, "field");
		dti_json_string(&j, field);
	}
	if (line) {
		dti_json_key(&j, "line");
		dti_json_int(&j, (long long)line);
	}
	if (column) {
		dti_json_key(&j, "column");
		dti_json_int(&j, (long long)column);
	}
	dti_json_object_end(&j);
	struct dti_error err = DTI_ERROR_INIT;
	if (dti_json_finish(&j, &err) != DTI_OK) {
		dti_buf_reset(&r->body);
		dti_buf_adds(&r->body,
		             "{\"status\":500,\"code\":\"internal\"}");
		r->status = 500;
	}
	dti_error_release(&err);
}

static void vproblem(struct srv_resp *r, int status, const char *code,
                     const char *field, const char *fmt, va_list ap)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 0)))
#endif
    ;

static void vproblem(struct srv_resp *r, int status, const char *code,
                     const char *field, const char *fmt, va_list ap)
{
	char detail[768];
	vsnprintf(detail, sizeof detail, fmt, ap);
	problem_write(r, status, code, field, 0, 0, detail);
}

void srv_problem(struct srv_resp *r, int status, const char *code,
                 const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vproblem(r, status, code, NULL, fmt, ap);
	va_end(ap);
}

void srv_problem_field(struct srv_resp *r, int status, const char *code,
                       const char *field, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vproblem(r, status, code, field, fmt, ap);
	va_end(ap);
}

void srv_problem_dti(struct srv_resp *r, enum dti_status st,
                     const struct dti_error *err, int stale_412)
{
	int status = srv_status_http(st);
	if (st == DTI_ECONFLICT && stale_412)
		status = 412;
	const char *msg =
	    err && err->message[0] ? err->message : dti_strerror(st);
	if (status >= 500 && st != DTI_ENOMEM)
		msg = "the server could not complete the request; the "
		      "operator's log says why";
	problem_write(r, status, srv_status_code(st),
	              err && status < 500 ? err->field : NULL,
	              err && status < 500 ? err->line : 0,
	              err && status < 500 ? err->column : 0, msg);
}

/* ---- JSON responses
 * ----------------------------------------------------------- */

void srv_json_begin(struct srv_resp *r, struct dti_json *j)
{
	r->type = "application/json";
	dti_buf_reset(&r->body);
	dti_json_init(j, &r->body);
}

void srv_json_end(struct srv_resp *r, struct dti_json *j)
{
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_json_finish(j, &err);
	if (st != DTI_OK)
		srv_problem_dti(
		    r, st == DTI_ENOMEM ? DTI_ENOMEM : DTI_EINTERNAL, &err, 0);
	dti_error_release(&err);
}

/* ---- HTML forms --------------------------------------------------------
 */

int srv_is_form(const struct srv_req *q)
{
	const char *ct = srv_header(q, "Content-Type");
	if (!ct)
		return 0;
	while (*ct == ' ')
		ct++;
	static const char form[] = "application/x-www-form-urlencoded";
	size_t n = sizeof form - 1;
	return strncasecmp(ct, form, n) == 0 &&
	       (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

static int hexdigit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes [p, e) of a form into out (size n): its length, or -1. */
static long form_decode(const char *p, const char *e, char *out, size_t n)
{
	size_t k = 0;
	while (p < e) {
		int c = (unsigned char)*p;
		if (c == '+') {
			c = ' ';
			p++;
		} else if (c == '%') {
			if (e - p < 3)
				return -1;
			int hi = hexdigit(p[1]);
			int lo = hexdigit(p[2]);
			if (hi < 0 || lo < 0)
				return -1;
			c = hi * 16 + lo;
			p += 3;
		} else {
			p++;
		}
		if (k + 1 >= n)
			return -1;
		out[k++] = (char)c;
	}
	out[k] = '\0';
	return (long)k;
}

int srv_form_value(const struct srv_req *q, const char *name, char *out,
                   size_t n)
{
	if (n == 0)
		return -1;
	out[0] = '\0';
	if (!srv_is_form(q) || !q->body)
		return -1;
	const char *p = q->body, *end = q->body + q->body_len;
	size_t nl = strlen(name);
	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *fe = amp ? amp : end;
		const char *eq = memchr(p, '=', (size_t)(fe - p));
		const char *ke = eq ? eq : fe;
		char key[64];
		long kl = form_decode(p, ke, key, sizeof key);
		if (kl == (long)nl && memcmp(key, name, nl) == 0) {
			long vl = eq ? form_decode(eq + 1, fe, out, n)
			             : (out[0] = '\0', 0);
			if (vl < 0 || dti_text_check_utf8(out, (size_t)vl, NULL,
			                                  NULL) != DTI_OK) {
				out[0] = '\0';
				return -1;
			}
			for (long i = 0; i < vl; i++) {
				unsigned char c = (unsigned char)out[i];
				if ((c < 0x20 && c != '\t' && c != '\n' &&
				     c != '\r') ||
				    c == 0x7f) {
					out[0] = '\0';
					return -1;
				}
			}
			return 0;
		}
		p = fe + 1;
	}
	return -1;
}
