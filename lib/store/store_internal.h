/*
 * lib/store/store_internal.h - what the store's modules share: the store
 * struct, transactions with the write lock, ids, the clock, the actor's
 * roles, the audit append, unit names and the lists handed to callers.
 *
 * Modules: core.c (open, init, migrate, status, transactions, actor),
 * users.c, registry.c (units, frameworks), unitname.c (unit names on a
 * day), cycles.c, submissions.c, review.c, evidence.c (files and their
 * types), publication.c (results, snapshots), audit.c (chain, verify),
 * auditlog.c (reading the log), lists.c (memory of returned lists),
 * export.c (backup, export, import), schema.c, settings.c (the clock
 * setting), resultview.c (a snapshot as a table), views.c (the published
 * ranking, a unit's profile, the editor's preview), viewout.c (their
 * writers, the press-release sentence and the aligned tables),
 * chartview.c (a published cycle's charts), targets.c (a unit's targets,
 * tracked against the published cycles) and targetout.c (their writers).
 * Each public call that writes follows one pattern:
 *
 *     st = store_begin(s, err);          write lock, schema checked
 *     ... checks, reads, writes, store_audit(...) ...
 *     return store_end(s, st, err);       commit if st == DTI_OK, else
 *                                         roll back; returns the status
 *
 * A call that reads runs in store_begin_read() and returns data (a fixed
 * struct, a list from lists.c, or events to a callback), never text.
 */
#ifndef DTI_STORE_INTERNAL_H
#define DTI_STORE_INTERNAL_H

#include "base/base.h"
#include "dti/dti.h"
#include "store/db/db.h"

struct store_migration {
	int version;
	const char *description;
	const char *sql; /* template, see db_schema_sql() */
	/* run after sql on PostgreSQL only (NULL: nothing more) */
	const char *pg_sql;
};
extern const struct store_migration store_migrations[];
extern const size_t store_nmigrations;

struct store_table {
	const char *name;
	const char *key; /* ORDER BY of an export */
};
extern const struct store_table store_tables[];
extern const size_t store_ntables;

struct dti_store {
	struct db *db;
	char location[DTI_ERROR_FILE_MAX];
	int schema_version;  /* read at open and after init/migrate */
	char clock_req[21];  /* a fixed time asked for; "": system clock */
	int clock_trusted;   /* store_test_clock(): the setting is skipped */
	int clock_allowed;   /* the setting `clock` is "fixed" (read in
	                        store_begin and store_begin_read) */
	int clock_bootstrap; /* dti_store_init_with(allow_fixed_clock): the
	                        creator's fixed time until the admin sets it */
	char floor_at[21];   /* time of the last audit event; "" if none */
	char actor[DTI_USER_NAME_MAX]; /* "" : nobody */
	int64_t actor_id;
	struct dti_buf tmp; /* scratch for JSON of audit events */
	/* The last framework loaded by SHA-256 (frameworks never change). */
	struct dti_framework *fw_cache;
	char fw_cache_sha[65];
	/* Events being batched (store_audit_batch_begin), else NULL. */
	struct store_audit_batch *audit_batch;
};

/* The units registry as stored (inside a transaction). */
enum dti_status store_units_read(struct dti_store *s, struct dti_units **out,
                                 struct dti_error *err);

/* Framework reference ("id", "id@version", SHA-256 prefix) to its SHA-256. */
enum dti_status store_framework_sha(struct dti_store *s, const char *ref,
                                    char sha[65], struct dti_error *err);
/* A stored framework by SHA-256; free with dti_framework_free(). */
enum dti_status store_framework_load(struct dti_store *s, const char *sha,
                                     struct dti_framework **out,
                                     struct dti_error *err);
/* The same, kept in the store's cache: do not free. */
enum dti_status store_framework_cached(struct dti_store *s, const char *sha,
                                       const struct dti_framework **out,
                                       struct dti_error *err);

