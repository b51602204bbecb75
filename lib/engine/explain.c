/*
 * lib/explain.c - where a unit's points are lost and what would move it.
 *
 * An explanation is computed from a result alone (and its previous cycle
 * when linked).  Contributions use each indicator's effective weight in the
 * explained node: the sum over every path down the graph of the products of
 * the relative edge weights (shared children count on every path), which is
 * exact for arithmetic aggregation; below a geometric, harmonic or power
 * mean the weight is left unknown rather than approximated.  The gain needed
 * to pass the unit above is computed on the published (rounded) values, as
 * the ranking itself is.
 */
#include <stdlib.h>
#include <string.h>

#include "engine/model.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Median of a node's values over the units with a rank (and in a group). */
static double median_of(const struct dti_result *res, size_t node,
                        const char *group, double *best, size_t *best_unit,
                        double *work)
{
	size_t m = 0;
	*best = NAN;
	*best_unit = SIZE_MAX;
	for (size_t i = 0; i < res->n; i++) {
		if (!res->rank[RES_AT(res, node, i)])
			continue;
		if (group && (!res->group[i] || strcmp(res->group[i], group)))
			continue;
		double v = res->value[RES_AT(res, node, i)];
		work[m++] = v;
		if (isnan(*best) || v > *best ||
		    (v == *best &&
		     res->rank[RES_AT(res, node, i)] <
		         res->rank[RES_AT(res, node, *best_unit)])) {
			*best = v;
			*best_unit = i;
		}
	}
	if (!m)
		return NAN;
	qsort(work, m, sizeof *work, cmp_double);
	return m % 2 ? work[m / 2] : (work[m / 2 - 1] + work[m / 2]) / 2;
}

/*
 * Effective weight of every node in `top` for unit i (arithmetic paths
 * only): eff[top] = 1, and down each edge eff[child] += eff[parent] * w /
 * (sum of the weights that counted for this unit).  A child left out by
 * the policy "exclude" weighs nothing and the others are re-scaled, as in
 * the aggregation itself.  Nodes reached only through other methods get
 * NaN.
 */
void eng_effective_weights(const struct dti_result *res, size_t i, size_t top,
                           double *eff)
{
	const struct dti_framework *fw = res->fw;
	int zero = res->missing == DTI_MISSING_ZERO;
	for (size_t k = 0; k < fw->n; k++)
		eff[k] = 0;
	eff[top] = 1;
	/* parents come after children in fw->order: walk it backwards */
	for (size_t o = fw->n; o-- > 0;) {
		size_t k = fw->order[o];
		const struct fw_node *nd = &fw->nodes[k];
		if (eff[k] == 0 || !nd->nchildren)
			continue;
		if (k != top &&
		    (res->flags[RES_AT(res, k, i)] & DTI_CELL_ENTERED))
			continue; /* an entered value hides its children */
		double sum = 0;
		for (size_t c = 0; c < nd->nchildren; c++) {
			size_t ch = nd->children[c];
			if (!fw->nodes[ch].scored)
				continue;
			if (!zero && isnan(res->value[RES_AT(res, ch, i)]))
				continue;
			sum += nd->child_weights[c];
		}
		for (size_t c = 0; c < nd->nchildren; c++) {
			size_t ch = nd->children[c];
			if (!fw->nodes[ch].scored)
				continue;
			if (!zero && isnan(res->value[RES_AT(res, ch, i)]))
				continue;
			double w = nd->child_weights[c];
			if (isnan(eff[k]) || nd->method != DTI_AGG_ARITH ||
			    isnan(w) || !(sum > 0)) {
				eff[ch] = NAN;
				continue;
			}
			if (!isnan(eff[ch]))
				eff[ch] += eff[k] * w / sum;
		}
	}
}

static int cmp_lost(const void *a, const void *b)
{
	const struct dti_explain_item *x = a, *y = b;
	double lx = isnan(x->lost) ? -1 : x->lost;
	double ly = isnan(y->lost) ? -1 : y->lost;
	if (lx != ly)
		return lx > ly ? -1 : 1;
	return x->node < y->node ? -1 : (x->node > y->node);
}

void dti_explanation_release(struct dti_explanation *ex)
{
	if (!ex)
		return;
	free(ex->items);
	free(ex->strengths);
	free(ex->weaknesses);
	memset(ex, 0, sizeof *ex);
}

