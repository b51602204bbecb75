/*
 * lib/dataset.c - units' figures: storage, CSV input (wide and long), hash.
 *
 * Storage is a column per node and cycle (allocated on first use), so a
 * sparse long file costs little and the engine reads contiguous columns.
 * Reading checks everything a person can get wrong in a spreadsheet and
 * reports each fault with file, line, column and field: unknown columns and
 * units (with a suggestion), a unit twice in a cycle, a figure that is not a
 * number or breaks its node's rule.  Nothing is kept from a file with a
 * fault: the caller gets an error and no dataset.
 */
#include <stdlib.h>
#include <string.h>

#include "engine/model.h"

#define MAX_ERRORS_BEFORE_STOP 200

/* ---- storage --------------------------------------------------------- */

enum dti_status dti_dataset_new(const struct dti_framework *fw,
                                const struct dti_units *units,
                                struct dti_dataset **out)
{
	struct dti_dataset *ds = calloc(1, sizeof *ds);
	if (!ds)
		return DTI_ENOMEM;
	ds->fw = fw;
	ds->units = units;
	*out = ds;
	return DTI_OK;
}

void dti_dataset_free(struct dti_dataset *ds)
{
	if (!ds)
		return;
	for (size_t c = 0; c < ds->ncycles; c++) {
		struct ds_cycle *cy = &ds->cycles[c];
		if (cy->cols)
			for (size_t k = 0; k < ds->fw->n; k++)
				free(cy->cols[k]);
		free(cy->cols);
		for (size_t a = 0; a < cy->naux_cols; a++)
			free(cy->aux[a]);
		free(cy->aux);
	}
	for (size_t i = 0; i < ds->nunits; i++)
		free(ds->u[i].groups);
	free(ds->cycles);
	free(ds->u);
	free(ds->groupdims);
	free(ds->auxdims);
	free(ds->info);
	free(ds->meta_keys);
	free(ds->meta_vals);
	dti_map_release(&ds->unit_ids);
	dti_map_release(&ds->info_map);
	dti_arena_release(&ds->arena);
	free(ds);
}

static double *new_column(size_t cap)
{
	double *col = malloc((cap ? cap : 1) * sizeof *col);
	if (col)
		for (size_t i = 0; i < cap; i++)
			col[i] = NAN;
	return col;
}

enum dti_status dti_dataset_add_cycle(struct dti_dataset *ds, const char *label,
                                      size_t *index)
{
	long f = dti_dataset_find_cycle(ds, label);
	if (f >= 0) {
		if (index)
			*index = (size_t)f;
		return DTI_OK;
	}
	if (DTI_GROW(ds->cycles, ds->ccap, ds->ncycles + 1))
		return DTI_ENOMEM;
	struct ds_cycle *cy = &ds->cycles[ds->ncycles];
	memset(cy, 0, sizeof *cy);
	cy->label = dti_arena_strdup(&ds->arena, label ? label : "");
	cy->cols = calloc(ds->fw->n ? ds->fw->n : 1, sizeof *cy->cols);
	if (!cy->label || !cy->cols) {
		free(cy->cols);
		return DTI_ENOMEM;
	}
	if (index)
		*index = ds->ncycles;
	ds->ncycles++;
	return DTI_OK;
}

/* Makes room for unit index `need - 1` in every column. */
static enum dti_status grow_units(struct dti_dataset *ds, size_t ncap);

static enum dti_status ensure_units(struct dti_dataset *ds, size_t need)
{
	if (need <= ds->ucap)
		return DTI_OK;
	size_t ncap = ds->ucap ? ds->ucap : 64;
	while (ncap < need)
		ncap *= 2;
	return grow_units(ds, ncap);
}

/* Room for exactly n units (a file's line count): columns are filled
   with NaN to their capacity, so no more than needed. */
static enum dti_status reserve_units(struct dti_dataset *ds, size_t n)
{
	return n <= ds->ucap ? DTI_OK : grow_units(ds, n);
}

static enum dti_status grow_units(struct dti_dataset *ds, size_t ncap)
{
	for (size_t c = 0; c < ds->ncycles; c++) {
		struct ds_cycle *cy = &ds->cycles[c];
		for (size_t k = 0; k < ds->fw->n; k++) {
			if (!cy->cols[k])
				continue;
			double *q = realloc(cy->cols[k], ncap * sizeof *q);
			if (!q)
				return DTI_ENOMEM;
			for (size_t i = ds->ucap; i < ncap; i++)
				q[i] = NAN;
			cy->cols[k] = q;
		}
		for (size_t a = 0; a < cy->naux_cols; a++) {
			if (!cy->aux[a])
				continue;
			double *q = realloc(cy->aux[a], ncap * sizeof *q);
			if (!q)
				return DTI_ENOMEM;
			for (size_t i = ds->ucap; i < ncap; i++)
				q[i] = NAN;
			cy->aux[a] = q;
		}
	}
	struct ds_unit *nu = realloc(ds->u, ncap * sizeof *nu);
	if (!nu)
		return DTI_ENOMEM;
	ds->u = nu;
	ds->ucap = ncap;
	return DTI_OK;
}

enum dti_status dti_dataset_add_unit(struct dti_dataset *ds, const char *id,
                                     const char *name, long registry_index,
                                     size_t *index)
{
	size_t f;
	if (dti_map_get(&ds->unit_ids, id, &f)) {
		if (index)
			*index = f;
		return DTI_OK;
	}
	enum dti_status st = ensure_units(ds, ds->nunits + 1);
	if (st)
		return st;
	struct ds_unit *u = &ds->u[ds->nunits];
	memset(u, 0, sizeof *u);
	u->id = dti_arena_strdup(&ds->arena, id);
	u->name = dti_arena_strdup(&ds->arena, name && *name ? name : id);
	u->reg = registry_index;
	if (!u->id || !u->name)
		return DTI_ENOMEM;
	if (ds->ngroupdims) {
		u->groups = calloc(ds->ngroupdims, sizeof *u->groups);
		if (!u->groups)
			return DTI_ENOMEM;
	}
	if (dti_map_put(&ds->unit_ids, u->id, ds->nunits)) {
		free(u->groups);
		u->groups = NULL;
		return DTI_ENOMEM;
	}
	if (index)
		*index = ds->nunits;
	ds->nunits++;
	return DTI_OK;
}

static long find_dim(char **dims, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(dims[i], name) == 0)
			return (long)i;
	return -1;
}

enum dti_status dti_dataset_set_group(struct dti_dataset *ds, size_t unit,
                                      const char *dimension, const char *group)
{
	long d = find_dim(ds->groupdims, ds->ngroupdims, dimension);
	if (d < 0) {
		char **nd =
		    realloc(ds->groupdims, (ds->ngroupdims + 1) * sizeof *nd);
		if (!nd)
			return DTI_ENOMEM;
		ds->groupdims = nd;
		nd[ds->ngroupdims] = dti_arena_strdup(&ds->arena, dimension);
		if (!nd[ds->ngroupdims])
			return DTI_ENOMEM;
		/* every unit gets room first: the dimension counts after */
		for (size_t i = 0; i < ds->nunits; i++) {
			char **g = realloc(ds->u[i].groups,
			                   (ds->ngroupdims + 1) * sizeof *g);
			if (!g)
				return DTI_ENOMEM;
			g[ds->ngroupdims] = NULL;
			ds->u[i].groups = g;
		}
		d = (long)ds->ngroupdims++;
	}
	if (unit >= ds->nunits)
		return DTI_EARG;
	char *g = group && *group ? dti_arena_strdup(&ds->arena, group) : NULL;
	if (group && *group && !g)
		return DTI_ENOMEM;
	ds->u[unit].groups[d] = g;
	return DTI_OK;
}

enum dti_status dti_dataset_set_aux(struct dti_dataset *ds, size_t cycle,
                                    size_t unit, const char *name, double v)
{
	if (cycle >= ds->ncycles || unit >= ds->nunits)
		return DTI_EARG;
	long d = find_dim(ds->auxdims, ds->nauxdims, name);
	if (d < 0) {
		char **nd =
		    realloc(ds->auxdims, (ds->nauxdims + 1) * sizeof *nd);
		if (!nd)
			return DTI_ENOMEM;
		ds->auxdims = nd;
		nd[ds->nauxdims] = dti_arena_strdup(&ds->arena, name);
		if (!nd[ds->nauxdims])
			return DTI_ENOMEM;
		d = (long)ds->nauxdims++;
	}
	struct ds_cycle *cy = &ds->cycles[cycle];
	if ((size_t)d >= cy->naux_cols) {
		double **na = realloc(cy->aux, ds->nauxdims * sizeof *na);
		if (!na)
			return DTI_ENOMEM;
		for (size_t a = cy->naux_cols; a < ds->nauxdims; a++)
			na[a] = NULL;
		cy->aux = na;
		cy->naux_cols = ds->nauxdims;
	}
	if (!cy->aux[d]) {
		cy->aux[d] = new_column(ds->ucap);
		if (!cy->aux[d])
			return DTI_ENOMEM;
	}
	cy->aux[d][unit] = v;
	return DTI_OK;
}

