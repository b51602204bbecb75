/*
 * tests/unit/engine/test_framework.c - reading and validating framework files
 * (lib/engine/framework.c).
 *
 * First the bundled frameworks (every file of frameworks/, checked for the
 * invariants any loaded framework keeps, then the known structure of the
 * provincial DTI 2020, 2022 and 2024 and of the internal example) and
 * COINr's ASEM iMeta table.  Then every fault the loader must name, each in
 * a small inline file, with its exact line and (where it has one) column,
 * and files with several faults, all of which must be reported with nothing
 * returned.  Last, the features of weights frameworks: per-edge weights,
 * derived points, default and per-level aggregation methods, parameters.
 */
/* cmocka.h needs these first, in this order */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include <dirent.h>
#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/model.h"
#include "testcheck.h"
#include "testutil.h"

#include "coinr_fixture.h"

static struct dti_framework *load_rel(const char *rel)
{
	char *path = test_path(rel);
	assert_non_null(path);
	struct dti_framework *fw = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_framework_load(path, &fw, &err);
	if (st != DTI_OK) {
		show_error(rel, &err);
		fail();
	}
	assert_non_null(fw);
	assert_int_equal(err.code, DTI_OK);
	dti_error_release(&err);
	free(path);
	return fw;
}

static struct dti_framework *parse_ok(const char *text)
{
	struct dti_framework *fw = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st =
	    dti_framework_parse(text, strlen(text), "fw.csv", &fw, &err);
	if (st != DTI_OK) {
		show_error("fw.csv", &err);
		fail();
	}
	assert_non_null(fw);
	dti_error_release(&err);
	return fw;
}

/* Parses text that must fail; *out must be NULL.  The caller releases err. */
static enum dti_status parse_bad(const char *text, struct dti_error *err)
{
	struct dti_framework *fw = (struct dti_framework *)(uintptr_t)1;
	dti_error_init(err);
	enum dti_status st =
	    dti_framework_parse(text, strlen(text), "fw.csv", &fw, err);
	if (st == DTI_OK) {
		print_error("accepted, with the fault '%s'\n", err->message);
		dti_framework_free(fw);
		dti_error_release(err);
		fail();
	}
	assert_null(fw);
	assert_int_not_equal(err->code, DTI_OK);
	return st;
}

/*
 * Requires the first fault to be `code` on `line`, `column` (0: none), with
 * `field` (NULL: not checked) and every one of the NULL-terminated texts in
 * its message.
 */
#define expect_fault(text, code, line, column, field, ...)                     \
	expect_fault_at((text), (code), (line), (column), (field), __FILE__,   \
	                __LINE__, __VA_ARGS__, (const char *)NULL)

static void expect_fault_at(const char *text, enum dti_status code,
                            unsigned long line, unsigned long column,
                            const char *field, const char *file, int ln, ...)
{
	struct dti_error err;
	parse_bad(text, &err);
	int bad = err.code != code || err.line != line ||
	          err.column != column || strcmp(err.file, "fw.csv") != 0 ||
	          (field && strcmp(err.field, field) != 0);
	va_list ap;
	va_start(ap, ln);
	const char *want;
	while ((want = va_arg(ap, const char *)) != NULL)
		if (!strstr(err.message, want)) {
			print_error("message lacks '%s'\n", want);
			bad = 1;
		}
	va_end(ap);
	if (bad) {
		print_error(
		    "expected code %d at line %lu column %lu field '%s'; "
		    "got code %d at line %lu column %lu field '%s'\n",
		    (int)code, line, column, field ? field : "(any)",
		    (int)err.code, err.line, err.column, err.field);
		show_error("fw.csv", &err);
		dti_error_release(&err);
		_fail(file, ln);
	}
	dti_error_release(&err);
}

/* Is there a fault (first or in `more`) on this line containing text? */
static int has_fault(const struct dti_error *err, unsigned long line,
                     const char *text)
{
	if (err->line == line && strstr(err->message, text))
		return 1;
	for (size_t i = 0; i < err->nmore; i++)
		if (err->more[i].line == line &&
		    strstr(err->more[i].message, text))
			return 1;
	return 0;
}

static size_t node_at(const struct dti_framework *fw, const char *code,
                      struct dti_node_info *ni)
{
	long i = dti_framework_find(fw, code);
	if (i < 0) {
		print_error("no node '%s'\n", code);
		fail();
	}
	dti_framework_node(fw, (size_t)i, ni);
	return (size_t)i;
}

static int has_child(const struct dti_node_info *ni, size_t child)
{
	for (size_t k = 0; k < ni->nchildren; k++)
		if (ni->children[k] == child)
			return 1;
	return 0;
}

/* ---- invariants of any loaded framework ------------------------------ */

static void check_invariants(const struct dti_framework *fw, const char *name)
{
	size_t n = dti_framework_node_count(fw);
	assert_true(n > 0);
	size_t root = dti_framework_root(fw);
	assert_true(root < n);
	struct dti_node_info ri;
	dti_framework_node(fw, root, &ri);
	assert_int_equal(ri.kind, DTI_KIND_INDEX);
	assert_int_equal(ri.nparents, 0);

	/* evaluation order: a permutation, every child before its parents */
	const size_t *order = dti_framework_order(fw);
	assert_non_null(order);
	size_t *pos = calloc(n, sizeof *pos);
	unsigned char *seen = calloc(n, 1);
	assert_non_null(pos);
	assert_non_null(seen);
	for (size_t k = 0; k < n; k++) {
		assert_true(order[k] < n);
		assert_false(seen[order[k]]);
		seen[order[k]] = 1;
		pos[order[k]] = k;
	}
	size_t nindex = 0;
	for (size_t i = 0; i < n; i++) {
		struct dti_node_info ni;
		dti_framework_node(fw, i, &ni);
		assert_non_null(ni.code);
		assert_true(*ni.code);
		assert_true(*ni.name_vi);
		assert_true(*ni.name_en);
		assert_int_equal(dti_framework_find(fw, ni.code), (long)i);
		assert_true(ni.line > 0);
		if (ni.kind == DTI_KIND_INDEX)
			nindex++;
		assert_true(ni.polarity == 1 || ni.polarity == -1);
		assert_true(ni.level >= 1);
		for (size_t k = 0; k < ni.nchildren; k++) {
			size_t c = ni.children[k];
			assert_true(pos[c] < pos[i]);
			struct dti_node_info ci;
			dti_framework_node(fw, c, &ci);
			assert_true(ci.level < ni.level);
			/* an edge weight is unknown only with unknown points */
			if (isnan(ni.child_weights[k]))
				assert_true(dti_framework_uses_points(fw) &&
				            !ci.points_known);
			else
				assert_true(ni.child_weights[k] >= 0);
			/* the child lists this node as a parent */
			int back = 0;
			for (size_t j = 0; j < ci.nparents; j++)
				back |= ci.parents[j] == i;
			assert_true(back);
		}
		for (size_t j = 0; j < ni.nparents; j++) {
			struct dti_node_info pi;
			dti_framework_node(fw, ni.parents[j], &pi);
			assert_true(has_child(&pi, i));
		}
		if (ni.nchildren == 0 && ni.kind != DTI_KIND_STATISTIC) {
			assert_int_not_equal(ni.rule, DTI_RULE_NONE);
			assert_true(*ni.rule_text);
			assert_int_equal(ni.level, 1);
		} else {
			assert_int_equal(ni.rule, DTI_RULE_NONE);
		}
		if (ni.kind == DTI_KIND_STATISTIC) {
			assert_false(ni.scored);
			assert_int_equal(ni.nchildren, 0);
		}
		/* with points: known children's points add up to the parent's
		 */
		if (dti_framework_uses_points(fw) && ni.nchildren &&
		    ni.scored && ni.points_known) {
			double sum = 0;
			int all = 1;
			for (size_t k = 0; k < ni.nchildren; k++) {
				struct dti_node_info ci;
				dti_framework_node(fw, ni.children[k], &ci);
				if (!ci.scored)
					continue;
				if (!ci.points_known)
					all = 0;
				else
					sum += ci.points;
			}
			if (all && fabs(sum - ni.points) > 1e-9) {
				print_error(
				    "%s: children of %s add up to %g, not "
				    "%g\n",
				    name, ni.code, sum, ni.points);
				fail();
			}
		}
	}
	assert_int_equal(nindex, 1);
	assert_int_equal(dti_framework_find(fw, "no-such-node"), -1);
	assert_true(dti_framework_scale(fw) > 0);
	assert_true(dti_framework_precision(fw) >= 0);
	assert_int_not_equal(dti_framework_missing(fw), DTI_MISSING_DEFAULT);
	assert_true(*dti_framework_id(fw));
	free(pos);
	free(seen);
}

static void test_every_bundled_framework(void **state)
{
	(void)state;
	char *dir = test_path("frameworks");
	assert_non_null(dir);
	DIR *d = opendir(dir);
	if (!d) {
		print_error("cannot open %s\n", dir);
		fail();
	}
	size_t loaded = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		if (len < 5 || strcmp(e->d_name + len - 4, ".csv") != 0)
			continue;
		char rel[512];
		snprintf(rel, sizeof rel, "frameworks/%s", e->d_name);
		struct dti_framework *fw = load_rel(rel);
		check_invariants(fw, rel);
		/* the id is the file name without .csv */
		char id[256];
		snprintf(id, sizeof id, "%.*s", (int)(len - 4), e->d_name);
		assert_string_equal(dti_framework_id(fw), id);
		dti_framework_free(fw);
		loaded++;
	}
	closedir(d);
	free(dir);
	assert_true(loaded >= 5);
}

