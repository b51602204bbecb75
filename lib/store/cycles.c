/*
 * lib/workflow.c - cycles, submissions, reviews, results and publication:
 * the rules of workflow.h, enforced for every caller.
 *
 * Each public call that writes is one transaction under the store's write
 * lock (store_begin/store_end): it reads the cycle and the submission,
 * checks role, state and version, writes, and appends its audit event(s);
 * any refusal rolls everything back.  Figures are validated by the engine
 * itself (dti_dataset_set on a one-cell scratch dataset), so a value the
 * store accepts is one the computation accepts.
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
static const char *state_phrase(enum dti_cycle_state st)
{
	return st == DTI_CYCLE_REVIEW ? "in review" : dti_cycle_state_name(st);
}

/* ---- small checks ------------------------------------------------------- */

static int valid_date(const char *d)
{
	if (!d || strlen(d) != 10 || d[4] != '-' || d[7] != '-')
		return 0;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (d[i] < '0' || d[i] > '9'))
			return 0;
	int m = (d[5] - '0') * 10 + (d[6] - '0');
	int day = (d[8] - '0') * 10 + (d[9] - '0');
	return m >= 1 && m <= 12 && day >= 1 && day <= 31;
}

static enum dti_status check_date(const char *d, const char *field,
                                  struct dti_error *err)
{
	if (!d || !*d || valid_date(d))
		return DTI_OK;
	return dti_err_set(err, DTI_ESYNTAX, "", 0, 0, field,
	                   "'%s' is not a date YYYY-MM-DD", d);
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

static enum dti_status check_version(int64_t expected, int64_t current,
                                     const char *what, struct dti_error *err)
{
	if (expected == 0 || expected == current)
		return DTI_OK;
	return dti_err_set(err, DTI_ECONFLICT, "", 0, 0, "version",
	                   "%s changed since you read it (your version %lld, "
	                   "now %lld): reload and try again",
	                   what, (long long)expected, (long long)current);
}

static enum dti_status need_text(const char *t, const char *field,
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

enum dti_status store_load_sub(struct dti_store *s, const struct store_cycle *c,
                               const char *unit, struct store_sub *sub,
                               struct dti_error *err)
{
	memset(sub, 0, sizeof *sub);
	struct db_stmt *q;
	enum dti_status st =
	    db_prepare(s->db,
	               "SELECT id, state, version FROM submissions WHERE "
	               "cycle_id = ? AND unit_id = ?",
	               &q, err);
	if (st != DTI_OK)
		return st;
	db_bind_int(q, 1, c->id);
	db_bind_text(q, 2, unit);
	int row = 0;
	st = db_step(q, &row, err);
	if (st == DTI_OK && row) {
		sub->id = db_col_int(q, 0);
		sub->state = dti_sub_state_parse(db_col_text(q, 1));
		sub->version = db_col_int(q, 2);
	}
	db_finalize(q);
	if (st == DTI_OK && !row) {
		int found = 0;
		int64_t one;
		st =
		    db_query_int(s->db, err, &one, &found,
		                 "SELECT 1 FROM units WHERE id = ?", "s", unit);
		if (st == DTI_OK)
			st = dti_err_set(
			    err, DTI_ENOTFOUND, "", 0, 0, "unit",
			    found ? "unit %s has no submission in cycle %s"
			          : "no unit '%s' in the store (cycle %s)",
			    unit ? unit : "", c->label);
	}
	return st;
}

enum dti_status store_touch_sub(struct dti_store *s, struct store_sub *sub,
                                struct dti_error *err)
{
	char now[21];
	store_now(s, now);
	sub->version++;
	return db_run(s->db, err,
	              "UPDATE submissions SET version = ?, updated_at = ?, "
	              "updated_by = ? WHERE id = ?",
	              "issi", sub->version, now, s->actor, sub->id);
}

static enum dti_status set_sub_state(struct dti_store *s, struct store_sub *sub,
                                     enum dti_sub_state to,
                                     struct dti_error *err)
{
	enum dti_status st =
	    db_run(s->db, err, "UPDATE submissions SET state = ? WHERE id = ?",
	           "si", dti_sub_state_name(to), sub->id);
	if (st == DTI_OK)
		st = store_touch_sub(s, sub, err);
	if (st == DTI_OK)
		sub->state = to;
	return st;
}

/* Whether the submission deadline (end of that day, UTC) has passed. */
static int past_deadline(struct dti_store *s, const char *deadline)
{
	if (!deadline || !*deadline)
		return 0;
	char now[21];
	store_now(s, now);
	return strncmp(now, deadline, 10) > 0;
}

enum dti_status store_may_edit(struct dti_store *s, const struct store_cycle *c,
                               const char *unit, const struct store_sub *sub,
                               const char *what, struct dti_error *err)
{
	enum dti_status st = store_require(s, DTI_ROLE_EDITOR, unit, what, err);
	if (st != DTI_OK)
		return st;
	if (c->state == DTI_CYCLE_DRAFT || c->state == DTI_CYCLE_CLOSED ||
	    c->state == DTI_CYCLE_PUBLISHED)
		return dti_err_set(err, DTI_ESTATE, "", 0, 0, "state",
		                   "cannot %s: cycle %s is %s", what, c->label,
		                   dti_cycle_state_name(c->state));
	if (sub->state == DTI_SUB_RETURNED &&
	    (c->state == DTI_CYCLE_OPEN || c->state == DTI_CYCLE_REVIEW))
		return DTI_OK;
	if (sub->state != DTI_SUB_DRAFT && sub->state != DTI_SUB_RETURNED)
		return dti_err_set(
		    err, DTI_ESTATE, "", 0, 0, "state",
		    "cannot %s: the submission of %s in %s is %s", what, unit,
		    c->label, dti_sub_state_name(sub->state));
	if (c->state != DTI_CYCLE_OPEN)
		return dti_err_set(err, DTI_ESTATE, "", 0, 0, "state",
		                   "cannot %s: cycle %s is %s, not open", what,
		                   c->label, state_phrase(c->state));
	if (past_deadline(s, c->submit_deadline) &&
	    !store_actor_has(s, DTI_ROLE_OWNER, NULL))
		return dti_err_set(err, DTI_ESTATE, "", 0, 0, "deadline",
		                   "cannot %s: the submission deadline of %s "
		                   "(%s) has passed",
		                   what, c->label, c->submit_deadline);
	return DTI_OK;
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
		dti_json_str(b, level);
		dti_buf_adds(b, ",\"framework\":");
		dti_json_str(b, sha);
		dti_buf_adds(b, ",\"ref_date\":");
		dti_json_str(b, ref);
		dti_buf_adds(b, ",\"submit_deadline\":");
		dti_json_str(b, c->submit_deadline);
		dti_buf_adds(b, ",\"review_deadline\":");
		dti_json_str(b, c->review_deadline);
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

static enum dti_status set_cycle_state(struct dti_store *s,
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
	struct store_cycle c;
	st = store_require(s, DTI_ROLE_OWNER, NULL, "move cycles", err);
	if (st == DTI_OK)
		st = store_load_cycle(s, label, &c, err);
	if (st == DTI_OK)
		st = check_version(expected_version, c.version, "the cycle",
		                   err);
	if (st == DTI_OK && to == DTI_CYCLE_PUBLISHED)
		st = dti_err_set(
		    err, DTI_ESTATE, "", 0, 0, "state",
		    "a cycle is published with 'dti publish', which "
		    "checks the submissions and stores the snapshot");
	if (st == DTI_OK && !transition_allowed(c.state, to))
		st = dti_err_set(err, DTI_ESTATE, "", 0, 0, "state",
		                 "cycle %s is %s: it cannot move to %s",
		                 c.label, state_phrase(c.state),
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
		st = set_cycle_state(s, &c, to, extra[0] ? extra : NULL, err);
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

static void info_json(struct dti_buf *b, const struct dti_cycle_info *ci)
{
	dti_buf_adds(b, "{\"label\":");
	dti_json_str(b, ci->label);
	dti_buf_addf(b, ",\"year\":%d,\"level\":", ci->year);
	dti_json_str(b, ci->level);
	dti_buf_adds(b, ",\"framework\":{\"id\":");
	dti_json_str(b, ci->framework_id);
	dti_buf_adds(b, ",\"version\":");
	dti_json_str(b, ci->framework_version);
	dti_buf_adds(b, ",\"sha256\":");
	dti_json_str(b, ci->framework_sha);
	dti_buf_addf(b,
	             "},\"ref_date\":\"%s\",\"submit_deadline\":\"%s\","
	             "\"review_deadline\":\"%s\",\"state\":\"%s\","
	             "\"version\":%lld,\"submissions\":{",
	             ci->ref_date, ci->submit_deadline, ci->review_deadline,
	             dti_cycle_state_name(ci->state), (long long)ci->version);
	for (int k = DTI_SUB_DRAFT; k <= DTI_SUB_EXCLUDED; k++)
		dti_buf_addf(b, "%s\"%s\":%lld", k > 1 ? "," : "",
		             sub_states[k], ci->count[k]);
	dti_buf_adds(b, "}");
}

static void info_text(struct dti_buf *b, const struct dti_cycle_info *ci)
{
	dti_buf_addf(b, "cycle %s: %s (version %lld)\n", ci->label,
	             dti_cycle_state_name(ci->state), (long long)ci->version);
	dti_buf_addf(b, "  year %d, level %s, units valid on %s\n", ci->year,
	             ci->level, ci->ref_date);
	dti_buf_addf(b, "  framework %s@%s (%.12s)\n", ci->framework_id,
	             ci->framework_version, ci->framework_sha);
	if (ci->submit_deadline[0] || ci->review_deadline[0])
		dti_buf_addf(b, "  deadlines: submit %s, review %s\n",
		             ci->submit_deadline[0] ? ci->submit_deadline : "-",
		             ci->review_deadline[0] ? ci->review_deadline
		                                    : "-");
	dti_buf_adds(b, "  submissions:");
	for (int k = DTI_SUB_DRAFT; k <= DTI_SUB_EXCLUDED; k++)
		dti_buf_addf(b, " %s %lld%s", sub_states[k], ci->count[k],
		             k < DTI_SUB_EXCLUDED ? "," : "\n");
}

enum dti_status dti_cycle_status(struct dti_store *s, const char *label,
                                 int json, struct dti_buf *out,
                                 struct dti_error *err)
{
	enum dti_status st = store_begin_read(s, err);
	if (st != DTI_OK)
		return st;
	struct store_cycle c;
	struct dti_cycle_info ci;
	st = store_load_cycle(s, label, &c, err);
	if (st == DTI_OK)
		st = fill_cycle_info(s, &c, &ci, err);
	struct db_stmt *q = NULL;
	if (st == DTI_OK)
		st = db_prepare(
		    s->db,
		    "SELECT s.unit_id, u.name_vi, s.state, s.version, "
		    "s.updated_at, (SELECT count(*) FROM figures f WHERE "
		    "f.submission_id = s.id), (SELECT count(*) FROM evidence e "
		    "WHERE e.submission_id = s.id), s.exclude_reason, "
		    "s.return_comment FROM submissions s JOIN units u ON u.id "
		    "= "
		    "s.unit_id WHERE s.cycle_id = ? ORDER BY s.unit_id",
		    &q, err);
	if (st == DTI_OK) {
		db_bind_int(q, 1, c.id);
		if (json) {
			info_json(out, &ci);
			dti_buf_adds(out, ",\"units\":[");
		} else {
			info_text(out, &ci);
			dti_buf_addf(out, "\n%-10s %-24s %-10s %7s %7s %8s\n",
			             "unit", "name", "state", "version",
			             "figures", "evidence");
		}
	}
	int row = 0, n = 0;
	while (st == DTI_OK && (st = db_step(q, &row, err)) == DTI_OK && row) {
		const char *why = db_col_text(q, 7);
		const char *ret = db_col_text(q, 8);
		if (json) {
			dti_buf_adds(out, n++ ? ",{\"unit\":" : "{\"unit\":");
			dti_json_str(out, db_col_text(q, 0));
			dti_buf_adds(out, ",\"name\":");
			dti_json_str(out, db_col_text(q, 1));
			dti_buf_addf(
			    out,
			    ",\"state\":\"%s\",\"version\":%lld,"
			    "\"figures\":%lld,\"evidence\":%lld,"
			    "\"updated_at\":\"%s\"",
			    db_col_text(q, 2), (long long)db_col_int(q, 3),
			    (long long)db_col_int(q, 5),
			    (long long)db_col_int(q, 6), db_col_text(q, 4));
			if (why && *why) {
				dti_buf_adds(out, ",\"exclude_reason\":");
				dti_json_str(out, why);
			}
			if (ret && *ret) {
				dti_buf_adds(out, ",\"return_comment\":");
				dti_json_str(out, ret);
			}
			dti_buf_addc(out, '}');
		} else {
			int w = (int)dti_text_width(db_col_text(q, 1),
			                            strlen(db_col_text(q, 1)));
			dti_buf_addf(out, "%-10s %s%*s %-10s %7lld %7lld %8lld",
			             db_col_text(q, 0), db_col_text(q, 1),
			             w < 24 ? 24 - w : 0, "", db_col_text(q, 2),
			             (long long)db_col_int(q, 3),
			             (long long)db_col_int(q, 5),
			             (long long)db_col_int(q, 6));
			if (why && *why)
				dti_buf_addf(out, "  (%s)", why);
			else if (ret && *ret)
				dti_buf_addf(out, "  (returned: %s)", ret);
			dti_buf_addc(out, '\n');
		}
	}
	if (st == DTI_OK && json)
		dti_buf_adds(out, "]}\n");
	db_finalize(q);
	db_rollback(s->db);
	return st;
}

enum dti_status dti_cycle_list(struct dti_store *s, int json,
                               struct dti_buf *out, struct dti_error *err)
{
	enum dti_status st = store_begin_read(s, err);
	if (st != DTI_OK)
		return st;
	struct db_stmt *q;
	st = db_prepare(s->db, "SELECT label FROM cycles ORDER BY year, label",
	                &q, err);
	char **labels = NULL;
	size_t n = 0;
	int row = 0;
	while (st == DTI_OK && (st = db_step(q, &row, err)) == DTI_OK && row) {
		char **nl = realloc(labels, (n + 1) * sizeof *labels);
		if (!nl || !(nl[n] = strdup(db_col_text(q, 0)))) {
			labels = nl ? nl : labels;
			st = dti_err_nomem(err);
			break;
		}
		labels = nl;
		n++;
	}
	if (st == DTI_OK)
		db_finalize(q);
	for (size_t i = 0; st == DTI_OK && i < n; i++) {
		struct store_cycle c;
		struct dti_cycle_info ci;
		st = store_load_cycle(s, labels[i], &c, err);
		if (st == DTI_OK)
			st = fill_cycle_info(s, &c, &ci, err);
		if (st != DTI_OK)
			break;
		if (json) {
			info_json(out, &ci);
			dti_buf_adds(out, "}\n");
		} else {
			dti_buf_addf(out, "%-20s %4d %-10s %-10s %s@%s\n",
			             ci.label, ci.year, ci.level,
			             dti_cycle_state_name(ci.state),
			             ci.framework_id, ci.framework_version);
		}
	}
	for (size_t i = 0; i < n; i++)
		free(labels[i]);
	free(labels);
	db_rollback(s->db);
	return st;
}

/* ---- figures ------------------------------------------------------------ */

/* A one-cell dataset on which the engine checks figures against rules. */
struct checker {
	struct dti_dataset *ds;
	const struct dti_framework *fw;
};

static enum dti_status checker_init(struct checker *ck,
                                    const struct dti_framework *fw,
                                    struct dti_error *err)
{
	ck->fw = fw;
	ck->ds = NULL;
	size_t i;
	enum dti_status st = dti_dataset_new(fw, NULL, &ck->ds);
	if (st == DTI_OK)
		st = dti_dataset_add_cycle(ck->ds, "check", &i);
	if (st == DTI_OK)
		st = dti_dataset_add_unit(ck->ds, "check", "check", -1, &i);
	if (st != DTI_OK) {
		dti_dataset_free(ck->ds);
		ck->ds = NULL;
		return dti_err_set(err, st, "", 0, 0, "",
		                   "cannot check figures");
	}
	return DTI_OK;
}

/* Node index of an indicator code that takes figures, else the refusal. */
static enum dti_status checker_node(struct checker *ck, const char *code,
                                    const char *cycle, size_t *node,
                                    struct dti_error *err)
{
	long n = code ? dti_framework_find(ck->fw, code) : -1;
	if (n < 0)
		return dti_err_set(
		    err, DTI_ENOTFOUND, "", 0, 0, "indicator",
		    "no indicator '%s' in the framework of cycle "
		    "%s",
		    code ? code : "", cycle);
	struct dti_node_info ni;
	dti_framework_node(ck->fw, (size_t)n, &ni);
	if (strcmp(ni.code, code) != 0)
		return dti_err_set(
		    err, DTI_ENOTFOUND, "", 0, 0, "indicator",
		    "no indicator '%s' in cycle %s (did you mean "
		    "'%s'?)",
		    code, cycle, ni.code);
	*node = (size_t)n;
	return DTI_OK;
}

static enum dti_status checker_value(struct checker *ck, size_t node, double v,
                                     const char *code, struct dti_error *err)
{
	struct dti_error e = DTI_ERROR_INIT;
	enum dti_status st = dti_dataset_set(ck->ds, 0, 0, node, v, &e);
	if (st != DTI_OK)
		dti_err_set(err, st == DTI_ENOMEM ? DTI_ENOMEM : DTI_EINVALID,
		            "", 0, 0, code, "%s",
		            e.message[0] ? e.message : dti_strerror(st));
	dti_error_release(&e);
	return st == DTI_OK ? DTI_OK : (st == DTI_ENOMEM ? st : DTI_EINVALID);
}

static enum dti_status checker_points(struct checker *ck, size_t node, double p,
                                      const char *code, struct dti_error *err)
{
	struct dti_node_info ni;
	dti_framework_node(ck->fw, node, &ni);
	if (isnan(p))
		return DTI_OK;
	if (!isfinite(p) || p < 0 ||
	    (ni.points_known && !isnan(ni.points) && p > ni.points + 1e-9))
		return dti_err_set(
		    err, DTI_EINVALID, "", 0, 0, code,
		    "self-assessed points %g outside 0..%g", p,
		    ni.points_known && !isnan(ni.points) ? ni.points : 0.0);
	return DTI_OK;
}

static void checker_free(struct checker *ck)
{
	dti_dataset_free(ck->ds);
}

static void json_num_or_null(struct dti_buf *b, double v)
{
	if (isnan(v))
		dti_buf_adds(b, "null");
	else
		dti_buf_add_shortest(b, v);
}

struct fig {
	int exists;
	double value, points, reviewed;
	char *comment;
};

static enum dti_status read_fig(struct db_stmt *get, int64_t sub,
                                const char *code, struct fig *f,
                                struct dti_error *err)
{
	free(f->comment);
	memset(f, 0, sizeof *f);
	f->value = f->points = f->reviewed = NAN;
	db_reset(get);
	db_bind_int(get, 1, sub);
	db_bind_text(get, 2, code);
	int row = 0;
	enum dti_status st = db_step(get, &row, err);
	if (st == DTI_OK && row) {
		f->exists = 1;
		f->value = db_col_double(get, 0);
		f->points = db_col_double(get, 1);
		const char *c = db_col_text(get, 2);
		f->comment = strdup(c ? c : "");
		f->reviewed = db_col_double(get, 3);
		if (!f->comment)
			st = dti_err_nomem(err);
	}
	return st;
}

static void fig_json(struct dti_buf *b, const struct fig *f)
{
	if (!f->exists) {
		dti_buf_adds(b, "null");
		return;
	}
	dti_buf_adds(b, "{\"value\":");
	json_num_or_null(b, f->value);
	dti_buf_adds(b, ",\"points\":");
	json_num_or_null(b, f->points);
	dti_buf_adds(b, ",\"comment\":");
	dti_json_str(b, f->comment);
	dti_buf_addc(b, '}');
}

static const char sql_get_fig[] =
    "SELECT value, self_points, comment, reviewed_value FROM figures WHERE "
    "submission_id = ? AND indicator = ?";
static const char sql_put_fig[] =
    "INSERT INTO figures (submission_id, indicator, value, self_points, "
    "comment, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?) ON "
    "CONFLICT (submission_id, indicator) DO UPDATE SET value = "
    "excluded.value, self_points = excluded.self_points, comment = "
    "excluded.comment, updated_at = excluded.updated_at, updated_by = "
    "excluded.updated_by";
static const char sql_del_fig[] =
    "DELETE FROM figures WHERE submission_id = ? AND indicator = ?";

/*
 * Applies edits to one submission (inside a write, rules checked):
 * appends the before/after of each changed indicator to the two JSON
 * objects being built; *changed counts them.
 */
static enum dti_status apply_edits(struct dti_store *s, struct checker *ck,
                                   const char *cycle, int64_t sub,
                                   const struct dti_figure_edit *e, size_t n,
                                   struct db_stmt *get, struct db_stmt *put,
                                   struct db_stmt *del, struct dti_buf *before,
                                   struct dti_buf *after, size_t *changed,
                                   struct dti_error *err)
{
	char now[21];
	store_now(s, now);
	struct fig f = {0, NAN, NAN, NAN, NULL};
	enum dti_status st = DTI_OK;
	for (size_t i = 0; i < n && st == DTI_OK; i++) {
		size_t node;
		st = checker_node(ck, e[i].indicator, cycle, &node, err);
		for (size_t j = 0; j < i && st == DTI_OK; j++)
			if (strcmp(e[j].indicator, e[i].indicator) == 0)
				st = dti_err_set(err, DTI_EINVALID, "", 0, 0,
				                 e[i].indicator,
				                 "indicator %s is given twice",
				                 e[i].indicator);
		if (st == DTI_OK && !e[i].clear && !isnan(e[i].value))
			st = checker_value(ck, node, e[i].value, e[i].indicator,
			                   err);
		if (st == DTI_OK && !e[i].clear)
			st = checker_points(ck, node, e[i].self_points,
			                    e[i].indicator, err);
		if (st == DTI_OK)
			st = read_fig(get, sub, e[i].indicator, &f, err);
		if (st != DTI_OK)
			break;
		double nv = e[i].clear          ? NAN
		            : isnan(e[i].value) ? f.value
		                                : e[i].value;
		double np = e[i].clear                ? NAN
		            : isnan(e[i].self_points) ? f.points
		                                      : e[i].self_points;
		const char *nc = e[i].clear     ? ""
		                 : e[i].comment ? e[i].comment
		                 : f.comment    ? f.comment
		                                : "";
		int same = f.exists && !e[i].clear &&
		           ((isnan(nv) && isnan(f.value)) || nv == f.value) &&
		           ((isnan(np) && isnan(f.points)) || np == f.points) &&
		           strcmp(nc, f.comment ? f.comment : "") == 0;
		if (same || (!f.exists && e[i].clear))
			continue;
		if (!f.exists && isnan(nv) && isnan(np) && !*nc)
			continue;
		int row;
		if (e[i].clear && isnan(f.reviewed)) {
			db_reset(del);
			db_bind_int(del, 1, sub);
			db_bind_text(del, 2, e[i].indicator);
			st = db_step(del, &row, err);
		} else {
			db_reset(put);
			db_bind_int(put, 1, sub);
			db_bind_text(put, 2, e[i].indicator);
			db_bind_double(put, 3, nv);
			db_bind_double(put, 4, np);
			db_bind_text(put, 5, nc);
			db_bind_text(put, 6, now);
			db_bind_text(put, 7, s->actor);
			st = db_step(put, &row, err);
		}
		if (st != DTI_OK)
			break;
		const char *sep = (*changed)++ ? "," : "";
		dti_buf_adds(before, sep);
		dti_json_str(before, e[i].indicator);
		dti_buf_addc(before, ':');
		fig_json(before, &f);
		dti_buf_adds(after, sep);
		dti_json_str(after, e[i].indicator);
		dti_buf_addc(after, ':');
		if (e[i].clear) {
			dti_buf_adds(after, "null");
		} else {
			struct fig g = {1, nv, np, NAN, (char *)nc};
			fig_json(after, &g);
		}
	}
	free(f.comment);
	return st;
}

struct edit_ctx {
	struct db_stmt *get, *put, *del;
	struct dti_buf before, after;
	struct checker ck;
};

static enum dti_status edit_ctx_init(struct dti_store *s,
                                     const struct store_cycle *c,
                                     struct edit_ctx *x, struct dti_error *err)
{
	memset(x, 0, sizeof *x);
	dti_buf_init(&x->before, 0);
	dti_buf_init(&x->after, 0);
	const struct dti_framework *fw;
	enum dti_status st =
	    store_framework_cached(s, c->framework_sha, &fw, err);
	if (st == DTI_OK)
		st = checker_init(&x->ck, fw, err);
	if (st == DTI_OK)
		st = db_prepare(s->db, sql_get_fig, &x->get, err);
	if (st == DTI_OK)
		st = db_prepare(s->db, sql_put_fig, &x->put, err);
	if (st == DTI_OK)
		st = db_prepare(s->db, sql_del_fig, &x->del, err);
	return st;
}

static void edit_ctx_release(struct edit_ctx *x)
{
	db_finalize(x->get);
	db_finalize(x->put);
	db_finalize(x->del);
	dti_buf_release(&x->before);
	dti_buf_release(&x->after);
	checker_free(&x->ck);
}

/* Runs one submission's edits and its audit event. */
static enum dti_status edit_one(struct dti_store *s, struct edit_ctx *x,
                                const struct store_cycle *c, const char *unit,
                                struct store_sub *sub,
                                const struct dti_figure_edit *e, size_t n,
                                const char *action, size_t *changed,
                                struct dti_error *err)
{
	dti_buf_reset(&x->before);
	dti_buf_reset(&x->after);
	dti_buf_addc(&x->before, '{');
	dti_buf_addc(&x->after, '{');
	*changed = 0;
	enum dti_status st =
	    apply_edits(s, &x->ck, c->label, sub->id, e, n, x->get, x->put,
	                x->del, &x->before, &x->after, changed, err);
	if (st != DTI_OK || *changed == 0)
		return st;
	dti_buf_addc(&x->before, '}');
	dti_buf_addc(&x->after, '}');
	dti_buf_addc(&x->before, '\0');
	dti_buf_addc(&x->after, '\0');
	st = store_touch_sub(s, sub, err);
	char object[128];
	dti_snprintf(object, sizeof object, "submission %s/%s", c->label, unit);
	if (st == DTI_OK)
		st = store_audit(s, action, c->label, unit, object,
		                 x->before.data, x->after.data, err);
	return st;
}

enum dti_status dti_submission_edit(struct dti_store *s, const char *cycle,
                                    const char *unit,
                                    const struct dti_figure_edit *edits,
                                    size_t n, int64_t expected_version,
                                    struct dti_error *err)
{
	enum dti_status st = store_begin(s, err);
	if (st != DTI_OK)
		return st;
	struct store_cycle c;
	struct store_sub sub;
	struct edit_ctx x;
	int have_x = 0;
	st = store_load_cycle(s, cycle, &c, err);
	if (st == DTI_OK)
		st = store_load_sub(s, &c, unit, &sub, err);
	if (st == DTI_OK)
		st = store_may_edit(s, &c, unit, &sub, "edit figures", err);
	if (st == DTI_OK)
		st = check_version(expected_version, sub.version,
		                   "the submission", err);
	if (st == DTI_OK) {
		have_x = 1;
		st = edit_ctx_init(s, &c, &x, err);
	}
	size_t changed = 0;
	if (st == DTI_OK)
		st = edit_one(s, &x, &c, unit, &sub, edits, n,
		              "submission.edit", &changed, err);
	if (have_x)
		edit_ctx_release(&x);
	return store_end(s, st, err);
}

enum dti_status dti_submission_import(struct dti_store *s, const char *cycle,
                                      const struct dti_dataset *ds,
                                      const char *data_cycle, size_t *units_out,
                                      size_t *figures_out,
                                      struct dti_error *err)
{
	if (units_out)
		*units_out = 0;
	if (figures_out)
		*figures_out = 0;
	long dc = 0;
	if (data_cycle) {
		dc = dti_dataset_find_cycle(ds, data_cycle);
		if (dc < 0)
			return dti_err_set(
			    err, DTI_ENOTFOUND, "", 0, 0, "cycle",
			    "the data have no cycle '%s'", data_cycle);
	} else if (dti_dataset_cycle_count(ds) != 1) {
		return dti_err_set(err, DTI_EINVALID, "", 0, 0, "cycle",
		                   "the data hold %zu cycles: say which one to "
		                   "import",
		                   dti_dataset_cycle_count(ds));
	}
	enum dti_status st = store_begin(s, err);
	if (st != DTI_OK)
		return st;
	struct store_cycle c;
	struct edit_ctx x;
	int have_x = 0;
	st = store_load_cycle(s, cycle, &c, err);
	const struct dti_framework *fw = dti_dataset_framework(ds);
	size_t nn = dti_framework_node_count(fw);
	struct dti_figure_edit *edits = calloc(nn ? nn : 1, sizeof *edits);
	if (!edits && st == DTI_OK)
		st = dti_err_nomem(err);
	if (st == DTI_OK) {
		have_x = 1;
		st = edit_ctx_init(s, &c, &x, err);
	}
	size_t units = 0, figures = 0;
	for (size_t u = 0; st == DTI_OK && u < dti_dataset_unit_count(ds);
	     u++) {
		if (!dti_dataset_unit_present(ds, (size_t)dc, u))
			continue;
		struct dti_dataset_unit du;
		dti_dataset_unit(ds, u, &du);
		struct store_sub sub;
		st = store_load_sub(s, &c, du.id, &sub, err);
		if (st == DTI_OK)
			st = store_may_edit(s, &c, du.id, &sub,
			                    "import figures", err);
		size_t n = 0;
		for (size_t k = 0; st == DTI_OK && k < nn; k++) {
			double v = dti_dataset_get(ds, (size_t)dc, u, k);
			if (isnan(v))
				continue;
			struct dti_node_info ni;
			dti_framework_node(fw, k, &ni);
			struct dti_figure_edit e =
			    DTI_FIGURE_EDIT_INIT(ni.code);
			e.value = v;
			e.comment = dti_dataset_note(ds, (size_t)dc, u, k);
			edits[n++] = e;
		}
		size_t changed = 0;
		if (st == DTI_OK)
			st = edit_one(s, &x, &c, du.id, &sub, edits, n,
			              "submission.import", &changed, err);
		if (st != DTI_OK) {
			if (err && err->field[0] == '\0')
				dti_snprintf(err->field, sizeof err->field,
				             "%s", du.id);
			break;
		}
		units++;
		figures += n;
	}
	free(edits);
	if (have_x)
		edit_ctx_release(&x);
	st = store_end(s, st, err);
	if (st == DTI_OK) {
		if (units_out)
			*units_out = units;
		if (figures_out)
			*figures_out = figures;
	}
	return st;
}

/* ---- submission states --------------------------------------------------- */

static enum dti_status sub_event(struct dti_store *s,
                                 const struct store_cycle *c, const char *unit,
                                 const char *action, enum dti_sub_state from,
                                 const struct store_sub *sub, const char *key,
                                 const char *text, struct dti_error *err)
{
	char before[64], object[128];
	dti_snprintf(before, sizeof before, "{\"state\":\"%s\"}",
	             dti_sub_state_name(from));
	struct dti_buf *b = &s->tmp;
	dti_buf_reset(b);
	dti_buf_addf(b, "{\"state\":\"%s\",\"version\":%lld",
	             dti_sub_state_name(sub->state), (long long)sub->version);
	if (key) {
		dti_buf_addf(b, ",\"%s\":", key);
		dti_json_str(b, text);
	}
	dti_buf_addc(b, '}');
	dti_buf_addc(b, '\0');
	dti_snprintf(object, sizeof object, "submission %s/%s", c->label, unit);
	return store_audit(s, action, c->label, unit, object, before, b->data,
	                   err);
}

enum dti_status dti_submission_submit(struct dti_store *s, const char *cycle,
                                      const char *unit,
                                      int64_t expected_version,
                                      struct dti_error *err)
{
	enum dti_status st = store_begin(s, err);
	if (st != DTI_OK)
		return st;
	struct store_cycle c;
	struct store_sub sub;
	st = store_load_cycle(s, cycle, &c, err);
	if (st == DTI_OK)
		st = store_load_sub(s, &c, unit, &sub, err);
	if (st == DTI_OK)
		st = store_may_edit(s, &c, unit, &sub, "submit", err);
	if (st == DTI_OK)
		st = check_version(expected_version, sub.version,
		                   "the submission", err);
	enum dti_sub_state from = sub.state;
	char now[21];
	store_now(s, now);
	if (st == DTI_OK)
		st = db_run(
		    s->db, err,
		    "UPDATE submissions SET submitted_at = ? WHERE id = ?",
		    "si", now, sub.id);
	if (st == DTI_OK)
		st = set_sub_state(s, &sub, DTI_SUB_SUBMITTED, err);
	if (st == DTI_OK)
		st = sub_event(s, &c, unit, "submission.submit", from, &sub,
		               NULL, NULL, err);
	return store_end(s, st, err);
}

enum dti_status dti_submission_exclude(struct dti_store *s, const char *cycle,
                                       const char *unit, const char *reason,
                                       struct dti_error *err)
{
	enum dti_status st =
	    need_text(reason, "reason", "excluding a unit needs a reason", err);
	if (st != DTI_OK)
		return st;
	st = store_begin(s, err);
	if (st != DTI_OK)
		return st;
	struct store_cycle c;
	struct store_sub sub;
	st = store_require(s, DTI_ROLE_OWNER, NULL, "exclude units", err);
	if (st == DTI_OK)
		st = store_load_cycle(s, cycle, &c, err);
	if (st == DTI_OK)
		st = store_load_sub(s, &c, unit, &sub, err);
	if (st == DTI_OK && c.state == DTI_CYCLE_PUBLISHED)
		st = dti_err_set(err, DTI_ESTATE, "", 0, 0, "state",
		                 "cycle %s is published", c.label);
	if (st == DTI_OK && sub.state == DTI_SUB_EXCLUDED)
		st = dti_err_set(err, DTI_ESTATE, "", 0, 0, "state",
		                 "unit %s is already excluded from %s", unit,
		                 c.label);
	enum dti_sub_state from = sub.state;
	if (st == DTI_OK)
		st =
		    db_run(s->db, err,
		           "UPDATE submissions SET exclude_reason = ? WHERE id "
		           "= ?",
		           "si", reason, sub.id);
	if (st == DTI_OK)
		st = set_sub_state(s, &sub, DTI_SUB_EXCLUDED, err);
	if (st == DTI_OK)
		st = sub_event(s, &c, unit, "submission.exclude", from, &sub,
		               "reason", reason, err);
	return store_end(s, st, err);
}

enum dti_status dti_submission_create(struct dti_store *s, const char *cycle,
                                      const char *unit, struct dti_error *err)
{
	enum dti_status st = store_begin(s, err);
	if (st != DTI_OK)
		return st;
	struct store_cycle c;
	st = store_require(s, DTI_ROLE_OWNER, NULL, "add submissions", err);
	if (st == DTI_OK)
		st = store_load_cycle(s, cycle, &c, err);
	if (st == DTI_OK && c.state != DTI_CYCLE_DRAFT &&
	    c.state != DTI_CYCLE_OPEN)
		st = dti_err_set(
		    err, DTI_ESTATE, "", 0, 0, "state",
		    "cycle %s is %s: submissions are added while it "
		    "is draft or open",
		    c.label, state_phrase(c.state));
	int found = 0;
	int64_t one = 0, id = 0;
	if (st == DTI_OK)
		st =
		    db_query_int(s->db, err, &one, &found,
		                 "SELECT 1 FROM units WHERE id = ?", "s", unit);
	if (st == DTI_OK && !found)
		st = dti_err_set(err, DTI_ENOTFOUND, "", 0, 0, "unit",
		                 "no unit '%s' in the store", unit);
	if (st == DTI_OK)
		st = store_next_id(s, "submissions", &id, err);
	char now[21];
	store_now(s, now);
	if (st == DTI_OK) {
		st =
		    db_run(s->db, err,
		           "INSERT INTO submissions (id, cycle_id, unit_id, "
		           "state, version, updated_at, updated_by) VALUES (?, "
		           "?, ?, 'draft', 1, ?, ?)",
		           "iisss", id, c.id, unit, now, s->actor);
		if (st == DTI_EEXIST && err)
			dti_err_replace(
			    err, DTI_EEXIST, "", 0, 0, "unit",
			    "unit %s already has a submission in %s", unit,
			    c.label);
	}
	if (st == DTI_OK) {
		char object[128];
		dti_snprintf(object, sizeof object, "submission %s/%s", c.label,
		             unit);
		st = store_audit(s, "submission.create", c.label, unit, object,
		                 NULL, "{\"state\":\"draft\",\"version\":1}",
		                 err);
	}
	return store_end(s, st, err);
}

enum dti_status dti_submission_get(struct dti_store *s, const char *cycle,
                                   const char *unit,
                                   struct dti_submission_info *out,
                                   struct dti_error *err)
{
	memset(out, 0, sizeof *out);
	enum dti_status st = store_begin_read(s, err);
	if (st != DTI_OK)
		return st;
	struct store_cycle c;
	struct store_sub sub;
	st = store_load_cycle(s, cycle, &c, err);
	if (st == DTI_OK)
		st = store_require(s, DTI_ROLE_VIEWER, unit,
		                   "read this submission", err);
	if (st == DTI_OK)
		st = store_load_sub(s, &c, unit, &sub, err);
	struct db_stmt *q = NULL;
	if (st == DTI_OK)
		st = db_prepare(
		    s->db,
		    "SELECT updated_at, updated_by, (SELECT count(*) FROM "
		    "figures "
		    "WHERE submission_id = ?), (SELECT count(*) FROM evidence "
		    "WHERE submission_id = ?) FROM submissions WHERE id = ?",
		    &q, err);
	int row = 0;
	if (st == DTI_OK) {
		db_bind_int(q, 1, sub.id);
		db_bind_int(q, 2, sub.id);
		db_bind_int(q, 3, sub.id);
		st = db_step(q, &row, err);
	}
	if (st == DTI_OK && row) {
		dti_snprintf(out->unit, sizeof out->unit, "%s", unit);
		out->state = sub.state;
		out->version = sub.version;
		dti_snprintf(out->updated_at, sizeof out->updated_at, "%s",
		             db_col_text(q, 0));
		dti_snprintf(out->updated_by, sizeof out->updated_by, "%s",
		             db_col_text(q, 1));
		out->figures = (long long)db_col_int(q, 2);
		out->evidence = (long long)db_col_int(q, 3);
	}
	db_finalize(q);
	db_rollback(s->db);
	return st;
}

enum dti_status dti_submission_show(struct dti_store *s, const char *cycle,
                                    const char *unit, int json,
                                    struct dti_buf *out, struct dti_error *err)
{
	enum dti_status st = store_begin_read(s, err);
	if (st != DTI_OK)
		return st;
	struct store_cycle c;
	struct store_sub sub;
	st = store_load_cycle(s, cycle, &c, err);
	if (st == DTI_OK)
		st = store_require(s, DTI_ROLE_VIEWER, unit,
		                   "read this submission", err);
	if (st == DTI_OK)
		st = store_load_sub(s, &c, unit, &sub, err);
	const struct dti_framework *fw = NULL;
	if (st == DTI_OK)
		st = store_framework_cached(s, c.framework_sha, &fw, err);
	struct db_stmt *q = NULL;
	if (st == DTI_OK)
		st =
		    db_prepare(s->db,
		               "SELECT s.return_comment, s.exclude_reason, "
		               "s.updated_at, s.updated_by, u.name_vi FROM "
		               "submissions s JOIN units u ON u.id = s.unit_id "
		               "WHERE s.id = ?",
		               &q, err);
	int row = 0;
	if (st == DTI_OK) {
		db_bind_int(q, 1, sub.id);
		st = db_step(q, &row, err);
	}
	if (st == DTI_OK && row) {
		const char *ret = db_col_text(q, 0), *why = db_col_text(q, 1);
		if (json) {
			dti_buf_adds(out, "{\"cycle\":");
			dti_json_str(out, c.label);
			dti_buf_adds(out, ",\"unit\":");
			dti_json_str(out, unit);
			dti_buf_adds(out, ",\"name\":");
			dti_json_str(out, db_col_text(q, 4));
			dti_buf_addf(out, ",\"state\":\"%s\",\"version\":%lld,",
			             dti_sub_state_name(sub.state),
			             (long long)sub.version);
			dti_buf_adds(out, "\"updated_at\":");
			dti_json_str(out, db_col_text(q, 2));
			dti_buf_adds(out, ",\"updated_by\":");
			dti_json_str(out, db_col_text(q, 3));
			dti_buf_adds(out, ",\"return_comment\":");
			dti_json_str(out, ret);
			dti_buf_adds(out, ",\"exclude_reason\":");
			dti_json_str(out, why);
			dti_buf_adds(out, ",\"figures\":[");
		} else {
			dti_buf_addf(out,
			             "submission %s/%s (%s): %s, version %lld\n"
			             "  last change %s by %s\n",
			             c.label, unit, db_col_text(q, 4),
			             dti_sub_state_name(sub.state),
			             (long long)sub.version, db_col_text(q, 2),
			             db_col_text(q, 3));
			if (ret && *ret)
				dti_buf_addf(out, "  returned: %s\n", ret);
			if (why && *why)
				dti_buf_addf(out, "  excluded: %s\n", why);
			dti_buf_addf(out, "\n%-22s %12s %8s %12s  %s\n",
			             "indicator", "value", "points", "reviewed",
			             "comment [reviewer: reason]");
		}
	}
	db_finalize(q);
	q = NULL;
	if (st == DTI_OK)
		st = db_prepare(
		    s->db,
		    "SELECT indicator, value, self_points, comment, "
		    "reviewed_value, review_reason, reviewed_by FROM "
		    "figures WHERE submission_id = ?",
		    &q, err);
	/* In framework order: collect rows by node. */
	size_t nn = fw ? dti_framework_node_count(fw) : 0;
	long *order = NULL;
	struct frow {
		double v, p, r;
		char *comment, *reason, *by, *code;
	} *rows = NULL;
	size_t nrows = 0;
	if (st == DTI_OK) {
		db_bind_int(q, 1, sub.id);
		while ((st = db_step(q, &row, err)) == DTI_OK && row) {
			struct frow *nr =
			    realloc(rows, (nrows + 1) * sizeof *rows);
			if (!nr) {
				st = dti_err_nomem(err);
				break;
			}
			rows = nr;
			struct frow *r = &rows[nrows++];
			r->code = strdup(db_col_text(q, 0));
			r->v = db_col_double(q, 1);
			r->p = db_col_double(q, 2);
			r->comment = strdup(db_col_text(q, 3));
			r->r = db_col_double(q, 4);
			r->reason = strdup(db_col_text(q, 5));
			r->by = strdup(db_col_text(q, 6));
		}
	}
	db_finalize(q);
	q = NULL;
	if (st == DTI_OK && nrows) {
		order = malloc(nrows * sizeof *order);
		if (!order)
			st = dti_err_nomem(err);
		for (size_t i = 0; st == DTI_OK && i < nrows; i++)
			order[i] = dti_framework_find(fw, rows[i].code);
	}
	size_t shown = 0;
	/* In the framework file's order of nodes. */
	for (size_t k = 0; st == DTI_OK && k < nn; k++) {
		for (size_t i = 0; i < nrows; i++) {
			if (order[i] != (long)k)
				continue;
			struct frow *r = &rows[i];
			if (json) {
				dti_buf_adds(out, shown++ ? ",{\"indicator\":"
				                          : "{\"indicator\":");
				dti_json_str(out, r->code);
				dti_buf_adds(out, ",\"value\":");
				json_num_or_null(out, r->v);
				dti_buf_adds(out, ",\"points\":");
				json_num_or_null(out, r->p);
				dti_buf_adds(out, ",\"comment\":");
				dti_json_str(out, r->comment);
				dti_buf_adds(out, ",\"reviewed_value\":");
				json_num_or_null(out, r->r);
				dti_buf_adds(out, ",\"review_reason\":");
				dti_json_str(out, r->reason);
				dti_buf_adds(out, ",\"reviewed_by\":");
				dti_json_str(out, r->by);
				dti_buf_addc(out, '}');
			} else {
				char v[32] = "-", p[32] = "-", rv[32] = "-";
				if (!isnan(r->v))
					dti_snprintf(v, sizeof v, "%g", r->v);
				if (!isnan(r->p))
					dti_snprintf(p, sizeof p, "%g", r->p);
				if (!isnan(r->r))
					dti_snprintf(rv, sizeof rv, "%g", r->r);
				dti_buf_addf(out, "%-22s %12s %8s %12s",
				             r->code, v, p, rv);
				if (*r->comment || !isnan(r->r))
					dti_buf_adds(out, "  ");
				dti_buf_adds(out, r->comment);
				if (!isnan(r->r))
					dti_buf_addf(out, "%s[%s: %s]",
					             *r->comment ? " " : "",
					             r->by, r->reason);
				dti_buf_addc(out, '\n');
			}
		}
	}
	for (size_t i = 0; i < nrows; i++) {
		free(rows[i].code);
		free(rows[i].comment);
		free(rows[i].reason);
		free(rows[i].by);
	}
	free(rows);
	free(order);
	if (st == DTI_OK) {
		st = db_prepare(
		    s->db,
		    "SELECT e.id, e.indicator, e.doc_number, "
		    "e.doc_date, e.issuer, e.title, e.link, e.filename, "
		    "e.blob_sha, b.size, b.media_type FROM evidence e "
		    "LEFT JOIN blobs b ON b.sha = e.blob_sha WHERE "
		    "e.submission_id = ? ORDER BY e.id",
		    &q, err);
		if (st == DTI_OK)
			db_bind_int(q, 1, sub.id);
	}
	if (st == DTI_OK)
		dti_buf_adds(out, json ? "],\"evidence\":[" : "");
	shown = 0;
	static const char *const ek[] = {"indicator", "number", "date",
	                                 "issuer",    "title",  "link",
	                                 "filename",  "sha256"};
	while (st == DTI_OK && (st = db_step(q, &row, err)) == DTI_OK && row) {
		if (json) {
			dti_buf_addf(out, "%s{\"id\":%lld", shown ? "," : "",
			             (long long)db_col_int(q, 0));
			for (int k = 0; k < 8; k++) {
				dti_buf_addf(out, ",\"%s\":", ek[k]);
				dti_json_str(out, db_col_text(q, k + 1));
			}
			dti_buf_addf(out, ",\"size\":%lld,\"media_type\":",
			             (long long)db_col_int(q, 9));
			dti_json_str(out, db_col_text(q, 10));
			dti_buf_addc(out, '}');
		} else {
			if (!shown)
				dti_buf_adds(out, "\nevidence:\n");
			dti_buf_addf(out, "  #%lld",
			             (long long)db_col_int(q, 0));
			for (int k = 0; k < 6; k++) {
				const char *v = db_col_text(q, k + 1);
				if (v && *v)
					dti_buf_addf(out, " %s", v);
			}
			if (db_col_text(q, 8))
				dti_buf_addf(out, " [%s, %lld bytes, %s]",
				             db_col_text(q, 7),
				             (long long)db_col_int(q, 9),
				             db_col_text(q, 10));
			dti_buf_addc(out, '\n');
		}
		shown++;
	}
	if (st == DTI_OK && json)
		dti_buf_adds(out, "]}\n");
	db_finalize(q);
	db_rollback(s->db);
	return st;
}

/* ---- review ------------------------------------------------------------- */

static enum dti_status review_begin(struct dti_store *s, const char *cycle,
                                    const char *unit, int64_t expected,
                                    const char *what, struct store_cycle *c,
                                    struct store_sub *sub,
                                    struct dti_error *err)
{
	enum dti_status st =
	    store_require(s, DTI_ROLE_REVIEWER, NULL, what, err);
	if (st == DTI_OK)
		st = store_load_cycle(s, cycle, c, err);
	if (st == DTI_OK)
		st = store_load_sub(s, c, unit, sub, err);
	if (st == DTI_OK && c->state != DTI_CYCLE_REVIEW)
		st =
		    dti_err_set(err, DTI_ESTATE, "", 0, 0, "state",
		                "cannot %s: cycle %s is %s, not in review",
		                what, c->label, dti_cycle_state_name(c->state));
	if (st == DTI_OK && sub->state != DTI_SUB_SUBMITTED)
		st = dti_err_set(err, DTI_ESTATE, "", 0, 0, "state",
		                 "cannot %s: the submission of %s is %s, not "
		                 "submitted",
		                 what, unit, dti_sub_state_name(sub->state));
	if (st == DTI_OK)
		st = check_version(expected, sub->version, "the submission",
		                   err);
	return st;
}

enum dti_status dti_review_adjust(struct dti_store *s, const char *cycle,
                                  const char *unit, const char *indicator,
                                  double value, const char *reason,
                                  int64_t expected_version,
                                  struct dti_error *err)
{
	enum dti_status st =
	    need_text(reason, "reason", "an adjustment needs a reason", err);
	if (st != DTI_OK)
		return st;
	st = store_begin(s, err);
	if (st != DTI_OK)
		return st;
	struct store_cycle c;
	struct store_sub sub;
	struct edit_ctx x;
	int have_x = 0;
	st = review_begin(s, cycle, unit, expected_version, "adjust figures",
	                  &c, &sub, err);
	if (st == DTI_OK) {
		have_x = 1;
		st = edit_ctx_init(s, &c, &x, err);
	}
	size_t node;
	if (st == DTI_OK)
		st = checker_node(&x.ck, indicator, c.label, &node, err);
	if (st == DTI_OK && !isnan(value))
		st = checker_value(&x.ck, node, value, indicator, err);
	struct fig f = {0, NAN, NAN, NAN, NULL};
	if (st == DTI_OK)
		st = read_fig(x.get, sub.id, indicator, &f, err);
	if (st == DTI_OK && isnan(value) && isnan(f.reviewed))
		st = dti_err_set(err, DTI_EINVALID, "", 0, 0, indicator,
		                 "%s has no adjustment to remove", indicator);
	char now[21];
	store_now(s, now);
	if (st == DTI_OK && !f.exists)
		st = db_run(s->db, err,
		            "INSERT INTO figures (submission_id, indicator, "
		            "updated_at, updated_by) VALUES (?, ?, ?, ?)",
		            "isss", sub.id, indicator, now, s->actor);
	if (st == DTI_OK)
		st = db_run(
		    s->db, err,
		    "UPDATE figures SET reviewed_value = ?, review_reason "
		    "= ?, reviewed_by = ? WHERE submission_id = ? AND "
		    "indicator = ?",
		    "dssis", value, isnan(value) ? "" : reason,
		    isnan(value) ? "" : s->actor, sub.id, indicator);
	if (st == DTI_OK)
		st = store_touch_sub(s, &sub, err);
	if (st == DTI_OK) {
		struct dti_buf *b = &x.before, *a = &x.after;
		dti_buf_adds(b, "{\"indicator\":");
		dti_json_str(b, indicator);
		dti_buf_adds(b, ",\"value\":");
		json_num_or_null(b, f.value);
		dti_buf_adds(b, ",\"reviewed\":");
		json_num_or_null(b, f.reviewed);
		dti_buf_addc(b, '}');
		dti_buf_addc(b, '\0');
		dti_buf_adds(a, "{\"indicator\":");
		dti_json_str(a, indicator);
		dti_buf_adds(a, ",\"reviewed\":");
		json_num_or_null(a, value);
		dti_buf_adds(a, ",\"reason\":");
		dti_json_str(a, reason);
		dti_buf_addc(a, '}');
		dti_buf_addc(a, '\0');
		char object[128];
		dti_snprintf(object, sizeof object, "submission %s/%s", c.label,
		             unit);
		st = store_audit(s, "review.adjust", c.label, unit, object,
		                 b->data, a->data, err);
	}
	free(f.comment);
	if (have_x)
		edit_ctx_release(&x);
	return store_end(s, st, err);
}

enum dti_status dti_review_return(struct dti_store *s, const char *cycle,
                                  const char *unit, const char *comment,
                                  int64_t expected_version,
                                  struct dti_error *err)
{
	enum dti_status st = need_text(
	    comment, "comment", "returning a submission needs a comment", err);
	if (st != DTI_OK)
		return st;
	st = store_begin(s, err);
	if (st != DTI_OK)
		return st;
	struct store_cycle c;
	struct store_sub sub;
	st = review_begin(s, cycle, unit, expected_version,
	                  "return submissions", &c, &sub, err);
	if (st == DTI_OK)
		st = db_run(
		    s->db, err,
		    "UPDATE submissions SET return_comment = ? WHERE id = "
		    "?",
		    "si", comment, sub.id);
	if (st == DTI_OK)
		st = set_sub_state(s, &sub, DTI_SUB_RETURNED, err);
	if (st == DTI_OK)
		st = sub_event(s, &c, unit, "review.return", DTI_SUB_SUBMITTED,
		               &sub, "comment", comment, err);
	return store_end(s, st, err);
}

enum dti_status dti_review_approve(struct dti_store *s, const char *cycle,
                                   const char *unit, int64_t expected_version,
                                   struct dti_error *err)
{
	enum dti_status st = store_begin(s, err);
	if (st != DTI_OK)
		return st;
	struct store_cycle c;
	struct store_sub sub;
	st = review_begin(s, cycle, unit, expected_version,
	                  "approve submissions", &c, &sub, err);
	if (st == DTI_OK)
		st = set_sub_state(s, &sub, DTI_SUB_APPROVED, err);
	if (st == DTI_OK)
		st = sub_event(s, &c, unit, "review.approve", DTI_SUB_SUBMITTED,
		               &sub, NULL, NULL, err);
	return store_end(s, st, err);
}

/* ---- results ------------------------------------------------------------ */

/* Builds the cycle's dataset inside the current transaction. */
static enum dti_status
build_dataset(struct dti_store *s, const struct store_cycle *c,
              struct dti_framework **fw, struct dti_units **units,
              struct dti_dataset **ds, struct dti_error *err)
{
	*fw = NULL;
	*units = NULL;
	*ds = NULL;
	enum dti_status st = store_framework_load(s, c->framework_sha, fw, err);
	if (st != DTI_OK)
		return st;
	/* The registry: read here, inside this transaction. */
	st = store_units_read(s, units, err);
	if (st == DTI_OK && dti_dataset_new(*fw, *units, ds) != DTI_OK)
		st = dti_err_nomem(err);
	size_t ci = 0;
	if (st == DTI_OK && dti_dataset_add_cycle(*ds, c->label, &ci) != DTI_OK)
		st = dti_err_nomem(err);
	struct db_stmt *q = NULL;
	int row = 0;
	if (st == DTI_OK)
		st = db_prepare(
		    s->db,
		    "SELECT s.unit_id, u.name_vi, u.group_id, f.indicator, "
		    "f.value, f.reviewed_value, f.comment FROM submissions s "
		    "JOIN "
		    "units u ON u.id = s.unit_id LEFT JOIN figures f ON "
		    "f.submission_id = s.id WHERE s.cycle_id = ? AND s.state "
		    "<> "
		    "'excluded' ORDER BY s.unit_id",
		    &q, err);
	if (st == DTI_OK)
		db_bind_int(q, 1, c->id);
	char last[64] = "";
	size_t ui = 0;
	while (st == DTI_OK && (st = db_step(q, &row, err)) == DTI_OK && row) {
		const char *id = db_col_text(q, 0);
		if (strcmp(id, last) != 0) {
			size_t ri = 0;
			long reg = dti_units_find(*units, id, NULL, &ri,
			                          NULL) == DTI_OK
			               ? (long)ri
			               : -1;
			st = dti_dataset_add_unit(*ds, id, db_col_text(q, 1),
			                          reg, &ui);
			const char *g = db_col_text(q, 2);
			if (st == DTI_OK && g && *g)
				st = dti_dataset_set_group(*ds, ui, "group", g);
			dti_snprintf(last, sizeof last, "%s", id);
			if (st != DTI_OK) {
				st = dti_err_nomem(err);
				break;
			}
		}
		const char *code = db_col_text(q, 3);
		if (!code)
			continue;
		double v = db_col_double(q, 5);
		if (isnan(v))
			v = db_col_double(q, 4);
		long node = dti_framework_find(*fw, code);
		if (node < 0 || isnan(v))
			continue;
		st = dti_dataset_set(*ds, ci, ui, (size_t)node, v, err);
	}
	db_finalize(q);
	return st;
}

enum dti_status dti_cycle_dataset(struct dti_store *s, const char *cycle,
                                  struct dti_framework **fw,
                                  struct dti_units **units,
                                  struct dti_dataset **ds,
                                  struct dti_error *err)
{
	*fw = NULL;
	*units = NULL;
	*ds = NULL;
	enum dti_status st = store_begin_read(s, err);
	if (st != DTI_OK)
		return st;
	struct store_cycle c;
	st = store_load_cycle(s, cycle, &c, err);
	if (st == DTI_OK && c.state != DTI_CYCLE_PUBLISHED)
		st = store_require(s, DTI_ROLE_VIEWER, NULL,
		                   "read an unpublished cycle's data", err);
	if (st == DTI_OK)
		st = build_dataset(s, &c, fw, units, ds, err);
	db_rollback(s->db);
	if (st != DTI_OK) {
		dti_dataset_free(*ds);
		dti_units_free(*units);
		dti_framework_free(*fw);
		*ds = NULL;
		*units = NULL;
		*fw = NULL;
	}
	return st;
}

/* Computes inside the current write and stores a result row. */
static enum dti_status compute_store(struct dti_store *s,
                                     const struct store_cycle *c,
                                     int64_t *result_id, char sha_out[65],
                                     struct dti_error *err)
{
	struct dti_framework *fw = NULL;
	struct dti_units *units = NULL;
	struct dti_dataset *ds = NULL;
	struct dti_result *res = NULL;
	struct dti_buf body;
	dti_buf_init(&body, 0);
	enum dti_status st = build_dataset(s, c, &fw, &units, &ds, err);
	if (st == DTI_OK && dti_dataset_unit_count(ds) == 0)
		st = dti_err_set(err, DTI_ESTATE, "", 0, 0, "cycle",
		                 "cycle %s has no unit to compute", c->label);
	struct dti_compute_opts co = DTI_COMPUTE_OPTS_INIT;
	co.allow_unknown = 1;
	if (st == DTI_OK)
		st = dti_compute(fw, ds, 0, &co, &res, err);
	char data_hash[65] = "";
	if (st == DTI_OK)
		st = dti_dataset_hash(ds, 0, data_hash);
	char fwsha[65];
	dti_snprintf(fwsha, sizeof fwsha, "%s", c->framework_sha);
	if (st == DTI_OK) {
		struct dti_output_opts oo = DTI_OUTPUT_OPTS_INIT;
		oo.format = DTI_FORMAT_JSON;
		oo.points = 1;
		oo.ranks = 1;
		oo.group_ranks = 1;
		size_t nn = dti_framework_node_count(fw);
		size_t *nodes = malloc((nn ? nn : 1) * sizeof *nodes);
		if (!nodes)
			st = dti_err_nomem(err);
		if (st == DTI_OK) {
			oo.nnodes = dti_output_default_nodes(fw, nodes, nn);
			oo.nodes = nodes;
			st = dti_output_result(res, &oo, &body, err);
		}
		free(nodes);
	}
	int64_t id = 0;
	char now[21];
	store_now(s, now);
	if (st == DTI_OK)
		st = dti_buf_addc(&body, '\0');
	if (st == DTI_OK)
		st = store_next_id(s, "results", &id, err);
	if (st == DTI_OK)
		st = db_run(
		    s->db, err,
		    "INSERT INTO results (id, cycle_id, computed_at, "
		    "computed_by, framework_sha, data_hash, "
		    "program_version, body) VALUES (?, ?, ?, ?, ?, ?, ?, "
		    "?)",
		    "iissssss", id, c->id, now, s->actor, fwsha, data_hash,
		    dti_version(), body.data);
	if (st == DTI_OK && sha_out) {
		struct dti_sha256 h;
		dti_sha256_init(&h);
		dti_sha256_update(&h, body.data, strlen(body.data));
		dti_sha256_final(&h, sha_out);
	}
	if (st == DTI_OK) {
		char after[256], object[96];
		dti_snprintf(
		    after, sizeof after,
		    "{\"result\":%lld,\"framework\":\"%s\",\"data_hash\":"
		    "\"%s\",\"program\":\"%s\"}",
		    (long long)id, fwsha, data_hash, dti_version());
		dti_snprintf(object, sizeof object, "cycle %s", c->label);
		st = store_audit(s, "cycle.compute", c->label, NULL, object,
		                 NULL, after, err);
	}
	if (st == DTI_OK && result_id)
		*result_id = id;
	dti_buf_release(&body);
	dti_result_free(res);
	dti_dataset_free(ds);
	dti_units_free(units);
	dti_framework_free(fw);
	return st;
}

enum dti_status dti_cycle_compute(struct dti_store *s, const char *cycle,
                                  int64_t *result_id, struct dti_error *err)
{
	enum dti_status st = store_begin(s, err);
	if (st != DTI_OK)
		return st;
	struct store_cycle c;
	st = store_require(s, DTI_ROLE_REVIEWER, NULL, "compute results", err);
	if (st == DTI_OK)
		st = store_load_cycle(s, cycle, &c, err);
	if (st == DTI_OK && c.state == DTI_CYCLE_PUBLISHED)
		st = dti_err_set(err, DTI_ESTATE, "", 0, 0, "state",
		                 "cycle %s is published: its results are fixed",
		                 c.label);
	if (st == DTI_OK)
		st = compute_store(s, &c, result_id, NULL, err);
	return store_end(s, st, err);
}

enum dti_status dti_cycle_publish(struct dti_store *s, const char *cycle,
                                  int64_t expected_version,
                                  struct dti_error *err)
{
	enum dti_status st = store_begin(s, err);
	if (st != DTI_OK)
		return st;
	struct store_cycle c;
	st = store_require(s, DTI_ROLE_OWNER, NULL, "publish", err);
	if (st == DTI_OK)
		st = store_load_cycle(s, cycle, &c, err);
	if (st == DTI_OK)
		st = check_version(expected_version, c.version, "the cycle",
		                   err);
	if (st == DTI_OK && c.state != DTI_CYCLE_CLOSED)
		st = dti_err_set(err, DTI_ESTATE, "", 0, 0, "state",
		                 "cycle %s is %s: only a closed cycle is "
		                 "published",
		                 c.label, state_phrase(c.state));
	/* Every submission approved, or excluded with a reason. */
	struct db_stmt *q = NULL;
	if (st == DTI_OK)
		st =
		    db_prepare(s->db,
		               "SELECT unit_id, state FROM submissions WHERE "
		               "cycle_id = ? AND NOT (state = 'approved' OR "
		               "(state = 'excluded' AND exclude_reason <> '')) "
		               "ORDER BY unit_id",
		               &q, err);
	if (st == DTI_OK) {
		db_bind_int(q, 1, c.id);
		int row = 0;
		struct dti_buf *b = &s->tmp;
		dti_buf_reset(b);
		size_t n = 0;
		while ((st = db_step(q, &row, err)) == DTI_OK && row) {
			if (n < 5)
				dti_buf_addf(b, "%s%s (%s)", n ? ", " : "",
				             db_col_text(q, 0),
				             db_col_text(q, 1));
			n++;
		}
		dti_buf_addc(b, '\0');
		if (st == DTI_OK && n)
			st = dti_err_set(err, DTI_ESTATE, "", 0, 0, "state",
			                 "cannot publish %s: %zu submission(s) "
			                 "neither approved nor excluded: %s%s",
			                 c.label, n, b->data,
			                 n > 5 ? ", ..." : "");
	}
	db_finalize(q);
	int64_t rid = 0;
	char sha[65] = "";
	if (st == DTI_OK)
		st = compute_store(s, &c, &rid, sha, err);
	/* The head after the compute event: the snapshot seals it. */
	int64_t hseq = 0;
	char hhash[65] = "";
	q = NULL;
	if (st == DTI_OK)
		st = db_prepare(s->db,
		                "SELECT seq, hash FROM audit_head WHERE id = 1",
		                &q, err);
	if (st == DTI_OK) {
		int row = 0;
		st = db_step(q, &row, err);
		if (st == DTI_OK && row) {
			hseq = db_col_int(q, 0);
			dti_snprintf(hhash, sizeof hhash, "%s",
			             db_col_text(q, 1));
		}
	}
	db_finalize(q);
	char now[21];
	store_now(s, now);
	if (st == DTI_OK)
		st = db_run(
		    s->db, err,
		    "INSERT INTO snapshots (cycle_id, result_id, "
		    "published_at, published_by, audit_seq, audit_hash, "
		    "sha) VALUES (?, ?, ?, ?, ?, ?, ?)",
		    "iississ", c.id, rid, now, s->actor, hseq, hhash, sha);
	if (st == DTI_OK) {
		char extra[256];
		dti_snprintf(
		    extra, sizeof extra,
		    "\"result\":%lld,\"sha256\":\"%s\",\"audit_seq\":%lld,"
		    "\"audit_hash\":\"%s\"",
		    (long long)rid, sha, (long long)hseq, hhash);
		st = set_cycle_state(s, &c, DTI_CYCLE_PUBLISHED, extra, err);
	}
	return store_end(s, st, err);
}

enum dti_status dti_cycle_results(struct dti_store *s, const char *cycle,
                                  int preview, struct dti_buf *out,
                                  struct dti_error *err)
{
	enum dti_status st = store_begin_read(s, err);
	if (st != DTI_OK)
		return st;
	struct store_cycle c;
	st = store_load_cycle(s, cycle, &c, err);
	struct db_stmt *q = NULL;
	if (st == DTI_OK && preview)
		st = store_require(s, DTI_ROLE_REVIEWER, NULL,
		                   "read unpublished results", err);
	if (st == DTI_OK && !preview && c.state != DTI_CYCLE_PUBLISHED)
		st = dti_err_set(err, DTI_ESTATE, "", 0, 0, "state",
		                 "cycle %s is %s, not published (owners and "
		                 "reviewers can see a preview)",
		                 c.label, state_phrase(c.state));
	if (st == DTI_OK)
		st = db_prepare(
		    s->db,
		    preview
		        ? "SELECT r.id, r.computed_at, r.computed_by, "
		          "r.framework_sha, r.data_hash, r.program_version, "
		          "r.body, NULL, NULL, NULL, NULL, NULL FROM results r "
		          "WHERE r.cycle_id = ? ORDER BY r.id DESC"
		        : "SELECT r.id, r.computed_at, r.computed_by, "
		          "r.framework_sha, r.data_hash, r.program_version, "
		          "r.body, p.published_at, p.published_by, "
		          "p.audit_seq, p.audit_hash, p.sha FROM snapshots p "
		          "JOIN results r ON r.id = p.result_id WHERE "
		          "p.cycle_id = ?",
		    &q, err);
	int row = 0;
	if (st == DTI_OK) {
		db_bind_int(q, 1, c.id);
		st = db_step(q, &row, err);
	}
	if (st == DTI_OK && !row)
		st =
		    dti_err_set(err, DTI_ENOTFOUND, "", 0, 0, "cycle",
		                "cycle %s has no computed result yet", c.label);
	if (st == DTI_OK) {
		dti_buf_adds(out, "{\"cycle\":");
		dti_json_str(out, c.label);
		dti_buf_addf(out, ",\"state\":\"%s\",\"result\":%lld",
		             dti_cycle_state_name(c.state),
		             (long long)db_col_int(q, 0));
		static const char *const keys[] = {
		    "computed_at", "computed_by", "framework_sha256",
		    "data_hash", "program_version"};
		for (int k = 0; k < 5; k++) {
			dti_buf_addf(out, ",\"%s\":", keys[k]);
			dti_json_str(out, db_col_text(q, k + 1));
		}
		if (!preview) {
			dti_buf_adds(out, ",\"published_at\":");
			dti_json_str(out, db_col_text(q, 7));
			dti_buf_adds(out, ",\"published_by\":");
			dti_json_str(out, db_col_text(q, 8));
			dti_buf_addf(out, ",\"audit_seq\":%lld,\"audit_hash\":",
			             (long long)db_col_int(q, 9));
			dti_json_str(out, db_col_text(q, 10));
			dti_buf_adds(out, ",\"sha256\":");
			dti_json_str(out, db_col_text(q, 11));
		}
		dti_buf_adds(out, ",\"results\":");
		const char *body = db_col_text(q, 6);
		size_t n = strlen(body);
		while (n && (body[n - 1] == '\n' || body[n - 1] == ' '))
			n--;
		dti_buf_add(out, body, n);
		st = dti_buf_adds(out, "}\n");
	}
	while (st == DTI_OK && row)
		st = db_step(q, &row, err);
	db_finalize(q);
	db_rollback(s->db);
	return st;
}
