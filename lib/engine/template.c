/*
 * lib/engine/template.c - the input workbook a unit fills in (see
 * dti/template.h).
 *
 * Three sheets, the data sheet first (the one a reader takes when no sheet
 * is named):
 *   - the data sheet: "# framework:", "# cycle:" (and "# layout: long")
 *     rows, a comment row saying what to do, then the header and the rows
 *     to fill; its header words are those the data reader knows (Mã đơn
 *     vị / Unit code, Đơn vị / Unit name, Mã chỉ số / Indicator, Giá trị /
 *     Value, Tài liệu kiểm chứng / Evidence, Ghi chú / Note), and the
 *     descriptive columns beside them are ones it passes over;
 *   - the indicators: every node of the framework with its rule and
 *     parameters, for reference;
 *   - the instructions.
 * What a cell may hold is decided from the node's rule and parameters, as
 * the data reader and the scoring read them (see input_of).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "dti/template.h"
#include "engine/model.h"

#define MAX_STEPS_LISTED 32

void dti_template_opts_init(struct dti_template_opts *o)
{
	memset(o, 0, sizeof *o);
	o->lang = DTI_LANG_VI;
	o->blank_rows = 30;
}

/* What the value cell of an indicator takes. */
struct input {
	enum dti_xlsx_input kind;
	int list;   /* a list: items */
	int strict; /* a list: nothing else (else a warning) */
	const char *items[MAX_STEPS_LISTED + 1];
	char itembuf[MAX_STEPS_LISTED][32];
	int range; /* a number within lo..hi */
	int whole;
	double lo, hi;
	char rule[400];   /* the rule in words */
	char prompt[256]; /* shown on the cell */
	char floor[32], target[32];
};

/* A number as people read it: "%g", with a decimal comma in Vietnamese. */
static void num_text(double v, int vi, char *out, size_t outsz)
{
	dti_snprintf(out, outsz, "%.10g", v);
	if (vi)
		for (char *p = out; *p; p++)
			if (*p == '.')
				*p = ',';
}

/* A share (0..1) as a percentage: 0.5 -> "50%" ("50 %" is not Excel's). */
static void pct_text(double v, int vi, char *out, size_t outsz)
{
	char n[32];
	num_text(v * 100, vi, n, sizeof n);
	dti_snprintf(out, outsz, "%s%%", n);
}

static int is_share(const struct fw_node *nd)
{
	double big = fabs(nd->rp.floor) > fabs(nd->rp.target)
	                 ? fabs(nd->rp.floor)
	                 : fabs(nd->rp.target);
	return big <= 1;
}

