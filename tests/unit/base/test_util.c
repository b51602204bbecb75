/*
 * tests/unit/base/test_util.c - the small pieces of lib/base: growable
 * buffers with a hard maximum, locale-free decimal formatting and the
 * rounding it rests on, arenas, the string map, located error reports
 * (formatting, the `more` list and its cap) and SHA-256.
 *
 * The SHA-256 expectations are the FIPS 180-2 test vectors; the rounding
 * cases are the published DTI figures that binary floating point gets wrong
 * when multiplied naively (0.80025 x 10^4 = 8002.4999...).
 */
/* cmocka.h needs these first, in this order */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "testutil.h"

/* ---- buffers --------------------------------------------------------- */

static void test_buf_growth(void **state)
{
	(void)state;
	struct dti_buf b = DTI_BUF_INIT;
	assert_int_equal(dti_buf_adds(&b, ""), DTI_OK);
	assert_non_null(b.data);
	assert_string_equal(b.data, "");
	assert_int_equal(b.len, 0);
	/* 10,000 appends of varying sizes: content, length and NUL kept */
	size_t want = 0;
	for (int i = 0; i < 10000; i++) {
		char chunk[8];
		size_t n = (size_t)(i % 7) + 1;
		for (size_t k = 0; k < n; k++)
			chunk[k] = (char)('a' + (i + (int)k) % 26);
		assert_int_equal(dti_buf_add(&b, chunk, n), DTI_OK);
		want += n;
		assert_int_equal(b.len, want);
		assert_true(b.cap > b.len);
		assert_int_equal(b.data[b.len], '\0');
	}
	/* spot-check the bytes of a few appends */
	size_t off = 0;
	for (int i = 0; i < 10000; i++) {
		size_t n = (size_t)(i % 7) + 1;
		for (size_t k = 0; k < n; k++)
			assert_int_equal(b.data[off + k],
			                 (char)('a' + (i + (int)k) % 26));
		off += n;
	}
	assert_int_equal(strlen(b.data), b.len);
	/* reset keeps the memory and empties the text */
	size_t cap = b.cap;
	char *mem = b.data;
	dti_buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, cap);
	assert_ptr_equal(b.data, mem);
	assert_string_equal(b.data, "");
	assert_int_equal(dti_buf_addc(&b, 'z'), DTI_OK);
	assert_string_equal(b.data, "z");
	dti_buf_release(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	/* a released buffer can be used again */
	assert_int_equal(dti_buf_adds(&b, "again"), DTI_OK);
	assert_string_equal(b.data, "again");
	dti_buf_release(&b);
}

