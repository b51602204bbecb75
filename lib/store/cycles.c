/*
 * lib/store/cycles.c - cycles: names of states, creation, the one-way
 * transitions (opening creates the submissions), deadlines, status.
 *
 * Each public call that writes is one transaction under the store's write
 * lock (store_begin/store_end): it reads the cycle, checks role, state and
 * version, writes, and appends its audit event; any refusal rolls
 * everything back.
 */
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"

/* ---- names -------------------------------------------------------------- */

static const char *const cycle_states[] = {NULL,     "draft",  "open",
                                           "review", "closed", "published"};
static const char *const sub_states[] = {NULL,       "draft",    "submitted",
                                         "returned", "approved", "excluded"};

const char *dti_cycle_state_name(enum dti_cycle_state s)
{
	return s >= DTI_CYCLE_DRAFT && s <= DTI_CYCLE_PUBLISHED
	           ? cycle_states[s]
	           : "?";
}

enum dti_cycle_state dti_cycle_state_parse(const char *s)
{
	for (int i = DTI_CYCLE_DRAFT; i <= DTI_CYCLE_PUBLISHED; i++)
		if (s && strcmp(s, cycle_states[i]) == 0)
			return (enum dti_cycle_state)i;
	return (enum dti_cycle_state)0;
}

const char *dti_sub_state_name(enum dti_sub_state s)
{
	return s >= DTI_SUB_DRAFT && s <= DTI_SUB_EXCLUDED ? sub_states[s]
	                                                   : "?";
}

enum dti_sub_state dti_sub_state_parse(const char *s)
{
	for (int i = DTI_SUB_DRAFT; i <= DTI_SUB_EXCLUDED; i++)
		if (s && strcmp(s, sub_states[i]) == 0)
			return (enum dti_sub_state)i;
	return (enum dti_sub_state)0;
}

/* "open", "in review", ...: a cycle's state inside a sentence. */
const char *store_state_phrase(enum dti_cycle_state st)
{
	return st == DTI_CYCLE_REVIEW ? "in review" : dti_cycle_state_name(st);
}

/* ---- small checks ------------------------------------------------------- */

static enum dti_status check_date(const char *d, const char *field,
                                  struct dti_error *err)
{
	if (!d || !*d || dti_is_date(d))
		return DTI_OK;
	return dti_err_set(err, DTI_ESYNTAX, "", 0, 0, field,
	                   "'%s' is not a date YYYY-MM-DD (a day that exists)",
	                   d);
}

static enum dti_status check_label(const char *l, struct dti_error *err)
{
	size_t n = l ? strlen(l) : 0;
	if (n == 0 || n > 63)
		return dti_err_set(err, DTI_EINVALID, "", 0, 0, "label",
		                   "a cycle label has 1 to 63 characters");
	for (const char *p = l; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
		      *p == '.'))
			return dti_err_set(err, DTI_EINVALID, "", 0, 0, "label",
			                   "cycle label '%s': use letters, "
			                   "digits, '-', '_', '.'",
			                   l);
	return DTI_OK;
}

enum dti_status store_check_version(int64_t expected, int64_t current,
                                    const char *what, struct dti_error *err)
{
	if (expected == 0 || expected == current)
		return DTI_OK;
	return dti_err_set(err, DTI_ECONFLICT, "", 0, 0, "version",
	                   "%s changed since you read it (your version %lld, "
	                   "now %lld): reload and try again",
	                   what, (long long)expected, (long long)current);
}

enum dti_status store_need_text(const char *t, const char *field,
                                const char *what, struct dti_error *err)
{
	if (t)
		while (*t == ' ' || *t == '\t' || *t == '\n')
			t++;
	if (t && *t)
		return DTI_OK;
	return dti_err_set(err, DTI_EINVALID, "", 0, 0, field, "%s", what);
}

/* ---- loading ------------------------------------------------------------ */

