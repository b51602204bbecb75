/*
 * lib/engine/uncertainty.c - uncertainty analysis by Monte Carlo (see
 * dti/analysis.h).
 *
 * Each thread owns a model (compute.c), compiled once; a run resets it,
 * applies the run's draws (weights, aggregations, the indicator left
 * out), runs it ranking only the node studied, and writes the units'
 * ranks into row r of a runs x units matrix.  Threads take runs from a
 * shared counter; the draws depend on (seed, r) only.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/base.h"
#include "dti/analysis.h"
#include "dti/prepare.h"
#include "engine/model.h"
#include "engine/sobol.h"

void dti_ua_opts_init(struct dti_ua_opts *o)
{
	memset(o, 0, sizeof *o);
	o->runs = 1000;
	o->seed = 1;
	o->node = -1;
}

/* splitmix64: the stream of run r. */
static uint64_t mix(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static double unif(uint64_t *s)
{
	return (double)(mix(s) >> 11) * 0x1.0p-53;
}

struct shared {
	const struct dti_framework *fw;
	const struct dti_dataset *ds;
	size_t cycle;
	const struct dti_compute_opts *co;
	size_t node;
	size_t nunits;  /* units of the result */
	size_t *leaves; /* scored leaves that may be left out */
	size_t nleaves;
	uint64_t seed;
	size_t runs;
	/* the choices: weight noise of every node with a parent, the mean of
	   every aggregate, one leaf left out; a run's draws are a vector
	   of U(0,1), nw + na + nl of them, in this order */
	double noise;
	size_t nw, na, nl, dims;
	/* uncertainty only, one draw each after those: the weight set
	   (0 the framework's, s + 1 set s), the normalisation (0 the
	   leaves' own, 1 min-max, 2 z-score), the data variant (the
	   figures it changes) */
	size_t nsets, nnorms, nvariants;
	size_t nimp, ntreat; /* variants: imputation i, treatment t at
	                        i * ntreat + t; a draw each when above 1 */
	struct variant *variants;
	int *ranks; /* uncertainty: runs x nunits */
	/* sensitivity: base samples, inputs (groups of dimensions), the
	   nominal ranks and each run's mean absolute rank shift */
	size_t nbase, ninputs;
	size_t lo[7], hi[7];
	const int *nominal;
	double *mars;
	/* sensitivity by unit: a task is base sample j and its k + 2 runs
	   (else a task is a run); each thread adds the samples it computes
	   to sums of its own (nunits of them), added into acc at its end */
	struct eng_sobol_acc *acc;
	int *uranks; /* by unit, for the bootstrap: sample j's k + 2 rows of
	                nunits ranks at j (k + 2) nunits; NULL if not kept */
	size_t ntasks;
	pthread_mutex_t mu;
	size_t next, done;
	enum dti_status st;
	struct dti_error err;
};

/* Figures of a data variant (an imputation, a treatment) unlike the data's. */
struct variant {
	size_t n;
	size_t *unit, *node; /* dataset unit, leaf */
	double *v;
};

/* Which of n alternatives a draw u in [0, 1) picks. */
static size_t pick(double u, size_t n)
{
	size_t i = (size_t)(u * (double)n);
	return i < n ? i : n - 1;
}

/* The draws of stream `stream`: dims values of U(0,1) in order. */
static void fill(uint64_t seed, uint64_t stream, double *u, size_t dims)
{
	uint64_t s = seed ^ (0xD1B54A32D192ED03ULL * (stream + 1));
	for (size_t d = 0; d < dims; d++)
		u[d] = unif(&s);
}

/* Applies a vector of draws to the model (reset first). */
static enum dti_status apply(struct shared *sh, struct dti_model *m,
                             const double *u, struct dti_error *err)
{
	const struct dti_framework *fw = sh->fw;
	dti_model_reset(m);
	/* the reset ranks every node again: the node checked alone (ranking
	   the others cost more than computing them) */
	enum dti_status st = dti_model_set_ranked(m, &sh->node, 1, err);
	/* the draws after the weights, means and leaf: set, rule, data */
	size_t e = sh->nw + sh->na + sh->nl;
	if (sh->nsets) {
		size_t set = pick(u[e++], sh->nsets);
		for (size_t k = 0; set && k < fw->n && !st; k++) {
			double w = dti_framework_set_weight(fw, set - 1, k);
			if (fw->nodes[k].nparents && !isnan(w))
				st = dti_model_set_weight(m, k, w, err);
		}
	}
	if (sh->nnorms) {
		size_t r = pick(u[e++], sh->nnorms);
		if (r) {
			struct dti_norm n;
			dti_norm_init(&n, r == 1 ? DTI_RULE_MINMAX
			                         : DTI_RULE_ZSCORE);
			if (!st)
				st = dti_model_set_normalisation(
				    m, DTI_MODEL_ALL, &n, err);
		}
	}
	if (sh->nvariants) {
		size_t i = sh->nimp > 1 ? pick(u[e++], sh->nimp) : 0;
		size_t t = sh->ntreat > 1 ? pick(u[e++], sh->ntreat) : 0;
		const struct variant *v = &sh->variants[i * sh->ntreat + t];
		for (size_t c = 0; c < v->n && !st; c++)
			st = dti_model_set_figure(m, v->unit[c], v->node[c],
			                          v->v[c], err);
	}
	size_t d = 0;
	if (sh->nw)
		for (size_t k = 0; k < fw->n && !st; k++) {
			const struct fw_node *nd = &fw->nodes[k];
			if (!nd->nparents)
				continue;
			double w = dti_model_weight(m, nd->parents[0], k);
			double f = 1 + sh->noise * (2 * u[d++] - 1);
			if (isfinite(w) && w > 0)
				st = dti_model_set_weight(m, k, w * f, err);
		}
	if (sh->na)
		for (size_t k = 0; k < fw->n && !st; k++)
			if (fw->nodes[k].nchildren)
				st = dti_model_set_aggregation(
				    m, k,
				    u[d++] < 0.5 ? DTI_AGG_ARITH : DTI_AGG_GEOM,
				    1, err);
	if (sh->nl && !st) {
		/* none, or one of the leaves: each as likely */
		size_t i = (size_t)(u[d] * (double)(sh->nleaves + 1));
		if (i < sh->nleaves)
			st = dti_model_set_weight(m, sh->leaves[i], 0, err);
	}
	return st;
}

/*
 * The draws of run r.  Uncertainty: stream r.  Sensitivity (Saltelli's
 * design): runs 0..N-1 are the rows of A (streams 2j), N..2N-1 those of B
 * (streams 2j+1), then for each input i the rows of A with input i's
 * dimensions taken from B.
 */
static void draws(const struct shared *sh, size_t r, double *u, double *tmp)
{
	if (!sh->nbase) {
		fill(sh->seed, r, u, sh->dims);
		return;
	}
	size_t n = sh->nbase;
	if (r < n) {
		fill(sh->seed, 2 * (uint64_t)r, u, sh->dims);
	} else if (r < 2 * n) {
		fill(sh->seed, 2 * (uint64_t)(r - n) + 1, u, sh->dims);
	} else {
		size_t i = (r - 2 * n) / n, j = (r - 2 * n) % n;
		fill(sh->seed, 2 * (uint64_t)j, u, sh->dims);
		fill(sh->seed, 2 * (uint64_t)j + 1, tmp, sh->dims);
		for (size_t d = sh->lo[i]; d < sh->hi[i]; d++)
			u[d] = tmp[d];
	}
}

/* Run q (0 .. k + 1) of base sample j: A, B, then A_B^(q - 2). */
static size_t run_of(const struct shared *sh, size_t j, size_t q)
{
	return q * sh->nbase + j;
}

static void *worker(void *arg)
{
	struct shared *sh = arg;
	struct dti_model *m = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	size_t per = sh->acc ? sh->ninputs + 2 : 1, nu = sh->nunits;
	double *u = malloc((sh->dims ? sh->dims : 1) * 2 * sizeof *u);
	/* by unit: the ranks of a sample's runs, the thread's sums */
	int *rows = sh->acc ? malloc((nu ? nu : 1) * per * sizeof *rows) : NULL;
	struct eng_sobol_acc *acc =
	    sh->acc ? calloc(nu ? nu : 1, sizeof *acc) : NULL;
	enum dti_status st =
	    u && (!sh->acc || (rows && acc))
	        ? dti_model_new(sh->fw, sh->ds, sh->cycle, sh->co, &m, &err)
	        : dti_err_nomem(&err);
	if (!st)
		st = dti_model_set_ranked(m, &sh->node, 1, &err);
	for (;;) {
		pthread_mutex_lock(&sh->mu);
		if (st && !sh->st) {
			sh->st = st;
			sh->err = err;
			memset(&err, 0, sizeof err);
		}
		size_t task = sh->next;
		int stop = sh->st || task >= sh->ntasks;
		if (!stop)
			sh->next++;
		pthread_mutex_unlock(&sh->mu);
		if (stop)
			break;
		for (size_t q = 0; q < per && !st; q++) {
			size_t r = sh->acc ? run_of(sh, task, q) : task;
			draws(sh, r, u, u + sh->dims);
			st = apply(sh, m, u, &err);
			if (!st)
				st = dti_model_run(m, &err);
			if (st)
				break;
			const struct dti_result *res = dti_model_result(m);
			if (sh->mars) {
				double sum = 0;
				for (size_t i = 0; i < nu; i++)
					sum += abs(res->rank[RES_AT(
					               res, sh->node, i)] -
					           sh->nominal[i]);
				sh->mars[r] = sum / (double)(nu ? nu : 1);
			}
			int *row = sh->acc    ? rows + q * nu
			           : sh->mars ? NULL
			                      : sh->ranks + r * nu;
			for (size_t i = 0; row && i < nu; i++)
				row[i] = res->rank[RES_AT(res, sh->node, i)];
		}
		if (st)
			continue;
		for (size_t i = 0; sh->acc && i < nu; i++)
			eng_sobol_add(&acc[i], sh->ninputs, sh->nominal[i],
			              rows + i, nu);
		if (sh->uranks)
			memcpy(sh->uranks + task * per * nu, rows,
			       per * nu * sizeof *rows);
		pthread_mutex_lock(&sh->mu);
		sh->done += per;
		pthread_mutex_unlock(&sh->mu);
	}
	if (acc && !st) {
		/* integer sums: the order of the threads does not matter */
		pthread_mutex_lock(&sh->mu);
		for (size_t i = 0; i < nu; i++)
			eng_sobol_merge(&sh->acc[i], &acc[i], sh->ninputs);
		pthread_mutex_unlock(&sh->mu);
	}
	dti_error_release(&err);
	dti_model_free(m);
	free(u);
	free(rows);
	free(acc);
	return NULL;
}

/* Runs sh->ntasks tasks (sh->runs runs) on `threads` threads (0: every
   core). */
static void run_all(struct shared *sh, unsigned threads,
                    void (*progress)(void *, size_t, size_t), void *pctx)
{
	pthread_mutex_init(&sh->mu, NULL);
	unsigned nt = threads;
	if (!nt) {
		long c = sysconf(_SC_NPROCESSORS_ONLN);
		nt = c > 0 ? (unsigned)c : 1;
	}
	if (nt > 64)
		nt = 64;
	if (nt > sh->ntasks)
		nt = (unsigned)sh->ntasks;
	pthread_t th[64];
	unsigned started = 0;
	/* with progress to report, this thread reports and the others work;
	   else it works too */
	unsigned want = progress ? nt : nt - 1;
	for (unsigned t = 0; t < want; t++)
		if (pthread_create(&th[started], NULL, worker, sh) == 0)
			started++;
	if (progress && started) {
		for (;;) {
			pthread_mutex_lock(&sh->mu);
			int over = sh->st || sh->next >= sh->ntasks;
			size_t done = sh->done;
			pthread_mutex_unlock(&sh->mu);
			if (over)
				break;
			progress(pctx, done, sh->runs);
			struct timespec ts = {0, 200000000};
			nanosleep(&ts, NULL);
		}
	} else {
		worker(sh);
	}
	for (unsigned t = 0; t < started; t++)
		pthread_join(th[t], NULL);
	if (progress)
		progress(pctx, sh->done, sh->runs);
	pthread_mutex_destroy(&sh->mu);
}

/* The choices left open, counted into sh; the leaves that may go. */
static void choices(struct shared *sh, double noise, int vary, int loo)
{
	const struct dti_framework *fw = sh->fw;
	sh->noise = noise;
	for (size_t k = 0; k < fw->n; k++) {
		const struct fw_node *nd = &fw->nodes[k];
		if (noise > 0 && nd->nparents)
			sh->nw++;
		if (vary && nd->nchildren)
			sh->na++;
		if (!nd->nchildren && nd->scored &&
		    nd->kind != DTI_KIND_STATISTIC)
			sh->leaves[sh->nleaves++] = k;
	}
	sh->nl = loo && sh->nleaves ? 1 : 0;
	sh->dims = sh->nw + sh->na + sh->nl;
}

/* The weight sets and normalisations to vary are there to vary. */
static enum dti_status check_more(const struct dti_framework *fw, int sets,
                                  int norms, struct dti_error *err)
{
	if (sets && !dti_framework_weight_set_count(fw))
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, "weight_sets",
		                   "the framework has no weight sets to vary "
		                   "(columns weight.NAME)");
	if (norms) {
		int rel = 0;
		for (size_t k = 0; k < fw->n && !rel; k++)
			rel = !fw->nodes[k].nchildren &&
			      dti_rule_is_relative(fw->nodes[k].rule);
		if (!rel)
			return dti_err_set(
			    err, DTI_EARG, NULL, 0, 0, "normalisation",
			    "no indicator is normalised over the units (the "
			    "framework scores by absolute rules): there is no "
			    "normalisation to vary");
	}
	return DTI_OK;
}

