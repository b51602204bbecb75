/*
 * tests/unit/engine/test_chart.c - the SVG charts of lib/engine/chart.c and
 * the bundled tile layouts (data/units/tiles-63.csv, tiles-34.csv).
 *
 * Every chart is read back by a small XML reader written here (tags
 * balanced, attributes quoted, every '&' a known entity, no '<' in text),
 * which builds a flat list of elements the tests then query: the root's
 * xmlns, viewBox and aria-labelledby, the ids, the <text> and <title>
 * contents as a reader gets them.  The expected texts and counts come
 * from the inputs (a value written with the decimals asked for, one bar
 * per value present), never from a previous run.
 */

/* cmocka.h needs these headers first, in this order */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "dti/dti.h"
#include "testcheck.h"
#include "testutil.h"

/* ---- a small XML reader -------------------------------------------------- */

#define MAX_ATTR 24

struct el {
	char name[32];
	long parent; /* -1: the root */
	size_t nattr;
	char *an[MAX_ATTR];
	char *av[MAX_ATTR]; /* unescaped */
	char *text;         /* the element's own text, unescaped */
};

struct doc {
	struct el *els;
	size_t n, cap;
	char err[160];
};

static void doc_free(struct doc *d)
{
	for (size_t i = 0; i < d->n; i++) {
		for (size_t k = 0; k < d->els[i].nattr; k++) {
			free(d->els[i].an[k]);
			free(d->els[i].av[k]);
		}
		free(d->els[i].text);
	}
	free(d->els);
	memset(d, 0, sizeof *d);
}

/* Appends the unescaped text of s[0..n) to *out; -1 on a bad entity or a
   character XML does not allow. */
static int unescape_into(char **out, const char *s, size_t n)
{
	size_t have = *out ? strlen(*out) : 0;
	char *p = realloc(*out, have + n + 1);
	if (!p)
		return -1;
	*out = p;
	size_t k = have;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
			return -1;
		if (c != '&') {
			p[k++] = (char)c;
			continue;
		}
		static const char *const ent[] = {"&amp;", "&lt;", "&gt;",
		                                  "&quot;", "&#39;"};
		static const char rep[] = "&<>\"'";
		size_t e;
		for (e = 0; e < 5; e++)
			if (strncmp(s + i, ent[e], strlen(ent[e])) == 0)
				break;
		if (e == 5)
			return -1;
		p[k++] = rep[e];
		i += strlen(ent[e]) - 1;
	}
	p[k] = '\0';
	return 0;
}

static int is_name(char c, int first)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	       c == ':' ||
	       (!first && ((c >= '0' && c <= '9') || c == '-' || c == '.'));
}

/* 0 when s is one well-formed element (after an optional declaration). */
static int doc_parse(struct doc *d, const char *s)
{
	memset(d, 0, sizeof *d);
	long stack[256];
	size_t depth = 0, roots = 0, i = 0;
#define BAD(...)                                                               \
	do {                                                                   \
		snprintf(d->err, sizeof d->err, __VA_ARGS__);                  \
		return -1;                                                     \
	} while (0)
	if (strncmp(s, "<?xml", 5) == 0) {
		const char *e = strstr(s, "?>");
		if (!e)
			BAD("unterminated declaration");
		i = (size_t)(e - s) + 2;
	}
	while (s[i]) {
		if (s[i] != '<') {
			size_t j = i;
			while (s[j] && s[j] != '<')
				j++;
			if (!depth) {
				for (size_t k = i; k < j; k++)
					if (s[k] != ' ' && s[k] != '\n')
						BAD("text outside the root at "
						    "%zu",
						    k);
			} else if (unescape_into(&d->els[stack[depth - 1]].text,
			                         s + i, j - i)) {
				BAD("bad text at %zu", i);
			}
			i = j;
			continue;
		}
		if (s[i + 1] == '/') {
			size_t j = i + 2, k = 0;
			char name[32];
			while (is_name(s[j], k == 0) && k < sizeof name - 1)
				name[k++] = s[j++];
			name[k] = '\0';
			if (s[j] != '>' || !depth ||
			    strcmp(d->els[stack[depth - 1]].name, name))
				BAD("unbalanced </%s> at %zu", name, i);
			depth--;
			i = j + 1;
			continue;
		}
		if (strncmp(s + i, "<!--", 4) == 0) {
			const char *e = strstr(s + i, "-->");
			if (!e)
				BAD("unterminated comment");
			i = (size_t)(e - s) + 3;
			continue;
		}
		size_t j = i + 1, k = 0;
		if (!is_name(s[j], 1))
			BAD("bad tag at %zu", i);
		if (d->n == d->cap) {
			d->cap = d->cap ? 2 * d->cap : 64;
			struct el *p = realloc(d->els, d->cap * sizeof *p);
			if (!p)
				BAD("out of memory");
			d->els = p;
		}
		struct el *e = &d->els[d->n];
		memset(e, 0, sizeof *e);
		while (is_name(s[j], k == 0) && k < sizeof e->name - 1)
			e->name[k++] = s[j++];
		e->parent = depth ? stack[depth - 1] : -1;
		if (!depth && ++roots > 1)
			BAD("a second root at %zu", i);
		d->n++;
		for (;;) {
			while (s[j] == ' ' || s[j] == '\n')
				j++;
			if (s[j] == '/' && s[j + 1] == '>') {
				j += 2;
				break;
			}
			if (s[j] == '>') {
				if (depth == 256)
					BAD("too deep");
				stack[depth++] = (long)(d->n - 1);
				j++;
				break;
			}
			size_t a0 = j;
			if (!is_name(s[j], 1))
				BAD("bad attribute at %zu", j);
			while (is_name(s[j], 0))
				j++;
			size_t a1 = j;
			if (s[j] != '=' ||
			    (s[j + 1] != '"' && s[j + 1] != '\''))
				BAD("attribute without a quoted value at %zu",
				    a0);
			char q = s[j + 1];
			size_t v0 = j + 2, v1 = v0;
			while (s[v1] && s[v1] != q) {
				if (s[v1] == '<')
					BAD("'<' in an attribute at %zu", v1);
				v1++;
			}
			if (!s[v1])
				BAD("unterminated attribute at %zu", a0);
			if (e->nattr == MAX_ATTR)
				BAD("too many attributes at %zu", a0);
			char *an = strndup(s + a0, a1 - a0);
			for (size_t x = 0; an && x < e->nattr; x++)
				if (strcmp(e->an[x], an) == 0) {
					free(an);
					BAD("attribute repeated at %zu", a0);
				}
			e->an[e->nattr] = an;
			e->av[e->nattr] = NULL;
			e->nattr++;
			if (!an || unescape_into(&e->av[e->nattr - 1], s + v0,
			                         v1 - v0))
				BAD("bad attribute value at %zu", v0);
			if (!e->av[e->nattr - 1])
				e->av[e->nattr - 1] = strdup("");
			j = v1 + 1;
		}
		i = j;
	}
	if (depth)
		BAD("<%s> not closed", d->els[stack[depth - 1]].name);
	if (roots != 1)
		BAD("no root");
#undef BAD
	return 0;
}

static const char *attr_of(const struct el *e, const char *name)
{
	for (size_t k = 0; k < e->nattr; k++)
		if (strcmp(e->an[k], name) == 0)
			return e->av[k];
	return NULL;
}

static double num_attr(const struct el *e, const char *name)
{
	const char *v = attr_of(e, name);
	return v ? strtod(v, NULL) : NAN;
}

/* The index of the element whose id is id, or -1. */
static long by_id(const struct doc *d, const char *id)
{
	for (size_t i = 0; i < d->n; i++) {
		const char *v = attr_of(&d->els[i], "id");
		if (v && strcmp(v, id) == 0)
			return (long)i;
	}
	return -1;
}

static size_t count(const struct doc *d, const char *name)
{
	size_t n = 0;
	for (size_t i = 0; i < d->n; i++)
		n += strcmp(d->els[i].name, name) == 0;
	return n;
}

/* Elements `name` whose attribute a is v. */
static size_t count_with(const struct doc *d, const char *name, const char *a,
                         const char *v)
{
	size_t n = 0;
	for (size_t i = 0; i < d->n; i++) {
		const char *x = attr_of(&d->els[i], a);
		n +=
		    strcmp(d->els[i].name, name) == 0 && x && strcmp(x, v) == 0;
	}
	return n;
}

/* Whether some <text> (its own text, with an ellipsis cut) reads t. */
static int has_text(const struct doc *d, const char *t)
{
	for (size_t i = 0; i < d->n; i++)
		if (strcmp(d->els[i].name, "text") == 0 && d->els[i].text &&
		    strcmp(d->els[i].text, t) == 0)
			return 1;
	return 0;
}

/* Whether some <title> reads t. */
static int has_title(const struct doc *d, const char *t)
{
	for (size_t i = 0; i < d->n; i++)
		if (strcmp(d->els[i].name, "title") == 0 && d->els[i].text &&
		    strcmp(d->els[i].text, t) == 0)
			return 1;
	return 0;
}

/*
 * What every chart must be: one <svg> root with xmlns, version 1.1,
 * width, height and a viewBox of the same size, role="img", and
 * aria-labelledby naming its <title> and <desc> (first children, ids
 * with the prefix); every id unique and prefixed; nothing that runs,
 * styles or loads: no <script>, <style>, <foreignObject>, <image>, <a>,
 * no style or on* attribute, no href, no url() but a local "url(#".
 */
