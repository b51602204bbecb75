/*
 * dti/framework.h - index frameworks as data.
 *
 * A framework is a directed acyclic graph of nodes: the index, sub-indices,
 * pillars, groups, main indicators, components and criteria.  A node may
 * have several parents (the 2022 provincial pillars all contain the
 * foundation group).  Leaves carry a scoring rule (yes/no, ratio, count,
 * steps, points, survey, reviewer, direct value) or a normalisation
 * (min-max, goalposts, z-score, rank, percentile rank, ratio to max,
 * distance to target); aggregates carry an aggregation method.  Unscored
 * statistics are collected and shown but never scored.
 *
 * The file format is a CSV table, one row per node, preceded by "# key:
 * value" metadata lines; it is documented in dti-framework(5).  COINr's iMeta
 * tables are read too (iCode, iName, Parent, Direction, Weight, Type, ...).
 *
 * Ownership: a framework is immutable once loaded.  Every pointer handed out
 * by the accessors below points into the framework and lives until
 * dti_framework_free().  Results and datasets borrow the framework: free it
 * last.
 */
#ifndef DTI_FRAMEWORK_H
#define DTI_FRAMEWORK_H

#include "dti/export.h"

#include <stddef.h>

#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define DTI_FRAMEWORK_FORMAT_VERSION 1

enum dti_kind {
	DTI_KIND_INDEX = 0,
	DTI_KIND_SUBINDEX,
	DTI_KIND_PILLAR,
	DTI_KIND_GROUP,
	DTI_KIND_INDICATOR, /* main indicator ("chỉ số chính") */
	DTI_KIND_COMPONENT, /* component indicator ("chỉ số thành phần") */
	DTI_KIND_CRITERION,
	DTI_KIND_STATISTIC /* collected, never scored ("thông tin chung") */
};

enum dti_rule {
	DTI_RULE_NONE = 0, /* aggregates and statistics */
	/* absolute scoring rules: each unit scored on its own */
	DTI_RULE_YESNO,
	DTI_RULE_RATIO,    /* percentage or ratio with floor and target */
	DTI_RULE_COUNT,    /* count with a cap */
	DTI_RULE_STEPS,    /* thresholds to points */
	DTI_RULE_POINTS,   /* points given directly, 0..max */
	DTI_RULE_SURVEY,   /* survey mean on a scale */
	DTI_RULE_REVIEWER, /* points assigned by a reviewer, 0..max */
	DTI_RULE_VALUE,    /* the node's value given directly, 0..scale */
	DTI_RULE_RAW,      /* taken as it is, no bounds */
	/* relative normalisations: across the units of a cycle */
	DTI_RULE_MINMAX,
	DTI_RULE_GOALPOSTS,
	DTI_RULE_ZSCORE,
	DTI_RULE_RANK,
	DTI_RULE_PRANK,   /* percentile rank */
	DTI_RULE_FRACMAX, /* ratio to the maximum */
	DTI_RULE_DIST2TARGET,
	DTI_RULE_BORDA,   /* Borda score: the units below it (rank - 1) */
	DTI_RULE_SCALED,  /* (x - min) / (max - min) * factor */
	DTI_RULE_DIST2REF /* fraction of the way from the minimum to a unit's */
};

enum dti_agg {
	DTI_AGG_ARITH = 0, /* weighted arithmetic mean */
	DTI_AGG_GEOM,      /* weighted geometric mean */
	DTI_AGG_HARM,      /* weighted harmonic mean */
	DTI_AGG_GENMEAN    /* generalised (power) mean, parameter p */
};

/* What the geometric and harmonic means do with a zero (or negative) child. */
enum dti_zero_rule {
	DTI_ZERO_RESULT = 0, /* any zero makes the aggregate 0 (the limit) */
	DTI_ZERO_ERROR,      /* refuse to compute, naming unit and node */
	DTI_ZERO_SHIFT       /* add a constant to every child, subtract after */
};

enum dti_missing {
	DTI_MISSING_DEFAULT = 0, /* in options: use the framework's policy */
	DTI_MISSING_ZERO,        /* a missing figure scores 0 (the DTI rule) */
	DTI_MISSING_EXCLUDE,     /* left out; the other weights re-scaled */
	DTI_MISSING_GROUP_MEAN   /* imputed by the mean of the unit's group */
};

/* Where a node's content comes from. */
enum dti_origin {
	DTI_ORIGIN_OFFICIAL = 0, /* from the official decision */
	DTI_ORIGIN_UNKNOWN,      /* exists officially, content not public */
	DTI_ORIGIN_INFERRED, /* inferred from public material, not printed */
	DTI_ORIGIN_EXAMPLE,  /* illustrative, not official */
	DTI_ORIGIN_USER      /* written by the framework's author */
};

struct dti_framework;

/* A read-only view of one node; pointers live as long as the framework. */
struct dti_node_info {
	const char *code;
	const char *name_vi;
	const char *name_en;
	const char *unit;        /* unit of measurement, may be "" */
	const char *note;        /* may be "" */
	const char *rule_text;   /* canonical rule name, "" for aggregates */
	const char *params_text; /* canonical parameters, "" if none */
	enum dti_kind kind;
	enum dti_rule rule;
	enum dti_agg method; /* aggregates only */
	double power;        /* DTI_AGG_GENMEAN exponent */
	enum dti_origin origin;
	int level;        /* 1 for leaves, 1 + highest child level above */
	int polarity;     /* +1 higher is better, -1 lower is better */
	int scored;       /* 0 for statistics and zero-weight subtrees */
	int points_known; /* 0 when the points are marked unknown ("?") */
	double points;    /* maximum points; NaN when not a points framework */
	double
	    weight; /* weight in its parents (points when scored by points) */
	size_t nparents;
	const size_t *parents;
	size_t nchildren;
	const size_t *children;
	const double *child_weights; /* weight of each child edge */
	unsigned long line;          /* line in the framework file */
};