static void free_variants(struct shared *sh)
{
	for (size_t i = 0; i < sh->nvariants; i++) {
		free(sh->variants[i].unit);
		free(sh->variants[i].node);
		free(sh->variants[i].v);
	}
	free(sh->variants);
	sh->variants = NULL;
	sh->nvariants = 0;
}

/*
 * The figures dti_prepare changes with opts, against the data as read:
 * the units of the nominal result, every leaf.
 */
static enum dti_status variant_of(struct shared *sh,
                                  const struct dti_result *nom,
                                  const struct dti_prep_opts *po,
                                  struct variant *v, struct dti_error *err)
{
	memset(v, 0, sizeof *v);
	if (!dti_prep_any(po))
		return DTI_OK;
	struct dti_dataset *pd = NULL;
	enum dti_status st =
	    dti_prepare(sh->fw, sh->ds, sh->cycle, po, &pd, NULL, err);
	if (st)
		return st;
	const struct dti_framework *fw = sh->fw;
	size_t cap = 0;
	for (size_t i = 0; i < nom->n && !st; i++) {
		size_t u = nom->units[i];
		long pu = dti_dataset_find_unit(pd, sh->ds->u[u].id);
		for (size_t k = 0; k < fw->n && !st; k++) {
			const struct fw_node *nd = &fw->nodes[k];
			if (nd->nchildren || nd->kind == DTI_KIND_STATISTIC)
				continue;
			double a = dti_dataset_get(sh->ds, sh->cycle, u, k);
			double b = pu < 0
			               ? NAN
			               : dti_dataset_get(pd, 0, (size_t)pu, k);
			if (isnan(a) ? isnan(b) : a == b)
				continue;
			if (v->n == cap) {
				cap = cap ? 2 * cap : 64;
				size_t *nu = realloc(v->unit, cap * sizeof *nu);
				if (nu)
					v->unit = nu;
				size_t *nn = realloc(v->node, cap * sizeof *nn);
				if (nn)
					v->node = nn;
				double *nv = realloc(v->v, cap * sizeof *nv);
				if (nv)
					v->v = nv;
				if (!nu || !nn || !nv) {
					st = dti_err_nomem(err);
					break;
				}
			}
			v->unit[v->n] = u;
			v->node[v->n] = k;
			v->v[v->n++] = b;
		}
	}
	dti_dataset_free(pd);
	return st;
}