static void test_buf_max(void **state)
{
	(void)state;
	struct dti_buf b;
	dti_buf_init(&b, 10);
	assert_int_equal(dti_buf_adds(&b, "hello"), DTI_OK);
	assert_int_equal(dti_buf_status(&b), DTI_OK);
	/* 11 bytes would pass the maximum: refused, nothing changes */
	assert_int_equal(dti_buf_adds(&b, "world!"), DTI_ELIMIT);
	assert_int_equal(b.len, 5);
	assert_string_equal(b.data, "hello");
	/* the failure sticks: what would fit is refused too */
	assert_int_equal(dti_buf_status(&b), DTI_ELIMIT);
	assert_int_equal(dti_buf_adds(&b, "w"), DTI_ELIMIT);
	assert_int_equal(dti_buf_addc(&b, '!'), DTI_ELIMIT);
	assert_int_equal(dti_buf_addf(&b, "%d", 1), DTI_ELIMIT);
	assert_int_equal(dti_buf_add_decimal(&b, 1.5, 1, '.', ""), DTI_ELIMIT);
	assert_int_equal(b.len, 5);
	assert_string_equal(b.data, "hello");
	/* the final check of a writer reports it, with a message */
	struct dti_error err = DTI_ERROR_INIT;
	assert_int_equal(dti_buf_final(&b, DTI_OK, &err), DTI_ELIMIT);
	assert_int_equal(err.code, DTI_ELIMIT);
	assert_non_null(strstr(err.message, "limit of 10 bytes"));
	dti_error_release(&err);
	/* a writer's own failure comes first */
	assert_int_equal(dti_buf_final(&b, DTI_EINVALID, NULL), DTI_EINVALID);
	/* reset clears it */
	dti_buf_reset(&b);
	assert_int_equal(dti_buf_status(&b), DTI_OK);
	assert_int_equal(dti_buf_final(&b, DTI_OK, NULL), DTI_OK);
	/* exactly the maximum is allowed */
	assert_int_equal(dti_buf_adds(&b, "helloworld"), DTI_OK);
	assert_int_equal(b.len, 10);
	assert_string_equal(b.data, "helloworld");
	/* adding nothing at the maximum is fine */
	assert_int_equal(dti_buf_add(&b, "", 0), DTI_OK);
	assert_int_equal(b.len, 10);
	assert_int_equal(dti_buf_add(&b, "x", 1), DTI_ELIMIT);
	assert_string_equal(b.data, "helloworld");
	dti_buf_release(&b);
	assert_int_equal(dti_buf_status(&b), DTI_OK);

	/* the long path of addf (output beyond its stack buffer) */
	dti_buf_init(&b, 600);
	char big[1001];
	memset(big, 'q', 1000);
	big[1000] = '\0';
	assert_int_equal(dti_buf_adds(&b, "ab"), DTI_OK);
	assert_int_equal(dti_buf_addf(&b, "%s", big), DTI_ELIMIT);
	assert_int_equal(b.len, 2);
	assert_string_equal(b.data, "ab");
	dti_buf_reset(&b);
	assert_int_equal(dti_buf_adds(&b, "ab"), DTI_OK);
	assert_int_equal(dti_buf_addf(&b, "%.500s", big), DTI_OK);
	assert_int_equal(b.len, 502);
	assert_int_equal(strlen(b.data), 502);
	assert_int_equal(b.data[501], 'q');
	dti_buf_release(&b);

	/* a length that would overflow size_t is refused, not wrapped */
	dti_buf_init(&b, 0);
	assert_int_equal(dti_buf_adds(&b, "x"), DTI_OK);
	assert_int_equal(dti_buf_add(&b, "y", SIZE_MAX), DTI_ELIMIT);
	assert_string_equal(b.data, "x");
	dti_buf_release(&b);
}

static void test_buf_addf(void **state)
{
	(void)state;
	struct dti_buf b = DTI_BUF_INIT;
	assert_int_equal(dti_buf_addf(&b, "%d-%s-%zu", 42, "dti", (size_t)7),
	                 DTI_OK);
	assert_string_equal(b.data, "42-dti-7");
	assert_int_equal(dti_buf_addf(&b, "|%05d|%-3s|", -12, "a"), DTI_OK);
	assert_string_equal(b.data, "42-dti-7|-0012|a  |");
	assert_int_equal(b.len, strlen("42-dti-7|-0012|a  |"));
	dti_buf_reset(&b);
	/* longer than 256 bytes: the second vsnprintf path */
	char s[700];
	memset(s, 'x', sizeof s - 1);
	s[sizeof s - 1] = '\0';
	assert_int_equal(dti_buf_addf(&b, "<%s>", s), DTI_OK);
	assert_int_equal(b.len, 701);
	assert_int_equal(b.data[0], '<');
	assert_int_equal(b.data[700], '>');
	assert_int_equal(b.data[701], '\0');
	/* UTF-8 passes through untouched */
	dti_buf_reset(&b);
	assert_int_equal(dti_buf_addf(&b, "%s: %s", "Tỉnh", "Đà Nẵng"), DTI_OK);
	assert_string_equal(b.data, "Tỉnh: Đà Nẵng");
	dti_buf_release(&b);
}

/* ---- decimals -------------------------------------------------------- */

static char dec_out[512];

static const char *dec(double v, int digits, char mark, const char *nan_text)
{
	struct dti_buf b = DTI_BUF_INIT;
	enum dti_status st = dti_buf_add_decimal(&b, v, digits, mark, nan_text);
	assert_int_equal(st, DTI_OK);
	snprintf(dec_out, sizeof dec_out, "%s", b.data ? b.data : "");
	dti_buf_release(&b);
	return dec_out;
}

