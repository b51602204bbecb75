/*
 * src/cli/cmd_compare.c - dti compare (two builds of an index, unit by
 * unit) and dti trends (the cycles of one, unit by unit), both from
 * dti/compare.h.
 *
 * A build is what dti compute computes: a framework, a data file, a cycle
 * and the compute options.  compare reads build A from the usual options
 * and build B from the same, changed by the options ending in -b and by a
 * second data file, so that each build is said the way dti compute says
 * it.  trends reads every cycle of one or more data files (each computed
 * with its own framework where the files differ), or the published
 * cycles of a store, whose snapshots are read as published (dti/views.h).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char compare_help[] =
    "usage: dti compare [-f FRAMEWORK] [OPTIONS] DATA [DATA_B]\n"
    "\n"
    "Compares two builds of an index unit by unit: the value and rank of\n"
    "each unit in build A and in build B, the difference and the places\n"
    "gained, the biggest movers first; then the units compared, those\n"
    "whose rank changed, the mean absolute rank shift, the largest rise\n"
    "and fall, and Spearman's correlation of the two rankings.  Units\n"
    "are matched by id; those in one build only are listed apart.\n"
    "\n"
    "Build A is DATA computed as 'dti compute' would, with the options\n"
    "below.  Build B is the same but for what changes it: a second data\n"
    "file DATA_B (before and after a correction), and the options ending\n"
    "in -b (another framework, cycle, missing-value policy, precision).\n"
    "Values are compared at each build's published precision.\n"
    "\n"
    "Build A (and B, unless changed):\n"
    "  -f, --framework F       framework file or bundled id (default: the\n"
    "                          data file's '# framework:' line)\n"
    "  -u, --units FILE        units registry\n"
    "      --no-units          take units as they are in the data\n"
    "      --cycle L           cycle (default: the latest of the data)\n"
    "      --missing P         zero, exclude or group-mean\n"
    "      --precision N       decimals of published values and ranks\n"
    "      --recompute         compute aggregates from their indicators\n"
    "      --decimal C, --layout L, --ignore COL, --date D, --groups FILE,\n"
    "      --group-by DIM, --partial   as for dti compute\n"
    "Build B:\n"
    "      --framework-b F     another framework\n"
    "      --units-b FILE      another units registry\n"
    "      --cycle-b L         another cycle (of DATA_B, else of DATA)\n"
    "      --missing-b P       another missing-value policy\n"
    "      --precision-b N     another precision\n"
    "      --recompute-b       aggregates computed from their indicators\n"
    "What is shown:\n"
    "      --node CODE         the node compared (default: the index)\n"
    "      --order O           places (default: the largest rank shift\n"
    "                          first), change (the largest difference\n"
    "                          first), rank (build B's ranking) or name\n"
    "      --group G           only the units of group G\n"
    "      --top N             only the first N rows of the table\n"
    "      --format F          table (default), csv or json\n"
    "      --lang L            vi or en (default: $DTI_LANG, else en)\n"
    "  -o, --output FILE       write to FILE (whole, or not at all)\n"
    "\n"
    "Examples:\n"
    "  dti compare data-2022.csv other-provinces.csv\n"
    "  dti compare -f pdti-2022 dti-2022-top5.csv --recompute-b\n"
    "  dti compare data.csv --cycle 2021 --cycle-b 2022 --top 10\n"
    "  dti compare -f iMeta.csv iData.csv --framework-b iMeta-w.csv "
    "--format csv\n"
    "  dti compare -f iMeta.csv iData.csv --missing-b zero --order change "
    "--lang vi\n";

static const char trends_help[] =
    "usage: dti trends [-f FRAMEWORK] [OPTIONS] DATA...\n"
    "       dti trends [--db PATH|URI] [--since YEAR] [--node CODE] "
    "[OPTIONS]\n"
    "\n"
    "How every unit moved across the cycles (years) of an index: its\n"
    "value and rank in each cycle, the change over the whole span\n"
    "(absolute, relative, and compound annual growth where both ends\n"
    "are above 0) and the places gained, the most improved first; per\n"
    "cycle the units, the mean and how many moved up and down.  csv and\n"
    "json add the changes between consecutive cycles.  A unit missing in\n"
    "a cycle has nothing there, said so: its changes run over the cycles\n"
    "it has, never over an invented value.\n"
    "\n"
    "DATA: every cycle of the files given, each file read with -f or\n"
    "its own '# framework:' line (so that years of different frameworks\n"
    "follow one another); a cycle may come from one file only.  Without\n"
    "DATA: the published cycles of the store ($DTI_DB, else ./dti.db) of\n"
    "the latest published cycle's level, as published.  With\n"
    "--indicator, the figures entered for an indicator instead of\n"
    "computed values.  Indices normalised over the units (min-max,\n"
    "z-scores) are normalised in each cycle apart: their values place a\n"
    "unit among the others of its year.\n"
    "\n"
    "Options:\n"
    "      --node CODE         the node (default: the index)\n"
    "      --indicator CODE    the figures of this indicator (DATA only)\n"
    "      --since YEAR        only the cycles of YEAR on\n"
    "      --order O           change (default: the largest gain over\n"
    "                          the span first), places, growth, rank\n"
    "                          (the last cycle's ranking) or name\n"
    "      --group G           only the units of group G\n"
    "      --top N             only the first N units of the table\n"
    "  -f, --framework F       framework file or bundled id\n"
    "  -u, --units FILE        units registry\n"
    "      --missing P, --precision N, --recompute, --decimal C,\n"
    "      --layout L, --ignore COL   as for dti compute\n"
    "      --db PATH|URI       the store (without DATA)\n"
    "      --format F          table (default), csv or json\n"
    "      --lang L            vi or en (default: $DTI_LANG, else en)\n"
    "  -o, --output FILE       write to FILE (whole, or not at all)\n"
    "\n"
    "Examples:\n"
    "  dti trends data.csv data-2023.csv --order places --top 10\n"
    "  dti trends data.csv --indicator econ_activity --lang vi\n"
    "  dti trends -f iMeta.csv iData_p.csv --format json -o trends.json\n"
    "  dti trends --db dti.db --format csv -o trends.csv\n";

static int no_previous_opts(const struct cli_opts *o, const char *cmd)
{
	if (o->previous || o->no_previous) {
		fprintf(stderr,
		        "dti: --previous and --no-previous do not apply to "
		        "%s\n",
		        cmd);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

static int write_out(const struct cli_opts *o, struct dti_buf *out)
{
	return cli_write_csv(o->output, out,
	                     o->format == DTI_FORMAT_CSV &&
	                         cli_excel_csv(o->excel, o->lang, o->output));
}

/* What a build is, in the words of the table: the data file, and whether
   its aggregates were recomputed. */
