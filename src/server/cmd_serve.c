/*
 * src/server/cmd_serve.c - the command `dti serve`: reads the
 * configuration, starts the daemon, waits for SIGTERM or SIGINT and stops
 * gracefully.
 *
 * Configuration is one table (settings[] below: key, environment
 * variable, flag, kind, bounds, default), read from three places, later
 * winning: a file given with --config ("key = value" lines, dti-serve.conf
 * (5)), then DTI_* environment variables, then flags.  Every value goes
 * through the same parser whichever place it came from, so a bound is
 * checked once; an error names where the value came from (the file and
 * line, the variable or the flag) and exits 2.  --check prints the values
 * in force and where each came from, without opening the store.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../cli/cli.h"
#include "../cli/opt.h"
#include "notify.h"
#include "serve.h"

static const char serve_help[] =
    "usage: dti serve [--config FILE] [OPTIONS] [--check]\n"
    "\n"
    "Serves the store over HTTP: the JSON API under /api/v1 (OpenAPI at\n"
    "/api/v1/openapi.json), /healthz and /readyz.  Listens on loopback\n"
    "unless told otherwise; put a TLS proxy (nginx) in front of it for\n"
    "the network.  Stops gracefully on SIGTERM or SIGINT: requests in\n"
    "flight finish, nothing is left half-written.\n"
    "\n"
    "Settings come from a configuration file (--config), then DTI_*\n"
    "environment variables (DTI_PORT for --port, ...), then flags: the\n"
    "later wins.  See dti-serve(1) and dti-serve.conf(5).\n"
    "\n"
    "Options:\n"
    "      --config FILE       read settings from FILE ('key = value')\n"
    "      --check             print the settings in force and where each\n"
    "                          came from, then exit (nothing is opened)\n"
    "      --db PATH|URI       the store (default: dti.db)\n"
    "      --listen ADDR       address to listen on (default: 127.0.0.1)\n"
    "      --port N            port (default: 8080; 0: any free port)\n"
    "      --threads N         worker threads (default: 8)\n"
    "      --access-log FILE   one line per request ('-': stderr)\n"
    "      --max-body BYTES    largest JSON body (default: 1048576)\n"
    "      --max-upload BYTES  largest evidence file (default: 20971520)\n"
    "      --session-ttl SEC   idle seconds before a session ends\n"
    "                          (default: 3600; at most 12 h in all)\n"
    "      --timeout SEC       seconds a connection may idle or take to\n"
    "                          send its request headers (default: 30)\n"
    "      --trust-proxy       honour X-Forwarded-Proto and\n"
    "                          X-Forwarded-For from the proxy\n"
    "      --demo              label every response as synthetic demo "
    "data\n"
    "      --smtp-url URL      mail server for notices (smtp://host:25)\n"
    "      --smtp-from ADDR    sender of notices\n"
    "      --base-url URL      the server's public address, for links\n"
    "      --smtp-user U       the relay's AUTH user\n"
    "      --smtp-password-file F  its password, from a file\n"
    "      --smtp-starttls     require STARTTLS on smtp://\n"
    "      --mail-user NAME    the admin the mailer acts as (default: admin)\n"
    "      --mail-interval S   seconds between mail runs (default: 300)\n"
    "\n"
    "Examples:\n"
    "  dti serve --db dti.db --port 8080\n"
    "  dti serve --db dti.db --port 0 --threads 2 --check\n"
    "  dti serve --db postgresql://dti@localhost/dti --listen 127.0.0.1\n";

static const char more[] = "Try 'dti serve --help' for more.";

/* ---- The settings --------------------------------------------------------
 */

enum kind {
	K_STR,    /* a non-empty string */
	K_OPTSTR, /* a string; empty means none */
	K_INT,    /* an int within bounds */
	K_SIZE,   /* bytes within bounds: 1048576, 1024k, 20m, 1g */
	K_BOOL,   /* yes/no, true/false, on/off, 1/0 */
	K_ADDR,   /* an IPv4 or IPv6 address */
	K_URL     /* empty (none) or a URL of one of the schemes in extra */
};

struct setting {
	const char *key; /* in the file, and the flag: --key */
	const char *env; /* DTI_... */
	enum kind kind;
	long long lo, hi;
	size_t off;        /* in struct srv_config */
	const char *extra; /* K_URL: allowed schemes, "http https" */
};

