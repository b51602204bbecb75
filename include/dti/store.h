/*
 * dti/store.h - the persistent store of dti: one SQLite file or a
 * PostgreSQL database holding units, frameworks, users, the assessment
 * workflow (see workflow.h), results and the audit log.
 *
 * A store is opened from a location: a file path (SQLite, created on
 * first use, WAL journal, foreign keys on, STRICT tables) or a
 * "postgresql://" / "postgres://" URI (libpq).  Both backends share one
 * schema and one set of forward-only migrations; the schema version is
 * recorded in the table schema_migrations.  A store must be initialised
 * (dti_store_init) before use and migrated (dti_store_migrate) when the
 * program is newer than the schema; other calls refuse an uninitialised or
 * outdated store with DTI_ESTATE.
 *
 * Every call that changes something runs in one transaction and appends
 * one or more events to the audit log: a call either happens completely or
 * not at all, and a failed call changes nothing.  Writes are serialised
 * (SQLite: BEGIN IMMEDIATE with a busy timeout; PostgreSQL: a row lock on
 * the head of the audit chain), so the chain stays linear with any number
 * of writers.
 *
 * The actor: changes are made by a named user (dti_store_set_actor), whose
 * roles decide what is allowed (DTI_EPERM otherwise).  Until the first user
 * exists, dti_user_add may be called without an actor and makes an admin.
 *
 * Ownership: a struct dti_store is not thread-safe; open one per thread.
 * Calls that read return data, never text: a fixed struct the caller
 * passes in (dti_store_status, dti_unit_ref), a list the caller owns and
 * frees with the list's _free function, which accepts NULL (its strings
 * and arrays go with it: dti_user_list, dti_store_framework_list), or
 * events handed one at a time to a callback, their strings valid during
 * the callback only (dti_audit_log).  Formatting them is the caller's
 * business.
 */
#ifndef DTI_STORE_H
#define DTI_STORE_H

#include "dti/export.h"

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "error.h"
#include "framework.h"
#include "units.h"

