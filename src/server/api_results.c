/*
 * src/server/api_results.c - endpoints of /api/v1 (see doc/api.md):
 * computing a cycle, publishing it, and what is read of it once
 * published: the snapshot (results), the list of published cycles, the
 * signed checkpoint, the ranking and a unit's profile (dti/views.h, with
 * the changes since earlier published cycles); and an editor's preview of
 * a unit's likely score before submitting.
 *
 * Invariants:
 *   - A published snapshot never changes, so what is rendered of it is
 *     kept in the server's cache (srv_cache_put) under a key made of the
 *     endpoint, every normalised query argument and the cycle's label (the
 *     label last: it is the only free text), and served from there with a
 *     strong ETag and the publication time as Last-Modified.  Only
 *     published data enter the cache: previews and refusals never do.
 *     Publishing empties it (srv_cache_invalidate), since the list of
 *     published cycles and the earlier cycles a view compares with change.
 *   - Anonymous readers see published cycles only: whatever the library
 *     says of another cycle (not published, unknown, not allowed) is a
 *     plain 404 to them, so that a draft's existence is not revealed;
 *     signed-in users get the library's own answer.
 *   - Who may compute, publish or preview is the store's decision
 *     (DTI_EPERM -> 403); nothing here re-checks roles.
 */
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

static const char type_csv[] = "text/csv; charset=utf-8";
static const char type_json[] = "application/json";

/* ---- Helpers -------------------------------------------------------------
 */

/*
 * The "published_at" of a snapshot's JSON as Unix time, its text into at;
 * -1 if none.
 */
static long long snapshot_time(const char *json, size_t len, char at[32])
{
	json_t *doc = json_loadb(json, len, 0, NULL);
	long long t = -1;
	at[0] = '\0';
	if (doc) {
		const char *v =
		    json_string_value(json_object_get(doc, "published_at"));
		t = srv_parse_utc(v);
		if (t >= 0)
			snprintf(at, 32, "%s", v);
		json_decref(doc);
	}
	return t;
}

/*
 * The publication time of a cycle (Unix time) into *t: 0, or -1 with the
 * problem in r.  Kept in the cache as text once read.
 */
static int published_time(struct srv_req *q, struct srv_resp *r,
                          const char *cycle, long long *t)
{
	struct dti_buf key = DTI_BUF_INIT;
	if (srv_pub_key(&key, r, "published_at", NULL, 0, cycle)) {
		dti_buf_release(&key);
		return -1;
	}
	const struct srv_cached *epoch = srv_pub_epoch(q);
	const struct srv_cached *c = srv_cache_get(q->srv, key.data);
	if (c) {
		*t = srv_parse_utc(c->body);
		dti_buf_release(&key);
		return 0;
	}
	struct dti_buf out = DTI_BUF_INIT;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_cycle_results(q->store, cycle, 0, &out, &err);
	char at[32];
	int rc = 0;
	if (st != DTI_OK) {
		srv_read_problem(q, r, st, &err, cycle);
		rc = -1;
	} else if ((*t = snapshot_time(out.data, out.len, at)) < 0) {
		srv_problem(r, 500, "internal",
		            "the snapshot of cycle '%s' has no publication "
		            "time",
		            cycle);
		rc = -1;
	} else {
		struct dti_buf text = DTI_BUF_INIT;
		dti_buf_adds(&text, at);
		srv_pub_keep(q, epoch, key.data, "text/plain", &text, *t);
		dti_buf_release(&text);
	}
	dti_error_release(&err);
	dti_buf_release(&out);
	dti_buf_release(&key);
	return rc;
}

/* ?format=json|csv into *csv; -1 with a 400 problem. */
static int query_format(const struct srv_req *q, struct srv_resp *r, int *csv)
{
	const char *f = srv_query(q, "format");
	*csv = 0;
	if (!f || strcmp(f, "json") == 0)
		return 0;
	if (strcmp(f, "csv") == 0) {
		*csv = 1;
		return 0;
	}
	srv_problem_field(r, 400, "bad_argument", "format",
	                  "format '%s': expected json or csv", f);
	return -1;
}

/* ?lang=vi|en into *lang; -1 with a 400 problem. */
static int query_lang(const struct srv_req *q, struct srv_resp *r,
                      enum dti_lang *lang)
{
	const char *l = srv_query(q, "lang");
	*lang = DTI_LANG_EN;
	if (!l || strcmp(l, "en") == 0)
		return 0;
	if (strcmp(l, "vi") == 0) {
		*lang = DTI_LANG_VI;
		return 0;
	}
	srv_problem_field(r, 400, "bad_argument", "lang",
	                  "lang '%s': expected vi or en", l);
	return -1;
}