#define OFF(f) offsetof(struct srv_config, f)

static const struct setting settings[] = {
    {"db", "DTI_DB", K_STR, 0, 0, OFF(store), NULL},
    {"listen", "DTI_LISTEN", K_ADDR, 0, 0, OFF(listen), NULL},
    {"port", "DTI_PORT", K_INT, 0, 65535, OFF(port), NULL},
    {"threads", "DTI_THREADS", K_INT, 1, 256, OFF(threads), NULL},
    {"access-log", "DTI_ACCESS_LOG", K_OPTSTR, 0, 0, OFF(access_log), NULL},
    {"max-body", "DTI_MAX_BODY", K_SIZE, 1024, 1LL << 30, OFF(max_body), NULL},
    {"max-upload", "DTI_MAX_UPLOAD", K_SIZE, 1024, 1LL << 31, OFF(max_upload),
     NULL},
    {"session-ttl", "DTI_SESSION_TTL", K_INT, 1, 12 * 3600, OFF(session_ttl),
     NULL},
    {"timeout", "DTI_TIMEOUT", K_INT, 1, 3600, OFF(timeout), NULL},
    {"trust-proxy", "DTI_TRUST_PROXY", K_BOOL, 0, 0, OFF(trust_proxy), NULL},
    {"demo", "DTI_DEMO", K_BOOL, 0, 0, OFF(demo), NULL},
    {"smtp-url", "DTI_SMTP_URL", K_URL, 0, 0, OFF(smtp_url), "smtp smtps"},
    {"smtp-from", "DTI_SMTP_FROM", K_OPTSTR, 0, 0, OFF(smtp_from), NULL},
    {"base-url", "DTI_BASE_URL", K_URL, 0, 0, OFF(base_url), "http https"},
    {"smtp-user", "DTI_SMTP_USER", K_OPTSTR, 0, 0, OFF(smtp_user), NULL},
    {"smtp-password-file", "DTI_SMTP_PASSWORD_FILE", K_OPTSTR, 0, 0,
     OFF(smtp_password_file), NULL},
    {"smtp-starttls", "DTI_SMTP_STARTTLS", K_BOOL, 0, 0, OFF(smtp_starttls),
     NULL},
    {"mail-user", "DTI_MAIL_USER", K_OPTSTR, 0, 0, OFF(mail_user), NULL},
    {"mail-interval", "DTI_MAIL_INTERVAL", K_INT, 1, 86400, OFF(mail_interval),
     NULL},
};

#define NSETTINGS (sizeof settings / sizeof settings[0])

enum { O_CONFIG = 1000, O_CHECK };

static const struct cli_opt serve_opts[] = {
    {"config", 0, 1, O_CONFIG},
    {"check", 0, 0, O_CHECK},
    {"db", 0, 1, 0},
    {"listen", 0, 1, 1},
    {"port", 0, 1, 2},
    {"threads", 0, 1, 3},
    {"access-log", 0, 1, 4},
    {"max-body", 0, 1, 5},
    {"max-upload", 0, 1, 6},
    {"session-ttl", 0, 1, 7},
    {"timeout", 0, 1, 8},
    {"trust-proxy", 0, 0, 9},
    {"demo", 0, 0, 10},
    {"smtp-url", 0, 1, 11},
    {"smtp-from", 0, 1, 12},
    {"base-url", 0, 1, 13},
    {"smtp-user", 0, 1, 14},
    {"smtp-password-file", 0, 1, 15},
    {"smtp-starttls", 0, 0, 16},
    {"mail-user", 0, 1, 17},
    {"mail-interval", 0, 1, 18},
    {NULL, 0, 0, 0},
};

static void *field(struct srv_config *c, const struct setting *st)
{
	return (char *)c + st->off;
}

/*
 * Parses v as st's kind into c.  Strings are kept as given: the caller
 * makes them outlive the server.  Returns 0, or -1 with why in msg.
 */
