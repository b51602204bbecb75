/*
 * lib/report/report.c - the PDF results report of a published cycle.
 *
 * The report is laid out before it is drawn: every page has a fixed plan
 * (the title page, the contents, the ranking at a fixed number of rows a
 * page, the map, one page per unit), so the number of pages and the page
 * of every section are known before the first page is drawn, and each
 * footer can say "Page N of M" in one pass.  Text that could overflow its
 * box (a long name) is cut with an ellipsis by Pango, never wrapped onto
 * the next row, so that the plan holds whatever the names.
 *
 * Only the public API of libdti is called: the numbers are the published
 * views' (dti_store_ranking, dti_store_profile), the charts the SVG that
 * dti_store_chart draws for the web pages, the hashes those of the stored
 * results JSON (dti_cycle_results).  A missing value is written as words,
 * never as zero.
 */
#include "dti/report.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <jansson.h>
#include <librsvg/rsvg.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dti/views.h"
#include "dti/workflow.h"

/* A4 in points, and the margins */
#define PAGE_W    595.276
#define PAGE_H    841.890
#define MARGIN    50.0
#define CONTENT_W (PAGE_W - 2 * MARGIN)
#define FOOTER_Y  (PAGE_H - 32.0)
#define FONT      "DejaVu Sans"
#define MONO      "DejaVu Sans Mono"

/* the ranking table */
#define ROW_H      13.5
#define HEAD_H     30.0
#define TABLE_TOP  (MARGIN + 34.0)
#define TABLE_ROWS 50
/* the contents */
#define TOC_LINE  15.0
#define TOC_TOP   (MARGIN + 40.0)
#define TOC_LINES 44
/* the profile's table of nodes */
#define PROF_ROWS 22

struct report {
	cairo_t *cr;
	enum dti_lang lang;
	const char *cycle;
	int page, npages;
	/* the plan */
	int toc_pages, rank_first, rank_pages, map_page, units_first;
	int pillar_first; /* the first page of the pillars' tables */
	size_t npillars;  /* nodes of the ranking after the index */
	const struct dti_ranking *r;
	struct dti_store *store;
	const struct dti_report_opts *opts;
	struct dti_error *err;
	enum dti_status st;
};

static const char *T(const struct report *r, const char *vi, const char *en)
{
	return r->lang == DTI_LANG_VI ? vi : en;
}

static enum dti_status fail(struct report *r, enum dti_status st,
                            const char *msg)
{
	if (!r->st) {
		r->st = st;
		if (r->err) {
			r->err->code = st;
			snprintf(r->err->message, sizeof r->err->message, "%s",
			         msg);
		}
	}
	return st;
}

/* value at the precision, decimal comma in Vietnamese */
static void fmt_value(const struct report *r, char *buf, size_t n, double v,
                      int unknown, int precision)
{
	if (unknown) {
		snprintf(buf, n, "%s", T(r, "chưa biết", "unknown"));
		return;
	}
	if (isnan(v)) {
		snprintf(buf, n, "%s", "—");
		return;
	}
	snprintf(buf, n, "%.*f", precision, v);
	if (r->lang == DTI_LANG_VI)
		for (char *p = buf; *p; p++)
			if (*p == '.')
				*p = ',';
}

static void fmt_rank(char *buf, size_t n, int rank, size_t of)
{
	if (rank <= 0)
		snprintf(buf, n, "—");
	else if (of)
		snprintf(buf, n, "%d/%zu", rank, of);
	else
		snprintf(buf, n, "%d", rank);
}

enum align { LEFT, RIGHT, CENTER };

/*
 * Draws text in the font `font` ("DejaVu Sans Bold 10") in a box of
 * width w from (x, y), on one line cut with an ellipsis (wrap = 0), or
 * wrapped; returns the height drawn.
 */
static double text(struct report *r, double x, double y, double w,
                   const char *font, enum align al, int wrap, const char *s)
{
	PangoLayout *l = pango_cairo_create_layout(r->cr);
	PangoFontDescription *fd = pango_font_description_from_string(font);
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	pango_layout_set_width(l, (int)(w * PANGO_SCALE));
	if (wrap)
		pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	else
		pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
	pango_layout_set_alignment(l, al == RIGHT    ? PANGO_ALIGN_RIGHT
	                              : al == CENTER ? PANGO_ALIGN_CENTER
	                                             : PANGO_ALIGN_LEFT);
	pango_layout_set_text(l, s, -1);
	int pw, ph;
	pango_layout_get_size(l, &pw, &ph);
	cairo_move_to(r->cr, x, y);
	pango_cairo_show_layout(r->cr, l);
	g_object_unref(l);
	return (double)ph / PANGO_SCALE;
}

static void rgb(struct report *r, unsigned c)
{
	cairo_set_source_rgb(r->cr, ((c >> 16) & 255) / 255.0,
	                     ((c >> 8) & 255) / 255.0, (c & 255) / 255.0);
}

