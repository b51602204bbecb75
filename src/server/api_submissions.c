/*
 * src/server/api_submissions.c - endpoints of /api/v1 for submissions,
 * their figures and evidence, and the review (see doc/api.md).
 *
 *   POST   /api/v1/cycles/{cycle}/submissions           add one {unit}
 *   POST   /api/v1/cycles/{cycle}/import                a data file (CSV,
 *                                                         .xlsx)
 *   GET    /api/v1/cycles/{cycle}/submissions/{unit}    the submission
 *   PATCH  /api/v1/cycles/{cycle}/submissions/{unit}    {figures: [...]}
 *   POST   .../submissions/{unit}/submit|exclude        state changes
 *   POST   .../submissions/{unit}/evidence              multipart upload
 *   GET    /api/v1/evidence/{id}                        the file
 *   DELETE /api/v1/evidence/{id}                        remove it
 *   POST   .../submissions/{unit}/adjust|return|approve the review
 *
 * Every rule (who, which state, values against indicator rules, deadlines)
 * is the library's; a handler only reads the request strictly, calls one
 * function and answers with the submission as GET gives it and its ETag
 * ("v<version>").  A unit is named as in the command line, read on the
 * cycle's reference date.  A change sent with If-Match is refused with 412
 * when the submission moved on: the library checks the version where it
 * takes one; exclude and evidence, which take none, are checked here, in
 * the same step as the change since writes hold the server's write lock.
 *
 * An evidence file goes back byte for byte with its stored media type
 * (from a fixed list: a type read from the store is never echoed into a
 * header unchecked) as an attachment whose file name is RFC 5987 encoded.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "multipart.h"
#include "server.h"

#define MAX_FIGURE_EDITS 10000
#define MAX_IGNORE       32

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

/* The unit of the path, read on the cycle's reference date; 0 or -1. */
static int path_unit(struct srv_req *q, struct srv_resp *r,
                     struct dti_unit_ref *ref)
{
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st =
	    dti_store_unit_find(q->store, srv_param(q, "unit"),
	                        srv_param(q, "cycle"), NULL, ref, &err);
	if (st != DTI_OK) {
		fail(r, st, &err, 0);
		return -1;
	}
	dti_error_release(&err);
	return 0;
}

/* A request that carries no body, or an empty JSON object; 0 or -1. */
static int no_body(const struct srv_req *q, struct srv_resp *r)
{
	static const char *const none[] = {NULL};
	if (q->body_len == 0)
		return 0;
	json_t *obj = srv_body_object(q, r, none);
	if (!obj)
		return -1;
	json_decref(obj);
	return 0;
}

/* ---- The submission as JSON ----------------------------------------------
 */

static void percent_path(char *out, size_t n, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t k = 0;
	for (; *s && k + 4 < n; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || strchr("-._~", c)) {
			out[k++] = (char)c;
		} else {
			out[k++] = '%';
			out[k++] = hex[c >> 4];
			out[k++] = hex[c & 15];
		}
	}
	out[k] = '\0';
}

static void evidence_json(struct dti_json *j,
                          const struct dti_evidence_entry *e)
{
	dti_json_object_begin(j);
	dti_json_key(j, "id");
	dti_json_int(j, e->id);
	dti_json_key(j, "indicator");
	jstr(j, e->indicator);
	dti_json_key(j, "doc_number");
	jstr(j, e->doc_number);
	dti_json_key(j, "doc_date");
	jstr(j, e->doc_date);
	dti_json_key(j, "issuer");
	jstr(j, e->issuer);
	dti_json_key(j, "title");
	jstr(j, e->title);
	dti_json_key(j, "link");
	jstr(j, e->link);
	dti_json_key(j, "file");
	if (e->sha256 && *e->sha256) {
		char url[64];
		snprintf(url, sizeof url, "/api/v1/evidence/%lld",
		         (long long)e->id);
		dti_json_object_begin(j);
		dti_json_key(j, "filename");
		dti_json_string(j, e->filename);
		dti_json_key(j, "media_type");
		dti_json_string(j, e->media_type);
		dti_json_key(j, "size");
		dti_json_int(j, e->size);
		dti_json_key(j, "sha256");
		dti_json_string(j, e->sha256);
		dti_json_key(j, "url");
		dti_json_string(j, url);
		dti_json_object_end(j);
	} else {
		dti_json_null(j);
	}
	dti_json_key(j, "added_at");
	jstr(j, e->added_at);
	dti_json_key(j, "added_by");
	jstr(j, e->added_by);
	dti_json_object_end(j);
}

