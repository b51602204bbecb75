/*
 * lib/engine/sobol.h - the Sobol indices of one unit's rank, accumulated
 * base sample by base sample (dti_sensitivity's by_unit).
 *
 * Saltelli's design gives, for base sample j, the output of row j of A,
 * of row j of B and of row j of each A_B^(i) (A with input i's columns
 * taken from B).  With d = rank - nominal, a unit keeps integer sums
 * only: over A and B the sum of d and of d^2, and per input the sums of
 * dB (dABi - dA), of (dABi - dA) and of (dA - dABi)^2.  Integer sums are
 * exact and do not depend on the order they are added in, so the
 * threads may add the samples in any order and merge in any order: the
 * result is the same.  From them, the estimators of COINr's SA_estimate:
 *   var   = var(c(yA, yB))                       (denominator 2N - 1)
 *   S_i   = mean(yB (yABi - yA)) / var           (Saltelli 2010)
 *   ST_i  = sum((yA - yABi)^2) / (2 N var)       (Jansen)
 * computed with yB = nominal + dB, so the same as on the ranks.
 */
#ifndef DTI_ENGINE_SOBOL_H
#define DTI_ENGINE_SOBOL_H

#include <stddef.h>
#include <stdint.h>

#define ENG_SOBOL_MAX 7 /* inputs */

struct eng_sobol_acc {
	int64_t n;    /* base samples added */
	int64_t s, q; /* over A and B: sum of d, of d^2 */
	int64_t p[ENG_SOBOL_MAX], e[ENG_SOBOL_MAX], t[ENG_SOBOL_MAX];
	int64_t unranked; /* base samples with a run not ranking the unit */
};

/*
 * Adds base sample j: the k + 2 ranks y[0] (A), y[stride] (B),
 * y[(2 + i) * stride] (A_B^(i)).  A rank of 0 (not ranked) counts the
 * sample in `unranked` instead.
 */
void eng_sobol_add(struct eng_sobol_acc *a, size_t k, int nominal, const int *y,
                   size_t stride);

/* to += from. */
void eng_sobol_merge(struct eng_sobol_acc *to, const struct eng_sobol_acc *from,
                     size_t k);

/*
 * The mean and variance of the rank over A and B, first[i] and total[i]:
 * 0, or -1 without an index (no sample, or variance 0: NaN in first and
 * total, the mean and variance still set when there are samples).
 */
int eng_sobol_indices(const struct eng_sobol_acc *a, size_t k, int nominal,
                      double *mean, double *var, double *first, double *total);

#endif
