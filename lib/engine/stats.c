/*
 * lib/engine/stats.c - statistics of an index's data (see dti/stats.h).
 *
 * Sums are taken over centred values (two passes), as R does, so that
 * large figures (GDP in millions) lose no digits to the mean.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "dti/stats.h"
#include "engine/model.h"

void dti_stats_opts_init(struct dti_stats_opts *o)
{
	memset(o, 0, sizeof *o);
	o->t_avail = 0.65;
	o->t_skew = 2;
	o->t_kurt = 3.5;
	o->t_collinear = 0.9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

enum dti_status dti_col_stats(const double *x, size_t n,
                              struct dti_col_stats *out)
{
	memset(out, 0, sizeof *out);
	out->n = n;
	out->min = out->max = out->mean = out->median = NAN;
	out->sd = out->skew = out->kurt = NAN;
	double *v = malloc((n ? n : 1) * sizeof *v);
	if (!v)
		return DTI_ENOMEM;
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (!isnan(x[i]))
			v[m++] = x[i];
	out->avail = m;
	if (!m) {
		free(v);
		return DTI_OK;
	}
	qsort(v, m, sizeof *v, cmp_double);
	out->min = v[0];
	out->max = v[m - 1];
	out->median = m % 2 ? v[m / 2] : (v[m / 2 - 1] + v[m / 2]) / 2;
	double sum = 0;
	size_t run = 0;
	for (size_t i = 0; i < m; i++) {
		sum += v[i];
		out->nonzero += v[i] != 0;
		if (i == 0 || v[i] != v[i - 1]) {
			out->unique++;
			run = 1;
		} else {
			run++;
		}
		if (run > out->same)
			out->same = run;
	}
	double mean = sum / (double)m, s2 = 0, s3 = 0, s4 = 0;
	for (size_t i = 0; i < m; i++) {
		double d = v[i] - mean;
		s2 += d * d;
		s3 += d * d * d;
		s4 += d * d * d * d;
	}
	double dm = (double)m;
	out->mean = mean;
	if (m >= 2)
		out->sd = sqrt(s2 / (dm - 1));
	if (m >= 3 && s2 > 0)
		out->skew = sqrt(dm) * s3 / pow(s2, 1.5) * sqrt(dm * (dm - 1)) /
		            (dm - 2);
	if (m >= 4 && s2 > 0) {
		double r = dm * s4 / (s2 * s2);
		out->kurt =
		    ((dm + 1) * (r - 3) + 6) * (dm - 1) / ((dm - 2) * (dm - 3));
	}
	free(v);
	return DTI_OK;
}

/*
 * The sums of cross products and squares about the means of the pairs
 * (x[i], y[i]) both available, and how many there are.
 */
static size_t pair_sums(const double *x, const double *y, size_t n, double *sxy,
                        double *sxx, double *syy)
{
	double sx = 0, sy = 0;
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (!isnan(x[i]) && !isnan(y[i])) {
			sx += x[i];
			sy += y[i];
			m++;
		}
	*sxy = *sxx = *syy = 0;
	if (!m)
		return 0;
	double mx = sx / (double)m, my = sy / (double)m;
	for (size_t i = 0; i < n; i++)
		if (!isnan(x[i]) && !isnan(y[i])) {
			double a = x[i] - mx, b = y[i] - my;
			*sxy += a * b;
			*sxx += a * a;
			*syy += b * b;
		}
	return m;
}

/* Pearson's r over the i where both are available; NaN if undefined. */
static double pearson(const double *x, const double *y, size_t n)
{
	double sxy, sxx, syy;
	if (pair_sums(x, y, n, &sxy, &sxx, &syy) < 2 || !(sxx > 0) ||
	    !(syy > 0))
		return NAN;
	return sxy / sqrt(sxx * syy);
}

double dti_corr_pearson(const double *x, const double *y, size_t n)
{
	return pearson(x, y, n);
}

struct vkey {
	double v;
	size_t i;
};

static int cmp_keyed(const void *a, const void *b)
{
	const struct vkey *x = a, *y = b;
	if (x->v != y->v)
		return x->v < y->v ? -1 : 1;
	return (x->i > y->i) - (x->i < y->i);
}

