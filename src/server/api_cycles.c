/*
 * src/server/api_cycles.c - endpoints of /api/v1 for cycles (see
 * doc/api.md): the list, creation, one cycle with its submissions' states,
 * moves between states and deadlines.
 *
 *   GET  /api/v1/cycles                         every cycle
 *   POST /api/v1/cycles                         create (owner)
 *   GET  /api/v1/cycles/{cycle}                 a cycle and its units (ETag)
 *   POST /api/v1/cycles/{cycle}/transition      {to} (If-Match; owner)
 *   PUT  /api/v1/cycles/{cycle}/deadlines       {submit_deadline,
 *                                                review_deadline} (owner)
 *
 * A cycle's version is its ETag ("v7"); a change sent with If-Match is
 * refused with 412 when the cycle moved on since.  Every change answers
 * with the cycle as GET gives it, and its new ETag.  Publication is
 * api_results.c's (it computes and snapshots).
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "server.h"

static void jstr(struct dti_json *j, const char *s)
{
	dti_json_string(j, s && *s ? s : NULL);
}

static void fail(struct srv_resp *r, enum dti_status st, struct dti_error *err,
                 int had_if_match)
{
	srv_problem_dti(r, st, err, had_if_match);
	dti_error_release(err);
}

/* The members of a cycle's object (the caller opened it). */
static void cycle_members(struct dti_json *j, const struct dti_cycle_info *ci)
{
	dti_json_key(j, "label");
	dti_json_string(j, ci->label);
	dti_json_key(j, "year");
	dti_json_int(j, ci->year);
	dti_json_key(j, "level");
	jstr(j, ci->level);
	dti_json_key(j, "framework");
	dti_json_object_begin(j);
	dti_json_key(j, "id");
	dti_json_string(j, ci->framework_id);
	dti_json_key(j, "version");
	jstr(j, ci->framework_version);
	dti_json_key(j, "sha256");
	dti_json_string(j, ci->framework_sha);
	dti_json_object_end(j);
	dti_json_key(j, "ref_date");
	jstr(j, ci->ref_date);
	dti_json_key(j, "submit_deadline");
	jstr(j, ci->submit_deadline);
	dti_json_key(j, "review_deadline");
	jstr(j, ci->review_deadline);
	dti_json_key(j, "state");
	dti_json_string(j, dti_cycle_state_name(ci->state));
	dti_json_key(j, "version");
	dti_json_int(j, ci->version);
	dti_json_key(j, "submissions");
	dti_json_object_begin(j);
	for (int k = DTI_SUB_DRAFT; k <= DTI_SUB_EXCLUDED; k++) {
		dti_json_key(j, dti_sub_state_name((enum dti_sub_state)k));
		dti_json_int(j, ci->count[k]);
	}
	dti_json_object_end(j);
}

/*
 * Answers with a cycle and its submissions, as GET /cycles/{cycle} does,
 * with its ETag; status is 200 or 201.
 */
static void cycle_reply(struct srv_req *q, struct srv_resp *r,
                        const char *label, int status)
{
	struct dti_cycle_status *cs = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_cycle_status(q->store, label, &cs, &err);
	if (st != DTI_OK) {
		fail(r, st, &err, 0);
		return;
	}
	struct dti_json j;
	srv_json_begin(r, &j);
	dti_json_object_begin(&j);
	cycle_members(&j, &cs->cycle);
	dti_json_key(&j, "units");
	dti_json_array_begin(&j);
	for (size_t i = 0; i < cs->n; i++) {
		const struct dti_cycle_unit *u = &cs->units[i];
		dti_json_object_begin(&j);
		dti_json_key(&j, "unit");
		dti_json_string(&j, u->unit);
		dti_json_key(&j, "name");
		dti_json_string(&j, u->name);
		dti_json_key(&j, "state");
		dti_json_string(&j, dti_sub_state_name(u->state));
		dti_json_key(&j, "version");
		dti_json_int(&j, u->version);
		dti_json_key(&j, "figures");
		dti_json_int(&j, u->figures);
		dti_json_key(&j, "evidence");
		dti_json_int(&j, u->evidence);
		dti_json_key(&j, "submitted_at");
		jstr(&j, u->submitted_at);
		dti_json_key(&j, "updated_at");
		jstr(&j, u->updated_at);
		dti_json_key(&j, "updated_by");
		jstr(&j, u->updated_by);
		dti_json_key(&j, "exclude_reason");
		jstr(&j, u->exclude_reason);
		dti_json_key(&j, "return_comment");
		jstr(&j, u->return_comment);
		dti_json_object_end(&j);
	}
	dti_json_array_end(&j);
	dti_json_object_end(&j);
	srv_json_end(r, &j);
	if (r->status == 200) {
		r->status = status;
		srv_etag_version(r, cs->cycle.version);
	}
	dti_cycle_status_free(cs);
}

