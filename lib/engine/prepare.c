/*
 * lib/engine/prepare.c - the data steps before normalisation: denominate,
 * impute, screen, treat outliers (see dti/prepare.h for what each does).
 *
 * The cycle's figures are copied into a matrix (units present x leaves),
 * changed step by step there, and written into a new dataset.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/base.h"
#include "dti/prepare.h"
#include "dti/stats.h"
#include "dti/text.h"
#include "engine/model.h"

void dti_prep_opts_init(struct dti_prep_opts *o)
{
	memset(o, 0, sizeof *o);
	o->winmax = 5;
	o->skew_limit = 2;
	o->kurt_limit = 3.5;
}

static const char *const impute_names[] = {
    "none",     "mean",       "median", "group-mean", "group-median",
    "row-mean", "row-median", "latest", "constant",   "linear"};
#define NIMPUTE (sizeof impute_names / sizeof *impute_names)

int dti_impute_parse(const char *name)
{
	for (size_t i = 0; i < NIMPUTE; i++)
		if (name && dti_streq_ci(name, impute_names[i]))
			return (int)i;
	return -1;
}

static int is_row(enum dti_impute m)
{
	return m == DTI_IMPUTE_ROW_MEAN || m == DTI_IMPUTE_ROW_MEDIAN;
}

static int is_panel(enum dti_impute m)
{
	return m == DTI_IMPUTE_LATEST || m == DTI_IMPUTE_CONSTANT ||
	       m == DTI_IMPUTE_LINEAR;
}

/* A whole number from lo to 1000000, else -1. */
static long whole(const char *v, long lo)
{
	double x;
	if (dti_parse_double(v, &x) || x != floor(x) || x < (double)lo ||
	    x > 1000000)
		return -1;
	return (long)x;
}

enum dti_status dti_impute_set(struct dti_prep_opts *o, const char *method,
                               const char *arg, struct dti_error *err)
{
	int how = dti_impute_parse(method);
	int has = arg && *arg;
	if (how < 0)
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, "impute",
		                   "unknown imputation method '%s'",
		                   method ? method : "");
	enum dti_impute m = (enum dti_impute)how;
	int grouped =
	    m == DTI_IMPUTE_GROUP_MEAN || m == DTI_IMPUTE_GROUP_MEDIAN;
	long n = 0;
	if (grouped && !has)
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, "impute",
		                   "%s needs a group column", impute_names[m]);
	if (is_row(m) && has && (n = whole(arg, 2)) < 0)
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, "impute",
		                   "%s: the level '%s' must be a whole number, "
		                   "2 or more (2: each indicator's parent)",
		                   impute_names[m], arg);
	if (m == DTI_IMPUTE_LATEST && has && (n = whole(arg, 1)) < 0)
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, "impute",
		                   "latest: the cycles back '%s' must be a "
		                   "whole number, 1 or more",
		                   arg);
	if (has && !grouped && !is_row(m) && m != DTI_IMPUTE_LATEST)
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, "impute",
		                   "%s takes nothing after it ('%s')",
		                   impute_names[m], arg);
	o->impute = m;
	o->impute_group = grouped ? arg : NULL;
	o->impute_level = is_row(m) ? (int)n : 0;
	o->impute_max = m == DTI_IMPUTE_LATEST ? (int)n : 0;
	return DTI_OK;
}

int dti_prep_node_treat(const struct dti_framework *fw, size_t node,
                        struct dti_treat_override *out)
{
	if (node >= fw->n || !fw->nodes[node].treat_text)
		return 0;
	struct dti_error err = DTI_ERROR_INIT;
	/* checked when the framework was read */
	enum dti_status st =
	    dti_treat_override_parse(fw->nodes[node].treat_text, out, &err);
	dti_error_release(&err);
	return st == DTI_OK;
}

int dti_prep_any(const struct dti_prep_opts *o)
{
	return o->denominate || o->impute != DTI_IMPUTE_NONE ||
	       o->screen_avail > 0 || o->screen_nonzero > 0 || o->treat;
}

/* A number in [lo, hi] (lo excluded when open) from metadata. */
static enum dti_status meta_number(const struct dti_framework *fw,
                                   const char *key, double lo, double hi,
                                   int open, double *out, struct dti_error *err)
{
	const char *v = dti_framework_meta(fw, key);
	if (!v)
		return DTI_OK;
	double x;
	if (dti_parse_double(v, &x) || (open ? !(x > lo) : !(x >= lo)) ||
	    !(x <= hi))
		return dti_err_set(err, DTI_EINVALID, NULL, 0, 0, key,
		                   "'%s': expected a number %s %g%s%g", v,
		                   open ? "above" : "from", lo,
		                   isinf(hi) ? "" : " to ", isinf(hi) ? 0 : hi);
	*out = x;
	return DTI_OK;
}

enum dti_status dti_prep_opts_from_framework(const struct dti_framework *fw,
                                             struct dti_prep_opts *o,
                                             struct dti_error *err)
{
	const char *v;
	int b;
	if ((v = dti_framework_meta(fw, "denominate"))) {
		if (eng_yes_no(v, &b))
			return dti_err_set(err, DTI_EINVALID, NULL, 0, 0,
			                   "denominate",
			                   "'%s': expected yes or no", v);
		o->denominate = b;
	}
	if ((v = dti_framework_meta(fw, "impute"))) {
		/* "METHOD" or "METHOD ARGUMENT" */
		size_t n = strcspn(v, " \t");
		char m[32];
		dti_snprintf(m, sizeof m, "%.*s", (int)(n < 31 ? n : 31), v);
		const char *g = v + n;
		while (*g == ' ' || *g == '\t')
			g++;
		struct dti_error e = DTI_ERROR_INIT;
		if (n >= 31 || dti_impute_set(o, m, g, &e)) {
			dti_err_set(err, DTI_EINVALID, NULL, 0, 0, "impute",
			            "'%s': %s%sexpected none, mean, median, "
			            "group-mean GROUP, group-median GROUP, "
			            "row-mean [LEVEL], row-median [LEVEL], "
			            "latest [CYCLES], constant or linear",
			            v, e.message, e.message[0] ? "; " : "");
			dti_error_release(&e);
			return DTI_EINVALID;
		}
	}
	double x = o->screen_avail;
	enum dti_status st = meta_number(fw, "screen", 0, 1, 0, &x, err);
	if (st)
		return st;
	o->screen_avail = x;
	x = o->screen_nonzero;
	if ((st = meta_number(fw, "screen.nonzero", 0, 1, 0, &x, err)))
		return st;
	o->screen_nonzero = x;
	if ((v = dti_framework_meta(fw, "treat"))) {
		if (eng_yes_no(v, &b))
			return dti_err_set(err, DTI_EINVALID, NULL, 0, 0,
			                   "treat", "'%s': expected yes or no",
			                   v);
		o->treat = b;
	}
	x = o->winmax;
	if ((st = meta_number(fw, "treat.winmax", 1, 1000000, 0, &x, err)))
		return st;
	if (x != floor(x))
		return dti_err_set(err, DTI_EINVALID, NULL, 0, 0,
		                   "treat.winmax", "expected a whole number");
	o->winmax = (int)x;
	if ((st = meta_number(fw, "treat.skew", 0, INFINITY, 1, &o->skew_limit,
	                      err)))
		return st;
	if ((st = meta_number(fw, "treat.kurtosis", 0, INFINITY, 1,
	                      &o->kurt_limit, err)))
		return st;
	if ((v = dti_framework_meta(fw, "treat.fallback")) &&
	    dti_fallback_parse(v, &o->fallback, &o->lambda))
		return dti_err_set(err, DTI_EINVALID, NULL, 0, 0,
		                   "treat.fallback",
		                   "'%s': expected log_CT, log_CT_plus, "
		                   "log_CT_orig, none or boxcox and a lambda",
		                   v);
	if ((v = dti_framework_meta(fw, "treat.force"))) {
		if (eng_yes_no(v, &b))
			return dti_err_set(err, DTI_EINVALID, NULL, 0, 0,
			                   "treat.force",
			                   "'%s': expected yes or no", v);
		o->force_win = b;
	}
	return DTI_OK;
}

