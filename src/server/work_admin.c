/*
 * src/server/work_admin.c - the signed-in pages of who may do what and on
 * which units: the users with their roles (an admin adds users, grants and
 * revokes roles), and the units registry (an owner imports a registry
 * file, checked as `dti units check` checks it).
 *
 *   GET  /work/users                    the users and their roles
 *   POST /work/users                    add a user (name, display, password)
 *   POST /work/users/roles              grant=1|0, user, role, unit
 *   GET  /work/units                    the registry, every period
 *   POST /work/units                    import a registry (multipart: level,
 *                                       file)
 * The same under /en in English.
 *
 * As everywhere in the pages, the library decides: the forms are shown to
 * those whose role allows them, and a refusal is said on the page with the
 * library's message (and its HTTP status), changing nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "multipart.h"
#include "page.h"
#include "server.h"
#include "work.h"

/* 1 when the signed-in user holds role (any unit). */
static int has_role(const struct dti_user_list *l, const char *user,
                    enum dti_role role)
{
	for (size_t i = 0; l && i < l->n; i++) {
		if (strcmp(l->users[i].name, user) != 0)
			continue;
		for (size_t k = 0; k < l->users[i].nroles; k++)
			if (l->users[i].roles[k].role == role)
				return 1;
	}
	return 0;
}

/* The name of a unit by id, or the id. */
static const char *unit_name(const struct dti_units *u, const char *id)
{
	for (size_t i = 0; u && i < dti_units_count(u); i++) {
		struct dti_unit_info ui;
		dti_units_get(u, i, &ui);
		if (strcmp(ui.id, id) == 0)
			return ui.name_vi;
	}
	return id;
}

static const char *role_word(enum dti_lang lang, enum dti_role r)
{
	static const char *const vi[] = {[DTI_ROLE_ADMIN] = "quản trị",
	                                 [DTI_ROLE_OWNER] = "chủ trì",
	                                 [DTI_ROLE_REVIEWER] = "thẩm định",
	                                 [DTI_ROLE_EDITOR] = "nhập liệu",
	                                 [DTI_ROLE_VIEWER] = "xem"};
	if (lang == DTI_LANG_VI && r >= DTI_ROLE_ADMIN && r <= DTI_ROLE_VIEWER)
		return vi[r];
	return dti_role_name(r);
}

/* ---- Users and roles ------------------------------------------------------
 */

/* The users and the units registry; -1 with a problem answered if not. */
static int load_lists(struct srv_req *q, struct srv_resp *r,
                      struct dti_user_list **l, struct dti_units **units)
{
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_user_list(q->store, l, &err);
	if (st == DTI_OK)
		st = dti_store_units(q->store, units, &err);
	if (st == DTI_OK)
		return 0;
	srv_problem_dti(r, st, &err, 0);
	dti_error_release(&err);
	dti_user_list_free(*l);
	*l = NULL;
	return -1;
}

