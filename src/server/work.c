/*
 * src/server/work.c - the pages of the people who make a year's index:
 * sign in and out, the assessments in progress, a unit's submission (the
 * editor's form, the reviewer's adjust, return and approve), and the
 * owner's moves of a cycle up to publication with a preview of the
 * ranking.  Plain HTML forms: everything works without scripts.
 *
 *   GET  /login, POST /login            sign in (a session cookie)
 *   POST /logout                        sign out
 *   GET  /work                          cycles open, in review or closed
 *   GET  /work/cycles/{c}               its submissions; the owner's moves
 *   POST /work/cycles/{c}/move          to=open|review|closed
 *   POST /work/cycles/{c}/publish
 *   GET  /work/cycles/{c}/units/{u}     the submission and its forms
 *   POST /work/cycles/{c}/units/{u}/{save|submit|approve|return|adjust}
 * The same under /en in English.
 *
 * Invariants:
 *   - Who may do what is the library's decision: the pages show the forms
 *     a submission's state allows and report the library's refusal (403,
 *     409, 412) on the page, changing nothing.
 *   - Every change is a POST with the session's CSRF token in the form
 *     (checked by the router before the handler) and the version the form
 *     was made from (a stale one is refused); after a change the browser
 *     is sent back to the page (303), which says what was done.
 *   - Nothing here is cached: these pages show the store as it is now.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "multipart.h"
#include "page.h"
#include "server.h"
#include "work.h"

#define FIELD_MAX 1024 /* bytes of a form field */

/* ---- Helpers ---------------------------------------------------------------
 */

/* Starts a signed-in page: the session's token goes into every form. */
int work_begin(struct page *p, struct srv_req *q, char *csrf, size_t n)
{
	page_init(p, q);
	if (srv_session_csrf(q->srv, q, csrf, n) == 0)
		p->csrf = csrf;
	return 0;
}

/* The hidden fields every form carries. */
void work_form_tokens(struct page *p, long long version)
{
	struct html *h = &p->h;
	if (p->csrf)
		html_tag(h, "input", "type", "hidden", "name", "csrf", "value",
		         p->csrf);
	if (version > 0) {
		char v[32];
		snprintf(v, sizeof v, "%lld", version);
		html_tag(h, "input", "type", "hidden", "name", "version",
		         "value", v);
	}
}

/* Sends the browser to a path (303 See Other). */
void work_see_other(struct srv_resp *r, const char *path)
{
	r->status = 303;
	dti_buf_reset(&r->body);
	r->type = "text/plain; charset=utf-8";
	srv_resp_header(r, "Location", path);
}

/* Anonymous: to the sign-in page. 1 when sent. */
int work_need_user(struct srv_req *q, struct srv_resp *r)
{
	if (q->auth != SRV_AUTH_NONE)
		return 0;
	work_see_other(r, page_lang(q) == DTI_LANG_EN ? "/en/login" : "/login");
	return 1;
}

void work_send_page(struct srv_req *q, struct srv_resp *r, struct page *p,
                    int status)
{
	page_end(p);
	page_send(q, r, p, NULL, NULL, NULL);
	if (r->status == 200)
		r->status = status;
	r->no_store = 1;
	(void)q;
}

/* A message box: role=alert for a refusal, role=status for news. */
void work_message(struct page *p, const char *text, int alert)
{
	struct html *h = &p->h;
	html_tag(h, "p", "class", "notice", "role", alert ? "alert" : "status");
	html_text(h, text);
	HTML_LIT(h, "</p>");
}

static const char *sub_state_word(enum dti_lang lang, enum dti_sub_state s)
{
	switch (s) {
	case DTI_SUB_DRAFT: return tr(lang, "st_draft");
	case DTI_SUB_SUBMITTED: return tr(lang, "st_submitted");
	case DTI_SUB_RETURNED: return tr(lang, "st_returned");
	case DTI_SUB_APPROVED: return tr(lang, "st_approved");
	case DTI_SUB_EXCLUDED: return tr(lang, "st_excluded");
	}
	return "";
}

static const char *cycle_state_word(enum dti_lang lang, enum dti_cycle_state s)
{
	switch (s) {
	case DTI_CYCLE_DRAFT: return tr(lang, "cy_draft");
	case DTI_CYCLE_OPEN: return tr(lang, "cy_open");
	case DTI_CYCLE_REVIEW: return tr(lang, "cy_review");
	case DTI_CYCLE_CLOSED: return tr(lang, "cy_closed");
	case DTI_CYCLE_PUBLISHED: return tr(lang, "cy_published");
	}
	return "";
}

/* The work link of a cycle, a unit, and an action. */
void url_work(struct dti_buf *u, enum dti_lang lang, const char *cycle,
              const char *unit, const char *action)
{
	dti_buf_reset(u);
	dti_buf_adds(u, page_prefix(lang));
	dti_buf_adds(u, "/work");
	if (cycle) {
		dti_buf_adds(u, "/cycles/");
		html_url_segment(u, cycle);
	}
	if (unit) {
		dti_buf_adds(u, "/units/");
		html_url_segment(u, unit);
	}
	if (action) {
		dti_buf_addc(u, '/');
		dti_buf_adds(u, action);
	}
}

/* The "done" message a page was sent back with (?done=saved). */
void work_done_message(struct page *p, const struct srv_req *q)
{
	static const char *const known[] = {
	    "saved",        "submitted",    "approved",     "returned",
	    "adjusted",     "moved",        "published",    "uploaded",
	    "user_added",   "role_granted", "role_revoked", "units_imported",
	    "form_imported"};
	const char *d = srv_query(q, "done");
	if (!d)
		return;
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
		if (strcmp(d, known[i]) == 0) {
			char key[32];
			snprintf(key, sizeof key, "done_%s", known[i]);
			work_message(p, tr(p->h.lang, key), 0);
		}
	}
}

/* The HTTP status of a refused change, shown on the page. */
int work_refusal_status(enum dti_status st)
{
	int s = srv_status_http(st);
	return s >= 400 ? s : 500;
}

/* The version a form was made from; 0 if none (no check). */
static long long form_version(const struct srv_req *q)
{
	char v[32];
	if (srv_form_value(q, "version", v, sizeof v) != 0)
		return 0;
	char *end = NULL;
	long long n = strtoll(v, &end, 10);
	return end && !*end && n > 0 ? n : 0;
}

/* Every fault of err with its place, "; " between them (20 at most). */
void work_faults(struct dti_buf *msg, const struct dti_error *err)
{
	char line[1024];
	dti_error_format(err, line, sizeof line);
	dti_buf_adds(msg, line);
	for (size_t i = 0; i < err->nmore && i < 20; i++) {
		dti_diag_format(&err->more[i], line, sizeof line);
		dti_buf_adds(msg, "; ");
		dti_buf_adds(msg, line);
	}
}

/* A multipart form with a file in part "file" (f to release always). */
enum dti_status work_upload(const struct srv_req *q, struct mp_form *f,
                            const struct mp_part **file, const char *none,
                            struct dti_error *err)
{
	char why[256], field[MP_MAX_NAME + 1];
	mp_form_init(f);
	*file = NULL;
	if (mp_parse(srv_header(q, "Content-Type"), q->body, q->body_len, f,
	             why, sizeof why, field, sizeof field) != 0 ||
	    !(*file = mp_get(f, "file")) || !(*file)->is_file) {
		*file = NULL;
		return work_refuse(err, DTI_EARG, "file", none);
	}
	return DTI_OK;
}

/* A refusal made here (not by the library), in err. */
enum dti_status work_refuse(struct dti_error *err, enum dti_status st,
                            const char *field, const char *msg)
{
	err->code = st;
	snprintf(err->field, sizeof err->field, "%s", field);
	snprintf(err->message, sizeof err->message, "%s", msg);
	return st;
}

/* ---- Sign in and out -------------------------------------------------------
 */