/* A cycle and a submission as the workflow reads them. */
struct store_cycle {
	int64_t id;
	char label[64];
	int year;
	char level[32];
	char framework_sha[65];
	char ref_date[11];
	char submit_deadline[11];
	char review_deadline[11];
	enum dti_cycle_state state;
	int64_t version;
};
struct store_sub {
	int64_t id;
	enum dti_sub_state state;
	int64_t version;
};
enum dti_status store_load_cycle(struct dti_store *s, const char *label,
                                 struct store_cycle *c, struct dti_error *err);
enum dti_status store_load_sub(struct dti_store *s, const struct store_cycle *c,
                               const char *unit, struct store_sub *sub,
                               struct dti_error *err);
/*
 * DTI_OK when the actor may change the unit's submission now (editor of
 * the unit or owner; cycle open and before the deadline, or submission
 * returned), else the refusal.  `what` names the change in the message.
 */
enum dti_status store_may_edit(struct dti_store *s, const struct store_cycle *c,
                               const char *unit, const struct store_sub *sub,
                               const char *what, struct dti_error *err);
/* Bumps a submission's version and stamps it (inside a write). */
enum dti_status store_touch_sub(struct dti_store *s, struct store_sub *sub,
                                struct dti_error *err);

/*
 * "YYYY-MM-DDTHH:MM:SSZ": the store's time, never before the last audit
 * event's (read by store_begin and store_begin_read).
 */
void store_now(const struct dti_store *s, char out[21]);
/*
 * Fixes the clock without the store's setting: for unit tests only, which
 * link the static library; not exported.  NULL returns to the system's.
 */
enum dti_status store_test_clock(struct dti_store *s, const char *now);

/*
 * Starts a write transaction with the store-wide lock (PostgreSQL: the
 * audit_head row FOR UPDATE); DTI_ESTATE if the schema is missing or
 * older than this program's.
 */
enum dti_status store_begin(struct dti_store *s, struct dti_error *err);
/* Starts a read transaction (one consistent snapshot). */
enum dti_status store_begin_read(struct dti_store *s, struct dti_error *err);
/* Commits when st is DTI_OK, else rolls back; returns the final status. */
enum dti_status store_end(struct dti_store *s, enum dti_status st,
                          struct dti_error *err);
/* Checks that the schema is current (for calls outside store_begin). */
enum dti_status store_check_schema(struct dti_store *s, struct dti_error *err);

/* Next id of a table with an integer `id` column (under the write lock). */
enum dti_status store_next_id(struct dti_store *s, const char *table,
                              int64_t *id, struct dti_error *err);

/*
 * The actor holds role (globally, or for unit when unit != NULL and the
 * role is scoped).  Admin satisfies every role; owner satisfies reviewer
 * and editor; any role satisfies viewer.
 */
int store_actor_has(struct dti_store *s, enum dti_role role, const char *unit);
/* DTI_EPERM with "user X may not <what>" unless store_actor_has(). */
enum dti_status store_require(struct dti_store *s, enum dti_role role,
                              const char *unit, const char *what,
                              struct dti_error *err);

/*
 * Appends an event to the audit chain inside the current write
 * transaction.  before/after are JSON texts or NULL.
 */
enum dti_status store_audit(struct dti_store *s, const char *action,
                            const char *cycle, const char *unit,
                            const char *object, const char *before,
                            const char *after, struct dti_error *err);
/*
 * Many events in one write transaction (an import): between begin and
 * end, store_audit() chains the events in memory from the head read once,
 * queues them in a bulk insert, and store_audit_batch_end() writes them
 * and the head.  The events and hashes are those of one store_audit() at
 * a time.  release (after end, or instead of it on failure) leaves the
 * store appending one event at a time again; the transaction must then be
 * rolled back if end did not succeed.
 */
struct store_audit_batch {
	struct db_stmt *ins;
	int64_t seq;
	char hash[65];
	size_t events;
};
enum dti_status store_audit_batch_begin(struct dti_store *s,
                                        struct store_audit_batch *b,
                                        struct dti_error *err);
