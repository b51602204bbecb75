/*
 * src/cli/cmd_audit.c - dti audit log|verify.
 *
 * Every change to the store appends an event to the audit log; each event
 * carries the hash of the one before, so that an event edited, deleted,
 * inserted or moved breaks the chain.  'log' lists events, filtered;
 * 'verify' recomputes the chain, checks it against the stored head and
 * the heads recorded by published snapshots, and compares the tables with
 * the state the events imply; with --checkpoint it first checks a signed
 * checkpoint kept outside the store.  'checkpoint' writes a published
 * cycle's checkpoint.
 *
 * In 'audit log', --user filters the events by who made them; the user
 * reading the log is $DTI_USER.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wf.h"

static const char help[] =
    "usage: dti audit log|verify|checkpoint [OPTIONS]\n"
    "\n"
    "  dti audit log [--unit U [--date D]] [--user NAME] [--cycle C]\n"
    "                [--action A] [--after SEQ] [--limit N] [--json]\n"
    "  dti audit verify [--checkpoint FILE]\n"
    "  dti audit checkpoint CYCLE [-o FILE]\n"
    "\n"
    "log         the events of the audit log, oldest first, as text lines\n"
    "            or NDJSON (--json), filtered by unit, acting user, cycle\n"
    "            or action (submission.submit, review.adjust, ...).\n"
    "verify      recomputes the hash chain of the log, replays its events\n"
    "            and compares the tables with the state they imply: prints\n"
    "            'audit chain intact: N events, head HASH', or names the\n"
    "            first bad event (edited, deleted, inserted or reordered),\n"
    "            or the first table row that differs from the log (table,\n"
    "            key, what the log says, what the table holds), and exits\n"
    "            4.  With --checkpoint FILE, first checks a signed\n"
    "            checkpoint: its signature, its key (one the log recorded),\n"
    "            that the log still holds its event with the hash signed,\n"
    "            and that the published result still has the digest signed.\n"
    "checkpoint  writes the signed checkpoint of a published cycle (one\n"
    "            JSON document) to keep outside the store.\n"
    "\n"
    "Options:\n"
    "      --db PATH|URI       the store (default: $DTI_DB, else ./dti.db)\n"
    "      --unit U            (log) events of this unit (id, code, name;\n"
    "                          a name is read as on the reference date of\n"
    "                          --cycle, else as on --date, else today)\n"
    "      --date D            (log) read the --unit name as on YYYY-MM-DD\n"
    "      --user NAME         (log) events made by this user; the reader\n"
    "                          is $DTI_USER\n"
    "      --cycle C           (log) events of this cycle\n"
    "      --action A          (log) events of this action\n"
    "      --after SEQ         (log) events after number SEQ\n"
    "      --limit N           (log) at most N events\n"
    "      --json              (log) NDJSON, one event a line\n"
    "      --checkpoint FILE   (verify) a checkpoint to check the store by\n"
    "  -o, --output FILE       (checkpoint) write to FILE\n"
    "\n"
    "Examples:\n"
    "  dti audit log --cycle dti-2024 --unit 'Đà Nẵng'\n"
    "  dti audit log --unit 'Đà Nẵng' --date 2025-07-01\n"
    "  dti audit log --action review.adjust --json\n"
    "  dti audit verify\n"
    "  dti audit checkpoint dti-2024 -o dti-2024.checkpoint.json\n"
    "  dti audit verify --checkpoint dti-2024.checkpoint.json\n";

/* What the log's callback writes to, and how. */
struct log_out {
	struct dti_buf buf;
	int json;
	int rc; /* exit code of a failed write */
};

/* Output goes out in pieces of this size: the log may be long. */
#define LOG_CHUNK ((size_t)64 << 10)

/* "  seq at actor action object [cycle] before -> after" */
static void event_text(struct dti_buf *b, const struct dti_audit_event *ev)
{
	/* every field escaped: an actor or object name is text of a user */
	dti_buf_addf(b, "%6lld ", (long long)ev->seq);
	cli_esc(b, ev->at);
	dti_buf_addc(b, ' ');
	cli_esc_pad(b, ev->actor, 12);
	dti_buf_addc(b, ' ');
	cli_esc_pad(b, ev->action, 20);
	dti_buf_addc(b, ' ');
	cli_esc(b, ev->object);
	if (*ev->cycle) {
		dti_buf_adds(b, " [");
		cli_esc(b, ev->cycle);
		dti_buf_addc(b, ']');
	}
	if (ev->before || ev->after) {
		dti_buf_addc(b, ' ');
		cli_esc_json(b, ev->before ? ev->before : "-");
		dti_buf_adds(b, " -> ");
		cli_esc_json(b, ev->after ? ev->after : "-");
	}
	dti_buf_addc(b, '\n');
}