static void login_page(struct srv_req *q, struct srv_resp *r, const char *error,
                       const char *user, int status)
{
	struct page p;
	page_init(&p, q);
	struct html *h = &p.h;
	page_begin(&p, tr(h->lang, "sign_in"), NULL, NAV_WORK);
	HTML_LIT(h, "<h1>");
	html_text(h, tr(h->lang, "sign_in"));
	HTML_LIT(h, "</h1>");
	if (error)
		work_message(&p, error, 1);
	dti_buf_reset(&p.url);
	dti_buf_adds(&p.url, page_prefix(h->lang));
	dti_buf_adds(&p.url, "/login");
	html_tag(h, "form", "method", "post", "action", p.url.data, "class",
	         "filters");
	HTML_LIT(h, "<label>");
	html_text(h, tr(h->lang, "user_name"));
	html_tag(h, "input", "name", "user", "autocomplete", "username",
	         "required", "", "value", user ? user : "");
	HTML_LIT(h, "</label><label>");
	html_text(h, tr(h->lang, "password"));
	html_tag(h, "input", "name", "password", "type", "password",
	         "autocomplete", "current-password", "required", "");
	HTML_LIT(h, "</label><button type=\"submit\">");
	html_text(h, tr(h->lang, "sign_in"));
	HTML_LIT(h, "</button></form>");
	work_send_page(q, r, &p, status);
	page_release(&p);
}

static void h_login_page(struct srv_req *q, struct srv_resp *r)
{
	if (q->auth != SRV_AUTH_NONE) {
		work_see_other(r, page_lang(q) == DTI_LANG_EN ? "/en/work"
		                                              : "/work");
		return;
	}
	login_page(q, r, NULL, NULL, 200);
}

static void h_login_post(struct srv_req *q, struct srv_resp *r)
{
	enum dti_lang lang = page_lang(q);
	char user[FIELD_MAX], pw[FIELD_MAX];
	if (srv_form_value(q, "user", user, sizeof user) != 0 ||
	    srv_form_value(q, "password", pw, sizeof pw) != 0 || !user[0]) {
		login_page(q, r, tr(lang, "sign_in_failed"), NULL, 400);
		return;
	}
	char csrf[48];
	long long expires = 0;
	struct srv_resp tmp;
	srv_resp_init(&tmp);
	int rc = srv_sign_in(q, &tmp, user, pw, csrf, sizeof csrf, &expires);
	memset(pw, 0, sizeof pw);
	memset(csrf, 0, sizeof csrf);
	if (rc != 0) {
		int status = tmp.status;
		srv_resp_free(&tmp);
		login_page(
		    q, r,
		    tr(lang, status == 429 ? "too_many" : "sign_in_failed"),
		    user, status);
		return;
	}
	/* the cookie of the new session, then to the work page */
	for (size_t i = 0; i < tmp.nheaders; i++)
		srv_resp_header(r, tmp.headers[i].name, tmp.headers[i].value);
	srv_resp_free(&tmp);
	work_see_other(r, lang == DTI_LANG_EN ? "/en/work" : "/work");
}

static void h_logout_post(struct srv_req *q, struct srv_resp *r)
{
	srv_sign_out(q, r);
	work_see_other(r, page_lang(q) == DTI_LANG_EN ? "/en" : "/");
}

/* ---- The owner's forms: a new cycle, a framework ---------------------------
 */

/* The form of a new cycle over a stored framework, and the upload of one. */
static void owner_forms(struct page *p, struct srv_req *q)
{
	struct html *h = &p->h;
	struct dti_store_framework_list *fl = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	if (dti_store_framework_list(q->store, &fl, &err) != DTI_OK) {
		dti_error_release(&err);
		return;
	}
	HTML_LIT(h, "<h2>");
	html_text(h, tr(h->lang, "new_cycle"));
	HTML_LIT(h, "</h2>");
	url_work(&p->url, h->lang, NULL, NULL, "cycles");
	html_tag(h, "form", "method", "post", "action", p->url.data, "class",
	         "filters");
	work_form_tokens(p, 0);
	HTML_LIT(h, "<label>");
	html_text(h, tr(h->lang, "label"));
	HTML_LIT(h,
	         "<input name=\"label\" required pattern=\"[A-Za-z0-9._-]+\" "
	         "placeholder=\"dti-2024\"></label><label>");
	html_text(h, tr(h->lang, "year"));
	HTML_LIT(h, "<input name=\"year\" required inputmode=\"numeric\" "
	            "size=\"6\"></label><label>");
	html_text(h, tr(h->lang, "framework"));
	HTML_LIT(h, "<select name=\"framework\">");
	for (size_t i = 0; i < fl->n; i++) {
		const struct dti_store_framework_entry *e = &fl->frameworks[i];
		char ref[160];
		snprintf(ref, sizeof ref, "%s@%s", e->id, e->version);
		html_elem(h, "option", ref, "value", ref);
	}
	HTML_LIT(h, "</select></label><label>");
	html_text(h, tr(h->lang, "deadline"));
	HTML_LIT(h, "<input name=\"submit_deadline\" type=\"date\"></label>"
	            "<button type=\"submit\">");
	html_text(h, tr(h->lang, "create"));
	HTML_LIT(h, "</button></form>");
	dti_store_framework_list_free(fl);

	HTML_LIT(h, "<h2>");
	html_text(h, tr(h->lang, "add_framework"));
	HTML_LIT(h, "</h2>");
	url_work(&p->url, h->lang, NULL, NULL, "frameworks");
	html_tag(h, "form", "method", "post", "action", p->url.data, "enctype",
	         "multipart/form-data", "class", "filters");
	work_form_tokens(p, 0);
	HTML_LIT(h, "<label>");
	html_text(h, tr(h->lang, "file"));
	HTML_LIT(h, "<input name=\"file\" type=\"file\" accept=\".csv\" "
	            "required></label><button type=\"submit\">");
	html_text(h, tr(h->lang, "upload"));
	HTML_LIT(h, "</button></form>");
}

/* ---- The cycles in progress ------------------------------------------------
 */

static void h_work(struct srv_req *q, struct srv_resp *r)
{
	if (work_need_user(q, r))
		return;
	struct page p;
	char csrf[48];
	work_begin(&p, q, csrf, sizeof csrf);
	struct html *h = &p.h;
	struct dti_cycle_list *l = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_cycle_list(q->store, &l, &err);
	if (st != DTI_OK) {
		srv_problem_dti(r, st, &err, 0);
		dti_error_release(&err);
		page_release(&p);
		return;
	}
	page_begin(&p, tr(h->lang, "work"), NULL, NAV_WORK);
	HTML_LIT(h, "<h1>");
	html_text(h, tr(h->lang, "open_cycles"));
	HTML_LIT(h, "</h1>");
	work_done_message(&p, q);
	size_t shown = 0;
	for (size_t i = 0; i < l->n; i++) {
		const struct dti_cycle_info *ci = &l->cycles[i];
		if (ci->state == DTI_CYCLE_PUBLISHED)
			continue;
		if (!shown++) {
			table_wrap(h);
			HTML_LIT(h, "<table><thead>"
			            "<tr><th scope=\"col\">");
			html_text(h, tr(h->lang, "ranking"));
			HTML_LIT(h, "</th><th scope=\"col\">");
			html_text(h, tr(h->lang, "state"));
			HTML_LIT(h, "</th><th scope=\"col\">");
			html_text(h, tr(h->lang, "deadline"));
			HTML_LIT(h, "</th></tr></thead><tbody>");
		}
		HTML_LIT(h, "<tr><th scope=\"row\">");
		url_work(&p.url, h->lang, ci->label, NULL, NULL);
		html_elem(h, "a", ci->label, "href", p.url.data);
		HTML_LIT(h, "</th><td>");
		html_text(h, cycle_state_word(h->lang, ci->state));
		HTML_LIT(h, "</td><td>");
		page_date(h, ci->submit_deadline);
		HTML_LIT(h, "</td></tr>");
	}
	if (shown)
		HTML_LIT(h, "</tbody></table></div>");
	else {
		HTML_LIT(h, "<p>");
		html_text(h, tr(h->lang, "no_open"));
		HTML_LIT(h, "</p>");
	}
	dti_cycle_list_free(l);
	owner_forms(&p, q);
	/* the log, who may do what, and the units */
	HTML_LIT(h, "<ul class=\"links\"><li>");
	url_work(&p.url, h->lang, NULL, NULL, "audit");
	html_elem(h, "a", tr(h->lang, "audit"), "href", p.url.data);
	HTML_LIT(h, "</li><li>");
	url_work(&p.url, h->lang, NULL, NULL, "users");
	html_elem(h, "a", tr(h->lang, "users"), "href", p.url.data);
	HTML_LIT(h, "</li><li>");
	url_work(&p.url, h->lang, NULL, NULL, "units");
	html_elem(h, "a", tr(h->lang, "registry"), "href", p.url.data);
	HTML_LIT(h, "</li></ul>");
	work_send_page(q, r, &p, 200);
	page_release(&p);
}

