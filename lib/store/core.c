/*
 * lib/store/core.c - opening, creating and migrating the store; the clock,
 * transactions and ids; the actor and role checks.
 *
 * Why the store assigns ids itself (MAX(id) + 1 under the write lock):
 * every write transaction already holds the store-wide lock that keeps the
 * audit chain linear, so there is no concurrency to gain from sequences,
 * and explicit ids make an export re-importable on either backend.

 */
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/store_internal.h"

/* ---- clock, schema, transactions -------------------------------------- */

int dti_store_schema_latest(void)
{
	return store_migrations[store_nmigrations - 1].version;
}

/*
 * The clock.  Event times come from the system clock unless a fixed time
 * was asked for (dti_store_set_clock; the command line passes DTI_NOW) and
 * the store allows one: its setting `clock` is "fixed", set by an admin
 * and recorded in the audit log.  A fixed time the store does not allow is
 * refused (DTI_ESTATE) at the first transaction, never silently ignored.
 * Unit tests fix the clock through store_test_clock(), which skips the
 * setting; nothing reachable from the public API does.
 *
 * Time never goes backwards: each transaction reads the time of the last
 * audit event, and the time the store uses (for events, stamps and
 * deadlines alike) is the later of the clock and that time.  So a fixed
 * time earlier than the log can neither back-date an event nor reopen a
 * deadline that has passed by the log's account.
 */
static void clock_time(const struct dti_store *s, char out[21])
{
	if (s->clock_req[0] &&
	    (s->clock_trusted || s->clock_allowed || s->clock_bootstrap)) {
		memcpy(out, s->clock_req, 21);
		return;
	}
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	if (strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm) != 20)
		memcpy(out, "1970-01-01T00:00:00Z", 21);
}

void store_now(const struct dti_store *s, char out[21])
{
	clock_time(s, out);
	if (s->floor_at[0] && strcmp(out, s->floor_at) < 0)
		memcpy(out, s->floor_at, 21);
}

/* Reads the clock setting and the last event's time (in a transaction). */
static enum dti_status clock_load(struct dti_store *s, struct dti_error *err)
{
	struct db_stmt *q;
	int row = 0;
	s->clock_allowed = 0;
	s->floor_at[0] = '\0';
	enum dti_status st = db_prepare(
	    s->db, "SELECT value FROM settings WHERE key = 'clock'", &q, err);
	if (st == DTI_OK)
		st = db_step(q, &row, err);
	if (st == DTI_OK && row && db_col_text(q, 0))
		s->clock_allowed = strcmp(db_col_text(q, 0), "fixed") == 0;
	db_finalize(q);
	if (st != DTI_OK)
		return st;
	st = db_prepare(s->db,
	                "SELECT a.at FROM audit a JOIN audit_head h ON h.id = "
	                "1 AND a.seq = h.seq",
	                &q, err);
	row = 0;
	if (st == DTI_OK)
		st = db_step(q, &row, err);
	if (st == DTI_OK && row && db_col_text(q, 0) &&
	    strlen(db_col_text(q, 0)) == 20)
		memcpy(s->floor_at, db_col_text(q, 0), 21);
	db_finalize(q);
	if (st != DTI_OK)
		return st;
	if (s->clock_req[0] && !s->clock_trusted && !s->clock_allowed &&
	    !s->clock_bootstrap)
		return dti_err_set(
		    err, DTI_ESTATE, s->location, 0, 0, "clock",
		    "a fixed time (%s) was asked for, but this store keeps the "
		    "system clock: an admin allows fixed times with 'dti db "
		    "set allow-dti-now yes'",
		    s->clock_req);
	return DTI_OK;
}

enum dti_status dti_store_fix_clock(struct dti_store *s, const char *now,
                                    struct dti_error *err)
{
	if (!now || !*now) {
		s->clock_req[0] = '\0';
		return DTI_OK;
	}
	if (!dti_is_timestamp(now))
		return dti_err_set(err, DTI_ESYNTAX, "", 0, 0, "clock",
		                   "'%s' is not a time YYYY-MM-DDTHH:MM:SSZ "
		                   "(e.g. 2026-01-15T09:00:00Z) on a day that "
		                   "exists",
		                   now);
	memcpy(s->clock_req, now, 21);
	/* A current store says at once whether it allows it; an older or
	 * new one says so at its first transaction. */
	if (s->schema_version != dti_store_schema_latest())
		return DTI_OK;
	enum dti_status st = db_begin_read(s->db, err);
	if (st == DTI_OK) {
		st = clock_load(s, err);
		db_rollback(s->db);
	}
	if (st != DTI_OK)
		s->clock_req[0] = '\0';
	return st;
}

