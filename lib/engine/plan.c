/*
 * lib/engine/plan.c - the planner (see dti/plan.h).
 *
 * One model of the cycle (compute.c) serves every computation: the unit's
 * figures are overridden with dti_model_set_figure and the model re-run,
 * so what the plan says is what a computation of the planned figures
 * gives.  The greedy choice uses the effective weights of explain.c where
 * the path to the target node is arithmetic, else the gain measured by
 * running the model with the indicator at its maximum.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "dti/plan.h"
#include "engine/model.h"

#define MAX_TRIES 6

void dti_plan_opts_init(struct dti_plan_opts *o)
{
	memset(o, 0, sizeof *o);
	o->node = -1;
	o->target_value = NAN;
}

/* A leaf the unit can raise by its own figure. */
static int plannable(const struct fw_node *nd)
{
	if (nd->nchildren || nd->kind == DTI_KIND_STATISTIC || !nd->scored)
		return 0;
	switch (nd->rule) {
	case DTI_RULE_YESNO:
	case DTI_RULE_RATIO:
	case DTI_RULE_COUNT:
	case DTI_RULE_STEPS:
	case DTI_RULE_POINTS:
	case DTI_RULE_SURVEY:
	case DTI_RULE_VALUE: return nd->points_known != 0;
	default: return 0;
	}
}

/*
 * The figure giving the fraction f (0..1) of the leaf's maximum, for the
 * rules that move continuously (a count is a whole number: rounded up to
 * reach at least f).
 */
static double figure_for(const struct dti_framework *fw,
                         const struct fw_node *nd, double f)
{
	const struct rule_params *rp = &nd->rp;
	int neg = nd->polarity < 0;
	switch (nd->rule) {
	case DTI_RULE_RATIO: return rp->floor + f * (rp->target - rp->floor);
	case DTI_RULE_COUNT:
		return neg ? floor((1 - f) * rp->cap + 1e-9)
		           : ceil(f * rp->cap - 1e-9);
	case DTI_RULE_POINTS: return f * nd->points;
	case DTI_RULE_SURVEY:
		return neg ? rp->max - f * (rp->max - rp->min)
		           : rp->min + f * (rp->max - rp->min);
	case DTI_RULE_VALUE: return f * fw->scale;
	case DTI_RULE_YESNO: return neg ? (f > 0 ? 0 : 1) : (f > 0 ? 1 : 0);
	default: return NAN;
	}
}

/* The best figure of a leaf: its rule's maximum, or the cap if lower. */
static double best_figure(const struct dti_framework *fw,
                          const struct fw_node *nd, double cap)
{
	double best;
	if (nd->rule == DTI_RULE_STEPS) {
		const struct rule_params *rp = &nd->rp;
		size_t top = 0;
		for (size_t i = 0; i < rp->nsteps; i++)
			if (rp->pts[i] > rp->pts[top])
				top = i;
		best = rp->nsteps ? rp->thr[top] : NAN;
	} else {
		best = figure_for(fw, nd, 1);
	}
	if (isnan(cap) || isnan(best))
		return best;
	/* the cap limits the figure in the direction that scores */
	double fb = eng_score_one(fw, nd, best),
	       fc = eng_score_one(fw, nd, cap);
	return fc < fb ? cap : best;
}

struct cand {
	size_t node;
	double v0, vmax; /* the leaf's value now, and at its best figure */
	double fig0, figmax;
	double w;    /* gain of the target node per unit of value */
	double cost; /* effort per unit of value */
	int discrete;
};

static int by_efficiency(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;
	double ex = x->w / x->cost, ey = y->w / y->cost;
	if (ex != ey)
		return ex > ey ? -1 : 1;
	double gx = x->vmax - x->v0, gy = y->vmax - y->v0;
	if (gx != gy)
		return gx > gy ? -1 : 1;
	return x->node < y->node ? -1 : x->node > y->node;
}

static int by_value_desc(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x < y) - (x > y);
}

/* The node's value and rank for the unit at result position ri. */
static void standing(const struct dti_result *res, size_t node, size_t ri,
                     double *value, int *rank)
{
	*value = res->value[RES_AT(res, node, ri)];
	*rank = res->rank[RES_AT(res, node, ri)];
}

