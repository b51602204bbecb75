/*
 * lib/store/views.c - the published ranking, a unit's profile and an
 * editor's preview, as typed data (dti/views.h).
 *
 * Published views read the snapshot's result body (the engine's JSON:
 * values at the published precision, ranks, group ranks, flags) and never
 * recompute a number they show: what a published cycle shows is what was
 * published (see resultview.c).  Changes compare the body with the bodies
 * of the earlier published cycles of the same level, unit by unit id and
 * node by code, so that cycles over different frameworks compare where
 * they share a node.  Value changes are taken between the rounded values,
 * as integer counts of the last decimal, so that 0.6735 - 0.5735 is
 * exactly 0.1000.
 *
 * Only a profile's explanation is computed: by the engine, from the
 * figures the store holds for the cycle, and only when those figures are
 * still the data the snapshot recorded (same data hash) and give the
 * published value; else the profile says why there is none.
 *
 * The preview computes an unpublished cycle as it stands and ranks the
 * unit among the units with enough data, by the same competition rule as
 * the engine (equal rounded values share the better rank).
 *
 * Every view is one allocation (lists.c) whose arena holds its strings
 * and arrays; the snapshots' JSON is freed before the call returns.
 *
 * The charts (chartview.c) read these views inside their own read
 * transaction (store_ranking_read, store_profile_read: a profile without
 * its explanation), and the means of nodes over every unit from one
 * reading of a snapshot (store_view_node_stats) rather than a ranking
 * per node.
 */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"

void dti_view_opts_init(struct dti_view_opts *o)
{
	struct dti_view_opts d = DTI_VIEW_OPTS_INIT;
	*o = d;
}

/* ---- snapshots ---------------------------------------------------------- */

/* A published snapshot, parsed. */
struct snap {
	json_t *body;
	json_t *units; /* array, in the published order */
	json_t *by_id; /* unit id -> its object (borrowed from units) */
	char label[64];
	int year;
	int partial;
	int synthetic;
	int precision;
	char data_hash[65];
	char published_at[21];
};