const char *dti_check_figure(const struct dti_framework *fw,
                             const struct fw_node *nd, double v, char *why,
                             size_t whysz)
{
	if (!isfinite(v))
		return "not a finite number";
	if (nd->nchildren) {
		if (fw->uses_points && (v < 0 || v > fw->scale)) {
			dti_snprintf(
			    why, whysz,
			    "%g is outside 0..%g (an entered value of '%s')", v,
			    fw->scale, nd->code);
			return why;
		}
		return NULL;
	}
	const struct rule_params *rp = &nd->rp;
	switch (nd->rule) {
	case DTI_RULE_YESNO:
		if (v != 0 && v != 1)
			return "expected yes or no (1/0, có/không)";
		break;
	case DTI_RULE_COUNT:
		if (v < 0)
			return "a count cannot be negative";
		break;
	case DTI_RULE_POINTS:
	case DTI_RULE_REVIEWER:
		if (v < 0 || (nd->points_known == 1 && v > nd->points + 1e-9)) {
			dti_snprintf(why, whysz, "%g points is outside 0..%g",
			             v, nd->points);
			return why;
		}
		break;
	case DTI_RULE_SURVEY:
		if (v < rp->min || v > rp->max) {
			dti_snprintf(why, whysz,
			             "%g is outside the survey scale %g..%g", v,
			             rp->min, rp->max);
			return why;
		}
		break;
	case DTI_RULE_VALUE:
		if (v < 0 || v > fw->scale) {
			dti_snprintf(why, whysz, "value %g is outside 0..%g", v,
			             fw->scale);
			return why;
		}
		break;
	default: break;
	}
	return NULL;
}

/* Stores a figure already checked (in range, valid for its node). */
static enum dti_status ds_put(struct dti_dataset *ds, size_t cycle, size_t unit,
                              size_t node, double value)
{
	struct ds_cycle *cy = &ds->cycles[cycle];
	if (!cy->cols[node]) {
		if (isnan(value))
			return DTI_OK;
		cy->cols[node] = new_column(ds->ucap);
		if (!cy->cols[node])
			return DTI_ENOMEM;
	}
	double old = cy->cols[node][unit];
	if (isnan(old) && !isnan(value))
		cy->count++;
	else if (!isnan(old) && isnan(value))
		cy->count--;
	cy->cols[node][unit] = value;
	return DTI_OK;
}

enum dti_status dti_dataset_set(struct dti_dataset *ds, size_t cycle,
                                size_t unit, size_t node, double value,
                                struct dti_error *err)
{
	if (cycle >= ds->ncycles || unit >= ds->nunits || node >= ds->fw->n)
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, NULL,
		                   "cycle, unit or node out of range");
	if (!isnan(value)) {
		char buf[200];
		const char *why = dti_check_figure(ds->fw, &ds->fw->nodes[node],
		                                   value, buf, sizeof buf);
		if (why)
			return dti_err_set(err, DTI_EINVALID, NULL, 0, 0,
			                   ds->fw->nodes[node].code, "%s", why);
	}
	return ds_put(ds, cycle, unit, node, value) ? dti_err_nomem(err)
	                                            : DTI_OK;
}

static void info_key(char *k, size_t ksz, size_t cycle, size_t unit,
                     size_t node)
{
	dti_snprintf(k, ksz, "%zu:%zu:%zu", cycle, unit, node);
}

static struct ds_cell_info *find_info(const struct dti_dataset *ds,
                                      size_t cycle, size_t unit, size_t node)
{
	char k[80];
	size_t i;
	info_key(k, sizeof k, cycle, unit, node);
	return dti_map_get(&ds->info_map, k, &i) ? &ds->info[i] : NULL;
}

enum dti_status dti_dataset_set_evidence(struct dti_dataset *ds, size_t cycle,
                                         size_t unit, size_t node,
                                         const char *evidence, const char *note)
{
	struct ds_cell_info *ci = find_info(ds, cycle, unit, node);
	if (!ci) {
		if (DTI_GROW(ds->info, ds->infocap, ds->ninfo + 1))
			return DTI_ENOMEM;
		char k[80];
		info_key(k, sizeof k, cycle, unit, node);
		char *key = dti_arena_strdup(&ds->arena, k);
		if (!key || dti_map_put(&ds->info_map, key, ds->ninfo))
			return DTI_ENOMEM;
		ci = &ds->info[ds->ninfo++];
		memset(ci, 0, sizeof *ci);
		ci->cycle = cycle;
		ci->unit = unit;
		ci->node = node;
	}
	if (evidence && *evidence &&
	    !(ci->evidence = dti_arena_strdup(&ds->arena, evidence)))
		return DTI_ENOMEM;
	if (note && *note && !(ci->note = dti_arena_strdup(&ds->arena, note)))
		return DTI_ENOMEM;
	return DTI_OK;
}

enum dti_status dti_dataset_set_meta(struct dti_dataset *ds, const char *key,
                                     const char *value)
{
	char **nk = realloc(ds->meta_keys, (ds->nmeta + 1) * sizeof *nk);
	if (!nk)
		return DTI_ENOMEM;
	ds->meta_keys = nk;
	char **nv = realloc(ds->meta_vals, (ds->nmeta + 1) * sizeof *nv);
	if (!nv)
		return DTI_ENOMEM;
	ds->meta_vals = nv;
	nk[ds->nmeta] = dti_arena_strdup(&ds->arena, key);
	nv[ds->nmeta] = dti_arena_strdup(&ds->arena, value);
	if (!nk[ds->nmeta] || !nv[ds->nmeta])
		return DTI_ENOMEM;
	ds->nmeta++;
	return DTI_OK;
}

/* ---- accessors ------------------------------------------------------- */

const struct dti_framework *dti_dataset_framework(const struct dti_dataset *ds)
{
	return ds->fw;
}

const struct dti_units *dti_dataset_units(const struct dti_dataset *ds)
{
	return ds->units;
}

size_t dti_dataset_cycle_count(const struct dti_dataset *ds)
{
	return ds->ncycles;
}

const char *dti_dataset_cycle(const struct dti_dataset *ds, size_t i)
{
	return i < ds->ncycles ? ds->cycles[i].label : NULL;
}

long dti_dataset_find_cycle(const struct dti_dataset *ds, const char *label)
{
	for (size_t i = 0; i < ds->ncycles; i++)
		if (strcmp(ds->cycles[i].label, label ? label : "") == 0)
			return (long)i;
	return -1;
}

size_t dti_dataset_unit_count(const struct dti_dataset *ds)
{
	return ds->nunits;
}

void dti_dataset_unit(const struct dti_dataset *ds, size_t i,
                      struct dti_dataset_unit *out)
{
	out->id = ds->u[i].id;
	out->name = ds->u[i].name;
	out->registry_index = ds->u[i].reg;
}

long dti_dataset_find_unit(const struct dti_dataset *ds, const char *id)
{
	size_t i;
	return dti_map_get(&ds->unit_ids, id, &i) ? (long)i : -1;
}

int dti_dataset_unit_present(const struct dti_dataset *ds, size_t cycle,
                             size_t unit)
{
	const struct ds_cycle *cy = &ds->cycles[cycle];
	for (size_t k = 0; k < ds->fw->n; k++)
		if (cy->cols[k] && !isnan(cy->cols[k][unit]))
			return 1;
	return 0;
}

size_t dti_dataset_group_dim_count(const struct dti_dataset *ds)
{
	return ds->ngroupdims;
}

const char *dti_dataset_group_dim(const struct dti_dataset *ds, size_t i)
{
	return i < ds->ngroupdims ? ds->groupdims[i] : NULL;
}

const char *dti_dataset_group(const struct dti_dataset *ds, size_t unit,
                              const char *dimension)
{
	long d = find_dim(ds->groupdims, ds->ngroupdims, dimension);
	if (d < 0 || unit >= ds->nunits)
		return NULL;
	return ds->u[unit].groups[d];
}

double dti_dataset_aux(const struct dti_dataset *ds, size_t cycle, size_t unit,
                       const char *name)
{
	long d = find_dim(ds->auxdims, ds->nauxdims, name);
	if (d < 0 || cycle >= ds->ncycles)
		return NAN;
	const struct ds_cycle *cy = &ds->cycles[cycle];
	if ((size_t)d >= cy->naux_cols || !cy->aux[d])
		return NAN;
	return cy->aux[d][unit];
}

double dti_dataset_get(const struct dti_dataset *ds, size_t cycle, size_t unit,
                       size_t node)
{
	const double *col = ds->cycles[cycle].cols[node];
	return col ? col[unit] : NAN;
}

const char *dti_dataset_evidence(const struct dti_dataset *ds, size_t cycle,
                                 size_t unit, size_t node)
{
	const struct ds_cell_info *ci = find_info(ds, cycle, unit, node);
	return ci ? ci->evidence : NULL;
}

