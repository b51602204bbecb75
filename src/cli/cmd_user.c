/*
 * src/cli/cmd_user.c - dti user add|role|passwd|token|email|list.
 *
 * Users of the store, their roles (admin, owner, reviewer, editor of a
 * unit, viewer), passwords and API tokens.  A password never comes from an
 * argument (visible in ps and the shell's history): it is read from a file
 * or from standard input.  A token is printed once, when it is made; the
 * store keeps only its hash.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wf.h"

static const char help[] =
    "usage: dti user add|role|passwd|token|email|list [OPTIONS]\n"
    "\n"
    "  dti user add NAME [--name DISPLAY] [--password-file F | "
    "--password-stdin]\n"
    "  dti user role NAME ROLE [--unit UNIT]... [--date D] [--revoke]\n"
    "  dti user passwd NAME (--password-file F | --password-stdin)\n"
    "  dti user token NAME LABEL [--revoke]\n"
    "  dti user email NAME [ADDRESS]\n"
    "  dti user list [--json]\n"
    "\n"
    "add     adds a user (without roles; the first user of a store is an\n"
    "        admin).  Without a password the user logs in with tokens\n"
    "        only.  Admin.\n"
    "role    grants (or with --revoke takes back) a role: admin, owner,\n"
    "        reviewer, editor or viewer.  An editor role is scoped to\n"
    "        units, given by id, code or name (one --unit each); a name\n"
    "        is read as on --date, else today, so that 'Đà Nẵng' is the\n"
    "        city of that day, before or after the 2025 merger.  Admin.\n"
    "passwd  sets a password (Argon2id).  Users their own; admins anyone's.\n"
    "token   makes an API token labelled LABEL and prints it once (only\n"
    "        its hash is kept); --revoke revokes it.\n"
    "email   sets the e-mail address notices are sent to ('' removes\n"
    "        it; 'dti notices mail'), or prints it.  Users their own;\n"
    "        admins anyone's.\n"
    "list    the users and their roles.\n"
    "\n"
    "Options:\n"
    "      --db PATH|URI       the store (default: $DTI_DB, else ./dti.db)\n"
    "      --user NAME         who acts (default: $DTI_USER)\n"
    "      --name DISPLAY      (add) the user's full name\n"
    "      --password-file F   the password, from a file (one trailing\n"
    "                          newline is dropped)\n"
    "      --password-stdin    the password, from standard input\n"
    "      --unit UNIT         (role) a unit of an editor (repeatable)\n"
    "      --date D            (role) read --unit names as on YYYY-MM-DD\n"
    "      --revoke            (role, token) take back instead of giving\n"
    "      --json              (list) JSON\n"
    "\n"
    "Examples:\n"
    "  dti user add lan --name 'Nguyễn Thị Lan' --password-file lan.pw\n"
    "  dti user role lan editor --unit 'Đà Nẵng' --unit Huế\n"
    "  dti user role hoa editor --unit 'Hà Giang' --date 2025-06-30\n"
    "  dti user role minh reviewer\n"
    "  printf '%s\\n' \"$PW\" | dti user passwd lan --password-stdin\n"
    "  dti user token lan laptop\n"
    "  dti user email minh minh@example.org\n"
    "  dti user email minh\n";

static int user_add(const struct wf_args *a)
{
	static const int allowed[] = {W_NAME, W_PASSWORD_FILE, W_PASSWORD_STDIN,
	                              -1};
	int rc = wf_allow(a, "add", allowed);
	if (!rc)
		rc = wf_nargs(a, 1, 1, "a user name");
	if (rc)
		return rc;
	char *pw = NULL;
	rc = wf_password(a, 0, &pw);
	struct dti_store *s = NULL;
	/* the first user is added by nobody; the store decides */
	if (!rc)
		rc = wf_open(a, 0, &s);
	if (!rc) {
		struct dti_error err = DTI_ERROR_INIT;
		enum dti_status st =
		    dti_user_add(s, a->pos[1], a->val[W_NAME], pw, &err);
		if (st) {
			char what[128];
			snprintf(what, sizeof what, "cannot add user '%s'",
			         a->pos[1]);
			rc = wf_fail(what, st, &err);
		} else {
			printf("user %s added\n", a->pos[1]);
		}
		dti_error_release(&err);
	}
	wf_password_free(pw);
	dti_store_close(s);
	return rc;
}

