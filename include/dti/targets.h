/*
 * dti/targets.h - a unit's goals over the years, kept in the store with
 * the unit, and tracked against the published results.
 *
 * A target says where a unit means to be by a year:
 *
 *   rank       rank N or better on a node (the index unless named): "top
 *              10 by 2025" is rank <= 10 on the index in the cycle of 2025;
 *   value      a node's published value >= V ("the index at 0.75 or more
 *              by 2026");
 *   indicator  an indicator's figure >= X or <= X, as entered and
 *              published with the cycle (the reviewer's figure where one
 *              was adjusted): "the digital economy at 20 % of GRDP by
 *              2030", "paper documents at 5 % or less by 2026".
 *
 * with an optional baseline (a cycle of the unit's level: the starting
 * point of the trend) and a note.  Targets are set by an admin, an owner
 * or the unit's own editor, and removed by the same; every change is an
 * audit event (target.add, target.remove) that 'dti audit verify'
 * replays against the table.  Anyone may read them.
 *
 * Tracking reads the published cycles of the unit's level (one per year:
 * the baseline in its year, else the first by label), from the baseline's
 * year (else from the first) up to the target's year, and the unit's
 * result in each (the points).  Then, in this order:
 *
 *   no data    no point: the unit has no published result for it yet;
 *   met        the latest point meets the target;
 *   missed     it does not, and a cycle of the target's year (or later)
 *              is published: the deadline has passed;
 *   on track   it does not yet, and the projection meets it;
 *   off track  it does not, and the projection does not, or there is only
 *              one point (no trend yet).
 *
 * The projection is the least-squares line through the points (x the
 * cycle's year, y the value, figure or rank) read at the target's year:
 * with x̄ and ȳ the means, the slope b = Σ(x - x̄)(y - ȳ) / Σ(x - x̄)² and
 * the projection ȳ + b (year - x̄).  A projected rank is kept between 1
 * and the number of units ranked in the latest point, a projected value
 * between 0 and the index's scale; a figure is not bounded.  It is made
 * from two points or more, while the deadline has not passed.
 *
 * The gap is what is still to go from the latest point: for a rank the
 * places to gain (latest rank - N), for ">= X" X - latest, for "<= X"
 * latest - X; zero or less once met.  Ranks of different years may be
 * out of different numbers of units (63 provinces until 2024, 34 from
 * 2025): each point says how many were ranked.
 *
 * Ownership: lists and trackings are allocated by the call, owned by the
 * caller and freed with their _free function (NULL allowed), every string
 * and array with them.
 */
#ifndef DTI_TARGETS_H
#define DTI_TARGETS_H

#include "dti/export.h"

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "error.h"
#include "output.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

enum dti_target_kind {
	DTI_TARGET_RANK = 1,     /* rank N or better on a node */
	DTI_TARGET_VALUE = 2,    /* a node's value >= V */
	DTI_TARGET_INDICATOR = 3 /* an indicator's figure >= X or <= X */
};
/* "rank", "value", "indicator"; NULL for another number. */
DTI_EXTERN const char *dti_target_kind_name(enum dti_target_kind k);
/* The kind of a name; 0 if unknown. */
DTI_EXTERN enum dti_target_kind dti_target_kind_parse(const char *name);

enum dti_target_op {
	DTI_TARGET_AT_LEAST = 1, /* >= */
	DTI_TARGET_AT_MOST = 2   /* <= (a rank: N or better) */
};

enum dti_target_status {
	DTI_TARGET_NO_DATA = 0,
	DTI_TARGET_ON_TRACK = 1,
	DTI_TARGET_OFF_TRACK = 2,
	DTI_TARGET_MET = 3,
	DTI_TARGET_MISSED = 4
};
/* "no_data", "on_track", "off_track", "met", "missed". */
DTI_EXTERN const char *dti_target_status_name(enum dti_target_status s);

/* A target to set. */
struct dti_target_new {
	/*
	 * The unit: an id, or a name read as on `date` when given, else as
	 * on 31 December of by_year (the unit the target's year knows).
	 */
	const char *unit;
	enum dti_target_kind kind;
	/* a node code: NULL for the index (rank, value); an indicator */
	const char *node;
	/* indicator: AT_LEAST or AT_MOST; rank and value: 0 (their own) */
	enum dti_target_op op;
	double threshold;     /* N (a whole number), V or X */
	int by_year;          /* the year of the cycle by which */
	const char *baseline; /* a cycle label, or NULL */
	const char *note;     /* free text, or NULL */
	const char *date;     /* "YYYY-MM-DD" for the unit's name, or NULL */
};
/* Sets *t to nothing given (every field NULL or 0). */
DTI_EXTERN void dti_target_new_init(struct dti_target_new *t);

