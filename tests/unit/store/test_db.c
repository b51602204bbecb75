/*
 * tests/unit/store/test_db.c - the SQL layer (lib/store/db/db.h) on both of its
 * backends.
 *
 * The store runs the same statements on SQLite and PostgreSQL, so every
 * case here runs twice: once on a fresh SQLite file and, when $DTI_TEST_PG
 * holds a postgresql:// URI (tests/pg/with-pg.sh sets it), once on
 * PostgreSQL in a fresh schema of its own, reached through the URI's
 * options=-csearch_path parameter.  Without $DTI_TEST_PG the PostgreSQL
 * group is skipped with a message and the SQLite group still runs.
 *
 * Covered: the schema's type tokens, the five value types in and out
 * (blob bytes 0x00 and 0xFF, 0.1 + 0.2 to the last bit, NaN as NULL,
 * Vietnamese text), '?' inside literals and comments, changed-row counts,
 * constraint errors and their status codes, transactions, the one-shot
 * helpers and re-running a statement after db_reset(); bulk statements
 * (every operation, COPY's escapes, errors of rows held back, flushes by
 * size) and numbered parameters.  A few checks of
 * PostgreSQL's own dialect (E'' strings, dollar quotes) and of a failed
 * connection (no password in the message) run on PostgreSQL only.
 */
/* cmocka.h needs these first, in this order */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/base.h"
#include "dti/dti.h"
#include "store/db/db_impl.h"
#include "testutil.h"

/* The backend of the group being run, and PostgreSQL's admin link. */
static enum db_kind g_kind;
static const char *g_pg_uri;
static struct db *g_pg_admin;
static int g_schema_n;

struct fixture {
	struct db *db;
	char path[512];  /* SQLite file */
	char schema[64]; /* PostgreSQL schema */
	char uri[1024];  /* PostgreSQL URI with that schema */
};

/* ---- fixtures -------------------------------------------------------- */

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	if (!f)
		return -1;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status rc;
	if (g_kind == DB_SQLITE) {
		const char *dir = getenv("TMPDIR");
		snprintf(f->path, sizeof f->path, "%s/dti-test-db-XXXXXX",
		         dir && *dir ? dir : "/tmp");
		int fd = mkstemp(f->path);
		if (fd < 0) {
			free(f);
			return -1;
		}
		close(fd);
		rc = db_open(f->path, &f->db, &err);
	} else {
		snprintf(f->schema, sizeof f->schema, "t_%ld_%d",
		         (long)getpid(), ++g_schema_n);
		char sql[128];
		snprintf(sql, sizeof sql, "CREATE SCHEMA %s", f->schema);
		rc = db_exec(g_pg_admin, sql, &err);
		if (rc == DTI_OK) {
			snprintf(f->uri, sizeof f->uri,
			         "%s%coptions=-csearch_path%%3D%s", g_pg_uri,
			         strchr(g_pg_uri, '?') ? '&' : '?', f->schema);
			rc = db_open(f->uri, &f->db, &err);
		}
	}
	if (rc != DTI_OK) {
		print_message("cannot open the test database: %s\n",
		              err.message);
		dti_error_release(&err);
		if (*f->path)
			unlink(f->path);
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	db_close(f->db);
	if (g_kind == DB_SQLITE) {
		char p[600];
		unlink(f->path);
		snprintf(p, sizeof p, "%s-wal", f->path);
		unlink(p);
		snprintf(p, sizeof p, "%s-shm", f->path);
		unlink(p);
	} else {
		char sql[128];
		snprintf(sql, sizeof sql, "DROP SCHEMA %s CASCADE", f->schema);
		struct dti_error err = DTI_ERROR_INIT;
		if (db_exec(g_pg_admin, sql, &err) != DTI_OK)
			print_message("%s: %s\n", sql, err.message);
	}
	free(f);
	return 0;
}

static int pg_group_setup(void **state)
{
	(void)state;
	struct dti_error err = DTI_ERROR_INIT;
	g_kind = DB_PG;
	if (db_open(g_pg_uri, &g_pg_admin, &err) != DTI_OK) {
		print_message("cannot connect to $DTI_TEST_PG: %s\n",
		              err.message);
		return -1;
	}
	return 0;
}

static int pg_group_teardown(void **state)
{
	(void)state;
	db_close(g_pg_admin);
	g_pg_admin = NULL;
	return 0;
}

static int sqlite_group_setup(void **state)
{
	(void)state;
	g_kind = DB_SQLITE;
	return 0;
}

/* ---- helpers --------------------------------------------------------- */

/* Runs a schema template (tokens substituted) and asserts success. */
static void make_table(struct db *db, const char *tmpl)
{
	char *sql = db_schema_sql(db, tmpl);
	assert_non_null(sql);
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status rc = db_exec(db, sql, &err);
	if (rc != DTI_OK)
		print_message("%s: %s\n", sql, err.message);
	assert_int_equal(rc, DTI_OK);
	free(sql);
}

static int64_t count_rows(struct db *db, const char *table)
{
	char sql[128];
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM %s", table);
	struct dti_error err = DTI_ERROR_INIT;
	int64_t n = -1;
	int found = 0;
	assert_int_equal(db_query_int(db, &err, &n, &found, sql, ""), DTI_OK);
	assert_true(found);
	return n;
}

static const char *const T_TEMPLATE =
    "CREATE TABLE t (id @ID@ PRIMARY KEY, n @INT@, r @REAL@, "
    "s TEXT, b @BLOB@)@STRICT@";

/* ---- cases ----------------------------------------------------------- */

static void test_schema_tokens(void **state)
{
	struct fixture *f = *state;
	char *sql = db_schema_sql(f->db, T_TEMPLATE);
	assert_non_null(sql);
	if (g_kind == DB_SQLITE)
		assert_string_equal(sql, "CREATE TABLE t (id INTEGER PRIMARY "
		                         "KEY, n INTEGER, r REAL, s TEXT, b "
		                         "BLOB) STRICT");
	else
		assert_string_equal(sql, "CREATE TABLE t (id BIGINT PRIMARY "
		                         "KEY, n BIGINT, r DOUBLE PRECISION, s "
		                         "TEXT, b BYTEA)");
	free(sql);
	/* no tokens: copied as is; an '@' alone stays */
	sql = db_schema_sql(f->db, "SELECT '@' AS a");
	assert_string_equal(sql, "SELECT '@' AS a");
	free(sql);
	assert_int_equal(db_kind(f->db), g_kind);
	make_table(f->db, T_TEMPLATE);
	assert_int_equal(count_rows(f->db, "t"), 0);
}

