/*
 * src/server/multipart.h - a small, strict reader of multipart/form-data
 * bodies (RFC 7578), for evidence uploads.
 *
 * The whole body is in memory (the daemon caps its size), so the reader
 * only finds the parts: a part's content is a pointer into the body, never
 * copied, and may hold any bytes (NUL included).  It is strict: the body
 * starts with the first delimiter, every part names its field with
 * Content-Disposition: form-data; name="..." (filename="..." for a file),
 * a field appears once, and the closing delimiter ends the body; anything
 * else is refused with a reason naming the part.  Names and file names are
 * UTF-8 without control characters; a file name is reduced to its last
 * path segment (old browsers sent "C:\dir\a.pdf").
 *
 * Ownership: the caller owns the struct mp_form (mp_form_init before,
 * mp_form_release after); it borrows the body, which must outlive it.
 */
#ifndef DTI_MULTIPART_H
#define DTI_MULTIPART_H

#include <stddef.h>

#define MP_MAX_PARTS    16
#define MP_MAX_NAME     64   /* bytes of a field name */
#define MP_MAX_FILENAME 255  /* bytes of a file name */
#define MP_MAX_HEADERS  4096 /* bytes of a part's header block */

struct mp_part {
	char name[MP_MAX_NAME + 1];
	int is_file;                        /* a filename parameter was given */
	char filename[MP_MAX_FILENAME + 1]; /* "" unless is_file */
	const char *data;                   /* the content, inside the body */
	size_t len;
};

struct mp_form {
	size_t n;
	struct mp_part *parts; /* MP_MAX_PARTS of them, allocated */
};

/* Results of mp_parse besides 0. */
enum {
	MP_ENOTFORM = 1, /* Content-Type is not multipart/form-data */
	MP_EBAD = 2,     /* the body is malformed (why says how) */
	MP_ENOMEM = 3
};

void mp_form_init(struct mp_form *f);
void mp_form_release(struct mp_form *f);

/*
 * Reads body (len bytes) sent with content_type (the request's
 * Content-Type, may be NULL).  0 on success; else MP_* with a reason in
 * why (size whysz) and, for MP_EBAD, the field concerned in field (size
 * fieldsz; "" when no field is known).
 */
int mp_parse(const char *content_type, const char *body, size_t len,
             struct mp_form *f, char *why, size_t whysz, char *field,
             size_t fieldsz);

/* The part of that field name, NULL if absent. */
const struct mp_part *mp_get(const struct mp_form *f, const char *name);

#endif
