/*
 * src/cli/cmd_chart.c - dti chart: a published cycle as an SVG chart.
 *
 * The numbers come from the store's published views only
 * (dti_store_ranking, dti_store_profile: values as published, never
 * recomputed); this file picks them into the typed inputs of dti/chart.h
 * and the library draws.  The means beside a unit are the plain means of
 * the published values of the units that have one (of all units, of the
 * unit's group).  The tile layouts are the bundled data/units/tiles-63.csv
 * and tiles-34.csv; the map takes the one that has the cycle's units.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "opt.h"

static const char help[] =
    "usage: dti chart bars|radar|trend|distribution|map [OPTIONS] [UNIT]\n"
    "\n"
    "Draws a published cycle of the store ($DTI_DB, else ./dti.db) as an\n"
    "SVG chart, on standard output or in -o FILE:\n"
    "\n"
    "  bars UNIT         UNIT's index and pillars beside the mean of all\n"
    "                    units and the mean of its group (region)\n"
    "  radar UNIT        UNIT's main indicators (its pillars when there\n"
    "                    are fewer than three) beside the same means\n"
    "  trend UNIT        UNIT's value and rank in the cycle and in every\n"
    "                    earlier published cycle of the same level, with\n"
    "                    the number of units ranked each year (63, 34)\n"
    "  distribution [UNIT]\n"
    "                    every unit's value, UNIT marked\n"
    "  map [UNIT]        the tile map of the provinces coloured by value,\n"
    "                    UNIT outlined\n"
    "\n"
    "UNIT is an id or a name as on the cycle's reference date (48,\n"
    "'Đà Nẵng').  The chart is a standalone SVG document with a title\n"
    "and a text alternative, in Vietnamese (--lang vi, decimal comma) or\n"
    "English; a missing value is marked, never drawn as zero.\n"
    "\n"
    "Options:\n"
    "      --cycle LABEL   the published cycle (default: the latest)\n"
    "      --by CODE       trend, distribution, map: this node instead of\n"
    "                      the index\n"
    "      --tiles N       map: the layout of the 63 provinces (until\n"
    "                      2025-06-30) or of the 34 (default: the one\n"
    "                      that has the cycle's units)\n"
    "      --width PX      width in pixels, 120..10000 (default: the\n"
    "                      chart's)\n"
    "      --height PX     height in pixels (default: what the chart\n"
    "                      needs)\n"
    "      --decimals N    decimals of the values (default: the cycle's\n"
    "                      published precision)\n"
    "      --title TEXT    the chart's title (default: from the data)\n"
    "      --id-prefix P   prefix of the ids in the SVG (default:\n"
    "                      dti-chart)\n"
    "      --lang L        vi or en (default: $DTI_LANG, else en)\n"
    "  -o, --output FILE   write to FILE (whole, or not at all)\n"
    "      --db PATH|URI   the store (default: $DTI_DB, else ./dti.db)\n"
    "\n"
    "Examples:\n"
    "  dti chart radar --cycle dti-2023 48 -o da-nang.svg\n"
    "  dti chart bars --cycle dti-2023 'Đà Nẵng' --lang vi -o bars.svg\n"
    "  dti chart trend 48 --lang vi -o trend.svg\n"
    "  dti chart distribution --cycle dti-2023 --by cqs 48 -o cqs.svg\n"
    "  dti chart map --cycle dti-2023 -o map.svg\n";

#define MORE "Try '--help' for more."

enum {
	C_CYCLE = 1,
	C_BY,
	C_TILES,
	C_WIDTH,
	C_HEIGHT,
	C_DECIMALS,
	C_TITLE,
	C_PREFIX,
	C_LANG,
	C_OUTPUT,
	C_DB
};

static const struct cli_opt chart_opts[] = {
    {"cycle", 0, 1, C_CYCLE},   {"by", 0, 1, C_BY},
    {"tiles", 0, 1, C_TILES},   {"width", 0, 1, C_WIDTH},
    {"height", 0, 1, C_HEIGHT}, {"decimals", 0, 1, C_DECIMALS},
    {"title", 0, 1, C_TITLE},   {"id-prefix", 0, 1, C_PREFIX},
    {"lang", 0, 1, C_LANG},     {"output", 'o', 1, C_OUTPUT},
    {"db", 0, 1, C_DB},         {NULL, 0, 0, 0}};

enum kind { K_BARS, K_RADAR, K_TREND, K_DIST, K_MAP };
static const char *const kinds[] = {"bars", "radar", "trend", "distribution",
                                    "map"};

struct args {
	const char *cycle, *by, *title, *prefix, *output, *db;
	int tiles; /* 0: automatic, 63 or 34 */
	int width, height;
	int decimals; /* -1: the cycle's published precision */
	enum dti_lang lang;
	const char *pos[3];
	size_t npos;
};

