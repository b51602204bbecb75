/*
 * dti/text.h - UTF-8 text helpers for Vietnamese names.
 *
 * All text in dti is UTF-8.  These helpers validate it (and recognise the
 * legacy Vietnamese encodings that must be refused), measure display width
 * for aligned terminal tables, fold names to an accent-free matching key,
 * and collate in Vietnamese alphabetical order.
 */
#ifndef DTI_TEXT_H
#define DTI_TEXT_H

#include "dti/export.h"

#include <stddef.h>

#include "buf.h"
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Checks that buf is UTF-8 (a leading BOM is allowed).  On failure fills err
 * with DTI_EENCODING, the line and column of the first bad byte, and names
 * the encoding the bytes most resemble (UTF-16, Windows-1258, TCVN3, VNI,
 * Latin-1) with how to save the file as UTF-8.
 */
DTI_EXTERN enum dti_status dti_text_check_utf8(const char *buf, size_t len,
                                               const char *name,
                                               struct dti_error *err);

/* Number of terminal columns the UTF-8 string occupies. */
DTI_EXTERN size_t dti_text_width(const char *s, size_t len);

/* Flags of dti_text_escape. */
enum {
	/* s is JSON text (from dti_json_*): its backslashes begin its own
	   escapes and pass unchanged; controls are still escaped */
	DTI_TEXT_ESC_JSON = 1
};

/*
 * Appends the len bytes of s to out as they may be shown on a terminal or
 * in a plain-text view: every character that would act instead of showing
 * is written visibly, and a backslash is doubled so that the result reads
 * back unambiguously.  C0 controls and DEL become \n, \t, \r or \xHH;
 * C1 controls (U+0080..U+009F), the line and paragraph separators
 * U+2028/U+2029 and the bidirectional overrides and isolates
 * (U+202A..U+202E, U+2066..U+2069) become \uHHHH; bytes that are not
 * UTF-8 become \xHH.  Any other UTF-8 text (Vietnamese included) passes
 * unchanged, so dti_text_width() of the result is what the screen shows.
 * flags: 0 or DTI_TEXT_ESC_JSON.  Returns the buffer's status.
 */
DTI_EXTERN enum dti_status dti_text_escape(struct dti_buf *out, const char *s,
                                           size_t len, unsigned flags);

/* 1 if dti_text_escape() would change s, 0 if s passes unchanged. */
DTI_EXTERN int dti_text_needs_escape(const char *s, size_t len, unsigned flags);

/*
 * Writes the matching key of a name into out: lower case ASCII letters and
 * digits separated by single spaces, diacritics removed (Đ/đ become d),
 * punctuation dropped.  "TP. Thừa Thiên - Huế" gives "tp thua thien hue".
 * Returns the key length (truncated to outsz - 1).
 */
DTI_EXTERN size_t dti_text_fold(const char *s, char *out, size_t outsz);

/* Vietnamese collation (a ă â b c d đ e ê ...; tones as secondary keys). */
DTI_EXTERN int dti_text_collate(const char *a, const char *b);

#ifdef __cplusplus
}
#endif
#endif
