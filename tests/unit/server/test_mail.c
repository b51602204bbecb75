/*
 * tests/unit/server/test_mail.c - the message src/server/mail.c writes:
 * headers, RFC 2047 encoded-words cut between UTF-8 characters,
 * quoted-printable lines, and the refusals that keep a value from adding
 * a header.  Nothing is sent (tests/mail sends to a local sink).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail.h"

static const struct srv_mail_config cfg = {
    "smtp://127.0.0.1:2525", "DTI Đà Nẵng <dti@example.org>", NULL, NULL, 0, 0};

/* 2026-12-02T07:17:58Z */
#define WHEN ((time_t)1796195878)

static char *build(const struct srv_mail_config *c, const char *to,
                   const char *subject, const char *body,
                   enum srv_mail_status want, char *why, size_t n)
{
	struct dti_buf b = DTI_BUF_INIT;
	enum srv_mail_status st =
	    srv_mail_build(c, to, subject, body, WHEN, &b, why, n);
	assert_int_equal(st, want);
	if (st != SRV_MAIL_OK) {
		dti_buf_release(&b);
		return NULL;
	}
	dti_buf_addc(&b, '\0');
	return b.data;
}

/* Decodes base64 (no checks: the writer's own output). */
static size_t unbase64(const char *s, size_t n, unsigned char *out)
{
	static const char a[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t o = 0;
	unsigned v = 0;
	int bits = 0;
	for (size_t i = 0; i < n && s[i] != '='; i++) {
		v = (v << 6) | (unsigned)(strchr(a, s[i]) - a);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(v >> bits);
		}
	}
	return o;
}

static void test_headers(void **state)
{
	(void)state;
	char why[256];
	char *m = build(&cfg, "lan@example.org", "Plain subject", "Hello\n",
	                SRV_MAIL_OK, why, sizeof why);
	assert_non_null(strstr(m, "Date: Wed, 02 Dec 2026 07:17:58 +0000\r\n"));
	assert_non_null(strstr(m, "From: =?UTF-8?B?RFRJIMSQw6AgTuG6tW5n?= "
	                          "<dti@example.org>\r\n"));
	assert_non_null(strstr(m, "\r\nTo: <lan@example.org>\r\n"));
	assert_non_null(strstr(m, "\r\nSubject: Plain subject\r\n"));
	assert_non_null(strstr(m, "\r\nMessage-ID: <"));
	assert_non_null(strstr(m, ".1796195878@example.org>\r\n"));
	assert_non_null(strstr(m, "\r\nMIME-Version: 1.0\r\n"));
	assert_non_null(
	    strstr(m, "\r\nContent-Type: text/plain; charset=UTF-8\r\n"));
	assert_non_null(
	    strstr(m, "\r\nContent-Transfer-Encoding: quoted-printable\r\n"));
	assert_non_null(strstr(m, "\r\n\r\nHello\r\n"));
	free(m);
	/* an ASCII display name is a quoted string */
	struct srv_mail_config c2 = cfg;
	c2.from = "The \"DTI\" office <dti@example.org>";
	m = build(&c2, "lan@example.org", "s", "", SRV_MAIL_OK, why,
	          sizeof why);
	assert_non_null(
	    strstr(m, "From: \"The \\\"DTI\\\" office\" <dti@example.org>"));
	free(m);
}

/* Every encoded-word decodes to whole characters, and together to s. */
static void test_subject_words(void **state)
{
	(void)state;
	char why[256];
	const char *subject = "[DTI] Còn 7 ngày đến hạn thẩm định của kỳ "
	                      "dti-2022 / Review deadline of dti-2022 in 7 "
	                      "days: Đắk Lắk, Thừa Thiên Huế";
	char *m = build(&cfg, "a@example.org", subject, "", SRV_MAIL_OK, why,
	                sizeof why);
	char *h = strstr(m, "\r\nSubject: ") + 11;
	char *end = strstr(h, "\r\nMessage-ID:");
	unsigned char all[1024];
	size_t n = 0;
	int words = 0;
	for (char *p = h; p < end;) {
		char *w = strstr(p, "=?UTF-8?B?");
		if (!w || w >= end)
			break;
		w += 10;
		char *q = strstr(w, "?=");
		unsigned char part[256];
		size_t k = unbase64(w, (size_t)(q - w), part);
		/* a word starts on a character: never a continuation byte */
		assert_true((part[0] & 0xC0) != 0x80);
		/* and ends on one: the next word starts a character too */
		memcpy(all + n, part, k);
		n += k;
		words++;
		p = q + 2;
	}
	all[n] = '\0';
	assert_true(words > 1);
	assert_string_equal((char *)all, subject);
	/* lines within 78 characters */
	for (char *l = m; *l;) {
		char *e = strstr(l, "\r\n");
		assert_non_null(e);
		assert_true(e - l <= 78);
		l = e + 2;
	}
	free(m);
}

