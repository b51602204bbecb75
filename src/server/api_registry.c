/*
 * src/server/api_registry.c - endpoints of /api/v1 for the reference data
 * of the store (see doc/api.md): units and frameworks.
 *
 *   GET  /api/v1/units              the registry (?date=, ?group=)
 *   GET  /api/v1/units/{unit}       one unit (?date=, ?cycle=)
 *   GET  /api/v1/units/{unit}/targets  its targets tracked against the
 *                                   published results (?date=)
 *   POST /api/v1/units              import a registry {level, csv}
 *   GET  /api/v1/frameworks         the stored frameworks
 *   GET  /api/v1/frameworks/{ref}   one: metadata, nodes, weights, rules
 *   POST /api/v1/frameworks         store one {name, text}
 *
 * Units are named as everywhere else (id, code, name or alias, read on the
 * day given, a cycle's reference date, or today).  A framework is
 * immutable once stored (content-addressed), so its document carries a
 * strong ETag made of its SHA-256.  Missing values are null, never 0.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

/* A string, or null when empty. */
static void jstr(struct dti_json *j, const char *s)
{
	dti_json_string(j, s && *s ? s : NULL);
}

static void fail(struct srv_resp *r, enum dti_status st, struct dti_error *err)
{
	srv_problem_dti(r, st, err, 0);
	dti_error_release(err);
}

/* A date argument: absent (NULL), or "YYYY-MM-DD"; -1 with a 400. */
static int query_date(const struct srv_req *q, struct srv_resp *r,
                      const char *name, const char **out)
{
	*out = srv_query(q, name);
	if (*out && !dti_date_valid(*out)) {
		srv_problem_field(r, 400, "bad_argument", name,
		                  "%s must be a date YYYY-MM-DD that exists",
		                  name);
		return -1;
	}
	return 0;
}

/* ---- Units -------------------------------------------------------------- */

/* One unit as JSON; predecessors (an O(n) scan) only when asked. */
static void unit_json(struct dti_json *j, const struct dti_units *u, size_t i,
                      int with_predecessors)
{
	struct dti_unit_info ui;
	dti_units_get(u, i, &ui);
	dti_json_object_begin(j);
	dti_json_key(j, "id");
	dti_json_string(j, ui.id);
	dti_json_key(j, "code");
	jstr(j, ui.code);
	dti_json_key(j, "name_vi");
	dti_json_string(j, ui.name_vi);
	dti_json_key(j, "name_ascii");
	jstr(j, ui.name_ascii);
	dti_json_key(j, "group");
	jstr(j, ui.group);
	dti_json_key(j, "valid_from");
	jstr(j, ui.valid_from);
	dti_json_key(j, "valid_to");
	jstr(j, ui.valid_to);
	dti_json_key(j, "population");
	dti_json_double(j, ui.population);
	dti_json_key(j, "aliases");
	dti_json_array_begin(j);
	for (size_t a = 0; a < ui.naliases; a++)
		dti_json_string(j, ui.aliases[a]);
	dti_json_array_end(j);
	dti_json_key(j, "successors");
	dti_json_array_begin(j);
	for (size_t s = 0; s < ui.nsuccessors; s++) {
		struct dti_unit_info si;
		dti_units_get(u, ui.successors[s], &si);
		dti_json_string(j, si.id);
	}
	dti_json_array_end(j);
	if (with_predecessors) {
		dti_json_key(j, "predecessors");
		dti_json_array_begin(j);
		for (size_t k = 0; k < dti_units_count(u); k++) {
			struct dti_unit_info pi;
			dti_units_get(u, k, &pi);
			for (size_t s = 0; s < pi.nsuccessors; s++)
				if (pi.successors[s] == i)
					dti_json_string(j, pi.id);
		}
		dti_json_array_end(j);
	}
	dti_json_object_end(j);
}

struct sort_item {
	const char *name;
	const char *id;
	size_t index;
};

