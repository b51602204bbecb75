/*
 * tests/fuzz/fuzz_server.h - what the fuzz targets of the server's request
 * parsers share: a struct srv_req built from fuzz input, and checks of
 * the responses the parsers write.
 *
 * The targets link src/server/http.c and src/server/router.c alone, with
 * stand-ins (fuzz_server_stubs.c) for the daemon (serve.c: no
 * libmicrohttpd, no store) and for the route tables, so that only the
 * pure parsing and matching runs.
 */
#ifndef DTI_FUZZ_SERVER_H
#define DTI_FUZZ_SERVER_H

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/server/server.h"

/* Stops the run: an invariant of the server does not hold. */
#define FUZZ_ASSERT(cond, ...)                                                 \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "fuzz: %s:%d: %s: ", __FILE__,         \
			        __LINE__, #cond);                              \
			fprintf(stderr, __VA_ARGS__);                          \
			fputc('\n', stderr);                                   \
			abort();                                               \
		}                                                              \
	} while (0)

/* The body of r as a NUL-terminated string ("" when empty). */
static inline const char *fuzz_resp_body(const struct srv_resp *r)
{
	return r->body.data && r->body.len ? r->body.data : "";
}

/*
 * A problem response: 4xx or 5xx, application/problem+json, a JSON object
 * whose status is the response's, with the members the contract names
 * and no others.
 */
static inline void fuzz_check_problem(const struct srv_resp *r)
{
	FUZZ_ASSERT(r->status >= 400 && r->status <= 599, "status %d",
	            r->status);
	FUZZ_ASSERT(r->type && strcmp(r->type, "application/problem+json") == 0,
	            "type %s", r->type ? r->type : "(null)");
	json_error_t je;
	json_t *p =
	    json_loadb(r->body.data, r->body.len, JSON_REJECT_DUPLICATES, &je);
	FUZZ_ASSERT(p && json_is_object(p), "problem is not JSON: %s (%.*s)",
	            je.text, (int)r->body.len, fuzz_resp_body(r));
	FUZZ_ASSERT(json_integer_value(json_object_get(p, "status")) ==
	                r->status,
	            "problem status differs from %d", r->status);
	static const char *const members[] = {"type", "title",  "status",
	                                      "code", "detail", "field",
	                                      "line", "column", NULL};
	const char *key;
	json_t *v;
	json_object_foreach(p, key, v)
	{
		int known = 0;
		for (size_t i = 0; members[i]; i++)
			known |= strcmp(key, members[i]) == 0;
		FUZZ_ASSERT(known, "problem member '%s'", key);
	}
	FUZZ_ASSERT(json_is_string(json_object_get(p, "code")), "no code");
	FUZZ_ASSERT(json_is_string(json_object_get(p, "detail")), "no detail");
	json_decref(p);
}

#endif