static void input_of(const struct dti_framework *fw, const struct fw_node *nd,
                     int vi, struct input *in)
{
	memset(in, 0, sizeof *in);
	in->kind = DTI_XLSX_INPUT_NUMBER;
	in->lo = -INFINITY;
	in->hi = INFINITY;
	char a[32], b[32];
	if (nd->kind == DTI_KIND_STATISTIC) {
		in->range = 1;
		dti_snprintf(in->rule, sizeof in->rule, "%s",
		             vi ? "Thông tin thống kê (không tính điểm)"
		                : "Statistic (collected, not scored)");
		dti_snprintf(in->prompt, sizeof in->prompt, "%s",
		             vi ? "Nhập số liệu (một số)."
		                : "Enter the figure (a number).");
		return;
	}
	switch (nd->rule) {
	case DTI_RULE_YESNO:
		in->list = in->strict = 1;
		in->kind = DTI_XLSX_INPUT_TEXT;
		in->items[0] = vi ? "có" : "yes";
		in->items[1] = vi ? "không" : "no";
		dti_snprintf(in->rule, sizeof in->rule, "%s",
		             vi ? "Có/Không" : "Yes/No");
		dti_snprintf(in->prompt, sizeof in->prompt, "%s",
		             vi ? "Chọn có hoặc không." : "Choose yes or no.");
		return;
	case DTI_RULE_RATIO:
		in->range = 1;
		if (is_share(nd)) {
			in->kind = DTI_XLSX_INPUT_PERCENT;
			in->lo = 0;
			in->hi = 1;
			pct_text(nd->rp.floor, vi, in->floor, sizeof in->floor);
			pct_text(nd->rp.target, vi, in->target,
			         sizeof in->target);
			dti_snprintf(in->prompt, sizeof in->prompt, "%s",
			             vi ? "Nhập tỷ lệ phần trăm từ 0% đến 100% "
			                  "(ví dụ 85%)."
			                : "Enter a percentage from 0% to 100% "
			                  "(for example 85%).");
		} else {
			in->lo = 0;
			num_text(nd->rp.floor, vi, in->floor, sizeof in->floor);
			num_text(nd->rp.target, vi, in->target,
			         sizeof in->target);
			if (nd->unit && strcmp(nd->unit, "%") == 0) {
				in->hi = 100;
				dti_snprintf(
				    in->prompt, sizeof in->prompt, "%s",
				    vi ? "Nhập số phần trăm từ 0 đến 100 "
				         "(ví dụ 23,9)."
				       : "Enter the percentage from 0 "
				         "to 100 (for example 23.9).");
			} else {
				dti_snprintf(in->prompt, sizeof in->prompt,
				             "%s",
				             vi ? "Nhập một số không âm."
				                : "Enter a number, 0 or more.");
			}
		}
		dti_snprintf(in->rule, sizeof in->rule,
		             vi ? "Tỷ lệ: sàn %s, mục tiêu %s%s"
		                : "Ratio: floor %s, target %s%s",
		             in->floor, in->target,
		             nd->polarity < 0 ? (vi ? " (càng thấp càng tốt)"
		                                    : " (lower is better)")
		                              : "");
		return;
	case DTI_RULE_COUNT:
		in->range = in->whole = 1;
		in->lo = 0;
		num_text(nd->rp.cap, vi, a, sizeof a);
		dti_snprintf(in->rule, sizeof in->rule,
		             vi ? "Số lượng (đủ điểm từ %s)"
		                : "Count (full points from %s)",
		             a);
		dti_snprintf(in->target, sizeof in->target, "%s", a);
		dti_snprintf(in->prompt, sizeof in->prompt, "%s",
		             vi ? "Nhập số nguyên không âm."
		                : "Enter a whole number, 0 or more.");
		return;
	case DTI_RULE_STEPS: {
		in->list = 1;
		in->strict = 0;
		size_t n = nd->rp.nsteps < MAX_STEPS_LISTED ? nd->rp.nsteps
		                                            : MAX_STEPS_LISTED;
		size_t k = 0;
		k += (size_t)dti_snprintf(in->rule, sizeof in->rule, "%s",
		                          vi ? "Ngưỡng:" : "Thresholds:");
		for (size_t i = 0; i < n; i++) {
			/* the list holds the figure as typed: '.' decimals */
			dti_snprintf(in->itembuf[i], sizeof in->itembuf[i],
			             "%.10g", nd->rp.thr[i]);
			in->items[i] = in->itembuf[i];
			num_text(nd->rp.thr[i], vi, a, sizeof a);
			num_text(nd->rp.pts[i], vi, b, sizeof b);
			/* lower is better: a step is reached at or below */
			const char *word = nd->polarity < 0
			                       ? (vi ? "đến" : "up to")
			                       : (vi ? "từ" : "from");
			if (k < sizeof in->rule)
				k += (size_t)dti_snprintf(
				    in->rule + k, sizeof in->rule - k,
				    "%s %s %s: %s%s", i ? ";" : "", word, a, b,
				    vi ? " điểm" : "");
		}
		dti_snprintf(in->prompt, sizeof in->prompt, "%s",
		             vi ? "Nhập số liệu đạt được (hoặc chọn ngưỡng "
		                  "đã đạt trong danh sách)."
		                : "Enter the figure reached (or choose the "
		                  "threshold reached from the list).");
		return;
	}
	case DTI_RULE_POINTS:
		in->range = 1;
		in->lo = 0;
		if (nd->points_known == 1 && isfinite(nd->points))
			in->hi = nd->points;
		num_text(in->hi, vi, a, sizeof a);
		dti_snprintf(in->rule, sizeof in->rule,
		             vi ? "Điểm tự chấm (0 đến %s)"
		                : "Self-assessed points (0 to %s)",
		             isfinite(in->hi) ? a : "max");
		dti_snprintf(in->prompt, sizeof in->prompt,
		             vi ? "Nhập số điểm từ 0 đến %s."
		                : "Enter the points, from 0 to %s.",
		             isfinite(in->hi) ? a : "max");
		return;
	case DTI_RULE_SURVEY:
		in->range = 1;
		in->lo = nd->rp.min;
		in->hi = nd->rp.max;
		num_text(in->lo, vi, a, sizeof a);
		num_text(in->hi, vi, b, sizeof b);
		dti_snprintf(in->rule, sizeof in->rule,
		             vi ? "Điểm khảo sát trung bình (thang %s đến %s)"
		                : "Survey mean (scale %s to %s)",
		             a, b);
		dti_snprintf(in->prompt, sizeof in->prompt,
		             vi ? "Nhập điểm trung bình từ %s đến %s."
		                : "Enter the mean, from %s to %s.",
		             a, b);
		return;
	case DTI_RULE_VALUE:
		in->range = 1;
		in->lo = 0;
		in->hi = fw->scale;
		num_text(fw->scale, vi, a, sizeof a);
		dti_snprintf(in->rule, sizeof in->rule,
		             vi ? "Giá trị của chỉ số (0 đến %s)"
		                : "The indicator's value (0 to %s)",
		             a);
		dti_snprintf(in->prompt, sizeof in->prompt,
		             vi ? "Nhập giá trị từ 0 đến %s."
		                : "Enter the value, from 0 to %s.",
		             a);
		return;
	default:
		in->range = 1;
		dti_snprintf(in->rule, sizeof in->rule, "%s%s",
		             vi ? "Số liệu" : "Figure",
		             nd->polarity < 0 ? (vi ? " (càng thấp càng tốt)"
		                                    : " (lower is better)")
		                              : "");
		dti_snprintf(in->prompt, sizeof in->prompt, "%s",
		             vi ? "Nhập số liệu (một số)."
		                : "Enter the figure (a number).");
		return;
	}
}

