/*
 * lib/store/targets.c - a unit's targets: set, removed, listed, and
 * tracked against the published results (dti/targets.h).
 *
 * A target's node is checked, when it is set, against the frameworks the
 * unit is assessed with: the baseline cycle's, then those of the cycles
 * of the unit's level (latest year first), then the stored frameworks of
 * that level (latest added first); the first that has the code decides
 * what the node is (its kind, its rule, its scale).  The index of the
 * first of them is the node of a rank or value target that names none.
 *
 * Tracking never recomputes: a point is what the cycle's snapshot holds
 * (a rank, a value at the published precision) or, for an indicator, the
 * figure the cycle was computed from (the reviewer's where adjusted; a
 * published cycle's figures no longer change).  Each snapshot is read
 * once per call however many targets use it, and each framework once.
 *
 * Every change is one transaction with its audit event: target.add (the
 * row in `after`) and target.remove (the row in `before`), so that replay
 * (replay.c) rebuilds the table from the log.
 */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"

#define NOTE_MAX 1000

static const char *const kind_names[] = {NULL, "rank", "value", "indicator"};

const char *dti_target_kind_name(enum dti_target_kind k)
{
	return k >= DTI_TARGET_RANK && k <= DTI_TARGET_INDICATOR ? kind_names[k]
	                                                         : NULL;
}

enum dti_target_kind dti_target_kind_parse(const char *name)
{
	for (int k = DTI_TARGET_RANK; name && k <= DTI_TARGET_INDICATOR; k++)
		if (strcmp(name, kind_names[k]) == 0)
			return (enum dti_target_kind)k;
	return 0;
}

const char *dti_target_status_name(enum dti_target_status s)
{
	switch (s) {
	case DTI_TARGET_NO_DATA: return "no_data";
	case DTI_TARGET_ON_TRACK: return "on_track";
	case DTI_TARGET_OFF_TRACK: return "off_track";
	case DTI_TARGET_MET: return "met";
	case DTI_TARGET_MISSED: return "missed";
	}
	return NULL;
}

void dti_target_new_init(struct dti_target_new *t)
{
	memset(t, 0, sizeof *t);
}

static const char *op_text(enum dti_target_op op)
{
	return op == DTI_TARGET_AT_MOST ? "<=" : ">=";
}

/* ---- frameworks ---------------------------------------------------------- */

/* Frameworks loaded during one call, by SHA-256. */
struct fwcache {
	struct {
		char sha[65];
		struct dti_framework *fw;
	} * e;
	size_t n, cap;
};

static void fwcache_release(struct fwcache *c)
{
	for (size_t i = 0; i < c->n; i++)
		dti_framework_free(c->e[i].fw);
	free(c->e);
	memset(c, 0, sizeof *c);
}

static enum dti_status fwcache_get(struct dti_store *s, struct fwcache *c,
                                   const char *sha,
                                   const struct dti_framework **out,
                                   struct dti_error *err)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->e[i].sha, sha) == 0) {
			*out = c->e[i].fw;
			return DTI_OK;
		}
	if (c->n == c->cap &&
	    dti_grow((void **)&c->e, &c->cap, c->n + 1, sizeof *c->e))
		return dti_err_nomem(err);
	struct dti_framework *fw = NULL;
	enum dti_status st = store_framework_load(s, sha, &fw, err);
	if (st != DTI_OK)
		return st;
	dti_snprintf(c->e[c->n].sha, sizeof c->e[c->n].sha, "%s", sha);
	c->e[c->n].fw = fw;
	c->n++;
	*out = fw;
	return DTI_OK;
}

/* The SHA-256s of the frameworks a unit of `level` is assessed with. */
struct shalist {
	char (*sha)[65];
	size_t n, cap;
};

static enum dti_status shalist_add(struct shalist *l, const char *sha,
                                   struct dti_error *err)
{
	if (!sha || !*sha)
		return DTI_OK;
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->sha[i], sha) == 0)
			return DTI_OK;
	if (l->n == l->cap &&
	    dti_grow((void **)&l->sha, &l->cap, l->n + 1, sizeof *l->sha))
		return dti_err_nomem(err);
	dti_snprintf(l->sha[l->n++], 65, "%s", sha);
	return DTI_OK;
}

static enum dti_status candidates(struct dti_store *s, const char *level,
                                  const char *baseline_sha, struct shalist *l,
                                  struct dti_error *err)
{
	enum dti_status st = shalist_add(l, baseline_sha, err);
	static const char *const sql[] = {
	    "SELECT framework_sha FROM cycles WHERE level = ? ORDER BY "
	    "year DESC, label",
	    "SELECT sha FROM frameworks WHERE level = ? ORDER BY added_at "
	    "DESC, sha"};
	for (int k = 0; k < 2 && st == DTI_OK; k++) {
		struct db_stmt *q = NULL;
		int row = 0;
		st = db_prepare(s->db, sql[k], &q, err);
		if (st == DTI_OK)
			db_bind_text(q, 1, level);
		while (st == DTI_OK && (st = db_step(q, &row, err)) == DTI_OK &&
		       row)
			st = shalist_add(l, db_col_text(q, 0), err);
		db_finalize(q);
	}
	return st;
}