static void rect(struct report *r, double x, double y, double w, double h,
                 unsigned c)
{
	rgb(r, c);
	cairo_rectangle(r->cr, x, y, w, h);
	cairo_fill(r->cr);
	rgb(r, 0);
}

static void end_page(struct report *r, int footer)
{
	if (footer) {
		char buf[96];
		if (r->lang == DTI_LANG_VI)
			snprintf(buf, sizeof buf, "Trang %d/%d", r->page,
			         r->npages);
		else
			snprintf(buf, sizeof buf, "Page %d of %d", r->page,
			         r->npages);
		rgb(r, 0x555555);
		cairo_set_line_width(r->cr, 0.5);
		cairo_move_to(r->cr, MARGIN, FOOTER_Y - 4);
		cairo_line_to(r->cr, PAGE_W - MARGIN, FOOTER_Y - 4);
		cairo_stroke(r->cr);
		text(r, MARGIN, FOOTER_Y, CONTENT_W / 2, FONT " 8", LEFT, 0,
		     r->r->info.framework_title && *r->r->info.framework_title
		         ? r->r->info.framework_title
		         : r->cycle);
		text(r, PAGE_W / 2, FOOTER_Y, CONTENT_W / 2, FONT " 8", RIGHT,
		     0, buf);
		rgb(r, 0);
	}
	cairo_show_page(r->cr);
	r->page++;
}

static double heading(struct report *r, const char *s)
{
	return text(r, MARGIN, MARGIN, CONTENT_W, FONT " Bold 16", LEFT, 0, s);
}

/* ---- charts --------------------------------------------------------- */

/*
 * Draws a chart of the cycle in the box (x, y, w, h), scaled to fit and
 * centred.  A chart that cannot be drawn (a radar of fewer than three
 * axes, a map without tiles) leaves a line saying so instead.
 */
static void chart(struct report *r, enum dti_view_chart kind, const char *unit,
                  double x, double y, double w, double h)
{
	struct dti_view_opts vo;
	dti_view_opts_init(&vo);
	vo.lang = r->lang;
	struct dti_chart_opts co;
	dti_chart_opts_init(&co);
	co.decimals = DTI_CHART_DECIMALS_PUBLISHED;
	co.id_prefix = "c";
	size_t nl = r->opts ? r->opts->nlayouts : 0;
	const struct dti_tile_layout *const *ls =
	    r->opts ? r->opts->layouts : NULL;
	struct dti_buf svg = DTI_BUF_INIT;
	struct dti_error e = DTI_ERROR_INIT;
	enum dti_status st =
	    kind == DTI_VIEW_CHART_MAP && nl == 0
	        ? DTI_ENOTFOUND
	        : dti_store_chart(r->store, r->cycle, kind, unit, &vo, &co, nl,
	                          ls, &svg, &e);
	if (st == DTI_ENOMEM) {
		fail(r, st, "out of memory drawing a chart");
	} else if (st) {
		rgb(r, 0x555555);
		text(r, x, y + h / 2, w, FONT " Italic 9", CENTER, 1,
		     kind == DTI_VIEW_CHART_MAP
		         ? T(r, "Không có bản đồ ô cho các đơn vị này.",
		             "No tile map for these units.")
		         : T(r, "Không vẽ được biểu đồ này.",
		             "This chart cannot be drawn."));
		rgb(r, 0);
	} else {
		GError *ge = NULL;
		RsvgHandle *hd = rsvg_handle_new_from_data(
		    (const guint8 *)svg.data, svg.len, &ge);
		double sw = 0, sh = 0;
		if (hd &&
		    rsvg_handle_get_intrinsic_size_in_pixels(hd, &sw, &sh) &&
		    sw > 0 && sh > 0) {
			double k = fmin(w / sw, h / sh);
			RsvgRectangle vp = {x + (w - sw * k) / 2, y, sw * k,
			                    sh * k};
			if (!rsvg_handle_render_document(hd, r->cr, &vp, &ge))
				fail(r, DTI_EINTERNAL,
				     "librsvg could not draw a chart");
		} else {
			fail(r, DTI_EINTERNAL,
			     "librsvg could not read a chart");
		}
		if (ge)
			g_error_free(ge);
		if (hd)
			g_object_unref(hd);
	}
	dti_buf_release(&svg);
	dti_error_release(&e);
}

/* ---- the pages -------------------------------------------------------- */

static const char *json_str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

/* "YYYY-MM-DD" of a UTC time "YYYY-MM-DDTHH:MM:SSZ" in Vietnam (UTC+7,
   no daylight saving) */
