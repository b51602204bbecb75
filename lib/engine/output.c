/*
 * lib/output.c - results, frameworks and units as tables, CSV, JSON, NDJSON.
 *
 * Everything is appended to a struct dti_buf; the caller writes it out once
 * whole.  Numbers are formatted by dti_buf_add_decimal (never printf's %f),
 * so no locale can turn 0.8002 into 0,8002 in data.  Terminal tables are
 * built as a grid of cells first and padded by display width, so
 * Vietnamese names (precomposed or not) line up; every cell is escaped
 * (dti_text_escape), so a name or title with a newline or an escape
 * sequence cannot forge a row or drive the terminal.  Data marked synthetic is
 * labelled in every format: a banner in tables, a comment line in CSV, a
 * "synthetic" member in JSON, a first line of the notes sheet in XLSX.
 */
#include <stdlib.h>
#include <string.h>

#include "engine/model.h"

/* ---- small writers --------------------------------------------------- */

/* JSON number for a plain double (weights, points): shortest form. */
static enum dti_status json_double(struct dti_buf *b, double v)
{
	if (isnan(v) || isinf(v))
		return dti_buf_adds(b, "null");
	return dti_buf_add_shortest(b, v);
}

#define csv_cell dti_csv_cell

/* Text from a file or a user in a line of a table view. */
static enum dti_status add_esc(struct dti_buf *b, const char *s)
{
	return s ? dti_text_escape(b, s, strlen(s), 0) : dti_buf_status(b);
}

int dti_format_parse(const char *s)
{
	if (!s)
		return -1;
	if (strcmp(s, "table") == 0 || strcmp(s, "text") == 0)
		return DTI_FORMAT_TABLE;
	if (strcmp(s, "csv") == 0)
		return DTI_FORMAT_CSV;
	if (strcmp(s, "json") == 0)
		return DTI_FORMAT_JSON;
	if (strcmp(s, "ndjson") == 0 || strcmp(s, "jsonl") == 0)
		return DTI_FORMAT_NDJSON;
	if (strcmp(s, "xlsx") == 0)
		return DTI_FORMAT_XLSX;
	return -1;
}

/* ---- grid: a terminal table padded by display width ----------------- */

struct cell {
	char *text;
	int color; /* 0 none, 1 green, 2 red, 3 dim, 4 bold */
};

struct grid {
	size_t ncols;
	size_t nrows;
	size_t cap;
	struct cell *cells; /* row-major */
	int *right;         /* per column: right-aligned */
	int failed;
};

static int grid_init(struct grid *g, size_t ncols)
{
	memset(g, 0, sizeof *g);
	g->ncols = ncols;
	g->right = calloc(ncols ? ncols : 1, sizeof *g->right);
	return g->right ? 0 : -1;
}

static void grid_release(struct grid *g)
{
	for (size_t i = 0; i < g->nrows * g->ncols; i++)
		free(g->cells[i].text);
	free(g->cells);
	free(g->right);
}

static void grid_row(struct grid *g)
{
	if (DTI_GROW(g->cells, g->cap, (g->nrows + 1) * g->ncols)) {
		g->failed = 1;
		return;
	}
	memset(&g->cells[g->nrows * g->ncols], 0, g->ncols * sizeof *g->cells);
	g->nrows++;
}

static void grid_set(struct grid *g, size_t col, const char *text, int color)
{
	if (g->failed || !g->nrows || col >= g->ncols)
		return;
	struct cell *c = &g->cells[(g->nrows - 1) * g->ncols + col];
	struct dti_buf t = DTI_BUF_INIT;
	/* names and titles come from files and users: never raw controls */
	if (text && dti_text_escape(&t, text, strlen(text), 0)) {
		g->failed = 1;
		dti_buf_release(&t);
		return;
	}
	free(c->text);
	c->text = t.data ? t.data : strdup("");
	c->color = color;
	if (!c->text)
		g->failed = 1;
}

/* A cell from the text of a scratch buffer, which is emptied for reuse;
   a buffer that failed fails the grid. */
static void grid_take(struct grid *g, size_t col, struct dti_buf *t, int color)
{
	if (t->status)
		g->failed = 1;
	else
		grid_set(g, col, t->data ? t->data : "", color);
	dti_buf_reset(t);
}

static void grid_setnum(struct grid *g, size_t col, double v, int digits,
                        char mark, int color)
{
	struct dti_buf t = DTI_BUF_INIT;
	dti_buf_add_decimal(&t, v, digits, mark, "–");
	grid_take(g, col, &t, color);
	dti_buf_release(&t);
}

static enum dti_status grid_render(struct grid *g, struct dti_buf *out,
                                   int color, size_t header_rows)
{
	if (g->failed)
		return DTI_ENOMEM;
	size_t *w = calloc(g->ncols ? g->ncols : 1, sizeof *w);
	if (!w)
		return DTI_ENOMEM;
	for (size_t r = 0; r < g->nrows; r++)
		for (size_t c = 0; c < g->ncols; c++) {
			const char *t = g->cells[r * g->ncols + c].text;
			size_t tw = t ? dti_text_width(t, strlen(t)) : 0;
			if (tw > w[c])
				w[c] = tw;
		}
	enum dti_status st = DTI_OK;
	static const char *const esc[] = {"", "\033[32m", "\033[31m", "\033[2m",
	                                  "\033[1m"};
	for (size_t r = 0; r < g->nrows && !st; r++) {
		/* trailing empty cells are not padded */
		size_t last = g->ncols;
		while (last > 0 && !(g->cells[r * g->ncols + last - 1].text &&
		                     *g->cells[r * g->ncols + last - 1].text))
			last--;
		for (size_t c = 0; c < last && !st; c++) {
			const struct cell *cl = &g->cells[r * g->ncols + c];
			const char *t = cl->text ? cl->text : "";
			size_t tw = dti_text_width(t, strlen(t));
			size_t pad = w[c] - tw;
			if (c)
				st = dti_buf_adds(out, "  ");
			if (g->right[c])
				for (size_t k = 0; k < pad && !st; k++)
					st = dti_buf_addc(out, ' ');
			int col = color ? (r < header_rows ? 4 : cl->color) : 0;
			if (col && !st)
				st = dti_buf_adds(out, esc[col]);
			if (!st)
				st = dti_buf_adds(out, t);
			if (col && !st)
				st = dti_buf_adds(out, "\033[0m");
			if (!g->right[c] && c + 1 < last)
				for (size_t k = 0; k < pad && !st; k++)
					st = dti_buf_addc(out, ' ');
		}
		if (!st)
			st = dti_buf_addc(out, '\n');
	}
	free(w);
	return st;
}

/* ---- columns of a result --------------------------------------------- */

size_t dti_output_default_nodes(const struct dti_framework *fw, size_t *out,
                                size_t max)
{
	size_t n = 0;
	if (n < max)
		out[n++] = fw->root;
	size_t pillars = 0;
	for (size_t k = 0; k < fw->n; k++) {
		enum dti_kind kd = fw->nodes[k].kind;
		if ((kd == DTI_KIND_PILLAR || kd == DTI_KIND_SUBINDEX) &&
		    n < max) {
			out[n++] = k;
			pillars++;
		}
	}
	size_t mains = 0;
	for (size_t k = 0; k < fw->n; k++)
		if (fw->nodes[k].kind == DTI_KIND_INDICATOR)
			mains++;
	if (mains && mains <= 12) {
		for (size_t k = 0; k < fw->n; k++)
			if (fw->nodes[k].kind == DTI_KIND_INDICATOR && n < max)
				out[n++] = k;
	} else if (!pillars) {
		const struct fw_node *root = &fw->nodes[fw->root];
		for (size_t c = 0; c < root->nchildren && n < max; c++)
			if (fw->nodes[root->children[c]].scored)
				out[n++] = root->children[c];
	}
	return n;
}

static const char *node_name(const struct fw_node *nd, enum dti_lang lang)
{
	return lang == DTI_LANG_VI ? nd->name_vi : nd->name_en;
}

static const char *unit_name(const struct dti_result *res, size_t i)
{
	return res->ds->u[res->units[i]].name;
}

static const char *unit_id(const struct dti_result *res, size_t i)
{
	return res->ds->u[res->units[i]].id;
}