enum dti_status store_load_cycle(struct dti_store *s, const char *label,
                                 struct store_cycle *c, struct dti_error *err)
{
	memset(c, 0, sizeof *c);
	struct db_stmt *q;
	enum dti_status st = db_prepare(
	    s->db,
	    "SELECT id, label, year, level, framework_sha, ref_date, "
	    "submit_deadline, review_deadline, state, version FROM cycles "
	    "WHERE label = ?",
	    &q, err);
	if (st != DTI_OK)
		return st;
	db_bind_text(q, 1, label);
	int row = 0;
	st = db_step(q, &row, err);
	if (st == DTI_OK && !row)
		st = dti_err_set(err, DTI_ENOTFOUND, "", 0, 0, "cycle",
		                 "no cycle '%s'", label ? label : "");
	if (st == DTI_OK) {
		c->id = db_col_int(q, 0);
		dti_snprintf(c->label, sizeof c->label, "%s",
		             db_col_text(q, 1));
		c->year = (int)db_col_int(q, 2);
		dti_snprintf(c->level, sizeof c->level, "%s",
		             db_col_text(q, 3));
		dti_snprintf(c->framework_sha, sizeof c->framework_sha, "%s",
		             db_col_text(q, 4));
		dti_snprintf(c->ref_date, sizeof c->ref_date, "%s",
		             db_col_text(q, 5));
		dti_snprintf(c->submit_deadline, sizeof c->submit_deadline,
		             "%s", db_col_text(q, 6));
		dti_snprintf(c->review_deadline, sizeof c->review_deadline,
		             "%s", db_col_text(q, 7));
		c->state = dti_cycle_state_parse(db_col_text(q, 8));
		c->version = db_col_int(q, 9);
	}
	db_finalize(q);
	return st;
}

/* ---- cycles ------------------------------------------------------------- */

static void cycle_json(struct dti_buf *b, const char *state, int64_t version)
{
	dti_buf_reset(b);
	dti_buf_addf(b, "{\"state\":\"%s\",\"version\":%lld}", state,
	             (long long)version);
	dti_buf_addc(b, '\0');
}

