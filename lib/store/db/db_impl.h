/*
 * lib/db_impl.h - what a database backend implements for db.c.
 *
 * A backend embeds struct db as the first member of its connection and
 * struct db_stmt as the first member of its statements, and fills a
 * struct db_ops by field name.  db.c checks arguments and dispatches; the
 * backend does the rest.  Parameter indices reaching a backend are 1-based and
 * in range; column indices 0-based and in range.
 */
#ifndef DTI_DB_IMPL_H
#define DTI_DB_IMPL_H

#include "store/db/db.h"

struct db_ops {
	void (*close)(struct db *db);
	enum dti_status (*exec)(struct db *db, const char *sql,
	                        struct dti_error *err);
	enum dti_status (*begin_write)(struct db *db, struct dti_error *err);
	enum dti_status (*begin_read)(struct db *db, struct dti_error *err);
	enum dti_status (*commit)(struct db *db, struct dti_error *err);
	void (*rollback)(struct db *db);
	enum dti_status (*prepare)(struct db *db, const char *sql,
	                           struct db_stmt **out, struct dti_error *err);
	enum dti_status (*bind_null)(struct db_stmt *st, int i);
	enum dti_status (*bind_int)(struct db_stmt *st, int i, int64_t v);
	enum dti_status (*bind_double)(struct db_stmt *st, int i, double v);
	enum dti_status (*bind_text)(struct db_stmt *st, int i, const char *s);
	enum dti_status (*bind_blob)(struct db_stmt *st, int i, const void *p,
	                             size_t n);
	enum dti_status (*step)(struct db_stmt *st, int *row,
	                        struct dti_error *err);
	void (*reset)(struct db_stmt *st);
	void (*finalize)(struct db_stmt *st);
	int64_t (*changes)(struct db_stmt *st);
	int (*column_count)(struct db_stmt *st);
	const char *(*column_name)(struct db_stmt *st, int i);
	enum db_type (*column_type)(struct db_stmt *st, int i);
	int64_t (*col_int)(struct db_stmt *st, int i);
	double (*col_double)(struct db_stmt *st, int i);
	const char *(*col_text)(struct db_stmt *st, int i);
	const void *(*col_blob)(struct db_stmt *st, int i, size_t *n);
	/* a bulk statement (db.h); its SQL per row from db_bulk_row_sql() */
	enum dti_status (*prepare_bulk)(struct db *db, enum db_bulk_op op,
	                                const char *table,
	                                const char *const *cols, int ncols,
	                                int nkeys, struct db_stmt **out,
	                                struct dti_error *err);
	enum dti_status (*bulk_flush)(struct db_stmt *st,
	                              struct dti_error *err);
	/* optional: NULL when the backend has no online copy */
	enum dti_status (*backup)(struct db *db, const char *tmp,
	                          const char *path, struct dti_error *err);
};

struct db {
	const struct db_ops *ops;
	enum db_kind kind;
	int in_tx;
	int group;        /* db_group_begin: transactions are savepoints */
	int group_broken; /* a savepoint could not be undone */
};

struct db_stmt {
	struct db *db;
	int nparams; /* number of '?' placeholders */
};

/*
 * The statement that writes one row of a bulk statement (bulk.c), its
 * parameters the columns in order: the operation db.h describes.  NULL
 * when out of memory; the caller frees it.
 */
char *db_bulk_row_sql(enum db_bulk_op op, const char *table,
                      const char *const *cols, int ncols, int nkeys);

#endif
