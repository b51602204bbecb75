/*
 * lib/engine/compute.c - the engine: figures to values, points and ranks,
 * compiled once and run as many times as wanted (struct dti_model).
 *
 * Compiling a model finds the units present in the cycle and their groups,
 * allocates the result's matrices and every scratch array, and copies the
 * framework's nodes (rules, parameters, methods, edge weights) so that a
 * run can change them without touching the framework.  A run goes one
 * cycle, column by column (a node over all units), which keeps the inner
 * loops contiguous and lets relative normalisations see their whole
 * column:
 *   1. figures of leaves, imputed by group mean when the policy says so;
 *   2. leaf values: absolute rules per unit (score.c), normalisations per
 *      column (normalise.c), the polarity applied, the missing policy for
 *      empty cells;
 *   3. aggregates in dependency order (children first, aggregate.c): the
 *      method over the children with their edge weights; an entered value
 *      is used as it is, and checked against the children when they carry
 *      data;
 *   4. values rounded to the precision, competition ranks on the rounded
 *      values, ranks inside groups (rank.c).
 * A node that would need points the framework marks unknown is "unknown":
 * never guessed.  If the index itself is unknown for some unit the run
 * fails, naming the unknown nodes, unless allow_unknown is set.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "engine/model.h"

struct dti_model {
	const struct dti_framework *fw;
	const struct dti_dataset *ds;
	size_t cycle;
	int recompute;
	int allow_unknown;
	enum dti_missing missing_opt; /* the options' policy */
	enum dti_missing missing;     /* the policy of the next run */
	long wset;                    /* the weight set, -1 for none */
	struct fw_node *nodes;        /* working copy of the framework's */
	double *weights;              /* edge weights of the working copy */
	const double **cols;          /* per node: figures over dataset units */
	double **own;                 /* per node: a copy set_figure changed */
	struct dti_result *res;
	unsigned char *rank_on;    /* per node: ranked in a run */
	unsigned char *rank_clear; /* per node: its ranks are all 0 now */
	int valid;                 /* the last run succeeded */
	/* scratch of a run, one block */
	void *scratch;
	double *work, *acc, *wsum, *wall, *gsum;
	size_t *gcnt, *idx, *gseen, *miss;
	unsigned char *unk, *has_data, *needed, *any, *all;
	struct keyed *ka, *kt;
	int *glast_rank;
	long long *glast_key, *rd;
	/* normalised across cycles: per leaf the figures of the other
	   cycles (npool[k] of them), and a run's scratch over the cycle's
	   units and those figures (pcap entries each); NULL otherwise */
	double **pool;
	size_t *npool, pcap;
	void *pscratch;
	double *pfig, *pval, *pwork;
	size_t *pidx;
	struct keyed *pka, *pkt;
};

void dti_compute_opts_init(struct dti_compute_opts *o)
{
	struct dti_compute_opts d = DTI_COMPUTE_OPTS_INIT;
	*o = d;
}

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

/*
 * Marks, for unit i, the nodes whose value is needed: every root, and the
 * children of a needed node that was computed rather than entered.
 */
