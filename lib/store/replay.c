/*
 * lib/store/replay.c - the state the audit log implies, checked against
 * the tables.
 *
 * A hash chain proves that the log was not rewritten; it says nothing of
 * the tables, which anyone with write access to the database can change
 * without a trace in the log.  Replay closes that gap: every event is
 * applied, in order, to an in-memory copy of the rows it creates, changes
 * or deletes (users with their e-mail addresses, roles, tokens, units,
 * frameworks, cycles, submissions, figures, evidence, blobs, results,
 * snapshots, targets), and then each table is read once and compared with that
 * copy.  The first difference is named as table, key, field, what the log
 * says and what the table holds; a row the log does not explain and a row
 * the log implies but which is gone are differences too.  The notices'
 * tables (notice_reads, notice_mail) are operational records of what
 * users read and what the mailer sent, not audited, and not replayed.
 *
 * Everything is linear: one pass over the events (each parsed once), one
 * pass over each table, rows found by key in hash maps.  Content that is
 * large or secret is checked by digest: a framework's body and a blob's
 * data against their SHA-256 key, a result's body against the digest its
 * cycle.compute event recorded, a password hash and a token hash against
 * the digest of the stored hash their event recorded.  An export without
 * secrets leaves a password hash NULL (no login possible) and a token hash
 * "redacted:<id>": both are accepted; any other hash must match.
 *
 * Events written before a field was recorded (an older store) leave that
 * field unchecked rather than guessed.
 */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"

#define XF_MAX 10

enum xkind { XV_SKIP = 0, XV_NULL, XV_TEXT, XV_NUM };
/* How a field of the table is compared with the log's value. */
enum xmode {
	XM_PLAIN,    /* equal */
	XM_DIGEST,   /* SHA-256 of the table's text equals the log's */
	XM_BLOB,     /* SHA-256 of the table's blob equals the log's */
	XM_PASSWORD, /* NULL, or its SHA-256 equals the log's */
	XM_TOKEN,    /* "redacted:<id>", or its SHA-256 equals the log's */
};

struct xval {
	enum xkind k;
	double d;
	char *s;
};

struct xrow {
	char *key;
	int live, seen;
	int refs; /* blobs: evidence rows pointing at it */
	struct xval v[XF_MAX];
};

struct xspec {
	const char *name;
	const char *sql; /* key columns, then the fields */
	int nkey, nf;
	const char *fields[XF_MAX];
	enum xmode mode[XF_MAX];
};

enum {
	T_USERS,
	T_ROLES,
	T_TOKENS,
	T_UNITS,
	T_FRAMEWORKS,
	T_CYCLES,
	T_SUBS,
	T_FIGURES,
	T_EVIDENCE,
	T_BLOBS,
	T_RESULTS,
	T_SNAPSHOTS,
	T_KEYS,
	T_SETTINGS,
	T_TARGETS,
	T_N
};

