/*
 * src/cli/store_common.c - opening the store for the workflow commands and
 * mapping its errors to exit codes.
 *
 * The store is named by --db, else $DTI_DB, else "dti.db" in the current
 * directory.  The acting user is --user, else $DTI_USER: the command line
 * is local access to the store, trusted like a shell on the database host
 * (as in Fossil); the server authenticates with passwords and tokens.
 *
 * DTI_NOW asks for a fixed time (reproducible examples and tests).  The
 * store honours it only where an admin allowed it ('dti db init
 * --allow-dti-now', 'dti db set allow-dti-now yes'); elsewhere the command
 * is refused with exit 9 rather than run on another clock than the one
 * asked for.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

int cli_store_create;

int cli_store_fail(const char *what, enum dti_status st,
                   const struct dti_error *err)
{
	cli_error(what, err);
	switch (st) {
	case DTI_ESTATE: return EXIT_STATE;
	case DTI_EPERM: return EXIT_PERM;
	case DTI_ECONFLICT: return EXIT_CONFLICT;
	case DTI_EEXIST: return EXIT_EXISTS;
	case DTI_ENOTFOUND:
	case DTI_EAMBIGUOUS: return EXIT_NOTFOUND;
	case DTI_EINVALID:
	case DTI_ESYNTAX:
	case DTI_EENCODING: return EXIT_DATA;
	default: return cli_exit_for(st, EXIT_DATA);
	}
}

int cli_open_store(const char *db, const char *user, int need_actor,
                   struct dti_store **out)
{
	*out = NULL;
	if (!db || !*db)
		db = getenv("DTI_DB");
	if (!db || !*db)
		db = "dti.db";
	if (!user || !*user)
		user = getenv("DTI_USER");
	if (need_actor && (!user || !*user)) {
		fprintf(stderr, "dti: who is acting? give --user NAME or set "
		                "DTI_USER\n");
		return EXIT_USAGE;
	}
	/* Only 'dti db init' creates a store file; a typo in a path must
	 * not leave an empty database behind. */
	if (!cli_store_create && strncmp(db, "postgresql://", 13) != 0 &&
	    strncmp(db, "postgres://", 11) != 0 && access(db, F_OK) != 0) {
		fprintf(
		    stderr,
		    "dti: no store at %s: create one with 'dti db init', or "
		    "name another with --db or DTI_DB\n",
		    db);
		return EXIT_STATE;
	}
	struct dti_error err = DTI_ERROR_INIT;
	struct dti_store *s = NULL;
	enum dti_status st = dti_store_open(db, &s, &err);
	if (st != DTI_OK) {
		int rc = cli_store_fail("cannot open the store", st, &err);
		dti_error_release(&err);
		return rc;
	}
	const char *now = getenv("DTI_NOW");
	if (now && *now) {
		st = dti_store_fix_clock(s, now, &err);
		if (st != DTI_OK) {
			int rc = cli_store_fail("DTI_NOW", st, &err);
			dti_error_release(&err);
			dti_store_close(s);
			return rc;
		}
	}
	/* 'dti db init' makes the first user itself: no actor exists yet. */
	if (user && *user && !cli_store_create) {
		st = dti_store_set_actor(s, user, &err);
		if (st != DTI_OK) {
			int rc =
			    cli_store_fail("cannot act as this user", st, &err);
			dti_error_release(&err);
			dti_store_close(s);
			return rc;
		}
	}
	*out = s;
	return EXIT_OK;
}
