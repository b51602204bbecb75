/*
 * src/cli/cmd_cycle.c - dti cycle create|open|review|close|reopen|
 * deadlines|status|list.
 *
 * A cycle is one year's assessment over a stored framework.  The owner
 * creates it (draft), opens it (which creates a submission for every unit
 * of its level valid on its reference date), moves it to review, closes it
 * and, with 'dti publish', publishes it.  'reopen' steps back one state
 * (review -> open, closed -> review) while nothing is published.  Every
 * move may name the version it is based on (--version), so that two
 * owners acting at once cannot both move the cycle.
 */
#include <stdio.h>
#include <string.h>

#include "wf.h"

static const char help[] =
    "usage: dti cycle create|open|review|close|reopen|deadlines|status|list "
    "[OPTIONS]\n"
    "\n"
    "  dti cycle create LABEL --year Y --framework REF [--level L]\n"
    "                   [--ref-date D] [--submit-deadline D]\n"
    "                   [--review-deadline D] [--title T]\n"
    "  dti cycle open|review|close|reopen LABEL [--version N]\n"
    "  dti cycle deadlines LABEL [--submit D] [--review D]\n"
    "  dti cycle status LABEL [--json]\n"
    "  dti cycle list [--json]\n"
    "\n"
    "create     a cycle in state draft over a stored framework (REF: id,\n"
    "           id@version or SHA-256 prefix; see 'dti db frameworks'),\n"
    "           for the units of --level (default: the framework's) valid\n"
    "           on --ref-date (default: 31 December of the year).  Owner.\n"
    "open       draft -> open: creates one submission per unit; editors\n"
    "           enter figures until the submission deadline.  Owner.\n"
    "review     open -> review: reviewers adjust, return, approve.  Owner.\n"
    "close      review -> closed, ready for 'dti publish'.  Owner.\n"
    "reopen     one step back: review -> open, closed -> review.  Owner.\n"
    "deadlines  changes the deadlines (end of the day given).  Owner.\n"
    "status     state, deadlines and every unit's submission state.\n"
    "list       every cycle.\n"
    "\n"
    "Options:\n"
    "      --db PATH|URI         the store (default: $DTI_DB, else "
    "./dti.db)\n"
    "      --user NAME           who acts (default: $DTI_USER)\n"
    "      --year Y              (create) the year assessed\n"
    "      --framework REF       (create) the stored framework\n"
    "      --level L             (create) the level of the units assessed\n"
    "      --ref-date D          (create) units valid on YYYY-MM-DD\n"
    "      --submit-deadline D   (create) last day for submissions\n"
    "      --review-deadline D   (create) last day of the review\n"
    "      --title T             (create) a title\n"
    "      --submit D            (deadlines) the submission deadline\n"
    "      --review D            (deadlines) the review deadline\n"
    "      --version N           refuse unless the cycle is at version N\n"
    "      --json                (status, list) JSON\n"
    "\n"
    "Examples:\n"
    "  dti cycle create dti-2024 --year 2024 --framework pdti-2024 \\\n"
    "      --submit-deadline 2025-03-31 --review-deadline 2025-04-30\n"
    "  dti cycle open dti-2024\n"
    "  dti cycle status dti-2024\n"
    "  dti cycle reopen dti-2024 --version 4\n";

static int cycle_create(const struct wf_args *a)
{
	static const int allowed[] = {W_YEAR,
	                              W_FRAMEWORK,
	                              W_LEVEL,
	                              W_REF_DATE,
	                              W_SUBMIT_DEADLINE,
	                              W_REVIEW_DEADLINE,
	                              W_TITLE,
	                              -1};
	int rc = wf_allow(a, "create", allowed);
	if (!rc)
		rc = wf_nargs(a, 1, 1, "a label (dti-2024)");
	if (rc)
		return rc;
	if (!wf_has(a, W_YEAR) || !wf_has(a, W_FRAMEWORK))
		return wf_usage(a, "'cycle create' needs --year Y and "
		                   "--framework REF");
	if (a->count[W_LEVEL] > 1)
		return wf_usage(a, "'cycle create' takes one --level");
	long long year;
	rc = wf_integer(a, "--year", a->val[W_YEAR], 1900, 9999, &year);
	static const enum wf_key dates[] = {W_REF_DATE, W_SUBMIT_DEADLINE,
	                                    W_REVIEW_DEADLINE};
	static const char *const dnames[] = {"--ref-date", "--submit-deadline",
	                                     "--review-deadline"};
	for (size_t i = 0; !rc && i < 3; i++)
		if (wf_has(a, dates[i]))
			rc = wf_date(a, dnames[i], a->val[dates[i]]);
	struct dti_store *s = NULL;
	if (!rc)
		rc = wf_open(a, 1, &s);
	if (rc)
		return rc;
	struct dti_cycle_new c = {
	    .label = a->pos[1],
	    .year = (int)year,
	    .framework = a->val[W_FRAMEWORK],
	    .level = a->val[W_LEVEL],
	    .ref_date = a->val[W_REF_DATE],
	    .submit_deadline = a->val[W_SUBMIT_DEADLINE],
	    .review_deadline = a->val[W_REVIEW_DEADLINE],
	    .title = a->val[W_TITLE],
	};
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_cycle_create(s, &c, &err);
	if (st) {
		char what[128];
		snprintf(what, sizeof what, "cannot create cycle '%s'",
		         a->pos[1]);
		rc = wf_fail(what, st, &err);
	} else {
		struct dti_cycle_info ci;
		rc = wf_cycle(s, a->pos[1], &ci);
		if (!rc)
			printf("cycle %s created: year %d, framework %s@%s, "
			       "level %s, units valid on %s, %s\n",
			       ci.label, ci.year, ci.framework_id,
			       ci.framework_version, ci.level, ci.ref_date,
			       dti_cycle_state_name(ci.state));
	}
	dti_store_close(s);
	return rc;
}

