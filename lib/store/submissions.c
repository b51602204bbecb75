/*
 * lib/store/submissions.c - a unit's submission: who may edit it and when,
 * figures with self-assessed points and comments, bulk import, and the
 * submission's states (submit, exclude, add).
 *
 * Figures are validated by the engine itself (dti_dataset_set on a
 * one-cell scratch dataset), so a value the store accepts is one the
 * computation accepts.  Every change is one transaction with its audit
 * event.
 */
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"

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

enum dti_status store_set_sub_state(struct dti_store *s, struct store_sub *sub,
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

/*
 * store_may_edit() for a caller that already knows whether the actor is
 * an owner or admin (owner = 1: the role queries are skipped; -1: not
 * known, asked here).
 */
static enum dti_status may_edit(struct dti_store *s,
                                const struct store_cycle *c, const char *unit,
                                const struct store_sub *sub, const char *what,
                                int owner, struct dti_error *err)
{
	enum dti_status st =
	    owner == 1 ? DTI_OK
	               : store_require(s, DTI_ROLE_EDITOR, unit, what, err);
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
		                   c->label, store_state_phrase(c->state));
	if (past_deadline(s, c->submit_deadline) && owner != 1 &&
	    !store_actor_has(s, DTI_ROLE_OWNER, NULL))
		return dti_err_set(err, DTI_ESTATE, "", 0, 0, "deadline",
		                   "cannot %s: the submission deadline of %s "
		                   "(%s) has passed",
		                   what, c->label, c->submit_deadline);
	return DTI_OK;
}

enum dti_status store_may_edit(struct dti_store *s, const struct store_cycle *c,
                               const char *unit, const struct store_sub *sub,
                               const char *what, struct dti_error *err)
{
	return may_edit(s, c, unit, sub, what, -1, err);
}

/*
 * Every submission of a cycle, read at once for an import (a query per
 * unit is a round trip each on PostgreSQL): ids of units in `ids` (owned),
 * found through `map`.
 */
struct sub_index {
	struct dti_map map;
	char **ids;
	struct store_sub *subs;
	size_t n, cap;
};

static void sub_index_release(struct sub_index *x)
{
	for (size_t i = 0; i < x->n; i++)
		free(x->ids[i]);
	free(x->ids);
	free(x->subs);
	dti_map_release(&x->map);
}

static enum dti_status sub_index_load(struct dti_store *s,
                                      const struct store_cycle *c,
                                      struct sub_index *x,
                                      struct dti_error *err)
{
	struct db_stmt *q;
	enum dti_status st = db_prepare(s->db,
	                                "SELECT unit_id, id, state, version "
	                                "FROM submissions WHERE cycle_id = ?",
	                                &q, err);
	if (st != DTI_OK)
		return st;
	db_bind_int(q, 1, c->id);
	int row = 0;
	while ((st = db_step(q, &row, err)) == DTI_OK && row) {
		if (x->n == x->cap) {
			size_t cap = x->cap ? 2 * x->cap : 64;
			char **ids = realloc(x->ids, cap * sizeof *ids);
			if (ids)
				x->ids = ids;
			struct store_sub *subs =
			    ids ? realloc(x->subs, cap * sizeof *subs) : NULL;
			if (!subs) {
				st = dti_err_nomem(err);
				break;
			}
			x->subs = subs;
			x->cap = cap;
		}
		const char *id = db_col_text(q, 0);
		char *dup = strdup(id ? id : "");
		if (!dup) {
			st = dti_err_nomem(err);
			break;
		}
		x->ids[x->n] = dup;
		x->subs[x->n].id = db_col_int(q, 1);
		x->subs[x->n].state = dti_sub_state_parse(db_col_text(q, 2));
		x->subs[x->n].version = db_col_int(q, 3);
		if (dti_map_put(&x->map, dup, x->n)) {
			free(dup);
			st = dti_err_nomem(err);
			break;
		}
		x->n++;
	}
	db_finalize(q);
	return st;
}

/* ---- figures ------------------------------------------------------------ */

