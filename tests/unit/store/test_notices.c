/*
 * tests/unit/store/test_notices.c - notices derived from the audit log and
 * the cycles (dti/notices.h), on SQLite (and on PostgreSQL in the '-pg'
 * run), with the clock fixed by store_test_clock().
 *
 * Every test starts from a store holding two districts, a points
 * framework, users of every role (ed1 edits d1, ed2 edits d2) and cycle
 * c25 in draft with its submission deadline on 2025-09-30 and its review
 * deadline on 2025-10-31, at 2025-06-01 08:00 UTC.  Reminders are checked
 * on the day before they start, the day they start (D-7, D-1, from 00:00
 * UTC) and for whom: editors of units still in draft or returned,
 * reviewers while a submission awaits review.
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
    "# id: nt-test\n"
    "# version: 1\n"
    "# year: 2025\n"
    "# level: district\n"
    "# scoring: points\n"
    "# scale: 1\n"
    "# precision: 4\n"
    "# missing: zero\n"
    "code,parent,kind,name_vi,name_en,points,rule,params\n"
    "idx,,index,Chỉ số,Index,100,,\n"
    "plan,idx,indicator,Kế hoạch,Plan,50,yesno,\n"
    "pc,idx,indicator,Máy tính,Computers,50,ratio,floor=0;target=1\n";

static const char units_text[] =
    "id,code,name_vi,name_ascii,aliases,group,valid_from,valid_to,"
    "successors\n"
    "d1,D1,Quận Một,Quan Mot,,G1,,,\n"
    "d2,D2,Quận Hai,Quan Hai,,G1,,,\n";

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

#define REFUSED(code, needle, call)                                            \
	do {                                                                   \
		enum dti_status st_ = (call);                                  \
		if (st_ != (code))                                             \
			fail_msg("%s -> %s (%s), expected %s", #call,          \
			         dti_strerror(st_), f->err.message,            \
			         dti_strerror(code));                          \
		if (!strstr(f->err.message, (needle)))                         \
			fail_msg("%s: message '%s' lacks '%s'", #call,         \
			         f->err.message, (needle));                    \
		dti_error_release(&f->err);                                    \
	} while (0)

static void as(struct fx *f, const char *user)
{
	OK(dti_store_set_actor(f->s, user, &f->err));
}

static void at(struct fx *f, const char *now)
{
	OK(store_test_clock(f->s, now));
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	if (!f || teststore_new(&f->ts) != 0)
		return -1;
	*state = f;
	OK(dti_store_open(f->ts.location, &f->s, &f->err));
	at(f, "2025-06-01T08:00:00Z");
	OK(dti_store_init(f->s, &f->err));
	OK(dti_user_add(f->s, "root", "Admin", NULL, &f->err));
	as(f, "root");
	static const char *const users[] = {"olga", "rita", "ed1",
	                                    "ed2",  "vic",  "nobody"};
	for (size_t i = 0; i < 6; i++)
		OK(dti_user_add(f->s, users[i], NULL, NULL, &f->err));
	struct dti_units *u = NULL;
	OK(dti_units_parse(units_text, strlen(units_text), "units.csv", &u,
	                   &f->err));
	OK(dti_store_units_import(f->s, u, "district", NULL, NULL, &f->err));
	dti_units_free(u);
	OK(dti_user_role(f->s, "olga", DTI_ROLE_OWNER, NULL, 1, &f->err));
	OK(dti_user_role(f->s, "rita", DTI_ROLE_REVIEWER, NULL, 1, &f->err));
	OK(dti_user_role(f->s, "ed1", DTI_ROLE_EDITOR, "d1", 1, &f->err));
	OK(dti_user_role(f->s, "ed2", DTI_ROLE_EDITOR, "d2", 1, &f->err));
	OK(dti_user_role(f->s, "vic", DTI_ROLE_VIEWER, NULL, 1, &f->err));
	as(f, "olga");
	char sha[65];
	OK(dti_store_framework_add(f->s, fw_text, strlen(fw_text), "nt.csv",
	                           sha, &f->err));
	struct dti_cycle_new c;
	dti_cycle_new_init(&c);
	c.label = "c25";
	c.year = 2025;
	c.framework = "nt-test";
	c.submit_deadline = "2025-09-30";
	c.review_deadline = "2025-10-31";
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

/* The notices of `user`, read by that user (or by root with admin). */
static struct dti_notice_list *list_of(struct fx *f, const char *user,
                                       int unread_only)
{
	const char *was = dti_store_actor(f->s);
	char actor[64];
	snprintf(actor, sizeof actor, "%s", was ? was : "");
	as(f, user);
	struct dti_notice_opts o;
	dti_notice_opts_init(&o);
	o.unread_only = unread_only;
	struct dti_notice_list *l = NULL;
	OK(dti_notice_list(f->s, NULL, &o, &l, &f->err));
	assert_non_null(l);
	assert_string_equal(l->user, user);
	as(f, actor[0] ? actor : NULL);
	return l;
}