const char *dti_dataset_note(const struct dti_dataset *ds, size_t cycle,
                             size_t unit, size_t node)
{
	const struct ds_cell_info *ci = find_info(ds, cycle, unit, node);
	return ci ? ci->note : NULL;
}

size_t dti_dataset_count(const struct dti_dataset *ds, size_t cycle)
{
	return cycle < ds->ncycles ? ds->cycles[cycle].count : 0;
}

const char *dti_dataset_meta(const struct dti_dataset *ds, const char *key)
{
	for (size_t i = ds->nmeta; i-- > 0;)
		if (strcmp(ds->meta_keys[i], key) == 0)
			return ds->meta_vals[i];
	return NULL;
}

int dti_dataset_synthetic(const struct dti_dataset *ds)
{
	const char *v = dti_dataset_meta(ds, "synthetic");
	if (!v)
		return 0;
	return !(dti_streq_ci(v, "no") || dti_streq_ci(v, "false") ||
	         strcmp(v, "0") == 0 || dti_streq_ci(v, "khong"));
}

struct named {
	const char *name;
	size_t idx;
};

static int cmp_named(const void *a, const void *b)
{
	const struct named *x = a, *y = b;
	return strcmp(x->name, y->name);
}

static void put_u32(struct dti_sha256 *sh, uint32_t v)
{
	unsigned char b[4] = {(unsigned char)(v >> 24),
	                      (unsigned char)(v >> 16), (unsigned char)(v >> 8),
	                      (unsigned char)v};
	dti_sha256_update(sh, b, 4);
}

/*
 * The canonical form hashed ("dti-data-2"): the cycle label; the ids of the
 * units with figures, sorted; then for every node with figures, by code:
 * the code, and each figure as (unit ordinal, IEEE 754 double), big-endian.
 * Row and column order of the file, and nodes without figures, do not
 * matter; every bit of every figure does.
 */
enum dti_status dti_dataset_hash(const struct dti_dataset *ds, size_t cycle,
                                 char out[65])
{
	if (cycle >= ds->ncycles)
		return DTI_EARG;
	const struct ds_cycle *cy = &ds->cycles[cycle];
	size_t nu = ds->nunits, nn = ds->fw->n;
	struct named *units = malloc((nu ? nu : 1) * sizeof *units);
	struct named *codes = malloc((nn ? nn : 1) * sizeof *codes);
	uint32_t *ord = malloc((nu ? nu : 1) * sizeof *ord);
	if (!units || !codes || !ord) {
		free(units);
		free(codes);
		free(ord);
		return DTI_ENOMEM;
	}
	size_t mu = 0, mc = 0;
	for (size_t u = 0; u < nu; u++)
		if (dti_dataset_unit_present(ds, cycle, u)) {
			units[mu].name = ds->u[u].id;
			units[mu++].idx = u;
		}
	for (size_t k = 0; k < nn; k++)
		if (cy->cols[k]) {
			codes[mc].name = ds->fw->nodes[k].code;
			codes[mc++].idx = k;
		}
	qsort(units, mu, sizeof *units, cmp_named);
	qsort(codes, mc, sizeof *codes, cmp_named);
	struct dti_sha256 sh;
	dti_sha256_init(&sh);
	static const char head[] = "dti-data-2";
	dti_sha256_update(&sh, head, sizeof head);
	dti_sha256_update(&sh, cy->label, strlen(cy->label) + 1);
	put_u32(&sh, (uint32_t)mu);
	for (size_t j = 0; j < mu; j++) {
		dti_sha256_update(&sh, units[j].name,
		                  strlen(units[j].name) + 1);
		ord[j] = (uint32_t)units[j].idx;
	}
	for (size_t c = 0; c < mc; c++) {
		const double *col = cy->cols[codes[c].idx];
		dti_sha256_update(&sh, codes[c].name,
		                  strlen(codes[c].name) + 1);
		unsigned char buf[12 * 256];
		size_t fill = 0;
		for (size_t j = 0; j < mu; j++) {
			double v = col[ord[j]];
			if (isnan(v))
				continue;
			uint64_t bits;
			memcpy(&bits, &v, sizeof bits);
			unsigned char *p = buf + fill;
			for (int b = 0; b < 4; b++)
				p[b] = (unsigned char)(j >> (24 - 8 * b));
			for (int b = 0; b < 8; b++)
				p[4 + b] =
				    (unsigned char)(bits >> (56 - 8 * b));
			fill += 12;
			if (fill == sizeof buf) {
				dti_sha256_update(&sh, buf, fill);
				fill = 0;
			}
		}
		dti_sha256_update(&sh, buf, fill);
		put_u32(&sh, 0xFFFFFFFFu);
	}
	dti_sha256_final(&sh, out);
	free(units);
	free(codes);
	free(ord);
	return DTI_OK;
}

/* CSV field with quoting when needed. */
static enum dti_status csv_field(struct dti_buf *b, const char *s)
{
	int q = strpbrk(s, ",\"\n\r;") != NULL;
	if (!q)
		return dti_buf_adds(b, s);
	enum dti_status st = dti_buf_addc(b, '"');
	for (; *s && !st; s++) {
		if (*s == '"')
			st = dti_buf_addc(b, '"');
		if (!st)
			st = dti_buf_addc(b, *s);
	}
	return st ? st : dti_buf_addc(b, '"');
}

static enum dti_status write_dataset_write_csv(const struct dti_dataset *ds,
                                               size_t cycle,
                                               struct dti_buf *out,
                                               struct dti_error *err)
{
	if (cycle >= ds->ncycles)
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, NULL,
		                   "no such cycle");
	const struct ds_cycle *cy = &ds->cycles[cycle];
	enum dti_status st = DTI_OK;
	if (dti_dataset_synthetic(ds))
		st = dti_buf_adds(out, "# synthetic: yes\n");
	const char *note = dti_dataset_meta(ds, "note");
	if (!st && note)
		st = dti_buf_addf(out, "# note: %s\n", note);
	const char *prepared = dti_dataset_meta(ds, "prepared");
	if (!st && prepared)
		st = dti_buf_addf(out, "# prepared: %s\n", prepared);
	if (!st)
		st = dti_buf_adds(out, "year,unit,name");
	/* the group columns the framework names (an iMeta's): read back as
	   groups */
	const char *gdim[16];
	size_t ng = 0;
	for (size_t g = 0; g < ds->fw->ngroupcols && ng < 16; g++)
		for (size_t d = 0; d < ds->ngroupdims; d++)
			if (strcmp(ds->groupdims[d], ds->fw->groupcols[g]) == 0)
				gdim[ng++] = ds->groupdims[d];
	for (size_t g = 0; g < ng && !st; g++) {
		st = dti_buf_addc(out, ',');
		if (!st)
			st = csv_field(out, gdim[g]);
	}
	for (size_t k = 0; k < ds->fw->n && !st; k++)
		if (cy->cols[k]) {
			st = dti_buf_addc(out, ',');
			if (!st)
				st = csv_field(out, ds->fw->nodes[k].code);
		}
	if (!st)
		st = dti_buf_addc(out, '\n');
	for (size_t i = 0; i < ds->nunits && !st; i++) {
		if (!dti_dataset_unit_present(ds, cycle, i))
			continue;
		st = csv_field(out, cy->label);
		if (!st)
			st = dti_buf_addc(out, ',');
		if (!st)
			st = csv_field(out, ds->u[i].id);
		if (!st)
			st = dti_buf_addc(out, ',');
		if (!st)
			st = csv_field(out, ds->u[i].name);
		for (size_t g = 0; g < ng && !st; g++) {
			const char *v = dti_dataset_group(ds, i, gdim[g]);
			st = dti_buf_addc(out, ',');
			if (!st && v)
				st = csv_field(out, v);
		}
		for (size_t k = 0; k < ds->fw->n && !st; k++) {
			if (!cy->cols[k])
				continue;
			st = dti_buf_addc(out, ',');
			if (!st && !isnan(cy->cols[k][i]))
				st = dti_buf_add_shortest(out, cy->cols[k][i]);
		}
		if (!st)
			st = dti_buf_addc(out, '\n');
	}
	if (st)
		return dti_err_set(err, st, NULL, 0, 0, NULL,
		                   "cannot write the data: %s",
		                   dti_strerror(st));
	return DTI_OK;
}

/* ---- reading --------------------------------------------------------- */

enum role {
	R_NONE,
	R_CYCLE,
	R_UNIT_ID,
	R_UNIT_NAME,
	R_GROUP,
	R_AUX,
	R_IGNORE,
	R_NODE,
	R_INDICATOR,
	R_VALUE,
	R_EVIDENCE,
	R_NOTE
};

