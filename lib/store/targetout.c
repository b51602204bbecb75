/*
 * lib/store/targetout.c - targets and their tracking as a table, CSV and
 * JSON (dti/targets.h).
 *
 * Tables are for a terminal, in Vietnamese or English: names, notes and
 * codes escaped, columns aligned by display width (viewout.c's table), a
 * decimal comma in Vietnamese; what is missing is '–', never 0.  CSV
 * and JSON are for programs and never localised: '.' decimals, statuses
 * by their names ("on_track"), null (JSON) or an empty cell (CSV) for
 * what is missing.  Published values are written at their precision,
 * figures and thresholds with up to 6 decimals (trailing zeros dropped),
 * ranks as whole numbers and projected ranks with one decimal.
 */
#include <math.h>
#include <string.h>

#include "store/store_internal.h"

#define FIG_DIGITS 6

static const char *status_text(enum dti_target_status s, int vi)
{
	switch (s) {
	case DTI_TARGET_ON_TRACK: return vi ? "đúng tiến độ" : "on track";
	case DTI_TARGET_OFF_TRACK: return vi ? "chậm tiến độ" : "off track";
	case DTI_TARGET_MET: return vi ? "đã đạt" : "met";
	case DTI_TARGET_MISSED: return vi ? "không đạt" : "missed";
	case DTI_TARGET_NO_DATA: break;
	}
	return vi ? "chưa có số liệu" : "no data yet";
}

/*
 * A number: fixed `digits` decimals (trim = 0) or at most that many
 * (trim = 1), with `mark` as the decimal mark; NaN as `nan_text`.
 */
static void num(struct dti_buf *b, double v, int digits, int trim, char mark,
                const char *nan_text)
{
	if (isnan(v)) {
		dti_buf_adds(b, nan_text);
		return;
	}
	if (!trim) {
		dti_buf_add_decimal(b, v, digits, mark, "");
		return;
	}
	size_t at = b->len;
	dti_buf_add_trimmed(b, v, digits);
	for (size_t i = at; mark != '.' && i < b->len; i++)
		if (b->data[i] == '.')
			b->data[i] = mark;
}

/* A point's value, a gap or a threshold as the target's kind shows it. */
static void kind_num(struct dti_buf *b, const struct dti_target *t,
                     int precision, double v, char mark, const char *nan_text)
{
	if (t->kind == DTI_TARGET_VALUE)
		num(b, v, precision, 0, mark, nan_text);
	else if (t->kind == DTI_TARGET_RANK)
		num(b, v, 0, 0, mark, nan_text);
	else
		num(b, v, FIG_DIGITS, 1, mark, nan_text);
}

/* "pdti: rank ≤ 10", "pdti: giá trị ≥ 0,75", "in_budget: số liệu ≥ 2". */
static void target_text(struct dti_buf *b, const struct dti_target *t, int vi)
{
	dti_text_escape(b, t->node, strlen(t->node), 0);
	const char *what = t->kind == DTI_TARGET_RANK ? (vi ? "hạng" : "rank")
	                   : t->kind == DTI_TARGET_VALUE
	                       ? (vi ? "giá trị" : "value")
	                       : (vi ? "số liệu" : "figure");
	dti_buf_addf(b, ": %s %s ", what,
	             t->op == DTI_TARGET_AT_MOST ? "≤" : "≥");
	num(b, t->threshold, FIG_DIGITS, 1, vi ? ',' : '.', "");
}

static void unit_cell(struct store_tab *tab, const struct dti_target *t)
{
	struct dti_buf *b = store_tab_next(tab);
	dti_text_escape(b, t->unit, strlen(t->unit), 0);
	dti_buf_addc(b, ' ');
	dti_text_escape(b, t->unit_name, strlen(t->unit_name), 0);
}

