/*
 * tests/unit/engine/test_coinr.c - COINr's pipeline on its ASEM example
 * (tests/data/coinr-asem: iMeta.csv read as a framework, iData.csv as data,
 * no units registry): min-max onto [0,100] after the direction flip, then
 * the weighted arithmetic mean along the iMeta tree, missing values left out
 * with the weights re-scaled over the children present.
 *
 * Checked against (a) the index scores and ranks printed in COINr's JOSS
 * paper, (b) the "Ship" min-max values printed in COINr's normalisation
 * vignette, (c) a naive reimplementation written here that reads the two
 * CSV files with its own small parser: every unit's every aggregate to
 * 1e-9, and (d) the harmonic-mean example of COINr's aggregation vignette
 * (min-max onto [1,100], weights 1,1,2,1).  The printed fixtures are those
 * of doc/notes/coinr-methods.md (section 6, A, B and D6).
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

#include "dti/dti.h"
#include "testcheck.h"
#include "testutil.h"

/* ---- helpers ----------------------------------------------------------- */

/* ---- a tiny CSV reader for the naive reimplementation ------------------ */

struct table {
	size_t nrows, ncols; /* rows after the header */
	char **cells;        /* (nrows + 1) x ncols, row 0 the header */
};

static char *slurp(const char *rel)
{
	char *path = test_path(rel);
	assert_non_null(path);
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	free(path);
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap);
	assert_non_null(buf);
	size_t got;
	while ((got = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += got;
		if (cap - len < 2) {
			cap *= 2;
			char *more = realloc(buf, cap);
			assert_non_null(more);
			buf = more;
		}
	}
	fclose(f);
	buf[len] = '\0';
	return buf;
}

/* RFC 4180: ',' separated, "..." quoting with "" for a quote, '\n' ends. */
static struct table read_table(const char *rel)
{
	char *buf = slurp(rel);
	struct table t = {0, 0, NULL};
	size_t cap = 0, n = 0, rowlen = 0, rows = 0;
	char field[4096];
	const char *p = buf;
	while (*p) {
		size_t fl = 0;
		if (*p == '"') {
			p++;
			for (;;) {
				if (*p == '"' && p[1] == '"') {
					field[fl++] = '"';
					p += 2;
				} else if (*p == '"') {
					p++;
					break;
				} else {
					assert_true(*p != '\0');
					field[fl++] = *p++;
				}
				assert_true(fl < sizeof field - 1);
			}
		} else {
			while (*p && *p != ',' && *p != '\n' && *p != '\r') {
				field[fl++] = *p++;
				assert_true(fl < sizeof field - 1);
			}
		}
		field[fl] = '\0';
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			t.cells = realloc(t.cells, cap * sizeof *t.cells);
			assert_non_null(t.cells);
		}
		t.cells[n++] = strdup(field);
		rowlen++;
		if (*p == ',') {
			p++;
			continue;
		}
		if (*p == '\r')
			p++;
		if (*p == '\n')
			p++;
		if (rows == 0)
			t.ncols = rowlen;
		else if (rowlen != t.ncols)
			fail_msg("%s: row %zu has %zu fields, header %zu", rel,
			         rows, rowlen, t.ncols);
		rows++;
		rowlen = 0;
	}
	free(buf);
	t.nrows = rows - 1;
	return t;
}

static const char *cell(const struct table *t, size_t row, size_t col)
{
	return t->cells[(row + 1) * t->ncols + col];
}

static size_t column(const struct table *t, const char *name)
{
	for (size_t j = 0; j < t->ncols; j++)
		if (strcmp(t->cells[j], name) == 0)
			return j;
	fail_msg("no column %s", name);
	return 0;
}

