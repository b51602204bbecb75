/*
 * lib/store/lists.c - the memory of what the store's reading calls hand
 * to their callers: a list (or view) is one allocation holding its public
 * struct and the arena of its strings and arrays, so that the caller frees
 * it whole with one call.  While rows are read, items collect in a
 * growable array that is copied into the arena once complete.
 */
#include <stdlib.h>
#include <string.h>

#include "store/store_internal.h"

struct store_list {
	struct dti_arena arena;
	max_align_t pub[]; /* the public struct, zeroed */
};

void *store_list_new(size_t size, struct dti_arena **arena)
{
	struct store_list *l = calloc(1, sizeof *l + size);
	if (!l)
		return NULL;
	*arena = &l->arena;
	return l->pub;
}

void store_list_free(void *pub)
{
	if (!pub)
		return;
	void *base = (char *)pub - offsetof(struct store_list, pub);
	struct store_list *l = base;
	dti_arena_release(&l->arena);
	free(l);
}

const char *store_keep(struct dti_arena *a, const char *s, int *oom)
{
	const char *p = dti_arena_strdup(a, s ? s : "");
	if (p)
		return p;
	*oom = 1;
	return "";
}

void *store_vec_add(struct store_vec *v)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? 2 * v->cap : 16;
		if (cap > SIZE_MAX / v->size)
			return NULL;
		unsigned char *p = realloc(v->items, cap * v->size);
		if (!p)
			return NULL;
		v->items = p;
		v->cap = cap;
	}
	void *item = v->items + v->n * v->size;
	memset(item, 0, v->size);
	v->n++;
	return item;
}

void *store_vec_at(const struct store_vec *v, size_t i)
{
	return v->items + i * v->size;
}

void *store_vec_keep(struct store_vec *v, struct dti_arena *a, int *oom)
{
	void *p = NULL;
	if (v->n) {
		p = dti_arena_alloc(a, v->n * v->size);
		if (p)
			memcpy(p, v->items, v->n * v->size);
		else
			*oom = 1;
	}
	store_vec_release(v);
	return p;
}

void store_vec_release(struct store_vec *v)
{
	free(v->items);
	v->items = NULL;
	v->cap = 0;
}
