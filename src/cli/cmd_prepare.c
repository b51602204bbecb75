/*
 * src/cli/cmd_prepare.c - dti prepare: the data steps before normalisation
 * (denominate, impute, screen, treat outliers), their report, and the
 * prepared data written for later runs.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char prepare_help[] =
    "usage: dti prepare DATA [OPTIONS]\n"
    "\n"
    "The data steps before normalisation, as COINr makes them, in this\n"
    "order: divide indicators by their denominators (the framework's\n"
    "denominator column: \"Population\", or \"Population*1000\" per\n"
    "thousand), impute missing figures, screen out units with too few\n"
    "figures, treat outliers (winsorise up to --winmax points while\n"
    "|skew| >= 2 and kurtosis >= 3.5, else log-transform).  Prints what\n"
    "each step changed; --data-out writes the prepared data (CSV), which\n"
    "dti compute reads with the same framework.  The framework's own steps\n"
    "(\"# treat: yes\", ...) apply unless --no-steps; the options add to\n"
    "them.  A framework's treat column gives an indicator its own\n"
    "treatment: \"no\" (left as it is) or words such as \"winmax=3\n"
    "skew=2.5 fallback=boxcox:0.5 force\".  dti compute, rank, stats and\n"
    "the other commands that compute take the same options.\n"
    "\n"
    "Options:\n"
    "      --denominate        divide by the denominators\n"
    "      --impute M          mean, median, group-mean:GROUP or\n"
    "                          group-median:GROUP (a group column);\n"
    "                          row-mean[:LEVEL], row-median[:LEVEL]:\n"
    "                          the unit's other figures in the same\n"
    "                          aggregate (normalised first; LEVEL 2,\n"
    "                          the default, is each indicator's parent);\n"
    "                          latest[:N] (the unit's figure of the\n"
    "                          latest earlier cycle, at most N back),\n"
    "                          constant or linear (in time) from the\n"
    "                          DATA's other cycles\n"
    "      --screen T          leave out units with less than T of the\n"
    "                          indicators (0.9: 90 %)\n"
    "      --screen-nonzero T  ... or with less than T of them not zero\n"
    "      --treat             treat outliers\n"
    "      --winmax N          points winsorised at most (default 5)\n"
    "      --skew-limit X      |skew| limit (default 2)\n"
    "      --kurt-limit X      kurtosis limit (default 3.5)\n"
    "      --treat-fallback F  when winsorising does not do: log_CT\n"
    "                          (default), log_CT_plus, log_CT_orig,\n"
    "                          boxcox:LAMBDA or none (keep it winsorised)\n"
    "      --force-win         winsorise --winmax points, within the\n"
    "                          limits or not, once beyond them\n"
    "      --no-steps          not the framework's steps\n"
    "      --data-out FILE     write the prepared data (CSV) to FILE\n"
    "  -f, --framework F       framework file or bundled id\n"
    "      --cycle LABEL       the cycle of DATA (default: the latest)\n"
    "      --format F          table (default), csv (the indicators) or\n"
    "                          json (all)\n"
    "      --lang L            vi or en\n"
    "  -o, --output FILE       write the report to FILE\n"
    "\n"
    "Examples:\n"
    "  dti prepare -f iMeta.csv iData.csv --denominate "
    "--impute group-mean:EurAsia_group --screen 0.9 --treat\n"
    "  dti prepare -f iMeta.csv iData.csv --impute row-mean\n"
    "  dti prepare -f iMeta.csv iData_p.csv --impute latest:2 --format "
    "csv\n"
    "  dti prepare -f iMeta.csv iData.csv --treat --data-out treated.csv\n"
    "  dti prepare -f iMeta.csv iData.csv --treat --winmax 1 "
    "--treat-fallback boxcox:0.5\n"
    "  dti compute -f iMeta.csv treated.csv --top 5\n";

int cmd_prepare(int argc, char **argv)
{
	struct cli_opts o;
	int rc = cli_parse(argc, argv,
	                   OPT_COMPUTE | OPT_OUTPUT | OPT_UNITS | OPT_PREPARE,
	                   prepare_help, &o);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	if (o.nargs != 1) {
		fprintf(stderr, "dti: prepare needs one DATA file\n");
		return EXIT_USAGE;
	}
	if ((rc = cli_table_csv_json(o.format,
	                             "the report is a table, csv or json")))
		return rc;
	/* the data as read: the steps are made here, with their report */
	struct cli_opts raw = o;
	raw.no_steps = 1;
	raw.prep_set = 0;
	raw.no_previous = 1;
	struct cli_run r;
	rc = cli_run_compute(&raw, &r);
	struct dti_prep_opts po;
	if (!rc)
		rc = cli_prep_opts(&o, r.fw, &po);
	if (!rc && !dti_prep_any(&po)) {
		fprintf(stderr, "dti: no data step: give --denominate, "
		                "--impute, --screen or --treat, or put them in "
		                "the framework (\"# treat: yes\")\n");
		rc = EXIT_USAGE;
	}
	struct dti_dataset *pd = NULL;
	struct dti_prep_report rep;
	memset(&rep, 0, sizeof rep);
	struct dti_error err = DTI_ERROR_INIT;
	if (!rc) {
		enum dti_status st =
		    dti_prepare(r.fw, r.ds, dti_result_cycle_index(r.res), &po,
		                &pd, &rep, &err);
		if (st) {
			cli_error("data steps", &err);
			rc = cli_exit_for(st, st == DTI_EARG ? EXIT_USAGE
			                                     : EXIT_DATA);
		}
	}
	if (!rc && o.data_out) {
		struct dti_buf d = DTI_BUF_INIT;
		if (dti_dataset_write_csv(pd, 0, &d, &err)) {
			cli_error(NULL, &err);
			rc = EXIT_INTERNAL;
		} else {
			rc = cli_write(o.data_out, &d);
		}
		dti_buf_release(&d);
	}
	if (!rc) {
		struct dti_buf out = DTI_BUF_INIT;
		if (dti_prep_report_write(&rep, r.fw, r.ds, o.format, o.lang,
		                          &out, &err)) {
			cli_error(NULL, &err);
			rc = EXIT_INTERNAL;
		} else {
			rc = cli_write(o.output, &out);
		}
		dti_buf_release(&out);
	}
	dti_error_release(&err);
	dti_prep_report_release(&rep);
	dti_dataset_free(pd);
	cli_run_release(&r);
	return rc;
}