/* n in lo..hi from a whole decimal number, or -1 */
static long number(const char *s, long lo, long hi)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (!*s || *end || v < lo || v > hi)
		return -1;
	return v;
}

static int on_option(void *ctx, const struct cli_opt *o, const char *v,
                     const char *written)
{
	struct args *a = ctx;
	long n;
	switch (o->id) {
	case C_CYCLE: a->cycle = v; break;
	case C_BY: a->by = v; break;
	case C_TITLE: a->title = v; break;
	case C_PREFIX: a->prefix = v; break;
	case C_OUTPUT: a->output = v; break;
	case C_DB: a->db = v; break;
	case C_TILES:
		if (strcmp(v, "63") && strcmp(v, "34"))
			return cli_usage(help, MORE,
			                 "%s '%s': expected 63 or 34", written,
			                 v);
		a->tiles = v[0] == '6' ? 63 : 34;
		break;
	case C_WIDTH:
	case C_HEIGHT:
		n = number(v, DTI_CHART_MIN_SIZE, DTI_CHART_MAX_SIZE);
		if (n < 0)
			return cli_usage(
			    help, MORE, "%s '%s': expected %d..%d pixels",
			    written, v, DTI_CHART_MIN_SIZE, DTI_CHART_MAX_SIZE);
		*(o->id == C_WIDTH ? &a->width : &a->height) = (int)n;
		break;
	case C_DECIMALS:
		n = number(v, 0, DTI_CHART_MAX_DECIMALS);
		if (n < 0)
			return cli_usage(help, MORE, "%s '%s': expected 0..%d",
			                 written, v, DTI_CHART_MAX_DECIMALS);
		a->decimals = (int)n;
		break;
	case C_LANG:
		if (strcmp(v, "vi") && strcmp(v, "en"))
			return cli_usage(help, MORE,
			                 "%s '%s': expected vi or en", written,
			                 v);
		a->lang = v[0] == 'v' ? DTI_LANG_VI : DTI_LANG_EN;
		break;
	}
	return 0;
}

static int on_argument(void *ctx, const char *arg)
{
	struct args *a = ctx;
	if (a->npos >= sizeof a->pos / sizeof a->pos[0])
		return cli_usage(help, MORE, "too many arguments (%s)", arg);
	a->pos[a->npos++] = arg;
	return 0;
}

/* What every chart of one run shares. */
struct run {
	struct args *a;
	struct dti_store *s;
	const char *cycle; /* the cycle drawn */
	int vi;
	struct dti_chart_opts co;
	struct dti_buf out;
	struct dti_buf title; /* the default title */
};

/* Reports a failed library call; returns the exit code. */
static int fail(const char *what, enum dti_status st,
                const struct dti_error *err)
{
	return cli_store_fail(what, st, err);
}

/*
 * A chart the library refused: a size or prefix that does not fit is the
 * option's fault (exit 2), anything else the data's.
 */
static int chart_fail(enum dti_status st, const struct dti_error *err)
{
	static const struct {
		const char *field, *option;
	} opt_of[] = {{"width", "--width"},
	              {"height", "--height"},
	              {"id_prefix", "--id-prefix"},
	              {"decimals", "--decimals"},
	              {"title", "--title"}};
	for (size_t i = 0; i < sizeof opt_of / sizeof opt_of[0]; i++)
		if (strcmp(err->field, opt_of[i].field) == 0) {
			fprintf(stderr, "dti: %s: %s\n", opt_of[i].option,
			        err->message);
			return EXIT_USAGE;
		}
	cli_error("chart", err);
	return cli_exit_for(st, EXIT_DATA);
}

/* The latest published cycle (by year, then label), into buf. */
static int latest_published(struct dti_store *s, char *buf, size_t n)
{
	struct dti_cycle_list *l = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_cycle_list(s, &l, &err);
	if (st) {
		int rc = fail("cycles", st, &err);
		dti_error_release(&err);
		return rc;
	}
	buf[0] = '\0';
	for (size_t i = 0; i < l->n; i++)
		if (l->cycles[i].state == DTI_CYCLE_PUBLISHED)
			snprintf(buf, n, "%s", l->cycles[i].label);
	dti_cycle_list_free(l);
	if (!buf[0]) {
		fprintf(stderr, "dti: no published cycle in the store: "
		                "publish one, or name one with --cycle\n");
		return EXIT_STATE;
	}
	return EXIT_OK;
}

