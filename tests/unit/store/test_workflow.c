/*
 * tests/unit/store/test_workflow.c - the store's workflow rules, through the
 * public API, on SQLite (and on PostgreSQL in the '-pg' run).
 *
 * Every test starts from a fresh store holding three districts (one no
 * longer valid in 2025), a small points framework (yes/no, ratio,
 * reviewer-scored), users of every role and a cycle in draft.  Refusals
 * are checked for their status, their message and for changing nothing:
 * the audit chain's length and the submission's version stay as they were.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>

#include "teststore.h"

static const char fw_text[] =
    "# dti-framework: 1\n"
    "# id: wf-test\n"
    "# version: 1\n"
    "# year: 2025\n"
    "# level: district\n"
    "# scoring: points\n"
    "# scale: 1\n"
    "# precision: 4\n"
    "# missing: zero\n"
    "code,parent,kind,name_vi,name_en,points,rule,params\n"
    "idx,,index,Chỉ số,Index,100,,\n"
    "plan,idx,indicator,Kế hoạch,Plan,30,yesno,\n"
    "pc,idx,indicator,Máy tính,Computers,50,ratio,floor=0;target=1\n"
    "panel,idx,indicator,Hội đồng,Panel,20,reviewer,\n";

static const char units_text[] =
    "id,code,name_vi,name_ascii,aliases,group,valid_from,valid_to,"
    "successors\n"
    "d1,D1,Quận Một,Quan Mot,,G1,,,\n"
    "d2,D2,Quận Hai,Quan Hai,,G1,,,\n"
    "d3,D3,Quận Ba,Quan Ba,,G2,,2024-12-31,\n";

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

static void as(struct fx *f, const char *user)
{
	OK(dti_store_set_actor(f->s, user, &f->err));
}

static long long events(struct fx *f)
{
	struct dti_store_status ss;
	OK(dti_store_status(f->s, &ss, &f->err));
	return ss.audit_events;
}

static int64_t version_of(struct fx *f, const char *unit)
{
	struct dti_submission_info si;
	const char *was = dti_store_actor(f->s);
	char actor[64];
	snprintf(actor, sizeof actor, "%s", was ? was : "");
	as(f, "root");
	OK(dti_submission_get(f->s, "c25", unit, &si, &f->err));
	as(f, actor[0] ? actor : NULL);
	return si.version;
}

/*
 * A call refused with `code`, a message (or field) containing `needle`,
 * and no change.
 */
#define REFUSED(code, needle, call)                                            \
	do {                                                                   \
		long long ev_ = events(f);                                     \
		enum dti_status st_ = (call);                                  \
		if (st_ != (code))                                             \
			fail_msg("%s -> %s (%s), expected %s", #call,          \
			         dti_strerror(st_), f->err.message,            \
			         dti_strerror(code));                          \
		if (!strstr(f->err.message, (needle)) &&                       \
		    !strstr(f->err.field, (needle)))                           \
			fail_msg("%s: message '%s' (field '%s') lacks '%s'",   \
			         #call, f->err.message, f->err.field,          \
			         (needle));                                    \
		dti_error_release(&f->err);                                    \
		assert_int_equal(events(f), ev_);                              \
	} while (0)

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	if (!f || teststore_new(&f->ts) != 0)
		return -1;
	*state = f;
	OK(dti_store_open(f->ts.location, &f->s, &f->err));
	OK(store_test_clock(f->s, "2025-06-01T08:00:00Z"));
	OK(dti_store_init(f->s, &f->err));
	OK(dti_user_add(f->s, "root", "Admin", "correct horse", &f->err));
	as(f, "root");
	static const char *const users[] = {"olga", "rita", "ed1",
	                                    "ed2",  "vic",  "nobody"};
	for (size_t i = 0; i < 6; i++)
		OK(dti_user_add(f->s, users[i], NULL, NULL, &f->err));
	struct dti_units *u = NULL;
	OK(dti_units_parse(units_text, strlen(units_text), "units.csv", &u,
	                   &f->err));
	size_t added = 0;
	OK(dti_store_units_import(f->s, u, "district", &added, NULL, &f->err));
	assert_int_equal(added, 3);
	dti_units_free(u);
	OK(dti_user_role(f->s, "olga", DTI_ROLE_OWNER, NULL, 1, &f->err));
	OK(dti_user_role(f->s, "rita", DTI_ROLE_REVIEWER, NULL, 1, &f->err));
	OK(dti_user_role(f->s, "ed1", DTI_ROLE_EDITOR, "d1", 1, &f->err));
	OK(dti_user_role(f->s, "ed2", DTI_ROLE_EDITOR, "d2", 1, &f->err));
	OK(dti_user_role(f->s, "vic", DTI_ROLE_VIEWER, NULL, 1, &f->err));
	as(f, "olga");
	char sha[65];
	OK(dti_store_framework_add(f->s, fw_text, strlen(fw_text), "wf.csv",
	                           sha, &f->err));
	struct dti_cycle_new c = {
	    "c25", 2025,         "wf-test", NULL,
	    NULL,  "2025-09-30", NULL,      "DTI 2025 (test)"};
	OK(dti_cycle_create(f->s, &c, &f->err));
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

static void edit1(struct fx *f, const char *unit, const char *ind, double v)
{
	struct dti_figure_edit e = DTI_FIGURE_EDIT_INIT(ind);
	e.value = v;
	OK(dti_submission_edit(f->s, "c25", unit, &e, 1, 0, &f->err));
}

/* Opens c25 and enters and submits both valid districts' figures. */
static void open_and_submit(struct fx *f)
{
	as(f, "olga");
	OK(dti_cycle_transition(f->s, "c25", DTI_CYCLE_OPEN, 0, &f->err));
	as(f, "ed1");
	edit1(f, "d1", "plan", 1);
	edit1(f, "d1", "pc", 0.8);
	OK(dti_submission_submit(f->s, "c25", "d1", 0, &f->err));
	as(f, "ed2");
	edit1(f, "d2", "plan", 0);
	edit1(f, "d2", "pc", 0.5);
	OK(dti_submission_submit(f->s, "c25", "d2", 0, &f->err));
	as(f, "olga");
	OK(dti_cycle_transition(f->s, "c25", DTI_CYCLE_REVIEW, 0, &f->err));
}

/* Events of the audit log, kept as text for the tests to search. */
struct events_seen {
	size_t n;
	int64_t last_seq;
	struct dti_buf text; /* "action unit object before after\n" each */
	size_t stop_after;   /* 0: never stop */
};

static enum dti_status collect(void *ctx, const struct dti_audit_event *ev)
{
	struct events_seen *e = ctx;
	assert_true(ev->seq > e->last_seq);
	assert_int_equal(strlen(ev->hash), 64);
	assert_true(e->n > 0 || ev->seq != 1 || !*ev->prev);
	e->last_seq = ev->seq;
	e->n++;
	dti_buf_addf(&e->text, "%s %s %s %s %s\n", ev->action, ev->unit,
	             ev->object, ev->before ? ev->before : "-",
	             ev->after ? ev->after : "-");
	return e->stop_after && e->n >= e->stop_after ? DTI_ECONFLICT : DTI_OK;
}

/* ---- store, users -------------------------------------------------------- */

static void test_init_and_schema(void **state)
{
	struct fx *f = *state;
	REFUSED(DTI_EEXIST, "already initialised",
	        dti_store_init(f->s, &f->err));
	struct dti_store_status ss;
	OK(dti_store_status(f->s, &ss, &f->err));
	assert_int_equal(ss.schema_version, dti_store_schema_latest());
	assert_int_equal(ss.units, 3);
	assert_int_equal(ss.users, 7);
	assert_int_equal(ss.frameworks, 1);
	assert_int_equal(strlen(ss.audit_head), 64);

	/* An uninitialised store refuses work and says what to do. */
	struct teststore t2;
	struct dti_store *s2;
	assert_int_equal(teststore_new(&t2), 0);
	OK(dti_store_open(t2.location, &s2, &f->err));
	assert_int_equal(dti_user_add(s2, "x", NULL, NULL, &f->err),
	                 DTI_ESTATE);
	assert_non_null(strstr(f->err.message, "dti db init"));
	dti_error_release(&f->err);
	dti_store_close(s2);
	teststore_cleanup(&t2);
}

enum dti_status store_migrate_to(struct dti_store *s, int version,
                                 struct dti_error *err);

static void test_migrate_forward(void **state)
{
	struct fx *f = *state;
	struct teststore t2;
	struct dti_store *s2;
	assert_int_equal(teststore_new(&t2), 0);
	OK(dti_store_open(t2.location, &s2, &f->err));
	OK(store_migrate_to(s2, 1, &f->err));
	struct dti_store_status ss;
	OK(dti_store_status(s2, &ss, &f->err));
	assert_int_equal(ss.schema_version, 1);
	assert_int_equal(dti_user_add(s2, "x", NULL, NULL, &f->err),
	                 DTI_ESTATE);
	assert_non_null(strstr(f->err.message, "dti db migrate"));
	dti_error_release(&f->err);
	int from = 0, to = 0;
	OK(dti_store_migrate(s2, &from, &to, &f->err));
	assert_int_equal(from, 1);
	assert_int_equal(to, dti_store_schema_latest());
	OK(dti_user_add(s2, "x", NULL, NULL, &f->err));
	/* Nothing left to do the second time. */
	OK(dti_store_migrate(s2, &from, &to, &f->err));
	assert_int_equal(from, to);
	dti_store_close(s2);
	teststore_cleanup(&t2);
}

