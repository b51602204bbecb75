/*
 * src/server/html.h - HTML written by construction: every text and every
 * attribute value goes through an escaping call, markup comes only from
 * string literals (HTML_LIT) or from libdti's SVG charts, which escape
 * their own text.  A page is built into a dti_buf; nothing here knows of
 * the store.
 *
 *   struct html h;
 *   html_init(&h, &buf, DTI_LANG_VI);
 *   html_tag(&h, "a", "href", url, NULL);   // <a href="...escaped...">
 *   html_text(&h, unit_name);              // escaped text
 *   html_end(&h, "a");
 *   HTML_LIT(&h, "<br>");                   // literal markup only
 *
 * Tag and attribute names must be literals too (they are not escaped).
 */
#ifndef DTI_SRV_HTML_H
#define DTI_SRV_HTML_H

#include <stddef.h>

#include "dti/dti.h"

struct html {
	struct dti_buf *b;
	enum dti_lang lang;
};

void html_init(struct html *h, struct dti_buf *b, enum dti_lang lang);

/* Appends s with & < > " ' escaped (for text and attribute values). */
void html_escape(struct dti_buf *b, const char *s);

/* Markup from a string literal: the macro refuses anything else. */
#define HTML_LIT(h, s) html_lit_((h), "" s "")
void html_lit_(struct html *h, const char *literal);

/* Text, escaped; NULL writes nothing. */
void html_text(struct html *h, const char *s);
void html_textf(struct html *h, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/*
 * An opening tag with attributes: html_tag(h, "a", "href", url,
 * "class", c) - name, value pairs (the macro ends the list); a NULL value
 * leaves the attribute out, "" writes it bare (hidden).
 */
#define html_tag(h, ...) html_tag_((h), __VA_ARGS__, (const char *)0)
void html_tag_(struct html *h, const char *tag, ...);
void html_end(struct html *h, const char *tag);
/* <tag attrs>text</tag> in one call: html_elem(h, "a", text, "href", u). */
#define html_elem(h, tag, ...)                                                 \
	html_elem_((h), (tag), __VA_ARGS__, (const char *)0)
void html_elem_(struct html *h, const char *tag, const char *text, ...);

/*
 * A number with its decimals, a decimal comma in Vietnamese ("0,6735"); a
 * NaN is the missing mark "–".
 */
void html_num(struct html *h, double v, int decimals);
/* The same into a plain buffer (for attributes such as data-sort). */
void html_num_buf(struct dti_buf *b, double v, int decimals,
                  enum dti_lang lang);

/* SVG written by libdti's charts (its text already escaped). */
void html_svg(struct html *h, const struct dti_buf *svg);

/*
 * Appends a path segment to a URL, percent-encoded (everything but
 * letters, digits and - . _ ~).
 */
void html_url_segment(struct dti_buf *b, const char *s);

#endif