/*
 * The choices after weights, means and leaves (uncertainty only): weight
 * sets, normalisations, and the data variants, made once here.
 */
static enum dti_status more_choices(struct shared *sh, int sets, int norms,
                                    int imputation, int treatment,
                                    const struct dti_result *nom,
                                    struct dti_error *err)
{
	if (sets)
		sh->nsets = 1 + dti_framework_weight_set_count(sh->fw);
	if (norms)
		sh->nnorms = 3;
	sh->dims += (sh->nsets > 0) + (sh->nnorms > 0) + (imputation != 0) +
	            (treatment != 0);
	if (!imputation && !treatment)
		return DTI_OK;
	/* imputations: none, mean, median, the group's mean (with groups)
	   times treatments: none, treated */
	const char *group = sh->co && sh->co->group_by ? sh->co->group_by
	                    : dti_dataset_group_dim_count(sh->ds)
	                        ? dti_dataset_group_dim(sh->ds, 0)
	                        : NULL;
	enum dti_impute imp[4] = {DTI_IMPUTE_NONE, DTI_IMPUTE_MEAN,
	                          DTI_IMPUTE_MEDIAN, DTI_IMPUTE_GROUP_MEAN};
	size_t nimp = imputation ? (group ? 4 : 3) : 1;
	size_t ntreat = treatment ? 2 : 1;
	sh->nimp = nimp;
	sh->ntreat = ntreat;
	sh->variants = calloc(nimp * ntreat, sizeof *sh->variants);
	if (!sh->variants)
		return dti_err_nomem(err);
	/* treated as the framework says (# treat.winmax: ...), else with
	   the defaults */
	struct dti_prep_opts fpo;
	dti_prep_opts_init(&fpo);
	enum dti_status st =
	    treatment ? dti_prep_opts_from_framework(sh->fw, &fpo, err)
	              : DTI_OK;
	for (size_t i = 0; i < nimp && !st; i++)
		for (size_t t = 0; t < ntreat && !st; t++) {
			struct dti_prep_opts po;
			dti_prep_opts_init(&po);
			po.winmax = fpo.winmax;
			po.skew_limit = fpo.skew_limit;
			po.kurt_limit = fpo.kurt_limit;
			po.fallback = fpo.fallback;
			po.lambda = fpo.lambda;
			po.force_win = fpo.force_win;
			po.impute = imp[i];
			po.impute_group =
			    imp[i] == DTI_IMPUTE_GROUP_MEAN ? group : NULL;
			po.treat = (int)t;
			st = variant_of(sh, nom, &po,
			                &sh->variants[sh->nvariants], err);
			if (!st)
				sh->nvariants++;
		}
	return st;
}

/*
 * What both analyses begin with: the weight noise and the node checked,
 * the nominal model run (ranking the node alone) into *m, and sh set to
 * it (sh->leaves allocated, NULL if out of memory: the caller checks).
 */
static enum dti_status start(struct shared *sh, const struct dti_framework *fw,
                             const struct dti_dataset *ds, size_t cycle,
                             const struct dti_compute_opts *co, double noise,
                             long node_opt, struct dti_model **m,
                             struct dti_error *err)
{
	memset(sh, 0, sizeof *sh);
	*m = NULL;
	if (!(noise >= 0 && noise <= 1))
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, "weight_noise",
		                   "a weight noise is within 0..1: above 1, "
		                   "a weight could turn negative");
	size_t node = node_opt >= 0 ? (size_t)node_opt : fw->root;
	if (node >= fw->n)
		return dti_err_set(err, DTI_ENOTFOUND, NULL, 0, 0, "node",
		                   "no node %ld", node_opt);
	enum dti_status st = dti_model_new(fw, ds, cycle, co, m, err);
	if (!st)
		st = dti_model_set_ranked(*m, &node, 1, err);
	if (!st)
		st = dti_model_run(*m, err);
	if (st) {
		dti_model_free(*m);
		*m = NULL;
		return st;
	}
	sh->fw = fw;
	sh->ds = ds;
	sh->cycle = cycle;
	sh->co = co;
	sh->node = node;
	sh->nunits = dti_model_result(*m)->n;
	sh->leaves = malloc((fw->n ? fw->n : 1) * sizeof *sh->leaves);
	return DTI_OK;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

/* R's quantile type 7 of sorted v[0..n). */
static double quantile(const int *v, size_t n, double p)
{
	double h = (double)(n - 1) * p;
	size_t lo = (size_t)floor(h);
	size_t hi = lo + 1 < n ? lo + 1 : lo;
	return v[lo] + (h - (double)lo) * (v[hi] - v[lo]);
}

static int by_nominal(const void *a, const void *b)
{
	const struct dti_ua_unit *x = a, *y = b;
	int rx = x->nominal > 0 ? x->nominal : 1 << 30;
	int ry = y->nominal > 0 ? y->nominal : 1 << 30;
	if (rx != ry)
		return rx < ry ? -1 : 1;
	return (x->unit > y->unit) - (x->unit < y->unit);
}

