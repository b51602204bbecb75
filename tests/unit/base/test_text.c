/*
 * tests/unit/base/test_text.c - UTF-8 checks, display width, fold keys and
 * Vietnamese collation (lib/base/text.c).
 *
 * The legacy-encoding samples are real byte strings: the Windows-1258 and
 * TCVN3 ones are what iconv -t CP1258 / -t TCVN5712-1 make of the UTF-8
 * text, the VNI ones follow the VNI-Windows font layout (a base letter
 * followed by a mark byte).
 */
/* cmocka.h needs these headers first, in this order */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "testutil.h"

/* ---- UTF-8 validation ------------------------------------------------ */

static enum dti_status check(const char *s, size_t len, struct dti_error *err)
{
	dti_error_init(err);
	return dti_text_check_utf8(s, len, "in.csv", err);
}

static enum dti_status checks(const char *s, struct dti_error *err)
{
	return check(s, strlen(s), err);
}

static void test_utf8_valid(void **state)
{
	(void)state;
	struct dti_error err;
	assert_int_equal(checks("", &err), DTI_OK);
	assert_int_equal(checks("code,name\n01,Ha Noi\n", &err), DTI_OK);
	assert_int_equal(
	    checks("01,Hà Nội\n48,TP. Đà Nẵng\n46,Thừa Thiên - Huế\n", &err),
	    DTI_OK);
	/* BOM, NFD, 4-byte sequences, the highest code point */
	assert_int_equal(checks("\xEF\xBB\xBFHo\xCC\x80"
	                        "a",
	                        &err),
	                 DTI_OK);
	assert_int_equal(checks("\xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF", &err),
	                 DTI_OK);
	assert_int_equal(checks("\xED\x9F\xBF \xEE\x80\x80", &err), DTI_OK);
	assert_int_equal(err.code, DTI_OK);
	/* long ASCII runs go through the fast path; a fault after them */
	char big[1000];
	memset(big, 'a', sizeof big);
	big[500] = '\n';
	assert_int_equal(check(big, sizeof big, &err), DTI_OK);
	big[997] = (char)0xC3; /* truncated at the end of the buffer */
	assert_int_equal(check(big, 998, &err), DTI_EENCODING);
	assert_int_equal(err.line, 2);
	assert_int_equal(err.column, 997 - 501 + 1);
	dti_error_release(&err);
}

static void test_utf8_malformed(void **state)
{
	(void)state;
	struct dti_error err;
	static const struct {
		const char *s;
		unsigned long col;
	} bad[] = {
	    {"ab\xC0\xAF", 3},         /* overlong '/' */
	    {"ab\xE0\x80\xAF", 3},     /* overlong, 3 bytes */
	    {"ab\xF0\x80\x80\xAF", 3}, /* overlong, 4 bytes */
	    {"ab\xED\xA0\x80", 3},     /* surrogate U+D800 */
	    {"ab\xF4\x90\x80\x80", 3}, /* U+110000 */
	    {"ab\xF5\x80\x80\x80", 3}, /* lead byte beyond U+10FFFF */
	    {"ab\xFF", 3},
	    {"ab\x80", 3},               /* stray continuation */
	    {"\xC3\xA0\xC3", 2},         /* truncated at the end */
	    {"\xE1\xBB\x99\xE1\xBB", 2}, /* truncated 3-byte sequence */
	    {"\xE1\xBBx", 1},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(checks(bad[i].s, &err), DTI_EENCODING);
		assert_string_equal(err.file, "in.csv");
		assert_int_equal(err.line, 1);
		assert_int_equal(err.column, bad[i].col);
		assert_non_null(strstr(err.message, "not UTF-8"));
		dti_error_release(&err);
	}
	/* the message of a damaged UTF-8 file tells what is wrong */
	const char *damaged = "01,Hà Nội\n46,Thừa Thiên Huế\n48,Đà N\xE1\xBA\n";
	assert_int_equal(checks(damaged, &err), DTI_EENCODING);
	assert_int_equal(err.line, 3);
	assert_int_equal(err.column, 8);
	assert_non_null(strstr(err.message, "byte 0xE1"));
	assert_non_null(strstr(err.message, "truncated"));
	assert_non_null(strstr(err.message, "rest of the file is UTF-8"));
	dti_error_release(&err);
	assert_int_equal(checks("Hà Nội \xC0\xAF Huế Đà Nẵng", &err),
	                 DTI_EENCODING);
	assert_non_null(strstr(err.message, "overlong"));
	dti_error_release(&err);
	assert_int_equal(checks("Hà Nội \xED\xB0\x80 Huế Đà Nẵng", &err),
	                 DTI_EENCODING);
	assert_non_null(strstr(err.message, "surrogate"));
	dti_error_release(&err);
	/* a NUL byte is not text */
	assert_int_equal(check("ab\0cd", 5, &err), DTI_EENCODING);
	assert_int_equal(err.column, 3);
	assert_non_null(strstr(err.message, "NUL"));
	dti_error_release(&err);
	/* NULL error struct is allowed */
	assert_int_equal(dti_text_check_utf8("\xFF", 1, NULL, NULL),
	                 DTI_EENCODING);
}

