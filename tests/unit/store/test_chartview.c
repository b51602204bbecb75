/*
 * tests/unit/store/test_chartview.c - a published cycle's charts
 * (dti_store_chart, dti/views.h) through the public API, on SQLite (and
 * on PostgreSQL in the '-pg' run).
 *
 * Each chart is checked against the engine's chart call (dti/chart.h)
 * given data the test gathers itself: the published values from
 * dti_store_ranking (a ranking per node for the indicators), the means
 * summed here from those values, the ranks of each year from that year's
 * ranking, the titles written out.  The same bytes mean the same chart.
 *
 * The store: five districts, d1 and d2 in group G1 ("Nhóm Một", "Group
 * One"), d3 and d4 in G2, d5 in none; a framework idx = 60% p1 + 40% p2,
 * p1 = (a + b) / 2, p2 = c.  Cycles of the district level:
 *   c23  2023, published, d5 excluded
 *   c24  2024, published, d3 excluded
 *   c25  2025, published, every unit
 *   c26  2026, open
 * and k25 (communes, a framework of two indicators, no pillar): too few
 * axes for a radar.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>

#include "teststore.h"

static const char fw_text[] =
    "# dti-framework: 1\n"
    "# id: ch-test\n"
    "# version: 1\n"
    "# level: district\n"
    "# scoring: points\n"
    "# scale: 1\n"
    "# precision: 4\n"
    "# missing: zero\n"
    "code,parent,kind,name_vi,name_en,points,rule,params\n"
    "idx,,index,Chỉ số,Index,100,,\n"
    "p1,idx,pillar,Trụ cột Một,Pillar One,60,,\n"
    "p2,idx,pillar,Trụ cột Hai,Pillar Two,40,,\n"
    "a,p1,indicator,Chỉ tiêu A,Indicator A,30,value,\n"
    "b,p1,indicator,Chỉ tiêu B,Indicator B,30,value,\n"
    "c,p2,indicator,Chỉ tiêu C,Indicator C,40,value,\n";

static const char fw_small_text[] =
    "# dti-framework: 1\n"
    "# id: ch-small\n"
    "# version: 1\n"
    "# level: commune\n"
    "# scoring: points\n"
    "# scale: 1\n"
    "# precision: 4\n"
    "# missing: zero\n"
    "code,parent,kind,name_vi,name_en,points,rule,params\n"
    "idx,,index,Chỉ số,Index,100,,\n"
    "a,idx,indicator,Chỉ tiêu A,Indicator A,50,value,\n"
    "b,idx,indicator,Chỉ tiêu B,Indicator B,50,value,\n";

static const char units_text[] =
    "id,code,name_vi,name_ascii,aliases,group,valid_from,valid_to,"
    "successors\n"
    "d1,D1,Quận Một,Quan Mot,,G1,,,\n"
    "d2,D2,Quận Hai,Quan Hai,,G1,,,\n"
    "d3,D3,Quận Ba,Quan Ba,,G2,,,\n"
    "d4,D4,Quận Bốn,Quan Bon,,G2,,,\n"
    "d5,D5,Quận Năm,Quan Nam,,,,,\n";

static const char groups_text[] = "group,name_vi,name_en\n"
                                  "G1,Nhóm Một,Group One\n"
                                  "G2,Nhóm Hai,Group Two\n";

static const char communes_text[] =
    "id,code,name_vi,name_ascii,aliases,group,valid_from,valid_to,"
    "successors\n"
    "x1,X1,Xã Một,Xa Mot,,,,,\n"
    "x2,X2,Xã Hai,Xa Hai,,,,,\n";

/* tiles for every district; tiles for d1 and d2 only; for none */
static const char tiles_all[] = "# layout: all-five\n"
                                "id,row,col,label\n"
                                "d1,0,0,Q1\n"
                                "d2,0,1,Q2\n"
                                "d3,1,0,Q3\n"
                                "d4,1,1,Q4\n"
                                "d5,2,0,Q5\n";
static const char tiles_g1[] = "# layout: g1-only\n"
                               "id,row,col,label\n"
                               "d1,0,0,Q1\n"
                               "d2,0,1,Q2\n";
static const char tiles_none[] = "# layout: elsewhere\n"
                                 "id,row,col,label\n"
                                 "z1,0,0,Z1\n";