/* A boolean query argument: 1, 0, or -1 with a 400 problem. */
static int query_flag(const struct srv_req *q, struct srv_resp *r,
                      const char *name)
{
	const char *v = srv_query(q, name);
	if (!v || strcmp(v, "0") == 0 || strcmp(v, "false") == 0)
		return 0;
	if (strcmp(v, "1") == 0 || strcmp(v, "true") == 0 || *v == '\0')
		return 1;
	srv_problem_field(r, 400, "bad_argument", name,
	                  "%s '%s': expected 1 or 0", name, v);
	return -1;
}

/*
 * An optional JSON body: 1 with *obj set when there is one, 0 when the
 * body is empty, -1 with a problem.
 */
static int optional_body(const struct srv_req *q, struct srv_resp *r,
                         const char *const *allowed, void **obj)
{
	*obj = NULL;
	if (q->body_len == 0)
		return 0;
	*obj = srv_body_object(q, r, allowed);
	return *obj ? 1 : -1;
}

/* ---- Compute and publish -------------------------------------------------
 */

/* POST /api/v1/cycles/{cycle}/compute */
static void h_compute(struct srv_req *q, struct srv_resp *r)
{
	static const char *const none[] = {NULL};
	if (srv_query_only(q, r, none))
		return;
	void *body = NULL;
	if (optional_body(q, r, none, &body) < 0)
		return;
	json_decref(body);
	const char *cycle = srv_param(q, "cycle");
	int64_t id = 0;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_cycle_compute(q->store, cycle, &id, &err);
	if (st != DTI_OK) {
		srv_problem_dti(r, st, &err, 0);
		dti_error_release(&err);
		return;
	}
	dti_error_release(&err);
	struct dti_json j;
	srv_json_begin(r, &j);
	dti_json_object_begin(&j);
	dti_json_key(&j, "cycle");
	dti_json_string(&j, cycle);
	dti_json_key(&j, "result");
	dti_json_int(&j, id);
	dti_json_object_end(&j);
	srv_json_end(r, &j);
}

/* POST /api/v1/cycles/{cycle}/publish {partial?} (If-Match) */
static void h_publish(struct srv_req *q, struct srv_resp *r)
{
	static const char *const none[] = {NULL};
	static const char *const fields[] = {"partial", NULL};
	if (srv_query_only(q, r, none))
		return;
	struct dti_publish_opts po;
	dti_publish_opts_init(&po);
	int had_if_match = srv_if_match(q, r, &po.expected_version);
	if (had_if_match < 0)
		return;
	void *body = NULL;
	int has_body = optional_body(q, r, fields, &body);
	if (has_body < 0)
		return;
	if (has_body &&
	    srv_field_bool(body, "partial", 0, &po.partial, r) < 0) {
		json_decref(body);
		return;
	}
	json_decref(body);
	const char *cycle = srv_param(q, "cycle");
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_cycle_publish_with(q->store, cycle, &po, &err);
	if (st == DTI_OK) {
		/* the published list and the views of later cycles change */
		srv_cache_invalidate(q->srv);
	}
	struct dti_cycle_info ci;
	if (st == DTI_OK)
		st = dti_cycle_get(q->store, cycle, &ci, &err);
	if (st != DTI_OK) {
		srv_problem_dti(r, st, &err, had_if_match);
		dti_error_release(&err);
		return;
	}
	dti_error_release(&err);
	struct dti_json j;
	srv_json_begin(r, &j);
	dti_json_object_begin(&j);
	dti_json_key(&j, "cycle");
	dti_json_string(&j, ci.label);
	dti_json_key(&j, "state");
	dti_json_string(&j, dti_cycle_state_name(ci.state));
	dti_json_key(&j, "version");
	dti_json_int(&j, ci.version);
	dti_json_key(&j, "partial");
	dti_json_bool(&j, po.partial);
	dti_json_object_end(&j);
	srv_json_end(r, &j);
	srv_etag_version(r, ci.version);
}

/* ---- Published data ------------------------------------------------------
 */