static void mark_needed(const struct dti_model *m, size_t i,
                        unsigned char *needed)
{
	const struct dti_framework *fw = m->fw;
	const struct dti_result *res = m->res;
	for (size_t k = 0; k < fw->n; k++)
		needed[k] = fw->nodes[k].nparents == 0;
	for (size_t o = fw->n; o-- > 0;) {
		size_t k = fw->order[o];
		const struct fw_node *nd = &m->nodes[k];
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
static void list_unknown_nodes(const struct dti_model *m, size_t i,
                               unsigned char *needed, char *out, size_t outsz)
{
	const struct dti_framework *fw = m->fw;
	const struct dti_result *res = m->res;
	size_t len = 0, shown = 0, total = 0;
	out[0] = '\0';
	mark_needed(m, i, needed);
	unsigned char *listed = needed + fw->n;
	memset(listed, 0, fw->n);
	for (size_t k = 0; k < fw->n; k++) {
		const struct fw_node *nd = &m->nodes[k];
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

/* ---- compiling ------------------------------------------------------- */

/* The units with at least one figure in the cycle, in dataset order. */
static enum dti_status find_units(struct dti_model *m)
{
	const struct dti_dataset *ds = m->ds;
	const struct dti_framework *fw = m->fw;
	const struct ds_cycle *cy = &ds->cycles[m->cycle];
	struct dti_result *res = m->res;
	size_t nu = ds->nunits ? ds->nunits : 1;
	res->units = malloc(nu * sizeof *res->units);
	res->pos_of = malloc(nu * sizeof *res->pos_of);
	unsigned char *present = calloc(nu, 1);
	if (!res->units || !res->pos_of || !present) {
		free(present);
		return DTI_ENOMEM;
	}
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
	return DTI_OK;
}

/* Group of each unit of the result in the dimension chosen. */
static enum dti_status find_groups(struct dti_model *m,
                                   const struct dti_compute_opts *opts,
                                   struct dti_error *err)
{
	const struct dti_dataset *ds = m->ds;
	struct dti_result *res = m->res;
	size_t n = res->n;
	const char *want = opts->group_by ? opts->group_by : m->fw->group_by;
	const char *dim = pick_group_dim(ds, want);
	if (opts->group_by && !dim)
		return dti_err_set(err, DTI_ENOTFOUND, NULL, 0, 0, "group_by",
		                   "the data have no group dimension '%s'",
		                   opts->group_by);
	if (!dim && want && ds->ngroupdims)
		dim = pick_group_dim(ds, NULL);
	struct dti_map gmap = DTI_MAP_INIT;
	for (size_t i = 0; i < n; i++) {
		res->gid[i] = -1;
		const char *g =
		    dim ? dti_dataset_group(ds, res->units[i], dim) : NULL;
		res->group[i] = g;
		if (!g)
			continue;
		size_t id;
		if (!dti_map_get(&gmap, g, &id)) {
			id = res->ngroups++;
			if (dti_map_put(&gmap, g, id)) {
				dti_map_release(&gmap);
				return dti_err_nomem(err);
			}
		}
		res->gid[i] = (long)id;
	}
	dti_map_release(&gmap);
	if (dim) {
		res->group_by = strdup(dim);
		if (!res->group_by)
			return dti_err_nomem(err);
	}
	return DTI_OK;
}

/* The matrices of the result, in one block (see arena.c). */
static enum dti_status alloc_result(struct dti_model *m)
{
	struct dti_result *res = m->res;
	size_t n = res->n, nn = res->nn;
	size_t cells = nn * (n ? n : 1);
	if (cells > SIZE_MAX / 32)
		return DTI_ENOMEM;
	res->block = dti_big_alloc(cells * (2 * sizeof(double) + sizeof(int)) +
	                           cells + 64);
	if (!res->block)
		return DTI_ENOMEM;
	res->value = (double *)res->block;
	res->figure = res->value + cells;
	res->rank = (int *)(res->figure + cells);
	res->flags = (unsigned char *)(res->rank + cells);
	/* a fresh large block is zero: its pages are not touched for it */
	if (!dti_big_zeroed(res->block))
		memset(res->flags, 0, cells);
	if (m->recompute) {
		res->entered = malloc(cells * sizeof *res->entered);
		if (!res->entered)
			return DTI_ENOMEM;
	}
	res->ranked = calloc(nn ? nn : 1, sizeof *res->ranked);
	res->group = calloc(n ? n : 1, sizeof *res->group);
	res->gid = malloc((n ? n : 1) * sizeof *res->gid);
	if (!res->ranked || !res->group || !res->gid)
		return DTI_ENOMEM;
	return DTI_OK;
}

/* Group counts and ranks once the groups are known; then the scratch. */
static enum dti_status alloc_rest(struct dti_model *m)
{
	struct dti_result *res = m->res;
	size_t n = res->n, nn = res->nn;
	size_t cells = nn * (n ? n : 1);
	res->gcount =
	    calloc(nn * (res->ngroups ? res->ngroups : 1), sizeof *res->gcount);
	if (!res->gcount)
		return DTI_ENOMEM;
	if (res->ngroups) {
		res->grank = calloc(cells, sizeof *res->grank);
		if (!res->grank)
			return DTI_ENOMEM;
	}
	size_t sn = n ? n : 1;
	size_t gn = res->ngroups ? res->ngroups : 1;
	size_t nn1 = nn ? nn : 1;
	/* one block, each array on a 16-byte boundary */
	struct {
		void **p;
		size_t bytes;
	} parts[] = {
	    {(void **)&m->work, sn * sizeof(double)},
	    {(void **)&m->acc, sn * sizeof(double)},
	    {(void **)&m->wsum, sn * sizeof(double)},
	    {(void **)&m->wall, sn * sizeof(double)},
	    {(void **)&m->gsum, gn * sizeof(double)},
	    {(void **)&m->gcnt, gn * sizeof(size_t)},
	    {(void **)&m->idx, sn * sizeof(size_t)},
	    {(void **)&m->gseen, gn * sizeof(size_t)},
	    {(void **)&m->miss, nn1 * sizeof(size_t)},
	    {(void **)&m->ka, sn * sizeof(struct keyed)},
	    {(void **)&m->kt, sn * sizeof(struct keyed)},
	    {(void **)&m->glast_rank, gn * sizeof(int)},
	    {(void **)&m->glast_key, gn * sizeof(long long)},
	    {(void **)&m->rd, sn * sizeof(long long)},
	    {(void **)&m->unk, sn},
	    {(void **)&m->any, sn},
	    {(void **)&m->all, sn},
	    {(void **)&m->needed, 2 * nn1},
	    {(void **)&m->has_data, cells},
	};
	size_t total = 0;
	for (size_t i = 0; i < DTI_ARRAY_LEN(parts); i++) {
		size_t b = (parts[i].bytes + 15) & ~(size_t)15;
		if (b < parts[i].bytes || total > SIZE_MAX - b)
			return DTI_ENOMEM;
		total += b;
	}
	unsigned char *p = dti_big_alloc(total);
	if (!p)
		return DTI_ENOMEM;
	m->scratch = p;
	for (size_t i = 0; i < DTI_ARRAY_LEN(parts); i++) {
		*parts[i].p = p;
		p += (parts[i].bytes + 15) & ~(size_t)15;
	}
	return DTI_OK;
}

/* Whether the leaves are normalised across cycles: the options' word,
   else the framework's "normalise.across". */
enum dti_status dti_compute_across_cycles(const struct dti_framework *fw,
                                          const struct dti_compute_opts *opts,
                                          int *across, struct dti_error *err)
{
	struct dti_compute_opts def = DTI_COMPUTE_OPTS_INIT;
	if (!opts)
		opts = &def;
	*across = opts->across_cycles > 0;
	if (opts->across_cycles)
		return DTI_OK;
	const char *v = dti_framework_meta(fw, "normalise.across");
	if (!v)
		v = dti_framework_meta(fw, "normalize.across");
	if (!v || !strcmp(v, "cycle") || !strcmp(v, "none"))
		return DTI_OK;
	if (!strcmp(v, "cycles")) {
		*across = 1;
		return DTI_OK;
	}
	return dti_err_set(err, DTI_EINVALID, NULL, 0, 0, "normalise.across",
	                   "framework %s: '%s' is neither 'cycles' (across "
	                   "the cycles of the data) nor 'cycle' (each cycle "
	                   "alone)",
	                   dti_framework_id(fw), v);
}

/* The other cycles' figures of each normalised leaf, and the scratch of a
   normalisation over them and the cycle's units. */
static enum dti_status pool_cycles(struct dti_model *m)
{
	const struct dti_framework *fw = m->fw;
	const struct dti_dataset *ds = m->ds;
	size_t nn1 = fw->n ? fw->n : 1, most = 0;
	m->pool = calloc(nn1, sizeof *m->pool);
	m->npool = calloc(nn1, sizeof *m->npool);
	if (!m->pool || !m->npool)
		return DTI_ENOMEM;
	for (size_t k = 0; k < fw->n; k++) {
		const struct fw_node *nd = &fw->nodes[k];
		if (nd->nchildren || nd->kind == DTI_KIND_STATISTIC)
			continue;
		size_t cnt = 0;
		for (size_t c = 0; c < ds->ncycles; c++) {
			const double *col = ds->cycles[c].cols[k];
			for (size_t u = 0;
			     c != m->cycle && col && u < ds->nunits; u++)
				cnt += !isnan(col[u]);
		}
		if (!cnt)
			continue;
		double *p = malloc(cnt * sizeof *p);
		if (!p)
			return DTI_ENOMEM;
		m->pool[k] = p;
		for (size_t c = 0; c < ds->ncycles; c++) {
			const double *col = ds->cycles[c].cols[k];
			for (size_t u = 0;
			     c != m->cycle && col && u < ds->nunits; u++)
				if (!isnan(col[u]))
					*p++ = col[u];
		}
		m->npool[k] = cnt;
		if (cnt > most)
			most = cnt;
	}
	size_t cap = m->res->n + most;
	if (!cap)
		cap = 1;
	if (cap > SIZE_MAX / 64)
		return DTI_ENOMEM;
	size_t each =
	    3 * sizeof(double) + sizeof(size_t) + 2 * sizeof(struct keyed);
	unsigned char *b = malloc(cap * each);
	if (!b)
		return DTI_ENOMEM;
	m->pscratch = b;
	m->pcap = cap;
	m->pka = (struct keyed *)b;
	m->pkt = m->pka + cap;
	m->pfig = (double *)(m->pkt + cap);
	m->pval = m->pfig + cap;
	m->pwork = m->pval + cap;
	m->pidx = (size_t *)(m->pwork + cap);
	m->res->norm_cycles = ds->ncycles;
	return DTI_OK;
}

/* Nodes and edge weights as the framework has them. */
static void reset_nodes(struct dti_model *m)
{
	const struct dti_framework *fw = m->fw;
	memcpy(m->nodes, fw->nodes, fw->n * sizeof *m->nodes);
	double *w = m->weights;
	for (size_t k = 0; k < fw->n; k++) {
		const struct fw_node *nd = &fw->nodes[k];
		if (nd->nchildren)
			memcpy(w, nd->child_weights,
			       nd->nchildren * sizeof *nd->child_weights);
		/* a weight set's weights where it gives them */
		for (size_t c = 0; m->wset >= 0 && c < nd->nchildren; c++) {
			double sw = dti_framework_set_weight(
			    fw, (size_t)m->wset, nd->children[c]);
			if (!isnan(sw))
				w[c] = sw;
		}
		m->nodes[k].child_weights = w;
		w += nd->nchildren;
	}
}

enum dti_status dti_model_new(const struct dti_framework *fw,
                              const struct dti_dataset *ds, size_t cycle,
                              const struct dti_compute_opts *opts,
                              struct dti_model **out, struct dti_error *err)
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
	int across = 0;
	enum dti_status ast = dti_compute_across_cycles(fw, opts, &across, err);
	if (ast != DTI_OK)
		return ast;
	long wset = -1;
	if (opts->weights) {
		wset = dti_framework_find_weight_set(fw, opts->weights);
		if (wset < 0) {
			struct dti_buf b = DTI_BUF_INIT;
			for (size_t s = 0; s < fw->nwsets; s++)
				dti_buf_addf(&b, "%s%s", s ? ", " : "",
				             fw->wsets[s]);
			dti_err_set(err, DTI_ENOTFOUND, NULL, 0, 0, "weights",
			            "no weight set '%s' in the framework (it "
			            "has: %s)",
			            opts->weights, b.data ? b.data : "none");
			dti_buf_release(&b);
			return DTI_ENOTFOUND;
		}
	}
	struct dti_model *m = calloc(1, sizeof *m);
	struct dti_result *res = calloc(1, sizeof *res);
	if (!m || !res) {
		free(m);
		free(res);
		return dti_err_nomem(err);
	}
	pthread_mutex_init(&res->lock, NULL);
	m->res = res;
	m->fw = fw;
	m->wset = wset;
	m->ds = ds;
	m->cycle = cycle;
	m->recompute = opts->recompute;
	m->allow_unknown = opts->allow_unknown;
	m->missing_opt =
	    opts->missing != DTI_MISSING_DEFAULT ? opts->missing : fw->missing;
	m->missing = m->missing_opt;
	res->fw = fw;
	res->ds = ds;
	res->cycle = cycle;
	res->precision = opts->precision >= 0 ? opts->precision : fw->precision;
	if (res->precision > 15)
		res->precision = 15;
	res->missing = m->missing;
	res->nn = fw->n;

	size_t nw = 0;
	for (size_t k = 0; k < fw->n; k++)
		nw += fw->nodes[k].nchildren;
	size_t nn1 = fw->n ? fw->n : 1;
	m->nodes = malloc(nn1 * sizeof *m->nodes);
	m->weights = malloc((nw ? nw : 1) * sizeof *m->weights);
	m->cols = malloc(nn1 * sizeof *m->cols);
	m->own = calloc(nn1, sizeof *m->own);
	m->rank_on = malloc(nn1);
	m->rank_clear = calloc(nn1, 1);
	enum dti_status st = DTI_OK;
	if (!m->nodes || !m->weights || !m->cols || !m->own || !m->rank_on ||
	    !m->rank_clear)
		st = DTI_ENOMEM;
	else
		memset(m->rank_on, 1, nn1);
	if (st == DTI_OK) {
		reset_nodes(m);
		for (size_t k = 0; k < fw->n; k++)
			m->cols[k] = ds->cycles[cycle].cols[k];
		st = find_units(m);
	}
	if (st == DTI_OK)
		st = alloc_result(m);
	if (st == DTI_OK) {
		st = find_groups(m, opts, err);
		if (st != DTI_OK) {
			dti_model_free(m);
			return st;
		}
		st = alloc_rest(m);
	}
	if (st == DTI_OK && across && ds->ncycles > 1)
		st = pool_cycles(m);
	if (st != DTI_OK) {
		dti_model_free(m);
		return dti_err_nomem(err);
	}
	/* ranks (and group ranks) start at 0: a node never ranked need not
	   be cleared, nor its pages touched */
	if (dti_big_zeroed(m->res->block))
		memset(m->rank_clear, 1, fw->n);
	*out = m;
	return DTI_OK;
}

void dti_model_free(struct dti_model *m)
{
	if (!m)
		return;
	dti_result_free(m->res);
	if (m->own)
		for (size_t k = 0; k < m->fw->n; k++)
			free(m->own[k]);
	free(m->own);
	if (m->pool)
		for (size_t k = 0; k < m->fw->n; k++)
			free(m->pool[k]);
	free(m->pool);
	free(m->npool);
	free(m->pscratch);
	free(m->rank_on);
	free(m->rank_clear);
	free(m->cols);
	free(m->nodes);
	free(m->weights);
	dti_big_free(m->scratch);
	free(m);
}

const struct dti_result *dti_model_result(const struct dti_model *m)
{
	return m->valid ? m->res : NULL;
}

/* ---- overrides ------------------------------------------------------- */

void dti_model_reset(struct dti_model *m)
{
	reset_nodes(m);
	m->missing = m->missing_opt;
	memset(m->rank_on, 1, m->fw->n);
	for (size_t k = 0; k < m->fw->n; k++) {
		free(m->own[k]);
		m->own[k] = NULL;
		m->cols[k] = m->ds->cycles[m->cycle].cols[k];
	}
}

static enum dti_status check_node(const struct dti_model *m, size_t node,
                                  struct dti_error *err)
{
	if (node >= m->fw->n)
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, NULL,
		                   "no node %zu in framework '%s'", node,
		                   dti_framework_id(m->fw));
	return DTI_OK;
}

enum dti_status dti_model_set_weight(struct dti_model *m, size_t node,
                                     double weight, struct dti_error *err)
{
	enum dti_status st = check_node(m, node, err);
	if (st != DTI_OK)
		return st;
	const struct fw_node *nd = &m->fw->nodes[node];
	if (!isfinite(weight) || weight < 0)
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, nd->code,
		                   "a weight is a finite number >= 0");
	if (!nd->nparents)
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, nd->code,
		                   "'%s' has no parent to be weighted in",
		                   nd->code);
	for (size_t p = 0; p < nd->nparents; p++) {
		struct fw_node *pn = &m->nodes[nd->parents[p]];
		for (size_t c = 0; c < pn->nchildren; c++)
			if (pn->children[c] == node)
				pn->child_weights[c] = weight;
	}
	return DTI_OK;
}

