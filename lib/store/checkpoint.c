/*
 * lib/store/checkpoint.c - signed checkpoints of the audit log (Ed25519).
 *
 * A published snapshot records the audit head, but the head lives in the
 * same database as the log: someone who can write the database can edit
 * an early event, recompute every later hash, the head and the snapshot's
 * copy, and plain verification cannot tell.  A checkpoint taken out of the
 * database pins history: at publication the store signs
 *
 *     format "dti-checkpoint-1", cycle, seq (events in the log, the
 *     publication event included), head (that event's hash), the SHA-256
 *     of the published result body, time, public key
 *
 * encoded as the audit chain encodes events: each field "<length>:<bytes>"
 * in that order (seq in decimal, hashes and the key in lower-case hex),
 * and the signature is Ed25519 over exactly those bytes.  The checkpoint
 * is one JSON object with those fields and "signature" (hex).
 *
 * The key pair is the store's: one row of signing_key, created at the
 * first publication, its public key recorded in the log by a store.key
 * event (so a key swapped in the table shows: verify replays it).  The
 * secret key lives in the store, so a signature proves origin only as well
 * as the store is guarded; a checkpoint kept outside pins the history up
 * to its event whatever happens to the database later.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"

#define CHECKPOINT_FORMAT "dti-checkpoint-1"

static void put(struct dti_buf *b, const char *v)
{
	dti_buf_addf(b, "%zu:", strlen(v));
	dti_buf_adds(b, v);
}

/* The signed bytes (see the top of the file). */
static enum dti_status message(struct dti_buf *b, const char *cycle,
                               long long seq, const char *head,
                               const char *result, const char *time,
                               const char *pk)
{
	char num[24];
	dti_snprintf(num, sizeof num, "%lld", seq);
	put(b, CHECKPOINT_FORMAT);
	put(b, cycle);
	put(b, num);
	put(b, head);
	put(b, result);
	put(b, time);
	put(b, pk);
	return b->status;
}

static int unhex(const char *hex, unsigned char *out, size_t n)
{
	size_t len = 0;
	if (!hex || strlen(hex) != 2 * n)
		return -1;
	if (sodium_hex2bin(out, n, hex, 2 * n, NULL, &len, NULL) != 0 ||
	    len != n)
		return -1;
	return 0;
}

enum dti_status store_signing_key(struct dti_store *s, char pk_hex[65],
                                  unsigned char sk[crypto_sign_SECRETKEYBYTES],
                                  struct dti_error *err)
{
	struct db_stmt *q = NULL;
	enum dti_status st = db_prepare(
	    s->db,
	    "SELECT public_key, secret_key FROM signing_key WHERE id = 1", &q,
	    err);
	int row = 0, usable = 0;
	char old[65] = "";
	if (st == DTI_OK)
		st = db_step(q, &row, err);
	if (st == DTI_OK && row) {
		/* Usable when the secret key is hex and its public half is the
		 * recorded one; an export without secrets redacts it. */
		const char *p = db_col_text(q, 0), *k = db_col_text(q, 1);
		unsigned char pk[crypto_sign_PUBLICKEYBYTES],
		    half[crypto_sign_PUBLICKEYBYTES];
		dti_snprintf(old, sizeof old, "%s", p ? p : "");
		usable = !unhex(p, pk, sizeof pk) &&
		         !unhex(k, sk, crypto_sign_SECRETKEYBYTES) &&
		         crypto_sign_ed25519_sk_to_pk(half, sk) == 0 &&
		         sodium_memcmp(half, pk, sizeof pk) == 0;
		if (usable)
			dti_snprintf(pk_hex, 65, "%s", p);
	}
	db_finalize(q);
	if (st != DTI_OK || usable)
		return st;
	/*
	 * None yet (the first publication), or none usable (its secret half
	 * redacted by an export): a new pair, recorded in the log.
	 * Checkpoints signed by the old key still verify: the log keeps it.
	 */
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];
	char sk_hex[2 * crypto_sign_SECRETKEYBYTES + 1];
	crypto_sign_keypair(pk, sk);
	sodium_bin2hex(pk_hex, 65, pk, sizeof pk);
	sodium_bin2hex(sk_hex, sizeof sk_hex, sk, crypto_sign_SECRETKEYBYTES);
	if (row)
		st = db_run(s->db, err, "DELETE FROM signing_key WHERE id = 1",
		            "");
	char now[21];
	store_now(s, now);
	if (st == DTI_OK)
		st = db_run(
		    s->db, err,
		    "INSERT INTO signing_key (id, public_key, secret_key, "
		    "created_at) VALUES (1, ?, ?, ?)",
		    "sss", pk_hex, sk_hex, now);
	sodium_memzero(sk_hex, sizeof sk_hex);
	if (st == DTI_OK) {
		char after[256];
		dti_snprintf(
		    after, sizeof after,
		    "{\"algorithm\":\"ed25519\",\"public_key\":\"%s\"%s%s%s}",
		    pk_hex, row ? ",\"replaces\":\"" : "", row ? old : "",
		    row ? "\"" : "");
		st = store_audit(s, "store.key", NULL, NULL, "signing key",
		                 NULL, after, err);
	}
	return st;
}