static int set_value(struct srv_config *c, const struct setting *st,
                     const char *v, char *msg, size_t n)
{
	char *end;
	long long x;
	switch (st->kind) {
	case K_STR:
		if (!*v) {
			snprintf(msg, n, "wants a value");
			return -1;
		}
		*(const char **)field(c, st) = v;
		return 0;
	case K_OPTSTR: *(const char **)field(c, st) = *v ? v : NULL; return 0;
	case K_URL:
		if (*v) {
			const char *colon = strstr(v, "://");
			char scheme[16];
			size_t sl = colon ? (size_t)(colon - v) : 0;
			int ok = colon && sl > 0 && sl < sizeof scheme &&
			         colon[3] != '\0';
			if (ok) {
				memcpy(scheme, v, sl);
				scheme[sl] = '\0';
				ok = 0;
				char list[64];
				snprintf(list, sizeof list, "%s", st->extra);
				char *save = NULL;
				for (char *t = strtok_r(list, " ", &save); t;
				     t = strtok_r(NULL, " ", &save))
					if (strcasecmp(t, scheme) == 0)
						ok = 1;
			}
			if (!ok || strpbrk(v, " \t\r\n")) {
				snprintf(msg, n, "wants a URL (%s), not '%s'",
				         st->extra, v);
				return -1;
			}
		}
		*(const char **)field(c, st) = *v ? v : NULL;
		return 0;
	case K_ADDR: {
		unsigned char buf[16];
		if (inet_pton(AF_INET, v, buf) != 1 &&
		    inet_pton(AF_INET6, v, buf) != 1) {
			snprintf(msg, n,
			         "wants an IPv4 or IPv6 address (127.0.0.1, "
			         "::1, 0.0.0.0), not '%s'",
			         v);
			return -1;
		}
		*(const char **)field(c, st) = v;
		return 0;
	}
	case K_BOOL: {
		static const char *const yes[] = {"1", "yes", "true", "on"};
		static const char *const no[] = {"0", "no", "false", "off"};
		for (size_t i = 0; i < 4; i++) {
			if (strcasecmp(v, yes[i]) == 0) {
				*(int *)field(c, st) = 1;
				return 0;
			}
			if (strcasecmp(v, no[i]) == 0) {
				*(int *)field(c, st) = 0;
				return 0;
			}
		}
		snprintf(msg, n, "wants yes or no, not '%s'", v);
		return -1;
	}
	case K_INT:
	case K_SIZE:
		errno = 0;
		x = strtoll(v, &end, 10);
		if (st->kind == K_SIZE && end != v && !errno) {
			long long mult = 1;
			switch (*end) {
			case 'k':
			case 'K': mult = 1024; break;
			case 'm':
			case 'M': mult = 1024 * 1024; break;
			case 'g':
			case 'G': mult = 1024 * 1024 * 1024; break;
			}
			if (mult > 1) {
				end++;
				if (x > LLONG_MAX / mult)
					errno = ERANGE;
				else
					x *= mult;
			}
		}
		if (errno || end == v || *end || !isdigit((unsigned char)*v) ||
		    x < st->lo || x > st->hi) {
			snprintf(msg, n,
			         "wants a whole number from %lld to %lld%s, "
			         "not '%s'",
			         st->lo, st->hi,
			         st->kind == K_SIZE ? " (bytes; k, m, g: "
			                              "1024-based)"
			                            : "",
			         v);
			return -1;
		}
		if (st->kind == K_SIZE)
			*(size_t *)field(c, st) = (size_t)x;
		else
			*(int *)field(c, st) = (int)x;
		return 0;
	}
	return -1;
}

static const struct setting *find_setting(const char *key)
{
	for (size_t i = 0; i < NSETTINGS; i++)
		if (strcmp(settings[i].key, key) == 0)
			return &settings[i];
	return NULL;
}

/* Edit distance, for "did you mean": small strings only. */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 31 || lb > 31)
		return 99;
	size_t d[32][32];
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			size_t best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	return d[la][lb];
}

/* ---- Where each value came from ------------------------------------------
 */

struct config_state {
	struct srv_config cfg;
	char source[NSETTINGS][160];
	/* values read from the file: kept until the server is gone */
	char **kept;
	size_t nkept, capkept;
	/* flags in command-line order, applied last */
	struct flag {
		const struct setting *st;
		const char *value;
		const char *written;
	} * flags;
	size_t nflags;
	const char *config_file;
	int check;
};

static const char *keep(struct config_state *cs, const char *v)
{
	if (cs->nkept == cs->capkept) {
		size_t cap = cs->capkept ? cs->capkept * 2 : 16;
		char **k = realloc(cs->kept, cap * sizeof *k);
		if (!k)
			return NULL;
		cs->kept = k;
		cs->capkept = cap;
	}
	char *d = strdup(v);
	if (d)
		cs->kept[cs->nkept++] = d;
	return d;
}