/* Ranks 1..m of the available values of v (ties averaged), NaN else. */
static int ranks(const double *v, const double *other, size_t n, double *out)
{
	struct vkey *k = malloc((n ? n : 1) * sizeof *k);
	if (!k)
		return -1;
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		out[i] = NAN;
		if (!isnan(v[i]) && !isnan(other[i]))
			k[m++] = (struct vkey){v[i], i};
	}
	qsort(k, m, sizeof *k, cmp_keyed);
	for (size_t a = 0; a < m;) {
		size_t b = a;
		while (b + 1 < m && k[b + 1].v == k[a].v)
			b++;
		double r = ((double)a + (double)b) / 2 + 1;
		for (size_t i = a; i <= b; i++)
			out[k[i].i] = r;
		a = b + 1;
	}
	free(k);
	return 0;
}

double dti_corr_spearman(const double *x, const double *y, size_t n)
{
	double *rx = malloc((n ? n : 1) * sizeof *rx);
	double *ry = malloc((n ? n : 1) * sizeof *ry);
	double r = NAN;
	if (rx && ry && ranks(x, y, n, rx) == 0 && ranks(y, x, n, ry) == 0)
		r = pearson(rx, ry, n);
	free(rx);
	free(ry);
	return r;
}

/* The covariance of x and y over the i where both are available. */
static double cov(const double *x, const double *y, size_t n)
{
	double sxy, sxx, syy;
	size_t m = pair_sums(x, y, n, &sxy, &sxx, &syy);
	return m < 2 ? NAN : sxy / (double)(m - 1);
}

double dti_cronbach_alpha(const double *const *cols, size_t k, size_t n)
{
	if (k < 2)
		return NAN;
	double all = 0, diag = 0;
	for (size_t a = 0; a < k; a++)
		for (size_t b = 0; b < k; b++) {
			double c = cov(cols[a], cols[b], n);
			if (isnan(c))
				continue;
			all += c;
			if (a == b)
				diag += c;
		}
	double kk = (double)k;
	double av = (all - diag) / (kk * (kk - 1));
	return all != 0 ? kk * kk * av / all : NAN;
}

/* ---- columns and matrices ------------------------------------------------ */

void dti_stats_column(const struct dti_result *res, int values, size_t node,
                      double *out)
{
	const struct dti_framework *fw = res->fw;
	for (size_t i = 0; i < res->n; i++)
		out[i] = node >= fw->n ? NAN
		         : values      ? res->value[RES_AT(res, node, i)]
		         : fw->nodes[node].nchildren
		             ? NAN
		             : dti_dataset_get(res->ds, res->cycle,
		                               res->units[i], node);
}

size_t dti_stats_members(const struct dti_framework *fw, size_t node,
                         int values, size_t *out)
{
	if (!fw || node >= fw->n || !fw->nodes[node].nchildren)
		return 0;
	const struct fw_node *nd = &fw->nodes[node];
	size_t m = 0;
	if (values) {
		for (size_t c = 0; c < nd->nchildren; c++)
			if (fw->nodes[nd->children[c]].scored)
				out[m++] = nd->children[c];
		return m;
	}
	/* out marks the nodes below `node`: parents come before their
	   children in the evaluation order read backwards */
	for (size_t k = 0; k < fw->n; k++)
		out[k] = k == node;
	for (size_t o = fw->n; o-- > 0;) {
		const struct fw_node *p = &fw->nodes[fw->order[o]];
		if (out[fw->order[o]])
			for (size_t c = 0; c < p->nchildren; c++)
				out[p->children[c]] = 1;
	}
	/* then holds the indicators among them (m <= k: read before written) */
	for (size_t k = 0; k < fw->n; k++)
		if (out[k] && !fw->nodes[k].nchildren && fw->nodes[k].scored)
			out[m++] = k;
	return m;
}

