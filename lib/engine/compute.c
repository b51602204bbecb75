/*
 * lib/compute.c - the engine: figures to values, points and ranks.
 *
 * One cycle at a time, column by column (a node over all units), which keeps
 * the inner loops contiguous and lets relative normalisations see their
 * whole column:
 *   1. figures of leaves, imputed by group mean when the policy says so;
 *   2. leaf values: absolute rules per unit, normalisations per column, the
 *      polarity applied, the missing policy for empty cells;
 *   3. aggregates in dependency order (children first): the method over the
 *      children with their edge weights; an entered value is used as it is,
 *      and checked against the children when they carry data;
 *   4. values rounded to the precision, competition ranks on the rounded
 *      values (equal values share the better rank, the next is skipped),
 *      ranks inside groups.
 * A node that would need points the framework marks unknown is "unknown":
 * never guessed.  If the index itself is unknown for some unit the call
 * fails, naming the unknown nodes, unless allow_unknown is set.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "engine/model.h"

void dti_result_add_note(struct dti_result *res, const char *en, const char *vi,
                         ...)
{
	char te[1024], tv[1024];
	va_list ap, ap2;
	va_start(ap, vi);
	va_copy(ap2, ap);
	/* two formats for one argument list: checked by the callers' tests */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	dti_vsnprintf(te, sizeof te, en, ap);
	dti_vsnprintf(tv, sizeof tv, vi, ap2);
#pragma GCC diagnostic pop
	va_end(ap2);
	va_end(ap);
	char **ne = realloc(res->notes, (res->nnotes + 1) * sizeof *ne);
	if (!ne)
		return;
	res->notes = ne;
	char **nv = realloc(res->notes_vi, (res->nnotes + 1) * sizeof *nv);
	if (!nv)
		return;
	res->notes_vi = nv;
	ne[res->nnotes] = strdup(te);
	nv[res->nnotes] = strdup(tv);
	if (!ne[res->nnotes] || !nv[res->nnotes]) {
		free(ne[res->nnotes]);
		free(nv[res->nnotes]);
		return;
	}
	res->nnotes++;
}

void dti_result_free(struct dti_result *res)
{
	if (!res)
		return;
	free(res->units);
	free(res->pos_of);
	free(res->group_by);
	free(res->group);
	free(res->gid);
	free(res->gcount);
	dti_big_free(res->block);
	free(res->grank);
	free(res->entered);
	free(res->ranked);
	if (res->order) {
		for (size_t k = 0; k < res->nn; k++)
			free(res->order[k]);
		free(res->order);
	}
	free(res->prev_pos);
	free(res->prev_node);
	for (size_t i = 0; i < res->nnotes; i++) {
		free(res->notes[i]);
		free(res->notes_vi[i]);
	}
	free(res->notes);
	free(res->notes_vi);
	pthread_mutex_destroy(&res->lock);
	free(res);
}

/* ---- sorting --------------------------------------------------------- */

struct keyed {
	uint64_t key;
	size_t idx;
};

/* Sorts ascending by key: LSD radix on the bits in use, 11 at a time. */
static void radix_sort(struct keyed *a, struct keyed *tmp, size_t n)
{
	if (n < 2)
		return;
	if (n < 48) {
		for (size_t i = 1; i < n; i++) {
			struct keyed x = a[i];
			size_t j = i;
			while (j > 0 && (a[j - 1].key > x.key ||
			                 (a[j - 1].key == x.key &&
			                  a[j - 1].idx > x.idx))) {
				a[j] = a[j - 1];
				j--;
			}
			a[j] = x;
		}
		return;
	}
	uint64_t mx = 0;
	for (size_t i = 0; i < n; i++)
		if (a[i].key > mx)
			mx = a[i].key;
	int bits = 0;
	while (bits < 64 && (mx >> bits))
		bits++;
	size_t count[2048];
	struct keyed *src = a, *dst = tmp;
	for (int shift = 0; shift < bits; shift += 11) {
		memset(count, 0, sizeof count);
		for (size_t i = 0; i < n; i++)
			count[(src[i].key >> shift) & 2047]++;
		size_t sum = 0;
		for (size_t b = 0; b < 2048; b++) {
			size_t c = count[b];
			count[b] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			dst[count[(src[i].key >> shift) & 2047]++] = src[i];
		struct keyed *t = src;
		src = dst;
		dst = t;
	}
	if (src != a)
		memcpy(a, src, n * sizeof *a);
}

/* ---- leaves ---------------------------------------------------------- */

static double clamp01(double x)
{
	return x < 0 ? 0 : (x > 1 ? 1 : x);
}

/* Fraction of the maximum for absolute rules; NaN if unknowable. */
static double score_absolute(const struct dti_framework *fw,
                             const struct fw_node *nd, double x)
{
	const struct rule_params *rp = &nd->rp;
	int neg = nd->polarity < 0;
	switch (nd->rule) {
	case DTI_RULE_YESNO: return neg ? 1 - x : x;
	case DTI_RULE_RATIO:
		return clamp01((x - rp->floor) / (rp->target - rp->floor));
	case DTI_RULE_COUNT: {
		double f = (x < rp->cap ? x : rp->cap) / rp->cap;
		return neg ? 1 - f : f;
	}
	case DTI_RULE_STEPS: {
		double pts = 0;
		if (!neg) {
			for (size_t i = 0; i < rp->nsteps; i++)
				if (x >= rp->thr[i])
					pts = rp->pts[i];
		} else {
			for (size_t i = rp->nsteps; i-- > 0;)
				if (x <= rp->thr[i])
					pts = rp->pts[i];
		}
		if (!fw->uses_points)
			return pts / fw->scale;
		if (nd->points_known != 1)
			return NAN;
		return nd->points > 0 ? pts / nd->points : 0;
	}
	case DTI_RULE_POINTS:
	case DTI_RULE_REVIEWER:
		if (nd->points_known != 1)
			return NAN;
		return nd->points > 0 ? x / nd->points : 0;
	case DTI_RULE_SURVEY: {
		double f = clamp01((x - rp->min) / (rp->max - rp->min));
		return neg ? 1 - f : f;
	}
	case DTI_RULE_VALUE: return x / fw->scale;
	default: return NAN;
	}
}

/* Ranks with ties at the minimum, ascending (1 = lowest), of n values. */
static void min_ranks(const double *x, const size_t *idx, size_t n,
                      double *rank_out, struct keyed *a, struct keyed *tmp)
{
	/* map doubles to order-preserving unsigned keys */
	for (size_t i = 0; i < n; i++) {
		uint64_t u;
		double v = x[idx[i]];
		if (v == 0)
			v = 0; /* -0 and +0 tie */
		memcpy(&u, &v, sizeof u);
		u = (u >> 63) ? ~u : (u | (1ULL << 63));
		a[i].key = u;
		a[i].idx = idx[i];
	}
	radix_sort(a, tmp, n);
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && a[j].key == a[i].key)
			j++;
		for (size_t k = i; k < j; k++)
			rank_out[a[k].idx] = (double)(i + 1);
		i = j;
	}
}

