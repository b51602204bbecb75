/*
 * lib/engine/compare.c - how units move between two builds of an index and
 * across cycles (see dti/compare.h).
 *
 * Both analyses work on values rounded to each build's (each cycle's)
 * published precision, so that every change is the difference of two
 * numbers a reader sees; figures are the numbers entered.  What they hand
 * out owns its strings (an arena per object): the results they read may
 * be freed at once.  Rows are put in order by qsort with a total order
 * (ties end on the unit id), so that the same input always gives the same
 * output.
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "dti/compare.h"
#include "dti/stats.h"

int dti_move_order_parse(const char *s)
{
	static const char *const names[] = {"places", "change", "growth",
	                                    "rank", "name"};
	static const enum dti_move_order orders[] = {
	    DTI_MOVE_PLACES, DTI_MOVE_CHANGE, DTI_MOVE_GROWTH, DTI_MOVE_RANK,
	    DTI_MOVE_NAME};
	for (size_t i = 0; s && i < DTI_ARRAY_LEN(names); i++)
		if (strcmp(s, names[i]) == 0)
			return (int)orders[i];
	return -1;
}

void dti_compare_opts_init(struct dti_compare_opts *o)
{
	memset(o, 0, sizeof *o);
}

void dti_trends_opts_init(struct dti_trends_opts *o)
{
	memset(o, 0, sizeof *o);
}

/* ---- shared helpers ------------------------------------------------------ */

static const char *dup(struct dti_arena *a, const char *s, int *failed)
{
	char *p = dti_arena_strdup(a, s ? s : "");
	if (!p)
		*failed = 1;
	return p ? p : "";
}

/* The value of node for result unit i as the ranking shows it: rounded to
   the precision; NaN when missing or unknowable. */
static double shown(const struct dti_result *r, size_t i, size_t node)
{
	double v = dti_result_value(r, i, node);
	unsigned fl = dti_result_flags(r, i, node);
	if (isnan(v) || (fl & (DTI_CELL_MISSING | DTI_CELL_UNKNOWN)))
		return NAN;
	return (double)dti_result_rounded(r, i, node) /
	       dti_pow10(dti_result_precision(r));
}

/* b - a rounded to `digits` decimals (the difference of two rounded
   numbers carries binary noise); NaN unless both. */
static double diff(double a, double b, int digits)
{
	if (isnan(a) || isnan(b))
		return NAN;
	return (double)dti_round_scaled(b - a, digits) / dti_pow10(digits);
}

/* A node of fw by code (NULL: the index), or -1 with the error. */
static long find_node(const struct dti_framework *fw, const char *code,
                      const char *which, struct dti_error *err)
{
	if (!code)
		return (long)dti_framework_root(fw);
	long k = dti_framework_find(fw, code);
	if (k < 0)
		dti_err_set(err, DTI_ENOTFOUND, NULL, 0, 0, "node",
		            "'%s' is not a node of framework '%s'%s", code,
		            dti_framework_id(fw), which);
	return k;
}

static int cmp_int_best(int a, int b) /* rank a before b; 0 (none) last */
{
	if (!a != !b)
		return a ? -1 : 1;
	return (a > b) - (a < b);
}

static int cmp_desc(double a, double b) /* larger first, NaN last */
{
	if (isnan(a) || isnan(b))
		return isnan(a) - isnan(b);
	return (a < b) - (a > b);
}

/* ---- a small text table -------------------------------------------------- */

/* Cells are escaped when set, so that widths are what the screen shows. */
struct tab {
	size_t ncols, nrows, cap;
	char **cell;          /* row-major; NULL is empty */
	unsigned char *right; /* per column: aligned right */
	int failed;
};

static void tab_init(struct tab *t, size_t ncols)
{
	memset(t, 0, sizeof *t);
	t->ncols = ncols;
	t->right = calloc(ncols ? ncols : 1, 1);
	t->failed = !t->right;
}

static void tab_row(struct tab *t)
{
	if (t->failed)
		return;
	if (DTI_GROW(t->cell, t->cap, (t->nrows + 1) * t->ncols)) {
		t->failed = 1;
		return;
	}
	memset(&t->cell[t->nrows * t->ncols], 0, t->ncols * sizeof *t->cell);
	t->nrows++;
}

static void tab_set(struct tab *t, size_t col, const char *s)
{
	if (t->failed || !t->nrows || col >= t->ncols)
		return;
	struct dti_buf b = DTI_BUF_INIT;
	if (dti_text_escape(&b, s ? s : "", strlen(s ? s : ""), 0) ||
	    dti_buf_addc(&b, '\0')) {
		dti_buf_release(&b);
		t->failed = 1;
		return;
	}
	char **c = &t->cell[(t->nrows - 1) * t->ncols + col];
	free(*c);
	*c = b.data;
}

/* A cell from a scratch buffer, emptied for the next. */
static void tab_take(struct tab *t, size_t col, struct dti_buf *b)
{
	if (b->status)
		t->failed = 1;
	else
		tab_set(t, col, b->data ? b->data : "");
	dti_buf_reset(b);
}

static void tab_release(struct tab *t)
{
	for (size_t i = 0; t->cell && i < t->nrows * t->ncols; i++)
		free(t->cell[i]);
	free(t->cell);
	free(t->right);
}

static enum dti_status tab_render(struct tab *t, struct dti_buf *out)
{
	if (t->failed)
		return DTI_ENOMEM;
	size_t *w = calloc(t->ncols ? t->ncols : 1, sizeof *w);
	if (!w)
		return DTI_ENOMEM;
	for (size_t r = 0; r < t->nrows; r++)
		for (size_t c = 0; c < t->ncols; c++) {
			const char *s = t->cell[r * t->ncols + c];
			size_t x = s ? dti_text_width(s, strlen(s)) : 0;
			if (x > w[c])
				w[c] = x;
		}
	for (size_t r = 0; r < t->nrows; r++) {
		/* the last non-empty cell ends the line: no trailing blanks */
		size_t end = t->ncols;
		while (end > 0 && !t->cell[r * t->ncols + end - 1])
			end--;
		for (size_t c = 0; c < end; c++) {
			const char *s = t->cell[r * t->ncols + c];
			if (!s)
				s = "";
			size_t x = dti_text_width(s, strlen(s));
			if (c)
				dti_buf_adds(out, "  ");
			if (t->right[c])
				for (size_t k = x; k < w[c]; k++)
					dti_buf_addc(out, ' ');
			dti_buf_adds(out, s);
			if (!t->right[c] && c + 1 < end)
				for (size_t k = x; k < w[c]; k++)
					dti_buf_addc(out, ' ');
		}
		dti_buf_addc(out, '\n');
	}
	free(w);
	return dti_buf_status(out);
}

/* ---- numbers in words ---------------------------------------------------- */

static void put_value(struct dti_buf *b, double v, int digits, int figure,
                      char mark)
{
	if (isnan(v)) {
		dti_buf_adds(b, "–");
		return;
	}
	if (!figure) {
		dti_buf_add_decimal(b, v, digits, mark, "–");
		return;
	}
	/* a figure as entered: no invented trailing zeros */
	size_t from = b->len;
	dti_buf_add_trimmed(b, v, digits > 4 ? digits : 4);
	if (mark != '.')
		for (size_t i = from; b->data && i < b->len; i++)
			if (b->data[i] == '.')
				b->data[i] = mark;
}

static void put_signed(struct dti_buf *b, double v, int digits, int figure,
                       char mark)
{
	if (isnan(v)) {
		dti_buf_adds(b, "–");
		return;
	}
	if (v > 0)
		dti_buf_addc(b, '+');
	put_value(b, v, digits, figure, mark);
}

/* A fraction as a percentage: "+5.23 %". */
static void put_percent(struct dti_buf *b, double f, char mark)
{
	if (isnan(f)) {
		dti_buf_adds(b, "–");
		return;
	}
	double p = f * 100;
	if (dti_round_scaled(p, 2) == 0)
		p = 0;
	if (p != 0)
		dti_buf_addc(b, p < 0 ? '-' : '+');
	dti_buf_add_decimal(b, fabs(p), 2, mark, "–");
	dti_buf_adds(b, " %");
}

static void put_places(struct dti_buf *b, int has, int places)
{
	if (!has)
		dti_buf_adds(b, "–");
	else if (places > 0)
		dti_buf_addf(b, "↑%d", places);
	else if (places < 0)
		dti_buf_addf(b, "↓%d", -places);
	else
		dti_buf_adds(b, "=");
}

static void put_rank(struct dti_buf *b, int rank)
{
	if (rank)
		dti_buf_addf(b, "%d", rank);
	else
		dti_buf_adds(b, "–");
}

/* JSON numbers: NaN is null. */
static void json_num(struct dti_json *j, double v)
{
	if (isnan(v))
		dti_json_null(j);
	else
		dti_json_double(j, v);
}

/* A value at the precision in a data format: "0.8039" (JSON and CSV read
   it back as the same double); a figure as the shortest text. */
static void data_value(struct dti_buf *b, double v, int digits, int figure)
{
	if (isnan(v))
		return;
	if (figure)
		dti_buf_add_shortest(b, v);
	else
		dti_buf_add_decimal(b, v, digits, '.', "");
}

/* A fraction (relative change, growth) to 6 decimals: 0.0001 %. */
static double frac6(double f)
{
	return isnan(f) ? NAN : (double)dti_round_scaled(f, 6) / 1e6;
}

