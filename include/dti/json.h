/*
 * dti/json.h - the one JSON writer of dti.
 *
 * A streaming writer into a struct dti_buf: objects, arrays, keys,
 * escaped strings and numbers that never depend on the locale.  The
 * library's outputs, the command line and the server write every JSON text
 * with it, so escaping and number formats are the same everywhere:
 *   - strings are UTF-8; '"', '\\' and control characters are escaped
 *     (\n, \r, \t, else \u00XX); NULL is written as null;
 *   - numbers that are NaN or infinite are written as null ("missing is
 *     never a number"); doubles in the shortest form that reads back as
 *     the same double, or rounded to a number of decimals;
 *   - commas and colons are placed by the writer; no spaces, and no
 *     newlines but those asked for (dti_json_break; NDJSON callers add the
 *     '\n' between values themselves).
 *
 *     struct dti_json j;
 *     dti_json_init(&j, &buf);
 *     dti_json_object_begin(&j);
 *     dti_json_key(&j, "unit");   dti_json_string(&j, "Đà Nẵng");
 *     dti_json_key(&j, "value");  dti_json_fixed(&j, 0.80021, 4);
 *     dti_json_object_end(&j);
 *     st = dti_json_finish(&j, &err);       -> {"unit":"Đà
 * Nẵng","value":0.8002}
 *
 * Errors are sticky, as the buffer's: a call after a failure does nothing.
 * A misuse (a value where a key is due, an end that does not match its
 * begin, nesting deeper than DTI_JSON_MAX_DEPTH) is DTI_EARG; a full
 * buffer is the buffer's status.  dti_json_finish() reports either, and a
 * text left unfinished.
 *
 * Ownership: the caller owns the struct (no allocation of its own) and the
 * buffer, which must outlive the writer.
 */
#ifndef DTI_JSON_H
#define DTI_JSON_H

#include <stdint.h>

#include "dti/export.h"

#include "buf.h"
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define DTI_JSON_MAX_DEPTH 64

struct dti_json {
	struct dti_buf *out;
	enum dti_status status; /* DTI_OK, or the first failure (sticky) */
	unsigned depth;         /* open objects and arrays */
	uint64_t object; /* bit d: the container at depth d is an object */
	uint64_t items;  /* bit d: it has an item already */
	int after_key;   /* a key was written: its value is due */
	int newline;     /* the next item starts on a new line */
};

DTI_EXTERN void dti_json_init(struct dti_json *j, struct dti_buf *out);

DTI_EXTERN enum dti_status dti_json_object_begin(struct dti_json *j);
DTI_EXTERN enum dti_status dti_json_object_end(struct dti_json *j);
DTI_EXTERN enum dti_status dti_json_array_begin(struct dti_json *j);
DTI_EXTERN enum dti_status dti_json_array_end(struct dti_json *j);
/* The key of the next member of an object (escaped like a string). */
DTI_EXTERN enum dti_status dti_json_key(struct dti_json *j, const char *key);

/* A string, escaped; NULL writes null. */
DTI_EXTERN enum dti_status dti_json_string(struct dti_json *j, const char *s);
/* The first n bytes of s as a string. */
DTI_EXTERN enum dti_status dti_json_stringn(struct dti_json *j, const char *s,
                                            size_t n);
DTI_EXTERN enum dti_status dti_json_int(struct dti_json *j, long long v);
/* The shortest decimal that reads back as v (0.85, 1000, 1e-07). */
DTI_EXTERN enum dti_status dti_json_double(struct dti_json *j, double v);
/* v rounded to exactly `digits` decimals (0..17): 0.8002, 12.50. */
DTI_EXTERN enum dti_status dti_json_fixed(struct dti_json *j, double v,
                                          int digits);
/* v rounded to at most `digits` decimals, trailing zeros dropped: 716.3. */
DTI_EXTERN enum dti_status dti_json_decimal(struct dti_json *j, double v,
                                            int digits);
DTI_EXTERN enum dti_status dti_json_bool(struct dti_json *j, int v);
DTI_EXTERN enum dti_status dti_json_null(struct dti_json *j);
/*
 * A value that is already JSON text (a stored document), written as it
 * is: the caller vouches for it.  NULL or "" writes null.
 */
DTI_EXTERN enum dti_status dti_json_raw(struct dti_json *j, const char *json);

/*
 * Starts the next item of the current container (or the next top-level
 * value) on a new line, after its comma: long arrays stay readable in a
 * terminal and line-oriented tools.  Whitespace only: the JSON is the same.
 */
DTI_EXTERN void dti_json_break(struct dti_json *j);

/*
 * DTI_OK when every container was closed and nothing failed; else the
 * failure, with a message in err.
 */
DTI_EXTERN enum dti_status dti_json_finish(struct dti_json *j,
                                           struct dti_error *err);

/*
 * Appends s as a JSON string literal (quotes included) to b, escaped as
 * the writer escapes: for code that builds JSON by other means.
 */
DTI_EXTERN enum dti_status dti_json_quote(struct dti_buf *b, const char *s);

#ifdef __cplusplus
}
#endif
#endif