double dti_model_weight(const struct dti_model *m, size_t parent, size_t child)
{
	if (parent >= m->fw->n)
		return NAN;
	const struct fw_node *pn = &m->nodes[parent];
	for (size_t c = 0; c < pn->nchildren; c++)
		if (pn->children[c] == child)
			return pn->child_weights[c];
	return NAN;
}

void dti_norm_init(struct dti_norm *n, enum dti_rule rule)
{
	n->rule = rule;
	n->lo = n->hi = NAN;
	n->min = n->max = NAN;
	n->mean = n->sd = NAN;
	n->target = NAN;
	n->cap = 0;
}

/* The parameters of a normalisation, checked, with defaults filled. */
static enum dti_status norm_params(const struct dti_model *m,
                                   const struct dti_norm *n,
                                   struct rule_params *rp,
                                   struct dti_error *err)
{
	if (!dti_rule_is_relative(n->rule))
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, "rule",
		                   "'%s' is not a normalisation",
		                   dti_rule_name(n->rule));
	memset(rp, 0, sizeof *rp);
	rp->lo = isnan(n->lo) ? 0 : n->lo;
	rp->hi = isnan(n->hi) ? m->fw->scale : n->hi;
	rp->mean = isnan(n->mean) ? 0 : n->mean;
	rp->sd = isnan(n->sd) ? 1 : n->sd;
	rp->min = n->min;
	rp->max = n->max;
	rp->target = n->target;
	rp->cap = n->cap ? 1 : NAN;
	rp->floor = NAN;
	if (!isfinite(rp->lo) || !isfinite(rp->hi) || !isfinite(rp->mean) ||
	    !isfinite(rp->sd) || rp->sd <= 0)
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, "params",
		                   "output range, mean and sd must be finite "
		                   "(sd > 0)");
	if (n->rule == DTI_RULE_GOALPOSTS &&
	    !(isfinite(n->min) && isfinite(n->max) && n->min < n->max))
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, "params",
		                   "goalposts need min < max");
	if (n->rule == DTI_RULE_DIST2TARGET && !isfinite(n->target))
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, "params",
		                   "distance to target needs a target");
	return DTI_OK;
}