/* The owner's preview of the ranking the cycle would publish now. */
static void publish_preview(struct page *p, struct srv_req *q,
                            const char *cycle)
{
	struct html *h = &p->h;
	struct dti_framework *fw = NULL;
	struct dti_units *units = NULL;
	struct dti_dataset *ds = NULL;
	struct dti_result *res = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st =
	    dti_cycle_dataset(q->store, cycle, &fw, &units, &ds, &err);
	if (st == DTI_OK && dti_dataset_cycle_count(ds) > 0)
		st = dti_compute(fw, ds, 0, NULL, &res, &err);
	if (st != DTI_OK || !res) {
		dti_error_release(&err);
		goto out;
	}
	size_t root = dti_framework_root(fw);
	size_t n = dti_result_unit_count(res);
	int dec = dti_result_precision(res);
	HTML_LIT(h, "<h2>");
	html_text(h, tr(h->lang, "publish_preview"));
	HTML_LIT(h, "</h2>");
	table_wrap(h);
	HTML_LIT(h, "<table class=\"sortable\">"
	            "<thead><tr><th scope=\"col\" class=\"num\">");
	html_text(h, tr(h->lang, "rank"));
	HTML_LIT(h, "</th><th scope=\"col\">");
	html_text(h, tr(h->lang, "unit"));
	HTML_LIT(h, "</th><th scope=\"col\" class=\"num\">");
	html_text(h, tr(h->lang, "value"));
	HTML_LIT(h, "</th></tr></thead><tbody>");
	/* by rank: the unranked last */
	for (int want = 1; want <= (int)n + 1; want++) {
		for (size_t i = 0; i < n; i++) {
			int rank = dti_result_rank(res, i, root);
			if (want <= (int)n ? rank != want : rank != 0)
				continue;
			struct dti_dataset_unit du;
			dti_dataset_unit(ds, dti_result_unit(res, i), &du);
			HTML_LIT(h, "<tr><td class=\"num\">");
			if (rank)
				html_textf(h, "%d", rank);
			else
				html_num(h, NAN, 0);
			HTML_LIT(h, "</td><th scope=\"row\">");
			html_text(h, du.name && *du.name ? du.name : du.id);
			HTML_LIT(h, "</th><td class=\"num\">");
			html_num(h, dti_result_value(res, i, root), dec);
			HTML_LIT(h, "</td></tr>");
		}
	}
	HTML_LIT(h, "</tbody></table></div>");
out:
	dti_result_free(res);
	dti_dataset_free(ds);
	dti_framework_free(fw);
	dti_units_free(units);
}

static void cycle_page(struct srv_req *q, struct srv_resp *r, const char *error,
                       int status)
{
	const char *cycle = srv_param(q, "cycle");
	struct page p;
	char csrf[48];
	work_begin(&p, q, csrf, sizeof csrf);
	struct html *h = &p.h;
	struct dti_cycle_status *cs = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_cycle_status(q->store, cycle, &cs, &err);
	if (st == DTI_ENOTFOUND || st == DTI_EPERM) {
		dti_error_release(&err);
		page_release(&p);
		page_not_found(q, r);
		return;
	}
	if (st != DTI_OK) {
		srv_problem_dti(r, st, &err, 0);
		dti_error_release(&err);
		page_release(&p);
		return;
	}
	const struct dti_cycle_info *ci = &cs->cycle;
	page_begin(&p, ci->label, NULL, NAV_WORK);
	HTML_LIT(h, "<h1>");
	html_textf(h, "%s \xe2\x80\x94 %s", ci->label,
	           cycle_state_word(h->lang, ci->state));
	HTML_LIT(h, "</h1>");
	if (error)
		work_message(&p, error, 1);
	work_done_message(&p, q);
	HTML_LIT(h, "<p class=\"meta\">");
	html_text(h, tr(h->lang, "deadline"));
	HTML_LIT(h, ": ");
	page_date(h, ci->submit_deadline);
	HTML_LIT(h, "</p>");
	if (ci->state != DTI_CYCLE_PUBLISHED) {
		url_work(&p.url, h->lang, cycle, NULL, "deadlines");
		html_tag(h, "form", "method", "post", "action", p.url.data,
		         "class", "filters");
		work_form_tokens(&p, 0);
		HTML_LIT(h, "<label>");
		html_text(h, tr(h->lang, "deadline"));
		html_tag(h, "input", "name", "submit_deadline", "type", "date",
		         "value", ci->submit_deadline);
		HTML_LIT(h, "</label><label>");
		html_text(h, tr(h->lang, "review_deadline"));
		html_tag(h, "input", "name", "review_deadline", "type", "date",
		         "value", ci->review_deadline);
		HTML_LIT(h, "</label><button type=\"submit\">");
		html_text(h, tr(h->lang, "save"));
		HTML_LIT(h, "</button></form>");
	}

	/* the owner's moves: one form per next state */
	static const struct {
		enum dti_cycle_state from;
		const char *to, *key;
	} moves[] = {{DTI_CYCLE_DRAFT, "open", "to_open"},
	             {DTI_CYCLE_OPEN, "review", "to_review"},
	             {DTI_CYCLE_REVIEW, "closed", "to_closed"}};
	char ver[32];
	snprintf(ver, sizeof ver, "%lld", (long long)ci->version);
	for (size_t i = 0; i < sizeof moves / sizeof moves[0]; i++) {
		if (ci->state != moves[i].from)
			continue;
		url_work(&p.url, h->lang, cycle, NULL, "move");
		html_tag(h, "form", "method", "post", "action", p.url.data);
		work_form_tokens(&p, ci->version);
		html_tag(h, "input", "type", "hidden", "name", "to", "value",
		         moves[i].to);
		HTML_LIT(h, "<button type=\"submit\">");
		html_text(h, tr(h->lang, moves[i].key));
		HTML_LIT(h, "</button></form>");
	}
	if (ci->state == DTI_CYCLE_CLOSED) {
		publish_preview(&p, q, cycle);
		url_work(&p.url, h->lang, cycle, NULL, "publish");
		html_tag(h, "form", "method", "post", "action", p.url.data);
		work_form_tokens(&p, ci->version);
		HTML_LIT(h, "<button type=\"submit\">");
		html_text(h, tr(h->lang, "publish"));
		HTML_LIT(h, "</button></form>");
	}

	/* the submissions, by state if asked (the reviewer's queue) */
	const char *want = srv_query(q, "state");
	enum dti_sub_state wst = want ? dti_sub_state_parse(want) : 0;
	size_t nsub = 0;
	for (size_t i = 0; i < cs->n; i++)
		nsub += cs->units[i].state == DTI_SUB_SUBMITTED;
	HTML_LIT(h, "<h2>");
	html_text(h, tr(h->lang, "submission"));
	HTML_LIT(h, "</h2>");
	url_work(&p.url, h->lang, cycle, NULL, NULL);
	html_tag(h, "form", "method", "get", "action", p.url.data, "class",
	         "filters");
	HTML_LIT(h, "<label>");
	html_text(h, tr(h->lang, "state"));
	HTML_LIT(h, "<select name=\"state\"><option value=\"\">");
	html_text(h, tr(h->lang, "all_states"));
	HTML_LIT(h, "</option>");
	for (int k = DTI_SUB_DRAFT; k <= DTI_SUB_EXCLUDED; k++) {
		html_tag(h, "option", "value",
		         dti_sub_state_name((enum dti_sub_state)k), "selected",
		         (int)wst == k ? "" : NULL);
		html_text(h, sub_state_word(h->lang, (enum dti_sub_state)k));
		HTML_LIT(h, "</option>");
	}
	HTML_LIT(h, "</select></label><button type=\"submit\">");
	html_text(h, tr(h->lang, "filter"));
	HTML_LIT(h, "</button></form>");
	if (ci->state == DTI_CYCLE_REVIEW && nsub) {
		url_work(&p.url, h->lang, cycle, NULL, "approve-all");
		html_tag(h, "form", "method", "post", "action", p.url.data);
		work_form_tokens(&p, ci->version);
		HTML_LIT(h, "<p><button type=\"submit\">");
		html_textf(h, "%s (%zu)", tr(h->lang, "approve_all"), nsub);
		HTML_LIT(h, "</button></p></form>");
	}
	table_wrap(h);
	HTML_LIT(h, "<table class=\"sortable\">"
	            "<thead><tr><th scope=\"col\">");
	html_text(h, tr(h->lang, "unit"));
	HTML_LIT(h, "</th><th scope=\"col\">");
	html_text(h, tr(h->lang, "state"));
	HTML_LIT(h, "</th><th scope=\"col\" class=\"num\">");
	html_text(h, tr(h->lang, "figures_n"));
	HTML_LIT(h, "</th><th scope=\"col\" class=\"wide\">");
	html_text(h, tr(h->lang, "updated"));
	HTML_LIT(h, "</th></tr></thead><tbody>");
	for (size_t i = 0; i < cs->n; i++) {
		const struct dti_cycle_unit *u = &cs->units[i];
		if (wst && u->state != wst)
			continue;
		HTML_LIT(h, "<tr><th scope=\"row\">");
		url_work(&p.url, h->lang, cycle, u->unit, NULL);
		html_elem(h, "a", u->name, "href", p.url.data);
		HTML_LIT(h, "</th><td>");
		html_text(h, sub_state_word(h->lang, u->state));
		HTML_LIT(h, "</td><td class=\"num\">");
		html_textf(h, "%lld", u->figures);
		HTML_LIT(h, "</td><td class=\"wide\">");
		page_date(h, u->updated_at);
		HTML_LIT(h, "</td></tr>");
	}
	HTML_LIT(h, "</tbody></table></div>");
	dti_cycle_status_free(cs);
	work_send_page(q, r, &p, status);
	page_release(&p);
}