enum dti_status dti_uncertainty(const struct dti_framework *fw,
                                const struct dti_dataset *ds, size_t cycle,
                                const struct dti_compute_opts *co,
                                const struct dti_ua_opts *o,
                                struct dti_ua_result *out,
                                struct dti_error *err)
{
	memset(out, 0, sizeof *out);
	struct dti_ua_opts def;
	if (!o) {
		dti_ua_opts_init(&def);
		o = &def;
	}
	if (!o->runs || o->runs > 10000000)
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, "runs",
		                   "runs: 1 to 10,000,000");
	if (o->weight_noise == 0 && !o->vary_aggregation && !o->leave_one_out &&
	    !o->vary_weight_sets && !o->vary_normalisation &&
	    !o->vary_imputation && !o->vary_treatment)
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, NULL,
		                   "nothing is left open: give a weight noise, "
		                   "varied aggregation, leaving one out, or "
		                   "varied weight sets, normalisation, "
		                   "imputation or treatment");
	enum dti_status cst =
	    check_more(fw, o->vary_weight_sets, o->vary_normalisation, err);
	if (cst)
		return cst;
	struct shared sh;
	struct dti_model *m = NULL;
	enum dti_status st =
	    start(&sh, fw, ds, cycle, co, o->weight_noise, o->node, &m, err);
	if (st)
		return st;
	const struct dti_result *nom = dti_model_result(m);
	size_t node = sh.node;
	sh.seed = o->seed;
	sh.runs = sh.ntasks = o->runs;
	sh.ranks = malloc(o->runs * (nom->n ? nom->n : 1) * sizeof *sh.ranks);
	out->units = calloc(nom->n ? nom->n : 1, sizeof *out->units);
	int *col = malloc(o->runs * sizeof *col);
	if (!sh.leaves || !sh.ranks || !out->units || !col) {
		free(sh.leaves);
		free(sh.ranks);
		free(col);
		free(out->units);
		out->units = NULL;
		dti_model_free(m);
		return dti_err_nomem(err);
	}
	choices(&sh, o->weight_noise, o->vary_aggregation, o->leave_one_out);
	st = more_choices(&sh, o->vary_weight_sets, o->vary_normalisation,
	                  o->vary_imputation, o->vary_treatment, nom, err);
	if (!st) {
		run_all(&sh, o->threads, o->progress, o->progress_ctx);
		st = sh.st;
		if (st)
			*err = sh.err;
	}
	if (!st) {
		out->ds = ds;
		out->node = node;
		out->runs = o->runs;
		out->opts = *o;
		out->n = nom->n;
		for (size_t i = 0; i < nom->n; i++) {
			struct dti_ua_unit *u = &out->units[i];
			u->unit = nom->units[i];
			u->nominal = nom->rank[RES_AT(nom, node, i)];
			size_t k = 0;
			double sum = 0;
			for (size_t r = 0; r < o->runs; r++) {
				int rk = sh.ranks[r * nom->n + i];
				if (rk > 0) {
					col[k++] = rk;
					sum += rk;
				}
			}
			if (!k) {
				u->mean = u->median = u->p5 = u->p95 = NAN;
				continue;
			}
			qsort(col, k, sizeof *col, cmp_int);
			u->mean = sum / (double)k;
			u->median = quantile(col, k, 0.5);
			u->p5 = quantile(col, k, 0.05);
			u->p95 = quantile(col, k, 0.95);
			u->best = col[0];
			u->worst = col[k - 1];
		}
		qsort(out->units, out->n, sizeof *out->units, by_nominal);
	}
	free(sh.leaves);
	free(sh.ranks);
	free(col);
	free_variants(&sh);
	dti_model_free(m);
	if (st)
		dti_ua_result_release(out);
	return st;
}

void dti_ua_result_release(struct dti_ua_result *r)
{
	free(r->units);
	r->units = NULL;
	r->n = 0;
}

/* ---- writing ------------------------------------------------------------ */

static void num(struct dti_buf *b, double v, int d, int vi)
{
	dti_buf_add_decimal(b, v, d, vi ? ',' : '.', "–");
}

enum dti_status dti_ua_write(const struct dti_ua_result *r,
                             enum dti_format format, enum dti_lang lang,
                             struct dti_buf *b, struct dti_error *err)
{
	int vi = lang == DTI_LANG_VI;
	const struct dti_framework *fw = dti_dataset_framework(r->ds);
	if (format == DTI_FORMAT_JSON) {
		struct dti_json j;
		dti_json_init(&j, b);
		dti_json_object_begin(&j);
		dti_json_key(&j, "node");
		dti_json_string(&j, fw->nodes[r->node].code);
		dti_json_key(&j, "runs");
		dti_json_int(&j, (long long)r->runs);
		dti_json_key(&j, "seed");
		dti_json_int(&j, (long long)r->opts.seed);
		dti_json_key(&j, "weight_noise");
		dti_json_double(&j, r->opts.weight_noise);
		dti_json_key(&j, "vary_aggregation");
		dti_json_bool(&j, r->opts.vary_aggregation);
		dti_json_key(&j, "leave_one_out");
		dti_json_bool(&j, r->opts.leave_one_out);
		dti_json_key(&j, "vary_weight_sets");
		dti_json_bool(&j, r->opts.vary_weight_sets);
		dti_json_key(&j, "vary_normalisation");
		dti_json_bool(&j, r->opts.vary_normalisation);
		dti_json_key(&j, "vary_imputation");
		dti_json_bool(&j, r->opts.vary_imputation);
		dti_json_key(&j, "vary_treatment");
		dti_json_bool(&j, r->opts.vary_treatment);
		dti_json_key(&j, "units");
		dti_json_array_begin(&j);
		for (size_t i = 0; i < r->n; i++) {
			const struct dti_ua_unit *u = &r->units[i];
			dti_json_object_begin(&j);
			eng_json_unit(&j, r->ds, u->unit);
			dti_json_key(&j, "nominal");
			dti_json_int(&j, u->nominal);
			dti_json_key(&j, "mean");
			dti_json_double(&j, u->mean);
			dti_json_key(&j, "median");
			dti_json_double(&j, u->median);
			dti_json_key(&j, "p5");
			dti_json_double(&j, u->p5);
			dti_json_key(&j, "p95");
			dti_json_double(&j, u->p95);
			dti_json_key(&j, "best");
			dti_json_int(&j, u->best);
			dti_json_key(&j, "worst");
			dti_json_int(&j, u->worst);
			dti_json_object_end(&j);
		}
		dti_json_array_end(&j);
		dti_json_object_end(&j);
		dti_buf_addc(b, '\n');
	} else if (format == DTI_FORMAT_CSV) {
		dti_buf_adds(b,
		             "id,name,nominal,mean,median,p5,p95,best,worst\n");
		for (size_t i = 0; i < r->n; i++) {
			const struct dti_ua_unit *u = &r->units[i];
			struct dti_dataset_unit du;
			dti_dataset_unit(r->ds, u->unit, &du);
			dti_csv_cell(b, du.id);
			dti_buf_addc(b, ',');
			dti_csv_cell(b, du.name);
			dti_buf_addf(b, ",%d,", u->nominal);
			dti_buf_add_shortest(b, u->mean);
			dti_buf_addc(b, ',');
			dti_buf_add_shortest(b, u->median);
			dti_buf_addc(b, ',');
			dti_buf_add_shortest(b, u->p5);
			dti_buf_addc(b, ',');
			dti_buf_add_shortest(b, u->p95);
			dti_buf_addf(b, ",%d,%d\n", u->best, u->worst);
		}
	} else {
		dti_buf_addf(
		    b,
		    vi ? "Phân tích độ bất định: %zu lần tính, hạt giống "
		         "%llu; trọng số ±%g%%%s%s\n"
		       : "Uncertainty analysis: %zu runs, seed %llu; "
		         "weights ±%g%%%s%s\n",
		    r->runs, (unsigned long long)r->opts.seed,
		    r->opts.weight_noise * 100,
		    r->opts.vary_aggregation
		        ? (vi ? "; trung bình cộng hoặc nhân"
		              : "; arithmetic or geometric means")
		        : "",
		    r->opts.leave_one_out ? (vi ? "; bỏ một chỉ số"
		                                : "; one indicator left "
		                                  "out")
		                          : "");
		if (r->opts.vary_weight_sets || r->opts.vary_normalisation ||
		    r->opts.vary_imputation || r->opts.vary_treatment) {
			dti_buf_adds(b, vi ? "Cũng thay đổi:" : "Also varied:");
			if (r->opts.vary_weight_sets)
				dti_buf_adds(b, vi ? " bộ trọng số"
				                   : " weight sets");
			if (r->opts.vary_normalisation)
				dti_buf_adds(b, vi ? " chuẩn hoá"
				                   : " normalisation");
			if (r->opts.vary_imputation)
				dti_buf_adds(b, vi ? " ước tính số thiếu"
				                   : " imputation");
			if (r->opts.vary_treatment)
				dti_buf_adds(b, vi ? " xử lý ngoại lai"
				                   : " outlier treatment");
			dti_buf_addc(b, '\n');
		}
		dti_buf_adds(b,
		             vi ? "Hạng gốc  Trung vị  TB      5%      95%     "
		                  "Đơn vị\n"
		                : "Nominal   Median    Mean    5%      95%     "
		                  "Unit\n");
		for (size_t i = 0; i < r->n; i++) {
			const struct dti_ua_unit *u = &r->units[i];
			struct dti_dataset_unit du;
			dti_dataset_unit(r->ds, u->unit, &du);
			dti_buf_addf(b, "%8d  ", u->nominal);
			double v[] = {u->median, u->mean, u->p5, u->p95};
			int d[] = {1, 1, 1, 1};
			for (int k = 0; k < 4; k++) {
				struct dti_buf t = DTI_BUF_INIT;
				num(&t, v[k], d[k], vi);
				dti_buf_addf(b, "%-8s", t.data ? t.data : "");
				if (k == 0)
					dti_buf_adds(b, "  ");
				dti_buf_release(&t);
			}
			dti_buf_addf(b, "%s\n", du.name);
		}
	}
	return dti_buf_status(b) ? dti_err_nomem(err) : DTI_OK;
}