static void json_value(struct dti_json *j, double v, int digits, int figure)
{
	if (isnan(v))
		dti_json_null(j);
	else if (figure)
		dti_json_double(j, v);
	else
		dti_json_fixed(j, v, digits);
}

static enum dti_status banner(struct dti_buf *out, int synthetic, int vi)
{
	if (!synthetic)
		return DTI_OK;
	return dti_buf_adds(
	    out, vi ? "*** DỮ LIỆU MÔ PHỎNG – không phải kết quả chính thức "
	              "(synthetic demo data) ***\n"
	            : "*** SYNTHETIC DEMO DATA – not official results "
	              "(dữ liệu mô phỏng) ***\n");
}

/* ---- two builds ---------------------------------------------------------- */

struct comparison {
	struct dti_comparison pub; /* first: the public pointer is this */
	struct dti_arena arena;
	struct dti_compare_row *rows; /* nrows, then only_a, then only_b */
	enum dti_move_order order;
};

void dti_comparison_free(struct dti_comparison *c)
{
	if (!c)
		return;
	struct comparison *x = (struct comparison *)c;
	dti_arena_release(&x->arena);
	free(x->rows);
	free(x);
}

static void build_info(struct dti_compare_build *b, const struct dti_result *r,
                       size_t node, const char *name, struct dti_arena *a,
                       int *failed)
{
	const struct dti_framework *fw = dti_result_framework(r);
	const char *tvi = dti_framework_meta(fw, "title_vi");
	const char *ten = dti_framework_meta(fw, "title_en");
	struct dti_node_info ni;
	dti_framework_node(fw, node, &ni);
	b->name = dup(a, name, failed);
	b->framework_id = dup(a, dti_framework_id(fw), failed);
	b->framework_version = dup(a, dti_framework_version(fw), failed);
	b->framework_title_vi = dup(a, tvi, failed);
	b->framework_title_en = dup(a, ten, failed);
	b->cycle = dup(a, dti_result_cycle(r), failed);
	b->node = dup(a, ni.code, failed);
	b->node_name_vi = dup(a, ni.name_vi, failed);
	b->node_name_en = dup(a, ni.name_en, failed);
	b->missing = dup(a, dti_missing_name(dti_result_missing(r)), failed);
	b->precision = dti_result_precision(r);
	b->scale = dti_framework_scale(fw);
	b->units = dti_result_unit_count(r);
	b->ranked = dti_result_ranked_count(r, node);
	b->synthetic = dti_dataset_synthetic(dti_result_dataset(r));
	const char *h = dti_result_data_hash(r);
	dti_snprintf(b->data_sha256, sizeof b->data_sha256, "%s", h ? h : "");
}

static const char *result_id(const struct dti_result *r, size_t i)
{
	struct dti_dataset_unit du;
	dti_dataset_unit(dti_result_dataset(r), dti_result_unit(r, i), &du);
	return du.id;
}

static const char *result_name(const struct dti_result *r, size_t i)
{
	struct dti_dataset_unit du;
	dti_dataset_unit(dti_result_dataset(r), dti_result_unit(r, i), &du);
	return du.name;
}

/* qsort has no context argument: the order of the sort under way, the
   sorts serialised by sort_lock */
static enum dti_move_order sort_order;
static pthread_mutex_t sort_lock = PTHREAD_MUTEX_INITIALIZER;

static int cmp_row(const void *pa, const void *pb)
{
	const struct dti_compare_row *x = pa, *y = pb;
	int c = 0;
	switch (sort_order) {
	case DTI_MOVE_DEFAULT:
	case DTI_MOVE_PLACES:
		if (x->has_places != y->has_places)
			return x->has_places ? -1 : 1;
		c = (abs(y->places) > abs(x->places)) -
		    (abs(y->places) < abs(x->places));
		if (!c)
			c = cmp_desc(fabs(x->change), fabs(y->change));
		break;
	case DTI_MOVE_CHANGE:
	case DTI_MOVE_GROWTH:
		c = cmp_desc(fabs(x->change), fabs(y->change));
		if (!c && x->has_places != y->has_places)
			return x->has_places ? -1 : 1;
		if (!c)
			c = (abs(y->places) > abs(x->places)) -
			    (abs(y->places) < abs(x->places));
		break;
	case DTI_MOVE_RANK: break;
	case DTI_MOVE_NAME: c = dti_text_collate(x->name, y->name); break;
	}
	if (!c)
		c = cmp_int_best(x->rank_b, y->rank_b);
	if (!c)
		c = cmp_int_best(x->rank_a, y->rank_a);
	if (!c)
		c = dti_text_collate(x->name, y->name);
	if (!c)
		c = strcmp(x->id, y->id);
	return c;
}

/* Units in one build only: by their rank there, then name. */
static int cmp_only(const void *pa, const void *pb)
{
	const struct dti_compare_row *x = pa, *y = pb;
	int c = cmp_int_best(x->rank_a ? x->rank_a : x->rank_b,
	                     y->rank_a ? y->rank_a : y->rank_b);
	if (!c)
		c = dti_text_collate(x->name, y->name);
	return c ? c : strcmp(x->id, y->id);
}

static void set_row(struct dti_compare_row *row, const struct dti_result *r,
                    size_t i, size_t node, int side, struct dti_arena *a,
                    int *failed)
{
	const char *g = dti_result_unit_group(r, i);
	if (!row->id) {
		row->id = dup(a, result_id(r, i), failed);
		row->name = dup(a, result_name(r, i), failed);
		row->group = dup(a, g, failed);
		row->a = row->b = row->change = NAN;
	} else if (!*row->group && g) {
		row->group = dup(a, g, failed);
	}
	double v = shown(r, i, node);
	int rank = isnan(v) ? 0 : dti_result_rank(r, i, node);
	if (side == 0) {
		row->in_a = 1;
		row->a = v;
		row->rank_a = rank;
	} else {
		row->in_b = 1;
		row->b = v;
		row->rank_b = rank;
	}
}

enum dti_status dti_compare(const struct dti_result *ra,
                            const struct dti_result *rb,
                            const struct dti_compare_opts *o,
                            struct dti_comparison **out, struct dti_error *err)
{
	*out = NULL;
	struct dti_compare_opts def;
	dti_compare_opts_init(&def);
	if (!o)
		o = &def;
	if (!ra || !rb)
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, NULL,
		                   "two results are needed");
	long ka =
	    find_node(dti_result_framework(ra), o->node, " (build A)", err);
	if (ka < 0)
		return DTI_ENOTFOUND;
	long kb =
	    find_node(dti_result_framework(rb), o->node, " (build B)", err);
	if (kb < 0)
		return DTI_ENOTFOUND;
	struct comparison *x = calloc(1, sizeof *x);
	size_t na = dti_result_unit_count(ra), nb = dti_result_unit_count(rb);
	struct dti_map ids = DTI_MAP_INIT;
	long *b_of_a = malloc((na ? na : 1) * sizeof *b_of_a);
	unsigned char *b_seen = calloc(nb ? nb : 1, 1);
	if (x)
		x->rows = calloc(na + nb ? na + nb : 1, sizeof *x->rows);
	int failed = !x || !x->rows || !b_of_a || !b_seen;
	enum dti_status st = DTI_OK;
	/* the units of B by id */
	for (size_t j = 0; !failed && j < nb; j++)
		if (dti_map_put(&ids, result_id(rb, j), j))
			failed = 1;
	size_t common = 0;
	for (size_t i = 0; !failed && i < na; i++) {
		size_t j;
		b_of_a[i] =
		    dti_map_get(&ids, result_id(ra, i), &j) ? (long)j : -1;
		if (b_of_a[i] >= 0) {
			b_seen[j] = 1;
			common++;
		}
	}
	if (!failed && common == 0)
		st = dti_err_set(err, DTI_EINVALID, NULL, 0, 0, "units",
		                 "the two builds have no unit in common (build "
		                 "A: %zu units of cycle %s, build B: %zu units "
		                 "of cycle %s); units are matched by id",
		                 na, dti_result_cycle(ra), nb,
		                 dti_result_cycle(rb));
	if (!failed && !st) {
		struct dti_comparison *c = &x->pub;
		x->order = o->order;
		build_info(&c->a, ra, (size_t)ka, o->name_a, &x->arena,
		           &failed);
		build_info(&c->b, rb, (size_t)kb, o->name_b, &x->arena,
		           &failed);
		c->precision = c->a.precision > c->b.precision ? c->a.precision
		                                               : c->b.precision;
		/* both, then A only, then B only, each filtered by group */
		size_t n = 0, nonly_a = 0, nonly_b = 0;
		struct dti_compare_row *both = x->rows;
		for (int pass = 0; pass < 3 && !failed; pass++) {
			size_t lim = pass == 2 ? nb : na;
			for (size_t i = 0; i < lim && !failed; i++) {
				struct dti_compare_row row;
				memset(&row, 0, sizeof row);
				if (pass < 2 && (b_of_a[i] >= 0) != (pass == 0))
					continue;
				if (pass == 2 && b_seen[i])
					continue;
				if (pass < 2)
					set_row(&row, ra, i, (size_t)ka, 0,
					        &x->arena, &failed);
				if (pass == 0)
					set_row(&row, rb, (size_t)b_of_a[i],
					        (size_t)kb, 1, &x->arena,
					        &failed);
				if (pass == 2)
					set_row(&row, rb, i, (size_t)kb, 1,
					        &x->arena, &failed);
				if (o->group && strcmp(row.group, o->group))
					continue;
				row.change = diff(row.a, row.b, c->precision);
				row.has_places = row.rank_a && row.rank_b;
				row.places = row.has_places
				                 ? row.rank_a - row.rank_b
				                 : 0;
				both[n + nonly_a + nonly_b] = row;
				if (pass == 0)
					n++;
				else if (pass == 1)
					nonly_a++;
				else
					nonly_b++;
			}
		}
		if (!failed && o->group && n + nonly_a + nonly_b == 0)
			st =
			    dti_err_set(err, DTI_ENOTFOUND, NULL, 0, 0, "group",
			                "no unit of either build is in group "
			                "'%s'",
			                o->group);
		c->nrows = n;
		c->rows = both;
		c->nonly_a = nonly_a;
		c->only_a = both + n;
		c->nonly_b = nonly_b;
		c->only_b = both + n + nonly_a;
		pthread_mutex_lock(&sort_lock);
		sort_order = o->order;
		qsort(both, n, sizeof *both, cmp_row);
		pthread_mutex_unlock(&sort_lock);
		qsort(both + n, nonly_a, sizeof *both, cmp_only);
		qsort(both + n + nonly_a, nonly_b, sizeof *both, cmp_only);
		/* the summary */
		double *xa = malloc((n ? n : 1) * sizeof *xa);
		double *xb = malloc((n ? n : 1) * sizeof *xb);
		failed |= !xa || !xb;
		size_t m = 0, changes = 0;
		double shift = 0, dsum = 0;
		c->rise = c->fall = -1;
		for (size_t r = 0; r < n && !failed; r++) {
			const struct dti_compare_row *w = &both[r];
			if (!isnan(w->change)) {
				changes++;
				dsum += w->change;
				c->value_changed += w->change != 0;
			}
			if (!w->has_places)
				continue;
			xa[m] = w->rank_a;
			xb[m] = w->rank_b;
			m++;
			shift += abs(w->places);
			c->rank_changed += w->places != 0;
			if (w->places > 0 &&
			    (c->rise < 0 || w->places > both[c->rise].places))
				c->rise = (long)r;
			if (w->places < 0 &&
			    (c->fall < 0 || w->places < both[c->fall].places))
				c->fall = (long)r;
		}
		c->compared = m;
		c->mean_abs_shift = m ? shift / (double)m : NAN;
		c->mean_change = changes ? dsum / (double)changes : NAN;
		c->spearman = failed ? NAN : dti_corr_spearman(xa, xb, m);
		free(xa);
		free(xb);
	}
	dti_map_release(&ids);
	free(b_of_a);
	free(b_seen);
	if (failed && !st)
		st = dti_err_nomem(err);
	if (st) {
		dti_comparison_free(x ? &x->pub : NULL);
		return st;
	}
	*out = &x->pub;
	return DTI_OK;
}