enum dti_status dti_model_set_normalisation(struct dti_model *m, size_t node,
                                            const struct dti_norm *n,
                                            struct dti_error *err)
{
	struct rule_params rp;
	enum dti_status st = norm_params(m, n, &rp, err);
	if (st != DTI_OK)
		return st;
	if (node == DTI_MODEL_ALL) {
		for (size_t k = 0; k < m->fw->n; k++) {
			struct fw_node *nd = &m->nodes[k];
			if (nd->nchildren || nd->kind == DTI_KIND_STATISTIC ||
			    !dti_rule_is_relative(m->fw->nodes[k].rule))
				continue;
			nd->rule = n->rule;
			nd->rp = rp;
		}
		return DTI_OK;
	}
	st = check_node(m, node, err);
	if (st != DTI_OK)
		return st;
	struct fw_node *nd = &m->nodes[node];
	if (nd->nchildren || nd->kind == DTI_KIND_STATISTIC)
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, nd->code,
		                   "'%s' is not a scored indicator", nd->code);
	nd->rule = n->rule;
	nd->rp = rp;
	return DTI_OK;
}

enum dti_status dti_model_set_aggregation(struct dti_model *m, size_t node,
                                          enum dti_agg method, double power,
                                          struct dti_error *err)
{
	if (method > DTI_AGG_GENMEAN)
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, "method",
		                   "unknown aggregation method %d",
		                   (int)method);
	if (method == DTI_AGG_GENMEAN && (!isfinite(power) || power == 0))
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, "power",
		                   "a power mean needs a finite, non-zero "
		                   "exponent (use the geometric mean for 0)");
	if (node == DTI_MODEL_ALL) {
		for (size_t k = 0; k < m->fw->n; k++)
			if (m->nodes[k].nchildren) {
				m->nodes[k].method = method;
				m->nodes[k].power = power;
			}
		return DTI_OK;
	}
	enum dti_status st = check_node(m, node, err);
	if (st != DTI_OK)
		return st;
	if (!m->nodes[node].nchildren)
		return dti_err_set(
		    err, DTI_EARG, NULL, 0, 0, m->nodes[node].code,
		    "'%s' is not an aggregate", m->nodes[node].code);
	m->nodes[node].method = method;
	m->nodes[node].power = power;
	return DTI_OK;
}