enum dti_status dti_cycle_create(struct dti_store *s,
                                 const struct dti_cycle_new *c,
                                 struct dti_error *err)
{
	enum dti_status st = check_label(c->label, err);
	if (st == DTI_OK && (c->year < 1900 || c->year > 9999))
		st = dti_err_set(err, DTI_EINVALID, "", 0, 0, "year",
		                 "year %d is not a year", c->year);
	if (st == DTI_OK)
		st = check_date(c->ref_date, "ref_date", err);
	if (st == DTI_OK)
		st = check_date(c->submit_deadline, "submit_deadline", err);
	if (st == DTI_OK)
		st = check_date(c->review_deadline, "review_deadline", err);
	if (st != DTI_OK)
		return st;
	st = store_begin(s, err);
	if (st != DTI_OK)
		return st;
	st = store_require(s, DTI_ROLE_OWNER, NULL, "create cycles", err);
	char sha[65] = "", level[32] = "", ref[11];
	if (st == DTI_OK)
		st = store_framework_sha(s, c->framework, sha, err);
	if (st == DTI_OK && c->level && *c->level) {
		dti_snprintf(level, sizeof level, "%s", c->level);
	} else if (st == DTI_OK) {
		struct db_stmt *q;
		st = db_prepare(s->db,
		                "SELECT level FROM frameworks WHERE sha = ?",
		                &q, err);
		int row = 0;
		if (st == DTI_OK) {
			db_bind_text(q, 1, sha);
			st = db_step(q, &row, err);
			if (st == DTI_OK && row && db_col_text(q, 0))
				dti_snprintf(level, sizeof level, "%s",
				             db_col_text(q, 0));
			db_finalize(q);
		}
		if (st == DTI_OK && !level[0])
			st = dti_err_set(
			    err, DTI_EINVALID, "", 0, 0, "level",
			    "framework %s names no level: give the "
			    "cycle's level (province, ministry, ...)",
			    c->framework);
	}
	if (c->ref_date && *c->ref_date)
		dti_snprintf(ref, sizeof ref, "%s", c->ref_date);
	else
		dti_snprintf(ref, sizeof ref, "%04d-12-31", c->year);
	int64_t id = 0;
	char now[21];
	store_now(s, now);
	if (st == DTI_OK)
		st = store_next_id(s, "cycles", &id, err);
	if (st == DTI_OK) {
		st = db_run(
		    s->db, err,
		    "INSERT INTO cycles (id, label, year, level, "
		    "framework_sha, ref_date, submit_deadline, "
		    "review_deadline, title, state, version, created_at, "
		    "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
		    "'draft', 1, ?, ?)",
		    "isisssssss"
		    "s",
		    id, c->label, (int64_t)c->year, level, sha, ref,
		    c->submit_deadline ? c->submit_deadline : "",
		    c->review_deadline ? c->review_deadline : "",
		    c->title ? c->title : "", now, now);
		if (st == DTI_EEXIST && err)
			dti_err_replace(err, DTI_EEXIST, "", 0, 0, "label",
			                "cycle '%s' already exists", c->label);
	}
	if (st == DTI_OK) {
		struct dti_buf *b = &s->tmp;
		dti_buf_reset(b);
		dti_buf_addf(b, "{\"year\":%d,\"level\":", c->year);
		dti_json_quote(b, level);
		dti_buf_adds(b, ",\"framework\":");
		dti_json_quote(b, sha);
		dti_buf_adds(b, ",\"ref_date\":");
		dti_json_quote(b, ref);
		dti_buf_adds(b, ",\"submit_deadline\":");
		dti_json_quote(b, c->submit_deadline);
		dti_buf_adds(b, ",\"review_deadline\":");
		dti_json_quote(b, c->review_deadline);
		dti_buf_adds(b, ",\"title\":");
		dti_json_quote(b, c->title);
		dti_buf_adds(b, ",\"state\":\"draft\"}");
		dti_buf_addc(b, '\0');
		char object[96];
		dti_snprintf(object, sizeof object, "cycle %s", c->label);
		st = store_audit(s, "cycle.create", c->label, NULL, object,
		                 NULL, b->data, err);
	}
	return store_end(s, st, err);
}

/* Creates the submissions of every unit of the level valid on ref_date. */
static enum dti_status create_submissions(struct dti_store *s,
                                          const struct store_cycle *c,
                                          int64_t *created,
                                          struct dti_error *err)
{
	*created = 0;
	int64_t next = 0;
	enum dti_status st = store_next_id(s, "submissions", &next, err);
	if (st != DTI_OK)
		return st;
	struct db_stmt *q, *ins = NULL;
	st = db_prepare(s->db,
	                "SELECT id FROM units WHERE level = ? AND (valid_from "
	                "= '' OR valid_from <= ?) AND (valid_to = '' OR "
	                "valid_to >= ?) AND id NOT IN (SELECT unit_id FROM "
	                "submissions WHERE cycle_id = ?) ORDER BY id",
	                &q, err);
	if (st != DTI_OK)
		return st;
	st =
	    db_prepare(s->db,
	               "INSERT INTO submissions (id, cycle_id, unit_id, state, "
	               "version, updated_at, updated_by) VALUES (?, ?, ?, "
	               "'draft', 1, ?, ?)",
	               &ins, err);
	db_bind_text(q, 1, c->level);
	db_bind_text(q, 2, c->ref_date);
	db_bind_text(q, 3, c->ref_date);
	db_bind_int(q, 4, c->id);
	char now[21];
	store_now(s, now);
	/* Read all ids first: PostgreSQL's result is complete, SQLite's is
	 * not, and inserting while stepping a SELECT on SQLite is allowed but
	 * the ids are few; keep it simple and portable. */
	char **ids = NULL;
	size_t n = 0, cap = 0;
	int row = 0;
	while (st == DTI_OK && (st = db_step(q, &row, err)) == DTI_OK && row) {
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			char **nv = realloc(ids, cap * sizeof *ids);
			if (!nv) {
				st = dti_err_nomem(err);
				break;
			}
			ids = nv;
		}
		ids[n] = strdup(db_col_text(q, 0));
		if (!ids[n]) {
			st = dti_err_nomem(err);
			break;
		}
		n++;
	}
	db_finalize(q);
	for (size_t i = 0; st == DTI_OK && i < n; i++) {
		db_reset(ins);
		db_bind_int(ins, 1, next++);
		db_bind_int(ins, 2, c->id);
		db_bind_text(ins, 3, ids[i]);
		db_bind_text(ins, 4, now);
		db_bind_text(ins, 5, s->actor);
		st = db_step(ins, &row, err);
	}
	db_finalize(ins);
	for (size_t i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	if (st == DTI_OK)
		*created = (int64_t)n;
	return st;
}