static int user_role(const struct wf_args *a)
{
	static const int allowed[] = {W_UNIT, W_DATE, W_REVOKE, -1};
	int rc = wf_allow(a, "role", allowed);
	if (!rc)
		rc = wf_nargs(a, 2, 2, "a user name and a role");
	if (rc)
		return rc;
	const char *name = a->pos[1];
	enum dti_role role = dti_role_parse(a->pos[2]);
	if (!role)
		return wf_usage(a,
		                "unknown role '%s' (admin, owner, reviewer, "
		                "editor, viewer)",
		                a->pos[2]);
	if (role == DTI_ROLE_EDITOR && !wf_has(a, W_UNIT))
		return wf_usage(a, "an editor role needs --unit UNIT");
	if (role != DTI_ROLE_EDITOR && wf_has(a, W_UNIT))
		return wf_usage(a, "only an editor role is scoped to units");
	const char *date = a->val[W_DATE];
	if (date && !wf_has(a, W_UNIT))
		return wf_usage(a, "--date D is the day on which --unit names "
		                   "are read: give it with --unit");
	if (date && (rc = wf_date(a, "--date", date)) != 0)
		return rc;
	int grant = !wf_has(a, W_REVOKE);
	struct dti_store *s = NULL;
	rc = wf_open(a, 1, &s);
	if (rc)
		return rc;
	/* every unit resolved first: an unknown one changes nothing */
	struct dti_unit_ref *refs = calloc(a->nseq + 1, sizeof *refs);
	if (!refs) {
		dti_store_close(s);
		fprintf(stderr, "dti: out of memory\n");
		return EXIT_INTERNAL;
	}
	size_t n = 0;
	for (size_t i = 0; !rc && i < a->nseq; i++)
		if (a->seq[i].key == W_UNIT)
			rc = wf_unit(s, a->seq[i].val, NULL, date, &refs[n++]);
	struct dti_error err = DTI_ERROR_INIT;
	for (size_t i = 0; !rc && i < (n ? n : 1); i++) {
		const char *unit = n ? refs[i].id : NULL;
		enum dti_status st =
		    dti_user_role_on(s, name, role, unit, date, grant, &err);
		char what[256];
		snprintf(what, sizeof what, "cannot %s role %s%s%s %s '%s'",
		         grant ? "grant" : "revoke", dti_role_name(role),
		         unit ? " of " : "", unit ? unit : "",
		         grant ? "to" : "of", name);
		if (st) {
			rc = wf_fail(what, st, &err);
			break;
		}
		printf("user %s: role %s%s%s %s\n", name, dti_role_name(role),
		       unit ? " of unit " : "", unit ? unit : "",
		       grant ? "granted" : "revoked");
	}
	dti_error_release(&err);
	free(refs);
	dti_store_close(s);
	return rc;
}

static int user_passwd(const struct wf_args *a)
{
	static const int allowed[] = {W_PASSWORD_FILE, W_PASSWORD_STDIN, -1};
	int rc = wf_allow(a, "passwd", allowed);
	if (!rc)
		rc = wf_nargs(a, 1, 1, "a user name");
	if (rc)
		return rc;
	char *pw = NULL;
	rc = wf_password(a, 1, &pw);
	struct dti_store *s = NULL;
	if (!rc)
		rc = wf_open(a, 1, &s);
	if (!rc) {
		struct dti_error err = DTI_ERROR_INIT;
		enum dti_status st = dti_user_passwd(s, a->pos[1], pw, &err);
		if (st) {
			char what[128];
			snprintf(what, sizeof what,
			         "cannot set the password of '%s'", a->pos[1]);
			rc = wf_fail(what, st, &err);
		} else {
			printf("user %s: password set\n", a->pos[1]);
		}
		dti_error_release(&err);
	}
	wf_password_free(pw);
	dti_store_close(s);
	return rc;
}

static int user_token(const struct wf_args *a)
{
	static const int allowed[] = {W_REVOKE, -1};
	int rc = wf_allow(a, "token", allowed);
	if (!rc)
		rc = wf_nargs(a, 2, 2, "a user name and a token label");
	struct dti_store *s = NULL;
	if (!rc)
		rc = wf_open(a, 1, &s);
	if (rc)
		return rc;
	const char *name = a->pos[1], *label = a->pos[2];
	struct dti_error err = DTI_ERROR_INIT;
	char what[256];
	if (wf_has(a, W_REVOKE)) {
		enum dti_status st =
		    dti_user_token_revoke(s, name, label, &err);
		snprintf(what, sizeof what, "cannot revoke token '%s' of '%s'",
		         label, name);
		if (st)
			rc = wf_fail(what, st, &err);
		else
			printf("user %s: token %s revoked\n", name, label);
	} else {
		char token[DTI_TOKEN_MAX];
		enum dti_status st =
		    dti_user_token(s, name, label, token, &err);
		snprintf(what, sizeof what, "cannot make token '%s' for '%s'",
		         label, name);
		if (st) {
			rc = wf_fail(what, st, &err);
		} else {
			/* the token alone on stdout, for scripts */
			printf("%s\n", token);
			fprintf(stderr,
			        "dti: token '%s' of %s: shown once, keep it "
			        "safe\n",
			        label, name);
		}
		memset(token, 0, sizeof token);
	}
	dti_error_release(&err);
	dti_store_close(s);
	return rc;
}

