/*
 * src/server/mail.h - sending one e-mail through an SMTP relay (libcurl).
 *
 * The server (and 'dti notices mail') hands notices to a relay the
 * deployment names: smtp://host:port (optionally upgraded with STARTTLS)
 * or smtps://host:port, a sender, and optionally a user and password for
 * AUTH.  One call is one message to one recipient: a plain-text RFC 5322
 * message with Date, From, To, Subject (RFC 2047 encoded-words when it is
 * not ASCII), Message-ID, MIME-Version, Content-Type text/plain;
 * charset=UTF-8 and Content-Transfer-Encoding quoted-printable, so that
 * Vietnamese text goes through relays without 8BITMIME.  A header value
 * holding CR, LF or another control character is refused before anything
 * is sent (header injection), and so is an address that is not a bare
 * local@domain.
 *
 * Not in libdti: the library derives the notices and records what was
 * sent (dti_notice_mail_due); talking to the network is the program's.
 * Ownership: nothing is kept between calls; the strings are the caller's.
 */
#ifndef DTI_SRV_MAIL_H
#define DTI_SRV_MAIL_H

#include <stddef.h>
#include <time.h>

#include "dti/buf.h"

struct srv_mail_config {
	const char *url;  /* smtp://host[:port] or smtps://host[:port] */
	const char *from; /* "addr@domain" or "Display Name <addr@domain>" */
	const char *username; /* NULL: no AUTH */
	const char *password; /* with username */
	int starttls;         /* 1: STARTTLS is required (smtp://) */
	long timeout;         /* seconds for one message; 0: 30 */
};

enum srv_mail_status {
	SRV_MAIL_OK = 0,
	SRV_MAIL_INVALID = 1, /* refused before sending: configuration, an
	                         address or a header value */
	SRV_MAIL_SEND = 2,    /* the relay could not be reached or refused */
	SRV_MAIL_NOMEM = 3
};

/*
 * Once per process, before any thread sends: opens libcurl and calls
 * curl_global_init.  -1 when that fails; srv_mail_fault() then says why
 * libcurl could not be opened ("" when it was and did not start).
 */
int srv_mail_init(void);
const char *srv_mail_fault(void);
void srv_mail_cleanup(void);

/*
 * Writes the message (headers and quoted-printable body, CRLF line ends)
 * into out, dated `when`.  SRV_MAIL_INVALID with a reason in errbuf for a
 * bad address or a header value with a control character.
 */
enum srv_mail_status srv_mail_build(const struct srv_mail_config *cfg,
                                    const char *to, const char *subject,
                                    const char *body_text, time_t when,
                                    struct dti_buf *out, char *errbuf,
                                    size_t errlen);

/*
 * Sends one message to `to` through the relay of cfg.  SRV_MAIL_OK once
 * the relay accepted it; otherwise the reason in errbuf (always
 * NUL-terminated when errlen > 0).
 */
enum srv_mail_status srv_mail_send(const struct srv_mail_config *cfg,
                                   const char *to, const char *subject,
                                   const char *body_text, char *errbuf,
                                   size_t errlen);

/* "YYYY-MM-DDTHH:MM:SSZ" (UTC) as "YYYY-MM-DD HH:MM" in Vietnam (UTC+7). */
void srv_vn_time(const char *utc, char out[64]);
/*
 * The e-mail of a notice: subject and body (NUL-terminated), in
 * Vietnamese then English.  Either buffer's status says if memory ran
 * out.
 */
struct dti_notice_mail;
void srv_notice_message(const struct dti_notice_mail *m,
                        struct dti_buf *subject, struct dti_buf *body);

#endif
