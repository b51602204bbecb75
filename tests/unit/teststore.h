/*
 * tests/unit/teststore.h - a fresh, empty store per test, on the backend
 * the run is for.
 *
 * Without $DTI_TEST_PG a test gets a new SQLite file in a temporary
 * directory.  With it (the '-pg' variants run under tests/pg/with-pg.sh) a
 * test gets a new schema in that PostgreSQL database, selected through the
 * URI's options=-csearch_path parameter, so tests never see each other's
 * rows.  teststore_cleanup() deletes the file or drops the schema.
 */
#ifndef DTI_TESTSTORE_H
#define DTI_TESTSTORE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dti/dti.h"
#include "store/db/db.h"

/*
 * The unit tests' clock: a fixed time without the store's setting (the
 * public dti_store_set_clock honours one only where an admin allowed it).
 * Internal to lib/store and not exported; the tests link the static
 * library.
 */
enum dti_status store_test_clock(struct dti_store *s, const char *now);

struct teststore {
	char location[1024];
	char dir[256];   /* SQLite: the temporary directory */
	char schema[64]; /* PostgreSQL: the schema */
	int pg;
};

static inline int teststore_is_pg(void)
{
	const char *u = getenv("DTI_TEST_PG");
	return u && *u;
}

/* Prepares a location; returns 0 or -1 (with a message on stderr). */
static inline int teststore_new(struct teststore *t)
{
	static int counter;
	memset(t, 0, sizeof *t);
	const char *uri = getenv("DTI_TEST_PG");
	if (uri && *uri) {
		t->pg = 1;
		snprintf(t->schema, sizeof t->schema, "t_%ld_%d",
		         (long)getpid(), ++counter);
		struct db *db = NULL;
		struct dti_error err = DTI_ERROR_INIT;
		char sql[128];
		snprintf(sql, sizeof sql, "CREATE SCHEMA %s", t->schema);
		if (db_open(uri, &db, &err) != DTI_OK ||
		    db_exec(db, sql, &err) != DTI_OK) {
			fprintf(stderr, "teststore: %s\n", err.message);
			db_close(db);
			return -1;
		}
		db_close(db);
		snprintf(t->location, sizeof t->location,
		         "%s%coptions=-csearch_path%%3D%s", uri,
		         strchr(uri, '?') ? '&' : '?', t->schema);
		return 0;
	}
	snprintf(t->dir, sizeof t->dir, "/tmp/dti-test-XXXXXX");
	if (!mkdtemp(t->dir)) {
		perror("mkdtemp");
		return -1;
	}
	snprintf(t->location, sizeof t->location, "%s/store.db", t->dir);
	return 0;
}

static inline void teststore_cleanup(struct teststore *t)
{
	if (t->pg) {
		struct db *db = NULL;
		struct dti_error err = DTI_ERROR_INIT;
		char sql[128];
		snprintf(sql, sizeof sql, "DROP SCHEMA %s CASCADE", t->schema);
		if (db_open(getenv("DTI_TEST_PG"), &db, &err) == DTI_OK)
			db_exec(db, sql, &err);
		db_close(db);
		return;
	}
	static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
	char p[320];
	for (size_t i = 0; i < 4; i++) {
		snprintf(p, sizeof p, "%s/store.db%s", t->dir, suffixes[i]);
		unlink(p);
	}
	rmdir(t->dir);
}

#endif
