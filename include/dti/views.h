/*
 * dti/views.h - what the public, a unit and its editor see of a store: the
 * published ranking of a cycle, one unit's profile, an editor's preview
 * before submitting, and the sentence of the provinces' press releases.
 *
 * Published views (dti_store_ranking, dti_store_profile) read a cycle's
 * snapshot, never a recomputation: the values at the published precision,
 * the ranks and the ranks in the group as they were published.  Each
 * compares the cycle with every earlier published cycle of the same level
 * in the store (the most recent first), matching units by id: a unit
 * absent from an earlier cycle, or not ranked in it, has no change there.
 * A snapshot published as partial (the index unknown for some units) or
 * computed from synthetic data says so, and so does each earlier cycle.
 * Anyone may read a published cycle; an unpublished one is DTI_ESTATE.
 *
 * The preview (dti_submission_preview) computes an unpublished cycle with
 * the figures as they are now, for a unit's editor to see its score and
 * likely rank before submitting.
 *
 * Ownership: each call allocates its result, owned by the caller and freed
 * with its _free function (which accepts NULL); every string and array in
 * it goes with it.  A profile also holds the framework and results its
 * explanation borrows.
 */
#ifndef DTI_VIEWS_H
#define DTI_VIEWS_H

#include "dti/export.h"

#include <stddef.h>

#include "buf.h"
#include "chart.h"
#include "error.h"
#include "explain.h"
#include "output.h"
#include "store.h"
#include "workflow.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The order of a ranking's rows. */
enum dti_view_sort {
	DTI_VIEW_SORT_RANK = 0, /* rank on the node ranked on (unranked last;
	                           ties in Vietnamese name order) */
	DTI_VIEW_SORT_NAME,     /* Vietnamese collation of the names */
	DTI_VIEW_SORT_ID        /* unit id */
};

struct dti_view_opts {
	const char *node;  /* code of the node ranked on (profile: explained);
	                      NULL: the index */
	const char *group; /* ranking: only the units of this group; NULL */
	enum dti_view_sort sort; /* ranking only */
	enum dti_lang lang;      /* the language of dti_view_node.name */
	int since;  /* compare with earlier cycles of this year on; 0: all */
	size_t top; /* profile: strengths and weaknesses listed, 0: 3 */
};
#define DTI_VIEW_OPTS_INIT                                                     \
	{                                                                      \
		NULL, NULL, DTI_VIEW_SORT_RANK, DTI_LANG_EN, 0, 0              \
	}
/* Sets *o to the defaults (the same as DTI_VIEW_OPTS_INIT). */
DTI_EXTERN void dti_view_opts_init(struct dti_view_opts *o);

/* An earlier published cycle a view compares with. */
struct dti_view_earlier {
	const char *cycle; /* label */
	int year;
	int partial;   /* published as partial */
	int synthetic; /* computed from synthetic (demo) data */
};

/* A unit's change on one node since one earlier cycle. */
struct dti_view_change {
	int has_rank;        /* ranked on the node in both cycles */
	int rank_change;     /* places gained (up > 0, down < 0) */
	int rank_then;       /* rank in the earlier cycle, 0 if none */
	double value_then;   /* value as published then, NaN if none */
	double value_change; /* at the precision, NaN unless both known */
};

/* A unit's standing on one node. */
struct dti_view_cell {
	double value;   /* as published, NaN if none */
	int unknown;    /* the value cannot be known (partial publication) */
	int rank;       /* 0: not ranked */
	int group_rank; /* rank in the unit's group, 0 if none */
	/* one per earlier cycle of the view, in its order */
	const struct dti_view_change *changes;
};

/* A node of a view. */
struct dti_view_node {
	const char *code;
	const char *name; /* in the language asked for */
	const char *name_vi;
	const char *name_en;
	const char *kind; /* "index", "pillar", "indicator", ... */
	size_t ranked;    /* units ranked on it in the cycle */
};

