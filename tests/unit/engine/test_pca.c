/*
 * tests/unit/engine/test_pca.c - principal components and weights
 * (lib/engine/pca.c) against COINr 1.1.14 on its ASEM example
 * (tests/data/coinr-asem: iMeta.csv read as the framework, iData.csv as
 * the data).  The reference numbers were written by R and COINr
 * (pca-fixtures.R beside them):
 *   - get_PCA of the indicators of each pillar, of each sub-index and of
 *     the whole index, and of the children of Conn, Sust and Index: the
 *     units used (complete cases), every eigenvalue and every loading,
 *     to 1e-10 (a loading up to the sign of its component, which is
 *     arbitrary), and COINr's PCA weights (the first component's loadings
 *     on the normalised values) divided by their sum, to 1e-10;
 *   - the optimised weights of Index's children (Conn, Sust), which R
 *     solves exactly with uniroot (one equation, one weight), with equal
 *     targets and with Sust twice Conn, to 1e-9, and get_opt_weights's;
 *     those of Sust's three children, which R finds by BFGS, to 1e-6.
 * Independently of R, the shares the optimised weights give are checked
 * here with the aggregate recomputed by hand (the weighted mean of the
 * children's values) and Pearson's r written out; and the framework CSV
 * with the new weights reads back to a framework that computes the same
 * aggregate.  Then the refusals.
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

struct asem {
	struct dti_framework *fw;
	struct dti_dataset *ds;
	struct dti_result *res;
};

static void load(struct asem *a)
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

static void unload(struct asem *a)
{
	dti_result_free(a->res);
	dti_dataset_free(a->ds);
	dti_framework_free(a->fw);
}

/* ---- fixtures ----------------------------------------------------------- */

#define NF 6
typedef char row_t[NF][48];

/* The rows of a fixture CSV (fields split at commas, none quoted), after
 * its header; *n of them, freed by the caller. */
static row_t *rows(const char *rel, size_t *n)
{
	char *p = test_path(rel);
	FILE *f = fopen(p, "r");
	assert_non_null(f);
	free(p);
	size_t cap = 64;
	row_t *r = malloc(cap * sizeof *r);
	assert_non_null(r);
	char line[1024];
	*n = 0;
	assert_non_null(fgets(line, sizeof line, f));
	while (fgets(line, sizeof line, f)) {
		if (*n == cap) {
			cap *= 2;
			r = realloc(r, cap * sizeof *r);
			assert_non_null(r);
		}
		line[strcspn(line, "\r\n")] = '\0';
		memset(r[*n], 0, sizeof r[*n]);
		size_t c = 0;
		for (char *tok = strtok(line, ","); tok && c < NF;
		     tok = strtok(NULL, ","))
			snprintf(r[*n][c++], 48, "%s", tok);
		(*n)++;
	}
	fclose(f);
	return r;
}

/* The analysis `by` (an aggregate's code, or * for every indicator) of
 * `set` (leaves or children). */
static void analyse(const struct asem *a, const char *by, const char *set,
                    struct dti_pca *p)
{
	long node = strcmp(by, "*") == 0 ? -1 : (long)node_of(a->fw, by);
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st =
	    dti_pca(a->res, node, strcmp(set, "children") == 0, p, &err);
	if (st)
		show_error(by, &err);
	assert_int_equal(st, DTI_OK);
	dti_error_release(&err);
}

/* Variable `code`'s place in the analysis. */
static size_t var_of(const struct asem *a, const struct dti_pca *p,
                     const char *code)
{
	size_t k = node_of(a->fw, code);
	for (size_t i = 0; i < p->k; i++)
		if (p->vars[i] == k)
			return i;
	fail_msg("%s is not a variable of the analysis", code);
	return 0;
}

static void near_rel(double got, double want, double tol, const char *what)
{
	double t = tol * (fabs(want) > 1 ? fabs(want) : 1);
	if (!(fabs(got - want) <= t))
		fail_msg("%s: %.17g, expected %.17g (within %g)", what, got,
		         want, t);
}

/* ---- the analysis --------------------------------------------------------
 */

