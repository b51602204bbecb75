/*
 * lib/store/chartview.c - a published cycle as a chart (dti_store_chart,
 * dti/views.h): the data of the chart picked from the published views
 * and drawn by the engine's SVG charts (dti/chart.h).
 *
 * Every number is the snapshot's, as the views give it (views.c), never
 * a recomputation: values, ranks, the number of units ranked each year.
 * The means beside a unit are the means of the published values of the
 * units that have one, of all units and of the unit's group; views.c
 * sums those decimals exactly, so a mean does not depend on the order
 * of the units.  A chart reads one state of the store (one read
 * transaction) and reads each snapshot it needs once for its means; a
 * unit's profile is read without its explanation, which would recompute
 * the cycle for nothing a chart shows.
 *
 * What is drawn, and the default title, are those of 'dti chart'
 * (dti-chart(1)), which calls this: the server's pages draw the same
 * charts from the same call.  Nothing is appended to the caller's buffer
 * unless the whole chart is (the engine's rule).
 */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"

/* A `since` no cycle reaches: a view without earlier cycles, for the
   charts that do not compare (the views load none then). */
#define NO_EARLIER INT_MAX

/* What one chart shares. */
struct chart {
	struct dti_store *s;
	const char *cycle;
	const char *unit;
	struct dti_view_opts vo;  /* node, since, lang: what is read of it */
	struct dti_chart_opts co; /* the caller's, with the language set */
	int vi;
	struct dti_buf title; /* the title made from the data */
	struct dti_buf *out;
	struct dti_error *err;
};

static const char *node_label(const struct dti_view_node *nd)
{
	return nd->name && *nd->name ? nd->name : nd->code;
}

static int is_summary(const char *kind)
{
	return strcmp(kind, "index") == 0 || strcmp(kind, "subindex") == 0 ||
	       strcmp(kind, "pillar") == 0;
}

/* A cell's value as drawn: NaN when it has none or it cannot be known. */
static double cell_value(const struct dti_view_cell *c)
{
	return c->unknown ? NAN : c->value;
}

/* The default title's end: " · cycle", with the snapshot's caveats. */
static void title_tail(struct chart *c, const struct dti_view_cycle *info)
{
	dti_buf_addf(&c->title, " \xC2\xB7 %s", info->cycle);
	if (info->partial)
		dti_buf_adds(&c->title, c->vi ? " (một phần)" : " (partial)");
	if (info->synthetic)
		dti_buf_adds(&c->title, c->vi ? " (dữ liệu mô phỏng)"
		                              : " (synthetic data)");
}

/*
 * The options as drawn: the cycle's precision where the caller asked for
 * it, the title made from the data where none was given.
 */
static enum dti_status finish_opts(struct chart *c, int precision)
{
	if (c->co.decimals == DTI_CHART_DECIMALS_PUBLISHED)
		c->co.decimals = precision;
	if (dti_buf_status(&c->title))
		return dti_err_nomem(c->err);
	if (!c->co.title)
		c->co.title = c->title.data ? c->title.data : "";
	return DTI_OK;
}

/* The name of group id in the chart's language, else the id. */
static enum dti_status group_name(struct chart *c, const char *id,
                                  struct dti_buf *out)
{
	struct dti_units *u = NULL;
	enum dti_status st = store_units_read(c->s, &u, c->err);
	if (st != DTI_OK)
		return st;
	const struct dti_group_info *g = dti_units_group_find(u, id);
	const char *name = id;
	if (g && c->vi && g->name_vi && *g->name_vi)
		name = g->name_vi;
	else if (g && !c->vi && g->name_en && *g->name_en)
		name = g->name_en;
	dti_buf_adds(out, name);
	dti_units_free(u);
	return DTI_OK;
}

/*
 * The nodes of a bar chart (the index, sub-indices and pillars) or of a
 * radar (the main indicators; the sub-indices and pillars when there are
 * fewer than three): their indices into p->nodes, *n of them.
 */
static void pick_nodes(const struct dti_profile *p, int radar, size_t *idx,
                       size_t *n)
{
	for (int pass = 0; pass < 2; pass++) {
		*n = 0;
		for (size_t i = 0; i < p->nnodes; i++) {
			const char *kd = p->nodes[i].kind;
			int take = !radar  ? is_summary(kd)
			           : !pass ? strcmp(kd, "indicator") == 0
			                   : strcmp(kd, "index") != 0 &&
			                         is_summary(kd);
			if (take)
				idx[(*n)++] = i;
		}
		if (!radar || *n >= DTI_CHART_MIN_AXES)
			return;
	}
}