enum dti_status dti_stats_corr_matrix(const struct dti_result *res, int values,
                                      enum dti_corr_method method, size_t nrows,
                                      const size_t *rows, size_t ncols,
                                      const size_t *cols, double *out,
                                      struct dti_error *err)
{
	if (!res || !out)
		return dti_err_set(err, DTI_EARG, NULL, 0, 0,
		                   res ? "out" : "res", "missing");
	if (method != DTI_CORR_PEARSON && method != DTI_CORR_SPEARMAN)
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, "method",
		                   "%d: expected DTI_CORR_PEARSON or "
		                   "DTI_CORR_SPEARMAN",
		                   (int)method);
	const size_t *list[2] = {rows, cols};
	size_t len[2] = {nrows, ncols};
	for (int l = 0; l < 2; l++) {
		const char *what = l ? "cols" : "rows";
		if (!len[l] || !list[l])
			return dti_err_set(err, DTI_EARG, NULL, 0, 0, what,
			                   "no nodes");
		for (size_t i = 0; i < len[l]; i++)
			if (list[l][i] >= res->fw->n) {
				char f[40];
				snprintf(f, sizeof f, "%s[%zu]", what, i);
				return dti_err_set(
				    err, DTI_EARG, NULL, 0, 0, f,
				    "node %zu: the framework has "
				    "%zu",
				    list[l][i], res->fw->n);
			}
	}
	size_t n = res->n ? res->n : 1;
	double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
	if (!x || !y) {
		free(x);
		free(y);
		return dti_err_nomem(err);
	}
	enum dti_status st = DTI_OK;
	for (size_t i = 0; i < nrows; i++) {
		dti_stats_column(res, values, rows[i], x);
		for (size_t j = 0; j < ncols; j++) {
			dti_stats_column(res, values, cols[j], y);
			double r;
			if (method == DTI_CORR_PEARSON) {
				r = pearson(x, y, res->n);
			} else {
				double *rx = malloc(n * sizeof *rx);
				double *ry = malloc(n * sizeof *ry);
				r = NAN;
				if (!rx || !ry || ranks(x, y, res->n, rx) ||
				    ranks(y, x, res->n, ry))
					st = DTI_ENOMEM;
				else
					r = pearson(rx, ry, res->n);
				free(rx);
				free(ry);
			}
			out[i * ncols + j] = r;
		}
	}
	free(x);
	free(y);
	return st ? dti_err_nomem(err) : DTI_OK;
}

/* ---- the report ---------------------------------------------------------- */

struct rep {
	const struct dti_result *res;
	const struct dti_framework *fw;
	const struct dti_stats_opts *o;
	int vi;
	double *col; /* fw->n columns of res->n values */
	double *eff; /* each node's effective weight in the index */
};

/*
 * The effective weight of every node in the index as the framework sets
 * it (every scored child present): the share of the index one unit of
 * the node's value makes, along every path of arithmetic means (a shared
 * node sums its paths); NaN below another mean.
 */
static void framework_weights(const struct dti_framework *fw, double *eff)
{
	for (size_t k = 0; k < fw->n; k++)
		eff[k] = 0;
	eff[fw->root] = 1;
	for (size_t o = fw->n; o-- > 0;) {
		size_t k = fw->order[o];
		const struct fw_node *nd = &fw->nodes[k];
		if (eff[k] == 0 || !nd->nchildren)
			continue;
		double sum = 0;
		for (size_t c = 0; c < nd->nchildren; c++)
			if (fw->nodes[nd->children[c]].scored)
				sum += nd->child_weights[c];
		for (size_t c = 0; c < nd->nchildren; c++) {
			size_t ch = nd->children[c];
			if (!fw->nodes[ch].scored)
				continue;
			if (isnan(eff[k]) || nd->method != DTI_AGG_ARITH ||
			    !(sum > 0))
				eff[ch] = NAN;
			else if (!isnan(eff[ch]))
				eff[ch] += eff[k] * nd->child_weights[c] / sum;
		}
	}
}

static double *column(struct rep *r, size_t k)
{
	return r->col + k * r->res->n;
}

static int shown(const struct rep *r, size_t k)
{
	return r->o->values || r->fw->nodes[k].nchildren == 0;
}

static const char *nname(const struct rep *r, size_t k)
{
	const struct fw_node *nd = &r->fw->nodes[k];
	const char *s = r->vi ? nd->name_vi : nd->name_en;
	if (!s || !*s)
		s = r->vi ? nd->name_en : nd->name_vi;
	return s && *s ? s : nd->code;
}