static void check_svg(const char *svg, const char *prefix, struct doc *d)
{
	if (doc_parse(d, svg)) {
		print_error("not well-formed: %s\n%s\n", d->err, svg);
		fail();
	}
	const struct el *root = &d->els[0];
	assert_string_equal(root->name, "svg");
	assert_string_equal(attr_of(root, "xmlns"),
	                    "http://www.w3.org/2000/svg");
	assert_string_equal(attr_of(root, "version"), "1.1");
	assert_string_equal(attr_of(root, "role"), "img");
	char vb[64];
	snprintf(vb, sizeof vb, "0 0 %s %s", attr_of(root, "width"),
	         attr_of(root, "height"));
	assert_string_equal(attr_of(root, "viewBox"), vb);
	char ids[160];
	snprintf(ids, sizeof ids, "%s-title %s-desc", prefix, prefix);
	assert_string_equal(attr_of(root, "aria-labelledby"), ids);
	char want[80];
	snprintf(want, sizeof want, "%s-title", prefix);
	assert_int_equal(by_id(d, want), 1);
	assert_string_equal(d->els[1].name, "title");
	assert_int_equal(d->els[1].parent, 0);
	assert_non_null(d->els[1].text);
	snprintf(want, sizeof want, "%s-desc", prefix);
	assert_int_equal(by_id(d, want), 2);
	assert_string_equal(d->els[2].name, "desc");
	assert_non_null(d->els[2].text);
	size_t pl = strlen(prefix);
	for (size_t i = 0; i < d->n; i++) {
		const struct el *e = &d->els[i];
		static const char *const banned[] = {
		    "script", "style", "foreignObject", "image",
		    "a",      "use",   "iframe"};
		for (size_t b = 0; b < sizeof banned / sizeof *banned; b++)
			assert_string_not_equal(e->name, banned[b]);
		for (size_t k = 0; k < e->nattr; k++) {
			assert_false(strncmp(e->an[k], "on", 2) == 0);
			assert_string_not_equal(e->an[k], "style");
			assert_null(strstr(e->an[k], "href"));
			const char *u = strstr(e->av[k], "url(");
			if (u)
				assert_int_equal(u[4], '#');
			if (strcmp(e->an[k], "id") == 0) {
				assert_int_equal(strncmp(e->av[k], prefix, pl),
				                 0);
				assert_int_equal(e->av[k][pl], '-');
				assert_int_equal(by_id(d, e->av[k]), (long)i);
			}
		}
	}
	assert_null(strstr(svg, "http://www.w3.org/1999/xlink"));
}

/* ---- helpers ------------------------------------------------------------- */

static struct dti_chart_opts opts(enum dti_lang lang, int decimals)
{
	struct dti_chart_opts o;
	dti_chart_opts_init(&o);
	o.lang = lang;
	o.decimals = decimals;
	return o;
}

static struct dti_tile_layout *layout(const char *rel)
{
	char *path = test_path(rel);
	char *buf = NULL;
	size_t len = 0;
	struct dti_error err = DTI_ERROR_INIT;
	struct dti_tile_layout *l = NULL;
	enum dti_status st =
	    dti_read_file(path, DTI_MAX_FILE, &buf, &len, &err);
	if (!st)
		st = dti_tile_layout_parse(buf, len, rel, &l, &err);
	if (st)
		print_error("%s: %s\n", rel, err.message);
	assert_int_equal(st, DTI_OK);
	free(buf);
	free(path);
	dti_error_release(&err);
	return l;
}

static const char *const pillars[] = {"Chỉ số DTI", "Chính quyền số",
                                      "Kinh tế số", "Xã hội số"};

/* ---- bars ---------------------------------------------------------------- */

static void test_bars(void **state)
{
	(void)state;
	double unit[] = {0.7010, 0.7702, NAN, 0.6873};
	double mean[] = {0.6157, 0.68, 0.5901, 0.55};
	struct dti_chart_series s[] = {{"Đà Nẵng", unit}, {"Cả nước", mean}};
	struct dti_chart_opts o = opts(DTI_LANG_EN, 4);
	struct dti_buf b = DTI_BUF_INIT, again = DTI_BUF_INIT;
	struct dti_error err = DTI_ERROR_INIT;
	assert_int_equal(dti_chart_bars(&o, 4, pillars, 2, s, &b, &err),
	                 DTI_OK);
	struct doc d;
	check_svg(b.data, "dti-chart", &d);
	/* one bar per value present, in the series' colour */
	assert_int_equal(count_with(&d, "rect", "fill", "#0072B2"), 3 + 1);
	assert_int_equal(count_with(&d, "rect", "fill", "#E69F00"), 4 + 1);
	/* (+1: the legend's swatch) */
	assert_true(has_text(&d, "0.7010"));
	assert_true(has_text(&d, "0.5901"));
	assert_true(has_title(&d, "Đà Nẵng – Chính quyền số: 0.7702"));
	/* the missing value is said, and is no bar of width 0 */
	assert_true(has_text(&d, "no value"));
	assert_false(has_title(&d, "Đà Nẵng – Kinh tế số: 0.0000"));
	for (size_t i = 0; i < d.n; i++)
		if (strcmp(d.els[i].name, "rect") == 0)
			assert_true(num_attr(&d.els[i], "width") > 0);
	assert_contains(d.els[2].text, "Kinh tế số no value");
	/* the same input, the same bytes */
	assert_int_equal(dti_chart_bars(&o, 4, pillars, 2, s, &again, &err),
	                 DTI_OK);
	assert_int_equal(b.len, again.len);
	assert_memory_equal(b.data, again.data, b.len);
	doc_free(&d);
	dti_buf_release(&b);
	dti_buf_release(&again);
}

/* Names with markup characters, quotes and controls come out as text. */
static void test_escaping(void **state)
{
	(void)state;
	const char *cats[] = {"<b>Hạ tầng</b> & \"số\"", "a'b\x01\tc"};
	double v[] = {0.5, 0.25};
	struct dti_chart_series s[] = {{"Tỉnh <X> & \"Y\"", v}};
	struct dti_chart_opts o = opts(DTI_LANG_VI, 2);
	o.title = "Tiêu đề <script>alert(1)</script> & \"quotes\"";
	o.desc = "Mô tả & <b>";
	struct dti_buf b = DTI_BUF_INIT;
	struct dti_error err = DTI_ERROR_INIT;
	assert_int_equal(dti_chart_bars(&o, 2, cats, 1, s, &b, &err), DTI_OK);
	struct doc d;
	check_svg(b.data, "dti-chart", &d);
	assert_string_equal(d.els[1].text, o.title);
	assert_string_equal(d.els[2].text, o.desc);
	assert_true(has_text(&d, "<b>Hạ tầng</b> & \"số\""));
	/* a control character becomes U+FFFD, a tab a space */
	assert_true(has_text(&d, "a'b\xEF\xBF\xBD c"));
	assert_true(
	    has_title(&d, "Tỉnh <X> & \"Y\" – a'b\xEF\xBF\xBD c: 0,25"));
	assert_int_equal(count(&d, "script"), 0);
	doc_free(&d);
	dti_buf_release(&b);
}

/* Decimals as asked, with a decimal comma in Vietnamese. */
static void test_precision(void **state)
{
	(void)state;
	double v[] = {0.67354, 0.5, 1.0 / 3};
	struct dti_chart_series s[] = {{"A", v}};
	struct dti_buf b = DTI_BUF_INIT;
	struct dti_error err = DTI_ERROR_INIT;
	struct doc d;
	struct dti_chart_opts o = opts(DTI_LANG_VI, 4);
	assert_int_equal(dti_chart_bars(&o, 3, pillars, 1, s, &b, &err),
	                 DTI_OK);
	check_svg(b.data, "dti-chart", &d);
	assert_true(has_text(&d, "0,6735"));
	assert_true(has_text(&d, "0,5000"));
	assert_true(has_text(&d, "0,3333"));
	assert_false(has_text(&d, "0.6735"));
	assert_true(has_text(&d, "0,2")); /* an axis tick */
	doc_free(&d);
	dti_buf_reset(&b);
	o = opts(DTI_LANG_EN, 2);
	assert_int_equal(dti_chart_bars(&o, 3, pillars, 1, s, &b, &err),
	                 DTI_OK);
	check_svg(b.data, "dti-chart", &d);
	assert_true(has_text(&d, "0.67"));
	assert_true(has_text(&d, "0.50"));
	assert_true(has_text(&d, "0.33"));
	assert_false(has_text(&d, "0.6735"));
	doc_free(&d);
	dti_buf_reset(&b);
	o = opts(DTI_LANG_EN, 0);
	double big[] = {63.5, 12, -4.5};
	s[0].values = big;
	assert_int_equal(dti_chart_bars(&o, 3, pillars, 1, s, &b, &err),
	                 DTI_OK);
	check_svg(b.data, "dti-chart", &d);
	/* 63.5 rounds half away from zero; the scale takes in -4.5 */
	assert_true(has_text(&d, "64"));
	assert_true(has_text(&d, "-5"));
	doc_free(&d);
	dti_buf_release(&b);
}

/* ---- radar --------------------------------------------------------------- */