static void view_json(struct dti_json *j, const struct dti_submission_view *v)
{
	dti_json_object_begin(j);
	dti_json_key(j, "cycle");
	dti_json_string(j, v->cycle);
	dti_json_key(j, "unit");
	dti_json_string(j, v->unit);
	dti_json_key(j, "name");
	dti_json_string(j, v->name);
	dti_json_key(j, "state");
	dti_json_string(j, dti_sub_state_name(v->state));
	dti_json_key(j, "version");
	dti_json_int(j, v->version);
	dti_json_key(j, "submitted_at");
	jstr(j, v->submitted_at);
	dti_json_key(j, "updated_at");
	jstr(j, v->updated_at);
	dti_json_key(j, "updated_by");
	jstr(j, v->updated_by);
	dti_json_key(j, "return_comment");
	jstr(j, v->return_comment);
	dti_json_key(j, "exclude_reason");
	jstr(j, v->exclude_reason);
	dti_json_key(j, "figures");
	dti_json_array_begin(j);
	for (size_t i = 0; i < v->nfigures; i++) {
		const struct dti_figure_entry *f = &v->figures[i];
		dti_json_object_begin(j);
		dti_json_key(j, "indicator");
		dti_json_string(j, f->indicator);
		dti_json_key(j, "value");
		dti_json_double(j, f->value);
		dti_json_key(j, "self_points");
		dti_json_double(j, f->points);
		dti_json_key(j, "comment");
		jstr(j, f->comment);
		dti_json_key(j, "reviewed_value");
		dti_json_double(j, f->reviewed);
		dti_json_key(j, "review_reason");
		jstr(j, f->review_reason);
		dti_json_key(j, "reviewed_by");
		jstr(j, f->reviewed_by);
		dti_json_key(j, "updated_at");
		jstr(j, f->updated_at);
		dti_json_key(j, "updated_by");
		jstr(j, f->updated_by);
		dti_json_object_end(j);
	}
	dti_json_array_end(j);
	dti_json_key(j, "evidence");
	dti_json_array_begin(j);
	for (size_t i = 0; i < v->nevidence; i++)
		evidence_json(j, &v->evidence[i]);
	dti_json_array_end(j);
	dti_json_object_end(j);
}

/*
 * Answers with the submission as GET gives it, with its ETag; status 200
 * or 201.
 */
/*
 * The submission as the change left it.  Inside a group of edits it is read
 * on the group's writer connection before the group commits (its page
 * cache is warm; a reader connection would read the pages the commit
 * changed again): if the commit fails, every reply of the group becomes a
 * 503 (serve.c).
 */
static void sub_reply(struct srv_req *q, struct srv_resp *r, const char *cycle,
                      const char *unit, int status)
{
	struct dti_submission_view *v = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st =
	    dti_submission_view(q->store, cycle, unit, &v, &err);
	if (st != DTI_OK) {
		fail(r, st, &err, 0);
		return;
	}
	struct dti_json j;
	srv_json_begin(r, &j);
	view_json(&j, v);
	srv_json_end(r, &j);
	if (r->status == 200) {
		r->status = status;
		srv_etag_version(r, v->version);
	}
	dti_submission_view_free(v);
}

/*
 * The If-Match check of a change the library takes no version for: 0 when
 * it holds (or no If-Match was sent), else -1 with a 412 (or the failure
 * of reading the submission).
 */
static int check_version(struct srv_req *q, struct srv_resp *r,
                         const char *cycle, const char *unit, int had,
                         int64_t expected)
{
	if (!had)
		return 0;
	struct dti_submission_info si;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st =
	    dti_submission_get(q->store, cycle, unit, &si, &err);
	if (st != DTI_OK) {
		fail(r, st, &err, had);
		return -1;
	}
	if (si.version != expected) {
		srv_problem_field(r, 412, "conflict", "version",
		                  "the submission changed since you read it "
		                  "(your version %lld, now %lld): reload and "
		                  "try again",
		                  (long long)expected, (long long)si.version);
		return -1;
	}
	return 0;
}

/* GET /api/v1/cycles/{cycle}/submissions/{unit} */
static void h_sub_get(struct srv_req *q, struct srv_resp *r)
{
	static const char *const none[] = {NULL};
	struct dti_unit_ref ref;
	if (srv_query_only(q, r, none) || path_unit(q, r, &ref))
		return;
	sub_reply(q, r, srv_param(q, "cycle"), ref.id, 200);
}

/* POST /api/v1/cycles/{cycle}/submissions {unit} */
static void h_sub_create(struct srv_req *q, struct srv_resp *r)
{
	static const char *const fields[] = {"unit", NULL};
	json_t *obj = srv_body_object(q, r, fields);
	if (!obj)
		return;
	const char *cycle = srv_param(q, "cycle"), *text = NULL;
	struct dti_unit_ref ref;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = DTI_OK;
	if (srv_field_string(obj, "unit", 1, &text, r) < 0)
		goto out;
	st = dti_store_unit_find(q->store, text, cycle, NULL, &ref, &err);
	if (st == DTI_OK)
		st = dti_submission_create(q->store, cycle, ref.id, &err);
	if (st != DTI_OK) {
		fail(r, st, &err, 0);
		goto out;
	}
	dti_error_release(&err);
	sub_reply(q, r, cycle, ref.id, 201);
	if (r->status == 201) {
		char u[200], loc[320];
		percent_path(u, sizeof u, ref.id);
		snprintf(loc, sizeof loc, "/api/v1/cycles/%s/submissions/%s",
		         cycle, u);
		srv_resp_header(r, "Location", loc);
	}
out:
	json_decref(obj);
}

