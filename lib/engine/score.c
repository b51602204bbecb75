/*
 * lib/engine/score.c - leaves scored unit by unit: the absolute rules
 * (yes/no, ratio with floor and target, count with cap, steps, points,
 * survey scale, value) give a fraction of the maximum; and the imputation
 * of missing figures by their group's mean, before scoring.
 */
#include <string.h>

#include "engine/model.h"

double eng_clamp01(double x)
{
	return x < 0 ? 0 : (x > 1 ? 1 : x);
}

/* Fraction of the maximum for absolute rules; NaN if unknowable. */
static inline double score_one(const struct dti_framework *fw,
                               const struct fw_node *nd, double x)
{
	const struct rule_params *rp = &nd->rp;
	int neg = nd->polarity < 0;
	switch (nd->rule) {
	case DTI_RULE_YESNO: return neg ? 1 - x : x;
	case DTI_RULE_RATIO:
		return eng_clamp01((x - rp->floor) / (rp->target - rp->floor));
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
		double f = eng_clamp01((x - rp->min) / (rp->max - rp->min));
		return neg ? 1 - f : f;
	}
	case DTI_RULE_VALUE: return x / fw->scale;
	default: return NAN;
	}
}

double eng_score_one(const struct dti_framework *fw, const struct fw_node *nd,
                     double x)
{
	return score_one(fw, nd, x);
}

/*
 * The rule is chosen once for the column and the loop runs inside it: the
 * DTI's 98 components over 63 provinces are 6,174 cells a computation.
 */
#define SCORE_LOOP(rule_const)                                                 \
	do {                                                                   \
		struct fw_node one = *nd;                                      \
		one.rule = (rule_const);                                       \
		for (size_t i = 0; i < n; i++) {                               \
			double x = fig[i];                                     \
			val[i] =                                               \
			    isnan(x) ? NAN : score_one(fw, &one, x) * scale;   \
		}                                                              \
	} while (0)

void eng_score_column(const struct dti_framework *fw, const struct fw_node *nd,
                      const double *fig, double *val, unsigned char *flags,
                      size_t n)
{
	double scale = fw->scale;
	switch (nd->rule) {
	case DTI_RULE_YESNO: SCORE_LOOP(DTI_RULE_YESNO); break;
	case DTI_RULE_RATIO: SCORE_LOOP(DTI_RULE_RATIO); break;
	case DTI_RULE_COUNT: SCORE_LOOP(DTI_RULE_COUNT); break;
	case DTI_RULE_STEPS: SCORE_LOOP(DTI_RULE_STEPS); break;
	case DTI_RULE_SURVEY: SCORE_LOOP(DTI_RULE_SURVEY); break;
	case DTI_RULE_VALUE: SCORE_LOOP(DTI_RULE_VALUE); break;
	default:
		for (size_t i = 0; i < n; i++) {
			double x = fig[i];
			val[i] = isnan(x) ? NAN : score_one(fw, nd, x) * scale;
		}
	}
	/* a figure that cannot be scored (unknown points) */
	for (size_t i = 0; i < n; i++)
		if (isnan(val[i]) && !isnan(fig[i]))
			flags[i] |= DTI_CELL_UNKNOWN;
}

void eng_impute_group_mean(struct dti_result *res, size_t k, double *fig,
                           double *gsum, size_t *gcnt, size_t *imputed)
{
	/* locals: the project compiles without strict aliasing, so fields
	   read through res would be read again after every store */
	size_t n = res->n, ng = res->ngroups, count = 0;
	const long *gid = res->gid;
	unsigned char *fl = &res->flags[RES_AT(res, k, 0)];
	for (size_t g = 0; g < ng; g++) {
		gsum[g] = 0;
		gcnt[g] = 0;
	}
	for (size_t i = 0; i < n; i++)
		if (!isnan(fig[i]) && gid[i] >= 0) {
			gsum[gid[i]] += fig[i];
			gcnt[gid[i]]++;
		}
	for (size_t i = 0; i < n; i++) {
		if (!isnan(fig[i]) || gid[i] < 0)
			continue;
		size_t g = (size_t)gid[i];
		if (!gcnt[g])
			continue;
		fig[i] = gsum[g] / (double)gcnt[g];
		fl[i] |= DTI_CELL_IMPUTED;
		count++;
	}
	*imputed += count;
}
