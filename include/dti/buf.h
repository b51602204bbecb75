/*
 * dti/buf.h - growable byte buffer with a hard maximum.
 *
 * Writers of libdti (tables, CSV, JSON, explanations) append to a struct
 * dti_buf; the caller decides where the bytes go.  Output is produced whole
 * before anything is written, so a failure never leaves half a file.
 *
 * Ownership: the caller owns the struct and releases it with
 * dti_buf_release().  `data` is always NUL-terminated once anything was
 * added (the NUL is not counted in `len`).  Growth beyond `max` fails with
 * DTI_ELIMIT and leaves the buffer as it was.
 *
 * Failures are sticky: the first append that fails (DTI_ELIMIT,
 * DTI_ENOMEM) is kept in `status`, and every later append does nothing and
 * returns it, so a writer that appends many pieces can check once, at the
 * end.  Every library call that writes into a buffer returns the buffer's
 * status when it is not DTI_OK: output cut short is never reported as a
 * success.  dti_buf_reset() and dti_buf_release() clear it.
 */
#ifndef DTI_BUF_H
#define DTI_BUF_H

#include "dti/export.h"

#include <stdarg.h>
#include <stddef.h>

#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define DTI_BUF_DEFAULT_MAX ((size_t)1 << 30) /* 1 GiB */

struct dti_buf {
	char *data;
	size_t len;
	size_t cap;
	size_t max;             /* 0 means DTI_BUF_DEFAULT_MAX */
	enum dti_status status; /* DTI_OK, or the first failed append */
};

#define DTI_BUF_INIT                                                           \
	{                                                                      \
		NULL, 0, 0, 0, DTI_OK                                          \
	}

DTI_EXTERN void dti_buf_init(struct dti_buf *b, size_t max);
DTI_EXTERN void dti_buf_release(struct dti_buf *b);
/* len = 0 and status DTI_OK, memory kept */
DTI_EXTERN void dti_buf_reset(struct dti_buf *b);
/* DTI_OK, or the status of the first append that failed. */
DTI_EXTERN enum dti_status dti_buf_status(const struct dti_buf *b);
DTI_EXTERN enum dti_status dti_buf_add(struct dti_buf *b, const void *p,
                                       size_t n);
DTI_EXTERN enum dti_status dti_buf_adds(struct dti_buf *b, const char *s);
DTI_EXTERN enum dti_status dti_buf_addc(struct dti_buf *b, char c);
/* printf-style; never use it for floating point (locale): see dti_fmt_*. */
DTI_EXTERN enum dti_status dti_buf_addf(struct dti_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
DTI_EXTERN enum dti_status dti_buf_vaddf(struct dti_buf *b, const char *fmt,
                                         va_list ap)
    __attribute__((format(printf, 2, 0)));

/*
 * Appends v rounded to `digits` decimals (0..17) with `mark` as the decimal
 * mark ('.' for data, ',' for Vietnamese text), independent of the locale.
 * NaN is written as `nan_text` (may be "").
 */
DTI_EXTERN enum dti_status dti_buf_add_decimal(struct dti_buf *b, double v,
                                               int digits, char mark,
                                               const char *nan_text);

#ifdef __cplusplus
}
#endif
#endif
