/*
 * bench/bench_compute.c - how fast dti_compute() is and how much memory it
 * takes, at the size of the DTI and at 10,000 units.
 *
 * Links the shared libdti, so it measures what a user of the library gets.
 * Frameworks are written as CSV text in memory and parsed with
 * dti_framework_parse(); data are built with dti_dataset_new(), _add_unit(),
 * _add_cycle(), _set_group() and _set(), from a fixed-seed generator, so
 * every run computes the same numbers.
 *
 * Cases:
 *   A    the DTI's size and shape: a points framework, index -> 9 main
 *        indicators (five foundation indicators of 100 points under a
 *        foundation group shared by three pillars, smart city at 0 points,
 *        activities 200/150/150) -> 98 components scored by absolute rules
 *        (yesno, ratio, count, steps, survey, points); 63 units in 6
 *        regions, about 2% of figures missing (they score 0);
 *   A2   63 units x 98 indicators the way COINr builds an index: min-max to
 *        [0,100], arithmetic means, 98 -> 9 -> index;
 *   B    10,000 units x 200 indicators, 4 levels below the index:
 *        200 indicators -> 40 -> 8 -> 2 aggregates -> the index (251
 *        nodes); min-max (a relative rule: column minimum and maximum),
 *        weighted arithmetic mean, 1% of figures missing (excluded, weights
 *        re-scaled), 100 groups of 100 units (group ranks);
 *   Bgeo B with weighted geometric means (min-max to [1,100]);
 *   Bimp B with missing figures imputed by the mean of the unit's group;
 *   C    10,000 units x 98 indicators as A2, to set beside COINr.
 *
 * Each case runs in a child process (unless --no-fork), so the peak memory
 * reported (getrusage ru_maxrss) is the case's own.  dti_compute() is timed
 * with CLOCK_MONOTONIC after warm-up calls; a call covers normalisation,
 * aggregation, rounding and ranking of every node, and the data hash the
 * result records.  Freeing the result is not timed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <dti/dti.h>

#include "benchutil.h"

#ifndef BENCH_BUILDTYPE
#define BENCH_BUILDTYPE "unknown"
#endif
#ifndef BENCH_OPTIMIZATION
#define BENCH_OPTIMIZATION "?"
#endif
#ifndef BENCH_COMPILER
#define BENCH_COMPILER "cc"
#endif

#define GOAL_DTI_MS   1.0
#define GOAL_LARGE_MS 100.0
#define GOAL_RERUN_US 50.0

/* ---- small helpers --------------------------------------------------- */

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* CPU time of this process: time slices lost to other work do not count. */
static double cpu_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static double maxrss_mib(void)
{
	struct rusage ru;
	if (getrusage(RUSAGE_SELF, &ru) != 0)
		return NAN;
	return (double)ru.ru_maxrss / 1024.0; /* KiB on Linux */
}

static long minor_faults(void)
{
	struct rusage ru;
	if (getrusage(RUSAGE_SELF, &ru) != 0)
		return 0;
	return ru.ru_minflt;
}

static uint64_t rng_state;

static void rng_seed(uint64_t s)
{
	rng_state = s;
}

