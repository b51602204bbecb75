/*
 * src/server/server.h - what the parts of `dti serve` share.
 *
 * The server is a layer over libdti's public API, like the command line:
 *
 *   serve.c    the daemon: configuration (file < DTI_* environment <
 *              flags), libmicrohttpd, one store handle per worker thread,
 *              the fair write lock, the cache of published data, access
 *              log, gzip, conditional requests, graceful stop
 *   router.c   the route table: matches method and path, authenticates
 *              (auth.c), checks CSRF on state changes made with a cookie,
 *              sets the store's actor, takes the write lock for writes,
 *              calls the handler
 *   http.c     requests and responses: query and header access, strict
 *              JSON bodies, problem documents (RFC 9457) with one stable
 *              code per dti_status, If-Match versions
 *   auth.c     sessions (cookie + CSRF token), Bearer tokens, login
 *              throttling, /api/v1/session
 *   api_*.c    the endpoints of /api/v1, each file a route table
 *
 * A handler sees a struct srv_req (everything it may read of the request,
 * decoded) and fills a struct srv_resp; it never touches libmicrohttpd, so
 * handlers are tested by calling srv_handle() directly as well as over
 * HTTP.  A handler runs on a worker thread with that thread's store;
 * handlers flagged SRV_WRITE run under the server's write lock, one at a
 * time, in arrival order.
 */
#ifndef DTI_SERVER_H
#define DTI_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "dti/dti.h"

struct srv; /* the running server (serve.c) */

/* A name and a value (a query argument, a header, a route capture). */
struct srv_kv {
	const char *name;
	const char *value;
};

enum srv_auth_kind {
	SRV_AUTH_NONE = 0,    /* anonymous */
	SRV_AUTH_SESSION = 1, /* the session cookie */
	SRV_AUTH_TOKEN = 2    /* Authorization: Bearer */
};

#define SRV_MAX_PARAMS 6

/* A request as a handler sees it; every string is decoded UTF-8. */
struct srv_req {
	struct srv *srv;
	const char *method; /* "GET", "HEAD", "POST", "PUT", "PATCH", ... */
	const char *path;   /* "/api/v1/cycles/dti-2022", no query */
	size_t nquery;
	const struct srv_kv *query; /* in order; a name may repeat */
	size_t nheaders;
	const struct srv_kv *headers; /* names compared case-insensitively */
	const char *body;             /* NUL-terminated; "" if none */
	size_t body_len;
	const char *remote; /* client address ("127.0.0.1") */
	int tls;            /* came over TLS, or the trusted proxy says so */
	/* captures of the route's {name} segments */
	size_t nparams;
	struct srv_kv params[SRV_MAX_PARAMS];
	/* who asks: filled by srv_handle before the handler */
	enum srv_auth_kind auth;
	char user[DTI_USER_NAME_MAX]; /* "" if anonymous */
	char session[48];             /* session id when auth is SESSION */
	/* this worker thread's store, its actor set to user (or nobody) */
	struct dti_store *store;
	/* the handler runs inside a group of edits (srv_group_run) */
	int grouped;
};

#define SRV_MAX_HEADERS 8

struct srv_header {
	char name[40];
	char value[472];
};

/* A response; srv_resp_init gives 200 with an empty JSON body. */
struct srv_resp {
	int status;
	const char *type; /* Content-Type, a static string */
	struct dti_buf body;
	/*
	 * A body the response does not own (cached published data, kept as
	 * long as the server runs): used instead of body when set.  gz is its
	 * gzip form (may be NULL).
	 */
	const char *shared;
	size_t shared_len;
	const char *shared_gz;
	size_t shared_gz_len;
	char etag[80];           /* with its quotes; "" if none */
	long long last_modified; /* Unix time; 0 if none */
	int no_store; /* Cache-Control: no-store (default for /api) */
	size_t nheaders;
	struct srv_header headers[SRV_MAX_HEADERS];
};

void srv_resp_init(struct srv_resp *r);
void srv_resp_free(struct srv_resp *r);
/* Adds a header (name and value copied; CR and LF refused: returns -1). */
int srv_resp_header(struct srv_resp *r, const char *name, const char *value);
/* 1 if r has that header (name case-insensitive). */
int srv_resp_has_header(const struct srv_resp *r, const char *name);

/* The Content-Security-Policy of every HTML page (serve.c adds it). */
#define SRV_PAGE_CSP                                                           \
	"default-src 'none'; script-src 'self'; style-src 'self'; "            \
	"img-src 'self' data:; connect-src 'self'; form-action 'self'; "       \
	"base-uri 'none'; frame-ancestors 'none'"