static void test_users_and_credentials(void **state)
{
	struct fx *f = *state;
	as(f, "olga");
	REFUSED(DTI_EPERM, "admin",
	        dti_user_add(f->s, "z", NULL, NULL, &f->err));
	as(f, "root");
	REFUSED(DTI_EEXIST, "already exists",
	        dti_user_add(f->s, "olga", NULL, NULL, &f->err));
	REFUSED(DTI_EINVALID, "user name",
	        dti_user_add(f->s, "bad name", NULL, NULL, &f->err));
	REFUSED(DTI_EINVALID, "8 to 1024",
	        dti_user_passwd(f->s, "olga", "short", &f->err));
	REFUSED(
	    DTI_EINVALID, "scoped",
	    dti_user_role(f->s, "olga", DTI_ROLE_REVIEWER, "d1", 1, &f->err));
	REFUSED(DTI_EINVALID, "for a unit",
	        dti_user_role(f->s, "olga", DTI_ROLE_EDITOR, NULL, 1, &f->err));
	REFUSED(DTI_ENOTFOUND, "unknown unit 'zz'",
	        dti_user_role(f->s, "olga", DTI_ROLE_EDITOR, "zz", 1, &f->err));
	REFUSED(DTI_EEXIST, "already has",
	        dti_user_role(f->s, "ed1", DTI_ROLE_EDITOR, "d1", 1, &f->err));
	REFUSED(DTI_ESTATE, "last admin",
	        dti_user_role(f->s, "root", DTI_ROLE_ADMIN, NULL, 0, &f->err));

	/* Passwords: Argon2id, checked without telling which part is wrong. */
	OK(dti_user_login(f->s, "root", "correct horse", &f->err));
	assert_int_equal(dti_user_login(f->s, "root", "wrong horse", &f->err),
	                 DTI_EPERM);
	dti_error_release(&f->err);
	assert_int_equal(
	    dti_user_login(f->s, "ghost", "correct horse", &f->err), DTI_EPERM);
	dti_error_release(&f->err);
	OK(dti_user_passwd(f->s, "olga", "olga's new password", &f->err));
	OK(dti_user_login(f->s, "olga", "olga's new password", &f->err));

	/* Tokens: shown once, stored hashed, revocable. */
	char tok[DTI_TOKEN_MAX], who[DTI_USER_NAME_MAX];
	OK(dti_user_token(f->s, "rita", "laptop", tok, &f->err));
	assert_int_equal(strlen(tok), 68);
	OK(dti_user_from_token(f->s, tok, who, &f->err));
	assert_string_equal(who, "rita");
	struct events_seen seen = {0, 0, DTI_BUF_INIT, 0};
	OK(dti_audit_log(f->s, NULL, collect, &seen, &f->err));
	assert_non_null(strstr(seen.text.data, "user.token"));
	assert_null(strstr(seen.text.data, tok + 4));
	assert_null(strstr(seen.text.data, "argon2id"));
	dti_buf_release(&seen.text);
	REFUSED(DTI_EEXIST, "already has a token",
	        dti_user_token(f->s, "rita", "laptop", tok, &f->err));
	OK(dti_user_token_revoke(f->s, "rita", "laptop", &f->err));
	assert_int_equal(dti_user_from_token(f->s, tok, who, &f->err),
	                 DTI_EPERM);
	dti_error_release(&f->err);
	tok[10] ^= 1;
	assert_int_equal(dti_user_from_token(f->s, tok, who, &f->err),
	                 DTI_EPERM);
	dti_error_release(&f->err);

	/* The list is data: users by name, each with its roles. */
	struct dti_user_list *l = NULL;
	OK(dti_user_list(f->s, &l, &f->err));
	assert_int_equal(l->n, 7);
	assert_string_equal(l->users[0].name, "ed1");
	assert_string_equal(l->users[0].display_name, "");
	assert_int_equal(l->users[0].has_password, 0);
	assert_int_equal(l->users[0].nroles, 1);
	assert_int_equal(l->users[0].roles[0].role, DTI_ROLE_EDITOR);
	assert_string_equal(l->users[0].roles[0].unit, "d1");
	const struct dti_user_entry *nobody = &l->users[2];
	assert_string_equal(nobody->name, "nobody");
	assert_int_equal(nobody->nroles, 0);
	const struct dti_user_entry *root = &l->users[5];
	assert_string_equal(root->name, "root");
	assert_string_equal(root->display_name, "Admin");
	assert_int_equal(root->has_password, 1);
	assert_int_equal(root->disabled, 0);
	assert_string_equal(root->created_at, "2025-06-01T08:00:00Z");
	assert_int_equal(root->nroles, 1);
	assert_int_equal(root->roles[0].role, DTI_ROLE_ADMIN);
	assert_string_equal(root->roles[0].unit, "");
	dti_user_list_free(l);
	dti_user_list_free(NULL);
}

/* ---- the year ----------------------------------------------------------- */

static void test_whole_year(void **state)
{
	struct fx *f = *state;
	/* draft: nobody edits yet */
	as(f, "ed1");
	REFUSED(DTI_ENOTFOUND, "no submission",
	        dti_submission_submit(f->s, "c25", "d1", 0, &f->err));
	as(f, "olga");
	OK(dti_cycle_transition(f->s, "c25", DTI_CYCLE_OPEN, 0, &f->err));
	struct dti_cycle_info ci;
	OK(dti_cycle_get(f->s, "c25", &ci, &f->err));
	assert_int_equal(ci.state, DTI_CYCLE_OPEN);
	assert_int_equal(ci.count[DTI_SUB_DRAFT], 2); /* d3 ended in 2024 */
	assert_string_equal(ci.level, "district");
	assert_string_equal(ci.framework_id, "wf-test");

	as(f, "ed1");
	struct dti_figure_edit e[2] = {DTI_FIGURE_EDIT_INIT("plan"),
	                               DTI_FIGURE_EDIT_INIT("pc")};
	e[0].value = 1;
	e[0].self_points = 30;
	e[1].value = 0.8;
	e[1].comment = "80 of 100 staff";
	OK(dti_submission_edit(f->s, "c25", "d1", e, 2, 1, &f->err));
	assert_int_equal(version_of(f, "d1"), 2);
	struct dti_evidence_new ev = {0};
	ev.indicator = "plan";
	ev.doc_number = "12/KH-UBND";
	ev.doc_date = "2025-02-01";
	ev.title = "Kế hoạch chuyển đổi số 2025";
	ev.data = "%PDF-1.4\n%fake but typed right\n";
	ev.size = strlen(ev.data);
	ev.filename = "ke-hoach.pdf";
	int64_t evid = 0;
	OK(dti_evidence_add(f->s, "c25", "d1", &ev, &evid, &f->err));
	assert_true(evid > 0);
	OK(dti_submission_submit(f->s, "c25", "d1", 3, &f->err));
	as(f, "ed2");
	edit1(f, "d2", "plan", 0);
	edit1(f, "d2", "pc", 0.5);
	OK(dti_submission_submit(f->s, "c25", "d2", 0, &f->err));

	as(f, "olga");
	OK(dti_cycle_transition(f->s, "c25", DTI_CYCLE_REVIEW, 0, &f->err));
	as(f, "rita");
	OK(dti_review_adjust(f->s, "c25", "d1", "panel", 15,
	                     "panel scored the plan's execution", 0, &f->err));
	OK(dti_review_adjust(f->s, "c25", "d1", "pc", 0.7,
	                     "inventory shows 70 computers", 0, &f->err));
	OK(dti_review_return(f->s, "c25", "d2", "attach the plan", 0, &f->err));
	/* returned: the editor may change and resubmit during review */
	as(f, "ed2");
	edit1(f, "d2", "plan", 1);
	OK(dti_submission_submit(f->s, "c25", "d2", 0, &f->err));
	as(f, "rita");
	OK(dti_review_adjust(f->s, "c25", "d2", "panel", 10, "panel score", 0,
	                     &f->err));
	OK(dti_review_approve(f->s, "c25", "d1", 0, &f->err));
	OK(dti_review_approve(f->s, "c25", "d2", 0, &f->err));

	/* The submission as data: figures in framework order, evidence. */
	struct dti_submission_view *v = NULL;
	OK(dti_submission_view(f->s, "c25", "d1", &v, &f->err));
	assert_string_equal(v->cycle, "c25");
	assert_string_equal(v->unit, "d1");
	assert_string_equal(v->name, "Quận Một");
	assert_int_equal(v->state, DTI_SUB_APPROVED);
	assert_string_equal(v->updated_by, "rita");
	assert_string_equal(v->return_comment, "");
	assert_int_equal(v->nfigures, 3);
	assert_string_equal(v->figures[0].indicator, "plan");
	assert_true(v->figures[0].value == 1 && v->figures[0].points == 30);
	assert_true(isnan(v->figures[0].reviewed));
	assert_string_equal(v->figures[0].reviewed_by, "");
	assert_string_equal(v->figures[1].indicator, "pc");
	assert_true(v->figures[1].value == 0.8 && isnan(v->figures[1].points));
	assert_string_equal(v->figures[1].comment, "80 of 100 staff");
	assert_true(v->figures[1].reviewed == 0.7);
	assert_string_equal(v->figures[1].review_reason,
	                    "inventory shows 70 computers");
	assert_string_equal(v->figures[1].reviewed_by, "rita");
	assert_string_equal(v->figures[1].updated_by, "ed1");
	assert_string_equal(v->figures[2].indicator, "panel");
	assert_true(isnan(v->figures[2].value) && v->figures[2].reviewed == 15);
	assert_int_equal(v->nevidence, 1);
	assert_int_equal(v->evidence[0].id, evid);
	assert_string_equal(v->evidence[0].indicator, "plan");
	assert_string_equal(v->evidence[0].doc_number, "12/KH-UBND");
	assert_string_equal(v->evidence[0].doc_date, "2025-02-01");
	assert_string_equal(v->evidence[0].issuer, "");
	assert_string_equal(v->evidence[0].filename, "ke-hoach.pdf");
	assert_int_equal(strlen(v->evidence[0].sha256), 64);
	assert_int_equal(v->evidence[0].size, (long long)ev.size);
	assert_string_equal(v->evidence[0].media_type, "application/pdf");
	assert_string_equal(v->evidence[0].added_by, "ed1");
	dti_submission_view_free(v);
	v = NULL;
	as(f, "ed2");
	REFUSED(DTI_EPERM, "read this submission",
	        dti_submission_view(f->s, "c25", "d1", &v, &f->err));
	assert_null(v);
	as(f, "rita");

	int64_t rid = 0;
	OK(dti_cycle_compute(f->s, "c25", &rid, &f->err));
	assert_true(rid > 0);

	as(f, "olga");
	OK(dti_cycle_transition(f->s, "c25", DTI_CYCLE_CLOSED, 0, &f->err));
	OK(dti_cycle_publish(f->s, "c25", 0, &f->err));

	/* The snapshot: d1 = (30 + 0.7*50 + 15)/100 = 0.80, d2 = 0.65. */
	as(f, NULL);
	struct dti_buf b = DTI_BUF_INIT;
	OK(dti_cycle_results(f->s, "c25", 0, &b, &f->err));
	assert_non_null(strstr(b.data, "\"state\":\"published\""));
	assert_non_null(strstr(b.data, "\"program_version\":\""));
	assert_non_null(strstr(b.data, "\"data_hash\":\""));
	assert_non_null(strstr(b.data, "\"audit_hash\":\""));
	const char *d1 = strstr(b.data, "\"d1\"");
	const char *d2 = strstr(b.data, "\"d2\"");
	assert_non_null(d1);
	assert_non_null(d2);
	assert_non_null(strstr(d1, "0.8"));
	assert_non_null(strstr(d2, "0.65"));
	assert_null(strstr(b.data, "\"d3\""));

	/* The dataset the store computes from is the reviewed one. */
	struct dti_framework *fw;
	struct dti_units *units;
	struct dti_dataset *ds;
	OK(dti_cycle_dataset(f->s, "c25", &fw, &units, &ds, &f->err));
	long u1 = dti_dataset_find_unit(ds, "d1");
	assert_true(u1 >= 0);
	assert_true(dti_dataset_get(ds, 0, (size_t)u1,
	                            (size_t)dti_framework_find(fw, "pc")) ==
	            0.7);
	dti_dataset_free(ds);
	dti_units_free(units);
	dti_framework_free(fw);

	/* Published means frozen. */
	as(f, "olga");
	REFUSED(DTI_ESTATE, "published",
	        dti_submission_exclude(f->s, "c25", "d1", "late", &f->err));
	REFUSED(DTI_ESTATE, "published",
	        dti_cycle_compute(f->s, "c25", NULL, &f->err));
	REFUSED(
	    DTI_ESTATE, "cannot move",
	    dti_cycle_transition(f->s, "c25", DTI_CYCLE_REVIEW, 0, &f->err));
	as(f, "ed1");
	struct dti_figure_edit e1 = DTI_FIGURE_EDIT_INIT("pc");
	e1.value = 1;
	REFUSED(DTI_ESTATE, "is published",
	        dti_submission_edit(f->s, "c25", "d1", &e1, 1, 0, &f->err));
	struct dti_buf again = DTI_BUF_INIT;
	OK(dti_cycle_results(f->s, "c25", 0, &again, &f->err));
	assert_string_equal(b.data, again.data);
	dti_buf_release(&again);
	dti_buf_release(&b);

	struct dti_audit_report rep;
	OK(dti_audit_verify(f->s, &rep, &f->err));
	assert_int_equal(rep.bad_seq, 0);
	assert_true(rep.events > 20);
}