static void test_eigenvalues(void **state)
{
	(void)state;
	struct asem a;
	load(&a);
	size_t n;
	row_t *fx = rows("tests/data/coinr-asem/pca-eigen.csv", &n);
	assert_int_equal(n, 139);
	size_t analyses = 0;
	for (size_t r = 0; r < n;) {
		struct dti_pca p;
		analyse(&a, fx[r][0], fx[r][1], &p);
		analyses++;
		assert_int_equal(p.used, atoi(fx[r][2]));
		assert_int_equal(p.units, 51);
		/* prcomp gives min(k, units used) components; the others
		   are 0 (the matrix has rank used - 1 at most) */
		size_t m = 0;
		double sum = 0;
		for (; r + m < n && strcmp(fx[r + m][0], fx[r][0]) == 0 &&
		       strcmp(fx[r + m][1], fx[r][1]) == 0;
		     m++) {
			char what[128];
			snprintf(what, sizeof what, "%s %s eigenvalue %zu",
			         fx[r][0], fx[r][1], m + 1);
			near_rel(p.eigenvalues[m], strtod(fx[r + m][4], NULL),
			         1e-10, what);
		}
		assert_true(m <= p.k);
		for (size_t c = m; c < p.k; c++)
			assert_near(p.eigenvalues[c], 0, 1e-10);
		for (size_t c = 0; c < p.k; c++)
			sum += p.eigenvalues[c];
		assert_near(sum, (double)p.k, 1e-10);
		dti_pca_release(&p);
		r += m;
	}
	assert_int_equal(analyses, 14);
	free(fx);
	unload(&a);
}

/*
 * A loading of the fixture as dti's values give it: COINr's come from the
 * raw figures, where an indicator whose lower values are better enters
 * with the opposite sign (dti's values are normalised with the polarity).
 */
static double want(const struct asem *a, row_t row)
{
	double v = strtod(row[4], NULL);
	if (strcmp(row[1], "leaves") == 0) {
		struct dti_node_info ni;
		dti_framework_node(a->fw, node_of(a->fw, row[2]), &ni);
		v *= ni.polarity;
	}
	return v;
}

static void test_loadings(void **state)
{
	(void)state;
	struct asem a;
	load(&a);
	size_t n;
	row_t *fx = rows("tests/data/coinr-asem/pca-loadings.csv", &n);
	assert_int_equal(n, 3147);
	size_t compared = 0;
	for (size_t r = 0; r < n;) {
		struct dti_pca p;
		analyse(&a, fx[r][0], fx[r][1], &p);
		size_t k = p.k;
		/* rows of one component: k of them; components follow
		   until the next analysis */
		for (;;) {
			size_t c = (size_t)atoi(fx[r][3]) - 1;
			const char *by = fx[r][0], *set = fx[r][1];
			/* a component is defined where its eigenvalue is
			   apart from its neighbours and from 0 */
			double ev = p.eigenvalues[c];
			double gap = INFINITY;
			if (c > 0)
				gap = fmin(gap, p.eigenvalues[c - 1] - ev);
			if (c + 1 < k)
				gap = fmin(gap, ev - p.eigenvalues[c + 1]);
			int defined = ev > 1e-6 && gap > 1e-4;
			/* the sign of COINr's component against dti's */
			double dot = 0;
			for (size_t j = 0; j < k; j++)
				dot += want(&a, fx[r + j]) *
				       p.loadings[c * k +
				                  var_of(&a, &p, fx[r + j][2])];
			double sign = dot < 0 ? -1 : 1;
			for (size_t j = 0; j < k; j++, r++) {
				assert_string_equal(fx[r][0], by);
				assert_string_equal(fx[r][1], set);
				assert_int_equal(atoi(fx[r][3]), (int)c + 1);
				if (!defined)
					continue;
				size_t i = var_of(&a, &p, fx[r][2]);
				char what[160];
				snprintf(what, sizeof what,
				         "%s %s loading of %s on PC%zu", by,
				         set, fx[r][2], c + 1);
				near_rel(p.loadings[c * k + i],
				         sign * want(&a, fx[r]), 1e-10, what);
				compared++;
			}
			if (r == n || strcmp(fx[r][0], by) != 0 ||
			    strcmp(fx[r][1], set) != 0)
				break;
		}
		/* dti's signs: every component's loadings sum above 0 */
		for (size_t c = 0; c < k; c++) {
			double s = 0;
			for (size_t i = 0; i < k; i++)
				s += p.loadings[c * k + i];
			if (fabs(s) > 1e-12)
				assert_true(s > 0);
		}
		dti_pca_release(&p);
	}
	/* every loading but the 49 of the last component of the 49
	   indicators, whose 31 complete units leave its eigenvalue 0 */
	assert_int_equal(compared, 3147 - 49);
	free(fx);
	unload(&a);
}