/* splitmix64 */
static uint64_t rng_next(void)
{
	uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

/* Uniform on [0, 1). */
static double rng_unif(void)
{
	return (double)(rng_next() >> 11) * 0x1.0p-53;
}

static void die(const char *what, enum dti_status st,
                const struct dti_error *err)
{
	char msg[1024] = "";
	if (err && err->code)
		dti_error_format(err, msg, sizeof msg);
	fprintf(stderr, "bench_compute: %s: %s%s%s\n", what, dti_strerror(st),
	        *msg ? ": " : "", msg);
	exit(1);
}

#define CHECK(what, call)                                                      \
	do {                                                                   \
		enum dti_status st_ = (call);                                  \
		if (st_)                                                       \
			die(what, st_, &err);                                  \
	} while (0)

/* ---- frameworks as CSV text ------------------------------------------ */

/* Sizes of the nine main indicators of the DTI: 98 components in all. */
static const size_t dti_sizes[9] = {10, 11, 7, 13, 12, 3, 22, 12, 8};

/*
 * Case A: the DTI.  Points of a main indicator are shared out among its
 * components as whole points (the first ones get one more).
 */
static void fw_dti(struct dti_buf *b)
{
	static const char *const mcode[9] = {
	    "awareness",       "institutions",  "infrastructure",
	    "human_resources", "cybersecurity", "smart_city",
	    "gov_activity",    "econ_activity", "soc_activity"};
	static const char *const mparent[9] = {
	    "foundation", "foundation", "foundation",
	    "foundation", "foundation", "pdti",
	    "pdti;cqs",   "pdti;kts",   "pdti;xhs"};
	static const char *const mname[9] = {"Digital awareness",
	                                     "Digital institutions",
	                                     "Digital infrastructure",
	                                     "Digital human resources",
	                                     "Cybersecurity",
	                                     "Smart city",
	                                     "Digital government activity",
	                                     "Digital economy activity",
	                                     "Digital society activity"};
	static const int mpoints[9] = {100, 100, 100, 100, 100,
	                               0,   200, 150, 150};
	static const char *const rules[6] = {"yesno", "ratio",  "count",
	                                     "steps", "survey", "points"};
	dti_buf_adds(b, "# dti-framework: 1\n"
	                "# id: bench-dti\n"
	                "# version: bench\n"
	                "# title_en: Benchmark: a DTI-shaped points framework, "
	                "98 components\n"
	                "# status: example\n"
	                "# scoring: points\n"
	                "# scale: 1\n"
	                "# precision: 4\n"
	                "# missing: zero\n"
	                "# group_by: group\n"
	                "code,parent,kind,name_en,points,rule,params\n"
	                "pdti,,index,Index,1000,,\n"
	                "cqs,,pillar,Digital government,700,,\n"
	                "kts,,pillar,Digital economy,650,,\n"
	                "xhs,,pillar,Digital society,650,,\n"
	                "foundation,pdti;cqs;kts;xhs,group,Foundation,500,,\n");
	size_t c = 0;
	for (size_t m = 0; m < 9; m++) {
		dti_buf_addf(b, "%s,%s,indicator,%s,%d,,\n", mcode[m],
		             mparent[m], mname[m], mpoints[m]);
		int base = mpoints[m] / (int)dti_sizes[m];
		int extra = mpoints[m] % (int)dti_sizes[m];
		for (size_t j = 0; j < dti_sizes[m]; j++, c++) {
			int p = base + ((int)j < extra ? 1 : 0);
			/* 0-point components: only rules that need no points */
			const char *rule = p == 0
			                       ? rules[(c % 3) == 2 ? 4 : c % 3]
			                       : rules[c % 6];
			dti_buf_addf(b,
			             "c%03zu,%s,component,Component %zu,%d,%s,",
			             c + 1, mcode[m], c + 1, p, rule);
			if (strcmp(rule, "ratio") == 0)
				dti_buf_adds(b, "floor=0.1;target=0.9");
			else if (strcmp(rule, "count") == 0)
				dti_buf_adds(b, "cap=10");
			else if (strcmp(rule, "steps") == 0)
				dti_buf_addf(
				    b, "\"steps=25:%d,50:%d,75:%d,90:%d\"",
				    p / 4, p / 2, 3 * p / 4, p);
			else if (strcmp(rule, "survey") == 0)
				dti_buf_adds(b, "min=1;max=5");
			dti_buf_adds(b, "\n");
		}
	}
}

/*
 * Weights frameworks, min-max normalisation: `nleaf` indicators under a
 * tree whose levels above the indicators have the given widths (the last
 * is the index, width 1).  Every 10th indicator is lower-is-better; edge
 * weights are 1, 2 or 3.
 */
static void fw_weights(struct dti_buf *b, const char *id, size_t nleaf,
                       const size_t *widths, const size_t *sizes,
                       size_t nlevels, const char *aggregate, int lo)
{
	static const char *const kinds[] = {"index", "subindex", "pillar",
	                                    "group"};
	dti_buf_addf(b,
	             "# dti-framework: 1\n"
	             "# id: %s\n"
	             "# version: bench\n"
	             "# title_en: Benchmark: %zu indicators, min-max, %s\n"
	             "# status: example\n"
	             "# scoring: weights\n"
	             "# scale: 100\n"
	             "# precision: 4\n"
	             "# missing: exclude\n"
	             "# normalise: minmax\n"
	             "# normalise.params: lo=%d;hi=100\n"
	             "# aggregate: %s\n"
	             "# group_by: group\n"
	             "code,parent,kind,name_en,weight,polarity\n",
	             id, nleaf, aggregate, lo, aggregate);
	/* aggregates, top down: level L has widths[L] nodes a<L>_<j> */
	for (size_t L = nlevels; L-- > 0;) {
		size_t depth = nlevels - 1 - L; /* 0 for the index */
		const char *kind = nlevels == 2 && depth == 1
		                       ? "pillar"
		                       : kinds[depth < 4 ? depth : 3];
		for (size_t j = 0; j < widths[L]; j++) {
			if (L == nlevels - 1) {
				dti_buf_adds(b, "idx,,index,Index,,\n");
				continue;
			}
			/* parent: children are shared out in order */
			size_t per = widths[L] / widths[L + 1];
			size_t pj = j / per;
			char parent[48];
			if (L + 1 == nlevels - 1)
				snprintf(parent, sizeof parent, "idx");
			else
				snprintf(parent, sizeof parent, "a%zu_%zu",
				         L + 1, pj + 1);
			dti_buf_addf(
			    b, "a%zu_%zu,%s,%s,Aggregate %zu.%zu,%zu,\n", L,
			    j + 1, parent, kind, L, j + 1, 1 + (j % 3));
		}
	}
	/* indicators: sizes[] per first-level aggregate */
	size_t leaf = 0;
	for (size_t j = 0; j < widths[0]; j++) {
		for (size_t t = 0; t < sizes[j]; t++, leaf++) {
			char parent[48];
			if (nlevels == 1)
				snprintf(parent, sizeof parent, "idx");
			else
				snprintf(parent, sizeof parent, "a0_%zu",
				         j + 1);
			dti_buf_addf(
			    b, "i%04zu,%s,indicator,Indicator %zu,%zu,%s\n",
			    leaf + 1, parent, leaf + 1, 1 + (leaf % 3),
			    leaf % 10 == 9 ? "-" : "+");
		}
	}
}

/* ---- cases ----------------------------------------------------------- */

enum case_id { CASE_A, CASE_A2, CASE_B, CASE_BGEO, CASE_BIMP, CASE_C, NCASES };

struct case_def {
	const char *name;
	const char *what;
	int large;
};

static const struct case_def cases[NCASES] = {
    {"A", "DTI: 63 units x 98 components, points, absolute rules", 0},
    {"A2", "63 units x 98 indicators, min-max + arith (COINr's method)", 0},
    {"B", "10,000 units x 200 indicators, 4 levels, min-max + arith", 1},
    {"Bgeo", "as B, geometric means", 1},
    {"Bimp", "as B, group-mean imputation (groups of 100)", 1},
    {"C", "10,000 units x 98 indicators, min-max + arith", 1},
};

/* What a child reports to the parent. */
struct case_out {
	int ok;
	size_t units, nodes, leaves, cells_set;
	int levels; /* index level: 1 + levels below it */
	int reps;
	double parse_ms, build_ms, first_ms, med_ms, min_ms, max_ms;
	double cpu_med_ms; /* median CPU time of a call */
	double hash_ms, out_ms;
	double faults; /* minor page faults per timed call */
	/* a model compiled once and run again (dti_model_run) */
	double model_new_ms, rerun_med_us, rerun_min_us, rerun_max_us;
	double rerun_cpu_us; /* median CPU time of a re-run */
	double rerun_faults; /* minor page faults per re-run */
	int rerun_reps;
	double rerun1_med_us, rerun1_cpu_us; /* ranking the index only */
	size_t out_bytes;
	double rss_start, rss_data, rss_peak; /* MiB */
	double result_mib;
	double idx_min, idx_max;
	size_t ranked;
};

struct settings {
	size_t large_units;
	int reps_small, reps_large;
	int warmup;
	int fork;
	int only[NCASES];
	int any_only;
};

static void make_framework(enum case_id c, struct dti_buf *b)
{
	static const size_t w_b[4] = {40, 8, 2, 1};
	static size_t s_b[40];
	static const size_t w_c[2] = {9, 1};
	for (size_t j = 0; j < 40; j++)
		s_b[j] = 5;
	switch (c) {
	case CASE_A: fw_dti(b); break;
	case CASE_A2:
	case CASE_C:
		fw_weights(b, "bench-98", 98, w_c, dti_sizes, 2, "arith", 0);
		break;
	case CASE_B:
	case CASE_BIMP:
		fw_weights(b, "bench-200", 200, w_b, s_b, 4, "arith", 0);
		break;
	case CASE_BGEO:
		fw_weights(b, "bench-200-geom", 200, w_b, s_b, 4, "geom", 1);
		break;
	default: break;
	}
}

/* A figure a node's rule accepts. */
static double figure_for(const struct dti_node_info *ni, size_t leaf)
{
	double u = rng_unif();
	switch (ni->rule) {
	case DTI_RULE_YESNO: return u < 0.7 ? 1 : 0;
	case DTI_RULE_RATIO: return u;
	case DTI_RULE_COUNT: return floor(u * 15);
	case DTI_RULE_STEPS: return floor(u * 1000) / 10;
	case DTI_RULE_SURVEY: return 1 + floor(u * 400) / 100;
	case DTI_RULE_POINTS: return floor(u * ni->points * 2) / 2;
	default: {
		/* raw figures for normalisations: each its own scale */
		double base = 10.0 * (double)(leaf % 17);
		double spread = 1.0 + (double)(leaf % 7);
		double v = u + rng_unif() + rng_unif() - 1.5;
		return floor((base + spread * 10 * v) * 1000) / 1000;
	}
	}
}

/*
 * n re-runs of a compiled model, one weight (child `moved` of the index,
 * framework weight w0) changed to between 1 and 1.5 times w0 before each:
 * wall time into rt[], CPU time into rc[] (µs).
 */
static void time_reruns(struct dti_model *m, size_t moved, double w0, int n,
                        double *rt, double *rc)
{
	struct dti_error err = DTI_ERROR_INIT;
	for (int r = 0; r < n; r++) {
		CHECK("weight",
		      dti_model_set_weight(m, moved,
		                           w0 * (1 + 0.5 * rng_unif()), &err));
		double c0 = cpu_ms();
		double t0 = now_ms();
		CHECK("model run", dti_model_run(m, &err));
		rt[r] = (now_ms() - t0) * 1e3;
		rc[r] = (cpu_ms() - c0) * 1e3;
	}
}

static void run_case(enum case_id c, const struct settings *s,
                     struct case_out *o)
{
	struct dti_error err = DTI_ERROR_INIT;
	memset(o, 0, sizeof *o);
	o->rss_start = maxrss_mib();
	rng_seed(20250701u + (uint64_t)c);
	size_t nunits = cases[c].large ? s->large_units : 63;
	int reps = cases[c].large ? s->reps_large : s->reps_small;

	/* framework */
	struct dti_buf text = DTI_BUF_INIT;
	make_framework(c, &text);
	struct dti_framework *fw = NULL;
	double t0 = now_ms();
	CHECK("framework", dti_framework_parse(text.data, text.len,
	                                       cases[c].name, &fw, &err));
	o->parse_ms = now_ms() - t0;
	dti_buf_release(&text);
	o->nodes = dti_framework_node_count(fw);
	struct dti_node_info root;
	dti_framework_node(fw, dti_framework_root(fw), &root);
	o->levels = root.level;

	/* data */
	t0 = now_ms();
	struct dti_dataset *ds = NULL;
	size_t cycle = 0;
	CHECK("dataset", dti_dataset_new(fw, NULL, &ds));
	CHECK("cycle", dti_dataset_add_cycle(ds, "2025", &cycle));
	size_t *uix = malloc(nunits * sizeof *uix);
	if (!uix)
		die("memory", DTI_ENOMEM, NULL);
	static const char *const regions[6] = {"R1", "R2", "R3",
	                                       "R4", "R5", "R6"};
	for (size_t i = 0; i < nunits; i++) {
		char id[32], name[48], group[32];
		snprintf(id, sizeof id, "U%05zu", i + 1);
		snprintf(name, sizeof name, "Unit %05zu", i + 1);
		CHECK("unit", dti_dataset_add_unit(ds, id, name, -1, &uix[i]));
		if (cases[c].large)
			snprintf(group, sizeof group, "G%03zu", i / 100 + 1);
		else
			snprintf(group, sizeof group, "%s", regions[i % 6]);
		CHECK("group",
		      dti_dataset_set_group(ds, uix[i], "group", group));
	}
	double missing_share = c == CASE_A ? 0.02 : 0.01;
	size_t leaf = 0;
	for (size_t k = 0; k < o->nodes; k++) {
		struct dti_node_info ni;
		dti_framework_node(fw, k, &ni);
		if (ni.nchildren)
			continue;
		for (size_t i = 0; i < nunits; i++) {
			double v = figure_for(&ni, leaf);
			if (rng_unif() < missing_share)
				continue;
			CHECK(ni.code,
			      dti_dataset_set(ds, cycle, uix[i], k, v, &err));
			o->cells_set++;
		}
		leaf++;
	}
	o->leaves = leaf;
	o->units = nunits;
	o->build_ms = now_ms() - t0;
	o->rss_data = maxrss_mib();

	/* compute */
	struct dti_compute_opts co = DTI_COMPUTE_OPTS_INIT;
	if (c == CASE_BIMP)
		co.missing = DTI_MISSING_GROUP_MEAN;
	struct dti_result *res = NULL;
	for (int w = 0; w < 1 + s->warmup; w++) {
		t0 = now_ms();
		CHECK("compute", dti_compute(fw, ds, cycle, &co, &res, &err));
		double t = now_ms() - t0;
		if (w == 0)
			o->first_ms = t;
		if (w < s->warmup)
			dti_result_free(res);
	}
	/* a look at what was computed (the last warm-up result) */
	size_t root_k = dti_framework_root(fw);
	size_t n = dti_result_unit_count(res);
	o->idx_min = INFINITY;
	o->idx_max = -INFINITY;
	for (size_t i = 0; i < n; i++) {
		double v = dti_result_value(res, i, root_k);
		if (isnan(v))
			continue;
		if (v < o->idx_min)
			o->idx_min = v;
		if (v > o->idx_max)
			o->idx_max = v;
	}
	o->ranked = dti_result_ranked_count(res, root_k);
	/* value, figure: 8 B; rank: 4; flags: 1; group rank (with groups): 4 */
	o->result_mib = (double)n * (double)o->nodes *
	                (dti_result_group_by(res) ? 25.0 : 21.0) / 1048576.0;

	/* output of the large case, once */
	if (c == CASE_B) {
		struct dti_buf csv = DTI_BUF_INIT;
		struct dti_output_opts oo = DTI_OUTPUT_OPTS_INIT;
		oo.format = DTI_FORMAT_CSV;
		t0 = now_ms();
		CHECK("output", dti_output_result(res, &oo, &csv, &err));
		o->out_ms = now_ms() - t0;
		o->out_bytes = csv.len;
		dti_buf_release(&csv);
	}
	dti_result_free(res);

	double *t = malloc((size_t)reps * sizeof *t);
	double *tc = malloc((size_t)reps * sizeof *tc);
	if (!t || !tc)
		die("memory", DTI_ENOMEM, NULL);
	long f0 = minor_faults();
	for (int r = 0; r < reps; r++) {
		double c0 = cpu_ms();
		t0 = now_ms();
		CHECK("compute", dti_compute(fw, ds, cycle, &co, &res, &err));
		t[r] = now_ms() - t0;
		tc[r] = cpu_ms() - c0;
		dti_result_free(res);
	}
	o->faults = (double)(minor_faults() - f0) / reps;
	o->cpu_med_ms = median_of(tc, (size_t)reps);
	free(tc);
	o->reps = reps;
	o->min_ms = INFINITY;
	o->max_ms = 0;
	for (int r = 0; r < reps; r++) {
		if (t[r] < o->min_ms)
			o->min_ms = t[r];
		if (t[r] > o->max_ms)
			o->max_ms = t[r];
	}
	o->med_ms = median_of(t, (size_t)reps);

	/* the data hash every result records, timed on its own */
	int hreps = reps < 5 ? reps : 5;
	for (int r = 0; r < hreps; r++) {
		char hash[65];
		t0 = now_ms();
		CHECK("hash", dti_dataset_hash(ds, cycle, hash));
		t[r] = now_ms() - t0;
	}
	o->hash_ms = median_of(t, (size_t)hreps);
	free(t);

	/*
	 * Repeated runs: the model compiled once, then each run changes one
	 * weight (a main indicator's, between 1 and 1.5 times the framework's)
	 * and computes every node's value and rank again, as a Monte Carlo
	 * analysis would.
	 */
	struct dti_model *m = NULL;
	t0 = now_ms();
	CHECK("model", dti_model_new(fw, ds, cycle, &co, &m, &err));
	o->model_new_ms = now_ms() - t0;
	struct dti_node_info rn;
	dti_framework_node(fw, root_k, &rn);
	size_t moved = rn.children[0];
	double w0 = rn.child_weights[0];
	int rreps = cases[c].large ? reps : reps * 50;
	double *rt = malloc((size_t)rreps * sizeof *rt);
	double *rc = malloc((size_t)rreps * sizeof *rc);
	if (!rt || !rc)
		die("memory", DTI_ENOMEM, NULL);
	for (int w = 0; w < 1 + s->warmup; w++)
		CHECK("model run", dti_model_run(m, &err));
	f0 = minor_faults();
	time_reruns(m, moved, w0, rreps, rt, rc);
	o->rerun_faults = (double)(minor_faults() - f0) / rreps;
	o->rerun_reps = rreps;
	o->rerun_min_us = INFINITY;
	o->rerun_max_us = 0;
	for (int r = 0; r < rreps; r++) {
		if (rt[r] < o->rerun_min_us)
			o->rerun_min_us = rt[r];
		if (rt[r] > o->rerun_max_us)
			o->rerun_max_us = rt[r];
	}
	o->rerun_med_us = median_of(rt, (size_t)rreps);
	o->rerun_cpu_us = median_of(rc, (size_t)rreps);
	/* the same, ranking the index alone (what a Monte Carlo reads) */
	CHECK("ranked", dti_model_set_ranked(m, &root_k, 1, &err));
	time_reruns(m, moved, w0, rreps, rt, rc);
	o->rerun1_med_us = median_of(rt, (size_t)rreps);
	o->rerun1_cpu_us = median_of(rc, (size_t)rreps);
	free(rt);
	free(rc);
	dti_model_free(m);
	o->rss_peak = maxrss_mib();

	dti_dataset_free(ds);
	dti_framework_free(fw);
	free(uix);
	o->ok = 1;
}

/* Runs a case in a child process, so its peak memory is its own. */
static void run_isolated(enum case_id c, const struct settings *s,
                         struct case_out *o)
{
	memset(o, 0, sizeof *o);
	if (!s->fork) {
		run_case(c, s, o);
		return;
	}
	int fd[2];
	fflush(stdout);
	fflush(stderr);
	if (pipe(fd) != 0) {
		run_case(c, s, o);
		return;
	}
	pid_t pid = fork();
	if (pid < 0) {
		close(fd[0]);
		close(fd[1]);
		run_case(c, s, o);
		return;
	}
	if (pid == 0) {
		close(fd[0]);
		run_case(c, s, o);
		const char *p = (const char *)o;
		size_t left = sizeof *o;
		while (left) {
			ssize_t w = write(fd[1], p, left);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				_exit(1);
			p += w;
			left -= (size_t)w;
		}
		close(fd[1]);
		_exit(0);
	}
	close(fd[1]);
	char *p = (char *)o;
	size_t got = 0;
	while (got < sizeof *o) {
		ssize_t r = read(fd[0], p + got, sizeof *o - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd[0]);
	int status = 0;
	waitpid(pid, &status, 0);
	if (got != sizeof *o || !WIFEXITED(status) || WEXITSTATUS(status))
		o->ok = 0;
}

/* ---- the machine ----------------------------------------------------- */

/* Pins the process to CPU 0 (or the first CPU it may use). */
static int pin_one_cpu(int *cpu)
{
	cpu_set_t allowed;
	if (sched_getaffinity(0, sizeof allowed, &allowed) != 0)
		return 0;
	int pick = -1;
	if (CPU_ISSET(0, &allowed))
		pick = 0;
	for (int i = 0; pick < 0 && i < CPU_SETSIZE; i++)
		if (CPU_ISSET(i, &allowed))
			pick = i;
	if (pick < 0)
		return 0;
	cpu_set_t one;
	CPU_ZERO(&one);
	CPU_SET(pick, &one);
	if (sched_setaffinity(0, sizeof one, &one) != 0)
		return 0;
	*cpu = pick;
	return 1;
}

/* ---- main ------------------------------------------------------------ */

static void usage(FILE *f)
{
	fprintf(f,
	        "usage: bench_compute [options]\n"
	        "  --reps N         timed runs of every case (default 101 for "
	        "63 units, 21 for 10,000)\n"
	        "  --reps-small N   timed runs of the 63-unit cases\n"
	        "  --reps-large N   timed runs of the 10,000-unit cases\n"
	        "  --warmup N       untimed runs before (default 3)\n"
	        "  --units N        units of the large cases (default 10000)\n"
	        "  --only LIST      cases to run, comma-separated: "
	        "A,A2,B,Bgeo,Bimp,C\n"
	        "  --framework CASE print the framework of a case (CSV) and "
	        "stop\n"
	        "  --no-pin         do not pin to one CPU\n"
	        "  --no-fork        run the cases in this process (peak memory "
	        "then accumulates)\n");
}

static long parse_count(const char *opt, const char *v)
{
	char *end = NULL;
	errno = 0;
	long x = v ? strtol(v, &end, 10) : -1;
	if (!v || errno || *end || x < 1 || x > 100000000) {
		fprintf(stderr, "bench_compute: %s needs a positive number\n",
		        opt);
		exit(2);
	}
	return x;
}

static void parse_only(struct settings *s, const char *list)
{
	if (!list) {
		usage(stderr);
		exit(2);
	}
	char tmp[256];
	snprintf(tmp, sizeof tmp, "%s", list);
	char *save = NULL;
	for (char *tok = strtok_r(tmp, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		int found = 0;
		for (int c = 0; c < NCASES; c++)
			if (strcasecmp(tok, cases[c].name) == 0) {
				s->only[c] = 1;
				found = 1;
			}
		if (!found) {
			fprintf(stderr, "bench_compute: no case '%s'\n", tok);
			exit(2);
		}
	}
	s->any_only = 1;
}

static void print_ms(double ms)
{
	if (ms < 10)
		printf(" %9.3f", ms);
	else
		printf(" %9.1f", ms);
}

int main(int argc, char **argv)
{
	struct settings s = {10000, 101, 21, 3, 1, {0}, 0};
	int pin = 1;
	for (int a = 1; a < argc; a++) {
		const char *o = argv[a];
		const char *v = a + 1 < argc ? argv[a + 1] : NULL;
		if (strcmp(o, "--reps") == 0) {
			s.reps_small = s.reps_large = (int)parse_count(o, v);
			a++;
		} else if (strcmp(o, "--reps-small") == 0) {
			s.reps_small = (int)parse_count(o, v);
			a++;
		} else if (strcmp(o, "--reps-large") == 0) {
			s.reps_large = (int)parse_count(o, v);
			a++;
		} else if (strcmp(o, "--warmup") == 0) {
			s.warmup = v && strcmp(v, "0") == 0
			               ? 0
			               : (int)parse_count(o, v);
			a++;
		} else if (strcmp(o, "--units") == 0) {
			s.large_units = (size_t)parse_count(o, v);
			a++;
		} else if (strcmp(o, "--only") == 0) {
			parse_only(&s, v);
			a++;
		} else if (strcmp(o, "--framework") == 0) {
			/* print a case's framework and stop */
			for (int c = 0; v && c < NCASES; c++)
				if (strcasecmp(v, cases[c].name) == 0) {
					struct dti_buf b = DTI_BUF_INIT;
					make_framework((enum case_id)c, &b);
					fwrite(b.data, 1, b.len, stdout);
					dti_buf_release(&b);
					return 0;
				}
			fprintf(stderr, "bench_compute: no case '%s'\n",
			        v ? v : "");
			return 2;
		} else if (strcmp(o, "--no-pin") == 0) {
			pin = 0;
		} else if (strcmp(o, "--no-fork") == 0) {
			s.fork = 0;
		} else if (strcmp(o, "-h") == 0 || strcmp(o, "--help") == 0) {
			usage(stdout);
			return 0;
		} else {
			fprintf(stderr, "bench_compute: unknown option '%s'\n",
			        o);
			usage(stderr);
			return 2;
		}
	}

	char model[256];
	cpu_model(model, sizeof model);
	struct utsname un;
	int have_un = uname(&un) == 0;
	int cpu = -1;
	int pinned = pin && pin_one_cpu(&cpu);
	printf("dti %s benchmark: dti_compute (normalise, aggregate, rank)\n",
	       DTI_VERSION);
	printf("machine:   %s, %ld CPUs online\n", model,
	       sysconf(_SC_NPROCESSORS_ONLN));
	if (have_un)
		printf("kernel:    %s %s %s\n", un.sysname, un.release,
		       un.machine);
	printf("compiler:  %s %s\n", BENCH_COMPILER, __VERSION__);
	printf("build:     %s (-O%s), libdti shared\n", BENCH_BUILDTYPE,
	       BENCH_OPTIMIZATION);
	if (pinned)
		printf("pinned:    yes, to CPU %d (one core)\n", cpu);
	else
		printf("pinned:    no%s\n",
		       pin ? " (sched_setaffinity failed)" : " (--no-pin)");
	FILE *la = fopen("/proc/loadavg", "r");
	double load1 = -1;
	if (la) {
		if (fscanf(la, "%lf", &load1) != 1)
			load1 = -1;
		fclose(la);
	}
	if (load1 >= 0)
		printf("load:      %.2f (1-minute load average at start; other "
		       "work on the machine slows the figures)\n",
		       load1);
	printf("timing:    CLOCK_MONOTONIC around dti_compute(): the first "
	       "call, %d warm-up call%s, then %d timed (63 units) / %d timed "
	       "(large); result freed outside the timing\n",
	       s.warmup, s.warmup == 1 ? "" : "s", s.reps_small, s.reps_large);
	printf("memory:    getrusage ru_maxrss, each case in its own "
	       "process%s\n",
	       s.fork ? "" : " (not: --no-fork, peaks accumulate)");
	printf("levels:    \"4 levels\" = indicators + 3 levels of "
	       "aggregates (200 -> 40 -> 8 -> 2), then the index\n\n");

	struct case_out out[NCASES];
	for (int c = 0; c < NCASES; c++) {
		out[c].ok = 0;
		if (s.any_only && !s.only[c])
			continue;
		printf("case %-4s %s ...\n", cases[c].name, cases[c].what);
		run_isolated((enum case_id)c, &s, &out[c]);
		const struct case_out *o = &out[c];
		if (!o->ok) {
			printf("  FAILED\n");
			continue;
		}
		printf(
		    "  %zu units x %zu nodes (%zu indicators, index at level "
		    "%d), %zu figures set; framework parsed in %.2f ms, data "
		    "built in %.1f ms (not part of compute)\n",
		    o->units, o->nodes, o->leaves, o->levels, o->cells_set,
		    o->parse_ms, o->build_ms);
		printf("  compute: first call %.3f ms; median %.3f ms, min "
		       "%.3f, max %.3f over %d runs (CPU time median %.3f ms); "
		       "the data hash (dti_dataset_hash, computed on demand, "
		       "not in compute) %.3f ms\n",
		       o->first_ms, o->med_ms, o->min_ms, o->max_ms, o->reps,
		       o->cpu_med_ms, o->hash_ms);
		printf(
		    "  re-run (dti_model_run, one weight changed before each "
		    "run): median %.1f us, min %.1f, max %.1f over %d runs "
		    "(CPU time median %.1f us, %.1f minor page faults per "
		    "run); the model compiled once in %.3f ms\n",
		    o->rerun_med_us, o->rerun_min_us, o->rerun_max_us,
		    o->rerun_reps, o->rerun_cpu_us, o->rerun_faults,
		    o->model_new_ms);
		printf(
		    "  re-run ranking the index only (dti_model_set_ranked): "
		    "median %.1f us (CPU time median %.1f us) over %d runs\n",
		    o->rerun1_med_us, o->rerun1_cpu_us, o->rerun_reps);
		printf("  index values %.4f .. %.4f, %zu units ranked; %.0f "
		       "minor page faults per call\n",
		       o->idx_min, o->idx_max, o->ranked, o->faults);
		printf("  memory: max RSS %.1f MiB at start, %.1f MiB with "
		       "the data, %.1f MiB peak; result matrices %.1f MiB\n",
		       o->rss_start, o->rss_data, o->rss_peak, o->result_mib);
		if (o->out_bytes)
			printf(
			    "  output: dti_output_result CSV (default columns, "
			    "%zu units) %.1f ms, %zu bytes\n",
			    o->units, o->out_ms, o->out_bytes);
	}

	printf("\n%-5s %-8s %-6s %-7s %9s %9s %9s %9s %9s %9s %9s %8s %8s\n",
	       "case", "units", "nodes", "leaves", "data ms", "median", "min",
	       "max", "first", "cpu med", "re-run", "peak MiB", "res MiB");
	for (int c = 0; c < NCASES; c++) {
		const struct case_out *o = &out[c];
		if (!o->ok)
			continue;
		printf("%-5s %-8zu %-6zu %-7zu", cases[c].name, o->units,
		       o->nodes, o->leaves);
		print_ms(o->build_ms);
		print_ms(o->med_ms);
		print_ms(o->min_ms);
		print_ms(o->max_ms);
		print_ms(o->first_ms);
		print_ms(o->cpu_med_ms);
		print_ms(o->rerun_med_us / 1e3);
		printf(" %8.1f %8.1f\n", o->rss_peak, o->result_mib);
	}
	printf("(times in ms: wall clock, and CPU time in \"cpu med\"; "
	       "\"data\" builds the dataset and is not part of compute; "
	       "\"re-run\" is the median of dti_model_run on a model compiled "
	       "once)\n\n");

	/* goals (COINr, the reference, is timed side by side elsewhere) */
	if (out[CASE_A].ok)
		printf("A    DTI size 63 x 98: median %.3f ms; goal under %.0f "
		       "ms: %s\n",
		       out[CASE_A].med_ms, GOAL_DTI_MS,
		       out[CASE_A].med_ms < GOAL_DTI_MS ? "met" : "NOT met");
	if (out[CASE_A2].ok)
		printf(
		    "A2   63 x 98 min-max + arith: median %.3f ms; goal under "
		    "%.0f ms: %s\n",
		    out[CASE_A2].med_ms, GOAL_DTI_MS,
		    out[CASE_A2].med_ms < GOAL_DTI_MS ? "met" : "NOT met");
	for (int c = CASE_A; c <= CASE_A2; c++)
		if (out[c].ok)
			printf("%-4s 63 x 98, one re-run of a compiled model: "
			       "every node ranked %.1f us, the index ranked "
			       "%.1f us; goal under %.0f us: %s\n",
			       cases[c].name, out[c].rerun_med_us,
			       out[c].rerun1_med_us, GOAL_RERUN_US,
			       out[c].rerun_med_us < GOAL_RERUN_US ? "met"
			       : out[c].rerun1_med_us < GOAL_RERUN_US
			           ? "met ranking the index only"
			           : "NOT met");
	for (int c = CASE_B; c <= CASE_BIMP; c++)
		if (out[c].ok)
			printf("%-4s %zu x 200, 4 levels: median %.1f ms; goal "
			       "under %.0f ms: %s%s\n",
			       cases[c].name, out[c].units, out[c].med_ms,
			       GOAL_LARGE_MS,
			       out[c].units != 10000 ? "(not the goal's size) "
			                             : "",
			       out[c].med_ms < GOAL_LARGE_MS ? "met"
			                                     : "NOT met");
	if (out[CASE_C].ok)
		printf("C    %zu x 98: median %.1f ms\n", out[CASE_C].units,
		       out[CASE_C].med_ms);
	for (int c = 0; c < NCASES; c++)
		if ((!s.any_only || s.only[c]) && !out[c].ok)
			return 1;
	return 0;
}
