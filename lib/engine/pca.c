/*
 * lib/engine/pca.c - principal components of an index's values, PCA
 * weights and weights optimised toward target correlations (see
 * dti/pca.h).
 *
 * The correlation matrix is formed from centred columns (two passes, as
 * stats.c does) and divided by the square roots of its diagonal, so that
 * the diagonal is exactly 1; its eigen decomposition is LAPACK's
 * (dti_sym_eigen, base/lapack.c), opened when the first analysis runs.
 *
 * The optimiser evaluates the aggregate for given child weights with the
 * engine's own aggregation (eng_aggregate) over the result's values, on a
 * copy of the node table whose one aggregate has the trial weights: the
 * result itself is never written.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "dti/pca.h"
#include "dti/stats.h"
#include "dti/text.h"
#include "engine/model.h"

/* ---- the analysis ------------------------------------------------------ */

void dti_pca_release(struct dti_pca *p)
{
	if (!p)
		return;
	free(p->vars);
	free(p->eigenvalues);
	free(p->loadings);
	free(p->weights);
	free(p->squared);
	memset(p, 0, sizeof *p);
}

static const char *var_name(const char *const *names, size_t i, char *tmp,
                            size_t cap)
{
	if (names && names[i])
		return names[i];
	snprintf(tmp, cap, "variable %zu", i + 1);
	return tmp;
}

/*
 * Turns eigenvector v (k values) so that its elements sum to a positive
 * number, or where they sum to 0 (to 1e-12) so that its largest element
 * in absolute value (the first of equals) is positive.
 */
static void orient(double *v, size_t k)
{
	double sum = 0, big = 0;
	size_t at = 0;
	for (size_t i = 0; i < k; i++) {
		sum += v[i];
		if (fabs(v[i]) > big) {
			big = fabs(v[i]);
			at = i;
		}
	}
	int flip = fabs(sum) > 1e-12 ? sum < 0 : v[at] < 0;
	if (flip)
		for (size_t i = 0; i < k; i++)
			v[i] = -v[i];
}

enum dti_status dti_pca_cols(const double *const *cols,
                             const char *const *names, size_t k, size_t n,
                             struct dti_pca *out, struct dti_error *err)
{
	memset(out, 0, sizeof *out);
	out->node = -1;
	char tmp[32];
	if (k < 2)
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, NULL,
		                   "a principal component analysis needs 2 "
		                   "variables or more (%zu given)",
		                   k);
	unsigned char *ok = malloc(n ? n : 1);
	double *mean = calloc(k, sizeof *mean);
	double *r = calloc(k * k, sizeof *r);
	out->eigenvalues = calloc(k, sizeof *out->eigenvalues);
	out->loadings = calloc(k * k, sizeof *out->loadings);
	out->weights = calloc(k, sizeof *out->weights);
	out->squared = calloc(k, sizeof *out->squared);
	enum dti_status st = DTI_OK;
	if (!ok || !mean || !r || !out->eigenvalues || !out->loadings ||
	    !out->weights || !out->squared) {
		st = dti_err_nomem(err);
		goto out;
	}
	out->k = k;
	out->units = n;
	/* complete cases */
	size_t m = 0;
	for (size_t u = 0; u < n; u++) {
		ok[u] = 1;
		for (size_t i = 0; i < k && ok[u]; i++)
			ok[u] = (unsigned char)!isnan(cols[i][u]);
		m += ok[u];
	}
	out->used = m;
	if (m < 2) {
		st = dti_err_set(err, DTI_EINVALID, NULL, 0, 0, NULL,
		                 "%zu unit%s with a value of every variable: "
		                 "a principal component analysis needs 2 or "
		                 "more",
		                 m, m == 1 ? "" : "s");
		goto out;
	}
	for (size_t i = 0; i < k; i++) {
		double s = 0;
		for (size_t u = 0; u < n; u++)
			if (ok[u])
				s += cols[i][u];
		mean[i] = s / (double)m;
	}
	for (size_t i = 0; i < k; i++)
		for (size_t j = 0; j <= i; j++) {
			double s = 0;
			for (size_t u = 0; u < n; u++)
				if (ok[u])
					s += (cols[i][u] - mean[i]) *
					     (cols[j][u] - mean[j]);
			r[i * k + j] = r[j * k + i] = s;
		}
	for (size_t i = 0; i < k; i++)
		if (!(r[i * k + i] > 0)) {
			st = dti_err_set(
			    err, DTI_EINVALID, NULL, 0, 0,
			    var_name(names, i, tmp, sizeof tmp),
			    "the same value for each of the %zu units used: "
			    "it cannot be scaled to unit variance",
			    m);
			goto out;
		}
	for (size_t i = 0; i < k; i++)
		mean[i] = sqrt(r[i * k + i]); /* reused: the root sums */
	for (size_t i = 0; i < k; i++)
		for (size_t j = 0; j < k; j++)
			r[i * k + j] =
			    i == j ? 1 : r[i * k + j] / (mean[i] * mean[j]);
	st = dti_sym_eigen(r, k, out->eigenvalues, out->loadings, err);
	if (st)
		goto out;
	for (size_t c = 0; c < k; c++)
		orient(out->loadings + c * k, k);
	double sum = 0;
	for (size_t i = 0; i < k; i++)
		sum += out->loadings[i];
	for (size_t i = 0; i < k; i++) {
		double l = out->loadings[i];
		out->weights[i] = l / sum;
		out->squared[i] = l * l;
	}
out:
	free(ok);
	free(mean);
	free(r);
	if (st)
		dti_pca_release(out);
	return st;
}

/* Node k's column of values: NaN where there is none or where a missing
 * figure was scored by the policy. */
static void values_of(const struct dti_result *res, size_t k, double *x)
{
	for (size_t i = 0; i < res->n; i++) {
		size_t at = RES_AT(res, k, i);
		x[i] = res->flags[at] & DTI_CELL_MISSING ? NAN : res->value[at];
	}
}

/*
 * Whether child c of an aggregate counts in it: scored, with a weight
 * other than 0 (the 2022 smart city indicator has 0 points: computed, but
 * counted nowhere).  Unknown points (NaN) count.
 */
static int counts(const struct fw_node *nd, size_t c)
{
	return nd->child_weights[c] != 0;
}

/* Marks the scored leaves below node k (k itself if a leaf), through the
 * edges that count. */
static void leaves_below(const struct dti_framework *fw, size_t k,
                         unsigned char *mark, unsigned char *seen)
{
	if (seen[k])
		return;
	seen[k] = 1;
	const struct fw_node *nd = &fw->nodes[k];
	if (!nd->scored)
		return;
	if (!nd->nchildren) {
		mark[k] = 1;
		return;
	}
	for (size_t c = 0; c < nd->nchildren; c++)
		if (counts(nd, c))
			leaves_below(fw, nd->children[c], mark, seen);
}