static const char *name_of(const struct fw_node *nd, int vi)
{
	const char *n = vi ? nd->name_vi : nd->name_en;
	if (!n || !*n)
		n = vi ? nd->name_en : nd->name_vi;
	return n && *n ? n : nd->code;
}

/* The nodes a unit fills in: leaves, not scored by reviewers. */
static int to_fill(const struct fw_node *nd)
{
	return nd->nchildren == 0 && nd->kind != DTI_KIND_INDEX &&
	       nd->rule != DTI_RULE_REVIEWER;
}

static void validate(struct dti_xlsx *x, uint32_t r0, uint32_t r1, uint32_t col,
                     const struct input *in, const char *title)
{
	if (in->list)
		dti_xlsx_valid_list(x, r0, r1, col, in->items, in->strict,
		                    title, in->prompt);
	else if (in->range)
		dti_xlsx_valid_range(x, r0, r1, col, in->lo, in->hi, in->whole,
		                     title, in->prompt);
}

/* "# framework:", "# cycle:", maybe "# layout: long", and the hint row. */
static uint32_t head_rows(struct dti_xlsx *x, const struct dti_framework *fw,
                          const struct dti_template_opts *o, int vi, int longf)
{
	char line[600];
	uint32_t row = 0;
	dti_snprintf(line, sizeof line, "# framework: %s",
	             dti_framework_id(fw));
	dti_xlsx_text(x, row++, 0, line);
	if (o->cycle && *o->cycle) {
		dti_snprintf(line, sizeof line, "# cycle: %s", o->cycle);
		dti_xlsx_text(x, row++, 0, line);
	}
	if (longf)
		dti_xlsx_text(x, row++, 0, "# layout: long");
	dti_xlsx_text(x, row++, 0,
	              vi ? "# Điền các ô màu vàng; các ô khác bị khóa. Xem "
	                   "trang “Hướng dẫn”."
	                 : "# Fill in the yellow cells; the others are "
	                   "locked. See the “Instructions” sheet.");
	return row;
}

static const char *parent_name(const struct dti_framework *fw,
                               const struct fw_node *nd, int vi)
{
	return nd->nparents ? name_of(&fw->nodes[nd->parents[0]], vi) : "";
}

static void points_text(const struct dti_framework *fw,
                        const struct fw_node *nd, int vi, char *out,
                        size_t outsz)
{
	*out = '\0';
	if (fw->uses_points && nd->points_known == 1 && isfinite(nd->points))
		num_text(nd->points, vi, out, outsz);
	else if (fw->uses_points && nd->points_known == 0)
		dti_snprintf(out, outsz, "?");
}