static void test_utf8_lines_columns(void **state)
{
	(void)state;
	struct dti_error err;
	/* CRLF counts as one line end; columns count characters */
	assert_int_equal(checks("a,b\r\nc,d\r\nĐà Nẵng,\xE0", &err),
	                 DTI_EENCODING);
	assert_int_equal(err.line, 3);
	assert_int_equal(err.column, 9);
	dti_error_release(&err);
	/* a lone CR ends a line too; the BOM is not a column */
	assert_int_equal(checks("\xEF\xBB\xBFx\rab\xE0", &err), DTI_EENCODING);
	assert_int_equal(err.line, 2);
	assert_int_equal(err.column, 3);
	dti_error_release(&err);
	assert_int_equal(checks("\xEF\xBB\xBF\xE0", &err), DTI_EENCODING);
	assert_int_equal(err.line, 1);
	assert_int_equal(err.column, 1);
	dti_error_release(&err);
}

static void test_windows_1258(void **state)
{
	(void)state;
	struct dti_error err;
	/* "ma,ten\n01,Hà Nội\n" in Windows-1258: ộ is ô + combining dot */
	const char *s = "ma,ten\n01,H\xE0 N\xF4\xF2i\n";
	assert_int_equal(checks(s, &err), DTI_EENCODING);
	assert_int_equal(err.line, 2);
	assert_int_equal(err.column, 5);
	assert_non_null(strstr(err.message, "byte 0xE0"));
	assert_non_null(strstr(err.message, "Windows-1258"));
	assert_non_null(strstr(err.message, "iconv -f CP1258 -t UTF-8"));
	assert_non_null(strstr(err.message, "CSV UTF-8"));
	dti_error_release(&err);
	/* "Đắk Lắk\nBình Định\nThừa Thiên Huế\n" */
	const char *t = "\xD0\xE3\xECk L\xE3\xECk\nBi\xCCnh \xD0i\xF2nh\n"
	                "Th\xFD\xCC"
	                "a Thi\xEAn Hu\xEA\xEC\n";
	assert_int_equal(checks(t, &err), DTI_EENCODING);
	assert_int_equal(err.line, 1);
	assert_int_equal(err.column, 1);
	assert_non_null(strstr(err.message, "Windows-1258"));
	dti_error_release(&err);
}