static const char *jtext(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static json_t *jsection(json_t *unit, const char *section, const char *code)
{
	return json_object_get(json_object_get(unit, section), code);
}

static void snap_release(struct snap *sn)
{
	json_decref(sn->by_id);
	json_decref(sn->body);
	memset(sn, 0, sizeof *sn);
}

/* The snapshot of published cycle c, inside the caller's transaction. */
static enum dti_status snap_load(struct dti_store *s,
                                 const struct store_cycle *c, struct snap *sn,
                                 struct dti_error *err)
{
	memset(sn, 0, sizeof *sn);
	struct db_stmt *q = NULL;
	int row = 0;
	enum dti_status st =
	    db_prepare(s->db,
	               "SELECT r.body, p.partial, r.data_hash, p.published_at "
	               "FROM snapshots p JOIN results r ON r.id = "
	               "p.result_id WHERE p.cycle_id = ?",
	               &q, err);
	if (st == DTI_OK) {
		db_bind_int(q, 1, c->id);
		st = db_step(q, &row, err);
	}
	if (st == DTI_OK && !row)
		st = dti_err_set(err, DTI_ENOTFOUND, "", 0, 0, "cycle",
		                 "cycle %s has no snapshot", c->label);
	if (st == DTI_OK) {
		const char *body = db_col_text(q, 0);
		sn->body = body ? json_loads(body, 0, NULL) : NULL;
		sn->partial = db_col_int(q, 1) != 0;
		dti_snprintf(sn->data_hash, sizeof sn->data_hash, "%s",
		             db_col_text(q, 2) ? db_col_text(q, 2) : "");
		dti_snprintf(sn->published_at, sizeof sn->published_at, "%s",
		             db_col_text(q, 3) ? db_col_text(q, 3) : "");
		dti_snprintf(sn->label, sizeof sn->label, "%s", c->label);
		sn->year = c->year;
		sn->units = json_object_get(sn->body, "units");
		json_t *p = json_object_get(sn->body, "precision");
		sn->precision =
		    json_is_integer(p) ? (int)json_integer_value(p) : 4;
		sn->synthetic =
		    json_is_true(json_object_get(sn->body, "synthetic"));
		if (!json_is_array(sn->units) || !jtext(sn->body, "sorted_by"))
			st = dti_err_set(err, DTI_EINVALID, "", 0, 0, "results",
			                 "the stored result of %s is not the "
			                 "engine's JSON",
			                 c->label);
	}
	if (st == DTI_OK) {
		sn->by_id = json_object();
		size_t i;
		json_t *u;
		json_array_foreach(sn->units, i, u)
		{
			const char *id = jtext(u, "id");
			if (id && sn->by_id &&
			    json_object_set(sn->by_id, id, u) != 0)
				st = dti_err_nomem(err);
		}
		if (!sn->by_id)
			st = dti_err_nomem(err);
	}
	db_finalize(q);
	if (st != DTI_OK)
		snap_release(sn);
	return st;
}

/* The earlier published cycles of c's level, most recent first. */
struct earlier {
	struct snap *v;
	size_t n;
};

static void earlier_release(struct earlier *e)
{
	for (size_t i = 0; i < e->n; i++)
		snap_release(&e->v[i]);
	free(e->v);
	e->v = NULL;
	e->n = 0;
}

static enum dti_status earlier_load(struct dti_store *s,
                                    const struct store_cycle *c, int since,
                                    struct earlier *e, struct dti_error *err)
{
	memset(e, 0, sizeof *e);
	struct db_stmt *q = NULL;
	int row = 0;
	struct store_vec labels = STORE_VEC_INIT(char[64]);
	enum dti_status st = db_prepare(
	    s->db,
	    "SELECT label FROM cycles WHERE state = 'published' AND level = ? "
	    "AND year < ? AND year >= ? ORDER BY year DESC, label",
	    &q, err);
	if (st == DTI_OK) {
		db_bind_text(q, 1, c->level);
		db_bind_int(q, 2, c->year);
		db_bind_int(q, 3, since);
	}
	while (st == DTI_OK && (st = db_step(q, &row, err)) == DTI_OK && row) {
		char *l = store_vec_add(&labels);
		if (!l) {
			st = dti_err_nomem(err);
			break;
		}
		dti_snprintf(l, 64, "%s", db_col_text(q, 0));
	}
	db_finalize(q);
	if (st == DTI_OK && labels.n) {
		e->v = calloc(labels.n, sizeof *e->v);
		if (!e->v)
			st = dti_err_nomem(err);
	}
	for (size_t i = 0; st == DTI_OK && i < labels.n; i++) {
		struct store_cycle ec;
		st = store_load_cycle(s, store_vec_at(&labels, i), &ec, err);
		if (st == DTI_OK)
			st = snap_load(s, &ec, &e->v[i], err);
		if (st == DTI_OK)
			e->n++;
	}
	store_vec_release(&labels);
	if (st != DTI_OK)
		earlier_release(e);
	return st;
}

/* ---- cells -------------------------------------------------------------- */

static int has_flag(json_t *unit, const char *code, const char *flag)
{
	json_t *fl = jsection(unit, "flags", code);
	size_t i;
	json_t *f;
	json_array_foreach(fl, i, f)
	{
		if (json_is_string(f) &&
		    strcmp(json_string_value(f), flag) == 0)
			return 1;
	}
	return 0;
}

static double jvalue(json_t *unit, const char *code)
{
	json_t *v = jsection(unit, "values", code);
	return json_is_number(v) ? json_number_value(v) : NAN;
}

static int jrank(json_t *unit, const char *section, const char *code)
{
	json_t *v = jsection(unit, section, code);
	return json_is_integer(v) ? (int)json_integer_value(v) : 0;
}

/* The change between two rounded values at `digits`, NaN unless both. */
static double value_change(double now, double then, int digits)
{
	if (isnan(now) || isnan(then))
		return NAN;
	long long d =
	    dti_round_scaled(now, digits) - dti_round_scaled(then, digits);
	return (double)d / dti_pow10(digits);
}

/* Fills a unit's cell on node `code`, with its changes (arena). */
static void fill_cell(struct dti_view_cell *cell, json_t *unit,
                      const char *code, const struct earlier *e, int precision,
                      struct dti_arena *a, int *oom)
{
	const char *id = jtext(unit, "id");
	cell->value = jvalue(unit, code);
	cell->unknown = isnan(cell->value) && has_flag(unit, code, "unknown");
	cell->rank = jrank(unit, "ranks", code);
	cell->group_rank = jrank(unit, "group_ranks", code);
	cell->changes = NULL;
	if (!e->n)
		return;
	struct dti_view_change *ch = dti_arena_alloc(a, e->n * sizeof *ch);
	if (!ch) {
		*oom = 1;
		return;
	}
	for (size_t j = 0; j < e->n; j++) {
		json_t *then = id ? json_object_get(e->v[j].by_id, id) : NULL;
		ch[j].rank_then = then ? jrank(then, "ranks", code) : 0;
		ch[j].value_then = then ? jvalue(then, code) : NAN;
		ch[j].has_rank = cell->rank && ch[j].rank_then;
		ch[j].rank_change =
		    ch[j].has_rank ? ch[j].rank_then - cell->rank : 0;
		ch[j].value_change =
		    value_change(cell->value, ch[j].value_then, precision);
	}
	cell->changes = ch;
}

/* The snapshot's node with this code (exact, then ASCII case), or NULL. */
static json_t *find_node(json_t *body, const char *code)
{
	json_t *nodes = json_object_get(body, "nodes"), *nd;
	size_t i;
	json_array_foreach(nodes, i, nd)
	{
		const char *c = jtext(nd, "code");
		if (c && strcmp(c, code) == 0)
			return nd;
	}
	json_array_foreach(nodes, i, nd)
	{
		const char *c = jtext(nd, "code");
		if (c && dti_streq_ci(c, code))
			return nd;
	}
	return NULL;
}

static void fill_node(struct dti_view_node *n, json_t *nd, json_t *units,
                      enum dti_lang lang, struct dti_arena *a, int *oom)
{
	n->code = store_keep(a, jtext(nd, "code"), oom);
	n->name_vi = store_keep(a, jtext(nd, "name_vi"), oom);
	n->name_en = store_keep(a, jtext(nd, "name_en"), oom);
	n->name = lang == DTI_LANG_VI ? n->name_vi : n->name_en;
	n->kind = store_keep(a, jtext(nd, "kind"), oom);
	n->ranked = 0;
	size_t i;
	json_t *u;
	json_array_foreach(units, i, u)
	{
		if (jrank(u, "ranks", n->code))
			n->ranked++;
	}
}

static size_t group_size(json_t *units, const char *group)
{
	size_t n = 0, i;
	json_t *u;
	if (!group || !*group)
		return 0;
	json_array_foreach(units, i, u)
	{
		const char *g = jtext(u, "group");
		if (g && strcmp(g, group) == 0)
			n++;
	}
	return n;
}

/* The cycle's part of a view, and the earlier cycles' (arena). */
static void fill_info(struct dti_view_cycle *info, const struct store_cycle *c,
                      const struct snap *sn, const struct earlier *e,
                      enum dti_lang lang, struct dti_arena *a, int *oom)
{
	json_t *fw = json_object_get(sn->body, "framework");
	info->cycle = store_keep(a, c->label, oom);
	info->year = c->year;
	info->level = store_keep(a, c->level, oom);
	info->framework_id = store_keep(a, jtext(fw, "id"), oom);
	info->framework_version = store_keep(a, jtext(fw, "version"), oom);
	info->framework_title = store_keep(
	    a, jtext(fw, lang == DTI_LANG_VI ? "title_vi" : "title_en"), oom);
	info->published_at = store_keep(a, sn->published_at, oom);
	info->precision = sn->precision;
	info->partial = sn->partial;
	info->synthetic = sn->synthetic;
	info->units = json_array_size(sn->units);
	info->nearlier = e->n;
	info->earlier = NULL;
	if (!e->n)
		return;
	struct dti_view_earlier *ev = dti_arena_alloc(a, e->n * sizeof *ev);
	if (!ev) {
		*oom = 1;
		return;
	}
	for (size_t j = 0; j < e->n; j++) {
		ev[j].cycle = store_keep(a, e->v[j].label, oom);
		ev[j].year = e->v[j].year;
		ev[j].partial = e->v[j].partial;
		ev[j].synthetic = e->v[j].synthetic;
	}
	info->earlier = ev;
}

/* The published cycle `label`, its snapshot and (e != NULL) the earlier
   ones. */
static enum dti_status open_published(struct dti_store *s, const char *label,
                                      int since, struct store_cycle *c,
                                      struct snap *sn, struct earlier *e,
                                      struct dti_error *err)
{
	memset(sn, 0, sizeof *sn);
	if (e)
		memset(e, 0, sizeof *e);
	enum dti_status st = store_load_cycle(s, label, c, err);
	if (st == DTI_OK && c->state != DTI_CYCLE_PUBLISHED)
		st = dti_err_set(err, DTI_ESTATE, "", 0, 0, "state",
		                 "cycle %s is %s, not published", c->label,
		                 store_state_phrase(c->state));
	if (st == DTI_OK)
		st = snap_load(s, c, sn, err);
	if (st == DTI_OK && e)
		st = earlier_load(s, c, since, e, err);
	return st;
}

/* ---- the ranking -------------------------------------------------------- */

static int by_rank(const void *pa, const void *pb)
{
	const struct dti_ranking_row *a = pa, *b = pb;
	int ra = a->cells[0].rank, rb = b->cells[0].rank;
	if (ra != rb) {
		if (!ra || !rb)
			return ra ? -1 : 1;
		return ra < rb ? -1 : 1;
	}
	int c = dti_text_collate(a->name, b->name);
	return c ? c : strcmp(a->id, b->id);
}

static int by_name(const void *pa, const void *pb)
{
	const struct dti_ranking_row *a = pa, *b = pb;
	int c = dti_text_collate(a->name, b->name);
	return c ? c : strcmp(a->id, b->id);
}

static int by_id(const void *pa, const void *pb)
{
	const struct dti_ranking_row *a = pa, *b = pb;
	return strcmp(a->id, b->id);
}

static int is_summary_kind(const char *kind)
{
	return kind &&
	       (strcmp(kind, "index") == 0 || strcmp(kind, "subindex") == 0 ||
	        strcmp(kind, "pillar") == 0);
}

static enum dti_status ranking_build(struct dti_store *s, const char *cycle,
                                     const struct dti_view_opts *o,
                                     struct dti_ranking *r, struct dti_arena *a,
                                     struct dti_error *err)
{
	struct store_cycle c;
	struct snap sn;
	struct earlier e;
	int oom = 0;
	enum dti_status st =
	    open_published(s, cycle, o->since, &c, &sn, &e, err);
	json_t *ranked = NULL;
	if (st == DTI_OK) {
		const char *code =
		    o->node ? o->node : jtext(sn.body, "sorted_by");
		ranked = find_node(sn.body, code);
		if (!ranked)
			st = dti_err_set(err, DTI_ENOTFOUND, "", 0, 0, "node",
			                 "'%s' is not a node of the published "
			                 "result of %s",
			                 code, c.label);
	}
	/* the columns: the node ranked on, then index, sub-indices and
	   pillars in the snapshot's order */
	json_t *nodes = json_object_get(sn.body, "nodes");
	size_t nn = 0;
	struct dti_view_node *vn = NULL;
	if (st == DTI_OK) {
		vn = dti_arena_alloc(a,
		                     (json_array_size(nodes) + 1) * sizeof *vn);
		if (!vn)
			st = dti_err_nomem(err);
	}
	if (st == DTI_OK) {
		fill_node(&vn[nn++], ranked, sn.units, o->lang, a, &oom);
		size_t i;
		json_t *nd;
		json_array_foreach(nodes, i, nd)
		{
			if (nd != ranked && is_summary_kind(jtext(nd, "kind")))
				fill_node(&vn[nn++], nd, sn.units, o->lang, a,
				          &oom);
		}
	}
	/* the rows */
	size_t nrows = 0;
	struct dti_ranking_row *rows = NULL;
	if (st == DTI_OK) {
		size_t n = json_array_size(sn.units);
		rows = dti_arena_alloc(a, (n ? n : 1) * sizeof *rows);
		if (!rows)
			st = dti_err_nomem(err);
	}
	if (st == DTI_OK) {
		size_t i;
		json_t *u;
		json_array_foreach(sn.units, i, u)
		{
			const char *g = jtext(u, "group");
			if (o->group && (!g || strcmp(g, o->group) != 0))
				continue;
			struct dti_ranking_row *row = &rows[nrows++];
			row->id = store_keep(a, jtext(u, "id"), &oom);
			row->name = store_keep(a, jtext(u, "name"), &oom);
			row->group = store_keep(a, g, &oom);
			row->group_size = group_size(sn.units, g);
			struct dti_view_cell *cells =
			    dti_arena_alloc(a, nn * sizeof *cells);
			if (!cells) {
				oom = 1;
				nrows--;
				break;
			}
			for (size_t k = 0; k < nn; k++)
				fill_cell(&cells[k], u, vn[k].code, &e,
				          sn.precision, a, &oom);
			row->cells = cells;
		}
		if (o->group && !nrows && !oom)
			st = dti_err_set(err, DTI_ENOTFOUND, "", 0, 0, "group",
			                 "no unit of cycle %s is in group '%s'",
			                 c.label, o->group);
	}
	if (st == DTI_OK && nrows > 1) {
		if (o->sort == DTI_VIEW_SORT_NAME)
			qsort(rows, nrows, sizeof *rows, by_name);
		else if (o->sort == DTI_VIEW_SORT_ID)
			qsort(rows, nrows, sizeof *rows, by_id);
		else if (vn[0].code &&
		         strcmp(vn[0].code, jtext(sn.body, "sorted_by")) != 0)
			qsort(rows, nrows, sizeof *rows, by_rank);
		/* on the index: the published order as it is */
	}
	if (st == DTI_OK) {
		fill_info(&r->info, &c, &sn, &e, o->lang, a, &oom);
		r->nnodes = nn;
		r->nodes = vn;
		r->nrows = nrows;
		r->rows = rows;
	}
	if (st == DTI_OK && oom)
		st = dti_err_nomem(err);
	earlier_release(&e);
	snap_release(&sn);
	return st;
}

enum dti_status store_ranking_read(struct dti_store *s, const char *cycle,
                                   const struct dti_view_opts *opts,
                                   struct dti_ranking **out,
                                   struct dti_error *err)
{
	*out = NULL;
	struct dti_view_opts def = DTI_VIEW_OPTS_INIT;
	const struct dti_view_opts *o = opts ? opts : &def;
	struct dti_arena *a = NULL;
	struct dti_ranking *r = store_list_new(sizeof *r, &a);
	if (!r)
		return dti_err_nomem(err);
	enum dti_status st = ranking_build(s, cycle, o, r, a, err);
	if (st != DTI_OK) {
		store_list_free(r);
		return st;
	}
	*out = r;
	return DTI_OK;
}

enum dti_status dti_store_ranking(struct dti_store *s, const char *cycle,
                                  const struct dti_view_opts *opts,
                                  struct dti_ranking **out,
                                  struct dti_error *err)
{
	*out = NULL;
	enum dti_status st = store_begin_read(s, err);
	if (st == DTI_OK) {
		st = store_ranking_read(s, cycle, opts, out, err);
		db_rollback(s->db);
	}
	return st;
}

void dti_ranking_free(struct dti_ranking *r)
{
	store_list_free(r);
}

/* ---- a node over every unit (for the charts) ---------------------------- */

/*
 * A mean of published values.  They are decimals at the published
 * precision, so they are summed exactly as counts of their last decimal
 * and divided once: the mean does not depend on the order of the units.
 * Counts too large to stay exact in a double fall back to a plain sum.
 */
struct mean {
	long long sum; /* counts of the last decimal */
	double fsum;
	size_t n;
	int inexact;
};

#define MEAN_EXACT_MAX 1e15 /* below 2^53, with room for one more term */

static void mean_add(struct mean *m, double v, int digits)
{
	if (isnan(v))
		return;
	double scaled = fabs(v) * dti_pow10(digits);
	if (scaled >= MEAN_EXACT_MAX ||
	    fabs((double)m->sum) >= 8.0 * MEAN_EXACT_MAX)
		m->inexact = 1;
	else
		m->sum += dti_round_scaled(v, digits);
	m->fsum += v;
	m->n++;
}

static double mean_of(const struct mean *m, int digits)
{
	if (!m->n)
		return NAN;
	if (m->inexact)
		return m->fsum / (double)m->n;
	return (double)m->sum / ((double)m->n * dti_pow10(digits));
}

enum dti_status store_view_node_stats(struct dti_store *s, const char *cycle,
                                      size_t n, const char *const *codes,
                                      const char *group, double *all,
                                      double *in_group, size_t *ranked,
                                      struct dti_error *err)
{
	struct store_cycle c;
	struct snap sn;
	enum dti_status st = open_published(s, cycle, 0, &c, &sn, NULL, err);
	for (size_t k = 0; st == DTI_OK && k < n; k++) {
		json_t *nd = find_node(sn.body, codes[k]);
		const char *code = nd ? jtext(nd, "code") : NULL;
		struct mean ma, mg;
		memset(&ma, 0, sizeof ma);
		memset(&mg, 0, sizeof mg);
		size_t nr = 0, i;
		json_t *u;
		json_array_foreach(sn.units, i, u)
		{
			if (!code)
				break;
			double v = jvalue(u, code);
			mean_add(&ma, v, sn.precision);
			const char *g = jtext(u, "group");
			if (group && *group && g && strcmp(g, group) == 0)
				mean_add(&mg, v, sn.precision);
			if (jrank(u, "ranks", code))
				nr++;
		}
		if (all)
			all[k] = mean_of(&ma, sn.precision);
		if (in_group)
			in_group[k] = mean_of(&mg, sn.precision);
		if (ranked)
			ranked[k] = nr;
	}
	snap_release(&sn);
	return st;
}

/* ---- the profile -------------------------------------------------------- */

/* A profile and what its explanation borrows. */
struct profile_priv {
	struct dti_profile pub; /* first: the caller's pointer */
	struct dti_framework *fw, *prev_fw;
	struct dti_units *units, *prev_units;
	struct dti_dataset *ds, *prev_ds;
	struct dti_result *res, *prev_res;
	int has_explanation;
};

static void profile_computed_release(struct profile_priv *p)
{
	if (p->has_explanation)
		dti_explanation_release(&p->pub.explanation);
	p->has_explanation = 0;
	dti_result_free(p->res);
	dti_result_free(p->prev_res);
	dti_dataset_free(p->ds);
	dti_dataset_free(p->prev_ds);
	dti_units_free(p->units);
	dti_units_free(p->prev_units);
	dti_framework_free(p->fw);
	dti_framework_free(p->prev_fw);
	p->res = p->prev_res = NULL;
	p->ds = p->prev_ds = NULL;
	p->units = p->prev_units = NULL;
	p->fw = p->prev_fw = NULL;
}

/* Computes a cycle from the figures the store holds (as publication). */
static enum dti_status
compute_stored(struct dti_store *s, const struct store_cycle *c,
               struct dti_framework **fw, struct dti_units **units,
               struct dti_dataset **ds, struct dti_result **res,
               struct dti_error *err)
{
	*res = NULL;
	enum dti_status st = store_build_dataset(s, c, fw, units, ds, err);
	struct dti_compute_opts co = DTI_COMPUTE_OPTS_INIT;
	co.allow_unknown = 1;
	if (st == DTI_OK)
		st = dti_compute(*fw, *ds, 0, &co, res, err);
	return st;
}

/*
 * The explanation of the profile's unit, or why there is none: a failure
 * to compute is a reason given, not an error of the profile (the numbers
 * shown are the snapshot's either way); only memory is an error.
 */
static enum dti_status
explain_unit(struct dti_store *s, const struct store_cycle *c,
             const struct snap *sn, const struct earlier *e, const char *id,
             const char *node_code, size_t top, struct profile_priv *p,
             struct dti_arena *a, int *oom, const char **why)
{
	struct dti_error e2 = DTI_ERROR_INIT;
	enum dti_status st =
	    compute_stored(s, c, &p->fw, &p->units, &p->ds, &p->res, &e2);
	char reason[512] = "";
	if (st != DTI_OK) {
		dti_snprintf(reason, sizeof reason,
		             "the cycle's figures could not be computed: %s",
		             e2.message);
	} else if (strcmp(dti_result_data_hash(p->res), sn->data_hash) != 0) {
		dti_snprintf(
		    reason, sizeof reason, "%s",
		    "the figures stored for the cycle are not the data "
		    "the snapshot was computed from (data hash "
		    "differs)");
	}
	long pos = -1;
	long node = -1;
	if (!*reason) {
		long du = dti_dataset_find_unit(p->ds, id);
		pos = du >= 0 ? dti_result_find_unit(p->res, (size_t)du) : -1;
		node = dti_framework_find(p->fw, node_code);
		if (pos < 0 || node < 0)
			dti_snprintf(reason, sizeof reason, "%s",
			             "the unit or node is not in the "
			             "recomputed result");
	}
	if (!*reason) {
		/* the recomputation must give the published value */
		json_t *u = json_object_get(sn->by_id, id);
		double pub = jvalue(u, node_code);
		double now =
		    dti_result_value(p->res, (size_t)pos, (size_t)node);
		int digits = sn->precision;
		if (isnan(pub) != isnan(now) ||
		    (!isnan(pub) && dti_round_scaled(pub, digits) !=
		                        dti_round_scaled(now, digits)))
			dti_snprintf(reason, sizeof reason, "%s",
			             "recomputed, the unit's value is not the "
			             "published one");
	}
	dti_error_release(&e2);
	if (!*reason && e->n) {
		/* the change since the most recent earlier cycle */
		struct store_cycle pc;
		st = store_load_cycle(s, e->v[0].label, &pc, &e2);
		if (st == DTI_OK)
			st = compute_stored(s, &pc, &p->prev_fw, &p->prev_units,
			                    &p->prev_ds, &p->prev_res, &e2);
		if (st == DTI_OK)
			st = dti_result_set_previous(p->res, p->prev_res, &e2);
		if (st == DTI_ENOMEM) {
			dti_error_release(&e2);
			return DTI_ENOMEM;
		}
		/* an earlier cycle that cannot be computed: no change */
		if (st != DTI_OK)
			dti_result_set_previous(p->res, NULL, NULL);
		dti_error_release(&e2);
	}
	if (!*reason) {
		struct dti_explain_opts eo = DTI_EXPLAIN_OPTS_INIT;
		eo.node = node;
		eo.top = top;
		st = dti_explain(p->res, (size_t)pos, &eo, &p->pub.explanation,
		                 &e2);
		if (st == DTI_OK)
			p->has_explanation = 1;
		else if (st == DTI_ENOMEM) {
			dti_error_release(&e2);
			return DTI_ENOMEM;
		} else
			dti_snprintf(reason, sizeof reason,
			             "no explanation: %s", e2.message);
		dti_error_release(&e2);
	}
	if (*reason) {
		profile_computed_release(p);
		*why = store_keep(a, reason, oom);
		return DTI_OK;
	}
	*why = "";
	return DTI_OK;
}

static enum dti_status profile_build(struct dti_store *s, const char *cycle,
                                     const char *unit,
                                     const struct dti_view_opts *o, int explain,
                                     struct profile_priv *p,
                                     struct dti_arena *a, struct dti_error *err)
{
	struct dti_profile *pr = &p->pub;
	struct store_cycle c;
	struct snap sn;
	struct earlier e;
	int oom = 0;
	enum dti_status st =
	    open_published(s, cycle, o->since, &c, &sn, &e, err);
	char id[64] = "";
	json_t *u = NULL;
	if (st == DTI_OK)
		st = store_cycle_unit(s, &c, unit, id, err);
	if (st == DTI_OK) {
		u = json_object_get(sn.by_id, id);
		if (!u)
			st = dti_err_set(err, DTI_ENOTFOUND, "", 0, 0, "unit",
			                 "unit %s is not in the published "
			                 "result of %s",
			                 id, c.label);
	}
	json_t *explained = NULL;
	if (st == DTI_OK) {
		const char *code =
		    o->node ? o->node : jtext(sn.body, "sorted_by");
		explained = find_node(sn.body, code);
		if (!explained)
			st = dti_err_set(err, DTI_ENOTFOUND, "", 0, 0, "node",
			                 "'%s' is not a node of the published "
			                 "result of %s",
			                 code, c.label);
	}
	json_t *nodes = json_object_get(sn.body, "nodes");
	size_t nn = json_array_size(nodes);
	struct dti_view_node *vn = NULL;
	struct dti_view_cell *cells = NULL;
	if (st == DTI_OK) {
		vn = dti_arena_alloc(a, (nn ? nn : 1) * sizeof *vn);
		cells = dti_arena_alloc(a, (nn ? nn : 1) * sizeof *cells);
		if (!vn || !cells)
			st = dti_err_nomem(err);
	}
	if (st == DTI_OK) {
		size_t i;
		json_t *nd;
		json_array_foreach(nodes, i, nd)
		{
			fill_node(&vn[i], nd, sn.units, o->lang, a, &oom);
			fill_cell(&cells[i], u, vn[i].code, &e, sn.precision, a,
			          &oom);
			if (nd == explained)
				pr->node = i;
		}
		fill_info(&pr->info, &c, &sn, &e, o->lang, a, &oom);
		pr->id = store_keep(a, id, &oom);
		pr->name = store_keep(a, jtext(u, "name"), &oom);
		pr->group = store_keep(a, jtext(u, "group"), &oom);
		pr->group_size = group_size(sn.units, jtext(u, "group"));
		pr->nnodes = nn;
		pr->nodes = vn;
		pr->cells = cells;
	}
	if (st == DTI_OK && !oom && !explain)
		pr->unexplained = "no explanation was asked for";
	if (st == DTI_OK && !oom && explain) {
		const char *why = "";
		st = explain_unit(s, &c, &sn, &e, id, jtext(explained, "code"),
		                  o->top, p, a, &oom, &why);
		if (st != DTI_OK)
			st = dti_err_nomem(err);
		pr->unexplained = why;
		pr->explained = p->has_explanation;
		pr->framework = p->fw;
		pr->result = p->res;
	}
	if (st == DTI_OK && oom)
		st = dti_err_nomem(err);
	earlier_release(&e);
	snap_release(&sn);
	return st;
}

/* A profile, inside the caller's read transaction. */
static enum dti_status profile_get(struct dti_store *s, const char *cycle,
                                   const char *unit,
                                   const struct dti_view_opts *opts,
                                   int explain, struct dti_profile **out,
                                   struct dti_error *err)
{
	*out = NULL;
	struct dti_view_opts def = DTI_VIEW_OPTS_INIT;
	const struct dti_view_opts *o = opts ? opts : &def;
	struct dti_arena *a = NULL;
	struct profile_priv *p = store_list_new(sizeof *p, &a);
	if (!p)
		return dti_err_nomem(err);
	p->pub.unexplained = "";
	enum dti_status st =
	    profile_build(s, cycle, unit, o, explain, p, a, err);
	if (st != DTI_OK) {
		dti_profile_free(&p->pub);
		return st;
	}
	*out = &p->pub;
	return DTI_OK;
}

enum dti_status dti_store_profile(struct dti_store *s, const char *cycle,
                                  const char *unit,
                                  const struct dti_view_opts *opts,
                                  struct dti_profile **out,
                                  struct dti_error *err)
{
	*out = NULL;
	enum dti_status st = store_begin_read(s, err);
	if (st == DTI_OK) {
		st = profile_get(s, cycle, unit, opts, 1, out, err);
		db_rollback(s->db);
	}
	return st;
}

enum dti_status store_profile_read(struct dti_store *s, const char *cycle,
                                   const char *unit,
                                   const struct dti_view_opts *o,
                                   struct dti_profile **out,
                                   struct dti_error *err)
{
	return profile_get(s, cycle, unit, o, 0, out, err);
}

void dti_profile_free(struct dti_profile *pub)
{
	if (!pub)
		return;
	struct profile_priv *p = (struct profile_priv *)pub;
	profile_computed_release(p);
	store_list_free(p);
}

/* ---- the preview -------------------------------------------------------- */

/* A leaf that counts in the index: scored, with a weight. */
static int scored_leaf(const struct dti_node_info *ni)
{
	return !ni->nchildren && ni->scored && ni->weight != 0 &&
	       ni->kind != DTI_KIND_STATISTIC;
}

/*
 * 1 when unit i has enough data to be ranked: its index is known, and
 * entered or computed from a figure for every scored indicator.
 */
static int enough_data(const struct dti_result *res,
                       const struct dti_framework *fw, size_t i, size_t *have,
                       size_t *scored)
{
	size_t root = dti_framework_root(fw);
	size_t h = 0, n = 0;
	for (size_t k = 0; k < dti_framework_node_count(fw); k++) {
		struct dti_node_info ni;
		dti_framework_node(fw, k, &ni);
		if (!scored_leaf(&ni))
			continue;
		n++;
		unsigned fl = dti_result_flags(res, i, k);
		if (!(fl & (DTI_CELL_MISSING | DTI_CELL_IMPUTED)))
			h++;
	}
	if (have)
		*have = h;
	if (scored)
		*scored = n;
	unsigned rf = dti_result_flags(res, i, root);
	if ((rf & DTI_CELL_UNKNOWN) || isnan(dti_result_value(res, i, root)))
		return 0;
	return (rf & DTI_CELL_ENTERED) || h == n;
}

/*
 * The most recent published cycle of c's level before it: *found = 0 when
 * there is none.
 */
static enum dti_status latest_earlier(struct dti_store *s,
                                      const struct store_cycle *c,
                                      struct snap *sn, int *found,
                                      struct dti_error *err)
{
	*found = 0;
	struct db_stmt *q = NULL;
	int row = 0;
	char label[64] = "";
	enum dti_status st = db_prepare(
	    s->db,
	    "SELECT label FROM cycles WHERE state = 'published' AND level = ? "
	    "AND year < ? ORDER BY year DESC, label LIMIT 1",
	    &q, err);
	if (st == DTI_OK) {
		db_bind_text(q, 1, c->level);
		db_bind_int(q, 2, c->year);
		st = db_step(q, &row, err);
	}
	if (st == DTI_OK && row)
		dti_snprintf(label, sizeof label, "%s", db_col_text(q, 0));
	db_finalize(q);
	if (st != DTI_OK || !*label)
		return st;
	struct store_cycle ec;
	st = store_load_cycle(s, label, &ec, err);
	if (st == DTI_OK)
		st = snap_load(s, &ec, sn, err);
	if (st == DTI_OK)
		*found = 1;
	return st;
}

/*
 * Where the preview's values would stand in last year's field: for each
 * node, the units of the earlier snapshot with a value there, the unit's
 * own earlier value replaced by its value now.  An earlier cycle that
 * cannot be read gives no ranks; only memory is an error.
 */
static enum dti_status preview_prev_ranks(struct dti_store *s,
                                          const struct store_cycle *c,
                                          const struct dti_framework *fw,
                                          struct dti_submission_preview *p,
                                          struct dti_preview_node *pn,
                                          struct dti_arena *a, int *oom)
{
	struct snap sn;
	int found = 0;
	struct dti_error e2 = DTI_ERROR_INIT;
	enum dti_status st = latest_earlier(s, c, &sn, &found, &e2);
	dti_error_release(&e2);
	if (st == DTI_ENOMEM)
		return st;
	if (st != DTI_OK || !found)
		return DTI_OK;
	p->prev_cycle = store_keep(a, sn.label, oom);
	for (size_t j = 0; j < p->nnodes; j++) {
		struct dti_preview_node *x = &pn[j];
		long k = dti_framework_find(fw, x->code);
		if (isnan(x->value) || k < 0)
			continue;
		struct dti_node_info ni;
		dti_framework_node(fw, (size_t)k, &ni);
		long long mine = dti_round_scaled(x->value, sn.precision);
		int above = 0;
		size_t ranked = 1;
		size_t i;
		json_t *u;
		json_array_foreach(sn.units, i, u)
		{
			const char *uid = jtext(u, "id");
			double v = jvalue(u, x->code);
			if (isnan(v) || (uid && strcmp(uid, p->unit) == 0))
				continue;
			ranked++;
			long long r = dti_round_scaled(v, sn.precision);
			if (ni.polarity < 0 ? r < mine : r > mine)
				above++;
		}
		if (ranked > 1) {
			x->prev_rank = above + 1;
			x->prev_ranked = ranked;
		}
	}
	snap_release(&sn);
	return DTI_OK;
}

static enum dti_status preview_build(struct dti_store *s, const char *cycle,
                                     const char *unit,
                                     struct dti_submission_preview *p,
                                     struct dti_arena *a, struct dti_error *err)
{
	struct store_cycle c;
	struct store_sub sub;
	char id[64] = "";
	int oom = 0;
	enum dti_status st = store_load_cycle(s, cycle, &c, err);
	if (st == DTI_OK)
		st = store_cycle_unit(s, &c, unit, id, err);
	if (st == DTI_OK && !store_actor_has(s, DTI_ROLE_VIEWER, id))
		st = s->actor_id
		         ? dti_err_set(err, DTI_EPERM, "", 0, 0, "user",
		                       "user '%s' may not preview the score of "
		                       "unit %s: no role on it",
		                       s->actor, id)
		         : store_require(s, DTI_ROLE_VIEWER, id,
		                         "preview a unit's score", err);
	if (st == DTI_OK && c.state == DTI_CYCLE_DRAFT)
		st = dti_err_set(err, DTI_ESTATE, "", 0, 0, "state",
		                 "cycle %s is a draft: it has no submissions "
		                 "yet",
		                 c.label);
	if (st == DTI_OK)
		st = store_load_sub(s, &c, id, &sub, err);
	if (st == DTI_OK && sub.state == DTI_SUB_EXCLUDED)
		st = dti_err_set(err, DTI_ESTATE, "", 0, 0, "state",
		                 "unit %s is excluded from cycle %s", id,
		                 c.label);
	int64_t adjusted = 0;
	if (st == DTI_OK)
		st = db_query_int(s->db, err, &adjusted, NULL,
		                  "SELECT count(*) FROM figures WHERE "
		                  "submission_id = ? AND reviewed_value IS NOT "
		                  "NULL",
		                  "i", sub.id);
	struct dti_framework *fw = NULL;
	struct dti_units *units = NULL;
	struct dti_dataset *ds = NULL;
	struct dti_result *res = NULL;
	if (st == DTI_OK)
		st = compute_stored(s, &c, &fw, &units, &ds, &res, err);
	if (st != DTI_OK) {
		dti_result_free(res);
		dti_dataset_free(ds);
		dti_units_free(units);
		dti_framework_free(fw);
		return st;
	}
	size_t n = dti_result_unit_count(res);
	long du = dti_dataset_find_unit(ds, id);
	long me = du >= 0 ? dti_result_find_unit(res, (size_t)du) : -1;
	int digits = dti_result_precision(res);
	p->cycle = store_keep(a, c.label, &oom);
	p->year = c.year;
	p->unit = store_keep(a, id, &oom);
	struct dti_dataset_unit dsu;
	memset(&dsu, 0, sizeof dsu);
	if (du >= 0)
		dti_dataset_unit(ds, (size_t)du, &dsu);
	p->name = store_keep(a, dsu.name, &oom);
	p->group = store_keep(
	    a, me >= 0 ? dti_result_unit_group(res, (size_t)me) : "", &oom);
	p->state = sub.state;
	p->precision = digits;
	p->adjusted = (size_t)adjusted;
	p->units = dti_dataset_unit_count(ds);
	/* who is counted */
	unsigned char *counted = calloc(n ? n : 1, 1);
	if (!counted)
		oom = 1;
	size_t have = 0, scored = 0;
	for (size_t i = 0; counted && i < n; i++) {
		counted[i] = (unsigned char)enough_data(res, fw, i, NULL, NULL);
		if (counted[i])
			p->counted++;
	}
	if (me >= 0) {
		p->complete = enough_data(res, fw, (size_t)me, &have, &scored);
		if (!p->complete)
			p->counted++;
	} else {
		/* no figure at all: not in the result */
		for (size_t k = 0; k < dti_framework_node_count(fw); k++) {
			struct dti_node_info ni;
			dti_framework_node(fw, k, &ni);
			if (scored_leaf(&ni))
				scored++;
		}
		p->counted++;
	}
	p->scored = scored;
	p->figures = have;
	/* the index, then sub-indices and pillars */
	size_t nn = dti_framework_node_count(fw), nv = 0;
	struct dti_preview_node *pn =
	    dti_arena_alloc(a, (nn ? nn : 1) * sizeof *pn);
	if (!pn)
		oom = 1;
	size_t root = dti_framework_root(fw);
	for (size_t pass = 0; pn && counted && pass < 2; pass++)
		for (size_t k = 0; k < nn; k++) {
			struct dti_node_info ni;
			dti_framework_node(fw, k, &ni);
			if (pass == 0
			        ? k != root
			        : (k == root || (ni.kind != DTI_KIND_SUBINDEX &&
			                         ni.kind != DTI_KIND_PILLAR)))
				continue;
			struct dti_preview_node *x = &pn[nv++];
			x->code = store_keep(a, ni.code, &oom);
			x->name_vi = store_keep(a, ni.name_vi, &oom);
			x->name_en = store_keep(a, ni.name_en, &oom);
			x->kind = dti_kind_name(ni.kind);
			x->value = NAN;
			double v = me >= 0
			               ? dti_result_value(res, (size_t)me, k)
			               : NAN;
			x->unknown =
			    me >= 0 && (dti_result_flags(res, (size_t)me, k) &
			                DTI_CELL_UNKNOWN);
			if (isnan(v))
				continue;
			long long mine = dti_result_rounded(res, (size_t)me, k);
			x->value = (double)mine / dti_pow10(digits);
			int above = 0;
			size_t ranked = 1;
			for (size_t i = 0; i < n; i++) {
				if ((long)i == me || !counted[i] ||
				    isnan(dti_result_value(res, i, k)))
					continue;
				ranked++;
				long long r = dti_result_rounded(res, i, k);
				if (ni.polarity < 0 ? r < mine : r > mine)
					above++;
			}
			x->rank = above + 1;
			x->ranked = ranked;
		}
	p->nnodes = nv;
	p->nodes = pn;
	enum dti_status pst = DTI_OK;
	if (pn && !oom)
		pst = preview_prev_ranks(s, &c, fw, p, pn, a, &oom);
	free(counted);
	dti_result_free(res);
	dti_dataset_free(ds);
	dti_units_free(units);
	dti_framework_free(fw);
	return oom || pst != DTI_OK ? dti_err_nomem(err) : DTI_OK;
}

enum dti_status dti_submission_preview(struct dti_store *s, const char *cycle,
                                       const char *unit,
                                       struct dti_submission_preview **out,
                                       struct dti_error *err)
{
	*out = NULL;
	struct dti_arena *a = NULL;
	struct dti_submission_preview *p = store_list_new(sizeof *p, &a);
	if (!p)
		return dti_err_nomem(err);
	enum dti_status st = store_begin_read(s, err);
	if (st == DTI_OK) {
		st = preview_build(s, cycle, unit, p, a, err);
		db_rollback(s->db);
	}
	if (st != DTI_OK) {
		store_list_free(p);
		return st;
	}
	*out = p;
	return DTI_OK;
}

enum dti_status dti_submission_preview_with(struct dti_store *s,
                                            const char *cycle, const char *unit,
                                            const struct dti_figure_edit *edits,
                                            size_t n,
                                            struct dti_submission_preview **out,
                                            struct dti_error *err)
{
	if (n == 0)
		return dti_submission_preview(s, cycle, unit, out, err);
	*out = NULL;
	struct dti_arena *a = NULL;
	struct dti_submission_preview *p = store_list_new(sizeof *p, &a);
	if (!p)
		return dti_err_nomem(err);
	/* the edits are made as an edit makes them, then undone */
	enum dti_status st = store_begin(s, err);
	if (st == DTI_OK) {
		st = store_edit_figures(s, cycle, unit, edits, n, 0, err);
		if (st == DTI_OK)
			st = preview_build(s, cycle, unit, p, a, err);
		db_rollback(s->db);
	}
	if (st != DTI_OK) {
		store_list_free(p);
		return st;
	}
	p->edited = 1;
	*out = p;
	return DTI_OK;
}

void dti_submission_preview_free(struct dti_submission_preview *p)
{
	store_list_free(p);
}
