/*
 * src/cli/cmd_pca.c - dti pca (principal components of the indicators of
 * an aggregate, or of its children: dti_pca, dti/pca.h) and dti weights
 * (an aggregate's children weighted by PCA or toward target correlations:
 * dti_weights; as CSV, the framework with the new weights, which
 * `dti compute -f` reads).
 *
 * Both read a data file as compute does (cli_run_compute) and analyse the
 * values it computes.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "dti/json.h"

static const char pca_help[] =
    "usage: dti pca DATA [--by CODE] [--children] [--components N] "
    "[OPTIONS]\n"
    "\n"
    "Principal component analysis (as COINr's get_PCA) of the values of\n"
    "the indicators below --by's aggregate (default: every indicator),\n"
    "or with --children of its children (pillars, sub-indices): the\n"
    "eigenvalues of their correlation matrix with the share of the\n"
    "variance each component explains, the loadings of the first\n"
    "components and the PCA weights (the first component's loadings\n"
    "over their sum, as COINr takes them; and their squares).  The\n"
    "values are dti's (normalised, polarity applied); units without a\n"
    "value of every variable are left out, as COINr does.  Each\n"
    "component is signed so that its loadings sum to a positive number.\n"
    "Eigenvectors by LAPACK (liblapack3).\n"
    "\n"
    "Options:\n"
    "      --by CODE           the aggregate (default: every indicator)\n"
    "      --children          its children instead of the indicators\n"
    "                          below it\n"
    "      --components N      loadings of the first N components\n"
    "                          (default: those with an eigenvalue above 1)\n"
    "  -f, --framework F       framework file or bundled id\n"
    "      --cycle LABEL       the cycle of DATA (default: the latest)\n"
    "      --format F          table (default), csv (the loadings) or\n"
    "                          json (all)\n"
    "      --lang L            vi or en\n"
    "  -o, --output FILE       write to FILE\n"
    "\n"
    "Examples:\n"
    "  dti pca data.csv\n"
    "  dti pca -f iMeta.csv iData.csv --by Physical\n"
    "  dti pca -f iMeta.csv iData.csv --by Conn --children --components 2 "
    "--format json\n";

static const char weights_help[] =
    "usage: dti weights DATA --pca|--optimise [--by CODE] [OPTIONS]\n"
    "       dti weights --effective [-f FRAMEWORK | DATA] [--weights NAME]\n"
    "\n"
    "New weights for the children of --by's aggregate (default: the\n"
    "index), with the correlation of each child with the aggregate\n"
    "before and after:\n"
    "  --pca       the first principal component's loadings of the\n"
    "              children, over their sum (COINr's PCA weights;\n"
    "              refused where one is negative), or with --squared\n"
    "              their squares;\n"
    "  --optimise  weights that bring each child's share of the\n"
    "              children's correlations with the aggregate as close\n"
    "              as can be to its target (equal, or --target), as\n"
    "              COINr's get_opt_weights: Nelder-Mead's simplex over\n"
    "              the weights' log-ratios, every weight above 0.\n"
    "--effective gives each node's share of the index by the weights\n"
    "alone (COINr's effective weights; for points, its share of the\n"
    "index's points), of the framework's weights or of a weight set.\n"
    "As CSV (--format csv, or -o FILE.csv) the output is the framework\n"
    "with the new weights (sum 1), which 'dti compute -f FILE.csv'\n"
    "reads; a framework scored by points is shown, not rewritten.\n"
    "\n"
    "Options:\n"
    "      --pca               PCA weights\n"
    "      --squared           with --pca: the squared loadings\n"
    "      --optimise          weights toward target correlations\n"
    "      --effective         every node's effective weight\n"
    "      --weights NAME      with --effective: of this weight set\n"
    "      --target CODE=T     relative target of a child (default 1;\n"
    "                          repeatable)\n"
    "      --by CODE           the aggregate (default: the index)\n"
    "  -f, --framework F       framework file or bundled id\n"
    "      --cycle LABEL       the cycle of DATA (default: the latest)\n"
    "      --format F          table (default), json, or csv (the\n"
    "                          framework with the new weights)\n"
    "      --lang L            vi or en\n"
    "  -o, --output FILE       write to FILE\n"
    "\n"
    "Examples:\n"
    "  dti weights data.csv --optimise\n"
    "  dti weights -f iMeta.csv iData.csv --by Sust --pca --squared\n"
    "  dti weights -f iMeta.csv iData.csv --optimise --target Sust=2 "
    "-o weights.csv\n"
    "  dti weights --effective -f pdti-2022\n"
    "  dti weights --effective -f iMeta.csv --format csv\n";

int cmd_pca(int argc, char **argv)
{
	struct cli_opts o;
	int rc = cli_parse(argc, argv,
	                   OPT_COMPUTE | OPT_OUTPUT | OPT_UNITS | OPT_PCA,
	                   pca_help, &o);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	if (o.nargs != 1) {
		fprintf(stderr, "dti: pca needs one DATA file\n");
		return EXIT_USAGE;
	}
	rc = cli_table_csv_json(o.format, "a principal component analysis is a "
	                                  "table, csv or json");
	if (rc)
		return rc;
	o.no_previous = 1;
	struct cli_run r;
	rc = cli_run_compute(&o, &r);
	long node = -1;
	if (!rc)
		rc = cli_by_node(&o, r.fw, &node);
	if (!rc) {
		struct dti_pca p;
		struct dti_error err = DTI_ERROR_INIT;
		struct dti_buf out = DTI_BUF_INIT;
		enum dti_status st =
		    dti_pca(r.res, node, o.pca_children, &p, &err);
		if (!st)
			st = dti_pca_write(&p, r.res, o.pca_components,
			                   o.format, o.lang, &out, &err);
		if (st) {
			cli_error(NULL, &err);
			rc = cli_exit_for(st, EXIT_DATA);
		} else {
			rc = cli_write(o.output, &out);
		}
		dti_pca_release(&p);
		dti_buf_release(&out);
		dti_error_release(&err);
	}
	cli_run_release(&r);
	return rc;
}

/* CODE=NUMBER of --target into codes[i] (a copy) and values[i]. */
static int target_of(const char *arg, char **code, double *value)
{
	const char *eq = strchr(arg, '=');
	char num[64];
	snprintf(num, sizeof num, "%s", eq + 1);
	for (char *c = num; *c; c++)
		if (*c == ',')
			*c = '.';
	char *end;
	*value = strtod(num, &end);
	if (!*num || *end || !isfinite(*value) || !(*value > 0)) {
		fprintf(stderr,
		        "dti: --target %s: a target is a number above 0 (a "
		        "relative importance)\n",
		        arg);
		return EXIT_USAGE;
	}
	*code = strndup(arg, (size_t)(eq - arg));
	if (!*code) {
		fprintf(stderr, "dti: out of memory\n");
		return EXIT_INTERNAL;
	}
	return EXIT_OK;
}