enum dti_status dti_store_set_clock(struct dti_store *s, const char *now)
{
	return dti_store_fix_clock(s, now, NULL);
}

enum dti_status store_test_clock(struct dti_store *s, const char *now)
{
	if (now && !dti_is_timestamp(now))
		return DTI_EARG;
	s->clock_trusted = now != NULL;
	if (now)
		memcpy(s->clock_req, now, 21);
	else
		s->clock_req[0] = '\0';
	return DTI_OK;
}

enum dti_status store_table_exists(struct dti_store *s, const char *table,
                                   int *exists, struct dti_error *err)
{
	const char *sql =
	    db_kind(s->db) == DB_PG
	        ? "SELECT count(*) FROM information_schema.tables WHERE "
	          "table_schema = current_schema() AND table_name = ?"
	        : "SELECT count(*) FROM sqlite_master WHERE type = 'table' "
	          "AND name = ?";
	int64_t n = 0;
	enum dti_status st =
	    db_query_int(s->db, err, &n, NULL, sql, "s", table);
	*exists = n > 0;
	return st;
}

static enum dti_status read_schema_version(struct dti_store *s,
                                           struct dti_error *err)
{
	int exists = 0;
	s->schema_version = 0;
	enum dti_status st =
	    store_table_exists(s, "schema_migrations", &exists, err);
	if (st != DTI_OK || !exists)
		return st;
	int64_t v = 0;
	st = db_query_int(s->db, err, &v, NULL,
	                  "SELECT MAX(version) FROM schema_migrations", "");
	s->schema_version = (int)v;
	return st;
}

enum dti_status store_check_schema(struct dti_store *s, struct dti_error *err)
{
	if (s->schema_version == 0)
		return dti_err_set(err, DTI_ESTATE, s->location, 0, 0, "",
		                   "the store is not initialised: run 'dti db "
		                   "init'");
	if (s->schema_version < dti_store_schema_latest())
		return dti_err_set(err, DTI_ESTATE, s->location, 0, 0, "",
		                   "the store's schema is version %d, this "
		                   "program needs %d: run 'dti db migrate'",
		                   s->schema_version,
		                   dti_store_schema_latest());
	if (s->schema_version > dti_store_schema_latest())
		return dti_err_set(err, DTI_ESTATE, s->location, 0, 0, "",
		                   "the store's schema (version %d) is newer "
		                   "than this program's (%d): upgrade dti",
		                   s->schema_version,
		                   dti_store_schema_latest());
	return DTI_OK;
}

enum dti_status store_begin(struct dti_store *s, struct dti_error *err)
{
	enum dti_status st = store_check_schema(s, err);
	if (st != DTI_OK)
		return st;
	st = db_begin_write(s->db, err);
	if (st != DTI_OK)
		return st;
	if (db_kind(s->db) == DB_PG) {
		/* The one lock every writer takes: the chain stays linear. */
		st = db_run(
		    s->db, err,
		    "SELECT seq FROM audit_head WHERE id = 1 FOR UPDATE", "");
	}
	if (st == DTI_OK)
		st = clock_load(s, err);
	if (st != DTI_OK)
		db_rollback(s->db);
	return st;
}

enum dti_status store_begin_read(struct dti_store *s, struct dti_error *err)
{
	enum dti_status st = store_check_schema(s, err);
	if (st == DTI_OK)
		st = db_begin_read(s->db, err);
	if (st == DTI_OK) {
		st = clock_load(s, err);
		if (st != DTI_OK)
			db_rollback(s->db);
	}
	return st;
}

enum dti_status store_end(struct dti_store *s, enum dti_status st,
                          struct dti_error *err)
{
	if (st != DTI_OK) {
		db_rollback(s->db);
		return st;
	}
	return db_commit(s->db, err);
}

enum dti_status store_next_id(struct dti_store *s, const char *table,
                              int64_t *id, struct dti_error *err)
{
	char sql[128];
	dti_snprintf(sql, sizeof sql, "SELECT COALESCE(MAX(%s), 0) + 1 FROM %s",
	             strcmp(table, "audit") == 0 ? "seq" : "id", table);
	*id = 1;
	return db_query_int(s->db, err, id, NULL, sql, "");
}

/* ---- open, init, migrate, status --------------------------------------- */

static pthread_once_t sodium_once = PTHREAD_ONCE_INIT;
static int sodium_ok;
static void init_sodium(void)
{
	sodium_ok = sodium_init() >= 0;
}