/* A leaf that counts in one of its parents at least (or has none). */
static int counted_leaf(const struct dti_framework *fw, size_t k)
{
	const struct fw_node *nd = &fw->nodes[k];
	if (!nd->scored || nd->nchildren || nd->kind == DTI_KIND_STATISTIC)
		return 0;
	if (!nd->nparents)
		return 1;
	for (size_t p = 0; p < nd->nparents; p++) {
		const struct fw_node *pn = &fw->nodes[nd->parents[p]];
		for (size_t c = 0; c < pn->nchildren; c++)
			if (pn->children[c] == k && counts(pn, c))
				return 1;
	}
	return 0;
}

/* The variables of an analysis into vars (*nv of them), in the
 * framework's order. */
static enum dti_status variables(const struct dti_framework *fw, long node,
                                 int children, size_t *vars, size_t *nv,
                                 struct dti_error *err)
{
	*nv = 0;
	if (node >= (long)fw->n)
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, NULL,
		                   "node %ld is not in the framework", node);
	if (node >= 0 && !fw->nodes[node].nchildren)
		return dti_err_set(err, DTI_EARG, NULL, 0, 0,
		                   fw->nodes[node].code,
		                   "an indicator: name an aggregate");
	unsigned char *mark = calloc(fw->n ? fw->n : 1, 1);
	unsigned char *seen = calloc(fw->n ? fw->n : 1, 1);
	if (!mark || !seen) {
		free(mark);
		free(seen);
		return dti_err_nomem(err);
	}
	if (children) {
		const struct fw_node *nd =
		    &fw->nodes[node >= 0 ? (size_t)node : fw->root];
		for (size_t c = 0; c < nd->nchildren; c++)
			mark[nd->children[c]] =
			    (unsigned char)(fw->nodes[nd->children[c]].scored &&
			                    counts(nd, c));
	} else if (node >= 0) {
		leaves_below(fw, (size_t)node, mark, seen);
	} else {
		for (size_t k = 0; k < fw->n; k++)
			mark[k] = (unsigned char)counted_leaf(fw, k);
	}
	for (size_t k = 0; k < fw->n; k++)
		if (mark[k])
			vars[(*nv)++] = k;
	free(mark);
	free(seen);
	return DTI_OK;
}

enum dti_status dti_pca(const struct dti_result *res, long node, int children,
                        struct dti_pca *out, struct dti_error *err)
{
	memset(out, 0, sizeof *out);
	const struct dti_framework *fw = res->fw;
	size_t *vars = malloc((fw->n ? fw->n : 1) * sizeof *vars);
	if (!vars)
		return dti_err_nomem(err);
	size_t nv;
	enum dti_status vst = variables(fw, node, children, vars, &nv, err);
	if (vst) {
		free(vars);
		return vst;
	}
	const char *what = node >= 0 ? fw->nodes[node].code : NULL;
	if (nv < 2) {
		free(vars);
		return dti_err_set(
		    err, DTI_EARG, NULL, 0, 0, what,
		    "%zu %s that count: a principal component analysis "
		    "needs 2 or more",
		    nv,
		    children ? (nv == 1 ? "child" : "children")
		             : (nv == 1 ? "indicator" : "indicators"));
	}
	size_t k = nv, n = res->n;
	double *x = malloc((n ? n : 1) * k * sizeof *x);
	const double **cols = malloc(k * sizeof *cols);
	const char **names = malloc(k * sizeof *names);
	if (!x || !cols || !names) {
		free(vars);
		free(x);
		free(cols);
		free(names);
		return dti_err_nomem(err);
	}
	for (size_t i = 0; i < k; i++) {
		values_of(res, vars[i], x + i * n);
		cols[i] = x + i * n;
		names[i] = fw->nodes[vars[i]].code;
	}
	enum dti_status st = dti_pca_cols(cols, names, k, n, out, err);
	free(x);
	free(cols);
	free(names);
	if (st) {
		free(vars);
		return st;
	}
	out->fw = fw;
	out->node = node;
	out->children = children;
	out->vars = vars;
	return DTI_OK;
}

/* ---- writing an analysis ----------------------------------------------- */

static void put(struct dti_buf *b, double v, int digits, int vi)
{
	dti_buf_add_decimal(b, v, digits, vi ? ',' : '.', "–");
}

/* v in a cell of `width` columns (ASCII digits: one byte a column). */
static void cell(struct dti_buf *b, double v, int digits, int vi, int width)
{
	struct dti_buf t = DTI_BUF_INIT;
	put(&t, v, digits, vi);
	const char *s = t.data ? t.data : "";
	int len = (int)strlen(s);
	if (strcmp(s, "–") == 0)
		len = 1;
	dti_buf_addf(b, "%*s%s", width > len ? width - len : 0, "", s);
	dti_buf_release(&t);
}

static const char *code_of(const struct dti_pca *p, size_t i, char *tmp,
                           size_t cap)
{
	if (p->fw && p->vars)
		return p->fw->nodes[p->vars[i]].code;
	snprintf(tmp, cap, "x%zu", i + 1);
	return tmp;
}

static const char *node_name(const struct fw_node *nd, int vi)
{
	const char *s = vi ? nd->name_vi : nd->name_en;
	if (!s || !*s)
		s = vi ? nd->name_en : nd->name_vi;
	return s && *s ? s : nd->code;
}

/* "CODE (name)", the name left out where it is the code. */
static void code_and_name(struct dti_buf *b, const struct fw_node *nd, int vi)
{
	dti_text_escape(b, nd->code, strlen(nd->code), 0);
	const char *name = node_name(nd, vi);
	if (strcmp(name, nd->code) == 0)
		return;
	dti_buf_adds(b, " (");
	dti_text_escape(b, name, strlen(name), 0);
	dti_buf_adds(b, ")");
}

static size_t shown_components(const struct dti_pca *p, size_t components)
{
	if (components)
		return components < p->k ? components : p->k;
	size_t c = 0;
	while (c < p->k && p->eigenvalues[c] > 1)
		c++;
	return c ? c : 1;
}

