/*
 * src/cli/cmd_plan.c - the analysis commands: dti plan (what to raise to
 * reach a rank or a value: dti_plan, dti/plan.h), dti whatif (the values
 * and ranks a unit would have with some figures changed: the compiled
 * model of dti/compute.h), dti stats (dti/stats.h), dti uncertainty and
 * dti sensitivity (dti/analysis.h); their --svg charts are drawn by
 * analysis_svg.c.
 *
 * Both read a data file as compute does (cli_run_compute); the unit is
 * named by id or as people write it, resolved through the registry on
 * the cycle's date like explain's.  Figures given on the command line are
 * read as a data file's cells (dti_parse_figure: "0,8", "80%", "có").
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char plan_help[] =
    "usage: dti plan DATA UNIT --target-rank N [OPTIONS]\n"
    "       dti plan DATA UNIT --target-value V [OPTIONS]\n"
    "\n"
    "What UNIT must raise, with the other units as they are, to reach\n"
    "rank N (or better) or the value V on the index (or --by's node):\n"
    "the least total effort of indicator gains, each within its rule's\n"
    "maximum (or --cap), effort being the value an indicator gains\n"
    "times its cost (1, or --cost).  Each step is said as the figure to\n"
    "reach and what it adds; the plan is computed to give its value and\n"
    "rank.  Exact on arithmetic means of absolute rules (the DTI's);\n"
    "yes/no and thresholds move by whole steps.  A target out of reach\n"
    "says what the unit could reach at most.  Aggregates are computed\n"
    "from their indicators, even where the data enter them.\n"
    "\n"
    "Options:\n"
    "      --target-rank N     the rank to reach\n"
    "      --target-value V    the value to reach (0..the scale)\n"
    "      --by CODE           the node targeted (default: the index)\n"
    "      --cost IND=C        effort of one unit of IND's value (default 1;\n"
    "                          repeatable)\n"
    "      --cap IND=FIGURE    the highest figure IND can reach (\"80%\";\n"
    "                          repeatable)\n"
    "  -f, --framework F       framework file or bundled id\n"
    "      --cycle LABEL       the cycle of DATA (default: the latest)\n"
    "      --units FILE        units registry\n"
    "      --format F          table (default) or json\n"
    "      --lang L            vi or en\n"
    "  -o, --output FILE       write to FILE\n"
    "\n"
    "Examples:\n"
    "  dti plan dti-2022-top5.csv 'Quảng Ninh' --target-rank 2 -f "
    "pdti-2022\n"
    "  dti plan data.csv 'Đà Nẵng' --target-value 0,75 --cap "
    "econ_activity=0,9 --lang vi\n";

static const char whatif_help[] =
    "usage: dti whatif DATA UNIT IND=FIGURE... [OPTIONS]\n"
    "\n"
    "UNIT's value and rank on the index, each pillar and each indicator\n"
    "changed, before and after its figures are set as given (written as\n"
    "in a data file: 0,8, 80%, có/không), the other units as they are;\n"
    "aggregates computed from their indicators.\n"
    "\n"
    "Options:\n"
    "  -f, --framework F       framework file or bundled id\n"
    "      --cycle LABEL       the cycle of DATA (default: the latest)\n"
    "      --units FILE        units registry\n"
    "      --format F          table (default) or json\n"
    "      --lang L            vi or en\n"
    "  -o, --output FILE       write to FILE\n"
    "\n"
    "Examples:\n"
    "  dti whatif dti-2022-top5.csv 'Quảng Ninh' econ_activity=0,75 -f "
    "pdti-2022\n";

/* The dataset unit named `text` (id, or a name of the registry), or -1. */
static long unit_of(const struct cli_run *r, const char *text)
{
	long du = dti_dataset_find_unit(r->ds, text);
	if (du >= 0)
		return du;
	if (r->units) {
		char date[16] = "";
		const char *cyc = dti_result_cycle(r->res);
		if (strlen(cyc) == 4)
			snprintf(date, sizeof date, "%s-12-31", cyc);
		size_t idx;
		struct dti_error err = DTI_ERROR_INIT;
		enum dti_status st = dti_units_find(
		    r->units, text, *date ? date : NULL, &idx, &err);
		if (st) {
			fprintf(stderr, "dti: %s\n", err.message);
			dti_error_release(&err);
			return -1;
		}
		dti_error_release(&err);
		struct dti_unit_info ui;
		dti_units_get(r->units, idx, &ui);
		du = dti_dataset_find_unit(r->ds, ui.id);
		if (du >= 0)
			return du;
	}
	fprintf(stderr, "dti: no unit '%s' in the data of cycle %s\n", text,
	        dti_result_cycle(r->res));
	return -1;
}