static void score_relative(const struct dti_framework *fw,
                           const struct fw_node *nd, const double *fig,
                           double *val, size_t n, size_t *idx, struct keyed *ka,
                           struct keyed *kt, double *work)
{
	const struct rule_params *rp = &nd->rp;
	double sgn = nd->polarity < 0 ? -1.0 : 1.0;
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		val[i] = NAN;
		if (!isnan(fig[i])) {
			work[i] = sgn * fig[i];
			idx[m++] = i;
		}
	}
	if (m == 0)
		return;
	double mn = INFINITY, mx = -INFINITY;
	for (size_t k = 0; k < m; k++) {
		double x = work[idx[k]];
		if (x < mn)
			mn = x;
		if (x > mx)
			mx = x;
	}
	switch (nd->rule) {
	case DTI_RULE_RAW:
		for (size_t k = 0; k < m; k++)
			val[idx[k]] = fig[idx[k]];
		break;
	case DTI_RULE_MINMAX:
		if (mx == mn)
			return;
		for (size_t k = 0; k < m; k++) {
			double x = work[idx[k]];
			val[idx[k]] =
			    (x - mn) / (mx - mn) * (rp->hi - rp->lo) + rp->lo;
		}
		break;
	case DTI_RULE_GOALPOSTS: {
		/* goalposts flip with the figure */
		double l = sgn > 0 ? rp->min : -rp->max;
		double u = sgn > 0 ? rp->max : -rp->min;
		for (size_t k = 0; k < m; k++) {
			double x = work[idx[k]];
			val[idx[k]] =
			    clamp01((x - l) / (u - l)) * (rp->hi - rp->lo) +
			    rp->lo;
		}
		break;
	}
	case DTI_RULE_ZSCORE: {
		if (m < 2)
			return;
		double sum = 0;
		for (size_t k = 0; k < m; k++)
			sum += work[idx[k]];
		double mean = sum / (double)m;
		double ss = 0;
		for (size_t k = 0; k < m; k++) {
			double d = work[idx[k]] - mean;
			ss += d * d;
		}
		double sd = sqrt(ss / (double)(m - 1));
		if (!(sd > 0))
			return;
		for (size_t k = 0; k < m; k++)
			val[idx[k]] =
			    (work[idx[k]] - mean) / sd * rp->sd + rp->mean;
		break;
	}
	case DTI_RULE_RANK:
	case DTI_RULE_PRANK: {
		double *rk = val;
		min_ranks(work, idx, m, rk, ka, kt);
		if (nd->rule == DTI_RULE_PRANK) {
			for (size_t k = 0; k < m; k++) {
				size_t i = idx[k];
				val[i] = m > 1 ? (rk[i] - 1) / (double)(m - 1) *
				                     fw->scale
				               : NAN;
			}
		}
		break;
	}
	case DTI_RULE_FRACMAX:
		if (mx == 0)
			return;
		for (size_t k = 0; k < m; k++)
			val[idx[k]] = work[idx[k]] / mx * fw->scale;
		break;
	case DTI_RULE_DIST2TARGET: {
		double t = sgn * rp->target;
		if (t == mn)
			return;
		for (size_t k = 0; k < m; k++) {
			double f = (work[idx[k]] - mn) / (t - mn);
			if (rp->cap == 1 && f > 1)
				f = 1;
			val[idx[k]] = f * fw->scale;
		}
		break;
	}
	default: break;
	}
}

/* ---- aggregation ----------------------------------------------------- */

struct agg_ctx {
	const struct dti_framework *fw;
	struct dti_result *res;
	enum dti_missing missing;
	double *acc;
	double *wsum;
	double *wall;
	unsigned char *unknown;
	struct dti_error *err;
};