enum dti_status dti_model_set_missing(struct dti_model *m,
                                      enum dti_missing policy,
                                      struct dti_error *err)
{
	if (policy > DTI_MISSING_GROUP_MEAN)
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, "missing",
		                   "unknown missing-value policy %d",
		                   (int)policy);
	m->missing = policy == DTI_MISSING_DEFAULT ? m->missing_opt : policy;
	return DTI_OK;
}

enum dti_status dti_model_set_figure(struct dti_model *m, size_t unit,
                                     size_t node, double value,
                                     struct dti_error *err)
{
	enum dti_status st = check_node(m, node, err);
	if (st != DTI_OK)
		return st;
	if (unit >= m->ds->nunits || m->res->pos_of[unit] < 0)
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, NULL,
		                   "unit %zu has no figure in cycle %s", unit,
		                   m->ds->cycles[m->cycle].label);
	if (!m->own[node]) {
		size_t nu = m->ds->nunits;
		double *c = malloc(nu * sizeof *c);
		if (!c)
			return dti_err_nomem(err);
		const double *src = m->cols[node];
		for (size_t u = 0; u < nu; u++)
			c[u] = src ? src[u] : NAN;
		m->own[node] = c;
		m->cols[node] = c;
	}
	m->own[node][unit] = value;
	return DTI_OK;
}