static int transition_allowed(enum dti_cycle_state from,
                              enum dti_cycle_state to)
{
	return (from == DTI_CYCLE_DRAFT && to == DTI_CYCLE_OPEN) ||
	       (from == DTI_CYCLE_OPEN && to == DTI_CYCLE_REVIEW) ||
	       (from == DTI_CYCLE_REVIEW && to == DTI_CYCLE_OPEN) ||
	       (from == DTI_CYCLE_REVIEW && to == DTI_CYCLE_CLOSED) ||
	       (from == DTI_CYCLE_CLOSED && to == DTI_CYCLE_REVIEW);
}

enum dti_status store_set_cycle_state(struct dti_store *s,
                                      struct store_cycle *c,
                                      enum dti_cycle_state to,
                                      const char *extra, struct dti_error *err)
{
	char now[21];
	store_now(s, now);
	enum dti_status st = db_run(s->db, err,
	                            "UPDATE cycles SET state = ?, version = ?, "
	                            "updated_at = ? WHERE id = ?",
	                            "sisi", dti_cycle_state_name(to),
	                            c->version + 1, now, c->id);
	if (st != DTI_OK)
		return st;
	char before[96];
	cycle_json(&s->tmp, dti_cycle_state_name(c->state), c->version);
	dti_snprintf(before, sizeof before, "%s", s->tmp.data);
	struct dti_buf *b = &s->tmp;
	dti_buf_reset(b);
	dti_buf_addf(b, "{\"state\":\"%s\",\"version\":%lld%s%s}",
	             dti_cycle_state_name(to), (long long)c->version + 1,
	             extra ? "," : "", extra ? extra : "");
	dti_buf_addc(b, '\0');
	char action[48], object[96];
	dti_snprintf(action, sizeof action, "cycle.%s",
	             to == DTI_CYCLE_OPEN && c->state == DTI_CYCLE_REVIEW
	                 ? "reopen"
	             : to == DTI_CYCLE_REVIEW && c->state == DTI_CYCLE_CLOSED
	                 ? "reopen_review"
	                 : dti_cycle_state_name(to));
	dti_snprintf(object, sizeof object, "cycle %s", c->label);
	st = store_audit(s, action, c->label, NULL, object, before, b->data,
	                 err);
	if (st == DTI_OK) {
		c->state = to;
		c->version++;
	}
	return st;
}

