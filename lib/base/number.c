/*
 * lib/number.c - numbers as people type them, never as the locale says.
 *
 * Data files come from spreadsheets in Vietnamese and English settings: a
 * decimal comma ("0,6735"), thousands grouping ("1.120" or "1,120"), a
 * percent sign.  The rules:
 *   - with a declared mark, the other character may only group thousands;
 *   - without one, '.' is the decimal mark; a lone ',' is a decimal mark
 *     only when it cannot be grouping (not followed by exactly three digits,
 *     or after a leading 0), so "61,43" and "0,750" are read and "1,120" is
 *     refused as ambiguous;
 *   - when both appear, the last one is the decimal mark.
 * Conversion goes through strtod in the "C" locale of this thread only
 * (uselocale), so an application's setlocale() cannot change a figure.
 */
#include <errno.h>
#include <float.h>
#include <locale.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"

static locale_t c_locale;
static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;

static void make_c_locale(void)
{
	c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
}

int dti_vsnprintf(char *out, size_t n, const char *fmt, va_list ap)
{
	pthread_once(&c_locale_once, make_c_locale);
	locale_t old = (locale_t)0;
	if (c_locale)
		old = uselocale(c_locale);
	int r = vsnprintf(out, n, fmt, ap);
	if (c_locale)
		uselocale(old);
	return r;
}

int dti_snprintf(char *out, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = dti_vsnprintf(out, n, fmt, ap);
	va_end(ap);
	return r;
}

/* strtod under the C locale; the whole string must be consumed. */
static int c_strtod(const char *s, double *out)
{
	if (dti_fast_decimal(s, strlen(s), out) == 0)
		return 0;
	pthread_once(&c_locale_once, make_c_locale);
	locale_t old = (locale_t)0;
	if (c_locale)
		old = uselocale(c_locale);
	char *end;
	double v = strtod(s, &end);
	if (c_locale)
		uselocale(old);
	if (end == s || *end != '\0')
		return -1;
	if (!isfinite(v))
		return -1;
	*out = v;
	return 0;
}

int dti_parse_double(const char *s, double *out)
{
	if (!s || !*s)
		return -1;
	/* strict: no spaces, no hex, no inf/nan */
	for (const char *p = s; *p; p++) {
		char c = *p;
		if (!((c >= '0' && c <= '9') || c == '.' || c == '-' ||
		      c == '+' || c == 'e' || c == 'E'))
			return -1;
	}
	return c_strtod(s, out);
}

int dti_parse_long(const char *s, long *out)
{
	if (!s || !*s)
		return -1;
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (*end != '\0' || errno == ERANGE)
		return -1;
	*out = v;
	return 0;
}

/* Days in a month of the proleptic Gregorian calendar. */
static int month_days(int y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30,
	                           31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : days[m - 1];
}