/* ---- writing a comparison ------------------------------------------------ */

static void build_line(struct dti_buf *b, const char *tag,
                       const struct dti_compare_build *x, int vi)
{
	dti_buf_addf(b, "  %s: ", tag);
	dti_text_escape(b, x->framework_id, strlen(x->framework_id), 0);
	if (*x->framework_version) {
		dti_buf_addc(b, ' ');
		dti_text_escape(b, x->framework_version,
		                strlen(x->framework_version), 0);
	}
	dti_buf_addf(b, vi ? " · kỳ " : " · cycle ");
	dti_text_escape(b, x->cycle, strlen(x->cycle), 0);
	if (*x->name) {
		dti_buf_adds(b, " · ");
		dti_text_escape(b, x->name, strlen(x->name), 0);
	}
	dti_buf_addf(b,
	             vi ? " · số liệu thiếu: %s · %d chữ số thập phân · "
	                  "%zu đơn vị\n"
	                : " · missing: %s · %d decimals · %zu %s\n",
	             x->missing, x->precision, x->units,
	             vi              ? ""
	             : x->units == 1 ? "unit"
	                             : "units");
}

static void row_who(struct dti_buf *b, const struct dti_compare_row *w)
{
	dti_text_escape(b, w->name, strlen(w->name), 0);
}

static enum dti_status compare_table(const struct dti_comparison *c, int vi,
                                     size_t limit, struct dti_buf *b)
{
	char mark = vi ? ',' : '.';
	const char *nname = vi ? c->a.node_name_vi : c->a.node_name_en;
	banner(b, c->a.synthetic || c->b.synthetic, vi);
	dti_buf_adds(b, vi ? "So sánh hai cách tính trên "
	                   : "Two builds compared on ");
	dti_text_escape(b, c->a.node, strlen(c->a.node), 0);
	if (strcmp(c->a.node, c->b.node)) {
		dti_buf_adds(b, " / ");
		dti_text_escape(b, c->b.node, strlen(c->b.node), 0);
	}
	if (*nname) {
		dti_buf_adds(b, " – ");
		dti_text_escape(b, nname, strlen(nname), 0);
	}
	dti_buf_addc(b, '\n');
	build_line(b, "A", &c->a, vi);
	build_line(b, "B", &c->b, vi);
	if (c->a.scale != c->b.scale)
		dti_buf_addf(b,
		             vi ? "  (thang điểm khác nhau: %g và %g; chênh "
		                  "lệch giá trị là giữa hai thang)\n"
		                : "  (the scales differ: %g and %g; value "
		                  "differences are across scales)\n",
		             c->a.scale, c->b.scale);
	dti_buf_addf(b,
	             vi ? "Đơn vị có trong cả hai: %zu; được xếp hạng ở cả "
	                  "hai: %zu; đổi hạng: %zu; đổi giá trị: %zu\n"
	                : "Units in both: %zu; ranked in both: %zu; rank "
	                  "changed: %zu; value changed: %zu\n",
	             c->nrows, c->compared, c->rank_changed, c->value_changed);
	dti_buf_adds(b, vi ? "Dịch chuyển hạng trung bình (tuyệt đối): "
	                   : "Mean absolute rank shift: ");
	put_value(b, c->mean_abs_shift, 2, 0, mark);
	dti_buf_adds(b, vi ? " bậc; chênh lệch giá trị trung bình: "
	                   : " places; mean value change: ");
	put_signed(b,
	           isnan(c->mean_change) ? NAN
	                                 : (double)dti_round_scaled(
	                                       c->mean_change, c->precision) /
	                                       dti_pow10(c->precision),
	           c->precision, 0, mark);
	dti_buf_addc(b, '\n');
	for (int s = 0; s < 2; s++) {
		long k = s == 0 ? c->rise : c->fall;
		dti_buf_adds(
		    b, s == 0 ? (vi ? "Tăng nhiều nhất: " : "Largest rise: ")
		              : (vi ? "Giảm nhiều nhất: " : "Largest fall: "));
		if (k < 0) {
			dti_buf_adds(b, vi ? "không có\n" : "none\n");
			continue;
		}
		const struct dti_compare_row *w = &c->rows[k];
		row_who(b, w);
		int p = w->places < 0 ? -w->places : w->places;
		if (vi)
			dti_buf_addf(b, " %s %d bậc (%d → %d)\n",
			             s == 0 ? "tăng" : "giảm", p, w->rank_a,
			             w->rank_b);
		else
			dti_buf_addf(b, " %s %d %s (%d → %d)\n",
			             s == 0 ? "up" : "down", p,
			             p == 1 ? "place" : "places", w->rank_a,
			             w->rank_b);
	}
	dti_buf_adds(b, vi ? "Tương quan Spearman giữa hai bảng xếp hạng: "
	                   : "Spearman correlation of the two rankings: ");
	put_value(b, c->spearman, 4, 0, mark);
	dti_buf_addc(b, '\n');

	struct tab t;
	tab_init(&t, 7);
	if (!t.failed)
		t.right[1] = t.right[2] = t.right[3] = t.right[4] = t.right[5] =
		    t.right[6] = 1;
	tab_row(&t);
	tab_set(&t, 0, vi ? "Đơn vị" : "Unit");
	tab_set(&t, 1, vi ? "Giá trị A" : "Value A");
	tab_set(&t, 2, vi ? "Giá trị B" : "Value B");
	tab_set(&t, 3, vi ? "Chênh lệch" : "Change");
	tab_set(&t, 4, vi ? "Hạng A" : "Rank A");
	tab_set(&t, 5, vi ? "Hạng B" : "Rank B");
	tab_set(&t, 6, vi ? "Bậc" : "Places");
	struct dti_buf s = DTI_BUF_INIT;
	size_t shown_n = limit && limit < c->nrows ? limit : c->nrows;
	for (size_t r = 0; r < shown_n; r++) {
		const struct dti_compare_row *w = &c->rows[r];
		tab_row(&t);
		tab_set(&t, 0, w->name);
		put_value(&s, w->a, c->a.precision, 0, mark);
		tab_take(&t, 1, &s);
		put_value(&s, w->b, c->b.precision, 0, mark);
		tab_take(&t, 2, &s);
		put_signed(&s, w->change, c->precision, 0, mark);
		tab_take(&t, 3, &s);
		put_rank(&s, w->rank_a);
		tab_take(&t, 4, &s);
		put_rank(&s, w->rank_b);
		tab_take(&t, 5, &s);
		put_places(&s, w->has_places, w->places);
		tab_take(&t, 6, &s);
	}
	enum dti_status st = tab_render(&t, b);
	tab_release(&t);
	if (shown_n < c->nrows)
		dti_buf_addf(b,
		             vi ? "(hiện %zu/%zu đơn vị)\n"
		                : "(%zu of %zu units shown)\n",
		             shown_n, c->nrows);
	for (int side = 0; side < 2; side++) {
		size_t n = side == 0 ? c->nonly_a : c->nonly_b;
		const struct dti_compare_row *rows =
		    side == 0 ? c->only_a : c->only_b;
		const struct dti_compare_build *bd = side == 0 ? &c->a : &c->b;
		if (!n)
			continue;
		dti_buf_addf(
		    b, vi ? "Chỉ có trong %c (%zu): " : "Only in %c (%zu): ",
		    side == 0 ? 'A' : 'B', n);
		for (size_t r = 0; r < n; r++) {
			const struct dti_compare_row *w = &rows[r];
			double v = side == 0 ? w->a : w->b;
			int rk = side == 0 ? w->rank_a : w->rank_b;
			if (r)
				dti_buf_adds(b, "; ");
			row_who(b, w);
			dti_buf_adds(b, " (");
			put_value(b, v, bd->precision, 0, mark);
			if (rk)
				dti_buf_addf(b, vi ? ", hạng %d" : ", rank %d",
				             rk);
			dti_buf_adds(b, ")");
		}
		dti_buf_addc(b, '\n');
	}
	dti_buf_release(&s);
	banner(b, c->a.synthetic || c->b.synthetic, vi);
	return st ? st : dti_buf_status(b);
}