/*
 * The node `code` (NULL: the first framework's index) in the first of the
 * candidate frameworks that has it: *fw and *node, and the code itself in
 * code_out.  DTI_ENOTFOUND when none has it.
 */
static enum dti_status find_node(struct dti_store *s, struct fwcache *cache,
                                 const struct shalist *l, const char *level,
                                 const char *code,
                                 const struct dti_framework **fw, size_t *node,
                                 char code_out[128], struct dti_error *err)
{
	*fw = NULL;
	if (!l->n)
		return dti_err_set(err, DTI_ENOTFOUND, "", 0, 0, "node",
		                   "no framework of level '%s' in the store: "
		                   "store one ('dti db framework') or create "
		                   "a cycle",
		                   level);
	enum dti_status st = DTI_OK;
	for (size_t i = 0; i < l->n && st == DTI_OK; i++) {
		const struct dti_framework *f = NULL;
		st = fwcache_get(s, cache, l->sha[i], &f, err);
		if (st != DTI_OK)
			break;
		long n = code ? dti_framework_find(f, code)
		              : (long)dti_framework_root(f);
		struct dti_node_info ni;
		if (n >= 0)
			dti_framework_node(f, (size_t)n, &ni);
		if (n < 0 || (code && strcmp(ni.code, code) != 0))
			continue;
		*fw = f;
		*node = (size_t)n;
		dti_snprintf(code_out, 128, "%s", ni.code);
		return DTI_OK;
	}
	if (st != DTI_OK)
		return st;
	return dti_err_set(err, DTI_ENOTFOUND, "", 0, 0, "node",
	                   "no node '%s' in the frameworks of level '%s'", code,
	                   level);
}

/* ---- setting a target ---------------------------------------------------- */

struct unit_row {
	char id[64];
	char name[256];
	char level[32];
	char valid_from[11];
	char valid_to[11];
	char successors[256];
};

static enum dti_status load_unit(struct dti_store *s, const char *id,
                                 struct unit_row *u, struct dti_error *err)
{
	memset(u, 0, sizeof *u);
	struct db_stmt *q = NULL;
	int row = 0;
	enum dti_status st =
	    db_prepare(s->db,
	               "SELECT id, name_vi, level, valid_from, "
	               "valid_to, successors FROM units WHERE id = ?",
	               &q, err);
	if (st == DTI_OK) {
		db_bind_text(q, 1, id);
		st = db_step(q, &row, err);
	}
	if (st == DTI_OK && !row)
		st = dti_err_set(err, DTI_ENOTFOUND, "", 0, 0, "unit",
		                 "no unit '%s'", id);
	if (st == DTI_OK) {
		char *f[] = {u->id,         u->name,     u->level,
		             u->valid_from, u->valid_to, u->successors};
		size_t sz[] = {sizeof u->id,       sizeof u->name,
		               sizeof u->level,    sizeof u->valid_from,
		               sizeof u->valid_to, sizeof u->successors};
		for (int k = 0; k < 6; k++)
			dti_snprintf(f[k], sz[k], "%s",
			             db_col_text(q, k) ? db_col_text(q, k)
			                               : "");
	}
	db_finalize(q);
	return st;
}

/* Checks of the arguments alone, before the store is read. */
static enum dti_status check_new(const struct dti_target_new *t,
                                 enum dti_target_op *op, struct dti_error *err)
{
	if (!dti_target_kind_name(t->kind))
		return dti_err_set(err, DTI_EINVALID, "", 0, 0, "kind",
		                   "a target is of kind rank, value or "
		                   "indicator");
	if (t->by_year < 1900 || t->by_year > 9999)
		return dti_err_set(err, DTI_EINVALID, "", 0, 0, "by_year",
		                   "year %d is not a year", t->by_year);
	if (!isfinite(t->threshold))
		return dti_err_set(err, DTI_EINVALID, "", 0, 0, "threshold",
		                   "a target needs a finite number");
	*op = t->op;
	if (t->kind == DTI_TARGET_RANK) {
		if (*op == DTI_TARGET_AT_LEAST)
			return dti_err_set(err, DTI_EINVALID, "", 0, 0, "op",
			                   "a rank target is a rank or better "
			                   "(<=)");
		*op = DTI_TARGET_AT_MOST;
		if (t->threshold < 1 || t->threshold != floor(t->threshold))
			return dti_err_set(err, DTI_EINVALID, "", 0, 0,
			                   "threshold",
			                   "rank %g: a rank is a whole number "
			                   "from 1",
			                   t->threshold);
	} else if (t->kind == DTI_TARGET_VALUE) {
		if (*op == DTI_TARGET_AT_MOST)
			return dti_err_set(err, DTI_EINVALID, "", 0, 0, "op",
			                   "a value target is a value or more "
			                   "(>=)");
		*op = DTI_TARGET_AT_LEAST;
	} else {
		if (*op != DTI_TARGET_AT_LEAST && *op != DTI_TARGET_AT_MOST)
			return dti_err_set(err, DTI_EINVALID, "", 0, 0, "op",
			                   "an indicator target is a figure of "
			                   "at least (>=) or at most (<=) a "
			                   "number");
		if (!t->node || !*t->node)
			return dti_err_set(err, DTI_EINVALID, "", 0, 0, "node",
			                   "an indicator target names its "
			                   "indicator");
	}
	if (t->node && strlen(t->node) >= 128)
		return dti_err_set(err, DTI_EINVALID, "", 0, 0, "node",
		                   "a node code has fewer than 128 bytes");
	if (t->note && strlen(t->note) > NOTE_MAX)
		return dti_err_set(err, DTI_EINVALID, "", 0, 0, "note",
		                   "a note has at most %d bytes", NOTE_MAX);
	if (t->note && dti_text_check_utf8(t->note, strlen(t->note), "note",
	                                   err) != DTI_OK)
		return DTI_EENCODING;
	if (t->date && *t->date && !dti_is_date(t->date))
		return dti_err_set(err, DTI_ESYNTAX, "", 0, 0, "date",
		                   "'%s' is not a date YYYY-MM-DD", t->date);
	return DTI_OK;
}