/* The notice of list l with this key, or NULL. */
static const struct dti_notice *find(const struct dti_notice_list *l,
                                     const char *key)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->notices[i].key, key) == 0)
			return &l->notices[i];
	return NULL;
}

/* How many notices of a kind the user has. */
static size_t count(struct fx *f, const char *user, enum dti_notice_kind k)
{
	struct dti_notice_list *l = list_of(f, user, 0);
	size_t n = 0;
	for (size_t i = 0; i < l->n; i++)
		n += l->notices[i].kind == k;
	dti_notice_list_free(l);
	return n;
}

/* Sequence number of the last audit event. */
static long long last_seq(struct fx *f)
{
	struct dti_store_status ss;
	OK(dti_store_status(f->s, &ss, &f->err));
	return ss.audit_events;
}

static void edit_and_submit(struct fx *f, const char *unit)
{
	struct dti_figure_edit e[2] = {DTI_FIGURE_EDIT_INIT("plan"),
	                               DTI_FIGURE_EDIT_INIT("pc")};
	e[0].value = 1;
	e[1].value = 0.5;
	OK(dti_submission_edit(f->s, "c25", unit, e, 2, 0, &f->err));
	OK(dti_submission_submit(f->s, "c25", unit, 0, &f->err));
}

/* ---- tests --------------------------------------------------------------- */

static void test_opened(void **state)
{
	struct fx *f = *state;
	struct dti_notice_list *l = list_of(f, "ed1", 0);
	assert_int_equal(l->n, 0);
	dti_notice_list_free(l);
	as(f, "olga");
	OK(dti_cycle_transition(f->s, "c25", DTI_CYCLE_OPEN, 0, &f->err));
	long long seq = last_seq(f);
	char key[64];
	snprintf(key, sizeof key, "ev:%lld:ed1", seq);
	l = list_of(f, "ed1", 0);
	assert_int_equal(l->n, 1);
	assert_int_equal(l->unread, 1);
	const struct dti_notice *n = &l->notices[0];
	assert_string_equal(n->key, key);
	assert_int_equal(n->kind, DTI_NOTICE_CYCLE_OPENED);
	assert_string_equal(dti_notice_kind_name(n->kind), "cycle_opened");
	assert_string_equal(n->at, "2025-06-01T08:00:00Z");
	assert_string_equal(n->cycle, "c25");
	assert_string_equal(n->actor, "olga");
	assert_int_equal(n->days, 0);
	assert_false(n->read);
	assert_non_null(strstr(n->text_en, "2025-09-30"));
	assert_non_null(strstr(n->text_vi, "Kỳ đánh giá c25 đã mở"));
	dti_notice_list_free(l);
	/* the other editor has one; reviewer, viewer, owner none */
	assert_int_equal(count(f, "ed2", DTI_NOTICE_CYCLE_OPENED), 1);
	assert_int_equal(count(f, "rita", DTI_NOTICE_CYCLE_OPENED), 0);
	assert_int_equal(count(f, "vic", DTI_NOTICE_CYCLE_OPENED), 0);
	assert_int_equal(count(f, "olga", DTI_NOTICE_CYCLE_OPENED), 0);
}