/* The state of one run. */
struct prep {
	const struct dti_framework *fw;
	const struct dti_dataset *ds;
	size_t cycle;
	const struct dti_prep_opts *o;
	struct dti_error *err;
	size_t nu, nk;                  /* units present, indicators */
	size_t *unit;                   /* [nu] input unit */
	size_t *node;                   /* [nk] leaf node */
	double *x;                      /* [nk][nu] column by indicator */
	int *kept;                      /* [nu] */
	struct dti_prep_indicator *ind; /* [nk] */
};

static double *col(struct prep *p, size_t k)
{
	return p->x + k * p->nu;
}

/* ---- 1. denominate ------------------------------------------------------ */

/* The auxiliary dimension named name (exactly, else ignoring case). */
static const char *aux_dim(const struct dti_dataset *ds, const char *name,
                           size_t len)
{
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < ds->nauxdims; i++) {
			const char *d = ds->auxdims[i];
			if (strlen(d) != len)
				continue;
			if (pass ? strncasecmp(d, name, len) == 0
			         : strncmp(d, name, len) == 0)
				return d;
		}
	return NULL;
}

/* Divides the figures x ([nk][nu], of cycle `cycle`) by their
   denominators; counted in the report when count. */
static enum dti_status denominate(struct prep *p, size_t cycle, double *x,
                                  int count)
{
	for (size_t k = 0; k < p->nk; k++) {
		const struct fw_node *nd = &p->fw->nodes[p->node[k]];
		const char *den = nd->denominator;
		if (!den || !*den)
			continue;
		/* "NAME" or "NAME*FACTOR" */
		const char *star = strchr(den, '*');
		size_t len = star ? (size_t)(star - den) : strlen(den);
		while (len && den[len - 1] == ' ')
			len--;
		double factor = 1;
		char ft[64] = "";
		if (star)
			dti_snprintf(ft, sizeof ft, "%s", star + 1);
		if (star && (dti_parse_double(dti_trim(ft), &factor) ||
		             !(factor > 0) || !isfinite(factor)))
			return dti_err_set(
			    p->err, DTI_EINVALID, NULL, 0, 0, nd->code,
			    "denominator '%s': the factor after '*' must be a "
			    "positive number",
			    den);
		const char *dim = aux_dim(p->ds, den, len);
		if (!dim)
			return dti_err_set(p->err, DTI_ENOTFOUND, NULL, 0, 0,
			                   nd->code,
			                   "denominator '%.*s' is not a column "
			                   "of the data",
			                   (int)len, den);
		double *c = x + k * p->nu;
		for (size_t i = 0; i < p->nu; i++) {
			if (isnan(c[i]))
				continue;
			double d =
			    dti_dataset_aux(p->ds, cycle, p->unit[i], dim);
			if (isnan(d) || d == 0) {
				c[i] = NAN;
				continue;
			}
			c[i] = c[i] / d * factor;
			if (count)
				p->ind[k].denominated++;
		}
	}
	return DTI_OK;
}

/* ---- 2. impute ---------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Mean or median of the available v[0..n); NaN if none.  tmp: n doubles. */
static double centre(const double *v, size_t n, int median, double *tmp)
{
	size_t m = 0;
	double sum = 0;
	for (size_t i = 0; i < n; i++)
		if (!isnan(v[i])) {
			tmp[m++] = v[i];
			sum += v[i];
		}
	if (!m)
		return NAN;
	if (!median)
		return sum / (double)m;
	qsort(tmp, m, sizeof *tmp, cmp_double);
	return m % 2 ? tmp[m / 2] : (tmp[m / 2 - 1] + tmp[m / 2]) / 2;
}

/* R's mean(): a long double sum, then its correction by the mean
   residual (as COINr's i_mean gets it). */
static double r_mean(const double *v, size_t n)
{
	long double s = 0;
	for (size_t i = 0; i < n; i++)
		s += v[i];
	s /= (long double)n;
	if (isfinite((double)s)) {
		long double t = 0;
		for (size_t i = 0; i < n; i++)
			t += v[i] - s;
		s += t / (long double)n;
	}
	return (double)s;
}

/* R's mean or median of the available v[0..n); NaN if none. */
static double r_centre(const double *v, size_t n, int median, double *tmp)
{
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (!isnan(v[i]))
			tmp[m++] = v[i];
	if (!m)
		return NAN;
	if (!median)
		return r_mean(tmp, m);
	qsort(tmp, m, sizeof *tmp, cmp_double);
	return m % 2 ? tmp[m / 2] : r_mean(tmp + m / 2 - 1, 2);
}

/* The ancestor of node n at level `level` (by first parents). */
static size_t ancestor(const struct dti_framework *fw, size_t n, int level)
{
	while (fw->nodes[n].level < level && fw->nodes[n].nparents)
		n = fw->nodes[n].parents[0];
	return n;
}

/*
 * By row, as COINr's Impute(impute_by = "row", group_level, normalise_first
 * = TRUE): z = (d x - min) / (max - min) per indicator (d its polarity,
 * min and max of d x over the units), the centre of the unit's z in the
 * aggregate, and back: (z (max - min) + min) d.
 */
static enum dti_status impute_row(struct prep *p)
{
	int level = p->o->impute_level ? p->o->impute_level : 2;
	int median = p->o->impute == DTI_IMPUTE_ROW_MEDIAN;
	size_t nu = p->nu, nk = p->nk;
	size_t *grp = malloc((nk ? nk : 1) * sizeof *grp);
	double *z = malloc((nk && nu ? nk * nu : 1) * sizeof *z);
	double *lo = malloc((nk ? nk : 1) * sizeof *lo);
	double *hi = malloc((nk ? nk : 1) * sizeof *hi);
	double *row = malloc((nk ? nk : 1) * sizeof *row);
	double *tmp = malloc((nk ? nk : 1) * sizeof *tmp);
	if (!grp || !z || !lo || !hi || !row || !tmp) {
		free(grp);
		free(z);
		free(lo);
		free(hi);
		free(row);
		free(tmp);
		return dti_err_nomem(p->err);
	}
	for (size_t k = 0; k < nk; k++) {
		const struct fw_node *nd = &p->fw->nodes[p->node[k]];
		double d = nd->polarity < 0 ? -1 : 1;
		grp[k] = ancestor(p->fw, p->node[k], level);
		const double *c = col(p, k);
		lo[k] = hi[k] = NAN;
		for (size_t i = 0; i < nu; i++) {
			double v = c[i] * d;
			if (isnan(v))
				continue;
			if (isnan(lo[k]) || v < lo[k])
				lo[k] = v;
			if (isnan(hi[k]) || v > hi[k])
				hi[k] = v;
		}
		for (size_t i = 0; i < nu; i++)
			z[k * nu + i] = (c[i] * d - lo[k]) / (hi[k] - lo[k]);
	}
	for (size_t i = 0; i < nu; i++)
		for (size_t k = 0; k < nk; k++) {
			double *c = col(p, k);
			if (!isnan(c[i]))
				continue;
			size_t m = 0;
			for (size_t j = 0; j < nk; j++)
				if (grp[j] == grp[k])
					row[m++] = z[j * nu + i];
			double v = r_centre(row, m, median, tmp);
			double d =
			    p->fw->nodes[p->node[k]].polarity < 0 ? -1 : 1;
			v = (v * (hi[k] - lo[k]) + lo[k]) * d;
			if (isnan(v))
				continue;
			c[i] = v;
			p->ind[k].imputed++;
		}
	free(grp);
	free(z);
	free(lo);
	free(hi);
	free(row);
	free(tmp);
	return DTI_OK;
}