static void vn_date(char *out, size_t n, const char *utc, enum dti_lang lang)
{
	int Y, M, D, h;
	if (!utc || sscanf(utc, "%4d-%2d-%2dT%2d", &Y, &M, &D, &h) != 4) {
		snprintf(out, n, "%s", utc ? utc : "");
		return;
	}
	if (h + 7 >= 24) {
		static const int mdays[] = {31, 28, 31, 30, 31, 30,
		                            31, 31, 30, 31, 30, 31};
		int leap = (Y % 4 == 0 && Y % 100 != 0) || Y % 400 == 0;
		int last = M == 2 && leap ? 29 : mdays[(M - 1) % 12];
		if (++D > last) {
			D = 1;
			if (++M > 12) {
				M = 1;
				Y++;
			}
		}
	}
	if (lang == DTI_LANG_VI)
		snprintf(out, n, "%02d/%02d/%04d", D, M, Y);
	else
		snprintf(out, n, "%04d-%02d-%02d", Y, M, D);
}

static void title_page(struct report *r, json_t *res)
{
	const struct dti_view_cycle *c = &r->r->info;
	char buf[512], date[32];
	double y = MARGIN + 90;
	rect(r, MARGIN, MARGIN + 60, CONTENT_W, 4, 0x0072B2);
	y += text(r, MARGIN, y, CONTENT_W, FONT " Bold 22", LEFT, 1,
	          c->framework_title && *c->framework_title ? c->framework_title
	                                                    : c->framework_id);
	y += 10;
	snprintf(buf, sizeof buf, "%s %s", T(r, "Báo cáo kết quả", "Results"),
	         c->cycle);
	y += text(r, MARGIN, y, CONTENT_W, FONT " 18", LEFT, 1, buf) + 24;
	if (c->synthetic || c->partial) {
		const char *lab =
		    c->synthetic
		        ? T(r,
		            "DỮ LIỆU TỔNG HỢP (minh hoạ): không phải kết quả "
		            "chính thức",
		            "SYNTHETIC DATA (demonstration): not official "
		            "results")
		        : T(r,
		            "CÔNG BỐ MỘT PHẦN: giá trị của một số đơn vị chưa "
		            "biết",
		            "PARTIAL PUBLICATION: some units' values are "
		            "unknown");
		rect(r, MARGIN, y, CONTENT_W, 28, 0xFBE3D6);
		rgb(r, 0xA0380A);
		text(r, MARGIN + 8, y + 7, CONTENT_W - 16, FONT " Bold 10",
		     LEFT, 0, lab);
		rgb(r, 0);
		y += 44;
		if (c->synthetic && c->partial) {
			rect(r, MARGIN, y - 10, CONTENT_W, 28, 0xFBE3D6);
			text(r, MARGIN + 8, y - 3, CONTENT_W - 16,
			     FONT " Bold 10", LEFT, 0,
			     T(r, "CÔNG BỐ MỘT PHẦN", "PARTIAL PUBLICATION"));
			y += 34;
		}
	}
	vn_date(date, sizeof date, c->published_at, r->lang);
	struct {
		const char *k;
		char v[160];
	} f[6];
	size_t nf = 0;
	f[nf].k = T(r, "Kỳ đánh giá", "Cycle");
	snprintf(f[nf++].v, sizeof f[0].v, "%s", c->cycle);
	f[nf].k = T(r, "Năm", "Year");
	snprintf(f[nf++].v, sizeof f[0].v, "%d", c->year);
	f[nf].k = T(r, "Ngày công bố", "Published");
	snprintf(f[nf++].v, sizeof f[0].v, "%s", date);
	f[nf].k = T(r, "Số đơn vị", "Units");
	snprintf(f[nf++].v, sizeof f[0].v, "%zu", c->units);
	f[nf].k = T(r, "Bộ chỉ số", "Framework");
	snprintf(f[nf++].v, sizeof f[0].v, "%s %s", c->framework_id,
	         c->framework_version);
	f[nf].k = T(r, "Chương trình", "Program");
	snprintf(f[nf++].v, sizeof f[0].v, "%s",
	         json_str(json_object_get(res, "results"), "program"));
	for (size_t i = 0; i < nf; i++) {
		text(r, MARGIN, y, 150, FONT " 11", LEFT, 0, f[i].k);
		y += text(r, MARGIN + 150, y, CONTENT_W - 150, FONT " Bold 11",
		          LEFT, 0, f[i].v) +
		     6;
	}
	y += 24;
	y += text(r, MARGIN, y, CONTENT_W, FONT " Bold 11", LEFT, 0,
	          T(r, "Truy vết", "Traceability")) +
	     6;
	json_t *cp = json_object_get(res, "checkpoint");
	char seq[32] = "";
	if (json_is_integer(json_object_get(cp, "seq")))
		snprintf(
		    seq, sizeof seq, "%lld",
		    (long long)json_integer_value(json_object_get(cp, "seq")));
	const char *sig = json_str(cp, "signature");
	char sig1[80] = "", sig2[80] = "";
	snprintf(sig1, sizeof sig1, "%.64s", sig);
	if (strlen(sig) > 64)
		snprintf(sig2, sizeof sig2, "%.64s", sig + 64);
	const struct {
		const char *k, *v;
	} h[] = {
	    {T(r, "Mã băm dữ liệu (SHA-256)", "Data hash (SHA-256)"),
	     json_str(res, "data_hash")},
	    {T(r, "Mã băm kết quả (SHA-256)", "Result hash (SHA-256)"),
	     json_str(res, "sha256")},
	    {T(r, "Mã băm bộ chỉ số (SHA-256)", "Framework hash (SHA-256)"),
	     json_str(res, "framework_sha256")},
	    {T(r, "Điểm kiểm tra nhật ký: sự kiện số",
	       "Audit checkpoint: event number"),
	     seq},
	    {T(r, "Điểm kiểm tra: đầu chuỗi", "Checkpoint: chain head"),
	     json_str(cp, "head")},
	    {T(r, "Điểm kiểm tra: thời điểm (UTC)", "Checkpoint: time (UTC)"),
	     json_str(cp, "time")},
	    {T(r, "Khoá công khai (Ed25519)", "Public key (Ed25519)"),
	     json_str(cp, "public_key")},
	    {T(r, "Chữ ký", "Signature"), sig1},
	    {"", sig2},
	};
	for (size_t i = 0; i < sizeof h / sizeof h[0]; i++) {
		if (!*h[i].v && !*h[i].k)
			continue;
		if (*h[i].k)
			y += text(r, MARGIN, y, CONTENT_W, FONT " 9", LEFT, 0,
			          h[i].k);
		y += text(r, MARGIN + 12, y, CONTENT_W - 12, MONO " 8.5", LEFT,
		          0, *h[i].v ? h[i].v : "—") +
		     4;
	}
	y += 16;
	text(r, MARGIN, y, CONTENT_W, FONT " 8.5", LEFT, 1,
	     T(r,
	       "Các giá trị là giá trị đã công bố của kỳ, làm tròn theo độ "
	       "chính xác của bộ chỉ số. Điểm kiểm tra được ký và có thể kiểm "
	       "tra bằng lệnh 'dti audit verify --checkpoint TỆP'.",
	       "Values are the cycle's published values, rounded to the "
	       "framework's precision. The checkpoint is signed and can be "
	       "checked with 'dti audit verify --checkpoint FILE'."));
	end_page(r, 0);
}