/*
 * The smallest figure of a thresholds leaf whose value reaches want (in
 * the leaf's value units), or its best one; *v gets the value then.
 */
static double steps_figure(const struct dti_framework *fw,
                           const struct fw_node *nd, double want, double best,
                           double *v)
{
	const struct rule_params *rp = &nd->rp;
	double fig = best;
	*v = eng_score_one(fw, nd, best) * fw->scale;
	for (size_t i = 0; i < rp->nsteps; i++) {
		double val = eng_score_one(fw, nd, rp->thr[i]) * fw->scale;
		if (val >= want - 1e-12 && val < *v) {
			*v = val;
			fig = rp->thr[i];
		}
	}
	return fig;
}

/*
 * A figure as people would write it: a share to a tenth of a percent, a
 * value to the precision, others to two decimals; rounded the way that
 * scores no less, and never past the best figure.
 */
static double tidy(const struct dti_framework *fw, const struct fw_node *nd,
                   double x, double best, int precision)
{
	double step;
	if (nd->rule == DTI_RULE_COUNT)
		return x;
	if (nd->rule == DTI_RULE_RATIO && fabs(nd->rp.floor) <= 1 &&
	    fabs(nd->rp.target) <= 1)
		step = 1e-3;
	else if (nd->rule == DTI_RULE_VALUE)
		step = 1 / dti_pow10(precision);
	else
		step = 1e-2;
	double up = ceil(x / step - 1e-9) * step,
	       down = floor(x / step + 1e-9) * step;
	double s0 = eng_score_one(fw, nd, x);
	double r = eng_score_one(fw, nd, up) >= s0 ? up : down;
	if (eng_score_one(fw, nd, r) < s0)
		r = x;
	if (eng_score_one(fw, nd, r) > eng_score_one(fw, nd, best))
		r = best;
	return r;
}

/* The steps of a greedy plan for gaining `need` in the target node. */
static size_t greedy(const struct dti_framework *fw, const struct cand *c,
                     size_t n, double need, int precision,
                     struct dti_plan_step *out)
{
	size_t k = 0;
	for (size_t i = 0; i < n && need > 0; i++) {
		const struct fw_node *nd = &fw->nodes[c[i].node];
		double room = c[i].vmax - c[i].v0;
		if (room <= 1e-12 || !(c[i].w > 0))
			continue;
		double want = c[i].v0 + need / c[i].w, v1, fig;
		if (nd->rule == DTI_RULE_STEPS) {
			fig = steps_figure(fw, nd, want, c[i].figmax, &v1);
		} else if (c[i].discrete || want >= c[i].vmax) {
			fig = c[i].figmax;
			v1 = c[i].vmax;
		} else {
			fig = tidy(fw, nd, figure_for(fw, nd, want / fw->scale),
			           c[i].figmax, precision);
			v1 = eng_score_one(fw, nd, fig) * fw->scale;
		}
		if (!(v1 > c[i].v0))
			continue;
		struct dti_plan_step *s = &out[k++];
		s->node = c[i].node;
		s->figure_from = c[i].fig0;
		s->figure_to = fig;
		s->value_from = c[i].v0;
		s->value_to = v1;
		s->gain = (v1 - c[i].v0) * c[i].w;
		s->effort = (v1 - c[i].v0) * c[i].cost;
		s->points = fw->uses_points && nd->points_known == 1
		                ? (v1 - c[i].v0) / fw->scale * nd->points
		                : NAN;
		need -= s->gain;
	}
	return k;
}

static enum dti_status apply(struct dti_model *m, size_t du,
                             const struct dti_plan_step *s, size_t n,
                             struct dti_error *err)
{
	dti_model_reset(m);
	for (size_t i = 0; i < n; i++) {
		enum dti_status st =
		    dti_model_set_figure(m, du, s[i].node, s[i].figure_to, err);
		if (st != DTI_OK)
			return st;
	}
	return dti_model_run(m, err);
}

