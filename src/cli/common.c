/*
 * src/cli/common.c - option parsing, loading, output and exit codes shared
 * by the subcommands.
 *
 * Options may come before or after the file arguments.  Library errors are
 * printed whole (every located fault of a file), prefixed "dti: ", on
 * stderr; data and help go to stdout.  Output files (-o) are written to
 * a temporary file in the same directory and renamed, so an interrupted or
 * failed run leaves the previous file untouched; only regular files are
 * replaced (a symbolic link, a directory or another special file is
 * refused), a device or a pipe is written as it is, an existing file keeps
 * its mode and a new one gets the umask's.  SIGINT, SIGTERM and SIGHUP
 * remove the temporary file before the program ends.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "opt.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

enum {
	O_NO_UNITS = 256,
	O_GROUPS,
	O_CYCLE,
	O_PREVIOUS,
	O_NO_PREVIOUS,
	O_PRECISION,
	O_MISSING,
	O_GROUP_BY,
	O_RECOMPUTE,
	O_PARTIAL,
	O_DECIMAL,
	O_DATE,
	O_IGNORE,
	O_LAYOUT,
	O_FORMAT,
	O_LANG,
	O_COLOR,
	O_NODES,
	O_SORT,
	O_GROUP,
	O_TOP,
	O_POINTS,
	O_RANKS,
	O_GROUP_RANKS,
	O_TO,
	O_LEVEL,
	O_POPULATION,
	O_ALLOW_PARTIAL,
	O_DATA_ONLY,
	O_DB,
	O_SINCE,
	O_EXCEL,
	O_NO_EXCEL,
	O_TARGET_RANK,
	O_TARGET_VALUE,
	O_COST,
	O_CAP,
	O_OF,
	O_RUNS,
	O_SEED,
	O_WEIGHT_NOISE,
	O_VARY_AGG,
	O_LEAVE_ONE_OUT,
	O_THREADS,
	O_SAMPLES,
	O_BOOTSTRAP,
	O_BY_UNIT,
	O_DENOMINATE,
	O_IMPUTE,
	O_SCREEN,
	O_SCREEN_NONZERO,
	O_TREAT,
	O_WINMAX,
	O_SKEW_LIMIT,
	O_KURT_LIMIT,
	O_NO_STEPS,
	O_DATA_OUT,
	O_WEIGHTS,
	O_VARY_SETS,
	O_VARY_NORM,
	O_VARY_IMPUTE,
	O_VARY_TREAT,
	O_BY,
	O_SVG,
	O_CHART,
	O_CORRELATION,
	O_WITH,
	O_COMPONENTS,
	O_CHILDREN,
	O_PCA,
	O_OPTIMISE,
	O_EFFECTIVE,
	O_SQUARED,
	O_TARGET,
	O_FRAMEWORK_B,
	O_UNITS_B,
	O_CYCLE_B,
	O_MISSING_B,
	O_PRECISION_B,
	O_RECOMPUTE_B,
	O_NODE,
	O_INDICATOR,
	O_ORDER,
	O_NORM_ACROSS,
	O_NORM_WITHIN,
	O_TREAT_FALLBACK,
	O_FORCE_WIN
};

static const struct cli_opt compute_opts[] = {
    {"framework", 'f', 1, 'f'},
    {"units", 'u', 1, 'u'},
    {"no-units", 0, 0, O_NO_UNITS},
    {"groups", 0, 1, O_GROUPS},
    {"cycle", 0, 1, O_CYCLE},
    {"previous", 0, 1, O_PREVIOUS},
    {"no-previous", 0, 0, O_NO_PREVIOUS},
    {"precision", 0, 1, O_PRECISION},
    {"missing", 0, 1, O_MISSING},
    {"group-by", 0, 1, O_GROUP_BY},
    {"recompute", 0, 0, O_RECOMPUTE},
    {"partial", 0, 0, O_PARTIAL},
    {"decimal", 0, 1, O_DECIMAL},
    {"date", 0, 1, O_DATE},
    {"ignore", 0, 1, O_IGNORE},
    {"layout", 0, 1, O_LAYOUT},
    {"output", 'o', 1, 'o'},
    {"format", 0, 1, O_FORMAT},
    {"excel", 0, 0, O_EXCEL},
    {"no-excel", 0, 0, O_NO_EXCEL},
    {"lang", 0, 1, O_LANG},
    {"color", 0, 1, O_COLOR},
    {"colour", 0, 1, O_COLOR},
    {"nodes", 0, 1, O_NODES},
    {"sort", 0, 1, O_SORT},
    {"by", 0, 1, O_BY},
    {"group", 0, 1, O_GROUP},
    {"top", 0, 1, O_TOP},
    {"points", 0, 0, O_POINTS},
    {"ranks", 0, 0, O_RANKS},
    {"group-ranks", 0, 0, O_GROUP_RANKS},
    {"to", 0, 1, O_TO},
    {"level", 0, 1, O_LEVEL},
    {"population", 0, 0, O_POPULATION},
    {"allow-partial", 0, 0, O_ALLOW_PARTIAL},
    {"data-only", 0, 0, O_DATA_ONLY},
    {"db", 0, 1, O_DB},
    {"since", 0, 1, O_SINCE},
    {"target-rank", 0, 1, O_TARGET_RANK},
    {"target-value", 0, 1, O_TARGET_VALUE},
    {"cost", 0, 1, O_COST},
    {"cap", 0, 1, O_CAP},
    {"of", 0, 1, O_OF},
    {"runs", 0, 1, O_RUNS},
    {"seed", 0, 1, O_SEED},
    {"weight-noise", 0, 1, O_WEIGHT_NOISE},
    {"vary-aggregation", 0, 0, O_VARY_AGG},
    {"leave-one-out", 0, 0, O_LEAVE_ONE_OUT},
    {"threads", 0, 1, O_THREADS},
    {"samples", 0, 1, O_SAMPLES},
    {"bootstrap", 0, 1, O_BOOTSTRAP},
    {"by-unit", 0, 0, O_BY_UNIT},
    {"denominate", 0, 0, O_DENOMINATE},
    {"impute", 0, 1, O_IMPUTE},
    {"screen", 0, 1, O_SCREEN},
    {"screen-nonzero", 0, 1, O_SCREEN_NONZERO},
    {"treat", 0, 0, O_TREAT},
    {"winmax", 0, 1, O_WINMAX},
    {"skew-limit", 0, 1, O_SKEW_LIMIT},
    {"kurt-limit", 0, 1, O_KURT_LIMIT},
    {"no-steps", 0, 0, O_NO_STEPS},
    {"data-out", 0, 1, O_DATA_OUT},
    {"weights", 0, 1, O_WEIGHTS},
    {"vary-weight-sets", 0, 0, O_VARY_SETS},
    {"vary-normalisation", 0, 0, O_VARY_NORM},
    {"vary-normalization", 0, 0, O_VARY_NORM},
    {"vary-imputation", 0, 0, O_VARY_IMPUTE},
    {"vary-treatment", 0, 0, O_VARY_TREAT},
    {"svg", 0, 1, O_SVG},
    {"chart", 0, 1, O_CHART},
    {"correlation", 0, 1, O_CORRELATION},
    {"with", 0, 1, O_WITH},
    {"components", 0, 1, O_COMPONENTS},
    {"children", 0, 0, O_CHILDREN},
    {"pca", 0, 0, O_PCA},
    {"optimise", 0, 0, O_OPTIMISE},
    {"optimize", 0, 0, O_OPTIMISE},
    {"effective", 0, 0, O_EFFECTIVE},
    {"squared", 0, 0, O_SQUARED},
    {"target", 0, 1, O_TARGET},
    {"framework-b", 0, 1, O_FRAMEWORK_B},
    {"units-b", 0, 1, O_UNITS_B},
    {"cycle-b", 0, 1, O_CYCLE_B},
    {"missing-b", 0, 1, O_MISSING_B},
    {"precision-b", 0, 1, O_PRECISION_B},
    {"recompute-b", 0, 0, O_RECOMPUTE_B},
    {"node", 0, 1, O_NODE},
    {"indicator", 0, 1, O_INDICATOR},
    {"order", 0, 1, O_ORDER},
    {"normalise-across-cycles", 0, 0, O_NORM_ACROSS},
    {"normalize-across-cycles", 0, 0, O_NORM_ACROSS},
    {"normalise-per-cycle", 0, 0, O_NORM_WITHIN},
    {"normalize-per-cycle", 0, 0, O_NORM_WITHIN},
    {"treat-fallback", 0, 1, O_TREAT_FALLBACK},
    {"force-win", 0, 0, O_FORCE_WIN},
    {NULL, 0, 0, 0}};

static unsigned needs(int opt)
{
	switch (opt) {
	case 'f':
	case O_NO_UNITS:
	case O_CYCLE:
	case O_PREVIOUS:
	case O_NO_PREVIOUS:
	case O_PRECISION:
	case O_MISSING:
	case O_GROUP_BY:
	case O_RECOMPUTE:
	case O_PARTIAL:
	case O_DECIMAL:
	case O_IGNORE:
	case O_LAYOUT:
	case O_DENOMINATE:
	case O_IMPUTE:
	case O_SCREEN:
	case O_SCREEN_NONZERO:
	case O_TREAT:
	case O_WINMAX:
	case O_SKEW_LIMIT:
	case O_KURT_LIMIT:
	case O_TREAT_FALLBACK:
	case O_FORCE_WIN:
	case O_NO_STEPS:
	case O_NORM_ACROSS:
	case O_NORM_WITHIN:
	case O_WEIGHTS: return OPT_COMPUTE;
	case 'u':
	case O_GROUPS:
	case O_DATE: return OPT_COMPUTE | OPT_UNITS;
	case 'o':
	case O_FORMAT:
	case O_EXCEL:
	case O_NO_EXCEL:
	case O_LANG:
	case O_COLOR: return OPT_OUTPUT;
	case O_GROUP:
	case O_TOP: return OPT_TABLE | OPT_COMPARE | OPT_TRENDS;
	case O_NODES:
	case O_BY: return OPT_TABLE | OPT_STATS | OPT_PCA;
	case O_SORT:
	case O_POINTS:
	case O_RANKS:
	case O_GROUP_RANKS: return OPT_TABLE;
	case O_TO:
	case O_LEVEL:
	case O_POPULATION:
	case O_ALLOW_PARTIAL:
	case O_DATA_ONLY: return OPT_REBASE;
	case O_DB:
	case O_SINCE: return OPT_STORE;
	case O_TARGET_RANK:
	case O_TARGET_VALUE:
	case O_COST:
	case O_CAP: return OPT_PLAN;
	case O_OF:
	case O_CHART:
	case O_CORRELATION:
	case O_WITH: return OPT_STATS;
	case O_SVG: return OPT_SVG;
	case O_RUNS:
	case O_SEED:
	case O_WEIGHT_NOISE:
	case O_VARY_AGG:
	case O_LEAVE_ONE_OUT:
	case O_THREADS:
	case O_VARY_SETS:
	case O_VARY_NORM:
	case O_VARY_IMPUTE:
	case O_VARY_TREAT: return OPT_UA;
	case O_SAMPLES:
	case O_BOOTSTRAP:
	case O_BY_UNIT: return OPT_SA;
	case O_DATA_OUT: return OPT_PREPARE;
	case O_COMPONENTS:
	case O_CHILDREN: return OPT_PCA;
	case O_PCA:
	case O_OPTIMISE:
	case O_EFFECTIVE:
	case O_SQUARED:
	case O_TARGET: return OPT_WEIGHTS;
	case O_FRAMEWORK_B:
	case O_UNITS_B:
	case O_CYCLE_B:
	case O_MISSING_B:
	case O_PRECISION_B:
	case O_RECOMPUTE_B: return OPT_COMPARE;
	case O_NODE:
	case O_ORDER: return OPT_COMPARE | OPT_TRENDS;
	case O_INDICATOR: return OPT_TRENDS;
	}
	return 0;
}

/*
 * 1 for the options that still apply when rank and explain read the
 * store's published snapshot instead of a data file.
 */
