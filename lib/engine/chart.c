/*
 * lib/engine/chart.c - charts as standalone SVG documents (dti/chart.h).
 *
 * Every chart is drawn in two steps: its geometry is worked out from the
 * data and the options (sizes, scale, rows), then the SVG is written into
 * a buffer of its own, which is appended to the caller's only when whole:
 * a failure leaves the caller's buffer as it was.  Invariants:
 *   - every text from the caller is checked for UTF-8 before anything is
 *     drawn and goes out through xml() (escaped; the controls XML cannot
 *     carry replaced), so no name can open a tag or end an attribute;
 *   - numbers go through dti_buf_add_decimal / dti_buf_add_trimmed, never
 *     printf's %f: no locale and no platform changes a byte, and the same
 *     input gives the same bytes;
 *   - no NaN reaches a coordinate: a missing value is skipped, labelled
 *     "no value" or hatched where it would be drawn, never put at zero;
 *   - every id is the caller's prefix and a fixed suffix, so charts can
 *     share a page; nothing refers outside the document.
 * Text widths are estimated (0.6 em per character, combining marks not
 * counted): labels are shortened with an ellipsis where they would not
 * fit, and the whole text stays in a <title>.
 */
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "dti/chart.h"

/* ---- palette ------------------------------------------------------------- */

#define INK       "#1a1a1a"
#define MUTED     "#595959"
#define GRIDLINE  "#d9d9d9"
#define FIELD     "#e6e6e6"
#define HIGHLIGHT "#D55E00" /* Okabe-Ito vermillion */
#define DOT       "#56B4E9" /* Okabe-Ito sky blue */

/* Okabe-Ito blue, orange, bluish green, reddish purple; a dash pattern
   and a marker shape of its own make each series readable without
   colour. */
static const char *const series_colour[DTI_CHART_MAX_SERIES] = {
    "#0072B2", "#E69F00", "#009E73", "#CC79A7"};
static const char *const series_dash[DTI_CHART_MAX_SERIES] = {NULL, "6 3",
                                                              "2 3", "8 3 2 3"};

/* The map's sequential ramp, light to dark blue, and the text on it
   (contrast 4.5:1 or more). */
#define NCLASS 5
static const char *const ramp[NCLASS] = {"#e3eef9", "#a9cbe8", "#6aa6d6",
                                         "#2f78b8", "#0d3f7a"};
static const char *const ramp_ink[NCLASS] = {INK, INK, INK, "#ffffff",
                                             "#ffffff"};

#define MAX_GRID 200 /* rows and columns of a tile layout */
#define PI       3.14159265358979323846

/* ---- the chart's own words ----------------------------------------------- */

enum word {
	W_NO_VALUE,
	W_MEDIAN,
	W_VALUE,
	W_VALUE_AXIS,
	W_RANK,
	W_RANK_AXIS,
	W_FIELD,
	W_NOT_RANKED,
	W_UNIT,
	W_UNITS,
	W_NO_VALUE_UNIT,
	W_NO_VALUE_UNITS,
	W_T_BARS,
	W_T_RADAR,
	W_T_TREND,
	W_T_DIST,
	W_T_MAP,
	W_FROM,
	W_TO,
	W_WITH_VALUE
};

static const char *const words[][2] = {
    [W_NO_VALUE] = {"no value", "chưa có giá trị"},
    [W_MEDIAN] = {"median", "trung vị"},
    [W_VALUE] = {"value", "giá trị"},
    [W_VALUE_AXIS] = {"Value", "Giá trị"},
    [W_RANK] = {"rank", "hạng"},
    [W_RANK_AXIS] = {"Rank (1 = first)", "Thứ hạng (1 = cao nhất)"},
    [W_FIELD] = {"units ranked", "số đơn vị được xếp hạng"},
    [W_NOT_RANKED] = {"not ranked", "không được xếp hạng"},
    [W_UNIT] = {"unit", "đơn vị"},
    [W_UNITS] = {"units", "đơn vị"},
    [W_NO_VALUE_UNIT] = {"unit without a value", "đơn vị chưa có giá trị"},
    [W_NO_VALUE_UNITS] = {"units without a value", "đơn vị chưa có giá trị"},
    [W_T_BARS] = {"Bar chart", "Biểu đồ thanh"},
    [W_T_RADAR] = {"Radar chart", "Biểu đồ radar"},
    [W_T_TREND] = {"Over the years", "Diễn biến qua các năm"},
    [W_T_DIST] = {"Distribution of values", "Phân bố giá trị"},
    [W_T_MAP] = {"Tile map", "Bản đồ ô"},
    [W_FROM] = {"from", "từ"},
    [W_TO] = {"to", "đến"},
    [W_WITH_VALUE] = {"with a value", "có giá trị"},
};

/* ---- the document being written ------------------------------------------ */

struct svg {
	struct dti_buf b;        /* the chart, appended to out when whole */
	struct dti_buf desc;     /* the generated text alternative, raw */
	struct dti_buf tip;      /* scratch: one element's <title>, raw */
	struct dti_chart_opts o; /* the options, defaults filled in */
	int vi;
	char mark; /* decimal mark of the values shown */
	double w, h;
};

static const char *tr(const struct svg *s, enum word w)
{
	return words[w][s->vi];
}

static void svg_release(struct svg *s)
{
	dti_buf_release(&s->b);
	dti_buf_release(&s->desc);
	dti_buf_release(&s->tip);
}

void dti_chart_opts_init(struct dti_chart_opts *o)
{
	struct dti_chart_opts d = DTI_CHART_OPTS_INIT;
	if (o)
		*o = d;
}

/* DTI_EENCODING naming field when s (may be NULL) is not UTF-8. */
static enum dti_status check_text(const char *s, const char *field,
                                  struct dti_error *err)
{
	if (!s)
		return DTI_OK;
	struct dti_error e = DTI_ERROR_INIT;
	enum dti_status st = dti_text_check_utf8(s, strlen(s), NULL, &e);
	dti_error_release(&e);
	if (st)
		return dti_err_set(err, DTI_EENCODING, NULL, 0, 0, field,
		                   "not UTF-8 text");
	return DTI_OK;
}

static int prefix_ok(const char *p)
{
	size_t n = strlen(p);
	if (n == 0 || n > DTI_CHART_PREFIX_MAX)
		return 0;
	if (!((p[0] >= 'a' && p[0] <= 'z') || (p[0] >= 'A' && p[0] <= 'Z')))
		return 0;
	for (size_t i = 1; i < n; i++) {
		char c = p[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return 0;
	}
	return 1;
}

static enum dti_status check_size(int v, const char *field,
                                  struct dti_error *err)
{
	if (v != 0 && (v < DTI_CHART_MIN_SIZE || v > DTI_CHART_MAX_SIZE))
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, field,
		                   "%d px: expected 0 (the default) or %d..%d",
		                   v, DTI_CHART_MIN_SIZE, DTI_CHART_MAX_SIZE);
	return DTI_OK;
}

/* Checks the options and the output buffer; fills s->o with defaults. */
static enum dti_status svg_start(struct svg *s, const struct dti_chart_opts *o,
                                 struct dti_buf *out, struct dti_error *err)
{
	memset(s, 0, sizeof *s);
	dti_buf_init(&s->b, 0);
	dti_buf_init(&s->desc, 0);
	dti_buf_init(&s->tip, 0);
	if (o)
		s->o = *o;
	else
		dti_chart_opts_init(&s->o);
	if (!out)
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, "out",
		                   "no buffer to write the chart into");
	enum dti_status st;
	if ((st = check_size(s->o.width, "width", err)) ||
	    (st = check_size(s->o.height, "height", err)))
		return st;
	if (s->o.lang != DTI_LANG_EN && s->o.lang != DTI_LANG_VI)
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, "lang",
		                   "%d: expected DTI_LANG_EN or DTI_LANG_VI",
		                   (int)s->o.lang);
	if (s->o.decimals < 0 || s->o.decimals > DTI_CHART_MAX_DECIMALS)
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, "decimals",
		                   "%d: expected 0..%d", s->o.decimals,
		                   DTI_CHART_MAX_DECIMALS);
	if (!s->o.id_prefix)
		s->o.id_prefix = "dti-chart";
	if (!prefix_ok(s->o.id_prefix))
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, "id_prefix",
		                   "expected a letter, then at most %d "
		                   "letters, digits, '-' or '_'",
		                   DTI_CHART_PREFIX_MAX - 1);
	if (!isfinite(s->o.scale_min) || !isfinite(s->o.scale_max))
		return dti_err_set(err, DTI_EARG, NULL, 0, 0,
		                   isfinite(s->o.scale_min) ? "scale_max"
		                                            : "scale_min",
		                   "not a finite number");
	if ((st = check_text(s->o.title, "title", err)) ||
	    (st = check_text(s->o.desc, "desc", err)))
		return st;
	s->vi = s->o.lang == DTI_LANG_VI;
	s->mark = s->vi ? ',' : '.';
	return DTI_OK;
}

/* Appends the chart to out, whole or not at all. */
static enum dti_status svg_finish(struct svg *s, struct dti_buf *out,
                                  struct dti_error *err)
{
	enum dti_status st = dti_buf_status(&s->b);
	if (!st)
		st = dti_buf_status(&s->desc);
	if (!st)
		st = dti_buf_status(&s->tip);
	if (!st)
		dti_buf_add(out, s->b.data, s->b.len);
	svg_release(s);
	if (st == DTI_ENOMEM)
		return dti_err_nomem(err);
	if (st)
		return dti_err_set(
		    err, st, NULL, 0, 0, NULL,
		    "the chart is larger than a buffer may grow");
	return dti_buf_final(out, DTI_OK, err);
}

/* ---- writers ------------------------------------------------------------- */

/* A coordinate or a length: at most two decimals, no trailing zeros. */
static void num(struct dti_buf *b, double v)
{
	dti_buf_add_trimmed(b, v, 2);
}

static void attr(struct dti_buf *b, const char *name, double v)
{
	dti_buf_addf(b, " %s=\"", name);
	num(b, v);
	dti_buf_addc(b, '"');
}

/* A value as shown: opts->decimals decimals, the language's mark. */
static void put_value(const struct svg *s, struct dti_buf *b, double v)
{
	if (isnan(v))
		dti_buf_adds(b, tr(s, W_NO_VALUE));
	else
		dti_buf_add_decimal(b, v, s->o.decimals, s->mark, "");
}

/* A tick of an axis: as few decimals as it needs, the language's mark. */
static void put_tick(const struct svg *s, struct dti_buf *b, double v)
{
	size_t at = b->len;
	dti_buf_add_trimmed(b, v, 6);
	if (dti_buf_status(b) == DTI_OK)
		for (size_t i = at; i < b->len; i++)
			if (b->data[i] == '.')
				b->data[i] = s->mark;
}

/* Whether the UTF-8 sequence at p is a combining diacritic (U+0300 to
   U+036F), which takes no width of its own. */
static int is_combining(const unsigned char *p, size_t n)
{
	return n == 2 && (p[0] == 0xCC || (p[0] == 0xCD && p[1] <= 0xAF));
}

static size_t seq_len(const char *s, size_t i, size_t n)
{
	size_t j = i + 1;
	while (j < n && ((unsigned char)s[j] & 0xC0) == 0x80)
		j++;
	return j - i;
}

/* The estimated width of n bytes of s at a font size. */
static double text_width(const char *s, size_t n, double size)
{
	size_t g = 0;
	for (size_t i = 0; i < n;) {
		size_t k = seq_len(s, i, n);
		if (!is_combining((const unsigned char *)s + i, k))
			g++;
		i += k;
	}
	return (double)g * size * 0.6;
}

/* The bytes of s (whole characters) that fit in maxw at a font size;
 *cut is set when s had to be shortened (an ellipsis follows). */
static size_t fit(const char *s, double maxw, double size, int *cut)
{
	size_t n = strlen(s);
	*cut = 0;
	if (text_width(s, n, size) <= maxw)
		return n;
	*cut = 1;
	double room = maxw - size * 0.6, used = 0;
	size_t keep = 0;
	for (size_t i = 0; i < n;) {
		size_t k = seq_len(s, i, n);
		if (!is_combining((const unsigned char *)s + i, k)) {
			used += size * 0.6;
			if (used > room)
				break;
		}
		i += k;
		keep = i;
	}
	return keep;
}

/*
 * Appends n bytes of UTF-8 text escaped for XML: & < > " ' as entities;
 * tab, line feed and carriage return as a space; the other controls and
 * U+FFFE, U+FFFF (not XML characters) as U+FFFD.
 */
static void xml(struct dti_buf *b, const char *p, size_t n)
{
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		const char *rep = NULL;
		size_t skip = 1;
		switch (c) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		case '\t':
		case '\n':
		case '\r': rep = " "; break;
		default:
			if (c < 0x20 || c == 0x7f) {
				rep = "\xEF\xBF\xBD";
			} else if (c == 0xEF && i + 2 < n &&
			           (unsigned char)p[i + 1] == 0xBF &&
			           ((unsigned char)p[i + 2] == 0xBE ||
			            (unsigned char)p[i + 2] == 0xBF)) {
				rep = "\xEF\xBF\xBD";
				skip = 3;
			}
		}
		if (!rep)
			continue;
		dti_buf_add(b, p + run, i - run);
		dti_buf_adds(b, rep);
		run = i + skip;
		i += skip - 1;
	}
	dti_buf_add(b, p + run, n - run);
}

static void xmls(struct dti_buf *b, const char *s)
{
	if (s)
		xml(b, s, strlen(s));
}

/* ' id="PREFIX-suffix"' */
static void id_attr(struct svg *s, const char *suffix)
{
	dti_buf_addf(&s->b, " id=\"%s-%s\"", s->o.id_prefix, suffix);
}

/*
 * Empties a scratch buffer, keeping a failed append to it as the chart's
 * failure (a reset would forget it, and the chart would lack a text).
 */
static void scratch_reset(struct svg *s, struct dti_buf *tmp)
{
	if (dti_buf_status(tmp) != DTI_OK && dti_buf_status(&s->b) == DTI_OK)
		s->b.status = dti_buf_status(tmp);
	dti_buf_reset(tmp);
}

/* <title> of the element just opened, from s->tip, then its end tag. */
static void tip_close(struct svg *s, const char *element)
{
	dti_buf_adds(&s->b, "><title>");
	xml(&s->b, s->tip.data ? s->tip.data : "", s->tip.len);
	dti_buf_addf(&s->b, "</title></%s>\n", element);
	scratch_reset(s, &s->tip);
}

/*
 * A line of text at (x, y): n bytes of str and an ellipsis when cut, with
 * the whole of str in a <title> then.  extra: more attributes or NULL.
 */
static void text_n(struct svg *s, double x, double y, const char *anchor,
                   double size, const char *fill, const char *extra,
                   const char *str, size_t n, int cut)
{
	struct dti_buf *b = &s->b;
	dti_buf_adds(b, "<text");
	attr(b, "x", x);
	attr(b, "y", y);
	if (anchor)
		dti_buf_addf(b, " text-anchor=\"%s\"", anchor);
	if (size != 12)
		attr(b, "font-size", size);
	dti_buf_addf(b, " fill=\"%s\"%s>", fill, extra ? extra : "");
	if (cut) {
		dti_buf_adds(b, "<title>");
		xmls(b, str);
		dti_buf_adds(b, "</title>");
	}
	xml(b, str, n);
	if (cut)
		dti_buf_adds(b, "\xE2\x80\xA6");
	dti_buf_adds(b, "</text>\n");
}

/* The same, shortened to maxw (0: whole). */
static void text(struct svg *s, double x, double y, const char *anchor,
                 double size, const char *fill, const char *extra,
                 const char *str, double maxw)
{
	int cut = 0;
	size_t n = maxw > 0 ? fit(str, maxw, size, &cut) : strlen(str);
	text_n(s, x, y, anchor, size, fill, extra, str, n, cut);
}

/* A text from the buffer tmp (raw), shortened to maxw (0: whole). */
static void text_buf(struct svg *s, double x, double y, const char *anchor,
                     double size, const char *fill, const char *extra,
                     struct dti_buf *tmp, double maxw)
{
	if (dti_buf_status(tmp) == DTI_OK)
		text(s, x, y, anchor, size, fill, extra,
		     tmp->data ? tmp->data : "", maxw);
	scratch_reset(s, tmp);
}

static void line(struct svg *s, double x1, double y1, double x2, double y2,
                 const char *stroke, double width, const char *dash)
{
	struct dti_buf *b = &s->b;
	dti_buf_adds(b, "<line");
	attr(b, "x1", x1);
	attr(b, "y1", y1);
	attr(b, "x2", x2);
	attr(b, "y2", y2);
	dti_buf_addf(b, " stroke=\"%s\"", stroke);
	if (width != 1)
		attr(b, "stroke-width", width);
	if (dash)
		dti_buf_addf(b, " stroke-dasharray=\"%s\"", dash);
	dti_buf_adds(b, "/>\n");
}

/* Opens <rect ...> without ending it (for a <title> or "/>"). */
static void rect_open(struct svg *s, double x, double y, double w, double h,
                      const char *fill)
{
	struct dti_buf *b = &s->b;
	dti_buf_adds(b, "<rect");
	attr(b, "x", x);
	attr(b, "y", y);
	attr(b, "width", w);
	attr(b, "height", h);
	dti_buf_addf(b, " fill=\"%s\"", fill);
}

static void rect(struct svg *s, double x, double y, double w, double h,
                 const char *fill)
{
	rect_open(s, x, y, w, h, fill);
	dti_buf_adds(&s->b, "/>\n");
}

static void point(struct dti_buf *b, double x, double y)
{
	num(b, x);
	dti_buf_addc(b, ',');
	num(b, y);
}

/*
 * A line drawn in pieces: a segment that starts where the last one ended
 * continues it; another starts a new subpath.  Keys name the ends (a
 * year, an axis).
 */
struct pen {
	struct dti_buf *d; /* the path data */
	int any;
	long last;
};

static void pen_segment(struct pen *p, long from, double x1, double y1, long to,
                        double x2, double y2)
{
	if (!p->any || p->last != from) {
		dti_buf_adds(p->d, p->any ? " M" : "M");
		point(p->d, x1, y1);
	}
	dti_buf_adds(p->d, " L");
	point(p->d, x2, y2);
	p->any = 1;
	p->last = to;
}

/* The path of pen p in series k's colour and dash, if it has a segment;
   s->tip held its data. */
static void pen_draw(struct svg *s, struct pen *p, size_t k)
{
	if (p->any && dti_buf_status(p->d) == DTI_OK) {
		dti_buf_adds(&s->b, "<path d=\"");
		dti_buf_add(&s->b, p->d->data, p->d->len);
		dti_buf_addf(&s->b,
		             "\" fill=\"none\" stroke=\"%s\" "
		             "stroke-width=\"2\"",
		             series_colour[k]);
		if (series_dash[k])
			dti_buf_addf(&s->b, " stroke-dasharray=\"%s\"",
			             series_dash[k]);
		dti_buf_adds(&s->b, "/>\n");
	}
	scratch_reset(s, p->d);
}

