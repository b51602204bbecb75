/*
 * src/server/api_admin.c - endpoints of /api/v1 (see doc/api.md): the
 * store's status; users, roles, passwords and API tokens; the audit log
 * and its verification.
 *
 * Invariants:
 *   - A password goes from the request body to the library and nowhere
 *     else: no response, no log line carries it.  A token's value is in
 *     the one response that creates it (Cache-Control: no-store), never
 *     again; the store keeps only its hash.
 *   - Rules are the store's (DTI_EPERM -> 403).  Two reads the library
 *     leaves open to any user are narrowed to what doc/api.md promises,
 *     by the library's own answers: the list of users to admins (the
 *     list itself says whether the actor is one), verification to those
 *     who may read the audit log (a one-event read decides).
 *   - The audit log streams: events go from the library's callback into
 *     the JSON writer one at a time, at most `limit` of them, with a
 *     cursor (next_after) when more follow.
 */
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

/* GET /api/v1/status */
static void h_status(struct srv_req *q, struct srv_resp *r)
{
	static const char *const none[] = {NULL};
	if (srv_query_only(q, r, none))
		return;
	struct dti_store_status st;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status rc = dti_store_status(q->store, &st, &err);
	if (rc != DTI_OK) {
		srv_problem_dti(r, rc, &err, 0);
		dti_error_release(&err);
		return;
	}
	struct dti_json j;
	srv_json_begin(r, &j);
	dti_json_object_begin(&j);
	dti_json_key(&j, "backend");
	dti_json_string(&j, st.backend == DTI_BACKEND_POSTGRES ? "postgresql"
	                                                       : "sqlite");
	dti_json_key(&j, "schema_version");
	dti_json_int(&j, st.schema_version);
	dti_json_key(&j, "schema_latest");
	dti_json_int(&j, st.schema_latest);
	const struct {
		const char *name;
		long long n;
	} counts[] = {
	    {"units", st.units},
	    {"frameworks", st.frameworks},
	    {"users", st.users},
	    {"cycles", st.cycles},
	    {"submissions", st.submissions},
	    {"figures", st.figures},
	    {"evidence", st.evidence},
	    {"blobs", st.blobs},
	    {"results", st.results},
	    {"snapshots", st.snapshots},
	    {"audit_events", st.audit_events},
	};
	dti_json_key(&j, "counts");
	dti_json_object_begin(&j);
	for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
		dti_json_key(&j, counts[i].name);
		dti_json_int(&j, counts[i].n);
	}
	dti_json_object_end(&j);
	dti_json_key(&j, "audit_head");
	dti_json_string(&j, st.audit_head);
	dti_json_object_end(&j);
	srv_json_end(r, &j);
}

/* ---- Users ---------------------------------------------------------------
 */

static void write_user(struct dti_json *j, const struct dti_user_entry *u)
{
	dti_json_object_begin(j);
	dti_json_key(j, "name");
	dti_json_string(j, u->name);
	dti_json_key(j, "display_name");
	dti_json_string(j, u->display_name);
	dti_json_key(j, "created_at");
	dti_json_string(j, u->created_at);
	dti_json_key(j, "disabled");
	dti_json_bool(j, u->disabled);
	/* whether one is set: the password itself is never anywhere */
	dti_json_key(j, "password");
	dti_json_bool(j, u->has_password);
	dti_json_key(j, "roles");
	dti_json_array_begin(j);
	for (size_t k = 0; k < u->nroles; k++) {
		dti_json_object_begin(j);
		dti_json_key(j, "role");
		dti_json_string(j, dti_role_name(u->roles[k].role));
		if (*u->roles[k].unit) {
			dti_json_key(j, "unit");
			dti_json_string(j, u->roles[k].unit);
		}
		dti_json_object_end(j);
	}
	dti_json_array_end(j);
	dti_json_object_end(j);
}

static const struct dti_user_entry *find_user(const struct dti_user_list *l,
                                              const char *name)
{
	for (size_t i = 0; name && i < l->n; i++)
		if (strcmp(l->users[i].name, name) == 0)
			return &l->users[i];
	return NULL;
}

static int is_admin(const struct dti_user_entry *u)
{
	for (size_t k = 0; u && k < u->nroles; k++)
		if (u->roles[k].role == DTI_ROLE_ADMIN)
			return 1;
	return 0;
}

