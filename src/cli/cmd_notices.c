/*
 * src/cli/cmd_notices.c - dti notices [read|mail].
 *
 * A user's notices (a submission returned, a cycle opened or published, a
 * deadline 7 and 1 days ahead), derived by the store from its audit log
 * and cycles (dti/notices.h).  'dti notices' lists the acting user's (an
 * admin may ask for another's with --for), 'read' marks them read, and
 * 'mail' hands every notice not yet sent to an SMTP relay through the
 * server's mail sender (src/server/mail.c), once each.
 *
 * Times are stored in UTC and shown in Vietnam's time (UTC+7, no summer
 * time) in the table; JSON gives them as stored.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail.h"
#include "wf.h"

static const char help[] =
    "usage: dti notices [list|read|mail] [OPTIONS]\n"
    "\n"
    "  dti notices [list] [--for NAME] [--unread] [--limit N] [--lang vi|en]\n"
    "              [--format table|json]\n"
    "  dti notices read KEY | --all [--for NAME]\n"
    "  dti notices mail --smtp URL --from ADDR [--smtp-user U\n"
    "              --password-file F] [--starttls] [--dry-run]\n"
    "\n"
    "list    the notices of the acting user (--user, $DTI_USER), newest\n"
    "        first: a submission returned with the reviewer's comment, a\n"
    "        cycle opened or published, a submission or review deadline\n"
    "        in 7 and in 1 days (while a unit of the user has not\n"
    "        submitted, or a submission awaits review).  '*' marks the\n"
    "        unread; times are Vietnam's (UTC+7).  Admins may read\n"
    "        another user's with --for.\n"
    "read    marks one notice read by its key, or every notice (--all).\n"
    "mail    e-mails every notice not yet sent to each user with an\n"
    "        address ('dti user email'), through the SMTP relay URL\n"
    "        (smtp://host:port, smtps://host:port), once: a notice sent\n"
    "        is never sent again.  Reminders whose deadline has passed\n"
    "        are not sent.  Prints one line per message sent.  Admin.\n"
    "\n"
    "Options:\n"
    "      --db PATH|URI       the store (default: $DTI_DB, else ./dti.db)\n"
    "      --user NAME         who acts (default: $DTI_USER)\n"
    "      --for NAME          (list, read) another user's notices "
    "(admin)\n"
    "      --unread            (list) only the notices not marked read\n"
    "      --limit N           (list) the newest N\n"
    "      --lang L            (list) vi or en (default: $DTI_LANG, else "
    "en)\n"
    "      --format F          (list) table or json (default: table)\n"
    "      --all               (read) every notice\n"
    "      --smtp URL          (mail) the relay (default: $DTI_SMTP)\n"
    "      --from ADDR         (mail) the sender, 'DTI <dti@example.org>'\n"
    "                          (default: $DTI_MAIL_FROM)\n"
    "      --smtp-user U       (mail) log in to the relay as U, with the\n"
    "                          password of --password-file F\n"
    "      --password-file F   (mail) the relay's password, from a file\n"
    "      --starttls          (mail) require STARTTLS on smtp://\n"
    "      --dry-run           (mail) list what would be sent; send and\n"
    "                          record nothing\n"
    "\n"
    "Examples:\n"
    "  dti notices --user lan\n"
    "  dti notices --user lan --unread --format json\n"
    "  dti notices --user admin --for lan --lang vi\n"
    "  dti notices read --all --user lan\n"
    "  dti notices mail --dry-run --user admin\n"
    "  dti notices mail --smtp smtp://127.0.0.1:2525 --from 'DTI "
    "<dti@example.org>' --user admin\n";

/* ---- listing ---------------------------------------------------------------
 */

