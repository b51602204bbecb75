/*
 * tests/unit/store/test_views.c - the published views (dti/views.h)
 * through the public API, on SQLite (and on PostgreSQL in the '-pg' run).
 *
 * The store holds four districts in two groups (d4 new in 2024) and
 * cycles of the district level, every figure chosen so that values, ranks
 * and changes can be worked out by hand (below, beside each cycle):
 *   c21  2021, a framework whose points are not public, published
 *        partial: d1's index entered (0.6), d2's unknown
 *   c22  2022, draft (never compared with)
 *   c23, c24, c25  2023-2025, published
 *   k24  2024, published, but of another level (communes): never compared
 *   c26  2026, open, for the preview
 * The press-release sentence is checked against real published ranks:
 * Tuyên Quang, 48th of 63 in DTI 2022 and 38th in DTI 2023 with 0.6735
 * (tests/data/dti-published/README.md gives the sources).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>

#include "teststore.h"

/* idx = (60 a + 40 b) / 100; pa = a (a pillar outside the index) */
static const char fw_text[] =
    "# dti-framework: 1\n"
    "# id: vw-test\n"
    "# version: 1\n"
    "# level: district\n"
    "# scoring: points\n"
    "# scale: 1\n"
    "# precision: 4\n"
    "# missing: zero\n"
    "code,parent,kind,name_vi,name_en,points,rule,params\n"
    "idx,,index,Chỉ số,Index,100,,\n"
    "pa,,pillar,Trụ cột A,Pillar A,60,,\n"
    "a,idx;pa,indicator,Chỉ tiêu A,Indicator A,60,value,\n"
    "b,idx,indicator,Chỉ tiêu B,Indicator B,40,value,\n";

/* the same shape, points not public: the index only when entered */
static const char fw_part_text[] =
    "# dti-framework: 1\n"
    "# id: vw-part\n"
    "# version: 1\n"
    "# level: district\n"
    "# scoring: points\n"
    "# scale: 1\n"
    "# precision: 4\n"
    "# missing: zero\n"
    "code,parent,kind,name_vi,name_en,points,rule,params\n"
    "idx,,index,Chỉ số,Index,?,,\n"
    "pa,,pillar,Trụ cột A,Pillar A,?,,\n"
    "a,idx;pa,indicator,Chỉ tiêu A,Indicator A,?,value,\n"
    "b,idx,indicator,Chỉ tiêu B,Indicator B,?,value,\n";

static const char units_text[] =
    "id,code,name_vi,name_ascii,aliases,group,valid_from,valid_to,"
    "successors\n"
    "d1,D1,Quận Một,Quan Mot,,G1,,,\n"
    "d2,D2,Quận Hai,Quan Hai,,G1,,,\n"
    "d3,D3,Quận Ba,Quan Ba,,G2,,,\n"
    "d4,D4,Quận Bốn,Quan Bon,,G2,2024-01-01,,\n";

static const char communes_text[] =
    "id,code,name_vi,name_ascii,aliases,group,valid_from,valid_to,"
    "successors\n"
    "x1,X1,Xã Một,Xa Mot,,G1,,,\n";

struct fx {
	struct teststore ts;
	struct dti_store *s;
	struct dti_error err;
};

#define OK(call)                                                               \
	do {                                                                   \
		enum dti_status st_ = (call);                                  \
		if (st_ != DTI_OK)                                             \
			fail_msg("%s -> %s: %s", #call, dti_strerror(st_),     \
			         f->err.message);                              \
		dti_error_release(&f->err);                                    \
	} while (0)

#define REFUSED(code, needle, call)                                            \
	do {                                                                   \
		enum dti_status st_ = (call);                                  \
		if (st_ != (code))                                             \
			fail_msg("%s -> %s (%s), expected %s", #call,          \
			         dti_strerror(st_), f->err.message,            \
			         dti_strerror(code));                          \
		if (!strstr(f->err.message, (needle)))                         \
			fail_msg("%s: message '%s' lacks '%s'", #call,         \
			         f->err.message, (needle));                    \
		dti_error_release(&f->err);                                    \
	} while (0)

#define NEAR(x, y) assert_true(fabs((x) - (y)) < 1e-9)

static void as(struct fx *f, const char *user)
{
	OK(dti_store_set_actor(f->s, user, &f->err));
}

/* One unit's figures: NaN leaves an indicator out. */
struct figs {
	const char *unit;
	double a, b, idx;
};

static void enter(struct fx *f, const char *cycle, const struct figs *u)
{
	struct dti_figure_edit e[3];
	size_t n = 0;
	const char *codes[] = {"a", "b", "idx"};
	double v[] = {u->a, u->b, u->idx};
	for (size_t k = 0; k < 3; k++) {
		if (isnan(v[k]))
			continue;
		dti_figure_edit_init(&e[n], codes[k]);
		e[n].value = v[k];
		n++;
	}
	if (n)
		OK(dti_submission_edit(f->s, cycle, u->unit, e, n, 0, &f->err));
}