/* A number as people write it: "0,75" or "0.75". */
static int number(const char *s, double *v)
{
	char tmp[64];
	snprintf(tmp, sizeof tmp, "%s", s);
	for (char *c = tmp; *c; c++)
		if (*c == ',')
			*c = '.';
	char *end;
	*v = strtod(tmp, &end);
	return *tmp && !*end && isfinite(*v) ? 0 : -1;
}

/* IND=TEXT: the node and the text after '='; -1 after a message. */
static long ind_of(const struct dti_framework *fw, const char *arg,
                   const char **text)
{
	const char *eq = strchr(arg, '=');
	char code[256];
	snprintf(code, sizeof code, "%.*s",
	         (int)(eq ? (size_t)(eq - arg) : strlen(arg)), arg);
	long k = eq ? dti_framework_find(fw, code) : -1;
	if (!eq)
		fprintf(stderr, "dti: '%s': expected IND=FIGURE\n", arg);
	else if (k < 0)
		fprintf(stderr, "dti: '%s' is not a node of framework '%s'\n",
		        code, dti_framework_id(fw));
	*text = eq ? eq + 1 : "";
	return k;
}

/* The figure IND=TEXT gives, read as a data file's cell; -1 on a fault. */
static int figure_of(const struct dti_framework *fw, size_t k, const char *text,
                     char decimal, double *v)
{
	char why[300];
	if (dti_parse_figure(fw, k, text, decimal, v, why, sizeof why) ||
	    isnan(*v)) {
		struct dti_node_info ni;
		dti_framework_node(fw, k, &ni);
		fprintf(stderr, "dti: %s: %s\n", ni.code,
		        *why ? why : "no figure");
		return -1;
	}
	return 0;
}

static size_t cycle_index(const struct cli_run *r)
{
	long c = dti_dataset_find_cycle(r->ds, dti_result_cycle(r->res));
	return c < 0 ? 0 : (size_t)c;
}

int cmd_plan(int argc, char **argv)
{
	struct cli_opts o;
	int rc = cli_parse(argc, argv,
	                   OPT_COMPUTE | OPT_OUTPUT | OPT_TABLE | OPT_UNITS |
	                       OPT_PLAN,
	                   plan_help, &o);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	if (o.nargs != 2) {
		fprintf(stderr, "dti: plan needs DATA and UNIT\n");
		return EXIT_USAGE;
	}
	if (o.format != DTI_FORMAT_TABLE && o.format != DTI_FORMAT_JSON) {
		fprintf(stderr, "dti: a plan is written as a table or json\n");
		return EXIT_USAGE;
	}
	double tv = NAN;
	if (o.target_value && number(o.target_value, &tv)) {
		fprintf(stderr, "dti: --target-value '%s': not a number\n",
		        o.target_value);
		return EXIT_USAGE;
	}
	if (!o.target_rank == !o.target_value) {
		fprintf(stderr, "dti: give --target-rank N or --target-value "
		                "V (one of them)\n");
		return EXIT_USAGE;
	}
	const char *unit = o.args[1];
	o.nargs = 1;
	o.no_previous = 1;
	/* aggregates follow their indicators, even where the data enter
	   them (published files hold the index as published) */
	o.compute.recompute = 1;
	struct cli_run r;
	rc = cli_run_compute(&o, &r);
	if (rc) {
		cli_run_release(&r);
		return rc;
	}
	size_t nn = dti_framework_node_count(r.fw);
	double *cost = malloc(nn * sizeof *cost),
	       *cap = malloc(nn * sizeof *cap);
	if (!cost || !cap) {
		fprintf(stderr, "dti: out of memory\n");
		rc = EXIT_INTERNAL;
	}
	for (size_t k = 0; !rc && k < nn; k++)
		cost[k] = cap[k] = NAN;
	for (size_t i = 0; !rc && i < o.nplan_opts; i++) {
		const char *text;
		long k = ind_of(r.fw, o.plan_opts[i].text, &text);
		if (k < 0) {
			rc = EXIT_USAGE;
			break;
		}
		if (o.plan_opts[i].cap) {
			if (figure_of(r.fw, (size_t)k, text, o.read.decimal,
			              &cap[k]))
				rc = EXIT_USAGE;
		} else if (number(text, &cost[k]) || !(cost[k] > 0)) {
			fprintf(stderr,
			        "dti: --cost %s: a cost is a number above 0\n",
			        o.plan_opts[i].text);
			rc = EXIT_USAGE;
		}
	}
	struct dti_plan_opts po;
	dti_plan_opts_init(&po);
	po.target_rank = o.target_rank;
	po.target_value = tv;
	po.cost = cost;
	po.cap = cap;
	if (!rc)
		rc = cli_by_node(&o, r.fw, &po.node);
	long du = rc ? -1 : unit_of(&r, unit);
	if (!rc && du < 0)
		rc = EXIT_NOTFOUND;
	if (!rc) {
		struct dti_dataset_unit x;
		dti_dataset_unit(r.ds, (size_t)du, &x);
		struct dti_plan p;
		struct dti_error err = DTI_ERROR_INIT;
		struct dti_buf out = DTI_BUF_INIT;
		enum dti_status st = dti_plan(r.fw, r.ds, cycle_index(&r),
		                              &o.compute, x.id, &po, &p, &err);
		if (!st)
			st = dti_plan_write(&p, o.format, o.lang, &out, &err);
		if (st) {
			cli_error(NULL, &err);
			rc = cli_exit_for(st, EXIT_USAGE);
		} else {
			rc = cli_write(o.output, &out);
		}
		dti_plan_release(&p);
		dti_buf_release(&out);
		dti_error_release(&err);
	}
	free(cost);
	free(cap);
	cli_run_release(&r);
	return rc;
}

