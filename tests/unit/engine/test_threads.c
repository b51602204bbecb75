/*
 * tests/unit/engine/test_threads.c - one result read by several threads.
 *
 * A result is const to its readers, yet builds some things on first use:
 * the order of the units per node (dti_result_order) and the data hash
 * (dti_result_data_hash), under the result's lock.  Threads that start
 * together on a fresh result write it out, explain units and ask for the
 * orders of every node in different sequences; each must produce exactly
 * what one thread alone produces from an identical result.  Run under
 * ThreadSanitizer (the build-tsan of scripts/check.sh), any access to
 * shared state outside the locks is reported as a race.
 */

/* cmocka.h needs these headers first, in this order */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "dti/dti.h"
#include "testcheck.h"
#include "testutil.h"

#define NTHREADS 4

struct world {
	struct dti_framework *fw;
	struct dti_units *units;
	struct dti_dataset *ds;
};

static int setup(void **state)
{
	static struct world w;
	struct dti_error err = DTI_ERROR_INIT;
	char *fp = test_path("frameworks/pdti-2022.csv");
	char *up = test_path("data/units/vn-provinces.csv");
	char *dp = test_path("data/demo/pdti-2022-demo.csv");
	enum dti_status st = dti_framework_load(fp, &w.fw, &err);
	if (!st)
		st = dti_units_load(up, &w.units, &err);
	if (!st)
		st = dti_dataset_read(w.fw, w.units, dp, NULL, &w.ds, &err);
	if (st)
		show_error("loading the demo", &err);
	free(fp);
	free(up);
	free(dp);
	dti_error_release(&err);
	*state = &w;
	return st == DTI_OK ? 0 : -1;
}

static int teardown(void **state)
{
	struct world *w = *state;
	dti_dataset_free(w->ds);
	dti_units_free(w->units);
	dti_framework_free(w->fw);
	return 0;
}

/* The 2022 result linked to 2021: *prev is to be freed after *cur. */
static struct dti_result *linked(const struct world *w,
                                 struct dti_result **prev)
{
	struct dti_compute_opts o = DTI_COMPUTE_OPTS_INIT;
	struct dti_result *cur = NULL;
	long c21 = dti_dataset_find_cycle(w->ds, "2021");
	long c22 = dti_dataset_find_cycle(w->ds, "2022");
	assert_true(c21 >= 0 && c22 >= 0);
	assert_int_equal(dti_compute(w->fw, w->ds, (size_t)c21, &o, prev, NULL),
	                 DTI_OK);
	assert_int_equal(dti_compute(w->fw, w->ds, (size_t)c22, &o, &cur, NULL),
	                 DTI_OK);
	assert_int_equal(dti_result_set_previous(cur, *prev, NULL), DTI_OK);
	return cur;
}

/*
 * What one reader makes of a result: the orders of every node (from the
 * node `first` on, wrapping), the result in JSON with every column, and
 * the explanations of a few units.  A failure is written into the text.
 */
static void read_result(const struct dti_result *res, size_t first,
                        struct dti_buf *b)
{
	const struct dti_framework *fw = dti_result_framework(res);
	size_t nn = dti_framework_node_count(fw);
	size_t n = dti_result_unit_count(res);
	for (size_t j = 0; j < nn; j++) {
		size_t k = (first + j) % nn;
		const size_t *o = dti_result_order(res, k);
		dti_buf_addf(b, "order %zu:", k);
		for (size_t i = 0; o && i < n; i++)
			dti_buf_addf(b, " %zu", o[i]);
		dti_buf_adds(b, o ? "\n" : " (none)\n");
	}
	/* the orders in node order, whatever order they were built in */
	struct dti_output_opts oo = DTI_OUTPUT_OPTS_INIT;
	oo.format = DTI_FORMAT_JSON;
	oo.ranks = 1;
	oo.changes = 1;
	oo.group_ranks = 1;
	if (dti_output_result(res, &oo, b, NULL))
		dti_buf_adds(b, "output failed\n");
	for (size_t u = first; u < n; u += 16) {
		struct dti_explanation ex;
		struct dti_explain_opts eo = DTI_EXPLAIN_OPTS_INIT;
		if (dti_explain(res, u, &eo, &ex, NULL) ||
		    dti_explanation_write(&ex, DTI_FORMAT_TABLE, DTI_LANG_VI, b,
		                          NULL))
			dti_buf_adds(b, "explanation failed\n");
		dti_explanation_release(&ex);
	}
}