static void h_cycle(struct srv_req *q, struct srv_resp *r)
{
	if (work_need_user(q, r))
		return;
	cycle_page(q, r, NULL, 200);
}

static void h_move(struct srv_req *q, struct srv_resp *r)
{
	const char *cycle = srv_param(q, "cycle");
	char to[32];
	enum dti_cycle_state state = DTI_CYCLE_DRAFT;
	if (srv_form_value(q, "to", to, sizeof to) == 0) {
		if (strcmp(to, "open") == 0)
			state = DTI_CYCLE_OPEN;
		else if (strcmp(to, "review") == 0)
			state = DTI_CYCLE_REVIEW;
		else if (strcmp(to, "closed") == 0)
			state = DTI_CYCLE_CLOSED;
	}
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st =
	    state == DTI_CYCLE_DRAFT
	        ? work_refuse(&err, DTI_EARG, "to", "no state to move to")
	        : dti_cycle_transition(q->store, cycle, state, form_version(q),
	                               &err);
	if (st != DTI_OK) {
		cycle_page(q, r, err.message, work_refusal_status(st));
	} else {
		struct dti_buf u = DTI_BUF_INIT;
		url_work(&u, page_lang(q), cycle, NULL, NULL);
		dti_buf_adds(&u, "?done=moved");
		work_see_other(r, u.data);
		dti_buf_release(&u);
	}
	dti_error_release(&err);
}

/* The /work page again with a refusal said on it. */
static void work_refused(struct srv_req *q, struct srv_resp *r, const char *why,
                         int status)
{
	struct page p;
	char csrf[48];
	work_begin(&p, q, csrf, sizeof csrf);
	page_begin(&p, tr(p.h.lang, "work"), NULL, NAV_WORK);
	work_message(&p, why, 1);
	owner_forms(&p, q);
	work_send_page(q, r, &p, status);
	page_release(&p);
}

/* POST /work/cycles: a new cycle (label, year, framework, deadline). */
static void h_cycle_create(struct srv_req *q, struct srv_resp *r)
{
	char label[64], year[16], fw[160], deadline[16];
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = DTI_OK;
	struct dti_cycle_new c;
	dti_cycle_new_init(&c);
	char *end = NULL;
	if (srv_form_value(q, "label", label, sizeof label) != 0 ||
	    srv_form_value(q, "year", year, sizeof year) != 0 ||
	    srv_form_value(q, "framework", fw, sizeof fw) != 0) {
		st = work_refuse(&err, DTI_EARG, "label",
		                 "label, year and framework are needed");
	} else {
		long y = strtol(year, &end, 10);
		if (!year[0] || *end || y < 1900 || y > 2200)
			st = work_refuse(&err, DTI_ESYNTAX, "year",
			                 "the year is not a year");
		c.label = label;
		c.year = (int)y;
		c.framework = fw;
		if (srv_form_value(q, "submit_deadline", deadline,
		                   sizeof deadline) == 0 &&
		    deadline[0])
			c.submit_deadline = deadline;
	}
	if (st == DTI_OK)
		st = dti_cycle_create(q->store, &c, &err);
	if (st != DTI_OK) {
		work_refused(q, r, err.message, work_refusal_status(st));
	} else {
		struct dti_buf u = DTI_BUF_INIT;
		url_work(&u, page_lang(q), label, NULL, NULL);
		work_see_other(r, u.data);
		dti_buf_release(&u);
	}
	dti_error_release(&err);
}

/*
 * POST /work/frameworks (multipart: file): a framework checked as
 * `dti framework check` does, every fault with its line and column; then
 * stored.
 */
static void h_framework_add(struct srv_req *q, struct srv_resp *r)
{
	struct mp_form f;
	struct dti_error err = DTI_ERROR_INIT;
	const struct mp_part *file = NULL;
	enum dti_status st =
	    work_upload(q, &f, &file, "no framework file sent", &err);
	struct dti_framework *fw = NULL;
	if (st == DTI_OK)
		st = dti_framework_parse(file->data, file->len,
		                         file->filename[0] ? file->filename
		                                           : "framework.csv",
		                         &fw, &err);
	dti_framework_free(fw);
	char sha[65] = "";
	if (st == DTI_OK)
		st = dti_store_framework_add(q->store, file->data, file->len,
		                             file->filename, sha, &err);
	if (st != DTI_OK) {
		/* every fault the check found, with its place */
		struct dti_buf msg = DTI_BUF_INIT;
		work_faults(&msg, &err);
		work_refused(q, r, msg.data ? msg.data : "",
		             work_refusal_status(st));
		dti_buf_release(&msg);
	} else {
		work_see_other(r, page_lang(q) == DTI_LANG_EN
		                      ? "/en/work?done=framework"
		                      : "/work?done=framework");
	}
	mp_form_release(&f);
	dti_error_release(&err);
}

/* POST /work/cycles/{cycle}/deadlines: submit and review deadlines. */
static void h_deadlines(struct srv_req *q, struct srv_resp *r)
{
	const char *cycle = srv_param(q, "cycle");
	char sub[16] = "", rev[16] = "";
	srv_form_value(q, "submit_deadline", sub, sizeof sub);
	srv_form_value(q, "review_deadline", rev, sizeof rev);
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_cycle_set_deadlines(
	    q->store, cycle, sub[0] ? sub : NULL, rev[0] ? rev : NULL, &err);
	if (st != DTI_OK) {
		cycle_page(q, r, err.message, work_refusal_status(st));
	} else {
		struct dti_buf u = DTI_BUF_INIT;
		url_work(&u, page_lang(q), cycle, NULL, NULL);
		dti_buf_adds(&u, "?done=moved");
		work_see_other(r, u.data);
		dti_buf_release(&u);
	}
	dti_error_release(&err);
}

/*
 * POST .../approve-all: every submitted submission of the cycle approved,
 * all or none (one group: a refusal undoes the others).
 */
static void h_approve_all(struct srv_req *q, struct srv_resp *r)
{
	const char *cycle = srv_param(q, "cycle");
	struct dti_cycle_status *cs = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_cycle_status(q->store, cycle, &cs, &err);
	if (st == DTI_OK && form_version(q) &&
	    cs->cycle.version != form_version(q))
		st = work_refuse(&err, DTI_ECONFLICT, "version",
		                 tr(page_lang(q), "stale"));
	if (st == DTI_OK)
		st = dti_store_group_begin(q->store, &err);
	if (st == DTI_OK) {
		for (size_t i = 0; st == DTI_OK && i < cs->n; i++)
			if (cs->units[i].state == DTI_SUB_SUBMITTED)
				st = dti_review_approve(q->store, cycle,
				                        cs->units[i].unit, 0,
				                        &err);
		if (st == DTI_OK)
			st = dti_store_group_commit(q->store, &err);
		else
			dti_store_group_abort(q->store);
	}
	dti_cycle_status_free(cs);
	if (st != DTI_OK) {
		cycle_page(q, r, err.message, work_refusal_status(st));
	} else {
		struct dti_buf u = DTI_BUF_INIT;
		url_work(&u, page_lang(q), cycle, NULL, NULL);
		dti_buf_adds(&u, "?done=approved");
		work_see_other(r, u.data);
		dti_buf_release(&u);
	}
	dti_error_release(&err);
}