enum dti_status store_audit_batch_end(struct dti_store *s,
                                      struct store_audit_batch *b,
                                      struct dti_error *err);
void store_audit_batch_release(struct dti_store *s,
                               struct store_audit_batch *b);
/*
 * Replay (replay.c): the state the audit log implies, built event by
 * event, then compared with the tables (first difference in rep).
 */
struct store_replay;
/* extra_ok: rows the log does not explain are accepted (import). */
struct store_replay *store_replay_new(int extra_ok);
void store_replay_free(struct store_replay *r);
void store_replay_event(struct store_replay *r, const char *actor,
                        const char *action, const char *cycle, const char *unit,
                        const char *object, const char *before_json,
                        const char *after_json);
enum dti_status store_replay_compare(struct dti_store *s,
                                     struct store_replay *r,
                                     struct dti_audit_report *rep,
                                     struct dti_error *err);
/*
 * The checks of dti_audit_verify() inside the caller's transaction (read
 * or write), so that import can check what it loaded before it commits:
 * the chain, and the tables against the state the events imply.  Import
 * runs it with extra_ok = 1: a row the log implies but which is missing,
 * or which differs, is refused, while rows no event explains (bulk loads
 * that bypass the log) are accepted; 'audit verify' reports those too.
 */
enum dti_status store_audit_check_state(struct dti_store *s, int extra_ok,
                                        struct dti_audit_report *rep,
                                        struct dti_error *err);
/*
 * checkpoint.c: the store's Ed25519 key pair (created, and recorded by a
 * store.key event, when there is none yet), and a signed checkpoint of
 * the audit head for a published cycle, as JSON into out (NUL-ended).
 */
enum dti_status store_signing_key(struct dti_store *s, char pk_hex[65],
                                  unsigned char sk[crypto_sign_SECRETKEYBYTES],
                                  struct dti_error *err);
enum dti_status store_checkpoint_make(struct dti_store *s, const char *cycle,
                                      const char *result_sha,
                                      struct dti_buf *out,
                                      struct dti_error *err);
/* SHA-256 of an event's fields and its predecessor's hash (audit.c). */
void store_audit_hash(int64_t seq, const char *at, const char *actor,
                      const char *action, const char *cycle, const char *unit,
                      const char *object, const char *before, const char *after,
                      const char *prev, char out[65]);

/* Whether a table exists in the database (for init and status). */
enum dti_status store_table_exists(struct dti_store *s, const char *table,
                                   int *exists, struct dti_error *err);

/* A user's id and disabled flag (may be NULL) by name; DTI_ENOTFOUND. */
enum dti_status store_find_user(struct dti_store *s, const char *name,
                                int64_t *id, int *disabled,
                                struct dti_error *err);

/* ---- unitname.c: unit names ---------------------------------------------- */

/*
 * The unit named by `text` (an id, or a code, name or alias read as on
 * `date`; NULL or "": today), inside a transaction (see
 * dti_store_unit_find).
 */
enum dti_status store_unit_resolve(struct dti_store *s, const char *text,
                                   const char *date, struct dti_unit_ref *out,
                                   struct dti_error *err);
/* The id of the unit `text` names in cycle c (as on its reference date). */
enum dti_status store_cycle_unit(struct dti_store *s,
                                 const struct store_cycle *c, const char *text,
                                 char id[64], struct dti_error *err);

/* ---- views.c: the published views inside a read transaction ------------ */

/*
 * dti_store_ranking() and dti_store_profile() inside the caller's read
 * transaction, so that chartview.c reads one consistent store for a
 * chart.  A profile read so has no explanation (explained = 0): one
 * recomputes the cycle, and a chart shows only the snapshot's numbers.
 */
enum dti_status store_ranking_read(struct dti_store *s, const char *cycle,
                                   const struct dti_view_opts *o,
                                   struct dti_ranking **out,
                                   struct dti_error *err);