/* Computes the aggregate of node k for every unit into out[]. */
static enum dti_status aggregate(struct agg_ctx *a, size_t k, double *out)
{
	const struct fw_node *nd = &a->fw->nodes[k];
	struct dti_result *res = a->res;
	size_t n = res->n;
	double *acc = a->acc, *wsum = a->wsum, *wall = a->wall;
	unsigned char *unk = a->unknown;
	for (size_t i = 0; i < n; i++) {
		acc[i] = 0;
		wsum[i] = 0;
		wall[i] = 0;
		unk[i] = 0;
	}
	int zero_seen = 0;
	double shift = nd->zero == DTI_ZERO_SHIFT ? nd->shift : 0;
	for (size_t c = 0; c < nd->nchildren; c++) {
		size_t ch = nd->children[c];
		double w = nd->child_weights[c];
		if (!a->fw->nodes[ch].scored)
			continue;
		const double *v = &res->value[RES_AT(res, ch, 0)];
		const unsigned char *fl = &res->flags[RES_AT(res, ch, 0)];
		if (isnan(w)) {
			/* unknown points: the aggregate cannot be known */
			for (size_t i = 0; i < n; i++)
				unk[i] = 1;
			continue;
		}
		if (w == 0)
			continue;
		for (size_t i = 0; i < n; i++) {
			if (fl[i] & DTI_CELL_UNKNOWN) {
				unk[i] = 1;
				continue;
			}
			wall[i] += w;
			double x = v[i];
			if (isnan(x)) {
				if (a->missing == DTI_MISSING_ZERO)
					x = 0;
				else
					continue;
			}
			x += shift;
			switch (nd->method) {
			case DTI_AGG_ARITH: acc[i] += w * x; break;
			case DTI_AGG_GEOM:
				if (x <= 0) {
					zero_seen = 1;
					acc[i] = -INFINITY;
				} else if (acc[i] != -INFINITY) {
					acc[i] += w * log(x);
				}
				break;
			case DTI_AGG_HARM:
				if (x <= 0) {
					zero_seen = 1;
					acc[i] = INFINITY;
				} else if (acc[i] != INFINITY) {
					acc[i] += w / x;
				}
				break;
			case DTI_AGG_GENMEAN:
				if (x < 0 || (x == 0 && nd->power < 0)) {
					zero_seen = 1;
					acc[i] = NAN;
				} else if (!isnan(acc[i])) {
					acc[i] += w * pow(x, nd->power);
				}
				break;
			}
			wsum[i] += w;
		}
	}
	if (zero_seen && nd->zero == DTI_ZERO_ERROR) {
		for (size_t i = 0; i < n; i++) {
			int bad = (nd->method == DTI_AGG_GEOM &&
			           acc[i] == -INFINITY) ||
			          (nd->method == DTI_AGG_HARM &&
			           acc[i] == INFINITY) ||
			          (nd->method == DTI_AGG_GENMEAN &&
			           isnan(acc[i]) && wsum[i] > 0);
			if (!bad)
				continue;
			struct dti_dataset_unit du;
			dti_dataset_unit(res->ds, res->units[i], &du);
			return dti_err_set(
			    a->err, DTI_EINVALID, NULL, 0, 0, nd->code,
			    "'%s' of %s: a child is zero or negative and the "
			    "%s "
			    "mean of '%s' is set to refuse it (zero=error)",
			    nd->code, du.name,
			    nd->method == DTI_AGG_GEOM ? "geometric"
			                               : "harmonic",
			    nd->code);
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (unk[i]) {
			out[i] = NAN;
			continue;
		}
		if (wsum[i] <= 0) {
			out[i] = (wall[i] > 0 && a->missing == DTI_MISSING_ZERO)
			             ? 0
			             : NAN;
			/* all weights zero (e.g. only a 0-point child) */
			if (wall[i] == 0 && a->missing == DTI_MISSING_ZERO)
				out[i] = 0;
			continue;
		}
		if (nd->coverage > 0 && wall[i] > 0 &&
		    wsum[i] / wall[i] < nd->coverage) {
			out[i] = NAN;
			continue;
		}
		double y;
		switch (nd->method) {
		case DTI_AGG_ARITH: y = acc[i] / wsum[i]; break;
		case DTI_AGG_GEOM:
			y = acc[i] == -INFINITY ? 0 : exp(acc[i] / wsum[i]);
			break;
		case DTI_AGG_HARM:
			y = acc[i] == INFINITY ? 0 : wsum[i] / acc[i];
			break;
		default:
			y = isnan(acc[i])
			        ? 0
			        : pow(acc[i] / wsum[i], 1 / nd->power);
			break;
		}
		if (shift != 0 &&
		    !(nd->method != DTI_AGG_ARITH && y == 0 && zero_seen))
			y -= shift;
		out[i] = y;
	}
	return DTI_OK;
}

/* ---- ranks ----------------------------------------------------------- */

static void rank_node(struct dti_result *res, size_t k, const long long *r,
                      struct keyed *a, struct keyed *tmp, int *glast_rank,
                      long long *glast_key, size_t *gseen)
{
	size_t n = res->n;
	const double *v = &res->value[RES_AT(res, k, 0)];
	int *rk = &res->rank[RES_AT(res, k, 0)];
	int *grk = res->grank ? &res->grank[RES_AT(res, k, 0)] : NULL;
	size_t m = 0;
	long long mn = LLONG_MAX;
	/* a leaf without a figure scores by the policy but is not ranked */
	const unsigned char *fl = &res->flags[RES_AT(res, k, 0)];
	int leaf = res->fw->nodes[k].nchildren == 0;
	for (size_t i = 0; i < n; i++) {
		rk[i] = 0;
		if (grk)
			grk[i] = 0;
		if (isnan(v[i]) || (leaf && (fl[i] & DTI_CELL_MISSING)))
			continue;
		if (r[i] < mn)
			mn = r[i];
		a[m].idx = i;
		m++;
	}
	res->ranked[k] = m;
	if (m == 0)
		return;
	/* descending by rounded value: sort by (max - key) */
	long long mx = LLONG_MIN;
	for (size_t j = 0; j < m; j++)
		if (r[a[j].idx] > mx)
			mx = r[a[j].idx];
	for (size_t j = 0; j < m; j++)
		a[j].key = (uint64_t)(mx - r[a[j].idx]);
	radix_sort(a, tmp, m);
	int cur = 0;
	for (size_t j = 0; j < m; j++) {
		if (j == 0 || a[j].key != a[j - 1].key)
			cur = (int)j + 1;
		rk[a[j].idx] = cur;
	}
	if (!res->ngroups || !grk)
		return;
	size_t *gc = &res->gcount[k * res->ngroups];
	for (size_t g = 0; g < res->ngroups; g++) {
		gseen[g] = 0;
		glast_rank[g] = 0;
		glast_key[g] = 0;
		gc[g] = 0;
	}
	for (size_t j = 0; j < m; j++) {
		size_t i = a[j].idx;
		long g = res->gid[i];
		if (g < 0)
			continue;
		long long key = (long long)a[j].key;
		if (gseen[g] == 0 || key != glast_key[g])
			glast_rank[g] = (int)gseen[g] + 1;
		gseen[g]++;
		glast_key[g] = key;
		grk[i] = glast_rank[g];
		gc[g]++;
	}
}

/* ---- the computation ------------------------------------------------- */

static const char *pick_group_dim(const struct dti_dataset *ds,
                                  const char *want)
{
	if (want) {
		for (size_t d = 0; d < ds->ngroupdims; d++)
			if (strcmp(ds->groupdims[d], want) == 0)
				return ds->groupdims[d];
		return NULL;
	}
	for (size_t d = 0; d < ds->ngroupdims; d++)
		if (strcmp(ds->groupdims[d], "group") == 0)
			return ds->groupdims[d];
	return ds->ngroupdims ? ds->groupdims[0] : NULL;
}

static void impute_group_mean(struct dti_result *res, size_t k, double *fig,
                              double *gsum, size_t *gcnt, size_t *imputed)
{
	size_t n = res->n;
	for (size_t g = 0; g < res->ngroups; g++) {
		gsum[g] = 0;
		gcnt[g] = 0;
	}
	for (size_t i = 0; i < n; i++)
		if (!isnan(fig[i]) && res->gid[i] >= 0) {
			gsum[res->gid[i]] += fig[i];
			gcnt[res->gid[i]]++;
		}
	for (size_t i = 0; i < n; i++) {
		if (!isnan(fig[i]) || res->gid[i] < 0)
			continue;
		size_t g = (size_t)res->gid[i];
		if (!gcnt[g])
			continue;
		fig[i] = gsum[g] / (double)gcnt[g];
		res->flags[RES_AT(res, k, i)] |= DTI_CELL_IMPUTED;
		(*imputed)++;
	}
}

/*
 * Marks, for unit i, the nodes whose value is needed: every root, and the
 * children of a needed node that was computed rather than entered.
 */
static void mark_needed(const struct dti_result *res, size_t i,
                        unsigned char *needed)
{
	const struct dti_framework *fw = res->fw;
	for (size_t k = 0; k < fw->n; k++)
		needed[k] = fw->nodes[k].nparents == 0;
	for (size_t o = fw->n; o-- > 0;) {
		size_t k = fw->order[o];
		const struct fw_node *nd = &fw->nodes[k];
		if (!needed[k] ||
		    (res->flags[RES_AT(res, k, i)] & DTI_CELL_ENTERED))
			continue;
		/* a 0-point child is collected but never needed */
		for (size_t c = 0; c < nd->nchildren; c++)
			if (fw->nodes[nd->children[c]].scored &&
			    nd->child_weights[c] != 0)
				needed[nd->children[c]] = 1;
	}
}

/*
 * The nodes whose unknown points stop the index of unit i: children with
 * unknown points of the needed nodes that are computed.
 */
static void list_unknown_nodes(const struct dti_result *res, size_t i,
                               unsigned char *needed, char *out, size_t outsz)
{
	const struct dti_framework *fw = res->fw;
	size_t len = 0, shown = 0, total = 0;
	out[0] = '\0';
	mark_needed(res, i, needed);
	unsigned char *listed = needed + fw->n;
	memset(listed, 0, fw->n);
	for (size_t k = 0; k < fw->n; k++) {
		const struct fw_node *nd = &fw->nodes[k];
		if (!needed[k] || !nd->nchildren ||
		    (res->flags[RES_AT(res, k, i)] & DTI_CELL_ENTERED))
			continue;
		for (size_t c = 0; c < nd->nchildren; c++) {
			size_t ch = nd->children[c];
			if (!isnan(nd->child_weights[c]) || listed[ch])
				continue;
			listed[ch] = 1;
			total++;
			if (shown < 8 && len < outsz) {
				int w = dti_snprintf(out + len, outsz - len,
				                     "%s%s", shown ? ", " : "",
				                     fw->nodes[ch].code);
				if (w > 0)
					len += (size_t)w;
				shown++;
			}
		}
	}
	if (total > shown && len < outsz)
		dti_snprintf(out + len, outsz - len, " and %zu more",
		             total - shown);
}

enum dti_status dti_compute(const struct dti_framework *fw,
                            const struct dti_dataset *ds, size_t cycle,
                            const struct dti_compute_opts *opts,
                            struct dti_result **out, struct dti_error *err)
{
	*out = NULL;
	struct dti_compute_opts def = DTI_COMPUTE_OPTS_INIT;
	if (!opts)
		opts = &def;
	if (ds->fw != fw)
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, NULL,
		                   "the data were read for another framework");
	if (cycle >= ds->ncycles)
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, NULL,
		                   "no cycle %zu in the data", cycle);
	struct dti_result *res = calloc(1, sizeof *res);
	if (!res)
		return dti_err_nomem(err);
	pthread_mutex_init(&res->lock, NULL);
	res->fw = fw;
	res->ds = ds;
	res->cycle = cycle;
	res->precision = opts->precision >= 0 ? opts->precision : fw->precision;
	if (res->precision > 15)
		res->precision = 15;
	res->missing =
	    opts->missing != DTI_MISSING_DEFAULT ? opts->missing : fw->missing;
	res->nn = fw->n;
	enum dti_status st = DTI_OK;

	/* units present in the cycle */
	res->units = malloc((ds->nunits ? ds->nunits : 1) * sizeof *res->units);
	res->pos_of =
	    malloc((ds->nunits ? ds->nunits : 1) * sizeof *res->pos_of);
	if (!res->units || !res->pos_of)
		goto nomem;
	const struct ds_cycle *cy = &ds->cycles[cycle];
	{
		unsigned char *present = calloc(ds->nunits ? ds->nunits : 1, 1);
		if (!present)
			goto nomem;
		for (size_t k = 0; k < fw->n; k++) {
			if (!cy->cols[k])
				continue;
			for (size_t u = 0; u < ds->nunits; u++)
				if (!isnan(cy->cols[k][u]))
					present[u] = 1;
		}
		for (size_t u = 0; u < ds->nunits; u++) {
			res->pos_of[u] = -1;
			if (present[u]) {
				res->pos_of[u] = (long)res->n;
				res->units[res->n++] = u;
			}
		}
		free(present);
	}
	size_t n = res->n, nn = res->nn;
	size_t cells = nn * (n ? n : 1);
	/* the matrices, in one block (see bigmem.c) */
	if (cells > SIZE_MAX / 32)
		goto nomem;
	res->block = dti_big_alloc(cells * (2 * sizeof(double) + sizeof(int)) +
	                           cells + 64);
	if (!res->block)
		goto nomem;
	res->value = (double *)res->block;
	res->figure = res->value + cells;
	res->rank = (int *)(res->figure + cells);
	res->flags = (unsigned char *)(res->rank + cells);
	memset(res->flags, 0, cells);
	if (opts->recompute) {
		res->entered = malloc(cells * sizeof *res->entered);
		if (!res->entered)
			goto nomem;
	}
	res->ranked = calloc(nn ? nn : 1, sizeof *res->ranked);
	res->group = calloc(n ? n : 1, sizeof *res->group);
	res->gid = malloc((n ? n : 1) * sizeof *res->gid);
	if (!res->ranked || !res->group || !res->gid)
		goto nomem;

	/* groups */
	const char *want = opts->group_by ? opts->group_by : fw->group_by;
	const char *dim = pick_group_dim(ds, want);
	if (opts->group_by && !dim) {
		st = dti_err_set(err, DTI_ENOTFOUND, NULL, 0, 0, "group_by",
		                 "the data have no group dimension '%s'",
		                 opts->group_by);
		goto fail;
	}
	if (!dim && want && ds->ngroupdims)
		dim = pick_group_dim(ds, NULL);
	{
		struct dti_map gmap = DTI_MAP_INIT;
		const char **gnames = NULL;
		size_t gcap = 0;
		for (size_t i = 0; i < n; i++) {
			res->gid[i] = -1;
			const char *g =
			    dim ? dti_dataset_group(ds, res->units[i], dim)
			        : NULL;
			res->group[i] = g;
			if (!g)
				continue;
			size_t id;
			if (!dti_map_get(&gmap, g, &id)) {
				id = res->ngroups++;
				if (dti_map_put(&gmap, g, id) ||
				    DTI_GROW(gnames, gcap, res->ngroups)) {
					dti_map_release(&gmap);
					free(gnames);
					goto nomem;
				}
				gnames[id] = g;
			}
			res->gid[i] = (long)id;
		}
		dti_map_release(&gmap);
		free(gnames);
		if (dim) {
			res->group_by = strdup(dim);
			if (!res->group_by)
				goto nomem;
		}
		res->gcount = calloc(nn * (res->ngroups ? res->ngroups : 1),
		                     sizeof *res->gcount);
		if (!res->gcount)
			goto nomem;
		if (res->ngroups) {
			res->grank = malloc(cells * sizeof *res->grank);
			if (!res->grank)
				goto nomem;
		}
	}

	/* scratch */
	size_t sn = n ? n : 1;
	size_t gn = res->ngroups ? res->ngroups : 1;
	double *work = malloc(sn * sizeof *work);
	double *acc = malloc(sn * sizeof *acc);
	double *wsum = malloc(sn * sizeof *wsum);
	double *wall = malloc(sn * sizeof *wall);
	double *gsum = malloc(gn * sizeof *gsum);
	size_t *gcnt = malloc(gn * sizeof *gcnt);
	size_t *idx = malloc(sn * sizeof *idx);
	unsigned char *unk = malloc(sn);
	unsigned char *has_data = calloc(cells, 1);
	struct keyed *ka = malloc(sn * sizeof *ka);
	struct keyed *kt = malloc(sn * sizeof *kt);
	int *glast_rank = malloc(gn * sizeof *glast_rank);
	long long *glast_key = malloc(gn * sizeof *glast_key);
	size_t *gseen = malloc(gn * sizeof *gseen);
	if (!work || !acc || !wsum || !wall || !gsum || !gcnt || !idx || !unk ||
	    !has_data || !ka || !kt || !glast_rank || !glast_key || !gseen) {
		st = dti_err_nomem(err);
		goto scratch_out;
	}

	size_t imputed = 0, missing_cells = 0, mismatches = 0, entered_aggs = 0;
	size_t mismatch_node = SIZE_MAX, mismatch_unit = 0;
	double mismatch_max = 0;
	double scale = fw->scale;
	struct agg_ctx actx = {fw,   res,  res->missing, acc,
	                       wsum, wall, unk,          err};
	for (size_t o = 0; o < nn; o++) {
		size_t k = fw->order[o];
		const struct fw_node *nd = &fw->nodes[k];
		double *fig = &res->figure[RES_AT(res, k, 0)];
		double *val = &res->value[RES_AT(res, k, 0)];
		double *ent =
		    res->entered ? &res->entered[RES_AT(res, k, 0)] : NULL;
		unsigned char *fl = &res->flags[RES_AT(res, k, 0)];
		unsigned char *hd = &has_data[RES_AT(res, k, 0)];
		const double *col = cy->cols[k];
		for (size_t i = 0; i < n; i++) {
			fig[i] = col ? col[res->units[i]] : NAN;
			if (ent)
				ent[i] = NAN;
			hd[i] = (unsigned char)!isnan(fig[i]);
		}
		if (nd->nchildren == 0) {
			if (nd->kind == DTI_KIND_STATISTIC) {
				memcpy(val, fig, n * sizeof *val);
				continue;
			}
			if (res->missing == DTI_MISSING_GROUP_MEAN &&
			    res->ngroups)
				impute_group_mean(res, k, fig, gsum, gcnt,
				                  &imputed);
			if (dti_rule_is_relative(nd->rule) ||
			    nd->rule == DTI_RULE_RAW) {
				score_relative(fw, nd, fig, val, n, idx, ka, kt,
				               work);
			} else {
				for (size_t i = 0; i < n; i++) {
					if (isnan(fig[i])) {
						val[i] = NAN;
						continue;
					}
					double s =
					    score_absolute(fw, nd, fig[i]);
					if (isnan(s))
						fl[i] |= DTI_CELL_UNKNOWN;
					val[i] = s * scale;
				}
			}
			for (size_t i = 0; i < n; i++) {
				if (!isnan(fig[i]) ||
				    (fl[i] & DTI_CELL_UNKNOWN))
					continue;
				fl[i] |= DTI_CELL_MISSING;
				missing_cells++;
				if (res->missing == DTI_MISSING_ZERO)
					val[i] = 0;
			}
			continue;
		}
		/* aggregate */
		st = aggregate(&actx, k, work);
		if (st)
			goto scratch_out;
		for (size_t i = 0; i < n; i++) {
			/* data below: every weighted child carries data */
			int all = 1, any = 0;
			for (size_t c = 0; c < nd->nchildren; c++) {
				size_t ch = nd->children[c];
				double w = nd->child_weights[c];
				if (!fw->nodes[ch].scored || w == 0)
					continue;
				if (has_data[RES_AT(res, ch, i)])
					any = 1;
				else
					all = 0;
			}
			int computable = any && all && !unk[i];
			if (!isnan(fig[i])) {
				entered_aggs++;
				if (computable &&
				    dti_round_scaled(work[i], res->precision) !=
				        dti_round_scaled(fig[i],
				                         res->precision)) {
					double d = fabs(work[i] - fig[i]);
					fl[i] |= DTI_CELL_MISMATCH;
					mismatches++;
					if (d > mismatch_max) {
						mismatch_max = d;
						mismatch_node = k;
						mismatch_unit = i;
					}
				}
				if (ent && computable) {
					ent[i] = fig[i];
					val[i] = work[i];
				} else {
					val[i] = fig[i];
					fl[i] |= DTI_CELL_ENTERED;
				}
				hd[i] = 1;
				continue;
			}
			hd[i] = (unsigned char)any;
			val[i] = work[i];
			if (unk[i])
				fl[i] |= DTI_CELL_UNKNOWN;
			else if (isnan(work[i]))
				fl[i] |= DTI_CELL_MISSING;
			else if (!all && res->missing != DTI_MISSING_ZERO &&
			         any)
				fl[i] |= DTI_CELL_PARTIAL;
		}
	}

	/* the index must be known */
	size_t unknown_units = 0, first_unknown = 0;
	for (size_t i = 0; i < n; i++)
		if (res->flags[RES_AT(res, fw->root, i)] & DTI_CELL_UNKNOWN) {
			if (!unknown_units)
				first_unknown = i;
			unknown_units++;
		}
	unsigned char *needed = malloc(2 * (nn ? nn : 1));
	if (!needed) {
		st = dti_err_nomem(err);
		goto scratch_out;
	}
	if (unknown_units) {
		char list[512];
		list_unknown_nodes(res, first_unknown, needed, list,
		                   sizeof list);
		if (!opts->allow_unknown) {
			st = dti_err_set(
			    err, DTI_EUNKNOWN, NULL, 0, 0,
			    fw->nodes[fw->root].code,
			    "cannot compute '%s' for %zu unit%s: framework "
			    "'%s' "
			    "does not know the points of %s (not published), "
			    "so they cannot be weighted; "
			    "enter '%s' directly, or show what is known "
			    "(--partial)",
			    fw->nodes[fw->root].code, unknown_units,
			    unknown_units == 1 ? "" : "s", dti_framework_id(fw),
			    list, fw->nodes[fw->root].code);
			free(needed);
			goto scratch_out;
		}
		dti_result_add_note(
		    res,
		    "'%s' is unknown for %zu unit%s: the points "
		    "of %s are not published",
		    "'%s' không xác định được cho %zu đơn vị%.0s: "
		    "điểm của %s chưa được công bố",
		    fw->nodes[fw->root].code, unknown_units,
		    unknown_units == 1 ? "" : "s", list);
	}

	/* ranks on the values rounded to the precision, node by node */
	long long *rd = malloc(sn * sizeof *rd);
	if (!rd) {
		free(needed);
		st = dti_err_nomem(err);
		goto scratch_out;
	}
	for (size_t k = 0; k < nn; k++) {
		if (fw->nodes[k].kind == DTI_KIND_STATISTIC) {
			for (size_t i = 0; i < n; i++) {
				res->rank[RES_AT(res, k, i)] = 0;
				if (res->grank)
					res->grank[RES_AT(res, k, i)] = 0;
			}
			continue;
		}
		const double *val = &res->value[RES_AT(res, k, 0)];
		for (size_t i = 0; i < n; i++)
			rd[i] = isnan(val[i])
			            ? 0
			            : dti_round_scaled(val[i], res->precision);
		rank_node(res, k, rd, ka, kt, glast_rank, glast_key, gseen);
	}
	free(rd);

	/* notes */
	{
		static const char *const en[] = {
		    "", "a missing figure scores 0",
		    "left out, weights re-scaled",
		    "imputed by the mean of the unit's group"};
		static const char *const vi[] = {
		    "", "số liệu thiếu được 0 điểm",
		    "bỏ qua, tính lại trọng số",
		    "ước tính bằng trung bình của nhóm"};
		dti_result_add_note(res, "missing figures: %s (%s%.0s)",
		                    "số liệu thiếu: %s (%.0s%s)",
		                    dti_missing_name(res->missing),
		                    en[res->missing], vi[res->missing]);
	}
	/* missing figures that count: under no entered value */
	size_t *miss = calloc(nn ? nn : 1, sizeof *miss);
	if (!miss) {
		free(needed);
		st = dti_err_nomem(err);
		goto scratch_out;
	}
	missing_cells = 0;
	if (!entered_aggs && n) {
		/* nothing entered: the same nodes are needed for every unit */
		mark_needed(res, 0, needed);
		for (size_t k = 0; k < nn; k++) {
			if (fw->nodes[k].nchildren || !needed[k])
				continue;
			const unsigned char *fl =
			    &res->flags[RES_AT(res, k, 0)];
			for (size_t i = 0; i < n; i++)
				if (fl[i] & DTI_CELL_MISSING)
					miss[k]++;
			missing_cells += miss[k];
		}
	}
	for (size_t i = 0; entered_aggs && i < n; i++) {
		mark_needed(res, i, needed);
		for (size_t k = 0; k < nn; k++)
			if (!fw->nodes[k].nchildren && needed[k] &&
			    (res->flags[RES_AT(res, k, i)] &
			     DTI_CELL_MISSING)) {
				miss[k]++;
				missing_cells++;
			}
	}
	free(needed);
	if (missing_cells) {
		/* name the nodes with the most missing figures */
		char list[400] = "";
		size_t len = 0, shown = 0, more = 0;
		for (size_t k = 0; k < nn; k++) {
			size_t cnt = miss[k];
			if (!cnt)
				continue;
			if (shown < 6 && len < sizeof list) {
				int w = dti_snprintf(
				    list + len, sizeof list - len, "%s%s %zu",
				    shown ? ", " : "", fw->nodes[k].code, cnt);
				if (w > 0)
					len += (size_t)w;
				shown++;
			} else {
				more++;
			}
		}
		if (more && len < sizeof list)
			dti_snprintf(list + len, sizeof list - len,
			             " and %zu more indicators", more);
		dti_result_add_note(res, "%zu figure%s missing (%s)",
		                    "thiếu %zu số liệu%.0s (%s)", missing_cells,
		                    missing_cells == 1 ? " is" : "s are", list);
	}
	free(miss);
	if (imputed)
		dti_result_add_note(res,
		                    "%zu figure%s imputed by the mean of the "
		                    "unit's %s",
		                    "%zu số liệu%.0s được ước tính bằng trung "
		                    "bình của nhóm (%s)",
		                    imputed, imputed == 1 ? "" : "s",
		                    res->group_by ? res->group_by : "group");
	if (res->missing == DTI_MISSING_GROUP_MEAN && !res->ngroups)
		dti_result_add_note(
		    res,
		    "no groups in the data: nothing could "
		    "be imputed by group mean",
		    "dữ liệu không có nhóm: không ước tính được "
		    "theo trung bình nhóm");
	if (entered_aggs)
		dti_result_add_note(
		    res,
		    "%zu value%s of aggregates entered in the "
		    "data %s%.0s",
		    "%zu giá trị tổng hợp%.0s nhập trong dữ liệu "
		    "%.0s%s",
		    entered_aggs, entered_aggs == 1 ? "" : "s",
		    opts->recompute ? "were checked and replaced by values "
		                      "computed from their indicators where "
		                      "those are in the data"
		                    : "are used as entered",
		    opts->recompute ? "được kiểm tra và thay bằng giá trị tính "
		                      "từ các chỉ số thành phần (nếu có)"
		                    : "được dùng như đã nhập");
	if (mismatches) {
		struct dti_dataset_unit du;
		dti_dataset_unit(ds, res->units[mismatch_unit], &du);
		dti_result_add_note(
		    res,
		    "%zu entered value%s differ%s from the value computed from "
		    "the indicators (largest: '%s' of %s, by %.*f)",
		    "%zu giá trị nhập%.0s%.0s khác giá trị tính từ các chỉ số "
		    "(lớn nhất: '%s' của %s, lệch %.*f)",
		    mismatches, mismatches == 1 ? "" : "s",
		    mismatches == 1 ? "s" : "", fw->nodes[mismatch_node].code,
		    du.name, res->precision + 2, mismatch_max);
	}
	if (dti_dataset_synthetic(ds))
		dti_result_add_note(
		    res,
		    "SYNTHETIC DATA: demo values, not "
		    "official results",
		    "DỮ LIỆU MÔ PHỎNG: không phải kết quả chính "
		    "thức");