static void num(struct dti_buf *b, double v, int vi)
{
	if (isnan(v)) {
		dti_buf_adds(b, "–");
		return;
	}
	char t[64];
	dti_snprintf(t, sizeof t, "%.4g", v);
	if (vi)
		for (char *c = t; *c; c++)
			if (*c == '.')
				*c = ',';
	dti_buf_adds(b, t);
}

static void flags_of(const struct rep *r, const struct dti_col_stats *s,
                     int *low, int *outl)
{
	*low = s->n && (double)s->avail / (double)s->n < r->o->t_avail;
	*outl = !isnan(s->skew) && fabs(s->skew) > r->o->t_skew &&
	        s->kurt > r->o->t_kurt;
}

/* Children of aggregate k whose columns are compared. */
static size_t members(const struct rep *r, size_t k, size_t *out)
{
	const struct fw_node *nd = &r->fw->nodes[k];
	size_t m = 0;
	for (size_t c = 0; c < nd->nchildren; c++) {
		size_t ch = nd->children[c];
		if (shown(r, ch) && r->fw->nodes[ch].scored)
			out[m++] = ch;
	}
	return m;
}

static void write_text(struct rep *r, struct dti_buf *b, size_t *tmp)
{
	int vi = r->vi;
	dti_buf_addf(
	    b, vi ? "%s %s — %zu đơn vị\n\n" : "%s of %s — %zu units\n\n",
	    r->o->values
	        ? (vi ? "Thống kê giá trị" : "Statistics of the values")
	        : (vi ? "Thống kê số liệu" : "Statistics of the figures"),
	    dti_result_cycle(r->res), r->res->n);
	dti_buf_adds(
	    b,
	    vi ? "chỉ số               có  min        max        tb         "
	         "trung vị   đlc        độ lệch    độ nhọn    trọng số   cờ\n"
	       : "indicator           avail min        max        mean       "
	         "median     sd         skew       kurtosis   weight     "
	         "flags\n");
	for (size_t k = 0; k < r->fw->n; k++) {
		if (!shown(r, k))
			continue;
		struct dti_col_stats s;
		if (dti_col_stats(column(r, k), r->res->n, &s))
			return;
		int low, outl;
		flags_of(r, &s, &low, &outl);
		dti_buf_addf(b, "%-18s %3zu/%-3zu", r->fw->nodes[k].code,
		             s.avail, s.n);
		double v[] = {s.min, s.max,  s.mean, s.median,
		              s.sd,  s.skew, s.kurt, r->eff[k]};
		for (size_t i = 0; i < 8; i++) {
			struct dti_buf t = DTI_BUF_INIT;
			num(&t, v[i], vi);
			dti_buf_addf(b, " %-10s", t.data ? t.data : "");
			dti_buf_release(&t);
		}
		if (low)
			dti_buf_adds(b, vi ? " thiếu số liệu"
			                   : " low availability");
		if (outl)
			dti_buf_adds(b, vi ? " có giá trị ngoại lai"
			                   : " outliers");
		dti_buf_addc(b, '\n');
	}
	for (size_t k = 0; k < r->fw->n; k++) {
		size_t m = members(r, k, tmp);
		if (m < 2)
			continue;
		dti_buf_addf(b,
		             vi ? "\n%s (%s): tương quan giữa các chỉ số con\n"
		                : "\n%s (%s): correlations of its children\n",
		             nname(r, k), r->fw->nodes[k].code);
		for (size_t a = 0; a < m; a++)
			for (size_t c = a + 1; c < m; c++) {
				double p =
				    pearson(column(r, tmp[a]),
				            column(r, tmp[c]), r->res->n);
				double sp = dti_corr_spearman(column(r, tmp[a]),
				                              column(r, tmp[c]),
				                              r->res->n);
				dti_buf_addf(b, "  %-18s %-18s ",
				             r->fw->nodes[tmp[a]].code,
				             r->fw->nodes[tmp[c]].code);
				num(b, p, vi);
				dti_buf_adds(b, " (Spearman ");
				num(b, sp, vi);
				dti_buf_adds(b, ")");
				if (p > r->o->t_collinear)
					dti_buf_adds(
					    b, vi ? "  rất cao: gần trùng lặp"
					          : "  very high: nearly the "
					            "same");
				else if (p < 0)
					dti_buf_adds(b, vi ? "  âm"
					                   : "  negative");
				dti_buf_addc(b, '\n');
			}
		const double **cols = malloc(m * sizeof *cols);
		if (!cols)
			return;
		for (size_t a = 0; a < m; a++)
			cols[a] = column(r, tmp[a]);
		dti_buf_adds(b, "  Cronbach's alpha: ");
		num(b, dti_cronbach_alpha(cols, m, r->res->n), vi);
		dti_buf_addc(b, '\n');
		free(cols);
		if (!r->o->values)
			continue;
		dti_buf_addf(b,
		             vi ? "  tương quan với %s:\n"
		                : "  correlation with %s:\n",
		             r->fw->nodes[k].code);
		for (size_t a = 0; a < m; a++) {
			double p =
			    pearson(column(r, tmp[a]), column(r, k), r->res->n);
			dti_buf_addf(b, "    %-18s ",
			             r->fw->nodes[tmp[a]].code);
			num(b, p, vi);
			if (p < 0)
				dti_buf_adds(b, vi ? "  âm" : "  negative");
			dti_buf_addc(b, '\n');
		}
	}
}