enum dti_status dti_cycle_transition(struct dti_store *s, const char *label,
                                     enum dti_cycle_state to,
                                     int64_t expected_version,
                                     struct dti_error *err)
{
	enum dti_status st = store_begin(s, err);
	if (st != DTI_OK)
		return st;
	struct store_cycle c = {0};
	st = store_require(s, DTI_ROLE_OWNER, NULL, "move cycles", err);
	if (st == DTI_OK)
		st = store_load_cycle(s, label, &c, err);
	if (st == DTI_OK)
		st = store_check_version(expected_version, c.version,
		                         "the cycle", err);
	if (st == DTI_OK && to == DTI_CYCLE_PUBLISHED)
		st = dti_err_set(
		    err, DTI_ESTATE, "", 0, 0, "state",
		    "a cycle is published with 'dti publish', which "
		    "checks the submissions and stores the snapshot");
	if (st == DTI_OK && !transition_allowed(c.state, to))
		st = dti_err_set(err, DTI_ESTATE, "", 0, 0, "state",
		                 "cycle %s is %s: it cannot move to %s",
		                 c.label, store_state_phrase(c.state),
		                 dti_cycle_state_name(to));
	char extra[64] = "";
	if (st == DTI_OK && c.state == DTI_CYCLE_DRAFT) {
		int64_t n = 0;
		st = create_submissions(s, &c, &n, err);
		int64_t total = 0;
		if (st == DTI_OK)
			st = db_query_int(
			    s->db, err, &total, NULL,
			    "SELECT count(*) FROM submissions WHERE "
			    "cycle_id = ?",
			    "i", c.id);
		if (st == DTI_OK && total == 0)
			st =
			    dti_err_set(err, DTI_ESTATE, "", 0, 0, "units",
			                "no unit of level '%s' is valid on %s: "
			                "import units first",
			                c.level, c.ref_date);
		dti_snprintf(extra, sizeof extra, "\"submissions\":%lld",
		             (long long)total);
	}
	if (st == DTI_OK)
		st = store_set_cycle_state(s, &c, to, extra[0] ? extra : NULL,
		                           err);
	return store_end(s, st, err);
}

enum dti_status dti_cycle_set_deadlines(struct dti_store *s, const char *label,
                                        const char *submit_deadline,
                                        const char *review_deadline,
                                        struct dti_error *err)
{
	enum dti_status st =
	    check_date(submit_deadline, "submit_deadline", err);
	if (st == DTI_OK)
		st = check_date(review_deadline, "review_deadline", err);
	if (st != DTI_OK)
		return st;
	st = store_begin(s, err);
	if (st != DTI_OK)
		return st;
	struct store_cycle c;
	st = store_require(s, DTI_ROLE_OWNER, NULL, "set deadlines", err);
	if (st == DTI_OK)
		st = store_load_cycle(s, label, &c, err);
	if (st == DTI_OK && c.state == DTI_CYCLE_PUBLISHED)
		st = dti_err_set(err, DTI_ESTATE, "", 0, 0, "state",
		                 "cycle %s is published", c.label);
	const char *sd = submit_deadline ? submit_deadline : c.submit_deadline;
	const char *rd = review_deadline ? review_deadline : c.review_deadline;
	if (st == DTI_OK)
		st = db_run(
		    s->db, err,
		    "UPDATE cycles SET submit_deadline = ?, "
		    "review_deadline = ?, version = version + 1 WHERE id "
		    "= ?",
		    "ssi", sd, rd, c.id);
	if (st == DTI_OK) {
		char before[128], after[128], object[96];
		dti_snprintf(before, sizeof before,
		             "{\"submit_deadline\":\"%s\",\"review_deadline\":"
		             "\"%s\"}",
		             c.submit_deadline, c.review_deadline);
		dti_snprintf(after, sizeof after,
		             "{\"submit_deadline\":\"%s\",\"review_deadline\":"
		             "\"%s\"}",
		             sd, rd);
		dti_snprintf(object, sizeof object, "cycle %s", c.label);
		st = store_audit(s, "cycle.deadlines", c.label, NULL, object,
		                 before, after, err);
	}
	return store_end(s, st, err);
}

