/*
 * lib/engine/rank.c - competition ranks and rank orders.
 *
 * Ranks compare values rounded to the published precision, as integers:
 * equal rounded values share the better rank and the next rank is
 * skipped (1, 2, 2, 4).  Sorting is an LSD radix sort on the bits in use,
 * stable, so ties keep the units' order.  Orders for display (best first,
 * ties in Vietnamese name order, unranked last) are built on first use.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "engine/model.h"

/*
 * Sorts ascending by key: LSD radix on the bits in use.  A pass costs its
 * items plus its buckets (cleared and summed), so the digit grows with the
 * number of items: 6 bits (64 buckets) for the 63 provinces, up to 11 bits
 * for 2,048 items and more.
 */
void eng_radix_sort(struct keyed *a, struct keyed *tmp, size_t n)
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
	int digit = 1;
	while (digit < 11 && ((size_t)1 << digit) <= n)
		digit++;
	if (digit < 4)
		digit = 4;
	size_t nb = (size_t)1 << digit, mask = nb - 1;
	size_t count[2048];
	struct keyed *src = a, *dst = tmp;
	for (int shift = 0; shift < bits; shift += digit) {
		memset(count, 0, nb * sizeof *count);
		for (size_t i = 0; i < n; i++)
			count[(src[i].key >> shift) & mask]++;
		size_t sum = 0;
		for (size_t b = 0; b < nb; b++) {
			size_t c = count[b];
			count[b] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			dst[count[(src[i].key >> shift) & mask]++] = src[i];
		struct keyed *t = src;
		src = dst;
		dst = t;
	}
	if (src != a)
		memcpy(a, src, n * sizeof *a);
}

/* Ranks with ties at the minimum, ascending (1 = lowest), of n values. */
void eng_min_ranks(const double *x, const size_t *idx, size_t n,
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
	eng_radix_sort(a, tmp, n);
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && a[j].key == a[i].key)
			j++;
		for (size_t k = i; k < j; k++)
			rank_out[a[k].idx] = (double)(i + 1);
		i = j;
	}
}

void eng_rank_node(struct dti_result *res, size_t k, const long long *r,
                   struct keyed *a, struct keyed *tmp, int *glast_rank,
                   long long *glast_key, size_t *gseen)
{
	size_t n = res->n;
	const double *v = &res->value[RES_AT(res, k, 0)];
	int *rk = &res->rank[RES_AT(res, k, 0)];
	int *grk = res->grank ? &res->grank[RES_AT(res, k, 0)] : NULL;
	size_t m = 0;
	long long mn = LLONG_MAX, mx = LLONG_MIN;
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
		if (r[i] > mx)
			mx = r[i];
		a[m].idx = i;
		m++;
	}
	res->ranked[k] = m;
	if (m == 0)
		return;
	/* descending by rounded value: sort by (max - key) */
	for (size_t j = 0; j < m; j++)
		a[j].key = (uint64_t)(mx - r[a[j].idx]);
	eng_radix_sort(a, tmp, m);
	int cur = 0;
	for (size_t j = 0; j < m; j++) {
		if (j == 0 || a[j].key != a[j - 1].key)
			cur = (int)j + 1;
		rk[a[j].idx] = cur;
	}
	if (!res->ngroups || !grk)
		return;
	size_t *gc = &res->gcount[k * res->ngroups];
	const long *gid = res->gid; /* a local: no reload after each store */
	for (size_t g = 0; g < res->ngroups; g++) {
		gseen[g] = 0;
		glast_rank[g] = 0;
		glast_key[g] = 0;
		gc[g] = 0;
	}
	for (size_t j = 0; j < m; j++) {
		size_t i = a[j].idx;
		long g = gid[i];
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
