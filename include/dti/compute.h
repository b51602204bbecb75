/*
 * dti/compute.h - values, points and ranks of one cycle.
 *
 * dti_compute() turns a framework and one cycle of a dataset into a result:
 * for every unit and node a value (on the framework's scale, [0,1] for the
 * DTI: points earned / points possible), the points earned, a competition
 * rank at the published precision (equal rounded values share the better
 * rank, the next rank is skipped) and a rank inside the unit's group.  The
 * missing-value policy, imputations, entered-versus-computed checks and
 * anything else a reader must know are recorded as notes.  Two results can
 * be linked (previous cycle) to get value and rank changes.
 *
 * Pipeline: figures -> imputation (group mean) -> leaf scores (rules,
 * normalisations; polarity) -> aggregates in dependency order (method,
 * weights, missing policy; a value entered for an aggregate is used as it
 * is) -> rounding to the precision -> ranks.
 *
 * Ownership: a result borrows the framework and dataset it was computed
 * from (both must outlive it) and, once linked, the previous result.
 */
#ifndef DTI_COMPUTE_H
#define DTI_COMPUTE_H

#include "dti/export.h"

#include <stddef.h>

#include "dataset.h"
#include "error.h"
#include "framework.h"

#ifdef __cplusplus
extern "C" {
#endif

struct dti_compute_opts {
	int precision;            /* decimals for ranks; -1: framework's */
	enum dti_missing missing; /* DEFAULT: framework's policy */
	const char *group_by;     /* group dimension; NULL: framework's/first */
	int recompute; /* aggregates computed from children even if entered */
	int allow_unknown; /* leave unknowable nodes null instead of failing */
	/* the nodes ranked (as dti_model_set_ranked); NULL: every node.  A
	   result that shows one node's ranks need not pay for all of them */
	const size_t *ranked;
	size_t nranked;
	/* a named weight set of the framework (weight.NAME columns) instead
	   of its weights where the set gives one; NULL: the weights */
	const char *weights;
	/* where the leaves are normalised: 1 across cycles (min, max, mean,
	   ranks... taken over the figures of every cycle of the data
	   together, as COINr's Normalise(global = TRUE) on a purse, so that
	   values compare from cycle to cycle); -1 within the cycle alone; 0
	   as the framework says ("# normalise.across: cycles", else within
	   the cycle).  The other cycles' figures enter as they are in the
	   data (no imputation); a unit's missing figure is left out */
	int across_cycles;
};

#define DTI_COMPUTE_OPTS_INIT                                                  \
	{                                                                      \
		-1, DTI_MISSING_DEFAULT, NULL, 0, 0, NULL, 0, NULL, 0          \
	}
/* Sets *o to the defaults (the same as DTI_COMPUTE_OPTS_INIT). */
DTI_EXTERN void dti_compute_opts_init(struct dti_compute_opts *o);

/* Flags of a result cell. */
enum {
	DTI_CELL_ENTERED = 1 << 0, /* value entered in the data, not computed */
	DTI_CELL_IMPUTED = 1 << 1, /* figure imputed (group mean) */
	DTI_CELL_MISSING = 1 << 2, /* no figure: scored by the missing policy */
	DTI_CELL_UNKNOWN = 1 << 3, /* cannot be known: unknown points below */
	DTI_CELL_PARTIAL = 1 << 4, /* some children missing and excluded */
	DTI_CELL_MISMATCH = 1 << 5 /* entered value differs from computed */
};

struct dti_result;

DTI_EXTERN enum dti_status
dti_compute(const struct dti_framework *fw, const struct dti_dataset *ds,
            size_t cycle, const struct dti_compute_opts *opts,
            struct dti_result **out, struct dti_error *err);
DTI_EXTERN void dti_result_free(struct dti_result *res);

DTI_EXTERN const struct dti_framework *
dti_result_framework(const struct dti_result *res);
DTI_EXTERN const struct dti_dataset *
dti_result_dataset(const struct dti_result *res);
DTI_EXTERN const char *dti_result_cycle(const struct dti_result *res);
DTI_EXTERN size_t dti_result_cycle_index(const struct dti_result *res);
DTI_EXTERN int dti_result_precision(const struct dti_result *res);
DTI_EXTERN enum dti_missing dti_result_missing(const struct dti_result *res);
DTI_EXTERN const char *
dti_result_group_by(const struct dti_result *res); /* or NULL */
/*
 * Whether opts (NULL: the defaults) have the leaves normalised across
 * cycles, as dti_compute decides it: *across 1 or 0.  DTI_EINVALID,
 * naming the key, for a framework whose normalise.across is neither
 * "cycles" nor "cycle".
 */
DTI_EXTERN enum dti_status
dti_compute_across_cycles(const struct dti_framework *fw,
                          const struct dti_compute_opts *opts, int *across,
                          struct dti_error *err);
/* How many cycles the leaves were normalised over: 1 within the cycle,
   more across cycles (every cycle of the dataset). */
DTI_EXTERN size_t dti_result_norm_cycles(const struct dti_result *res);
/* SHA-256 of the cycle's data (see dti_dataset_hash()); normalised across
   cycles, of the lines "LABEL:HASH\n" of every cycle of the data in order,
   since every cycle's figures then make the values. */
DTI_EXTERN const char *dti_result_data_hash(const struct dti_result *res);

/* Units of the result: those with at least one figure in the cycle. */
DTI_EXTERN size_t dti_result_unit_count(const struct dti_result *res);
/* Dataset index of the i-th unit of the result. */
DTI_EXTERN size_t dti_result_unit(const struct dti_result *res, size_t i);
/* Result position of a dataset unit, -1 if absent. */
DTI_EXTERN long dti_result_find_unit(const struct dti_result *res,
                                     size_t ds_unit);
DTI_EXTERN const char *dti_result_unit_group(const struct dti_result *res,
                                             size_t i);

/* Value of node for the i-th unit, NaN if none. */
DTI_EXTERN double dti_result_value(const struct dti_result *res, size_t i,
                                   size_t node);
/* The raw figure (after imputation) for leaves; NaN otherwise. */
DTI_EXTERN double dti_result_figure(const struct dti_result *res, size_t i,
                                    size_t node);
/* Points earned (value / scale x points); NaN without points. */
DTI_EXTERN double dti_result_points(const struct dti_result *res, size_t i,
                                    size_t node);
/* Value rounded to the precision, as an integer count of 10^-precision. */
DTI_EXTERN long long dti_result_rounded(const struct dti_result *res, size_t i,
                                        size_t node);
/* Competition rank (1 = best), 0 if not ranked. */
DTI_EXTERN int dti_result_rank(const struct dti_result *res, size_t i,
                               size_t node);
DTI_EXTERN int dti_result_group_rank(const struct dti_result *res, size_t i,
                                     size_t node);
/* Number of units ranked on the node (overall, in the unit's group). */
DTI_EXTERN size_t dti_result_ranked_count(const struct dti_result *res,
                                          size_t node);
DTI_EXTERN size_t dti_result_group_size(const struct dti_result *res, size_t i,
                                        size_t node);
DTI_EXTERN unsigned dti_result_flags(const struct dti_result *res, size_t i,
                                     size_t node);
/* The entered value of an aggregate that was recomputed, NaN otherwise. */
DTI_EXTERN double dti_result_entered(const struct dti_result *res, size_t i,
                                     size_t node);
/*
 * Units of the result in rank order of a node (best first; ties in
 * Vietnamese name order; unranked last).
 */
DTI_EXTERN const size_t *dti_result_order(const struct dti_result *res,
                                          size_t node);

/* Notes for readers: policy applied, imputations, checks. */
DTI_EXTERN size_t dti_result_note_count(const struct dti_result *res);
DTI_EXTERN const char *dti_result_note(const struct dti_result *res, size_t i);
/* The same note in Vietnamese. */
DTI_EXTERN const char *dti_result_note_vi(const struct dti_result *res,
                                          size_t i);

/*
 * Links the previous cycle's result: units are matched by id.  Afterwards
 * the change accessors below answer.  `prev` must outlive `res`.
 */
DTI_EXTERN enum dti_status
dti_result_set_previous(struct dti_result *res, const struct dti_result *prev,
                        struct dti_error *err);
DTI_EXTERN const struct dti_result *
dti_result_previous(const struct dti_result *res);
/* Value change since the previous cycle (rounded values), NaN if none. */
DTI_EXTERN double dti_result_change(const struct dti_result *res, size_t i,
                                    size_t node);
/*
 * Rank change (positive = up that many places); returns 0 and sets *ok to 0
 * when the unit or node has no rank in one of the cycles.
 */
DTI_EXTERN int dti_result_rank_change(const struct dti_result *res, size_t i,
                                      size_t node, int *ok);

/* ---- Repeated runs ------------------------------------------------------
 *
 * A model is a framework and one cycle of a dataset compiled once (the
 * units present, groups, every matrix and scratch array allocated), then
 * computed as many times as wanted with some choices changed: weights,
 * normalisations, aggregation methods, the missing-value policy, figures.
 * This is what uncertainty and sensitivity analyses call thousands of
 * times; a run allocates nothing but its notes.  dti_compute() is a model
 * run once.
 *
 * Each run refills the model's one result in place: dti_model_result() is
 * valid until the next run or dti_model_free(), and its accessors are the
 * result's usual ones.  Overrides stay until changed or reset.  The result
 * names the framework as it was read: outputs and explanations that show
 * weights or rules show the framework's, not the overrides.
 *
 * Ownership: the model borrows the framework and the dataset (both must
 * outlive it).  A model is not thread-safe: use one per thread (they may
 * share the framework and the dataset, which are only read).
 */
struct dti_model;

/* Every aggregate (dti_model_set_aggregation) or leaf (_set_normalisation). */
#define DTI_MODEL_ALL ((size_t)-1)

DTI_EXTERN enum dti_status
dti_model_new(const struct dti_framework *fw, const struct dti_dataset *ds,
              size_t cycle, const struct dti_compute_opts *opts,
              struct dti_model **out, struct dti_error *err);
DTI_EXTERN void dti_model_free(struct dti_model *m);

/*
 * Computes the model with its current overrides.  On failure (an unknown
 * index, a refused zero) the result is not valid until a run succeeds.
 */
DTI_EXTERN enum dti_status dti_model_run(struct dti_model *m,
                                         struct dti_error *err);
/* The result of the last successful run, NULL before one. */
DTI_EXTERN const struct dti_result *dti_model_result(const struct dti_model *m);

/* Every override back to the framework and the data as read. */
DTI_EXTERN void dti_model_reset(struct dti_model *m);

/*
 * The weight of node in each of its parents (a shared node gets the same
 * weight in all of them); weights are relative to the siblings'.  NaN is
 * refused; 0 leaves the node out.
 */
DTI_EXTERN enum dti_status dti_model_set_weight(struct dti_model *m,
                                                size_t node, double weight,
                                                struct dti_error *err);
/* The weight of child in parent as the model will compute it; NaN if none. */
DTI_EXTERN double dti_model_weight(const struct dti_model *m, size_t parent,
                                   size_t child);

/*
 * A normalisation for a leaf, or for every leaf that has a relative rule
 * (DTI_MODEL_ALL): min-max, goalposts, z-score, rank, percentile rank,
 * ratio to the maximum, distance to target.  Parameters left NaN by
 * dti_norm_init() take the defaults of a framework file: output range
 * 0..scale for min-max and goalposts, mean 0 and sd 1 for z-scores.
 */
struct dti_norm {
	enum dti_rule rule;
	double lo, hi;   /* min-max, goalposts: output range */
	double min, max; /* goalposts: input range (required) */
	double mean, sd; /* z-score: output mean and standard deviation */
	double target;   /* distance to target (required) */
	int cap;         /* distance to target: 1 caps at the target */
};
DTI_EXTERN void dti_norm_init(struct dti_norm *n, enum dti_rule rule);
DTI_EXTERN enum dti_status dti_model_set_normalisation(struct dti_model *m,
                                                       size_t node,
                                                       const struct dti_norm *n,
                                                       struct dti_error *err);

/*
 * The aggregation of an aggregate node, or of every aggregate
 * (DTI_MODEL_ALL).  power is the exponent of DTI_AGG_GENMEAN (ignored
 * otherwise).  The zero rule stays the node's.
 */
DTI_EXTERN enum dti_status
dti_model_set_aggregation(struct dti_model *m, size_t node, enum dti_agg method,
                          double power, struct dti_error *err);

/*
 * Which nodes get ranks (and group ranks) in the next runs: the n nodes
 * listed, or every node when nodes is NULL (the default).  Ranking every
 * node costs more than computing every value; an analysis that reads the
 * index's ranks only should rank the index alone.  A node left out reads
 * rank 0 (not ranked).
 */
DTI_EXTERN enum dti_status dti_model_set_ranked(struct dti_model *m,
                                                const size_t *nodes, size_t n,
                                                struct dti_error *err);

/* The missing-value policy (DTI_MISSING_DEFAULT: the options' again). */
DTI_EXTERN enum dti_status dti_model_set_missing(struct dti_model *m,
                                                 enum dti_missing policy,
                                                 struct dti_error *err);

/*
 * A figure of a leaf for a dataset unit (index in the dataset, as
 * dti_result_unit() gives) in place of the data's; NaN makes it missing.
 * The unit must be in the result (have a figure in the cycle).  Figures
 * are not checked against rules here: check them when they are entered.
 */
DTI_EXTERN enum dti_status dti_model_set_figure(struct dti_model *m,
                                                size_t unit, size_t node,
                                                double value,
                                                struct dti_error *err);

#ifdef __cplusplus
}
#endif
#endif