enum dti_status dti_store_open(const char *location, struct dti_store **out,
                               struct dti_error *err)
{
	*out = NULL;
	pthread_once(&sodium_once, init_sodium);
	if (!sodium_ok)
		return dti_err_set(err, DTI_EINTERNAL, "", 0, 0, "",
		                   "libsodium cannot start");
	struct dti_store *s = calloc(1, sizeof *s);
	if (!s)
		return dti_err_nomem(err);
	dti_buf_init(&s->tmp, 0);
	/* The location as shown in messages: never a password. */
	const char *at = strchr(location, '@');
	if ((strncmp(location, "postgres", 8) == 0) && at)
		dti_snprintf(s->location, sizeof s->location, "postgresql://%s",
		             at + 1);
	else
		dti_snprintf(s->location, sizeof s->location, "%s", location);
	enum dti_status st = db_open(location, &s->db, err);
	if (st == DTI_OK)
		st = read_schema_version(s, err);
	if (st != DTI_OK) {
		dti_store_close(s);
		return st;
	}
	*out = s;
	return DTI_OK;
}

void dti_store_close(struct dti_store *s)
{
	if (!s)
		return;
	if (s->db) {
		db_rollback(s->db);
		db_group_abort(s->db);
		db_close(s->db);
	}
	dti_buf_release(&s->tmp);
	dti_framework_free(s->fw_cache);
	free(s);
}

enum dti_backend dti_store_backend(const struct dti_store *s)
{
	return db_kind(s->db) == DB_PG ? DTI_BACKEND_POSTGRES
	                               : DTI_BACKEND_SQLITE;
}

static enum dti_status apply_migration(struct dti_store *s,
                                       const struct store_migration *m,
                                       struct dti_error *err)
{
	char *sql = db_schema_sql(s->db, m->sql);
	if (!sql)
		return dti_err_nomem(err);
	char now[21];
	store_now(s, now);
	enum dti_status st = db_begin_write(s->db, err);
	if (st == DTI_OK && *sql)
		st = db_exec(s->db, sql, err);
	if (st == DTI_OK && m->pg_sql && db_kind(s->db) == DB_PG)
		st = db_exec(s->db, m->pg_sql, err);
	if (st == DTI_OK)
		st = db_run(
		    s->db, err,
		    "INSERT INTO schema_migrations (version, applied_at, "
		    "description) VALUES (?, ?, ?)",
		    "iss", (int64_t)m->version, now, m->description);
	free(sql);
	st = store_end(s, st, err);
	if (st == DTI_OK)
		s->schema_version = m->version;
	return st;
}

void dti_store_init_options_init(struct dti_store_init_options *o)
{
	*o = (struct dti_store_init_options)DTI_STORE_INIT_OPTIONS_INIT;
}

enum dti_status dti_store_init(struct dti_store *s, struct dti_error *err)
{
	return dti_store_init_with(s, NULL, err);
}

enum dti_status dti_store_init_with(struct dti_store *s,
                                    const struct dti_store_init_options *opts,
                                    struct dti_error *err)
{
	if (s->schema_version > 0)
		return dti_err_set(err, DTI_EEXIST, s->location, 0, 0, "",
		                   "the store is already initialised (schema "
		                   "version %d)",
		                   s->schema_version);
	int allow = opts && opts->allow_fixed_clock;
	if (s->clock_req[0] && !s->clock_trusted && !allow)
		return dti_err_set(
		    err, DTI_ESTATE, s->location, 0, 0, "clock",
		    "a fixed time (%s) was asked for, but a new store keeps "
		    "the system clock: create it with 'dti db init --admin "
		    "NAME --allow-dti-now' to allow fixed times",
		    s->clock_req);
	/*
	 * Only an empty database becomes a store: one holding tables of
	 * another program (or dti's without a schema version) is left alone.
	 */
	const char *sql =
	    db_kind(s->db) == DB_PG
	        ? "SELECT table_name FROM information_schema.tables WHERE "
	          "table_schema = current_schema() ORDER BY table_name "
	          "LIMIT 1"
	        : "SELECT name FROM sqlite_master WHERE type IN ('table', "
	          "'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
	          "ORDER BY name LIMIT 1";
	struct db_stmt *q = NULL;
	int row = 0;
	char found[128] = "";
	enum dti_status st = db_prepare(s->db, sql, &q, err);
	if (st == DTI_OK)
		st = db_step(q, &row, err);
	if (st == DTI_OK && row) {
		const char *t = db_col_text(q, 0);
		dti_snprintf(found, sizeof found, "%s", t ? t : "?");
	}
	db_finalize(q);
	if (st != DTI_OK)
		return st;
	if (*found)
		return dti_err_set(err, DTI_ESTATE, s->location, 0, 0, "",
		                   "the database is not empty and not a dti "
		                   "store (it has table '%s'): give an empty "
		                   "database or a new file",
		                   found);
	/* The creator may use the fixed time until the first admin records
	 * the setting (dti_store_allow_fixed_clock). */
	s->clock_bootstrap = allow;
	return dti_store_migrate(s, NULL, NULL, err);
}