static void test_pca_weights(void **state)
{
	(void)state;
	struct asem a;
	load(&a);
	size_t n;
	row_t *fx = rows("tests/data/coinr-asem/pca-weights.csv", &n);
	assert_int_equal(n, 157);
	for (size_t r = 0; r < n;) {
		struct dti_pca p;
		analyse(&a, fx[r][0], fx[r][1], &p);
		double sum = 0, sq = 0;
		for (size_t j = 0; j < p.k; j++)
			sum += strtod(fx[r + j][3], NULL);
		for (size_t j = 0; j < p.k; j++, r++) {
			size_t i = var_of(&a, &p, fx[r][2]);
			char what[160];
			snprintf(what, sizeof what, "%s %s weight of %s",
			         fx[r][0], fx[r][1], fx[r][2]);
			near_rel(p.weights[i], strtod(fx[r][3], NULL) / sum,
			         1e-10, what);
			/* the squared loadings of a unit vector */
			assert_near(p.squared[i], p.loadings[i] * p.loadings[i],
			            0);
			sq += p.squared[i];
		}
		assert_near(sq, 1, 1e-12);
		dti_pca_release(&p);
	}
	free(fx);
	unload(&a);
}

/* ---- weights ------------------------------------------------------------
 */

/* Pearson's r of x and y over the units with both, written out. */
static double pearson(const double *x, const double *y, size_t n)
{
	double mx = 0, my = 0;
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (!isnan(x[i]) && !isnan(y[i])) {
			mx += x[i];
			my += y[i];
			m++;
		}
	mx /= (double)m;
	my /= (double)m;
	double sxy = 0, sxx = 0, syy = 0;
	for (size_t i = 0; i < n; i++)
		if (!isnan(x[i]) && !isnan(y[i])) {
			sxy += (x[i] - mx) * (y[i] - my);
			sxx += (x[i] - mx) * (x[i] - mx);
			syy += (y[i] - my) * (y[i] - my);
		}
	return sxy / sqrt(sxx * syy);
}

/*
 * The shares r_i / sum r of the children of w's aggregate with the
 * aggregate recomputed here: the weighted mean of the children's values
 * (no child of these aggregates lacks a value).
 */
static void shares(const struct asem *a, const struct dti_weights *w,
                   double *share)
{
	size_t n = dti_result_unit_count(a->res);
	double *agg = calloc(n, sizeof *agg);
	double *x = malloc(w->k * n * sizeof *x);
	assert_non_null(agg);
	assert_non_null(x);
	for (size_t c = 0; c < w->k; c++)
		for (size_t i = 0; i < n; i++) {
			x[c * n + i] =
			    dti_result_value(a->res, i, w->children[c].node);
			assert_false(isnan(x[c * n + i]));
			agg[i] += w->children[c].after * x[c * n + i];
		}
	double s = 0;
	for (size_t c = 0; c < w->k; c++)
		s += share[c] = pearson(x + c * n, agg, n);
	for (size_t c = 0; c < w->k; c++)
		share[c] /= s;
	free(agg);
	free(x);
}

static double weight_of_fw(const struct dti_weights *w,
                           const struct dti_framework *fw, const char *code)
{
	size_t k = node_of(fw, code);
	for (size_t c = 0; c < w->k; c++)
		if (w->children[c].node == k)
			return w->children[c].after;
	fail_msg("%s is not a child", code);
	return NAN;
}