/* "17/62 (2023)", "0,6660 (2023)", "–". */
static void point_cell(struct store_tab *tab, const struct dti_target *t,
                       const struct dti_target_point *p, int precision,
                       char mark)
{
	struct dti_buf *b = store_tab_next(tab);
	if (!p) {
		dti_buf_adds(b, "–");
		return;
	}
	kind_num(b, t, precision, p->value, mark, "–");
	if (t->kind == DTI_TARGET_RANK)
		dti_buf_addf(b, "/%zu", p->ranked);
	dti_buf_addf(b, " (%d%s)", p->year, p->synthetic ? "*" : "");
}

/* ---- the list ------------------------------------------------------------ */

static void list_table(const struct dti_target_list *l, int vi,
                       struct dti_buf *out)
{
	if (!l->n) {
		dti_buf_adds(out,
		             vi ? "Không có mục tiêu nào.\n" : "No targets.\n");
		return;
	}
	struct store_tab t;
	store_tab_init(&t, 7, 1u | 1u << 3);
	store_tab_text(&t, vi ? "Số" : "ID");
	store_tab_text(&t, vi ? "Đơn vị" : "Unit");
	store_tab_text(&t, vi ? "Mục tiêu" : "Target");
	store_tab_text(&t, vi ? "Năm" : "By");
	store_tab_text(&t, vi ? "Kỳ gốc" : "Baseline");
	store_tab_text(&t, vi ? "Người đặt" : "Set by");
	store_tab_text(&t, vi ? "Ghi chú" : "Note");
	for (size_t i = 0; i < l->n; i++) {
		const struct dti_target *x = &l->targets[i];
		dti_buf_addf(store_tab_next(&t), "%lld", (long long)x->id);
		unit_cell(&t, x);
		target_text(store_tab_next(&t), x, vi);
		dti_buf_addf(store_tab_next(&t), "%d", x->by_year);
		store_tab_esc(&t, *x->baseline ? x->baseline : "–");
		store_tab_esc(&t, x->set_by);
		store_tab_esc(&t, x->note);
	}
	store_tab_write(&t, out);
	store_tab_release(&t);
}

static void csv_target(struct dti_buf *out, const struct dti_target *t)
{
	dti_buf_addf(out, "%lld,", (long long)t->id);
	dti_csv_text_cell(out, t->unit);
	dti_buf_addc(out, ',');
	dti_csv_text_cell(out, t->unit_name);
	dti_buf_addc(out, ',');
	dti_csv_text_cell(out, t->level);
	dti_buf_addf(out, ",%s,", dti_target_kind_name(t->kind));
	dti_csv_text_cell(out, t->node);
	dti_buf_addf(out, ",%s,", t->op == DTI_TARGET_AT_MOST ? "<=" : ">=");
	num(out, t->threshold, FIG_DIGITS, 1, '.', "");
	dti_buf_addf(out, ",%d,", t->by_year);
	dti_csv_text_cell(out, t->baseline);
}

static void list_csv(const struct dti_target_list *l, struct dti_buf *out)
{
	dti_buf_adds(out, "id,unit,unit_name,level,kind,node,op,threshold,"
	                  "by_year,baseline,note,set_by,set_at\n");
	for (size_t i = 0; i < l->n; i++) {
		const struct dti_target *t = &l->targets[i];
		csv_target(out, t);
		dti_buf_addc(out, ',');
		dti_csv_text_cell(out, t->note);
		dti_buf_addc(out, ',');
		dti_csv_text_cell(out, t->set_by);
		dti_buf_addf(out, ",%s\n", t->set_at);
	}
}

static void json_target(struct dti_json *j, const struct dti_target *t)
{
	dti_json_key(j, "id");
	dti_json_int(j, (long long)t->id);
	dti_json_key(j, "unit");
	dti_json_string(j, t->unit);
	dti_json_key(j, "unit_name");
	dti_json_string(j, t->unit_name);
	dti_json_key(j, "level");
	dti_json_string(j, t->level);
	dti_json_key(j, "kind");
	dti_json_string(j, dti_target_kind_name(t->kind));
	dti_json_key(j, "node");
	dti_json_string(j, t->node);
	dti_json_key(j, "op");
	dti_json_string(j, t->op == DTI_TARGET_AT_MOST ? "<=" : ">=");
	dti_json_key(j, "threshold");
	dti_json_double(j, t->threshold);
	dti_json_key(j, "by_year");
	dti_json_int(j, t->by_year);
	dti_json_key(j, "baseline");
	dti_json_string(j, *t->baseline ? t->baseline : NULL);
	dti_json_key(j, "note");
	dti_json_string(j, t->note);
	dti_json_key(j, "set_by");
	dti_json_string(j, t->set_by);
	dti_json_key(j, "set_at");
	dti_json_string(j, t->set_at);
}