/* ---- Figures ---------------------------------------------------------------
 */

/* An item's field problem, named "figures[3].value". */
static void item_problem(struct srv_resp *r, const char *code, size_t i,
                         const char *key, const char *what)
{
	char field[96];
	if (key)
		snprintf(field, sizeof field, "figures[%zu].%s", i, key);
	else
		snprintf(field, sizeof field, "figures[%zu]", i);
	srv_problem_field(r, 400, code, field, "%s %s", field, what);
}

/* A string member of item i: 1 if present, 0 if absent, -1 with a 400. */
static int item_string(json_t *item, size_t i, const char *key,
                       const char **out, struct srv_resp *r)
{
	json_t *v = json_object_get(item, key);
	if (!v)
		return 0;
	if (!json_is_string(v) ||
	    strlen(json_string_value(v)) != json_string_length(v)) {
		item_problem(r, "bad_type", i, key,
		             "must be a string (without NUL characters)");
		return -1;
	}
	*out = json_string_value(v);
	return 1;
}

/* A number member of item i: 1, 0 if absent, -1 with a 400 (null too). */
static int item_number(json_t *item, size_t i, const char *key, double *out,
                       struct srv_resp *r)
{
	json_t *v = json_object_get(item, key);
	if (!v)
		return 0;
	if (!json_is_number(v) || !isfinite(json_number_value(v))) {
		item_problem(r, "bad_type", i, key,
		             "must be a number (an entry is removed with "
		             "\"clear\": true)");
		return -1;
	}
	*out = json_number_value(v);
	return 1;
}

/*
 * Reads {figures: [...]} into edits (n of them, allocated: the caller
 * frees); their strings point into the document obj.  0 or -1.
 */
static int read_figures(json_t *obj, struct srv_resp *r,
                        struct dti_figure_edit **edits, size_t *n)
{
	static const char *const keys[] = {
	    "indicator", "value", "value_text", "self_points",
	    "comment",   "clear", NULL};
	*edits = NULL;
	*n = 0;
	json_t *a = json_object_get(obj, "figures");
	if (!a || json_is_null(a)) {
		srv_problem_field(r, 400, "missing_field", "figures",
		                  "field 'figures' is required");
		return -1;
	}
	if (!json_is_array(a)) {
		srv_problem_field(r, 400, "bad_type", "figures",
		                  "field 'figures' must be an array");
		return -1;
	}
	size_t count = json_array_size(a);
	if (count == 0) {
		srv_problem_field(r, 400, "bad_argument", "figures",
		                  "figures holds nothing to change");
		return -1;
	}
	if (count > MAX_FIGURE_EDITS) {
		srv_problem_field(r, 413, "too_large", "figures",
		                  "at most %d figures in one change (%zu sent)",
		                  MAX_FIGURE_EDITS, count);
		return -1;
	}
	struct dti_figure_edit *e = calloc(count, sizeof *e);
	if (!e) {
		srv_problem_dti(r, DTI_ENOMEM, NULL, 0);
		return -1;
	}
	for (size_t i = 0; i < count; i++) {
		json_t *item = json_array_get(a, i);
		if (!json_is_object(item)) {
			item_problem(r, "bad_type", i, NULL,
			             "must be an object");
			goto bad;
		}
		const char *key;
		json_t *v;
		json_object_foreach(item, key, v)
		{
			int ok = 0;
			for (size_t k = 0; keys[k]; k++)
				if (strcmp(key, keys[k]) == 0)
					ok = 1;
			if (!ok) {
				item_problem(r, "unknown_field", i, key,
				             "is not a field of a figure "
				             "(indicator, value, value_text, "
				             "self_points, comment, clear)");
				goto bad;
			}
		}
		dti_figure_edit_init(&e[i], NULL);
		const char *ind = NULL;
		int rc = item_string(item, i, "indicator", &ind, r);
		if (rc < 0)
			goto bad;
		if (rc == 0 || !*ind) {
			item_problem(r, "missing_field", i, "indicator",
			             "is required");
			goto bad;
		}
		e[i].indicator = ind;
		int hv = item_number(item, i, "value", &e[i].value, r);
		int ht =
		    item_string(item, i, "value_text", &e[i].value_text, r);
		int hp =
		    item_number(item, i, "self_points", &e[i].self_points, r);
		int hc = item_string(item, i, "comment", &e[i].comment, r);
		if (hv < 0 || ht < 0 || hp < 0 || hc < 0)
			goto bad;
		json_t *cl = json_object_get(item, "clear");
		if (cl && !json_is_boolean(cl)) {
			item_problem(r, "bad_type", i, "clear",
			             "must be true or false");
			goto bad;
		}
		e[i].clear = cl && json_is_true(cl);
		if (hv && ht) {
			item_problem(r, "bad_argument", i, "value_text",
			             "and value are both given: send one");
			goto bad;
		}
		if (e[i].clear && (hv || ht || hp || hc)) {
			item_problem(r, "bad_argument", i, "clear",
			             "removes the entry: send no value, "
			             "points or comment with it");
			goto bad;
		}
		if (!e[i].clear && !hv && !ht && !hp && !hc) {
			item_problem(r, "bad_argument", i, NULL,
			             "changes nothing: give value, "
			             "value_text, self_points, comment or "
			             "clear");
			goto bad;
		}
	}
	*edits = e;
	*n = count;
	return 0;
bad:
	free(e);
	return -1;
}