/*
 * The dataset's cycles in time order (order[0] the earliest), and each
 * one's time t[c]: its label's number when every label is a number,
 * else its position; the labels not numbers go shorter first, then
 * alphabetically.
 */
static void cycle_times(const struct dti_dataset *ds, size_t *order, double *t)
{
	size_t nc = ds->ncycles;
	int numeric = 1;
	for (size_t c = 0; c < nc; c++) {
		order[c] = c;
		if (dti_parse_double(ds->cycles[c].label, &t[c]) ||
		    !isfinite(t[c]))
			numeric = 0;
	}
	for (size_t a = 1; a < nc; a++)
		for (size_t b = a; b > 0; b--) {
			size_t x = order[b - 1], y = order[b];
			const char *lx = ds->cycles[x].label;
			const char *ly = ds->cycles[y].label;
			int after;
			if (numeric && t[x] != t[y])
				after = t[x] > t[y];
			else if (!numeric && strlen(lx) != strlen(ly))
				after = strlen(lx) > strlen(ly);
			else
				after = strcmp(lx, ly) > 0 ||
				        (strcmp(lx, ly) == 0 && x > y);
			if (!after)
				break;
			order[b - 1] = y;
			order[b] = x;
		}
	if (!numeric)
		for (size_t i = 0; i < nc; i++)
			t[order[i]] = (double)i;
}

/* By panel, as COINr's impute_panel(imp_type = "latest" with max_time,
   "constant", "linear-constant"): see dti/prepare.h. */
static enum dti_status impute_panel(struct prep *p)
{
	const struct dti_dataset *ds = p->ds;
	enum dti_impute how = p->o->impute;
	size_t nc = ds->ncycles, nu = p->nu, nk = p->nk, per = nu * nk;
	size_t *order = malloc(nc * sizeof *order);
	double *t = malloc(nc * sizeof *t);
	double *all = malloc((per ? per * nc : 1) * sizeof *all);
	enum dti_status st = DTI_OK;
	if (!order || !t || !all) {
		st = dti_err_nomem(p->err);
		goto out;
	}
	cycle_times(ds, order, t);
	/* every cycle's figures (denominated), before any is imputed */
	for (size_t c = 0; c < nc && !st; c++) {
		double *x = all + c * per;
		if (c == p->cycle) {
			memcpy(x, p->x, per * sizeof *x);
			continue;
		}
		for (size_t k = 0; k < nk; k++)
			for (size_t i = 0; i < nu; i++)
				x[k * nu + i] = dti_dataset_get(
				    ds, c, p->unit[i], p->node[k]);
		if (p->o->denominate)
			st = denominate(p, c, x, 0);
	}
	size_t pos = 0;
	while (order[pos] != p->cycle)
		pos++;
	size_t back = pos;
	if (how == DTI_IMPUTE_LATEST && p->o->impute_max > 0 &&
	    (size_t)p->o->impute_max < back)
		back = (size_t)p->o->impute_max;
	for (size_t k = 0; k < nk && !st; k++) {
		struct dti_prep_indicator *r = &p->ind[k];
		double *c = col(p, k);
		for (size_t i = 0; i < nu; i++) {
			if (!isnan(c[i]))
				continue;
			/* the nearest figures before and after */
			long before = -1, after = -1;
			for (size_t b = 1; b <= back && before < 0; b++) {
				size_t cy = order[pos - b];
				if (!isnan(all[cy * per + k * nu + i]))
					before = (long)cy;
			}
			for (size_t a = pos + 1;
			     a < nc && after < 0 && how != DTI_IMPUTE_LATEST;
			     a++) {
				size_t cy = order[a];
				if (!isnan(all[cy * per + k * nu + i]))
					after = (long)cy;
			}
			if (before < 0 && after < 0)
				continue;
			double yb =
			    before < 0 ? NAN
			               : all[(size_t)before * per + k * nu + i];
			double ya = after < 0
			                ? NAN
			                : all[(size_t)after * per + k * nu + i];
			long from = before >= 0 ? before : after;
			double v = before >= 0 ? yb : ya;
			if (how == DTI_IMPUTE_LINEAR && before >= 0 &&
			    after >= 0) {
				double x0 = t[before], x1 = t[after];
				v = yb + (ya - yb) *
				             ((t[p->cycle] - x0) / (x1 - x0));
				from = -1;
			}
			if (!r->from_unit) {
				r->from_unit = malloc((nu ? nu : 1) *
				                      sizeof *r->from_unit);
				r->from_cycle = malloc((nu ? nu : 1) *
				                       sizeof *r->from_cycle);
				if (!r->from_unit || !r->from_cycle) {
					st = dti_err_nomem(p->err);
					break;
				}
			}
			c[i] = v;
			r->imputed++;
			r->from_unit[r->nfrom] = p->unit[i];
			r->from_cycle[r->nfrom] = from;
			r->nfrom++;
		}
	}
out:
	free(order);
	free(t);
	free(all);
	return st;
}

static enum dti_status impute(struct prep *p)
{
	enum dti_impute how = p->o->impute;
	if (is_row(how))
		return impute_row(p);
	if (is_panel(how))
		return impute_panel(p);
	int median = how == DTI_IMPUTE_MEDIAN || how == DTI_IMPUTE_GROUP_MEDIAN;
	int grouped =
	    how == DTI_IMPUTE_GROUP_MEAN || how == DTI_IMPUTE_GROUP_MEDIAN;
	double *tmp = malloc((p->nu ? p->nu : 1) * sizeof *tmp);
	double *sub = malloc((p->nu ? p->nu : 1) * sizeof *sub);
	if (!tmp || !sub) {
		free(tmp);
		free(sub);
		return dti_err_nomem(p->err);
	}
	for (size_t k = 0; k < p->nk; k++) {
		double *c = col(p, k);
		double all = grouped ? NAN : centre(c, p->nu, median, tmp);
		for (size_t i = 0; i < p->nu; i++) {
			if (!isnan(c[i]))
				continue;
			double v = all;
			if (grouped) {
				const char *g = dti_dataset_group(
				    p->ds, p->unit[i], p->o->impute_group);
				size_t m = 0;
				for (size_t j = 0; g && j < p->nu; j++) {
					const char *h = dti_dataset_group(
					    p->ds, p->unit[j],
					    p->o->impute_group);
					if (h && strcmp(g, h) == 0)
						sub[m++] = c[j];
				}
				v = centre(sub, m, median, tmp);
			}
			if (isnan(v))
				continue;
			c[i] = v;
			p->ind[k].imputed++;
		}
		/* the figures imputed are not the sources of later ones:
		   COINr imputes each missing figure from those given */
	}
	free(tmp);
	free(sub);
	return DTI_OK;
}

/* ---- 3. screen ---------------------------------------------------------- */

static enum dti_status screen(struct prep *p, struct dti_prep_report *rep)
{
	size_t nkept = 0;
	for (size_t i = 0; i < p->nu; i++) {
		size_t have = 0, zero = 0;
		for (size_t k = 0; k < p->nk; k++) {
			double v = col(p, k)[i];
			have += !isnan(v);
			zero += v == 0;
		}
		double avail = p->nk ? (double)have / (double)p->nk : 0;
		double nonzero = p->nk ? 1 - (double)zero / (double)p->nk : 0;
		int keep = 1;
		if (p->o->screen_avail > 0 && avail < p->o->screen_avail)
			keep = 0;
		if (p->o->screen_nonzero > 0 && nonzero < p->o->screen_nonzero)
			keep = 0;
		p->kept[i] = keep;
		nkept += (size_t)keep;
		if (rep) {
			rep->avail[i] = avail;
			rep->nonzero[i] = nonzero;
		}
	}
	if (!nkept)
		return dti_err_set(p->err, DTI_EINVALID, NULL, 0, 0, NULL,
		                   "screening leaves no unit (availability "
		                   "threshold %g, non-zero threshold %g)",
		                   p->o->screen_avail, p->o->screen_nonzero);
	return DTI_OK;
}