/* bars and radar: the unit beside the mean of all and of its group. */
static enum dti_status chart_compare(struct chart *c, int radar)
{
	struct dti_view_opts vo = c->vo;
	vo.node = NULL;
	vo.since = NO_EARLIER;
	struct dti_profile *p = NULL;
	enum dti_status st =
	    store_profile_read(c->s, c->cycle, c->unit, &vo, &p, c->err);
	if (st != DTI_OK)
		return st;
	size_t nn = p->nnodes ? p->nnodes : 1, n = 0;
	size_t *idx = malloc(nn * sizeof *idx);
	const char **labels = malloc(nn * sizeof *labels);
	const char **codes = malloc(nn * sizeof *codes);
	double *v = malloc(3 * nn * sizeof *v);
	struct dti_buf names = DTI_BUF_INIT;
	if (!idx || !labels || !codes || !v)
		st = dti_err_nomem(c->err);
	if (st == DTI_OK) {
		pick_nodes(p, radar, idx, &n);
		if (radar && n < DTI_CHART_MIN_AXES)
			st = dti_err_set(c->err, DTI_EINVALID, "", 0, 0, "axes",
			                 "cycle %s has %zu main indicators and "
			                 "pillars: a radar needs %d",
			                 p->info.cycle, n, DTI_CHART_MIN_AXES);
	}
	double *mine = v, *all = v + nn, *grp = v + 2 * nn;
	for (size_t j = 0; st == DTI_OK && j < n; j++) {
		const struct dti_view_node *nd = &p->nodes[idx[j]];
		labels[j] = node_label(nd);
		codes[j] = nd->code;
		mine[j] = cell_value(&p->cells[idx[j]]);
	}
	if (st == DTI_OK)
		st = store_view_node_stats(c->s, p->info.cycle, n, codes,
		                           p->group, all, grp, NULL, c->err);
	/* the series' names, one after the other */
	size_t at = 0;
	if (st == DTI_OK) {
		dti_buf_adds(&names,
		             c->vi ? "Trung bình chung" : "Mean of all units");
		dti_buf_addc(&names, '\0');
		at = names.len;
		if (*p->group) {
			dti_buf_adds(&names,
			             c->vi ? "Trung bình " : "Mean of ");
			st = group_name(c, p->group, &names);
		}
		dti_buf_addc(&names, '\0');
		if (st == DTI_OK && dti_buf_status(&names))
			st = dti_err_nomem(c->err);
	}
	if (st == DTI_OK) {
		dti_buf_addf(
		    &c->title, "%s: %s", p->name,
		    radar
		        ? (c->vi ? "các chỉ số chính" : "main indicators")
		        : (c->vi ? "chỉ số và trụ cột" : "index and pillars"));
		title_tail(c, &p->info);
		st = finish_opts(c, p->info.precision);
	}
	if (st == DTI_OK) {
		const struct dti_chart_series s[3] = {
		    {p->name, mine}, {names.data, all}, {names.data + at, grp}};
		size_t ns = *p->group ? 3 : 2;
		st = radar ? dti_chart_radar(&c->co, n, labels, ns, s, c->out,
		                             c->err)
		           : dti_chart_bars(&c->co, n, labels, ns, s, c->out,
		                            c->err);
	}
	dti_buf_release(&names);
	free(idx);
	free(labels);
	free(codes);
	free(v);
	dti_profile_free(p);
	return st;
}

/*
 * trend: the unit on the node in the cycle and in each earlier cycle of
 * its level, one point a year (of several cycles in a year, the view's
 * first: the cycle itself, else the most recent).
 */
