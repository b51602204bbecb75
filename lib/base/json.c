/*
 * lib/base/json.c - JSON text.
 */
#include <string.h>

#include "base/base.h"

enum dti_status dti_json_str(struct dti_buf *b, const char *s)
{
	enum dti_status st = dti_buf_addc(b, '"');
	for (const unsigned char *p = (const unsigned char *)(s ? s : "");
	     *p && !st; p++) {
		switch (*p) {
		case '"': st = dti_buf_adds(b, "\\\""); break;
		case '\\': st = dti_buf_adds(b, "\\\\"); break;
		case '\n': st = dti_buf_adds(b, "\\n"); break;
		case '\r': st = dti_buf_adds(b, "\\r"); break;
		case '\t': st = dti_buf_adds(b, "\\t"); break;
		default:
			if (*p < 0x20)
				st = dti_buf_addf(b, "\\u%04x", *p);
			else
				st = dti_buf_addc(b, (char)*p);
		}
	}
	return st ? st : dti_buf_addc(b, '"');
}