/* ---- 4. treat ----------------------------------------------------------- */

/* The settings an indicator is treated with. */
struct tspec {
	int winmax;
	double skew, kurt;
	enum dti_fallback fallback;
	double lambda;
	int force;
};

/* Skew and kurtosis of the kept units' figures; 1 if within the limits. */
static int check(struct prep *p, const struct tspec *t, const double *c,
                 double *skew, double *kurt, double *tmp)
{
	size_t m = 0;
	for (size_t i = 0; i < p->nu; i++)
		tmp[m++] = p->kept[i] ? c[i] : NAN;
	struct dti_col_stats s;
	if (dti_col_stats(tmp, m, &s))
		return -1;
	*skew = s.skew;
	*kurt = s.kurt;
	if (isnan(s.skew) || isnan(s.kurt))
		return 1; /* too few figures, or all the same: nothing to do */
	return fabs(s.skew) < t->skew || s.kurt < t->kurt;
}

/*
 * The fallback on the figures as they were (c); its treatment, or -1 when
 * a Box-Cox gives a figure beyond a double (an error is set).
 */
static int fallback(struct prep *p, size_t k, const struct tspec *t, double *c,
                    double skew0)
{
	double lo = INFINITY, hi = -INFINITY;
	for (size_t i = 0; i < p->nu; i++)
		if (p->kept[i] && !isnan(c[i])) {
			lo = c[i] < lo ? c[i] : lo;
			hi = c[i] > hi ? c[i] : hi;
		}
	double a = 0.01 * (hi - lo);
	int neg = t->fallback == DTI_FALLBACK_LOG_CT_PLUS && !(skew0 > 0);
	for (size_t i = 0; i < p->nu; i++) {
		if (!p->kept[i] || isnan(c[i]))
			continue;
		double x = c[i], y;
		switch (t->fallback) {
		case DTI_FALLBACK_LOG_CT_ORIG: x = log(x - lo + 1); break;
		case DTI_FALLBACK_BOXCOX:
			y = x - lo + 1;
			x = t->lambda == 0
			        ? log(y)
			        : (pow(y, t->lambda) - 1) / t->lambda;
			break;
		default: x = neg ? -log(hi + a - x) : log(x - lo + a); break;
		}
		if (!isfinite(x)) {
			dti_err_set(p->err, DTI_EINVALID, NULL, 0, 0,
			            p->fw->nodes[p->node[k]].code,
			            "Box-Cox with lambda %g makes %g too large "
			            "for a number; take a smaller lambda",
			            t->lambda, c[i]);
			return -1;
		}
		c[i] = x;
	}
	switch (t->fallback) {
	case DTI_FALLBACK_LOG_CT_ORIG: return DTI_TREAT_LOG_ORIG;
	case DTI_FALLBACK_BOXCOX: return DTI_TREAT_BOXCOX;
	default: return neg ? DTI_TREAT_LOG_NEG : DTI_TREAT_LOG;
	}
}

static enum dti_status treat_one(struct prep *p, size_t k,
                                 const struct tspec *t, double *tmp, double *w)
{
	struct dti_prep_indicator *r = &p->ind[k];
	double *c = col(p, k);
	r->skew1 = r->kurt1 = NAN;
	int pass = check(p, t, c, &r->skew0, &r->kurt0, tmp);
	if (pass < 0)
		return dti_err_nomem(p->err);
	r->pass = pass;
	if (pass)
		return DTI_OK;
	size_t wmax = (size_t)t->winmax;
	r->win_units = malloc((p->nu ? p->nu : 1) * sizeof *r->win_units);
	r->win_from = malloc((p->nu ? p->nu : 1) * sizeof *r->win_from);
	unsigned char *done = calloc(p->nu ? p->nu : 1, 1);
	if (!r->win_units || !r->win_from || !done) {
		free(done);
		return dti_err_nomem(p->err);
	}
	memcpy(w, c, p->nu * sizeof *w);
	double skew = r->skew0, kurt = r->kurt0;
	while ((!pass || t->force) && r->nwin < wmax) {
		/* the points at the highest value (lowest for a negative
		   skew) take the next value; a step may treat several equal
		   points, and a point counts once however often treated */
		int high = !(skew < 0);
		double ext = NAN, next = NAN;
		for (size_t i = 0; i < p->nu; i++)
			if (p->kept[i] && !isnan(w[i]) &&
			    (isnan(ext) || (high ? w[i] > ext : w[i] < ext)))
				ext = w[i];
		for (size_t i = 0; i < p->nu; i++)
			if (p->kept[i] && !isnan(w[i]) && w[i] != ext &&
			    (isnan(next) || (high ? w[i] > next : w[i] < next)))
				next = w[i];
		if (isnan(next))
			break; /* all the same */
		for (size_t i = 0; i < p->nu; i++) {
			if (!p->kept[i] || w[i] != ext)
				continue;
			if (!done[i]) {
				done[i] = 1;
				r->win_units[r->nwin] = p->unit[i];
				r->win_from[r->nwin] = c[i];
				r->nwin++;
			}
			w[i] = next;
		}
		pass = check(p, t, w, &skew, &kurt, tmp);
		if (pass < 0) {
			free(done);
			return dti_err_nomem(p->err);
		}
	}
	free(done);
	if (pass || t->fallback == DTI_FALLBACK_NONE) {
		/* passed, or no fallback: the winsorised figures stay */
		memcpy(c, w, p->nu * sizeof *c);
		r->treatment = DTI_TREAT_WINSORISED;
	} else {
		/* undone: the fallback on the figures as they were */
		int how = fallback(p, k, t, c, r->skew0);
		if (how < 0)
			return DTI_EINVALID;
		r->treatment = (enum dti_treatment)how;
		r->nwin = 0;
		pass = check(p, t, c, &skew, &kurt, tmp);
		if (pass < 0)
			return dti_err_nomem(p->err);
	}
	r->skew1 = skew;
	r->kurt1 = kurt;
	r->pass = pass;
	return DTI_OK;
}

static enum dti_status treat(struct prep *p)
{
	double *tmp = malloc((p->nu ? p->nu : 1) * sizeof *tmp);
	double *w = malloc((p->nu ? p->nu : 1) * sizeof *w);
	enum dti_status st = tmp && w ? DTI_OK : dti_err_nomem(p->err);
	const struct dti_prep_opts *o = p->o;
	for (size_t k = 0; k < p->nk && !st; k++) {
		struct dti_prep_indicator *r = &p->ind[k];
		struct tspec t = {o->winmax,   o->skew_limit, o->kurt_limit,
		                  o->fallback, o->lambda,     o->force_win};
		struct dti_treat_override ov;
		if (dti_prep_node_treat(p->fw, p->node[k], &ov)) {
			r->own = 1;
			if (ov.set & DTI_TREAT_SET_WINMAX)
				t.winmax = ov.winmax;
			if (ov.set & DTI_TREAT_SET_SKEW)
				t.skew = ov.skew_limit;
			if (ov.set & DTI_TREAT_SET_KURT)
				t.kurt = ov.kurt_limit;
			if (ov.set & DTI_TREAT_SET_FALLBACK) {
				t.fallback = ov.fallback;
				t.lambda = ov.lambda;
			}
			if (ov.set & DTI_TREAT_SET_FORCE)
				t.force = ov.force_win;
		}
		r->winmax = t.winmax;
		r->skew_limit = t.skew;
		r->kurt_limit = t.kurt;
		r->fallback = t.fallback;
		r->lambda = t.fallback == DTI_FALLBACK_BOXCOX ? t.lambda : NAN;
		r->force_win = t.force;
		if (r->own && ov.exclude) {
			/* measured, left as it is */
			r->treatment = DTI_TREAT_EXCLUDED;
			int pass =
			    check(p, &t, col(p, k), &r->skew0, &r->kurt0, tmp);
			if (pass < 0)
				st = dti_err_nomem(p->err);
			r->pass = pass > 0;
			continue;
		}
		st = treat_one(p, k, &t, tmp, w);
	}
	free(tmp);
	free(w);
	return st;
}

