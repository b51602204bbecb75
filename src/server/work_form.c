/*
 * src/server/work_form.c - the Excel form of a submission (dti template)
 * on the workflow pages.
 *
 *   GET  /work/cycles/{cycle}/units/{unit}/form.xlsx   the form to fill in
 *   POST /work/cycles/{cycle}/units/{unit}/form        the filled form back
 *
 * The form is the library's (dti_template_xlsx) for the cycle's framework,
 * the unit as the store's registry names it on the cycle's reference date,
 * and the page's language.  A filled form is read with the cycle's
 * framework as any data file is (dti_dataset_parse), must hold this unit
 * alone, and goes in as `dti submission import` takes it: the figures in
 * one change, then its evidence column (dti_submission_import_evidence).
 * The library decides who may do either; refusals come back on the page.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dti/dti.h"
#include "html.h"
#include "work.h"

#define XLSX_TYPE                                                              \
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

/* The cycle's framework and registry, and the unit's index in it. */
static enum dti_status load(struct srv_req *q, struct dti_framework **fw,
                            struct dti_units **units, size_t *idx,
                            char ref_date[16], struct dti_error *err)
{
	struct dti_cycle_info ci;
	enum dti_status st =
	    dti_cycle_get(q->store, srv_param(q, "cycle"), &ci, err);
	if (st == DTI_OK)
		st = dti_store_framework(q->store, ci.framework_sha, fw, err);
	if (st == DTI_OK)
		st = dti_store_units(q->store, units, err);
	if (st == DTI_OK) {
		snprintf(ref_date, 16, "%s", ci.ref_date);
		st = dti_units_find(*units, srv_param(q, "unit"),
		                    ci.ref_date[0] ? ci.ref_date : NULL, idx,
		                    err);
	}
	return st;
}

void work_form_get(struct srv_req *q, struct srv_resp *r)
{
	if (work_need_user(q, r))
		return;
	struct dti_framework *fw = NULL;
	struct dti_units *units = NULL;
	size_t idx = 0;
	char ref[16] = "";
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = load(q, &fw, &units, &idx, ref, &err);
	if (st == DTI_OK) {
		struct dti_template_opts o;
		dti_template_opts_init(&o);
		o.lang = page_lang(q);
		o.cycle = srv_param(q, "cycle");
		o.units = &idx;
		o.nunits = 1;
		dti_buf_reset(&r->body);
		st = dti_template_xlsx(fw, units, &o, &r->body, &err);
	}
	if (st != DTI_OK) {
		srv_problem_dti(r, st, &err, 0);
	} else {
		r->type = XLSX_TYPE;
		/* a name of plain characters: the cycle's label and the unit's
		   id are checked by the store, but not as file names */
		char name[128], cd[200];
		snprintf(name, sizeof name, "form-%s-%s.xlsx",
		         srv_param(q, "cycle"), srv_param(q, "unit"));
		for (char *c = name; *c; c++)
			if (!((*c >= 'a' && *c <= 'z') ||
			      (*c >= 'A' && *c <= 'Z') ||
			      (*c >= '0' && *c <= '9') || *c == '.' ||
			      *c == '-'))
				*c = '_';
		snprintf(cd, sizeof cd, "attachment; filename=\"%s\"", name);
		if (srv_resp_header(r, "Content-Disposition", cd) != 0)
			srv_problem(r, 500, "internal",
			            "the response headers could not be set");
	}
	dti_error_release(&err);
	dti_units_free(units);
	dti_framework_free(fw);
}

void work_form_post(struct srv_req *q, struct srv_resp *r)
{
	struct mp_form f;
	const struct mp_part *file = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = work_upload(q, &f, &file, "no form sent", &err);
	struct dti_framework *fw = NULL;
	struct dti_units *units = NULL;
	struct dti_dataset *ds = NULL;
	size_t idx = 0;
	char ref[16] = "";
	if (st == DTI_OK)
		st = load(q, &fw, &units, &idx, ref, &err);
	if (st == DTI_OK) {
		struct dti_read_opts ro;
		dti_read_opts_init(&ro);
		ro.date = ref[0] ? ref : NULL;
		st = dti_dataset_parse(fw, units, file->data, file->len,
		                       file->filename[0] ? file->filename
		                                         : "form.xlsx",
		                       &ro, &ds, &err);
	}
	if (st == DTI_OK) {
		/* this page's unit, and no other */
		struct dti_unit_info ui;
		dti_units_get(units, idx, &ui);
		for (size_t u = 0;
		     st == DTI_OK && u < dti_dataset_unit_count(ds); u++) {
			struct dti_dataset_unit du;
			dti_dataset_unit(ds, u, &du);
			if (strcmp(du.id, ui.id) != 0) {
				char msg[300];
				snprintf(msg, sizeof msg,
				         page_lang(q) == DTI_LANG_VI
				             ? "Tệp có số liệu của %s, không "
				               "phải của %s."
				             : "The file holds figures of %s, "
				               "not of %s.",
				         du.name, ui.name_vi);
				st = work_refuse(&err, DTI_EINVALID, "file",
				                 msg);
			}
		}
	}
	if (st == DTI_OK)
		st = dti_submission_import(q->store, srv_param(q, "cycle"), ds,
		                           NULL, NULL, NULL, &err);
	if (st == DTI_OK)
		st = dti_submission_import_evidence(
		    q->store, srv_param(q, "cycle"), ds, NULL, NULL, &err);
	if (st != DTI_OK && err.nmore) {
		/* every fault of the file, with its cell */
		struct dti_buf msg = DTI_BUF_INIT;
		work_faults(&msg, &err);
		if (msg.data)
			snprintf(err.message, sizeof err.message, "%s",
			         msg.data);
		dti_buf_release(&msg);
	}
	mp_form_release(&f);
	work_sub_done(q, r, st, &err, "form_imported");
	dti_error_release(&err);
	dti_dataset_free(ds);
	dti_units_free(units);
	dti_framework_free(fw);
}

void work_form_section(struct page *p, const char *cycle, const char *unit,
                       int editing)
{
	struct html *h = &p->h;
	HTML_LIT(h, "<h2>");
	html_text(h, tr(h->lang, "form_title"));
	HTML_LIT(h, "</h2><p>");
	url_work(&p->url, h->lang, cycle, unit, "form.xlsx");
	html_elem(h, "a", tr(h->lang, "form_download"), "href", p->url.data);
	HTML_LIT(h, " ");
	html_elem(h, "span", tr(h->lang, "form_hint"), "class", "muted");
	HTML_LIT(h, "</p>");
	if (!editing)
		return;
	url_work(&p->url, h->lang, cycle, unit, "form");
	html_tag(h, "form", "method", "post", "action", p->url.data, "enctype",
	         "multipart/form-data", "class", "filters");
	work_form_tokens(p, 0);
	HTML_LIT(h, "<label>");
	html_text(h, tr(h->lang, "form_filled"));
	HTML_LIT(h, "<input name=\"file\" type=\"file\" accept=\".xlsx,.csv\">"
	            "</label><button type=\"submit\">");
	html_text(h, tr(h->lang, "form_send"));
	HTML_LIT(h, "</button></form>");
}