scratch_out:
	free(work);
	free(acc);
	free(wsum);
	free(wall);
	free(gsum);
	free(gcnt);
	free(idx);
	free(unk);
	free(has_data);
	free(ka);
	free(kt);
	free(glast_rank);
	free(glast_key);
	free(gseen);
	if (st)
		goto fail;
	*out = res;
	return DTI_OK;
nomem:
	st = dti_err_nomem(err);
fail:
	dti_result_free(res);
	return st;
}

/* ---- accessors ------------------------------------------------------- */

const struct dti_framework *dti_result_framework(const struct dti_result *res)
{
	return res->fw;
}

const struct dti_dataset *dti_result_dataset(const struct dti_result *res)
{
	return res->ds;
}

const char *dti_result_cycle(const struct dti_result *res)
{
	return res->ds->cycles[res->cycle].label;
}

size_t dti_result_cycle_index(const struct dti_result *res)
{
	return res->cycle;
}

int dti_result_precision(const struct dti_result *res)
{
	return res->precision;
}

enum dti_missing dti_result_missing(const struct dti_result *res)
{
	return res->missing;
}

const char *dti_result_group_by(const struct dti_result *res)
{
	return res->group_by;
}

const char *dti_result_data_hash(const struct dti_result *cres)
{
	/* computed on first use: most computations never show it */
	struct dti_result *res = (struct dti_result *)cres;
	pthread_mutex_lock(&res->lock);
	if (!res->hash[0] &&
	    dti_dataset_hash(res->ds, res->cycle, res->hash) != DTI_OK)
		res->hash[0] = '\0';
	pthread_mutex_unlock(&res->lock);
	return res->hash;
}

