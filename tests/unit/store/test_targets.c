/*
 * tests/unit/store/test_targets.c - targets (dti/targets.h) through the
 * public API, on SQLite (and on PostgreSQL in the '-pg' run): setting
 * them and every refusal, listing, tracking against published cycles,
 * the audit log's replay finding a target edited in the table, and the
 * export's round trip.
 *
 * The store holds three districts (and d9, which ended on 2022-12-31)
 * assessed with a framework of two indicators, each half the index:
 * a, a value given directly (0..1), and r, a share in percent scored
 * r / 80 up to 1.  idx = 0.5 a + 0.5 min(r / 80, 1).
 *
 *   cycle  d1 a, r      idx     d2 a, r     idx    d3 a, r     idx
 *   c21    0.5, 40  -> 0.5      0.8, 80 -> 0.9     0.6, 60 -> 0.675
 *   c22    0.6, 52  -> 0.625    0.8, 80 -> 0.9     0.6, 40 -> 0.55
 *   c23    0.7, 64  -> 0.75     0.9, 80 -> 0.95    0.6, 40 -> 0.55
 *
 * Ranks on idx: c21 d2 1, d3 2, d1 3; c22 and c23 d2 1, d1 2, d3 3 (d9
 * excluded from c21 and c22).  c25 (2025) is a draft; k22 is a cycle of
 * communes.  The trends and projections below were worked out by hand
 * (x̄ = 2022 over 2021-2023, so b = (y23 - y21) / 2) and agree with R's
 * lm(y ~ x) and predict() at 2024: idx of d1 0.125/year -> 0.875; rank
 * of d1 (3, 2, 2) -0.5 -> 1.3333; r of d1 (40, 52, 64) 12 -> 76; r of d3
 * (60, 40, 40) -10 -> 26.6667; score of r of d1 (0.5, 0.65, 0.8) 0.15
 * -> 0.95.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>

#include "base/base.h"
#include "teststore.h"

static const char fw_text[] = "# dti-framework: 1\n"
                              "# id: tg-test\n"
                              "# version: 1\n"
                              "# level: district\n"
                              "# scoring: points\n"
                              "# scale: 1\n"
                              "# precision: 4\n"
                              "# missing: zero\n"
                              "code,parent,kind,name_vi,name_en,points,rule,"
                              "params\n"
                              "idx,,index,Chỉ số,Index,100,,\n"
                              "a,idx,indicator,Chỉ tiêu A,Indicator A,50,"
                              "value,\n"
                              "r,idx,indicator,Tỷ lệ R,Share R,50,percent,"
                              "floor=0;target=80\n";

static const char units_text[] =
    "id,code,name_vi,name_ascii,aliases,group,valid_from,valid_to,"
    "successors\n"
    "d1,D1,Quận Một,Quan Mot,,G1,,,\n"
    "d2,D2,Quận Hai,Quan Hai,,G1,,,\n"
    "d3,D3,Quận Ba,Quan Ba,,G2,,,\n"
    "d9,D9,Quận Chín,Quan Chin,,G2,,2022-12-31,d3\n";

static const char communes_text[] =
    "id,code,name_vi,name_ascii,aliases,group,valid_from,valid_to,"
    "successors\n"
    "x1,X1,Xã Một,Xa Mot,,G1,,,\n";

struct fx {
	struct teststore ts;
	struct dti_store *s;
	struct dti_error err;
};

#define OK(call)                                                               \
	do {                                                                   \
		enum dti_status st_ = (call);                                  \
		if (st_ != DTI_OK)                                             \
			fail_msg("%s -> %s: %s", #call, dti_strerror(st_),     \
			         f->err.message);                              \
		dti_error_release(&f->err);                                    \
	} while (0)

#define NEAR(x, y) assert_true(fabs((x) - (y)) < 1e-9)

static void as(struct fx *f, const char *user)
{
	OK(dti_store_set_actor(f->s, user, &f->err));
}

struct figs {
	const char *unit;
	double a, r;
};

/* A cycle taken to publication (publish = 1) with these figures. */
static void cycle(struct fx *f, const char *label, int year, const char *level,
                  const struct figs *u, size_t n, int publish)
{
	as(f, "olga");
	struct dti_cycle_new c;
	dti_cycle_new_init(&c);
	c.label = label;
	c.year = year;
	c.framework = "tg-test";
	c.level = level;
	OK(dti_cycle_create(f->s, &c, &f->err));
	if (!publish)
		return;
	OK(dti_cycle_transition(f->s, label, DTI_CYCLE_OPEN, 0, &f->err));
	for (size_t i = 0; i < n; i++) {
		struct dti_figure_edit e[2];
		dti_figure_edit_init(&e[0], "a");
		e[0].value = u[i].a;
		dti_figure_edit_init(&e[1], "r");
		e[1].value = u[i].r;
		OK(dti_submission_edit(f->s, label, u[i].unit, e, 2, 0,
		                       &f->err));
	}
	struct dti_cycle_status *cs = NULL;
	OK(dti_cycle_status(f->s, label, &cs, &f->err));
	for (size_t i = 0; i < cs->n; i++) {
		const char *id = cs->units[i].unit;
		int listed = 0;
		for (size_t k = 0; k < n; k++)
			if (strcmp(u[k].unit, id) == 0)
				listed = 1;
		if (listed)
			OK(dti_submission_submit(f->s, label, id, 0, &f->err));
		else
			OK(dti_submission_exclude(f->s, label, id,
			                          "not in test", &f->err));
	}
	dti_cycle_status_free(cs);
	OK(dti_cycle_transition(f->s, label, DTI_CYCLE_REVIEW, 0, &f->err));
	for (size_t k = 0; k < n; k++)
		OK(dti_review_approve(f->s, label, u[k].unit, 0, &f->err));
	OK(dti_cycle_transition(f->s, label, DTI_CYCLE_CLOSED, 0, &f->err));
	OK(dti_cycle_publish(f->s, label, 0, &f->err));
}

