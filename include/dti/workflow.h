/*
 * dti/workflow.h - the yearly assessment process over a store.
 *
 * A cycle is one assessment: a label ("dti-2022"), a year, a framework
 * (stored, immutable once used) and a level (the kind of units assessed).
 * Its states run one way:
 *
 *     draft --open--> open --review--> review --close--> closed
 *           --publish--> published
 *
 * (review may go back to open, and closed back to review, while nothing is
 * published).  Opening a cycle creates one submission per unit of its
 * level valid on the cycle's reference date (31 December of its year
 * unless given).  A submission holds, per indicator, the unit's figure,
 * its self-assessed points and a comment, plus evidence; its states:
 *
 *     draft --submit--> submitted --approve--> approved
 *                       submitted --return--> returned --submit--> submitted
 *     any state but published --exclude (with a reason)--> excluded
 *
 * The rules, enforced here for every caller:
 *   - a unit's editor changes only the unit's submission, only while the
 *     cycle is open (and before its submission deadline) or while the
 *     submission is returned;
 *   - reviewers adjust, return and approve only while the cycle is in
 *     review, and an adjustment needs a reason;
 *   - the owner publishes only a closed cycle whose submissions are all
 *     approved or excluded with a reason; a published snapshot never
 *     changes;
 *   - a change based on a stale version (expected_version != 0 and not the
 *     current one) is refused with DTI_ECONFLICT.
 * Refusals are DTI_ESTATE (wrong state), DTI_EPERM (wrong user),
 * DTI_ENOTFOUND (unknown cycle, unit or indicator), DTI_EINVALID (bad
 * value, missing reason), DTI_EEXIST (duplicate), DTI_ELIMIT (oversized
 * file), each with a message naming the object, and change nothing.
 *
 * A unit is named by its id or by any usual name, read as on the cycle's
 * reference date (see dti_store_unit_find): "Đà Nẵng" in a cycle of 2024
 * is the city before the merger of 2025.
 *
 * Ownership: what a call reads comes back as data.  Fixed structs are
 * filled in place (dti_cycle_info, dti_submission_info); lists and views
 * (dti_cycle_list, dti_cycle_status, dti_submission_view) are allocated by
 * the call and owned by the caller, who frees each with its _free
 * function (which accepts NULL); their strings and arrays go with them.
 */
#ifndef DTI_WORKFLOW_H
#define DTI_WORKFLOW_H

#include "dti/export.h"

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "compute.h"
#include "dataset.h"
#include "error.h"
#include "output.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

enum dti_cycle_state {
	DTI_CYCLE_DRAFT = 1,
	DTI_CYCLE_OPEN,
	DTI_CYCLE_REVIEW,
	DTI_CYCLE_CLOSED,
	DTI_CYCLE_PUBLISHED
};
DTI_EXTERN const char *
dti_cycle_state_name(enum dti_cycle_state s); /* "open" */
DTI_EXTERN enum dti_cycle_state
dti_cycle_state_parse(const char *s); /* 0 if unknown */

enum dti_sub_state {
	DTI_SUB_DRAFT = 1,
	DTI_SUB_SUBMITTED,
	DTI_SUB_RETURNED,
	DTI_SUB_APPROVED,
	DTI_SUB_EXCLUDED
};
DTI_EXTERN const char *dti_sub_state_name(enum dti_sub_state s);
DTI_EXTERN enum dti_sub_state dti_sub_state_parse(const char *s);

/* ---- Cycles ------------------------------------------------------------ */

struct dti_cycle_new {
	const char *label; /* "dti-2022": letters, digits, '-', '_', '.' */
	int year;          /* 2022 */
	const char
	    *framework;    /* stored framework ref (see dti_store_framework) */
	const char *level; /* "province"; NULL: the framework's level */
	const char *ref_date; /* units valid on this date; NULL: year-12-31 */
	const char
	    *submit_deadline; /* "YYYY-MM-DD" (end of that day), or NULL */
	const char *review_deadline; /* idem */
	const char *title;           /* free text, or NULL */
};
/* Sets *c to nothing given (every field NULL or 0). */
DTI_EXTERN void dti_cycle_new_init(struct dti_cycle_new *c);

