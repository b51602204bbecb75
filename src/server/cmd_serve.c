/*
 * src/server/cmd_serve.c - the command `dti serve`: reads the
 * configuration, starts the daemon, waits for SIGTERM or SIGINT and stops
 * gracefully.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cli/cli.h"
#include "../cli/opt.h"
#include "serve.h"

static const char serve_help[] =
    "usage: dti serve [OPTIONS]\n"
    "\n"
    "Serves the store over HTTP: the JSON API under /api/v1 (OpenAPI at\n"
    "/api/v1/openapi.json), /healthz and /readyz.  Listens on loopback\n"
    "unless told otherwise; put a TLS proxy (nginx) in front of it for\n"
    "the network.  Stops gracefully on SIGTERM or SIGINT: requests in\n"
    "flight finish, nothing is left half-written.\n"
    "\n"
    "Options:\n"
    "      --db PATH|URI       the store (default: $DTI_DB, else ./dti.db)\n"
    "      --listen ADDR       address to listen on (default: 127.0.0.1)\n"
    "      --port N            port (default: 8080; 0: any free port)\n"
    "      --threads N         worker threads (default: 4)\n"
    "      --access-log FILE   one line per request ('-': stderr)\n"
    "      --max-body BYTES    largest JSON body (default: 1048576)\n"
    "      --max-upload BYTES  largest evidence file (default: 20971520)\n"
    "      --session-ttl SEC   idle seconds before a session ends\n"
    "                          (default: 3600)\n"
    "      --trust-proxy       honour X-Forwarded-Proto from the proxy\n"
    "      --demo              label every response as synthetic demo data\n"
    "\n"
    "Examples:\n"
    "  dti serve --db dti.db --port 8080\n"
    "  dti serve --db postgresql://dti@localhost/dti --listen 127.0.0.1\n";

enum {
	O_DB = 1,
	O_LISTEN,
	O_PORT,
	O_THREADS,
	O_LOG,
	O_MAXBODY,
	O_MAXUP,
	O_TTL,
	O_PROXY,
	O_DEMO
};

static const struct cli_opt serve_opts[] = {
    {"db", 0, 1, O_DB},
    {"listen", 0, 1, O_LISTEN},
    {"port", 0, 1, O_PORT},
    {"threads", 0, 1, O_THREADS},
    {"access-log", 0, 1, O_LOG},
    {"max-body", 0, 1, O_MAXBODY},
    {"max-upload", 0, 1, O_MAXUP},
    {"session-ttl", 0, 1, O_TTL},
    {"trust-proxy", 0, 0, O_PROXY},
    {"demo", 0, 0, O_DEMO},
    {NULL, 0, 0, 0},
};

static const char more[] = "Try 'dti serve --help' for more.";

static int number(const char *written, const char *v, long long lo,
                  long long hi, long long *out)
{
	char *end;
	errno = 0;
	long long n = strtoll(v, &end, 10);
	if (errno || end == v || *end || n < lo || n > hi)
		return cli_usage(serve_help, more,
		                 "%s wants a whole number from %lld to %lld, "
		                 "not '%s'",
		                 written, lo, hi, v);
	*out = n;
	return 0;
}

static int on_option(void *ctx, const struct cli_opt *o, const char *v,
                     const char *written)
{
	struct srv_config *c = ctx;
	long long n = 0;
	int rc = 0;
	switch (o->id) {
	case O_DB: c->store = v; break;
	case O_LISTEN: c->listen = v; break;
	case O_PORT:
		if (!(rc = number(written, v, 0, 65535, &n)))
			c->port = (int)n;
		break;
	case O_THREADS:
		if (!(rc = number(written, v, 1, 256, &n)))
			c->threads = (int)n;
		break;
	case O_LOG: c->access_log = v; break;
	case O_MAXBODY:
		if (!(rc = number(written, v, 1024, 1LL << 30, &n)))
			c->max_body = (size_t)n;
		break;
	case O_MAXUP:
		if (!(rc = number(written, v, 1024, 1LL << 31, &n)))
			c->max_upload = (size_t)n;
		break;
	case O_TTL:
		if (!(rc = number(written, v, 60, 30LL * 86400, &n)))
			c->session_ttl = (int)n;
		break;
	case O_PROXY: c->trust_proxy = 1; break;
	case O_DEMO: c->demo = 1; break;
	}
	return rc;
}

static int on_argument(void *ctx, const char *arg)
{
	(void)ctx;
	return cli_usage(serve_help, more, "unexpected argument '%s'", arg);
}

int cmd_serve(int argc, char **argv)
{
	struct srv_config cfg;
	memset(&cfg, 0, sizeof cfg);
	cfg.listen = "127.0.0.1";
	cfg.port = 8080;
	cfg.threads = 4;
	cfg.max_body = 1u << 20;
	cfg.max_upload = DTI_EVIDENCE_MAX_DEFAULT;
	cfg.session_ttl = 3600;
	cfg.store = getenv("DTI_DB");
	if (!cfg.store || !*cfg.store)
		cfg.store = "dti.db";

	struct cli_optparse p = {serve_opts, serve_help,  more,
	                         on_option,  on_argument, &cfg};
	int rc = cli_optparse(&p, argc, argv);
	if (rc == -1)
		return 0;
	if (rc)
		return rc;

	/* the store must exist and be ready before anything listens */
	struct dti_store *st = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	struct dti_store_status ss;
	rc = cli_open_store(cfg.store, NULL, 0, &st);
	if (rc)
		return rc;
	const char *now = getenv("DTI_NOW");
	if (now && *now)
		cfg.fixed_now = now;
	if (dti_store_status(st, &ss, &err) != DTI_OK) {
		fprintf(stderr, "dti serve: cannot open the store: %s\n",
		        err.message);
		dti_error_release(&err);
		dti_store_close(st);
		return EXIT_STATE;
	}
	dti_store_close(st);
	if (ss.schema_version == 0 || ss.schema_version != ss.schema_latest) {
		fprintf(stderr,
		        "dti serve: the store %s: run 'dti db %s' first\n",
		        ss.schema_version == 0 ? "is not initialised"
		                               : "needs migrating",
		        ss.schema_version == 0 ? "init" : "migrate");
		return EXIT_STATE;
	}

	/* signals go to this thread only: block them before the workers
	   start (they inherit the mask) */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	struct srv *s = srv_new(&cfg);
	if (!s) {
		fprintf(stderr, "dti serve: out of memory\n");
		return EXIT_INTERNAL;
	}
	int port = 0;
	if (srv_start(s, &port) != 0) {
		srv_free(s);
		return EXIT_IO;
	}
	const char *host = cfg.listen;
	int v6 = strchr(host, ':') != NULL;
	printf("dti serve: listening on http://%s%s%s:%d/\n", v6 ? "[" : "",
	       host, v6 ? "]" : "", port);
	fflush(stdout);

	int sig = 0;
	sigwait(&set, &sig);
	fprintf(stderr, "dti serve: %s: stopping\n",
	        sig == SIGTERM  ? "SIGTERM"
	        : sig == SIGINT ? "SIGINT"
	                        : "SIGHUP");
	srv_stop(s, 10);
	srv_free(s);
	return 0;
}