static void h_publish_post(struct srv_req *q, struct srv_resp *r)
{
	const char *cycle = srv_param(q, "cycle");
	struct dti_publish_opts o;
	dti_publish_opts_init(&o);
	o.expected_version = form_version(q);
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_cycle_publish_with(q->store, cycle, &o, &err);
	if (st != DTI_OK) {
		cycle_page(q, r, err.message, work_refusal_status(st));
	} else {
		/* published views change: the cache starts again */
		srv_cache_invalidate(q->srv);
		struct dti_buf u = DTI_BUF_INIT;
		url_cycle(&u, page_lang(q), cycle, NULL);
		work_see_other(r, u.data);
		dti_buf_release(&u);
	}
	dti_error_release(&err);
}

/* ---- A submission ----------------------------------------------------------
 */

/* The rule of a leaf, its parameters and unit, as one line. */
static void rule_text(struct html *h, const struct dti_node_info *ni)
{
	if (ni->rule_text && *ni->rule_text)
		html_text(h, ni->rule_text);
	if (ni->params_text && *ni->params_text)
		html_textf(h, " %s", ni->params_text);
	if (ni->unit && *ni->unit)
		html_textf(h, " (%s)", ni->unit);
}

/* The figure of an entry as the form shows it ("" if none). */
static void figure_text(struct dti_buf *b, double v, enum dti_lang lang)
{
	dti_buf_reset(b);
	if (isnan(v))
		return;
	char tmp[64];
	snprintf(tmp, sizeof tmp, "%.15g", v);
	if (lang == DTI_LANG_VI) {
		char *dot = strchr(tmp, '.');
		if (dot)
			*dot = ',';
	}
	dti_buf_adds(b, tmp);
}

/*
 * The likely score: the index, sub-indices and pillars with the rank among
 * this year's units and in last year's field.  Its cells carry the node's
 * code, so that web/dti.js can fill them again from the API's preview of
 * the figures being typed (POST .../preview) before they are saved.
 */
static void preview_table(struct page *p, struct srv_req *q, const char *cycle,
                          const char *unit, int live)
{
	struct html *h = &p->h;
	struct dti_submission_preview *pv = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	if (dti_submission_preview(q->store, cycle, unit, &pv, &err) !=
	    DTI_OK) {
		dti_error_release(&err);
		return;
	}
	HTML_LIT(h, "<h2 id=\"preview-title\">");
	html_text(h, tr(h->lang, "preview"));
	HTML_LIT(h, "</h2>");
	if (live) {
		HTML_LIT(h, "<p class=\"muted\">");
		html_text(h, tr(h->lang, "preview_live"));
		HTML_LIT(h, "</p>");
	}
	table_wrap(h);
	char prec[8];
	snprintf(prec, sizeof prec, "%d", pv->precision);
	html_tag(h, "table", "id", "preview", "data-precision", prec,
	         "aria-labelledby", "preview-title");
	HTML_LIT(h, "<thead><tr><th scope=\"col\"></th>"
	            "<th scope=\"col\" class=\"num\">");
	html_text(h, tr(h->lang, "value"));
	HTML_LIT(h, "</th><th scope=\"col\" class=\"num\">");
	html_text(h, tr(h->lang, "likely_rank"));
	if (pv->prev_cycle) {
		HTML_LIT(h, "</th><th scope=\"col\" class=\"num\">");
		html_textf(h, "%s %s", tr(h->lang, "in_field_of"),
		           pv->prev_cycle);
	}
	HTML_LIT(h, "</th></tr></thead><tbody>");
	for (size_t k = 0; k < pv->nnodes; k++) {
		const struct dti_preview_node *nd = &pv->nodes[k];
		html_tag(h, "tr", "data-node", nd->code);
		HTML_LIT(h, "<th scope=\"row\">");
		html_text(h,
		          h->lang == DTI_LANG_EN && nd->name_en && *nd->name_en
		              ? nd->name_en
		              : nd->name_vi);
		HTML_LIT(h, "</th><td class=\"num\" data-cell=\"value\">");
		html_num(h, nd->unknown ? NAN : nd->value, pv->precision);
		HTML_LIT(h, "</td><td class=\"num\" data-cell=\"rank\">");
		if (nd->rank)
			html_textf(h, "%d/%zu", nd->rank, nd->ranked);
		else
			html_num(h, NAN, 0);
		if (pv->prev_cycle) {
			HTML_LIT(h, "</td><td class=\"num\" "
			            "data-cell=\"prev_rank\">");
			if (nd->prev_rank)
				html_textf(h, "%d/%zu", nd->prev_rank,
				           nd->prev_ranked);
			else
				html_num(h, NAN, 0);
		}
		HTML_LIT(h, "</td></tr>");
	}
	HTML_LIT(h, "</tbody></table></div>");
	if (live) {
		/* what web/dti.js says while and after it computes */
		html_tag(h, "p", "id", "preview-status", "role", "status",
		         "aria-live", "polite", "data-busy",
		         tr(h->lang, "preview_updating"), "data-typed",
		         tr(h->lang, "preview_of_typed"));
		HTML_LIT(h, "</p>");
	}
	dti_submission_preview_free(pv);
}

/* The evidence of a submission, and the upload form while editing. */
static void evidence_section(struct page *p,
                             const struct dti_submission_view *v,
                             const struct dti_framework *fw, int editing)
{
	struct html *h = &p->h;
	HTML_LIT(h, "<h2>");
	html_text(h, tr(h->lang, "evidence"));
	HTML_LIT(h, "</h2>");
	if (v->nevidence) {
		HTML_LIT(h, "<ul>");
		for (size_t i = 0; i < v->nevidence; i++) {
			const struct dti_evidence_entry *e = &v->evidence[i];
			HTML_LIT(h, "<li>");
			if (e->indicator && *e->indicator) {
				long k = dti_framework_find(fw, e->indicator);
				html_text(h, k >= 0 ? node_name(fw, (size_t)k,
				                                h->lang)
				                    : e->indicator);
				HTML_LIT(h, ": ");
			}
			if (e->doc_number && *e->doc_number)
				html_textf(h, "%s ", e->doc_number);
			if (e->title && *e->title)
				html_text(h, e->title);
			if (e->filename && *e->filename) {
				dti_buf_reset(&p->url);
				dti_buf_addf(&p->url, "/api/v1/evidence/%lld",
				             (long long)e->id);
				HTML_LIT(h, " ");
				html_elem(h, "a", e->filename, "href",
				          p->url.data);
			} else if (e->link && *e->link) {
				HTML_LIT(h, " ");
				html_elem(h, "span", e->link, "class", "muted");
			}
			HTML_LIT(h, "</li>");
		}
		HTML_LIT(h, "</ul>");
	}
	if (!editing)
		return;
	url_work(&p->url, h->lang, v->cycle, v->unit, "evidence");
	html_tag(h, "form", "method", "post", "action", p->url.data, "enctype",
	         "multipart/form-data", "class", "filters");
	work_form_tokens(p, 0);
	HTML_LIT(h, "<label>");
	html_text(h, tr(h->lang, "indicator"));
	HTML_LIT(h, "<select name=\"indicator\"><option value=\"\">");
	html_text(h, tr(h->lang, "whole_submission"));
	HTML_LIT(h, "</option>");
	const size_t *order = dti_framework_order(fw);
	for (size_t k = 0; k < dti_framework_node_count(fw); k++) {
		struct dti_node_info ni;
		dti_framework_node(fw, order[k], &ni);
		if (ni.nchildren || !ni.scored)
			continue;
		html_tag(h, "option", "value", ni.code);
		html_text(h, node_name(fw, order[k], h->lang));
		HTML_LIT(h, "</option>");
	}
	HTML_LIT(h, "</select></label><label>");
	html_text(h, tr(h->lang, "doc_number"));
	HTML_LIT(h, "<input name=\"doc_number\"></label><label>");
	html_text(h, tr(h->lang, "doc_date"));
	HTML_LIT(h, "<input name=\"doc_date\" type=\"date\"></label><label>");
	html_text(h, tr(h->lang, "doc_title"));
	HTML_LIT(h, "<input name=\"title\"></label><label>");
	html_text(h, tr(h->lang, "file"));
	HTML_LIT(h, "<input name=\"file\" type=\"file\"></label>"
	            "<button type=\"submit\">");
	html_text(h, tr(h->lang, "upload"));
	HTML_LIT(h, "</button></form>");
}