/* Creates a cycle in state draft.  Owner. */
DTI_EXTERN enum dti_status dti_cycle_create(struct dti_store *s,
                                            const struct dti_cycle_new *c,
                                            struct dti_error *err);
/*
 * Moves a cycle to a state along the arrows above.  Owner.  Opening
 * creates the submissions; publishing goes through dti_cycle_publish.
 */
DTI_EXTERN enum dti_status dti_cycle_transition(struct dti_store *s,
                                                const char *label,
                                                enum dti_cycle_state to,
                                                int64_t expected_version,
                                                struct dti_error *err);
/* Changes the deadlines of a cycle that is not published.  Owner. */
DTI_EXTERN enum dti_status dti_cycle_set_deadlines(struct dti_store *s,
                                                   const char *label,
                                                   const char *submit_deadline,
                                                   const char *review_deadline,
                                                   struct dti_error *err);

struct dti_cycle_info {
	char label[64];
	int year;
	char level[32];
	char framework_id[64];
	char framework_version[32];
	char framework_sha[65];
	char ref_date[11];
	char submit_deadline[11];
	char review_deadline[11];
	enum dti_cycle_state state;
	int64_t version;
	/* submissions per state, indexed by enum dti_sub_state */
	long long count[6];
};
DTI_EXTERN enum dti_status dti_cycle_get(struct dti_store *s, const char *label,
                                         struct dti_cycle_info *out,
                                         struct dti_error *err);

/* One unit's submission, as a cycle's status shows it. */
struct dti_cycle_unit {
	const char *unit; /* unit id */
	const char *name; /* the unit's Vietnamese name */
	enum dti_sub_state state;
	int64_t version;
	long long figures;          /* indicators with an entry */
	long long evidence;         /* pieces of evidence */
	const char *submitted_at;   /* last submission, "" if never */
	const char *updated_at;     /* "YYYY-MM-DDTHH:MM:SSZ" */
	const char *updated_by;     /* user name */
	const char *exclude_reason; /* "" if not excluded */
	const char *return_comment; /* the reviewer's, "" if never returned */
};
/*
 * A cycle's status: the cycle and every submission, by unit id.  Free with
 * dti_cycle_status_free().
 */
struct dti_cycle_status {
	struct dti_cycle_info cycle;
	size_t n;
	const struct dti_cycle_unit *units;
};
DTI_EXTERN enum dti_status dti_cycle_status(struct dti_store *s,
                                            const char *label,
                                            struct dti_cycle_status **out,
                                            struct dti_error *err);
DTI_EXTERN void dti_cycle_status_free(struct dti_cycle_status *cs);

/* Every cycle, by year then label.  Free with dti_cycle_list_free(). */
struct dti_cycle_list {
	size_t n;
	const struct dti_cycle_info *cycles;
};
DTI_EXTERN enum dti_status dti_cycle_list(struct dti_store *s,
                                          struct dti_cycle_list **out,
                                          struct dti_error *err);
DTI_EXTERN void dti_cycle_list_free(struct dti_cycle_list *l);

/* ---- Submissions ------------------------------------------------------- */

/* One indicator's entry.  NaN leaves a number unchanged; see flags. */
struct dti_figure_edit {
	const char *indicator; /* node code of the cycle's framework */
	double value;          /* the figure (NaN: leave / clear, see below) */
	double self_points;    /* self-assessed points (NaN: leave) */
	const char *comment;   /* NULL: leave; "" clears */
	int clear;             /* 1: remove the figure, points and comment */
	/* the figure as typed (NULL: take `value`): read as a data file's
	   cell for the indicator's rule ("0,8", "91,8%", "có", "x"; see
	   dti_parse_figure) */
	const char *value_text;
};
#define DTI_FIGURE_EDIT_INIT(code)                                             \
	{                                                                      \
		(code), NAN, NAN, NULL, 0, NULL                                \
	}