static void config_release(struct config_state *cs)
{
	for (size_t i = 0; i < cs->nkept; i++)
		free(cs->kept[i]);
	free(cs->kept);
	free(cs->flags);
}

static size_t index_of(const struct setting *st)
{
	return (size_t)(st - settings);
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' ||
	             s[n - 1] == '\n'))
		s[--n] = '\0';
	return s;
}

#define LINE_MAX_CONF 4096

/*
 * Reads the configuration file: "key = value" lines, '#' comments on
 * lines of their own, blank lines; a value may be wrapped in double
 * quotes (kept as written inside).  A key may appear once.
 */
static int read_file(struct config_state *cs)
{
	const char *path = cs->config_file;
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr,
		        "dti serve: cannot read the configuration file %s: "
		        "%s\n",
		        path, strerror(errno));
		return EXIT_IO;
	}
	char line[LINE_MAX_CONF + 2];
	int seen[NSETTINGS];
	memset(seen, 0, sizeof seen);
	int rc = 0;
	for (int no = 1; fgets(line, sizeof line, f); no++) {
		char msg[512];
		size_t len = strlen(line);
		if (len > LINE_MAX_CONF ||
		    (len == sizeof line - 1 && line[len - 1] != '\n')) {
			fprintf(stderr,
			        "dti serve: %s:%d: the line is longer than "
			        "%d bytes\n",
			        path, no, LINE_MAX_CONF);
			rc = EXIT_USAGE;
			break;
		}
		char *p = line;
		if (no == 1 && strncmp(p, "\xEF\xBB\xBF", 3) == 0)
			p += 3; /* a byte order mark */
		p = trim(p);
		if (!*p || *p == '#')
			continue;
		char *eq = strchr(p, '=');
		if (!eq) {
			fprintf(stderr,
			        "dti serve: %s:%d: expected 'key = value', "
			        "not '%s'\n",
			        path, no, p);
			rc = EXIT_USAGE;
			break;
		}
		*eq = '\0';
		char *key = trim(p);
		char *val = trim(eq + 1);
		size_t vl = strlen(val);
		if (vl >= 2 && val[0] == '"' && val[vl - 1] == '"') {
			val[vl - 1] = '\0';
			val++;
		}
		const struct setting *st = find_setting(key);
		if (!st) {
			const char *near = NULL;
			for (size_t i = 0; i < NSETTINGS; i++)
				if (distance(key, settings[i].key) <= 2) {
					near = settings[i].key;
					break;
				}
			fprintf(stderr,
			        "dti serve: %s:%d: unknown key '%s'%s%s%s\n",
			        path, no, key, near ? " (did you mean '" : "",
			        near ? near : "", near ? "'?)" : "");
			rc = EXIT_USAGE;
			break;
		}
		size_t i = index_of(st);
		if (seen[i]) {
			fprintf(stderr,
			        "dti serve: %s:%d: '%s' is already set on line "
			        "%d\n",
			        path, no, key, seen[i]);
			rc = EXIT_USAGE;
			break;
		}
		seen[i] = no;
		const char *kept = keep(cs, val);
		if (!kept) {
			fprintf(stderr, "dti serve: out of memory\n");
			rc = EXIT_INTERNAL;
			break;
		}
		if (set_value(&cs->cfg, st, kept, msg, sizeof msg) != 0) {
			fprintf(stderr, "dti serve: %s:%d: %s %s\n", path, no,
			        key, msg);
			rc = EXIT_USAGE;
			break;
		}
		snprintf(cs->source[i], sizeof cs->source[i], "%s:%d", path,
		         no);
	}
	if (!rc && ferror(f)) {
		fprintf(stderr, "dti serve: cannot read %s: %s\n", path,
		        strerror(errno));
		rc = EXIT_IO;
	}
	fclose(f);
	return rc;
}

static int read_env(struct config_state *cs)
{
	for (size_t i = 0; i < NSETTINGS; i++) {
		const char *v = getenv(settings[i].env);
		if (!v || !*v)
			continue; /* unset or empty: not given */
		char msg[512];
		if (set_value(&cs->cfg, &settings[i], v, msg, sizeof msg)) {
			fprintf(stderr, "dti serve: %s %s\n", settings[i].env,
			        msg);
			return EXIT_USAGE;
		}
		snprintf(cs->source[i], sizeof cs->source[i], "%s",
		         settings[i].env);
	}
	return 0;
}