/* The users, or NULL with the problem in r. */
static struct dti_user_list *users(struct srv_req *q, struct srv_resp *r)
{
	struct dti_user_list *l = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_user_list(q->store, &l, &err);
	if (st != DTI_OK)
		srv_problem_dti(r, st, &err, 0);
	dti_error_release(&err);
	return l;
}

/* GET /api/v1/users */
static void h_users(struct srv_req *q, struct srv_resp *r)
{
	static const char *const none[] = {NULL};
	if (srv_query_only(q, r, none))
		return;
	struct dti_user_list *l = users(q, r);
	if (!l)
		return;
	if (!is_admin(find_user(l, dti_store_actor(q->store)))) {
		srv_problem(r, 403, "forbidden",
		            "user '%s' may not list users: needs the admin "
		            "role",
		            q->user);
		dti_user_list_free(l);
		return;
	}
	struct dti_json j;
	srv_json_begin(r, &j);
	dti_json_object_begin(&j);
	dti_json_key(&j, "users");
	dti_json_array_begin(&j);
	for (size_t i = 0; i < l->n; i++) {
		dti_json_break(&j);
		write_user(&j, &l->users[i]);
	}
	dti_json_array_end(&j);
	dti_json_object_end(&j);
	srv_json_end(r, &j);
	dti_user_list_free(l);
}

/* Answers with one user as the store now has it (after a change). */
static void answer_user(struct srv_req *q, struct srv_resp *r, const char *name,
                        int status)
{
	struct dti_user_list *l = users(q, r);
	if (!l)
		return;
	const struct dti_user_entry *u = find_user(l, name);
	if (!u) {
		srv_problem_field(r, 404, "not_found", "user", "no user '%s'",
		                  name);
	} else {
		struct dti_json j;
		srv_json_begin(r, &j);
		write_user(&j, u);
		srv_json_end(r, &j);
		if (r->status == 200)
			r->status = status;
	}
	dti_user_list_free(l);
}

/* Ends a handler's library call: 0 if it succeeded, else -1 with r. */
static int done(struct srv_resp *r, enum dti_status st, struct dti_error *err)
{
	if (st != DTI_OK)
		srv_problem_dti(r, st, err, 0);
	dti_error_release(err);
	return st == DTI_OK ? 0 : -1;
}

/*
 * srv_body_object for a body that may hold a password: a malformed text is
 * refused without the parser's words, which quote the text near the fault.
 */
static json_t *secret_body(const struct srv_req *q, struct srv_resp *r,
                           const char *const *fields)
{
	json_t *body = srv_body_object(q, r, fields);
	if (!body && r->status == 400 &&
	    strstr(r->body.data ? r->body.data : "", "\"bad_json\"")) {
		json_error_t je;
		json_t *doc = json_loadb(q->body, q->body_len,
		                         JSON_REJECT_DUPLICATES, &je);
		if (doc)
			json_decref(doc); /* well-formed: the problem holds */
		else
			srv_problem(r, 400, "bad_json",
			            "malformed JSON body at line %d, column %d "
			            "(the text is not repeated: it may hold a "
			            "password)",
			            je.line, je.column);
	}
	return body;
}

/* POST /api/v1/users {name, display_name?, password?} */
static void h_user_add(struct srv_req *q, struct srv_resp *r)
{
	static const char *const none[] = {NULL};
	static const char *const fields[] = {"name", "display_name", "password",
	                                     NULL};
	if (srv_query_only(q, r, none))
		return;
	json_t *body = secret_body(q, r, fields);
	if (!body)
		return;
	const char *name = NULL, *display = NULL, *pw = NULL;
	if (srv_field_string(body, "name", 1, &name, r) < 0 ||
	    srv_field_string(body, "display_name", 0, &display, r) < 0 ||
	    srv_field_string(body, "password", 0, &pw, r) < 0) {
		json_decref(body);
		return;
	}
	struct dti_error err = DTI_ERROR_INIT;
	if (done(r, dti_user_add(q->store, name, display, pw, &err), &err) == 0)
		answer_user(q, r, name, 201);
	json_decref(body);
}