/* What every published view tells of its cycle. */
struct dti_view_cycle {
	const char *cycle; /* label */
	int year;
	const char *level;
	const char *framework_id;
	const char *framework_version;
	const char *framework_title; /* in the language asked for, or "" */
	const char *published_at;    /* "YYYY-MM-DDTHH:MM:SSZ" */
	int precision;               /* decimals of the published values */
	int partial;                 /* published as partial */
	int synthetic;               /* computed from synthetic data */
	size_t units;                /* units in the snapshot */
	/* earlier published cycles of the same level, most recent first */
	size_t nearlier;
	const struct dti_view_earlier *earlier;
};

/* ---- The ranking ------------------------------------------------------ */

struct dti_ranking_row {
	const char *id;
	const char *name;  /* the unit's name as published */
	const char *group; /* "" if none */
	size_t group_size; /* units of the snapshot in its group */
	/* one per node of the ranking: cells[0] is the node ranked on */
	const struct dti_view_cell *cells;
};

/*
 * A published ranking: the node ranked on, then the index (when another
 * node is ranked on), the sub-indices and the pillars of the snapshot;
 * one row per unit (of the group asked for).
 */
struct dti_ranking {
	struct dti_view_cycle info;
	size_t nnodes;
	const struct dti_view_node *nodes;
	size_t nrows;
	const struct dti_ranking_row *rows;
};

/*
 * The ranking of a published cycle (opts may be NULL: the index, every
 * unit, by rank).  DTI_ENOTFOUND for an unknown cycle, a node the
 * snapshot does not have or a group no unit is in; DTI_ESTATE when the
 * cycle is not published.
 */
DTI_EXTERN enum dti_status dti_store_ranking(struct dti_store *s,
                                             const char *cycle,
                                             const struct dti_view_opts *opts,
                                             struct dti_ranking **out,
                                             struct dti_error *err);
DTI_EXTERN void dti_ranking_free(struct dti_ranking *r);

/* ---- A unit's profile -------------------------------------------------- */

/*
 * One unit in a published cycle: every node of the snapshot (the index,
 * pillars, main indicators) with value, rank, rank in the group and the
 * changes since each earlier cycle, and the explanation of the node asked
 * for: where the unit loses points and what would move it (explain.h).
 *
 * The explanation is computed by the engine from the figures the store
 * holds for the cycle, linked to the most recent earlier cycle's; it is
 * given only when those figures still have the data hash the snapshot
 * recorded and give the published value (explained = 1); otherwise
 * unexplained says why and the numbers are the snapshot's alone.
 */
struct dti_profile {
	struct dti_view_cycle info;
	const char *id;
	const char *name;
	const char *group;
	size_t group_size;
	size_t nnodes;
	const struct dti_view_node *nodes;
	const struct dti_view_cell *cells; /* one per node */
	size_t node; /* the node explained: an index into nodes */
	int explained;
	const char *unexplained; /* "" when explained */
	/* valid when explained; they live as long as the profile */
	const struct dti_framework *framework;
	const struct dti_result *result;
	struct dti_explanation explanation;
};

/*
 * The profile of unit (an id or a name read as on the cycle's reference
 * date) in a published cycle; opts->node the node explained (NULL: the
 * index), opts->since and opts->lang as for a ranking.  DTI_ENOTFOUND when
 * the unit is not in the snapshot.
 */
DTI_EXTERN enum dti_status
dti_store_profile(struct dti_store *s, const char *cycle, const char *unit,
                  const struct dti_view_opts *opts, struct dti_profile **out,
                  struct dti_error *err);
DTI_EXTERN void dti_profile_free(struct dti_profile *p);

/* ---- The editor's preview ---------------------------------------------- */

/* The unit's value and likely rank on one node. */
struct dti_preview_node {
	const char *code;
	const char *name_vi;
	const char *name_en;
	const char *kind;
	double value;  /* at the precision, NaN if none */
	int unknown;   /* cannot be known (points not public) */
	int rank;      /* likely rank among the units counted, 0 if none */
	size_t ranked; /* units counted that have a value on it (the unit
	                  included) */
	/* the rank the value would take in the most recent earlier published
	   cycle of the level (the field of last year, the unit's own value
	   there replaced by this one), 0 if none */
	int prev_rank;
	size_t prev_ranked; /* units ranked there with a value, the unit
	                       included */
};