static void test_editor_rules(void **state)
{
	struct fx *f = *state;
	as(f, "olga");
	OK(dti_cycle_transition(f->s, "c25", DTI_CYCLE_OPEN, 0, &f->err));
	struct dti_figure_edit e = DTI_FIGURE_EDIT_INIT("pc");
	e.value = 0.5;
	as(f, "ed1");
	REFUSED(DTI_EPERM, "not an editor of unit d2",
	        dti_submission_edit(f->s, "c25", "d2", &e, 1, 0, &f->err));
	as(f, "rita");
	REFUSED(DTI_EPERM, "not an editor",
	        dti_submission_edit(f->s, "c25", "d1", &e, 1, 0, &f->err));
	as(f, "vic");
	REFUSED(DTI_EPERM, "not an editor",
	        dti_submission_submit(f->s, "c25", "d1", 0, &f->err));
	as(f, NULL);
	REFUSED(DTI_EPERM, "nobody",
	        dti_submission_edit(f->s, "c25", "d1", &e, 1, 0, &f->err));
	as(f, "ed1");
	/* bad input names the indicator and changes nothing */
	struct dti_figure_edit bad = DTI_FIGURE_EDIT_INIT("nope");
	bad.value = 1;
	REFUSED(DTI_ENOTFOUND, "no indicator 'nope'",
	        dti_submission_edit(f->s, "c25", "d1", &bad, 1, 0, &f->err));
	struct dti_figure_edit two[2] = {DTI_FIGURE_EDIT_INIT("pc"),
	                                 DTI_FIGURE_EDIT_INIT("plan")};
	two[0].value = 0.4;
	two[1].value = 2; /* yes/no takes 0 or 1 */
	REFUSED(DTI_EINVALID, "plan",
	        dti_submission_edit(f->s, "c25", "d1", two, 2, 0, &f->err));
	two[1].value = 1;
	two[1].self_points = 31; /* more than the indicator's 30 points */
	REFUSED(DTI_EINVALID, "0..30",
	        dti_submission_edit(f->s, "c25", "d1", two, 2, 0, &f->err));
	two[1].self_points = 30;
	two[1].indicator = "pc";
	REFUSED(DTI_EINVALID, "twice",
	        dti_submission_edit(f->s, "c25", "d1", two, 2, 0, &f->err));
	REFUSED(DTI_ENOTFOUND, "unknown unit 'zz'",
	        dti_submission_edit(f->s, "c25", "zz", &e, 1, 0, &f->err));
	REFUSED(DTI_ENOTFOUND, "d3 has no submission",
	        dti_submission_edit(f->s, "c25", "d3", &e, 1, 0, &f->err));
	REFUSED(DTI_ENOTFOUND, "no cycle",
	        dti_submission_edit(f->s, "c99", "d1", &e, 1, 0, &f->err));
	assert_int_equal(version_of(f, "d1"), 1);

	/* stale version: refused, never applied */
	OK(dti_submission_edit(f->s, "c25", "d1", &e, 1, 1, &f->err));
	e.value = 0.6;
	REFUSED(DTI_ECONFLICT, "your version 1, now 2",
	        dti_submission_edit(f->s, "c25", "d1", &e, 1, 1, &f->err));
	REFUSED(DTI_ECONFLICT, "changed since",
	        dti_submission_submit(f->s, "c25", "d1", 1, &f->err));

	/* the deadline binds editors (the owner: test_clock_forward) */
	OK(store_test_clock(f->s, "2025-10-01T00:00:01Z"));
	REFUSED(DTI_ESTATE, "deadline",
	        dti_submission_edit(f->s, "c25", "d1", &e, 1, 0, &f->err));
	OK(store_test_clock(f->s, "2025-06-01T08:00:00Z"));

	/* submitted: frozen for the editor */
	as(f, "ed1");
	OK(dti_submission_submit(f->s, "c25", "d1", 0, &f->err));
	REFUSED(DTI_ESTATE, "is submitted",
	        dti_submission_edit(f->s, "c25", "d1", &e, 1, 0, &f->err));
	REFUSED(DTI_ESTATE, "is submitted",
	        dti_submission_submit(f->s, "c25", "d1", 0, &f->err));
	/* review: a draft cannot be edited any more */
	as(f, "olga");
	OK(dti_cycle_transition(f->s, "c25", DTI_CYCLE_REVIEW, 0, &f->err));
	as(f, "ed2");
	REFUSED(DTI_ESTATE, "not open",
	        dti_submission_edit(f->s, "c25", "d2", &e, 1, 0, &f->err));
}

static void test_reviewer_rules(void **state)
{
	struct fx *f = *state;
	as(f, "olga");
	OK(dti_cycle_transition(f->s, "c25", DTI_CYCLE_OPEN, 0, &f->err));
	as(f, "ed1");
	edit1(f, "d1", "pc", 0.5);
	OK(dti_submission_submit(f->s, "c25", "d1", 0, &f->err));
	as(f, "rita");
	REFUSED(DTI_ESTATE, "not in review",
	        dti_review_approve(f->s, "c25", "d1", 0, &f->err));
	REFUSED(
	    DTI_ESTATE, "not in review",
	    dti_review_adjust(f->s, "c25", "d1", "pc", 0.4, "why", 0, &f->err));
	as(f, "olga");
	OK(dti_cycle_transition(f->s, "c25", DTI_CYCLE_REVIEW, 0, &f->err));
	as(f, "ed1");
	REFUSED(DTI_EPERM, "reviewer",
	        dti_review_approve(f->s, "c25", "d1", 0, &f->err));
	as(f, "rita");
	REFUSED(
	    DTI_EINVALID, "needs a reason",
	    dti_review_adjust(f->s, "c25", "d1", "pc", 0.4, "  ", 0, &f->err));
	REFUSED(DTI_EINVALID, "needs a comment",
	        dti_review_return(f->s, "c25", "d1", NULL, 0, &f->err));
	REFUSED(DTI_EINVALID, "plan",
	        dti_review_adjust(f->s, "c25", "d1", "plan", 0.5, "half", 0,
	                          &f->err));
	REFUSED(DTI_ESTATE, "is draft, not submitted",
	        dti_review_approve(f->s, "c25", "d2", 0, &f->err));
	int64_t v = version_of(f, "d1");
	OK(dti_review_adjust(f->s, "c25", "d1", "pc", 0.4, "checked", v,
	                     &f->err));
	REFUSED(DTI_ECONFLICT, "changed since",
	        dti_review_approve(f->s, "c25", "d1", v, &f->err));
	OK(dti_review_approve(f->s, "c25", "d1", v + 1, &f->err));
	REFUSED(
	    DTI_ESTATE, "approved",
	    dti_review_return(f->s, "c25", "d1", "late remark", 0, &f->err));
}

static void test_publication_rules(void **state)
{
	struct fx *f = *state;
	open_and_submit(f);
	as(f, "olga");
	REFUSED(DTI_ESTATE, "only a closed cycle",
	        dti_cycle_publish(f->s, "c25", 0, &f->err));
	REFUSED(
	    DTI_ESTATE, "dti publish",
	    dti_cycle_transition(f->s, "c25", DTI_CYCLE_PUBLISHED, 0, &f->err));
	as(f, "rita");
	OK(dti_review_approve(f->s, "c25", "d1", 0, &f->err));
	as(f, "olga");
	OK(dti_cycle_transition(f->s, "c25", DTI_CYCLE_CLOSED, 0, &f->err));
	REFUSED(DTI_ESTATE, "d2 (submitted)",
	        dti_cycle_publish(f->s, "c25", 0, &f->err));
	REFUSED(DTI_EINVALID, "needs a reason",
	        dti_submission_exclude(f->s, "c25", "d2", "", &f->err));
	as(f, "rita");
	REFUSED(DTI_EPERM, "owner",
	        dti_submission_exclude(f->s, "c25", "d2", "late", &f->err));
	REFUSED(DTI_EPERM, "owner", dti_cycle_publish(f->s, "c25", 0, &f->err));
	as(f, "olga");
	OK(dti_submission_exclude(f->s, "c25", "d2", "figures not verifiable",
	                          &f->err));

	/* The status is data: the cycle and each unit's submission. */
	struct dti_cycle_status *cs = NULL;
	OK(dti_cycle_status(f->s, "c25", &cs, &f->err));
	assert_string_equal(cs->cycle.label, "c25");
	assert_int_equal(cs->cycle.state, DTI_CYCLE_CLOSED);
	assert_int_equal(cs->cycle.count[DTI_SUB_APPROVED], 1);
	assert_int_equal(cs->cycle.count[DTI_SUB_EXCLUDED], 1);
	assert_int_equal(cs->n, 2);
	assert_string_equal(cs->units[0].unit, "d1");
	assert_string_equal(cs->units[0].name, "Quận Một");
	assert_int_equal(cs->units[0].state, DTI_SUB_APPROVED);
	assert_int_equal(cs->units[0].figures, 2);
	assert_int_equal(cs->units[0].evidence, 0);
	assert_string_equal(cs->units[0].exclude_reason, "");
	assert_string_equal(cs->units[0].updated_by, "rita");
	assert_string_equal(cs->units[1].unit, "d2");
	assert_int_equal(cs->units[1].state, DTI_SUB_EXCLUDED);
	assert_string_equal(cs->units[1].exclude_reason,
	                    "figures not verifiable");
	assert_string_equal(cs->units[1].submitted_at, "2025-06-01T08:00:00Z");
	assert_string_equal(cs->units[1].return_comment, "");
	dti_cycle_status_free(cs);
	cs = NULL;
	REFUSED(DTI_ENOTFOUND, "no cycle 'c99'",
	        dti_cycle_status(f->s, "c99", &cs, &f->err));
	assert_null(cs);
	/* cycles by year, then label */
	struct dti_cycle_new c24 = {"c24", 2024, "wf-test", NULL,
	                            NULL,  NULL, NULL,      NULL};
	OK(dti_cycle_create(f->s, &c24, &f->err));
	struct dti_cycle_list *cl = NULL;
	OK(dti_cycle_list(f->s, &cl, &f->err));
	assert_int_equal(cl->n, 2);
	assert_string_equal(cl->cycles[0].label, "c24");
	assert_int_equal(cl->cycles[0].state, DTI_CYCLE_DRAFT);
	assert_string_equal(cl->cycles[0].ref_date, "2024-12-31");
	assert_string_equal(cl->cycles[1].label, "c25");
	assert_string_equal(cl->cycles[1].framework_id, "wf-test");
	assert_int_equal(cl->cycles[1].count[DTI_SUB_EXCLUDED], 1);
	dti_cycle_list_free(cl);

	struct dti_cycle_info ci;
	OK(dti_cycle_get(f->s, "c25", &ci, &f->err));
	REFUSED(DTI_ECONFLICT, "changed since",
	        dti_cycle_publish(f->s, "c25", ci.version - 1, &f->err));
	OK(dti_cycle_publish(f->s, "c25", ci.version, &f->err));
	struct dti_buf b = DTI_BUF_INIT;
	OK(dti_cycle_results(f->s, "c25", 0, &b, &f->err));
	assert_non_null(strstr(b.data, "\"d1\""));
	assert_null(strstr(b.data, "\"d2\""));
	dti_buf_release(&b);
	/* the snapshot's head is the chain's head at publication */
	struct dti_audit_report rep;
	OK(dti_audit_verify(f->s, &rep, &f->err));
	assert_int_equal(rep.bad_seq, 0);
}

