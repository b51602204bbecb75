/*
 * src/server/api_cycles.c - endpoints of /api/v1 (see doc/api.md).
 */
#include "server.h"

const struct srv_route srv_routes_cycles[] = {
    {NULL, NULL, NULL, 0},
};