/*
 * What a view shows of a cell: nothing (NaN: "–" in tables, empty in CSV,
 * null in JSON) for a missing figure, even where the framework scores it
 * 0, so that "not entered" never reads as a measured zero.  The notes of
 * the result say how missing figures were scored.
 */
static int cell_missing(const struct dti_result *res, size_t k, size_t i)
{
	return (res->flags[RES_AT(res, k, i)] & DTI_CELL_MISSING) != 0;
}

static double shown_value(const struct dti_result *res, size_t k, size_t i)
{
	return cell_missing(res, k, i) ? NAN : res->value[RES_AT(res, k, i)];
}

static double shown_points(const struct dti_result *res, size_t k, size_t i)
{
	return cell_missing(res, k, i) ? NAN : dti_result_points(res, i, k);
}

static double shown_change(const struct dti_result *res, size_t k, size_t i)
{
	return cell_missing(res, k, i) ? NAN : dti_result_change(res, i, k);
}

static void rank_change_text(char *out, size_t outsz, int d, int ok)
{
	if (!ok)
		dti_snprintf(out, outsz, "–");
	else if (d > 0)
		dti_snprintf(out, outsz, "↑%d", d);
	else if (d < 0)
		dti_snprintf(out, outsz, "↓%d", -d);
	else
		dti_snprintf(out, outsz, "=");
}

struct rows {
	size_t *idx;
	size_t n;
};

static int select_rows(const struct dti_result *res,
                       const struct dti_output_opts *o, size_t sort,
                       struct rows *rows)
{
	const size_t *order = dti_result_order(res, sort);
	rows->idx = malloc((res->n ? res->n : 1) * sizeof *rows->idx);
	if (!order || !rows->idx)
		return -1;
	rows->n = 0;
	for (size_t j = 0; j < res->n; j++) {
		size_t i = order[j];
		if (o->only_group &&
		    (!res->group[i] || strcmp(res->group[i], o->only_group)))
			continue;
		rows->idx[rows->n++] = i;
		if (o->limit && rows->n >= o->limit)
			break;
	}
	return 0;
}

static enum dti_status banner(const struct dti_result *res, struct dti_buf *out,
                              enum dti_lang lang)
{
	if (!dti_dataset_synthetic(res->ds))
		return DTI_OK;
	return dti_buf_adds(
	    out, lang == DTI_LANG_VI
	             ? "*** DỮ LIỆU MÔ PHỎNG – không phải kết quả chính thức "
	               "(synthetic demo data) ***\n"
	             : "*** SYNTHETIC DEMO DATA – not official results "
	               "(dữ liệu mô phỏng) ***\n");
}

static enum dti_status result_table(const struct dti_result *res,
                                    const struct dti_output_opts *o,
                                    const size_t *nodes, size_t nnodes,
                                    size_t sort, const struct rows *rows,
                                    struct dti_buf *out)
{
	const struct dti_framework *fw = res->fw;
	int vi = o->lang == DTI_LANG_VI;
	char mark = vi ? ',' : '.'; /* a table is read by people */
	int digits = res->precision;
	int has_group = res->ngroups > 0;
	int changes = o->changes && res->prev;
	size_t per =
	    1 + (o->ranks ? 1 : 0) + (o->points ? 1 : 0) + (changes ? 2 : 0);
	size_t fixed = 2 + (has_group ? 1 : 0) + (o->group_ranks && has_group);
	size_t ncols = fixed + nnodes * per;
	struct grid g;
	if (grid_init(&g, ncols))
		return DTI_ENOMEM;
	enum dti_status st = banner(res, out, o->lang);
	const char *title =
	    dti_framework_meta(fw, vi ? "title_vi" : "title_en");
	if (!st)
		st = add_esc(out, dti_framework_id(fw));
	if (!st && title)
		st = dti_buf_adds(out, " – ");
	if (!st)
		st = add_esc(out, title);
	if (!st)
		st = dti_buf_addf(out, " · %s %s · %zu %s", vi ? "kỳ" : "cycle",
		                  dti_result_cycle(res), res->n,
		                  vi            ? "đơn vị"
		                  : res->n == 1 ? "unit"
		                                : "units");
	if (!st && rows->n < res->n)
		st = dti_buf_addf(out, vi ? " (hiện %zu)" : " (%zu shown)",
		                  rows->n);
	if (!st && res->prev)
		st = dti_buf_addf(out,
		                  vi ? " · so với %s" : " · changes since %s",
		                  dti_result_cycle(res->prev));
	if (!st)
		st = dti_buf_addc(out, '\n');
	grid_row(&g);
	g.right[0] = 1;
	grid_set(&g, 0, vi ? "Hạng" : "Rank", 0);
	grid_set(&g, 1, vi ? "Đơn vị" : "Unit", 0);
	size_t c = 2;
	if (has_group)
		grid_set(&g, c++, vi ? "Nhóm" : "Group", 0);
	if (o->group_ranks && has_group) {
		g.right[c] = 1;
		grid_set(&g, c++, vi ? "Hạng nhóm" : "In group", 0);
	}
	for (size_t j = 0; j < nnodes; j++) {
		const char *code = fw->nodes[nodes[j]].code;
		char h[160];
		g.right[c] = 1;
		grid_set(&g, c++, code, 0);
		if (o->ranks) {
			dti_snprintf(h, sizeof h, "#");
			g.right[c] = 1;
			grid_set(&g, c++, h, 0);
		}
		if (o->points) {
			dti_snprintf(h, sizeof h, vi ? "điểm" : "points");
			g.right[c] = 1;
			grid_set(&g, c++, h, 0);
		}
		if (changes) {
			g.right[c] = 1;
			grid_set(&g, c++, "±", 0);
			g.right[c] = 1;
			grid_set(&g, c++, vi ? "bậc" : "places", 0);
		}
	}
	for (size_t r = 0; r < rows->n; r++) {
		size_t i = rows->idx[r];
		grid_row(&g);
		char tmp[64];
		int rk = res->rank[RES_AT(res, sort, i)];
		if (rk)
			dti_snprintf(tmp, sizeof tmp, "%d", rk);
		else
			dti_snprintf(tmp, sizeof tmp, "–");
		grid_set(&g, 0, tmp, 0);
		grid_set(&g, 1, unit_name(res, i), 0);
		c = 2;
		if (has_group)
			grid_set(&g, c++, res->group[i] ? res->group[i] : "",
			         3);
		if (o->group_ranks && has_group) {
			int gr = dti_result_group_rank(res, i, sort);
			if (gr)
				dti_snprintf(
				    tmp, sizeof tmp, "%d/%zu", gr,
				    dti_result_group_size(res, i, sort));
			else
				dti_snprintf(tmp, sizeof tmp, "–");
			grid_set(&g, c++, tmp, 0);
		}
		for (size_t j = 0; j < nnodes; j++) {
			size_t k = nodes[j];
			unsigned fl = res->flags[RES_AT(res, k, i)];
			double v = shown_value(res, k, i);
			if (fl & DTI_CELL_UNKNOWN)
				grid_set(&g, c++, "?", 3);
			else
				grid_setnum(&g, c++, v, digits, mark,
				            (fl & DTI_CELL_MISSING) ? 3 : 0);
			if (o->ranks) {
				int kr = res->rank[RES_AT(res, k, i)];
				dti_snprintf(tmp, sizeof tmp, kr ? "%d" : "–",
				             kr);
				grid_set(&g, c++, tmp, 3);
			}
			if (o->points)
				grid_setnum(&g, c++, shown_points(res, k, i), 2,
				            mark, 0);
			if (changes) {
				double d = shown_change(res, k, i);
				struct dti_buf t = DTI_BUF_INIT;
				if (!isnan(d) && d > 0)
					dti_buf_addc(&t, '+');
				dti_buf_add_decimal(&t, d, digits, mark, "–");
				grid_take(&g, c++, &t,
				          isnan(d) || d == 0 ? 0
				                             : (d > 0 ? 1 : 2));
				dti_buf_release(&t);
				int ok;
				int rc = dti_result_rank_change(res, i, k, &ok);
				rank_change_text(tmp, sizeof tmp, rc, ok);
				grid_set(&g, c++, tmp,
				         !ok || rc == 0 ? 0 : (rc > 0 ? 1 : 2));
			}
		}
	}
	if (!st)
		st = grid_render(&g, out, o->color, 1);
	grid_release(&g);
	/* legend: code = name, for the columns shown */
	for (size_t j = 0; j < nnodes && !st; j++) {
		const struct fw_node *nd = &fw->nodes[nodes[j]];
		st = dti_buf_addf(out, "%s%s = ", j ? "; " : "", nd->code);
		if (!st)
			st = add_esc(out, node_name(nd, o->lang));
	}
	if (nnodes && !st)
		st = dti_buf_addc(out, '\n');
	for (size_t k = 0; k < res->nnotes && !st; k++)
		st = dti_buf_addf(out, "%s: %s\n", vi ? "ghi chú" : "note",
		                  vi ? res->notes_vi[k] : res->notes[k]);
	if (!st)
		st = banner(res, out, o->lang);
	return st;
}

