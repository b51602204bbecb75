/*
 * lib/store/viewout.c - the views of views.c as text, CSV and JSON, and
 * the sentence of the provinces' press releases.
 *
 * Tables are for a terminal: every text that comes from a file or a user
 * (unit and node names, framework titles) is escaped (dti_text_escape)
 * and columns are aligned by display width, so Vietnamese names line up.
 * CSV guards ids, names and groups against spreadsheet formulas and writes
 * '.' decimals; JSON has stable keys, null for a missing value and is
 * never localised (it carries the sentence in both languages).  Values
 * are written at the published precision; a value that cannot be known
 * is '?', a missing one '–', never 0.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"

/* ---- the sentence ------------------------------------------------------- */

enum dti_status dti_view_phrase(const struct dti_view_cell *cell, size_t ranked,
                                int precision,
                                const struct dti_view_earlier *earlier,
                                size_t nearlier, enum dti_lang lang,
                                struct dti_buf *out)
{
	int vi = lang == DTI_LANG_VI;
	if (cell->rank)
		dti_buf_addf(out, "%s %d/%zu", vi ? "xếp hạng" : "ranked",
		             cell->rank, ranked);
	else
		dti_buf_adds(out, vi ? "không được xếp hạng" : "not ranked");
	for (size_t j = 0; cell->changes && j < nearlier; j++) {
		const struct dti_view_change *ch = &cell->changes[j];
		if (!ch->has_rank)
			continue;
		int d = ch->rank_change;
		int y = earlier[j].year;
		if (vi && d == 0)
			dti_buf_addf(out, ", giữ nguyên thứ hạng so với năm %d",
			             y);
		else if (vi)
			dti_buf_addf(out, ", %s %d bậc so với năm %d",
			             d > 0 ? "tăng" : "giảm", abs(d), y);
		else if (d == 0)
			dti_buf_addf(out, ", unchanged on %d", y);
		else
			dti_buf_addf(out, ", %s %d %s on %d",
			             d > 0 ? "up" : "down", abs(d),
			             abs(d) == 1 ? "place" : "places", y);
	}
	if (!isnan(cell->value)) {
		dti_buf_adds(out, vi ? " (giá trị " : " (value ");
		dti_buf_add_decimal(out, cell->value, precision, vi ? ',' : '.',
		                    "");
		dti_buf_addc(out, ')');
	} else if (cell->unknown) {
		dti_buf_adds(out,
		             vi ? " (giá trị chưa biết)" : " (value unknown)");
	} else {
		dti_buf_adds(out, vi ? " (chưa có giá trị)" : " (no value)");
	}
	return dti_buf_status(out);
}

/* ---- an aligned table --------------------------------------------------- */

void store_tab_init(struct store_tab *t, size_t cols, unsigned right)
{
	memset(t, 0, sizeof *t);
	dti_buf_init(&t->cell, 0);
	t->cols = cols;
	t->right = right;
}

void store_tab_release(struct store_tab *t)
{
	dti_buf_release(&t->cell);
	free(t->start);
}

/* Starts the next cell; its text is appended to t->cell. */
struct dti_buf *store_tab_next(struct store_tab *t)
{
	if (t->n == t->cap &&
	    dti_grow((void **)&t->start, &t->cap, t->n + 1, sizeof *t->start))
		t->oom = 1;
	if (!t->oom) {
		if (t->n)
			dti_buf_addc(&t->cell, '\0');
		t->start[t->n++] = t->cell.len;
	}
	return &t->cell;
}

void store_tab_text(struct store_tab *t, const char *s)
{
	dti_buf_adds(store_tab_next(t), s ? s : "");
}

/* Text from a file or a user, escaped for the terminal. */
void store_tab_esc(struct store_tab *t, const char *s)
{
	s = s ? s : "";
	dti_text_escape(store_tab_next(t), s, strlen(s), 0);
}

static void tab_value(struct store_tab *t, double v, int unknown, int digits,
                      char mark)
{
	struct dti_buf *b = store_tab_next(t);
	if (isnan(v))
		dti_buf_adds(b, unknown ? "?" : "–");
	else
		dti_buf_add_decimal(b, v, digits, mark, "");
}

static void tab_rank_change(struct store_tab *t,
                            const struct dti_view_change *ch)
{
	struct dti_buf *b = store_tab_next(t);
	if (!ch || !ch->has_rank)
		dti_buf_adds(b, "–");
	else if (ch->rank_change > 0)
		dti_buf_addf(b, "↑%d", ch->rank_change);
	else if (ch->rank_change < 0)
		dti_buf_addf(b, "↓%d", -ch->rank_change);
	else
		dti_buf_adds(b, "=");
}

void store_tab_write(struct store_tab *t, struct dti_buf *out)
{
	if (dti_buf_addc(&t->cell, '\0') != DTI_OK || t->oom) {
		if (!out->status)
			out->status = DTI_ENOMEM;
		return;
	}
	size_t *w = calloc(t->cols ? t->cols : 1, sizeof *w);
	if (!w) {
		out->status = DTI_ENOMEM;
		return;
	}
	for (size_t i = 0; i < t->n; i++) {
		const char *x = t->cell.data + t->start[i];
		size_t tw = dti_text_width(x, strlen(x));
		if (tw > w[i % t->cols])
			w[i % t->cols] = tw;
	}
	for (size_t i = 0; i < t->n; i++) {
		size_t k = i % t->cols;
		const char *x = t->cell.data + t->start[i];
		size_t pad = w[k] - dti_text_width(x, strlen(x));
		int last = k + 1 == t->cols;
		if (k)
			dti_buf_adds(out, "  ");
		if (t->right & (1u << k))
			for (size_t p = 0; p < pad; p++)
				dti_buf_addc(out, ' ');
		dti_buf_adds(out, x);
		if (!(t->right & (1u << k)) && !last)
			for (size_t p = 0; p < pad; p++)
				dti_buf_addc(out, ' ');
		if (last) {
			/* an empty last cell leaves no trailing blanks */
			while (out->len && out->data[out->len - 1] == ' ')
				out->data[--out->len] = '\0';
			dti_buf_addc(out, '\n');
		}
	}
	free(w);
}