static double weight_of(const struct asem *a, const struct dti_weights *w,
                        const char *code)
{
	return weight_of_fw(w, a->fw, code);
}

static void optimise(const struct asem *a, const char *by,
                     const char *target_code, double target,
                     struct dti_weights *w)
{
	struct dti_weights_opts o;
	dti_weights_opts_init(&o);
	o.method = DTI_WEIGHTS_OPTIMISE;
	o.node = (long)node_of(a->fw, by);
	const char *codes[] = {target_code};
	double values[] = {target};
	if (target_code) {
		o.ntargets = 1;
		o.target_codes = codes;
		o.target_values = values;
	}
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_weights(a->res, &o, w, &err);
	if (st)
		show_error(by, &err);
	assert_int_equal(st, DTI_OK);
	dti_error_release(&err);
}

static void test_optimised(void **state)
{
	(void)state;
	struct asem a;
	load(&a);
	size_t n;
	row_t *fx = rows("tests/data/coinr-asem/opt-weights.csv", &n);
	assert_int_equal(n, 11);
	for (size_t r = 0; r < n; r++) {
		struct dti_weights w;
		int twice = strcmp(fx[r][1], "1;2") == 0;
		optimise(&a, fx[r][0], twice ? "Sust" : NULL, 2, &w);
		double tol = strcmp(fx[r][4], "BFGS") == 0 ? 1e-6 : 1e-9;
		char what[160];
		snprintf(what, sizeof what, "%s %s %s (%s)", fx[r][0], fx[r][1],
		         fx[r][2], fx[r][4]);
		near_rel(weight_of(&a, &w, fx[r][2]), strtod(fx[r][3], NULL),
		         tol, what);
		assert_true(w.reached);
		/* the shares, recomputed by hand, are the targets */
		double share[8];
		shares(&a, &w, share);
		for (size_t c = 0; c < w.k; c++) {
			double t = 1.0 / (double)w.k;
			if (twice)
				t = w.children[c].node == node_of(a.fw, "Sust")
				        ? 2.0 / 3
				        : 1.0 / 3;
			assert_near(share[c], t, 1e-9);
			assert_near(w.children[c].share_after, share[c], 1e-12);
			assert_near(w.children[c].target, t, 1e-15);
		}
		dti_weights_release(&w);
	}
	free(fx);
	/* Conn's five pillars cannot all have a fifth of the correlations:
	   the closest point, better than the start, weights above 0 */
	struct dti_weights w;
	optimise(&a, "Conn", NULL, 0, &w);
	assert_int_equal(w.k, 5);
	assert_false(w.reached);
	assert_true(w.objective_after < w.objective_before / 10);
	double sum = 0;
	for (size_t c = 0; c < w.k; c++) {
		assert_true(w.children[c].after > 0);
		sum += w.children[c].after;
	}
	assert_near(sum, 1, 1e-12);
	dti_weights_release(&w);
	unload(&a);
}

/* PCA weights of children: the analysis's, or refused where a loading is
 * negative (Sust: COINr's weights have both signs there). */
static void test_weights_pca(void **state)
{
	(void)state;
	struct asem a;
	load(&a);
	struct dti_weights_opts o;
	dti_weights_opts_init(&o);
	o.node = (long)node_of(a.fw, "Conn");
	struct dti_weights w;
	struct dti_error err = DTI_ERROR_INIT;
	assert_int_equal(dti_weights(a.res, &o, &w, &err), DTI_OK);
	struct dti_pca p;
	analyse(&a, "Conn", "children", &p);
	assert_int_equal(w.k, p.k);
	for (size_t c = 0; c < w.k; c++)
		for (size_t i = 0; i < p.k; i++)
			if (p.vars[i] == w.children[c].node) {
				assert_near(w.children[c].after, p.weights[i],
				            0);
				assert_near(w.children[c].loading,
				            p.loadings[i], 0);
			}
	assert_near(w.explained, p.eigenvalues[0] / 5, 1e-15);
	dti_pca_release(&p);
	dti_weights_release(&w);
	/* Sust: refused, and its squared loadings given instead */
	o.node = (long)node_of(a.fw, "Sust");
	assert_int_equal(dti_weights(a.res, &o, &w, &err), DTI_EARG);
	assert_contains(err.message, "negative");
	assert_string_equal(err.field, "Social");
	dti_error_release(&err);
	o.method = DTI_WEIGHTS_PCA_SQUARED;
	assert_int_equal(dti_weights(a.res, &o, &w, &err), DTI_OK);
	double sum = 0;
	for (size_t c = 0; c < w.k; c++)
		sum += w.children[c].after;
	assert_near(sum, 1, 1e-12);
	dti_weights_release(&w);
	dti_error_release(&err);
	unload(&a);
}