/* ---- the provincial DTI ---------------------------------------------- */

static const char *const main_2022[] = {
    "awareness",       "institutions",  "infrastructure",
    "human_resources", "cybersecurity", "smart_city",
    "gov_activity",    "econ_activity", "soc_activity"};

static void test_pdti_2022(void **state)
{
	(void)state;
	struct dti_framework *fw = load_rel("frameworks/pdti-2022.csv");
	struct dti_node_info ni, ri;
	assert_int_equal(dti_framework_node_count(fw), 14);
	assert_string_equal(dti_framework_id(fw), "pdti-2022");
	assert_string_equal(dti_framework_version(fw), "2022");
	assert_int_equal(dti_framework_year(fw), 2022);
	assert_string_equal(dti_framework_meta(fw, "status"), "partial");
	assert_string_equal(dti_framework_meta(fw, "units"), "vn-provinces");
	assert_null(dti_framework_meta(fw, "no-such-key"));
	assert_string_equal(dti_framework_group_by(fw), "group");
	assert_int_equal(dti_framework_warning_count(fw), 0);

	size_t root = node_at(fw, "pdti", &ri);
	assert_int_equal(dti_framework_root(fw), root);
	assert_int_equal(ri.kind, DTI_KIND_INDEX);
	assert_true(ri.points_known);
	assert_true(ri.points == 1000.0);
	assert_int_equal(ri.origin, DTI_ORIGIN_OFFICIAL);
	assert_int_equal(ri.level, 3);
	assert_int_equal(ri.nchildren, 5);
	assert_int_equal(ri.line, 19);

	size_t fi = node_at(fw, "foundation", &ni);
	assert_int_equal(ni.kind, DTI_KIND_GROUP);
	assert_int_equal(ni.nparents, 4);
	assert_true(ni.points == 500.0);
	assert_int_equal(ni.nchildren, 5);
	assert_int_equal(ni.level, 2);
	assert_true(has_child(&ri, fi));

	static const char *const pillars[] = {"cqs", "kts", "xhs"};
	static const double pillar_points[] = {700, 650, 650};
	static const char *const activity[] = {"gov_activity", "econ_activity",
	                                       "soc_activity"};
	for (int p = 0; p < 3; p++) {
		size_t pi = node_at(fw, pillars[p], &ni);
		assert_int_equal(ni.kind, DTI_KIND_PILLAR);
		assert_true(ni.points == pillar_points[p]);
		/* roots of their own, not parts of the index */
		assert_int_equal(ni.nparents, 0);
		assert_false(has_child(&ri, pi));
		assert_int_equal(ni.nchildren, 2);
		assert_true(has_child(&ni, fi));
		struct dti_node_info ai;
		size_t a = node_at(fw, activity[p], &ai);
		assert_true(has_child(&ni, a));
		assert_int_equal(ai.nparents, 2);
	}

	struct dti_node_info si;
	node_at(fw, "smart_city", &si);
	assert_true(si.points_known);
	assert_true(si.points == 0.0);
	assert_true(si.weight == 0.0);
	assert_int_equal(si.nparents, 1);

	for (size_t i = 0; i < DTI_ARRAY_LEN(main_2022); i++) {
		node_at(fw, main_2022[i], &ni);
		assert_int_equal(ni.kind, DTI_KIND_INDICATOR);
		assert_int_equal(ni.nchildren, 0);
		assert_int_equal(ni.rule, DTI_RULE_VALUE);
		assert_string_equal(ni.rule_text, "value");
		assert_int_equal(ni.level, 1);
		assert_int_equal(ni.polarity, 1);
		assert_true(ni.points_known);
		assert_true(ni.scored);
	}
	node_at(fw, "awareness", &ni);
	assert_string_equal(ni.name_vi, "Nhận thức số");
	assert_string_equal(ni.name_en, "Digital awareness");
	assert_true(ni.points == 100.0);
	node_at(fw, "gov_activity", &ni);
	assert_true(ni.points == 200.0);
	/* case-insensitive lookup */
	assert_int_equal(dti_framework_find(fw, "PDTI"), (long)root);
	/* in a points framework a node's weight is its points */
	node_at(fw, "econ_activity", &ni);
	assert_true(ni.weight == 150.0);
	dti_framework_free(fw);
}

static void test_pdti_2020(void **state)
{
	(void)state;
	struct dti_framework *fw = load_rel("frameworks/pdti-2020.csv");
	struct dti_node_info ri, ni;
	size_t root = node_at(fw, "pdti", &ri);
	assert_int_equal(dti_framework_root(fw), root);
	assert_true(ri.points == 1000.0);
	assert_true(ri.points_known);
	static const char *const pillars[] = {"cqs", "kts", "xhs"};
	static const double pts[] = {400, 300, 300};
	size_t nmain = 0;
	for (int p = 0; p < 3; p++) {
		size_t pi = node_at(fw, pillars[p], &ni);
		assert_int_equal(ni.kind, DTI_KIND_PILLAR);
		assert_true(ni.points == pts[p]);
		assert_true(ni.points_known);
		assert_true(has_child(&ri, pi));
		assert_int_equal(ni.nchildren, 7);
		for (size_t k = 0; k < ni.nchildren; k++) {
			struct dti_node_info ci;
			dti_framework_node(fw, ni.children[k], &ci);
			assert_int_equal(ci.kind, DTI_KIND_INDICATOR);
			assert_int_equal(ci.points_known, 0);
			assert_int_equal(ci.origin, DTI_ORIGIN_UNKNOWN);
			assert_int_equal(ci.rule, DTI_RULE_VALUE);
			nmain++;
		}
		/* a warning names the pillar whose children's points are
		 * unknown */
		int warned = 0;
		for (size_t w = 0; w < dti_framework_warning_count(fw); w++) {
			const struct dti_diag *d = dti_framework_warning(fw, w);
			if (strcmp(d->field, pillars[p]) == 0 &&
			    d->line == ni.line)
				warned = 1;
		}
		assert_true(warned);
	}
	assert_int_equal(nmain, 21);
	assert_int_equal(dti_framework_node_count(fw), 25);
	assert_true(dti_framework_warning_count(fw) >= 3);
	assert_null(dti_framework_warning(fw, dti_framework_warning_count(fw)));
	node_at(fw, "kts.data", &ni);
	assert_string_equal(dti_origin_name(ni.origin), "unknown");
	dti_framework_free(fw);
}

static void test_pdti_2024(void **state)
{
	(void)state;
	struct dti_framework *fw = load_rel("frameworks/pdti-2024.csv");
	struct dti_node_info ri, ni;
	node_at(fw, "pdti", &ri);
	assert_int_equal(ri.kind, DTI_KIND_INDEX);
	assert_int_equal(ri.points_known, 0);
	assert_int_equal(ri.origin, DTI_ORIGIN_UNKNOWN);
	node_at(fw, "foundation", &ni);
	assert_int_equal(ni.nparents, 4);
	assert_int_equal(ni.points_known, 0);
	assert_int_equal(ni.origin, DTI_ORIGIN_INFERRED);
	assert_int_equal(dti_framework_find(fw, "smart_city"), -1);
	assert_int_equal(dti_framework_node_count(fw), 13);
	assert_true(dti_framework_warning_count(fw) >= 1);
	assert_int_equal(dti_framework_year(fw), 2024);
	dti_framework_free(fw);
}