struct fx {
	struct teststore ts;
	struct dti_store *s;
	struct dti_error err;
	struct dti_tile_layout *all, *g1, *none;
};

#define OK(call)                                                               \
	do {                                                                   \
		enum dti_status st_ = (call);                                  \
		if (st_ != DTI_OK)                                             \
			fail_msg("%s -> %s: %s", #call, dti_strerror(st_),     \
			         f->err.message);                              \
		dti_error_release(&f->err);                                    \
	} while (0)

static void as(struct fx *f, const char *user)
{
	OK(dti_store_set_actor(f->s, user, &f->err));
}

/* One unit's figures. */
struct figs {
	const char *unit;
	double a, b, c;
};

/* A cycle taken to publication (publish = 1) with these figures; the
   units not listed are excluded. */
static void cycle(struct fx *f, const char *label, int year, const char *fw,
                  const struct figs *u, size_t n, int publish)
{
	as(f, "olga");
	struct dti_cycle_new c;
	dti_cycle_new_init(&c);
	c.label = label;
	c.year = year;
	c.framework = fw;
	OK(dti_cycle_create(f->s, &c, &f->err));
	OK(dti_cycle_transition(f->s, label, DTI_CYCLE_OPEN, 0, &f->err));
	for (size_t i = 0; i < n; i++) {
		struct dti_figure_edit e[3];
		const char *codes[] = {"a", "b", "c"};
		double v[] = {u[i].a, u[i].b, u[i].c};
		size_t ne = isnan(u[i].c) ? 2 : 3;
		for (size_t k = 0; k < ne; k++) {
			dti_figure_edit_init(&e[k], codes[k]);
			e[k].value = v[k];
		}
		OK(dti_submission_edit(f->s, label, u[i].unit, e, ne, 0,
		                       &f->err));
	}
	if (!publish)
		return;
	struct dti_cycle_status *cs = NULL;
	OK(dti_cycle_status(f->s, label, &cs, &f->err));
	for (size_t i = 0; i < cs->n; i++) {
		const char *id = cs->units[i].unit;
		int listed = 0;
		for (size_t k = 0; k < n; k++)
			listed |= strcmp(u[k].unit, id) == 0;
		if (listed)
			OK(dti_submission_submit(f->s, label, id, 0, &f->err));
		else
			OK(dti_submission_exclude(f->s, label, id,
			                          "not in test", &f->err));
	}
	dti_cycle_status_free(cs);
	OK(dti_cycle_transition(f->s, label, DTI_CYCLE_REVIEW, 0, &f->err));
	for (size_t k = 0; k < n; k++)
		OK(dti_review_approve(f->s, label, u[k].unit, 0, &f->err));
	OK(dti_cycle_transition(f->s, label, DTI_CYCLE_CLOSED, 0, &f->err));
	OK(dti_cycle_publish_with(f->s, label, NULL, &f->err));
}

static void layout(struct fx *f, const char *text, struct dti_tile_layout **l)
{
	OK(dti_tile_layout_parse(text, strlen(text), "tiles.csv", l, &f->err));
}