static enum dti_status chart_trend(struct chart *c)
{
	struct dti_profile *p = NULL;
	enum dti_status st =
	    store_profile_read(c->s, c->cycle, c->unit, &c->vo, &p, c->err);
	if (st != DTI_OK)
		return st;
	const struct dti_view_node *nd = &p->nodes[p->node];
	const struct dti_view_cell *cell = &p->cells[p->node];
	size_t np = 0;
	struct dti_chart_point *pts = calloc(p->info.nearlier + 1, sizeof *pts);
	if (!pts)
		st = dti_err_nomem(c->err);
	else
		pts[np++] = (struct dti_chart_point){
		    p->info.year, p->info.cycle, cell_value(cell), cell->rank,
		    nd->ranked};
	for (size_t e = 0; st == DTI_OK && e < p->info.nearlier; e++) {
		const struct dti_view_earlier *ea = &p->info.earlier[e];
		int seen = 0;
		for (size_t j = 0; j < np; j++)
			seen |= pts[j].year == ea->year;
		if (seen)
			continue;
		const struct dti_view_change *ch = &cell->changes[e];
		size_t ranked = 0;
		st = store_view_node_stats(c->s, ea->cycle, 1, &nd->code, NULL,
		                           NULL, NULL, &ranked, c->err);
		pts[np++] = (struct dti_chart_point){
		    ea->year, ea->cycle, ch->value_then, ch->rank_then, ranked};
	}
	if (st == DTI_OK) {
		dti_buf_addf(&c->title, "%s: %s %s", p->name, node_label(nd),
		             c->vi ? "qua các năm" : "over the years");
		if (p->info.synthetic)
			dti_buf_adds(&c->title, c->vi ? " (dữ liệu mô phỏng)"
			                              : " (synthetic data)");
		st = finish_opts(c, p->info.precision);
	}
	if (st == DTI_OK) {
		const struct dti_chart_trend_series ts = {p->name, np, pts};
		st = dti_chart_trend(&c->co, 1, &ts,
		                     DTI_CHART_VALUES | DTI_CHART_RANKS, c->out,
		                     c->err);
	}
	free(pts);
	dti_profile_free(p);
	return st;
}

/*
 * The layout of a map: of those given, the one with a tile for the most
 * units of the ranking (the first on a tie); every unit must have one.
 */
static enum dti_status pick_layout(struct chart *c,
                                   const struct dti_ranking *rk,
                                   size_t nlayouts,
                                   const struct dti_tile_layout *const *layouts,
                                   const struct dti_tile_layout **out)
{
	*out = NULL;
	struct dti_map best = DTI_MAP_INIT;
	size_t most = 0;
	for (size_t k = 0; k < nlayouts; k++) {
		const struct dti_tile_layout *l = layouts[k];
		struct dti_map ids = DTI_MAP_INIT;
		for (size_t t = 0; l && t < l->ntiles; t++)
			if (dti_map_put(&ids, l->tiles[t].id, t)) {
				dti_map_release(&ids);
				dti_map_release(&best);
				return dti_err_nomem(c->err);
			}
		size_t n = 0;
		for (size_t i = 0; i < rk->nrows; i++)
			n += (size_t)dti_map_get(&ids, rk->rows[i].id, NULL);
		if (n > most) {
			most = n;
			*out = l;
			dti_map_release(&best);
			best = ids;
		} else {
			dti_map_release(&ids);
		}
	}
	enum dti_status st = DTI_OK;
	if (!*out)
		st = dti_err_set(c->err, DTI_ENOTFOUND, "", 0, 0, "tiles",
		                 "no tile layout has a unit of cycle %s",
		                 rk->info.cycle);
	for (size_t i = 0; st == DTI_OK && i < rk->nrows; i++)
		if (!dti_map_get(&best, rk->rows[i].id, NULL))
			st = dti_err_set(
			    c->err, DTI_ENOTFOUND, "", 0, 0, "tiles",
			    "unit %s (%s) of cycle %s has no tile "
			    "in layout %s",
			    rk->rows[i].name, rk->rows[i].id, rk->info.cycle,
			    (*out)->name ? (*out)->name : "");
	dti_map_release(&best);
	return st;
}