static const struct xspec specs[T_N] = {
    [T_USERS] = {"users",
                 "SELECT name, display_name, password_hash, disabled, "
                 "email FROM users ORDER BY id",
                 1,
                 4,
                 {"display_name", "password_hash", "disabled", "email"},
                 {XM_PLAIN, XM_PASSWORD, XM_PLAIN, XM_PLAIN}},
    [T_ROLES] = {"user_roles",
                 "SELECT COALESCE(u.name, CAST(r.user_id AS TEXT)), "
                 "r.role, r.unit_id FROM user_roles r LEFT JOIN users u "
                 "ON u.id = r.user_id ORDER BY r.user_id, r.role, "
                 "r.unit_id",
                 3,
                 0,
                 {NULL},
                 {XM_PLAIN}},
    [T_TOKENS] = {"tokens",
                  "SELECT COALESCE(u.name, CAST(t.user_id AS TEXT)), "
                  "t.label, t.id, t.hash, CASE WHEN t.revoked_at IS NULL "
                  "THEN 0 ELSE 1 END FROM tokens t LEFT JOIN users u ON "
                  "u.id = t.user_id ORDER BY t.id",
                  2,
                  3,
                  {"id", "hash", "revoked"},
                  {XM_PLAIN, XM_TOKEN, XM_PLAIN}},
    [T_UNITS] = {"units",
                 "SELECT id, code, name_vi, name_ascii, aliases, level, "
                 "group_id, valid_from, valid_to, successors FROM units "
                 "ORDER BY id",
                 1,
                 9,
                 {"code", "name_vi", "name_ascii", "aliases", "level", "group",
                  "valid_from", "valid_to", "successors"},
                 {XM_PLAIN}},
    [T_FRAMEWORKS] = {"frameworks",
                      "SELECT sha, fw_id, version, body FROM frameworks "
                      "ORDER BY sha",
                      1,
                      3,
                      {"id", "version", "body"},
                      {XM_PLAIN, XM_PLAIN, XM_DIGEST}},
    [T_CYCLES] = {"cycles",
                  "SELECT label, year, level, framework_sha, ref_date, "
                  "submit_deadline, review_deadline, title, state, "
                  "version FROM cycles ORDER BY id",
                  1,
                  9,
                  {"year", "level", "framework", "ref_date", "submit_deadline",
                   "review_deadline", "title", "state", "version"},
                  {XM_PLAIN}},
    [T_SUBS] = {"submissions",
                "SELECT COALESCE(c.label, CAST(s.cycle_id AS TEXT)), "
                "s.unit_id, s.state, s.version, s.return_comment, "
                "s.exclude_reason FROM submissions s LEFT JOIN cycles c "
                "ON c.id = s.cycle_id ORDER BY s.id",
                2,
                4,
                {"state", "version", "return_comment", "exclude_reason"},
                {XM_PLAIN}},
    [T_FIGURES] = {"figures",
                   "SELECT COALESCE(c.label, '?'), COALESCE(s.unit_id, "
                   "CAST(f.submission_id AS TEXT)), f.indicator, f.value, "
                   "f.self_points, f.comment, f.reviewed_value, "
                   "f.review_reason, f.reviewed_by FROM figures f LEFT "
                   "JOIN submissions s ON s.id = f.submission_id LEFT JOIN "
                   "cycles c ON c.id = s.cycle_id ORDER BY "
                   "f.submission_id, f.indicator",
                   3,
                   6,
                   {"value", "self_points", "comment", "reviewed_value",
                    "review_reason", "reviewed_by"},
                   {XM_PLAIN}},
    [T_EVIDENCE] = {"evidence",
                    "SELECT CAST(e.id AS TEXT), c.label, s.unit_id, "
                    "e.indicator, e.doc_number, e.doc_date, e.issuer, "
                    "e.title, e.link, e.blob_sha, e.filename FROM "
                    "evidence e LEFT JOIN submissions s ON s.id = "
                    "e.submission_id LEFT JOIN cycles c ON c.id = "
                    "s.cycle_id ORDER BY e.id",
                    1,
                    10,
                    {"cycle", "unit", "indicator", "doc_number", "doc_date",
                     "issuer", "title", "link", "blob_sha", "filename"},
                    {XM_PLAIN}},
    [T_BLOBS] = {"blobs",
                 "SELECT sha, size, data FROM blobs ORDER BY sha",
                 1,
                 2,
                 {"size", "data"},
                 {XM_PLAIN, XM_BLOB}},
    [T_RESULTS] = {"results",
                   "SELECT CAST(r.id AS TEXT), c.label, r.framework_sha, "
                   "r.data_hash, r.program_version, r.body FROM results r "
                   "LEFT JOIN cycles c ON c.id = r.cycle_id ORDER BY r.id",
                   1,
                   5,
                   {"cycle", "framework_sha", "data_hash", "program_version",
                    "body"},
                   {XM_PLAIN, XM_PLAIN, XM_PLAIN, XM_PLAIN, XM_DIGEST}},
    [T_SNAPSHOTS] = {"snapshots",
                     "SELECT COALESCE(c.label, CAST(p.cycle_id AS TEXT)), "
                     "p.result_id, p.sha, p.audit_seq, p.audit_hash, "
                     "p.partial FROM "
                     "snapshots p LEFT JOIN cycles c ON c.id = p.cycle_id "
                     "ORDER BY p.cycle_id",
                     1,
                     5,
                     {"result_id", "sha", "audit_seq", "audit_hash", "partial"},
                     {XM_PLAIN}},
    [T_KEYS] = {"signing_key",
                "SELECT public_key FROM signing_key ORDER BY id",
                1,
                0,
                {NULL},
                {XM_PLAIN}},
    [T_SETTINGS] = {"settings",
                    "SELECT key, value FROM settings ORDER BY key",
                    1,
                    1,
                    {"value"},
                    {XM_PLAIN}},
    [T_TARGETS] = {"targets",
                   "SELECT CAST(t.id AS TEXT), t.unit_id, t.kind, t.node, "
                   "t.op, t.threshold, t.by_year, COALESCE(c.label, "
                   "CAST(t.baseline_cycle_id AS TEXT), ''), t.note, "
                   "t.set_by FROM targets t LEFT JOIN cycles c ON c.id = "
                   "t.baseline_cycle_id ORDER BY t.id",
                   1,
                   9,
                   {"unit", "kind", "node", "op", "threshold", "by_year",
                    "baseline", "note", "set_by"},
                   {XM_PLAIN}},
};

/* Field indexes used by the replay. */
enum { U_DISPLAY, U_PASSWORD, U_DISABLED, U_EMAIL };
enum { K_ID, K_HASH, K_REVOKED };
enum { N_LEVEL = 4, N_VALID_FROM = 6, N_VALID_TO = 7 };
enum {
	C_YEAR,
	C_LEVEL,
	C_FW,
	C_REF,
	C_SUBMIT,
	C_REVIEW,
	C_TITLE,
	C_STATE,
	C_VERSION
};
enum { S_STATE, S_VERSION, S_RETURN, S_EXCLUDE };
enum { F_VALUE, F_POINTS, F_COMMENT, F_REVIEWED, F_REASON, F_BY };
enum { E_BLOB = 8 };
enum { G_SET_BY = 8 };