/*
 * A cycle created, opened and (publish = 1) taken through review to
 * publication by the owner, with these figures; the units not listed are
 * excluded.
 */
static void cycle(struct fx *f, const char *label, int year, const char *fw,
                  const char *level, const struct figs *u, size_t n,
                  int publish, int partial)
{
	as(f, "olga");
	struct dti_cycle_new c;
	dti_cycle_new_init(&c);
	c.label = label;
	c.year = year;
	c.framework = fw;
	c.level = level;
	OK(dti_cycle_create(f->s, &c, &f->err));
	OK(dti_cycle_transition(f->s, label, DTI_CYCLE_OPEN, 0, &f->err));
	for (size_t i = 0; i < n; i++)
		enter(f, label, &u[i]);
	if (!publish)
		return;
	struct dti_cycle_status *cs = NULL;
	OK(dti_cycle_status(f->s, label, &cs, &f->err));
	for (size_t i = 0; i < cs->n; i++) {
		const char *id = cs->units[i].unit;
		int listed = 0;
		for (size_t k = 0; k < n; k++)
			if (strcmp(u[k].unit, id) == 0)
				listed = 1;
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
	struct dti_publish_opts po;
	dti_publish_opts_init(&po);
	po.partial = partial;
	OK(dti_cycle_publish_with(f->s, label, &po, &f->err));
}

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
	static const char *const users[] = {"olga", "ed1", "ed2",
	                                    "rita", "vic", "nobody"};
	for (size_t i = 0; i < 6; i++)
		OK(dti_user_add(f->s, users[i], NULL, NULL, &f->err));
	struct dti_units *u = NULL;
	OK(dti_units_parse(units_text, strlen(units_text), "units.csv", &u,
	                   &f->err));
	OK(dti_store_units_import(f->s, u, "district", NULL, NULL, &f->err));
	dti_units_free(u);
	OK(dti_units_parse(communes_text, strlen(communes_text), "x.csv", &u,
	                   &f->err));
	OK(dti_store_units_import(f->s, u, "commune", NULL, NULL, &f->err));
	dti_units_free(u);
	OK(dti_user_role(f->s, "olga", DTI_ROLE_OWNER, NULL, 1, &f->err));
	OK(dti_user_role(f->s, "rita", DTI_ROLE_REVIEWER, NULL, 1, &f->err));
	OK(dti_user_role(f->s, "vic", DTI_ROLE_VIEWER, NULL, 1, &f->err));
	OK(dti_user_role(f->s, "ed1", DTI_ROLE_EDITOR, "d1", 1, &f->err));
	OK(dti_user_role(f->s, "ed2", DTI_ROLE_EDITOR, "d2", 1, &f->err));
	as(f, "olga");
	char sha[65];
	OK(dti_store_framework_add(f->s, fw_text, strlen(fw_text), "vw.csv",
	                           sha, &f->err));
	OK(dti_store_framework_add(f->s, fw_part_text, strlen(fw_part_text),
	                           "vw-part.csv", sha, &f->err));

	/* c21, partial: d1 idx 0.6 entered (rank 1), d2 unknown */
	const struct figs c21[] = {{"d1", 0.5, 0.5, 0.6},
	                           {"d2", 0.8, 0.2, NAN}};
	cycle(f, "c21", 2021, "vw-part", NULL, c21, 2, 1, 1);
	/* c22: a draft */
	as(f, "olga");
	struct dti_cycle_new c;
	dti_cycle_new_init(&c);
	c.label = "c22";
	c.year = 2022;
	c.framework = "vw-test";
	OK(dti_cycle_create(f->s, &c, &f->err));
	/* c23: d1 0.5 (3), d2 0.56 (1), d3 0.54 (2); pa d2 1, d1 2, d3 3 */
	const struct figs c23[] = {{"d1", 0.5, 0.5, NAN},
	                           {"d2", 0.8, 0.2, NAN},
	                           {"d3", 0.3, 0.9, NAN}};
	cycle(f, "c23", 2023, "vw-test", NULL, c23, 3, 1, 0);
	/* c24: d1 0.78 (1), d2 0.56 (3), d3 excluded, d4 0.70 (2) */
	const struct figs c24[] = {{"d1", 0.9, 0.6, NAN},
	                           {"d2", 0.8, 0.2, NAN},
	                           {"d4", 0.7, 0.7, NAN}};
	cycle(f, "c24", 2024, "vw-test", NULL, c24, 3, 1, 0);
	/* k24: communes */
	const struct figs k24[] = {{"x1", 0.1, 0.1, NAN}};
	cycle(f, "k24", 2024, "vw-test", "commune", k24, 1, 1, 0);
	/* c25: d2 1.0 (1), d1 0.78 (2), d4 0.70 (3), d3 0.54 (4) */
	const struct figs c25[] = {{"d1", 0.9, 0.6, NAN},
	                           {"d2", 1.0, 1.0, NAN},
	                           {"d3", 0.3, 0.9, NAN},
	                           {"d4", 0.7, 0.7, NAN}};
	cycle(f, "c25", 2025, "vw-test", NULL, c25, 4, 1, 0);
	/* c26, open: d1 0.5, d2 only a = 1 (0.6), d3 0.54, d4 nothing */
	const struct figs c26[] = {{"d1", 0.5, 0.5, NAN},
	                           {"d2", 1.0, NAN, NAN},
	                           {"d3", 0.3, 0.9, NAN}};
	cycle(f, "c26", 2026, "vw-test", NULL, c26, 3, 0, 0);
	as(f, NULL);
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	dti_store_close(f->s);
	dti_error_release(&f->err);
	teststore_cleanup(&f->ts);
	free(f);
	return 0;
}