static int store_applies(int opt)
{
	switch (opt) {
	case O_CYCLE:
	case O_DB:
	case O_SINCE:
	case 'o':
	case O_FORMAT:
	case O_EXCEL:
	case O_NO_EXCEL:
	case O_LANG:
	case O_COLOR:
	case O_SORT:
	case O_BY:
	case O_GROUP:
	case O_TOP:
	case O_NODE:
	case O_ORDER: return 1;
	}
	return 0;
}

#define MORE                   "Try '--help' for more."
#define usage_error(help, ...) cli_usage((help), MORE, __VA_ARGS__)

int cli_lang(const char *v, enum dti_lang *out)
{
	if (strcmp(v, "vi") == 0)
		*out = DTI_LANG_VI;
	else if (strcmp(v, "en") == 0)
		*out = DTI_LANG_EN;
	else
		return -1;
	return 0;
}

enum dti_lang cli_default_lang(void)
{
	const char *l = getenv("DTI_LANG");
	return l && strncmp(l, "vi", 2) == 0 ? DTI_LANG_VI : DTI_LANG_EN;
}

/* A --missing value; -1 if none. */
static int missing_policy(const char *v)
{
	if (strcmp(v, "zero") == 0)
		return DTI_MISSING_ZERO;
	if (strcmp(v, "exclude") == 0)
		return DTI_MISSING_EXCLUDE;
	if (strcmp(v, "group-mean") == 0)
		return DTI_MISSING_GROUP_MEAN;
	return -1;
}

/* A --precision value (0..15); -1 if none. */
static int precision_of(const char *v)
{
	char *end;
	long n = strtol(v, &end, 10);
	return *v && !*end && n >= 0 && n <= 15 ? (int)n : -1;
}

struct parse_ctx {
	struct cli_opts *o;
	unsigned accept;
	const char *help;
	size_t nignore;
};