/* The points as a number (or "?" when the framework does not know them). */
static void put_points(struct dti_xlsx *x, uint32_t row, uint32_t col,
                       const struct dti_framework *fw, const struct fw_node *nd,
                       const char *text)
{
	if (fw->uses_points && nd->points_known == 1 && isfinite(nd->points))
		dti_xlsx_number(x, row, col, nd->points,
		                nd->points == floor(nd->points) ? 0 : 2);
	else
		dti_xlsx_text(x, row, col, text);
}

/* One row per indicator for one unit (a long file). */
static void long_sheet(struct dti_xlsx *x, const struct dti_framework *fw,
                       const struct dti_unit_info *u,
                       const struct dti_template_opts *o, int vi)
{
	dti_xlsx_sheet(x, vi ? "Dữ liệu" : "Data");
	uint32_t row = head_rows(x, fw, o, vi, 1);
	static const char *const head_vi[] = {
	    "Mã đơn vị", "Đơn vị",      "Mã chỉ số",   "Tên chỉ số",
	    "Thuộc",     "Cách tính",   "Đơn vị tính", "Sàn",
	    "Mục tiêu",  "Điểm tối đa", "Giá trị",     "Tài liệu kiểm chứng",
	    "Ghi chú"};
	static const char *const head_en[] = {
	    "Unit code", "Unit name",  "Indicator", "Indicator name",
	    "Part of",   "Rule",       "Measure",   "Floor",
	    "Target",    "Max points", "Value",     "Evidence",
	    "Note"};
	const char *const *h = vi ? head_vi : head_en;
	uint32_t hrow = row;
	for (uint32_t c = 0; c < 13; c++)
		dti_xlsx_bold(x, hrow, c, h[c]);
	row++;
	for (size_t o2 = 0; o2 < fw->n; o2++) {
		const struct fw_node *nd = &fw->nodes[o2];
		if (!to_fill(nd))
			continue;
		struct input in;
		input_of(fw, nd, vi, &in);
		char pts[32];
		points_text(fw, nd, vi, pts, sizeof pts);
		dti_xlsx_text(x, row, 0, u->id);
		dti_xlsx_text(x, row, 1, u->name_vi);
		dti_xlsx_text(x, row, 2, nd->code);
		dti_xlsx_wrapped(x, row, 3, name_of(nd, vi));
		dti_xlsx_wrapped(x, row, 4, parent_name(fw, nd, vi));
		dti_xlsx_wrapped(x, row, 5, in.rule);
		dti_xlsx_text(x, row, 6, nd->unit);
		dti_xlsx_text(x, row, 7, in.floor);
		dti_xlsx_text(x, row, 8, in.target);
		put_points(x, row, 9, fw, nd, pts);
		dti_xlsx_input(x, row, 10, in.kind, NULL);
		dti_xlsx_input(x, row, 11, DTI_XLSX_INPUT_TEXT, NULL);
		dti_xlsx_input(x, row, 12, DTI_XLSX_INPUT_TEXT, NULL);
		validate(x, row, row, 10, &in, nd->code);
		row++;
	}
	dti_xlsx_width(x, 0, 0, 11);
	dti_xlsx_width(x, 1, 1, 18);
	dti_xlsx_width(x, 2, 2, 16);
	dti_xlsx_width(x, 3, 3, 44);
	dti_xlsx_width(x, 4, 4, 20);
	dti_xlsx_width(x, 5, 5, 30);
	dti_xlsx_width(x, 6, 9, 10);
	dti_xlsx_width(x, 10, 10, 12);
	dti_xlsx_width(x, 11, 12, 30);
	dti_xlsx_freeze(x, hrow + 1, 4);
	dti_xlsx_protect(x);
}

/*
 * One row per unit, one column per indicator (a wide file).  -1 when out
 * of memory.
 */