static void test_decimal_rounding(void **state)
{
	(void)state;
	/* halves that binary floating point hides */
	assert_string_equal(dec(0.80025, 4, '.', ""), "0.8003");
	assert_string_equal(dec(0.800175, 4, '.', ""), "0.8002");
	assert_string_equal(dec(0.71635, 4, '.', ""), "0.7164");
	assert_string_equal(dec(1.005, 2, '.', ""), "1.01");
	assert_string_equal(dec(0.125, 2, '.', ""), "0.13");
	/* ordinary values and padding */
	assert_string_equal(dec(0.8002, 4, '.', ""), "0.8002");
	assert_string_equal(dec(0.5, 4, '.', ""), "0.5000");
	assert_string_equal(dec(0.0, 4, '.', ""), "0.0000");
	assert_string_equal(dec(1.0, 4, '.', ""), "1.0000");
	assert_string_equal(dec(0.00005, 4, '.', ""), "0.0001");
	assert_string_equal(dec(0.000049, 4, '.', ""), "0.0000");
	assert_string_equal(dec(12.3456789, 6, '.', ""), "12.345679");
	assert_string_equal(dec(0.5, 17, '.', ""), "0.50000000000000000");
	/* digits beyond 0..17 are clamped */
	assert_string_equal(dec(2.25, -3, '.', ""), "2");
	assert_string_equal(dec(0.25, 40, '.', ""), "0.25000000000000000");
}

static void test_decimal_negative(void **state)
{
	(void)state;
	assert_string_equal(dec(-0.80025, 4, '.', ""), "-0.8003");
	assert_string_equal(dec(-0.800175, 4, '.', ""), "-0.8002");
	assert_string_equal(dec(-1.5, 0, '.', ""), "-2");
	assert_string_equal(dec(-2.5, 1, '.', ""), "-2.5");
	assert_string_equal(dec(-0.05, 2, '.', ""), "-0.05");
	assert_string_equal(dec(-12.0, 2, ',', ""), "-12,00");
	/* a negative value that rounds to zero has no sign */
	assert_string_equal(dec(-0.00001, 4, '.', ""), "0.0000");
	assert_string_equal(dec(-0.0, 2, '.', ""), "0.00");
}

static void test_decimal_zero_digits(void **state)
{
	(void)state;
	assert_string_equal(dec(2.5, 0, '.', ""), "3");
	assert_string_equal(dec(3.5, 0, '.', ""), "4");
	assert_string_equal(dec(0.4, 0, '.', ""), "0");
	assert_string_equal(dec(0.5, 0, '.', ""), "1");
	assert_string_equal(dec(12.0, 0, ',', ""), "12");
	assert_string_equal(dec(999.9, 0, '.', ""), "1000");
	/* no decimal mark at all with 0 digits */
	assert_null(strchr(dec(1234.0, 0, ',', ""), ','));
	assert_null(strchr(dec(1234.0, 0, '.', ""), '.'));
}

static void test_decimal_comma_and_nan(void **state)
{
	(void)state;
	assert_string_equal(dec(0.6735, 4, ',', ""), "0,6735");
	assert_string_equal(dec(61.43, 2, ',', ""), "61,43");
	assert_string_equal(dec(0.80025, 4, ',', ""), "0,8003");
	assert_string_equal(dec(NAN, 4, '.', "NA"), "NA");
	assert_string_equal(dec(NAN, 4, ',', "—"), "—");
	assert_string_equal(dec(NAN, 4, '.', ""), "");
	assert_string_equal(dec(NAN, 4, '.', NULL), "");
	/* appending keeps what was there */
	struct dti_buf b = DTI_BUF_INIT;
	assert_int_equal(dti_buf_adds(&b, "v="), DTI_OK);
	assert_int_equal(dti_buf_add_decimal(&b, 0.25, 2, '.', ""), DTI_OK);
	assert_int_equal(dti_buf_adds(&b, ";"), DTI_OK);
	assert_int_equal(dti_buf_add_decimal(&b, NAN, 2, '.', "null"), DTI_OK);
	assert_string_equal(b.data, "v=0.25;null");
	dti_buf_release(&b);
}

static void test_decimal_large(void **state)
{
	(void)state;
	assert_string_equal(dec(1234567.891, 2, '.', ""), "1234567.89");
	assert_string_equal(dec(1234567.891, 2, ',', ""), "1234567,89");
	assert_string_equal(dec(123456789.123456, 6, '.', ""),
	                    "123456789.123456");
	assert_string_equal(dec(-98765432.5, 0, '.', ""), "-98765433");
	assert_string_equal(dec(1e15, 2, '.', ""), "1000000000000000.00");
	assert_string_equal(dec(4503599627370496.0, 0, '.', ""),
	                    "4503599627370496");
	assert_string_equal(dec(123456789012.5, 4, '.', ""),
	                    "123456789012.5000");
}

