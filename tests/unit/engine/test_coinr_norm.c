/*
 * tests/unit/engine/test_coinr_norm.c - the normalisations besides
 * min-max on COINr's ASEM example, against what COINr 1.1.14's Normalise()
 * makes of the raw data (tests/data/coinr-asem/norm-*.csv, written by COINr
 * itself with norm-fixtures.R), every indicator of every unit to 1e-12
 * relative: Borda scores, scaled (npara -5, 5), distance to a reference
 * unit (Germany; COINr's fraction times the framework's scale), and the
 * parameters COINr reads from iMeta columns (use_iMeta) for min-max,
 * z-scores, scaled and goalposts (some truncated to the posts, some not).
 */
/* cmocka.h needs these headers first, in this order */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "coinr_fixture.h"
#include "dti/dti.h"
#include "testcheck.h"
#include "testutil.h"

/*
 * The framework of meta_file with metadata lines `meta` before it, the raw
 * data, computed; each indicator's value against the fixture times
 * `factor`.
 */
static void check(const char *meta_file, const char *meta, const char *fixture,
                  double factor)
{
	size_t mlen;
	char *m = fixture_slurp(meta_file, &mlen);
	size_t hl = strlen(meta);
	char *fwtext = malloc(hl + mlen + 1);
	assert_non_null(fwtext);
	memcpy(fwtext, meta, hl);
	memcpy(fwtext + hl, m, mlen + 1);
	free(m);
	struct dti_framework *fw = NULL;
	struct dti_dataset *ds = NULL;
	struct dti_result *res = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	char *dp = test_path("tests/data/coinr-asem/iData.csv");
	if (dti_framework_parse(fwtext, hl + mlen, meta_file, &fw, &err) ||
	    dti_dataset_read(fw, NULL, dp, NULL, &ds, &err) ||
	    dti_compute(fw, ds, 0, NULL, &res, &err)) {
		show_error(fixture, &err);
		fail();
	}
	free(dp);
	free(fwtext);
	struct fixture fx;
	fixture_load(fixture, &fx);
	size_t checked = 0;
	for (size_t i = 0; i < fx.nrows; i++) {
		long du = dti_dataset_find_unit(ds, fx.unit[i]);
		assert_true(du >= 0);
		long u = dti_result_find_unit(res, (size_t)du);
		assert_true(u >= 0);
		for (size_t j = 0; j < fx.ncols; j++) {
			long k = dti_framework_find(fw, fx.code[j]);
			assert_true(k >= 0);
			double want = fx.v[i * fx.ncols + j] * factor;
			double got =
			    dti_result_value(res, (size_t)u, (size_t)k);
			if (!fixture_close(got, want))
				fail_msg("%s: %s of %s is %.17g, COINr %.17g",
				         fixture, fx.code[j], fx.unit[i], got,
				         want);
			checked++;
		}
	}
	assert_int_equal(checked, 51 * 49);
	fixture_unload(&fx);
	dti_result_free(res);
	dti_dataset_free(ds);
	dti_framework_free(fw);
	dti_error_release(&err);
}

#define META   "tests/data/coinr-asem/iMeta.csv"
#define PARAMS "tests/data/coinr-asem/iMeta-params.csv"

static void test_borda(void **state)
{
	(void)state;
	check(META, "# normalise: borda\n",
	      "tests/data/coinr-asem/norm-borda.csv", 1);
}

static void test_scaled(void **state)
{
	(void)state;
	check(META, "# normalise: scaled\n# normalise.params: min=-5;max=5\n",
	      "tests/data/coinr-asem/norm-scaled.csv", 1);
}

static void test_dist2ref(void **state)
{
	(void)state;
	check(META, "# normalise: dist2ref\n# normalise.params: ref=DEU\n",
	      "tests/data/coinr-asem/norm-dist2ref.csv", 100);
}

static void test_imeta_minmax(void **state)
{
	(void)state;
	check(PARAMS, "# normalise: minmax\n",
	      "tests/data/coinr-asem/norm-meta_minmax.csv", 1);
}

static void test_imeta_zscore(void **state)
{
	(void)state;
	check(PARAMS, "# normalise: zscore\n",
	      "tests/data/coinr-asem/norm-meta_zscore.csv", 1);
}

static void test_imeta_scaled(void **state)
{
	(void)state;
	check(PARAMS, "# normalise: scaled\n",
	      "tests/data/coinr-asem/norm-meta_scaled.csv", 1);
}

static void test_imeta_goalposts(void **state)
{
	(void)state;
	check(PARAMS, "# normalise: goalposts\n",
	      "tests/data/coinr-asem/norm-meta_goalposts.csv", 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_borda),
	    cmocka_unit_test(test_scaled),
	    cmocka_unit_test(test_dist2ref),
	    cmocka_unit_test(test_imeta_minmax),
	    cmocka_unit_test(test_imeta_zscore),
	    cmocka_unit_test(test_imeta_scaled),
	    cmocka_unit_test(test_imeta_goalposts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
