/*
 * dti/compare.h - how units move: between two builds of an index, and
 * across the cycles of one.
 *
 * A build is a result: a framework, a cycle of a dataset and the compute
 * options (missing-value policy, precision, recomputation).  dti_compare()
 * takes two builds of the same units - the same data under two frameworks
 * or two sets of options, or two data files under one framework (before
 * and after a correction) - and says per unit how its value and rank on
 * one node change from build A to build B, the biggest movers first, with
 * a summary: the units compared, those whose rank changed, the mean
 * absolute rank shift, the largest rise and fall, and Spearman's
 * correlation of the two rankings.  Units are matched by id; those in one
 * build only are listed apart, never compared with nothing.
 *
 * dti_trends() takes several cycles (years) of one node and says per unit
 * its value and rank in each cycle, the change between consecutive cycles
 * and over the whole span (absolute, relative, and compound annual growth
 * where both ends are positive), and per cycle the units, those ranked and
 * the mean value.  A unit missing in a cycle has nothing there: a step
 * from or to that cycle has no change, and the span runs from the first
 * to the last cycle the unit has a value in (said so, never bridged by an
 * invented value).  The cycles come from results (one per cycle, each with
 * its own framework if need be) or as plain observations (the published
 * snapshots of a store, read through dti/views.h by the caller).
 *
 * Values are taken at each build's published precision, as the rankings
 * show them: a change is the difference of the rounded values, so that a
 * reader who subtracts two published figures finds the same number.
 * Figures (dti_trends_opts.figures) are taken as entered, unrounded.  A
 * cell whose figure is missing (scored by the missing policy) or whose
 * value cannot be known has no value here, never 0.
 *
 * Relative changes are fractions (0.05 for 5 %), of the earlier value,
 * given only when the earlier value is above 0; compound growth is
 * (last / first)^(1 / years) - 1 over the years between the two cycles'
 * years when every cycle has a year, else per cycle (steps between them).
 *
 * Ownership: a comparison and a trends object own everything they hold
 * (names and labels are copied); free them with dti_comparison_free() and
 * dti_trends_free(), which accept NULL.  They keep no pointer to the
 * results they were made from.
 */
#ifndef DTI_COMPARE_H
#define DTI_COMPARE_H

#include "dti/export.h"

#include <stddef.h>

#include "buf.h"
#include "compute.h"
#include "output.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The order of the rows of a comparison or of trends. */
enum dti_move_order {
	DTI_MOVE_DEFAULT = 0, /* compare: places; trends: change */
	DTI_MOVE_PLACES,      /* compare: the largest rank shift, up or down,
	                         first; trends: the most places gained over
	                         the span first */
	DTI_MOVE_CHANGE,      /* compare: the largest value difference, up or
	                         down, first; trends: the largest value gain
	                         over the span first */
	DTI_MOVE_GROWTH,      /* trends: the highest compound growth first
	                         (compare: as change) */
	DTI_MOVE_RANK,        /* the rank in build B (trends: in the last
	                         cycle), best first */
	DTI_MOVE_NAME         /* Vietnamese name order */
};
/* "places", "change", "growth", "rank", "name"; -1 if none. */
DTI_EXTERN int dti_move_order_parse(const char *s);

/* ---- Two builds ---------------------------------------------------------- */

struct dti_compare_opts {
	const char *node;  /* code of the node compared, in both frameworks;
	                      NULL: each framework's index */
	const char *group; /* only the units of this group (build A's
	                      groups, else B's); NULL: all */
	enum dti_move_order order;
	/* what the caller calls each build ("data.csv", "missing: exclude"),
	   shown with it; NULL: nothing */
	const char *name_a, *name_b;
};
DTI_EXTERN void dti_compare_opts_init(struct dti_compare_opts *o);

/* What a build is. */
struct dti_compare_build {
	const char *name; /* the caller's, "" if none */
	const char *framework_id;
	const char *framework_version;
	const char *framework_title_vi, *framework_title_en; /* "" if none */
	const char *cycle;
	const char *node; /* code */
	const char *node_name_vi, *node_name_en;
	const char *missing; /* the policy applied: "zero", "exclude", ... */
	int precision;
	double scale;
	size_t units;  /* units in the build */
	size_t ranked; /* of them, ranked on the node */
	int synthetic; /* computed from synthetic (demo) data */
	char data_sha256[65];
};