static void test_deadlines(void **state)
{
	struct fx *f = *state;
	as(f, "olga");
	OK(dti_cycle_transition(f->s, "c25", DTI_CYCLE_OPEN, 0, &f->err));
	/* D-8: nothing yet */
	at(f, "2025-09-22T23:59:59Z");
	assert_int_equal(count(f, "ed1", DTI_NOTICE_SUBMIT_DEADLINE), 0);
	/* D-7 from 00:00 UTC: the 7-day reminder, to both editors */
	at(f, "2025-09-23T00:00:00Z");
	struct dti_notice_list *l = list_of(f, "ed1", 0);
	const struct dti_notice *n =
	    find(l, "deadline:c25:submit:2025-09-30:7");
	assert_non_null(n);
	assert_int_equal(n->kind, DTI_NOTICE_SUBMIT_DEADLINE);
	assert_string_equal(n->at, "2025-09-23T00:00:00Z");
	assert_string_equal(n->deadline, "2025-09-30");
	assert_int_equal(n->days, 7);
	assert_string_equal(n->unit, "d1");
	assert_string_equal(n->actor, "");
	assert_non_null(strstr(n->text_en, "in 7 days"));
	assert_non_null(strstr(n->text_en, "Quận Một"));
	assert_non_null(strstr(n->text_vi, "Còn 7 ngày đến hạn nộp"));
	/* newest first: the reminder before the opening */
	assert_ptr_equal(n, &l->notices[0]);
	dti_notice_list_free(l);
	assert_int_equal(count(f, "ed2", DTI_NOTICE_SUBMIT_DEADLINE), 1);
	assert_int_equal(count(f, "rita", DTI_NOTICE_SUBMIT_DEADLINE), 0);
	/* no review reminder before D-7 of the review deadline */
	assert_int_equal(count(f, "rita", DTI_NOTICE_REVIEW_DEADLINE), 0);
	/* ed1 submits: its reminders go, ed2's stay */
	as(f, "ed1");
	edit_and_submit(f, "d1");
	assert_int_equal(count(f, "ed1", DTI_NOTICE_SUBMIT_DEADLINE), 0);
	assert_int_equal(count(f, "ed2", DTI_NOTICE_SUBMIT_DEADLINE), 1);
	/* D-1: both reminders for ed2 */
	at(f, "2025-09-28T23:00:00Z");
	assert_int_equal(count(f, "ed2", DTI_NOTICE_SUBMIT_DEADLINE), 1);
	at(f, "2025-09-29T00:00:00Z");
	l = list_of(f, "ed2", 0);
	n = find(l, "deadline:c25:submit:2025-09-30:1");
	assert_non_null(n);
	assert_int_equal(n->days, 1);
	assert_non_null(strstr(n->text_en, "in 1 day "));
	assert_non_null(find(l, "deadline:c25:submit:2025-09-30:7"));
	dti_notice_list_free(l);
	/* a moved deadline makes new reminders (its day is in the key) */
	as(f, "olga");
	OK(dti_cycle_set_deadlines(f->s, "c25", "2025-10-05", NULL, &f->err));
	l = list_of(f, "ed2", 0);
	assert_null(find(l, "deadline:c25:submit:2025-09-30:1"));
	assert_non_null(find(l, "deadline:c25:submit:2025-10-05:7"));
	assert_null(find(l, "deadline:c25:submit:2025-10-05:1"));
	dti_notice_list_free(l);
	/* the review deadline: to reviewers, while something awaits review */
	at(f, "2025-10-24T00:00:00Z");
	l = list_of(f, "rita", 0);
	n = find(l, "deadline:c25:review:2025-10-31:7");
	assert_non_null(n);
	assert_int_equal(n->kind, DTI_NOTICE_REVIEW_DEADLINE);
	assert_string_equal(n->unit, "");
	assert_non_null(strstr(n->text_en, "2 submissions not yet approved"));
	dti_notice_list_free(l);
	assert_int_equal(count(f, "olga", DTI_NOTICE_REVIEW_DEADLINE), 0);
	assert_int_equal(count(f, "ed1", DTI_NOTICE_REVIEW_DEADLINE), 0);
	/* in review the submit reminders go; the review ones stay */
	OK(dti_cycle_transition(f->s, "c25", DTI_CYCLE_REVIEW, 0, &f->err));
	assert_int_equal(count(f, "ed2", DTI_NOTICE_SUBMIT_DEADLINE), 0);
	at(f, "2025-10-30T00:00:00Z");
	assert_int_equal(count(f, "rita", DTI_NOTICE_REVIEW_DEADLINE), 2);
}