struct reader {
	pthread_t thread;
	const struct dti_result *res;
	pthread_barrier_t *start;
	size_t first;
	struct dti_buf text;
};

static void *reader_main(void *arg)
{
	struct reader *r = arg;
	pthread_barrier_wait(r->start);
	read_result(r->res, r->first, &r->text);
	return NULL;
}

static void test_readers_agree(void **state)
{
	const struct world *w = *state;
	/* the reference: one reader, on a result of its own */
	struct dti_result *ref_prev, *ref = linked(w, &ref_prev);
	/* the shared result, fresh: nothing built on first use yet */
	struct dti_result *prev, *res = linked(w, &prev);

	struct reader r[NTHREADS];
	pthread_barrier_t start;
	assert_int_equal(pthread_barrier_init(&start, NULL, NTHREADS), 0);
	for (size_t t = 0; t < NTHREADS; t++) {
		r[t].res = res;
		r[t].start = &start;
		r[t].first = t * 7;
		dti_buf_init(&r[t].text, 0);
		assert_int_equal(
		    pthread_create(&r[t].thread, NULL, reader_main, &r[t]), 0);
	}
	for (size_t t = 0; t < NTHREADS; t++)
		assert_int_equal(pthread_join(r[t].thread, NULL), 0);
	pthread_barrier_destroy(&start);

	for (size_t t = 0; t < NTHREADS; t++) {
		struct dti_buf want = DTI_BUF_INIT;
		read_result(ref, r[t].first, &want);
		assert_int_equal(want.status, DTI_OK);
		assert_int_equal(r[t].text.status, DTI_OK);
		assert_lacks(r[t].text.data, "failed");
		assert_lacks(r[t].text.data, "(none)");
		assert_int_equal(r[t].text.len, want.len);
		assert_string_equal(r[t].text.data, want.data);
		dti_buf_release(&want);
		dti_buf_release(&r[t].text);
	}
	dti_result_free(res);
	dti_result_free(prev);
	dti_result_free(ref);
	dti_result_free(ref_prev);
}

/* Results computed in parallel from one dataset are the same results. */
struct computer {
	pthread_t thread;
	const struct world *w;
	pthread_barrier_t *start;
	struct dti_buf text;
};

static void *computer_main(void *arg)
{
	struct computer *c = arg;
	pthread_barrier_wait(c->start);
	struct dti_result *prev = NULL, *cur = NULL;
	struct dti_compute_opts o = DTI_COMPUTE_OPTS_INIT;
	long c21 = dti_dataset_find_cycle(c->w->ds, "2021");
	long c22 = dti_dataset_find_cycle(c->w->ds, "2022");
	if (c21 < 0 || c22 < 0 ||
	    dti_compute(c->w->fw, c->w->ds, (size_t)c21, &o, &prev, NULL) ||
	    dti_compute(c->w->fw, c->w->ds, (size_t)c22, &o, &cur, NULL) ||
	    dti_result_set_previous(cur, prev, NULL))
		dti_buf_adds(&c->text, "compute failed\n");
	else
		read_result(cur, 0, &c->text);
	dti_result_free(cur);
	dti_result_free(prev);
	return NULL;
}

static void test_parallel_computes(void **state)
{
	const struct world *w = *state;
	struct computer c[NTHREADS];
	pthread_barrier_t start;
	assert_int_equal(pthread_barrier_init(&start, NULL, NTHREADS), 0);
	for (size_t t = 0; t < NTHREADS; t++) {
		c[t].w = w;
		c[t].start = &start;
		dti_buf_init(&c[t].text, 0);
		assert_int_equal(
		    pthread_create(&c[t].thread, NULL, computer_main, &c[t]),
		    0);
	}
	for (size_t t = 0; t < NTHREADS; t++)
		assert_int_equal(pthread_join(c[t].thread, NULL), 0);
	pthread_barrier_destroy(&start);
	for (size_t t = 0; t < NTHREADS; t++) {
		assert_int_equal(c[t].text.status, DTI_OK);
		assert_lacks(c[t].text.data, "failed");
		assert_string_equal(c[t].text.data, c[0].text.data);
	}
	for (size_t t = 0; t < NTHREADS; t++)
		dti_buf_release(&c[t].text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_readers_agree),
	    cmocka_unit_test(test_parallel_computes),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