/* ---- shared pieces ------------------------------------------------------ */

static void banners(const struct dti_view_cycle *in, int vi,
                    struct dti_buf *out)
{
	if (in->partial)
		dti_buf_adds(
		    out, vi ? "*** KẾT QUẢ MỘT PHẦN – chỉ số không tính được "
		              "cho mọi đơn vị (công bố với --partial) ***\n"
		            : "*** PARTIAL RESULT – the index is unknown for "
		              "some units (published with --partial) ***\n");
	if (in->synthetic)
		dti_buf_adds(
		    out, vi ? "*** DỮ LIỆU MÔ PHỎNG – không phải kết quả chính "
		              "thức (synthetic demo data) ***\n"
		            : "*** SYNTHETIC DEMO DATA – not official results "
		              "(dữ liệu mô phỏng) ***\n");
}

/* "so với dti-2021 (2021, một phần)" lines for the earlier cycles. */
static void earlier_line(const struct dti_view_cycle *in, int vi,
                         struct dti_buf *out)
{
	if (!in->nearlier) {
		dti_buf_adds(out, vi ? "Không có kỳ công bố trước để so sánh.\n"
		                     : "No earlier published cycle to compare "
		                       "with.\n");
		return;
	}
	dti_buf_adds(out, vi ? "So với: " : "Compared with: ");
	for (size_t j = 0; j < in->nearlier; j++) {
		const struct dti_view_earlier *e = &in->earlier[j];
		dti_buf_addf(out, "%s", j ? ", " : "");
		dti_text_escape(out, e->cycle, strlen(e->cycle), 0);
		dti_buf_addf(
		    out, " (%d%s%s)", e->year,
		    e->partial ? (vi ? ", một phần" : ", partial") : "",
		    e->synthetic ? (vi ? ", mô phỏng" : ", synthetic") : "");
	}
	dti_buf_adds(out, "\n");
}

static void title_line(const struct dti_view_cycle *in, int vi, size_t shown,
                       struct dti_buf *out)
{
	dti_text_escape(out, in->framework_id, strlen(in->framework_id), 0);
	if (*in->framework_title) {
		dti_buf_adds(out, " – ");
		dti_text_escape(out, in->framework_title,
		                strlen(in->framework_title), 0);
	}
	dti_buf_addf(out, " · %s ", vi ? "kỳ" : "cycle");
	dti_text_escape(out, in->cycle, strlen(in->cycle), 0);
	dti_buf_addf(out, " · %s %.10s · %zu %s", vi ? "công bố" : "published",
	             in->published_at, in->units,
	             vi               ? "đơn vị"
	             : in->units == 1 ? "unit"
	                              : "units");
	if (shown != in->units)
		dti_buf_addf(out, " (%zu %s)", shown,
		             vi ? "hiển thị" : "shown");
	dti_buf_addc(out, '\n');
}

static void legend(const struct dti_view_node *nodes, size_t n, int vi,
                   struct dti_buf *out)
{
	for (size_t k = 0; k < n; k++) {
		const char *name = vi ? nodes[k].name_vi : nodes[k].name_en;
		dti_text_escape(out, nodes[k].code, strlen(nodes[k].code), 0);
		dti_buf_adds(out, " = ");
		dti_text_escape(out, name, strlen(name), 0);
		dti_buf_addc(out, '\n');
	}
}

static void json_changes(struct dti_json *j, const struct dti_view_cell *c,
                         const struct dti_view_cycle *in)
{
	dti_json_key(j, "changes");
	dti_json_array_begin(j);
	for (size_t e = 0; e < in->nearlier; e++) {
		const struct dti_view_change *ch = &c->changes[e];
		dti_json_object_begin(j);
		dti_json_key(j, "cycle");
		dti_json_string(j, in->earlier[e].cycle);
		dti_json_key(j, "year");
		dti_json_int(j, in->earlier[e].year);
		dti_json_key(j, "rank_then");
		ch->rank_then ? dti_json_int(j, ch->rank_then)
		              : dti_json_null(j);
		dti_json_key(j, "rank_change");
		ch->has_rank ? dti_json_int(j, ch->rank_change)
		             : dti_json_null(j);
		dti_json_key(j, "value_then");
		dti_json_fixed(j, ch->value_then, in->precision);
		dti_json_key(j, "value_change");
		dti_json_fixed(j, ch->value_change, in->precision);
		dti_json_object_end(j);
	}
	dti_json_array_end(j);
}

/* A cell's members (inside its object). */
static void json_cell(struct dti_json *j, const struct dti_view_cell *c,
                      const struct dti_view_node *nd,
                      const struct dti_view_cycle *in)
{
	dti_json_key(j, "value");
	dti_json_fixed(j, c->value, in->precision);
	dti_json_key(j, "unknown");
	dti_json_bool(j, c->unknown);
	dti_json_key(j, "rank");
	c->rank ? dti_json_int(j, c->rank) : dti_json_null(j);
	dti_json_key(j, "ranked");
	dti_json_int(j, (long long)nd->ranked);
	dti_json_key(j, "group_rank");
	c->group_rank ? dti_json_int(j, c->group_rank) : dti_json_null(j);
	json_changes(j, c, in);
	struct dti_buf ph = DTI_BUF_INIT;
	static const char *const keys[] = {"phrase_en", "phrase_vi"};
	for (int l = 0; l < 2; l++) {
		dti_buf_reset(&ph);
		dti_view_phrase(c, nd->ranked, in->precision, in->earlier,
		                in->nearlier, l ? DTI_LANG_VI : DTI_LANG_EN,
		                &ph);
		dti_json_key(j, keys[l]);
		if (ph.status)
			j->status = ph.status;
		else
			dti_json_string(j, ph.data);
	}
	dti_buf_release(&ph);
}

