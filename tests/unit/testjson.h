/*
 * tests/unit/testjson.h - a strict little JSON reader (RFC 8259) for tests
 * that check the library's JSON output: it refuses anything malformed
 * (bad escapes, invalid UTF-8, trailing commas, NaN) and gives a tree to
 * look members up in.  Include after <cmocka.h> and testcheck.h.
 */
#ifndef DTI_TESTJSON_H
#define DTI_TESTJSON_H

#include <stdlib.h>
#include <string.h>

enum jtype { J_NULL, J_FALSE, J_TRUE, J_NUM, J_STR, J_ARR, J_OBJ };

struct jval {
	enum jtype t;
	double num;
	char *str;
	size_t n;
	char **keys; /* objects */
	struct jval *items;
};

struct jreader {
	const char *p, *end;
	const char *why;
};

static TEST_UNUSED void jskip(struct jreader *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' ||
	                         *r->p == '\n' || *r->p == '\r'))
		r->p++;
}

static TEST_UNUSED int jfail(struct jreader *r, const char *why)
{
	if (!r->why)
		r->why = why;
	return -1;
}

static TEST_UNUSED int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Length of a valid UTF-8 sequence at p (at most n bytes), 0 if invalid. */
static TEST_UNUSED size_t utf8_len(const unsigned char *p, size_t n)
{
	size_t len;
	unsigned min;
	unsigned cp;
	if (p[0] < 0x80)
		return 1;
	if ((p[0] & 0xe0) == 0xc0) {
		len = 2;
		min = 0x80;
		cp = p[0] & 0x1fu;
	} else if ((p[0] & 0xf0) == 0xe0) {
		len = 3;
		min = 0x800;
		cp = p[0] & 0x0fu;
	} else if ((p[0] & 0xf8) == 0xf0) {
		len = 4;
		min = 0x10000;
		cp = p[0] & 0x07u;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3fu);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

static TEST_UNUSED char *jstring(struct jreader *r)
{
	if (r->p >= r->end || *r->p != '"') {
		jfail(r, "expected a string");
		return NULL;
	}
	r->p++;
	size_t cap = 64, len = 0;
	char *s = malloc(cap);
	if (!s) {
		jfail(r, "out of memory");
		return NULL;
	}
	for (;;) {
		if (r->p >= r->end) {
			jfail(r, "unterminated string");
			break;
		}
		unsigned char c = (unsigned char)*r->p;
		if (len + 8 >= cap) {
			cap *= 2;
			char *t = realloc(s, cap);
			if (!t) {
				jfail(r, "out of memory");
				break;
			}
			s = t;
		}
		if (c == '"') {
			r->p++;
			s[len] = '\0';
			return s;
		}
		if (c < 0x20) {
			jfail(r, "raw control character in a string");
			break;
		}
		if (c == '\\') {
			if (r->p + 1 >= r->end) {
				jfail(r, "bad escape");
				break;
			}
			char e = r->p[1];
			r->p += 2;
			const char *map = strchr("\"\\/bfnrt", e);
			if (e && map) {
				static const char out[] = "\"\\/\b\f\n\r\t";
				s[len++] = out[map - "\"\\/bfnrt"];
				continue;
			}
			if (e != 'u' || r->end - r->p < 4) {
				jfail(r, "bad escape");
				break;
			}
			unsigned cp = 0;
			for (int i = 0; i < 4; i++) {
				int h = hexval(r->p[i]);
				if (h < 0) {
					jfail(r, "bad \\u escape");
					free(s);
					return NULL;
				}
				cp = cp * 16 + (unsigned)h;
			}
			r->p += 4;
			/* enough for these tests: no surrogate pairs */
			if (cp >= 0xd800 && cp <= 0xdfff) {
				jfail(r, "surrogate escape");
				break;
			}
			if (cp < 0x80) {
				s[len++] = (char)cp;
			} else if (cp < 0x800) {
				s[len++] = (char)(0xc0 | (cp >> 6));
				s[len++] = (char)(0x80 | (cp & 0x3f));
			} else {
				s[len++] = (char)(0xe0 | (cp >> 12));
				s[len++] = (char)(0x80 | ((cp >> 6) & 0x3f));
				s[len++] = (char)(0x80 | (cp & 0x3f));
			}
			continue;
		}
		size_t ul = utf8_len((const unsigned char *)r->p,
		                     (size_t)(r->end - r->p));
		if (!ul) {
			jfail(r, "invalid UTF-8 in a string");
			break;
		}
		memcpy(s + len, r->p, ul);
		len += ul;
		r->p += ul;
	}
	free(s);
	return NULL;
}

static TEST_UNUSED int jnumber(struct jreader *r, double *out)
{
	const char *b = r->p, *p = r->p;
	if (p < r->end && *p == '-')
		p++;
	if (p >= r->end)
		return jfail(r, "bad number");
	if (*p == '0') {
		p++;
	} else if (*p >= '1' && *p <= '9') {
		while (p < r->end && *p >= '0' && *p <= '9')
			p++;
	} else {
		return jfail(r, "bad number");
	}
	if (p < r->end && *p == '.') {
		p++;
		if (p >= r->end || *p < '0' || *p > '9')
			return jfail(r, "bad fraction");
		while (p < r->end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < r->end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < r->end && (*p == '+' || *p == '-'))
			p++;
		if (p >= r->end || *p < '0' || *p > '9')
			return jfail(r, "bad exponent");
		while (p < r->end && *p >= '0' && *p <= '9')
			p++;
	}
	char tmp[64];
	size_t n = (size_t)(p - b);
	if (n >= sizeof tmp)
		return jfail(r, "number too long");
	memcpy(tmp, b, n);
	tmp[n] = '\0';
	/* the grammar above is locale-free; convert in the "C" locale */
	locale_t cl = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
	if (!cl)
		return jfail(r, "no C locale");
	locale_t old = uselocale(cl);
	char *end;
	*out = strtod(tmp, &end);
	uselocale(old);
	freelocale(cl);
	if (*end)
		return jfail(r, "number not converted");
	r->p = p;
	return 0;
}

static TEST_UNUSED void jfree(struct jval *v)
{
	if (!v)
		return;
	free(v->str);
	for (size_t i = 0; i < v->n; i++) {
		if (v->keys)
			free(v->keys[i]);
		jfree(&v->items[i]);
	}
	free(v->keys);
	free(v->items);
	memset(v, 0, sizeof *v);
}

static TEST_UNUSED int jvalue(struct jreader *r, struct jval *v, int depth);

static TEST_UNUSED int jcontainer(struct jreader *r, struct jval *v, int depth,
                                  int obj)
{
	char close = obj ? '}' : ']';
	v->t = obj ? J_OBJ : J_ARR;
	r->p++;
	jskip(r);
	if (r->p < r->end && *r->p == close) {
		r->p++;
		return 0;
	}
	size_t cap = 0;
	for (;;) {
		if (v->n == cap) {
			cap = cap ? 2 * cap : 8;
			struct jval *it = realloc(v->items, cap * sizeof *it);
			if (!it)
				return jfail(r, "out of memory");
			v->items = it;
			if (obj) {
				char **k = realloc(v->keys, cap * sizeof *k);
				if (!k)
					return jfail(r, "out of memory");
				v->keys = k;
			}
		}
		memset(&v->items[v->n], 0, sizeof v->items[v->n]);
		if (obj) {
			jskip(r);
			char *k = jstring(r);
			if (!k)
				return -1;
			for (size_t i = 0; i < v->n; i++)
				if (strcmp(v->keys[i], k) == 0) {
					free(k);
					return jfail(r, "duplicate key");
				}
			v->keys[v->n] = k;
			jskip(r);
			if (r->p >= r->end || *r->p != ':') {
				v->n++;
				return jfail(r, "expected ':'");
			}
			r->p++;
		}
		v->n++;
		if (jvalue(r, &v->items[v->n - 1], depth + 1))
			return -1;
		jskip(r);
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			continue;
		}
		if (r->p < r->end && *r->p == close) {
			r->p++;
			return 0;
		}
		return jfail(r, obj ? "expected ',' or '}'"
		                    : "expected ',' or ']'");
	}
}