/* ---- the new dataset ---------------------------------------------------- */

/* "denominate; impute group-mean G; screen 0.9; treat winmax 5 ..." */
static void steps_text(const struct dti_prep_opts *o, char *out, size_t n)
{
	struct dti_buf b = DTI_BUF_INIT;
	if (o->denominate)
		dti_buf_adds(&b, "denominate");
	if (o->impute != DTI_IMPUTE_NONE)
		dti_buf_addf(&b, "%simpute %s%s%s", b.len ? "; " : "",
		             impute_names[o->impute],
		             o->impute_group ? " " : "",
		             o->impute_group ? o->impute_group : "");
	if (is_row(o->impute))
		dti_buf_addf(&b, " %d", o->impute_level ? o->impute_level : 2);
	if (o->impute == DTI_IMPUTE_LATEST && o->impute_max > 0)
		dti_buf_addf(&b, " %d", o->impute_max);
	if (o->screen_avail > 0)
		dti_buf_addf(&b, "%sscreen %g", b.len ? "; " : "",
		             o->screen_avail);
	if (o->screen_nonzero > 0)
		dti_buf_addf(&b, "%sscreen.nonzero %g", b.len ? "; " : "",
		             o->screen_nonzero);
	if (o->treat)
		dti_buf_addf(&b, "%streat winmax %d skew %g kurtosis %g",
		             b.len ? "; " : "", o->winmax, o->skew_limit,
		             o->kurt_limit);
	if (o->treat && o->fallback != DTI_FALLBACK_LOG_CT)
		dti_buf_addf(&b, " fallback %s",
		             dti_fallback_name(o->fallback));
	if (o->treat && o->fallback == DTI_FALLBACK_BOXCOX)
		dti_buf_addf(&b, ":%g", o->lambda);
	if (o->treat && o->force_win)
		dti_buf_adds(&b, " force");
	dti_snprintf(out, n, "%s", b.data ? b.data : "");
	dti_buf_release(&b);
}

static enum dti_status build(struct prep *p, struct dti_dataset **out)
{
	const struct dti_dataset *ds = p->ds;
	struct dti_dataset *nd;
	if (dti_dataset_new(p->fw, ds->units, &nd))
		return dti_err_nomem(p->err);
	size_t cy;
	enum dti_status st =
	    dti_dataset_add_cycle(nd, ds->cycles[p->cycle].label, &cy);
	for (size_t m = 0; m < ds->nmeta && !st; m++)
		if (strcmp(ds->meta_keys[m], "prepared"))
			st = dti_dataset_set_meta(nd, ds->meta_keys[m],
			                          ds->meta_vals[m]);
	/* what was done, written with the data ("# prepared: ...") */
	char done[256];
	steps_text(p->o, done, sizeof done);
	if (!st)
		st = dti_dataset_set_meta(nd, "prepared", done);
	for (size_t i = 0; i < p->nu && !st; i++) {
		if (!p->kept[i])
			continue;
		const struct ds_unit *u = &ds->u[p->unit[i]];
		size_t ui;
		st = dti_dataset_add_unit(nd, u->id, u->name, u->reg, &ui);
		for (size_t g = 0; g < ds->ngroupdims && !st; g++) {
			const char *v =
			    dti_dataset_group(ds, p->unit[i], ds->groupdims[g]);
			if (v)
				st = dti_dataset_set_group(nd, ui,
				                           ds->groupdims[g], v);
		}
		for (size_t a = 0; a < ds->nauxdims && !st; a++) {
			double v = dti_dataset_aux(ds, p->cycle, p->unit[i],
			                           ds->auxdims[a]);
			if (!isnan(v))
				st = dti_dataset_set_aux(nd, cy, ui,
				                         ds->auxdims[a], v);
		}
		for (size_t k = 0; k < p->nk && !st; k++) {
			double v = col(p, k)[i];
			if (isnan(v))
				continue;
			st = dti_dataset_set(nd, cy, ui, p->node[k], v, p->err);
			if (st == DTI_EINVALID) {
				/* say which unit: the field is the node */
				char why[400];
				dti_snprintf(why, sizeof why, "%s",
				             p->err->message);
				dti_error_release(p->err);
				dti_err_set(p->err, DTI_EINVALID, NULL, 0, 0,
				            p->fw->nodes[p->node[k]].code,
				            "%s after the data steps: %s",
				            u->name, why);
			}
		}
	}
	if (st == DTI_ENOMEM)
		dti_err_nomem(p->err);
	if (st) {
		dti_dataset_free(nd);
		return st;
	}
	*out = nd;
	return DTI_OK;
}

/* ---- the whole ---------------------------------------------------------- */

static enum dti_status check_opts(const struct dti_prep_opts *o,
                                  const struct dti_framework *fw,
                                  const struct dti_dataset *ds,
                                  struct dti_error *err)
{
	if (!o->denominate && o->impute == DTI_IMPUTE_NONE &&
	    o->screen_avail == 0 && o->screen_nonzero == 0 && !o->treat)
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, NULL,
		                   "no data step asked (denominate, impute, "
		                   "screen or treat)");
	if (o->impute < DTI_IMPUTE_NONE || o->impute >= (int)NIMPUTE)
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, "impute",
		                   "unknown imputation method");
	int top = fw->nodes[fw->root].level;
	if (is_row(o->impute) && (o->impute_level < 0 || o->impute_level == 1 ||
	                          o->impute_level > top || top < 2))
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, "impute",
		                   "%s by level %d: the framework's levels "
		                   "above the indicators are 2 (each "
		                   "indicator's parent) to %d (the index)",
		                   impute_names[o->impute], o->impute_level,
		                   top);
	if (is_panel(o->impute) && ds->ncycles < 2)
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, "impute",
		                   "%s imputes from the unit's figures of "
		                   "other cycles, and the data have one cycle "
		                   "only (%s)",
		                   impute_names[o->impute],
		                   ds->ncycles ? ds->cycles[0].label : "none");
	if (o->impute == DTI_IMPUTE_LATEST && o->impute_max < 0)
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, "impute",
		                   "latest: the cycles back must be 1 or more "
		                   "(0: all), not %d",
		                   o->impute_max);
	if (!(o->screen_avail >= 0 && o->screen_avail <= 1))
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, "screen",
		                   "the availability threshold must be "
		                   "within 0..1, not %g",
		                   o->screen_avail);
	if (!(o->screen_nonzero >= 0 && o->screen_nonzero <= 1))
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, "screen",
		                   "the non-zero threshold must be within "
		                   "0..1, not %g",
		                   o->screen_nonzero);
	if (o->treat && (o->winmax < 1 || o->winmax > 1000000))
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, "winmax",
		                   "winsorise at least 1 point (not %d)",
		                   o->winmax);
	if (o->treat && (!(o->skew_limit > 0) || !(o->kurt_limit > 0) ||
	                 !isfinite(o->skew_limit) || !isfinite(o->kurt_limit)))
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, "treat",
		                   "the skew and kurtosis limits must be "
		                   "positive numbers");
	if (o->treat && (o->fallback < DTI_FALLBACK_LOG_CT ||
	                 o->fallback > DTI_FALLBACK_NONE))
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, "fallback",
		                   "unknown fallback");
	if (o->treat && o->fallback == DTI_FALLBACK_BOXCOX &&
	    !isfinite(o->lambda))
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, "fallback",
		                   "Box-Cox needs a finite lambda");
	if (o->impute == DTI_IMPUTE_GROUP_MEAN ||
	    o->impute == DTI_IMPUTE_GROUP_MEDIAN) {
		int found = 0;
		for (size_t g = 0;
		     o->impute_group && g < ds->ngroupdims && !found; g++)
			found = strcmp(ds->groupdims[g], o->impute_group) == 0;
		if (!found) {
			struct dti_buf b = DTI_BUF_INIT;
			for (size_t g = 0; g < ds->ngroupdims; g++)
				dti_buf_addf(&b, "%s%s", g ? ", " : "",
				             ds->groupdims[g]);
			dti_err_set(err, DTI_EARG, NULL, 0, 0, "impute",
			            "group imputation needs a group column of "
			            "the data%s%s%s (it has: %s)",
			            o->impute_group ? " ('" : "",
			            o->impute_group ? o->impute_group : "",
			            o->impute_group ? "' is not one)" : "",
			            b.data ? b.data : "none");
			dti_buf_release(&b);
			return DTI_EARG;
		}
	}
	return DTI_OK;
}