static void pca_text(const struct dti_pca *p, const struct dti_result *res,
                     size_t nc, int vi, struct dti_buf *b)
{
	const struct dti_framework *fw = p->fw;
	if (fw && p->node >= 0) {
		const struct fw_node *nd = &fw->nodes[p->node];
		dti_buf_adds(b, vi ? "Phân tích thành phần chính của "
		                   : "Principal components of ");
		dti_buf_adds(
		    b, p->children
		           ? (vi ? "các thành phần của " : "the children of ")
		           : (vi ? "các chỉ số thuộc " : "the indicators of "));
		code_and_name(b, nd, vi);
	} else if (fw && p->children) {
		const struct fw_node *nd = &fw->nodes[fw->root];
		dti_buf_adds(b, vi ? "Phân tích thành phần chính của các "
		                     "thành phần của "
		                   : "Principal components of the children "
		                     "of ");
		dti_text_escape(b, nd->code, strlen(nd->code), 0);
	} else {
		dti_buf_adds(b, vi ? "Phân tích thành phần chính của mọi chỉ "
		                     "số"
		                   : "Principal components of every "
		                     "indicator");
	}
	if (res)
		dti_buf_addf(b, " — %s", dti_result_cycle(res));
	dti_buf_addf(b, vi ? ", %zu/%zu đơn vị" : ", %zu of %zu units", p->used,
	             p->units);
	if (p->used < p->units)
		dti_buf_addf(b,
		             vi ? " (%zu đơn vị thiếu số liệu không được "
		                  "tính)"
		                : " (%zu left out: a value missing)",
		             p->units - p->used);
	dti_buf_adds(b, "\n\n");
	dti_buf_adds(b, vi ? "thành phần   trị riêng   phương sai   lũy kế\n"
	                   : "component   eigenvalue     variance   "
	                     "cumulative\n");
	double cum = 0;
	for (size_t c = 0; c < p->k; c++) {
		double share = p->eigenvalues[c] / (double)p->k;
		cum += share;
		dti_buf_addf(b, "PC%-8zu", c + 1);
		cell(b, p->eigenvalues[c], 4, vi, vi ? 12 : 11);
		cell(b, 100 * share, 1, vi, 12);
		dti_buf_adds(b, " %");
		cell(b, 100 * cum, 1, vi, vi ? 7 : 11);
		dti_buf_adds(b, " %\n");
	}
	dti_buf_adds(b, vi ? "\nhệ số tải         " : "\nloadings          ");
	for (size_t c = 0; c < nc; c++) {
		char h[32];
		snprintf(h, sizeof h, "PC%zu", c + 1);
		dti_buf_addf(b, "%*s", c ? 11 : 10, h);
	}
	dti_buf_adds(b, vi ? "   trọng số  bình phương\n"
	                   : "     weight    squared\n");
	char tmp[32];
	for (size_t i = 0; i < p->k; i++) {
		const char *code = code_of(p, i, tmp, sizeof tmp);
		size_t before = b->len;
		dti_text_escape(b, code, strlen(code), 0);
		size_t w = dti_text_width(b->data + before, b->len - before);
		dti_buf_addf(b, "%*s", w < 18 ? (int)(18 - w) : 0, "");
		for (size_t c = 0; c < nc; c++)
			cell(b, p->loadings[c * p->k + i], 4, vi, c ? 11 : 10);
		cell(b, p->weights[i], 4, vi, 11);
		cell(b, p->squared[i], 4, vi, 11);
		if (p->weights[i] < 0)
			dti_buf_adds(b, vi ? "  âm" : "  negative");
		dti_buf_addc(b, '\n');
	}
	dti_buf_adds(
	    b, vi ? "\nDấu của mỗi thành phần được chọn để tổng các hệ số "
	            "tải dương.\nTrọng số (như COINr): hệ số tải của PC1 "
	            "chia cho tổng của chúng;\nbình phương: bình phương "
	            "các hệ số tải của PC1.\n"
	          : "\nEach component is signed so that its loadings sum to "
	            "a positive number.\nWeight (COINr's): PC1's loadings "
	            "over their sum; squared: their squares.\n");
}

static void pca_json(const struct dti_pca *p, const struct dti_result *res,
                     size_t nc, struct dti_buf *b)
{
	struct dti_json j;
	char tmp[32];
	dti_json_init(&j, b);
	dti_json_object_begin(&j);
	dti_json_key(&j, "cycle");
	if (res)
		dti_json_string(&j, dti_result_cycle(res));
	else
		dti_json_null(&j);
	dti_json_key(&j, "node");
	if (p->fw && p->node >= 0)
		dti_json_string(&j, p->fw->nodes[p->node].code);
	else
		dti_json_null(&j);
	dti_json_key(&j, "of");
	dti_json_string(&j, p->children ? "children" : "indicators");
	dti_json_key(&j, "units");
	dti_json_int(&j, (long long)p->units);
	dti_json_key(&j, "used");
	dti_json_int(&j, (long long)p->used);
	dti_json_key(&j, "components");
	dti_json_array_begin(&j);
	double cum = 0;
	for (size_t c = 0; c < p->k; c++) {
		double share = p->eigenvalues[c] / (double)p->k;
		cum += share;
		dti_json_object_begin(&j);
		dti_json_key(&j, "component");
		dti_json_int(&j, (long long)c + 1);
		eng_json_num(&j, "eigenvalue", p->eigenvalues[c]);
		eng_json_num(&j, "proportion", share);
		eng_json_num(&j, "cumulative", cum);
		dti_json_object_end(&j);
	}
	dti_json_array_end(&j);
	dti_json_key(&j, "variables");
	dti_json_array_begin(&j);
	for (size_t i = 0; i < p->k; i++) {
		dti_json_object_begin(&j);
		dti_json_key(&j, "code");
		dti_json_string(&j, code_of(p, i, tmp, sizeof tmp));
		dti_json_key(&j, "loadings");
		dti_json_array_begin(&j);
		for (size_t c = 0; c < nc; c++)
			dti_json_double(&j, p->loadings[c * p->k + i]);
		dti_json_array_end(&j);
		eng_json_num(&j, "weight", p->weights[i]);
		eng_json_num(&j, "squared", p->squared[i]);
		dti_json_object_end(&j);
	}
	dti_json_array_end(&j);
	dti_json_object_end(&j);
	dti_buf_addc(b, '\n');
}

static void pca_csv(const struct dti_pca *p, size_t nc, struct dti_buf *b)
{
	char tmp[32];
	dti_buf_adds(b, "code");
	for (size_t c = 0; c < nc; c++)
		dti_buf_addf(b, ",pc%zu", c + 1);
	dti_buf_adds(b, ",weight,squared\n");
	for (size_t i = 0; i < p->k; i++) {
		dti_csv_cell(b, code_of(p, i, tmp, sizeof tmp));
		for (size_t c = 0; c < nc; c++) {
			dti_buf_addc(b, ',');
			dti_buf_add_shortest(b, p->loadings[c * p->k + i]);
		}
		dti_buf_addc(b, ',');
		dti_buf_add_shortest(b, p->weights[i]);
		dti_buf_addc(b, ',');
		dti_buf_add_shortest(b, p->squared[i]);
		dti_buf_addc(b, '\n');
	}
}

