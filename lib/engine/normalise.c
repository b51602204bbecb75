/*
 * lib/engine/normalise.c - leaves normalised over a column: min-max,
 * goalposts, z-score, rank, percentile rank, Borda score, ratio to the
 * maximum, scaled, distance to a target or to a unit, or the raw figure.  A
 * normalisation sees every unit's figure of the node at once; polarity flips
 * the figure first. A column that cannot be normalised (one value, no spread)
 * stays empty.
 */
#include <string.h>

#include "engine/model.h"

void eng_normalise(const struct dti_framework *fw, const struct fw_node *nd,
                   const double *fig, double *val, size_t n, size_t *idx,
                   struct keyed *ka, struct keyed *kt, double *work, long ref)
{
	const struct rule_params *rp = &nd->rp;
	double sgn = nd->polarity < 0 ? -1.0 : 1.0;
	if (nd->rule == DTI_RULE_MINMAX) {
		/* the most common normalisation: two passes, no index */
		double mn = INFINITY, mx = -INFINITY;
		for (size_t i = 0; i < n; i++) {
			double x = sgn * fig[i];
			if (isnan(x))
				continue;
			if (x < mn)
				mn = x;
			if (x > mx)
				mx = x;
		}
		if (!(mx > mn)) { /* no figure, or all equal: no value */
			for (size_t i = 0; i < n; i++)
				val[i] = NAN;
			return;
		}
		double span = mx - mn, out = rp->hi - rp->lo, lo = rp->lo;
		for (size_t i = 0; i < n; i++) {
			double x = sgn * fig[i];
			val[i] = isnan(x) ? NAN : (x - mn) / span * out + lo;
		}
		return;
	}
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
			double x = work[idx[k]], f = (x - l) / (u - l);
			val[idx[k]] = (rp->notrunc ? f : eng_clamp01(f)) *
			                  (rp->hi - rp->lo) +
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
	case DTI_RULE_BORDA: {
		/* the units below it: its rank from the lowest, ties at the
		   lowest, less one */
		eng_min_ranks(work, idx, m, val, ka, kt);
		for (size_t k = 0; k < m; k++)
			val[idx[k]] -= 1;
		break;
	}
	case DTI_RULE_SCALED: {
		/* the bounds are the figure's: they flip with it */
		double l = sgn > 0 ? rp->min : -rp->max;
		double u = sgn > 0 ? rp->max : -rp->min;
		for (size_t k = 0; k < m; k++)
			val[idx[k]] = (work[idx[k]] - l) / (u - l) * rp->factor;
		break;
	}
	case DTI_RULE_DIST2REF: {
		if (ref < 0 || isnan(fig[ref]))
			return; /* no reference figure: no value */
		double t = work[ref];
		if (t == mn)
			return;
		for (size_t k = 0; k < m; k++) {
			/* 1 less the fraction of the way down to the minimum,
			   as COINr computes it (the same to rounding) */
			double f = 1 - (t - work[idx[k]]) / (t - mn);
			if (rp->cap == 1 && f > 1)
				f = 1;
			val[idx[k]] = f * fw->scale;
		}
		break;
	}
	case DTI_RULE_RANK:
	case DTI_RULE_PRANK: {
		double *rk = val;
		eng_min_ranks(work, idx, m, rk, ka, kt);
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