enum dti_status dti_prepare(const struct dti_framework *fw,
                            const struct dti_dataset *ds, size_t cycle,
                            const struct dti_prep_opts *o,
                            struct dti_dataset **out,
                            struct dti_prep_report *rep, struct dti_error *err)
{
	*out = NULL;
	if (rep)
		memset(rep, 0, sizeof *rep);
	if (cycle >= ds->ncycles)
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, NULL,
		                   "no such cycle");
	enum dti_status st = check_opts(o, fw, ds, err);
	if (st)
		return st;
	struct prep p = {fw, ds,   cycle, o,    err,  0,
	                 0,  NULL, NULL,  NULL, NULL, NULL};
	p.unit = malloc((ds->nunits ? ds->nunits : 1) * sizeof *p.unit);
	p.node = malloc((fw->n ? fw->n : 1) * sizeof *p.node);
	if (!p.unit || !p.node) {
		st = dti_err_nomem(err);
		goto out;
	}
	for (size_t u = 0; u < ds->nunits; u++)
		if (dti_dataset_unit_present(ds, cycle, u))
			p.unit[p.nu++] = u;
	for (size_t k = 0; k < fw->n; k++)
		if (!fw->nodes[k].nchildren &&
		    fw->nodes[k].kind != DTI_KIND_STATISTIC)
			p.node[p.nk++] = k;
	p.x = malloc((p.nu && p.nk ? p.nu * p.nk : 1) * sizeof *p.x);
	p.kept = malloc((p.nu ? p.nu : 1) * sizeof *p.kept);
	p.ind = calloc(p.nk ? p.nk : 1, sizeof *p.ind);
	if (!p.x || !p.kept || !p.ind) {
		st = dti_err_nomem(err);
		goto out;
	}
	for (size_t k = 0; k < p.nk; k++) {
		p.ind[k].node = p.node[k];
		p.ind[k].pass = 1;
		p.ind[k].skew0 = p.ind[k].kurt0 = NAN;
		p.ind[k].skew1 = p.ind[k].kurt1 = NAN;
		p.ind[k].lambda = NAN;
		for (size_t i = 0; i < p.nu; i++)
			col(&p, k)[i] =
			    dti_dataset_get(ds, cycle, p.unit[i], p.node[k]);
	}
	for (size_t i = 0; i < p.nu; i++)
		p.kept[i] = 1;
	if (rep) {
		rep->opts = *o;
		rep->nunits = p.nu;
		rep->unit = malloc((p.nu ? p.nu : 1) * sizeof *rep->unit);
		rep->avail = malloc((p.nu ? p.nu : 1) * sizeof *rep->avail);
		rep->nonzero = malloc((p.nu ? p.nu : 1) * sizeof *rep->nonzero);
		rep->kept = malloc((p.nu ? p.nu : 1) * sizeof *rep->kept);
		if (!rep->unit || !rep->avail || !rep->nonzero || !rep->kept) {
			st = dti_err_nomem(err);
			goto out;
		}
		memcpy(rep->unit, p.unit, p.nu * sizeof *p.unit);
	}
	if (o->denominate)
		st = denominate(&p, cycle, p.x, 1);
	if (!st && o->impute != DTI_IMPUTE_NONE)
		st = impute(&p);
	if (!st && (o->screen_avail > 0 || o->screen_nonzero > 0 || rep))
		st = screen(&p, rep);
	if (!st && !(o->screen_avail > 0 || o->screen_nonzero > 0))
		for (size_t i = 0; i < p.nu; i++)
			p.kept[i] = 1; /* measured for the report only */
	if (!st && o->treat)
		st = treat(&p);
	if (!st)
		st = build(&p, out);
out:
	if (rep && !st) {
		rep->nind = p.nk;
		rep->ind = p.ind;
		p.ind = NULL;
		memcpy(rep->kept, p.kept, p.nu * sizeof *p.kept);
		for (size_t i = 0; i < p.nu; i++)
			rep->nkept += (size_t)p.kept[i];
	} else if (rep) {
		dti_prep_report_release(rep);
	}
	if (p.ind)
		for (size_t k = 0; k < p.nk; k++) {
			free(p.ind[k].win_units);
			free(p.ind[k].win_from);
			free(p.ind[k].from_unit);
			free(p.ind[k].from_cycle);
		}
	free(p.ind);
	free(p.unit);
	free(p.node);
	free(p.x);
	free(p.kept);
	return st;
}

void dti_prep_report_release(struct dti_prep_report *r)
{
	if (!r)
		return;
	for (size_t k = 0; r->ind && k < r->nind; k++) {
		free(r->ind[k].win_units);
		free(r->ind[k].win_from);
		free(r->ind[k].from_unit);
		free(r->ind[k].from_cycle);
	}
	free(r->ind);
	free(r->unit);
	free(r->avail);
	free(r->nonzero);
	free(r->kept);
	memset(r, 0, sizeof *r);
}

/* ---- the report --------------------------------------------------------- */

static const char *treatment_name(enum dti_treatment t, int vi)
{
	switch (t) {
	case DTI_TREAT_WINSORISED: return vi ? "winsorise" : "winsorised";
	case DTI_TREAT_LOG: return vi ? "logarit" : "log";
	case DTI_TREAT_LOG_NEG: return vi ? "logarit âm" : "log-neg";
	case DTI_TREAT_LOG_ORIG: return vi ? "logarit+1" : "log-orig";
	case DTI_TREAT_BOXCOX: return "boxcox";
	case DTI_TREAT_EXCLUDED: return vi ? "bỏ qua" : "excluded";
	default: return vi ? "không" : "none";
	}
}

/* A number in 10 columns and a space, "-" when there is none; a decimal
   comma in Vietnamese. */
static void fnum(struct dti_buf *b, double v, int vi)
{
	char t[64];
	if (isfinite(v))
		dti_snprintf(t, sizeof t, "%10.4f ", v);
	else
		dti_snprintf(t, sizeof t, "%10s ", "-");
	char *dot = vi ? strchr(t, '.') : NULL;
	if (dot)
		*dot = ',';
	dti_buf_adds(b, t);
}