enum dti_status dti_pca_write(const struct dti_pca *p,
                              const struct dti_result *res, size_t components,
                              enum dti_format format, enum dti_lang lang,
                              struct dti_buf *out, struct dti_error *err)
{
	if (format == DTI_FORMAT_XLSX || format == DTI_FORMAT_NDJSON)
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, "format",
		                   "a principal component analysis is a "
		                   "table, CSV or JSON");
	size_t nc = shown_components(p, components);
	if (format == DTI_FORMAT_JSON)
		pca_json(p, res, nc, out);
	else if (format == DTI_FORMAT_CSV)
		pca_csv(p, nc, out);
	else
		pca_text(p, res, nc, lang == DTI_LANG_VI, out);
	return dti_buf_final(out, DTI_OK, err);
}

/* ---- weights ------------------------------------------------------------ */

void dti_weights_opts_init(struct dti_weights_opts *o)
{
	memset(o, 0, sizeof *o);
	o->method = DTI_WEIGHTS_PCA;
	o->node = -1;
}

void dti_weights_release(struct dti_weights *w)
{
	if (!w)
		return;
	free(w->children);
	memset(w, 0, sizeof *w);
}

/* What the objective needs: the aggregate for trial weights. */
struct trial {
	const struct dti_result *res;
	size_t node, k;
	const size_t *edge; /* each child's place among the node's children */
	struct fw_node *nodes; /* a copy of the framework's; node's
	                          child_weights point to weights */
	double *weights;       /* node's child weights, every edge */
	double *agg, *acc, *wsum, *wall;
	unsigned char *unknown;
	const double *const *cols; /* the children's values */
	const double *target;      /* shares */
	double *w;                 /* scratch: k weights */
	double *r;                 /* scratch: k correlations */
	size_t evaluations;
	struct dti_error *err;
};

/* The aggregate with the k children's weights w (sum 1) into t->agg, and
 * each child's correlation with it into r. */
static enum dti_status evaluate(struct trial *t, const double *w, double *r)
{
	for (size_t i = 0; i < t->k; i++)
		t->weights[t->edge[i]] = w[i];
	struct agg_ctx a = {t->nodes,        (struct dti_result *)t->res,
	                    t->res->missing, t->acc,
	                    t->wsum,         t->wall,
	                    t->unknown,      t->err};
	enum dti_status st = eng_aggregate(&a, t->node, t->agg);
	if (st)
		return st;
	for (size_t i = 0; i < t->k; i++)
		r[i] = dti_corr_pearson(t->cols[i], t->agg, t->res->n);
	t->evaluations++;
	return DTI_OK;
}

/* Sum of squared differences of the shares r_i / sum r from the targets;
 * HUGE_VAL where they are undefined. */
static double objective_of(const double *r, const double *target, size_t k)
{
	double s = 0;
	for (size_t i = 0; i < k; i++) {
		if (isnan(r[i]))
			return HUGE_VAL;
		s += r[i];
	}
	if (!(s > 0))
		return HUGE_VAL;
	double f = 0;
	for (size_t i = 0; i < k; i++) {
		double d = r[i] / s - target[i];
		f += d * d;
	}
	return f;
}

#define U_BOUND 50.0 /* weights within e^-50 of one another at most */

/* The weights of the point u (k - 1 log-ratios to the last weight). */
static void weights_of(const double *u, size_t k, double *w)
{
	double top = 0;
	for (size_t i = 0; i + 1 < k; i++)
		if (u[i] > top)
			top = u[i];
	double s = 0;
	for (size_t i = 0; i < k; i++) {
		double ui = i + 1 < k ? u[i] : 0;
		w[i] = exp(ui - top);
		s += w[i];
	}
	for (size_t i = 0; i < k; i++)
		w[i] /= s;
}

static double f_at(struct trial *t, double *u, enum dti_status *st)
{
	for (size_t i = 0; i + 1 < t->k; i++)
		u[i] = u[i] > U_BOUND    ? U_BOUND
		       : u[i] < -U_BOUND ? -U_BOUND
		                         : u[i];
	weights_of(u, t->k, t->w);
	enum dti_status s = evaluate(t, t->w, t->r);
	if (s) {
		*st = s;
		return HUGE_VAL;
	}
	return objective_of(t->r, t->target, t->k);
}

/*
 * Nelder and Mead's simplex from x (d values) with the given step, for at
 * most `budget` evaluations; x and *fx become the best point.  Reflection
 * 1, expansion 2, contraction 1/2, shrink 1/2.  Stops when the values of
 * the simplex agree to 1e-30 absolute (or 1e-15 relative) and its points
 * to 1e-11 in each coordinate.
 */