/* The framework with the new weights reads back and computes the
 * aggregate with them. */
static void test_framework_csv(void **state)
{
	(void)state;
	struct asem a;
	load(&a);
	struct dti_weights w;
	optimise(&a, "Index", NULL, 0, &w);
	struct dti_buf b = DTI_BUF_INIT;
	struct dti_error err = DTI_ERROR_INIT;
	assert_int_equal(
	    dti_weights_write(&w, DTI_FORMAT_CSV, DTI_LANG_EN, &b, &err),
	    DTI_OK);
	assert_contains(b.data, "# scale: 100\n");
	assert_contains(b.data, "\nArea,,denominator,");
	struct dti_framework *fw = test_fw_text(b.data, "weights.csv");
	struct dti_node_info ni;
	dti_framework_node(fw, node_of(fw, "Index"), &ni);
	assert_int_equal(ni.nchildren, 2);
	for (size_t c = 0; c < 2; c++) {
		struct dti_node_info ci;
		dti_framework_node(fw, ni.children[c], &ci);
		assert_true(ni.child_weights[c] ==
		            weight_of(&a, &w, ci.code)); /* exactly */
	}
	assert_near(dti_framework_scale(fw), 100, 0);
	/* the same data computes, with Index the new weighted mean */
	char *dp = test_path("tests/data/coinr-asem/iData.csv");
	struct dti_dataset *ds = NULL;
	struct dti_result *res = NULL;
	assert_int_equal(dti_dataset_read(fw, NULL, dp, NULL, &ds, &err),
	                 DTI_OK);
	assert_int_equal(dti_compute(fw, ds, 0, NULL, &res, &err), DTI_OK);
	double wc = weight_of(&a, &w, "Conn"), ws = weight_of(&a, &w, "Sust");
	size_t ci = node_of(fw, "Conn"), si = node_of(fw, "Sust"),
	       ii = node_of(fw, "Index");
	assert_int_equal(dti_result_unit_count(res), 51);
	for (size_t i = 0; i < 51; i++) {
		double c = dti_result_value(res, i, ci);
		double s = dti_result_value(res, i, si);
		assert_near(dti_result_value(res, i, ii), wc * c + ws * s,
		            1e-12);
		assert_near(
		    c, dti_result_value(a.res, i, node_of(a.fw, "Conn")), 0);
	}
	free(dp);
	dti_result_free(res);
	dti_dataset_free(ds);
	dti_framework_free(fw);
	dti_buf_release(&b);
	dti_weights_release(&w);
	dti_error_release(&err);
	unload(&a);
}

/* A child shared with another parent gets the new weight in this parent
 * only (PARENT:weight in the file); a points framework is not rewritten. */
static const char shared_fw[] = "# scoring: weights\n"
                                "code,parent,kind,name_en,weight,rule\n"
                                "idx,,index,Index,,\n"
                                "p1,idx,pillar,One,1,\n"
                                "p2,idx,pillar,Two,1,\n"
                                "a,p1,indicator,A,1,value\n"
                                "b,p1;p2,indicator,B,1,value\n"
                                "c,p2,indicator,C,1,value\n";
static const char shared_data[] = "year,unit,name,a,b,c\n"
                                  "2025,U1,Một,0.9,0.8,0.1\n"
                                  "2025,U2,Hai,0.8,0.5,0.4\n"
                                  "2025,U3,Ba,0.6,0.6,0.7\n"
                                  "2025,U4,Bốn,0.5,0.4,0.3\n"
                                  "2025,U5,Năm,0.3,0.2,0.9\n";