static void csv_row(struct dti_buf *b, const struct dti_comparison *c,
                    const struct dti_compare_row *w)
{
	dti_csv_text_cell(b, w->id);
	dti_buf_addc(b, ',');
	dti_csv_text_cell(b, w->name);
	dti_buf_addc(b, ',');
	dti_csv_text_cell(b, w->group);
	dti_buf_adds(b, w->in_a && w->in_b ? ",both,"
	                : w->in_a          ? ",a,"
	                                   : ",b,");
	data_value(b, w->a, c->a.precision, 0);
	dti_buf_addc(b, ',');
	data_value(b, w->b, c->b.precision, 0);
	dti_buf_addc(b, ',');
	data_value(b, w->change, c->precision, 0);
	dti_buf_addc(b, ',');
	if (w->rank_a)
		dti_buf_addf(b, "%d", w->rank_a);
	dti_buf_addc(b, ',');
	if (w->rank_b)
		dti_buf_addf(b, "%d", w->rank_b);
	dti_buf_addc(b, ',');
	if (w->has_places)
		dti_buf_addf(b, "%d", w->places);
	dti_buf_addc(b, '\n');
}

static void json_build(struct dti_json *j, const struct dti_compare_build *x)
{
	dti_json_object_begin(j);
	dti_json_key(j, "name");
	dti_json_string(j, x->name);
	dti_json_key(j, "framework");
	dti_json_string(j, x->framework_id);
	dti_json_key(j, "framework_version");
	dti_json_string(j, x->framework_version);
	dti_json_key(j, "cycle");
	dti_json_string(j, x->cycle);
	dti_json_key(j, "node");
	dti_json_string(j, x->node);
	dti_json_key(j, "missing");
	dti_json_string(j, x->missing);
	dti_json_key(j, "precision");
	dti_json_int(j, x->precision);
	dti_json_key(j, "scale");
	dti_json_double(j, x->scale);
	dti_json_key(j, "units");
	dti_json_int(j, (long long)x->units);
	dti_json_key(j, "ranked");
	dti_json_int(j, (long long)x->ranked);
	dti_json_key(j, "synthetic");
	dti_json_bool(j, x->synthetic);
	dti_json_key(j, "data_sha256");
	dti_json_string(j, x->data_sha256);
	dti_json_object_end(j);
}

static void json_row(struct dti_json *j, const struct dti_comparison *c,
                     const struct dti_compare_row *w)
{
	dti_json_object_begin(j);
	dti_json_key(j, "id");
	dti_json_string(j, w->id);
	dti_json_key(j, "name");
	dti_json_string(j, w->name);
	dti_json_key(j, "group");
	if (*w->group)
		dti_json_string(j, w->group);
	else
		dti_json_null(j);
	dti_json_key(j, "value_a");
	json_value(j, w->a, c->a.precision, 0);
	dti_json_key(j, "value_b");
	json_value(j, w->b, c->b.precision, 0);
	dti_json_key(j, "change");
	json_value(j, w->change, c->precision, 0);
	dti_json_key(j, "rank_a");
	w->rank_a ? dti_json_int(j, w->rank_a) : dti_json_null(j);
	dti_json_key(j, "rank_b");
	w->rank_b ? dti_json_int(j, w->rank_b) : dti_json_null(j);
	dti_json_key(j, "places");
	w->has_places ? dti_json_int(j, w->places) : dti_json_null(j);
	dti_json_object_end(j);
}

static void json_rows(struct dti_json *j, const struct dti_comparison *c,
                      const char *key, const struct dti_compare_row *rows,
                      size_t n)
{
	dti_json_key(j, key);
	dti_json_array_begin(j);
	for (size_t r = 0; r < n; r++)
		json_row(j, c, &rows[r]);
	dti_json_array_end(j);
}

enum dti_status dti_comparison_write(const struct dti_comparison *c,
                                     enum dti_format format, enum dti_lang lang,
                                     size_t limit, struct dti_buf *b,
                                     struct dti_error *err)
{
	enum dti_status st = DTI_OK;
	if (format == DTI_FORMAT_JSON) {
		struct dti_json j;
		dti_json_init(&j, b);
		dti_json_object_begin(&j);
		dti_json_key(&j, "node");
		dti_json_string(&j, c->a.node);
		dti_json_key(&j, "a");
		json_build(&j, &c->a);
		dti_json_key(&j, "b");
		json_build(&j, &c->b);
		dti_json_key(&j, "summary");
		dti_json_object_begin(&j);
		dti_json_key(&j, "units_in_both");
		dti_json_int(&j, (long long)c->nrows);
		dti_json_key(&j, "compared");
		dti_json_int(&j, (long long)c->compared);
		dti_json_key(&j, "rank_changed");
		dti_json_int(&j, (long long)c->rank_changed);
		dti_json_key(&j, "value_changed");
		dti_json_int(&j, (long long)c->value_changed);
		dti_json_key(&j, "mean_abs_shift");
		json_num(&j, c->mean_abs_shift);
		dti_json_key(&j, "mean_change");
		json_num(&j, c->mean_change);
		dti_json_key(&j, "largest_rise");
		if (c->rise >= 0)
			json_row(&j, c, &c->rows[c->rise]);
		else
			dti_json_null(&j);
		dti_json_key(&j, "largest_fall");
		if (c->fall >= 0)
			json_row(&j, c, &c->rows[c->fall]);
		else
			dti_json_null(&j);
		dti_json_key(&j, "spearman");
		json_num(&j, c->spearman);
		dti_json_object_end(&j);
		json_rows(&j, c, "units", c->rows, c->nrows);
		json_rows(&j, c, "only_a", c->only_a, c->nonly_a);
		json_rows(&j, c, "only_b", c->only_b, c->nonly_b);
		dti_json_object_end(&j);
		dti_buf_addc(b, '\n');
	} else if (format == DTI_FORMAT_CSV) {
		if (c->a.synthetic || c->b.synthetic)
			dti_buf_adds(b, "# synthetic: yes (demo values, not "
			                "official)\n");
		dti_buf_adds(b, "id,name,group,in,value_a,value_b,change,"
		                "rank_a,rank_b,places\n");
		for (size_t r = 0; r < c->nrows; r++)
			csv_row(b, c, &c->rows[r]);
		for (size_t r = 0; r < c->nonly_a; r++)
			csv_row(b, c, &c->only_a[r]);
		for (size_t r = 0; r < c->nonly_b; r++)
			csv_row(b, c, &c->only_b[r]);
	} else if (format == DTI_FORMAT_TABLE) {
		st = compare_table(c, lang == DTI_LANG_VI, limit, b);
	} else {
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, "format",
		                   "a comparison is written as a table, csv "
		                   "or json");
	}
	return dti_buf_final(b, st, err);
}

/* ---- cycles -------------------------------------------------------------- */

struct trends {
	struct dti_trends pub; /* first: the public pointer is this */
	struct dti_arena arena;
	struct dti_trend_cycle *cycles;
	struct dti_trend_unit *units;
	struct dti_trend_point *points; /* nunits x ncycles */
	struct dti_trend_step *steps;   /* nunits x (ncycles - 1) */
};

void dti_trends_free(struct dti_trends *t)
{
	if (!t)
		return;
	struct trends *x = (struct trends *)t;
	dti_arena_release(&x->arena);
	free(x->cycles);
	free(x->units);
	free(x->points);
	free(x->steps);
	free(x);
}

/* The year a cycle label names: "2022", "dti-2022" (four digits on their
   own, 1900 to 2999, the last such); 0 if none. */
static int label_year(const char *s)
{
	int year = 0;
	for (size_t i = 0; s[i];) {
		if (s[i] < '0' || s[i] > '9') {
			i++;
			continue;
		}
		size_t j = i;
		while (s[j] >= '0' && s[j] <= '9')
			j++;
		if (j - i == 4) {
			int y = (s[i] - '0') * 1000 + (s[i + 1] - '0') * 100 +
			        (s[i + 2] - '0') * 10 + (s[i + 3] - '0');
			if (y >= 1900 && y <= 2999)
				year = y;
		}
		i = j;
	}
	return year;
}