/* What the node's kind of target requires of it and of the threshold. */
static enum dti_status check_node(struct dti_store *s,
                                  const struct dti_target_new *t,
                                  const struct unit_row *u, const char *end,
                                  const struct dti_framework *fw, size_t node,
                                  const char *code, struct dti_error *err)
{
	struct dti_node_info ni;
	dti_framework_node(fw, node, &ni);
	if (t->kind == DTI_TARGET_RANK) {
		int64_t n = 0;
		enum dti_status st = db_query_int(
		    s->db, err, &n, NULL,
		    "SELECT count(*) FROM units WHERE level = ? AND "
		    "(valid_from = '' OR valid_from <= ?) AND (valid_to = '' "
		    "OR valid_to >= ?)",
		    "sss", u->level, end, end);
		if (st == DTI_OK && t->threshold > (double)n)
			st = dti_err_set(
			    err, DTI_EINVALID, "", 0, 0, "threshold",
			    "rank %g: the level '%s' has %lld "
			    "units on %s",
			    t->threshold, u->level, (long long)n, end);
		return st;
	}
	if (t->kind == DTI_TARGET_VALUE) {
		double scale = dti_framework_scale(fw);
		if (t->threshold < 0 || t->threshold > scale)
			return dti_err_set(err, DTI_EINVALID, "", 0, 0,
			                   "threshold",
			                   "value %g: the values of %s run "
			                   "from 0 to %g",
			                   t->threshold, code, scale);
		return DTI_OK;
	}
	if (ni.nchildren)
		return dti_err_set(err, DTI_EINVALID, "", 0, 0, "node",
		                   "%s is a %s computed from %zu nodes, not an "
		                   "indicator with a figure: set a value "
		                   "target on it",
		                   code, dti_kind_name(ni.kind), ni.nchildren);
	/* a figure its rule accepts, as a data file's would be */
	struct store_checker ck;
	enum dti_status st = store_checker_init(&ck, fw, err);
	if (st != DTI_OK)
		return st;
	struct dti_error e = DTI_ERROR_INIT;
	st = store_checker_value(&ck, node, t->threshold, code, &e);
	store_checker_free(&ck);
	if (st == DTI_EINVALID)
		dti_err_set(err, st, "", 0, 0, "threshold",
		            "%g is not a figure of %s: %s", t->threshold, code,
		            e.message);
	else if (st != DTI_OK)
		dti_err_set(err, st, "", 0, 0, "threshold", "%s", e.message);
	dti_error_release(&e);
	return st;
}

static void row_json(struct dti_buf *b, int64_t id, const char *unit,
                     enum dti_target_kind kind, const char *node,
                     enum dti_target_op op, double threshold, int by_year,
                     const char *baseline, const char *note)
{
	dti_buf_reset(b);
	dti_buf_addf(b, "{\"id\":%lld,\"unit\":", (long long)id);
	dti_json_quote(b, unit);
	dti_buf_addf(b,
	             ",\"kind\":\"%s\",\"node\":", dti_target_kind_name(kind));
	dti_json_quote(b, node);
	dti_buf_addf(b, ",\"op\":\"%s\",\"threshold\":", op_text(op));
	store_json_num(b, threshold);
	dti_buf_addf(b, ",\"by_year\":%d,\"baseline\":", by_year);
	dti_json_quote(b, baseline);
	dti_buf_adds(b, ",\"note\":");
	dti_json_quote(b, note);
	dti_buf_addc(b, '}');
	dti_buf_addc(b, '\0');
}