/* GET /api/v1/cycles */
static void h_cycles(struct srv_req *q, struct srv_resp *r)
{
	static const char *const none[] = {NULL};
	if (srv_query_only(q, r, none))
		return;
	struct dti_cycle_list *l = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_cycle_list(q->store, &l, &err);
	if (st != DTI_OK) {
		fail(r, st, &err, 0);
		return;
	}
	struct dti_json j;
	srv_json_begin(r, &j);
	dti_json_object_begin(&j);
	dti_json_key(&j, "cycles");
	dti_json_array_begin(&j);
	for (size_t i = 0; i < l->n; i++) {
		dti_json_object_begin(&j);
		cycle_members(&j, &l->cycles[i]);
		dti_json_object_end(&j);
	}
	dti_json_array_end(&j);
	dti_json_object_end(&j);
	srv_json_end(r, &j);
	dti_cycle_list_free(l);
}

/* GET /api/v1/cycles/{cycle} */
static void h_cycle(struct srv_req *q, struct srv_resp *r)
{
	static const char *const none[] = {NULL};
	if (srv_query_only(q, r, none))
		return;
	cycle_reply(q, r, srv_param(q, "cycle"), 200);
}

/* A date field: absent or null (0), a valid date (1), else -1 with a 400. */
static int date_field(json_t *obj, const char *name, const char **out,
                      struct srv_resp *r)
{
	*out = NULL;
	int rc = srv_field_string(obj, name, 0, out, r);
	if (rc == 1 && !dti_date_valid(*out)) {
		srv_problem_field(r, 400, "bad_argument", name,
		                  "%s must be a date YYYY-MM-DD that exists",
		                  name);
		return -1;
	}
	return rc;
}

/* POST /api/v1/cycles */
static void h_cycle_create(struct srv_req *q, struct srv_resp *r)
{
	static const char *const fields[] = {
	    "label",           "year",     "level",
	    "framework",       "ref_date", "submit_deadline",
	    "review_deadline", "title",    NULL};
	json_t *obj = srv_body_object(q, r, fields);
	if (!obj)
		return;
	struct dti_cycle_new c;
	dti_cycle_new_init(&c);
	int64_t year = 0;
	if (srv_field_string(obj, "label", 1, &c.label, r) < 0 ||
	    srv_field_int(obj, "year", 1, &year, r) < 0 ||
	    srv_field_string(obj, "framework", 1, &c.framework, r) < 0 ||
	    srv_field_string(obj, "level", 0, &c.level, r) < 0 ||
	    srv_field_string(obj, "title", 0, &c.title, r) < 0 ||
	    date_field(obj, "ref_date", &c.ref_date, r) < 0 ||
	    date_field(obj, "submit_deadline", &c.submit_deadline, r) < 0 ||
	    date_field(obj, "review_deadline", &c.review_deadline, r) < 0)
		goto out;
	if (year < 1900 || year > 9999) {
		srv_problem_field(r, 400, "bad_argument", "year",
		                  "year must be from 1900 to 9999");
		goto out;
	}
	c.year = (int)year;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_cycle_create(q->store, &c, &err);
	if (st != DTI_OK) {
		fail(r, st, &err, 0);
		goto out;
	}
	dti_error_release(&err);
	cycle_reply(q, r, c.label, 201);
	if (r->status == 201) {
		/* a label is letters, digits, '-', '_' and '.': no escaping */
		char loc[160];
		snprintf(loc, sizeof loc, "/api/v1/cycles/%s", c.label);
		srv_resp_header(r, "Location", loc);
	}
out:
	json_decref(obj);
}