enum dti_status dti_explain(const struct dti_result *res, size_t unit,
                            const struct dti_explain_opts *opts,
                            struct dti_explanation *ex, struct dti_error *err)
{
	struct dti_explain_opts def = DTI_EXPLAIN_OPTS_INIT;
	if (!opts)
		opts = &def;
	memset(ex, 0, sizeof *ex);
	const struct dti_framework *fw = res->fw;
	if (unit >= res->n)
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, NULL,
		                   "unit out of range");
	size_t node = opts->node >= 0 ? (size_t)opts->node : fw->root;
	if (node >= fw->n)
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, NULL,
		                   "node out of range");
	size_t top = opts->top ? opts->top : 3;
	ex->res = res;
	ex->unit = unit;
	ex->node = node;
	ex->value = res->value[RES_AT(res, node, unit)];
	ex->rank = res->rank[RES_AT(res, node, unit)];
	ex->ranked = res->ranked[node];
	ex->group = res->group[unit];
	ex->group_rank = dti_result_group_rank(res, unit, node);
	ex->group_size = dti_result_group_size(res, unit, node);
	double *work = malloc((res->n ? res->n : 1) * sizeof *work);
	double *eff = malloc((fw->n ? fw->n : 1) * sizeof *eff);
	unsigned char *below = calloc(fw->n ? fw->n : 1, 1);
	if (!work || !eff || !below) {
		free(work);
		free(eff);
		free(below);
		return dti_err_nomem(err);
	}
	const size_t *order = dti_result_order(res, node);
	if (!order) {
		free(work);
		free(eff);
		free(below);
		return dti_err_nomem(err);
	}
	ex->leader = order[0];
	ex->leader_value = res->value[RES_AT(res, node, ex->leader)];
	double best;
	size_t best_unit;
	ex->median = median_of(res, node, NULL, &best, &best_unit, work);
	ex->group_best = NAN;
	ex->group_median = NAN;
	ex->group_best_unit = SIZE_MAX;
	if (ex->group)
		ex->group_median =
		    median_of(res, node, ex->group, &ex->group_best,
		              &ex->group_best_unit, work);
	/* the unit just above: the nearest strictly better published value */
	ex->above_gap = NAN;
	ex->above_unit = SIZE_MAX;
	if (ex->rank > 1) {
		long long mine = dti_result_rounded(res, unit, node);
		for (size_t j = 0; j < res->n; j++) {
			size_t i = order[j];
			int r = res->rank[RES_AT(res, node, i)];
			if (!r || r >= ex->rank)
				continue;
			/* keep the last one above, i.e. the closest */
			ex->above_unit = i;
		}
		if (ex->above_unit != SIZE_MAX) {
			long long theirs =
			    dti_result_rounded(res, ex->above_unit, node);
			ex->above_gap = (double)(theirs - mine + 1) /
			                dti_pow10(res->precision);
		}
	}
	ex->change = dti_result_change(res, unit, node);
	int ok;
	ex->rank_change = dti_result_rank_change(res, unit, node, &ok);
	ex->has_rank_change = ok;

	/* the indicators below the node */
	eng_effective_weights(res, unit, node, eff);
	for (size_t o = fw->n; o-- > 0;) {
		size_t k = fw->order[o];
		if (k == node)
			below[k] = 1;
		if (!below[k])
			continue;
		const struct fw_node *nd = &fw->nodes[k];
		for (size_t c = 0; c < nd->nchildren; c++)
			below[nd->children[c]] = 1;
	}
	size_t nmain = 0;
	for (size_t k = 0; k < fw->n; k++)
		if (below[k] && k != node &&
		    fw->nodes[k].kind == DTI_KIND_INDICATOR)
			nmain++;
	ex->items = calloc(fw->n ? fw->n : 1, sizeof *ex->items);
	if (!ex->items) {
		free(work);
		free(eff);
		free(below);
		return dti_err_nomem(err);
	}
	double scale = fw->scale;
	const struct fw_node *top_nd = &fw->nodes[node];
	/* a node without scored children explains itself: what it loses is
	   its own shortfall (without this, --by a leaf indicator listed
	   nothing and reported that nothing was lost) */
	int self = top_nd->scored;
	for (size_t c = 0; c < top_nd->nchildren; c++)
		if (fw->nodes[top_nd->children[c]].scored)
			self = 0;
	for (size_t k = 0; k < fw->n; k++) {
		const struct fw_node *nd = &fw->nodes[k];
		if (!below[k] || !nd->scored || (k == node && !self))
			continue;
		/* main indicators and everything under them; or leaves */
		int take = k == node || nd->kind == DTI_KIND_INDICATOR ||
		           nd->kind == DTI_KIND_COMPONENT ||
		           nd->kind == DTI_KIND_CRITERION ||
		           (!nmain && !nd->nchildren);
		if (!take)
			continue;
		struct dti_explain_item *it = &ex->items[ex->nitems++];
		it->node = k;
		it->value = res->value[RES_AT(res, k, unit)];
		it->points = dti_result_points(res, unit, k);
		it->max_points =
		    fw->uses_points && nd->points_known == 1 ? nd->points : NAN;
		double v = isnan(it->value) ? 0 : it->value;
		/* what the shortfall costs the explained node */
		if (fw->uses_points && top_nd->points_known == 1)
			it->lost =
			    eff[k] * (scale - v) / scale * top_nd->points;
		else
			it->lost = eff[k] * (scale - v);
		it->effect = eff[k] * v;
		it->contribution = ex->value > 0 ? it->effect / ex->value : NAN;
		double b;
		size_t bu;
		it->median = median_of(res, k, NULL, &b, &bu, work);
		it->best = b;
		it->group_median =
		    ex->group ? median_of(res, k, ex->group, &b, &bu, work)
		              : NAN;
		it->rank = res->rank[RES_AT(res, k, unit)];
		it->ranked = res->ranked[k];
		it->change = dti_result_change(res, unit, k);
		it->missing =
		    (res->flags[RES_AT(res, k, unit)] & DTI_CELL_MISSING) != 0;
		it->figure = nd->nchildren || it->missing
		                 ? NAN
		                 : res->figure[RES_AT(res, k, unit)];
		if (it->missing)
			it->change = NAN;
	}
	qsort(ex->items, ex->nitems, sizeof *ex->items, cmp_lost);

	/* strengths and weaknesses: main indicators (or leaves) by rank */
	ex->strengths = malloc((ex->nitems ? ex->nitems : 1) * sizeof(size_t));
	ex->weaknesses = malloc((ex->nitems ? ex->nitems : 1) * sizeof(size_t));
	if (!ex->strengths || !ex->weaknesses) {
		free(work);
		free(eff);
		free(below);
		dti_explanation_release(ex);
		return dti_err_nomem(err);
	}
	size_t *cand = malloc((ex->nitems ? ex->nitems : 1) * sizeof *cand);
	double *score = malloc((ex->nitems ? ex->nitems : 1) * sizeof *score);
	if (!cand || !score) {
		free(cand);
		free(score);
		free(work);
		free(eff);
		free(below);
		dti_explanation_release(ex);
		return dti_err_nomem(err);
	}
	size_t nc = 0;
	for (size_t j = 0; j < ex->nitems; j++) {
		const struct dti_explain_item *it = &ex->items[j];
		const struct fw_node *nd = &fw->nodes[it->node];
		int main_level =
		    nmain ? nd->kind == DTI_KIND_INDICATOR : !nd->nchildren;
		if (it->node == node || !main_level || !it->rank ||
		    it->ranked < 2 ||
		    (fw->uses_points && nd->points_known == 1 &&
		     nd->points == 0))
			continue;
		cand[nc] = j;
		/* relative standing: 0 = best, 1 = worst */
		score[nc] = (double)(it->rank - 1) / (double)(it->ranked - 1);
		nc++;
	}
	for (size_t s = 0; s < top && nc; s++) {
		size_t bi = 0, wi = 0;
		for (size_t j = 1; j < nc; j++) {
			if (score[j] < score[bi])
				bi = j;
			if (score[j] > score[wi])
				wi = j;
		}
		if (score[bi] <= 0.5)
			ex->strengths[ex->nstrengths++] = cand[bi];
		/* the last candidate can be either: its standing decides */
		if (score[wi] > 0.5 && (wi != bi || score[bi] > 0.5))
			ex->weaknesses[ex->nweaknesses++] = cand[wi];
		/* take them out */
		size_t hi = bi > wi ? bi : wi, lo = bi > wi ? wi : bi;
		cand[hi] = cand[--nc];
		score[hi] = score[nc];
		if (lo != hi && nc) {
			cand[lo] = cand[--nc];
			score[lo] = score[nc];
		}
	}
	free(cand);
	free(score);
	free(work);
	free(eff);
	free(below);
	return DTI_OK;
}