enum dti_status dti_target_add(struct dti_store *s,
                               const struct dti_target_new *t, int64_t *id_out,
                               struct dti_error *err)
{
	if (id_out)
		*id_out = 0;
	enum dti_target_op op = 0;
	enum dti_status st = check_new(t, &op, err);
	if (st != DTI_OK)
		return st;
	st = store_begin(s, err);
	if (st != DTI_OK)
		return st;
	char end[11];
	dti_snprintf(end, sizeof end, "%04d-12-31", t->by_year);
	struct dti_unit_ref ref;
	struct unit_row u;
	memset(&u, 0, sizeof u);
	st = store_unit_resolve(s, t->unit, t->date && *t->date ? t->date : end,
	                        &ref, err);
	char what[128];
	dti_snprintf(what, sizeof what, "set the targets of unit %s", ref.id);
	if (st == DTI_OK)
		st = store_require(s, DTI_ROLE_EDITOR, ref.id, what, err);
	if (st == DTI_OK)
		st = load_unit(s, ref.id, &u, err);
	if (st == DTI_OK && *u.valid_to && strcmp(u.valid_to, end) < 0)
		st = dti_err_set(err, DTI_EINVALID, "", 0, 0, "unit",
		                 "unit %s (%s) ended on %s: a target by %d is "
		                 "its successor's%s%s%s",
		                 u.id, u.name, u.valid_to, t->by_year,
		                 *u.successors ? " (" : "", u.successors,
		                 *u.successors ? ")" : "");
	else if (st == DTI_OK && *u.valid_from && strcmp(u.valid_from, end) > 0)
		st = dti_err_set(err, DTI_EINVALID, "", 0, 0, "unit",
		                 "unit %s (%s) begins on %s, after the end of "
		                 "%d",
		                 u.id, u.name, u.valid_from, t->by_year);
	struct store_cycle base;
	memset(&base, 0, sizeof base);
	int has_base = t->baseline && *t->baseline;
	if (st == DTI_OK && has_base)
		st = store_load_cycle(s, t->baseline, &base, err);
	if (st == DTI_OK && has_base && strcmp(base.level, u.level) != 0)
		st = dti_err_set(err, DTI_EINVALID, "", 0, 0, "baseline",
		                 "cycle %s assesses level '%s', unit %s is of "
		                 "level '%s'",
		                 base.label, base.level, u.id, u.level);
	if (st == DTI_OK && has_base && base.year > t->by_year)
		st = dti_err_set(err, DTI_EINVALID, "", 0, 0, "by_year",
		                 "year %d is before the baseline %s (%d)",
		                 t->by_year, base.label, base.year);
	struct shalist l = {NULL, 0, 0};
	struct fwcache cache = {NULL, 0, 0};
	const struct dti_framework *fw = NULL;
	size_t node = 0;
	char code[128] = "";
	if (st == DTI_OK)
		st = candidates(s, u.level,
		                has_base ? base.framework_sha : NULL, &l, err);
	if (st == DTI_OK)
		st = find_node(s, &cache, &l, u.level,
		               t->node && *t->node ? t->node : NULL, &fw, &node,
		               code, err);
	if (st == DTI_OK)
		st = check_node(s, t, &u, end, fw, node, code, err);
	int64_t id = 0;
	char now[21];
	store_now(s, now);
	if (st == DTI_OK)
		st = store_next_id(s, "targets", &id, err);
	struct db_stmt *ins = NULL;
	if (st == DTI_OK)
		st = db_prepare(
		    s->db,
		    "INSERT INTO targets (id, unit_id, kind, node, "
		    "op, threshold, by_year, baseline_cycle_id, "
		    "note, set_by, set_at) VALUES (?, ?, ?, ?, ?, ?, "
		    "?, ?, ?, ?, ?)",
		    &ins, err);
	if (st == DTI_OK) {
		int row = 0;
		db_bind_int(ins, 1, id);
		db_bind_text(ins, 2, u.id);
		db_bind_text(ins, 3, dti_target_kind_name(t->kind));
		db_bind_text(ins, 4, code);
		db_bind_text(ins, 5, op_text(op));
		db_bind_double(ins, 6, t->threshold);
		db_bind_int(ins, 7, t->by_year);
		if (has_base)
			db_bind_int(ins, 8, base.id);
		else
			db_bind_null(ins, 8);
		db_bind_text(ins, 9, t->note ? t->note : "");
		db_bind_text(ins, 10, s->actor);
		db_bind_text(ins, 11, now);
		st = db_step(ins, &row, err);
		if (st == DTI_EEXIST && err)
			dti_err_replace(err, DTI_EEXIST, "", 0, 0, "target",
			                "unit %s already has a %s target on %s "
			                "(%s) by %d: remove it first",
			                u.id, dti_target_kind_name(t->kind),
			                code, op_text(op), t->by_year);
	}
	db_finalize(ins);
	if (st == DTI_OK) {
		row_json(&s->tmp, id, u.id, t->kind, code, op, t->threshold,
		         t->by_year, has_base ? base.label : "", t->note);
		char object[64];
		dti_snprintf(object, sizeof object, "target %lld",
		             (long long)id);
		st = store_audit(s, "target.add", NULL, u.id, object, NULL,
		                 s->tmp.data, err);
	}
	free(l.sha);
	fwcache_release(&cache);
	st = store_end(s, st, err);
	if (st == DTI_OK && id_out)
		*id_out = id;
	return st;
}