enum dti_status store_profile_read(struct dti_store *s, const char *cycle,
                                   const char *unit,
                                   const struct dti_view_opts *o,
                                   struct dti_profile **out,
                                   struct dti_error *err);
/*
 * For each of the n node codes (matched as a ranking matches its node),
 * over every unit of the published cycle's snapshot, read once: the mean
 * of the published values (all[k]), the same over the units of group
 * (in_group[k]; group NULL or "": NaN), NaN where no unit has a value,
 * and the number of units ranked on it (ranked[k]).  A code the snapshot
 * does not have gives NaN, NaN and 0.  The means are exact: the values,
 * decimals at the published precision, are summed as integers and
 * divided once.  all, in_group or ranked may be NULL.  Errors as a
 * ranking's for the cycle.
 */
enum dti_status store_view_node_stats(struct dti_store *s, const char *cycle,
                                      size_t n, const char *const *codes,
                                      const char *group, double *all,
                                      double *in_group, size_t *ranked,
                                      struct dti_error *err);

/* ---- lists.c: what reading calls hand to callers ------------------------ */

/*
 * A zeroed public struct of `size` bytes with an arena for its strings and
 * arrays (*arena); store_list_free() frees the struct and the arena.
 */
void *store_list_new(size_t size, struct dti_arena **arena);
void store_list_free(void *pub);
/* s (NULL as "") copied into the arena; on failure "" and *oom = 1. */
const char *store_keep(struct dti_arena *a, const char *s, int *oom);

/* Items of `size` bytes collected while rows are read. */
struct store_vec {
	unsigned char *items;
	size_t n, cap, size;
};
#define STORE_VEC_INIT(type)                                                   \
	{                                                                      \
		NULL, 0, 0, sizeof(type)                                       \
	}
/* A new zeroed item at the end (valid until the next add); NULL: no memory. */
void *store_vec_add(struct store_vec *v);
void *store_vec_at(const struct store_vec *v, size_t i);
/*
 * Copies the items into the arena and releases the vector; NULL when
 * there are none, or (with *oom = 1) when out of memory.  v->n stays.
 */
void *store_vec_keep(struct store_vec *v, struct dti_arena *a, int *oom);
void store_vec_release(struct store_vec *v);

/* ---- viewout.c: aligned tables for a terminal ------------------------- */

/*
 * Cells as text, row by row, written aligned by display width (a column
 * right-aligned when its bit of `right` is set; two spaces between
 * columns; no trailing blanks).  store_tab_next starts the next cell and
 * returns the buffer its text is appended to; store_tab_esc appends text
 * from a file or a user escaped for the terminal.  A failure is sticky
 * and reported by store_tab_write as the output's status.
 */
struct store_tab {
	struct dti_buf cell; /* every cell, NUL-ended, one after another */
	size_t *start;       /* offsets into cell.data */
	size_t n, cap, cols;
	unsigned right; /* bit k: column k right-aligned */
	int oom;
};
void store_tab_init(struct store_tab *t, size_t cols, unsigned right);
void store_tab_release(struct store_tab *t);
struct dti_buf *store_tab_next(struct store_tab *t);
void store_tab_text(struct store_tab *t, const char *s);
void store_tab_esc(struct store_tab *t, const char *s);
void store_tab_write(struct store_tab *t, struct dti_buf *out);

/* ---- cycles.c ----------------------------------------------------------- */

/* "open", "in review", ...: a cycle's state inside a sentence. */
const char *store_state_phrase(enum dti_cycle_state st);
enum dti_status store_check_version(int64_t expected, int64_t current,
                                    const char *what, struct dti_error *err);
enum dti_status store_need_text(const char *t, const char *field,
                                const char *what, struct dti_error *err);
enum dti_status store_set_cycle_state(struct dti_store *s,
                                      struct store_cycle *c,
                                      enum dti_cycle_state to,
                                      const char *extra, struct dti_error *err);