static struct dti_store *open_new(struct fx *f, struct teststore *ts)
{
	struct dti_store *s = NULL;
	if (teststore_new(ts) != 0)
		fail_msg("no test store");
	OK(dti_store_open(ts->location, &s, &f->err));
	OK(store_test_clock(s, "2026-06-01T08:00:00Z"));
	OK(dti_store_init(s, &f->err));
	return s;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	if (!f)
		return -1;
	*state = f;
	f->s = open_new(f, &f->ts);
	OK(dti_user_add(f->s, "root", NULL, NULL, &f->err));
	as(f, "root");
	static const char *const users[] = {"olga", "ed1", "ed2", "vic"};
	for (size_t i = 0; i < 4; i++)
		OK(dti_user_add(f->s, users[i], NULL, NULL, &f->err));
	struct dti_units *u = NULL;
	OK(dti_units_parse(units_text, strlen(units_text), "units.csv", &u,
	                   &f->err));
	OK(dti_store_units_import(f->s, u, "district", NULL, NULL, &f->err));
	dti_units_free(u);
	OK(dti_units_parse(communes_text, strlen(communes_text), "x.csv", &u,
	                   &f->err));
	OK(dti_store_units_import(f->s, u, "commune", NULL, NULL, &f->err));
	dti_units_free(u);
	OK(dti_user_role(f->s, "olga", DTI_ROLE_OWNER, NULL, 1, &f->err));
	OK(dti_user_role(f->s, "vic", DTI_ROLE_VIEWER, NULL, 1, &f->err));
	OK(dti_user_role(f->s, "ed1", DTI_ROLE_EDITOR, "d1", 1, &f->err));
	OK(dti_user_role(f->s, "ed2", DTI_ROLE_EDITOR, "d2", 1, &f->err));
	as(f, "olga");
	char sha[65];
	OK(dti_store_framework_add(f->s, fw_text, strlen(fw_text), "tg.csv",
	                           sha, &f->err));
	const struct figs c21[] = {
	    {"d1", 0.5, 40}, {"d2", 0.8, 80}, {"d3", 0.6, 60}};
	cycle(f, "c21", 2021, NULL, c21, 3, 1);
	const struct figs c22[] = {
	    {"d1", 0.6, 52}, {"d2", 0.8, 80}, {"d3", 0.6, 40}};
	cycle(f, "c22", 2022, NULL, c22, 3, 1);
	const struct figs c23[] = {
	    {"d1", 0.7, 64}, {"d2", 0.9, 80}, {"d3", 0.6, 40}};
	cycle(f, "c23", 2023, NULL, c23, 3, 1);
	const struct figs k22[] = {{"x1", 0.1, 10}};
	cycle(f, "k22", 2022, "commune", k22, 1, 1);
	cycle(f, "c25", 2025, NULL, NULL, 0, 0);
	as(f, NULL);
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	dti_store_close(f->s);
	dti_error_release(&f->err);
	teststore_cleanup(&f->ts);
	free(f);
	return 0;
}

/* A target of kind k on node (NULL: the index) by year. */
static struct dti_target_new tgt(const char *unit, enum dti_target_kind k,
                                 const char *node, enum dti_target_op op,
                                 double threshold, int year,
                                 const char *baseline)
{
	struct dti_target_new t;
	dti_target_new_init(&t);
	t.unit = unit;
	t.kind = k;
	t.node = node;
	t.op = op;
	t.threshold = threshold;
	t.by_year = year;
	t.baseline = baseline;
	return t;
}

static int64_t add(struct fx *f, struct dti_target_new t)
{
	int64_t id = 0;
	OK(dti_target_add(f->s, &t, &id, &f->err));
	assert_true(id > 0);
	return id;
}

static long long events(struct fx *f)
{
	struct dti_store_status ss;
	OK(dti_store_status(f->s, &ss, &f->err));
	return ss.audit_events;
}