static void test_shared_child(void **state)
{
	(void)state;
	struct dti_framework *fw = test_fw_text(shared_fw, "fw.csv");
	struct dti_dataset *ds = ds_text(fw, shared_data);
	struct dti_result *res = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	assert_int_equal(dti_compute(fw, ds, 0, NULL, &res, &err), DTI_OK);
	struct dti_weights_opts o;
	dti_weights_opts_init(&o);
	o.method = DTI_WEIGHTS_OPTIMISE;
	o.node = (long)node_of(fw, "p1");
	struct dti_weights w;
	assert_int_equal(dti_weights(res, &o, &w, &err), DTI_OK);
	assert_true(w.reached);
	struct dti_buf b = DTI_BUF_INIT;
	assert_int_equal(
	    dti_weights_write(&w, DTI_FORMAT_CSV, DTI_LANG_EN, &b, &err),
	    DTI_OK);
	struct dti_framework *fw2 = test_fw_text(b.data, "weights.csv");
	struct dti_node_info p1, p2;
	dti_framework_node(fw2, node_of(fw2, "p1"), &p1);
	dti_framework_node(fw2, node_of(fw2, "p2"), &p2);
	for (size_t c = 0; c < 2; c++) {
		struct dti_node_info ci;
		dti_framework_node(fw2, p1.children[c], &ci);
		assert_true(p1.child_weights[c] ==
		            weight_of_fw(&w, fw, ci.code));
		assert_near(p2.child_weights[c], 1, 0); /* p2 as it was */
	}
	dti_framework_free(fw2);
	dti_buf_release(&b);
	dti_weights_release(&w);
	dti_result_free(res);
	dti_dataset_free(ds);
	dti_framework_free(fw);
	dti_error_release(&err);
}