static void test_returned(void **state)
{
	struct fx *f = *state;
	as(f, "olga");
	OK(dti_cycle_transition(f->s, "c25", DTI_CYCLE_OPEN, 0, &f->err));
	as(f, "ed1");
	edit_and_submit(f, "d1");
	as(f, "ed2");
	edit_and_submit(f, "d2");
	as(f, "olga");
	OK(dti_cycle_transition(f->s, "c25", DTI_CYCLE_REVIEW, 0, &f->err));
	at(f, "2025-07-02T03:04:05Z");
	as(f, "rita");
	OK(dti_review_return(f->s, "c25", "d1", "thiếu minh chứng kế hoạch", 0,
	                     &f->err));
	long long seq = last_seq(f);
	char key[64];
	snprintf(key, sizeof key, "ev:%lld:ed1", seq);
	struct dti_notice_list *l = list_of(f, "ed1", 0);
	const struct dti_notice *n = find(l, key);
	assert_non_null(n);
	assert_int_equal(n->kind, DTI_NOTICE_RETURNED);
	assert_string_equal(n->at, "2025-07-02T03:04:05Z");
	assert_string_equal(n->unit, "d1");
	assert_string_equal(n->actor, "rita");
	assert_string_equal(n->comment, "thiếu minh chứng kế hoạch");
	assert_string_equal(n->text_en, "rita returned the submission of "
	                                "Quận Một in c25: thiếu minh chứng "
	                                "kế hoạch");
	assert_non_null(strstr(n->text_vi, "đã bị rita trả lại"));
	assert_non_null(strstr(n->title_en, "returned"));
	dti_notice_list_free(l);
	assert_int_equal(count(f, "ed2", DTI_NOTICE_RETURNED), 0);
	assert_int_equal(count(f, "rita", DTI_NOTICE_RETURNED), 0);
	/* the notice stays after the unit resubmits: it happened */
	as(f, "ed1");
	OK(dti_submission_submit(f->s, "c25", "d1", 0, &f->err));
	assert_int_equal(count(f, "ed1", DTI_NOTICE_RETURNED), 1);
}