static void toc_line(struct report *r, int line, const char *label, int page,
                     int indent)
{
	double y = TOC_TOP + (line % TOC_LINES) * TOC_LINE;
	char p[16];
	snprintf(p, sizeof p, "%d", page);
	text(r, MARGIN + indent, y, CONTENT_W - 50 - indent, FONT " 10", LEFT,
	     0, label);
	text(r, PAGE_W - MARGIN - 50, y, 50, FONT " 10", RIGHT, 0, p);
}

static void toc_pages(struct report *r)
{
	int line = 0;
	const struct dti_ranking *k = r->r;
	size_t total = 3 + r->npillars + k->nrows;
	for (size_t i = 0; i < total; i++, line++) {
		if (line % TOC_LINES == 0) {
			if (line)
				end_page(r, 1);
			heading(r, T(r, "Mục lục", "Contents"));
		}
		if (i == 0) {
			toc_line(r, line,
			         T(r, "Bảng xếp hạng chung", "Overall ranking"),
			         r->rank_first, 0);
			continue;
		}
		if (i <= r->npillars) {
			toc_line(r, line, k->nodes[i].name,
			         r->pillar_first + (int)(i - 1) * r->rank_pages,
			         14);
			continue;
		}
		i -= r->npillars; /* the rest as before */
		if (i == 1)
			toc_line(r, line, T(r, "Bản đồ", "Map"), r->map_page,
			         0);
		else if (i == 2)
			toc_line(r, line,
			         T(r, "Hồ sơ từng đơn vị", "Unit profiles"),
			         r->units_first, 0);
		else {
			char lab[300];
			const struct dti_ranking_row *row = &k->rows[i - 3];
			char rk[16];
			fmt_rank(rk, sizeof rk, row->cells[0].rank, 0);
			snprintf(lab, sizeof lab, "%s. %s", rk, row->name);
			toc_line(r, line, lab, r->units_first + (int)(i - 3),
			         14);
		}
		i += r->npillars;
	}
	end_page(r, 1);
}

/* the ranking table's columns: rank, unit, group, then one per node */
static void rank_header(struct report *r, double vw)
{
	const struct dti_ranking *k = r->r;
	double y = TABLE_TOP;
	rect(r, MARGIN, y, CONTENT_W, HEAD_H, 0xDCE9F5);
	text(r, MARGIN + 2, y + 3, 34, FONT " Bold 8", RIGHT, 0,
	     T(r, "Hạng", "Rank"));
	text(r, MARGIN + 42, y + 3, 130, FONT " Bold 8", LEFT, 0,
	     T(r, "Đơn vị", "Unit"));
	text(r, MARGIN + 176, y + 3, 60, FONT " Bold 8", LEFT, 0,
	     T(r, "Nhóm", "Group"));
	for (size_t j = 0; j < k->nnodes; j++) {
		double x = MARGIN + 240 + vw * (double)j;
		PangoLayout *l = pango_cairo_create_layout(r->cr);
		PangoFontDescription *fd =
		    pango_font_description_from_string(FONT " Bold 7");
		pango_layout_set_font_description(l, fd);
		pango_font_description_free(fd);
		pango_layout_set_width(l, (int)((vw - 4) * PANGO_SCALE));
		pango_layout_set_height(l, -2);
		pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
		pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
		pango_layout_set_alignment(l, PANGO_ALIGN_RIGHT);
		pango_layout_set_text(l, k->nodes[j].name, -1);
		cairo_move_to(r->cr, x, y + 3);
		pango_cairo_show_layout(r->cr, l);
		g_object_unref(l);
	}
}

