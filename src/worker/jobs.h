/* The outbox queue as oms-worker's loop sees it: claim, call the outside
 * world, record the result. What each job kind does lives in its own file
 * (refund.c, verify.c, notify.c, inventory.c), found through the job-kind
 * table (kinds.c); the state machine below is core.c.
 *
 * A job is claimed with oms_api.outbox_claim (FOR UPDATE SKIP LOCKED, so
 * any number of workers can run), its transfer runs on the shared
 * http_engine, and when the answer arrives exactly one of
 *   oms_api.outbox_done        delivered (with refund_result / confirm_payment
 *                              in the same transaction),
 *   oms_api.outbox_retry_later transient failure, capped exponential backoff
 *                              with full jitter,
 *   oms_api.outbox_dead        will never succeed, or out of attempts: visible
 *                              to admins, who can oms_api.outbox_requeue it
 * is called. A job whose service's circuit breaker is open is not tried:
 * oms_api.outbox_release gives it back without spending the attempt the
 * claim counted, due again when the breaker lets a probe through. No
 * database transaction is open while a transfer runs.
 *
 * If the worker dies after the outside world acted but before the result
 * was committed, the job's lease runs out and it is delivered again: at
 * least once. Refunds are made safe by the Idempotency-Key (the gateway
 * replays its first answer), e-mail by the Message-ID derived from the job
 * id (the relay or mailbox recognises the copy). */
#ifndef OMS_WORKER_JOBS_H
#define OMS_WORKER_JOBS_H

#include <stdbool.h>
#include <stdint.h>
#include "status.h"
#include "http/http.h"
#include "http/mail.h"

struct db;
struct jobs;

struct jobs_config {
	const char *worker_id;
	struct http_endpoint payment;
	struct smtp_endpoint smtp;
	struct mail_settings mail;
	unsigned concurrency;        /* jobs in flight at most */
	unsigned max_attempts;       /* then the job is dead */
	uint64_t backoff_base_ms;
	uint64_t backoff_cap_ms;
	unsigned breaker_threshold;
	uint64_t breaker_open_ms;
	uint64_t rng_seed;
};

struct jobs *jobs_new(struct db *db, struct http_engine *eng, const struct jobs_config *cfg,
		      struct oms_error *err);
void jobs_free(struct jobs *j);
/* SIGHUP: new endpoints, limits and timeouts for jobs started from now on.
 * The strings are copied. */
enum oms_status jobs_reconfigure(struct jobs *j, const struct jobs_config *cfg,
				 struct oms_error *err);
/* The database connection to use from now on (after a reconnect). */
void jobs_set_db(struct jobs *j, struct db *db);

/* Claims due jobs for the free slots and starts them. *claimed says how
 * many were claimed, *released how many of those went straight back
 * because their service's breaker is open; OMS_DB_GONE means reconnect. */
enum oms_status jobs_claim(struct jobs *j, unsigned *claimed, unsigned *released,
			   struct oms_error *err);
unsigned jobs_in_flight(const struct jobs *j);
unsigned jobs_free_slots(const struct jobs *j);
/* Earliest moment (monotonic ms) a job we retried or released becomes due,
 * or 0. */
uint64_t jobs_next_due_ms(const struct jobs *j);
/* Jobs finished since start (done, retried, dead, released untried), for
 * logs and --once. */
void jobs_counts(const struct jobs *j, unsigned long *done, unsigned long *retried,
		 unsigned long *dead, unsigned long *released);
/* Set when recording a result failed because the connection was lost. */
bool jobs_db_lost(struct jobs *j);

uint64_t jobs_now_ms(void);

struct breaker;
/* The services' breakers one by one (i from 0), NULL after the last: for
 * the heartbeat (heartbeat.c). */
const struct breaker *jobs_breaker(const struct jobs *j, unsigned i);

#endif