static void test_published(void **state)
{
	struct fx *f = *state;
	as(f, "olga");
	OK(dti_cycle_transition(f->s, "c25", DTI_CYCLE_OPEN, 0, &f->err));
	as(f, "ed1");
	edit_and_submit(f, "d1");
	as(f, "ed2");
	edit_and_submit(f, "d2");
	as(f, "olga");
	OK(dti_cycle_transition(f->s, "c25", DTI_CYCLE_REVIEW, 0, &f->err));
	as(f, "rita");
	OK(dti_review_approve(f->s, "c25", "d1", 0, &f->err));
	OK(dti_review_approve(f->s, "c25", "d2", 0, &f->err));
	as(f, "olga");
	OK(dti_cycle_transition(f->s, "c25", DTI_CYCLE_CLOSED, 0, &f->err));
	at(f, "2025-12-01T02:00:00Z");
	OK(dti_cycle_publish(f->s, "c25", 0, &f->err));
	long long seq = last_seq(f);
	static const char *const with_role[] = {"root", "olga", "rita",
	                                        "ed1",  "ed2",  "vic"};
	for (size_t i = 0; i < 6; i++) {
		char key[64];
		snprintf(key, sizeof key, "ev:%lld:%s", seq, with_role[i]);
		struct dti_notice_list *l = list_of(f, with_role[i], 0);
		const struct dti_notice *n = find(l, key);
		if (!n)
			fail_msg("%s has no notice %s", with_role[i], key);
		assert_int_equal(n->kind, DTI_NOTICE_PUBLISHED);
		assert_string_equal(n->at, "2025-12-01T02:00:00Z");
		assert_string_equal(n->text_en,
		                    "The results of cycle c25 have been "
		                    "published.");
		dti_notice_list_free(l);
	}
	/* a user without a role is told nothing */
	struct dti_notice_list *l = list_of(f, "nobody", 0);
	assert_int_equal(l->n, 0);
	dti_notice_list_free(l);
	/* no reminders once published, whatever the date */
	at(f, "2025-12-30T00:00:00Z");
	assert_int_equal(count(f, "rita", DTI_NOTICE_REVIEW_DEADLINE), 0);
}

static void test_read_and_who(void **state)
{
	struct fx *f = *state;
	as(f, "olga");
	OK(dti_cycle_transition(f->s, "c25", DTI_CYCLE_OPEN, 0, &f->err));
	at(f, "2025-09-29T00:00:00Z");
	struct dti_notice_list *l = list_of(f, "ed1", 0);
	assert_int_equal(l->n, 3);
	assert_int_equal(l->unread, 3);
	char key[160];
	snprintf(key, sizeof key, "%s", l->notices[1].key);
	dti_notice_list_free(l);
	long long events = last_seq(f);
	size_t marked = 0;
	as(f, "ed1");
	OK(dti_notice_mark_read(f->s, NULL, key, &marked, &f->err));
	assert_int_equal(marked, 1);
	OK(dti_notice_mark_read(f->s, NULL, key, &marked, &f->err));
	assert_int_equal(marked, 0);
	REFUSED(DTI_ENOTFOUND, "no notice 'ev:1:ed1'",
	        dti_notice_mark_read(f->s, NULL, "ev:1:ed1", NULL, &f->err));
	l = list_of(f, "ed1", 1);
	assert_int_equal(l->n, 2);
	assert_int_equal(l->unread, 2);
	assert_null(find(l, key));
	dti_notice_list_free(l);
	l = list_of(f, "ed1", 0);
	assert_true(find(l, key)->read);
	dti_notice_list_free(l);
	OK(dti_notice_mark_read(f->s, NULL, NULL, &marked, &f->err));
	assert_int_equal(marked, 2);
	l = list_of(f, "ed1", 1);
	assert_int_equal(l->n, 0);
	assert_int_equal(l->unread, 0);
	dti_notice_list_free(l);
	/* not audited */
	assert_int_equal(last_seq(f), events);
	/* a user reads their own; an admin anyone's */
	struct dti_notice_list *o = NULL;
	as(f, "ed2");
	REFUSED(DTI_EPERM, "admin",
	        dti_notice_list(f->s, "ed1", NULL, &o, &f->err));
	assert_null(o);
	REFUSED(DTI_EPERM, "admin",
	        dti_notice_mark_read(f->s, "ed1", NULL, NULL, &f->err));
	as(f, "root");
	OK(dti_notice_list(f->s, "ed1", NULL, &o, &f->err));
	assert_int_equal(o->n, 3);
	assert_string_equal(o->user, "ed1");
	dti_notice_list_free(o);
	o = NULL;
	REFUSED(DTI_ENOTFOUND, "no user 'ghost'",
	        dti_notice_list(f->s, "ghost", NULL, &o, &f->err));
	as(f, NULL);
	REFUSED(DTI_EPERM, "nobody is acting",
	        dti_notice_list(f->s, NULL, NULL, &o, &f->err));
	/* an explicit time: reminders as of then, never before the log */
	as(f, "ed2");
	struct dti_notice_opts opts;
	dti_notice_opts_init(&opts);
	opts.now = "2025-09-24T00:00:00Z";
	OK(dti_notice_list(f->s, NULL, &opts, &o, &f->err));
	assert_int_equal(o->n, 2);
	dti_notice_list_free(o);
	o = NULL;
	opts.now = "2025-13-01T00:00:00Z";
	REFUSED(DTI_ESYNTAX, "not a time",
	        dti_notice_list(f->s, NULL, &opts, &o, &f->err));
	opts.now = NULL;
	opts.limit = 1;
	OK(dti_notice_list(f->s, NULL, &opts, &o, &f->err));
	assert_int_equal(o->n, 1);
	assert_int_equal(o->unread, 3);
	assert_string_equal(o->notices[0].key,
	                    "deadline:c25:submit:2025-09-30:1");
	dti_notice_list_free(o);
}