/* One store for every test: none of them writes. */
static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	if (!f || teststore_new(&f->ts) != 0)
		return -1;
	*state = f;
	OK(dti_store_open(f->ts.location, &f->s, &f->err));
	OK(store_test_clock(f->s, "2026-06-01T08:00:00Z"));
	OK(dti_store_init(f->s, &f->err));
	OK(dti_user_add(f->s, "root", NULL, NULL, &f->err));
	as(f, "root");
	OK(dti_user_add(f->s, "olga", NULL, NULL, &f->err));
	struct dti_units *u = NULL;
	OK(dti_units_parse(units_text, strlen(units_text), "units.csv", &u,
	                   &f->err));
	OK(dti_units_parse_groups(u, groups_text, strlen(groups_text),
	                          "groups.csv", &f->err));
	OK(dti_store_units_import(f->s, u, "district", NULL, NULL, &f->err));
	dti_units_free(u);
	OK(dti_units_parse(communes_text, strlen(communes_text), "x.csv", &u,
	                   &f->err));
	OK(dti_store_units_import(f->s, u, "commune", NULL, NULL, &f->err));
	dti_units_free(u);
	OK(dti_user_role(f->s, "olga", DTI_ROLE_OWNER, NULL, 1, &f->err));
	as(f, "olga");
	char sha[65];
	OK(dti_store_framework_add(f->s, fw_text, strlen(fw_text), "ch.csv",
	                           sha, &f->err));
	OK(dti_store_framework_add(f->s, fw_small_text, strlen(fw_small_text),
	                           "ch-small.csv", sha, &f->err));
	const struct figs c23[] = {{"d1", 0.5, 0.7, 0.4},
	                           {"d2", 0.8, 0.6, 0.9},
	                           {"d3", 0.2, 0.4, 0.6},
	                           {"d4", 1.0, 0.8, 0.5}};
	cycle(f, "c23", 2023, "ch-test", c23, 4, 1);
	const struct figs c24[] = {{"d1", 0.6, 0.7, 0.5},
	                           {"d2", 0.8, 0.6, 0.9},
	                           {"d4", 0.9, 0.9, 0.7},
	                           {"d5", 0.3, 0.3, 0.3}};
	cycle(f, "c24", 2024, "ch-test", c24, 4, 1);
	const struct figs c25[] = {{"d1", 0.7, 0.7, 0.6},
	                           {"d2", 0.9, 0.5, 0.8},
	                           {"d3", 0.3, 0.4, 0.5},
	                           {"d4", 0.9, 0.8, 0.9},
	                           {"d5", 0.4, 0.2, 0.6}};
	cycle(f, "c25", 2025, "ch-test", c25, 5, 1);
	cycle(f, "c26", 2026, "ch-test", c25, 2, 0);
	const struct figs k25[] = {{"x1", 0.5, 0.5, NAN},
	                           {"x2", 0.7, 0.1, NAN}};
	cycle(f, "k25", 2025, "ch-small", k25, 2, 1);
	as(f, NULL);
	layout(f, tiles_all, &f->all);
	layout(f, tiles_g1, &f->g1);
	layout(f, tiles_none, &f->none);
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	dti_tile_layout_free(f->all);
	dti_tile_layout_free(f->g1);
	dti_tile_layout_free(f->none);
	dti_store_close(f->s);
	dti_error_release(&f->err);
	teststore_cleanup(&f->ts);
	free(f);
	return 0;
}

/* ---- what the test gathers itself ---------------------------------------- */

static struct dti_ranking *ranking(struct fx *f, const char *cycle,
                                   const char *node, enum dti_lang lang)
{
	struct dti_view_opts o;
	dti_view_opts_init(&o);
	o.node = node;
	o.lang = lang;
	struct dti_ranking *r = NULL;
	OK(dti_store_ranking(f->s, cycle, &o, &r, &f->err));
	return r;
}

static const struct dti_ranking_row *row_of(const struct dti_ranking *r,
                                            const char *id)
{
	for (size_t i = 0; i < r->nrows; i++)
		if (strcmp(r->rows[i].id, id) == 0)
			return &r->rows[i];
	return NULL;
}

/*
 * The mean of column k of the rows (of group, or all: NULL) that have a
 * value: the published values are decimals of four places, summed here
 * as whole counts of 0.0001 and divided once.
 */
static double mean(const struct dti_ranking *r, size_t k, const char *group)
{
	long long sum = 0;
	size_t n = 0;
	for (size_t i = 0; i < r->nrows; i++) {
		double v = r->rows[i].cells[k].value;
		if (isnan(v) || (group && strcmp(r->rows[i].group, group)))
			continue;
		sum += llround(v * 10000);
		n++;
	}
	return n ? (double)sum / ((double)n * 10000) : NAN;
}

/* "0.6235" or "0,6235": v at four places, rounded half away from 0. */
static void four(double v, int comma, char *out, size_t n)
{
	long long k = llround(v * 10000);
	snprintf(out, n, "%lld%c%04lld", k / 10000, comma ? ',' : '.',
	         k % 10000);
}

static void contains(const struct dti_buf *b, const char *needle)
{
	if (!b->data || !strstr(b->data, needle))
		fail_msg("the chart lacks '%s'", needle);
}

static void same(const struct dti_buf *a, const struct dti_buf *b)
{
	assert_int_equal(a->len, b->len);
	assert_memory_equal(a->data, b->data, a->len);
}

/* ---- bars ---------------------------------------------------------------- */