/* One option of a compute command, in command-line order. */
static int compute_option(void *vctx, const struct cli_opt *opt,
                          const char *val, const char *optname)
{
	struct parse_ctx *x = vctx;
	struct cli_opts *o = x->o;
	const char *help = x->help;
	if (!(needs(opt->id) & x->accept))
		return usage_error(help, "option '%s' does not apply here",
		                   optname);
	if (!store_applies(opt->id) && !o->file_opt[0])
		snprintf(o->file_opt, sizeof o->file_opt, "%s", optname);
	long n;
	char *end;
	switch (opt->id) {
	case 'f': o->framework = val; break;
	case 'u': o->units = val; break;
	case O_NO_UNITS: o->no_units = 1; break;
	case O_GROUPS: o->groups = val; break;
	case O_CYCLE: o->cycle = val; break;
	case O_PREVIOUS: o->previous = val; break;
	case O_NO_PREVIOUS: o->no_previous = 1; break;
	case O_PRECISION:
	case O_PRECISION_B:
		if (precision_of(val) < 0)
			return usage_error(help, "%s '%s': expected 0..15",
			                   optname, val);
		if (opt->id == O_PRECISION)
			o->compute.precision = precision_of(val);
		else
			o->b_precision = precision_of(val);
		break;
	case O_MISSING:
	case O_MISSING_B:
		if (missing_policy(val) < 0)
			return usage_error(help,
			                   "%s '%s': expected zero, "
			                   "exclude or group-mean",
			                   optname, val);
		if (opt->id == O_MISSING)
			o->compute.missing =
			    (enum dti_missing)missing_policy(val);
		else
			o->b_missing = missing_policy(val);
		break;
	case O_FRAMEWORK_B: o->b_framework = val; break;
	case O_UNITS_B: o->b_units = val; break;
	case O_CYCLE_B: o->b_cycle = val; break;
	case O_RECOMPUTE_B: o->b_recompute = 1; break;
	case O_NODE: o->node = val; break;
	case O_INDICATOR: o->indicator = val; break;
	case O_ORDER:
		if (dti_move_order_parse(val) < 0)
			return usage_error(help,
			                   "--order '%s': expected places, "
			                   "change, growth, rank or name",
			                   val);
		o->order = dti_move_order_parse(val);
		break;
	case O_GROUP_BY: o->compute.group_by = val; break;
	case O_RECOMPUTE: o->compute.recompute = 1; break;
	case O_PARTIAL: o->compute.allow_unknown = 1; break;
	case O_DECIMAL:
		if (strcmp(val, ",") && strcmp(val, "."))
			return usage_error(
			    help, "--decimal '%s': expected ',' or '.'", val);
		o->read.decimal = val[0];
		break;
	case O_DATE:
		if (!dti_date_valid(val))
			return usage_error(help,
			                   "--date '%s': expected YYYY-MM-DD, "
			                   "a day that exists",
			                   val);
		o->read.date = val;
		break;
	case O_IGNORE:
		if (x->nignore >= ARRAY_SIZE(o->ignore))
			return usage_error(help, "too many --ignore (%s)", val);
		o->ignore[x->nignore++] = val;
		break;
	case O_TARGET_RANK: {
		char *tend;
		long tr = strtol(val, &tend, 10);
		if (!*val || *tend || tr < 1 || tr > 1000000)
			return usage_error(
			    help,
			    "--target-rank '%s': expected a rank "
			    "(1, 2, ...)",
			    val);
		o->target_rank = (int)tr;
		break;
	}
	case O_TARGET_VALUE: o->target_value = val; break;
	case O_OF:
		if (strcmp(val, "figures") && strcmp(val, "values"))
			return usage_error(
			    help, "--of '%s': expected figures or values", val);
		o->stats_values = val[0] == 'v';
		break;
	case O_DENOMINATE:
		o->prep.denominate = 1;
		o->prep_set |= PREP_DENOMINATE;
		break;
	case O_IMPUTE: {
		/* METHOD or METHOD:GROUP, METHOD:LEVEL, latest:CYCLES */
		const char *colon = strchr(val, ':');
		char m[32];
		snprintf(m, sizeof m, "%.*s",
		         (int)(colon ? (size_t)(colon - val) : strlen(val)),
		         val);
		struct dti_error e = DTI_ERROR_INIT;
		if ((colon && !colon[1]) ||
		    dti_impute_set(&o->prep, m, colon ? colon + 1 : NULL, &e)) {
			int r = usage_error(
			    help,
			    "--impute '%s': %s%sexpected none, mean, median, "
			    "group-mean:GROUP, group-median:GROUP, "
			    "row-mean[:LEVEL], row-median[:LEVEL], "
			    "latest[:CYCLES], constant or linear",
			    val, e.message, e.message[0] ? "; " : "");
			dti_error_release(&e);
			return r;
		}
		o->prep_set |= PREP_IMPUTE;
		break;
	}
	case O_SCREEN:
	case O_SCREEN_NONZERO:
	case O_SKEW_LIMIT:
	case O_KURT_LIMIT: {
		char *dend;
		double d = strtod(val, &dend);
		int share = opt->id == O_SCREEN || opt->id == O_SCREEN_NONZERO;
		if (!*val || *dend || !isfinite(d) ||
		    (share ? !(d > 0 && d <= 1) : !(d > 0)))
			return usage_error(help, "%s '%s': expected %s",
			                   optname, val,
			                   share ? "a share above 0, at most 1 "
			                           "(0.9: 90%)"
			                         : "a positive number");
		if (opt->id == O_SCREEN)
			o->prep.screen_avail = d, o->prep_set |= PREP_SCREEN;
		else if (opt->id == O_SCREEN_NONZERO)
			o->prep.screen_nonzero = d,
			o->prep_set |= PREP_SCREEN_NONZERO;
		else if (opt->id == O_SKEW_LIMIT)
			o->prep.skew_limit = d, o->prep_set |= PREP_SKEW;
		else
			o->prep.kurt_limit = d, o->prep_set |= PREP_KURT;
		break;
	}
	case O_TREAT:
		o->prep.treat = 1;
		o->prep_set |= PREP_TREAT;
		break;
	case O_WINMAX: {
		char *wend;
		long w = strtol(val, &wend, 10);
		if (!*val || *wend || w < 1 || w > 1000000)
			return usage_error(
			    help, "--winmax '%s': expected 1 to 1000000", val);
		o->prep.winmax = (int)w;
		o->prep_set |= PREP_WINMAX;
		break;
	}
	case O_TREAT_FALLBACK:
		if (dti_fallback_parse(val, &o->prep.fallback, &o->prep.lambda))
			return usage_error(help,
			                   "--treat-fallback '%s': expected "
			                   "log_CT, log_CT_plus, log_CT_orig, "
			                   "none or boxcox:LAMBDA (a number)",
			                   val);
		o->prep_set |= PREP_FALLBACK;
		break;
	case O_FORCE_WIN:
		o->prep.force_win = 1;
		o->prep_set |= PREP_FORCE;
		break;
	case O_NO_STEPS: o->no_steps = 1; break;
	case O_DATA_OUT: o->data_out = val; break;
	case O_WEIGHTS: o->compute.weights = val; break;
	case O_NORM_ACROSS: o->compute.across_cycles = 1; break;
	case O_NORM_WITHIN: o->compute.across_cycles = -1; break;
	case O_BY_UNIT: o->sa_by_unit = 1; break;
	case O_SAMPLES:
	case O_BOOTSTRAP: {
		char *send;
		errno = 0;
		unsigned long long u = strtoull(val, &send, 10);
		if (!*val || *send || errno || val[0] == '-' || u > 1000000)
			return usage_error(help,
			                   "%s '%s': expected 0 to 1000000",
			                   optname, val);
		if (opt->id == O_SAMPLES)
			o->sa_samples = (size_t)u;
		else
			o->sa_bootstrap = (size_t)u, o->sa_bootstrap_set = 1;
		break;
	}
	case O_RUNS:
	case O_SEED:
	case O_THREADS: {
		char *uend;
		errno = 0;
		unsigned long long u = strtoull(val, &uend, 10);
		unsigned long long hi = opt->id == O_RUNS      ? 10000000ULL
		                        : opt->id == O_THREADS ? 64ULL
		                                               : ~0ULL;
		if (!*val || *uend || errno || val[0] == '-' ||
		    (opt->id != O_SEED && u < 1) || u > hi)
			return usage_error(
			    help, "%s '%s': expected %s", optname, val,
			    opt->id == O_RUNS      ? "1 to 10000000"
			    : opt->id == O_THREADS ? "1 to 64"
			                           : "a whole number");
		if (opt->id == O_RUNS)
			o->ua_runs = (size_t)u;
		else if (opt->id == O_SEED)
			o->ua_seed = (uint64_t)u, o->ua_seed_set = 1;
		else
			o->ua_threads = (unsigned)u;
		break;
	}
	case O_WEIGHT_NOISE: {
		char *wend;
		double w = strtod(val, &wend);
		if (!*val || *wend || !(w >= 0 && w <= 1))
			return usage_error(
			    help,
			    "--weight-noise '%s': expected 0 to 1 "
			    "(0.25: each weight within ±25 %%)",
			    val);
		o->ua_noise = w;
		break;
	}
	case O_VARY_AGG: o->ua_vary_agg = 1; break;
	case O_LEAVE_ONE_OUT: o->ua_leave_one_out = 1; break;
	case O_VARY_SETS: o->ua_vary_sets = 1; break;
	case O_VARY_NORM: o->ua_vary_norm = 1; break;
	case O_VARY_IMPUTE: o->ua_vary_impute = 1; break;
	case O_VARY_TREAT: o->ua_vary_treat = 1; break;
	case O_COST:
	case O_CAP:
		if (!strchr(val, '=') || val[0] == '=')
			return usage_error(
			    help, "%s '%s': expected IND=NUMBER",
			    opt->id == O_COST ? "--cost" : "--cap", val);
		if (o->nplan_opts >= ARRAY_SIZE(o->plan_opts))
			return usage_error(help, "too many --cost and --cap");
		o->plan_opts[o->nplan_opts].cap = opt->id == O_CAP;
		o->plan_opts[o->nplan_opts++].text = val;
		break;
	case O_LAYOUT:
		if (strcmp(val, "wide") == 0)
			o->read.layout = DTI_LAYOUT_WIDE;
		else if (strcmp(val, "long") == 0)
			o->read.layout = DTI_LAYOUT_LONG;
		else
			return usage_error(help,
			                   "--layout '%s': expected wide or "
			                   "long",
			                   val);
		break;
	case 'o': o->output = val; break;
	case O_FORMAT: {
		int f = dti_format_parse(val);
		if (f < 0)
			return usage_error(help,
			                   "--format '%s': expected table, "
			                   "csv, json, ndjson or xlsx",
			                   val);
		o->format = (enum dti_format)f;
		o->format_set = 1;
		break;
	}
	case O_EXCEL: o->excel = 1; break;
	case O_NO_EXCEL: o->excel = -1; break;
	case O_LANG:
		if (cli_lang(val, &o->lang))
			return usage_error(
			    help, "--lang '%s': expected vi or en", val);
		break;
	case O_COLOR:
		if (strcmp(val, "always") == 0)
			o->color = 1;
		else if (strcmp(val, "never") == 0)
			o->color = 0;
		else if (strcmp(val, "auto") == 0)
			o->color = -1;
		else
			return usage_error(help,
			                   "--color '%s': expected auto, "
			                   "always or never",
			                   val);
		break;
	case O_NODES: o->nodes = val; break;
	case O_SORT:
	case O_BY: o->sort = val; break;
	case O_SVG: o->svg = val; break;
	case O_CHART:
		if (strcmp(val, "heatmap") == 0)
			o->stats_chart = CLI_CHART_HEATMAP;
		else if (strcmp(val, "distribution") == 0)
			o->stats_chart = CLI_CHART_DISTRIBUTION;
		else
			return usage_error(help,
			                   "--chart '%s': expected heatmap or "
			                   "distribution",
			                   val);
		break;
	case O_CORRELATION:
		if (strcmp(val, "pearson") && strcmp(val, "spearman"))
			return usage_error(help,
			                   "--correlation '%s': expected "
			                   "pearson or spearman",
			                   val);
		o->stats_spearman = val[0] == 's';
		o->stats_corr_set = 1;
		break;
	case O_WITH:
		if (strcmp(val, "parent") == 0)
			o->stats_with = CLI_WITH_PARENT;
		else if (strcmp(val, "level") == 0)
			o->stats_with = CLI_WITH_LEVEL;
		else
			return usage_error(
			    help, "--with '%s': expected parent or level", val);
		break;
	case O_COMPONENTS: {
		char *cend;
		long c = strtol(val, &cend, 10);
		if (!*val || *cend || c < 1 || c > 1000)
			return usage_error(help,
			                   "--components '%s': expected 1 to "
			                   "1000",
			                   val);
		o->pca_components = (size_t)c;
		break;
	}
	case O_CHILDREN: o->pca_children = 1; break;
	case O_PCA:
	case O_OPTIMISE:
	case O_EFFECTIVE: {
		int m = opt->id == O_PCA ? 1 : opt->id == O_OPTIMISE ? 2 : 3;
		if (o->weights_method && o->weights_method != m)
			return usage_error(help, "give one of --pca, "
			                         "--optimise and --effective");
		o->weights_method = m;
		break;
	}
	case O_SQUARED: o->weights_squared = 1; break;
	case O_TARGET:
		if (!strchr(val, '=') || val[0] == '=')
			return usage_error(
			    help, "--target '%s': expected CODE=NUMBER", val);
		if (o->ntargets >= ARRAY_SIZE(o->targets))
			return usage_error(help, "too many --target");
		o->targets[o->ntargets++] = val;
		break;
	case O_GROUP: o->group = val; break;
	case O_TOP:
		n = strtol(val, &end, 10);
		if (*end || n < 1)
			return usage_error(help,
			                   "--top '%s': expected a number "
			                   "above 0",
			                   val);
		o->limit = (size_t)n;
		break;
	case O_POINTS: o->points = 1; break;
	case O_RANKS: o->ranks = 1; break;
	case O_GROUP_RANKS: o->group_ranks = 1; break;
	case O_TO:
		if (!dti_date_valid(val))
			return usage_error(
			    help,
			    "--to '%s': expected YYYY-MM-DD, a day that exists",
			    val);
		o->to_date = val;
		break;
	case O_LEVEL: o->levels = val; break;
	case O_POPULATION: o->population = 1; break;
	case O_ALLOW_PARTIAL: o->allow_partial = 1; break;
	case O_DATA_ONLY: o->data_only = 1; break;
	case O_DB: o->db = val; break;
	case O_SINCE:
		n = strtol(val, &end, 10);
		if (*end || n < 1000 || n > 9999)
			return usage_error(help,
			                   "--since '%s': expected a year "
			                   "(YYYY)",
			                   val);
		o->since = (int)n;
		break;
	}
	return 0;
}