static void test_example_internal(void **state)
{
	(void)state;
	struct dti_framework *fw =
	    load_rel("frameworks/example-province-internal.csv");
	size_t n = dti_framework_node_count(fw);
	unsigned rules = 0;
	size_t nneg = 0, ncrit = 0, nstat = 0;
	for (size_t i = 0; i < n; i++) {
		struct dti_node_info ni;
		dti_framework_node(fw, i, &ni);
		assert_int_equal(ni.origin, DTI_ORIGIN_EXAMPLE);
		if (ni.nchildren == 0 && ni.kind != DTI_KIND_STATISTIC)
			rules |= 1u << ni.rule;
		if (ni.polarity < 0)
			nneg++;
		if (ni.kind == DTI_KIND_CRITERION)
			ncrit++;
		if (ni.kind == DTI_KIND_STATISTIC) {
			nstat++;
			assert_false(ni.scored);
			assert_true(ni.weight == 0.0);
		}
	}
	static const enum dti_rule used[] = {
	    DTI_RULE_YESNO,  DTI_RULE_RATIO,  DTI_RULE_COUNT,   DTI_RULE_STEPS,
	    DTI_RULE_POINTS, DTI_RULE_SURVEY, DTI_RULE_REVIEWER};
	for (size_t k = 0; k < DTI_ARRAY_LEN(used); k++)
		if (!(rules & (1u << used[k]))) {
			print_error("rule %s not used\n",
			            dti_rule_name(used[k]));
			fail();
		}
	assert_int_equal(nneg, 5);
	assert_int_equal(ncrit, 3);
	assert_int_equal(nstat, 3);
	assert_string_equal(dti_framework_meta(fw, "status"), "example");

	struct dti_node_info ni;
	node_at(fw, "dti_internal", &ni);
	assert_int_equal(ni.kind, DTI_KIND_INDEX);
	assert_true(ni.points == 1000.0);
	node_at(fw, "if_paper", &ni);
	assert_int_equal(ni.polarity, -1);
	assert_int_equal(ni.rule, DTI_RULE_RATIO);
	assert_string_equal(ni.params_text, "floor=30;target=5");
	node_at(fw, "hr_trained", &ni);
	/* "percent" is stored as ratio with percentage defaults */
	assert_int_equal(ni.rule, DTI_RULE_RATIO);
	assert_string_equal(ni.params_text, "floor=0;target=100");
	node_at(fw, "cs_level_approved", &ni);
	assert_string_equal(ni.params_text, "floor=0;target=1");
	node_at(fw, "aw_news", &ni);
	assert_int_equal(ni.rule, DTI_RULE_COUNT);
	assert_string_equal(ni.params_text, "cap=24");
	node_at(fw, "cs_incidents", &ni);
	assert_int_equal(ni.polarity, -1);
	assert_string_equal(ni.params_text, "cap=5");
	node_at(fw, "if_bandwidth", &ni);
	assert_int_equal(ni.rule, DTI_RULE_STEPS);
	assert_string_equal(ni.params_text,
	                    "steps=50:10,100:20,300:30,1000:40");
	node_at(fw, "cs_patch_days", &ni);
	assert_int_equal(ni.polarity, -1);
	assert_string_equal(ni.params_text, "steps=7:40,15:25,30:10");
	node_at(fw, "aw_understanding", &ni);
	assert_int_equal(ni.rule, DTI_RULE_SURVEY);
	assert_string_equal(ni.params_text, "min=1;max=5");
	node_at(fw, "in_plan_done", &ni);
	assert_int_equal(ni.rule, DTI_RULE_REVIEWER);
	assert_true(ni.points == 60.0);
	node_at(fw, "aw_leadership", &ni);
	assert_int_equal(ni.nchildren, 3);
	assert_int_equal(ni.kind, DTI_KIND_COMPONENT);
	assert_int_equal(ni.level, 2);
	node_at(fw, "aw_leadership.meetings", &ni);
	assert_int_equal(ni.kind, DTI_KIND_CRITERION);
	assert_string_equal(ni.unit, "cuộc họp / meetings");
	node_at(fw, "st_smartphone", &ni);
	assert_int_equal(ni.kind, DTI_KIND_STATISTIC);
	assert_int_equal(ni.rule, DTI_RULE_NONE);
	dti_framework_free(fw);
}

/* ---- COINr iMeta ----------------------------------------------------- */

static const char *const asem_negative[] = {
    "CostImpEx", "Tariff",  "TBTs",     "PrimEner", "CO2",
    "MatCon",    "Forest",  "Poverty",  "Palma",    "FreePress",
    "TolMin",    "PubDebt", "PrivDebt", "NEET"};

static void test_coinr_imeta(void **state)
{
	(void)state;
	struct dti_framework *fw = load_rel("tests/data/coinr-asem/iMeta.csv");
	check_invariants(fw, "iMeta.csv");
	size_t n = dti_framework_node_count(fw);
	assert_int_equal(n, 60);
	assert_false(dti_framework_uses_points(fw));
	assert_true(dti_framework_scale(fw) == 100.0);
	assert_int_equal(dti_framework_missing(fw), DTI_MISSING_EXCLUDE);
	struct dti_node_info ri;
	size_t root = node_at(fw, "Index", &ri);
	assert_int_equal(dti_framework_root(fw), root);
	assert_int_equal(ri.kind, DTI_KIND_INDEX);
	assert_int_equal(ri.level, 4);
	assert_int_equal(ri.nchildren, 2);
	assert_string_equal(ri.name_en, "Sustainable Connectivity");
	size_t nleaves = 0, naggs = 0, nneg = 0;
	for (size_t i = 0; i < n; i++) {
		struct dti_node_info ni;
		dti_framework_node(fw, i, &ni);
		assert_true(ni.weight == 1.0);
		if (ni.nchildren == 0) {
			nleaves++;
			assert_int_equal(ni.kind, DTI_KIND_INDICATOR);
			assert_int_equal(ni.rule, DTI_RULE_MINMAX);
			assert_string_equal(ni.params_text, "lo=0;hi=100");
			assert_int_equal(ni.level, 1);
			int neg = 0;
			for (size_t k = 0; k < DTI_ARRAY_LEN(asem_negative);
			     k++)
				neg |= strcmp(ni.code, asem_negative[k]) == 0;
			assert_int_equal(ni.polarity, neg ? -1 : 1);
			nneg += ni.polarity < 0;
		} else {
			naggs++;
			assert_int_equal(ni.polarity, 1);
			assert_int_equal(ni.method, DTI_AGG_ARITH);
		}
	}
	assert_int_equal(nleaves, 49);
	assert_int_equal(naggs, 11);
	assert_int_equal(nneg, 14);
	struct dti_node_info ni;
	node_at(fw, "Conn", &ni);
	assert_int_equal(ni.nchildren, 5);
	assert_int_equal(ni.level, 3);
	node_at(fw, "Social", &ni);
	assert_int_equal(ni.nchildren, 9);
	assert_int_equal(ni.level, 2);
	node_at(fw, "TBTs", &ni);
	assert_string_equal(ni.unit,
	                    "Number of measures (initiated, in force)");
	/* group and denominator rows are data columns, not nodes */
	assert_int_equal(dti_framework_find(fw, "EurAsia_group"), -1);
	assert_int_equal(dti_framework_find(fw, "Population"), -1);
	dti_framework_free(fw);
}

/* ---- faults, one by one ---------------------------------------------- */

#define META "# id: t\n"
#define HEAD "code,parent,kind,name_en,points,rule,params,polarity\n"

static void test_good_base(void **state)
{
	(void)state;
	struct dti_framework *fw =
	    parse_ok(META HEAD "idx,,index,Index,100,,,\n"
	                       "a,idx,indicator,A,60,value,,\n"
	                       "b,idx,indicator,B,40,value,,\n");
	check_invariants(fw, "base");
	struct dti_node_info ni;
	node_at(fw, "a", &ni);
	assert_int_equal(ni.line, 4);
	assert_true(ni.points == 60.0);
	dti_framework_free(fw);
}

static void test_fault_columns(void **state)
{
	(void)state;
	expect_fault(META "code,parent,kind,name_en,pionts\n"
	                  "idx,,index,Index,\n",
	             DTI_EINVALID, 2, 5, "pionts", "unknown column 'pionts'");
	expect_fault(META "name_en,points\nA,1\n", DTI_EINVALID, 2, 0, NULL,
	             "no 'code' column");
	expect_fault(META "code,parent\nidx,\n", DTI_EINVALID, 2, 0, NULL,
	             "no name column");
	expect_fault(META "code,name_en,Name_EN\nidx,I,J\n", DTI_EINVALID, 2, 3,
	             NULL, "appears twice");
	/* every unknown column is reported */
	struct dti_error err;
	parse_bad(META "code,colour,name_en,size\nidx,red,I,3\n", &err);
	assert_int_equal(err.column, 2);
	assert_true(err.nmore >= 1);
	assert_int_equal(err.more[0].line, 2);
	assert_int_equal(err.more[0].column, 4);
	assert_string_equal(err.more[0].field, "size");
	dti_error_release(&err);
	/* a column starting with '_' is ignored */
	struct dti_framework *fw =
	    parse_ok(META "code,_remark,parent,name_en,rule\n"
	                  "idx,x,,Index,\n"
	                  "a,y,idx,A,raw\n");
	dti_framework_free(fw);
}

static void test_fault_codes(void **state)
{
	(void)state;
	expect_fault(META HEAD "idx,,index,Index,100,,,\n"
	                       "a,idx,indicator,A,60,value,,\n"
	                       "b,idx,indicator,B,40,value,,\n"
	                       "a,idx,indicator,A2,10,value,,\n",
	             DTI_EINVALID, 6, 1, "code", "duplicate code 'a'",
	             "first on line 4");
	expect_fault(META HEAD "idx,,index,Index,100,,,\n"
	                       "a b,idx,indicator,A,100,value,,\n",
	             DTI_EINVALID, 4, 1, "code", "a b");
	expect_fault(META HEAD "idx,,index,Index,100,,,\n"
	                       ",idx,indicator,A,100,value,,\n",
	             DTI_EINVALID, 4, 1, "code", "empty code");
	expect_fault(META HEAD "idx,,index,Index,100,,,\n"
	                       "a123456789b123456789c123456789d123456789"
	                       "e123456789f123456789g1234,idx,indicator,A,100,"
	                       "value,,\n",
	             DTI_EINVALID, 4, 1, "code", "1-64");
	/* explicit levels must decrease downwards */
	expect_fault(META "code,parent,kind,level,name_en,rule\n"
	                  "idx,,index,2,Index,\n"
	                  "g,idx,group,2,G,\n"
	                  "a,g,indicator,1,A,raw\n",
	             DTI_EINVALID, 4, 4, "level", "'g' (level 2)");
	expect_fault(META "code,parent,kind,level,name_en,rule\n"
	                  "idx,,index,zero,Index,\n"
	                  "a,idx,indicator,1,A,raw\n",
	             DTI_ESYNTAX, 3, 4, "level", "zero");
	expect_fault(META HEAD "idx,,index,Index,100,,,\n"
	                       "a,idx,thing,A,100,value,,\n",
	             DTI_EINVALID, 4, 3, "kind", "unknown kind 'thing'");
}

