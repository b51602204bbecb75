/*
 * lib/store/settings.c - the store's settings, key by key, in the table
 * settings.  One today: `clock`, "system" (the default) or "fixed" (a
 * fixed time asked for with dti_store_fix_clock is honoured; see the
 * clock in core.c).  Only an admin changes a setting, and each change is
 * an audit event store.setting, stamped by the clock in force before it.
 */
#include <string.h>

#include "store/store_internal.h"

enum dti_status dti_store_allow_fixed_clock(struct dti_store *s, int allow,
                                            int *changed, struct dti_error *err)
{
	if (changed)
		*changed = 0;
	enum dti_status st = store_begin(s, err);
	if (st != DTI_OK)
		return st;
	st = store_require(s, DTI_ROLE_ADMIN, NULL,
	                   "change the store's clock setting", err);
	int was = s->clock_allowed;
	if (st == DTI_OK && was != !!allow) {
		const char *v = allow ? "fixed" : "system";
		/* The event of the change is stamped by the clock in force
		 * before it. */
		st = db_run(s->db, err,
		            "UPDATE settings SET value = ? WHERE key = 'clock'",
		            "s", v);
		if (st == DTI_OK)
			st =
			    store_audit(s, "store.setting", NULL, NULL, "clock",
			                was ? "{\"clock\":\"fixed\"}"
			                    : "{\"clock\":\"system\"}",
			                allow ? "{\"clock\":\"fixed\"}"
			                      : "{\"clock\":\"system\"}",
			                err);
		if (st == DTI_OK && changed)
			*changed = 1;
	}
	st = store_end(s, st, err);
	if (st == DTI_OK) {
		s->clock_allowed = !!allow;
		s->clock_bootstrap = 0;
	}
	return st;
}

enum dti_status dti_store_clock_fixed(struct dti_store *s, int *allowed,
                                      struct dti_error *err)
{
	*allowed = 0;
	int saved = s->clock_bootstrap;
	char req[21];
	memcpy(req, s->clock_req, 21);
	/* Reading the setting must not fail on the clock it describes. */
	s->clock_req[0] = '\0';
	enum dti_status st = store_begin_read(s, err);
	memcpy(s->clock_req, req, 21);
	s->clock_bootstrap = saved;
	if (st != DTI_OK)
		return st;
	*allowed = s->clock_allowed;
	db_rollback(s->db);
	return DTI_OK;
}
