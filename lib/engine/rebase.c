/*
 * lib/rebase.c - a cycle's values carried onto successor units.
 *
 * For each unit valid on the target date, the values of its predecessors in
 * the result are averaged, node by node, over the chosen kinds of nodes
 * (main indicators by default), plainly or weighted by population.  The
 * averaged values are entered in a new dataset, from which the framework
 * computes the aggregates as for any cycle: with arithmetic aggregation this
 * is exactly the ministry's 2024 method.  A successor whose predecessors are
 * not all in the result is refused (its average would be biased) unless the
 * caller allows it.
 */
#include <stdlib.h>
#include <string.h>

#include "engine/model.h"

static int chosen(const struct dti_framework *fw, size_t k, unsigned kinds,
                  int have_main)
{
	const struct fw_node *nd = &fw->nodes[k];
	if (!nd->scored)
		return 0;
	if (kinds)
		return (kinds >> nd->kind) & 1u;
	if (have_main)
		return nd->kind == DTI_KIND_INDICATOR;
	return nd->nchildren == 0;
}

enum dti_status dti_rebase(const struct dti_result *res,
                           const struct dti_units *units,
                           const struct dti_rebase_opts *opts,
                           struct dti_dataset **out, struct dti_error *err)
{
	struct dti_rebase_opts def = DTI_REBASE_OPTS_INIT;
	if (!opts)
		opts = &def;
	*out = NULL;
	const struct dti_framework *fw = res->fw;
	const struct dti_dataset *src = res->ds;
	if (!units)
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, NULL,
		                   "re-basing needs a units registry with "
		                   "successors");
	if (!opts->date || !dti_is_date(opts->date))
		return dti_err_set(err, DTI_ESYNTAX, NULL, 0, 0, "date",
		                   "'%s' is not a date (YYYY-MM-DD)",
		                   opts->date ? opts->date : "");
	int have_main = 0;
	for (size_t k = 0; k < fw->n; k++)
		if (fw->nodes[k].kind == DTI_KIND_INDICATOR)
			have_main = 1;
	size_t nchosen = 0;
	for (size_t k = 0; k < fw->n; k++) {
		if (!chosen(fw, k, opts->kinds, have_main))
			continue;
		const struct fw_node *nd = &fw->nodes[k];
		if (!nd->nchildren && nd->rule != DTI_RULE_VALUE &&
		    nd->rule != DTI_RULE_RAW)
			return dti_err_set(
			    err, DTI_EINVALID, NULL, 0, 0, nd->code,
			    "'%s' is scored by rule '%s': an average of values "
			    "cannot be entered as its figure; re-base at a "
			    "higher "
			    "level",
			    nd->code, dti_rule_name(nd->rule));
		nchosen++;
	}
	if (!nchosen)
		return dti_err_set(err, DTI_EINVALID, NULL, 0, 0, NULL,
		                   "no node of the chosen kinds to average");

	size_t nreg = dti_units_count(units);
	/* successor (registry index) of each result unit */
	size_t n = res->n;
	size_t *succ = malloc((n ? n : 1) * sizeof *succ);
	double *weight = malloc((n ? n : 1) * sizeof *weight);
	size_t *pred_total = calloc(nreg ? nreg : 1, sizeof *pred_total);
	size_t *pred_have = calloc(nreg ? nreg : 1, sizeof *pred_have);
	if (!succ || !weight || !pred_total || !pred_have) {
		free(succ);
		free(weight);
		free(pred_total);
		free(pred_have);
		return dti_err_nomem(err);
	}
	enum dti_status st = DTI_OK;
	for (size_t i = 0; i < n && !st; i++) {
		const struct ds_unit *du = &src->u[res->units[i]];
		if (du->reg < 0) {
			st = dti_err_set(err, DTI_ENOTFOUND, NULL, 0, 0, NULL,
			                 "unit '%s' is not in the registry",
			                 du->name);
			break;
		}
		size_t to[8];
		size_t m = dti_units_successors_on(units, (size_t)du->reg,
		                                   opts->date, to, 8);
		if (m == 0) {
			st = dti_err_set(
			    err, DTI_EINVALID, NULL, 0, 0, NULL,
			    "unit '%s' has no successor valid on %s", du->name,
			    opts->date);
			break;
		}
		if (m > 1) {
			st = dti_err_set(
			    err, DTI_EINVALID, NULL, 0, 0, NULL,
			    "unit '%s' was split into %zu units by "
			    "%s: re-basing averages merged units only",
			    du->name, m, opts->date);
			break;
		}
		succ[i] = to[0];
		pred_have[to[0]]++;
		weight[i] = 1;
		if (opts->population) {
			double p = dti_dataset_aux(src, res->cycle,
			                           res->units[i], "population");
			if (isnan(p)) {
				struct dti_unit_info ui;
				dti_units_get(units, (size_t)du->reg, &ui);
				p = ui.population;
			}
			if (!(p > 0)) {
				st = dti_err_set(
				    err, DTI_EINVALID, NULL, 0, 0, "population",
				    "no population for '%s' (a "
				    "'population' column in the data "
				    "or the registry)",
				    du->name);
				break;
			}
			weight[i] = p;
		}
	}
	/* every registry unit valid in the source cycle with that successor */
	char src_date[16] = "";
	const char *label = dti_result_cycle(res);
	if (strlen(label) == 4)
		dti_snprintf(src_date, sizeof src_date, "%s-12-31", label);
	else if (fw->year)
		dti_snprintf(src_date, sizeof src_date, "%d-12-31", fw->year);
	for (size_t r = 0; r < nreg && !st; r++) {
		if (*src_date && !dti_units_valid_on(units, r, src_date))
			continue;
		size_t to[8];
		if (dti_units_successors_on(units, r, opts->date, to, 8) == 1 &&
		    pred_have[to[0]])
			pred_total[to[0]]++;
	}
	/* every incomplete successor is named, not only the first */
	struct dti_buf partial = DTI_BUF_INIT;
	for (size_t r = 0; r < nreg && (!st || st == DTI_EINVALID); r++) {
		if (!pred_have[r] || pred_have[r] >= pred_total[r])
			continue;
		struct dti_unit_info ui;
		dti_units_get(units, r, &ui);
		if (opts->allow_partial) {
			dti_buf_addf(&partial, "%s%s (%zu of %zu)",
			             partial.len ? ", " : "", ui.name_vi,
			             pred_have[r], pred_total[r]);
			continue;
		}
		dti_err_add(err, DTI_EINVALID, NULL, 0, 0, NULL,
		            "'%s' (%s) has %zu predecessors but the data have "
		            "%zu of them: its average would be biased "
		            "(--allow-partial averages those present)",
		            ui.name_vi, ui.id, pred_total[r], pred_have[r]);
		st = DTI_EINVALID;
	}
	struct dti_dataset *ds = NULL;
	size_t cyc = 0;
	if (!st && dti_dataset_new(fw, units, &ds))
		st = dti_err_nomem(err);
	if (!st && dti_dataset_add_cycle(ds, label, &cyc))
		st = dti_err_nomem(err);
	for (size_t i = 0; i < src->nmeta && !st; i++)
		if (dti_dataset_set_meta(ds, src->meta_keys[i],
		                         src->meta_vals[i]))
			st = dti_err_nomem(err);
	if (!st && dti_dataset_set_meta(ds, "rebased_to", opts->date))
		st = dti_err_nomem(err);
	if (!st && partial.len &&
	    dti_dataset_set_meta(ds, "rebased_partial", partial.data))
		st = dti_err_nomem(err);
	dti_buf_release(&partial);
	/* successors in registry order */
	for (size_t r = 0; r < nreg && !st; r++) {
		if (!pred_have[r])
			continue;
		struct dti_unit_info ui;
		dti_units_get(units, r, &ui);
		size_t u;
		if (dti_dataset_add_unit(ds, ui.id, ui.name_vi, (long)r, &u) ||
		    (*ui.group &&
		     dti_dataset_set_group(ds, u, "group", ui.group))) {
			st = dti_err_nomem(err);
			break;
		}
		for (size_t k = 0; k < fw->n && !st; k++) {
			if (!chosen(fw, k, opts->kinds, have_main))
				continue;
			double num = 0, den = 0;
			for (size_t i = 0; i < n; i++) {
				if (succ[i] != r)
					continue;
				unsigned fl = res->flags[RES_AT(res, k, i)];
				double v = res->value[RES_AT(res, k, i)];
				if (isnan(v) || (fl & DTI_CELL_UNKNOWN))
					continue;
				num += weight[i] * v;
				den += weight[i];
			}
			if (den > 0)
				st = dti_dataset_set(ds, cyc, u, k, num / den,
				                     err);
		}
	}
	free(succ);
	free(weight);
	free(pred_total);
	free(pred_have);
	if (st) {
		dti_dataset_free(ds);
		return st;
	}
	*out = ds;
	return DTI_OK;
}

void dti_rebase_opts_init(struct dti_rebase_opts *o)
{
	struct dti_rebase_opts d = DTI_REBASE_OPTS_INIT;
	*o = d;
}