/* POST /api/v1/users/{user}/roles {role, unit?, grant} */
static void h_user_role(struct srv_req *q, struct srv_resp *r)
{
	static const char *const none[] = {NULL};
	static const char *const fields[] = {"role", "unit", "grant", NULL};
	if (srv_query_only(q, r, none))
		return;
	json_t *body = srv_body_object(q, r, fields);
	if (!body)
		return;
	const char *role = NULL, *unit = NULL;
	int grant = 0;
	if (srv_field_string(body, "role", 1, &role, r) < 0 ||
	    srv_field_string(body, "unit", 0, &unit, r) < 0 ||
	    srv_field_bool(body, "grant", 1, &grant, r) < 0) {
		json_decref(body);
		return;
	}
	enum dti_role rl = dti_role_parse(role);
	if (!rl) {
		srv_problem_field(r, 422, "unknown_value", "role",
		                  "unknown role '%s': admin, owner, reviewer, "
		                  "editor or viewer",
		                  role);
		json_decref(body);
		return;
	}
	const char *user = srv_param(q, "user");
	struct dti_error err = DTI_ERROR_INIT;
	if (done(r, dti_user_role(q->store, user, rl, unit, grant, &err),
	         &err) == 0)
		answer_user(q, r, user, 200);
	json_decref(body);
}

/* PUT /api/v1/users/{user}/password {password} */
static void h_user_password(struct srv_req *q, struct srv_resp *r)
{
	static const char *const none[] = {NULL};
	static const char *const fields[] = {"password", NULL};
	if (srv_query_only(q, r, none))
		return;
	json_t *body = secret_body(q, r, fields);
	if (!body)
		return;
	const char *pw = NULL;
	if (srv_field_string(body, "password", 1, &pw, r) < 0) {
		json_decref(body);
		return;
	}
	const char *user = srv_param(q, "user");
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_user_passwd(q->store, user, pw, &err);
	json_decref(body);
	if (done(r, st, &err))
		return;
	/* the old password's sessions end; the one that changed it stays */
	srv_session_end_user(q->srv, user,
	                     q->auth == SRV_AUTH_SESSION &&
	                             strcmp(q->user, user) == 0
	                         ? q->session
	                         : NULL);
	struct dti_json j;
	srv_json_begin(r, &j);
	dti_json_object_begin(&j);
	dti_json_key(&j, "user");
	dti_json_string(&j, user);
	dti_json_key(&j, "password");
	dti_json_string(&j, "changed");
	dti_json_object_end(&j);
	srv_json_end(r, &j);
}

/* POST /api/v1/users/{user}/tokens {label}: the token, shown once */
static void h_token_add(struct srv_req *q, struct srv_resp *r)
{
	static const char *const none[] = {NULL};
	static const char *const fields[] = {"label", NULL};
	if (srv_query_only(q, r, none))
		return;
	json_t *body = srv_body_object(q, r, fields);
	if (!body)
		return;
	const char *label = NULL;
	if (srv_field_string(body, "label", 1, &label, r) < 0) {
		json_decref(body);
		return;
	}
	const char *user = srv_param(q, "user");
	char token[DTI_TOKEN_MAX];
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_user_token(q->store, user, label, token, &err);
	if (done(r, st, &err) == 0) {
		struct dti_json j;
		srv_json_begin(r, &j);
		dti_json_object_begin(&j);
		dti_json_key(&j, "user");
		dti_json_string(&j, user);
		dti_json_key(&j, "label");
		dti_json_string(&j, label);
		dti_json_key(&j, "token");
		dti_json_string(&j, token);
		dti_json_object_end(&j);
		srv_json_end(r, &j);
		if (r->status == 200)
			r->status = 201;
		r->no_store = 1;
		sodium_memzero(token, sizeof token);
	}
	json_decref(body);
}

/* DELETE /api/v1/users/{user}/tokens/{label} */
static void h_token_revoke(struct srv_req *q, struct srv_resp *r)
{
	static const char *const none[] = {NULL};
	if (srv_query_only(q, r, none))
		return;
	const char *user = srv_param(q, "user");
	const char *label = srv_param(q, "label");
	struct dti_error err = DTI_ERROR_INIT;
	if (done(r, dti_user_token_revoke(q->store, user, label, &err), &err))
		return;
	struct dti_json j;
	srv_json_begin(r, &j);
	dti_json_object_begin(&j);
	dti_json_key(&j, "user");
	dti_json_string(&j, user);
	dti_json_key(&j, "label");
	dti_json_string(&j, label);
	dti_json_key(&j, "revoked");
	dti_json_bool(&j, 1);
	dti_json_object_end(&j);
	srv_json_end(r, &j);
}