static const struct dti_ranking_row *row_of(const struct dti_ranking *r,
                                            const char *id)
{
	for (size_t i = 0; i < r->nrows; i++)
		if (strcmp(r->rows[i].id, id) == 0)
			return &r->rows[i];
	fail_msg("no row %s", id);
	return NULL;
}

/* ---- the ranking --------------------------------------------------------- */

static void test_ranking(void **state)
{
	struct fx *f = *state;
	struct dti_ranking *r = NULL;
	/* anyone reads a published cycle, nobody acting */
	OK(dti_store_ranking(f->s, "c25", NULL, &r, &f->err));
	assert_string_equal(r->info.cycle, "c25");
	assert_int_equal(r->info.year, 2025);
	assert_string_equal(r->info.level, "district");
	assert_string_equal(r->info.framework_id, "vw-test");
	assert_int_equal(r->info.precision, 4);
	assert_int_equal(r->info.partial, 0);
	assert_int_equal(r->info.units, 4);
	/* earlier: c24, c23, c21 (not the draft, not the communes) */
	assert_int_equal(r->info.nearlier, 3);
	assert_string_equal(r->info.earlier[0].cycle, "c24");
	assert_string_equal(r->info.earlier[1].cycle, "c23");
	assert_string_equal(r->info.earlier[2].cycle, "c21");
	assert_int_equal(r->info.earlier[2].year, 2021);
	assert_int_equal(r->info.earlier[2].partial, 1);
	assert_int_equal(r->info.earlier[0].partial, 0);
	/* columns: the index, then the pillar */
	assert_int_equal(r->nnodes, 2);
	assert_string_equal(r->nodes[0].code, "idx");
	assert_string_equal(r->nodes[1].code, "pa");
	assert_string_equal(r->nodes[1].kind, "pillar");
	assert_string_equal(r->nodes[1].name, "Pillar A");
	assert_int_equal(r->nodes[0].ranked, 4);
	/* rows in rank order */
	assert_int_equal(r->nrows, 4);
	static const char *const order[] = {"d2", "d1", "d4", "d3"};
	for (size_t i = 0; i < 4; i++) {
		assert_string_equal(r->rows[i].id, order[i]);
		assert_int_equal(r->rows[i].cells[0].rank, (int)i + 1);
	}
	const struct dti_ranking_row *d1 = row_of(r, "d1");
	assert_string_equal(d1->name, "Quận Một");
	assert_string_equal(d1->group, "G1");
	assert_int_equal(d1->group_size, 2);
	NEAR(d1->cells[0].value, 0.78);
	assert_int_equal(d1->cells[0].group_rank, 2);
	NEAR(d1->cells[1].value, 0.9);
	assert_int_equal(d1->cells[1].rank, 2);
	/* d1 vs c24: 1st -> 2nd, value unchanged; vs c23: 3rd -> 2nd */
	const struct dti_view_change *ch = d1->cells[0].changes;
	assert_int_equal(ch[0].has_rank, 1);
	assert_int_equal(ch[0].rank_then, 1);
	assert_int_equal(ch[0].rank_change, -1);
	NEAR(ch[0].value_change, 0.0);
	assert_int_equal(ch[1].rank_change, 1);
	NEAR(ch[1].value_change, 0.28);
	/* vs c21 (partial): its entered index 0.6, ranked 1st of 1 */
	assert_int_equal(ch[2].rank_then, 1);
	assert_int_equal(ch[2].rank_change, -1);
	NEAR(ch[2].value_change, 0.18);
	/* d2: up 2 on c24, same on c23; its c21 index unknown: no change */
	const struct dti_ranking_row *d2 = row_of(r, "d2");
	ch = d2->cells[0].changes;
	assert_int_equal(ch[0].rank_change, 2);
	NEAR(ch[0].value_change, 0.44);
	assert_int_equal(ch[1].has_rank, 1);
	assert_int_equal(ch[1].rank_change, 0);
	assert_int_equal(ch[2].has_rank, 0);
	assert_int_equal(ch[2].rank_then, 0);
	assert_true(isnan(ch[2].value_change));
	/* d3 was excluded in 2024: no change there; down 2 on 2023 */
	const struct dti_ranking_row *d3 = row_of(r, "d3");
	ch = d3->cells[0].changes;
	assert_int_equal(ch[0].has_rank, 0);
	assert_true(isnan(ch[0].value_then));
	assert_true(isnan(ch[0].value_change));
	assert_int_equal(ch[1].rank_change, -2);
	NEAR(ch[1].value_change, 0.0);
	/* d4 is new in 2024: no change on 2023; pillar down 0 on 2024 */
	const struct dti_ranking_row *d4 = row_of(r, "d4");
	assert_int_equal(d4->cells[0].changes[1].has_rank, 0);
	assert_int_equal(d4->cells[1].changes[0].rank_change, 0);
	assert_int_equal(d4->cells[1].rank, 3);
	dti_ranking_free(r);

	/* --since 2024, by the pillar, group G2, in Vietnamese */
	struct dti_view_opts o;
	dti_view_opts_init(&o);
	o.since = 2024;
	o.node = "PA";
	o.group = "G2";
	o.lang = DTI_LANG_VI;
	OK(dti_store_ranking(f->s, "c25", &o, &r, &f->err));
	assert_int_equal(r->info.nearlier, 1);
	assert_string_equal(r->nodes[0].code, "pa");
	assert_string_equal(r->nodes[0].name, "Trụ cột A");
	assert_string_equal(r->nodes[1].code, "idx");
	assert_int_equal(r->nrows, 2);
	assert_string_equal(r->rows[0].id, "d4");
	assert_int_equal(r->rows[0].cells[0].rank, 3);
	assert_int_equal(r->rows[0].cells[0].group_rank, 1);
	assert_string_equal(r->rows[1].id, "d3");
	dti_ranking_free(r);

	/* by name (Vietnamese collation: Ba, Bốn, Hai, Một) */
	dti_view_opts_init(&o);
	o.sort = DTI_VIEW_SORT_NAME;
	OK(dti_store_ranking(f->s, "c25", &o, &r, &f->err));
	assert_string_equal(r->rows[0].id, "d3");
	assert_string_equal(r->rows[1].id, "d4");
	assert_string_equal(r->rows[2].id, "d2");
	assert_string_equal(r->rows[3].id, "d1");
	dti_ranking_free(r);

	/* the earliest cycle compares with nothing; c21 says partial */
	OK(dti_store_ranking(f->s, "c21", NULL, &r, &f->err));
	assert_int_equal(r->info.partial, 1);
	assert_int_equal(r->info.nearlier, 0);
	assert_int_equal(r->rows[0].cells[0].rank, 1);
	assert_string_equal(r->rows[0].id, "d1");
	assert_int_equal(r->rows[1].cells[0].rank, 0);
	assert_int_equal(r->rows[1].cells[0].unknown, 1);
	assert_true(isnan(r->rows[1].cells[0].value));
	dti_ranking_free(r);

	/* refusals */
	REFUSED(DTI_ESTATE, "not published",
	        dti_store_ranking(f->s, "c26", NULL, &r, &f->err));
	assert_null(r);
	REFUSED(DTI_ESTATE, "not published",
	        dti_store_ranking(f->s, "c22", NULL, &r, &f->err));
	REFUSED(DTI_ENOTFOUND, "no cycle 'c99'",
	        dti_store_ranking(f->s, "c99", NULL, &r, &f->err));
	dti_view_opts_init(&o);
	o.node = "zz";
	REFUSED(DTI_ENOTFOUND, "'zz' is not a node",
	        dti_store_ranking(f->s, "c25", &o, &r, &f->err));
	dti_view_opts_init(&o);
	o.group = "G9";
	REFUSED(DTI_ENOTFOUND, "group 'G9'",
	        dti_store_ranking(f->s, "c25", &o, &r, &f->err));
	assert_null(r);
	dti_ranking_free(NULL);
}

