/*
 * dti/stats.h - statistics of an index's data: per indicator, between the
 * indicators of an aggregate, and of each aggregate's consistency.
 *
 * The definitions are COINr's (get_stats, get_corr, get_cronbach), so that
 * an analyst finds the same numbers: the sample standard deviation, the
 * adjusted sample skewness and excess kurtosis (as Excel's SKEW and KURT),
 * Pearson and Spearman correlations over the units that have both values
 * (pairwise complete), and Cronbach's alpha from the pairwise complete
 * covariance matrix.  A statistic that needs more values than there are
 * (skew 3, kurtosis 4, a correlation 2 pairs) is NaN, never a number.
 */
#ifndef DTI_STATS_H
#define DTI_STATS_H

#include "dti/export.h"

#include <stddef.h>

#include "buf.h"
#include "compute.h"
#include "error.h"
#include "output.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One column of numbers; NaN is missing. */
struct dti_col_stats {
	size_t n;       /* values (units) */
	size_t avail;   /* not missing */
	size_t nonzero; /* available and not 0 */
	size_t unique;  /* distinct available values */
	size_t same;    /* units sharing the most frequent value */
	double min, max, mean, median, sd, skew, kurt;
};

/* DTI_ENOMEM only (it sorts a copy). */
DTI_EXTERN enum dti_status dti_col_stats(const double *x, size_t n,
                                         struct dti_col_stats *out);
/* Over the i where both are available; NaN with fewer than 2 (or no
 * variance). */
DTI_EXTERN double dti_corr_pearson(const double *x, const double *y, size_t n);
/* Pearson's of the ranks (ties averaged) of the pairwise complete pairs. */
DTI_EXTERN double dti_corr_spearman(const double *x, const double *y, size_t n);
/* Cronbach's alpha of k columns of n values (pairwise complete
 * covariances); NaN for k < 2. */
DTI_EXTERN double dti_cronbach_alpha(const double *const *cols, size_t k,
                                     size_t n);

/* Which correlation a matrix holds. */
enum dti_corr_method { DTI_CORR_PEARSON = 0, DTI_CORR_SPEARMAN = 1 };

/*
 * The column of node `node` over the result's units, in the result's
 * order (dti_result_unit_count values into out): with values = 0 the
 * figures as entered (an aggregate has none: NaN), else the computed
 * values.  What dti_stats_write describes.
 */
DTI_EXTERN void dti_stats_column(const struct dti_result *res, int values,
                                 size_t node, double *out);

/*
 * The nodes compared within aggregate `node`: with values = 1 its scored
 * children (those dti_stats_write correlates); with values = 0 the scored
 * indicators below it, at any depth (only indicators have figures), each
 * once, in the framework's order.  out has room for
 * dti_framework_node_count(fw) indices; returns how many it holds (0 for
 * an indicator or a node out of range).
 */
DTI_EXTERN size_t dti_stats_members(const struct dti_framework *fw, size_t node,
                                    int values, size_t *out);

/*
 * The correlation matrix of two lists of nodes of a result: out[i * ncols
 * + j] is the correlation (Pearson's or Spearman's, over the units that
 * have both, as dti_corr_pearson and dti_corr_spearman) of the columns
 * (dti_stats_column) of rows[i] and cols[j]; NaN where it is undefined
 * (fewer than 2 pairs, no variance, an aggregate's figures).  The same
 * list twice gives the symmetric matrix of those nodes, 1 on its diagonal
 * wherever a column varies.  DTI_EARG for an empty list, a node out of
 * range or an unknown method (field "rows[i]", "cols[j]", "method");
 * DTI_ENOMEM.
 */
DTI_EXTERN enum dti_status
dti_stats_corr_matrix(const struct dti_result *res, int values,
                      enum dti_corr_method method, size_t nrows,
                      const size_t *rows, size_t ncols, const size_t *cols,
                      double *out, struct dti_error *err);

struct dti_stats_opts {
	int values;         /* 0: the figures of the leaves (as entered),
	                       1: the computed values of every node */
	double t_avail;     /* flag availability below (default 0.65) */
	double t_skew;      /* flag |skew| above ... (default 2) */
	double t_kurt;      /* ... and kurtosis above (default 3.5) */
	double t_collinear; /* flag correlations above (default 0.9) */
};
DTI_EXTERN void dti_stats_opts_init(struct dti_stats_opts *o);

/*
 * The statistics of a result's units: a table per indicator (count,
 * availability, min, max, mean, median, sd, skew, kurtosis, non-zero,
 * unique, most frequent, flags: low availability, outliers), then for
 * every aggregate with two scored children or more their correlations
 * (Pearson and Spearman; flagged above t_collinear, or negative),
 * Cronbach's alpha and, with values, each child's correlation with the
 * aggregate (COINr's withparent).  DTI_FORMAT_TABLE (text, Vietnamese or
 * English), DTI_FORMAT_CSV (the indicators' table) or DTI_FORMAT_JSON (all).
 */
DTI_EXTERN enum dti_status
dti_stats_write(const struct dti_result *res, const struct dti_stats_opts *o,
                enum dti_format format, enum dti_lang lang, struct dti_buf *out,
                struct dti_error *err);

#ifdef __cplusplus
}
#endif
#endif
