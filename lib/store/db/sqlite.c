/*
 * lib/db_sqlite.c - the SQLite backend of db.h.
 *
 * The file is opened with the settings every connection needs: WAL
 * journal (readers never block the writer), synchronous FULL (a committed
 * transaction survives a crash of the machine, not only of the process),
 * foreign keys on, a busy timeout so concurrent writers queue instead of
 * failing, and a collation "vi" that orders Vietnamese names as people
 * expect (SQLite has no ICU collation built in here).  A file the open
 * creates is made 0600 first, whatever the umask.
 */
#include <fcntl.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/base.h"
#include "store/db/db_impl.h"

#define BUSY_TIMEOUT_MS 30000
#define STMT_CACHE      128 /* compiled statements kept per connection */

struct sstmt {
	struct db_stmt base;
	sqlite3_stmt *h;
	int64_t changes;
	/* kept in the connection's cache: finalize only resets it */
	int cached;
	int in_use;
	uint64_t hash;
	char *sql;
	unsigned long long used_at;
};

/*
 * The store runs the same few dozen statements over and over: compiling
 * them is most of SQLite's work for a small edit.  A connection keeps up
 * to STMT_CACHE compiled statements by their text; db_prepare of a text
 * already compiled and not in use takes it, db_finalize gives it back
 * reset.  The least recently used is dropped when the cache is full.
 */
struct sdb {
	struct db base;
	sqlite3 *h;
	char path[DTI_ERROR_FILE_MAX];
	struct sstmt *cache[STMT_CACHE];
	size_t ncache;
	unsigned long long tick;
};

static uint64_t sql_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static void stmt_free(struct sstmt *s)
{
	sqlite3_finalize(s->h);
	free(s->sql);
	free(s);
}

static enum dti_status map_error(struct sdb *d, int rc, struct dti_error *err,
                                 const char *what)
{
	enum dti_status st = DTI_EIO;
	int prim = rc & 0xff;
	if (rc == SQLITE_CONSTRAINT_UNIQUE ||
	    rc == SQLITE_CONSTRAINT_PRIMARYKEY)
		st = DTI_EEXIST;
	else if (prim == SQLITE_CONSTRAINT)
		st = DTI_EINVALID;
	else if (prim == SQLITE_BUSY || prim == SQLITE_LOCKED)
		st = DTI_ECONFLICT;
	else if (prim == SQLITE_NOMEM)
		return dti_err_nomem(err);
	else if (prim == SQLITE_MISUSE || prim == SQLITE_RANGE ||
	         prim == SQLITE_ERROR)
		st = prim == SQLITE_ERROR ? DTI_EIO : DTI_EINTERNAL;
	return dti_err_set(err, st, d->path, 0, 0, "", "%s: %s", what,
	                   d->h ? sqlite3_errmsg(d->h) : sqlite3_errstr(rc));
}

static void s_close(struct db *db)
{
	struct sdb *d = (struct sdb *)db;
	for (size_t i = 0; i < d->ncache; i++) {
		if (d->cache[i]->in_use)
			d->cache[i]->cached = 0; /* its owner finalizes it */
		else
			stmt_free(d->cache[i]);
	}
	sqlite3_close_v2(d->h);
	free(d);
}

static enum dti_status s_prepare(struct db *db, const char *sql,
                                 struct db_stmt **out, struct dti_error *err);
static void s_finalize(struct db_stmt *st);

