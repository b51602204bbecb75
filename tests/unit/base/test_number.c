/*
 * tests/unit/base/test_number.c - numbers as people type them in data files
 * (lib/base/number.c): the decimal point and the Vietnamese decimal comma,
 * thousands grouping, the ambiguous "1,120", percent signs, exponents,
 * spaces, and independence from the program's locale.  Also the strict
 * helpers dti_parse_double, dti_parse_long and dti_is_date.
 */
/* cmocka.h needs these first, in this order */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "testutil.h"

/* Parses s and requires DTI_OK with exactly `want` (and the percent flag). */
#define assert_num(s, mark, want, pct)                                         \
	num_ok_at((s), (mark), (want), (pct), __FILE__, __LINE__)
/* Parses s and requires the status `code` with a reason. */
#define assert_num_fails(s, mark, code)                                        \
	num_bad_at((s), (mark), (code), __FILE__, __LINE__)

static void num_ok_at(const char *s, char mark, double want, int pct,
                      const char *file, int line)
{
	double v = -12345.678;
	int percent = -1;
	const char *why = NULL;
	enum dti_status st = dti_parse_number(s, mark, &v, &percent, &why);
	if (st != DTI_OK) {
		print_error(
		    "'%s' (mark '%c'): status %d (%s), expected %.17g\n", s,
		    mark ? mark : '0', (int)st, why ? why : "?", want);
		_fail(file, line);
	}
	if (v != want) {
		print_error("'%s' (mark '%c'): %.17g, expected %.17g\n", s,
		            mark ? mark : '0', v, want);
		_fail(file, line);
	}
	if (percent != pct) {
		print_error("'%s': percent flag %d, expected %d\n", s, percent,
		            pct);
		_fail(file, line);
	}
}

static void num_bad_at(const char *s, char mark, enum dti_status code,
                       const char *file, int line)
{
	double v = 0;
	const char *why = NULL;
	enum dti_status st = dti_parse_number(s, mark, &v, NULL, &why);
	if (st != code) {
		print_error("'%s' (mark '%c'): status %d (value %.17g), "
		            "expected %d\n",
		            s, mark ? mark : '0', (int)st, v, (int)code);
		_fail(file, line);
	}
	if (!why || !*why) {
		print_error("'%s': no reason given\n", s);
		_fail(file, line);
	}
}

static void test_plain(void **state)
{
	(void)state;
	assert_num("0.6735", 0, 0.6735, 0);
	assert_num("0.6735", '.', 0.6735, 0);
	assert_num("1", 0, 1.0, 0);
	assert_num("0", 0, 0.0, 0);
	assert_num("-2.5e3", 0, -2500.0, 0);
	assert_num("1.5E-2", 0, 0.015, 0);
	assert_num("+3", 0, 3.0, 0);
	assert_num("-0.25", 0, -0.25, 0);
	assert_num(" 7 ", 0, 7.0, 0);
	assert_num("\t7\t", 0, 7.0, 0);
	assert_num("12.", 0, 12.0, 0);
	assert_num(".5", 0, 0.5, 0);
	assert_num("1e3", 0, 1000.0, 0);
	assert_num("2e+2", 0, 200.0, 0);
	/* no-break spaces a spreadsheet leaves around a number */
	assert_num("\xC2\xA0"
	           "42.5\xC2\xA0",
	           0, 42.5, 0);
}

static void test_decimal_comma(void **state)
{
	(void)state;
	/* unambiguous without a declaration */
	assert_num("0,6735", 0, 0.6735, 0);
	assert_num("61,43", 0, 61.43, 0);
	assert_num("0,750", 0, 0.75, 0);
	assert_num("1,1234", 0, 1.1234, 0);
	assert_num("-0,5", 0, -0.5, 0);
	assert_num("12,5", 0, 12.5, 0);
	/* declared */
	assert_num("0,6735", ',', 0.6735, 0);
	assert_num("1,120", ',', 1.12, 0);
	assert_num("1.234,5", ',', 1234.5, 0);
	assert_num("1.120", ',', 1120.0, 0);
	assert_num("1.234.567,25", ',', 1234567.25, 0);
}

static void test_ambiguous(void **state)
{
	(void)state;
	double v = 0;
	const char *why = NULL;
	assert_int_equal(dti_parse_number("1,120", 0, &v, NULL, &why),
	                 DTI_EAMBIGUOUS);
	assert_non_null(why);
	assert_non_null(strstr(why, "ambiguous"));
	assert_num_fails("12,345", 0, DTI_EAMBIGUOUS);
	assert_num_fails("-1,120", 0, DTI_EAMBIGUOUS);
	/* the declared mark settles it */
	assert_num("1,120", '.', 1120.0, 0);
	assert_num("1,120", ',', 1.12, 0);
	assert_num("12,345", '.', 12345.0, 0);
}

