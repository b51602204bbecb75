/*
 * src/server/api_results.c - endpoints of /api/v1 (see doc/api.md).
 */
#include "server.h"

const struct srv_route srv_routes_results[] = {
    {NULL, NULL, NULL, 0},
};