static TEST_UNUSED int jvalue(struct jreader *r, struct jval *v, int depth)
{
	memset(v, 0, sizeof *v);
	if (depth > 64)
		return jfail(r, "too deep");
	jskip(r);
	if (r->p >= r->end)
		return jfail(r, "unexpected end");
	size_t left = (size_t)(r->end - r->p);
	switch (*r->p) {
	case '{': return jcontainer(r, v, depth, 1);
	case '[': return jcontainer(r, v, depth, 0);
	case '"':
		v->t = J_STR;
		v->str = jstring(r);
		return v->str ? 0 : -1;
	case 'n':
		if (left >= 4 && !memcmp(r->p, "null", 4)) {
			r->p += 4;
			v->t = J_NULL;
			return 0;
		}
		return jfail(r, "bad literal");
	case 't':
		if (left >= 4 && !memcmp(r->p, "true", 4)) {
			r->p += 4;
			v->t = J_TRUE;
			return 0;
		}
		return jfail(r, "bad literal");
	case 'f':
		if (left >= 5 && !memcmp(r->p, "false", 5)) {
			r->p += 5;
			v->t = J_FALSE;
			return 0;
		}
		return jfail(r, "bad literal");
	default: v->t = J_NUM; return jnumber(r, &v->num);
	}
}

/* Parses exactly one JSON text in s[0..len); fails the test otherwise. */
static TEST_UNUSED struct jval jparse(const char *s, size_t len)
{
	struct jreader r = {s, s + len, NULL};
	struct jval v;
	int bad = jvalue(&r, &v, 0);
	if (!bad) {
		jskip(&r);
		if (r.p != r.end)
			bad = jfail(&r, "text after the value");
	}
	if (bad) {
		size_t at = (size_t)(r.p - s);
		print_error("invalid JSON at byte %zu (%s): ...%.60s\n", at,
		            r.why ? r.why : "?", r.p);
		jfree(&v);
		fail();
	}
	return v;
}

static TEST_UNUSED const struct jval *jget(const struct jval *o,
                                           const char *key)
{
	if (!o || o->t != J_OBJ)
		return NULL;
	for (size_t i = 0; i < o->n; i++)
		if (strcmp(o->keys[i], key) == 0)
			return &o->items[i];
	return NULL;
}

/* The member, which must exist and have the type. */
static TEST_UNUSED const struct jval *jmust(const struct jval *o,
                                            const char *key, enum jtype t)
{
	const struct jval *v = jget(o, key);
	if (!v)
		fail_msg("JSON: no member \"%s\"", key);
	if (v->t != t && !(t == J_TRUE && v->t == J_FALSE))
		fail_msg("JSON: member \"%s\" has type %d, expected %d", key,
		         (int)v->t, (int)t);
	return v;
}

#endif