static void test_grouping(void **state)
{
	(void)state;
	assert_num("1.234,5", 0, 1234.5, 0);
	assert_num("1,234.5", 0, 1234.5, 0);
	assert_num("1.234.567", 0, 1234567.0, 0);
	assert_num("1,234,567", 0, 1234567.0, 0);
	assert_num("1,120.5", 0, 1120.5, 0);
	assert_num("1,234,567.125", '.', 1234567.125, 0);
	assert_num("-1.234,5", 0, -1234.5, 0);
	/* groups must be of three digits after a head of 1-3 */
	assert_num_fails("1,2,3", 0, DTI_ESYNTAX);
	assert_num_fails("1,2,3", '.', DTI_ESYNTAX);
	assert_num_fails("12,34,567", 0, DTI_ESYNTAX);
	assert_num_fails("1234,567.5", 0, DTI_ESYNTAX);
	assert_num_fails("1.23.456", 0, DTI_ESYNTAX);
	assert_num_fails(",123,456", 0, DTI_ESYNTAX);
	/* two decimal marks */
	assert_num_fails("1.5.5,5", 0, DTI_ESYNTAX);
	assert_num_fails("1,234.5.6", 0, DTI_ESYNTAX);
	/* a declared ',' makes '.' grouping only: "1.5" is bad grouping */
	assert_num_fails("1.5", ',', DTI_ESYNTAX);
	assert_num_fails("0.6735", ',', DTI_ESYNTAX);
	/* and the other way round */
	assert_num_fails("1,5", '.', DTI_ESYNTAX);
	assert_num_fails("0,6735", '.', DTI_ESYNTAX);
	/* both marks, the last one not the declared one */
	assert_num_fails("1.234,5", '.', DTI_ESYNTAX);
	assert_num_fails("1,234.5", ',', DTI_ESYNTAX);
	/* a declared mark used twice */
	assert_num_fails("1,2,3", ',', DTI_ESYNTAX);
}

static void test_percent(void **state)
{
	(void)state;
	assert_num("61.43%", 0, 61.43, 1);
	assert_num("61,43%", 0, 61.43, 1);
	assert_num("78,7 %", 0, 78.7, 1);
	assert_num("100%", 0, 100.0, 1);
	assert_num(" 5% ", 0, 5.0, 1);
	assert_num("0%", ',', 0.0, 1);
	assert_num("61.43", 0, 61.43, 0);
	/* the flag may be left out */
	double v = 0;
	assert_int_equal(dti_parse_number("12%", 0, &v, NULL, NULL), DTI_OK);
	assert_true(v == 12.0);
	assert_num_fails("%", 0, DTI_ESYNTAX);
	assert_num_fails("12%%", 0, DTI_ESYNTAX);
	assert_num_fails("%12", 0, DTI_ESYNTAX);
}