/* Refused with `code`, a message holding `needle`, nothing changed. */
static void refused(struct fx *f, enum dti_status code, const char *needle,
                    struct dti_target_new t)
{
	long long before = events(f);
	int64_t id = 99;
	enum dti_status st = dti_target_add(f->s, &t, &id, &f->err);
	if (st != code)
		fail_msg("target of %s: %s (%s), expected %s", t.unit,
		         dti_strerror(st), f->err.message, dti_strerror(code));
	if (!strstr(f->err.message, needle))
		fail_msg("message '%s' lacks '%s'", f->err.message, needle);
	dti_error_release(&f->err);
	assert_int_equal(id, 0);
	assert_int_equal(events(f), before);
	struct dti_target_list *l = NULL;
	OK(dti_target_list(f->s, NULL, NULL, &l, &f->err));
	for (size_t i = 0; i < l->n; i++)
		assert_true(l->targets[i].id != 99);
	dti_target_list_free(l);
}

/* ---- setting ------------------------------------------------------------- */

static void test_add_and_list(void **state)
{
	struct fx *f = *state;
	as(f, "ed1");
	struct dti_target_new t =
	    tgt("Quận Một", DTI_TARGET_RANK, NULL, 0, 1, 2024, "c21");
	t.note = "Nghị quyết 05";
	int64_t a = add(f, t);
	/* an owner for any unit; a name read as on the year's end */
	as(f, "olga");
	int64_t b = add(f, tgt("d3", DTI_TARGET_INDICATOR, "r",
	                       DTI_TARGET_AT_MOST, 30, 2024, NULL));
	/* d9 in 2022, when 4 districts were valid: rank 4 is allowed */
	int64_t c = add(f, tgt("d9", DTI_TARGET_RANK, "a", 0, 4, 2022, NULL));
	assert_int_equal(a, 1);
	assert_int_equal(b, 2);
	assert_int_equal(c, 3);

	struct dti_target_list *l = NULL;
	OK(dti_target_list(f->s, NULL, NULL, &l, &f->err));
	assert_int_equal(l->n, 3);
	/* by unit id, then year */
	const struct dti_target *x = &l->targets[0];
	assert_int_equal(x->id, 1);
	assert_string_equal(x->unit, "d1");
	assert_string_equal(x->unit_name, "Quận Một");
	assert_string_equal(x->level, "district");
	assert_int_equal(x->kind, DTI_TARGET_RANK);
	assert_string_equal(x->node, "idx"); /* the index by default */
	assert_int_equal(x->op, DTI_TARGET_AT_MOST);
	NEAR(x->threshold, 1);
	assert_int_equal(x->by_year, 2024);
	assert_string_equal(x->baseline, "c21");
	assert_int_equal(x->baseline_year, 2021);
	assert_string_equal(x->note, "Nghị quyết 05");
	assert_string_equal(x->set_by, "ed1");
	assert_string_equal(x->set_at, "2026-06-01T08:00:00Z");
	x = &l->targets[1];
	assert_string_equal(x->unit, "d3");
	assert_int_equal(x->kind, DTI_TARGET_INDICATOR);
	assert_string_equal(x->node, "r");
	assert_int_equal(x->op, DTI_TARGET_AT_MOST);
	assert_string_equal(x->baseline, "");
	assert_int_equal(x->baseline_year, 0);
	assert_string_equal(l->targets[2].unit, "d9");
	dti_target_list_free(l);

	/* one unit, by name; a unit without targets */
	OK(dti_target_list(f->s, "Quận Ba", NULL, &l, &f->err));
	assert_int_equal(l->n, 1);
	assert_int_equal(l->targets[0].id, 2);
	dti_target_list_free(l);
	OK(dti_target_list(f->s, "d2", NULL, &l, &f->err));
	assert_int_equal(l->n, 0);
	dti_target_list_free(l);
	assert_int_equal(dti_target_list(f->s, "nowhere", NULL, &l, &f->err),
	                 DTI_ENOTFOUND);
	assert_null(l);
	dti_error_release(&f->err);

	/* each one an audit event with the row */
	struct dti_audit_report rep;
	OK(dti_audit_verify(f->s, &rep, &f->err));

	/* removed by the unit's editor, audited, gone */
	as(f, "ed1");
	OK(dti_target_remove(f->s, 1, &f->err));
	assert_int_equal(dti_target_remove(f->s, 1, &f->err), DTI_ENOTFOUND);
	assert_non_null(strstr(f->err.message, "no target 1"));
	dti_error_release(&f->err);
	/* not another unit's */
	assert_int_equal(dti_target_remove(f->s, 2, &f->err), DTI_EPERM);
	assert_non_null(strstr(f->err.message, "not an editor of unit d3"));
	dti_error_release(&f->err);
	OK(dti_target_list(f->s, NULL, NULL, &l, &f->err));
	assert_int_equal(l->n, 2);
	dti_target_list_free(l);
	OK(dti_audit_verify(f->s, &rep, &f->err));
	assert_string_equal(rep.table, "");
}