static enum dti_status s_exec(struct db *db, const char *sql,
                              struct dti_error *err)
{
	struct sdb *d = (struct sdb *)db;
	if (!strchr(sql, ';')) {
		/* one statement (BEGIN, COMMIT, SAVEPOINT...): compiled once */
		struct db_stmt *st;
		enum dti_status rc = s_prepare(db, sql, &st, err);
		if (rc != DTI_OK)
			return rc;
		int step = sqlite3_step(((struct sstmt *)st)->h);
		if (step != SQLITE_DONE && step != SQLITE_ROW)
			rc = map_error(d, sqlite3_extended_errcode(d->h), err,
			               "SQL failed");
		s_finalize(st);
		return rc;
	}
	int rc = sqlite3_exec(d->h, sql, NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return map_error(d, sqlite3_extended_errcode(d->h), err,
		                 "SQL failed");
	return DTI_OK;
}

static enum dti_status s_begin_write(struct db *db, struct dti_error *err)
{
	return s_exec(db, "BEGIN IMMEDIATE", err);
}

static enum dti_status s_begin_read(struct db *db, struct dti_error *err)
{
	return s_exec(db, "BEGIN DEFERRED", err);
}

static enum dti_status s_commit(struct db *db, struct dti_error *err)
{
	return s_exec(db, "COMMIT", err);
}

static void s_rollback(struct db *db)
{
	struct sdb *d = (struct sdb *)db;
	if (!sqlite3_get_autocommit(d->h))
		sqlite3_exec(d->h, "ROLLBACK", NULL, NULL, NULL);
}

/* Keeps s in the cache, dropping the least recently used free entry. */
static void cache_keep(struct sdb *d, struct sstmt *s, const char *sql)
{
	size_t slot = d->ncache;
	if (slot == STMT_CACHE) {
		slot = STMT_CACHE;
		for (size_t i = 0; i < d->ncache; i++)
			if (!d->cache[i]->in_use &&
			    (slot == STMT_CACHE ||
			     d->cache[i]->used_at < d->cache[slot]->used_at))
				slot = i;
		if (slot == STMT_CACHE)
			return; /* all in use: s stays uncached */
	}
	s->sql = strdup(sql);
	if (!s->sql)
		return;
	if (slot < d->ncache)
		stmt_free(d->cache[slot]);
	else
		d->ncache++;
	d->cache[slot] = s;
	s->cached = 1;
}

static enum dti_status s_prepare(struct db *db, const char *sql,
                                 struct db_stmt **out, struct dti_error *err)
{
	struct sdb *d = (struct sdb *)db;
	uint64_t h = sql_hash(sql);
	for (size_t i = 0; i < d->ncache; i++) {
		struct sstmt *c = d->cache[i];
		if (c->hash == h && !c->in_use && strcmp(c->sql, sql) == 0) {
			c->in_use = 1;
			c->changes = 0;
			c->used_at = ++d->tick;
			*out = &c->base;
			return DTI_OK;
		}
	}
	struct sstmt *s = calloc(1, sizeof *s);
	if (!s)
		return dti_err_nomem(err);
	int rc = sqlite3_prepare_v3(d->h, sql, -1, SQLITE_PREPARE_PERSISTENT,
	                            &s->h, NULL);
	if (rc != SQLITE_OK || !s->h) {
		free(s);
		if (rc == SQLITE_OK)
			return dti_err_set(err, DTI_EINTERNAL, "", 0, 0, "",
			                   "empty SQL statement");
		return map_error(d, sqlite3_extended_errcode(d->h), err,
		                 "SQL does not compile");
	}
	s->base.db = db;
	s->base.nparams = sqlite3_bind_parameter_count(s->h);
	s->hash = h;
	s->in_use = 1;
	s->used_at = ++d->tick;
	cache_keep(d, s, sql);
	*out = &s->base;
	return DTI_OK;
}

static enum dti_status bind_rc(int rc)
{
	if (rc == SQLITE_OK)
		return DTI_OK;
	return rc == SQLITE_NOMEM ? DTI_ENOMEM : DTI_EINTERNAL;
}

#define SH(st) (((struct sstmt *)(st))->h)

static enum dti_status s_bind_null(struct db_stmt *st, int i)
{
	return bind_rc(sqlite3_bind_null(SH(st), i));
}
static enum dti_status s_bind_int(struct db_stmt *st, int i, int64_t v)
{
	return bind_rc(sqlite3_bind_int64(SH(st), i, v));
}
static enum dti_status s_bind_double(struct db_stmt *st, int i, double v)
{
	return bind_rc(sqlite3_bind_double(SH(st), i, v));
}
static enum dti_status s_bind_text(struct db_stmt *st, int i, const char *s)
{
	return bind_rc(sqlite3_bind_text(SH(st), i, s, -1, SQLITE_TRANSIENT));
}
static enum dti_status s_bind_blob(struct db_stmt *st, int i, const void *p,
                                   size_t n)
{
	return bind_rc(sqlite3_bind_blob64(SH(st), i, p, n, SQLITE_TRANSIENT));
}

static enum dti_status s_step(struct db_stmt *st, int *row,
                              struct dti_error *err)
{
	struct sstmt *s = (struct sstmt *)st;
	struct sdb *d = (struct sdb *)st->db;
	int rc = sqlite3_step(s->h);
	if (rc == SQLITE_ROW) {
		*row = 1;
		return DTI_OK;
	}
	if (rc == SQLITE_DONE) {
		s->changes = sqlite3_changes64(d->h);
		*row = 0;
		return DTI_OK;
	}
	return map_error(d, sqlite3_extended_errcode(d->h), err,
	                 "SQL statement failed");
}

static void s_reset(struct db_stmt *st)
{
	sqlite3_reset(SH(st));
	sqlite3_clear_bindings(SH(st));
}

static void s_finalize(struct db_stmt *st)
{
	struct sstmt *s = (struct sstmt *)st;
	if (s->cached) {
		sqlite3_reset(s->h);
		sqlite3_clear_bindings(s->h);
		s->in_use = 0;
		return;
	}
	stmt_free(s);
}

static int64_t s_changes(struct db_stmt *st)
{
	return ((struct sstmt *)st)->changes;
}
static int s_column_count(struct db_stmt *st)
{
	return sqlite3_column_count(SH(st));
}
static const char *s_column_name(struct db_stmt *st, int i)
{
	return sqlite3_column_name(SH(st), i);
}
static enum db_type s_column_type(struct db_stmt *st, int i)
{
	switch (sqlite3_column_type(SH(st), i)) {
	case SQLITE_INTEGER: return DB_INT;
	case SQLITE_FLOAT: return DB_REAL;
	case SQLITE_TEXT: return DB_TEXT;
	case SQLITE_BLOB: return DB_BLOB;
	default: return DB_NULL;
	}
}
static int64_t s_col_int(struct db_stmt *st, int i)
{
	return sqlite3_column_int64(SH(st), i);
}
static double s_col_double(struct db_stmt *st, int i)
{
	return sqlite3_column_double(SH(st), i);
}
static const char *s_col_text(struct db_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(SH(st), i);
}
static const void *s_col_blob(struct db_stmt *st, int i, size_t *n)
{
	const void *p = sqlite3_column_blob(SH(st), i);
	*n = (size_t)sqlite3_column_bytes(SH(st), i);
	return p;
}

/* ---- bulk writes -------------------------------------------------------- */

/* A prepared statement per row is fast here: every row is written at once. */
static enum dti_status s_prepare_bulk(struct db *db, enum db_bulk_op op,
                                      const char *table,
                                      const char *const *cols, int ncols,
                                      int nkeys, struct db_stmt **out,
                                      struct dti_error *err)
{
	char *sql = db_bulk_row_sql(op, table, cols, ncols, nkeys);
	if (!sql)
		return dti_err_nomem(err);
	enum dti_status st = s_prepare(db, sql, out, err);
	free(sql);
	return st;
}

static enum dti_status s_bulk_flush(struct db_stmt *st, struct dti_error *err)
{
	DTI_UNUSED(st);
	DTI_UNUSED(err);
	return DTI_OK;
}

/* ---- online backup ---------------------------------------------------- */

static enum dti_status copy_pages(sqlite3 *src, sqlite3 *dst, const char *path,
                                  struct dti_error *err)
{
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
	if (!b)
		return dti_err_set(err, DTI_EIO, path, 0, 0, "",
		                   "cannot start the backup: %s",
		                   sqlite3_errmsg(dst));
	int rc;
	/* a writer of another connection may hold the source briefly */
	for (int tries = 0;; tries++) {
		rc = sqlite3_backup_step(b, -1);
		if ((rc != SQLITE_BUSY && rc != SQLITE_LOCKED) || tries >= 300)
			break;
		sqlite3_sleep(100);
	}
	int frc = sqlite3_backup_finish(b);
	if (rc == SQLITE_DONE && frc == SQLITE_OK)
		return DTI_OK;
	if (rc == SQLITE_DONE)
		rc = frc;
	enum dti_status st = DTI_EIO;
	if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
		st = DTI_ECONFLICT;
	else if ((rc & 0xff) == SQLITE_NOMEM)
		return dti_err_nomem(err);
	return dti_err_set(err, st, path, 0, 0, "", "backup failed: %s",
	                   sqlite3_errstr(rc));
}

/* Copies the database page by page into the existing empty file tmp. */
static enum dti_status s_backup(struct db *db, const char *tmp,
                                const char *path, struct dti_error *err)
{
	sqlite3 *dst = NULL;
	enum dti_status st;
	int rc = sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE, NULL);
	if (rc != SQLITE_OK)
		st = dti_err_set(
		    err, DTI_EIO, path, 0, 0, "", "cannot create: %s",
		    dst ? sqlite3_errmsg(dst) : sqlite3_errstr(rc));
	else
		st = copy_pages(((struct sdb *)db)->h, dst, path, err);
	if (dst && sqlite3_close(dst) != SQLITE_OK && st == DTI_OK)
		st = dti_err_set(err, DTI_EIO, path, 0, 0, "",
		                 "cannot finish the copy");
	return st;
}