/* One NDJSON line; before and after are JSON already. */
static void event_json(struct dti_buf *b, const struct dti_audit_event *ev)
{
	const char *keys[] = {"at",     "actor",  "action", "cycle", "unit",
	                      "object", "before", "after",  "hash"};
	const char *vals[] = {ev->at,     ev->actor, ev->action,
	                      ev->cycle,  ev->unit,  ev->object,
	                      ev->before, ev->after, ev->hash};
	struct dti_json j;
	dti_json_init(&j, b);
	dti_json_object_begin(&j);
	dti_json_key(&j, "seq");
	dti_json_int(&j, ev->seq);
	for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
		dti_json_key(&j, keys[k]);
		if (k == 6 || k == 7) /* before, after: JSON already */
			dti_json_raw(&j, vals[k]);
		else
			dti_json_string(&j, vals[k]);
	}
	dti_json_object_end(&j);
	dti_buf_addc(b, '\n');
}

static enum dti_status log_event(void *ctx, const struct dti_audit_event *ev)
{
	struct log_out *o = ctx;
	if (o->json)
		event_json(&o->buf, ev);
	else
		event_text(&o->buf, ev);
	if (o->buf.len >= LOG_CHUNK) {
		o->rc = cli_write(NULL, &o->buf);
		dti_buf_reset(&o->buf);
		if (o->rc)
			return DTI_EIO;
	}
	return DTI_OK;
}

static int audit_log(const struct wf_args *a)
{
	static const int allowed[] = {W_UNIT,  W_DATE,  W_CYCLE, W_ACTION,
	                              W_AFTER, W_LIMIT, W_JSON,  -1};
	int rc = wf_allow(a, "log", allowed);
	if (!rc)
		rc = wf_nargs(a, 0, 0, "");
	if (!rc && a->count[W_UNIT] > 1)
		rc = wf_usage(a, "'audit log' takes one --unit");
	const char *date = a->val[W_DATE];
	if (!rc && date && !wf_has(a, W_UNIT))
		rc = wf_usage(a, "--date D is the day on which the --unit name "
		                 "is read: give it with --unit");
	if (!rc && date && wf_has(a, W_CYCLE))
		rc =
		    wf_usage(a, "with --cycle, the --unit name is read as on "
		                "the cycle's reference date: leave out --date");
	if (!rc && date)
		rc = wf_date(a, "--date", date);
	long long after = 0, limit = 0;
	if (!rc && wf_has(a, W_AFTER))
		rc = wf_integer(a, "--after", a->val[W_AFTER], 0, INT64_MAX,
		                &after);
	if (!rc && wf_has(a, W_LIMIT))
		rc = wf_integer(a, "--limit", a->val[W_LIMIT], 1, INT64_MAX,
		                &limit);
	if (rc)
		return rc;
	struct dti_store *s = NULL;
	/* --user is the filter here: the reader comes from $DTI_USER */
	rc = cli_open_store(a->val[W_DB], NULL, 0, &s);
	if (rc)
		return rc;
	struct dti_unit_ref ref;
	struct dti_audit_filter f = DTI_AUDIT_FILTER_INIT;
	f.user = a->val[W_USER];
	f.cycle = a->val[W_CYCLE];
	f.action = a->val[W_ACTION];
	f.after = after;
	f.limit = (size_t)limit;
	if (wf_has(a, W_UNIT)) {
		/* the cycle first: its reference date reads the name */
		struct dti_cycle_info ci;
		if (f.cycle)
			rc = wf_cycle(s, f.cycle, &ci);
		if (!rc)
			rc = wf_unit(s, a->val[W_UNIT], f.cycle, date, &ref);
		f.unit = ref.id;
	}
	if (!rc) {
		struct log_out o = {DTI_BUF_INIT, wf_has(a, W_JSON), 0};
		struct dti_error err = DTI_ERROR_INIT;
		enum dti_status st = dti_audit_log(s, &f, log_event, &o, &err);
		if (o.rc)
			rc = o.rc;
		else if (st)
			rc = wf_fail("cannot read the audit log", st, &err);
		else
			rc = cli_write(NULL, &o.buf);
		dti_error_release(&err);
		dti_buf_release(&o.buf);
	}
	dti_store_close(s);
	return rc;
}

