/* SHA-256 and HMAC-SHA256 for webhook signatures (hmac.c). */
#ifndef OMS_HTTP_HMAC_H
#define OMS_HTTP_HMAC_H

#include <stdbool.h>
#include <stddef.h>

/* SHA-256 of msg (FIPS 180-4). */
void sha256_digest(const void *msg, size_t len, unsigned char out[32]);
/* HMAC-SHA256 (RFC 2104) of msg1 followed by msg2 (NULL: none); the key's
 * copies on the stack are cleared. */
void hmac_sha256(const void *key, size_t keylen, const void *msg1, size_t len1, const void *msg2,
		 size_t len2, unsigned char out[32]);
/* a == b over n bytes, in a time that does not depend on where they differ. */
bool digest_equal(const unsigned char *a, const unsigned char *b, size_t n);

#endif