static enum dti_status find_unit(const struct dti_dataset *ds, const char *unit,
                                 size_t *du, struct dti_error *err)
{
	long i = dti_dataset_find_unit(ds, unit);
	if (i >= 0) {
		*du = (size_t)i;
		return DTI_OK;
	}
	char key[256], k2[256];
	dti_text_fold(unit, key, sizeof key);
	for (size_t u = 0; u < dti_dataset_unit_count(ds); u++) {
		struct dti_dataset_unit x;
		dti_dataset_unit(ds, u, &x);
		dti_text_fold(x.name, k2, sizeof k2);
		if (*key && strcmp(key, k2) == 0) {
			*du = u;
			return DTI_OK;
		}
	}
	return dti_err_set(err, DTI_ENOTFOUND, NULL, 0, 0, "unit",
	                   "no unit '%s' in the data", unit);
}

enum dti_status dti_plan(const struct dti_framework *fw,
                         const struct dti_dataset *ds, size_t cycle,
                         const struct dti_compute_opts *co, const char *unit,
                         const struct dti_plan_opts *o, struct dti_plan *out,
                         struct dti_error *err)
{
	memset(out, 0, sizeof *out);
	out->fw = fw;
	struct dti_plan_opts def;
	if (!o) {
		dti_plan_opts_init(&def);
		o = &def;
	}
	size_t node = o->node >= 0 ? (size_t)o->node : fw->root;
	if (node >= fw->n)
		return dti_err_set(err, DTI_ENOTFOUND, NULL, 0, 0, "node",
		                   "no node %ld in the framework", o->node);
	if (o->target_rank <= 0 && isnan(o->target_value))
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, "target",
		                   "no target: give a rank or a value");
	if (o->target_rank <= 0 &&
	    (o->target_value < 0 || o->target_value > fw->scale))
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, "target",
		                   "a target value is within 0..%g", fw->scale);
	size_t du = 0;
	enum dti_status st = find_unit(ds, unit, &du, err);
	if (st != DTI_OK)
		return st;
	struct dti_model *m = NULL;
	st = dti_model_new(fw, ds, cycle, co, &m, err);
	if (st == DTI_OK)
		st = dti_model_set_ranked(m, &node, 1, err);
	if (st == DTI_OK)
		st = dti_model_run(m, err);
	const struct dti_result *res =
	    st == DTI_OK ? dti_model_result(m) : NULL;
	long ri = res ? dti_result_find_unit(res, du) : -1;
	if (st == DTI_OK && ri < 0)
		st =
		    dti_err_set(err, DTI_ENOTFOUND, NULL, 0, 0, "unit",
		                "unit '%s' has no figures in this cycle", unit);
	struct cand *c = NULL;
	double *eff = NULL, *others = NULL;
	size_t nc = 0;
	if (st == DTI_OK) {
		struct dti_dataset_unit x;
		dti_dataset_unit(ds, du, &x);
		out->unit_id = x.id;
		out->unit_name = x.name;
		out->node = node;
		out->precision = res->precision;
		out->target_rank = o->target_rank;
		out->ranked = res->ranked[node];
		standing(res, node, (size_t)ri, &out->value_from,
		         &out->rank_from);
		if (o->target_rank > 0 && (size_t)o->target_rank > out->ranked)
			st = dti_err_set(err, DTI_EARG, NULL, 0, 0, "target",
			                 "rank %d: only %zu units are ranked",
			                 o->target_rank, out->ranked);
		c = calloc(fw->n, sizeof *c);
		eff = calloc(fw->n, sizeof *eff);
		others = calloc(res->n ? res->n : 1, sizeof *others);
		if (st == DTI_OK && (!c || !eff || !others))
			st = dti_err_nomem(err);
	}
	/* the value to reach */
	double p = st == DTI_OK ? dti_pow10(res->precision) : 1;
	double need_T = NAN;
	if (st == DTI_OK) {
		if (o->target_rank > 0) {
			size_t no = 0;
			for (size_t i = 0; i < res->n; i++) {
				double v = res->value[RES_AT(res, node, i)];
				if (i != (size_t)ri && !isnan(v))
					others[no++] = v;
			}
			/* the rank-th best of the others, rounded: reaching it
			   (rounded) shares its rank at worst */
			qsort(others, no, sizeof *others, by_value_desc);
			size_t k = (size_t)o->target_rank - 1;
			need_T = k < no
			             ? (double)dti_round_by(others[k], p) / p -
			                   0.5 / p
			             : -INFINITY;
		} else {
			need_T = o->target_value;
		}
		out->target = need_T;
		int there =
		    o->target_rank > 0
		        ? out->rank_from > 0 && out->rank_from <= o->target_rank
		        : out->value_from >= need_T;
		if (there) {
			out->reached = 2;
			out->value_to = out->value_from;
			out->rank_to = out->rank_from;
		}
	}
	/* the indicators that can move, and their weights */
	if (st == DTI_OK && !out->reached) {
		eng_effective_weights(res, (size_t)ri, node, eff);
		for (size_t k = 0; k < fw->n; k++) {
			const struct fw_node *nd = &fw->nodes[k];
			if (!plannable(nd) || eff[k] == 0)
				continue;
			double cap = o->cap ? o->cap[k] : NAN;
			struct cand *x = &c[nc];
			x->node = k;
			x->fig0 = res->figure[RES_AT(res, k, (size_t)ri)];
			x->v0 = res->value[RES_AT(res, k, (size_t)ri)];
			if (isnan(x->v0))
				x->v0 = 0;
			x->figmax = best_figure(fw, nd, cap);
			x->vmax = eng_score_one(fw, nd, x->figmax) * fw->scale;
			if (isnan(x->vmax) || x->vmax <= x->v0 + 1e-12)
				continue;
			x->cost = o->cost && o->cost[k] > 0 ? o->cost[k] : 1;
			x->discrete = nd->rule == DTI_RULE_YESNO ||
			              nd->rule == DTI_RULE_STEPS;
			x->w = eff[k];
			if (isnan(x->w) || isnan(x->fig0)) {
				/* not linear here: the gain measured alone */
				struct dti_plan_step one = {0};
				one.node = k;
				one.figure_to = x->figmax;
				st = apply(m, du, &one, 1, err);
				if (st != DTI_OK)
					break;
				res = dti_model_result(m);
				double v =
				    res->value[RES_AT(res, node, (size_t)ri)];
				x->w =
				    (v - out->value_from) / (x->vmax - x->v0);
				dti_model_reset(m);
			}
			if (x->w > 0)
				nc++;
		}
		qsort(c, nc, sizeof *c, by_efficiency);
		out->steps = calloc(nc ? nc : 1, sizeof *out->steps);
		if (st == DTI_OK && !out->steps)
			st = dti_err_nomem(err);
	}
	/* the plan, computed; rounding or re-scaled weights may leave it
	   short: then a little more is asked for */
	if (st == DTI_OK && !out->reached) {
		double need = need_T - out->value_from;
		for (int t = 0; t < MAX_TRIES && st == DTI_OK; t++) {
			out->nsteps =
			    greedy(fw, c, nc, need, out->precision, out->steps);
			st = apply(m, du, out->steps, out->nsteps, err);
			if (st != DTI_OK)
				break;
			res = dti_model_result(m);
			standing(res, node, (size_t)ri, &out->value_to,
			         &out->rank_to);
			int ok = o->target_rank > 0
			             ? out->rank_to > 0 &&
			                   out->rank_to <= o->target_rank
			             : out->value_to >= need_T - 1e-12;
			if (ok) {
				out->reached = 1;
				break;
			}
			need += (need_T - out->value_to) + 1 / p;
		}
		out->effort = 0;
		for (size_t i = 0; i < out->nsteps; i++)
			out->effort += out->steps[i].effort;
	}
	/* everything at its maximum: what the unit could reach at all */
	if (st == DTI_OK) {
		struct dti_plan_step *all = calloc(nc ? nc : 1, sizeof *all);
		if (!all)
			st = dti_err_nomem(err);
		for (size_t i = 0; all && i < nc; i++) {
			all[i].node = c[i].node;
			all[i].figure_to = c[i].figmax;
		}
		if (st == DTI_OK)
			st = apply(m, du, all, nc, err);
		if (st == DTI_OK) {
			res = dti_model_result(m);
			standing(res, node, (size_t)ri, &out->best_value,
			         &out->best_rank);
		}
		free(all);
		if (st == DTI_OK && !out->reached) {
			dti_snprintf(
			    out->why, sizeof out->why,
			    "unreachable: with every indicator the unit "
			    "can raise at its maximum, the value would "
			    "be %.*f, rank %d",
			    out->precision, out->best_value, out->best_rank);
			out->value_to = out->value_from;
			out->rank_to = out->rank_from;
			out->nsteps = 0;
			out->effort = 0;
		}
	}
	free(c);
	free(eff);
	free(others);
	dti_model_free(m);
	if (st != DTI_OK)
		dti_plan_release(out);
	return st;
}