static void test_duplicates_and_units(void **state)
{
	struct fx *f = *state;
	as(f, "olga");
	struct dti_cycle_new c = {"c25", 2025, "wf-test", NULL,
	                          NULL,  NULL, NULL,      NULL};
	REFUSED(DTI_EEXIST, "already exists",
	        dti_cycle_create(f->s, &c, &f->err));
	c.label = "bad label";
	REFUSED(DTI_EINVALID, "cycle label",
	        dti_cycle_create(f->s, &c, &f->err));
	c.label = "c26";
	c.framework = "nope";
	REFUSED(DTI_ENOTFOUND, "no stored framework",
	        dti_cycle_create(f->s, &c, &f->err));
	c.framework = "wf-test";
	c.submit_deadline = "2026-13-40";
	REFUSED(DTI_ESYNTAX, "not a date", dti_cycle_create(f->s, &c, &f->err));
	OK(dti_cycle_transition(f->s, "c25", DTI_CYCLE_OPEN, 0, &f->err));
	REFUSED(DTI_EEXIST, "already has a submission",
	        dti_submission_create(f->s, "c25", "d1", &f->err));
	/* d3 ended in 2024 but the owner may still add it explicitly */
	OK(dti_submission_create(f->s, "c25", "d3", &f->err));
	REFUSED(DTI_ENOTFOUND, "unknown unit 'zz'",
	        dti_submission_create(f->s, "c25", "zz", &f->err));
	/* a framework used by a cycle cannot change under the same version */
	char sha[65];
	char changed[sizeof fw_text + 16];
	const char *p = strstr(fw_text, "Computers");
	snprintf(changed, sizeof changed, "%.*sWork computers%s",
	         (int)(p - fw_text), fw_text, p + strlen("Computers"));
	REFUSED(DTI_ESTATE, "new version",
	        dti_store_framework_add(f->s, changed, strlen(changed),
	                                "wf2.csv", sha, &f->err));
	/* the same text again is a no-op */
	long long ev = events(f);
	OK(dti_store_framework_add(f->s, fw_text, strlen(fw_text), "wf.csv",
	                           sha, &f->err));
	assert_int_equal(events(f), ev);
	struct dti_framework *fw;
	OK(dti_store_framework(f->s, "wf-test@1", &fw, &f->err));
	dti_framework_free(fw);
	OK(dti_store_framework(f->s, sha, &fw, &f->err));
	dti_framework_free(fw);
	struct dti_store_framework_list *fl = NULL;
	OK(dti_store_framework_list(f->s, &fl, &f->err));
	assert_int_equal(fl->n, 1);
	assert_string_equal(fl->frameworks[0].id, "wf-test");
	assert_string_equal(fl->frameworks[0].version, "1");
	assert_string_equal(fl->frameworks[0].sha256, sha);
	assert_int_equal(fl->frameworks[0].year, 2025);
	assert_string_equal(fl->frameworks[0].level, "district");
	assert_string_equal(fl->frameworks[0].name, "wf.csv");
	assert_string_equal(fl->frameworks[0].added_by, "olga");
	assert_int_equal(fl->frameworks[0].cycles, 1);
	dti_store_framework_list_free(fl);

	/* re-importing unchanged units changes nothing; a rename updates */
	struct dti_units *u = NULL;
	OK(dti_units_parse(units_text, strlen(units_text), "u.csv", &u,
	                   &f->err));
	size_t added = 9, updated = 9;
	OK(dti_store_units_import(f->s, u, "district", &added, &updated,
	                          &f->err));
	assert_int_equal(added, 0);
	assert_int_equal(updated, 0);
	dti_units_free(u);
	struct dti_units *back;
	OK(dti_store_units(f->s, &back, &f->err));
	size_t i;
	OK(dti_units_find(back, "Quận Hai", NULL, &i, &f->err));
	struct dti_unit_info ui;
	dti_units_get(back, i, &ui);
	assert_string_equal(ui.id, "d2");
	assert_string_equal(ui.group, "G1");
	dti_units_free(back);
}

static void test_evidence(void **state)
{
	struct fx *f = *state;
	as(f, "olga");
	OK(dti_cycle_transition(f->s, "c25", DTI_CYCLE_OPEN, 0, &f->err));
	as(f, "ed1");
	static const unsigned char png[] = {0x89, 'P',  'N',  'G', '\r',
	                                    '\n', 0x1a, '\n', 0,   0xff};
	struct dti_evidence_new ev = {0};
	ev.data = png;
	ev.size = sizeof png;
	ev.filename = "plan.pdf";
	REFUSED(DTI_EINVALID, "PNG image, which does not match",
	        dti_evidence_add(f->s, "c25", "d1", &ev, NULL, &f->err));
	ev.filename = "plan.png";
	ev.max_size = 4;
	REFUSED(DTI_ELIMIT, "more than the limit",
	        dti_evidence_add(f->s, "c25", "d1", &ev, NULL, &f->err));
	ev.max_size = 0;
	static const unsigned char exe[] = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0};
	struct dti_evidence_new bin = {0};
	bin.data = exe;
	bin.size = sizeof exe;
	bin.filename = "report.txt";
	REFUSED(DTI_EINVALID, "not accepted",
	        dti_evidence_add(f->s, "c25", "d1", &bin, NULL, &f->err));
	struct dti_evidence_new none = {0};
	REFUSED(DTI_EINVALID, "at least",
	        dti_evidence_add(f->s, "c25", "d1", &none, NULL, &f->err));
	none.link = "ftp://x";
	REFUSED(DTI_EINVALID, "http",
	        dti_evidence_add(f->s, "c25", "d1", &none, NULL, &f->err));
	ev.indicator = "nope";
	REFUSED(DTI_ENOTFOUND, "no indicator",
	        dti_evidence_add(f->s, "c25", "d1", &ev, NULL, &f->err));
	ev.indicator = "plan";
	as(f, "ed2");
	REFUSED(DTI_EPERM, "editor",
	        dti_evidence_add(f->s, "c25", "d1", &ev, NULL, &f->err));
	as(f, "ed1");
	int64_t a = 0, b = 0;
	OK(dti_evidence_add(f->s, "c25", "d1", &ev, &a, &f->err));
	OK(dti_evidence_add(f->s, "c25", "d1", &ev, &b, &f->err));
	assert_true(b == a + 1);
	struct dti_store_status ss;
	OK(dti_store_status(f->s, &ss, &f->err));
	assert_int_equal(ss.blobs, 1); /* stored once by SHA-256 */
	assert_int_equal(ss.evidence, 2);
	struct dti_buf data = DTI_BUF_INIT;
	char mt[64], fn[256];
	OK(dti_evidence_get(f->s, a, &data, mt, fn, &f->err));
	assert_int_equal(data.len, sizeof png);
	assert_memory_equal(data.data, png, sizeof png);
	assert_string_equal(mt, "image/png");
	assert_string_equal(fn, "plan.png");
	dti_buf_release(&data);
	as(f, "ed2");
	REFUSED(DTI_EPERM, "read evidence",
	        dti_evidence_get(f->s, a, &data, mt, fn, &f->err));
	as(f, "ed1");
	OK(dti_evidence_remove(f->s, a, &f->err));
	OK(dti_evidence_remove(f->s, b, &f->err));
	OK(dti_store_status(f->s, &ss, &f->err));
	assert_int_equal(ss.blobs, 0);
	REFUSED(DTI_ENOTFOUND, "no evidence",
	        dti_evidence_get(f->s, a, &data, mt, fn, &f->err));
}

/* ---- unit names ---------------------------------------------------------- */

/*
 * Units that share a name: Hòa Bình, merged on 2025-07-01 (m1 until
 * 2025-06-30, then m2), and two communes called Tân Lập at once.
 */
static const char more_units[] =
    "id,code,name_vi,name_ascii,aliases,group,valid_from,valid_to,"
    "successors\n"
    "m1,M1,Phường Hòa Bình,Phuong Hoa Binh,P. Hòa Bình;Hòa Bình,G1,,"
    "2025-06-30,m2\n"
    "m2,M2,Phường Hòa Bình,Phuong Hoa Binh,P. Hòa Bình;Hòa Bình,G1,"
    "2025-07-01,,\n"
    "x1,X1,Xã Tân Lập,Xa Tan Lap,Tân Lập,G1,,,\n"
    "x2,X2,Xã Tân Lập,Xa Tan Lap,Tân Lập,G2,,,\n";

static void add_more_units(struct fx *f)
{
	struct dti_units *u = NULL;
	OK(dti_units_parse(more_units, strlen(more_units), "more.csv", &u,
	                   &f->err));
	as(f, "olga");
	OK(dti_store_units_import(f->s, u, "district", NULL, NULL, &f->err));
	dti_units_free(u);
}

/* The id dti_store_unit_find gives `text` (cycle, date as there). */
static const char *unit_id(struct fx *f, const char *text, const char *cycle,
                           const char *date, char id[64])
{
	struct dti_unit_ref ref;
	OK(dti_store_unit_find(f->s, text, cycle, date, &ref, &f->err));
	snprintf(id, 64, "%s", ref.id);
	return id;
}