/* ---- Requests (http.c) -------------------------------------------------- */

/*
 * The value of field name in an application/x-www-form-urlencoded body
 * (the first, percent-decoded, '+' a space) into out: 0; -1 if the body
 * is not such a form, has no such field, or the value does not fit or is
 * not UTF-8 without control characters (tabs and newlines allowed).
 */
int srv_form_value(const struct srv_req *q, const char *name, char *out,
                   size_t n);
/* 1 if the request's body is an application/x-www-form-urlencoded form. */
int srv_is_form(const struct srv_req *q);

/* The first query argument of that name, NULL if absent. */
const char *srv_query(const struct srv_req *q, const char *name);
/* A header's value (name case-insensitive), NULL if absent. */
const char *srv_header(const struct srv_req *q, const char *name);
/* A route capture ("cycle" of "/cycles/{cycle}"), NULL if none. */
const char *srv_param(const struct srv_req *q, const char *name);
/*
 * The value of a cookie, copied into out (size n); 0 if found, -1 if not
 * (or too long).
 */
int srv_cookie(const struct srv_req *q, const char *name, char *out, size_t n);

/*
 * The expected version of an If-Match header: 1 with *version set when
 * the header is W/"v123" or "v123", 0 when absent; -1 when malformed (the
 * response then holds a 400 problem) or "v0", which no object has
 * (versions start at 1; the response then holds a 412 problem).
 */
int srv_if_match(const struct srv_req *q, struct srv_resp *r, int64_t *version);
/* Sets an ETag of a versioned object: "v123". */
void srv_etag_version(struct srv_resp *r, int64_t version);

/*
 * Checks that the query holds only the names in allowed (NULL-terminated):
 * 0 if so, else -1 with a 400 problem naming the first unknown one.
 */
int srv_query_only(const struct srv_req *q, struct srv_resp *r,
                   const char *const *allowed);

/* ---- JSON bodies (http.c) ------------------------------------------------ */

/*
 * A request body read strictly as one JSON object: Content-Type must be
 * application/json (415 otherwise), the text UTF-8 JSON with no duplicate
 * keys (400 naming line and column), an object, every key among allowed
 * (NULL-terminated; 400 naming the unknown field).  Returns the object (a
 * jansson json_t *, the caller's: json_decref it) or NULL with the problem
 * in r.  Kept as void * so that this header needs no jansson.
 */
void *srv_body_object(const struct srv_req *q, struct srv_resp *r,
                      const char *const *allowed);
/*
 * Typed fields of a body object.  Each returns 1 when present and of the
 * right type, 0 when absent (or null when nullable), -1 with a 400 problem
 * naming the field when of another type (or absent and required).
 */
int srv_field_string(void *obj, const char *name, int required,
                     const char **out, struct srv_resp *r);
int srv_field_number(void *obj, const char *name, int required, double *out,
                     struct srv_resp *r);
int srv_field_int(void *obj, const char *name, int required, int64_t *out,
                  struct srv_resp *r);
int srv_field_bool(void *obj, const char *name, int required, int *out,
                   struct srv_resp *r);

/* ---- Responses (http.c) -------------------------------------------------- */

/*
 * Problem documents (application/problem+json): {"type", "title",
 * "status", "code", "detail"} and, when known, "field" (a body field,
 * query argument or header), "line" and "column".  code is stable and
 * machine-readable ("not_found", "conflict", ...; doc/api.md lists them).
 */
