/*
 * dti/pca.h - principal components of an index's indicators, and weights
 * drawn from them or optimised toward target correlations.
 *
 * dti_pca() is COINr's get_PCA on the values dti computes (each leaf
 * normalised with its polarity, each aggregate as computed): the
 * correlation matrix of the variables (R's prcomp with centring and
 * scaling) over the units that have a value of every one of them
 * (complete cases, as COINr, which leaves out the other units), its
 * eigenvalues (the variances of the components; they sum to the number
 * of variables) and eigenvectors (the loadings, prcomp's rotation), by
 * LAPACK's dsyevr.  A missing figure is missing here even where the
 * framework's policy scores it 0; a figure imputed by the policy is used
 * as imputed.  The sign of an eigenvector is arbitrary: dti turns each so
 * that its loadings sum to a positive number (where they sum to 0 to
 * 1e-12, so that its largest loading in absolute value is positive).
 *
 * PCA weights (COINr's): the loadings of the first component, which COINr
 * takes as weights as they are; weights are relative, so dti writes them
 * divided by their sum (the same aggregate).  They may be negative (an
 * indicator at odds with the others).  The handbook's alternative, the
 * squared loadings (their sum is 1), is given too.
 *
 * dti_weights() proposes the weights of an aggregate's children: PCA
 * weights of the children, or weights optimised so that each child's
 * share of the children's correlations with the aggregate, r_i / sum r_j
 * (Pearson, over the units that have both), is as close as can be to a
 * target share (equal by default), as COINr's get_opt_weights ("balance"):
 * the sum of squared differences is minimised by Nelder and Mead's
 * simplex over the logarithms of the weights' ratios to the last one
 * (every weight stays above 0, and they sum to 1), restarted from its
 * best point until it no longer improves.  The aggregate is computed as
 * dti computes it (its method, the missing-value policy), from its
 * children's values as computed.
 *
 * Ownership: the structs are the caller's, filled by the calls and
 * released by their _release; they borrow the framework of the result.
 */
#ifndef DTI_PCA_H
#define DTI_PCA_H

#include "dti/export.h"

#include <stddef.h>

#include "buf.h"
#include "compute.h"
#include "output.h"