static void ranking_pages(struct report *r)
{
	const struct dti_ranking *k = r->r;
	double vw = k->nnodes ? (CONTENT_W - 240) / (double)k->nnodes : 0;
	if (vw > 80)
		vw = 80;
	char title[200];
	for (size_t p = 0; p < (size_t)r->rank_pages; p++) {
		snprintf(title, sizeof title, "%s%s",
		         T(r, "Bảng xếp hạng chung", "Overall ranking"),
		         p ? T(r, " (tiếp)", " (continued)") : "");
		heading(r, title);
		rank_header(r, vw);
		for (size_t i = p * TABLE_ROWS;
		     i < k->nrows && i < (p + 1) * TABLE_ROWS; i++) {
			const struct dti_ranking_row *row = &k->rows[i];
			double y = TABLE_TOP + HEAD_H +
			           ROW_H * (double)(i - p * TABLE_ROWS);
			if ((i - p * TABLE_ROWS) % 2)
				rect(r, MARGIN, y, CONTENT_W, ROW_H, 0xF3F3F3);
			char b[64];
			fmt_rank(b, sizeof b, row->cells[0].rank, 0);
			text(r, MARGIN + 2, y + 1.5, 34, FONT " 8", RIGHT, 0,
			     b);
			text(r, MARGIN + 42, y + 1.5, 130, FONT " 8", LEFT, 0,
			     row->name);
			text(r, MARGIN + 176, y + 1.5, 60, FONT " 8", LEFT, 0,
			     row->group);
			for (size_t j = 0; j < k->nnodes; j++) {
				fmt_value(r, b, sizeof b, row->cells[j].value,
				          row->cells[j].unknown,
				          k->info.precision);
				text(r, MARGIN + 240 + vw * (double)j, y + 1.5,
				     vw - 4, j ? FONT " 8" : FONT " Bold 8",
				     RIGHT, 0, b);
			}
		}
		if (p + 1 == (size_t)r->rank_pages) {
			double y = TABLE_TOP + HEAD_H +
			           ROW_H * (double)(k->nrows - p * TABLE_ROWS) +
			           10;
			char note[300];
			snprintf(
			    note, sizeof note, "%s %d %s",
			    T(r, "Giá trị làm tròn", "Values rounded to"),
			    k->info.precision,
			    T(r,
			      "chữ số thập phân; hạng bằng nhau khi giá "
			      "trị làm tròn bằng nhau; — : chưa có giá trị.",
			      "decimals; equal rounded values share a "
			      "rank; — : no value."));
			text(r, MARGIN, y, CONTENT_W, FONT " Italic 7.5", LEFT,
			     1, note);
		}
		end_page(r, 1);
	}
}

/* Units in the order of node j's rank (equal ranks: the ranking's order). */
static const struct dti_ranking *sort_ranking;
static size_t sort_node;
static int by_node_rank(const void *a, const void *b)
{
	const struct dti_ranking_row *x =
	    &sort_ranking->rows[*(const size_t *)a];
	const struct dti_ranking_row *y =
	    &sort_ranking->rows[*(const size_t *)b];
	int rx = x->cells[sort_node].rank, ry = y->cells[sort_node].rank;
	/* unranked (no value) last */
	if ((rx > 0) != (ry > 0))
		return rx > 0 ? -1 : 1;
	if (rx != ry)
		return rx < ry ? -1 : 1;
	size_t ia = *(const size_t *)a, ib = *(const size_t *)b;
	return ia < ib ? -1 : ia > ib;
}

/*
 * A table per pillar (each node of the ranking after the index): units by
 * their rank on it, its value, their rank in their group on it, and the
 * index beside.
 */
