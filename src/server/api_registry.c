/*
 * src/server/api_registry.c - endpoints of /api/v1 (see doc/api.md).
 */
#include "server.h"

const struct srv_route srv_routes_registry[] = {
    {NULL, NULL, NULL, 0},
};