static const struct db_ops sqlite_ops = {
    .close = s_close,
    .exec = s_exec,
    .begin_write = s_begin_write,
    .begin_read = s_begin_read,
    .commit = s_commit,
    .rollback = s_rollback,
    .prepare = s_prepare,
    .bind_null = s_bind_null,
    .bind_int = s_bind_int,
    .bind_double = s_bind_double,
    .bind_text = s_bind_text,
    .bind_blob = s_bind_blob,
    .step = s_step,
    .reset = s_reset,
    .finalize = s_finalize,
    .changes = s_changes,
    .column_count = s_column_count,
    .column_name = s_column_name,
    .column_type = s_column_type,
    .col_int = s_col_int,
    .col_double = s_col_double,
    .col_text = s_col_text,
    .col_blob = s_col_blob,
    .prepare_bulk = s_prepare_bulk,
    .bulk_flush = s_bulk_flush,
    .backup = s_backup,
};

/* Vietnamese order via ICU (text.c). */
static int vi_collate(void *ctx, int na, const void *a, int nb, const void *b)
{
	DTI_UNUSED(ctx);
	char sa[256], sb[256];
	char *pa = (size_t)na < sizeof sa ? sa : malloc((size_t)na + 1);
	char *pb = (size_t)nb < sizeof sb ? sb : malloc((size_t)nb + 1);
	int r = 0;
	if (pa && pb) {
		memcpy(pa, a, (size_t)na);
		pa[na] = '\0';
		memcpy(pb, b, (size_t)nb);
		pb[nb] = '\0';
		r = dti_text_collate(pa, pb);
	}
	if (pa != sa)
		free(pa);
	if (pb != sb)
		free(pb);
	return r;
}