static void test_fault_graph(void **state)
{
	(void)state;
	expect_fault(META HEAD "idx,,index,Index,100,,,\n"
	                       "a,idx,indicator,A,60,value,,\n"
	                       "b,zz,indicator,B,40,value,,\n",
	             DTI_EINVALID, 5, 2, "parent", "unknown parent 'zz'");
	/* a -> b -> c -> a */
	expect_fault(META HEAD "idx,,index,Index,100,,,\n"
	                       "a,idx;c,group,A,100,,,\n"
	                       "b,a,group,B,100,,,\n"
	                       "c,b,group,C,100,,,\n",
	             DTI_EINVALID, 4, 2, "parent", "cycle", "a -> b -> c -> a");
	expect_fault(META HEAD "idx,,index,Index,100,,,\n"
	                       "a,a,indicator,A,100,value,,\n",
	             DTI_EINVALID, 4, 2, "parent", "'a' is its own parent");
	expect_fault(META HEAD "idx,,index,Index,100,,,\n"
	                       "a,idx;idx,indicator,A,100,value,,\n",
	             DTI_EINVALID, 4, 2, "parent", "listed twice");
}

static void test_fault_points(void **state)
{
	(void)state;
	expect_fault(META HEAD "idx,,index,Index,100,,,\n"
	                       "a,idx,indicator,A,30,value,,\n"
	                       "b,idx,indicator,B,60,value,,\n",
	             DTI_EINVALID, 3, 5, "points", "90", "100");
	expect_fault(META HEAD "idx,,index,Index,100,,,\n"
	                       "a,idx,indicator,A,1OO,value,,\n",
	             DTI_ESYNTAX, 4, 5, "points", "'1OO' is not a number");
	expect_fault(META HEAD "idx,,index,Index,100,,,\n"
	                       "a,idx,indicator,A,-5,value,,\n"
	                       "b,idx,indicator,B,105,value,,\n",
	             DTI_EINVALID, 4, 5, "points", "negative");
	expect_fault(META HEAD "idx,,index,Index,100,,,\n"
	                       "a,idx,indicator,A,,value,,\n",
	             DTI_EINVALID, 4, 5, "points", "has no points");
	/* points_check: off lets the sum differ */
	struct dti_framework *fw =
	    parse_ok("# points_check: off\n" HEAD "idx,,index,Index,100,,,\n"
	             "a,idx,indicator,A,30,value,,\n");
	dti_framework_free(fw);
}

static void test_fault_rules(void **state)
{
	(void)state;
	expect_fault(META HEAD "idx,,index,Index,60,,,\n"
	                       "a,idx,indicator,A,60,frobnicate,,\n",
	             DTI_EINVALID, 4, 6, "rule", "unknown rule 'frobnicate'");
	expect_fault(META HEAD "idx,,index,Index,60,,,\n"
	                       "a,idx,indicator,A,60,count,,\n",
	             DTI_EINVALID, 4, 7, "params", "cap");
	expect_fault(META HEAD "idx,,index,Index,60,,,\n"
	                       "a,idx,indicator,A,60,count,cap=0,\n",
	             DTI_EINVALID, 4, 7, "params", "cap must be above 0");
	expect_fault(META HEAD
	             "idx,,index,Index,60,,,\n"
	             "a,idx,indicator,A,60,ratio,floor=1;target=0.5,\n",
	             DTI_EINVALID, 4, 7, "params", "target (0.5)", "floor (1)");
	expect_fault(META HEAD
	             "idx,,index,Index,60,,,\n"
	             "a,idx,indicator,A,60,ratio,floor=0;target=1,-\n",
	             DTI_EINVALID, 4, 7, "params", "polarity '-'");
	expect_fault(META HEAD
	             "idx,,index,Index,60,,,\n"
	             "a,idx,indicator,A,60,steps,\"steps=10:1,5:2\",\n",
	             DTI_EINVALID, 4, 7, "params", "increase");
	expect_fault(META HEAD "idx,,index,Index,60,,,\n"
	                       "a,idx,indicator,A,60,steps,steps=10-1,\n",
	             DTI_ESYNTAX, 4, 7, "params", "10-1");
	expect_fault(META HEAD "idx,,index,Index,60,,,\n"
	                       "a,idx,indicator,A,60,steps,steps=ten:1,\n",
	             DTI_ESYNTAX, 4, 7, "params", "not two numbers");
	expect_fault(META HEAD "idx,,index,Index,60,,,\n"
	                       "a,idx,indicator,A,60,steps,,\n",
	             DTI_EINVALID, 4, 7, "params", "steps=");
	expect_fault(META HEAD
	             "idx,,index,Index,60,,,\n"
	             "a,idx,indicator,A,60,steps,\"steps=1:10,2:70\",\n",
	             DTI_EINVALID, 4, 7, "params", "outside 0..60");
	expect_fault(META HEAD "idx,,index,Index,60,,,\n"
	                       "a,idx,indicator,A,60,survey,min=5;max=1,\n",
	             DTI_EINVALID, 4, 7, "params", "max (1)", "min (5)");
	expect_fault(META HEAD "idx,,index,Index,60,,,\n"
	                       "a,idx,indicator,A,60,ratio,ceiling=3,\n",
	             DTI_EINVALID, 4, 7, "params", "no parameter 'ceiling'");
	expect_fault(META HEAD "idx,,index,Index,60,,,\n"
	                       "a,idx,indicator,A,60,ratio,target=high,\n",
	             DTI_ESYNTAX, 4, 7, "params", "not a number");
	expect_fault(META HEAD "idx,,index,Index,60,,,\n"
	                       "a,idx,indicator,A,60,ratio,floor,\n",
	             DTI_ESYNTAX, 4, 7, "params", "malformed parameter");
	/* goalposts need min and max (a weights framework) */
	expect_fault(META "code,parent,kind,name_en,rule,params\n"
	                  "idx,,index,Index,,\n"
	                  "g,idx,indicator,G,goalposts,lo=0\n",
	             DTI_EINVALID, 4, 6, "params", "min=", "max=");
	expect_fault(META "code,parent,kind,name_en,rule,params\n"
	                  "idx,,index,Index,,\n"
	                  "g,idx,indicator,G,minmax,lo=5;hi=1\n",
	             DTI_EINVALID, 4, 6, "params", "hi (1)");
	expect_fault(META "code,parent,kind,name_en,rule,params\n"
	                  "idx,,index,Index,,\n"
	                  "g,idx,indicator,G,dist2target,\n",
	             DTI_EINVALID, 4, 6, "params", "target");
	/* rules of points frameworks in a weights framework */
	expect_fault(META "code,parent,kind,name_en,rule\n"
	                  "idx,,index,Index,\n"
	                  "g,idx,indicator,G,reviewer\n",
	             DTI_EINVALID, 4, 5, "rule", "points framework");
	/* a rule on an aggregate, a method on a leaf */
	expect_fault(META HEAD "idx,,index,Index,60,ratio,,\n"
	                       "a,idx,indicator,A,60,value,,\n",
	             DTI_EINVALID, 3, 6, "rule", "has children");
	expect_fault(META "code,parent,kind,name_en,rule,method\n"
	                  "idx,,index,Index,,\n"
	                  "g,idx,indicator,G,raw,geom\n",
	             DTI_EINVALID, 4, 6, "method", "not an aggregation");
}

static void test_fault_polarity(void **state)
{
	(void)state;
	expect_fault(META HEAD "idx,,index,Index,60,,,-\n"
	                       "a,idx,indicator,A,60,value,,\n",
	             DTI_EINVALID, 3, 8, "polarity", "aggregates");
	expect_fault(META HEAD "idx,,index,Index,60,,,\n"
	                       "a,idx,indicator,A,60,points,,-\n",
	             DTI_EINVALID, 4, 8, "polarity", "'points'");
	expect_fault(META HEAD "idx,,index,Index,60,,,\n"
	                       "a,idx,indicator,A,60,value,,-1\n",
	             DTI_EINVALID, 4, 8, "polarity", "'value'");
	expect_fault(META HEAD "idx,,index,Index,60,,,\n"
	                       "a,idx,indicator,A,60,yesno,,down\n",
	             DTI_EINVALID, 4, 8, "polarity", "'down'");
	/* the spellings that are accepted */
	struct dti_framework *fw =
	    parse_ok(META HEAD "idx,,index,Index,100,,,+\n"
	                       "a,idx,indicator,A,25,yesno,,-1\n"
	                       "b,idx,indicator,B,25,yesno,,lower\n"
	                       "c,idx,indicator,C,25,yesno,,+1\n"
	                       "d,idx,indicator,D,25,yesno,,1\n");
	struct dti_node_info ni;
	node_at(fw, "a", &ni);
	assert_int_equal(ni.polarity, -1);
	node_at(fw, "b", &ni);
	assert_int_equal(ni.polarity, -1);
	node_at(fw, "c", &ni);
	assert_int_equal(ni.polarity, 1);
	node_at(fw, "d", &ni);
	assert_int_equal(ni.polarity, 1);
	dti_framework_free(fw);
}