static int compute_argument(void *vctx, const char *arg)
{
	struct parse_ctx *x = vctx;
	if (x->o->nargs >= ARRAY_SIZE(x->o->args))
		return usage_error(x->help, "too many arguments (%s)", arg);
	x->o->args[x->o->nargs++] = arg;
	return 0;
}

int cli_parse(int argc, char **argv, unsigned accept, const char *help,
              struct cli_opts *o)
{
	memset(o, 0, sizeof *o);
	struct dti_compute_opts co = DTI_COMPUTE_OPTS_INIT;
	struct dti_read_opts ro = DTI_READ_OPTS_INIT;
	o->compute = co;
	o->read = ro;
	dti_prep_opts_init(&o->prep);
	o->format = DTI_FORMAT_TABLE;
	o->lang = cli_default_lang();
	o->color = -1;
	o->b_precision = -1;
	struct parse_ctx x = {o, accept, help, 0};
	struct cli_optparse p = {compute_opts,     help, MORE, compute_option,
	                         compute_argument, &x};
	int rc = cli_optparse(&p, argc, argv);
	if (rc)
		return rc;
	o->read.ignore = o->ignore;
	o->read.nignore = x.nignore;
	if (accept & OPT_OUTPUT) {
		rc = cli_output_format(o->format, o->format_set, o->output,
		                       &o->format);
		if (rc)
			return rc;
		if (o->excel > 0 && o->format != DTI_FORMAT_CSV)
			return usage_error(help,
			                   "--excel applies to --format csv");
	}
	if (o->color < 0) {
		const char *nc = getenv("NO_COLOR");
		const char *term = getenv("TERM");
		o->color = !(nc && *nc) &&
		           !(term && strcmp(term, "dumb") == 0) && !o->output &&
		           isatty(STDOUT_FILENO);
	}
	return 0;
}

/* ---- errors ---------------------------------------------------------- */

void cli_error(const char *what, const struct dti_error *err)
{
	char line[2048];
	dti_error_format(err, line, sizeof line);
	if (what && *what)
		fprintf(stderr, "dti: %s: %s\n", what, line);
	else
		fprintf(stderr, "dti: %s\n", line);
	for (size_t i = 0; i < err->nmore; i++) {
		dti_diag_format(&err->more[i], line, sizeof line);
		if (what && *what)
			fprintf(stderr, "dti: %s: %s\n", what, line);
		else
			fprintf(stderr, "dti: %s\n", line);
	}
	if (err->nmore_dropped)
		fprintf(stderr, "dti: ... and %zu more\n", err->nmore_dropped);
}

int cli_exit_for(enum dti_status st, int context_exit)
{
	switch (st) {
	case DTI_OK: return EXIT_OK;
	case DTI_ENOMEM:
	case DTI_EINTERNAL: return EXIT_INTERNAL;
	case DTI_EARG: return EXIT_USAGE;
	case DTI_EIO: return EXIT_IO;
	case DTI_ELIMIT: return EXIT_LIMIT;
	case DTI_EUNKNOWN: return EXIT_UNKNOWN;
	default: return context_exit;
	}
}

/* ---- loading --------------------------------------------------------- */

const struct dti_embedded_file *cli_embedded(const char *name)
{
	for (const struct dti_embedded_file *f = dti_embedded_files; f->name;
	     f++)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}

/* The bundled registries and tile layouts: every other bundled file is a
   framework. */
int cli_embedded_is_registry(const char *name)
{
	return strcmp(name, "vn-provinces.csv") == 0 ||
	       strcmp(name, "regions.csv") == 0 ||
	       strcmp(name, "example-units.csv") == 0 ||
	       strncmp(name, "tiles-", 6) == 0;
}

/*
 * The file a path names: itself, or for "BOOK#SHEET" (a sheet of a
 * workbook) BOOK when no file has the whole name.  NULL: the path itself;
 * else malloc'd.
 */
static char *sheet_book(const char *p)
{
	const char *hash = strrchr(p, '#');
	if (!hash || strcmp(p, "-") == 0 || access(p, F_OK) == 0)
		return NULL;
	char *book = strndup(p, (size_t)(hash - p));
	if (book && strcmp(book, "-") != 0 && access(book, F_OK) != 0) {
		free(book);
		return NULL;
	}
	return book;
}

static int file_exists(const char *p)
{
	if (strcmp(p, "-") == 0 || access(p, F_OK) == 0)
		return 1;
	char *book = sheet_book(p);
	int found = book != NULL;
	free(book);
	return found;
}