static void json_info(struct dti_json *j, const struct dti_view_cycle *in)
{
	dti_json_key(j, "cycle");
	dti_json_string(j, in->cycle);
	dti_json_key(j, "year");
	dti_json_int(j, in->year);
	dti_json_key(j, "level");
	dti_json_string(j, in->level);
	dti_json_key(j, "framework");
	dti_json_object_begin(j);
	dti_json_key(j, "id");
	dti_json_string(j, in->framework_id);
	dti_json_key(j, "version");
	dti_json_string(j, in->framework_version);
	dti_json_object_end(j);
	dti_json_key(j, "published_at");
	dti_json_string(j, in->published_at);
	dti_json_key(j, "precision");
	dti_json_int(j, in->precision);
	dti_json_key(j, "partial");
	dti_json_bool(j, in->partial);
	dti_json_key(j, "synthetic");
	dti_json_bool(j, in->synthetic);
	dti_json_key(j, "units");
	dti_json_int(j, (long long)in->units);
	dti_json_key(j, "earlier");
	dti_json_array_begin(j);
	for (size_t e = 0; e < in->nearlier; e++) {
		dti_json_object_begin(j);
		dti_json_key(j, "cycle");
		dti_json_string(j, in->earlier[e].cycle);
		dti_json_key(j, "year");
		dti_json_int(j, in->earlier[e].year);
		dti_json_key(j, "partial");
		dti_json_bool(j, in->earlier[e].partial);
		dti_json_key(j, "synthetic");
		dti_json_bool(j, in->earlier[e].synthetic);
		dti_json_object_end(j);
	}
	dti_json_array_end(j);
}

static void json_nodes(struct dti_json *j, const struct dti_view_node *nodes,
                       size_t n)
{
	dti_json_key(j, "nodes");
	dti_json_array_begin(j);
	for (size_t k = 0; k < n; k++) {
		dti_json_object_begin(j);
		dti_json_key(j, "code");
		dti_json_string(j, nodes[k].code);
		dti_json_key(j, "name_vi");
		dti_json_string(j, nodes[k].name_vi);
		dti_json_key(j, "name_en");
		dti_json_string(j, nodes[k].name_en);
		dti_json_key(j, "kind");
		dti_json_string(j, nodes[k].kind);
		dti_json_key(j, "ranked");
		dti_json_int(j, (long long)nodes[k].ranked);
		dti_json_object_end(j);
	}
	dti_json_array_end(j);
}

/* ---- the ranking -------------------------------------------------------- */

static void ranking_row_json(struct dti_json *j, const struct dti_ranking *r,
                             const struct dti_ranking_row *row, int ndjson)
{
	dti_json_object_begin(j);
	if (ndjson) {
		dti_json_key(j, "cycle");
		dti_json_string(j, r->info.cycle);
		dti_json_key(j, "partial");
		dti_json_bool(j, r->info.partial);
		dti_json_key(j, "synthetic");
		dti_json_bool(j, r->info.synthetic);
	}
	dti_json_key(j, "rank");
	row->cells[0].rank ? dti_json_int(j, row->cells[0].rank)
	                   : dti_json_null(j);
	dti_json_key(j, "id");
	dti_json_string(j, row->id);
	dti_json_key(j, "name");
	dti_json_string(j, row->name);
	dti_json_key(j, "group");
	dti_json_string(j, row->group);
	dti_json_key(j, "group_size");
	dti_json_int(j, (long long)row->group_size);
	dti_json_key(j, "cells");
	dti_json_object_begin(j);
	for (size_t k = 0; k < r->nnodes; k++) {
		dti_json_key(j, r->nodes[k].code);
		dti_json_object_begin(j);
		json_cell(j, &row->cells[k], &r->nodes[k], &r->info);
		dti_json_object_end(j);
	}
	dti_json_object_end(j);
	dti_json_object_end(j);
}

static void ranking_json(const struct dti_ranking *r, struct dti_json *j)
{
	dti_json_object_begin(j);
	json_info(j, &r->info);
	dti_json_key(j, "ranked_on");
	dti_json_string(j, r->nodes[0].code);
	json_nodes(j, r->nodes, r->nnodes);
	dti_json_key(j, "rows");
	dti_json_array_begin(j);
	for (size_t i = 0; i < r->nrows; i++) {
		dti_json_break(j);
		ranking_row_json(j, r, &r->rows[i], 0);
	}
	dti_json_array_end(j);
	dti_json_object_end(j);
}

