/*
 * dti/explain.h - why a unit has its value and rank, and what would move it.
 *
 * For one unit of a result: points lost per indicator, each indicator's
 * contribution to the index, the gap to the leader, to the median and to
 * the best of its group, strengths and weaknesses against the median, the
 * change since the previous cycle, and the gain needed to pass the unit
 * ranked just above.  Rendered as plain Vietnamese or English text, or JSON.
 *
 * Ownership: an explanation borrows the result (which must outlive it).
 */
#ifndef DTI_EXPLAIN_H
#define DTI_EXPLAIN_H

#include "dti/export.h"

#include <stddef.h>

#include "buf.h"
#include "compute.h"
#include "output.h"

#ifdef __cplusplus
extern "C" {
#endif

struct dti_explain_opts {
	long node;  /* node explained; -1: the index */
	size_t top; /* strengths and weaknesses listed, 0: 3 */
};

#define DTI_EXPLAIN_OPTS_INIT                                                  \
	{                                                                      \
		-1, 0                                                          \
	}
/* Sets *o to the defaults (the same as DTI_EXPLAIN_OPTS_INIT). */
DTI_EXTERN void dti_explain_opts_init(struct dti_explain_opts *o);

/* One indicator's line in an explanation. */
struct dti_explain_item {
	size_t node;
	double value;        /* the unit's value */
	double points;       /* points earned, NaN without points */
	double max_points;   /* NaN without points */
	double lost;         /* max_points - points, or scale - value */
	double contribution; /* share of the explained node's value, 0..1 */
	double effect; /* value x effective weight in the explained node */
	double median; /* median over ranked units */
	double best;   /* best value */
	double group_median; /* median in the unit's group, NaN if no group */
	int rank;            /* rank on this indicator, 0 if none */
	size_t ranked;       /* units ranked on it */
	double change;       /* since the previous cycle, NaN if none */
	double figure; /* the figure of a leaf as entered (after imputation),
	                  NaN for an aggregate or a missing figure */
	int missing;   /* no figure: scored by the framework's missing rule */
};

struct dti_explanation {
	const struct dti_result *res;
	size_t unit; /* position in the result */
	size_t node;
	double value;
	int rank;
	size_t ranked;
	int group_rank;
	size_t group_size;
	const char *group;
	double leader_value;
	size_t leader; /* result position of the leader */
	double median;
	double group_best; /* NaN if no group */
	size_t group_best_unit;
	double group_median;
	double above_gap; /* gain needed to pass the unit ranked above; NaN */
	size_t above_unit;
	double change; /* NaN if no previous */
	int rank_change;
	int has_rank_change;
	size_t nitems; /* indicators explained, by points lost */
	struct dti_explain_item *items;
	size_t nstrengths;
	size_t *strengths; /* indices into items */
	size_t nweaknesses;
	size_t *weaknesses;
};

DTI_EXTERN enum dti_status dti_explain(const struct dti_result *res,
                                       size_t unit,
                                       const struct dti_explain_opts *opts,
                                       struct dti_explanation *out,
                                       struct dti_error *err);
DTI_EXTERN void dti_explanation_release(struct dti_explanation *ex);

/*
 * Plain text (table format) in the chosen language, JSON, or an XLSX
 * workbook (a summary sheet, a sheet of the indicators, the notes).
 */
DTI_EXTERN enum dti_status
dti_explanation_write(const struct dti_explanation *ex, enum dti_format format,
                      enum dti_lang lang, struct dti_buf *out,
                      struct dti_error *err);

#ifdef __cplusplus
}
#endif
#endif