static int user_email(const struct wf_args *a)
{
	static const int allowed[] = {-1};
	int rc = wf_allow(a, "email", allowed);
	if (!rc)
		rc = wf_nargs(a, 1, 2, "a user name (and an address)");
	struct dti_store *s = NULL;
	if (!rc)
		rc = wf_open(a, 1, &s);
	if (rc)
		return rc;
	const char *name = a->pos[1];
	struct dti_error err = DTI_ERROR_INIT;
	char what[256];
	if (a->npos == 2) {
		char addr[256];
		enum dti_status st = dti_user_email(s, name, addr, &err);
		snprintf(what, sizeof what,
		         "cannot read the e-mail address of '%s'", name);
		if (st) {
			rc = wf_fail(what, st, &err);
		} else if (*addr) {
			cli_put_esc(addr);
			putchar('\n');
		} else {
			fprintf(stderr, "dti: user %s has no e-mail address\n",
			        name);
		}
	} else {
		const char *addr = a->pos[2];
		enum dti_status st = dti_user_set_email(s, name, addr, &err);
		snprintf(what, sizeof what,
		         "cannot set the e-mail address of '%s'", name);
		if (st)
			rc = wf_fail(what, st, &err);
		else if (*addr)
			printf("user %s: e-mail address set\n", name);
		else
			printf("user %s: e-mail address removed\n", name);
	}
	dti_error_release(&err);
	dti_store_close(s);
	return rc;
}

/* One line per user: "name (display): role role@unit". */
static void list_text(struct dti_buf *b, const struct dti_user_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct dti_user_entry *u = &l->users[i];
		cli_esc(b, u->name);
		if (*u->display_name) {
			dti_buf_adds(b, " (");
			cli_esc(b, u->display_name);
			dti_buf_addc(b, ')');
		}
		dti_buf_addc(b, ':');
		for (size_t k = 0; k < u->nroles; k++) {
			dti_buf_addf(b, " %s%s",
			             dti_role_name(u->roles[k].role),
			             *u->roles[k].unit ? "@" : "");
			cli_esc(b, u->roles[k].unit);
		}
		dti_buf_addc(b, '\n');
	}
}

/* One JSON object per user and line. */
static void list_json(struct dti_buf *b, const struct dti_user_list *l)
{
	struct dti_json j;
	dti_json_init(&j, b);
	for (size_t i = 0; i < l->n; i++) {
		const struct dti_user_entry *u = &l->users[i];
		dti_json_object_begin(&j);
		dti_json_key(&j, "name");
		wf_jstr(&j, u->name);
		dti_json_key(&j, "display_name");
		wf_jstr(&j, u->display_name);
		dti_json_key(&j, "disabled");
		dti_json_bool(&j, u->disabled);
		dti_json_key(&j, "password");
		dti_json_bool(&j, u->has_password);
		dti_json_key(&j, "roles");
		dti_json_array_begin(&j);
		for (size_t k = 0; k < u->nroles; k++) {
			dti_json_object_begin(&j);
			dti_json_key(&j, "role");
			dti_json_string(&j, dti_role_name(u->roles[k].role));
			if (*u->roles[k].unit) {
				dti_json_key(&j, "unit");
				dti_json_string(&j, u->roles[k].unit);
			}
			dti_json_object_end(&j);
		}
		dti_json_array_end(&j);
		dti_json_object_end(&j);
		dti_buf_addc(b, '\n');
	}
}

static int user_list(const struct wf_args *a)
{
	static const int allowed[] = {W_JSON, -1};
	int rc = wf_allow(a, "list", allowed);
	if (!rc)
		rc = wf_nargs(a, 0, 0, "");
	struct dti_store *s = NULL;
	if (!rc)
		rc = wf_open(a, 0, &s);
	if (rc)
		return rc;
	struct dti_user_list *l = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_user_list(s, &l, &err);
	dti_store_close(s);
	if (st)
		return wf_fail("cannot list the users", st, &err);
	struct dti_buf out = DTI_BUF_INIT;
	if (wf_has(a, W_JSON))
		list_json(&out, l);
	else
		list_text(&out, l);
	dti_user_list_free(l);
	return wf_emit(&out);
}

int cmd_user(int argc, char **argv)
{
	static const struct wf_sub subs[] = {
	    {"add", user_add},       {"role", user_role},
	    {"passwd", user_passwd}, {"token", user_token},
	    {"email", user_email},   {"list", user_list},
	};
	return wf_dispatch(argc, argv, "user", help, 0, subs,
	                   sizeof subs / sizeof subs[0]);
}
