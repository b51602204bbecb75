/*
 * lib/model.h - the inside of frameworks, datasets and results.
 *
 * Shared by the modules that build and read them (framework, dataset,
 * compute, output, explain, rebase); the public API sees opaque structs.
 *
 * Invariants:
 *   - framework nodes are indexed 0..n-1 in file order; `order` lists them
 *     children first; parents/children arrays mirror each other; every
 *     string lives in the framework's arena;
 *   - dataset values are stored per cycle, per node, as a column over units
 *     (cycle->cols[node][unit]), NaN where nothing was entered: the engine
 *     works column by column;
 *   - result matrices are node-major too: res->value[node * nunits + i].
 */
#ifndef DTI_MODEL_H
#define DTI_MODEL_H

#include <pthread.h>

#include "base/base.h"
#include "dti/compute.h"
#include "dti/dataset.h"
#include "dti/explain.h"
#include "dti/framework.h"
#include "dti/output.h"
#include "dti/prepare.h"
#include "dti/rebase.h"
#include "dti/units.h"

struct rule_params {
	double floor, target; /* ratio; dist2target uses target */
	double cap;           /* count; dist2target: 1 = cap at the scale */
	double min, max;      /* survey, goalposts */
	double lo, hi;        /* minmax, goalposts output range */
	double mean, sd;      /* zscore */
	double factor;        /* scaled */
	const char *ref;      /* dist2ref: the reference unit's id */
	int notrunc;          /* goalposts: values beyond the posts kept */
	size_t nsteps;
	double *thr; /* steps thresholds, increasing */
	double *pts; /* points (or values) of each step */
};

struct fw_node {
	char *code, *name_vi, *name_en, *unit, *note;
	char *rule_text, *params_text, *denominator;
	enum dti_kind kind;
	enum dti_rule rule;
	enum dti_agg method;
	double power;
	enum dti_zero_rule zero;
	double shift;
	double coverage; /* minimum weight share present, 0 = none */
	enum dti_origin origin;
	int level;
	int polarity;
	int scored;
	int points_known;
	double points;
	double weight;
	struct rule_params rp;
	size_t nparents;
	size_t *parents;
	size_t nchildren;
	size_t *children;
	double *child_weights;
	double *wset; /* [fw->nwsets] its weight in each set; NaN: unchanged */
	unsigned long line;
	char *treat_text; /* its treat column, NULL if empty (indicators) */
};

struct dti_framework {
	struct dti_arena arena;
	char *name;
	size_t nmeta;
	char **meta_keys;
	char **meta_vals;
	struct fw_node *nodes;
	size_t n;
	struct dti_map codes;
	size_t *order;
	size_t root;
	int uses_points;
	double scale;
	int precision;
	enum dti_missing missing;
	char *group_by;
	int year;
	size_t nwarn;
	struct dti_diag *warn;
	/* data columns declared by an iMeta table */
	size_t ngroupcols;
	char **groupcols;
	size_t nauxcols;
	char **auxcols;
	/* named alternative weight sets (columns weight.NAME) */
	size_t nwsets;
	char **wsets;
};

/* ---- dataset --------------------------------------------------------- */

struct ds_cell_info {
	size_t cycle, unit, node;
	char *evidence;
	char *note;
};

struct ds_cycle {
	char *label;
	double **cols; /* [node] -> [unit capacity], NaN = not entered */
	double **aux;  /* [aux dim] -> [unit capacity] */
	size_t naux_cols;
	size_t count; /* cells entered */
};

struct ds_unit {
	char *id;
	char *name;
	long reg;
	char **groups; /* [group dim], NULL if none */
};

struct dti_dataset {
	struct dti_arena arena;
	const struct dti_framework *fw;
	const struct dti_units *units;
	size_t nunits, ucap;
	struct ds_unit *u;
	struct dti_map unit_ids;
	size_t ncycles, ccap;
	struct ds_cycle *cycles;
	size_t ngroupdims;
	char **groupdims;
	size_t nauxdims;
	char **auxdims;
	size_t ninfo, infocap;
	struct ds_cell_info *info;
	struct dti_map info_map; /* "cycle:unit:node" -> info index */
	size_t nmeta;
	char **meta_keys;
	char **meta_vals;
};

/* Checks a figure against a node's rule; returns a reason or NULL. */
const char *dti_check_figure(const struct dti_framework *fw,
                             const struct fw_node *nd, double v, char *why,
                             size_t whysz);

/* ---- result ---------------------------------------------------------- */

struct dti_result {
	const struct dti_framework *fw;
	const struct dti_dataset *ds;
	const struct dti_result *prev;
	size_t cycle;
	size_t n;      /* units in the result */
	size_t *units; /* dataset index of each */
	long *pos_of;  /* dataset unit -> result position or -1 */
	size_t nn;     /* nodes */
	int precision;
	enum dti_missing missing;
	char *group_by;
	const char **group; /* per result unit, NULL if none */
	long *gid;          /* per result unit: group number, -1 if none */
	size_t ngroups;
	size_t *gcount;       /* [node * ngroups + g]: units ranked in g */
	pthread_mutex_t lock; /* guards the lazily built orders */
	void *block;          /* value, figure, rank and flags live here */
	double *figure;       /* leaves: figure after imputation */
	double *value;
	double *entered; /* entered values of recomputed aggregates, or NULL */
	int *rank;
	int *grank; /* NULL without groups */
	unsigned char *flags;
	size_t *ranked;  /* per node */
	size_t **order;  /* per node, lazily built */
	long *prev_pos;  /* result unit -> previous result position */
	long *prev_node; /* node -> previous framework node */
	char hash[65];   /* empty until dti_result_data_hash() */
	size_t nnotes;
	char **notes;
	char **notes_vi;
	int notes_lost; /* a note could not be stored: the run is DTI_ENOMEM */
	size_t norm_cycles; /* cycles the leaves were normalised over */
};