enum dti_status dti_store_migrate(struct dti_store *s, int *from, int *to,
                                  struct dti_error *err)
{
	enum dti_status st = read_schema_version(s, err);
	if (st != DTI_OK)
		return st;
	if (from)
		*from = s->schema_version;
	if (s->schema_version > dti_store_schema_latest())
		return store_check_schema(s, err);
	for (size_t i = 0; i < store_nmigrations && st == DTI_OK; i++)
		if (store_migrations[i].version > s->schema_version)
			st = apply_migration(s, &store_migrations[i], err);
	if (to)
		*to = s->schema_version;
	return st;
}

/* Migrates only up to `version` (tests of the migration path). */
enum dti_status store_migrate_to(struct dti_store *s, int version,
                                 struct dti_error *err);
enum dti_status store_migrate_to(struct dti_store *s, int version,
                                 struct dti_error *err)
{
	enum dti_status st = read_schema_version(s, err);
	for (size_t i = 0; i < store_nmigrations && st == DTI_OK; i++)
		if (store_migrations[i].version > s->schema_version &&
		    store_migrations[i].version <= version)
			st = apply_migration(s, &store_migrations[i], err);
	return st;
}

static enum dti_status count_rows(struct dti_store *s, const char *table,
                                  long long *out, struct dti_error *err)
{
	char sql[96];
	dti_snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
	int64_t n = 0;
	enum dti_status st = db_query_int(s->db, err, &n, NULL, sql, "");
	*out = (long long)n;
	return st;
}

enum dti_status dti_store_status(struct dti_store *s,
                                 struct dti_store_status *out,
                                 struct dti_error *err)
{
	memset(out, 0, sizeof *out);
	out->backend = dti_store_backend(s);
	out->schema_latest = dti_store_schema_latest();
	enum dti_status st = read_schema_version(s, err);
	out->schema_version = s->schema_version;
	if (st != DTI_OK || s->schema_version == 0)
		return st;
	st = db_begin_read(s->db, err);
	struct {
		const char *table;
		long long *n;
	} counts[] = {
	    {"units", &out->units},
	    {"frameworks", &out->frameworks},
	    {"users", &out->users},
	    {"cycles", &out->cycles},
	    {"submissions", &out->submissions},
	    {"figures", &out->figures},
	    {"evidence", &out->evidence},
	    {"blobs", &out->blobs},
	    {"results", &out->results},
	    {"snapshots", &out->snapshots},
	    {"audit", &out->audit_events},
	};
	for (size_t i = 0; i < DTI_ARRAY_LEN(counts) && st == DTI_OK; i++)
		st = count_rows(s, counts[i].table, counts[i].n, err);
	if (st == DTI_OK) {
		struct db_stmt *q;
		st = db_prepare(
		    s->db, "SELECT hash FROM audit_head WHERE id = 1", &q, err);
		int row = 0;
		if (st == DTI_OK)
			st = db_step(q, &row, err);
		if (st == DTI_OK && row && db_col_text(q, 0))
			dti_snprintf(out->audit_head, sizeof out->audit_head,
			             "%s", db_col_text(q, 0));
		db_finalize(q);
	}
	db_rollback(s->db);
	return st;
}

/* ---- actor and roles ---------------------------------------------------- */

static const char *const role_names[] = {NULL,       "admin",  "owner",
                                         "reviewer", "editor", "viewer"};

const char *dti_role_name(enum dti_role r)
{
	return r >= DTI_ROLE_ADMIN && r <= DTI_ROLE_VIEWER ? role_names[r]
	                                                   : "?";
}

enum dti_role dti_role_parse(const char *name)
{
	for (int i = DTI_ROLE_ADMIN; i <= DTI_ROLE_VIEWER; i++)
		if (name && strcmp(name, role_names[i]) == 0)
			return (enum dti_role)i;
	return (enum dti_role)0;
}