static void test_round_trip(void **state)
{
	struct fixture *f = *state;
	struct dti_error err = DTI_ERROR_INIT;
	make_table(f->db, T_TEMPLATE);
	static const unsigned char bytes[] = {0x00, 0xFF, 0x10, 0x00, 0x5C,
	                                      0x27, 0x80, 0x7F, 0xFF};
	const char *vi = "Hà Nội – Đà Nẵng, Thừa Thiên Huế";
	const double third = 0.1 + 0.2; /* 0.30000000000000004 */
	struct db_stmt *st;
	assert_int_equal(db_prepare(f->db,
	                            "INSERT INTO t (id, n, r, s, b) "
	                            "VALUES (?, ?, ?, ?, ?)",
	                            &st, &err),
	                 DTI_OK);
	assert_int_equal(st->nparams, 5);
	assert_int_equal(db_bind_int(st, 1, 1), DTI_OK);
	assert_int_equal(db_bind_int(st, 2, INT64_MIN), DTI_OK);
	assert_int_equal(db_bind_double(st, 3, third), DTI_OK);
	assert_int_equal(db_bind_text(st, 4, vi), DTI_OK);
	assert_int_equal(db_bind_blob(st, 5, bytes, sizeof bytes), DTI_OK);
	/* out of range */
	assert_int_equal(db_bind_int(st, 0, 1), DTI_EARG);
	assert_int_equal(db_bind_int(st, 6, 1), DTI_EARG);
	int row = -1;
	assert_int_equal(db_step(st, &row, &err), DTI_OK);
	assert_int_equal(row, 0);
	assert_int_equal(db_changes(st), 1);
	db_finalize(st);

	/* the other row: NULLs of every kind, NaN among them */
	assert_int_equal(db_run(f->db, &err,
	                        "INSERT INTO t (id, n, r, s, b) "
	                        "VALUES (?, ?, ?, ?, ?)",
	                        "iidsb", (int64_t)2, INT64_MAX, (double)NAN,
	                        (const char *)NULL, (const void *)NULL,
	                        (size_t)0),
	                 DTI_OK);
	/* extreme doubles */
	static const double doubles[] = {1e300, -5e-324,
	                                 2.2250738585072014e-308,
	                                 123456789.123456789, -1.0 / 3};
	for (size_t k = 0; k < DTI_ARRAY_LEN(doubles); k++)
		assert_int_equal(db_run(f->db, &err,
		                        "INSERT INTO t (id, r) VALUES (?, ?)",
		                        "id", (int64_t)(10 + k), doubles[k]),
		                 DTI_OK);

	assert_int_equal(db_prepare(f->db,
	                            "SELECT id, n, r, s, b FROM t "
	                            "WHERE id < 10 ORDER BY id",
	                            &st, &err),
	                 DTI_OK);
	assert_int_equal(st->nparams, 0);
	assert_int_equal(db_step(st, &row, &err), DTI_OK);
	assert_int_equal(row, 1);
	assert_int_equal(db_column_count(st), 5);
	assert_string_equal(db_column_name(st, 0), "id");
	assert_string_equal(db_column_name(st, 4), "b");
	assert_null(db_column_name(st, 5));
	assert_int_equal(db_column_type(st, 0), DB_INT);
	assert_int_equal(db_column_type(st, 1), DB_INT);
	assert_int_equal(db_column_type(st, 2), DB_REAL);
	assert_int_equal(db_column_type(st, 3), DB_TEXT);
	assert_int_equal(db_column_type(st, 4), DB_BLOB);
	assert_int_equal(db_col_int(st, 0), 1);
	assert_true(db_col_int(st, 1) == INT64_MIN);
	double r = db_col_double(st, 2);
	assert_memory_equal(&r, &third, sizeof r); /* to the last bit */
	assert_string_equal(db_col_text(st, 3), vi);
	size_t n = 0;
	const void *p = db_col_blob(st, 4, &n);
	assert_int_equal(n, sizeof bytes);
	assert_memory_equal(p, bytes, sizeof bytes);
	/* read again: same bytes */
	p = db_col_blob(st, 4, &n);
	assert_int_equal(n, sizeof bytes);
	assert_memory_equal(p, bytes, sizeof bytes);

	assert_int_equal(db_step(st, &row, &err), DTI_OK);
	assert_int_equal(row, 1);
	assert_int_equal(db_col_int(st, 0), 2);
	assert_true(db_col_int(st, 1) == INT64_MAX);
	for (int c = 2; c < 5; c++)
		assert_int_equal(db_column_type(st, c), DB_NULL);
	assert_true(isnan(db_col_double(st, 2)));
	assert_null(db_col_text(st, 3));
	n = 99;
	assert_null(db_col_blob(st, 4, &n));
	assert_int_equal(n, 0);

	assert_int_equal(db_step(st, &row, &err), DTI_OK);
	assert_int_equal(row, 0);
	db_finalize(st);

	assert_int_equal(db_prepare(f->db,
	                            "SELECT r FROM t WHERE id >= 10 "
	                            "ORDER BY id",
	                            &st, &err),
	                 DTI_OK);
	for (size_t k = 0; k < DTI_ARRAY_LEN(doubles); k++) {
		assert_int_equal(db_step(st, &row, &err), DTI_OK);
		assert_int_equal(row, 1);
		r = db_col_double(st, 0);
		assert_memory_equal(&r, &doubles[k], sizeof r);
	}
	db_finalize(st);

	/* a larger blob with every byte value */
	size_t big_n = 70000;
	unsigned char *big = malloc(big_n);
	assert_non_null(big);
	for (size_t k = 0; k < big_n; k++)
		big[k] = (unsigned char)(k * 7 + k / 256);
	assert_int_equal(db_run(f->db, &err,
	                        "INSERT INTO t (id, b) VALUES (?, ?)", "ib",
	                        (int64_t)3, (const void *)big, big_n),
	                 DTI_OK);
	assert_int_equal(
	    db_prepare(f->db, "SELECT b FROM t WHERE id = ?", &st, &err),
	    DTI_OK);
	assert_int_equal(db_bind_int(st, 1, 3), DTI_OK);
	assert_int_equal(db_step(st, &row, &err), DTI_OK);
	assert_int_equal(row, 1);
	p = db_col_blob(st, 0, &n);
	assert_int_equal(n, big_n);
	assert_memory_equal(p, big, big_n);
	db_finalize(st);
	free(big);
}