static void list_table(struct dti_buf *b, const struct dti_notice_list *l,
                       int vi)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct dti_notice *n = &l->notices[i];
		char t[64];
		srv_vn_time(n->at, t);
		dti_buf_addf(b, "%c %s  ", n->read ? ' ' : '*', t);
		cli_esc_pad(b, dti_notice_kind_name(n->kind), 20);
		dti_buf_addc(b, ' ');
		cli_esc(b, n->key);
		dti_buf_adds(b, "\n    ");
		cli_esc(b, vi ? n->text_vi : n->text_en);
		dti_buf_addc(b, '\n');
	}
}

/* A string member, null when empty. */
static void jopt(struct dti_json *j, const char *key, const char *s)
{
	dti_json_key(j, key);
	if (s && *s)
		dti_json_string(j, s);
	else
		dti_json_null(j);
}

static void list_json(struct dti_buf *b, const struct dti_notice_list *l)
{
	struct dti_json j;
	dti_json_init(&j, b);
	dti_json_object_begin(&j);
	dti_json_key(&j, "user");
	wf_jstr(&j, l->user);
	dti_json_key(&j, "unread");
	dti_json_int(&j, (long long)l->unread);
	dti_json_key(&j, "notices");
	dti_json_array_begin(&j);
	for (size_t i = 0; i < l->n; i++) {
		const struct dti_notice *n = &l->notices[i];
		dti_json_object_begin(&j);
		dti_json_key(&j, "key");
		wf_jstr(&j, n->key);
		dti_json_key(&j, "kind");
		dti_json_string(&j, dti_notice_kind_name(n->kind));
		dti_json_key(&j, "at");
		wf_jstr(&j, n->at);
		dti_json_key(&j, "cycle");
		wf_jstr(&j, n->cycle);
		jopt(&j, "unit", n->unit);
		jopt(&j, "deadline", n->deadline);
		dti_json_key(&j, "days");
		if (n->days)
			dti_json_int(&j, n->days);
		else
			dti_json_null(&j);
		jopt(&j, "actor", n->actor);
		jopt(&j, "comment", n->comment);
		dti_json_key(&j, "title_vi");
		wf_jstr(&j, n->title_vi);
		dti_json_key(&j, "title_en");
		wf_jstr(&j, n->title_en);
		dti_json_key(&j, "text_vi");
		wf_jstr(&j, n->text_vi);
		dti_json_key(&j, "text_en");
		wf_jstr(&j, n->text_en);
		dti_json_key(&j, "read");
		dti_json_bool(&j, n->read);
		dti_json_key(&j, "mailed");
		dti_json_bool(&j, n->mailed);
		dti_json_object_end(&j);
	}
	dti_json_array_end(&j);
	dti_json_object_end(&j);
	dti_buf_addc(b, '\n');
}

static int notices_list(const struct wf_args *a)
{
	static const int allowed[] = {W_FOR,  W_UNREAD, W_LIMIT,
	                              W_LANG, W_FORMAT, -1};
	int rc = wf_allow(a, "", allowed);
	if (rc)
		return rc;
	/* 'dti notices list' is 'dti notices' */
	size_t skip = a->npos && strcmp(a->pos[0], "list") == 0 ? 1 : 0;
	if (a->npos > skip)
		return wf_usage(a,
		                "unknown notices command '%s' (list, read, "
		                "mail)",
		                a->pos[skip]);
	const char *lang = a->val[W_LANG];
	if (!lang)
		lang = getenv("DTI_LANG");
	int vi = lang && strcmp(lang, "vi") == 0;
	if (wf_has(a, W_LANG) && !vi && strcmp(lang, "en") != 0)
		return wf_usage(a, "--lang '%s': vi or en", lang);
	const char *format = a->val[W_FORMAT] ? a->val[W_FORMAT] : "table";
	int json = strcmp(format, "json") == 0;
	if (!json && strcmp(format, "table") != 0)
		return wf_usage(a, "--format '%s': table or json", format);
	struct dti_notice_opts o;
	dti_notice_opts_init(&o);
	o.unread_only = wf_has(a, W_UNREAD);
	if (wf_has(a, W_LIMIT)) {
		long long n = 0;
		rc = wf_integer(a, "--limit", a->val[W_LIMIT], 1, 1000000, &n);
		if (rc)
			return rc;
		o.limit = (size_t)n;
	}
	struct dti_store *s = NULL;
	rc = wf_open(a, 1, &s);
	if (rc)
		return rc;
	struct dti_notice_list *l = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_notice_list(s, a->val[W_FOR], &o, &l, &err);
	dti_store_close(s);
	if (st)
		return wf_fail("cannot list the notices", st, &err);
	struct dti_buf out = DTI_BUF_INIT;
	if (json)
		list_json(&out, l);
	else
		list_table(&out, l, vi);
	dti_notice_list_free(l);
	return wf_emit(&out);
}

