/*
 * tests/fuzz/fuzz_multipart.c - the reader of evidence uploads
 * (src/server/multipart.c) on any Content-Type and body.
 *
 * Input: the Content-Type up to the first newline, the body after it.
 * Invariants: 0 or one of MP_ENOTFORM, MP_EBAD, MP_ENOMEM; a refusal says
 * why; an accepted form has at most MP_MAX_PARTS parts, each with a
 * non-empty name of at most MP_MAX_NAME bytes and no control character,
 * names unique and found again by mp_get, a file name (if any) without a
 * path separator or control character, and content lying inside the body,
 * in order and without overlap.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/server/multipart.h"
#include "fuzz_server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 64 * 1024)
		return 0;
	const uint8_t *nl = memchr(data, '\n', size);
	size_t ctlen = nl ? (size_t)(nl - data) : size;
	char *ct = malloc(ctlen + 1);
	/* the body in a buffer of its own size, so ASan sees any overread */
	size_t blen = nl ? size - ctlen - 1 : 0;
	char *body = malloc(blen ? blen : 1);
	if (!ct || !body) {
		free(ct);
		free(body);
		return 0;
	}
	memcpy(ct, data, ctlen);
	ct[ctlen] = '\0';
	if (blen)
		memcpy(body, nl + 1, blen);

	struct mp_form f;
	mp_form_init(&f);
	char why[256] = "", field[MP_MAX_NAME + 1] = "";
	int rc = mp_parse(strlen(ct) == ctlen ? ct : NULL, body, blen, &f, why,
	                  sizeof why, field, sizeof field);
	FUZZ_ASSERT(rc >= 0 && rc <= MP_ENOMEM, "result %d", rc);
	if (rc != 0) {
		FUZZ_ASSERT(why[0] != '\0', "a refusal (%d) without a reason",
		            rc);
		FUZZ_ASSERT(strlen(why) < sizeof why, "reason overflows");
	} else {
		FUZZ_ASSERT(f.n <= MP_MAX_PARTS, "%zu parts", f.n);
		const char *end_prev = body;
		for (size_t i = 0; i < f.n; i++) {
			const struct mp_part *p = &f.parts[i];
			size_t nlen = strlen(p->name);
			FUZZ_ASSERT(nlen > 0 && nlen <= MP_MAX_NAME,
			            "part %zu: name of %zu bytes", i, nlen);
			FUZZ_ASSERT(!has_control(p->name),
			            "part %zu: control character in its name",
			            i);
			FUZZ_ASSERT(
			    mp_get(&f, p->name) == p,
			    "part %zu: '%s' not found again (a duplicate?)", i,
			    p->name);
			if (p->is_file) {
				FUZZ_ASSERT(
				    !strchr(p->filename, '/') &&
				        !strchr(p->filename, '\\'),
				    "part %zu: file name '%s' has a path", i,
				    p->filename);
				FUZZ_ASSERT(
				    !has_control(p->filename),
				    "part %zu: control character in its "
				    "file name",
				    i);
			} else {
				FUZZ_ASSERT(p->filename[0] == '\0',
				            "part %zu: a file name on a field",
				            i);
			}
			FUZZ_ASSERT(p->len == 0 ||
			                (p->data >= end_prev &&
			                 p->data + p->len <= body + blen),
			            "part %zu: content outside the body", i);
			if (p->len)
				end_prev = p->data + p->len;
		}
	}
	mp_form_release(&f);
	free(ct);
	free(body);
	return 0;
}