/* ---- removing one -------------------------------------------------------- */

enum dti_status dti_target_remove(struct dti_store *s, int64_t id,
                                  struct dti_error *err)
{
	enum dti_status st = store_begin(s, err);
	if (st != DTI_OK)
		return st;
	struct db_stmt *q = NULL;
	int row = 0;
	st = db_prepare(s->db,
	                "SELECT t.unit_id, t.kind, t.node, t.op, t.threshold, "
	                "t.by_year, COALESCE(c.label, ''), t.note FROM "
	                "targets t LEFT JOIN cycles c ON c.id = "
	                "t.baseline_cycle_id WHERE t.id = ?",
	                &q, err);
	if (st == DTI_OK) {
		db_bind_int(q, 1, id);
		st = db_step(q, &row, err);
	}
	if (st == DTI_OK && !row)
		st = dti_err_set(err, DTI_ENOTFOUND, "", 0, 0, "target",
		                 "no target %lld", (long long)id);
	char unit[64] = "", what[128];
	if (st == DTI_OK) {
		dti_snprintf(unit, sizeof unit, "%s", db_col_text(q, 0));
		const char *op = db_col_text(q, 3);
		row_json(&s->tmp, id, unit,
		         dti_target_kind_parse(db_col_text(q, 1)),
		         db_col_text(q, 2),
		         op && strcmp(op, "<=") == 0 ? DTI_TARGET_AT_MOST
		                                     : DTI_TARGET_AT_LEAST,
		         db_col_double(q, 4), (int)db_col_int(q, 5),
		         db_col_text(q, 6), db_col_text(q, 7));
	}
	db_finalize(q);
	dti_snprintf(what, sizeof what, "remove the targets of unit %s", unit);
	if (st == DTI_OK)
		st = store_require(s, DTI_ROLE_EDITOR, unit, what, err);
	if (st == DTI_OK)
		st = db_run(s->db, err, "DELETE FROM targets WHERE id = ?", "i",
		            id);
	if (st == DTI_OK) {
		char object[64];
		dti_snprintf(object, sizeof object, "target %lld",
		             (long long)id);
		st = store_audit(s, "target.remove", NULL, unit, object,
		                 s->tmp.data, NULL, err);
	}
	return store_end(s, st, err);
}

/* ---- reading them -------------------------------------------------------- */

/*
 * The targets of unit (NULL: all) into *out (items of struct dti_target,
 * strings in a), inside the caller's read transaction.
 */
static enum dti_status read_rows(struct dti_store *s, const char *unit,
                                 struct store_vec *out, struct dti_arena *a,
                                 int *oom, struct dti_error *err)
{
	char sql[640];
	dti_snprintf(sql, sizeof sql,
	             "SELECT t.id, t.unit_id, u.name_vi, u.level, t.kind, "
	             "t.node, t.op, t.threshold, t.by_year, COALESCE(c.label, "
	             "''), COALESCE(c.year, 0), t.note, t.set_by, t.set_at "
	             "FROM targets t JOIN units u ON u.id = t.unit_id LEFT "
	             "JOIN cycles c ON c.id = t.baseline_cycle_id %s ORDER BY "
	             "t.unit_id, t.by_year, t.id",
	             unit ? "WHERE t.unit_id = ?" : "");
	struct db_stmt *q = NULL;
	int row = 0;
	enum dti_status st = db_prepare(s->db, sql, &q, err);
	if (st == DTI_OK && unit)
		db_bind_text(q, 1, unit);
	while (st == DTI_OK && (st = db_step(q, &row, err)) == DTI_OK && row) {
		struct dti_target *t = store_vec_add(out);
		if (!t) {
			st = dti_err_nomem(err);
			break;
		}
		t->id = db_col_int(q, 0);
		t->unit = store_keep(a, db_col_text(q, 1), oom);
		t->unit_name = store_keep(a, db_col_text(q, 2), oom);
		t->level = store_keep(a, db_col_text(q, 3), oom);
		t->kind = dti_target_kind_parse(db_col_text(q, 4));
		t->node = store_keep(a, db_col_text(q, 5), oom);
		const char *op = db_col_text(q, 6);
		t->op = op && strcmp(op, "<=") == 0 ? DTI_TARGET_AT_MOST
		                                    : DTI_TARGET_AT_LEAST;
		t->threshold = db_col_double(q, 7);
		t->by_year = (int)db_col_int(q, 8);
		t->baseline = store_keep(a, db_col_text(q, 9), oom);
		t->baseline_year = (int)db_col_int(q, 10);
		t->note = store_keep(a, db_col_text(q, 11), oom);
		t->set_by = store_keep(a, db_col_text(q, 12), oom);
		t->set_at = store_keep(a, db_col_text(q, 13), oom);
	}
	db_finalize(q);
	return st;
}