static void test_bars(void **state)
{
	struct fx *f = *state;
	struct dti_buf got = DTI_BUF_INIT, want = DTI_BUF_INIT;
	OK(dti_store_chart(f->s, "c25", DTI_VIEW_CHART_BARS, "Quận Một", NULL,
	                   NULL, 0, NULL, &got, &f->err));

	/* the index and both pillars, d1's values and the two means */
	struct dti_ranking *r = ranking(f, "c25", NULL, DTI_LANG_EN);
	assert_int_equal(r->nnodes, 3);
	const struct dti_ranking_row *d1 = row_of(r, "d1");
	assert_non_null(d1);
	/* d1: idx = 0.6 x 0.7 + 0.4 x 0.6 = 0.66; p1 0.7; p2 0.6 */
	assert_true(fabs(d1->cells[0].value - 0.66) < 1e-9);
	const char *cats[3];
	double mine[3], all[3], g1[3];
	char text[64], line[256];
	for (size_t k = 0; k < 3; k++) {
		cats[k] = r->nodes[k].name;
		mine[k] = d1->cells[k].value;
		all[k] = mean(r, k, NULL);
		g1[k] = mean(r, k, "G1");
		four(all[k], 0, text, sizeof text);
		snprintf(line, sizeof line,
		         "<title>Mean of all units – %s: %s</title>", cats[k],
		         text);
		contains(&got, line);
		four(g1[k], 0, text, sizeof text);
		snprintf(line, sizeof line,
		         "<title>Mean of Group One – %s: %s</title>", cats[k],
		         text);
		contains(&got, line);
	}
	/* by hand: p1 of all = (0.7 + 0.7 + 0.35 + 0.85 + 0.3) / 5 = 0.58;
	   of G1 = (0.7 + 0.7) / 2 = 0.7 */
	assert_true(fabs(all[1] - 0.58) < 1e-12);
	assert_true(fabs(g1[1] - 0.7) < 1e-12);
	contains(&got, "<title>Quận Một – Pillar One: 0.7000</title>");

	struct dti_chart_opts co;
	dti_chart_opts_init(&co);
	co.decimals = 4;
	co.title = "Quận Một: index and pillars \xC2\xB7 c25";
	const struct dti_chart_series s[3] = {{"Quận Một", mine},
	                                      {"Mean of all units", all},
	                                      {"Mean of Group One", g1}};
	OK(dti_chart_bars(&co, 3, cats, 3, s, &want, &f->err));
	same(&got, &want);

	/* d5 is in no group: two series, no group mean */
	dti_buf_reset(&got);
	OK(dti_store_chart(f->s, "c25", DTI_VIEW_CHART_BARS, "d5", NULL, NULL,
	                   0, NULL, &got, &f->err));
	const struct dti_ranking_row *d5 = row_of(r, "d5");
	for (size_t k = 0; k < 3; k++)
		mine[k] = d5->cells[k].value;
	dti_buf_reset(&want);
	co.title = "Quận Năm: index and pillars \xC2\xB7 c25";
	const struct dti_chart_series s5[2] = {{"Quận Năm", mine},
	                                       {"Mean of all units", all}};
	OK(dti_chart_bars(&co, 3, cats, 2, s5, &want, &f->err));
	same(&got, &want);
	assert_null(strstr(got.data, "Mean of Group"));

	/* in an earlier cycle the means are that cycle's: c24 has no d3 */
	dti_ranking_free(r);
	r = ranking(f, "c24", NULL, DTI_LANG_EN);
	dti_buf_reset(&got);
	OK(dti_store_chart(f->s, "c24", DTI_VIEW_CHART_BARS, "d4", NULL, NULL,
	                   0, NULL, &got, &f->err));
	four(mean(r, 0, "G2"), 0, text, sizeof text);
	assert_int_equal(r->rows[0].cells[0].rank, 1);
	snprintf(line, sizeof line,
	         "<title>Mean of Group Two – Index: %s</title>", text);
	contains(&got, line);
	/* G2 in c24 is d4 alone: its mean is its value */
	assert_true(fabs(mean(r, 0, "G2") - row_of(r, "d4")->cells[0].value) <
	            1e-12);
	dti_ranking_free(r);
	dti_buf_release(&got);
	dti_buf_release(&want);
}

/* ---- radar --------------------------------------------------------------- */

