/*
 * dti/error.h - status codes and located error reports of libdti.
 *
 * Every public call returns an enum dti_status.  The numbers are part of the
 * ABI and are never renumbered: new codes are only ever appended.  Calls that
 * can fail on user data also fill an optional struct dti_error with a human
 * message and the place of the fault (file, line, column, field).  Loaders
 * that check a whole file (frameworks, data) report the first fault in the
 * struct itself and the following ones in `more`, so a spreadsheet user sees
 * every mistake at once.
 *
 * Ownership: a struct dti_error is owned by the caller.  Initialise it with
 * DTI_ERROR_INIT or dti_error_init(); a call that fills it may allocate
 * `more`, which dti_error_release() frees.  Passing NULL is always allowed.
 */
#ifndef DTI_ERROR_H
#define DTI_ERROR_H

#include "dti/export.h"

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

enum dti_status {
	DTI_OK = 0,
	DTI_ENOMEM = 1,     /* out of memory */
	DTI_EINTERNAL = 2,  /* an invariant did not hold: a bug in dti */
	DTI_EARG = 3,       /* a library call got a bad argument */
	DTI_EIO = 4,        /* a file could not be opened, read or written */
	DTI_EENCODING = 5,  /* text is not UTF-8 */
	DTI_ESYNTAX = 6,    /* malformed CSV, number, date or parameter */
	DTI_EINVALID = 7,   /* well-formed input that breaks a rule */
	DTI_ENOTFOUND = 8,  /* unknown unit, indicator, column or key */
	DTI_EAMBIGUOUS = 9, /* a name matches more than one unit */
	DTI_EUNKNOWN =
	    10,          /* a value that cannot be known (unpublished points) */
	DTI_ELIMIT = 11, /* input beyond a size limit */
	DTI_ESTATE = 12, /* operation not allowed in the current state */
	DTI_EPERM = 13,  /* not permitted for this user */
	DTI_ECONFLICT = 14, /* based on a stale version */
	DTI_EEXIST = 15     /* already exists */
};

#define DTI_ERROR_FILE_MAX  256
#define DTI_ERROR_FIELD_MAX 128
#define DTI_ERROR_MSG_MAX   512
#define DTI_ERROR_MORE_MAX  100 /* further faults kept after the first */

/* One located diagnostic. line/column are 1-based; 0 means "not applicable". */
struct dti_diag {
	enum dti_status code;
	char file[DTI_ERROR_FILE_MAX];
	unsigned long line;
	unsigned long column;
	char field[DTI_ERROR_FIELD_MAX];
	char message[DTI_ERROR_MSG_MAX];
};

struct dti_error {
	enum dti_status code; /* DTI_OK while nothing failed */
	char file[DTI_ERROR_FILE_MAX];
	unsigned long line;
	unsigned long column;
	char field[DTI_ERROR_FIELD_MAX];
	char message[DTI_ERROR_MSG_MAX];
	size_t nmore;          /* faults found after the first one */
	size_t nmore_dropped;  /* beyond DTI_ERROR_MORE_MAX, counted only */
	struct dti_diag *more; /* owned, see dti_error_release() */
};

#define DTI_ERROR_INIT                                                         \
	{                                                                      \
		DTI_OK, "", 0, 0, "", "", 0, 0, NULL                           \
	}

DTI_EXTERN void dti_error_init(struct dti_error *err);
/* Frees `more` and resets the struct to DTI_ERROR_INIT. */
DTI_EXTERN void dti_error_release(struct dti_error *err);

/* Short English text for a status code ("invalid input"); never NULL. */
DTI_EXTERN const char *dti_strerror(enum dti_status status);

/*
 * Writes "file:line:column: field 'f': message" (the parts that are set)
 * into out (always NUL-terminated, truncated to outsz).  Works on the main
 * fault; use dti_diag_format() for the entries of `more`.
 */
DTI_EXTERN void dti_error_format(const struct dti_error *err, char *out,
                                 size_t outsz);
DTI_EXTERN void dti_diag_format(const struct dti_diag *d, char *out,
                                size_t outsz);

#ifdef __cplusplus
}
#endif
#endif