/* The unit a list or a tracking is about (NULL: every unit). */
static enum dti_status which_unit(struct dti_store *s, const char *unit,
                                  const char *date, char id[64],
                                  struct dti_error *err)
{
	id[0] = '\0';
	if (!unit)
		return DTI_OK;
	struct dti_unit_ref ref;
	enum dti_status st = store_unit_resolve(s, unit, date, &ref, err);
	if (st == DTI_OK)
		dti_snprintf(id, 64, "%s", ref.id);
	return st;
}

enum dti_status dti_target_list(struct dti_store *s, const char *unit,
                                const char *date, struct dti_target_list **out,
                                struct dti_error *err)
{
	*out = NULL;
	enum dti_status st = store_begin_read(s, err);
	if (st != DTI_OK)
		return st;
	struct dti_arena *a = NULL;
	struct dti_target_list *l = store_list_new(sizeof *l, &a);
	if (!l) {
		db_rollback(s->db);
		return dti_err_nomem(err);
	}
	struct store_vec v = STORE_VEC_INIT(struct dti_target);
	char id[64];
	int oom = 0;
	st = which_unit(s, unit, date, id, err);
	if (st == DTI_OK)
		st = read_rows(s, unit ? id : NULL, &v, a, &oom, err);
	db_rollback(s->db);
	l->n = v.n;
	l->targets = store_vec_keep(&v, a, &oom);
	if (st == DTI_OK && oom)
		st = dti_err_nomem(err);
	if (st != DTI_OK) {
		store_list_free(l);
		return st;
	}
	*out = l;
	return DTI_OK;
}

void dti_target_list_free(struct dti_target_list *l)
{
	store_list_free(l);
}

/* ---- tracking ------------------------------------------------------------ */

/* A published cycle, its snapshot parsed when first needed. */
struct pub {
	int64_t id;
	char label[64];
	int year;
	char level[32];
	char framework_sha[65];
	int partial;
	json_t *body; /* NULL until loaded */
	int loaded;
};

struct tracker {
	struct dti_store *s;
	struct pub *pubs; /* by year, then label */
	size_t npubs;
	struct fwcache fws;
	struct db_stmt *fig; /* a unit's figure in a cycle */
};

static enum dti_status load_pubs(struct tracker *k, struct dti_error *err)
{
	struct db_stmt *q = NULL;
	int row = 0;
	size_t cap = 0;
	enum dti_status st = db_prepare(
	    k->s->db,
	    "SELECT c.id, c.label, c.year, c.level, c.framework_sha, "
	    "p.partial FROM cycles c JOIN snapshots p ON p.cycle_id = c.id "
	    "WHERE c.state = 'published' ORDER BY c.year, c.label",
	    &q, err);
	while (st == DTI_OK && (st = db_step(q, &row, err)) == DTI_OK && row) {
		if (k->npubs == cap &&
		    dti_grow((void **)&k->pubs, &cap, k->npubs + 1,
		             sizeof *k->pubs)) {
			st = dti_err_nomem(err);
			break;
		}
		struct pub *p = &k->pubs[k->npubs++];
		memset(p, 0, sizeof *p);
		p->id = db_col_int(q, 0);
		dti_snprintf(p->label, sizeof p->label, "%s",
		             db_col_text(q, 1));
		p->year = (int)db_col_int(q, 2);
		dti_snprintf(p->level, sizeof p->level, "%s",
		             db_col_text(q, 3));
		dti_snprintf(p->framework_sha, sizeof p->framework_sha, "%s",
		             db_col_text(q, 4));
		p->partial = db_col_int(q, 5) != 0;
	}
	db_finalize(q);
	return st;
}

static enum dti_status pub_body(struct tracker *k, struct pub *p,
                                struct dti_error *err)
{
	if (p->loaded)
		return DTI_OK;
	struct db_stmt *q = NULL;
	int row = 0;
	enum dti_status st =
	    db_prepare(k->s->db,
	               "SELECT r.body FROM snapshots p JOIN results r ON r.id "
	               "= p.result_id WHERE p.cycle_id = ?",
	               &q, err);
	if (st == DTI_OK) {
		db_bind_int(q, 1, p->id);
		st = db_step(q, &row, err);
	}
	if (st == DTI_OK && row && db_col_text(q, 0))
		p->body = json_loads(db_col_text(q, 0), 0, NULL);
	db_finalize(q);
	if (st == DTI_OK && !json_is_array(json_object_get(p->body, "units")))
		st = dti_err_set(err, DTI_EINVALID, "", 0, 0, "results",
		                 "the stored result of %s is not the engine's "
		                 "JSON",
		                 p->label);
	p->loaded = st == DTI_OK;
	return st;
}

static void tracker_release(struct tracker *k)
{
	for (size_t i = 0; i < k->npubs; i++)
		json_decref(k->pubs[i].body);
	free(k->pubs);
	fwcache_release(&k->fws);
	db_finalize(k->fig);
	memset(k, 0, sizeof *k);
}

static json_t *body_unit(json_t *body, const char *id)
{
	json_t *units = json_object_get(body, "units"), *u;
	size_t i;
	json_array_foreach(units, i, u)
	{
		json_t *v = json_object_get(u, "id");
		if (json_is_string(v) && strcmp(json_string_value(v), id) == 0)
			return u;
	}
	return NULL;
}

