/* oms-worker's webhook listener (libmicrohttpd): the outside world tells
 * the worker about events instead of waiting to be polled.
 *
 * One listener, a table of routes (method, path, handler, apply); each
 * handler gets the whole body (at most WEBHOOK_MAX_BODY bytes) and the
 * request's headers, and answers with an HTTP status. The listener runs
 * in threads of its own (libmicrohttpd's thread pool, [webhook] threads,
 * default 4) with database connections of its own (the loop's connections
 * are never touched from it), and no libpq connection is ever used by two
 * threads at once. State shared by the handlers (secrets, rate buckets)
 * is kept under their locks. Polling stays the fallback.
 *
 * Two ways to commit an event, chosen by the route:
 *
 * - Alone (no apply function; POST /webhooks/payment): the handler stores
 *   and acts on its event in its own transaction on the connection lent
 *   to its request (webhook_db; as many connections as threads) and
 *   answers after that COMMIT.
 *
 * - In a group (POST /webhooks/carrier; issue 11's speed): the handler
 *   checks what must be checked in the request's own thread (the rate
 *   limit, the signature, before anything is parsed) and returns
 *   webhook_group(); the request is then suspended (its thread goes on
 *   with other requests) and queued. Committer threads (as many as the
 *   listener's threads; each with a connection of its own,
 *   application_name "oms-worker webhook committer") each take
 *   whatever is queued when they are free (at most WEBHOOK_BATCH_MAX;
 *   never waiting for a batch to fill, so a lone event is committed at
 *   once, as before: on its own, without a savepoint) and commit it as
 *   one transaction: BEGIN, then per event SAVEPOINT, the route's apply
 *   (SELECT oms_api.carrier_event($1)), RELEASE, and COMMIT. An event whose apply fails is rolled back to its
 *   savepoint alone and answered its own status (400 not an event, 503 a
 *   lock or other failure); the others still commit. Each request is
 *   answered only after the COMMIT that holds it: if the COMMIT fails or
 *   the connection is lost, every event of the batch answered 2xx so far
 *   is answered 503 instead (the sender retries; the event id makes a
 *   retry idempotent). One WAL flush then covers the whole batch instead
 *   of one per event.
 *   Two deliveries of one event id may share a batch (the second sees the
 *   first's row: "duplicate", 2xx). Two different events of one group
 *   key (a parcel's tracking code) never do, nor are two batches in
 *   flight at once with events of one key: the later waits for a later
 *   batch, so each keeps a transaction of its own in the order's
 *   timeline (one entry per transaction), they are applied in the order
 *   received, and no batch waits for another's row locks.
 *   A lock wait stays bounded (the session's lock_timeout, and 2 s set
 *   by oms_api.carrier_event itself), so one blocked event delays its
 *   batch by at most that long. What oms_api.carrier_event does is fit
 *   for a shared transaction: its times are clock_timestamp() (not the
 *   transaction's start), its NOTIFYs are wake-up hints (identical ones
 *   are folded into one at COMMIT), it takes no advisory lock, and
 *   oms.begin_action sets the action name again for each event.
 */
#ifndef OMS_WORKER_WEBHOOK_H
#define OMS_WORKER_WEBHOOK_H

#include <stdbool.h>
#include <stddef.h>

#include "status.h"

#define WEBHOOK_MAX_BODY (1024 * 1024)
#define WEBHOOK_MAX_SECRETS 4
/* Events in one group commit at most: each writes in a subtransaction of
 * its own, and past 64 of them PostgreSQL's per-backend cache of
 * subtransaction ids overflows (every other session's snapshots then get
 * slower). */
#define WEBHOOK_BATCH_MAX 32
/* What a handler returns when webhook_group() took its request. */
#define WEBHOOK_GROUPED 0

struct db;
struct webhook;
struct webhook_conn;

/* What a handler sees of its request. */
struct webhook_request {
	struct webhook *wh;
	const char *body;        /* NUL-terminated */
	size_t len;
	/* header(name): the request's header or NULL */
	const char *(*header)(const struct webhook_request *rq, const char *name);
	void *conn;              /* the listener's own */
	struct webhook_conn *dbc; /* the database connection lent to this request
				   * (NULL on a route committed in groups) */
	void *job;               /* the listener's own (webhook_group) */
};

/* Returns the HTTP status to answer; reply (one line, our words) is the
 * body. */
typedef int (*webhook_handler)(const struct webhook_request *rq, char *reply, size_t replylen);

/* A route committed in groups: stores and applies one event on db (the
 * committer's connection, inside the group's transaction and the event's
 * savepoint; NULL when the database cannot be reached) and returns the
 * HTTP status to answer once the group is committed (2xx), or at once
 * (anything else: the event's savepoint is rolled back); *db_lost: the
 * connection is gone. Called by the committer thread only. */
typedef int (*webhook_apply)(struct db *db, const char *body, size_t len, const char *source,
			     char *reply, size_t replylen, bool *db_lost);

struct webhook_route {
	const char *method;
	const char *path;
	webhook_handler handler;
	webhook_apply apply;      /* NULL: the handler commits alone */
};

struct webhook_config {
	const char *listen;       /* "ADDR:PORT" ([webhook] listen); NULL: off */
	const char *conninfo;     /* the worker's database */
	long lock_timeout_ms;
	/* [payment] webhook_secret: one or more whsec_... (several while a
	 * secret is rotated), webhook_tolerance (seconds, default 300); only
	 * for the start's log line: pay_events_configure holds the ones in
	 * force (SIGHUP changes them) */
	const char *payment_secrets;
	long tolerance_s;
	/* [webhook] threads: requests handled at once, each thread with a
	 * database connection of its own (0: 4); the carrier route has as
	 * many committers, each with a connection of its own */
	unsigned threads;
};

/* Starts listening (threads of its own); NULL with *err when it cannot
 * (address in use, bad address). */
struct webhook *webhook_start(const struct webhook_config *cfg, struct oms_error *err);
void webhook_stop(struct webhook *wh);

/* For handlers: the database connection lent to this request, used by
 * no other thread meanwhile (connected on first use, again after it was
 * lost). */
struct db *webhook_db(const struct webhook_request *rq, struct oms_error *err);
void webhook_db_lost(const struct webhook_request *rq);

/* For the handler of a route committed in groups, once the request passed
 * its checks: queues it for the committer and returns WEBHOOK_GROUPED,
 * which the handler returns; the listener answers after the COMMIT.
 * source (the sender's address, for the log), key (events of one key that
 * are not the same event id never share a transaction; NULL or "": none)
 * and event_id are copied. */
int webhook_group(const struct webhook_request *rq, const char *source, const char *key,
		  const char *event_id);

/* One line on stderr from a listener thread. The log module (log.c)
 * keeps a table of personal data to mask that the loop's thread changes
 * as jobs come and go; the listener must not read it concurrently, so its
 * lines (event ids, types, order and refund numbers, never personal data)
 * are written directly, prefixed "oms-worker: webhook: ". */
void webhook_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* pay_events.c: POST /webhooks/payment */
int pay_events_handle(const struct webhook_request *rq, char *reply, size_t replylen);
/* [payment] webhook_secret (one or more, separated by blanks or commas)
 * and webhook_tolerance: called by settings_load each time the
 * configuration is read (start, SIGHUP); the listener reads them under a
 * lock, so a reload takes effect with the next event. */
void pay_events_configure(const char *secrets, long tolerance_s);

#endif