static void ranking_csv(const struct dti_ranking *r, enum dti_lang lang,
                        int phrases, struct dti_buf *out)
{
	const struct dti_view_cycle *in = &r->info;
	if (in->partial)
		dti_buf_adds(out, "# partial: yes (published with --partial: "
		                  "the index is unknown for some units)\n");
	if (in->synthetic)
		dti_buf_adds(out, "# synthetic: yes (demo values, not "
		                  "official results)\n");
	for (size_t e = 0; e < in->nearlier; e++)
		if (in->earlier[e].partial || in->earlier[e].synthetic) {
			dti_buf_adds(out, "# earlier: ");
			dti_csv_cell(out, in->earlier[e].cycle);
			dti_buf_addf(out, "%s%s\n",
			             in->earlier[e].partial ? " partial" : "",
			             in->earlier[e].synthetic ? " synthetic"
			                                      : "");
		}
	dti_buf_adds(out, "cycle,rank,unit_id,unit,group,group_rank,");
	dti_csv_cell(out, r->nodes[0].code);
	for (size_t k = 1; k < r->nnodes; k++) {
		dti_buf_addc(out, ',');
		dti_csv_cell(out, r->nodes[k].code);
		dti_buf_addc(out, ',');
		dti_buf_adds(out, r->nodes[k].code);
		dti_buf_adds(out, "_rank");
	}
	for (size_t e = 0; e < in->nearlier; e++)
		for (size_t k = 0; k < r->nnodes; k++)
			dti_buf_addf(out, ",%s_rank_change_%d,%s_change_%d",
			             r->nodes[k].code, in->earlier[e].year,
			             r->nodes[k].code, in->earlier[e].year);
	if (phrases)
		dti_buf_adds(out, ",phrase");
	dti_buf_addc(out, '\n');
	for (size_t i = 0; i < r->nrows; i++) {
		const struct dti_ranking_row *row = &r->rows[i];
		const struct dti_view_cell *c0 = &row->cells[0];
		dti_csv_cell(out, in->cycle);
		dti_buf_addc(out, ',');
		if (c0->rank)
			dti_buf_addf(out, "%d", c0->rank);
		dti_buf_addc(out, ',');
		dti_csv_text_cell(out, row->id);
		dti_buf_addc(out, ',');
		dti_csv_text_cell(out, row->name);
		dti_buf_addc(out, ',');
		dti_csv_text_cell(out, row->group);
		dti_buf_addc(out, ',');
		if (c0->group_rank)
			dti_buf_addf(out, "%d", c0->group_rank);
		dti_buf_addc(out, ',');
		dti_buf_add_decimal(out, c0->value, in->precision, '.', "");
		for (size_t k = 1; k < r->nnodes; k++) {
			const struct dti_view_cell *c = &row->cells[k];
			dti_buf_addc(out, ',');
			dti_buf_add_decimal(out, c->value, in->precision, '.',
			                    "");
			dti_buf_addc(out, ',');
			if (c->rank)
				dti_buf_addf(out, "%d", c->rank);
		}
		for (size_t e = 0; e < in->nearlier; e++)
			for (size_t k = 0; k < r->nnodes; k++) {
				const struct dti_view_change *ch =
				    &row->cells[k].changes[e];
				dti_buf_addc(out, ',');
				if (ch->has_rank)
					dti_buf_addf(out, "%d",
					             ch->rank_change);
				dti_buf_addc(out, ',');
				dti_buf_add_decimal(out, ch->value_change,
				                    in->precision, '.', "");
			}
		if (phrases) {
			struct dti_buf ph = DTI_BUF_INIT;
			dti_view_phrase(c0, r->nodes[0].ranked, in->precision,
			                in->earlier, in->nearlier, lang, &ph);
			dti_buf_addc(out, ',');
			if (ph.status)
				out->status = ph.status;
			else
				dti_csv_cell(out, ph.data);
			dti_buf_release(&ph);
		}
		dti_buf_addc(out, '\n');
	}
}

static void ranking_table(const struct dti_ranking *r, enum dti_lang lang,
                          int phrases, struct dti_buf *out)
{
	int vi = lang == DTI_LANG_VI;
	char mark = vi ? ',' : '.';
	const struct dti_view_cycle *in = &r->info;
	int has_group = 0;
	for (size_t i = 0; i < r->nrows; i++)
		if (*r->rows[i].group)
			has_group = 1;
	banners(in, vi, out);
	title_line(in, vi, r->nrows, out);
	earlier_line(in, vi, out);
	/* Rank, Unit, [Group, In group], node 0, other nodes "v (rank)",
	   a rank change per earlier cycle, [phrase] */
	size_t cols = 2 + (has_group ? 2 : 0) + r->nnodes + in->nearlier +
	              (phrases ? 1 : 0);
	unsigned right = 1u;
	size_t k0 = 2 + (has_group ? 2 : 0);
	if (has_group)
		right |= 1u << 3;
	for (size_t k = 0; k < r->nnodes + in->nearlier && k0 + k < 32; k++)
		right |= 1u << (k0 + k);
	struct store_tab t;
	store_tab_init(&t, cols, right);
	store_tab_text(&t, vi ? "Hạng" : "Rank");
	store_tab_text(&t, vi ? "Đơn vị" : "Unit");
	if (has_group) {
		store_tab_text(&t, vi ? "Nhóm" : "Group");
		store_tab_text(&t, vi ? "Hạng nhóm" : "In group");
	}
	for (size_t k = 0; k < r->nnodes; k++) {
		store_tab_esc(&t, r->nodes[k].code);
		if (k)
			dti_buf_adds(&t.cell, vi ? " (hạng)" : " (rank)");
	}
	for (size_t e = 0; e < in->nearlier; e++)
		dti_buf_addf(store_tab_next(&t), "%s %d", vi ? "so với" : "vs",
		             in->earlier[e].year);
	if (phrases)
		store_tab_text(&t, "");
	for (size_t i = 0; i < r->nrows; i++) {
		const struct dti_ranking_row *row = &r->rows[i];
		const struct dti_view_cell *c0 = &row->cells[0];
		if (c0->rank)
			dti_buf_addf(store_tab_next(&t), "%d", c0->rank);
		else
			store_tab_text(&t, "–");
		store_tab_esc(&t, row->name);
		if (has_group) {
			store_tab_esc(&t, row->group);
			if (c0->group_rank)
				dti_buf_addf(store_tab_next(&t), "%d/%zu",
				             c0->group_rank, row->group_size);
			else
				store_tab_text(&t, "–");
		}
		tab_value(&t, c0->value, c0->unknown, in->precision, mark);
		for (size_t k = 1; k < r->nnodes; k++) {
			const struct dti_view_cell *c = &row->cells[k];
			tab_value(&t, c->value, c->unknown, in->precision,
			          mark);
			if (c->rank)
				dti_buf_addf(&t.cell, " (%d)", c->rank);
		}
		for (size_t e = 0; e < in->nearlier; e++)
			tab_rank_change(&t, &c0->changes[e]);
		if (phrases)
			dti_view_phrase(c0, r->nodes[0].ranked, in->precision,
			                in->earlier, in->nearlier, lang,
			                store_tab_next(&t));
	}
	store_tab_write(&t, out);
	store_tab_release(&t);
	legend(r->nodes, r->nnodes, vi, out);
	banners(in, vi, out);
}