/* --effective: every node's effective weight, as a table, CSV or JSON. */
static int effective(struct cli_opts *o)
{
	if (o->nargs > 1) {
		fprintf(stderr, "dti: weights --effective takes one DATA file "
		                "at most\n");
		return EXIT_USAGE;
	}
	if (!o->nargs && !o->framework) {
		fprintf(stderr, "dti: weights --effective needs -f FRAMEWORK "
		                "(or a DATA file that names it)\n");
		return EXIT_USAGE;
	}
	if (o->sort) {
		fprintf(stderr, "dti: effective weights are in the index: "
		                "--by is for --pca and --optimise\n");
		return EXIT_USAGE;
	}
	int rc = cli_table_csv_json(o->format,
	                            "effective weights are a table, json or "
	                            "csv");
	if (rc)
		return rc;
	struct cli_run r;
	memset(&r, 0, sizeof r);
	struct dti_framework *own = NULL;
	const struct dti_framework *fw;
	if (o->nargs) {
		o->no_previous = 1;
		rc = cli_run_compute(o, &r);
		fw = r.fw;
	} else {
		rc = cli_load_framework(o->framework, &own);
		fw = own;
	}
	long set = -1;
	if (!rc && o->compute.weights) {
		set = dti_framework_find_weight_set(fw, o->compute.weights);
		if (set < 0) {
			fprintf(stderr,
			        "dti: --weights: framework '%s' has no weight "
			        "set '%s'\n",
			        dti_framework_id(fw), o->compute.weights);
			rc = EXIT_NOTFOUND;
		}
	}
	struct dti_buf out = DTI_BUF_INIT;
	struct dti_error err = DTI_ERROR_INIT;
	if (!rc) {
		enum dti_status st = dti_effective_weights_write(
		    fw, set, o->format, o->lang, &out, &err);
		if (st) {
			cli_error(NULL, &err);
			rc = cli_exit_for(st, EXIT_USAGE);
		}
	}
	if (!rc)
		rc = cli_write(o->output, &out);
	dti_buf_release(&out);
	dti_error_release(&err);
	dti_framework_free(own);
	cli_run_release(&r);
	return rc;
}