int cli_load_framework(const char *name, struct dti_framework **fw)
{
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st;
	if (file_exists(name) || strchr(name, '/')) {
		st = dti_framework_load(name, fw, &err);
	} else {
		char base[256];
		snprintf(base, sizeof base, "%s%s", name,
		         strstr(name, ".csv") ? "" : ".csv");
		const struct dti_embedded_file *f = cli_embedded(base);
		if (!f || strncmp(base, "vn-", 3) == 0 ||
		    strcmp(base, "regions.csv") == 0 ||
		    strncmp(base, "tiles-", 6) == 0) {
			fprintf(stderr,
			        "dti: no framework file '%s' and no bundled "
			        "framework of that name (bundled: see 'dti "
			        "framework list')\n",
			        name);
			return EXIT_NOTFOUND;
		}
		st = dti_framework_parse(f->data, f->len, f->name, fw, &err);
	}
	if (st) {
		cli_error("framework", &err);
		dti_error_release(&err);
		return cli_exit_for(st, EXIT_FRAMEWORK);
	}
	dti_error_release(&err);
	return EXIT_OK;
}

/* Whether cli_load_framework() reads `name` from a file. */
static int framework_is_file(const char *name)
{
	return strcmp(name, "-") != 0 &&
	       (file_exists(name) || strchr(name, '/'));
}

int cli_load_units(const struct cli_opts *o, const struct dti_framework *fw,
                   const char *fw_path, struct dti_units **units)
{
	*units = NULL;
	if (o->no_units)
		return EXIT_OK;
	const char *name = o->units;
	char *joined = NULL;
	if (!name && fw) {
		name = dti_framework_meta(fw, "units");
		/* a path in a framework file is relative to that file, so that
		   a framework and its registry travel together */
		const char *slash = fw_path ? strrchr(fw_path, '/') : NULL;
		if (name && *name && *name != '/' && slash) {
			size_t dl = (size_t)(slash - fw_path) + 1;
			size_t nl = strlen(name);
			joined = malloc(dl + nl + 5);
			if (!joined) {
				fprintf(stderr, "dti: out of memory\n");
				return EXIT_INTERNAL;
			}
			memcpy(joined, fw_path, dl);
			memcpy(joined + dl, name, nl + 1);
			/* "example-units" names example-units.csv there, as a
			   bundled name does */
			if (!file_exists(joined) && !strstr(name, ".csv")) {
				memcpy(joined + dl + nl, ".csv", 5);
				if (!file_exists(joined))
					joined[dl + nl] = '\0';
			}
			/* a bare name that is no file there is a bundled one */
			if (file_exists(joined) || strchr(name, '/'))
				name = joined;
		}
	}
	if (!name || !*name) {
		free(joined);
		return EXIT_OK;
	}
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st;
	/* next to the framework or bundled; never the current directory */
	int bundled = joined && name != joined
	                  ? 1
	                  : !file_exists(name) && !strchr(name, '/');
	if (bundled) {
		char base[256];
		snprintf(base, sizeof base, "%s%s", name,
		         strstr(name, ".csv") ? "" : ".csv");
		const struct dti_embedded_file *f = cli_embedded(base);
		if (!f) {
			fprintf(
			    stderr,
			    "dti: no units file '%s' and no bundled registry "
			    "of that name (bundled: vn-provinces, "
			    "example-units)\n",
			    name);
			free(joined);
			return EXIT_NOTFOUND;
		}
		st = dti_units_parse(f->data, f->len, f->name, units, &err);
		if (!st && !o->groups) {
			const struct dti_embedded_file *g =
			    cli_embedded("regions.csv");
			if (g && strcmp(base, "vn-provinces.csv") == 0)
				st = dti_units_parse_groups(
				    *units, g->data, g->len, g->name, &err);
		}
	} else {
		st = dti_units_load(name, units, &err);
	}
	if (!st && o->groups)
		st = dti_units_load_groups(*units, o->groups, &err);
	if (st) {
		cli_error("units", &err);
		dti_error_release(&err);
		dti_units_free(*units);
		*units = NULL;
		free(joined);
		return cli_exit_for(st, EXIT_DATA);
	}
	dti_error_release(&err);
	free(joined);
	return EXIT_OK;
}

/* ---- output ---------------------------------------------------------- */

void cli_esc(struct dti_buf *b, const char *s)
{
	if (s)
		dti_text_escape(b, s, strlen(s),
		                0); /* sticky: checked on write */
}

void cli_esc_json(struct dti_buf *b, const char *s)
{
	if (s)
		dti_text_escape(b, s, strlen(s), DTI_TEXT_ESC_JSON);
}

void cli_esc_pad(struct dti_buf *b, const char *s, size_t width)
{
	size_t from = b->len;
	cli_esc(b, s);
	if (b->status)
		return;
	size_t w =
	    b->len > from ? dti_text_width(b->data + from, b->len - from) : 0;
	for (; w < width; w++)
		dti_buf_addc(b, ' ');
}

void cli_put_esc(const char *s)
{
	struct dti_buf b = DTI_BUF_INIT;
	cli_esc(&b, s);
	if (b.status)
		fputs("?", stdout);
	else if (b.len)
		fwrite(b.data, 1, b.len, stdout);
	dti_buf_release(&b);
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * Temporary files to remove if SIGINT or SIGTERM ends the program: the
 * handler unlinks them (async-signal-safe), then re-raises the signal
 * with its default action, so the exit status still tells the signal.
 * A signal the program was started with ignored stays ignored.
 */
#define CLEANUP_SLOTS 4
static char cleanup_path[CLEANUP_SLOTS][4096];
static volatile sig_atomic_t cleanup_used[CLEANUP_SLOTS];
static int handlers_set;

static void on_fatal_signal(int sig)
{
	for (int i = 0; i < CLEANUP_SLOTS; i++)
		if (cleanup_used[i])
			unlink(cleanup_path[i]);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void set_handlers(void)
{
	if (handlers_set)
		return;
	handlers_set = 1;
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++) {
		struct sigaction old, sa;
		if (sigaction(sigs[i], NULL, &old) == 0 &&
		    old.sa_handler == SIG_IGN)
			continue;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_fatal_signal;
		sigemptyset(&sa.sa_mask);
		sigaction(sigs[i], &sa, NULL);
	}
}

void cli_block_signals(sigset_t *old)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, old);
}

void cli_restore_signals(const sigset_t *old)
{
	sigprocmask(SIG_SETMASK, old, NULL);
}

int cli_cleanup_add(const char *path)
{
	set_handlers();
	if (strlen(path) >= sizeof cleanup_path[0])
		return -1;
	for (int i = 0; i < CLEANUP_SLOTS; i++)
		if (!cleanup_used[i]) {
			memcpy(cleanup_path[i], path, strlen(path) + 1);
			cleanup_used[i] = 1;
			return 0;
		}
	return -1;
}

void cli_cleanup_remove(const char *path)
{
	for (int i = 0; i < CLEANUP_SLOTS; i++)
		if (cleanup_used[i] && strcmp(cleanup_path[i], path) == 0)
			cleanup_used[i] = 0;
}

static mode_t current_umask(void)
{
	mode_t m = umask(0);
	umask(m);
	return m;
}

/* Makes a rename durable. */
static void sync_dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	char dir[4096];
	if (!slash)
		snprintf(dir, sizeof dir, ".");
	else if (slash == path)
		snprintf(dir, sizeof dir, "/");
	else
		snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
	int fd = open(dir, O_RDONLY);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

int cli_temp_beside(const char *path, mode_t mode, char **tmp_out)
{
	*tmp_out = NULL;
	size_t n = strlen(path);
	char *tmp = malloc(n + 16);
	if (!tmp)
		return -1;
	snprintf(tmp, n + 16, "%s.tmpXXXXXX", path);
	sigset_t old;
	cli_block_signals(&old);
	int fd = mkstemp(tmp);
	int e = errno;
	if (fd >= 0 && cli_cleanup_add(tmp) != 0) {
		close(fd);
		unlink(tmp);
		fd = -1;
		e = ENAMETOOLONG;
	}
	cli_restore_signals(&old);
	if (fd < 0) {
		free(tmp);
		errno = e;
		return -1;
	}
	/* mkstemp makes it 0600 less the umask: the mode asked for instead */
	if (fchmod(fd, mode) != 0) {
		e = errno;
		close(fd);
		unlink(tmp);
		cli_cleanup_remove(tmp);
		free(tmp);
		errno = e;
		return -1;
	}
	*tmp_out = tmp;
	return fd;
}