static enum dti_status count_states(struct dti_store *s, int64_t cycle_id,
                                    long long count[6], struct dti_error *err)
{
	memset(count, 0, 6 * sizeof count[0]);
	struct db_stmt *q;
	enum dti_status st =
	    db_prepare(s->db,
	               "SELECT state, count(*) FROM submissions "
	               "WHERE cycle_id = ? GROUP BY state",
	               &q, err);
	if (st != DTI_OK)
		return st;
	db_bind_int(q, 1, cycle_id);
	int row = 0;
	while ((st = db_step(q, &row, err)) == DTI_OK && row) {
		enum dti_sub_state k = dti_sub_state_parse(db_col_text(q, 0));
		if (k)
			count[k] = (long long)db_col_int(q, 1);
	}
	db_finalize(q);
	return st;
}

static enum dti_status fill_cycle_info(struct dti_store *s,
                                       const struct store_cycle *c,
                                       struct dti_cycle_info *out,
                                       struct dti_error *err)
{
	memset(out, 0, sizeof *out);
	dti_snprintf(out->label, sizeof out->label, "%s", c->label);
	out->year = c->year;
	dti_snprintf(out->level, sizeof out->level, "%s", c->level);
	dti_snprintf(out->framework_sha, sizeof out->framework_sha, "%s",
	             c->framework_sha);
	dti_snprintf(out->ref_date, sizeof out->ref_date, "%s", c->ref_date);
	dti_snprintf(out->submit_deadline, sizeof out->submit_deadline, "%s",
	             c->submit_deadline);
	dti_snprintf(out->review_deadline, sizeof out->review_deadline, "%s",
	             c->review_deadline);
	out->state = c->state;
	out->version = c->version;
	struct db_stmt *q;
	enum dti_status st = db_prepare(
	    s->db, "SELECT fw_id, version FROM frameworks WHERE sha = ?", &q,
	    err);
	if (st != DTI_OK)
		return st;
	db_bind_text(q, 1, c->framework_sha);
	int row = 0;
	st = db_step(q, &row, err);
	if (st == DTI_OK && row) {
		dti_snprintf(out->framework_id, sizeof out->framework_id, "%s",
		             db_col_text(q, 0));
		dti_snprintf(out->framework_version,
		             sizeof out->framework_version, "%s",
		             db_col_text(q, 1));
	}
	db_finalize(q);
	if (st == DTI_OK)
		st = count_states(s, c->id, out->count, err);
	return st;
}

enum dti_status dti_cycle_get(struct dti_store *s, const char *label,
                              struct dti_cycle_info *out, struct dti_error *err)
{
	memset(out, 0, sizeof *out);
	enum dti_status st = store_begin_read(s, err);
	if (st != DTI_OK)
		return st;
	struct store_cycle c;
	st = store_load_cycle(s, label, &c, err);
	if (st == DTI_OK)
		st = fill_cycle_info(s, &c, out, err);
	db_rollback(s->db);
	return st;
}