/* ---- The audit log -------------------------------------------------------
 */

#define AUDIT_LIMIT_DEFAULT 1000
#define AUDIT_LIMIT_MAX     10000

struct log_out {
	struct dti_json *j;
	size_t limit; /* events written at most; the one after tells more */
	size_t n;     /* events seen */
	long long last;
	int more;
};

static enum dti_status log_event(void *ctx, const struct dti_audit_event *ev)
{
	struct log_out *o = ctx;
	if (++o->n > o->limit) {
		o->more = 1;
		return DTI_OK;
	}
	struct dti_json *j = o->j;
	dti_json_break(j);
	dti_json_object_begin(j);
	dti_json_key(j, "seq");
	dti_json_int(j, ev->seq);
	const char *keys[] = {"at",    "actor", "action",
	                      "cycle", "unit",  "object"};
	const char *vals[] = {ev->at,    ev->actor, ev->action,
	                      ev->cycle, ev->unit,  ev->object};
	for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
		dti_json_key(j, keys[k]);
		dti_json_string(j, vals[k]);
	}
	/* the store's own JSON documents */
	dti_json_key(j, "before");
	dti_json_raw(j, ev->before);
	dti_json_key(j, "after");
	dti_json_raw(j, ev->after);
	dti_json_key(j, "prev");
	dti_json_string(j, ev->prev);
	dti_json_key(j, "hash");
	dti_json_string(j, ev->hash);
	dti_json_object_end(j);
	o->last = ev->seq;
	return j->status;
}

/* A whole number of a query argument in [lo, hi]: 1 if given, 0 if not, -1
 * with a 400 problem. */
static int query_number(const struct srv_req *q, struct srv_resp *r,
                        const char *name, long long lo, long long hi,
                        long long *out)
{
	const char *v = srv_query(q, name);
	if (!v)
		return 0;
	char *end = NULL;
	long long n = 0;
	int ok = *v >= '0' && *v <= '9';
	if (ok) {
		n = strtoll(v, &end, 10);
		ok = *end == '\0' && n >= lo && n <= hi;
	}
	if (!ok) {
		srv_problem_field(r, 400, "bad_argument", name,
		                  "%s '%s': expected a whole number from %lld "
		                  "to %lld",
		                  name, v, lo, hi);
		return -1;
	}
	*out = n;
	return 1;
}

/* GET /api/v1/audit (?unit&user&cycle&action&after&limit) */
static void h_audit(struct srv_req *q, struct srv_resp *r)
{
	static const char *const allowed[] = {
	    "unit", "user", "cycle", "action", "after", "limit", NULL};
	if (srv_query_only(q, r, allowed))
		return;
	long long after = 0, limit = AUDIT_LIMIT_DEFAULT;
	if (query_number(q, r, "after", 0, INT64_MAX, &after) < 0 ||
	    query_number(q, r, "limit", 1, AUDIT_LIMIT_MAX, &limit) < 0)
		return;
	struct dti_audit_filter f;
	dti_audit_filter_init(&f);
	f.unit = srv_query(q, "unit");
	f.user = srv_query(q, "user");
	f.cycle = srv_query(q, "cycle");
	f.action = srv_query(q, "action");
	f.after = after;
	f.limit = (size_t)limit + 1; /* one more says whether more follow */
	struct dti_json j;
	srv_json_begin(r, &j);
	dti_json_object_begin(&j);
	dti_json_key(&j, "events");
	dti_json_array_begin(&j);
	struct log_out o = {&j, (size_t)limit, 0, 0, 0};
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_audit_log(q->store, &f, log_event, &o, &err);
	if (st != DTI_OK && st == j.status) {
		/* the writer failed (memory): its own problem */
		srv_json_end(r, &j);
		dti_error_release(&err);
		return;
	}
	if (st != DTI_OK) {
		srv_problem_dti(r, st, &err, 0);
		dti_error_release(&err);
		return;
	}
	dti_error_release(&err);
	dti_json_array_end(&j);
	dti_json_key(&j, "next_after");
	if (o.more)
		dti_json_int(&j, o.last);
	else
		dti_json_null(&j);
	dti_json_object_end(&j);
	srv_json_end(r, &j);
}