static enum dti_status result_csv(const struct dti_result *res,
                                  const struct dti_output_opts *o,
                                  const size_t *nodes, size_t nnodes,
                                  size_t sort, const struct rows *rows,
                                  struct dti_buf *out)
{
	const struct dti_framework *fw = res->fw;
	int digits = res->precision;
	int changes = o->changes && res->prev;
	enum dti_status st = DTI_OK;
	if (dti_dataset_synthetic(res->ds))
		st = dti_buf_adds(out, "# synthetic: yes (demo values, not "
		                       "official results)\n");
	if (!st)
		st = dti_buf_adds(out, "year,rank,unit_id,unit,group");
	if (!st && o->group_ranks)
		st = dti_buf_adds(out, ",group_rank");
	for (size_t j = 0; j < nnodes && !st; j++) {
		const char *code = fw->nodes[nodes[j]].code;
		st = dti_buf_addf(out, ",%s", code);
		if (!st && o->ranks)
			st = dti_buf_addf(out, ",%s_rank", code);
		if (!st && o->points)
			st = dti_buf_addf(out, ",%s_points", code);
		if (!st && changes)
			st = dti_buf_addf(out, ",%s_change,%s_rank_change",
			                  code, code);
	}
	if (!st)
		st = dti_buf_addc(out, '\n');
	for (size_t r = 0; r < rows->n && !st; r++) {
		size_t i = rows->idx[r];
		st = csv_cell(out, dti_result_cycle(res));
		int rk = res->rank[RES_AT(res, sort, i)];
		if (!st)
			st = rk ? dti_buf_addf(out, ",%d,", rk)
			        : dti_buf_adds(out, ",,");
		if (!st)
			st = dti_csv_text_cell(out, unit_id(res, i));
		if (!st)
			st = dti_buf_addc(out, ',');
		if (!st)
			st = dti_csv_text_cell(out, unit_name(res, i));
		if (!st)
			st = dti_buf_addc(out, ',');
		if (!st && res->group[i])
			st = dti_csv_text_cell(out, res->group[i]);
		if (!st && o->group_ranks) {
			int gr = dti_result_group_rank(res, i, sort);
			st = gr ? dti_buf_addf(out, ",%d", gr)
			        : dti_buf_addc(out, ',');
		}
		for (size_t j = 0; j < nnodes && !st; j++) {
			size_t k = nodes[j];
			st = dti_buf_addc(out, ',');
			if (!st)
				st = dti_buf_add_decimal(out,
				                         shown_value(res, k, i),
				                         digits, '.', "");
			if (!st && o->ranks) {
				int kr = res->rank[RES_AT(res, k, i)];
				st = kr ? dti_buf_addf(out, ",%d", kr)
				        : dti_buf_addc(out, ',');
			}
			if (!st && o->points) {
				st = dti_buf_addc(out, ',');
				if (!st)
					st = dti_buf_add_decimal(
					    out, shown_points(res, k, i), 2,
					    '.', "");
			}
			if (!st && changes) {
				st = dti_buf_addc(out, ',');
				if (!st)
					st = dti_buf_add_decimal(
					    out, shown_change(res, k, i),
					    digits, '.', "");
				int ok;
				int rc = dti_result_rank_change(res, i, k, &ok);
				if (!st)
					st = ok ? dti_buf_addf(out, ",%d", rc)
					        : dti_buf_addc(out, ',');
			}
		}
		if (!st)
			st = dti_buf_addc(out, '\n');
	}
	return st;
}

/* ---- XLSX ------------------------------------------------------------ */

/* The words of a missing-value policy, for people. */
static const char *missing_words(enum dti_missing m, int vi)
{
	switch (m) {
	case DTI_MISSING_EXCLUDE:
		return vi ? "bỏ qua, trọng số các chỉ số còn lại được chia lại"
		          : "left out, the other weights re-scaled";
	case DTI_MISSING_GROUP_MEAN:
		return vi ? "thay bằng trung bình của nhóm"
		          : "imputed by the mean of the unit's group";
	default:
		return vi ? "tính 0 điểm (quy tắc DTI), hiển thị trống"
		          : "scored 0 (the DTI rule), shown empty";
	}
}

static void xlsx_header(struct dti_xlsx *x, uint32_t col, const char *name,
                        const char *code)
{
	dti_xlsx_header(x, col, name, code);
}

static void xlsx_header2(struct dti_xlsx *x, uint32_t col, const char *name,
                         const char *what, const char *code, const char *suffix)
{
	char n[512], c[256];
	dti_snprintf(n, sizeof n, "%s – %s", name, what);
	dti_snprintf(c, sizeof c, "%s%s", code, suffix);
	dti_xlsx_header(x, col, n, c);
}

#define note_row dti_xlsx_note

void eng_xlsx_result_notes(const struct dti_result *res, size_t sort, int vi,
                           struct dti_xlsx *x)
{
	const struct dti_framework *fw = res->fw;
	int synthetic = dti_dataset_synthetic(res->ds);
	uint32_t row;
	dti_xlsx_notes(x, vi, synthetic, &row);
	char t[1024];
	const char *title =
	    dti_framework_meta(fw, vi ? "title_vi" : "title_en");
	dti_snprintf(t, sizeof t, "%s%s%s", dti_framework_id(fw),
	             title ? " – " : "", title ? title : "");
	note_row(x, &row, vi ? "Khung chỉ số" : "Framework", t, "framework");
	note_row(x, &row, vi ? "Phiên bản khung" : "Framework version",
	         dti_framework_version(fw), "framework_version");
	note_row(x, &row, vi ? "Tình trạng khung" : "Framework status",
	         dti_framework_meta(fw, "status"), "framework_status");
	note_row(x, &row, vi ? "Nguồn" : "Source",
	         dti_framework_meta(fw, "source"), "source");
	note_row(x, &row, vi ? "Kỳ" : "Cycle", dti_result_cycle(res), "cycle");
	if (res->prev)
		note_row(x, &row, vi ? "So với kỳ" : "Changes since",
		         dti_result_cycle(res->prev), "previous_cycle");
	dti_snprintf(t, sizeof t, "dti %s", dti_version());
	note_row(x, &row, vi ? "Chương trình" : "Program", t, "program");
	const char *hash = dti_result_data_hash(res);
	note_row(x, &row, vi ? "SHA-256 của dữ liệu" : "Data SHA-256", hash,
	         "data_sha256");
	dti_snprintf(t, sizeof t, "%s: %s", dti_missing_name(res->missing),
	             missing_words(res->missing, vi));
	note_row(x, &row, vi ? "Số liệu thiếu" : "Missing values", t,
	         "missing");
	if (res->norm_cycles > 1) {
		const struct dti_dataset *nds = res->ds;
		dti_snprintf(
		    t, sizeof t,
		    vi ? "trên cả %zu kỳ (%s đến %s)"
		       : "across the %zu cycles (%s to %s)",
		    res->norm_cycles, dti_dataset_cycle(nds, 0),
		    dti_dataset_cycle(nds, dti_dataset_cycle_count(nds) - 1));
		note_row(x, &row, vi ? "Chuẩn hoá" : "Normalised", t,
		         "normalised_across");
	}
	dti_snprintf(t, sizeof t, "%d", res->precision);
	note_row(x, &row, vi ? "Số chữ số thập phân" : "Decimals", t,
	         "precision");
	dti_snprintf(t, sizeof t, "%g", fw->scale);
	note_row(x, &row, vi ? "Thang giá trị" : "Scale", t, "scale");
	const struct fw_node *sn = &fw->nodes[sort];
	dti_snprintf(t, sizeof t, "%s – %s", sn->code, node_name(sn, vi));
	note_row(x, &row, vi ? "Xếp hạng theo" : "Ranked by", t, "sorted_by");
	if (res->group_by)
		note_row(x, &row, vi ? "Nhóm theo" : "Grouped by",
		         res->group_by, "group_by");
	note_row(x, &row, vi ? "Dữ liệu mô phỏng" : "Synthetic data",
	         synthetic ? (vi ? "có" : "yes") : (vi ? "không" : "no"),
	         "synthetic");
	for (size_t k = 0; k < res->nnotes; k++)
		note_row(x, &row, vi ? "Ghi chú" : "Note",
		         vi ? res->notes_vi[k] : res->notes[k], "note");
}