static void radar_axes(size_t n, enum dti_status want)
{
	static const char *names[21];
	static char store[21][16];
	double v[21], m[21];
	for (size_t i = 0; i < 21; i++) {
		snprintf(store[i], sizeof store[i], "Trục %zu", i + 1);
		names[i] = store[i];
		v[i] = 0.05 * (double)(i + 1);
		m[i] = 0.5;
	}
	struct dti_chart_series s[] = {{"Đơn vị", v}, {"Trung bình", m}};
	struct dti_chart_opts o = opts(DTI_LANG_VI, 2);
	struct dti_buf b = DTI_BUF_INIT;
	struct dti_error err = DTI_ERROR_INIT;
	assert_int_equal(dti_chart_radar(&o, n, names, 2, s, &b, &err), want);
	if (want != DTI_OK) {
		assert_string_equal(err.field, "naxes");
		assert_int_equal(b.len, 0);
		dti_error_release(&err);
		return;
	}
	struct doc d;
	check_svg(b.data, "dti-chart", &d);
	/* 4 rings, and one polygon per complete series */
	assert_int_equal(count_with(&d, "polygon", "fill", "none"), 4);
	assert_int_equal(count_with(&d, "polygon", "fill-opacity", "0.12"), 2);
	/* a marker per value (circles for the first series, squares for the
	   second, with their titles) and one per legend entry */
	size_t circles = 0, squares = 0;
	for (size_t i = 0; i < d.n; i++) {
		const char *f = attr_of(&d.els[i], "fill");
		if (!f || (strcmp(f, "#0072B2") && strcmp(f, "#E69F00")))
			continue;
		circles += strcmp(d.els[i].name, "circle") == 0;
		squares += strcmp(d.els[i].name, "rect") == 0;
	}
	assert_int_equal(circles, n);
	assert_int_equal(squares, n);
	for (size_t i = 0; i < n; i++) {
		char t[64];
		snprintf(t, sizeof t, "Trục %zu", i + 1);
		assert_true(has_text(&d, t));
	}
	assert_true(has_title(&d, "Đơn vị – Trục 3: 0,15"));
	doc_free(&d);
	dti_buf_release(&b);
}

static void test_radar_3_axes(void **state)
{
	(void)state;
	radar_axes(3, DTI_OK);
}

static void test_radar_20_axes(void **state)
{
	(void)state;
	radar_axes(20, DTI_OK);
}

static void test_radar_bad_axes(void **state)
{
	(void)state;
	radar_axes(2, DTI_EARG);
	radar_axes(21, DTI_EARG);
}

/* A missing value breaks the outline; nothing is drawn at the centre. */
static void test_radar_missing(void **state)
{
	(void)state;
	const char *axes[] = {"A", "B", "C", "D", "E"};
	double v[] = {0.8, NAN, 0.6, 0.7, 0.9};
	struct dti_chart_series s[] = {{"Unit", v}};
	struct dti_chart_opts o = opts(DTI_LANG_EN, 1);
	struct dti_buf b = DTI_BUF_INIT;
	struct dti_error err = DTI_ERROR_INIT;
	assert_int_equal(dti_chart_radar(&o, 5, axes, 1, s, &b, &err), DTI_OK);
	struct doc d;
	check_svg(b.data, "dti-chart", &d);
	assert_int_equal(count_with(&d, "polygon", "fill-opacity", "0.12"), 0);
	/* the outline: A-B and B-C are gone, C-D-E-A stays, in one piece */
	const char *path = NULL;
	for (size_t i = 0; i < d.n; i++)
		if (strcmp(d.els[i].name, "path") == 0)
			path = attr_of(&d.els[i], "d");
	assert_non_null(path);
	size_t moves = 0, lines = 0;
	for (const char *p = path; *p; p++) {
		moves += *p == 'M';
		lines += *p == 'L';
	}
	assert_int_equal(moves, 1);
	assert_int_equal(lines, 3);
	/* four markers, none at the centre, where the five axes start */
	double cx = NAN, cy = NAN;
	size_t axes_from = 0;
	for (size_t i = 0; i < d.n; i++)
		if (strcmp(d.els[i].name, "line") == 0 &&
		    num_attr(&d.els[i], "x1") ==
		        num_attr(&d.els[0], "width") / 2) {
			cx = num_attr(&d.els[i], "x1");
			cy = num_attr(&d.els[i], "y1");
			axes_from++;
		}
	assert_int_equal(axes_from, 5);
	size_t markers = 0;
	for (size_t i = 0; i < d.n; i++)
		if (strcmp(d.els[i].name, "circle") == 0 &&
		    strcmp(attr_of(&d.els[i], "fill"), "#0072B2") == 0) {
			markers++;
			assert_true(hypot(num_attr(&d.els[i], "cx") - cx,
			                  num_attr(&d.els[i], "cy") - cy) > 10);
		}
	assert_int_equal(markers, 4);
	assert_true(has_text(&d, "no value"));
	assert_false(has_title(&d, "Unit – B: 0.0"));
	doc_free(&d);
	dti_buf_release(&b);
}

/* ---- trend --------------------------------------------------------------- */

/* 63 provinces in 2021 and 2022, none 2023 and 2024, 34 in 2025. */
static void test_trend_63_then_34(void **state)
{
	(void)state;
	struct dti_chart_point p[] = {
	    {2025, "dti-2025", 0.72, 3, 34},
	    {2021, "dti-2021", 0.6888, 4, 63},
	    {2022, "dti-2022", 0.7010, 7, 63},
	};
	struct dti_chart_trend_series ts = {"Đà Nẵng", 3, p};
	struct dti_chart_opts o = opts(DTI_LANG_VI, 4);
	struct dti_buf b = DTI_BUF_INIT, again = DTI_BUF_INIT;
	struct dti_error err = DTI_ERROR_INIT;
	assert_int_equal(dti_chart_trend(&o, 1, &ts,
	                                 DTI_CHART_VALUES | DTI_CHART_RANKS, &b,
	                                 &err),
	                 DTI_OK);
	struct doc d;
	check_svg(b.data, "dti-chart", &d);
	assert_true(has_text(&d, "4/63"));
	assert_true(has_text(&d, "7/63"));
	assert_true(has_text(&d, "3/34"));
	assert_true(has_text(&d, "0,6888"));
	/* the field of each year, written under its bar */
	assert_true(has_text(&d, "63"));
	assert_true(has_text(&d, "34"));
	assert_true(has_title(&d, "2025: 34 số đơn vị được xếp hạng"));
	/* every year has its place, 2023 and 2024 too */
	for (int y = 2021; y <= 2025; y++) {
		char t[8];
		snprintf(t, sizeof t, "%d", y);
		assert_true(has_text(&d, t));
	}
	/* lines: 2021-2022 only (value and rank), no line over the gap */
	size_t paths = 0;
	for (size_t i = 0; i < d.n; i++)
		if (strcmp(d.els[i].name, "path") == 0) {
			const char *dd = attr_of(&d.els[i], "d");
			size_t m = 0;
			for (const char *q = dd; *q; q++)
				m += *q == 'M';
			assert_int_equal(m, 1);
			paths++;
		}
	assert_int_equal(paths, 2);
	/* rank 1 at the top: the marker of rank 3 above that of rank 7 */
	double y3 = NAN, y7 = NAN, y4 = NAN;
	for (size_t i = 1; i < d.n; i++) {
		const struct el *t = &d.els[i];
		if (strcmp(t->name, "title") || !t->text || t->parent < 0)
			continue;
		const struct el *m = &d.els[t->parent];
		if (strcmp(m->name, "circle"))
			continue;
		if (strstr(t->text, "hạng 3/34"))
			y3 = num_attr(m, "cy");
		if (strstr(t->text, "hạng 7/63"))
			y7 = num_attr(m, "cy");
		if (strstr(t->text, "hạng 4/63"))
			y4 = num_attr(m, "cy");
	}
	assert_false(isnan(y3) || isnan(y7) || isnan(y4));
	assert_true(y3 < y4 && y4 < y7);
	assert_true(has_title(&d, "Đà Nẵng, 2021 (dti-2021): hạng 4/63"));
	assert_true(has_title(&d, "Đà Nẵng, 2022 (dti-2022): 0,7010"));
	/* the order of the points does not matter */
	struct dti_chart_point q[] = {p[1], p[2], p[0]};
	ts.points = q;
	assert_int_equal(dti_chart_trend(&o, 1, &ts,
	                                 DTI_CHART_VALUES | DTI_CHART_RANKS,
	                                 &again, &err),
	                 DTI_OK);
	assert_int_equal(b.len, again.len);
	assert_memory_equal(b.data, again.data, b.len);
	doc_free(&d);
	dti_buf_release(&b);
	dti_buf_release(&again);
}

/* A year without a value leaves a gap; an unranked year has no marker. */
static void test_trend_missing(void **state)
{
	(void)state;
	struct dti_chart_point p[] = {
	    {2020, NULL, 0.5, 10, 63},
	    {2021, NULL, NAN, 0, 63},
	    {2022, NULL, 0.6, 8, 63},
	};
	struct dti_chart_trend_series ts = {"X", 3, p};
	struct dti_chart_opts o = opts(DTI_LANG_EN, 2);
	struct dti_buf b = DTI_BUF_INIT;
	struct dti_error err = DTI_ERROR_INIT;
	assert_int_equal(
	    dti_chart_trend(&o, 1, &ts, DTI_CHART_VALUES, &b, &err), DTI_OK);
	struct doc d;
	check_svg(b.data, "dti-chart", &d);
	/* no line at all: 2020-2021 and 2021-2022 each lack a value */
	assert_int_equal(count(&d, "path"), 0);
	assert_contains(d.els[2].text, "2021 no value");
	assert_false(has_text(&d, "0.00"));
	doc_free(&d);
	dti_buf_release(&b);
}