static void pillar_pages(struct report *r)
{
	const struct dti_ranking *k = r->r;
	size_t *order = malloc((k->nrows ? k->nrows : 1) * sizeof *order);
	if (!order) {
		fail(r, DTI_ENOMEM, "out of memory");
		return;
	}
	for (size_t j = 1; j <= r->npillars && !r->st; j++) {
		for (size_t i = 0; i < k->nrows; i++)
			order[i] = i;
		sort_ranking = k;
		sort_node = j;
		qsort(order, k->nrows, sizeof *order, by_node_rank);
		for (size_t p = 0; p < (size_t)r->rank_pages; p++) {
			char title[300];
			snprintf(title, sizeof title, "%s%s", k->nodes[j].name,
			         p ? T(r, " (tiếp)", " (continued)") : "");
			heading(r, title);
			double y = TABLE_TOP;
			rect(r, MARGIN, y, CONTENT_W, HEAD_H, 0xDCE9F5);
			text(r, MARGIN + 2, y + 3, 34, FONT " Bold 8", RIGHT, 0,
			     T(r, "Hạng", "Rank"));
			text(r, MARGIN + 42, y + 3, 150, FONT " Bold 8", LEFT,
			     0, T(r, "Đơn vị", "Unit"));
			text(r, MARGIN + 196, y + 3, 70, FONT " Bold 8", LEFT,
			     0, T(r, "Nhóm", "Group"));
			text(r, MARGIN + 270, y + 3, 80, FONT " Bold 8", RIGHT,
			     0, T(r, "Giá trị", "Value"));
			text(r, MARGIN + 354, y + 3, 70, FONT " Bold 8", RIGHT,
			     0, T(r, "Hạng trong nhóm", "In group"));
			text(r, MARGIN + 428, y + 3, CONTENT_W - 430,
			     FONT " Bold 8", RIGHT, 0, k->nodes[0].name);
			for (size_t n = p * TABLE_ROWS;
			     n < k->nrows && n < (p + 1) * TABLE_ROWS; n++) {
				const struct dti_ranking_row *row =
				    &k->rows[order[n]];
				double yy =
				    TABLE_TOP + HEAD_H +
				    ROW_H * (double)(n - p * TABLE_ROWS);
				if ((n - p * TABLE_ROWS) % 2)
					rect(r, MARGIN, yy, CONTENT_W, ROW_H,
					     0xF3F3F3);
				char b[64];
				fmt_rank(b, sizeof b, row->cells[j].rank, 0);
				text(r, MARGIN + 2, yy + 1.5, 34, FONT " 8",
				     RIGHT, 0, b);
				text(r, MARGIN + 42, yy + 1.5, 150, FONT " 8",
				     LEFT, 0, row->name);
				text(r, MARGIN + 196, yy + 1.5, 70, FONT " 8",
				     LEFT, 0, row->group);
				fmt_value(r, b, sizeof b, row->cells[j].value,
				          row->cells[j].unknown,
				          k->info.precision);
				text(r, MARGIN + 270, yy + 1.5, 80,
				     FONT " Bold 8", RIGHT, 0, b);
				fmt_rank(b, sizeof b, row->cells[j].group_rank,
				         0);
				text(r, MARGIN + 354, yy + 1.5, 70, FONT " 8",
				     RIGHT, 0, b);
				fmt_value(r, b, sizeof b, row->cells[0].value,
				          row->cells[0].unknown,
				          k->info.precision);
				text(r, MARGIN + 428, yy + 1.5, CONTENT_W - 430,
				     FONT " 8", RIGHT, 0, b);
			}
			end_page(r, 1);
		}
	}
	free(order);
}

static void map_page(struct report *r)
{
	heading(r, T(r, "Bản đồ kết quả", "Map of the results"));
	chart(r, DTI_VIEW_CHART_MAP, NULL, MARGIN, MARGIN + 40, CONTENT_W,
	      PAGE_H - MARGIN - 40 - 90);
	end_page(r, 1);
}