/* ---- sensitivity --------------------------------------------------------- */

void dti_sa_opts_init(struct dti_sa_opts *o)
{
	memset(o, 0, sizeof *o);
	o->n = 500;
	o->seed = 1;
	o->node = -1;
	o->nboot = 200;
}

/* First-order and total indices of input i over the samples idx[0..n). */
static void indices(const double *f, size_t n, size_t i, const size_t *idx,
                    double *first, double *total)
{
	const double *fa = f, *fb = f + n, *fab = f + (2 + i) * n;
	double mean = 0;
	for (size_t j = 0; j < n; j++)
		mean += fa[idx[j]] + fb[idx[j]];
	mean /= 2 * (double)n;
	double var = 0, s = 0, t = 0;
	for (size_t j = 0; j < n; j++) {
		size_t q = idx[j];
		var += (fa[q] - mean) * (fa[q] - mean) +
		       (fb[q] - mean) * (fb[q] - mean);
		s += fb[q] * (fab[q] - fa[q]);
		t += (fa[q] - fab[q]) * (fa[q] - fab[q]);
	}
	var /= 2 * (double)n - 1;
	*first = var > 0 ? s / (double)n / var : NAN;
	*total = var > 0 ? t / (2 * (double)n) / var : NAN;
}

/* ---- per unit: the sums of lib/engine/sobol.h --------------------------- */

void eng_sobol_add(struct eng_sobol_acc *a, size_t k, int nominal, const int *y,
                   size_t stride)
{
	for (size_t c = 0; c < k + 2; c++)
		if (y[c * stride] <= 0) {
			a->unranked++;
			return;
		}
	int64_t da = (int64_t)y[0] - nominal, db = (int64_t)y[stride] - nominal;
	a->n++;
	a->s += da + db;
	a->q += da * da + db * db;
	for (size_t i = 0; i < k; i++) {
		int64_t x = (int64_t)y[(2 + i) * stride] - nominal - da;
		a->p[i] += db * x;
		a->e[i] += x;
		a->t[i] += x * x;
	}
}

void eng_sobol_merge(struct eng_sobol_acc *to, const struct eng_sobol_acc *from,
                     size_t k)
{
	to->n += from->n;
	to->s += from->s;
	to->q += from->q;
	to->unranked += from->unranked;
	for (size_t i = 0; i < k; i++) {
		to->p[i] += from->p[i];
		to->e[i] += from->e[i];
		to->t[i] += from->t[i];
	}
}

int eng_sobol_indices(const struct eng_sobol_acc *a, size_t k, int nominal,
                      double *mean, double *var, double *first, double *total)
{
	for (size_t i = 0; i < k; i++)
		first[i] = total[i] = NAN;
	*mean = *var = NAN;
	if (a->n < 1)
		return -1;
	/* sum over A and B of (d - mean)^2 = q - s^2 / m, m = 2n, exactly:
	   with s = m h + r (0 <= r < m), s^2 / m = m h^2 + 2 h r + r^2 / m */
	int64_t m = 2 * a->n;
	int64_t h = a->s / m, r = a->s % m;
	if (r < 0)
		r += m, h--;
	int64_t whole = a->q - m * h * h - 2 * h * r;
	*mean = nominal + (double)a->s / (double)m;
	if (whole == 0 && r == 0) {
		*var = 0;
		return -1;
	}
	double v =
	    ((double)whole - (double)(r * r) / (double)m) / (double)(m - 1);
	*var = v;
	if (!(v > 0))
		return -1;
	for (size_t i = 0; i < k; i++) {
		first[i] = (double)(a->p[i] + (int64_t)nominal * a->e[i]) /
		           (double)a->n / v;
		total[i] = (double)a->t[i] / (double)m / v;
	}
	return 0;
}

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double quantile_d(const double *v, size_t n, double p)
{
	double h = (double)(n - 1) * p;
	size_t lo = (size_t)floor(h);
	size_t hi = lo + 1 < n ? lo + 1 : lo;
	return v[lo] + (h - (double)lo) * (v[hi] - v[lo]);
}

static void units_no_boot(struct dti_sa_unit *u)
{
	for (size_t q = 0; q < 7; q++)
		u->first_lo[q] = u->first_hi[q] = u->total_lo[q] =
		    u->total_hi[q] = NAN;
}

/* The 5 and 95 % quantiles of the finite values among v[0 .. n - 1]
   (sorted in place); NaN when fewer than half are finite. */
static void interval(double *v, size_t n, double *lo, double *hi)
{
	size_t m = 0;
	for (size_t b = 0; b < n; b++)
		if (isfinite(v[b]))
			v[m++] = v[b];
	if (!m || 2 * m < n) {
		*lo = *hi = NAN;
		return;
	}
	qsort(v, m, sizeof *v, cmp_dbl);
	*lo = quantile_d(v, m, 0.05);
	*hi = quantile_d(v, m, 0.95);
}