static void test_fault_scoring(void **state)
{
	(void)state;
	/* points in a weights framework */
	expect_fault(META "# scoring: weights\n" HEAD "idx,,index,Index,,,,\n"
	                  "a,idx,indicator,A,5,raw,,\n",
	             DTI_EINVALID, 5, 5, "points", "weights framework");
	/* a weight per parent in a points framework */
	expect_fault(META HEAD "idx,,index,Index,60,,,\n"
	                       "a,idx:0.5,indicator,A,60,value,,\n",
	             DTI_EINVALID, 4, 2, "parent", "no weight per parent");
	/* a weight column in a points framework */
	expect_fault(META "code,parent,kind,name_en,points,weight,rule\n"
	                  "idx,,index,Index,60,,\n"
	                  "a,idx,indicator,A,60,2,value\n",
	             DTI_EINVALID, 4, 6, "weight", "not weights");
	expect_fault(META "# scoring: sometimes\n" HEAD
	                  "idx,,index,Index,60,,,\n",
	             DTI_EINVALID, 2, 0, "scoring", "sometimes");
	/* a statistic takes no points */
	expect_fault(META HEAD "idx,,index,Index,60,,,\n"
	                       "a,idx,indicator,A,60,value,,\n"
	                       "s,idx,statistic,S,5,,,\n",
	             DTI_EINVALID, 5, 5, "points", "statistic");
	expect_fault(META HEAD "idx,,index,Index,60,,,\n"
	                       "s,idx,statistic,S,,,,\n",
	             DTI_EINVALID, 3, 1, "code", "only statistics");
}

static void test_fault_index(void **state)
{
	(void)state;
	/* two index nodes: both are named */
	struct dti_error err;
	parse_bad(META HEAD "idx,,index,Index,100,,,\n"
	                    "a,idx,indicator,A,100,value,,\n"
	                    "idx2,,index,Index 2,100,,,\n"
	                    "b,idx2,indicator,B,100,value,,\n",
	          &err);
	assert_int_equal(err.code, DTI_EINVALID);
	assert_int_equal(err.line, 3);
	assert_int_equal(err.column, 3);
	assert_string_equal(err.field, "kind");
	assert_non_null(strstr(err.message, "more than one"));
	assert_true(has_fault(&err, 5, "idx2"));
	dti_error_release(&err);

	/* no index and several roots */
	expect_fault(META HEAD "r1,,group,R1,100,,,\n"
	                       "a,r1,indicator,A,100,value,,\n"
	                       "r2,,group,R2,100,,,\n"
	                       "b,r2,indicator,B,100,value,,\n",
	             DTI_EINVALID, 0, 0, "kind", "no node of kind 'index'");
	/* an index with a parent */
	expect_fault(META HEAD "top,,group,Top,100,,,\n"
	                       "idx,top,index,Index,100,,,\n"
	                       "a,idx,indicator,A,100,value,,\n",
	             DTI_EINVALID, 4, 2, "parent", "cannot have a parent");
	/* a single root with children becomes the index */
	struct dti_framework *fw = parse_ok(META HEAD "r,,,R,100,,,\n"
	                                              "a,r,,A,100,value,,\n");
	struct dti_node_info ni;
	size_t r = node_at(fw, "r", &ni);
	assert_int_equal(ni.kind, DTI_KIND_INDEX);
	assert_int_equal(dti_framework_root(fw), r);
	node_at(fw, "a", &ni);
	assert_int_equal(ni.kind, DTI_KIND_INDICATOR);
	dti_framework_free(fw);
}

static void test_fault_metadata(void **state)
{
	(void)state;
	static const char rows[] = HEAD "idx,,index,Index,60,,,\n"
	                                "a,idx,indicator,A,60,value,,\n";
	char text[1024];
	snprintf(text, sizeof text, META "# precision: 99\n%s", rows);
	expect_fault(text, DTI_EINVALID, 2, 0, "precision", "99");
	snprintf(text, sizeof text, META "# missing: sometimes\n%s", rows);
	expect_fault(text, DTI_EINVALID, 2, 0, "missing", "sometimes");
	snprintf(text, sizeof text, META "# scale: 0\n%s", rows);
	expect_fault(text, DTI_EINVALID, 2, 0, "scale", "0");
	snprintf(text, sizeof text, META "# scale: big\n%s", rows);
	expect_fault(text, DTI_EINVALID, 2, 0, "scale", "big");
	snprintf(text, sizeof text, "# dti-framework: 2\n" META "%s", rows);
	expect_fault(text, DTI_EINVALID, 1, 0, "dti-framework", "'2'");
	snprintf(text, sizeof text, META "\n# year: 20x5\n%s", rows);
	expect_fault(text, DTI_EINVALID, 3, 0, "year", "20x5");

	/* good metadata is read; unknown keys are kept with a warning */
	snprintf(text, sizeof text,
	         META "# precision: 2\n# missing: group-mean\n# scale: 100\n"
	              "# colour: red\n# group_by: region\n# version: 2023\n%s",
	         rows);
	struct dti_framework *fw = parse_ok(text);
	assert_int_equal(dti_framework_precision(fw), 2);
	assert_int_equal(dti_framework_missing(fw), DTI_MISSING_GROUP_MEAN);
	assert_true(dti_framework_scale(fw) == 100.0);
	assert_string_equal(dti_framework_group_by(fw), "region");
	assert_int_equal(dti_framework_year(fw), 2023);
	assert_string_equal(dti_framework_meta(fw, "colour"), "red");
	assert_int_equal(dti_framework_warning_count(fw), 1);
	const struct dti_diag *w = dti_framework_warning(fw, 0);
	assert_int_equal(w->line, 5);
	assert_string_equal(w->field, "colour");
	size_t nmeta = dti_framework_meta_count(fw);
	assert_int_equal(nmeta, 7);
	const char *k, *v;
	dti_framework_meta_at(fw, 0, &k, &v);
	assert_string_equal(k, "id");
	assert_string_equal(v, "t");
	dti_framework_free(fw);

	/* without an id, the file name gives one */
	struct dti_error err = DTI_ERROR_INIT;
	fw = NULL;
	assert_int_equal(dti_framework_parse(rows, strlen(rows),
	                                     "some/dir/my-index.csv", &fw,
	                                     &err),
	                 DTI_OK);
	assert_string_equal(dti_framework_id(fw), "my-index");
	dti_framework_free(fw);
	dti_error_release(&err);
}

static void test_fault_level_method(void **state)
{
	(void)state;
	/* a bad per-level method is a fault like any other: no framework */
	expect_fault(META "# aggregate.level2: median\n" HEAD
	                  "idx,,index,Index,60,,,\n"
	                  "g,idx,group,G,60,,,\n"
	                  "a,g,indicator,A,60,value,,\n",
	             DTI_EINVALID, 2, 0, "aggregate.level2", "median");
}

static void test_fault_empty(void **state)
{
	(void)state;
	expect_fault("", DTI_EINVALID, 0, 0, NULL, "empty");
	expect_fault(META "\n\n", DTI_EINVALID, 0, 0, NULL, "empty");
	struct dti_error e;
	parse_bad(META HEAD, &e);
	assert_true(has_fault(&e, 0, "no nodes"));
	dti_error_release(&e);
	expect_fault(META HEAD "idx,,index,Index,60,,,\n"
	                       "a,idx,indicator,A,60,value,,,extra\n",
	             DTI_ESYNTAX, 4, 9, NULL, "more fields");
	/* malformed CSV and other encodings are refused too */
	expect_fault(META HEAD "idx,,index,\"Index,60,,,\n", DTI_ESYNTAX, 3, 12,
	             NULL, "never closed");
	expect_fault(META HEAD "idx,,index,Ch\xE1 s\xF4,60,,,\n", DTI_EENCODING,
	             3, 14, NULL, "");
	/* a missing file */
	struct dti_framework *fw = (struct dti_framework *)(uintptr_t)1;
	struct dti_error err = DTI_ERROR_INIT;
	assert_int_equal(dti_framework_load("/nonexistent/fw.csv", &fw, &err),
	                 DTI_EIO);
	assert_null(fw);
	assert_string_equal(err.file, "/nonexistent/fw.csv");
	dti_error_release(&err);
}

/* ---- several faults at once ------------------------------------------ */

