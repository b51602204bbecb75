/*
 * src/server/html.c - escaping HTML writer (html.h).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "html.h"

void html_init(struct html *h, struct dti_buf *b, enum dti_lang lang)
{
	h->b = b;
	h->lang = lang;
}

void html_escape(struct dti_buf *b, const char *s)
{
	if (!s)
		return;
	const char *run = s;
	for (; *s; s++) {
		const char *rep = NULL;
		switch (*s) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: break;
		}
		if (rep) {
			dti_buf_add(b, run, (size_t)(s - run));
			dti_buf_adds(b, rep);
			run = s + 1;
		}
	}
	dti_buf_add(b, run, (size_t)(s - run));
}

void html_lit_(struct html *h, const char *literal)
{
	dti_buf_adds(h->b, literal);
}

void html_text(struct html *h, const char *s)
{
	html_escape(h->b, s);
}

void html_textf(struct html *h, const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	html_escape(h->b, tmp);
}

static void attrs(struct html *h, va_list ap)
{
	const char *name;
	while ((name = va_arg(ap, const char *)) != NULL) {
		const char *value = va_arg(ap, const char *);
		if (!value)
			continue;
		dti_buf_addc(h->b, ' ');
		dti_buf_adds(h->b, name);
		if (*value) {
			dti_buf_adds(h->b, "=\"");
			html_escape(h->b, value);
			dti_buf_addc(h->b, '"');
		}
	}
}

void html_tag_(struct html *h, const char *tag, ...)
{
	dti_buf_addc(h->b, '<');
	dti_buf_adds(h->b, tag);
	va_list ap;
	va_start(ap, tag);
	attrs(h, ap);
	va_end(ap);
	dti_buf_addc(h->b, '>');
}

void html_end(struct html *h, const char *tag)
{
	dti_buf_adds(h->b, "</");
	dti_buf_adds(h->b, tag);
	dti_buf_addc(h->b, '>');
}

void html_elem_(struct html *h, const char *tag, const char *text, ...)
{
	dti_buf_addc(h->b, '<');
	dti_buf_adds(h->b, tag);
	va_list ap;
	va_start(ap, text);
	attrs(h, ap);
	va_end(ap);
	dti_buf_addc(h->b, '>');
	html_escape(h->b, text);
	html_end(h, tag);
}

void html_num_buf(struct dti_buf *b, double v, int decimals, enum dti_lang lang)
{
	if (isnan(v)) {
		dti_buf_adds(b, "\xe2\x80\x93"); /* – */
		return;
	}
	char tmp[64];
	snprintf(tmp, sizeof tmp, "%.*f", decimals < 0 ? 0 : decimals, v);
	if (lang == DTI_LANG_VI) {
		char *dot = strchr(tmp, '.');
		if (dot)
			*dot = ',';
	}
	dti_buf_adds(b, tmp);
}

void html_num(struct html *h, double v, int decimals)
{
	html_num_buf(h->b, v, decimals, h->lang);
}

void html_svg(struct html *h, const struct dti_buf *svg)
{
	if (svg && svg->data)
		dti_buf_add(h->b, svg->data, svg->len);
}

void html_url_segment(struct dti_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~') {
			dti_buf_addc(b, (char)c);
		} else {
			char e[3] = {'%', hex[c >> 4], hex[c & 15]};
			dti_buf_add(b, e, 3);
		}
	}
}