static enum dti_status nelder_mead(struct trial *t, double *x, size_t d,
                                   double step, size_t budget, double *fx)
{
	size_t np = d + 1;
	double *s = malloc(np * d * sizeof *s);
	double *f = malloc(np * sizeof *f);
	double *c = malloc(d * sizeof *c);
	double *xr = malloc(d * sizeof *xr);
	double *xe = malloc(d * sizeof *xe);
	if (!s || !f || !c || !xr || !xe) {
		free(s);
		free(f);
		free(c);
		free(xr);
		free(xe);
		return dti_err_nomem(t->err);
	}
	enum dti_status st = DTI_OK;
	size_t start = t->evaluations;
	for (size_t p = 0; p < np; p++) {
		memcpy(s + p * d, x, d * sizeof *x);
		if (p)
			s[p * d + p - 1] += step;
		f[p] = f_at(t, s + p * d, &st);
	}
	while (!st && t->evaluations - start < budget) {
		/* order: best first (insertion sort of the rows) */
		for (size_t p = 1; p < np; p++)
			for (size_t q = p; q > 0 && f[q] < f[q - 1]; q--) {
				double tf = f[q];
				f[q] = f[q - 1];
				f[q - 1] = tf;
				for (size_t i = 0; i < d; i++) {
					double tx = s[q * d + i];
					s[q * d + i] = s[(q - 1) * d + i];
					s[(q - 1) * d + i] = tx;
				}
			}
		double spread = 0;
		for (size_t p = 1; p < np; p++)
			for (size_t i = 0; i < d; i++) {
				double dx = fabs(s[p * d + i] - s[i]);
				if (dx > spread)
					spread = dx;
			}
		if ((f[np - 1] - f[0] <= 1e-30 ||
		     f[np - 1] - f[0] <= 1e-15 * f[0]) &&
		    spread <= 1e-11)
			break;
		for (size_t i = 0; i < d; i++) {
			c[i] = 0;
			for (size_t p = 0; p + 1 < np; p++)
				c[i] += s[p * d + i];
			c[i] /= (double)d;
		}
		double *worst = s + (np - 1) * d;
		for (size_t i = 0; i < d; i++)
			xr[i] = c[i] + (c[i] - worst[i]);
		double fr = f_at(t, xr, &st);
		if (fr < f[0]) {
			for (size_t i = 0; i < d; i++)
				xe[i] = c[i] + 2 * (c[i] - worst[i]);
			double fe = f_at(t, xe, &st);
			if (fe < fr) {
				memcpy(worst, xe, d * sizeof *xe);
				f[np - 1] = fe;
			} else {
				memcpy(worst, xr, d * sizeof *xr);
				f[np - 1] = fr;
			}
			continue;
		}
		if (fr < f[np - 2]) {
			memcpy(worst, xr, d * sizeof *xr);
			f[np - 1] = fr;
			continue;
		}
		/* contraction: outside if the reflection is better than the
		   worst, inside otherwise */
		int outside = fr < f[np - 1];
		for (size_t i = 0; i < d; i++)
			xe[i] = outside ? c[i] + 0.5 * (xr[i] - c[i])
			                : c[i] + 0.5 * (worst[i] - c[i]);
		double fc = f_at(t, xe, &st);
		if (fc < (outside ? fr : f[np - 1])) {
			memcpy(worst, xe, d * sizeof *xe);
			f[np - 1] = fc;
			continue;
		}
		for (size_t p = 1; p < np; p++) {
			for (size_t i = 0; i < d; i++)
				s[p * d + i] =
				    s[i] + 0.5 * (s[p * d + i] - s[i]);
			f[p] = f_at(t, s + p * d, &st);
		}
	}
	size_t best = 0;
	for (size_t p = 1; p < np; p++)
		if (f[p] < f[best])
			best = p;
	memcpy(x, s + best * d, d * sizeof *x);
	*fx = f[best];
	free(s);
	free(f);
	free(c);
	free(xr);
	free(xe);
	return st;
}

/* The optimised weights into w (k, sum 1), from the weights w holds. */
static enum dti_status optimise(struct trial *t, size_t budget, double *w,
                                double *fbest)
{
	size_t k = t->k, d = k - 1;
	double *u = malloc(d * sizeof *u);
	double *u0 = malloc(d * sizeof *u0);
	if (!u || !u0) {
		free(u);
		free(u0);
		return dti_err_nomem(t->err);
	}
	for (size_t i = 0; i < d; i++)
		u[i] = log(w[i] / w[k - 1]);
	enum dti_status st = DTI_OK;
	double f = f_at(t, u, &st);
	double step = 1;
	/* restarts from the best point, with a fresh simplex, until one no
	   longer improves it */
	for (int round = 0; !st && round < 20; round++) {
		size_t used = t->evaluations;
		if (used >= budget)
			break;
		memcpy(u0, u, d * sizeof *u);
		double f1 = HUGE_VAL;
		st = nelder_mead(t, u, d, step, budget - used, &f1);
		if (st)
			break;
		if (!(f1 < f)) {
			memcpy(u, u0, d * sizeof *u);
			if (step < 1e-6)
				break;
			step /= 10;
			continue;
		}
		int gained = f - f1 > 1e-30 && f - f1 > 1e-15 * f;
		f = f1;
		if (!gained || f == 0)
			break;
		step = step > 0.1 ? 0.1 : step;
	}
	if (!st) {
		weights_of(u, k, w);
		*fbest = f;
	}
	free(u);
	free(u0);
	return st;
}