/* Sets *e to an edit of indicator `code` that changes nothing yet. */
DTI_EXTERN void dti_figure_edit_init(struct dti_figure_edit *e,
                                     const char *code);

/*
 * Sets figures of a unit's submission in one transaction (all or
 * nothing): each value is checked against the indicator's rule.  Editor of
 * the unit (or owner).  Bumps the submission's version.
 */
DTI_EXTERN enum dti_status
dti_submission_edit(struct dti_store *s, const char *cycle, const char *unit,
                    const struct dti_figure_edit *edits, size_t n,
                    int64_t expected_version, struct dti_error *err);
/*
 * Sets the figures of many units from a dataset (a data file read with
 * the cycle's framework, one cycle: the file's only one or the one named
 * by `data_cycle`), all in one transaction.  Owner, or the editor of every
 * unit in it.  *units_out and *figures_out (may be NULL) get the counts.
 */
DTI_EXTERN enum dti_status
dti_submission_import(struct dti_store *s, const char *cycle,
                      const struct dti_dataset *ds, const char *data_cycle,
                      size_t *units_out, size_t *figures_out,
                      struct dti_error *err);
/*
 * The evidence column of the same dataset (a form's "Tài liệu kiểm
 * chứng"): each unit's text for an indicator added to its submission as
 * evidence (a link when it is an http(s) URL, else a title), each its own
 * change, after dti_submission_import.  A text the submission already
 * holds for that indicator (same title or link) is not added again, so
 * importing a form twice adds nothing.  *added_out (may be NULL) gets how
 * many were added.  The same rights as dti_evidence_add.
 */
DTI_EXTERN enum dti_status dti_submission_import_evidence(
    struct dti_store *s, const char *cycle, const struct dti_dataset *ds,
    const char *data_cycle, size_t *added_out, struct dti_error *err);
/* Submits (draft or returned -> submitted).  Editor of the unit. */
DTI_EXTERN enum dti_status
dti_submission_submit(struct dti_store *s, const char *cycle, const char *unit,
                      int64_t expected_version, struct dti_error *err);
/* Excludes a unit from a cycle with a reason.  Owner. */
DTI_EXTERN enum dti_status
dti_submission_exclude(struct dti_store *s, const char *cycle, const char *unit,
                       const char *reason, struct dti_error *err);
/* Adds a submission for a unit (not created at opening).  Owner. */
DTI_EXTERN enum dti_status dti_submission_create(struct dti_store *s,
                                                 const char *cycle,
                                                 const char *unit,
                                                 struct dti_error *err);

struct dti_submission_info {
	char unit[64];
	enum dti_sub_state state;
	int64_t version;
	long long figures;
	long long evidence;
	char updated_at[21];
	char updated_by[DTI_USER_NAME_MAX];
};
DTI_EXTERN enum dti_status
dti_submission_get(struct dti_store *s, const char *cycle, const char *unit,
                   struct dti_submission_info *out, struct dti_error *err);

/* One indicator's entry in a submission. */
struct dti_figure_entry {
	const char *indicator;     /* node code */
	double value;              /* the unit's figure, NaN if none */
	double points;             /* self-assessed points, NaN if none */
	const char *comment;       /* "" if none */
	double reviewed;           /* the reviewer's figure, NaN if none */
	const char *review_reason; /* "" if not adjusted */
	const char *reviewed_by;   /* "" if not adjusted */
	const char *updated_at;    /* last change of the unit's entry */
	const char *updated_by;
};
/* One piece of evidence of a submission. */
struct dti_evidence_entry {
	int64_t id;
	const char *indicator;  /* node code, "" for the whole submission */
	const char *doc_number; /* "123/QĐ-UBND", "" if none */
	const char *doc_date;   /* "YYYY-MM-DD", "" if none */
	const char *issuer;     /* "" if none */
	const char *title;      /* "" if none */
	const char *link;       /* "" if none */
	const char *filename;   /* "" if no file */
	const char *sha256;     /* the file's SHA-256, "" if no file */
	long long size;         /* the file's bytes, 0 if no file */
	const char *media_type; /* "application/pdf", "" if no file */
	const char *added_at;
	const char *added_by;
};
/*
 * A submission whole: its state, every figure with self points, comment,
 * the reviewer's value and reason, and its evidence.  Free with
 * dti_submission_view_free().
 */