/*
 * The marker of series k at (x, y), radius r: a circle, a square, a
 * triangle or a diamond, with s->tip as its <title> when there is one.
 */
static void marker(struct svg *s, size_t k, double x, double y, double r,
                   const char *fill, const char *stroke)
{
	struct dti_buf *b = &s->b;
	const char *el;
	switch (k % 4) {
	case 0:
		el = "circle";
		dti_buf_adds(b, "<circle");
		attr(b, "cx", x);
		attr(b, "cy", y);
		attr(b, "r", r);
		break;
	case 1:
		el = "rect";
		dti_buf_adds(b, "<rect");
		attr(b, "x", x - r * 0.9);
		attr(b, "y", y - r * 0.9);
		attr(b, "width", r * 1.8);
		attr(b, "height", r * 1.8);
		break;
	case 2:
		el = "polygon";
		dti_buf_adds(b, "<polygon points=\"");
		point(b, x, y - r * 1.2);
		dti_buf_addc(b, ' ');
		point(b, x + r * 1.1, y + r * 0.8);
		dti_buf_addc(b, ' ');
		point(b, x - r * 1.1, y + r * 0.8);
		dti_buf_addc(b, '"');
		break;
	default:
		el = "polygon";
		dti_buf_adds(b, "<polygon points=\"");
		point(b, x, y - r * 1.25);
		dti_buf_addc(b, ' ');
		point(b, x + r * 1.25, y);
		dti_buf_addc(b, ' ');
		point(b, x, y + r * 1.25);
		dti_buf_addc(b, ' ');
		point(b, x - r * 1.25, y);
		dti_buf_addc(b, '"');
		break;
	}
	dti_buf_addf(b, " fill=\"%s\" stroke=\"%s\" stroke-width=\"1.5\"", fill,
	             stroke);
	if (s->tip.len || dti_buf_status(&s->tip) != DTI_OK)
		tip_close(s, el);
	else
		dti_buf_adds(b, "/>\n");
}

/* ---- header, title, legend ----------------------------------------------- */

static double title_height(const struct svg *s)
{
	return s->o.show_title ? 32 : 10;
}

/* The root element, the text alternative, the background, the title. */
static void svg_begin(struct svg *s, const char *default_title)
{
	struct dti_buf *b = &s->b;
	const char *title = s->o.title ? s->o.title : default_title;
	const char *desc = s->o.desc ? s->o.desc : s->desc.data;
	const char *p = s->o.id_prefix;
	dti_buf_adds(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
	                "version=\"1.1\"");
	attr(b, "width", s->w);
	attr(b, "height", s->h);
	dti_buf_adds(b, " viewBox=\"0 0 ");
	num(b, s->w);
	dti_buf_addc(b, ' ');
	num(b, s->h);
	dti_buf_addf(b,
	             "\" role=\"img\" aria-labelledby=\"%s-title %s-desc\" "
	             "font-family=\"sans-serif\" font-size=\"12\">\n",
	             p, p);
	dti_buf_adds(b, "<title");
	id_attr(s, "title");
	dti_buf_addc(b, '>');
	xmls(b, title);
	dti_buf_adds(b, "</title>\n<desc");
	id_attr(s, "desc");
	dti_buf_addc(b, '>');
	xmls(b, desc ? desc : "");
	dti_buf_adds(b, "</desc>\n");
	rect(s, 0, 0, s->w, s->h, "#ffffff");
	if (s->o.show_title)
		text(s, 12, 21, NULL, 15, INK, " font-weight=\"bold\"", title,
		     s->w - 24);
}

static void svg_end(struct svg *s)
{
	dti_buf_adds(&s->b, "</svg>\n");
}

/* What a legend entry shows before its name. */
enum swatch { SW_BOX, SW_LINE, SW_FIELD };

struct entry {
	const char *name;
	enum swatch kind;
	size_t series; /* colour, dash and marker */
};

#define LEGEND_ROW  18
#define LEGEND_NAME 200 /* px at most for a name */

static double entry_width(const struct entry *e)
{
	double t = text_width(e->name, strlen(e->name), 11);
	return 28 + (t < LEGEND_NAME ? t : LEGEND_NAME) + 16;
}

/* The height of a legend of n entries in rows no wider than maxw. */
static double legend_height(const struct entry *e, size_t n, double maxw)
{
	if (!n)
		return 0;
	double x = 0;
	size_t rows = 1;
	for (size_t i = 0; i < n; i++) {
		double w = entry_width(&e[i]);
		if (x > 0 && x + w > maxw) {
			rows++;
			x = 0;
		}
		x += w;
	}
	return (double)rows * LEGEND_ROW + 4;
}

static void legend(struct svg *s, double y, const struct entry *e, size_t n)
{
	double x0 = 12, x = x0, maxw = s->w - 24;
	y += 12;
	for (size_t i = 0; i < n; i++) {
		double w = entry_width(&e[i]);
		if (x > x0 && x - x0 + w > maxw) {
			x = x0;
			y += LEGEND_ROW;
		}
		size_t k = e[i].series;
		if (e[i].kind == SW_BOX) {
			rect(s, x + 6, y - 9, 12, 10, series_colour[k]);
		} else if (e[i].kind == SW_FIELD) {
			rect(s, x + 8, y - 11, 8, 14, FIELD);
		} else {
			line(s, x, y - 4, x + 24, y - 4, series_colour[k], 2,
			     series_dash[k]);
			marker(s, k, x + 12, y - 4, 3.5, "#ffffff",
			       series_colour[k]);
		}
		text(s, x + 28, y, NULL, 11, INK, NULL, e[i].name, LEGEND_NAME);
		x += w;
	}
}

/* ---- scales -------------------------------------------------------------- */

struct scale {
	double lo, hi;
};

/* A round step (1, 2, 2.5 or 5 times a power of ten) for about n steps. */
static double nice_step(double span, int n)
{
	double raw = span / n;
	if (!(raw > 0) || !isfinite(raw))
		return 1;
	double mag = pow(10, floor(log10(raw)));
	double f = raw / mag;
	double step = f <= 1     ? 1
	              : f <= 2   ? 2
	              : f <= 2.5 ? 2.5
	              : f <= 5   ? 5
	                         : 10;
	return step * mag;
}

/* The value scale: the options', [0, 1] for values in it, else round
   bounds around the values and zero. */
static struct scale value_scale(const struct svg *s, double lo, double hi)
{
	struct scale sc;
	if (s->o.scale_min < s->o.scale_max) {
		sc.lo = s->o.scale_min;
		sc.hi = s->o.scale_max;
		return sc;
	}
	if (lo >= 0 && hi <= 1) {
		sc.lo = 0;
		sc.hi = 1;
		return sc;
	}
	double l = lo < 0 ? lo : 0, h = hi > 0 ? hi : 0;
	if (h - l <= 0)
		h = l + 1;
	double step = nice_step(h - l, 5);
	sc.lo = floor(l / step) * step;
	sc.hi = ceil(h / step) * step;
	if (sc.hi <= sc.lo)
		sc.hi = sc.lo + step;
	return sc;
}

/* v on the scale as a position between a (lo) and b (hi), clamped. */
static double scale_at(const struct scale *sc, double v, double a, double b)
{
	if (v < sc->lo)
		v = sc->lo;
	if (v > sc->hi)
		v = sc->hi;
	return a + (v - sc->lo) / (sc->hi - sc->lo) * (b - a);
}

/* Round ticks inside the scale, at most max. */
static size_t ticks(const struct scale *sc, int about, double *out, size_t max)
{
	double step = nice_step(sc->hi - sc->lo, about);
	double first = ceil(sc->lo / step - 1e-9) * step;
	size_t n = 0;
	for (int k = 0; n < max; k++) {
		double t = first + k * step;
		if (t > sc->hi + step * 1e-9)
			break;
		out[n++] = fabs(t) < step * 1e-9 ? 0 : t;
	}
	return n;
}

/* ---- checks of the data -------------------------------------------------- */

/* Labels and series of a bar chart or radar; *lo, *hi get the range of
   the values present. */
static enum dti_status check_series(size_t ncats, const char *const *cats,
                                    const char *what, size_t nseries,
                                    const struct dti_chart_series *series,
                                    double *lo, double *hi,
                                    struct dti_error *err)
{
	char f[80];
	if (!cats)
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, what,
		                   "no labels");
	if (!series)
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, "series",
		                   "no series");
	enum dti_status st;
	for (size_t i = 0; i < ncats; i++) {
		snprintf(f, sizeof f, "%s[%zu]", what, i);
		if (!cats[i])
			return dti_err_set(err, DTI_EARG, NULL, 0, 0, f,
			                   "no label");
		if ((st = check_text(cats[i], f, err)))
			return st;
	}
	*lo = INFINITY;
	*hi = -INFINITY;
	for (size_t k = 0; k < nseries; k++) {
		snprintf(f, sizeof f, "series[%zu].name", k);
		if (!series[k].name)
			return dti_err_set(err, DTI_EARG, NULL, 0, 0, f,
			                   "no name");
		if ((st = check_text(series[k].name, f, err)))
			return st;
		if (!series[k].values) {
			snprintf(f, sizeof f, "series[%zu].values", k);
			return dti_err_set(err, DTI_EARG, NULL, 0, 0, f,
			                   "no values");
		}
		for (size_t i = 0; i < ncats; i++) {
			double v = series[k].values[i];
			if (isnan(v))
				continue;
			if (!isfinite(v)) {
				snprintf(f, sizeof f, "series[%zu].values[%zu]",
				         k, i);
				return dti_err_set(err, DTI_EINVALID, NULL, 0,
				                   0, f, "not a finite number");
			}
			if (v < *lo)
				*lo = v;
			if (v > *hi)
				*hi = v;
		}
	}
	if (*lo > *hi)
		return dti_err_set(err, DTI_EINVALID, NULL, 0, 0, "series",
		                   "every value is missing: nothing to draw");
	return DTI_OK;
}

/* ---- bars ---------------------------------------------------------------- */

enum dti_status dti_chart_bars(const struct dti_chart_opts *o, size_t ncats,
                               const char *const *cats, size_t nseries,
                               const struct dti_chart_series *series,
                               struct dti_buf *out, struct dti_error *err)
{
	struct svg s;
	enum dti_status st = svg_start(&s, o, out, err);
	if (!st && (ncats == 0 || ncats > DTI_CHART_MAX_BARS))
		st = dti_err_set(err, DTI_EARG, NULL, 0, 0, "ncats",
		                 "%zu categories: a bar chart has 1..%d", ncats,
		                 DTI_CHART_MAX_BARS);
	if (!st && (nseries == 0 || nseries > DTI_CHART_MAX_SERIES))
		st = dti_err_set(err, DTI_EARG, NULL, 0, 0, "nseries",
		                 "%zu series: a bar chart has 1..%d", nseries,
		                 DTI_CHART_MAX_SERIES);
	double lo = 0, hi = 0;
	if (!st)
		st = check_series(ncats, cats, "categories", nseries, series,
		                  &lo, &hi, err);
	if (st) {
		svg_release(&s);
		return st;
	}
	struct scale sc = value_scale(&s, lo, hi);
	struct entry ent[DTI_CHART_MAX_SERIES];
	for (size_t k = 0; k < nseries; k++)
		ent[k] = (struct entry){series[k].name, SW_BOX, k};

	s.w = s.o.width ? s.o.width : 560;
	double lh = legend_height(ent, nseries, s.w - 24);
	double top = title_height(&s) + lh + 6;
	double label_w = 0;
	for (size_t i = 0; i < ncats; i++) {
		double t = text_width(cats[i], strlen(cats[i]), 12);
		if (t > label_w)
			label_w = t;
	}
	if (label_w > 0.35 * s.w)
		label_w = 0.35 * s.w;
	label_w += 10;
	double value_w = (s.o.decimals + 4) * 6.6 + 8;
	double x0 = 12 + label_w, x1 = s.w - 12 - value_w;
	if (x1 - x0 < 40) {
		svg_release(&s);
		return dti_err_set(err, DTI_EINVALID, NULL, 0, 0, "width",
		                   "%d px is too narrow for these labels and "
		                   "values (at least %d)",
		                   s.o.width, (int)ceil(s.w - (x1 - x0) + 40));
	}
	double bar = 14, inner = 2, gap = 10, axis = 26;
	double ns = (double)nseries, nc = (double)ncats;
	if (s.o.height) {
		s.h = s.o.height;
		double avail = s.h - top - axis - 8;
		bar = (avail / nc - gap - (ns - 1) * inner) / ns;
		if (bar < 3) {
			double need = top + axis + 8 +
			              nc * (gap + (ns - 1) * inner + 3 * ns);
			svg_release(&s);
			return dti_err_set(
			    err, DTI_EINVALID, NULL, 0, 0, "height",
			    "%d px leaves no room for %zu bars "
			    "(at least %d)",
			    s.o.height, ncats * nseries, (int)ceil(need));
		}
		if (bar > 40)
			bar = 40;
	}
	double per = ns * bar + (ns - 1) * inner + gap;
	if (!s.o.height)
		s.h = ceil(top + nc * per + axis + 8);
	double py0 = top, py1 = top + nc * per;
	double base = scale_at(&sc, 0, x0, x1);

	/* the text alternative: every value, series by series */
	for (size_t k = 0; k < nseries; k++) {
		dti_buf_addf(&s.desc, "%s%s: ", k ? " " : "", series[k].name);
		for (size_t i = 0; i < ncats; i++) {
			dti_buf_addf(&s.desc, "%s%s ", i ? ", " : "", cats[i]);
			put_value(&s, &s.desc, series[k].values[i]);
		}
		dti_buf_addc(&s.desc, '.');
	}
	svg_begin(&s, tr(&s, W_T_BARS));
	legend(&s, title_height(&s), ent, nseries);

	double tk[16];
	size_t nt = ticks(&sc, 5, tk, 16);
	for (size_t t = 0; t < nt; t++) {
		double x = scale_at(&sc, tk[t], x0, x1);
		line(&s, x, py0, x, py1, GRIDLINE, 1, NULL);
		put_tick(&s, &s.tip, tk[t]);
		text_buf(&s, x, py1 + 15, "middle", 10, MUTED, NULL, &s.tip, 0);
	}
	line(&s, base, py0, base, py1, MUTED, 1, NULL);
	double vsize = bar * 0.85 < 7 ? 7 : bar * 0.85 > 11 ? 11 : bar * 0.85;
	for (size_t i = 0; i < ncats; i++) {
		double gy = py0 + (double)i * per + gap / 2;
		double gh = per - gap;
		text(&s, x0 - 6, gy + gh / 2 + 4, "end", 12, INK, NULL, cats[i],
		     label_w - 10);
		for (size_t k = 0; k < nseries; k++) {
			double y = gy + (double)k * (bar + inner);
			double v = series[k].values[i];
			if (isnan(v)) {
				dti_buf_adds(&s.tip, tr(&s, W_NO_VALUE));
				text_buf(&s, base + 4,
				         y + bar / 2 + vsize * 0.35, NULL,
				         vsize, MUTED, " font-style=\"italic\"",
				         &s.tip, 0);
				continue;
			}
			double xv = scale_at(&sc, v, x0, x1);
			double xa = xv < base ? xv : base;
			double w = fabs(xv - base);
			rect_open(&s, xa, y, w, bar, series_colour[k]);
			dti_buf_addf(&s.tip,
			             "%s \xE2\x80\x93 %s: ", series[k].name,
			             cats[i]);
			put_value(&s, &s.tip, v);
			tip_close(&s, "rect");
			put_value(&s, &s.tip, v);
			text_buf(&s, (xv > base ? xv : base) + 4,
			         y + bar / 2 + vsize * 0.35, NULL, vsize, INK,
			         NULL, &s.tip, 0);
		}
	}
	svg_end(&s);
	return svg_finish(&s, out, err);
}

/* ---- radar --------------------------------------------------------------- */

/* Up to two lines of text no wider than maxw each: the split at the space
   that balances them best; each line shortened if it must be. */
struct lines {
	const char *p[3];
	size_t n[3];
	int cut[3];
	size_t count;
};

static void wrap2(const char *s, double maxw, double size, struct lines *l)
{
	size_t n = strlen(s);
	size_t c = l->count;
	if (c >= 3)
		return;
	if (text_width(s, n, size) <= maxw || c >= 2) {
		l->p[c] = s;
		l->n[c] = fit(s, maxw, size, &l->cut[c]);
		l->count++;
		return;
	}
	size_t best = 0;
	double best_w = INFINITY;
	for (size_t i = 1; i < n; i++) {
		if (s[i] != ' ')
			continue;
		double a = text_width(s, i, size);
		double b = text_width(s + i + 1, n - i - 1, size);
		double w = a > b ? a : b;
		if (w < best_w) {
			best_w = w;
			best = i;
		}
	}
	if (!best) {
		l->p[c] = s;
		l->n[c] = fit(s, maxw, size, &l->cut[c]);
		l->count++;
		return;
	}
	l->p[c] = s;
	int cut;
	size_t first = best;
	if (text_width(s, first, size) > maxw) {
		/* the first part alone is too long: shorten it */
		char tmp[512];
		size_t k = first < sizeof tmp - 1 ? first : sizeof tmp - 1;
		memcpy(tmp, s, k);
		tmp[k] = '\0';
		first = fit(tmp, maxw, size, &cut);
		l->cut[c] = 1;
	} else {
		l->cut[c] = 0;
	}
	l->n[c] = first;
	l->p[c + 1] = s + best + 1;
	l->n[c + 1] = fit(s + best + 1, maxw, size, &l->cut[c + 1]);
	l->count += 2;
}