enum dti_status store_checker_init(struct store_checker *ck,
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
enum dti_status store_checker_node(struct store_checker *ck, const char *code,
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

enum dti_status store_checker_value(struct store_checker *ck, size_t node,
                                    double v, const char *code,
                                    struct dti_error *err)
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

enum dti_status store_checker_points(struct store_checker *ck, size_t node,
                                     double p, const char *code,
                                     struct dti_error *err)
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

void store_checker_free(struct store_checker *ck)
{
	dti_dataset_free(ck->ds);
}

void store_json_num(struct dti_buf *b, double v)
{
	if (isnan(v))
		dti_buf_adds(b, "null");
	else
		dti_buf_add_shortest(b, v);
}

enum dti_status store_read_fig(struct db_stmt *get, int64_t sub,
                               const char *code, struct store_fig *f,
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

static void fig_json(struct dti_buf *b, const struct store_fig *f)
{
	if (!f->exists) {
		dti_buf_adds(b, "null");
		return;
	}
	dti_buf_adds(b, "{\"value\":");
	store_json_num(b, f->value);
	dti_buf_adds(b, ",\"points\":");
	store_json_num(b, f->points);
	dti_buf_adds(b, ",\"comment\":");
	dti_json_quote(b, f->comment);
	dti_buf_addc(b, '}');
}

static const char sql_get_fig[] =
    "SELECT value, self_points, comment, reviewed_value FROM figures WHERE "
    "submission_id = ? AND indicator = ?";
static const char sql_all_figs[] =
    "SELECT indicator, value, self_points, comment, reviewed_value FROM "
    "figures WHERE submission_id = ?";
/*
 * put: an upsert of these columns keyed by the first two; ins: an insert
 * of them; del: a delete by the key.  touch: a submission's new version.
 */
static const char *const touch_cols[] = {"id", "version", "updated_at",
                                         "updated_by"};
static const char *const fig_cols[] = {
    "submission_id", "indicator",  "value",     "self_points",
    "comment",       "updated_at", "updated_by"};

static void figset_clear(struct store_figset *fs)
{
	for (size_t i = 0; i < fs->n; i++) {
		free(fs->rows[i].indicator);
		free(fs->rows[i].f.comment);
	}
	fs->n = 0;
}

static int figrow_cmp(const void *a, const void *b)
{
	return strcmp(((const struct store_figrow *)a)->indicator,
	              ((const struct store_figrow *)b)->indicator);
}

/* Reads every figure of submission sub into fs (one query, not one each). */
static enum dti_status figset_load(struct db_stmt *all, int64_t sub,
                                   struct store_figset *fs,
                                   struct dti_error *err)
{
	figset_clear(fs);
	db_reset(all);
	db_bind_int(all, 1, sub);
	int row = 0;
	enum dti_status st;
	while ((st = db_step(all, &row, err)) == DTI_OK && row) {
		if (fs->n == fs->cap) {
			size_t cap = fs->cap ? 2 * fs->cap : 64;
			void *p = realloc(fs->rows, cap * sizeof *fs->rows);
			if (!p)
				return dti_err_nomem(err);
			fs->rows = p;
			fs->cap = cap;
		}
		struct store_figrow *r = &fs->rows[fs->n];
		const char *code = db_col_text(all, 0);
		const char *c = db_col_text(all, 3);
		r->indicator = strdup(code ? code : "");
		r->f.exists = 1;
		r->f.value = db_col_double(all, 1);
		r->f.points = db_col_double(all, 2);
		r->f.comment = strdup(c ? c : "");
		r->f.reviewed = db_col_double(all, 4);
		fs->n++;
		if (!r->indicator || !r->f.comment)
			return dti_err_nomem(err);
	}
	if (st == DTI_OK && fs->n > 1)
		qsort(fs->rows, fs->n, sizeof *fs->rows, figrow_cmp);
	return st;
}

/* As store_read_fig, from the figures read by figset_load. */
static enum dti_status figset_find(const struct store_figset *fs,
                                   const char *code, struct store_fig *f,
                                   struct dti_error *err)
{
	free(f->comment);
	memset(f, 0, sizeof *f);
	f->value = f->points = f->reviewed = NAN;
	struct store_figrow key = {(char *)code, {0, NAN, NAN, NAN, NULL}};
	const struct store_figrow *r =
	    fs->n ? bsearch(&key, fs->rows, fs->n, sizeof *fs->rows, figrow_cmp)
	          : NULL;
	if (!r)
		return DTI_OK;
	*f = r->f;
	f->comment = strdup(r->f.comment);
	return f->comment ? DTI_OK : dti_err_nomem(err);
}

/*
 * An indicator scored by the reviewer (rule `reviewer`) is the reviewer's:
 * an editor may comment on it but not set its value or points, nor clear
 * it; a reviewer sets it with dti_review_adjust().  Owners and admins may
 * (a bulk import of figures already reviewed elsewhere, such as published
 * ones), under their own name in the audit log.
 */
static enum dti_status reviewer_only(struct dti_store *s,
                                     const struct store_checker *ck,
                                     size_t node,
                                     const struct dti_figure_edit *e,
                                     double value, struct dti_error *err)
{
	struct dti_node_info ni;
	dti_framework_node(ck->fw, node, &ni);
	if (ni.rule != DTI_RULE_REVIEWER ||
	    (!e->clear && isnan(value) && isnan(e->self_points)) ||
	    store_actor_has(s, DTI_ROLE_OWNER, NULL))
		return DTI_OK;
	return dti_err_set(err, DTI_EPERM, "", 0, 0, e->indicator,
	                   "user '%s' may not set indicator %s: its points "
	                   "are given by the reviewer (rule reviewer); a "
	                   "reviewer sets them with 'dti review adjust'",
	                   s->actor, e->indicator);
}

/*
 * Applies edits to one submission (inside a write, rules checked):
 * appends the before/after of each changed indicator to the two JSON
 * objects being built; *changed counts them.
 */
static enum dti_status
apply_edits(struct dti_store *s, struct store_checker *ck, const char *cycle,
            int64_t sub, const struct dti_figure_edit *e, size_t n,
            const struct store_figset *have, struct db_stmt *put,
            struct db_stmt *ins, struct db_stmt *del, struct dti_buf *before,
            struct dti_buf *after, size_t *changed, struct dti_error *err)
{
	char now[21];
	store_now(s, now);
	struct store_fig f = {0, NAN, NAN, NAN, NULL};
	enum dti_status st = DTI_OK;
	for (size_t i = 0; i < n && st == DTI_OK; i++) {
		size_t node;
		st = store_checker_node(ck, e[i].indicator, cycle, &node, err);
		for (size_t j = 0; j < i && st == DTI_OK; j++)
			if (strcmp(e[j].indicator, e[i].indicator) == 0)
				st = dti_err_set(err, DTI_EINVALID, "", 0, 0,
				                 e[i].indicator,
				                 "indicator %s is given twice",
				                 e[i].indicator);
		double val = e[i].value;
		if (st == DTI_OK && !e[i].clear && e[i].value_text) {
			/* typed the way a data file is: the reader's parser */
			char why[512];
			st = dti_parse_figure(ck->fw, node, e[i].value_text, 0,
			                      &val, why, sizeof why);
			if (st == DTI_OK && isnan(val))
				st = dti_err_set(
				    err, DTI_EINVALID, "", 0, 0, e[i].indicator,
				    "no figure in '%s' (use --clear to remove "
				    "one)",
				    e[i].value_text);
			else if (st)
				st = dti_err_set(err, st, "", 0, 0,
				                 e[i].indicator, "%s", why);
		}
		if (st == DTI_OK)
			st = reviewer_only(s, ck, node, &e[i], val, err);
		if (st == DTI_OK && !e[i].clear && !isnan(val))
			st = store_checker_value(ck, node, val, e[i].indicator,
			                         err);
		if (st == DTI_OK && !e[i].clear)
			st = store_checker_points(ck, node, e[i].self_points,
			                          e[i].indicator, err);
		if (st == DTI_OK)
			st = figset_find(have, e[i].indicator, &f, err);
		if (st != DTI_OK)
			break;
		double nv = e[i].clear ? NAN : isnan(val) ? f.value : val;
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
			/* a new figure goes in as such (COPY, no upsert) */
			struct db_stmt *w = f.exists ? put : ins;
			db_reset(w);
			db_bind_int(w, 1, sub);
			db_bind_text(w, 2, e[i].indicator);
			db_bind_double(w, 3, nv);
			db_bind_double(w, 4, np);
			db_bind_text(w, 5, nc);
			db_bind_text(w, 6, now);
			db_bind_text(w, 7, s->actor);
			st = db_step(w, &row, err);
		}
		if (st != DTI_OK)
			break;
		const char *sep = (*changed)++ ? "," : "";
		dti_buf_adds(before, sep);
		dti_json_quote(before, e[i].indicator);
		dti_buf_addc(before, ':');
		fig_json(before, &f);
		dti_buf_adds(after, sep);
		dti_json_quote(after, e[i].indicator);
		dti_buf_addc(after, ':');
		if (e[i].clear) {
			dti_buf_adds(after, "null");
		} else {
			struct store_fig g = {1, nv, np, NAN, (char *)nc};
			fig_json(after, &g);
		}
	}
	free(f.comment);
	return st;
}

enum dti_status store_edit_ctx_init(struct dti_store *s,
                                    const struct store_cycle *c,
                                    struct store_edit_ctx *x,
                                    struct dti_error *err)
{
	memset(x, 0, sizeof *x);
	dti_buf_init(&x->before, 0);
	dti_buf_init(&x->after, 0);
	const struct dti_framework *fw;
	enum dti_status st =
	    store_framework_cached(s, c->framework_sha, &fw, err);
	if (st == DTI_OK)
		st = store_checker_init(&x->ck, fw, err);
	if (st == DTI_OK)
		st = db_prepare(s->db, sql_get_fig, &x->get, err);
	if (st == DTI_OK)
		st = db_prepare(s->db, sql_all_figs, &x->all, err);
	if (st == DTI_OK)
		st = db_prepare_bulk(s->db, DB_BULK_UPSERT, "figures", fig_cols,
		                     7, 2, &x->put, err);
	if (st == DTI_OK)
		st = db_prepare_bulk(s->db, DB_BULK_INSERT, "figures", fig_cols,
		                     7, 2, &x->ins, err);
	if (st == DTI_OK)
		st = db_prepare_bulk(s->db, DB_BULK_DELETE, "figures", fig_cols,
		                     2, 2, &x->del, err);
	if (st == DTI_OK)
		st = db_prepare_bulk(s->db, DB_BULK_UPDATE, "submissions",
		                     touch_cols, 4, 1, &x->touch, err);
	return st;
}

/*
 * Notes which submissions of cycle c have figures, so that edit_one()
 * reads only theirs (for an import of a whole cycle: one query in all).
 */
static enum dti_status ctx_note_figures(struct dti_store *s,
                                        const struct store_cycle *c,
                                        struct store_edit_ctx *x,
                                        struct dti_error *err)
{
	struct db_stmt *q;
	enum dti_status st = db_prepare(
	    s->db,
	    "SELECT DISTINCT f.submission_id FROM figures f JOIN submissions "
	    "b ON b.id = f.submission_id WHERE b.cycle_id = ? ORDER BY 1",
	    &q, err);
	if (st != DTI_OK)
		return st;
	db_bind_int(q, 1, c->id);
	size_t cap = 0;
	int row = 0;
	while ((st = db_step(q, &row, err)) == DTI_OK && row) {
		if (x->nwith_figs == cap) {
			cap = cap ? 2 * cap : 64;
			void *p = realloc(x->with_figs, cap * sizeof(int64_t));
			if (!p) {
				st = dti_err_nomem(err);
				break;
			}
			x->with_figs = p;
		}
		x->with_figs[x->nwith_figs++] = db_col_int(q, 0);
	}
	db_finalize(q);
	x->with_figs_known = st == DTI_OK;
	return st;
}

static int may_have_figures(const struct store_edit_ctx *x, int64_t sub)
{
	if (!x->with_figs_known)
		return 1;
	size_t lo = 0, hi = x->nwith_figs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (x->with_figs[mid] < sub)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < x->nwith_figs && x->with_figs[lo] == sub;
}

/* As store_touch_sub(), through the context's bulk statement. */
static enum dti_status touch_sub(struct dti_store *s, struct store_edit_ctx *x,
                                 struct store_sub *sub, struct dti_error *err)
{
	char now[21];
	store_now(s, now);
	sub->version++;
	db_reset(x->touch);
	db_bind_int(x->touch, 1, sub->id);
	db_bind_int(x->touch, 2, sub->version);
	db_bind_text(x->touch, 3, now);
	db_bind_text(x->touch, 4, s->actor);
	int row;
	return db_step(x->touch, &row, err);
}

enum dti_status store_edit_ctx_flush(struct store_edit_ctx *x,
                                     struct dti_error *err)
{
	enum dti_status st = db_bulk_flush(x->put, err);
	if (st == DTI_OK)
		st = db_bulk_flush(x->ins, err);
	if (st == DTI_OK)
		st = db_bulk_flush(x->del, err);
	if (st == DTI_OK)
		st = db_bulk_flush(x->touch, err);
	return st;
}

void store_edit_ctx_release(struct store_edit_ctx *x)
{
	figset_clear(&x->have);
	free(x->have.rows);
	free(x->with_figs);
	db_finalize(x->all);
	db_finalize(x->ins);
	db_finalize(x->touch);
	db_finalize(x->get);
	db_finalize(x->put);
	db_finalize(x->del);
	dti_buf_release(&x->before);
	dti_buf_release(&x->after);
	store_checker_free(&x->ck);
}

/* Runs one submission's edits and its audit event. */
static enum dti_status edit_one(struct dti_store *s, struct store_edit_ctx *x,
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
	enum dti_status st = DTI_OK;
	/* rows of this submission held back are read again below */
	if (x->wrote_sub == sub->id) {
		st = store_edit_ctx_flush(x, err);
		x->with_figs_known = 0;
	}
	if (st == DTI_OK && !may_have_figures(x, sub->id))
		figset_clear(&x->have);
	else if (st == DTI_OK)
		st = figset_load(x->all, sub->id, &x->have, err);
	x->wrote_sub = sub->id;
	if (st == DTI_OK)
		st = apply_edits(s, &x->ck, c->label, sub->id, e, n, &x->have,
		                 x->put, x->ins, x->del, &x->before, &x->after,
		                 changed, err);
	if (st != DTI_OK || *changed == 0)
		return st;
	dti_buf_addc(&x->before, '}');
	dti_buf_addc(&x->after, '}');
	dti_buf_addc(&x->before, '\0');
	dti_buf_addc(&x->after, '\0');
	st = touch_sub(s, x, sub, err);
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
	st =
	    store_edit_figures(s, cycle, unit, edits, n, expected_version, err);
	return store_end(s, st, err);
}

enum dti_status store_edit_figures(struct dti_store *s, const char *cycle,
                                   const char *unit,
                                   const struct dti_figure_edit *edits,
                                   size_t n, int64_t expected_version,
                                   struct dti_error *err)
{
	struct store_cycle c;
	char uid[64] = "";
	struct store_sub sub;
	struct store_edit_ctx x;
	int have_x = 0;
	enum dti_status st = store_load_cycle(s, cycle, &c, err);
	if (st == DTI_OK)
		st = store_cycle_unit(s, &c, unit, uid, err);
	unit = uid;
	if (st == DTI_OK)
		st = store_load_sub(s, &c, unit, &sub, err);
	if (st == DTI_OK)
		st = store_may_edit(s, &c, unit, &sub, "edit figures", err);
	if (st == DTI_OK)
		st = store_check_version(expected_version, sub.version,
		                         "the submission", err);
	if (st == DTI_OK) {
		have_x = 1;
		st = store_edit_ctx_init(s, &c, &x, err);
	}
	size_t changed = 0;
	if (st == DTI_OK)
		st = edit_one(s, &x, &c, unit, &sub, edits, n,
		              "submission.edit", &changed, err);
	if (st == DTI_OK)
		st = store_edit_ctx_flush(&x, err);
	if (have_x)
		store_edit_ctx_release(&x);
	return st;
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
	struct store_edit_ctx x;
	struct store_audit_batch ab = {0};
	int have_x = 0;
	st = store_load_cycle(s, cycle, &c, err);
	const struct dti_framework *fw = dti_dataset_framework(ds);
	size_t nn = dti_framework_node_count(fw);
	struct dti_figure_edit *edits = calloc(nn ? nn : 1, sizeof *edits);
	if (!edits && st == DTI_OK)
		st = dti_err_nomem(err);
	if (st == DTI_OK) {
		have_x = 1;
		st = store_edit_ctx_init(s, &c, &x, err);
	}
	/* a cycle's figures in few statements: rows, versions and audit
	 * events are written together at the end */
	if (st == DTI_OK)
		st = ctx_note_figures(s, &c, &x, err);
	if (st == DTI_OK)
		st = store_audit_batch_begin(s, &ab, err);
	/* the actor's role and the cycle's submissions, asked once */
	int owner =
	    st == DTI_OK && store_actor_has(s, DTI_ROLE_OWNER, NULL) ? 1 : -1;
	struct sub_index subs = {DTI_MAP_INIT, NULL, NULL, 0, 0};
	if (st == DTI_OK)
		st = sub_index_load(s, &c, &subs, err);
	size_t units = 0, figures = 0;
	for (size_t u = 0; st == DTI_OK && u < dti_dataset_unit_count(ds);
	     u++) {
		if (!dti_dataset_unit_present(ds, (size_t)dc, u))
			continue;
		struct dti_dataset_unit du;
		dti_dataset_unit(ds, u, &du);
		struct store_sub sub;
		size_t si;
		if (dti_map_get(&subs.map, du.id, &si))
			sub = subs.subs[si];
		else /* none: the message of a unit without one */
			st = store_load_sub(s, &c, du.id, &sub, err);
		if (st == DTI_OK)
			st = may_edit(s, &c, du.id, &sub, "import figures",
			              owner, err);
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
	/* the figures held back, written together */
	if (st == DTI_OK && have_x)
		st = store_edit_ctx_flush(&x, err);
	if (st == DTI_OK)
		st = store_audit_batch_end(s, &ab, err);
	store_audit_batch_release(s, &ab);
	sub_index_release(&subs);
	free(edits);
	if (have_x)
		store_edit_ctx_release(&x);
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

enum dti_status store_sub_event(struct dti_store *s,
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
		dti_json_quote(b, text);
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
	struct store_cycle c = {0};
	char uid[64] = "";
	struct store_sub sub = {0};
	st = store_load_cycle(s, cycle, &c, err);
	if (st == DTI_OK)
		st = store_cycle_unit(s, &c, unit, uid, err);
	unit = uid;
	if (st == DTI_OK)
		st = store_load_sub(s, &c, unit, &sub, err);
	if (st == DTI_OK)
		st = store_may_edit(s, &c, unit, &sub, "submit", err);
	if (st == DTI_OK)
		st = store_check_version(expected_version, sub.version,
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
		st = store_set_sub_state(s, &sub, DTI_SUB_SUBMITTED, err);
	if (st == DTI_OK)
		st = store_sub_event(s, &c, unit, "submission.submit", from,
		                     &sub, NULL, NULL, err);
	return store_end(s, st, err);
}

enum dti_status dti_submission_exclude(struct dti_store *s, const char *cycle,
                                       const char *unit, const char *reason,
                                       struct dti_error *err)
{
	enum dti_status st = store_need_text(
	    reason, "reason", "excluding a unit needs a reason", err);
	if (st != DTI_OK)
		return st;
	st = store_begin(s, err);
	if (st != DTI_OK)
		return st;
	struct store_cycle c = {0};
	char uid[64] = "";
	struct store_sub sub = {0};
	st = store_require(s, DTI_ROLE_OWNER, NULL, "exclude units", err);
	if (st == DTI_OK)
		st = store_load_cycle(s, cycle, &c, err);
	if (st == DTI_OK)
		st = store_cycle_unit(s, &c, unit, uid, err);
	unit = uid;
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
		st = store_set_sub_state(s, &sub, DTI_SUB_EXCLUDED, err);
	if (st == DTI_OK)
		st = store_sub_event(s, &c, unit, "submission.exclude", from,
		                     &sub, "reason", reason, err);
	return store_end(s, st, err);
}

enum dti_status dti_submission_create(struct dti_store *s, const char *cycle,
                                      const char *unit, struct dti_error *err)
{
	enum dti_status st = store_begin(s, err);
	if (st != DTI_OK)
		return st;
	struct store_cycle c = {0};
	char uid[64] = "";
	st = store_require(s, DTI_ROLE_OWNER, NULL, "add submissions", err);
	if (st == DTI_OK)
		st = store_load_cycle(s, cycle, &c, err);
	if (st == DTI_OK && c.state != DTI_CYCLE_DRAFT &&
	    c.state != DTI_CYCLE_OPEN)
		st = dti_err_set(
		    err, DTI_ESTATE, "", 0, 0, "state",
		    "cycle %s is %s: submissions are added while it "
		    "is draft or open",
		    c.label, store_state_phrase(c.state));
	int64_t id = 0;
	if (st == DTI_OK)
		st = store_cycle_unit(s, &c, unit, uid, err);
	unit = uid;
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
	char uid[64] = "";
	struct store_sub sub;
	st = store_load_cycle(s, cycle, &c, err);
	if (st == DTI_OK)
		st = store_cycle_unit(s, &c, unit, uid, err);
	unit = uid;
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

/* A figure row and where its indicator stands in the framework. */
struct placed_fig {
	long node;
	size_t pos;
	struct dti_figure_entry e;
};

static int placed_cmp(const void *a, const void *b)
{
	const struct placed_fig *x = a, *y = b;
	if (x->node != y->node)
		return x->node < y->node ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* The figures of a submission, in the framework's order of nodes. */
static enum dti_status view_figures(struct dti_store *s,
                                    const struct dti_framework *fw, int64_t sub,
                                    struct dti_arena *a,
                                    struct dti_submission_view *v, int *oom,
                                    struct dti_error *err)
{
	struct db_stmt *q = NULL;
	enum dti_status st = db_prepare(
	    s->db,
	    "SELECT indicator, value, self_points, comment, reviewed_value, "
	    "review_reason, reviewed_by, updated_at, updated_by FROM figures "
	    "WHERE submission_id = ?",
	    &q, err);
	if (st != DTI_OK)
		return st;
	db_bind_int(q, 1, sub);
	struct store_vec rows = STORE_VEC_INIT(struct placed_fig);
	int row = 0;
	while ((st = db_step(q, &row, err)) == DTI_OK && row) {
		struct placed_fig *p = store_vec_add(&rows);
		if (!p) {
			st = dti_err_nomem(err);
			break;
		}
		struct dti_figure_entry *e = &p->e;
		e->indicator = store_keep(a, db_col_text(q, 0), oom);
		e->value = db_col_double(q, 1);
		e->points = db_col_double(q, 2);
		e->comment = store_keep(a, db_col_text(q, 3), oom);
		e->reviewed = db_col_double(q, 4);
		e->review_reason = store_keep(a, db_col_text(q, 5), oom);
		e->reviewed_by = store_keep(a, db_col_text(q, 6), oom);
		e->updated_at = store_keep(a, db_col_text(q, 7), oom);
		e->updated_by = store_keep(a, db_col_text(q, 8), oom);
		p->node = dti_framework_find(fw, e->indicator);
		p->pos = rows.n - 1;
	}
	db_finalize(q);
	if (st == DTI_OK && rows.n) {
		qsort(rows.items, rows.n, rows.size, placed_cmp);
		/* indicators the framework does not know are left out */
		size_t n = 0;
		for (size_t i = 0; i < rows.n; i++)
			if (((struct placed_fig *)store_vec_at(&rows, i))
			        ->node >= 0)
				n++;
		struct dti_figure_entry *f =
		    n ? dti_arena_alloc(a, n * sizeof *f) : NULL;
		if (n && !f)
			*oom = 1;
		for (size_t i = 0, k = 0; f && i < rows.n; i++) {
			const struct placed_fig *p = store_vec_at(&rows, i);
			if (p->node >= 0)
				f[k++] = p->e;
		}
		v->figures = f;
		v->nfigures = f ? n : 0;
	}
	store_vec_release(&rows);
	return st;
}

/* The evidence of a submission, by id. */
static enum dti_status view_evidence(struct dti_store *s, int64_t sub,
                                     struct dti_arena *a,
                                     struct dti_submission_view *v, int *oom,
                                     struct dti_error *err)
{
	struct db_stmt *q = NULL;
	enum dti_status st = db_prepare(
	    s->db,
	    "SELECT e.id, e.indicator, e.doc_number, e.doc_date, e.issuer, "
	    "e.title, e.link, e.filename, e.blob_sha, b.size, b.media_type, "
	    "e.added_at, e.added_by FROM evidence e LEFT JOIN blobs b ON "
	    "b.sha = e.blob_sha WHERE e.submission_id = ? ORDER BY e.id",
	    &q, err);
	if (st != DTI_OK)
		return st;
	db_bind_int(q, 1, sub);
	struct store_vec rows = STORE_VEC_INIT(struct dti_evidence_entry);
	int row = 0;
	while ((st = db_step(q, &row, err)) == DTI_OK && row) {
		struct dti_evidence_entry *e = store_vec_add(&rows);
		if (!e) {
			st = dti_err_nomem(err);
			break;
		}
		e->id = db_col_int(q, 0);
		e->indicator = store_keep(a, db_col_text(q, 1), oom);
		e->doc_number = store_keep(a, db_col_text(q, 2), oom);
		e->doc_date = store_keep(a, db_col_text(q, 3), oom);
		e->issuer = store_keep(a, db_col_text(q, 4), oom);
		e->title = store_keep(a, db_col_text(q, 5), oom);
		e->link = store_keep(a, db_col_text(q, 6), oom);
		e->filename = store_keep(a, db_col_text(q, 7), oom);
		e->sha256 = store_keep(a, db_col_text(q, 8), oom);
		e->size = db_col_text(q, 8) ? (long long)db_col_int(q, 9) : 0;
		e->media_type = store_keep(a, db_col_text(q, 10), oom);
		e->added_at = store_keep(a, db_col_text(q, 11), oom);
		e->added_by = store_keep(a, db_col_text(q, 12), oom);
	}
	db_finalize(q);
	v->nevidence = rows.n;
	v->evidence = store_vec_keep(&rows, a, oom);
	return st;
}

enum dti_status dti_submission_view(struct dti_store *s, const char *cycle,
                                    const char *unit,
                                    struct dti_submission_view **out,
                                    struct dti_error *err)
{
	*out = NULL;
	enum dti_status st = store_begin_read(s, err);
	if (st != DTI_OK)
		return st;
	struct dti_arena *a = NULL;
	struct dti_submission_view *v = store_list_new(sizeof *v, &a);
	if (!v) {
		db_rollback(s->db);
		return dti_err_nomem(err);
	}
	struct store_cycle c;
	char uid[64] = "";
	struct store_sub sub;
	st = store_load_cycle(s, cycle, &c, err);
	if (st == DTI_OK)
		st = store_cycle_unit(s, &c, unit, uid, err);
	unit = uid;
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
		st = db_prepare(
		    s->db,
		    "SELECT s.unit_id, u.name_vi, s.return_comment, "
		    "s.exclude_reason, s.submitted_at, s.updated_at, "
		    "s.updated_by FROM submissions s JOIN units u ON u.id = "
		    "s.unit_id WHERE s.id = ?",
		    &q, err);
	int row = 0, oom = 0;
	if (st == DTI_OK) {
		db_bind_int(q, 1, sub.id);
		st = db_step(q, &row, err);
	}
	if (st == DTI_OK && !row)
		st = dti_err_set(err, DTI_EINTERNAL, "", 0, 0, "unit",
		                 "the submission of %s in %s has no unit", unit,
		                 c.label);
	if (st == DTI_OK) {
		v->cycle = store_keep(a, c.label, &oom);
		v->unit = store_keep(a, db_col_text(q, 0), &oom);
		v->name = store_keep(a, db_col_text(q, 1), &oom);
		v->state = sub.state;
		v->version = sub.version;
		v->return_comment = store_keep(a, db_col_text(q, 2), &oom);
		v->exclude_reason = store_keep(a, db_col_text(q, 3), &oom);
		v->submitted_at = store_keep(a, db_col_text(q, 4), &oom);
		v->updated_at = store_keep(a, db_col_text(q, 5), &oom);
		v->updated_by = store_keep(a, db_col_text(q, 6), &oom);
	}
	db_finalize(q);
	if (st == DTI_OK)
		st = view_figures(s, fw, sub.id, a, v, &oom, err);
	if (st == DTI_OK)
		st = view_evidence(s, sub.id, a, v, &oom, err);
	db_rollback(s->db);
	if (st == DTI_OK && oom)
		st = dti_err_nomem(err);
	if (st != DTI_OK) {
		store_list_free(v);
		return st;
	}
	*out = v;
	return DTI_OK;
}

void dti_submission_view_free(struct dti_submission_view *v)
{
	store_list_free(v);
}

void dti_figure_edit_init(struct dti_figure_edit *e, const char *code)
{
	struct dti_figure_edit d = DTI_FIGURE_EDIT_INIT(code);
	*e = d;
}