#ifdef __cplusplus
extern "C" {
#endif

struct dti_store;

enum dti_backend { DTI_BACKEND_SQLITE = 1, DTI_BACKEND_POSTGRES = 2 };

/* Schema version this program writes and reads. */
DTI_EXTERN int dti_store_schema_latest(void);

/*
 * Opens a store.  A path names an SQLite file (created if missing); a
 * postgresql:// URI a PostgreSQL database.  The store need not be
 * initialised yet.  The clock is the system's (see dti_store_fix_clock);
 * the library reads no environment variable.
 */
DTI_EXTERN enum dti_status dti_store_open(const char *location,
                                          struct dti_store **out,
                                          struct dti_error *err);
DTI_EXTERN void dti_store_close(struct dti_store *s);
DTI_EXTERN enum dti_backend dti_store_backend(const struct dti_store *s);

/*
 * Creates the schema at the latest version in an empty database.
 * DTI_EEXIST if it is already initialised.  DTI_ESTATE if a fixed time was
 * asked for (dti_store_fix_clock): a new store keeps the system clock
 * unless created with allow_fixed_clock.
 */
DTI_EXTERN enum dti_status dti_store_init(struct dti_store *s,
                                          struct dti_error *err);
struct dti_store_init_options {
	/*
	 * 1: the fixed time asked for is used from the start, and the first
	 * admin is expected to record the setting at once with
	 * dti_store_allow_fixed_clock(s, 1, ...) (an audit event).
	 */
	int allow_fixed_clock;
};
#define DTI_STORE_INIT_OPTIONS_INIT                                            \
	{                                                                      \
		0                                                              \
	}
DTI_EXTERN void dti_store_init_options_init(struct dti_store_init_options *o);
DTI_EXTERN enum dti_status
dti_store_init_with(struct dti_store *s,
                    const struct dti_store_init_options *opts,
                    struct dti_error *err);
/*
 * Applies the migrations the schema lacks, each in its own transaction;
 * *from and *to (may be NULL) get the versions before and after.
 */
DTI_EXTERN enum dti_status dti_store_migrate(struct dti_store *s, int *from,
                                             int *to, struct dti_error *err);

struct dti_store_status {
	enum dti_backend backend;
	int schema_version; /* 0: not initialised */
	int schema_latest;
	long long units, frameworks, users, cycles, submissions, figures,
	    evidence, blobs, results, snapshots, audit_events;
	char audit_head[65]; /* hash of the last event, "" if none */
};
DTI_EXTERN enum dti_status dti_store_status(struct dti_store *s,
                                            struct dti_store_status *out,
                                            struct dti_error *err);

/*
 * The clock.  A store keeps the system clock unless its setting `clock`
 * says "fixed"; only then is a fixed time honoured.  dti_store_fix_clock
 * asks for one ("YYYY-MM-DDTHH:MM:SSZ"; NULL or "" returns to the
 * system's): DTI_ESYNTAX for a malformed or impossible time, DTI_ESTATE if
 * the store does not allow fixed times (a store not yet initialised or
 * migrated answers at its first transaction instead).  Whatever the
 * clock says, the store's time never goes back before its last audit
 * event: events, stamps and deadline checks all use the later of the two.
 */
DTI_EXTERN enum dti_status dti_store_fix_clock(struct dti_store *s,
                                               const char *now,
                                               struct dti_error *err);
/* dti_store_fix_clock without an error message. */
DTI_EXTERN enum dti_status dti_store_set_clock(struct dti_store *s,
                                               const char *now);
/*
 * Allows (1) or forbids (0) fixed times in this store: the setting
 * `clock`, "fixed" or "system".  Admin; an audit event store.setting when
 * it changes (*changed, may be NULL, says whether it did).
 */
DTI_EXTERN enum dti_status dti_store_allow_fixed_clock(struct dti_store *s,
                                                       int allow, int *changed,
                                                       struct dti_error *err);
/* *allowed = 1 if the store honours fixed times. */
DTI_EXTERN enum dti_status
dti_store_clock_fixed(struct dti_store *s, int *allowed, struct dti_error *err);

/*
 * Names the user who acts from now on (NULL: nobody).  DTI_ENOTFOUND if no
 * such user, DTI_EPERM if the user is disabled.
 */
DTI_EXTERN enum dti_status dti_store_set_actor(struct dti_store *s,
                                               const char *user,
                                               struct dti_error *err);
/* The acting user, NULL if nobody; valid until the actor changes. */
DTI_EXTERN const char *dti_store_actor(const struct dti_store *s);

/*
 * Group commit: the calls made between dti_store_group_begin and
 * dti_store_group_commit are committed together, in one transaction (one
 * write to disk for many changes).  Each call still happens completely or
 * not at all: a failed call is undone alone (a savepoint) and the others
 * stand.  The changes are durable, and visible to other connections, only
 * when dti_store_group_commit returns DTI_OK; if it fails, none of them
 * happened.  dti_store_group_abort undoes them all.  The store's writers
 * wait while a group is open: keep groups short.  DTI_ESTATE if a group is
 * already open (begin) or none is (commit).
 */
DTI_EXTERN enum dti_status dti_store_group_begin(struct dti_store *s,
                                                 struct dti_error *err);
DTI_EXTERN enum dti_status dti_store_group_commit(struct dti_store *s,
                                                  struct dti_error *err);
DTI_EXTERN void dti_store_group_abort(struct dti_store *s);

/* ---- Users, roles, credentials ---------------------------------------- */

enum dti_role {
	DTI_ROLE_ADMIN = 1,    /* users and roles; everything an owner does */
	DTI_ROLE_OWNER = 2,    /* the index owner: frameworks, units, cycles,
	                          exclusion, publication */
	DTI_ROLE_REVIEWER = 3, /* adjusts, returns, approves in review */
	DTI_ROLE_EDITOR = 4,   /* enters a unit's figures; scoped to units */
	DTI_ROLE_VIEWER = 5    /* reads everything, changes nothing */
};
DTI_EXTERN const char *dti_role_name(enum dti_role r); /* "admin", ... */
/* Role by name; 0 if unknown. */
DTI_EXTERN enum dti_role dti_role_parse(const char *name);

/*
 * Adds a user.  password may be NULL (no password login; tokens only).
 * The first user of a store may be added without an actor and becomes an
 * admin; later users need an admin actor and start without roles.
 */
DTI_EXTERN enum dti_status dti_user_add(struct dti_store *s, const char *name,
                                        const char *display_name,
                                        const char *password,
                                        struct dti_error *err);
/*
 * Grants (grant = 1) or revokes (0) a role.  unit names the unit an editor
 * role is scoped to (required for DTI_ROLE_EDITOR, NULL for the others):
 * its id, or a name read as on today's date (see dti_store_unit_find).
 */
DTI_EXTERN enum dti_status dti_user_role(struct dti_store *s, const char *name,
                                         enum dti_role role, const char *unit,
                                         int grant, struct dti_error *err);
/* The same, with a unit name read as on `date` ("YYYY-MM-DD"; NULL: today). */
DTI_EXTERN enum dti_status dti_user_role_on(struct dti_store *s,
                                            const char *name,
                                            enum dti_role role,
                                            const char *unit, const char *date,
                                            int grant, struct dti_error *err);
/* Sets a password (Argon2id).  A user may set their own; admins anyone's. */
DTI_EXTERN enum dti_status dti_user_passwd(struct dti_store *s,
                                           const char *name,
                                           const char *password,
                                           struct dti_error *err);
/*
 * Creates an API token for a user and writes it (shown once, only its
 * hash is stored) to token_out.  Admins for anyone, users for themselves.
 */
#define DTI_TOKEN_MAX 80
DTI_EXTERN enum dti_status dti_user_token(struct dti_store *s, const char *name,
                                          const char *label,
                                          char token_out[DTI_TOKEN_MAX],
                                          struct dti_error *err);
/* Revokes a token by its label. */
DTI_EXTERN enum dti_status dti_user_token_revoke(struct dti_store *s,
                                                 const char *name,
                                                 const char *label,
                                                 struct dti_error *err);
/*
 * Checks credentials and, when they hold, names the user in user_out.
 * DTI_EPERM for a wrong password or unknown/revoked token (the same error,
 * so a caller learns nothing about which users exist).
 */
#define DTI_USER_NAME_MAX 64
DTI_EXTERN enum dti_status dti_user_login(struct dti_store *s, const char *name,
                                          const char *password,
                                          struct dti_error *err);
DTI_EXTERN enum dti_status dti_user_from_token(struct dti_store *s,
                                               const char *token,
                                               char user_out[DTI_USER_NAME_MAX],
                                               struct dti_error *err);
/* One role of a user. */
struct dti_user_grant {
	enum dti_role role;
	const char *unit; /* unit id of an editor role; "" for the others */
};
/* A user and its roles. */
struct dti_user_entry {
	const char *name;
	const char *display_name; /* "" if none */
	const char *created_at;   /* "YYYY-MM-DDTHH:MM:SSZ" */
	int disabled;             /* 1: may not act */
	int has_password;         /* 0: logs in with tokens only */
	size_t nroles;
	const struct dti_user_grant *roles; /* by role name, then unit */
};
/* Every user of a store, by name.  Free with dti_user_list_free(). */
struct dti_user_list {
	size_t n;
	const struct dti_user_entry *users;
};
/* Lists the users with their roles into *out (the caller's). */
DTI_EXTERN enum dti_status dti_user_list(struct dti_store *s,
                                         struct dti_user_list **out,
                                         struct dti_error *err);
/* Frees a list and every string in it; NULL is allowed. */
DTI_EXTERN void dti_user_list_free(struct dti_user_list *l);

/* ---- Units and frameworks ---------------------------------------------- */

/*
 * Imports a units registry at a level ("province", "ministry", "district",
 * ...): new units are added, existing ones (same id) updated.  Owner.
 * *added and *updated may be NULL.
 */
DTI_EXTERN enum dti_status
dti_store_units_import(struct dti_store *s, const struct dti_units *u,
                       const char *level, size_t *added, size_t *updated,
                       struct dti_error *err);
/*
 * Builds a units registry from the store (every unit, any level), in the
 * format of dti_units_parse; free with dti_units_free().
 */
DTI_EXTERN enum dti_status dti_store_units(struct dti_store *s,
                                           struct dti_units **out,
                                           struct dti_error *err);

/* A unit as the store resolved a name of it. */
struct dti_unit_ref {
	char id[64];
	char code[64];
	char name_vi[256];
	char valid_from[11]; /* "YYYY-MM-DD", "" if always */
	char valid_to[11];   /* "YYYY-MM-DD", "" if still valid */
	char date[11];       /* the day the name was read as on */
};
/*
 * Finds a unit of the store by its id or by any usual name: code, name or
 * alias, matched tolerantly ("Đà Nẵng", "TP. Đà Nẵng", "da nang", "48").
 * An exact unit id names that unit whatever the date.  Anything else is
 * read among the units valid on the day that fixes its meaning: the
 * reference date of `cycle` when a cycle is given, else `date`
 * ("YYYY-MM-DD"), else today (the store's clock), so that a name two units
 * share across a merger (Đà Nẵng until 2025-06-30 and from 2025-07-01)
 * names the one of that day.  DTI_ENOTFOUND when no unit answers (the
 * message gives the nearest name, or the unit of another period the name
 * denotes and its successors), DTI_EAMBIGUOUS when several do (naming
 * them), DTI_ENOTFOUND for an unknown cycle, DTI_ESYNTAX for a bad date.
 * Every call of this API that takes a unit reads it so.
 */
DTI_EXTERN enum dti_status
dti_store_unit_find(struct dti_store *s, const char *text, const char *cycle,
                    const char *date, struct dti_unit_ref *out,
                    struct dti_error *err);

/*
 * Stores a framework file's text (checked by dti_framework_parse first).
 * Frameworks are content-addressed: sha_out gets the SHA-256 of the text.
 * A text whose id and version are already stored with other content
 * replaces it only while no cycle uses it (DTI_ESTATE otherwise: give the
 * new text a new version).  Owner.
 */
DTI_EXTERN enum dti_status dti_store_framework_add(struct dti_store *s,
                                                   const char *text, size_t len,
                                                   const char *name,
                                                   char sha_out[65],
                                                   struct dti_error *err);
/*
 * Loads a stored framework by "id", "id@version" or SHA-256 (prefix of at
 * least 8 hex digits); free with dti_framework_free().
 */
DTI_EXTERN enum dti_status dti_store_framework(struct dti_store *s,
                                               const char *ref,
                                               struct dti_framework **out,
                                               struct dti_error *err);
/* A stored framework. */
struct dti_store_framework_entry {
	const char *id;      /* "pdti-2022" */
	const char *version; /* "2022" */
	const char *sha256;  /* SHA-256 of its text, 64 hex digits */
	int year;            /* 0 if the framework names none */
	const char *level;   /* "province", "" if none */
	const char *name;    /* the file it was added from */
	const char *added_at;
	const char *added_by;
	long long cycles; /* cycles using it */
};
/*
 * The stored frameworks, by id then version.  Free with
 * dti_store_framework_list_free().
 */
struct dti_store_framework_list {
	size_t n;
	const struct dti_store_framework_entry *frameworks;
};
DTI_EXTERN enum dti_status
dti_store_framework_list(struct dti_store *s,
                         struct dti_store_framework_list **out,
                         struct dti_error *err);
DTI_EXTERN void
dti_store_framework_list_free(struct dti_store_framework_list *l);

/* ---- Audit ------------------------------------------------------------- */

struct dti_audit_filter {
	/*
	 * A unit id or name, or NULL.  A name is read as on the reference
	 * date of `cycle` when one is given, else as on `date` (see
	 * dti_store_unit_find).
	 */
	const char *unit;
	const char *user;   /* actor, or NULL */
	const char *cycle;  /* cycle label, or NULL */
	const char *action; /* "submission.submit", or NULL */
	long long after;    /* events with seq > after */
	size_t limit;       /* 0: all */
	const char *date;   /* "YYYY-MM-DD" for a unit name; NULL: today */
};
#define DTI_AUDIT_FILTER_INIT                                                  \
	{                                                                      \
		NULL, NULL, NULL, NULL, 0, 0, NULL                             \
	}
/* Sets *f to no filter (the same as DTI_AUDIT_FILTER_INIT). */
DTI_EXTERN void dti_audit_filter_init(struct dti_audit_filter *f);

/* An event of the audit log; its strings live during the callback only. */
struct dti_audit_event {
	int64_t seq;        /* 1, 2, ... */
	const char *at;     /* "YYYY-MM-DDTHH:MM:SSZ" */
	const char *actor;  /* user name, "-" for nobody */
	const char *action; /* "submission.submit" */
	const char *cycle;  /* cycle label, "" if none */
	const char *unit;   /* unit id, "" if none */
	const char *object; /* "submission dti-2022/48" */
	const char *before; /* JSON of the change's object before, or NULL */
	const char *after;  /* JSON of it after, or NULL */
	const char *prev;   /* hash of the event before, "" for the first */
	const char *hash;   /* SHA-256 of the event (see dti_audit_verify) */
};
/*
 * Receives one event; anything but DTI_OK stops the log, which returns
 * that status.  It must not call the store.
 */
typedef enum dti_status (*dti_audit_fn)(void *ctx,
                                        const struct dti_audit_event *ev);
/*
 * Hands the matching events to fn, oldest first, one at a time, so that a
 * caller never holds the whole log.  Viewer (of the unit when one is
 * given).
 */
DTI_EXTERN enum dti_status dti_audit_log(struct dti_store *s,
                                         const struct dti_audit_filter *f,
                                         dti_audit_fn fn, void *ctx,
                                         struct dti_error *err);

struct dti_audit_report {
	long long events;  /* events checked */
	long long bad_seq; /* first bad event, 0 if none */
	char problem[256]; /* what is wrong with it, "" if nothing */
	char head[65];     /* hash of the last good event */
	/*
	 * When the chain is intact but a table differs from what its events
	 * imply (bad_seq 0): the table and the row's key ("dti-2022/48/
	 * smart_city"); problem then says what differs.
	 */
	char table[32];
	char key[192];
};
/*
 * Recomputes the hash chain and checks it against the stored head and the
 * heads recorded by published snapshots.  Returns DTI_OK when intact;
 * DTI_EINVALID naming the first bad event (edited, deleted, inserted or
 * reordered) otherwise.
 */
DTI_EXTERN enum dti_status dti_audit_verify(struct dti_store *s,
                                            struct dti_audit_report *rep,
                                            struct dti_error *err);

/*
 * Checks a signed checkpoint (text, len: its JSON) against the store: the
 * signature over its fields, its key recorded in the audit log, event seq
 * still in the log with the hash signed, the published result still of
 * the digest signed; then everything dti_audit_verify checks.
 * DTI_EINVALID with rep->table "checkpoint" and rep->problem saying what
 * differs (rep->bad_seq the event, when one is concerned).
 */
DTI_EXTERN enum dti_status
dti_audit_verify_checkpoint(struct dti_store *s, const char *text, size_t len,
                            struct dti_audit_report *rep,
                            struct dti_error *err);

/* ---- Backup, export, import -------------------------------------------- */

/*
 * Copies an SQLite store to a new file (mode 0600) with the online backup
 * API: into a temporary file beside path, linked into place when complete
 * (DTI_EEXIST if path exists).  Like an export, needs an owner or an admin
 * unless the store has no user yet.  opts->temp (NULL: one is made) names
 * an empty file beside path, created by the caller, to copy into: a caller
 * that removes it on a signal leaves nothing behind when interrupted.  On
 * failure the temporary file and its journals are removed.
 */
struct dti_backup_opts {
	const char *temp;
};
DTI_EXTERN void dti_backup_opts_init(struct dti_backup_opts *o);
DTI_EXTERN enum dti_status
dti_store_backup_with(struct dti_store *s, const char *path,
                      const struct dti_backup_opts *opts,
                      struct dti_error *err);
/* dti_store_backup_with() with a temporary file of its own. */
DTI_EXTERN enum dti_status
dti_store_backup(struct dti_store *s, const char *path, struct dti_error *err);

/*
 * Writes everything the store holds (every table, uploaded files in
 * base64) as NDJSON: a header line, then one line per row, tables in
 * dependency order, rows in key order, then a trailer line with the rows
 * of each table and the SHA-256 of every byte before it (doc/store.md
 * gives the exact form).  The form is the same for both backends, so an
 * export moves a store from SQLite to PostgreSQL.
 *
 * The acting user must be an owner or an admin (DTI_EPERM otherwise),
 * unless the store has no user yet.  Without with_secrets, password
 * hashes are written as null and token hashes as "redacted:<token id>",
 * and the header says "secrets":false; with_secrets writes them as stored
 * and needs an admin.
 */
struct dti_export_opts {
	int with_secrets; /* password and token hashes as stored (admin) */
};
DTI_EXTERN void dti_export_opts_init(struct dti_export_opts *o);

/* The export into a buffer, without secrets. */
DTI_EXTERN enum dti_status dti_store_export(struct dti_store *s,
                                            struct dti_buf *out,
                                            struct dti_error *err);
/* Streams the export to a FILE-like sink instead of memory. */
typedef enum dti_status (*dti_write_fn)(void *ctx, const char *p, size_t n);
/* opts may be NULL (dti_export_opts_init's defaults: no secrets). */
DTI_EXTERN enum dti_status
dti_store_export_with(struct dti_store *s, const struct dti_export_opts *opts,
                      dti_write_fn write, void *ctx, struct dti_error *err);
/* dti_store_export_with() with the defaults. */
DTI_EXTERN enum dti_status dti_store_export_to(struct dti_store *s,
                                               dti_write_fn write, void *ctx,
                                               struct dti_error *err);
/*
 * Loads an export into an initialised, empty store, in one transaction,
 * then verifies the audit chain.  An export whose trailer is missing (cut
 * short), whose digest does not match its bytes (edited) or whose row
 * counts do not match its rows is refused (DTI_EINVALID) before anything
 * is loaded.  Errors name the line and field.
 */
DTI_EXTERN enum dti_status dti_store_import(struct dti_store *s,
                                            const char *buf, size_t len,
                                            const char *name,
                                            struct dti_error *err);

#ifdef __cplusplus
}
#endif

#endif