static void list_json(const struct dti_target_list *l, struct dti_json *j)
{
	dti_json_object_begin(j);
	dti_json_key(j, "targets");
	dti_json_array_begin(j);
	for (size_t i = 0; i < l->n; i++) {
		dti_json_break(j);
		dti_json_object_begin(j);
		json_target(j, &l->targets[i]);
		dti_json_object_end(j);
	}
	dti_json_array_end(j);
	dti_json_object_end(j);
}

static enum dti_status bad_format(enum dti_format f, struct dti_error *err)
{
	return dti_err_set(err, DTI_EARG, "", 0, 0, "format",
	                   "targets are written as a table, CSV or JSON (not "
	                   "format %d)",
	                   (int)f);
}

enum dti_status dti_target_list_write(const struct dti_target_list *l,
                                      enum dti_format format,
                                      enum dti_lang lang, struct dti_buf *out,
                                      struct dti_error *err)
{
	enum dti_status st = DTI_OK;
	if (format == DTI_FORMAT_JSON) {
		struct dti_json j;
		dti_json_init(&j, out);
		list_json(l, &j);
		st = dti_json_finish(&j, err);
		if (st == DTI_OK)
			dti_buf_addc(out, '\n');
	} else if (format == DTI_FORMAT_CSV) {
		list_csv(l, out);
	} else if (format == DTI_FORMAT_TABLE) {
		list_table(l, lang == DTI_LANG_VI, out);
	} else {
		return bad_format(format, err);
	}
	return dti_buf_final(out, st, err);
}

/* ---- the tracking -------------------------------------------------------- */

static int any_synthetic(const struct dti_target_tracking *tk)
{
	for (size_t i = 0; i < tk->n; i++)
		for (size_t k = 0; k < tk->targets[i].npoints; k++)
			if (tk->targets[i].points[k].synthetic)
				return 1;
	return 0;
}