enum dti_status store_checkpoint_make(struct dti_store *s, const char *cycle,
                                      const char *result_sha,
                                      struct dti_buf *out,
                                      struct dti_error *err)
{
	char pk[65];
	unsigned char sk[crypto_sign_SECRETKEYBYTES];
	enum dti_status st = store_signing_key(s, pk, sk, err);
	if (st != DTI_OK)
		return st;
	int64_t seq = 0;
	char head[65] = "";
	struct db_stmt *q = NULL;
	st = db_prepare(s->db, "SELECT seq, hash FROM audit_head WHERE id = 1",
	                &q, err);
	int row = 0;
	if (st == DTI_OK)
		st = db_step(q, &row, err);
	if (st == DTI_OK && row) {
		seq = db_col_int(q, 0);
		dti_snprintf(head, sizeof head, "%s", db_col_text(q, 1));
	}
	db_finalize(q);
	char now[21];
	store_now(s, now);
	struct dti_buf m;
	dti_buf_init(&m, 0);
	if (st == DTI_OK &&
	    message(&m, cycle, (long long)seq, head, result_sha, now, pk))
		st = dti_err_nomem(err);
	unsigned char sig[crypto_sign_BYTES];
	char sig_hex[2 * crypto_sign_BYTES + 1];
	if (st == DTI_OK) {
		crypto_sign_detached(sig, NULL, (const unsigned char *)m.data,
		                     m.len, sk);
		sodium_bin2hex(sig_hex, sizeof sig_hex, sig, sizeof sig);
		struct dti_json j;
		dti_json_init(&j, out);
		dti_json_object_begin(&j);
		dti_json_key(&j, "format");
		dti_json_string(&j, CHECKPOINT_FORMAT);
		dti_json_key(&j, "cycle");
		dti_json_string(&j, cycle);
		dti_json_key(&j, "seq");
		dti_json_int(&j, seq);
		dti_json_key(&j, "head");
		dti_json_string(&j, head);
		dti_json_key(&j, "result_sha256");
		dti_json_string(&j, result_sha);
		dti_json_key(&j, "time");
		dti_json_string(&j, now);
		dti_json_key(&j, "public_key");
		dti_json_string(&j, pk);
		dti_json_key(&j, "signature");
		dti_json_string(&j, sig_hex);
		dti_json_object_end(&j);
		if (dti_buf_addc(out, '\0'))
			st = dti_err_nomem(err);
	}
	sodium_memzero(sk, sizeof sk);
	dti_buf_release(&m);
	return st;
}