static int wide_sheet(struct dti_xlsx *x, const struct dti_framework *fw,
                      const struct dti_units *units,
                      const struct dti_template_opts *o, int vi)
{
	/* the columns: each node filled in, and what its cells take */
	size_t *node = malloc((fw->n ? fw->n : 1) * sizeof *node);
	struct input *in = malloc((fw->n ? fw->n : 1) * sizeof *in);
	if (!node || !in) {
		free(node);
		free(in);
		return -1;
	}
	uint32_t nfill = 0;
	for (size_t k = 0; k < fw->n; k++)
		if (to_fill(&fw->nodes[k])) {
			node[nfill] = k;
			input_of(fw, &fw->nodes[k], vi, &in[nfill]);
			nfill++;
		}
	dti_xlsx_sheet(x, vi ? "Dữ liệu" : "Data");
	uint32_t row = head_rows(x, fw, o, vi, 0);
	/* names and rules above the codes: comment rows for the reader;
	   rows are written in order: each of the three whole, in turn */
	uint32_t names = row++, rules = row++, hrow = row++;
	dti_xlsx_text(x, names, 0, vi ? "# Tên chỉ số" : "# Indicator names");
	for (uint32_t c = 0; c < nfill; c++)
		dti_xlsx_wrapped(x, names, 2 + c,
		                 name_of(&fw->nodes[node[c]], vi));
	dti_xlsx_text(x, rules, 0, vi ? "# Cách tính" : "# Rules");
	for (uint32_t c = 0; c < nfill; c++)
		dti_xlsx_wrapped(x, rules, 2 + c, in[c].rule);
	dti_xlsx_bold(x, hrow, 0, vi ? "Mã đơn vị" : "Unit code");
	dti_xlsx_bold(x, hrow, 1, vi ? "Đơn vị" : "Unit name");
	for (uint32_t c = 0; c < nfill; c++)
		dti_xlsx_bold(x, hrow, 2 + c, fw->nodes[node[c]].code);
	uint32_t ncols = 2 + nfill;
	dti_xlsx_bold(x, hrow, ncols, vi ? "Ghi chú" : "Note");
	size_t nrows = o->nunits ? o->nunits : o->blank_rows;
	uint32_t first = row;
	for (size_t i = 0; i < nrows; i++, row++) {
		if (o->nunits) {
			struct dti_unit_info u;
			dti_units_get(units, o->units[i], &u);
			dti_xlsx_text(x, row, 0, u.id);
			dti_xlsx_text(x, row, 1, u.name_vi);
		} else {
			dti_xlsx_input(x, row, 0, DTI_XLSX_INPUT_TEXT, NULL);
			dti_xlsx_input(x, row, 1, DTI_XLSX_INPUT_TEXT, NULL);
		}
		for (uint32_t c = 0; c < nfill; c++)
			dti_xlsx_input(x, row, 2 + c, in[c].kind, NULL);
		dti_xlsx_input(x, row, ncols, DTI_XLSX_INPUT_TEXT, NULL);
	}
	for (uint32_t c = 0; c < nfill; c++)
		validate(x, first, row - 1, 2 + c, &in[c],
		         fw->nodes[node[c]].code);
	dti_xlsx_width(x, 0, 0, 11);
	dti_xlsx_width(x, 1, 1, 22);
	dti_xlsx_width(x, 2, ncols - 1, 16);
	dti_xlsx_width(x, ncols, ncols, 30);
	dti_xlsx_freeze(x, hrow + 1, 2);
	dti_xlsx_protect(x);
	free(node);
	free(in);
	return 0;
}

static const char *kind_name(enum dti_kind k, int vi)
{
	static const char *const en[] = {"index",     "sub-index", "pillar",
	                                 "group",     "indicator", "component",
	                                 "criterion", "statistic"};
	static const char *const vn[] = {
	    "chỉ số tổng hợp", "chỉ số thành phần cấp trên",
	    "trụ cột",         "nhóm",
	    "chỉ số chính",    "chỉ số thành phần",
	    "tiêu chí",        "thông tin thống kê"};
	return (size_t)k < DTI_ARRAY_LEN(en) ? (vi ? vn : en)[k] : "";
}