static void test_refusals(void **state)
{
	struct fx *f = *state;
	as(f, "olga");
	const enum dti_target_kind R = DTI_TARGET_RANK, V = DTI_TARGET_VALUE,
	                           I = DTI_TARGET_INDICATOR;
	refused(f, DTI_ENOTFOUND, "nowhere",
	        tgt("nowhere", R, NULL, 0, 1, 2024, NULL));
	refused(f, DTI_ENOTFOUND, "no node 'nope'",
	        tgt("d1", R, "nope", 0, 1, 2024, NULL));
	/* the exact code, not another case of it */
	refused(f, DTI_ENOTFOUND, "no node 'IDX'",
	        tgt("d1", V, "IDX", 0, 0.5, 2024, NULL));
	refused(f, DTI_ENOTFOUND, "no cycle 'c20'",
	        tgt("d1", R, NULL, 0, 1, 2024, "c20"));
	refused(f, DTI_EINVALID, "year 2022 is before the baseline c23 (2023)",
	        tgt("d1", R, NULL, 0, 1, 2022, "c23"));
	refused(f, DTI_EINVALID, "level 'commune'",
	        tgt("d1", R, NULL, 0, 1, 2024, "k22"));
	refused(f, DTI_EINVALID, "a whole number from 1",
	        tgt("d1", R, NULL, 0, 0, 2024, NULL));
	refused(f, DTI_EINVALID, "a whole number from 1",
	        tgt("d1", R, NULL, 0, 1.5, 2024, NULL));
	/* three districts on 2024-12-31 (d9 ended in 2022) */
	refused(f, DTI_EINVALID, "has 3 units on 2024-12-31",
	        tgt("d1", R, NULL, 0, 4, 2024, NULL));
	refused(f, DTI_EINVALID, "run from 0 to 1",
	        tgt("d1", V, NULL, 0, 1.5, 2024, NULL));
	refused(f, DTI_EINVALID, "run from 0 to 1",
	        tgt("d1", V, NULL, 0, -0.1, 2024, NULL));
	refused(f, DTI_EINVALID, "computed from 2 nodes",
	        tgt("d1", I, "idx", DTI_TARGET_AT_LEAST, 0.5, 2024, NULL));
	/* a figure a's rule refuses (a value from 0 to 1) */
	refused(f, DTI_EINVALID,
	        "1.5 is not a figure of a: value 1.5 is "
	        "outside 0..1",
	        tgt("d1", I, "a", DTI_TARGET_AT_LEAST, 1.5, 2024, NULL));
	refused(f, DTI_EINVALID, "at least (>=) or at most (<=)",
	        tgt("d1", I, "a", 0, 0.5, 2024, NULL));
	refused(f, DTI_EINVALID, "names its indicator",
	        tgt("d1", I, NULL, DTI_TARGET_AT_LEAST, 0.5, 2024, NULL));
	refused(f, DTI_EINVALID, "rank or better",
	        tgt("d1", R, NULL, DTI_TARGET_AT_LEAST, 1, 2024, NULL));
	refused(f, DTI_EINVALID, "value or more",
	        tgt("d1", V, NULL, DTI_TARGET_AT_MOST, 0.5, 2024, NULL));
	refused(f, DTI_EINVALID, "not a year",
	        tgt("d1", R, NULL, 0, 1, 1899, NULL));
	refused(f, DTI_EINVALID, "kind", tgt("d1", 7, NULL, 0, 1, 2024, NULL));
	/* d9 ended on 2022-12-31: its id by 2024 */
	refused(f, DTI_EINVALID,
	        "ended on 2022-12-31: a target by 2024 is its successor's (d3)",
	        tgt("d9", R, NULL, 0, 1, 2024, NULL));
	/* its name, read as on 2024-12-31, names no unit then */
	refused(f, DTI_ENOTFOUND, "Quận Chín",
	        tgt("Quận Chín", R, NULL, 0, 1, 2024, NULL));
	struct dti_target_new bad = tgt("d1", R, NULL, 0, 1, 2024, NULL);
	bad.note = "\xff\xfe";
	refused(f, DTI_EENCODING, "UTF-8", bad);
	bad.note = NULL;
	bad.date = "2024-02-30";
	refused(f, DTI_ESYNTAX, "2024-02-30", bad);

	/* a second target of the same unit, kind, node, op and year */
	add(f, tgt("d1", R, NULL, 0, 2, 2024, NULL));
	refused(f, DTI_EEXIST, "already has a rank target on idx",
	        tgt("d1", R, "idx", 0, 1, 2024, NULL));
	/* the same node and year as an indicator band: allowed */
	add(f, tgt("d1", I, "r", DTI_TARGET_AT_LEAST, 50, 2024, NULL));
	add(f, tgt("d1", I, "r", DTI_TARGET_AT_MOST, 90, 2024, NULL));

	/* who: another unit's editor, a viewer, nobody */
	as(f, "ed2");
	refused(f, DTI_EPERM, "not an editor of unit d1",
	        tgt("d1", R, NULL, 0, 1, 2025, NULL));
	as(f, "vic");
	refused(f, DTI_EPERM, "may not set the targets of unit d1",
	        tgt("d1", R, NULL, 0, 1, 2025, NULL));
	as(f, NULL);
	refused(f, DTI_EPERM, "nobody is acting",
	        tgt("d1", R, NULL, 0, 1, 2025, NULL));
	assert_int_equal(dti_target_remove(f->s, 1, &f->err), DTI_EPERM);
	dti_error_release(&f->err);
}

