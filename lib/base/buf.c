/*
 * lib/base/buf.c - growable byte buffers with a hard maximum.
 *
 * Growth is geometric up to the buffer's `max`; numbers are appended by
 * locale-proof formatters (a decimal mark chosen by the caller).
 */
#include <float.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"

/* ---- buffers --------------------------------------------------------- */

void dti_buf_init(struct dti_buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
	b->status = DTI_OK;
}

void dti_buf_release(struct dti_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->status = DTI_OK;
}

void dti_buf_reset(struct dti_buf *b)
{
	b->len = 0;
	b->status = DTI_OK;
	if (b->data)
		b->data[0] = '\0';
}

enum dti_status dti_buf_status(const struct dti_buf *b)
{
	return b->status;
}

enum dti_status dti_buf_final(struct dti_buf *b, enum dti_status st,
                              struct dti_error *err)
{
	/* a writer's own failure comes first, unless it is the buffer's */
	if (b->status == DTI_OK || (st != DTI_OK && st != b->status))
		return st;
	if (b->status == DTI_ENOMEM)
		return dti_err_replace(err, DTI_ENOMEM, NULL, 0, 0, NULL,
		                       "out of memory");
	if (b->status == DTI_ELIMIT)
		return dti_err_replace(err, DTI_ELIMIT, NULL, 0, 0, NULL,
		                       "the output is larger than its limit of "
		                       "%zu bytes",
		                       b->max ? b->max : DTI_BUF_DEFAULT_MAX);
	return dti_err_replace(err, b->status, NULL, 0, 0, NULL,
	                       "the output could not be written whole: %s",
	                       dti_strerror(b->status));
}

/* Makes room for extra bytes and the NUL; a failure sticks. */
static enum dti_status buf_reserve(struct dti_buf *b, size_t extra)
{
	if (b->status != DTI_OK)
		return b->status;
	size_t max = b->max ? b->max : DTI_BUF_DEFAULT_MAX;
	if (extra > max || b->len > max - extra)
		return b->status = DTI_ELIMIT;
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
		return b->status = DTI_ENOMEM;
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
		return b->status = DTI_EINTERNAL;
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

/*
 * The fewest digits (1 to 17) that read back exactly, without an exponent
 * for magnitudes people read as plain numbers (1e-4 to 1e15).  The
 * precisions that qualify form a range up to 17 (more digits of a correct
 * rounding still read back, and a longer %g drops its exponent sooner),
 * so a binary search finds the smallest in 4 or 5 tries instead of up to
 * 17; integral values below 10^15 are their digits.
 */
enum dti_status dti_buf_add_shortest(struct dti_buf *b, double v)
{
	if (isnan(v) || isinf(v))
		return dti_buf_adds(b, isnan(v) ? "nan"
		                       : v > 0  ? "inf"
		                                : "-inf");
	double mag = fabs(v);
	char tmp[40];
	if (mag < 1e15 && v == (double)(int64_t)v && !(v == 0 && signbit(v))) {
		dti_snprintf(tmp, sizeof tmp, "%lld", (long long)v);
		return dti_buf_adds(b, tmp);
	}
	/*
	 * The shortest decimal that reads back as v.  If a string of p <= 15
	 * significant digits reads back as v, then v rounded to 15 digits is
	 * that string followed by zeros, which %g drops: %.15g is already the
	 * shortest when it reads back.  Otherwise 16 digits may do, and 17
	 * always do.  Inside [1e-4, 1e15) %.15g and longer never use an
	 * exponent.
	 */
	int prec = 15;
	if (mag < DBL_MIN) {
		/* subnormal: fewer digits of precision, so search them all */
		int lo = 1, hi = 17;
		while (lo < hi) {
			int p = lo + (hi - lo) / 2;
			dti_snprintf(tmp, sizeof tmp, "%.*g", p, v);
			double back;
			if (dti_parse_double(tmp, &back) == 0 && back == v)
				hi = p;
			else
				lo = p + 1;
		}
		prec = lo;
	}
	for (; prec < 17; prec++) {
		dti_snprintf(tmp, sizeof tmp, "%.*g", prec, v);
		double back;
		if (dti_parse_double(tmp, &back) == 0 && back == v)
			return dti_buf_adds(b, tmp);
	}
	dti_snprintf(tmp, sizeof tmp, "%.17g", v);
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