static void test_decimal_huge(void **state)
{
	(void)state;
	/*
	 * Beyond the integer path (|v| x 10^digits >= 9e18) the value must
	 * still be written with the requested decimal mark: 1e20 is exact in
	 * binary, so its text is known.
	 */
	assert_string_equal(dec(1e20, 2, ',', ""), "100000000000000000000,00");
	assert_null(strchr(dec(-3.5e19, 1, ',', ""), '.'));
	/* with '.', whatever the notation, the text reads back exactly */
	double back = 0;
	assert_int_equal(
	    dti_parse_number(dec(1e20, 2, '.', ""), '.', &back, NULL, NULL),
	    DTI_OK);
	assert_true(back == 1e20);
	assert_int_equal(
	    dti_parse_number(dec(-2.5e300, 3, '.', ""), '.', &back, NULL, NULL),
	    DTI_OK);
	assert_true(back == -2.5e300);
}

/* A locale with a decimal comma, if the system has one; NULL otherwise. */
static const char *comma_locale(void)
{
	static const char *const names[] = {
	    "vi_VN.UTF-8", "vi_VN.utf8", "de_DE.UTF-8", "de_DE.utf8",
	    "fr_FR.UTF-8", "fr_FR.utf8", "ru_RU.UTF-8", "es_ES.UTF-8"};
	for (size_t i = 0; i < DTI_ARRAY_LEN(names); i++) {
		const char *l = setlocale(LC_NUMERIC, names[i]);
		if (l && strcmp(localeconv()->decimal_point, ",") == 0)
			return names[i];
	}
	setlocale(LC_NUMERIC, "C");
	return NULL;
}

static void test_decimal_locale(void **state)
{
	(void)state;
	if (!comma_locale()) {
		print_message("no locale with a decimal comma installed\n");
		skip();
	}
	const char *r1 = dec(0.80025, 4, '.', "");
	char s1[64];
	snprintf(s1, sizeof s1, "%s", r1);
	const char *r2 = dec(1e20, 2, '.', "");
	char s2[64];
	snprintf(s2, sizeof s2, "%s", r2);
	const char *r3 = dec(1e20, 2, ',', "");
	char s3[64];
	snprintf(s3, sizeof s3, "%s", r3);
	setlocale(LC_NUMERIC, "C");
	assert_string_equal(s1, "0.8003");
	/* no path may take the mark from the locale */
	assert_null(strchr(s2, ','));
	assert_null(strchr(s3, '.'));
}

static void test_round_scaled(void **state)
{
	(void)state;
	assert_int_equal(dti_round_scaled(0.80025, 4), 8003);
	assert_int_equal(dti_round_scaled(0.800175, 4), 8002);
	assert_int_equal(dti_round_scaled(-0.80025, 4), -8003);
	assert_int_equal(dti_round_scaled(0.8002, 4), 8002);
	assert_int_equal(dti_round_scaled(0.80024999, 4), 8002);
	assert_int_equal(dti_round_scaled(0.123449999, 4), 1234);
	assert_int_equal(dti_round_scaled(2.5, 0), 3);
	assert_int_equal(dti_round_scaled(-2.5, 0), -3);
	assert_int_equal(dti_round_scaled(2.4999, 0), 2);
	assert_int_equal(dti_round_scaled(1.005, 2), 101);
	assert_int_equal(dti_round_scaled(0.0, 4), 0);
	assert_int_equal(dti_round_scaled(1.0, 4), 10000);
	assert_int_equal(dti_round_scaled(0.71635, 4), 7164);
	assert_int_equal(dti_round_scaled(1234.5, 0), 1235);
	/*
	 * The "close to a half" tolerance must stay below 0.5: large products
	 * that are whole numbers are not halves.
	 */
	assert_int_equal(dti_round_scaled(4503599627370496.0, 0),
	                 4503599627370496LL);
	assert_int_equal(dti_round_scaled(1234567890123.4, 3),
	                 1234567890123400LL);
	assert_int_equal(dti_round_scaled(-1234567890123.4, 3),
	                 -1234567890123400LL);
	assert_true(dti_pow10(0) == 1.0);
	assert_true(dti_pow10(4) == 1e4);
	assert_true(dti_pow10(17) == 1e17);
	assert_true(dti_pow10(-1) == 1.0);
	assert_true(dti_pow10(30) == 1e17);
}