#ifdef __cplusplus
extern "C" {
#endif

struct dti_pca {
	const struct dti_framework *fw; /* NULL from dti_pca_cols */
	long node;           /* the aggregate analysed; -1: every indicator */
	int children;        /* 1: its children; 0: the indicators below it */
	size_t k;            /* variables */
	size_t *vars;        /* their nodes, in the framework's order */
	size_t units;        /* units of the result */
	size_t used;         /* units with a value of every variable */
	double *eigenvalues; /* k, largest first; they sum to k */
	double *loadings;    /* k * k: loadings[c * k + i] is variable i's
	                        loading on component c */
	double *weights;     /* k: the first component's loadings divided by
	                        their sum (COINr's PCA weights) */
	double *squared;     /* k: its loadings squared (sum 1) */
};

/*
 * The analysis of k columns of n values (NaN: missing), named (names may
 * be NULL) in messages.  DTI_EARG for k < 2; DTI_EINVALID for fewer than
 * 2 complete units or a column without variance over them; DTI_EIO when
 * LAPACK is missing.
 */
DTI_EXTERN enum dti_status dti_pca_cols(const double *const *cols,
                                        const char *const *names, size_t k,
                                        size_t n, struct dti_pca *out,
                                        struct dti_error *err);

/*
 * The analysis of a result's values: of the indicators (leaves) below
 * node, or of node's children (children = 1); node -1 is every indicator
 * of the framework (with children = 1: the index's children).  Only what
 * counts: scored, reached through weights other than 0 (a child of 0
 * points is computed but counted nowhere).  DTI_EARG for an unknown node, a
 * leaf, or fewer than 2 variables; otherwise as dti_pca_cols.
 */
DTI_EXTERN enum dti_status dti_pca(const struct dti_result *res, long node,
                                   int children, struct dti_pca *out,
                                   struct dti_error *err);
DTI_EXTERN void dti_pca_release(struct dti_pca *p);

/*
 * The eigenvalues with their share of the variance and the cumulative
 * share, then the loadings of the first `components` components (0: those
 * with an eigenvalue above 1, at least one) with the PCA weights: a table
 * (Vietnamese or English), CSV (the loadings, a row per variable) or JSON
 * (all).  The result gives the cycle and names (may be NULL).
 */
DTI_EXTERN enum dti_status
dti_pca_write(const struct dti_pca *p, const struct dti_result *res,
              size_t components, enum dti_format format, enum dti_lang lang,
              struct dti_buf *out, struct dti_error *err);

enum dti_weights_method {
	DTI_WEIGHTS_PCA = 0,     /* the first component's loadings */
	DTI_WEIGHTS_PCA_SQUARED, /* ... squared */
	DTI_WEIGHTS_OPTIMISE     /* toward target correlations */
};

struct dti_weights_opts {
	enum dti_weights_method method;
	long node; /* the aggregate; -1: the index */
	/* optimise: relative target of each child named (above 0); a child
	   not named gets 1 */
	size_t ntargets;
	const char *const *target_codes;
	const double *target_values;
	size_t max_evaluations; /* 0: 2000 per weight */
};
DTI_EXTERN void dti_weights_opts_init(struct dti_weights_opts *o);

struct dti_weights_child {
	size_t node;                      /* the child */
	size_t edge;                      /* its place among the children */
	double before, after;             /* weights; each set sums to 1 */
	double corr_before, corr_after;   /* Pearson with the aggregate */
	double share_before, share_after; /* corr / the children's sum */
	double target;                    /* target share; NaN for PCA */
	double loading; /* first component's loading; NaN when optimised */
};

struct dti_weights {
	const struct dti_result *res;
	size_t node;
	enum dti_weights_method method;
	size_t k;
	struct dti_weights_child *children;
	size_t units;     /* units of the result */
	size_t used;      /* PCA: complete units; else units with the
	                     aggregate */
	double explained; /* PCA: the first component's share of the
	                     variance; NaN when optimised */
	double objective_before, objective_after; /* sum of squared
	                                             differences of the
	                                             shares from the targets */
	size_t evaluations;
	int reached; /* optimise: every share within 1e-6 of its target */
};

/*
 * New weights of an aggregate's children that count (scored, weight not
 * 0; the others keep theirs).  DTI_EARG (the settings) for an unknown
 * node or a leaf, fewer than 2 such children, children
 * whose points are not known, a target that is not a child or not above
 * 0, or PCA weights that would be negative (a negative loading: use the
 * squared loadings, or optimise); DTI_EINVALID (the data) for a child
 * without variance, or fewer than 2 units; DTI_EIO when LAPACK is
 * missing (PCA).
 */
DTI_EXTERN enum dti_status dti_weights(const struct dti_result *res,
                                       const struct dti_weights_opts *o,
                                       struct dti_weights *out,
                                       struct dti_error *err);
DTI_EXTERN void dti_weights_release(struct dti_weights *w);

/*
 * The effective weights of dti_framework_effective_weights (set: a weight
 * set's index, or -1), every node that carries some, from the index down
 * in the framework's order, each once: a table in per cent (Vietnamese
 * with decimal commas, or English), CSV (code, name, level, effective: the
 * fraction, the shortest decimal that reads back the same) or JSON
 * (framework, weight_set, nodes).  DTI_EARG for a set the framework lacks
 * or another format.
 */
DTI_EXTERN enum dti_status
dti_effective_weights_write(const struct dti_framework *fw, long set,
                            enum dti_format format, enum dti_lang lang,
                            struct dti_buf *out, struct dti_error *err);

/*
 * A table (Vietnamese or English) or JSON of the weights before and after
 * with the correlations they give; CSV is the framework with the new
 * weights (as dti_output_framework writes it; a child shared with other
 * parents gets the new weight in this parent only), which dti_framework_
 * load reads back.  DTI_EARG for CSV of a framework scored by points
 * (points must add up; they are not rewritten).
 */
DTI_EXTERN enum dti_status dti_weights_write(const struct dti_weights *w,
                                             enum dti_format format,
                                             enum dti_lang lang,
                                             struct dti_buf *out,
                                             struct dti_error *err);

#ifdef __cplusplus
}
#endif
#endif