static enum dti_status result_xlsx(const struct dti_result *res,
                                   const struct dti_output_opts *o,
                                   const size_t *nodes, size_t nnodes,
                                   size_t sort, const struct rows *rows,
                                   struct dti_buf *out, struct dti_error *err)
{
	const struct dti_framework *fw = res->fw;
	int vi = o->lang == DTI_LANG_VI;
	int digits = res->precision;
	int changes = o->changes && res->prev;
	struct dti_xlsx *x;
	enum dti_status st = dti_xlsx_new(&x, err);
	if (st)
		return st;
	const char *title =
	    dti_framework_meta(fw, vi ? "title_vi" : "title_en");
	dti_xlsx_props(x, title ? title : dti_framework_id(fw),
	               dti_dataset_synthetic(res->ds)
	                   ? "synthetic demo data, not official results"
	                   : NULL);
	dti_xlsx_sheet(x, vi ? "Kết quả" : "Results");
	dti_xlsx_height(x, 0, 60);
	uint32_t c = 0;
	xlsx_header(x, c++, vi ? "Kỳ" : "Cycle", "year");
	xlsx_header(x, c++, vi ? "Hạng" : "Rank", "rank");
	xlsx_header(x, c++, vi ? "Mã đơn vị" : "Unit id", "unit_id");
	xlsx_header(x, c++, vi ? "Đơn vị" : "Unit", "unit");
	xlsx_header(x, c++, vi ? "Nhóm" : "Group", "group");
	if (o->group_ranks)
		xlsx_header(x, c++, vi ? "Hạng trong nhóm" : "Rank in group",
		            "group_rank");
	for (size_t j = 0; j < nnodes; j++) {
		const struct fw_node *nd = &fw->nodes[nodes[j]];
		const char *name =
		    *node_name(nd, o->lang) ? node_name(nd, o->lang) : nd->code;
		xlsx_header(x, c++, name, nd->code);
		if (o->ranks)
			xlsx_header2(x, c++, name, vi ? "hạng" : "rank",
			             nd->code, "_rank");
		if (o->points)
			xlsx_header2(x, c++, name, vi ? "điểm" : "points",
			             nd->code, "_points");
		if (changes) {
			xlsx_header2(x, c++, name, vi ? "thay đổi" : "change",
			             nd->code, "_change");
			xlsx_header2(x, c++, name,
			             vi ? "thay đổi hạng" : "rank change",
			             nd->code, "_rank_change");
		}
	}
	uint32_t ncols = c;
	dti_xlsx_width(x, 0, 0, 8);
	dti_xlsx_width(x, 1, 1, 7);
	dti_xlsx_width(x, 2, 2, 9);
	dti_xlsx_width(x, 3, 3, 24);
	dti_xlsx_width(x, 4, ncols - 1, 14);
	dti_xlsx_freeze(x, 2, 4);
	for (size_t r = 0; r < rows->n; r++) {
		size_t i = rows->idx[r];
		uint32_t row = (uint32_t)r + 2;
		c = 0;
		dti_xlsx_text(x, row, c++, dti_result_cycle(res));
		int rk = res->rank[RES_AT(res, sort, i)];
		if (rk)
			dti_xlsx_int(x, row, c, rk);
		c++;
		dti_xlsx_text(x, row, c++, unit_id(res, i));
		dti_xlsx_text(x, row, c++, unit_name(res, i));
		dti_xlsx_text(x, row, c++, res->group[i]);
		if (o->group_ranks) {
			int gr = dti_result_group_rank(res, i, sort);
			if (gr)
				dti_xlsx_int(x, row, c, gr);
			c++;
		}
		for (size_t j = 0; j < nnodes; j++) {
			size_t k = nodes[j];
			dti_xlsx_number(x, row, c++, shown_value(res, k, i),
			                digits);
			if (o->ranks) {
				int kr = res->rank[RES_AT(res, k, i)];
				if (kr)
					dti_xlsx_int(x, row, c, kr);
				c++;
			}
			if (o->points)
				dti_xlsx_number(x, row, c++,
				                shown_points(res, k, i), 2);
			if (changes) {
				dti_xlsx_number(x, row, c++,
				                shown_change(res, k, i),
				                digits);
				int ok;
				int rc = dti_result_rank_change(res, i, k, &ok);
				if (ok)
					dti_xlsx_int(x, row, c, rc);
				c++;
			}
		}
	}
	eng_xlsx_result_notes(res, sort, vi, x);
	return dti_xlsx_finish(x, out, err);
}

/* One unit as a JSON object (shared by JSON and NDJSON). */
/* One unit's row: rank, names, group, then a section per kind of value. */
static void unit_json(const struct dti_result *res, const size_t *nodes,
                      size_t nnodes, size_t sort, size_t i, int ndjson,
                      struct dti_json *j)
{
	const struct dti_framework *fw = res->fw;
	int digits = res->precision;
	int changes = res->prev != NULL;
	dti_json_object_begin(j);
	if (ndjson) {
		dti_json_key(j, "framework");
		dti_json_string(j, dti_framework_id(fw));
		dti_json_key(j, "cycle");
		dti_json_string(j, dti_result_cycle(res));
		dti_json_key(j, "synthetic");
		dti_json_bool(j, dti_dataset_synthetic(res->ds));
	}
	int rk = res->rank[RES_AT(res, sort, i)];
	dti_json_key(j, "rank");
	rk ? dti_json_int(j, rk) : dti_json_null(j);
	dti_json_key(j, "id");
	dti_json_string(j, unit_id(res, i));
	dti_json_key(j, "name");
	dti_json_string(j, unit_name(res, i));
	dti_json_key(j, "group");
	dti_json_string(j, res->group[i]);
	int gr = dti_result_group_rank(res, i, sort);
	dti_json_key(j, "group_rank");
	gr ? dti_json_int(j, gr) : dti_json_null(j);
	static const char *const sections[] = {
	    "values",  "ranks",        "group_ranks", "points",
	    "changes", "rank_changes", "flags"};
	for (size_t s = 0; s < DTI_ARRAY_LEN(sections); s++) {
		if (s == 3 && !fw->uses_points)
			continue;
		if ((s == 4 || s == 5) && !changes)
			continue;
		if (s == 2 && !res->ngroups)
			continue;
		dti_json_key(j, sections[s]);
		dti_json_object_begin(j);
		for (size_t c = 0; c < nnodes; c++) {
			size_t k = nodes[c];
			dti_json_key(j, fw->nodes[k].code);
			int v, ok;
			unsigned fl = res->flags[RES_AT(res, k, i)];
			switch (s) {
			case 0:
				dti_json_fixed(j, shown_value(res, k, i),
				               digits);
				break;
			case 1:
				v = res->rank[RES_AT(res, k, i)];
				v ? dti_json_int(j, v) : dti_json_null(j);
				break;
			case 2:
				v = dti_result_group_rank(res, i, k);
				v ? dti_json_int(j, v) : dti_json_null(j);
				break;
			case 3:
				dti_json_decimal(j, shown_points(res, k, i), 6);
				break;
			case 4:
				dti_json_fixed(j, shown_change(res, k, i),
				               digits);
				break;
			case 5:
				v = dti_result_rank_change(res, i, k, &ok);
				ok ? dti_json_int(j, v) : dti_json_null(j);
				break;
			default: {
				static const char *const names[] = {
				    "entered", "imputed", "missing",
				    "unknown", "partial", "mismatch"};
				dti_json_array_begin(j);
				for (int bit = 0; bit < 6; bit++)
					if (fl & (1u << bit))
						dti_json_string(j, names[bit]);
				dti_json_array_end(j);
				break;
			}
			}
		}
		dti_json_object_end(j);
	}
	dti_json_object_end(j);
}

