/*
 * lib/base/json.c - the one JSON writer (dti/json.h).
 *
 * State is a stack of bits, one per open container: whether it is an
 * object and whether it has an item yet; that is all a writer needs to
 * place commas and colons.  Every failure sticks in j->status, so callers
 * write a whole document and check once, at dti_json_finish().
 */
#include <string.h>

#include "base/base.h"
#include "dti/json.h"

void dti_json_init(struct dti_json *j, struct dti_buf *out)
{
	memset(j, 0, sizeof *j);
	j->out = out;
	j->status = out ? DTI_OK : DTI_EARG;
}

/* The escaped body of a string (no quotes). */
static enum dti_status escape(struct dti_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t run = 0; /* bytes that need no escape, written in one go */
	enum dti_status st = DTI_OK;
	for (size_t i = 0; i < n && !st; i++) {
		unsigned char c = p[i];
		if (c >= 0x20 && c != '"' && c != '\\') {
			run++;
			continue;
		}
		st = dti_buf_add(b, s + i - run, run);
		run = 0;
		if (st)
			break;
		char e[6] = {'\\', 0, 0, 0, 0, 0};
		size_t en = 2;
		switch (c) {
		case '"': e[1] = '"'; break;
		case '\\': e[1] = '\\'; break;
		case '\n': e[1] = 'n'; break;
		case '\r': e[1] = 'r'; break;
		case '\t': e[1] = 't'; break;
		default:
			e[1] = 'u';
			e[2] = '0';
			e[3] = '0';
			e[4] = hex[c >> 4];
			e[5] = hex[c & 15];
			en = 6;
		}
		st = dti_buf_add(b, e, en);
	}
	if (!st && run)
		st = dti_buf_add(b, s + n - run, run);
	return st;
}

static enum dti_status quote(struct dti_buf *b, const char *s, size_t n)
{
	enum dti_status st = dti_buf_addc(b, '"');
	if (!st)
		st = escape(b, s, n);
	return st ? st : dti_buf_addc(b, '"');
}

enum dti_status dti_json_quote(struct dti_buf *b, const char *s)
{
	if (!s)
		s = "";
	return quote(b, s, strlen(s));
}

/* Keeps the first failure; returns the status now. */
static enum dti_status fail(struct dti_json *j, enum dti_status st)
{
	if (j->status == DTI_OK)
		j->status = st;
	return j->status;
}

static int in_object(const struct dti_json *j)
{
	return j->depth && ((j->object >> (j->depth - 1)) & 1);
}

/* The comma before an item of the current container, and a line break. */
static enum dti_status separate(struct dti_json *j)
{
	enum dti_status st = DTI_OK;
	if (j->depth) {
		uint64_t bit = (uint64_t)1 << (j->depth - 1);
		if (j->items & bit)
			st = dti_buf_addc(j->out, ',');
		j->items |= bit;
	}
	if (!st && j->newline)
		st = dti_buf_addc(j->out, '\n');
	j->newline = 0;
	return st ? fail(j, st) : DTI_OK;
}

/* The separator before a value, and the checks that it may come here. */
static enum dti_status before_value(struct dti_json *j)
{
	if (j->status)
		return j->status;
	if (in_object(j)) {
		if (!j->after_key)
			return fail(j, DTI_EARG); /* a value without a key */
		j->after_key = 0;
		return DTI_OK;
	}
	return separate(j);
}

void dti_json_break(struct dti_json *j)
{
	j->newline = 1;
}

static enum dti_status put(struct dti_json *j, const char *text, size_t n)
{
	enum dti_status st = before_value(j);
	if (st)
		return st;
	st = dti_buf_add(j->out, text, n);
	return st ? fail(j, st) : DTI_OK;
}

static enum dti_status begin(struct dti_json *j, int object)
{
	enum dti_status st = before_value(j);
	if (st)
		return st;
	if (j->depth >= DTI_JSON_MAX_DEPTH)
		return fail(j, DTI_EARG);
	st = dti_buf_addc(j->out, object ? '{' : '[');
	if (st)
		return fail(j, st);
	uint64_t bit = (uint64_t)1 << j->depth;
	j->object = object ? j->object | bit : j->object & ~bit;
	j->items &= ~bit;
	j->depth++;
	return DTI_OK;
}