static int apply_flags(struct config_state *cs)
{
	for (size_t k = 0; k < cs->nflags; k++) {
		const struct flag *fl = &cs->flags[k];
		char msg[512];
		if (set_value(&cs->cfg, fl->st, fl->value, msg, sizeof msg))
			return cli_usage(serve_help, more, "%s %s", fl->written,
			                 msg);
		snprintf(cs->source[index_of(fl->st)], sizeof cs->source[0],
		         "%s", fl->written);
	}
	return 0;
}

static int on_option(void *ctx, const struct cli_opt *o, const char *v,
                     const char *written)
{
	struct config_state *cs = ctx;
	if (o->id == O_CONFIG) {
		cs->config_file = v;
		return 0;
	}
	if (o->id == O_CHECK) {
		cs->check = 1;
		return 0;
	}
	const struct setting *st = &settings[o->id];
	cs->flags[cs->nflags].st = st;
	/* a flag that takes no value sets its setting to yes */
	cs->flags[cs->nflags].value = o->value ? v : "yes";
	/* written may be a buffer of the parser's: keep a copy */
	cs->flags[cs->nflags].written = keep(cs, written);
	if (!cs->flags[cs->nflags].written) {
		fprintf(stderr, "dti serve: out of memory\n");
		return EXIT_INTERNAL;
	}
	cs->nflags++;
	return 0;
}

static int on_argument(void *ctx, const char *arg)
{
	(void)ctx;
	return cli_usage(serve_help, more, "unexpected argument '%s'", arg);
}

/* A URL without the password of its user part. */
static void url_masked(const char *v, char *out, size_t n)
{
	const char *s = strstr(v, "://");
	const char *at = s ? strchr(s + 3, '@') : NULL;
	const char *colon = s ? strchr(s + 3, ':') : NULL;
	if (at && colon && colon < at)
		snprintf(out, n, "%.*s:***%s", (int)(colon - v), v, at);
	else
		snprintf(out, n, "%s", v);
}

static void print_config(const struct config_state *cs)
{
	struct srv_config c = cs->cfg;
	printf("# dti serve: the settings in force (file < DTI_* "
	       "environment < flags)\n");
	for (size_t i = 0; i < NSETTINGS; i++) {
		const struct setting *st = &settings[i];
		void *f = field(&c, st);
		int is_str = st->kind == K_STR || st->kind == K_ADDR ||
		             st->kind == K_OPTSTR || st->kind == K_URL;
		const char *str = is_str ? *(const char **)f : NULL;
		char v[1024];
		switch (st->kind) {
		case K_STR:
		case K_ADDR:
		case K_OPTSTR:
			snprintf(v, sizeof v, "%s", str ? str : "");
			break;
		case K_URL: url_masked(str ? str : "", v, sizeof v); break;
		case K_INT: snprintf(v, sizeof v, "%d", *(int *)f); break;
		case K_SIZE: snprintf(v, sizeof v, "%zu", *(size_t *)f); break;
		case K_BOOL:
			snprintf(v, sizeof v, "%s", *(int *)f ? "yes" : "no");
			break;
		}
		int n = (int)(strlen(st->key) + 3 + strlen(v));
		printf("%s = %s%*s# %s\n", st->key, v, n < 32 ? 32 - n : 1, "",
		       cs->source[i]);
	}
}