/* Expressions: booleans and numerics come back as numbers on both. */
static void test_expression_types(void **state)
{
	struct fixture *f = *state;
	struct dti_error err = DTI_ERROR_INIT;
	struct db_stmt *st;
	assert_int_equal(db_prepare(f->db,
	                            "SELECT 1 = 1, 1 = 2, CAST(1.5 AS "
	                            "NUMERIC), ? + 1, 'x' || ?, ? * 2",
	                            &st, &err),
	                 DTI_OK);
	assert_int_equal(db_bind_int(st, 1, 41), DTI_OK);
	assert_int_equal(db_bind_text(st, 2, "y"), DTI_OK);
	assert_int_equal(db_bind_double(st, 3, 0.25), DTI_OK);
	int row = 0;
	assert_int_equal(db_step(st, &row, &err), DTI_OK);
	assert_int_equal(row, 1);
	assert_int_equal(db_column_type(st, 0), DB_INT);
	assert_int_equal(db_col_int(st, 0), 1);
	assert_string_equal(db_col_text(st, 0), "1");
	assert_int_equal(db_col_int(st, 1), 0);
	assert_string_equal(db_col_text(st, 1), "0");
	assert_int_equal(db_column_type(st, 2), DB_REAL);
	assert_true(db_col_double(st, 2) == 1.5);
	assert_int_equal(db_col_int(st, 2), 1);
	assert_int_equal(db_column_type(st, 3), DB_INT);
	assert_int_equal(db_col_int(st, 3), 42);
	assert_true(db_col_double(st, 3) == 42.0);
	assert_string_equal(db_col_text(st, 3), "42");
	assert_string_equal(db_col_text(st, 4), "xy");
	assert_int_equal(db_column_type(st, 5), DB_REAL);
	assert_true(db_col_double(st, 5) == 0.5);
	db_finalize(st);
}

static void test_placeholder_in_literal(void **state)
{
	struct fixture *f = *state;
	struct dti_error err = DTI_ERROR_INIT;
	struct db_stmt *st;
	assert_int_equal(db_prepare(f->db,
	                            "SELECT 'why?' AS \"q?\", ? AS a, "
	                            "'it''s ?' AS b, ? AS c -- and? \n"
	                            " /* or? */",
	                            &st, &err),
	                 DTI_OK);
	assert_int_equal(st->nparams, 2);
	assert_int_equal(db_bind_text(st, 1, "one"), DTI_OK);
	assert_int_equal(db_bind_int(st, 2, 2), DTI_OK);
	assert_int_equal(db_bind_text(st, 3, "three"), DTI_EARG);
	int row = 0;
	assert_int_equal(db_step(st, &row, &err), DTI_OK);
	assert_int_equal(row, 1);
	assert_string_equal(db_column_name(st, 0), "q?");
	assert_string_equal(db_col_text(st, 0), "why?");
	assert_string_equal(db_col_text(st, 1), "one");
	assert_string_equal(db_col_text(st, 2), "it's ?");
	assert_int_equal(db_col_int(st, 3), 2);
	db_finalize(st);
}

/* PostgreSQL's own quoting: E'' strings and dollar quotes. */
static void test_pg_dialect_quotes(void **state)
{
	struct fixture *f = *state;
	if (g_kind != DB_PG) {
		skip();
		return;
	}
	struct dti_error err = DTI_ERROR_INIT;
	struct db_stmt *st;
	assert_int_equal(db_prepare(f->db,
	                            "SELECT E'a\\'?', $$b?$$, $x$c'?$x$, ?, "
	                            "/* x /* nested? */ ? */ ?",
	                            &st, &err),
	                 DTI_OK);
	assert_int_equal(st->nparams, 2);
	assert_int_equal(db_bind_text(st, 1, "d"), DTI_OK);
	assert_int_equal(db_bind_text(st, 2, "e"), DTI_OK);
	int row = 0;
	assert_int_equal(db_step(st, &row, &err), DTI_OK);
	assert_int_equal(row, 1);
	assert_string_equal(db_col_text(st, 0), "a'?");
	assert_string_equal(db_col_text(st, 1), "b?");
	assert_string_equal(db_col_text(st, 2), "c'?");
	assert_string_equal(db_col_text(st, 3), "d");
	assert_string_equal(db_col_text(st, 4), "e");
	db_finalize(st);
}

static void test_changes(void **state)
{
	struct fixture *f = *state;
	struct dti_error err = DTI_ERROR_INIT;
	make_table(f->db, T_TEMPLATE);
	for (int64_t i = 1; i <= 5; i++)
		assert_int_equal(db_run(f->db, &err,
		                        "INSERT INTO t (id, n) VALUES (?, ?)",
		                        "ii", i, i * 10),
		                 DTI_OK);
	struct db_stmt *st;
	assert_int_equal(
	    db_prepare(f->db, "UPDATE t SET s = ? WHERE n > ?", &st, &err),
	    DTI_OK);
	assert_int_equal(db_bind_text(st, 1, "big"), DTI_OK);
	assert_int_equal(db_bind_int(st, 2, 25), DTI_OK);
	int row = 1;
	assert_int_equal(db_step(st, &row, &err), DTI_OK);
	assert_int_equal(row, 0);
	assert_int_equal(db_changes(st), 3);
	db_finalize(st);
	assert_int_equal(
	    db_prepare(f->db, "DELETE FROM t WHERE n < ?", &st, &err), DTI_OK);
	assert_int_equal(db_bind_int(st, 1, 0), DTI_OK);
	assert_int_equal(db_step(st, &row, &err), DTI_OK);
	assert_int_equal(db_changes(st), 0);
	db_reset(st);
	assert_int_equal(db_bind_int(st, 1, 25), DTI_OK);
	assert_int_equal(db_step(st, &row, &err), DTI_OK);
	assert_int_equal(db_changes(st), 2);
	db_finalize(st);
	/* RETURNING: a row per changed row, changes counted too */
	assert_int_equal(db_prepare(f->db,
	                            "UPDATE t SET n = n + 1 WHERE id >= ? "
	                            "RETURNING id",
	                            &st, &err),
	                 DTI_OK);
	assert_int_equal(db_bind_int(st, 1, 4), DTI_OK);
	int rows = 0;
	for (;;) {
		assert_int_equal(db_step(st, &row, &err), DTI_OK);
		if (!row)
			break;
		rows++;
	}
	assert_int_equal(rows, 2);
	assert_int_equal(db_changes(st), 2);
	db_finalize(st);
	assert_int_equal(count_rows(f->db, "t"), 3);
}