/* Every node, for reference. */
static void indicators_sheet(struct dti_xlsx *x, const struct dti_framework *fw,
                             int vi)
{
	dti_xlsx_sheet(x, vi ? "Chỉ số" : "Indicators");
	static const char *const head_vi[] = {
	    "Mã",          "Tên",         "Loại",   "Thuộc",
	    "Cách tính",   "Đơn vị tính", "Sàn",    "Mục tiêu",
	    "Điểm tối đa", "Ai nhập",     "Ghi chú"};
	static const char *const head_en[] = {
	    "Code",  "Name",   "Kind",       "Part of",    "Rule", "Measure",
	    "Floor", "Target", "Max points", "Entered by", "Note"};
	const char *const *h = vi ? head_vi : head_en;
	for (uint32_t c = 0; c < 11; c++)
		dti_xlsx_bold(x, 0, c, h[c]);
	uint32_t row = 1;
	for (size_t k = 0; k < fw->n; k++) {
		const struct fw_node *nd = &fw->nodes[k];
		struct input in;
		memset(&in, 0, sizeof in);
		if (nd->nchildren == 0 && nd->kind != DTI_KIND_INDEX)
			input_of(fw, nd, vi, &in);
		else
			dti_snprintf(in.rule, sizeof in.rule, "%s",
			             vi ? "Tổng hợp từ các chỉ số con"
			                : "Aggregated from its children");
		const char *who = "";
		if (nd->rule == DTI_RULE_REVIEWER)
			who = vi ? "Hội đồng thẩm định" : "Reviewers";
		else if (to_fill(nd))
			who = vi ? "Đơn vị" : "The unit";
		char pts[32];
		points_text(fw, nd, vi, pts, sizeof pts);
		dti_xlsx_text(x, row, 0, nd->code);
		dti_xlsx_wrapped(x, row, 1, name_of(nd, vi));
		dti_xlsx_text(x, row, 2, kind_name(nd->kind, vi));
		dti_xlsx_wrapped(x, row, 3, parent_name(fw, nd, vi));
		dti_xlsx_wrapped(x, row, 4,
		                 nd->rule == DTI_RULE_REVIEWER
		                     ? (vi ? "Điểm do hội đồng chấm"
		                           : "Points given by reviewers")
		                     : in.rule);
		dti_xlsx_text(x, row, 5, nd->unit);
		dti_xlsx_text(x, row, 6, in.floor);
		dti_xlsx_text(x, row, 7, in.target);
		put_points(x, row, 8, fw, nd, pts);
		dti_xlsx_text(x, row, 9, who);
		dti_xlsx_wrapped(x, row, 10, nd->note);
		row++;
	}
	dti_xlsx_width(x, 0, 0, 18);
	dti_xlsx_width(x, 1, 1, 44);
	dti_xlsx_width(x, 2, 3, 18);
	dti_xlsx_width(x, 4, 4, 34);
	dti_xlsx_width(x, 5, 9, 11);
	dti_xlsx_width(x, 10, 10, 50);
	dti_xlsx_freeze(x, 1, 1);
	dti_xlsx_protect(x);
}