struct reader {
	struct dti_dataset *ds;
	const struct dti_framework *fw;
	const struct dti_units *units;
	const struct dti_read_opts *opts;
	const char *name;
	struct dti_error *err;
	char decimal;
	size_t ncols;
	enum role *role;
	long *node;     /* R_NODE: node index */
	char **colname; /* header text (arena) */
	int long_layout;
	size_t nerrors;
	int nomem;           /* an allocation failed: DTI_ENOMEM */
	struct dti_map seen; /* "cycle\x1funit" or "cycle\x1funit\x1fnode" */
	struct dti_arena keys;
	struct dti_buf key; /* the key being looked up, any length */
	unsigned long *seen_line;
	size_t seen_cap;
	size_t seen_n;
	const char *meta_date; /* "# date:" or "# rebased_to:" of the file */
	/* wide layout: the figures of up to STAGE_ROWS rows, row-major (NaN
	 * for none), stored column by column when full (stage_flush) */
	double *stage;
	size_t *stage_cycle, *stage_unit;
	size_t nstage;
	double *lo, *hi; /* per column: plain_range of its node */
	/* wide layout, per cycle of the dataset (rcyc[cycle]) */
	struct rcycle *rcyc;
	size_t nrcyc;
};

/*
 * What the wide layout knows of a cycle while it reads: the line of each
 * unit's row (0: none yet), and the columns it made for the cycle's
 * figures without filling them: every row's cell of such a column is
 * written when staged rows are stored, the cells of units without a row
 * are filled when the reading ends, and a column that got no figure is
 * dropped then.
 */
struct rcycle {
	unsigned long *line; /* [unit], lcap of them */
	size_t lcap;
	int made;             /* the columns were made (first stored block) */
	unsigned char *fresh; /* [column]: made here, not filled */
	size_t *got;          /* [column]: figures stored */
};

/*
 * Rows of figures kept before they are stored: a row's figures go to as
 * many columns as it has indicators, so storing them row by row touches
 * a cache line per figure; a block of rows stored column by column
 * writes each column's lines once.
 */
#define STAGE_ROWS 64

/* The reading state of a cycle, made when first needed; NULL: no memory. */
static struct rcycle *rcycle_of(struct reader *r, size_t cycle)
{
	if (cycle >= r->nrcyc) {
		size_t n = cycle + 1 > 2 * r->nrcyc ? cycle + 1 : 2 * r->nrcyc;
		struct rcycle *q = realloc(r->rcyc, n * sizeof *q);
		if (!q)
			return NULL;
		memset(q + r->nrcyc, 0, (n - r->nrcyc) * sizeof *q);
		r->rcyc = q;
		r->nrcyc = n;
	}
	struct rcycle *rc = &r->rcyc[cycle];
	if (!rc->fresh) {
		rc->fresh = calloc(r->ncols ? r->ncols : 1, 1);
		rc->got = calloc(r->ncols ? r->ncols : 1, sizeof *rc->got);
		if (!rc->fresh || !rc->got)
			return NULL;
	}
	return rc;
}

/*
 * The line of the row of unit in cycle already read (0: none), the row
 * on `line` recorded otherwise.  -1: no memory.
 */
static long long row_seen(struct reader *r, size_t cycle, size_t unit,
                          unsigned long line)
{
	struct rcycle *rc = rcycle_of(r, cycle);
	if (!rc)
		return -1;
	if (unit >= rc->lcap) {
		size_t n = r->ds->ucap > unit ? r->ds->ucap : unit + 1;
		unsigned long *q = realloc(rc->line, n * sizeof *q);
		if (!q)
			return -1;
		memset(q + rc->lcap, 0, (n - rc->lcap) * sizeof *q);
		rc->line = q;
		rc->lcap = n;
	}
	if (rc->line[unit])
		return (long long)rc->line[unit];
	rc->line[unit] = line;
	return 0;
}

/*
 * The end of a wide reading: in the columns made unfilled, NaN in the
 * cells of units without a row in their cycle (and past the last unit);
 * a column that got no figure is dropped.
 */
static void rcycles_finish(struct reader *r)
{
	struct dti_dataset *ds = r->ds;
	for (size_t c = 0; c < r->nrcyc && c < ds->ncycles; c++) {
		struct rcycle *rc = &r->rcyc[c];
		if (!rc->made)
			continue;
		struct ds_cycle *cy = &ds->cycles[c];
		for (size_t j = 0; j < r->ncols; j++) {
			if (!rc->fresh[j])
				continue;
			size_t node = (size_t)r->node[j];
			double *col = cy->cols[node];
			if (!rc->got[j]) {
				free(col);
				cy->cols[node] = NULL;
				continue;
			}
			for (size_t u = 0; u < ds->ucap; u++)
				if (u >= rc->lcap || !rc->line[u])
					col[u] = NAN;
		}
	}
}

static void rcycles_free(struct reader *r)
{
	for (size_t c = 0; c < r->nrcyc; c++) {
		free(r->rcyc[c].line);
		free(r->rcyc[c].fresh);
		free(r->rcyc[c].got);
	}
	free(r->rcyc);
}

static enum dti_status stage_flush(struct reader *r)
{
	struct dti_dataset *ds = r->ds;
	/* the first block of a cycle makes its columns, unfilled: each of
	   its rows' cells is written below, the rest at the end */
	for (size_t i = 0; i < r->nstage; i++) {
		struct rcycle *rc = rcycle_of(r, r->stage_cycle[i]);
		if (!rc)
			return DTI_ENOMEM;
		if (rc->made)
			continue;
		rc->made = 1;
		struct ds_cycle *cy = &ds->cycles[r->stage_cycle[i]];
		for (size_t j = 0; j < r->ncols; j++) {
			if (r->role[j] != R_NODE || cy->cols[r->node[j]])
				continue;
			double *col =
			    malloc((ds->ucap ? ds->ucap : 1) * sizeof *col);
			if (!col)
				return DTI_ENOMEM;
			cy->cols[r->node[j]] = col;
			rc->fresh[j] = 1;
		}
	}
	for (size_t j = 0; j < r->ncols; j++) {
		if (r->role[j] != R_NODE)
			continue;
		size_t node = (size_t)r->node[j];
		/* a row of a (cycle, unit) is read once (a second one is
		   refused), so every cell written here was empty: counted,
		   not compared */
		const double *v = r->stage + j;
		for (size_t i = 0; i < r->nstage;) {
			/* the rows of one cycle (all of them, mostly) */
			size_t cyc = r->stage_cycle[i], i1 = i + 1;
			while (i1 < r->nstage && r->stage_cycle[i1] == cyc)
				i1++;
			struct ds_cycle *cy = &ds->cycles[cyc];
			double *col = cy->cols[node];
			size_t got = 0;
			struct rcycle *rc = &r->rcyc[cyc];
			if (col) {
				/* a NaN written over an empty cell keeps it
				   empty: no branch per figure */
				for (; i < i1; i++) {
					double x = v[i * r->ncols];
					col[r->stage_unit[i]] = x;
					got += x == x;
				}
			} else {
				for (; i < i1; i++) {
					double x = v[i * r->ncols];
					if (x != x)
						continue;
					if (!col) {
						col = cy->cols[node] =
						    new_column(ds->ucap);
						if (!col)
							return DTI_ENOMEM;
					}
					col[r->stage_unit[i]] = x;
					got++;
				}
			}
			cy->count += got;
			rc->got[j] += got;
		}
	}
	r->nstage = 0;
	return DTI_OK;
}

static void rfault(struct reader *r, enum dti_status code, unsigned long line,
                   size_t col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void rfault(struct reader *r, enum dti_status code, unsigned long line,
                   size_t col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	/* col SIZE_MAX: the fault is about the file or header as a whole */
	const char *field = col < r->ncols && r->colname && r->colname[col]
	                        ? r->colname[col]
	                        : NULL;
	dti_err_vadd(r->err, code, r->name, line, col == SIZE_MAX ? 0 : col + 1,
	             field, fmt, ap);
	va_end(ap);
	r->nerrors++;
}

/* An allocation failed: reported once; the read ends with DTI_ENOMEM. */
static enum dti_status rnomem(struct reader *r)
{
	if (!r->nomem)
		dti_err_nomem(r->err);
	r->nomem = 1;
	return DTI_ENOMEM;
}

static const char *const cycle_cols[] = {"year",   "cycle", "nam",
                                         "period", "time",  "ky"};
static const char *const id_cols[] = {"unit",      "unit id",   "id",
                                      "code",      "ma",        "ucode",
                                      "ma don vi", "unit code", "ma tinh"};
static const char *const name_cols[] = {
    "name",   "uname",      "ten",        "province",  "tinh",
    "don vi", "ten don vi", "tinh thanh", "unit name", "tinh thanh pho"};
static const char *const group_cols[] = {"group", "region", "vung", "nhom"};
static const char *const aux_cols[] = {"population", "dan so"};
static const char *const ignore_cols[] = {"rank", "xep hang", "stt",
                                          "no",   "hang",     "ranking"};
static const char *const ind_cols[] = {"indicator", "chi so", "node",
                                       "indicator code", "ma chi so"};
static const char *const val_cols[] = {"value", "gia tri", "figure", "so lieu"};
static const char *const ev_cols[] = {"evidence", "tai lieu kiem chung",
                                      "minh chung", "tai lieu"};
static const char *const note_cols[] = {"note", "ghi chu", "comment"};
/* what a form (dti template) shows beside the figures: passed over */
static const char *const info_cols[] = {
    "ten chi so", "indicator name", "thuoc",       "part of",   "cach tinh",
    "rule",       "don vi tinh",    "measure",     "san",       "floor",
    "muc tieu",   "target",         "diem toi da", "max points"};

static int in_list(const char *key, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(key, list[i]) == 0)
			return 1;
	return 0;
}
#define IN(key, list) in_list(key, list, DTI_ARRAY_LEN(list))

