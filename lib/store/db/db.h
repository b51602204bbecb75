/*
 * lib/db.h - the one SQL interface of libdti over SQLite and PostgreSQL.
 *
 * The store (store.c, workflow.c, audit.c, store_io.c) speaks SQL only
 * through these calls, so both backends run the same statements:
 *   - placeholders are '?' (numbered left to right) or '?NNN' (parameter
 *     NNN; a '?' after it is NNN + 1, as in SQLite); the PostgreSQL
 *     backend rewrites them to $1, $2, ... outside string literals;
 *   - values are bound and read as five types: NULL, 64-bit integer,
 *     double, UTF-8 text and blob (BLOB / BYTEA);
 *   - SQL is written in the common subset of both dialects (no
 *     AUTOINCREMENT or SERIAL: ids are assigned by the store under its
 *     write lock; text timestamps "YYYY-MM-DDTHH:MM:SSZ"; ON CONFLICT and
 *     RETURNING are allowed, both support them);
 *   - the schema text uses the tokens of db_schema_sql() for the few
 *     type names that differ.
 *
 * Transactions: db_begin_write() starts a transaction that will write and
 * takes SQLite's write lock at once (BEGIN IMMEDIATE, waiting up to the
 * busy timeout; on PostgreSQL a plain BEGIN, the store then locks the
 * audit_head row FOR UPDATE); db_begin_read() a read-only snapshot
 * (PostgreSQL: REPEATABLE READ, READ ONLY).  db_rollback() is safe to call
 * after any failure, even with no transaction open.
 *
 * Errors: backend errors become a dti_status with the backend's message:
 * a unique-constraint violation is DTI_EEXIST, a foreign-key or check
 * violation DTI_EINVALID, a lock timeout DTI_ECONFLICT, anything else
 * DTI_EIO.  Statements belong to their db and must be finalised before it
 * is closed.
 */
#ifndef DTI_DB_H
#define DTI_DB_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "dti/error.h"

enum db_kind { DB_SQLITE = 1, DB_PG = 2 };
enum db_type { DB_NULL = 0, DB_INT, DB_REAL, DB_TEXT, DB_BLOB };

struct db;
struct db_stmt;

/* Opens by location: a postgresql:// or postgres:// URI, else a file path. */
enum dti_status db_open(const char *location, struct db **out,
                        struct dti_error *err);
void db_close(struct db *db);
enum db_kind db_kind(const struct db *db);

/* Runs SQL without parameters (may hold several statements). */
enum dti_status db_exec(struct db *db, const char *sql, struct dti_error *err);

enum dti_status db_begin_write(struct db *db, struct dti_error *err);
enum dti_status db_begin_read(struct db *db, struct dti_error *err);
enum dti_status db_commit(struct db *db, struct dti_error *err);
void db_rollback(struct db *db);
int db_in_transaction(const struct db *db);

/*
 * A group of transactions committed at once (one fsync for many writes):
 * between db_group_begin and db_group_commit, db_begin_write/read open a
 * savepoint, db_commit releases it and db_rollback undoes it alone.
 * db_group_commit fails (and undoes everything) if the commit fails or a
 * savepoint could not be undone; db_group_abort undoes everything.
 */
enum dti_status db_group_begin(struct db *db, struct dti_error *err);
enum dti_status db_group_commit(struct db *db, struct dti_error *err);
void db_group_abort(struct db *db);
int db_in_group(const struct db *db);

enum dti_status db_prepare(struct db *db, const char *sql, struct db_stmt **out,
                           struct dti_error *err);
/* Binds parameter i (1-based).  Text and blobs are copied. */
enum dti_status db_bind_null(struct db_stmt *st, int i);
enum dti_status db_bind_int(struct db_stmt *st, int i, int64_t v);
enum dti_status db_bind_double(struct db_stmt *st, int i,
                               double v); /* NaN: NULL */
enum dti_status db_bind_text(struct db_stmt *st, int i,
                             const char *s); /* NULL: NULL */
enum dti_status db_bind_blob(struct db_stmt *st, int i, const void *p,
                             size_t n);
/*
 * Runs or advances the statement: *row = 1 when a row is available, 0 when
 * done.  After 0, db_reset() makes it ready to run again with new bindings.
 */
enum dti_status db_step(struct db_stmt *st, int *row, struct dti_error *err);
void db_reset(struct db_stmt *st); /* also clears the bindings */
void db_finalize(struct db_stmt *st);
/* Rows changed by the last INSERT/UPDATE/DELETE run by st. */
int64_t db_changes(struct db_stmt *st);