/* ---- the sentence -------------------------------------------------------- */

static void phrase(const struct dti_view_cell *c, size_t ranked,
                   const struct dti_view_earlier *e, size_t ne,
                   enum dti_lang lang, const char *want)
{
	struct dti_buf b = DTI_BUF_INIT;
	assert_int_equal(dti_view_phrase(c, ranked, 4, e, ne, lang, &b),
	                 DTI_OK);
	assert_string_equal(b.data, want);
	dti_buf_release(&b);
}

/* A row of tests/data/dti-published/tuyen-quang.csv: rank and value. */
static void published(int year, const char *node, int *rank, size_t *ranked,
                      double *value)
{
	const char *src = getenv("DTI_SRCDIR");
	char path[1024], line[256];
	snprintf(path, sizeof path, "%s/tests/data/dti-published/%s",
	         src ? src : ".", "tuyen-quang.csv");
	FILE *fp = fopen(path, "r");
	if (!fp)
		fail_msg("cannot read %s", path);
	*rank = 0;
	*value = NAN;
	int found = 0;
	while (fgets(line, sizeof line, fp)) {
		char *f[6] = {0};
		char *p = line;
		for (int k = 0; k < 6 && p; k++) {
			f[k] = p;
			p = strpbrk(p, ",\n");
			if (p)
				*p++ = '\0';
		}
		if (!f[5] || atoi(f[0]) != year || strcmp(f[2], node) != 0)
			continue;
		found = 1;
		*rank = atoi(f[3]);
		*ranked = (size_t)atoi(f[4]);
		if (*f[5])
			*value = strtod(f[5], NULL);
	}
	fclose(fp);
	if (!found)
		fail_msg("no %d %s in %s", year, node, path);
}

