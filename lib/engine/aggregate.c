/*
 * lib/engine/aggregate.c - an aggregate over its children: weighted
 * arithmetic, geometric, harmonic or power mean, with the missing-value
 * policy (zero, or left out with the weights re-scaled), a minimum
 * coverage of weight, and the zero rule of the means that cannot take a
 * zero (shift, or refuse).  A child with unknown points makes the
 * aggregate unknown for every unit.
 */
#include <string.h>

#include "engine/model.h"

/* Computes the aggregate of node k for every unit into out[]. */
enum dti_status eng_aggregate(struct agg_ctx *a, size_t k, double *out)
{
	const struct fw_node *nd = &a->nodes[k];
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
	/* locals: without strict aliasing, fields read through a pointer
	   would be read again after every store in the loops below */
	const enum dti_agg method = nd->method;
	const double power = nd->power;
	const enum dti_missing missing = a->missing;
	for (size_t c = 0; c < nd->nchildren; c++) {
		size_t ch = nd->children[c];
		double w = nd->child_weights[c];
		if (!a->nodes[ch].scored)
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
		if (method == DTI_AGG_ARITH && shift == 0) {
			/*
			 * The common case without branches, so the compiler
			 * runs it several units a step: a unit whose child is
			 * unknown gets NaN in the end whatever it adds here,
			 * and a missing figure adds 0 (zero policy: 0 with
			 * its weight; exclude: nothing).
			 */
			double wmiss = missing == DTI_MISSING_ZERO ? w : 0.0;
			double *restrict ac = acc, *restrict ws = wsum,
			                 *restrict wa = wall;
			unsigned char *restrict un = unk;
			for (size_t i = 0; i < n; i++)
				un[i] |= fl[i] & DTI_CELL_UNKNOWN;
			for (size_t i = 0; i < n; i++) {
				double x = v[i];
				int ok = x == x; /* not NaN */
				double xv = ok ? x : 0.0;
				wa[i] += w;
				ac[i] += w * xv;
				ws[i] += ok ? w : wmiss;
			}
			continue;
		}
		for (size_t i = 0; i < n; i++) {
			if (fl[i] & DTI_CELL_UNKNOWN) {
				unk[i] = 1;
				continue;
			}
			wall[i] += w;
			double x = v[i];
			if (isnan(x)) {
				if (missing == DTI_MISSING_ZERO)
					x = 0;
				else
					continue;
			}
			x += shift;
			switch (method) {
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
				if (x < 0 || (x == 0 && power < 0)) {
					zero_seen = 1;
					acc[i] = NAN;
				} else if (!isnan(acc[i])) {
					acc[i] += w * pow(x, power);
				}
				break;
			}
			wsum[i] += w;
		}
	}
	if (zero_seen && nd->zero == DTI_ZERO_ERROR) {
		for (size_t i = 0; i < n; i++) {
			int bad =
			    (method == DTI_AGG_GEOM && acc[i] == -INFINITY) ||
			    (method == DTI_AGG_HARM && acc[i] == INFINITY) ||
			    (method == DTI_AGG_GENMEAN && isnan(acc[i]) &&
			     wsum[i] > 0);
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
			    method == DTI_AGG_GEOM ? "geometric" : "harmonic",
			    nd->code);
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (unk[i]) {
			out[i] = NAN;
			continue;
		}
		if (wsum[i] <= 0) {
			out[i] = (wall[i] > 0 && missing == DTI_MISSING_ZERO)
			             ? 0
			             : NAN;
			/* all weights zero (e.g. only a 0-point child) */
			if (wall[i] == 0 && missing == DTI_MISSING_ZERO)
				out[i] = 0;
			continue;
		}
		if (nd->coverage > 0 && wall[i] > 0 &&
		    wsum[i] / wall[i] < nd->coverage) {
			out[i] = NAN;
			continue;
		}
		double y;
		switch (method) {
		case DTI_AGG_ARITH: y = acc[i] / wsum[i]; break;
		case DTI_AGG_GEOM:
			y = acc[i] == -INFINITY ? 0 : exp(acc[i] / wsum[i]);
			break;
		case DTI_AGG_HARM:
			y = acc[i] == INFINITY ? 0 : wsum[i] / acc[i];
			break;
		default:
			y = isnan(acc[i]) ? 0
			                  : pow(acc[i] / wsum[i], 1 / power);
			break;
		}
		if (shift != 0 &&
		    !(method != DTI_AGG_ARITH && y == 0 && zero_seen))
			y -= shift;
		out[i] = y;
	}
	return DTI_OK;
}
