/*
 * dti/rebase.h - carrying results onto successor units.
 *
 * When units merge (63 provinces into 34 on 1 July 2025), a cycle computed
 * on the old units is re-based onto the new ones so that years compare.  The
 * ministry's method for DTI 2024: a merged province's main-indicator values
 * are the plain average of its predecessors' values; with population given,
 * the average is population-weighted.  Aggregates are then computed from
 * those values with the framework, as for any cycle.
 */
#ifndef DTI_REBASE_H
#define DTI_REBASE_H

#include "dti/export.h"

#include "compute.h"
#include "dataset.h"
#include "units.h"

#ifdef __cplusplus
extern "C" {
#endif

struct dti_rebase_opts {
	const char *date;  /* units valid on this date receive the values */
	unsigned kinds;    /* nodes averaged: bits (1u << enum dti_kind);
	                      0: main indicators (leaves if there are none) */
	int population;    /* weight by population (aux "population", else
	                      the registry's); error when one is missing */
	int allow_partial; /* average the predecessors present */
};

#define DTI_REBASE_OPTS_INIT                                                   \
	{                                                                      \
		"2025-07-01", 0, 0, 0                                          \
	}
/* Sets *o to the defaults (the same as DTI_REBASE_OPTS_INIT). */
DTI_EXTERN void dti_rebase_opts_init(struct dti_rebase_opts *o);

/*
 * Builds a new dataset (one cycle, same label) whose units are the
 * successors valid on opts->date and whose figures are the averaged values
 * of the chosen nodes, entered as values (aggregates) or as figures (leaves
 * scored by the rule "value").  Fails with DTI_EINVALID naming a successor
 * whose predecessors are not all in the result, unless allow_partial, and
 * for a chosen leaf whose rule does not take a value.  The dataset borrows
 * the result's framework and the registry.
 */
DTI_EXTERN enum dti_status dti_rebase(const struct dti_result *res,
                                      const struct dti_units *units,
                                      const struct dti_rebase_opts *opts,
                                      struct dti_dataset **out,
                                      struct dti_error *err);

#ifdef __cplusplus
}
#endif
#endif