/* s in `width` columns (characters, not bytes), to the left or right. */
static void cell(struct dti_buf *b, const char *s, size_t width, int right)
{
	size_t wide = dti_text_width(s, strlen(s));
	for (size_t i = wide; right && i < width; i++)
		dti_buf_addc(b, ' ');
	dti_buf_adds(b, s);
	for (size_t i = wide; !right && i < width; i++)
		dti_buf_addc(b, ' ');
}

/*
 * For the panel methods: how many figures came from each cycle, latest
 * first, then those interpolated ("2021: 3, 2020: 1"), over all the
 * indicators or of one (ind).
 */
static void from_list(const struct dti_prep_report *r,
                      const struct dti_dataset *ds,
                      const struct dti_prep_indicator *ind, int vi,
                      const char *sep, struct dti_buf *b)
{
	size_t nc = ds->ncycles;
	size_t *order = malloc((nc ? nc : 1) * sizeof *order);
	double *t = malloc((nc ? nc : 1) * sizeof *t);
	size_t *n = calloc(nc + 1, sizeof *n);
	if (!order || !t || !n) {
		free(order);
		free(t);
		free(n);
		return; /* out of memory: the counts are left out */
	}
	cycle_times(ds, order, t);
	for (size_t k = 0; k < r->nind; k++) {
		const struct dti_prep_indicator *x = &r->ind[k];
		if (ind && x != ind)
			continue;
		for (size_t f = 0; f < x->nfrom; f++)
			n[x->from_cycle[f] < 0 ? nc
			                       : (size_t)x->from_cycle[f]]++;
	}
	int first = 1;
	for (size_t i = nc; i-- > 0;) {
		size_t c = order[i];
		if (!n[c])
			continue;
		dti_buf_addf(b, "%s%s: %zu", first ? "" : sep,
		             ds->cycles[c].label, n[c]);
		first = 0;
	}
	if (n[nc])
		dti_buf_addf(b, "%s%s: %zu", first ? "" : sep,
		             vi ? "nội suy" : "interpolated", n[nc]);
	free(order);
	free(t);
	free(n);
}

static void from_counts(const struct dti_prep_report *r,
                        const struct dti_dataset *ds, int vi, struct dti_buf *b,
                        const char *indent, const char *end)
{
	dti_buf_addf(b, "%s%s", indent, vi ? "lấy từ " : "from ");
	from_list(r, ds, NULL, vi, ", ", b);
	dti_buf_adds(b, end);
}

static void write_table(const struct dti_prep_report *r,
                        const struct dti_framework *fw,
                        const struct dti_dataset *ds, int vi, struct dti_buf *b)
{
	size_t den = 0, imp = 0, win = 0, logs = 0, box = 0, excl = 0, fail = 0;
	for (size_t k = 0; k < r->nind; k++) {
		enum dti_treatment t = r->ind[k].treatment;
		den += r->ind[k].denominated;
		imp += r->ind[k].imputed;
		win += t == DTI_TREAT_WINSORISED;
		logs += t == DTI_TREAT_LOG || t == DTI_TREAT_LOG_NEG ||
		        t == DTI_TREAT_LOG_ORIG;
		box += t == DTI_TREAT_BOXCOX;
		excl += t == DTI_TREAT_EXCLUDED;
		fail += !r->ind[k].pass && t != DTI_TREAT_EXCLUDED;
	}
	dti_buf_addf(b,
	             vi ? "Các bước dữ liệu: %zu chỉ số, %zu đơn vị (giữ "
	                  "%zu)\n"
	                : "Data steps: %zu indicators, %zu units (%zu "
	                  "kept)\n",
	             r->nind, r->nunits, r->nkept);
	if (r->opts.denominate)
		dti_buf_addf(b,
		             vi ? "  chia theo mẫu số: %zu số liệu%.0s\n"
		                : "  denominated: %zu figure%s\n",
		             den, den == 1 ? "" : "s");
	if (r->opts.impute != DTI_IMPUTE_NONE)
		dti_buf_addf(b,
		             vi ? "  ước tính số liệu thiếu: %zu%.0s\n"
		                : "  imputed: %zu figure%s\n",
		             imp, imp == 1 ? "" : "s");
	if (is_panel(r->opts.impute) && imp)
		from_counts(r, ds, vi, b, "    ", "\n");
	if (r->opts.screen_avail > 0 || r->opts.screen_nonzero > 0) {
		dti_buf_addf(b,
		             vi ? "  sàng lọc: loại %zu đơn vị%.0s\n"
		                : "  screened out: %zu unit%s\n",
		             r->nunits - r->nkept,
		             r->nunits - r->nkept == 1 ? "" : "s");
		for (size_t i = 0; i < r->nunits; i++) {
			if (r->kept[i])
				continue;
			struct dti_dataset_unit u;
			dti_dataset_unit(ds, r->unit[i], &u);
			dti_buf_addf(b,
			             vi ? "    %s: có số liệu %.1f%%, khác 0 "
			                  "%.1f%%\n"
			                : "    %s: data %.1f%%, non-zero "
			                  "%.1f%%\n",
			             u.name, 100 * r->avail[i],
			             100 * r->nonzero[i]);
		}
	}
	if (!r->opts.treat)
		return;
	dti_buf_addf(b,
	             vi ? "  xử lý ngoại lai: %zu winsorise, %zu logarit, "
	                : "  outliers: %zu winsorised, %zu log-transformed, ",
	             win, logs);
	if (box)
		dti_buf_addf(b, "%zu Box-Cox, ", box);
	if (excl)
		dti_buf_addf(b,
		             vi ? "%zu bỏ qua theo khung, "
		                : "%zu excluded by the framework, ",
		             excl);
	dti_buf_addf(b,
	             vi ? "%zu vẫn ngoài ngưỡng\n\n"
	                : "%zu still beyond the limits\n\n",
	             fail);
	/* the headings by characters: Vietnamese takes more bytes */
	cell(b, vi ? "chỉ số" : "indicator", 15, 0);
	cell(b, vi ? "xử lý" : "treatment", 12, 0);
	cell(b, vi ? "điểm" : "points", 5, 1);
	cell(b, vi ? "lệch" : "skew", 11, 1);
	cell(b, vi ? "nhọn" : "kurtosis", 11, 1);
	cell(b, vi ? "lệch sau" : "skew after", 11, 1);
	cell(b, vi ? "nhọn sau" : "kurt after", 11, 1);
	dti_buf_addc(b, '\n');
	for (size_t k = 0; k < r->nind; k++) {
		const struct dti_prep_indicator *x = &r->ind[k];
		if (x->treatment == DTI_TREAT_NONE)
			continue;
		char how[48];
		if (x->treatment == DTI_TREAT_BOXCOX)
			dti_snprintf(how, sizeof how, "boxcox:%g", x->lambda);
		else
			dti_snprintf(how, sizeof how, "%s",
			             treatment_name(x->treatment, vi));
		/* "%-11s" would pad bytes: the Vietnamese names pad by
		   characters */
		dti_buf_addf(b, "%-14s ", fw->nodes[x->node].code);
		cell(b, how, 11, 0);
		dti_buf_addf(b, " %5zu ", x->nwin);
		fnum(b, x->skew0, vi);
		fnum(b, x->kurt0, vi);
		fnum(b, x->skew1, vi);
		fnum(b, x->kurt1, vi);
		while (b->len && b->data[b->len - 1] == ' ')
			b->data[--b->len] = '\0';
		dti_buf_addc(b, '\n');
		if (x->own && x->treatment != DTI_TREAT_EXCLUDED) {
			dti_buf_addf(
			    b,
			    vi ? "  (theo khung: winmax %d, lệch %g, "
			         "nhọn %g, dự phòng %s"
			       : "  (own settings: winmax %d, skew %g, "
			         "kurtosis %g, fallback %s",
			    x->winmax, x->skew_limit, x->kurt_limit,
			    dti_fallback_name(x->fallback));
			if (x->fallback == DTI_FALLBACK_BOXCOX)
				dti_buf_addf(b, ":%g", x->lambda);
			dti_buf_adds(b, x->force_win
			                    ? (vi ? ", ép)\n" : ", forced)\n")
			                    : ")\n");
		}
		for (size_t w = 0; w < x->nwin; w++) {
			struct dti_dataset_unit u;
			dti_dataset_unit(ds, x->win_units[w], &u);
			dti_buf_addf(b, "  - %s ", u.name);
			size_t at = b->len;
			dti_buf_add_shortest(b, x->win_from[w]);
			char *dot =
			    vi && b->data ? strchr(b->data + at, '.') : NULL;
			if (dot)
				*dot = ','; /* a decimal comma */
			dti_buf_addc(b, '\n');
		}
	}
}