enum dti_status dti_chart_radar(const struct dti_chart_opts *o, size_t naxes,
                                const char *const *axes, size_t nseries,
                                const struct dti_chart_series *series,
                                struct dti_buf *out, struct dti_error *err)
{
	struct svg s;
	enum dti_status st = svg_start(&s, o, out, err);
	if (!st && (naxes < DTI_CHART_MIN_AXES || naxes > DTI_CHART_MAX_AXES))
		st = dti_err_set(err, DTI_EARG, NULL, 0, 0, "naxes",
		                 "%zu axes: a radar has %d..%d", naxes,
		                 DTI_CHART_MIN_AXES, DTI_CHART_MAX_AXES);
	if (!st && (nseries == 0 || nseries > DTI_CHART_MAX_SERIES))
		st = dti_err_set(err, DTI_EARG, NULL, 0, 0, "nseries",
		                 "%zu series: a radar has 1..%d", nseries,
		                 DTI_CHART_MAX_SERIES);
	double lo = 0, hi = 0;
	if (!st)
		st = check_series(naxes, axes, "axes", nseries, series, &lo,
		                  &hi, err);
	if (st) {
		svg_release(&s);
		return st;
	}
	struct scale sc = value_scale(&s, lo, hi);
	struct entry ent[DTI_CHART_MAX_SERIES];
	for (size_t k = 0; k < nseries; k++)
		ent[k] = (struct entry){series[k].name, SW_LINE, k};
	s.w = s.o.width ? s.o.width : 520;
	double top = title_height(&s) + legend_height(ent, nseries, s.w - 24);
	double lx = 100, ly = 44;
	double r = (s.w - 2 * lx) / 2;
	if (s.o.height) {
		s.h = s.o.height;
		double rv = (s.h - top - 2 * ly - 8) / 2;
		if (rv < r)
			r = rv;
	}
	if (r < 40) {
		int by_height = s.o.height && (s.h - top - 2 * ly - 8) / 2 < 40;
		svg_release(&s);
		return by_height
		           ? dti_err_set(
		                 err, DTI_EINVALID, NULL, 0, 0, "height",
		                 "%d px leaves no room for a radar "
		                 "(at least %d)",
		                 s.o.height, (int)ceil(top + 2 * ly + 88))
		           : dti_err_set(err, DTI_EINVALID, NULL, 0, 0, "width",
		                         "%d px is too narrow for a radar and "
		                         "its labels (at least %d)",
		                         s.o.width, (int)(2 * lx + 80));
	}
	if (!s.o.height)
		s.h = ceil(top + 2 * ly + 2 * r + 8);
	double cx = s.w / 2, cy = top + (s.h - top) / 2;
	double ang[DTI_CHART_MAX_AXES], ca[DTI_CHART_MAX_AXES],
	    sa[DTI_CHART_MAX_AXES];
	for (size_t i = 0; i < naxes; i++) {
		ang[i] = -PI / 2 + 2 * PI * (double)i / (double)naxes;
		ca[i] = cos(ang[i]);
		sa[i] = sin(ang[i]);
		/* exact zeros keep the output the same on every platform */
		if (fabs(ca[i]) < 1e-12)
			ca[i] = 0;
		if (fabs(sa[i]) < 1e-12)
			sa[i] = 0;
	}

	for (size_t k = 0; k < nseries; k++) {
		dti_buf_addf(&s.desc, "%s%s: ", k ? " " : "", series[k].name);
		for (size_t i = 0; i < naxes; i++) {
			dti_buf_addf(&s.desc, "%s%s ", i ? ", " : "", axes[i]);
			put_value(&s, &s.desc, series[k].values[i]);
		}
		dti_buf_addc(&s.desc, '.');
	}
	svg_begin(&s, tr(&s, W_T_RADAR));
	legend(&s, title_height(&s), ent, nseries);

	/* rings at a quarter of the scale each, labelled on the first axis */
	for (int q = 1; q <= 4; q++) {
		double rr = r * q / 4;
		dti_buf_adds(&s.b, "<polygon points=\"");
		for (size_t i = 0; i < naxes; i++) {
			if (i)
				dti_buf_addc(&s.b, ' ');
			point(&s.b, cx + rr * ca[i], cy + rr * sa[i]);
		}
		dti_buf_addf(&s.b, "\" fill=\"none\" stroke=\"%s\"/>\n",
		             GRIDLINE);
	}
	for (size_t i = 0; i < naxes; i++)
		line(&s, cx, cy, cx + r * ca[i], cy + r * sa[i], GRIDLINE, 1,
		     NULL);
	for (int q = 0; q <= 4; q++) {
		put_tick(&s, &s.tip, sc.lo + (sc.hi - sc.lo) * q / 4);
		text_buf(&s, cx + 4, cy - r * q / 4 - 3, NULL, 9, MUTED, NULL,
		         &s.tip, 0);
	}
	/* axis labels, with the series that have no value there */
	for (size_t i = 0; i < naxes; i++) {
		const char *anchor = ca[i] > 0.3    ? "start"
		                     : ca[i] < -0.3 ? "end"
		                                    : "middle";
		double maxw = ca[i] > 0.3 || ca[i] < -0.3 ? lx - 16 : 2 * lx;
		double ax = cx + (r + 10) * ca[i], ay = cy + (r + 10) * sa[i];
		struct lines l;
		memset(&l, 0, sizeof l);
		wrap2(axes[i], maxw, 11, &l);
		/* the note of the series without a value here, in s->tip */
		size_t missing = 0;
		for (size_t k = 0; k < nseries; k++)
			missing += isnan(series[k].values[i]) != 0;
		if (missing) {
			dti_buf_adds(&s.tip, tr(&s, W_NO_VALUE));
			for (size_t k = 0, m = 0; nseries > 1 && k < nseries;
			     k++)
				if (isnan(series[k].values[i]))
					dti_buf_addf(&s.tip, "%s%s",
					             m++ ? ", " : ": ",
					             series[k].name);
		}
		size_t nl = l.count + (missing ? 1 : 0);
		double y;
		if (sa[i] < -0.3)
			y = ay - 4 - (double)(nl - 1) * 12;
		else if (sa[i] > 0.3)
			y = ay + 12;
		else
			y = ay + 4 - (double)(nl - 1) * 6;
		for (size_t j = 0; j < l.count; j++, y += 12)
			text_n(&s, ax, y, anchor, 11, INK, NULL, l.p[j], l.n[j],
			       l.cut[j]);
		if (missing)
			text_buf(&s, ax, y, anchor, 10, MUTED,
			         " font-style=\"italic\"", &s.tip, maxw);
	}
	/* the series, the first one last so that it is on top */
	for (size_t kk = nseries; kk-- > 0;) {
		const double *v = series[kk].values;
		const char *col = series_colour[kk];
		size_t present = 0;
		for (size_t i = 0; i < naxes; i++)
			present += !isnan(v[i]);
		double px[DTI_CHART_MAX_AXES], py[DTI_CHART_MAX_AXES];
		for (size_t i = 0; i < naxes; i++) {
			double rr = isnan(v[i]) ? 0 : scale_at(&sc, v[i], 0, r);
			px[i] = cx + rr * ca[i];
			py[i] = cy + rr * sa[i];
		}
		if (present == naxes) {
			dti_buf_adds(&s.b, "<polygon points=\"");
			for (size_t i = 0; i < naxes; i++) {
				if (i)
					dti_buf_addc(&s.b, ' ');
				point(&s.b, px[i], py[i]);
			}
			dti_buf_addf(&s.b,
			             "\" fill=\"%s\" fill-opacity=\"0.12\" "
			             "stroke=\"%s\" stroke-width=\"2\"",
			             col, col);
			if (series_dash[kk])
				dti_buf_addf(&s.b, " stroke-dasharray=\"%s\"",
				             series_dash[kk]);
			dti_buf_adds(&s.b, "/>\n");
		} else {
			/* an outline broken where a value is missing */
			struct pen pen = {&s.tip, 0, -1};
			for (size_t i = 0; i < naxes; i++) {
				size_t j = (i + 1) % naxes;
				if (!isnan(v[i]) && !isnan(v[j]))
					pen_segment(&pen, (long)i, px[i], py[i],
					            (long)j, px[j], py[j]);
			}
			pen_draw(&s, &pen, kk);
		}
		for (size_t i = 0; i < naxes; i++) {
			if (isnan(v[i]))
				continue;
			dti_buf_addf(&s.tip,
			             "%s \xE2\x80\x93 %s: ", series[kk].name,
			             axes[i]);
			put_value(&s, &s.tip, v[i]);
			marker(&s, kk, px[i], py[i], 3.5, col, col);
		}
	}
	svg_end(&s);
	return svg_finish(&s, out, err);
}

/* ---- trend --------------------------------------------------------------- */

#define YEAR_MIN 1900
#define YEAR_MAX 2200

static enum dti_status check_trend(size_t nseries,
                                   const struct dti_chart_trend_series *series,
                                   unsigned show, struct dti_error *err)
{
	char f[96];
	enum dti_status st;
	if (nseries == 0 || nseries > DTI_CHART_MAX_SERIES)
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, "nseries",
		                   "%zu series: a trend has 1..%d", nseries,
		                   DTI_CHART_MAX_SERIES);
	if (!series)
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, "series",
		                   "no series");
	if (show == 0 ||
	    (show & ~(unsigned)(DTI_CHART_VALUES | DTI_CHART_RANKS)))
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, "show",
		                   "%u: expected DTI_CHART_VALUES, "
		                   "DTI_CHART_RANKS or both",
		                   show);
	size_t drawable = 0, points = 0;
	for (size_t k = 0; k < nseries; k++) {
		const struct dti_chart_trend_series *t = &series[k];
		snprintf(f, sizeof f, "series[%zu].name", k);
		if (!t->name)
			return dti_err_set(err, DTI_EARG, NULL, 0, 0, f,
			                   "no name");
		if ((st = check_text(t->name, f, err)))
			return st;
		if (t->n && !t->points) {
			snprintf(f, sizeof f, "series[%zu].points", k);
			return dti_err_set(err, DTI_EARG, NULL, 0, 0, f,
			                   "no points");
		}
		points += t->n;
		for (size_t i = 0; i < t->n; i++) {
			const struct dti_chart_point *p = &t->points[i];
			if (p->year < YEAR_MIN || p->year > YEAR_MAX) {
				snprintf(f, sizeof f,
				         "series[%zu].points[%zu].year", k, i);
				return dti_err_set(err, DTI_EINVALID, NULL, 0,
				                   0, f, "%d: expected %d..%d",
				                   p->year, YEAR_MIN, YEAR_MAX);
			}
			for (size_t j = 0; j < i; j++)
				if (t->points[j].year == p->year) {
					snprintf(f, sizeof f,
					         "series[%zu].points[%zu].year",
					         k, i);
					return dti_err_set(
					    err, DTI_EINVALID, NULL, 0, 0, f,
					    "%d is already points[%zu]",
					    p->year, j);
				}
			snprintf(f, sizeof f, "series[%zu].points[%zu].label",
			         k, i);
			if ((st = check_text(p->label, f, err)))
				return st;
			if (!isnan(p->value) && !isfinite(p->value)) {
				snprintf(f, sizeof f,
				         "series[%zu].points[%zu].value", k, i);
				return dti_err_set(err, DTI_EINVALID, NULL, 0,
				                   0, f, "not a finite number");
			}
			if (p->rank < 0 ||
			    (p->ranked && (size_t)p->rank > p->ranked)) {
				snprintf(f, sizeof f,
				         "series[%zu].points[%zu].rank", k, i);
				return dti_err_set(
				    err, DTI_EINVALID, NULL, 0, 0, f,
				    p->rank < 0
				        ? "%d: a rank is 1 or more (0: "
				          "not ranked)"
				        : "%d: beyond the %zu units ranked",
				    p->rank, p->ranked);
			}
			if (p->ranked > (size_t)DTI_CHART_MAX_ITEMS) {
				snprintf(f, sizeof f,
				         "series[%zu].points[%zu].ranked", k,
				         i);
				return dti_err_set(
				    err, DTI_EINVALID, NULL, 0, 0, f,
				    "%zu: more than %d units", p->ranked,
				    DTI_CHART_MAX_ITEMS);
			}
			if (((show & DTI_CHART_VALUES) && !isnan(p->value)) ||
			    ((show & DTI_CHART_RANKS) && p->rank > 0))
				drawable++;
		}
	}
	if (!points)
		return dti_err_set(
		    err, DTI_EARG, NULL, 0, 0, "series",
		    "no points: a trend needs at least one year");
	if (!drawable)
		return dti_err_set(err, DTI_EINVALID, NULL, 0, 0, "series",
		                   (show & DTI_CHART_RANKS)
		                       ? "no value and no rank in any year: "
		                         "nothing to draw"
		                       : "every value is missing: nothing to "
		                         "draw");
	return DTI_OK;
}

/* The point of series t for year y, or NULL. */
static const struct dti_chart_point *
point_of(const struct dti_chart_trend_series *t, int y)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->points[i].year == y)
			return &t->points[i];
	return NULL;
}

/* "Name, 2022 (dti-2022)" into s->tip */
static void year_tip(struct svg *s, const char *name,
                     const struct dti_chart_point *p)
{
	dti_buf_addf(&s->tip, "%s, %d", name, p->year);
	if (p->label && *p->label)
		dti_buf_addf(&s->tip, " (%s)", p->label);
	dti_buf_adds(&s->tip, ": ");
}

/* "38/63", "38" when the field is unknown */
static void rank_text(struct dti_buf *b, const struct dti_chart_point *p)
{
	if (p->ranked)
		dti_buf_addf(b, "%d/%zu", p->rank, p->ranked);
	else
		dti_buf_addf(b, "%d", p->rank);
}

enum dti_status dti_chart_trend(const struct dti_chart_opts *o, size_t nseries,
                                const struct dti_chart_trend_series *series,
                                unsigned show, struct dti_buf *out,
                                struct dti_error *err)
{
	struct svg s;
	enum dti_status st = svg_start(&s, o, out, err);
	if (!st)
		st = check_trend(nseries, series, show, err);
	if (st) {
		svg_release(&s);
		return st;
	}
	int values = (show & DTI_CHART_VALUES) != 0;
	int ranks = (show & DTI_CHART_RANKS) != 0;
	int y0 = YEAR_MAX, y1 = YEAR_MIN;
	double lo = INFINITY, hi = -INFINITY;
	size_t max_rank = 1;
	for (size_t k = 0; k < nseries; k++)
		for (size_t i = 0; i < series[k].n; i++) {
			const struct dti_chart_point *p = &series[k].points[i];
			if (p->year < y0)
				y0 = p->year;
			if (p->year > y1)
				y1 = p->year;
			if (!isnan(p->value)) {
				lo = p->value < lo ? p->value : lo;
				hi = p->value > hi ? p->value : hi;
			}
			if ((size_t)p->rank > max_rank)
				max_rank = (size_t)p->rank;
			if (p->ranked > max_rank)
				max_rank = p->ranked;
		}
	if (lo > hi)
		lo = hi = 0;
	struct scale sc = value_scale(&s, lo, hi);
	int nyears = y1 - y0 + 1;

	struct entry ent[DTI_CHART_MAX_SERIES + 1];
	size_t nent = 0;
	for (size_t k = 0; k < nseries; k++)
		ent[nent++] = (struct entry){series[k].name, SW_LINE, k};
	if (ranks)
		ent[nent++] = (struct entry){tr(&s, W_FIELD), SW_FIELD, 0};
	s.w = s.o.width ? s.o.width : 600;
	double top = title_height(&s) + legend_height(ent, nent, s.w - 24);
	double x0 = 52, x1 = s.w - 64, pad = 18;
	if (x1 - x0 < 2 * pad + 20) {
		svg_release(&s);
		return dti_err_set(err, DTI_EINVALID, NULL, 0, 0, "width",
		                   "%d px is too narrow for a trend (at least "
		                   "%d)",
		                   s.o.width, (int)(52 + 64 + 2 * pad + 20));
	}
	double cap = 18, gap = 30, axis = 26;
	double hv = values ? 150 : 0, hr = ranks ? 170 : 0;
	double fixed = top + (values ? cap : 0) + (ranks ? cap : 0) +
	               (values && ranks ? gap : 0) + (ranks ? 16 : 0) + axis;
	if (s.o.height) {
		s.h = s.o.height;
		double avail = s.h - fixed;
		double f = avail / (hv + hr);
		double least = values && ranks ? (hv < hr ? hv : hr)
		               : values        ? hv
		                               : hr;
		if (least * f < 50) {
			double need = fixed + 50 / least * (hv + hr);
			svg_release(&s);
			return dti_err_set(err, DTI_EINVALID, NULL, 0, 0,
			                   "height",
			                   "%d px leaves no room for the "
			                   "panels (at least %d)",
			                   s.o.height, (int)ceil(need));
		}
		hv *= f;
		hr *= f;
	} else {
		s.h = ceil(fixed + hv + hr);
	}
	double dx = nyears > 1 ? (x1 - x0 - 2 * pad) / (nyears - 1) : 0;
#define XOF(y) (nyears > 1 ? x0 + pad + ((y)-y0) * dx : (x0 + x1) / 2)
	double vy0 = top + cap, vy1 = vy0 + hv;
	double ry0 = (values ? vy1 + gap : top) + cap, ry1 = ry0 + hr;
	double rspan = max_rank > 1 ? (double)(max_rank - 1) : 1;
#define YOFR(r) (ry0 + ((double)(r)-1) / rspan * hr)
	double bottom = ranks ? ry1 + 16 : vy1;

	/* the text alternative: every year of every series */
	for (size_t k = 0; k < nseries; k++) {
		dti_buf_addf(&s.desc, "%s%s:", k ? " " : "", series[k].name);
		int first = 1;
		for (int y = y0; y <= y1; y++) {
			const struct dti_chart_point *p =
			    point_of(&series[k], y);
			if (!p)
				continue;
			dti_buf_addf(&s.desc, "%s %d", first ? "" : ",", y);
			first = 0;
			if (values) {
				dti_buf_addc(&s.desc, ' ');
				put_value(&s, &s.desc, p->value);
			}
			if (ranks) {
				dti_buf_adds(&s.desc, values ? " (" : " ");
				if (p->rank > 0) {
					dti_buf_addf(&s.desc, "%s ",
					             tr(&s, W_RANK));
					rank_text(&s.desc, p);
				} else {
					dti_buf_adds(&s.desc,
					             tr(&s, W_NOT_RANKED));
				}
				if (values)
					dti_buf_addc(&s.desc, ')');
			}
		}
		dti_buf_addc(&s.desc, '.');
	}
	svg_begin(&s, tr(&s, W_T_TREND));
	legend(&s, title_height(&s), ent, nent);