static void test_quoted_printable(void **state)
{
	(void)state;
	char why[256];
	char long_line[400];
	memset(long_line, 'x', 300);
	long_line[300] = '\0';
	char body[800];
	snprintf(body, sizeof body,
	         "Đà Nẵng = 48\n.leading dot\ntrailing space \n%s\r\nend",
	         long_line);
	char *m = build(&cfg, "a@example.org", "s", body, SRV_MAIL_OK, why,
	                sizeof why);
	char *b = strstr(m, "\r\n\r\n") + 4;
	assert_non_null(
	    strstr(b, "=C4=90=C3=A0 N=E1=BA=B5ng =3D 48\r\n=2Eleading dot\r\n"
	              "trailing space=20\r\n"));
	assert_non_null(strstr(b, "\r\nend\r\n"));
	/* 7-bit, lines of at most 76, soft breaks ending in '=' */
	size_t soft = 0;
	for (char *l = b; *l;) {
		char *e = strstr(l, "\r\n");
		assert_non_null(e);
		assert_true(e - l <= 76);
		if (e > l && e[-1] == '=')
			soft++;
		l = e + 2;
	}
	assert_true(soft >= 3);
	for (const unsigned char *p = (const unsigned char *)m; *p; p++)
		assert_true(*p < 0x80);
	free(m);
}

static void test_refusals(void **state)
{
	(void)state;
	char why[256];
	/* a line break in the subject would add a header */
	build(&cfg, "a@example.org", "hi\r\nBcc: evil@example.org", "",
	      SRV_MAIL_INVALID, why, sizeof why);
	assert_non_null(strstr(why, "subject"));
	build(&cfg, "a@example.org", "hi\nX: y", "", SRV_MAIL_INVALID, why,
	      sizeof why);
	static const char *const bad_to[] = {
	    "a@example.org\r\nBcc: b@example.org",
	    "a@example.org>, <b@x.org",
	    "no-at",
	    "a b@example.org",
	    "",
	    "@example.org",
	    "a@"};
	for (size_t i = 0; i < sizeof bad_to / sizeof bad_to[0]; i++) {
		build(&cfg, bad_to[i], "s", "", SRV_MAIL_INVALID, why,
		      sizeof why);
		assert_non_null(strstr(why, "recipient"));
	}
	static const char *const bad_from[] = {
	    "DTI <dti@example.org>\r\nBcc: evil@example.org",
	    "DTI\r\n <dti@example.org>", "DTI <dti@example.org", "DTI",
	    "<a@b@example.org>"};
	for (size_t i = 0; i < sizeof bad_from / sizeof bad_from[0]; i++) {
		struct srv_mail_config c = cfg;
		c.from = bad_from[i];
		build(&c, "a@example.org", "s", "", SRV_MAIL_INVALID, why,
		      sizeof why);
		assert_non_null(strstr(why, "sender"));
	}
	/* sending refuses a relay that is not SMTP before connecting */
	struct srv_mail_config c = cfg;
	c.url = "http://127.0.0.1/";
	assert_int_equal(
	    srv_mail_send(&c, "a@example.org", "s", "b", why, sizeof why),
	    SRV_MAIL_INVALID);
	assert_non_null(strstr(why, "smtp://"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_headers),
	    cmocka_unit_test(test_subject_words),
	    cmocka_unit_test(test_quoted_printable),
	    cmocka_unit_test(test_refusals),
	};
	return cmocka_run_group_tests_name("mail", tests, NULL, NULL);
}
