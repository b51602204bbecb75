/*
 * src/cli/cmd_chart.c - dti chart: a published cycle as an SVG chart.
 *
 * The library draws (dti_store_chart, dti/views.h): the numbers of the
 * store's published views, the means beside a unit, the earlier cycles of
 * a trend, the title.  This file reads the options, passes the bundled
 * tile layouts (data/units/tiles-63.csv and tiles-34.csv, or the one
 * --tiles names) for a map, and writes the document after an XML
 * declaration.
 */
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

/* in the order of enum dti_view_chart */
static const char *const kinds[] = {"bars", "radar", "trend", "distribution",
                                    "map"};

struct args {
	const char *cycle, *by, *title, *prefix, *output, *db;
	int tiles; /* 0: automatic, 63 or 34 */
	int width, height;
	int decimals; /* DTI_CHART_DECIMALS_PUBLISHED: the cycle's */
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
		if (cli_lang(v, &a->lang))
			return cli_usage(help, MORE,
			                 "%s '%s': expected vi or en", written,
			                 v);
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

/*
 * A chart the library refused.  A size, prefix, title or number of
 * decimals that does not fit is the option's fault (exit 2).  The
 * library's own sentences (a unit not in the published result, a map
 * without its tiles, a radar without three axes) name the unit and the
 * cycle and are printed as they are; anything else (an unknown cycle,
 * unit or node, a cycle not published) after what was asked for.
 */
static int chart_fail(const char *cycle, const char *unit, enum dti_status st,
                      const struct dti_error *err)
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
	static const char *const whole[] = {"unit", "tiles", "axes"};
	for (size_t i = 0; i < sizeof whole / sizeof whole[0]; i++)
		if (strcmp(err->field, whole[i]) == 0) {
			struct dti_error e = *err;
			e.field[0] = '\0';
			return cli_store_fail(NULL, st, &e);
		}
	char what[160];
	if (unit)
		snprintf(what, sizeof what, "unit '%s' in cycle '%s'", unit,
		         cycle);
	else
		snprintf(what, sizeof what, "the ranking of cycle '%s'", cycle);
	return cli_store_fail(what, st, err);
}

/* The latest published cycle (by year, then label), into buf. */
static int latest_published(struct dti_store *s, char *buf, size_t n)
{
	struct dti_cycle_list *l = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_cycle_list(s, &l, &err);
	if (st) {
		int rc = cli_store_fail("cycles", st, &err);
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

int cmd_chart(int argc, char **argv)
{
	struct args a;
	memset(&a, 0, sizeof a);
	a.lang = cli_default_lang();
	a.decimals = DTI_CHART_DECIMALS_PUBLISHED;
	struct cli_optparse p = {chart_opts, help,        MORE,
	                         on_option,  on_argument, &a};
	int rc = cli_optparse(&p, argc, argv);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	if (a.npos == 0)
		return cli_usage(help, MORE,
		                 "which chart? bars, radar, trend, "
		                 "distribution or map");
	size_t k = 0, nk = sizeof kinds / sizeof kinds[0];
	while (k < nk && strcmp(kinds[k], a.pos[0]))
		k++;
	if (k == nk)
		return cli_usage(help, MORE,
		                 "unknown chart '%s': expected bars, radar, "
		                 "trend, distribution or map",
		                 a.pos[0]);
	int needs_unit = k == DTI_VIEW_CHART_BARS ||
	                 k == DTI_VIEW_CHART_RADAR || k == DTI_VIEW_CHART_TREND;
	if (needs_unit && a.npos != 2)
		return cli_usage(help, MORE, "%s %s", kinds[k],
		                 a.npos < 2 ? "needs a UNIT"
		                            : "takes one UNIT");
	if (!needs_unit && a.npos > 2)
		return cli_usage(help, MORE, "%s takes at most one UNIT",
		                 kinds[k]);
	if (a.by && (k == DTI_VIEW_CHART_BARS || k == DTI_VIEW_CHART_RADAR))
		return cli_usage(help, MORE,
		                 "--by applies to trend, distribution and map");
	if (a.tiles && k != DTI_VIEW_CHART_MAP)
		return cli_usage(help, MORE, "--tiles applies to map");

	struct dti_view_opts vo;
	dti_view_opts_init(&vo);
	vo.node = a.by;
	vo.lang = a.lang;
	struct dti_chart_opts co;
	dti_chart_opts_init(&co);
	co.width = a.width;
	co.height = a.height;
	co.title = a.title;
	co.id_prefix = a.prefix;
	co.decimals = a.decimals;
	/* the map: the layout asked for, else both (the library takes the
	   one with more of the cycle's units) */
	struct dti_tile_layout *tl[2] = {NULL, NULL};
	size_t ntl = 0;
	static const int sizes[2] = {63, 34};
	for (int j = 0; k == DTI_VIEW_CHART_MAP && j < 2 && !rc; j++)
		if (!a.tiles || a.tiles == sizes[j])
			rc = load_tiles(sizes[j], &tl[ntl++]);
	struct dti_store *s = NULL;
	if (!rc)
		rc = cli_open_store(a.db, NULL, 0, &s);
	char latest[64];
	const char *cycle = a.cycle;
	if (!rc && !cycle) {
		rc = latest_published(s, latest, sizeof latest);
		cycle = latest;
	}
	/* a standalone file: the XML declaration, then the chart */
	struct dti_buf out = DTI_BUF_INIT;
	dti_buf_adds(&out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	const char *unit = a.npos > 1 ? a.pos[1] : NULL;
	if (!rc) {
		struct dti_error err = DTI_ERROR_INIT;
		enum dti_status st = dti_store_chart(
		    s, cycle, (enum dti_view_chart)k, unit, &vo, &co, ntl,
		    (const struct dti_tile_layout *const *)tl, &out, &err);
		if (st)
			rc = chart_fail(cycle, unit, st, &err);
		dti_error_release(&err);
	}
	if (!rc)
		rc = cli_write(a.output, &out);
	dti_buf_release(&out);
	dti_tile_layout_free(tl[0]);
	dti_tile_layout_free(tl[1]);
	dti_store_close(s);
	return rc;
}