static long long total(const struct dti_cycle_info *ci)
{
	long long n = 0;
	for (size_t i = 1; i < 6; i++)
		n += ci->count[i];
	return n;
}

static int cycle_move(const struct wf_args *a)
{
	const char *sub = a->pos[0];
	static const int allowed[] = {W_VERSION, -1};
	int rc = wf_allow(a, sub, allowed);
	if (!rc)
		rc = wf_nargs(a, 1, 1, "a cycle label");
	int64_t version;
	if (!rc)
		rc = wf_version(a, &version);
	struct dti_store *s = NULL;
	if (!rc)
		rc = wf_open(a, 1, &s);
	if (rc)
		return rc;
	const char *label = a->pos[1];
	struct dti_cycle_info before;
	rc = wf_cycle(s, label, &before);
	if (rc) {
		dti_store_close(s);
		return rc;
	}
	enum dti_cycle_state to;
	if (strcmp(sub, "open") == 0) {
		to = DTI_CYCLE_OPEN;
	} else if (strcmp(sub, "review") == 0) {
		to = DTI_CYCLE_REVIEW;
	} else if (strcmp(sub, "close") == 0) {
		to = DTI_CYCLE_CLOSED;
	} else if (before.state == DTI_CYCLE_REVIEW) {
		to = DTI_CYCLE_OPEN;
	} else if (before.state == DTI_CYCLE_CLOSED) {
		to = DTI_CYCLE_REVIEW;
	} else {
		fprintf(stderr,
		        "dti: cannot reopen cycle '%s': it is %s; only a "
		        "cycle in review or closed can be reopened\n",
		        label, dti_cycle_state_name(before.state));
		dti_store_close(s);
		return EXIT_STATE;
	}
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_cycle_transition(s, label, to, version, &err);
	if (st) {
		char what[160];
		snprintf(what, sizeof what, "cannot move cycle '%s' to %s",
		         label, dti_cycle_state_name(to));
		rc = wf_fail(what, st, &err);
	} else {
		struct dti_cycle_info ci;
		rc = wf_cycle(s, label, &ci);
		if (!rc) {
			printf("cycle %s: %s -> %s, version %lld", label,
			       dti_cycle_state_name(before.state),
			       dti_cycle_state_name(ci.state),
			       (long long)ci.version);
			if (before.state == DTI_CYCLE_DRAFT)
				printf(", %lld submissions", total(&ci));
			printf("\n");
		}
	}
	dti_store_close(s);
	return rc;
}

static int cycle_deadlines(const struct wf_args *a)
{
	static const int allowed[] = {W_SUBMIT, W_REVIEW, -1};
	int rc = wf_allow(a, "deadlines", allowed);
	if (!rc)
		rc = wf_nargs(a, 1, 1, "a cycle label");
	if (rc)
		return rc;
	if (!wf_has(a, W_SUBMIT) && !wf_has(a, W_REVIEW))
		return wf_usage(a, "'cycle deadlines' needs --submit D or "
		                   "--review D");
	if (wf_has(a, W_SUBMIT))
		rc = wf_date(a, "--submit", a->val[W_SUBMIT]);
	if (!rc && wf_has(a, W_REVIEW))
		rc = wf_date(a, "--review", a->val[W_REVIEW]);
	struct dti_store *s = NULL;
	if (!rc)
		rc = wf_open(a, 1, &s);
	if (rc)
		return rc;
	const char *label = a->pos[1];
	struct dti_cycle_info ci;
	rc = wf_cycle(s, label, &ci);
	if (!rc) {
		/* a deadline not given stays as it is */
		const char *sub = wf_has(a, W_SUBMIT)   ? a->val[W_SUBMIT]
		                  : *ci.submit_deadline ? ci.submit_deadline
		                                        : NULL;
		const char *rev = wf_has(a, W_REVIEW)   ? a->val[W_REVIEW]
		                  : *ci.review_deadline ? ci.review_deadline
		                                        : NULL;
		struct dti_error err = DTI_ERROR_INIT;
		enum dti_status st =
		    dti_cycle_set_deadlines(s, label, sub, rev, &err);
		if (st) {
			char what[160];
			snprintf(what, sizeof what,
			         "cannot set the deadlines of cycle '%s'",
			         label);
			rc = wf_fail(what, st, &err);
		} else {
			rc = wf_cycle(s, label, &ci);
			if (!rc)
				printf("cycle %s: submissions until %s, review "
				       "until %s\n",
				       label,
				       *ci.submit_deadline ? ci.submit_deadline
				                           : "(none)",
				       *ci.review_deadline ? ci.review_deadline
				                           : "(none)");
		}
	}
	dti_store_close(s);
	return rc;
}