/* A unit in the comparison. */
struct dti_compare_row {
	const char *id;
	const char *name;
	const char *group;  /* "" if none */
	int in_a, in_b;     /* the unit is in the build */
	double a, b;        /* values at each build's precision; NaN if none */
	double change;      /* b - a at the finer precision; NaN unless both */
	int rank_a, rank_b; /* 0: not ranked */
	int has_places;     /* ranked in both */
	int places;         /* rank_a - rank_b: places gained in B */
};

struct dti_comparison {
	struct dti_compare_build a, b;
	int precision; /* decimals of the changes: the finer build's */
	/* units in both builds (of the group asked for), in the order asked
	   for; then those in one build only, by their rank there */
	size_t nrows;
	const struct dti_compare_row *rows;
	size_t nonly_a;
	const struct dti_compare_row *only_a;
	size_t nonly_b;
	const struct dti_compare_row *only_b;
	/* the summary, over rows */
	size_t compared;       /* ranked in both builds */
	size_t rank_changed;   /* of them, with another rank in B */
	size_t value_changed;  /* rows whose value differs (both known) */
	double mean_abs_shift; /* mean |places|; NaN if none compared */
	double mean_change;    /* mean change of the value; NaN if none */
	long rise, fall;       /* rows of the largest gain and loss of places
	                          (the first in order on a tie); -1 if none */
	double spearman;       /* of the two rankings (ties averaged); NaN
	                          with fewer than 2 units or no variance */
};

/*
 * Compares two builds on a node.  DTI_ENOTFOUND (field "node") when the
 * node is not in one of the frameworks, (field "group") when no unit of
 * either build is in the group asked for; DTI_EINVALID (field "units")
 * when the builds have no unit in common.  The results are only read.
 */
DTI_EXTERN enum dti_status dti_compare(const struct dti_result *a,
                                       const struct dti_result *b,
                                       const struct dti_compare_opts *o,
                                       struct dti_comparison **out,
                                       struct dti_error *err);
DTI_EXTERN void dti_comparison_free(struct dti_comparison *c);

/*
 * A comparison as a table (text for a terminal, Vietnamese or English:
 * the two builds, the summary, the rows, the units in one build only;
 * limit > 0 shows the first limit rows), CSV (every unit, both builds and
 * one only, a column `in` saying which: both, a or b) or JSON (all).
 */
DTI_EXTERN enum dti_status
dti_comparison_write(const struct dti_comparison *c, enum dti_format format,
                     enum dti_lang lang, size_t limit, struct dti_buf *out,
                     struct dti_error *err);

/* ---- Cycles ---------------------------------------------------------------
 */

struct dti_trends_opts {
	const char *node;  /* code; NULL: the index */
	int figures;       /* 1: the figures entered for node (an indicator)
	                      instead of computed values */
	const char *group; /* only the units of this group; NULL: all */
	enum dti_move_order order;
	int since; /* leave out the cycles of years before; 0: none (a
	              cycle without a year stays) */
};
DTI_EXTERN void dti_trends_opts_init(struct dti_trends_opts *o);

/* A cycle of the trends. */
struct dti_trend_cycle {
	const char *label;
	int year; /* 0 if the label names none */
	const char *framework_id;
	int precision;
	int synthetic;
	size_t units;  /* units with a value (of the group) */
	size_t ranked; /* units ranked on the node (all units) */
	double mean;   /* mean value of the units with one; NaN if none */
	/* the mean of the units' changes since the cycle before, over the
	   units with a value in both (NaN for the first cycle, or none) */
	double mean_change;
	size_t up, down, same; /* units ranked in both: places gained, lost,
	                          none */
};

/* A unit in one cycle. */
struct dti_trend_point {
	double value; /* NaN: none (missing in the cycle) */
	int rank;     /* 0: not ranked */
};