static void test_radar(void **state)
{
	struct fx *f = *state;
	struct dti_buf got = DTI_BUF_INIT, want = DTI_BUF_INIT;
	struct dti_view_opts vo;
	dti_view_opts_init(&vo);
	vo.lang = DTI_LANG_VI;
	struct dti_chart_opts co;
	dti_chart_opts_init(&co);
	co.decimals = 2;
	co.id_prefix = "r";
	co.width = 520;
	/* co.lang is not read: vo.lang is the chart's */
	co.lang = DTI_LANG_EN;
	OK(dti_store_chart(f->s, "c25", DTI_VIEW_CHART_RADAR, "d2", &vo, &co, 0,
	                   NULL, &got, &f->err));

	/* the three indicators, each from its own ranking */
	static const char *const codes[] = {"a", "b", "c"};
	const char *axes[3];
	double mine[3], all[3], g1[3];
	struct dti_ranking *r[3];
	for (size_t k = 0; k < 3; k++) {
		r[k] = ranking(f, "c25", codes[k], DTI_LANG_VI);
		axes[k] = r[k]->nodes[0].name;
		mine[k] = row_of(r[k], "d2")->cells[0].value;
		all[k] = mean(r[k], 0, NULL);
		g1[k] = mean(r[k], 0, "G1");
	}
	/* by hand: a = (0.7 + 0.9 + 0.3 + 0.9 + 0.4) / 5 = 0.64 */
	assert_true(fabs(all[0] - 0.64) < 1e-12);
	assert_true(fabs(g1[2] - 0.7) < 1e-12);
	contains(&got, "Trung bình chung – Chỉ tiêu A: 0,64</title>");
	contains(&got, "Trung bình Nhóm Một – Chỉ tiêu C: 0,70</title>");
	struct dti_chart_opts eo = co;
	eo.lang = DTI_LANG_VI;
	eo.title = "Quận Hai: các chỉ số chính \xC2\xB7 c25";
	const struct dti_chart_series s[3] = {{"Quận Hai", mine},
	                                      {"Trung bình chung", all},
	                                      {"Trung bình Nhóm Một", g1}};
	OK(dti_chart_radar(&eo, 3, axes, 3, s, &want, &f->err));
	same(&got, &want);
	for (size_t k = 0; k < 3; k++)
		dti_ranking_free(r[k]);

	/* two indicators and no pillar: no radar, nothing written */
	dti_buf_reset(&got);
	dti_buf_adds(&got, "kept");
	assert_int_equal(dti_store_chart(f->s, "k25", DTI_VIEW_CHART_RADAR,
	                                 "x1", NULL, NULL, 0, NULL, &got,
	                                 &f->err),
	                 DTI_EINVALID);
	assert_string_equal(f->err.field, "axes");
	assert_non_null(strstr(f->err.message, "a radar needs 3"));
	assert_string_equal(got.data, "kept");
	dti_error_release(&f->err);
	dti_buf_release(&got);
	dti_buf_release(&want);
}

/* ---- trend --------------------------------------------------------------- */