void dti_plan_release(struct dti_plan *p)
{
	free(p->steps);
	p->steps = NULL;
	p->nsteps = 0;
}

/* ---- writing ------------------------------------------------------------ */

static void num(struct dti_buf *b, double v, int digits, int vi)
{
	dti_buf_add_decimal(b, v, digits, vi ? ',' : '.', "–");
}

/* A figure as people write it: a share as a percentage, else a number
 * with what decimals it has (up to 4). */
static void fig_text(struct dti_buf *b, const struct dti_framework *fw,
                     const struct fw_node *nd, double x, int vi)
{
	if (isnan(x)) {
		dti_buf_adds(b, vi ? "chưa nhập" : "not entered");
		return;
	}
	if (nd->rule == DTI_RULE_YESNO) {
		dti_buf_adds(b, x > 0.5 ? (vi ? "có" : "yes")
		                        : (vi ? "không" : "no"));
		return;
	}
	int share = nd->rule == DTI_RULE_RATIO && fabs(nd->rp.floor) <= 1 &&
	            fabs(nd->rp.target) <= 1;
	double v = share ? x * 100 : x;
	int d = 0;
	while (d < 4 && fabs(v * dti_pow10(d) - round(v * dti_pow10(d))) > 1e-9)
		d++;
	num(b, v, d, vi);
	if (share)
		dti_buf_addc(b, '%');
	else if (nd->unit && *nd->unit && strcmp(nd->unit, "%") == 0)
		dti_buf_addc(b, '%');
	(void)fw;
}