static enum dti_status ignore_event(void *ctx, const struct dti_audit_event *ev)
{
	(void)ctx;
	(void)ev;
	return DTI_OK;
}

/* POST /api/v1/audit/verify {checkpoint?} */
static void h_verify(struct srv_req *q, struct srv_resp *r)
{
	static const char *const none[] = {NULL};
	static const char *const fields[] = {"checkpoint", NULL};
	if (srv_query_only(q, r, none))
		return;
	json_t *body = NULL;
	if (q->body_len) {
		body = srv_body_object(q, r, fields);
		if (!body)
			return;
	}
	/* the checkpoint as sent: its JSON object, or its text */
	char *cp = NULL;
	const char *cptext = NULL;
	json_t *v = json_object_get(body, "checkpoint");
	if (json_is_object(v)) {
		cp = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER);
		cptext = cp;
		if (!cp) {
			json_decref(body);
			srv_problem_dti(r, DTI_ENOMEM, NULL, 0);
			return;
		}
	} else if (v && !json_is_null(v) &&
	           srv_field_string(body, "checkpoint", 0, &cptext, r) < 0) {
		srv_problem_field(r, 400, "bad_type", "checkpoint",
		                  "field 'checkpoint' must be the checkpoint: "
		                  "its JSON object, or its text");
		json_decref(body);
		return;
	}
	/* who may read the log may verify it: the library decides */
	struct dti_audit_filter f;
	dti_audit_filter_init(&f);
	f.limit = 1;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st =
	    dti_audit_log(q->store, &f, ignore_event, NULL, &err);
	struct dti_audit_report rep;
	memset(&rep, 0, sizeof rep);
	if (st == DTI_OK) {
		dti_error_release(&err);
		st = cptext ? dti_audit_verify_checkpoint(
		                  q->store, cptext, strlen(cptext), &rep, &err)
		            : dti_audit_verify(q->store, &rep, &err);
	}
	free(cp);
	json_decref(body);
	if (st != DTI_OK && st != DTI_EINVALID) {
		srv_problem_dti(r, st, &err, 0);
		dti_error_release(&err);
		return;
	}
	struct dti_json j;
	srv_json_begin(r, &j);
	dti_json_object_begin(&j);
	dti_json_key(&j, "intact");
	dti_json_bool(&j, st == DTI_OK);
	dti_json_key(&j, "events");
	dti_json_int(&j, rep.events);
	dti_json_key(&j, "head");
	dti_json_string(&j, rep.head[0] ? rep.head : NULL);
	dti_json_key(&j, "bad_seq");
	if (rep.bad_seq)
		dti_json_int(&j, rep.bad_seq);
	else
		dti_json_null(&j);
	dti_json_key(&j, "problem");
	dti_json_string(&j, rep.problem[0] ? rep.problem
	                    : st != DTI_OK ? err.message
	                                   : NULL);
	dti_json_key(&j, "table");
	dti_json_string(&j, rep.table[0] ? rep.table : NULL);
	dti_json_key(&j, "key");
	dti_json_string(&j, rep.key[0] ? rep.key : NULL);
	dti_json_key(&j, "checkpoint");
	if (!cptext)
		dti_json_null(&j);
	else
		dti_json_string(&j, st == DTI_OK ? "valid"
		                    : strcmp(rep.table, "checkpoint") == 0
		                        ? "refused"
		                        : "valid");
	dti_json_object_end(&j);
	srv_json_end(r, &j);
	dti_error_release(&err);
}

const struct srv_route srv_routes_admin[] = {
    {"GET", "/api/v1/status", h_status, 0},
    {"GET", "/api/v1/users", h_users, 0},
    {"POST", "/api/v1/users", h_user_add, SRV_WRITE},
    {"POST", "/api/v1/users/{user}/roles", h_user_role, SRV_WRITE},
    {"PUT", "/api/v1/users/{user}/password", h_user_password, SRV_WRITE},
    {"POST", "/api/v1/users/{user}/tokens", h_token_add, SRV_WRITE},
    {"DELETE", "/api/v1/users/{user}/tokens/{label}", h_token_revoke,
     SRV_WRITE},
    {"GET", "/api/v1/audit", h_audit, 0},
    {"POST", "/api/v1/audit/verify", h_verify, 0},
    {NULL, NULL, NULL, 0},
};