static void test_trend(void **state)
{
	struct fx *f = *state;
	struct dti_buf got = DTI_BUF_INIT, want = DTI_BUF_INIT;
	OK(dti_store_chart(f->s, "c25", DTI_VIEW_CHART_TREND, "d3", NULL, NULL,
	                   0, NULL, &got, &f->err));

	/* d3 on the index: ranked in 2025 and 2023, excluded in 2024 */
	static const char *const cycles[] = {"c25", "c24", "c23"};
	static const int years[] = {2025, 2024, 2023};
	struct dti_chart_point pts[3];
	struct dti_ranking *r[3];
	for (size_t k = 0; k < 3; k++) {
		r[k] = ranking(f, cycles[k], NULL, DTI_LANG_EN);
		const struct dti_ranking_row *d3 = row_of(r[k], "d3");
		pts[k] = (struct dti_chart_point){
		    years[k], cycles[k], d3 ? d3->cells[0].value : NAN,
		    d3 ? d3->cells[0].rank : 0, r[k]->nodes[0].ranked};
	}
	assert_int_equal(pts[0].ranked, 5);
	assert_int_equal(pts[1].ranked, 4);
	assert_int_equal(pts[1].rank, 0);
	assert_true(isnan(pts[1].value));
	assert_int_equal(pts[2].rank, 4);
	struct dti_chart_opts co;
	dti_chart_opts_init(&co);
	co.title = "Quận Ba: Index over the years";
	const struct dti_chart_trend_series ts = {"Quận Ba", 3, pts};
	OK(dti_chart_trend(&co, 1, &ts, DTI_CHART_VALUES | DTI_CHART_RANKS,
	                   &want, &f->err));
	same(&got, &want);
	for (size_t k = 0; k < 3; k++)
		dti_ranking_free(r[k]);

	/* on pillar One, since 2024, in Vietnamese: two years */
	struct dti_view_opts vo;
	dti_view_opts_init(&vo);
	vo.node = "p1";
	vo.since = 2024;
	vo.lang = DTI_LANG_VI;
	dti_buf_reset(&got);
	OK(dti_store_chart(f->s, "c25", DTI_VIEW_CHART_TREND, "d1", &vo, NULL,
	                   0, NULL, &got, &f->err));
	for (size_t k = 0; k < 2; k++) {
		r[k] = ranking(f, cycles[k], "p1", DTI_LANG_VI);
		const struct dti_ranking_row *d1 = row_of(r[k], "d1");
		pts[k] = (struct dti_chart_point){
		    years[k], cycles[k], d1->cells[0].value, d1->cells[0].rank,
		    r[k]->nodes[0].ranked};
	}
	co.lang = DTI_LANG_VI;
	co.title = "Quận Một: Trụ cột Một qua các năm";
	const struct dti_chart_trend_series t2 = {"Quận Một", 2, pts};
	dti_buf_reset(&want);
	OK(dti_chart_trend(&co, 1, &t2, DTI_CHART_VALUES | DTI_CHART_RANKS,
	                   &want, &f->err));
	same(&got, &want);
	assert_null(strstr(got.data, "2023"));
	for (size_t k = 0; k < 2; k++)
		dti_ranking_free(r[k]);
	dti_buf_release(&got);
	dti_buf_release(&want);
}

/* ---- distribution and map ------------------------------------------------ */

static struct dti_chart_item *items_of(const struct dti_ranking *r)
{
	struct dti_chart_item *it = calloc(r->nrows, sizeof *it);
	assert_non_null(it);
	for (size_t i = 0; i < r->nrows; i++)
		it[i] = (struct dti_chart_item){r->rows[i].id, r->rows[i].name,
		                                r->rows[i].cells[0].value};
	return it;
}

static void test_distribution(void **state)
{
	struct fx *f = *state;
	struct dti_buf got = DTI_BUF_INIT, want = DTI_BUF_INIT;
	struct dti_view_opts vo;
	dti_view_opts_init(&vo);
	vo.node = "p2";
	OK(dti_store_chart(f->s, "c25", DTI_VIEW_CHART_DISTRIBUTION, "Quận Ba",
	                   &vo, NULL, 0, NULL, &got, &f->err));
	struct dti_ranking *r = ranking(f, "c25", "p2", DTI_LANG_EN);
	struct dti_chart_item *it = items_of(r);
	struct dti_chart_opts co;
	dti_chart_opts_init(&co);
	co.title = "Pillar Two \xC2\xB7 c25";
	OK(dti_chart_distribution(&co, r->nrows, it, "d3", &want, &f->err));
	same(&got, &want);
	contains(&got, "Quận Ba: 0.5000");
	free(it);
	dti_ranking_free(r);

	/* the index without a unit marked, and the caller's title */
	struct dti_chart_opts mine;
	dti_chart_opts_init(&mine);
	mine.decimals = DTI_CHART_DECIMALS_PUBLISHED;
	mine.title = "Chỉ số <2025>";
	dti_buf_reset(&got);
	OK(dti_store_chart(f->s, "c25", DTI_VIEW_CHART_DISTRIBUTION, NULL, NULL,
	                   &mine, 0, NULL, &got, &f->err));
	r = ranking(f, "c25", NULL, DTI_LANG_EN);
	it = items_of(r);
	co.title = "Chỉ số <2025>";
	dti_buf_reset(&want);
	OK(dti_chart_distribution(&co, r->nrows, it, NULL, &want, &f->err));
	same(&got, &want);
	contains(&got, "Chỉ số &lt;2025&gt;");
	free(it);
	dti_ranking_free(r);
	dti_buf_release(&got);
	dti_buf_release(&want);
}