int cli_out_open(struct cli_outfile *f, const char *path)
{
	memset(f, 0, sizeof *f);
	f->path = path;
	f->fd = -1;
	struct stat ls, ts;
	int have = lstat(path, &ls) == 0;
	if (!have && errno != ENOENT) {
		fprintf(stderr, "dti: cannot write '%s': %s\n", path,
		        strerror(errno));
		return EXIT_IO;
	}
	if (have && stat(path, &ts) == 0 &&
	    (S_ISCHR(ts.st_mode) || S_ISFIFO(ts.st_mode))) {
		/* a device or a pipe (/dev/null, /dev/stdout to a pipe):
		 * written as it is, nothing renamed over it */
		f->fd = open(path, O_WRONLY | O_NOCTTY);
		if (f->fd < 0) {
			fprintf(stderr, "dti: cannot write '%s': %s\n", path,
			        strerror(errno));
			return EXIT_IO;
		}
		f->direct = 1;
		return EXIT_OK;
	}
	if (have && S_ISLNK(ls.st_mode)) {
		fprintf(stderr,
		        "dti: cannot write '%s': it is a symbolic link, and "
		        "dti replaces only regular files; name the file it "
		        "points to (or '-' for standard output)\n",
		        path);
		return EXIT_IO;
	}
	if (have && !S_ISREG(ls.st_mode)) {
		fprintf(stderr,
		        "dti: cannot write '%s': it is %s, not a regular "
		        "file\n",
		        path, S_ISDIR(ls.st_mode) ? "a directory" : "special");
		return EXIT_IO;
	}
	/* an existing file keeps its permissions (not set-id bits); a new
	 * one gets the umask's */
	mode_t mode = have ? (ls.st_mode & 0777) : (0666 & ~current_umask());
	f->fd = cli_temp_beside(path, mode, &f->tmp);
	if (f->fd < 0) {
		fprintf(stderr, "dti: cannot write '%s': %s\n", path,
		        strerror(errno));
		return EXIT_IO;
	}
	return EXIT_OK;
}

void cli_out_abort(struct cli_outfile *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	if (f->tmp) {
		unlink(f->tmp);
		cli_cleanup_remove(f->tmp);
		free(f->tmp);
		f->tmp = NULL;
	}
}

int cli_out_commit(struct cli_outfile *f)
{
	int e = 0;
	if (!f->direct && fsync(f->fd) != 0)
		e = errno;
	if (close(f->fd) != 0 && !e)
		e = errno;
	f->fd = -1;
	if (!e && f->tmp && rename(f->tmp, f->path) != 0)
		e = errno;
	if (e) {
		fprintf(stderr, "dti: cannot write '%s': %s\n", f->path,
		        strerror(e));
		cli_out_abort(f);
		return EXIT_IO;
	}
	if (f->tmp) {
		cli_cleanup_remove(f->tmp);
		free(f->tmp);
		f->tmp = NULL;
		sync_dir_of(f->path);
	}
	return EXIT_OK;
}

static int ends_with_ci(const char *s, const char *end)
{
	size_t n = strlen(s), m = strlen(end);
	return n > m && strcasecmp(s + n - m, end) == 0;
}

int cli_output_format(enum dti_format format, int format_set,
                      const char *output, enum dti_format *out)
{
	int to_stdout = !output || strcmp(output, "-") == 0;
	/* without --format, a file's name says what it holds */
	if (!format_set && !to_stdout) {
		if (ends_with_ci(output, ".xlsx"))
			format = DTI_FORMAT_XLSX;
		else if (ends_with_ci(output, ".csv"))
			format = DTI_FORMAT_CSV;
		else if (ends_with_ci(output, ".json"))
			format = DTI_FORMAT_JSON;
	}
	if (format == DTI_FORMAT_XLSX && to_stdout && isatty(STDOUT_FILENO)) {
		fprintf(stderr,
		        "dti: an XLSX workbook is not shown on a terminal: "
		        "write it with -o FILE.xlsx (or redirect standard "
		        "output)\n");
		return EXIT_USAGE;
	}
	*out = format;
	return 0;
}

int cli_excel_csv(int excel, enum dti_lang lang, const char *output)
{
	if (excel)
		return excel > 0;
	return lang == DTI_LANG_VI && output && strcmp(output, "-") != 0;
}

int cli_write_csv(const char *path, const struct dti_buf *b, int excel)
{
	if (!excel || dti_buf_status(b) != DTI_OK)
		return cli_write(path, b);
	struct dti_buf x = DTI_BUF_INIT;
	struct dti_error err = DTI_ERROR_INIT;
	int rc;
	if (dti_csv_excel(b->data ? b->data : "", b->len, &x, &err)) {
		cli_error(NULL, &err);
		rc = EXIT_INTERNAL;
	} else {
		rc = cli_write(path, &x);
	}
	dti_error_release(&err);
	dti_buf_release(&x);
	return rc;
}

int cli_write(const char *path, const struct dti_buf *b)
{
	/* output that could not be built whole is never written */
	if (dti_buf_status(b) != DTI_OK) {
		fprintf(stderr, "dti: cannot build the output: %s\n",
		        dti_strerror(dti_buf_status(b)));
		return dti_buf_status(b) == DTI_ELIMIT ? EXIT_LIMIT
		                                       : EXIT_INTERNAL;
	}
	const char *data = b->data ? b->data : "";
	if (!path || strcmp(path, "-") == 0) {
		if (write_all(STDOUT_FILENO, data, b->len)) {
			if (errno == EPIPE)
				return EXIT_OK; /* the reader went away: quiet
				                 */
			fprintf(stderr, "dti: cannot write the output: %s\n",
			        strerror(errno));
			return EXIT_IO;
		}
		return EXIT_OK;
	}
	struct cli_outfile f;
	int rc = cli_out_open(&f, path);
	if (rc)
		return rc;
	if (write_all(f.fd, data, b->len)) {
		fprintf(stderr, "dti: cannot write '%s': %s\n", path,
		        strerror(errno));
		cli_out_abort(&f);
		return EXIT_IO;
	}
	return cli_out_commit(&f);
}

/* ---- compute --------------------------------------------------------- */

int cli_table_csv_json(enum dti_format format, const char *message)
{
	if (format == DTI_FORMAT_TABLE || format == DTI_FORMAT_CSV ||
	    format == DTI_FORMAT_JSON)
		return EXIT_OK;
	fprintf(stderr, "dti: %s\n", message);
	return EXIT_USAGE;
}

int cli_by_node(const struct cli_opts *o, const struct dti_framework *fw,
                long *node)
{
	*node = -1;
	if (!o->sort)
		return EXIT_OK;
	*node = dti_framework_find(fw, o->sort);
	if (*node >= 0)
		return EXIT_OK;
	fprintf(stderr, "dti: --by '%s' is not a node of framework '%s'\n",
	        o->sort, dti_framework_id(fw));
	return EXIT_NOTFOUND;
}

void cli_run_release(struct cli_run *run)
{
	dti_result_free(run->res);
	dti_result_free(run->prev);
	dti_dataset_free(run->ds);
	dti_dataset_free(run->raw);
	dti_dataset_free(run->prev_ds);
	dti_framework_free(run->prev_fw);
	dti_units_free(run->units);
	dti_framework_free(run->fw);
	memset(run, 0, sizeof *run);
}

/*
 * Reads a whole input ("-" is stdin) into memory, so that its metadata can
 * be looked at before it is parsed (stdin cannot be read twice).
 */
/* read_input's mapping of a large file, if any: released by release_input */
static void *mapped;
static size_t mapped_len;

static void release_input(char *buf)
{
	if (buf && buf == mapped) {
		munmap(mapped, mapped_len);
		mapped = NULL;
	} else {
		free(buf);
	}
}