static int digits_at(const char *s, int from, int n)
{
	int v = 0;
	for (int i = from; i < from + n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/*
 * The one date check of the library (and, through dti_date_valid, of the
 * command line): a day that exists, so 2023-02-29, 2023-04-31 and
 * 2023-13-01 are refused wherever a date is read.
 */
int dti_is_date(const char *s)
{
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	int y = digits_at(s, 0, 4), m = digits_at(s, 5, 2),
	    d = digits_at(s, 8, 2);
	if (y < 0 || m < 1 || m > 12 || d < 1)
		return 0;
	return d <= month_days(y, m);
}

int dti_is_timestamp(const char *s)
{
	if (!s || strlen(s) != 20 || s[10] != 'T' || s[13] != ':' ||
	    s[16] != ':' || s[19] != 'Z')
		return 0;
	char day[11];
	memcpy(day, s, 10);
	day[10] = '\0';
	int h = digits_at(s, 11, 2), mi = digits_at(s, 14, 2),
	    sec = digits_at(s, 17, 2);
	return dti_is_date(day) && h >= 0 && h <= 23 && mi >= 0 && mi <= 59 &&
	       sec >= 0 && sec <= 59;
}

int dti_date_valid(const char *s)
{
	return dti_is_date(s);
}

int dti_timestamp_valid(const char *s)
{
	return dti_is_timestamp(s);
}

/* Digit groups of a grouped integer part: 1-3 digits, then groups of 3. */
static int valid_grouping(const char *digits, size_t n, char g)
{
	size_t first = 0;
	while (first < n && digits[first] != g)
		first++;
	if (first == 0 || first > 3)
		return 0;
	size_t i = first;
	while (i < n) {
		if (digits[i] != g)
			return 0;
		i++;
		size_t k = 0;
		while (i < n && digits[i] >= '0' && digits[i] <= '9') {
			i++;
			k++;
		}
		if (k != 3)
			return 0;
	}
	return 1;
}

static enum dti_status parse_number(const char *s, char mark, double *out,
                                    int *percent, const char **why);

enum dti_status dti_parse_number(const char *s, char mark, double *out,
                                 int *percent, const char **why)
{
	if (mark != ';')
		return parse_number(s, mark, out, percent, why);
	/* a file separated by ';': a lone comma is its decimal mark */
	enum dti_status st = parse_number(s, 0, out, percent, why);
	if (st == DTI_EAMBIGUOUS)
		st = parse_number(s, ',', out, percent, why);
	return st;
}

static enum dti_status parse_number(const char *s, char mark, double *out,
                                    int *percent, const char **why)
{
	const char *dummy;
	if (!why)
		why = &dummy;
	*why = "";
	if (percent)
		*percent = 0;
	/* the common case first: "-123.45", "7", with '.' as the decimal
	 * mark (declared or not) or without a mark */
	if (mark != ',' && dti_fast_decimal(s, strlen(s), out) == 0)
		return DTI_OK;
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	/* no-break spaces around the value (U+00A0) */
	while (n >= 2 && (unsigned char)s[0] == 0xC2 &&
	       (unsigned char)s[1] == 0xA0) {
		s += 2;
		n -= 2;
	}
	while (n >= 2 && (unsigned char)s[n - 2] == 0xC2 &&
	       (unsigned char)s[n - 1] == 0xA0)
		n -= 2;
	if (n && s[n - 1] == '%') {
		if (percent)
			*percent = 1;
		n--;
		while (n && s[n - 1] == ' ')
			n--;
	}
	if (n == 0) {
		*why = "empty";
		return DTI_ESYNTAX;
	}
	if (n > 400) {
		*why = "too long for a number";
		return DTI_ESYNTAX;
	}
	char tmp[420];
	size_t k = 0;
	size_t i = 0;
	if (s[i] == '+' || s[i] == '-') {
		if (s[i] == '-')
			tmp[k++] = '-';
		i++;
	}
	/* mantissa: digits and marks; then optional exponent */
	size_t mstart = i;
	while (i < n &&
	       ((s[i] >= '0' && s[i] <= '9') || s[i] == '.' || s[i] == ','))
		i++;
	size_t mend = i;
	size_t estart = i;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		size_t d0 = i;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == d0) {
			*why = "bad exponent";
			return DTI_ESYNTAX;
		}
	}
	if (i != n || mend == mstart) {
		*why = "not a number";
		return DTI_ESYNTAX;
	}
	const char *m = s + mstart;
	size_t mn = mend - mstart;
	size_t ndot = 0, ncomma = 0, lastdot = 0, lastcomma = 0, ndig = 0;
	for (size_t j = 0; j < mn; j++) {
		if (m[j] == '.') {
			ndot++;
			lastdot = j;
		} else if (m[j] == ',') {
			ncomma++;
			lastcomma = j;
		} else {
			ndig++;
		}
	}
	if (ndig == 0) {
		*why = "not a number";
		return DTI_ESYNTAX;
	}
	char dec = 0; /* decimal mark used */
	char grp = 0; /* grouping mark used */
	size_t decpos = 0;
	if (ndot == 0 && ncomma == 0) {
		/* plain integer */
	} else if (ndot && ncomma) {
		dec = lastdot > lastcomma ? '.' : ',';
		grp = dec == '.' ? ',' : '.';
		decpos = dec == '.' ? lastdot : lastcomma;
		if ((dec == '.' ? ndot : ncomma) != 1) {
			*why = "more than one decimal mark";
			return DTI_ESYNTAX;
		}
		if (mark && mark != dec) {
			*why = "decimal mark does not match the one declared";
			return DTI_ESYNTAX;
		}
	} else {
		char c = ndot ? '.' : ',';
		size_t cnt = ndot ? ndot : ncomma;
		size_t pos = ndot ? lastdot : lastcomma;
		if (cnt > 1) {
			if (mark == c) {
				*why = "more than one decimal mark";
				return DTI_ESYNTAX;
			}
			grp = c;
		} else if (mark == c) {
			dec = c;
			decpos = pos;
		} else if (mark) {
			grp = c; /* the declared mark is the other one */
		} else if (c == '.') {
			dec = '.';
			decpos = pos;
		} else {
			size_t after = mn - pos - 1;
			int lead0 = pos == 0 || (pos == 1 && m[0] == '0');
			if (after != 3 || lead0) {
				dec = ',';
				decpos = pos;
			} else {
				*why =
				    "ambiguous: ',' could be a decimal mark or "
				    "thousands; declare the decimal mark";
				return DTI_EAMBIGUOUS;
			}
		}
	}
	if (grp) {
		size_t intlen = dec ? decpos : mn;
		if (!valid_grouping(m, intlen, grp)) {
			*why =
			    grp == ','
			        ? "',' is not a decimal mark here and does not "
			          "group thousands"
			        : "'.' is not a decimal mark here and does not "
			          "group thousands";
			return DTI_ESYNTAX;
		}
	}
	if (estart < n && dec == ',') {
		*why = "exponent with a decimal comma";
		return DTI_ESYNTAX;
	}
	for (size_t j = 0; j < mn; j++) {
		if (m[j] == grp)
			continue;
		if (dec && j == decpos) {
			tmp[k++] = '.';
			continue;
		}
		tmp[k++] = m[j];
	}
	if (tmp[k - 1] == '.')
		tmp[k++] = '0';
	for (size_t j = estart; j < n; j++)
		tmp[k++] = s[j];
	tmp[k] = '\0';
	if (c_strtod(tmp, out)) {
		*why = "out of range";
		return DTI_ESYNTAX;
	}
	return DTI_OK;
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
	return dti_round_by(v, dti_pow10(digits));
}