	/* years: a label at least 40 px apart, a faint line each */
	int every = dx > 0 && dx < 40 ? (int)ceil(40 / dx) : 1;
	for (int y = y0; y <= y1; y++) {
		if ((y - y0) % every)
			continue;
		double x = XOF(y);
		if (values)
			line(&s, x, vy0, x, vy1, GRIDLINE, 1, "2 3");
		if (ranks)
			line(&s, x, ry0, x, ry1, GRIDLINE, 1, "2 3");
		dti_buf_addf(&s.tip, "%d", y);
		text_buf(&s, x, bottom + 16, "middle", 11, INK, NULL, &s.tip,
		         0);
	}
	size_t single = nseries == 1;
	if (values) {
		text(&s, x0, vy0 - 6, NULL, 11, MUTED, " font-weight=\"bold\"",
		     tr(&s, W_VALUE_AXIS), 0);
		double tk[16];
		size_t nt = ticks(&sc, 4, tk, 16);
		for (size_t t = 0; t < nt; t++) {
			double y = scale_at(&sc, tk[t], vy1, vy0);
			line(&s, x0, y, x1, y, GRIDLINE, 1, NULL);
			put_tick(&s, &s.tip, tk[t]);
			text_buf(&s, x0 - 6, y + 3.5, "end", 10, MUTED, NULL,
			         &s.tip, 0);
		}
		for (size_t kk = nseries; kk-- > 0;) {
			const struct dti_chart_trend_series *t = &series[kk];
			const char *col = series_colour[kk];
			/* a line only between consecutive years with values */
			struct pen pen = {&s.tip, 0, -1};
			for (int y = y0; y < y1; y++) {
				const struct dti_chart_point *a =
				    point_of(t, y);
				const struct dti_chart_point *b =
				    point_of(t, y + 1);
				if (!a || !b || isnan(a->value) ||
				    isnan(b->value))
					continue;
				pen_segment(&pen, y, XOF(y),
				            scale_at(&sc, a->value, vy1, vy0),
				            y + 1, XOF(y + 1),
				            scale_at(&sc, b->value, vy1, vy0));
			}
			pen_draw(&s, &pen, kk);
			for (int yr = y0; yr <= y1; yr++) {
				const struct dti_chart_point *p =
				    point_of(t, yr);
				if (!p || isnan(p->value))
					continue;
				double x = XOF(p->year);
				double y = scale_at(&sc, p->value, vy1, vy0);
				year_tip(&s, t->name, p);
				put_value(&s, &s.tip, p->value);
				marker(&s, kk, x, y, 4, col, col);
				if (single) {
					put_value(&s, &s.tip, p->value);
					text_buf(&s, x, y - 8, "middle", 10,
					         INK, NULL, &s.tip, 0);
				}
			}
		}
	}
	if (ranks) {
		text(&s, x0, ry0 - 6, NULL, 11, MUTED, " font-weight=\"bold\"",
		     tr(&s, W_RANK_AXIS), 0);
		/* rank ticks: 1, round steps, the largest field */
		double step = ceil(nice_step(rspan, 4));
		if (step < 1)
			step = 1;
		for (double r = 1; r < (double)max_rank;
		     r = r == 1 && step > 1 ? step : r + step) {
			if (r > 1 && (double)max_rank - r < step / 2)
				break;
			line(&s, x0, YOFR(r), x1, YOFR(r), GRIDLINE, 1, NULL);
			dti_buf_addf(&s.tip, "%ld", (long)r);
			text_buf(&s, x0 - 6, YOFR(r) + 3.5, "end", 10, MUTED,
			         NULL, &s.tip, 0);
		}
		if (max_rank > 1) {
			line(&s, x0, YOFR(max_rank), x1, YOFR(max_rank),
			     GRIDLINE, 1, NULL);
			dti_buf_addf(&s.tip, "%zu", max_rank);
			text_buf(&s, x0 - 6, YOFR(max_rank) + 3.5, "end", 10,
			         MUTED, NULL, &s.tip, 0);
		}
		/* the field of each year: units ranked, largest series */
		for (int y = y0; y <= y1; y++) {
			size_t field = 0;
			for (size_t k = 0; k < nseries; k++) {
				const struct dti_chart_point *p =
				    point_of(&series[k], y);
				if (p && p->ranked > field)
					field = p->ranked;
			}
			if (!field)
				continue;
			double x = XOF(y);
			rect_open(&s, x - 5, YOFR(1) - 2, 10,
			          YOFR(field) - YOFR(1) + 4, FIELD);
			dti_buf_addf(&s.tip, "%d: %zu %s", y, field,
			             tr(&s, W_FIELD));
			tip_close(&s, "rect");
			dti_buf_addf(&s.tip, "%zu", field);
			text_buf(&s, x, YOFR(field) + 13, "middle", 9, MUTED,
			         NULL, &s.tip, 0);
		}
		for (size_t kk = nseries; kk-- > 0;) {
			const struct dti_chart_trend_series *t = &series[kk];
			const char *col = series_colour[kk];
			struct pen pen = {&s.tip, 0, -1};
			for (int y = y0; y < y1; y++) {
				const struct dti_chart_point *a =
				    point_of(t, y);
				const struct dti_chart_point *b =
				    point_of(t, y + 1);
				if (!a || !b || a->rank <= 0 || b->rank <= 0)
					continue;
				pen_segment(&pen, y, XOF(y), YOFR(a->rank),
				            y + 1, XOF(y + 1), YOFR(b->rank));
			}
			pen_draw(&s, &pen, kk);
			for (int yr = y0; yr <= y1; yr++) {
				const struct dti_chart_point *p =
				    point_of(t, yr);
				if (!p || p->rank <= 0)
					continue;
				double x = XOF(p->year), y = YOFR(p->rank);
				year_tip(&s, t->name, p);
				dti_buf_addf(&s.tip, "%s ", tr(&s, W_RANK));
				rank_text(&s.tip, p);
				marker(&s, kk, x, y, 4, col, col);
				if (single) {
					rank_text(&s.tip, p);
					text_buf(&s, x + 8, y + 4, NULL, 10,
					         INK, NULL, &s.tip, 0);
				}
			}
		}
	}
#undef XOF
#undef YOFR
	svg_end(&s);
	return svg_finish(&s, out, err);
}

/* ---- units and their values ---------------------------------------------- */

/* The items of a distribution or map: ids unique (into *ids), names and
   ids UTF-8, values finite or NaN. */
static enum dti_status check_items(size_t n, const struct dti_chart_item *items,
                                   struct dti_map *ids, struct dti_error *err)
{
	char f[64];
	enum dti_status st;
	if (n == 0 || n > DTI_CHART_MAX_ITEMS)
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, "n",
		                   "%zu items: expected 1..%d", n,
		                   DTI_CHART_MAX_ITEMS);
	if (!items)
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, "items",
		                   "no items");
	for (size_t i = 0; i < n; i++) {
		const struct dti_chart_item *it = &items[i];
		snprintf(f, sizeof f, "items[%zu].id", i);
		if (!it->id || !*it->id)
			return dti_err_set(err, DTI_EARG, NULL, 0, 0, f,
			                   "no id");
		if ((st = check_text(it->id, f, err)))
			return st;
		size_t j;
		if (dti_map_get(ids, it->id, &j))
			return dti_err_set(err, DTI_EINVALID, NULL, 0, 0, f,
			                   "'%s' is already items[%zu]", it->id,
			                   j);
		if (dti_map_put(ids, it->id, i))
			return dti_err_nomem(err);
		snprintf(f, sizeof f, "items[%zu].name", i);
		if ((st = check_text(it->name, f, err)))
			return st;
		if (!isnan(it->value) && !isfinite(it->value)) {
			snprintf(f, sizeof f, "items[%zu].value", i);
			return dti_err_set(err, DTI_EINVALID, NULL, 0, 0, f,
			                   "not a finite number");
		}
	}
	return DTI_OK;
}

struct sorted {
	double v;
	const char *id;
	const char *name;
};

static int by_value(const void *pa, const void *pb)
{
	const struct sorted *a = pa, *b = pb;
	if (a->v != b->v)
		return a->v < b->v ? -1 : 1;
	return strcmp(a->id, b->id);
}

/* The anchor that keeps a label centred on x inside [x0, x1]. */
static const char *anchor_in(double x, double x0, double x1, double half)
{
	return x - half < x0 ? "start" : x + half > x1 ? "end" : "middle";
}

/* "N units with a value: from A (a) to B (b)" into s->desc */
static void range_words(struct svg *s, size_t np, const struct sorted *lo,
                        const struct sorted *hi)
{
	struct dti_buf *d = &s->desc;
	dti_buf_addf(d, "%zu %s %s: %s ", np,
	             tr(&s[0], np == 1 ? W_UNIT : W_UNITS), tr(s, W_WITH_VALUE),
	             tr(s, W_FROM));
	put_value(s, d, lo->v);
	dti_buf_addf(d, " (%s) %s ", lo->name, tr(s, W_TO));
	put_value(s, d, hi->v);
	dti_buf_addf(d, " (%s)", hi->name);
}

static void missing_words(struct svg *s, struct dti_buf *b, size_t k)
{
	dti_buf_addf(b, "%zu %s", k,
	             tr(s, k == 1 ? W_NO_VALUE_UNIT : W_NO_VALUE_UNITS));
}

/* ---- distribution -------------------------------------------------------- */

#define HIST_FROM 400 /* units with a value beyond which bars replace dots */
#define HIST_BINS 20

enum dti_status dti_chart_distribution(const struct dti_chart_opts *o, size_t n,
                                       const struct dti_chart_item *items,
                                       const char *highlight,
                                       struct dti_buf *out,
                                       struct dti_error *err)
{
	struct svg s;
	struct dti_map ids = DTI_MAP_INIT;
	struct sorted *v = NULL;
	size_t *stack = NULL, *bins = NULL;
	size_t hl = (size_t)-1;
	enum dti_status st = svg_start(&s, o, out, err);
	if (!st)
		st = check_items(n, items, &ids, err);
	if (!st && highlight) {
		st = check_text(highlight, "highlight", err);
		if (!st && !dti_map_get(&ids, highlight, &hl))
			st = dti_err_set(err, DTI_ENOTFOUND, NULL, 0, 0,
			                 "highlight", "no item has the id '%s'",
			                 highlight);
	}
	size_t np = 0;
	if (!st) {
		v = malloc(n * sizeof *v);
		stack = calloc(n, sizeof *stack);
		if (!v || !stack)
			st = dti_err_nomem(err);
	}
	for (size_t i = 0; !st && i < n; i++)
		if (!isnan(items[i].value))
			v[np++] = (struct sorted){items[i].value, items[i].id,
			                          items[i].name ? items[i].name
			                                        : items[i].id};
	if (!st && !np)
		st = dti_err_set(err, DTI_EINVALID, NULL, 0, 0, "items",
		                 "every value is missing: nothing to draw");
	if (st)
		goto done;
	qsort(v, np, sizeof *v, by_value);
	struct scale sc = value_scale(&s, v[0].v, v[np - 1].v);
	double median =
	    np % 2 ? v[np / 2].v : (v[np / 2 - 1].v + v[np / 2].v) / 2;
	const struct dti_chart_item *hi_item = highlight ? &items[hl] : NULL;
	size_t missing = n - np;

	s.w = s.o.width ? s.o.width : 600;
	double x0 = 24, x1 = s.w - 24;
	double top = title_height(&s);
	double plot_top = top + (hi_item ? 18 : 0) + 22;
	double axis = 26, note = missing ? 18 : 0;
	double fixed = plot_top + axis + note + 4;
	double avail = s.o.height ? s.o.height - fixed : 240;
	if (avail < 24) {
		st = dti_err_set(err, DTI_EINVALID, NULL, 0, 0, "height",
		                 "%d px leaves no room for the values (at "
		                 "least %d)",
		                 s.o.height, (int)ceil(fixed + 24));
		goto done;
	}
	/* dots stacked where they would overlap, as small as 2 px */
	double r = 0;
	size_t maxstack = 0;
	for (double rr = 5; np <= HIST_FROM && rr >= 2; rr -= 1) {
		size_t nb = (size_t)((x1 - x0) / (2 * rr)) + 2;
		size_t *cnt = calloc(nb, sizeof *cnt);
		if (!cnt) {
			st = dti_err_nomem(err);
			goto done;
		}
		maxstack = 0;
		for (size_t i = 0; i < np; i++) {
			double x = scale_at(&sc, v[i].v, x0, x1);
			size_t b = (size_t)((x - x0) / (2 * rr));
			stack[i] = cnt[b]++;
			if (cnt[b] > maxstack)
				maxstack = cnt[b];
		}
		free(cnt);
		if ((double)maxstack * 2 * rr <= avail) {
			r = rr;
			break;
		}
	}
	double plot_h = r > 0 ? (double)maxstack * 2 * r + 2 : 160;
	if (s.o.height)
		plot_h = avail;
	s.h = s.o.height ? s.o.height : ceil(fixed + plot_h);
	double base = plot_top + plot_h;

	range_words(&s, np, &v[0], &v[np - 1]);
	dti_buf_addf(&s.desc, ", %s ", tr(&s, W_MEDIAN));
	put_value(&s, &s.desc, median);
	dti_buf_addc(&s.desc, '.');
	if (hi_item) {
		dti_buf_addf(&s.desc, " %s: ",
		             hi_item->name ? hi_item->name : hi_item->id);
		put_value(&s, &s.desc, hi_item->value);
		dti_buf_addc(&s.desc, '.');
	}
	if (missing) {
		dti_buf_addc(&s.desc, ' ');
		missing_words(&s, &s.desc, missing);
		dti_buf_addc(&s.desc, '.');
	}
	svg_begin(&s, tr(&s, W_T_DIST));

	double tk[16];
	size_t nt = ticks(&sc, 5, tk, 16);
	line(&s, x0, base, x1, base, MUTED, 1, NULL);
	for (size_t t = 0; t < nt; t++) {
		double x = scale_at(&sc, tk[t], x0, x1);
		line(&s, x, base, x, base + 4, MUTED, 1, NULL);
		put_tick(&s, &s.tip, tk[t]);
		text_buf(&s, x, base + 16, "middle", 10, MUTED, NULL, &s.tip,
		         0);
	}
	double hx = NAN, hy = NAN; /* the highlighted unit's mark */
	if (r > 0) {
		for (size_t i = 0; i < np; i++) {
			double x = scale_at(&sc, v[i].v, x0, x1);
			double y = base - r - (double)stack[i] * 2 * r;
			if (hi_item && strcmp(v[i].id, hi_item->id) == 0) {
				hx = x;
				hy = y;
				continue;
			}
			dti_buf_adds(&s.b, "<circle");
			attr(&s.b, "cx", x);
			attr(&s.b, "cy", y);
			attr(&s.b, "r", r * 0.9);
			dti_buf_addf(&s.b,
			             " fill=\"%s\" stroke=\"#0072B2\" "
			             "stroke-width=\"0.5\"",
			             DOT);
			dti_buf_addf(&s.tip, "%s: ", v[i].name);
			put_value(&s, &s.tip, v[i].v);
			tip_close(&s, "circle");
		}
	} else {
		bins = calloc(HIST_BINS, sizeof *bins);
		if (!bins) {
			st = dti_err_nomem(err);
			goto done;
		}
		double bw = (sc.hi - sc.lo) / HIST_BINS;
		size_t maxc = 1, hb = (size_t)-1;
		for (size_t i = 0; i < np; i++) {
			double f = (v[i].v - sc.lo) / bw;
			size_t b = f <= 0               ? 0
			           : f >= HIST_BINS - 1 ? HIST_BINS - 1
			                                : (size_t)f;
			if (++bins[b] > maxc)
				maxc = bins[b];
			if (hi_item && strcmp(v[i].id, hi_item->id) == 0)
				hb = b;
		}
		for (size_t b = 0; b < HIST_BINS; b++) {
			double a = sc.lo + bw * (double)b;
			double xa = scale_at(&sc, a, x0, x1);
			double xb = scale_at(&sc, a + bw, x0, x1);
			double h =
			    (plot_h - 14) * (double)bins[b] / (double)maxc;
			if (!bins[b])
				continue;
			rect_open(&s, xa + 0.5, base - h, xb - xa - 1, h,
			          b == hb ? HIGHLIGHT : DOT);
			put_value(&s, &s.tip, a);
			dti_buf_adds(&s.tip, " \xE2\x80\x93 ");
			put_value(&s, &s.tip, a + bw);
			dti_buf_addf(&s.tip, ": %zu %s", bins[b],
			             tr(&s, bins[b] == 1 ? W_UNIT : W_UNITS));
			tip_close(&s, "rect");
			if (xb - xa >= 14) {
				dti_buf_addf(&s.tip, "%zu", bins[b]);
				text_buf(&s, (xa + xb) / 2, base - h - 3,
				         "middle", 9, MUTED, NULL, &s.tip, 0);
			}
			if (b == hb) {
				hx = scale_at(&sc, hi_item->value, x0, x1);
				hy = base - h - 12;
			}
		}
	}
	/* the median, then the highlighted unit on top of everything */
	double xm = scale_at(&sc, median, x0, x1);
	line(&s, xm, plot_top - 4, xm, base, MUTED, 1, "4 3");
	dti_buf_addf(&s.tip, "%s ", tr(&s, W_MEDIAN));
	put_value(&s, &s.tip, median);
	text_buf(&s, xm, plot_top - 8, anchor_in(xm, x0, x1, 50), 10, MUTED,
	         NULL, &s.tip, 0);
	if (hi_item) {
		const char *name = hi_item->name ? hi_item->name : hi_item->id;
		double ly = top + 14;
		dti_buf_addf(&s.tip, "%s: ", name);
		put_value(&s, &s.tip, hi_item->value);
		if (isnan(hx)) {
			text_buf(&s, x0, ly, NULL, 11, INK,
			         " font-weight=\"bold\"", &s.tip, x1 - x0);
		} else {
			double half = text_width(s.tip.data ? s.tip.data : "",
			                         s.tip.len, 11) /
			              2;
			text_buf(&s, hx, ly, anchor_in(hx, x0, x1, half), 11,
			         INK, " font-weight=\"bold\"", &s.tip, x1 - x0);
			line(&s, hx, ly + 4, hx, hy - (r > 0 ? r + 2 : 0),
			     HIGHLIGHT, 1.5, NULL);
			if (r > 0) {
				dti_buf_addf(&s.tip, "%s: ", name);
				put_value(&s, &s.tip, hi_item->value);
				dti_buf_adds(&s.b, "<circle");
				attr(&s.b, "cx", hx);
				attr(&s.b, "cy", hy);
				attr(&s.b, "r", r + 1.5);
				dti_buf_addf(&s.b,
				             " fill=\"%s\" stroke=\"%s\" "
				             "stroke-width=\"1\"",
				             HIGHLIGHT, INK);
				tip_close(&s, "circle");
			}
		}
	}
	if (missing) {
		missing_words(&s, &s.tip, missing);
		text_buf(&s, x0, s.h - 8, NULL, 10, MUTED,
		         " font-style=\"italic\"", &s.tip, x1 - x0);
	}
	svg_end(&s);
done:
	free(v);
	free(stack);
	free(bins);
	dti_map_release(&ids);
	if (st) {
		svg_release(&s);
		return st;
	}
	return svg_finish(&s, out, err);
}

/* ---- tile layouts -------------------------------------------------------- */

/* A parsed layout: the public struct first, then what owns its memory. */
struct layout_own {
	struct dti_tile_layout pub;
	struct dti_tile *tiles;
	struct dti_arena arena;
};

void dti_tile_layout_free(struct dti_tile_layout *l)
{
	if (!l)
		return;
	struct layout_own *own = (struct layout_own *)l;
	free(own->tiles);
	dti_arena_release(&own->arena);
	free(own);
}

enum { TC_ID, TC_ROW, TC_COL, TC_LABEL, TC_NAME, TC_N };
static const char *const tile_cols[TC_N] = {"id", "row", "col", "label",
                                            "name"};

#define LABEL_MAX 8 /* characters of a tile's label */