static void test_unique_violation(void **state)
{
	struct fixture *f = *state;
	struct dti_error err = DTI_ERROR_INIT;
	make_table(f->db, T_TEMPLATE);
	make_table(f->db, "CREATE UNIQUE INDEX t_s ON t (s)");
	assert_int_equal(db_run(f->db, &err,
	                        "INSERT INTO t (id, s) VALUES (?, ?)", "is",
	                        (int64_t)1, "a"),
	                 DTI_OK);
	assert_int_equal(db_run(f->db, &err,
	                        "INSERT INTO t (id, s) VALUES (?, ?)", "is",
	                        (int64_t)1, "b"),
	                 DTI_EEXIST);
	assert_true(strlen(err.message) > 0);
	print_message("primary key: %s\n", err.message);
	dti_error_release(&err);
	assert_int_equal(db_run(f->db, &err,
	                        "INSERT INTO t (id, s) VALUES (?, ?)", "is",
	                        (int64_t)2, "a"),
	                 DTI_EEXIST);
	dti_error_release(&err);
	/* ON CONFLICT works on both and is no error */
	assert_int_equal(db_run(f->db, &err,
	                        "INSERT INTO t (id, s) VALUES (?, ?) "
	                        "ON CONFLICT (id) DO NOTHING",
	                        "is", (int64_t)1, "c"),
	                 DTI_OK);
	assert_int_equal(count_rows(f->db, "t"), 1);
}

static void test_fk_and_check_violation(void **state)
{
	struct fixture *f = *state;
	struct dti_error err = DTI_ERROR_INIT;
	make_table(f->db, "CREATE TABLE parent (id @ID@ PRIMARY KEY)@STRICT@");
	make_table(f->db, "CREATE TABLE child (id @ID@ PRIMARY KEY, "
	                  "parent @INT@ NOT NULL REFERENCES parent (id), "
	                  "n @INT@ CHECK (n >= 0))@STRICT@");
	assert_int_equal(db_run(f->db, &err, "INSERT INTO parent VALUES (?)",
	                        "i", (int64_t)1),
	                 DTI_OK);
	assert_int_equal(db_run(f->db, &err,
	                        "INSERT INTO child VALUES (?, ?, ?)", "iii",
	                        (int64_t)1, (int64_t)1, (int64_t)0),
	                 DTI_OK);
	assert_int_equal(db_run(f->db, &err,
	                        "INSERT INTO child VALUES (?, ?, ?)", "iii",
	                        (int64_t)2, (int64_t)99, (int64_t)0),
	                 DTI_EINVALID);
	print_message("foreign key: %s\n", err.message);
	dti_error_release(&err);
	assert_int_equal(db_run(f->db, &err,
	                        "INSERT INTO child VALUES (?, ?, ?)", "iii",
	                        (int64_t)3, (int64_t)1, (int64_t)-1),
	                 DTI_EINVALID);
	dti_error_release(&err);
	assert_int_equal(db_run(f->db, &err,
	                        "INSERT INTO child (id) VALUES (?)", "i",
	                        (int64_t)4),
	                 DTI_EINVALID);
	dti_error_release(&err);
	assert_int_equal(db_run(f->db, &err, "DELETE FROM parent", ""),
	                 DTI_EINVALID);
	dti_error_release(&err);
	assert_int_equal(count_rows(f->db, "child"), 1);
	assert_int_equal(count_rows(f->db, "parent"), 1);
	/* a plain SQL error is DTI_EIO */
	assert_int_equal(db_run(f->db, &err, "SELECT * FROM no_such_table", ""),
	                 DTI_EIO);
	dti_error_release(&err);
}

static void test_transactions(void **state)
{
	struct fixture *f = *state;
	struct dti_error err = DTI_ERROR_INIT;
	make_table(f->db, T_TEMPLATE);
	db_rollback(f->db); /* nothing open: harmless */
	assert_false(db_in_transaction(f->db));

	assert_int_equal(db_begin_write(f->db, &err), DTI_OK);
	assert_true(db_in_transaction(f->db));
	assert_int_equal(db_run(f->db, &err, "INSERT INTO t (id) VALUES (?)",
	                        "i", (int64_t)1),
	                 DTI_OK);
	assert_int_equal(count_rows(f->db, "t"), 1);
	db_rollback(f->db);
	assert_false(db_in_transaction(f->db));
	assert_int_equal(count_rows(f->db, "t"), 0);

	assert_int_equal(db_begin_write(f->db, &err), DTI_OK);
	assert_int_equal(db_run(f->db, &err, "INSERT INTO t (id) VALUES (?)",
	                        "i", (int64_t)2),
	                 DTI_OK);
	assert_int_equal(db_commit(f->db, &err), DTI_OK);
	assert_false(db_in_transaction(f->db));
	assert_int_equal(count_rows(f->db, "t"), 1);

	/* a read snapshot sees committed rows */
	assert_int_equal(db_begin_read(f->db, &err), DTI_OK);
	assert_true(db_in_transaction(f->db));
	assert_int_equal(count_rows(f->db, "t"), 1);
	if (g_kind == DB_PG) {
		/* read only: writing fails, the transaction is dead */
		assert_int_equal(db_run(f->db, &err,
		                        "INSERT INTO t (id) VALUES (?)", "i",
		                        (int64_t)3),
		                 DTI_EIO);
		dti_error_release(&err);
	}
	assert_int_equal(db_commit(f->db, &err) == DTI_OK, g_kind != DB_PG);
	dti_error_release(&err);
	assert_false(db_in_transaction(f->db));
	assert_int_equal(count_rows(f->db, "t"), 1);

	/* a failed statement: after rollback nothing of the transaction */
	assert_int_equal(db_begin_write(f->db, &err), DTI_OK);
	assert_int_equal(db_run(f->db, &err, "INSERT INTO t (id) VALUES (?)",
	                        "i", (int64_t)4),
	                 DTI_OK);
	assert_int_equal(db_run(f->db, &err, "INSERT INTO t (id) VALUES (?)",
	                        "i", (int64_t)2),
	                 DTI_EEXIST);
	dti_error_release(&err);
	db_rollback(f->db);
	assert_int_equal(count_rows(f->db, "t"), 1);
}