static void users_page(struct srv_req *q, struct srv_resp *r, const char *error,
                       int status)
{
	struct page p;
	char csrf[48];
	work_begin(&p, q, csrf, sizeof csrf);
	struct html *h = &p.h;
	struct dti_user_list *l = NULL;
	struct dti_units *units = NULL;
	if (load_lists(q, r, &l, &units) != 0) {
		page_release(&p);
		return;
	}
	int admin = has_role(l, q->user, DTI_ROLE_ADMIN);
	page_begin(&p, tr(h->lang, "users"), NULL, NAV_WORK);
	HTML_LIT(h, "<h1>");
	html_text(h, tr(h->lang, "users"));
	HTML_LIT(h, "</h1>");
	if (error)
		work_message(&p, error, 1);
	work_done_message(&p, q);
	url_work(&p.url, h->lang, NULL, NULL, "users/roles");
	struct dti_buf roles_url = DTI_BUF_INIT;
	dti_buf_adds(&roles_url, p.url.data);
	table_wrap(h);
	HTML_LIT(h, "<table><thead><tr><th scope=\"col\">");
	html_text(h, tr(h->lang, "user_name"));
	HTML_LIT(h, "</th><th scope=\"col\">");
	html_text(h, tr(h->lang, "display_name"));
	HTML_LIT(h, "</th><th scope=\"col\">");
	html_text(h, tr(h->lang, "roles"));
	HTML_LIT(h, "</th><th scope=\"col\">");
	html_text(h, tr(h->lang, "sign_in_with"));
	HTML_LIT(h, "</th></tr></thead><tbody>");
	for (size_t i = 0; i < l->n; i++) {
		const struct dti_user_entry *e = &l->users[i];
		HTML_LIT(h, "<tr><th scope=\"row\">");
		html_text(h, e->name);
		HTML_LIT(h, "</th><td>");
		html_text(h, e->display_name);
		HTML_LIT(h, "</td><td><ul class=\"roles\">");
		for (size_t k = 0; k < e->nroles; k++) {
			const struct dti_user_grant *g = &e->roles[k];
			HTML_LIT(h, "<li>");
			html_text(h, role_word(h->lang, g->role));
			if (g->unit && *g->unit) {
				HTML_LIT(h, " \xe2\x80\x94 ");
				html_text(h, unit_name(units, g->unit));
			}
			if (admin) {
				/* revoke: a small form per role */
				html_tag(h, "form", "method", "post", "action",
				         roles_url.data, "class", "inline");
				work_form_tokens(&p, 0);
				html_tag(h, "input", "type", "hidden", "name",
				         "grant", "value", "0");
				html_tag(h, "input", "type", "hidden", "name",
				         "user", "value", e->name);
				html_tag(h, "input", "type", "hidden", "name",
				         "role", "value",
				         dti_role_name(g->role));
				html_tag(h, "input", "type", "hidden", "name",
				         "unit", "value",
				         g->unit ? g->unit : "");
				struct dti_buf label = DTI_BUF_INIT;
				dti_buf_addf(&label, "%s: %s %s",
				             tr(h->lang, "revoke"), e->name,
				             role_word(h->lang, g->role));
				if (g->unit && *g->unit)
					dti_buf_addf(&label, " %s",
					             unit_name(units, g->unit));
				html_tag(h, "button", "type", "submit", "class",
				         "small", "aria-label", label.data);
				html_text(h, tr(h->lang, "revoke"));
				HTML_LIT(h, "</button></form>");
				dti_buf_release(&label);
			}
			HTML_LIT(h, "</li>");
		}
		HTML_LIT(h, "</ul></td><td>");
		html_text(h, e->disabled       ? tr(h->lang, "disabled")
		             : e->has_password ? tr(h->lang, "password")
		                               : tr(h->lang, "tokens_only"));
		HTML_LIT(h, "</td></tr>");
	}
	HTML_LIT(h, "</tbody></table></div>");

	if (admin) {
		/* add a user */
		HTML_LIT(h, "<h2>");
		html_text(h, tr(h->lang, "add_user"));
		HTML_LIT(h, "</h2>");
		url_work(&p.url, h->lang, NULL, NULL, "users");
		html_tag(h, "form", "method", "post", "action", p.url.data,
		         "class", "filters");
		work_form_tokens(&p, 0);
		HTML_LIT(h, "<label>");
		html_text(h, tr(h->lang, "user_name"));
		HTML_LIT(h, "<input name=\"user\" required "
		            "autocomplete=\"off\"></label><label>");
		html_text(h, tr(h->lang, "display_name"));
		HTML_LIT(h, "<input name=\"display_name\"></label><label>");
		html_text(h, tr(h->lang, "password"));
		HTML_LIT(h, "<input name=\"password\" type=\"password\" "
		            "minlength=\"12\" autocomplete=\"new-password\">"
		            "</label><button type=\"submit\">");
		html_text(h, tr(h->lang, "add_user"));
		HTML_LIT(h, "</button></form>");

		/* grant a role */
		HTML_LIT(h, "<h2>");
		html_text(h, tr(h->lang, "grant_role"));
		HTML_LIT(h, "</h2>");
		html_tag(h, "form", "method", "post", "action", roles_url.data,
		         "class", "filters");
		work_form_tokens(&p, 0);
		HTML_LIT(h, "<input type=\"hidden\" name=\"grant\" value=\"1\">"
		            "<label>");
		html_text(h, tr(h->lang, "user_name"));
		HTML_LIT(h, "<select name=\"user\">");
		for (size_t i = 0; i < l->n; i++)
			html_elem(h, "option", l->users[i].name, "value",
			          l->users[i].name);
		HTML_LIT(h, "</select></label><label>");
		html_text(h, tr(h->lang, "role"));
		HTML_LIT(h, "<select name=\"role\">");
		for (int k = DTI_ROLE_ADMIN; k <= DTI_ROLE_VIEWER; k++)
			html_elem(h, "option",
			          role_word(h->lang, (enum dti_role)k), "value",
			          dti_role_name((enum dti_role)k));
		HTML_LIT(h, "</select></label><label>");
		html_text(h, tr(h->lang, "unit_of_editor"));
		HTML_LIT(h, "<input name=\"unit\" list=\"unit-names\">"
		            "</label><datalist id=\"unit-names\">");
		for (size_t i = 0; i < dti_units_count(units); i++) {
			struct dti_unit_info ui;
			dti_units_get(units, i, &ui);
			if (!*ui.valid_to)
				html_tag(h, "option", "value", ui.name_vi);
		}
		HTML_LIT(h, "</datalist><button type=\"submit\">");
		html_text(h, tr(h->lang, "grant"));
		HTML_LIT(h, "</button></form>");
	}
	dti_buf_release(&roles_url);
	dti_units_free(units);
	dti_user_list_free(l);
	work_send_page(q, r, &p, status);
	page_release(&p);
}