static void free_table(struct table *t)
{
	for (size_t i = 0; i < (t->nrows + 1) * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
}

/* ---- the naive pipeline -------------------------------------------------- */

struct naive {
	size_t nunits, nnodes;
	char **unit;   /* uCode */
	char **code;   /* indicators and aggregates, iMeta order */
	char **parent; /* "" for the top */
	int *level;
	double *dir, *weight;
	double *v; /* [node * nunits + unit]: normalised or aggregated */
};

static struct naive naive_asem(void)
{
	struct table m = read_table("tests/data/coinr-asem/iMeta.csv");
	struct table d = read_table("tests/data/coinr-asem/iData.csv");
	assert_int_equal(m.nrows, 68);
	assert_int_equal(d.nrows, 51);
	struct naive nv;
	memset(&nv, 0, sizeof nv);
	size_t cl = column(&m, "Level"), cc = column(&m, "iCode"),
	       cd = column(&m, "Direction"), cw = column(&m, "Weight"),
	       cp = column(&m, "Parent"), ct = column(&m, "Type");
	nv.code = calloc(m.nrows, sizeof *nv.code);
	nv.parent = calloc(m.nrows, sizeof *nv.parent);
	nv.level = calloc(m.nrows, sizeof *nv.level);
	nv.dir = calloc(m.nrows, sizeof *nv.dir);
	nv.weight = calloc(m.nrows, sizeof *nv.weight);
	assert_true(nv.code && nv.parent && nv.level && nv.dir && nv.weight);
	for (size_t r = 0; r < m.nrows; r++) {
		const char *type = cell(&m, r, ct);
		if (strcmp(type, "Indicator") && strcmp(type, "Aggregate"))
			continue;
		size_t k = nv.nnodes++;
		nv.code[k] = strdup(cell(&m, r, cc));
		nv.parent[k] = strdup(cell(&m, r, cp));
		nv.level[k] = atoi(cell(&m, r, cl));
		nv.dir[k] = strtod(cell(&m, r, cd), NULL);
		nv.weight[k] = strtod(cell(&m, r, cw), NULL);
	}
	assert_int_equal(nv.nnodes, 49 + 11);
	nv.nunits = d.nrows;
	nv.unit = calloc(nv.nunits, sizeof *nv.unit);
	nv.v = malloc(nv.nnodes * nv.nunits * sizeof *nv.v);
	assert_true(nv.unit && nv.v);
	size_t cu = column(&d, "uCode");
	for (size_t i = 0; i < nv.nunits; i++)
		nv.unit[i] = strdup(cell(&d, i, cu));
	/* level 1: flip by the direction, then min-max onto [0,100] */
	for (size_t k = 0; k < nv.nnodes; k++) {
		double *col = nv.v + k * nv.nunits;
		if (nv.level[k] != 1)
			continue;
		size_t j = column(&d, nv.code[k]);
		double mn = INFINITY, mx = -INFINITY;
		for (size_t i = 0; i < nv.nunits; i++) {
			const char *s = cell(&d, i, j);
			col[i] = *s ? nv.dir[k] * strtod(s, NULL) : NAN;
			if (isnan(col[i]))
				continue;
			mn = col[i] < mn ? col[i] : mn;
			mx = col[i] > mx ? col[i] : mx;
		}
		for (size_t i = 0; i < nv.nunits; i++)
			col[i] = (col[i] - mn) / (mx - mn) * (100 - 0) + 0;
	}
	/* levels 2..4: mean over the children present, weights re-scaled */
	for (int lev = 2; lev <= 4; lev++) {
		for (size_t k = 0; k < nv.nnodes; k++) {
			if (nv.level[k] != lev)
				continue;
			for (size_t i = 0; i < nv.nunits; i++) {
				double sw = 0, acc = 0;
				for (size_t c = 0; c < nv.nnodes; c++) {
					if (nv.level[c] != lev - 1 ||
					    strcmp(nv.parent[c], nv.code[k]))
						continue;
					double x = nv.v[c * nv.nunits + i];
					if (isnan(x))
						continue;
					sw += nv.weight[c];
					acc += nv.weight[c] * x;
				}
				nv.v[k * nv.nunits + i] =
				    sw > 0 ? acc / sw : NAN;
			}
		}
	}
	free_table(&m);
	free_table(&d);
	return nv;
}

static void free_naive(struct naive *nv)
{
	for (size_t k = 0; k < nv->nnodes; k++) {
		free(nv->code[k]);
		free(nv->parent[k]);
	}
	for (size_t i = 0; i < nv->nunits; i++)
		free(nv->unit[i]);
	free(nv->code);
	free(nv->parent);
	free(nv->level);
	free(nv->dir);
	free(nv->weight);
	free(nv->unit);
	free(nv->v);
}

/* ---- the engine on the ASEM files ---------------------------------------- */

struct asem {
	struct dti_framework *fw;
	struct dti_dataset *ds;
	struct dti_result *res;
};

static int asem_setup(void **state)
{
	static struct asem a;
	struct dti_error err = DTI_ERROR_INIT;
	char *mp = test_path("tests/data/coinr-asem/iMeta.csv");
	char *dp = test_path("tests/data/coinr-asem/iData.csv");
	enum dti_status st = dti_framework_load(mp, &a.fw, &err);
	if (st)
		show_error("iMeta.csv", &err);
	if (!st) {
		st = dti_dataset_read(a.fw, NULL, dp, NULL, &a.ds, &err);
		if (st)
			show_error("iData.csv", &err);
	}
	if (!st) {
		st = dti_compute(a.fw, a.ds, 0, NULL, &a.res, &err);
		if (st)
			show_error("compute", &err);
	}
	free(mp);
	free(dp);
	dti_error_release(&err);
	*state = &a;
	return st == DTI_OK ? 0 : -1;
}

static int asem_teardown(void **state)
{
	struct asem *a = *state;
	dti_result_free(a->res);
	dti_dataset_free(a->ds);
	dti_framework_free(a->fw);
	memset(a, 0, sizeof *a);
	return 0;
}

static void test_asem_read(void **state)
{
	struct asem *a = *state;
	/* an iMeta file: scale 100, min-max by default, missing excluded */
	assert_near(dti_framework_scale(a->fw), 100, 0);
	assert_int_equal(dti_framework_missing(a->fw), DTI_MISSING_EXCLUDE);
	assert_int_equal(dti_framework_node_count(a->fw), 60);
	struct dti_node_info ni;
	dti_framework_node(a->fw, dti_framework_root(a->fw), &ni);
	assert_string_equal(ni.code, "Index");
	dti_framework_node(a->fw, node_of(a->fw, "CO2"), &ni);
	assert_int_equal(ni.rule, DTI_RULE_MINMAX);
	assert_int_equal(ni.polarity, -1);
	dti_framework_node(a->fw, node_of(a->fw, "Conn"), &ni);
	assert_int_equal(ni.nchildren, 5);
	assert_int_equal(ni.method, DTI_AGG_ARITH);
	assert_int_equal(dti_dataset_unit_count(a->ds), 51);
	assert_int_equal(dti_result_unit_count(a->res), 51);
	assert_string_equal(dti_dataset_cycle(a->ds, 0), "2018");
	/* 63 empty indicator cells; Energy is a denominator, not a node */
	assert_int_equal(dti_dataset_count(a->ds, 0), 51 * 49 - 63);
}

/* (a) JOSS paper: get_results(...) |> head(), 2 decimals, ranks 1-6. */
static void test_asem_joss_fixture(void **state)
{
	struct asem *a = *state;
	static const struct {
		const char *id;
		double index;
	} top[6] = {{"DEU", 75.23}, {"GBR", 68.94}, {"FRA", 65.92},
	            {"CHE", 62.61}, {"NLD", 61.24}, {"SWE", 60.59}};
	size_t root = dti_framework_root(a->fw);
	for (int r = 0; r < 6; r++) {
		double v = val(a->res, top[r].id, "Index");
		/* rounded to 2 decimals it is the printed score */
		assert_near(round(v * 100) / 100, top[r].index, 1e-9);
		assert_int_equal(
		    dti_result_rank(a->res, unit_of(a->res, top[r].id), root),
		    r + 1);
	}
	const size_t *ord = dti_result_order(a->res, root);
	assert_non_null(ord);
	for (int r = 0; r < 6; r++)
		assert_int_equal(ord[r], unit_of(a->res, top[r].id));
	/* COINr ranks the 2-decimal scores: same ranks at precision 2 */
	struct dti_compute_opts o = DTI_COMPUTE_OPTS_INIT;
	o.precision = 2;
	struct dti_result *r2 = NULL;
	assert_int_equal(dti_compute(a->fw, a->ds, 0, &o, &r2, NULL), DTI_OK);
	for (int r = 0; r < 6; r++) {
		size_t i = unit_of(r2, top[r].id);
		assert_int_equal(dti_result_rank(r2, i, root), r + 1);
		assert_int_equal(dti_result_rounded(r2, i, root),
		                 (long long)llround(top[r].index * 100));
	}
	dti_result_free(r2);
}

/* Competition ranks of all 51 units, worked out here from the values. */
static void test_asem_all_ranks(void **state)
{
	struct asem *a = *state;
	size_t root = dti_framework_root(a->fw);
	size_t n = dti_result_unit_count(a->res);
	assert_int_equal(n, 51);
	for (size_t i = 0; i < n; i++) {
		double vi = dti_result_value(a->res, i, root);
		long long ri = llround(vi * 1e4);
		int better = 0;
		for (size_t j = 0; j < n; j++)
			if (llround(dti_result_value(a->res, j, root) * 1e4) >
			    ri)
				better++;
		assert_int_equal(dti_result_rank(a->res, i, root), better + 1);
	}
	/* the order lists ranks 1..51 without going back */
	const size_t *ord = dti_result_order(a->res, root);
	for (size_t j = 1; j < n; j++)
		assert_true(dti_result_rank(a->res, ord[j - 1], root) <=
		            dti_result_rank(a->res, ord[j], root));
	/* and the same for an indicator with missing values (ConSpeed: 8) */
	size_t cs = node_of(a->fw, "ConSpeed");
	assert_int_equal(dti_result_ranked_count(a->res, cs), 51 - 8);
	ord = dti_result_order(a->res, cs);
	for (size_t j = 43; j < n; j++)
		assert_int_equal(dti_result_rank(a->res, ord[j], cs), 0);
}

/* (b) normalisation vignette: Ship min-max 0-100 of the raw data. */
static void test_asem_ship_fixture(void **state)
{
	struct asem *a = *state;
	static const struct {
		const char *id;
		double ship;
	} rows[10] = {{"AUS", 66.14497}, {"AUT", 0.00000},   {"BEL", 97.14314},
	              {"BGD", 45.80661}, {"BGR", 37.40495},  {"BRN", 35.38920},
	              {"CHE", 0.00000},  {"CHN", 100.00000}, {"CYP", 55.21211},
	              {"CZE", 0.00000}};
	for (int r = 0; r < 10; r++)
		assert_near(val(a->res, rows[r].id, "Ship"), rows[r].ship,
		            5e-6 + 1e-9);
}

/* (c) every unit, every indicator and aggregate, against the naive code. */
static void test_asem_naive(void **state)
{
	struct asem *a = *state;
	struct naive nv = naive_asem();
	size_t naggs = 0;
	for (size_t k = 0; k < nv.nnodes; k++) {
		if (nv.level[k] > 1)
			naggs++;
		for (size_t i = 0; i < nv.nunits; i++) {
			double want = nv.v[k * nv.nunits + i];
			double got = val(a->res, nv.unit[i], nv.code[k]);
			if (isnan(want) ? isnan(got) : fabs(got - want) <= 1e-9)
				continue;
			fail_msg("%s of %s: %.17g, naive %.17g", nv.code[k],
			         nv.unit[i], got, want);
		}
	}
	assert_int_equal(naggs, 11);
	/* the naive pipeline gives the printed scores too */
	for (size_t k = 0; k < nv.nnodes; k++)
		if (strcmp(nv.code[k], "Index") == 0)
			for (size_t i = 0; i < nv.nunits; i++)
				if (strcmp(nv.unit[i], "DEU") == 0)
					assert_near(nv.v[k * nv.nunits + i],
					            75.23, 0.005);
	free_naive(&nv);
}

/* (d) aggregation vignette: harmonic mean of min-max [1,100]. */
static void test_asem_harmonic_fixture(void **state)
{
	(void)state;
	static const char fwt[] =
	    "# scoring: weights\n"
	    "# scale: 100\n"
	    "code,parent,kind,name_en,weight,rule,params,method\n"
	    "H,,index,Harmonic,1,,,harm\n"
	    "LPI,H,indicator,LPI,1,minmax,lo=1;hi=100,\n"
	    "Flights,H,indicator,Flights,1,minmax,lo=1;hi=100,\n"
	    "Ship,H,indicator,Ship,2,minmax,lo=1;hi=100,\n"
	    "Bord,H,indicator,Bord,1,minmax,lo=1;hi=100,\n";
	struct dti_framework *fw = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	assert_int_equal(
	    dti_framework_parse(fwt, strlen(fwt), "harm.csv", &fw, &err),
	    DTI_OK);
	/* skip every other column of iData.csv */
	struct table d = read_table("tests/data/coinr-asem/iData.csv");
	const char **ign = calloc(d.ncols, sizeof *ign);
	size_t nign = 0;
	for (size_t j = 0; j < d.ncols; j++) {
		const char *h = d.cells[j];
		if (strcmp(h, "uName") && strcmp(h, "uCode") &&
		    strcmp(h, "Time") && !strstr(h, "_group") &&
		    dti_framework_find(fw, h) < 0)
			ign[nign++] = h;
	}
	assert_int_equal(nign, 4 + 45);
	struct dti_read_opts ro = DTI_READ_OPTS_INIT;
	ro.ignore = ign;
	ro.nignore = nign;
	char *dp = test_path("tests/data/coinr-asem/iData.csv");
	struct dti_dataset *ds = NULL;
	enum dti_status st = dti_dataset_read(fw, NULL, dp, &ro, &ds, &err);
	if (st)
		show_error("iData.csv", &err);
	assert_int_equal(st, DTI_OK);
	struct dti_result *res = NULL;
	assert_int_equal(dti_compute(fw, ds, 0, NULL, &res, &err), DTI_OK);
	/* printed to 3 significant figures, rows AUT BEL BGR HRV CYP */
	static const struct {
		const char *id;
		double lpi, flights, ship, bord, h;
	} rows[5] = {{"AUT", 94.1, 14.20, 1.0, 29.4, 2.36},
	             {"BEL", 94.6, 15.60, 97.2, 40.0, 41.50},
	             {"BGR", 35.0, 4.89, 38.0, 15.6, 14.30},
	             {"HRV", 51.2, 4.90, 59.2, 34.3, 17.40},
	             {"CYP", 43.7, 4.66, 55.7, 1.0, 3.93}};
	for (int r = 0; r < 5; r++) {
		const char *id = rows[r].id;
		const double want[5] = {rows[r].lpi, rows[r].flights,
		                        rows[r].ship, rows[r].bord, rows[r].h};
		const char *codes[5] = {"LPI", "Flights", "Ship", "Bord", "H"};
		for (int c = 0; c < 5; c++) {
			/* half a unit of the third significant figure */
			double tol =
			    0.5 * pow(10, floor(log10(fabs(want[c]))) - 2);
			assert_near(val(res, id, codes[c]), want[c],
			            tol + 1e-9);
		}
	}
	dti_result_free(res);
	dti_dataset_free(ds);
	free(dp);
	free(ign);
	free_table(&d);
	dti_error_release(&err);
	dti_framework_free(fw);
}

int main(void)
{
	const struct CMUnitTest asem[] = {
	    cmocka_unit_test(test_asem_read),
	    cmocka_unit_test(test_asem_joss_fixture),
	    cmocka_unit_test(test_asem_all_ranks),
	    cmocka_unit_test(test_asem_ship_fixture),
	    cmocka_unit_test(test_asem_naive),
	};
	const struct CMUnitTest other[] = {
	    cmocka_unit_test(test_asem_harmonic_fixture),
	};
	int failed = cmocka_run_group_tests_name("ASEM pipeline", asem,
	                                         asem_setup, asem_teardown);
	failed +=
	    cmocka_run_group_tests_name("ASEM harmonic", other, NULL, NULL);
	return failed;
}