struct dti_submission_view {
	const char *cycle; /* label */
	const char *unit;  /* unit id */
	const char *name;  /* the unit's Vietnamese name */
	enum dti_sub_state state;
	int64_t version;
	const char *submitted_at; /* "" if never */
	const char *updated_at;
	const char *updated_by;
	const char *return_comment; /* "" if never returned */
	const char *exclude_reason; /* "" if not excluded */
	size_t nfigures;
	const struct dti_figure_entry *figures; /* in the framework's order */
	size_t nevidence;
	const struct dti_evidence_entry *evidence; /* by id */
};
/* Reads a submission.  Anyone with a role on the unit. */
DTI_EXTERN enum dti_status
dti_submission_view(struct dti_store *s, const char *cycle, const char *unit,
                    struct dti_submission_view **out, struct dti_error *err);
DTI_EXTERN void dti_submission_view_free(struct dti_submission_view *v);

/* ---- Evidence ---------------------------------------------------------- */

#define DTI_EVIDENCE_MAX_DEFAULT (20u * 1024u * 1024u) /* bytes per file */

struct dti_evidence_new {
	const char *indicator;  /* node code, or NULL for the submission */
	const char *doc_number; /* "123/QĐ-UBND", or NULL */
	const char *doc_date;   /* "YYYY-MM-DD", or NULL */
	const char *issuer;
	const char *title;
	const char *link; /* http(s) URL, or NULL */
	const void *data; /* uploaded file, or NULL */
	size_t size;
	const char *filename; /* its name: the extension must match content */
	size_t max_size;      /* 0: DTI_EVIDENCE_MAX_DEFAULT */
};
/* Sets *e to nothing given (every field NULL or 0). */
DTI_EXTERN void dti_evidence_new_init(struct dti_evidence_new *e);
/*
 * Adds evidence to a unit's submission.  The file, if any, is stored once
 * by SHA-256; its type is recognised from its first bytes (PDF, PNG, JPEG,
 * GIF, WebP, Office Open XML/ODF/ZIP, plain text/CSV) and must agree with
 * the extension; larger than max_size is DTI_ELIMIT.  At least a title, a
 * document number, a link or a file is needed.  id_out may be NULL.
 */
DTI_EXTERN enum dti_status dti_evidence_add(struct dti_store *s,
                                            const char *cycle, const char *unit,
                                            const struct dti_evidence_new *e,
                                            int64_t *id_out,
                                            struct dti_error *err);
/* Removes evidence while the submission may be edited. */
DTI_EXTERN enum dti_status dti_evidence_remove(struct dti_store *s, int64_t id,
                                               struct dti_error *err);
/*
 * Fetches an evidence file by evidence id: its bytes into data, its media
 * type and file name into the given arrays (may be NULL).
 */
DTI_EXTERN enum dti_status dti_evidence_get(struct dti_store *s, int64_t id,
                                            struct dti_buf *data,
                                            char media_type[64],
                                            char filename[256],
                                            struct dti_error *err);

/* ---- Review ------------------------------------------------------------ */

/*
 * Sets the reviewer's figure for an indicator (it replaces the unit's in
 * the computation), with a reason (required).  NaN removes the
 * adjustment.  Reviewer, cycle in review, submission submitted.
 */