/* Node by header text: code, case-insensitive code, then unique name. */
static long node_by_header(const struct dti_framework *fw, const char *h,
                           int *ambiguous)
{
	*ambiguous = 0;
	long k = dti_framework_find(fw, h);
	if (k >= 0)
		return k;
	char key[512], nk[512];
	dti_text_fold(h, key, sizeof key);
	if (!*key)
		return -1;
	long found = -1;
	for (size_t i = 0; i < fw->n; i++) {
		const struct fw_node *nd = &fw->nodes[i];
		int hit = 0;
		dti_text_fold(nd->name_vi, nk, sizeof nk);
		hit |= strcmp(nk, key) == 0;
		dti_text_fold(nd->name_en, nk, sizeof nk);
		hit |= strcmp(nk, key) == 0;
		if (!hit)
			continue;
		if (found >= 0 && found != (long)i) {
			*ambiguous = 1;
			return -1;
		}
		found = (long)i;
	}
	return found;
}

static int is_group_header(const char *h, const char *key)
{
	size_t n = strlen(h);
	if (IN(key, group_cols))
		return 1;
	return n > 6 && dti_streq_ci(h + n - 6, "_group");
}

static enum dti_status classify(struct reader *r, struct dti_csv *c)
{
	r->ncols = c->nfields;
	r->role = calloc(r->ncols, sizeof *r->role);
	r->node = calloc(r->ncols, sizeof *r->node);
	r->colname = calloc(r->ncols, sizeof *r->colname);
	if (!r->role || !r->node || !r->colname)
		return rnomem(r);
	int has_ind = 0, has_val = 0;
	for (size_t j = 0; j < r->ncols; j++) {
		char key[256];
		const char *h = dti_trim(c->fields[j]);
		r->colname[j] = dti_arena_strdup(&r->ds->arena, h);
		if (!r->colname[j])
			return rnomem(r);
		dti_text_fold(h, key, sizeof key);
		if (IN(key, ind_cols))
			has_ind = 1;
		if (IN(key, val_cols))
			has_val = 1;
	}
	enum dti_layout lay = r->opts ? r->opts->layout : DTI_LAYOUT_AUTO;
	const char *ml = dti_csv_meta(c, "layout");
	if (lay == DTI_LAYOUT_AUTO && ml)
		lay = dti_streq_ci(ml, "long") ? DTI_LAYOUT_LONG
		                               : DTI_LAYOUT_WIDE;
	r->long_layout = lay == DTI_LAYOUT_LONG ||
	                 (lay == DTI_LAYOUT_AUTO && has_ind && has_val);
	int have_id = 0, have_name = 0, have_cycle = 0;
	for (size_t j = 0; j < r->ncols; j++) {
		const char *h = r->colname[j];
		char key[256];
		dti_text_fold(h, key, sizeof key);
		enum role role = R_NONE;
		if (!*h) {
			role = R_IGNORE;
		} else if (r->opts) {
			for (size_t k = 0; k < r->opts->nignore; k++)
				if (dti_streq_ci(h, r->opts->ignore[k]))
					role = R_IGNORE;
		}
		if (role == R_NONE && h[0] == '_')
			role = R_IGNORE;
		if (role == R_NONE && IN(key, cycle_cols) && !have_cycle) {
			role = R_CYCLE;
			have_cycle = 1;
		}
		if (role == R_NONE && r->long_layout) {
			if (IN(key, ind_cols))
				role = R_INDICATOR;
			else if (IN(key, val_cols))
				role = R_VALUE;
			else if (IN(key, ev_cols))
				role = R_EVIDENCE;
			else if (IN(key, note_cols))
				role = R_NOTE;
		}
		if (role == R_NONE && IN(key, id_cols) && !have_id) {
			role = R_UNIT_ID;
			have_id = 1;
		}
		if (role == R_NONE && IN(key, name_cols) && !have_name) {
			role = R_UNIT_NAME;
			have_name = 1;
		}
		if (role == R_NONE) {
			for (size_t g = 0; g < r->fw->ngroupcols; g++)
				if (strcmp(h, r->fw->groupcols[g]) == 0)
					role = R_GROUP;
			for (size_t g = 0; g < r->fw->nauxcols; g++)
				if (strcmp(h, r->fw->auxcols[g]) == 0)
					role = R_AUX;
		}
		if (role == R_NONE && !r->long_layout) {
			int amb = 0;
			long k = node_by_header(r->fw, h, &amb);
			if (k >= 0) {
				role = R_NODE;
				r->node[j] = k;
				for (size_t j2 = 0; j2 < j; j2++)
					if (r->role[j2] == R_NODE &&
					    r->node[j2] == k)
						rfault(
						    r, DTI_EINVALID, c->line, j,
						    "column '%s' is the same "
						    "indicator as column %zu "
						    "('%s')",
						    h, j2 + 1, r->colname[j2]);
			} else if (amb) {
				rfault(
				    r, DTI_EAMBIGUOUS, c->line, j,
				    "column '%s' matches the names of several "
				    "nodes; use the node code",
				    h);
				role = R_IGNORE;
			}
		}
		if (role == R_NONE && is_group_header(h, key))
			role = R_GROUP;
		if (role == R_NONE && IN(key, aux_cols))
			role = R_AUX;
		if (role == R_NONE &&
		    (IN(key, ignore_cols) || IN(key, info_cols) ||
		     (!r->long_layout && IN(key, note_cols))))
			role = R_IGNORE;
		if (role == R_NONE) {
			if (r->long_layout)
				rfault(r, DTI_EINVALID, c->line, j,
				       "unknown column '%s' (a long file has "
				       "unit, indicator, value, evidence, note "
				       "and year columns)",
				       h);
			else
				rfault(r, DTI_ENOTFOUND, c->line, j,
				       "column '%s' is not an indicator of "
				       "framework '%s' (nor a unit, year, "
				       "group or population column; "
				       "--ignore skips a column)",
				       h, dti_framework_id(r->fw));
			role = R_IGNORE;
		}
		r->role[j] = role;
	}
	if (!have_id && !have_name)
		rfault(r, DTI_EINVALID, c->line, SIZE_MAX,
		       "no unit column (unit, code, id, name, province, tinh, "
		       "don_vi...) in the header");
	if (r->long_layout) {
		int ind = 0, val = 0;
		for (size_t j = 0; j < r->ncols; j++) {
			ind |= r->role[j] == R_INDICATOR;
			val |= r->role[j] == R_VALUE;
		}
		if (!ind || !val)
			rfault(r, DTI_EINVALID, c->line, SIZE_MAX,
			       "a long file needs indicator and value columns");
	}
	return r->nerrors ? DTI_EINVALID : DTI_OK;
}

/* Words for yes and no, folded. */
static int yes_no(const char *s, double *v)
{
	char k[64];
	dti_text_fold(s, k, sizeof k);
	static const char *const yes[] = {"yes", "y",   "co",    "true",
	                                  "x",   "dat", "da co", "1"};
	static const char *const no[] = {"no",   "n",       "khong",    "false",
	                                 "chua", "chua co", "khong co", "0"};
	if (IN(k, yes)) {
		*v = 1;
		return 0;
	}
	if (IN(k, no)) {
		*v = 0;
		return 0;
	}
	return -1;
}

static int is_missing_text(const char *s)
{
	/* a digit first (the figures) is kept by the fold: never missing */
	const char *d = s + (*s == '-' || *s == '+' || *s == '.');
	if (*d >= '0' && *d <= '9')
		return 0;
	char k[64];
	dti_text_fold(s, k, sizeof k);
	if (!*k) /* only punctuation: "-", "—", "..", "" */
		return 1;
	return strcmp(k, "na") == 0 || strcmp(k, "n a") == 0 ||
	       strcmp(k, "null") == 0;
}