static void result_json(const struct dti_result *res, const size_t *nodes,
                        size_t nnodes, size_t sort, const struct rows *rows,
                        struct dti_json *j)
{
	const struct dti_framework *fw = res->fw;
	dti_json_object_begin(j);
	dti_json_key(j, "framework");
	dti_json_object_begin(j);
	dti_json_key(j, "id");
	dti_json_string(j, dti_framework_id(fw));
	dti_json_key(j, "version");
	dti_json_string(j, dti_framework_version(fw));
	const char *keys[] = {"title_vi", "title_en", "status", "source"};
	for (size_t k = 0; k < 4; k++) {
		dti_json_key(j, keys[k]);
		dti_json_string(j, dti_framework_meta(fw, keys[k]));
	}
	dti_json_object_end(j);
	dti_json_key(j, "cycle");
	dti_json_string(j, dti_result_cycle(res));
	char program[64];
	dti_snprintf(program, sizeof program, "dti %s", dti_version());
	dti_json_key(j, "program");
	dti_json_string(j, program);
	/* the hash is made on first use: "" when that had no memory */
	const char *hash = dti_result_data_hash(res);
	if (!*hash && j->status == DTI_OK)
		j->status = DTI_ENOMEM;
	dti_json_key(j, "data_sha256");
	dti_json_string(j, hash);
	dti_json_key(j, "synthetic");
	dti_json_bool(j, dti_dataset_synthetic(res->ds));
	dti_json_key(j, "precision");
	dti_json_int(j, res->precision);
	dti_json_key(j, "scale");
	dti_json_double(j, fw->scale);
	dti_json_key(j, "missing");
	dti_json_string(j, dti_missing_name(res->missing));
	dti_json_key(j, "group_by");
	dti_json_string(j, res->group_by);
	dti_json_key(j, "sorted_by");
	dti_json_string(j, fw->nodes[sort].code);
	dti_json_key(j, "previous_cycle");
	dti_json_string(j, res->prev ? dti_result_cycle(res->prev) : NULL);
	dti_json_key(j, "nodes");
	dti_json_array_begin(j);
	for (size_t c = 0; c < nnodes; c++) {
		const struct fw_node *nd = &fw->nodes[nodes[c]];
		dti_json_object_begin(j);
		dti_json_key(j, "code");
		dti_json_string(j, nd->code);
		dti_json_key(j, "name_vi");
		dti_json_string(j, nd->name_vi);
		dti_json_key(j, "name_en");
		dti_json_string(j, nd->name_en);
		dti_json_key(j, "kind");
		dti_json_string(j, dti_kind_name(nd->kind));
		dti_json_key(j, "points");
		dti_json_double(j, fw->uses_points && nd->points_known == 1
		                       ? nd->points
		                       : NAN);
		dti_json_object_end(j);
	}
	dti_json_array_end(j);
	dti_json_key(j, "units");
	dti_json_array_begin(j);
	for (size_t r = 0; r < rows->n; r++) {
		dti_json_break(j);
		unit_json(res, nodes, nnodes, sort, rows->idx[r], 0, j);
	}
	dti_json_array_end(j);
	dti_json_key(j, "notes");
	dti_json_array_begin(j);
	for (size_t k = 0; k < res->nnotes; k++)
		dti_json_string(j, res->notes[k]);
	dti_json_array_end(j);
	dti_json_object_end(j);
}

static enum dti_status write_output_result(const struct dti_result *res,
                                           const struct dti_output_opts *opts,
                                           struct dti_buf *out,
                                           struct dti_error *err)
{
	struct dti_output_opts def = DTI_OUTPUT_OPTS_INIT;
	const struct dti_output_opts *o = opts ? opts : &def;
	const struct dti_framework *fw = res->fw;
	size_t sort = o->sort_node >= 0 ? (size_t)o->sort_node : fw->root;
	if (sort >= fw->n)
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, NULL,
		                   "sort node out of range");
	size_t defn[64];
	const size_t *nodes = o->nodes;
	size_t nnodes = o->nnodes;
	if (!nodes) {
		nnodes =
		    dti_output_default_nodes(fw, defn, DTI_ARRAY_LEN(defn));
		nodes = defn;
	}
	for (size_t j = 0; j < nnodes; j++)
		if (nodes[j] >= fw->n)
			return dti_err_set(err, DTI_EARG, NULL, 0, 0, NULL,
			                   "node out of range");
	struct rows rows = {NULL, 0};
	if (select_rows(res, o, sort, &rows)) {
		free(rows.idx);
		return dti_err_nomem(err);
	}
	enum dti_status st = DTI_OK;
	switch (o->format) {
	case DTI_FORMAT_TABLE:
		st = result_table(res, o, nodes, nnodes, sort, &rows, out);
		break;
	case DTI_FORMAT_CSV:
		st = result_csv(res, o, nodes, nnodes, sort, &rows, out);
		break;
	case DTI_FORMAT_XLSX:
		st = result_xlsx(res, o, nodes, nnodes, sort, &rows, out, err);
		free(rows.idx);
		return st;
	case DTI_FORMAT_JSON:
	case DTI_FORMAT_NDJSON: {
		struct dti_json j;
		dti_json_init(&j, out);
		if (o->format == DTI_FORMAT_JSON) {
			result_json(res, nodes, nnodes, sort, &rows, &j);
			dti_buf_addc(out, '\n');
		}
		for (size_t r = 0; o->format == DTI_FORMAT_NDJSON && r < rows.n;
		     r++) {
			unit_json(res, nodes, nnodes, sort, rows.idx[r], 1, &j);
			dti_buf_addc(out, '\n');
		}
		st = dti_json_finish(&j, NULL);
		break;
	}
	}
	free(rows.idx);
	if (st)
		return dti_err_set(err, st, NULL, 0, 0, NULL,
		                   "cannot format the results: %s",
		                   dti_strerror(st));
	return DTI_OK;
}

/* ---- frameworks ------------------------------------------------------ */

static enum dti_status weight_text(const struct dti_framework *fw,
                                   const struct fw_node *nd, struct dti_buf *t)
{
	if (nd->kind == DTI_KIND_STATISTIC)
		return dti_buf_adds(t, "–");
	if (fw->uses_points) {
		if (nd->points_known != 1)
			return dti_buf_adds(t, "?");
		return json_double(t, nd->points);
	}
	return json_double(t, nd->weight);
}

struct tree_ctx {
	const struct dti_framework *fw;
	const struct dti_output_opts *o;
	struct grid *g;
	unsigned char *shown;
	char prefix[512];
};

static void tree_node(struct tree_ctx *t, size_t k, const char *lead,
                      const char *cont)
{
	const struct fw_node *nd = &t->fw->nodes[k];
	struct dti_buf b = DTI_BUF_INIT;
	grid_row(t->g);
	dti_buf_addf(&b, "%s%s%s", t->prefix, lead, nd->code);
	grid_take(t->g, 0, &b, 0);
	grid_set(t->g, 1, node_name(nd, t->o->lang), 0);
	weight_text(t->fw, nd, &b);
	grid_take(t->g, 2, &b, 0);
	if (nd->nchildren)
		dti_buf_addf(&b, "%s",
		             nd->kind == DTI_KIND_STATISTIC
		                 ? ""
		                 : dti_agg_name(nd->method));
	else if (nd->kind == DTI_KIND_STATISTIC)
		dti_buf_adds(&b, t->o->lang == DTI_LANG_VI ? "thống kê"
		                                           : "statistic");
	else
		dti_buf_addf(&b, "%s%s%s%s", nd->polarity < 0 ? "(−) " : "",
		             nd->rule_text, *nd->params_text ? " " : "",
		             nd->params_text);
	if (nd->nchildren && nd->method == DTI_AGG_GENMEAN)
		dti_buf_addf(&b, ":%g", nd->power);
	grid_take(t->g, 3, &b, 3);
	if (nd->origin != DTI_ORIGIN_OFFICIAL) {
		static const char *const vi_origin[] = {
		    "chính thức", "chưa công bố", "suy luận", "ví dụ",
		    "người dùng"};
		dti_buf_adds(&b, t->o->lang == DTI_LANG_VI
		                     ? vi_origin[nd->origin]
		                     : dti_origin_name(nd->origin));
	}
	if (nd->nparents > 1) {
		dti_buf_adds(&b, b.len ? "; " : "");
		dti_buf_adds(&b, t->o->lang == DTI_LANG_VI ? "thuộc " : "in ");
		for (size_t p = 0; p < nd->nparents; p++)
			dti_buf_addf(&b, "%s%s", p ? ", " : "",
			             t->fw->nodes[nd->parents[p]].code);
	}
	grid_take(t->g, 4, &b, 3);
	dti_buf_release(&b);
	if (t->shown[k]) {
		/* a shared node: its subtree was shown under another parent */
		return;
	}
	t->shown[k] = 1;
	size_t plen = strlen(t->prefix);
	if (plen + strlen(cont) + 1 >= sizeof t->prefix)
		return;
	strcat(t->prefix, cont);
	for (size_t c = 0; c < nd->nchildren; c++) {
		int last = c + 1 == nd->nchildren;
		tree_node(t, nd->children[c], last ? "└─ " : "├─ ",
		          last ? "   " : "│  ");
	}
	t->prefix[plen] = '\0';
}

