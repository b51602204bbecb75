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