enum dti_status dti_parse_figure(const struct dti_framework *fw, size_t node,
                                 const char *text, char decimal, double *v,
                                 char *why, size_t whysz)
{
	*v = NAN;
	if (whysz)
		*why = '\0';
	if (node >= fw->n) {
		dti_snprintf(why, whysz, "no such indicator");
		return DTI_EARG;
	}
	const struct fw_node *nd = &fw->nodes[node];
	const char *s = text ? text : "";
	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s || is_missing_text(s))
		return DTI_OK;
	if (nd->rule == DTI_RULE_YESNO && !nd->nchildren) {
		if (yes_no(s, v) == 0)
			return DTI_OK;
	}
	int pct = 0;
	const char *nwhy = NULL;
	double x;
	enum dti_status st = dti_parse_number(s, decimal, &x, &pct, &nwhy);
	if (st == DTI_EAMBIGUOUS) {
		dti_snprintf(
		    why, whysz,
		    "'%s' is ambiguous: ',' may be a decimal mark or a "
		    "thousands separator; declare it with '# decimal: "
		    ",' or '# decimal: .' (or --decimal)",
		    s);
		return DTI_ESYNTAX;
	}
	if (st) {
		if (nd->rule == DTI_RULE_YESNO && !nd->nchildren)
			dti_snprintf(why, whysz,
			             "'%s' is not yes or no (có/không, 1/0)",
			             s);
		else
			dti_snprintf(why, whysz, "'%s' is not a number (%s)", s,
			             nwhy);
		return DTI_ESYNTAX;
	}
	if (pct) {
		if (nd->nchildren || nd->rule == DTI_RULE_VALUE) {
			x = x / 100 * fw->scale;
		} else if (nd->rule == DTI_RULE_RATIO) {
			double big = fabs(nd->rp.floor) > fabs(nd->rp.target)
			                 ? fabs(nd->rp.floor)
			                 : fabs(nd->rp.target);
			if (big <= 1)
				x /= 100;
		} else if (nd->rule == DTI_RULE_YESNO ||
		           nd->rule == DTI_RULE_COUNT ||
		           nd->rule == DTI_RULE_POINTS ||
		           nd->rule == DTI_RULE_REVIEWER ||
		           nd->rule == DTI_RULE_SURVEY) {
			dti_snprintf(
			    why, whysz,
			    "'%s': a percentage is not expected for rule "
			    "'%s'",
			    s, dti_rule_name(nd->rule));
			return DTI_EINVALID;
		}
	}
	if (nd->kind != DTI_KIND_STATISTIC) {
		char buf[200];
		const char *bad = dti_check_figure(fw, nd, x, buf, sizeof buf);
		if (bad) {
			dti_snprintf(why, whysz, "%s", bad);
			return DTI_EINVALID;
		}
	}
	*v = x;
	return DTI_OK;
}

/*
 * Parses one cell for a node.  Returns 1 with *v set, 0 for an empty or
 * missing cell, -1 after reporting a fault.
 */
static int parse_cell(struct reader *r, const char *cell, size_t node,
                      unsigned long line, size_t col, char mark, double *v)
{
	char why[512];
	enum dti_status st =
	    dti_parse_figure(r->fw, node, cell, mark, v, why, sizeof why);
	if (st) {
		rfault(r, st, line, col, "%s", why);
		return -1;
	}
	return isnan(*v) ? 0 : 1;
}

static void cycle_date(const struct reader *r, const char *label, char *out,
                       size_t outsz)
{
	out[0] = '\0';
	if (r->opts && r->opts->date) {
		dti_snprintf(out, outsz, "%s", r->opts->date);
		return;
	}
	if (r->meta_date) {
		dti_snprintf(out, outsz, "%s", r->meta_date);
		return;
	}
	long y;
	if (label && strlen(label) == 4 && !dti_parse_long(label, &y) &&
	    y >= 1900 && y <= 2999) {
		dti_snprintf(out, outsz, "%ld-12-31", y);
		return;
	}
	if (r->fw->year)
		dti_snprintf(out, outsz, "%d-12-31", r->fw->year);
}

static int resolve_unit(struct reader *r, const char *id_text,
                        const char *name_text, const char *label,
                        unsigned long line, size_t id_col, size_t name_col,
                        size_t *unit)
{
	const char *text = id_text && *id_text ? id_text : name_text;
	size_t col = id_text && *id_text ? id_col : name_col;
	if (!text || !*text) {
		rfault(r, DTI_EINVALID, line,
		       id_col != SIZE_MAX ? id_col : name_col, "empty unit");
		return -1;
	}
	if (!r->units) {
		if (dti_dataset_add_unit(
		        r->ds, text, name_text && *name_text ? name_text : text,
		        -1, unit)) {
			rnomem(r);
			return -1;
		}
		return 0;
	}
	char date[16];
	cycle_date(r, label, date, sizeof date);
	size_t idx;
	struct dti_error e = DTI_ERROR_INIT;
	enum dti_status st =
	    dti_units_find(r->units, text, *date ? date : NULL, &idx, &e);
	if (st == DTI_ENOMEM) {
		dti_error_release(&e);
		rnomem(r);
		return -1;
	}
	if (st) {
		int dated = *date && !strstr(e.message, date);
		rfault(r, st, line, col, "%s%s%s", e.message,
		       dated ? " on " : "", dated ? date : "");
		dti_error_release(&e);
		return -1;
	}
	dti_error_release(&e);
	struct dti_unit_info ui;
	dti_units_get(r->units, idx, &ui);
	if (id_text && *id_text && name_text && *name_text) {
		/* both given: they must name the same unit */
		size_t idx2;
		st = dti_units_find(r->units, name_text, *date ? date : NULL,
		                    &idx2, NULL);
		if (st == DTI_ENOMEM) {
			rnomem(r);
			return -1;
		}
		if (st == DTI_OK && idx2 != idx) {
			rfault(r, DTI_EINVALID, line, name_col,
			       "'%s' and '%s' name different units", id_text,
			       name_text);
			return -1;
		}
	}
	size_t before = r->ds->nunits;
	if (dti_dataset_add_unit(r->ds, ui.id, ui.name_vi, (long)idx, unit)) {
		rnomem(r);
		return -1;
	}
	if (r->ds->nunits > before && ui.group && *ui.group &&
	    dti_dataset_set_group(r->ds, *unit, "group", ui.group)) {
		rnomem(r);
		return -1;
	}
	return 0;
}

/*
 * Remembers a key; returns the line it was first seen on, or 0.  Without
 * memory it returns 0 with r->nomem set.
 */
static unsigned long seen_before(struct reader *r, const char *key,
                                 unsigned long line)
{
	size_t v;
	if (dti_map_get(&r->seen, key, &v))
		return r->seen_line[v];
	char *k = dti_arena_strdup(&r->keys, key);
	if (!k || DTI_GROW(r->seen_line, r->seen_cap, r->seen_n + 1) ||
	    dti_map_put(&r->seen, k, r->seen_n)) {
		rnomem(r);
		return 0;
	}
	r->seen_line[r->seen_n++] = line;
	return 0;
}

static const char *cell_at(const struct dti_csv *c, size_t j)
{
	return j < c->nfields ? c->fields[j] : "";
}

/*
 * The decimal mark of field j: a workbook's number cell is written with
 * '.', whatever the file declares for the figures typed as text.
 */
static char mark_of(const struct reader *r, const struct dti_csv *c, size_t j)
{
	return dti_csv_kind(c, j) == DTI_CELL_NUMBER ? '.' : r->decimal;
}

/* Lines left in the CSV text (a bound on its records), at most 10^7. */
static size_t count_lines(const struct dti_csv *c)
{
	size_t n = 1;
	const char *p = c->buf + c->pos, *end = c->buf + c->len;
	while (n < 10000000 && (p = memchr(p, '\n', (size_t)(end - p)))) {
		p++;
		n++;
	}
	return n;
}

/*
 * Field j when it is a plain decimal ("-12.5", "7") that its node takes:
 * 1 and *v, converted exactly in one pass over the field's bytes.  0
 * for anything else, which parse_cell reads (and explains if wrong).
 */
static int plain_figure(const struct reader *r, const struct dti_csv *c,
                        size_t j, double *v)
{
	if (r->decimal == ',' && dti_csv_kind(c, j) != DTI_CELL_NUMBER)
		return 0;
	const char *f = c->fields[j];
	size_t n = c->sheet             ? strlen(f)
	           : j + 1 < c->nfields ? c->offsets[j + 1] - c->offsets[j] - 1
	                                : c->scratch_len - c->offsets[j] - 1;
	if (dti_fast_decimal(f, n, v))
		return 0;
	/* within the column's plain range: nothing more to check */
	if (*v >= r->lo[j] && *v <= r->hi[j])
		return 1;
	const struct fw_node *nd = &r->fw->nodes[r->node[j]];
	char why[8]; /* the message is parse_cell's to give */
	return nd->kind == DTI_KIND_STATISTIC ||
	       !dti_check_figure(r->fw, nd, *v, why, sizeof why);
}

/*
 * The figures a node's column takes without a message: [lo, hi] where
 * dti_check_figure accepts every value in it, else an empty range (the
 * check is then made for each figure).
 */
