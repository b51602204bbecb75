/*
 * lib/base/map.c - string -> index map: open addressing, FNV-1a, keys
 * borrowed (they must outlive the map); the load factor stays under 3/4.
 */
#include <stdlib.h>
#include <string.h>

#include "base/base.h"

/* ---- map ------------------------------------------------------------- */

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

static int map_rehash(struct dti_map *m, size_t ncap)
{
	const char **keys = calloc(ncap, sizeof *keys);
	size_t *vals = calloc(ncap, sizeof *vals);
	if (!keys || !vals) {
		free(keys);
		free(vals);
		return -1;
	}
	for (size_t i = 0; i < m->cap; i++) {
		if (!m->keys[i])
			continue;
		size_t j = (size_t)fnv1a(m->keys[i]) & (ncap - 1);
		while (keys[j])
			j = (j + 1) & (ncap - 1);
		keys[j] = m->keys[i];
		vals[j] = m->vals[i];
	}
	free(m->keys);
	free(m->vals);
	m->keys = keys;
	m->vals = vals;
	m->cap = ncap;
	return 0;
}

int dti_map_put(struct dti_map *m, const char *key, size_t val)
{
	if ((m->count + 1) * 4 >= m->cap * 3) {
		if (map_rehash(m, m->cap ? m->cap * 2 : 64))
			return -1;
	}
	size_t j = (size_t)fnv1a(key) & (m->cap - 1);
	while (m->keys[j]) {
		if (strcmp(m->keys[j], key) == 0) {
			m->vals[j] = val;
			return 0;
		}
		j = (j + 1) & (m->cap - 1);
	}
	m->keys[j] = key;
	m->vals[j] = val;
	m->count++;
	return 0;
}

int dti_map_get(const struct dti_map *m, const char *key, size_t *val)
{
	if (!m->cap)
		return 0;
	size_t j = (size_t)fnv1a(key) & (m->cap - 1);
	while (m->keys[j]) {
		if (strcmp(m->keys[j], key) == 0) {
			if (val)
				*val = m->vals[j];
			return 1;
		}
		j = (j + 1) & (m->cap - 1);
	}
	return 0;
}

void dti_map_release(struct dti_map *m)
{
	free(m->keys);
	free(m->vals);
	m->keys = NULL;
	m->vals = NULL;
	m->cap = 0;
	m->count = 0;
}