static int read_input(const char *path, char **buf, size_t *len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "dti: %s: cannot open: %s\n", path,
		        strerror(errno));
		return EXIT_IO;
	}
	size_t n = 0, cap = 65536;
	/* a regular file is read in one piece of its size (one more byte
	   shows whether it grew meanwhile); a pipe or device in doubling
	   pieces, up to the limit */
	struct stat sb;
	memset(&sb, 0, sizeof sb);
	if (fstat(fileno(f), &sb) == 0 && S_ISREG(sb.st_mode) &&
	    sb.st_size > 0 && (uintmax_t)sb.st_size < ((uintmax_t)1 << 29))
		cap = (size_t)sb.st_size + 1;
	/* a large file not ending on a page boundary is mapped, not copied:
	   the rest of its last page reads as zeros, the NUL after the data
	   that a read copy gets */
	long page = sysconf(_SC_PAGESIZE);
	if (S_ISREG(sb.st_mode) && cap > ((size_t)1 << 20) &&
	    cap < ((size_t)1 << 29) && page > 0 &&
	    (size_t)sb.st_size % (size_t)page != 0) {
		void *m = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE,
		               fileno(f), 0);
		if (m != MAP_FAILED) {
			fclose(f);
			mapped = m;
			mapped_len = (size_t)sb.st_size;
			*buf = m;
			*len = mapped_len;
			return EXIT_OK;
		}
	}
	char *p = malloc(cap + 1);
	while (p) {
		size_t r = fread(p + n, 1, cap - n, f);
		n += r;
		if (n < cap)
			break;
		if (cap >= ((size_t)1 << 29) ||
		    (S_ISREG(sb.st_mode) && sb.st_size >= ((off_t)1 << 29))) {
			fprintf(stderr, "dti: %s: larger than 512 MiB\n", path);
			free(p);
			if (f != stdin)
				fclose(f);
			return EXIT_LIMIT;
		}
		char *q = realloc(p, 2 * cap + 1);
		if (!q) {
			free(p);
			p = NULL;
			break;
		}
		p = q;
		cap *= 2;
	}
	int bad = ferror(f);
	if (f != stdin)
		fclose(f);
	if (!p)
		return EXIT_INTERNAL;
	if (bad) {
		fprintf(stderr, "dti: %s: read error\n", path);
		free(p);
		return EXIT_IO;
	}
	p[n] = '\0';
	*buf = p;
	*len = n;
	return EXIT_OK;
}

/* "# framework: id" among the metadata lines at the top of a data file. */
static const char *framework_from_data(const char *buf, size_t len, char *out,
                                       size_t outsz)
{
	const char *p = buf, *end = buf + len;
	if (len >= 3 && (unsigned char)p[0] == 0xEF &&
	    (unsigned char)p[1] == 0xBB && (unsigned char)p[2] == 0xBF)
		p += 3;
	while (p < end && *p == '#') {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		const char *q = p + 1;
		while (q < eol && *q == ' ')
			q++;
		if ((size_t)(eol - q) > 9 && strncmp(q, "framework", 9) == 0) {
			q += 9;
			while (q < eol && *q == ' ')
				q++;
			if (q < eol && (*q == ':' || *q == '=')) {
				q++;
				while (q < eol && *q == ' ')
					q++;
				size_t n = 0;
				while (q + n < eol && !strchr(" \t\r,;", q[n]))
					n++;
				if (n && n < outsz) {
					memcpy(out, q, n);
					out[n] = '\0';
					return out;
				}
			}
		}
		p = eol < end ? eol + 1 : end;
	}
	return NULL;
}

/* The cycle to compute: --cycle, else the latest label. */
static int pick_cycle(const struct dti_dataset *ds, const char *want,
                      size_t *out)
{
	size_t nc = dti_dataset_cycle_count(ds);
	if (want) {
		long c = dti_dataset_find_cycle(ds, want);
		if (c < 0) {
			fprintf(
			    stderr,
			    "dti: no cycle '%s' in the data (cycles:", want);
			for (size_t i = 0; i < nc; i++)
				fprintf(stderr, " %s",
				        dti_dataset_cycle(ds, i));
			fprintf(stderr, ")\n");
			return EXIT_NOTFOUND;
		}
		*out = (size_t)c;
		return EXIT_OK;
	}
	size_t best = 0;
	for (size_t i = 1; i < nc; i++) {
		const char *a = dti_dataset_cycle(ds, i);
		const char *b = dti_dataset_cycle(ds, best);
		/* numeric labels compare by length first ("2022" > "999") */
		if (strlen(a) > strlen(b) ||
		    (strlen(a) == strlen(b) && strcmp(a, b) > 0))
			best = i;
	}
	*out = best;
	return EXIT_OK;
}

/* Cycle labels order: numeric ones by length first ("999" < "2022"). */
static int label_before(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	return la < lb || (la == lb && strcmp(a, b) < 0);
}

/* The cycle before `cur`, or -1. */
static long cycle_before(const struct dti_dataset *ds, size_t cur)
{
	const char *c = dti_dataset_cycle(ds, cur);
	long best = -1;
	for (size_t i = 0; i < dti_dataset_cycle_count(ds); i++) {
		const char *a = dti_dataset_cycle(ds, i);
		int lt = strlen(a) < strlen(c) ||
		         (strlen(a) == strlen(c) && strcmp(a, c) < 0);
		if (!lt)
			continue;
		if (best < 0) {
			best = (long)i;
			continue;
		}
		const char *b = dti_dataset_cycle(ds, (size_t)best);
		if (strlen(a) > strlen(b) ||
		    (strlen(a) == strlen(b) && strcmp(a, b) > 0))
			best = (long)i;
	}
	return best;
}

int cli_prep_opts(const struct cli_opts *o, const struct dti_framework *fw,
                  struct dti_prep_opts *out)
{
	dti_prep_opts_init(out);
	if (!o->no_steps) {
		struct dti_error err = DTI_ERROR_INIT;
		enum dti_status st =
		    dti_prep_opts_from_framework(fw, out, &err);
		if (st) {
			cli_error("framework", &err);
			dti_error_release(&err);
			return EXIT_FRAMEWORK;
		}
	}
	const struct dti_prep_opts *g = &o->prep;
	unsigned set = o->prep_set;
	if (set & PREP_DENOMINATE)
		out->denominate = g->denominate;
	if (set & PREP_IMPUTE) {
		out->impute = g->impute;
		out->impute_group = g->impute_group;
		out->impute_level = g->impute_level;
		out->impute_max = g->impute_max;
	}
	if (set & PREP_SCREEN)
		out->screen_avail = g->screen_avail;
	if (set & PREP_SCREEN_NONZERO)
		out->screen_nonzero = g->screen_nonzero;
	if (set & PREP_TREAT)
		out->treat = g->treat;
	if (set & PREP_WINMAX)
		out->winmax = g->winmax;
	if (set & PREP_SKEW)
		out->skew_limit = g->skew_limit;
	if (set & PREP_KURT)
		out->kurt_limit = g->kurt_limit;
	if (set & PREP_FALLBACK) {
		out->fallback = g->fallback;
		out->lambda = g->lambda;
	}
	if (set & PREP_FORCE)
		out->force_win = g->force_win;
	return 0;
}