/* Cycles in time order: by year where both have one, else by label,
   numeric labels by length first ("999" before "2022"). */
static int cycle_before(const struct dti_trend_cycle *a,
                        const struct dti_trend_cycle *b)
{
	if (a->year && b->year && a->year != b->year)
		return a->year < b->year ? -1 : 1;
	size_t la = strlen(a->label), lb = strlen(b->label);
	if (la != lb)
		return la < lb ? -1 : 1;
	return strcmp(a->label, b->label);
}

static const struct dti_trend_cycle *sort_cycles;

static int cmp_cycle_idx(const void *pa, const void *pb)
{
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	int c = cycle_before(&sort_cycles[a], &sort_cycles[b]);
	return c ? c : (a > b) - (a < b);
}

static size_t sort_ncycles;

/* Units with the whole span first, then shorter spans, then fewer than two
   values; in each, by the order asked for. */
static int unit_tier(const struct dti_trend_unit *u)
{
	if (u->present < 2)
		return 2;
	return u->first == 0 && u->last + 1 == sort_ncycles ? 0 : 1;
}

static int last_rank(const struct dti_trend_unit *u)
{
	return u->points[sort_ncycles - 1].rank;
}

static int cmp_unit(const void *pa, const void *pb)
{
	const struct dti_trend_unit *x = pa, *y = pb;
	int c = 0;
	if (sort_order != DTI_MOVE_RANK && sort_order != DTI_MOVE_NAME)
		c = unit_tier(x) - unit_tier(y);
	if (c)
		return c;
	switch (sort_order) {
	case DTI_MOVE_DEFAULT:
	case DTI_MOVE_CHANGE:
		c = cmp_desc(x->change, y->change);
		if (!c)
			c = cmp_desc(x->has_places ? (double)x->places : NAN,
			             y->has_places ? (double)y->places : NAN);
		break;
	case DTI_MOVE_PLACES:
		c = cmp_desc(x->has_places ? (double)x->places : NAN,
		             y->has_places ? (double)y->places : NAN);
		if (!c)
			c = cmp_desc(x->change, y->change);
		break;
	case DTI_MOVE_GROWTH:
		c = cmp_desc(x->growth, y->growth);
		if (!c)
			c = cmp_desc(x->change, y->change);
		break;
	case DTI_MOVE_RANK: break;
	case DTI_MOVE_NAME: c = dti_text_collate(x->name, y->name); break;
	}
	if (!c)
		c = cmp_int_best(last_rank(x), last_rank(y));
	if (!c)
		c = dti_text_collate(x->name, y->name);
	return c ? c : strcmp(x->id, y->id);
}

/* The decimals a change between cycles a and b is rounded to. */
static int step_digits(const struct dti_trends *t, size_t a, size_t b)
{
	if (t->figures)
		return 10; /* figures as entered: only binary noise goes */
	int pa = t->cycles[a].precision, pb = t->cycles[b].precision;
	return pa > pb ? pa : pb;
}

static void unit_moves(const struct dti_trends *t, struct dti_trend_unit *u,
                       struct dti_trend_step *steps)
{
	const struct dti_trend_point *p = u->points;
	size_t nc = t->ncycles;
	for (size_t k = 0; k + 1 < nc; k++) {
		struct dti_trend_step *s = &steps[k];
		s->change =
		    diff(p[k].value, p[k + 1].value, step_digits(t, k, k + 1));
		s->relative = !isnan(s->change) && p[k].value > 0
		                  ? s->change / p[k].value
		                  : NAN;
		s->has_places = p[k].rank && p[k + 1].rank;
		s->places = s->has_places ? p[k].rank - p[k + 1].rank : 0;
	}
	u->present = 0;
	u->first = u->last = 0;
	for (size_t k = 0; k < nc; k++)
		if (!isnan(p[k].value)) {
			if (!u->present)
				u->first = k;
			u->last = k;
			u->present++;
		}
	u->complete = u->present == nc;
	u->change = u->relative = u->growth = NAN;
	u->periods = 0;
	u->has_places = 0;
	u->places = 0;
	if (u->present < 2)
		return;
	double a = p[u->first].value, b = p[u->last].value;
	u->change = diff(a, b, step_digits(t, u->first, u->last));
	u->relative = a > 0 ? u->change / a : NAN;
	u->periods =
	    t->per_year
	        ? (double)(t->cycles[u->last].year - t->cycles[u->first].year)
	        : (double)(u->last - u->first);
	if (a > 0 && b > 0 && u->periods > 0)
		u->growth = pow(b / a, 1 / u->periods) - 1;
	u->has_places = p[u->first].rank && p[u->last].rank;
	u->places = u->has_places ? p[u->first].rank - p[u->last].rank : 0;
}

static int left_out(const struct dti_trends_opts *o,
                    const struct dti_trend_cycle *c)
{
	return o->since && c->year && c->year < o->since;
}

/* The cycles from o->since on, and their observations: the same call on
   them, with nothing left out. */
static enum dti_status trends_since(const struct dti_trend_cycle *cycles,
                                    size_t nc, const struct dti_trend_obs *obs,
                                    size_t nobs, const char *node,
                                    const char *node_vi, const char *node_en,
                                    const struct dti_trends_opts *o,
                                    struct dti_trends **out,
                                    struct dti_error *err)
{
	struct dti_trend_cycle *kc = malloc(nc * sizeof *kc);
	size_t *to = malloc(nc * sizeof *to);
	struct dti_trend_obs *ko = malloc((nobs ? nobs : 1) * sizeof *ko);
	enum dti_status st;
	if (!kc || !to || !ko) {
		st = dti_err_nomem(err);
	} else {
		size_t m = 0, n = 0;
		for (size_t k = 0; k < nc; k++)
			if (!left_out(o, &cycles[k])) {
				to[k] = m;
				kc[m++] = cycles[k];
			}
		for (size_t i = 0; i < nobs; i++)
			if (obs[i].cycle < nc &&
			    !left_out(o, &cycles[obs[i].cycle])) {
				ko[n] = obs[i];
				ko[n++].cycle = to[obs[i].cycle];
			}
		struct dti_trends_opts all = *o;
		all.since = 0;
		st = m < 2 ? dti_err_set(err, DTI_EARG, NULL, 0, 0, "cycle",
		                         "trends need two cycles or more, got "
		                         "%zu from %d on",
		                         m, o->since)
		           : dti_trends_from(kc, m, ko, n, node, node_vi,
		                             node_en, &all, out, err);
	}
	free(kc);
	free(to);
	free(ko);
	return st;
}

/*
 * The common part: cycles in any order (perm puts them in time order),
 * the observations pointing into them.
 */