static size_t glyphs(const char *s)
{
	size_t n = strlen(s), g = 0;
	for (size_t i = 0; i < n;) {
		size_t k = seq_len(s, i, n);
		if (!is_combining((const unsigned char *)s + i, k))
			g++;
		i += k;
	}
	return g;
}

/* A row or column number 0..MAX_GRID-1, or -1. */
static int grid_number(const char *s)
{
	long v;
	if (dti_parse_long(s, &v) || v < 0 || v >= MAX_GRID)
		return -1;
	return (int)v;
}

enum dti_status dti_tile_layout_parse(const char *buf, size_t len,
                                      const char *name,
                                      struct dti_tile_layout **out,
                                      struct dti_error *err)
{
	if (!out || (!buf && len))
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, NULL,
		                   "dti_tile_layout_parse: no buffer or no "
		                   "result");
	*out = NULL;
	if (!name)
		name = "<tiles>";
	struct layout_own *own = calloc(1, sizeof *own);
	uint32_t *cell = calloc((size_t)MAX_GRID * MAX_GRID, sizeof *cell);
	unsigned long *lines = NULL;
	struct dti_map ids = DTI_MAP_INIT;
	struct dti_csv c;
	memset(&c, 0, sizeof c);
	size_t cap = 0, ncap = 0, n = 0, faults = 0;
	size_t col[TC_N] = {0}; /* 1-based; 0: absent */
	enum dti_status st = DTI_OK;
	if (!own || !cell) {
		st = dti_err_nomem(err);
		goto done;
	}
	struct dti_arena *a = &own->arena;
	st = dti_csv_open(&c, buf ? buf : "", len, name, 0, err);
	if (st)
		goto done;
	st = dti_csv_next_nonblank(&c, err);
	if (st == DTI_ENOTFOUND) {
		st = dti_err_set(err, DTI_EINVALID, name, 0, 0, NULL,
		                 "empty tile layout: no header line (expected "
		                 "columns id, row, col, label, name)");
		goto done;
	}
	if (st)
		goto done;
	for (size_t j = 0; j < c.nfields; j++) {
		const char *h = dti_trim(c.fields[j]);
		for (int k = 0; k < TC_N; k++) {
			if (!dti_streq_ci(h, tile_cols[k]))
				continue;
			if (col[k]) {
				dti_err_add(err, DTI_EINVALID, name, c.line,
				            j + 1, h,
				            "column '%s' repeats column %zu", h,
				            col[k]);
				faults++;
			} else {
				col[k] = j + 1;
			}
		}
	}
	for (int k = 0; k < TC_NAME; k++)
		if (!col[k]) {
			dti_err_add(err, DTI_EINVALID, name, c.line, 0, NULL,
			            "missing required column '%s'",
			            tile_cols[k]);
			faults++;
		}
	/* without every column each row would only repeat that */
	size_t header_faults = faults;
	while (!header_faults &&
	       (st = dti_csv_next_nonblank(&c, err)) == DTI_OK) {
		const char *f[TC_N];
		for (int k = 0; k < TC_N; k++)
			f[k] = col[k] && col[k] <= c.nfields
			           ? dti_trim(c.fields[col[k] - 1])
			           : "";
		unsigned long ln = c.line;
		int row = grid_number(f[TC_ROW]), cl = grid_number(f[TC_COL]);
		int bad = 0;
		if (!*f[TC_ID]) {
			dti_err_add(err, DTI_EINVALID, name, ln, col[TC_ID],
			            "id", "no id");
			bad = 1;
		}
		if (row < 0) {
			dti_err_add(err, DTI_EINVALID, name, ln, col[TC_ROW],
			            "row",
			            "'%s': expected a whole number 0..%d",
			            f[TC_ROW], MAX_GRID - 1);
			bad = 1;
		}
		if (cl < 0) {
			dti_err_add(err, DTI_EINVALID, name, ln, col[TC_COL],
			            "col",
			            "'%s': expected a whole number 0..%d",
			            f[TC_COL], MAX_GRID - 1);
			bad = 1;
		}
		if (!*f[TC_LABEL] || glyphs(f[TC_LABEL]) > LABEL_MAX) {
			dti_err_add(err, DTI_EINVALID, name, ln, col[TC_LABEL],
			            "label", "'%s': expected 1..%d characters",
			            f[TC_LABEL], LABEL_MAX);
			bad = 1;
		}
		size_t prev;
		if (*f[TC_ID] && dti_map_get(&ids, f[TC_ID], &prev)) {
			dti_err_add(err, DTI_EINVALID, name, ln, col[TC_ID],
			            "id", "'%s' repeats line %lu", f[TC_ID],
			            lines[prev]);
			bad = 1;
		}
		if (row >= 0 && cl >= 0 && cell[row * MAX_GRID + cl]) {
			size_t o = cell[row * MAX_GRID + cl] - 1;
			dti_err_add(err, DTI_EINVALID, name, ln, col[TC_COL],
			            "col",
			            "row %d, col %d is already the tile of "
			            "'%s' (line %lu)",
			            row, cl, own->tiles[o].id, lines[o]);
			bad = 1;
		}
		if (bad) {
			faults++;
			continue;
		}
		if (DTI_GROW(own->tiles, cap, n + 1) ||
		    DTI_GROW(lines, ncap, n + 1)) {
			st = dti_err_nomem(err);
			goto done;
		}
		struct dti_tile *t = &own->tiles[n];
		t->id = dti_arena_strdup(a, f[TC_ID]);
		t->label = dti_arena_strdup(a, f[TC_LABEL]);
		t->name = dti_arena_strdup(a, f[TC_NAME]);
		t->row = row;
		t->col = cl;
		lines[n] = ln;
		if (!t->id || !t->label || !t->name ||
		    dti_map_put(&ids, t->id, n)) {
			st = dti_err_nomem(err);
			goto done;
		}
		cell[row * MAX_GRID + cl] = (uint32_t)(n + 1);
		n++;
		if (n > (size_t)DTI_CHART_MAX_ITEMS) {
			st = dti_err_set(err, DTI_ELIMIT, name, ln, 0, NULL,
			                 "more than %d tiles",
			                 DTI_CHART_MAX_ITEMS);
			goto done;
		}
	}
	if (st != DTI_OK && st != DTI_ENOTFOUND)
		goto done;
	st = DTI_OK;
	if (!faults && !n) {
		dti_err_add(err, DTI_EINVALID, name, 0, 0, NULL,
		            "tile layout has a header but no tile");
		faults++;
	}
	const char *date = dti_csv_meta(&c, "date");
	if (date && *date && !dti_date_valid(date)) {
		dti_err_add(err, DTI_EINVALID, name, 0, 0, "date",
		            "'%s': expected YYYY-MM-DD, a day that exists",
		            date);
		faults++;
	}
	if (faults) {
		st = err && err->code ? err->code : DTI_EINVALID;
		goto done;
	}
	const char *lname = dti_csv_meta(&c, "layout");
	const char *tvi = dti_csv_meta(&c, "title_vi");
	const char *ten = dti_csv_meta(&c, "title_en");
	own->pub.name = dti_arena_strdup(a, lname && *lname ? lname : name);
	own->pub.title_vi = dti_arena_strdup(a, tvi ? tvi : "");
	own->pub.title_en = dti_arena_strdup(a, ten ? ten : "");
	own->pub.date = dti_arena_strdup(a, date ? date : "");
	own->pub.ntiles = n;
	own->pub.tiles = own->tiles;
	if (!own->pub.name || !own->pub.title_vi || !own->pub.title_en ||
	    !own->pub.date)
		st = dti_err_nomem(err);
done:
	dti_csv_close(&c);
	dti_map_release(&ids);
	free(cell);
	free(lines);
	if (st) {
		if (own)
			dti_tile_layout_free(&own->pub);
		return st;
	}
	*out = &own->pub;
	return DTI_OK;
}

/* ---- tile map ------------------------------------------------------------ */

/* A caller's layout: every tile with an id and a label, ids and cells
   once each; *ids gets the tiles by id. */
static enum dti_status check_layout(const struct dti_tile_layout *l,
                                    struct dti_map *ids, int *rows, int *cols,
                                    struct dti_error *err)
{
	char f[64];
	enum dti_status st = DTI_OK;
	if (!l)
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, "layout",
		                   "no tile layout");
	if (l->ntiles == 0 || l->ntiles > (size_t)DTI_CHART_MAX_ITEMS)
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, "layout.ntiles",
		                   "%zu tiles: expected 1..%d", l->ntiles,
		                   DTI_CHART_MAX_ITEMS);
	if (!l->tiles)
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, "layout.tiles",
		                   "no tiles");
	if ((st = check_text(l->name, "layout.name", err)) ||
	    (st = check_text(l->title_vi, "layout.title_vi", err)) ||
	    (st = check_text(l->title_en, "layout.title_en", err)))
		return st;
	uint32_t *cell = calloc((size_t)MAX_GRID * MAX_GRID, sizeof *cell);
	if (!cell)
		return dti_err_nomem(err);
	*rows = *cols = 0;
	for (size_t i = 0; !st && i < l->ntiles; i++) {
		const struct dti_tile *t = &l->tiles[i];
		snprintf(f, sizeof f, "layout.tiles[%zu]", i);
		size_t j;
		if (!t->id || !*t->id || !t->label)
			st = dti_err_set(err, DTI_EARG, NULL, 0, 0, f,
			                 "a tile needs an id and a label");
		else if ((st = check_text(t->id, f, err)) ||
		         (st = check_text(t->label, f, err)) ||
		         (st = check_text(t->name, f, err)))
			;
		else if (t->row < 0 || t->row >= MAX_GRID || t->col < 0 ||
		         t->col >= MAX_GRID)
			st = dti_err_set(err, DTI_EINVALID, NULL, 0, 0, f,
			                 "row %d, col %d: expected 0..%d each",
			                 t->row, t->col, MAX_GRID - 1);
		else if (dti_map_get(ids, t->id, &j))
			st = dti_err_set(err, DTI_EINVALID, NULL, 0, 0, f,
			                 "id '%s' is already tiles[%zu]", t->id,
			                 j);
		else if (cell[t->row * MAX_GRID + t->col])
			st = dti_err_set(err, DTI_EINVALID, NULL, 0, 0, f,
			                 "row %d, col %d is already tiles[%u]",
			                 t->row, t->col,
			                 cell[t->row * MAX_GRID + t->col] - 1);
		else if (dti_map_put(ids, t->id, i))
			st = dti_err_nomem(err);
		if (st)
			break;
		cell[t->row * MAX_GRID + t->col] = (uint32_t)(i + 1);
		if (t->row + 1 > *rows)
			*rows = t->row + 1;
		if (t->col + 1 > *cols)
			*cols = t->col + 1;
	}
	free(cell);
	return st;
}

/* ' id="PREFIX-tile-ID"', the id's bytes other than [A-Za-z0-9-] as _XX */
static void tile_id(struct svg *s, const char *id)
{
	struct dti_buf *b = &s->b;
	dti_buf_addf(b, " id=\"%s-tile-", s->o.id_prefix);
	for (const unsigned char *p = (const unsigned char *)id; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-')
			dti_buf_addc(b, (char)*p);
		else
			dti_buf_addf(b, "_%02X", (unsigned)*p);
	}
	dti_buf_addc(b, '"');
}

enum dti_status dti_chart_tilemap(const struct dti_chart_opts *o,
                                  const struct dti_tile_layout *layout,
                                  size_t n, const struct dti_chart_item *items,
                                  const char *highlight, struct dti_buf *out,
                                  struct dti_error *err)
{
	struct svg s;
	struct dti_map tiles = DTI_MAP_INIT, ids = DTI_MAP_INIT;
	double *tv = NULL;
	const char **tname = NULL;
	struct dti_buf lab[NCLASS + 1];
	for (int k = 0; k <= NCLASS; k++)
		dti_buf_init(&lab[k], 0);
	int rows = 0, cols = 0;
	size_t hl = (size_t)-1;
	enum dti_status st = svg_start(&s, o, out, err);
	if (!st)
		st = check_layout(layout, &tiles, &rows, &cols, err);
	if (!st)
		st = check_items(n, items, &ids, err);
	size_t nt = st ? 0 : layout->ntiles;
	if (!st) {
		tv = malloc(nt * sizeof *tv);
		tname = malloc(nt * sizeof *tname);
		if (!tv || !tname)
			st = dti_err_nomem(err);
	}
	for (size_t t = 0; !st && t < nt; t++) {
		const struct dti_tile *tile = &layout->tiles[t];
		tv[t] = NAN;
		tname[t] = tile->name && *tile->name ? tile->name : tile->id;
	}
	for (size_t i = 0; !st && i < n; i++) {
		size_t t;
		if (!dti_map_get(&tiles, items[i].id, &t)) {
			char f[64];
			snprintf(f, sizeof f, "items[%zu].id", i);
			st = dti_err_set(err, DTI_ENOTFOUND, NULL, 0, 0, f,
			                 "'%s' has no tile in layout '%s'",
			                 items[i].id,
			                 layout->name ? layout->name : "");
			break;
		}
		tv[t] = items[i].value;
		if (items[i].name && *items[i].name)
			tname[t] = items[i].name;
	}
	if (!st && highlight) {
		st = check_text(highlight, "highlight", err);
		if (!st && !dti_map_get(&tiles, highlight, &hl))
			st = dti_err_set(
			    err, DTI_ENOTFOUND, NULL, 0, 0, "highlight",
			    "'%s' has no tile in layout '%s'", highlight,
			    layout->name ? layout->name : "");
	}
	size_t np = 0, ilo = 0, ihi = 0;
	for (size_t t = 0; !st && t < nt; t++) {
		if (isnan(tv[t]))
			continue;
		/* ties: the first tile in layout order */
		if (!np || tv[t] < tv[ilo])
			ilo = t;
		if (!np || tv[t] > tv[ihi])
			ihi = t;
		np++;
	}
	if (!st && !np)
		st = dti_err_set(err, DTI_EINVALID, NULL, 0, 0, "items",
		                 "every value is missing: nothing to draw");
	if (st)
		goto done;

	/* five classes of equal width; one when every value is the same */
	double lo = tv[ilo], hi = tv[ihi];
	if (s.o.scale_min < s.o.scale_max) {
		lo = s.o.scale_min;
		hi = s.o.scale_max;
	}
	int nclass = hi > lo ? NCLASS : 1;
	size_t missing = nt - np;
	double legend_w =
	    text_width(tr(&s, W_VALUE_AXIS), strlen(tr(&s, W_VALUE_AXIS)), 11);
	for (int k = 0; k < nclass; k++) {
		double a = lo + (hi - lo) * k / NCLASS;
		double b = lo + (hi - lo) * (k + 1) / NCLASS;
		put_value(&s, &lab[k], a);
		if (nclass > 1) {
			dti_buf_adds(&lab[k], " \xE2\x80\x93 ");
			put_value(&s, &lab[k], b);
		}
	}
	dti_buf_adds(&lab[NCLASS], tr(&s, W_NO_VALUE));
	for (int k = 0; k <= NCLASS; k++) {
		if (dti_buf_status(&lab[k])) {
			st = dti_err_nomem(err);
			goto done;
		}
		double w =
		    text_width(lab[k].data ? lab[k].data : "", lab[k].len, 11) +
		    20;
		if ((k < nclass || (k == NCLASS && missing)) && w > legend_w)
			legend_w = w;
	}
	size_t nleg = (size_t)nclass + (missing ? 1 : 0);
	double legend_h = 20 + 20 * (double)nleg;

	s.w = s.o.width ? s.o.width : 380;
	double top = title_height(&s);
	double tile = floor((s.w - 24 - 16 - legend_w) / cols);
	if (s.o.height) {
		double by_h = floor((s.o.height - top - 12) / rows);
		if (by_h < tile)
			tile = by_h;
	}
	if (tile < 12) {
		int by_h =
		    s.o.height && floor((s.o.height - top - 12) / rows) < 12;
		st = by_h ? dti_err_set(err, DTI_EINVALID, NULL, 0, 0, "height",
		                        "%d px leaves no room for %d rows of "
		                        "tiles (at least %d)",
		                        s.o.height, rows,
		                        (int)ceil(top + 12 + 12.0 * rows))
		          : dti_err_set(err, DTI_EINVALID, NULL, 0, 0, "width",
		                        "%d px is too narrow for %d columns of "
		                        "tiles and the legend (at least %d)",
		                        s.o.width, cols,
		                        (int)ceil(40 + legend_w + 12.0 * cols));
		goto done;
	}
	double grid_h = tile * rows;
	s.h = s.o.height
	          ? s.o.height
	          : ceil(top + (grid_h > legend_h ? grid_h : legend_h) + 12);

