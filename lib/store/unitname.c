/*
 * lib/store/unitname.c - unit names read against the store's registry.
 *
 * A caller names a unit as people write it: its id ("48"), its code, its
 * Vietnamese or ASCII name, or an alias ("TP. Đà Nẵng"), matched by the
 * engine's tolerant rules (dti_units_find).  A name means the unit that
 * bore it on a given day: the 2025 merger left names shared by a unit that
 * ended on 2025-06-30 and another that began on 2025-07-01.  The day is
 * the reference date of the cycle involved, else the one the caller gives,
 * else today by the store's clock.  An exact id needs no day.
 */
#include <string.h>

#include "store/store_internal.h"

static void copy(char *dst, size_t n, const char *src)
{
	dti_snprintf(dst, n, "%s", src ? src : "");
}

/* The unit whose id is exactly `text`; *found = 0 if none. */
static enum dti_status by_id(struct dti_store *s, const char *text,
                             struct dti_unit_ref *out, int *found,
                             struct dti_error *err)
{
	*found = 0;
	struct db_stmt *q = NULL;
	enum dti_status st = db_prepare(s->db,
	                                "SELECT id, code, name_vi, valid_from, "
	                                "valid_to FROM units WHERE id = ?",
	                                &q, err);
	if (st != DTI_OK)
		return st;
	db_bind_text(q, 1, text);
	int row = 0;
	st = db_step(q, &row, err);
	if (st == DTI_OK && row) {
		*found = 1;
		copy(out->id, sizeof out->id, db_col_text(q, 0));
		copy(out->code, sizeof out->code, db_col_text(q, 1));
		copy(out->name_vi, sizeof out->name_vi, db_col_text(q, 2));
		copy(out->valid_from, sizeof out->valid_from,
		     db_col_text(q, 3));
		copy(out->valid_to, sizeof out->valid_to, db_col_text(q, 4));
	}
	db_finalize(q);
	return st;
}

enum dti_status store_unit_resolve(struct dti_store *s, const char *text,
                                   const char *date, struct dti_unit_ref *out,
                                   struct dti_error *err)
{
	memset(out, 0, sizeof *out);
	if (date && *date && !dti_is_date(date))
		return dti_err_set(err, DTI_ESYNTAX, "", 0, 0, "date",
		                   "'%s' is not a date YYYY-MM-DD", date);
	if (date && *date) {
		copy(out->date, sizeof out->date, date);
	} else {
		char now[21];
		store_now(s, now);
		dti_snprintf(out->date, sizeof out->date, "%.10s", now);
	}
	if (!text || !*text)
		return dti_err_set(err, DTI_ENOTFOUND, "", 0, 0, "unit",
		                   "no unit named");
	int found = 0;
	enum dti_status st = by_id(s, text, out, &found, err);
	if (st != DTI_OK || found)
		return st;
	struct dti_units *u = NULL;
	st = store_units_read(s, &u, err);
	size_t i = 0;
	if (st == DTI_OK)
		st = dti_units_find(u, text, out->date, &i, err);
	if (st == DTI_OK) {
		struct dti_unit_info ui;
		dti_units_get(u, i, &ui);
		copy(out->id, sizeof out->id, ui.id);
		copy(out->code, sizeof out->code, ui.code);
		copy(out->name_vi, sizeof out->name_vi, ui.name_vi);
		copy(out->valid_from, sizeof out->valid_from, ui.valid_from);
		copy(out->valid_to, sizeof out->valid_to, ui.valid_to);
	}
	dti_units_free(u);
	return st;
}

enum dti_status store_cycle_unit(struct dti_store *s,
                                 const struct store_cycle *c, const char *text,
                                 char id[64], struct dti_error *err)
{
	struct dti_unit_ref ref;
	enum dti_status st =
	    store_unit_resolve(s, text, c->ref_date, &ref, err);
	dti_snprintf(id, 64, "%s", st == DTI_OK ? ref.id : "");
	return st;
}

enum dti_status dti_store_unit_find(struct dti_store *s, const char *text,
                                    const char *cycle, const char *date,
                                    struct dti_unit_ref *out,
                                    struct dti_error *err)
{
	memset(out, 0, sizeof *out);
	enum dti_status st = store_begin_read(s, err);
	if (st != DTI_OK)
		return st;
	struct store_cycle c;
	if (cycle)
		st = store_load_cycle(s, cycle, &c, err);
	if (st == DTI_OK)
		st = store_unit_resolve(s, text, cycle ? c.ref_date : date, out,
		                        err);
	db_rollback(s->db);
	return st;
}
