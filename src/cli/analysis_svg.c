/*
 * src/cli/analysis_svg.c - the charts of the analysis commands (--svg):
 * dti uncertainty's rank intervals, dti sensitivity's Sobol indices and
 * dti stats' correlation heatmap and box plots, drawn by the library
 * (dti/chart.h) from the analyses' results and the data of a cycle.
 *
 * The chart is a second output beside the table: the whole SVG document
 * (an XML declaration, then the chart) is made before anything is
 * written, so a chart the library refuses leaves both files as they were.
 * What the options ask for is checked before the data are read: a chart
 * option without --svg, an option of the other chart, --svg and -o
 * naming the same file, and the chart and the table both on standard
 * output are usage errors (exit 2) that name the option.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cli_svg_check(const struct cli_opts *o)
{
	if (!o->svg)
		return EXIT_OK;
	if (!*o->svg) {
		fprintf(stderr, "dti: --svg: expected a file name, or '-' "
		                "for standard output\n");
		return EXIT_USAGE;
	}
	int table_out = !o->output || strcmp(o->output, "-") == 0;
	if (strcmp(o->svg, "-") == 0 && table_out) {
		fprintf(stderr, "dti: --svg -: standard output already has "
		                "the table; write one of them to a file (-o "
		                "FILE or --svg FILE)\n");
		return EXIT_USAGE;
	}
	if (o->output && strcmp(o->svg, o->output) == 0) {
		fprintf(stderr, "dti: --svg and -o name the same file '%s'\n",
		        o->svg);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

int cli_stats_chart_check(const struct cli_opts *o)
{
	const char *chart = o->stats_chart == CLI_CHART_HEATMAP ? "heatmap"
	                    : o->stats_chart == CLI_CHART_DISTRIBUTION
	                        ? "distribution"
	                        : NULL;
	if (o->stats_chart && !o->svg) {
		fprintf(stderr, "dti: --chart %s needs --svg FILE\n", chart);
		return EXIT_USAGE;
	}
	if (o->svg && !o->stats_chart) {
		fprintf(stderr, "dti: --svg needs --chart heatmap or "
		                "--chart distribution\n");
		return EXIT_USAGE;
	}
	const char *lone = o->stats_corr_set ? "--correlation"
	                   : o->stats_with   ? "--with"
	                   : o->sort         ? "--by"
	                   : o->nodes        ? "--nodes"
	                                     : NULL;
	if (lone && !o->stats_chart) {
		fprintf(stderr,
		        "dti: %s applies to the charts (--chart heatmap or "
		        "distribution, with --svg FILE)\n",
		        lone);
		return EXIT_USAGE;
	}
	if (o->stats_chart == CLI_CHART_DISTRIBUTION &&
	    (o->stats_corr_set || o->stats_with)) {
		fprintf(stderr, "dti: %s applies to --chart heatmap\n",
		        o->stats_corr_set ? "--correlation" : "--with");
		return EXIT_USAGE;
	}
	if (o->sort && o->nodes) {
		fprintf(stderr, "dti: --by and --nodes: give one of them\n");
		return EXIT_USAGE;
	}
	if (o->stats_with && o->nodes) {
		fprintf(stderr, "dti: --with compares the children of --by's "
		                "aggregate: it does not apply to --nodes\n");
		return EXIT_USAGE;
	}
	if (o->stats_with && !o->stats_values) {
		fprintf(stderr,
		        "dti: --with %s needs --of values (an "
		        "aggregate has values, not figures)\n",
		        o->stats_with == CLI_WITH_PARENT ? "parent" : "level");
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

/* The chart's document: the XML declaration, then the chart. */
static void declaration(struct dti_buf *b)
{
	dti_buf_adds(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
}

/* A chart the library refused: its message, the exit for its status. */
static int refused(const struct dti_error *err, enum dti_status st)
{
	if (st == DTI_ELIMIT)
		fprintf(stderr, "dti: --svg: %s%s\n", err->message,
		        strcmp(err->field, "n") == 0 ? " (--top N)" : "");
	else
		fprintf(stderr, "dti: --svg: %s%s%s\n", err->field,
		        *err->field ? ": " : "", err->message);
	return cli_exit_for(st, EXIT_DATA);
}

int cli_ua_svg(const struct cli_opts *o, const struct dti_ua_result *ua,
               struct dti_buf *out)
{
	struct dti_chart_opts co;
	dti_chart_opts_init(&co);
	co.lang = o->lang;
	struct dti_error err = DTI_ERROR_INIT;
	declaration(out);
	enum dti_status st = dti_chart_ranks(&co, ua, out, &err);
	int rc = st ? refused(&err, st) : EXIT_OK;
	dti_error_release(&err);
	return rc;
}

int cli_sa_svg(const struct cli_opts *o, const struct dti_sa_result *sa,
               struct dti_buf *out)
{
	struct dti_chart_opts co;
	dti_chart_opts_init(&co);
	co.lang = o->lang;
	co.decimals = 3; /* as the table */
	struct dti_error err = DTI_ERROR_INIT;
	declaration(out);
	enum dti_status st = dti_chart_sobol(&co, sa, out, &err);
	int rc = st ? refused(&err, st) : EXIT_OK;
	dti_error_release(&err);
	return rc;
}

/* ---- dti stats ----------------------------------------------------------- */

static const char *name_of(const struct dti_node_info *ni, int vi)
{
	const char *a = vi ? ni->name_vi : ni->name_en;
	const char *b = vi ? ni->name_en : ni->name_vi;
	return a && *a ? a : b && *b ? b : ni->code;
}

/*
 * The nodes a stats chart draws into rows (and, for --with, cols): --nodes
 * as given, else the members of --by's aggregate (the index by default).
 * *subject gets what the title names.  An exit code after a message.
 */
static int chart_nodes(const struct cli_opts *o, const struct cli_run *r,
                       size_t *rows, size_t *nrows, size_t *cols, size_t *ncols,
                       char *subject, size_t subject_size)
{
	const struct dti_framework *fw = r->fw;
	size_t nn = dti_framework_node_count(fw);
	int vi = o->lang == DTI_LANG_VI;
	struct dti_node_info ni;
	*ncols = 0;
	if (o->nodes) {
		int rc = cli_node_list(o->nodes, fw, rows, nn, nrows);
		if (rc)
			return rc;
		for (size_t i = 0; i < *nrows; i++) {
			dti_framework_node(fw, rows[i], &ni);
			if (ni.nchildren && !o->stats_values) {
				fprintf(
				    stderr,
				    "dti: --nodes: %s is an aggregate: it has "
				    "no figures (--of values draws its "
				    "values)\n",
				    ni.code);
				return EXIT_USAGE;
			}
		}
		snprintf(subject, subject_size, "%s", o->nodes);
		return EXIT_OK;
	}
	size_t k = dti_framework_root(fw);
	if (o->sort) {
		long f = dti_framework_find(fw, o->sort);
		if (f < 0) {
			fprintf(stderr,
			        "dti: '%s' is not a node of framework '%s'\n",
			        o->sort, dti_framework_id(fw));
			return EXIT_NOTFOUND;
		}
		k = (size_t)f;
	}
	dti_framework_node(fw, k, &ni);
	if (!ni.nchildren) {
		fprintf(stderr,
		        "dti: --by %s is an indicator: the charts take an "
		        "aggregate (its indicators or children), or --nodes\n",
		        ni.code);
		return EXIT_USAGE;
	}
	*nrows = dti_stats_members(fw, k, o->stats_values, rows);
	if (strcmp(name_of(&ni, vi), ni.code) == 0)
		snprintf(subject, subject_size, "%s", ni.code);
	else
		snprintf(subject, subject_size, "%s (%s)", name_of(&ni, vi),
		         ni.code);
	if (o->stats_with == CLI_WITH_PARENT) {
		cols[(*ncols)++] = k;
	} else if (o->stats_with == CLI_WITH_LEVEL) {
		for (size_t j = 0; j < nn; j++) {
			struct dti_node_info nj;
			dti_framework_node(fw, j, &nj);
			if (nj.nchildren && nj.level == ni.level && nj.scored)
				cols[(*ncols)++] = j;
		}
	}
	return EXIT_OK;
}

/* The title of a stats chart. */
static void stats_title(const struct cli_opts *o, const char *subject, char *t,
                        size_t n)
{
	int vi = o->lang == DTI_LANG_VI;
	const char *what = o->stats_values ? (vi ? "giá trị" : "values")
	                                   : (vi ? "số liệu" : "figures");
	if (o->stats_chart == CLI_CHART_DISTRIBUTION) {
		snprintf(t, n,
		         vi ? "Phân bố %s: %s" : "Distribution of the %s: %s",
		         what, subject);
		return;
	}
	const char *m = o->stats_spearman ? "Spearman" : "Pearson";
	const char *with =
	    o->stats_with == CLI_WITH_PARENT
	        ? (vi ? ", với chỉ số tổng hợp" : ", with the aggregate")
	    : o->stats_with == CLI_WITH_LEVEL
	        ? (vi ? ", với các chỉ số tổng hợp cùng cấp"
	              : ", with the aggregates of its level")
	        : "";
	snprintf(t, n,
	         vi ? "Tương quan %s của %s: %s%s"
	            : "%s correlations of the %s: %s%s",
	         m, what, subject, with);
}

int cli_stats_svg(const struct cli_opts *o, const struct cli_run *r,
                  struct dti_buf *out)
{
	const struct dti_framework *fw = r->fw;
	size_t nn = dti_framework_node_count(fw);
	size_t units = dti_result_unit_count(r->res);
	size_t *rows = malloc(nn * sizeof *rows);
	size_t *cols = malloc(nn * sizeof *cols);
	const char **rl = malloc(nn * sizeof *rl);
	const char **cl = malloc(nn * sizeof *cl);
	const char **unames = malloc((units ? units : 1) * sizeof *unames);
	double *m = NULL;
	struct dti_chart_column *bc = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	char subject[512], title[768];
	size_t nrows = 0, ncols = 0;
	int rc = EXIT_OK;
	if (!rows || !cols || !rl || !cl || !unames) {
		fprintf(stderr, "dti: out of memory\n");
		rc = EXIT_INTERNAL;
		goto done;
	}
	rc = chart_nodes(o, r, rows, &nrows, cols, &ncols, subject,
	                 sizeof subject);
	if (rc)
		goto done;
	int heat = o->stats_chart == CLI_CHART_HEATMAP;
	size_t need = heat && !ncols ? 2 : 1;
	size_t most = heat ? DTI_CHART_MAX_MATRIX : DTI_CHART_MAX_BARS;
	const char *given = o->nodes ? "--nodes" : "--by";
	if (nrows < need || nrows > most || ncols > most) {
		size_t k = ncols > most ? ncols : nrows;
		const char *what = o->nodes       ? (k == 1 ? "node" : "nodes")
		                   : ncols > most ? "aggregates of its level"
		                   : o->stats_values
		                       ? (k == 1 ? "child" : "children")
		                       : (k == 1 ? "indicator below it"
		                                 : "indicators below it");
		fprintf(stderr, "dti: %s: %zu %s; a %s takes %zu to %zu%s\n",
		        given, k, what, heat ? "heatmap" : "box plot", need,
		        most,
		        nrows < need && !o->stats_values && !o->nodes
		            ? " (--of values compares an aggregate's children)"
		            : "");
		rc = EXIT_USAGE;
		goto done;
	}
	for (size_t i = 0; i < nrows; i++) {
		struct dti_node_info ni;
		dti_framework_node(fw, rows[i], &ni);
		rl[i] = ni.code;
	}
	for (size_t j = 0; j < ncols; j++) {
		struct dti_node_info ni;
		dti_framework_node(fw, cols[j], &ni);
		cl[j] = ni.code;
	}
	stats_title(o, subject, title, sizeof title);
	struct dti_chart_opts co;
	dti_chart_opts_init(&co);
	co.lang = o->lang;
	co.title = title;
	declaration(out);
	enum dti_status st;
	if (heat) {
		const size_t *cn = ncols ? cols : rows;
		const char *const *cls = ncols ? cl : rl;
		size_t nc = ncols ? ncols : nrows;
		co.decimals = 2;
		if (!(m = malloc(nrows * nc * sizeof *m))) {
			fprintf(stderr, "dti: out of memory\n");
			rc = EXIT_INTERNAL;
			goto done;
		}
		st = dti_stats_corr_matrix(r->res, o->stats_values,
		                           o->stats_spearman ? DTI_CORR_SPEARMAN
		                                             : DTI_CORR_PEARSON,
		                           nrows, rows, nc, cn, m, &err);
		if (!st)
			st = dti_chart_heatmap(&co, nrows, rl, nc, cls, m, out,
			                       &err);
	} else {
		int vi = o->lang == DTI_LANG_VI;
		bc = calloc(nrows, sizeof *bc);
		m = malloc(nrows * (units ? units : 1) * sizeof *m);
		if (!bc || !m) {
			fprintf(stderr, "dti: out of memory\n");
			rc = EXIT_INTERNAL;
			goto done;
		}
		for (size_t i = 0; i < units; i++) {
			struct dti_dataset_unit du;
			dti_dataset_unit(r->ds, dti_result_unit(r->res, i),
			                 &du);
			unames[i] = du.name && *du.name ? du.name : du.id;
		}
		for (size_t i = 0; i < nrows; i++) {
			struct dti_node_info ni;
			dti_framework_node(fw, rows[i], &ni);
			dti_stats_column(r->res, o->stats_values, rows[i],
			                 m + i * units);
			bc[i].label = ni.code;
			bc[i].name = name_of(&ni, vi);
			bc[i].n = units;
			bc[i].values = m + i * units;
			bc[i].units = unames;
		}
		/* computed values share the index's scale; figures each
		   have their own unit */
		st = dti_chart_boxplot(&co, nrows, bc, o->stats_values, out,
		                       &err);
	}
	if (st)
		rc = refused(&err, st);
done:
	free(rows);
	free(cols);
	free(rl);
	free(cl);
	free(unames);
	free(m);
	free(bc);
	dti_error_release(&err);
	return rc;
}