/* ---- whatif -------------------------------------------------------------- */

struct row {
	size_t node;
	double v0, v1;
	int r0, r1;
};

static void put_num(struct dti_buf *b, double v, int d, int vi)
{
	dti_buf_add_decimal(b, v, d, vi ? ',' : '.', "–");
}

static void whatif_text(const struct cli_run *r, const struct row *rows,
                        size_t n, const char *name, int vi, int d,
                        struct dti_buf *b)
{
	dti_buf_addf(b,
	             vi ? "%s — nếu thay đổi số liệu như trên (các đơn vị "
	                  "khác giữ nguyên):\n"
	                : "%s — with these figures (the other units as "
	                  "they are):\n",
	             name);
	for (size_t i = 0; i < n; i++) {
		struct dti_node_info ni;
		dti_framework_node(r->fw, rows[i].node, &ni);
		dti_buf_addf(b, "  %-18s ", ni.code);
		put_num(b, rows[i].v0, d, vi);
		dti_buf_adds(b, " → ");
		put_num(b, rows[i].v1, d, vi);
		if (rows[i].r0 > 0 || rows[i].r1 > 0) {
			dti_buf_addf(b,
			             vi ? "   hạng %d → %d" : "   rank %d → %d",
			             rows[i].r0, rows[i].r1);
			int up = rows[i].r0 - rows[i].r1;
			if (up)
				dti_buf_addf(b,
				             vi ? " (%s %d bậc)" : " (%s %d)",
				             up > 0 ? (vi ? "tăng" : "up")
				                    : (vi ? "giảm" : "down"),
				             up > 0 ? up : -up);
		}
		dti_buf_adds(b, "\n");
	}
}

static void whatif_json(const struct cli_run *r, const struct row *rows,
                        size_t n, const char *id, struct dti_buf *b)
{
	struct dti_json j;
	dti_json_init(&j, b);
	dti_json_object_begin(&j);
	dti_json_key(&j, "unit");
	dti_json_string(&j, id);
	dti_json_key(&j, "cycle");
	dti_json_string(&j, dti_result_cycle(r->res));
	dti_json_key(&j, "nodes");
	dti_json_array_begin(&j);
	for (size_t i = 0; i < n; i++) {
		struct dti_node_info ni;
		dti_framework_node(r->fw, rows[i].node, &ni);
		dti_json_object_begin(&j);
		dti_json_key(&j, "code");
		dti_json_string(&j, ni.code);
		dti_json_key(&j, "value_before");
		isnan(rows[i].v0) ? dti_json_null(&j)
		                  : dti_json_double(&j, rows[i].v0);
		dti_json_key(&j, "value_after");
		isnan(rows[i].v1) ? dti_json_null(&j)
		                  : dti_json_double(&j, rows[i].v1);
		dti_json_key(&j, "rank_before");
		dti_json_int(&j, rows[i].r0);
		dti_json_key(&j, "rank_after");
		dti_json_int(&j, rows[i].r1);
		dti_json_object_end(&j);
	}
	dti_json_array_end(&j);
	dti_json_object_end(&j);
	dti_buf_addc(b, '\n');
}