#define RES_AT(res, node, i) ((node) * (res)->n + (i))

/*
 * The effective weight of every node in node `top` for result unit i: how
 * much top's value moves per unit of the node's value (explain.c).  NaN
 * for nodes reached through a method other than the arithmetic mean.
 */
/* The fraction of its maximum a leaf of an absolute rule gets for figure
 * x (score.c); NaN if unknowable or not an absolute rule. */
double eng_score_one(const struct dti_framework *fw, const struct fw_node *nd,
                     double x);
void eng_effective_weights(const struct dti_result *res, size_t i, size_t top,
                           double *eff);

/*
 * Adds a note in English and Vietnamese: both formats take the same
 * arguments in the same order ("%.0s" swallows an English plural ending).
 * Without memory the note is not added, DTI_ENOMEM is returned and
 * res->notes_lost is set, so that a run that goes on fails at its end.
 */
enum dti_status dti_result_add_note(struct dti_result *res, const char *en,
                                    const char *vi, ...);

/* ---- the computation's steps (compute.c calls them) ------------------- */

/* A sort key and the index it belongs to. */
struct keyed {
	uint64_t key;
	size_t idx;
};

/* rank.c: ascending stable sort by key (LSD radix); tmp holds n. */
void eng_radix_sort(struct keyed *a, struct keyed *tmp, size_t n);
/* rank.c: ranks with ties at the minimum, ascending (1 = lowest). */
void eng_min_ranks(const double *x, const size_t *idx, size_t n,
                   double *rank_out, struct keyed *a, struct keyed *tmp);
/*
 * rank.c: competition ranks of node k from its rounded values r (overall
 * and in groups); a, tmp, glast_rank, glast_key and gseen are scratch.
 */
void eng_rank_node(struct dti_result *res, size_t k, const long long *r,
                   struct keyed *a, struct keyed *tmp, int *glast_rank,
                   long long *glast_key, size_t *gseen);

/* score.c */
double eng_clamp01(double x);
/*
 * A column of n figures scored by the node's absolute rule into val (NaN
 * where there is no figure); a figure that cannot be scored (unknown
 * points) is flagged DTI_CELL_UNKNOWN.
 */
void eng_score_column(const struct dti_framework *fw, const struct fw_node *nd,
                      const double *fig, double *val, unsigned char *flags,
                      size_t n);
/* Fills missing figures of node k by their group's mean (flags them). */
void eng_impute_group_mean(struct dti_result *res, size_t k, double *fig,
                           double *gsum, size_t *gcnt, size_t *imputed);

/* normalise.c: a relative rule over a column of n figures. */
/* ref: position of dist2ref's reference unit among the n, -1 if none */
void eng_normalise(const struct dti_framework *fw, const struct fw_node *nd,
                   const double *fig, double *val, size_t n, size_t *idx,
                   struct keyed *ka, struct keyed *kt, double *work, long ref);

/* aggregate.c: node k of every unit from its children's values. */
struct agg_ctx {
	const struct fw_node *nodes; /* the nodes as computed (overrides) */
	struct dti_result *res;
	enum dti_missing missing;
	double *acc;
	double *wsum;
	double *wall;
	unsigned char *unknown;
	struct dti_error *err;
};
enum dti_status eng_aggregate(struct agg_ctx *a, size_t k, double *out);

/*
 * output.c: a framework as CSV (dti_output_framework's), with the weights
 * of some edges of one parent replaced (ov may be NULL): edges[i] is a
 * child's place among the parent's children, weights[i] its new weight.
 * Weights frameworks only (points are written as they are).
 */
struct eng_weights_override {
	size_t parent;
	size_t n;
	const size_t *edges;
	const double *weights;
};
enum dti_status eng_framework_csv(const struct dti_framework *fw,
                                  const struct eng_weights_override *ov,
                                  struct dti_buf *out);

/*
 * output.c: the notes sheet of a workbook of results (framework, cycle,
 * program, data hash, missing-value policy, synthetic label, the
 * result's notes); sort is the node the ranks are on.
 */
void eng_xlsx_result_notes(const struct dti_result *res, size_t sort, int vi,
                           struct dti_xlsx *x);

/* treatspec.c: "yes", "true", "1" (1) or "no", "false", "0" (0), any case,
   into *out; -1 for anything else. */
int eng_yes_no(const char *v, int *out);

/* output.c: "key": v, or null when v is not finite (NaN, infinite). */
struct dti_json;
void eng_json_num(struct dti_json *j, const char *key, double v);
/* The members "id" and "name" of dataset unit `unit`. */
void eng_json_unit(struct dti_json *j, const struct dti_dataset *ds,
                   size_t unit);

#endif