static int body_rank(json_t *unit, const char *code)
{
	json_t *v = json_object_get(json_object_get(unit, "ranks"), code);
	return json_is_integer(v) ? (int)json_integer_value(v) : 0;
}

static size_t body_ranked(json_t *body, const char *code)
{
	json_t *units = json_object_get(body, "units"), *u;
	size_t i, n = 0;
	json_array_foreach(units, i, u)
	{
		if (body_rank(u, code) > 0)
			n++;
	}
	return n;
}

/* The unit's point in cycle p, if it has one: *has = 1. */
static enum dti_status point_in(struct tracker *k, struct pub *p,
                                const struct dti_target *t,
                                struct dti_target_point *pt, int *has,
                                struct dti_error *err)
{
	*has = 0;
	enum dti_status st = pub_body(k, p, err);
	if (st != DTI_OK)
		return st;
	json_t *u = body_unit(p->body, t->unit);
	if (!u)
		return DTI_OK;
	memset(pt, 0, sizeof *pt);
	pt->year = p->year;
	pt->partial = p->partial;
	pt->synthetic = json_is_true(json_object_get(p->body, "synthetic"));
	pt->value = NAN;
	if (t->kind == DTI_TARGET_RANK) {
		int r = body_rank(u, t->node);
		if (r > 0) {
			pt->value = r;
			pt->ranked = body_ranked(p->body, t->node);
		}
	} else if (t->kind == DTI_TARGET_VALUE) {
		json_t *v =
		    json_object_get(json_object_get(u, "values"), t->node);
		if (json_is_number(v))
			pt->value = json_number_value(v);
	} else {
		if (!k->fig)
			st = db_prepare(
			    k->s->db,
			    "SELECT COALESCE(f.reviewed_value, f.value) FROM "
			    "figures f JOIN submissions s ON s.id = "
			    "f.submission_id WHERE s.cycle_id = ? AND "
			    "s.unit_id = ? AND s.state <> 'excluded' AND "
			    "f.indicator = ?",
			    &k->fig, err);
		int row = 0;
		if (st == DTI_OK) {
			db_reset(k->fig);
			db_bind_int(k->fig, 1, p->id);
			db_bind_text(k->fig, 2, t->unit);
			db_bind_text(k->fig, 3, t->node);
			st = db_step(k->fig, &row, err);
		}
		if (st == DTI_OK && row)
			pt->value = db_col_double(k->fig, 0);
	}
	*has = !isnan(pt->value);
	return st;
}

static int meets(const struct dti_target *t, double v)
{
	if (isnan(v))
		return 0;
	return t->op == DTI_TARGET_AT_MOST ? v <= t->threshold
	                                   : v >= t->threshold;
}

/* Least squares through the points; the slope per year, NaN if < 2. */
static double fit(const struct dti_target_point *p, size_t n, double *mx,
                  double *my)
{
	double sx = 0, sy = 0;
	for (size_t i = 0; i < n; i++) {
		sx += p[i].year;
		sy += p[i].value;
	}
	*mx = n ? sx / (double)n : NAN;
	*my = n ? sy / (double)n : NAN;
	if (n < 2)
		return NAN;
	double sxy = 0, sxx = 0;
	for (size_t i = 0; i < n; i++) {
		double dx = p[i].year - *mx;
		sxy += dx * (p[i].value - *my);
		sxx += dx * dx;
	}
	return sxx > 0 ? sxy / sxx : NAN;
}