static void unit_page(struct report *r, const struct dti_ranking_row *row)
{
	struct dti_view_opts vo;
	dti_view_opts_init(&vo);
	vo.lang = r->lang;
	struct dti_profile *p = NULL;
	struct dti_error e = DTI_ERROR_INIT;
	enum dti_status st =
	    dti_store_profile(r->store, r->cycle, row->id, &vo, &p, &e);
	if (st) {
		if (!r->st) {
			r->st = st;
			if (r->err) {
				dti_error_release(r->err);
				*r->err = e;
				e.more = NULL;
				e.nmore = 0;
			}
		}
		dti_error_release(&e);
		end_page(r, 1);
		return;
	}
	dti_error_release(&e);
	const struct dti_view_cycle *c = &p->info;
	char b[600], v[64], rk[32], grk[32];
	double y = MARGIN;
	y += heading(r, p->name);
	snprintf(b, sizeof b, "%s %s · %s %s%s%s", T(r, "Mã", "Code"), p->id,
	         T(r, "nhóm", "group"), *p->group ? p->group : "—", " · ",
	         c->cycle);
	y += text(r, MARGIN, y, CONTENT_W, FONT " 9", LEFT, 0, b) + 10;
	/* the index */
	const struct dti_view_cell *ic = &p->cells[0];
	fmt_value(r, v, sizeof v, ic->value, ic->unknown, c->precision);
	fmt_rank(rk, sizeof rk, ic->rank, p->nodes[0].ranked);
	fmt_rank(grk, sizeof grk, ic->group_rank, p->group_size);
	const struct {
		const char *k, *v;
	} box[] = {{T(r, "Giá trị", "Value"), v},
	           {T(r, "Hạng", "Rank"), rk},
	           {T(r, "Hạng trong nhóm", "Rank in group"), grk}};
	for (size_t i = 0; i < 3; i++) {
		double x = MARGIN + (CONTENT_W / 3) * (double)i;
		rect(r, x + 2, y, CONTENT_W / 3 - 4, 44, 0xDCE9F5);
		text(r, x + 8, y + 4, CONTENT_W / 3 - 16, FONT " 8", LEFT, 0,
		     box[i].k);
		text(r, x + 8, y + 16, CONTENT_W / 3 - 16, FONT " Bold 16",
		     LEFT, 0, box[i].v);
	}
	y += 52;
	struct dti_buf ph = DTI_BUF_INIT;
	if (dti_view_phrase(ic, p->nodes[0].ranked, c->precision, c->earlier,
	                    c->nearlier, r->lang, &ph) == DTI_OK) {
		snprintf(b, sizeof b, "%s: %s", p->nodes[0].name, ph.data);
		y += text(r, MARGIN, y, CONTENT_W, FONT " 9", LEFT, 1, b) + 8;
	}
	dti_buf_release(&ph);
	/* the nodes */
	rect(r, MARGIN, y, CONTENT_W, 14, 0xDCE9F5);
	text(r, MARGIN + 4, y + 2, 250, FONT " Bold 8", LEFT, 0,
	     T(r, "Chỉ số", "Node"));
	text(r, MARGIN + 260, y + 2, 70, FONT " Bold 8", RIGHT, 0,
	     T(r, "Giá trị", "Value"));
	text(r, MARGIN + 335, y + 2, 70, FONT " Bold 8", RIGHT, 0,
	     T(r, "Hạng", "Rank"));
	text(r, MARGIN + 410, y + 2, 80, FONT " Bold 8", RIGHT, 0,
	     T(r, "Hạng trong nhóm", "In group"));
	y += 14;
	size_t nshow = p->nnodes < PROF_ROWS ? p->nnodes : PROF_ROWS;
	for (size_t i = 0; i < nshow; i++) {
		const struct dti_view_cell *cl = &p->cells[i];
		if (i % 2)
			rect(r, MARGIN, y, CONTENT_W, 12, 0xF3F3F3);
		int top = strcmp(p->nodes[i].kind, "indicator") != 0;
		fmt_value(r, v, sizeof v, cl->value, cl->unknown, c->precision);
		fmt_rank(rk, sizeof rk, cl->rank, p->nodes[i].ranked);
		fmt_rank(grk, sizeof grk, cl->group_rank, p->group_size);
		text(r, MARGIN + 4 + (top ? 0 : 10), y + 1,
		     250 - (top ? 0 : 10), top ? FONT " Bold 8" : FONT " 8",
		     LEFT, 0, p->nodes[i].name);
		text(r, MARGIN + 260, y + 1, 70, FONT " 8", RIGHT, 0, v);
		text(r, MARGIN + 335, y + 1, 70, FONT " 8", RIGHT, 0, rk);
		text(r, MARGIN + 410, y + 1, 80, FONT " 8", RIGHT, 0, grk);
		y += 12;
	}
	if (nshow < p->nnodes) {
		snprintf(b, sizeof b, "%s %zu %s", T(r, "… và", "… and"),
		         p->nnodes - nshow, T(r, "chỉ số khác", "more"));
		y += text(r, MARGIN + 4, y + 1, 250, FONT " Italic 8", LEFT, 0,
		          b);
	}
	y += 10;
	/* the charts, side by side */
	double cw = CONTENT_W / 2 - 6, chh = 230;
	chart(r, DTI_VIEW_CHART_RADAR, p->id, MARGIN, y, cw, chh);
	chart(r, DTI_VIEW_CHART_BARS, p->id, MARGIN + cw + 12, y, cw, chh);
	y += chh + 10;
	/* strengths and weaknesses */
	if (p->explained) {
		const struct dti_explanation *x = &p->explanation;
		for (int w = 0; w < 2; w++) {
			size_t n = w ? x->nweaknesses : x->nstrengths;
			const size_t *ix = w ? x->weaknesses : x->strengths;
			size_t len = (size_t)snprintf(
			    b, sizeof b, "%s: ",
			    w ? T(r, "Điểm yếu", "Weaknesses")
			      : T(r, "Điểm mạnh", "Strengths"));
			for (size_t i = 0; i < n && len < sizeof b; i++) {
				const struct dti_explain_item *it =
				    &x->items[ix[i]];
				struct dti_node_info ni;
				dti_framework_node(p->framework, it->node, &ni);
				char rr[32];
				fmt_rank(rr, sizeof rr, it->rank, it->ranked);
				len += (size_t)snprintf(
				    b + len, sizeof b - len, "%s%s (%s %s)",
				    i ? "; " : "",
				    r->lang == DTI_LANG_VI ? ni.name_vi
				                           : ni.name_en,
				    T(r, "hạng", "rank"), rr);
			}
			if (!n && len < sizeof b)
				snprintf(b + len, sizeof b - len, "—");
			y += text(r, MARGIN, y, CONTENT_W, FONT " 9", LEFT, 1,
			          b) +
			     4;
		}
	} else if (p->unexplained && *p->unexplained) {
		snprintf(b, sizeof b, "%s: %s",
		         T(r, "Không có giải thích", "No explanation"),
		         p->unexplained);
		text(r, MARGIN, y, CONTENT_W, FONT " Italic 8.5", LEFT, 1, b);
	}
	dti_profile_free(p);
	end_page(r, 1);
}