static void test_unit_names(void **state)
{
	struct fx *f = *state;
	add_more_units(f);
	char id[64];
	/* an id, a code, a name, its ASCII spelling, an alias */
	assert_string_equal(unit_id(f, "d1", NULL, NULL, id), "d1");
	assert_string_equal(unit_id(f, "D2", NULL, NULL, id), "d2");
	assert_string_equal(unit_id(f, "Quận Một", NULL, NULL, id), "d1");
	assert_string_equal(unit_id(f, "quan mot", NULL, NULL, id), "d1");
	assert_string_equal(unit_id(f, "P. Hòa Bình", NULL, "2025-07-01", id),
	                    "m2");
	/* a name shared across the merger: the day decides */
	assert_string_equal(
	    unit_id(f, "Phường Hòa Bình", NULL, "2025-06-30", id), "m1");
	assert_string_equal(
	    unit_id(f, "Phường Hòa Bình", NULL, "2025-07-01", id), "m2");
	/* no day given: today by the store's clock (2025-06-01) */
	struct dti_unit_ref ref;
	OK(dti_store_unit_find(f->s, "phuong hoa binh", NULL, NULL, &ref,
	                       &f->err));
	assert_string_equal(ref.id, "m1");
	assert_string_equal(ref.date, "2025-06-01");
	assert_string_equal(ref.name_vi, "Phường Hòa Bình");
	assert_string_equal(ref.code, "M1");
	assert_string_equal(ref.valid_to, "2025-06-30");
	/* a cycle: its reference date (c25: 2025-12-31), whatever the date */
	OK(dti_store_unit_find(f->s, "Phường Hòa Bình", "c25", "2024-01-01",
	                       &ref, &f->err));
	assert_string_equal(ref.id, "m2");
	assert_string_equal(ref.date, "2025-12-31");
	/* an exact id holds on any day */
	assert_string_equal(unit_id(f, "d3", "c25", NULL, id), "d3");
	assert_string_equal(unit_id(f, "m1", NULL, "2026-01-01", id), "m1");

	/* refusals */
	REFUSED(
	    DTI_EAMBIGUOUS, "x1",
	    dti_store_unit_find(f->s, "Xã Tân Lập", NULL, NULL, &ref, &f->err));
	REFUSED(DTI_EAMBIGUOUS, "x2",
	        dti_store_unit_find(f->s, "xa tan lap", "c25", NULL, &ref,
	                            &f->err));
	REFUSED(
	    DTI_ENOTFOUND, "unknown unit 'Atlantis'",
	    dti_store_unit_find(f->s, "Atlantis", NULL, NULL, &ref, &f->err));
	REFUSED(
	    DTI_ENOTFOUND, "until 2024-12-31",
	    dti_store_unit_find(f->s, "Quận Ba", "c25", NULL, &ref, &f->err));
	REFUSED(DTI_ENOTFOUND, "no cycle 'c99'",
	        dti_store_unit_find(f->s, "d1", "c99", NULL, &ref, &f->err));
	REFUSED(
	    DTI_ESYNTAX, "not a date",
	    dti_store_unit_find(f->s, "d1", NULL, "2025/07/01", &ref, &f->err));
	REFUSED(DTI_ENOTFOUND, "unit",
	        dti_store_unit_find(f->s, "", NULL, NULL, &ref, &f->err));

	/* roles: a name read today, or on the day given */
	as(f, "root");
	OK(dti_user_role(f->s, "nobody", DTI_ROLE_EDITOR, "Phường Hòa Bình", 1,
	                 &f->err));
	OK(dti_user_role_on(f->s, "nobody", DTI_ROLE_EDITOR, "Hoa Binh",
	                    "2025-07-01", 1, &f->err));
	REFUSED(DTI_EEXIST, "already has the editor role for m2",
	        dti_user_role_on(f->s, "nobody", DTI_ROLE_EDITOR, "P. Hòa Bình",
	                         "2026-01-01", 1, &f->err));
	REFUSED(DTI_EAMBIGUOUS, "Tân Lập",
	        dti_user_role(f->s, "nobody", DTI_ROLE_EDITOR, "Tân Lập", 1,
	                      &f->err));
	struct dti_user_list *l = NULL;
	OK(dti_user_list(f->s, &l, &f->err));
	const struct dti_user_entry *nobody = &l->users[2];
	assert_string_equal(nobody->name, "nobody");
	assert_int_equal(nobody->nroles, 2);
	assert_string_equal(nobody->roles[0].unit, "m1");
	assert_string_equal(nobody->roles[1].unit, "m2");
	dti_user_list_free(l);
	OK(dti_user_role(f->s, "nobody", DTI_ROLE_EDITOR, "m1", 0, &f->err));

	/* the workflow's calls read names in the cycle */
	as(f, "olga");
	OK(dti_cycle_transition(f->s, "c25", DTI_CYCLE_OPEN, 0, &f->err));
	as(f, "nobody");
	edit1(f, "Phường Hòa Bình", "pc", 0.25);
	struct dti_submission_view *v = NULL;
	OK(dti_submission_view(f->s, "c25", "phuong hoa binh", &v, &f->err));
	assert_string_equal(v->unit, "m2");
	assert_int_equal(v->nfigures, 1);
	dti_submission_view_free(v);
	struct dti_evidence_new ev = {0};
	ev.title = "Biên bản";
	OK(dti_evidence_add(f->s, "c25", "P. Hòa Bình", &ev, NULL, &f->err));
	OK(dti_submission_submit(f->s, "c25", "Hòa Bình", 0, &f->err));
	struct dti_figure_edit e = DTI_FIGURE_EDIT_INIT("pc");
	e.value = 0.5;
	REFUSED(DTI_EAMBIGUOUS, "use the id",
	        dti_submission_edit(f->s, "c25", "Tân Lập", &e, 1, 0, &f->err));
	as(f, "olga");
	REFUSED(DTI_ENOTFOUND, "Quận Ba",
	        dti_submission_create(f->s, "c25", "Quận Ba", &f->err));
	OK(dti_submission_exclude(f->s, "c25", "x1", "merged into x2",
	                          &f->err));
	OK(dti_cycle_transition(f->s, "c25", DTI_CYCLE_REVIEW, 0, &f->err));
	as(f, "rita");
	OK(dti_review_adjust(f->s, "c25", "Phuong Hoa Binh", "panel", 10,
	                     "panel score", 0, &f->err));
	OK(dti_review_approve(f->s, "c25", "Hòa Bình", 0, &f->err));
	struct dti_submission_info si;
	OK(dti_submission_get(f->s, "c25", "P. Hòa Bình", &si, &f->err));
	assert_string_equal(si.unit, "m2");
	assert_int_equal(si.state, DTI_SUB_APPROVED);

	/* the audit log: by name, as on a date or in a cycle */
	as(f, "vic");
	struct dti_audit_filter flt = DTI_AUDIT_FILTER_INIT;
	struct events_seen seen = {0, 0, DTI_BUF_INIT, 0};
	flt.unit = "Phường Hòa Bình";
	OK(dti_audit_log(f->s, &flt, collect, &seen, &f->err));
	/* today (2025-06-01): m1, added, granted and revoked */
	assert_int_equal(seen.n, 3);
	assert_non_null(strstr(seen.text.data, "unit.add m1"));
	assert_non_null(strstr(seen.text.data, "user.revoke m1"));
	assert_null(strstr(seen.text.data, "unit.add m2"));
	dti_buf_reset(&seen.text);
	seen.n = 0;
	seen.last_seq = 0;
	flt.date = "2025-07-01";
	OK(dti_audit_log(f->s, &flt, collect, &seen, &f->err));
	assert_non_null(strstr(seen.text.data, "unit.add m2"));
	assert_non_null(strstr(seen.text.data, "review.approve m2"));
	assert_null(strstr(seen.text.data, "unit.add m1"));
	size_t all_m2 = seen.n;
	dti_buf_reset(&seen.text);
	seen.n = 0;
	seen.last_seq = 0;
	flt.date = NULL;
	flt.cycle = "c25"; /* read as on 2025-12-31: m2, in the cycle */
	OK(dti_audit_log(f->s, &flt, collect, &seen, &f->err));
	assert_true(seen.n > 0 && seen.n < all_m2);
	assert_null(strstr(seen.text.data, "unit.add"));
	assert_non_null(strstr(seen.text.data, "submission.edit m2"));
	dti_buf_release(&seen.text);
	flt.unit = "Tân Lập";
	REFUSED(DTI_EAMBIGUOUS, "Tân Lập",
	        dti_audit_log(f->s, &flt, collect, &seen, &f->err));
}

/* ---- audit -------------------------------------------------------------- */

static void tamper(struct fx *f, const char *sql)
{
	struct db *db = NULL;
	OK(db_open(f->ts.location, &db, &f->err));
	OK(db_exec(db, sql, &f->err));
	db_close(db);
}

static void expect_broken(struct fx *f, long long seq, const char *needle)
{
	struct dti_audit_report rep;
	assert_int_equal(dti_audit_verify(f->s, &rep, &f->err), DTI_EINVALID);
	if (rep.bad_seq != seq || !strstr(rep.problem, needle))
		fail_msg("expected event %lld '%s', got %lld '%s'", seq, needle,
		         (long long)rep.bad_seq, rep.problem);
	dti_error_release(&f->err);
}

/* tamper() that must be refused by the database with the status want. */
static void refused_sql(struct fx *f, const char *sql, enum dti_status want)
{
	struct db *db = NULL;
	OK(db_open(f->ts.location, &db, &f->err));
	assert_int_equal(db_exec(db, sql, &f->err), want);
	dti_error_release(&f->err);
	db_close(db);
}

/*
 * A figure belongs to a submission on both backends: SQLite by its
 * declared key, PostgreSQL by the per-statement check of migration 5
 * (inserts of one row and of many, by COPY as a bulk import writes them,
 * updates, and deletion of a submission that has figures).
 */