static void h_users(struct srv_req *q, struct srv_resp *r)
{
	if (work_need_user(q, r))
		return;
	users_page(q, r, NULL, 200);
}

static void users_done(struct srv_req *q, struct srv_resp *r,
                       enum dti_status st, const struct dti_error *err,
                       const char *done)
{
	if (st != DTI_OK) {
		users_page(q, r, err->message, work_refusal_status(st));
		return;
	}
	struct dti_buf u = DTI_BUF_INIT;
	url_work(&u, page_lang(q), NULL, NULL, "users");
	dti_buf_addf(&u, "?done=%s", done);
	work_see_other(r, u.data);
	dti_buf_release(&u);
}

/* POST /work/users: user, display_name, password (empty: tokens only). */
static void h_user_add(struct srv_req *q, struct srv_resp *r)
{
	char user[DTI_USER_NAME_MAX] = "", display[256] = "", pw[256] = "";
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = DTI_OK;
	if (srv_form_value(q, "user", user, sizeof user) != 0 || !user[0])
		st = work_refuse(&err, DTI_EARG, "user",
		                 "a user name is needed");
	srv_form_value(q, "display_name", display, sizeof display);
	srv_form_value(q, "password", pw, sizeof pw);
	if (st == DTI_OK)
		st = dti_user_add(q->store, user, display[0] ? display : NULL,
		                  pw[0] ? pw : NULL, &err);
	memset(pw, 0, sizeof pw);
	users_done(q, r, st, &err, "user_added");
	dti_error_release(&err);
}