	/* the text alternative */
	{
		const char *title = s.vi ? layout->title_vi : layout->title_en;
		if (title && *title)
			dti_buf_addf(&s.desc, "%s. ", title);
		struct sorted a = {tv[ilo], layout->tiles[ilo].id, tname[ilo]};
		struct sorted b = {tv[ihi], layout->tiles[ihi].id, tname[ihi]};
		range_words(&s, np, &a, &b);
		dti_buf_addc(&s.desc, '.');
		if (missing) {
			dti_buf_addc(&s.desc, ' ');
			missing_words(&s, &s.desc, missing);
			dti_buf_addc(&s.desc, '.');
		}
		if (highlight) {
			dti_buf_addf(&s.desc, " %s: ", tname[hl]);
			put_value(&s, &s.desc, tv[hl]);
			dti_buf_addc(&s.desc, '.');
		}
	}
	const char *deft = s.vi ? layout->title_vi : layout->title_en;
	svg_begin(&s, deft && *deft ? deft : tr(&s, W_T_MAP));
	if (missing) {
		dti_buf_adds(&s.b, "<defs><pattern");
		id_attr(&s, "hatch");
		dti_buf_addf(&s.b,
		             " width=\"6\" height=\"6\" "
		             "patternUnits=\"userSpaceOnUse\" "
		             "patternTransform=\"rotate(45)\">"
		             "<rect width=\"6\" height=\"6\" fill=\"#f2f2f2\"/>"
		             "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" "
		             "stroke=\"%s\" stroke-width=\"2\"/>"
		             "</pattern></defs>\n",
		             "#8c8c8c");
	}
	char hatch[DTI_CHART_PREFIX_MAX + 16];
	snprintf(hatch, sizeof hatch, "url(#%s-hatch)", s.o.id_prefix);
	double gx = 12, gy = top, g = tile >= 20 ? 2 : 1;
	double fs = floor(tile * 0.34);
	fs = fs < 7 ? 7 : fs > 14 ? 14 : fs;
	for (size_t t = 0; t < nt; t++) {
		const struct dti_tile *tl = &layout->tiles[t];
		double x = gx + tl->col * tile, y = gy + tl->row * tile;
		int k = -1;
		if (!isnan(tv[t])) {
			k = nclass == 1
			        ? NCLASS / 2
			        : (int)floor((tv[t] - lo) / (hi - lo) * NCLASS);
			k = k < 0 ? 0 : k >= NCLASS ? NCLASS - 1 : k;
		}
		dti_buf_adds(&s.b, "<g");
		tile_id(&s, tl->id);
		dti_buf_adds(&s.b, "><title>");
		xmls(&s.b, tname[t]);
		dti_buf_adds(&s.b, ": ");
		put_value(&s, &s.b, tv[t]);
		dti_buf_adds(&s.b, "</title>");
		rect_open(&s, x + g / 2, y + g / 2, tile - g, tile - g,
		          k < 0 ? hatch : ramp[k]);
		if (k < 0)
			dti_buf_adds(&s.b, " stroke=\"#8c8c8c\"");
		dti_buf_adds(&s.b, "/>");
		double lfs = fs,
		       lw = text_width(tl->label, strlen(tl->label), fs);
		if (lw > tile - 4)
			lfs = floor(fs * (tile - 4) / lw);
		text(&s, x + tile / 2, y + tile / 2 + lfs * 0.35, "middle",
		     lfs < 6 ? 6 : lfs, k < 0 ? INK : ramp_ink[k], NULL,
		     tl->label, 0);
		dti_buf_adds(&s.b, "</g>\n");
	}
	if (highlight) {
		const struct dti_tile *tl = &layout->tiles[hl];
		dti_buf_adds(&s.b, "<rect");
		attr(&s.b, "x", gx + tl->col * tile + 1);
		attr(&s.b, "y", gy + tl->row * tile + 1);
		attr(&s.b, "width", tile - 2);
		attr(&s.b, "height", tile - 2);
		dti_buf_addf(
		    &s.b, " fill=\"none\" stroke=\"%s\" stroke-width=\"3\"/>\n",
		    HIGHLIGHT);
	}
	/* the legend, right of the grid */
	double lx = gx + cols * tile + 16, ly = top + 4;
	text(&s, lx, ly + 10, NULL, 11, INK, " font-weight=\"bold\"",
	     tr(&s, W_VALUE_AXIS), 0);
	for (size_t e = 0; e < nleg; e++) {
		int k = e < (size_t)nclass
		            ? (nclass == 1 ? NCLASS / 2 : (int)(nclass - 1 - e))
		            : -1;
		int li = k < 0 ? NCLASS : nclass == 1 ? 0 : k;
		double y = ly + 20 + 20 * (double)e;
		rect_open(&s, lx, y, 14, 14, k < 0 ? hatch : ramp[k]);
		dti_buf_adds(&s.b, k < 0 ? " stroke=\"#8c8c8c\"/>\n" : "/>\n");
		text(&s, lx + 20, y + 11, NULL, 11, INK, NULL, lab[li].data, 0);
	}
	svg_end(&s);
done:
	for (int k = 0; k <= NCLASS; k++)
		dti_buf_release(&lab[k]);
	free(tv);
	free(tname);
	dti_map_release(&tiles);
	dti_map_release(&ids);
	if (st) {
		svg_release(&s);
		return st;
	}
	return svg_finish(&s, out, err);
}

/* ==== charts of the analyses ============================================== */

/*
 * Rank intervals (dti_uncertainty), Sobol indices (dti_sensitivity), a
 * correlation heatmap and box plots, drawn with the helpers above so that
 * they look like the other charts: the same fonts, ink, grid, legend and
 * text alternative.  Their words are in a table of their own.
 */

enum aword {
	A_T_RANKS,
	A_T_SOBOL,
	A_T_HEATMAP,
	A_T_BOX,
	A_INTERVAL,
	A_MEDIAN_RANK,
	A_NOMINAL,
	A_RUNS,
	A_BEST,
	A_WORST,
	A_FIRST,
	A_TOTAL,
	A_FIRST_SHORT,
	A_TOTAL_SHORT,
	A_CI,
	A_NO_BOOT,
	A_OUTPUT,
	A_CORR,
	A_IN_WEIGHTS,
	A_IN_AGG,
	A_IN_LOO,
	A_VALUES_N,
	A_OUTLIER,
	A_OUTLIERS,
	A_QUARTILES,
	A_MIN,
	A_MAX,
	A_BOX_KEY,
	A_ALL_SAME,
	A_UNDEFINED
};

static const char *const awords[][2] = {
    [A_T_RANKS] = {"Ranks under uncertainty",
                   "Thứ hạng khi các lựa chọn thay đổi"},
    [A_T_SOBOL] = {"Sensitivity of the ranking", "Độ nhạy của xếp hạng"},
    [A_T_HEATMAP] = {"Correlations", "Tương quan"},
    [A_T_BOX] = {"Distribution of the figures", "Phân bố số liệu"},
    [A_INTERVAL] = {"5\xE2\x80\x93"
                    "95 % of the ranks",
                    "5\xE2\x80\x93"
                    "95 % thứ hạng"},
    [A_MEDIAN_RANK] = {"median rank", "hạng trung vị"},
    [A_NOMINAL] = {"nominal rank", "hạng gốc"},
    [A_RUNS] = {"runs", "lần tính"},
    [A_BEST] = {"best", "cao nhất"},
    [A_WORST] = {"worst", "thấp nhất"},
    [A_FIRST] = {"First-order index", "Chỉ số bậc một"},
    [A_TOTAL] = {"Total index", "Chỉ số tổng"},
    [A_FIRST_SHORT] = {"first-order", "bậc một"},
    [A_TOTAL_SHORT] = {"total", "tổng"},
    [A_CI] = {"Whiskers: 5\xE2\x80\x93"
              "95 % bootstrap interval",
              "Râu: khoảng bootstrap 5\xE2\x80\x93"
              "95 %"},
    [A_NO_BOOT] = {"No bootstrap: no interval",
                   "Không bootstrap: không có khoảng tin cậy"},
    [A_OUTPUT] = {"Output: the units' mean absolute rank shift",
                  "Đầu ra: độ lệch hạng tuyệt đối trung bình của các "
                  "đơn vị"},
    [A_CORR] = {"Correlation", "Hệ số tương quan"},
    [A_IN_WEIGHTS] = {"Weights", "Trọng số"},
    [A_IN_AGG] = {"Aggregation", "Phép tổng hợp"},
    [A_IN_LOO] = {"One indicator left out", "Bỏ một chỉ số"},
    [A_VALUES_N] = {"values", "giá trị"},
    [A_OUTLIER] = {"outlier", "giá trị ngoại lai"},
    [A_OUTLIERS] = {"outliers", "giá trị ngoại lai"},
    [A_QUARTILES] = {"quartiles", "tứ phân vị"},
    [A_MIN] = {"min", "nhỏ nhất"},
    [A_MAX] = {"max", "lớn nhất"},
    [A_BOX_KEY] = {"Box: first to third quartile; line: median; whiskers: "
                   "to 1.5 times the box; orange dots: outliers",
                   "Hộp: từ tứ phân vị thứ nhất đến thứ ba; vạch: trung "
                   "vị; râu: đến 1,5 lần chiều dài hộp; chấm cam: giá trị "
                   "ngoại lai"},
    [A_ALL_SAME] = {"every value the same", "mọi giá trị như nhau"},
    [A_UNDEFINED] = {"undefined", "không xác định"},
};

static const char *atr(const struct svg *s, enum aword w)
{
	return awords[w][s->vi];
}

/* v with at most d decimals, no trailing zeros, the language's mark. */
static void put_trimmed(const struct svg *s, struct dti_buf *b, double v, int d)
{
	size_t at = b->len;
	dti_buf_add_trimmed(b, v, d);
	if (dti_buf_status(b) == DTI_OK)
		for (size_t i = at; i < b->len; i++)
			if (b->data[i] == '.')
				b->data[i] = s->mark;
}

/* v with four significant digits (more left of the mark, no exponent). */
static void put_sig(const struct svg *s, struct dti_buf *b, double v)
{
	if (isnan(v)) {
		dti_buf_adds(b, tr(s, W_NO_VALUE));
		return;
	}
	int d = 0;
	if (v != 0)
		d = 3 - (int)floor(log10(fabs(v)));
	put_trimmed(s, b, v, d < 0 ? 0 : d > 10 ? 10 : d);
}

/* The name of node k in the chart's language, else the other, else its
   code. */
static const char *node_name(const struct svg *s,
                             const struct dti_framework *fw, size_t k)
{
	struct dti_node_info ni;
	dti_framework_node(fw, k, &ni);
	const char *a = s->vi ? ni.name_vi : ni.name_en;
	const char *b = s->vi ? ni.name_en : ni.name_vi;
	return a && *a ? a : b && *b ? b : ni.code;
}

/* "<title>" + text + "</title>" */
static void title_el(struct svg *s, struct dti_buf *tmp)
{
	dti_buf_adds(&s->b, "<title>");
	xml(&s->b, tmp->data ? tmp->data : "", tmp->len);
	dti_buf_adds(&s->b, "</title>");
	scratch_reset(s, tmp);
}

/* ---- rank intervals ------------------------------------------------------ */

#define RANK_ROW 18

enum dti_status dti_chart_ranks(const struct dti_chart_opts *o,
                                const struct dti_ua_result *r,
                                struct dti_buf *out, struct dti_error *err)
{
	struct svg s;
	const char **names = NULL;
	char f[48];
	enum dti_status st = svg_start(&s, o, out, err);
	if (!st && !r)
		st = dti_err_set(err, DTI_EARG, NULL, 0, 0, "r",
		                 "no uncertainty analysis");
	if (!st && (!r->ds || !r->units || r->n == 0))
		st = dti_err_set(err, DTI_EARG, NULL, 0, 0, "n",
		                 "no units to draw");
	if (!st && !(names = malloc(r->n * sizeof *names)))
		st = dti_err_nomem(err);
	double worst = 2;
	size_t nunits = st ? 0 : dti_dataset_unit_count(r->ds);
	for (size_t i = 0; !st && i < r->n; i++) {
		const struct dti_ua_unit *u = &r->units[i];
		snprintf(f, sizeof f, "units[%zu]", i);
		if (u->unit >= nunits) {
			st = dti_err_set(err, DTI_EARG, NULL, 0, 0, f,
			                 "unit %zu: the data have %zu", u->unit,
			                 nunits);
			break;
		}
		struct dti_dataset_unit du;
		dti_dataset_unit(r->ds, u->unit, &du);
		names[i] = du.name && *du.name ? du.name : du.id;
		if ((st = check_text(names[i], f, err)))
			break;
		int ranked = !isnan(u->median);
		if (u->nominal < 0 ||
		    (ranked &&
		     !(isfinite(u->p5) && isfinite(u->p95) && u->p5 >= 1 &&
		       u->p5 <= u->median && u->median <= u->p95))) {
			st = dti_err_set(err, DTI_EINVALID, NULL, 0, 0, f,
			                 "ranks out of order (nominal %d, 5 %% "
			                 "%g, median %g, 95 %% %g)",
			                 u->nominal, u->p5, u->median, u->p95);
			break;
		}
		double w = ranked ? u->p95 : 0;
		if (ranked && u->worst > w)
			w = u->worst;
		if (u->nominal > w)
			w = u->nominal;
		if (w > worst)
			worst = w;
	}
	if (st)
		goto done;

	const struct dti_framework *fw = dti_dataset_framework(r->ds);
	s.w = s.o.width ? s.o.width : 640;
	double top = title_height(&s);
	double legend_y = top + 12, py0 = top + 22 + 18;
	double label_w = 0;
	for (size_t i = 0; i < r->n; i++) {
		double t = text_width(names[i], strlen(names[i]), 12);
		if (t > label_w)
			label_w = t;
	}
	if (label_w > 0.35 * s.w)
		label_w = 0.35 * s.w;
	label_w += 10;
	double x0 = 12 + label_w, x1 = s.w - 20;
	if (x1 - x0 < 60) {
		st = dti_err_set(err, DTI_EINVALID, NULL, 0, 0, "width",
		                 "%d px is too narrow for these names and "
		                 "ranks (at least %d)",
		                 s.o.width, (int)ceil(s.w - (x1 - x0) + 60));
		goto done;
	}
	double chrome = py0 + 16 + 18 + 8, row = RANK_ROW;
	if (s.o.height) {
		row = (s.o.height - chrome) / (double)r->n;
		if (row > 2 * RANK_ROW)
			row = 2 * RANK_ROW;
		if (row < 8) {
			st =
			    dti_err_set(err, DTI_EINVALID, NULL, 0, 0, "height",
			                "%d px leaves no room for %zu rows "
			                "(at least %d)",
			                s.o.height, r->n,
			                (int)ceil(chrome + 8.0 * (double)r->n));
			goto done;
		}
		s.h = s.o.height;
	} else {
		s.h = ceil(chrome + row * (double)r->n);
		if (s.h > DTI_CHART_MAX_SIZE) {
			st = dti_err_set(
			    err, DTI_ELIMIT, NULL, 0, 0, "n",
			    "%zu units make a chart taller than %d px: "
			    "draw at most %d",
			    r->n, DTI_CHART_MAX_SIZE,
			    (int)floor((DTI_CHART_MAX_SIZE - chrome) / row));
			goto done;
		}
	}
	double py1 = py0 + row * (double)r->n;
	struct scale sc = {1, ceil(worst)};

	/* the text alternative: every unit */
	dti_buf_addf(
	    &s.desc, "%s: %zu %s, %zu %s; ", node_name(&s, fw, r->node), r->n,
	    tr(&s, r->n == 1 ? W_UNIT : W_UNITS), r->runs, atr(&s, A_RUNS));
	dti_buf_addf(&s.desc, "%s (%s, %s).", atr(&s, A_NOMINAL),
	             atr(&s, A_MEDIAN_RANK), atr(&s, A_INTERVAL));
	for (size_t i = 0; i < r->n; i++) {
		const struct dti_ua_unit *u = &r->units[i];
		dti_buf_addf(&s.desc, " %s: ", names[i]);
		if (u->nominal > 0)
			dti_buf_addf(&s.desc, "%d", u->nominal);
		else
			dti_buf_adds(&s.desc, tr(&s, W_NOT_RANKED));
		if (!isnan(u->median)) {
			dti_buf_adds(&s.desc, " (");
			put_trimmed(&s, &s.desc, u->median, 1);
			dti_buf_adds(&s.desc, ", ");
			put_trimmed(&s, &s.desc, u->p5, 1);
			dti_buf_adds(&s.desc, "\xE2\x80\x93");
			put_trimmed(&s, &s.desc, u->p95, 1);
			dti_buf_addc(&s.desc, ')');
		}
		dti_buf_addc(&s.desc, i + 1 < r->n ? ';' : '.');
	}
	char title[512];
	snprintf(title, sizeof title, "%s: %s", atr(&s, A_T_RANKS),
	         node_name(&s, fw, r->node));
	svg_begin(&s, title);

	/* the legend: interval, median, nominal rank */
	{
		double lx = 12, ly = legend_y;
		dti_buf_adds(&s.b, "<line");
		attr(&s.b, "x1", lx);
		attr(&s.b, "y1", ly - 4);
		attr(&s.b, "x2", lx + 22);
		attr(&s.b, "y2", ly - 4);
		dti_buf_addf(&s.b,
		             " stroke=\"%s\" stroke-width=\"3\" "
		             "stroke-linecap=\"round\"/>\n",
		             series_colour[0]);
		text(&s, lx + 28, ly, NULL, 11, INK, NULL, atr(&s, A_INTERVAL),
		     0);
		lx += 28 +
		      text_width(atr(&s, A_INTERVAL),
		                 strlen(atr(&s, A_INTERVAL)), 11) +
		      18;
		marker(&s, 0, lx + 6, ly - 4, 4, series_colour[0], "#ffffff");
		text(&s, lx + 16, ly, NULL, 11, INK, NULL,
		     atr(&s, A_MEDIAN_RANK), 0);
		lx += 16 +
		      text_width(atr(&s, A_MEDIAN_RANK),
		                 strlen(atr(&s, A_MEDIAN_RANK)), 11) +
		      18;
		marker(&s, 3, lx + 6, ly - 4, 4.5, "none", HIGHLIGHT);
		text(&s, lx + 16, ly, NULL, 11, INK, NULL, atr(&s, A_NOMINAL),
		     0);
	}
	/* bands, grid and ticks */
	for (size_t i = 1; i < r->n; i += 2)
		rect(&s, 12, py0 + row * (double)i, x1 + 8 - 12, row,
		     "#f5f5f5");
	double step = ceil(nice_step(sc.hi - sc.lo, 6));
	if (step < 1)
		step = 1;
	for (double t = 1; t <= sc.hi + 1e-9;) {
		double x = scale_at(&sc, t, x0, x1);
		line(&s, x, py0 - 2, x, py1 + 2, GRIDLINE, 1, NULL);
		put_trimmed(&s, &s.tip, t, 0);
		text(&s, x, py0 - 6, "middle", 10, MUTED, NULL,
		     s.tip.data ? s.tip.data : "", 0);
		text_buf(&s, x, py1 + 14, "middle", 10, MUTED, NULL, &s.tip, 0);
		t = t < step ? step : t + step;
	}
	text(&s, (x0 + x1) / 2, py1 + 32, "middle", 11, INK, NULL,
	     tr(&s, W_RANK_AXIS), 0);
	/* the rows */
	double fs = row < 14 ? floor(row * 0.8) : 12;
	for (size_t i = 0; i < r->n; i++) {
		const struct dti_ua_unit *u = &r->units[i];
		double y = py0 + row * ((double)i + 0.5);
		char suffix[48];
		snprintf(suffix, sizeof suffix, "unit-%zu", i + 1);
		dti_buf_adds(&s.b, "<g");
		id_attr(&s, suffix);
		dti_buf_addc(&s.b, '>');
		dti_buf_addf(&s.tip, "%s: ", names[i]);
		if (u->nominal > 0)
			dti_buf_addf(&s.tip, "%s %d", atr(&s, A_NOMINAL),
			             u->nominal);
		else
			dti_buf_addf(&s.tip, "%s", tr(&s, W_NOT_RANKED));
		if (!isnan(u->median)) {
			dti_buf_addf(&s.tip, ", %s ", atr(&s, A_MEDIAN_RANK));
			put_trimmed(&s, &s.tip, u->median, 1);
			dti_buf_addf(&s.tip, ", %s: ", atr(&s, A_INTERVAL));
			put_trimmed(&s, &s.tip, u->p5, 1);
			dti_buf_adds(&s.tip, "\xE2\x80\x93");
			put_trimmed(&s, &s.tip, u->p95, 1);
			dti_buf_addf(&s.tip, ", %s %d, %s %d", atr(&s, A_BEST),
			             u->best, atr(&s, A_WORST), u->worst);
		}
		title_el(&s, &s.tip);
		dti_buf_addc(&s.b, '\n');
		text(&s, x0 - 8, y + fs * 0.35, "end", fs, INK, NULL, names[i],
		     label_w - 10);
		if (isnan(u->median)) {
			text(&s, x0 + 4, y + fs * 0.35, NULL, fs, MUTED,
			     " font-style=\"italic\"", tr(&s, W_NOT_RANKED), 0);
		} else {
			double a = scale_at(&sc, u->p5, x0, x1);
			double b = scale_at(&sc, u->p95, x0, x1);
			snprintf(suffix, sizeof suffix, "interval-%zu", i + 1);
			dti_buf_adds(&s.b, "<line");
			id_attr(&s, suffix);
			attr(&s.b, "x1", a);
			attr(&s.b, "y1", y);
			attr(&s.b, "x2", b);
			attr(&s.b, "y2", y);
			dti_buf_addf(&s.b,
			             " stroke=\"%s\" stroke-width=\"3\" "
			             "stroke-linecap=\"round\"/>\n",
			             series_colour[0]);
			double rr = row < 14 ? row * 0.28 : 4;
			marker(&s, 0, scale_at(&sc, u->median, x0, x1), y, rr,
			       series_colour[0], "#ffffff");
		}
		if (u->nominal > 0)
			marker(&s, 3, scale_at(&sc, u->nominal, x0, x1), y,
			       row < 14 ? row * 0.32 : 4.5, "none", HIGHLIGHT);
		dti_buf_adds(&s.b, "</g>\n");
	}
	svg_end(&s);
done:
	free(names);
	if (st) {
		svg_release(&s);
		return st;
	}
	return svg_finish(&s, out, err);
}