static void test_trend_bad(void **state)
{
	(void)state;
	struct dti_chart_point dup[] = {{2022, NULL, 0.5, 1, 5},
	                                {2022, NULL, 0.6, 2, 5}};
	struct dti_chart_point beyond[] = {{2022, NULL, 0.5, 40, 34}};
	struct dti_chart_point none[] = {{2022, NULL, NAN, 0, 34}};
	struct dti_chart_trend_series ts = {"X", 2, dup};
	struct dti_chart_opts o = opts(DTI_LANG_EN, 2);
	struct dti_buf b = DTI_BUF_INIT;
	struct dti_error err = DTI_ERROR_INIT;
	assert_int_equal(dti_chart_trend(&o, 1, &ts, 3, &b, &err),
	                 DTI_EINVALID);
	assert_string_equal(err.field, "series[0].points[1].year");
	dti_error_release(&err);
	ts = (struct dti_chart_trend_series){"X", 1, beyond};
	assert_int_equal(dti_chart_trend(&o, 1, &ts, 3, &b, &err),
	                 DTI_EINVALID);
	assert_string_equal(err.field, "series[0].points[0].rank");
	dti_error_release(&err);
	ts = (struct dti_chart_trend_series){"X", 1, none};
	assert_int_equal(dti_chart_trend(&o, 1, &ts, 3, &b, &err),
	                 DTI_EINVALID);
	assert_string_equal(err.field, "series");
	dti_error_release(&err);
	assert_int_equal(dti_chart_trend(&o, 1, &ts, 0, &b, &err), DTI_EARG);
	assert_string_equal(err.field, "show");
	dti_error_release(&err);
	assert_int_equal(dti_chart_trend(&o, 5, &ts, 1, &b, &err), DTI_EARG);
	assert_string_equal(err.field, "nseries");
	dti_error_release(&err);
	assert_int_equal(b.len, 0);
}

/* ---- distribution -------------------------------------------------------- */

static void test_distribution(void **state)
{
	(void)state;
	struct dti_chart_item it[] = {
	    {"01", "Hà Nội", 0.7779},      {"48", "Đà Nẵng", 0.7010},
	    {"79", "Hồ Chí Minh", 0.8039}, {"02", "Hà Giang", NAN},
	    {"08", "Tuyên Quang", 0.5},    {"22", "Quảng Ninh", 0.7770},
	};
	struct dti_chart_opts o = opts(DTI_LANG_VI, 4);
	struct dti_buf b = DTI_BUF_INIT;
	struct dti_error err = DTI_ERROR_INIT;
	assert_int_equal(dti_chart_distribution(&o, 6, it, "48", &b, &err),
	                 DTI_OK);
	struct doc d;
	check_svg(b.data, "dti-chart", &d);
	/* five dots with a title each (Hà Giang has none), the median of
	   0.5, 0.7010, 0.7770, 0.7779, 0.8039 is 0.7770 */
	assert_int_equal(count(&d, "circle"), 5);
	assert_true(has_title(&d, "Hà Nội: 0,7779"));
	assert_false(has_title(&d, "Hà Giang: 0,0000"));
	assert_true(has_text(&d, "trung vị 0,7770"));
	assert_true(has_text(&d, "Đà Nẵng: 0,7010"));
	assert_true(has_text(&d, "1 đơn vị chưa có giá trị"));
	assert_int_equal(count_with(&d, "circle", "fill", "#D55E00"), 1);
	doc_free(&d);
	dti_buf_reset(&b);
	assert_int_equal(dti_chart_distribution(&o, 6, it, "99", &b, &err),
	                 DTI_ENOTFOUND);
	assert_string_equal(err.field, "highlight");
	assert_int_equal(b.len, 0);
	dti_error_release(&err);
	/* the same id twice */
	it[1].id = "01";
	assert_int_equal(dti_chart_distribution(&o, 6, it, NULL, &b, &err),
	                 DTI_EINVALID);
	assert_string_equal(err.field, "items[1].id");
	dti_error_release(&err);
	dti_buf_release(&b);
}

/* Beyond 400 units: bars of 20 classes, the counts adding up. */
static void test_distribution_histogram(void **state)
{
	(void)state;
	enum { N = 1000 };
	static struct dti_chart_item it[N];
	static char ids[N][8];
	for (size_t i = 0; i < N; i++) {
		snprintf(ids[i], sizeof ids[i], "%zu", i);
		it[i] = (struct dti_chart_item){ids[i], NULL,
		                                (double)(i % 97) / 96.0};
	}
	struct dti_chart_opts o = opts(DTI_LANG_EN, 2);
	struct dti_buf b = DTI_BUF_INIT;
	struct dti_error err = DTI_ERROR_INIT;
	assert_int_equal(dti_chart_distribution(&o, N, it, "500", &b, &err),
	                 DTI_OK);
	struct doc d;
	check_svg(b.data, "dti-chart", &d);
	assert_int_equal(count(&d, "circle"), 0);
	size_t total = 0, bars = 0;
	for (size_t i = 0; i < d.n; i++) {
		const struct el *t = &d.els[i];
		if (strcmp(t->name, "title") || t->parent < 0 ||
		    strcmp(d.els[t->parent].name, "rect"))
			continue;
		const char *c = strstr(t->text, ": ");
		assert_non_null(c);
		total += strtoul(c + 2, NULL, 10);
		bars++;
	}
	assert_int_equal(total, N);
	assert_true(bars <= 20 && bars >= 15);
	assert_int_equal(count_with(&d, "rect", "fill", "#D55E00"), 1);
	doc_free(&d);
	dti_buf_release(&b);
}

/* ---- tile maps ----------------------------------------------------------- */

/*
 * The layout has one tile per unit of the registry valid on its date,
 * named as there, and the map one <g> per tile, each in a cell of its
 * own, with the tile's label and "name: value".
 */
static void check_layout_and_map(const char *rel, size_t want)
{
	struct dti_tile_layout *l = layout(rel);
	assert_int_equal(l->ntiles, want);
	assert_true(dti_date_valid(l->date));
	struct dti_units *u = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	char *up = test_path("data/units/vn-provinces.csv");
	assert_int_equal(dti_units_load(up, &u, &err), DTI_OK);
	free(up);
	size_t valid = 0;
	for (size_t i = 0; i < dti_units_count(u); i++) {
		if (!dti_units_valid_on(u, i, l->date))
			continue;
		valid++;
		struct dti_unit_info ui;
		dti_units_get(u, i, &ui);
		size_t found = 0;
		for (size_t t = 0; t < l->ntiles; t++)
			if (strcmp(l->tiles[t].id, ui.id) == 0) {
				found++;
				assert_string_equal(l->tiles[t].name,
				                    ui.name_vi);
			}
		if (found != 1)
			print_error("%s: unit %s has %zu tiles\n", rel, ui.id,
			            found);
		assert_int_equal(found, 1);
	}
	assert_int_equal(valid, l->ntiles);

	/* values for every tile but the third, which gets NaN, and the
	   fifth, which gets no item */
	struct dti_chart_item *it = calloc(l->ntiles, sizeof *it);
	size_t n = 0;
	for (size_t t = 0; t < l->ntiles; t++) {
		if (t == 4)
			continue;
		it[n++] = (struct dti_chart_item){
		    l->tiles[t].id, NULL,
		    t == 2 ? NAN : 0.3 + 0.01 * (double)t};
	}
	struct dti_chart_opts o = opts(DTI_LANG_VI, 4);
	o.id_prefix = "m";
	struct dti_buf b = DTI_BUF_INIT;
	assert_int_equal(
	    dti_chart_tilemap(&o, l, n, it, l->tiles[0].id, &b, &err), DTI_OK);
	struct doc d;
	check_svg(b.data, "m", &d);
	size_t tiles = 0;
	double(*cell)[2] = calloc(l->ntiles, sizeof *cell);
	for (size_t i = 0; i < d.n; i++) {
		const char *id = attr_of(&d.els[i], "id");
		if (!id || strncmp(id, "m-tile-", 7))
			continue;
		assert_string_equal(d.els[i].name, "g");
		/* the tile of that id: its children are title, rect, text */
		size_t t = 0;
		char want_id[80];
		for (; t < l->ntiles; t++) {
			snprintf(want_id, sizeof want_id, "m-tile-%s",
			         l->tiles[t].id);
			if (strcmp(id, want_id) == 0)
				break;
		}
		assert_true(t < l->ntiles);
		assert_string_equal(d.els[i + 1].name, "title");
		assert_string_equal(d.els[i + 2].name, "rect");
		assert_string_equal(d.els[i + 3].name, "text");
		assert_string_equal(d.els[i + 3].text, l->tiles[t].label);
		char title[160];
		if (t == 2 || t == 4)
			snprintf(title, sizeof title, "%s: chưa có giá trị",
			         l->tiles[t].name);
		else
			snprintf(title, sizeof title, "%s: 0,%04d",
			         l->tiles[t].name, 3000 + 100 * (int)t);
		assert_string_equal(d.els[i + 1].text, title);
		const char *fill = attr_of(&d.els[i + 2], "fill");
		if (t == 2 || t == 4)
			assert_string_equal(fill, "url(#m-hatch)");
		else
			assert_true(fill[0] == '#');
		double x = num_attr(&d.els[i + 2], "x");
		double y = num_attr(&d.els[i + 2], "y");
		for (size_t k = 0; k < tiles; k++)
			assert_false(cell[k][0] == x && cell[k][1] == y);
		cell[tiles][0] = x;
		cell[tiles][1] = y;
		tiles++;
	}
	assert_int_equal(tiles, l->ntiles);
	assert_true(by_id(&d, "m-hatch") > 0);
	assert_true(has_text(&d, "chưa có giá trị"));
	assert_contains(d.els[2].text, "2 đơn vị chưa có giá trị");
	/* the highlighted tile is outlined */
	assert_int_equal(count_with(&d, "rect", "stroke", "#D55E00"), 1);
	doc_free(&d);
	free(cell);
	free(it);
	dti_buf_release(&b);
	dti_units_free(u);
	dti_tile_layout_free(l);
}