/* ---- read ------------------------------------------------------------------
 */

static int notices_read(const struct wf_args *a)
{
	static const int allowed[] = {W_ALL, W_FOR, -1};
	int rc = wf_allow(a, "read", allowed);
	if (!rc)
		rc = wf_nargs(a, wf_has(a, W_ALL) ? 0 : 1,
		              wf_has(a, W_ALL) ? 0 : 1,
		              "a notice's key or --all");
	if (rc)
		return rc;
	struct dti_store *s = NULL;
	rc = wf_open(a, 1, &s);
	if (rc)
		return rc;
	const char *key = wf_has(a, W_ALL) ? NULL : a->pos[1];
	size_t marked = 0;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st =
	    dti_notice_mark_read(s, a->val[W_FOR], key, &marked, &err);
	dti_store_close(s);
	if (st)
		return wf_fail("cannot mark notices read", st, &err);
	printf("%zu notice%s marked read\n", marked, marked == 1 ? "" : "s");
	return EXIT_OK;
}

/* ---- mail ------------------------------------------------------------------
 */

struct mailer {
	struct srv_mail_config cfg;
	int dry_run;
	int out_rc; /* a failed write of the listing (already reported) */
	size_t sent, failed;
	struct dti_buf subject, body;
};

static enum dti_status send_one(void *ctx, const struct dti_notice_mail *m)
{
	struct mailer *x = ctx;
	const struct dti_notice *n = m->notice;
	srv_notice_message(m, &x->subject, &x->body);
	if (dti_buf_status(&x->subject) || dti_buf_status(&x->body))
		return DTI_ENOMEM;
	if (x->dry_run) {
		struct dti_buf line = DTI_BUF_INIT;
		dti_buf_adds(&line, "would send ");
		cli_esc(&line, n->key);
		dti_buf_adds(&line, " to ");
		cli_esc(&line, m->user);
		dti_buf_adds(&line, " <");
		cli_esc(&line, m->address);
		dti_buf_adds(&line, ">: ");
		cli_esc(&line, x->subject.data);
		dti_buf_addc(&line, '\n');
		int rc = cli_write(NULL, &line);
		dti_buf_release(&line);
		x->sent++;
		x->out_rc = rc;
		/* not sent: the notice stays due */
		return rc ? DTI_ECONFLICT : DTI_EIO;
	}
	char why[512];
	enum srv_mail_status ms =
	    srv_mail_send(&x->cfg, m->address, x->subject.data, x->body.data,
	                  why, sizeof why);
	if (ms != SRV_MAIL_OK) {
		x->failed++;
		fprintf(stderr, "dti: notice %s to %s <%s> not sent: ", n->key,
		        m->user, m->address);
		cli_put_esc(why);
		fputc('\n', stderr);
		/* a relay that cannot be reached will not take the next one */
		return ms == SRV_MAIL_SEND && x->failed >= 3 && x->sent == 0
		           ? DTI_ECONFLICT
		           : DTI_EIO;
	}
	x->sent++;
	struct dti_buf line = DTI_BUF_INIT;
	dti_buf_adds(&line, "sent ");
	cli_esc(&line, n->key);
	dti_buf_adds(&line, " to ");
	cli_esc(&line, m->user);
	dti_buf_adds(&line, " <");
	cli_esc(&line, m->address);
	dti_buf_adds(&line, ">\n");
	cli_write(NULL, &line);
	dti_buf_release(&line);
	return DTI_OK;
}