/* ---- arena ----------------------------------------------------------- */

static void test_arena(void **state)
{
	(void)state;
	struct dti_arena a = DTI_ARENA_INIT;
	unsigned char *ptrs[500];
	size_t sizes[500];
	for (int i = 0; i < 500; i++) {
		/* mostly small, a few bigger than a block */
		sizes[i] =
		    i % 97 == 0 ? 20000 + (size_t)i : (size_t)(i % 50) + 1;
		ptrs[i] = dti_arena_alloc(&a, sizes[i]);
		assert_non_null(ptrs[i]);
		assert_int_equal((uintptr_t)ptrs[i] % 16, 0);
		for (size_t k = 0; k < sizes[i]; k++)
			assert_int_equal(ptrs[i][k], 0);
		memset(ptrs[i], i & 0xff, sizes[i]);
	}
	/* no allocation overlaps another: every byte still holds its mark */
	for (int i = 0; i < 500; i++)
		for (size_t k = 0; k < sizes[i]; k++)
			assert_int_equal(ptrs[i][k], (unsigned char)(i & 0xff));
	assert_true(a.total >= 20000);
	/* zero bytes still gives a distinct pointer */
	void *z1 = dti_arena_alloc(&a, 0);
	void *z2 = dti_arena_alloc(&a, 0);
	assert_non_null(z1);
	assert_non_null(z2);
	assert_ptr_not_equal(z1, z2);

	char *s = dti_arena_strdup(&a, "Thừa Thiên - Huế");
	assert_string_equal(s, "Thừa Thiên - Huế");
	char *t = dti_arena_strndup(&a, "abcdef", 3);
	assert_string_equal(t, "abc");
	char *e = dti_arena_strdup(&a, NULL);
	assert_non_null(e);
	assert_string_equal(e, "");
	assert_string_equal(s, "Thừa Thiên - Huế");
	dti_arena_release(&a);
	assert_null(a.head);
	assert_int_equal(a.total, 0);
	/* usable again after release */
	assert_non_null(dti_arena_strdup(&a, "x"));
	dti_arena_release(&a);
	dti_arena_release(&a); /* twice is harmless */
}

/* ---- map ------------------------------------------------------------- */

static void test_map(void **state)
{
	(void)state;
	enum { N = 20000 };
	char(*keys)[16] = malloc(N * sizeof *keys);
	assert_non_null(keys);
	struct dti_map m = DTI_MAP_INIT;
	size_t v;
	assert_false(dti_map_get(&m, "anything", &v));
	for (size_t i = 0; i < N; i++) {
		snprintf(keys[i], sizeof keys[i], "k%zu", i);
		assert_int_equal(dti_map_put(&m, keys[i], i * 3), 0);
	}
	assert_int_equal(m.count, N);
	assert_true(m.cap > N);
	for (size_t i = 0; i < N; i++) {
		v = SIZE_MAX;
		assert_true(dti_map_get(&m, keys[i], &v));
		assert_int_equal(v, i * 3);
	}
	/* lookups compare contents, not pointers */
	assert_true(dti_map_get(&m, "k12345", &v));
	assert_int_equal(v, 12345 * 3);
	assert_false(dti_map_get(&m, "k20000", &v));
	assert_false(dti_map_get(&m, "", &v));
	assert_false(dti_map_get(&m, "K1", &v));
	assert_true(dti_map_get(&m, "k7", NULL));
	/* overwrite: the value changes, the count does not */
	assert_int_equal(dti_map_put(&m, "k7", 777), 0);
	assert_int_equal(m.count, N);
	assert_true(dti_map_get(&m, keys[7], &v));
	assert_int_equal(v, 777);
	assert_true(dti_map_get(&m, "k8", &v));
	assert_int_equal(v, 24);
	/* the empty key is a key like any other */
	assert_int_equal(dti_map_put(&m, "", 5), 0);
	assert_true(dti_map_get(&m, "", &v));
	assert_int_equal(v, 5);
	assert_int_equal(m.count, N + 1);
	dti_map_release(&m);
	assert_int_equal(m.count, 0);
	assert_false(dti_map_get(&m, "k1", &v));
	free(keys);
}