static void write_json(struct rep *r, struct dti_buf *b, size_t *tmp)
{
	struct dti_json j;
	dti_json_init(&j, b);
	dti_json_object_begin(&j);
	dti_json_key(&j, "cycle");
	dti_json_string(&j, dti_result_cycle(r->res));
	dti_json_key(&j, "of");
	dti_json_string(&j, r->o->values ? "values" : "figures");
	dti_json_key(&j, "units");
	dti_json_int(&j, (long long)r->res->n);
	dti_json_key(&j, "indicators");
	dti_json_array_begin(&j);
	for (size_t k = 0; k < r->fw->n; k++) {
		if (!shown(r, k))
			continue;
		struct dti_col_stats s;
		if (dti_col_stats(column(r, k), r->res->n, &s))
			return;
		int low, outl;
		flags_of(r, &s, &low, &outl);
		dti_json_object_begin(&j);
		dti_json_key(&j, "code");
		dti_json_string(&j, r->fw->nodes[k].code);
		dti_json_key(&j, "available");
		dti_json_int(&j, (long long)s.avail);
		eng_json_num(&j, "min", s.min);
		eng_json_num(&j, "max", s.max);
		eng_json_num(&j, "mean", s.mean);
		eng_json_num(&j, "median", s.median);
		eng_json_num(&j, "sd", s.sd);
		eng_json_num(&j, "skew", s.skew);
		eng_json_num(&j, "kurtosis", s.kurt);
		dti_json_key(&j, "nonzero");
		dti_json_int(&j, (long long)s.nonzero);
		dti_json_key(&j, "unique");
		dti_json_int(&j, (long long)s.unique);
		dti_json_key(&j, "same");
		dti_json_int(&j, (long long)s.same);
		dti_json_key(&j, "low_availability");
		dti_json_bool(&j, low);
		dti_json_key(&j, "outliers");
		dti_json_bool(&j, outl);
		eng_json_num(&j, "weight_in_index", r->eff[k]);
		dti_json_object_end(&j);
	}
	dti_json_array_end(&j);
	dti_json_key(&j, "aggregates");
	dti_json_array_begin(&j);
	for (size_t k = 0; k < r->fw->n; k++) {
		size_t m = members(r, k, tmp);
		if (m < 2)
			continue;
		dti_json_object_begin(&j);
		dti_json_key(&j, "code");
		dti_json_string(&j, r->fw->nodes[k].code);
		const double **cols = malloc(m * sizeof *cols);
		if (!cols)
			return;
		for (size_t a = 0; a < m; a++)
			cols[a] = column(r, tmp[a]);
		eng_json_num(&j, "cronbach_alpha",
		             dti_cronbach_alpha(cols, m, r->res->n));
		free(cols);
		dti_json_key(&j, "correlations");
		dti_json_array_begin(&j);
		for (size_t a = 0; a < m; a++)
			for (size_t c = a + 1; c < m; c++) {
				double p =
				    pearson(column(r, tmp[a]),
				            column(r, tmp[c]), r->res->n);
				dti_json_object_begin(&j);
				dti_json_key(&j, "a");
				dti_json_string(&j, r->fw->nodes[tmp[a]].code);
				dti_json_key(&j, "b");
				dti_json_string(&j, r->fw->nodes[tmp[c]].code);
				eng_json_num(&j, "pearson", p);
				eng_json_num(&j, "spearman",
				             dti_corr_spearman(
				                 column(r, tmp[a]),
				                 column(r, tmp[c]), r->res->n));
				dti_json_key(&j, "flag");
				if (p > r->o->t_collinear)
					dti_json_string(&j, "collinear");
				else if (p < 0)
					dti_json_string(&j, "negative");
				else
					dti_json_null(&j);
				dti_json_object_end(&j);
			}
		dti_json_array_end(&j);
		if (r->o->values) {
			/* each child with the aggregate (COINr's withparent) */
			dti_json_key(&j, "with_parent");
			dti_json_array_begin(&j);
			for (size_t a = 0; a < m; a++) {
				dti_json_object_begin(&j);
				dti_json_key(&j, "code");
				dti_json_string(&j, r->fw->nodes[tmp[a]].code);
				eng_json_num(&j, "pearson",
				             pearson(column(r, tmp[a]),
				                     column(r, k), r->res->n));
				eng_json_num(
				    &j, "spearman",
				    dti_corr_spearman(column(r, tmp[a]),
				                      column(r, k), r->res->n));
				dti_json_object_end(&j);
			}
			dti_json_array_end(&j);
		}
		dti_json_object_end(&j);
	}
	dti_json_array_end(&j);
	dti_json_object_end(&j);
	dti_buf_addc(b, '\n');
}