static void build_name(char *out, size_t n, const char *data, int recompute,
                       enum dti_lang lang)
{
	snprintf(out, n, "%s%s", strcmp(data, "-") ? data : "<stdin>",
	         !recompute            ? ""
	         : lang == DTI_LANG_VI ? " · tính lại tổng từ chỉ số"
	                               : " · aggregates recomputed");
}

int cmd_compare(int argc, char **argv)
{
	struct cli_opts o;
	int rc = cli_parse(argc, argv,
	                   OPT_COMPUTE | OPT_OUTPUT | OPT_UNITS | OPT_COMPARE,
	                   compare_help, &o);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	if (o.nargs < 1 || o.nargs > 2) {
		fprintf(stderr,
		        "dti: compare needs DATA, and DATA_B for a "
		        "second data file (got %zu files)\n",
		        o.nargs);
		return EXIT_USAGE;
	}
	if ((rc = no_previous_opts(&o, "compare")) ||
	    (rc = cli_table_csv_json(
	         o.format, "a comparison is written as a table, csv or json")))
		return rc;
	if (o.nargs == 1 && !o.b_framework && !o.b_units && !o.b_cycle &&
	    !o.b_missing && o.b_precision < 0 && !o.b_recompute) {
		fprintf(stderr,
		        "dti: build B is build A: give a second data file or "
		        "what build B changes (--framework-b, --cycle-b, "
		        "--missing-b, --precision-b, --recompute-b, "
		        "--units-b)\n");
		return EXIT_USAGE;
	}
	struct cli_opts oa = o, ob = o;
	oa.nargs = ob.nargs = 1;
	oa.no_previous = ob.no_previous = 1;
	/* rank the index and the node compared, nothing else */
	oa.sort = ob.sort = o.node;
	oa.rank_shown = ob.rank_shown = 1;
	ob.args[0] = o.nargs == 2 ? o.args[1] : o.args[0];
	if (o.b_framework)
		ob.framework = o.b_framework;
	if (o.b_units)
		ob.units = o.b_units, ob.no_units = 0;
	if (o.b_cycle)
		ob.cycle = o.b_cycle;
	if (o.b_missing)
		ob.compute.missing = (enum dti_missing)o.b_missing;
	if (o.b_precision >= 0)
		ob.compute.precision = o.b_precision;
	if (o.b_recompute)
		ob.compute.recompute = 1;
	struct cli_run ra, rb;
	memset(&rb, 0, sizeof rb);
	rc = cli_run_compute(&oa, &ra);
	if (!rc)
		rc = cli_run_compute(&ob, &rb);
	if (!rc) {
		char na[512], nb[512];
		build_name(na, sizeof na, oa.args[0], oa.compute.recompute,
		           o.lang);
		build_name(nb, sizeof nb, ob.args[0], ob.compute.recompute,
		           o.lang);
		struct dti_compare_opts co;
		dti_compare_opts_init(&co);
		co.node = o.node;
		co.group = o.group;
		co.order = (enum dti_move_order)o.order;
		co.name_a = na;
		co.name_b = nb;
		struct dti_comparison *c = NULL;
		struct dti_error err = DTI_ERROR_INIT;
		struct dti_buf out = DTI_BUF_INIT;
		enum dti_status st = dti_compare(ra.res, rb.res, &co, &c, &err);
		if (!st)
			st = dti_comparison_write(c, o.format, o.lang, o.limit,
			                          &out, &err);
		if (st) {
			cli_error(NULL, &err);
			rc =
			    cli_exit_for(st, st == DTI_ENOTFOUND ? EXIT_NOTFOUND
			                                         : EXIT_DATA);
		} else {
			rc = write_out(&o, &out);
		}
		dti_comparison_free(c);
		dti_buf_release(&out);
		dti_error_release(&err);
	}
	cli_run_release(&ra);
	cli_run_release(&rb);
	return rc;
}

