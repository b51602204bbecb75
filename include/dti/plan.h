/*
 * dti/plan.h - what a unit must change to move up: the planner.
 *
 * dti_plan() takes a unit of a cycle, the other units as they are, and a
 * target on a node (the index by default): a rank to reach (or better)
 * or a value.  It finds the least total effort of indicator gains that
 * reaches it, each indicator within its rule's maximum (or a cap given),
 * effort being the value an indicator gains (0 to the framework's scale)
 * times its cost (1 unless given).  Every step is stated as the figure to
 * reach ("from 62 % to 80 %") and what it adds to the target node.
 *
 * Method.  On the arithmetic means of a points framework (the DTI's), the
 * target node's value is a weighted sum of its indicators' values, with
 * each indicator's effective weight (as in dti/explain.h): the least
 * effort is then the fractional knapsack, solved exactly by taking the
 * indicators in the order of weight per cost, each up to its maximum,
 * the last one partly.  An indicator scored yes/no or by thresholds moves
 * by whole steps: it is taken whole when it is the most efficient, so the
 * plan may overshoot there.  The plan is then applied to a copy of the
 * model and computed; its value and rank are the computed ones (a tie
 * shares the better rank, at the published precision).  Indicators
 * normalised against the other units (min-max, z-scores, ranks) and
 * statistics are not planned; a node under another aggregation is
 * planned from computed gains.
 */
#ifndef DTI_PLAN_H
#define DTI_PLAN_H

#include "dti/export.h"

#include <stddef.h>

#include "buf.h"
#include "compute.h"
#include "output.h"

#ifdef __cplusplus
extern "C" {
#endif

struct dti_plan_opts {
	long node;           /* the node targeted; -1: the index */
	int target_rank;     /* > 0: this rank or better */
	double target_value; /* without a rank: this value or more (NaN:
	                        none) */
	/* per framework node (NULL: none): the effort of one unit of value
	   gained (NaN or <= 0: 1), and the highest figure the unit can reach
	   (NaN: the rule's maximum) */
	const double *cost;
	const double *cap;
};

DTI_EXTERN void dti_plan_opts_init(struct dti_plan_opts *o);

/* One indicator raised. */
struct dti_plan_step {
	size_t node;
	double figure_from; /* NaN when the figure is missing now */
	double figure_to;
	double value_from; /* the indicator's value (0..scale) */
	double value_to;
	double gain;   /* what it adds to the target node, alone */
	double points; /* points gained in the index, NaN without points */
	double effort;
};

struct dti_plan {
	const struct dti_framework *fw;
	const char *unit_id; /* the unit planned for */
	const char *unit_name;
	size_t node;                 /* the node targeted */
	int target_rank;             /* 0 for a value target */
	double target;               /* the value to reach */
	double value_from, value_to; /* the node's value, before and after */
	int rank_from, rank_to;
	size_t ranked; /* units ranked on the node */
	int reached;   /* the plan reaches the target (1), already there (2),
	                  or cannot (0: why says why) */
	double effort; /* total */
	size_t nsteps;
	struct dti_plan_step *steps; /* the most efficient first */
	double best_value;           /* every plannable indicator at its
	                                maximum: the value and rank then */
	int best_rank;
	char why[256];
	int precision;
};

/*
 * Plans for `unit` (a dataset id or name as the data give it) of cycle
 * `cycle` of ds.  The plan is checked by computing it.  DTI_ENOTFOUND
 * for an unknown unit or node, DTI_EARG for no target, a rank beyond the
 * units ranked, or a target value beyond the node's scale.
 */
DTI_EXTERN enum dti_status
dti_plan(const struct dti_framework *fw, const struct dti_dataset *ds,
         size_t cycle, const struct dti_compute_opts *co, const char *unit,
         const struct dti_plan_opts *o, struct dti_plan *out,
         struct dti_error *err);
DTI_EXTERN void dti_plan_release(struct dti_plan *p);

/*
 * The plan as text (what to raise, from what to what, and what it adds,
 * in plain Vietnamese or English, with a decimal comma in Vietnamese) or
 * JSON (DTI_FORMAT_JSON).
 */
DTI_EXTERN enum dti_status
dti_plan_write(const struct dti_plan *p, enum dti_format format,
               enum dti_lang lang, struct dti_buf *out, struct dti_error *err);

#ifdef __cplusplus
}
#endif
#endif