static void test_helpers(void **state)
{
	struct fixture *f = *state;
	struct dti_error err = DTI_ERROR_INIT;
	make_table(f->db, T_TEMPLATE);
	/* several statements in one db_exec */
	assert_int_equal(db_exec(f->db,
	                         "INSERT INTO t (id, n) VALUES (1, 10);"
	                         "INSERT INTO t (id, n) VALUES (2, 20);",
	                         &err),
	                 DTI_OK);
	const unsigned char blob[] = {0, 1, 255};
	assert_int_equal(db_run(f->db, &err,
	                        "INSERT INTO t (id, n, r, s, b) "
	                        "VALUES (?, ?, ?, ?, ?)",
	                        "iidsb", (int64_t)3, (int64_t)30, 2.5, "ba",
	                        (const void *)blob, sizeof blob),
	                 DTI_OK);
	int64_t v = -1;
	int found = -1;
	assert_int_equal(db_query_int(f->db, &err, &v, &found,
	                              "SELECT n FROM t WHERE id = ?", "i",
	                              (int64_t)3),
	                 DTI_OK);
	assert_int_equal(found, 1);
	assert_int_equal(v, 30);
	assert_int_equal(db_query_int(f->db, &err, &v, &found,
	                              "SELECT SUM(n) FROM t WHERE s = ? OR "
	                              "r < ?",
	                              "sd", "ba", 3.0),
	                 DTI_OK);
	assert_int_equal(v, 30);
	/* no row, and a NULL: not found, v untouched */
	v = 7;
	assert_int_equal(db_query_int(f->db, &err, &v, &found,
	                              "SELECT n FROM t WHERE id = ?", "i",
	                              (int64_t)99),
	                 DTI_OK);
	assert_int_equal(found, 0);
	assert_int_equal(v, 7);
	assert_int_equal(db_query_int(f->db, &err, &v, &found,
	                              "SELECT r FROM t WHERE id = ?", "i",
	                              (int64_t)1),
	                 DTI_OK);
	assert_int_equal(found, 0);
	assert_int_equal(v, 7);
	/* found may be NULL */
	assert_int_equal(
	    db_query_int(f->db, &err, &v, NULL, "SELECT COUNT(*) FROM t", ""),
	    DTI_OK);
	assert_int_equal(v, 3);
	/* a bad format letter or too many values */
	assert_int_equal(db_run(f->db, &err, "SELECT ?", "x", 1), DTI_EARG);
	dti_error_release(&err);
	assert_int_equal(
	    db_run(f->db, &err, "SELECT ?", "ii", (int64_t)1, (int64_t)2),
	    DTI_EARG);
	dti_error_release(&err);
	/* a failing statement's error comes through db_run */
	assert_int_equal(db_run(f->db, &err, "INSERT INTO t (id) VALUES (?)",
	                        "i", (int64_t)1),
	                 DTI_EEXIST);
	dti_error_release(&err);
}

static void test_reset_rerun(void **state)
{
	struct fixture *f = *state;
	struct dti_error err = DTI_ERROR_INIT;
	make_table(f->db, T_TEMPLATE);
	struct db_stmt *ins;
	assert_int_equal(db_prepare(f->db,
	                            "INSERT INTO t (id, s) VALUES (?, ?)", &ins,
	                            &err),
	                 DTI_OK);
	int row = 0;
	for (int64_t i = 1; i <= 4; i++) {
		char s[16];
		snprintf(s, sizeof s, "v%d", (int)i);
		assert_int_equal(db_bind_int(ins, 1, i), DTI_OK);
		assert_int_equal(db_bind_text(ins, 2, s), DTI_OK);
		assert_int_equal(db_step(ins, &row, &err), DTI_OK);
		assert_int_equal(db_changes(ins), 1);
		db_reset(ins);
	}
	/* reset cleared the bindings: s is NULL */
	assert_int_equal(db_bind_int(ins, 1, 5), DTI_OK);
	assert_int_equal(db_step(ins, &row, &err), DTI_OK);
	db_finalize(ins);

	struct db_stmt *sel;
	assert_int_equal(db_prepare(f->db,
	                            "SELECT id, s FROM t WHERE id >= ? "
	                            "ORDER BY id",
	                            &sel, &err),
	                 DTI_OK);
	assert_int_equal(db_bind_int(sel, 1, 4), DTI_OK);
	assert_int_equal(db_step(sel, &row, &err), DTI_OK);
	assert_int_equal(row, 1);
	assert_int_equal(db_col_int(sel, 0), 4);
	assert_string_equal(db_col_text(sel, 1), "v4");
	assert_int_equal(db_step(sel, &row, &err), DTI_OK);
	assert_int_equal(row, 1);
	assert_int_equal(db_col_int(sel, 0), 5);
	assert_null(db_col_text(sel, 1));
	assert_int_equal(db_step(sel, &row, &err), DTI_OK);
	assert_int_equal(row, 0);
	/* again with another value, and reset in the middle of the rows */
	db_reset(sel);
	assert_int_equal(db_bind_int(sel, 1, 2), DTI_OK);
	assert_int_equal(db_step(sel, &row, &err), DTI_OK);
	assert_int_equal(row, 1);
	assert_int_equal(db_col_int(sel, 0), 2);
	assert_string_equal(db_col_text(sel, 1), "v2");
	db_reset(sel);
	assert_int_equal(db_bind_int(sel, 1, 3), DTI_OK);
	int n = 0;
	for (;;) {
		assert_int_equal(db_step(sel, &row, &err), DTI_OK);
		if (!row)
			break;
		assert_int_equal(db_col_int(sel, 0), 3 + n);
		n++;
	}
	assert_int_equal(n, 3);
	/* without a binding the parameter is NULL: no row matches */
	db_reset(sel);
	assert_int_equal(db_step(sel, &row, &err), DTI_OK);
	assert_int_equal(row, 0);
	db_finalize(sel);
}

