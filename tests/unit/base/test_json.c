/*
 * tests/unit/base/test_json.c - the JSON writer of dti/json.h.
 *
 * What it writes is read back by a second parser (jansson) and compared
 * value by value, and compared byte for byte where the form matters
 * (escapes, numbers, separators).  Misuse, nesting limits, a full buffer
 * and the locale are checked to fail or hold as the header says.
 */

/* cmocka.h needs these headers first, in this order */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include <jansson.h>
#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "testutil.h"

static void test_document(void **state)
{
	(void)state;
	struct dti_buf b = DTI_BUF_INIT;
	struct dti_json j;
	dti_json_init(&j, &b);
	dti_json_object_begin(&j);
	dti_json_key(&j, "unit");
	dti_json_string(&j, "Đà Nẵng");
	dti_json_key(&j, "value");
	dti_json_fixed(&j, 0.80025, 4);
	dti_json_key(&j, "ranks");
	dti_json_array_begin(&j);
	dti_json_int(&j, 1);
	dti_json_int(&j, -2);
	dti_json_null(&j);
	dti_json_array_begin(&j);
	dti_json_array_end(&j);
	dti_json_object_begin(&j);
	dti_json_object_end(&j);
	dti_json_array_end(&j);
	dti_json_key(&j, "ok");
	dti_json_bool(&j, 1);
	dti_json_key(&j, "missing");
	dti_json_double(&j, NAN);
	dti_json_key(&j, "raw");
	dti_json_raw(&j, "{\"a\":[1,2]}");
	dti_json_key(&j, "none");
	dti_json_string(&j, NULL);
	dti_json_object_end(&j);
	assert_int_equal(dti_json_finish(&j, NULL), DTI_OK);
	assert_string_equal(
	    b.data, "{\"unit\":\"Đà Nẵng\",\"value\":0.8003,\"ranks\":[1,-2,"
	            "null,[],{}],\"ok\":true,\"missing\":null,\"raw\":{\"a\":"
	            "[1,2]},\"none\":null}");
	/* a second parser reads the same document */
	json_error_t je;
	json_t *doc = json_loads(b.data, 0, &je);
	assert_non_null(doc);
	assert_string_equal(json_string_value(json_object_get(doc, "unit")),
	                    "Đà Nẵng");
	assert_true(json_real_value(json_object_get(doc, "value")) == 0.8003);
	assert_int_equal(json_array_size(json_object_get(doc, "ranks")), 5);
	assert_true(json_is_null(json_object_get(doc, "missing")));
	json_decref(doc);
	dti_buf_release(&b);
}

/* Every byte from 1 to 127 and some UTF-8, escaped and read back. */
static void test_escapes(void **state)
{
	(void)state;
	char s[160];
	size_t n = 0;
	for (int c = 1; c < 128; c++)
		s[n++] = (char)c;
	memcpy(s + n, "ệĐ\xe2\x80\xa8", 8);
	n += 8;
	s[n] = '\0';
	struct dti_buf b = DTI_BUF_INIT;
	struct dti_json j;
	dti_json_init(&j, &b);
	dti_json_array_begin(&j);
	dti_json_string(&j, s);
	dti_json_stringn(&j, "ab\0cd", 5);
	dti_json_array_end(&j);
	assert_int_equal(dti_json_finish(&j, NULL), DTI_OK);
	/* no raw control character in the text */
	for (size_t i = 0; i < b.len; i++)
		assert_true((unsigned char)b.data[i] >= 0x20);
	assert_non_null(strstr(b.data, "\\u0001\\u0002"));
	assert_non_null(strstr(b.data, "\\t\\n\\u000b\\u000c\\r"));
	assert_non_null(strstr(b.data, "!\\\"#"));
	assert_non_null(strstr(b.data, "[\\\\]"));
	json_error_t je;
	json_t *doc = json_loadb(b.data, b.len, JSON_ALLOW_NUL, &je);
	assert_non_null(doc);
	assert_string_equal(json_string_value(json_array_get(doc, 0)), s);
	assert_int_equal(json_string_length(json_array_get(doc, 1)), 5);
	assert_memory_equal(json_string_value(json_array_get(doc, 1)), "ab\0cd",
	                    5);
	json_decref(doc);
	/* the same escapes for code that quotes by hand */
	struct dti_buf q = DTI_BUF_INIT;
	assert_int_equal(dti_json_quote(&q, s), DTI_OK);
	assert_int_equal(strncmp(b.data + 1, q.data, q.len), 0);
	dti_buf_release(&q);
	dti_buf_release(&b);
}

static const char *one_number(struct dti_buf *b, int kind, double v, int d)
{
	dti_buf_reset(b);
	struct dti_json j;
	dti_json_init(&j, b);
	if (kind == 0)
		dti_json_double(&j, v);
	else if (kind == 1)
		dti_json_fixed(&j, v, d);
	else
		dti_json_decimal(&j, v, d);
	assert_int_equal(dti_json_finish(&j, NULL), DTI_OK);
	return b->data;
}