enum dti_status dti_weights(const struct dti_result *res,
                            const struct dti_weights_opts *o,
                            struct dti_weights *out, struct dti_error *err)
{
	memset(out, 0, sizeof *out);
	struct dti_weights_opts def;
	if (!o) {
		dti_weights_opts_init(&def);
		o = &def;
	}
	const struct dti_framework *fw = res->fw;
	if (o->node >= (long)fw->n)
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, NULL,
		                   "node %ld is not in the framework", o->node);
	size_t node = o->node >= 0 ? (size_t)o->node : fw->root;
	const struct fw_node *nd = &fw->nodes[node];
	if (!nd->nchildren)
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, nd->code,
		                   "an indicator: name an aggregate, whose "
		                   "children get the weights");
	size_t k = 0;
	for (size_t c = 0; c < nd->nchildren; c++)
		k += fw->nodes[nd->children[c]].scored && counts(nd, c);
	if (k < 2)
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, nd->code,
		                   "%zu child%s that count%s: weights need 2 "
		                   "or more",
		                   k, k == 1 ? "" : "ren", k == 1 ? "s" : "");
	for (size_t c = 0; c < nd->nchildren; c++)
		if (fw->nodes[nd->children[c]].scored &&
		    isnan(nd->child_weights[c]))
			return dti_err_set(
			    err, DTI_EARG, NULL, 0, 0,
			    fw->nodes[nd->children[c]].code,
			    "its points are not known: no weights to "
			    "start from");
	size_t n = res->n;
	out->res = res;
	out->node = node;
	out->method = o->method;
	out->k = k;
	out->units = n;
	out->explained = NAN;
	out->objective_before = out->objective_after = NAN;
	out->children = calloc(k, sizeof *out->children);
	size_t *edge = malloc(k * sizeof *edge);
	double *x = malloc((n ? n : 1) * k * sizeof *x);
	const double **cols = malloc(k * sizeof *cols);
	const char **names = malloc(k * sizeof *names);
	double *target = malloc(k * sizeof *target);
	double *w0 = malloc(k * sizeof *w0);
	double *w1 = malloc(k * sizeof *w1);
	double *r = malloc(k * sizeof *r);
	double *r2 = malloc(k * sizeof *r2);
	struct trial t;
	memset(&t, 0, sizeof t);
	t.nodes = malloc(fw->n * sizeof *t.nodes);
	t.weights = malloc(nd->nchildren * sizeof *t.weights);
	t.agg = malloc((n ? n : 1) * sizeof *t.agg);
	t.acc = malloc((n ? n : 1) * sizeof *t.acc);
	t.wsum = malloc((n ? n : 1) * sizeof *t.wsum);
	t.wall = malloc((n ? n : 1) * sizeof *t.wall);
	t.unknown = malloc(n ? n : 1);
	t.w = malloc(k * sizeof *t.w);
	t.r = malloc(k * sizeof *t.r);
	struct dti_pca p;
	memset(&p, 0, sizeof p);
	enum dti_status st = DTI_OK;
	if (!out->children || !edge || !x || !cols || !names || !target ||
	    !w0 || !w1 || !r || !r2 || !t.nodes || !t.weights || !t.agg ||
	    !t.acc || !t.wsum || !t.wall || !t.unknown || !t.w || !t.r) {
		st = dti_err_nomem(err);
		goto out;
	}
	double wsum = 0;
	for (size_t c = 0, i = 0; c < nd->nchildren; c++) {
		size_t ch = nd->children[c];
		if (!fw->nodes[ch].scored || !counts(nd, c))
			continue;
		edge[i] = c;
		w0[i] = nd->child_weights[c];
		wsum += w0[i];
		names[i] = fw->nodes[ch].code;
		cols[i] = x + i * n;
		values_of(res, ch, x + i * n);
		target[i] = 1;
		i++;
	}
	for (size_t i = 0; i < k; i++)
		w0[i] = wsum > 0 ? w0[i] / wsum : 1.0 / (double)k;
	/* targets: relative, above 0, of children */
	for (size_t j = 0; j < o->ntargets; j++) {
		const char *code = o->target_codes[j];
		double v = o->target_values[j];
		size_t i = 0;
		while (i < k && strcmp(names[i], code) != 0)
			i++;
		if (i == k) {
			st = dti_err_set(err, DTI_EARG, NULL, 0, 0, "target",
			                 "%s is not a scored child of %s", code,
			                 nd->code);
			goto out;
		}
		if (!(v > 0) || !isfinite(v)) {
			st = dti_err_set(err, DTI_EARG, NULL, 0, 0, "target",
			                 "the target of %s must be a number "
			                 "above 0 (a relative importance)",
			                 code);
			goto out;
		}
		target[i] = v;
	}
	double tsum = 0;
	for (size_t i = 0; i < k; i++)
		tsum += target[i];
	for (size_t i = 0; i < k; i++)
		target[i] /= tsum;
	/* every child must vary over the units that have it */
	for (size_t i = 0; i < k; i++) {
		struct dti_col_stats cs;
		st = dti_col_stats(cols[i], n, &cs);
		if (st) {
			dti_err_nomem(err);
			goto out;
		}
		if (cs.avail < 2 || !(cs.sd > 0)) {
			st =
			    dti_err_set(err, DTI_EINVALID, NULL, 0, 0, names[i],
			                "%s: it has no correlation with %s",
			                cs.avail < 2 ? "fewer than 2 values"
			                             : "the same value for "
			                               "every unit",
			                nd->code);
			goto out;
		}
	}
	/* the trial aggregate: the framework's nodes, node's weights ours */
	memcpy(t.nodes, fw->nodes, fw->n * sizeof *t.nodes);
	memcpy(t.weights, nd->child_weights, nd->nchildren * sizeof *t.weights);
	t.nodes[node].child_weights = t.weights;
	t.res = res;
	t.node = node;
	t.k = k;
	t.edge = edge;
	t.cols = cols;
	t.target = target;
	t.err = err;
	st = evaluate(&t, w0, r);
	if (st)
		goto out;
	size_t with = 0;
	for (size_t u = 0; u < n; u++)
		with += !isnan(t.agg[u]);
	out->used = with;
	if (o->method == DTI_WEIGHTS_OPTIMISE) {
		out->objective_before = objective_of(r, target, k);
		size_t budget =
		    o->max_evaluations ? o->max_evaluations : 2000 * (k - 1);
		memcpy(w1, w0, k * sizeof *w1);
		double f;
		t.evaluations = 0;
		st = optimise(&t, budget, w1, &f);
		if (st)
			goto out;
		out->evaluations = t.evaluations;
	} else {
		st = dti_pca_cols(cols, names, k, n, &p, err);
		if (st)
			goto out;
		out->used = p.used;
		out->explained = p.eigenvalues[0] / (double)k;
		for (size_t i = 0; i < k; i++) {
			if (o->method == DTI_WEIGHTS_PCA &&
			    !(p.loadings[i] >= 0)) {
				st = dti_err_set(
				    err, DTI_EARG, NULL, 0, 0, names[i],
				    "its loading on the first component of "
				    "%s's children is negative (%.4f): its "
				    "PCA weight would be negative; use the "
				    "squared loadings, or optimise",
				    nd->code, p.loadings[i]);
				goto out;
			}
			w1[i] = o->method == DTI_WEIGHTS_PCA ? p.weights[i]
			                                     : p.squared[i];
		}
	}
	st = evaluate(&t, w1, r2);
	if (st)
		goto out;
	double s0 = 0, s1 = 0, maxdev = 0;
	for (size_t i = 0; i < k; i++) {
		s0 += r[i];
		s1 += r2[i];
	}
	for (size_t i = 0; i < k; i++) {
		struct dti_weights_child *c = &out->children[i];
		c->node = nd->children[edge[i]];
		c->edge = edge[i];
		c->before = w0[i];
		c->after = w1[i];
		c->corr_before = r[i];
		c->corr_after = r2[i];
		c->share_before = r[i] / s0;
		c->share_after = r2[i] / s1;
		c->target = o->method == DTI_WEIGHTS_OPTIMISE ? target[i] : NAN;
		c->loading =
		    o->method == DTI_WEIGHTS_OPTIMISE ? NAN : p.loadings[i];
		double dv = fabs(c->share_after - target[i]);
		if (!(dv <= maxdev))
			maxdev = dv;
	}
	if (o->method == DTI_WEIGHTS_OPTIMISE) {
		out->objective_after = objective_of(r2, target, k);
		out->reached = maxdev <= 1e-6;
	}
out:
	dti_pca_release(&p);
	free(edge);
	free(x);
	free(cols);
	free(names);
	free(target);
	free(w0);
	free(w1);
	free(r);
	free(r2);
	free(t.nodes);
	free(t.weights);
	free(t.agg);
	free(t.acc);
	free(t.wsum);
	free(t.wall);
	free(t.unknown);
	free(t.w);
	free(t.r);
	if (st)
		dti_weights_release(out);
	return st;
}

/* ---- writing weights ---------------------------------------------------- */

/* A number that may be tiny, in 3 significant digits; below 1e-20 (the
 * rounding noise of an exact fit) as such. */
static void small(struct dti_buf *b, double v, int vi)
{
	char t[32];
	if (v < 1e-20) {
		dti_buf_adds(b, vi ? "dưới 1e-20" : "below 1e-20");
		return;
	}
	dti_snprintf(t, sizeof t, "%.3g", v);
	if (vi)
		for (char *p = t; *p; p++)
			if (*p == '.')
				*p = ',';
	dti_buf_adds(b, t);
}