/* The default title's end: " · cycle", with the snapshot's caveats. */
static void title_tail(struct run *r, const struct dti_view_cycle *c)
{
	dti_buf_addf(&r->title, " \xC2\xB7 %s", c->cycle);
	if (c->partial)
		dti_buf_adds(&r->title, r->vi ? " (một phần)" : " (partial)");
	if (c->synthetic)
		dti_buf_adds(&r->title, r->vi ? " (dữ liệu mô phỏng)"
		                              : " (synthetic data)");
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

/* The mean of the published values on node `code` of all units and of
   the units of `group` ("" : none). */
static int node_means(struct run *r, const char *code, const char *group,
                      double *all, double *in_group)
{
	struct dti_view_opts vo;
	dti_view_opts_init(&vo);
	vo.node = code;
	struct dti_ranking *rk = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_store_ranking(r->s, r->cycle, &vo, &rk, &err);
	if (st) {
		char what[160];
		snprintf(what, sizeof what, "node '%s' of cycle '%s'", code,
		         r->cycle);
		int rc = fail(what, st, &err);
		dti_error_release(&err);
		return rc;
	}
	double sa = 0, sg = 0;
	size_t na = 0, ng = 0;
	for (size_t i = 0; i < rk->nrows; i++) {
		double v = cell_value(&rk->rows[i].cells[0]);
		if (isnan(v))
			continue;
		sa += v;
		na++;
		if (*group && strcmp(rk->rows[i].group, group) == 0) {
			sg += v;
			ng++;
		}
	}
	*all = na ? sa / (double)na : NAN;
	*in_group = ng ? sg / (double)ng : NAN;
	dti_ranking_free(rk);
	return EXIT_OK;
}

/* The name of group id in the language asked for, else the id. */
static void group_name(struct run *r, const char *id, struct dti_buf *out)
{
	struct dti_units *u = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	const char *name = id;
	if (dti_store_units(r->s, &u, &err) == DTI_OK) {
		const struct dti_group_info *g = dti_units_group_find(u, id);
		if (g && r->vi && g->name_vi && *g->name_vi)
			name = g->name_vi;
		else if (g && !r->vi && g->name_en && *g->name_en)
			name = g->name_en;
	}
	dti_buf_adds(out, name);
	dti_units_free(u);
	dti_error_release(&err);
}

/* bars and radar: the unit beside the mean of all and of its group. */
static int chart_compare(struct run *r, enum kind k, const char *unit)
{
	struct dti_view_opts vo;
	dti_view_opts_init(&vo);
	vo.lang = r->a->lang;
	struct dti_profile *p = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st =
	    dti_store_profile(r->s, r->cycle, unit, &vo, &p, &err);
	if (st) {
		char what[160];
		snprintf(what, sizeof what, "unit '%s' in cycle '%s'", unit,
		         r->cycle);
		int rc = fail(what, st, &err);
		dti_error_release(&err);
		return rc;
	}
	if (r->a->decimals < 0)
		r->co.decimals = p->info.precision;
	/* the nodes drawn: bars the index and pillars; radar the main
	   indicators, else the pillars */
	size_t idx[DTI_CHART_MAX_BARS], n = 0;
	for (int pass = 0; pass < 2 && n < 3; pass++) {
		n = 0;
		for (size_t i = 0; i < p->nnodes && n < DTI_CHART_MAX_BARS;
		     i++) {
			const char *kd = p->nodes[i].kind;
			int take = k == K_BARS ? is_summary(kd)
			           : pass == 0 ? strcmp(kd, "indicator") == 0
			                       : strcmp(kd, "index") != 0 &&
			                             is_summary(kd);
			if (take)
				idx[n++] = i;
		}
		if (k == K_BARS)
			break;
	}
	int rc = EXIT_OK;
	if (k == K_RADAR && n < DTI_CHART_MIN_AXES) {
		fprintf(stderr,
		        "dti: cycle %s has %zu main indicators and pillars: "
		        "a radar needs %d\n",
		        r->cycle, n, DTI_CHART_MIN_AXES);
		rc = EXIT_DATA;
	}
	const char *labels[DTI_CHART_MAX_BARS];
	double mine[DTI_CHART_MAX_BARS], all[DTI_CHART_MAX_BARS],
	    grp[DTI_CHART_MAX_BARS];
	for (size_t j = 0; !rc && j < n; j++) {
		const struct dti_view_node *nd = &p->nodes[idx[j]];
		labels[j] = nd->name && *nd->name ? nd->name : nd->code;
		mine[j] = cell_value(&p->cells[idx[j]]);
		rc = node_means(r, nd->code, p->group, &all[j], &grp[j]);
	}
	if (!rc) {
		struct dti_buf names = DTI_BUF_INIT;
		dti_buf_adds(&names,
		             r->vi ? "Trung bình chung" : "Mean of all units");
		dti_buf_addc(&names, '\0');
		size_t at = names.len;
		if (*p->group) {
			dti_buf_adds(&names,
			             r->vi ? "Trung bình " : "Mean of ");
			group_name(r, p->group, &names);
		}
		dti_buf_addc(&names, '\0');
		struct dti_chart_series s[3] = {
		    {p->name, mine},
		    {names.data ? names.data : "", all},
		    {names.data ? names.data + at : "", grp}};
		size_t ns = *p->group ? 3 : 2;
		dti_buf_addf(
		    &r->title, "%s: %s", p->name,
		    k == K_BARS
		        ? (r->vi ? "chỉ số và trụ cột" : "index and pillars")
		        : (r->vi ? "các chỉ số chính" : "main indicators"));
		title_tail(r, &p->info);
		if (!r->a->title)
			r->co.title = r->title.data;
		if (dti_buf_status(&names) || dti_buf_status(&r->title)) {
			fprintf(stderr, "dti: out of memory\n");
			rc = EXIT_INTERNAL;
		} else {
			st = k == K_BARS
			         ? dti_chart_bars(&r->co, n, labels, ns, s,
			                          &r->out, &err)
			         : dti_chart_radar(&r->co, n, labels, ns, s,
			                           &r->out, &err);
			if (st) {
				rc = chart_fail(st, &err);
			}
		}
		dti_buf_release(&names);
	}
	dti_error_release(&err);
	dti_profile_free(p);
	return rc;
}

/* The number of units ranked on node `code` in cycle, 0 if unknown. */
static size_t ranked_in(struct run *r, const char *cycle, const char *code)
{
	struct dti_view_opts vo;
	dti_view_opts_init(&vo);
	vo.node = code;
	struct dti_ranking *rk = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	size_t n = 0;
	if (dti_store_ranking(r->s, cycle, &vo, &rk, &err) == DTI_OK)
		n = rk->nodes[0].ranked;
	dti_ranking_free(rk);
	dti_error_release(&err);
	return n;
}

static int chart_trend(struct run *r, const char *unit)
{
	struct dti_view_opts vo;
	dti_view_opts_init(&vo);
	vo.lang = r->a->lang;
	vo.node = r->a->by;
	struct dti_profile *p = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st =
	    dti_store_profile(r->s, r->cycle, unit, &vo, &p, &err);
	if (st) {
		char what[160];
		snprintf(what, sizeof what, "unit '%s' in cycle '%s'", unit,
		         r->cycle);
		int rc = fail(what, st, &err);
		dti_error_release(&err);
		return rc;
	}
	if (r->a->decimals < 0)
		r->co.decimals = p->info.precision;
	const struct dti_view_node *nd = &p->nodes[p->node];
	const struct dti_view_cell *c = &p->cells[p->node];
	size_t np = 0;
	struct dti_chart_point *pts = calloc(p->info.nearlier + 1, sizeof *pts);
	int rc = EXIT_OK;
	if (!pts) {
		fprintf(stderr, "dti: out of memory\n");
		rc = EXIT_INTERNAL;
	}
	if (pts)
		pts[np++] = (struct dti_chart_point){
		    p->info.year, p->info.cycle, cell_value(c), c->rank,
		    nd->ranked};
	/* earlier cycles, most recent first: the first of each year */
	for (size_t e = 0; pts && e < p->info.nearlier; e++) {
		const struct dti_view_earlier *ea = &p->info.earlier[e];
		int seen = 0;
		for (size_t j = 0; j < np; j++)
			seen |= pts[j].year == ea->year;
		if (seen)
			continue;
		const struct dti_view_change *ch = &c->changes[e];
		pts[np++] = (struct dti_chart_point){
		    ea->year, ea->cycle, ch->value_then, ch->rank_then,
		    ranked_in(r, ea->cycle, nd->code)};
	}
	if (!rc) {
		dti_buf_addf(&r->title, "%s: %s %s", p->name,
		             nd->name && *nd->name ? nd->name : nd->code,
		             r->vi ? "qua các năm" : "over the years");
		if (p->info.synthetic)
			dti_buf_adds(&r->title, r->vi ? " (dữ liệu mô phỏng)"
			                              : " (synthetic data)");
		if (!r->a->title)
			r->co.title = r->title.data;
		struct dti_chart_trend_series ts = {p->name, np, pts};
		st = dti_chart_trend(&r->co, 1, &ts,
		                     DTI_CHART_VALUES | DTI_CHART_RANKS,
		                     &r->out, &err);
		if (st) {
			rc = chart_fail(st, &err);
		}
	}
	free(pts);
	dti_error_release(&err);
	dti_profile_free(p);
	return rc;
}

/* The bundled tile layout tiles-N.csv, parsed. */
static int load_tiles(int n, struct dti_tile_layout **out)
{
	char name[32];
	snprintf(name, sizeof name, "tiles-%d.csv", n);
	const struct dti_embedded_file *f = cli_embedded(name);
	if (!f) {
		fprintf(stderr, "dti: no bundled tile layout %s\n", name);
		return EXIT_INTERNAL;
	}
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st =
	    dti_tile_layout_parse(f->data, f->len, f->name, out, &err);
	if (st)
		cli_error("tiles", &err);
	dti_error_release(&err);
	return st ? EXIT_INTERNAL : EXIT_OK;
}

/* How many rows of the ranking have a tile in l. */
static size_t tiled(const struct dti_tile_layout *l,
                    const struct dti_ranking *rk)
{
	size_t n = 0;
	for (size_t i = 0; i < rk->nrows; i++)
		for (size_t t = 0; t < l->ntiles; t++)
			if (strcmp(l->tiles[t].id, rk->rows[i].id) == 0) {
				n++;
				break;
			}
	return n;
}

/* distribution and map: every unit of the ranking on the node. */
static int chart_units(struct run *r, enum kind k, const char *unit)
{
	struct dti_view_opts vo;
	dti_view_opts_init(&vo);
	vo.lang = r->a->lang;
	vo.node = r->a->by;
	struct dti_ranking *rk = NULL;
	struct dti_tile_layout *tl[2] = {NULL, NULL};
	struct dti_chart_item *items = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	const char *hl = NULL;
	struct dti_unit_ref ref;
	int rc = EXIT_OK;
	enum dti_status st = dti_store_ranking(r->s, r->cycle, &vo, &rk, &err);
	if (st) {
		char what[160];
		snprintf(what, sizeof what, "the ranking of cycle '%s'",
		         r->cycle);
		rc = fail(what, st, &err);
		goto done;
	}
	if (r->a->decimals < 0)
		r->co.decimals = rk->info.precision;
	if (unit) {
		st =
		    dti_store_unit_find(r->s, unit, r->cycle, NULL, &ref, &err);
		if (st) {
			char what[160];
			snprintf(what, sizeof what, "unit '%s'", unit);
			rc = fail(what, st, &err);
			goto done;
		}
		for (size_t i = 0; i < rk->nrows && !hl; i++)
			if (strcmp(rk->rows[i].id, ref.id) == 0)
				hl = rk->rows[i].id;
		if (!hl) {
			fprintf(stderr,
			        "dti: %s (%s) is not in the published result "
			        "of cycle %s\n",
			        ref.name_vi, ref.id, r->cycle);
			rc = EXIT_NOTFOUND;
			goto done;
		}
	}
	items = calloc(rk->nrows ? rk->nrows : 1, sizeof *items);
	if (!items) {
		fprintf(stderr, "dti: out of memory\n");
		rc = EXIT_INTERNAL;
		goto done;
	}
	for (size_t i = 0; i < rk->nrows; i++)
		items[i] =
		    (struct dti_chart_item){rk->rows[i].id, rk->rows[i].name,
		                            cell_value(&rk->rows[i].cells[0])};
	const struct dti_view_node *nd = &rk->nodes[0];
	dti_buf_adds(&r->title, nd->name && *nd->name ? nd->name : nd->code);
	title_tail(r, &rk->info);
	if (!r->a->title)
		r->co.title = r->title.data;
	if (k == K_DIST) {
		st = dti_chart_distribution(&r->co, rk->nrows, items, hl,
		                            &r->out, &err);
	} else {
		/* the layout asked for, else the one with more of the units */
		int sizes[2] = {63, 34};
		for (int j = 0; j < 2 && !rc; j++)
			if (!r->a->tiles || r->a->tiles == sizes[j])
				rc = load_tiles(sizes[j], &tl[j]);
		if (rc)
			goto done;
		struct dti_tile_layout *l = tl[0];
		if (!l || (tl[1] && tiled(tl[1], rk) > tiled(tl[0], rk)))
			l = tl[1];
		for (size_t i = 0; i < rk->nrows; i++) {
			int has = 0;
			for (size_t t = 0; t < l->ntiles && !has; t++)
				has =
				    strcmp(l->tiles[t].id, rk->rows[i].id) == 0;
			if (!has) {
				fprintf(stderr,
				        "dti: unit %s (%s) of cycle %s has no "
				        "tile in layout %s\n",
				        rk->rows[i].name, rk->rows[i].id,
				        r->cycle, l->name);
				rc = EXIT_NOTFOUND;
				goto done;
			}
		}
		st = dti_chart_tilemap(&r->co, l, rk->nrows, items, hl, &r->out,
		                       &err);
	}
	if (st) {
		rc = chart_fail(st, &err);
	}
done:
	free(items);
	dti_tile_layout_free(tl[0]);
	dti_tile_layout_free(tl[1]);
	dti_ranking_free(rk);
	dti_error_release(&err);
	return rc;
}

int cmd_chart(int argc, char **argv)
{
	struct args a;
	memset(&a, 0, sizeof a);
	const char *l = getenv("DTI_LANG");
	a.lang = l && strncmp(l, "vi", 2) == 0 ? DTI_LANG_VI : DTI_LANG_EN;
	a.decimals = -1;
	struct cli_optparse p = {chart_opts, help,        MORE,
	                         on_option,  on_argument, &a};
	int rc = cli_optparse(&p, argc, argv);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	if (a.npos == 0)
		return cli_usage(help, MORE,
		                 "which chart? bars, radar, trend, "
		                 "distribution or map");
	enum kind k = K_BARS;
	size_t nk = sizeof kinds / sizeof kinds[0];
	while ((size_t)k < nk && strcmp(kinds[k], a.pos[0]))
		k++;
	if ((size_t)k == nk)
		return cli_usage(help, MORE,
		                 "unknown chart '%s': expected bars, radar, "
		                 "trend, distribution or map",
		                 a.pos[0]);
	int needs_unit = k == K_BARS || k == K_RADAR || k == K_TREND;
	if (needs_unit && a.npos != 2)
		return cli_usage(help, MORE, "%s %s", kinds[k],
		                 a.npos < 2 ? "needs a UNIT"
		                            : "takes one UNIT");
	if (!needs_unit && a.npos > 2)
		return cli_usage(help, MORE, "%s takes at most one UNIT",
		                 kinds[k]);
	if (a.by && (k == K_BARS || k == K_RADAR))
		return cli_usage(help, MORE,
		                 "--by applies to trend, distribution and map");
	if (a.tiles && k != K_MAP)
		return cli_usage(help, MORE, "--tiles applies to map");

	struct run r;
	memset(&r, 0, sizeof r);
	r.a = &a;
	r.vi = a.lang == DTI_LANG_VI;
	dti_chart_opts_init(&r.co);
	r.co.lang = a.lang;
	r.co.width = a.width;
	r.co.height = a.height;
	r.co.title = a.title;
	r.co.id_prefix = a.prefix;
	if (a.decimals >= 0)
		r.co.decimals = a.decimals;
	rc = cli_open_store(a.db, NULL, 0, &r.s);
	if (rc)
		return rc;
	char latest[64];
	r.cycle = a.cycle;
	if (!r.cycle) {
		rc = latest_published(r.s, latest, sizeof latest);
		r.cycle = latest;
	}
	/* a standalone file: the XML declaration, then the chart */
	dti_buf_adds(&r.out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	size_t head = r.out.len;
	const char *unit = a.npos > 1 ? a.pos[1] : NULL;
	if (!rc)
		rc = k == K_BARS || k == K_RADAR ? chart_compare(&r, k, unit)
		     : k == K_TREND              ? chart_trend(&r, unit)
		                                 : chart_units(&r, k, unit);
	if (!rc && r.out.len > head)
		rc = cli_write(a.output, &r.out);
	dti_buf_release(&r.out);
	dti_buf_release(&r.title);
	dti_store_close(r.s);
	return rc;
}