static void test_all_faults_rows(void **state)
{
	(void)state;
	struct dti_error err;
	parse_bad(META HEAD "idx,,index,Index,100,,,-\n"          /* 3 */
	                    "a,idx,indicator,A,40,frobnicate,,\n" /* 4 */
	                    "b,idx,indicator,B,30,count,,\n"      /* 5 */
	                    "c,idx,indicator,C,30,survey,min=5;max=1,\n"
	                    "d,idx,indicator,D,0,points,,-\n", /* 7 */
	          &err);
	assert_true(err.nmore >= 4);
	assert_true(has_fault(&err, 3, "polarity"));
	assert_true(has_fault(&err, 4, "frobnicate"));
	assert_true(has_fault(&err, 5, "cap"));
	assert_true(has_fault(&err, 6, "max"));
	assert_true(has_fault(&err, 7, "points"));
	dti_error_release(&err);
}

static void test_all_faults_structure(void **state)
{
	(void)state;
	struct dti_error err;
	parse_bad(META HEAD "idx,,index,Index,100,,,\n"          /* 3 */
	                    "a,idx,thing,A,50,value,,\n"         /* 4 */
	                    "a,idx,indicator,A,50,value,,\n"     /* 5 */
	                    "b,nowhere,indicator,B,50,value,,\n" /* 6 */
	                    "c,b;idx;c,indicator,C,0,value,,\n", /* 7 */
	          &err);
	assert_true(err.nmore >= 3);
	assert_true(has_fault(&err, 4, "thing"));
	assert_true(has_fault(&err, 5, "duplicate"));
	assert_true(has_fault(&err, 6, "nowhere"));
	assert_true(has_fault(&err, 7, "own parent"));
	dti_error_release(&err);

	/* unknown columns and a missing code column together */
	parse_bad(META "kind,name_en,size,shape\nindex,I,1,2\n", &err);
	assert_true(err.nmore >= 2);
	assert_true(has_fault(&err, 2, "size"));
	assert_true(has_fault(&err, 2, "shape"));
	assert_true(has_fault(&err, 2, "no 'code' column"));
	dti_error_release(&err);
}

static void test_all_faults_mixed(void **state)
{
	(void)state;
	/*
	 * Faults of every kind in one file: bad metadata, a structural fault
	 * (an unknown parent) and faults of single rows.  A spreadsheet user
	 * must see all of them at once, and get no framework.
	 */
	struct dti_error err;
	parse_bad(META "# precision: 99\n" HEAD              /* 2, 3 */
	               "idx,,index,Index,100,,,\n"           /* 4 */
	               "a,idx,indicator,A,50,frobnicate,,\n" /* 5 */
	               "b,nowhere,indicator,B,50,value,,\n"  /* 6 */
	               "c,idx,indicator,C,5O,value,,\n",     /* 7 */
	          &err);
	int all = has_fault(&err, 2, "precision") &&
	          has_fault(&err, 5, "frobnicate") &&
	          has_fault(&err, 6, "nowhere") && has_fault(&err, 7, "5O");
	if (!all)
		show_error("reported", &err);
	assert_true(all);
	assert_true(err.nmore >= 3);
	dti_error_release(&err);
}

/* ---- weights frameworks ---------------------------------------------- */

static void test_edge_weights(void **state)
{
	(void)state;
	struct dti_framework *fw =
	    parse_ok(META "code,parent,kind,name_en,weight,rule\n"
	                  "idx,,index,Index,,\n"
	                  "A,idx,pillar,A,,\n"
	                  "B,idx,pillar,B,3,\n"
	                  "x,A:0.5;B,indicator,X,2,raw\n"
	                  "y,A,indicator,Y,,raw\n"
	                  "z,B : 0.25,indicator,Z,,raw\n");
	check_invariants(fw, "edges");
	assert_false(dti_framework_uses_points(fw));
	assert_int_equal(dti_framework_missing(fw), DTI_MISSING_EXCLUDE);
	struct dti_node_info a, b, x, y, z, root;
	size_t xi = node_at(fw, "x", &x);
	size_t yi = node_at(fw, "y", &y);
	size_t zi = node_at(fw, "z", &z);
	node_at(fw, "A", &a);
	node_at(fw, "B", &b);
	node_at(fw, "idx", &root);
	assert_true(isnan(x.points)); /* not a points framework */
	assert_true(x.weight == 2.0);
	assert_true(y.weight == 1.0);
	assert_int_equal(x.nparents, 2);
	assert_int_equal(a.nchildren, 2);
	assert_int_equal(b.nchildren, 2);
	for (size_t k = 0; k < a.nchildren; k++) {
		if (a.children[k] == xi)
			assert_true(a.child_weights[k] == 0.5);
		else if (a.children[k] == yi)
			assert_true(a.child_weights[k] == 1.0);
		else
			fail();
	}
	for (size_t k = 0; k < b.nchildren; k++) {
		if (b.children[k] == xi)
			assert_true(b.child_weights[k] == 2.0);
		else if (b.children[k] == zi)
			assert_true(b.child_weights[k] == 0.25);
		else
			fail();
	}
	/* B's own weight counts in the index */
	for (size_t k = 0; k < root.nchildren; k++) {
		struct dti_node_info ci;
		dti_framework_node(fw, root.children[k], &ci);
		assert_true(root.child_weights[k] ==
		            (strcmp(ci.code, "B") == 0 ? 3.0 : 1.0));
	}
	dti_framework_free(fw);

	expect_fault(META "code,parent,kind,name_en,rule\n"
	                  "idx,,index,Index,\n"
	                  "x,idx:heavy,indicator,X,raw\n",
	             DTI_ESYNTAX, 4, 2, "parent", "heavy");
	expect_fault(META "code,parent,kind,name_en,rule\n"
	                  "idx,,index,Index,\n"
	                  "x,idx:-1,indicator,X,raw\n",
	             DTI_ESYNTAX, 4, 2, "parent", "-1");
}

static void test_derived_points(void **state)
{
	(void)state;
	struct dti_framework *fw =
	    parse_ok(META HEAD "idx,,index,Index,100,,,\n"
	                       "g,idx,group,G,,,,\n"
	                       "a,g,indicator,A,40,value,,\n"
	                       "b,g,indicator,B,60,value,,\n");
	struct dti_node_info g;
	node_at(fw, "g", &g);
	assert_true(g.points_known);
	assert_true(g.points == 100.0);
	assert_true(g.weight == 100.0);
	assert_int_equal(dti_framework_warning_count(fw), 0);
	dti_framework_free(fw);

	/* derived from a child whose points are unknown: unknown, warned */
	fw = parse_ok(META HEAD "idx,,index,Index,?,,,\n"
	                        "g,idx,group,G,,,,\n"
	                        "a,g,indicator,A,?,value,,\n"
	                        "b,g,indicator,B,60,value,,\n");
	node_at(fw, "g", &g);
	assert_false(g.points_known);
	node_at(fw, "a", &g);
	assert_false(g.points_known);
	assert_true(dti_framework_warning_count(fw) >= 1);
	dti_framework_free(fw);

	/* a derived aggregate still has to match its parent's points */
	expect_fault(META HEAD "idx,,index,Index,100,,,\n"
	                       "g,idx,group,G,,,,\n"
	                       "a,g,indicator,A,40,value,,\n"
	                       "b,g,indicator,B,50,value,,\n",
	             DTI_EINVALID, 3, 5, "points", "90");
}

static void test_aggregation_methods(void **state)
{
	(void)state;
	static const char rows[] = "code,parent,kind,name_en,rule,method\n"
	                           "idx,,index,Index,,\n"
	                           "p1,idx,pillar,P1,,\n"
	                           "p2,idx,pillar,P2,,arith\n"
	                           "a,p1,indicator,A,raw,\n"
	                           "b,p2,indicator,B,raw,\n"
	                           "c,idx,indicator,C,raw,\n";
	char text[1024];
	snprintf(text, sizeof text, "# aggregate: geom\n%s", rows);
	struct dti_framework *fw = parse_ok(text);
	struct dti_node_info ni;
	node_at(fw, "idx", &ni);
	assert_int_equal(ni.method, DTI_AGG_GEOM);
	assert_int_equal(ni.level, 3);
	node_at(fw, "p1", &ni);
	assert_int_equal(ni.method, DTI_AGG_GEOM);
	node_at(fw, "p2", &ni);
	assert_int_equal(ni.method, DTI_AGG_ARITH);
	dti_framework_free(fw);

	/* per level: level 2 harmonic, the rest geometric */
	snprintf(text, sizeof text,
	         "# aggregate: geom\n# aggregate.level2: harm\n%s", rows);
	fw = parse_ok(text);
	assert_int_equal(dti_framework_warning_count(fw), 0);
	node_at(fw, "p1", &ni);
	assert_int_equal(ni.method, DTI_AGG_HARM);
	/* the method column wins over the level's default */
	node_at(fw, "p2", &ni);
	assert_int_equal(ni.method, DTI_AGG_ARITH);
	node_at(fw, "idx", &ni);
	assert_int_equal(ni.method, DTI_AGG_GEOM);
	dti_framework_free(fw);

	snprintf(text, sizeof text, "# aggregate.level3: mean:3\n%s", rows);
	fw = parse_ok(text);
	node_at(fw, "idx", &ni);
	assert_int_equal(ni.method, DTI_AGG_GENMEAN);
	assert_true(ni.power == 3.0);
	node_at(fw, "p1", &ni);
	assert_int_equal(ni.method, DTI_AGG_ARITH);
	dti_framework_free(fw);

	/* the method column: generalised mean */
	fw = parse_ok("code,parent,kind,name_en,rule,method\n"
	              "idx,,index,Index,,mean:2\n"
	              "a,idx,indicator,A,raw,\n"
	              "b,idx,indicator,B,raw,\n");
	node_at(fw, "idx", &ni);
	assert_int_equal(ni.method, DTI_AGG_GENMEAN);
	assert_true(ni.power == 2.0);
	assert_string_equal(dti_agg_name(ni.method), "mean");
	dti_framework_free(fw);

	fw = parse_ok("code,parent,kind,name_en,rule,method\n"
	              "idx,,index,Index,,mean:-0.5\n"
	              "a,idx,indicator,A,raw,\n");
	node_at(fw, "idx", &ni);
	assert_true(ni.power == -0.5);
	dti_framework_free(fw);

	expect_fault(META "code,parent,kind,name_en,rule,method\n"
	                  "idx,,index,Index,,mean:0\n"
	                  "a,idx,indicator,A,raw,\n",
	             DTI_EINVALID, 3, 6, "method", "mean:0");
	expect_fault(META "code,parent,kind,name_en,rule,method\n"
	                  "idx,,index,Index,,median\n"
	                  "a,idx,indicator,A,raw,\n",
	             DTI_EINVALID, 3, 6, "method", "median");
}