/* ---- tracking ------------------------------------------------------------ */

static const struct dti_target_track *
track_of(const struct dti_target_tracking *tk, int64_t id)
{
	for (size_t i = 0; i < tk->n; i++)
		if (tk->targets[i].target.id == id)
			return &tk->targets[i];
	fail_msg("no target %lld tracked", (long long)id);
	return NULL;
}

static void test_track(void **state)
{
	struct fx *f = *state;
	const enum dti_target_kind R = DTI_TARGET_RANK, V = DTI_TARGET_VALUE,
	                           I = DTI_TARGET_INDICATOR;
	const enum dti_target_op GE = DTI_TARGET_AT_LEAST,
	                         LE = DTI_TARGET_AT_MOST;
	as(f, "olga");
	int64_t t1 = add(f, tgt("d1", V, NULL, 0, 0.85, 2024, NULL));
	int64_t t2 = add(f, tgt("d1", R, NULL, 0, 1, 2024, NULL));
	int64_t t3 = add(f, tgt("d1", R, NULL, 0, 2, 2025, "c22"));
	int64_t t4 = add(f, tgt("d1", I, "r", GE, 70, 2024, NULL));
	int64_t t5 = add(f, tgt("d3", I, "r", LE, 30, 2024, NULL));
	int64_t t6 = add(f, tgt("d3", V, NULL, 0, 0.7, 2022, NULL));
	int64_t t7 = add(f, tgt("d2", R, NULL, 0, 1, 2023, NULL));
	int64_t t8 = add(f, tgt("d3", V, NULL, 0, 0.9, 2026, "c25"));
	int64_t t9 = add(f, tgt("d3", V, NULL, 0, 0.9, 2025, "c23"));
	int64_t t10 = add(f, tgt("d1", V, "r", 0, 0.9, 2024, NULL));
	as(f, NULL);

	struct dti_target_tracking *tk = NULL;
	OK(dti_target_track(f->s, NULL, NULL, &tk, &f->err));
	assert_int_equal(tk->n, 10);
	assert_string_equal(tk->as_of, "2026-06-01T08:00:00Z");

	/* idx of d1: 0.5, 0.625, 0.75; 0.125 a year, 0.875 in 2024 */
	const struct dti_target_track *x = track_of(tk, t1);
	assert_int_equal(x->status, DTI_TARGET_ON_TRACK);
	assert_int_equal(x->npoints, 3);
	assert_string_equal(x->points[0].cycle, "c21");
	assert_int_equal(x->points[0].year, 2021);
	NEAR(x->points[0].value, 0.5);
	NEAR(x->points[1].value, 0.625);
	NEAR(x->points[2].value, 0.75);
	assert_int_equal(x->points[2].met, 0);
	assert_ptr_equal(x->latest, &x->points[2]);
	assert_null(x->baseline);
	NEAR(x->gap, 0.1);
	NEAR(x->slope, 0.125);
	NEAR(x->projection, 0.875);
	assert_int_equal(x->deadline_passed, 0);
	assert_int_equal(x->precision, 4);
	assert_string_equal(x->node_name_en, "Index");
	assert_string_equal(x->node_name_vi, "Chỉ số");

	/* rank of d1: 3, 2, 2 of 3; -0.5 a year, 1.3333 in 2024 > 1 */
	x = track_of(tk, t2);
	assert_int_equal(x->status, DTI_TARGET_OFF_TRACK);
	NEAR(x->points[0].value, 3);
	assert_int_equal(x->points[0].ranked, 3);
	NEAR(x->latest->value, 2);
	NEAR(x->gap, 1);
	NEAR(x->slope, -0.5);
	NEAR(x->projection, 4.0 / 3.0);

	/* from c22: ranks 2, 2; rank 2 or better is met */
	x = track_of(tk, t3);
	assert_int_equal(x->status, DTI_TARGET_MET);
	assert_int_equal(x->npoints, 2);
	assert_string_equal(x->points[0].cycle, "c22");
	assert_ptr_equal(x->baseline, &x->points[0]);
	NEAR(x->baseline->value, 2);
	NEAR(x->gap, 0);
	NEAR(x->slope, 0);
	NEAR(x->projection, 2);
	assert_int_equal(x->points[1].met, 1);

	/* the figure of r, not its score: 40, 52, 64 -> 76 >= 70 */
	x = track_of(tk, t4);
	assert_int_equal(x->status, DTI_TARGET_ON_TRACK);
	NEAR(x->points[0].value, 40);
	NEAR(x->latest->value, 64);
	assert_int_equal(x->latest->ranked, 0);
	NEAR(x->gap, 6);
	NEAR(x->slope, 12);
	NEAR(x->projection, 76);
	assert_string_equal(x->node_name_en, "Share R");

	/* at most 30: 60, 40, 40 -> 26.67 */
	x = track_of(tk, t5);
	assert_int_equal(x->status, DTI_TARGET_ON_TRACK);
	NEAR(x->gap, 10);
	NEAR(x->slope, -10);
	NEAR(x->projection, 80.0 / 3.0);

	/* by 2022, c22 and c23 published: 0.55 < 0.7 is missed */
	x = track_of(tk, t6);
	assert_int_equal(x->status, DTI_TARGET_MISSED);
	assert_int_equal(x->npoints, 2);
	assert_int_equal(x->latest->year, 2022);
	assert_int_equal(x->deadline_passed, 1);
	NEAR(x->gap, 0.15);
	NEAR(x->slope, -0.125);
	assert_true(isnan(x->projection));

	x = track_of(tk, t7);
	assert_int_equal(x->status, DTI_TARGET_MET);
	NEAR(x->gap, 0);
	assert_int_equal(x->deadline_passed, 1);

	/* from c25, a draft: nothing published yet */
	x = track_of(tk, t8);
	assert_int_equal(x->status, DTI_TARGET_NO_DATA);
	assert_int_equal(x->npoints, 0);
	assert_null(x->latest);
	assert_true(isnan(x->gap));
	assert_true(isnan(x->slope));
	assert_true(isnan(x->projection));

	/* one point, no trend: off track */
	x = track_of(tk, t9);
	assert_int_equal(x->status, DTI_TARGET_OFF_TRACK);
	assert_int_equal(x->npoints, 1);
	NEAR(x->latest->value, 0.55);
	assert_true(isnan(x->slope));
	assert_true(isnan(x->projection));

	/* the score of r (a node's value): 0.5, 0.65, 0.8 -> 0.95 */
	x = track_of(tk, t10);
	assert_int_equal(x->status, DTI_TARGET_ON_TRACK);
	NEAR(x->latest->value, 0.8);
	NEAR(x->projection, 0.95);
	dti_target_tracking_free(tk);

	/* one unit */
	OK(dti_target_track(f->s, "Quận Hai", NULL, &tk, &f->err));
	assert_int_equal(tk->n, 1);
	assert_int_equal(tk->targets[0].target.id, t7);
	dti_target_tracking_free(tk);
}