static void test_not_numbers(void **state)
{
	(void)state;
	assert_num_fails("1e", 0, DTI_ESYNTAX);
	assert_num_fails("1e+", 0, DTI_ESYNTAX);
	assert_num_fails("abc", 0, DTI_ESYNTAX);
	assert_num_fails("", 0, DTI_ESYNTAX);
	assert_num_fails("   ", 0, DTI_ESYNTAX);
	assert_num_fails(".", 0, DTI_ESYNTAX);
	assert_num_fails(",", 0, DTI_ESYNTAX);
	assert_num_fails("-", 0, DTI_ESYNTAX);
	assert_num_fails("--5", 0, DTI_ESYNTAX);
	assert_num_fails("5-", 0, DTI_ESYNTAX);
	assert_num_fails("1 000", 0, DTI_ESYNTAX);
	assert_num_fails("0x10", 0, DTI_ESYNTAX);
	assert_num_fails("inf", 0, DTI_ESYNTAX);
	assert_num_fails("nan", 0, DTI_ESYNTAX);
	assert_num_fails("1e400", 0, DTI_ESYNTAX);
	assert_num_fails("12abc", 0, DTI_ESYNTAX);
	assert_num_fails("có", 0, DTI_ESYNTAX);
	/* an exponent goes with a decimal point only */
	assert_num_fails("1,5e3", 0, DTI_ESYNTAX);
	assert_num_fails("1,5e3", ',', DTI_ESYNTAX);
	/* longer than any number a person types */
	char longnum[500];
	memset(longnum, '1', sizeof longnum - 1);
	longnum[sizeof longnum - 1] = '\0';
	assert_num_fails(longnum, 0, DTI_ESYNTAX);
	/* why may be NULL */
	double v = 0;
	assert_int_equal(dti_parse_number("x", 0, &v, NULL, NULL), DTI_ESYNTAX);
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

static void check_locale_free(void)
{
	double v = 0;
	assert_num("0.5", 0, 0.5, 0);
	assert_num("0.5", '.', 0.5, 0);
	assert_num("0,5", 0, 0.5, 0);
	assert_num("1.234,5", ',', 1234.5, 0);
	assert_num("-2.5e3", 0, -2500.0, 0);
	assert_int_equal(dti_parse_double("0.5", &v), 0);
	assert_true(v == 0.5);
	assert_int_equal(dti_parse_double("1e-3", &v), 0);
	assert_true(v == 0.001);
	assert_int_not_equal(dti_parse_double("0,5", &v), 0);
}

static void test_locale_independent(void **state)
{
	(void)state;
	/* the environment's locale, whatever it is */
	setlocale(LC_ALL, "");
	check_locale_free();
	setlocale(LC_ALL, "C");
	check_locale_free();
}

static void test_locale_comma(void **state)
{
	(void)state;
	const char *name = comma_locale();
	if (!name) {
		print_message("no locale with a decimal comma installed\n");
		skip();
	}
	/* strtod in this locale would stop at the '.': ours must not */
	check_locale_free();
	setlocale(LC_ALL, name);
	check_locale_free();
	setlocale(LC_ALL, "C");
}

static void test_strict_helpers(void **state)
{
	(void)state;
	double d = 0;
	assert_int_equal(dti_parse_double("-2.5", &d), 0);
	assert_true(d == -2.5);
	assert_int_equal(dti_parse_double("1E3", &d), 0);
	assert_true(d == 1000.0);
	assert_int_not_equal(dti_parse_double("", &d), 0);
	assert_int_not_equal(dti_parse_double(NULL, &d), 0);
	assert_int_not_equal(dti_parse_double(" 1", &d), 0);
	assert_int_not_equal(dti_parse_double("1 ", &d), 0);
	assert_int_not_equal(dti_parse_double("1%", &d), 0);
	assert_int_not_equal(dti_parse_double("inf", &d), 0);
	assert_int_not_equal(dti_parse_double("0x1p3", &d), 0);
	assert_int_not_equal(dti_parse_double("1e999", &d), 0);
	assert_int_not_equal(dti_parse_double("1-2", &d), 0);

	long l = 0;
	assert_int_equal(dti_parse_long("2022", &l), 0);
	assert_int_equal(l, 2022);
	assert_int_equal(dti_parse_long("-7", &l), 0);
	assert_int_equal(l, -7);
	assert_int_not_equal(dti_parse_long("", &l), 0);
	assert_int_not_equal(dti_parse_long(NULL, &l), 0);
	assert_int_not_equal(dti_parse_long("12x", &l), 0);
	assert_int_not_equal(dti_parse_long("1.5", &l), 0);

	assert_true(dti_is_date("2025-07-01"));
	assert_true(dti_is_date("2022-12-31"));
	assert_false(dti_is_date("2025-13-01"));
	assert_false(dti_is_date("2025-00-10"));
	assert_false(dti_is_date("2025-01-00"));
	assert_false(dti_is_date("2025-01-32"));
	assert_false(dti_is_date("2025-7-1"));
	assert_false(dti_is_date("2025/07/01"));
	assert_false(dti_is_date("20250701"));
	assert_false(dti_is_date(""));
	assert_false(dti_is_date(NULL));
	assert_false(dti_is_date("2025-07-01T00"));
	/* days that do not exist */
	assert_false(dti_is_date("2023-02-30"));
	assert_false(dti_is_date("2023-13-01"));
	assert_false(dti_is_date("2024-02-30"));
	assert_false(dti_is_date("2023-04-31"));
	assert_false(dti_is_date("2023-02-29"));
	assert_false(dti_is_date("1900-02-29"));
	assert_true(dti_is_date("2024-02-29"));
	assert_true(dti_is_date("2000-02-29"));
	assert_true(dti_is_date("2023-04-30"));
	assert_true(dti_is_date("2023-12-31"));
	/* times */
	assert_true(dti_is_timestamp("2026-01-15T09:00:00Z"));
	assert_true(dti_is_timestamp("2024-02-29T23:59:59Z"));
	assert_false(dti_is_timestamp("2023-02-29T09:00:00Z"));
	assert_false(dti_is_timestamp("2026-01-15T24:00:00Z"));
	assert_false(dti_is_timestamp("2026-01-15T09:60:00Z"));
	assert_false(dti_is_timestamp("2026-01-15T09:00:60Z"));
	assert_false(dti_is_timestamp("2026-01-15 09:00:00Z"));
	assert_false(dti_is_timestamp("2026-01-15T09:00:00"));
	assert_false(dti_is_timestamp(NULL));
}

/*
 * The exact fast path agrees with strtod, bit for bit, on every decimal it
 * takes, and declines what it cannot do exactly: 200,000 random decimals
 * of every shape a figure takes (signs, leading zeros, zeros after the
 * point, up to 22 digits, exponents), and the edges.
 */
static uint64_t rng = 0x2545F4914F6CDD1DULL;
static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void check_same_as_strtod(const char *s)
{
	double fast;
	if (dti_fast_decimal(s, strlen(s), &fast) != 0)
		return;
	char *end;
	double slow = strtod(s, &end);
	if (*end || memcmp(&fast, &slow, sizeof fast) != 0)
		fail_msg("'%s': fast %.17g, strtod %.17g", s, fast, slow);
}

static void test_fast_decimal(void **state)
{
	(void)state;
	size_t taken = 0;
	for (int i = 0; i < 200000; i++) {
		char s[64];
		size_t k = 0;
		uint64_t r = next_rand();
		if (r & 1)
			s[k++] = '-';
		/* up to 7 + 7 digits mostly, up to 15 + 15 sometimes */
		int wide = (r >> 17 & 7) == 0;
		int lead = (int)(r >> 1 & 3),
		    intd = (int)(r >> 3 & (wide ? 15 : 7)),
		    fracd = (int)(r >> 7 & (wide ? 15 : 7)),
		    zf = (int)(r >> 11 & 3);
		for (int j = 0; j < lead; j++)
			s[k++] = '0';
		for (int j = 0; j < intd; j++)
			s[k++] = (char)('0' + next_rand() % 10);
		if (fracd || (r >> 13 & 1)) {
			s[k++] = '.';
			for (int j = 0; j < zf; j++)
				s[k++] = '0';
			for (int j = 0; j < fracd; j++)
				s[k++] = (char)('0' + next_rand() % 10);
		}
		if ((r >> 14 & 7) == 0)
			k += (size_t)sprintf(s + k, "e%d",
			                     (int)(next_rand() % 61) - 30);
		s[k] = '\0';
		double v;
		if (dti_fast_decimal(s, k, &v) == 0)
			taken++;
		check_same_as_strtod(s);
	}
	/* most of them are within the exact bounds */
	assert_true(taken > 150000);
	static const char *const edges[] = {"0",
	                                    "-0",
	                                    "0.0",
	                                    ".5",
	                                    "5.",
	                                    "9007199254740992",
	                                    "9007199254740993",
	                                    "1e22",
	                                    "1e23",
	                                    "1e-22",
	                                    "123456789012345678",
	                                    "0.1",
	                                    "0.30000000000000004",
	                                    "4.35",
	                                    "2.675",
	                                    "1.005",
	                                    "99.99",
	                                    "0.000001",
	                                    "1234567.891"};
	for (size_t i = 0; i < sizeof edges / sizeof *edges; i++)
		check_same_as_strtod(edges[i]);
	/* what it leaves to others */
	static const char *const no[] = {"",
	                                 ".",
	                                 "-",
	                                 "1e",
	                                 "1e+",
	                                 "1,5",
	                                 "1.2.3",
	                                 "+1",
	                                 " 1",
	                                 "1 ",
	                                 "1e99999",
	                                 "12345678901234567890",
	                                 "9007199254740993",
	                                 "1e23",
	                                 "0x10"};
	for (size_t i = 0; i < sizeof no / sizeof *no; i++) {
		double v;
		if (dti_fast_decimal(no[i], strlen(no[i]), &v) == 0)
			fail_msg("'%s' was taken: %.17g", no[i], v);
	}
	/* a span: the bytes after n are not read */
	double v;
	assert_int_equal(dti_fast_decimal("12.5xyz", 4, &v), 0);
	assert_true(v == 12.5);
}

static void test_parse_long_range(void **state)
{
	(void)state;
	long l = 0;
	assert_int_equal(dti_parse_long("9223372036854775807", &l), 0);
	assert_true(l == LONG_MAX);
	/* a number beyond long is refused, not clamped to LONG_MAX */
	assert_int_not_equal(dti_parse_long("99999999999999999999", &l), 0);
	assert_int_not_equal(dti_parse_long("-99999999999999999999", &l), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plain),
	    cmocka_unit_test(test_decimal_comma),
	    cmocka_unit_test(test_ambiguous),
	    cmocka_unit_test(test_grouping),
	    cmocka_unit_test(test_percent),
	    cmocka_unit_test(test_not_numbers),
	    cmocka_unit_test(test_locale_independent),
	    cmocka_unit_test(test_locale_comma),
	    cmocka_unit_test(test_strict_helpers),
	    cmocka_unit_test(test_parse_long_range),
	    cmocka_unit_test(test_fast_decimal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
