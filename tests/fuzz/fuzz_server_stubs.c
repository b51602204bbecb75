/*
 * tests/fuzz/fuzz_server_stubs.c - stand-ins for what router.c needs of
 * the rest of the server: the route tables (the shapes of doc/api.md's
 * paths, with a handler that checks its captures), authentication that
 * knows no credentials, and a daemon without stores.
 *
 * A route reached without a store handle answers 503, as the daemon does
 * when a store cannot be opened, so srv_handle() runs its whole path
 * (match, captures, 401/405/404, CSRF, the write lock) on any input.
 */
#include <string.h>

#include "fuzz_server.h"

/* Every capture is present, non-empty and free of '/'. */
static void h_check(struct srv_req *q, struct srv_resp *r)
{
	for (size_t i = 0; i < q->nparams; i++) {
		const char *v = q->params[i].value;
		FUZZ_ASSERT(v && *v && !strchr(v, '/'), "capture %s='%s'",
		            q->params[i].name, v ? v : "(null)");
		FUZZ_ASSERT(srv_param(q, q->params[i].name) != NULL,
		            "capture %s not found by name", q->params[i].name);
		FUZZ_ASSERT(!strchr(q->params[i].name, '}'),
		            "capture name '%s'", q->params[i].name);
	}
	struct dti_json j;
	srv_json_begin(r, &j);
	dti_json_object_begin(&j);
	for (size_t i = 0; i < q->nparams; i++) {
		dti_json_key(&j, q->params[i].name);
		dti_json_string(&j, q->params[i].value);
	}
	dti_json_object_end(&j);
	srv_json_end(r, &j);
}

#define P SRV_PUBLIC
#define W SRV_WRITE
#define N SRV_NOSTORE

const struct srv_route srv_routes_core[] = {
    {"GET", "/healthz", h_check, P | N},
    {"GET", "/readyz", h_check, P | N},
    {NULL, NULL, NULL, 0},
};
const struct srv_route srv_routes_auth[] = {
    {"POST", "/api/v1/session", h_check, P | W},
    {"GET", "/api/v1/session", h_check, 0},
    {"DELETE", "/api/v1/session", h_check, W},
    {NULL, NULL, NULL, 0},
};
const struct srv_route srv_routes_registry[] = {
    {"GET", "/api/v1/units", h_check, 0},
    {"GET", "/api/v1/units/{unit}", h_check, 0},
    {"POST", "/api/v1/units", h_check, W},
    {"GET", "/api/v1/frameworks/{ref}", h_check, 0},
    {NULL, NULL, NULL, 0},
};
const struct srv_route srv_routes_cycles[] = {
    {"GET", "/api/v1/cycles/{cycle}", h_check, 0},
    {"POST", "/api/v1/cycles/{cycle}/transition", h_check, W},
    {NULL, NULL, NULL, 0},
};
const struct srv_route srv_routes_submissions[] = {
    {"GET", "/api/v1/cycles/{cycle}/submissions/{unit}", h_check, 0},
    {"PATCH", "/api/v1/cycles/{cycle}/submissions/{unit}", h_check, W},
    {"POST", "/api/v1/cycles/{cycle}/submissions/{unit}/evidence", h_check, W},
    {"GET", "/api/v1/evidence/{id}", h_check, 0},
    {"DELETE", "/api/v1/evidence/{id}", h_check, W},
    {NULL, NULL, NULL, 0},
};
const struct srv_route srv_routes_results[] = {
    {"GET", "/api/v1/published", h_check, P},
    {"GET", "/api/v1/cycles/{cycle}/units/{unit}/profile", h_check, P | N},
    {"GET", "/api/v1/cycles/{cycle}/ranking", h_check, P | N},
    {NULL, NULL, NULL, 0},
};
const struct srv_route srv_routes_admin[] = {
    {"GET", "/api/v1/status", h_check, 0},
    {"DELETE", "/api/v1/users/{user}/tokens/{label}", h_check, W},
    {NULL, NULL, NULL, 0},
};
const struct srv_route srv_routes_notices[] = {
    {"POST", "/api/v1/notices/read", h_check, W},
    {NULL, NULL, NULL, 0},
};
const struct srv_route srv_routes_openapi[] = {
    {"GET", "/api/v1/openapi.json", h_check, P | N},
    {NULL, NULL, NULL, 0},
};

/* No credentials hold: a Bearer token or a cookie is refused (401). */
int srv_auth_request(struct srv *s, struct srv_req *q, struct srv_resp *r)
{
	(void)s;
	char sid[64];
	if (srv_header(q, "Authorization") ||
	    srv_cookie(q, "dti_session", sid, sizeof sid) == 0) {
		srv_problem(r, 401, "unauthenticated", "no such credentials");
		return -1;
	}
	return 0;
}

int srv_csrf_check(struct srv *s, struct srv_req *q, struct srv_resp *r)
{
	(void)s;
	(void)q;
	srv_problem(r, 403, "csrf", "missing or wrong X-CSRF-Token");
	return -1;
}

struct dti_store *srv_thread_store(struct srv *s, struct srv_resp *r)
{
	(void)s;
	srv_problem(r, 503, "unavailable", "no store in the fuzz target");
	return NULL;
}

static int locked;

void srv_write_lock(struct srv *s)
{
	(void)s;
	FUZZ_ASSERT(!locked, "the write lock taken twice");
	locked = 1;
}

void srv_write_unlock(struct srv *s)
{
	(void)s;
	FUZZ_ASSERT(locked, "the write lock released unheld");
	locked = 0;
}

int fuzz_write_locked(void);
int fuzz_write_locked(void)
{
	return locked;
}

/* Edits run in groups only with a store, which the fuzz target never has:
   run it as a write, under the lock. */
void srv_group_run(struct srv *s, struct srv_req *q, struct srv_resp *r,
                   srv_handler fn)
{
	srv_write_lock(s);
	fn(q, r);
	srv_write_unlock(s);
}

/* The pages are not fuzzed here: no routes, and the 404 page is a
   problem document as any other refusal. */
const struct srv_route srv_routes_pages[] = {{NULL, NULL, NULL, 0}};
const struct srv_route srv_routes_work[] = {{NULL, NULL, NULL, 0}};
const struct srv_route srv_routes_admin_pages[] = {{NULL, NULL, NULL, 0}};

void srv_page_not_found(struct srv_req *q, struct srv_resp *r)
{
	(void)q;
	srv_problem(r, 404, "no_such_path", "no resource at this path");
}
