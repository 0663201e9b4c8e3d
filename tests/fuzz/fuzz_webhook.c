/* libFuzzer target: the gateway webhook's Stripe-Signature check, the
 * first thing the listener does with a request (issue 11: "fuzz targets
 * ... for the webhook request handling"; the carrier's X-Hmac-Signature
 * check is fuzz_tracker's). Byte 0 picks the mode:
 *   'S'  the rest is a body; the target signs it itself, as the gateway
 *        does, and checks the verdict: OK with t first or last, with
 *        spaces, among junk and v0 items, with the secret first or
 *        second of two; STALE one second past the tolerance; MISMATCH
 *        for another secret or one byte more of body.
 *   else the rest, up to its first newline, is the header and after it
 *        the body: the verdict is one of the five, and never OK (no
 *        input can carry the HMAC of a secret it never saw).
 *   make fuzz && ./fuzz_webhook tests/fuzz/corpus/webhook */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/hmac.h"
#include "http/payment.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NOW 1700000000LL
#define TOL 300

static const char *const secrets[] = { "whsec_old_2f4e", "whsec_new_9a1c" };

static void
sign(const char *secret, long long t, const uint8_t *body, size_t len, char hex[65])
{
	unsigned char d[32];
	char prefix[32];
	int pl = snprintf(prefix, sizeof prefix, "%lld.", t);

	hmac_sha256(secret, strlen(secret), prefix, (size_t)pl, body, len, d);
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

static enum payment_sig
verify(const char *hdr, const uint8_t *body, size_t len, int first, int n)
{
	return payment_webhook_verify(hdr, (const char *)body, len, secrets + first, n, NOW, TOL);
}

static void
signed_cases(const uint8_t *body, size_t len)
{
	char good[65], other[65], hdr[512];

	sign(secrets[1], NOW - 10, body, len, good);
	sign("whsec_someone_else", NOW - 10, body, len, other);
	snprintf(hdr, sizeof hdr, "t=%lld,v1=%s", NOW - 10, good);
	if (verify(hdr, body, len, 0, 2) != PAYMENT_SIG_OK || verify(hdr, body, len, 1, 1) != PAYMENT_SIG_OK)
		abort();
	if (verify(hdr, body, len, 0, 1) != PAYMENT_SIG_MISMATCH)
		abort();
	if (len > 0 && verify(hdr, body, len - 1, 0, 2) != PAYMENT_SIG_MISMATCH)
		abort();
	/* the order of the items does not matter, nor spaces, nor others */
	snprintf(hdr, sizeof hdr, "v1=%s, v0=%s,t=%lld", good, other, NOW - 10);
	if (verify(hdr, body, len, 0, 2) != PAYMENT_SIG_OK)
		abort();
	snprintf(hdr, sizeof hdr, "v1=%s,x=y,v1=%s,t=%lld", other, good, NOW - 10);
	if (verify(hdr, body, len, 0, 2) != PAYMENT_SIG_OK)
		abort();
	snprintf(hdr, sizeof hdr, "t=%lld,v1=%s", NOW - 10, other);
	if (verify(hdr, body, len, 0, 2) != PAYMENT_SIG_MISMATCH)
		abort();
	sign(secrets[0], NOW - TOL - 1, body, len, good);
	snprintf(hdr, sizeof hdr, "t=%lld,v1=%s", NOW - TOL - 1, good);
	if (verify(hdr, body, len, 0, 2) != PAYMENT_SIG_STALE)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl;
	char *hdr;
	enum payment_sig s;

	if (size < 1)
		return 0;
	if (data[0] == 'S') {
		signed_cases(data + 1, size - 1);
		return 0;
	}
	nl = memchr(data + 1, '\n', size - 1);
	if (!nl)
		nl = data + size;
	if (!(hdr = malloc((size_t)(nl - data))))
		return 0;
	memcpy(hdr, data + 1, (size_t)(nl - data - 1));
	hdr[nl - data - 1] = '\0';
	s = verify(hdr, nl < data + size ? nl + 1 : nl, nl < data + size ? (size_t)(data + size - nl - 1) : 0, 0, 2);
	if (s != PAYMENT_SIG_MISSING && s != PAYMENT_SIG_MALFORMED && s != PAYMENT_SIG_MISMATCH &&
	    s != PAYMENT_SIG_STALE)
		abort();
	free(hdr);
	return 0;
}