static void test_email(void **state)
{
	struct fx *f = *state;
	char addr[256];
	as(f, "ed1");
	OK(dti_user_set_email(f->s, "ed1", "ed1@example.org", &f->err));
	OK(dti_user_email(f->s, "ed1", addr, &f->err));
	assert_string_equal(addr, "ed1@example.org");
	long long events = last_seq(f);
	/* the same address again: no event */
	OK(dti_user_set_email(f->s, "ed1", "ed1@example.org", &f->err));
	assert_int_equal(last_seq(f), events);
	static const char *const bad[] = {"no-at",
	                                  "two@@example.org",
	                                  "a b@example.org",
	                                  "a@example",
	                                  "x@example.org\r\nBcc: y@example.org",
	                                  "<a@example.org>",
	                                  "\"q\"@example.org",
	                                  "@example.org"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		REFUSED(DTI_EINVALID, "not an e-mail address",
		        dti_user_set_email(f->s, "ed1", bad[i], &f->err));
	REFUSED(DTI_EPERM, "another user's e-mail address",
	        dti_user_set_email(f->s, "ed2", "x@example.org", &f->err));
	REFUSED(DTI_EPERM, "another user's e-mail address",
	        dti_user_email(f->s, "ed2", addr, &f->err));
	as(f, "root");
	OK(dti_user_set_email(f->s, "ed2", "ed2@example.org", &f->err));
	OK(dti_user_set_email(f->s, "ed1", "", &f->err));
	OK(dti_user_email(f->s, "ed1", addr, &f->err));
	assert_string_equal(addr, "");
	assert_int_equal(last_seq(f), events + 2);
	/* audited and replayed: verify holds, and sees a changed row */
	struct dti_audit_report rep;
	OK(dti_audit_verify(f->s, &rep, &f->err));
	struct db *db = NULL;
	OK(db_open(f->ts.location, &db, &f->err));
	OK(db_exec(db,
	           "UPDATE users SET email = 'evil@example.org' WHERE name "
	           "= 'vic'",
	           &f->err));
	db_close(db);
	assert_int_equal(dti_audit_verify(f->s, &rep, &f->err), DTI_EINVALID);
	assert_string_equal(rep.table, "users");
	assert_string_equal(rep.key, "vic");
	assert_non_null(strstr(rep.problem, "email"));
	dti_error_release(&f->err);
}

/* What the mail callback saw. */
struct sent {
	char keys[32][192];
	size_t n;
	enum dti_status answer; /* what it says */
};

static enum dti_status record(void *ctx, const struct dti_notice_mail *m)
{
	struct sent *s = ctx;
	if (s->n < 32)
		snprintf(s->keys[s->n++], sizeof s->keys[0], "%s %s %s",
		         m->user, m->address, m->notice->key);
	return s->answer;
}

static int has(const struct sent *s, const char *line)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->keys[i], line) == 0)
			return 1;
	return 0;
}