/* ---- rendering ------------------------------------------------------- */

static const char *uname(const struct dti_result *res, size_t i)
{
	return res->ds->u[res->units[i]].name;
}

static const char *nname(const struct dti_framework *fw, size_t k,
                         enum dti_lang lang)
{
	return lang == DTI_LANG_VI ? fw->nodes[k].name_vi
	                           : fw->nodes[k].name_en;
}

static const char *group_name(const struct dti_result *res, const char *g,
                              enum dti_lang lang)
{
	if (!g)
		return "";
	const struct dti_units *u = res->ds->units;
	const struct dti_group_info *gi = u ? dti_units_group_find(u, g) : NULL;
	if (gi)
		return lang == DTI_LANG_VI ? gi->name_vi : gi->name_en;
	return g;
}

/* Appends a number the way the language writes it. */
static void num(struct dti_buf *b, double v, int digits, enum dti_lang lang)
{
	dti_buf_add_decimal(b, v, digits, lang == DTI_LANG_VI ? ',' : '.', "–");
}

static void signed_num(struct dti_buf *b, double v, int digits,
                       enum dti_lang lang)
{
	if (v > 0)
		dti_buf_addc(b, '+');
	num(b, v, digits, lang);
}

static const char *ordinal_suffix(int n)
{
	int t = n % 100;
	if (t >= 11 && t <= 13)
		return "th";
	switch (n % 10) {
	case 1: return "st";
	case 2: return "nd";
	case 3: return "rd";
	default: return "th";
	}
}

static void rank_words(struct dti_buf *b, int rank, size_t of,
                       enum dti_lang lang)
{
	if (!rank)
		dti_buf_adds(b, lang == DTI_LANG_VI ? "không xếp hạng"
		                                    : "not ranked");
	else if (lang == DTI_LANG_VI)
		dti_buf_addf(b, "hạng %d/%zu", rank, of);
	else
		dti_buf_addf(b, "%d%s of %zu", rank, ordinal_suffix(rank), of);
}

static void places(struct dti_buf *b, int d, enum dti_lang lang)
{
	if (lang == DTI_LANG_VI) {
		if (d > 0)
			dti_buf_addf(b, "tăng %d bậc", d);
		else if (d < 0)
			dti_buf_addf(b, "giảm %d bậc", -d);
		else
			dti_buf_adds(b, "giữ nguyên thứ hạng");
	} else {
		if (d > 0)
			dti_buf_addf(b, "up %d place%s", d, d == 1 ? "" : "s");
		else if (d < 0)
			dti_buf_addf(b, "down %d place%s", -d,
			             d == -1 ? "" : "s");
		else
			dti_buf_adds(b, "same rank");
	}
}

/* The part of a bilingual "vi / en" unit text in the language. */
static void unit_word(struct dti_buf *b, const char *u, enum dti_lang lang)
{
	if (!u || !*u)
		return;
	const char *sep = strstr(u, " / ");
	size_t n = strlen(u);
	const char *p = u;
	if (sep) {
		if (lang == DTI_LANG_VI)
			n = (size_t)(sep - u);
		else {
			p = sep + 3;
			n = strlen(p);
		}
	}
	dti_buf_addc(b, ' ');
	dti_text_escape(b, p, n, 0);
}

/* A figure as people write it: shortest digits, the language's mark. */
static void figure_num(struct dti_buf *b, double v, enum dti_lang lang)
{
	size_t from = b->len;
	dti_buf_add_shortest(b, v);
	if (lang == DTI_LANG_VI && !b->status)
		for (size_t i = from; i < b->len; i++)
			if (b->data[i] == '.')
				b->data[i] = ',';
}

/*
 * The raw figure and what the rule aims at, in the unit's language:
 * "figure 23.9%, target ≤ 5%" / "số liệu 23,9 %, mục tiêu ≤ 5 %".
 */
