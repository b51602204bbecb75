/*
 * dti/prepare.h - the data steps before normalisation, as COINr has them:
 * denominate, impute, screen units, treat outliers.
 *
 * dti_prepare() takes one cycle of a dataset and returns a new dataset of
 * that cycle with the steps applied to the figures of the framework's
 * indicators (its leaves), in this order:
 *
 *   1. denominate: an indicator whose framework row names a denominator
 *      (iMeta's Denominator column; "Population" or "Population*1000")
 *      is divided by that auxiliary column of the data (times the factor);
 *      a missing or zero denominator leaves the figure missing;
 *   2. impute: a missing figure takes the mean or the median of the
 *      indicator over the units that have it, over all units or over the
 *      units of the same group (a group dimension of the data); a group
 *      without any figure leaves it missing.  By row, it takes the mean
 *      or the median of the unit's other figures in the same aggregate
 *      (COINr's impute_by = "row" with its normalise_first): each
 *      indicator's figures are multiplied by its polarity and min-max
 *      normalised onto [0, 1] over the units, the centre of the unit's
 *      normalised figures in the aggregate is taken, and it is turned
 *      back onto the indicator's scale (an indicator whose figures are
 *      all equal gives that figure).  By panel, it comes from the unit's
 *      figures of the dataset's other cycles (COINr's impute_panel),
 *      the cycles in time order (by number when every label is one,
 *      else shorter labels first, then alphabetically): "latest" takes
 *      the figure of the most recent earlier cycle that has one, at most
 *      impute_max cycles back; "constant" the same, or before the first
 *      figure the first one; "linear" interpolates linearly in time (the
 *      labels' numbers, else the cycles' positions) between the nearest
 *      figures before and after, and carries the first or last one
 *      beyond them (COINr's "linear-constant").  With denominate, the
 *      other cycles' figures are divided by their own cycle's
 *      denominators first.  The figures imputed are never the sources of
 *      others;
 *   3. screen: a unit whose share of indicators with a figure is below a
 *      threshold (and, optionally, whose share of non-zero figures is
 *      below another) is left out;
 *   4. treat: an indicator whose skewness and kurtosis (as dti_col_stats
 *      computes them) are both beyond the limits (|skew| >= 2 and kurtosis
 *      >= 3.5 by default) is winsorised step by step: the figures at
 *      the highest value (the lowest when the skew is negative) take the
 *      next value below it, until it passes or winmax points have been
 *      treated (checked before each step; a step treats all the equal
 *      points, so it may go past winmax); if it still does not pass, the
 *      winsorising is undone and the fallback transforms the figures
 *      instead (enum dti_fallback; log(x - min + (max - min) / 100),
 *      COINr's "log_CT", by default).  With force_win the winsorising
 *      goes on to winmax points once the indicator is beyond the limits,
 *      within them or not.  A framework row may set an indicator's own
 *      settings or leave it untreated (its treat column, see
 *      dti_prep_node_treat).
 *
 * Normalisation and aggregation are then dti_compute()'s, on the new
 * dataset.  With COINr's defaults this reproduces build_example_coin():
 * Denominate, Impute (i_mean_grp by EurAsia_group), Screen (byNA, 0.9),
 * Treat (winsorise up to 5, skew 2, kurtosis 3.5, log_CT), Normalise
 * (min-max to [0, 100]) and Aggregate (arithmetic means), every step to
 * 1e-12 relative.  The report says what each step changed.
 */
#ifndef DTI_PREPARE_H
#define DTI_PREPARE_H

#include "dti/export.h"

#include <stddef.h>

#include "buf.h"
#include "dataset.h"
#include "error.h"
#include "framework.h"
#include "output.h"