/* The cycle's fields as members of the JSON object being written. */
static void info_json(struct dti_json *j, const struct dti_cycle_info *ci)
{
	dti_json_key(j, "label");
	dti_json_string(j, ci->label);
	dti_json_key(j, "year");
	dti_json_int(j, ci->year);
	dti_json_key(j, "level");
	dti_json_string(j, ci->level);
	dti_json_key(j, "framework");
	dti_json_object_begin(j);
	dti_json_key(j, "id");
	dti_json_string(j, ci->framework_id);
	dti_json_key(j, "version");
	dti_json_string(j, ci->framework_version);
	dti_json_key(j, "sha256");
	dti_json_string(j, ci->framework_sha);
	dti_json_object_end(j);
	dti_json_key(j, "ref_date");
	dti_json_string(j, ci->ref_date);
	dti_json_key(j, "submit_deadline");
	dti_json_string(j, ci->submit_deadline);
	dti_json_key(j, "review_deadline");
	dti_json_string(j, ci->review_deadline);
	dti_json_key(j, "state");
	dti_json_string(j, dti_cycle_state_name(ci->state));
	dti_json_key(j, "version");
	dti_json_int(j, ci->version);
	dti_json_key(j, "submissions");
	dti_json_object_begin(j);
	for (int k = DTI_SUB_DRAFT; k <= DTI_SUB_EXCLUDED; k++) {
		dti_json_key(j, dti_sub_state_name((enum dti_sub_state)k));
		dti_json_int(j, ci->count[k]);
	}
	dti_json_object_end(j);
}

static void info_text(struct dti_buf *b, const struct dti_cycle_info *ci)
{
	dti_buf_adds(b, "cycle ");
	cli_esc(b, ci->label);
	dti_buf_addf(b, ": %s (version %lld)\n",
	             dti_cycle_state_name(ci->state), (long long)ci->version);
	dti_buf_addf(b, "  year %d, level ", ci->year);
	cli_esc(b, ci->level);
	dti_buf_addf(b, ", units valid on %s\n  framework ", ci->ref_date);
	cli_esc(b, ci->framework_id);
	dti_buf_addc(b, '@');
	cli_esc(b, ci->framework_version);
	dti_buf_addf(b, " (%.12s)\n", ci->framework_sha);
	if (ci->submit_deadline[0] || ci->review_deadline[0])
		dti_buf_addf(b, "  deadlines: submit %s, review %s\n",
		             ci->submit_deadline[0] ? ci->submit_deadline : "-",
		             ci->review_deadline[0] ? ci->review_deadline
		                                    : "-");
	dti_buf_adds(b, "  submissions:");
	for (int k = DTI_SUB_DRAFT; k <= DTI_SUB_EXCLUDED; k++)
		dti_buf_addf(b, " %s %lld%s",
		             dti_sub_state_name((enum dti_sub_state)k),
		             ci->count[k], k < DTI_SUB_EXCLUDED ? "," : "\n");
}

static void status_json(struct dti_buf *b, const struct dti_cycle_status *cs)
{
	struct dti_json j;
	dti_json_init(&j, b);
	dti_json_object_begin(&j);
	info_json(&j, &cs->cycle);
	dti_json_key(&j, "units");
	dti_json_array_begin(&j);
	for (size_t i = 0; i < cs->n; i++) {
		const struct dti_cycle_unit *u = &cs->units[i];
		dti_json_object_begin(&j);
		dti_json_key(&j, "unit");
		dti_json_string(&j, u->unit);
		dti_json_key(&j, "name");
		dti_json_string(&j, u->name);
		dti_json_key(&j, "state");
		dti_json_string(&j, dti_sub_state_name(u->state));
		dti_json_key(&j, "version");
		dti_json_int(&j, u->version);
		dti_json_key(&j, "figures");
		dti_json_int(&j, u->figures);
		dti_json_key(&j, "evidence");
		dti_json_int(&j, u->evidence);
		dti_json_key(&j, "updated_at");
		dti_json_string(&j, u->updated_at);
		if (*u->exclude_reason) {
			dti_json_key(&j, "exclude_reason");
			dti_json_string(&j, u->exclude_reason);
		}
		if (*u->return_comment) {
			dti_json_key(&j, "return_comment");
			dti_json_string(&j, u->return_comment);
		}
		dti_json_object_end(&j);
	}
	dti_json_array_end(&j);
	dti_json_object_end(&j);
	dti_buf_addc(b, '\n');
}