/* The notes sheet of a published view. */
static void view_notes(const struct dti_view_cycle *in, int vi,
                       struct dti_xlsx *x)
{
	uint32_t row;
	dti_xlsx_notes(x, vi, in->synthetic, &row);
	char t[512];
	dti_snprintf(t, sizeof t, "%s%s%s", in->framework_id,
	             *in->framework_title ? " – " : "", in->framework_title);
	dti_xlsx_note(x, &row, vi ? "Khung chỉ số" : "Framework", t,
	              "framework");
	dti_xlsx_note(x, &row, vi ? "Phiên bản khung" : "Framework version",
	              in->framework_version, "framework_version");
	dti_xlsx_note(x, &row, vi ? "Kỳ" : "Cycle", in->cycle, "cycle");
	dti_xlsx_note(x, &row, vi ? "Công bố lúc" : "Published at",
	              in->published_at, "published_at");
	if (in->partial)
		dti_xlsx_note(x, &row, vi ? "Một phần" : "Partial",
		              vi ? "có: chỉ số không tính được cho mọi đơn vị "
		                   "(công bố với --partial)"
		                 : "yes: the index is unknown for some units "
		                   "(published with --partial)",
		              "partial");
	dti_snprintf(t, sizeof t, "%d", in->precision);
	dti_xlsx_note(x, &row, vi ? "Số chữ số thập phân" : "Decimals", t,
	              "precision");
	for (size_t e = 0; e < in->nearlier; e++) {
		dti_snprintf(t, sizeof t, "%s%s%s", in->earlier[e].cycle,
		             in->earlier[e].partial ? " (partial)" : "",
		             in->earlier[e].synthetic ? " (synthetic)" : "");
		dti_xlsx_note(x, &row, vi ? "So với kỳ" : "Changes since", t,
		              "earlier");
	}
	dti_xlsx_note(x, &row, vi ? "Dữ liệu mô phỏng" : "Synthetic data",
	              in->synthetic ? (vi ? "có" : "yes")
	                            : (vi ? "không" : "no"),
	              "synthetic");
}

/* The columns of ranking_csv, with names over the codes. */
static enum dti_status ranking_xlsx(const struct dti_ranking *r,
                                    enum dti_lang lang, int phrases,
                                    struct dti_buf *out, struct dti_error *err)
{
	int vi = lang == DTI_LANG_VI;
	const struct dti_view_cycle *in = &r->info;
	struct dti_xlsx *x;
	enum dti_status st = dti_xlsx_new(&x, err);
	if (st)
		return st;
	dti_xlsx_props(x, in->framework_title,
	               in->synthetic ? "synthetic demo data, not official "
	                               "results"
	                             : NULL);
	dti_xlsx_sheet(x, vi ? "Xếp hạng" : "Ranking");
	dti_xlsx_height(x, 0, 60);
	uint32_t c = 0;
	char n[512], code[256];
	dti_xlsx_header(x, c++, vi ? "Kỳ" : "Cycle", "cycle");
	dti_xlsx_header(x, c++, vi ? "Hạng" : "Rank", "rank");
	dti_xlsx_header(x, c++, vi ? "Mã đơn vị" : "Unit id", "unit_id");
	dti_xlsx_header(x, c++, vi ? "Đơn vị" : "Unit", "unit");
	dti_xlsx_header(x, c++, vi ? "Nhóm" : "Group", "group");
	dti_xlsx_header(x, c++, vi ? "Hạng trong nhóm" : "Rank in group",
	                "group_rank");
	for (size_t k = 0; k < r->nnodes; k++) {
		const struct dti_view_node *nd = &r->nodes[k];
		const char *name = *nd->name ? nd->name : nd->code;
		dti_xlsx_header(x, c++, name, nd->code);
		if (k) {
			dti_snprintf(n, sizeof n, "%s – %s", name,
			             vi ? "hạng" : "rank");
			dti_snprintf(code, sizeof code, "%s_rank", nd->code);
			dti_xlsx_header(x, c++, n, code);
		}
	}
	for (size_t e = 0; e < in->nearlier; e++)
		for (size_t k = 0; k < r->nnodes; k++) {
			const struct dti_view_node *nd = &r->nodes[k];
			const char *name = *nd->name ? nd->name : nd->code;
			int y = in->earlier[e].year;
			dti_snprintf(n, sizeof n, "%s – %s %d", name,
			             vi ? "thay đổi hạng so với"
			                : "rank change since",
			             y);
			dti_snprintf(code, sizeof code, "%s_rank_change_%d",
			             nd->code, y);
			dti_xlsx_header(x, c++, n, code);
			dti_snprintf(n, sizeof n, "%s – %s %d", name,
			             vi ? "thay đổi so với" : "change since",
			             y);
			dti_snprintf(code, sizeof code, "%s_change_%d",
			             nd->code, y);
			dti_xlsx_header(x, c++, n, code);
		}
	if (phrases)
		dti_xlsx_header(x, c++, vi ? "Nhận xét" : "In words", "phrase");
	dti_xlsx_width(x, 0, 0, 10);
	dti_xlsx_width(x, 1, 1, 7);
	dti_xlsx_width(x, 2, 2, 9);
	dti_xlsx_width(x, 3, 3, 24);
	dti_xlsx_width(x, 4, c - 1, 14);
	if (phrases)
		dti_xlsx_width(x, c - 1, c - 1, 60);
	dti_xlsx_freeze(x, 2, 4);
	struct dti_buf ph = DTI_BUF_INIT;
	for (size_t i = 0; i < r->nrows; i++) {
		const struct dti_ranking_row *row = &r->rows[i];
		const struct dti_view_cell *c0 = &row->cells[0];
		uint32_t y = (uint32_t)i + 2;
		c = 0;
		dti_xlsx_text(x, y, c++, in->cycle);
		if (c0->rank)
			dti_xlsx_int(x, y, c, c0->rank);
		c++;
		dti_xlsx_text(x, y, c++, row->id);
		dti_xlsx_text(x, y, c++, row->name);
		dti_xlsx_text(x, y, c++, row->group);
		if (c0->group_rank)
			dti_xlsx_int(x, y, c, c0->group_rank);
		c++;
		dti_xlsx_number(x, y, c++, c0->value, in->precision);
		for (size_t k = 1; k < r->nnodes; k++) {
			const struct dti_view_cell *ck = &row->cells[k];
			dti_xlsx_number(x, y, c++, ck->value, in->precision);
			if (ck->rank)
				dti_xlsx_int(x, y, c, ck->rank);
			c++;
		}
		for (size_t e = 0; e < in->nearlier; e++)
			for (size_t k = 0; k < r->nnodes; k++) {
				const struct dti_view_change *ch =
				    &row->cells[k].changes[e];
				if (ch->has_rank)
					dti_xlsx_int(x, y, c, ch->rank_change);
				c++;
				dti_xlsx_number(x, y, c++, ch->value_change,
				                in->precision);
			}
		if (phrases) {
			dti_buf_reset(&ph);
			dti_view_phrase(c0, r->nodes[0].ranked, in->precision,
			                in->earlier, in->nearlier, lang, &ph);
			dti_buf_addc(&ph, '\0');
			if (!ph.status)
				dti_xlsx_text(x, y, c, ph.data);
			else
				st = ph.status;
			c++;
		}
	}
	dti_buf_release(&ph);
	view_notes(in, vi, x);
	if (st) {
		dti_xlsx_free(x);
		return dti_err_set(err, st, NULL, 0, 0, NULL,
		                   "cannot format the ranking");
	}
	return dti_xlsx_finish(x, out, err);
}