static int by_name(const void *a, const void *b)
{
	const struct sort_item *x = a, *y = b;
	int c = dti_text_collate(x->name, y->name);
	return c ? c : strcmp(x->id, y->id);
}

/* GET /api/v1/units */
static void h_units(struct srv_req *q, struct srv_resp *r)
{
	static const char *const allowed[] = {"date", "group", NULL};
	const char *date, *group = srv_query(q, "group");
	if (srv_query_only(q, r, allowed) || query_date(q, r, "date", &date))
		return;
	struct dti_units *u = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_store_units(q->store, &u, &err);
	if (st != DTI_OK) {
		fail(r, st, &err);
		return;
	}
	size_t n = dti_units_count(u), m = 0;
	struct sort_item *items = calloc(n ? n : 1, sizeof *items);
	if (!items) {
		dti_units_free(u);
		srv_problem_dti(r, DTI_ENOMEM, NULL, 0);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		struct dti_unit_info ui;
		dti_units_get(u, i, &ui);
		if (date && !dti_units_valid_on(u, i, date))
			continue;
		if (group && strcmp(ui.group, group) != 0)
			continue;
		items[m++] = (struct sort_item){ui.name_vi, ui.id, i};
	}
	qsort(items, m, sizeof *items, by_name);
	struct dti_json j;
	srv_json_begin(r, &j);
	dti_json_object_begin(&j);
	dti_json_key(&j, "date");
	dti_json_string(&j, date);
	dti_json_key(&j, "group");
	dti_json_string(&j, group);
	dti_json_key(&j, "units");
	dti_json_array_begin(&j);
	for (size_t k = 0; k < m; k++)
		unit_json(&j, u, items[k].index, 0);
	dti_json_array_end(&j);
	dti_json_object_end(&j);
	srv_json_end(r, &j);
	free(items);
	dti_units_free(u);
}

/* GET /api/v1/units/{unit} */
static void h_unit(struct srv_req *q, struct srv_resp *r)
{
	static const char *const allowed[] = {"date", "cycle", NULL};
	const char *date, *cycle = srv_query(q, "cycle");
	if (srv_query_only(q, r, allowed) || query_date(q, r, "date", &date))
		return;
	if (date && cycle) {
		srv_problem_field(r, 400, "bad_argument", "date",
		                  "give date or cycle, not both");
		return;
	}
	struct dti_unit_ref ref;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_store_unit_find(q->store, srv_param(q, "unit"),
	                                         cycle, date, &ref, &err);
	struct dti_units *u = NULL;
	if (st == DTI_OK)
		st = dti_store_units(q->store, &u, &err);
	if (st != DTI_OK) {
		fail(r, st, &err);
		return;
	}
	size_t idx = dti_units_count(u);
	for (size_t i = 0; i < dti_units_count(u); i++) {
		struct dti_unit_info ui;
		dti_units_get(u, i, &ui);
		if (strcmp(ui.id, ref.id) == 0)
			idx = i;
	}
	if (idx == dti_units_count(u)) {
		dti_units_free(u);
		srv_problem(r, 500, "internal",
		            "the unit found is not in the registry");
		return;
	}
	struct dti_json j;
	srv_json_begin(r, &j);
	dti_json_object_begin(&j);
	dti_json_key(&j, "read_on");
	dti_json_string(&j, ref.date);
	dti_json_key(&j, "unit");
	unit_json(&j, u, idx, 1);
	dti_json_object_end(&j);
	srv_json_end(r, &j);
	dti_units_free(u);
}

/*
 * GET /api/v1/units/{unit}/targets (?date=): the unit's targets, each
 * with its points, gap, projection and status (dti/targets.h), as the
 * JSON of dti_target_tracking_write.  Read-only; never cached (a target
 * may be set at any time).
 */