static void test_tcvn3(void **state)
{
	(void)state;
	struct dti_error err;
	/* "ma,ten\n01,Hà Nội\n" in TCVN3: à = 0xB5, ộ = 0xE9 */
	const char *s = "ma,ten\n01,H\xB5 N\xE9i\n";
	assert_int_equal(checks(s, &err), DTI_EENCODING);
	assert_int_equal(err.line, 2);
	assert_int_equal(err.column, 5);
	assert_non_null(strstr(err.message, "byte 0xB5"));
	assert_non_null(strstr(err.message, "TCVN3"));
	dti_error_release(&err);
	/* "Đắk Lắk,Đà Nẵng\n": Đ = 0xA7, ắ = 0xBE, à = 0xB5, ẵ = 0xBD */
	const char *t = "\xA7\xBEk L\xBEk,\xA7\xB5 N\xBDng\n";
	assert_int_equal(checks(t, &err), DTI_EENCODING);
	assert_non_null(strstr(err.message, "TCVN3"));
	dti_error_release(&err);
}

static void test_vni(void **state)
{
	(void)state;
	struct dti_error err;
	/* "Hà Nội" in VNI: a + 0xF8 (grave), o + 0xE4 (circumflex, dot) */
	const char *s = "01,Ha\xF8 No\xE4i\n";
	assert_int_equal(checks(s, &err), DTI_EENCODING);
	assert_int_equal(err.line, 1);
	assert_int_equal(err.column, 6);
	assert_non_null(strstr(err.message, "VNI"));
	dti_error_release(&err);
	/* "Đắk Lắk,Bà Rịa" */
	const char *t = "\xD1"
	                "a\xE9k La\xE9k,Ba\xF8 R\xF2"
	                "a\n"; /* ị: 0xF2 */
	assert_int_equal(checks(t, &err), DTI_EENCODING);
	assert_non_null(strstr(err.message, "VNI"));
	dti_error_release(&err);
}

static void test_utf16_latin1(void **state)
{
	(void)state;
	struct dti_error err;
	/* "Hà" in UTF-16LE with a BOM */
	assert_int_equal(check("\xFF\xFEH\0\xE0\0", 6, &err), DTI_EENCODING);
	assert_int_equal(err.line, 1);
	assert_int_equal(err.column, 1);
	assert_non_null(strstr(err.message, "UTF-16"));
	assert_non_null(strstr(err.message, "iconv -f UTF-16"));
	dti_error_release(&err);
	assert_int_equal(check("\xFE\xFF\0H\0a", 6, &err), DTI_EENCODING);
	assert_non_null(strstr(err.message, "UTF-16"));
	dti_error_release(&err);
	/* without a BOM: the NUL bytes give it away */
	assert_int_equal(check("i\0d\0,\0n\0", 8, &err), DTI_EENCODING);
	assert_int_equal(err.column, 2);
	assert_non_null(strstr(err.message, "UTF-16"));
	dti_error_release(&err);
	/* French in Latin-1 resembles no Vietnamese encoding */
	assert_int_equal(checks("caf\xE9,cr\xE8me\n", &err), DTI_EENCODING);
	assert_int_equal(err.column, 4);
	assert_non_null(strstr(err.message, "Latin-1"));
	dti_error_release(&err);
}

/* ---- width ----------------------------------------------------------- */

static size_t width(const char *s)
{
	return dti_text_width(s, strlen(s));
}

static void test_width(void **state)
{
	(void)state;
	assert_int_equal(width(""), 0);
	assert_int_equal(width("Ha Noi"), 6);
	assert_int_equal(width("Hà Nội"), 6);
	/* NFD: H a U+0300 space N o U+0302 U+0323 i */
	assert_int_equal(width("Ha\xCC\x80 No\xCC\x82\xCC\xA3i"), 6);
	assert_int_equal(width("Thừa Thiên - Huế"), width("Thua Thien - Hue"));
	assert_int_equal(width("Đắk Lắk"), 7);
	assert_int_equal(width("越南"), 4);
	assert_int_equal(width("a越b"), 4);
	assert_int_equal(width("한국"), 4);
	assert_int_equal(width("ＡＢ"), 4);             /* fullwidth forms */
	assert_int_equal(width("\xF0\x9F\x98\x80"), 2); /* U+1F600 */
	assert_int_equal(width("\xF0\xA0\x80\x80"), 2); /* U+20000 */
	assert_int_equal(width("a\xE3\x80\xBF"
	                       "b"),
	                 3); /* U+303F is narrow */
	assert_int_equal(width("a\xE2\x80\x8B"
	                       "b\xEF\xBB\xBF"),
	                 2);                    /* ZW */
	assert_int_equal(width("a\tb\x1B"), 2); /* controls */
	assert_int_equal(width("a\xC2\x85"
	                       "b"),
	                 2); /* C1 control */
	assert_int_equal(width("a\xFF"
	                       "b"),
	                 3); /* a bad byte: 1 */
	/* the length bounds the string, even mid-sequence */
	assert_int_equal(dti_text_width("Hà Nội", 3), 2);
	assert_int_equal(dti_text_width("Hà Nội", 2), 2);
	assert_int_equal(dti_text_width(NULL, 4), 0);
}