/* ---- Sobol indices ------------------------------------------------------- */

static const char *input_name(const struct svg *s, const char *name)
{
	if (strcmp(name, "weights") == 0)
		return atr(s, A_IN_WEIGHTS);
	if (strcmp(name, "aggregation") == 0)
		return atr(s, A_IN_AGG);
	if (strcmp(name, "leave_one_out") == 0)
		return atr(s, A_IN_LOO);
	return name;
}

/* "0.12 (0.08–0.16)" or "0.12" without an interval */
static void put_index(const struct svg *s, struct dti_buf *b, double v,
                      double lo, double hi)
{
	put_value(s, b, v);
	if (!isnan(lo) && !isnan(hi)) {
		dti_buf_adds(b, " (");
		put_value(s, b, lo);
		dti_buf_adds(b, "\xE2\x80\x93");
		put_value(s, b, hi);
		dti_buf_addc(b, ')');
	}
}

enum dti_status dti_chart_sobol(const struct dti_chart_opts *o,
                                const struct dti_sa_result *r,
                                struct dti_buf *out, struct dti_error *err)
{
	struct svg s;
	char f[64];
	enum dti_status st = svg_start(&s, o, out, err);
	if (!st && !r)
		st = dti_err_set(err, DTI_EARG, NULL, 0, 0, "r",
		                 "no sensitivity analysis");
	if (!st && (r->ninputs == 0 || r->ninputs > 3 || !r->fw))
		st = dti_err_set(err, DTI_EARG, NULL, 0, 0, "ninputs",
		                 "%zu inputs: expected 1..3", r->ninputs);
	double lo = 0, hi = 0;
	int boot = 0;
	for (size_t i = 0; !st && i < r->ninputs; i++) {
		const struct dti_sa_input *in = &r->inputs[i];
		snprintf(f, sizeof f, "inputs[%zu]", i);
		if (!in->name)
			st = dti_err_set(err, DTI_EARG, NULL, 0, 0, f,
			                 "no name");
		else
			st = check_text(in->name, f, err);
		double v[] = {in->first,    in->total,    in->first_lo,
		              in->first_hi, in->total_lo, in->total_hi};
		for (int k = 0; !st && k < 6; k++) {
			if (isnan(v[k]))
				continue;
			if (!isfinite(v[k])) {
				st = dti_err_set(err, DTI_EINVALID, NULL, 0, 0,
				                 f, "not a finite number");
				break;
			}
			lo = v[k] < lo ? v[k] : lo;
			hi = v[k] > hi ? v[k] : hi;
			boot |= k >= 2;
		}
	}
	if (st) {
		svg_release(&s);
		return st;
	}
	struct scale sc = value_scale(&s, lo, hi);
	struct entry ent[2] = {{atr(&s, A_FIRST), SW_BOX, 0},
	                       {atr(&s, A_TOTAL), SW_BOX, 1}};
	s.w = s.o.width ? s.o.width : 640;
	double lh = legend_height(ent, 2, s.w - 24);
	double top = title_height(&s) + lh + 6;
	double label_w = 0;
	for (size_t i = 0; i < r->ninputs; i++) {
		const char *nm = input_name(&s, r->inputs[i].name);
		double t = text_width(nm, strlen(nm), 12);
		if (t > label_w)
			label_w = t;
	}
	if (label_w > 0.35 * s.w)
		label_w = 0.35 * s.w;
	label_w += 10;
	double value_w = (s.o.decimals + 4) * 6.6 + 8;
	double x0 = 12 + label_w, x1 = s.w - 12 - value_w;
	if (x1 - x0 < 40) {
		svg_release(&s);
		return dti_err_set(err, DTI_EINVALID, NULL, 0, 0, "width",
		                   "%d px is too narrow for these labels and "
		                   "values (at least %d)",
		                   s.o.width, (int)ceil(s.w - (x1 - x0) + 40));
	}
	double bar = 16, inner = 4, gap = 18, axis = 26, notes = 2 * 15 + 4;
	double ni = (double)r->ninputs;
	if (s.o.height) {
		s.h = s.o.height;
		bar = ((s.h - top - axis - notes - 8) / ni - gap - inner) / 2;
		if (bar < 4) {
			svg_release(&s);
			return dti_err_set(
			    err, DTI_EINVALID, NULL, 0, 0, "height",
			    "%d px leaves no room for %zu bars (at least %d)",
			    s.o.height, 2 * r->ninputs,
			    (int)ceil(top + axis + notes + 8 +
			              ni * (gap + inner + 8)));
		}
		if (bar > 40)
			bar = 40;
	}
	double per = 2 * bar + inner + gap;
	if (!s.o.height)
		s.h = ceil(top + ni * per + axis + notes + 8);
	double py0 = top, py1 = top + ni * per;
	double base = scale_at(&sc, 0, x0, x1);

	dti_buf_addf(&s.desc, "%s. ", atr(&s, A_OUTPUT));
	for (size_t i = 0; i < r->ninputs; i++) {
		const struct dti_sa_input *in = &r->inputs[i];
		dti_buf_addf(&s.desc, "%s%s: %s ", i ? "; " : "",
		             input_name(&s, in->name), atr(&s, A_FIRST_SHORT));
		put_index(&s, &s.desc, in->first, in->first_lo, in->first_hi);
		dti_buf_addf(&s.desc, ", %s ", atr(&s, A_TOTAL_SHORT));
		put_index(&s, &s.desc, in->total, in->total_lo, in->total_hi);
	}
	dti_buf_addc(&s.desc, '.');
	char title[512];
	snprintf(title, sizeof title, "%s: %s", atr(&s, A_T_SOBOL),
	         node_name(&s, r->fw, r->node));
	svg_begin(&s, title);
	legend(&s, title_height(&s), ent, 2);

	double tk[16];
	size_t nt = ticks(&sc, 5, tk, 16);
	for (size_t t = 0; t < nt; t++) {
		double x = scale_at(&sc, tk[t], x0, x1);
		line(&s, x, py0, x, py1, GRIDLINE, 1, NULL);
		put_tick(&s, &s.tip, tk[t]);
		text_buf(&s, x, py1 + 15, "middle", 10, MUTED, NULL, &s.tip, 0);
	}
	line(&s, base, py0, base, py1, MUTED, 1, NULL);
	double vsize = bar * 0.8 < 8 ? 8 : bar * 0.8 > 11 ? 11 : bar * 0.8;
	for (size_t i = 0; i < r->ninputs; i++) {
		const struct dti_sa_input *in = &r->inputs[i];
		const char *nm = input_name(&s, in->name);
		double gy = py0 + (double)i * per + gap / 2;
		text(&s, x0 - 6, gy + bar + inner / 2 + 4, "end", 12, INK, NULL,
		     nm, label_w - 10);
		for (int k = 0; k < 2; k++) {
			double v = k ? in->total : in->first;
			double a = k ? in->total_lo : in->first_lo;
			double b = k ? in->total_hi : in->first_hi;
			double y = gy + (double)k * (bar + inner);
			double cy = y + bar / 2;
			const char *kind = k ? "total" : "first";
			if (isnan(v)) {
				dti_buf_adds(&s.tip, tr(&s, W_NO_VALUE));
				text_buf(&s, base + 4, cy + vsize * 0.35, NULL,
				         vsize, MUTED, " font-style=\"italic\"",
				         &s.tip, 0);
				continue;
			}
			double xv = scale_at(&sc, v, x0, x1);
			char suffix[48];
			snprintf(suffix, sizeof suffix, "%s-%zu", kind, i + 1);
			dti_buf_adds(&s.b, "<rect");
			id_attr(&s, suffix);
			attr(&s.b, "x", xv < base ? xv : base);
			attr(&s.b, "y", y);
			attr(&s.b, "width", fabs(xv - base));
			attr(&s.b, "height", bar);
			dti_buf_addf(&s.b, " fill=\"%s\"", series_colour[k]);
			dti_buf_addf(&s.tip, "%s \xE2\x80\x93 %s: ", nm,
			             atr(&s, k ? A_TOTAL : A_FIRST));
			put_index(&s, &s.tip, v, a, b);
			tip_close(&s, "rect");
			double xend = xv > base ? xv : base;
			if (!isnan(a) && !isnan(b)) {
				double xa = scale_at(&sc, a, x0, x1);
				double xb = scale_at(&sc, b, x0, x1);
				snprintf(suffix, sizeof suffix, "%s-%zu-ci",
				         kind, i + 1);
				dti_buf_adds(&s.b, "<line");
				id_attr(&s, suffix);
				attr(&s.b, "x1", xa);
				attr(&s.b, "y1", cy);
				attr(&s.b, "x2", xb);
				attr(&s.b, "y2", cy);
				dti_buf_addf(&s.b,
				             " stroke=\"%s\" "
				             "stroke-width=\"1.5\"/>\n",
				             INK);
				line(&s, xa, cy - bar * 0.3, xa, cy + bar * 0.3,
				     INK, 1.5, NULL);
				line(&s, xb, cy - bar * 0.3, xb, cy + bar * 0.3,
				     INK, 1.5, NULL);
				if (xb > xend)
					xend = xb;
			}
			put_value(&s, &s.tip, v);
			text_buf(&s, xend + 4, cy + vsize * 0.35, NULL, vsize,
			         INK, NULL, &s.tip, 0);
		}
	}
	dti_buf_addf(&s.tip, "%s; N = %zu, %zu %s.", atr(&s, A_OUTPUT), r->n,
	             r->runs, atr(&s, A_RUNS));
	text_buf(&s, 12, py1 + axis + 12, NULL, 10, MUTED,
	         " font-style=\"italic\"", &s.tip, s.w - 24);
	text(&s, 12, py1 + axis + 27, NULL, 10, MUTED, " font-style=\"italic\"",
	     atr(&s, boot ? A_CI : A_NO_BOOT), s.w - 24);
	svg_end(&s);
	return svg_finish(&s, out, err);
}

/* ---- correlation heatmap ------------------------------------------------- */

/* A correlation as written: "undefined" for NaN. */
static void put_corr(const struct svg *s, struct dti_buf *b, double v)
{
	if (isnan(v))
		dti_buf_adds(b, atr(s, A_UNDEFINED));
	else
		put_value(s, b, v);
}

/* The colour of a correlation: orange at -1, near white at 0, blue at 1,
   mixed in sRGB; *white: whether white text reads better on it. */
static void diverging(double t, char hex[8], int *white)
{
	static const int neg[3] = {179, 88, 6}, mid[3] = {247, 247, 247},
	                 pos[3] = {33, 102, 172};
	t = t < -1 ? -1 : t > 1 ? 1 : t;
	const int *end = t < 0 ? neg : pos;
	double a = fabs(t), lum = 0;
	int c[3];
	for (int k = 0; k < 3; k++) {
		c[k] = (int)lround(mid[k] + (end[k] - mid[k]) * a);
		double v = c[k] / 255.0;
		v = v <= 0.03928 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4);
		lum += (k == 0 ? 0.2126 : k == 1 ? 0.7152 : 0.0722) * v;
	}
	snprintf(hex, 8, "#%02x%02x%02x", c[0], c[1], c[2]);
	/* contrast with white against contrast with INK (luminance 0.0103) */
	*white = 1.05 / (lum + 0.05) > (lum + 0.05) / 0.0603;
}

static enum dti_status check_labels(size_t n, const char *const *l,
                                    const char *what, struct dti_error *err)
{
	char f[48];
	if (n == 0 || n > DTI_CHART_MAX_MATRIX)
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, what,
		                   "%zu labels: a heatmap has 1..%d", n,
		                   DTI_CHART_MAX_MATRIX);
	if (!l)
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, what,
		                   "no labels");
	for (size_t i = 0; i < n; i++) {
		snprintf(f, sizeof f, "%s[%zu]", what, i);
		if (!l[i])
			return dti_err_set(err, DTI_EARG, NULL, 0, 0, f,
			                   "no label");
		enum dti_status st = check_text(l[i], f, err);
		if (st)
			return st;
	}
	return DTI_OK;
}

enum dti_status dti_chart_heatmap(const struct dti_chart_opts *o, size_t nrows,
                                  const char *const *rows, size_t ncols,
                                  const char *const *cols, const double *r,
                                  struct dti_buf *out, struct dti_error *err)
{
	struct svg s;
	enum dti_status st = svg_start(&s, o, out, err);
	if (!st)
		st = check_labels(nrows, rows, "rows", err);
	if (!st)
		st = check_labels(ncols, cols, "cols", err);
	if (!st && !r)
		st = dti_err_set(err, DTI_EARG, NULL, 0, 0, "r", "no matrix");
	for (size_t i = 0; !st && i < nrows * ncols; i++) {
		if (isnan(r[i]))
			continue;
		if (!isfinite(r[i]) || r[i] < -1 - 1e-9 || r[i] > 1 + 1e-9) {
			char f[48];
			snprintf(f, sizeof f, "r[%zu]", i);
			st = dti_err_set(err, DTI_EINVALID, NULL, 0, 0, f,
			                 "%g: a correlation is in -1..1", r[i]);
		}
	}
	if (st) {
		svg_release(&s);
		return st;
	}
	/* the same labels both ways: a symmetric matrix, said once */
	int square = nrows == ncols;
	for (size_t i = 0; square && i < nrows; i++)
		square = strcmp(rows[i], cols[i]) == 0;

	double label_w = 0, col_w = 0;
	for (size_t i = 0; i < nrows; i++) {
		double t = text_width(rows[i], strlen(rows[i]), 12);
		label_w = t > label_w ? t : label_w;
	}
	for (size_t j = 0; j < ncols; j++) {
		double t = text_width(cols[j], strlen(cols[j]), 11);
		col_w = t > col_w ? t : col_w;
	}
	label_w = (label_w > 200 ? 200 : label_w) + 10;
	col_w = col_w > 140 ? 140 : col_w;
	double need = text_width("-0.", 3, 11) +
	              text_width("0000000000", (size_t)s.o.decimals, 11) + 8;
	double cell = need > 30 ? ceil(need) : 30;
	double legend_w = 200, slant = (col_w + 11) * 0.7071;
	double gx = 12 + label_w;
	if (s.o.width) {
		double fit_w =
		    floor((s.o.width - gx - 12 - slant) / (double)ncols);
		if (fit_w < cell)
			cell = fit_w;
	}
	double top = title_height(&s) + slant + 8;
	double chrome_below = 16 + 14 + 10 + 16 + 8;
	if (s.o.height) {
		double fit_h =
		    floor((s.o.height - top - chrome_below) / (double)nrows);
		if (fit_h < cell)
			cell = fit_h;
	}
	if (cell < 8) {
		int by_h =
		    s.o.height && floor((s.o.height - top - chrome_below) /
		                        (double)nrows) < 8;
		svg_release(&s);
		return by_h
		           ? dti_err_set(err, DTI_EINVALID, NULL, 0, 0,
		                         "height",
		                         "%d px leaves no room for %zu rows "
		                         "of cells (at least %d)",
		                         s.o.height, nrows,
		                         (int)ceil(top + chrome_below +
		                                   8.0 * (double)nrows))
		           : dti_err_set(err, DTI_EINVALID, NULL, 0, 0, "width",
		                         "%d px is too narrow for %zu columns "
		                         "of cells (at least %d)",
		                         s.o.width, ncols,
		                         (int)ceil(gx + 12 + slant +
		                                   8.0 * (double)ncols));
	}
	int show_values = cell >= need;
	double gy = top, gw = cell * (double)ncols, gh = cell * (double)nrows;
	double natural_w = gx + gw - cell / 2 + slant + 12;
	if (natural_w < 24 + legend_w)
		natural_w = 24 + legend_w;
	if (s.o.show_title) {
		/* room for the title, up to a point */
		const char *t = s.o.title ? s.o.title : atr(&s, A_T_HEATMAP);
		double tw = text_width(t, strlen(t), 15) * 1.1 + 24;
		tw = tw > 960 ? 960 : tw;
		natural_w = tw > natural_w ? tw : natural_w;
	}
	s.w = s.o.width ? s.o.width : ceil(natural_w);
	if (legend_w > s.w - 24)
		legend_w = s.w - 24;
	double ly = gy + gh + 16;
	s.h = s.o.height ? s.o.height : ceil(ly + chrome_below - 16);

	/* the text alternative: each pair once when symmetric */
	int any_nan = 0;
	dti_buf_addf(&s.desc, "%s, %zu \xC3\x97 %zu:", atr(&s, A_CORR), nrows,
	             ncols);
	for (size_t i = 0; i < nrows; i++)
		for (size_t j = square ? i + 1 : 0; j < ncols; j++) {
			dti_buf_addf(&s.desc, " %s \xE2\x80\x93 %s ", rows[i],
			             cols[j]);
			put_corr(&s, &s.desc, r[i * ncols + j]);
			dti_buf_addc(&s.desc, ';');
		}
	if (s.desc.len && s.desc.data[s.desc.len - 1] == ';')
		s.desc.data[s.desc.len - 1] = '.';
	for (size_t i = 0; i < nrows * ncols; i++)
		any_nan |= isnan(r[i]);
	svg_begin(&s, atr(&s, A_T_HEATMAP));
	dti_buf_adds(&s.b, "<defs><linearGradient");
	id_attr(&s, "scale");
	dti_buf_adds(&s.b, " x1=\"0\" y1=\"0\" x2=\"1\" y2=\"0\">");
	for (int k = 0; k <= 8; k++) {
		char hex[8];
		int wh;
		diverging(-1 + k * 0.25, hex, &wh);
		dti_buf_adds(&s.b, "<stop offset=\"");
		num(&s.b, k / 8.0);
		dti_buf_addf(&s.b, "\" stop-color=\"%s\"/>", hex);
	}
	dti_buf_adds(&s.b, "</linearGradient>");
	if (any_nan) {
		dti_buf_adds(&s.b, "<pattern");
		id_attr(&s, "hatch");
		dti_buf_adds(&s.b, " width=\"6\" height=\"6\" "
		                   "patternUnits=\"userSpaceOnUse\" "
		                   "patternTransform=\"rotate(45)\">"
		                   "<rect width=\"6\" height=\"6\" "
		                   "fill=\"#f2f2f2\"/>"
		                   "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" "
		                   "stroke=\"#8c8c8c\" stroke-width=\"2\"/>"
		                   "</pattern>");
	}
	dti_buf_adds(&s.b, "</defs>\n");
	char hatch[DTI_CHART_PREFIX_MAX + 16];
	snprintf(hatch, sizeof hatch, "url(#%s-hatch)", s.o.id_prefix);