static void test_tiles_63(void **state)
{
	(void)state;
	check_layout_and_map("data/units/tiles-63.csv", 63);
}

static void test_tiles_34(void **state)
{
	(void)state;
	check_layout_and_map("data/units/tiles-34.csv", 34);
}

/* The layouts keep the country's shape: the north at the top. */
static void test_tiles_shape(void **state)
{
	(void)state;
	const char *files[] = {"data/units/tiles-63.csv",
	                       "data/units/tiles-34.csv"};
	const char *north[] = {"12", "12"}, *capital[] = {"01", "01"},
	           *south[] = {"96", "96-2025"};
	for (int f = 0; f < 2; f++) {
		struct dti_tile_layout *l = layout(files[f]);
		int rn = -1, rh = -1, rs = -1, maxrow = 0;
		for (size_t t = 0; t < l->ntiles; t++) {
			const struct dti_tile *x = &l->tiles[t];
			if (strcmp(x->id, north[f]) == 0)
				rn = x->row;
			if (strcmp(x->id, capital[f]) == 0)
				rh = x->row;
			if (strcmp(x->id, south[f]) == 0)
				rs = x->row;
			if (x->row > maxrow)
				maxrow = x->row;
		}
		assert_int_equal(rn, 0);
		assert_true(rh > rn && rh < rs);
		assert_int_equal(rs, maxrow);
		dti_tile_layout_free(l);
	}
}

static void test_layout_errors(void **state)
{
	(void)state;
	const char *text = "# layout: t\n"
	                   "# date: 2025-02-30\n"
	                   "id,row,col,label\n"
	                   "a,0,0,A\n"
	                   "b,0,0,B\n"
	                   "a,1,1,A2\n"
	                   "c,x,1,C\n"
	                   "d,2,200,D\n"
	                   "e,3,3,TOOLONGLABEL\n"
	                   "f,4,4,\n";
	struct dti_tile_layout *l = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	assert_int_equal(
	    dti_tile_layout_parse(text, strlen(text), "t.csv", &l, &err),
	    DTI_EINVALID);
	assert_null(l);
	char all[8192] = "";
	char line[1024];
	dti_error_format(&err, line, sizeof line);
	strcat(all, line);
	for (size_t i = 0; i < err.nmore; i++) {
		dti_diag_format(&err.more[i], line, sizeof line);
		strcat(all, "\n");
		strcat(all, line);
	}
	assert_contains(all, "t.csv:5:3: col: row 0, col 0 is already the "
	                     "tile of 'a' (line 4)");
	assert_contains(all, "t.csv:6:1: id: 'a' repeats line 4");
	assert_contains(all, "t.csv:7:2: row: 'x': expected a whole number");
	assert_contains(all, "t.csv:8:3: col: '200': expected a whole number "
	                     "0..199");
	assert_contains(all, "t.csv:9:4: label: 'TOOLONGLABEL'");
	assert_contains(all, "t.csv:10:4: label: '': expected 1..8");
	assert_contains(all, "date: '2025-02-30'");
	dti_error_release(&err);

	const char *nocol = "id,row,label\na,0,A\n";
	assert_int_equal(
	    dti_tile_layout_parse(nocol, strlen(nocol), "n.csv", &l, &err),
	    DTI_EINVALID);
	assert_contains(err.message, "missing required column 'col'");
	dti_error_release(&err);
	assert_int_equal(dti_tile_layout_parse("", 0, "e.csv", &l, &err),
	                 DTI_EINVALID);
	assert_contains(err.message, "no header");
	dti_error_release(&err);
}

/* A caller's layout and items are checked as well. */
static void test_tilemap_bad(void **state)
{
	(void)state;
	struct dti_tile tiles[] = {{"a", "A", "Alpha", 0, 0},
	                           {"b", "B", "Beta", 0, 1},
	                           {"c", "C", "Gamma", 0, 1}};
	struct dti_tile_layout l = {"t", "", "", "", 2, tiles};
	struct dti_chart_item it[] = {{"a", NULL, 0.5}, {"z", NULL, 0.2}};
	struct dti_chart_opts o = opts(DTI_LANG_EN, 2);
	struct dti_buf b = DTI_BUF_INIT;
	struct dti_error err = DTI_ERROR_INIT;
	assert_int_equal(dti_chart_tilemap(&o, &l, 2, it, NULL, &b, &err),
	                 DTI_ENOTFOUND);
	assert_string_equal(err.field, "items[1].id");
	assert_contains(err.message, "'z' has no tile in layout 't'");
	dti_error_release(&err);
	l.ntiles = 3;
	assert_int_equal(dti_chart_tilemap(&o, &l, 1, it, NULL, &b, &err),
	                 DTI_EINVALID);
	assert_string_equal(err.field, "layout.tiles[2]");
	dti_error_release(&err);
	l.ntiles = 2;
	it[0].value = NAN;
	assert_int_equal(dti_chart_tilemap(&o, &l, 1, it, NULL, &b, &err),
	                 DTI_EINVALID);
	assert_string_equal(err.field, "items");
	dti_error_release(&err);
	it[0].value = 0.5;
	assert_int_equal(dti_chart_tilemap(&o, &l, 1, it, "q", &b, &err),
	                 DTI_ENOTFOUND);
	assert_string_equal(err.field, "highlight");
	dti_error_release(&err);
	assert_int_equal(dti_chart_tilemap(&o, &l, 0, it, NULL, &b, &err),
	                 DTI_EARG);
	assert_string_equal(err.field, "n");
	dti_error_release(&err);
	assert_int_equal(b.len, 0);
	/* ids with other characters make ids of their own */
	struct dti_tile odd[] = {{"x.y", "X", NULL, 0, 0},
	                         {"x_2Ey", "Y", NULL, 1, 0}};
	struct dti_tile_layout lo = {"odd", "", "", "", 2, odd};
	struct dti_chart_item one = {"x.y", NULL, 1};
	assert_int_equal(dti_chart_tilemap(&o, &lo, 1, &one, NULL, &b, &err),
	                 DTI_OK);
	struct doc d;
	check_svg(b.data, "dti-chart", &d);
	assert_true(by_id(&d, "dti-chart-tile-x_2Ey") > 0);
	assert_true(by_id(&d, "dti-chart-tile-x_5F2Ey") > 0);
	doc_free(&d);
	dti_buf_release(&b);
}

/* ---- options and bad input ----------------------------------------------- */

static void test_bad_options(void **state)
{
	(void)state;
	double v[] = {0.5, NAN};
	double none[] = {NAN, NAN};
	struct dti_chart_series s[] = {{"A", v}};
	struct dti_chart_series empty[] = {{"A", none}};
	struct dti_chart_series five[5] = {
	    {"A", v}, {"B", v}, {"C", v}, {"D", v}, {"E", v}};
	struct dti_buf b = DTI_BUF_INIT;
	dti_buf_adds(&b, "kept");
	struct dti_error err = DTI_ERROR_INIT;
	struct dti_chart_opts o = opts(DTI_LANG_EN, 2);
	struct {
		struct dti_chart_opts o;
		size_t ncats, nseries;
		const struct dti_chart_series *s;
		enum dti_status st;
		const char *field;
	} cases[] = {
	    {o, 2, 1, s, DTI_OK, ""},
	    {o, 0, 1, s, DTI_EARG, "ncats"},
	    {o, 2, 0, s, DTI_EARG, "nseries"},
	    {o, 2, 5, five, DTI_EARG, "nseries"},
	    {o, 2, 1, empty, DTI_EINVALID, "series"},
	    {o, 2, 1, NULL, DTI_EARG, "series"},
	};
	cases[0].o.width = 400;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		size_t before = b.len;
		enum dti_status st =
		    dti_chart_bars(&cases[i].o, cases[i].ncats, pillars,
		                   cases[i].nseries, cases[i].s, &b, &err);
		assert_int_equal(st, cases[i].st);
		assert_string_equal(err.field, cases[i].field);
		if (st)
			assert_int_equal(b.len, before);
		dti_error_release(&err);
	}
	struct {
		int width, height, decimals;
		const char *prefix;
		double smin, smax;
		const char *field;
	} bad[] = {
	    {-5, 0, 2, NULL, 0, 0, "width"},
	    {100, 0, 2, NULL, 0, 0, "width"},
	    {10001, 0, 2, NULL, 0, 0, "width"},
	    {0, -1, 2, NULL, 0, 0, "height"},
	    {0, 0, -1, NULL, 0, 0, "decimals"},
	    {0, 0, 11, NULL, 0, 0, "decimals"},
	    {0, 0, 2, "1abc", 0, 0, "id_prefix"},
	    {0, 0, 2, "a b", 0, 0, "id_prefix"},
	    {0, 0, 2, "", 0, 0, "id_prefix"},
	    {0, 0, 2, NULL, NAN, 1, "scale_min"},
	    {0, 0, 2, NULL, 0, INFINITY, "scale_max"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		struct dti_chart_opts x = o;
		x.width = bad[i].width;
		x.height = bad[i].height;
		x.decimals = bad[i].decimals;
		x.id_prefix = bad[i].prefix;
		x.scale_min = bad[i].smin;
		x.scale_max = bad[i].smax;
		size_t before = b.len;
		assert_int_equal(dti_chart_bars(&x, 2, pillars, 1, s, &b, &err),
		                 DTI_EARG);
		assert_string_equal(err.field, bad[i].field);
		assert_int_equal(b.len, before);
		dti_error_release(&err);
	}
	/* text that is not UTF-8 */
	struct dti_chart_series latin1[] = {{"H\xe0 N\xf4i", v}};
	assert_int_equal(dti_chart_bars(&o, 2, pillars, 1, latin1, &b, &err),
	                 DTI_EENCODING);
	assert_string_equal(err.field, "series[0].name");
	dti_error_release(&err);
	/* an infinite value */
	double inf[] = {0.5, INFINITY};
	struct dti_chart_series si[] = {{"A", inf}};
	assert_int_equal(dti_chart_bars(&o, 2, pillars, 1, si, &b, &err),
	                 DTI_EINVALID);
	assert_string_equal(err.field, "series[0].values[1]");
	dti_error_release(&err);
	/* too small to draw: 40 bars in 120 px */
	const char *many[40];
	double mv[40];
	for (size_t i = 0; i < 40; i++) {
		many[i] = "x";
		mv[i] = 0.5;
	}
	struct dti_chart_series sm[] = {{"A", mv}};
	struct dti_chart_opts tiny = o;
	tiny.height = 120;
	assert_int_equal(dti_chart_bars(&tiny, 40, many, 1, sm, &b, &err),
	                 DTI_EINVALID);
	assert_string_equal(err.field, "height");
	assert_contains(err.message, "120 px leaves no room for 40 bars");
	dti_error_release(&err);
	assert_int_equal(dti_chart_bars(&o, 2, pillars, 1, s, NULL, &err),
	                 DTI_EARG);
	assert_string_equal(err.field, "out");
	dti_error_release(&err);
	assert_memory_equal(b.data, "kept", 4);
	dti_buf_release(&b);
}