/* POST /work/users/roles: grant (1 or 0), user, role, unit (editors). */
static void h_user_role(struct srv_req *q, struct srv_resp *r)
{
	char user[DTI_USER_NAME_MAX] = "", role[32] = "", unit[256] = "",
	     grant[4] = "";
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = DTI_OK;
	srv_form_value(q, "user", user, sizeof user);
	srv_form_value(q, "role", role, sizeof role);
	srv_form_value(q, "unit", unit, sizeof unit);
	srv_form_value(q, "grant", grant, sizeof grant);
	enum dti_role rl = dti_role_parse(role);
	int g = strcmp(grant, "0") != 0;
	if (!user[0])
		st = work_refuse(&err, DTI_EARG, "user", "a user is needed");
	else if (!rl)
		st = work_refuse(&err, DTI_EARG, "role", "no such role");
	if (st == DTI_OK)
		st = dti_user_role(q->store, user, rl, unit[0] ? unit : NULL, g,
		                   &err);
	users_done(q, r, st, &err, g ? "role_granted" : "role_revoked");
	dti_error_release(&err);
}

/* ---- The units registry ---------------------------------------------------
 */

static void units_page(struct srv_req *q, struct srv_resp *r, const char *error,
                       int status)
{
	struct page p;
	char csrf[48];
	work_begin(&p, q, csrf, sizeof csrf);
	struct html *h = &p.h;
	struct dti_user_list *l = NULL;
	struct dti_units *units = NULL;
	if (load_lists(q, r, &l, &units) != 0) {
		page_release(&p);
		return;
	}
	int owner = has_role(l, q->user, DTI_ROLE_OWNER) ||
	            has_role(l, q->user, DTI_ROLE_ADMIN);
	dti_user_list_free(l);
	page_begin(&p, tr(h->lang, "registry"), NULL, NAV_WORK);
	HTML_LIT(h, "<h1>");
	html_text(h, tr(h->lang, "registry"));
	HTML_LIT(h, "</h1>");
	if (error)
		work_message(&p, error, 1);
	work_done_message(&p, q);
	if (owner) {
		HTML_LIT(h, "<h2>");
		html_text(h, tr(h->lang, "import_units"));
		HTML_LIT(h, "</h2>");
		url_work(&p.url, h->lang, NULL, NULL, "units");
		html_tag(h, "form", "method", "post", "action", p.url.data,
		         "enctype", "multipart/form-data", "class", "filters");
		work_form_tokens(&p, 0);
		HTML_LIT(h, "<label>");
		html_text(h, tr(h->lang, "level"));
		HTML_LIT(
		    h, "<input name=\"level\" required list=\"levels\" "
		       "value=\"province\"></label>"
		       "<datalist id=\"levels\"><option value=\"province\">"
		       "<option value=\"ministry\"><option value=\"district\">"
		       "<option value=\"commune\"><option value=\"department\">"
		       "</datalist><label>");
		html_text(h, tr(h->lang, "file"));
		HTML_LIT(h,
		         "<input name=\"file\" type=\"file\" accept=\".csv\" "
		         "required></label><button type=\"submit\">");
		html_text(h, tr(h->lang, "upload"));
		HTML_LIT(h, "</button></form>");
	}
	size_t n = dti_units_count(units);
	HTML_LIT(h, "<p class=\"meta\">");
	html_textf(h, "%zu %s", n, tr(h->lang, "units_n"));
	HTML_LIT(h, "</p>");
	table_wrap(h);
	HTML_LIT(h, "<table class=\"sortable\"><thead><tr>"
	            "<th scope=\"col\">");
	html_text(h, tr(h->lang, "code"));
	HTML_LIT(h, "</th><th scope=\"col\">");
	html_text(h, tr(h->lang, "unit"));
	HTML_LIT(h, "</th><th scope=\"col\">");
	html_text(h, tr(h->lang, "region"));
	HTML_LIT(h, "</th><th scope=\"col\">");
	html_text(h, tr(h->lang, "valid_from"));
	HTML_LIT(h, "</th><th scope=\"col\">");
	html_text(h, tr(h->lang, "valid_to"));
	HTML_LIT(h, "</th><th scope=\"col\">");
	html_text(h, tr(h->lang, "successors"));
	HTML_LIT(h, "</th></tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		struct dti_unit_info ui;
		dti_units_get(units, i, &ui);
		HTML_LIT(h, "<tr><td>");
		html_text(h, ui.code && *ui.code ? ui.code : ui.id);
		HTML_LIT(h, "</td><th scope=\"row\">");
		html_text(h, ui.name_vi);
		HTML_LIT(h, "</th><td>");
		html_text(h, ui.group);
		HTML_LIT(h, "</td><td>");
		if (*ui.valid_from)
			page_date(h, ui.valid_from);
		HTML_LIT(h, "</td><td>");
		if (*ui.valid_to)
			page_date(h, ui.valid_to);
		HTML_LIT(h, "</td><td>");
		for (size_t k = 0; k < ui.nsuccessors; k++) {
			struct dti_unit_info su;
			dti_units_get(units, ui.successors[k], &su);
			if (k)
				HTML_LIT(h, ", ");
			html_text(h, su.name_vi);
		}
		HTML_LIT(h, "</td></tr>");
	}
	HTML_LIT(h, "</tbody></table></div>");
	dti_units_free(units);
	work_send_page(q, r, &p, status);
	page_release(&p);
}

