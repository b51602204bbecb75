/*
 * src/server/api_openapi.c - GET /api/v1/openapi.json: the API contract,
 * doc/openapi.json, as it was when the program was built.
 *
 * The document is compiled into the binary (tools/embed.c, see
 * src/cli/meson.build: its table is renamed srv_openapi_files so that it
 * stays apart from the CLI's bundled frameworks), so a running server
 * always serves the contract it was built against, from any directory.
 * It is served from static memory: no store handle, no copy.
 */
#include <string.h>

#include "../cli/embedded.h"
#include "server.h"

/* The table written by tools/embed.c for doc/openapi.json. */
extern const struct dti_embedded_file srv_openapi_files[];

/* GET /api/v1/openapi.json */
static void h_openapi(struct srv_req *q, struct srv_resp *r)
{
	static const char *const none[] = {NULL};
	if (srv_query_only(q, r, none))
		return;
	for (const struct dti_embedded_file *f = srv_openapi_files; f->name;
	     f++) {
		if (strcmp(f->name, "openapi.json") != 0)
			continue;
		r->type = "application/json";
		r->shared = f->data;
		r->shared_len = f->len;
		return;
	}
	srv_problem(r, 500, "internal", "the contract was not built in");
}

const struct srv_route srv_routes_openapi[] = {
    {"GET", "/api/v1/openapi.json", h_openapi, SRV_PUBLIC | SRV_NOSTORE},
    {NULL, NULL, NULL, 0},
};
