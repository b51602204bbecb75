/*
 * lib/store/notices.c - notices for users, derived from the audit log and
 * the cycles; the keys users marked read; the mail outbox.
 *
 * Why derived: a notice says that something happened (an event of the
 * log) or that something is due (a deadline of a cycle, for the units
 * that have not acted).  Both are already in the store, so a notice table
 * would be a second truth that could disagree with the first; instead
 * every listing reads the few events that make notices (an index on
 * audit.action finds them), the cycles, the submissions of units that
 * have editors and the roles, and derives each user's notices in one pass
 * over those rows.  What cannot be derived is stored, and only that: the
 * keys a user marked read (notice_reads) and the notices handed to the
 * mailer (notice_mail).  Neither is a decision of the workflow, so
 * neither is audited; an export carries both.
 *
 * Invariants: a notice's key is unique among one user's notices and
 * stays the same for as long as the notice exists (an event's sequence
 * number, or a cycle, a deadline day and a lead time), so read markers and
 * mail records keyed by it hold.  A notice is handed to the mailer at most
 * once: it is claimed (a row 'sending') in a committed transaction before
 * the mailer is called, and the primary key refuses a second claim.
 */
#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"

#define SEP "\037" /* between the parts of an internal map key */

static const char *const kind_names[] = {NULL,
                                         "submission_returned",
                                         "cycle_opened",
                                         "submit_deadline",
                                         "review_deadline",
                                         "cycle_published"};

const char *dti_notice_kind_name(enum dti_notice_kind k)
{
	return k >= DTI_NOTICE_RETURNED && k <= DTI_NOTICE_PUBLISHED
	           ? kind_names[k]
	           : "?";
}

void dti_notice_opts_init(struct dti_notice_opts *o)
{
	memset(o, 0, sizeof *o);
}

/* ---- days ----------------------------------------------------------------
 * Civil dates to day numbers and back (proleptic Gregorian), for the day
 * a reminder starts: D - 7 and D - 1.
 */