/* ---- errors ---------------------------------------------------------- */

static void test_error_format(void **state)
{
	(void)state;
	struct dti_error err = DTI_ERROR_INIT;
	char out[600];
	/* nothing set: the text of the code */
	err.code = DTI_EINVALID;
	dti_error_format(&err, out, sizeof out);
	assert_string_equal(out, "invalid input");
	/* message only */
	dti_err_set(&err, DTI_EIO, NULL, 0, 0, NULL, "cannot open: %s", "x");
	/* err already had a code: the new fault went to `more` */
	assert_int_equal(err.nmore, 1);
	dti_error_release(&err);
	assert_int_equal(err.code, DTI_OK);
	assert_null(err.more);

	assert_int_equal(dti_err_set(&err, DTI_EIO, NULL, 0, 0, NULL,
	                             "cannot open: %s", "x"),
	                 DTI_EIO);
	dti_error_format(&err, out, sizeof out);
	assert_string_equal(out, "cannot open: x");
	dti_error_release(&err);

	/* every part */
	dti_err_set(&err, DTI_EINVALID, "data.csv", 12, 3, "awareness",
	            "value %g is outside 0..%g", 1.5, 1.0);
	assert_int_equal(err.code, DTI_EINVALID);
	assert_string_equal(err.file, "data.csv");
	assert_int_equal(err.line, 12);
	assert_int_equal(err.column, 3);
	assert_string_equal(err.field, "awareness");
	assert_string_equal(err.message, "value 1.5 is outside 0..1");
	dti_error_format(&err, out, sizeof out);
	assert_non_null(strstr(out, "data.csv:12:3:"));
	assert_non_null(strstr(out, "awareness"));
	assert_non_null(strstr(out, "value 1.5 is outside 0..1"));
	assert_true(strstr(out, "data.csv") < strstr(out, "awareness"));
	assert_true(strstr(out, "awareness") < strstr(out, "value 1.5"));
	dti_error_release(&err);

	/* file and line without a column: no empty column part */
	dti_err_set(&err, DTI_EINVALID, "f.csv", 7, 0, NULL, "bad");
	dti_error_format(&err, out, sizeof out);
	assert_non_null(strstr(out, "f.csv:7:"));
	assert_null(strstr(out, "f.csv:7:0"));
	assert_non_null(strstr(out, "bad"));
	dti_error_release(&err);

	/* a column without a line is not shown */
	dti_err_set(&err, DTI_EINVALID, "f.csv", 0, 4, NULL, "whole file");
	dti_error_format(&err, out, sizeof out);
	assert_null(strstr(out, ":4"));
	assert_non_null(strstr(out, "whole file"));
	dti_error_release(&err);

	/* truncation keeps a NUL and never writes past outsz */
	dti_err_set(&err, DTI_EINVALID, "data.csv", 1, 1, NULL, "%s",
	            "a long message that does not fit");
	char small[12];
	memset(small, 'Z', sizeof small);
	dti_error_format(&err, small, 8);
	assert_true(strlen(small) < 8);
	assert_int_equal(small[8], 'Z');
	dti_error_format(&err, small, 0); /* allowed, writes nothing */
	assert_int_equal(small[8], 'Z');
	dti_error_format(NULL, out, sizeof out);
	assert_string_equal(out, "");
	dti_error_release(&err);

	/* long texts are cut at a character boundary */
	char longmsg[2 * DTI_ERROR_MSG_MAX];
	size_t k = 0;
	while (k + 2 < sizeof longmsg - 1) {
		longmsg[k++] = (char)0xC3; /* "é" */
		longmsg[k++] = (char)0xA9;
	}
	longmsg[k] = '\0';
	dti_err_set(&err, DTI_EINVALID, NULL, 0, 0, NULL, "%s", longmsg);
	size_t ml = strlen(err.message);
	assert_true(ml < DTI_ERROR_MSG_MAX);
	assert_int_equal(ml % 2, 0);
	dti_error_release(&err);
	dti_error_release(NULL);
	dti_error_init(NULL);
}