static int audit_verify(const struct wf_args *a)
{
	static const int allowed[] = {W_CHECKPOINT, -1};
	int rc = wf_allow(a, "verify", allowed);
	if (!rc)
		rc = wf_nargs(a, 0, 0, "");
	char *cp = NULL;
	size_t cplen = 0;
	if (!rc && wf_has(a, W_CHECKPOINT))
		rc = wf_read_file(a->val[W_CHECKPOINT], (size_t)1 << 20, &cp,
		                  &cplen);
	struct dti_store *s = NULL;
	if (!rc)
		rc = wf_open(a, 0, &s);
	if (rc) {
		free(cp);
		return rc;
	}
	struct dti_audit_report rep;
	memset(&rep, 0, sizeof rep);
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st =
	    cp ? dti_audit_verify_checkpoint(s, cp, cplen, &rep, &err)
	       : dti_audit_verify(s, &rep, &err);
	free(cp);
	dti_store_close(s);
	if (st == DTI_OK) {
		dti_error_release(&err);
		if (wf_has(a, W_CHECKPOINT))
			printf("checkpoint %s: signature valid, key recorded, "
			       "history and published result as signed\n",
			       a->val[W_CHECKPOINT]);
		printf("audit chain intact: %lld event%s, head %s\n",
		       rep.events, rep.events == 1 ? "" : "s",
		       *rep.head ? rep.head : "(none)");
		return EXIT_OK;
	}
	if (st == DTI_EINVALID && strcmp(rep.table, "checkpoint") == 0) {
		fprintf(stderr, "dti: checkpoint %s refused: %s\n",
		        a->val[W_CHECKPOINT], rep.problem);
		dti_error_release(&err);
		return EXIT_DATA;
	}
	if (st == DTI_EINVALID && rep.bad_seq) {
		fprintf(stderr,
		        "dti: audit chain broken at event %lld: %s (%lld "
		        "events checked; last good head %s)\n",
		        rep.bad_seq, *rep.problem ? rep.problem : err.message,
		        rep.events, *rep.head ? rep.head : "(none)");
		dti_error_release(&err);
		return EXIT_DATA;
	}
	if (st == DTI_EINVALID && rep.table[0]) {
		fprintf(stderr,
		        "dti: the tables differ from the audit log: %s (the "
		        "chain of %lld events is intact, head %s)\n",
		        rep.problem, rep.events,
		        *rep.head ? rep.head : "(none)");
		dti_error_release(&err);
		return EXIT_DATA;
	}
	return wf_fail("cannot verify the audit chain", st, &err);
}

static int audit_checkpoint(const struct wf_args *a)
{
	static const int allowed[] = {W_OUTPUT, -1};
	int rc = wf_allow(a, "checkpoint", allowed);
	if (!rc)
		rc = wf_nargs(a, 1, 1, "a published cycle");
	struct dti_store *s = NULL;
	if (!rc)
		rc = wf_open(a, 0, &s);
	if (rc)
		return rc;
	struct dti_buf out = DTI_BUF_INIT;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_cycle_checkpoint(s, a->pos[1], &out, &err);
	if (st) {
		char what[128];
		snprintf(what, sizeof what, "no checkpoint of cycle '%s'",
		         a->pos[1]);
		rc = wf_fail(what, st, &err);
	} else {
		dti_error_release(&err);
		rc = cli_write(a->val[W_OUTPUT], &out);
	}
	dti_buf_release(&out);
	dti_store_close(s);
	return rc;
}

int cmd_audit(int argc, char **argv)
{
	static const struct wf_sub subs[] = {
	    {"log", audit_log},
	    {"verify", audit_verify},
	    {"checkpoint", audit_checkpoint},
	};
	return wf_dispatch(argc, argv, "audit", help, 0, subs,
	                   sizeof subs / sizeof subs[0]);
}