/* Numbers: shortest, fixed, trimmed; NaN and infinities are null. */
static void test_numbers(void **state)
{
	(void)state;
	struct dti_buf b = DTI_BUF_INIT;
	assert_string_equal(one_number(&b, 0, 0.85, 0), "0.85");
	assert_string_equal(one_number(&b, 0, 1000, 0), "1000");
	assert_string_equal(one_number(&b, 0, 0.1 + 0.2, 0),
	                    "0.30000000000000004");
	assert_string_equal(one_number(&b, 0, -0.0, 0), "-0");
	assert_string_equal(one_number(&b, 0, INFINITY, 0), "null");
	assert_string_equal(one_number(&b, 1, 0.67354, 4), "0.6735");
	assert_string_equal(one_number(&b, 1, 12.5, 2), "12.50");
	assert_string_equal(one_number(&b, 1, NAN, 4), "null");
	assert_string_equal(one_number(&b, 2, 716.30, 6), "716.3");
	assert_string_equal(one_number(&b, 2, 5, 6), "5");
	assert_string_equal(one_number(&b, 2, -INFINITY, 6), "null");
	/* a decimal-comma locale changes nothing */
	if (setlocale(LC_ALL, "vi_VN.UTF-8") ||
	    setlocale(LC_ALL, "de_DE.UTF-8")) {
		assert_string_equal(one_number(&b, 0, 0.85, 0), "0.85");
		assert_string_equal(one_number(&b, 1, 0.85, 3), "0.850");
		setlocale(LC_ALL, "C");
	}
	/* each number read back is the same double */
	for (int i = 1; i < 2000; i++) {
		double v = 1.0 / i * (i % 2 ? 1 : -1e5);
		json_error_t je;
		json_t *x =
		    json_loads(one_number(&b, 0, v, 0), JSON_DECODE_ANY, &je);
		assert_non_null(x);
		assert_true(json_number_value(x) == v);
		json_decref(x);
	}
	dti_buf_release(&b);
}

/* Misuse is refused, sticks, and is reported by finish. */
static void test_misuse(void **state)
{
	(void)state;
	struct dti_buf b = DTI_BUF_INIT;
	struct dti_json j;
	struct dti_error err = DTI_ERROR_INIT;

	dti_json_init(&j, &b); /* a value where a key is due */
	dti_json_object_begin(&j);
	assert_int_equal(dti_json_int(&j, 1), DTI_EARG);
	assert_int_equal(dti_json_key(&j, "a"), DTI_EARG); /* sticky */
	dti_json_object_end(&j);
	assert_int_equal(dti_json_finish(&j, &err), DTI_EARG);
	assert_non_null(strstr(err.message, "out of order"));
	dti_error_release(&err);

	dti_buf_reset(&b); /* a key in an array; a mismatched end */
	dti_json_init(&j, &b);
	dti_json_array_begin(&j);
	assert_int_equal(dti_json_key(&j, "a"), DTI_EARG);
	dti_buf_reset(&b);
	dti_json_init(&j, &b);
	dti_json_array_begin(&j);
	assert_int_equal(dti_json_object_end(&j), DTI_EARG);

	dti_buf_reset(&b); /* left open; a key without its value */
	dti_json_init(&j, &b);
	dti_json_object_begin(&j);
	assert_int_equal(dti_json_finish(&j, NULL), DTI_EARG);
	dti_json_init(&j, &b);
	dti_json_object_begin(&j);
	dti_json_key(&j, "k");
	assert_int_equal(dti_json_object_end(&j), DTI_EARG);

	dti_buf_reset(&b); /* too deep */
	dti_json_init(&j, &b);
	for (int d = 0; d < DTI_JSON_MAX_DEPTH; d++)
		assert_int_equal(dti_json_array_begin(&j), DTI_OK);
	assert_int_equal(dti_json_array_begin(&j), DTI_EARG);
	dti_buf_release(&b);
}

/* A buffer with a limit: the writer reports the limit, never a cut text. */
static void test_limit(void **state)
{
	(void)state;
	for (size_t cap = 1; cap < 40; cap++) {
		struct dti_buf b;
		dti_buf_init(&b, cap);
		struct dti_json j;
		dti_json_init(&j, &b);
		dti_json_object_begin(&j);
		dti_json_key(&j, "name");
		dti_json_string(&j, "Thừa Thiên Huế");
		dti_json_object_end(&j);
		struct dti_error err = DTI_ERROR_INIT;
		enum dti_status st = dti_json_finish(&j, &err);
		size_t whole = strlen("{\"name\":\"Thừa Thiên Huế\"}");
		if (cap < whole) {
			assert_int_equal(st, DTI_ELIMIT);
			assert_non_null(strstr(err.message, "limit"));
		} else {
			assert_int_equal(st, DTI_OK);
		}
		dti_error_release(&err);
		dti_buf_release(&b);
	}
}

/* Top-level values one after another: NDJSON with the caller's '\n'. */
static void test_ndjson(void **state)
{
	(void)state;
	struct dti_buf b = DTI_BUF_INIT;
	struct dti_json j;
	dti_json_init(&j, &b);
	for (int i = 0; i < 3; i++) {
		dti_json_object_begin(&j);
		dti_json_key(&j, "i");
		dti_json_int(&j, i);
		dti_json_object_end(&j);
		dti_buf_addc(&b, '\n');
	}
	assert_int_equal(dti_json_finish(&j, NULL), DTI_OK);
	assert_string_equal(b.data, "{\"i\":0}\n{\"i\":1}\n{\"i\":2}\n");
	dti_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_document), cmocka_unit_test(test_escapes),
	    cmocka_unit_test(test_numbers),  cmocka_unit_test(test_misuse),
	    cmocka_unit_test(test_limit),    cmocka_unit_test(test_ndjson),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
