/*
 * src/server/api_admin.c - endpoints of /api/v1 (see doc/api.md).
 */
#include "server.h"

const struct srv_route srv_routes_admin[] = {
    {NULL, NULL, NULL, 0},
};
