/*
 * tests/fuzz/fuzz_srv_json.c - JSON request bodies as handlers read them:
 * srv_body_object() then the typed srv_field_*() readers (src/server/
 * http.c).
 *
 * The first byte picks the Content-Type and which fields are required;
 * the rest is the body.  Invariants: a refused body gives a problem
 * document (400, 413 or 415, valid JSON, its status the response's; a
 * syntax error names line and column); an accepted one is an object
 * whose every key is allowed and leaves the response untouched; each
 * field reader answers 1, 0 or -1, and -1 (only then) writes a 400
 * problem naming the field; a string read has no NUL inside.
 */
#include <stdint.h>

#include "fuzz_server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const allowed[] = {"user",    "password", "label",
                                      "year",    "value",    "grant",
                                      "figures", "to",       NULL};

static void fields(json_t *obj, unsigned sel)
{
	for (size_t i = 0; allowed[i]; i++) {
		int required = (int)((sel >> (i % 8)) & 1u);
		for (int kind = 0; kind < 4; kind++) {
			struct srv_resp r;
			srv_resp_init(&r);
			int rc = 0;
			const char *s = NULL;
			double d = 0;
			int64_t n = 0;
			int b = -1;
			switch (kind) {
			case 0:
				rc = srv_field_string(obj, allowed[i], required,
				                      &s, &r);
				if (rc == 1)
					FUZZ_ASSERT(
					    s && strlen(s) ==
					             json_string_length(
					                 json_object_get(
					                     obj, allowed[i])),
					    "string with a NUL");
				break;
			case 1:
				rc = srv_field_number(obj, allowed[i], required,
				                      &d, &r);
				if (rc == 1)
					FUZZ_ASSERT(d == d && d - d == 0,
					            "number not finite");
				break;
			case 2:
				rc = srv_field_int(obj, allowed[i], required,
				                   &n, &r);
				break;
			default:
				rc = srv_field_bool(obj, allowed[i], required,
				                    &b, &r);
				if (rc == 1)
					FUZZ_ASSERT(b == 0 || b == 1, "bool %d",
					            b);
				break;
			}
			FUZZ_ASSERT(rc >= -1 && rc <= 1, "rc %d", rc);
			if (rc == -1) {
				FUZZ_ASSERT(r.status == 400, "status %d",
				            r.status);
				fuzz_check_problem(&r);
				json_t *p = json_loadb(r.body.data, r.body.len,
				                       0, NULL);
				const char *f = json_string_value(
				    json_object_get(p, "field"));
				FUZZ_ASSERT(f && strcmp(f, allowed[i]) == 0,
				            "field %s named %s", allowed[i],
				            f ? f : "(none)");
				json_decref(p);
			} else {
				FUZZ_ASSERT(r.status == 200 && r.body.len == 0,
				            "a reader answering %d wrote %d",
				            rc, r.status);
			}
			srv_resp_free(&r);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 64 * 1024)
		return 0;
	unsigned sel = data[0];
	char *body = malloc(size);
	if (!body)
		return 0;
	memcpy(body, data + 1, size - 1);
	body[size - 1] = '\0';

	static const char *const types[] = {"application/json",
	                                    "application/json; charset=utf-8",
	                                    "text/plain", "application/jsonx"};
	struct srv_kv headers[1] = {{"Content-Type", types[sel >> 6]}};
	struct srv_req q;
	memset(&q, 0, sizeof q);
	q.method = "POST";
	q.path = "/api/v1/session";
	q.nheaders = 1;
	q.headers = headers;
	q.body = body;
	q.body_len = size - 1;
	struct srv_resp r;
	srv_resp_init(&r);
	json_t *obj = srv_body_object(&q, &r, allowed);
	if (!obj) {
		fuzz_check_problem(&r);
		FUZZ_ASSERT(r.status == 400 || r.status == 415, "status %d",
		            r.status);
		FUZZ_ASSERT((r.status == 415) == (sel >> 6 >= 2),
		            "415 for the media type only");
	} else {
		FUZZ_ASSERT(json_is_object(obj), "not an object");
		FUZZ_ASSERT(r.status == 200 && r.body.len == 0,
		            "accepted, but the response says %d", r.status);
		const char *key;
		json_t *v;
		json_object_foreach(obj, key, v)
		{
			int ok = 0;
			for (size_t i = 0; allowed[i]; i++)
				ok |= strcmp(key, allowed[i]) == 0;
			FUZZ_ASSERT(ok, "key '%s' let through", key);
		}
		fields(obj, sel);
		json_decref(obj);
	}
	srv_resp_free(&r);
	free(body);
	return 0;
}