/* distribution and map: every unit of the ranking on the node. */
static enum dti_status chart_units(struct chart *c, int map, size_t nlayouts,
                                   const struct dti_tile_layout *const *layouts)
{
	struct dti_view_opts vo = c->vo;
	vo.since = NO_EARLIER;
	struct dti_ranking *rk = NULL;
	struct dti_chart_item *items = NULL;
	const char *hl = NULL;
	enum dti_status st =
	    store_ranking_read(c->s, c->cycle, &vo, &rk, c->err);
	if (st == DTI_OK && c->unit) {
		/* the unit marked, read as on the cycle's reference date */
		struct store_cycle cy;
		struct dti_unit_ref ref;
		st = store_load_cycle(c->s, rk->info.cycle, &cy, c->err);
		if (st == DTI_OK)
			st = store_unit_resolve(c->s, c->unit, cy.ref_date,
			                        &ref, c->err);
		for (size_t i = 0; st == DTI_OK && i < rk->nrows && !hl; i++)
			if (strcmp(rk->rows[i].id, ref.id) == 0)
				hl = rk->rows[i].id;
		if (st == DTI_OK && !hl)
			st = dti_err_set(
			    c->err, DTI_ENOTFOUND, "", 0, 0, "unit",
			    "%s (%s) is not in the published result "
			    "of cycle %s",
			    ref.name_vi, ref.id, rk->info.cycle);
	}
	if (st == DTI_OK) {
		items = calloc(rk->nrows ? rk->nrows : 1, sizeof *items);
		if (!items)
			st = dti_err_nomem(c->err);
	}
	if (st == DTI_OK) {
		for (size_t i = 0; i < rk->nrows; i++)
			items[i] = (struct dti_chart_item){
			    rk->rows[i].id, rk->rows[i].name,
			    cell_value(&rk->rows[i].cells[0])};
		dti_buf_adds(&c->title, node_label(&rk->nodes[0]));
		title_tail(c, &rk->info);
		st = finish_opts(c, rk->info.precision);
	}
	const struct dti_tile_layout *l = NULL;
	if (st == DTI_OK && map)
		st = pick_layout(c, rk, nlayouts, layouts, &l);
	if (st == DTI_OK)
		st = map ? dti_chart_tilemap(&c->co, l, rk->nrows, items, hl,
		                             c->out, c->err)
		         : dti_chart_distribution(&c->co, rk->nrows, items, hl,
		                                  c->out, c->err);
	free(items);
	dti_ranking_free(rk);
	return st;
}

enum dti_status dti_store_chart(struct dti_store *s, const char *cycle,
                                enum dti_view_chart kind, const char *unit,
                                const struct dti_view_opts *vo,
                                const struct dti_chart_opts *co,
                                size_t nlayouts,
                                const struct dti_tile_layout *const *layouts,
                                struct dti_buf *out, struct dti_error *err)
{
	static const char *const kinds[] = {"bars", "radar", "trend",
	                                    "distribution", "map"};
	if ((unsigned)kind >= sizeof kinds / sizeof kinds[0])
		return dti_err_set(
		    err, DTI_EARG, "", 0, 0, "kind",
		    "%d is no chart: expected bars, radar, trend, "
		    "distribution or map",
		    (int)kind);
	int of_unit = kind == DTI_VIEW_CHART_BARS ||
	              kind == DTI_VIEW_CHART_RADAR ||
	              kind == DTI_VIEW_CHART_TREND;
	if (of_unit && !unit)
		return dti_err_set(err, DTI_EARG, "", 0, 0, "unit",
		                   "a %s chart needs a unit", kinds[kind]);
	if (!cycle)
		return dti_err_set(err, DTI_EARG, "", 0, 0, "cycle",
		                   "no cycle named");
	struct chart c;
	memset(&c, 0, sizeof c);
	c.s = s;
	c.cycle = cycle;
	c.unit = unit;
	c.out = out;
	c.err = err;
	dti_view_opts_init(&c.vo);
	if (vo) {
		c.vo.node = vo->node;
		c.vo.since = vo->since;
		c.vo.lang = vo->lang;
	}
	c.vi = c.vo.lang == DTI_LANG_VI;
	dti_chart_opts_init(&c.co);
	if (co)
		c.co = *co;
	else
		c.co.decimals = DTI_CHART_DECIMALS_PUBLISHED;
	c.co.lang = c.vo.lang;
	enum dti_status st = store_begin_read(s, err);
	if (st != DTI_OK)
		return st;
	switch (kind) {
	case DTI_VIEW_CHART_BARS: st = chart_compare(&c, 0); break;
	case DTI_VIEW_CHART_RADAR: st = chart_compare(&c, 1); break;
	case DTI_VIEW_CHART_TREND: st = chart_trend(&c); break;
	case DTI_VIEW_CHART_DISTRIBUTION:
		st = chart_units(&c, 0, 0, NULL);
		break;
	case DTI_VIEW_CHART_MAP:
		st = chart_units(&c, 1, nlayouts, layouts);
		break;
	}
	db_rollback(s->db);
	dti_buf_release(&c.title);
	return st;
}