static const char *method_text(enum dti_weights_method m, int vi)
{
	switch (m) {
	case DTI_WEIGHTS_PCA:
		return vi ? "trọng số PCA (hệ số tải của PC1, như COINr)"
		          : "PCA weights (the first component's loadings, as "
		            "COINr)";
	case DTI_WEIGHTS_PCA_SQUARED:
		return vi ? "trọng số PCA (bình phương hệ số tải của PC1)"
		          : "PCA weights (the first component's loadings "
		            "squared)";
	case DTI_WEIGHTS_OPTIMISE:
		return vi ? "tối ưu theo tương quan mục tiêu"
		          : "optimised toward target correlations";
	}
	return "?";
}

static const char *method_key(enum dti_weights_method m)
{
	return m == DTI_WEIGHTS_OPTIMISE      ? "optimise"
	       : m == DTI_WEIGHTS_PCA_SQUARED ? "pca-squared"
	                                      : "pca";
}

static void weights_text(const struct dti_weights *w, int vi, struct dti_buf *b)
{
	const struct dti_framework *fw = w->res->fw;
	const struct fw_node *nd = &fw->nodes[w->node];
	dti_buf_adds(b, vi ? "Trọng số các thành phần của "
	                   : "Weights of the "
	                     "children of ");
	code_and_name(b, nd, vi);
	dti_buf_addf(b, " — %s, %s\n", method_text(w->method, vi),
	             dti_result_cycle(w->res));
	if (w->method == DTI_WEIGHTS_OPTIMISE)
		dti_buf_addf(b,
		             vi ? "%zu/%zu đơn vị có giá trị của %s\n"
		                : "%zu of %zu units with a value of %s\n",
		             w->used, w->units, nd->code);
	else {
		dti_buf_addf(b,
		             vi ? "%zu/%zu đơn vị đủ số liệu; PC1 giải thích "
		                : "%zu of %zu units with every value; PC1 "
		                  "explains ",
		             w->used, w->units);
		put(b, 100 * w->explained, 1, vi);
		dti_buf_adds(b,
		             vi ? " % phương sai\n" : " % of the variance\n");
	}
	int opt = w->method == DTI_WEIGHTS_OPTIMISE;
	dti_buf_adds(b, vi ? "\nthành phần        trọng số       mới"
	                   : "\nchild               weight       new");
	dti_buf_adds(b, vi ? "   tương quan       mới      tỉ phần       mới"
	                   : "   correlation      new        share       new");
	dti_buf_adds(b, opt ? (vi ? "   mục tiêu\n" : "     target\n")
	                    : (vi ? "    hệ số tải\n" : "     loading\n"));
	for (size_t i = 0; i < w->k; i++) {
		const struct dti_weights_child *c = &w->children[i];
		const char *code = fw->nodes[c->node].code;
		size_t before = b->len;
		dti_text_escape(b, code, strlen(code), 0);
		size_t wd = dti_text_width(b->data + before, b->len - before);
		dti_buf_addf(b, "%*s", wd < 16 ? (int)(16 - wd) : 0, "");
		cell(b, c->before, 4, vi, 10);
		cell(b, c->after, 4, vi, 10);
		cell(b, c->corr_before, 4, vi, 14);
		cell(b, c->corr_after, 4, vi, 9);
		cell(b, c->share_before, 4, vi, 13);
		cell(b, c->share_after, 4, vi, 10);
		cell(b, opt ? c->target : c->loading, 4, vi, 11);
		dti_buf_addc(b, '\n');
	}
	dti_buf_addc(b, '\n');
	if (opt) {
		dti_buf_adds(b, vi ? "Tỉ phần: tương quan với "
		                   : "Share: the child's correlation with ");
		dti_text_escape(b, nd->code, strlen(nd->code), 0);
		dti_buf_adds(b, vi ? " chia cho tổng tương quan của các thành "
		                     "phần.\n"
		                   : " over the sum of the children's.\n");
		dti_buf_adds(b, w->reached ? (vi ? "Đạt mục tiêu.\n"
		                                 : "The targets are reached.\n")
		                           : (vi ? "Không thể đạt mục tiêu; "
		                                   "đây là điểm gần nhất.\n"
		                                 : "The targets cannot be "
		                                   "reached; this is the "
		                                   "closest point.\n"));
		dti_buf_adds(b, vi ? "Tổng bình phương sai lệch so với mục "
		                     "tiêu: "
		                   : "Sum of squared differences from the "
		                     "targets: ");
		small(b, w->objective_after, vi);
		dti_buf_adds(b, vi ? " (trước đó " : " (before: ");
		small(b, w->objective_before, vi);
		dti_buf_adds(b, ").\n");
	} else {
		dti_buf_adds(b, vi ? "Dấu của PC1 được chọn để tổng hệ số tải "
		                     "dương.\n"
		                   : "PC1 is signed so that its loadings sum "
		                     "to a positive number.\n");
	}
}

static void weights_json(const struct dti_weights *w, struct dti_buf *b)
{
	const struct dti_framework *fw = w->res->fw;
	struct dti_json j;
	dti_json_init(&j, b);
	dti_json_object_begin(&j);
	dti_json_key(&j, "cycle");
	dti_json_string(&j, dti_result_cycle(w->res));
	dti_json_key(&j, "node");
	dti_json_string(&j, fw->nodes[w->node].code);
	dti_json_key(&j, "method");
	dti_json_string(&j, method_key(w->method));
	dti_json_key(&j, "units");
	dti_json_int(&j, (long long)w->units);
	dti_json_key(&j, "used");
	dti_json_int(&j, (long long)w->used);
	eng_json_num(&j, "explained", w->explained);
	eng_json_num(&j, "objective_before", w->objective_before);
	eng_json_num(&j, "objective", w->objective_after);
	dti_json_key(&j, "evaluations");
	dti_json_int(&j, (long long)w->evaluations);
	dti_json_key(&j, "reached");
	if (w->method == DTI_WEIGHTS_OPTIMISE)
		dti_json_bool(&j, w->reached);
	else
		dti_json_null(&j);
	dti_json_key(&j, "children");
	dti_json_array_begin(&j);
	for (size_t i = 0; i < w->k; i++) {
		const struct dti_weights_child *c = &w->children[i];
		dti_json_object_begin(&j);
		dti_json_key(&j, "code");
		dti_json_string(&j, fw->nodes[c->node].code);
		eng_json_num(&j, "weight_before", c->before);
		eng_json_num(&j, "weight", c->after);
		eng_json_num(&j, "correlation_before", c->corr_before);
		eng_json_num(&j, "correlation", c->corr_after);
		eng_json_num(&j, "share_before", c->share_before);
		eng_json_num(&j, "share", c->share_after);
		eng_json_num(&j, "target", c->target);
		eng_json_num(&j, "loading", c->loading);
		dti_json_object_end(&j);
	}
	dti_json_array_end(&j);
	dti_json_object_end(&j);
	dti_buf_addc(b, '\n');
}

