/*
 * dti/analysis.h - how much a ranking depends on the choices an index
 * leaves open: uncertainty analysis by Monte Carlo.
 *
 * dti_uncertainty() computes the index many times, each run with its own
 * draw of the choices (as COINr's uncertainty analysis does): every
 * weight times a factor drawn uniformly from [1 - noise, 1 + noise], the
 * aggregation of every aggregate drawn between the arithmetic and the
 * geometric mean, one indicator left out (or none), and, when asked, a
 * weight set, a normalisation, an imputation of missing figures and the
 * treatment of outliers (the data steps of dti/prepare.h, their changes
 * made once and laid over the figures in the runs drawing them), and
 * reports per
 * unit the nominal rank (no change), the mean and median rank and the
 * 5-95 % interval of its ranks.  The draws of run r come from the seed
 * and r alone (splitmix64), so a result is the same on any number of
 * threads; the runs are shared among the threads (one model each).
 */
#ifndef DTI_ANALYSIS_H
#define DTI_ANALYSIS_H

#include "dti/export.h"

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "compute.h"
#include "output.h"

#ifdef __cplusplus
extern "C" {
#endif

struct dti_ua_opts {
	size_t runs;          /* default 1000 */
	uint64_t seed;        /* default 1 */
	double weight_noise;  /* 0..1: each weight times U(1-p, 1+p) */
	int vary_aggregation; /* each aggregate arithmetic or geometric */
	int leave_one_out;    /* one scored indicator left out, or none */
	long node;            /* the ranks of this node; -1: the index */
	unsigned threads;     /* 0: every core */
	/* called from one thread now and then (may be NULL) */
	void (*progress)(void *ctx, size_t done, size_t total);
	void *progress_ctx;
	/* more choices, each drawn alike among its alternatives: */
	int vary_weight_sets;   /* the framework's weights or a weight set */
	int vary_normalisation; /* the leaves' own rule, min-max or z-score */
	int vary_imputation;    /* missing left out, or imputed by the mean,
	                           the median or the group's mean */
	int vary_treatment;     /* outliers as they are, or treated
	                           (dti_prepare's defaults) */
};

DTI_EXTERN void dti_ua_opts_init(struct dti_ua_opts *o);

struct dti_ua_unit {
	size_t unit; /* dataset index */
	int nominal; /* rank with nothing changed (0: not ranked) */
	double mean, median;
	double p5, p95; /* quantiles of the ranks (R's type 7) */
	int best, worst;
};

struct dti_ua_result {
	const struct dti_dataset *ds;
	size_t node;
	size_t runs;
	size_t n; /* units, in the order of nominal rank */
	struct dti_ua_unit *units;
	struct dti_ua_opts opts; /* as run */
};

/*
 * Runs the analysis.  DTI_EARG for no run, a noise outside 0..1, or no
 * choice left open (no noise, no aggregation, no leaving out).
 */
DTI_EXTERN enum dti_status
dti_uncertainty(const struct dti_framework *fw, const struct dti_dataset *ds,
                size_t cycle, const struct dti_compute_opts *co,
                const struct dti_ua_opts *o, struct dti_ua_result *out,
                struct dti_error *err);
DTI_EXTERN void dti_ua_result_release(struct dti_ua_result *r);

/* A table (Vietnamese or English), CSV or JSON of the units. */
DTI_EXTERN enum dti_status dti_ua_write(const struct dti_ua_result *r,
                                        enum dti_format format,
                                        enum dti_lang lang, struct dti_buf *out,
                                        struct dti_error *err);

/*
 * Sensitivity analysis, variance-based: which of the choices left open
 * (the inputs: the weights, the means, the indicator left out; each one
 * given) moves the ranking most.  The output of a run is the mean
 * absolute rank shift of the units from their nominal ranks; with N base
 * samples and k inputs, Saltelli's design computes N (k + 2) runs, and
 * each input gets its first-order index (Saltelli 2010) and total index
 * (Jansen), with 5-95 % bootstrap intervals.  As COINr's
 * get_sensitivity(SA_type = "SA"), up to the estimators' Monte Carlo
 * error.
 *
 * With by_unit, also the first-order and total index of each unit's rank
 * (its rank the output), by the same estimators and variance (that of
 * the output over the runs of A and B, denominator 2N - 1).  The runs of
 * a base sample are computed together and each unit's sums (exact
 * integers) added up as they finish: O(units x k) memory a thread, and
 * the same result on any number of threads.  Their 5-95 % bootstrap
 * intervals (nboot resamplings of the base samples) need every run's
 * ranks kept: they are given while units x N x (k + 2) is at most 2^24
 * and units x N x nboot at most 4 x 10^8 (the 63 provinces with N =
 * 10,000; 1,000 units with N = 1,000), else they are NaN and
 * unit_boot says so.  A unit whose
 * rank is the same in every run of A and B (variance 0: its rank does
 * not move) or that a run leaves unranked has no index (NaN).
 */
struct dti_sa_opts {
	size_t n;      /* base samples (default 500), at least 64 */
	uint64_t seed; /* default 1 */
	double weight_noise;
	int vary_aggregation;
	int leave_one_out;
	long node; /* -1: the index */
	unsigned threads;
	size_t nboot; /* bootstrap samples (default 200; 0: none) */
	void (*progress)(void *ctx, size_t done, size_t total);
	void *progress_ctx;
	/* more inputs, as dti_ua_opts's */
	int vary_weight_sets, vary_normalisation, vary_imputation,
	    vary_treatment;
	int by_unit; /* also the indices of each unit's rank */
};
DTI_EXTERN void dti_sa_opts_init(struct dti_sa_opts *o);

struct dti_sa_input {
	const char *name; /* "weights", "aggregation", "leave_one_out",
	                     "weight_sets", "normalisation", "imputation",
	                     "treatment" */
	double first, total;
	double first_lo, first_hi, total_lo, total_hi; /* NaN without
	                                                  bootstrap */
};

/* Why a unit's rank has indices or not (by_unit). */
enum dti_sa_unit_state {
	DTI_SA_UNIT_OK,      /* first and total set */
	DTI_SA_UNIT_FIXED,   /* the same rank in every run of A and B:
	                        variance 0, the rank does not move */
	DTI_SA_UNIT_UNRANKED /* not ranked in every run */
};

struct dti_sa_unit {
	size_t unit; /* dataset index */
	int nominal; /* rank with nothing changed (0: not ranked) */
	enum dti_sa_unit_state state;
	double mean, variance;     /* of its rank over the runs of A and B (NaN
	                              when unranked) */
	double first[7], total[7]; /* per input, in the order of inputs;
	                              NaN unless DTI_SA_UNIT_OK */
	/* their 5-95 % bootstrap intervals (the MARS's resampling of the
	   base samples); NaN when not computed (see unit_boot) */
	double first_lo[7], first_hi[7], total_lo[7], total_hi[7];
};

struct dti_sa_result {
	const struct dti_framework *fw;
	size_t node;
	size_t n, runs;
	size_t ninputs;
	struct dti_sa_input inputs[7];
	double mean, variance; /* of the runs' mean absolute rank shift */
	struct dti_sa_opts opts;
	/* by_unit: the units of the ranking, in the order of nominal rank
	   (unranked last); else NULL and 0 */
	const struct dti_dataset *ds;
	size_t nunits;
	struct dti_sa_unit *units;
	int unit_boot; /* the units' intervals were computed */
};

/*
 * DTI_EARG for N under 64 (too few for a stable estimate), a noise
 * outside 0..1, or fewer than two inputs.  Release the result with
 * dti_sa_result_release (on success; on failure nothing is held).
 */
DTI_EXTERN enum dti_status
dti_sensitivity(const struct dti_framework *fw, const struct dti_dataset *ds,
                size_t cycle, const struct dti_compute_opts *co,
                const struct dti_sa_opts *o, struct dti_sa_result *out,
                struct dti_error *err);
DTI_EXTERN void dti_sa_result_release(struct dti_sa_result *r);

/*
 * A table (Vietnamese or English) or JSON of the inputs' indices, with a
 * table (JSON: "units") of the units' after them when by_unit; CSV: a row
 * per input (input, first, first_5, first_95, total, total_5, total_95),
 * or with by_unit a row per unit and input (id, name, nominal, state,
 * input, first, first_5, first_95, total, total_5, total_95).
 * r->nunits may be lowered to write the first
 * units only.
 */
DTI_EXTERN enum dti_status dti_sa_write(const struct dti_sa_result *r,
                                        enum dti_format format,
                                        enum dti_lang lang, struct dti_buf *out,
                                        struct dti_error *err);

#ifdef __cplusplus
}
#endif
#endif