enum dti_status dti_cycle_checkpoint(struct dti_store *s, const char *cycle,
                                     struct dti_buf *out, struct dti_error *err)
{
	enum dti_status st = store_begin_read(s, err);
	if (st != DTI_OK)
		return dti_buf_final(out, st, err);
	struct store_cycle c;
	st = store_load_cycle(s, cycle, &c, err);
	struct db_stmt *q = NULL;
	int row = 0;
	if (st == DTI_OK)
		st = db_prepare(s->db,
		                "SELECT checkpoint FROM snapshots WHERE "
		                "cycle_id = ?",
		                &q, err);
	if (st == DTI_OK) {
		db_bind_int(q, 1, c.id);
		st = db_step(q, &row, err);
	}
	if (st == DTI_OK && (!row || !db_col_text(q, 0)))
		st = dti_err_set(
		    err, DTI_ENOTFOUND, "", 0, 0, "cycle",
		    row ? "cycle %s was published before checkpoints were "
		          "signed: it has none"
		        : "cycle %s is not published: it has no checkpoint",
		    c.label);
	if (st == DTI_OK) {
		dti_buf_adds(out, db_col_text(q, 0));
		st = dti_buf_addc(out, '\n');
	}
	db_finalize(q);
	db_rollback(s->db);
	return dti_buf_final(out, st, err);
}

/* ---- verification ------------------------------------------------------ */