static void test_error_more(void **state)
{
	(void)state;
	struct dti_error err;
	dti_error_init(&err);
	dti_err_add(&err, DTI_ESYNTAX, "a.csv", 2, 5, "x", "first %d", 1);
	assert_int_equal(err.code, DTI_ESYNTAX);
	assert_int_equal(err.nmore, 0);
	assert_null(err.more);
	dti_err_add(&err, DTI_EINVALID, "a.csv", 3, 0, "y", "second");
	dti_err_add(&err, DTI_ENOTFOUND, "a.csv", 4, 1, NULL, "third");
	/* the first fault stays in the struct */
	assert_int_equal(err.code, DTI_ESYNTAX);
	assert_int_equal(err.line, 2);
	assert_int_equal(err.column, 5);
	assert_string_equal(err.message, "first 1");
	assert_int_equal(err.nmore, 2);
	assert_non_null(err.more);
	assert_int_equal(err.more[0].code, DTI_EINVALID);
	assert_int_equal(err.more[0].line, 3);
	assert_string_equal(err.more[0].field, "y");
	assert_string_equal(err.more[0].message, "second");
	assert_int_equal(err.more[1].code, DTI_ENOTFOUND);
	assert_int_equal(err.more[1].line, 4);
	assert_int_equal(err.more[1].column, 1);
	char out[600];
	dti_diag_format(&err.more[1], out, sizeof out);
	assert_non_null(strstr(out, "a.csv:4:1:"));
	assert_non_null(strstr(out, "third"));
	dti_error_release(&err);

	/* the cap: the first fault, DTI_ERROR_MORE_MAX more, the rest counted
	 */
	dti_error_init(&err);
	int total = 1 + DTI_ERROR_MORE_MAX + 25;
	for (int i = 0; i < total; i++)
		dti_err_add(&err, DTI_EINVALID, "b.csv", (unsigned long)i + 1,
		            0, NULL, "fault %d", i);
	assert_int_equal(err.nmore, DTI_ERROR_MORE_MAX);
	assert_int_equal(err.nmore_dropped, 25);
	assert_string_equal(err.message, "fault 0");
	assert_string_equal(err.more[0].message, "fault 1");
	assert_int_equal(err.more[DTI_ERROR_MORE_MAX - 1].line,
	                 DTI_ERROR_MORE_MAX + 1);
	dti_error_release(&err);
	assert_int_equal(err.nmore, 0);
	assert_int_equal(err.nmore_dropped, 0);
	assert_null(err.more);
	assert_int_equal(err.code, DTI_OK);

	/* NULL is always allowed */
	dti_err_add(NULL, DTI_EINVALID, NULL, 0, 0, NULL, "ignored");
	assert_int_equal(dti_err_set(NULL, DTI_EIO, NULL, 0, 0, NULL, "x"),
	                 DTI_EIO);
	assert_int_equal(dti_err_nomem(NULL), DTI_ENOMEM);
}

static void test_strerror(void **state)
{
	(void)state;
	for (int s = DTI_OK; s <= DTI_EEXIST; s++) {
		const char *t = dti_strerror((enum dti_status)s);
		assert_non_null(t);
		assert_true(strlen(t) > 0);
		assert_string_not_equal(t, "unknown status");
	}
	assert_string_equal(dti_strerror(DTI_OK), "success");
	assert_string_equal(dti_strerror(DTI_EINVALID), "invalid input");
	assert_string_equal(dti_strerror((enum dti_status)999),
	                    "unknown status");
	/* the numbers are frozen */
	assert_int_equal(DTI_EIO, 4);
	assert_int_equal(DTI_EENCODING, 5);
	assert_int_equal(DTI_ESYNTAX, 6);
	assert_int_equal(DTI_EINVALID, 7);
	assert_int_equal(DTI_ELIMIT, 11);
	assert_int_equal(DTI_EEXIST, 15);
}

/* ---- strings --------------------------------------------------------- */