/* Two charts on one page: their ids differ by the prefix. */
static void test_id_prefix(void **state)
{
	(void)state;
	struct dti_chart_item it[] = {{"a", "A", 0.2}, {"b", "B", NAN}};
	struct dti_tile tiles[] = {{"a", "A", "Alpha", 0, 0},
	                           {"b", "B", "Beta", 0, 1}};
	struct dti_tile_layout l = {"t", "", "", "", 2, tiles};
	struct dti_chart_opts o = opts(DTI_LANG_EN, 2);
	struct dti_buf one = DTI_BUF_INIT, two = DTI_BUF_INIT;
	struct dti_error err = DTI_ERROR_INIT;
	o.id_prefix = "first";
	assert_int_equal(dti_chart_tilemap(&o, &l, 2, it, NULL, &one, &err),
	                 DTI_OK);
	o.id_prefix = "second_2";
	assert_int_equal(dti_chart_tilemap(&o, &l, 2, it, NULL, &two, &err),
	                 DTI_OK);
	struct doc d1, d2;
	check_svg(one.data, "first", &d1);
	check_svg(two.data, "second_2", &d2);
	for (size_t i = 0; i < d1.n; i++) {
		const char *id = attr_of(&d1.els[i], "id");
		if (id)
			assert_int_equal(by_id(&d2, id), -1);
	}
	assert_true(by_id(&d1, "first-hatch") > 0);
	assert_non_null(strstr(one.data, "url(#first-hatch)"));
	assert_null(strstr(one.data, "second"));
	doc_free(&d1);
	doc_free(&d2);
	dti_buf_release(&one);
	dti_buf_release(&two);
}

/* A buffer with a small maximum gets nothing, and says why. */
static void test_buffer_limit(void **state)
{
	(void)state;
	double v[] = {0.5, 0.6};
	struct dti_chart_series s[] = {{"A", v}};
	struct dti_chart_opts o = opts(DTI_LANG_EN, 2);
	struct dti_buf b;
	dti_buf_init(&b, 256);
	struct dti_error err = DTI_ERROR_INIT;
	assert_int_equal(dti_chart_bars(&o, 2, pillars, 1, s, &b, &err),
	                 DTI_ELIMIT);
	assert_int_equal(b.len, 0);
	dti_error_release(&err);
	dti_buf_release(&b);
}

/* ---- charts of the analyses ---------------------------------------------- */

/* COINr's ASEM example: iMeta.csv as the framework, iData.csv as data. */
struct asem {
	struct dti_framework *fw;
	struct dti_dataset *ds;
	struct dti_result *res;
};

static void asem_load(struct asem *a)
{
	struct dti_error err = DTI_ERROR_INIT;
	char *fp = test_path("tests/data/coinr-asem/iMeta.csv");
	char *dp = test_path("tests/data/coinr-asem/iData.csv");
	assert_int_equal(dti_framework_load(fp, &a->fw, &err), DTI_OK);
	assert_int_equal(dti_dataset_read(a->fw, NULL, dp, NULL, &a->ds, &err),
	                 DTI_OK);
	assert_int_equal(dti_compute(a->fw, a->ds, 0, NULL, &a->res, &err),
	                 DTI_OK);
	free(fp);
	free(dp);
	dti_error_release(&err);
}

static void asem_free(struct asem *a)
{
	dti_result_free(a->res);
	dti_dataset_free(a->ds);
	dti_framework_free(a->fw);
}

/* The x of the first <text> that reads t (a tick label). */
static double text_x(const struct doc *d, const char *t)
{
	for (size_t i = 0; i < d->n; i++)
		if (strcmp(d->els[i].name, "text") == 0 && d->els[i].text &&
		    strcmp(d->els[i].text, t) == 0)
			return num_attr(&d->els[i], "x");
	fail_msg("no text '%s'", t);
	return NAN;
}

/* The element whose id is id; fails without one. */
static const struct el *el_of(const struct doc *d, const char *id)
{
	long i = by_id(d, id);
	if (i < 0)
		fail_msg("no element '%s'", id);
	return &d->els[i];
}

/* Elements whose id starts with p. */
static size_t count_prefix(const struct doc *d, const char *p)
{
	size_t n = 0;
	for (size_t i = 0; i < d->n; i++) {
		const char *id = attr_of(&d->els[i], "id");
		n += id && strncmp(id, p, strlen(p)) == 0;
	}
	return n;
}

/* The text of the <title> child of element e, or NULL. */
static const char *title_of(const struct doc *d, const struct el *e)
{
	long at = (long)(e - d->els);
	for (size_t i = (size_t)at + 1; i < d->n; i++)
		if (d->els[i].parent == at &&
		    strcmp(d->els[i].name, "title") == 0)
			return d->els[i].text;
	return NULL;
}

/* Coordinates are written with two decimals at most. */
#define PX 0.006

/*
 * The ranks of 200 runs on ASEM, weights within ±25 %: a row per unit in
 * the nominal order, each interval's ends where the rank axis puts p5 and
 * p95 (the axis read from its tick labels 1 and 50), the same bytes when
 * drawn again; the first 5 units alone; refusals.
 */
