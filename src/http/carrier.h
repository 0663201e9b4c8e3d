/* The carrier aggregator client (issue 11): one contract, shaped like
 * EasyPost's v2 API, reaches every carrier (oms-schema(7) CARRIERS).
 *
 *   POST /v2/trackers   tracker[tracking_code], tracker[carrier]
 *   GET  /v2/trackers/ID
 *
 * Requests go through the worker's HTTP engine (http.h); answers are
 * parsed here. A Tracker's JSON is handed to the database whole
 * (oms_api.tracker_update), which applies its scans; the parse here
 * checks it is one (object "Tracker", an id, a known status) and reads
 * what the worker logs and routes on. Nothing here logs customer data: a
 * tracking code is not personal data, an address would be. */
#ifndef OMS_HTTP_CARRIER_H
#define OMS_HTTP_CARRIER_H

#include <stdbool.h>
#include <stddef.h>

#include "http/http.h"
#include "status.h"

/* What a Tracker answer says (the rest stays in its JSON). */
struct carrier_tracker {
	char id[72];              /* "trk_..." */
	char tracking_code[48];
	char status[24];          /* one of the ten aggregator statuses */
	int scans;                /* tracking_details[] entries */
};

/* Is s one of the aggregator's tracker statuses (pre_transit ... unknown)? */
bool carrier_status_known(const char *s);
/* A tracker id or tracking code fit for a URL path or a form: 1..64 of
 * [A-Za-z0-9_-]. */
bool carrier_id_ok(const char *s);

/* Parses a Tracker (the body of a 200/201 answer, or an Event's
 * "result"). OMS_OK and *t filled, or OMS_INVALID with err saying what is
 * wrong (never echoing the body). */
enum oms_status carrier_tracker_parse(const char *body, size_t len, struct carrier_tracker *t,
				      struct oms_error *err);

/* The form of POST /v2/trackers (malloc'd; NULL when out of memory or an
 * argument is not carrier_id_ok). */
char *carrier_tracker_form(const char *tracking_code, const char *carrier);

/* Starts POST /v2/trackers (idempotent per tracking code) and
 * GET /v2/trackers/ID. */
enum oms_status carrier_tracker_create(struct http_engine *e, const struct http_endpoint *ep,
				       const char *tracking_code, const char *carrier,
				       http_done_fn fn, void *arg, struct oms_error *err);
enum oms_status carrier_tracker_get(struct http_engine *e, const struct http_endpoint *ep,
				    const char *id, http_done_fn fn, void *arg,
				    struct oms_error *err);

/* Did the answer say the aggregator is unwell (transport error, timeout,
 * 5xx, 429, a 2xx that is not a Tracker)? Those count against the
 * breaker; a 4xx about one tracker does not. */
bool carrier_answer_unwell(const struct http_response *r, bool parsed);

/* --- webhooks ------------------------------------------------------------ */

/* SHA-256 and HMAC-SHA256 (FIPS 180-4, RFC 2104). */
void carrier_sha256(const void *msg, size_t len, unsigned char out[32]);
void carrier_hmac_sha256(const void *key, size_t keylen, const void *msg, size_t len,
			 unsigned char out[32]);

/* The aggregator's signature of an Event: X-Hmac-Signature:
 * hmac-sha256-hex=HEX, HMAC-SHA256 of the raw body with the webhook
 * secret. Checked against every secret (two while a secret is rotated),
 * each comparison in constant time, before anything of the body is
 * parsed. */
enum carrier_sig {
	CARRIER_SIG_OK,
	CARRIER_SIG_MISSING,     /* no header */
	CARRIER_SIG_MALFORMED,   /* not hmac-sha256-hex= and 64 hex digits */
	CARRIER_SIG_MISMATCH,    /* no secret gives it */
};
enum carrier_sig carrier_webhook_verify(const char *header, const char *body, size_t len,
					const char *const *secrets, int nsecrets);
const char *carrier_sig_name(enum carrier_sig s);

#endif
