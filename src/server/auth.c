/*
 * src/server/auth.c - who sends a request: Bearer API tokens, and password
 * sessions with a cookie and a CSRF token; login throttling;
 * /api/v1/session.
 *
 * Sessions live in memory only (a restart signs everyone out): a table of
 * struct session under one mutex, keyed by the SHA-256 of the session id,
 * so that neither a lookup's timing nor a dump of memory gives an id
 * away.  An id is 256 random bits (libsodium), sent as the cookie
 * dti_session (HttpOnly, SameSite=Strict, Secure when the request came
 * over TLS); each session has its own random CSRF token, which a browser
 * script reads from the login answer or GET /api/v1/session and sends as
 * X-CSRF-Token on every state change.  A session ends after
 * cfg.session_ttl idle seconds or SESSION_MAX_AGE in all, on logout, or
 * when its user may no longer act (the router's dti_store_set_actor
 * refuses a disabled or deleted user).
 *
 * An unknown or expired session cookie is not an error: browsers send the
 * cookie by themselves, so the request goes on as anonymous (a public
 * route answers, any other answers 401 unauthenticated) and the answer
 * clears the cookie.  A Bearer token that does not hold is an error
 * everywhere: a script asked for it.
 *
 * Login: the same 401 for an unknown user and a wrong password, in about
 * the same time (the library verifies an Argon2id hash only for users that
 * exist, so a failure that came back faster than a hash takes verifies a
 * dummy one).  Failures are counted per account name and per client
 * address (the proxy's X-Forwarded-For with --trust-proxy) over a window
 * of THROTTLE_WINDOW seconds from the first failure; past
 * THROTTLE_ACCOUNT or THROTTLE_ADDRESS failures a login is refused with
 * 429 and Retry-After before any password is checked.  A success clears
 * its account's count.
 */
#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "multipart.h"
#include "serve.h"
#include "server.h"

#define SESSION_MAX_AGE  (12 * 3600) /* seconds, however active */
#define SESSIONS_MAX     100000
#define BUCKETS          4096
#define THROTTLE_WINDOW  900 /* seconds */
#define THROTTLE_ACCOUNT 5
#define THROTTLE_ADDRESS 20
#define THROTTLE_MAX     10000 /* names and addresses followed */
#define COOKIE           "dti_session"

struct session {
	struct session *next;
	unsigned char key[crypto_hash_sha256_BYTES]; /* SHA-256 of the id */
	char user[DTI_USER_NAME_MAX];
	char csrf[48];
	long long created, seen; /* CLOCK_MONOTONIC seconds */
};

struct throttle {
	char key[DTI_USER_NAME_MAX + 48]; /* "u:name" or "a:address" */
	long long first;                  /* the window's first failure */
	int count;
};

struct srv_auth {
	int ttl;
	pthread_mutex_t mu;
	struct session *buckets[BUCKETS];
	size_t nsessions;
	struct throttle *thr;
	size_t nthr;
};

/* The dummy hash verified when a failed login was too fast. */
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static char dummy_hash[crypto_pwhash_STRBYTES];
static double dummy_ms; /* what hashing took: a verify takes as long */

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static long long now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec;
}

