/* Carrier webhook Events (issue 11): what the webhook listener's route
 * POST /webhooks/carrier does with one request. Independent of the
 * listener itself (webhook.c), which hands over the body, the
 * X-Hmac-Signature header, the source address and its database
 * connection. */
#ifndef OMS_WORKER_CARRIER_EVENTS_H
#define OMS_WORKER_CARRIER_EVENTS_H

#include <stdbool.h>
#include <stddef.h>

/* The largest Event accepted (a Tracker with its scans is a few kB). */
#define CARRIER_EVENT_MAX_BODY (256 * 1024)

struct db;

/* One Event: the signature is checked first (nothing of the body is read
 * before; a bad one is logged with the source and the length, never the
 * body: 401); then the Event is stored once by its id and applied, in one
 * transaction, by oms_api.carrier_event; the answer comes after the
 * COMMIT: 200 "stored" or "duplicate" (a replay: nothing changes). 400:
 * not an Event (not JSON, no id); 413: too big; 503: the database is
 * unavailable or busy (db NULL, connection lost, lock or serialization
 * failure), so the sender retries. *db_lost: the connection is gone (the
 * listener reconnects). Returns the HTTP status; reply gets one line of
 * our words. */
int carrier_event_receive(struct db *db, const char *signature, const char *body, size_t len,
			  const char *const *secrets, int nsecrets, const char *source,
			  char *reply, size_t replylen, bool *db_lost);
/* The two halves of carrier_event_receive, which the listener runs in two
 * threads (webhook.h: group commit). carrier_event_check: the size and
 * the signature (nothing of the body read before): 0 when good, else the
 * status (413, 401) with reply filled. carrier_event_apply: stores and
 * applies the Event on db, in whatever transaction is open (the
 * listener's group, inside a savepoint of its own; or its own when none
 * is): 200, 400 or 503 as above; a webhook_apply. */
int carrier_event_check(const char *signature, const char *body, size_t len,
			const char *const *secrets, int nsecrets, const char *source,
			char *reply, size_t replylen);
int carrier_event_apply(struct db *db, const char *body, size_t len, const char *source,
			char *reply, size_t replylen, bool *db_lost);

/* The listener's route POST /webhooks/carrier (webhook.h): the rate limit
 * per source address and carrier_event_check in the request's thread,
 * then the Event is handed to the listener's group commit (keyed by its
 * parcel's tracking code), which runs carrier_event_apply; the database
 * connection and reconnection are the listener's. The secrets and the
 * rate limit are [carrier] webhook_secret (several, separated by spaces,
 * while rotating) and webhook_rate (requests per second per address,
 * default 50, bursts of twice that; over it: 429). */
struct webhook_request;
int carrier_events_handle(const struct webhook_request *rq, char *reply, size_t replylen);
/* Called by the worker's main thread when [carrier] is (re)read. */
void carrier_events_configure(const char *secrets, long rate_per_s);

#endif