static void instructions_sheet(struct dti_xlsx *x,
                               const struct dti_framework *fw,
                               const struct dti_template_opts *o, int vi)
{
	dti_xlsx_sheet(x, vi ? "Hướng dẫn" : "Instructions");
	dti_xlsx_width(x, 0, 0, 100);
	const char *title =
	    dti_framework_meta(fw, vi ? "title_vi" : "title_en");
	if (!title)
		title = dti_framework_id(fw);
	char line[1200];
	uint32_t row = 0;
	dti_snprintf(
	    line, sizeof line, "%s%s%s%s",
	    vi ? "Biểu mẫu nhập số liệu: " : "Data entry form: ", title,
	    o->cycle && *o->cycle ? (vi ? " — kỳ " : " — cycle ") : "",
	    o->cycle && *o->cycle ? o->cycle : "");
	dti_xlsx_bold(x, row++, 0, line);
	const char *ver = dti_framework_version(fw);
	dti_snprintf(line, sizeof line,
	             vi ? "Bộ chỉ số %s, phiên bản %s."
	                : "Framework %s, version %s.",
	             dti_framework_id(fw), ver && *ver ? ver : "-");
	dti_xlsx_text(x, row++, 0, line);
	row++;
	static const char *const steps_vi[] = {
	    "1. Điền các ô màu vàng trên trang “Dữ liệu”: giá trị của từng "
	    "chỉ số, tài liệu kiểm chứng (số, ngày văn bản hoặc đường dẫn) "
	    "và ghi chú nếu cần. Các ô khác bị khóa.",
	    "2. Có/Không: chọn “có” hoặc “không” trong danh sách.",
	    "3. Tỷ lệ: nhập phần trăm (ví dụ 85%) hoặc số thập phân (0,85); "
	    "số dùng dấu thập phân của Excel trên máy, không ghi kèm đơn vị "
	    "tính.",
	    "4. Ngưỡng: nhập số liệu đạt được; danh sách gợi ý các ngưỡng "
	    "tính điểm.",
	    "5. Không đổi tên trang, không thêm hay xóa cột hoặc dòng. Gửi "
	    "lại chính tệp này: dti compute, dti submission import và trang "
	    "nhập liệu đọc trực tiếp.",
	    NULL};
	static const char *const steps_en[] = {
	    "1. Fill in the yellow cells of the “Data” sheet: each "
	    "indicator's value, its evidence (number and date of the "
	    "document, or a link) and a note where needed. The other cells "
	    "are locked.",
	    "2. Yes/No: choose “yes” or “no” from the list.",
	    "3. Ratios: enter a percentage (for example 85%) or a decimal "
	    "(0.85), with your Excel's decimal mark and no unit.",
	    "4. Thresholds: enter the figure reached; the list suggests the "
	    "thresholds that score.",
	    "5. Do not rename the sheets or add or delete columns or rows. "
	    "Send this same file back: dti compute, dti submission import "
	    "and the upload page read it as it is.",
	    NULL};
	for (const char *const *s = vi ? steps_vi : steps_en; *s; s++)
		dti_xlsx_wrapped(x, row++, 0, *s);
	row++;
	const char *miss;
	switch (fw->missing) {
	case DTI_MISSING_ZERO:
		miss = vi ? "Chỉ số để trống được tính 0 điểm."
		          : "An indicator "
		            "left empty "
		            "scores 0.";
		break;
	case DTI_MISSING_EXCLUDE:
		miss = vi ? "Chỉ số để trống không được tính (trọng số của các "
		            "chỉ số còn lại được chia lại)."
		          : "An indicator left empty is left out (the weights "
		            "of the others are re-scaled).";
		break;
	default:
		miss =
		    vi ? "Chỉ số để trống được xử lý theo quy định của bộ chỉ "
		         "số."
		       : "An indicator left empty is handled as the "
		         "framework says.";
		break;
	}
	dti_xlsx_wrapped(x, row++, 0, miss);
	size_t nrev = 0;
	for (size_t k = 0; k < fw->n; k++)
		nrev += fw->nodes[k].nchildren == 0 &&
		        fw->nodes[k].rule == DTI_RULE_REVIEWER;
	if (nrev) {
		dti_xlsx_wrapped(
		    x, row++, 0,
		    vi ? "Các chỉ số sau do hội đồng thẩm định chấm điểm, "
		         "không "
		         "có trong biểu mẫu:"
		       : "These indicators are scored by the reviewers and are "
		         "not in the form:");
		for (size_t k = 0; k < fw->n; k++) {
			const struct fw_node *nd = &fw->nodes[k];
			if (nd->nchildren || nd->rule != DTI_RULE_REVIEWER)
				continue;
			dti_snprintf(line, sizeof line, "– %s (%s)",
			             name_of(nd, vi), nd->code);
			dti_xlsx_wrapped(x, row++, 0, line);
		}
	}
	dti_xlsx_protect(x);
}

enum dti_status dti_template_xlsx(const struct dti_framework *fw,
                                  const struct dti_units *units,
                                  const struct dti_template_opts *o,
                                  struct dti_buf *out, struct dti_error *err)
{
	struct dti_template_opts def;
	if (!o) {
		dti_template_opts_init(&def);
		o = &def;
	}
	size_t nfill = 0;
	for (size_t k = 0; k < fw->n; k++)
		nfill += to_fill(&fw->nodes[k]);
	if (!nfill)
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, NULL,
		                   "framework '%s' has no indicator a unit "
		                   "fills in",
		                   dti_framework_id(fw));
	for (size_t i = 0; i < o->nunits; i++)
		if (!units || o->units[i] >= dti_units_count(units))
			return dti_err_set(err, DTI_EARG, NULL, 0, 0, NULL,
			                   "unit %zu is not in the registry",
			                   o->units[i]);
	int vi = o->lang == DTI_LANG_VI;
	struct dti_xlsx *x;
	enum dti_status st = dti_xlsx_new(&x, err);
	if (st)
		return st;
	const char *title =
	    dti_framework_meta(fw, vi ? "title_vi" : "title_en");
	dti_xlsx_props(x, title ? title : dti_framework_id(fw),
	               vi ? "Biểu mẫu nhập số liệu (dti template)"
	                  : "Data entry form (dti template)");
	if (o->nunits == 1 && !o->wide) {
		struct dti_unit_info u;
		dti_units_get(units, o->units[0], &u);
		long_sheet(x, fw, &u, o, vi);
	} else if (wide_sheet(x, fw, units, o, vi)) {
		dti_xlsx_free(x);
		return dti_err_nomem(err);
	}
	indicators_sheet(x, fw, vi);
	instructions_sheet(x, fw, o, vi);
	return dti_xlsx_finish(x, out, err);
}
