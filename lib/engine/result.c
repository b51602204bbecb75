/*
 * lib/engine/result.c - what a result holds and answers: values, figures,
 * points, ranks, flags, notes, and the link to the previous cycle's result
 * for changes of value and rank.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "engine/model.h"

enum dti_status dti_result_add_note(struct dti_result *res, const char *en,
                                    const char *vi, ...)
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
		goto lost;
	res->notes = ne;
	char **nv = realloc(res->notes_vi, (res->nnotes + 1) * sizeof *nv);
	if (!nv)
		goto lost;
	res->notes_vi = nv;
	ne[res->nnotes] = strdup(te);
	nv[res->nnotes] = strdup(tv);
	if (!ne[res->nnotes] || !nv[res->nnotes]) {
		free(ne[res->nnotes]);
		free(nv[res->nnotes]);
		goto lost;
	}
	res->nnotes++;
	return DTI_OK;
lost:
	res->notes_lost = 1;
	return DTI_ENOMEM;
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

size_t dti_result_norm_cycles(const struct dti_result *res)
{
	return res->norm_cycles > 1 ? res->norm_cycles : 1;
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
	if (!res->hash[0] && res->norm_cycles > 1) {
		/* values depend on every cycle: the hash of each cycle's
		   label and hash, one line each, in the data's order */
		struct dti_sha256 sh;
		char h[65] = "";
		dti_sha256_init(&sh);
		for (size_t c = 0; c < res->ds->ncycles; c++) {
			if (dti_dataset_hash(res->ds, c, h) != DTI_OK) {
				h[0] = '\0';
				break;
			}
			const char *l = res->ds->cycles[c].label;
			dti_sha256_update(&sh, l, strlen(l));
			dti_sha256_update(&sh, ":", 1);
			dti_sha256_update(&sh, h, 64);
			dti_sha256_update(&sh, "\n", 1);
		}
		if (h[0])
			dti_sha256_final(&sh, res->hash);
		else
			dti_sha256_final(&sh, h); /* releases; no hash */
	} else if (!res->hash[0] &&
	           dti_dataset_hash(res->ds, res->cycle, res->hash) != DTI_OK) {
		res->hash[0] = '\0';
	}
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
	enum dti_status st = DTI_OK;
	if (!matched)
		st = dti_result_add_note(
		    res,
		    "no unit of %s is in the previous cycle %s: "
		    "no changes (re-base the earlier cycle onto "
		    "the current units first)",
		    "không đơn vị nào của kỳ %s có trong kỳ %s: "
		    "không so sánh được (hãy quy đổi kỳ trước "
		    "sang các đơn vị hiện nay)",
		    dti_result_cycle(res), dti_result_cycle(prev));
	else if (matched < res->n)
		st = dti_result_add_note(
		    res,
		    "%zu of %zu units have no previous value "
		    "(cycle %s)",
		    "%zu trong %zu đơn vị không có giá trị kỳ "
		    "trước (kỳ %s)",
		    res->n - matched, res->n, dti_result_cycle(prev));
	return st == DTI_OK ? DTI_OK : dti_err_nomem(err);
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