static void figure_words(struct dti_buf *b, const struct fw_node *nd,
                         double fig, enum dti_lang L)
{
	int vi = L == DTI_LANG_VI;
	const struct rule_params *rp = &nd->rp;
	const char *target = vi ? ", mục tiêu " : ", target ";
	dti_buf_adds(b, vi ? "số liệu " : "figure ");
	switch (nd->rule) {
	case DTI_RULE_YESNO:
		dti_buf_adds(b, fig != 0 ? (vi ? "có" : "yes")
		                         : (vi ? "không" : "no"));
		dti_buf_adds(b, target);
		dti_buf_adds(b, vi ? "có" : "yes");
		break;
	case DTI_RULE_RATIO: {
		/* bounds beyond 1 are percentages, as the data reader takes
		   them ("91,8%" is 91.8 there, 0.918 for a 0..1 ratio) */
		int pct = fabs(rp->floor) > 1 || fabs(rp->target) > 1;
		const char *sign = pct ? (vi ? " %" : "%") : "";
		figure_num(b, fig, L);
		dti_buf_adds(b, sign);
		dti_buf_adds(b, target);
		dti_buf_adds(b, rp->target < rp->floor ? "≤ " : "≥ ");
		figure_num(b, rp->target, L);
		dti_buf_adds(b, sign);
		break;
	}
	case DTI_RULE_COUNT:
		figure_num(b, fig, L);
		unit_word(b, nd->unit, L);
		if (rp->cap > 0 && nd->polarity >= 0) {
			dti_buf_adds(b, target);
			dti_buf_adds(b, "≥ ");
			figure_num(b, rp->cap, L);
		} else if (nd->polarity < 0) {
			dti_buf_adds(b, target);
			dti_buf_adds(b, "0");
		}
		break;
	case DTI_RULE_STEPS:
		figure_num(b, fig, L);
		unit_word(b, nd->unit, L);
		if (rp->nsteps) {
			dti_buf_adds(b, target);
			dti_buf_adds(b, nd->polarity < 0 ? "≤ " : "≥ ");
			figure_num(b,
			           nd->polarity < 0 ? rp->thr[0]
			                            : rp->thr[rp->nsteps - 1],
			           L);
			unit_word(b, nd->unit, L);
		}
		break;
	case DTI_RULE_SURVEY:
		figure_num(b, fig, L);
		dti_buf_adds(b, vi ? ", thang " : ", scale ");
		figure_num(b, rp->min, L);
		dti_buf_adds(b, "–");
		figure_num(b, rp->max, L);
		break;
	case DTI_RULE_POINTS:
	case DTI_RULE_REVIEWER:
		figure_num(b, fig, L);
		if (nd->points_known == 1) {
			dti_buf_adds(b, vi ? "/" : " of ");
			figure_num(b, nd->points, L);
		}
		dti_buf_adds(b, vi ? " điểm" : " points");
		break;
	default:
		figure_num(b, fig, L);
		unit_word(b, nd->unit, L);
		break;
	}
}

/*
 * Names of units, nodes and groups come from files: in text they are
 * escaped (dti_text_escape).  E() returns an escaped copy that lives until
 * the pool's next ESC_POOL calls, enough for one formatted line.
 */
#define ESC_POOL 4
struct esc_pool {
	struct dti_buf b[ESC_POOL];
	unsigned next;
	enum dti_status st;
};

static const char *E(struct esc_pool *p, const char *s)
{
	struct dti_buf *b = &p->b[p->next++ % ESC_POOL];
	dti_buf_reset(b);
	enum dti_status st =
	    dti_text_escape(b, s ? s : "", s ? strlen(s) : 0, 0);
	if (st) {
		if (!p->st)
			p->st = st;
		return "?";
	}
	return b->data ? b->data : "";
}

static enum dti_status esc_pool_release(struct esc_pool *p)
{
	for (size_t i = 0; i < ESC_POOL; i++)
		dti_buf_release(&p->b[i]);
	return p->st;
}

static enum dti_status write_text(const struct dti_explanation *ex,
                                  enum dti_lang L, struct dti_buf *b)
{
	const struct dti_result *res = ex->res;
	const struct dti_framework *fw = res->fw;
	int d = res->precision;
	int vi = L == DTI_LANG_VI;
	const struct fw_node *top = &fw->nodes[ex->node];
	struct esc_pool ep;
	memset(&ep, 0, sizeof ep);
	if (dti_dataset_synthetic(res->ds))
		dti_buf_adds(b,
		             vi ? "*** DỮ LIỆU MÔ PHỎNG – không phải kết quả "
		                  "chính thức ***\n"
		                : "*** SYNTHETIC DEMO DATA – not official "
		                  "results ***\n");
	/* headline */
	dti_buf_addf(b, "%s — %s %s ", E(&ep, uname(res, ex->unit)),
	             E(&ep, nname(fw, ex->node, L)),
	             E(&ep, dti_result_cycle(res)));
	num(b, ex->value, d, L);
	dti_buf_adds(b, ", ");
	rank_words(b, ex->rank, ex->ranked, L);
	if (ex->group && ex->group_rank) {
		dti_buf_addf(b,
		             " (%s: ", E(&ep, group_name(res, ex->group, L)));
		rank_words(b, ex->group_rank, ex->group_size, L);
		dti_buf_addc(b, ')');
	}
	dti_buf_adds(b, ".\n");
	/* change */
	if (res->prev) {
		if (!isnan(ex->change)) {
			dti_buf_addf(b, vi ? "So với %s: " : "Since %s: ",
			             E(&ep, dti_result_cycle(res->prev)));
			signed_num(b, ex->change, d, L);
			if (ex->has_rank_change) {
				dti_buf_adds(b, ", ");
				places(b, ex->rank_change, L);
			}
			dti_buf_adds(b, ".\n");
		} else {
			dti_buf_addf(b,
			             vi ? "Không có số liệu %s để so sánh.\n"
			                : "No value in %s to compare with.\n",
			             E(&ep, dti_result_cycle(res->prev)));
		}
	}
	/* position */
	if (ex->rank == 1) {
		dti_buf_adds(b, vi ? "Dẫn đầu" : "Leads");
		if (ex->ranked > 1) {
			/* lead over the second */
			const size_t *order = dti_result_order(res, ex->node);
			if (!order) {
				esc_pool_release(&ep);
				return DTI_ENOMEM;
			}
			size_t second = SIZE_MAX;
			for (size_t j = 0; j < res->n; j++)
				if (order[j] != ex->unit &&
				    res->rank[RES_AT(res, ex->node,
				                     order[j])]) {
					second = order[j];
					break;
				}
			if (second != SIZE_MAX) {
				dti_buf_addf(
				    b, vi ? ", hơn %s " : ", ahead of %s by ",
				    E(&ep, uname(res, second)));
				num(b,
				    ex->value - res->value[RES_AT(res, ex->node,
				                                  second)],
				    d, L);
			}
		}
		dti_buf_adds(b, ".\n");
	} else if (ex->rank) {
		dti_buf_addf(b,
		             vi ? "Cách đơn vị dẫn đầu (%s, "
		                : "Gap to the leader (%s, ",
		             E(&ep, uname(res, ex->leader)));
		num(b, ex->leader_value, d, L);
		dti_buf_adds(b, "): ");
		num(b, ex->leader_value - ex->value, d, L);
		dti_buf_adds(b, ".\n");
		if (!isnan(ex->above_gap)) {
			dti_buf_addf(b, vi ? "Để vượt %s (" : "To pass %s (",
			             E(&ep, uname(res, ex->above_unit)));
			num(b,
			    res->value[RES_AT(res, ex->node, ex->above_unit)],
			    d, L);
			dti_buf_adds(b, vi ? ") cần thêm " : ") it needs ");
			signed_num(b, ex->above_gap, d, L);
			if (fw->uses_points && top->points_known == 1) {
				dti_buf_addf(b, vi ? " (khoảng " : " (about ");
				num(b, ex->above_gap / fw->scale * top->points,
				    2, L);
				dti_buf_adds(b, vi ? " điểm)" : " points)");
			}
			dti_buf_adds(b, ".\n");
		}
	}
	dti_buf_adds(b, vi ? "Trung vị: " : "Median: ");
	num(b, ex->median, d, L);
	dti_buf_adds(b, " (");
	signed_num(b, ex->value - ex->median, d, L);
	dti_buf_addc(b, ')');
	if (ex->group && !isnan(ex->group_median)) {
		dti_buf_addf(b, vi ? "; trung vị %s: " : "; median of %s: ",
		             E(&ep, group_name(res, ex->group, L)));
		num(b, ex->group_median, d, L);
		if (ex->group_best_unit != SIZE_MAX &&
		    ex->group_best_unit != ex->unit) {
			dti_buf_addf(
			    b, vi ? "; cao nhất %s: %s " : "; best of %s: %s ",
			    E(&ep, group_name(res, ex->group, L)),
			    E(&ep, uname(res, ex->group_best_unit)));
			num(b, ex->group_best, d, L);
		} else if (ex->group_best_unit == ex->unit) {
			dti_buf_adds(b, vi ? "; cao nhất nhóm"
			                   : "; best of its group");
		}
	}
	dti_buf_adds(b, ".\n\n");