int cmd_whatif(int argc, char **argv)
{
	struct cli_opts o;
	int rc = cli_parse(argc, argv, OPT_COMPUTE | OPT_OUTPUT | OPT_UNITS,
	                   whatif_help, &o);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	if (o.nargs < 3) {
		fprintf(stderr, "dti: whatif needs DATA, UNIT and at least one "
		                "IND=FIGURE\n");
		return EXIT_USAGE;
	}
	if (o.format != DTI_FORMAT_TABLE && o.format != DTI_FORMAT_JSON) {
		fprintf(stderr, "dti: whatif writes a table or json\n");
		return EXIT_USAGE;
	}
	const char *unit = o.args[1];
	size_t nset = o.nargs - 2;
	const char *const *sets = &o.args[2];
	o.nargs = 1;
	o.no_previous = 1;
	o.compute.recompute = 1; /* as plan */
	struct cli_run r;
	rc = cli_run_compute(&o, &r);
	if (rc) {
		cli_run_release(&r);
		return rc;
	}
	long du = unit_of(&r, unit);
	long ri = du >= 0 ? dti_result_find_unit(r.res, (size_t)du) : -1;
	if (du >= 0 && ri < 0)
		fprintf(stderr, "dti: '%s' has no figures in cycle %s\n", unit,
		        dti_result_cycle(r.res));
	if (ri < 0)
		rc = EXIT_NOTFOUND;
	size_t nn = dti_framework_node_count(r.fw);
	unsigned char *changed = calloc(nn, 1);
	struct row *rows = calloc(nn, sizeof *rows);
	if (!rc && (!changed || !rows)) {
		fprintf(stderr, "dti: out of memory\n");
		rc = EXIT_INTERNAL;
	}
	struct dti_model *m = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	if (!rc &&
	    dti_model_new(r.fw, r.ds, cycle_index(&r), &o.compute, &m, &err)) {
		cli_error(NULL, &err);
		rc = EXIT_INTERNAL;
	}
	for (size_t i = 0; !rc && i < nset; i++) {
		const char *text;
		long k = ind_of(r.fw, sets[i], &text);
		double v;
		struct dti_node_info ni;
		memset(&ni, 0, sizeof ni);
		if (k >= 0)
			dti_framework_node(r.fw, (size_t)k, &ni);
		if (k < 0) {
			rc = EXIT_USAGE;
		} else if (ni.nchildren) {
			fprintf(stderr,
			        "dti: %s is an aggregate: set its "
			        "indicators\n",
			        ni.code);
			rc = EXIT_USAGE;
		} else if (figure_of(r.fw, (size_t)k, text, o.read.decimal,
		                     &v)) {
			rc = EXIT_DATA;
		} else if (dti_model_set_figure(m, (size_t)du, (size_t)k, v,
		                                &err)) {
			cli_error(NULL, &err);
			rc = EXIT_DATA;
		} else {
			changed[k] = 1;
		}
	}
	if (!rc && dti_model_run(m, &err)) {
		cli_error(NULL, &err);
		rc = EXIT_DATA;
	}
	size_t n = 0;
	if (!rc) {
		const struct dti_result *after = dti_model_result(m);
		/* the index, its pillars and sub-indexes, and what changed,
		   in the framework's order */
		for (size_t k = 0; k < nn; k++) {
			struct dti_node_info ni;
			dti_framework_node(r.fw, k, &ni);
			int show = changed[k] || ni.kind == DTI_KIND_INDEX ||
			           ni.kind == DTI_KIND_SUBINDEX ||
			           ni.kind == DTI_KIND_PILLAR;
			if (!show)
				continue;
			rows[n].node = k;
			rows[n].v0 = dti_result_value(r.res, (size_t)ri, k);
			rows[n].v1 = dti_result_value(after, (size_t)ri, k);
			rows[n].r0 = dti_result_rank(r.res, (size_t)ri, k);
			rows[n].r1 = dti_result_rank(after, (size_t)ri, k);
			n++;
		}
		struct dti_dataset_unit x;
		dti_dataset_unit(r.ds, (size_t)du, &x);
		struct dti_buf out = DTI_BUF_INIT;
		if (o.format == DTI_FORMAT_JSON)
			whatif_json(&r, rows, n, x.id, &out);
		else
			whatif_text(&r, rows, n, x.name, o.lang == DTI_LANG_VI,
			            dti_result_precision(r.res), &out);
		rc = dti_buf_status(&out) ? EXIT_INTERNAL
		                          : cli_write(o.output, &out);
		dti_buf_release(&out);
	}
	dti_error_release(&err);
	dti_model_free(m);
	free(changed);
	free(rows);
	cli_run_release(&r);
	return rc;
}