/* GET /api/v1/published: the published cycles, oldest first. */
static void h_published(struct srv_req *q, struct srv_resp *r)
{
	static const char *const none[] = {NULL};
	if (srv_query_only(q, r, none))
		return;
	const struct srv_cached *epoch = srv_pub_epoch(q);
	const struct srv_cached *c = srv_cache_get(q->srv, "published");
	if (c) {
		srv_resp_cached(r, c);
		return;
	}
	struct dti_cycle_list *l = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_cycle_list(q->store, &l, &err);
	if (st != DTI_OK) {
		srv_problem_dti(r, st, &err, 0);
		dti_error_release(&err);
		return;
	}
	struct dti_buf body = DTI_BUF_INIT;
	struct dti_json j;
	dti_json_init(&j, &body);
	dti_json_object_begin(&j);
	dti_json_key(&j, "cycles");
	dti_json_array_begin(&j);
	long long latest = 0;
	struct dti_buf snap = DTI_BUF_INIT;
	for (size_t i = 0; st == DTI_OK && i < l->n; i++) {
		const struct dti_cycle_info *ci = &l->cycles[i];
		if (ci->state != DTI_CYCLE_PUBLISHED)
			continue;
		dti_buf_reset(&snap);
		st = dti_cycle_results(q->store, ci->label, 0, &snap, &err);
		if (st != DTI_OK)
			break;
		json_t *doc = json_loadb(snap.data, snap.len, 0, NULL);
		const char *at =
		    json_string_value(json_object_get(doc, "published_at"));
		long long t = srv_parse_utc(at);
		if (t > latest)
			latest = t;
		dti_json_break(&j);
		dti_json_object_begin(&j);
		dti_json_key(&j, "cycle");
		dti_json_string(&j, ci->label);
		dti_json_key(&j, "year");
		dti_json_int(&j, ci->year);
		dti_json_key(&j, "level");
		dti_json_string(&j, ci->level);
		dti_json_key(&j, "framework");
		dti_json_string(&j, ci->framework_id);
		dti_json_key(&j, "framework_version");
		dti_json_string(&j, ci->framework_version);
		dti_json_key(&j, "framework_sha256");
		dti_json_string(&j, ci->framework_sha);
		dti_json_key(&j, "published_at");
		dti_json_string(&j, at);
		dti_json_key(&j, "partial");
		dti_json_bool(&j,
		              json_is_true(json_object_get(doc, "partial")));
		dti_json_key(&j, "sha256");
		dti_json_string(
		    &j, json_string_value(json_object_get(doc, "sha256")));
		dti_json_key(&j, "units");
		dti_json_int(&j, ci->count[DTI_SUB_APPROVED]);
		dti_json_object_end(&j);
		json_decref(doc);
	}
	dti_buf_release(&snap);
	dti_cycle_list_free(l);
	dti_json_array_end(&j);
	dti_json_object_end(&j);
	if (st == DTI_OK)
		st = dti_json_finish(&j, &err);
	if (st == DTI_OK)
		st = dti_buf_addc(&body, '\n');
	if (st != DTI_OK) {
		srv_problem_dti(r, st, &err, 0);
		dti_error_release(&err);
		dti_buf_release(&body);
		return;
	}
	dti_error_release(&err);
	srv_pub_serve(q, r, epoch, "published", type_json, &body, latest);
	dti_buf_release(&body);
}

/*
 * The ranking of an unpublished cycle's current figures as CSV, as 'dti
 * results --preview --format csv' gives it.
 */
static enum dti_status preview_csv(struct dti_store *s, const char *cycle,
                                   enum dti_lang lang, struct dti_buf *out,
                                   struct dti_error *err)
{
	struct dti_framework *fw = NULL;
	struct dti_units *units = NULL;
	struct dti_dataset *ds = NULL;
	struct dti_result *res = NULL;
	enum dti_status st = dti_cycle_dataset(s, cycle, &fw, &units, &ds, err);
	long c = -1;
	if (st == DTI_OK) {
		c = dti_dataset_find_cycle(ds, cycle);
		if (c < 0 && dti_dataset_cycle_count(ds) == 1)
			c = 0;
		if (c < 0)
			st = DTI_EINTERNAL; /* the store's own data: a bug */
	}
	if (st == DTI_OK) {
		struct dti_compute_opts co = DTI_COMPUTE_OPTS_INIT;
		st = dti_compute(fw, ds, (size_t)c, &co, &res, err);
	}
	if (st == DTI_OK) {
		struct dti_output_opts oo = DTI_OUTPUT_OPTS_INIT;
		size_t node = dti_framework_root(fw);
		oo.format = DTI_FORMAT_CSV;
		oo.lang = lang;
		oo.nodes = &node;
		oo.nnodes = 1;
		oo.group_ranks = 1;
		st = dti_output_result(res, &oo, out, err);
	}
	dti_result_free(res);
	dti_dataset_free(ds);
	dti_framework_free(fw);
	dti_units_free(units);
	return st;
}