/* Bad settings and data are refused, naming what is wrong. */
static void test_refusals(void **state)
{
	(void)state;
	struct asem a;
	load(&a);
	struct dti_error err = DTI_ERROR_INIT;
	struct dti_pca p;
	struct dti_weights w;
	struct dti_weights_opts o;
	/* an indicator is no aggregate */
	assert_int_equal(
	    dti_pca(a.res, (long)node_of(a.fw, "LPI"), 0, &p, &err), DTI_EARG);
	assert_string_equal(err.field, "LPI");
	dti_error_release(&err);
	dti_weights_opts_init(&o);
	o.node = (long)node_of(a.fw, "LPI");
	assert_int_equal(dti_weights(a.res, &o, &w, &err), DTI_EARG);
	dti_error_release(&err);
	/* a target of a node that is no child, or not above 0 */
	o.method = DTI_WEIGHTS_OPTIMISE;
	o.node = (long)node_of(a.fw, "Index");
	const char *codes[] = {"Physical"};
	double values[] = {2};
	o.ntargets = 1;
	o.target_codes = codes;
	o.target_values = values;
	assert_int_equal(dti_weights(a.res, &o, &w, &err), DTI_EARG);
	assert_contains(err.message, "Physical is not a scored child of Index");
	dti_error_release(&err);
	codes[0] = "Sust";
	values[0] = 0;
	assert_int_equal(dti_weights(a.res, &o, &w, &err), DTI_EARG);
	assert_contains(err.message, "above 0");
	dti_error_release(&err);
	values[0] = -1;
	assert_int_equal(dti_weights(a.res, &o, &w, &err), DTI_EARG);
	dti_error_release(&err);
	unload(&a);

	/* columns: fewer than 2, too few complete units, no variance */
	double x[] = {1, 2, 3, NAN}, y[] = {2, NAN, 1, 4}, z[] = {5, 5, 5, 5};
	const double *one[] = {x};
	assert_int_equal(dti_pca_cols(one, NULL, 1, 4, &p, &err), DTI_EARG);
	dti_error_release(&err);
	const double *xy[] = {x, y};
	assert_int_equal(dti_pca_cols(xy, NULL, 2, 2, &p, &err),
	                 DTI_EINVALID); /* unit 1 only: ... */
	dti_error_release(&err);
	/* ... two complete units (1 and 3) are enough, a correlation of
	   -1: eigenvalues 2 and 0 */
	assert_int_equal(dti_pca_cols(xy, NULL, 2, 4, &p, &err), DTI_OK);
	assert_int_equal(p.used, 2);
	assert_near(p.eigenvalues[0], 2, 1e-12);
	assert_near(p.eigenvalues[1], 0, 1e-12);
	dti_pca_release(&p);
	const char *names[] = {"x", "z"};
	const double *xz[] = {x, z};
	assert_int_equal(dti_pca_cols(xz, names, 2, 4, &p, &err), DTI_EINVALID);
	assert_string_equal(err.field, "z");
	assert_contains(err.message, "unit variance");
	dti_error_release(&err);

	/* a child without variance has no correlation; a points framework
	   is not rewritten */
	struct dti_framework *fw =
	    test_fw_text("# scoring: points\n"
	                 "code,parent,kind,name_en,points,rule\n"
	                 "idx,,index,Index,10,\n"
	                 "a,idx,indicator,A,5,value\n"
	                 "b,idx,indicator,B,3,value\n"
	                 "c,idx,indicator,C,2,value\n",
	                 "fw.csv");
	struct dti_dataset *ds = ds_text(fw, "year,unit,name,a,b,c\n"
	                                     "2025,U1,Một,0.9,0.5,0.1\n"
	                                     "2025,U2,Hai,0.8,0.5,0.4\n"
	                                     "2025,U3,Ba,0.6,0.5,0.7\n");
	struct dti_result *res = NULL;
	assert_int_equal(dti_compute(fw, ds, 0, NULL, &res, &err), DTI_OK);
	dti_weights_opts_init(&o);
	o.method = DTI_WEIGHTS_OPTIMISE;
	assert_int_equal(dti_weights(res, &o, &w, &err), DTI_EINVALID);
	assert_string_equal(err.field, "b");
	assert_contains(err.message, "the same value for every unit");
	dti_error_release(&err);
	o.method = DTI_WEIGHTS_PCA_SQUARED;
	assert_int_equal(dti_pca(res, -1, 0, &p, &err), DTI_EINVALID);
	dti_error_release(&err);
	dti_result_free(res);
	dti_dataset_free(ds);
	ds = ds_text(fw, "year,unit,name,a,b,c\n"
	                 "2025,U1,Một,0.9,0.5,0.1\n"
	                 "2025,U2,Hai,0.8,0.6,0.4\n"
	                 "2025,U3,Ba,0.6,0.2,0.7\n");
	assert_int_equal(dti_compute(fw, ds, 0, NULL, &res, &err), DTI_OK);
	o.method = DTI_WEIGHTS_OPTIMISE;
	assert_int_equal(dti_weights(res, &o, &w, &err), DTI_OK);
	/* the points as weights: 0.5, 0.3, 0.2 */
	assert_near(w.children[0].before, 0.5, 1e-15);
	assert_near(w.children[2].before, 0.2, 1e-15);
	struct dti_buf b = DTI_BUF_INIT;
	assert_int_equal(
	    dti_weights_write(&w, DTI_FORMAT_CSV, DTI_LANG_EN, &b, &err),
	    DTI_EARG);
	assert_contains(err.message, "scored by points");
	dti_error_release(&err);
	assert_int_equal(
	    dti_weights_write(&w, DTI_FORMAT_JSON, DTI_LANG_EN, &b, &err),
	    DTI_OK);
	assert_contains(b.data, "\"method\":\"optimise\"");
	dti_buf_release(&b);
	dti_weights_release(&w);
	dti_result_free(res);
	dti_dataset_free(ds);
	dti_framework_free(fw);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_eigenvalues),
	    cmocka_unit_test(test_loadings),
	    cmocka_unit_test(test_pca_weights),
	    cmocka_unit_test(test_optimised),
	    cmocka_unit_test(test_weights_pca),
	    cmocka_unit_test(test_framework_csv),
	    cmocka_unit_test(test_shared_child),
	    cmocka_unit_test(test_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
