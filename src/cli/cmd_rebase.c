/*
 * src/cli/cmd_rebase.c - dti rebase: a cycle carried onto successor units.
 *
 * Computes the cycle on the units it was assessed on, averages the main
 * indicators (or --level kinds) of each successor's predecessors, and either
 * prints the re-based ranking or (--data-only) the re-based figures as a
 * data file that dti compute reads.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char help[] =
    "usage: dti rebase [-f FRAMEWORK] [OPTIONS] DATA\n"
    "\n"
    "Re-bases one cycle onto the units valid on a later date (the 2025\n"
    "merger of 63 provinces into 34): each merged unit gets the plain\n"
    "average of its predecessors' main-indicator values (the ministry's\n"
    "DTI 2024 method), or the population-weighted average; aggregates and\n"
    "ranks are then computed from those values.\n"
    "\n"
    "      --to DATE       units valid on DATE (default 2025-07-01)\n"
    "      --level KINDS   kinds of nodes averaged, comma-separated:\n"
    "                      indicator (default), pillar, group, index, ...\n"
    "      --population    weight by population ('population' column of the\n"
    "                      data, else the registry)\n"
    "      --allow-partial average the predecessors present when some are\n"
    "                      missing from the data\n"
    "      --data-only     print the re-based figures as CSV data instead of\n"
    "                      the ranking\n"
    "Other options: those of 'dti rank'.\n"
    "\n"
    "Examples:\n"
    "  dti rebase -f pdti-2022 data-2024.csv --to 2025-07-01\n"
    "  dti rebase -f pdti-2022 data-2024.csv --data-only -o rebased.csv\n";

static int parse_levels(const char *s, unsigned *kinds)
{
	*kinds = 0;
	if (!s)
		return 0;
	static const char *const names[] = {
	    "index",     "subindex",  "pillar",   "group",
	    "indicator", "component", "criterion"};
	char tmp[256];
	snprintf(tmp, sizeof tmp, "%s", s);
	char *save = NULL;
	for (char *t = strtok_r(tmp, ",", &save); t;
	     t = strtok_r(NULL, ",", &save)) {
		int found = 0;
		for (unsigned k = 0; k < sizeof names / sizeof names[0]; k++)
			if (strcmp(t, names[k]) == 0) {
				*kinds |= 1u << k;
				found = 1;
			}
		if (!found) {
			fprintf(stderr, "dti: --level '%s': unknown kind\n", t);
			return EXIT_USAGE;
		}
	}
	return 0;
}

int cmd_rebase(int argc, char **argv)
{
	struct cli_opts o;
	int rc = cli_parse(argc, argv,
	                   OPT_COMPUTE | OPT_OUTPUT | OPT_TABLE | OPT_UNITS |
	                       OPT_REBASE,
	                   help, &o);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	if (o.nargs != 1) {
		fprintf(stderr, "dti: rebase needs one data file\n");
		return EXIT_USAGE;
	}
	struct dti_rebase_opts ro = DTI_REBASE_OPTS_INIT;
	if (o.to_date)
		ro.date = o.to_date;
	ro.population = o.population;
	ro.allow_partial = o.allow_partial;
	rc = parse_levels(o.levels, &ro.kinds);
	if (rc)
		return rc;
	/* the source cycle is shown alone: no previous */
	o.no_previous = 1;
	struct cli_run r;
	rc = cli_run_compute(&o, &r);
	if (rc) {
		cli_run_release(&r);
		return rc;
	}
	struct dti_error err = DTI_ERROR_INIT;
	struct dti_dataset *rds = NULL;
	struct dti_result *rres = NULL;
	struct dti_buf out = DTI_BUF_INIT;
	enum dti_status st = dti_rebase(r.res, r.units, &ro, &rds, &err);
	if (st) {
		cli_error("rebase", &err);
		rc = cli_exit_for(st, EXIT_DATA);
		goto done;
	}
	const char *partial = dti_dataset_meta(rds, "rebased_partial");
	if (partial)
		fprintf(stderr,
		        "dti: averaged from only some predecessors: "
		        "%s\n",
		        partial);
	if (o.data_only) {
		if (o.format != DTI_FORMAT_TABLE &&
		    o.format != DTI_FORMAT_CSV) {
			/* the data are read back: CSV, or Excel's CSV */
			fprintf(stderr, "dti: --data-only writes CSV\n");
			rc = EXIT_USAGE;
			goto done;
		}
		st = dti_dataset_write_csv(rds, 0, &out, &err);
		if (!st) {
			/* name the framework for later runs */
			struct dti_buf head = DTI_BUF_INIT;
			dti_buf_addf(&head,
			             "# framework: %s\n# rebased_to: %s\n",
			             dti_framework_id(r.fw), ro.date);
			dti_buf_add(&head, out.data, out.len);
			dti_buf_release(&out);
			out = head;
		}
	} else {
		st = dti_compute(r.fw, rds, 0, &o.compute, &rres, &err);
		struct dti_output_opts oo;
		size_t nodes[256];
		if (!st && (rc = cli_output_opts(&o, r.fw, &oo, nodes, 256)))
			goto done;
		if (!st)
			st = dti_output_result(rres, &oo, &out, &err);
	}
	if (st) {
		cli_error(NULL, &err);
		rc = cli_exit_for(st, EXIT_DATA);
		goto done;
	}
	rc = cli_write_csv(o.output, &out,
	                   o.format == DTI_FORMAT_CSV || o.data_only
	                       ? cli_excel_csv(o.excel, o.lang, o.output)
	                       : 0);
done:
	dti_buf_release(&out);
	dti_error_release(&err);
	dti_result_free(rres);
	dti_dataset_free(rds);
	cli_run_release(&r);
	return rc;
}