enum dti_status dti_cycle_status(struct dti_store *s, const char *label,
                                 struct dti_cycle_status **out,
                                 struct dti_error *err)
{
	*out = NULL;
	enum dti_status st = store_begin_read(s, err);
	if (st != DTI_OK)
		return st;
	struct dti_arena *a = NULL;
	struct dti_cycle_status *cs = store_list_new(sizeof *cs, &a);
	if (!cs) {
		db_rollback(s->db);
		return dti_err_nomem(err);
	}
	struct store_cycle c;
	st = store_load_cycle(s, label, &c, err);
	if (st == DTI_OK)
		st = fill_cycle_info(s, &c, &cs->cycle, err);
	struct db_stmt *q = NULL;
	if (st == DTI_OK)
		st = db_prepare(
		    s->db,
		    "SELECT s.unit_id, u.name_vi, s.state, s.version, "
		    "s.updated_at, (SELECT count(*) FROM figures f WHERE "
		    "f.submission_id = s.id), (SELECT count(*) FROM evidence e "
		    "WHERE e.submission_id = s.id), s.exclude_reason, "
		    "s.return_comment, s.submitted_at, s.updated_by FROM "
		    "submissions s JOIN units u ON u.id = s.unit_id WHERE "
		    "s.cycle_id = ? ORDER BY s.unit_id",
		    &q, err);
	if (st == DTI_OK)
		db_bind_int(q, 1, c.id);
	struct store_vec v = STORE_VEC_INIT(struct dti_cycle_unit);
	int row = 0, oom = 0;
	while (st == DTI_OK && (st = db_step(q, &row, err)) == DTI_OK && row) {
		struct dti_cycle_unit *u = store_vec_add(&v);
		if (!u) {
			st = dti_err_nomem(err);
			break;
		}
		u->unit = store_keep(a, db_col_text(q, 0), &oom);
		u->name = store_keep(a, db_col_text(q, 1), &oom);
		u->state = dti_sub_state_parse(db_col_text(q, 2));
		u->version = db_col_int(q, 3);
		u->updated_at = store_keep(a, db_col_text(q, 4), &oom);
		u->figures = (long long)db_col_int(q, 5);
		u->evidence = (long long)db_col_int(q, 6);
		u->exclude_reason = store_keep(a, db_col_text(q, 7), &oom);
		u->return_comment = store_keep(a, db_col_text(q, 8), &oom);
		u->submitted_at = store_keep(a, db_col_text(q, 9), &oom);
		u->updated_by = store_keep(a, db_col_text(q, 10), &oom);
	}
	db_finalize(q);
	db_rollback(s->db);
	cs->n = v.n;
	cs->units = store_vec_keep(&v, a, &oom);
	if (st == DTI_OK && oom)
		st = dti_err_nomem(err);
	if (st != DTI_OK) {
		store_list_free(cs);
		return st;
	}
	*out = cs;
	return DTI_OK;
}

void dti_cycle_status_free(struct dti_cycle_status *cs)
{
	store_list_free(cs);
}

enum dti_status dti_cycle_list(struct dti_store *s, struct dti_cycle_list **out,
                               struct dti_error *err)
{
	*out = NULL;
	enum dti_status st = store_begin_read(s, err);
	if (st != DTI_OK)
		return st;
	struct dti_arena *a = NULL;
	struct dti_cycle_list *l = store_list_new(sizeof *l, &a);
	if (!l) {
		db_rollback(s->db);
		return dti_err_nomem(err);
	}
	/* The labels first: a statement is not stepped while others run. */
	struct store_vec labels = STORE_VEC_INIT(const char *);
	struct db_stmt *q = NULL;
	st = db_prepare(s->db, "SELECT label FROM cycles ORDER BY year, label",
	                &q, err);
	int row = 0, oom = 0;
	while (st == DTI_OK && (st = db_step(q, &row, err)) == DTI_OK && row) {
		const char **p = store_vec_add(&labels);
		if (!p) {
			st = dti_err_nomem(err);
			break;
		}
		*p = store_keep(a, db_col_text(q, 0), &oom);
	}
	db_finalize(q);
	struct store_vec v = STORE_VEC_INIT(struct dti_cycle_info);
	for (size_t i = 0; st == DTI_OK && !oom && i < labels.n; i++) {
		const char *const *label = store_vec_at(&labels, i);
		struct store_cycle c;
		struct dti_cycle_info *ci = store_vec_add(&v);
		if (!ci)
			st = dti_err_nomem(err);
		if (st == DTI_OK)
			st = store_load_cycle(s, *label, &c, err);
		if (st == DTI_OK)
			st = fill_cycle_info(s, &c, ci, err);
	}
	db_rollback(s->db);
	store_vec_release(&labels);
	l->n = v.n;
	l->cycles = store_vec_keep(&v, a, &oom);
	if (st == DTI_OK && oom)
		st = dti_err_nomem(err);
	if (st != DTI_OK) {
		store_list_free(l);
		return st;
	}
	*out = l;
	return DTI_OK;
}

void dti_cycle_list_free(struct dti_cycle_list *l)
{
	store_list_free(l);
}

void dti_cycle_new_init(struct dti_cycle_new *c)
{
	memset(c, 0, sizeof *c);
}