static cairo_status_t to_buf(void *closure, const unsigned char *data,
                             unsigned int len)
{
	return dti_buf_add(closure, data, len) == DTI_OK
	           ? CAIRO_STATUS_SUCCESS
	           : CAIRO_STATUS_WRITE_ERROR;
}

DTI_EXTERN enum dti_status dti_report_pdf(struct dti_store *s,
                                          const char *cycle,
                                          const struct dti_report_opts *opts,
                                          struct dti_buf *out,
                                          struct dti_error *err)
{
	if (err)
		dti_error_init(err);
	if (!s || !cycle || !out) {
		if (err) {
			err->code = DTI_EARG;
			snprintf(err->message, sizeof err->message,
			         "no store, cycle or buffer");
		}
		return DTI_EARG;
	}
	struct report r;
	memset(&r, 0, sizeof r);
	r.lang = opts ? opts->lang : DTI_LANG_EN;
	r.store = s;
	r.opts = opts;
	r.err = err;
	struct dti_view_opts vo;
	dti_view_opts_init(&vo);
	vo.lang = r.lang;
	struct dti_ranking *k = NULL;
	enum dti_status st = dti_store_ranking(s, cycle, &vo, &k, err);
	if (st)
		return st;
	r.r = k;
	r.cycle = k->info.cycle;
	struct dti_buf js = DTI_BUF_INIT;
	st = dti_cycle_results(s, cycle, 0, &js, err);
	json_t *res = NULL;
	if (!st) {
		res = json_loadb(js.data, js.len, 0, NULL);
		if (!res)
			st = fail(&r, DTI_EINTERNAL,
			          "the stored results are not JSON");
	}
	dti_buf_release(&js);
	if (st) {
		dti_ranking_free(k);
		return st;
	}
	/* the plan */
	r.npillars = k->nnodes > 1 ? k->nnodes - 1 : 0;
	r.toc_pages =
	    (int)((3 + r.npillars + k->nrows + TOC_LINES - 1) / TOC_LINES);
	r.rank_pages =
	    k->nrows ? (int)((k->nrows + TABLE_ROWS - 1) / TABLE_ROWS) : 1;
	r.rank_first = 2 + r.toc_pages;
	r.pillar_first = r.rank_first + r.rank_pages;
	r.map_page = r.pillar_first + (int)r.npillars * r.rank_pages;
	r.units_first = r.map_page + 1;
	r.npages = r.units_first + (int)k->nrows - 1;
	r.page = 1;

	size_t len0 = out->len;
	cairo_surface_t *sf =
	    cairo_pdf_surface_create_for_stream(to_buf, out, PAGE_W, PAGE_H);
	char title[300];
	snprintf(title, sizeof title, "%s %s",
	         T(&r, "Báo cáo kết quả", "Results"), r.cycle);
	cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_TITLE, title);
	cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_CREATOR, "dti");
	/* the same bytes for the same store: the document's dates are the
	   publication's */
	if (k->info.published_at && *k->info.published_at) {
		cairo_pdf_surface_set_metadata(
		    sf, CAIRO_PDF_METADATA_CREATE_DATE, k->info.published_at);
		cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_MOD_DATE,
		                               k->info.published_at);
	}
	r.cr = cairo_create(sf);
	title_page(&r, res);
	toc_pages(&r);
	ranking_pages(&r);
	pillar_pages(&r);
	map_page(&r);
	for (size_t i = 0; i < k->nrows && !r.st; i++)
		unit_page(&r, &k->rows[i]);
	cairo_status_t cs = cairo_status(r.cr);
	cairo_destroy(r.cr);
	cairo_surface_finish(sf);
	if (!cs)
		cs = cairo_surface_status(sf);
	cairo_surface_destroy(sf);
	if (!r.st && cs) {
		char m[200];
		snprintf(m, sizeof m, "cairo: %s", cairo_status_to_string(cs));
		fail(&r,
		     dti_buf_status(out) ? dti_buf_status(out) : DTI_EINTERNAL,
		     m);
	}
	if (!r.st && r.page != r.npages + 1)
		fail(&r, DTI_EINTERNAL,
		     "the report's pages do not match its plan");
	json_decref(res);
	dti_ranking_free(k);
	if (r.st) {
		out->len = len0;
		if (out->data)
			out->data[len0] = '\0';
	}
	return r.st;
}