	/* points lost */
	if (fw->uses_points && top->points_known == 1)
		dti_buf_addf(b,
		             vi ? "Điểm bị mất theo chỉ số (trên tổng %g điểm "
		                  "của %s):\n"
		                : "Where the points are lost (of %g points of "
		                  "%s):\n",
		             top->points, top->code);
	else
		dti_buf_adds(b, vi ? "Phần giá trị bị mất theo chỉ số:\n"
		                   : "Where the value is lost:\n");
	struct dti_buf line = DTI_BUF_INIT;
	size_t shown = 0;
	for (size_t j = 0; j < ex->nitems && shown < 12; j++) {
		const struct dti_explain_item *it = &ex->items[j];
		const struct fw_node *nd = &fw->nodes[it->node];
		if (isnan(it->lost) || it->lost <= 0)
			continue;
		if (fw->uses_points && nd->points_known == 1 && nd->points == 0)
			continue;
		dti_buf_reset(&line);
		dti_buf_addf(&line, "  %-18s ", nd->code);
		if (it->missing) {
			/* scored by the missing rule: say so, show no 0 */
			int pts = fw->uses_points && top->points_known == 1;
			if (vi) {
				dti_buf_adds(&line, "mất ");
				num(&line, it->lost, 2, L);
				dti_buf_adds(&line, pts ? " điểm vì chưa nhập"
				                        : " vì chưa nhập");
			} else {
				num(&line, it->lost, 2, L);
				dti_buf_adds(&line, " lost: not entered");
			}
		} else {
			num(&line, it->lost, 2, L);
			dti_buf_adds(&line, vi ? " mất" : " lost");
			/* a value rule's figure is the value itself */
			if (!isnan(it->figure) && nd->rule != DTI_RULE_VALUE) {
				dti_buf_adds(&line, "; ");
				figure_words(&line, nd, it->figure, L);
			}
			dti_buf_adds(&line, vi ? "; giá trị " : "; value ");
			num(&line, it->value, d, L);
		}
		if (it->rank) {
			dti_buf_adds(&line, ", ");
			rank_words(&line, it->rank, it->ranked, L);
		}
		if (!isnan(it->median)) {
			dti_buf_adds(&line, vi ? ", trung vị " : ", median ");
			num(&line, it->median, d, L);
		}
		if (!isnan(it->change)) {
			dti_buf_adds(&line, vi ? ", thay đổi " : ", change ");
			signed_num(&line, it->change, d, L);
		}
		dti_buf_addf(&line, " — %s\n", E(&ep, nname(fw, it->node, L)));
		if (line.status) {
			enum dti_status st = line.status;
			dti_buf_release(&line);
			esc_pool_release(&ep);
			return st;
		}
		dti_buf_add(b, line.data, line.len);
		shown++;
	}
	if (!shown)
		dti_buf_adds(b, vi ? "  (không mất điểm nào)\n"
		                   : "  (nothing lost)\n");
	dti_buf_release(&line);
	for (int pass = 0; pass < 2; pass++) {
		size_t cnt = pass ? ex->nweaknesses : ex->nstrengths;
		const size_t *list = pass ? ex->weaknesses : ex->strengths;
		if (!cnt)
			continue;
		dti_buf_adds(b, pass ? (vi ? "Điểm yếu: " : "Weaknesses: ")
		                     : (vi ? "Điểm mạnh: " : "Strengths: "));
		for (size_t s = 0; s < cnt; s++) {
			const struct dti_explain_item *it = &ex->items[list[s]];
			dti_buf_addf(b, "%s%s (", s ? "; " : "",
			             E(&ep, nname(fw, it->node, L)));
			rank_words(b, it->rank, it->ranked, L);
			dti_buf_addc(b, ')');
		}
		dti_buf_adds(b, ".\n");
	}
	enum dti_status est = esc_pool_release(&ep);
	return dti_buf_status(b) ? dti_buf_status(b) : est;
}