enum dti_status dti_ranking_write(const struct dti_ranking *r,
                                  enum dti_format format, enum dti_lang lang,
                                  int phrases, struct dti_buf *out,
                                  struct dti_error *err)
{
	enum dti_status st = DTI_OK;
	if (format == DTI_FORMAT_NDJSON) {
		/* one document per line */
		for (size_t i = 0; st == DTI_OK && i < r->nrows; i++) {
			struct dti_json j;
			dti_json_init(&j, out);
			ranking_row_json(&j, r, &r->rows[i], 1);
			st = dti_json_finish(&j, err);
			dti_buf_addc(out, '\n');
		}
	} else if (format == DTI_FORMAT_JSON) {
		struct dti_json j;
		dti_json_init(&j, out);
		ranking_json(r, &j);
		st = dti_json_finish(&j, err);
		if (st == DTI_OK)
			dti_buf_addc(out, '\n');
	} else if (format == DTI_FORMAT_CSV) {
		ranking_csv(r, lang, phrases, out);
	} else if (format == DTI_FORMAT_XLSX) {
		st = ranking_xlsx(r, lang, phrases, out, err);
	} else {
		ranking_table(r, lang, phrases, out);
	}
	return dti_buf_final(out, st, err);
}

/* ---- the profile -------------------------------------------------------- */

static int phrase_node(const char *kind)
{
	return strcmp(kind, "index") == 0 || strcmp(kind, "subindex") == 0 ||
	       strcmp(kind, "pillar") == 0;
}

static enum dti_status profile_table(const struct dti_profile *p,
                                     enum dti_lang lang, struct dti_buf *out,
                                     struct dti_error *err)
{
	int vi = lang == DTI_LANG_VI;
	char mark = vi ? ',' : '.';
	const struct dti_view_cycle *in = &p->info;
	banners(in, vi, out);
	dti_text_escape(out, p->name, strlen(p->name), 0);
	dti_buf_adds(out, " (");
	dti_text_escape(out, p->id, strlen(p->id), 0);
	dti_buf_adds(out, ")");
	if (*p->group) {
		dti_buf_addf(out, " · %s ", vi ? "nhóm" : "group");
		dti_text_escape(out, p->group, strlen(p->group), 0);
	}
	dti_buf_addc(out, '\n');
	title_line(in, vi, in->units, out);
	earlier_line(in, vi, out);
	/* the sentences: the index, sub-indices and pillars */
	dti_buf_addc(out, '\n');
	for (size_t k = 0; k < p->nnodes; k++) {
		if (!phrase_node(p->nodes[k].kind))
			continue;
		const char *name =
		    vi ? p->nodes[k].name_vi : p->nodes[k].name_en;
		dti_text_escape(out, name, strlen(name), 0);
		dti_buf_adds(out, ": ");
		dti_view_phrase(&p->cells[k], p->nodes[k].ranked, in->precision,
		                in->earlier, in->nearlier, lang, out);
		dti_buf_adds(out, ".\n");
	}
	dti_buf_addc(out, '\n');
	/* every node */
	size_t cols = 5 + in->nearlier * 2;
	unsigned right = 0; /* the numbers: not the code, not the name */
	for (size_t k = 1; k + 1 < cols && k < 32; k++)
		right |= 1u << k;
	struct store_tab t;
	store_tab_init(&t, cols, right);
	store_tab_text(&t, vi ? "Mã" : "Code");
	store_tab_text(&t, vi ? "Giá trị" : "Value");
	store_tab_text(&t, vi ? "Hạng" : "Rank");
	store_tab_text(&t, vi ? "Hạng nhóm" : "In group");
	for (size_t e = 0; e < in->nearlier; e++) {
		dti_buf_addf(store_tab_next(&t), "± %d", in->earlier[e].year);
		dti_buf_addf(store_tab_next(&t), "%s %d",
		             vi ? "hạng" : "places", in->earlier[e].year);
	}
	store_tab_text(&t, vi ? "Tên" : "Name");
	for (size_t k = 0; k < p->nnodes; k++) {
		const struct dti_view_cell *c = &p->cells[k];
		store_tab_esc(&t, p->nodes[k].code);
		tab_value(&t, c->value, c->unknown, in->precision, mark);
		if (c->rank)
			dti_buf_addf(store_tab_next(&t), "%d/%zu", c->rank,
			             p->nodes[k].ranked);
		else
			store_tab_text(&t, "–");
		if (c->group_rank)
			dti_buf_addf(store_tab_next(&t), "%d/%zu",
			             c->group_rank, p->group_size);
		else
			store_tab_text(&t, "–");
		for (size_t e = 0; e < in->nearlier; e++) {
			const struct dti_view_change *ch = &c->changes[e];
			struct dti_buf *b = store_tab_next(&t);
			if (isnan(ch->value_change))
				dti_buf_adds(b, "–");
			else {
				if (ch->value_change > 0)
					dti_buf_addc(b, '+');
				dti_buf_add_decimal(b, ch->value_change,
				                    in->precision, mark, "");
			}
			tab_rank_change(&t, ch);
		}
		store_tab_esc(&t,
		              vi ? p->nodes[k].name_vi : p->nodes[k].name_en);
	}
	store_tab_write(&t, out);
	store_tab_release(&t);
	dti_buf_addc(out, '\n');
	enum dti_status st = DTI_OK;
	if (p->explained) {
		st = dti_explanation_write(&p->explanation, DTI_FORMAT_TABLE,
		                           lang, out, err);
	} else {
		dti_buf_adds(out,
		             vi ? "Không có giải thích: " : "No explanation: ");
		dti_text_escape(out, p->unexplained, strlen(p->unexplained), 0);
		dti_buf_adds(out, ".\n");
	}
	banners(in, vi, out);
	return st;
}