/*
 * The units' 5-95 % intervals: nboot resamplings of the base samples
 * (drawn as the MARS's are, one set of draws for every unit), each
 * unit's sums made again from its kept ranks.  units[i] is result unit
 * i (before sorting).  idx: N entries of scratch.
 */
static void units_boot(const struct shared *sh, const struct dti_sa_opts *o,
                       struct dti_sa_unit *units, size_t nu, size_t *idx)
{
	size_t k = sh->ninputs, per = k + 2, nb = o->nboot;
	double *bf = malloc(nu * k * nb * sizeof *bf);
	double *bt = malloc(nu * k * nb * sizeof *bt);
	if (!bf || !bt) {
		for (size_t i = 0; i < nu; i++)
			units_no_boot(&units[i]);
		free(bf);
		free(bt);
		return;
	}
	uint64_t bsd = o->seed ^ 0xB0075417B0075417ULL;
	double first[7], total[7], mean, var;
	for (size_t b = 0; b < nb; b++) {
		for (size_t j = 0; j < o->n; j++)
			idx[j] = (size_t)(unif(&bsd) * (double)o->n);
		for (size_t i = 0; i < nu; i++) {
			struct eng_sobol_acc a;
			memset(&a, 0, sizeof a);
			for (size_t j = 0; j < o->n; j++)
				eng_sobol_add(
				    &a, k, sh->nominal[i],
				    sh->uranks + idx[j] * per * nu + i, nu);
			int none = a.unranked ||
			           eng_sobol_indices(&a, k, sh->nominal[i],
			                             &mean, &var, first, total);
			for (size_t q = 0; q < k; q++) {
				bf[(i * k + q) * nb + b] =
				    none ? NAN : first[q];
				bt[(i * k + q) * nb + b] =
				    none ? NAN : total[q];
			}
		}
	}
	for (size_t i = 0; i < nu; i++) {
		struct dti_sa_unit *u = &units[i];
		units_no_boot(u);
		if (u->state != DTI_SA_UNIT_OK)
			continue;
		for (size_t q = 0; q < k; q++) {
			interval(&bf[(i * k + q) * nb], nb, &u->first_lo[q],
			         &u->first_hi[q]);
			interval(&bt[(i * k + q) * nb], nb, &u->total_lo[q],
			         &u->total_hi[q]);
		}
	}
	free(bf);
	free(bt);
}

static int sa_by_nominal(const void *a, const void *b)
{
	const struct dti_sa_unit *x = a, *y = b;
	int rx = x->nominal > 0 ? x->nominal : 1 << 30;
	int ry = y->nominal > 0 ? y->nominal : 1 << 30;
	if (rx != ry)
		return rx < ry ? -1 : 1;
	return (x->unit > y->unit) - (x->unit < y->unit);
}

enum dti_status dti_sensitivity(const struct dti_framework *fw,
                                const struct dti_dataset *ds, size_t cycle,
                                const struct dti_compute_opts *co,
                                const struct dti_sa_opts *o,
                                struct dti_sa_result *out,
                                struct dti_error *err)
{
	memset(out, 0, sizeof *out);
	struct dti_sa_opts def;
	if (!o) {
		dti_sa_opts_init(&def);
		o = &def;
	}
	if (o->n < 64 || o->n > 1000000)
		return dti_err_set(
		    err, DTI_EARG, NULL, 0, 0, "n",
		    "N = %zu is too few base samples for a stable "
		    "estimate: 64 at least (COINr's examples use "
		    "100 to 1,000)",
		    o->n);
	struct shared sh;
	struct dti_model *m = NULL;
	enum dti_status st =
	    start(&sh, fw, ds, cycle, co, o->weight_noise, o->node, &m, err);
	if (st)
		return st;
	const struct dti_result *nom = dti_model_result(m);
	size_t node = sh.node;
	sh.seed = o->seed ^ 0x5A17E11152A17E11ULL;
	sh.nbase = o->n;
	int *nominal = malloc((nom->n ? nom->n : 1) * sizeof *nominal);
	if (!sh.leaves || !nominal) {
		free(sh.leaves);
		free(nominal);
		dti_model_free(m);
		return dti_err_nomem(err);
	}
	for (size_t i = 0; i < nom->n; i++)
		nominal[i] = nom->rank[RES_AT(nom, node, i)];
	sh.nominal = nominal;
	choices(&sh, o->weight_noise, o->vary_aggregation, o->leave_one_out);
	st = check_more(fw, o->vary_weight_sets, o->vary_normalisation, err);
	if (!st)
		st = more_choices(&sh, o->vary_weight_sets,
		                  o->vary_normalisation, o->vary_imputation,
		                  o->vary_treatment, nom, err);
	if (st) {
		free(sh.leaves);
		free(nominal);
		free_variants(&sh);
		dti_model_free(m);
		return st;
	}
	static const char *const names[] = {
	    "weights",       "aggregation", "leave_one_out", "weight_sets",
	    "normalisation", "imputation",  "treatment"};
	size_t sizes[7] = {sh.nw,        sh.na,         sh.nl,
	                   sh.nsets > 0, sh.nnorms > 0, sh.nimp > 1,
	                   sh.ntreat > 1},
	       at = 0;
	const char *used[7];
	for (int g = 0; g < 7; g++) {
		if (!sizes[g])
			continue;
		sh.lo[sh.ninputs] = at;
		sh.hi[sh.ninputs] = at + sizes[g];
		used[sh.ninputs++] = names[g];
		at += sizes[g];
	}
	if (sh.ninputs < 2) {
		free(sh.leaves);
		free(nominal);
		free_variants(&sh);
		dti_model_free(m);
		return dti_err_set(
		    err, DTI_EARG, NULL, 0, 0, NULL,
		    "%zu choice left open: a sensitivity analysis "
		    "compares two or more (weight noise, varied "
		    "aggregation, leaving one out, weight sets, "
		    "normalisation, imputation, treatment)",
		    sh.ninputs);
	}
	sh.runs = o->n * (sh.ninputs + 2);
	sh.ntasks = o->by_unit ? o->n : sh.runs;
	sh.mars = malloc(sh.runs * sizeof *sh.mars);
	size_t *idx = malloc(o->n * sizeof *idx);
	double *bs = malloc((o->nboot ? o->nboot : 1) * 2 * sizeof *bs);
	size_t nu = nom->n ? nom->n : 1;
	if (o->by_unit) {
		sh.acc = calloc(nu, sizeof *sh.acc);
		out->units = calloc(nu, sizeof *out->units);
		/* the ranks the units' bootstrap resamples, when not too
		   many (see dti/analysis.h) */
		size_t per = sh.ninputs + 2;
		if (o->nboot && nu <= (1u << 24) / per / o->n &&
		    (double)nu * (double)o->n * (double)o->nboot <= 4e8)
			sh.uranks = malloc(nu * per * o->n * sizeof *sh.uranks);
	}
	if (!sh.mars || !idx || !bs ||
	    (o->by_unit && (!sh.acc || !out->units))) {
		st = dti_err_nomem(err);
	} else {
		run_all(&sh, o->threads, o->progress, o->progress_ctx);
		st = sh.st;
		if (st)
			*err = sh.err;
	}
	if (!st) {
		out->fw = fw;
		out->node = node;
		out->n = o->n;
		out->runs = sh.runs;
		out->ninputs = sh.ninputs;
		out->opts = *o;
		double mean = 0, var = 0;
		for (size_t r = 0; r < 2 * o->n; r++)
			mean += sh.mars[r];
		mean /= 2 * (double)o->n;
		for (size_t r = 0; r < 2 * o->n; r++)
			var += (sh.mars[r] - mean) * (sh.mars[r] - mean);
		out->mean = mean;
		out->variance = var / (2 * (double)o->n - 1);
		for (size_t j = 0; j < o->n; j++)
			idx[j] = j;
		for (size_t i = 0; i < sh.ninputs; i++) {
			struct dti_sa_input *in = &out->inputs[i];
			in->name = used[i];
			indices(sh.mars, o->n, i, idx, &in->first, &in->total);
			in->first_lo = in->first_hi = NAN;
			in->total_lo = in->total_hi = NAN;
			if (!o->nboot)
				continue;
			uint64_t bsd = o->seed ^ (0xB007B007ULL * (i + 1));
			for (size_t b = 0; b < o->nboot; b++) {
				for (size_t j = 0; j < o->n; j++)
					idx[j] =
					    (size_t)(unif(&bsd) * (double)o->n);
				indices(sh.mars, o->n, i, idx, &bs[b],
				        &bs[o->nboot + b]);
			}
			qsort(bs, o->nboot, sizeof *bs, cmp_dbl);
			qsort(bs + o->nboot, o->nboot, sizeof *bs, cmp_dbl);
			in->first_lo = quantile_d(bs, o->nboot, 0.05);
			in->first_hi = quantile_d(bs, o->nboot, 0.95);
			in->total_lo =
			    quantile_d(bs + o->nboot, o->nboot, 0.05);
			in->total_hi =
			    quantile_d(bs + o->nboot, o->nboot, 0.95);
			for (size_t j = 0; j < o->n; j++)
				idx[j] = j;
		}
		for (size_t i = 0; o->by_unit && i < nom->n; i++) {
			struct dti_sa_unit *u = &out->units[i];
			u->unit = nom->units[i];
			u->nominal = nominal[i];
			int none = eng_sobol_indices(
			    &sh.acc[i], sh.ninputs, nominal[i], &u->mean,
			    &u->variance, u->first, u->total);
			for (size_t q = sh.ninputs; q < 7; q++)
				u->first[q] = u->total[q] = NAN;
			u->state = none ? DTI_SA_UNIT_FIXED : DTI_SA_UNIT_OK;
			if (sh.acc[i].unranked) {
				u->state = DTI_SA_UNIT_UNRANKED;
				u->mean = u->variance = NAN;
				for (size_t q = 0; q < 7; q++)
					u->first[q] = u->total[q] = NAN;
			}
		}
		if (o->by_unit && sh.uranks)
			units_boot(&sh, o, out->units, nom->n, idx);
		else
			for (size_t i = 0; o->by_unit && i < nom->n; i++)
				units_no_boot(&out->units[i]);
		if (o->by_unit) {
			out->ds = ds;
			out->nunits = nom->n;
			out->unit_boot = sh.uranks != NULL;
			qsort(out->units, out->nunits, sizeof *out->units,
			      sa_by_nominal);
		}
	}
	if (st)
		dti_sa_result_release(out);
	free(sh.acc);
	free(sh.uranks);
	free(sh.leaves);
	free(sh.mars);
	free(nominal);
	free(idx);
	free(bs);
	free_variants(&sh);
	dti_model_free(m);
	return st;
}