int db_column_count(struct db_stmt *st);
const char *db_column_name(struct db_stmt *st, int i); /* 0-based */
enum db_type db_column_type(struct db_stmt *st, int i);
int64_t db_col_int(struct db_stmt *st, int i);
double db_col_double(struct db_stmt *st, int i);    /* NULL: NaN */
const char *db_col_text(struct db_stmt *st, int i); /* NULL: NULL */
const void *db_col_blob(struct db_stmt *st, int i, size_t *n);

/*
 * Bulk writes: a statement that writes one row of `table` per db_step, for
 * loading many rows in one transaction.  cols names the columns bound as
 * parameters 1..ncols; the first nkeys of them are a key of the table (its
 * PRIMARY KEY or a UNIQUE constraint):
 *   DB_BULK_UPSERT  inserts the row, or sets the other columns of the row
 *                   that has its key (INSERT ... ON CONFLICT (keys) DO
 *                   UPDATE), as one statement per row would;
 *   DB_BULK_DELETE  deletes the row that has the key (ncols == nkeys);
 *   DB_BULK_INSERT  inserts the row (nkeys is not used: any key the table
 *                   has must be new, else DTI_EEXIST);
 *   DB_BULK_UPDATE  sets the other columns of the row that has the key
 *                   (nkeys < ncols; no such row: nothing happens).
 * The statement binds and resets as any other.  A backend may hold rows
 * back and write them together: a db_step then only queues its row (*row
 * = 0, and db_changes() says nothing), and db_bulk_flush() writes every
 * row queued; the error of a held row (a constraint it violates) is
 * returned by the db_step or flush that writes it.  So: flush each bulk
 * statement before the table is read again or the transaction commits
 * (rows still queued at db_finalize() are dropped), and give each key at
 * most once among the rows of the bulk statements flushed together.
 * SQLite writes every row at its db_step (a prepared statement loop is
 * fast there) and has nothing to flush.  PostgreSQL writes the first rows
 * after each flush one by one (an edit of a few rows costs what it did),
 * queues the rest as COPY text and writes them with COPY: straight into
 * the table for DB_BULK_INSERT, else into a temporary table and then one
 * INSERT ... SELECT, UPDATE ... FROM or DELETE ... USING (a few round
 * trips for any number of rows, flushed by itself every few megabytes).
 * Table and column names are SQL identifiers written by the caller, never
 * data.
 */
enum db_bulk_op {
	DB_BULK_UPSERT = 1,
	DB_BULK_DELETE = 2,
	DB_BULK_INSERT = 3,
	DB_BULK_UPDATE = 4
};
enum dti_status db_prepare_bulk(struct db *db, enum db_bulk_op op,
                                const char *table, const char *const *cols,
                                int ncols, int nkeys, struct db_stmt **out,
                                struct dti_error *err);
/* Writes the rows st holds back; DTI_OK at once for other statements. */
enum dti_status db_bulk_flush(struct db_stmt *st, struct dti_error *err);

/*
 * Convenience: prepare, bind from a format, step once, finalise.  fmt has
 * one letter per '?': 'i' int64_t, 'd' double, 's' const char * (NULL
 * binds NULL), 'b' const void * then size_t.
 */
enum dti_status db_run(struct db *db, struct dti_error *err, const char *sql,
                       const char *fmt, ...);
/*
 * Like db_run for a query returning one integer (first column of the first
 * row); *found = 0 and *out untouched when there is no row or it is NULL.
 */
enum dti_status db_query_int(struct db *db, struct dti_error *err, int64_t *out,
                             int *found, const char *sql, const char *fmt, ...);
/* Binds parameters from a format and va_list (as db_run). */
enum dti_status db_bindv(struct db_stmt *st, const char *fmt, va_list ap);

/*
 * The schema's SQL for this backend: in `tmpl`, @ID@ becomes the integer
 * key type (INTEGER / BIGINT), @INT@ INTEGER / BIGINT, @REAL@ REAL /
 * DOUBLE PRECISION, @BLOB@ BLOB / BYTEA, @STRICT@ " STRICT" / "".  The
 * caller frees the result.
 */
char *db_schema_sql(const struct db *db, const char *tmpl);

/*
 * Copies the whole database online into tmp, an empty file that exists
 * (errors name `path`, the copy's final name).  DTI_EINVALID for a
 * backend without an online copy (PostgreSQL: use an export).
 */
enum dti_status db_backup(struct db *db, const char *tmp, const char *path,
                          struct dti_error *err);

/* Backend implementations (db.c dispatches on the location). */
enum dti_status db_sqlite_open(const char *path, struct db **out,
                               struct dti_error *err);
enum dti_status db_pg_open(const char *uri, struct db **out,
                           struct dti_error *err);

#endif