static enum dti_status profile_json(const struct dti_profile *p,
                                    struct dti_buf *out, struct dti_error *err)
{
	struct dti_buf ex = DTI_BUF_INIT;
	enum dti_status st = DTI_OK;
	if (p->explained) {
		st = dti_explanation_write(&p->explanation, DTI_FORMAT_JSON,
		                           DTI_LANG_EN, &ex, err);
		while (st == DTI_OK && ex.len && ex.data[ex.len - 1] == '\n')
			ex.data[--ex.len] = '\0';
	}
	struct dti_json j;
	dti_json_init(&j, out);
	dti_json_object_begin(&j);
	json_info(&j, &p->info);
	dti_json_key(&j, "unit");
	dti_json_object_begin(&j);
	dti_json_key(&j, "id");
	dti_json_string(&j, p->id);
	dti_json_key(&j, "name");
	dti_json_string(&j, p->name);
	dti_json_key(&j, "group");
	dti_json_string(&j, p->group);
	dti_json_key(&j, "group_size");
	dti_json_int(&j, (long long)p->group_size);
	dti_json_object_end(&j);
	dti_json_key(&j, "nodes");
	dti_json_array_begin(&j);
	for (size_t k = 0; k < p->nnodes; k++) {
		dti_json_break(&j);
		dti_json_object_begin(&j);
		dti_json_key(&j, "code");
		dti_json_string(&j, p->nodes[k].code);
		dti_json_key(&j, "name_vi");
		dti_json_string(&j, p->nodes[k].name_vi);
		dti_json_key(&j, "name_en");
		dti_json_string(&j, p->nodes[k].name_en);
		dti_json_key(&j, "kind");
		dti_json_string(&j, p->nodes[k].kind);
		json_cell(&j, &p->cells[k], &p->nodes[k], &p->info);
		dti_json_object_end(&j);
	}
	dti_json_array_end(&j);
	dti_json_key(&j, "explained_node");
	dti_json_string(&j, p->nodes[p->node].code);
	dti_json_key(&j, "explained");
	dti_json_bool(&j, p->explained);
	dti_json_key(&j, "unexplained");
	*p->unexplained ? dti_json_string(&j, p->unexplained)
	                : dti_json_null(&j);
	dti_json_key(&j, "explanation");
	if (st == DTI_OK && p->explained)
		dti_json_raw(&j, ex.data);
	else
		dti_json_null(&j);
	dti_json_object_end(&j);
	dti_buf_release(&ex);
	if (st == DTI_OK)
		st = dti_json_finish(&j, err);
	if (st == DTI_OK)
		dti_buf_addc(out, '\n');
	return st;
}

enum dti_status dti_profile_write(const struct dti_profile *p,
                                  enum dti_format format, enum dti_lang lang,
                                  struct dti_buf *out, struct dti_error *err)
{
	enum dti_status st;
	if (format == DTI_FORMAT_JSON || format == DTI_FORMAT_NDJSON)
		st = profile_json(p, out, err);
	else if (format == DTI_FORMAT_TABLE)
		st = profile_table(p, lang, out, err);
	else
		st = dti_err_set(err, DTI_EARG, "", 0, 0, "format", "%s",
		                 format == DTI_FORMAT_XLSX
		                     ? "a published profile is text or JSON "
		                       "(an explanation from a data file is "
		                       "also XLSX)"
		                     : "a profile is text or JSON");
	return dti_buf_final(out, st, err);
}

/* ---- the preview -------------------------------------------------------- */