static void test_phrase(void **state)
{
	(void)state;
	/*
	 * Tuyên Quang, DTI 2023: 38th of 63 with 0.6735, 48th in 2022, as
	 * published (tests/data/dti-published); the press: "up 10 places".
	 */
	int r22, r23;
	size_t n22, n23;
	double v22, v23;
	published(2022, "pdti", &r22, &n22, &v22);
	published(2023, "pdti", &r23, &n23, &v23);
	assert_int_equal(r22, 48);
	assert_int_equal(n23, 63);
	const struct dti_view_earlier e1[] = {{"dti-2022", 2022, 0, 0}};
	const struct dti_view_change tq[] = {{1, r22 - r23, r22, v22, NAN}};
	const struct dti_view_cell c = {v23, 0, r23, 0, tq};
	phrase(&c, n23, e1, 1, DTI_LANG_VI,
	       "xếp hạng 38/63, tăng 10 bậc so với năm 2022 (giá trị "
	       "0,6735)");
	phrase(&c, n23, e1, 1, DTI_LANG_EN,
	       "ranked 38/63, up 10 places on 2022 (value 0.6735)");
	/* the example: two earlier years (its 2021 rank, 58th, is
	   the example's, not a published figure we hold) */
	const struct dti_view_earlier e2[] = {{"dti-2022", 2022, 0, 0},
	                                      {"dti-2021", 2021, 0, 0}};
	const struct dti_view_change two[] = {{1, 10, 48, NAN, NAN},
	                                      {1, 20, 58, NAN, NAN}};
	const struct dti_view_cell c2 = {0.6735, 0, 38, 0, two};
	phrase(&c2, 63, e2, 2, DTI_LANG_VI,
	       "xếp hạng 38/63, tăng 10 bậc so với năm 2022, tăng 20 bậc so "
	       "với năm 2021 (giá trị 0,6735)");
	phrase(&c2, 63, e2, 2, DTI_LANG_EN,
	       "ranked 38/63, up 10 places on 2022, up 20 places on 2021 "
	       "(value 0.6735)");
	/* a fall, no change, one place, a year without a rank */
	const struct dti_view_change mixed[] = {{1, -3, 2, NAN, NAN},
	                                        {1, 0, 5, NAN, NAN}};
	const struct dti_view_cell c3 = {0.8002, 0, 5, 0, mixed};
	phrase(&c3, 63, e2, 2, DTI_LANG_VI,
	       "xếp hạng 5/63, giảm 3 bậc so với năm 2022, giữ nguyên thứ "
	       "hạng so với năm 2021 (giá trị 0,8002)");
	phrase(&c3, 63, e2, 2, DTI_LANG_EN,
	       "ranked 5/63, down 3 places on 2022, unchanged on 2021 (value "
	       "0.8002)");
	const struct dti_view_change one[] = {{1, 1, 2, NAN, NAN},
	                                      {0, 0, 0, NAN, NAN}};
	const struct dti_view_cell c4 = {0.8002, 0, 1, 0, one};
	phrase(&c4, 63, e2, 2, DTI_LANG_EN,
	       "ranked 1/63, up 1 place on 2022 (value 0.8002)");
	/* not ranked: the value unknown, or none; never 0 */
	const struct dti_view_cell c5 = {NAN, 1, 0, 0, NULL};
	phrase(&c5, 3, NULL, 0, DTI_LANG_VI,
	       "không được xếp hạng (giá trị chưa biết)");
	const struct dti_view_cell c6 = {NAN, 0, 0, 0, NULL};
	phrase(&c6, 3, NULL, 0, DTI_LANG_EN, "not ranked (no value)");
}