size_t dti_result_unit_count(const struct dti_result *res)
{
	return res->n;
}

size_t dti_result_unit(const struct dti_result *res, size_t i)
{
	return res->units[i];
}

long dti_result_find_unit(const struct dti_result *res, size_t ds_unit)
{
	return ds_unit < res->ds->nunits ? res->pos_of[ds_unit] : -1;
}

const char *dti_result_unit_group(const struct dti_result *res, size_t i)
{
	return res->group[i];
}

double dti_result_value(const struct dti_result *res, size_t i, size_t node)
{
	return res->value[RES_AT(res, node, i)];
}

double dti_result_figure(const struct dti_result *res, size_t i, size_t node)
{
	if (res->fw->nodes[node].nchildren)
		return NAN;
	return res->figure[RES_AT(res, node, i)];
}

double dti_result_points(const struct dti_result *res, size_t i, size_t node)
{
	const struct fw_node *nd = &res->fw->nodes[node];
	if (!res->fw->uses_points || nd->points_known != 1 ||
	    nd->kind == DTI_KIND_STATISTIC)
		return NAN;
	return res->value[RES_AT(res, node, i)] / res->fw->scale * nd->points;
}

long long dti_result_rounded(const struct dti_result *res, size_t i,
                             size_t node)
{
	double v = res->value[RES_AT(res, node, i)];
	return isnan(v) ? 0 : dti_round_scaled(v, res->precision);
}

