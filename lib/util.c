/*
 * lib/util.c - errors, buffers, arenas, strings, maps, files, SHA-256.
 *
 * The small pieces every module leans on.  Nothing here knows about indices.
 * Buffers grow geometrically with a hard maximum; arenas hand out zeroed,
 * aligned memory released in one call; the map is an open-addressing table
 * of borrowed string keys.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* ---- errors ---------------------------------------------------------- */

void dti_error_init(struct dti_error *err)
{
	if (!err)
		return;
	memset(err, 0, sizeof *err);
	err->code = DTI_OK;
}

void dti_error_release(struct dti_error *err)
{
	if (!err)
		return;
	free(err->more);
	dti_error_init(err);
}

const char *dti_strerror(enum dti_status status)
{
	switch (status) {
	case DTI_OK: return "success";
	case DTI_ENOMEM: return "out of memory";
	case DTI_EINTERNAL: return "internal error";
	case DTI_EARG: return "bad argument";
	case DTI_EIO: return "input/output error";
	case DTI_EENCODING: return "text is not UTF-8";
	case DTI_ESYNTAX: return "syntax error";
	case DTI_EINVALID: return "invalid input";
	case DTI_ENOTFOUND: return "not found";
	case DTI_EAMBIGUOUS: return "ambiguous name";
	case DTI_EUNKNOWN: return "value cannot be known";
	case DTI_ELIMIT: return "size limit exceeded";
	case DTI_ESTATE: return "not allowed in this state";
	case DTI_EPERM: return "permission denied";
	case DTI_ECONFLICT: return "conflict with a newer version";
	case DTI_EEXIST: return "already exists";
	}
	return "unknown status";
}

static void copy_str(char *dst, size_t cap, const char *src)
{
	if (!src) {
		dst[0] = '\0';
		return;
	}
	size_t n = strlen(src);
	if (n >= cap) {
		n = cap - 1;
		/* do not cut a UTF-8 sequence in half */
		while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static void vfill(char *file, char *field, char *message, const char *f,
                  const char *fld, const char *fmt, va_list ap)
    __attribute__((format(printf, 6, 0)));

static void vfill(char *file, char *field, char *message, const char *f,
                  const char *fld, const char *fmt, va_list ap)
{
	copy_str(file, DTI_ERROR_FILE_MAX, f);
	copy_str(field, DTI_ERROR_FIELD_MAX, fld);
	char tmp[DTI_ERROR_MSG_MAX * 2];
	dti_vsnprintf(tmp, sizeof tmp, fmt, ap);
	copy_str(message, DTI_ERROR_MSG_MAX, tmp);
}

void dti_err_vadd(struct dti_error *err, enum dti_status code, const char *file,
                  unsigned long line, unsigned long column, const char *field,
                  const char *fmt, va_list ap)
{
	if (!err)
		return;
	if (err->code == DTI_OK) {
		err->code = code;
		err->line = line;
		err->column = column;
		vfill(err->file, err->field, err->message, file, field, fmt,
		      ap);
		return;
	}
	if (err->nmore >= DTI_ERROR_MORE_MAX) {
		err->nmore_dropped++;
		return;
	}
	if (!err->more) {
		err->more = calloc(DTI_ERROR_MORE_MAX, sizeof *err->more);
		if (!err->more) {
			err->nmore_dropped++;
			return;
		}
	}
	struct dti_diag *d = &err->more[err->nmore++];
	d->code = code;
	d->line = line;
	d->column = column;
	vfill(d->file, d->field, d->message, file, field, fmt, ap);
}

void dti_err_add(struct dti_error *err, enum dti_status code, const char *file,
                 unsigned long line, unsigned long column, const char *field,
                 const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	dti_err_vadd(err, code, file, line, column, field, fmt, ap);
	va_end(ap);
}

enum dti_status dti_err_set(struct dti_error *err, enum dti_status code,
                            const char *file, unsigned long line,
                            unsigned long column, const char *field,
                            const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	dti_err_vadd(err, code, file, line, column, field, fmt, ap);
	va_end(ap);
	return code;
}

enum dti_status dti_err_nomem(struct dti_error *err)
{
	return dti_err_set(err, DTI_ENOMEM, NULL, 0, 0, NULL, "out of memory");
}

void dti_diag_set(struct dti_diag *d, enum dti_status code, const char *file,
                  unsigned long line, unsigned long column, const char *field,
                  const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	d->code = code;
	d->line = line;
	d->column = column;
	vfill(d->file, d->field, d->message, file, field, fmt, ap);
	va_end(ap);
}

static void format_parts(const char *file, unsigned long line,
                         unsigned long column, const char *field,
                         const char *message, char *out, size_t outsz)
{
	size_t n = 0;
	int w;
	out[0] = '\0';
#define ADDF(...)                                                              \
	do {                                                                   \
		w = dti_snprintf(out + n, n < outsz ? outsz - n : 0,           \
		                 __VA_ARGS__);                                 \
		if (w > 0)                                                     \
			n += (size_t)w;                                        \
	} while (0)
	if (file && *file)
		ADDF("%s:", file);
	if (line)
		ADDF("%lu:", line);
	if (line && column)
		ADDF("%lu:", column);
	if (n)
		ADDF(" ");
	if (field && *field)
		ADDF("%s: ", field);
	ADDF("%s", message);
#undef ADDF
}

void dti_error_format(const struct dti_error *err, char *out, size_t outsz)
{
	if (!outsz)
		return;
	if (!err) {
		out[0] = '\0';
		return;
	}
	format_parts(err->file, err->line, err->column, err->field,
	             err->message[0] ? err->message : dti_strerror(err->code),
	             out, outsz);
}

void dti_diag_format(const struct dti_diag *d, char *out, size_t outsz)
{
	if (!outsz)
		return;
	format_parts(d->file, d->line, d->column, d->field,
	             d->message[0] ? d->message : dti_strerror(d->code), out,
	             outsz);
}

/* ---- growth ---------------------------------------------------------- */

int dti_grow(void **p, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return 0;
	size_t ncap = *cap ? *cap : 8;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2)
			return -1;
		ncap *= 2;
	}
	if (ncap > SIZE_MAX / elem)
		return -1;
	void *q = realloc(*p, ncap * elem);
	if (!q)
		return -1;
	*p = q;
	*cap = ncap;
	return 0;
}

