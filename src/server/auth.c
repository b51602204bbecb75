/*
 * src/server/auth.c - who sends a request: Bearer API tokens and (to
 * come) password sessions with a cookie and a CSRF token.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "server.h"

int srv_auth_request(struct srv *s, struct srv_req *q, struct srv_resp *r)
{
	const char *h = srv_header(q, "Authorization");
	if (!h)
		return 0;
	if (strncasecmp(h, "Bearer ", 7) != 0) {
		srv_problem_field(r, 401, "unauthenticated", "Authorization",
		                  "only Bearer tokens are accepted");
		return -1;
	}
	struct dti_store *st = srv_thread_store(s, r);
	if (!st)
		return -1;
	struct dti_error err = DTI_ERROR_INIT;
	char user[DTI_USER_NAME_MAX];
	enum dti_status rc = dti_user_from_token(st, h + 7, user, &err);
	dti_error_release(&err);
	if (rc != DTI_OK) {
		srv_problem(r, 401, "unauthenticated",
		            "the token is not valid (unknown, revoked, or its "
		            "user may not act)");
		return -1;
	}
	q->auth = SRV_AUTH_TOKEN;
	snprintf(q->user, sizeof q->user, "%s", user);
	return 0;
}

int srv_csrf_check(struct srv *s, struct srv_req *q, struct srv_resp *r)
{
	(void)s;
	(void)q;
	srv_problem(r, 403, "csrf", "missing or wrong X-CSRF-Token");
	return -1;
}

const struct srv_route srv_routes_auth[] = {
    {NULL, NULL, NULL, 0},
};