static void test_map(void **state)
{
	struct fx *f = *state;
	struct dti_buf got = DTI_BUF_INIT, want = DTI_BUF_INIT;
	/* the layout with the most units is taken, wherever it is */
	const struct dti_tile_layout *const two[] = {f->g1, f->all};
	OK(dti_store_chart(f->s, "c24", DTI_VIEW_CHART_MAP, "d4", NULL, NULL, 2,
	                   two, &got, &f->err));
	struct dti_ranking *r = ranking(f, "c24", NULL, DTI_LANG_EN);
	struct dti_chart_item *it = items_of(r);
	struct dti_chart_opts co;
	dti_chart_opts_init(&co);
	co.title = "Index \xC2\xB7 c24";
	OK(dti_chart_tilemap(&co, f->all, r->nrows, it, "d4", &want, &f->err));
	same(&got, &want);
	/* d3, excluded from c24, is a tile without a value */
	contains(&got, "<g id=\"dti-chart-tile-d3\"");
	free(it);
	dti_ranking_free(r);

	/* a layout without some of the units: refused, naming the first */
	const struct dti_tile_layout *const g1[] = {f->g1, f->none};
	dti_buf_reset(&got);
	assert_int_equal(dti_store_chart(f->s, "c25", DTI_VIEW_CHART_MAP, NULL,
	                                 NULL, NULL, 2, g1, &got, &f->err),
	                 DTI_ENOTFOUND);
	assert_string_equal(f->err.field, "tiles");
	assert_non_null(strstr(f->err.message, "has no tile in layout "
	                                       "g1-only"));
	assert_int_equal(got.len, 0);
	dti_error_release(&f->err);
	/* none with a unit of the cycle, or none at all */
	const struct dti_tile_layout *const none[] = {f->none};
	assert_int_equal(dti_store_chart(f->s, "c25", DTI_VIEW_CHART_MAP, NULL,
	                                 NULL, NULL, 1, none, &got, &f->err),
	                 DTI_ENOTFOUND);
	assert_string_equal(f->err.field, "tiles");
	assert_non_null(strstr(f->err.message, "no tile layout has a unit"));
	dti_error_release(&f->err);
	assert_int_equal(dti_store_chart(f->s, "c25", DTI_VIEW_CHART_MAP, NULL,
	                                 NULL, NULL, 0, NULL, &got, &f->err),
	                 DTI_ENOTFOUND);
	assert_string_equal(f->err.field, "tiles");
	dti_error_release(&f->err);
	assert_int_equal(got.len, 0);
	dti_buf_release(&got);
	dti_buf_release(&want);
}

/* ---- refusals ------------------------------------------------------------ */

static void refused(struct fx *f, enum dti_status code, const char *field,
                    const char *needle, const char *cycle,
                    enum dti_view_chart kind, const char *unit,
                    const struct dti_view_opts *vo,
                    const struct dti_chart_opts *co)
{
	const struct dti_tile_layout *const l[] = {f->all};
	struct dti_buf out = DTI_BUF_INIT;
	dti_buf_adds(&out, "kept");
	enum dti_status st = dti_store_chart(f->s, cycle, kind, unit, vo, co, 1,
	                                     l, &out, &f->err);
	if (st != code)
		fail_msg("%s %d %s -> %s (%s), expected %s", cycle, (int)kind,
		         unit ? unit : "-", dti_strerror(st), f->err.message,
		         dti_strerror(code));
	if (!strstr(f->err.message, needle))
		fail_msg("message '%s' lacks '%s'", f->err.message, needle);
	assert_string_equal(f->err.field, field);
	assert_string_equal(out.data, "kept");
	dti_buf_release(&out);
	dti_error_release(&f->err);
}