static void sub_page(struct srv_req *q, struct srv_resp *r, const char *error,
                     int status)
{
	const char *cycle = srv_param(q, "cycle");
	const char *unit = srv_param(q, "unit");
	struct page p;
	char csrf[48];
	work_begin(&p, q, csrf, sizeof csrf);
	struct html *h = &p.h;
	struct dti_submission_view *v = NULL;
	struct dti_cycle_info ci;
	struct dti_framework *fw = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st =
	    dti_submission_view(q->store, cycle, unit, &v, &err);
	if (st == DTI_OK)
		st = dti_cycle_get(q->store, cycle, &ci, &err);
	if (st == DTI_OK)
		st = dti_store_framework(q->store, ci.framework_sha, &fw, &err);
	if (st == DTI_ENOTFOUND || st == DTI_EPERM) {
		dti_error_release(&err);
		dti_submission_view_free(v);
		page_release(&p);
		page_not_found(q, r);
		return;
	}
	if (st != DTI_OK) {
		srv_problem_dti(r, st, &err, 0);
		dti_error_release(&err);
		dti_submission_view_free(v);
		page_release(&p);
		return;
	}
	struct dti_buf title = DTI_BUF_INIT;
	dti_buf_addf(&title, "%s \xe2\x80\x94 %s", v->name, v->cycle);
	page_begin(&p, title.data, NULL, NAV_WORK);
	HTML_LIT(h, "<h1>");
	html_text(h, title.data);
	HTML_LIT(h, "</h1>");
	dti_buf_release(&title);
	if (error)
		work_message(&p, error, 1);
	work_done_message(&p, q);
	HTML_LIT(h, "<p class=\"meta\">");
	html_textf(h, "%s: %s \xc2\xb7 %s: ", tr(h->lang, "state"),
	           sub_state_word(h->lang, v->state), tr(h->lang, "deadline"));
	page_date(h, ci.submit_deadline);
	HTML_LIT(h, "</p>");
	if (v->return_comment && *v->return_comment &&
	    v->state == DTI_SUB_RETURNED) {
		HTML_LIT(h, "<div class=\"notice\"><p>");
		html_text(h, tr(h->lang, "returned_with"));
		HTML_LIT(h, "</p><blockquote>");
		html_text(h, v->return_comment);
		HTML_LIT(h, "</blockquote></div>");
	}

	/* the editor's form: while the cycle is open, or once returned */
	int editing =
	    (ci.state == DTI_CYCLE_OPEN && v->state == DTI_SUB_DRAFT) ||
	    v->state == DTI_SUB_RETURNED;
	int reviewing =
	    ci.state == DTI_CYCLE_REVIEW && v->state == DTI_SUB_SUBMITTED;
	/* the figures: a form when the unit may still change them */
	if (editing) {
		url_work(&p.url, h->lang, cycle, v->unit, "save");
		struct dti_buf api = DTI_BUF_INIT;
		dti_buf_adds(&api, "/api/v1/cycles/");
		html_url_segment(&api, cycle);
		dti_buf_adds(&api, "/submissions/");
		html_url_segment(&api, v->unit);
		dti_buf_adds(&api, "/preview");
		html_tag(h, "form", "method", "post", "action", p.url.data,
		         "data-preview", api.data ? api.data : "");
		dti_buf_release(&api);
		work_form_tokens(&p, v->version);
	}
	table_wrap(h);
	HTML_LIT(h, "<table><thead><tr>"
	            "<th scope=\"col\">");
	html_text(h, tr(h->lang, "indicator"));
	HTML_LIT(h, "</th><th scope=\"col\" class=\"wide\">");
	html_text(h, tr(h->lang, "target"));
	HTML_LIT(h, "</th><th scope=\"col\">");
	html_text(h, tr(h->lang, "figure"));
	HTML_LIT(h, "</th><th scope=\"col\">");
	html_text(h, tr(h->lang, "reviewed"));
	HTML_LIT(h, "</th><th scope=\"col\" class=\"num\">");
	html_text(h, tr(h->lang, "evidence"));
	HTML_LIT(h, "</th></tr></thead><tbody>");
	struct dti_buf fig = DTI_BUF_INIT, id = DTI_BUF_INIT;
	const size_t *order = dti_framework_order(fw);
	size_t nn = dti_framework_node_count(fw);
	for (size_t k = 0; k < nn; k++) {
		struct dti_node_info ni;
		dti_framework_node(fw, order[k], &ni);
		if (ni.nchildren || !ni.scored)
			continue;
		const struct dti_figure_entry *fe = NULL;
		for (size_t i = 0; i < v->nfigures; i++)
			if (strcmp(v->figures[i].indicator, ni.code) == 0)
				fe = &v->figures[i];
		size_t nev = 0;
		for (size_t i = 0; i < v->nevidence; i++)
			nev += strcmp(v->evidence[i].indicator, ni.code) == 0;
		dti_buf_reset(&id);
		dti_buf_addf(&id, "v_%s", ni.code);
		HTML_LIT(h, "<tr><th scope=\"row\">");
		html_tag(h, "label", "for", id.data);
		html_text(h, node_name(fw, order[k], h->lang));
		HTML_LIT(h, "</label></th><td class=\"wide muted\">");
		rule_text(h, &ni);
		HTML_LIT(h, "</td><td>");
		figure_text(&fig, fe ? fe->value : NAN, h->lang);
		if (editing) {
			html_tag(h, "input", "id", id.data, "name", id.data,
			         "value", fig.data ? fig.data : "", "inputmode",
			         "decimal", "size", "10");
		} else {
			html_tag(h, "span", "id", id.data);
			if (fig.len)
				html_text(h, fig.data);
			else
				html_elem(h, "span", tr(h->lang, "missing"),
				          "class", "missing");
			HTML_LIT(h, "</span>");
		}
		HTML_LIT(h, "</td><td>");
		if (fe && !isnan(fe->reviewed)) {
			figure_text(&fig, fe->reviewed, h->lang);
			html_text(h, fig.data);
			if (fe->review_reason && *fe->review_reason) {
				HTML_LIT(h, " <span class=\"muted\">(");
				html_text(h, fe->review_reason);
				HTML_LIT(h, ")</span>");
			}
		}
		HTML_LIT(h, "</td><td class=\"num\">");
		html_textf(h, "%zu", nev);
		HTML_LIT(h, "</td></tr>");
	}
	HTML_LIT(h, "</tbody></table></div>");
	if (editing) {
		HTML_LIT(h, "<button type=\"submit\">");
		html_text(h, tr(h->lang, "save"));
		HTML_LIT(h, "</button></form>");
		url_work(&p.url, h->lang, cycle, v->unit, "submit");
		html_tag(h, "form", "method", "post", "action", p.url.data);
		work_form_tokens(&p, v->version);
		HTML_LIT(h, "<p><button type=\"submit\">");
		html_text(h, tr(h->lang, "submit"));
		HTML_LIT(h, "</button></p></form>");
	}
	if (reviewing) {
		/* adjust one indicator with a reason */
		url_work(&p.url, h->lang, cycle, v->unit, "adjust");
		HTML_LIT(h, "<h2>");
		html_text(h, tr(h->lang, "adjust"));
		HTML_LIT(h, "</h2>");
		html_tag(h, "form", "method", "post", "action", p.url.data,
		         "class", "filters");
		work_form_tokens(&p, v->version);
		HTML_LIT(h, "<label>");
		html_text(h, tr(h->lang, "indicator"));
		HTML_LIT(h, "<select name=\"indicator\">");
		for (size_t k = 0; k < nn; k++) {
			struct dti_node_info ni;
			dti_framework_node(fw, order[k], &ni);
			if (ni.nchildren || !ni.scored)
				continue;
			html_tag(h, "option", "value", ni.code);
			html_text(h, node_name(fw, order[k], h->lang));
			HTML_LIT(h, "</option>");
		}
		HTML_LIT(h, "</select></label><label>");
		html_text(h, tr(h->lang, "reviewed"));
		HTML_LIT(h, "<input name=\"value\" inputmode=\"decimal\" "
		            "required></label><label>");
		html_text(h, tr(h->lang, "reason"));
		HTML_LIT(h, "<input name=\"reason\" required></label>"
		            "<button type=\"submit\">");
		html_text(h, tr(h->lang, "adjust"));
		HTML_LIT(h, "</button></form>");
		/* approve, or return with a comment */
		url_work(&p.url, h->lang, cycle, v->unit, "approve");
		html_tag(h, "form", "method", "post", "action", p.url.data);
		work_form_tokens(&p, v->version);
		HTML_LIT(h, "<p><button type=\"submit\">");
		html_text(h, tr(h->lang, "approve"));
		HTML_LIT(h, "</button></p></form>");
		url_work(&p.url, h->lang, cycle, v->unit, "return");
		html_tag(h, "form", "method", "post", "action", p.url.data);
		work_form_tokens(&p, v->version);
		HTML_LIT(h, "<p><label>");
		html_text(h, tr(h->lang, "comment"));
		HTML_LIT(h, "<br><textarea name=\"comment\" rows=\"3\" "
		            "cols=\"60\" required></textarea></label></p>"
		            "<p><button type=\"submit\">");
		html_text(h, tr(h->lang, "return"));
		HTML_LIT(h, "</button></p></form>");
	}
	dti_buf_release(&fig);
	dti_buf_release(&id);
	evidence_section(&p, v, fw, editing);
	work_form_section(&p, cycle, v->unit, editing);
	preview_table(&p, q, cycle, v->unit, editing);
	dti_submission_view_free(v);
	dti_framework_free(fw);
	work_send_page(q, r, &p, status);
	page_release(&p);
}