int cli_run_compute(struct cli_opts *o, struct cli_run *run)
{
	memset(run, 0, sizeof *run);
	if (o->nargs < 1) {
		fprintf(stderr,
		        "dti: no data file given (use '-' for stdin)\n");
		return EXIT_USAGE;
	}
	const char *data = o->args[0];
	char *buf;
	size_t len;
	/* "book.xlsx#Sheet": the workbook is read, the name keeps the sheet */
	char *book = sheet_book(data);
	int split = book != NULL;
	int rc = read_input(book ? book : data, &buf, &len);
	if (!rc && split && (len < 4 || memcmp(buf, "PK\x03\x04", 4) != 0)) {
		fprintf(stderr,
		        "dti: %s: not a workbook: '%s' names a sheet of an "
		        ".xlsx file\n",
		        book, strrchr(data, '#'));
		release_input(buf);
		rc = EXIT_DATA;
	}
	free(book);
	if (rc)
		return rc;
	int workbook = len >= 4 && memcmp(buf, "PK\x03\x04", 4) == 0;
	int is_stdin = data[0] == '-' && (data[1] == '\0' || data[1] == '#');
	const char *shown = is_stdin ? data + 1 : data;
	size_t dn = strlen(shown) + 10;
	char *dname = malloc(dn);
	if (!dname) {
		release_input(buf);
		fprintf(stderr, "dti: out of memory\n");
		return EXIT_INTERNAL;
	}
	/* a workbook whose own name has a '#': "#" alone reads its first
	   sheet */
	snprintf(dname, dn, "%s%s%s", is_stdin ? "<stdin>" : "", shown,
	         workbook && !split && strchr(data, '#') ? "#" : "");
	char fwname[256];
	const char *fwn = o->framework;
	if (!fwn && workbook) {
		struct dti_error merr = DTI_ERROR_INIT;
		enum dti_status mst = dti_data_meta(
		    buf, len, dname, "framework", fwname, sizeof fwname, &merr);
		if (mst && merr.code) { /* not "no such line": a fault */
			cli_error(NULL, &merr);
			dti_error_release(&merr);
			release_input(buf);
			free(dname);
			return cli_exit_for(mst, EXIT_DATA);
		}
		dti_error_release(&merr);
		fwname[strcspn(fwname, " \t,;")] = '\0';
		if (!mst && *fwname)
			fwn = fwname;
	} else if (!fwn) {
		fwn = framework_from_data(buf, len, fwname, sizeof fwname);
	}
	if (!fwn) {
		fprintf(stderr, "dti: no framework: give -f FILE or a bundled "
		                "name (pdti-2022, ...), or put '# framework: "
		                "ID' in the data file\n");
		release_input(buf);
		free(dname);
		return EXIT_USAGE;
	}
	rc = cli_load_framework(fwn, &run->fw);
	if (!rc)
		rc = cli_load_units(o, run->fw,
		                    framework_is_file(fwn) ? fwn : NULL,
		                    &run->units);
	if (rc) {
		release_input(buf);
		free(dname);
		return rc;
	}
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_dataset_parse(run->fw, run->units, buf, len,
	                                       dname, &o->read, &run->ds, &err);
	release_input(buf);
	free(dname);
	if (st) {
		cli_error(NULL, &err);
		dti_error_release(&err);
		return cli_exit_for(st, EXIT_DATA);
	}
	size_t cycle;
	rc = pick_cycle(run->ds, o->cycle, &cycle);
	if (rc)
		return rc;
	/* the data steps: the cycle prepared into a dataset of its own */
	struct dti_prep_opts po;
	rc = cli_prep_opts(o, run->fw, &po);
	if (rc)
		return rc;
	/* data written by 'dti prepare' had the framework's steps already:
	   only those given now are made */
	if (dti_dataset_meta(run->ds, "prepared") && !o->no_steps) {
		struct cli_opts given = *o;
		given.no_steps = 1;
		rc = cli_prep_opts(&given, run->fw, &po);
		if (rc)
			return rc;
	}
	if (dti_prep_any(&po)) {
		/* the steps make one cycle: none left to normalise across */
		int across = 0;
		st = dti_compute_across_cycles(run->fw, &o->compute, &across,
		                               &err);
		if (st) {
			cli_error(NULL, &err);
			dti_error_release(&err);
			return cli_exit_for(st, EXIT_DATA);
		}
		if (across && dti_dataset_cycle_count(run->ds) > 1) {
			fprintf(stderr,
			        "dti: data steps prepare one cycle, and "
			        "normalising across cycles needs them all: "
			        "write each cycle's prepared data with 'dti "
			        "prepare --cycle C --data-out FILE', or "
			        "normalise per cycle "
			        "(--normalise-per-cycle)\n");
			return EXIT_USAGE;
		}
		struct dti_dataset *pd = NULL;
		st = dti_prepare(run->fw, run->ds, cycle, &po, &pd, NULL, &err);
		if (st) {
			cli_error("data steps", &err);
			dti_error_release(&err);
			return cli_exit_for(st, st == DTI_EARG ? EXIT_USAGE
			                                       : EXIT_DATA);
		}
		/* kept: the other cycles can be prepared too (trends) */
		run->raw = run->ds;
		run->raw_prep = po;
		run->ds = pd;
		cycle = 0;
		/* a previous cycle would be compared unprepared */
		o->no_previous = 1;
	}
	if (o->rank_shown) {
		size_t n = 0;
		run->ranked[n++] = dti_framework_root(run->fw);
		long k = o->sort ? dti_framework_find(run->fw, o->sort) : -1;
		if (k >= 0 && (size_t)k != run->ranked[0])
			run->ranked[n++] = (size_t)k;
		o->compute.ranked = run->ranked;
		o->compute.nranked = n;
	}
	st = dti_compute(run->fw, run->ds, cycle, &o->compute, &run->res, &err);
	if (st) {
		cli_error(NULL, &err);
		dti_error_release(&err);
		return cli_exit_for(st, st == DTI_ENOTFOUND ? EXIT_NOTFOUND
		                                            : EXIT_DATA);
	}
	/* the previous cycle: --previous FILE, else the cycle before */
	if (!o->no_previous) {
		struct dti_compute_opts pco = o->compute;
		pco.recompute = o->compute.recompute;
		if (o->previous) {
			st = dti_dataset_read(run->fw, run->units, o->previous,
			                      &o->read, &run->prev_ds, &err);
			if (st) {
				cli_error("previous", &err);
				dti_error_release(&err);
				return cli_exit_for(st, EXIT_DATA);
			}
			/* its latest cycle before the current one */
			const char *cur = dti_dataset_cycle(run->ds, cycle);
			long pc = -1;
			for (size_t i = 0;
			     i < dti_dataset_cycle_count(run->prev_ds); i++) {
				const char *a =
				    dti_dataset_cycle(run->prev_ds, i);
				if (!label_before(a, cur))
					continue;
				if (pc < 0 ||
				    label_before(dti_dataset_cycle(run->prev_ds,
				                                   (size_t)pc),
				                 a))
					pc = (long)i;
			}
			if (pc < 0) {
				fprintf(stderr,
				        "dti: %s has no cycle before %s\n",
				        o->previous, cur);
				dti_error_release(&err);
				return EXIT_NOTFOUND;
			}
			st = dti_compute(run->fw, run->prev_ds, (size_t)pc,
			                 &pco, &run->prev, &err);
		} else {
			long pc = cycle_before(run->ds, cycle);
			if (pc >= 0)
				st = dti_compute(run->fw, run->ds, (size_t)pc,
				                 &pco, &run->prev, &err);
		}
		if (st) {
			cli_error("previous cycle", &err);
			dti_error_release(&err);
			return cli_exit_for(st, EXIT_DATA);
		}
		if (run->prev &&
		    dti_result_set_previous(run->res, run->prev, &err)) {
			cli_error(NULL, &err);
			dti_error_release(&err);
			return EXIT_INTERNAL;
		}
	}
	dti_error_release(&err);
	return EXIT_OK;
}

int cli_node_list(const char *list, const struct dti_framework *fw, size_t *out,
                  size_t max, size_t *n)
{
	*n = 0;
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s", list);
	char *save = NULL;
	for (char *t = strtok_r(tmp, ",", &save); t;
	     t = strtok_r(NULL, ",", &save)) {
		long k = dti_framework_find(fw, t);
		if (k < 0) {
			fprintf(stderr,
			        "dti: '%s' is not a node of framework "
			        "'%s'\n",
			        t, dti_framework_id(fw));
			return EXIT_NOTFOUND;
		}
		if (*n >= max) {
			fprintf(stderr, "dti: too many nodes in --nodes\n");
			return EXIT_USAGE;
		}
		out[(*n)++] = (size_t)k;
	}
	return EXIT_OK;
}

int cli_output_opts(const struct cli_opts *o, const struct dti_framework *fw,
                    struct dti_output_opts *out, size_t *nodes_buf, size_t max)
{
	struct dti_output_opts def = DTI_OUTPUT_OPTS_INIT;
	*out = def;
	out->format = o->format;
	out->lang = o->lang;
	out->color = o->color && o->format == DTI_FORMAT_TABLE;
	out->points = o->points;
	out->ranks = o->ranks;
	out->group_ranks = o->group_ranks;
	out->only_group = o->group;
	out->limit = o->limit;
	out->changes = 0;
	if (o->sort) {
		long k = dti_framework_find(fw, o->sort);
		if (k < 0) {
			fprintf(stderr,
			        "dti: '%s' is not a node of framework "
			        "'%s'\n",
			        o->sort, dti_framework_id(fw));
			return EXIT_NOTFOUND;
		}
		out->sort_node = k;
	}
	if (o->nodes) {
		size_t n;
		int rc = cli_node_list(o->nodes, fw, nodes_buf, max, &n);
		if (rc)
			return rc;
		out->nodes = nodes_buf;
		out->nnodes = n;
	}
	return EXIT_OK;
}