enum dti_status dti_trends_from(const struct dti_trend_cycle *cycles_in,
                                size_t nc, const struct dti_trend_obs *obs,
                                size_t nobs, const char *node,
                                const char *node_vi, const char *node_en,
                                const struct dti_trends_opts *o,
                                struct dti_trends **out, struct dti_error *err)
{
	*out = NULL;
	struct dti_trends_opts def;
	dti_trends_opts_init(&def);
	if (!o)
		o = &def;
	size_t kept_cycles = 0;
	for (size_t k = 0; k < nc; k++)
		kept_cycles += !left_out(o, &cycles_in[k]);
	if (kept_cycles < nc)
		return trends_since(cycles_in, nc, obs, nobs, node, node_vi,
		                    node_en, o, out, err);
	if (nc < 2)
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, "cycle",
		                   "trends need two cycles or more, got %zu%s",
		                   nc, o->since ? " (with --since)" : "");
	struct trends *x = calloc(1, sizeof *x);
	size_t *perm = malloc(nc * sizeof *perm);
	size_t *pos = malloc(nc * sizeof *pos); /* given -> time order */
	size_t *unit_of = malloc((nobs ? nobs : 1) * sizeof *unit_of);
	long *name_cycle = NULL; /* per unit: the cycle its name is from */
	struct dti_map ids = DTI_MAP_INIT;
	int failed = !x || !perm || !pos || !unit_of;
	enum dti_status st = DTI_OK;
	struct dti_trends *t = x ? &x->pub : NULL;
	if (!failed) {
		x->cycles = calloc(nc, sizeof *x->cycles);
		failed = !x->cycles;
	}
	if (!failed) {
		for (size_t k = 0; k < nc; k++)
			perm[k] = k;
		pthread_mutex_lock(&sort_lock);
		sort_cycles = cycles_in;
		qsort(perm, nc, sizeof *perm, cmp_cycle_idx);
		pthread_mutex_unlock(&sort_lock);
		for (size_t k = 0; k < nc && !failed; k++) {
			const struct dti_trend_cycle *c = &cycles_in[perm[k]];
			struct dti_trend_cycle *d = &x->cycles[k];
			pos[perm[k]] = k;
			*d = *c;
			d->label = dup(&x->arena, c->label, &failed);
			d->framework_id =
			    dup(&x->arena, c->framework_id, &failed);
			d->units = d->up = d->down = d->same = 0;
			d->mean = d->mean_change = NAN;
			if (k && strcmp(d->label, x->cycles[k - 1].label) == 0)
				st = dti_err_set(
				    err, DTI_EARG, NULL, 0, 0, "cycle",
				    "cycle '%s' is given twice", d->label);
		}
	}
	/* the units, by id, in the order first seen */
	size_t nu = 0;
	for (size_t i = 0; i < nobs && !failed && !st; i++) {
		size_t u;
		if (obs[i].cycle >= nc) {
			st = dti_err_set(err, DTI_EARG, NULL, 0, 0, "cycle",
			                 "an observation of a cycle not given");
			break;
		}
		if (!dti_map_get(&ids, obs[i].id, &u)) {
			u = nu++;
			if (dti_map_put(&ids, obs[i].id, u))
				failed = 1;
		}
		unit_of[i] = u;
	}
	if (!failed && !st) {
		t->ncycles = nc;
		t->figures = o->figures;
		t->node = dup(&x->arena, node, &failed);
		t->node_name_vi = dup(&x->arena, node_vi, &failed);
		t->node_name_en = dup(&x->arena, node_en, &failed);
		t->per_year = 1;
		for (size_t k = 0; k < nc; k++) {
			const struct dti_trend_cycle *c = &x->cycles[k];
			if (!c->year || (k && c->year <= x->cycles[k - 1].year))
				t->per_year = 0;
			if (c->precision > t->precision)
				t->precision = c->precision;
			t->synthetic |= c->synthetic;
		}
		x->units = calloc(nu ? nu : 1, sizeof *x->units);
		x->points =
		    calloc(nu * nc > 0 ? nu * nc : 1, sizeof *x->points);
		x->steps = calloc(nu * (nc - 1) > 0 ? nu * (nc - 1) : 1,
		                  sizeof *x->steps);
		name_cycle = malloc((nu ? nu : 1) * sizeof *name_cycle);
		failed = !x->units || !x->points || !x->steps || !name_cycle;
	}
	for (size_t u = 0; u < nu && !failed && !st; u++) {
		name_cycle[u] = -1;
		x->units[u].points = &x->points[u * nc];
		for (size_t k = 0; k < nc; k++)
			x->points[u * nc + k].value = NAN;
	}
	unsigned char *seen = NULL;
	if (!failed && !st) {
		seen = calloc(nu * nc > 0 ? nu * nc : 1, 1);
		failed = !seen;
	}
	for (size_t i = 0; i < nobs && !failed && !st; i++) {
		size_t u = unit_of[i], k = pos[obs[i].cycle];
		struct dti_trend_unit *un = &x->units[u];
		if (seen[u * nc + k]) {
			st = dti_err_set(
			    err, DTI_EINVALID, NULL, 0, 0, "unit",
			    "unit '%s' has two values in cycle '%s'", obs[i].id,
			    x->cycles[k].label);
			break;
		}
		seen[u * nc + k] = 1;
		x->points[u * nc + k].value = obs[i].value;
		x->points[u * nc + k].rank =
		    isnan(obs[i].value) ? 0 : obs[i].rank;
		/* names and groups change (mergers, renamings): the latest */
		if (name_cycle[u] < (long)k) {
			name_cycle[u] = (long)k;
			un->id = dup(&x->arena, obs[i].id, &failed);
			un->name =
			    dup(&x->arena,
			        obs[i].name ? obs[i].name : obs[i].id, &failed);
			un->group = dup(&x->arena, obs[i].group, &failed);
		}
	}
	free(seen);
	/* the group asked for: its units move to the front, the rest go */
	size_t kept = 0;
	for (size_t u = 0; u < nu && !failed && !st; u++) {
		if (o->group && strcmp(x->units[u].group, o->group))
			continue;
		struct dti_trend_unit tmp = x->units[u];
		x->units[u] = x->units[kept];
		x->units[kept++] = tmp;
	}
	if (!failed && !st && o->group && !kept)
		st = dti_err_set(err, DTI_ENOTFOUND, NULL, 0, 0, "group",
		                 "no unit is in group '%s'", o->group);
	if (!failed && !st) {
		t->nunits = kept;
		t->cycles = x->cycles;
		for (size_t u = 0; u < kept; u++) {
			struct dti_trend_unit *un = &x->units[u];
			/* steps follow the unit's points block */
			size_t blk = (size_t)(un->points - x->points) / nc;
			struct dti_trend_step *steps =
			    &x->steps[blk * (nc - 1)];
			un->steps = steps;
			unit_moves(t, un, steps);
			t->incomplete += !un->complete;
		}
		for (size_t k = 0; k < nc; k++) {
			double sum = 0;
			size_t m = 0;
			for (size_t u = 0; u < kept; u++) {
				double v = x->units[u].points[k].value;
				if (!isnan(v)) {
					sum += v;
					m++;
				}
			}
			x->cycles[k].units = m;
			/* to 10 decimals: the sum's binary noise goes */
			x->cycles[k].mean =
			    m ? (double)dti_round_scaled(sum / (double)m, 10) /
			            1e10
			      : NAN;
		}
		for (size_t k = 1; k < nc; k++) {
			struct dti_trend_cycle *cy = &x->cycles[k];
			double sum = 0;
			size_t m = 0;
			for (size_t u = 0; u < kept; u++) {
				const struct dti_trend_step *sp =
				    &x->units[u].steps[k - 1];
				if (!isnan(sp->change)) {
					sum += sp->change;
					m++;
				}
				if (!sp->has_places)
					continue;
				cy->up += sp->places > 0;
				cy->down += sp->places < 0;
				cy->same += sp->places == 0;
			}
			cy->mean_change =
			    m ? (double)dti_round_scaled(sum / (double)m, 10) /
			            1e10
			      : NAN;
		}
		pthread_mutex_lock(&sort_lock);
		sort_order = o->order;
		sort_ncycles = nc;
		qsort(x->units, kept, sizeof *x->units, cmp_unit);
		pthread_mutex_unlock(&sort_lock);
		t->units = x->units;
	}
	dti_map_release(&ids);
	free(perm);
	free(pos);
	free(unit_of);
	free(name_cycle);
	if (failed && !st)
		st = dti_err_nomem(err);
	if (st) {
		dti_trends_free(t);
		return st;
	}
	*out = t;
	return DTI_OK;
}

enum dti_status dti_trends(const struct dti_result *const *res, size_t n,
                           const struct dti_trends_opts *o,
                           struct dti_trends **out, struct dti_error *err)
{
	*out = NULL;
	struct dti_trends_opts def;
	dti_trends_opts_init(&def);
	if (!o)
		o = &def;
	if (n < 2)
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, "cycle",
		                   "trends need two cycles or more, got %zu",
		                   n);
	size_t total = 0;
	for (size_t c = 0; c < n; c++)
		total += dti_result_unit_count(res[c]);
	struct dti_trend_cycle *cyc = calloc(n, sizeof *cyc);
	struct dti_trend_obs *obs = malloc((total ? total : 1) * sizeof *obs);
	long *node = malloc(n * sizeof *node);
	if (!cyc || !obs || !node) {
		free(cyc);
		free(obs);
		free(node);
		return dti_err_nomem(err);
	}
	enum dti_status st = DTI_OK;
	size_t m = 0, latest = 0, figures = 0;
	for (size_t c = 0; c < n && !st; c++) {
		const struct dti_result *r = res[c];
		const struct dti_framework *fw = dti_result_framework(r);
		const struct dti_dataset *ds = dti_result_dataset(r);
		char which[96];
		dti_snprintf(which, sizeof which, " (cycle %s)",
		             dti_result_cycle(r));
		node[c] = find_node(fw, o->node, which, err);
		if (node[c] < 0) {
			st = DTI_ENOTFOUND;
			break;
		}
		size_t k = (size_t)node[c];
		cyc[c].label = dti_result_cycle(r);
		cyc[c].year = label_year(cyc[c].label);
		cyc[c].framework_id = dti_framework_id(fw);
		cyc[c].precision = dti_result_precision(r);
		cyc[c].synthetic = dti_dataset_synthetic(ds);
		cyc[c].ranked = dti_result_ranked_count(r, k);
		if (c && cycle_before(&cyc[latest], &cyc[c]) < 0)
			latest = c;
		size_t dc = dti_result_cycle_index(r);
		for (size_t i = 0; i < dti_result_unit_count(r); i++) {
			struct dti_trend_obs *ob = &obs[m++];
			size_t du = dti_result_unit(r, i);
			struct dti_dataset_unit x;
			dti_dataset_unit(ds, du, &x);
			ob->cycle = c;
			ob->id = x.id;
			ob->name = x.name;
			ob->group = dti_result_unit_group(r, i);
			ob->value = o->figures ? dti_dataset_get(ds, dc, du, k)
			                       : shown(r, i, k);
			ob->rank =
			    isnan(ob->value) ? 0 : dti_result_rank(r, i, k);
			figures += !isnan(ob->value);
		}
	}
	if (!st && o->figures && !figures)
		st = dti_err_set(err, DTI_ENOTFOUND, NULL, 0, 0, "node",
		                 "no cycle has a figure entered for '%s'",
		                 o->node ? o->node : "the index");
	if (!st) {
		struct dti_node_info ni;
		dti_framework_node(dti_result_framework(res[latest]),
		                   (size_t)node[latest], &ni);
		st = dti_trends_from(cyc, n, obs, m, ni.code, ni.name_vi,
		                     ni.name_en, o, out, err);
	}
	free(cyc);
	free(obs);
	free(node);
	return st;
}

/* ---- writing trends ------------------------------------------------------ */

static void put_cycle_value(struct dti_buf *b, const struct dti_trends *t,
                            size_t k, double v, char mark)
{
	put_value(b, v, t->cycles[k].precision, t->figures, mark);
}