/* ---- publication.c ------------------------------------------------------ */

/*
 * The cycle's data as dti_cycle_dataset() gives it (every submission but
 * the excluded ones, the reviewer's figure where adjusted), inside the
 * caller's transaction; the caller frees *ds, *fw and *units.
 */
enum dti_status
store_build_dataset(struct dti_store *s, const struct store_cycle *c,
                    struct dti_framework **fw, struct dti_units **units,
                    struct dti_dataset **ds, struct dti_error *err);

/* ---- submissions.c ------------------------------------------------------ */

/* A one-cell dataset on which the engine checks figures against rules. */
struct store_checker {
	struct dti_dataset *ds;
	const struct dti_framework *fw;
};

struct store_fig {
	int exists;
	double value, points, reviewed;
	char *comment;
};

/* Every figure of one submission, read at once, sorted by indicator. */
struct store_figrow {
	char *indicator;
	struct store_fig f;
};
struct store_figset {
	struct store_figrow *rows;
	size_t n, cap;
};

/*
 * What edits of figures need.  put and del are bulk statements
 * (db_prepare_bulk): rows they hold back are written by
 * store_edit_ctx_flush(), which must run before the figures are read
 * again or the transaction commits.
 */
struct store_edit_ctx {
	struct db_stmt *get, *put, *del;
	struct db_stmt *ins;      /* a new figure (bulk) */
	struct db_stmt *touch;    /* a submission's version (bulk) */
	struct db_stmt *all;      /* every figure of a submission */
	struct store_figset have; /* of the submission being edited */
	int64_t wrote_sub;        /* the last submission written, 0 none */
	/* when known (an import), the submissions that have figures: the
	 * others are not read */
	int64_t *with_figs;
	size_t nwith_figs;
	int with_figs_known;
	struct dti_buf before, after;
	struct store_checker ck;
};

enum dti_status store_set_sub_state(struct dti_store *s, struct store_sub *sub,
                                    enum dti_sub_state to,
                                    struct dti_error *err);
enum dti_status store_checker_init(struct store_checker *ck,
                                   const struct dti_framework *fw,
                                   struct dti_error *err);
enum dti_status store_checker_node(struct store_checker *ck, const char *code,
                                   const char *cycle, size_t *node,
                                   struct dti_error *err);
enum dti_status store_checker_value(struct store_checker *ck, size_t node,
                                    double v, const char *code,
                                    struct dti_error *err);
enum dti_status store_checker_points(struct store_checker *ck, size_t node,
                                     double p, const char *code,
                                     struct dti_error *err);
void store_checker_free(struct store_checker *ck);
void store_json_num(struct dti_buf *b, double v);
enum dti_status store_read_fig(struct db_stmt *get, int64_t sub,
                               const char *code, struct store_fig *f,
                               struct dti_error *err);
enum dti_status store_edit_ctx_init(struct dti_store *s,
                                    const struct store_cycle *c,
                                    struct store_edit_ctx *x,
                                    struct dti_error *err);
enum dti_status store_edit_ctx_flush(struct store_edit_ctx *x,
                                     struct dti_error *err);
void store_edit_ctx_release(struct store_edit_ctx *x);
/*
 * dti_submission_edit inside the caller's write transaction: the same
 * checks (role, state, version unless expected_version is 0, each value
 * against its rule) and the same rows and audit event.
 */
enum dti_status store_edit_figures(struct dti_store *s, const char *cycle,
                                   const char *unit,
                                   const struct dti_figure_edit *edits,
                                   size_t n, int64_t expected_version,
                                   struct dti_error *err);
enum dti_status store_sub_event(struct dti_store *s,
                                const struct store_cycle *c, const char *unit,
                                const char *action, enum dti_sub_state from,
                                const struct store_sub *sub, const char *key,
                                const char *text, struct dti_error *err);

#endif