enum dti_status dti_model_set_ranked(struct dti_model *m, const size_t *nodes,
                                     size_t n, struct dti_error *err)
{
	if (!nodes) {
		memset(m->rank_on, 1, m->fw->n);
		return DTI_OK;
	}
	for (size_t i = 0; i < n; i++) {
		enum dti_status st = check_node(m, nodes[i], err);
		if (st != DTI_OK)
			return st;
	}
	memset(m->rank_on, 0, m->fw->n);
	for (size_t i = 0; i < n; i++)
		m->rank_on[nodes[i]] = 1;
	return DTI_OK;
}

/* ---- a run ----------------------------------------------------------- */

/* Forgets what the previous run left: flags, orders, hash, notes. */
static void clear_result(struct dti_result *res)
{
	memset(res->flags, 0, res->nn * (res->n ? res->n : 1));
	if (res->order)
		for (size_t k = 0; k < res->nn; k++) {
			free(res->order[k]);
			res->order[k] = NULL;
		}
	res->hash[0] = '\0';
	for (size_t i = 0; i < res->nnotes; i++) {
		free(res->notes[i]);
		free(res->notes_vi[i]);
	}
	res->nnotes = 0;
	res->notes_lost = 0;
}

/* Steps 1-3: every node's value, children first. */
static enum dti_status compute_values(struct dti_model *m, size_t *imputed,
                                      size_t *entered_aggs, size_t *mismatches,
                                      size_t *mm_node, size_t *mm_unit,
                                      double *mm_max, struct dti_error *err)
{
	const struct dti_framework *fw = m->fw;
	struct dti_result *res = m->res;
	size_t n = res->n, nn = res->nn;
	/* locals: without strict aliasing, fields read through res would be
	   read again after every store in the loops */
	const int precision = res->precision;
	const enum dti_missing missing = res->missing;
	const size_t *units = res->units;
	unsigned char *has_data = m->has_data;
	struct agg_ctx actx = {m->nodes, res,     missing, m->acc,
	                       m->wsum,  m->wall, m->unk,  err};
	for (size_t o = 0; o < nn; o++) {
		size_t k = fw->order[o];
		const struct fw_node *nd = &m->nodes[k];
		double *fig = &res->figure[RES_AT(res, k, 0)];
		double *val = &res->value[RES_AT(res, k, 0)];
		double *ent =
		    res->entered ? &res->entered[RES_AT(res, k, 0)] : NULL;
		unsigned char *fl = &res->flags[RES_AT(res, k, 0)];
		unsigned char *hd = &has_data[RES_AT(res, k, 0)];
		const double *col = m->cols[k];
		if (col && n == m->ds->nunits) /* every unit: no gather */
			memcpy(fig, col, n * sizeof *fig);
		else
			for (size_t i = 0; i < n; i++)
				fig[i] = col ? col[units[i]] : NAN;
		for (size_t i = 0; i < n; i++)
			hd[i] = (unsigned char)!isnan(fig[i]);
		if (ent)
			for (size_t i = 0; i < n; i++)
				ent[i] = NAN;
		if (nd->nchildren == 0) {
			if (nd->kind == DTI_KIND_STATISTIC) {
				memcpy(val, fig, n * sizeof *val);
				continue;
			}
			if (missing == DTI_MISSING_GROUP_MEAN && res->ngroups)
				eng_impute_group_mean(res, k, fig, m->gsum,
				                      m->gcnt, imputed);
			if (dti_rule_is_relative(nd->rule) ||
			    nd->rule == DTI_RULE_RAW) {
				long ref = -1;
				if (nd->rule == DTI_RULE_DIST2REF &&
				    nd->rp.ref) {
					long u = dti_dataset_find_unit(
					    m->ds, nd->rp.ref);
					for (size_t i = 0; u >= 0 && i < n; i++)
						if (units[i] == (size_t)u)
							ref = (long)i;
				}
				size_t np = m->pool ? m->npool[k] : 0;
				if (np && nd->rule != DTI_RULE_RAW) {
					/* over the cycle's units and the
					   other cycles' figures together */
					memcpy(m->pfig, fig, n * sizeof *fig);
					memcpy(m->pfig + n, m->pool[k],
					       np * sizeof *fig);
					eng_normalise(fw, nd, m->pfig, m->pval,
					              n + np, m->pidx, m->pka,
					              m->pkt, m->pwork, ref);
					memcpy(val, m->pval, n * sizeof *val);
				} else {
					eng_normalise(fw, nd, fig, val, n,
					              m->idx, m->ka, m->kt,
					              m->work, ref);
				}
			} else {
				eng_score_column(fw, nd, fig, val, fl, n);
			}
			for (size_t i = 0; i < n; i++) {
				if (!isnan(fig[i]) ||
				    (fl[i] & DTI_CELL_UNKNOWN))
					continue;
				fl[i] |= DTI_CELL_MISSING;
				if (missing == DTI_MISSING_ZERO)
					val[i] = 0;
			}
			continue;
		}
		/* aggregate */
		double *work = m->work;
		enum dti_status st = eng_aggregate(&actx, k, work);
		if (st)
			return st;
		const unsigned char *unk = m->unk;
		/* data below: every weighted child carries data (child-major)
		 */
		unsigned char *any_v = m->any, *all_v = m->all;
		memset(any_v, 0, n);
		memset(all_v, 1, n);
		for (size_t c = 0; c < nd->nchildren; c++) {
			size_t ch = nd->children[c];
			double w = nd->child_weights[c];
			if (!fw->nodes[ch].scored || w == 0)
				continue;
			const unsigned char *h = &has_data[RES_AT(res, ch, 0)];
			for (size_t i = 0; i < n; i++) {
				any_v[i] |= h[i];
				all_v[i] &= h[i];
			}
		}
		for (size_t i = 0; i < n; i++) {
			int all = all_v[i], any = any_v[i];
			int computable = any && all && !unk[i];
			if (!isnan(fig[i])) {
				(*entered_aggs)++;
				if (computable &&
				    dti_round_scaled(work[i], precision) !=
				        dti_round_scaled(fig[i], precision)) {
					double d = fabs(work[i] - fig[i]);
					fl[i] |= DTI_CELL_MISMATCH;
					(*mismatches)++;
					if (d > *mm_max) {
						*mm_max = d;
						*mm_node = k;
						*mm_unit = i;
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
			else if (!all && missing != DTI_MISSING_ZERO && any)
				fl[i] |= DTI_CELL_PARTIAL;
		}
	}
	return DTI_OK;
}

/* The index must be known, unless the caller allows unknown values. */
static enum dti_status check_known(struct dti_model *m, struct dti_error *err)
{
	const struct dti_framework *fw = m->fw;
	struct dti_result *res = m->res;
	size_t unknown_units = 0, first_unknown = 0;
	for (size_t i = 0; i < res->n; i++)
		if (res->flags[RES_AT(res, fw->root, i)] & DTI_CELL_UNKNOWN) {
			if (!unknown_units)
				first_unknown = i;
			unknown_units++;
		}
	if (!unknown_units)
		return DTI_OK;
	char list[512];
	list_unknown_nodes(m, first_unknown, m->needed, list, sizeof list);
	if (!m->allow_unknown)
		return dti_err_set(
		    err, DTI_EUNKNOWN, NULL, 0, 0, fw->nodes[fw->root].code,
		    "cannot compute '%s' for %zu unit%s: framework "
		    "'%s' "
		    "does not know the points of %s (not published), "
		    "so they cannot be weighted; "
		    "enter '%s' directly, or show what is known "
		    "(--partial)",
		    fw->nodes[fw->root].code, unknown_units,
		    unknown_units == 1 ? "" : "s", dti_framework_id(fw), list,
		    fw->nodes[fw->root].code);
	dti_result_add_note(res,
	                    "'%s' is unknown for %zu unit%s: the points "
	                    "of %s are not published",
	                    "'%s' không xác định được cho %zu đơn vị%.0s: "
	                    "điểm của %s chưa được công bố",
	                    fw->nodes[fw->root].code, unknown_units,
	                    unknown_units == 1 ? "" : "s", list);
	return DTI_OK;
}

/* Step 4: ranks on the values rounded to the precision, node by node. */
static void rank_all(struct dti_model *m)
{
	const struct dti_framework *fw = m->fw;
	struct dti_result *res = m->res;
	size_t n = res->n;
	long long *rd = m->rd;
	double p10 = dti_pow10(res->precision);
	for (size_t k = 0; k < res->nn; k++) {
		if (fw->nodes[k].kind == DTI_KIND_STATISTIC || !m->rank_on[k]) {
			if (m->rank_clear[k])
				continue; /* zero since an earlier run */
			res->ranked[k] = 0;
			if (res->ngroups)
				memset(&res->gcount[k * res->ngroups], 0,
				       res->ngroups * sizeof *res->gcount);
			memset(&res->rank[RES_AT(res, k, 0)], 0,
			       n * sizeof *res->rank);
			if (res->grank)
				memset(&res->grank[RES_AT(res, k, 0)], 0,
				       n * sizeof *res->grank);
			m->rank_clear[k] = 1;
			continue;
		}
		const double *val = &res->value[RES_AT(res, k, 0)];
		for (size_t i = 0; i < n; i++)
			rd[i] = isnan(val[i]) ? 0 : dti_round_by(val[i], p10);
		eng_rank_node(res, k, rd, m->ka, m->kt, m->glast_rank,
		              m->glast_key, m->gseen);
		m->rank_clear[k] = 0;
	}
}

/* Missing figures that count: those under no entered value. */
static void note_missing(struct dti_model *m, size_t entered_aggs)
{
	const struct dti_framework *fw = m->fw;
	struct dti_result *res = m->res;
	size_t n = res->n, nn = res->nn;
	size_t *miss = m->miss;
	unsigned char *needed = m->needed;
	memset(miss, 0, (nn ? nn : 1) * sizeof *miss);
	size_t missing_cells = 0;
	if (!entered_aggs && n) {
		/* nothing entered: the same nodes are needed for every unit */
		mark_needed(m, 0, needed);
		for (size_t k = 0; k < nn; k++) {
			if (fw->nodes[k].nchildren || !needed[k])
				continue;
			const unsigned char *fl =
			    &res->flags[RES_AT(res, k, 0)];
			size_t c = 0;
			for (size_t i = 0; i < n; i++)
				c += (fl[i] & DTI_CELL_MISSING) != 0;
			miss[k] = c;
			missing_cells += c;
		}
	}
	for (size_t i = 0; entered_aggs && i < n; i++) {
		mark_needed(m, i, needed);
		for (size_t k = 0; k < nn; k++)
			if (!fw->nodes[k].nchildren && needed[k] &&
			    (res->flags[RES_AT(res, k, i)] &
			     DTI_CELL_MISSING)) {
				miss[k]++;
				missing_cells++;
			}
	}
	if (!missing_cells)
		return;
	/* name the nodes with the most missing figures */
	char list[400] = "";
	size_t len = 0, shown = 0, more = 0;
	for (size_t k = 0; k < nn; k++) {
		size_t cnt = miss[k];
		if (!cnt)
			continue;
		if (shown < 6 && len < sizeof list) {
			int w = dti_snprintf(list + len, sizeof list - len,
			                     "%s%s %zu", shown ? ", " : "",
			                     fw->nodes[k].code, cnt);
			if (w > 0)
				len += (size_t)w;
			shown++;
		} else {
			more++;
		}
	}
	if (more)
		dti_result_add_note(res,
		                    "%zu figure%s missing (%s and %zu more "
		                    "indicator%s)",
		                    "thiếu %zu số liệu%.0s (%s và %zu chỉ số "
		                    "khác%.0s)",
		                    missing_cells,
		                    missing_cells == 1 ? " is" : "s are", list,
		                    more, more == 1 ? "" : "s");
	else
		dti_result_add_note(res, "%zu figure%s missing (%s)",
		                    "thiếu %zu số liệu%.0s (%s)", missing_cells,
		                    missing_cells == 1 ? " is" : "s are", list);
}

enum dti_status dti_model_run(struct dti_model *m, struct dti_error *err)
{
	const struct dti_framework *fw = m->fw;
	const struct dti_dataset *ds = m->ds;
	struct dti_result *res = m->res;
	m->valid = 0;
	clear_result(res);
	res->missing = m->missing;

	size_t imputed = 0, mismatches = 0, entered_aggs = 0;
	size_t mismatch_node = SIZE_MAX, mismatch_unit = 0;
	double mismatch_max = 0;
	enum dti_status st =
	    compute_values(m, &imputed, &entered_aggs, &mismatches,
	                   &mismatch_node, &mismatch_unit, &mismatch_max, err);
	if (st == DTI_OK)
		st = check_known(m, err);
	if (st != DTI_OK)
		return st;
	rank_all(m);

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
	if (m->pool)
		dti_result_add_note(
		    res,
		    "indicators normalised across the %zu cycles of the "
		    "data (%s to %s)",
		    "chỉ số thành phần được chuẩn hoá trên cả %zu kỳ của dữ "
		    "liệu (%s đến %s)",
		    ds->ncycles, ds->cycles[0].label,
		    ds->cycles[ds->ncycles - 1].label);
	note_missing(m, entered_aggs);
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
		    m->recompute ? "were checked and replaced by values "
		                   "computed from their indicators where "
		                   "those are in the data"
		                 : "are used as entered",
		    m->recompute ? "được kiểm tra và thay bằng giá trị tính "
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
	/* a note that could not be stored fails the run, not a silent gap */
	if (res->notes_lost)
		return dti_err_nomem(err);
	m->valid = 1;
	return DTI_OK;
}

enum dti_status dti_compute(const struct dti_framework *fw,
                            const struct dti_dataset *ds, size_t cycle,
                            const struct dti_compute_opts *opts,
                            struct dti_result **out, struct dti_error *err)
{
	*out = NULL;
	struct dti_model *m;
	enum dti_status st = dti_model_new(fw, ds, cycle, opts, &m, err);
	if (st != DTI_OK)
		return st;
	if (opts && opts->ranked)
		st = dti_model_set_ranked(m, opts->ranked, opts->nranked, err);
	if (st == DTI_OK)
		st = dti_model_run(m, err);
	if (st == DTI_OK) {
		*out = m->res;
		m->res = NULL;
	}
	dti_model_free(m);
	return st;
}