/* ---- the profile --------------------------------------------------------- */

static void test_profile(void **state)
{
	struct fx *f = *state;
	struct dti_profile *p = NULL;
	struct dti_view_opts o;
	dti_view_opts_init(&o);
	o.lang = DTI_LANG_VI;
	/* a name, read as on the cycle's reference date */
	OK(dti_store_profile(f->s, "c25", "Quận Hai", &o, &p, &f->err));
	assert_string_equal(p->id, "d2");
	assert_string_equal(p->group, "G1");
	assert_int_equal(p->group_size, 2);
	assert_int_equal(p->nnodes, 4);
	static const char *const codes[] = {"idx", "pa", "a", "b"};
	for (size_t k = 0; k < 4; k++)
		assert_string_equal(p->nodes[k].code, codes[k]);
	assert_string_equal(p->nodes[0].name, "Chỉ số");
	NEAR(p->cells[0].value, 1.0);
	assert_int_equal(p->cells[0].rank, 1);
	/* b: 1.0, 1st; on c24 0.2 (3rd of 3): up 2, +0.8 */
	NEAR(p->cells[3].value, 1.0);
	assert_int_equal(p->cells[3].changes[0].rank_change, 2);
	NEAR(p->cells[3].changes[0].value_change, 0.8);
	assert_int_equal(p->info.nearlier, 3);
	/* the explanation: recomputed from the same figures, linked to c24 */
	assert_int_equal(p->explained, 1);
	assert_string_equal(p->unexplained, "");
	assert_int_equal(p->node, 0);
	assert_non_null(p->result);
	NEAR(p->explanation.value, 1.0);
	assert_int_equal(p->explanation.rank, 1);
	assert_int_equal(p->explanation.has_rank_change, 1);
	assert_int_equal(p->explanation.rank_change, 2);
	NEAR(p->explanation.change, 0.44);
	struct dti_buf out = DTI_BUF_INIT;
	OK(dti_profile_write(p, DTI_FORMAT_TABLE, DTI_LANG_VI, &out, &f->err));
	assert_non_null(strstr(out.data,
	                       "Chỉ số: xếp hạng 1/4, tăng 2 bậc so với năm "
	                       "2024, giữ nguyên thứ hạng so với năm 2023 "
	                       "(giá trị 1,0000).\n"));
	assert_non_null(strstr(out.data,
	                       "Trụ cột A: xếp hạng 1/4, tăng 1 bậc so với "
	                       "năm 2024"));
	dti_buf_reset(&out);
	OK(dti_profile_write(p, DTI_FORMAT_JSON, DTI_LANG_EN, &out, &f->err));
	assert_non_null(strstr(out.data, "\"explained\":true"));
	assert_non_null(strstr(out.data, "\"phrase_en\":\"ranked 1/4, up 2 "
	                                 "places on 2024, unchanged on "
	                                 "2023 (value 1.0000)\""));
	dti_buf_release(&out);
	dti_profile_free(p);

	/* explaining the pillar, since 2024 */
	dti_view_opts_init(&o);
	o.node = "pa";
	o.since = 2024;
	OK(dti_store_profile(f->s, "c25", "d4", &o, &p, &f->err));
	assert_int_equal(p->node, 1);
	assert_int_equal(p->info.nearlier, 1);
	assert_int_equal(p->explained, 1);
	NEAR(p->explanation.value, 0.7);
	assert_int_equal(p->explanation.rank, 3);
	dti_profile_free(p);

	/* refusals */
	REFUSED(DTI_ENOTFOUND, "not in the published result",
	        dti_store_profile(f->s, "c24", "d3", NULL, &p, &f->err));
	assert_null(p);
	REFUSED(DTI_ENOTFOUND, "Quận Năm",
	        dti_store_profile(f->s, "c25", "Quận Năm", NULL, &p, &f->err));
	REFUSED(DTI_ESTATE, "not published",
	        dti_store_profile(f->s, "c26", "d1", NULL, &p, &f->err));
	dti_profile_free(NULL);

	/*
	 * Figures changed behind the workflow's back: the snapshot's numbers
	 * stay, the explanation is withheld, saying why.
	 */
	struct db *db = NULL;
	OK(db_open(f->ts.location, &db, &f->err));
	OK(db_exec(db,
	           "UPDATE figures SET value = 0.1 WHERE indicator = 'a' AND "
	           "submission_id IN (SELECT s.id FROM submissions s JOIN "
	           "cycles c ON c.id = s.cycle_id WHERE c.label = 'c25' AND "
	           "s.unit_id = 'd1')",
	           &f->err));
	db_close(db);
	OK(dti_store_profile(f->s, "c25", "d1", NULL, &p, &f->err));
	assert_int_equal(p->explained, 0);
	assert_non_null(strstr(p->unexplained, "data hash"));
	assert_null(p->result);
	NEAR(p->cells[0].value, 0.78);
	OK(dti_profile_write(p, DTI_FORMAT_TABLE, DTI_LANG_EN, &out, &f->err));
	assert_non_null(strstr(out.data, "No explanation: the figures"));
	dti_buf_release(&out);
	dti_profile_free(p);
}