/* GET /api/v1/cycles/{cycle}/results (?format=json|csv, ?lang, ?preview) */
static void h_results(struct srv_req *q, struct srv_resp *r)
{
	static const char *const allowed[] = {"format", "lang", "preview",
	                                      NULL};
	if (srv_query_only(q, r, allowed))
		return;
	int csv = 0;
	enum dti_lang lang;
	if (query_format(q, r, &csv) || query_lang(q, r, &lang))
		return;
	int preview = query_flag(q, r, "preview");
	if (preview < 0)
		return;
	const char *cycle = srv_param(q, "cycle");
	struct dti_error err = DTI_ERROR_INIT;
	struct dti_buf out = DTI_BUF_INIT;
	enum dti_status st;
	if (preview) {
		if (q->auth == SRV_AUTH_NONE) {
			srv_problem_field(r, 401, "unauthenticated", "preview",
			                  "a preview is for signed-in owners "
			                  "and reviewers");
			return;
		}
		/* the latest computed result: what is shown, or the right
		   to see the current figures */
		st = dti_cycle_results(q->store, cycle, 1, &out, &err);
		if (st == DTI_OK && csv) {
			dti_buf_reset(&out);
			st = preview_csv(q->store, cycle, lang, &out, &err);
		}
		if (st != DTI_OK) {
			srv_problem_dti(r, st, &err, 0);
		} else {
			r->type = csv ? type_csv : type_json;
			dti_buf_reset(&r->body);
			dti_buf_add(&r->body, out.data, out.len);
		}
		dti_error_release(&err);
		dti_buf_release(&out);
		return;
	}
	const char *parts[] = {csv ? "csv" : "json",
	                       lang == DTI_LANG_VI ? "vi" : "en"};
	struct dti_buf key = DTI_BUF_INIT;
	if (srv_pub_key(&key, r, "results", parts, 2, cycle)) {
		dti_buf_release(&key);
		return;
	}
	const struct srv_cached *epoch = srv_pub_epoch(q);
	const struct srv_cached *c = srv_cache_get(q->srv, key.data);
	if (c) {
		srv_resp_cached(r, c);
		dti_buf_release(&key);
		return;
	}
	long long t = 0;
	if (csv) {
		st = dti_cycle_results_render(q->store, cycle, DTI_FORMAT_CSV,
		                              lang, &out, &err);
		if (st != DTI_OK)
			srv_read_problem(q, r, st, &err, cycle);
		else if (published_time(q, r, cycle, &t) == 0)
			srv_pub_serve(q, r, epoch, key.data, type_csv, &out, t);
	} else {
		st = dti_cycle_results(q->store, cycle, 0, &out, &err);
		if (st != DTI_OK) {
			srv_read_problem(q, r, st, &err, cycle);
		} else {
			char at[32];
			t = snapshot_time(out.data, out.len, at);
			srv_pub_serve(q, r, epoch, key.data, type_json, &out,
			              t > 0 ? t : 0);
		}
	}
	dti_error_release(&err);
	dti_buf_release(&out);
	dti_buf_release(&key);
}

/* GET /api/v1/cycles/{cycle}/checkpoint */
static void h_checkpoint(struct srv_req *q, struct srv_resp *r)
{
	static const char *const none[] = {NULL};
	if (srv_query_only(q, r, none))
		return;
	const char *cycle = srv_param(q, "cycle");
	struct dti_buf key = DTI_BUF_INIT;
	if (srv_pub_key(&key, r, "checkpoint", NULL, 0, cycle)) {
		dti_buf_release(&key);
		return;
	}
	const struct srv_cached *epoch = srv_pub_epoch(q);
	const struct srv_cached *c = srv_cache_get(q->srv, key.data);
	if (c) {
		srv_resp_cached(r, c);
		dti_buf_release(&key);
		return;
	}
	struct dti_buf out = DTI_BUF_INIT;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_cycle_checkpoint(q->store, cycle, &out, &err);
	long long t = 0;
	if (st != DTI_OK)
		srv_read_problem(q, r, st, &err, cycle);
	else if (published_time(q, r, cycle, &t) == 0)
		srv_pub_serve(q, r, epoch, key.data, type_json, &out, t);
	dti_error_release(&err);
	dti_buf_release(&out);
	dti_buf_release(&key);
}

/* ---- Published views and the editor's preview (dti/views.h) --------------
 */