/* PATCH /api/v1/cycles/{cycle}/submissions/{unit} */
static void h_sub_patch(struct srv_req *q, struct srv_resp *r)
{
	static const char *const fields[] = {"figures", NULL};
	int64_t expected = 0;
	int had = srv_if_match(q, r, &expected);
	if (had < 0)
		return;
	json_t *obj = srv_body_object(q, r, fields);
	if (!obj)
		return;
	struct dti_figure_edit *edits = NULL;
	size_t n = 0;
	struct dti_unit_ref ref;
	const char *cycle = srv_param(q, "cycle");
	if (read_figures(obj, r, &edits, &n) == 0 &&
	    path_unit(q, r, &ref) == 0) {
		struct dti_error err = DTI_ERROR_INIT;
		enum dti_status st = dti_submission_edit(
		    q->store, cycle, ref.id, edits, n, expected, &err);
		if (st != DTI_OK)
			fail(r, st, &err, had);
		else {
			dti_error_release(&err);
			sub_reply(q, r, cycle, ref.id, 200);
		}
	}
	free(edits);
	json_decref(obj);
}

/*
 * POST /api/v1/cycles/{cycle}/submissions/{unit}/preview: the preview with
 * the figures of the body tried (as a PATCH would set them, with the same
 * checks), stored nowhere: an editor's live preview while typing.
 */
static void h_preview_try(struct srv_req *q, struct srv_resp *r)
{
	static const char *const fields[] = {"figures", NULL};
	if (srv_query_only(q, r, NULL))
		return;
	json_t *obj = srv_body_object(q, r, fields);
	if (!obj)
		return;
	struct dti_figure_edit *edits = NULL;
	size_t n = 0;
	struct dti_unit_ref ref;
	const char *cycle = srv_param(q, "cycle");
	if (read_figures(obj, r, &edits, &n) == 0 &&
	    path_unit(q, r, &ref) == 0) {
		struct dti_error err = DTI_ERROR_INIT;
		struct dti_submission_preview *p = NULL;
		enum dti_status st = dti_submission_preview_with(
		    q->store, cycle, ref.id, edits, n, &p, &err);
		if (st == DTI_OK) {
			dti_buf_reset(&r->body);
			st = dti_submission_preview_write(
			    p, DTI_FORMAT_JSON, DTI_LANG_EN, &r->body, &err);
			r->type = "application/json";
		}
		if (st != DTI_OK)
			fail(r, st, &err, 0);
		else
			dti_error_release(&err);
		dti_submission_preview_free(p);
	}
	free(edits);
	json_decref(obj);
}

/* 1 if the Content-Type is text/csv (UTF-8 or no charset). */
static int is_csv(const char *ct)
{
	if (!ct)
		return 0;
	while (*ct == ' ')
		ct++;
	if (strncasecmp(ct, "text/csv", 8) != 0)
		return 0;
	const char *p = ct + 8;
	while (*p == ' ')
		p++;
	if (!*p)
		return 1;
	if (*p != ';')
		return 0;
	const char *cs = strstr(p, "charset=");
	if (!cs)
		return 1;
	cs += 8;
	if (*cs == '"')
		cs++;
	return strncasecmp(cs, "utf-8", 5) == 0;
}

#define XLSX_TYPE                                                              \
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