static void test_ranks(void **state)
{
	(void)state;
	struct asem a;
	asem_load(&a);
	struct dti_ua_opts uo;
	dti_ua_opts_init(&uo);
	uo.runs = 200;
	uo.seed = 3;
	uo.weight_noise = 0.25;
	uo.threads = 1;
	struct dti_ua_result ua;
	struct dti_error err = DTI_ERROR_INIT;
	assert_int_equal(dti_uncertainty(a.fw, a.ds, 0, NULL, &uo, &ua, &err),
	                 DTI_OK);
	assert_int_equal(ua.n, 51);
	struct dti_chart_opts o = opts(DTI_LANG_EN, 4);
	struct dti_buf b = DTI_BUF_INIT, again = DTI_BUF_INIT;
	assert_int_equal(dti_chart_ranks(&o, &ua, &b, &err), DTI_OK);
	struct doc d;
	check_svg(b.data, "dti-chart", &d);
	assert_int_equal(count_prefix(&d, "dti-chart-unit-"), 51);
	assert_int_equal(count_prefix(&d, "dti-chart-interval-"), 51);
	/* both tick labels are rounded to 0.01 px as well */
	double x1 = text_x(&d, "1"), x50 = text_x(&d, "50");
	double per = (x50 - x1) / 49, prev_y = -1;
	int fractional = 0;
	for (size_t i = 0; i < ua.n; i++) {
		const struct dti_ua_unit *u = &ua.units[i];
		char id[64];
		snprintf(id, sizeof id, "dti-chart-interval-%zu", i + 1);
		const struct el *l = el_of(&d, id);
		assert_near(num_attr(l, "x1"), x1 + (u->p5 - 1) * per, 3 * PX);
		assert_near(num_attr(l, "x2"), x1 + (u->p95 - 1) * per, 3 * PX);
		assert_near(num_attr(l, "y1"), num_attr(l, "y2"), 0);
		assert_true(num_attr(l, "y1") > prev_y);
		prev_y = num_attr(l, "y1");
		/* the row's title starts with the unit's name */
		snprintf(id, sizeof id, "dti-chart-unit-%zu", i + 1);
		struct dti_dataset_unit du;
		dti_dataset_unit(a.ds, u->unit, &du);
		const char *t = title_of(&d, el_of(&d, id));
		assert_non_null(t);
		assert_int_equal(strncmp(t, du.name, strlen(du.name)), 0);
		char nominal[64];
		snprintf(nominal, sizeof nominal, ": nominal rank %d,",
		         u->nominal);
		assert_contains(t, nominal);
		fractional |= u->p95 != floor(u->p95);
	}
	assert_true(has_text(&d, "Rank (1 = first)"));
	doc_free(&d);
	assert_int_equal(dti_chart_ranks(&o, &ua, &again, &err), DTI_OK);
	assert_int_equal(again.len, b.len);
	assert_memory_equal(again.data, b.data, b.len);
	/* in Vietnamese, a decimal comma in a fractional rank */
	dti_buf_reset(&b);
	o.lang = DTI_LANG_VI;
	assert_int_equal(dti_chart_ranks(&o, &ua, &b, &err), DTI_OK);
	check_svg(b.data, "dti-chart", &d);
	assert_true(has_text(&d, "Thứ hạng (1 = cao nhất)"));
	assert_true(has_text(&d, "hạng gốc"));
	assert_contains(d.els[1].text, "Thứ hạng khi các lựa chọn thay đổi");
	/* a p95 whose one decimal is not 0 and is no tie */
	if (fractional)
		for (size_t i = 0; i < ua.n; i++) {
			double t = ua.units[i].p95 * 10;
			if (fabs(t - round(t)) > 0.01 &&
			    fmod(round(t), 10) != 0) {
				char want[32];
				snprintf(want, sizeof want, "%.1f",
				         ua.units[i].p95);
				*strchr(want, '.') = ',';
				assert_contains(d.els[2].text, want);
				break;
			}
		}
	doc_free(&d);
	/* the first five units */
	struct dti_ua_result top = ua;
	top.n = 5;
	dti_buf_reset(&b);
	assert_int_equal(dti_chart_ranks(&o, &top, &b, &err), DTI_OK);
	check_svg(b.data, "dti-chart", &d);
	assert_int_equal(count_prefix(&d, "dti-chart-unit-"), 5);
	doc_free(&d);
	/* too low for 51 rows */
	o.height = 200;
	dti_buf_reset(&b);
	assert_int_equal(dti_chart_ranks(&o, &ua, &b, &err), DTI_EINVALID);
	assert_string_equal(err.field, "height");
	assert_int_equal(b.len, 0);
	dti_error_release(&err);
	o.height = 0;
	/* ranks out of order */
	struct dti_ua_unit bad = ua.units[0];
	bad.p5 = bad.median + 1;
	struct dti_ua_result one = ua;
	one.units = &bad;
	one.n = 1;
	assert_int_equal(dti_chart_ranks(&o, &one, &b, &err), DTI_EINVALID);
	assert_string_equal(err.field, "units[0]");
	dti_error_release(&err);
	/* more rows than 10,000 px hold: refused, the buffer untouched */
	enum { MANY = 700 };
	static struct dti_ua_unit many[MANY];
	for (int i = 0; i < MANY; i++)
		many[i] = (struct dti_ua_unit){
		    0, i + 1, i + 1.0, i + 1.0, i + 1.0, i + 1.0, i + 1, i + 1};
	one.units = many;
	one.n = MANY;
	assert_int_equal(dti_chart_ranks(&o, &one, &b, &err), DTI_ELIMIT);
	assert_string_equal(err.field, "n");
	assert_int_equal(b.len, 0);
	dti_error_release(&err);
	dti_buf_release(&b);
	dti_buf_release(&again);
	dti_ua_result_release(&ua);
	asem_free(&a);
}

/*
 * Sobol indices drawn from a result written by hand: each bar as long as
 * its index on the [0, 1] scale (read from the ticks 0 and 1), each
 * whisker from its 5 % to its 95 % end, a missing index said in words, no
 * whisker without an interval; a negative estimate widens the scale.
 */
static void test_sobol(void **state)
{
	(void)state;
	struct asem a;
	asem_load(&a);
	struct dti_sa_result r;
	memset(&r, 0, sizeof r);
	r.fw = a.fw;
	r.node = dti_framework_root(a.fw);
	r.n = 100;
	r.runs = 400;
	r.ninputs = 2;
	r.inputs[0] =
	    (struct dti_sa_input){"weights", 0.25, 0.5, 0.1, 0.4, 0.3, 0.7};
	r.inputs[1] = (struct dti_sa_input){
	    "leave_one_out", 0.6, NAN, NAN, NAN, NAN, NAN};
	struct dti_chart_opts o = opts(DTI_LANG_EN, 2);
	struct dti_buf b = DTI_BUF_INIT;
	struct dti_error err = DTI_ERROR_INIT;
	assert_int_equal(dti_chart_sobol(&o, &r, &b, &err), DTI_OK);
	struct doc d;
	check_svg(b.data, "dti-chart", &d);
	double x0 = text_x(&d, "0"), x1 = text_x(&d, "1"), w = x1 - x0;
	const struct el *e = el_of(&d, "dti-chart-first-1");
	assert_near(num_attr(e, "x"), x0, PX);
	assert_near(num_attr(e, "width"), 0.25 * w, PX);
	assert_near(num_attr(el_of(&d, "dti-chart-total-1"), "width"), 0.5 * w,
	            PX);
	e = el_of(&d, "dti-chart-first-1-ci");
	assert_near(num_attr(e, "x1"), x0 + 0.1 * w, PX);
	assert_near(num_attr(e, "x2"), x0 + 0.4 * w, PX);
	e = el_of(&d, "dti-chart-total-1-ci");
	assert_near(num_attr(e, "x1"), x0 + 0.3 * w, PX);
	assert_near(num_attr(e, "x2"), x0 + 0.7 * w, PX);
	assert_near(num_attr(el_of(&d, "dti-chart-first-2"), "width"), 0.6 * w,
	            PX);
	assert_int_equal(by_id(&d, "dti-chart-first-2-ci"), -1);
	assert_int_equal(by_id(&d, "dti-chart-total-2"), -1);
	assert_true(has_text(&d, "no value"));
	assert_true(has_text(&d, "0.25"));
	assert_true(has_text(&d, "Weights"));
	assert_true(has_text(&d, "One indicator left out"));
	assert_contains(d.els[2].text,
	                "Weights: first-order 0.25 (0.10\xE2\x80\x93"
	                "0.40), total 0.50 (0.30\xE2\x80\x93"
	                "0.70)");
	doc_free(&d);
	/* Vietnamese; a negative first-order estimate */
	r.inputs[0].first = -0.2;
	r.inputs[0].first_lo = -0.45;
	o.lang = DTI_LANG_VI;
	dti_buf_reset(&b);
	assert_int_equal(dti_chart_sobol(&o, &r, &b, &err), DTI_OK);
	check_svg(b.data, "dti-chart", &d);
	assert_true(has_text(&d, "Trọng số"));
	assert_true(has_text(&d, "-0,20"));
	x0 = text_x(&d, "0");
	e = el_of(&d, "dti-chart-first-1");
	assert_true(num_attr(e, "x") < x0);
	assert_near(num_attr(e, "x") + num_attr(e, "width"), x0, PX);
	doc_free(&d);
	/* no bootstrap at all: said under the chart */
	r.inputs[0].first_lo = r.inputs[0].first_hi = NAN;
	r.inputs[0].total_lo = r.inputs[0].total_hi = NAN;
	o.lang = DTI_LANG_EN;
	dti_buf_reset(&b);
	assert_int_equal(dti_chart_sobol(&o, &r, &b, &err), DTI_OK);
	check_svg(b.data, "dti-chart", &d);
	assert_true(has_text(&d, "No bootstrap: no interval"));
	assert_int_equal(count_prefix(&d, "dti-chart-first-1-ci"), 0);
	doc_free(&d);
	r.inputs[1].first = INFINITY;
	dti_buf_reset(&b);
	assert_int_equal(dti_chart_sobol(&o, &r, &b, &err), DTI_EINVALID);
	assert_string_equal(err.field, "inputs[1]");
	assert_int_equal(b.len, 0);
	dti_error_release(&err);
	dti_buf_release(&b);
	asem_free(&a);
}

/*
 * The Pearson correlations of ASEM's Physical indicators: 8 x 8 cells,
 * 1.00 on the diagonal in the darkest blue, LPI and Flights 0.51 (COINr's
 * 0.50908, corr-raw.csv) both ways, each pair once in the text
 * alternative; a NaN hatched; a value outside [-1, 1] refused.
 */
