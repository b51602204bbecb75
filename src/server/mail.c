/*
 * src/server/mail.c - one plain-text e-mail through an SMTP relay, with
 * libcurl's SMTP (see mail.h).
 *
 * Why quoted-printable: notices are Vietnamese, and a relay that does not
 * offer 8BITMIME may mangle 8-bit bodies; quoted-printable keeps every
 * line 7-bit and at most 76 characters, and costs little on mostly-ASCII
 * text.  Why encoded-words for the subject and a display name: headers
 * are ASCII (RFC 5322); RFC 2047's "=?UTF-8?B?...?=" carries UTF-8,
 * each word at most 75 characters, split only between characters.
 *
 * Invariant: nothing the caller gives reaches the message or the SMTP
 * dialogue unchecked: addresses are bare local@domain without spaces,
 * brackets or control characters, and a subject or sender holding CR, LF
 * or another control character is refused, so that no value can add a
 * header or a recipient.
 */
#include "mail.h"

/* calls go through a table (below): curl.h's checking macros would not */
#define CURL_DISABLE_TYPECHECK
#include <curl/curl.h>
#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dti/dti.h"

/* ---- libcurl, opened when mail is first sent ------------------------------
 */

/*
 * libcurl and the libraries it needs are opened by srv_mail_init (dlopen),
 * so that commands that send no mail do not load them.
 */
#define CURL_FUNCS(X)                                                          \
	X(curl_easy_cleanup)                                                   \
	X(curl_easy_init)                                                      \
	X(curl_easy_perform)                                                   \
	X(curl_easy_setopt)                                                    \
	X(curl_easy_strerror)                                                  \
	X(curl_global_cleanup)                                                 \
	X(curl_global_init)                                                    \
	X(curl_slist_append)                                                   \
	X(curl_slist_free_all)

#ifndef DTI_LIBCURL_SONAME
#define DTI_LIBCURL_SONAME "libcurl.so.4"
#endif

static struct {
#define X(f) __typeof__(f) *f;
	CURL_FUNCS(X)
#undef X
} cu;
static char cu_fault[256]; /* why libcurl could not be loaded, else "" */

static int curl_load(void)
{
	void *h = dlopen(DTI_LIBCURL_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		const char *e = dlerror();
		snprintf(cu_fault, sizeof cu_fault, "%s", e ? e : "not found");
		return -1;
	}
	void *sym;
#define X(f)                                                                   \
	if (!(sym = dlsym(h, #f))) {                                           \
		snprintf(cu_fault, sizeof cu_fault, "%s has no %s",            \
		         DTI_LIBCURL_SONAME, #f);                              \
		return -1;                                                     \
	}                                                                      \
	memcpy(&cu.f, &sym, sizeof cu.f);
	CURL_FUNCS(X)
#undef X
	return 0;
}

const char *srv_mail_fault(void)
{
	return cu_fault;
}

/* ---- checks -------------------------------------------------------------- */

static void say(char *errbuf, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void say(char *errbuf, size_t errlen, const char *fmt, ...)
{
	if (!errbuf || !errlen)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(errbuf, errlen, fmt, ap);
	va_end(ap);
}

/* A control character (CR and LF above all) anywhere in s. */
static int has_control(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 1;
	return 0;
}

/* A bare address local@domain as SMTP carries it. */
static int address_ok(const char *a, size_t n)
{
	const char *at = memchr(a, '@', n);
	if (n == 0 || n > 254 || !at || at == a || at == a + n - 1)
		return 0;
	if (memchr(at + 1, '@', n - (size_t)(at + 1 - a)))
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)a[i];
		if (c <= ' ' || c == 0x7f || strchr("\"<>(),;:\\[]", c))
			return 0;
	}
	return 1;
}

/*
 * Splits "Name <addr>" or "addr" into the display name (may be empty) and
 * the address; 0 when it is neither.
 */
static int parse_from(const char *from, const char **name, size_t *nlen,
                      const char **addr, size_t *alen)
{
	const char *lt = strrchr(from, '<');
	if (!lt) {
		*name = from;
		*nlen = 0;
		*addr = from;
		*alen = strlen(from);
		return address_ok(from, *alen);
	}
	const char *gt = strchr(lt, '>');
	if (!gt || gt[1])
		return 0;
	*addr = lt + 1;
	*alen = (size_t)(gt - lt - 1);
	*name = from;
	size_t n = (size_t)(lt - from);
	while (n && from[n - 1] == ' ')
		n--;
	*nlen = n;
	return address_ok(*addr, *alen);
}

/* ---- encodings ----------------------------------------------------------- */

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void base64(struct dti_buf *b, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16;
		if (i + 1 < n)
			v |= (unsigned)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		char q[4] = {b64[(v >> 18) & 63], b64[(v >> 12) & 63],
		             i + 1 < n ? b64[(v >> 6) & 63] : '=',
		             i + 2 < n ? b64[v & 63] : '='};
		dti_buf_add(b, q, 4);
	}
}

static int is_ascii(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return 0;
	return 1;
}

/*
 * Text as RFC 2047 encoded-words of at most 39 bytes each (52 base64
 * characters, 64 with the delimiters: a line stays within 78 characters
 * after "Subject: " or "From: "), cut between UTF-8 characters, folded
 * onto continuation lines.
 */
static void encoded_words(struct dti_buf *b, const char *s, size_t n)
{
	size_t i = 0;
	int first = 1;
	while (i < n) {
		size_t take = n - i < 39 ? n - i : 39;
		/* back to the start of a character */
		while (take < n - i && take > 0 &&
		       ((unsigned char)s[i + take] & 0xC0) == 0x80)
			take--;
		if (!take)
			take = n - i < 39 ? n - i : 39;
		if (!first)
			dti_buf_adds(b, "\r\n ");
		dti_buf_adds(b, "=?UTF-8?B?");
		base64(b, (const unsigned char *)s + i, take);
		dti_buf_adds(b, "?=");
		i += take;
		first = 0;
	}
}

/* A display name: a quoted string when ASCII, else encoded-words. */
static void display_name(struct dti_buf *b, const char *s, size_t n)
{
	if (!is_ascii(s, n)) {
		encoded_words(b, s, n);
		return;
	}
	dti_buf_addc(b, '"');
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"' || s[i] == '\\')
			dti_buf_addc(b, '\\');
		dti_buf_addc(b, s[i]);
	}
	dti_buf_addc(b, '"');
}