/* ---- stats --------------------------------------------------------------- */

static const char stats_help[] =
    "usage: dti stats DATA [OPTIONS]\n"
    "\n"
    "Statistics of a cycle's data, with COINr's definitions: per\n"
    "indicator the units with a figure, min, max, mean, median, standard\n"
    "deviation, skew and kurtosis (as Excel's SKEW and KURT), non-zero,\n"
    "distinct and most frequent values, its weight in the index,\n"
    "flagged for low availability\n"
    "(under 65 %) and outliers (|skew| over 2 and kurtosis over 3.5);\n"
    "then, for each aggregate, the Pearson and Spearman correlations of\n"
    "its children (flagged over 0.9, or negative) and Cronbach's alpha.\n"
    "With --svg, a chart too: the heatmap of the correlations of the\n"
    "indicators below an aggregate (its children with --of values), or\n"
    "their box plots.\n"
    "\n"
    "Options:\n"
    "      --of figures|values the figures as entered (default) or the\n"
    "                          computed values of every node\n"
    "      --svg FILE          write a chart to FILE ('-': standard output,\n"
    "                          the table then needs -o FILE)\n"
    "      --chart KIND        heatmap (correlations) or distribution (box\n"
    "                          plots)\n"
    "      --by CODE           the chart's aggregate (default: the index)\n"
    "      --nodes A,B,...     the chart's nodes instead\n"
    "      --correlation M     heatmap: pearson (default) or spearman\n"
    "      --with parent|level heatmap (--of values): the children against\n"
    "                          the aggregate, or against every aggregate of\n"
    "                          its level\n"
    "  -f, --framework F       framework file or bundled id\n"
    "      --cycle LABEL       the cycle of DATA (default: the latest)\n"
    "      --format F          table (default), csv (the indicators) or\n"
    "                          json (all)\n"
    "      --lang L            vi or en\n"
    "  -o, --output FILE       write to FILE\n"
    "\n"
    "Examples:\n"
    "  dti stats data.csv\n"
    "  dti stats data.csv --of values --format json -o stats.json\n"
    "  dti stats -f iMeta.csv iData.csv --svg physical.svg --chart heatmap "
    "--by Physical\n"
    "  dti stats data.csv --svg box.svg --chart distribution --lang vi\n";

int cmd_stats(int argc, char **argv)
{
	struct cli_opts o;
	int rc = cli_parse(argc, argv,
	                   OPT_COMPUTE | OPT_OUTPUT | OPT_UNITS | OPT_STATS |
	                       OPT_SVG,
	                   stats_help, &o);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	if (o.nargs != 1) {
		fprintf(stderr, "dti: stats needs one DATA file\n");
		return EXIT_USAGE;
	}
	if ((rc = cli_table_csv_json(o.format,
	                             "statistics are a table, csv or json")))
		return rc;
	if ((rc = cli_stats_chart_check(&o)) || (rc = cli_svg_check(&o)))
		return rc;
	o.no_previous = 1;
	struct cli_run r;
	rc = cli_run_compute(&o, &r);
	struct dti_buf svg = DTI_BUF_INIT;
	if (!rc && o.svg)
		rc = cli_stats_svg(&o, &r, &svg);
	if (!rc) {
		struct dti_stats_opts so;
		dti_stats_opts_init(&so);
		so.values = o.stats_values;
		struct dti_buf out = DTI_BUF_INIT;
		struct dti_error err = DTI_ERROR_INIT;
		if (dti_stats_write(r.res, &so, o.format, o.lang, &out, &err)) {
			cli_error(NULL, &err);
			rc = EXIT_INTERNAL;
		} else {
			if (o.svg)
				rc = cli_write(o.svg, &svg);
			if (!rc)
				rc = cli_write(o.output, &out);
		}
		dti_error_release(&err);
		dti_buf_release(&out);
	}
	dti_buf_release(&svg);
	cli_run_release(&r);
	return rc;
}