static void test_strings(void **state)
{
	(void)state;
	assert_true(dti_streq_ci("Code", "cODE"));
	assert_true(dti_streq_ci("", ""));
	assert_false(dti_streq_ci("code", "codes"));
	assert_false(dti_streq_ci("codes", "code"));
	char s1[] = "  \t value \r\n";
	assert_string_equal(dti_trim(s1), "value");
	char s2[] = "   ";
	assert_string_equal(dti_trim(s2), "");
	char s3[] = "a b";
	assert_string_equal(dti_trim(s3), "a b");
	int *arr = NULL;
	size_t cap = 0;
	assert_int_equal(DTI_GROW(arr, cap, 3), 0);
	assert_true(cap >= 3);
	assert_int_equal(DTI_GROW(arr, cap, 1000), 0);
	assert_true(cap >= 1000);
	arr[999] = 1;
	size_t before = cap;
	assert_int_equal(DTI_GROW(arr, cap, 10), 0);
	assert_int_equal(cap, before);
	assert_int_equal(DTI_GROW(arr, cap, SIZE_MAX / 2), -1);
	assert_int_equal(cap, before);
	free(arr);
}

/* ---- SHA-256 --------------------------------------------------------- */

static void sha_of(const void *p, size_t n, char hex[65])
{
	struct dti_sha256 s;
	dti_sha256_init(&s);
	dti_sha256_update(&s, p, n);
	dti_sha256_final(&s, hex);
}

static void test_sha256_vectors(void **state)
{
	(void)state;
	char hex[65];
	sha_of("", 0, hex);
	assert_string_equal(
	    hex,
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	sha_of("abc", 3, hex);
	assert_string_equal(
	    hex,
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	const char *v448 =
	    "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	assert_int_equal(strlen(v448) * 8, 448);
	sha_of(v448, strlen(v448), hex);
	assert_string_equal(
	    hex,
	    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	const char *v896 =
	    "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
	    "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
	assert_int_equal(strlen(v896) * 8, 896);
	sha_of(v896, strlen(v896), hex);
	assert_string_equal(
	    hex,
	    "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

static void test_sha256_million(void **state)
{
	(void)state;
	const char *want =
	    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
	char hex[65];
	/* in one piece */
	char *a = malloc(1000000);
	assert_non_null(a);
	memset(a, 'a', 1000000);
	sha_of(a, 1000000, hex);
	assert_string_equal(hex, want);
	/* in pieces of awkward sizes that straddle the 64-byte blocks */
	struct dti_sha256 s;
	dti_sha256_init(&s);
	size_t done = 0, step = 1;
	while (done < 1000000) {
		size_t n = step;
		if (n > 1000000 - done)
			n = 1000000 - done;
		dti_sha256_update(&s, a + done, n);
		done += n;
		step = step % 131 + 7;
	}
	dti_sha256_final(&s, hex);
	assert_string_equal(hex, want);
	free(a);
	/* byte by byte across a padding boundary (55, 56, 64 bytes) */
	static const size_t lens[] = {55, 56, 63, 64, 65, 119, 120};
	for (size_t i = 0; i < DTI_ARRAY_LEN(lens); i++) {
		char whole[65], bytes[65];
		char buf[128];
		memset(buf, 'x', sizeof buf);
		sha_of(buf, lens[i], whole);
		dti_sha256_init(&s);
		for (size_t k = 0; k < lens[i]; k++)
			dti_sha256_update(&s, buf + k, 1);
		dti_sha256_final(&s, bytes);
		assert_string_equal(whole, bytes);
		assert_int_equal(strlen(whole), 64);
	}
	/* a different message gives a different digest */
	char h1[65], h2[65];
	sha_of("abd", 3, h1);
	sha_of("abc", 3, h2);
	assert_string_not_equal(h1, h2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_buf_growth),
	    cmocka_unit_test(test_buf_max),
	    cmocka_unit_test(test_buf_addf),
	    cmocka_unit_test(test_decimal_rounding),
	    cmocka_unit_test(test_decimal_negative),
	    cmocka_unit_test(test_decimal_zero_digits),
	    cmocka_unit_test(test_decimal_comma_and_nan),
	    cmocka_unit_test(test_decimal_large),
	    cmocka_unit_test(test_decimal_huge),
	    cmocka_unit_test(test_decimal_locale),
	    cmocka_unit_test(test_round_scaled),
	    cmocka_unit_test(test_arena),
	    cmocka_unit_test(test_map),
	    cmocka_unit_test(test_error_format),
	    cmocka_unit_test(test_error_more),
	    cmocka_unit_test(test_strerror),
	    cmocka_unit_test(test_strings),
	    cmocka_unit_test(test_sha256_vectors),
	    cmocka_unit_test(test_sha256_million),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