/* The cycle, then a table of its submissions (names padded by width). */
static void status_text(struct dti_buf *b, const struct dti_cycle_status *cs)
{
	info_text(b, &cs->cycle);
	dti_buf_addf(b, "\n%-10s %-24s %-10s %7s %7s %8s\n", "unit", "name",
	             "state", "version", "figures", "evidence");
	for (size_t i = 0; i < cs->n; i++) {
		const struct dti_cycle_unit *u = &cs->units[i];
		cli_esc_pad(b, u->unit, 10);
		dti_buf_addc(b, ' ');
		cli_esc_pad(b, u->name, 24);
		dti_buf_addf(b, " %-10s %7lld %7lld %8lld",
		             dti_sub_state_name(u->state),
		             (long long)u->version, u->figures, u->evidence);
		if (*u->exclude_reason) {
			dti_buf_adds(b, "  (");
			cli_esc(b, u->exclude_reason);
			dti_buf_addc(b, ')');
		} else if (*u->return_comment) {
			dti_buf_adds(b, "  (returned: ");
			cli_esc(b, u->return_comment);
			dti_buf_addc(b, ')');
		}
		dti_buf_addc(b, '\n');
	}
}

static void list_out(struct dti_buf *b, const struct dti_cycle_list *l,
                     int json)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct dti_cycle_info *ci = &l->cycles[i];
		if (json) {
			struct dti_json j;
			dti_json_init(&j, b);
			dti_json_object_begin(&j);
			info_json(&j, ci);
			dti_json_object_end(&j);
			dti_buf_addc(b, '\n');
		} else {
			cli_esc_pad(b, ci->label, 20);
			dti_buf_addf(b, " %4d ", ci->year);
			cli_esc_pad(b, ci->level, 10);
			dti_buf_addf(b, " %-10s ",
			             dti_cycle_state_name(ci->state));
			cli_esc(b, ci->framework_id);
			dti_buf_addc(b, '@');
			cli_esc(b, ci->framework_version);
			dti_buf_addc(b, '\n');
		}
	}
}

static int cycle_show(const struct wf_args *a)
{
	int list = strcmp(a->pos[0], "list") == 0;
	static const int allowed[] = {W_JSON, -1};
	int rc = wf_allow(a, list ? "list" : "status", allowed);
	if (!rc)
		rc = list ? wf_nargs(a, 0, 0, "")
		          : wf_nargs(a, 1, 1, "a cycle label");
	struct dti_store *s = NULL;
	if (!rc)
		rc = wf_open(a, 0, &s);
	if (rc)
		return rc;
	struct dti_buf out = DTI_BUF_INIT;
	struct dti_error err = DTI_ERROR_INIT;
	int json = wf_has(a, W_JSON);
	enum dti_status st;
	if (list) {
		struct dti_cycle_list *l = NULL;
		st = dti_cycle_list(s, &l, &err);
		if (!st)
			list_out(&out, l, json);
		dti_cycle_list_free(l);
	} else {
		struct dti_cycle_status *cs = NULL;
		st = dti_cycle_status(s, a->pos[1], &cs, &err);
		if (!st && json)
			status_json(&out, cs);
		else if (!st)
			status_text(&out, cs);
		dti_cycle_status_free(cs);
	}
	dti_store_close(s);
	if (st) {
		char what[128];
		if (list)
			snprintf(what, sizeof what, "cannot list the cycles");
		else
			snprintf(what, sizeof what, "cycle '%s'", a->pos[1]);
		return wf_fail(what, st, &err);
	}
	return wf_emit(&out);
}

int cmd_cycle(int argc, char **argv)
{
	static const struct wf_sub subs[] = {
	    {"create", cycle_create}, {"open", cycle_move},
	    {"review", cycle_move},   {"close", cycle_move},
	    {"reopen", cycle_move},   {"deadlines", cycle_deadlines},
	    {"status", cycle_show},   {"list", cycle_show},
	};
	return wf_dispatch(argc, argv, "cycle", help, 0, subs,
	                   sizeof subs / sizeof subs[0]);
}