/* ---- the preview --------------------------------------------------------- */

static void test_preview(void **state)
{
	struct fx *f = *state;
	struct dti_submission_preview *p = NULL;
	/* d2's editor: only a = 1 entered, b missing */
	as(f, "ed2");
	OK(dti_submission_preview(f->s, "c26", "d2", &p, &f->err));
	assert_string_equal(p->unit, "d2");
	assert_string_equal(p->name, "Quận Hai");
	assert_int_equal(p->state, DTI_SUB_DRAFT);
	assert_int_equal(p->scored, 2);
	assert_int_equal(p->figures, 1);
	assert_int_equal(p->complete, 0);
	assert_int_equal(p->adjusted, 0);
	assert_int_equal(p->units, 4);   /* d4: a submission, no figure */
	assert_int_equal(p->counted, 3); /* d1, d3 and d2 itself */
	assert_int_equal(p->nnodes, 2);
	assert_string_equal(p->nodes[0].code, "idx");
	NEAR(p->nodes[0].value, 0.6); /* 60 x 1 + 40 x 0 */
	assert_int_equal(p->nodes[0].rank, 1);
	assert_int_equal(p->nodes[0].ranked, 3);
	assert_string_equal(p->nodes[1].code, "pa");
	NEAR(p->nodes[1].value, 1.0);
	assert_int_equal(p->nodes[1].rank, 1);
	dti_submission_preview_free(p);

	/* d1 (0.5): d3 (0.54) is above it; d2 (0.6) lacks a figure and
	   is not counted */
	as(f, "ed1");
	OK(dti_submission_preview(f->s, "c26", "Quận Một", &p, &f->err));
	assert_int_equal(p->complete, 1);
	assert_int_equal(p->counted, 2); /* d1, d3 */
	NEAR(p->nodes[0].value, 0.5);
	assert_int_equal(p->nodes[0].rank, 2);
	assert_int_equal(p->nodes[0].ranked, 2);
	struct dti_buf out = DTI_BUF_INIT;
	OK(dti_submission_preview_write(p, DTI_FORMAT_TABLE, DTI_LANG_VI, &out,
	                                &f->err));
	assert_non_null(strstr(out.data, "idx   0,5000           2/2"));
	dti_buf_reset(&out);
	OK(dti_submission_preview_write(p, DTI_FORMAT_JSON, DTI_LANG_VI, &out,
	                                &f->err));
	assert_non_null(strstr(out.data, "\"value\":0.5000,\"unknown\":false,"
	                                 "\"rank\":2,\"ranked\":2"));
	dti_buf_release(&out);
	dti_submission_preview_free(p);

	/* d4 has nothing yet: no value, never 0 */
	as(f, "vic");
	OK(dti_submission_preview(f->s, "c26", "d4", &p, &f->err));
	assert_int_equal(p->figures, 0);
	assert_true(isnan(p->nodes[0].value));
	assert_int_equal(p->nodes[0].rank, 0);
	dti_submission_preview_free(p);
	as(f, "rita");
	OK(dti_submission_preview(f->s, "c26", "d3", &p, &f->err));
	dti_submission_preview_free(p);

	/* who may not */
	as(f, "ed1");
	REFUSED(DTI_EPERM, "no role on it",
	        dti_submission_preview(f->s, "c26", "d2", &p, &f->err));
	assert_null(p);
	as(f, "nobody");
	REFUSED(DTI_EPERM, "no role on it",
	        dti_submission_preview(f->s, "c26", "d1", &p, &f->err));
	as(f, NULL);
	REFUSED(DTI_EPERM, "nobody is acting",
	        dti_submission_preview(f->s, "c26", "d1", &p, &f->err));
	/* an excluded unit, a draft cycle */
	as(f, "olga");
	REFUSED(DTI_ESTATE, "excluded",
	        dti_submission_preview(f->s, "c24", "d3", &p, &f->err));
	REFUSED(DTI_ESTATE, "draft",
	        dti_submission_preview(f->s, "c22", "d1", &p, &f->err));
	dti_submission_preview_free(NULL);
}