/* ---- escaping for the screen ----------------------------------------- */

static void assert_escape(const char *in, size_t len, const char *want)
{
	struct dti_buf b = DTI_BUF_INIT;
	assert_int_equal(dti_text_escape(&b, in, len, 0), DTI_OK);
	assert_string_equal(b.data ? b.data : "", want);
	assert_int_equal(dti_text_needs_escape(in, len, 0),
	                 strcmp(in, want) != 0);
	dti_buf_release(&b);
}

#define ESC(in, want) assert_escape(in, strlen(in), want)

static void test_escape(void **state)
{
	(void)state;
	ESC("", "");
	ESC("Đà Nẵng", "Đà Nẵng");
	/* NFD Vietnamese and wide characters pass unchanged */
	ESC("Ha\xCC\x80 No\xCC\x82\xCC\xA3i", "Ha\xCC\x80 No\xCC\x82\xCC\xA3i");
	ESC("越南 \xF0\x9F\x98\x80", "越南 \xF0\x9F\x98\x80");
	/* a forged row and a screen clear */
	ESC("ok\n48  Đà Nẵng  approved", "ok\\n48  Đà Nẵng  approved");
	ESC("\x1b[2Jgone", "\\x1b[2Jgone");
	ESC("a\tb\rc\x01\x7f", "a\\tb\\rc\\x01\\x7f");
	/* a backslash is doubled: "\n" typed is not a newline shown */
	ESC("C:\\n", "C:\\\\n");
	/* C1 controls, separators, bidi overrides and isolates */
	ESC("a\xC2\x85"
	    "b\xC2\x9B"
	    "c",
	    "a\\u0085b\\u009bc");
	ESC("x\xE2\x80\xAEgpj.exe", "x\\u202egpj.exe");
	ESC("\xE2\x80\xAA\xE2\x81\xA6\xE2\x81\xA9\xE2\x80\xA8",
	    "\\u202a\\u2066\\u2069\\u2028");
	/* neighbours of the ranges pass */
	ESC("\xC2\xA0\xE2\x80\xAF\xE2\x81\xA5",
	    "\xC2\xA0\xE2\x80\xAF\xE2\x81\xA5");
	/* bytes that are not UTF-8 */
	ESC("a\xFF"
	    "b\xC3",
	    "a\\xffb\\xc3");
	/* the length bounds the input; NUL inside it is escaped */
	assert_escape("a\0b", 3, "a\\x00b");
	assert_int_equal(dti_text_needs_escape("a\0b", 3, 0), 1);
	assert_int_equal(dti_text_needs_escape(NULL, 0, 0), 0);
	/* the width of the escaped text is what a terminal shows */
	struct dti_buf b = DTI_BUF_INIT;
	assert_int_equal(dti_text_escape(&b, "Hà\x1b[2J", 7, 0), DTI_OK);
	assert_int_equal(dti_text_width(b.data, b.len), 9);
	dti_buf_release(&b);
	/* JSON text keeps its own escapes; a raw control is still shown */
	assert_int_equal(
	    dti_text_needs_escape("\"a\\nb\"", 6, DTI_TEXT_ESC_JSON), 0);
	dti_buf_reset(&b);
	assert_int_equal(
	    dti_text_escape(&b, "\"a\\n\xE2\x80\xAE\"", 8, DTI_TEXT_ESC_JSON),
	    DTI_OK);
	assert_string_equal(b.data, "\"a\\n\\u202e\"");
	dti_buf_release(&b);
	/* a full buffer is reported */
	dti_buf_init(&b, 4);
	assert_int_equal(dti_text_escape(&b, "\x1b\x1b", 2, 0), DTI_ELIMIT);
	dti_buf_release(&b);
}