static void test_refused(void **state)
{
	struct fx *f = *state;
	struct dti_view_opts vo;
	dti_view_opts_init(&vo);
	/* unknown unit, cycle, node */
	refused(f, DTI_ENOTFOUND, "", "unknown unit 'd9'", "c25",
	        DTI_VIEW_CHART_BARS, "d9", NULL, NULL);
	refused(f, DTI_ENOTFOUND, "", "unknown unit 'd9'", "c25",
	        DTI_VIEW_CHART_MAP, "d9", NULL, NULL);
	refused(f, DTI_ENOTFOUND, "cycle", "no cycle 'c99'", "c99",
	        DTI_VIEW_CHART_DISTRIBUTION, NULL, NULL, NULL);
	vo.node = "zz";
	refused(f, DTI_ENOTFOUND, "node", "'zz' is not a node", "c25",
	        DTI_VIEW_CHART_TREND, "d1", &vo, NULL);
	refused(f, DTI_ENOTFOUND, "node", "'zz' is not a node", "c25",
	        DTI_VIEW_CHART_MAP, NULL, &vo, NULL);
	/* not published: open, or never opened */
	for (int k = DTI_VIEW_CHART_BARS; k <= DTI_VIEW_CHART_MAP; k++)
		refused(f, DTI_ESTATE, "state",
		        "cycle c26 is open, not "
		        "published",
		        "c26", (enum dti_view_chart)k, "d1", NULL, NULL);
	/* a unit not in the published result (excluded from c24) */
	refused(f, DTI_ENOTFOUND, "unit", "not in the published result", "c24",
	        DTI_VIEW_CHART_RADAR, "d3", NULL, NULL);
	refused(f, DTI_ENOTFOUND, "unit",
	        "Quận Ba (d3) is not in the published result of cycle c24",
	        "c24", DTI_VIEW_CHART_DISTRIBUTION, "Quận Ba", NULL, NULL);
	/* a chart of a unit without one; no chart; no cycle */
	refused(f, DTI_EARG, "unit", "needs a unit", "c25",
	        DTI_VIEW_CHART_TREND, NULL, NULL, NULL);
	refused(f, DTI_EARG, "kind", "no chart", "c25", (enum dti_view_chart)7,
	        "d1", NULL, NULL);
	refused(f, DTI_EARG, "cycle", "no cycle", NULL, DTI_VIEW_CHART_MAP,
	        NULL, NULL, NULL);
	/* the chart's own options */
	struct dti_chart_opts co;
	dti_chart_opts_init(&co);
	co.width = 50;
	refused(f, DTI_EARG, "width", "", "c25", DTI_VIEW_CHART_BARS, "d1",
	        NULL, &co);
	dti_chart_opts_init(&co);
	co.id_prefix = "9x";
	refused(f, DTI_EARG, "id_prefix", "", "c25", DTI_VIEW_CHART_MAP, NULL,
	        NULL, &co);
	dti_chart_opts_init(&co);
	co.decimals = -2;
	refused(f, DTI_EARG, "decimals", "", "c25", DTI_VIEW_CHART_DISTRIBUTION,
	        NULL, NULL, &co);
}

/* The cycle's precision by default; the caller's decimals when given. */
static void test_decimals(void **state)
{
	struct fx *f = *state;
	struct dti_buf a = DTI_BUF_INIT, b = DTI_BUF_INIT;
	OK(dti_store_chart(f->s, "c25", DTI_VIEW_CHART_DISTRIBUTION, "d1", NULL,
	                   NULL, 0, NULL, &a, &f->err));
	struct dti_chart_opts co;
	dti_chart_opts_init(&co);
	co.decimals = DTI_CHART_DECIMALS_PUBLISHED;
	OK(dti_store_chart(f->s, "c25", DTI_VIEW_CHART_DISTRIBUTION, "d1", NULL,
	                   &co, 0, NULL, &b, &f->err));
	same(&a, &b);
	contains(&a, "Quận Một: 0.6600");
	dti_buf_reset(&b);
	co.decimals = 1;
	OK(dti_store_chart(f->s, "c25", DTI_VIEW_CHART_DISTRIBUTION, "d1", NULL,
	                   &co, 0, NULL, &b, &f->err));
	contains(&b, "Quận Một: 0.7<");
	/* the engine's own call refuses what only the store understands */
	dti_buf_reset(&b);
	const struct dti_chart_item it = {"d1", "Quận Một", 0.66};
	assert_int_equal(dti_chart_distribution(&co, 1, &it, NULL, &b, &f->err),
	                 DTI_OK);
	co.decimals = DTI_CHART_DECIMALS_PUBLISHED;
	assert_int_equal(dti_chart_distribution(&co, 1, &it, NULL, &b, &f->err),
	                 DTI_EARG);
	assert_string_equal(f->err.field, "decimals");
	dti_error_release(&f->err);
	dti_buf_release(&a);
	dti_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_bars),
	    cmocka_unit_test(test_radar),
	    cmocka_unit_test(test_trend),
	    cmocka_unit_test(test_distribution),
	    cmocka_unit_test(test_map),
	    cmocka_unit_test(test_refused),
	    cmocka_unit_test(test_decimals),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