enum dti_status dti_weights_write(const struct dti_weights *w,
                                  enum dti_format format, enum dti_lang lang,
                                  struct dti_buf *out, struct dti_error *err)
{
	const struct dti_framework *fw = w->res->fw;
	if (format == DTI_FORMAT_XLSX || format == DTI_FORMAT_NDJSON)
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, "format",
		                   "weights are a table, JSON, or CSV (the "
		                   "framework with the new weights)");
	if (format == DTI_FORMAT_CSV) {
		if (fw->uses_points)
			return dti_err_set(
			    err, DTI_EARG, NULL, 0, 0, "format",
			    "framework '%s' is scored by points, which "
			    "must add up to their parents' points: the new "
			    "weights are not written into it (a table or "
			    "JSON shows them)",
			    dti_framework_id(fw));
		size_t *edges = malloc(w->k * sizeof *edges);
		double *wts = malloc(w->k * sizeof *wts);
		enum dti_status st = DTI_OK;
		if (!edges || !wts) {
			st = dti_err_nomem(err);
		} else {
			for (size_t i = 0; i < w->k; i++) {
				edges[i] = w->children[i].edge;
				wts[i] = w->children[i].after;
			}
			struct eng_weights_override ov = {w->node, w->k, edges,
			                                  wts};
			st = eng_framework_csv(fw, &ov, out);
		}
		free(edges);
		free(wts);
		return dti_buf_final(out, st, err);
	}
	if (format == DTI_FORMAT_JSON)
		weights_json(w, out);
	else
		weights_text(w, lang == DTI_LANG_VI, out);
	return dti_buf_final(out, DTI_OK, err);
}

/* ---- effective weights, written ---------------------------------------- */

enum dti_status dti_effective_weights_write(const struct dti_framework *fw,
                                            long set, enum dti_format format,
                                            enum dti_lang lang,
                                            struct dti_buf *out,
                                            struct dti_error *err)
{
	if (format != DTI_FORMAT_TABLE && format != DTI_FORMAT_CSV &&
	    format != DTI_FORMAT_JSON)
		return dti_err_set(
		    err, DTI_EARG, NULL, 0, 0, "format",
		    "effective weights are a table, csv or json");
	size_t n = fw->n;
	double *eff = malloc((n ? n : 1) * sizeof *eff);
	size_t *stack = malloc((n ? n : 1) * 2 * sizeof *stack);
	unsigned char *seen = calloc(n ? n : 1, 1);
	enum dti_status st =
	    eff && stack && seen
	        ? dti_framework_effective_weights(fw, set, eff, err)
	        : dti_err_nomem(err);
	int vi = lang == DTI_LANG_VI;
	const char *wname = !st && set >= 0
	                        ? dti_framework_weight_set_name(fw, (size_t)set)
	                        : NULL;
	struct dti_json j;
	dti_json_init(&j, out);
	if (!st && format == DTI_FORMAT_JSON) {
		dti_json_object_begin(&j);
		dti_json_key(&j, "framework");
		dti_json_string(&j, dti_framework_id(fw));
		dti_json_key(&j, "weight_set");
		dti_json_string(&j, wname);
		dti_json_key(&j, "nodes");
		dti_json_array_begin(&j);
	} else if (!st && format == DTI_FORMAT_CSV) {
		dti_buf_adds(out, "code,name,level,effective\n");
	} else if (!st) {
		const char *id = dti_framework_id(fw);
		dti_text_escape(out, id, strlen(id), 0);
		if (wname) {
			dti_buf_adds(out,
			             vi ? " · bộ trọng số " : " · weights ");
			dti_text_escape(out, wname, strlen(wname), 0);
		}
		dti_buf_addc(out, '\n');
		/* "Mã" takes more bytes than characters */
		dti_buf_adds(out, vi ? "Mã                 Tỷ trọng  Tên\n"
		                     : "Code              Effective  Name\n");
	}
	/* the tree from the index down, each node once, children in the
	   framework's order */
	size_t top = 0;
	if (!st && n)
		stack[top++] = fw->root;
	while (!st && top) {
		size_t k = stack[--top];
		if (seen[k] || !(eff[k] > 0))
			continue;
		seen[k] = 1;
		const struct fw_node *nd = &fw->nodes[k];
		const char *name = vi || !nd->name_en || !*nd->name_en
		                       ? nd->name_vi
		                       : nd->name_en;
		if (!name)
			name = "";
		if (format == DTI_FORMAT_JSON) {
			dti_json_object_begin(&j);
			dti_json_key(&j, "code");
			dti_json_string(&j, nd->code);
			dti_json_key(&j, "name");
			dti_json_string(&j, name);
			dti_json_key(&j, "level");
			dti_json_int(&j, nd->level);
			dti_json_key(&j, "effective");
			dti_json_double(&j, eff[k]);
			dti_json_object_end(&j);
		} else if (format == DTI_FORMAT_CSV) {
			dti_csv_text_cell(out, nd->code);
			dti_buf_addc(out, ',');
			dti_csv_text_cell(out, name);
			dti_buf_addf(out, ",%d,", nd->level);
			dti_buf_add_shortest(out, eff[k]);
			dti_buf_addc(out, '\n');
		} else {
			char pc[32];
			dti_snprintf(pc, sizeof pc, " %9.2f%%  ", 100 * eff[k]);
			char *dot = vi ? strchr(pc, '.') : NULL;
			if (dot)
				*dot = ','; /* a decimal comma */
			/* codes and names come from a file: never raw
			   controls on a terminal */
			size_t from = out->len;
			dti_text_escape(out, nd->code, strlen(nd->code), 0);
			size_t w = out->len > from
			               ? dti_text_width(out->data + from,
			                                out->len - from)
			               : 0;
			for (; w < 16; w++)
				dti_buf_addc(out, ' ');
			dti_buf_adds(out, pc);
			dti_text_escape(out, name, strlen(name), 0);
			dti_buf_addc(out, '\n');
		}
		for (size_t c = nd->nchildren; c-- > 0 && top < 2 * n;)
			if (!seen[nd->children[c]])
				stack[top++] = nd->children[c];
	}
	if (!st && format == DTI_FORMAT_JSON) {
		dti_json_array_end(&j);
		dti_json_object_end(&j);
		dti_buf_addc(out, '\n');
	}
	if (!st && out->status)
		st = dti_err_nomem(err);
	free(eff);
	free(stack);
	free(seen);
	return st;
}