static enum dti_status end(struct dti_json *j, int object)
{
	if (j->status)
		return j->status;
	if (!j->depth || in_object(j) != object || j->after_key)
		return fail(j, DTI_EARG);
	j->depth--;
	/* the container is an item of the one around it */
	enum dti_status st = dti_buf_addc(j->out, object ? '}' : ']');
	return st ? fail(j, st) : DTI_OK;
}

enum dti_status dti_json_object_begin(struct dti_json *j)
{
	return begin(j, 1);
}

enum dti_status dti_json_object_end(struct dti_json *j)
{
	return end(j, 1);
}

enum dti_status dti_json_array_begin(struct dti_json *j)
{
	return begin(j, 0);
}

enum dti_status dti_json_array_end(struct dti_json *j)
{
	return end(j, 0);
}

enum dti_status dti_json_key(struct dti_json *j, const char *key)
{
	if (j->status)
		return j->status;
	if (!in_object(j) || j->after_key || !key)
		return fail(j, DTI_EARG);
	enum dti_status st = separate(j);
	if (!st)
		st = quote(j->out, key, strlen(key));
	if (!st)
		st = dti_buf_addc(j->out, ':');
	if (st)
		return fail(j, st);
	j->after_key = 1;
	return DTI_OK;
}

enum dti_status dti_json_stringn(struct dti_json *j, const char *s, size_t n)
{
	if (!s)
		return dti_json_null(j);
	enum dti_status st = before_value(j);
	if (st)
		return st;
	st = quote(j->out, s, n);
	return st ? fail(j, st) : DTI_OK;
}

enum dti_status dti_json_string(struct dti_json *j, const char *s)
{
	return dti_json_stringn(j, s, s ? strlen(s) : 0);
}

enum dti_status dti_json_int(struct dti_json *j, long long v)
{
	char t[24];
	int n = dti_snprintf(t, sizeof t, "%lld", v);
	return put(j, t, (size_t)n);
}

/* Appends through a base writer, after the separator. */
#define WRITE_NUMBER(j, v, call)                                               \
	do {                                                                   \
		if (isnan(v) || isinf(v))                                      \
			return dti_json_null(j);                               \
		enum dti_status st_ = before_value(j);                         \
		if (st_)                                                       \
			return st_;                                            \
		st_ = (call);                                                  \
		return st_ ? fail(j, st_) : DTI_OK;                            \
	} while (0)

enum dti_status dti_json_double(struct dti_json *j, double v)
{
	WRITE_NUMBER(j, v, dti_buf_add_shortest(j->out, v));
}

enum dti_status dti_json_fixed(struct dti_json *j, double v, int digits)
{
	WRITE_NUMBER(j, v, dti_buf_add_decimal(j->out, v, digits, '.', ""));
}

enum dti_status dti_json_decimal(struct dti_json *j, double v, int digits)
{
	WRITE_NUMBER(j, v, dti_buf_add_trimmed(j->out, v, digits));
}

enum dti_status dti_json_bool(struct dti_json *j, int v)
{
	return v ? put(j, "true", 4) : put(j, "false", 5);
}

enum dti_status dti_json_null(struct dti_json *j)
{
	return put(j, "null", 4);
}

enum dti_status dti_json_raw(struct dti_json *j, const char *json)
{
	if (!json || !*json)
		return dti_json_null(j);
	return put(j, json, strlen(json));
}

enum dti_status dti_json_finish(struct dti_json *j, struct dti_error *err)
{
	if (j->status == DTI_OK && (j->depth || j->after_key))
		j->status = DTI_EARG;
	if (j->status == DTI_EARG)
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, NULL,
		                   "JSON written out of order (a value without "
		                   "a key, or a container left open)");
	if (j->status != DTI_OK)
		return dti_buf_final(j->out, j->status, err);
	return dti_buf_final(j->out, DTI_OK, err);
}
