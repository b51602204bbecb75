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
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/base.h"
#include "dti/analysis.h"
#include "engine/model.h"

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
	const struct dti_ua_opts *o;
	size_t node;
	size_t nunits;  /* units of the result */
	size_t *leaves; /* scored leaves that may be left out */
	size_t nleaves;
	int *ranks; /* runs x nunits */
	pthread_mutex_t mu;
	size_t next, done;
	enum dti_status st;
	struct dti_error err;
};

/* Applies run r's draws to the model (reset first). */
static enum dti_status draw(struct shared *sh, struct dti_model *m, size_t r,
                            struct dti_error *err)
{
	const struct dti_framework *fw = sh->fw;
	uint64_t s = sh->o->seed ^ (0xD1B54A32D192ED03ULL * (r + 1));
	dti_model_reset(m);
	enum dti_status st = DTI_OK;
	if (sh->o->weight_noise > 0)
		for (size_t k = 0; k < fw->n && !st; k++) {
			const struct fw_node *nd = &fw->nodes[k];
			if (!nd->nparents)
				continue;
			double w = dti_model_weight(m, nd->parents[0], k);
			double f = 1 + sh->o->weight_noise * (2 * unif(&s) - 1);
			if (isfinite(w) && w > 0)
				st = dti_model_set_weight(m, k, w * f, err);
		}
	if (sh->o->vary_aggregation)
		for (size_t k = 0; k < fw->n && !st; k++)
			if (fw->nodes[k].nchildren)
				st = dti_model_set_aggregation(
				    m, k,
				    unif(&s) < 0.5 ? DTI_AGG_ARITH
				                   : DTI_AGG_GEOM,
				    1, err);
	if (sh->o->leave_one_out && sh->nleaves && !st) {
		/* none, or one of the leaves: each as likely */
		size_t i = (size_t)(unif(&s) * (double)(sh->nleaves + 1));
		if (i < sh->nleaves)
			st = dti_model_set_weight(m, sh->leaves[i], 0, err);
	}
	return st;
}

static void *worker(void *arg)
{
	struct shared *sh = arg;
	struct dti_model *m = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st =
	    dti_model_new(sh->fw, sh->ds, sh->cycle, sh->co, &m, &err);
	if (!st)
		st = dti_model_set_ranked(m, &sh->node, 1, &err);
	for (;;) {
		pthread_mutex_lock(&sh->mu);
		if (st && !sh->st) {
			sh->st = st;
			sh->err = err;
			memset(&err, 0, sizeof err);
		}
		size_t r = sh->next;
		int stop = sh->st || r >= sh->o->runs;
		if (!stop)
			sh->next++;
		pthread_mutex_unlock(&sh->mu);
		if (stop)
			break;
		st = draw(sh, m, r, &err);
		if (!st)
			st = dti_model_run(m, &err);
		if (st)
			continue;
		const struct dti_result *res = dti_model_result(m);
		int *row = sh->ranks + r * sh->nunits;
		for (size_t i = 0; i < sh->nunits; i++)
			row[i] = res->rank[RES_AT(res, sh->node, i)];
		pthread_mutex_lock(&sh->mu);
		sh->done++;
		pthread_mutex_unlock(&sh->mu);
	}
	dti_error_release(&err);
	dti_model_free(m);
	return NULL;
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
	if (!(o->weight_noise >= 0 && o->weight_noise <= 1))
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, "weight_noise",
		                   "a weight noise is within 0..1: above 1, "
		                   "a weight could turn negative");
	if (o->weight_noise == 0 && !o->vary_aggregation && !o->leave_one_out)
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, NULL,
		                   "nothing is left open: give a weight noise, "
		                   "varied aggregation or leaving one out");
	size_t node = o->node >= 0 ? (size_t)o->node : fw->root;
	if (node >= fw->n)
		return dti_err_set(err, DTI_ENOTFOUND, NULL, 0, 0, "node",
		                   "no node %ld", o->node);
	/* the nominal ranking */
	struct dti_model *m = NULL;
	enum dti_status st = dti_model_new(fw, ds, cycle, co, &m, err);
	if (!st)
		st = dti_model_set_ranked(m, &node, 1, err);
	if (!st)
		st = dti_model_run(m, err);
	if (st) {
		dti_model_free(m);
		return st;
	}
	const struct dti_result *nom = dti_model_result(m);
	struct shared sh;
	memset(&sh, 0, sizeof sh);
	sh.fw = fw;
	sh.ds = ds;
	sh.cycle = cycle;
	sh.co = co;
	sh.o = o;
	sh.node = node;
	sh.nunits = nom->n;
	sh.leaves = malloc((fw->n ? fw->n : 1) * sizeof *sh.leaves);
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
	for (size_t k = 0; k < fw->n; k++)
		if (!fw->nodes[k].nchildren && fw->nodes[k].scored &&
		    fw->nodes[k].kind != DTI_KIND_STATISTIC)
			sh.leaves[sh.nleaves++] = k;
	pthread_mutex_init(&sh.mu, NULL);
	unsigned nt = o->threads;
	if (!nt) {
		long c = sysconf(_SC_NPROCESSORS_ONLN);
		nt = c > 0 ? (unsigned)c : 1;
	}
	if (nt > 64)
		nt = 64;
	if (nt > o->runs)
		nt = (unsigned)o->runs;
	pthread_t th[64];
	unsigned started = 0;
	/* with progress to report, this thread reports and the others work;
	   else it works too */
	unsigned want = o->progress ? nt : nt - 1;
	for (unsigned t = 0; t < want; t++)
		if (pthread_create(&th[started], NULL, worker, &sh) == 0)
			started++;
	if (o->progress && started) {
		for (;;) {
			pthread_mutex_lock(&sh.mu);
			int over = sh.st || sh.next >= o->runs;
			size_t done = sh.done;
			pthread_mutex_unlock(&sh.mu);
			if (over)
				break;
			o->progress(o->progress_ctx, done, o->runs);
			struct timespec ts = {0, 200000000};
			nanosleep(&ts, NULL);
		}
	} else {
		worker(&sh);
	}
	for (unsigned t = 0; t < started; t++)
		pthread_join(th[t], NULL);
	if (o->progress)
		o->progress(o->progress_ctx, sh.done, o->runs);
	pthread_mutex_destroy(&sh.mu);
	st = sh.st;
	if (st) {
		*err = sh.err;
	} else {
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
		dti_json_key(&j, "units");
		dti_json_array_begin(&j);
		for (size_t i = 0; i < r->n; i++) {
			const struct dti_ua_unit *u = &r->units[i];
			struct dti_dataset_unit du;
			dti_dataset_unit(r->ds, u->unit, &du);
			dti_json_object_begin(&j);
			dti_json_key(&j, "id");
			dti_json_string(&j, du.id);
			dti_json_key(&j, "name");
			dti_json_string(&j, du.name);
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