/*
 * Sets a target; *id (may be NULL) gets its number.  An admin, an owner
 * or the unit's editor.  Refused, changing nothing: DTI_ENOTFOUND for an
 * unknown unit, baseline cycle or node (the node is looked up in the
 * frameworks of the baseline, of the cycles of the unit's level, latest
 * first, and of the stored frameworks of that level); DTI_EINVALID for a
 * year outside 1900..9999 or before the baseline's, a baseline of
 * another level, a unit not valid at the end of the year, a rank that is
 * not a whole number from 1 to the number of units of the level valid
 * then, a value outside 0..the index's scale, an indicator node that
 * takes no figure or a figure its rule refuses, an operator that does not
 * fit the kind; DTI_EEXIST for a second target of the same unit, kind,
 * node, operator and year.
 */
DTI_EXTERN enum dti_status dti_target_add(struct dti_store *s,
                                          const struct dti_target_new *t,
                                          int64_t *id, struct dti_error *err);
/*
 * Removes a target by number.  Whoever may set the unit's targets.
 * DTI_ENOTFOUND when there is no such target.
 */
DTI_EXTERN enum dti_status dti_target_remove(struct dti_store *s, int64_t id,
                                             struct dti_error *err);

/* A target as stored. */
struct dti_target {
	int64_t id;
	const char *unit;      /* unit id */
	const char *unit_name; /* its Vietnamese name */
	const char *level;     /* its level */
	enum dti_target_kind kind;
	const char *node; /* node code */
	enum dti_target_op op;
	double threshold;
	int by_year;
	const char *baseline; /* cycle label, "" if none */
	int baseline_year;    /* 0 if none */
	const char *note;
	const char *set_by; /* user */
	const char *set_at; /* "YYYY-MM-DDTHH:MM:SSZ" */
};

/* Targets, by unit id, year, then number. */
struct dti_target_list {
	size_t n;
	const struct dti_target *targets;
};
/*
 * The targets of unit (an id or a name read as on date, NULL: today), or
 * of every unit (unit NULL).  DTI_ENOTFOUND for an unknown unit.
 */
DTI_EXTERN enum dti_status dti_target_list(struct dti_store *s,
                                           const char *unit, const char *date,
                                           struct dti_target_list **out,
                                           struct dti_error *err);
DTI_EXTERN void dti_target_list_free(struct dti_target_list *l);

/* The unit's result in one published cycle. */
struct dti_target_point {
	const char *cycle; /* label */
	int year;
	double value;  /* the value, figure or rank */
	size_t ranked; /* rank targets: units ranked on the node; else 0 */
	int met;       /* the point meets the target */
	int partial;   /* the cycle was published as partial */
	int synthetic; /* computed from synthetic (demo) data */
};

/* One target tracked. */
struct dti_target_track {
	struct dti_target target;
	const char *node_name_vi; /* from the latest snapshot holding the */
	const char *node_name_en; /* node; "" if none does */
	enum dti_target_status status;
	size_t npoints;
	const struct dti_target_point *points; /* oldest first */
	const struct dti_target_point *latest; /* the last point, or NULL */
	/* the baseline cycle's point, NULL without a baseline or a result */
	const struct dti_target_point *baseline;
	double gap;          /* still to go from the latest (see above); NaN */
	double slope;        /* change per year, two points or more; NaN */
	double projection;   /* at by_year (see above); NaN if none */
	int deadline_passed; /* a cycle of by_year or later is published */
	int precision;       /* decimals of the published values (value) */
};

struct dti_target_tracking {
	const char *as_of; /* the store's time, "YYYY-MM-DDTHH:MM:SSZ" */
	size_t n;
	const struct dti_target_track *targets; /* in list order */
};
/*
 * Tracks the targets of unit (as dti_target_list reads it) or of every
 * unit (NULL) against the published cycles, in one reading of the store.
 */
DTI_EXTERN enum dti_status dti_target_track(struct dti_store *s,
                                            const char *unit, const char *date,
                                            struct dti_target_tracking **out,
                                            struct dti_error *err);
DTI_EXTERN void dti_target_tracking_free(struct dti_target_tracking *t);

/*
 * Writers: a table for a terminal (Vietnamese or English, names escaped,
 * columns aligned by display width, a decimal comma in Vietnamese), CSV
 * (cells guarded against spreadsheet formulas, '.' decimals) or JSON
 * (stable keys, null for what is missing, never localised).  Values are
 * written at the published precision, figures with up to 6 decimals,
 * projected ranks with one.  Other formats are DTI_EARG.
 */
DTI_EXTERN enum dti_status
dti_target_list_write(const struct dti_target_list *l, enum dti_format format,
                      enum dti_lang lang, struct dti_buf *out,
                      struct dti_error *err);
DTI_EXTERN enum dti_status
dti_target_tracking_write(const struct dti_target_tracking *t,
                          enum dti_format format, enum dti_lang lang,
                          struct dti_buf *out, struct dti_error *err);

#ifdef __cplusplus
}
#endif
#endif