static void test_aggregate_params(void **state)
{
	(void)state;
	struct dti_framework *fw =
	    parse_ok("code,parent,kind,name_en,rule,method,params\n"
	             "idx,,index,Index,,geom,zero=error\n"
	             "p,idx,pillar,P,,geom,zero=shift;shift=1\n"
	             "q,idx,pillar,Q,,,coverage=0.5\n"
	             "r,idx,pillar,R,,,p=3\n"
	             "a,p,indicator,A,raw,,\n"
	             "b,q,indicator,B,raw,,\n"
	             "c,r,indicator,C,raw,,\n");
	const struct fw_node *nd = &fw->nodes[dti_framework_find(fw, "idx")];
	assert_int_equal(nd->zero, DTI_ZERO_ERROR);
	nd = &fw->nodes[dti_framework_find(fw, "p")];
	assert_int_equal(nd->zero, DTI_ZERO_SHIFT);
	assert_true(nd->shift == 1.0);
	nd = &fw->nodes[dti_framework_find(fw, "q")];
	assert_int_equal(nd->zero, DTI_ZERO_RESULT);
	assert_true(nd->coverage == 0.5);
	nd = &fw->nodes[dti_framework_find(fw, "r")];
	assert_int_equal(nd->method, DTI_AGG_GENMEAN);
	assert_true(nd->power == 3.0);
	struct dti_node_info ni;
	node_at(fw, "idx", &ni);
	assert_string_equal(ni.params_text, "zero=error");
	dti_framework_free(fw);

	static const char head[] =
	    META "code,parent,kind,name_en,rule,params\n";
	char text[512];
	snprintf(text, sizeof text,
	         "%sidx,,index,Index,,zero=shift\n"
	         "a,idx,indicator,A,raw,\n",
	         head);
	expect_fault(text, DTI_EINVALID, 3, 6, "params", "shift=C");
	snprintf(text, sizeof text,
	         "%sidx,,index,Index,,coverage=2\n"
	         "a,idx,indicator,A,raw,\n",
	         head);
	expect_fault(text, DTI_EINVALID, 3, 6, "params", "coverage");
	snprintf(text, sizeof text,
	         "%sidx,,index,Index,,zero=maybe\n"
	         "a,idx,indicator,A,raw,\n",
	         head);
	expect_fault(text, DTI_EINVALID, 3, 6, "params", "maybe");
	snprintf(text, sizeof text,
	         "%sidx,,index,Index,,shift=-1\n"
	         "a,idx,indicator,A,raw,\n",
	         head);
	expect_fault(text, DTI_EINVALID, 3, 6, "params", "shift=-1");
	snprintf(text, sizeof text,
	         "%sidx,,index,Index,,speed=3\n"
	         "a,idx,indicator,A,raw,\n",
	         head);
	expect_fault(text, DTI_EINVALID, 3, 6, "params", "'speed'");
}

static void test_default_rules(void **state)
{
	(void)state;
	/* weights: the default rule and its parameters come from metadata */
	struct dti_framework *fw = parse_ok("# normalise: goalposts\n"
	                                    "# normalise.params: min=0;max=10\n"
	                                    "code,parent,name_en,rule,params\n"
	                                    "idx,,Index,,\n"
	                                    "a,idx,A,,\n"
	                                    "b,idx,B,zscore,sd=2\n"
	                                    "c,idx,C,,min=1;max=2\n");
	struct dti_node_info ni;
	node_at(fw, "a", &ni);
	assert_int_equal(ni.rule, DTI_RULE_GOALPOSTS);
	assert_string_equal(ni.params_text, "min=0;max=10;lo=0;hi=1");
	node_at(fw, "b", &ni);
	assert_int_equal(ni.rule, DTI_RULE_ZSCORE);
	assert_string_equal(ni.params_text, "mean=0;sd=2");
	node_at(fw, "c", &ni);
	assert_string_equal(ni.params_text, "min=1;max=2;lo=0;hi=1");
	dti_framework_free(fw);

	/* without metadata: raw */
	fw = parse_ok("code,parent,name_en\nidx,,Index\na,idx,A\n");
	node_at(fw, "a", &ni);
	assert_int_equal(ni.rule, DTI_RULE_RAW);
	assert_int_equal(ni.kind, DTI_KIND_INDICATOR);
	node_at(fw, "idx", &ni);
	assert_int_equal(ni.kind, DTI_KIND_INDEX);
	dti_framework_free(fw);

	/* names of enums */
	assert_string_equal(dti_kind_name(DTI_KIND_PILLAR), "pillar");
	assert_string_equal(dti_kind_name(DTI_KIND_STATISTIC), "statistic");
	assert_string_equal(dti_rule_name(DTI_RULE_RATIO), "ratio");
	assert_string_equal(dti_rule_name(DTI_RULE_DIST2TARGET), "dist2target");
	assert_string_equal(dti_agg_name(DTI_AGG_GEOM), "geom");
	assert_string_equal(dti_missing_name(DTI_MISSING_ZERO), "zero");
	assert_string_equal(dti_missing_name(DTI_MISSING_GROUP_MEAN),
	                    "group-mean");
	assert_string_equal(dti_origin_name(DTI_ORIGIN_INFERRED), "inferred");
	assert_true(dti_rule_is_relative(DTI_RULE_MINMAX));
	assert_true(dti_rule_is_relative(DTI_RULE_PRANK));
	assert_false(dti_rule_is_relative(DTI_RULE_RATIO));
	assert_false(dti_rule_is_relative(DTI_RULE_VALUE));
}

/* A locale with a decimal comma, if the system has one; NULL otherwise. */
static const char *comma_locale(void)
{
	static const char *const names[] = {
	    "vi_VN.UTF-8", "vi_VN.utf8", "de_DE.UTF-8", "de_DE.utf8",
	    "fr_FR.UTF-8", "fr_FR.utf8", "ru_RU.UTF-8", "es_ES.UTF-8"};
	for (size_t i = 0; i < DTI_ARRAY_LEN(names); i++) {
		const char *l = setlocale(LC_NUMERIC, names[i]);
		if (l && strcmp(localeconv()->decimal_point, ",") == 0)
			return names[i];
	}
	setlocale(LC_NUMERIC, "C");
	return NULL;
}

/*
 * Effective weights: COINr's get_eff_weights() of ASEM with Sust weighing
 * 2 and Physical 3 (effw-fixtures.R) is a weight set's, to 1e-12; the
 * framework's own (equal) weights give 1/(number of siblings) products,
 * the nodes of each level add up to 1, and the bundled DTI's leaves carry
 * their share of its points.
 */