static enum dti_status framework_table(const struct dti_framework *fw,
                                       const struct dti_output_opts *o,
                                       struct dti_buf *out)
{
	int vi = o->lang == DTI_LANG_VI;
	const char *title =
	    dti_framework_meta(fw, vi ? "title_vi" : "title_en");
	enum dti_status st = add_esc(out, dti_framework_id(fw));
	if (!st && title)
		st = dti_buf_adds(out, " – ");
	if (!st)
		st = add_esc(out, title);
	const char *status = dti_framework_meta(fw, "status");
	if (!st && status) {
		st = dti_buf_adds(out, " [");
		if (!st)
			st = add_esc(out, status);
		if (!st)
			st = dti_buf_addc(out, ']');
	}
	if (!st)
		st = dti_buf_addc(out, '\n');
	static const char *const keys[] = {"version", "level", "source",
	                                   "official", "note"};
	static const char *const keys_vi[] = {"phiên bản", "cấp", "nguồn",
	                                      "chính thức", "ghi chú"};
	for (size_t k = 0; k < DTI_ARRAY_LEN(keys) && !st; k++) {
		const char *v = dti_framework_meta(fw, keys[k]);
		if (v) {
			st = dti_buf_addf(out,
			                  "%s: ", vi ? keys_vi[k] : keys[k]);
			if (!st)
				st = add_esc(out, v);
			if (!st)
				st = dti_buf_addc(out, '\n');
		}
	}
	if (!st)
		st = dti_buf_addf(out, "%s: %s, %s 0..%g, %s %d, %s: %s\n",
		                  vi ? "cách tính" : "scoring",
		                  fw->uses_points ? "points" : "weights",
		                  vi ? "giá trị" : "values", fw->scale,
		                  vi ? "số lẻ" : "decimals", fw->precision,
		                  vi ? "thiếu số liệu" : "missing",
		                  dti_missing_name(fw->missing));
	struct grid g;
	if (grid_init(&g, 5))
		return DTI_ENOMEM;
	g.right[2] = 1;
	grid_row(&g);
	grid_set(&g, 0, vi ? "Mã" : "Code", 0);
	grid_set(&g, 1, vi ? "Tên" : "Name", 0);
	grid_set(&g, 2,
	         fw->uses_points ? (vi ? "Điểm" : "Points")
	                         : (vi ? "Trọng số" : "Weight"),
	         0);
	grid_set(&g, 3, vi ? "Cách chấm" : "Rule", 0);
	grid_set(&g, 4, vi ? "Ghi chú" : "Status", 0);
	struct tree_ctx t;
	memset(&t, 0, sizeof t);
	t.fw = fw;
	t.o = o;
	t.g = &g;
	t.shown = calloc(fw->n ? fw->n : 1, 1);
	if (!t.shown) {
		grid_release(&g);
		return DTI_ENOMEM;
	}
	tree_node(&t, fw->root, "", "");
	for (size_t k = 0; k < fw->n; k++)
		if (!fw->nodes[k].nparents && k != fw->root)
			tree_node(&t, k, "", "");
	free(t.shown);
	if (!st)
		st = grid_render(&g, out, o->color, 1);
	grid_release(&g);
	for (size_t w = 0; w < fw->nwarn && !st; w++) {
		char line[1024];
		dti_diag_format(&fw->warn[w], line, sizeof line);
		st = dti_buf_addf(out, "%s: ", vi ? "lưu ý" : "warning");
		if (!st)
			st = add_esc(out, line);
		if (!st)
			st = dti_buf_addc(out, '\n');
	}
	return st;
}

/*
 * The weight of edge c of parent p as written: the override's for the
 * edges it replaces, else the framework's.
 */
static double edge_weight(const struct dti_framework *fw,
                          const struct eng_weights_override *ov, size_t p,
                          size_t c)
{
	if (ov && p == ov->parent)
		for (size_t i = 0; i < ov->n; i++)
			if (ov->edges[i] == c)
				return ov->weights[i];
	return fw->nodes[p].child_weights[c];
}

/* The weight column of node k: its own weight, or the override's for a
 * child of the override's parent and of no other. */
static double own_weight(const struct dti_framework *fw,
                         const struct eng_weights_override *ov, size_t k)
{
	const struct fw_node *nd = &fw->nodes[k];
	if (ov && nd->nparents == 1 && nd->parents[0] == ov->parent) {
		const struct fw_node *pn = &fw->nodes[ov->parent];
		for (size_t c = 0; c < pn->nchildren; c++)
			if (pn->children[c] == k)
				return edge_weight(fw, ov, ov->parent, c);
	}
	return nd->weight;
}

/*
 * The framework as a CSV file that reads back to the same framework: the
 * settings a file of another kind (an iMeta table) implies are written as
 * metadata, and its denominator columns as rows.
 */