/* POST /api/v1/cycles/{cycle}/transition {to} */
static void h_transition(struct srv_req *q, struct srv_resp *r)
{
	static const char *const fields[] = {"to", NULL};
	int64_t expected = 0;
	int had = srv_if_match(q, r, &expected);
	if (had < 0)
		return;
	json_t *obj = srv_body_object(q, r, fields);
	if (!obj)
		return;
	const char *to = NULL;
	if (srv_field_string(obj, "to", 1, &to, r) < 0) {
		json_decref(obj);
		return;
	}
	enum dti_cycle_state s = dti_cycle_state_parse(to);
	if (s != DTI_CYCLE_OPEN && s != DTI_CYCLE_REVIEW &&
	    s != DTI_CYCLE_CLOSED) {
		srv_problem_field(r, 400, "bad_argument", "to",
		                  "to must be \"open\", \"review\" or "
		                  "\"closed\" (a cycle is published with POST "
		                  "/api/v1/cycles/{cycle}/publish)");
		json_decref(obj);
		return;
	}
	json_decref(obj);
	const char *label = srv_param(q, "cycle");
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st =
	    dti_cycle_transition(q->store, label, s, expected, &err);
	if (st != DTI_OK) {
		fail(r, st, &err, had);
		return;
	}
	dti_error_release(&err);
	cycle_reply(q, r, label, 200);
}

/* PUT /api/v1/cycles/{cycle}/deadlines */
static void h_deadlines(struct srv_req *q, struct srv_resp *r)
{
	static const char *const fields[] = {"submit_deadline",
	                                     "review_deadline", NULL};
	int64_t expected = 0;
	int had = srv_if_match(q, r, &expected);
	if (had < 0)
		return;
	json_t *obj = srv_body_object(q, r, fields);
	if (!obj)
		return;
	const char *label = srv_param(q, "cycle");
	const char *sub = NULL, *rev = NULL;
	struct dti_cycle_info ci;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st;
	if (date_field(obj, "submit_deadline", &sub, r) < 0 ||
	    date_field(obj, "review_deadline", &rev, r) < 0)
		goto out;
	if (!json_object_get(obj, "submit_deadline") &&
	    !json_object_get(obj, "review_deadline")) {
		srv_problem_field(r, 400, "missing_field", "submit_deadline",
		                  "give submit_deadline, review_deadline or "
		                  "both (null removes one)");
		goto out;
	}
	st = dti_cycle_get(q->store, label, &ci, &err);
	/* the library takes no version here: the write lock makes this
	   check and the change one step for this server */
	if (st == DTI_OK && had && expected != ci.version) {
		srv_problem_field(r, 412, "conflict", "version",
		                  "the cycle changed since you read it (your "
		                  "version %lld, now %lld): reload and try "
		                  "again",
		                  (long long)expected, (long long)ci.version);
		goto out;
	}
	if (st != DTI_OK) {
		fail(r, st, &err, had);
		goto out;
	}
	/* a deadline not sent stays as it is; null removes it */
	if (!json_object_get(obj, "submit_deadline"))
		sub = *ci.submit_deadline ? ci.submit_deadline : NULL;
	if (!json_object_get(obj, "review_deadline"))
		rev = *ci.review_deadline ? ci.review_deadline : NULL;
	st = dti_cycle_set_deadlines(q->store, label, sub, rev, &err);
	if (st != DTI_OK) {
		fail(r, st, &err, had);
		goto out;
	}
	dti_error_release(&err);
	cycle_reply(q, r, label, 200);
out:
	json_decref(obj);
}

const struct srv_route srv_routes_cycles[] = {
    {"GET", "/api/v1/cycles", h_cycles, 0},
    {"POST", "/api/v1/cycles", h_cycle_create, SRV_WRITE},
    {"GET", "/api/v1/cycles/{cycle}", h_cycle, 0},
    {"POST", "/api/v1/cycles/{cycle}/transition", h_transition, SRV_WRITE},
    {"PUT", "/api/v1/cycles/{cycle}/deadlines", h_deadlines, SRV_WRITE},
    {NULL, NULL, NULL, 0},
};