static enum dti_status preview_table(const struct dti_submission_preview *p,
                                     enum dti_lang lang, struct dti_buf *out)
{
	int vi = lang == DTI_LANG_VI;
	char mark = vi ? ',' : '.';
	dti_text_escape(out, p->name, strlen(p->name), 0);
	dti_buf_adds(out, " (");
	dti_text_escape(out, p->unit, strlen(p->unit), 0);
	dti_buf_addf(out, ") · %s ", vi ? "kỳ" : "cycle");
	dti_text_escape(out, p->cycle, strlen(p->cycle), 0);
	static const char *const state_vi[] = {[DTI_SUB_DRAFT] = "nháp",
	                                       [DTI_SUB_SUBMITTED] = "đã nộp",
	                                       [DTI_SUB_RETURNED] =
	                                           "bị trả lại",
	                                       [DTI_SUB_APPROVED] = "đã duyệt",
	                                       [DTI_SUB_EXCLUDED] = "bị loại"};
	const char *state = dti_sub_state_name(p->state);
	if (vi && p->state >= DTI_SUB_DRAFT && p->state <= DTI_SUB_EXCLUDED)
		state = state_vi[p->state];
	dti_buf_addf(out, " · %s %s\n", vi ? "hồ sơ" : "submission", state);
	dti_buf_addf(out,
	             vi ? "Số liệu: %zu/%zu chỉ số được tính điểm"
	                : "Figures: %zu of %zu scored indicators",
	             p->figures, p->scored);
	if (p->adjusted)
		dti_buf_addf(out,
		             vi ? " (%zu do người thẩm định điều chỉnh)"
		                : " (%zu adjusted by a reviewer)",
		             p->adjusted);
	dti_buf_addc(out, '\n');
	dti_buf_addf(out,
	             vi ? "Đơn vị đủ số liệu để xếp hạng: %zu/%zu\n"
	                : "Units with enough data to rank: %zu of %zu\n",
	             p->counted, p->units);
	if (!p->complete)
		dti_buf_adds(
		    out, vi ? "Chưa đủ số liệu: chỉ số thiếu được tính theo "
		              "quy tắc thiếu số liệu của khung (thường là "
		              "0).\n"
		            : "Not complete: missing figures are scored by "
		              "the framework's missing rule (usually 0).\n");
	/* with an earlier published cycle: the rank in its field too */
	int prev = p->prev_cycle != NULL;
	struct store_tab t;
	store_tab_init(&t, prev ? 5 : 4,
	               prev ? 1u << 1 | 1u << 2 | 1u << 3 : 1u << 1 | 1u << 2);
	store_tab_text(&t, vi ? "Mã" : "Code");
	store_tab_text(&t, vi ? "Giá trị" : "Value");
	store_tab_text(&t, vi ? "Hạng dự kiến" : "Likely rank");
	if (prev) {
		struct dti_buf *h = store_tab_next(&t);
		dti_buf_adds(h, vi ? "So với " : "In ");
		dti_text_escape(h, p->prev_cycle, strlen(p->prev_cycle), 0);
		if (!vi)
			dti_buf_adds(h, "'s field");
	}
	store_tab_text(&t, vi ? "Tên" : "Name");
	for (size_t k = 0; k < p->nnodes; k++) {
		const struct dti_preview_node *n = &p->nodes[k];
		store_tab_esc(&t, n->code);
		tab_value(&t, n->value, n->unknown, p->precision, mark);
		if (n->rank)
			dti_buf_addf(store_tab_next(&t), "%d/%zu", n->rank,
			             n->ranked);
		else
			store_tab_text(&t, "–");
		if (prev && n->prev_rank)
			dti_buf_addf(store_tab_next(&t), "%d/%zu", n->prev_rank,
			             n->prev_ranked);
		else if (prev)
			store_tab_text(&t, "–");
		store_tab_esc(&t, vi ? n->name_vi : n->name_en);
	}
	store_tab_write(&t, out);
	store_tab_release(&t);
	dti_buf_adds(out, vi ? "Dự kiến theo số liệu hiện có, chưa phải kết "
	                       "quả chính thức.\n"
	                     : "A preview from the figures as they are now, "
	                       "not a result.\n");
	return DTI_OK;
}

static enum dti_status preview_json(const struct dti_submission_preview *p,
                                    struct dti_buf *out, struct dti_error *err)
{
	struct dti_json j;
	dti_json_init(&j, out);
	dti_json_object_begin(&j);
	dti_json_key(&j, "cycle");
	dti_json_string(&j, p->cycle);
	dti_json_key(&j, "year");
	dti_json_int(&j, p->year);
	dti_json_key(&j, "unit");
	dti_json_string(&j, p->unit);
	dti_json_key(&j, "name");
	dti_json_string(&j, p->name);
	dti_json_key(&j, "group");
	dti_json_string(&j, p->group);
	dti_json_key(&j, "state");
	dti_json_string(&j, dti_sub_state_name(p->state));
	dti_json_key(&j, "precision");
	dti_json_int(&j, p->precision);
	dti_json_key(&j, "scored");
	dti_json_int(&j, (long long)p->scored);
	dti_json_key(&j, "figures");
	dti_json_int(&j, (long long)p->figures);
	dti_json_key(&j, "adjusted");
	dti_json_int(&j, (long long)p->adjusted);
	dti_json_key(&j, "complete");
	dti_json_bool(&j, p->complete);
	dti_json_key(&j, "units");
	dti_json_int(&j, (long long)p->units);
	dti_json_key(&j, "counted");
	dti_json_int(&j, (long long)p->counted);
	dti_json_key(&j, "edited");
	dti_json_bool(&j, p->edited);
	dti_json_key(&j, "prev_cycle");
	p->prev_cycle ? dti_json_string(&j, p->prev_cycle) : dti_json_null(&j);
	dti_json_key(&j, "nodes");
	dti_json_array_begin(&j);
	for (size_t k = 0; k < p->nnodes; k++) {
		const struct dti_preview_node *n = &p->nodes[k];
		dti_json_object_begin(&j);
		dti_json_key(&j, "code");
		dti_json_string(&j, n->code);
		dti_json_key(&j, "name_vi");
		dti_json_string(&j, n->name_vi);
		dti_json_key(&j, "name_en");
		dti_json_string(&j, n->name_en);
		dti_json_key(&j, "kind");
		dti_json_string(&j, n->kind);
		dti_json_key(&j, "value");
		dti_json_fixed(&j, n->value, p->precision);
		dti_json_key(&j, "unknown");
		dti_json_bool(&j, n->unknown);
		dti_json_key(&j, "rank");
		n->rank ? dti_json_int(&j, n->rank) : dti_json_null(&j);
		dti_json_key(&j, "ranked");
		dti_json_int(&j, (long long)n->ranked);
		dti_json_key(&j, "prev_rank");
		n->prev_rank ? dti_json_int(&j, n->prev_rank)
		             : dti_json_null(&j);
		dti_json_key(&j, "prev_ranked");
		dti_json_int(&j, (long long)n->prev_ranked);
		dti_json_object_end(&j);
	}
	dti_json_array_end(&j);
	dti_json_object_end(&j);
	enum dti_status st = dti_json_finish(&j, err);
	if (st == DTI_OK)
		dti_buf_addc(out, '\n');
	return st;
}

enum dti_status
dti_submission_preview_write(const struct dti_submission_preview *p,
                             enum dti_format format, enum dti_lang lang,
                             struct dti_buf *out, struct dti_error *err)
{
	enum dti_status st;
	if (format == DTI_FORMAT_JSON || format == DTI_FORMAT_NDJSON)
		st = preview_json(p, out, err);
	else if (format == DTI_FORMAT_TABLE)
		st = preview_table(p, lang, out);
	else
		st = dti_err_set(err, DTI_EARG, "", 0, 0, "format", "%s",
		                 "a preview is text or JSON");
	return dti_buf_final(out, st, err);
}