void dti_sa_result_release(struct dti_sa_result *r)
{
	free(r->units);
	r->units = NULL;
	r->nunits = 0;
}

static const char *sa_state_name(enum dti_sa_unit_state st)
{
	return st == DTI_SA_UNIT_OK      ? "ok"
	       : st == DTI_SA_UNIT_FIXED ? "fixed"
	                                 : "unranked";
}

/* Decimal commas in place (Vietnamese). */
static void commas(char *s)
{
	for (; *s; s++)
		if (*s == '.')
			*s = ',';
}

/* The units' table: id, nominal rank, first and total per input, name. */
static void sa_units_table(const struct dti_sa_result *r, int vi,
                           struct dti_buf *b)
{
	size_t idw = 4;
	for (size_t i = 0; i < r->nunits; i++) {
		struct dti_dataset_unit du;
		dti_dataset_unit(r->ds, r->units[i].unit, &du);
		size_t l = strlen(du.id);
		if (l > idw)
			idw = l;
	}
	int w[7];
	for (size_t q = 0; q < r->ninputs; q++) {
		size_t l = strlen(r->inputs[q].name);
		w[q] = (int)(l > 13 ? l : 13) + 2;
	}
	dti_buf_adds(b, vi ? "\nHạng của từng đơn vị: chỉ số bậc một và tổng "
	                     "theo đầu vào"
	                   : "\nEach unit's rank: first-order and total "
	                     "index per input");
	dti_buf_adds(b, r->unit_boot
	                    ? (vi ? " (khoảng 5-95 % trong CSV và JSON)\n"
	                          : " (5-95 % intervals in CSV and JSON)\n")
	                    : (vi ? " (không có khoảng bootstrap)\n"
	                          : " (no bootstrap interval)\n"));
	/* the headings by columns ("Mã" and "Hạng gốc" take more bytes) */
	dti_buf_adds(b, vi ? "Mã" : "Unit");
	for (size_t c = vi ? 2 : 4; c < idw; c++)
		dti_buf_addc(b, ' ');
	dti_buf_adds(b, vi ? " Hạng gốc  " : "  Nominal  ");
	for (size_t q = 0; q < r->ninputs; q++)
		dti_buf_addf(b, "%-*s", w[q], r->inputs[q].name);
	dti_buf_adds(b, vi ? "Tên\n" : "Name\n");
	for (size_t i = 0; i < r->nunits; i++) {
		const struct dti_sa_unit *u = &r->units[i];
		struct dti_dataset_unit du;
		dti_dataset_unit(r->ds, u->unit, &du);
		dti_buf_addf(b, "%-*s ", (int)idw, du.id);
		if (u->nominal > 0)
			dti_buf_addf(b, "%8d  ", u->nominal);
		else
			dti_buf_adds(b, "       –  "); /* 8 columns */
		if (u->state == DTI_SA_UNIT_OK) {
			for (size_t q = 0; q < r->ninputs; q++) {
				char cell[64];
				dti_snprintf(cell, sizeof cell, "%6.3f %6.3f",
				             u->first[q], u->total[q]);
				if (vi)
					commas(cell);
				dti_buf_addf(b, "%-*s", w[q], cell);
			}
		} else {
			const char *why =
			    u->state == DTI_SA_UNIT_FIXED
			        ? (vi ? "hạng không đổi" : "rank does not move")
			        : (vi ? "không được xếp hạng ở mọi lần tính"
			              : "not ranked in every run");
			dti_buf_addf(b, "(%s)  ", why);
		}
		dti_buf_addf(b, "%s\n", du.name);
	}
}