/* The writers, checked on the tracking above: the words and numbers. */
static void test_write(void **state)
{
	struct fx *f = *state;
	as(f, "olga");
	add(f, tgt("d1", DTI_TARGET_VALUE, NULL, 0, 0.85, 2024, NULL));
	add(f, tgt("d1", DTI_TARGET_RANK, NULL, 0, 1, 2024, "c21"));
	as(f, NULL);
	struct dti_target_tracking *tk = NULL;
	OK(dti_target_track(f->s, "d1", NULL, &tk, &f->err));
	struct dti_buf b = DTI_BUF_INIT;
	OK(dti_target_tracking_write(tk, DTI_FORMAT_TABLE, DTI_LANG_VI, &b,
	                             &f->err));
	assert_non_null(strstr(b.data, "idx: giá trị ≥ 0,85"));
	assert_non_null(strstr(b.data, "0,7500 (2023)"));
	assert_non_null(strstr(b.data, "0,1000"));
	assert_non_null(strstr(b.data, "0,8750"));
	assert_non_null(strstr(b.data, "đúng tiến độ"));
	assert_non_null(strstr(b.data, "idx: hạng ≤ 1"));
	assert_non_null(strstr(b.data, "3/3 (2021)"));
	assert_non_null(strstr(b.data, "1,3"));
	assert_non_null(strstr(b.data, "chậm tiến độ"));
	dti_buf_reset(&b);
	OK(dti_target_tracking_write(tk, DTI_FORMAT_CSV, DTI_LANG_VI, &b,
	                             &f->err));
	assert_non_null(strstr(b.data, "1,d1,Quận Một,district,value,idx,>=,"
	                               "0.85,2024,,,c23,2023,0.7500,,0.1,"
	                               "0.125,0.875,3,on_track\n"));
	assert_non_null(strstr(b.data, "2,d1,Quận Một,district,rank,idx,<=,1,"
	                               "2024,c21,3,c23,2023,2,3,1,-0.5,"
	                               "1.333333,3,off_track\n"));
	dti_buf_reset(&b);
	OK(dti_target_tracking_write(tk, DTI_FORMAT_JSON, DTI_LANG_EN, &b,
	                             &f->err));
	assert_non_null(strstr(b.data, "\"status\":\"on_track\""));
	assert_non_null(strstr(b.data, "\"latest\":0.7500,\"gap\":0.1,"
	                               "\"trend_per_year\":0.125,"
	                               "\"projection\":0.875}"));
	assert_non_null(strstr(b.data, "\"baseline\":null"));
	assert_non_null(strstr(b.data,
	                       "{\"cycle\":\"c21\",\"year\":2021,"
	                       "\"value\":3,\"ranked\":3,\"met\":false"));
	/* XLSX is not a format of targets */
	assert_int_equal(dti_target_tracking_write(tk, DTI_FORMAT_XLSX,
	                                           DTI_LANG_EN, &b, &f->err),
	                 DTI_EARG);
	dti_error_release(&f->err);
	dti_buf_release(&b);
	dti_target_tracking_free(tk);
}