static void make_dummy(void)
{
	unsigned char pw[16];
	randombytes_buf(pw, sizeof pw);
	double t0 = now_ms();
	if (crypto_pwhash_str(dummy_hash, (const char *)pw, sizeof pw,
	                      crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		dummy_hash[0] = '\0';
	dummy_ms = now_ms() - t0;
}

struct srv_auth *srv_auth_new(const struct srv_config *cfg)
{
	if (sodium_init() < 0)
		return NULL;
	struct srv_auth *a = calloc(1, sizeof *a);
	if (!a)
		return NULL;
	a->thr = calloc(THROTTLE_MAX, sizeof *a->thr);
	if (!a->thr) {
		free(a);
		return NULL;
	}
	a->ttl = cfg->session_ttl > 0 ? cfg->session_ttl : 3600;
	pthread_mutex_init(&a->mu, NULL);
	return a;
}

void srv_auth_free(struct srv_auth *a)
{
	if (!a)
		return;
	for (size_t b = 0; b < BUCKETS; b++)
		while (a->buckets[b]) {
			struct session *n = a->buckets[b]->next;
			sodium_memzero(a->buckets[b], sizeof *a->buckets[b]);
			free(a->buckets[b]);
			a->buckets[b] = n;
		}
	pthread_mutex_destroy(&a->mu);
	free(a->thr);
	free(a);
}

/* ---- Sessions ------------------------------------------------------------ */

static void key_of(const char *id, unsigned char key[crypto_hash_sha256_BYTES])
{
	crypto_hash_sha256(key, (const unsigned char *)id, strlen(id));
}

static size_t bucket_of(const unsigned char *key)
{
	return ((size_t)key[0] << 8 | key[1]) % BUCKETS;
}

static int expired(const struct srv_auth *a, const struct session *se,
                   long long now)
{
	return now - se->seen > a->ttl || now - se->created > SESSION_MAX_AGE;
}

/* The session of an id, or NULL; with a->mu held.  Drops it if expired. */
static struct session *find_locked(struct srv_auth *a, const char *id,
                                   int *was_expired)
{
	unsigned char key[crypto_hash_sha256_BYTES];
	key_of(id, key);
	struct session **pp = &a->buckets[bucket_of(key)];
	for (; *pp; pp = &(*pp)->next) {
		struct session *se = *pp;
		if (memcmp(se->key, key, sizeof key) != 0)
			continue;
		if (expired(a, se, now_s())) {
			*pp = se->next;
			sodium_memzero(se, sizeof *se);
			free(se);
			a->nsessions--;
			if (was_expired)
				*was_expired = 1;
			return NULL;
		}
		return se;
	}
	return NULL;
}

/* Ends the session of an id, if any; with a->mu held. */
static void end_locked(struct srv_auth *a, const char *id)
{
	unsigned char key[crypto_hash_sha256_BYTES];
	key_of(id, key);
	for (struct session **pp = &a->buckets[bucket_of(key)]; *pp;
	     pp = &(*pp)->next)
		if (memcmp((*pp)->key, key, sizeof key) == 0) {
			struct session *se = *pp;
			*pp = se->next;
			sodium_memzero(se, sizeof *se);
			free(se);
			a->nsessions--;
			return;
		}
}

static void sweep_locked(struct srv_auth *a)
{
	long long now = now_s();
	for (size_t b = 0; b < BUCKETS; b++) {
		struct session **pp = &a->buckets[b];
		while (*pp) {
			struct session *se = *pp;
			if (expired(a, se, now)) {
				*pp = se->next;
				sodium_memzero(se, sizeof *se);
				free(se);
				a->nsessions--;
			} else {
				pp = &se->next;
			}
		}
	}
}

static void random_text(char *out, size_t n)
{
	unsigned char raw[32];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(out, n, raw, sizeof raw,
	                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof raw);
}

/* When a session ends if left alone, as Unix time. */
static long long expires_at(const struct srv_auth *a, const struct session *se)
{
	long long end = se->seen + a->ttl;
	if (se->created + SESSION_MAX_AGE < end)
		end = se->created + SESSION_MAX_AGE;
	return (long long)time(NULL) + (end - now_s());
}

static void json_time(struct dti_json *j, long long t)
{
	char buf[32];
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
	dti_json_string(j, buf);
}

/* Drops every Set-Cookie header a response holds so far. */
static void drop_set_cookie(struct srv_resp *r)
{
	size_t k = 0;
	for (size_t i = 0; i < r->nheaders; i++)
		if (strcasecmp(r->headers[i].name, "Set-Cookie") != 0)
			r->headers[k++] = r->headers[i];
	r->nheaders = k;
}

static void clear_cookie(const struct srv_req *q, struct srv_resp *r)
{
	drop_set_cookie(r);
	srv_resp_header(r, "Set-Cookie",
	                q->tls ? COOKIE "=; Path=/; Max-Age=0; HttpOnly; "
	                                "SameSite=Strict; Secure"
	                       : COOKIE "=; Path=/; Max-Age=0; HttpOnly; "
	                                "SameSite=Strict");
}

void srv_session_end_user(struct srv *s, const char *user, const char *keep)
{
	struct srv_auth *a = srv_auth_of(s);
	unsigned char kkey[crypto_hash_sha256_BYTES] = {0};
	int keeping = keep && *keep;
	if (keeping)
		key_of(keep, kkey);
	pthread_mutex_lock(&a->mu);
	for (size_t b = 0; b < BUCKETS; b++) {
		struct session **pp = &a->buckets[b];
		while (*pp) {
			struct session *se = *pp;
			if (strcmp(se->user, user) == 0 &&
			    !(keeping &&
			      memcmp(se->key, kkey, sizeof kkey) == 0)) {
				*pp = se->next;
				sodium_memzero(se, sizeof *se);
				free(se);
				a->nsessions--;
			} else {
				pp = &se->next;
			}
		}
	}
	pthread_mutex_unlock(&a->mu);
}

/* ---- Who asks --------------------------------------------------------------
 */

int srv_auth_request(struct srv *s, struct srv_req *q, struct srv_resp *r)
{
	const char *h = srv_header(q, "Authorization");
	if (h) {
		if (strncasecmp(h, "Bearer ", 7) != 0) {
			srv_problem_field(r, 401, "unauthenticated",
			                  "Authorization",
			                  "only Bearer tokens are accepted");
			return -1;
		}
		struct dti_store *st = srv_thread_store(s, r);
		if (!st)
			return -1;
		struct dti_error err = DTI_ERROR_INIT;
		char user[DTI_USER_NAME_MAX];
		enum dti_status rc = dti_user_from_token(st, h + 7, user, &err);
		dti_error_release(&err);
		if (rc != DTI_OK) {
			srv_problem(r, 401, "unauthenticated",
			            "the token is not valid (unknown, revoked, "
			            "or its user may not act)");
			return -1;
		}
		q->auth = SRV_AUTH_TOKEN;
		snprintf(q->user, sizeof q->user, "%s", user);
		return 0;
	}
	char id[sizeof q->session];
	if (srv_cookie(q, COOKIE, id, sizeof id) != 0)
		return 0; /* none (or not one of ours: too long) */
	if (!id[0]) {
		return 0;
	}
	struct srv_auth *a = srv_auth_of(s);
	pthread_mutex_lock(&a->mu);
	struct session *se = find_locked(a, id, NULL);
	if (se) {
		se->seen = now_s();
		q->auth = SRV_AUTH_SESSION;
		snprintf(q->user, sizeof q->user, "%s", se->user);
		snprintf(q->session, sizeof q->session, "%s", id);
	}
	pthread_mutex_unlock(&a->mu);
	if (!se)
		clear_cookie(q, r); /* unknown or expired: anonymous */
	return 0;
}

/* The origin ("https://host:port") of a URL, into out; -1 if none. */
static int origin_of(const char *url, char *out, size_t n)
{
	const char *p = strstr(url, "://");
	if (!p)
		return -1;
	p += 3;
	size_t len = (size_t)(p - url) + strcspn(p, "/?#");
	if (len + 1 > n)
		return -1;
	memcpy(out, url, len);
	out[len] = '\0';
	return 0;
}

/* An Origin header, when sent, must be this server's own. */
static int origin_ok(struct srv *s, const struct srv_req *q)
{
	const char *origin = srv_header(q, "Origin");
	if (!origin)
		return 1;
	const char *host = srv_header(q, "Host");
	char mine[600];
	if (host && *host) {
		snprintf(mine, sizeof mine, "%s://%s",
		         q->tls ? "https" : "http", host);
		if (strcasecmp(origin, mine) == 0)
			return 1;
	}
	const char *base = srv_config(s)->base_url;
	if (base && origin_of(base, mine, sizeof mine) == 0 &&
	    strcasecmp(origin, mine) == 0)
		return 1;
	return 0;
}

int srv_csrf_check(struct srv *s, struct srv_req *q, struct srv_resp *r)
{
	if (!origin_ok(s, q)) {
		srv_problem_field(r, 403, "csrf", "Origin",
		                  "the request comes from another site (its "
		                  "Origin is not this server's)");
		return -1;
	}
	const char *tok = srv_header(q, "X-CSRF-Token");
	char field[64] = "";
	if (!tok && srv_form_value(q, "csrf", field, sizeof field) == 0)
		tok = field; /* an HTML form of the pages */
	if (!tok) {
		/* an upload form of the pages: the token is one of its parts */
		struct mp_form f;
		mp_form_init(&f);
		char why[128], fname[MP_MAX_NAME + 1];
		if (mp_parse(srv_header(q, "Content-Type"), q->body,
		             q->body_len, &f, why, sizeof why, fname,
		             sizeof fname) == 0) {
			const struct mp_part *pt = mp_get(&f, "csrf");
			if (pt && !pt->is_file && pt->len < sizeof field) {
				memcpy(field, pt->data, pt->len);
				field[pt->len] = '\0';
				tok = field;
			}
		}
		mp_form_release(&f);
	}
	int ok = 0;
	struct srv_auth *a = srv_auth_of(s);
	pthread_mutex_lock(&a->mu);
	struct session *se =
	    q->session[0] ? find_locked(a, q->session, NULL) : NULL;
	if (se && tok && strlen(tok) == strlen(se->csrf))
		ok = sodium_memcmp(tok, se->csrf, strlen(tok)) == 0;
	pthread_mutex_unlock(&a->mu);
	if (!ok) {
		srv_problem_field(r, 403, "csrf", "X-CSRF-Token",
		                  "%s X-CSRF-Token: send the csrf_token of "
		                  "the session (POST or GET /api/v1/session) "
		                  "with every change made with the cookie",
		                  tok ? "a wrong" : "no");
		return -1;
	}
	return 0;
}

/* ---- Login throttling ------------------------------------------------------
 */

static struct throttle *thr_find_locked(struct srv_auth *a, const char *key,
                                        long long now, int create)
{
	struct throttle *free_slot = NULL, *oldest = NULL;
	for (size_t i = 0; i < a->nthr; i++) {
		struct throttle *t = &a->thr[i];
		if (t->count && now - t->first >= THROTTLE_WINDOW)
			t->count = 0; /* the window is over */
		if (!t->count) {
			if (!free_slot)
				free_slot = t;
			continue;
		}
		if (strcmp(t->key, key) == 0)
			return t;
		if (!oldest || t->first < oldest->first)
			oldest = t;
	}
	if (!create)
		return NULL;
	struct throttle *t = free_slot;
	if (!t && a->nthr < THROTTLE_MAX)
		t = &a->thr[a->nthr++];
	if (!t)
		t = oldest; /* full: forget the oldest window */
	snprintf(t->key, sizeof t->key, "%s", key);
	t->first = now;
	t->count = 0;
	return t;
}

/* Seconds until a login may be tried again, 0 if now. */
static long long throttled(struct srv_auth *a, const char *ukey,
                           const char *akey)
{
	long long now = now_s(), wait = 0;
	pthread_mutex_lock(&a->mu);
	struct throttle *u = thr_find_locked(a, ukey, now, 0);
	struct throttle *ad = thr_find_locked(a, akey, now, 0);
	if (u && u->count >= THROTTLE_ACCOUNT)
		wait = u->first + THROTTLE_WINDOW - now;
	if (ad && ad->count >= THROTTLE_ADDRESS &&
	    ad->first + THROTTLE_WINDOW - now > wait)
		wait = ad->first + THROTTLE_WINDOW - now;
	pthread_mutex_unlock(&a->mu);
	return wait > 0 ? wait : 0;
}

static void login_failed(struct srv_auth *a, const char *ukey, const char *akey)
{
	long long now = now_s();
	pthread_mutex_lock(&a->mu);
	struct throttle *t = thr_find_locked(a, ukey, now, 1);
	t->count++;
	t = thr_find_locked(a, akey, now, 1);
	t->count++;
	pthread_mutex_unlock(&a->mu);
}

static void login_succeeded(struct srv_auth *a, const char *ukey)
{
	pthread_mutex_lock(&a->mu);
	struct throttle *t = thr_find_locked(a, ukey, now_s(), 0);
	if (t)
		t->count = 0;
	pthread_mutex_unlock(&a->mu);
}

/* ---- /api/v1/session ---------------------------------------------------- */

static void session_json(struct srv_resp *r, const char *user,
                         const char *display, const struct dti_user_entry *e,
                         enum srv_auth_kind kind, const char *csrf,
                         long long expires)
{
	struct dti_json j;
	srv_json_begin(r, &j);
	dti_json_object_begin(&j);
	dti_json_key(&j, "user");
	dti_json_string(&j, user);
	if (e) {
		dti_json_key(&j, "display_name");
		if (display && *display)
			dti_json_string(&j, display);
		else
			dti_json_null(&j);
		dti_json_key(&j, "roles");
		dti_json_array_begin(&j);
		for (size_t i = 0; i < e->nroles; i++) {
			dti_json_object_begin(&j);
			dti_json_key(&j, "role");
			dti_json_string(&j, dti_role_name(e->roles[i].role));
			dti_json_key(&j, "unit");
			if (e->roles[i].unit && *e->roles[i].unit)
				dti_json_string(&j, e->roles[i].unit);
			else
				dti_json_null(&j);
			dti_json_object_end(&j);
		}
		dti_json_array_end(&j);
		dti_json_key(&j, "auth");
		dti_json_string(&j,
		                kind == SRV_AUTH_SESSION ? "session" : "token");
	}
	dti_json_key(&j, "csrf_token");
	if (csrf)
		dti_json_string(&j, csrf);
	else
		dti_json_null(&j);
	dti_json_key(&j, "expires_at");
	if (expires)
		json_time(&j, expires);
	else
		dti_json_null(&j);
	dti_json_object_end(&j);
	srv_json_end(r, &j);
}

int srv_sign_in(struct srv_req *q, struct srv_resp *r, const char *user,
                const char *pw, char *csrf_out, size_t csrf_n,
                long long *expires)
{
	struct srv_auth *a = srv_auth_of(q->srv);
	if (!origin_ok(q->srv, q)) {
		/* a cross-site form must not sign a browser in */
		srv_problem_field(r, 403, "csrf", "Origin",
		                  "the request comes from another site (its "
		                  "Origin is not this server's)");
		return -1;
	}
	char ukey[sizeof a->thr[0].key], akey[sizeof a->thr[0].key];
	snprintf(ukey, sizeof ukey, "u:%.*s", DTI_USER_NAME_MAX, user);
	snprintf(akey, sizeof akey, "a:%s", q->remote ? q->remote : "-");
	long long wait = throttled(a, ukey, akey);
	if (wait > 0) {
		char v[32];
		snprintf(v, sizeof v, "%lld", wait);
		srv_problem(r, 429, "too_many_attempts",
		            "too many failed logins: try again in %lld "
		            "seconds",
		            wait);
		srv_resp_header(r, "Retry-After", v);
		return -1;
	}
	struct dti_error err = DTI_ERROR_INIT;
	double t0 = now_ms();
	enum dti_status st = DTI_EPERM;
	if (strlen(user) < DTI_USER_NAME_MAX)
		st = dti_user_login(q->store, user, pw, &err);
	if (st == DTI_EPERM) {
		pthread_once(&dummy_once, make_dummy);
		if (now_ms() - t0 < dummy_ms / 2 && dummy_hash[0]) {
			/* fails, as it must: only its time matters */
			int same = crypto_pwhash_str_verify(dummy_hash, pw,
			                                    strlen(pw)) == 0;
			(void)same;
		}
		login_failed(a, ukey, akey);
		srv_problem(r, 401, "unauthenticated",
		            "wrong user name or password");
		dti_error_release(&err);
		return -1;
	}
	if (st != DTI_OK) {
		srv_problem_dti(r, st, &err, 0);
		dti_error_release(&err);
		return -1;
	}
	dti_error_release(&err);
	login_succeeded(a, ukey);

	struct session *se = calloc(1, sizeof *se);
	if (!se) {
		srv_problem(r, 503, "out_of_memory",
		            "the server is out of memory");
		return -1;
	}
	char id[48];
	random_text(id, sizeof id);
	random_text(se->csrf, sizeof se->csrf);
	key_of(id, se->key);
	snprintf(se->user, sizeof se->user, "%s", user);
	se->created = se->seen = now_s();
	snprintf(csrf_out, csrf_n, "%s", se->csrf);
	*expires = expires_at(a, se);
	pthread_mutex_lock(&a->mu);
	/* a new id each time (no fixation); the session the browser had
	   ends */
	if (q->auth == SRV_AUTH_SESSION && q->session[0])
		end_locked(a, q->session);
	if (a->nsessions >= SESSIONS_MAX)
		sweep_locked(a);
	int full = a->nsessions >= SESSIONS_MAX;
	if (!full) {
		size_t b = bucket_of(se->key);
		se->next = a->buckets[b];
		a->buckets[b] = se;
		a->nsessions++;
	}
	pthread_mutex_unlock(&a->mu);
	if (full) {
		free(se);
		srv_problem(r, 503, "unavailable",
		            "too many sessions: try again later");
		return -1;
	}
	char cookie[160];
	snprintf(cookie, sizeof cookie,
	         COOKIE "=%s; Path=/; HttpOnly; SameSite=Strict%s", id,
	         q->tls ? "; Secure" : "");
	drop_set_cookie(r);
	srv_resp_header(r, "Set-Cookie", cookie);
	sodium_memzero(id, sizeof id);
	return 0;
}

/* POST /api/v1/session {user, password} */
static void h_login(struct srv_req *q, struct srv_resp *r)
{
	static const char *const fields[] = {"user", "password", NULL};
	if (!origin_ok(q->srv, q)) {
		/* a cross-site form must not sign a browser in */
		srv_problem_field(r, 403, "csrf", "Origin",
		                  "the request comes from another site (its "
		                  "Origin is not this server's)");
		return;
	}
	json_t *body = srv_body_object(q, r, fields);
	if (!body)
		return;
	const char *user = NULL, *pw = NULL;
	if (srv_field_string(body, "user", 1, &user, r) < 0 ||
	    srv_field_string(body, "password", 1, &pw, r) < 0) {
		json_decref(body);
		return;
	}
	char csrf[48];
	long long expires = 0;
	char name[DTI_USER_NAME_MAX];
	snprintf(name, sizeof name, "%s", user);
	if (srv_sign_in(q, r, user, pw, csrf, sizeof csrf, &expires) == 0)
		session_json(r, name, NULL, NULL, SRV_AUTH_SESSION, csrf,
		             expires);
	sodium_memzero(csrf, sizeof csrf);
	json_decref(body);
}

int srv_session_csrf(struct srv *s, const struct srv_req *q, char *out,
                     size_t n)
{
	out[0] = '\0';
	if (q->auth != SRV_AUTH_SESSION || !q->session[0])
		return -1;
	struct srv_auth *a = srv_auth_of(s);
	pthread_mutex_lock(&a->mu);
	struct session *se = find_locked(a, q->session, NULL);
	if (se)
		snprintf(out, n, "%s", se->csrf);
	pthread_mutex_unlock(&a->mu);
	return out[0] ? 0 : -1;
}

void srv_sign_out(struct srv_req *q, struct srv_resp *r)
{
	if (q->auth != SRV_AUTH_SESSION)
		return;
	struct srv_auth *a = srv_auth_of(q->srv);
	pthread_mutex_lock(&a->mu);
	end_locked(a, q->session);
	pthread_mutex_unlock(&a->mu);
	clear_cookie(q, r);
}

/* GET /api/v1/session */
static void h_whoami(struct srv_req *q, struct srv_resp *r)
{
	static const char *const none[] = {NULL};
	if (srv_query_only(q, r, none))
		return;
	struct dti_user_list *l = NULL;
	struct dti_error err = DTI_ERROR_INIT;
	enum dti_status st = dti_user_list(q->store, &l, &err);
	if (st != DTI_OK) {
		srv_problem_dti(r, st, &err, 0);
		dti_error_release(&err);
		return;
	}
	const struct dti_user_entry *e = NULL;
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->users[i].name, q->user) == 0)
			e = &l->users[i];
	char csrf[48] = "";
	long long expires = 0;
	if (q->auth == SRV_AUTH_SESSION) {
		struct srv_auth *a = srv_auth_of(q->srv);
		pthread_mutex_lock(&a->mu);
		struct session *se = find_locked(a, q->session, NULL);
		if (se) {
			snprintf(csrf, sizeof csrf, "%s", se->csrf);
			expires = expires_at(a, se);
		}
		pthread_mutex_unlock(&a->mu);
	}
	if (!e) {
		/* the actor was set, so the user exists: gone since */
		srv_problem(r, 401, "unauthenticated",
		            "this account may not act");
	} else {
		session_json(r, q->user, e->display_name, e, q->auth,
		             csrf[0] ? csrf : NULL, expires);
	}
	sodium_memzero(csrf, sizeof csrf);
	dti_error_release(&err);
	dti_user_list_free(l);
}

/* DELETE /api/v1/session */
static void h_logout(struct srv_req *q, struct srv_resp *r)
{
	if (q->auth != SRV_AUTH_SESSION) {
		srv_problem(r, 400, "bad_argument",
		            "this request was made with a token, not a "
		            "session: there is nothing to log out (revoke the "
		            "token instead)");
		return;
	}
	struct srv_auth *a = srv_auth_of(q->srv);
	pthread_mutex_lock(&a->mu);
	end_locked(a, q->session);
	pthread_mutex_unlock(&a->mu);
	clear_cookie(q, r);
	r->status = 204;
	dti_buf_reset(&r->body);
}

const struct srv_route srv_routes_auth[] = {
    {"POST", "/api/v1/session", h_login, SRV_PUBLIC},
    {"GET", "/api/v1/session", h_whoami, 0},
    {"DELETE", "/api/v1/session", h_logout, SRV_WRITE | SRV_NOSTORE},
    {NULL, NULL, NULL, 0},
};