static void j_int(struct dti_json *j, int v, int present)
{
	present ? dti_json_int(j, v) : dti_json_null(j);
}

static void j_unit_id(struct dti_json *j, const struct dti_result *res,
                      size_t i)
{
	dti_json_string(j, res->ds->u[res->units[i]].id);
}

static enum dti_status write_json(const struct dti_explanation *ex,
                                  struct dti_buf *b)
{
	const struct dti_result *res = ex->res;
	const struct dti_framework *fw = res->fw;
	int d = res->precision;
	struct dti_json jw, *j = &jw;
	dti_json_init(j, b);
	dti_json_object_begin(j);
	dti_json_key(j, "unit");
	dti_json_object_begin(j);
	dti_json_key(j, "id");
	j_unit_id(j, res, ex->unit);
	dti_json_key(j, "name");
	dti_json_string(j, uname(res, ex->unit));
	dti_json_key(j, "group");
	dti_json_string(j, ex->group);
	dti_json_object_end(j);
	dti_json_key(j, "framework");
	dti_json_string(j, dti_framework_id(fw));
	dti_json_key(j, "cycle");
	dti_json_string(j, dti_result_cycle(res));
	dti_json_key(j, "synthetic");
	dti_json_bool(j, dti_dataset_synthetic(res->ds));
	dti_json_key(j, "node");
	dti_json_string(j, fw->nodes[ex->node].code);
	dti_json_key(j, "value");
	dti_json_fixed(j, ex->value, d);
	dti_json_key(j, "rank");
	j_int(j, ex->rank, ex->rank != 0);
	dti_json_key(j, "ranked");
	dti_json_int(j, (long long)ex->ranked);
	dti_json_key(j, "group_rank");
	j_int(j, ex->group_rank, ex->group_rank != 0);
	dti_json_key(j, "group_size");
	dti_json_int(j, (long long)ex->group_size);
	dti_json_key(j, "leader");
	j_unit_id(j, res, ex->leader);
	dti_json_key(j, "leader_value");
	dti_json_fixed(j, ex->leader_value, d);
	dti_json_key(j, "gap_to_leader");
	dti_json_fixed(j, ex->leader_value - ex->value, d);
	dti_json_key(j, "median");
	dti_json_fixed(j, ex->median, d);
	dti_json_key(j, "group_median");
	dti_json_fixed(j, ex->group_median, d);
	dti_json_key(j, "group_best");
	if (ex->group_best_unit != SIZE_MAX) {
		dti_json_object_begin(j);
		dti_json_key(j, "id");
		j_unit_id(j, res, ex->group_best_unit);
		dti_json_key(j, "value");
		dti_json_fixed(j, ex->group_best, d);
		dti_json_object_end(j);
	} else {
		dti_json_null(j);
	}
	dti_json_key(j, "to_pass_above");
	if (ex->above_unit != SIZE_MAX) {
		dti_json_object_begin(j);
		dti_json_key(j, "id");
		j_unit_id(j, res, ex->above_unit);
		dti_json_key(j, "gain");
		dti_json_fixed(j, ex->above_gap, d);
		dti_json_object_end(j);
	} else {
		dti_json_null(j);
	}
	dti_json_key(j, "previous_cycle");
	dti_json_string(j, res->prev ? dti_result_cycle(res->prev) : NULL);
	dti_json_key(j, "change");
	dti_json_fixed(j, ex->change, d);
	dti_json_key(j, "rank_change");
	j_int(j, ex->rank_change, ex->has_rank_change);
	dti_json_key(j, "indicators");
	dti_json_array_begin(j);
	for (size_t k = 0; k < ex->nitems; k++) {
		const struct dti_explain_item *it = &ex->items[k];
		dti_json_break(j);
		dti_json_object_begin(j);
		dti_json_key(j, "code");
		dti_json_string(j, fw->nodes[it->node].code);
		dti_json_key(j, "kind");
		dti_json_string(j, dti_kind_name(fw->nodes[it->node].kind));
		dti_json_key(j, "value");
		dti_json_fixed(j, it->missing ? NAN : it->value, d);
		dti_json_key(j, "figure");
		if (isnan(it->figure))
			dti_json_null(j);
		else
			dti_json_double(j, it->figure);
		dti_json_key(j, "missing");
		dti_json_bool(j, it->missing);
		dti_json_key(j, "points");
		dti_json_fixed(j, it->missing ? NAN : it->points, 4);
		dti_json_key(j, "max_points");
		dti_json_fixed(j, it->max_points, 4);
		dti_json_key(j, "lost");
		dti_json_fixed(j, it->lost, 4);
		dti_json_key(j, "contribution");
		dti_json_fixed(j, it->contribution, 4);
		dti_json_key(j, "rank");
		j_int(j, it->rank, it->rank != 0);
		dti_json_key(j, "ranked");
		dti_json_int(j, (long long)it->ranked);
		dti_json_key(j, "median");
		dti_json_fixed(j, it->median, d);
		dti_json_key(j, "best");
		dti_json_fixed(j, it->best, d);
		dti_json_key(j, "group_median");
		dti_json_fixed(j, it->group_median, d);
		dti_json_key(j, "change");
		dti_json_fixed(j, it->change, d);
		dti_json_object_end(j);
	}
	dti_json_array_end(j);
	dti_json_key(j, "strengths");
	dti_json_array_begin(j);
	for (size_t s = 0; s < ex->nstrengths; s++)
		dti_json_string(
		    j, fw->nodes[ex->items[ex->strengths[s]].node].code);
	dti_json_array_end(j);
	dti_json_key(j, "weaknesses");
	dti_json_array_begin(j);
	for (size_t s = 0; s < ex->nweaknesses; s++)
		dti_json_string(
		    j, fw->nodes[ex->items[ex->weaknesses[s]].node].code);
	dti_json_array_end(j);
	dti_json_object_end(j);
	dti_buf_addc(b, '\n');
	return dti_json_finish(j, NULL);
}