/* ---- trends -------------------------------------------------------------- */

/* The published cycles of a store, as observations for dti_trends_from. */
static int trends_store(const struct cli_opts *o, struct dti_trends_opts *to,
                        struct dti_trends **out)
{
	if (o->file_opt[0] || o->indicator) {
		fprintf(stderr,
		        "dti: option '%s' applies to DATA files, not to the "
		        "store's published cycles%s\n",
		        o->indicator ? "--indicator" : o->file_opt,
		        o->indicator ? " (their snapshots hold values: use "
		                       "--node CODE)"
		                     : "");
		return EXIT_USAGE;
	}
	struct dti_store *s = NULL;
	int rc = cli_open_store(o->db, NULL, 0, &s);
	if (rc)
		return rc;
	struct dti_error err = DTI_ERROR_INIT;
	struct dti_cycle_list *cl = NULL;
	enum dti_status st = dti_cycle_list(s, &cl, &err);
	size_t n = 0, nobs = 0;
	struct dti_ranking **rk = NULL;
	struct dti_trend_cycle *cyc = NULL;
	struct dti_trend_obs *obs = NULL;
	const char *level = NULL;
	if (st) {
		rc = cli_store_fail("the cycles", st, &err);
		goto done;
	}
	/* the level of the latest published cycle */
	for (size_t i = cl->n; i-- > 0;)
		if (cl->cycles[i].state == DTI_CYCLE_PUBLISHED) {
			level = cl->cycles[i].level;
			break;
		}
	rk = calloc(cl->n ? cl->n : 1, sizeof *rk);
	cyc = calloc(cl->n ? cl->n : 1, sizeof *cyc);
	if (!rk || !cyc) {
		fprintf(stderr, "dti: out of memory\n");
		rc = EXIT_INTERNAL;
		goto done;
	}
	struct dti_view_opts vo;
	dti_view_opts_init(&vo);
	vo.node = o->node;
	vo.lang = o->lang;
	for (size_t i = 0; level && i < cl->n; i++) {
		const struct dti_cycle_info *ci = &cl->cycles[i];
		if (ci->state != DTI_CYCLE_PUBLISHED ||
		    strcmp(ci->level, level) ||
		    (o->since && ci->year < o->since))
			continue;
		st = dti_store_ranking(s, ci->label, &vo, &rk[n], &err);
		if (st) {
			char what[120];
			snprintf(what, sizeof what, "cycle '%s'", ci->label);
			rc = cli_store_fail(what, st, &err);
			goto done;
		}
		const struct dti_ranking *r = rk[n];
		cyc[n].label = r->info.cycle;
		cyc[n].year = r->info.year;
		cyc[n].framework_id = r->info.framework_id;
		cyc[n].precision = r->info.precision;
		cyc[n].synthetic = r->info.synthetic;
		cyc[n].ranked = r->nnodes ? r->nodes[0].ranked : 0;
		nobs += r->nrows;
		n++;
	}
	if (n < 2) {
		fprintf(stderr,
		        "dti: trends need two published cycles or more of a "
		        "level; the store has %zu%s%s%s\n",
		        n, level ? " of level " : "", level ? level : "",
		        o->since ? " from --since on" : "");
		rc = EXIT_STATE;
		goto done;
	}
	obs = calloc(nobs ? nobs : 1, sizeof *obs);
	if (!obs) {
		fprintf(stderr, "dti: out of memory\n");
		rc = EXIT_INTERNAL;
		goto done;
	}
	size_t m = 0;
	for (size_t c = 0; c < n; c++)
		for (size_t i = 0; i < rk[c]->nrows; i++) {
			const struct dti_ranking_row *row = &rk[c]->rows[i];
			const struct dti_view_cell *cell = &row->cells[0];
			obs[m].cycle = c;
			obs[m].id = row->id;
			obs[m].name = row->name;
			obs[m].group = row->group;
			obs[m].value = cell->unknown ? NAN : cell->value;
			obs[m].rank = cell->rank;
			m++;
		}
	const struct dti_view_node *nd = &rk[n - 1]->nodes[0];
	st = dti_trends_from(cyc, n, obs, m, nd->code, nd->name_vi, nd->name_en,
	                     to, out, &err);
	if (st) {
		cli_error(NULL, &err);
		rc = cli_exit_for(st, st == DTI_ENOTFOUND ? EXIT_NOTFOUND
		                                          : EXIT_DATA);
	}
done:
	for (size_t c = 0; rk && c < n; c++)
		dti_ranking_free(rk[c]);
	free(rk);
	free(cyc);
	free(obs);
	dti_cycle_list_free(cl);
	dti_error_release(&err);
	dti_store_close(s);
	return rc;
}