/* ---- uncertainty --------------------------------------------------------- */

static const char ua_help[] =
    "usage: dti uncertainty DATA [OPTIONS]\n"
    "\n"
    "How much each unit's rank depends on the choices the index leaves\n"
    "open: the index computed --runs times, each run drawing every\n"
    "weight times a factor within 1 ± --weight-noise, and with\n"
    "--vary-aggregation each aggregate's mean (arithmetic or\n"
    "geometric), with --leave-one-out one indicator left out (or none).\n"
    "Per unit: the nominal rank, the median and mean rank, the 5-95 %\n"
    "interval of its ranks, the best and worst.  The draws of a run come\n"
    "from the seed and the run's number alone: the same seed gives the\n"
    "same result on any number of threads.  Progress on stderr when it\n"
    "is a terminal.\n"
    "\n"
    "Options:\n"
    "      --runs N            runs (default 1000)\n"
    "      --seed S            the seed (default 1)\n"
    "      --weight-noise P    0 to 1: each weight within ±P (0.25: ±25 %)\n"
    "      --vary-aggregation  arithmetic or geometric means, drawn\n"
    "      --leave-one-out     one indicator left out, or none, drawn\n"
    "      --vary-weight-sets  the framework's weights or one of its\n"
    "                          weight sets (weight.NAME columns), drawn\n"
    "      --vary-normalisation the leaves' rule, min-max or z-score\n"
    "      --vary-imputation   missing figures left out, or imputed by\n"
    "                          the mean, the median or the group's mean\n"
    "      --vary-treatment    outliers as they are, or treated (see\n"
    "                          dti prepare)\n"
    "      --by CODE           the ranks of this node (default: the index)\n"
    "      --threads N         threads (default: every core)\n"
    "      --top N             the first N units by nominal rank only\n"
    "      --svg FILE          the ranks as a chart too, in FILE: a row\n"
    "                          per unit, its 5-95 % interval, median and\n"
    "                          nominal rank ('-': standard output, the\n"
    "                          table then needs -o FILE)\n"
    "  -f, --framework F       framework file or bundled id\n"
    "      --cycle LABEL       the cycle of DATA (default: the latest)\n"
    "      --format F          table (default), csv or json\n"
    "      --lang L            vi or en\n"
    "  -o, --output FILE       write to FILE\n"
    "\n"
    "Examples:\n"
    "  dti uncertainty data.csv --weight-noise 0.25 --runs 2000\n"
    "  dti uncertainty -f iMeta.csv iData.csv --weight-noise 0.25 "
    "--vary-aggregation --leave-one-out --format csv -o ua.csv\n"
    "  dti uncertainty -f iMeta.csv iData.csv --vary-normalisation "
    "--vary-imputation --vary-treatment --runs 500\n"
    "  dti uncertainty data.csv --weight-noise 0.25 --top 20 --svg "
    "ranks.svg --lang vi\n";

static void ua_progress(void *ctx, size_t done, size_t total)
{
	(void)ctx;
	fprintf(stderr, "\rdti: %zu of %zu runs", done, total);
	if (done == total)
		fputc('\n', stderr);
	fflush(stderr);
}

