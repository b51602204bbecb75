/*
 * lib/store.c - opening, creating and migrating the store; the clock and
 * the actor; users, roles and credentials; units and frameworks.
 *
 * Why the store assigns ids itself (MAX(id) + 1 under the write lock):
 * every write transaction already holds the store-wide lock that keeps the
 * audit chain linear, so there is no concurrency to gain from sequences,
 * and explicit ids make an export re-importable on either backend.
 *
 * Passwords are hashed with Argon2id (libsodium's crypto_pwhash_str, the
 * "interactive" cost); API tokens are 32 random bytes shown once and kept
 * only as their SHA-256.  Audit events about users never carry a hash.
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

static int valid_timestamp(const char *t)
{
	/* YYYY-MM-DDTHH:MM:SSZ */
	static const char pat[] = "dddd-dd-ddTdd:dd:ddZ";
	if (!t || strlen(t) != 20)
		return 0;
	for (size_t i = 0; i < 20; i++) {
		if (pat[i] == 'd' ? (t[i] < '0' || t[i] > '9') : t[i] != pat[i])
			return 0;
	}
	return 1;
}

void store_now(const struct dti_store *s, char out[21])
{
	if (s->fixed_now[0]) {
		memcpy(out, s->fixed_now, 21);
		return;
	}
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	if (strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm) != 20)
		memcpy(out, "1970-01-01T00:00:00Z", 21);
}

enum dti_status dti_store_set_clock(struct dti_store *s, const char *now)
{
	if (!now) {
		s->fixed_now[0] = '\0';
		return DTI_OK;
	}
	if (!valid_timestamp(now))
		return DTI_EARG;
	memcpy(s->fixed_now, now, 21);
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
		if (st != DTI_OK)
			db_rollback(s->db);
	}
	return st;
}