int dti_result_rank(const struct dti_result *res, size_t i, size_t node)
{
	return res->rank[RES_AT(res, node, i)];
}

int dti_result_group_rank(const struct dti_result *res, size_t i, size_t node)
{
	return res->grank ? res->grank[RES_AT(res, node, i)] : 0;
}

size_t dti_result_ranked_count(const struct dti_result *res, size_t node)
{
	return res->ranked[node];
}

size_t dti_result_group_size(const struct dti_result *res, size_t i,
                             size_t node)
{
	if (res->gid[i] < 0 || !res->ngroups)
		return 0;
	return res->gcount[node * res->ngroups + (size_t)res->gid[i]];
}

unsigned dti_result_flags(const struct dti_result *res, size_t i, size_t node)
{
	return res->flags[RES_AT(res, node, i)];
}

double dti_result_entered(const struct dti_result *res, size_t i, size_t node)
{
	return res->entered ? res->entered[RES_AT(res, node, i)] : NAN;
}

static const struct dti_result *sort_res;
static size_t sort_node;

static int cmp_order(const void *pa, const void *pb)
{
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	const struct dti_result *res = sort_res;
	int ra = res->rank[RES_AT(res, sort_node, a)];
	int rb = res->rank[RES_AT(res, sort_node, b)];
	if (ra != rb) {
		if (!ra)
			return 1;
		if (!rb)
			return -1;
		return ra < rb ? -1 : 1;
	}
	const char *na = res->ds->u[res->units[a]].name;
	const char *nb = res->ds->u[res->units[b]].name;
	int c = dti_text_collate(na, nb);
	if (c)
		return c;
	return a < b ? -1 : (a > b);
}