#ifdef __cplusplus
extern "C" {
#endif

enum dti_impute {
	DTI_IMPUTE_NONE = 0,
	DTI_IMPUTE_MEAN,         /* the indicator's mean over all units */
	DTI_IMPUTE_MEDIAN,       /* its median over all units */
	DTI_IMPUTE_GROUP_MEAN,   /* its mean over the unit's group */
	DTI_IMPUTE_GROUP_MEDIAN, /* its median over the unit's group */
	DTI_IMPUTE_ROW_MEAN,     /* mean of the unit's figures in the same
	                            aggregate of level impute_level */
	DTI_IMPUTE_ROW_MEDIAN,   /* ... their median */
	DTI_IMPUTE_LATEST,       /* the most recent earlier cycle's figure */
	DTI_IMPUTE_CONSTANT,     /* ... or the first later one's before it */
	DTI_IMPUTE_LINEAR        /* linear in time between cycles */
};

/*
 * What treats an indicator that winsorising leaves beyond the limits:
 * COINr's second function (f2), on the figures as they were before the
 * winsorising.  min and max are the indicator's over the units kept, a is
 * (max - min) / 100.
 */
enum dti_fallback {
	DTI_FALLBACK_LOG_CT = 0,  /* log(x - min + a) ("log_CT") */
	DTI_FALLBACK_LOG_CT_PLUS, /* the same for a positive skew, else
	                             -log(max + a - x) ("log_CT_plus") */
	DTI_FALLBACK_LOG_CT_ORIG, /* log(x - min + 1) ("log_CT_orig") */
	DTI_FALLBACK_BOXCOX,      /* Box-Cox of y = x - min + 1:
	                             (y^lambda - 1) / lambda, log(y) for
	                             lambda 0 ("boxcox", makepos) */
	DTI_FALLBACK_NONE         /* none: the winsorised figures stay */
};

struct dti_prep_opts {
	int denominate;           /* step 1 */
	enum dti_impute impute;   /* step 2 */
	const char *impute_group; /* group dimension of the group methods */
	double screen_avail;      /* step 3: 0 none, else 0 < t <= 1 */
	double screen_nonzero;    /* 0 none, else 0 < t <= 1 */
	int treat;                /* step 4 */
	int winmax;               /* points winsorised at most (default 5) */
	double skew_limit;        /* |skew| limit (default 2) */
	double kurt_limit;        /* kurtosis limit (default 3.5) */
	int impute_level; /* row methods: the level (2 to the index's) whose
	                     aggregates hold the figures averaged; 0: 2, each
	                     indicator's parent */
	int impute_max;   /* latest: cycles back at most; 0: all */
	enum dti_fallback fallback; /* when winsorising does not do */
	double lambda;              /* DTI_FALLBACK_BOXCOX's lambda */
	int force_win;              /* winsorise winmax points anyway */
};
DTI_EXTERN void dti_prep_opts_init(struct dti_prep_opts *o);

enum dti_treatment {
	DTI_TREAT_NONE = 0, /* passed as it was */
	DTI_TREAT_WINSORISED,
	DTI_TREAT_LOG,      /* winsorising did not do: log-transformed */
	DTI_TREAT_LOG_NEG,  /* ... -log(max + a - x) (log_CT_plus) */
	DTI_TREAT_LOG_ORIG, /* ... log(x - min + 1) */
	DTI_TREAT_BOXCOX,   /* ... Box-Cox (the lambda in the report) */
	DTI_TREAT_EXCLUDED  /* its framework row says no: left as it was */
};

/*
 * An indicator's own treatment, from the treat column of its framework
 * row (COINr's indiv_specs): "no" (or "none") leaves it untreated;
 * otherwise words separated by spaces, each setting one thing over the
 * run's settings:
 *   winmax=N             points winsorised at most (1 to 1000000)
 *   skew=X, kurtosis=X   the limits (positive; "kurt=" too)
 *   fallback=F           as dti_fallback_parse ("boxcox:0.5")
 *   force, force=no      force_win or not
 * e.g. "winmax=3 skew=2.5 fallback=boxcox:0.5 force".
 */
enum {
	DTI_TREAT_SET_WINMAX = 1 << 0,
	DTI_TREAT_SET_SKEW = 1 << 1,
	DTI_TREAT_SET_KURT = 1 << 2,
	DTI_TREAT_SET_FALLBACK = 1 << 3,
	DTI_TREAT_SET_FORCE = 1 << 4
};
struct dti_treat_override {
	int exclude;  /* "no": not treated */
	unsigned set; /* DTI_TREAT_SET_* bits: the settings given */
	int winmax;
	double skew_limit, kurt_limit;
	enum dti_fallback fallback;
	double lambda;
	int force_win;
};

/* What the steps did to one indicator. */
struct dti_prep_indicator {
	size_t node;
	size_t denominated; /* figures divided */
	size_t imputed;     /* figures imputed */
	enum dti_treatment treatment;
	size_t nwin;         /* points winsorised */
	size_t *win_units;   /* their units (input dataset), in order */
	double *win_from;    /* each one's figure before */
	double skew0, kurt0; /* before treatment */
	double skew1, kurt1; /* after (NaN when untouched) */
	int pass;            /* within the limits at the end */
	/* panel methods: each figure imputed, its unit (input dataset) and
	   the cycle (input dataset) it came from, -1 where interpolated */
	size_t nfrom;
	size_t *from_unit;
	long *from_cycle;
	/* the settings it was treated with: the run's, or with own = 1
	   its framework row's over them */
	int own;
	int winmax;
	double skew_limit, kurt_limit;
	enum dti_fallback fallback;
	double lambda;
	int force_win;
};

struct dti_prep_report {
	struct dti_prep_opts opts; /* as run */
	size_t nind;
	struct dti_prep_indicator *ind;
	size_t nunits;   /* units of the cycle, in the input */
	size_t *unit;    /* their input indices */
	double *avail;   /* each one's share of indicators with a figure */
	double *nonzero; /* ... and of non-zero figures */
	int *kept;       /* 0: screened out */
	size_t nkept;
};

/*
 * The steps on cycle `cycle` of ds; *out gets a new dataset of one cycle
 * (the same label) holding the units kept, their groups and auxiliary
 * numbers, and the indicators' prepared figures.  DTI_EARG for settings
 * out of range (thresholds outside (0, 1], winmax below 1, limits not
 * positive, an unknown fallback or a lambda not finite), a group method
 * without a group dimension of the data, a row method's level outside 2
 * to the index's level, a panel method on a dataset of one cycle, or no
 * step asked; DTI_ENOTFOUND for a denominator the data lacks;
 * DTI_EINVALID when screening leaves no unit, or when a Box-Cox gives a
 * figure too large for a double (naming the indicator).  rep may be NULL.
 */
DTI_EXTERN enum dti_status
dti_prepare(const struct dti_framework *fw, const struct dti_dataset *ds,
            size_t cycle, const struct dti_prep_opts *o,
            struct dti_dataset **out, struct dti_prep_report *rep,
            struct dti_error *err);
DTI_EXTERN void dti_prep_report_release(struct dti_prep_report *r);

/*
 * The report as a table (Vietnamese or English), CSV (one row per
 * indicator) or JSON; ds is the input dataset (for unit names).
 */
DTI_EXTERN enum dti_status dti_prep_report_write(
    const struct dti_prep_report *r, const struct dti_framework *fw,
    const struct dti_dataset *ds, enum dti_format format, enum dti_lang lang,
    struct dti_buf *out, struct dti_error *err);

/*
 * The steps a framework asks for in its metadata, over what o holds:
 *   # denominate: yes
 *   # impute: group-mean EurAsia_group      (a method of dti_impute_parse,
 *                                            then the group for group-*,
 *                                            optionally the level for
 *                                            row-* or the cycles back
 *                                            for latest: "row-mean 3",
 *                                            "latest 2")
 *   # screen: 0.9                           (# screen.nonzero: 0.5)
 *   # treat: yes                            (# treat.winmax: 5,
 *                                            # treat.skew: 2,
 *                                            # treat.kurtosis: 3.5,
 *                                            # treat.fallback: boxcox 0.5,
 *                                            # treat.force: yes)
 * DTI_EINVALID, naming the key, for a value that is none of these.  The
 * group name points into the framework.
 */
DTI_EXTERN enum dti_status
dti_prep_opts_from_framework(const struct dti_framework *fw,
                             struct dti_prep_opts *o, struct dti_error *err);
/* 1 if o asks for any step. */
DTI_EXTERN int dti_prep_any(const struct dti_prep_opts *o);

/*
 * "none", "mean", "median", "group-mean", "group-median", "row-mean",
 * "row-median", "latest", "constant", "linear"; -1 if unknown.
 */
DTI_EXTERN int dti_impute_parse(const char *name);

/*
 * Sets o's imputation (impute, impute_group, impute_level, impute_max)
 * from a method of dti_impute_parse and its argument (NULL or "" for
 * none): the group column for group-* (needed; o->impute_group then
 * points to arg), a level of 2 or more for row-*, a number of cycles of
 * 1 or more for latest; the other methods take none.  DTI_EARG, with
 * the reason and o untouched, otherwise.  The level's upper bound (the
 * index's level) is checked by dti_prepare.
 */
DTI_EXTERN enum dti_status dti_impute_set(struct dti_prep_opts *o,
                                          const char *method, const char *arg,
                                          struct dti_error *err);

/*
 * A fallback by name, ignoring case: "log_CT" (or "log"), "log_CT_plus",
 * "log_CT_orig", "none", or "boxcox" and its lambda after ':' or spaces
 * ("boxcox:0.5", "boxcox 0.5"; a finite number).  *lambda is set for
 * boxcox only.  0, or -1 if text is none of these.
 */
DTI_EXTERN int dti_fallback_parse(const char *text, enum dti_fallback *f,
                                  double *lambda);
/* "log_CT", "log_CT_plus", "log_CT_orig", "boxcox", "none". */
DTI_EXTERN const char *dti_fallback_name(enum dti_fallback f);

/*
 * A treat column's text (see struct dti_treat_override; "" gives nothing
 * set).  DTI_EINVALID, with the word at fault and no place (the caller
 * knows it), for anything else.
 */
DTI_EXTERN enum dti_status
dti_treat_override_parse(const char *text, struct dti_treat_override *out,
                         struct dti_error *err);
/*
 * The node's own treatment, from its framework row: 1 and *out filled if
 * the row's treat column says something, else 0.
 */
DTI_EXTERN int dti_prep_node_treat(const struct dti_framework *fw, size_t node,
                                   struct dti_treat_override *out);

#ifdef __cplusplus
}
#endif
#endif