static enum dti_status refuse(struct dti_audit_report *rep,
                              struct dti_error *err, long long seq,
                              const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static enum dti_status refuse(struct dti_audit_report *rep,
                              struct dti_error *err, long long seq,
                              const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	dti_vsnprintf(rep->problem, sizeof rep->problem, fmt, ap);
	va_end(ap);
	rep->bad_seq = seq;
	dti_snprintf(rep->table, sizeof rep->table, "checkpoint");
	return dti_err_set(err, DTI_EINVALID, "", 0, 0, "checkpoint",
	                   "checkpoint refused: %s", rep->problem);
}

static const char *field(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Is pk the public key of a store.key event of the log? */
static enum dti_status key_recorded(struct dti_store *s, const char *pk,
                                    int *found, struct dti_error *err)
{
	*found = 0;
	struct db_stmt *q = NULL;
	enum dti_status st = db_prepare(
	    s->db,
	    "SELECT after_json FROM audit WHERE action = 'store.key' ORDER BY "
	    "seq",
	    &q, err);
	int row = 0;
	while (st == DTI_OK && (st = db_step(q, &row, err)) == DTI_OK && row) {
		const char *a = db_col_text(q, 0);
		json_t *o = a ? json_loads(a, 0, NULL) : NULL;
		const char *k = field(o, "public_key");
		if (k && strcmp(k, pk) == 0)
			*found = 1;
		json_decref(o);
	}
	db_finalize(q);
	return st;
}

static enum dti_status check_store(struct dti_store *s, const char *cycle,
                                   long long seq, const char *head,
                                   const char *result, const char *pk,
                                   struct dti_audit_report *rep,
                                   struct dti_error *err)
{
	int found = 0;
	enum dti_status st = key_recorded(s, pk, &found, err);
	if (st == DTI_OK && !found)
		return refuse(rep, err, 0,
		              "its key %.16s... is not a signing key recorded "
		              "in this store's audit log",
		              pk);
	int64_t events = 0;
	if (st == DTI_OK)
		st = db_query_int(s->db, err, &events, NULL,
		                  "SELECT count(*) FROM audit", "");
	struct db_stmt *q = NULL;
	int row = 0;
	if (st == DTI_OK)
		st = db_prepare(s->db, "SELECT hash FROM audit WHERE seq = ?",
		                &q, err);
	if (st == DTI_OK) {
		db_bind_int(q, 1, seq);
		st = db_step(q, &row, err);
	}
	char have[65] = "";
	if (st == DTI_OK && row)
		dti_snprintf(have, sizeof have, "%s",
		             db_col_text(q, 0) ? db_col_text(q, 0) : "");
	db_finalize(q);
	if (st != DTI_OK)
		return st;
	if (!row)
		return refuse(rep, err, seq,
		              "the checkpoint signed event %lld, but the store "
		              "holds %lld events: the log was cut",
		              seq, (long long)events);
	if (strcmp(have, head) != 0)
		return refuse(
		    rep, err, seq,
		    "event %lld has hash %.16s... in the store, the checkpoint "
		    "signed %.16s...: the history up to event %lld was "
		    "rewritten",
		    seq, have, head, seq);
	/* The snapshot still holds the result that was signed. */
	st = db_prepare(s->db,
	                "SELECT r.body FROM snapshots p JOIN cycles c ON c.id "
	                "= p.cycle_id JOIN results r ON r.id = p.result_id "
	                "WHERE c.label = ?",
	                &q, err);
	if (st == DTI_OK) {
		db_bind_text(q, 1, cycle);
		st = db_step(q, &row, err);
	}
	char digest[65] = "";
	if (st == DTI_OK && row) {
		const char *body = db_col_text(q, 0);
		struct dti_sha256 h;
		dti_sha256_init(&h);
		dti_sha256_update(&h, body ? body : "",
		                  body ? strlen(body) : 0);
		dti_sha256_final(&h, digest);
	}
	db_finalize(q);
	if (st != DTI_OK)
		return st;
	if (!row)
		return refuse(rep, err, 0,
		              "the store holds no published snapshot of %s",
		              cycle);
	if (strcmp(digest, result) != 0)
		return refuse(rep, err, 0,
		              "the published result of %s has SHA-256 "
		              "%.16s..., the checkpoint signed %.16s...",
		              cycle, digest, result);
	return DTI_OK;
}

enum dti_status dti_audit_verify_checkpoint(struct dti_store *s,
                                            const char *text, size_t len,
                                            struct dti_audit_report *rep,
                                            struct dti_error *err)
{
	struct dti_audit_report local;
	if (!rep)
		rep = &local;
	memset(rep, 0, sizeof *rep);
	json_error_t je;
	json_t *o = json_loadb(text, len, 0, &je);
	if (!json_is_object(o)) {
		json_decref(o);
		return refuse(rep, err, 0, "not a JSON object (line %d: %s)",
		              je.line, je.text);
	}
	static const char *const names[] = {
	    "format", "cycle",      "head",     "result_sha256",
	    "time",   "public_key", "signature"};
	const char *f[7];
	enum dti_status st = DTI_OK;
	for (int k = 0; k < 7 && st == DTI_OK; k++)
		if (!(f[k] = field(o, names[k])))
			st = refuse(rep, err, 0, "field '%s' is missing",
			            names[k]);
	json_t *jseq = json_object_get(o, "seq");
	if (st == DTI_OK &&
	    (!json_is_integer(jseq) || json_integer_value(jseq) < 1))
		st = refuse(rep, err, 0, "field 'seq' is not an event number");
	if (st == DTI_OK && strcmp(f[0], CHECKPOINT_FORMAT) != 0)
		st = refuse(rep, err, 0, "format '%s': expected %s", f[0],
		            CHECKPOINT_FORMAT);
	long long seq = st == DTI_OK ? (long long)json_integer_value(jseq) : 0;
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], sig[crypto_sign_BYTES];
	if (st == DTI_OK && unhex(f[5], pk, sizeof pk))
		st = refuse(rep, err, 0, "public_key is not 32 bytes of hex");
	if (st == DTI_OK && unhex(f[6], sig, sizeof sig))
		st = refuse(rep, err, 0, "signature is not 64 bytes of hex");
	struct dti_buf m;
	dti_buf_init(&m, 0);
	if (st == DTI_OK && message(&m, f[1], seq, f[2], f[3], f[4], f[5]))
		st = dti_err_nomem(err);
	if (st == DTI_OK &&
	    crypto_sign_verify_detached(sig, (const unsigned char *)m.data,
	                                m.len, pk) != 0)
		st = refuse(rep, err, 0,
		            "the signature does not verify: the checkpoint was "
		            "altered, or not signed by its key");
	dti_buf_release(&m);
	if (st == DTI_OK)
		st = store_begin_read(s, err);
	if (st == DTI_OK) {
		st = check_store(s, f[1], seq, f[2], f[3], f[5], rep, err);
		/* and the log and the tables themselves */
		if (st == DTI_OK)
			st = store_audit_check_state(s, 0, rep, err);
		db_rollback(s->db);
	}
	json_decref(o);
	return st;
}
