/*
 * lib/base/error.c - located error reports.
 *
 * The first fault goes in the struct dti_error itself; later ones (whole
 * file checks) in `more`, up to DTI_ERROR_MORE_MAX, then only counted.
 * Messages are formatted in the "C" locale and never cut inside a UTF-8
 * sequence.
 */
#include <stdlib.h>
#include <string.h>

#include "base/base.h"

/* ---- errors ---------------------------------------------------------- */

void dti_error_init(struct dti_error *err)
{
	if (!err)
		return;
	memset(err, 0, sizeof *err);
	err->code = DTI_OK;
}

void dti_error_release(struct dti_error *err)
{
	if (!err)
		return;
	free(err->more);
	dti_error_init(err);
}

const char *dti_strerror(enum dti_status status)
{
	switch (status) {
	case DTI_OK: return "success";
	case DTI_ENOMEM: return "out of memory";
	case DTI_EINTERNAL: return "internal error";
	case DTI_EARG: return "bad argument";
	case DTI_EIO: return "input/output error";
	case DTI_EENCODING: return "text is not UTF-8";
	case DTI_ESYNTAX: return "syntax error";
	case DTI_EINVALID: return "invalid input";
	case DTI_ENOTFOUND: return "not found";
	case DTI_EAMBIGUOUS: return "ambiguous name";
	case DTI_EUNKNOWN: return "value cannot be known";
	case DTI_ELIMIT: return "size limit exceeded";
	case DTI_ESTATE: return "not allowed in this state";
	case DTI_EPERM: return "permission denied";
	case DTI_ECONFLICT: return "conflict with a newer version";
	case DTI_EEXIST: return "already exists";
	}
	return "unknown status";
}

static void copy_str(char *dst, size_t cap, const char *src)
{
	if (!src) {
		dst[0] = '\0';
		return;
	}
	size_t n = strlen(src);
	if (n >= cap) {
		n = cap - 1;
		/* do not cut a UTF-8 sequence in half */
		while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static void vfill(char *file, char *field, char *message, const char *f,
                  const char *fld, const char *fmt, va_list ap)
    __attribute__((format(printf, 6, 0)));

static void vfill(char *file, char *field, char *message, const char *f,
                  const char *fld, const char *fmt, va_list ap)
{
	copy_str(file, DTI_ERROR_FILE_MAX, f);
	copy_str(field, DTI_ERROR_FIELD_MAX, fld);
	char tmp[DTI_ERROR_MSG_MAX * 2];
	dti_vsnprintf(tmp, sizeof tmp, fmt, ap);
	copy_str(message, DTI_ERROR_MSG_MAX, tmp);
}

void dti_err_vadd(struct dti_error *err, enum dti_status code, const char *file,
                  unsigned long line, unsigned long column, const char *field,
                  const char *fmt, va_list ap)
{
	if (!err)
		return;
	if (err->code == DTI_OK) {
		err->code = code;
		err->line = line;
		err->column = column;
		vfill(err->file, err->field, err->message, file, field, fmt,
		      ap);
		return;
	}
	if (err->nmore >= DTI_ERROR_MORE_MAX) {
		err->nmore_dropped++;
		return;
	}
	if (!err->more) {
		err->more = calloc(DTI_ERROR_MORE_MAX, sizeof *err->more);
		if (!err->more) {
			err->nmore_dropped++;
			return;
		}
	}
	struct dti_diag *d = &err->more[err->nmore++];
	d->code = code;
	d->line = line;
	d->column = column;
	vfill(d->file, d->field, d->message, file, field, fmt, ap);
}

void dti_err_add(struct dti_error *err, enum dti_status code, const char *file,
                 unsigned long line, unsigned long column, const char *field,
                 const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	dti_err_vadd(err, code, file, line, column, field, fmt, ap);
	va_end(ap);
}

enum dti_status dti_err_set(struct dti_error *err, enum dti_status code,
                            const char *file, unsigned long line,
                            unsigned long column, const char *field,
                            const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	dti_err_vadd(err, code, file, line, column, field, fmt, ap);
	va_end(ap);
	return code;
}

enum dti_status dti_err_nomem(struct dti_error *err)
{
	return dti_err_set(err, DTI_ENOMEM, NULL, 0, 0, NULL, "out of memory");
}

void dti_diag_set(struct dti_diag *d, enum dti_status code, const char *file,
                  unsigned long line, unsigned long column, const char *field,
                  const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	d->code = code;
	d->line = line;
	d->column = column;
	vfill(d->file, d->field, d->message, file, field, fmt, ap);
	va_end(ap);
}

/*
 * Whether file already ends with the place line and column name, as a
 * fault in a sheet of a workbook has it ("data.xlsx:'Dữ liệu'!D17", row
 * 17 and column 4; "…!17:17" for row 17): then they are not written twice.
 */
static int file_has_place(const char *file, unsigned long line,
                          unsigned long column)
{
	char ref[48], letters[8];
	size_t n = 0;
	if (column) {
		char tmp[8];
		unsigned long c = column;
		while (c > 0 && n < 7) {
			c--;
			tmp[n++] = (char)('A' + c % 26);
			c /= 26;
		}
		for (size_t i = 0; i < n; i++)
			letters[i] = tmp[n - 1 - i];
		letters[n] = '\0';
		dti_snprintf(ref, sizeof ref, "!%s%lu", letters, line);
	} else {
		dti_snprintf(ref, sizeof ref, "!%lu:%lu", line, line);
	}
	size_t fl = strlen(file), rl = strlen(ref);
	return fl > rl && strcmp(file + fl - rl, ref) == 0;
}

static void format_parts(const char *file, unsigned long line,
                         unsigned long column, const char *field,
                         const char *message, char *out, size_t outsz)
{
	size_t n = 0;
	int w;
	out[0] = '\0';
#define ADDF(...)                                                              \
	do {                                                                   \
		w = dti_snprintf(out + n, n < outsz ? outsz - n : 0,           \
		                 __VA_ARGS__);                                 \
		if (w > 0)                                                     \
			n += (size_t)w;                                        \
	} while (0)
	if (file && *file)
		ADDF("%s:", file);
	if (line && file && *file && file_has_place(file, line, column))
		line = 0;
	if (line)
		ADDF("%lu:", line);
	if (line && column)
		ADDF("%lu:", column);
	if (n)
		ADDF(" ");
	if (field && *field)
		ADDF("%s: ", field);
	ADDF("%s", message);
#undef ADDF
}

void dti_error_format(const struct dti_error *err, char *out, size_t outsz)
{
	if (!outsz)
		return;
	if (!err) {
		out[0] = '\0';
		return;
	}
	format_parts(err->file, err->line, err->column, err->field,
	             err->message[0] ? err->message : dti_strerror(err->code),
	             out, outsz);
}

void dti_diag_format(const struct dti_diag *d, char *out, size_t outsz)
{
	if (!outsz)
		return;
	format_parts(d->file, d->line, d->column, d->field,
	             d->message[0] ? d->message : dti_strerror(d->code), out,
	             outsz);
}

enum dti_status dti_err_replace(struct dti_error *err, enum dti_status code,
                                const char *file, unsigned long line,
                                unsigned long column, const char *field,
                                const char *fmt, ...)
{
	if (err)
		dti_error_release(err);
	va_list ap;
	va_start(ap, fmt);
	dti_err_vadd(err, code, file, line, column, field, fmt, ap);
	va_end(ap);
	return code;
}