static void test_figures_link(void **state)
{
	struct fx *f = *state;
	open_and_submit(f);
	refused_sql(f,
	            "INSERT INTO figures (submission_id, indicator, value, "
	            "updated_at, updated_by) VALUES (999, 'pc', 0.5, "
	            "'2025-01-01T00:00:00Z', 'x')",
	            DTI_EINVALID);
	refused_sql(f,
	            "UPDATE figures SET submission_id = 999 WHERE "
	            "submission_id = (SELECT id FROM submissions WHERE "
	            "unit_id = 'd1')",
	            DTI_EINVALID);
	refused_sql(f, "DELETE FROM submissions WHERE unit_id = 'd1'",
	            DTI_EINVALID);
	refused_sql(f, "UPDATE submissions SET id = 999 WHERE unit_id = 'd1'",
	            DTI_EINVALID);
	struct db *db = NULL;
	OK(db_open(f->ts.location, &db, &f->err));
	OK(db_begin_write(db, &f->err));
	int64_t sub = 0;
	int found = 0;
	OK(db_query_int(db, &f->err, &sub, &found,
	                "SELECT MIN(id) FROM submissions", ""));
	assert_true(found && sub > 0);
	static const char *const cols[] = {"submission_id", "indicator",
	                                   "value", "updated_at", "updated_by"};
	struct db_stmt *b = NULL;
	OK(db_prepare_bulk(db, DB_BULK_INSERT, "figures", cols, 5, 2, &b,
	                   &f->err));
	enum dti_status st = DTI_OK;
	for (int i = 0; i < 40 && st == DTI_OK; i++) {
		char ind[16];
		snprintf(ind, sizeof ind, "x%d", i);
		db_reset(b);
		db_bind_int(b, 1, i == 39 ? 999 : sub);
		db_bind_text(b, 2, ind);
		db_bind_double(b, 3, 0.5);
		db_bind_text(b, 4, "2025-01-01T00:00:00Z");
		db_bind_text(b, 5, "x");
		int row;
		st = db_step(b, &row, &f->err);
	}
	if (st == DTI_OK)
		st = db_bulk_flush(b, &f->err);
	assert_int_equal(st, DTI_EINVALID);
	dti_error_release(&f->err);
	db_finalize(b);
	db_rollback(db);
	db_close(db);
	struct dti_audit_report rep;
	OK(dti_audit_verify(f->s, &rep, &f->err));
}

static void test_audit_chain(void **state)
{
	struct fx *f = *state;
	open_and_submit(f);
	struct dti_audit_report rep;
	OK(dti_audit_verify(f->s, &rep, &f->err));
	long long n = rep.events;
	assert_true(n > 20);

	/* filters */
	struct dti_audit_filter flt = DTI_AUDIT_FILTER_INIT;
	flt.unit = "d2";
	flt.user = "ed2";
	struct events_seen seen = {0, 0, DTI_BUF_INIT, 0};
	as(f, "vic");
	OK(dti_audit_log(f->s, &flt, collect, &seen, &f->err));
	assert_int_equal(seen.n, 3); /* two edits and the submission */
	assert_non_null(strstr(seen.text.data, "submission.submit d2"));
	assert_null(strstr(seen.text.data, "d1"));
	dti_buf_reset(&seen.text);
	seen.n = 0;
	seen.last_seq = 0;
	flt.user = NULL;
	flt.unit = NULL;
	flt.cycle = "c25";
	flt.action = "cycle.review";
	OK(dti_audit_log(f->s, &flt, collect, &seen, &f->err));
	assert_int_equal(seen.n, 1);
	assert_non_null(strstr(seen.text.data,
	                       "cycle c25 {\"state\":\"open\",\"version\":2}"));
	/* the callback stops the log with its own status; --after, --limit */
	dti_buf_reset(&seen.text);
	struct dti_audit_filter all = DTI_AUDIT_FILTER_INIT;
	struct events_seen two = {0, 0, DTI_BUF_INIT, 2};
	assert_int_equal(dti_audit_log(f->s, &all, collect, &two, &f->err),
	                 DTI_ECONFLICT);
	assert_int_equal(two.n, 2);
	two.stop_after = 0;
	two.n = 0;
	all.after = 10;
	all.limit = 4;
	OK(dti_audit_log(f->s, &all, collect, &two, &f->err));
	assert_int_equal(two.n, 4);
	assert_int_equal(two.last_seq, 14);
	dti_buf_release(&two.text);
	dti_buf_release(&seen.text);
	as(f, "nobody");
	REFUSED(DTI_EPERM, "read the audit log",
	        dti_audit_log(f->s, NULL, collect, &seen, &f->err));

	/* an edited event is named */
	tamper(f, "UPDATE audit SET actor = 'mallory' WHERE seq = 5");
	expect_broken(f, 5, "edited");
	tamper(f, "UPDATE audit SET actor = 'root' WHERE seq = 5");
	OK(dti_audit_verify(f->s, &rep, &f->err));
	/* two events swapped */
	tamper(f, "UPDATE audit SET seq = -1 WHERE seq = 10;"
	          "UPDATE audit SET seq = 10 WHERE seq = 11;"
	          "UPDATE audit SET seq = 11 WHERE seq = -1");
	expect_broken(f, 10, "");
	tamper(f, "UPDATE audit SET seq = -1 WHERE seq = 10;"
	          "UPDATE audit SET seq = 10 WHERE seq = 11;"
	          "UPDATE audit SET seq = 11 WHERE seq = -1");
	OK(dti_audit_verify(f->s, &rep, &f->err));
	/* the last event deleted: the head notices */
	char sql[160];
	snprintf(sql, sizeof sql,
	         "CREATE TABLE keep AS SELECT * FROM audit WHERE seq = %lld;"
	         "DELETE FROM audit WHERE seq = %lld",
	         n, n);
	tamper(f, sql);
	expect_broken(f, n, "deleted");
	tamper(f, "INSERT INTO audit SELECT * FROM keep; DROP TABLE keep");
	OK(dti_audit_verify(f->s, &rep, &f->err));
	/* a deleted event: the gap is named */
	tamper(f, "DELETE FROM audit WHERE seq = 7");
	expect_broken(f, 8, "missing");
	/* ... and with the later ones renumbered, the broken link */
	for (long long k = 8; k <= n; k++) {
		snprintf(sql, sizeof sql,
		         "UPDATE audit SET seq = %lld WHERE seq = %lld", k - 1,
		         k);
		tamper(f, sql);
	}
	expect_broken(f, 7, "does not follow");
}

/*
 * The panel's points (rule reviewer) are the reviewer's: an editor may
 * comment on the indicator but not set or clear it; the owner may.
 */
static void test_reviewer_only(void **state)
{
	struct fx *f = *state;
	as(f, "olga");
	OK(dti_cycle_transition(f->s, "c25", DTI_CYCLE_OPEN, 0, &f->err));
	as(f, "ed1");
	struct dti_figure_edit e = DTI_FIGURE_EDIT_INIT("panel");
	e.value = 15;
	REFUSED(DTI_EPERM, "dti review adjust",
	        dti_submission_edit(f->s, "c25", "d1", &e, 1, 0, &f->err));
	struct dti_figure_edit p = DTI_FIGURE_EDIT_INIT("panel");
	p.self_points = 15;
	REFUSED(DTI_EPERM, "panel",
	        dti_submission_edit(f->s, "c25", "d1", &p, 1, 0, &f->err));
	struct dti_figure_edit c = DTI_FIGURE_EDIT_INIT("panel");
	c.comment = "see the minutes";
	OK(dti_submission_edit(f->s, "c25", "d1", &c, 1, 0, &f->err));
	as(f, "olga");
	OK(dti_submission_edit(f->s, "c25", "d1", &e, 1, 0, &f->err));
	as(f, "ed1");
	struct dti_figure_edit x = DTI_FIGURE_EDIT_INIT("panel");
	x.clear = 1;
	REFUSED(DTI_EPERM, "panel",
	        dti_submission_edit(f->s, "c25", "d1", &x, 1, 0, &f->err));
}

/* ---- the clock ----------------------------------------------------------- */

static enum dti_status last_at(void *ctx, const struct dti_audit_event *ev)
{
	snprintf(ctx, 21, "%s", ev->at);
	return DTI_OK;
}

/* The time of the last audit event. */
static void last_event_at(struct fx *f, char at[21])
{
	const char *was = dti_store_actor(f->s);
	char actor[64];
	snprintf(actor, sizeof actor, "%s", was ? was : "");
	as(f, "root");
	at[0] = '\0';
	OK(dti_audit_log(f->s, NULL, last_at, at, &f->err));
	as(f, actor[0] ? actor : NULL);
}

/*
 * The public clock is honoured only where an admin allowed fixed times:
 * refused (DTI_ESTATE, naming how to allow it) before, honoured after,
 * and the change is an audit event.
 */
static void test_clock_setting(void **state)
{
	struct fx *f = *state;
	struct dti_store *other;
	OK(dti_store_open(f->ts.location, &other, &f->err));
	OK(dti_store_set_actor(other, "root", &f->err));
	int fixed = 1;
	OK(dti_store_clock_fixed(other, &fixed, &f->err));
	assert_int_equal(fixed, 0);
	assert_int_equal(dti_store_set_clock(other, "2025-07-01T00:00:00Z"),
	                 DTI_ESTATE);
	REFUSED(DTI_ESTATE, "allow-dti-now",
	        dti_store_fix_clock(other, "2025-07-01T00:00:00Z", &f->err));
	/* impossible times, whatever the setting */
	REFUSED(DTI_ESYNTAX, "2023-02-29T00:00:00Z",
	        dti_store_fix_clock(other, "2023-02-29T00:00:00Z", &f->err));
	REFUSED(DTI_ESYNTAX, "clock",
	        dti_store_fix_clock(other, "2025-07-01T24:00:00Z", &f->err));

	as(f, "olga");
	REFUSED(DTI_EPERM, "clock",
	        dti_store_allow_fixed_clock(f->s, 1, NULL, &f->err));
	as(f, "root");
	long long ev = events(f);
	int changed = 0;
	OK(dti_store_allow_fixed_clock(f->s, 1, &changed, &f->err));
	assert_int_equal(changed, 1);
	assert_int_equal(events(f), ev + 1);
	OK(dti_store_allow_fixed_clock(f->s, 1, &changed, &f->err));
	assert_int_equal(changed, 0);
	assert_int_equal(events(f), ev + 1);

	OK(dti_store_fix_clock(other, "2025-07-01T00:00:00Z", &f->err));
	OK(dti_store_clock_fixed(other, &fixed, &f->err));
	assert_int_equal(fixed, 1);
	OK(dti_user_add(other, "bea", NULL, NULL, &f->err));
	char at[21];
	last_event_at(f, at);
	assert_string_equal(at, "2025-07-01T00:00:00Z");

	/* forbidden again: the next transaction of `other` is refused */
	OK(dti_store_allow_fixed_clock(f->s, 0, &changed, &f->err));
	REFUSED(DTI_ESTATE, "allow-dti-now",
	        dti_user_add(other, "cy", NULL, NULL, &f->err));
	dti_store_close(other);

	struct events_seen seen = {0};
	OK(dti_audit_log(f->s, NULL, collect, &seen, &f->err));
	assert_non_null(strstr(seen.text.data,
	                       "store.setting  clock {\"clock\":\"system\"} "
	                       "{\"clock\":\"fixed\"}"));
	assert_non_null(strstr(seen.text.data,
	                       "store.setting  clock {\"clock\":\"fixed\"} "
	                       "{\"clock\":\"system\"}"));
	dti_buf_release(&seen.text);
}

/*
 * Time never goes backwards: after an event at 2025-10-01, a clock set
 * back to 2025-06-01 stamps new events 2025-10-01, and the deadline
 * (2025-09-30) stays passed for editors.
 */