static const char *node_name(const struct fw_node *nd, int vi)
{
	const char *n = vi ? nd->name_vi : nd->name_en;
	if (!n || !*n)
		n = vi ? nd->name_en : nd->name_vi;
	return n && *n ? n : nd->code;
}

static void write_text(const struct dti_plan *p, int vi, struct dti_buf *b)
{
	const struct dti_framework *fw = p->fw;
	const struct fw_node *tn = &fw->nodes[p->node];
	int d = p->precision;
	dti_buf_addf(b, "%s — %s: ", p->unit_name, node_name(tn, vi));
	num(b, p->value_from, d, vi);
	dti_buf_addf(b, vi ? ", hạng %d/%zu. " : ", rank %d of %zu. ",
	             p->rank_from, p->ranked);
	if (p->target_rank > 0)
		dti_buf_addf(b, vi ? "Mục tiêu: hạng %d" : "Target: rank %d",
		             p->target_rank);
	else
		dti_buf_adds(b,
		             vi ? "Mục tiêu: giá trị" : "Target: a value of");
	if (isfinite(p->target)) {
		dti_buf_adds(b, p->target_rank > 0
		                    ? (vi ? " (giá trị từ " : " (a value of ")
		                    : " ");
		num(b,
		    p->target_rank > 0 ? p->target + 0.5 / dti_pow10(d)
		                       : p->target,
		    d, vi);
		if (p->target_rank > 0)
			dti_buf_adds(b, vi ? " trở lên)" : " or more)");
	}
	dti_buf_adds(b, ".\n");
	if (p->reached == 2) {
		dti_buf_adds(b, vi ? "Đã đạt mục tiêu: không cần thay đổi.\n"
		                   : "The target is reached already: nothing "
		                     "to change.\n");
		return;
	}
	if (!p->reached) {
		dti_buf_adds(b,
		             vi ? "Không thể đạt: ngay cả khi mọi chỉ số đơn "
		                  "vị tự nâng được đạt mức tối đa, giá trị là "
		                : "Out of reach: even with every indicator "
		                  "the unit can raise at its maximum, the "
		                  "value would be ");
		num(b, p->best_value, d, vi);
		dti_buf_addf(b, vi ? ", hạng %d/%zu.\n" : ", rank %d of %zu.\n",
		             p->best_rank, p->ranked);
		return;
	}
	dti_buf_adds(b, vi ? "Cần nâng:\n" : "Raise:\n");
	for (size_t i = 0; i < p->nsteps; i++) {
		const struct dti_plan_step *s = &p->steps[i];
		const struct fw_node *nd = &fw->nodes[s->node];
		dti_buf_addf(b, "  %zu. %s (%s): %s ", i + 1, node_name(nd, vi),
		             nd->code, vi ? "từ" : "from");
		fig_text(b, fw, nd, s->figure_from, vi);
		dti_buf_adds(b, vi ? " lên " : " to ");
		fig_text(b, fw, nd, s->figure_to, vi);
		dti_buf_adds(b, ": +");
		num(b, s->gain, d, vi);
		if (!isnan(s->points)) {
			dti_buf_adds(b, " (+");
			num(b, s->points, 1, vi);
			dti_buf_adds(b, vi ? " điểm)" : " points)");
		}
		dti_buf_addc(b, '\n');
	}
	dti_buf_adds(b, vi ? "Kết quả: " : "Then: ");
	num(b, p->value_to, d, vi);
	dti_buf_addf(b,
	             vi ? ", hạng %d/%zu (tính lại với các số liệu trên). "
	                : ", rank %d of %zu (computed with these figures). ",
	             p->rank_to, p->ranked);
	dti_buf_adds(b, vi ? "Tổng mức nâng: " : "Total effort: ");
	num(b, p->effort, d, vi);
	dti_buf_adds(b, ".\n");
}