/* ---- fold ------------------------------------------------------------ */

static void assert_fold(const char *in, const char *want)
{
	char out[128];
	size_t n = dti_text_fold(in, out, sizeof out);
	assert_string_equal(out, want);
	assert_int_equal(n, strlen(want));
}

static void test_fold(void **state)
{
	(void)state;
	assert_fold("TP. Thừa Thiên - Huế", "tp thua thien hue");
	assert_fold("Đắk Lắk", "dak lak");
	assert_fold("ĐẮK LẮK", "dak lak");
	assert_fold("Hòa Bình", "hoa binh");
	assert_fold("Hoà Bình", "hoa binh");
	assert_fold("  Bà Rịa–Vũng Tàu ", "ba ria vung tau");
	assert_fold("Bà Rịa - Vũng Tàu", "ba ria vung tau");
	assert_fold("TP.HCM", "tp hcm");
	assert_fold("Quận 1, TP. Hồ Chí Minh", "quan 1 tp ho chi minh");
	assert_fold("Ơ ơ Ư ư Ă ă Â â Ê ê Ô ô", "o o u u a a a a e e o o");
	assert_fold("Quảng Ngãi; Kon Tum", "quang ngai kon tum");
	assert_fold("Nghệ An", "nghe an");
	assert_fold("Ỹ ỵ Ỳ", "y y y");
	assert_fold("", "");
	assert_fold("--- ... ", "");
	assert_fold("東京 Tokyo", "tokyo");
	assert_fold("Straße Æble", "strasse aeble");
	assert_fold("Ｔｐ１", "tp1");
	/* NFD folds like NFC */
	assert_fold("Ha\xCC\x80 No\xCC\x82\xCC\xA3i", "ha noi");
	assert_fold("Tha\xCC\x81i Nguye\xCC\x82n", "thai nguyen");
	/* zero-width characters do not split a word, a ZWSP does */
	assert_fold("Hu\xE2\x80\x8D"
	            "e\xCC\x82\xCC\x81",
	            "hue");
	assert_fold("ab\xE2\x80\x8B"
	            "cd",
	            "ab cd");
	/* bad bytes are separators */
	assert_fold("Ha\xFFNoi", "ha noi");
	assert_fold(NULL, "");
}

static void test_fold_truncation(void **state)
{
	(void)state;
	char out[8];
	memset(out, 'x', sizeof out);
	assert_int_equal(dti_text_fold("Hòa Bình", out, 6), 5);
	assert_string_equal(out, "hoa b");
	/* never ends on a separator */
	assert_int_equal(dti_text_fold("Hòa Bình", out, 5), 3);
	assert_string_equal(out, "hoa");
	assert_int_equal(dti_text_fold("Hòa Bình", out, 1), 0);
	assert_string_equal(out, "");
	assert_int_equal(dti_text_fold("Hòa Bình", out, 0), 0);
}

static void test_fold_tables(void **state)
{
	(void)state;
	/* every Vietnamese letter U+1EA0..U+1EF9 folds to one ASCII vowel */
	for (unsigned c = 0x1EA0; c <= 0x1EF9; c++) {
		char in[4] = {(char)(0xE0 | (c >> 12)),
		              (char)(0x80 | ((c >> 6) & 0x3F)),
		              (char)(0x80 | (c & 0x3F)), 0};
		char out[8];
		assert_int_equal(dti_text_fold(in, out, sizeof out), 1);
		assert_non_null(strchr("aeiouy", out[0]));
	}
	/* and every letter of U+00C0..U+00FF but × and ÷ */
	for (unsigned c = 0xC0; c <= 0xFF; c++) {
		char in[3] = {(char)(0xC0 | (c >> 6)),
		              (char)(0x80 | (c & 0x3F)), 0};
		char out[8];
		size_t n = dti_text_fold(in, out, sizeof out);
		if (c == 0xD7 || c == 0xF7)
			assert_int_equal(n, 0);
		else
			assert_true(n >= 1 && out[0] >= 'a' && out[0] <= 'z');
	}
}