static void test_clock_forward(void **state)
{
	struct fx *f = *state;
	as(f, "olga");
	OK(dti_cycle_transition(f->s, "c25", DTI_CYCLE_OPEN, 0, &f->err));
	struct dti_figure_edit e = DTI_FIGURE_EDIT_INIT("pc");
	e.value = 0.5;
	OK(store_test_clock(f->s, "2025-10-01T00:00:01Z"));
	/* the owner may edit after the deadline */
	OK(dti_submission_edit(f->s, "c25", "d1", &e, 1, 0, &f->err));
	char at[21];
	last_event_at(f, at);
	assert_string_equal(at, "2025-10-01T00:00:01Z");

	OK(store_test_clock(f->s, "2025-06-01T08:00:00Z"));
	as(f, "ed1");
	REFUSED(DTI_ESTATE, "deadline",
	        dti_submission_edit(f->s, "c25", "d1", &e, 1, 0, &f->err));
	as(f, "olga");
	e.value = 0.6;
	OK(dti_submission_edit(f->s, "c25", "d1", &e, 1, 0, &f->err));
	last_event_at(f, at);
	assert_string_equal(at, "2025-10-01T00:00:01Z");
	struct dti_submission_info si;
	OK(dti_submission_get(f->s, "c25", "d1", &si, &f->err));
	assert_true(strcmp(si.updated_at, "2025-10-01T00:00:01Z") >= 0);
}

/* ---- bulk import ------------------------------------------------------- */

#define BULK_LEAVES 40
#define BULK_UNITS  30

/* The note of a figure: the characters COPY escapes among others. */
static const char *bulk_note(size_t u, size_t k, int pass)
{
	static const char *const notes[] = {NULL,
	                                    "tab\there",
	                                    "two\nlines",
	                                    "cr\r\nlf",
	                                    "back\\slash",
	                                    "\\N",
	                                    "Đà Nẵng – số liệu 2025",
	                                    "\\.",
	                                    "\t\\\n",
	                                    "ô ư ơ đ Ư Ơ Đ"};
	return notes[(u * 7 + k + (pass ? 1u : 0u)) % 10]; /* 2 as 1 */
}

static double bulk_value(size_t u, size_t k, int pass)
{
	/* pass 1 changes every other figure, pass 2 none more */
	int p = pass == 0 ? 0 : (int)((u + k) % 2);
	return (double)((u * 131 + k * 17 + (size_t)p * 7) % 1000) / 999.0;
}

/* A dataset of every leaf of the bulk units (and d1, d2), one cycle. */
static struct dti_dataset *bulk_dataset(const struct dti_framework *fw,
                                        int pass)
{
	struct dti_dataset *ds = NULL;
	assert_int_equal(dti_dataset_new(fw, NULL, &ds), DTI_OK);
	size_t ci;
	assert_int_equal(dti_dataset_add_cycle(ds, "2025", &ci), DTI_OK);
	for (size_t u = 0; u < BULK_UNITS + 2; u++) {
		char id[8];
		if (u < BULK_UNITS)
			snprintf(id, sizeof id, "b%02zu", u + 1);
		else
			snprintf(id, sizeof id, "d%zu", u - BULK_UNITS + 1);
		size_t ui;
		assert_int_equal(dti_dataset_add_unit(ds, id, id, -1, &ui),
		                 DTI_OK);
		for (size_t k = 1; k <= BULK_LEAVES; k++) {
			struct dti_error err = DTI_ERROR_INIT;
			assert_int_equal(dti_dataset_set(ds, ci, ui, k,
			                                 bulk_value(u, k, pass),
			                                 &err),
			                 DTI_OK);
			const char *note = bulk_note(u, k, pass);
			if (note)
				assert_int_equal(dti_dataset_set_evidence(
				                     ds, ci, ui, k, NULL, note),
				                 DTI_OK);
		}
	}
	return ds;
}

/* Every stored figure is the dataset's, to the bit, notes as given. */
static void bulk_check(struct fx *f, int pass)
{
	for (size_t u = 0; u < BULK_UNITS + 2; u++) {
		char id[8];
		if (u < BULK_UNITS)
			snprintf(id, sizeof id, "b%02zu", u + 1);
		else
			snprintf(id, sizeof id, "d%zu", u - BULK_UNITS + 1);
		struct dti_submission_view *v = NULL;
		OK(dti_submission_view(f->s, "cb", id, &v, &f->err));
		size_t seen = 0;
		for (size_t i = 0; i < v->nfigures; i++) {
			const struct dti_figure_entry *e = &v->figures[i];
			if (isnan(e->value))
				continue;
			size_t k = (size_t)atoi(e->indicator + 1);
			assert_true(k >= 1 && k <= BULK_LEAVES);
			assert_true(e->value == bulk_value(u, k, pass));
			/* a figure without a note keeps its comment */
			const char *note = NULL;
			for (int p = pass; p >= 0 && !note; p--)
				note = bulk_note(u, k, p);
			assert_string_equal(e->comment, note ? note : "");
			assert_true(isnan(e->points));
			assert_string_equal(e->updated_by, "olga");
			seen++;
		}
		assert_int_equal(seen, BULK_LEAVES);
		dti_submission_view_free(v);
	}
}

/*
 * dti_submission_import writes a cycle's figures together (COPY on
 * PostgreSQL): values to the bit, notes with tabs, line breaks,
 * backslashes and Vietnamese, one audit event and one new version per
 * unit, the chain intact; a second import updates what changed, a third
 * changes nothing.
 */
static void test_import_bulk(void **state)
{
	struct fx *f = *state;
	struct dti_buf b;
	dti_buf_init(&b, 0);
	dti_buf_adds(&b, "# dti-framework: 1\n# id: bulk-test\n# version: 1\n"
	                 "# year: 2025\n# level: district\n# scoring: points\n"
	                 "# scale: 1\n# precision: 4\n# missing: zero\n"
	                 "code,parent,kind,name_en,points,rule\n"
	                 "idx,,index,Index,400,\n");
	for (size_t k = 1; k <= BULK_LEAVES; k++)
		dti_buf_addf(&b, "i%02zu,idx,indicator,I %zu,10,value\n", k, k);
	struct dti_buf ub;
	dti_buf_init(&ub, 0);
	dti_buf_adds(&ub, "id,code,name_vi,name_ascii,group\n");
	for (size_t u = 1; u <= BULK_UNITS; u++)
		dti_buf_addf(&ub, "b%02zu,B%02zu,Huyện %zu,Huyen %zu,G1\n", u,
		             u, u, u);
	as(f, "root");
	struct dti_units *units = NULL;
	OK(dti_units_parse(ub.data, ub.len, "units.csv", &units, &f->err));
	OK(dti_store_units_import(f->s, units, "district", NULL, NULL,
	                          &f->err));
	dti_units_free(units);
	as(f, "olga");
	char sha[65];
	OK(dti_store_framework_add(f->s, b.data, b.len, "bulk.csv", sha,
	                           &f->err));
	struct dti_framework *fw = NULL;
	OK(dti_framework_parse(b.data, b.len, "bulk.csv", &fw, &f->err));
	struct dti_cycle_new c = {"cb", 2025,         "bulk-test", NULL,
	                          NULL, "2025-09-30", NULL,        "bulk"};
	OK(dti_cycle_create(f->s, &c, &f->err));
	OK(dti_cycle_transition(f->s, "cb", DTI_CYCLE_OPEN, 0, &f->err));

	long long ev = events(f);
	for (int pass = 0; pass < 3; pass++) {
		struct dti_dataset *ds = bulk_dataset(fw, pass);
		size_t nu = 0, nf = 0;
		OK(dti_submission_import(f->s, "cb", ds, NULL, &nu, &nf,
		                         &f->err));
		dti_dataset_free(ds);
		assert_int_equal(nu, BULK_UNITS + 2);
		assert_int_equal(nf, (BULK_UNITS + 2) * BULK_LEAVES);
		bulk_check(f, pass);
		/* an event per unit that changed: none on the third pass */
		long long want = pass < 2 ? BULK_UNITS + 2 : 0;
		assert_int_equal(events(f), ev + want);
		ev = events(f);
		struct dti_submission_info si;
		OK(dti_submission_get(f->s, "cb", "b07", &si, &f->err));
		assert_int_equal(si.version, pass < 2 ? pass + 2 : 3);
	}
	struct dti_audit_report rep;
	OK(dti_audit_verify(f->s, &rep, &f->err));
	assert_int_equal(rep.bad_seq, 0);
	assert_int_equal(rep.events, ev);
	dti_framework_free(fw);
	dti_buf_release(&b);
	dti_buf_release(&ub);
}

/* The chain intact, but a table differs from the log: named by table, key. */
static void expect_differs(struct fx *f, const char *table, const char *key,
                           const char *needle)
{
	struct dti_audit_report rep;
	assert_int_equal(dti_audit_verify(f->s, &rep, &f->err), DTI_EINVALID);
	if (rep.bad_seq != 0 || strcmp(rep.table, table) != 0 ||
	    strcmp(rep.key, key) != 0 || !strstr(rep.problem, needle))
		fail_msg("expected %s %s '%s', got %lld %s %s '%s'", table, key,
		         needle, (long long)rep.bad_seq, rep.table, rep.key,
		         rep.problem);
	dti_error_release(&f->err);
}

