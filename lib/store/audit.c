/*
 * lib/store/audit.c - the audit log: a hash chain of every change, and its
 * verification (the log is read by auditlog.c).
 *
 * Each event is (seq, at, actor, action, cycle, unit, object, before,
 * after) plus prev, the hash of the event before it (empty for the first),
 * and hash = SHA-256 of all those fields, each written as "<length>:<bytes>"
 * (NULL as "-1:") after the tag "dti-audit-1", so no two different events
 * share an encoding.  audit_head holds the last seq and hash: it is the
 * row every writer locks, and it catches events deleted from the end.
 * A published snapshot copies the head, so rewriting history after a
 * publication shows up too.
 *
 * What verification can and cannot prove: an edited, inserted, deleted or
 * reordered event breaks the chain at the first such event, unless the
 * editor recomputed every later hash and the head; such a rewrite is still
 * caught when it reaches back before a published snapshot, whose head is
 * public.  Anchoring heads outside the database (publishing them) is what
 * makes the log tamper-evident against someone with write access.
 */
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"

static void put_field(struct dti_sha256 *h, const char *v)
{
	char len[24];
	if (!v) {
		dti_sha256_update(h, "-1:", 3);
		return;
	}
	size_t n = strlen(v);
	int k = dti_snprintf(len, sizeof len, "%zu:", n);
	dti_sha256_update(h, len, (size_t)k);
	dti_sha256_update(h, v, n);
}

void store_audit_hash(int64_t seq, const char *at, const char *actor,
                      const char *action, const char *cycle, const char *unit,
                      const char *object, const char *before, const char *after,
                      const char *prev, char out[65])
{
	struct dti_sha256 h;
	char num[24];
	dti_sha256_init(&h);
	put_field(&h, "dti-audit-1");
	dti_snprintf(num, sizeof num, "%lld", (long long)seq);
	put_field(&h, num);
	put_field(&h, at);
	put_field(&h, actor);
	put_field(&h, action);
	put_field(&h, cycle);
	put_field(&h, unit);
	put_field(&h, object);
	put_field(&h, before);
	put_field(&h, after);
	put_field(&h, prev);
	dti_sha256_final(&h, out);
}

static const char *const audit_cols[] = {
    "seq",    "at",          "actor",      "action", "cycle", "unit",
    "object", "before_json", "after_json", "prev",   "hash"};

/* The next event of a batch: chained in memory, queued for the insert. */
static enum dti_status audit_queue(struct dti_store *s, const char *action,
                                   const char *cycle, const char *unit,
                                   const char *object, const char *before,
                                   const char *after, struct dti_error *err)
{
	struct store_audit_batch *b = s->audit_batch;
	int64_t seq = b->seq + 1;
	char at[21], hash[65];
	store_now(s, at);
	const char *actor = s->actor[0] ? s->actor : "-";
	cycle = cycle ? cycle : "";
	unit = unit ? unit : "";
	store_audit_hash(seq, at, actor, action, cycle, unit, object, before,
	                 after, b->hash, hash);
	const char *v[] = {at,     actor,  action, cycle,   unit,
	                   object, before, after,  b->hash, hash};
	db_reset(b->ins);
	enum dti_status st = db_bind_int(b->ins, 1, seq);
	for (int i = 0; i < 10 && st == DTI_OK; i++)
		st = db_bind_text(b->ins, i + 2, v[i]);
	if (st != DTI_OK)
		return dti_err_set(err, st, "", 0, 0, "",
		                   "cannot bind the audit event");
	int row;
	st = db_step(b->ins, &row, err);
	if (st != DTI_OK)
		return st;
	b->seq = seq;
	memcpy(b->hash, hash, sizeof hash);
	b->events++;
	return DTI_OK;
}

enum dti_status store_audit_batch_begin(struct dti_store *s,
                                        struct store_audit_batch *b,
                                        struct dti_error *err)
{
	memset(b, 0, sizeof *b);
	struct db_stmt *q;
	enum dti_status st = db_prepare(
	    s->db, "SELECT seq, hash FROM audit_head WHERE id = 1", &q, err);
	if (st != DTI_OK)
		return st;
	int row = 0;
	st = db_step(q, &row, err);
	if (st == DTI_OK && !row)
		st = dti_err_set(err, DTI_EINTERNAL, "", 0, 0, "",
		                 "the audit head is missing");
	if (st == DTI_OK) {
		b->seq = db_col_int(q, 0);
		dti_snprintf(b->hash, sizeof b->hash, "%s",
		             db_col_text(q, 1) ? db_col_text(q, 1) : "");
	}
	db_finalize(q);
	if (st == DTI_OK)
		st = db_prepare_bulk(s->db, DB_BULK_INSERT, "audit", audit_cols,
		                     11, 1, &b->ins, err);
	if (st == DTI_OK)
		s->audit_batch = b;
	return st;
}