/* ---- collation ------------------------------------------------------- */

static int cmp(const void *a, const void *b)
{
	return dti_text_collate(*(const char *const *)a,
	                        *(const char *const *)b);
}

static void test_collate(void **state)
{
	(void)state;
	/* Vietnamese alphabetical order: a ă â ... d đ ... o ô ơ ... u ư */
	static const char *const want[] = {
	    "An Giang",    "Bà Rịa - Vũng Tàu", "Bạc Liêu",
	    "Bắc Giang",   "Bắc Kạn",           "Bắc Ninh",
	    "Bến Tre",     "Bình Định",         "Cà Mau",
	    "Cao Bằng",    "Cần Thơ",           "Dak Lak",
	    "Duy Tân",     "Đà Nẵng",           "Đắk Lắk",
	    "Điện Biên",   "Đồng Nai",          "Đồng Tháp",
	    "Gia Lai",     "Hà Giang",          "Hà Nội",
	    "Hải Phòng",   "Hậu Giang",         "Hồ Chí Minh",
	    "Hưng Yên",    "Ninh Bình",         "Ninh Thuận",
	    "Quảng Ngãi",  "Sóc Trăng",         "Sơn La",
	    "Tây Ninh",    "Thái Bình",         "Thừa Thiên Huế",
	    "Tuyên Quang", "Yên Bái",
	};
	enum { N = sizeof want / sizeof want[0] };
	const char *v[N];
	/* shuffle deterministically, then sort */
	for (size_t i = 0; i < N; i++)
		v[i] = want[(i * 11 + 3) % N]; /* 11 is prime to N */
	qsort(v, N, sizeof v[0], cmp);
	for (size_t i = 0; i < N; i++)
		assert_string_equal(v[i], want[i]);

	/* đ is a letter after d, not a d with an accent */
	assert_true(dti_text_collate("Dz", "Đa") < 0);
	assert_true(dti_text_collate("Đa", "Dz") > 0);
	assert_true(dti_text_collate("Điện Biên", "Duy Tân") > 0);
	assert_true(dti_text_collate("Ư", "U") > 0);
	assert_true(dti_text_collate("Ơ", "Ô") > 0);
	/* tones are secondary: "Bà" < "Bác" although à sorts after a */
	assert_true(dti_text_collate("Bà", "Bác") < 0);
	assert_int_equal(dti_text_collate("Hà Nội", "Hà Nội"), 0);
	/* NFC and NFD are the same text; the order stays total */
	int r = dti_text_collate("Hòa", "Ho\xCC\x80"
	                                "a");
	assert_int_equal(r, -dti_text_collate("Ho\xCC\x80"
	                                      "a",
	                                      "Hòa"));
	assert_true(dti_text_collate(NULL, "a") < 0);
	assert_int_equal(dti_text_collate(NULL, ""), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_utf8_valid),
	    cmocka_unit_test(test_utf8_malformed),
	    cmocka_unit_test(test_utf8_lines_columns),
	    cmocka_unit_test(test_windows_1258),
	    cmocka_unit_test(test_tcvn3),
	    cmocka_unit_test(test_vni),
	    cmocka_unit_test(test_utf16_latin1),
	    cmocka_unit_test(test_width),
	    cmocka_unit_test(test_escape),
	    cmocka_unit_test(test_fold),
	    cmocka_unit_test(test_fold_truncation),
	    cmocka_unit_test(test_fold_tables),
	    cmocka_unit_test(test_collate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
