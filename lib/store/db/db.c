/*
 * lib/db.c - dispatch of the SQL interface (db.h) to its backends, and the
 * helpers every backend shares: formatted binding, one-shot statements and
 * the schema's type tokens.
 */
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "store/db/db_impl.h"

enum dti_status db_open(const char *location, struct db **out,
                        struct dti_error *err)
{
	*out = NULL;
	if (!location || !*location)
		return dti_err_set(err, DTI_EARG, "", 0, 0, "location",
		                   "no database given (a file path or a "
		                   "postgresql:// URI)");
	if (strncmp(location, "postgresql://", 13) == 0 ||
	    strncmp(location, "postgres://", 11) == 0)
		return db_pg_open(location, out, err);
	return db_sqlite_open(location, out, err);
}

void db_close(struct db *db)
{
	if (db)
		db->ops->close(db);
}

enum db_kind db_kind(const struct db *db)
{
	return db->kind;
}

enum dti_status db_exec(struct db *db, const char *sql, struct dti_error *err)
{
	return db->ops->exec(db, sql, err);
}

/*
 * Inside a group (db_group_begin) the transactions the store opens are
 * savepoints of the group's one transaction: a failed one is undone alone,
 * and the group commits them all at once.
 */
static enum dti_status savepoint(struct db *db, struct dti_error *err)
{
	return db->ops->exec(db, "SAVEPOINT dti_tx", err);
}

enum dti_status db_begin_write(struct db *db, struct dti_error *err)
{
	enum dti_status st =
	    db->group ? savepoint(db, err) : db->ops->begin_write(db, err);
	if (st == DTI_OK)
		db->in_tx = 1;
	return st;
}

enum dti_status db_begin_read(struct db *db, struct dti_error *err)
{
	enum dti_status st =
	    db->group ? savepoint(db, err) : db->ops->begin_read(db, err);
	if (st == DTI_OK)
		db->in_tx = 1;
	return st;
}

enum dti_status db_commit(struct db *db, struct dti_error *err)
{
	enum dti_status st = db->group
	                         ? db->ops->exec(db, "RELEASE dti_tx", err)
	                         : db->ops->commit(db, err);
	if (st == DTI_OK)
		db->in_tx = 0;
	else
		db_rollback(db);
	return st;
}

void db_rollback(struct db *db)
{
	if (!db || !db->in_tx)
		return;
	if (db->group) {
		struct dti_error e = DTI_ERROR_INIT;
		if (db->ops->exec(db, "ROLLBACK TO dti_tx", &e) != DTI_OK ||
		    db->ops->exec(db, "RELEASE dti_tx", &e) != DTI_OK) {
			/* the group cannot go on: its commit will fail */
			db->group_broken = 1;
		}
		dti_error_release(&e);
	} else {
		db->ops->rollback(db);
	}
	db->in_tx = 0;
}

enum dti_status db_group_begin(struct db *db, struct dti_error *err)
{
	if (db->group || db->in_tx)
		return dti_err_set(err, DTI_ESTATE, "", 0, 0, "",
		                   "a transaction is already open");
	enum dti_status st = db->ops->begin_write(db, err);
	if (st == DTI_OK) {
		db->group = 1;
		db->group_broken = 0;
	}
	return st;
}

enum dti_status db_group_commit(struct db *db, struct dti_error *err)
{
	if (!db->group)
		return dti_err_set(err, DTI_ESTATE, "", 0, 0, "",
		                   "no group of transactions is open");
	db_rollback(db); /* a transaction left open inside is undone */
	enum dti_status st;
	if (db->group_broken) {
		db->ops->rollback(db);
		st = dti_err_set(err, DTI_EIO, "", 0, 0, "",
		                 "a savepoint could not be undone: the group "
		                 "was rolled back");
	} else {
		st = db->ops->commit(db, err);
		if (st != DTI_OK)
			db->ops->rollback(db);
	}
	db->group = 0;
	db->group_broken = 0;
	return st;
}

void db_group_abort(struct db *db)
{
	if (!db || !db->group)
		return;
	db_rollback(db);
	db->ops->rollback(db);
	db->group = 0;
	db->group_broken = 0;
}

int db_in_group(const struct db *db)
{
	return db->group;
}

int db_in_transaction(const struct db *db)
{
	return db->in_tx;
}

enum dti_status db_prepare(struct db *db, const char *sql, struct db_stmt **out,
                           struct dti_error *err)
{
	*out = NULL;
	return db->ops->prepare(db, sql, out, err);
}