struct xtab {
	struct xrow **rows;
	size_t n, cap;
	struct dti_map map;
};

struct store_replay {
	struct xtab t[T_N];
	int oom;
	int extra_ok; /* rows the log does not explain are not differences */
};

static struct xrow *row_new(struct store_replay *r, int t, const char *key);
static void set_text(struct store_replay *r, struct xrow *w, int f,
                     const char *s);

struct store_replay *store_replay_new(int extra_ok)
{
	struct store_replay *r = calloc(1, sizeof(struct store_replay));
	if (!r)
		return NULL;
	r->extra_ok = extra_ok;
	/* the settings as migration 4 makes them, before any event */
	set_text(r, row_new(r, T_SETTINGS, "clock"), 0, "system");
	return r;
}

static void val_clear(struct xval *v)
{
	free(v->s);
	v->s = NULL;
	v->k = XV_SKIP;
}

void store_replay_free(struct store_replay *r)
{
	if (!r)
		return;
	for (int t = 0; t < T_N; t++) {
		for (size_t i = 0; i < r->t[t].n; i++) {
			struct xrow *w = r->t[t].rows[i];
			for (int f = 0; f < XF_MAX; f++)
				val_clear(&w->v[f]);
			free(w->key);
			free(w);
		}
		free(r->t[t].rows);
		dti_map_release(&r->t[t].map);
	}
	free(r);
}

/* The row of table t under key, created (not live, fields unchecked). */
static struct xrow *row_get(struct store_replay *r, int t, const char *key,
                            int create)
{
	struct xtab *x = &r->t[t];
	size_t i;
	if (dti_map_get(&x->map, key, &i))
		return x->rows[i];
	if (!create || r->oom)
		return NULL;
	if (x->n == x->cap) {
		size_t cap = x->cap ? 2 * x->cap : 64;
		struct xrow **n = realloc(x->rows, cap * sizeof *n);
		if (!n) {
			r->oom = 1;
			return NULL;
		}
		x->rows = n;
		x->cap = cap;
	}
	struct xrow *w = calloc(1, sizeof *w);
	if (w)
		w->key = strdup(key);
	if (!w || !w->key || dti_map_put(&x->map, w->key, x->n)) {
		if (w)
			free(w->key);
		free(w);
		r->oom = 1;
		return NULL;
	}
	x->rows[x->n++] = w;
	return w;
}

/* A row that the event creates: live, every field unchecked. */
static struct xrow *row_new(struct store_replay *r, int t, const char *key)
{
	struct xrow *w = row_get(r, t, key, 1);
	if (w) {
		for (int f = 0; f < XF_MAX; f++)
			val_clear(&w->v[f]);
		w->live = 1;
	}
	return w;
}

static void set_text(struct store_replay *r, struct xrow *w, int f,
                     const char *s)
{
	if (!w)
		return;
	val_clear(&w->v[f]);
	if (!s) {
		w->v[f].k = XV_NULL;
		return;
	}
	w->v[f].s = strdup(s);
	if (!w->v[f].s)
		r->oom = 1;
	else
		w->v[f].k = XV_TEXT;
}

static void set_num(struct xrow *w, int f, double d)
{
	if (!w)
		return;
	val_clear(&w->v[f]);
	if (isnan(d)) {
		w->v[f].k = XV_NULL;
	} else {
		w->v[f].k = XV_NUM;
		w->v[f].d = d;
	}
}

/*
 * Field f from a JSON member: absent leaves it unchecked; null is NULL,
 * or "" for a text column that is never NULL (empty_null).
 */
static void set_json(struct store_replay *r, struct xrow *w, int f, json_t *o,
                     const char *key, int empty_null)
{
	if (!w)
		return;
	json_t *v = o ? json_object_get(o, key) : NULL;
	if (!v) {
		val_clear(&w->v[f]);
	} else if (json_is_string(v)) {
		set_text(r, w, f, json_string_value(v));
	} else if (json_is_number(v)) {
		set_num(w, f, json_number_value(v));
	} else if (json_is_boolean(v)) {
		set_num(w, f, json_is_true(v) ? 1 : 0);
	} else if (json_is_null(v)) {
		if (empty_null)
			set_text(r, w, f, "");
		else
			set_num(w, f, NAN);
	} else {
		val_clear(&w->v[f]);
	}
}