static void plain_range(const struct dti_framework *fw,
                        const struct fw_node *nd, double *lo, double *hi)
{
	*lo = 1;
	*hi = 0; /* empty */
	if (nd->kind == DTI_KIND_STATISTIC) {
		*lo = -INFINITY;
		*hi = INFINITY;
		return;
	}
	if (nd->nchildren) {
		if (!fw->uses_points) {
			*lo = -INFINITY;
			*hi = INFINITY;
		}
		return;
	}
	switch (nd->rule) {
	case DTI_RULE_VALUE:
		*lo = 0;
		*hi = fw->scale;
		break;
	case DTI_RULE_COUNT:
		*lo = 0;
		*hi = INFINITY;
		break;
	case DTI_RULE_SURVEY:
		*lo = nd->rp.min;
		*hi = nd->rp.max;
		break;
	case DTI_RULE_YESNO:
	case DTI_RULE_POINTS:
	case DTI_RULE_REVIEWER: break; /* checked figure by figure */
	default:
		*lo = -INFINITY;
		*hi = INFINITY;
		break;
	}
}

/* How read_rows reads the records: the columns of each role. */
struct rows {
	struct dti_csv_figs *fg; /* wide layout, '.' marks: figures converted
	                            as lines are cut */
	const size_t *other;     /* with fg: the group and aux columns */
	size_t nother;
	const char *def_cycle;
	size_t cyc_col, id_col, name_col, ind_col, val_col, ev_col, note_col;
};

static enum dti_status read_rows(struct reader *r, struct dti_csv *c,
                                 const struct rows *rw);

static enum dti_status read_records(struct reader *r, struct dti_csv *c)
{
	size_t cyc_col = SIZE_MAX, id_col = SIZE_MAX, name_col = SIZE_MAX;
	size_t ind_col = SIZE_MAX, val_col = SIZE_MAX, ev_col = SIZE_MAX,
	       note_col = SIZE_MAX;
	for (size_t j = 0; j < r->ncols; j++) {
		switch (r->role[j]) {
		case R_CYCLE: cyc_col = j; break;
		case R_UNIT_ID: id_col = j; break;
		case R_UNIT_NAME: name_col = j; break;
		case R_INDICATOR: ind_col = j; break;
		case R_VALUE: val_col = j; break;
		case R_EVIDENCE: ev_col = j; break;
		case R_NOTE: note_col = j; break;
		default: break;
		}
	}
	const char *def_cycle =
	    r->opts && r->opts->cycle ? r->opts->cycle : NULL;
	if (!def_cycle)
		def_cycle = dti_csv_meta(c, "cycle");
	if (!def_cycle)
		def_cycle = dti_csv_meta(c, "year");
	char fwyear[16] = "";
	if (!def_cycle && r->fw->year) {
		dti_snprintf(fwyear, sizeof fwyear, "%d", r->fw->year);
		def_cycle = fwyear;
	}
	if (!def_cycle)
		def_cycle = "";
	if (!r->long_layout) {
		r->stage = malloc(STAGE_ROWS * r->ncols * sizeof *r->stage);
		r->stage_cycle = malloc(STAGE_ROWS * sizeof *r->stage_cycle);
		r->stage_unit = malloc(STAGE_ROWS * sizeof *r->stage_unit);
		r->lo = malloc(r->ncols * sizeof *r->lo);
		r->hi = malloc(r->ncols * sizeof *r->hi);
		if (!r->stage || !r->stage_cycle || !r->stage_unit || !r->lo ||
		    !r->hi)
			return rnomem(r);
		for (size_t j = 0; j < r->ncols; j++) {
			r->lo[j] = 1;
			r->hi[j] = 0;
			if (r->role[j] == R_NODE)
				plain_range(r->fw, &r->fw->nodes[r->node[j]],
				            &r->lo[j], &r->hi[j]);
		}
		/* a row per unit: room for as many as the file has lines */
		if (!c->sheet && reserve_units(r->ds, count_lines(c)))
			return rnomem(r);
	}
	/* wide layout, '.' marks: the figures converted as the line is cut,
	   and only the columns that are not figures gone through per row */
	unsigned char *num = NULL;
	size_t *other = NULL, nother = 0, pending = 0;
	struct dti_csv_figs fg = {0};
	if (!r->long_layout && r->decimal != ',') {
		num = calloc(r->ncols ? r->ncols : 1, 1);
		other = malloc((r->ncols ? r->ncols : 1) * sizeof *other);
		if (!num || !other) {
			free(num);
			free(other);
			return rnomem(r);
		}
		for (size_t j = 0; j < r->ncols; j++) {
			num[j] = r->role[j] == R_NODE;
			if (r->role[j] == R_GROUP || r->role[j] == R_AUX)
				other[nother++] = j;
		}
		fg = (struct dti_csv_figs){num,      r->lo, r->hi,
		                           r->ncols, NULL,  &pending};
	}
	struct rows rw = {num ? &fg : NULL, other,  nother,   def_cycle,
	                  cyc_col,          id_col, name_col, ind_col,
	                  val_col,          ev_col, note_col};
	enum dti_status st = read_rows(r, c, &rw);
	free(num);
	free(other);
	return st;
}

static enum dti_status read_rows(struct reader *r, struct dti_csv *c,
                                 const struct rows *rw)
{
	const char *def_cycle = rw->def_cycle;
	size_t cyc_col = rw->cyc_col, id_col = rw->id_col,
	       name_col = rw->name_col, ind_col = rw->ind_col,
	       val_col = rw->val_col, ev_col = rw->ev_col,
	       note_col = rw->note_col;
	struct dti_csv_figs *fg = rw->fg;
	enum dti_status st;
	for (;;) {
		double *row =
		    r->long_layout ? NULL : r->stage + r->nstage * r->ncols;
		if (fg)
			fg->vals = row;
		st = fg ? dti_csv_next_figures(c, fg, r->err)
		        : dti_csv_next_nonblank(c, r->err);
		if (st != DTI_OK)
			break;
		if (r->nerrors >= MAX_ERRORS_BEFORE_STOP)
			break;
		unsigned long line = c->line;
		if (c->nfields > r->ncols) {
			for (size_t j = r->ncols; j < c->nfields; j++)
				if (*dti_trim(c->fields[j])) {
					dti_err_add(r->err, DTI_ESYNTAX,
					            r->name, line, j + 1, NULL,
					            "more fields than header "
					            "columns (%zu)",
					            r->ncols);
					r->nerrors++;
					break;
				}
		}
		const char *label = def_cycle;
		if (cyc_col != SIZE_MAX) {
			label = dti_trim(
			    c->fields[cyc_col < c->nfields ? cyc_col : 0]);
			if (cyc_col >= c->nfields || !*label) {
				rfault(r, DTI_EINVALID, line, cyc_col,
				       "empty year/cycle");
				continue;
			}
		}
		size_t cycle;
		if (dti_dataset_add_cycle(r->ds, label, &cycle))
			return rnomem(r);
		/* whole copies, trimmed: an id is never cut */
		char *idt =
		    strdup(id_col != SIZE_MAX ? cell_at(c, id_col) : "");
		char *nmt =
		    strdup(name_col != SIZE_MAX ? cell_at(c, name_col) : "");
		if (!idt || !nmt) {
			free(idt);
			free(nmt);
			return rnomem(r);
		}
		size_t unit;
		int unresolved =
		    resolve_unit(r, dti_trim(idt), dti_trim(nmt), label, line,
		                 id_col, name_col, &unit);
		free(idt);
		free(nmt);
		if (unresolved) {
			if (r->nomem)
				return DTI_ENOMEM;
			continue;
		}
		if (!r->long_layout) {
			long long first = row_seen(r, cycle, unit, line);
			if (first < 0)
				return rnomem(r);
			if (first) {
				rfault(r, DTI_EINVALID, line,
				       id_col != SIZE_MAX ? id_col : name_col,
				       "unit '%s' appears twice%s%s (first on "
				       "line %llu)",
				       r->ds->u[unit].name,
				       *label ? " in " : "", label,
				       (unsigned long long)first);
				continue;
			}
			if (!fg)
				for (size_t j = 0; j < r->ncols; j++)
					row[j] = NAN;
			/* with every figure converted, only the other
			   columns are left */
			int all = fg && !*fg->pending;
			size_t ncheck = all ? rw->nother : r->ncols;
			for (size_t i = 0; i < ncheck; i++) {
				size_t j = all ? rw->other[i] : i;
				if (j >= c->nfields)
					break;
				const char *cell = c->fields[j];
				if (r->role[j] == R_NODE) {
					double v = row[j];
					if (v >= r->lo[j] && v <= r->hi[j])
						continue; /* NaN is not */
					row[j] = NAN;
					if (plain_figure(r, c, j, &v) ||
					    parse_cell(r, cell,
					               (size_t)r->node[j], line,
					               j, mark_of(r, c, j),
					               &v) == 1)
						row[j] = v;
				} else if (r->role[j] == R_GROUP) {
					const char *g = dti_trim(c->fields[j]);
					if (*g &&
					    dti_dataset_set_group(
					        r->ds, unit, r->colname[j], g))
						return rnomem(r);
				} else if (r->role[j] == R_AUX) {
					const char *s = dti_trim(c->fields[j]);
					if (!*s || is_missing_text(s))
						continue;
					double v;
					const char *why;
					if (dti_parse_number(s,
					                     mark_of(r, c, j),
					                     &v, NULL, &why)) {
						rfault(r, DTI_ESYNTAX, line, j,
						       "'%s' is not a number",
						       s);
						continue;
					}
					char an[64];
					dti_text_fold(r->colname[j], an,
					              sizeof an);
					const char *aname =
					    strcmp(an, "dan so") == 0 ||
					            strcmp(an, "population") ==
					                0
					        ? "population"
					        : r->colname[j];
					if (dti_dataset_set_aux(r->ds, cycle,
					                        unit, aname, v))
						return rnomem(r);
				}
			}
			r->stage_cycle[r->nstage] = cycle;
			r->stage_unit[r->nstage] = unit;
			if (++r->nstage == STAGE_ROWS && stage_flush(r))
				return rnomem(r);
		} else {
			const char *ind = dti_trim(
			    c->fields[ind_col < c->nfields ? ind_col : 0]);
			if (ind_col >= c->nfields || !*ind) {
				rfault(r, DTI_EINVALID, line, ind_col,
				       "empty indicator");
				continue;
			}
			int amb = 0;
			long k = node_by_header(r->fw, ind, &amb);
			if (k < 0) {
				rfault(r, amb ? DTI_EAMBIGUOUS : DTI_ENOTFOUND,
				       line, ind_col,
				       amb ? "'%s' matches several nodes; use "
				             "the node code"
				           : "'%s' is not an indicator of this "
				             "framework",
				       ind);
				continue;
			}
			dti_buf_reset(&r->key);
			dti_buf_addf(&r->key, "%s\x1f%s\x1f%s", label,
			             r->ds->u[unit].id, r->fw->nodes[k].code);
			if (dti_buf_status(&r->key))
				return rnomem(r);
			unsigned long first = seen_before(r, r->key.data, line);
			if (r->nomem)
				return DTI_ENOMEM;
			if (first) {
				rfault(r, DTI_EINVALID, line, ind_col,
				       "'%s' of '%s' is given twice (first on "
				       "line %lu)",
				       r->fw->nodes[k].code,
				       r->ds->u[unit].name, first);
				continue;
			}
			double v;
			int got =
			    parse_cell(r, cell_at(c, val_col), (size_t)k, line,
			               val_col, mark_of(r, c, val_col), &v);
			if (got == 1 && dti_dataset_set(r->ds, cycle, unit,
			                                (size_t)k, v, NULL))
				return rnomem(r);
			const char *ev =
			    ev_col != SIZE_MAX
			        ? dti_trim(
			              c->fields[ev_col < c->nfields ? ev_col
			                                            : 0])
			        : "";
			const char *nt =
			    note_col != SIZE_MAX
			        ? dti_trim(
			              c->fields[note_col < c->nfields ? note_col
			                                              : 0])
			        : "";
			if (ev_col >= c->nfields)
				ev = "";
			if (note_col >= c->nfields)
				nt = "";
			if ((*ev || *nt) &&
			    dti_dataset_set_evidence(r->ds, cycle, unit,
			                             (size_t)k, ev, nt))
				return rnomem(r);
		}
	}
	if (st != DTI_ENOTFOUND && st != DTI_OK)
		return st;
	if (stage_flush(r))
		return rnomem(r);
	rcycles_finish(r);
	if (r->ds->ncycles == 0 && !r->nerrors)
		rfault(r, DTI_EINVALID, c->line, SIZE_MAX, "no data rows");
	return r->nerrors ? DTI_EINVALID : DTI_OK;
}