#define CHECK_PARAM(st, i)                                                     \
	do {                                                                   \
		if ((i) < 1 || (i) > (st)->nparams)                            \
			return DTI_EARG;                                       \
	} while (0)

enum dti_status db_bind_null(struct db_stmt *st, int i)
{
	CHECK_PARAM(st, i);
	return st->db->ops->bind_null(st, i);
}
enum dti_status db_bind_int(struct db_stmt *st, int i, int64_t v)
{
	CHECK_PARAM(st, i);
	return st->db->ops->bind_int(st, i, v);
}
enum dti_status db_bind_double(struct db_stmt *st, int i, double v)
{
	CHECK_PARAM(st, i);
	if (isnan(v))
		return st->db->ops->bind_null(st, i);
	return st->db->ops->bind_double(st, i, v);
}
enum dti_status db_bind_text(struct db_stmt *st, int i, const char *s)
{
	CHECK_PARAM(st, i);
	if (!s)
		return st->db->ops->bind_null(st, i);
	return st->db->ops->bind_text(st, i, s);
}
enum dti_status db_bind_blob(struct db_stmt *st, int i, const void *p, size_t n)
{
	CHECK_PARAM(st, i);
	if (!p)
		return st->db->ops->bind_null(st, i);
	return st->db->ops->bind_blob(st, i, p, n);
}

enum dti_status db_step(struct db_stmt *st, int *row, struct dti_error *err)
{
	*row = 0;
	return st->db->ops->step(st, row, err);
}
void db_reset(struct db_stmt *st)
{
	if (st)
		st->db->ops->reset(st);
}
void db_finalize(struct db_stmt *st)
{
	if (st)
		st->db->ops->finalize(st);
}
int64_t db_changes(struct db_stmt *st)
{
	return st->db->ops->changes(st);
}
int db_column_count(struct db_stmt *st)
{
	return st->db->ops->column_count(st);
}

#define CHECK_COL(st, i, bad)                                                  \
	do {                                                                   \
		if ((i) < 0 || (i) >= db_column_count(st))                     \
			return bad;                                            \
	} while (0)

const char *db_column_name(struct db_stmt *st, int i)
{
	CHECK_COL(st, i, NULL);
	return st->db->ops->column_name(st, i);
}
enum db_type db_column_type(struct db_stmt *st, int i)
{
	CHECK_COL(st, i, DB_NULL);
	return st->db->ops->column_type(st, i);
}
int64_t db_col_int(struct db_stmt *st, int i)
{
	CHECK_COL(st, i, 0);
	return st->db->ops->col_int(st, i);
}
double db_col_double(struct db_stmt *st, int i)
{
	CHECK_COL(st, i, NAN);
	if (st->db->ops->column_type(st, i) == DB_NULL)
		return NAN;
	return st->db->ops->col_double(st, i);
}
const char *db_col_text(struct db_stmt *st, int i)
{
	CHECK_COL(st, i, NULL);
	if (st->db->ops->column_type(st, i) == DB_NULL)
		return NULL;
	return st->db->ops->col_text(st, i);
}
const void *db_col_blob(struct db_stmt *st, int i, size_t *n)
{
	*n = 0;
	CHECK_COL(st, i, NULL);
	if (st->db->ops->column_type(st, i) == DB_NULL)
		return NULL;
	return st->db->ops->col_blob(st, i, n);
}

enum dti_status db_bindv(struct db_stmt *st, const char *fmt, va_list ap)
{
	int i = 1;
	for (const char *f = fmt; f && *f; f++, i++) {
		enum dti_status rc;
		switch (*f) {
		case 'i': rc = db_bind_int(st, i, va_arg(ap, int64_t)); break;
		case 'd': rc = db_bind_double(st, i, va_arg(ap, double)); break;
		case 's':
			rc = db_bind_text(st, i, va_arg(ap, const char *));
			break;
		case 'b': {
			const void *p = va_arg(ap, const void *);
			size_t n = va_arg(ap, size_t);
			rc = db_bind_blob(st, i, p, n);
			break;
		}
		default: rc = DTI_EARG;
		}
		if (rc != DTI_OK)
			return rc;
	}
	return DTI_OK;
}