static void put_change(struct dti_buf *b, const struct dti_trends *t, double v,
                       char mark)
{
	put_signed(b, v, t->precision, t->figures, mark);
}

static void esc(struct dti_buf *b, const char *s)
{
	dti_text_escape(b, s, strlen(s), 0);
}

/* "2021, 2023": the cycles the unit has no value in. */
static void missing_list(struct dti_buf *b, const struct dti_trends *t,
                         const struct dti_trend_unit *u, const char *sep,
                         int escaped)
{
	int any = 0;
	for (size_t k = 0; k < t->ncycles; k++) {
		if (!isnan(u->points[k].value))
			continue;
		if (any)
			dti_buf_adds(b, sep);
		if (escaped)
			esc(b, t->cycles[k].label);
		else
			dti_buf_adds(b, t->cycles[k].label);
		any = 1;
	}
}

/* Units missing in some cycle named in a table; csv and json name all. */
#define MISSING_LISTED 10

static enum dti_status trends_table(const struct dti_trends *t, int vi,
                                    size_t limit, struct dti_buf *b)
{
	char mark = vi ? ',' : '.';
	size_t nc = t->ncycles;
	const char *nname = vi ? t->node_name_vi : t->node_name_en;
	banner(b, t->synthetic, vi);
	dti_buf_adds(b, t->figures ? (vi ? "Xu hướng số liệu của "
	                                 : "Trends of the figures of ")
	                           : (vi ? "Xu hướng của " : "Trends of "));
	esc(b, t->node);
	if (*nname) {
		dti_buf_adds(b, " – ");
		esc(b, nname);
	}
	dti_buf_adds(b, " · ");
	esc(b, t->cycles[0].label);
	dti_buf_adds(b, "–");
	esc(b, t->cycles[nc - 1].label);
	dti_buf_addf(
	    b, vi ? " · %zu kỳ · %zu đơn vị\n" : " · %zu cycles · %zu %s\n", nc,
	    t->nunits,
	    vi               ? ""
	    : t->nunits == 1 ? "unit"
	                     : "units");

	/* the cycles: units, the mean, how many moved up and down */
	struct tab c;
	tab_init(&c, 9);
	for (size_t j = 2; !c.failed && j < 9; j++)
		c.right[j] = 1;
	tab_row(&c);
	tab_set(&c, 0, vi ? "Kỳ" : "Cycle");
	tab_set(&c, 1, vi ? "Bộ chỉ số" : "Framework");
	tab_set(&c, 2, vi ? "Đơn vị" : "Units");
	tab_set(&c, 3, vi ? "Xếp hạng" : "Ranked");
	tab_set(&c, 4, vi ? "Trung bình" : "Mean");
	tab_set(&c, 5, vi ? "Thay đổi TB" : "Mean change");
	tab_set(&c, 6, vi ? "Tăng hạng" : "Up");
	tab_set(&c, 7, vi ? "Giảm hạng" : "Down");
	tab_set(&c, 8, vi ? "Giữ hạng" : "Same");
	struct dti_buf s = DTI_BUF_INIT;
	for (size_t k = 0; k < nc; k++) {
		const struct dti_trend_cycle *cy = &t->cycles[k];
		tab_row(&c);
		tab_set(&c, 0, cy->label);
		tab_set(&c, 1, cy->framework_id);
		dti_buf_addf(&s, "%zu", cy->units);
		tab_take(&c, 2, &s);
		dti_buf_addf(&s, "%zu", cy->ranked);
		tab_take(&c, 3, &s);
		put_value(&s,
		          isnan(cy->mean) ? NAN
		                          : (double)dti_round_scaled(
		                                cy->mean, t->precision) /
		                                dti_pow10(t->precision),
		          t->precision, 0, mark);
		tab_take(&c, 4, &s);
		if (!k)
			continue;
		double dm = isnan(cy->mean_change)
		                ? NAN
		                : (double)dti_round_scaled(cy->mean_change,
		                                           t->precision) /
		                      dti_pow10(t->precision);
		put_signed(&s, dm, t->precision, t->figures, mark);
		tab_take(&c, 5, &s);
		dti_buf_addf(&s, "%zu", cy->up);
		tab_take(&c, 6, &s);
		dti_buf_addf(&s, "%zu", cy->down);
		tab_take(&c, 7, &s);
		dti_buf_addf(&s, "%zu", cy->same);
		tab_take(&c, 8, &s);
	}
	enum dti_status st = tab_render(&c, b);
	tab_release(&c);
	dti_buf_addc(b, '\n');

	/* the units */
	struct tab g;
	tab_init(&g, 1 + 2 * nc + 4);
	for (size_t j = 1; !g.failed && j < g.ncols; j++)
		g.right[j] = 1;
	tab_row(&g);
	tab_set(&g, 0, vi ? "Đơn vị" : "Unit");
	for (size_t k = 0; k < nc; k++) {
		tab_set(&g, 1 + 2 * k, t->cycles[k].label);
		tab_set(&g, 2 + 2 * k, "#");
	}
	size_t sc = 1 + 2 * nc;
	tab_set(&g, sc, vi ? "Thay đổi" : "Change");
	tab_set(&g, sc + 1, vi ? "Thay đổi %" : "Change %");
	tab_set(&g, sc + 2,
	        t->per_year ? (vi ? "Tăng trưởng/năm" : "Growth/yr")
	                    : (vi ? "Tăng trưởng/kỳ" : "Growth/cycle"));
	tab_set(&g, sc + 3, vi ? "Bậc" : "Places");
	size_t shown_n = limit && limit < t->nunits ? limit : t->nunits;
	for (size_t r = 0; r < shown_n; r++) {
		const struct dti_trend_unit *u = &t->units[r];
		tab_row(&g);
		tab_set(&g, 0, u->name);
		for (size_t k = 0; k < nc; k++) {
			put_cycle_value(&s, t, k, u->points[k].value, mark);
			tab_take(&g, 1 + 2 * k, &s);
			put_rank(&s, u->points[k].rank);
			tab_take(&g, 2 + 2 * k, &s);
		}
		put_change(&s, t, u->change, mark);
		if (u->present >= 2 && !(u->first == 0 && u->last + 1 == nc))
			dti_buf_adds(&s, "*");
		tab_take(&g, sc, &s);
		put_percent(&s, u->relative, mark);
		tab_take(&g, sc + 1, &s);
		put_percent(&s, u->growth, mark);
		tab_take(&g, sc + 2, &s);
		put_places(&s, u->has_places, u->places);
		tab_take(&g, sc + 3, &s);
	}
	if (!st)
		st = tab_render(&g, b);
	tab_release(&g);
	if (shown_n < t->nunits)
		dti_buf_addf(b,
		             vi ? "(hiện %zu/%zu đơn vị)\n"
		                : "(%zu of %zu units shown)\n",
		             shown_n, t->nunits);
	if (t->incomplete) {
		/* the first ones by name; csv and json list them all */
		dti_buf_addf(b,
		             vi ? "Thiếu giá trị ở một số kỳ, không điền "
		                  "thay (%zu đơn vị): "
		                : "Missing in some cycles, nothing filled in "
		                  "(%zu %s): ",
		             t->incomplete,
		             vi                   ? ""
		             : t->incomplete == 1 ? "unit"
		                                  : "units");
		size_t listed = 0, shorter = 0;
		for (size_t r = 0; r < t->nunits; r++) {
			const struct dti_trend_unit *u = &t->units[r];
			if (u->complete)
				continue;
			shorter += u->present >= 2 &&
			           !(u->first == 0 && u->last + 1 == nc);
			if (listed == MISSING_LISTED)
				continue;
			if (listed++)
				dti_buf_adds(b, "; ");
			esc(b, u->name);
			dti_buf_adds(b, vi ? " (không có " : " (none in ");
			missing_list(b, t, u, ", ", 1);
			dti_buf_adds(b, ")");
		}
		if (t->incomplete > listed)
			dti_buf_addf(
			    b, vi ? "; và %zu đơn vị khác" : "; and %zu more",
			    t->incomplete - listed);
		dti_buf_addc(b, '\n');
		if (shorter)
			dti_buf_adds(b, vi ? "Thay đổi có dấu * tính từ kỳ "
			                     "đầu đến kỳ cuối mà đơn vị có "
			                     "giá trị.\n"
			                   : "A change marked * runs from the "
			                     "first to the last cycle the unit "
			                     "has a value in.\n");
	}
	if (!t->per_year)
		dti_buf_adds(b, vi ? "Tăng trưởng tính theo kỳ: không phải mọi "
		                     "kỳ đều có năm.\n"
		                   : "Growth is per cycle: not every cycle has "
		                     "a year.\n");
	dti_buf_release(&s);
	banner(b, t->synthetic, vi);
	return st ? st : dti_buf_status(b);
}

static void csv_label_col(struct dti_buf *b, const char *what, const char *l1,
                          const char *l2)
{
	struct dti_buf h = DTI_BUF_INIT;
	dti_buf_addf(&h, "%s_%s", what, l1);
	if (l2)
		dti_buf_addf(&h, "_%s", l2);
	dti_buf_addc(b, ',');
	if (h.status)
		b->status = h.status;
	else
		dti_csv_text_cell(b, h.data);
	dti_buf_release(&h);
}

static void csv_int(struct dti_buf *b, int has, int v)
{
	dti_buf_addc(b, ',');
	if (has)
		dti_buf_addf(b, "%d", v);
}

