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
		                   c->label, store_state_phrase(c->state));
	if (past_deadline(s, c->submit_deadline) &&
	    !store_actor_has(s, DTI_ROLE_OWNER, NULL))
		return dti_err_set(err, DTI_ESTATE, "", 0, 0, "deadline",
		                   "cannot %s: the submission deadline of %s "
		                   "(%s) has passed",
		                   what, c->label, c->submit_deadline);
	return DTI_OK;
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
static enum dti_status
apply_edits(struct dti_store *s, struct store_checker *ck, const char *cycle,
            int64_t sub, const struct dti_figure_edit *e, size_t n,
            struct db_stmt *get, struct db_stmt *put, struct db_stmt *del,
            struct dti_buf *before, struct dti_buf *after, size_t *changed,
            struct dti_error *err)
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
		if (st == DTI_OK && !e[i].clear && !isnan(e[i].value))
			st = store_checker_value(ck, node, e[i].value,
			                         e[i].indicator, err);
		if (st == DTI_OK && !e[i].clear)
			st = store_checker_points(ck, node, e[i].self_points,
			                          e[i].indicator, err);
		if (st == DTI_OK)
			st = store_read_fig(get, sub, e[i].indicator, &f, err);
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
		st = db_prepare(s->db, sql_put_fig, &x->put, err);
	if (st == DTI_OK)
		st = db_prepare(s->db, sql_del_fig, &x->del, err);
	return st;
}

void store_edit_ctx_release(struct store_edit_ctx *x)
{
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
	struct store_edit_ctx x;
	int have_x = 0;
	st = store_load_cycle(s, cycle, &c, err);
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
	if (have_x)
		store_edit_ctx_release(&x);
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
	struct store_edit_ctx x;
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
	struct store_cycle c = {0};
	struct store_sub sub = {0};
	st = store_load_cycle(s, cycle, &c, err);
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
	struct store_sub sub = {0};
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
				store_json_num(out, r->v);
				dti_buf_adds(out, ",\"points\":");
				store_json_num(out, r->p);
				dti_buf_adds(out, ",\"comment\":");
				dti_json_str(out, r->comment);
				dti_buf_adds(out, ",\"reviewed_value\":");
				store_json_num(out, r->r);
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
