/*
 * src/server/router.c - from a decoded request to its handler: route
 * matching, authentication, CSRF, the store's actor, the write lock.
 */
#include <string.h>

#include "server.h"

static const struct srv_route *const tables[] = {
    srv_routes_core,   srv_routes_auth,        srv_routes_registry,
    srv_routes_cycles, srv_routes_submissions, srv_routes_results,
    srv_routes_admin,  srv_routes_notices,     srv_routes_openapi,
    srv_routes_pages,  srv_routes_work,        srv_routes_admin_pages,
};

/*
 * Matches a path against a pattern; captures {name} segments into q.
 * Captured values point into buf (the path copied, '/' turned into NULs).
 */
static int match(const char *pattern, const char *path, struct srv_req *q,
                 char *buf, size_t bufsz)
{
	size_t n = strlen(path);
	if (n + 1 > bufsz)
		return 0;
	memcpy(buf, path, n + 1);
	size_t np = 0;
	const char *p = pattern;
	char *s = buf;
	while (*p && *s) {
		if (*p != '/' || *s != '/')
			return 0;
		p++;
		s++;
		const char *pe = strchr(p, '/');
		size_t pl = pe ? (size_t)(pe - p) : strlen(p);
		char *se = strchr(s, '/');
		size_t sl = se ? (size_t)(se - s) : strlen(s);
		if (pl >= 2 && p[0] == '{' && p[pl - 1] == '}') {
			if (sl == 0 || np >= SRV_MAX_PARAMS)
				return 0;
			q->params[np].value = s;
			/* the name: pattern text between the braces */
			q->params[np].name = p + 1; /* ends at '}', see below */
			np++;
		} else if (pl != sl || memcmp(p, s, pl) != 0) {
			return 0;
		}
		p += pl;
		s += sl;
	}
	if (*p || *s)
		return 0;
	/* cut the captured values at their '/' */
	for (char *c = buf; *c; c++)
		if (*c == '/')
			*c = '\0';
	q->nparams = np;
	return 1;
}

/* The name of a capture: "{cycle}" -> "cycle", in a static copy per
 * route so that srv_param can compare with strcmp. */
struct names {
	char text[SRV_MAX_PARAMS][32];
};

static void capture_names(struct srv_req *q, struct names *nm)
{
	for (size_t i = 0; i < q->nparams; i++) {
		const char *b = q->params[i].name;
		size_t k = 0;
		while (b[k] && b[k] != '}' && k + 1 < sizeof nm->text[i]) {
			nm->text[i][k] = b[k];
			k++;
		}
		nm->text[i][k] = '\0';
		q->params[i].name = nm->text[i];
	}
}

static int method_is(const struct srv_route *rt, const char *method)
{
	if (strcmp(rt->method, method) == 0)
		return 1;
	return strcmp(method, "HEAD") == 0 && strcmp(rt->method, "GET") == 0;
}

void srv_handle(struct srv *s, struct srv_req *q, struct srv_resp *r)
{
	char buf[2048];
	struct names nm;
	const struct srv_route *found = NULL;
	char allow[128] = "";
	int path_known = 0;

	q->srv = s;
	for (size_t t = 0; t < sizeof tables / sizeof tables[0] && !found;
	     t++) {
		for (const struct srv_route *rt = tables[t]; rt->method; rt++) {
			struct srv_req trial = *q;
			if (!match(rt->pattern, q->path, &trial, buf,
			           sizeof buf))
				continue;
			path_known = 1;
			if (!method_is(rt, q->method)) {
				if (!strstr(allow, rt->method) &&
				    strlen(allow) + strlen(rt->method) + 8 <
				        sizeof allow) {
					if (allow[0])
						strcat(allow, ", ");
					strcat(allow, rt->method);
					if (strcmp(rt->method, "GET") == 0)
						strcat(allow, ", HEAD");
				}
				continue;
			}
			*q = trial;
			found = rt;
			break;
		}
	}
	if (!found) {
		if (path_known) {
			srv_problem(r, 405, "method_not_allowed",
			            "%s is not allowed on %s", q->method,
			            q->path);
			srv_resp_header(r, "Allow", allow);
		} else if (strncmp(q->path, "/api/", 5) != 0 &&
		           strcmp(q->path, "/api") != 0 &&
		           (strcmp(q->method, "GET") == 0 ||
		            strcmp(q->method, "HEAD") == 0)) {
			srv_page_not_found(q, r); /* a page for people */
		} else {
			srv_problem(r, 404, "no_such_path",
			            "no resource at this path");
		}
		return;
	}
	/* the match may be overwritten by a later trial: match again */
	match(found->pattern, q->path, q, buf, sizeof buf);
	capture_names(q, &nm);

	q->auth = SRV_AUTH_NONE;
	q->user[0] = '\0';
	q->session[0] = '\0';
	if (!(found->flags & SRV_NOSTORE) || !(found->flags & SRV_PUBLIC)) {
		if (srv_auth_request(s, q, r) != 0)
			return;
	}
	if (!(found->flags & SRV_PUBLIC) && q->auth == SRV_AUTH_NONE) {
		srv_problem(r, 401, "unauthenticated",
		            "sign in (POST /api/v1/session) or send an API "
		            "token (Authorization: Bearer ...)");
		srv_resp_header(r, "WWW-Authenticate", "Bearer realm=\"dti\"");
		return;
	}
	if ((found->flags & SRV_WRITE) && q->auth == SRV_AUTH_SESSION &&
	    srv_csrf_check(s, q, r) != 0)
		return;

	q->store = NULL;
	if (!(found->flags & SRV_NOSTORE)) {
		q->store = srv_thread_store(s, r);
		if (!q->store)
			return;
	}
	if ((found->flags & SRV_GROUP) && q->store) {
		srv_group_run(s, q, r, found->fn);
		return;
	}
	int locked = 0;
	if (found->flags & SRV_WRITE) {
		srv_write_lock(s);
		locked = 1;
	}
	if (q->store) {
		struct dti_error err = DTI_ERROR_INIT;
		enum dti_status st = dti_store_set_actor(
		    q->store, q->user[0] ? q->user : NULL, &err);
		if (st != DTI_OK) {
			/* the user went away or was disabled since the
			   credentials were checked */
			srv_problem(r, 401, "unauthenticated",
			            "this account may not act");
			dti_error_release(&err);
			goto out;
		}
		dti_error_release(&err);
	}
	found->fn(q, r);
out:
	if (locked)
		srv_write_unlock(s);
}
