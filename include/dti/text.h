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

/*
 * Writes the matching key of a name into out: lower case ASCII letters and
 * digits separated by single spaces, diacritics removed (Đ/đ become d),
 * punctuation dropped.  "TP. Thừa Thiên - Huế" gives "tp thua thien hue".
 * Returns the key length (truncated to outsz - 1).
 */
DTI_EXTERN size_t dti_text_fold(const char *s, char *out, size_t outsz);

/*
 * 1 if s is "YYYY-MM-DD" and names a day that exists: 2024-02-29 yes,
 * 2023-02-29, 2023-04-31 and 2023-13-01 no.  Every date dti reads is
 * checked by this one rule.
 */
DTI_EXTERN int dti_date_valid(const char *s);
/* 1 if s is "YYYY-MM-DDTHH:MM:SSZ" on a valid day and time of day. */
DTI_EXTERN int dti_timestamp_valid(const char *s);

/* Vietnamese collation (a ă â b c d đ e ê ...; tones as secondary keys). */
DTI_EXTERN int dti_text_collate(const char *a, const char *b);

#ifdef __cplusplus
}
#endif
#endif