/*
 * The body as quoted-printable (RFC 2045): '\n' ends a line (CRLF), lines
 * at most 76 characters with soft breaks, '=' and bytes outside printable
 * ASCII as =XX, a space or tab before a line end encoded, and a '.' at
 * the start of a line encoded too (some relays mishandle it).
 */
static void quoted_printable(struct dti_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t col = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		unsigned c = *p;
		if (c == '\r' && p[1] == '\n')
			continue;
		if (c == '\n') {
			dti_buf_adds(b, "\r\n");
			col = 0;
			continue;
		}
		int at_end = p[1] == '\0' || p[1] == '\n' ||
		             (p[1] == '\r' && p[2] == '\n');
		int plain =
		    c >= 33 && c <= 126 && c != '=' && !(c == '.' && col == 0);
		if ((c == ' ' || c == '\t') && !at_end)
			plain = 1;
		size_t w = plain ? 1 : 3;
		if (col + w > 75) {
			dti_buf_adds(b, "=\r\n");
			col = 0;
			if (c == '.')
				plain = 0, w = 3;
		}
		if (plain) {
			dti_buf_addc(b, (char)c);
		} else {
			char e[3] = {'=', hex[c >> 4], hex[c & 15]};
			dti_buf_add(b, e, 3);
		}
		col += w;
	}
	if (col)
		dti_buf_adds(b, "\r\n");
}