static void write_csv(const struct dti_prep_report *r,
                      const struct dti_framework *fw,
                      const struct dti_dataset *ds, struct dti_buf *b)
{
	int panel = is_panel(r->opts.impute);
	dti_buf_adds(b, "code,denominated,imputed,treatment,points,skew,"
	                "kurtosis,skew_after,kurtosis_after,pass,lambda,own");
	/* the panel methods: from which cycles ("2021: 3; 2020: 1") */
	dti_buf_adds(b, panel ? ",imputed_from\n" : "\n");
	for (size_t k = 0; k < r->nind; k++) {
		const struct dti_prep_indicator *x = &r->ind[k];
		dti_csv_cell(b, fw->nodes[x->node].code);
		dti_buf_addf(b, ",%zu,%zu,%s,%zu", x->denominated, x->imputed,
		             treatment_name(x->treatment, 0), x->nwin);
		const double v[4] = {x->skew0, x->kurt0, x->skew1, x->kurt1};
		for (int i = 0; i < 4; i++) {
			dti_buf_addc(b, ',');
			if (isfinite(v[i]))
				dti_buf_add_shortest(b, v[i]);
		}
		dti_buf_addf(b, ",%s,", x->pass ? "yes" : "no");
		if (x->treatment == DTI_TREAT_BOXCOX)
			dti_buf_add_shortest(b, x->lambda);
		dti_buf_addf(b, ",%s", x->own ? "yes" : "no");
		if (panel) {
			struct dti_buf l = DTI_BUF_INIT;
			from_list(r, ds, x, 0, "; ", &l);
			dti_buf_addc(b, ',');
			dti_csv_cell(b, l.data ? l.data : "");
			dti_buf_release(&l);
		}
		dti_buf_addc(b, '\n');
	}
}

static void write_json(const struct dti_prep_report *r,
                       const struct dti_framework *fw,
                       const struct dti_dataset *ds, struct dti_buf *b)
{
	struct dti_json j;
	dti_json_init(&j, b);
	dti_json_object_begin(&j);
	dti_json_key(&j, "units");
	dti_json_array_begin(&j);
	for (size_t i = 0; i < r->nunits; i++) {
		struct dti_dataset_unit u;
		dti_dataset_unit(ds, r->unit[i], &u);
		dti_json_object_begin(&j);
		dti_json_key(&j, "id");
		dti_json_string(&j, u.id);
		eng_json_num(&j, "available", r->avail[i]);
		eng_json_num(&j, "nonzero", r->nonzero[i]);
		dti_json_key(&j, "kept");
		dti_json_bool(&j, r->kept[i]);
		dti_json_object_end(&j);
	}
	dti_json_array_end(&j);
	dti_json_key(&j, "indicators");
	dti_json_array_begin(&j);
	for (size_t k = 0; k < r->nind; k++) {
		const struct dti_prep_indicator *x = &r->ind[k];
		dti_json_object_begin(&j);
		dti_json_key(&j, "code");
		dti_json_string(&j, fw->nodes[x->node].code);
		dti_json_key(&j, "denominated");
		dti_json_int(&j, (long long)x->denominated);
		dti_json_key(&j, "imputed");
		dti_json_int(&j, (long long)x->imputed);
		dti_json_key(&j, "treatment");
		dti_json_string(&j, treatment_name(x->treatment, 0));
		eng_json_num(&j, "skew", x->skew0);
		eng_json_num(&j, "kurtosis", x->kurt0);
		eng_json_num(&j, "skew_after", x->skew1);
		eng_json_num(&j, "kurtosis_after", x->kurt1);
		dti_json_key(&j, "pass");
		dti_json_bool(&j, x->pass);
		if (is_panel(r->opts.impute)) {
			/* each figure imputed and its cycle (null: between
			   two, interpolated) */
			dti_json_key(&j, "imputed_from");
			dti_json_array_begin(&j);
			for (size_t f = 0; f < x->nfrom; f++) {
				struct dti_dataset_unit u;
				dti_dataset_unit(ds, x->from_unit[f], &u);
				dti_json_object_begin(&j);
				dti_json_key(&j, "unit");
				dti_json_string(&j, u.id);
				dti_json_key(&j, "cycle");
				if (x->from_cycle[f] < 0)
					dti_json_null(&j);
				else
					dti_json_string(
					    &j,
					    ds->cycles[x->from_cycle[f]].label);
				dti_json_object_end(&j);
			}
			dti_json_array_end(&j);
		}
		if (x->treatment == DTI_TREAT_BOXCOX)
			eng_json_num(&j, "lambda", x->lambda);
		if (r->opts.treat) {
			/* the settings it was treated with */
			dti_json_key(&j, "own");
			dti_json_bool(&j, x->own);
			dti_json_key(&j, "settings");
			dti_json_object_begin(&j);
			dti_json_key(&j, "winmax");
			dti_json_int(&j, x->winmax);
			eng_json_num(&j, "skew", x->skew_limit);
			eng_json_num(&j, "kurtosis", x->kurt_limit);
			dti_json_key(&j, "fallback");
			dti_json_string(&j, dti_fallback_name(x->fallback));
			if (x->fallback == DTI_FALLBACK_BOXCOX)
				eng_json_num(&j, "lambda", x->lambda);
			dti_json_key(&j, "force");
			dti_json_bool(&j, x->force_win);
			dti_json_object_end(&j);
		}
		dti_json_key(&j, "winsorised");
		dti_json_array_begin(&j);
		for (size_t w = 0; w < x->nwin; w++) {
			struct dti_dataset_unit u;
			dti_dataset_unit(ds, x->win_units[w], &u);
			dti_json_object_begin(&j);
			dti_json_key(&j, "unit");
			dti_json_string(&j, u.id);
			eng_json_num(&j, "from", x->win_from[w]);
			dti_json_object_end(&j);
		}
		dti_json_array_end(&j);
		dti_json_object_end(&j);
	}
	dti_json_array_end(&j);
	dti_json_object_end(&j);
	dti_buf_addc(b, '\n');
}

enum dti_status dti_prep_report_write(const struct dti_prep_report *r,
                                      const struct dti_framework *fw,
                                      const struct dti_dataset *ds,
                                      enum dti_format format,
                                      enum dti_lang lang, struct dti_buf *out,
                                      struct dti_error *err)
{
	switch (format) {
	case DTI_FORMAT_CSV: write_csv(r, fw, ds, out); break;
	case DTI_FORMAT_JSON: write_json(r, fw, ds, out); break;
	default: write_table(r, fw, ds, lang == DTI_LANG_VI, out); break;
	}
	return dti_buf_status(out) ? dti_err_nomem(err) : DTI_OK;
}