/* A row locked by another connection: DTI_ECONFLICT once the wait ends. */
static void test_pg_lock_conflict(void **state)
{
	struct fixture *f = *state;
	if (g_kind != DB_PG) {
		skip();
		return;
	}
	struct dti_error err = DTI_ERROR_INIT;
	make_table(f->db, T_TEMPLATE);
	assert_int_equal(
	    db_run(f->db, &err, "INSERT INTO t (id) VALUES (1)", ""), DTI_OK);
	struct db *other = NULL;
	assert_int_equal(db_open(f->uri, &other, &err), DTI_OK);
	assert_int_equal(db_exec(other, "SET lock_timeout = '200ms'", &err),
	                 DTI_OK);
	assert_int_equal(db_begin_write(f->db, &err), DTI_OK);
	assert_int_equal(db_run(f->db, &err,
	                        "SELECT id FROM t WHERE id = ? FOR UPDATE", "i",
	                        (int64_t)1),
	                 DTI_OK);
	assert_int_equal(db_begin_write(other, &err), DTI_OK);
	assert_int_equal(db_run(other, &err,
	                        "SELECT id FROM t WHERE id = ? FOR UPDATE", "i",
	                        (int64_t)1),
	                 DTI_ECONFLICT);
	print_message("lock: %s\n", err.message);
	dti_error_release(&err);
	db_rollback(other);
	db_rollback(f->db);
	/* free again: the other connection goes on */
	assert_int_equal(db_begin_write(other, &err), DTI_OK);
	assert_int_equal(
	    db_run(other, &err, "UPDATE t SET n = 1 WHERE id = 1", ""), DTI_OK);
	assert_int_equal(db_commit(other, &err), DTI_OK);
	db_close(other);
	/* the session default set at connect time */
	struct db_stmt *st;
	assert_int_equal(db_prepare(f->db, "SHOW lock_timeout", &st, &err),
	                 DTI_OK);
	int row = 0;
	assert_int_equal(db_step(st, &row, &err), DTI_OK);
	assert_int_equal(row, 1);
	assert_string_equal(db_col_text(st, 0), "30s");
	db_finalize(st);
	assert_int_equal(db_prepare(f->db, "SHOW TIME ZONE", &st, &err),
	                 DTI_OK);
	assert_int_equal(db_step(st, &row, &err), DTI_OK);
	assert_string_equal(db_col_text(st, 0), "UTC");
	db_finalize(st);
}

/* ORDER BY ... COLLATE vi: Đ after D, before E (bytes would put it last). */
static void test_vi_collation(void **state)
{
	struct fixture *f = *state;
	struct dti_error err = DTI_ERROR_INIT;
	if (g_kind == DB_PG) {
		int64_t icu = 0;
		assert_int_equal(
		    db_query_int(f->db, &err, &icu, NULL,
		                 "SELECT COUNT(*) FROM pg_collation "
		                 "WHERE collname = 'vi'",
		                 ""),
		    DTI_OK);
		if (icu == 0) {
			print_message("server without ICU: no collation vi\n");
			skip();
			return;
		}
	}
	make_table(f->db, "CREATE TABLE p (id @ID@ PRIMARY KEY, "
	                  "name TEXT)@STRICT@");
	static const char *const names[] = {"Đà Nẵng", "Ea Súp", "Cà Mau",
	                                    "Dak Lak", "An Giang"};
	static const char *const want[] = {"An Giang", "Cà Mau", "Dak Lak",
	                                   "Đà Nẵng", "Ea Súp"};
	for (size_t k = 0; k < DTI_ARRAY_LEN(names); k++)
		assert_int_equal(db_run(f->db, &err,
		                        "INSERT INTO p VALUES (?, ?)", "is",
		                        (int64_t)k, names[k]),
		                 DTI_OK);
	struct db_stmt *st;
	assert_int_equal(db_prepare(f->db,
	                            "SELECT name FROM p ORDER BY name "
	                            "COLLATE vi",
	                            &st, &err),
	                 DTI_OK);
	for (size_t k = 0; k < DTI_ARRAY_LEN(want); k++) {
		int row = 0;
		assert_int_equal(db_step(st, &row, &err), DTI_OK);
		assert_int_equal(row, 1);
		assert_string_equal(db_col_text(st, 0), want[k]);
	}
	db_finalize(st);
}

/* A server that is not there: DTI_EIO, the place named, no password. */
static void test_pg_connect_failure(void **state)
{
	(void)state;
	struct dti_error err = DTI_ERROR_INIT;
	struct db *db = NULL;
	assert_int_equal(db_open("postgresql://dti:s3cr3tpw@127.0.0.1:1/"
	                         "nodb?connect_timeout=5",
	                         &db, &err),
	                 DTI_EIO);
	assert_null(db);
	char msg[1024];
	dti_error_format(&err, msg, sizeof msg);
	print_message("%s\n", msg);
	assert_null(strstr(msg, "s3cr3tpw"));
	assert_non_null(strstr(msg, "127.0.0.1"));
	assert_non_null(strstr(msg, "nodb"));
	assert_non_null(strstr(err.message, "port 1"));
	dti_error_release(&err);
	/* password given as a parameter */
	assert_int_equal(db_open("postgres://127.0.0.1:1/nodb?user=dti&"
	                         "password=0therpw",
	                         &db, &err),
	                 DTI_EIO);
	dti_error_format(&err, msg, sizeof msg);
	assert_null(strstr(msg, "0therpw"));
	dti_error_release(&err);
	/* libpq quotes a bad %-escape: not the password around it */
	assert_int_equal(db_open("postgresql://u:bad%zzpw@h/db", &db, &err),
	                 DTI_EARG);
	dti_error_format(&err, msg, sizeof msg);
	print_message("%s\n", msg);
	assert_null(strstr(msg, "zzpw"));
	dti_error_release(&err);
	/* not a URI libpq can read */
	assert_int_equal(
	    db_open("postgresql://u:pw@h/db?nosuchparam=1", &db, &err),
	    DTI_EARG);
	dti_error_release(&err);
}

/* ---- bulk statements ------------------------------------------------- */

/*
 * The value of row i of the bulk tests: every character COPY's text
 * format escapes, "\N" and "\." as text, Vietnamese, the empty string
 * (not NULL), NULLs of every type and blobs with 0x00 and backslashes.
 */
#define BULK_ROWS 300
static void bulk_text(int i, char *out, size_t cap)
{
	static const char *const forms[] = {
	    "tab\there",     "line\nbreak",
	    "cr\rlf\r\n",    "back\\slash\\",
	    "\\N",           "\\.",
	    "Đà Nẵng – Huế", "",
	    "\t\n\\\r",      "ends with tab\t",
	    "a\\tb",         "ô chữ ư ơ đ",
	};
	snprintf(out, cap, "%d:%s", i, forms[i % 12]);
}