static long days_from_civil(long y, long m, long d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(long z, long *y, long *m, long *d)
{
	z += 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yoe + era * 400 + (*m <= 2);
}

/* "YYYY-MM-DD" n days before day (a valid date). */
static void date_minus(const char *day, int n, char out[11])
{
	long y = strtol(day, NULL, 10), m = strtol(day + 5, NULL, 10),
	     d = strtol(day + 8, NULL, 10);
	civil_from_days(days_from_civil(y, m, d) - n, &y, &m, &d);
	dti_snprintf(out, 11, "%04ld-%02ld-%02ld", y, m, d);
}

/* ---- what a derivation reads ------------------------------------------- */

struct nuser {
	int64_t id;
	const char *name, *display, *email;
	int disabled, any_role, reviewer;
	size_t first_unit, nunits; /* this user's editor units in eunits */
};

struct ncycle {
	const char *label;
	enum dti_cycle_state state;
	char submit[11], review[11];
	long long unreviewed; /* submissions not approved or excluded */
};

/* A derived notice and the user it is for. */
struct nnotice {
	size_t user;
	struct dti_notice n;
};

struct nctx {
	struct dti_store *s;
	struct dti_arena a;      /* strings read from the store */
	struct store_vec users;  /* struct nuser, by id */
	struct store_vec eunits; /* const char *: editor units, by user */
	struct store_vec cycles; /* struct ncycle */
	struct dti_map subs;     /* "cycle SEP unit" -> state */
	struct dti_map names;    /* unit id -> index in unames */
	struct store_vec unames; /* const char * */
	struct dti_map flags;    /* "user id SEP key" -> 1 read | 2 mailed */
	char now[21], today[11];
	struct dti_arena *out;    /* strings of the notices */
	struct store_vec notices; /* struct nnotice */
	struct dti_buf b;
	int oom;
};

static void nctx_release(struct nctx *x)
{
	store_vec_release(&x->users);
	store_vec_release(&x->eunits);
	store_vec_release(&x->cycles);
	store_vec_release(&x->unames);
	store_vec_release(&x->notices);
	dti_map_release(&x->subs);
	dti_map_release(&x->names);
	dti_map_release(&x->flags);
	dti_arena_release(&x->a);
	dti_buf_release(&x->b);
}

static const char *keep(struct nctx *x, const char *s)
{
	return store_keep(&x->a, s, &x->oom);
}

/* A string of the notices' arena, formatted. */
static const char *outf(struct nctx *x, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static const char *outf(struct nctx *x, const char *fmt, ...)
{
	dti_buf_reset(&x->b);
	va_list ap;
	va_start(ap, fmt);
	enum dti_status st = dti_buf_vaddf(&x->b, fmt, ap);
	va_end(ap);
	if (st == DTI_OK)
		st = dti_buf_addc(&x->b, '\0');
	if (st != DTI_OK) {
		x->oom = 1;
		return "";
	}
	return store_keep(x->out, x->b.data, &x->oom);
}

static const char *outs(struct nctx *x, const char *s)
{
	return store_keep(x->out, s, &x->oom);
}

/* The time the derivation is for: asked (never before the log), else the
 * store's. */
static enum dti_status set_now(struct nctx *x, const char *now,
                               struct dti_error *err)
{
	if (now && *now) {
		if (!dti_is_timestamp(now))
			return dti_err_set(err, DTI_ESYNTAX, "", 0, 0, "now",
			                   "'%s' is not a time "
			                   "YYYY-MM-DDTHH:MM:SSZ",
			                   now);
		memcpy(x->now, now, 21);
		if (x->s->floor_at[0] && strcmp(x->now, x->s->floor_at) < 0)
			memcpy(x->now, x->s->floor_at, 21);
	} else {
		store_now(x->s, x->now);
	}
	memcpy(x->today, x->now, 10);
	x->today[10] = '\0';
	return DTI_OK;
}

/*
 * The users notices are derived for: one by name, or (name NULL) every
 * user who may be mailed: not disabled, with an address.  Then their
 * roles.
 */
static enum dti_status load_users(struct nctx *x, const char *name,
                                  struct dti_error *err)
{
	struct db_stmt *q = NULL;
	enum dti_status st = db_prepare(
	    x->s->db,
	    name ? "SELECT id, name, display_name, email, disabled FROM users "
	           "WHERE name = ? ORDER BY id"
	         : "SELECT id, name, display_name, email, disabled FROM users "
	           "WHERE email <> '' AND disabled = 0 ORDER BY id",
	    &q, err);
	if (st == DTI_OK && name)
		st = db_bind_text(q, 1, name);
	int row = 0;
	while (st == DTI_OK && (st = db_step(q, &row, err)) == DTI_OK && row) {
		struct nuser *u = store_vec_add(&x->users);
		if (!u) {
			st = dti_err_nomem(err);
			break;
		}
		u->id = db_col_int(q, 0);
		u->name = keep(x, db_col_text(q, 1));
		u->display = keep(x, db_col_text(q, 2));
		u->email = keep(x, db_col_text(q, 3));
		u->disabled = db_col_int(q, 4) != 0;
	}
	db_finalize(q);
	if (st == DTI_OK && name && x->users.n == 0)
		st = dti_err_set(err, DTI_ENOTFOUND, "", 0, 0, "user",
		                 "no user '%s'", name);
	if (st != DTI_OK || x->users.n == 0)
		return st;
	/* roles, merged with the users by id */
	st = db_prepare(x->s->db,
	                "SELECT user_id, role, unit_id FROM user_roles ORDER "
	                "BY user_id, role, unit_id",
	                &q, err);
	size_t i = 0;
	while (st == DTI_OK && (st = db_step(q, &row, err)) == DTI_OK && row) {
		int64_t uid = db_col_int(q, 0);
		while (i < x->users.n &&
		       ((struct nuser *)store_vec_at(&x->users, i))->id < uid)
			i++;
		if (i == x->users.n)
			break;
		struct nuser *u = store_vec_at(&x->users, i);
		if (u->id != uid)
			continue;
		const char *role = db_col_text(q, 1);
		u->any_role = 1;
		if (strcmp(role, "reviewer") == 0)
			u->reviewer = 1;
		if (strcmp(role, "editor") != 0)
			continue;
		const char **e = store_vec_add(&x->eunits);
		if (!e) {
			st = dti_err_nomem(err);
			break;
		}
		*e = keep(x, db_col_text(q, 2));
		if (!u->nunits)
			u->first_unit = x->eunits.n - 1;
		u->nunits++;
	}
	db_finalize(q);
	return st;
}

/* Cycles; submissions of units with editors; unit names. */
static enum dti_status load_workflow(struct nctx *x, struct dti_error *err)
{
	struct db_stmt *q = NULL;
	int row = 0;
	enum dti_status st = db_prepare(
	    x->s->db,
	    "SELECT c.label, c.state, c.submit_deadline, c.review_deadline, "
	    "(SELECT count(*) FROM submissions s WHERE s.cycle_id = c.id AND "
	    "s.state IN ('draft', 'submitted', 'returned')) FROM cycles c "
	    "ORDER BY c.id",
	    &q, err);
	while (st == DTI_OK && (st = db_step(q, &row, err)) == DTI_OK && row) {
		struct ncycle *c = store_vec_add(&x->cycles);
		if (!c) {
			st = dti_err_nomem(err);
			break;
		}
		c->label = keep(x, db_col_text(q, 0));
		c->state = dti_cycle_state_parse(db_col_text(q, 1));
		dti_snprintf(c->submit, sizeof c->submit, "%s",
		             db_col_text(q, 2) ? db_col_text(q, 2) : "");
		dti_snprintf(c->review, sizeof c->review, "%s",
		             db_col_text(q, 3) ? db_col_text(q, 3) : "");
		c->unreviewed = db_col_int(q, 4);
		if (!dti_is_date(c->submit))
			c->submit[0] = '\0';
		if (!dti_is_date(c->review))
			c->review[0] = '\0';
	}
	db_finalize(q);
	q = NULL;
	if (st == DTI_OK)
		st = db_prepare(x->s->db,
		                "SELECT c.label, s.unit_id, s.state FROM "
		                "submissions s JOIN cycles c ON c.id = "
		                "s.cycle_id WHERE s.unit_id IN (SELECT unit_id "
		                "FROM user_roles WHERE role = 'editor')",
		                &q, err);
	while (st == DTI_OK && (st = db_step(q, &row, err)) == DTI_OK && row) {
		dti_buf_reset(&x->b);
		dti_buf_addf(&x->b, "%s" SEP "%s", db_col_text(q, 0),
		             db_col_text(q, 1));
		dti_buf_addc(&x->b, '\0');
		const char *k =
		    dti_buf_status(&x->b) ? NULL : keep(x, x->b.data);
		if (!k || x->oom ||
		    dti_map_put(
		        &x->subs, k,
		        (size_t)dti_sub_state_parse(db_col_text(q, 2)))) {
			st = dti_err_nomem(err);
			break;
		}
	}
	db_finalize(q);
	q = NULL;
	if (st == DTI_OK)
		st = db_prepare(x->s->db, "SELECT id, name_vi FROM units", &q,
		                err);
	while (st == DTI_OK && (st = db_step(q, &row, err)) == DTI_OK && row) {
		const char **n = store_vec_add(&x->unames);
		if (!n) {
			st = dti_err_nomem(err);
			break;
		}
		*n = keep(x, db_col_text(q, 1));
		const char *id = keep(x, db_col_text(q, 0));
		if (x->oom || dti_map_put(&x->names, id, x->unames.n - 1)) {
			st = dti_err_nomem(err);
			break;
		}
	}
	db_finalize(q);
	return st;
}

/* Read markers and mail records: of one user (uid), or every mail record
 * (uid 0). */
static enum dti_status load_flags(struct nctx *x, int64_t uid,
                                  struct dti_error *err)
{
	enum dti_status st = DTI_OK;
	for (int pass = 0; pass < 2 && st == DTI_OK; pass++) {
		if (pass == 0 && !uid)
			continue; /* the mailer needs no read markers */
		const char *sql =
		    pass == 0
		        ? "SELECT user_id, notice_key FROM notice_reads WHERE "
		          "user_id = ?"
		    : uid ? "SELECT user_id, notice_key FROM notice_mail "
		            "WHERE user_id = ?"
		          : "SELECT user_id, notice_key FROM notice_mail";
		struct db_stmt *q = NULL;
		st = db_prepare(x->s->db, sql, &q, err);
		if (st == DTI_OK && uid)
			st = db_bind_int(q, 1, uid);
		int row = 0;
		while (st == DTI_OK && (st = db_step(q, &row, err)) == DTI_OK &&
		       row) {
			dti_buf_reset(&x->b);
			dti_buf_addf(&x->b, "%lld" SEP "%s",
			             (long long)db_col_int(q, 0),
			             db_col_text(q, 1));
			dti_buf_addc(&x->b, '\0');
			const char *k =
			    dti_buf_status(&x->b) ? NULL : keep(x, x->b.data);
			size_t v = 0;
			if (k)
				dti_map_get(&x->flags, k, &v);
			if (!k || x->oom ||
			    dti_map_put(&x->flags, k,
			                v | (pass == 0 ? 1u : 2u))) {
				st = dti_err_nomem(err);
				break;
			}
		}
		db_finalize(q);
	}
	return st;
}

/* ---- derivation --------------------------------------------------------- */

static const struct nuser *user_at(const struct nctx *x, size_t i)
{
	return store_vec_at(&x->users, i);
}

static const char *eunit(const struct nctx *x, const struct nuser *u, size_t k)
{
	return *(const char **)store_vec_at(&x->eunits, u->first_unit + k);
}

static int edits_unit(const struct nctx *x, const struct nuser *u,
                      const char *unit)
{
	for (size_t k = 0; k < u->nunits; k++)
		if (strcmp(eunit(x, u, k), unit) == 0)
			return 1;
	return 0;
}

/* The state of unit's submission in cycle, 0 if it has none. */
static enum dti_sub_state sub_state(struct nctx *x, const char *cycle,
                                    const char *unit)
{
	dti_buf_reset(&x->b);
	dti_buf_addf(&x->b, "%s" SEP "%s", cycle, unit);
	dti_buf_addc(&x->b, '\0');
	size_t v = 0;
	if (dti_buf_status(&x->b) || !dti_map_get(&x->subs, x->b.data, &v))
		return (enum dti_sub_state)0;
	return (enum dti_sub_state)v;
}

static const char *unit_name(const struct nctx *x, const char *unit)
{
	size_t i;
	if (unit && dti_map_get(&x->names, unit, &i))
		return *(const char **)store_vec_at(&x->unames, i);
	return unit ? unit : "";
}

/* A new notice for user i, its flags looked up; NULL when out of memory. */
static struct dti_notice *add(struct nctx *x, size_t i, const char *key,
                              enum dti_notice_kind kind, const char *at,
                              const char *cycle, const char *unit)
{
	struct nnotice *nn = store_vec_add(&x->notices);
	if (!nn) {
		x->oom = 1;
		return NULL;
	}
	const struct nuser *u = user_at(x, i);
	nn->user = i;
	struct dti_notice *n = &nn->n;
	n->key = outs(x, key);
	n->kind = kind;
	n->at = outs(x, at);
	n->cycle = outs(x, cycle);
	n->unit = outs(x, unit);
	n->deadline = "";
	n->actor = "";
	n->comment = "";
	dti_buf_reset(&x->b);
	dti_buf_addf(&x->b, "%lld" SEP "%s", (long long)u->id, key);
	dti_buf_addc(&x->b, '\0');
	size_t v = 0;
	if (!dti_buf_status(&x->b))
		dti_map_get(&x->flags, x->b.data, &v);
	n->read = (v & 1) != 0;
	n->mailed = (v & 2) != 0;
	return n;
}

/* Notices of one event for every user concerned. */
static void event_notices(struct nctx *x, int64_t seq, const char *at,
                          const char *actor, const char *action,
                          const char *cycle, const char *unit,
                          const char *after)
{
	int returned = strcmp(action, "review.return") == 0;
	int published = strcmp(action, "cycle.published") == 0;
	int reopened = strcmp(action, "cycle.reopen") == 0;
	const char *comment = "";
	json_t *j = NULL;
	if (returned && after) {
		j = json_loads(after, 0, NULL);
		json_t *c = j ? json_object_get(j, "comment") : NULL;
		if (json_is_string(c))
			comment = json_string_value(c);
	}
	const char *deadline = "";
	for (size_t c = 0; c < x->cycles.n; c++) {
		const struct ncycle *cy = store_vec_at(&x->cycles, c);
		if (strcmp(cy->label, cycle) == 0)
			deadline = cy->submit;
	}
	for (size_t i = 0; i < x->users.n && !x->oom; i++) {
		const struct nuser *u = user_at(x, i);
		int concerned = 0;
		if (returned)
			concerned = edits_unit(x, u, unit);
		else if (published)
			concerned = u->any_role;
		else
			for (size_t k = 0; k < u->nunits && !concerned; k++)
				concerned =
				    sub_state(x, cycle, eunit(x, u, k)) != 0;
		if (!concerned)
			continue;
		char key[160];
		dti_snprintf(key, sizeof key, "ev:%lld:%s", (long long)seq,
		             u->name);
		struct dti_notice *n =
		    add(x, i, key,
		        returned    ? DTI_NOTICE_RETURNED
		        : published ? DTI_NOTICE_PUBLISHED
		                    : DTI_NOTICE_CYCLE_OPENED,
		        at, cycle, returned ? unit : "");
		if (!n)
			break;
		n->actor = outs(x, actor);
		if (returned) {
			const char *name = unit_name(x, unit);
			n->comment = outs(x, comment);
			n->title_vi = outf(x, "Hồ sơ của %s bị trả lại", name);
			n->title_en =
			    outf(x, "Submission of %s returned", name);
			n->text_vi = outf(x,
			                  "Hồ sơ của %s trong kỳ %s đã bị %s "
			                  "trả lại: %s",
			                  name, cycle, actor, comment);
			n->text_en = outf(x,
			                  "%s returned the submission of %s in "
			                  "%s: %s",
			                  actor, name, cycle, comment);
		} else if (published) {
			n->title_vi =
			    outf(x, "Kỳ %s đã công bố kết quả", cycle);
			n->title_en = outf(x, "Cycle %s published", cycle);
			n->text_vi = outf(x,
			                  "Kết quả kỳ đánh giá %s đã được công "
			                  "bố.",
			                  cycle);
			n->text_en = outf(
			    x, "The results of cycle %s have been published.",
			    cycle);
		} else if (reopened) {
			n->title_vi = outf(x, "Kỳ %s được mở lại", cycle);
			n->title_en = outf(x, "Cycle %s reopened", cycle);
			n->text_vi = outf(x,
			                  "Kỳ đánh giá %s đã được mở lại để "
			                  "chỉnh sửa số liệu.",
			                  cycle);
			n->text_en = outf(
			    x, "Cycle %s is open again for changes to figures.",
			    cycle);
		} else {
			n->title_vi = outf(x, "Kỳ %s đã mở", cycle);
			n->title_en = outf(x, "Cycle %s opened", cycle);
			if (*deadline) {
				n->text_vi =
				    outf(x,
				         "Kỳ đánh giá %s đã mở: nhập và nộp số "
				         "liệu của đơn vị trước hết ngày %s.",
				         cycle, deadline);
				n->text_en = outf(
				    x,
				    "Cycle %s is open: enter and submit "
				    "your units' figures by the end of %s.",
				    cycle, deadline);
			} else {
				n->text_vi =
				    outf(x,
				         "Kỳ đánh giá %s đã mở: nhập và nộp số "
				         "liệu của đơn vị.",
				         cycle);
				n->text_en = outf(x,
				                  "Cycle %s is open: enter and "
				                  "submit your units' figures.",
				                  cycle);
			}
		}
	}
	json_decref(j);
}

static enum dti_status load_events(struct nctx *x, struct dti_error *err)
{
	struct db_stmt *q = NULL;
	enum dti_status st =
	    db_prepare(x->s->db,
	               "SELECT seq, at, actor, action, cycle, unit, after_json "
	               "FROM audit WHERE action IN ('review.return', "
	               "'cycle.open', 'cycle.reopen', 'cycle.published') "
	               "ORDER BY seq",
	               &q, err);
	int row = 0;
	while (st == DTI_OK && (st = db_step(q, &row, err)) == DTI_OK && row) {
		event_notices(x, db_col_int(q, 0), db_col_text(q, 1),
		              db_col_text(q, 2), db_col_text(q, 3),
		              db_col_text(q, 4), db_col_text(q, 5),
		              db_col_text(q, 6));
		if (x->oom)
			st = dti_err_nomem(err);
	}
	db_finalize(q);
	return st;
}

/* "Đà Nẵng, Huế" and "and N more" past five names. */
static void unit_names_list(struct nctx *x, const char *const *units, size_t n,
                            int vi, char *out, size_t size)
{
	size_t len = 0;
	out[0] = '\0';
	for (size_t k = 0; k < n && k < 5; k++) {
		int m = dti_snprintf(out + len, size - len, "%s%s",
		                     k ? ", " : "", unit_name(x, units[k]));
		if (m < 0 || (size_t)m >= size - len)
			return;
		len += (size_t)m;
	}
	if (n > 5)
		dti_snprintf(out + len, size - len,
		             vi ? " và %zu đơn vị khác" : " and %zu more",
		             n - 5);
}

/* Reminders of the deadlines of one cycle. */
static void deadline_notices(struct nctx *x, const struct ncycle *c)
{
	static const int leads[] = {7, 1};
	const char **pending = NULL;
	for (size_t l = 0; l < 2 && !x->oom; l++) {
		for (int review = 0; review < 2 && !x->oom; review++) {
			const char *d = review ? c->review : c->submit;
			if (!*d)
				continue;
			if (review ? (c->state != DTI_CYCLE_OPEN &&
			              c->state != DTI_CYCLE_REVIEW) ||
			                 c->unreviewed == 0
			           : c->state != DTI_CYCLE_OPEN)
				continue;
			char from[11], at[21], key[160];
			date_minus(d, leads[l], from);
			if (strcmp(x->today, from) < 0)
				continue;
			dti_snprintf(at, sizeof at, "%sT00:00:00Z", from);
			dti_snprintf(key, sizeof key, "deadline:%s:%s:%s:%d",
			             c->label, review ? "review" : "submit", d,
			             leads[l]);
			for (size_t i = 0; i < x->users.n && !x->oom; i++) {
				const struct nuser *u = user_at(x, i);
				size_t np = 0;
				if (review && !u->reviewer)
					continue;
				if (!review) {
					free(pending);
					pending = calloc(u->nunits + 1,
					                 sizeof *pending);
					if (!pending) {
						x->oom = 1;
						break;
					}
					for (size_t k = 0; k < u->nunits; k++) {
						enum dti_sub_state ss =
						    sub_state(x, c->label,
						              eunit(x, u, k));
						if (ss == DTI_SUB_DRAFT ||
						    ss == DTI_SUB_RETURNED)
							pending[np++] =
							    eunit(x, u, k);
					}
					if (!np)
						continue;
				}
				struct dti_notice *n = add(
				    x, i, key,
				    review ? DTI_NOTICE_REVIEW_DEADLINE
				           : DTI_NOTICE_SUBMIT_DEADLINE,
				    at, c->label, np == 1 ? pending[0] : "");
				if (!n)
					break;
				n->deadline = outs(x, d);
				n->days = leads[l];
				int one = leads[l] == 1;
				if (review) {
					n->title_vi =
					    outf(x,
					         "Còn %d ngày đến hạn thẩm "
					         "định kỳ %s",
					         leads[l], c->label);
					n->title_en = outf(
					    x,
					    "Review deadline of %s in %d day%s",
					    c->label, leads[l], one ? "" : "s");
					n->text_vi = outf(
					    x,
					    "Còn %d ngày đến hạn thẩm định của "
					    "kỳ "
					    "%s (hết ngày %s); %lld hồ sơ chưa "
					    "được duyệt.",
					    leads[l], c->label, d,
					    c->unreviewed);
					n->text_en = outf(
					    x,
					    "The review deadline of %s is in "
					    "%d "
					    "day%s (the end of %s); %lld "
					    "submission%s not yet approved.",
					    c->label, leads[l], one ? "" : "s",
					    d, c->unreviewed,
					    c->unreviewed == 1 ? "" : "s");
					continue;
				}
				char vi[512], en[512];
				unit_names_list(x, pending, np, 1, vi,
				                sizeof vi);
				unit_names_list(x, pending, np, 0, en,
				                sizeof en);
				n->title_vi =
				    outf(x, "Còn %d ngày đến hạn nộp kỳ %s",
				         leads[l], c->label);
				n->title_en = outf(
				    x, "Submission deadline of %s in %d day%s",
				    c->label, leads[l], one ? "" : "s");
				n->text_vi =
				    outf(x,
				         "Còn %d ngày đến hạn nộp của kỳ "
				         "%s (hết ngày %s); chưa nộp: %s.",
				         leads[l], c->label, d, vi);
				n->text_en = outf(
				    x,
				    "The submission deadline of %s is in %d "
				    "day%s (the end of %s); not yet submitted: "
				    "%s.",
				    c->label, leads[l], one ? "" : "s", d, en);
			}
		}
	}
	free(pending);
}

/* Newest first; the same time by key. */
static int newest_first(const void *pa, const void *pb)
{
	const struct nnotice *a = pa, *b = pb;
	int c = strcmp(b->n.at, a->n.at);
	return c ? c : strcmp(b->n.key, a->n.key);
}

/*
 * Derives the notices of the users loaded (inside the caller's
 * transaction), into x->notices, newest first.
 */
static enum dti_status derive(struct nctx *x, struct dti_error *err)
{
	enum dti_status st = load_workflow(x, err);
	if (st == DTI_OK)
		st = load_events(x, err);
	for (size_t c = 0; st == DTI_OK && c < x->cycles.n; c++) {
		deadline_notices(x, store_vec_at(&x->cycles, c));
		if (x->oom)
			st = dti_err_nomem(err);
	}
	if (st == DTI_OK && x->oom)
		st = dti_err_nomem(err);
	if (st == DTI_OK && x->notices.n > 1)
		qsort(x->notices.items, x->notices.n, sizeof(struct nnotice),
		      newest_first);
	return st;
}

/*
 * Starts a derivation for one user (NULL: the actor) inside the caller's
 * transaction: checks who asks, loads the user and its flags.
 */
static enum dti_status start_user(struct nctx *x, struct dti_store *s,
                                  const char *user, const char *now,
                                  const char *what, struct dti_error *err)
{
	x->s = s;
	x->users = (struct store_vec)STORE_VEC_INIT(struct nuser);
	x->eunits = (struct store_vec)STORE_VEC_INIT(const char *);
	x->cycles = (struct store_vec)STORE_VEC_INIT(struct ncycle);
	x->unames = (struct store_vec)STORE_VEC_INIT(const char *);
	x->notices = (struct store_vec)STORE_VEC_INIT(struct nnotice);
	if (!user || !*user) {
		if (!s->actor_id)
			return dti_err_set(err, DTI_EPERM, "", 0, 0, "user",
			                   "nobody is acting: name a user to "
			                   "%s",
			                   what);
		user = s->actor;
	}
	enum dti_status st = set_now(x, now, err);
	if (st == DTI_OK)
		st = load_users(x, user, err);
	if (st == DTI_OK && user_at(x, 0)->id != s->actor_id) {
		char w[160];
		dti_snprintf(w, sizeof w, "%s of another user", what);
		st = store_require(s, DTI_ROLE_ADMIN, NULL, w, err);
	}
	if (st == DTI_OK)
		st = load_flags(x, user_at(x, 0)->id, err);
	return st;
}

/* ---- listing, marking read ---------------------------------------------- */

enum dti_status dti_notice_list(struct dti_store *s, const char *user,
                                const struct dti_notice_opts *opts,
                                struct dti_notice_list **out,
                                struct dti_error *err)
{
	*out = NULL;
	enum dti_status st = store_begin_read(s, err);
	if (st != DTI_OK)
		return st;
	struct dti_arena *a = NULL;
	struct dti_notice_list *l = store_list_new(sizeof *l, &a);
	if (!l) {
		db_rollback(s->db);
		return dti_err_nomem(err);
	}
	struct nctx x = {0};
	x.out = a;
	st = start_user(&x, s, user, opts ? opts->now : NULL,
	                "read the notices", err);
	if (st == DTI_OK)
		st = derive(&x, err);
	db_rollback(s->db);
	struct store_vec keep_v = STORE_VEC_INIT(struct dti_notice);
	for (size_t i = 0; st == DTI_OK && i < x.notices.n; i++) {
		const struct nnotice *nn = store_vec_at(&x.notices, i);
		if (!nn->n.read)
			l->unread++;
		if ((opts && opts->unread_only && nn->n.read) ||
		    (opts && opts->limit && keep_v.n >= opts->limit))
			continue;
		struct dti_notice *n = store_vec_add(&keep_v);
		if (!n) {
			st = dti_err_nomem(err);
			break;
		}
		*n = nn->n;
	}
	int oom = x.oom;
	if (st == DTI_OK) {
		l->user = store_keep(a, user_at(&x, 0)->name, &oom);
		l->n = keep_v.n;
		l->notices = store_vec_keep(&keep_v, a, &oom);
		if (oom)
			st = dti_err_nomem(err);
	}
	store_vec_release(&keep_v);
	nctx_release(&x);
	if (st != DTI_OK) {
		store_list_free(l);
		return st;
	}
	*out = l;
	return DTI_OK;
}

void dti_notice_list_free(struct dti_notice_list *l)
{
	store_list_free(l);
}

enum dti_status dti_notice_mark_read(struct dti_store *s, const char *user,
                                     const char *key, size_t *marked,
                                     struct dti_error *err)
{
	if (marked)
		*marked = 0;
	enum dti_status st = store_begin(s, err);
	if (st != DTI_OK)
		return st;
	struct dti_arena a = DTI_ARENA_INIT;
	struct nctx x = {0};
	x.out = &a;
	st = start_user(&x, s, user, NULL, "mark notices read", err);
	if (st == DTI_OK)
		st = derive(&x, err);
	size_t found = 0, done = 0;
	struct db_stmt *ins = NULL;
	if (st == DTI_OK)
		st =
		    db_prepare(s->db,
		               "INSERT INTO notice_reads (user_id, notice_key, "
		               "read_at) VALUES (?, ?, ?) ON CONFLICT DO "
		               "NOTHING",
		               &ins, err);
	for (size_t i = 0; st == DTI_OK && i < x.notices.n; i++) {
		const struct nnotice *nn = store_vec_at(&x.notices, i);
		if (key && strcmp(key, nn->n.key) != 0)
			continue;
		found++;
		if (nn->n.read)
			continue;
		int row = 0;
		db_reset(ins);
		st = db_bind_int(ins, 1, user_at(&x, 0)->id);
		if (st == DTI_OK)
			st = db_bind_text(ins, 2, nn->n.key);
		if (st == DTI_OK)
			st = db_bind_text(ins, 3, x.now);
		if (st == DTI_OK)
			st = db_step(ins, &row, err);
		if (st == DTI_OK)
			done += (size_t)db_changes(ins);
	}
	db_finalize(ins);
	if (st == DTI_OK && key && !found)
		st = dti_err_set(err, DTI_ENOTFOUND, "", 0, 0, "key",
		                 "user '%s' has no notice '%s'",
		                 user_at(&x, 0)->name, key);
	nctx_release(&x);
	dti_arena_release(&a);
	st = store_end(s, st, err);
	if (st == DTI_OK && marked)
		*marked = done;
	return st;
}

/* ---- e-mail addresses ---------------------------------------------------- */

/*
 * One address as RFC 5321 carries it unquoted: local@domain, printable
 * ASCII or UTF-8 without spaces, quotes, angle brackets, commas,
 * semicolons or backslashes, so that it can go into a header and an SMTP
 * command as it is.
 */
static enum dti_status check_address(const char *a, struct dti_error *err)
{
	size_t n = strlen(a);
	const char *at = strrchr(a, '@');
	int ok = n <= 254 && at && at != a && at[1] && strchr(a, '@') == at &&
	         at[1] != '.' && a[n - 1] != '.' && strchr(at, '.');
	for (const unsigned char *p = (const unsigned char *)a; ok && *p; p++)
		if (*p <= ' ' || *p == 0x7f || strchr("\"<>(),;:\\[]", *p))
			ok = 0;
	if (ok)
		return DTI_OK;
	for (const unsigned char *p = (const unsigned char *)a; *p; p++)
		if (*p < ' ' ||
		    *p == 0x7f) /* not echoed: it could forge a line */
			return dti_err_set(err, DTI_EINVALID, "", 0, 0, "email",
			                   "an e-mail address holds no line "
			                   "break or control character: this "
			                   "is not an e-mail address");
	return dti_err_set(err, DTI_EINVALID, "", 0, 0, "email",
	                   "'%s' is not an e-mail address name@domain (no "
	                   "spaces, quotes, brackets or commas)",
	                   a);
}

enum dti_status dti_user_set_email(struct dti_store *s, const char *name,
                                   const char *address, struct dti_error *err)
{
	address = address ? address : "";
	enum dti_status st = *address ? check_address(address, err) : DTI_OK;
	if (st != DTI_OK)
		return st;
	st = store_begin(s, err);
	if (st != DTI_OK)
		return st;
	int64_t uid = 0;
	st = store_find_user(s, name, &uid, NULL, err);
	if (st == DTI_OK && uid != s->actor_id)
		st = store_require(s, DTI_ROLE_ADMIN, NULL,
		                   "set another user's e-mail address", err);
	struct db_stmt *q = NULL;
	char old[256] = "";
	if (st == DTI_OK)
		st = db_prepare(s->db, "SELECT email FROM users WHERE id = ?",
		                &q, err);
	if (st == DTI_OK) {
		int row = 0;
		db_bind_int(q, 1, uid);
		st = db_step(q, &row, err);
		if (st == DTI_OK && row && db_col_text(q, 0))
			dti_snprintf(old, sizeof old, "%s", db_col_text(q, 0));
	}
	db_finalize(q);
	if (st == DTI_OK && strcmp(old, address) == 0)
		return store_end(s, st, err); /* nothing changes */
	if (st == DTI_OK)
		st = db_run(s->db, err,
		            "UPDATE users SET email = ? WHERE id = ?", "si",
		            address, uid);
	if (st == DTI_OK) {
		struct dti_buf before = DTI_BUF_INIT;
		dti_buf_adds(&before, "{\"email\":");
		dti_json_quote(&before, old);
		dti_buf_adds(&before, "}");
		dti_buf_addc(&before, '\0');
		struct dti_buf *b = &s->tmp;
		dti_buf_reset(b);
		dti_buf_adds(b, "{\"email\":");
		dti_json_quote(b, address);
		dti_buf_addc(b, '}');
		dti_buf_addc(b, '\0');
		char object[96];
		dti_snprintf(object, sizeof object, "user %s", name);
		st = dti_buf_status(&before) ? dti_buf_status(&before)
		                             : dti_buf_status(b);
		if (st == DTI_OK)
			st = store_audit(s, "user.email", NULL, NULL, object,
			                 before.data, b->data, err);
		else
			st = dti_err_nomem(err);
		dti_buf_release(&before);
	}
	return store_end(s, st, err);
}

enum dti_status dti_user_email(struct dti_store *s, const char *name,
                               char out[256], struct dti_error *err)
{
	out[0] = '\0';
	enum dti_status st = store_begin_read(s, err);
	if (st != DTI_OK)
		return st;
	int64_t uid = 0;
	st = store_find_user(s, name, &uid, NULL, err);
	if (st == DTI_OK && uid != s->actor_id)
		st = store_require(s, DTI_ROLE_ADMIN, NULL,
		                   "read another user's e-mail address", err);
	struct db_stmt *q = NULL;
	if (st == DTI_OK)
		st = db_prepare(s->db, "SELECT email FROM users WHERE id = ?",
		                &q, err);
	if (st == DTI_OK) {
		int row = 0;
		db_bind_int(q, 1, uid);
		st = db_step(q, &row, err);
		if (st == DTI_OK && row && db_col_text(q, 0))
			dti_snprintf(out, 256, "%s", db_col_text(q, 0));
	}
	db_finalize(q);
	db_rollback(s->db);
	return st;
}

/* ---- the mail outbox ----------------------------------------------------- */

/* Oldest first. */
static int oldest_first(const void *pa, const void *pb)
{
	return -newest_first(pa, pb);
}

/* Whether a derived notice is one the mailer should send now. */
static int mail_wanted(const struct nctx *x, const struct dti_notice *n)
{
	if (n->mailed)
		return 0;
	if (!n->days)
		return 1;
	if (strcmp(x->today, n->deadline) > 0)
		return 0; /* the deadline has passed */
	char last[11];
	date_minus(n->deadline, 1, last);
	return n->days == 1 || strcmp(x->today, last) < 0;
}

/* Claims (state 'sending'), then marks sent or releases, one notice. */
static enum dti_status outbox(struct dti_store *s, int what, int64_t uid,
                              const char *key, const char *address,
                              int *claimed, struct dti_error *err)
{
	enum dti_status st = store_begin(s, err);
	if (st != DTI_OK)
		return st;
	char now[21];
	store_now(s, now);
	struct db_stmt *q = NULL;
	static const char *const sql[] = {
	    "INSERT INTO notice_mail (user_id, notice_key, address, state, "
	    "claimed_at, sent_at) VALUES (?, ?, ?, 'sending', ?, '') ON "
	    "CONFLICT DO NOTHING",
	    "UPDATE notice_mail SET state = 'sent', sent_at = ?4 WHERE "
	    "user_id = ?1 AND notice_key = ?2 AND address = ?3",
	    "DELETE FROM notice_mail WHERE user_id = ? AND notice_key = ? AND "
	    "state = 'sending'"};
	st = db_prepare(s->db, sql[what], &q, err);
	if (st == DTI_OK)
		st = db_bind_int(q, 1, uid);
	if (st == DTI_OK)
		st = db_bind_text(q, 2, key);
	if (st == DTI_OK && what < 2)
		st = db_bind_text(q, 3, address);
	if (st == DTI_OK && what < 2)
		st = db_bind_text(q, 4, now);
	int row = 0;
	if (st == DTI_OK)
		st = db_step(q, &row, err);
	if (st == DTI_OK && claimed)
		*claimed = db_changes(q) > 0;
	db_finalize(q);
	return store_end(s, st, err);
}

enum dti_status dti_notice_mail_due(struct dti_store *s, const char *now,
                                    dti_notice_mail_fn fn, void *ctx,
                                    struct dti_error *err)
{
	if (!fn)
		return dti_err_set(err, DTI_EARG, "", 0, 0, "",
		                   "no function to send mail with");
	enum dti_status st = store_begin_read(s, err);
	if (st != DTI_OK)
		return st;
	struct dti_arena a = DTI_ARENA_INIT;
	struct nctx x = {0};
	x.s = s;
	x.out = &a;
	x.users = (struct store_vec)STORE_VEC_INIT(struct nuser);
	x.eunits = (struct store_vec)STORE_VEC_INIT(const char *);
	x.cycles = (struct store_vec)STORE_VEC_INIT(struct ncycle);
	x.unames = (struct store_vec)STORE_VEC_INIT(const char *);
	x.notices = (struct store_vec)STORE_VEC_INIT(struct nnotice);
	st =
	    store_require(s, DTI_ROLE_ADMIN, NULL, "send notices by mail", err);
	if (st == DTI_OK)
		st = set_now(&x, now, err);
	if (st == DTI_OK)
		st = load_users(&x, NULL, err);
	if (st == DTI_OK && x.users.n)
		st = load_flags(&x, 0, err);
	if (st == DTI_OK && x.users.n)
		st = derive(&x, err);
	db_rollback(s->db);
	if (st == DTI_OK && x.notices.n > 1)
		qsort(x.notices.items, x.notices.n, sizeof(struct nnotice),
		      oldest_first);
	for (size_t i = 0; st == DTI_OK && i < x.notices.n; i++) {
		const struct nnotice *nn = store_vec_at(&x.notices, i);
		if (!mail_wanted(&x, &nn->n))
			continue;
		const struct nuser *u = user_at(&x, nn->user);
		int claimed = 0;
		st = outbox(s, 0, u->id, nn->n.key, u->email, &claimed, err);
		if (st != DTI_OK || !claimed)
			continue; /* another run has it */
		struct dti_notice_mail m = {u->name, u->display, u->email,
		                            &nn->n};
		enum dti_status sent = fn(ctx, &m);
		st = outbox(s, sent == DTI_OK ? 1 : 2, u->id, nn->n.key,
		            u->email, NULL, err);
		if (st == DTI_OK && sent != DTI_OK && sent != DTI_EIO)
			st = dti_err_set(err, sent, "", 0, 0, "",
			                 "sending notices stopped: %s",
			                 dti_strerror(sent));
	}
	nctx_release(&x);
	dti_arena_release(&a);
	return st;
}
