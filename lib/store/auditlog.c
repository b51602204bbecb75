/*
 * lib/store/auditlog.c - reading the audit log: the events that match a
 * filter, oldest first, handed to the caller one at a time as data (the
 * chain itself and its verification are in audit.c).  A unit of the
 * filter may be named as people write it (see unitname.c).
 */
#include <string.h>

#include "store/store_internal.h"

enum dti_status dti_audit_log(struct dti_store *s,
                              const struct dti_audit_filter *f, dti_audit_fn fn,
                              void *ctx, struct dti_error *err)
{
	struct dti_audit_filter none = DTI_AUDIT_FILTER_INIT;
	if (!f)
		f = &none;
	if (!fn)
		return dti_err_set(err, DTI_EARG, "", 0, 0, "",
		                   "dti_audit_log: no callback");
	enum dti_status st = store_begin_read(s, err);
	if (st != DTI_OK)
		return st;
	/* A unit name is read as on the cycle's reference date, if any. */
	struct dti_unit_ref ref;
	const char *unit = NULL;
	if (f->unit) {
		struct store_cycle c;
		if (f->cycle)
			st = store_load_cycle(s, f->cycle, &c, err);
		if (st == DTI_OK)
			st = store_unit_resolve(s, f->unit,
			                        f->cycle ? c.ref_date : f->date,
			                        &ref, err);
		unit = ref.id;
	}
	if (st == DTI_OK)
		st = store_require(s, DTI_ROLE_VIEWER, unit,
		                   "read the audit log", err);
	char sql[512];
	dti_snprintf(
	    sql, sizeof sql,
	    "SELECT seq, at, actor, action, cycle, unit, object, before_json, "
	    "after_json, prev, hash FROM audit WHERE seq > ?%s%s%s%s ORDER "
	    "BY seq",
	    unit ? " AND unit = ?" : "", f->user ? " AND actor = ?" : "",
	    f->cycle ? " AND cycle = ?" : "",
	    f->action ? " AND action = ?" : "");
	struct db_stmt *q = NULL;
	if (st == DTI_OK)
		st = db_prepare(s->db, sql, &q, err);
	if (st == DTI_OK) {
		int k = 1;
		db_bind_int(q, k++, f->after);
		if (unit)
			db_bind_text(q, k++, unit);
		if (f->user)
			db_bind_text(q, k++, f->user);
		if (f->cycle)
			db_bind_text(q, k++, f->cycle);
		if (f->action)
			db_bind_text(q, k++, f->action);
	}
	int row = 0;
	size_t n = 0;
	while (st == DTI_OK && (!f->limit || n < f->limit) &&
	       (st = db_step(q, &row, err)) == DTI_OK && row) {
		struct dti_audit_event ev;
		ev.seq = db_col_int(q, 0);
		ev.at = db_col_text(q, 1);
		ev.actor = db_col_text(q, 2);
		ev.action = db_col_text(q, 3);
		ev.cycle = db_col_text(q, 4);
		ev.unit = db_col_text(q, 5);
		ev.object = db_col_text(q, 6);
		ev.before = db_col_text(q, 7);
		ev.after = db_col_text(q, 8);
		ev.prev = db_col_text(q, 9);
		ev.hash = db_col_text(q, 10);
		n++;
		st = fn(ctx, &ev);
	}
	db_finalize(q);
	db_rollback(s->db);
	return st;
}

void dti_audit_filter_init(struct dti_audit_filter *f)
{
	struct dti_audit_filter d = DTI_AUDIT_FILTER_INIT;
	*f = d;
}