enum dti_status store_begin_read(struct dti_store *s, struct dti_error *err)
{
	enum dti_status st = store_check_schema(s, err);
	if (st != DTI_OK)
		return st;
	return db_begin_read(s->db, err);
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
	const char *now = getenv("DTI_NOW");
	if (st == DTI_OK && now && *now &&
	    dti_store_set_clock(s, now) != DTI_OK)
		st = dti_err_set(err, DTI_ESYNTAX, "", 0, 0, "DTI_NOW",
		                 "DTI_NOW must look like 2026-01-15T09:00:00Z, "
		                 "not '%s'",
		                 now);
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
	if (st == DTI_OK)
		st = db_exec(s->db, sql, err);
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

enum dti_status dti_store_init(struct dti_store *s, struct dti_error *err)
{
	if (s->schema_version > 0)
		return dti_err_set(err, DTI_EEXIST, s->location, 0, 0, "",
		                   "the store is already initialised (schema "
		                   "version %d)",
		                   s->schema_version);
	int exists = 0;
	enum dti_status st = store_table_exists(s, "units", &exists, err);
	if (st != DTI_OK)
		return st;
	if (exists)
		return dti_err_set(err, DTI_EEXIST, s->location, 0, 0, "",
		                   "the database already has dti's tables but "
		                   "no schema version: refusing to touch it");
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

static enum dti_status find_user(struct dti_store *s, const char *name,
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
	st = find_user(s, user, &id, &disabled, err);
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

/* ---- users ------------------------------------------------------------- */

static enum dti_status check_name(const char *name, const char *field,
                                  struct dti_error *err)
{
	size_t n = name ? strlen(name) : 0;
	if (n == 0 || n >= DTI_USER_NAME_MAX)
		return dti_err_set(err, DTI_EINVALID, "", 0, 0, field,
		                   "a user name has 1 to %d characters",
		                   DTI_USER_NAME_MAX - 1);
	for (const char *p = name; *p; p++) {
		char c = *p;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '-' || c == '@'))
			return dti_err_set(err, DTI_EINVALID, "", 0, 0, field,
			                   "user name '%s': use letters, "
			                   "digits, '.', '_', '-', '@'",
			                   name);
	}
	return DTI_OK;
}

static enum dti_status hash_password(const char *pw, char out[],
                                     struct dti_error *err)
{
	size_t n = strlen(pw);
	if (n < 8 || n > 1024)
		return dti_err_set(err, DTI_EINVALID, "", 0, 0, "password",
		                   "a password has 8 to 1024 characters");
	if (crypto_pwhash_str(out, pw, n, crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return dti_err_nomem(err);
	return DTI_OK;
}

enum dti_status dti_user_add(struct dti_store *s, const char *name,
                             const char *display_name, const char *password,
                             struct dti_error *err)
{
	enum dti_status st = check_name(name, "user", err);
	if (st != DTI_OK)
		return st;
	char hash[crypto_pwhash_STRBYTES];
	if (password) {
		st = hash_password(password, hash, err);
		if (st != DTI_OK)
			return st;
	}
	st = store_begin(s, err);
	if (st != DTI_OK)
		return st;
	int64_t users = 0, id = 0;
	st = db_query_int(s->db, err, &users, NULL,
	                  "SELECT count(*) FROM users", "");
	int first = st == DTI_OK && users == 0;
	if (st == DTI_OK && !first)
		st = store_require(s, DTI_ROLE_ADMIN, NULL, "add users", err);
	if (st == DTI_OK)
		st = store_next_id(s, "users", &id, err);
	char now[21];
	store_now(s, now);
	if (st == DTI_OK) {
		st =
		    db_run(s->db, err,
		           "INSERT INTO users (id, name, display_name, "
		           "password_hash, disabled, created_at) VALUES (?, ?, "
		           "?, ?, 0, ?)",
		           "isss"
		           "s",
		           id, name, display_name ? display_name : "",
		           password ? hash : NULL, now);
		if (st == DTI_EEXIST && err)
			dti_err_replace(err, DTI_EEXIST, "", 0, 0, "user",
			                "user '%s' already exists", name);
	}
	if (st == DTI_OK && first)
		st = db_run(s->db, err,
		            "INSERT INTO user_roles (user_id, role, unit_id) "
		            "VALUES (?, 'admin', '')",
		            "i", id);
	if (st == DTI_OK) {
		struct dti_buf *b = &s->tmp;
		dti_buf_reset(b);
		dti_buf_adds(b, "{\"name\":");
		dti_json_str(b, name);
		dti_buf_adds(b, ",\"display_name\":");
		dti_json_str(b, display_name ? display_name : "");
		dti_buf_addf(b, ",\"password\":%s%s}",
		             password ? "\"set\"" : "null",
		             first ? ",\"roles\":[\"admin\"]" : "");
		dti_buf_addc(b, '\0');
		char object[96];
		dti_snprintf(object, sizeof object, "user %s", name);
		if (first && !s->actor_id) {
			/* The first user acts for itself. */
			dti_snprintf(s->actor, sizeof s->actor, "%s", name);
			s->actor_id = id;
		}
		st = store_audit(s, "user.add", NULL, NULL, object, NULL,
		                 b->data, err);
	}
	return store_end(s, st, err);
}

static enum dti_status unit_exists(struct dti_store *s, const char *unit,
                                   struct dti_error *err)
{
	int found = 0;
	int64_t one = 0;
	enum dti_status st =
	    db_query_int(s->db, err, &one, &found,
	                 "SELECT 1 FROM units WHERE id = ?", "s", unit);
	if (st == DTI_OK && !found)
		st = dti_err_set(err, DTI_ENOTFOUND, "", 0, 0, "unit",
		                 "no unit '%s' in the store", unit);
	return st;
}

enum dti_status dti_user_role(struct dti_store *s, const char *name,
                              enum dti_role role, const char *unit, int grant,
                              struct dti_error *err)
{
	if (role < DTI_ROLE_ADMIN || role > DTI_ROLE_VIEWER)
		return dti_err_set(err, DTI_EINVALID, "", 0, 0, "role",
		                   "unknown role (admin, owner, reviewer, "
		                   "editor, viewer)");
	if (role == DTI_ROLE_EDITOR && (!unit || !*unit))
		return dti_err_set(err, DTI_EINVALID, "", 0, 0, "unit",
		                   "the editor role is given for a unit");
	if (role != DTI_ROLE_EDITOR && unit && *unit)
		return dti_err_set(err, DTI_EINVALID, "", 0, 0, "unit",
		                   "only the editor role is scoped to a unit");
	enum dti_status st = store_begin(s, err);
	if (st != DTI_OK)
		return st;
	int64_t uid = 0, n = 0;
	const char *scope = role == DTI_ROLE_EDITOR ? unit : "";
	st = store_require(s, DTI_ROLE_ADMIN, NULL, "change roles", err);
	if (st == DTI_OK)
		st = find_user(s, name, &uid, NULL, err);
	if (st == DTI_OK && role == DTI_ROLE_EDITOR)
		st = unit_exists(s, unit, err);
	if (st == DTI_OK)
		st = db_query_int(
		    s->db, err, &n, NULL,
		    "SELECT count(*) FROM user_roles WHERE user_id "
		    "= ? AND role = ? AND unit_id = ?",
		    "iss", uid, dti_role_name(role), scope);
	if (st == DTI_OK && grant && n)
		st = dti_err_set(err, DTI_EEXIST, "", 0, 0, "role",
		                 "user '%s' already has the %s role%s%s", name,
		                 dti_role_name(role), *scope ? " for " : "",
		                 scope);
	if (st == DTI_OK && !grant && !n)
		st = dti_err_set(err, DTI_ENOTFOUND, "", 0, 0, "role",
		                 "user '%s' does not have the %s role%s%s",
		                 name, dti_role_name(role),
		                 *scope ? " for " : "", scope);
	if (st == DTI_OK && !grant && role == DTI_ROLE_ADMIN) {
		int64_t admins = 0;
		st =
		    db_query_int(s->db, err, &admins, NULL,
		                 "SELECT count(*) FROM user_roles WHERE role = "
		                 "'admin'",
		                 "");
		if (st == DTI_OK && admins <= 1)
			st = dti_err_set(err, DTI_ESTATE, "", 0, 0, "role",
			                 "'%s' is the last admin", name);
	}
	if (st == DTI_OK)
		st = db_run(
		    s->db, err,
		    grant ? "INSERT INTO user_roles (user_id, role, "
		            "unit_id) VALUES (?, ?, ?)"
		          : "DELETE FROM user_roles WHERE user_id = ? AND "
		            "role = ? AND unit_id = ?",
		    "iss", uid, dti_role_name(role), scope);
	if (st == DTI_OK) {
		struct dti_buf *b = &s->tmp;
		dti_buf_reset(b);
		dti_buf_adds(b, "{\"role\":");
		dti_json_str(b, dti_role_name(role));
		if (*scope) {
			dti_buf_adds(b, ",\"unit\":");
			dti_json_str(b, scope);
		}
		dti_buf_addc(b, '}');
		dti_buf_addc(b, '\0');
		char object[96];
		dti_snprintf(object, sizeof object, "user %s", name);
		st = store_audit(s, grant ? "user.grant" : "user.revoke", NULL,
		                 *scope ? scope : NULL, object,
		                 grant ? NULL : b->data, grant ? b->data : NULL,
		                 err);
	}
	return store_end(s, st, err);
}

enum dti_status dti_user_passwd(struct dti_store *s, const char *name,
                                const char *password, struct dti_error *err)
{
	char hash[crypto_pwhash_STRBYTES];
	enum dti_status st = hash_password(password ? password : "", hash, err);
	if (st != DTI_OK)
		return st;
	st = store_begin(s, err);
	if (st != DTI_OK)
		return st;
	int64_t uid = 0;
	st = find_user(s, name, &uid, NULL, err);
	if (st == DTI_OK && uid != s->actor_id)
		st = store_require(s, DTI_ROLE_ADMIN, NULL,
		                   "set another user's password", err);
	if (st == DTI_OK)
		st = db_run(s->db, err,
		            "UPDATE users SET password_hash = ? WHERE id = ?",
		            "si", hash, uid);
	char object[96];
	dti_snprintf(object, sizeof object, "user %s", name);
	if (st == DTI_OK)
		st = store_audit(s, "user.passwd", NULL, NULL, object, NULL,
		                 "{\"password\":\"changed\"}", err);
	return store_end(s, st, err);
}

static void token_hash(const char *token, char out[65])
{
	struct dti_sha256 h;
	dti_sha256_init(&h);
	dti_sha256_update(&h, token, strlen(token));
	dti_sha256_final(&h, out);
}

enum dti_status dti_user_token(struct dti_store *s, const char *name,
                               const char *label, char token_out[DTI_TOKEN_MAX],
                               struct dti_error *err)
{
	token_out[0] = '\0';
	if (!label || !*label || strlen(label) > 64)
		return dti_err_set(err, DTI_EINVALID, "", 0, 0, "label",
		                   "a token needs a label of 1 to 64 "
		                   "characters");
	enum dti_status st = store_begin(s, err);
	if (st != DTI_OK)
		return st;
	int64_t uid = 0, id = 0;
	st = find_user(s, name, &uid, NULL, err);
	if (st == DTI_OK && uid != s->actor_id)
		st = store_require(s, DTI_ROLE_ADMIN, NULL,
		                   "create tokens for another user", err);
	if (st == DTI_OK)
		st = store_next_id(s, "tokens", &id, err);
	char token[DTI_TOKEN_MAX], hash[65], now[21];
	if (st == DTI_OK) {
		unsigned char raw[32];
		randombytes_buf(raw, sizeof raw);
		memcpy(token, "dti_", 4);
		sodium_bin2hex(token + 4, sizeof token - 4, raw, sizeof raw);
		sodium_memzero(raw, sizeof raw);
		token_hash(token, hash);
		store_now(s, now);
		st = db_run(s->db, err,
		            "INSERT INTO tokens (id, user_id, label, hash, "
		            "created_at) VALUES (?, ?, ?, ?, ?)",
		            "iisss", id, uid, label, hash, now);
		if (st == DTI_EEXIST && err)
			dti_err_replace(err, DTI_EEXIST, "", 0, 0, "label",
			                "user '%s' already has a token '%s'",
			                name, label);
	}
	if (st == DTI_OK) {
		struct dti_buf *b = &s->tmp;
		dti_buf_reset(b);
		dti_buf_adds(b, "{\"token\":");
		dti_json_str(b, label);
		dti_buf_addc(b, '}');
		dti_buf_addc(b, '\0');
		char object[96];
		dti_snprintf(object, sizeof object, "user %s", name);
		st = store_audit(s, "user.token", NULL, NULL, object, NULL,
		                 b->data, err);
	}
	st = store_end(s, st, err);
	if (st == DTI_OK)
		memcpy(token_out, token, strlen(token) + 1);
	sodium_memzero(token, sizeof token);
	return st;
}

enum dti_status dti_user_token_revoke(struct dti_store *s, const char *name,
                                      const char *label, struct dti_error *err)
{
	enum dti_status st = store_begin(s, err);
	if (st != DTI_OK)
		return st;
	int64_t uid = 0;
	char now[21];
	store_now(s, now);
	st = find_user(s, name, &uid, NULL, err);
	if (st == DTI_OK && uid != s->actor_id)
		st = store_require(s, DTI_ROLE_ADMIN, NULL,
		                   "revoke another user's tokens", err);
	struct db_stmt *q = NULL;
	if (st == DTI_OK)
		st = db_prepare(
		    s->db,
		    "UPDATE tokens SET revoked_at = ? WHERE user_id = "
		    "? AND label = ? AND revoked_at IS NULL",
		    &q, err);
	if (st == DTI_OK) {
		db_bind_text(q, 1, now);
		db_bind_int(q, 2, uid);
		db_bind_text(q, 3, label);
		int row;
		st = db_step(q, &row, err);
		if (st == DTI_OK && db_changes(q) == 0)
			st = dti_err_set(err, DTI_ENOTFOUND, "", 0, 0, "label",
			                 "user '%s' has no active token '%s'",
			                 name, label ? label : "");
	}
	db_finalize(q);
	if (st == DTI_OK) {
		struct dti_buf *b = &s->tmp;
		dti_buf_reset(b);
		dti_buf_adds(b, "{\"token\":");
		dti_json_str(b, label);
		dti_buf_addc(b, '}');
		dti_buf_addc(b, '\0');
		char object[96];
		dti_snprintf(object, sizeof object, "user %s", name);
		st = store_audit(s, "user.token_revoke", NULL, NULL, object,
		                 b->data, NULL, err);
	}
	return store_end(s, st, err);
}

static enum dti_status denied(struct dti_error *err)
{
	return dti_err_set(err, DTI_EPERM, "", 0, 0, "",
	                   "wrong user name, "
	                   "password or token");
}

enum dti_status dti_user_login(struct dti_store *s, const char *name,
                               const char *password, struct dti_error *err)
{
	enum dti_status st = store_check_schema(s, err);
	if (st != DTI_OK)
		return st;
	struct db_stmt *q;
	st =
	    db_prepare(s->db,
	               "SELECT password_hash, disabled FROM users WHERE name = "
	               "?",
	               &q, err);
	if (st != DTI_OK)
		return st;
	int row = 0, ok = 0;
	db_bind_text(q, 1, name);
	st = db_step(q, &row, err);
	if (st == DTI_OK && row && !db_col_int(q, 1) && db_col_text(q, 0) &&
	    password)
		ok = crypto_pwhash_str_verify(db_col_text(q, 0), password,
		                              strlen(password)) == 0;
	db_finalize(q);
	if (st != DTI_OK)
		return st;
	return ok ? DTI_OK : denied(err);
}

enum dti_status dti_user_from_token(struct dti_store *s, const char *token,
                                    char user_out[DTI_USER_NAME_MAX],
                                    struct dti_error *err)
{
	user_out[0] = '\0';
	enum dti_status st = store_check_schema(s, err);
	if (st != DTI_OK)
		return st;
	if (!token || strncmp(token, "dti_", 4) != 0 || strlen(token) != 68)
		return denied(err);
	char hash[65];
	token_hash(token, hash);
	struct db_stmt *q;
	st = db_prepare(s->db,
	                "SELECT u.name FROM tokens t JOIN users u ON u.id = "
	                "t.user_id WHERE t.hash = ? AND t.revoked_at IS NULL "
	                "AND u.disabled = 0",
	                &q, err);
	if (st != DTI_OK)
		return st;
	int row = 0;
	db_bind_text(q, 1, hash);
	st = db_step(q, &row, err);
	if (st == DTI_OK && row)
		dti_snprintf(user_out, DTI_USER_NAME_MAX, "%s",
		             db_col_text(q, 0));
	db_finalize(q);
	if (st != DTI_OK)
		return st;
	return row ? DTI_OK : denied(err);
}

enum dti_status dti_user_list(struct dti_store *s, int json,
                              struct dti_buf *out, struct dti_error *err)
{
	enum dti_status st = store_begin_read(s, err);
	if (st != DTI_OK)
		return st;
	struct db_stmt *q;
	st = db_prepare(
	    s->db,
	    "SELECT u.name, u.display_name, u.disabled, "
	    "u.password_hash IS NOT NULL, r.role, r.unit_id FROM users u "
	    "LEFT JOIN user_roles r ON r.user_id = u.id ORDER BY u.name, "
	    "r.role, r.unit_id",
	    &q, err);
	char last[DTI_USER_NAME_MAX] = "";
	int row = 0, any = 0;
	while (st == DTI_OK && (st = db_step(q, &row, err)) == DTI_OK && row) {
		const char *name = db_col_text(q, 0);
		const char *role = db_col_text(q, 4);
		const char *unit = db_col_text(q, 5);
		int same = strcmp(last, name) == 0;
		if (!same) {
			if (any)
				dti_buf_adds(out, json ? "]}\n" : "\n");
			any = 1;
			dti_snprintf(last, sizeof last, "%s", name);
			if (json) {
				dti_buf_adds(out, "{\"name\":");
				dti_json_str(out, name);
				dti_buf_adds(out, ",\"display_name\":");
				dti_json_str(out, db_col_text(q, 1));
				dti_buf_addf(
				    out,
				    ",\"disabled\":%s,\"password\":%s,"
				    "\"roles\":[",
				    db_col_int(q, 2) ? "true" : "false",
				    db_col_int(q, 3) ? "true" : "false");
			} else {
				dti_buf_addf(out, "%s", name);
				if (*db_col_text(q, 1))
					dti_buf_addf(out, " (%s)",
					             db_col_text(q, 1));
				dti_buf_adds(out, ":");
			}
		}
		if (role) {
			if (json) {
				if (same)
					dti_buf_addc(out, ',');
				dti_buf_adds(out, "{\"role\":");
				dti_json_str(out, role);
				if (unit && *unit) {
					dti_buf_adds(out, ",\"unit\":");
					dti_json_str(out, unit);
				}
				dti_buf_addc(out, '}');
			} else {
				dti_buf_addf(out, " %s%s%s", role,
				             unit && *unit ? "@" : "",
				             unit ? unit : "");
			}
		}
	}
	if (st == DTI_OK && any)
		st = dti_buf_adds(out, json ? "]}\n" : "\n");
	db_finalize(q);
	db_rollback(s->db);
	return st;
}

/* ---- units ------------------------------------------------------------- */

static void join_list(struct dti_buf *b, const char *const *items, size_t n)
{
	dti_buf_reset(b);
	for (size_t i = 0; i < n; i++) {
		if (i)
			dti_buf_addc(b, ';');
		dti_buf_adds(b, items[i]);
	}
	dti_buf_addc(b, '\0');
}

enum dti_status dti_store_units_import(struct dti_store *s,
                                       const struct dti_units *u,
                                       const char *level, size_t *added,
                                       size_t *updated, struct dti_error *err)
{
	if (added)
		*added = 0;
	if (updated)
		*updated = 0;
	if (!level || !*level || strlen(level) > 31)
		return dti_err_set(err, DTI_EINVALID, "", 0, 0, "level",
		                   "units are imported at a level (province, "
		                   "ministry, district, ...)");
	enum dti_status st = store_begin(s, err);
	if (st != DTI_OK)
		return st;
	st = store_require(s, DTI_ROLE_OWNER, NULL, "import units", err);
	struct dti_buf aliases, succ;
	dti_buf_init(&aliases, 0);
	dti_buf_init(&succ, 0);
	struct db_stmt *get = NULL, *put = NULL;
	if (st == DTI_OK)
		st = db_prepare(
		    s->db,
		    "SELECT code, name_vi, name_ascii, aliases, level, "
		    "group_id, valid_from, valid_to, successors FROM "
		    "units WHERE id = ?",
		    &get, err);
	if (st == DTI_OK)
		st = db_prepare(
		    s->db,
		    "INSERT INTO units (id, code, name_vi, name_ascii, "
		    "aliases, "
		    "level, group_id, valid_from, valid_to, successors, "
		    "population) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON "
		    "CONFLICT (id) DO UPDATE SET code = excluded.code, name_vi "
		    "= excluded.name_vi, name_ascii = excluded.name_ascii, "
		    "aliases = excluded.aliases, level = excluded.level, "
		    "group_id = excluded.group_id, valid_from = "
		    "excluded.valid_from, valid_to = excluded.valid_to, "
		    "successors = excluded.successors, population = "
		    "excluded.population",
		    &put, err);
	for (size_t g = 0; st == DTI_OK && g < dti_units_group_count(u); g++) {
		struct dti_group_info gi;
		dti_units_group(u, g, &gi);
		st = db_run(s->db, err,
		            "INSERT INTO unit_groups (id, name_vi, name_en) "
		            "VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
		            "name_vi = excluded.name_vi, name_en = "
		            "excluded.name_en",
		            "sss", gi.id, gi.name_vi ? gi.name_vi : "",
		            gi.name_en ? gi.name_en : "");
	}
	for (size_t i = 0; st == DTI_OK && i < dti_units_count(u); i++) {
		struct dti_unit_info ui;
		dti_units_get(u, i, &ui);
		join_list(&aliases, ui.aliases, ui.naliases);
		const char *ids[64];
		size_t ns = ui.nsuccessors < 64 ? ui.nsuccessors : 64;
		for (size_t k = 0; k < ns; k++) {
			struct dti_unit_info si;
			dti_units_get(u, ui.successors[k], &si);
			ids[k] = si.id;
		}
		join_list(&succ, ids, ns);
		const char *vals[] = {ui.code,       ui.name_vi,  ui.name_ascii,
		                      aliases.data,  level,       ui.group,
		                      ui.valid_from, ui.valid_to, succ.data};
		int row = 0, same = 0, existed = 0;
		db_reset(get);
		db_bind_text(get, 1, ui.id);
		st = db_step(get, &row, err);
		if (st == DTI_OK && row) {
			existed = 1;
			same = 1;
			for (int k = 0; k < 9; k++) {
				const char *v = db_col_text(get, k);
				if (strcmp(v ? v : "", vals[k] ? vals[k] : ""))
					same = 0;
			}
		}
		if (st != DTI_OK || same)
			continue;
		db_reset(put);
		db_bind_text(put, 1, ui.id);
		for (int k = 0; k < 9; k++)
			db_bind_text(put, k + 2, vals[k] ? vals[k] : "");
		db_bind_double(put, 11, ui.population);
		st = db_step(put, &row, err);
		if (st != DTI_OK)
			break;
		struct dti_buf *b = &s->tmp;
		dti_buf_reset(b);
		static const char *const keys[] = {
		    "code",  "name_vi",    "name_ascii", "aliases",   "level",
		    "group", "valid_from", "valid_to",   "successors"};
		dti_buf_addc(b, '{');
		for (int k = 0; k < 9; k++) {
			dti_buf_addf(b, "%s\"%s\":", k ? "," : "", keys[k]);
			dti_json_str(b, vals[k]);
		}
		dti_buf_addc(b, '}');
		dti_buf_addc(b, '\0');
		char object[96];
		dti_snprintf(object, sizeof object, "unit %s", ui.id);
		st = store_audit(s, existed ? "unit.update" : "unit.add", NULL,
		                 ui.id, object, NULL, b->data, err);
		if (existed && updated)
			(*updated)++;
		if (!existed && added)
			(*added)++;
	}
	db_finalize(get);
	db_finalize(put);
	dti_buf_release(&aliases);
	dti_buf_release(&succ);
	st = store_end(s, st, err);
	if (st != DTI_OK) {
		if (added)
			*added = 0;
		if (updated)
			*updated = 0;
	}
	return st;
}

enum dti_status store_units_read(struct dti_store *s, struct dti_units **out,
                                 struct dti_error *err)
{
	*out = NULL;
	struct dti_buf units, groups;
	dti_buf_init(&units, 0);
	dti_buf_init(&groups, 0);
	dti_buf_adds(&units, "id,code,name_vi,name_ascii,aliases,group,"
	                     "valid_from,valid_to,successors,population\n");
	dti_buf_adds(&groups, "group,name_vi,name_en\n");
	struct db_stmt *q = NULL;
	enum dti_status st =
	    db_prepare(s->db,
	               "SELECT id, code, name_vi, name_ascii, aliases, "
	               "group_id, valid_from, valid_to, successors, "
	               "population FROM units ORDER BY id",
	               &q, err);
	int row = 0;
	while (st == DTI_OK && (st = db_step(q, &row, err)) == DTI_OK && row) {
		for (int k = 0; k < 9; k++) {
			if (k)
				dti_buf_addc(&units, ',');
			dti_csv_cell(&units, db_col_text(q, k));
		}
		dti_buf_addc(&units, ',');
		double pop = db_col_double(q, 9);
		if (!isnan(pop))
			dti_buf_add_shortest(&units, pop);
		dti_buf_addc(&units, '\n');
	}
	db_finalize(q);
	q = NULL;
	if (st == DTI_OK)
		st = db_prepare(s->db,
		                "SELECT id, name_vi, name_en FROM unit_groups "
		                "ORDER BY id",
		                &q, err);
	int ngroups = 0;
	while (st == DTI_OK && (st = db_step(q, &row, err)) == DTI_OK && row) {
		for (int k = 0; k < 3; k++) {
			if (k)
				dti_buf_addc(&groups, ',');
			dti_csv_cell(&groups, db_col_text(q, k));
		}
		dti_buf_addc(&groups, '\n');
		ngroups++;
	}
	db_finalize(q);
	if (st == DTI_OK)
		st = dti_units_parse(units.data, units.len, "store units", out,
		                     err);
	if (st == DTI_OK && ngroups)
		st = dti_units_parse_groups(*out, groups.data, groups.len,
		                            "store groups", err);
	if (st != DTI_OK && *out) {
		dti_units_free(*out);
		*out = NULL;
	}
	dti_buf_release(&units);
	dti_buf_release(&groups);
	return st;
}

enum dti_status dti_store_units(struct dti_store *s, struct dti_units **out,
                                struct dti_error *err)
{
	*out = NULL;
	enum dti_status st = store_begin_read(s, err);
	if (st != DTI_OK)
		return st;
	st = store_units_read(s, out, err);
	db_rollback(s->db);
	return st;
}

/* ---- frameworks -------------------------------------------------------- */

enum dti_status dti_store_framework_add(struct dti_store *s, const char *text,
                                        size_t len, const char *name,
                                        char sha_out[65], struct dti_error *err)
{
	sha_out[0] = '\0';
	struct dti_framework *fw = NULL;
	enum dti_status st = dti_framework_parse(text, len, name, &fw, err);
	if (st != DTI_OK)
		return st;
	char sha[65];
	struct dti_sha256 h;
	dti_sha256_init(&h);
	dti_sha256_update(&h, text, len);
	dti_sha256_final(&h, sha);
	const char *fid = dti_framework_id(fw);
	const char *ver = dti_framework_version(fw);
	const char *level = dti_framework_meta(fw, "level");
	int year = dti_framework_year(fw);
	char *body = malloc(len + 1);
	if (!body) {
		dti_framework_free(fw);
		return dti_err_nomem(err);
	}
	memcpy(body, text, len);
	body[len] = '\0';
	if (strlen(body) != len) {
		free(body);
		dti_framework_free(fw);
		return dti_err_set(err, DTI_EENCODING, name, 0, 0, "",
		                   "a framework file holds no NUL bytes");
	}
	st = store_begin(s, err);
	if (st == DTI_OK)
		st = store_require(s, DTI_ROLE_OWNER, NULL, "add frameworks",
		                   err);
	int found = 0;
	int64_t one = 0;
	if (st == DTI_OK)
		st = db_query_int(s->db, err, &one, &found,
		                  "SELECT 1 FROM frameworks WHERE sha = ?", "s",
		                  sha);
	int done = found; /* the same text is already there: nothing to do */
	struct db_stmt *q = NULL;
	char old[65] = "";
	if (st == DTI_OK && !done)
		st =
		    db_prepare(s->db,
		               "SELECT sha FROM frameworks WHERE fw_id = ? AND "
		               "version = ?",
		               &q, err);
	if (st == DTI_OK && !done) {
		int row = 0;
		db_bind_text(q, 1, fid);
		db_bind_text(q, 2, ver);
		st = db_step(q, &row, err);
		if (st == DTI_OK && row)
			dti_snprintf(old, sizeof old, "%s", db_col_text(q, 0));
	}
	db_finalize(q);
	if (st == DTI_OK && !done && old[0]) {
		int64_t used = 0;
		st = db_query_int(s->db, err, &used, NULL,
		                  "SELECT count(*) FROM cycles WHERE "
		                  "framework_sha = ?",
		                  "s", old);
		if (st == DTI_OK && used)
			st = dti_err_set(
			    err, DTI_ESTATE, name, 0, 0, "version",
			    "framework %s version %s is used by a cycle and "
			    "cannot change: give the new text a new version",
			    fid, ver);
		if (st == DTI_OK)
			st = db_run(s->db, err,
			            "DELETE FROM frameworks WHERE sha = ?", "s",
			            old);
	}
	char now[21];
	store_now(s, now);
	if (st == DTI_OK && !done)
		st = db_run(
		    s->db, err,
		    "INSERT INTO frameworks (sha, fw_id, version, year, "
		    "level, name, body, added_at, added_by) VALUES (?, "
		    "?, ?, ?, ?, ?, ?, ?, ?)",
		    "sssisssss", sha, fid, ver, (int64_t)year,
		    level ? level : "", name ? name : "", body, now, s->actor);
	if (st == DTI_OK && !done) {
		struct dti_buf *b = &s->tmp;
		dti_buf_reset(b);
		dti_buf_adds(b, "{\"id\":");
		dti_json_str(b, fid);
		dti_buf_adds(b, ",\"version\":");
		dti_json_str(b, ver);
		dti_buf_adds(b, ",\"sha256\":");
		dti_json_str(b, sha);
		dti_buf_addc(b, '}');
		dti_buf_addc(b, '\0');
		char object[160], before[96];
		dti_snprintf(object, sizeof object, "framework %s@%s", fid,
		             ver);
		dti_snprintf(before, sizeof before, "{\"sha256\":\"%s\"}", old);
		st = store_audit(
		    s, old[0] ? "framework.replace" : "framework.add", NULL,
		    NULL, object, old[0] ? before : NULL, b->data, err);
	}
	st = store_end(s, st, err);
	if (st == DTI_OK)
		memcpy(sha_out, sha, 65);
	free(body);
	dti_framework_free(fw);
	return st;
}

enum dti_status store_framework_sha(struct dti_store *s, const char *ref,
                                    char sha[65], struct dti_error *err)
{
	sha[0] = '\0';
	if (!ref || !*ref)
		return dti_err_set(err, DTI_EARG, "", 0, 0, "framework",
		                   "no framework named");
	char id[128], like[80];
	const char *ver = NULL;
	dti_snprintf(id, sizeof id, "%s", ref);
	char *at = strchr(id, '@');
	if (at) {
		*at = '\0';
		ver = at + 1;
	}
	size_t n = strlen(ref);
	int hex = n >= 8 && n <= 64 && strspn(ref, "0123456789abcdef") == n;
	dti_snprintf(like, sizeof like, "%s%%", ref);
	struct db_stmt *q;
	const char *sql =
	    ver   ? "SELECT sha FROM frameworks WHERE fw_id = ? AND version = ?"
	    : hex ? "SELECT sha FROM frameworks WHERE fw_id = ? OR sha LIKE ?"
	          : "SELECT sha FROM frameworks WHERE fw_id = ? ORDER BY "
	            "year DESC, version DESC";
	enum dti_status st = db_prepare(s->db, sql, &q, err);
	if (st != DTI_OK)
		return st;
	db_bind_text(q, 1, id);
	if (ver || hex)
		db_bind_text(q, 2, ver ? ver : like);
	int row = 0, nrows = 0;
	while ((st = db_step(q, &row, err)) == DTI_OK && row) {
		if (nrows++ == 0)
			dti_snprintf(sha, 65, "%s", db_col_text(q, 0));
	}
	db_finalize(q);
	if (st != DTI_OK)
		return st;
	if (nrows == 0)
		return dti_err_set(err, DTI_ENOTFOUND, "", 0, 0, "framework",
		                   "no stored framework '%s' (add it with 'dti "
		                   "db framework')",
		                   ref);
	if (nrows > 1 && !ver && !hex)
		return dti_err_set(err, DTI_EAMBIGUOUS, "", 0, 0, "framework",
		                   "framework '%s' is stored in %d versions: "
		                   "say which, as %s@VERSION",
		                   ref, nrows, ref);
	if (nrows > 1 && hex)
		return dti_err_set(err, DTI_EAMBIGUOUS, "", 0, 0, "framework",
		                   "'%s' is the start of several frameworks' "
		                   "SHA-256",
		                   ref);
	return DTI_OK;
}

enum dti_status store_framework_load(struct dti_store *s, const char *sha,
                                     struct dti_framework **out,
                                     struct dti_error *err)
{
	*out = NULL;
	struct db_stmt *q;
	enum dti_status st = db_prepare(
	    s->db, "SELECT body, fw_id FROM frameworks WHERE sha = ?", &q, err);
	if (st != DTI_OK)
		return st;
	db_bind_text(q, 1, sha);
	int row = 0;
	st = db_step(q, &row, err);
	if (st == DTI_OK && !row)
		st = dti_err_set(err, DTI_ENOTFOUND, "", 0, 0, "framework",
		                 "no stored framework %s", sha);
	if (st == DTI_OK) {
		const char *body = db_col_text(q, 0);
		char name[96];
		dti_snprintf(name, sizeof name, "%s (stored)",
		             db_col_text(q, 1));
		st = dti_framework_parse(body, strlen(body), name, out, err);
	}
	db_finalize(q);
	return st;
}

enum dti_status dti_store_framework(struct dti_store *s, const char *ref,
                                    struct dti_framework **out,
                                    struct dti_error *err)
{
	*out = NULL;
	enum dti_status st = store_begin_read(s, err);
	if (st != DTI_OK)
		return st;
	char sha[65];
	st = store_framework_sha(s, ref, sha, err);
	if (st == DTI_OK)
		st = store_framework_load(s, sha, out, err);
	db_rollback(s->db);
	return st;
}

enum dti_status dti_store_framework_list(struct dti_store *s, int json,
                                         struct dti_buf *out,
                                         struct dti_error *err)
{
	enum dti_status st = store_begin_read(s, err);
	if (st != DTI_OK)
		return st;
	struct db_stmt *q;
	st = db_prepare(s->db,
	                "SELECT f.fw_id, f.version, f.sha, f.added_at, (SELECT "
	                "count(*) FROM cycles c WHERE c.framework_sha = "
	                "f.sha) FROM frameworks f ORDER BY f.fw_id, f.version",
	                &q, err);
	int row = 0;
	while (st == DTI_OK && (st = db_step(q, &row, err)) == DTI_OK && row) {
		if (json) {
			dti_buf_adds(out, "{\"id\":");
			dti_json_str(out, db_col_text(q, 0));
			dti_buf_adds(out, ",\"version\":");
			dti_json_str(out, db_col_text(q, 1));
			dti_buf_adds(out, ",\"sha256\":");
			dti_json_str(out, db_col_text(q, 2));
			dti_buf_adds(out, ",\"added_at\":");
			dti_json_str(out, db_col_text(q, 3));
			dti_buf_addf(out, ",\"cycles\":%lld}\n",
			             (long long)db_col_int(q, 4));
		} else {
			dti_buf_addf(out, "%-28s %-8s %.12s  %lld cycle(s)\n",
			             db_col_text(q, 0), db_col_text(q, 1),
			             db_col_text(q, 2),
			             (long long)db_col_int(q, 4));
		}
	}
	db_finalize(q);
	db_rollback(s->db);
	return st;
}

enum dti_status store_framework_cached(struct dti_store *s, const char *sha,
                                       const struct dti_framework **out,
                                       struct dti_error *err)
{
	if (!s->fw_cache || strcmp(s->fw_cache_sha, sha) != 0) {
		struct dti_framework *fw = NULL;
		enum dti_status st = store_framework_load(s, sha, &fw, err);
		if (st != DTI_OK)
			return st;
		dti_framework_free(s->fw_cache);
		s->fw_cache = fw;
		dti_snprintf(s->fw_cache_sha, sizeof s->fw_cache_sha, "%s",
		             sha);
	}
	*out = s->fw_cache;
	return DTI_OK;
}
