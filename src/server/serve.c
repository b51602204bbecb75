/*
 * src/server/serve.c - the daemon of `dti serve`: libmicrohttpd, worker
 * threads with a store each, the fair write lock, the cache of published
 * data, conditional requests, gzip, the access log and a graceful stop.
 *
 * Slow clients.  libmicrohttpd's connection timeout is an idle timeout:
 * a client that sends its request headers one byte at a time, each just
 * before the timeout, would hold a connection (and a slot of the
 * connection limit) for ever.  So every connection also has a deadline
 * for its request headers, cfg.timeout seconds from when it opened or
 * from the end of its previous request; a watchdog thread shuts down the
 * socket of a connection past its deadline that is not inside a request.
 * Records of connections are added and removed by libmicrohttpd's
 * connection notifications, under conn_mu, and the watchdog touches a
 * socket only under conn_mu: libmicrohttpd closes a socket after the
 * notification of its end, so the watchdog never shuts down a socket
 * number that has been reused.  A request whose headers arrived (its body
 * may be slow) is bounded by the idle timeout only.  The graceful stop
 * shuts down idle connections at once and lets requests in flight end.
 */
#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "serve.h"
#include "server.h"

#define MAX_KV       64   /* query arguments or headers of a request */
#define CACHE_MAX    4096 /* entries of the cache of published data */
#define GZIP_MIN     512  /* bytes below which a body goes as it is */
#define STORES_MAX   256  /* worker threads' stores */
#define HEADER_LIMIT (64 * 1024)

/* A connection, for the deadline of its request headers. */
struct conn_rec {
	struct conn_rec *prev, *next;
	MHD_socket fd;
	struct timespec deadline; /* CLOCK_MONOTONIC */
	int busy;                 /* inside a request (headers received) */
	int cut;                  /* shut down by the watchdog */
};

struct cache_entry {
	char *key;
	unsigned gen;
	struct srv_cached c;
};

struct srv {
	struct srv_config cfg;
	struct MHD_Daemon *daemon;
	/* fair write lock: tickets served in order */
	pthread_mutex_t wmu;
	pthread_cond_t wcv;
	unsigned long long next_ticket, serving;
	/* group commit: edits waiting, and whether a thread leads a group */
	pthread_mutex_t gmu;
	struct group_job *gq_head, *gq_tail;
	int gleading;
	/* the groups' store, used under the write lock only: one connection
	   writes them all, so its page cache stays warm */
	struct dti_store *writer;
	/* cache */
	pthread_mutex_t cmu;
	unsigned gen;
	size_t ncache;
	struct cache_entry cache[CACHE_MAX];
	/* stores opened by worker threads, closed at exit */
	pthread_mutex_t smu;
	size_t nstores;
	struct dti_store *stores[STORES_MAX];
	/* connections open, for the graceful stop and the header deadline */
	pthread_mutex_t connmu;
	pthread_cond_t conncv;
	long connections;
	struct conn_rec *conns;
	int stopping;  /* the graceful stop began: cut idle connections */
	int watch_end; /* the watchdog must end */
	int watching;  /* the watchdog thread runs */
	pthread_t watchdog;
	struct srv_auth *auth;
	FILE *log;
	pthread_mutex_t logmu;
};

const struct srv_config *srv_config(const struct srv *s)
{
	return &s->cfg;
}

struct srv_auth *srv_auth_of(struct srv *s)
{
	return s->auth;
}

/* ---- The write lock ---------------------------------------------------------
 */

void srv_write_lock(struct srv *s)
{
	pthread_mutex_lock(&s->wmu);
	unsigned long long mine = s->next_ticket++;
	while (s->serving != mine)
		pthread_cond_wait(&s->wcv, &s->wmu);
	pthread_mutex_unlock(&s->wmu);
}

void srv_write_unlock(struct srv *s)
{
	pthread_mutex_lock(&s->wmu);
	s->serving++;
	pthread_cond_broadcast(&s->wcv);
	pthread_mutex_unlock(&s->wmu);
}

/* ---- Group commit -----------------------------------------------------------
 *
 * Leader and followers: a thread with an edit queues it; the first thread
 * to find no leader leads.  The leader takes the write lock (in turn with
 * every other writer), takes every edit queued so far, runs their handlers
 * one after the other on its own store inside one group (each call a
 * savepoint: a refused edit is undone alone), commits the group once and
 * wakes the threads whose edits it ran.  A thread whose edit a leader took
 * only waits; one whose edit is still queued when the leader is done leads
 * the next group.  Under load a group holds many edits and one write to
 * disk; alone an edit is a group of one.
 */

#define GROUP_MAX 256 /* edits in one group at most */

static struct dti_store *open_store(struct srv *s, struct srv_resp *r);

struct group_job {
	struct group_job *next;
	struct srv_req *q;
	struct srv_resp *r;
	srv_handler fn;
	int done;
	pthread_cond_t cv; /* signalled when done, or to lead the next group */
};

/* Every response of the group becomes the same problem. */
static void group_fail(struct group_job *jobs, int status, const char *code,
                       const char *detail)
{
	for (struct group_job *j = jobs; j; j = j->next) {
		if (j->r->status >= 400 && j->r->status < 500)
			continue; /* refused on its own: it changed nothing */
		srv_resp_free(j->r);
		srv_resp_init(j->r);
		srv_problem(j->r, status, code, "%s", detail);
	}
}

