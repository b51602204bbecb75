/*
 * tests/fuzz/fuzz_srv_request.c - a request's path, query and headers as
 * the server reads them: the router (srv_handle: route matching,
 * captures, 404/405/401, CSRF, the write lock), srv_query, srv_header,
 * srv_cookie, srv_if_match and srv_query_only (src/server/router.c,
 * http.c), over the route shapes of doc/api.md (fuzz_server_stubs.c).
 *
 * Input: "METHOD PATH\n", then "Name: value\n" headers up to an empty
 * line, then "name=value\n" query arguments.  Invariants: every answer
 * that is not 200 is a problem document; a 405 says Allow; a 200 came
 * through a route whose captures are non-empty segments; the write lock
 * is never left held; a cookie found fits its buffer and holds no ';';
 * If-Match is a version (1), absent (0) or a 400 naming the header or
 * a 412 for "v0" (-1).
 */
#include <stdint.h>

#include "fuzz_server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int fuzz_write_locked(void);

#define MAXKV 16

static char *next_line(char **p)
{
	if (!*p)
		return NULL;
	char *s = *p;
	char *nl = strchr(s, '\n');
	if (nl) {
		*nl = '\0';
		*p = nl + 1;
	} else {
		*p = NULL;
	}
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 16 * 1024)
		return 0;
	char *buf = malloc(size + 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	char *p = buf;
	char *first = next_line(&p);
	char *sp = first ? strchr(first, ' ') : NULL;
	if (!sp) {
		free(buf);
		return 0;
	}
	*sp = '\0';
	struct srv_kv headers[MAXKV], query[MAXKV];
	size_t nh = 0, nq = 0;
	char *line;
	while ((line = next_line(&p)) && *line && nh < MAXKV) {
		char *c = strchr(line, ':');
		if (!c)
			continue;
		*c++ = '\0';
		while (*c == ' ')
			c++;
		headers[nh].name = line;
		headers[nh].value = c;
		nh++;
	}
	while ((line = next_line(&p)) && nq < MAXKV) {
		char *e = strchr(line, '=');
		if (e)
			*e++ = '\0';
		query[nq].name = line;
		query[nq].value = e; /* NULL: a name without '=' */
		nq++;
	}

	struct srv_req q;
	memset(&q, 0, sizeof q);
	q.method = first;
	q.path = sp + 1;
	q.nheaders = nh;
	q.headers = headers;
	q.nquery = nq;
	q.query = query;
	q.body = "";
	q.remote = "127.0.0.1";

	/* the readers */
	for (size_t i = 0; i < nq; i++)
		FUZZ_ASSERT(srv_query(&q, query[i].name) != NULL,
		            "query %s not found", query[i].name);
	for (size_t i = 0; i < nh; i++)
		FUZZ_ASSERT(srv_header(&q, headers[i].name) != NULL,
		            "header %s not found", headers[i].name);
	static const size_t sizes[] = {1, 2, 9, 48, 300};
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		char cookie[300];
		memset(cookie, 'Z', sizeof cookie);
		if (srv_cookie(&q, "dti_session", cookie, sizes[i]) == 0) {
			size_t n = strnlen(cookie, sizes[i]);
			FUZZ_ASSERT(n < sizes[i], "cookie overflows %zu",
			            sizes[i]);
			FUZZ_ASSERT(!strchr(cookie, ';'), "cookie holds ';'");
		}
	}
	struct srv_resp r;
	srv_resp_init(&r);
	int64_t version = -1;
	int im = srv_if_match(&q, &r, &version);
	FUZZ_ASSERT(im >= -1 && im <= 1, "if-match %d", im);
	if (im == 1)
		FUZZ_ASSERT(version >= 0, "version %lld", (long long)version);
	if (im == 0)
		FUZZ_ASSERT(!srv_header(&q, "If-Match"), "If-Match ignored");
	if (im == -1) {
		/* 400 for what is not a version, 412 for "v0" (no version) */
		FUZZ_ASSERT(r.status == 400 || r.status == 412, "status %d",
		            r.status);
		fuzz_check_problem(&r);
	} else {
		FUZZ_ASSERT(r.status == 200 && !r.body.len, "If-Match wrote");
	}
	srv_resp_free(&r);
	static const char *const allowed[] = {"date", "level", "format", NULL};
	srv_resp_init(&r);
	if (srv_query_only(&q, &r, allowed) != 0) {
		FUZZ_ASSERT(r.status == 400, "status %d", r.status);
		fuzz_check_problem(&r);
	}
	srv_resp_free(&r);

	/* the router */
	srv_resp_init(&r);
	srv_handle(NULL, &q, &r);
	FUZZ_ASSERT(!fuzz_write_locked(), "the write lock left held");
	switch (r.status) {
	case 200: break;
	case 401:
	case 403:
	case 404:
	case 405:
	case 503: fuzz_check_problem(&r); break;
	default: FUZZ_ASSERT(0, "status %d", r.status);
	}
	if (r.status == 405) {
		int allow = 0;
		for (size_t i = 0; i < r.nheaders; i++)
			allow |= strcmp(r.headers[i].name, "Allow") == 0 &&
			         r.headers[i].value[0];
		FUZZ_ASSERT(allow, "405 without Allow");
	}
	srv_resp_free(&r);
	free(buf);
	return 0;
}
