/*
 * src/server/api_notices.c - the signed-in user's notices (see doc/api.md
 * and dti/notices.h): GET /api/v1/notices, POST /api/v1/notices/read.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

static void notice_json(struct dti_json *j, const struct dti_notice *n)
{
	dti_json_object_begin(j);
	dti_json_key(j, "key");
	dti_json_string(j, n->key);
	dti_json_key(j, "kind");
	dti_json_string(j, dti_notice_kind_name(n->kind));
	dti_json_key(j, "at");
	dti_json_string(j, n->at);
	dti_json_key(j, "cycle");
	dti_json_string(j, n->cycle);
	dti_json_key(j, "unit");
	if (n->unit && *n->unit)
		dti_json_string(j, n->unit);
	else
		dti_json_null(j);
	dti_json_key(j, "deadline");
	if (n->deadline && *n->deadline)
		dti_json_string(j, n->deadline);
	else
		dti_json_null(j);
	dti_json_key(j, "days");
	if (n->days)
		dti_json_int(j, n->days);
	else
		dti_json_null(j);
	dti_json_key(j, "actor");
	if (n->actor && *n->actor)
		dti_json_string(j, n->actor);
	else
		dti_json_null(j);
	dti_json_key(j, "comment");
	if (n->comment && *n->comment)
		dti_json_string(j, n->comment);
	else
		dti_json_null(j);
	dti_json_key(j, "title");
	dti_json_object_begin(j);
	dti_json_key(j, "vi");
	dti_json_string(j, n->title_vi);
	dti_json_key(j, "en");
	dti_json_string(j, n->title_en);
	dti_json_object_end(j);
	dti_json_key(j, "text");
	dti_json_object_begin(j);
	dti_json_key(j, "vi");
	dti_json_string(j, n->text_vi);
	dti_json_key(j, "en");
	dti_json_string(j, n->text_en);
	dti_json_object_end(j);
	dti_json_key(j, "read");
	dti_json_bool(j, n->read);
	dti_json_object_end(j);
}

/* "1"/"true" or "0"/"false"; -1 with a problem otherwise. */
static int query_flag(const struct srv_req *q, struct srv_resp *r,
                      const char *name)
{
	const char *v = srv_query(q, name);
	if (!v)
		return 0;
	if (strcmp(v, "1") == 0 || strcmp(v, "true") == 0)
		return 1;
	if (strcmp(v, "0") == 0 || strcmp(v, "false") == 0)
		return 0;
	srv_problem_field(r, 400, "bad_argument", name,
	                  "'%s' must be 1, 0, true or false", name);
	return -1;
}

/* GET /api/v1/notices?unread=1&limit=N */
static void h_list(struct srv_req *q, struct srv_resp *r)
{
	static const char *const allowed[] = {"unread", "limit", NULL};
	if (srv_query_only(q, r, allowed))
		return;
	struct dti_notice_opts o;
	dti_notice_opts_init(&o);
	int unread = query_flag(q, r, "unread");
	if (unread < 0)
		return;
	o.unread_only = unread;
	const char *lim = srv_query(q, "limit");
	if (lim) {
		char *end;
		long n = strtol(lim, &end, 10);
		if (!*lim || *end || n < 1 || n > 10000) {
			srv_problem_field(
			    r, 400, "bad_argument", "limit",
			    "'limit' must be a whole number from 1 "
			    "to 10000");
			return;
		}
		o.limit = (size_t)n;
	}
	struct dti_notice_list *l = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_notice_list(q->store, q->user, &o, &l, &err);
	if (st != DTI_OK) {
		srv_problem_dti(r, st, &err, 0);
		dti_error_release(&err);
		return;
	}
	struct dti_json j;
	srv_json_begin(r, &j);
	dti_json_object_begin(&j);
	dti_json_key(&j, "user");
	dti_json_string(&j, l->user);
	dti_json_key(&j, "unread");
	dti_json_int(&j, (long long)l->unread);
	dti_json_key(&j, "notices");
	dti_json_array_begin(&j);
	for (size_t i = 0; i < l->n; i++)
		notice_json(&j, &l->notices[i]);
	dti_json_array_end(&j);
	dti_json_object_end(&j);
	srv_json_end(r, &j);
	dti_notice_list_free(l);
}

/* POST /api/v1/notices/read {"key": K} or {"all": true} */
static void h_read(struct srv_req *q, struct srv_resp *r)
{
	static const char *const fields[] = {"key", "all", NULL};
	json_t *body = srv_body_object(q, r, fields);
	if (!body)
		return;
	const char *key = NULL;
	int all = 0;
	int hk = srv_field_string(body, "key", 0, &key, r);
	int ha = hk < 0 ? -1 : srv_field_bool(body, "all", 0, &all, r);
	if (hk < 0 || ha < 0)
		goto out;
	if ((hk == 1) == (all == 1)) {
		srv_problem(r, 400, "missing_field",
		            "give either 'key' (one notice) or 'all': true");
		goto out;
	}
	size_t marked = 0;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_notice_mark_read(
	    q->store, q->user, all ? NULL : key, &marked, &err);
	if (st != DTI_OK) {
		srv_problem_dti(r, st, &err, 0);
		dti_error_release(&err);
		goto out;
	}
	struct dti_json j;
	srv_json_begin(r, &j);
	dti_json_object_begin(&j);
	dti_json_key(&j, "marked");
	dti_json_int(&j, (long long)marked);
	dti_json_object_end(&j);
	srv_json_end(r, &j);
out:
	json_decref(body);
}

const struct srv_route srv_routes_notices[] = {
    {"GET", "/api/v1/notices", h_list, 0},
    {"POST", "/api/v1/notices/read", h_read, SRV_WRITE},
    {NULL, NULL, NULL, 0},
};