static void group_lead(struct srv *s)
{
	srv_write_lock(s);
	pthread_mutex_lock(&s->gmu);
	struct group_job *jobs = s->gq_head, *last = jobs;
	for (int n = 1; last && last->next && n < GROUP_MAX; n++)
		last = last->next;
	s->gq_head = last ? last->next : NULL;
	if (!s->gq_head)
		s->gq_tail = NULL;
	if (last)
		last->next = NULL;
	pthread_mutex_unlock(&s->gmu);

	struct dti_error err = DTI_ERROR_INIT;
	struct srv_resp scratch;
	srv_resp_init(&scratch);
	if (!s->writer)
		s->writer = open_store(s, &scratch);
	srv_resp_free(&scratch);
	struct dti_store *st = s->writer;
	enum dti_status rc = st ? dti_store_group_begin(st, &err) : DTI_EIO;
	if (!st) {
		group_fail(jobs, 503, "unavailable",
		           "the store cannot be opened: try again");
	} else if (rc != DTI_OK) {
		srv_log_error(s, "cannot begin a group of edits: %s",
		              err.message);
		group_fail(jobs, 503, "unavailable",
		           "the store is busy; nothing was changed: try again");
	} else {
		for (struct group_job *j = jobs; j; j = j->next) {
			struct dti_error e = DTI_ERROR_INIT;
			j->q->store = st;
			j->q->grouped = 1;
			if (dti_store_set_actor(
			        st, j->q->user[0] ? j->q->user : NULL, &e) !=
			    DTI_OK)
				srv_problem(j->r, 401, "unauthenticated",
				            "this account may not act");
			else
				j->fn(j->q, j->r);
			dti_error_release(&e);
			j->q->store = NULL;
			j->q->grouped = 0;
		}
		rc = dti_store_group_commit(st, &err);
		if (rc != DTI_OK) {
			srv_log_error(s,
			              "a group of edits failed to commit: %s",
			              err.message);
			group_fail(jobs, 503, "unavailable",
			           "the change could not be saved; nothing was "
			           "changed: try again");
		}
	}
	dti_error_release(&err);
	srv_write_unlock(s);

	pthread_mutex_lock(&s->gmu);
	for (struct group_job *j = jobs, *next; j; j = next) {
		next = j->next;
		j->done = 1;
		pthread_cond_signal(&j->cv); /* j may go once gmu is free */
	}
	pthread_mutex_unlock(&s->gmu);
}

void srv_group_run(struct srv *s, struct srv_req *q, struct srv_resp *r,
                   srv_handler fn)
{
	struct group_job job = {.q = q, .r = r, .fn = fn};
	struct dti_store *own = q->store;
	pthread_cond_init(&job.cv, NULL);
	pthread_mutex_lock(&s->gmu);
	if (s->gq_tail)
		s->gq_tail->next = &job;
	else
		s->gq_head = &job;
	s->gq_tail = &job;
	while (!job.done) {
		if (!s->gleading) {
			s->gleading = 1;
			pthread_mutex_unlock(&s->gmu);
			group_lead(s);
			pthread_mutex_lock(&s->gmu);
			s->gleading = 0;
			/* the first edit still waiting leads the next group */
			if (s->gq_head)
				pthread_cond_signal(&s->gq_head->cv);
			continue;
		}
		pthread_cond_wait(&job.cv, &s->gmu);
	}
	pthread_mutex_unlock(&s->gmu);
	pthread_cond_destroy(&job.cv);
	q->store = own;
}

/* ---- Stores
 * ------------------------------------------------------------------ */

static _Thread_local struct dti_store *thread_store;

/* A new store handle, closed when the server ends; NULL with a 503. */
static struct dti_store *open_store(struct srv *s, struct srv_resp *r)
{
	struct dti_error err = DTI_ERROR_INIT;
	struct dti_store *st = NULL;
	if (dti_store_open(s->cfg.store, &st, &err) != DTI_OK) {
		srv_log_error(s, "cannot open the store: %s", err.message);
		dti_error_release(&err);
		srv_problem(r, 503, "unavailable",
		            "the store cannot be opened");
		return NULL;
	}
	if (s->cfg.fixed_now &&
	    dti_store_fix_clock(st, s->cfg.fixed_now, &err) != DTI_OK) {
		srv_log_error(s, "DTI_NOW: %s", err.message);
		dti_error_release(&err);
		dti_store_close(st);
		srv_problem(r, 503, "unavailable",
		            "the store refuses the fixed time asked for");
		return NULL;
	}
	dti_error_release(&err);
	pthread_mutex_lock(&s->smu);
	if (s->nstores < STORES_MAX)
		s->stores[s->nstores++] = st;
	pthread_mutex_unlock(&s->smu);
	return st;
}

struct dti_store *srv_thread_store(struct srv *s, struct srv_resp *r)
{
	if (!thread_store)
		thread_store = open_store(s, r);
	return thread_store;
}

/* ---- Cache
 * -------------------------------------------------------------------- */

static int gzip_buf(const char *in, size_t len, char **out, size_t *outlen)
{
	z_stream z;
	memset(&z, 0, sizeof z);
	if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
	    Z_OK)
		return -1;
	uLong cap = deflateBound(&z, (uLong)len);
	char *buf = malloc(cap);
	if (!buf) {
		deflateEnd(&z);
		return -1;
	}
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)len;
	z.next_out = (Bytef *)buf;
	z.avail_out = (uInt)cap;
	int rc = deflate(&z, Z_FINISH);
	size_t n = (size_t)z.total_out;
	deflateEnd(&z);
	if (rc != Z_STREAM_END || n >= len) {
		free(buf);
		return -1;
	}
	*out = buf;
	*outlen = n;
	return 0;
}