static void track_table(const struct dti_target_tracking *tk, int vi,
                        struct dti_buf *out)
{
	char mark = vi ? ',' : '.';
	dti_buf_addf(out,
	             vi ? "Mục tiêu theo kết quả đã công bố, tính đến %.10s.\n"
	                : "Targets against the published results, as of "
	                  "%.10s.\n",
	             tk->as_of);
	if (!tk->n) {
		dti_buf_adds(out,
		             vi ? "Không có mục tiêu nào.\n" : "No targets.\n");
		return;
	}
	int synthetic = any_synthetic(tk);
	/* ID, Unit, Target, By, Baseline, Latest, Gap, Projected, Status */
	struct store_tab t;
	store_tab_init(&t, 9,
	               1u | 1u << 3 | 1u << 4 | 1u << 5 | 1u << 6 | 1u << 7);
	store_tab_text(&t, vi ? "Số" : "ID");
	store_tab_text(&t, vi ? "Đơn vị" : "Unit");
	store_tab_text(&t, vi ? "Mục tiêu" : "Target");
	store_tab_text(&t, vi ? "Năm" : "By");
	store_tab_text(&t, vi ? "Kỳ gốc" : "Baseline");
	store_tab_text(&t, vi ? "Mới nhất" : "Latest");
	store_tab_text(&t, vi ? "Còn thiếu" : "Gap");
	store_tab_text(&t, vi ? "Dự báo" : "Projected");
	store_tab_text(&t, vi ? "Tình trạng" : "Status");
	for (size_t i = 0; i < tk->n; i++) {
		const struct dti_target_track *r = &tk->targets[i];
		const struct dti_target *x = &r->target;
		dti_buf_addf(store_tab_next(&t), "%lld", (long long)x->id);
		unit_cell(&t, x);
		target_text(store_tab_next(&t), x, vi);
		dti_buf_addf(store_tab_next(&t), "%d", x->by_year);
		point_cell(&t, x, r->baseline, r->precision, mark);
		point_cell(&t, x, r->latest, r->precision, mark);
		kind_num(store_tab_next(&t), x, r->precision, r->gap, mark,
		         "–");
		struct dti_buf *b = store_tab_next(&t);
		if (x->kind == DTI_TARGET_RANK)
			num(b, r->projection, 1, 0, mark, "–");
		else
			kind_num(b, x, r->precision, r->projection, mark, "–");
		store_tab_text(&t, status_text(r->status, vi));
	}
	store_tab_write(&t, out);
	store_tab_release(&t);
	dti_buf_adds(out,
	             vi ? "Còn thiếu: khoảng cách từ kết quả mới nhất đến mục "
	                  "tiêu (0 hoặc âm: đã đạt); dự báo: đường xu hướng "
	                  "bình phương tối thiểu qua các kỳ, tại năm mục "
	                  "tiêu.\n"
	                : "Gap: from the latest result to the target (0 or "
	                  "less: met); projected: the least-squares trend "
	                  "through the cycles, at the target's year.\n");
	if (synthetic)
		dti_buf_adds(out, vi ? "* dữ liệu mô phỏng, không phải kết quả "
		                       "chính thức.\n"
		                     : "* synthetic demo data, not official "
		                       "results.\n");
}

static void csv_point_value(struct dti_buf *out, const struct dti_target *t,
                            int precision, double v)
{
	kind_num(out, t, precision, v, '.', "");
}

static void track_csv(const struct dti_target_tracking *tk, struct dti_buf *out)
{
	dti_buf_adds(out, "id,unit,unit_name,level,kind,node,op,threshold,"
	                  "by_year,baseline,baseline_value,latest_cycle,"
	                  "latest_year,latest,ranked,gap,trend_per_year,"
	                  "projection,points,status\n");
	for (size_t i = 0; i < tk->n; i++) {
		const struct dti_target_track *r = &tk->targets[i];
		const struct dti_target *t = &r->target;
		csv_target(out, t);
		dti_buf_addc(out, ',');
		if (r->baseline)
			csv_point_value(out, t, r->precision,
			                r->baseline->value);
		dti_buf_addc(out, ',');
		if (r->latest) {
			dti_csv_text_cell(out, r->latest->cycle);
			dti_buf_addf(out, ",%d,", r->latest->year);
			csv_point_value(out, t, r->precision, r->latest->value);
			dti_buf_addc(out, ',');
			if (t->kind == DTI_TARGET_RANK)
				dti_buf_addf(out, "%zu", r->latest->ranked);
		} else {
			dti_buf_adds(out, ",,,");
		}
		dti_buf_addc(out, ',');
		if (t->kind == DTI_TARGET_RANK)
			num(out, r->gap, 0, 0, '.', "");
		else
			num(out, r->gap, FIG_DIGITS, 1, '.', "");
		dti_buf_addc(out, ',');
		num(out, r->slope, FIG_DIGITS, 1, '.', "");
		dti_buf_addc(out, ',');
		num(out, r->projection, FIG_DIGITS, 1, '.', "");
		dti_buf_addf(out, ",%zu,%s\n", r->npoints,
		             dti_target_status_name(r->status));
	}
}

/* A point's value, gap or projection in JSON, as the kind has it. */
static void json_kind_num(struct dti_json *j, const struct dti_target *t,
                          int precision, double v)
{
	if (isnan(v))
		dti_json_null(j);
	else if (t->kind == DTI_TARGET_RANK)
		dti_json_int(j, (long long)llround(v));
	else if (t->kind == DTI_TARGET_VALUE)
		dti_json_fixed(j, v, precision);
	else
		dti_json_decimal(j, v, FIG_DIGITS);
}