/* "Wed, 02 Dec 2026 07:17:58 +0000", whatever the locale. */
static void rfc5322_date(struct dti_buf *b, time_t when)
{
	static const char days[] = "SunMonTueWedThuFriSat";
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	struct tm tm;
	gmtime_r(&when, &tm);
	dti_buf_addf(b, "%.3s, %02d %.3s %04d %02d:%02d:%02d +0000",
	             days + 3 * tm.tm_wday, tm.tm_mday, months + 3 * tm.tm_mon,
	             tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* 16 random hex digits for a Message-ID. */
static void random_hex(char out[17], time_t when)
{
	unsigned char r[8] = {0};
	FILE *f = fopen("/dev/urandom", "rb");
	size_t got = f ? fread(r, 1, sizeof r, f) : 0;
	if (f)
		fclose(f);
	if (got != sizeof r) {
		/* no device: the time and the address of a local variable */
		unsigned long long v =
		    (unsigned long long)when ^ (unsigned long long)(size_t)&got;
		memcpy(r, &v, sizeof r);
	}
	for (int i = 0; i < 8; i++)
		snprintf(out + 2 * i, 3, "%02x", r[i]);
}

/* ---- the message ------------------------------------------------------- */

enum srv_mail_status srv_mail_build(const struct srv_mail_config *cfg,
                                    const char *to, const char *subject,
                                    const char *body_text, time_t when,
                                    struct dti_buf *out, char *errbuf,
                                    size_t errlen)
{
	const char *name, *addr;
	size_t nlen, alen;
	if (!cfg || !cfg->from || has_control(cfg->from) ||
	    !parse_from(cfg->from, &name, &nlen, &addr, &alen)) {
		say(errbuf, errlen,
		    "the sender '%s' is not an address (name@domain or "
		    "Name <name@domain>)",
		    cfg && cfg->from ? cfg->from : "");
		return SRV_MAIL_INVALID;
	}
	if (!to || !address_ok(to, strlen(to))) {
		say(errbuf, errlen, "the recipient '%s' is not an address",
		    to ? to : "");
		return SRV_MAIL_INVALID;
	}
	if (!subject || has_control(subject)) {
		say(errbuf, errlen,
		    "the subject holds a line break or a control "
		    "character");
		return SRV_MAIL_INVALID;
	}
	struct dti_buf *b = out;
	dti_buf_adds(b, "Date: ");
	rfc5322_date(b, when);
	dti_buf_adds(b, "\r\nFrom: ");
	if (nlen) {
		display_name(b, name, nlen);
		dti_buf_adds(b, " ");
	}
	dti_buf_addf(b, "<%.*s>\r\nTo: <%s>\r\nSubject: ", (int)alen, addr, to);
	size_t slen = strlen(subject);
	if (is_ascii(subject, slen) && slen <= 68)
		dti_buf_adds(b, subject);
	else
		encoded_words(b, subject, slen);
	char id[17];
	random_hex(id, when);
	const char *domain = (const char *)memchr(addr, '@', alen) + 1;
	dti_buf_addf(b, "\r\nMessage-ID: <%s.%lld@%.*s>\r\n", id,
	             (long long)when, (int)(alen - (size_t)(domain - addr)),
	             domain);
	dti_buf_adds(b, "MIME-Version: 1.0\r\n"
	                "Content-Type: text/plain; charset=UTF-8\r\n"
	                "Content-Transfer-Encoding: quoted-printable\r\n"
	                "Auto-Submitted: auto-generated\r\n"
	                "\r\n");
	quoted_printable(b, body_text ? body_text : "");
	if (dti_buf_status(b) != DTI_OK) {
		say(errbuf, errlen, "out of memory");
		return SRV_MAIL_NOMEM;
	}
	return SRV_MAIL_OK;
}

/* ---- sending ------------------------------------------------------------- */

struct upload {
	const char *p;
	size_t left;
};

static size_t read_cb(char *dst, size_t size, size_t nmemb, void *ctx)
{
	struct upload *u = ctx;
	size_t room = size * nmemb;
	size_t n = u->left < room ? u->left : room;
	memcpy(dst, u->p, n);
	u->p += n;
	u->left -= n;
	return n;
}

int srv_mail_init(void)
{
	if (!cu.curl_global_init && curl_load() != 0)
		return -1;
	return cu.curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

void srv_mail_cleanup(void)
{
	if (cu.curl_global_cleanup)
		cu.curl_global_cleanup();
}

enum srv_mail_status srv_mail_send(const struct srv_mail_config *cfg,
                                   const char *to, const char *subject,
                                   const char *body_text, char *errbuf,
                                   size_t errlen)
{
	if (errbuf && errlen)
		errbuf[0] = '\0';
	if (!cfg || !cfg->url ||
	    (strncmp(cfg->url, "smtp://", 7) != 0 &&
	     strncmp(cfg->url, "smtps://", 8) != 0) ||
	    has_control(cfg->url)) {
		say(errbuf, errlen,
		    "the relay '%s' is not an smtp:// or smtps:// URL",
		    cfg && cfg->url ? cfg->url : "");
		return SRV_MAIL_INVALID;
	}
	if ((cfg->username && has_control(cfg->username)) ||
	    (cfg->password && has_control(cfg->password))) {
		say(errbuf, errlen,
		    "the relay's user or password holds a control "
		    "character");
		return SRV_MAIL_INVALID;
	}
	struct dti_buf msg = DTI_BUF_INIT;
	dti_buf_init(&msg, (size_t)4 << 20);
	enum srv_mail_status rc = srv_mail_build(
	    cfg, to, subject, body_text, time(NULL), &msg, errbuf, errlen);
	if (rc != SRV_MAIL_OK) {
		dti_buf_release(&msg);
		return rc;
	}
	const char *name, *addr;
	size_t nlen, alen;
	parse_from(cfg->from, &name, &nlen, &addr, &alen);
	char from_env[260], to_env[260];
	snprintf(from_env, sizeof from_env, "<%.*s>", (int)alen, addr);
	snprintf(to_env, sizeof to_env, "<%s>", to);

	CURL *c = cu.curl_easy_init();
	struct curl_slist *rcpt = cu.curl_slist_append(NULL, to_env);
	if (!c || !rcpt) {
		if (c)
			cu.curl_easy_cleanup(c);
		cu.curl_slist_free_all(rcpt);
		dti_buf_release(&msg);
		say(errbuf, errlen, "out of memory");
		return SRV_MAIL_NOMEM;
	}
	char cerr[CURL_ERROR_SIZE] = "";
	struct upload up = {msg.data, msg.len};
	long timeout = cfg->timeout > 0 ? cfg->timeout : 30;
	cu.curl_easy_setopt(c, CURLOPT_URL, cfg->url);
	cu.curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	cu.curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	cu.curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
	cu.curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, timeout);
	cu.curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout);
	cu.curl_easy_setopt(c, CURLOPT_MAIL_FROM, from_env);
	cu.curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	cu.curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	cu.curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
	cu.curl_easy_setopt(c, CURLOPT_READDATA, &up);
	cu.curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)msg.len);
	if (cfg->starttls)
		cu.curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	if (cfg->username) {
		cu.curl_easy_setopt(c, CURLOPT_USERNAME, cfg->username);
		cu.curl_easy_setopt(c, CURLOPT_PASSWORD,
		                    cfg->password ? cfg->password : "");
	}
	CURLcode res = cu.curl_easy_perform(c);
	if (res != CURLE_OK) {
		if (errbuf && errlen)
			snprintf(errbuf, errlen, "%s: %s", cfg->url,
			         cerr[0] ? cerr : cu.curl_easy_strerror(res));
		rc = SRV_MAIL_SEND;
	}
	cu.curl_slist_free_all(rcpt);
	cu.curl_easy_cleanup(c);
	dti_buf_release(&msg);
	return rc;
}