/* A unit's move from one cycle to the next. */
struct dti_trend_step {
	double change;   /* NaN unless a value in both */
	double relative; /* change / earlier value; NaN unless that is > 0 */
	int has_places;
	int places; /* places gained (up > 0) */
};

struct dti_trend_unit {
	const char *id;
	const char *name;
	const char *group;                    /* "" if none */
	const struct dti_trend_point *points; /* one per cycle */
	const struct dti_trend_step *steps;   /* ncycles - 1: from cycle k
	                                         to cycle k + 1 */
	size_t present;                       /* cycles with a value */
	size_t first, last; /* the span: first and last cycles with a value
	                       (equal with one; 0 with none) */
	int complete;       /* a value in every cycle */
	double change;      /* over the span; NaN with fewer than 2 values */
	double relative;    /* change / first value; NaN unless that is > 0 */
	double growth;      /* compound growth per year (per cycle without
	                       years); NaN unless both ends > 0 */
	double periods;     /* years (or cycles) of the span */
	int has_places;     /* ranked at both ends of the span */
	int places;         /* places gained over the span */
};

struct dti_trends {
	const char *node; /* code */
	const char *node_name_vi, *node_name_en;
	int figures;
	int per_year;  /* growth per year (every cycle has a year) */
	int precision; /* decimals shown: the finest cycle's */
	int synthetic; /* some cycle is synthetic */
	size_t ncycles;
	const struct dti_trend_cycle *cycles; /* in time order */
	size_t nunits;
	const struct dti_trend_unit *units; /* in the order asked for; units
	                                       with one value last */
	size_t incomplete;                  /* units missing in some cycle */
};

/*
 * Trends of node over results, one per cycle (any order: they are put in
 * the order of their years, then labels; each may have its own framework
 * and dataset).  Units are matched by id.  DTI_EARG for fewer than two
 * cycles (after o->since) or two of the same cycle label (field "cycle");
 * DTI_ENOTFOUND when a framework lacks the node (field "node") or no unit
 * is in the group (field "group"); with figures, DTI_ENOTFOUND when no
 * cycle has a figure for the node (field "node").
 */
DTI_EXTERN enum dti_status dti_trends(const struct dti_result *const *results,
                                      size_t n, const struct dti_trends_opts *o,
                                      struct dti_trends **out,
                                      struct dti_error *err);

/* One value of a unit in a cycle, for dti_trends_from(). */
struct dti_trend_obs {
	size_t cycle; /* index into the cycles given */
	const char *id;
	const char *name;
	const char *group; /* NULL or "" if none */
	double value;      /* NaN: none */
	int rank;          /* 0: not ranked */
};

/*
 * The same from observations made elsewhere (a store's published
 * snapshots): the cycles (label, year, framework_id, precision, synthetic
 * and ranked are read; units, the means and the moves are computed) and the
 * values of the units in them, at most one per unit and cycle (DTI_EINVALID
 * otherwise). node and its names say what the values are of.  o->node and
 * o->figures are not read.
 */
DTI_EXTERN enum dti_status
dti_trends_from(const struct dti_trend_cycle *cycles, size_t ncycles,
                const struct dti_trend_obs *obs, size_t nobs, const char *node,
                const char *node_name_vi, const char *node_name_en,
                const struct dti_trends_opts *o, struct dti_trends **out,
                struct dti_error *err);
DTI_EXTERN void dti_trends_free(struct dti_trends *t);

/*
 * Trends as a table (per cycle its units and mean; per unit its value and
 * rank in each cycle and the change over the span; the units missing in
 * some cycle; limit > 0 shows the first limit units), CSV (a row per
 * unit: every cycle's value and rank, every step's change, relative
 * change and places, the span's) or JSON (all).
 */
DTI_EXTERN enum dti_status dti_trends_write(const struct dti_trends *t,
                                            enum dti_format format,
                                            enum dti_lang lang, size_t limit,
                                            struct dti_buf *out,
                                            struct dti_error *err);

#ifdef __cplusplus
}
#endif
#endif