enum dti_status db_sqlite_open(const char *path, struct db **out,
                               struct dti_error *err)
{
	struct sdb *d = calloc(1, sizeof *d);
	if (!d)
		return dti_err_nomem(err);
	d->base.ops = &sqlite_ops;
	d->base.kind = DB_SQLITE;
	dti_snprintf(d->path, sizeof d->path, "%s", path);
	/*
	 * A new store file is private (0600) whatever the umask; SQLite
	 * gives its -wal and -shm files the database file's mode.
	 */
	if (strcmp(path, ":memory:") != 0) {
		int fd =
		    open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd >= 0) {
			fchmod(fd, 0600);
			close(fd);
		}
	}
	int rc = sqlite3_open_v2(path, &d->h,
	                         SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	                             SQLITE_OPEN_NOMUTEX,
	                         NULL);
	if (rc != SQLITE_OK) {
		enum dti_status st = dti_err_set(
		    err, DTI_EIO, path, 0, 0, "", "cannot open database: %s",
		    d->h ? sqlite3_errmsg(d->h) : sqlite3_errstr(rc));
		sqlite3_close_v2(d->h);
		free(d);
		return st;
	}
	sqlite3_extended_result_codes(d->h, 1);
	sqlite3_busy_timeout(d->h, BUSY_TIMEOUT_MS);
	sqlite3_create_collation_v2(d->h, "vi", SQLITE_UTF8, NULL, vi_collate,
	                            NULL);
	/*
	 * Reading the schema first also tells a file that is not SQLite
	 * (refused, unchanged).  WAL is persistent: a database of another
	 * program (tables, but no schema_migrations) is not switched to it,
	 * so that being refused by 'dti db init' leaves it as it was.
	 */
	struct sstmt *q = NULL;
	int64_t foreign = 0;
	enum dti_status st = s_prepare(
	    &d->base,
	    "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
	    "name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND NOT EXISTS (SELECT "
	    "1 FROM sqlite_master WHERE name = 'schema_migrations')",
	    (struct db_stmt **)&q, err);
	if (st == DTI_OK) {
		int rc2 = sqlite3_step(q->h);
		if (rc2 == SQLITE_ROW)
			foreign = sqlite3_column_int64(q->h, 0);
		else if (rc2 != SQLITE_DONE)
			st = dti_err_replace(
			    err, DTI_EIO, path, 0, 0, "",
			    "not an SQLite database, or unreadable: %s",
			    sqlite3_errmsg(d->h));
		s_finalize(&q->base);
	} else if (st == DTI_EIO)
		dti_err_replace(err, DTI_EIO, path, 0, 0, "",
		                "not an SQLite database, or unreadable: %s",
		                sqlite3_errmsg(d->h));
	if (st == DTI_OK)
		st = s_exec(&d->base,
		            foreign ? "PRAGMA synchronous=FULL;"
		                      "PRAGMA foreign_keys=ON;"
		                    : "PRAGMA journal_mode=WAL;"
		                      "PRAGMA synchronous=FULL;"
		                      "PRAGMA foreign_keys=ON;",
		            err);
	if (st != DTI_OK) {
		s_close(&d->base);
		return st;
	}
	*out = &d->base;
	return DTI_OK;
}