static void write_json(const struct dti_plan *p, struct dti_buf *b)
{
	const struct dti_framework *fw = p->fw;
	struct dti_json j;
	dti_json_init(&j, b);
	dti_json_object_begin(&j);
	dti_json_key(&j, "unit");
	dti_json_object_begin(&j);
	dti_json_key(&j, "id");
	dti_json_string(&j, p->unit_id);
	dti_json_key(&j, "name");
	dti_json_string(&j, p->unit_name);
	dti_json_object_end(&j);
	dti_json_key(&j, "node");
	dti_json_string(&j, fw->nodes[p->node].code);
	dti_json_key(&j, "target_rank");
	if (p->target_rank > 0)
		dti_json_int(&j, p->target_rank);
	else
		dti_json_null(&j);
	eng_json_num(&j, "target_value", p->target_rank > 0 ? NAN : p->target);
	dti_json_key(&j, "reached");
	dti_json_string(&j, p->reached == 2   ? "already"
	                    : p->reached == 1 ? "yes"
	                                      : "no");
	eng_json_num(&j, "value_from", p->value_from);
	dti_json_key(&j, "rank_from");
	dti_json_int(&j, p->rank_from);
	eng_json_num(&j, "value_to", p->value_to);
	dti_json_key(&j, "rank_to");
	dti_json_int(&j, p->rank_to);
	dti_json_key(&j, "ranked");
	dti_json_int(&j, (long long)p->ranked);
	eng_json_num(&j, "effort", p->effort);
	eng_json_num(&j, "best_value", p->best_value);
	dti_json_key(&j, "best_rank");
	dti_json_int(&j, p->best_rank);
	dti_json_key(&j, "steps");
	dti_json_array_begin(&j);
	for (size_t i = 0; i < p->nsteps; i++) {
		const struct dti_plan_step *s = &p->steps[i];
		dti_json_object_begin(&j);
		dti_json_key(&j, "indicator");
		dti_json_string(&j, fw->nodes[s->node].code);
		eng_json_num(&j, "figure_from", s->figure_from);
		eng_json_num(&j, "figure_to", s->figure_to);
		eng_json_num(&j, "value_from", s->value_from);
		eng_json_num(&j, "value_to", s->value_to);
		eng_json_num(&j, "gain", s->gain);
		eng_json_num(&j, "points", s->points);
		eng_json_num(&j, "effort", s->effort);
		dti_json_object_end(&j);
	}
	dti_json_array_end(&j);
	dti_json_object_end(&j);
	dti_buf_addc(b, '\n');
}

enum dti_status dti_plan_write(const struct dti_plan *p, enum dti_format format,
                               enum dti_lang lang, struct dti_buf *out,
                               struct dti_error *err)
{
	if (format == DTI_FORMAT_JSON)
		write_json(p, out);
	else
		write_text(p, lang == DTI_LANG_VI, out);
	return dti_buf_status(out) ? dti_err_nomem(err) : DTI_OK;
}