enum dti_status store_find_user(struct dti_store *s, const char *name,
                                int64_t *id, int *disabled,
                                struct dti_error *err)
{
	struct db_stmt *q;
	enum dti_status st = db_prepare(
	    s->db, "SELECT id, disabled FROM users WHERE name = ?", &q, err);
	if (st != DTI_OK)
		return st;
	int row = 0;
	st = db_bind_text(q, 1, name);
	if (st == DTI_OK)
		st = db_step(q, &row, err);
	if (st == DTI_OK && row) {
		*id = db_col_int(q, 0);
		if (disabled)
			*disabled = (int)db_col_int(q, 1);
	} else if (st == DTI_OK) {
		st = dti_err_set(err, DTI_ENOTFOUND, "", 0, 0, "user",
		                 "no user '%s'", name);
	}
	db_finalize(q);
	return st;
}

enum dti_status dti_store_set_actor(struct dti_store *s, const char *user,
                                    struct dti_error *err)
{
	s->actor[0] = '\0';
	s->actor_id = 0;
	if (!user)
		return DTI_OK;
	enum dti_status st = store_check_schema(s, err);
	if (st != DTI_OK)
		return st;
	int64_t id = 0;
	int disabled = 0;
	st = store_find_user(s, user, &id, &disabled, err);
	if (st != DTI_OK)
		return st;
	if (disabled)
		return dti_err_set(err, DTI_EPERM, "", 0, 0, "user",
		                   "user '%s' is disabled", user);
	dti_snprintf(s->actor, sizeof s->actor, "%s", user);
	s->actor_id = id;
	return DTI_OK;
}

const char *dti_store_actor(const struct dti_store *s)
{
	return s->actor[0] ? s->actor : NULL;
}

enum dti_status dti_store_group_begin(struct dti_store *s,
                                      struct dti_error *err)
{
	enum dti_status st = store_check_schema(s, err);
	if (st != DTI_OK)
		return st;
	st = db_group_begin(s->db, err);
	if (st == DTI_OK && db_kind(s->db) == DB_PG) {
		/* the writers' one lock, held for the whole group */
		st = db_run(
		    s->db, err,
		    "SELECT seq FROM audit_head WHERE id = 1 FOR UPDATE", "");
		if (st != DTI_OK)
			db_group_abort(s->db);
	}
	return st;
}

enum dti_status dti_store_group_commit(struct dti_store *s,
                                       struct dti_error *err)
{
	return db_group_commit(s->db, err);
}

void dti_store_group_abort(struct dti_store *s)
{
	if (s && s->db)
		db_group_abort(s->db);
}

/*
 * One query per check: the global roles that satisfy `role` (admin
 * satisfies every role; owner satisfies reviewer and editor; any role
 * satisfies viewer), or the editor role for `unit` where it counts.
 */
int store_actor_has(struct dti_store *s, enum dti_role role, const char *unit)
{
	static const char *const roles[] = {
	    [DTI_ROLE_ADMIN] = "'admin'",
	    [DTI_ROLE_OWNER] = "'admin', 'owner'",
	    [DTI_ROLE_REVIEWER] = "'admin', 'owner', 'reviewer'",
	    [DTI_ROLE_EDITOR] = "'admin', 'owner'",
	    [DTI_ROLE_VIEWER] = "'admin', 'owner', 'reviewer', 'viewer'"};
	if (!s->actor_id || role < DTI_ROLE_ADMIN || role > DTI_ROLE_VIEWER)
		return 0;
	int scoped = role == DTI_ROLE_EDITOR || role == DTI_ROLE_VIEWER;
	char sql[256];
	dti_snprintf(sql, sizeof sql,
	             "SELECT count(*) FROM user_roles WHERE user_id = ? AND "
	             "(role IN (%s) OR (role = 'editor' AND unit_id = ?))",
	             roles[role]);
	int64_t n = 0;
	struct dti_error e = DTI_ERROR_INIT;
	enum dti_status st =
	    db_query_int(s->db, &e, &n, NULL, sql, "is", s->actor_id,
	                 scoped && unit ? unit : NULL);
	dti_error_release(&e);
	return st == DTI_OK && n > 0;
}

enum dti_status store_require(struct dti_store *s, enum dti_role role,
                              const char *unit, const char *what,
                              struct dti_error *err)
{
	if (store_actor_has(s, role, unit))
		return DTI_OK;
	if (!s->actor_id)
		return dti_err_set(err, DTI_EPERM, "", 0, 0, "user",
		                   "nobody is acting: name a user to %s", what);
	if (role == DTI_ROLE_EDITOR && unit)
		return dti_err_set(
		    err, DTI_EPERM, "", 0, 0, "user",
		    "user '%s' may not %s: not an editor of unit "
		    "%s",
		    s->actor, what, unit);
	return dti_err_set(err, DTI_EPERM, "", 0, 0, "user",
	                   "user '%s' may not %s: needs the %s role", s->actor,
	                   what, dti_role_name(role));
}