/* ---- buffers --------------------------------------------------------- */

void dti_buf_init(struct dti_buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

void dti_buf_release(struct dti_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

void dti_buf_reset(struct dti_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

static enum dti_status buf_reserve(struct dti_buf *b, size_t extra)
{
	size_t max = b->max ? b->max : DTI_BUF_DEFAULT_MAX;
	if (extra > max || b->len > max - extra)
		return DTI_ELIMIT;
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return DTI_OK;
	size_t ncap = b->cap ? b->cap : 256;
	while (ncap < need)
		ncap = ncap > SIZE_MAX / 2 ? need : ncap * 2;
	if (ncap > max + 1)
		ncap = max + 1;
	char *q = realloc(b->data, ncap);
	if (!q)
		return DTI_ENOMEM;
	b->data = q;
	b->cap = ncap;
	return DTI_OK;
}

enum dti_status dti_buf_add(struct dti_buf *b, const void *p, size_t n)
{
	enum dti_status st = buf_reserve(b, n);
	if (st)
		return st;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return DTI_OK;
}

enum dti_status dti_buf_adds(struct dti_buf *b, const char *s)
{
	return dti_buf_add(b, s, strlen(s));
}

enum dti_status dti_buf_addc(struct dti_buf *b, char c)
{
	return dti_buf_add(b, &c, 1);
}

enum dti_status dti_buf_vaddf(struct dti_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	char small[256];
	int n = dti_vsnprintf(small, sizeof small, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return DTI_EINTERNAL;
	if ((size_t)n < sizeof small)
		return dti_buf_add(b, small, (size_t)n);
	enum dti_status st = buf_reserve(b, (size_t)n);
	if (st)
		return st;
	dti_vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return DTI_OK;
}

enum dti_status dti_buf_addf(struct dti_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	enum dti_status st = dti_buf_vaddf(b, fmt, ap);
	va_end(ap);
	return st;
}

double dti_pow10(int digits)
{
	static const double p[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,
	                           1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
	                           1e12, 1e13, 1e14, 1e15, 1e16, 1e17};
	if (digits < 0)
		digits = 0;
	if (digits > 17)
		digits = 17;
	return p[digits];
}

long long dti_round_scaled(double v, int digits)
{
	double s = v * dti_pow10(digits);
	/*
	 * v * 10^d is inexact: 0.80025 may come out as 8002.4999999.  Published
	 * values are rounded from decimal figures, so a product within a few
	 * ulps of a half is treated as the half it stands for.
	 */
	if (fabs(s) >= 4503599627370496.0) /* 2^52: already a whole number */
		return (long long)s;
	double fl = floor(s);
	double frac = s - fl;
	double eps = fabs(s) * 4 * 2.220446049250313e-16;
	long long r;
	/* near 2^52 the tolerance would swallow every fraction: no fix-up */
	if (eps < 0.125 && fabs(frac - 0.5) <= eps)
		r = (long long)(s >= 0 ? fl + 1 : fl);
	else
		r = (long long)llround(s);
	return r;
}

enum dti_status dti_buf_add_decimal(struct dti_buf *b, double v, int digits,
                                    char mark, const char *nan_text)
{
	if (isnan(v))
		return dti_buf_adds(b, nan_text ? nan_text : "");
	if (isinf(v))
		return dti_buf_adds(b, v > 0 ? "inf" : "-inf");
	if (digits < 0)
		digits = 0;
	if (digits > 17)
		digits = 17;
	if (fabs(v) * dti_pow10(digits) >= 9e18) {
		/* too big for the integer path: the double's own digits */
		char big[400];
		dti_snprintf(big, sizeof big, "%.*f", digits, v);
		char *dot = strchr(big, '.');
		if (dot)
			*dot = mark;
		return dti_buf_adds(b, big);
	}
	long long r = dti_round_scaled(v, digits);
	char tmp[48];
	int neg = r < 0;
	unsigned long long u =
	    neg ? (unsigned long long)(-(r + 1)) + 1 : (unsigned long long)r;
	char digs[32];
	int nd = 0;
	do {
		digs[nd++] = (char)('0' + (int)(u % 10));
		u /= 10;
	} while (u);
	while (nd <= digits)
		digs[nd++] = '0';
	size_t k = 0;
	if (neg)
		tmp[k++] = '-';
	for (int i = nd - 1; i >= 0; i--) {
		tmp[k++] = digs[i];
		if (i == digits && digits > 0)
			tmp[k++] = mark;
	}
	return dti_buf_add(b, tmp, k);
}

/* ---- arena ----------------------------------------------------------- */

struct dti_arena_block {
	struct dti_arena_block *next;
	size_t used;
	size_t size;
	_Alignas(16) unsigned char data[];
};

void *dti_arena_alloc(struct dti_arena *a, size_t n)
{
	n = (n + 15) & ~(size_t)15;
	if (!n)
		n = 16;
	struct dti_arena_block *b = a->head;
	if (!b || b->size - b->used < n) {
		size_t size = n > 16384 ? n : 16384;
		b = malloc(sizeof *b + size);
		if (!b)
			return NULL;
		b->size = size;
		b->used = 0;
		if (a->head && n > 16384) {
			/* keep filling the current block for small requests */
			b->next = a->head->next;
			a->head->next = b;
		} else {
			b->next = a->head;
			a->head = b;
		}
		a->total += size;
	}
	void *p = b->data + b->used;
	b->used += n;
	memset(p, 0, n);
	return p;
}

char *dti_arena_strndup(struct dti_arena *a, const char *s, size_t n)
{
	char *p = dti_arena_alloc(a, n + 1);
	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *dti_arena_strdup(struct dti_arena *a, const char *s)
{
	return dti_arena_strndup(a, s ? s : "", s ? strlen(s) : 0);
}

void dti_arena_release(struct dti_arena *a)
{
	struct dti_arena_block *b = a->head;
	while (b) {
		struct dti_arena_block *n = b->next;
		free(b);
		b = n;
	}
	a->head = NULL;
	a->total = 0;
}

/* ---- strings --------------------------------------------------------- */

int dti_streq_ci(const char *a, const char *b)
{
	for (;; a++, b++) {
		int ca = (unsigned char)*a, cb = (unsigned char)*b;
		if (ca >= 'A' && ca <= 'Z')
			ca += 32;
		if (cb >= 'A' && cb <= 'Z')
			cb += 32;
		if (ca != cb)
			return 0;
		if (!ca)
			return 1;
	}
}

char *dti_trim(char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' ||
	             s[n - 1] == '\n'))
		s[--n] = '\0';
	return s;
}

int dti_key_is(const char *s, const char *key)
{
	char k[256];
	dti_text_fold(s, k, sizeof k);
	return strcmp(k, key) == 0;
}

enum dti_status dti_read_file(const char *path, size_t cap, char **buf,
                              size_t *len, struct dti_error *err)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	const char *shown = strcmp(path, "-") == 0 ? "<stdin>" : path;
	if (!f)
		return dti_err_set(err, DTI_EIO, shown, 0, 0, NULL,
		                   "cannot open: %s", strerror(errno));
	size_t n = 0, c = 0;
	char *p = NULL;
	for (;;) {
		if (DTI_GROW(p, c, n + 65536 + 1)) {
			free(p);
			if (f != stdin)
				fclose(f);
			return dti_err_nomem(err);
		}
		size_t r = fread(p + n, 1, c - n - 1, f);
		n += r;
		if (n > cap) {
			free(p);
			if (f != stdin)
				fclose(f);
			return dti_err_set(err, DTI_ELIMIT, shown, 0, 0, NULL,
			                   "file larger than %zu MiB",
			                   cap >> 20);
		}
		if (r == 0)
			break;
	}
	int bad = ferror(f);
	int e = errno;
	if (f != stdin)
		fclose(f);
	if (bad) {
		free(p);
		return dti_err_set(err, DTI_EIO, shown, 0, 0, NULL,
		                   "read error: %s", strerror(e));
	}
	p[n] = '\0';
	*buf = p;
	*len = n;
	return DTI_OK;
}

/* ---- map ------------------------------------------------------------- */

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

static int map_rehash(struct dti_map *m, size_t ncap)
{
	const char **keys = calloc(ncap, sizeof *keys);
	size_t *vals = calloc(ncap, sizeof *vals);
	if (!keys || !vals) {
		free(keys);
		free(vals);
		return -1;
	}
	for (size_t i = 0; i < m->cap; i++) {
		if (!m->keys[i])
			continue;
		size_t j = (size_t)fnv1a(m->keys[i]) & (ncap - 1);
		while (keys[j])
			j = (j + 1) & (ncap - 1);
		keys[j] = m->keys[i];
		vals[j] = m->vals[i];
	}
	free(m->keys);
	free(m->vals);
	m->keys = keys;
	m->vals = vals;
	m->cap = ncap;
	return 0;
}

int dti_map_put(struct dti_map *m, const char *key, size_t val)
{
	if ((m->count + 1) * 4 >= m->cap * 3) {
		if (map_rehash(m, m->cap ? m->cap * 2 : 64))
			return -1;
	}
	size_t j = (size_t)fnv1a(key) & (m->cap - 1);
	while (m->keys[j]) {
		if (strcmp(m->keys[j], key) == 0) {
			m->vals[j] = val;
			return 0;
		}
		j = (j + 1) & (m->cap - 1);
	}
	m->keys[j] = key;
	m->vals[j] = val;
	m->count++;
	return 0;
}

int dti_map_get(const struct dti_map *m, const char *key, size_t *val)
{
	if (!m->cap)
		return 0;
	size_t j = (size_t)fnv1a(key) & (m->cap - 1);
	while (m->keys[j]) {
		if (strcmp(m->keys[j], key) == 0) {
			if (val)
				*val = m->vals[j];
			return 1;
		}
		j = (j + 1) & (m->cap - 1);
	}
	return 0;
}

void dti_map_release(struct dti_map *m)
{
	free(m->keys);
	free(m->vals);
	m->keys = NULL;
	m->vals = NULL;
	m->cap = 0;
	m->count = 0;
}

/* ---- SHA-256 (FIPS 180-4) -------------------------------------------- */

static const uint32_t sha_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
    0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
    0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
    0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
    0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
    0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
    0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
    0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha_block(struct dti_sha256 *s, const unsigned char *p)
{
	uint32_t w[64];
	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
	for (int i = 16; i < 64; i++) {
		uint32_t s0 =
		    ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 =
		    ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	uint32_t a = s->h[0], b = s->h[1], c = s->h[2], d = s->h[3];
	uint32_t e = s->h[4], f = s->h[5], g = s->h[6], h = s->h[7];
	for (int i = 0; i < 64; i++) {
		uint32_t S1 = ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25);
		uint32_t ch = (e & f) ^ (~e & g);
		uint32_t t1 = h + S1 + ch + sha_k[i] + w[i];
		uint32_t S0 = ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22);
		uint32_t mj = (a & b) ^ (a & c) ^ (b & c);
		uint32_t t2 = S0 + mj;
		h = g;
		g = f;
		f = e;
		e = d + t1;
		d = c;
		c = b;
		b = a;
		a = t1 + t2;
	}
	s->h[0] += a;
	s->h[1] += b;
	s->h[2] += c;
	s->h[3] += d;
	s->h[4] += e;
	s->h[5] += f;
	s->h[6] += g;
	s->h[7] += h;
}

void dti_sha256_init(struct dti_sha256 *s)
{
	static const uint32_t h0[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372,
	                               0xa54ff53a, 0x510e527f, 0x9b05688c,
	                               0x1f83d9ab, 0x5be0cd19};
	memcpy(s->h, h0, sizeof h0);
	s->nbytes = 0;
	s->blen = 0;
}

void dti_sha256_update(struct dti_sha256 *s, const void *data, size_t n)
{
	const unsigned char *p = data;
	s->nbytes += n;
	while (n) {
		size_t take = 64 - s->blen;
		if (take > n)
			take = n;
		memcpy(s->block + s->blen, p, take);
		s->blen += take;
		p += take;
		n -= take;
		if (s->blen == 64) {
			sha_block(s, s->block);
			s->blen = 0;
		}
	}
}

void dti_sha256_final(struct dti_sha256 *s, char hex[65])
{
	uint64_t bits = s->nbytes * 8;
	unsigned char pad = 0x80;
	uint64_t keep = s->nbytes;
	dti_sha256_update(s, &pad, 1);
	unsigned char zero = 0;
	while (s->blen != 56)
		dti_sha256_update(s, &zero, 1);
	unsigned char len[8];
	for (int i = 0; i < 8; i++)
		len[i] = (unsigned char)(bits >> (56 - 8 * i));
	dti_sha256_update(s, len, 8);
	s->nbytes = keep;
	static const char hx[] = "0123456789abcdef";
	for (int i = 0; i < 8; i++)
		for (int j = 0; j < 4; j++) {
			unsigned v = (s->h[i] >> (24 - 8 * j)) & 0xff;
			hex[8 * i + 2 * j] = hx[v >> 4];
			hex[8 * i + 2 * j + 1] = hx[v & 15];
		}
	hex[64] = '\0';
}

enum dti_status dti_buf_add_shortest(struct dti_buf *b, double v)
{
	if (isnan(v) || isinf(v))
		return dti_buf_adds(b, isnan(v) ? "nan"
		                       : v > 0  ? "inf"
		                                : "-inf");
	char tmp[40];
	double mag = fabs(v);
	for (int prec = 1; prec <= 17; prec++) {
		dti_snprintf(tmp, sizeof tmp, "%.*g", prec, v);
		/* 1000 is "1e+03" at one digit: people read plain numbers */
		if (strchr(tmp, 'e') && mag >= 1e-4 && mag < 1e15 && prec < 17)
			continue;
		double back;
		if (dti_parse_double(tmp, &back) == 0 && back == v)
			break;
	}
	return dti_buf_adds(b, tmp);
}

enum dti_status dti_buf_add_trimmed(struct dti_buf *b, double v, int digits)
{
	size_t start = b->len;
	enum dti_status st = dti_buf_add_decimal(b, v, digits, '.', "");
	if (st || !memchr(b->data + start, '.', b->len - start))
		return st;
	while (b->len > start && b->data[b->len - 1] == '0')
		b->len--;
	if (b->len > start && b->data[b->len - 1] == '.')
		b->len--;
	b->data[b->len] = '\0';
	return DTI_OK;
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

enum dti_status dti_json_str(struct dti_buf *b, const char *s)
{
	enum dti_status st = dti_buf_addc(b, '"');
	for (const unsigned char *p = (const unsigned char *)(s ? s : "");
	     *p && !st; p++) {
		switch (*p) {
		case '"': st = dti_buf_adds(b, "\\\""); break;
		case '\\': st = dti_buf_adds(b, "\\\\"); break;
		case '\n': st = dti_buf_adds(b, "\\n"); break;
		case '\r': st = dti_buf_adds(b, "\\r"); break;
		case '\t': st = dti_buf_adds(b, "\\t"); break;
		default:
			if (*p < 0x20)
				st = dti_buf_addf(b, "\\u%04x", *p);
			else
				st = dti_buf_addc(b, (char)*p);
		}
	}
	return st ? st : dti_buf_addc(b, '"');
}

enum dti_status dti_err_replace(struct dti_error *err, enum dti_status code,
                                const char *file, unsigned long line,
                                unsigned long column, const char *field,
                                const char *fmt, ...)
{
	if (err)
		dti_error_release(err);
	va_list ap;
	va_start(ap, fmt);
	dti_err_vadd(err, code, file, line, column, field, fmt, ap);
	va_end(ap);
	return code;
}