/* ---- time in Vietnam ------------------------------------------------------
 */

static long days_from_civil(long y, long m, long d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

static void civil_from_days(long z, long *y, long *m, long *d)
{
	z += 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yoe + era * 400 + (*m <= 2);
}

/* "YYYY-MM-DDTHH:MM:SSZ" (UTC) as "YYYY-MM-DD HH:MM" in UTC+7. */
void srv_vn_time(const char *utc, char out[64])
{
	if (!dti_timestamp_valid(utc)) {
		snprintf(out, 64, "%.16s", utc ? utc : "");
		return;
	}
	long y = strtol(utc, NULL, 10), mo = strtol(utc + 5, NULL, 10),
	     d = strtol(utc + 8, NULL, 10), h = strtol(utc + 11, NULL, 10),
	     mi = strtol(utc + 14, NULL, 10);
	long day = days_from_civil(y, mo, d);
	h += 7;
	if (h >= 24) {
		h -= 24;
		day++;
	}
	civil_from_days(day, &y, &mo, &d);
	snprintf(out, 64, "%04d-%02d-%02d %02d:%02d", (int)y, (int)mo, (int)d,
	         (int)h, (int)mi);
}

/* ---- a notice as a message ---------------------------------------------- */

void srv_notice_message(const struct dti_notice_mail *m,
                        struct dti_buf *subject, struct dti_buf *body)
{
	const struct dti_notice *n = m->notice;
	const char *who = *m->display_name ? m->display_name : m->user;
	char t[64];
	srv_vn_time(n->at, t);
	dti_buf_reset(subject);
	dti_buf_addf(subject, "[DTI] %s / %s", n->title_vi, n->title_en);
	dti_buf_addc(subject, '\0');
	dti_buf_reset(body);
	dti_buf_addf(body,
	             "Xin chào %s,\n\n%s\n\n"
	             "Hello %s,\n\n%s\n\n"
	             "Kỳ đánh giá / Cycle: %s\n"
	             "Thời điểm / Time: %s (UTC+7)\n"
	             "Mã thông báo / Notice: %s\n\n"
	             "-- \n"
	             "Thư gửi tự động từ dti; 'dti notices' liệt kê các "
	             "thông báo.\n"
	             "Sent automatically by dti; 'dti notices' lists the "
	             "notices.\n",
	             who, n->text_vi, who, n->text_en, n->cycle, t, n->key);
	dti_buf_addc(body, '\0');
}