/* Reads and validates a framework file ("-" is stdin). */
DTI_EXTERN enum dti_status dti_framework_load(const char *path,
                                              struct dti_framework **out,
                                              struct dti_error *err);
/* Same from memory; `name` is used in error messages. */
DTI_EXTERN enum dti_status dti_framework_parse(const char *buf, size_t len,
                                               const char *name,
                                               struct dti_framework **out,
                                               struct dti_error *err);
DTI_EXTERN void dti_framework_free(struct dti_framework *fw);

/*
 * Metadata by key: "id", "version", "title_vi", "title_en", "level",
 * "source", "status", "official", "missing", "note", ...; NULL if absent.
 */
DTI_EXTERN const char *dti_framework_meta(const struct dti_framework *fw,
                                          const char *key);
DTI_EXTERN size_t dti_framework_meta_count(const struct dti_framework *fw);
DTI_EXTERN void dti_framework_meta_at(const struct dti_framework *fw, size_t i,
                                      const char **key, const char **value);

DTI_EXTERN const char *dti_framework_id(const struct dti_framework *fw);
DTI_EXTERN const char *dti_framework_version(const struct dti_framework *fw);
DTI_EXTERN int dti_framework_uses_points(const struct dti_framework *fw);
DTI_EXTERN double
dti_framework_scale(const struct dti_framework *fw); /* 1 or e.g. 100 */
DTI_EXTERN int dti_framework_precision(const struct dti_framework *fw);
DTI_EXTERN enum dti_missing
dti_framework_missing(const struct dti_framework *fw);
DTI_EXTERN const char *
dti_framework_group_by(const struct dti_framework *fw); /* may be NULL */
/* Year the framework applies to (from "year" or "version"), 0 if none. */
DTI_EXTERN int dti_framework_year(const struct dti_framework *fw);

DTI_EXTERN size_t dti_framework_node_count(const struct dti_framework *fw);
/* Index of the node with this code (exact, then case-insensitive), or -1. */
DTI_EXTERN long dti_framework_find(const struct dti_framework *fw,
                                   const char *code);
DTI_EXTERN void dti_framework_node(const struct dti_framework *fw, size_t i,
                                   struct dti_node_info *out);
/* The node of kind "index" (there is exactly one). */
DTI_EXTERN size_t dti_framework_root(const struct dti_framework *fw);
/* Nodes in evaluation order: every child before its parents. */
DTI_EXTERN const size_t *dti_framework_order(const struct dti_framework *fw);

/* Non-fatal findings of validation (e.g. "points of X unknown"). */
DTI_EXTERN size_t dti_framework_warning_count(const struct dti_framework *fw);
DTI_EXTERN const struct dti_diag *
dti_framework_warning(const struct dti_framework *fw, size_t i);

/*
 * Named alternative weight sets: the columns weight.NAME of a weights
 * framework ("weight.equal", "weight.experts").  A node's weight in a set
 * is NaN where the set leaves its own weight.  dti_compute_opts.weights
 * computes with a set.
 */
DTI_EXTERN size_t
dti_framework_weight_set_count(const struct dti_framework *fw);
DTI_EXTERN const char *
dti_framework_weight_set_name(const struct dti_framework *fw, size_t set);
/* The set's index, -1 if none has that name. */
DTI_EXTERN long dti_framework_find_weight_set(const struct dti_framework *fw,
                                              const char *name);
DTI_EXTERN double dti_framework_set_weight(const struct dti_framework *fw,
                                           size_t set, size_t node);

/*
 * Each node's effective weight: the share of the index it carries by the
 * weights alone (COINr's get_eff_weights).  A child's weight over the sum
 * of its siblings' (the weighted children of the same parent), times the
 * parent's effective weight, summed over its parents when it has more
 * than one; the index has 1, and the nodes of one level add up to 1.  A
 * points framework's weights are its points, so a leaf's effective
 * weight is its share of the index's points.  Nodes outside the index
 * (and children weighing 0) get 0.  set: a weight set's index, or -1 for
 * the framework's weights.  out: dti_framework_node_count(fw) entries.
 * DTI_EARG for a set the framework does not have.
 */
DTI_EXTERN enum dti_status
dti_framework_effective_weights(const struct dti_framework *fw, long set,
                                double *out, struct dti_error *err);

DTI_EXTERN const char *dti_kind_name(enum dti_kind kind);    /* "pillar" */
DTI_EXTERN const char *dti_rule_name(enum dti_rule rule);    /* "ratio" */
DTI_EXTERN const char *dti_agg_name(enum dti_agg agg);       /* "arith" */
DTI_EXTERN const char *dti_missing_name(enum dti_missing m); /* "zero" */
DTI_EXTERN const char *dti_origin_name(enum dti_origin o);   /* "official" */
DTI_EXTERN int dti_rule_is_relative(enum dti_rule rule); /* normalisations */

#ifdef __cplusplus
}
#endif
#endif