static void h_sub(struct srv_req *q, struct srv_resp *r)
{
	if (work_need_user(q, r))
		return;
	sub_page(q, r, NULL, 200);
}

/* After a change: back to the submission's page, saying what was done. */
static void sub_done(struct srv_req *q, struct srv_resp *r, enum dti_status st,
                     struct dti_error *err, const char *done)
{
	if (st != DTI_OK) {
		const char *msg = err->message;
		if (st == DTI_ECONFLICT)
			msg = tr(page_lang(q), "stale");
		sub_page(q, r, msg,
		         st == DTI_ECONFLICT ? 412 : work_refusal_status(st));
		return;
	}
	struct dti_buf u = DTI_BUF_INIT;
	url_work(&u, page_lang(q), srv_param(q, "cycle"), srv_param(q, "unit"),
	         NULL);
	dti_buf_addf(&u, "?done=%s", done);
	work_see_other(r, u.data);
	dti_buf_release(&u);
}

void work_sub_done(struct srv_req *q, struct srv_resp *r, enum dti_status st,
                   struct dti_error *err, const char *done)
{
	sub_done(q, r, st, err, done);
}

/*
 * POST .../save: every field v_<indicator> of the form; a field emptied
 * clears the figure, one unchanged is left alone.
 */
static void h_save(struct srv_req *q, struct srv_resp *r)
{
	const char *cycle = srv_param(q, "cycle");
	const char *unit = srv_param(q, "unit");
	struct dti_submission_view *v = NULL;
	struct dti_cycle_info ci;
	struct dti_framework *fw = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st =
	    dti_submission_view(q->store, cycle, unit, &v, &err);
	if (st == DTI_OK)
		st = dti_cycle_get(q->store, cycle, &ci, &err);
	if (st == DTI_OK)
		st = dti_store_framework(q->store, ci.framework_sha, &fw, &err);
	size_t nn = st == DTI_OK ? dti_framework_node_count(fw) : 0;
	struct dti_figure_edit *edits = calloc(nn ? nn : 1, sizeof *edits);
	char(*texts)[128] = calloc(nn ? nn : 1, sizeof *texts);
	size_t ne = 0;
	if (st == DTI_OK && (!edits || !texts))
		st = work_refuse(&err, DTI_ENOMEM, "", "out of memory");
	struct dti_buf name = DTI_BUF_INIT, was = DTI_BUF_INIT;
	for (size_t k = 0; st == DTI_OK && k < nn; k++) {
		struct dti_node_info ni;
		dti_framework_node(fw, k, &ni);
		if (ni.nchildren || !ni.scored)
			continue;
		dti_buf_reset(&name);
		dti_buf_addf(&name, "v_%s", ni.code);
		if (srv_form_value(q, name.data, texts[ne], sizeof texts[ne]) !=
		    0)
			continue; /* not in the form: left alone */
		const struct dti_figure_entry *fe = NULL;
		for (size_t i = 0; i < v->nfigures; i++)
			if (strcmp(v->figures[i].indicator, ni.code) == 0)
				fe = &v->figures[i];
		figure_text(&was, fe ? fe->value : NAN, page_lang(q));
		const char *t = texts[ne];
		while (*t == ' ')
			t++;
		if (strcmp(t, was.data ? was.data : "") == 0)
			continue; /* unchanged */
		dti_figure_edit_init(&edits[ne], ni.code);
		if (!*t) {
			if (!fe || isnan(fe->value))
				continue;
			edits[ne].clear = 1;
		} else {
			edits[ne].value_text = t;
		}
		ne++;
	}
	if (st == DTI_OK && ne)
		st = dti_submission_edit(q->store, cycle, unit, edits, ne,
		                         form_version(q), &err);
	dti_buf_release(&name);
	dti_buf_release(&was);
	free(edits);
	free(texts);
	dti_submission_view_free(v);
	dti_framework_free(fw);
	sub_done(q, r, st, &err, "saved");
	dti_error_release(&err);
}

static void h_submit(struct srv_req *q, struct srv_resp *r)
{
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st =
	    dti_submission_submit(q->store, srv_param(q, "cycle"),
	                          srv_param(q, "unit"), form_version(q), &err);
	sub_done(q, r, st, &err, "submitted");
	dti_error_release(&err);
}

static void h_approve(struct srv_req *q, struct srv_resp *r)
{
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st =
	    dti_review_approve(q->store, srv_param(q, "cycle"),
	                       srv_param(q, "unit"), form_version(q), &err);
	sub_done(q, r, st, &err, "approved");
	dti_error_release(&err);
}

static void h_return(struct srv_req *q, struct srv_resp *r)
{
	char comment[FIELD_MAX];
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st;
	if (srv_form_value(q, "comment", comment, sizeof comment) != 0 ||
	    !comment[0])
		st = work_refuse(&err, DTI_EARG, "comment",
		                 tr(page_lang(q), "comment"));
	else
		st = dti_review_return(q->store, srv_param(q, "cycle"),
		                       srv_param(q, "unit"), comment,
		                       form_version(q), &err);
	sub_done(q, r, st, &err, "returned");
	dti_error_release(&err);
}

static void h_adjust(struct srv_req *q, struct srv_resp *r)
{
	char ind[128], value[128], reason[FIELD_MAX];
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = DTI_OK;
	double v = NAN;
	if (srv_form_value(q, "indicator", ind, sizeof ind) != 0 ||
	    srv_form_value(q, "value", value, sizeof value) != 0 ||
	    srv_form_value(q, "reason", reason, sizeof reason) != 0) {
		st = work_refuse(&err, DTI_EARG, "value",
		                 "indicator, value and reason are needed");
	} else {
		/* a decimal comma as well as a point */
		for (char *c = value; *c; c++)
			if (*c == ',')
				*c = '.';
		char *end = NULL;
		v = strtod(value, &end);
		if (!value[0] || !end || *end || isnan(v) || isinf(v))
			st = work_refuse(&err, DTI_ESYNTAX, "value",
			                 "the reviewed value is not a number");
	}
	if (st == DTI_OK)
		st = dti_review_adjust(q->store, srv_param(q, "cycle"),
		                       srv_param(q, "unit"), ind, v, reason,
		                       form_version(q), &err);
	sub_done(q, r, st, &err, "adjusted");
	dti_error_release(&err);
}

/* A text part of an upload form, NUL-terminated into out ("" if none). */
static int part_text(const struct mp_form *f, const char *name, char *out,
                     size_t n)
{
	out[0] = '\0';
	const struct mp_part *pt = mp_get(f, name);
	if (!pt)
		return 0;
	if (pt->is_file || pt->len >= n || memchr(pt->data, '\0', pt->len))
		return -1;
	memcpy(out, pt->data, pt->len);
	out[pt->len] = '\0';
	return 0;
}

/* POST .../evidence (multipart/form-data): a document, a file or both. */
static void h_evidence(struct srv_req *q, struct srv_resp *r)
{
	struct mp_form f;
	mp_form_init(&f);
	char why[256], field[MP_MAX_NAME + 1];
	char ind[128], num[256], date[32], title[FIELD_MAX];
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = DTI_OK;
	if (mp_parse(srv_header(q, "Content-Type"), q->body, q->body_len, &f,
	             why, sizeof why, field, sizeof field) != 0 ||
	    part_text(&f, "indicator", ind, sizeof ind) ||
	    part_text(&f, "doc_number", num, sizeof num) ||
	    part_text(&f, "doc_date", date, sizeof date) ||
	    part_text(&f, "title", title, sizeof title)) {
		st = work_refuse(&err, DTI_ESYNTAX, "file",
		                 "the upload form could not be read");
	} else {
		const struct mp_part *file = mp_get(&f, "file");
		if (file &&
		    (!file->is_file || (file->len == 0 && !file->filename[0])))
			file = NULL;
		struct dti_evidence_new e;
		dti_evidence_new_init(&e);
		e.indicator = ind[0] ? ind : NULL;
		e.doc_number = num[0] ? num : NULL;
		e.doc_date = date[0] ? date : NULL;
		e.title = title[0] ? title : NULL;
		if (file) {
			e.data = file->data;
			e.size = file->len;
			e.filename = file->filename;
		}
		e.max_size = srv_config(q->srv)->max_upload;
		int64_t id = 0;
		st = dti_evidence_add(q->store, srv_param(q, "cycle"),
		                      srv_param(q, "unit"), &e, &id, &err);
	}
	mp_form_release(&f);
	sub_done(q, r, st, &err, "uploaded");
	dti_error_release(&err);
}