void srv_problem(struct srv_resp *r, int status, const char *code,
                 const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
/* srv_problem with the field (or query argument, header) concerned. */
void srv_problem_field(struct srv_resp *r, int status, const char *code,
                       const char *field, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;
/*
 * The problem of a failed library call: the HTTP status and code of
 * st (srv_status_http, srv_status_code) with err's message, field, line
 * and column.  stale_412 = 1 answers DTI_ECONFLICT with 412 (the request
 * carried If-Match) instead of 409.
 */
void srv_problem_dti(struct srv_resp *r, enum dti_status st,
                     const struct dti_error *err, int stale_412);
int srv_status_http(enum dti_status st);
const char *srv_status_code(enum dti_status st);

/*
 * Starts a JSON body: sets type application/json and initialises j over
 * r->body.  End with srv_json_end, which turns a writer failure into a 500.
 */
void srv_json_begin(struct srv_resp *r, struct dti_json *j);
void srv_json_end(struct srv_resp *r, struct dti_json *j);

/* ---- Published data (published.c) ----------------------------------------
 */

/*
 * The problem of a failed read of a cycle, as the client may see it:
 * anonymous clients learn nothing of a cycle that is not published (a
 * plain 404), but what is missing of a published one is said to everyone.
 */
void srv_read_problem(const struct srv_req *q, struct srv_resp *r,
                      enum dti_status st, const struct dti_error *err,
                      const char *cycle);
/*
 * A cache key: what, the n parts (NULL: "-"), then the cycle, each part
 * prefixed with its length.  0, or -1 with a 500 problem in r.
 */
int srv_pub_key(struct dti_buf *key, struct srv_resp *r, const char *what,
                const char *const *parts, size_t n, const char *cycle);
/* The cache's generation marker: take it before reading the store. */
const struct srv_cached *srv_pub_epoch(struct srv_req *q);
/*
 * Keeps body under key if the generation is still epoch's: the entry, or
 * NULL (nothing kept).
 */
const struct srv_cached *srv_pub_keep(struct srv_req *q,
                                      const struct srv_cached *epoch,
                                      const char *key, const char *type,
                                      struct dti_buf *body, long long t);
/*
 * Serves body (published data read in epoch's generation) through the
 * cache under key, with Last-Modified t and a strong ETag.
 */
void srv_pub_serve(struct srv_req *q, struct srv_resp *r,
                   const struct srv_cached *epoch, const char *key,
                   const char *type, struct dti_buf *body, long long t);
/* "YYYY-MM-DDTHH:MM:SSZ" as Unix time; -1 if malformed. */
long long srv_parse_utc(const char *s);

/* ---- Routes (router.c) ----------------------------------------------------
 */

typedef void (*srv_handler)(struct srv_req *q, struct srv_resp *r);

enum {
	SRV_PUBLIC = 1u << 0, /* anonymous allowed (else 401 without a user) */
	SRV_WRITE = 1u << 1, /* changes state: CSRF with a cookie, write lock */
	SRV_NOSTORE = 1u << 2, /* needs no store handle (health, OpenAPI) */
	/*
	 * With SRV_WRITE: a short edit that makes one library call that
	 * changes the store, run by srv_group_run (group commit).
	 */
	SRV_GROUP = 1u << 3
};

struct srv_route {
	const char *method;  /* "GET" also answers HEAD */
	const char *pattern; /* "/api/v1/cycles/{cycle}/units/{unit}" */
	srv_handler fn;
	unsigned flags;
};

/*
 * The route tables, each ended by a {NULL} entry; router.c tries them in
 * this order.  A file that has no routes yet keeps an empty table.
 */
extern const struct srv_route srv_routes_core[]; /* serve.c: health */
extern const struct srv_route srv_routes_auth[]; /* auth.c: session */
/* api_registry.c: units, frameworks */
extern const struct srv_route srv_routes_registry[];
/* api_cycles.c: cycles and their states, deadlines */
extern const struct srv_route srv_routes_cycles[];
/* api_submissions.c: submissions, figures, evidence, reviews */
extern const struct srv_route srv_routes_submissions[];
/* api_results.c: compute, publish, results, rankings, profiles, explain,
   preview, checkpoints */
extern const struct srv_route srv_routes_results[];
/* api_admin.c: users, roles, tokens, audit log and verify, status */
extern const struct srv_route srv_routes_admin[];
/* api_notices.c: notices */
extern const struct srv_route srv_routes_notices[];
/* api_openapi.c: the contract, doc/openapi.json */
extern const struct srv_route srv_routes_openapi[];
/* pages.c: the public HTML pages and their assets */
extern const struct srv_route srv_routes_pages[];
/* work.c: the signed-in pages (sign in, submissions, review, publish) */
extern const struct srv_route srv_routes_work[];
extern const struct srv_route srv_routes_admin_pages[];
/* The HTML page of a path that leads nowhere (404). */
void srv_page_not_found(struct srv_req *q, struct srv_resp *r);

/*
 * Handles one request whose body has been read whole: matches the route
 * (404, 405 with Allow), authenticates (srv_auth_request), refuses an
 * anonymous request to a non-public route (401), checks CSRF for a
 * SRV_WRITE request made with the session cookie (403), gets the thread's
 * store and sets its actor, runs the handler (under the write lock for
 * SRV_WRITE).  r must have been initialised.
 */
void srv_handle(struct srv *s, struct srv_req *q, struct srv_resp *r);

/* ---- Services the daemon provides (serve.c) --------------------------------
 */

/*
 * This thread's store, opened on first use; NULL with a 503 problem in r
 * when it cannot be opened.
 */
struct dti_store *srv_thread_store(struct srv *s, struct srv_resp *r);
/* The fair write lock: writers go one at a time, in the order they came. */
void srv_write_lock(struct srv *s);
void srv_write_unlock(struct srv *s);
/*
 * Runs fn(q, r) as one of a group of edits committed together (serve.c:
 * group commit), under the write lock, with the actor of q; returns when
 * the group is durable or, if it could not be saved, with a 503 problem in
 * r.  q->store is the calling thread's store, which may run other threads'
 * edits meanwhile.
 */
void srv_group_run(struct srv *s, struct srv_req *q, struct srv_resp *r,
                   srv_handler fn);

/*
 * The cache of published data: immutable entries kept as long as the
 * server runs (or until srv_cache_invalidate), keyed by a string the
 * caller builds ("results/dti-2022/json?group=DBSH").  srv_cache_put takes
 * the body (leaving body empty), computes its gzip form and a strong ETag
 * from its SHA-256, and returns the entry (or NULL when full or out of
 * memory: the caller then answers from its own body).
 */
struct srv_cached {
	const char *type;
	const char *body;
	size_t len;
	const char *gz; /* NULL if not worth compressing */
	size_t gzlen;
	char etag[80];
	long long last_modified;
};
const struct srv_cached *srv_cache_get(struct srv *s, const char *key);
const struct srv_cached *srv_cache_put(struct srv *s, const char *key,
                                       const char *type, struct dti_buf *body,
                                       long long last_modified);
/* Serves a cached entry (shared body, ETag, Last-Modified). */
void srv_resp_cached(struct srv_resp *r, const struct srv_cached *c);
/* Forgets every entry (a cycle was published or the store changed). */
void srv_cache_invalidate(struct srv *s);

/* The configuration a handler may need. */
struct srv_config {
	const char *store;  /* path or postgresql:// URI */
	const char *listen; /* address, "127.0.0.1" */
	int port;           /* 0: any free port (printed) */
	int threads;        /* worker threads */
	size_t max_body;    /* bytes of a JSON body */
	size_t max_upload;  /* bytes of an evidence file */
	int session_ttl;    /* seconds of inactivity before a session ends */
	int timeout;     /* seconds a connection may idle, or take to send its
	                    request headers (slowloris) */
	int trust_proxy; /* honour X-Forwarded-Proto/For from the proxy */
	const char *access_log; /* file, "-" for stderr, NULL for none */
	const char *smtp_url;   /* NULL: no e-mail */
	const char *smtp_from;
	const char *smtp_user;          /* AUTH user, NULL for none */
	const char *smtp_password_file; /* its password, from a file */
	int smtp_starttls;              /* require STARTTLS on smtp:// */
	const char *mail_user;          /* the admin the mailer acts as */
	int mail_interval;              /* seconds between mail runs */
	const char *base_url;  /* links in e-mails, "http://127.0.0.1:8080" */
	int demo;              /* responses say the data are synthetic */
	const char *fixed_now; /* DTI_NOW, for stores that allow it */
};
const struct srv_config *srv_config(const struct srv *s);

/* ---- Authentication (auth.c) ----------------------------------------------
 */

/*
 * Who sends the request: a Bearer token (Authorization header) or the
 * session cookie; fills q->auth, q->user and q->session.  No credentials:
 * 0, anonymous.  Credentials that do not hold (unknown, revoked or expired
 * token or session, disabled user): -1 with a 401 problem in r.
 */
int srv_auth_request(struct srv *s, struct srv_req *q, struct srv_resp *r);
/*
 * The CSRF check of a state change made with the session cookie: the
 * X-CSRF-Token header must equal the session's token, and an Origin
 * header, when sent, must be the server's own.  0 if it holds, else -1
 * with a 403 problem.
 */
int srv_csrf_check(struct srv *s, struct srv_req *q, struct srv_resp *r);
/*
 * Ends every session of user but keep (a session id, or NULL): after a
 * password change, say.
 */
void srv_session_end_user(struct srv *s, const char *user, const char *keep);
/*
 * Signs user in with a password (throttled, same answer for an unknown
 * user and a wrong password): 0 with the session cookie set in r, its
 * CSRF token into csrf_out and its expiry (Unix time); -1 with a problem
 * in r (401, 403 cross-site, 429 with Retry-After, 503).
 */
int srv_sign_in(struct srv_req *q, struct srv_resp *r, const char *user,
                const char *pw, char *csrf_out, size_t csrf_n,
                long long *expires);
/* The CSRF token of the request's session into out: 0, or -1 if none. */
int srv_session_csrf(struct srv *s, const struct srv_req *q, char *out,
                     size_t n);
/* Ends the request's session (if it has one) and clears the cookie. */
void srv_sign_out(struct srv_req *q, struct srv_resp *r);

#endif
