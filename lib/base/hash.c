/*
 * lib/base/hash.c - SHA-256 as lowercase hex, by libsodium.
 *
 * Every digest dti records (data hashes, framework and evidence addresses,
 * token hashes, the audit chain) goes through these three calls, so the
 * implementation is chosen in one place.
 */
#include <pthread.h>

#include "base/base.h"

static pthread_once_t sodium_once = PTHREAD_ONCE_INIT;

static void sodium_start(void)
{
	/* Only picks implementations; SHA-256 itself cannot fail. */
	if (sodium_init() < 0)
		return;
}

void dti_sha256_init(struct dti_sha256 *s)
{
	pthread_once(&sodium_once, sodium_start);
	crypto_hash_sha256_init(&s->st);
}

void dti_sha256_update(struct dti_sha256 *s, const void *p, size_t n)
{
	crypto_hash_sha256_update(&s->st, p, n);
}

void dti_sha256_final(struct dti_sha256 *s, char hex[65])
{
	unsigned char d[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_final(&s->st, d);
	static const char hx[] = "0123456789abcdef";
	for (size_t i = 0; i < sizeof d; i++) {
		hex[2 * i] = hx[d[i] >> 4];
		hex[2 * i + 1] = hx[d[i] & 15];
	}
	hex[64] = '\0';
}
