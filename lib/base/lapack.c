/*
 * lib/base/lapack.c - eigenvalues and eigenvectors of a symmetric matrix
 * by LAPACK's dsyevr (Debian's liblapack3), opened when first used (see
 * dl.c): only principal component analysis needs it, and a command that
 * does not should not pay for loading it (nor for the BLAS and Fortran
 * runtime it pulls in).
 *
 * LAPACK is Fortran: every argument is passed by address, matrices are
 * column-major (the same for a symmetric one), and each character
 * argument has a hidden length after the others (size_t with gfortran,
 * which builds Debian's reference LAPACK and OpenBLAS alike).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"

#ifndef DTI_LAPACK_SONAME
#define DTI_LAPACK_SONAME "liblapack.so.3"
#endif

/* The Fortran routine, declared for its type only: it is never linked. */
void dsyevr_(const char *jobz, const char *range, const char *uplo,
             const int *n, double *a, const int *lda, const double *vl,
             const double *vu, const int *il, const int *iu,
             const double *abstol, int *m, double *w, double *z, const int *ldz,
             int *isuppz, double *work, const int *lwork, int *iwork,
             const int *liwork, int *info, size_t jobz_len, size_t range_len,
             size_t uplo_len);

#define LAPACK_FUNCS(X) X(dsyevr_)

static struct {
	LAPACK_FUNCS(DTI_DL_FIELD)
} la;
static const char *const la_names[] = {LAPACK_FUNCS(DTI_DL_NAME)};
#define LA_SLOT(f) (void *)&la.f,
static void *const la_slots[] = {LAPACK_FUNCS(LA_SLOT)};
static pthread_once_t la_once = PTHREAD_ONCE_INIT;
static char la_fault[256]; /* why it could not be opened, else "" */

static void load_la(void)
{
	dti_dl_load(DTI_LAPACK_SONAME, la_names, la_slots,
	            sizeof la_names / sizeof *la_names, la_fault,
	            sizeof la_fault);
}

enum dti_status dti_sym_eigen(const double *a, size_t k, double *values,
                              double *vectors, struct dti_error *err)
{
	if (k == 0)
		return DTI_OK;
	if (k > 46340) /* k * k must fit LAPACK's int */
		return dti_err_set(err, DTI_ELIMIT, NULL, 0, 0, NULL,
		                   "%zu variables: too many for an eigen "
		                   "decomposition",
		                   k);
	pthread_once(&la_once, load_la);
	if (la_fault[0])
		return dti_err_set(err, DTI_EIO, NULL, 0, 0, NULL,
		                   "principal components cannot be computed "
		                   "here: LAPACK is missing (%s; install "
		                   "liblapack3)",
		                   la_fault);
	int n = (int)k, m = 0, info = 0, il = 0, iu = 0;
	double vl = 0, vu = 0, abstol = 0; /* 0: LAPACK's default */
	double *w = malloc(k * sizeof *w);
	double *copy = malloc(k * k * sizeof *copy);
	double *z = malloc(k * k * sizeof *z);
	int *isuppz = malloc(2 * k * sizeof *isuppz);
	double wq;
	int iwq, lwork = -1, liwork = -1;
	double *work = NULL;
	int *iwork = NULL;
	enum dti_status st = DTI_OK;
	if (!w || !copy || !z || !isuppz) {
		st = dti_err_nomem(err);
		goto out;
	}
	memcpy(copy, a, k * k * sizeof *copy);
	/* the sizes of the work arrays first, then the work */
	la.dsyevr_("V", "A", "L", &n, copy, &n, &vl, &vu, &il, &iu, &abstol, &m,
	           w, z, &n, isuppz, &wq, &lwork, &iwq, &liwork, &info, 1, 1,
	           1);
	if (info == 0) {
		lwork = (int)wq;
		liwork = iwq;
		work = malloc((size_t)(lwork > 1 ? lwork : 1) * sizeof *work);
		iwork =
		    malloc((size_t)(liwork > 1 ? liwork : 1) * sizeof *iwork);
		if (!work || !iwork) {
			st = dti_err_nomem(err);
			goto out;
		}
		la.dsyevr_("V", "A", "L", &n, copy, &n, &vl, &vu, &il, &iu,
		           &abstol, &m, w, z, &n, isuppz, work, &lwork, iwork,
		           &liwork, &info, 1, 1, 1);
	}
	if (info != 0 || m != n) {
		st = dti_err_set(err, DTI_EINTERNAL, NULL, 0, 0, NULL,
		                 "the eigen decomposition of a %zu x %zu "
		                 "matrix failed (LAPACK dsyevr: info %d)",
		                 k, k, info);
		goto out;
	}
	/* LAPACK's order is ascending: the largest first here */
	for (size_t j = 0; j < k; j++) {
		values[j] = w[k - 1 - j];
		memcpy(vectors + j * k, z + (k - 1 - j) * k, k * sizeof *z);
	}
out:
	free(w);
	free(copy);
	free(z);
	free(isuppz);
	free(work);
	free(iwork);
	return st;
}