static void test_mail_due(void **state)
{
	struct fx *f = *state;
	as(f, "root");
	OK(dti_user_set_email(f->s, "ed1", "ed1@example.org", &f->err));
	OK(dti_user_set_email(f->s, "rita", "rita@example.org", &f->err));
	as(f, "olga");
	OK(dti_cycle_transition(f->s, "c25", DTI_CYCLE_OPEN, 0, &f->err));
	long long open_seq = last_seq(f);
	char line[192];
	struct sent s = {.answer = DTI_OK};
	as(f, "ed1");
	REFUSED(DTI_EPERM, "admin",
	        dti_notice_mail_due(f->s, NULL, record, &s, &f->err));
	assert_int_equal(s.n, 0);
	as(f, "root");
	/* DTI_EIO: not sent, left due */
	s.answer = DTI_EIO;
	OK(dti_notice_mail_due(f->s, NULL, record, &s, &f->err));
	assert_int_equal(s.n, 1);
	s.n = 0;
	s.answer = DTI_OK;
	OK(dti_notice_mail_due(f->s, NULL, record, &s, &f->err));
	assert_int_equal(s.n, 1); /* ed2 has no address */
	snprintf(line, sizeof line, "ed1 ed1@example.org ev:%lld:ed1",
	         open_seq);
	assert_true(has(&s, line));
	struct dti_notice_list *l = list_of(f, "ed1", 0);
	assert_true(l->notices[0].mailed);
	dti_notice_list_free(l);
	/* never twice */
	s.n = 0;
	OK(dti_notice_mail_due(f->s, NULL, record, &s, &f->err));
	assert_int_equal(s.n, 0);
	/* at D-1 of the submit deadline: the 1-day reminder only (the 7-day
	 * one is superseded), oldest first */
	at(f, "2025-09-29T06:00:00Z");
	OK(dti_notice_mail_due(f->s, NULL, record, &s, &f->err));
	assert_int_equal(s.n, 1);
	assert_string_equal(
	    s.keys[0], "ed1 ed1@example.org deadline:c25:submit:2025-09-30:1");
	/* past the deadline, reminders are not sent */
	s.n = 0;
	at(f, "2025-10-24T06:00:00Z");
	OK(dti_notice_mail_due(f->s, "2025-10-31T00:00:00Z", record, &s,
	                       &f->err));
	assert_int_equal(s.n, 1);
	assert_string_equal(
	    s.keys[0],
	    "rita rita@example.org deadline:c25:review:2025-10-31:1");
	s.n = 0;
	OK(dti_notice_mail_due(f->s, "2025-11-01T00:00:00Z", record, &s,
	                       &f->err));
	assert_int_equal(s.n, 0);
	/* another answer stops the run, and it is left due */
	s.answer = DTI_ECONFLICT;
	assert_int_equal(dti_notice_mail_due(f->s, NULL, record, &s, &f->err),
	                 DTI_ECONFLICT);
	dti_error_release(&f->err);
	assert_int_equal(s.n, 1);
	assert_string_equal(
	    s.keys[0],
	    "rita rita@example.org deadline:c25:review:2025-10-31:7");
	s.n = 0;
	s.answer = DTI_OK;
	OK(dti_notice_mail_due(f->s, NULL, record, &s, &f->err));
	assert_int_equal(s.n, 1);
	/* a disabled user or one without an address gets nothing: not
	 * tested here (no call disables a user yet) */
	struct dti_audit_report rep;
	OK(dti_audit_verify(f->s, &rep, &f->err));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_opened, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_deadlines, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_returned, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_published, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_read_and_who, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_email, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_mail_due, setup, teardown),
	};
	return cmocka_run_group_tests_name(
	    teststore_is_pg() ? "notices (PostgreSQL)" : "notices (SQLite)",
	    tests, NULL, NULL);
}