const struct srv_cached *srv_cache_get(struct srv *s, const char *key)
{
	const struct srv_cached *c = NULL;
	pthread_mutex_lock(&s->cmu);
	for (size_t i = 0; i < s->ncache; i++)
		if (s->cache[i].gen == s->gen &&
		    strcmp(s->cache[i].key, key) == 0) {
			c = &s->cache[i].c;
			break;
		}
	pthread_mutex_unlock(&s->cmu);
	return c;
}

const struct srv_cached *srv_cache_put(struct srv *s, const char *key,
                                       const char *type, struct dti_buf *body,
                                       long long last_modified)
{
	if (dti_buf_status(body) != DTI_OK)
		return NULL;
	pthread_mutex_lock(&s->cmu);
	const struct srv_cached *found = NULL;
	for (size_t i = 0; i < s->ncache; i++)
		if (s->cache[i].gen == s->gen &&
		    strcmp(s->cache[i].key, key) == 0)
			found = &s->cache[i].c;
	if (found || s->ncache >= CACHE_MAX) {
		pthread_mutex_unlock(&s->cmu);
		return found;
	}
	struct cache_entry *e = &s->cache[s->ncache];
	memset(e, 0, sizeof *e);
	e->key = strdup(key);
	if (!e->key) {
		pthread_mutex_unlock(&s->cmu);
		return NULL;
	}
	e->gen = s->gen;
	e->c.type = type;
	e->c.len = body->len;
	e->c.body = body->data ? body->data : strdup("");
	body->data = NULL;
	body->len = body->cap = 0;
	e->c.last_modified = last_modified;
	char *gz = NULL;
	size_t gzl = 0;
	if (e->c.len >= GZIP_MIN &&
	    gzip_buf(e->c.body, e->c.len, &gz, &gzl) == 0) {
		e->c.gz = gz;
		e->c.gzlen = gzl;
	}
	unsigned char md[32];
	crypto_hash_sha256(md, (const unsigned char *)e->c.body, e->c.len);
	snprintf(e->c.etag, sizeof e->c.etag, "\"");
	for (int i = 0; i < 16; i++)
		snprintf(e->c.etag + 1 + 2 * i, 3, "%02x", md[i]);
	strcat(e->c.etag, "\"");
	s->ncache++;
	pthread_mutex_unlock(&s->cmu);
	return &e->c;
}

void srv_cache_invalidate(struct srv *s)
{
	pthread_mutex_lock(&s->cmu);
	/* entries stay allocated (a response may still send them); a new
	   generation hides them */
	s->gen++;
	pthread_mutex_unlock(&s->cmu);
}

void srv_resp_cached(struct srv_resp *r, const struct srv_cached *c)
{
	r->status = 200;
	r->type = c->type;
	r->shared = c->body;
	r->shared_len = c->len;
	r->shared_gz = c->gz;
	r->shared_gz_len = c->gzlen;
	snprintf(r->etag, sizeof r->etag, "%s", c->etag);
	r->last_modified = c->last_modified;
	r->no_store = 0;
}

/* ---- Logging
 * -------------------------------------------------------------------- */

void srv_log_error(struct srv *s, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	(void)s;
	fprintf(stderr, "dti serve: %s\n", msg);
}

static void access_log(struct srv *s, const struct srv_req *q, int status,
                       size_t bytes, double ms)
{
	if (!s->log)
		return;
	char when[32];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	pthread_mutex_lock(&s->logmu);
	/* the path is the decoded one: escape what could forge a line */
	fprintf(s->log, "%s %s %s \"", when, q->remote,
	        q->user[0] ? q->user : "-");
	for (const unsigned char *p = (const unsigned char *)q->method; *p; p++)
		fputc(*p < 0x21 || *p == '"' || *p == 0x7f ? '?' : *p, s->log);
	fputc(' ', s->log);
	for (const unsigned char *p = (const unsigned char *)q->path; *p; p++)
		if (*p < 0x20 || *p == 0x7f || *p == '"' || *p == '\\')
			fprintf(s->log, "\\x%02x", *p);
		else
			fputc(*p, s->log);
	fprintf(s->log, "\" %d %zu %.1f\n", status, bytes, ms);
	fflush(s->log);
	pthread_mutex_unlock(&s->logmu);
}

/* ---- libmicrohttpd, opened by srv_start
 * ---------------------------------------------------------- */

/*
 * libmicrohttpd and its TLS libraries are opened when a server starts
 * (dlopen), so that the other commands of the dti program do not load
 * them.
 */
#ifndef DTI_LIBMHD_SONAME
#define DTI_LIBMHD_SONAME "libmicrohttpd.so.12"
#endif
#define MHD_FUNCS(X)                                                           \
	X(MHD_add_response_header)                                             \
	X(MHD_create_response_from_buffer)                                     \
	X(MHD_destroy_response)                                                \
	X(MHD_get_connection_info)                                             \
	X(MHD_get_connection_values)                                           \
	X(MHD_get_daemon_info)                                                 \
	X(MHD_lookup_connection_value)                                         \
	X(MHD_queue_response)                                                  \
	X(MHD_quiesce_daemon)                                                  \
	X(MHD_start_daemon)                                                    \
	X(MHD_stop_daemon)