static void h_unit_targets(struct srv_req *q, struct srv_resp *r)
{
	static const char *const allowed[] = {"date", NULL};
	const char *date;
	if (srv_query_only(q, r, allowed) || query_date(q, r, "date", &date))
		return;
	struct dti_target_tracking *tk = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st =
	    dti_target_track(q->store, srv_param(q, "unit"), date, &tk, &err);
	if (st == DTI_OK) {
		dti_buf_reset(&r->body);
		r->type = "application/json";
		st = dti_target_tracking_write(tk, DTI_FORMAT_JSON, DTI_LANG_EN,
		                               &r->body, &err);
	}
	dti_target_tracking_free(tk);
	if (st != DTI_OK)
		fail(r, st, &err);
}

/* POST /api/v1/units {level, csv} */
static void h_units_import(struct srv_req *q, struct srv_resp *r)
{
	static const char *const fields[] = {"level", "csv", NULL};
	json_t *obj = srv_body_object(q, r, fields);
	if (!obj)
		return;
	const char *level = NULL, *csv = NULL;
	if (srv_field_string(obj, "level", 1, &level, r) < 0 ||
	    srv_field_string(obj, "csv", 1, &csv, r) < 0) {
		json_decref(obj);
		return;
	}
	struct dti_units *u = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	size_t added = 0, updated = 0;
	enum dti_status st = dti_units_parse(csv, strlen(csv), "csv", &u, &err);
	if (st == DTI_OK)
		st = dti_store_units_import(q->store, u, level, &added,
		                            &updated, &err);
	dti_units_free(u);
	if (st != DTI_OK) {
		json_decref(obj);
		fail(r, st, &err);
		return;
	}
	struct dti_json j;
	srv_json_begin(r, &j);
	dti_json_object_begin(&j);
	dti_json_key(&j, "level");
	dti_json_string(&j, level);
	dti_json_key(&j, "added");
	dti_json_int(&j, (long long)added);
	dti_json_key(&j, "updated");
	dti_json_int(&j, (long long)updated);
	dti_json_object_end(&j);
	srv_json_end(r, &j);
	json_decref(obj);
}

/* ---- Frameworks --------------------------------------------------------- */

static void framework_entry_json(struct dti_json *j,
                                 const struct dti_store_framework_entry *e)
{
	dti_json_object_begin(j);
	dti_json_key(j, "id");
	dti_json_string(j, e->id);
	dti_json_key(j, "version");
	jstr(j, e->version);
	dti_json_key(j, "sha256");
	dti_json_string(j, e->sha256);
	dti_json_key(j, "year");
	if (e->year)
		dti_json_int(j, e->year);
	else
		dti_json_null(j);
	dti_json_key(j, "level");
	jstr(j, e->level);
	dti_json_key(j, "name");
	jstr(j, e->name);
	dti_json_key(j, "added_at");
	jstr(j, e->added_at);
	dti_json_key(j, "added_by");
	jstr(j, e->added_by);
	dti_json_key(j, "cycles");
	dti_json_int(j, e->cycles);
	dti_json_object_end(j);
}

/* GET /api/v1/frameworks */
static void h_frameworks(struct srv_req *q, struct srv_resp *r)
{
	static const char *const none[] = {NULL};
	if (srv_query_only(q, r, none))
		return;
	struct dti_store_framework_list *l = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_store_framework_list(q->store, &l, &err);
	if (st != DTI_OK) {
		fail(r, st, &err);
		return;
	}
	struct dti_json j;
	srv_json_begin(r, &j);
	dti_json_object_begin(&j);
	dti_json_key(&j, "frameworks");
	dti_json_array_begin(&j);
	for (size_t i = 0; i < l->n; i++)
		framework_entry_json(&j, &l->frameworks[i]);
	dti_json_array_end(&j);
	dti_json_object_end(&j);
	srv_json_end(r, &j);
	dti_store_framework_list_free(l);
}

