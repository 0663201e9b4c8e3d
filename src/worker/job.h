/* Between the worker's core (core.c: claim, retry with backoff, breakers,
 * lease, done/dead/release) and the job families (refund.c, verify.c,
 * notify.c, inventory.c). A family reads what its job needs through an
 * oms_api function, starts one transfer through the core, and ends the
 * job with exactly one of job_done, job_retry, job_dead (or, inside a
 * transaction of its own, job_tx_done / job_tx_retry and job_finished).
 * After that call the job is freed: do not touch it again. */
#ifndef OMS_WORKER_JOB_H
#define OMS_WORKER_JOB_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "status.h"
#include "http/http.h"
#include "http/mail.h"
#include "worker/jobs.h"

struct db;
struct job;

/* The outside services, each behind its own circuit breaker. */
enum job_service { JOB_SVC_PAYMENT, JOB_SVC_MAIL, JOB_SVC_COUNT, JOB_SVC_NONE = JOB_SVC_COUNT };

/* One row of the job-kind table (kinds.c): a kind of oms.outbox job. */
struct job_kind {
	const char *name;                /* oms.outbox.kind */
	enum job_service svc;            /* whose breaker guards its call */
	/* Reads what the job needs and starts its transfer (or ends it). */
	void (*start)(struct job *jb);
	/* The transfer's answer: ends the job. NULL for kinds that call out
	 * to no one. */
	void (*result)(struct job *jb, const struct http_response *resp);
};

/* The row for an outbox kind, or NULL: such a job is dead. */
const struct job_kind *job_kind_find(const char *name);

struct job {
	struct jobs *owner;
	struct job *next;
	const struct job_kind *type;     /* NULL for an unknown kind */
	long long id, refund_id, order_id;
	int attempt;                     /* 1 for the first delivery */
	char kind[32];
	char *payload;                   /* the outbox row's JSON, ids only */
	/* what the family read or built for its transfer */
	char provider_ref[128];
	char provider_refund_id[128];
	long long order_no;              /* 0 until known; names the order in logs */
	/* payment families (refund.c, verify.c): what was sent, to check the
	 * answer against, and which request is in flight */
	int step;
	int check;                       /* refund.c: which look again at a succeeded refund */
	long long amount;
	char currency[8];
	char key[128];
	char reason[32];
	struct mail_message msg;
};

/* -- what a family uses ------------------------------------------------- */

struct db *job_db(const struct job *jb);
const struct jobs_config *job_config(const struct job *jb);

/* The service's breaker is open: the job went back untried (released, no
 * attempt spent) and is gone. Call before starting the transfer. */
bool job_service_blocked(struct job *jb);
/* The service answered well / was unwell (transport error, 5xx, 429). */
void job_service_ok(struct job *jb);
void job_service_failed(struct job *jb);
/* The transfer the breaker allowed will not be made after all. */
void job_service_abandon(struct job *jb);

/* Transfers whose answer goes to the kind's result function. On failure
 * to start, the breaker's allowance is given back and *err says why. */
enum oms_status job_http_get(struct job *jb, const char *path, struct oms_error *err);
enum oms_status job_http_post_form(struct job *jb, const char *path, const char *form,
				   const char *idempotency_key, struct oms_error *err);
enum oms_status job_smtp_send(struct job *jb, struct oms_error *err);   /* jb->msg */

/* "payment gateway: timed out" and the like, never a server's own text. */
void job_transport_message(const struct http_response *resp, const char *what, char *out,
			   size_t outlen);
/* One line of at most 400 bytes, personal data masked: fit for the outbox
 * row (admins, the audit log) and the log. */
void job_clean_message(const char *in, char *out, size_t outlen);

/* -- ending a job ---------------------------------------------------------- */

/* Delivered: `pre` (refund_result, confirm_payment; NULL for none) and
 * outbox_done commit together. A rule refusing `pre` makes the job dead
 * with the database's words. Takes the reference to `result`. */
void job_done(struct job *jb, json_t *result, const char *pre, int npre, const char *const *ppre);
/* Transient failure: again after the backoff, dead when out of attempts. */
void job_retry(struct job *jb, const char *why);
/* The same, but not before min_delay_ms (the server's Retry-After). */
void job_retry_after(struct job *jb, const char *why, uint64_t min_delay_ms);
/* Not a failure: the job waits (a payment or refund the gateway has not
 * settled, a breaker tripped by a 401) and comes back after delay_ms
 * without spending an attempt, however long it takes (issue 12). */
void job_wait(struct job *jb, uint64_t delay_ms, const char *why);
/* The service says every call will fail alike (401): open its breaker at
 * once for at least open_ms. */
void job_service_trip(struct job *jb, uint64_t open_ms);
/* Will never succeed: dead, visible to admins. */
void job_dead(struct job *jb, const char *why);
/* A database call made for the job failed for a reason that says nothing
 * about the job (OMS_RETRY: a lock held by someone else; OMS_DB_GONE,
 * OMS_READ_ONLY): the job was given back or left to its lease, and is
 * gone. False: the error is the job's own, the caller decides. */
bool job_db_trouble(struct job *jb, const struct oms_error *e);
/* The one row a job starts from (oms_api.refund_to_execute($1),
 * payment_to_verify($1), ...): the result, or NULL when the job is gone
 * already (given back on database trouble, retried on another error, dead
 * with `missing` when there is no such row). */
struct db_result *job_read_row(struct job *jb, const char *sql, long long id, const char *missing);

/* For a family that records its result in a transaction of its own
 * (verify.c: payment_failed decides the job's next step): outbox_done or
 * outbox_retry_later inside the caller's transaction, then, after COMMIT,
 * job_finished; or job_unrecorded when the transaction failed. */
uint64_t job_backoff_ms(struct job *jb);
enum oms_status job_tx_done(struct job *jb, json_t *result, struct oms_error *err);
enum oms_status job_tx_retry(struct job *jb, const char *msg, uint64_t delay_ms,
			     struct oms_error *err);
/* job_wait inside the caller's transaction (outbox_release). */
enum oms_status job_tx_release(struct job *jb, const char *msg, uint64_t delay_ms,
			       struct oms_error *err);
enum job_end { JOB_END_DONE, JOB_END_RETRY };
void job_finished(struct job *jb, enum job_end end, uint64_t delay_ms);
void job_unrecorded(struct job *jb, const struct oms_error *e);

/* -- the families (kinds.c lists them) ------------------------------------- */

void refund_job_start(struct job *jb);
void refund_job_result(struct job *jb, const struct http_response *resp);
/* refund.c: [payment] refund_recheck, the looks at a succeeded refund
 * ("1h, 1d, 3d, 7d"; "none": no look); called by settings_load. */
enum oms_status refund_recheck_configure(const char *list, struct oms_error *err);
void verify_job_start(struct job *jb);
void verify_job_result(struct job *jb, const struct http_response *resp);
/* verify.c: a 401/403 from the payment gateway trips its breaker, alerts
 * administrators once and makes the job wait; false for other answers. */
struct payment_result;
bool payment_auth_refused(struct job *jb, const struct payment_result *r, const char *words);
void capture_job_start(struct job *jb);
void capture_job_result(struct job *jb, const struct http_response *resp);
void notify_job_start(struct job *jb);
void notify_job_result(struct job *jb, const struct http_response *resp);
void inventory_job_start(struct job *jb);

#endif