enum dti_status store_audit_batch_end(struct dti_store *s,
                                      struct store_audit_batch *b,
                                      struct dti_error *err)
{
	enum dti_status st = db_bulk_flush(b->ins, err);
	if (st == DTI_OK && b->events)
		st = db_run(
		    s->db, err,
		    "UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1",
		    "is", b->seq, b->hash);
	store_audit_batch_release(s, b);
	return st;
}

void store_audit_batch_release(struct dti_store *s, struct store_audit_batch *b)
{
	db_finalize(b->ins);
	b->ins = NULL;
	if (s->audit_batch == b)
		s->audit_batch = NULL;
}

enum dti_status store_audit(struct dti_store *s, const char *action,
                            const char *cycle, const char *unit,
                            const char *object, const char *before,
                            const char *after, struct dti_error *err)
{
	if (s->audit_batch)
		return audit_queue(s, action, cycle, unit, object, before,
		                   after, err);
	struct db_stmt *q;
	enum dti_status st = db_prepare(
	    s->db, "SELECT seq, hash FROM audit_head WHERE id = 1", &q, err);
	if (st != DTI_OK)
		return st;
	int row = 0;
	int64_t seq = 0;
	char prev[65] = "";
	st = db_step(q, &row, err);
	if (st == DTI_OK && !row)
		st = dti_err_set(err, DTI_EINTERNAL, "", 0, 0, "",
		                 "the audit head is missing");
	if (st == DTI_OK) {
		seq = db_col_int(q, 0) + 1;
		dti_snprintf(prev, sizeof prev, "%s",
		             db_col_text(q, 1) ? db_col_text(q, 1) : "");
	}
	db_finalize(q);
	if (st != DTI_OK)
		return st;
	char at[21], hash[65];
	store_now(s, at);
	const char *actor = s->actor[0] ? s->actor : "-";
	cycle = cycle ? cycle : "";
	unit = unit ? unit : "";
	store_audit_hash(seq, at, actor, action, cycle, unit, object, before,
	                 after, prev, hash);
	st =
	    db_run(s->db, err,
	           "INSERT INTO audit (seq, at, actor, action, cycle, unit, "
	           "object, before_json, after_json, prev, hash) VALUES (?, ?, "
	           "?, ?, ?, ?, ?, ?, ?, ?, ?)",
	           "isssssssss"
	           "s",
	           seq, at, actor, action, cycle, unit, object, before, after,
	           prev, hash);
	if (st == DTI_OK)
		st = db_run(
		    s->db, err,
		    "UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1",
		    "is", seq, hash);
	return st;
}

/* ---- verify ------------------------------------------------------------ */

struct snap_head {
	int64_t seq;
	char hash[65];
	char cycle[64];
	int seen;
};