/* ?sort=rank|name|id into *sort; -1 with a 400 problem. */
static int query_sort(const struct srv_req *q, struct srv_resp *r,
                      enum dti_view_sort *sort)
{
	const char *v = srv_query(q, "sort");
	*sort = DTI_VIEW_SORT_RANK;
	if (!v || strcmp(v, "rank") == 0)
		return 0;
	if (strcmp(v, "name") == 0)
		*sort = DTI_VIEW_SORT_NAME;
	else if (strcmp(v, "id") == 0)
		*sort = DTI_VIEW_SORT_ID;
	else {
		srv_problem_field(r, 400, "bad_argument", "sort",
		                  "sort '%s': expected rank, name or id", v);
		return -1;
	}
	return 0;
}

/* ?since=YEAR into *year (0 if absent); -1 with a 400 problem. */
static int query_year(const struct srv_req *q, struct srv_resp *r,
                      const char *name, int *year)
{
	const char *v = srv_query(q, name);
	*year = 0;
	if (!v)
		return 0;
	int y = 0, digits = 0;
	for (const char *p = v; *p >= '0' && *p <= '9' && digits < 5; p++)
		y = y * 10 + (*p - '0'), digits++;
	if (digits != 4 || v[4] != '\0' || y < 1900) {
		srv_problem_field(r, 400, "bad_argument", name,
		                  "%s '%s': expected a year (2022)", name, v);
		return -1;
	}
	*year = y;
	return 0;
}

/*
 * GET /api/v1/cycles/{cycle}/ranking (?node ?group ?sort ?since ?lang
 * ?format=json|csv): the published ranking with the changes since earlier
 * published cycles (CSV adds the press-release sentence when ?since is
 * given, as `dti rank --cycle C --since Y --format csv`).
 */
static void h_ranking(struct srv_req *q, struct srv_resp *r)
{
	static const char *const allowed[] = {"node", "group",  "sort", "since",
	                                      "lang", "format", NULL};
	if (srv_query_only(q, r, allowed))
		return;
	int csv = 0;
	struct dti_view_opts vo;
	dti_view_opts_init(&vo);
	if (query_format(q, r, &csv) || query_lang(q, r, &vo.lang) ||
	    query_sort(q, r, &vo.sort) || query_year(q, r, "since", &vo.since))
		return;
	vo.node = srv_query(q, "node");
	vo.group = srv_query(q, "group");
	const char *cycle = srv_param(q, "cycle");
	char since[8];
	snprintf(since, sizeof since, "%d", vo.since);
	static const char *const sorts[] = {"rank", "name", "id"};
	const char *parts[] = {csv ? "csv" : "json",
	                       vo.lang == DTI_LANG_VI ? "vi" : "en",
	                       sorts[vo.sort],
	                       since,
	                       vo.node,
	                       vo.group};
	struct dti_buf key = DTI_BUF_INIT;
	if (srv_pub_key(&key, r, "ranking", parts, 6, cycle)) {
		dti_buf_release(&key);
		return;
	}
	const struct srv_cached *epoch = srv_pub_epoch(q);
	const struct srv_cached *c = srv_cache_get(q->srv, key.data);
	if (c) {
		srv_resp_cached(r, c);
		dti_buf_release(&key);
		return;
	}
	struct dti_ranking *rk = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	struct dti_buf out = DTI_BUF_INIT;
	enum dti_status st = dti_store_ranking(q->store, cycle, &vo, &rk, &err);
	if (st == DTI_OK)
		st = dti_ranking_write(rk,
		                       csv ? DTI_FORMAT_CSV : DTI_FORMAT_JSON,
		                       vo.lang, vo.since != 0, &out, &err);
	if (st != DTI_OK) {
		srv_read_problem(q, r, st, &err, cycle);
	} else {
		long long t = srv_parse_utc(rk->info.published_at);
		srv_pub_serve(q, r, epoch, key.data, csv ? type_csv : type_json,
		              &out, t > 0 ? t : 0);
	}
	dti_ranking_free(rk);
	dti_error_release(&err);
	dti_buf_release(&out);
	dti_buf_release(&key);
}

/*
 * GET /api/v1/cycles/{cycle}/units/{unit}/profile (?node ?since ?lang
 * ?top): a unit's values, ranks and changes in a published cycle, with the
 * sentence of the press releases and the explanation of a node (JSON).
 */