/* last year's field, and figures tried without storing them */
static void test_preview_with(void **state)
{
	struct fx *f = *state;
	struct dti_submission_preview *p = NULL;
	as(f, "ed2");
	/* d2 now 0.6: in c25, d1 0.78 and d4 0.70 above, d3 0.54 below */
	OK(dti_submission_preview(f->s, "c26", "d2", &p, &f->err));
	assert_string_equal(p->prev_cycle, "c25");
	assert_int_equal(p->edited, 0);
	assert_int_equal(p->nodes[0].prev_rank, 3);
	assert_int_equal(p->nodes[0].prev_ranked, 4);
	struct dti_buf out = DTI_BUF_INIT;
	OK(dti_submission_preview_write(p, DTI_FORMAT_TABLE, DTI_LANG_EN, &out,
	                                &f->err));
	assert_non_null(strstr(out.data, "In c25's field"));
	const char *row = strstr(out.data, "\nidx ");
	assert_non_null(row);
	const char *end = strchr(row + 1, '\n');
	const char *r3 = strstr(row, " 1/3 "), *r4 = strstr(row, " 3/4 ");
	assert_true(r3 && r4 && r3 < r4 && r4 < end);
	dti_buf_release(&out);
	dti_submission_preview_free(p);

	/* b = 0.5 tried: 0.6 + 0.2 = 0.8, first here and in c25's field */
	struct dti_figure_edit e;
	dti_figure_edit_init(&e, "b");
	e.value_text = "0,5";
	OK(dti_submission_preview_with(f->s, "c26", "d2", &e, 1, &p, &f->err));
	assert_int_equal(p->edited, 1);
	assert_int_equal(p->figures, 2);
	assert_int_equal(p->complete, 1);
	NEAR(p->nodes[0].value, 0.8);
	assert_int_equal(p->nodes[0].rank, 1);
	assert_int_equal(p->nodes[0].ranked, 3);
	assert_int_equal(p->nodes[0].prev_rank, 1);
	dti_submission_preview_free(p);
	/* nothing was stored */
	struct dti_submission_info sub;
	OK(dti_submission_get(f->s, "c26", "d2", &sub, &f->err));
	int64_t version = sub.version;
	OK(dti_submission_preview(f->s, "c26", "d2", &p, &f->err));
	assert_int_equal(p->figures, 1);
	NEAR(p->nodes[0].value, 0.6);
	dti_submission_preview_free(p);
	/* stored for real afterwards: the same preview, the next version */
	dti_figure_edit_init(&e, "b");
	e.value = 0.5;
	OK(dti_submission_edit(f->s, "c26", "d2", &e, 1, version, &f->err));
	OK(dti_submission_preview(f->s, "c26", "d2", &p, &f->err));
	NEAR(p->nodes[0].value, 0.8);
	dti_submission_preview_free(p);

	/* refused as an edit is: another unit, a bad figure, no figures
	   for a reviewer; nothing stored either way */
	e.value = NAN;
	e.value_text = "nhiều";
	REFUSED(
	    DTI_ESYNTAX, "nhiều",
	    dti_submission_preview_with(f->s, "c26", "d2", &e, 1, &p, &f->err));
	assert_null(p);
	e.value_text = "0,1";
	as(f, "ed1");
	REFUSED(
	    DTI_EPERM, "d2",
	    dti_submission_preview_with(f->s, "c26", "d2", &e, 1, &p, &f->err));
	as(f, "rita");
	REFUSED(
	    DTI_EPERM, "edit",
	    dti_submission_preview_with(f->s, "c26", "d2", &e, 1, &p, &f->err));
	as(f, "ed2");
	OK(dti_submission_preview(f->s, "c26", "d2", &p, &f->err));
	NEAR(p->nodes[0].value, 0.8);
	dti_submission_preview_free(p);
	/* with no edits, the preview as it is */
	OK(dti_submission_preview_with(f->s, "c26", "d2", NULL, 0, &p,
	                               &f->err));
	assert_int_equal(p->edited, 0);
	dti_submission_preview_free(p);
	/* the first cycle of a level has no earlier field */
	as(f, "olga");
	OK(dti_submission_preview(f->s, "c21", "d1", &p, &f->err));
	assert_null(p->prev_cycle);
	assert_int_equal(p->nodes[0].prev_rank, 0);
	dti_submission_preview_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_ranking, setup, teardown),
	    cmocka_unit_test(test_phrase),
	    cmocka_unit_test_setup_teardown(test_profile, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_preview, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_preview_with, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
