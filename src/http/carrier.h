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

/* --- labels -------------------------------------------------------------- */

/* One rate of POST /v2/shipments' answer. */
struct carrier_rate {
	char id[72];              /* "rate_..." */
	char carrier[32];         /* the aggregator's carrier ("UPS") */
	char service[48];         /* and service ("Ground") */
	long long amount_minor;   /* "7.85" -> 785 */
	char currency[4];
	int delivery_days;        /* -1: not said */
};
#define CARRIER_MAX_RATES 32

/* The form of POST /v2/shipments: to_address from the order's address (a
 * JSON object: name, line1, line2, city, region, postal_code, country),
 * from_address from the seller's name and [carrier] from_* settings, the
 * parcel's weight in ounces. malloc'd; NULL when to_json is not an object
 * or memory runs out. */
char *carrier_shipment_form(const char *to_json, const char *from_name, const char *from_street,
			    const char *from_city, const char *from_zip, const char *from_country,
			    double weight_oz);
/* The same from the JSON of oms_api.label_request (to_address, from_name,
 * weight_oz) or, is_return, of oms_api.return_label_request
 * (from_address, to_name, weight_oz): a return label is the same purchase
 * with the addresses swapped, from the customer to the seller (whose
 * street, city, zip and country are [carrier] from_*; the aggregator's
 * is_return option is not set, it would swap them back). NULL when the
 * request has no address. */
char *carrier_label_form(const char *request_json, bool is_return, const char *seller_street,
			 const char *seller_city, const char *seller_zip, const char *seller_country);
/* The label bought, as oms_api.label_bought and return_label_bought take
 * it (JSON text, malloc'd); level: the service level of ours it is
 * recorded at (an aggregator service that is two of our levels), NULL:
 * the database's mapping decides. */
char *carrier_label_json(const char *shipment_id, const struct carrier_rate *r, const char *tracking,
			 const char *label_url, const char *level);

/* oms_api.label_request's "service_level" (the order's own level) and
 * "services" ([{carrier, service, level}]: what each of our levels is
 * called at the aggregator), read once. */
#define CARRIER_MAX_SERVICES 64
struct carrier_levels {
	char order_level[32];     /* "" when the request says none */
	int n;
	struct carrier_level_service {
		char level[32];
		char carrier[32];
		char service[48];
	} svc[CARRIER_MAX_SERVICES];
};
void carrier_levels_parse(const char *request_json, struct carrier_levels *lv);
/* Does some carrier the aggregator sells offer our level? */
bool carrier_level_offered(const struct carrier_levels *lv, const char *level);
/* Is rate r our level at the aggregator? */
bool carrier_rate_is_level(const struct carrier_levels *lv, const struct carrier_rate *r, const char *level);
/* The Shipment answer: its id and its rates (at most max; the rest are
 * dropped). OMS_INVALID unless it has an id and at least one usable rate. */
enum oms_status carrier_rates_parse(const char *body, size_t len, char *shipment_id, size_t idlen,
				    struct carrier_rate *rates, int max, int *n, struct oms_error *err);
/* The cheapest rate (ties: the fastest), or the fastest (a rate that does
 * not say its days comes last; ties: the cheapest). -1 when n is 0. */
int carrier_rate_pick(const struct carrier_rate *rates, int n, bool fastest);
/* The bought Shipment: tracking_code and postage_label.label_url. */
enum oms_status carrier_bought_parse(const char *body, size_t len, char *tracking, size_t tlen,
				     char *label_url, size_t ulen, struct oms_error *err);
enum oms_status carrier_shipment_create(struct http_engine *e, const struct http_endpoint *ep,
					const char *form, const char *idempotency_key, http_done_fn fn,
					void *arg, struct oms_error *err);
enum oms_status carrier_shipment_buy(struct http_engine *e, const struct http_endpoint *ep,
				     const char *shipment_id, const char *rate_id, http_done_fn fn,
				     void *arg, struct oms_error *err);

/* --- webhooks ------------------------------------------------------------ */

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

/* What an Event (signature already checked) is about, for grouping it:
 * its "id" into id, and its parcel into key: "code:" and the result's
 * tracking_code, else "trk:" and the result's (tracker's) id. "" for what
 * the body does not say (not JSON, not an Event): the database refuses it
 * later. Both NUL-terminated, cut to their size. */
void carrier_event_keys(const char *body, size_t len, char *id, size_t idlen, char *key, size_t keylen);

#endif