static void test_heatmap(void **state)
{
	(void)state;
	struct asem a;
	asem_load(&a);
	size_t m[64],
	    k = dti_stats_members(
	        a.fw, (size_t)dti_framework_find(a.fw, "Physical"), 0, m);
	assert_int_equal(k, 8);
	double r[64];
	const char *codes[8];
	struct dti_error err = DTI_ERROR_INIT;
	assert_int_equal(dti_stats_corr_matrix(a.res, 0, DTI_CORR_PEARSON, k, m,
	                                       k, m, r, &err),
	                 DTI_OK);
	for (size_t i = 0; i < k; i++) {
		struct dti_node_info ni;
		dti_framework_node(a.fw, m[i], &ni);
		codes[i] = ni.code;
	}
	assert_string_equal(codes[0], "LPI");
	assert_string_equal(codes[1], "Flights");
	struct dti_chart_opts o = opts(DTI_LANG_EN, 2);
	struct dti_buf b = DTI_BUF_INIT;
	assert_int_equal(dti_chart_heatmap(&o, k, codes, k, codes, r, &b, &err),
	                 DTI_OK);
	struct doc d;
	check_svg(b.data, "dti-chart", &d);
	assert_int_equal(count_prefix(&d, "dti-chart-cell-"), 64);
	for (size_t i = 1; i <= k; i++) {
		char id[48], want[64];
		snprintf(id, sizeof id, "dti-chart-cell-%zu-%zu", i, i);
		const struct el *c = el_of(&d, id);
		assert_string_equal(attr_of(c, "fill"), "#2166ac");
		snprintf(want, sizeof want, "%s \xE2\x80\x93 %s: 1.00",
		         codes[i - 1], codes[i - 1]);
		assert_string_equal(title_of(&d, c), want);
	}
	assert_string_equal(title_of(&d, el_of(&d, "dti-chart-cell-1-2")),
	                    "LPI \xE2\x80\x93 Flights: 0.51");
	assert_string_equal(title_of(&d, el_of(&d, "dti-chart-cell-2-1")),
	                    "Flights \xE2\x80\x93 LPI: 0.51");
	assert_int_equal(count_with(&d, "text", "text-anchor", "middle") >= 64,
	                 1);
	assert_contains(d.els[2].text, "LPI \xE2\x80\x93 Flights 0.51;");
	assert_lacks(d.els[2].text, "Flights \xE2\x80\x93 LPI");
	assert_lacks(d.els[2].text, "LPI \xE2\x80\x93 LPI");
	/* the colour scale is a gradient of the same colours */
	assert_true(by_id(&d, "dti-chart-scale") > 0);
	doc_free(&d);
	/* a column of three, one undefined */
	double c3[] = {0.5, NAN, -1};
	const char *col[] = {"Index"};
	dti_buf_reset(&b);
	assert_int_equal(dti_chart_heatmap(&o, 3, codes, 1, col, c3, &b, &err),
	                 DTI_OK);
	check_svg(b.data, "dti-chart", &d);
	assert_int_equal(count_prefix(&d, "dti-chart-cell-"), 3);
	assert_string_equal(attr_of(el_of(&d, "dti-chart-cell-2-1"), "fill"),
	                    "url(#dti-chart-hatch)");
	assert_string_equal(attr_of(el_of(&d, "dti-chart-cell-3-1"), "fill"),
	                    "#b35806");
	assert_true(has_text(&d, "\xE2\x80\x93"));
	assert_true(has_text(&d, "-1.00"));
	doc_free(&d);
	c3[0] = 1.5;
	dti_buf_reset(&b);
	assert_int_equal(dti_chart_heatmap(&o, 3, codes, 1, col, c3, &b, &err),
	                 DTI_EINVALID);
	assert_string_equal(err.field, "r[0]");
	assert_int_equal(b.len, 0);
	dti_error_release(&err);
	assert_int_equal(dti_chart_heatmap(&o, 0, codes, 1, col, c3, &b, &err),
	                 DTI_EARG);
	assert_string_equal(err.field, "rows");
	dti_error_release(&err);
	dti_buf_release(&b);
	asem_free(&a);
}

static int cmp_dbl(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;
	return (a > b) - (a < b);
}

/* R's quantile type 7, written out: h = (n - 1) p, between v[h] and
   v[h + 1]. */
static double q7(const double *v, size_t n, double p)
{
	double h = (double)(n - 1) * p;
	size_t i = (size_t)h;
	return i + 1 < n ? v[i] + (h - (double)i) * (v[i + 1] - v[i]) : v[i];
}

/*
 * Box plots of ASEM's LPI and Flights figures, each on its own scale: the
 * median line of LPI where COINr's median (stats-raw.csv: 3.4200430,
 * min 2.067254, max 4.225967) falls on the row's axis, its ends written
 * 2.067 and 4.226; each box from the first to the third quartile; as many
 * orange dots in Flights' row as values beyond 1.5 times its box.
 */
static void test_boxplot(void **state)
{
	(void)state;
	struct asem a;
	asem_load(&a);
	size_t n = dti_result_unit_count(a.res);
	double *v = malloc(2 * n * sizeof *v), *sorted = malloc(n * sizeof *v);
	assert_non_null(v);
	assert_non_null(sorted);
	const char *codes[] = {"LPI", "Flights"};
	struct dti_chart_column cols[2];
	for (int c = 0; c < 2; c++) {
		dti_stats_column(a.res, 0, node_of(a.fw, codes[c]), v + c * n);
		cols[c] = (struct dti_chart_column){codes[c], NULL, n,
		                                    v + c * n, NULL};
	}
	struct dti_chart_opts o = opts(DTI_LANG_EN, 4);
	struct dti_buf b = DTI_BUF_INIT;
	struct dti_error err = DTI_ERROR_INIT;
	assert_int_equal(dti_chart_boxplot(&o, 2, cols, 0, &b, &err), DTI_OK);
	struct doc d;
	check_svg(b.data, "dti-chart", &d);
	assert_int_equal(count_prefix(&d, "dti-chart-row-"), 2);
	const struct el *ax = el_of(&d, "dti-chart-axis-1");
	double x0 = num_attr(ax, "x1"), x1 = num_attr(ax, "x2");
	double med = 3.4200430000000002, lo = 2.0672540000000001,
	       hi = 4.2259669999999998;
	assert_near(num_attr(el_of(&d, "dti-chart-median-1"), "x1"),
	            x0 + (med - lo) / (hi - lo) * (x1 - x0), PX);
	assert_true(has_text(&d, "2.067"));
	assert_true(has_text(&d, "4.226"));
	assert_contains(d.els[2].text, "LPI: 51 values, min 2.067");
	assert_contains(d.els[2].text, "median 3.42,");
	for (int c = 0; c < 2; c++) {
		memcpy(sorted, v + c * n, n * sizeof *v);
		qsort(sorted, n, sizeof *sorted, cmp_dbl);
		double q1 = q7(sorted, n, 0.25), q3 = q7(sorted, n, 0.75);
		double s0 = sorted[0], s1 = sorted[n - 1];
		char id[48];
		snprintf(id, sizeof id, "dti-chart-axis-%d", c + 1);
		ax = el_of(&d, id);
		x0 = num_attr(ax, "x1");
		x1 = num_attr(ax, "x2");
		snprintf(id, sizeof id, "dti-chart-row-%d", c + 1);
		long row = by_id(&d, id);
		size_t boxes = 0, outl = 0, want_out = 0;
		for (size_t i = 0; i < d.n; i++) {
			const struct el *e = &d.els[i];
			if (e->parent != row)
				continue;
			const char *fill = attr_of(e, "fill");
			if (strcmp(e->name, "rect") == 0 && fill &&
			    strcmp(fill, "#e3eef9") == 0) {
				boxes++;
				assert_near(
				    num_attr(e, "x"),
				    x0 + (q1 - s0) / (s1 - s0) * (x1 - x0), PX);
				assert_near(num_attr(e, "width"),
				            (q3 - q1) / (s1 - s0) * (x1 - x0),
				            2 * PX);
			}
			if (strcmp(e->name, "circle") == 0 && fill &&
			    strcmp(fill, "#D55E00") == 0)
				outl++;
		}
		for (size_t i = 0; i < n; i++)
			want_out += sorted[i] < q1 - 1.5 * (q3 - q1) ||
			            sorted[i] > q3 + 1.5 * (q3 - q1);
		assert_int_equal(boxes, 1);
		assert_int_equal(outl, want_out);
		if (c == 1)
			assert_true(want_out > 0);
	}
	doc_free(&d);
	/* Vietnamese: a decimal comma; a column without a value */
	double none[] = {NAN, NAN};
	struct dti_chart_column three[3] = {
	    cols[0], cols[1], {"X", "Không có", 2, none, NULL}};
	o.lang = DTI_LANG_VI;
	dti_buf_reset(&b);
	assert_int_equal(dti_chart_boxplot(&o, 3, three, 0, &b, &err), DTI_OK);
	check_svg(b.data, "dti-chart", &d);
	assert_true(has_text(&d, "2,067"));
	assert_true(has_text(&d, "chưa có giá trị"));
	assert_contains(d.els[2].text, "trung vị 3,42,");
	doc_free(&d);
	/* one shared axis: ticks below the rows */
	o.lang = DTI_LANG_EN;
	dti_buf_reset(&b);
	assert_int_equal(dti_chart_boxplot(&o, 2, cols, 1, &b, &err), DTI_OK);
	check_svg(b.data, "dti-chart", &d);
	assert_true(has_text(&d, "0"));
	assert_false(has_text(&d, "2.067"));
	doc_free(&d);
	dti_buf_reset(&b);
	assert_int_equal(dti_chart_boxplot(&o, 1, &three[2], 0, &b, &err),
	                 DTI_EINVALID);
	assert_string_equal(err.field, "cols");
	assert_int_equal(b.len, 0);
	dti_error_release(&err);
	dti_buf_release(&b);
	free(v);
	free(sorted);
	asem_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bars),
	    cmocka_unit_test(test_escaping),
	    cmocka_unit_test(test_precision),
	    cmocka_unit_test(test_radar_3_axes),
	    cmocka_unit_test(test_radar_20_axes),
	    cmocka_unit_test(test_radar_bad_axes),
	    cmocka_unit_test(test_radar_missing),
	    cmocka_unit_test(test_trend_63_then_34),
	    cmocka_unit_test(test_trend_missing),
	    cmocka_unit_test(test_trend_bad),
	    cmocka_unit_test(test_distribution),
	    cmocka_unit_test(test_distribution_histogram),
	    cmocka_unit_test(test_tiles_63),
	    cmocka_unit_test(test_tiles_34),
	    cmocka_unit_test(test_tiles_shape),
	    cmocka_unit_test(test_layout_errors),
	    cmocka_unit_test(test_tilemap_bad),
	    cmocka_unit_test(test_bad_options),
	    cmocka_unit_test(test_id_prefix),
	    cmocka_unit_test(test_buffer_limit),
	    cmocka_unit_test(test_ranks),
	    cmocka_unit_test(test_sobol),
	    cmocka_unit_test(test_heatmap),
	    cmocka_unit_test(test_boxplot),
	};
	return cmocka_run_group_tests_name("charts", tests, NULL, NULL);
}