static void h_profile(struct srv_req *q, struct srv_resp *r)
{
	static const char *const allowed[] = {"node",   "since", "lang",
	                                      "format", "top",   NULL};
	if (srv_query_only(q, r, allowed))
		return;
	int csv = 0;
	struct dti_view_opts vo;
	dti_view_opts_init(&vo);
	if (query_format(q, r, &csv) || query_lang(q, r, &vo.lang) ||
	    query_year(q, r, "since", &vo.since))
		return;
	if (csv) {
		srv_problem_field(r, 400, "bad_argument", "format",
		                  "a profile is JSON only");
		return;
	}
	const char *top = srv_query(q, "top");
	if (top) {
		char *end = NULL;
		long n =
		    (*top >= '0' && *top <= '9') ? strtol(top, &end, 10) : -1;
		if (n < 1 || n > 100 || *end) {
			srv_problem_field(r, 400, "bad_argument", "top",
			                  "top '%s': expected 1 to 100", top);
			return;
		}
		vo.top = (size_t)n;
	}
	vo.node = srv_query(q, "node");
	const char *cycle = srv_param(q, "cycle");
	const char *unit = srv_param(q, "unit");
	char since[8], ntop[8];
	snprintf(since, sizeof since, "%d", vo.since);
	snprintf(ntop, sizeof ntop, "%zu", vo.top);
	const char *parts[] = {vo.lang == DTI_LANG_VI ? "vi" : "en", since,
	                       ntop, vo.node, unit};
	struct dti_buf key = DTI_BUF_INIT;
	if (srv_pub_key(&key, r, "profile", parts, 5, cycle)) {
		dti_buf_release(&key);
		return;
	}
	const struct srv_cached *epoch = srv_pub_epoch(q);
	const struct srv_cached *c = srv_cache_get(q->srv, key.data);
	if (c) {
		srv_resp_cached(r, c);
		dti_buf_release(&key);
		return;
	}
	struct dti_profile *p = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	struct dti_buf out = DTI_BUF_INIT;
	enum dti_status st =
	    dti_store_profile(q->store, cycle, unit, &vo, &p, &err);
	if (st == DTI_OK)
		st = dti_profile_write(p, DTI_FORMAT_JSON, vo.lang, &out, &err);
	if (st != DTI_OK) {
		srv_read_problem(q, r, st, &err, cycle);
	} else {
		long long t = srv_parse_utc(p->info.published_at);
		srv_pub_serve(q, r, epoch, key.data, type_json, &out,
		              t > 0 ? t : 0);
	}
	dti_profile_free(p);
	dti_error_release(&err);
	dti_buf_release(&out);
	dti_buf_release(&key);
}

/*
 * GET /api/v1/cycles/{cycle}/submissions/{unit}/preview (?lang): the
 * unit's likely score and rank with the figures as they are now.  Never
 * cached: the figures change.
 */
static void h_preview(struct srv_req *q, struct srv_resp *r)
{
	static const char *const allowed[] = {"lang", NULL};
	if (srv_query_only(q, r, allowed))
		return;
	enum dti_lang lang;
	if (query_lang(q, r, &lang))
		return;
	struct dti_submission_preview *p = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_submission_preview(
	    q->store, srv_param(q, "cycle"), srv_param(q, "unit"), &p, &err);
	if (st == DTI_OK) {
		dti_buf_reset(&r->body);
		st = dti_submission_preview_write(p, DTI_FORMAT_JSON, lang,
		                                  &r->body, &err);
		r->type = type_json;
	}
	if (st != DTI_OK)
		srv_problem_dti(r, st, &err, 0);
	dti_submission_preview_free(p);
	dti_error_release(&err);
}

const struct srv_route srv_routes_results[] = {
    {"POST", "/api/v1/cycles/{cycle}/compute", h_compute, SRV_WRITE},
    {"POST", "/api/v1/cycles/{cycle}/publish", h_publish, SRV_WRITE},
    {"GET", "/api/v1/published", h_published, SRV_PUBLIC},
    {"GET", "/api/v1/cycles/{cycle}/results", h_results, SRV_PUBLIC},
    {"GET", "/api/v1/cycles/{cycle}/checkpoint", h_checkpoint, SRV_PUBLIC},
    {"GET", "/api/v1/cycles/{cycle}/ranking", h_ranking, SRV_PUBLIC},
    {"GET", "/api/v1/cycles/{cycle}/units/{unit}/profile", h_profile,
     SRV_PUBLIC},
    {"GET", "/api/v1/cycles/{cycle}/submissions/{unit}/preview", h_preview, 0},
    {NULL, NULL, NULL, 0},
};