static enum dti_status bad(struct dti_audit_report *rep, int64_t seq,
                           struct dti_error *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static enum dti_status bad(struct dti_audit_report *rep, int64_t seq,
                           struct dti_error *err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	rep->bad_seq = seq;
	dti_vsnprintf(rep->problem, sizeof rep->problem, fmt, ap);
	va_end(ap);
	return dti_err_set(err, DTI_EINVALID, "", 0, 0, "audit",
	                   "audit chain broken at event %lld: %s",
	                   (long long)seq, rep->problem);
}

/*
 * The chain, and with replay != NULL the tables against the state the
 * events imply (replay.c), in one pass over the log.
 */
static enum dti_status check(struct dti_store *s, struct dti_audit_report *rep,
                             struct store_replay *replay, struct dti_error *err)
{
	memset(rep, 0, sizeof *rep);
	enum dti_status st = DTI_OK;
	/* Heads recorded by published snapshots. */
	struct snap_head *snaps = NULL;
	size_t nsnaps = 0, capsnaps = 0;
	struct db_stmt *q = NULL;
	st = db_prepare(s->db,
	                "SELECT s.audit_seq, s.audit_hash, c.label FROM "
	                "snapshots s JOIN cycles c ON c.id = s.cycle_id ORDER "
	                "BY s.audit_seq",
	                &q, err);
	int row = 0;
	while (st == DTI_OK && (st = db_step(q, &row, err)) == DTI_OK && row) {
		if (nsnaps == capsnaps) {
			capsnaps = capsnaps ? 2 * capsnaps : 8;
			struct snap_head *n =
			    realloc(snaps, capsnaps * sizeof *snaps);
			if (!n) {
				st = dti_err_nomem(err);
				break;
			}
			snaps = n;
		}
		struct snap_head *h = &snaps[nsnaps++];
		h->seq = db_col_int(q, 0);
		h->seen = 0;
		dti_snprintf(h->hash, sizeof h->hash, "%s", db_col_text(q, 1));
		dti_snprintf(h->cycle, sizeof h->cycle, "%s",
		             db_col_text(q, 2));
	}
	db_finalize(q);
	q = NULL;
	int64_t head_seq = 0;
	char head_hash[65] = "";
	if (st == DTI_OK)
		st = db_prepare(s->db,
		                "SELECT seq, hash FROM audit_head WHERE id = 1",
		                &q, err);
	if (st == DTI_OK && (st = db_step(q, &row, err)) == DTI_OK && row) {
		head_seq = db_col_int(q, 0);
		dti_snprintf(head_hash, sizeof head_hash, "%s",
		             db_col_text(q, 1));
	}
	db_finalize(q);
	q = NULL;
	if (st == DTI_OK)
		st = db_prepare(
		    s->db,
		    "SELECT seq, at, actor, action, cycle, unit, "
		    "object, before_json, after_json, prev, hash FROM "
		    "audit ORDER BY seq",
		    &q, err);
	int64_t expect = 1;
	char prev[65] = "";
	size_t snap_i = 0;
	while (st == DTI_OK && (st = db_step(q, &row, err)) == DTI_OK && row) {
		int64_t seq = db_col_int(q, 0);
		const char *f[10];
		for (int c = 0; c < 10; c++)
			f[c] = db_col_text(q, c + 1);
		if (seq != expect) {
			st = seq > expect
			         ? bad(rep, seq, err,
			               "events %lld to %lld are missing "
			               "(deleted)",
			               (long long)expect, (long long)seq - 1)
			         : bad(rep, seq, err, "sequence out of order");
			break;
		}
		if (!f[8] || strcmp(f[8], prev) != 0) {
			st = bad(
			    rep, seq, err,
			    "it does not follow event %lld (its link to the "
			    "previous event differs): events were "
			    "reordered, inserted or replaced",
			    (long long)seq - 1);
			break;
		}
		char h[65];
		store_audit_hash(seq, f[0], f[1], f[2], f[3], f[4], f[5], f[6],
		                 f[7], f[8], h);
		if (!f[9] || strcmp(h, f[9]) != 0) {
			st =
			    bad(rep, seq, err,
			        "its content does not match its hash (edited)");
			break;
		}
		while (snap_i < nsnaps && snaps[snap_i].seq == seq) {
			if (strcmp(snaps[snap_i].hash, h) != 0) {
				st = bad(
				    rep, seq, err,
				    "the published snapshot of %s recorded "
				    "another hash here: history was rewritten",
				    snaps[snap_i].cycle);
				break;
			}
			snaps[snap_i++].seen = 1;
		}
		if (st != DTI_OK)
			break;
		if (replay)
			store_replay_event(replay, f[1], f[2], f[3], f[4], f[5],
			                   f[6], f[7]);
		memcpy(prev, h, 65);
		memcpy(rep->head, h, 65);
		rep->events++;
		expect = seq + 1;
	}
	db_finalize(q);
	if (st == DTI_OK && snap_i < nsnaps)
		st = bad(
		    rep, snaps[snap_i].seq, err,
		    "the published snapshot of %s records this event, which "
		    "is gone",
		    snaps[snap_i].cycle);
	if (st == DTI_OK && (head_seq != expect - 1 || strcmp(head_hash, prev)))
		st = head_seq > expect - 1
		         ? bad(rep, expect, err,
		               "the head records %lld events, %lld remain: the "
		               "last events were deleted",
		               (long long)head_seq, (long long)(expect - 1))
		         : bad(rep, head_seq + 1, err,
		               "the head does not match the last event");
	/* The chain holds: do the tables hold what it says? */
	if (st == DTI_OK && replay)
		st = store_replay_compare(s, replay, rep, err);
	free(snaps);
	return st;
}

enum dti_status store_audit_check_state(struct dti_store *s, int extra_ok,
                                        struct dti_audit_report *rep,
                                        struct dti_error *err)
{
	struct store_replay *replay = store_replay_new(extra_ok);
	if (!replay) {
		memset(rep, 0, sizeof *rep);
		return dti_err_nomem(err);
	}
	enum dti_status st = check(s, rep, replay, err);
	store_replay_free(replay);
	return st;
}

enum dti_status dti_audit_verify(struct dti_store *s,
                                 struct dti_audit_report *rep,
                                 struct dti_error *err)
{
	struct dti_audit_report local;
	if (!rep)
		rep = &local;
	memset(rep, 0, sizeof *rep);
	enum dti_status st = store_begin_read(s, err);
	if (st != DTI_OK)
		return st;
	st = store_audit_check_state(s, 0, rep, err);
	db_rollback(s->db);
	return st;
}
