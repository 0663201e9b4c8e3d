/* oms-worker's webhook listener (libmicrohttpd): the outside world tells
 * the worker about events instead of waiting to be polled.
 *
 * One listener, a table of routes (method, path, handler); each handler
 * gets the whole body (at most WEBHOOK_MAX_BODY bytes) and the request's
 * headers, and answers with an HTTP status. The listener runs in threads
 * of its own (libmicrohttpd's thread pool, [webhook] threads, default 4)
 * with database connections of its own (the loop's connections are never
 * touched from it): as many connections as threads, each lent to one
 * request at a time (webhook_db), so events are committed in parallel and
 * no libpq connection is ever used by two threads at once. A handler
 * stores and acts on its event in one transaction and answers only after
 * the COMMIT, so an event acknowledged is an event recorded; two
 * deliveries of one event at once are stored once (the database's unique
 * event id; the second waits for the first and answers 2xx). State shared
 * by the handlers (secrets, rate buckets) is kept under their locks.
 * Polling stays the fallback.
 *
 * Routes today: POST /webhooks/payment (the payment gateway: pay_events.c).
 * The carriers' webhooks (issue 11) are one more row. */
#ifndef OMS_WORKER_WEBHOOK_H
#define OMS_WORKER_WEBHOOK_H

#include <stdbool.h>
#include <stddef.h>

#include "status.h"

#define WEBHOOK_MAX_BODY (1024 * 1024)
#define WEBHOOK_MAX_SECRETS 4

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
	struct webhook_conn *dbc; /* the database connection lent to this request */
};

/* Returns the HTTP status to answer; reply (one line, our words) is the
 * body. */
typedef int (*webhook_handler)(const struct webhook_request *rq, char *reply, size_t replylen);

struct webhook_route {
	const char *method;
	const char *path;
	webhook_handler handler;
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
	 * database connection of its own (0: 4) */
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