/* ---- The audit log -------------------------------------------------------
 */

struct audit_rows {
	struct page *p;
	size_t n;
};

static enum dti_status audit_row(void *ctx, const struct dti_audit_event *ev)
{
	struct audit_rows *a = ctx;
	struct html *h = &a->p->h;
	HTML_LIT(h, "<tr><td class=\"num\">");
	html_textf(h, "%lld", (long long)ev->seq);
	HTML_LIT(h, "</td><td>");
	html_text(h, ev->at);
	HTML_LIT(h, "</td><td>");
	html_text(h, ev->actor);
	HTML_LIT(h, "</td><td>");
	html_text(h, ev->action);
	HTML_LIT(h, "</td><td>");
	html_text(h, ev->object);
	HTML_LIT(h, "</td></tr>");
	a->n++;
	return DTI_OK;
}

/*
 * GET /work/audit (?cycle ?unit ?verify=1): the latest events, newest
 * last, and on asking the verification of the chain and the tables.
 */
static void h_audit(struct srv_req *q, struct srv_resp *r)
{
	if (work_need_user(q, r))
		return;
	struct page p;
	char csrf[48];
	work_begin(&p, q, csrf, sizeof csrf);
	struct html *h = &p.h;
	struct dti_audit_filter f;
	dti_audit_filter_init(&f);
	f.cycle = srv_query(q, "cycle");
	f.unit = srv_query(q, "unit");
	if (f.cycle && !*f.cycle)
		f.cycle = NULL;
	if (f.unit && !*f.unit)
		f.unit = NULL;
	struct dti_store_status ss;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_store_status(q->store, &ss, &err);
	if (st == DTI_OK && !f.cycle && !f.unit && ss.audit_events > 100)
		f.after = ss.audit_events - 100;
	page_begin(&p, tr(h->lang, "audit"), NULL, NAV_WORK);
	HTML_LIT(h, "<h1>");
	html_text(h, tr(h->lang, "audit"));
	HTML_LIT(h, "</h1>");
	dti_buf_reset(&p.url);
	dti_buf_adds(&p.url, page_prefix(h->lang));
	dti_buf_adds(&p.url, "/work/audit");
	html_tag(h, "form", "method", "get", "action", p.url.data, "class",
	         "filters");
	HTML_LIT(h, "<label>");
	html_text(h, tr(h->lang, "ranking"));
	html_tag(h, "input", "name", "cycle", "value", f.cycle ? f.cycle : "");
	HTML_LIT(h, "</label><label>");
	html_text(h, tr(h->lang, "unit"));
	html_tag(h, "input", "name", "unit", "value", f.unit ? f.unit : "");
	HTML_LIT(h, "</label><label><input type=\"checkbox\" name=\"verify\" "
	            "value=\"1\"> ");
	html_text(h, tr(h->lang, "verify"));
	HTML_LIT(h, "</label><button type=\"submit\">");
	html_text(h, tr(h->lang, "filter"));
	HTML_LIT(h, "</button></form>");
	const char *verify = srv_query(q, "verify");
	if (st == DTI_OK && verify && strcmp(verify, "1") == 0) {
		struct dti_audit_report rep;
		memset(&rep, 0, sizeof rep);
		enum dti_status vs = dti_audit_verify(q->store, &rep, &err);
		if (vs == DTI_OK) {
			html_tag(h, "p", "class", "notice", "role", "status");
			html_textf(h, "%s (%lld)", tr(h->lang, "intact"),
			           rep.events);
			HTML_LIT(h, "</p>");
		} else {
			html_tag(h, "p", "class", "notice", "role", "alert");
			html_text(h, tr(h->lang, "not_intact"));
			if (rep.bad_seq)
				html_textf(h, " #%lld", rep.bad_seq);
			if (rep.table[0])
				html_textf(h, " [%s]", rep.table);
			html_textf(h, ": %s",
			           rep.problem[0] ? rep.problem : err.message);
			HTML_LIT(h, "</p>");
			if (vs == DTI_EPERM)
				st = vs;
		}
		dti_error_release(&err);
	}
	if (st == DTI_OK) {
		table_wrap(h);
		HTML_LIT(h, "<table><thead><tr>"
		            "<th scope=\"col\" class=\"num\">#</th>"
		            "<th scope=\"col\">");
		html_text(h, tr(h->lang, "updated"));
		HTML_LIT(h, "</th><th scope=\"col\">");
		html_text(h, tr(h->lang, "user_name"));
		HTML_LIT(h, "</th><th scope=\"col\">");
		html_text(h, tr(h->lang, "action"));
		HTML_LIT(h, "</th><th scope=\"col\">");
		html_text(h, tr(h->lang, "object"));
		HTML_LIT(h, "</th></tr></thead><tbody>");
		struct audit_rows a = {&p, 0};
		st = dti_audit_log(q->store, &f, audit_row, &a, &err);
		HTML_LIT(h, "</tbody></table></div>");
	}
	if (st != DTI_OK) {
		page_release(&p);
		if (st == DTI_EPERM || st == DTI_ENOTFOUND) {
			/* who may not read the log learns nothing of it */
			page_init(&p, q);
			page_begin(&p, tr(page_lang(q), "audit"), NULL,
			           NAV_WORK);
			work_message(&p, err.message, 1);
			work_send_page(q, r, &p, st == DTI_EPERM ? 403 : 404);
			page_release(&p);
		} else {
			srv_problem_dti(r, st, &err, 0);
		}
		dti_error_release(&err);
		return;
	}
	dti_error_release(&err);
	work_send_page(q, r, &p, 200);
	page_release(&p);
}

#define WORK(method, path, fn, flags)                                          \
	{method, path, fn, flags},                                             \
	{                                                                      \
		method, "/en" path, fn, flags                                  \
	}

#define SUBW "/work/cycles/{cycle}/units/{unit}"

const struct srv_route srv_routes_work[] = {
    WORK("GET", "/login", h_login_page, SRV_PUBLIC),
    WORK("POST", "/login", h_login_post, SRV_PUBLIC),
    WORK("POST", "/logout", h_logout_post, SRV_WRITE | SRV_NOSTORE),
    WORK("GET", "/work", h_work, SRV_PUBLIC),
    WORK("GET", "/work/audit", h_audit, SRV_PUBLIC),
    WORK("GET", "/work/cycles/{cycle}", h_cycle, SRV_PUBLIC),
    WORK("POST", "/work/cycles", h_cycle_create, SRV_WRITE),
    WORK("POST", "/work/frameworks", h_framework_add, SRV_WRITE),
    WORK("POST", "/work/cycles/{cycle}/deadlines", h_deadlines, SRV_WRITE),
    WORK("POST", "/work/cycles/{cycle}/move", h_move, SRV_WRITE),
    WORK("POST", "/work/cycles/{cycle}/publish", h_publish_post, SRV_WRITE),
    WORK("POST", "/work/cycles/{cycle}/approve-all", h_approve_all, SRV_WRITE),
    WORK("GET", SUBW, h_sub, SRV_PUBLIC),
    WORK("POST", SUBW "/save", h_save, SRV_WRITE),
    WORK("POST", SUBW "/submit", h_submit, SRV_WRITE),
    WORK("POST", SUBW "/approve", h_approve, SRV_WRITE),
    WORK("POST", SUBW "/return", h_return, SRV_WRITE),
    WORK("POST", SUBW "/adjust", h_adjust, SRV_WRITE),
    WORK("POST", SUBW "/evidence", h_evidence, SRV_WRITE),
    WORK("GET", SUBW "/form.xlsx", work_form_get, SRV_PUBLIC),
    WORK("POST", SUBW "/form", work_form_post, SRV_WRITE),
    {NULL, NULL, NULL, 0},
};