/* ---- XLSX: a summary sheet, a sheet of indicators, the notes --------- */

struct xrow {
	struct dti_xlsx *x;
	uint32_t row;
};

static void x_num(struct xrow *r, const char *label, double v, int digits,
                  const char *key)
{
	dti_xlsx_bold(r->x, r->row, 0, label);
	dti_xlsx_number(r->x, r->row, 1, v, digits);
	dti_xlsx_code(r->x, r->row, 2, key);
	r->row++;
}

static void x_int(struct xrow *r, const char *label, long v, int present,
                  const char *key)
{
	dti_xlsx_bold(r->x, r->row, 0, label);
	if (present)
		dti_xlsx_int(r->x, r->row, 1, v);
	dti_xlsx_code(r->x, r->row, 2, key);
	r->row++;
}

static void x_text(struct xrow *r, const char *label, const char *v,
                   const char *key)
{
	dti_xlsx_bold(r->x, r->row, 0, label);
	dti_xlsx_text(r->x, r->row, 1, v);
	dti_xlsx_code(r->x, r->row, 2, key);
	r->row++;
}

static const char *uid(const struct dti_result *res, size_t i)
{
	return res->ds->u[res->units[i]].id;
}

static void codes_of(const struct dti_explanation *ex, const size_t *which,
                     size_t n, struct dti_buf *b)
{
	dti_buf_reset(b);
	for (size_t s = 0; s < n; s++)
		dti_buf_addf(b, "%s%s", s ? ", " : "",
		             ex->res->fw->nodes[ex->items[which[s]].node].code);
	dti_buf_addc(b, '\0');
}

static enum dti_status write_xlsx(const struct dti_explanation *ex,
                                  enum dti_lang lang, struct dti_buf *out,
                                  struct dti_error *err)
{
	const struct dti_result *res = ex->res;
	const struct dti_framework *fw = res->fw;
	int vi = lang == DTI_LANG_VI;
	int d = res->precision;
	struct dti_xlsx *x;
	enum dti_status st = dti_xlsx_new(&x, err);
	if (st)
		return st;
	dti_xlsx_props(x, uname(res, ex->unit),
	               dti_dataset_synthetic(res->ds)
	                   ? "synthetic demo data, not official results"
	                   : NULL);
	dti_xlsx_sheet(x, vi ? "Tóm tắt" : "Summary");
	dti_xlsx_width(x, 0, 0, 34);
	dti_xlsx_width(x, 1, 1, 40);
	dti_xlsx_width(x, 2, 2, 18);
	dti_xlsx_header(x, 0, vi ? "Mục" : "Item", "label");
	dti_xlsx_header(x, 1, vi ? "Giá trị" : "Value", "value");
	dti_xlsx_header(x, 2, vi ? "Khóa" : "Key", "key");
	dti_xlsx_freeze(x, 2, 0);
	struct xrow r = {x, 2};
	struct dti_buf t = DTI_BUF_INIT;
	x_text(&r, vi ? "Đơn vị" : "Unit", uname(res, ex->unit), "unit");
	x_text(&r, vi ? "Mã đơn vị" : "Unit id", uid(res, ex->unit), "unit_id");
	x_text(&r, vi ? "Nhóm" : "Group", group_name(res, ex->group, lang),
	       "group");
	x_text(&r, vi ? "Kỳ" : "Cycle", dti_result_cycle(res), "cycle");
	dti_buf_addf(&t, "%s – %s", fw->nodes[ex->node].code,
	             nname(fw, ex->node, lang));
	dti_buf_addc(&t, '\0');
	x_text(&r, vi ? "Chỉ số được giải thích" : "Explained",
	       t.status ? "" : t.data, "node");
	x_num(&r, vi ? "Giá trị" : "Value", ex->value, d, "value");
	x_int(&r, vi ? "Hạng" : "Rank", ex->rank, ex->rank != 0, "rank");
	x_int(&r, vi ? "Số đơn vị được xếp hạng" : "Units ranked",
	      (long)ex->ranked, 1, "ranked");
	x_int(&r, vi ? "Hạng trong nhóm" : "Rank in group", ex->group_rank,
	      ex->group_rank != 0, "group_rank");
	x_int(&r, vi ? "Số đơn vị trong nhóm" : "Units in group",
	      (long)ex->group_size, ex->group_size != 0, "group_size");
	x_text(&r, vi ? "Đơn vị dẫn đầu" : "Leader", uname(res, ex->leader),
	       "leader");
	x_num(&r, vi ? "Giá trị đơn vị dẫn đầu" : "Leader's value",
	      ex->leader_value, d, "leader_value");
	x_num(&r, vi ? "Cách đơn vị dẫn đầu" : "Gap to the leader",
	      ex->leader_value - ex->value, d, "gap_to_leader");
	x_num(&r, vi ? "Trung vị" : "Median", ex->median, d, "median");
	x_num(&r, vi ? "Trung vị của nhóm" : "Median of the group",
	      ex->group_median, d, "group_median");
	if (ex->group_best_unit != SIZE_MAX) {
		x_text(&r, vi ? "Đơn vị tốt nhất nhóm" : "Best of the group",
		       uname(res, ex->group_best_unit), "group_best");
		x_num(&r,
		      vi ? "Giá trị tốt nhất nhóm" : "Best value of the group",
		      ex->group_best, d, "group_best_value");
	}
	if (ex->above_unit != SIZE_MAX) {
		x_text(&r, vi ? "Đơn vị xếp trên" : "Unit above",
		       uname(res, ex->above_unit), "above");
		x_num(&r, vi ? "Cần thêm để vượt" : "Gain needed to pass it",
		      ex->above_gap, d, "to_pass_above");
	}
	if (res->prev) {
		x_text(&r, vi ? "Kỳ trước" : "Previous cycle",
		       dti_result_cycle(res->prev), "previous_cycle");
		x_num(&r, vi ? "Thay đổi giá trị" : "Change in value",
		      ex->change, d, "change");
		x_int(&r,
		      vi ? "Thay đổi hạng (bậc)" : "Change in rank (places)",
		      ex->rank_change, ex->has_rank_change, "rank_change");
	}
	codes_of(ex, ex->strengths, ex->nstrengths, &t);
	x_text(&r, vi ? "Điểm mạnh" : "Strengths", t.status ? "" : t.data,
	       "strengths");
	codes_of(ex, ex->weaknesses, ex->nweaknesses, &t);
	x_text(&r, vi ? "Điểm yếu" : "Weaknesses", t.status ? "" : t.data,
	       "weaknesses");
	st = t.status;
	dti_buf_release(&t);

