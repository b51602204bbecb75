/*
 * src/server/api_notices.c - endpoints of /api/v1 (see doc/api.md).
 */
#include "server.h"

const struct srv_route srv_routes_notices[] = {
    {NULL, NULL, NULL, 0},
};