static enum dti_status run_v(struct db *db, struct dti_error *err,
                             const char *sql, const char *fmt, va_list ap,
                             int64_t *out, int *found)
{
	struct db_stmt *st;
	enum dti_status rc = db_prepare(db, sql, &st, err);
	if (rc != DTI_OK)
		return rc;
	rc = db_bindv(st, fmt, ap);
	if (rc != DTI_OK) {
		db_finalize(st);
		return dti_err_set(err, rc, "", 0, 0, "", "bad SQL binding: %s",
		                   sql);
	}
	int row = 0;
	rc = db_step(st, &row, err);
	if (rc == DTI_OK && found) {
		*found = 0;
		if (row && db_column_type(st, 0) != DB_NULL) {
			*out = db_col_int(st, 0);
			*found = 1;
		}
	}
	/* Drain so that PostgreSQL and SQLite finish the statement alike. */
	while (rc == DTI_OK && row)
		rc = db_step(st, &row, err);
	db_finalize(st);
	return rc;
}

enum dti_status db_run(struct db *db, struct dti_error *err, const char *sql,
                       const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	enum dti_status rc = run_v(db, err, sql, fmt, ap, NULL, NULL);
	va_end(ap);
	return rc;
}

enum dti_status db_query_int(struct db *db, struct dti_error *err, int64_t *out,
                             int *found, const char *sql, const char *fmt, ...)
{
	int f = 0;
	va_list ap;
	va_start(ap, fmt);
	enum dti_status rc = run_v(db, err, sql, fmt, ap, out, &f);
	va_end(ap);
	if (found)
		*found = f;
	return rc;
}

enum dti_status db_prepare_bulk(struct db *db, enum db_bulk_op op,
                                const char *table, const char *const *cols,
                                int ncols, int nkeys, struct db_stmt **out,
                                struct dti_error *err)
{
	*out = NULL;
	int ok = table && cols && ncols >= 1 && nkeys >= 0 && nkeys <= ncols;
	if (op == DB_BULK_UPSERT)
		ok = ok && nkeys >= 1;
	else if (op == DB_BULK_DELETE)
		ok = ok && nkeys >= 1 && nkeys == ncols;
	else if (op == DB_BULK_UPDATE)
		ok = ok && nkeys >= 1 && nkeys < ncols;
	else if (op != DB_BULK_INSERT)
		ok = 0;
	if (!ok)
		return dti_err_set(err, DTI_EINTERNAL, "", 0, 0, "",
		                   "bad bulk statement for table %s",
		                   table ? table : "(none)");
	return db->ops->prepare_bulk(db, op, table, cols, ncols, nkeys, out,
	                             err);
}

enum dti_status db_bulk_flush(struct db_stmt *st, struct dti_error *err)
{
	if (!st)
		return DTI_OK;
	return st->db->ops->bulk_flush(st, err);
}

char *db_schema_sql(const struct db *db, const char *tmpl)
{
	static const char *const tokens[] = {"@ID@", "@INT@", "@REAL@",
	                                     "@BLOB@", "@STRICT@"};
	static const char *const sqlite_v[] = {"INTEGER", "INTEGER", "REAL",
	                                       "BLOB", " STRICT"};
	static const char *const pg_v[] = {"BIGINT", "BIGINT",
	                                   "DOUBLE PRECISION", "BYTEA", ""};
	const char *const *vals = db->kind == DB_PG ? pg_v : sqlite_v;
	struct dti_buf b;
	dti_buf_init(&b, 0);
	for (const char *p = tmpl; *p;) {
		size_t k;
		for (k = 0; k < DTI_ARRAY_LEN(tokens); k++)
			if (strncmp(p, tokens[k], strlen(tokens[k])) == 0)
				break;
		enum dti_status rc;
		if (k < DTI_ARRAY_LEN(tokens)) {
			rc = dti_buf_adds(&b, vals[k]);
			p += strlen(tokens[k]);
		} else {
			rc = dti_buf_addc(&b, *p++);
		}
		if (rc != DTI_OK) {
			dti_buf_release(&b);
			return NULL;
		}
	}
	if (dti_buf_addc(&b, '\0') != DTI_OK) {
		dti_buf_release(&b);
		return NULL;
	}
	return b.data;
}

enum dti_status db_backup(struct db *db, const char *tmp, const char *path,
                          struct dti_error *err)
{
	if (!db->ops->backup)
		return dti_err_set(err, DTI_EINVALID, path, 0, 0, "",
		                   "this database has no online copy");
	return db->ops->backup(db, tmp, path, err);
}