int cmd_serve(int argc, char **argv)
{
	struct config_state cs;
	memset(&cs, 0, sizeof cs);
	struct srv_config *cfg = &cs.cfg;
	cfg->store = "dti.db";
	cfg->listen = "127.0.0.1";
	cfg->port = 8080;
	cfg->threads = 8;
	cfg->max_body = 1u << 20;
	cfg->max_upload = DTI_EVIDENCE_MAX_DEFAULT;
	cfg->session_ttl = 3600;
	cfg->mail_interval = 300;
	cfg->timeout = 30;
	for (size_t i = 0; i < NSETTINGS; i++)
		snprintf(cs.source[i], sizeof cs.source[i], "default");
	cs.flags = calloc((size_t)argc + 1, sizeof *cs.flags);
	if (!cs.flags) {
		fprintf(stderr, "dti serve: out of memory\n");
		return EXIT_INTERNAL;
	}

	struct cli_optparse p = {serve_opts, serve_help,  more,
	                         on_option,  on_argument, &cs};
	int rc = cli_optparse(&p, argc, argv);
	if (rc == -1) { /* --help */
		config_release(&cs);
		return 0;
	}
	if (!rc && cs.config_file)
		rc = read_file(&cs);
	if (!rc)
		rc = read_env(&cs);
	if (!rc)
		rc = apply_flags(&cs);
	if (rc || cs.check) {
		if (!rc)
			print_config(&cs);
		config_release(&cs);
		return rc;
	}

	/* the store must exist and be ready before anything listens */
	struct dti_store *st = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	struct dti_store_status ss;
	rc = cli_open_store(cfg->store, NULL, 0, &st);
	if (rc) {
		config_release(&cs);
		return rc;
	}
	const char *now = getenv("DTI_NOW");
	if (now && *now)
		cfg->fixed_now = now;
	if (dti_store_status(st, &ss, &err) != DTI_OK) {
		fprintf(stderr, "dti serve: cannot open the store: %s\n",
		        err.message);
		dti_error_release(&err);
		dti_store_close(st);
		config_release(&cs);
		return EXIT_STATE;
	}
	dti_store_close(st);
	if (ss.schema_version == 0 || ss.schema_version != ss.schema_latest) {
		fprintf(stderr,
		        "dti serve: the store %s: run 'dti db %s' first\n",
		        ss.schema_version == 0 ? "is not initialised"
		                               : "needs migrating",
		        ss.schema_version == 0 ? "init" : "migrate");
		config_release(&cs);
		return EXIT_STATE;
	}

	/* the relay's password, read before anything starts */
	char smtp_pw[512] = "";
	if (cfg->smtp_url && !cfg->smtp_from) {
		fprintf(stderr, "dti serve: smtp-url needs smtp-from (the "
		                "sender of notices)\n");
		config_release(&cs);
		return EXIT_USAGE;
	}
	if (cfg->smtp_password_file) {
		FILE *pf = fopen(cfg->smtp_password_file, "r");
		if (!pf || !fgets(smtp_pw, sizeof smtp_pw, pf)) {
			fprintf(stderr, "dti serve: cannot read %s\n",
			        cfg->smtp_password_file);
			if (pf)
				fclose(pf);
			config_release(&cs);
			return EXIT_IO;
		}
		fclose(pf);
		smtp_pw[strcspn(smtp_pw, "\r\n")] = '\0';
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

	struct srv *s = srv_new(cfg);
	if (!s) {
		fprintf(stderr, "dti serve: out of memory\n");
		config_release(&cs);
		return EXIT_INTERNAL;
	}
	int port = 0;
	if (srv_start(s, &port) != 0) {
		srv_free(s);
		config_release(&cs);
		return EXIT_IO;
	}
	const char *host = cfg->listen;
	int v6 = strchr(host, ':') != NULL;
	printf("dti serve: listening on http://%s%s%s:%d/\n", v6 ? "[" : "",
	       host, v6 ? "]" : "", port);
	if (cfg->demo)
		printf("dti serve: demo mode: every response says the data "
		       "are synthetic\n");
	fflush(stdout);
	struct srv_notifier *mailer = NULL;
	if (cfg->smtp_url) {
		struct srv_mail_config mc;
		memset(&mc, 0, sizeof mc);
		mc.url = cfg->smtp_url;
		mc.from = cfg->smtp_from;
		mc.username = cfg->smtp_user;
		mc.password = cfg->smtp_user ? smtp_pw : NULL;
		mc.starttls = cfg->smtp_starttls;
		mailer = srv_notifier_start(s, &mc, cfg->mail_user,
		                            cfg->mail_interval);
		if (!mailer)
			fprintf(stderr,
			        "dti serve: the mailer did not start%s%s: "
			        "no notices will be e-mailed\n",
			        *srv_mail_fault() ? ": " : "",
			        srv_mail_fault());
	}

	int sig = 0;
	sigwait(&set, &sig);
	fprintf(stderr, "dti serve: %s: stopping\n",
	        sig == SIGTERM  ? "SIGTERM"
	        : sig == SIGINT ? "SIGINT"
	                        : "SIGHUP");
	srv_notifier_stop(mailer);
	srv_stop(s, 10);
	srv_free(s);
	sodium_memzero(smtp_pw, sizeof smtp_pw);
	config_release(&cs);
	return 0;
}