static enum dti_status framework_csv(const struct dti_framework *fw,
                                     const struct eng_weights_override *ov,
                                     struct dti_buf *out)
{
	enum dti_status st = DTI_OK;
	for (size_t i = 0; i < fw->nmeta && !st; i++)
		st = dti_buf_addf(out, "# %s: %s\n", fw->meta_keys[i],
		                  fw->meta_vals[i]);
	if (!st && fw->scale != 1 && !dti_framework_meta(fw, "scale")) {
		st = dti_buf_adds(out, "# scale: ");
		if (!st)
			st = json_double(out, fw->scale);
		if (!st)
			st = dti_buf_addc(out, '\n');
	}
	if (!st && !dti_framework_meta(fw, "missing") &&
	    fw->missing !=
	        (fw->uses_points ? DTI_MISSING_ZERO : DTI_MISSING_EXCLUDE))
		st = dti_buf_addf(out, "# missing: %s\n",
		                  dti_missing_name(fw->missing));
	/* the denominator and treat columns (the data steps), when a node
	   has one */
	int den = 0, treat = 0;
	for (size_t k = 0; k < fw->n; k++) {
		den |= fw->nodes[k].denominator && *fw->nodes[k].denominator;
		treat |= fw->nodes[k].treat_text != NULL;
	}
	if (!st)
		st = dti_buf_addf(out,
		                  "code,parent,kind,level,name_vi,name_en,%s,"
		                  "polarity,rule,method,params,status,unit,"
		                  "note%s%s\n",
		                  fw->uses_points ? "points" : "weight",
		                  den ? ",denominator" : "",
		                  treat ? ",treat" : "");
	for (size_t k = 0; k < fw->n && !st; k++) {
		const struct fw_node *nd = &fw->nodes[k];
		struct dti_buf t = DTI_BUF_INIT;
		st = csv_cell(out, nd->code);
		for (size_t p = 0; p < nd->nparents; p++) {
			const struct fw_node *pn = &fw->nodes[nd->parents[p]];
			dti_buf_addf(&t, "%s%s", p ? ";" : "", pn->code);
			if (!fw->uses_points) {
				for (size_t c = 0; c < pn->nchildren; c++) {
					double w = edge_weight(
					    fw, ov, nd->parents[p], c);
					if (pn->children[c] == k &&
					    w != own_weight(fw, ov, k)) {
						dti_buf_addc(&t, ':');
						json_double(&t, w);
					}
				}
			}
		}
		if (!st)
			st = t.status;
		if (!st)
			st = dti_buf_addc(out, ',');
		if (!st)
			st = csv_cell(out, t.data ? t.data : "");
		dti_buf_reset(&t);
		if (!st)
			st = dti_buf_addf(out, ",%s,%d,",
			                  dti_kind_name(nd->kind), nd->level);
		if (!st)
			st = csv_cell(out, nd->name_vi);
		if (!st)
			st = dti_buf_addc(out, ',');
		if (!st)
			st = csv_cell(out, nd->name_en);
		if (!st)
			st = dti_buf_addc(out, ',');
		if (!st && nd->kind != DTI_KIND_STATISTIC) {
			if (fw->uses_points)
				st = weight_text(fw, nd, &t);
			else
				st = json_double(&t, own_weight(fw, ov, k));
			if (!st)
				st = dti_buf_adds(out, t.data ? t.data : "");
			dti_buf_reset(&t);
		}
		if (!st)
			st = dti_buf_addf(out, ",%s,%s,",
			                  nd->polarity < 0 ? "-" : "+",
			                  nd->rule_text ? nd->rule_text : "");
		if (!st && nd->nchildren && nd->kind != DTI_KIND_STATISTIC) {
			if (nd->method == DTI_AGG_GENMEAN)
				st = dti_buf_addf(out, "mean:%g", nd->power);
			else
				st =
				    dti_buf_adds(out, dti_agg_name(nd->method));
		}
		if (!st)
			st = dti_buf_addc(out, ',');
		if (!st)
			st = csv_cell(out,
			              nd->params_text ? nd->params_text : "");
		if (!st)
			st = dti_buf_addf(out, ",%s,",
			                  dti_origin_name(nd->origin));
		if (!st)
			st = csv_cell(out, nd->unit ? nd->unit : "");
		if (!st)
			st = dti_buf_addc(out, ',');
		if (!st)
			st = csv_cell(out, nd->note ? nd->note : "");
		if (!st && den)
			st = dti_buf_addc(out, ',');
		if (!st && den && nd->denominator)
			st = csv_cell(out, nd->denominator);
		if (!st && treat)
			st = dti_buf_addc(out, ',');
		if (!st && nd->treat_text)
			st = csv_cell(out, nd->treat_text);
		if (!st)
			st = dti_buf_addc(out, '\n');
		dti_buf_release(&t);
	}
	for (size_t a = 0; a < fw->nauxcols && !st; a++) {
		st = csv_cell(out, fw->auxcols[a]);
		if (!st)
			st = dti_buf_adds(out, ",,denominator,,,,,,,,,,,");
		if (!st)
			st = dti_buf_addf(out, "%s%s\n", den ? "," : "",
			                  treat ? "," : "");
	}
	return st;
}

enum dti_status eng_framework_csv(const struct dti_framework *fw,
                                  const struct eng_weights_override *ov,
                                  struct dti_buf *out)
{
	return framework_csv(fw, ov, out);
}

static enum dti_status framework_json(const struct dti_framework *fw,
                                      int ndjson, struct dti_buf *out)
{
	struct dti_json j;
	dti_json_init(&j, out);
	if (!ndjson) {
		dti_json_object_begin(&j);
		dti_json_key(&j, "meta");
		dti_json_object_begin(&j);
		for (size_t i = 0; i < fw->nmeta; i++) {
			dti_json_key(&j, fw->meta_keys[i]);
			dti_json_string(&j, fw->meta_vals[i]);
		}
		dti_json_object_end(&j);
		dti_json_key(&j, "scoring");
		dti_json_string(&j, fw->uses_points ? "points" : "weights");
		dti_json_key(&j, "scale");
		dti_json_double(&j, fw->scale);
		dti_json_key(&j, "precision");
		dti_json_int(&j, fw->precision);
		dti_json_key(&j, "missing");
		dti_json_string(&j, dti_missing_name(fw->missing));
		dti_json_key(&j, "root");
		dti_json_string(&j, fw->nodes[fw->root].code);
		dti_json_key(&j, "nodes");
		dti_json_array_begin(&j);
	}
	for (size_t k = 0; k < fw->n; k++) {
		const struct fw_node *nd = &fw->nodes[k];
		if (!ndjson)
			dti_json_break(&j);
		dti_json_object_begin(&j);
		dti_json_key(&j, "code");
		dti_json_string(&j, nd->code);
		dti_json_key(&j, "parents");
		dti_json_array_begin(&j);
		for (size_t p = 0; p < nd->nparents; p++)
			dti_json_string(&j, fw->nodes[nd->parents[p]].code);
		dti_json_array_end(&j);
		dti_json_key(&j, "children");
		dti_json_array_begin(&j);
		for (size_t c = 0; c < nd->nchildren; c++)
			dti_json_string(&j, fw->nodes[nd->children[c]].code);
		dti_json_array_end(&j);
		dti_json_key(&j, "kind");
		dti_json_string(&j, dti_kind_name(nd->kind));
		dti_json_key(&j, "level");
		dti_json_int(&j, nd->level);
		dti_json_key(&j, "name_vi");
		dti_json_string(&j, nd->name_vi);
		dti_json_key(&j, "name_en");
		dti_json_string(&j, nd->name_en);
		dti_json_key(&j, "points");
		dti_json_double(&j, fw->uses_points && nd->points_known == 1 &&
		                            nd->kind != DTI_KIND_STATISTIC
		                        ? nd->points
		                        : NAN);
		dti_json_key(&j, "weight");
		dti_json_double(&j, nd->weight);
		dti_json_key(&j, "polarity");
		dti_json_int(&j, nd->polarity);
		dti_json_key(&j, "rule");
		dti_json_string(&j,
		                nd->nchildren || nd->kind == DTI_KIND_STATISTIC
		                    ? NULL
		                    : nd->rule_text);
		dti_json_key(&j, "method");
		dti_json_string(&j, nd->nchildren ? dti_agg_name(nd->method)
		                                  : NULL);
		dti_json_key(&j, "params");
		dti_json_string(&j, nd->params_text ? nd->params_text : "");
		dti_json_key(&j, "status");
		dti_json_string(&j, dti_origin_name(nd->origin));
		dti_json_key(&j, "unit");
		dti_json_string(&j, nd->unit ? nd->unit : "");
		dti_json_key(&j, "note");
		dti_json_string(&j, nd->note ? nd->note : "");
		if (nd->treat_text) {
			dti_json_key(&j, "treat");
			dti_json_string(&j, nd->treat_text);
		}
		dti_json_object_end(&j);
		if (ndjson)
			dti_buf_addc(out, '\n');
	}
	if (!ndjson) {
		dti_json_array_end(&j);
		dti_json_key(&j, "warnings");
		dti_json_array_begin(&j);
		for (size_t w = 0; w < fw->nwarn; w++) {
			char line[1024];
			dti_diag_format(&fw->warn[w], line, sizeof line);
			dti_json_string(&j, line);
		}
		dti_json_array_end(&j);
		dti_json_object_end(&j);
		dti_buf_addc(out, '\n');
	}
	return dti_json_finish(&j, NULL);
}

static enum dti_status
write_output_framework(const struct dti_framework *fw,
                       const struct dti_output_opts *opts, struct dti_buf *out,
                       struct dti_error *err)
{
	struct dti_output_opts def = DTI_OUTPUT_OPTS_INIT;
	const struct dti_output_opts *o = opts ? opts : &def;
	enum dti_status st;
	if (o->format == DTI_FORMAT_XLSX)
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, "format",
		                   "a framework is written as a table, CSV or "
		                   "JSON, not XLSX");
	switch (o->format) {
	case DTI_FORMAT_CSV: st = framework_csv(fw, NULL, out); break;
	case DTI_FORMAT_JSON: st = framework_json(fw, 0, out); break;
	case DTI_FORMAT_NDJSON: st = framework_json(fw, 1, out); break;
	default: st = framework_table(fw, o, out); break;
	}
	if (st)
		return dti_err_set(err, st, NULL, 0, 0, NULL,
		                   "cannot format the framework: %s",
		                   dti_strerror(st));
	return DTI_OK;
}

/* ---- units ----------------------------------------------------------- */

static int cmp_units_name(const void *a, const void *b, const void *ctx)
{
	const struct dti_units *u = ctx;
	struct dti_unit_info x, y;
	dti_units_get(u, *(const size_t *)a, &x);
	dti_units_get(u, *(const size_t *)b, &y);
	int c = dti_text_collate(x.name_vi, y.name_vi);
	if (c)
		return c;
	return strcmp(x.id, y.id);
}