static pthread_mutex_t sort_lock = PTHREAD_MUTEX_INITIALIZER;

const size_t *dti_result_order(const struct dti_result *cres, size_t node)
{
	struct dti_result *res = (struct dti_result *)cres;
	if (node >= res->nn)
		return NULL;
	pthread_mutex_lock(&res->lock);
	if (!res->order)
		res->order = calloc(res->nn, sizeof *res->order);
	size_t *o = res->order ? res->order[node] : NULL;
	if (res->order && !o) {
		o = malloc((res->n ? res->n : 1) * sizeof *o);
		if (o) {
			for (size_t i = 0; i < res->n; i++)
				o[i] = i;
			/* qsort has no context argument: serialise the sorts */
			pthread_mutex_lock(&sort_lock);
			sort_res = res;
			sort_node = node;
			qsort(o, res->n, sizeof *o, cmp_order);
			pthread_mutex_unlock(&sort_lock);
			res->order[node] = o;
		}
	}
	pthread_mutex_unlock(&res->lock);
	return o;
}

size_t dti_result_note_count(const struct dti_result *res)
{
	return res->nnotes;
}

const char *dti_result_note(const struct dti_result *res, size_t i)
{
	return i < res->nnotes ? res->notes[i] : NULL;
}

const char *dti_result_note_vi(const struct dti_result *res, size_t i)
{
	return i < res->nnotes ? res->notes_vi[i] : NULL;
}