/* ---- the audit log and the export ---------------------------------------- */

static void tamper(struct fx *f, const char *sql, const char *problem)
{
	struct db *db = NULL;
	OK(db_open(f->ts.location, &db, &f->err));
	OK(db_exec(db, sql, &f->err));
	db_close(db);
	struct dti_audit_report rep;
	enum dti_status st = dti_audit_verify(f->s, &rep, &f->err);
	if (st != DTI_EINVALID)
		fail_msg("%s: verify says %s", sql, dti_strerror(st));
	assert_string_equal(rep.table, "targets");
	if (!strstr(rep.problem, problem))
		fail_msg("%s: '%s' lacks '%s'", sql, rep.problem, problem);
	dti_error_release(&f->err);
}

static void test_tampered(void **state)
{
	struct fx *f = *state;
	as(f, "ed1");
	struct dti_target_new t =
	    tgt("d1", DTI_TARGET_RANK, NULL, 0, 1, 2024, "c21");
	t.note = "nghị quyết";
	add(f, t);
	add(f, tgt("d1", DTI_TARGET_VALUE, NULL, 0, 0.8, 2025, NULL));
	struct dti_audit_report rep;
	OK(dti_audit_verify(f->s, &rep, &f->err));
	tamper(f, "UPDATE targets SET threshold = 5 WHERE id = 1",
	       "targets 1 threshold: the log says 1, the table holds 5");
	tamper(f,
	       "UPDATE targets SET threshold = 1, by_year = 2030 WHERE id = 1",
	       "by_year: the log says 2024, the table holds 2030");
	tamper(f, "UPDATE targets SET by_year = 2024, note = 'x' WHERE id = 1",
	       "note: the log says 'nghị quyết', the table holds 'x'");
	tamper(f,
	       "UPDATE targets SET note = 'nghị quyết', baseline_cycle_id = "
	       "NULL WHERE id = 1",
	       "baseline: the log says 'c21', the table holds ''");
	tamper(f,
	       "UPDATE targets SET baseline_cycle_id = (SELECT id FROM cycles "
	       "WHERE label = 'c21'), set_by = 'olga' WHERE id = 1",
	       "set_by: the log says 'ed1', the table holds 'olga'");
	tamper(f,
	       "UPDATE targets SET set_by = 'ed1', kind = 'value' WHERE id = 1",
	       "kind: the log says 'rank', the table holds 'value'");
	tamper(f,
	       "UPDATE targets SET kind = 'rank' WHERE id = 1; DELETE FROM "
	       "targets WHERE id = 2",
	       "targets 2: the log says this row exists, the table holds none");
	tamper(
	    f,
	    "INSERT INTO targets (id, unit_id, kind, node, op, threshold, "
	    "by_year, note, set_by, set_at) VALUES (2, 'd1', 'value', 'idx', "
	    "'>=', 0.8, 2025, '', 'ed1', 'x'), (3, 'd2', 'rank', 'idx', "
	    "'<=', 1, 2025, '', 'root', 'x')",
	    "targets 3: the log has no such row, the table holds one");
	/* as it was: verified again */
	struct db *db = NULL;
	OK(db_open(f->ts.location, &db, &f->err));
	OK(db_exec(db, "DELETE FROM targets WHERE id = 3", &f->err));
	db_close(db);
	OK(dti_audit_verify(f->s, &rep, &f->err));
}

static enum dti_status to_buf(void *ctx, const char *p, size_t n)
{
	return dti_buf_add(ctx, p, n);
}