/* Insertion/merge sort with a context (qsort has none in C17). */
static void sort_ctx(size_t *a, size_t n, const void *ctx,
                     int (*cmp)(const void *, const void *, const void *))
{
	if (n < 2)
		return;
	size_t *tmp = malloc(n * sizeof *tmp);
	if (!tmp) {
		for (size_t i = 1; i < n; i++)
			for (size_t j = i;
			     j > 0 && cmp(&a[j - 1], &a[j], ctx) > 0; j--) {
				size_t t = a[j];
				a[j] = a[j - 1];
				a[j - 1] = t;
			}
		return;
	}
	for (size_t w = 1; w < n; w *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * w) {
			size_t mid = lo + w < n ? lo + w : n;
			size_t hi = lo + 2 * w < n ? lo + 2 * w : n;
			size_t i = lo, j = mid, k = lo;
			while (i < mid && j < hi)
				tmp[k++] = cmp(&a[j], &a[i], ctx) < 0 ? a[j++]
				                                      : a[i++];
			while (i < mid)
				tmp[k++] = a[i++];
			while (j < hi)
				tmp[k++] = a[j++];
		}
		memcpy(a, tmp, n * sizeof *a);
	}
	free(tmp);
}

static enum dti_status write_output_units(const struct dti_units *u,
                                          const char *date,
                                          const struct dti_output_opts *opts,
                                          struct dti_buf *out,
                                          struct dti_error *err)
{
	struct dti_output_opts def = DTI_OUTPUT_OPTS_INIT;
	const struct dti_output_opts *o = opts ? opts : &def;
	if (o->format == DTI_FORMAT_XLSX)
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, "format",
		                   "units are written as a table, CSV or JSON, "
		                   "not XLSX");
	size_t n = dti_units_count(u);
	size_t *idx = malloc((n ? n : 1) * sizeof *idx);
	if (!idx)
		return dti_err_nomem(err);
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		struct dti_unit_info ui;
		dti_units_get(u, i, &ui);
		if (!dti_units_valid_on(u, i, date))
			continue;
		if (o->only_group && strcmp(ui.group, o->only_group) != 0)
			continue;
		idx[m++] = i;
	}
	sort_ctx(idx, m, u, cmp_units_name);
	enum dti_status st = DTI_OK;
	int vi = o->lang == DTI_LANG_VI;
	struct grid g;
	struct dti_json jw;
	int table = o->format == DTI_FORMAT_TABLE;
	if (table) {
		if (grid_init(&g, 7)) {
			free(idx);
			return dti_err_nomem(err);
		}
		grid_row(&g);
		grid_set(&g, 0, "Id", 0);
		grid_set(&g, 1, vi ? "Mã" : "Code", 0);
		grid_set(&g, 2, vi ? "Tên" : "Name", 0);
		grid_set(&g, 3, vi ? "Nhóm" : "Group", 0);
		grid_set(&g, 4, vi ? "Từ" : "From", 0);
		grid_set(&g, 5, vi ? "Đến" : "To", 0);
		grid_set(&g, 6, vi ? "Kế thừa bởi" : "Successors", 0);
	} else if (o->format == DTI_FORMAT_CSV) {
		st = dti_buf_adds(out, "id,code,name_vi,name_ascii,group,"
		                       "valid_from,valid_to,successors\n");
	} else {
		dti_json_init(&jw, out);
		if (o->format == DTI_FORMAT_JSON)
			dti_json_array_begin(&jw);
	}
	for (size_t j = 0; j < m && !st; j++) {
		struct dti_unit_info ui;
		dti_units_get(u, idx[j], &ui);
		struct dti_buf succ = DTI_BUF_INIT;
		for (size_t s = 0; s < ui.nsuccessors; s++) {
			struct dti_unit_info si;
			dti_units_get(u, ui.successors[s], &si);
			dti_buf_addf(&succ, "%s%s", s ? ";" : "", si.id);
		}
		const char *sc = succ.data ? succ.data : "";
		st = succ.status;
		if (st) {
			dti_buf_release(&succ);
			break;
		}
		if (table) {
			grid_row(&g);
			grid_set(&g, 0, ui.id, 0);
			grid_set(&g, 1, ui.code, 0);
			grid_set(&g, 2, ui.name_vi, 0);
			grid_set(&g, 3, ui.group, 3);
			grid_set(&g, 4, ui.valid_from, 0);
			grid_set(&g, 5, ui.valid_to, 0);
			grid_set(&g, 6, sc, 0);
		} else if (o->format == DTI_FORMAT_CSV) {
			const char *f[] = {
			    ui.id,    ui.code,       ui.name_vi,  ui.name_ascii,
			    ui.group, ui.valid_from, ui.valid_to, sc};
			for (size_t c = 0; c < 8 && !st; c++) {
				if (c)
					st = dti_buf_addc(out, ',');
				if (!st)
					st = dti_csv_text_cell(out, f[c]);
			}
			if (!st)
				st = dti_buf_addc(out, '\n');
		} else {
			if (j)
				dti_json_break(&jw);
			const char *keys[] = {
			    "id",    "code",       "name_vi", "name_ascii",
			    "group", "valid_from", "valid_to"};
			const char *vals[] = {
			    ui.id,    ui.code,       ui.name_vi, ui.name_ascii,
			    ui.group, ui.valid_from, ui.valid_to};
			dti_json_object_begin(&jw);
			for (size_t c = 0; c < 7; c++) {
				dti_json_key(&jw, keys[c]);
				dti_json_string(&jw, *vals[c] || c < 3 ? vals[c]
				                                       : NULL);
			}
			dti_json_key(&jw, "successors");
			dti_json_array_begin(&jw);
			for (size_t s = 0; s < ui.nsuccessors; s++) {
				struct dti_unit_info si;
				dti_units_get(u, ui.successors[s], &si);
				dti_json_string(&jw, si.id);
			}
			dti_json_array_end(&jw);
			dti_json_object_end(&jw);
			if (o->format == DTI_FORMAT_NDJSON)
				dti_buf_addc(out, '\n');
		}
		dti_buf_release(&succ);
	}
	if (!st && !table && o->format != DTI_FORMAT_CSV) {
		if (o->format == DTI_FORMAT_JSON) {
			dti_json_array_end(&jw);
			dti_buf_addc(out, '\n');
		}
		st = dti_json_finish(&jw, NULL);
	}
	if (table) {
		if (!st)
			st = grid_render(&g, out, o->color, 1);
		grid_release(&g);
	}
	free(idx);
	if (st)
		return dti_err_set(err, st, NULL, 0, 0, NULL,
		                   "cannot format the units: %s",
		                   dti_strerror(st));
	return DTI_OK;
}

void dti_output_opts_init(struct dti_output_opts *o)
{
	struct dti_output_opts d = DTI_OUTPUT_OPTS_INIT;
	*o = d;
}

enum dti_status dti_output_result(const struct dti_result *res,
                                  const struct dti_output_opts *opts,
                                  struct dti_buf *out, struct dti_error *err)
{
	enum dti_status st = write_output_result(res, opts, out, err);
	return dti_buf_final(out, st, err);
}

enum dti_status dti_output_framework(const struct dti_framework *fw,
                                     const struct dti_output_opts *opts,
                                     struct dti_buf *out, struct dti_error *err)
{
	enum dti_status st = write_output_framework(fw, opts, out, err);
	return dti_buf_final(out, st, err);
}

enum dti_status dti_output_units(const struct dti_units *u, const char *date,
                                 const struct dti_output_opts *opts,
                                 struct dti_buf *out, struct dti_error *err)
{
	enum dti_status st = write_output_units(u, date, opts, out, err);
	return dti_buf_final(out, st, err);
}

void eng_json_num(struct dti_json *j, const char *key, double v)
{
	dti_json_key(j, key);
	if (isfinite(v))
		dti_json_double(j, v);
	else
		dti_json_null(j);
}

void eng_json_unit(struct dti_json *j, const struct dti_dataset *ds,
                   size_t unit)
{
	struct dti_dataset_unit du;
	dti_dataset_unit(ds, unit, &du);
	dti_json_key(j, "id");
	dti_json_string(j, du.id);
	dti_json_key(j, "name");
	dti_json_string(j, du.name);
}