static void test_audit_state(void **state)
{
	struct fx *f = *state;
	open_and_submit(f);
	as(f, "rita");
	OK(dti_review_approve(f->s, "c25", "d1", 0, &f->err));
	OK(dti_review_approve(f->s, "c25", "d2", 0, &f->err));
	as(f, "olga");
	OK(dti_cycle_transition(f->s, "c25", DTI_CYCLE_CLOSED, 0, &f->err));
	OK(dti_cycle_publish(f->s, "c25", 0, &f->err));
	as(f, "root");
	OK(dti_user_passwd(f->s, "olga", "olga's own", &f->err));
	char token[DTI_TOKEN_MAX];
	OK(dti_user_token(f->s, "vic", "ci", token, &f->err));
	struct dti_audit_report rep;
	OK(dti_audit_verify(f->s, &rep, &f->err));

	/* (a) a figure */
	tamper(f, "UPDATE figures SET value = 0.9 WHERE indicator = 'pc' AND "
	          "submission_id = (SELECT id FROM submissions WHERE unit_id "
	          "= 'd1')");
	expect_differs(f, "figures", "c25/d1/pc",
	               "value: the log says 0.8, the table holds 0.9");
	tamper(f, "UPDATE figures SET value = 0.8 WHERE indicator = 'pc' AND "
	          "submission_id = (SELECT id FROM submissions WHERE unit_id "
	          "= 'd1')");
	OK(dti_audit_verify(f->s, &rep, &f->err));
	/* (b) an editor made admin */
	tamper(f, "UPDATE user_roles SET role = 'admin', unit_id = '' WHERE "
	          "user_id = (SELECT id FROM users WHERE name = 'ed1')");
	expect_differs(f, "user_roles", "ed1/admin", "the log has no such row");
	tamper(f, "UPDATE user_roles SET role = 'editor', unit_id = 'd1' "
	          "WHERE user_id = (SELECT id FROM users WHERE name = 'ed1')");
	/* (c) a submission's state */
	tamper(f, "UPDATE submissions SET state = 'returned' WHERE unit_id = "
	          "'d2'");
	expect_differs(f, "submissions", "c25/d2",
	               "state: the log says 'approved', the table holds "
	               "'returned'");
	tamper(f, "UPDATE submissions SET state = 'approved' WHERE unit_id = "
	          "'d2'");
	/* (d) the published result's body */
	tamper(f, "UPDATE results SET body = body || ' '");
	expect_differs(f, "results", "1", "body: the log says SHA-256");
	tamper(f, "UPDATE results SET body = substr(body, 1, length(body) - "
	          "1)");
	OK(dti_audit_verify(f->s, &rep, &f->err));
	/* (e) a password hash: another's refused, none (exported) accepted */
	tamper(f, "UPDATE users SET password_hash = (SELECT password_hash "
	          "FROM users WHERE name = 'root') WHERE name = 'olga'");
	expect_differs(f, "users", "olga", "password_hash: the log says");
	tamper(f, "UPDATE users SET password_hash = NULL WHERE name = 'olga'");
	OK(dti_audit_verify(f->s, &rep, &f->err));
	/* a token hash: redacted accepted, another refused */
	tamper(f, "UPDATE tokens SET hash = 'redacted:' || CAST(id AS TEXT)");
	OK(dti_audit_verify(f->s, &rep, &f->err));
	tamper(f, "UPDATE tokens SET hash = 'x'");
	expect_differs(f, "tokens", "vic/ci", "hash: the log says");
	tamper(f, "UPDATE tokens SET hash = 'redacted:' || CAST(id AS TEXT)");
	/* (f) a figure deleted */
	tamper(f, "DELETE FROM figures WHERE indicator = 'plan' AND "
	          "submission_id = (SELECT id FROM submissions WHERE unit_id "
	          "= 'd2')");
	expect_differs(f, "figures", "c25/d2/plan",
	               "the log says this row exists, the table holds none");
	tamper(f, "INSERT INTO figures (submission_id, indicator, value, "
	          "updated_at, updated_by) SELECT id, 'plan', 0, 'x', 'x' "
	          "FROM submissions WHERE unit_id = 'd2'");
	OK(dti_audit_verify(f->s, &rep, &f->err));
	/* (g) a role added */
	tamper(f, "INSERT INTO user_roles (user_id, role, unit_id) SELECT id, "
	          "'owner', '' FROM users WHERE name = 'vic'");
	expect_differs(f, "user_roles", "vic/owner", "the log has no such row");
}

/* A checkpoint kept outside the store pins the history up to its event. */
static void test_checkpoint(void **state)
{
	struct fx *f = *state;
	open_and_submit(f);
	as(f, "rita");
	OK(dti_review_approve(f->s, "c25", "d1", 0, &f->err));
	OK(dti_review_approve(f->s, "c25", "d2", 0, &f->err));
	as(f, "olga");
	OK(dti_cycle_transition(f->s, "c25", DTI_CYCLE_CLOSED, 0, &f->err));
	OK(dti_cycle_publish(f->s, "c25", 0, &f->err));
	struct dti_buf cp = DTI_BUF_INIT;
	OK(dti_cycle_checkpoint(f->s, "c25", &cp, &f->err));
	assert_non_null(strstr(cp.data, "{\"format\":\"dti-checkpoint-1\","
	                                "\"cycle\":\"c25\",\"seq\":"));
	long long n = events(f);
	char seq[32];
	snprintf(seq, sizeof seq, "\"seq\":%lld,", n);
	assert_non_null(strstr(cp.data, seq)); /* the publication's event */
	struct dti_audit_report rep;
	OK(dti_audit_verify_checkpoint(f->s, cp.data, cp.len, &rep, &f->err));
	/* the results JSON carries it */
	struct dti_buf res = DTI_BUF_INIT;
	OK(dti_cycle_results(f->s, "c25", 0, &res, &f->err));
	assert_non_null(strstr(res.data, "\"partial\":false,\"checkpoint\":{"));
	dti_buf_release(&res);

	/* a signature byte flipped */
	char *sig = strstr(cp.data, "\"signature\":\"") + 13;
	char was = *sig;
	*sig = was == '0' ? '1' : '0';
	assert_int_equal(
	    dti_audit_verify_checkpoint(f->s, cp.data, cp.len, &rep, &f->err),
	    DTI_EINVALID);
	assert_non_null(strstr(rep.problem, "signature does not verify"));
	dti_error_release(&f->err);
	*sig = was;
	/* the published result changed */
	tamper(f, "UPDATE results SET body = body || ' '");
	assert_int_equal(
	    dti_audit_verify_checkpoint(f->s, cp.data, cp.len, &rep, &f->err),
	    DTI_EINVALID);
	assert_non_null(strstr(rep.problem, "published result of c25"));
	dti_error_release(&f->err);
	tamper(f, "UPDATE results SET body = substr(body, 1, length(body) - "
	          "1)");
	OK(dti_audit_verify_checkpoint(f->s, cp.data, cp.len, &rep, &f->err));
	/* the log cut at the publication, the head set back */
	char sql[200];
	snprintf(sql, sizeof sql,
	         "DELETE FROM audit WHERE seq = %lld; UPDATE audit_head SET "
	         "seq = %lld, hash = (SELECT hash FROM audit WHERE seq = "
	         "%lld)",
	         n, n - 1, n - 1);
	tamper(f, sql);
	assert_int_equal(
	    dti_audit_verify_checkpoint(f->s, cp.data, cp.len, &rep, &f->err),
	    DTI_EINVALID);
	assert_int_equal(rep.bad_seq, n);
	assert_non_null(strstr(rep.problem, "the log was cut"));
	dti_error_release(&f->err);
	dti_buf_release(&cp);
}

static void test_two_handles_conflict(void **state)
{
	struct fx *f = *state;
	as(f, "olga");
	OK(dti_cycle_transition(f->s, "c25", DTI_CYCLE_OPEN, 0, &f->err));
	struct dti_store *other;
	OK(dti_store_open(f->ts.location, &other, &f->err));
	OK(dti_store_set_actor(other, "ed1", &f->err));
	OK(store_test_clock(other, "2025-06-01T08:00:00Z"));
	as(f, "ed1");
	int64_t v = version_of(f, "d1");
	struct dti_figure_edit e = DTI_FIGURE_EDIT_INIT("pc");
	e.value = 0.9;
	OK(dti_submission_edit(other, "c25", "d1", &e, 1, v, &f->err));
	e.value = 0.1;
	as(f, "ed1");
	REFUSED(DTI_ECONFLICT, "reload",
	        dti_submission_edit(f->s, "c25", "d1", &e, 1, v, &f->err));
	struct dti_submission_view *sv = NULL;
	OK(dti_submission_view(f->s, "c25", "d1", &sv, &f->err));
	assert_int_equal(sv->nfigures, 1);
	assert_string_equal(sv->figures[0].indicator, "pc");
	assert_true(sv->figures[0].value == 0.9);
	assert_int_equal(sv->version, v + 1);
	dti_submission_view_free(sv);
	dti_store_close(other);
}

/* The figures of d1 as another connection sees them. */
static size_t figures_seen(struct fx *f, struct dti_store *other)
{
	struct dti_submission_view *sv = NULL;
	OK(dti_submission_view(other, "c25", "d1", &sv, &f->err));
	size_t n = sv->nfigures;
	dti_submission_view_free(sv);
	return n;
}

static void test_group_commit(void **state)
{
	struct fx *f = *state;
	as(f, "olga");
	OK(dti_cycle_transition(f->s, "c25", DTI_CYCLE_OPEN, 0, &f->err));
	struct dti_store *other;
	OK(dti_store_open(f->ts.location, &other, &f->err));
	OK(dti_store_set_actor(other, "root", &f->err));
	long long before = events(f);

	/* no group open: nothing to commit */
	assert_int_equal(dti_store_group_commit(f->s, &f->err), DTI_ESTATE);
	dti_error_release(&f->err);

	OK(dti_store_group_begin(f->s, &f->err));
	assert_int_equal(dti_store_group_begin(f->s, &f->err), DTI_ESTATE);
	dti_error_release(&f->err);
	as(f, "ed1");
	edit1(f, "d1", "pc", 0.8);
	/* a refused call inside the group is undone alone */
	struct dti_figure_edit e = DTI_FIGURE_EDIT_INIT("pc");
	e.value = 0.3;
	assert_int_equal(
	    dti_submission_edit(f->s, "c25", "d2", &e, 1, 0, &f->err),
	    DTI_EPERM);
	dti_error_release(&f->err);
	assert_int_equal(
	    dti_submission_edit(f->s, "c25", "d1", &e, 1, 99, &f->err),
	    DTI_ECONFLICT);
	dti_error_release(&f->err);
	edit1(f, "d1", "plan", 1);
	/* inside the group its own changes are seen (the refused ones left
	   no event) ... */
	long long inside = events(f);
	assert_true(inside >= before + 2);
	int64_t v = version_of(f, "d1");
	assert_true(v >= 2);
	/* ... and by nobody else until it commits */
	assert_int_equal(figures_seen(f, other), 0);
	OK(dti_store_group_commit(f->s, &f->err));
	assert_int_equal(figures_seen(f, other), 2);
	assert_int_equal(events(f), inside);
	struct dti_submission_view *sv = NULL;
	OK(dti_submission_view(other, "c25", "d1", &sv, &f->err));
	for (size_t i = 0; i < sv->nfigures; i++)
		if (strcmp(sv->figures[i].indicator, "pc") == 0)
			assert_true(sv->figures[i].value == 0.8);
	dti_submission_view_free(sv);

	/* an aborted group leaves nothing */
	OK(dti_store_group_begin(f->s, &f->err));
	edit1(f, "d1", "pc", 0.1);
	dti_store_group_abort(f->s);
	assert_int_equal(events(f), inside);
	assert_int_equal(version_of(f, "d1"), v);
	/* and the store goes on as before, outside any group */
	edit1(f, "d1", "pc", 0.9);
	assert_int_equal(events(f), inside + 1);
	assert_int_equal(version_of(f, "d1"), v + 1);

	struct dti_audit_report rep;
	OK(dti_audit_verify(other, &rep, &f->err));
	assert_int_equal(rep.bad_seq, 0);
	dti_store_close(other);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_init_and_schema, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_migrate_forward, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_users_and_credentials, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_whole_year, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_editor_rules, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_reviewer_rules, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_publication_rules, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_duplicates_and_units, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_evidence, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_unit_names, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_audit_chain, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_figures_link, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_reviewer_only, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_clock_setting, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_clock_forward, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_import_bulk, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_audit_state, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_checkpoint, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_two_handles_conflict, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_group_commit, setup, teardown),
	};
	return cmocka_run_group_tests_name(
	    teststore_is_pg() ? "workflow (PostgreSQL)" : "workflow (SQLite)",
	    tests, NULL, NULL);
}