static struct {
#define X(f) __typeof__(f) *f;
	MHD_FUNCS(X)
#undef X
} mhd;
static pthread_once_t mhd_once = PTHREAD_ONCE_INIT;
static char mhd_fault[256]; /* why it could not be opened, else "" */

static void mhd_load(void)
{
	void *h = dlopen(DTI_LIBMHD_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		const char *e = dlerror();
		snprintf(mhd_fault, sizeof mhd_fault, "%s",
		         e ? e : "not found");
		return;
	}
	void *sym;
#define X(f)                                                                   \
	if (!(sym = dlsym(h, #f))) {                                           \
		snprintf(mhd_fault, sizeof mhd_fault, "%s has no %s",          \
		         DTI_LIBMHD_SONAME, #f);                               \
		return;                                                        \
	}                                                                      \
	memcpy(&mhd.f, &sym, sizeof mhd.f);
	MHD_FUNCS(X)
#undef X
}

/* ---- libmicrohttpd glue
 * ---------------------------------------------------------- */

struct conn_ctx {
	struct dti_buf body;
	int too_large;
	size_t limit;
	struct timespec start;
};

struct kv_list {
	size_t n;
	int overflow;
	struct srv_kv kv[MAX_KV];
};

static enum MHD_Result kv_collect(void *cls, enum MHD_ValueKind kind,
                                  const char *key, const char *value)
{
	(void)kind;
	struct kv_list *l = cls;
	if (l->n >= MAX_KV) {
		l->overflow = 1;
		return MHD_NO;
	}
	l->kv[l->n].name = key ? key : "";
	l->kv[l->n].value = value ? value : "";
	l->n++;
	return MHD_YES;
}

/*
 * Percent-decoding of the path and the query (MHD_OPTION_UNESCAPE_CALLBACK):
 * as libmicrohttpd's own, except that "%00" stays as written, so that a
 * NUL cannot cut a path short ("/api/v1/status%00x" is not
 * "/api/v1/status") and no decoded string holds one.
 */
static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static size_t unescape_keep_nul(void *cls, struct MHD_Connection *c, char *s)
{
	(void)cls;
	(void)c;
	char *w = s;
	const char *p = s;
	while (*p) {
		int hi = p[0] == '%' ? hexval(p[1]) : -1;
		int lo = hi >= 0 ? hexval(p[2]) : -1;
		if (lo >= 0 && (hi | lo) != 0) {
			*w++ = (char)(hi * 16 + lo);
			p += 3;
		} else {
			*w++ = *p++;
		}
	}
	*w = '\0';
	return (size_t)(w - s);
}

/* A decoded path or query string: UTF-8, without control characters. */
static int text_ok(const char *t)
{
	for (const unsigned char *u = (const unsigned char *)t; *u; u++)
		if (*u < 0x20 || *u == 0x7f)
			return 0;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_text_check_utf8(t, strlen(t), "url", &err);
	dti_error_release(&err);
	return st == DTI_OK;
}

static void http_date(long long t, char *out, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, n, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
static long long days_from_civil(long long y, int m, int d)
{
	y -= m <= 2;
	long long era = (y >= 0 ? y : y - 399) / 400;
	long long yoe = y - era * 400;
	long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* An IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"); -1 if not one. */
static long long parse_http_date(const char *s)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	char wd[4], mon[4], gmt[4];
	int d, y, hh, mm, ss, n = 0;
	if (sscanf(s, "%3s, %d %3s %d %d:%d:%d %3s%n", wd, &d, mon, &y, &hh,
	           &mm, &ss, gmt, &n) != 8 ||
	    s[n] != '\0' || strcmp(gmt, "GMT") != 0)
		return -1;
	const char *m = strstr(months, mon);
	if (!m || (m - months) % 3 || strlen(mon) != 3 || d < 1 || d > 31 ||
	    hh > 23 || mm > 59 || ss > 60 || hh < 0 || mm < 0 || ss < 0)
		return -1;
	int month = (int)(m - months) / 3 + 1;
	return days_from_civil(y, month, d) * 86400 + hh * 3600 + mm * 60 + ss;
}

static int etag_matches(const char *header, const char *etag)
{
	if (!header || !etag[0])
		return 0;
	if (strcmp(header, "*") == 0)
		return 1;
	/* a list of tags, weak or strong: weak comparison */
	const char *tag = etag;
	size_t tl = strlen(tag);
	const char *p = header;
	while (*p) {
		while (*p == ' ' || *p == ',')
			p++;
		if (strncmp(p, "W/", 2) == 0)
			p += 2;
		if (strncmp(p, tag, tl) == 0 &&
		    (p[tl] == '\0' || p[tl] == ',' || p[tl] == ' '))
			return 1;
		const char *c = strchr(p, ',');
		if (!c)
			break;
		p = c;
	}
	return 0;
}

static int accepts_gzip(const struct srv_req *q)
{
	const char *ae = srv_header(q, "Accept-Encoding");
	if (!ae)
		return 0;
	const char *g = strstr(ae, "gzip");
	if (!g)
		return 0;
	/* "gzip;q=0" refuses it */
	const char *semi = g + 4;
	while (*semi == ' ')
		semi++;
	if (*semi == ';') {
		const char *qv = strstr(semi, "q=");
		if (qv && strtod(qv + 2, NULL) == 0.0)
			return 0;
	}
	return 1;
}

static int is_text(const char *type)
{
	return type && (strncmp(type, "text/", 5) == 0 ||
	                strstr(type, "json") != NULL ||
	                strstr(type, "javascript") != NULL ||
	                strstr(type, "xml") != NULL);
}

static enum MHD_Result send_resp(struct srv *s, struct MHD_Connection *conn,
                                 const struct srv_req *q, struct srv_resp *r,
                                 size_t *sent)
{
	const char *body = r->shared ? r->shared : r->body.data;
	size_t len = r->shared ? r->shared_len : r->body.len;
	if (!body)
		body = "";
	if (dti_buf_status(&r->body) != DTI_OK && !r->shared) {
		srv_problem(r, 500, "internal",
		            "the response could not be "
		            "built");
		body = r->body.data;
		len = r->body.len;
	}
	int status = r->status;
	int not_modified = 0;
	int get =
	    strcmp(q->method, "GET") == 0 || strcmp(q->method, "HEAD") == 0;
	if (get && status == 200) {
		const char *inm = srv_header(q, "If-None-Match");
		if (inm) {
			not_modified = etag_matches(inm, r->etag);
		} else if (r->last_modified) {
			const char *ims = srv_header(q, "If-Modified-Since");
			long long t = ims ? parse_http_date(ims) : -1;
			not_modified = t >= 0 && r->last_modified <= t;
		}
	}
	char *gz = NULL;
	size_t gzlen = 0;
	int gzipped = 0;
	const char *out = body;
	size_t outlen = len;
	enum MHD_ResponseMemoryMode mode = MHD_RESPMEM_PERSISTENT;
	if (not_modified) {
		status = 304;
		out = "";
		outlen = 0;
	} else if (is_text(r->type) && len >= GZIP_MIN && accepts_gzip(q)) {
		if (r->shared && r->shared_gz) {
			out = r->shared_gz;
			outlen = r->shared_gz_len;
			gzipped = 1;
		} else if (gzip_buf(body, len, &gz, &gzlen) == 0) {
			out = gz;
			outlen = gzlen;
			gzipped = 1;
			mode = MHD_RESPMEM_MUST_FREE;
		}
	}
	if (mode == MHD_RESPMEM_PERSISTENT && !r->shared && outlen) {
		/* the body goes with the response: MHD copies it */
		mode = MHD_RESPMEM_MUST_COPY;
	}
	struct MHD_Response *resp = mhd.MHD_create_response_from_buffer(
	    outlen, (void *)(uintptr_t)out, mode);
	if (!resp) {
		free(gz);
		return MHD_NO;
	}
	mhd.MHD_add_response_header(resp, "Content-Type", r->type);
	if (r->etag[0])
		mhd.MHD_add_response_header(resp, "ETag", r->etag);
	if (r->last_modified) {
		char d[64];
		http_date(r->last_modified, d, sizeof d);
		mhd.MHD_add_response_header(resp, "Last-Modified", d);
	}
	if (gzipped)
		mhd.MHD_add_response_header(resp, "Content-Encoding", "gzip");
	if (is_text(r->type))
		mhd.MHD_add_response_header(resp, "Vary", "Accept-Encoding");
	mhd.MHD_add_response_header(resp, "Cache-Control",
	                            r->no_store ? "no-store"
	                                        : "public, no-cache");
	mhd.MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	mhd.MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
	if (r->type && strncmp(r->type, "text/html", 9) == 0 &&
	    !srv_resp_has_header(r, "Content-Security-Policy")) {
		/* pages: no inline script or style, nothing from elsewhere */
		mhd.MHD_add_response_header(resp, "Content-Security-Policy",
		                            SRV_PAGE_CSP);
		mhd.MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	}
	if (s->cfg.demo)
		mhd.MHD_add_response_header(resp, "X-DTI-Data",
		                            "synthetic demo data");
	for (size_t i = 0; i < r->nheaders; i++)
		mhd.MHD_add_response_header(resp, r->headers[i].name,
		                            r->headers[i].value);
	enum MHD_Result ret =
	    mhd.MHD_queue_response(conn, (unsigned)status, resp);
	mhd.MHD_destroy_response(resp);
	*sent = outlen;
	r->status = status;
	return ret;
}

static enum MHD_Result quick_problem(struct srv *s, struct MHD_Connection *c,
                                     const struct srv_req *q, int status,
                                     const char *code, const char *detail)
{
	struct srv_resp r;
	srv_resp_init(&r);
	srv_problem(&r, status, code, "%s", detail);
	size_t sent = 0;
	enum MHD_Result ret = send_resp(s, c, q, &r, &sent);
	access_log(s, q, status, sent, 0);
	srv_resp_free(&r);
	return ret;
}

static double elapsed_ms(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e3 +
	       (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

static size_t body_limit(const struct srv *s, const char *url)
{
	/* evidence uploads may be larger than JSON bodies */
	if (strstr(url, "/evidence"))
		return s->cfg.max_upload + 64 * 1024;
	return s->cfg.max_body;
}

static void deadline_in(struct timespec *t, int seconds)
{
	clock_gettime(CLOCK_MONOTONIC, t);
	t->tv_sec += seconds;
}

static int timeout_of(const struct srv *s)
{
	return s->cfg.timeout > 0 ? s->cfg.timeout : 30;
}

/* The connection's record: inside a request (busy) or waiting for one. */
static void conn_busy(struct srv *s, struct MHD_Connection *conn, int busy)
{
	const union MHD_ConnectionInfo *ci = mhd.MHD_get_connection_info(
	    conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	struct conn_rec *rec = ci ? ci->socket_context : NULL;
	if (!rec)
		return;
	pthread_mutex_lock(&s->connmu);
	rec->busy = busy;
	if (!busy)
		deadline_in(&rec->deadline, timeout_of(s));
	pthread_mutex_unlock(&s->connmu);
}

/*
 * The client's address as the trusted proxy saw it: the last element of
 * X-Forwarded-For (the one the proxy added), when it is an address.
 */
static void forwarded_for(const struct srv_req *q, char *remote, size_t n)
{
	const char *xff = srv_header(q, "X-Forwarded-For");
	if (!xff)
		return;
	const char *last = strrchr(xff, ',');
	last = last ? last + 1 : xff;
	while (*last == ' ' || *last == '\t')
		last++;
	char buf[INET6_ADDRSTRLEN];
	size_t len = strcspn(last, " \t");
	if (len == 0 || len >= sizeof buf)
		return;
	memcpy(buf, last, len);
	buf[len] = '\0';
	unsigned char a[16];
	if (inet_pton(AF_INET, buf, a) == 1 || inet_pton(AF_INET6, buf, a) == 1)
		snprintf(remote, n, "%s", buf);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
                                  const char *url, const char *method,
                                  const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls)
{
	struct srv *s = cls;
	(void)version;
	struct conn_ctx *ctx = *con_cls;
	struct srv_req q;
	memset(&q, 0, sizeof q);
	q.method = method;
	q.path = url;
	char remote[INET6_ADDRSTRLEN] = "-";
	const union MHD_ConnectionInfo *ci = mhd.MHD_get_connection_info(
	    conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci && ci->client_addr) {
		const struct sockaddr *sa = ci->client_addr;
		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET,
			          &((const struct sockaddr_in *)sa)->sin_addr,
			          remote, sizeof remote);
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6,
			          &((const struct sockaddr_in6 *)sa)->sin6_addr,
			          remote, sizeof remote);
	}
	q.remote = remote;

	if (!ctx) {
		conn_busy(s, conn, 1);
		ctx = calloc(1, sizeof *ctx);
		if (!ctx)
			return MHD_NO;
		clock_gettime(CLOCK_MONOTONIC, &ctx->start);
		ctx->limit = body_limit(s, url);
		dti_buf_init(&ctx->body, ctx->limit + 1);
		*con_cls = ctx;
		const char *cl = mhd.MHD_lookup_connection_value(
		    conn, MHD_HEADER_KIND, "Content-Length");
		if (cl) {
			char *end;
			errno = 0;
			unsigned long long n = strtoull(cl, &end, 10);
			if (errno || *end || n > ctx->limit) {
				ctx->too_large = 1;
				return quick_problem(
				    s, conn, &q, 413, "too_large",
				    "the request body is larger than the "
				    "server accepts");
			}
		}
		return MHD_YES;
	}
	if (*upload_size) {
		if (!ctx->too_large) {
			if (ctx->body.len + *upload_size > ctx->limit)
				ctx->too_large = 1;
			else
				dti_buf_add(&ctx->body, upload, *upload_size);
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (ctx->too_large)
		return quick_problem(s, conn, &q, 413, "too_large",
		                     "the request body is larger than the "
		                     "server accepts");
	if (dti_buf_status(&ctx->body) != DTI_OK)
		return quick_problem(s, conn, &q, 503, "out_of_memory",
		                     "the server is out of memory");
	dti_buf_addc(&ctx->body, '\0');
	ctx->body.len--;

	struct kv_list query = {0}, headers = {0};
	mhd.MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, kv_collect,
	                              &query);
	mhd.MHD_get_connection_values(conn, MHD_HEADER_KIND, kv_collect,
	                              &headers);
	if (query.overflow || headers.overflow)
		return quick_problem(s, conn, &q, 400, "too_many_parameters",
		                     "too many query parameters or headers");
	int encoding_ok = text_ok(url);
	for (size_t i = 0; i < query.n && encoding_ok; i++)
		encoding_ok =
		    text_ok(query.kv[i].name) && text_ok(query.kv[i].value);
	if (!encoding_ok)
		return quick_problem(s, conn, &q, 400, "bad_encoding",
		                     "the path and query must be UTF-8 "
		                     "without control characters");
	q.nquery = query.n;
	q.query = query.kv;
	q.nheaders = headers.n;
	q.headers = headers.kv;
	q.body = ctx->body.data ? ctx->body.data : "";
	q.body_len = ctx->body.len;
	const union MHD_ConnectionInfo *tls =
	    mhd.MHD_get_connection_info(conn, MHD_CONNECTION_INFO_PROTOCOL);
	q.tls = tls != NULL;
	if (s->cfg.trust_proxy) {
		const char *proto = srv_header(&q, "X-Forwarded-Proto");
		if (proto && strcasecmp(proto, "https") == 0)
			q.tls = 1;
		forwarded_for(&q, remote, sizeof remote);
	}

	struct srv_resp r;
	srv_resp_init(&r);
	srv_handle(s, &q, &r);
	size_t sent = 0;
	enum MHD_Result ret = send_resp(s, conn, &q, &r, &sent);
	access_log(s, &q, r.status, sent, elapsed_ms(&ctx->start));
	srv_resp_free(&r);
	return ret;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
	(void)toe;
	conn_busy(cls, conn, 0);
	struct conn_ctx *ctx = *con_cls;
	if (!ctx)
		return;
	dti_buf_release(&ctx->body);
	free(ctx);
	*con_cls = NULL;
}

static void on_connection(void *cls, struct MHD_Connection *conn,
                          void **socket_ctx,
                          enum MHD_ConnectionNotificationCode toe)
{
	struct srv *s = cls;
	pthread_mutex_lock(&s->connmu);
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		s->connections++;
		const union MHD_ConnectionInfo *ci =
		    mhd.MHD_get_connection_info(
		        conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		struct conn_rec *rec = ci ? calloc(1, sizeof *rec) : NULL;
		if (rec) {
			rec->fd = ci->connect_fd;
			deadline_in(&rec->deadline, timeout_of(s));
			rec->next = s->conns;
			if (s->conns)
				s->conns->prev = rec;
			s->conns = rec;
		}
		*socket_ctx = rec;
	} else {
		s->connections--;
		struct conn_rec *rec = *socket_ctx;
		if (rec) {
			if (rec->prev)
				rec->prev->next = rec->next;
			else
				s->conns = rec->next;
			if (rec->next)
				rec->next->prev = rec->prev;
			free(rec);
			*socket_ctx = NULL;
		}
	}
	pthread_cond_broadcast(&s->conncv);
	pthread_mutex_unlock(&s->connmu);
}

static int before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec ||
	       (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

/* Shuts down connections past their header deadline (see the top). */
static void *watchdog(void *arg)
{
	struct srv *s = arg;
	pthread_mutex_lock(&s->connmu);
	while (!s->watch_end) {
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		for (struct conn_rec *c = s->conns; c; c = c->next) {
			if (c->busy || c->cut)
				continue;
			if (s->stopping || !before(&now, &c->deadline)) {
				shutdown(c->fd, SHUT_RDWR);
				c->cut = 1;
			}
		}
		/* conncv's clock is CLOCK_MONOTONIC (srv_new) */
		struct timespec wake = now;
		wake.tv_nsec += 200 * 1000 * 1000;
		if (wake.tv_nsec >= 1000000000L) {
			wake.tv_sec++;
			wake.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&s->conncv, &s->connmu, &wake);
	}
	pthread_mutex_unlock(&s->connmu);
	return NULL;
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 0)))
#endif
static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	fputs("dti serve: ", stderr);
	vfprintf(stderr, fmt, ap);
}

/* ---- Health
 * ---------------------------------------------------------------------- */

static void h_healthz(struct srv_req *q, struct srv_resp *r)
{
	(void)q;
	struct dti_json j;
	srv_json_begin(r, &j);
	dti_json_object_begin(&j);
	dti_json_key(&j, "status");
	dti_json_string(&j, "ok");
	dti_json_object_end(&j);
	srv_json_end(r, &j);
}

static void h_readyz(struct srv_req *q, struct srv_resp *r)
{
	struct dti_store_status st;
	struct dti_error err = DTI_ERROR_INIT;
	struct dti_store *store = srv_thread_store(q->srv, r);
	if (!store)
		return;
	if (dti_store_status(store, &st, &err) != DTI_OK ||
	    st.schema_version != st.schema_latest) {
		srv_problem(r, 503, "not_ready",
		            "the store is not ready (not initialised, or it "
		            "needs dti db migrate)");
		dti_error_release(&err);
		return;
	}
	struct dti_json j;
	srv_json_begin(r, &j);
	dti_json_object_begin(&j);
	dti_json_key(&j, "status");
	dti_json_string(&j, "ready");
	dti_json_key(&j, "schema_version");
	dti_json_int(&j, st.schema_version);
	dti_json_object_end(&j);
	srv_json_end(r, &j);
}

const struct srv_route srv_routes_core[] = {
    {"GET", "/healthz", h_healthz, SRV_PUBLIC | SRV_NOSTORE},
    {"GET", "/readyz", h_readyz, SRV_PUBLIC | SRV_NOSTORE},
    {NULL, NULL, NULL, 0},
};

/* ---- Start and stop
 * ------------------------------------------------------------------ */

struct srv *srv_new(const struct srv_config *cfg)
{
	struct srv *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->cfg = *cfg;
	pthread_mutex_init(&s->wmu, NULL);
	pthread_cond_init(&s->wcv, NULL);
	pthread_mutex_init(&s->gmu, NULL);
	pthread_mutex_init(&s->cmu, NULL);
	pthread_mutex_init(&s->smu, NULL);
	pthread_mutex_init(&s->connmu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->conncv, &ca);
	pthread_condattr_destroy(&ca);
	pthread_mutex_init(&s->logmu, NULL);
	s->auth = srv_auth_new(&s->cfg);
	if (!s->auth) {
		free(s);
		return NULL;
	}
	return s;
}

void srv_free(struct srv *s)
{
	if (!s)
		return;
	if (s->watching) {
		pthread_mutex_lock(&s->connmu);
		s->watch_end = 1;
		pthread_cond_broadcast(&s->conncv);
		pthread_mutex_unlock(&s->connmu);
		pthread_join(s->watchdog, NULL);
	}
	for (size_t i = 0; i < s->nstores; i++)
		dti_store_close(s->stores[i]);
	while (s->conns) {
		struct conn_rec *next = s->conns->next;
		free(s->conns);
		s->conns = next;
	}
	srv_auth_free(s->auth);
	for (size_t i = 0; i < s->ncache; i++) {
		free(s->cache[i].key);
		free((void *)s->cache[i].c.body);
		free((void *)s->cache[i].c.gz);
	}
	if (s->log && s->log != stderr && s->log != stdout)
		fclose(s->log);
	free(s);
}

int srv_start(struct srv *s, int *port_out)
{
	pthread_once(&mhd_once, mhd_load);
	if (mhd_fault[0]) {
		srv_log_error(s, "libmicrohttpd cannot be loaded (%s)",
		              mhd_fault);
		return -1;
	}
	if (s->cfg.access_log) {
		if (strcmp(s->cfg.access_log, "-") == 0)
			s->log = stderr;
		else {
			s->log = fopen(s->cfg.access_log, "a");
			if (!s->log) {
				srv_log_error(s,
				              "cannot open the access log "
				              "%s: %s",
				              s->cfg.access_log,
				              strerror(errno));
				return -1;
			}
		}
	}
	struct sockaddr_in sa4;
	struct sockaddr_in6 sa6;
	struct sockaddr *sa;
	/* poll(), not epoll: with a thread pool and epoll, libmicrohttpd
	   0.9.75's MHD_quiesce_daemon() and a worker's event loop can both
	   take the listening socket out of the epoll set, and the loser
	   aborts the process ("Failed to remove listen FD from epoll set").
	   With poll() quiescing only signals the workers. */
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL |
	                 MHD_USE_ITC | MHD_USE_ERROR_LOG;
	memset(&sa4, 0, sizeof sa4);
	memset(&sa6, 0, sizeof sa6);
	if (inet_pton(AF_INET, s->cfg.listen, &sa4.sin_addr) == 1) {
		sa4.sin_family = AF_INET;
		sa4.sin_port = htons((uint16_t)s->cfg.port);
		sa = (struct sockaddr *)&sa4;
	} else if (inet_pton(AF_INET6, s->cfg.listen, &sa6.sin6_addr) == 1) {
		sa6.sin6_family = AF_INET6;
		sa6.sin6_port = htons((uint16_t)s->cfg.port);
		sa = (struct sockaddr *)&sa6;
		flags |= MHD_USE_IPv6;
	} else {
		srv_log_error(s,
		              "listen address '%s' is not an IPv4 or IPv6 "
		              "address",
		              s->cfg.listen);
		return -1;
	}
	s->daemon = mhd.MHD_start_daemon(
	    flags, (uint16_t)s->cfg.port, NULL, NULL, on_request, s,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, s, MHD_OPTION_SOCK_ADDR, sa,
	    MHD_OPTION_THREAD_POOL_SIZE,
	    (unsigned)(s->cfg.threads > 0 ? s->cfg.threads : 8),
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)timeout_of(s),
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)1000,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)0,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HEADER_LIMIT,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
	    MHD_OPTION_NOTIFY_CONNECTION, on_connection, s,
	    MHD_OPTION_UNESCAPE_CALLBACK, unescape_keep_nul, s, MHD_OPTION_END);
	if (!s->daemon) {
		srv_log_error(s, "cannot listen on %s port %d: %s",
		              s->cfg.listen, s->cfg.port, strerror(errno));
		return -1;
	}
	if (pthread_create(&s->watchdog, NULL, watchdog, s) != 0) {
		srv_log_error(s, "cannot start a thread");
		mhd.MHD_stop_daemon(s->daemon);
		s->daemon = NULL;
		return -1;
	}
	s->watching = 1;
	const union MHD_DaemonInfo *di =
	    mhd.MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
	if (port_out)
		*port_out = di ? di->port : s->cfg.port;
	return 0;
}

void srv_stop(struct srv *s, int grace_seconds)
{
	if (!s->daemon)
		return;
	/* stop accepting; cut idle connections; let the requests in
	   flight finish */
	MHD_socket fd = mhd.MHD_quiesce_daemon(s->daemon);
	pthread_mutex_lock(&s->connmu);
	s->stopping = 1;
	pthread_cond_broadcast(&s->conncv);
	pthread_mutex_unlock(&s->connmu);
	for (int i = 0; i < grace_seconds * 20; i++) {
		pthread_mutex_lock(&s->connmu);
		long n = s->connections;
		pthread_mutex_unlock(&s->connmu);
		if (n <= 0)
			break;
		struct timespec ts = {0, 50 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	/* the watchdog ends before libmicrohttpd closes the sockets left */
	if (s->watching) {
		pthread_mutex_lock(&s->connmu);
		s->watch_end = 1;
		pthread_cond_broadcast(&s->conncv);
		pthread_mutex_unlock(&s->connmu);
		pthread_join(s->watchdog, NULL);
		s->watching = 0;
	}
	/* the write lock: no write is left half-done when the daemon goes */
	srv_write_lock(s);
	mhd.MHD_stop_daemon(s->daemon);
	srv_write_unlock(s);
	if (fd != MHD_INVALID_SOCKET)
		close(fd);
	s->daemon = NULL;
}