static void test_effective_weights(void **state)
{
	(void)state;
	size_t mlen;
	char *meta = fixture_slurp("tests/data/coinr-asem/iMeta.csv", &mlen);
	struct dti_buf fb = DTI_BUF_INIT;
	char *save = NULL;
	int first = 1;
	for (char *line = strtok_r(meta, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		const char *a = "";
		if (first)
			a = "weight.coinr";
		else if (strstr(line, ",Sust,"))
			a = "2";
		else if (strstr(line, ",Physical,"))
			a = "3";
		dti_buf_addf(&fb, "%s,%s\n", line, a);
		first = 0;
	}
	free(meta);
	struct dti_error err = DTI_ERROR_INIT;
	struct dti_framework *fw = NULL;
	assert_int_equal(
	    dti_framework_parse(fb.data, fb.len, "effw.csv", &fw, &err),
	    DTI_OK);
	dti_buf_release(&fb);
	size_t n = dti_framework_node_count(fw);
	double *eff = malloc(n * sizeof *eff), *own = malloc(n * sizeof *own);
	assert_non_null(eff);
	assert_non_null(own);
	long set = dti_framework_find_weight_set(fw, "coinr");
	assert_true(set >= 0);
	assert_int_equal(dti_framework_effective_weights(fw, set, eff, &err),
	                 DTI_OK);
	struct fixture fx;
	fixture_load("tests/data/coinr-asem/effw.csv", &fx);
	assert_int_equal(fx.nrows, 60);
	for (size_t r = 0; r < fx.nrows; r++) {
		long k = dti_framework_find(fw, fx.unit[r]);
		assert_true(k >= 0);
		if (!fixture_close(eff[k], fx.v[r]))
			fail_msg("%s: %.17g, COINr %.17g", fx.unit[r], eff[k],
			         fx.v[r]);
	}
	fixture_unload(&fx);
	/* the framework's weights: all equal */
	assert_int_equal(dti_framework_effective_weights(fw, -1, own, &err),
	                 DTI_OK);
	double lsum[8] = {0};
	for (size_t k = 0; k < n; k++) {
		const struct fw_node *nd = &fw->nodes[k];
		assert_true(nd->level >= 0 && nd->level < 8);
		lsum[nd->level] += own[k];
		if (nd->nparents == 1) {
			const struct fw_node *p = &fw->nodes[nd->parents[0]];
			assert_near(own[k],
			            own[nd->parents[0]] / (double)p->nchildren,
			            1e-15);
		}
	}
	for (int l = 0; l < 8; l++)
		assert_true(lsum[l] == 0 || fabs(lsum[l] - 1) < 1e-12);
	assert_int_equal(dti_framework_effective_weights(fw, 1, own, &err),
	                 DTI_EARG);
	dti_framework_free(fw);

	/* points: each leaf's share of the index's points */
	char *pp = test_path("frameworks/pdti-2022.csv");
	assert_int_equal(dti_framework_load(pp, &fw, &err), DTI_OK);
	free(pp);
	n = dti_framework_node_count(fw);
	free(eff);
	eff = malloc(n * sizeof *eff);
	assert_non_null(eff);
	assert_int_equal(dti_framework_effective_weights(fw, -1, eff, &err),
	                 DTI_OK);
	double total = fw->nodes[fw->root].points, leaves = 0;
	size_t known = 0;
	assert_true(total > 0);
	for (size_t k = 0; k < n; k++) {
		const struct fw_node *nd = &fw->nodes[k];
		if (nd->nchildren || !nd->scored)
			continue;
		leaves += eff[k];
		if (nd->points_known) {
			assert_near(eff[k], nd->points / total, 1e-12);
			known++;
		}
	}
	assert_near(leaves, 1, 1e-12);
	assert_true(known >= 8);
	/* written: per cent with decimal commas in Vietnamese, the tree
	   from the index down; fractions in CSV; other formats refused */
	struct dti_buf b = DTI_BUF_INIT;
	assert_int_equal(dti_effective_weights_write(fw, -1, DTI_FORMAT_TABLE,
	                                             DTI_LANG_VI, &b, &err),
	                 DTI_OK);
	assert_non_null(strstr(b.data, "\npdti                100,00%  "));
	assert_non_null(strstr(b.data, "\nfoundation           50,00%  "
	                               "Nhóm chỉ số nền tảng\n"
	                               "awareness            10,00%  "));
	dti_buf_release(&b);
	assert_int_equal(dti_effective_weights_write(fw, -1, DTI_FORMAT_CSV,
	                                             DTI_LANG_EN, &b, &err),
	                 DTI_OK);
	assert_non_null(strstr(b.data, "code,name,level,effective\n"));
	assert_non_null(strstr(
	    b.data, "\ngov_activity,Digital government activity,1,0.2\n"));
	dti_buf_release(&b);
	assert_int_equal(dti_effective_weights_write(fw, -1, DTI_FORMAT_XLSX,
	                                             DTI_LANG_EN, &b, &err),
	                 DTI_EARG);
	assert_int_equal(dti_effective_weights_write(fw, 3, DTI_FORMAT_CSV,
	                                             DTI_LANG_EN, &b, &err),
	                 DTI_EARG);
	dti_buf_release(&b);
	dti_framework_free(fw);
	free(eff);
	free(own);
	dti_error_release(&err);
}

static void test_locale_free(void **state)
{
	(void)state;
	if (!comma_locale()) {
		print_message("no locale with a decimal comma installed\n");
		skip();
	}
	struct dti_framework *fw =
	    load_rel("frameworks/example-province-internal.csv");
	struct dti_framework *fw2 = parse_ok(
	    META "code,parent,kind,name_en,points,rule,params\n"
	         "idx,,index,Index,1.5,,\n"
	         "a,idx,indicator,A,1.5,ratio,floor=0.25;target=0.75\n");
	struct dti_node_info a, b, c;
	node_at(fw, "if_computers", &a);
	node_at(fw2, "a", &b);
	node_at(fw2, "idx", &c);
	char s1[64], s2[64];
	snprintf(s1, sizeof s1, "%s", a.params_text);
	snprintf(s2, sizeof s2, "%s", b.params_text);
	double pts = c.points;
	setlocale(LC_NUMERIC, "C");
	assert_string_equal(s1, "floor=0.5;target=1");
	assert_string_equal(s2, "floor=0.25;target=0.75");
	assert_true(pts == 1.5);
	dti_framework_free(fw);
	dti_framework_free(fw2);
}

/*
 * No fixed-size buffer cuts a field: a node shared by 400 pillars has a
 * parent field of more than 12,000 bytes, and a steps rule has 300 steps
 * (parameters of about 3,000 bytes).  Both are read whole and compute
 * exactly (a cut parent list would drop the node from the last pillars).
 */
static void test_long_fields(void **state)
{
	(void)state;
	struct dti_buf b = DTI_BUF_INIT;
	dti_buf_adds(&b, "# scoring: weights\n"
	                 "code,parent,kind,name_en,weight,rule,params\n"
	                 "idx,,index,Index,1,,\n");
	for (int i = 0; i < 400; i++)
		dti_buf_addf(
		    &b, "pillar_with_a_long_code_%03d,idx,pillar,P,1,,\n", i);
	dti_buf_adds(&b, "shared,");
	for (int i = 0; i < 400; i++)
		dti_buf_addf(&b, "%spillar_with_a_long_code_%03d", i ? ";" : "",
		             i);
	dti_buf_adds(&b, ",indicator,Shared,1,steps,\"steps=");
	for (int i = 0; i < 300; i++)
		dti_buf_addf(&b, "%s%d:%.6f", i ? "," : "", i * 10, i / 299.0);
	dti_buf_adds(&b, "\"\n");
	assert_int_equal(dti_buf_status(&b), DTI_OK);
	assert_true(b.len > 15000);
	struct dti_framework *fw = parse_ok(b.data);
	struct dti_node_info ni;
	dti_framework_node(fw, node_of(fw, "shared"), &ni);
	assert_int_equal(ni.nparents, 400);
	dti_framework_node(fw, node_of(fw, "pillar_with_a_long_code_399"), &ni);
	assert_int_equal(ni.nchildren, 1);
	/* 2,995 falls on the step at 2,990 (1), 995 on the one at 990 */
	struct dti_dataset *ds = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	const char data[] = "unit,shared\nU1,2995\nU2,995\n";
	assert_int_equal(dti_dataset_parse(fw, NULL, data, strlen(data),
	                                   "d.csv", NULL, &ds, &err),
	                 DTI_OK);
	struct dti_result *res = NULL;
	assert_int_equal(dti_compute(fw, ds, 0, NULL, &res, &err), DTI_OK);
	assert_near(dti_result_value(res, 0, dti_framework_root(fw)), 1.0,
	            1e-12);
	assert_near(dti_result_value(res, 1, dti_framework_root(fw)), 0.331104,
	            1e-12);
	dti_result_free(res);
	dti_dataset_free(ds);
	dti_framework_free(fw);
	dti_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_bundled_framework),
	    cmocka_unit_test(test_long_fields),
	    cmocka_unit_test(test_pdti_2022),
	    cmocka_unit_test(test_pdti_2020),
	    cmocka_unit_test(test_pdti_2024),
	    cmocka_unit_test(test_example_internal),
	    cmocka_unit_test(test_coinr_imeta),
	    cmocka_unit_test(test_good_base),
	    cmocka_unit_test(test_fault_columns),
	    cmocka_unit_test(test_fault_codes),
	    cmocka_unit_test(test_fault_graph),
	    cmocka_unit_test(test_fault_points),
	    cmocka_unit_test(test_fault_rules),
	    cmocka_unit_test(test_fault_polarity),
	    cmocka_unit_test(test_fault_scoring),
	    cmocka_unit_test(test_fault_index),
	    cmocka_unit_test(test_fault_metadata),
	    cmocka_unit_test(test_fault_level_method),
	    cmocka_unit_test(test_fault_empty),
	    cmocka_unit_test(test_all_faults_rows),
	    cmocka_unit_test(test_all_faults_structure),
	    cmocka_unit_test(test_all_faults_mixed),
	    cmocka_unit_test(test_edge_weights),
	    cmocka_unit_test(test_derived_points),
	    cmocka_unit_test(test_aggregation_methods),
	    cmocka_unit_test(test_aggregate_params),
	    cmocka_unit_test(test_default_rules),
	    cmocka_unit_test(test_locale_free),
	    cmocka_unit_test(test_effective_weights),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