enum dti_status dti_dataset_parse(const struct dti_framework *fw,
                                  const struct dti_units *units,
                                  const char *buf, size_t len, const char *name,
                                  const struct dti_read_opts *opts,
                                  struct dti_dataset **out,
                                  struct dti_error *err)
{
	*out = NULL;
	struct reader r;
	memset(&r, 0, sizeof r);
	r.fw = fw;
	r.units = units;
	r.opts = opts;
	r.name = name ? name : "<data>";
	r.err = err;
	if (dti_dataset_new(fw, units, &r.ds))
		return dti_err_nomem(err);
	struct dti_csv c;
	enum dti_status st = dti_csv_open(&c, buf, len, r.name, 0, err);
	if (st == DTI_OK) {
		for (size_t i = 0; i < c.nmeta; i++)
			if (dti_dataset_set_meta(r.ds, c.meta_keys[i],
			                         c.meta_vals[i])) {
				st = dti_err_nomem(err);
				break;
			}
	}
	if (st == DTI_OK) {
		const char *md = dti_csv_meta(&c, "date");
		if (!md)
			md = dti_csv_meta(&c, "rebased_to");
		if (md && !dti_is_date(md))
			st =
			    dti_err_set(err, DTI_EINVALID, r.name, 0, 0, "date",
			                "'%s' is not a date (YYYY-MM-DD)", md);
		r.meta_date = md;
	}
	if (st == DTI_OK) {
		r.decimal = opts ? opts->decimal : 0;
		const char *d = dti_csv_meta(&c, "decimal");
		if (d && !r.decimal) {
			if (strcmp(d, ",") == 0 || dti_streq_ci(d, "comma"))
				r.decimal = ',';
			else if (strcmp(d, ".") == 0 ||
			         dti_streq_ci(d, "point") ||
			         dti_streq_ci(d, "dot"))
				r.decimal = '.';
			else
				st = dti_err_set(
				    err, DTI_EINVALID, r.name, 0, 0, "decimal",
				    "decimal mark '%s': expected ',' "
				    "or '.'",
				    d);
		}
		if (r.decimal && r.decimal != '.' && r.decimal != ',')
			st = dti_err_set(err, DTI_EARG, NULL, 0, 0, "decimal",
			                 "decimal mark must be '.' or ','");
	}
	/* Excel's CSV in a comma-decimal locale: ';' between fields, and a
	   lone comma in a number is the decimal mark */
	if (st == DTI_OK && !r.decimal && c.sep == ';')
		r.decimal = ';';
	if (st == DTI_OK) {
		st = dti_csv_next_nonblank(&c, err);
		if (st == DTI_ENOTFOUND)
			st = dti_err_set(err, DTI_EINVALID, r.name, 0, 0, NULL,
			                 "empty data file: no header line");
	}
	if (st == DTI_OK)
		st = classify(&r, &c);
	if (st == DTI_OK)
		st = read_records(&r, &c);
	dti_csv_close(&c);
	free(r.role);
	free(r.node);
	free(r.colname);
	free(r.seen_line);
	free(r.stage);
	free(r.stage_cycle);
	free(r.stage_unit);
	free(r.lo);
	free(r.hi);
	rcycles_free(&r);
	dti_map_release(&r.seen);
	dti_arena_release(&r.keys);
	dti_buf_release(&r.key);
	if (r.nomem)
		st = DTI_ENOMEM;
	if (st) {
		dti_dataset_free(r.ds);
		return st;
	}
	*out = r.ds;
	return DTI_OK;
}

enum dti_status
dti_dataset_read(const struct dti_framework *fw, const struct dti_units *units,
                 const char *path, const struct dti_read_opts *opts,
                 struct dti_dataset **out, struct dti_error *err)
{
	char *buf, *name;
	size_t len;
	*out = NULL;
	enum dti_status st = dti_read_source(path, &buf, &len, &name, err);
	if (st)
		return st;
	st = dti_dataset_parse(fw, units, buf, len, name, opts, out, err);
	free(buf);
	free(name);
	return st;
}

enum dti_status dti_data_meta(const char *buf, size_t len, const char *name,
                              const char *key, char *out, size_t outsz,
                              struct dti_error *err)
{
	if (!buf || !key || !out || !outsz)
		return dti_err_set(err, DTI_EARG, NULL, 0, 0, NULL,
		                   "dti_data_meta: no buffer, key or output");
	*out = '\0';
	struct dti_csv c;
	enum dti_status st =
	    dti_csv_open_meta(&c, buf, len, name ? name : "<data>", err);
	if (!st) {
		const char *v = dti_csv_meta(&c, key);
		if (!v)
			st = DTI_ENOTFOUND;
		else if (strlen(v) >= outsz)
			st = dti_err_set(err, DTI_ELIMIT, c.name, 0, 0, key,
			                 "metadata value longer than %zu bytes",
			                 outsz - 1);
		else
			memcpy(out, v, strlen(v) + 1);
	}
	dti_csv_close(&c);
	return st;
}

void dti_read_opts_init(struct dti_read_opts *o)
{
	struct dti_read_opts d = DTI_READ_OPTS_INIT;
	*o = d;
}

enum dti_status dti_dataset_write_csv(const struct dti_dataset *ds,
                                      size_t cycle, struct dti_buf *out,
                                      struct dti_error *err)
{
	enum dti_status st = write_dataset_write_csv(ds, cycle, out, err);
	return dti_buf_final(out, st, err);
}