static void write_csv(struct rep *r, struct dti_buf *b)
{
	dti_buf_adds(b, "code,available,units,min,max,mean,median,sd,skew,"
	                "kurtosis,nonzero,unique,same,low_availability,"
	                "outliers,weight_in_index\n");
	for (size_t k = 0; k < r->fw->n; k++) {
		if (!shown(r, k))
			continue;
		struct dti_col_stats s;
		if (dti_col_stats(column(r, k), r->res->n, &s))
			return;
		int low, outl;
		flags_of(r, &s, &low, &outl);
		dti_csv_cell(b, r->fw->nodes[k].code);
		dti_buf_addf(b, ",%zu,%zu", s.avail, s.n);
		double v[] = {s.min, s.max,  s.mean, s.median,
		              s.sd,  s.skew, s.kurt};
		for (size_t i = 0; i < 7; i++) {
			dti_buf_addc(b, ',');
			if (!isnan(v[i]))
				dti_buf_add_shortest(b, v[i]);
		}
		dti_buf_addf(b, ",%zu,%zu,%zu,%d,%d,", s.nonzero, s.unique,
		             s.same, low, outl);
		if (!isnan(r->eff[k]))
			dti_buf_add_shortest(b, r->eff[k]);
		dti_buf_addc(b, '\n');
	}
}

enum dti_status dti_stats_write(const struct dti_result *res,
                                const struct dti_stats_opts *o,
                                enum dti_format format, enum dti_lang lang,
                                struct dti_buf *out, struct dti_error *err)
{
	struct dti_stats_opts def;
	if (!o) {
		dti_stats_opts_init(&def);
		o = &def;
	}
	struct rep r = {res, res->fw, o, lang == DTI_LANG_VI, NULL, NULL};
	size_t n = res->n ? res->n : 1;
	r.col = malloc(r.fw->n * n * sizeof *r.col);
	size_t *tmp = malloc((r.fw->n ? r.fw->n : 1) * sizeof *tmp);
	r.eff = malloc((r.fw->n ? r.fw->n : 1) * sizeof *r.eff);
	if (!r.col || !tmp || !r.eff) {
		free(r.col);
		free(tmp);
		free(r.eff);
		return dti_err_nomem(err);
	}
	framework_weights(r.fw, r.eff);
	for (size_t k = 0; k < r.fw->n; k++)
		dti_stats_column(res, o->values, k, column(&r, k));
	if (format == DTI_FORMAT_JSON)
		write_json(&r, out, tmp);
	else if (format == DTI_FORMAT_CSV)
		write_csv(&r, out);
	else
		write_text(&r, out, tmp);
	free(r.col);
	free(tmp);
	free(r.eff);
	return dti_buf_status(out) ? dti_err_nomem(err) : DTI_OK;
}