/* ---- previous cycle -------------------------------------------------- */

enum dti_status dti_result_set_previous(struct dti_result *res,
                                        const struct dti_result *prev,
                                        struct dti_error *err)
{
	free(res->prev_pos);
	free(res->prev_node);
	res->prev_pos = NULL;
	res->prev_node = NULL;
	res->prev = NULL;
	if (!prev)
		return DTI_OK;
	res->prev_pos = malloc((res->n ? res->n : 1) * sizeof *res->prev_pos);
	res->prev_node =
	    malloc((res->nn ? res->nn : 1) * sizeof *res->prev_node);
	if (!res->prev_pos || !res->prev_node)
		return dti_err_nomem(err);
	size_t matched = 0;
	for (size_t i = 0; i < res->n; i++) {
		const char *id = res->ds->u[res->units[i]].id;
		long du = dti_dataset_find_unit(prev->ds, id);
		res->prev_pos[i] = du >= 0 ? prev->pos_of[du] : -1;
		if (res->prev_pos[i] >= 0)
			matched++;
	}
	for (size_t k = 0; k < res->nn; k++)
		res->prev_node[k] =
		    dti_framework_find(prev->fw, res->fw->nodes[k].code);
	res->prev = prev;
	if (!matched)
		dti_result_add_note(
		    res,
		    "no unit of %s is in the previous cycle %s: "
		    "no changes (re-base the earlier cycle onto "
		    "the current units first)",
		    "không đơn vị nào của kỳ %s có trong kỳ %s: "
		    "không so sánh được (hãy quy đổi kỳ trước "
		    "sang các đơn vị hiện nay)",
		    dti_result_cycle(res), dti_result_cycle(prev));
	else if (matched < res->n)
		dti_result_add_note(res,
		                    "%zu of %zu units have no previous value "
		                    "(cycle %s)",
		                    "%zu trong %zu đơn vị không có giá trị kỳ "
		                    "trước (kỳ %s)",
		                    res->n - matched, res->n,
		                    dti_result_cycle(prev));
	return DTI_OK;
}

const struct dti_result *dti_result_previous(const struct dti_result *res)
{
	return res->prev;
}

double dti_result_change(const struct dti_result *res, size_t i, size_t node)
{
	if (!res->prev || res->prev_pos[i] < 0 || res->prev_node[node] < 0)
		return NAN;
	const struct dti_result *p = res->prev;
	size_t pi = (size_t)res->prev_pos[i], pk = (size_t)res->prev_node[node];
	double a = res->value[RES_AT(res, node, i)];
	double b = p->value[RES_AT(p, pk, pi)];
	if (isnan(a) || isnan(b))
		return NAN;
	/* the change of the published (rounded) values */
	long long ra = dti_result_rounded(res, i, node);
	long long rb = dti_result_rounded(p, pi, pk);
	if (res->precision == p->precision)
		return (double)(ra - rb) / dti_pow10(res->precision);
	return a - b;
}

int dti_result_rank_change(const struct dti_result *res, size_t i, size_t node,
                           int *ok)
{
	*ok = 0;
	if (!res->prev || res->prev_pos[i] < 0 || res->prev_node[node] < 0)
		return 0;
	const struct dti_result *p = res->prev;
	int a = res->rank[RES_AT(res, node, i)];
	int b = p->rank[RES_AT(p, (size_t)res->prev_node[node],
	                       (size_t)res->prev_pos[i])];
	if (!a || !b)
		return 0;
	*ok = 1;
	return b - a;
}