static int notices_mail(const struct wf_args *a)
{
	static const int allowed[] = {
	    W_SMTP,     W_FROM,    W_SMTP_USER, W_PASSWORD_FILE,
	    W_STARTTLS, W_DRY_RUN, -1};
	int rc = wf_allow(a, "mail", allowed);
	if (!rc)
		rc = wf_nargs(a, 0, 0, "");
	if (rc)
		return rc;
	struct mailer x;
	memset(&x, 0, sizeof x);
	x.dry_run = wf_has(a, W_DRY_RUN);
	x.cfg.url = a->val[W_SMTP] ? a->val[W_SMTP] : getenv("DTI_SMTP");
	x.cfg.from = a->val[W_FROM] ? a->val[W_FROM] : getenv("DTI_MAIL_FROM");
	x.cfg.username = a->val[W_SMTP_USER];
	x.cfg.starttls = wf_has(a, W_STARTTLS);
	if (!x.dry_run && (!x.cfg.url || !*x.cfg.url))
		return wf_usage(a, "'notices mail' needs the relay: --smtp URL "
		                   "(or $DTI_SMTP)");
	if (!x.dry_run && (!x.cfg.from || !*x.cfg.from))
		return wf_usage(a, "'notices mail' needs the sender: --from "
		                   "ADDR (or $DTI_MAIL_FROM)");
	if (x.cfg.url && *x.cfg.url && strncmp(x.cfg.url, "smtp://", 7) != 0 &&
	    strncmp(x.cfg.url, "smtps://", 8) != 0)
		return wf_usage(a, "--smtp '%s': an smtp:// or smtps:// URL",
		                x.cfg.url);
	if (wf_has(a, W_PASSWORD_FILE) && !x.cfg.username)
		return wf_usage(a, "--password-file is the password of "
		                   "--smtp-user: give both");
	char *pw = NULL;
	if (x.cfg.username && (rc = wf_password(a, 1, &pw)) != 0)
		return rc;
	x.cfg.password = pw;
	if (!x.dry_run && srv_mail_init() != 0) {
		wf_password_free(pw);
		fprintf(stderr, "dti: cannot start libcurl%s%s\n",
		        *srv_mail_fault() ? ": " : "", srv_mail_fault());
		return EXIT_INTERNAL;
	}
	struct dti_store *s = NULL;
	rc = wf_open(a, 1, &s);
	if (!rc) {
		struct dti_error err = DTI_ERROR_INIT;
		enum dti_status st =
		    dti_notice_mail_due(s, NULL, send_one, &x, &err);
		if (x.out_rc)
			rc = x.out_rc; /* reported where it failed */
		else if (st && !(st == DTI_ECONFLICT && x.failed))
			rc = wf_fail("cannot send the notices", st, &err);
		dti_error_release(&err);
	}
	dti_store_close(s);
	if (!x.dry_run)
		srv_mail_cleanup();
	wf_password_free(pw);
	dti_buf_release(&x.subject);
	dti_buf_release(&x.body);
	if (!rc)
		fprintf(stderr, "dti: %zu notice%s %s, %zu not sent\n", x.sent,
		        x.sent == 1 ? "" : "s", x.dry_run ? "due" : "sent",
		        x.failed);
	if (!rc && x.failed)
		rc = EXIT_IO;
	return rc;
}

int cmd_notices(int argc, char **argv)
{
	struct wf_args a;
	int rc = wf_parse(argc, argv, "notices", help, 0, &a);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	if (a.npos && strcmp(a.pos[0], "read") == 0)
		return notices_read(&a);
	if (a.npos && strcmp(a.pos[0], "mail") == 0)
		return notices_mail(&a);
	return notices_list(&a);
}