static void node_json(struct dti_json *j, const struct dti_framework *fw,
                      size_t i)
{
	struct dti_node_info ni;
	dti_framework_node(fw, i, &ni);
	dti_json_object_begin(j);
	dti_json_key(j, "code");
	dti_json_string(j, ni.code);
	dti_json_key(j, "name_vi");
	jstr(j, ni.name_vi);
	dti_json_key(j, "name_en");
	jstr(j, ni.name_en);
	dti_json_key(j, "kind");
	dti_json_string(j, dti_kind_name(ni.kind));
	dti_json_key(j, "unit");
	jstr(j, ni.unit);
	dti_json_key(j, "rule");
	jstr(j, ni.rule_text);
	dti_json_key(j, "params");
	jstr(j, ni.params_text);
	dti_json_key(j, "method");
	if (ni.nchildren)
		dti_json_string(j, dti_agg_name(ni.method));
	else
		dti_json_null(j);
	if (ni.nchildren && ni.method == DTI_AGG_GENMEAN) {
		dti_json_key(j, "power");
		dti_json_double(j, ni.power);
	}
	dti_json_key(j, "origin");
	dti_json_string(j, dti_origin_name(ni.origin));
	dti_json_key(j, "level");
	dti_json_int(j, ni.level);
	dti_json_key(j, "polarity");
	dti_json_int(j, ni.polarity);
	dti_json_key(j, "scored");
	dti_json_bool(j, ni.scored);
	dti_json_key(j, "points");
	dti_json_double(j, ni.points_known ? ni.points : NAN);
	dti_json_key(j, "weight");
	dti_json_double(j, ni.weight);
	dti_json_key(j, "parents");
	dti_json_array_begin(j);
	for (size_t p = 0; p < ni.nparents; p++) {
		struct dti_node_info pi;
		dti_framework_node(fw, ni.parents[p], &pi);
		dti_json_string(j, pi.code);
	}
	dti_json_array_end(j);
	dti_json_key(j, "children");
	dti_json_array_begin(j);
	for (size_t c = 0; c < ni.nchildren; c++) {
		struct dti_node_info ci;
		dti_framework_node(fw, ni.children[c], &ci);
		dti_json_object_begin(j);
		dti_json_key(j, "code");
		dti_json_string(j, ci.code);
		dti_json_key(j, "weight");
		dti_json_double(j, ni.child_weights[c]);
		dti_json_object_end(j);
	}
	dti_json_array_end(j);
	dti_json_key(j, "note");
	jstr(j, ni.note);
	dti_json_object_end(j);
}

/* GET /api/v1/frameworks/{ref} */
static void h_framework(struct srv_req *q, struct srv_resp *r)
{
	static const char *const none[] = {NULL};
	if (srv_query_only(q, r, none))
		return;
	struct dti_framework *fw = NULL;
	struct dti_store_framework_list *l = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st =
	    dti_store_framework(q->store, srv_param(q, "ref"), &fw, &err);
	if (st == DTI_OK)
		st = dti_store_framework_list(q->store, &l, &err);
	if (st != DTI_OK) {
		dti_framework_free(fw);
		fail(r, st, &err);
		return;
	}
	/* id@version names one stored text: its SHA-256 */
	const struct dti_store_framework_entry *e = NULL;
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->frameworks[i].id, dti_framework_id(fw)) == 0 &&
		    strcmp(l->frameworks[i].version,
		           dti_framework_version(fw)) == 0)
			e = &l->frameworks[i];
	struct dti_json j;
	srv_json_begin(r, &j);
	dti_json_object_begin(&j);
	dti_json_key(&j, "id");
	dti_json_string(&j, dti_framework_id(fw));
	dti_json_key(&j, "version");
	jstr(&j, dti_framework_version(fw));
	dti_json_key(&j, "sha256");
	dti_json_string(&j, e ? e->sha256 : NULL);
	dti_json_key(&j, "year");
	if (dti_framework_year(fw))
		dti_json_int(&j, dti_framework_year(fw));
	else
		dti_json_null(&j);
	dti_json_key(&j, "scoring");
	dti_json_string(&j,
	                dti_framework_uses_points(fw) ? "points" : "weights");
	dti_json_key(&j, "scale");
	dti_json_double(&j, dti_framework_scale(fw));
	dti_json_key(&j, "precision");
	dti_json_int(&j, dti_framework_precision(fw));
	dti_json_key(&j, "missing");
	dti_json_string(&j, dti_missing_name(dti_framework_missing(fw)));
	dti_json_key(&j, "group_by");
	jstr(&j, dti_framework_group_by(fw));
	struct dti_node_info root;
	dti_framework_node(fw, dti_framework_root(fw), &root);
	dti_json_key(&j, "root");
	dti_json_string(&j, root.code);
	dti_json_key(&j, "meta");
	dti_json_object_begin(&j);
	for (size_t i = 0; i < dti_framework_meta_count(fw); i++) {
		const char *k, *v;
		dti_framework_meta_at(fw, i, &k, &v);
		dti_json_key(&j, k);
		dti_json_string(&j, v);
	}
	dti_json_object_end(&j);
	dti_json_key(&j, "nodes");
	dti_json_array_begin(&j);
	for (size_t i = 0; i < dti_framework_node_count(fw); i++)
		node_json(&j, fw, i);
	dti_json_array_end(&j);
	dti_json_key(&j, "warnings");
	dti_json_array_begin(&j);
	for (size_t w = 0; w < dti_framework_warning_count(fw); w++) {
		char line[1024];
		dti_diag_format(dti_framework_warning(fw, w), line,
		                sizeof line);
		dti_json_string(&j, line);
	}
	dti_json_array_end(&j);
	dti_json_object_end(&j);
	srv_json_end(r, &j);
	/* the document follows from the stored text alone */
	if (e && r->status == 200)
		snprintf(r->etag, sizeof r->etag, "\"fw-%.64s\"", e->sha256);
	dti_store_framework_list_free(l);
	dti_framework_free(fw);
}