int cmd_uncertainty(int argc, char **argv)
{
	struct cli_opts o;
	int rc = cli_parse(argc, argv,
	                   OPT_COMPUTE | OPT_OUTPUT | OPT_UNITS | OPT_TABLE |
	                       OPT_UA | OPT_SVG,
	                   ua_help, &o);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	if (o.nargs != 1) {
		fprintf(stderr, "dti: uncertainty needs one DATA file\n");
		return EXIT_USAGE;
	}
	if ((rc = cli_table_csv_json(o.format,
	                             "an uncertainty analysis is a table, csv "
	                             "or json")))
		return rc;
	if ((rc = cli_svg_check(&o)))
		return rc;
	o.no_previous = 1;
	o.rank_shown = 1;
	struct cli_run r;
	rc = cli_run_compute(&o, &r);
	struct dti_ua_opts uo;
	dti_ua_opts_init(&uo);
	if (o.ua_runs)
		uo.runs = o.ua_runs;
	if (o.ua_seed_set)
		uo.seed = o.ua_seed;
	uo.weight_noise = o.ua_noise;
	uo.vary_aggregation = o.ua_vary_agg;
	uo.leave_one_out = o.ua_leave_one_out;
	uo.vary_weight_sets = o.ua_vary_sets;
	uo.vary_normalisation = o.ua_vary_norm;
	uo.vary_imputation = o.ua_vary_impute;
	uo.vary_treatment = o.ua_vary_treat;
	uo.threads = o.ua_threads;
	if (isatty(STDERR_FILENO))
		uo.progress = ua_progress;
	if (!rc)
		rc = cli_by_node(&o, r.fw, &uo.node);
	if (!rc) {
		struct dti_ua_result ua;
		struct dti_error err = DTI_ERROR_INIT;
		struct dti_buf out = DTI_BUF_INIT;
		struct dti_buf svg = DTI_BUF_INIT;
		enum dti_status st = dti_uncertainty(
		    r.fw, r.ds, cycle_index(&r), &o.compute, &uo, &ua, &err);
		/* --top: the first units of the nominal ranking */
		struct dti_ua_result shown = ua;
		if (!st && o.limit && o.limit < shown.n)
			shown.n = o.limit;
		if (!st)
			st = dti_ua_write(&shown, o.format, o.lang, &out, &err);
		if (st) {
			cli_error(NULL, &err);
			rc = cli_exit_for(st, EXIT_USAGE);
		} else {
			if (o.svg)
				rc = cli_ua_svg(&o, &shown, &svg);
			if (!rc && o.svg)
				rc = cli_write(o.svg, &svg);
			if (!rc)
				rc = cli_write(o.output, &out);
		}
		dti_ua_result_release(&ua);
		dti_buf_release(&svg);
		dti_buf_release(&out);
		dti_error_release(&err);
	}
	cli_run_release(&r);
	return rc;
}

/* ---- sensitivity --------------------------------------------------------- */

static const char sa_help[] =
    "usage: dti sensitivity DATA [OPTIONS]\n"
    "\n"
    "Which of the choices the index leaves open moves the ranking most:\n"
    "variance-based sensitivity analysis (Saltelli's design, first-order\n"
    "and total Sobol indices with 5-95 % bootstrap intervals) of the\n"
    "units' mean absolute rank shift, over two or more inputs: the\n"
    "weights (--weight-noise), the means (--vary-aggregation), an\n"
    "indicator left out (--leave-one-out), and as dti uncertainty has\n"
    "them: --vary-weight-sets, --vary-normalisation, --vary-imputation,\n"
    "--vary-treatment.  N base samples and k inputs make N (k + 2)\n"
    "runs.  With --by-unit, also the first-order and total index of\n"
    "each unit's rank (no bootstrap intervals for these; a unit whose\n"
    "rank does not move has none).\n"
    "\n"
    "Options:\n"
    "      --samples N         base samples, 64 at least (default 500)\n"
    "      --bootstrap B       bootstrap samples (default 200; 0: none)\n"
    "      --seed S            the seed (default 1)\n"
    "      --weight-noise P    0 to 1: each weight within ±P\n"
    "      --vary-aggregation  arithmetic or geometric means\n"
    "      --leave-one-out     one indicator left out, or none\n"
    "      --vary-weight-sets, --vary-normalisation, --vary-imputation,\n"
    "      --vary-treatment    more inputs (see dti uncertainty --help)\n"
    "      --by CODE           the ranks of this node (default: the index)\n"
    "      --threads N         threads (default: every core)\n"
    "      --by-unit           also the indices of each unit's rank: a\n"
    "                          table of the units (csv: a row per unit\n"
    "                          and input; json: \"units\")\n"
    "      --top N             with --by-unit: the first N units by\n"
    "                          nominal rank only\n"
    "      --svg FILE          the indices as a chart too, in FILE: bars\n"
    "                          with their intervals ('-': standard output,\n"
    "                          the table then needs -o FILE)\n"
    "  -f, --framework F       framework file or bundled id\n"
    "      --format F          table (default), csv or json\n"
    "      --lang L            vi or en\n"
    "  -o, --output FILE       write to FILE\n"
    "\n"
    "Examples:\n"
    "  dti sensitivity data.csv --weight-noise 0.25 --leave-one-out\n"
    "  dti sensitivity -f iMeta.csv iData.csv --weight-noise 0.25 "
    "--vary-aggregation --leave-one-out --samples 1000 --format json\n"
    "  dti sensitivity data.csv --weight-noise 0.25 --leave-one-out "
    "--samples 200 --svg sobol.svg\n"
    "  dti sensitivity -f iMeta.csv iData.csv --weight-noise 0.25 "
    "--vary-aggregation --leave-one-out --vary-normalisation "
    "--vary-treatment --samples 1000\n"
    "  dti sensitivity -f iMeta.csv iData.csv --weight-noise 0.25 "
    "--leave-one-out --samples 200 --by-unit --top 10\n";