/*
 * A unit's score as the cycle would be computed now: every submission not
 * excluded, with its current figures (the reviewer's where adjusted).
 * Ranks are among the units with enough data: those whose index is known
 * and whose every scored indicator has a figure (or whose index value was
 * entered), the unit itself always included.
 */
struct dti_submission_preview {
	const char *cycle;
	int year;
	const char *unit; /* id */
	const char *name;
	const char *group;
	enum dti_sub_state state;
	int precision;
	size_t scored;   /* scored indicators of the framework */
	size_t figures;  /* of them, those the unit has a figure for */
	size_t adjusted; /* of the unit's figures, those a reviewer replaced */
	int complete;    /* the unit has enough data (see above) */
	size_t units;    /* units in the computation (not excluded) */
	size_t counted;  /* of them, those with enough data, the unit too */
	size_t nnodes;   /* the index, then the sub-indices and pillars */
	const struct dti_preview_node *nodes;
	const char *prev_cycle; /* the cycle of prev_rank, NULL if none */
	int edited;             /* figures tried, not stored (see below) */
};

/*
 * The preview of unit's submission in cycle.  Anyone with a role on the
 * unit (its editor, a reviewer, the owner, an admin, a viewer).
 * DTI_ESTATE when the unit is excluded or the cycle has no submissions
 * yet (draft).
 */
DTI_EXTERN enum dti_status
dti_submission_preview(struct dti_store *s, const char *cycle, const char *unit,
                       struct dti_submission_preview **out,
                       struct dti_error *err);
/*
 * The preview as it would be with `edits` applied to the unit's figures:
 * the edits are checked as dti_submission_edit checks them (the same
 * roles, states and rules, the same errors), the preview is computed, and
 * nothing is stored or logged.  For an editor trying figures before saving
 * them.  With n == 0, the same as dti_submission_preview.
 */
DTI_EXTERN enum dti_status dti_submission_preview_with(
    struct dti_store *s, const char *cycle, const char *unit,
    const struct dti_figure_edit *edits, size_t n,
    struct dti_submission_preview **out, struct dti_error *err);
DTI_EXTERN void dti_submission_preview_free(struct dti_submission_preview *p);

/* ---- The press-release sentence ---------------------------------------- */

/*
 * Appends the sentence the provinces' press releases use for a unit's
 * standing on a node, with its change since each earlier cycle given
 * (cell->changes, one per earlier[i]; those without a rank in both
 * cycles are left out):
 *
 *   vi: "xếp hạng 38/63, tăng 10 bậc so với năm 2022, tăng 20 bậc so với
 *        năm 2021 (giá trị 0,6735)"  ("giảm N bậc" for a fall, "giữ
 *        nguyên thứ hạng so với năm Y" for none; a decimal comma)
 *   en: "ranked 38/63, up 10 places on 2022, up 20 places on 2021
 *        (value 0.6735)"  ("down N places", "unchanged on Y")
 *
 * ranked is the number of units ranked on the node, precision the
 * decimals of the value.  A unit not ranked is "không được xếp hạng" /
 * "not ranked"; a value unknown "(giá trị chưa biết)" / "(value
 * unknown)", a missing one "(chưa có giá trị)" / "(no value)", never 0.
 * Returns the buffer's status.
 */
DTI_EXTERN enum dti_status
dti_view_phrase(const struct dti_view_cell *cell, size_t ranked, int precision,
                const struct dti_view_earlier *earlier, size_t nearlier,
                enum dti_lang lang, struct dti_buf *out);

/* ---- Charts of a published cycle --------------------------------------- */

/* The charts of dti_store_chart (what dti-chart(1) draws). */
enum dti_view_chart {
	DTI_VIEW_CHART_BARS = 0, /* a unit's index, sub-indices and pillars
	                            beside the two means */
	DTI_VIEW_CHART_RADAR,    /* a unit's main indicators (its sub-indices
	                            and pillars when there are fewer than
	                            three) beside the two means */
	DTI_VIEW_CHART_TREND,    /* a unit's value and rank over the years */
	DTI_VIEW_CHART_DISTRIBUTION, /* every unit's value, one marked */
	DTI_VIEW_CHART_MAP           /* a tile map of every unit's value */
};