static const char *jstr(json_t *o, const char *key)
{
	json_t *v = o ? json_object_get(o, key) : NULL;
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static void key2(char *out, size_t n, const char *a, const char *b)
{
	dti_snprintf(out, n, "%s/%s", a, b);
}

/* "user NAME" -> NAME */
static const char *object_user(const char *object)
{
	return strncmp(object, "user ", 5) == 0 ? object + 5 : object;
}

static void role_key(char *out, size_t n, const char *user, const char *role,
                     const char *unit)
{
	if (unit && *unit)
		dti_snprintf(out, n, "%s/%s/%s", user, role, unit);
	else
		dti_snprintf(out, n, "%s/%s", user, role);
}

/* A change to a submission that does not say its version bumps it. */
static void sub_bump(struct store_replay *r, const char *cycle,
                     const char *unit, json_t *after)
{
	char k[192];
	key2(k, sizeof k, cycle, unit);
	struct xrow *w = row_get(r, T_SUBS, k, 0);
	if (!w || !w->live)
		return;
	json_t *v = after ? json_object_get(after, "version") : NULL;
	if (json_is_integer(v))
		set_num(w, S_VERSION, (double)json_integer_value(v));
	else if (w->v[S_VERSION].k == XV_NUM)
		w->v[S_VERSION].d += 1;
	const char *state = jstr(after, "state");
	if (state)
		set_text(r, w, S_STATE, state);
}

static int unit_valid(struct xrow *u, const char *level, const char *date)
{
	const struct xval *l = &u->v[N_LEVEL], *from = &u->v[N_VALID_FROM],
	                  *to = &u->v[N_VALID_TO];
	if (l->k != XV_TEXT || strcmp(l->s, level) != 0)
		return 0;
	if (from->k == XV_TEXT && *from->s && strcmp(from->s, date) > 0)
		return 0;
	if (to->k == XV_TEXT && *to->s && strcmp(to->s, date) < 0)
		return 0;
	return 1;
}

/* cycle.open from draft: a submission for every unit valid that day. */
static void open_cycle(struct store_replay *r, const char *cycle,
                       struct xrow *c)
{
	if (c->v[C_LEVEL].k != XV_TEXT || c->v[C_REF].k != XV_TEXT)
		return;
	struct xtab *units = &r->t[T_UNITS];
	for (size_t i = 0; i < units->n; i++) {
		struct xrow *u = units->rows[i];
		if (!u->live || !unit_valid(u, c->v[C_LEVEL].s, c->v[C_REF].s))
			continue;
		char k[192];
		key2(k, sizeof k, cycle, u->key);
		struct xrow *s = row_get(r, T_SUBS, k, 0);
		if (s && s->live)
			continue;
		s = row_new(r, T_SUBS, k);
		set_text(r, s, S_STATE, "draft");
		set_num(s, S_VERSION, 1);
		set_text(r, s, S_RETURN, "");
		set_text(r, s, S_EXCLUDE, "");
	}
}

/* submission.import / submission.edit: indicator -> figure or null. */
static void edit_figures(struct store_replay *r, const char *cycle,
                         const char *unit, json_t *after)
{
	const char *ind;
	json_t *v;
	json_object_foreach(after, ind, v)
	{
		char k[256];
		dti_snprintf(k, sizeof k, "%s/%s/%s", cycle, unit, ind);
		struct xrow *w = row_get(r, T_FIGURES, k, 0);
		int had = w && w->live;
		if (json_is_null(v)) {
			/* Cleared: the row stays while it holds an adjustment.
			 */
			if (had && w->v[F_REVIEWED].k == XV_NUM) {
				set_num(w, F_VALUE, NAN);
				set_num(w, F_POINTS, NAN);
				set_text(r, w, F_COMMENT, "");
			} else if (w) {
				w->live = 0;
			}
			continue;
		}
		if (!had) {
			w = row_new(r, T_FIGURES, k);
			set_num(w, F_REVIEWED, NAN);
			set_text(r, w, F_REASON, "");
			set_text(r, w, F_BY, "");
		}
		set_json(r, w, F_VALUE, v, "value", 0);
		set_json(r, w, F_POINTS, v, "points", 0);
		set_json(r, w, F_COMMENT, v, "comment", 1);
	}
}

static void adjust_figure(struct store_replay *r, const char *cycle,
                          const char *unit, const char *actor, json_t *after)
{
	const char *ind = jstr(after, "indicator");
	if (!ind)
		return;
	char k[256];
	dti_snprintf(k, sizeof k, "%s/%s/%s", cycle, unit, ind);
	struct xrow *w = row_get(r, T_FIGURES, k, 0);
	if (!w || !w->live) {
		w = row_new(r, T_FIGURES, k);
		set_num(w, F_VALUE, NAN);
		set_num(w, F_POINTS, NAN);
		set_text(r, w, F_COMMENT, "");
	}
	json_t *rv = json_object_get(after, "reviewed");
	int removed = !rv || json_is_null(rv);
	set_json(r, w, F_REVIEWED, after, "reviewed", 0);
	if (removed) {
		set_text(r, w, F_REASON, "");
		set_text(r, w, F_BY, "");
	} else {
		set_json(r, w, F_REASON, after, "reason", 1);
		set_text(r, w, F_BY, actor);
	}
}

static void blob_unref(struct store_replay *r, const char *sha)
{
	struct xrow *b = sha && *sha ? row_get(r, T_BLOBS, sha, 0) : NULL;
	if (b && b->refs > 0 && --b->refs == 0)
		b->live = 0;
}

static void add_evidence(struct store_replay *r, const char *cycle,
                         const char *unit, json_t *after)
{
	json_t *id = json_object_get(after, "id");
	if (!json_is_integer(id))
		return;
	char k[32];
	dti_snprintf(k, sizeof k, "%lld", (long long)json_integer_value(id));
	struct xrow *w = row_new(r, T_EVIDENCE, k);
	static const char *const keys[] = {"indicator", "number", "date",
	                                   "issuer",    "title",  "link"};
	set_text(r, w, 0, cycle);
	set_text(r, w, 1, unit);
	for (int f = 0; f < 6; f++)
		set_json(r, w, 2 + f, after, keys[f], 1);
	set_json(r, w, 9, after, "filename", 1);
	const char *sha = jstr(after, "sha256");
	set_text(r, w, E_BLOB, sha);
	if (sha && *sha) {
		struct xrow *b = row_get(r, T_BLOBS, sha, 1);
		if (b && !b->live) {
			b = row_new(r, T_BLOBS, sha);
			set_json(r, b, 0, after, "size", 0);
			set_text(r, b, 1, sha);
			b->refs = 0;
		}
		if (b)
			b->refs++;
	}
}

static void remove_evidence(struct store_replay *r, json_t *before)
{
	json_t *id = json_object_get(before, "id");
	if (!json_is_integer(id))
		return;
	char k[32];
	dti_snprintf(k, sizeof k, "%lld", (long long)json_integer_value(id));
	struct xrow *w = row_get(r, T_EVIDENCE, k, 0);
	if (!w || !w->live)
		return;
	w->live = 0;
	if (w->v[E_BLOB].k == XV_TEXT)
		blob_unref(r, w->v[E_BLOB].s);
}

static void cycle_event(struct store_replay *r, const char *action,
                        const char *cycle, json_t *before, json_t *after)
{
	struct xrow *c = row_get(r, T_CYCLES, cycle, 0);
	if (strcmp(action, "cycle.create") == 0) {
		c = row_new(r, T_CYCLES, cycle);
		set_json(r, c, C_YEAR, after, "year", 0);
		set_json(r, c, C_LEVEL, after, "level", 1);
		set_json(r, c, C_FW, after, "framework", 1);
		set_json(r, c, C_REF, after, "ref_date", 1);
		set_json(r, c, C_SUBMIT, after, "submit_deadline", 1);
		set_json(r, c, C_REVIEW, after, "review_deadline", 1);
		set_json(r, c, C_TITLE, after, "title", 1);
		set_text(r, c, C_STATE, "draft");
		set_num(c, C_VERSION, 1);
		return;
	}
	if (!c || !c->live)
		return;
	if (strcmp(action, "cycle.compute") == 0) {
		json_t *id = json_object_get(after, "result");
		if (!json_is_integer(id))
			return;
		char k[32];
		dti_snprintf(k, sizeof k, "%lld",
		             (long long)json_integer_value(id));
		struct xrow *w = row_new(r, T_RESULTS, k);
		set_text(r, w, 0, cycle);
		set_json(r, w, 1, after, "framework", 1);
		set_json(r, w, 2, after, "data_hash", 1);
		const char *prog = jstr(after, "program");
		set_text(r, w, 3, prog);
		set_json(r, w, 4, after, "sha256", 1);
		return;
	}
	if (strcmp(action, "cycle.deadlines") == 0) {
		set_json(r, c, C_SUBMIT, after, "submit_deadline", 1);
		set_json(r, c, C_REVIEW, after, "review_deadline", 1);
		json_t *v = json_object_get(after, "version");
		if (json_is_integer(v))
			set_num(c, C_VERSION, (double)json_integer_value(v));
		else if (c->v[C_VERSION].k == XV_NUM)
			c->v[C_VERSION].d += 1;
		return;
	}
	const char *to = jstr(after, "state");
	if (!to)
		return;
	const char *from = jstr(before, "state");
	set_text(r, c, C_STATE, to);
	set_json(r, c, C_VERSION, after, "version", 0);
	if (from && strcmp(from, "draft") == 0 && strcmp(to, "open") == 0)
		open_cycle(r, cycle, c);
	if (strcmp(to, "published") == 0) {
		struct xrow *p = row_new(r, T_SNAPSHOTS, cycle);
		set_json(r, p, 0, after, "result", 0);
		set_json(r, p, 1, after, "sha256", 1);
		set_json(r, p, 2, after, "audit_seq", 0);
		set_json(r, p, 3, after, "audit_hash", 1);
		set_num(p, 4, json_is_true(json_object_get(after, "partial")));
	}
}

static void user_event(struct store_replay *r, const char *action,
                       const char *object, json_t *before, json_t *after)
{
	const char *name = object_user(object);
	char k[256];
	if (strcmp(action, "user.add") == 0) {
		const char *n = jstr(after, "name");
		if (n)
			name = n;
		struct xrow *w = row_new(r, T_USERS, name);
		set_json(r, w, U_DISPLAY, after, "display_name", 1);
		json_t *pw = json_object_get(after, "password");
		if (jstr(after, "password_sha256"))
			set_json(r, w, U_PASSWORD, after, "password_sha256", 0);
		else if (json_is_null(pw))
			set_text(r, w, U_PASSWORD, NULL);
		set_num(w, U_DISABLED, 0);
		/* a user starts without an address (user.email sets one) */
		set_text(r, w, U_EMAIL, "");
		json_t *roles = json_object_get(after, "roles");
		size_t i;
		json_t *role;
		json_array_foreach(roles, i, role)
		{
			if (!json_is_string(role))
				continue;
			role_key(k, sizeof k, name, json_string_value(role),
			         NULL);
			row_new(r, T_ROLES, k);
		}
	} else if (strcmp(action, "user.grant") == 0 ||
	           strcmp(action, "user.revoke") == 0) {
		int grant = action[5] == 'g';
		json_t *o = grant ? after : before;
		const char *role = jstr(o, "role");
		if (!role)
			return;
		role_key(k, sizeof k, name, role, jstr(o, "unit"));
		if (grant) {
			row_new(r, T_ROLES, k);
		} else {
			struct xrow *w = row_get(r, T_ROLES, k, 0);
			if (w)
				w->live = 0;
		}
	} else if (strcmp(action, "user.passwd") == 0) {
		struct xrow *w = row_get(r, T_USERS, name, 0);
		if (w && w->live)
			set_json(r, w, U_PASSWORD, after, "password_sha256", 0);
	} else if (strcmp(action, "user.email") == 0) {
		struct xrow *w = row_get(r, T_USERS, name, 0);
		if (w && w->live)
			set_json(r, w, U_EMAIL, after, "email", 1);
	} else if (strcmp(action, "user.token") == 0) {
		const char *label = jstr(after, "token");
		if (!label)
			return;
		key2(k, sizeof k, name, label);
		struct xrow *w = row_new(r, T_TOKENS, k);
		set_json(r, w, K_ID, after, "id", 0);
		set_json(r, w, K_HASH, after, "hash_sha256", 0);
		set_num(w, K_REVOKED, 0);
	} else if (strcmp(action, "user.token_revoke") == 0) {
		const char *label = jstr(before, "token");
		if (!label)
			return;
		key2(k, sizeof k, name, label);
		struct xrow *w = row_get(r, T_TOKENS, k, 0);
		if (w && w->live)
			set_num(w, K_REVOKED, 1);
	}
}

/* target.add: the row as `after` gives it; target.remove: gone. */
static void target_event(struct store_replay *r, const char *actor,
                         const char *action, json_t *before, json_t *after)
{
	int add = strcmp(action, "target.add") == 0;
	json_t *id = json_object_get(add ? after : before, "id");
	if (!json_is_integer(id))
		return;
	char k[32];
	dti_snprintf(k, sizeof k, "%lld", (long long)json_integer_value(id));
	if (!add) {
		struct xrow *w = row_get(r, T_TARGETS, k, 0);
		if (w)
			w->live = 0;
		return;
	}
	struct xrow *w = row_new(r, T_TARGETS, k);
	for (int f = 0; f < G_SET_BY; f++)
		set_json(r, w, f, after, specs[T_TARGETS].fields[f],
		         strcmp(specs[T_TARGETS].fields[f], "threshold") != 0 &&
		             strcmp(specs[T_TARGETS].fields[f], "by_year") !=
		                 0);
	set_text(r, w, G_SET_BY, actor);
}

/* Applies one event (already verified in the chain). */
void store_replay_event(struct store_replay *r, const char *actor,
                        const char *action, const char *cycle, const char *unit,
                        const char *object, const char *before_json,
                        const char *after_json)
{
	if (!r || r->oom)
		return;
	json_t *before =
	    before_json ? json_loads(before_json, JSON_DECODE_ANY, NULL) : NULL;
	json_t *after =
	    after_json ? json_loads(after_json, JSON_DECODE_ANY, NULL) : NULL;
	cycle = cycle ? cycle : "";
	unit = unit ? unit : "";
	object = object ? object : "";
	if (strncmp(action, "user.", 5) == 0) {
		user_event(r, action, object, before, after);
	} else if (strcmp(action, "unit.add") == 0 ||
	           strcmp(action, "unit.update") == 0) {
		struct xrow *w = row_new(r, T_UNITS, unit);
		for (int f = 0; f < 9; f++)
			set_json(r, w, f, after, specs[T_UNITS].fields[f], 1);
	} else if (strcmp(action, "framework.add") == 0 ||
	           strcmp(action, "framework.replace") == 0) {
		const char *old = jstr(before, "sha256");
		struct xrow *w = old ? row_get(r, T_FRAMEWORKS, old, 0) : NULL;
		if (w)
			w->live = 0;
		const char *sha = jstr(after, "sha256");
		if (sha) {
			w = row_new(r, T_FRAMEWORKS, sha);
			set_json(r, w, 0, after, "id", 1);
			set_json(r, w, 1, after, "version", 1);
			set_text(r, w, 2, sha);
		}
	} else if (strcmp(action, "store.setting") == 0) {
		/* object: the setting's key; after: {key: value} */
		const char *v = jstr(after, object);
		if (v)
			set_text(r, row_new(r, T_SETTINGS, object), 0, v);
	} else if (strcmp(action, "store.key") == 0) {
		/* One key at a time: a new one replaces the last. */
		const char *pk = jstr(after, "public_key");
		for (size_t i = 0; pk && i < r->t[T_KEYS].n; i++)
			r->t[T_KEYS].rows[i]->live = 0;
		if (pk)
			row_new(r, T_KEYS, pk);
	} else if (strncmp(action, "cycle.", 6) == 0) {
		cycle_event(r, action, cycle, before, after);
	} else if (strncmp(action, "target.", 7) == 0) {
		target_event(r, actor, action, before, after);
	} else if (strcmp(action, "submission.create") == 0) {
		char k[192];
		key2(k, sizeof k, cycle, unit);
		struct xrow *s = row_new(r, T_SUBS, k);
		set_text(r, s, S_STATE, "draft");
		set_num(s, S_VERSION, 1);
		set_text(r, s, S_RETURN, "");
		set_text(r, s, S_EXCLUDE, "");
	} else if (strcmp(action, "submission.import") == 0 ||
	           strcmp(action, "submission.edit") == 0) {
		if (json_is_object(after))
			edit_figures(r, cycle, unit, after);
		sub_bump(r, cycle, unit, NULL);
	} else if (strcmp(action, "review.adjust") == 0) {
		adjust_figure(r, cycle, unit, actor, after);
		sub_bump(r, cycle, unit, NULL);
	} else if (strcmp(action, "evidence.add") == 0) {
		add_evidence(r, cycle, unit, after);
		sub_bump(r, cycle, unit, NULL);
	} else if (strcmp(action, "evidence.remove") == 0) {
		remove_evidence(r, before);
		sub_bump(r, cycle, unit, NULL);
	} else if (strncmp(action, "submission.", 11) == 0 ||
	           strncmp(action, "review.", 7) == 0) {
		sub_bump(r, cycle, unit, after);
		char k[192];
		key2(k, sizeof k, cycle, unit);
		struct xrow *s = row_get(r, T_SUBS, k, 0);
		if (s && strcmp(action, "submission.exclude") == 0)
			set_json(r, s, S_EXCLUDE, after, "reason", 1);
		if (s && strcmp(action, "review.return") == 0)
			set_json(r, s, S_RETURN, after, "comment", 1);
	}
	json_decref(before);
	json_decref(after);
}

/* ---- comparison ---------------------------------------------------------- */

/* A value for a message, cut to fit. */
static void show_expected(char *out, size_t n, const struct xval *v)
{
	if (v->k == XV_NULL)
		dti_snprintf(out, n, "NULL");
	else if (v->k == XV_NUM)
		dti_snprintf(out, n, "%.15g", v->d);
	else
		dti_snprintf(out, n, "'%.60s%s'", v->s,
		             strlen(v->s) > 60 ? "..." : "");
}

static void show_found(char *out, size_t n, struct db_stmt *q, int col,
                       const struct xval *want)
{
	if (db_column_type(q, col) == DB_NULL)
		dti_snprintf(out, n, "NULL");
	else if (want->k == XV_NUM)
		dti_snprintf(out, n, "%.15g", db_col_double(q, col));
	else {
		const char *s = db_col_text(q, col);
		dti_snprintf(out, n, "'%.60s%s'", s ? s : "",
		             s && strlen(s) > 60 ? "..." : "");
	}
}

static void sha_text(const void *p, size_t n, char out[65])
{
	struct dti_sha256 h;
	dti_sha256_init(&h);
	dti_sha256_update(&h, p, n);
	dti_sha256_final(&h, out);
}

static enum dti_status differ(struct dti_audit_report *rep,
                              struct dti_error *err, const char *table,
                              const char *key, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static enum dti_status differ(struct dti_audit_report *rep,
                              struct dti_error *err, const char *table,
                              const char *key, const char *fmt, ...)
{
	char what[200];
	va_list ap;
	va_start(ap, fmt);
	dti_vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	rep->bad_seq = 0;
	dti_snprintf(rep->table, sizeof rep->table, "%s", table);
	dti_snprintf(rep->key, sizeof rep->key, "%s", key);
	dti_snprintf(rep->problem, sizeof rep->problem, "%s %s%s", table, key,
	             what);
	return dti_err_set(err, DTI_EINVALID, "", 0, 0, table,
	                   "the tables differ from the audit log: %s",
	                   rep->problem);
}

/* Compares field f (column col) of a table row with the log's value. */
static enum dti_status compare_field(const struct xspec *sp, int f,
                                     const struct xrow *w, struct db_stmt *q,
                                     int col, struct dti_audit_report *rep,
                                     struct dti_error *err)
{
	const struct xval *v = &w->v[f];
	const char *name = sp->fields[f];
	char a[96], b[96];
	if (v->k == XV_SKIP)
		return DTI_OK;
	int null = db_column_type(q, col) == DB_NULL;
	char digest[65];
	switch (sp->mode[f]) {
	case XM_PLAIN:
		if (v->k == XV_NULL ? null
		    : null          ? 0
		    : v->k == XV_NUM
		        ? db_col_double(q, col) == v->d
		        : strcmp(db_col_text(q, col) ? db_col_text(q, col) : "",
		                 v->s) == 0)
			return DTI_OK;
		show_expected(a, sizeof a, v);
		show_found(b, sizeof b, q, col, v);
		return differ(rep, err, sp->name, w->key,
		              " %s: the log says %s, the table holds %s", name,
		              a, b);
	case XM_BLOB: {
		size_t n = 0;
		const void *p = null ? "" : db_col_blob(q, col, &n);
		sha_text(p ? p : "", p ? n : 0, digest);
		break;
	}
	case XM_PASSWORD:
		if (null)
			return DTI_OK; /* no login possible */
		if (v->k == XV_NULL)
			return differ(rep, err, sp->name, w->key,
			              " %s: the log says no password was set, "
			              "the table holds a password hash",
			              name);
		/* fall through */
	case XM_TOKEN:
	case XM_DIGEST: {
		const char *s = null ? "" : db_col_text(q, col);
		s = s ? s : "";
		if (sp->mode[f] == XM_TOKEN &&
		    strncmp(s, "redacted:", 9) == 0) {
			const char *id = db_col_text(q, sp->nkey + K_ID);
			if (id && strcmp(s + 9, id) == 0)
				return DTI_OK;
		}
		sha_text(s, strlen(s), digest);
		break;
	}
	}
	if (v->k == XV_TEXT && strcmp(digest, v->s) == 0)
		return DTI_OK;
	return differ(rep, err, sp->name, w->key,
	              " %s: the log says SHA-256 %.16s..., the table holds "
	              "content of SHA-256 %.16s...",
	              name, v->k == XV_TEXT ? v->s : "(none)", digest);
}

static enum dti_status compare_table(struct dti_store *s,
                                     struct store_replay *r, int t,
                                     struct dti_audit_report *rep,
                                     struct dti_error *err)
{
	const struct xspec *sp = &specs[t];
	struct xtab *x = &r->t[t];
	struct db_stmt *q = NULL;
	enum dti_status st = db_prepare(s->db, sp->sql, &q, err);
	int row = 0;
	while (st == DTI_OK && (st = db_step(q, &row, err)) == DTI_OK && row) {
		char key[256] = "";
		size_t len = 0;
		for (int k = 0; k < sp->nkey; k++) {
			const char *p = db_col_text(q, k);
			if (!p || (!*p && k == sp->nkey - 1))
				continue;
			int m = dti_snprintf(key + len, sizeof key - len,
			                     "%s%s", len ? "/" : "", p);
			if (m > 0)
				len += (size_t)m;
			if (len >= sizeof key)
				len = sizeof key - 1;
		}
		struct xrow *w = row_get(r, t, key, 0);
		if ((!w || !w->live) && r->extra_ok)
			continue;
		if (!w || !w->live) {
			st = differ(rep, err, sp->name, key,
			            ": the log has no such row, the table "
			            "holds one");
			break;
		}
		if (w->seen) {
			st = differ(rep, err, sp->name, key,
			            ": the table holds this row twice");
			break;
		}
		w->seen = 1;
		for (int f = 0; f < sp->nf && st == DTI_OK; f++)
			st = compare_field(sp, f, w, q, sp->nkey + f, rep, err);
	}
	db_finalize(q);
	for (size_t i = 0; st == DTI_OK && i < x->n; i++)
		if (x->rows[i]->live && !x->rows[i]->seen)
			st = differ(rep, err, sp->name, x->rows[i]->key,
			            ": the log says this row exists, the table "
			            "holds none");
	return st;
}

enum dti_status store_replay_compare(struct dti_store *s,
                                     struct store_replay *r,
                                     struct dti_audit_report *rep,
                                     struct dti_error *err)
{
	if (!r || r->oom)
		return dti_err_nomem(err);
	enum dti_status st = DTI_OK;
	for (int t = 0; t < T_N && st == DTI_OK; t++)
		st = compare_table(s, r, t, rep, err);
	return st;
}
