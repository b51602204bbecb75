/*
 * src/server/serve.h - starting and stopping the daemon (serve.c), for
 * `dti serve` (cmd_serve.c) and the tests.
 */
#ifndef DTI_SERVE_H
#define DTI_SERVE_H

#include "server.h"

/* A server over cfg (copied; its strings must outlive the server). */
struct srv *srv_new(const struct srv_config *cfg);
/* Listens and serves on worker threads; *port_out gets the port bound. */
int srv_start(struct srv *s, int *port_out);
/*
 * Stops accepting, lets the requests in flight finish (at most
 * grace_seconds), waits for a write in progress, stops the daemon.
 */
void srv_stop(struct srv *s, int grace_seconds);
void srv_free(struct srv *s);
/*
 * The sessions and login throttling of a server (auth.c): made by srv_new
 * with the server's configuration, freed by srv_free.
 */
struct srv_auth;
struct srv_auth *srv_auth_new(const struct srv_config *cfg);
void srv_auth_free(struct srv_auth *a);
struct srv_auth *srv_auth_of(struct srv *s);

/* A line on the operator's log (stderr). */
void srv_log_error(struct srv *s, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

#endif