int cmd_weights(int argc, char **argv)
{
	struct cli_opts o;
	int rc = cli_parse(argc, argv,
	                   OPT_COMPUTE | OPT_OUTPUT | OPT_UNITS | OPT_PCA |
	                       OPT_WEIGHTS,
	                   weights_help, &o);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	if (o.weights_method == 3)
		return effective(&o);
	if (o.nargs != 1) {
		fprintf(stderr, "dti: weights needs one DATA file\n");
		return EXIT_USAGE;
	}
	if (!o.weights_method) {
		fprintf(stderr, "dti: give --pca or --optimise\n");
		return EXIT_USAGE;
	}
	if (o.weights_squared && o.weights_method != 1) {
		fprintf(stderr, "dti: --squared goes with --pca\n");
		return EXIT_USAGE;
	}
	if (o.ntargets && o.weights_method != 2) {
		fprintf(stderr, "dti: --target goes with --optimise\n");
		return EXIT_USAGE;
	}
	if (o.pca_children || o.pca_components) {
		fprintf(stderr, "dti: weights are always of --by's children: "
		                "--children and --components are for "
		                "'dti pca'\n");
		return EXIT_USAGE;
	}
	rc = cli_table_csv_json(o.format,
	                        "weights are a table, json, or csv (the "
	                        "framework with the new weights)");
	if (rc)
		return rc;
	char *codes[64] = {NULL};
	double values[64];
	for (size_t i = 0; !rc && i < o.ntargets; i++)
		rc = target_of(o.targets[i], &codes[i], &values[i]);
	o.no_previous = 1;
	struct cli_run r;
	memset(&r, 0, sizeof r);
	if (!rc)
		rc = cli_run_compute(&o, &r);
	struct dti_weights_opts wo;
	dti_weights_opts_init(&wo);
	wo.method = o.weights_method == 2 ? DTI_WEIGHTS_OPTIMISE
	            : o.weights_squared   ? DTI_WEIGHTS_PCA_SQUARED
	                                  : DTI_WEIGHTS_PCA;
	wo.ntargets = o.ntargets;
	wo.target_codes = (const char *const *)codes;
	wo.target_values = values;
	if (!rc)
		rc = cli_by_node(&o, r.fw, &wo.node);
	if (!rc) {
		struct dti_weights w;
		struct dti_error err = DTI_ERROR_INIT;
		struct dti_buf out = DTI_BUF_INIT;
		enum dti_status st = dti_weights(r.res, &wo, &w, &err);
		if (!st)
			st =
			    dti_weights_write(&w, o.format, o.lang, &out, &err);
		if (st) {
			cli_error(NULL, &err);
			rc = cli_exit_for(st, EXIT_DATA);
		} else {
			rc = cli_write(o.output, &out);
		}
		dti_weights_release(&w);
		dti_buf_release(&out);
		dti_error_release(&err);
	}
	for (size_t i = 0; i < o.ntargets; i++)
		free(codes[i]);
	cli_run_release(&r);
	return rc;
}