static void h_units(struct srv_req *q, struct srv_resp *r)
{
	if (work_need_user(q, r))
		return;
	units_page(q, r, NULL, 200);
}

/*
 * POST /work/units (multipart: level, file): the registry read as
 * `dti units check` reads it, every fault with its line and column, then
 * imported (new units added, known ones updated).
 */
static void h_units_import(struct srv_req *q, struct srv_resp *r)
{
	struct mp_form f;
	char level[64] = "";
	struct dti_error err = DTI_ERROR_INIT;
	const struct mp_part *file = NULL, *lv = NULL;
	enum dti_status st =
	    work_upload(q, &f, &file, "no registry file sent", &err);
	if (st == DTI_OK && (!(lv = mp_get(&f, "level")) || lv->is_file ||
	                     !lv->len || lv->len >= sizeof level))
		st = work_refuse(&err, DTI_EARG, "level", "a level is needed");
	else if (st == DTI_OK)
		memcpy(level, lv->data, lv->len);
	struct dti_units *u = NULL;
	if (st == DTI_OK)
		st = dti_units_parse(
		    file->data, file->len,
		    file->filename[0] ? file->filename : "units.csv", &u, &err);
	size_t added = 0, updated = 0;
	if (st == DTI_OK)
		st = dti_store_units_import(q->store, u, level, &added,
		                            &updated, &err);
	dti_units_free(u);
	if (st != DTI_OK) {
		struct dti_buf msg = DTI_BUF_INIT;
		work_faults(&msg, &err);
		units_page(q, r, msg.data ? msg.data : "",
		           work_refusal_status(st));
		dti_buf_release(&msg);
	} else {
		struct dti_buf loc = DTI_BUF_INIT;
		url_work(&loc, page_lang(q), NULL, NULL, "units");
		dti_buf_adds(&loc, "?done=units_imported");
		work_see_other(r, loc.data);
		dti_buf_release(&loc);
	}
	mp_form_release(&f);
	dti_error_release(&err);
}

#define WORK(method, path, fn, flags)                                          \
	{method, path, fn, flags},                                             \
	{                                                                      \
		method, "/en" path, fn, flags                                  \
	}

const struct srv_route srv_routes_admin_pages[] = {
    WORK("GET", "/work/users", h_users, SRV_PUBLIC),
    WORK("POST", "/work/users", h_user_add, SRV_WRITE),
    WORK("POST", "/work/users/roles", h_user_role, SRV_WRITE),
    WORK("GET", "/work/units", h_units, SRV_PUBLIC),
    WORK("POST", "/work/units", h_units_import, SRV_WRITE),
    {NULL, NULL, NULL, 0},
};