/* Every cycle of the data files, computed. */
struct file_runs {
	struct cli_run run;
	struct dti_result **extra;     /* the cycles other than run.res */
	struct dti_dataset **prepared; /* with data steps: their data */
	size_t nextra, nprepared;
};

static int trends_data(struct cli_opts *o, struct dti_trends_opts *to,
                       struct dti_trends **out)
{
	size_t nfiles = o->nargs;
	struct file_runs *fr = calloc(nfiles, sizeof *fr);
	const struct dti_result **all = NULL;
	size_t nall = 0;
	int rc = fr ? EXIT_OK : EXIT_INTERNAL;
	struct dti_error err = DTI_ERROR_INIT;
	for (size_t f = 0; !rc && f < nfiles; f++) {
		struct cli_opts of = *o;
		of.args[0] = o->args[f];
		of.nargs = 1;
		of.no_previous = 1;
		of.sort = o->indicator ? o->indicator : o->node;
		of.rank_shown = 1;
		rc = cli_run_compute(&of, &fr[f].run);
		if (rc)
			break;
		/* with data steps, each cycle of the data as read is
		   prepared on its own */
		const struct dti_dataset *raw = fr[f].run.raw;
		const struct dti_dataset *ds = raw ? raw : fr[f].run.ds;
		size_t nc = dti_dataset_cycle_count(ds);
		size_t done = raw ? (size_t)dti_dataset_find_cycle(
		                        raw, dti_result_cycle(fr[f].run.res))
		                  : dti_result_cycle_index(fr[f].run.res);
		fr[f].extra = calloc(nc ? nc : 1, sizeof *fr[f].extra);
		fr[f].prepared = calloc(nc ? nc : 1, sizeof *fr[f].prepared);
		if (!fr[f].extra || !fr[f].prepared) {
			rc = EXIT_INTERNAL;
			break;
		}
		fr[f].nprepared = nc;
		for (size_t c = 0; c < nc && !rc; c++) {
			if (c == done)
				continue;
			struct dti_result *res = NULL;
			const struct dti_dataset *cds = ds;
			size_t cc = c;
			enum dti_status st = DTI_OK;
			if (raw) {
				st = dti_prepare(
				    fr[f].run.fw, raw, c, &fr[f].run.raw_prep,
				    &fr[f].prepared[fr[f].nextra], NULL, &err);
				cds = fr[f].prepared[fr[f].nextra];
				cc = 0;
			}
			if (!st)
				st = dti_compute(fr[f].run.fw, cds, cc,
				                 &of.compute, &res, &err);
			if (st) {
				cli_error(NULL, &err);
				rc = cli_exit_for(st, EXIT_DATA);
				break;
			}
			fr[f].extra[fr[f].nextra++] = res;
		}
		nall += 1 + fr[f].nextra;
	}
	if (!rc) {
		all = malloc(nall * sizeof *all);
		if (!all)
			rc = EXIT_INTERNAL;
	}
	if (!rc) {
		size_t m = 0;
		for (size_t f = 0; f < nfiles; f++) {
			all[m++] = fr[f].run.res;
			for (size_t c = 0; c < fr[f].nextra; c++)
				all[m++] = fr[f].extra[c];
		}
		enum dti_status st = dti_trends(all, nall, to, out, &err);
		if (st == DTI_EARG && nall < 2) {
			fprintf(stderr,
			        "dti: trends need two cycles or more: %s has "
			        "one (%s); give a file with several cycles, or "
			        "several files\n",
			        o->args[0], dti_result_cycle(all[0]));
			rc = EXIT_USAGE;
		} else if (st) {
			cli_error(NULL, &err);
			rc =
			    cli_exit_for(st, st == DTI_ENOTFOUND ? EXIT_NOTFOUND
			                     : st == DTI_EARG    ? EXIT_USAGE
			                                         : EXIT_DATA);
		}
	}
	if (rc == EXIT_INTERNAL && !err.code)
		fprintf(stderr, "dti: out of memory\n");
	for (size_t f = 0; fr && f < nfiles; f++) {
		for (size_t c = 0; c < fr[f].nextra; c++)
			dti_result_free(fr[f].extra[c]);
		free(fr[f].extra);
		for (size_t c = 0; c < fr[f].nprepared; c++)
			dti_dataset_free(fr[f].prepared[c]);
		free(fr[f].prepared);
		cli_run_release(&fr[f].run);
	}
	free(fr);
	free(all);
	dti_error_release(&err);
	return rc;
}