int cmd_sensitivity(int argc, char **argv)
{
	struct cli_opts o;
	int rc = cli_parse(argc, argv,
	                   OPT_COMPUTE | OPT_OUTPUT | OPT_UNITS | OPT_TABLE |
	                       OPT_UA | OPT_SA | OPT_SVG,
	                   sa_help, &o);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	if (o.nargs != 1) {
		fprintf(stderr, "dti: sensitivity needs one DATA file\n");
		return EXIT_USAGE;
	}
	if ((rc = cli_table_csv_json(o.format,
	                             "a sensitivity analysis is a table, csv "
	                             "or json")))
		return rc;
	if (o.limit && !o.sa_by_unit) {
		fprintf(stderr, "dti: --top chooses units of the --by-unit "
		                "table: give --by-unit too\n");
		return EXIT_USAGE;
	}
	if (o.ua_runs) {
		fprintf(stderr, "dti: a sensitivity analysis takes --samples "
		                "N (it makes N (k + 2) runs), not --runs\n");
		return EXIT_USAGE;
	}
	if ((rc = cli_svg_check(&o)))
		return rc;
	o.no_previous = 1;
	o.rank_shown = 1;
	struct cli_run r;
	rc = cli_run_compute(&o, &r);
	struct dti_sa_opts so;
	dti_sa_opts_init(&so);
	if (o.sa_samples)
		so.n = o.sa_samples;
	if (o.sa_bootstrap_set)
		so.nboot = o.sa_bootstrap;
	if (o.ua_seed_set)
		so.seed = o.ua_seed;
	so.weight_noise = o.ua_noise;
	so.vary_aggregation = o.ua_vary_agg;
	so.vary_weight_sets = o.ua_vary_sets;
	so.vary_normalisation = o.ua_vary_norm;
	so.vary_imputation = o.ua_vary_impute;
	so.vary_treatment = o.ua_vary_treat;
	so.leave_one_out = o.ua_leave_one_out;
	so.threads = o.ua_threads;
	so.by_unit = o.sa_by_unit;
	if (isatty(STDERR_FILENO))
		so.progress = ua_progress;
	if (!rc)
		rc = cli_by_node(&o, r.fw, &so.node);
	if (!rc) {
		struct dti_sa_result sa;
		struct dti_error err = DTI_ERROR_INIT;
		struct dti_buf out = DTI_BUF_INIT;
		struct dti_buf svg = DTI_BUF_INIT;
		enum dti_status st = dti_sensitivity(
		    r.fw, r.ds, cycle_index(&r), &o.compute, &so, &sa, &err);
		/* --top: the first units of the nominal ranking */
		struct dti_sa_result shown = sa;
		if (!st && o.limit && o.limit < shown.nunits)
			shown.nunits = o.limit;
		if (!st)
			st = dti_sa_write(&shown, o.format, o.lang, &out, &err);
		if (st) {
			cli_error(NULL, &err);
			rc = cli_exit_for(st, EXIT_USAGE);
		} else {
			if (o.svg)
				rc = cli_sa_svg(&o, &shown, &svg);
			if (!rc && o.svg)
				rc = cli_write(o.svg, &svg);
			if (!rc)
				rc = cli_write(o.output, &out);
		}
		if (!st)
			dti_sa_result_release(&sa);
		dti_buf_release(&svg);
		dti_buf_release(&out);
		dti_error_release(&err);
	}
	cli_run_release(&r);
	return rc;
}