static void test_export_import(void **state)
{
	struct fx *f = *state;
	as(f, "ed1");
	struct dti_target_new t = tgt("d1", DTI_TARGET_INDICATOR, "r",
	                              DTI_TARGET_AT_LEAST, 70.25, 2024, "c22");
	t.note = "kế hoạch \"2024\"";
	add(f, t);
	as(f, "olga");
	add(f, tgt("d3", DTI_TARGET_RANK, NULL, 0, 2, 2025, NULL));
	add(f, tgt("d2", DTI_TARGET_VALUE, NULL, 0, 0.96, 2025, NULL));
	OK(dti_target_remove(f->s, 3, &f->err));
	struct dti_buf ex = DTI_BUF_INIT;
	struct dti_export_opts eo;
	dti_export_opts_init(&eo);
	eo.with_secrets = 1;
	as(f, "root");
	OK(dti_store_export_with(f->s, &eo, to_buf, &ex, &f->err));
	assert_non_null(strstr(ex.data, "\"targets\":2,"));
	assert_non_null(strstr(ex.data, "{\"table\":\"targets\",\"row\":{"
	                                "\"id\":1,\"unit_id\":\"d1\","
	                                "\"kind\":\"indicator\",\"node\":\"r\","
	                                "\"op\":\">=\",\"threshold\":70.25,"));

	/* into a new store: the same targets, and it verifies */
	struct teststore ts2;
	struct dti_store *s2 = open_new(f, &ts2);
	OK(dti_store_import(s2, ex.data, ex.len, "export", &f->err));
	struct dti_target_list *a = NULL, *b = NULL;
	OK(dti_target_list(f->s, NULL, NULL, &a, &f->err));
	OK(dti_target_list(s2, NULL, NULL, &b, &f->err));
	assert_int_equal(a->n, 2);
	assert_int_equal(b->n, a->n);
	for (size_t i = 0; i < a->n; i++) {
		const struct dti_target *x = &a->targets[i],
		                        *y = &b->targets[i];
		assert_int_equal(x->id, y->id);
		assert_string_equal(x->unit, y->unit);
		assert_int_equal(x->kind, y->kind);
		assert_string_equal(x->node, y->node);
		assert_int_equal(x->op, y->op);
		assert_true(x->threshold == y->threshold);
		assert_int_equal(x->by_year, y->by_year);
		assert_string_equal(x->baseline, y->baseline);
		assert_string_equal(x->note, y->note);
		assert_string_equal(x->set_by, y->set_by);
		assert_string_equal(x->set_at, y->set_at);
	}
	dti_target_list_free(a);
	dti_target_list_free(b);
	struct dti_audit_report rep;
	OK(dti_audit_verify(s2, &rep, &f->err));
	/* the tracking reads the same from both */
	struct dti_target_tracking *t1 = NULL, *t2 = NULL;
	OK(dti_target_track(f->s, NULL, NULL, &t1, &f->err));
	OK(dti_target_track(s2, NULL, NULL, &t2, &f->err));
	struct dti_buf j1 = DTI_BUF_INIT, j2 = DTI_BUF_INIT;
	OK(dti_target_tracking_write(t1, DTI_FORMAT_JSON, DTI_LANG_EN, &j1,
	                             &f->err));
	OK(dti_target_tracking_write(t2, DTI_FORMAT_JSON, DTI_LANG_EN, &j2,
	                             &f->err));
	assert_string_equal(j1.data, j2.data);
	dti_buf_release(&j1);
	dti_buf_release(&j2);
	dti_target_tracking_free(t1);
	dti_target_tracking_free(t2);
	dti_store_close(s2);
	teststore_cleanup(&ts2);

	/* an export whose target row was edited is refused at import, even
	   with its trailer made again: the log says otherwise */
	char *edited = strdup(ex.data);
	char *p = strstr(edited, "\"threshold\":70.25,");
	assert_non_null(p);
	memcpy(p, "\"threshold\":10.25,", 18);
	/* the trailer: the digest of everything before it */
	char *trailer = strstr(edited, "{\"dti_export_end\"");
	assert_non_null(trailer);
	char sha[65];
	struct dti_sha256 h;
	dti_sha256_init(&h);
	dti_sha256_update(&h, edited, (size_t)(trailer - edited));
	dti_sha256_final(&h, sha);
	char *d = strstr(trailer, "\"sha256\":\"");
	memcpy(d + 10, sha, 64);
	struct teststore ts3;
	struct dti_store *s3 = open_new(f, &ts3);
	enum dti_status st =
	    dti_store_import(s3, edited, strlen(edited), "edited", &f->err);
	assert_int_equal(st, DTI_EINVALID);
	assert_non_null(strstr(f->err.message, "targets 1 threshold"));
	dti_error_release(&f->err);
	struct dti_target_list *c = NULL;
	OK(dti_target_list(s3, NULL, NULL, &c, &f->err));
	assert_int_equal(c->n, 0);
	dti_target_list_free(c);
	dti_store_close(s3);
	teststore_cleanup(&ts3);
	free(edited);
	dti_buf_release(&ex);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_add_and_list, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_track, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_write, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_tampered, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_export_import, setup,
	                                    teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
