/*
 * src/server/published.c - what every reader of published data shares
 * (the API's results and the pages): the cache of rendered published data
 * (keys, generations, strong ETags), the problem of a failed read that
 * reveals nothing of unpublished cycles to anonymous readers, and times.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "server.h"

/*
 * The problem of a failed read of a cycle, as the client may see it:
 * anonymous clients learn nothing of a cycle that is not published (a
 * plain 404, as for no cycle at all), but what is missing of a published
 * one (a unit, a node, a group) is said to everyone.
 */
void srv_read_problem(const struct srv_req *q, struct srv_resp *r,
                      enum dti_status st, const struct dti_error *err,
                      const char *cycle)
{
	if (q->auth == SRV_AUTH_NONE &&
	    (st == DTI_ESTATE || st == DTI_ENOTFOUND || st == DTI_EPERM)) {
		struct dti_cycle_info ci;
		struct dti_error e2 = DTI_ERROR_INIT;
		int published =
		    st == DTI_ENOTFOUND &&
		    dti_cycle_get(q->store, cycle, &ci, &e2) == DTI_OK &&
		    ci.state == DTI_CYCLE_PUBLISHED;
		dti_error_release(&e2);
		if (!published) {
			srv_problem_field(r, 404, "not_found", "cycle",
			                  "no published cycle '%s'", cycle);
			return;
		}
	}
	srv_problem_dti(r, st, err, 0);
}

/*
 * A cache key: what, the parts given, then the cycle, each part prefixed
 * with its length so that no two lists of free text make the same key
 * ("results|3:csv|2:vi|8:dti-2022"); a part not given is "-".
 */
static void key_part(struct dti_buf *key, const char *part)
{
	if (part)
		dti_buf_addf(key, "|%zu:%s", strlen(part), part);
	else
		dti_buf_adds(key, "|-");
}

int srv_pub_key(struct dti_buf *key, struct srv_resp *r, const char *what,
                const char *const *parts, size_t n, const char *cycle)
{
	dti_buf_adds(key, what);
	for (size_t i = 0; i < n; i++)
		key_part(key, parts[i]);
	key_part(key, cycle);
	if (dti_buf_status(key) != DTI_OK) {
		srv_problem_dti(r, DTI_ENOMEM, NULL, 0);
		return -1;
	}
	return 0;
}

/*
 * The cache's generation, as a marker entry of it: publishing empties the
 * cache (a new generation) while a reader may be rendering what it read
 * before, and an entry put after that would outlive the publication.  A
 * reader takes the marker before reading the store and compares it after
 * putting (srv_pub_keep): another marker means the generation changed
 * meanwhile, and the reader empties the cache again.  NULL when the cache
 * is full (nothing is put then).
 */
const struct srv_cached *srv_pub_epoch(struct srv_req *q)
{
	const struct srv_cached *m = srv_cache_get(q->srv, "generation");
	if (!m) {
		struct dti_buf none = DTI_BUF_INIT;
		m = srv_cache_put(q->srv, "generation", "text/plain", &none, 0);
		dti_buf_release(&none);
	}
	return m;
}

/*
 * Puts body into the cache under key, read in the generation of epoch:
 * the entry, or NULL (body left as it was) when the cache is full or the
 * generation changed.
 */
const struct srv_cached *srv_pub_keep(struct srv_req *q,
                                      const struct srv_cached *epoch,
                                      const char *key, const char *type,
                                      struct dti_buf *body, long long t)
{
	if (!epoch || srv_cache_get(q->srv, "generation") != epoch)
		return NULL;
	const struct srv_cached *c = srv_cache_put(q->srv, key, type, body, t);
	if (c && srv_cache_get(q->srv, "generation") != epoch) {
		/* a publication came between the read and the put */
		srv_cache_invalidate(q->srv);
	}
	return c;
}

/*
 * Serves body (published data of a cycle, rendered by the caller, read in
 * the generation of epoch) through the cache under key, with the
 * publication time t.  When it cannot be kept, the body is served from
 * the response itself, with the same validators.
 */
void srv_pub_serve(struct srv_req *q, struct srv_resp *r,
                   const struct srv_cached *epoch, const char *key,
                   const char *type, struct dti_buf *body, long long t)
{
	const struct srv_cached *c = srv_pub_keep(q, epoch, key, type, body, t);
	if (c) {
		srv_resp_cached(r, c);
		return;
	}
	r->status = 200;
	r->type = type;
	dti_buf_reset(&r->body);
	dti_buf_add(&r->body, body->data ? body->data : "", body->len);
	r->last_modified = t;
	r->no_store = 0;
	/* the cache's strong ETag: the first half of the SHA-256 */
	unsigned char md[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(
	    md, (const unsigned char *)(body->data ? body->data : ""),
	    body->len);
	char *e = r->etag;
	*e++ = '"';
	for (int i = 0; i < 16; i++, e += 2)
		snprintf(e, 3, "%02x", md[i]);
	*e++ = '"';
	*e = '\0';
}

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
static long long days_from_civil(long long y, unsigned m, unsigned d)
{
	y -= m <= 2;
	long long era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

/* "YYYY-MM-DDTHH:MM:SSZ" as Unix time; -1 if malformed. */
long long srv_parse_utc(const char *s)
{
	unsigned y, mo, d, h, mi, se;
	char z;
	if (!s || strlen(s) != 20 ||
	    sscanf(s, "%4u-%2u-%2uT%2u:%2u:%2u%c", &y, &mo, &d, &h, &mi, &se,
	           &z) != 7 ||
	    z != 'Z' || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 ||
	    mi > 59 || se > 60)
		return -1;
	return days_from_civil(y, mo, d) * 86400 + h * 3600LL + mi * 60LL + se;
}