	dti_xlsx_sheet(x, vi ? "Chỉ số" : "Indicators");
	dti_xlsx_height(x, 0, 45);
	static const char *const keys[] = {
	    "code",   "name",         "kind",         "value",
	    "figure", "missing",      "points",       "max_points",
	    "lost",   "contribution", "rank",         "ranked",
	    "median", "best",         "group_median", "change"};
	static const char *const en[] = {
	    "Code",   "Name",         "Kind",         "Value",
	    "Figure", "Missing",      "Points",       "Max points",
	    "Lost",   "Contribution", "Rank",         "Ranked",
	    "Median", "Best",         "Group median", "Change"};
	static const char *const vn[] = {
	    "Mã",          "Tên",       "Loại",          "Giá trị",
	    "Số liệu",     "Chưa nhập", "Điểm",          "Điểm tối đa",
	    "Điểm bị mất", "Đóng góp",  "Hạng",          "Số đơn vị xếp hạng",
	    "Trung vị",    "Cao nhất",  "Trung vị nhóm", "Thay đổi"};
	for (uint32_t c = 0; c < DTI_ARRAY_LEN(keys); c++)
		dti_xlsx_header(x, c, vi ? vn[c] : en[c], keys[c]);
	dti_xlsx_width(x, 0, 0, 16);
	dti_xlsx_width(x, 1, 1, 36);
	dti_xlsx_width(x, 2, DTI_ARRAY_LEN(keys) - 1, 12);
	dti_xlsx_freeze(x, 2, 2);
	for (size_t k = 0; k < ex->nitems; k++) {
		const struct dti_explain_item *it = &ex->items[k];
		uint32_t row = (uint32_t)k + 2, c = 0;
		dti_xlsx_text(x, row, c++, fw->nodes[it->node].code);
		dti_xlsx_text(x, row, c++, nname(fw, it->node, lang));
		dti_xlsx_text(x, row, c++,
		              dti_kind_name(fw->nodes[it->node].kind));
		dti_xlsx_number(x, row, c++, it->missing ? NAN : it->value, d);
		if (!isnan(it->figure))
			dti_xlsx_number(x, row, c, it->figure, 6);
		c++;
		dti_xlsx_text(x, row, c++,
		              it->missing ? (vi ? "chưa nhập" : "missing")
		                          : "");
		dti_xlsx_number(x, row, c++, it->missing ? NAN : it->points, 2);
		dti_xlsx_number(x, row, c++, it->max_points, 2);
		dti_xlsx_number(x, row, c++, it->lost, 2);
		dti_xlsx_number(x, row, c++, it->contribution, 4);
		if (it->rank)
			dti_xlsx_int(x, row, c, it->rank);
		c++;
		dti_xlsx_int(x, row, c++, (long)it->ranked);
		dti_xlsx_number(x, row, c++, it->median, d);
		dti_xlsx_number(x, row, c++, it->best, d);
		dti_xlsx_number(x, row, c++, it->group_median, d);
		dti_xlsx_number(x, row, c++, it->change, d);
	}
	eng_xlsx_result_notes(res, ex->node, vi, x);
	if (st) {
		dti_xlsx_free(x);
		return dti_err_set(err, st, NULL, 0, 0, NULL,
		                   "cannot format the explanation");
	}
	return dti_xlsx_finish(x, out, err);
}

static enum dti_status write_explanation_write(const struct dti_explanation *ex,
                                               enum dti_format format,
                                               enum dti_lang lang,
                                               struct dti_buf *out,
                                               struct dti_error *err)
{
	size_t before = out->len;
	enum dti_status st;
	if (format == DTI_FORMAT_XLSX)
		return write_xlsx(ex, lang, out, err);
	if (format == DTI_FORMAT_JSON || format == DTI_FORMAT_NDJSON)
		st = write_json(ex, out);
	else if (format == DTI_FORMAT_TABLE)
		st = write_text(ex, lang, out);
	else
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, "format",
		                   "an explanation is text, JSON or XLSX, not "
		                   "CSV");
	if (st || (out->data && out->len == before))
		return dti_err_set(err, st ? st : DTI_ENOMEM, NULL, 0, 0, NULL,
		                   "cannot format the explanation");
	if (format == DTI_FORMAT_NDJSON && out->len &&
	    out->data[out->len - 1] == '\n') {
		/* one line per explanation: strip inner newlines */
		for (size_t i = before; i + 1 < out->len; i++)
			if (out->data[i] == '\n')
				out->data[i] = ' ';
	}
	return DTI_OK;
}

void dti_explain_opts_init(struct dti_explain_opts *o)
{
	struct dti_explain_opts d = DTI_EXPLAIN_OPTS_INIT;
	*o = d;
}

enum dti_status dti_explanation_write(const struct dti_explanation *ex,
                                      enum dti_format format,
                                      enum dti_lang lang, struct dti_buf *out,
                                      struct dti_error *err)
{
	enum dti_status st =
	    write_explanation_write(ex, format, lang, out, err);
	return dti_buf_final(out, st, err);
}