static void bulk_bind(struct db_stmt *st, int i, int variant)
{
	char text[64];
	unsigned char blob[4] = {0x00, 0x5C, (unsigned char)i, 0xFF};
	bulk_text(i + variant, text, sizeof text);
	assert_int_equal(db_bind_int(st, 1, i), DTI_OK);
	if (i % 7 == 3)
		assert_int_equal(db_bind_null(st, 2), DTI_OK);
	else
		assert_int_equal(
		    db_bind_int(st, 2, i % 5 == 0 ? INT64_MIN : i + variant),
		    DTI_OK);
	assert_int_equal(
	    db_bind_double(st, 3,
	                   i % 11 == 4 ? (double)NAN : 0.1 * i + 0.2 + variant),
	    DTI_OK);
	assert_int_equal(db_bind_text(st, 4, i % 13 == 6 ? NULL : text),
	                 DTI_OK);
	assert_int_equal(
	    db_bind_blob(st, 5, i % 9 == 2 ? NULL : blob, sizeof blob), DTI_OK);
}

/* Every row of t as written by bulk_bind(i, variant) for i in [from, to). */
static void bulk_check(struct db *db, int from, int to, int variant)
{
	struct dti_error err = DTI_ERROR_INIT;
	struct db_stmt *q;
	assert_int_equal(db_prepare(db,
	                            "SELECT id, n, r, s, b FROM t WHERE id "
	                            ">= ? AND id < ? ORDER BY id",
	                            &q, &err),
	                 DTI_OK);
	db_bind_int(q, 1, from);
	db_bind_int(q, 2, to);
	int row = 0, i = from;
	while (db_step(q, &row, &err) == DTI_OK && row) {
		char text[64];
		bulk_text(i + variant, text, sizeof text);
		assert_int_equal(db_col_int(q, 0), i);
		if (i % 7 == 3)
			assert_int_equal(db_column_type(q, 1), DB_NULL);
		else
			assert_int_equal(db_col_int(q, 1),
			                 i % 5 == 0 ? INT64_MIN : i + variant);
		if (i % 11 == 4)
			assert_true(isnan(db_col_double(q, 2)));
		else
			assert_true(db_col_double(q, 2) ==
			            0.1 * i + 0.2 + variant);
		if (i % 13 == 6)
			assert_null(db_col_text(q, 3));
		else
			assert_string_equal(db_col_text(q, 3), text);
		size_t n = 0;
		const unsigned char *b = db_col_blob(q, 4, &n);
		if (i % 9 == 2) {
			assert_null(b);
		} else {
			assert_int_equal(n, 4);
			assert_int_equal(b[0], 0x00);
			assert_int_equal(b[1], 0x5C);
			assert_int_equal(b[2], (unsigned char)i);
			assert_int_equal(b[3], 0xFF);
		}
		i++;
	}
	assert_int_equal(i, to);
	db_finalize(q);
}

static const char *const T_COLS[] = {"id", "n", "r", "s", "b"};

/* Writes rows [from, to) with a bulk statement, then flushes it. */
static void bulk_write_rows(struct db *db, enum db_bulk_op op, int from, int to,
                            int variant)
{
	struct dti_error err = DTI_ERROR_INIT;
	struct db_stmt *st;
	assert_int_equal(db_prepare_bulk(db, op, "t", T_COLS, 5, 1, &st, &err),
	                 DTI_OK);
	for (int i = from; i < to; i++) {
		int row = -1;
		db_reset(st);
		bulk_bind(st, i, variant);
		assert_int_equal(db_step(st, &row, &err), DTI_OK);
		assert_int_equal(row, 0);
	}
	assert_int_equal(db_bulk_flush(st, &err), DTI_OK);
	assert_int_equal(db_bulk_flush(st, &err), DTI_OK); /* nothing left */
	db_finalize(st);
}

static void test_bulk_ops(void **state)
{
	struct fixture *f = *state;
	struct dti_error err = DTI_ERROR_INIT;
	make_table(f->db, T_TEMPLATE);
	assert_int_equal(db_begin_write(f->db, &err), DTI_OK);
	/* new rows, then an upsert over half of them and as many new ones */
	bulk_write_rows(f->db, DB_BULK_INSERT, 0, BULK_ROWS, 0);
	bulk_check(f->db, 0, BULK_ROWS, 0);
	bulk_write_rows(f->db, DB_BULK_UPSERT, BULK_ROWS / 2,
	                BULK_ROWS + BULK_ROWS / 2, 1);
	bulk_check(f->db, 0, BULK_ROWS / 2, 0);
	bulk_check(f->db, BULK_ROWS / 2, BULK_ROWS + BULK_ROWS / 2, 1);
	/* an update leaves rows without their key alone */
	bulk_write_rows(f->db, DB_BULK_UPDATE, 0, BULK_ROWS * 2, 2);
	bulk_check(f->db, 0, BULK_ROWS + BULK_ROWS / 2, 2);
	assert_int_equal(count_rows(f->db, "t"), BULK_ROWS + BULK_ROWS / 2);
	/* a delete of the first 100 keys and of keys that are not there */
	struct db_stmt *del;
	assert_int_equal(db_prepare_bulk(f->db, DB_BULK_DELETE, "t", T_COLS, 1,
	                                 1, &del, &err),
	                 DTI_OK);
	for (int i = -50; i < 100; i++) {
		int row;
		db_reset(del);
		db_bind_int(del, 1, i);
		assert_int_equal(db_step(del, &row, &err), DTI_OK);
	}
	assert_int_equal(db_bulk_flush(del, &err), DTI_OK);
	db_finalize(del);
	assert_int_equal(db_commit(f->db, &err), DTI_OK);
	assert_int_equal(count_rows(f->db, "t"),
	                 BULK_ROWS + BULK_ROWS / 2 - 100);
	bulk_check(f->db, 100, BULK_ROWS + BULK_ROWS / 2, 2);

	/* outside a transaction a flush is one of its own */
	bulk_write_rows(f->db, DB_BULK_UPSERT, 0, 100, 3);
	bulk_check(f->db, 0, 100, 3);
	assert_false(db_in_transaction(f->db));

	/* bad arguments */
	struct db_stmt *st = NULL;
	assert_int_equal(db_prepare_bulk(f->db, DB_BULK_DELETE, "t", T_COLS, 2,
	                                 1, &st, &err),
	                 DTI_EINTERNAL);
	dti_error_release(&err);
	assert_int_equal(db_prepare_bulk(f->db, DB_BULK_UPDATE, "t", T_COLS, 1,
	                                 1, &st, &err),
	                 DTI_EINTERNAL);
	dti_error_release(&err);
	assert_null(st);
	assert_int_equal(db_bulk_flush(NULL, &err), DTI_OK);
}

/*
 * Errors of rows held back come from the flush, with the status of the
 * constraint, and leave the transaction to be rolled back.
 */