/* Tracks one target (strings and arrays in a). */
static enum dti_status track_one(struct tracker *k, struct dti_target_track *tr,
                                 struct dti_arena *a, int *oom,
                                 struct dti_error *err)
{
	const struct dti_target *t = &tr->target;
	struct store_vec pts = STORE_VEC_INIT(struct dti_target_point);
	enum dti_status st = DTI_OK;
	int last_year = 0;
	double scale = NAN;
	tr->precision = 4;
	tr->gap = tr->slope = tr->projection = NAN;
	tr->node_name_vi = tr->node_name_en = "";
	for (size_t i = 0; i < k->npubs && st == DTI_OK; i++) {
		struct pub *p = &k->pubs[i];
		if (strcmp(p->level, t->level) != 0)
			continue;
		if (p->year >= t->by_year)
			tr->deadline_passed = 1;
		if (p->year > t->by_year || p->year < t->baseline_year ||
		    p->year == last_year)
			continue;
		/* in the baseline's year, the baseline alone */
		if (*t->baseline && p->year == t->baseline_year &&
		    strcmp(p->label, t->baseline) != 0)
			continue;
		struct dti_target_point pt;
		int has = 0;
		st = point_in(k, p, t, &pt, &has, err);
		if (st != DTI_OK || !has)
			continue;
		last_year = p->year;
		struct dti_target_point *q = store_vec_add(&pts);
		if (!q) {
			st = dti_err_nomem(err);
			break;
		}
		*q = pt;
		q->cycle = store_keep(a, p->label, oom);
		q->met = meets(t, pt.value);
		json_t *prec = json_object_get(p->body, "precision");
		if (json_is_integer(prec))
			tr->precision = (int)json_integer_value(prec);
		json_t *sc = json_object_get(p->body, "scale");
		scale = json_is_number(sc) ? json_number_value(sc) : NAN;
	}
	/* the node's names, from the frameworks the unit is assessed with */
	struct shalist l = {NULL, 0, 0};
	for (size_t i = k->npubs; st == DTI_OK && i-- > 0;)
		if (strcmp(k->pubs[i].level, t->level) == 0)
			st = shalist_add(&l, k->pubs[i].framework_sha, err);
	if (st == DTI_OK)
		st = candidates(k->s, t->level, NULL, &l, err);
	for (size_t i = 0; st == DTI_OK && i < l.n; i++) {
		const struct dti_framework *fw = NULL;
		st = fwcache_get(k->s, &k->fws, l.sha[i], &fw, err);
		long n = st == DTI_OK ? dti_framework_find(fw, t->node) : -1;
		if (n < 0)
			continue;
		struct dti_node_info ni;
		dti_framework_node(fw, (size_t)n, &ni);
		if (strcmp(ni.code, t->node) != 0)
			continue;
		tr->node_name_vi = store_keep(a, ni.name_vi, oom);
		tr->node_name_en = store_keep(a, ni.name_en, oom);
		break;
	}
	free(l.sha);
	tr->npoints = pts.n;
	struct dti_target_point *p = store_vec_keep(&pts, a, oom);
	if (st != DTI_OK || *oom)
		return st;
	tr->points = p;
	size_t n = tr->npoints;
	tr->latest = n ? &p[n - 1] : NULL;
	for (size_t i = 0; i < n && *t->baseline; i++)
		if (strcmp(p[i].cycle, t->baseline) == 0)
			tr->baseline = &p[i];
	if (!n) {
		tr->status = DTI_TARGET_NO_DATA;
		return DTI_OK;
	}
	double v = tr->latest->value;
	tr->gap =
	    t->op == DTI_TARGET_AT_MOST ? v - t->threshold : t->threshold - v;
	double mx, my;
	tr->slope = fit(p, n, &mx, &my);
	if (!isnan(tr->slope) && !tr->deadline_passed) {
		double y = my + tr->slope * (t->by_year - mx);
		if (t->kind == DTI_TARGET_RANK) {
			double worst = (double)tr->latest->ranked;
			y = y < 1 ? 1 : y > worst ? worst : y;
		} else if (t->kind == DTI_TARGET_VALUE && !isnan(scale)) {
			y = y < 0 ? 0 : y > scale ? scale : y;
		}
		tr->projection = y;
	}
	if (tr->latest->met)
		tr->status = DTI_TARGET_MET;
	else if (tr->deadline_passed)
		tr->status = DTI_TARGET_MISSED;
	else if (meets(t, tr->projection))
		tr->status = DTI_TARGET_ON_TRACK;
	else
		tr->status = DTI_TARGET_OFF_TRACK;
	return DTI_OK;
}

enum dti_status dti_target_track(struct dti_store *s, const char *unit,
                                 const char *date,
                                 struct dti_target_tracking **out,
                                 struct dti_error *err)
{
	*out = NULL;
	enum dti_status st = store_begin_read(s, err);
	if (st != DTI_OK)
		return st;
	struct dti_arena *a = NULL;
	struct dti_target_tracking *tk = store_list_new(sizeof *tk, &a);
	if (!tk) {
		db_rollback(s->db);
		return dti_err_nomem(err);
	}
	struct store_vec v = STORE_VEC_INIT(struct dti_target);
	struct tracker k;
	memset(&k, 0, sizeof k);
	k.s = s;
	char id[64], now[21];
	int oom = 0;
	store_now(s, now);
	tk->as_of = store_keep(a, now, &oom);
	st = which_unit(s, unit, date, id, err);
	if (st == DTI_OK)
		st = read_rows(s, unit ? id : NULL, &v, a, &oom, err);
	if (st == DTI_OK)
		st = load_pubs(&k, err);
	struct dti_target_track *tr = NULL;
	if (st == DTI_OK && v.n) {
		tr = dti_arena_alloc(a, v.n * sizeof *tr);
		if (!tr)
			st = dti_err_nomem(err);
		else
			memset(tr, 0, v.n * sizeof *tr);
	}
	for (size_t i = 0; st == DTI_OK && !oom && i < v.n; i++) {
		tr[i].target = *(const struct dti_target *)store_vec_at(&v, i);
		st = track_one(&k, &tr[i], a, &oom, err);
	}
	tracker_release(&k);
	db_rollback(s->db);
	tk->n = st == DTI_OK ? v.n : 0;
	tk->targets = tr;
	store_vec_release(&v);
	if (st == DTI_OK && oom)
		st = dti_err_nomem(err);
	if (st != DTI_OK) {
		store_list_free(tk);
		return st;
	}
	*out = tk;
	return DTI_OK;
}

void dti_target_tracking_free(struct dti_target_tracking *t)
{
	store_list_free(t);
}