/* POST /api/v1/frameworks {name, text} */
static void h_framework_add(struct srv_req *q, struct srv_resp *r)
{
	static const char *const fields[] = {"name", "text", NULL};
	json_t *obj = srv_body_object(q, r, fields);
	if (!obj)
		return;
	const char *name = NULL, *text = NULL;
	if (srv_field_string(obj, "name", 1, &name, r) < 0 ||
	    srv_field_string(obj, "text", 1, &text, r) < 0) {
		json_decref(obj);
		return;
	}
	struct dti_framework *fw = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	char sha[65] = "";
	/* parsed here too, to answer with its id and version */
	enum dti_status st =
	    dti_framework_parse(text, strlen(text), name, &fw, &err);
	if (st == DTI_OK)
		st = dti_store_framework_add(q->store, text, strlen(text), name,
		                             sha, &err);
	if (st != DTI_OK) {
		dti_framework_free(fw);
		json_decref(obj);
		fail(r, st, &err);
		return;
	}
	struct dti_json j;
	srv_json_begin(r, &j);
	dti_json_object_begin(&j);
	dti_json_key(&j, "id");
	dti_json_string(&j, dti_framework_id(fw));
	dti_json_key(&j, "version");
	jstr(&j, dti_framework_version(fw));
	dti_json_key(&j, "sha256");
	dti_json_string(&j, sha);
	dti_json_object_end(&j);
	srv_json_end(r, &j);
	if (r->status == 200) {
		char loc[128];
		r->status = 201;
		snprintf(loc, sizeof loc, "/api/v1/frameworks/%s", sha);
		srv_resp_header(r, "Location", loc);
	}
	dti_framework_free(fw);
	json_decref(obj);
}

const struct srv_route srv_routes_registry[] = {
    {"GET", "/api/v1/units", h_units, 0},
    {"POST", "/api/v1/units", h_units_import, SRV_WRITE},
    {"GET", "/api/v1/units/{unit}", h_unit, 0},
    {"GET", "/api/v1/units/{unit}/targets", h_unit_targets, 0},
    {"GET", "/api/v1/frameworks", h_frameworks, 0},
    {"POST", "/api/v1/frameworks", h_framework_add, SRV_WRITE},
    {"GET", "/api/v1/frameworks/{ref}", h_framework, 0},
    {NULL, NULL, NULL, 0},
};