DTI_EXTERN enum dti_status
dti_review_adjust(struct dti_store *s, const char *cycle, const char *unit,
                  const char *indicator, double value, const char *reason,
                  int64_t expected_version, struct dti_error *err);
/* Returns a submitted submission to its unit with a comment (required). */
DTI_EXTERN enum dti_status
dti_review_return(struct dti_store *s, const char *cycle, const char *unit,
                  const char *comment, int64_t expected_version,
                  struct dti_error *err);
/* Approves a submitted submission. */
DTI_EXTERN enum dti_status
dti_review_approve(struct dti_store *s, const char *cycle, const char *unit,
                   int64_t expected_version, struct dti_error *err);

/* ---- Results and publication ------------------------------------------- */

/*
 * The cycle's data as a dataset over its framework: each unit's figures,
 * the reviewer's where adjusted; excluded units left out.  The caller
 * frees *ds, *fw and *units (in that order).
 */
DTI_EXTERN enum dti_status
dti_cycle_dataset(struct dti_store *s, const char *cycle,
                  struct dti_framework **fw, struct dti_units **units,
                  struct dti_dataset **ds, struct dti_error *err);

/*
 * Computes the cycle and records the result (framework SHA-256, data
 * hash, program version, JSON of every unit's values and ranks).  Owner or
 * reviewer; the result is a preview until publication.
 */
DTI_EXTERN enum dti_status dti_cycle_compute(struct dti_store *s,
                                             const char *cycle,
                                             int64_t *result_id,
                                             struct dti_error *err);
/*
 * Publishes a closed cycle: every submission approved or excluded,
 * computes, stores an immutable snapshot with the audit chain's head and
 * moves the cycle to published.  Owner.
 */
/*
 * How to publish: expected_version as for dti_cycle_publish; partial = 1
 * publishes a result whose index cannot be computed for every unit
 * (values unknown, e.g. points not public), labelled partial in the
 * snapshot and in every output of it.  Without it such a cycle is refused
 * with DTI_EUNKNOWN.
 */
struct dti_publish_opts {
	int64_t expected_version;
	int partial;
};
#define DTI_PUBLISH_OPTS_INIT                                                  \
	{                                                                      \
		0, 0                                                           \
	}
DTI_EXTERN void dti_publish_opts_init(struct dti_publish_opts *o);
DTI_EXTERN enum dti_status
dti_cycle_publish_with(struct dti_store *s, const char *cycle,
                       const struct dti_publish_opts *o, struct dti_error *err);
/*
 * The signed checkpoint of a published cycle (checkpoint.c; format in
 * doc/store.md): one JSON object and a newline, into out.
 */
DTI_EXTERN enum dti_status dti_cycle_checkpoint(struct dti_store *s,
                                                const char *cycle,
                                                struct dti_buf *out,
                                                struct dti_error *err);
/*
 * The published snapshot of a cycle as a table, CSV or XLSX (format), the
 * ranking on the index with ranks in the group, rendered from the stored
 * result itself (never recomputed); labelled when partial.
 */
DTI_EXTERN enum dti_status
dti_cycle_results_render(struct dti_store *s, const char *cycle,
                         enum dti_format format, enum dti_lang lang,
                         struct dti_buf *out, struct dti_error *err);
DTI_EXTERN enum dti_status dti_cycle_publish(struct dti_store *s,
                                             const char *cycle,
                                             int64_t expected_version,
                                             struct dti_error *err);
/*
 * Writes the published snapshot of a cycle (or, with preview = 1 and an
 * owner/reviewer actor, the latest computed result) as stored: JSON with
 * framework, data hash, program version, audit head and results.
 */
DTI_EXTERN enum dti_status dti_cycle_results(struct dti_store *s,
                                             const char *cycle, int preview,
                                             struct dti_buf *out,
                                             struct dti_error *err);

#ifdef __cplusplus
}
#endif

#endif