/* A workbook's media type (a filled form of dti template). */
static int is_xlsx(const char *ct)
{
	size_t n = strlen(XLSX_TYPE);
	return ct && strncasecmp(ct, XLSX_TYPE, n) == 0 &&
	       (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

/* POST /api/v1/cycles/{cycle}/import (text/csv or .xlsx, ?data_cycle=,
 * ?ignore=): the figures, then the evidence column */
static void h_import(struct srv_req *q, struct srv_resp *r)
{
	static const char *const allowed[] = {"data_cycle", "ignore", NULL};
	if (srv_query_only(q, r, allowed))
		return;
	const char *ctype = srv_header(q, "Content-Type");
	if (!is_csv(ctype) && !is_xlsx(ctype)) {
		srv_problem_field(r, 415, "unsupported_media_type",
		                  "Content-Type",
		                  "the body must be a data file as text/csv "
		                  "(UTF-8) or a workbook (" XLSX_TYPE ")");
		return;
	}
	const char *ignore[MAX_IGNORE];
	size_t nignore = 0;
	for (size_t i = 0; i < q->nquery; i++) {
		if (strcmp(q->query[i].name, "ignore") != 0)
			continue;
		if (nignore == MAX_IGNORE) {
			srv_problem_field(r, 400, "bad_argument", "ignore",
			                  "at most %d columns to ignore",
			                  MAX_IGNORE);
			return;
		}
		ignore[nignore++] = q->query[i].value ? q->query[i].value : "";
	}
	const char *cycle = srv_param(q, "cycle");
	const char *data_cycle = srv_query(q, "data_cycle");
	struct dti_cycle_info ci;
	struct dti_framework *fw = NULL;
	struct dti_units *units = NULL;
	struct dti_dataset *ds = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	size_t nu = 0, nf = 0;
	enum dti_status st = dti_cycle_get(q->store, cycle, &ci, &err);
	if (st == DTI_OK)
		st = dti_store_framework(q->store, ci.framework_sha, &fw, &err);
	if (st == DTI_OK)
		st = dti_store_units(q->store, &units, &err);
	if (st == DTI_OK) {
		struct dti_read_opts ro;
		dti_read_opts_init(&ro);
		ro.ignore = ignore;
		ro.nignore = nignore;
		/* names as on the cycle's reference date, as everywhere */
		ro.date = ci.ref_date[0] ? ci.ref_date : NULL;
		st = dti_dataset_parse(fw, units, q->body, q->body_len, "body",
		                       &ro, &ds, &err);
	}
	if (st == DTI_OK)
		st = dti_submission_import(q->store, cycle, ds, data_cycle, &nu,
		                           &nf, &err);
	size_t ne = 0;
	if (st == DTI_OK)
		st = dti_submission_import_evidence(q->store, cycle, ds,
		                                    data_cycle, &ne, &err);
	if (st != DTI_OK) {
		fail(r, st, &err, 0);
	} else {
		dti_error_release(&err);
		struct dti_json j;
		srv_json_begin(r, &j);
		dti_json_object_begin(&j);
		dti_json_key(&j, "cycle");
		dti_json_string(&j, cycle);
		dti_json_key(&j, "units");
		dti_json_int(&j, (long long)nu);
		dti_json_key(&j, "figures");
		dti_json_int(&j, (long long)nf);
		dti_json_key(&j, "evidence");
		dti_json_int(&j, (long long)ne);
		dti_json_object_end(&j);
		srv_json_end(r, &j);
	}
	dti_dataset_free(ds);
	dti_framework_free(fw);
	dti_units_free(units);
}

/* ---- Submit, exclude -------------------------------------------------------
 */

/* POST .../submissions/{unit}/submit */
static void h_submit(struct srv_req *q, struct srv_resp *r)
{
	int64_t expected = 0;
	int had = srv_if_match(q, r, &expected);
	struct dti_unit_ref ref;
	if (had < 0 || no_body(q, r) || path_unit(q, r, &ref))
		return;
	const char *cycle = srv_param(q, "cycle");
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st =
	    dti_submission_submit(q->store, cycle, ref.id, expected, &err);
	if (st != DTI_OK) {
		fail(r, st, &err, had);
		return;
	}
	dti_error_release(&err);
	sub_reply(q, r, cycle, ref.id, 200);
}

/* POST .../submissions/{unit}/exclude {reason} */
static void h_exclude(struct srv_req *q, struct srv_resp *r)
{
	static const char *const fields[] = {"reason", NULL};
	int64_t expected = 0;
	int had = srv_if_match(q, r, &expected);
	if (had < 0)
		return;
	json_t *obj = srv_body_object(q, r, fields);
	if (!obj)
		return;
	const char *reason = NULL, *cycle = srv_param(q, "cycle");
	struct dti_unit_ref ref;
	if (srv_field_string(obj, "reason", 1, &reason, r) < 0 ||
	    path_unit(q, r, &ref) ||
	    check_version(q, r, cycle, ref.id, had, expected))
		goto out;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st =
	    dti_submission_exclude(q->store, cycle, ref.id, reason, &err);
	if (st != DTI_OK) {
		fail(r, st, &err, had);
		goto out;
	}
	dti_error_release(&err);
	sub_reply(q, r, cycle, ref.id, 200);
out:
	json_decref(obj);
}

/* ---- Review ----------------------------------------------------------------
 */

/* POST .../submissions/{unit}/adjust {indicator, value, reason} */
static void h_adjust(struct srv_req *q, struct srv_resp *r)
{
	static const char *const fields[] = {"indicator", "value", "reason",
	                                     NULL};
	int64_t expected = 0;
	int had = srv_if_match(q, r, &expected);
	if (had < 0)
		return;
	json_t *obj = srv_body_object(q, r, fields);
	if (!obj)
		return;
	const char *ind = NULL, *reason = NULL, *cycle = srv_param(q, "cycle");
	double value = NAN;
	struct dti_unit_ref ref;
	if (srv_field_string(obj, "indicator", 1, &ind, r) < 0 ||
	    srv_field_number(obj, "value", 0, &value, r) < 0 ||
	    srv_field_string(obj, "reason", 0, &reason, r) < 0)
		goto out;
	/* null removes the adjustment; absent is a mistake, not a removal */
	if (!json_object_get(obj, "value")) {
		srv_problem_field(r, 400, "missing_field", "value",
		                  "field 'value' is required (null removes "
		                  "the adjustment)");
		goto out;
	}
	if (path_unit(q, r, &ref))
		goto out;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_review_adjust(q->store, cycle, ref.id, ind,
	                                       value, reason, expected, &err);
	if (st != DTI_OK) {
		fail(r, st, &err, had);
		goto out;
	}
	dti_error_release(&err);
	sub_reply(q, r, cycle, ref.id, 200);
out:
	json_decref(obj);
}

/* POST .../submissions/{unit}/return {comment} */
static void h_return(struct srv_req *q, struct srv_resp *r)
{
	static const char *const fields[] = {"comment", NULL};
	int64_t expected = 0;
	int had = srv_if_match(q, r, &expected);
	if (had < 0)
		return;
	json_t *obj = srv_body_object(q, r, fields);
	if (!obj)
		return;
	const char *comment = NULL, *cycle = srv_param(q, "cycle");
	struct dti_unit_ref ref;
	if (srv_field_string(obj, "comment", 1, &comment, r) < 0 ||
	    path_unit(q, r, &ref))
		goto out;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st =
	    dti_review_return(q->store, cycle, ref.id, comment, expected, &err);
	if (st != DTI_OK) {
		fail(r, st, &err, had);
		goto out;
	}
	dti_error_release(&err);
	sub_reply(q, r, cycle, ref.id, 200);
out:
	json_decref(obj);
}

/* POST .../submissions/{unit}/approve */
static void h_approve(struct srv_req *q, struct srv_resp *r)
{
	int64_t expected = 0;
	int had = srv_if_match(q, r, &expected);
	struct dti_unit_ref ref;
	if (had < 0 || no_body(q, r) || path_unit(q, r, &ref))
		return;
	const char *cycle = srv_param(q, "cycle");
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st =
	    dti_review_approve(q->store, cycle, ref.id, expected, &err);
	if (st != DTI_OK) {
		fail(r, st, &err, had);
		return;
	}
	dti_error_release(&err);
	sub_reply(q, r, cycle, ref.id, 200);
}

/* ---- Evidence --------------------------------------------------------------
 */

/* A text field of the form: NULL if absent; -1 with a 400 if not text. */
static int form_text(const struct mp_form *f, const char *name, char **out,
                     struct srv_resp *r)
{
	*out = NULL;
	const struct mp_part *p = mp_get(f, name);
	if (!p)
		return 0;
	if (p->is_file) {
		srv_problem_field(r, 400, "bad_type", name,
		                  "field '%s' must be text, not a file", name);
		return -1;
	}
	if (p->len > 4096 || memchr(p->data, '\0', p->len) ||
	    dti_text_check_utf8(p->data, p->len, name, NULL) != DTI_OK) {
		srv_problem_field(r, 400, "bad_encoding", name,
		                  "field '%s' must be UTF-8 text of at most "
		                  "4096 bytes",
		                  name);
		return -1;
	}
	*out = malloc(p->len + 1);
	if (!*out) {
		srv_problem_dti(r, DTI_ENOMEM, NULL, 0);
		return -1;
	}
	memcpy(*out, p->data, p->len);
	(*out)[p->len] = '\0';
	return 1;
}

/* POST .../submissions/{unit}/evidence (multipart/form-data) */
static void h_evidence_add(struct srv_req *q, struct srv_resp *r)
{
	static const char *const names[] = {
	    "file",   "indicator", "doc_number", "doc_date",
	    "issuer", "title",     "link",       NULL};
	enum { F_IND, F_NUM, F_DATE, F_ISSUER, F_TITLE, F_LINK, NTEXT };
	int64_t expected = 0;
	int had = srv_if_match(q, r, &expected);
	if (had < 0)
		return;
	struct mp_form f;
	mp_form_init(&f);
	char why[512], field[MP_MAX_NAME + 1];
	char *text[NTEXT] = {NULL};
	int rc = mp_parse(srv_header(q, "Content-Type"), q->body, q->body_len,
	                  &f, why, sizeof why, field, sizeof field);
	if (rc == MP_ENOTFORM) {
		srv_problem_field(r, 415, "unsupported_media_type",
		                  "Content-Type", "%s", why);
		goto out;
	}
	if (rc == MP_ENOMEM) {
		srv_problem_dti(r, DTI_ENOMEM, NULL, 0);
		goto out;
	}
	if (rc) {
		srv_problem_field(r, 400, "bad_argument", field,
		                  "malformed multipart body: %s", why);
		goto out;
	}
	for (size_t i = 0; i < f.n; i++) {
		int ok = 0;
		for (size_t k = 0; names[k]; k++)
			if (strcmp(f.parts[i].name, names[k]) == 0)
				ok = 1;
		if (!ok) {
			srv_problem_field(
			    r, 400, "unknown_field", f.parts[i].name,
			    "unknown field '%s' (file, indicator, "
			    "doc_number, doc_date, issuer, title, "
			    "link)",
			    f.parts[i].name);
			goto out;
		}
	}
	for (int k = 0; k < NTEXT; k++)
		if (form_text(&f, names[k + 1], &text[k], r) < 0)
			goto out;
	const struct mp_part *file = mp_get(&f, "file");
	if (file && !file->is_file) {
		srv_problem_field(r, 400, "bad_type", "file",
		                  "field 'file' must be a file (with a "
		                  "filename)");
		goto out;
	}
	/* an empty file input of a browser form: no file */
	if (file && file->len == 0 && !file->filename[0])
		file = NULL;
	const char *cycle = srv_param(q, "cycle");
	struct dti_unit_ref ref;
	if (path_unit(q, r, &ref) ||
	    check_version(q, r, cycle, ref.id, had, expected))
		goto out;
	struct dti_evidence_new e;
	dti_evidence_new_init(&e);
	e.indicator = text[F_IND];
	e.doc_number = text[F_NUM];
	e.doc_date = text[F_DATE];
	e.issuer = text[F_ISSUER];
	e.title = text[F_TITLE];
	e.link = text[F_LINK];
	if (file) {
		e.data = file->data;
		e.size = file->len;
		e.filename = file->filename;
	}
	e.max_size = srv_config(q->srv)->max_upload;
	int64_t id = 0;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st =
	    dti_evidence_add(q->store, cycle, ref.id, &e, &id, &err);
	if (st != DTI_OK) {
		fail(r, st, &err, had);
		goto out;
	}
	dti_error_release(&err);
	/* the new evidence as the submission lists it */
	struct dti_submission_view *v = NULL;
	st = dti_submission_view(q->store, cycle, ref.id, &v, &err);
	if (st != DTI_OK) {
		fail(r, st, &err, 0);
		goto out;
	}
	const struct dti_evidence_entry *entry = NULL;
	for (size_t i = 0; i < v->nevidence; i++)
		if (v->evidence[i].id == id)
			entry = &v->evidence[i];
	struct dti_json j;
	srv_json_begin(r, &j);
	dti_json_object_begin(&j);
	dti_json_key(&j, "evidence");
	if (entry)
		evidence_json(&j, entry);
	else
		dti_json_null(&j);
	dti_json_key(&j, "submission");
	dti_json_object_begin(&j);
	dti_json_key(&j, "cycle");
	dti_json_string(&j, v->cycle);
	dti_json_key(&j, "unit");
	dti_json_string(&j, v->unit);
	dti_json_key(&j, "state");
	dti_json_string(&j, dti_sub_state_name(v->state));
	dti_json_key(&j, "version");
	dti_json_int(&j, v->version);
	dti_json_object_end(&j);
	dti_json_object_end(&j);
	srv_json_end(r, &j);
	if (r->status == 200) {
		char loc[64];
		r->status = 201;
		snprintf(loc, sizeof loc, "/api/v1/evidence/%lld",
		         (long long)id);
		srv_resp_header(r, "Location", loc);
	}
	dti_submission_view_free(v);
out:
	for (int k = 0; k < NTEXT; k++)
		free(text[k]);
	mp_form_release(&f);
}

/* The evidence id of the path: 1.. as decimal digits; 0 or -1 (404). */
static int path_evidence_id(const struct srv_req *q, struct srv_resp *r,
                            int64_t *id)
{
	const char *s = srv_param(q, "id");
	int64_t v = 0;
	int ok = s && *s && strlen(s) <= 18;
	for (const char *p = s; ok && *p; p++) {
		if (*p < '0' || *p > '9')
			ok = 0;
		else
			v = v * 10 + (*p - '0');
	}
	if (!ok || v < 1) {
		srv_problem(r, 404, "not_found", "no evidence '%s'",
		            s ? s : "");
		return -1;
	}
	*id = v;
	return 0;
}

/*
 * The media types the store gives evidence (lib/store/evidence.c), as
 * static strings for the response; anything else goes as octet-stream.
 */
static const char *const media_types[] = {
    "application/pdf",
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "application/vnd.openxmlformats-officedocument.wordprocessingml."
    "document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml."
    "presentation",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
    "application/zip",
    "text/plain; charset=utf-8",
    "text/csv; charset=utf-8",
};

static const char *static_media_type(const char *t)
{
	for (size_t i = 0; i < sizeof media_types / sizeof media_types[0]; i++)
		if (strcmp(t, media_types[i]) == 0)
			return media_types[i];
	return "application/octet-stream";
}

/*
 * Content-Disposition of a download: attachment; an ASCII fallback name
 * (anything outside letters, digits and "-._" becomes '_') and the exact
 * name RFC 5987 encoded.  Only characters that cannot end the header or
 * the parameter are ever written.  A name too long for the header goes as
 * "evidence-<id>" with its extension.
 */
static void disposition(char *out, size_t n, const char *name, int64_t id)
{
	static const char hex[] = "0123456789ABCDEF";
	static const char attr[] = "!#$&+-.^_`|~";
	char fb[100], enc[300];
	const char *dot = strrchr(name, '.');
	size_t k = 0, e = 0;
	int fits = *name != '\0';
	for (const char *p = name; *p && fits; p++) {
		unsigned char c = (unsigned char)*p;
		int alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		            (c >= '0' && c <= '9');
		/* one '_' per character outside the plain ones */
		if ((c & 0xC0) != 0x80 && k + 1 >= sizeof fb)
			fits = 0;
		else if ((c & 0xC0) != 0x80)
			fb[k++] = alnum || c == '-' || c == '.' ? (char)c : '_';
		if (alnum || (c < 0x80 && c && strchr(attr, c))) {
			if (e + 1 >= sizeof enc)
				fits = 0;
			else
				enc[e++] = (char)c;
		} else if (e + 3 >= sizeof enc) {
			fits = 0;
		} else {
			enc[e++] = '%';
			enc[e++] = hex[c >> 4];
			enc[e++] = hex[c & 15];
		}
	}
	fb[k] = enc[e] = '\0';
	if (!fits) {
		/* the extension, if it is short and plain */
		char ext[16] = "";
		if (dot && strlen(dot) < sizeof ext) {
			int plain = 1;
			for (const char *p = dot + 1; *p; p++)
				if (!((*p >= 'a' && *p <= 'z') ||
				      (*p >= 'A' && *p <= 'Z') ||
				      (*p >= '0' && *p <= '9')))
					plain = 0;
			if (plain)
				snprintf(ext, sizeof ext, "%s", dot);
		}
		snprintf(fb, sizeof fb, "evidence-%lld%s", (long long)id, ext);
		snprintf(enc, sizeof enc, "%s", fb);
	}
	snprintf(out, n, "attachment; filename=\"%s\"; filename*=UTF-8''%s", fb,
	         enc);
}

/* GET /api/v1/evidence/{id} */
static void h_evidence_get(struct srv_req *q, struct srv_resp *r)
{
	static const char *const none[] = {NULL};
	int64_t id = 0;
	if (srv_query_only(q, r, none) || path_evidence_id(q, r, &id))
		return;
	char media[64] = "", name[256] = "";
	struct dti_error err = DTI_ERROR_INIT;
	dti_buf_reset(&r->body);
	enum dti_status st =
	    dti_evidence_get(q->store, id, &r->body, media, name, &err);
	if (st != DTI_OK) {
		fail(r, st, &err, 0);
		return;
	}
	dti_error_release(&err);
	r->type = static_media_type(media);
	char cd[sizeof r->headers[0].value];
	disposition(cd, sizeof cd, name, id);
	if (srv_resp_header(r, "Content-Disposition", cd) != 0 ||
	    srv_resp_header(r, "Content-Security-Policy",
	                    "default-src 'none'; sandbox") != 0)
		srv_problem(r, 500, "internal",
		            "the response headers could not be set");
}

/* DELETE /api/v1/evidence/{id} */
static void h_evidence_remove(struct srv_req *q, struct srv_resp *r)
{
	int64_t id = 0;
	if (path_evidence_id(q, r, &id) || no_body(q, r))
		return;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_evidence_remove(q->store, id, &err);
	if (st != DTI_OK) {
		fail(r, st, &err, 0);
		return;
	}
	dti_error_release(&err);
	r->status = 204;
	dti_buf_reset(&r->body);
}

#define SUB "/api/v1/cycles/{cycle}/submissions/{unit}"

const struct srv_route srv_routes_submissions[] = {
    {"POST", "/api/v1/cycles/{cycle}/submissions", h_sub_create, SRV_WRITE},
    {"POST", "/api/v1/cycles/{cycle}/import", h_import, SRV_WRITE},
    {"GET", SUB, h_sub_get, 0},
    {"PATCH", SUB, h_sub_patch, SRV_WRITE | SRV_GROUP},
    {"POST", SUB "/submit", h_submit, SRV_WRITE | SRV_GROUP},
    {"POST", SUB "/exclude", h_exclude, SRV_WRITE | SRV_GROUP},
    {"POST", SUB "/evidence", h_evidence_add, SRV_WRITE},
    {"POST", SUB "/preview", h_preview_try, SRV_WRITE},
    {"POST", SUB "/adjust", h_adjust, SRV_WRITE | SRV_GROUP},
    {"POST", SUB "/return", h_return, SRV_WRITE | SRV_GROUP},
    {"POST", SUB "/approve", h_approve, SRV_WRITE | SRV_GROUP},
    {"GET", "/api/v1/evidence/{id}", h_evidence_get, 0},
    {"DELETE", "/api/v1/evidence/{id}", h_evidence_remove, SRV_WRITE},
    {NULL, NULL, NULL, 0},
};