static void csv_frac(struct dti_buf *b, double f)
{
	dti_buf_addc(b, ',');
	if (!isnan(f))
		dti_buf_add_decimal(b, frac6(f), 6, '.', "");
}

static void trends_csv(const struct dti_trends *t, struct dti_buf *b)
{
	size_t nc = t->ncycles;
	if (t->synthetic)
		dti_buf_adds(b,
		             "# synthetic: yes (demo values, not official)\n");
	dti_buf_adds(b, "id,name,group");
	for (size_t k = 0; k < nc; k++) {
		csv_label_col(b, "value", t->cycles[k].label, NULL);
		csv_label_col(b, "rank", t->cycles[k].label, NULL);
	}
	for (size_t k = 0; k + 1 < nc; k++) {
		const char *l1 = t->cycles[k].label,
		           *l2 = t->cycles[k + 1].label;
		csv_label_col(b, "change", l1, l2);
		csv_label_col(b, "relative", l1, l2);
		csv_label_col(b, "places", l1, l2);
	}
	dti_buf_adds(b, ",first,last,change,relative,growth,places,missing\n");
	for (size_t r = 0; r < t->nunits; r++) {
		const struct dti_trend_unit *u = &t->units[r];
		dti_csv_text_cell(b, u->id);
		dti_buf_addc(b, ',');
		dti_csv_text_cell(b, u->name);
		dti_buf_addc(b, ',');
		dti_csv_text_cell(b, u->group);
		for (size_t k = 0; k < nc; k++) {
			dti_buf_addc(b, ',');
			data_value(b, u->points[k].value,
			           t->cycles[k].precision, t->figures);
			csv_int(b, u->points[k].rank != 0, u->points[k].rank);
		}
		for (size_t k = 0; k + 1 < nc; k++) {
			const struct dti_trend_step *s = &u->steps[k];
			dti_buf_addc(b, ',');
			data_value(b, s->change, step_digits(t, k, k + 1),
			           t->figures);
			csv_frac(b, s->relative);
			csv_int(b, s->has_places, s->places);
		}
		dti_buf_addc(b, ',');
		if (u->present)
			dti_csv_text_cell(b, t->cycles[u->first].label);
		dti_buf_addc(b, ',');
		if (u->present)
			dti_csv_text_cell(b, t->cycles[u->last].label);
		dti_buf_addc(b, ',');
		if (u->present >= 2)
			data_value(b, u->change,
			           step_digits(t, u->first, u->last),
			           t->figures);
		csv_frac(b, u->relative);
		csv_frac(b, u->growth);
		csv_int(b, u->has_places, u->places);
		dti_buf_addc(b, ',');
		struct dti_buf m = DTI_BUF_INIT;
		missing_list(&m, t, u, ";", 0);
		if (m.status)
			b->status = m.status;
		else if (m.len)
			dti_csv_text_cell(b, m.data);
		dti_buf_release(&m);
		dti_buf_addc(b, '\n');
	}
}

static void json_frac(struct dti_json *j, double f)
{
	if (isnan(f))
		dti_json_null(j);
	else
		dti_json_fixed(j, frac6(f), 6);
}

static void json_places(struct dti_json *j, int has, int v)
{
	if (has)
		dti_json_int(j, v);
	else
		dti_json_null(j);
}

static void trends_json(const struct dti_trends *t, struct dti_buf *b)
{
	size_t nc = t->ncycles;
	struct dti_json j;
	dti_json_init(&j, b);
	dti_json_object_begin(&j);
	dti_json_key(&j, "node");
	dti_json_string(&j, t->node);
	dti_json_key(&j, "name_vi");
	dti_json_string(&j, t->node_name_vi);
	dti_json_key(&j, "name_en");
	dti_json_string(&j, t->node_name_en);
	dti_json_key(&j, "figures");
	dti_json_bool(&j, t->figures);
	dti_json_key(&j, "growth_per");
	dti_json_string(&j, t->per_year ? "year" : "cycle");
	dti_json_key(&j, "synthetic");
	dti_json_bool(&j, t->synthetic);
	dti_json_key(&j, "cycles");
	dti_json_array_begin(&j);
	for (size_t k = 0; k < nc; k++) {
		const struct dti_trend_cycle *c = &t->cycles[k];
		dti_json_object_begin(&j);
		dti_json_key(&j, "label");
		dti_json_string(&j, c->label);
		dti_json_key(&j, "year");
		if (c->year)
			dti_json_int(&j, c->year);
		else
			dti_json_null(&j);
		dti_json_key(&j, "framework");
		dti_json_string(&j, c->framework_id);
		dti_json_key(&j, "precision");
		dti_json_int(&j, c->precision);
		dti_json_key(&j, "synthetic");
		dti_json_bool(&j, c->synthetic);
		dti_json_key(&j, "units");
		dti_json_int(&j, (long long)c->units);
		dti_json_key(&j, "ranked");
		dti_json_int(&j, (long long)c->ranked);
		dti_json_key(&j, "mean");
		json_num(&j, c->mean);
		dti_json_key(&j, "mean_change");
		json_num(&j, c->mean_change);
		dti_json_key(&j, "up");
		dti_json_int(&j, (long long)c->up);
		dti_json_key(&j, "down");
		dti_json_int(&j, (long long)c->down);
		dti_json_key(&j, "same");
		dti_json_int(&j, (long long)c->same);
		dti_json_object_end(&j);
	}
	dti_json_array_end(&j);
	dti_json_key(&j, "incomplete");
	dti_json_int(&j, (long long)t->incomplete);
	dti_json_key(&j, "units");
	dti_json_array_begin(&j);
	for (size_t r = 0; r < t->nunits; r++) {
		const struct dti_trend_unit *u = &t->units[r];
		dti_json_break(&j);
		dti_json_object_begin(&j);
		dti_json_key(&j, "id");
		dti_json_string(&j, u->id);
		dti_json_key(&j, "name");
		dti_json_string(&j, u->name);
		dti_json_key(&j, "group");
		if (*u->group)
			dti_json_string(&j, u->group);
		else
			dti_json_null(&j);
		dti_json_key(&j, "points");
		dti_json_array_begin(&j);
		for (size_t k = 0; k < nc; k++) {
			dti_json_object_begin(&j);
			dti_json_key(&j, "cycle");
			dti_json_string(&j, t->cycles[k].label);
			dti_json_key(&j, "value");
			json_value(&j, u->points[k].value,
			           t->cycles[k].precision, t->figures);
			dti_json_key(&j, "rank");
			json_places(&j, u->points[k].rank != 0,
			            u->points[k].rank);
			dti_json_object_end(&j);
		}
		dti_json_array_end(&j);
		dti_json_key(&j, "steps");
		dti_json_array_begin(&j);
		for (size_t k = 0; k + 1 < nc; k++) {
			const struct dti_trend_step *s = &u->steps[k];
			dti_json_object_begin(&j);
			dti_json_key(&j, "from");
			dti_json_string(&j, t->cycles[k].label);
			dti_json_key(&j, "to");
			dti_json_string(&j, t->cycles[k + 1].label);
			dti_json_key(&j, "change");
			json_value(&j, s->change, step_digits(t, k, k + 1),
			           t->figures);
			dti_json_key(&j, "relative");
			json_frac(&j, s->relative);
			dti_json_key(&j, "places");
			json_places(&j, s->has_places, s->places);
			dti_json_object_end(&j);
		}
		dti_json_array_end(&j);
		dti_json_key(&j, "span");
		dti_json_object_begin(&j);
		dti_json_key(&j, "from");
		u->present ? dti_json_string(&j, t->cycles[u->first].label)
		           : dti_json_null(&j);
		dti_json_key(&j, "to");
		u->present ? dti_json_string(&j, t->cycles[u->last].label)
		           : dti_json_null(&j);
		dti_json_key(&j, "periods");
		dti_json_double(&j, u->periods);
		dti_json_key(&j, "change");
		json_value(&j, u->present >= 2 ? u->change : NAN,
		           step_digits(t, u->first, u->last), t->figures);
		dti_json_key(&j, "relative");
		json_frac(&j, u->relative);
		dti_json_key(&j, "growth");
		json_frac(&j, u->growth);
		dti_json_key(&j, "places");
		json_places(&j, u->has_places, u->places);
		dti_json_object_end(&j);
		dti_json_key(&j, "missing");
		dti_json_array_begin(&j);
		for (size_t k = 0; k < nc; k++)
			if (isnan(u->points[k].value))
				dti_json_string(&j, t->cycles[k].label);
		dti_json_array_end(&j);
		dti_json_object_end(&j);
	}
	dti_json_array_end(&j);
	dti_json_object_end(&j);
	dti_buf_addc(b, '\n');
}

enum dti_status dti_trends_write(const struct dti_trends *t,
                                 enum dti_format format, enum dti_lang lang,
                                 size_t limit, struct dti_buf *b,
                                 struct dti_error *err)
{
	enum dti_status st = DTI_OK;
	if (format == DTI_FORMAT_JSON)
		trends_json(t, b);
	else if (format == DTI_FORMAT_CSV)
		trends_csv(t, b);
	else if (format == DTI_FORMAT_TABLE)
		st = trends_table(t, lang == DTI_LANG_VI, limit, b);
	else
		return dti_err_set(
		    err, DTI_EARG, NULL, 0, 0, "format",
		    "trends are written as a table, csv or json");
	return dti_buf_final(b, st, err);
}