static void test_bulk_errors(void **state)
{
	struct fixture *f = *state;
	struct dti_error err = DTI_ERROR_INIT;
	make_table(f->db, "CREATE TABLE parent (id @ID@ PRIMARY KEY)@STRICT@");
	make_table(f->db, "CREATE TABLE child (id @ID@ PRIMARY KEY, "
	                  "parent @INT@ NOT NULL REFERENCES parent (id), "
	                  "s TEXT)@STRICT@");
	assert_int_equal(
	    db_run(f->db, &err, "INSERT INTO parent VALUES (1)", ""), DTI_OK);
	static const char *const cols[] = {"id", "parent", "s"};
	static const struct {
		enum db_bulk_op op;
		int bad_parent, dup;
		enum dti_status want;
	} cases[] = {
	    {DB_BULK_INSERT, 0, 1, DTI_EEXIST},
	    {DB_BULK_INSERT, 1, 0, DTI_EINVALID},
	    {DB_BULK_UPSERT, 1, 0, DTI_EINVALID},
	};
	for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
		assert_int_equal(db_begin_write(f->db, &err), DTI_OK);
		struct db_stmt *st;
		assert_int_equal(db_prepare_bulk(f->db, cases[c].op, "child",
		                                 cols, 3, 1, &st, &err),
		                 DTI_OK);
		enum dti_status rc = DTI_OK;
		for (int i = 0; i < 200 && rc == DTI_OK; i++) {
			int row;
			db_reset(st);
			/* the bad row comes late: it is held back */
			db_bind_int(st, 1, cases[c].dup && i == 150 ? 3 : i);
			db_bind_int(st, 2,
			            cases[c].bad_parent && i == 150 ? 99 : 1);
			db_bind_text(st, 3, "x");
			rc = db_step(st, &row, &err);
		}
		if (rc == DTI_OK)
			rc = db_bulk_flush(st, &err);
		print_message("bulk error %zu: %s\n", c, err.message);
		assert_int_equal(rc, cases[c].want);
		dti_error_release(&err);
		db_finalize(st);
		db_rollback(f->db);
		assert_int_equal(count_rows(f->db, "child"), 0);
	}
}

/* Rows beyond a few megabytes of COPY text are flushed as they come. */
static void test_bulk_large(void **state)
{
	struct fixture *f = *state;
	struct dti_error err = DTI_ERROR_INIT;
	make_table(f->db, T_TEMPLATE);
	char *big = malloc(4001);
	assert_non_null(big);
	for (int i = 0; i < 4000; i++)
		big[i] = "a\tb\\c\nđ"[i % 8] ? "a\tb\\c\nđ"[i % 8] : 'z';
	big[4000] = '\0';
	assert_int_equal(db_begin_write(f->db, &err), DTI_OK);
	struct db_stmt *st;
	assert_int_equal(db_prepare_bulk(f->db, DB_BULK_UPSERT, "t", T_COLS, 4,
	                                 1, &st, &err),
	                 DTI_OK);
	const int n = 5000; /* about 25 MB of COPY text */
	for (int i = 0; i < n; i++) {
		int row;
		db_reset(st);
		db_bind_int(st, 1, i);
		db_bind_int(st, 2, i);
		db_bind_double(st, 3, i / 3.0);
		db_bind_text(st, 4, big);
		assert_int_equal(db_step(st, &row, &err), DTI_OK);
	}
	assert_int_equal(db_bulk_flush(st, &err), DTI_OK);
	db_finalize(st);
	assert_int_equal(db_commit(f->db, &err), DTI_OK);
	assert_int_equal(count_rows(f->db, "t"), n);
	int64_t good = 0;
	assert_int_equal(db_query_int(f->db, &err, &good, NULL,
	                              "SELECT COUNT(*) FROM t WHERE s = ? AND "
	                              "n = id AND r = id / 3.0",
	                              "s", big),
	                 DTI_OK);
	assert_int_equal(good, n);
	free(big);
}

/* "?NNN" names a parameter; a '?' after it is the next one. */
static void test_numbered_params(void **state)
{
	struct fixture *f = *state;
	struct dti_error err = DTI_ERROR_INIT;
	make_table(f->db, T_TEMPLATE);
	struct db_stmt *st;
	assert_int_equal(
	    db_prepare(f->db, "INSERT INTO t (s, id, n) VALUES (?2, ?1, ?)",
	               &st, &err),
	    DTI_OK);
	assert_int_equal(st->nparams, 3);
	db_bind_int(st, 1, 7);
	db_bind_text(st, 2, "seven");
	db_bind_int(st, 3, 77);
	int row;
	assert_int_equal(db_step(st, &row, &err), DTI_OK);
	db_finalize(st);
	int64_t n = 0;
	assert_int_equal(db_query_int(f->db, &err, &n, NULL,
	                              "SELECT n FROM t WHERE id = 7 AND s = "
	                              "'seven'",
	                              ""),
	                 DTI_OK);
	assert_int_equal(n, 77);
}

#define CASE(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest cases[] = {
	    CASE(test_schema_tokens),     CASE(test_round_trip),
	    CASE(test_expression_types),  CASE(test_placeholder_in_literal),
	    CASE(test_pg_dialect_quotes), CASE(test_changes),
	    CASE(test_unique_violation),  CASE(test_fk_and_check_violation),
	    CASE(test_transactions),      CASE(test_helpers),
	    CASE(test_reset_rerun),       CASE(test_vi_collation),
	    CASE(test_pg_lock_conflict),  CASE(test_bulk_ops),
	    CASE(test_bulk_errors),       CASE(test_bulk_large),
	    CASE(test_numbered_params),
	};
	const struct CMUnitTest offline[] = {
	    cmocka_unit_test(test_pg_connect_failure),
	};
	int failed = cmocka_run_group_tests_name("db on SQLite", cases,
	                                         sqlite_group_setup, NULL);
	failed += cmocka_run_group_tests_name("db without a server", offline,
	                                      NULL, NULL);
	g_pg_uri = getenv("DTI_TEST_PG");
	if (!g_pg_uri || !*g_pg_uri) {
		print_message("DTI_TEST_PG not set: the PostgreSQL group is "
		              "skipped (run the 'db-pg' test, or "
		              "tests/pg/with-pg.sh)\n");
		return failed;
	}
	failed += cmocka_run_group_tests_name(
	    "db on PostgreSQL", cases, pg_group_setup, pg_group_teardown);
	return failed;
}
