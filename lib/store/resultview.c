/*
 * lib/store/resultview.c - a published snapshot as a table or CSV,
 * rendered from the stored result itself.
 *
 * What a published cycle shows must be what was published: the numbers
 * of the snapshot's result body, never a recomputation from the figures
 * as they are now (which someone may have changed in the database, and
 * which a newer program might compute differently).  The body is the
 * engine's JSON (units in rank order, values at the published precision,
 * group ranks, notes), so the ranking on the index is read from it and
 * laid out as 'dti rank' lays out its table, CSV and XLSX.  A snapshot
 * published as partial says so on the first line of every output.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"

struct view {
	json_t *body;
	const char *index; /* sorted_by: the index's code */
	int precision;
	int partial;
	const char *cycle;
};

static const char *jtext(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* A value of the body at the published precision, or `none`. */
static void value_text(struct dti_buf *b, json_t *v, int digits, char mark,
                       const char *none)
{
	if (json_is_number(v))
		dti_buf_add_decimal(b, json_number_value(v), digits, mark,
		                    none);
	else
		dti_buf_adds(b, none);
}

static int has_flag(json_t *unit, const char *code, const char *flag)
{
	json_t *fl = json_object_get(json_object_get(unit, "flags"), code);
	size_t i;
	json_t *f;
	json_array_foreach(fl, i, f)
	{
		if (json_is_string(f) &&
		    strcmp(json_string_value(f), flag) == 0)
			return 1;
	}
	return 0;
}

static size_t group_size(json_t *units, const char *group)
{
	size_t n = 0, i;
	json_t *u;
	json_array_foreach(units, i, u)
	{
		const char *g = jtext(u, "group");
		if (g && group && strcmp(g, group) == 0)
			n++;
	}
	return n;
}

static void render_csv(const struct view *v, struct dti_buf *out)
{
	json_t *units = json_object_get(v->body, "units");
	if (v->partial)
		dti_buf_adds(out, "# partial: yes (published with --partial: "
		                  "the index is unknown for some units)\n");
	if (json_is_true(json_object_get(v->body, "synthetic")))
		dti_buf_adds(out, "# synthetic: yes (demo values, not "
		                  "official results)\n");
	dti_buf_adds(out, "year,rank,unit_id,unit,group,group_rank,");
	dti_csv_cell(out, v->index);
	dti_buf_addc(out, '\n');
	size_t i;
	json_t *u;
	json_array_foreach(units, i, u)
	{
		dti_csv_cell(out, v->cycle);
		json_t *rk = json_object_get(u, "rank");
		if (json_is_integer(rk))
			dti_buf_addf(out, ",%lld,",
			             (long long)json_integer_value(rk));
		else
			dti_buf_adds(out, ",,");
		dti_csv_text_cell(out, jtext(u, "id"));
		dti_buf_addc(out, ',');
		dti_csv_text_cell(out, jtext(u, "name"));
		dti_buf_addc(out, ',');
		dti_csv_text_cell(out, jtext(u, "group"));
		json_t *gr = json_object_get(u, "group_rank");
		if (json_is_integer(gr))
			dti_buf_addf(out, ",%lld",
			             (long long)json_integer_value(gr));
		else
			dti_buf_addc(out, ',');
		dti_buf_addc(out, ',');
		value_text(
		    out,
		    json_object_get(json_object_get(u, "values"), v->index),
		    v->precision, '.', "");
		dti_buf_addc(out, '\n');
	}
}

/* The columns of render_csv, with names over the codes; the notes. */
static enum dti_status render_xlsx(const struct view *v, enum dti_lang lang,
                                   struct dti_buf *out, struct dti_error *err)
{
	int vi = lang == DTI_LANG_VI;
	json_t *units = json_object_get(v->body, "units");
	json_t *fw = json_object_get(v->body, "framework");
	int synthetic = json_is_true(json_object_get(v->body, "synthetic"));
	const char *index_name = NULL;
	size_t ni;
	json_t *nd;
	json_array_foreach(json_object_get(v->body, "nodes"), ni, nd)
	{
		const char *code = jtext(nd, "code");
		if (code && strcmp(code, v->index) == 0)
			index_name = jtext(nd, vi ? "name_vi" : "name_en");
	}
	struct dti_xlsx *x;
	enum dti_status st = dti_xlsx_new(&x, err);
	if (st)
		return st;
	const char *title = jtext(fw, vi ? "title_vi" : "title_en");
	dti_xlsx_props(x, title ? title : v->cycle,
	               synthetic ? "synthetic demo data, not official results"
	                         : NULL);
	dti_xlsx_sheet(x, vi ? "Kết quả" : "Results");
	dti_xlsx_height(x, 0, 45);
	dti_xlsx_header(x, 0, vi ? "Kỳ" : "Cycle", "year");
	dti_xlsx_header(x, 1, vi ? "Hạng" : "Rank", "rank");
	dti_xlsx_header(x, 2, vi ? "Mã đơn vị" : "Unit id", "unit_id");
	dti_xlsx_header(x, 3, vi ? "Đơn vị" : "Unit", "unit");
	dti_xlsx_header(x, 4, vi ? "Nhóm" : "Group", "group");
	dti_xlsx_header(x, 5, vi ? "Hạng trong nhóm" : "Rank in group",
	                "group_rank");
	dti_xlsx_header(x, 6, index_name, v->index);
	dti_xlsx_width(x, 0, 0, 10);
	dti_xlsx_width(x, 1, 1, 7);
	dti_xlsx_width(x, 2, 2, 9);
	dti_xlsx_width(x, 3, 3, 24);
	dti_xlsx_width(x, 4, 6, 14);
	dti_xlsx_freeze(x, 2, 4);
	size_t i;
	json_t *u;
	json_array_foreach(units, i, u)
	{
		uint32_t row = (uint32_t)i + 2;
		dti_xlsx_text(x, row, 0, v->cycle);
		json_t *rk = json_object_get(u, "rank");
		if (json_is_integer(rk))
			dti_xlsx_int(x, row, 1, (long)json_integer_value(rk));
		dti_xlsx_text(x, row, 2, jtext(u, "id"));
		dti_xlsx_text(x, row, 3, jtext(u, "name"));
		dti_xlsx_text(x, row, 4, jtext(u, "group"));
		json_t *gr = json_object_get(u, "group_rank");
		if (json_is_integer(gr))
			dti_xlsx_int(x, row, 5, (long)json_integer_value(gr));
		json_t *val =
		    json_object_get(json_object_get(u, "values"), v->index);
		if (json_is_number(val))
			dti_xlsx_number(x, row, 6, json_number_value(val),
			                v->precision);
	}
	uint32_t row;
	dti_xlsx_notes(x, vi, synthetic, &row);
	if (v->partial)
		dti_xlsx_note(x, &row, vi ? "Một phần" : "Partial",
		              vi ? "có: chỉ số không tính được cho mọi đơn vị "
		                   "(công bố với --partial)"
		                 : "yes: the index is unknown for some units "
		                   "(published with --partial)",
		              "partial");
	char t[512];
	dti_snprintf(t, sizeof t, "%s%s%s",
	             jtext(fw, "id") ? jtext(fw, "id") : "", title ? " – " : "",
	             title ? title : "");
	dti_xlsx_note(x, &row, vi ? "Khung chỉ số" : "Framework", t,
	              "framework");
	dti_xlsx_note(x, &row, vi ? "Phiên bản khung" : "Framework version",
	              jtext(fw, "version"), "framework_version");
	dti_xlsx_note(x, &row, vi ? "Kỳ" : "Cycle", v->cycle, "cycle");
	dti_xlsx_note(x, &row, vi ? "Chương trình" : "Program",
	              jtext(v->body, "program"), "program");
	dti_xlsx_note(x, &row, vi ? "SHA-256 của dữ liệu" : "Data SHA-256",
	              jtext(v->body, "data_sha256"), "data_sha256");
	dti_xlsx_note(x, &row, vi ? "Số liệu thiếu" : "Missing values",
	              jtext(v->body, "missing"), "missing");
	dti_snprintf(t, sizeof t, "%d", v->precision);
	dti_xlsx_note(x, &row, vi ? "Số chữ số thập phân" : "Decimals", t,
	              "precision");
	dti_xlsx_note(x, &row, vi ? "Dữ liệu mô phỏng" : "Synthetic data",
	              synthetic ? (vi ? "có" : "yes") : (vi ? "không" : "no"),
	              "synthetic");
	json_t *notes = json_object_get(v->body, vi ? "notes_vi" : "notes");
	if (!notes)
		notes = json_object_get(v->body, "notes");
	json_t *note;
	json_array_foreach(notes, ni, note)
	{
		if (json_is_string(note))
			dti_xlsx_note(x, &row, vi ? "Ghi chú" : "Note",
			              json_string_value(note), "note");
	}
	return dti_xlsx_finish(x, out, err);
}

/* Cells of the table: text and right alignment per column. */
#define NCOLS 5

static void render_table(const struct view *v, enum dti_lang lang,
                         struct dti_buf *out)
{
	int vi = lang == DTI_LANG_VI;
	char mark = vi ? ',' : '.';
	json_t *units = json_object_get(v->body, "units");
	json_t *fw = json_object_get(v->body, "framework");
	size_t n = json_array_size(units);
	int synthetic = json_is_true(json_object_get(v->body, "synthetic"));
	const char *banner =
	    vi ? "*** DỮ LIỆU MÔ PHỎNG – không phải kết quả chính thức "
	         "(synthetic demo data) ***\n"
	       : "*** SYNTHETIC DEMO DATA – not official results "
	         "(dữ liệu mô phỏng) ***\n";
	if (v->partial)
		dti_buf_adds(
		    out, vi ? "*** KẾT QUẢ MỘT PHẦN – chỉ số không tính được "
		              "cho mọi đơn vị (công bố với --partial) ***\n"
		            : "*** PARTIAL RESULT – the index is unknown for "
		              "some units (published with --partial) ***\n");
	if (synthetic)
		dti_buf_adds(out, banner);
	const char *title = jtext(fw, vi ? "title_vi" : "title_en");
	dti_buf_addf(out, "%s%s%s · %s %s · %zu %s\n",
	             jtext(fw, "id") ? jtext(fw, "id") : "", title ? " – " : "",
	             title ? title : "", vi ? "kỳ" : "cycle", v->cycle, n,
	             vi       ? "đơn vị"
	             : n == 1 ? "unit"
	                      : "units");
	int has_group = 0;
	size_t i;
	json_t *u;
	json_array_foreach(units, i, u)
	{
		if (jtext(u, "group") && *jtext(u, "group"))
			has_group = 1;
	}
	/* every cell's text, then the widths, then the lines */
	size_t rows = n + 1;
	char **cell = calloc(rows * NCOLS, sizeof *cell);
	if (!cell) {
		out->status = DTI_ENOMEM;
		return;
	}
	static const int right[NCOLS] = {1, 0, 0, 1, 1};
	cell[0] = strdup(vi ? "Hạng" : "Rank");
	cell[1] = strdup(vi ? "Đơn vị" : "Unit");
	cell[2] = strdup(has_group ? (vi ? "Nhóm" : "Group") : "");
	cell[3] = strdup(has_group ? (vi ? "Hạng nhóm" : "In group") : "");
	cell[4] = strdup(v->index);
	struct dti_buf t;
	dti_buf_init(&t, 0);
	json_array_foreach(units, i, u)
	{
		char **c = &cell[(i + 1) * NCOLS];
		json_t *rk = json_object_get(u, "rank");
		dti_buf_reset(&t);
		if (json_is_integer(rk))
			dti_buf_addf(&t, "%lld",
			             (long long)json_integer_value(rk));
		else
			dti_buf_adds(&t, "–");
		dti_buf_addc(&t, '\0');
		c[0] = strdup(t.data);
		c[1] = strdup(jtext(u, "name") ? jtext(u, "name") : "");
		const char *g = jtext(u, "group");
		c[2] = strdup(has_group && g ? g : "");
		dti_buf_reset(&t);
		json_t *gr = json_object_get(u, "group_rank");
		if (has_group && json_is_integer(gr))
			dti_buf_addf(&t, "%lld/%zu",
			             (long long)json_integer_value(gr),
			             group_size(units, g));
		else if (has_group)
			dti_buf_adds(&t, "–");
		dti_buf_addc(&t, '\0');
		c[3] = strdup(t.data);
		dti_buf_reset(&t);
		json_t *val =
		    json_object_get(json_object_get(u, "values"), v->index);
		if (!json_is_number(val) && has_flag(u, v->index, "unknown"))
			dti_buf_adds(&t, "?");
		else
			value_text(&t, val, v->precision, mark, "–");
		dti_buf_addc(&t, '\0');
		c[4] = strdup(t.data);
	}
	dti_buf_release(&t);
	size_t w[NCOLS] = {0};
	for (size_t r = 0; r < rows; r++)
		for (int k = 0; k < NCOLS; k++) {
			const char *x = cell[r * NCOLS + k];
			if (!x) {
				out->status = DTI_ENOMEM;
				continue;
			}
			size_t tw = dti_text_width(x, strlen(x));
			if (tw > w[k])
				w[k] = tw;
		}
	for (size_t r = 0; r < rows && !out->status; r++) {
		int first = 1;
		for (int k = 0; k < NCOLS; k++) {
			if ((k == 2 || k == 3) && !has_group)
				continue;
			const char *x = cell[r * NCOLS + k];
			size_t pad = w[k] - dti_text_width(x, strlen(x));
			if (!first)
				dti_buf_adds(out, "  ");
			first = 0;
			if (right[k])
				for (size_t p = 0; p < pad; p++)
					dti_buf_addc(out, ' ');
			dti_buf_adds(out, x);
			if (!right[k])
				for (size_t p = 0; p < pad; p++)
					dti_buf_addc(out, ' ');
		}
		dti_buf_addc(out, '\n');
	}
	for (size_t k = 0; k < rows * NCOLS; k++)
		free(cell[k]);
	free(cell);
	/* legend, notes */
	size_t ni;
	json_t *nd;
	json_array_foreach(json_object_get(v->body, "nodes"), ni, nd)
	{
		const char *code = jtext(nd, "code");
		if (code && strcmp(code, v->index) == 0) {
			const char *name =
			    jtext(nd, vi ? "name_vi" : "name_en");
			dti_buf_addf(out, "%s = %s\n", code, name ? name : "");
		}
	}
	json_t *notes = json_object_get(v->body, vi ? "notes_vi" : "notes");
	if (!notes)
		notes = json_object_get(v->body, "notes");
	json_t *note;
	json_array_foreach(notes, ni, note)
	{
		if (json_is_string(note))
			dti_buf_addf(out, "%s: %s\n", vi ? "ghi chú" : "note",
			             json_string_value(note));
	}
	if (synthetic)
		dti_buf_adds(out, banner);
}

static enum dti_status render(struct dti_store *s, const char *cycle,
                              enum dti_format format, enum dti_lang lang,
                              struct dti_buf *out, struct dti_error *err)
{
	enum dti_status st = store_begin_read(s, err);
	if (st != DTI_OK)
		return st;
	struct store_cycle c;
	st = store_load_cycle(s, cycle, &c, err);
	if (st == DTI_OK && c.state != DTI_CYCLE_PUBLISHED)
		st = dti_err_set(err, DTI_ESTATE, "", 0, 0, "state",
		                 "cycle %s is %s, not published (owners and "
		                 "reviewers can see a preview)",
		                 c.label, store_state_phrase(c.state));
	struct db_stmt *q = NULL;
	int row = 0;
	if (st == DTI_OK)
		st =
		    db_prepare(s->db,
		               "SELECT r.body, p.partial FROM snapshots p JOIN "
		               "results r ON r.id = p.result_id WHERE "
		               "p.cycle_id = ?",
		               &q, err);
	if (st == DTI_OK) {
		db_bind_int(q, 1, c.id);
		st = db_step(q, &row, err);
	}
	if (st == DTI_OK && !row)
		st = dti_err_set(err, DTI_ENOTFOUND, "", 0, 0, "cycle",
		                 "cycle %s has no snapshot", c.label);
	struct view v;
	memset(&v, 0, sizeof v);
	if (st == DTI_OK) {
		const char *body = db_col_text(q, 0);
		v.partial = db_col_int(q, 1) != 0;
		v.body = body ? json_loads(body, 0, NULL) : NULL;
		v.index = jtext(v.body, "sorted_by");
		json_t *p = json_object_get(v.body, "precision");
		v.precision =
		    json_is_integer(p) ? (int)json_integer_value(p) : 4;
		v.cycle = c.label;
		if (!v.index ||
		    !json_is_array(json_object_get(v.body, "units")))
			st = dti_err_set(err, DTI_EINVALID, "", 0, 0, "results",
			                 "the stored result of %s is not the "
			                 "engine's JSON",
			                 c.label);
	}
	if (st == DTI_OK) {
		if (format == DTI_FORMAT_XLSX)
			st = render_xlsx(&v, lang, out, err);
		else if (format == DTI_FORMAT_CSV)
			render_csv(&v, out);
		else
			render_table(&v, lang, out);
		if (st == DTI_OK)
			st = out->status;
		if (st != DTI_OK && !(err && err->code))
			st = dti_err_set(
			    err, st, "", 0, 0, "", "%s",
			    "the output could not be written whole");
	}
	json_decref(v.body);
	db_finalize(q);
	db_rollback(s->db);
	return st;
}

enum dti_status dti_cycle_results_render(struct dti_store *s, const char *cycle,
                                         enum dti_format format,
                                         enum dti_lang lang,
                                         struct dti_buf *out,
                                         struct dti_error *err)
{
	enum dti_status st = render(s, cycle, format, lang, out, err);
	return dti_buf_final(out, st, err);
}