/*
 * Draws a chart of a published cycle and appends it to out: one
 * standalone SVG document (dti/chart.h), the same bytes for the same
 * store and arguments.  What 'dti chart' draws is this call's.
 *
 *   bars, radar   unit's published values beside the mean of all units'
 *                 and the mean of its group's ("Mean of all units",
 *                 "Mean of " and the group's name in the store's
 *                 registry; "Trung bình chung", "Trung bình ...").  A
 *                 mean is that of the units with a value, exact.  A
 *                 radar with fewer than three axes is DTI_EINVALID
 *                 (field "axes").
 *   trend         unit's value and rank on the node in the cycle and in
 *                 every earlier published cycle of its level (from
 *                 vo->since on; of several cycles in one year, the
 *                 view's first), with the units ranked each year.
 *   distribution, map
 *                 every unit's value on the node; unit (NULL: none) is
 *                 marked (not in the published result: DTI_ENOTFOUND,
 *                 field "unit").  The map takes, of the nlayouts
 *                 layouts, the one with a tile for the most units (the
 *                 first on a tie); no layout, none with a unit of the
 *                 cycle, or a unit without a tile in the one taken:
 *                 DTI_ENOTFOUND, field "tiles".  Other kinds do not read
 *                 layouts.
 *
 * unit: an id or a name read as on the cycle's reference date; required
 * for bars, radar and trend (DTI_EARG, field "unit").  vo (NULL: the
 * defaults): node, the node of a trend, distribution or map (NULL: the
 * index); since (trend); lang, the language of everything written
 * (names, the title, the chart's words and decimal mark: co->lang is
 * not read); its other fields are not read.  co (NULL: the defaults with
 * DTI_CHART_DECIMALS_PUBLISHED): as for the dti_chart_ calls; title
 * NULL is a title made from the data (the unit's name, what is drawn,
 * the cycle, "(partial)", "(synthetic data)"); decimals
 * DTI_CHART_DECIMALS_PUBLISHED is the cycle's published precision.
 *
 * Reads one state of the store.  Errors: those of dti_store_ranking()
 * and dti_store_profile() (an unknown cycle, unit or node DTI_ENOTFOUND,
 * a cycle not published DTI_ESTATE, ...), those of the dti_chart_ calls
 * (the field names the option: "width", "id_prefix", "decimals"), and
 * the above.  Nothing is appended to out on failure.
 */
DTI_EXTERN enum dti_status
dti_store_chart(struct dti_store *s, const char *cycle,
                enum dti_view_chart kind, const char *unit,
                const struct dti_view_opts *vo, const struct dti_chart_opts *co,
                size_t nlayouts, const struct dti_tile_layout *const *layouts,
                struct dti_buf *out, struct dti_error *err);

/* ---- Writers ------------------------------------------------------------
 *
 * The same data as text for a terminal (table, aligned by display width,
 * names escaped), CSV (cells guarded against spreadsheet formulas, '.'
 * decimals), JSON or NDJSON (stable keys, null for missing).  phrases = 1
 * adds the press-release sentence to tables and CSV (JSON has it always).
 */
DTI_EXTERN enum dti_status dti_ranking_write(const struct dti_ranking *r,
                                             enum dti_format format,
                                             enum dti_lang lang, int phrases,
                                             struct dti_buf *out,
                                             struct dti_error *err);
/* Table (text, with the explanation in words) or JSON. */
DTI_EXTERN enum dti_status dti_profile_write(const struct dti_profile *p,
                                             enum dti_format format,
                                             enum dti_lang lang,
                                             struct dti_buf *out,
                                             struct dti_error *err);
/* Table (text) or JSON. */
DTI_EXTERN enum dti_status
dti_submission_preview_write(const struct dti_submission_preview *p,
                             enum dti_format format, enum dti_lang lang,
                             struct dti_buf *out, struct dti_error *err);

#ifdef __cplusplus
}
#endif
#endif