static void json_num_or_null(struct dti_json *j, double v)
{
	if (isfinite(v))
		dti_json_double(j, v);
	else
		dti_json_null(j);
}

static void csv_num(struct dti_buf *b, double v)
{
	if (isfinite(v))
		dti_buf_add_shortest(b, v);
}

enum dti_status dti_sa_write(const struct dti_sa_result *r,
                             enum dti_format format, enum dti_lang lang,
                             struct dti_buf *b, struct dti_error *err)
{
	int vi = lang == DTI_LANG_VI;
	int by_unit = r->units != NULL;
	if (format == DTI_FORMAT_JSON) {
		struct dti_json j;
		dti_json_init(&j, b);
		dti_json_object_begin(&j);
		dti_json_key(&j, "node");
		dti_json_string(&j, r->fw->nodes[r->node].code);
		dti_json_key(&j, "n");
		dti_json_int(&j, (long long)r->n);
		dti_json_key(&j, "runs");
		dti_json_int(&j, (long long)r->runs);
		dti_json_key(&j, "seed");
		dti_json_int(&j, (long long)r->opts.seed);
		dti_json_key(&j, "output");
		dti_json_string(&j, "mean absolute rank shift");
		dti_json_key(&j, "mean");
		dti_json_double(&j, r->mean);
		dti_json_key(&j, "variance");
		dti_json_double(&j, r->variance);
		dti_json_key(&j, "inputs");
		dti_json_array_begin(&j);
		for (size_t i = 0; i < r->ninputs; i++) {
			const struct dti_sa_input *in = &r->inputs[i];
			dti_json_object_begin(&j);
			dti_json_key(&j, "input");
			dti_json_string(&j, in->name);
			double v[] = {in->first, in->first_lo, in->first_hi,
			              in->total, in->total_lo, in->total_hi};
			static const char *const k[] = {"first",    "first_5",
			                                "first_95", "total",
			                                "total_5",  "total_95"};
			for (int q = 0; q < 6; q++) {
				dti_json_key(&j, k[q]);
				json_num_or_null(&j, v[q]);
			}
			dti_json_object_end(&j);
		}
		dti_json_array_end(&j);
		if (by_unit) {
			/* each unit's rank as the output */
			dti_json_key(&j, "unit_intervals");
			dti_json_bool(&j, r->unit_boot);
			dti_json_key(&j, "units");
			dti_json_array_begin(&j);
			for (size_t i = 0; i < r->nunits; i++) {
				const struct dti_sa_unit *u = &r->units[i];
				dti_json_object_begin(&j);
				eng_json_unit(&j, r->ds, u->unit);
				dti_json_key(&j, "nominal");
				if (u->nominal > 0)
					dti_json_int(&j, u->nominal);
				else
					dti_json_null(&j);
				dti_json_key(&j, "state");
				dti_json_string(&j, sa_state_name(u->state));
				dti_json_key(&j, "mean");
				json_num_or_null(&j, u->mean);
				dti_json_key(&j, "variance");
				json_num_or_null(&j, u->variance);
				dti_json_key(&j, "inputs");
				dti_json_array_begin(&j);
				for (size_t q = 0; q < r->ninputs; q++) {
					dti_json_object_begin(&j);
					dti_json_key(&j, "input");
					dti_json_string(&j, r->inputs[q].name);
					double v[] = {
					    u->first[q],    u->first_lo[q],
					    u->first_hi[q], u->total[q],
					    u->total_lo[q], u->total_hi[q]};
					static const char *const kk[] = {
					    "first", "first_5", "first_95",
					    "total", "total_5", "total_95"};
					for (size_t c = 0; c < 6; c++) {
						dti_json_key(&j, kk[c]);
						json_num_or_null(&j, v[c]);
					}
					dti_json_object_end(&j);
				}
				dti_json_array_end(&j);
				dti_json_object_end(&j);
			}
			dti_json_array_end(&j);
		}
		dti_json_object_end(&j);
		dti_buf_addc(b, '\n');
	} else if (format == DTI_FORMAT_CSV && by_unit) {
		dti_buf_adds(b, "id,name,nominal,state,input,first,first_5,"
		                "first_95,total,total_5,total_95\n");
		for (size_t i = 0; i < r->nunits; i++) {
			const struct dti_sa_unit *u = &r->units[i];
			struct dti_dataset_unit du;
			dti_dataset_unit(r->ds, u->unit, &du);
			for (size_t q = 0; q < r->ninputs; q++) {
				dti_csv_text_cell(b, du.id);
				dti_buf_addc(b, ',');
				dti_csv_text_cell(b, du.name);
				dti_buf_addc(b, ',');
				if (u->nominal > 0)
					dti_buf_addf(b, "%d", u->nominal);
				dti_buf_addf(b, ",%s,%s,",
				             sa_state_name(u->state),
				             r->inputs[q].name);
				double v[] = {u->first[q],    u->first_lo[q],
				              u->first_hi[q], u->total[q],
				              u->total_lo[q], u->total_hi[q]};
				for (size_t c = 0; c < 6; c++) {
					if (c)
						dti_buf_addc(b, ',');
					csv_num(b, v[c]);
				}
				dti_buf_addc(b, '\n');
			}
		}
	} else if (format == DTI_FORMAT_CSV) {
		dti_buf_adds(b, "input,first,first_5,first_95,total,total_5,"
		                "total_95\n");
		for (size_t i = 0; i < r->ninputs; i++) {
			const struct dti_sa_input *in = &r->inputs[i];
			double v[] = {in->first, in->first_lo, in->first_hi,
			              in->total, in->total_lo, in->total_hi};
			dti_buf_adds(b, in->name);
			for (int q = 0; q < 6; q++) {
				dti_buf_addc(b, ',');
				csv_num(b, v[q]);
			}
			dti_buf_addc(b, '\n');
		}
	} else {
		char head[400];
		dti_snprintf(
		    head, sizeof head,
		    vi ? "Phân tích độ nhạy: N = %zu, %zu lần tính; đầu "
		         "ra: độ lệch hạng tuyệt đối trung bình (TB "
		         "%.3g, phương sai %.3g)\n"
		       : "Sensitivity analysis: N = %zu, %zu runs; "
		         "output: the mean absolute rank shift (mean "
		         "%.3g, variance %.3g)\n",
		    r->n, r->runs, r->mean, r->variance);
		if (vi)
			commas(head);
		dti_buf_adds(b, head);
		dti_buf_adds(b,
		             vi ? "đầu vào           bậc một (5-95 %)          "
		                  "tổng (5-95 %)\n"
		                : "input             first order (5-95 %)      "
		                  "total (5-95 %)\n");
		for (size_t i = 0; i < r->ninputs; i++) {
			const struct dti_sa_input *in = &r->inputs[i];
			char line[200];
			dti_snprintf(line, sizeof line,
			             "%-17s %6.3f (%6.3f, %6.3f)     %6.3f "
			             "(%6.3f, %6.3f)\n",
			             in->name, in->first, in->first_lo,
			             in->first_hi, in->total, in->total_lo,
			             in->total_hi);
			if (vi)
				commas(line);
			dti_buf_adds(b, line);
		}
		if (by_unit)
			sa_units_table(r, vi, b);
	}
	return dti_buf_status(b) ? dti_err_nomem(err) : DTI_OK;
}
