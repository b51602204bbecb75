/*
 * src/server/api_submissions.c - endpoints of /api/v1 (see doc/api.md).
 */
#include "server.h"

const struct srv_route srv_routes_submissions[] = {
    {NULL, NULL, NULL, 0},
};