static void json_decimal_or_null(struct dti_json *j, double v)
{
	if (isnan(v))
		dti_json_null(j);
	else
		dti_json_decimal(j, v, FIG_DIGITS);
}

static void track_json(const struct dti_target_tracking *tk, struct dti_json *j)
{
	dti_json_object_begin(j);
	dti_json_key(j, "as_of");
	dti_json_string(j, tk->as_of);
	dti_json_key(j, "targets");
	dti_json_array_begin(j);
	for (size_t i = 0; i < tk->n; i++) {
		const struct dti_target_track *r = &tk->targets[i];
		const struct dti_target *t = &r->target;
		dti_json_break(j);
		dti_json_object_begin(j);
		json_target(j, t);
		dti_json_key(j, "node_name_vi");
		dti_json_string(j, r->node_name_vi);
		dti_json_key(j, "node_name_en");
		dti_json_string(j, r->node_name_en);
		dti_json_key(j, "status");
		dti_json_string(j, dti_target_status_name(r->status));
		dti_json_key(j, "deadline_passed");
		dti_json_bool(j, r->deadline_passed);
		dti_json_key(j, "precision");
		dti_json_int(j, r->precision);
		dti_json_key(j, "points");
		dti_json_array_begin(j);
		for (size_t k = 0; k < r->npoints; k++) {
			const struct dti_target_point *p = &r->points[k];
			dti_json_object_begin(j);
			dti_json_key(j, "cycle");
			dti_json_string(j, p->cycle);
			dti_json_key(j, "year");
			dti_json_int(j, p->year);
			dti_json_key(j, "value");
			json_kind_num(j, t, r->precision, p->value);
			dti_json_key(j, "ranked");
			if (t->kind == DTI_TARGET_RANK)
				dti_json_int(j, (long long)p->ranked);
			else
				dti_json_null(j);
			dti_json_key(j, "met");
			dti_json_bool(j, p->met);
			dti_json_key(j, "partial");
			dti_json_bool(j, p->partial);
			dti_json_key(j, "synthetic");
			dti_json_bool(j, p->synthetic);
			dti_json_object_end(j);
		}
		dti_json_array_end(j);
		dti_json_key(j, "baseline_value");
		json_kind_num(j, t, r->precision,
		              r->baseline ? r->baseline->value : NAN);
		dti_json_key(j, "latest_cycle");
		dti_json_string(j, r->latest ? r->latest->cycle : NULL);
		dti_json_key(j, "latest");
		json_kind_num(j, t, r->precision,
		              r->latest ? r->latest->value : NAN);
		dti_json_key(j, "gap");
		if (t->kind == DTI_TARGET_RANK)
			json_kind_num(j, t, r->precision, r->gap);
		else
			json_decimal_or_null(j, r->gap);
		dti_json_key(j, "trend_per_year");
		json_decimal_or_null(j, r->slope);
		dti_json_key(j, "projection");
		json_decimal_or_null(j, r->projection);
		dti_json_object_end(j);
	}
	dti_json_array_end(j);
	dti_json_object_end(j);
}

enum dti_status dti_target_tracking_write(const struct dti_target_tracking *tk,
                                          enum dti_format format,
                                          enum dti_lang lang,
                                          struct dti_buf *out,
                                          struct dti_error *err)
{
	enum dti_status st = DTI_OK;
	if (format == DTI_FORMAT_JSON) {
		struct dti_json j;
		dti_json_init(&j, out);
		track_json(tk, &j);
		st = dti_json_finish(&j, err);
		if (st == DTI_OK)
			dti_buf_addc(out, '\n');
	} else if (format == DTI_FORMAT_CSV) {
		track_csv(tk, out);
	} else if (format == DTI_FORMAT_TABLE) {
		track_table(tk, lang == DTI_LANG_VI, out);
	} else {
		return bad_format(format, err);
	}
	return dti_buf_final(out, st, err);
}