	/* the labels */
	for (size_t i = 0; i < nrows; i++)
		text(&s, gx - 6, gy + cell * ((double)i + 0.5) + 4, "end", 12,
		     INK, NULL, rows[i], label_w - 10);
	for (size_t j = 0; j < ncols; j++) {
		double cx = gx + cell * ((double)j + 0.5), cy = gy - 6;
		struct dti_buf *t = &s.tip;
		dti_buf_adds(t, " transform=\"rotate(-45 ");
		num(t, cx);
		dti_buf_addc(t, ' ');
		num(t, cy);
		dti_buf_adds(t, ")\"");
		if (dti_buf_status(t) == DTI_OK)
			text(&s, cx, cy, NULL, 11, INK, t->data, cols[j],
			     col_w);
		scratch_reset(&s, t);
	}
	/* the cells */
	double vfs = cell < 30 ? floor(cell * 0.36) : 11;
	for (size_t i = 0; i < nrows; i++)
		for (size_t j = 0; j < ncols; j++) {
			double v = r[i * ncols + j];
			double x = gx + cell * (double)j,
			       y = gy + cell * (double)i;
			char hex[8], suffix[48];
			int white = 0;
			if (!isnan(v))
				diverging(v, hex, &white);
			snprintf(suffix, sizeof suffix, "cell-%zu-%zu", i + 1,
			         j + 1);
			dti_buf_adds(&s.b, "<rect");
			id_attr(&s, suffix);
			attr(&s.b, "x", x + 0.5);
			attr(&s.b, "y", y + 0.5);
			attr(&s.b, "width", cell - 1);
			attr(&s.b, "height", cell - 1);
			dti_buf_addf(&s.b, " fill=\"%s\"",
			             isnan(v) ? hatch : hex);
			dti_buf_addf(&s.tip, "%s \xE2\x80\x93 %s: ", rows[i],
			             cols[j]);
			put_corr(&s, &s.tip, v);
			tip_close(&s, "rect");
			if (!show_values)
				continue;
			if (isnan(v))
				dti_buf_adds(&s.tip, "\xE2\x80\x93");
			else
				put_value(&s, &s.tip, v);
			text_buf(&s, x + cell / 2, y + cell / 2 + vfs * 0.35,
			         "middle", vfs,
			         isnan(v) ? MUTED
			         : white  ? "#ffffff"
			                  : INK,
			         NULL, &s.tip, 0);
		}
	/* the legend: the scale from -1 to 1 */
	text(&s, 12, ly + 10, NULL, 11, INK, " font-weight=\"bold\"",
	     atr(&s, A_CORR), 0);
	dti_buf_addf(&s.b, "<rect x=\"12\"");
	attr(&s.b, "y", ly + 16);
	attr(&s.b, "width", legend_w);
	dti_buf_addf(&s.b, " height=\"10\" fill=\"url(#%s-scale)\"/>\n",
	             s.o.id_prefix);
	for (int k = 0; k <= 4; k++) {
		double x = 12 + legend_w * k / 4.0;
		line(&s, x, ly + 26, x, ly + 30, MUTED, 1, NULL);
		put_tick(&s, &s.tip, -1 + 0.5 * k);
		text_buf(&s, x, ly + 40,
		         k == 0   ? "start"
		         : k == 4 ? "end"
		                  : "middle",
		         10, MUTED, NULL, &s.tip, 0);
	}
	svg_end(&s);
	return svg_finish(&s, out, err);
}

/* ---- box plots ----------------------------------------------------------- */

struct box {
	size_t m; /* values present */
	double min, q1, med, q3, max, wlo, whi;
	size_t nout;
	struct sorted *v; /* the values, sorted; id: the unit's name */
};

/* R's quantile type 7 of sorted v[0..m) */
static double quantile7(const struct sorted *v, size_t m, double p)
{
	double h = (double)(m - 1) * p;
	size_t lo = (size_t)floor(h);
	double fr = h - (double)lo;
	return lo + 1 < m ? v[lo].v + fr * (v[lo + 1].v - v[lo].v) : v[lo].v;
}

static int box_outlier(const struct box *b, double v)
{
	double iqr = b->q3 - b->q1;
	return v < b->q1 - 1.5 * iqr || v > b->q3 + 1.5 * iqr;
}

#define BOX_ROW 42

enum dti_status dti_chart_boxplot(const struct dti_chart_opts *o, size_t ncols,
                                  const struct dti_chart_column *cols,
                                  int shared, struct dti_buf *out,
                                  struct dti_error *err)
{
	struct svg s;
	struct box *bx = NULL;
	char f[64];
	enum dti_status st = svg_start(&s, o, out, err);
	if (!st && (ncols == 0 || ncols > DTI_CHART_MAX_BARS))
		st = dti_err_set(err, DTI_EARG, NULL, 0, 0, "ncols",
		                 "%zu columns: a box plot has 1..%d", ncols,
		                 DTI_CHART_MAX_BARS);
	if (!st && !cols)
		st = dti_err_set(err, DTI_EARG, NULL, 0, 0, "cols",
		                 "no columns");
	if (!st && !(bx = calloc(ncols, sizeof *bx)))
		st = dti_err_nomem(err);
	double lo = INFINITY, hi = -INFINITY;
	for (size_t c = 0; !st && c < ncols; c++) {
		const struct dti_chart_column *col = &cols[c];
		struct box *b = &bx[c];
		snprintf(f, sizeof f, "cols[%zu]", c);
		if (!col->label || (col->n && !col->values) ||
		    col->n > DTI_CHART_MAX_ITEMS) {
			st = dti_err_set(err, DTI_EARG, NULL, 0, 0, f,
			                 "a column needs a label and 0..%d "
			                 "values",
			                 DTI_CHART_MAX_ITEMS);
			break;
		}
		if ((st = check_text(col->label, f, err)) ||
		    (st = check_text(col->name, f, err)))
			break;
		if (col->n && !(b->v = malloc(col->n * sizeof *b->v))) {
			st = dti_err_nomem(err);
			break;
		}
		for (size_t i = 0; i < col->n; i++) {
			double v = col->values[i];
			if (isnan(v))
				continue;
			if (!isfinite(v)) {
				snprintf(f, sizeof f, "cols[%zu].values[%zu]",
				         c, i);
				st = dti_err_set(err, DTI_EINVALID, NULL, 0, 0,
				                 f, "not a finite number");
				break;
			}
			const char *u = col->units ? col->units[i] : NULL;
			if (u && (st = check_text(u, f, err)))
				break;
			/* id orders ties; the unit's name, else "" */
			b->v[b->m++] = (struct sorted){v, u ? u : "", u};
		}
		if (st)
			break;
		if (!b->m)
			continue;
		qsort(b->v, b->m, sizeof *b->v, by_value);
		b->min = b->v[0].v;
		b->max = b->v[b->m - 1].v;
		b->q1 = quantile7(b->v, b->m, 0.25);
		b->med = quantile7(b->v, b->m, 0.5);
		b->q3 = quantile7(b->v, b->m, 0.75);
		b->wlo = b->max;
		b->whi = b->min;
		for (size_t i = 0; i < b->m; i++) {
			double v = b->v[i].v;
			if (box_outlier(b, v)) {
				b->nout++;
				continue;
			}
			b->wlo = v < b->wlo ? v : b->wlo;
			b->whi = v > b->whi ? v : b->whi;
		}
		lo = b->min < lo ? b->min : lo;
		hi = b->max > hi ? b->max : hi;
	}
	if (!st && lo > hi)
		st = dti_err_set(err, DTI_EINVALID, NULL, 0, 0, "cols",
		                 "every value is missing: nothing to draw");
	if (st)
		goto done;

	int fixed = s.o.scale_min < s.o.scale_max;
	struct scale all = value_scale(&s, lo, hi);
	if (!shared && !fixed) {
		/* value_scale reaches zero; a row's own scale does not */
		all.lo = lo;
		all.hi = hi;
	}
	s.w = s.o.width ? s.o.width : 640;
	double top = title_height(&s) + 8;
	double label_w = 0;
	for (size_t c = 0; c < ncols; c++) {
		double t = text_width(cols[c].label, strlen(cols[c].label), 12);
		label_w = t > label_w ? t : label_w;
	}
	if (label_w > 0.3 * s.w)
		label_w = 0.3 * s.w;
	label_w += 10;
	double x0 = 12 + label_w + 6, x1 = s.w - 16;
	if (x1 - x0 < 60) {
		st = dti_err_set(err, DTI_EINVALID, NULL, 0, 0, "width",
		                 "%d px is too narrow for these labels (at "
		                 "least %d)",
		                 s.o.width, (int)ceil(s.w - (x1 - x0) + 60));
		goto done;
	}
	int own = !shared && !fixed;
	double axis = own ? 0 : 26, key = 20;
	double row = BOX_ROW;
	if (s.o.height) {
		row = (s.o.height - top - axis - key - 8) / (double)ncols;
		if (row < 24) {
			st =
			    dti_err_set(err, DTI_EINVALID, NULL, 0, 0, "height",
			                "%d px leaves no room for %zu rows "
			                "(at least %d)",
			                s.o.height, ncols,
			                (int)ceil(top + axis + key + 8 +
			                          24.0 * (double)ncols));
			goto done;
		}
		if (row > 2 * BOX_ROW)
			row = 2 * BOX_ROW;
		s.h = s.o.height;
	} else {
		s.h = ceil(top + row * (double)ncols + axis + key + 8);
	}
	double py0 = top, py1 = top + row * (double)ncols;

	/* the text alternative: each row's five numbers */
	for (size_t c = 0; c < ncols; c++) {
		const struct box *b = &bx[c];
		dti_buf_addf(&s.desc, "%s%s: ", c ? " " : "",
		             cols[c].name ? cols[c].name : cols[c].label);
		if (!b->m) {
			dti_buf_addf(&s.desc, "%s.", tr(&s, W_NO_VALUE));
			continue;
		}
		dti_buf_addf(&s.desc, "%zu %s, %s ", b->m, atr(&s, A_VALUES_N),
		             atr(&s, A_MIN));
		put_sig(&s, &s.desc, b->min);
		dti_buf_addf(&s.desc, ", %s ", atr(&s, A_QUARTILES));
		put_sig(&s, &s.desc, b->q1);
		dti_buf_adds(&s.desc, " \xE2\x80\x93 ");
		put_sig(&s, &s.desc, b->q3);
		dti_buf_addf(&s.desc, ", %s ", tr(&s, W_MEDIAN));
		put_sig(&s, &s.desc, b->med);
		dti_buf_addf(&s.desc, ", %s ", atr(&s, A_MAX));
		put_sig(&s, &s.desc, b->max);
		dti_buf_addf(&s.desc, ", %zu %s.", b->nout,
		             atr(&s, b->nout == 1 ? A_OUTLIER : A_OUTLIERS));
	}
	svg_begin(&s, atr(&s, A_T_BOX));

	if (!own) {
		double tk[16];
		size_t nt = ticks(&all, 5, tk, 16);
		for (size_t t = 0; t < nt; t++) {
			double x = scale_at(&all, tk[t], x0, x1);
			line(&s, x, py0, x, py1, GRIDLINE, 1, NULL);
			put_tick(&s, &s.tip, tk[t]);
			text_buf(&s, x, py1 + 15, "middle", 10, MUTED, NULL,
			         &s.tip, 0);
		}
	}
	double bh = row * 0.36 > 18 ? 18 : row * 0.36;
	for (size_t c = 0; c < ncols; c++) {
		const struct box *b = &bx[c];
		double cy = py0 + row * ((double)c + 0.5) - (own ? 4 : 0);
		char suffix[48];
		struct scale sc = all;
		if (own && b->m) {
			sc.lo = b->min;
			sc.hi = b->max;
		}
		int flat = !(sc.hi > sc.lo);
		if (flat) {
			sc.lo -= 1;
			sc.hi += 1;
		}
		snprintf(suffix, sizeof suffix, "row-%zu", c + 1);
		dti_buf_adds(&s.b, "<g");
		id_attr(&s, suffix);
		dti_buf_addc(&s.b, '>');
		dti_buf_addf(&s.tip, "%s",
		             cols[c].name ? cols[c].name : cols[c].label);
		if (b->m) {
			dti_buf_addf(&s.tip, ": %zu %s, %s ", b->m,
			             atr(&s, A_VALUES_N), atr(&s, A_MIN));
			put_sig(&s, &s.tip, b->min);
			dti_buf_addf(&s.tip, ", %s ", atr(&s, A_QUARTILES));
			put_sig(&s, &s.tip, b->q1);
			dti_buf_adds(&s.tip, " \xE2\x80\x93 ");
			put_sig(&s, &s.tip, b->q3);
			dti_buf_addf(&s.tip, ", %s ", tr(&s, W_MEDIAN));
			put_sig(&s, &s.tip, b->med);
			dti_buf_addf(&s.tip, ", %s ", atr(&s, A_MAX));
			put_sig(&s, &s.tip, b->max);
		}
		title_el(&s, &s.tip);
		dti_buf_addc(&s.b, '\n');
		text(&s, x0 - 12, cy + 4, "end", 12, INK, NULL, cols[c].label,
		     label_w - 10);
		snprintf(suffix, sizeof suffix, "axis-%zu", c + 1);
		dti_buf_adds(&s.b, "<line");
		id_attr(&s, suffix);
		attr(&s.b, "x1", x0);
		attr(&s.b, "y1", cy);
		attr(&s.b, "x2", x1);
		attr(&s.b, "y2", cy);
		dti_buf_addf(&s.b, " stroke=\"%s\"/>\n", GRIDLINE);
		if (!b->m) {
			text(&s, x0 + 4, cy - 4, NULL, 11, MUTED,
			     " font-style=\"italic\"", tr(&s, W_NO_VALUE), 0);
			dti_buf_adds(&s.b, "</g>\n");
			continue;
		}
		if (own) {
			if (flat) {
				put_sig(&s, &s.tip, b->min);
				dti_buf_addf(&s.tip, " (%s)",
				             atr(&s, A_ALL_SAME));
				text_buf(&s, (x0 + x1) / 2, cy + 18, "middle",
				         9, MUTED, NULL, &s.tip, 0);
			} else {
				put_sig(&s, &s.tip, b->min);
				text_buf(&s, x0, cy + 18, "start", 9, MUTED,
				         NULL, &s.tip, 0);
				put_sig(&s, &s.tip, b->max);
				text_buf(&s, x1, cy + 18, "end", 9, MUTED, NULL,
				         &s.tip, 0);
			}
		}
		double xq1 = scale_at(&sc, b->q1, x0, x1);
		double xq3 = scale_at(&sc, b->q3, x0, x1);
		double xlo = scale_at(&sc, b->wlo, x0, x1);
		double xhi = scale_at(&sc, b->whi, x0, x1);
		line(&s, xlo, cy, xq1, cy, series_colour[0], 1.5, NULL);
		line(&s, xq3, cy, xhi, cy, series_colour[0], 1.5, NULL);
		line(&s, xlo, cy - bh / 3, xlo, cy + bh / 3, series_colour[0],
		     1.5, NULL);
		line(&s, xhi, cy - bh / 3, xhi, cy + bh / 3, series_colour[0],
		     1.5, NULL);
		rect_open(&s, xq1, cy - bh / 2, xq3 - xq1, bh, ramp[0]);
		dti_buf_addf(&s.b, " stroke=\"%s\" stroke-width=\"1.5\"/>\n",
		             series_colour[0]);
		/* the strip: every value but the outliers, jittered the
		   same way every time */
		if (b->m <= HIST_FROM)
			for (size_t i = 0; i < b->m; i++) {
				if (box_outlier(b, b->v[i].v))
					continue;
				double jy = (double)((i * 5) % 7) - 3;
				dti_buf_adds(&s.b, "<circle");
				attr(&s.b, "cx",
				     scale_at(&sc, b->v[i].v, x0, x1));
				attr(&s.b, "cy", cy + jy * bh / 8);
				dti_buf_addf(&s.b,
				             " r=\"2\" fill=\"%s\" "
				             "fill-opacity=\"0.7\"/>\n",
				             series_colour[0]);
			}
		double xm = scale_at(&sc, b->med, x0, x1);
		snprintf(suffix, sizeof suffix, "median-%zu", c + 1);
		dti_buf_adds(&s.b, "<line");
		id_attr(&s, suffix);
		attr(&s.b, "x1", xm);
		attr(&s.b, "y1", cy - bh / 2);
		attr(&s.b, "x2", xm);
		attr(&s.b, "y2", cy + bh / 2);
		dti_buf_addf(&s.b, " stroke=\"%s\" stroke-width=\"2.5\"/>\n",
		             INK);
		for (size_t i = 0; i < b->m; i++) {
			if (!box_outlier(b, b->v[i].v))
				continue;
			dti_buf_adds(&s.b, "<circle");
			attr(&s.b, "cx", scale_at(&sc, b->v[i].v, x0, x1));
			attr(&s.b, "cy", cy);
			dti_buf_addf(&s.b,
			             " r=\"3.5\" fill=\"%s\" stroke=\"%s\" "
			             "stroke-width=\"0.5\"",
			             HIGHLIGHT, INK);
			if (b->v[i].name)
				dti_buf_addf(&s.tip, "%s: ", b->v[i].name);
			put_sig(&s, &s.tip, b->v[i].v);
			tip_close(&s, "circle");
		}
		dti_buf_adds(&s.b, "</g>\n");
	}
	text(&s, 12, s.h - 10, NULL, 10, MUTED, " font-style=\"italic\"",
	     atr(&s, A_BOX_KEY), s.w - 24);
	svg_end(&s);
done:
	for (size_t c = 0; bx && c < ncols; c++)
		free(bx[c].v);
	free(bx);
	if (st) {
		svg_release(&s);
		return st;
	}
	return svg_finish(&s, out, err);
}