int cmd_trends(int argc, char **argv)
{
	struct cli_opts o;
	int rc = cli_parse(argc, argv,
	                   OPT_COMPUTE | OPT_OUTPUT | OPT_UNITS | OPT_STORE |
	                       OPT_TRENDS,
	                   trends_help, &o);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	if ((rc = no_previous_opts(&o, "trends")) ||
	    (rc = cli_table_csv_json(
	         o.format, "a trend is written as a table, csv or json")))
		return rc;
	if (o.cycle) {
		fprintf(stderr, "dti: trends read every cycle: --cycle does "
		                "not apply (--since YEAR starts later)\n");
		return EXIT_USAGE;
	}
	if (o.node && o.indicator) {
		fprintf(stderr, "dti: give --node CODE (values) or "
		                "--indicator CODE (figures), not both\n");
		return EXIT_USAGE;
	}
	if (o.nargs && o.db) {
		fprintf(stderr, "dti: --db reads the store's published "
		                "cycles: give DATA files or --db, not both\n");
		return EXIT_USAGE;
	}
	struct dti_trends_opts to;
	dti_trends_opts_init(&to);
	to.node = o.indicator ? o.indicator : o.node;
	to.figures = o.indicator != NULL;
	to.group = o.group;
	to.order = (enum dti_move_order)o.order;
	to.since = o.since;
	struct dti_trends *t = NULL;
	rc = o.nargs ? trends_data(&o, &to, &t) : trends_store(&o, &to, &t);
	if (!rc) {
		struct dti_buf out = DTI_BUF_INIT;
		struct dti_error err = DTI_ERROR_INIT;
		if (dti_trends_write(t, o.format, o.lang, o.limit, &out,
		                     &err)) {
			cli_error(NULL, &err);
			rc = EXIT_INTERNAL;
		} else {
			rc = write_out(&o, &out);
		}
		dti_buf_release(&out);
		dti_error_release(&err);
	}
	dti_trends_free(t);
	return rc;
}
