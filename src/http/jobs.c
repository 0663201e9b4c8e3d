#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "db/db.h"
#include "log.h"
#include "http/backoff.h"
#include "http/breaker.h"
#include "http/jobs.h"
#include "http/payment.h"

/* The SQL this file depends on, in one place (the outbox API in sql/). */
#define SQL_CLAIM "SELECT * FROM oms_api.outbox_claim($1, $2::int)"
#define SQL_DONE "SELECT oms_api.outbox_done($1::bigint, $2::jsonb)"
#define SQL_RETRY "SELECT oms_api.outbox_retry_later($1::bigint, $2, $3::bigint)"
#define SQL_DEAD "SELECT oms_api.outbox_dead($1::bigint, $2)"
#define SQL_RELEASE "SELECT oms_api.outbox_release($1::bigint, $2::bigint, $3)"
#define SQL_REFUND_RESULT "SELECT oms_api.refund_result($1::bigint, $2, $3, $4)"
/* $4: the currency the gateway says it was paid in (BR-011 checks it). */
#define SQL_CONFIRM "SELECT oms_api.confirm_payment($1::bigint, $2, $3::bigint, $4)"
#define SQL_REFUND_INFO \
	"SELECT r.amount_minor, r.currency, r.idempotency_key::text, r.status, " \
	"       coalesce(r.provider_refund_id, ''), r.approval, coalesce(p.provider_ref, ''), " \
	"       (SELECT o.order_no FROM oms.orders o WHERE o.id = r.order_id) " \
	"  FROM oms.refund r LEFT JOIN oms.payment p ON p.order_id = r.order_id " \
	" WHERE r.id = $1::bigint"
#define SQL_PAYMENT_FAILED "SELECT oms_api.payment_failed($1::bigint, $2)"
/* What a mail needs besides the job's payload (which carries ids only):
 * recipient, names, lines, shipment, refund amount, cancellation reason. */
#define SQL_MAIL_DATA \
	"SELECT jsonb_strip_nulls(jsonb_build_object(" \
	"  'order_no', o.order_no, 'currency', o.currency, 'total_minor', o.total_minor," \
	"  'customer_name', c.full_name, 'to', c.email, 'seller_email', s.email," \
	"  'seller_name', s.name," \
	"  'lines', (SELECT jsonb_agg(jsonb_build_object('name', i.name, 'sku', i.sku, 'qty', i.qty," \
	"            'line_total_minor', i.qty * i.unit_price_minor) ORDER BY i.line_no)" \
	"            FROM oms.order_item i WHERE i.order_id = o.id)," \
	"  'carrier', sh.carrier, 'tracking_no', sh.tracking_no," \
	"  'estimated_delivery', sh.estimated_delivery::text," \
	"  'refund_amount_minor', r.amount_minor," \
	"  'reason_label', (SELECT cr.label FROM oms.cancellation ca" \
	"            JOIN oms.cancellation_reason cr ON cr.code = ca.reason_code" \
	"            WHERE ca.order_id = o.id ORDER BY ca.id DESC LIMIT 1)," \
	"  'pii', jsonb_build_object('phone', c.phone, 'ship_to', o.ship_to)))::text" \
	"  FROM oms.orders o JOIN oms.customer c ON c.id = o.customer_id" \
	"  JOIN oms.seller s ON s.id = o.seller_id" \
	"  LEFT JOIN oms.shipment sh ON sh.id = nullif($2, '')::bigint" \
	"  LEFT JOIN oms.refund r ON r.id = nullif($3, '')::bigint" \
	" WHERE o.id = $1::bigint"
#define SQL_VERIFY_INFO \
	"SELECT o.order_no, coalesce(p.provider_ref, ''), p.status, p.amount_minor " \
	"  FROM oms.orders o JOIN oms.payment p ON p.order_id = o.id WHERE o.id = $1::bigint"

/* A job whose order is locked by another session (a CSR's open
 * transaction) goes back for a few seconds, plus jitter so that several
 * such jobs do not come back together. */
#define BUSY_DELAY_MS 2000
#define BUSY_JITTER_MS 3000

/* outbox_claim counts the attempt it hands out (attempts is 1 on the first
 * delivery); set to 1 if the SQL side counts only failures. */
#define ATTEMPT_OFFSET 0

enum service { SVC_PAYMENT, SVC_SMTP, SVC_COUNT };

enum step { STEP_REFUND_POST, STEP_REFUND_GET, STEP_VERIFY, STEP_MAIL };

struct job {
	struct jobs *owner;
	struct job *next;
	long long id, refund_id, order_id;
	int attempt;               /* 1 for the first delivery */
	char kind[32];
	char *payload;
	enum service svc;
	enum step step;
	char provider_ref[128];
	char provider_refund_id[128];
	long long order_no;
	struct mail_message msg;
};

struct jobs {
	struct db *db;
	struct http_engine *eng;
	struct jobs_config cfg;
	char *owned[16];
	size_t nowned;
	struct breaker br[SVC_COUNT];
	struct job *running;
	unsigned in_flight;
	uint64_t rng;
	uint64_t next_due;
	unsigned long n_done, n_retry, n_dead, n_released;
	unsigned claim_released;   /* by the last jobs_claim */
	bool db_lost;
};

uint64_t
jobs_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* -- configuration ------------------------------------------------------ */

static const char *
own(struct jobs *j, const char *s)
{
	char *c;

	if (!s || j->nowned == sizeof j->owned / sizeof j->owned[0])
		return s ? "" : NULL;
	c = strdup(s);
	j->owned[j->nowned++] = c;
	return c ? c : "";
}

static void
disown(struct jobs *j)
{
	for (size_t i = 0; i < j->nowned; i++) {
		if (j->owned[i]) {
			/* the API key and the SMTP password are in here */
			memset(j->owned[i], 0, strlen(j->owned[i]));
			free(j->owned[i]);
		}
	}
	j->nowned = 0;
}

enum oms_status
jobs_reconfigure(struct jobs *j, const struct jobs_config *cfg, struct oms_error *err)
{
	struct jobs_config c = *cfg;

	disown(j);
	c.worker_id = own(j, cfg->worker_id);
	c.payment.base_url = own(j, cfg->payment.base_url);
	c.payment.api_key = own(j, cfg->payment.api_key);
	c.payment.ca_file = own(j, cfg->payment.ca_file);
	c.smtp.url = own(j, cfg->smtp.url);
	c.smtp.username = own(j, cfg->smtp.username);
	c.smtp.password = own(j, cfg->smtp.password);
	c.smtp.ca_file = own(j, cfg->smtp.ca_file);
	c.mail.from = own(j, cfg->mail.from);
	c.mail.from_name = own(j, cfg->mail.from_name);
	c.mail.shop_name = own(j, cfg->mail.shop_name);
	c.mail.msgid_domain = own(j, cfg->mail.msgid_domain);
	if (c.concurrency == 0)
		c.concurrency = 1;
	if (c.max_attempts == 0)
		c.max_attempts = 1;
	j->cfg = c;
	for (int s = 0; s < SVC_COUNT; s++) {
		/* keep the state across a reload, take the new limits */
		j->br[s].threshold = c.breaker_threshold ? c.breaker_threshold : 1;
		j->br[s].open_ms = c.breaker_open_ms;
	}
	(void)err;
	return OMS_OK;
}

struct jobs *
jobs_new(struct db *db, struct http_engine *eng, const struct jobs_config *cfg,
	 struct oms_error *err)
{
	struct jobs *j = calloc(1, sizeof *j);

	if (!j) {
		oms_fail(err, OMS_NOMEM, "out of memory");
		return NULL;
	}
	j->db = db;
	j->eng = eng;
	breaker_init(&j->br[SVC_PAYMENT], "payment", cfg->breaker_threshold, cfg->breaker_open_ms);
	breaker_init(&j->br[SVC_SMTP], "smtp", cfg->breaker_threshold, cfg->breaker_open_ms);
	j->rng = cfg->rng_seed ? cfg->rng_seed : (uint64_t)time(NULL) ^ (uint64_t)jobs_now_ms() << 20;
	jobs_reconfigure(j, cfg, err);
	return j;
}

static void
job_free(struct job *jb)
{
	if (!jb)
		return;
	log_pii_forget(jb);
	free(jb->payload);
	mail_message_free(&jb->msg);
	free(jb);
}

void
jobs_free(struct jobs *j)
{
	if (!j)
		return;
	/* Transfers still running belong to the engine, which the caller
	 * frees first; their jobs go back to the queue when the lease ends. */
	while (j->running) {
		struct job *jb = j->running;
		j->running = jb->next;
		job_free(jb);
	}
	disown(j);
	free(j);
}

void
jobs_set_db(struct jobs *j, struct db *db)
{
	j->db = db;
	j->db_lost = false;
}

unsigned
jobs_in_flight(const struct jobs *j)
{
	return j->in_flight;
}

unsigned
jobs_free_slots(const struct jobs *j)
{
	return j->cfg.concurrency > j->in_flight ? j->cfg.concurrency - j->in_flight : 0;
}

uint64_t
jobs_next_due_ms(const struct jobs *j)
{
	return j->next_due;
}

void
jobs_counts(const struct jobs *j, unsigned long *done, unsigned long *retried,
	    unsigned long *dead, unsigned long *released)
{
	*released = j->n_released;
	*done = j->n_done;
	*retried = j->n_retry;
	*dead = j->n_dead;
}

bool
jobs_db_lost(struct jobs *j)
{
	return j->db_lost;
}

/* -- recording results ------------------------------------------------- */

/* A message fit for the outbox row and the log: one line, at most 400
 * bytes, e-mail addresses and phone numbers masked. */
static void
clean_message(const char *in, char *out, size_t outlen)
{
	char tmp[512];

	snprintf(tmp, sizeof tmp < 400 ? sizeof tmp : 400, "%s", in ? in : "");
	for (char *p = tmp; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = ' ';
	log_scrub(tmp, out, outlen);
}

static void
note_db_error(struct jobs *j, const struct oms_error *e)
{
	if (e->status == OMS_DB_GONE)
		j->db_lost = true;
}

static void job_release(struct job *jb, uint64_t wait_ms, const char *why, bool untried);
static void job_detach(struct job *jb);

/* A database call made for the job failed for a reason that says nothing
 * about the job:
 *   OMS_RETRY      its order is locked by another session (lock_timeout,
 *                  55P03), or a deadlock or serialization failure: nothing
 *                  was written; the job goes back at once for a few
 *                  seconds without spending an attempt, and the worker
 *                  goes on with the next job. A refund may have been
 *                  executed already: its next attempt sends the same
 *                  Idempotency-Key, and the gateway replays its answer.
 *   OMS_DB_GONE,   the connection is lost, or the server is a standby
 *   OMS_READ_ONLY  now: the lease brings the job back after a reconnect.
 * Returns true when it took care of the job (which is then gone). */
static bool
job_db_trouble(struct job *jb, const struct oms_error *e)
{
	struct jobs *j = jb->owner;
	char why[160], order[40] = "";

	if (e->status == OMS_RETRY) {
		if (jb->order_no)
			snprintf(order, sizeof order, " %lld", jb->order_no);
		snprintf(why, sizeof why, "order%s busy (SQLSTATE %s: held by another session); "
			 "tried again without counting an attempt", order,
			 e->sqlstate[0] ? e->sqlstate : "55P03");
		log_info("job %lld (%s): %s", jb->id, jb->kind, why);
		job_release(jb, BUSY_DELAY_MS + backoff_rand(&j->rng) % BUSY_JITTER_MS, why, false);
		return true;
	}
	if (e->status == OMS_DB_GONE || e->status == OMS_READ_ONLY) {
		note_db_error(j, e);
		log_error("job %lld (%s): %s; the job comes back when its lease ends", jb->id,
			  jb->kind, e->msg);
		job_detach(jb);
		return true;
	}
	return false;
}

static void
job_detach(struct job *jb)
{
	struct jobs *j = jb->owner;

	for (struct job **pp = &j->running; *pp; pp = &(*pp)->next) {
		if (*pp == jb) {
			*pp = jb->next;
			break;
		}
	}
	j->in_flight--;
	job_free(jb);
}

static void
job_dead(struct job *jb, const char *why)
{
	struct jobs *j = jb->owner;
	struct oms_error e = { 0 };
	char msg[512], id[24];
	const char *p[2];

	clean_message(why, msg, sizeof msg);
	snprintf(id, sizeof id, "%lld", jb->id);
	p[0] = id;
	p[1] = msg;
	if (db_exec(j->db, SQL_DEAD, 2, p, &e) != OMS_OK) {
		note_db_error(j, &e);
		log_error("job %lld (%s): cannot mark dead: %s", jb->id, jb->kind, e.msg);
	} else {
		j->n_dead++;
		log_warn("job %lld (%s) is dead after %d attempt(s): %s", jb->id, jb->kind,
			 jb->attempt, msg);
	}
	job_detach(jb);
}

static void
schedule(struct jobs *j, uint64_t delay_ms)
{
	uint64_t due = jobs_now_ms() + delay_ms;

	if (j->next_due == 0 || due < j->next_due)
		j->next_due = due;
}

/* Transient failure: again later, or dead when the attempts are used up. */
static void
job_retry(struct job *jb, const char *why)
{
	struct jobs *j = jb->owner;
	struct oms_error e = { 0 };
	char msg[512], id[24], delay[24];
	const char *p[3];
	uint64_t d;

	if ((unsigned)jb->attempt >= j->cfg.max_attempts) {
		char last[600];
		snprintf(last, sizeof last, "gave up after %d attempts: %s", jb->attempt, why);
		job_dead(jb, last);
		return;
	}
	d = backoff_delay_ms(j->cfg.backoff_base_ms, j->cfg.backoff_cap_ms,
			     (unsigned)(jb->attempt > 0 ? jb->attempt - 1 : 0), &j->rng);
	clean_message(why, msg, sizeof msg);
	snprintf(id, sizeof id, "%lld", jb->id);
	snprintf(delay, sizeof delay, "%llu", (unsigned long long)d);
	p[0] = id;
	p[1] = msg;
	p[2] = delay;
	if (db_exec(j->db, SQL_RETRY, 3, p, &e) != OMS_OK) {
		note_db_error(j, &e);
		log_error("job %lld (%s): cannot schedule a retry: %s", jb->id, jb->kind, e.msg);
	} else {
		j->n_retry++;
		schedule(j, d);
		log_info("job %lld (%s) attempt %d failed, retry in %llu ms: %s", jb->id, jb->kind,
			 jb->attempt, (unsigned long long)d, msg);
	}
	job_detach(jb);
}

/* Not tried at all (the service's breaker is open): back to the queue
 * with oms_api.outbox_release, which gives back the attempt the claim
 * counted, so an outage of any length never makes a job dead. Due again
 * when the breaker lets a call through, plus a little jitter so the jobs
 * do not all come back at once (the first one back is the probe). */
static void
job_release(struct job *jb, uint64_t wait_ms, const char *why, bool untried)
{
	struct jobs *j = jb->owner;
	struct oms_error e = { 0 };
	char id[24], delay[24];
	const char *p[3];
	uint64_t d = untried ? wait_ms + backoff_rand(&j->rng) % (wait_ms / 4 + 50) : wait_ms;

	if (d > 86400000)
		d = 86400000;
	snprintf(id, sizeof id, "%lld", jb->id);
	snprintf(delay, sizeof delay, "%llu", (unsigned long long)d);
	p[0] = id;
	p[1] = delay;
	p[2] = why;
	if (db_exec(j->db, SQL_RELEASE, 3, p, &e) != OMS_OK) {
		/* Lost connection or lease: the lease runs out and the job
		 * comes back (that one attempt is spent). */
		note_db_error(j, &e);
		log_error("job %lld (%s): cannot release: %s", jb->id, jb->kind, e.msg);
	} else {
		j->n_released++;
		if (untried)
			j->claim_released++;    /* the breaker: do not claim again at once */
		schedule(j, d);
		log_debug("job %lld (%s) released for %llu ms: %s", jb->id, jb->kind,
			  (unsigned long long)d, why);
	}
	job_detach(jb);
}

/* Done: the optional statement `pre` (refund_result, confirm_payment) and
 * outbox_done commit together, so a crash leaves both or neither. A rule
 * refusing `pre` makes the job dead with the database's message. */
static void
job_done(struct job *jb, json_t *result, const char *pre, int npre, const char *const *ppre)
{
	struct jobs *j = jb->owner;
	struct oms_error e = { 0 };
	char id[24], *res = result ? json_dumps(result, JSON_COMPACT) : NULL;
	const char *p[2];

	json_decref(result);
	snprintf(id, sizeof id, "%lld", jb->id);
	p[0] = id;
	p[1] = res ? res : "{}";
	if (db_exec(j->db, "BEGIN", 0, NULL, &e) != OMS_OK)
		goto db_failed;
	if (pre && db_exec(j->db, pre, npre, ppre, &e) != OMS_OK) {
		struct oms_error e2 = { 0 };
		db_exec(j->db, "ROLLBACK", 0, NULL, &e2);
		free(res);
		if (job_db_trouble(jb, &e))
			return;
		if (e.status == OMS_DB)
			goto db_failed_freed;
		job_dead(jb, e.msg);
		return;
	}
	if (db_exec(j->db, SQL_DONE, 2, p, &e) != OMS_OK ||
	    db_exec(j->db, "COMMIT", 0, NULL, &e) != OMS_OK) {
		struct oms_error e2 = { 0 };
		db_exec(j->db, "ROLLBACK", 0, NULL, &e2);
		free(res);
		if (job_db_trouble(jb, &e))
			return;
		goto db_failed_freed;
	}
	j->n_done++;
	log_info("job %lld (%s) done", jb->id, jb->kind);
	free(res);
	job_detach(jb);
	return;
db_failed:
	free(res);
db_failed_freed:
	/* The outside world has acted; the lease will run out and the job
	 * comes back, which the idempotency key / Message-ID make harmless. */
	note_db_error(j, &e);
	log_error("job %lld (%s): cannot record the result: %s", jb->id, jb->kind, e.msg);
	job_detach(jb);
}

/* -- the services -------------------------------------------------------- */

/* Transport error or an answer meaning "unwell": the breaker hears it. */
static void
service_failed(struct job *jb)
{
	struct breaker *b = &jb->owner->br[jb->svc];
	enum breaker_state was = b->state;

	breaker_failure(b, jobs_now_ms());
	if (b->state == BREAKER_OPEN && was != BREAKER_OPEN)
		log_warn("%s: circuit open for %llu ms%s", b->name, (unsigned long long)b->open_ms,
			 was == BREAKER_HALF_OPEN ? " (the probe failed)" : "");
}

static void
service_ok(struct job *jb)
{
	struct breaker *b = &jb->owner->br[jb->svc];

	if (b->state != BREAKER_CLOSED)
		log_info("%s: circuit closed again", b->name);
	breaker_success(b, jobs_now_ms());
}

static void
transport_message(const struct http_response *resp, const char *what, char *out, size_t outlen)
{
	if (resp->timed_out)
		snprintf(out, outlen, "%s: timed out", what);
	else
		snprintf(out, outlen, "%s: %s", what, resp->errmsg[0] ? resp->errmsg : "transfer failed");
}

static void
on_refund(const struct http_response *resp, void *arg)
{
	struct job *jb = arg;
	struct payment_result r;
	char msg[400], rid[24], words[300];

	payment_parse_refund(resp->transport_error ? 0 : resp->status, resp->body, resp->len, &r);
	payment_describe(&r, words, sizeof words);
	if (resp->transport_error) {
		service_failed(jb);
		transport_message(resp, "payment gateway", msg, sizeof msg);
		job_retry(jb, msg);
		return;
	}
	if (r.outcome == PAYMENT_FATAL) {
		service_ok(jb);
		snprintf(msg, sizeof msg, "payment gateway refused the refund: %s", words);
		job_dead(jb, msg);
		return;
	}
	if (r.outcome == PAYMENT_RETRY) {
		if (r.http_status != 409)
			service_failed(jb);
		snprintf(msg, sizeof msg, "payment gateway: %s", words);
		job_retry(jb, msg);
		return;
	}
	service_ok(jb);
	snprintf(rid, sizeof rid, "%lld", jb->refund_id);
	{
		const char *p[4] = { rid, r.status, r.id, r.message[0] ? words : NULL };
		if (strcmp(r.status, "pending") == 0) {
			struct oms_error e = { 0 };
			/* Record the gateway's id now, so the next attempt asks
			 * about this refund instead of creating one. */
			if (db_exec(jb->owner->db, SQL_REFUND_RESULT, 4, p, &e) != OMS_OK) {
				if (job_db_trouble(jb, &e))
					return;
				job_retry(jb, e.msg);
				return;
			}
			job_retry(jb, "refund pending at the payment gateway");
			return;
		}
		job_done(jb, json_pack("{s:s, s:s, s:s}", "provider_refund_id", r.id, "status",
				       r.status, "failure_reason", r.failure_reason),
			 SQL_REFUND_RESULT, 4, p);
	}
}

/* One failed verification: payment_failed and, in the same transaction,
 * the job's next step (again later while the payment is still pending,
 * done once the SQL side gave up on it). */
static void
verify_failed(struct job *jb, const char *why)
{
	struct jobs *j = jb->owner;
	struct oms_error e = { 0 };
	struct db_result *r;
	char no[24], id[24], msg[512], delay[24];
	const char *p[3];
	bool failed;
	uint64_t d;

	clean_message(why, msg, sizeof msg);
	snprintf(no, sizeof no, "%lld", jb->order_no);
	snprintf(id, sizeof id, "%lld", jb->id);
	p[0] = no;
	p[1] = msg;
	if (db_exec(j->db, "BEGIN", 0, NULL, &e) != OMS_OK)
		goto db_failed;
	r = db_query(j->db, SQL_PAYMENT_FAILED, 2, p, &e);
	if (!r) {
		struct oms_error e2 = { 0 };
		db_exec(j->db, "ROLLBACK", 0, NULL, &e2);
		if (job_db_trouble(jb, &e))
			return;
		if (e.status == OMS_DB)
			goto db_failed;
		job_dead(jb, e.msg);
		return;
	}
	failed = strcmp(db_get(r, 0, 0), "failed") == 0;
	db_result_free(r);
	if (failed) {
		char res[600];
		json_t *o = json_pack("{s:s, s:s}", "payment", "failed", "error", msg);
		char *js = json_dumps(o, JSON_COMPACT);
		snprintf(res, sizeof res, "%s", js ? js : "{}");
		free(js);
		json_decref(o);
		p[0] = id;
		p[1] = res;
		if (db_exec(j->db, SQL_DONE, 2, p, &e) != OMS_OK)
			goto rollback;
	} else {
		d = backoff_delay_ms(j->cfg.backoff_base_ms, j->cfg.backoff_cap_ms,
				     (unsigned)(jb->attempt > 0 ? jb->attempt - 1 : 0), &j->rng);
		snprintf(delay, sizeof delay, "%llu", (unsigned long long)d);
		p[0] = id;
		p[1] = msg;
		p[2] = delay;
		if (db_exec(j->db, SQL_RETRY, 3, p, &e) != OMS_OK)
			goto rollback;
		schedule(j, d);
	}
	if (db_exec(j->db, "COMMIT", 0, NULL, &e) != OMS_OK)
		goto rollback;
	if (failed) {
		j->n_done++;
		log_warn("job %lld: payment of order %lld marked failed: %s", jb->id, jb->order_no, msg);
	} else {
		j->n_retry++;
		log_info("job %lld: payment of order %lld not verified yet: %s", jb->id, jb->order_no, msg);
	}
	job_detach(jb);
	return;
rollback:
	{
		struct oms_error e2 = { 0 };
		db_exec(j->db, "ROLLBACK", 0, NULL, &e2);
	}
	if (job_db_trouble(jb, &e))
		return;
db_failed:
	note_db_error(j, &e);
	log_error("job %lld (%s): cannot record the result: %s", jb->id, jb->kind, e.msg);
	job_detach(jb);
}

static void
on_verify(const struct http_response *resp, void *arg)
{
	struct job *jb = arg;
	struct payment_result r;
	char msg[400], words[300];

	payment_parse_intent(resp->transport_error ? 0 : resp->status, resp->body, resp->len, &r);
	payment_describe(&r, words, sizeof words);
	if (resp->transport_error || r.outcome == PAYMENT_RETRY) {
		if (resp->transport_error)
			transport_message(resp, "payment gateway", msg, sizeof msg);
		else
			snprintf(msg, sizeof msg, "payment gateway: %s", words);
		if (resp->transport_error || r.http_status != 409)
			service_failed(jb);
		job_retry(jb, msg);
		return;
	}
	service_ok(jb);
	if (r.outcome == PAYMENT_OK && strcmp(r.status, "succeeded") == 0) {
		char no[24], amount[24];
		long long got = r.amount_received >= 0 ? r.amount_received : r.amount;
		snprintf(no, sizeof no, "%lld", jb->order_no);
		snprintf(amount, sizeof amount, "%lld", got);
		const char *p[4] = { no, jb->provider_ref, amount, r.currency[0] ? r.currency : NULL };
		job_done(jb, json_pack("{s:s, s:s, s:I}", "payment_intent", r.id, "status",
				       r.status, "amount_received", (json_int_t)got),
			 SQL_CONFIRM, 4, p);
		return;
	}
	/* Answered, but not paid (or no such payment): BR-011 allows a few
	 * more looks; oms_api.payment_failed counts them and, at the last,
	 * marks the payment failed and queues the customer's mail. */
	if (r.outcome == PAYMENT_FATAL)
		snprintf(msg, sizeof msg, "payment not verified: %s", words);
	else
		snprintf(msg, sizeof msg, "payment not verified: status %s", r.status);
	verify_failed(jb, msg);
}

static void
on_mail(const struct http_response *resp, void *arg)
{
	struct job *jb = arg;
	char msg[400];

	if (resp->transport_error == 0) {
		service_ok(jb);
		log_info("job %lld: %s mail for order %lld accepted, %s", jb->id, jb->msg.event,
			 jb->order_no, jb->msg.message_id);
		job_done(jb, json_pack("{s:s, s:s}", "message_id", jb->msg.message_id, "event",
				       jb->msg.event), NULL, 0, NULL);
		return;
	}
	if (resp->status >= 500 && resp->status <= 599) {
		/* The relay judged this message (bad recipient ...): final. */
		service_ok(jb);
		snprintf(msg, sizeof msg, "SMTP %ld from the mail relay: recipient or message "
			 "refused (%s)", resp->status, resp->errmsg);
		job_dead(jb, msg);
		return;
	}
	service_failed(jb);
	if (resp->status >= 400)
		snprintf(msg, sizeof msg, "mail relay: temporary failure (SMTP %ld)", resp->status);
	else
		transport_message(resp, "mail relay", msg, sizeof msg);
	job_retry(jb, msg);
}

/* -- starting a job -------------------------------------------------------- */

/* The service is switched off by its breaker: release without a call. */
static bool
breaker_blocks(struct job *jb)
{
	struct breaker *b = &jb->owner->br[jb->svc];
	uint64_t now = jobs_now_ms();
	char msg[160];

	if (breaker_allow(b, now))
		return false;
	snprintf(msg, sizeof msg, "%s circuit %s, not tried", b->name,
		 breaker_state_name(b->state));
	job_release(jb, breaker_wait_ms(b, now), msg, true);
	return true;
}

static void
start_refund(struct job *jb)
{
	struct jobs *j = jb->owner;
	struct oms_error e = { 0 };
	struct db_result *r;
	char id[24], key[96], path[192], esc[160];
	const char *p[1] = { id };
	long long amount;
	char status[24];
	const char *approval;

	snprintf(id, sizeof id, "%lld", jb->refund_id);
	r = db_query(j->db, SQL_REFUND_INFO, 1, p, &e);
	if (!r) {
		if (!job_db_trouble(jb, &e))
			job_retry(jb, e.msg);
		return;
	}
	if (db_rows(r) != 1) {
		db_result_free(r);
		job_dead(jb, "refund job names no refund");
		return;
	}
	amount = db_get_ll(r, 0, 0);
	payment_idempotency_key(db_get(r, 0, 2), key, sizeof key);
	/* copied: the result is freed before the status decides the request */
	snprintf(status, sizeof status, "%s", db_get(r, 0, 3));
	approval = db_get(r, 0, 5);
	snprintf(jb->provider_refund_id, sizeof jb->provider_refund_id, "%s", db_get(r, 0, 4));
	snprintf(jb->provider_ref, sizeof jb->provider_ref, "%s", db_get(r, 0, 6));
	jb->order_no = db_get_ll(r, 0, 7);
	if (!strcmp(status, "succeeded") || !strcmp(status, "failed") || !strcmp(status, "canceled")) {
		/* Settled by an earlier delivery whose outbox_done was lost. */
		json_t *res = json_pack("{s:s, s:s}", "status", status, "note", "already settled");
		db_result_free(r);
		job_done(jb, res, NULL, 0, NULL);
		return;
	}
	if (strcmp(approval, "auto") != 0 && strcmp(approval, "approved") != 0) {
		db_result_free(r);
		job_dead(jb, "refund is not approved");
		return;
	}
	if (!jb->provider_ref[0]) {
		db_result_free(r);
		job_dead(jb, "the order has no payment reference to refund");
		return;
	}
	db_result_free(r);
	if (breaker_blocks(jb))
		return;
	if (!strcmp(status, "pending") && jb->provider_refund_id[0]) {
		jb->step = STEP_REFUND_GET;
		payment_url_escape(jb->provider_refund_id, esc, sizeof esc);
		snprintf(path, sizeof path, "/v1/refunds/%s", esc);
		if (http_start_get(j->eng, &j->cfg.payment, path, on_refund, jb, &e) != OMS_OK)
			goto failed;
		return;
	}
	jb->step = STEP_REFUND_POST;
	{
		char *form = payment_refund_form(jb->provider_ref, amount, id);
		enum oms_status st = form ? http_start_post_form(j->eng, &j->cfg.payment, "/v1/refunds",
								 form, key, on_refund, jb, &e)
					  : oms_fail(&e, OMS_NOMEM, "out of memory");
		free(form);
		if (st != OMS_OK)
			goto failed;
	}
	return;
failed:
	breaker_abandon(&j->br[jb->svc]);
	if (e.status == OMS_CONFIG)
		job_retry(jb, e.msg);      /* an admin can fix the config and SIGHUP */
	else
		job_dead(jb, e.msg);
}

static void
start_verify(struct job *jb)
{
	struct jobs *j = jb->owner;
	struct oms_error e = { 0 };
	struct db_result *r;
	char id[24], path[192], esc[160];
	const char *p[1] = { id };

	snprintf(id, sizeof id, "%lld", jb->order_id);
	r = db_query(j->db, SQL_VERIFY_INFO, 1, p, &e);
	if (!r) {
		if (!job_db_trouble(jb, &e))
			job_retry(jb, e.msg);
		return;
	}
	if (db_rows(r) != 1) {
		db_result_free(r);
		job_dead(jb, "payment verification job names no order with a payment");
		return;
	}
	jb->order_no = db_get_ll(r, 0, 0);
	snprintf(jb->provider_ref, sizeof jb->provider_ref, "%s", db_get(r, 0, 1));
	if (!jb->provider_ref[0]) {
		/* The shop may pass the gateway's reference in the payload. */
		json_error_t jerr;
		json_t *root = json_loads(jb->payload ? jb->payload : "{}", 0, &jerr);
		const char *keys[] = { "payment_ref", "provider_ref", "payment_intent", NULL };
		for (int i = 0; keys[i] && !jb->provider_ref[0]; i++) {
			json_t *v = json_object_get(root, keys[i]);
			if (json_is_string(v))
				snprintf(jb->provider_ref, sizeof jb->provider_ref, "%s",
					 json_string_value(v));
		}
		json_decref(root);
	}
	if (!strcmp(db_get(r, 0, 2), "verified")) {
		db_result_free(r);
		job_done(jb, json_pack("{s:s}", "note", "already verified"), NULL, 0, NULL);
		return;
	}
	db_result_free(r);
	if (!jb->provider_ref[0]) {
		/* Nothing to ask the gateway about yet: the shop or a CSR
		 * has not attached the payment (oms_api.attach_payment).
		 * Not a failed look, which would soon fail the payment of an
		 * order taken by phone; an outbox retry, dead (visible to
		 * admins, requeued after attaching) when never attached. */
		job_retry(jb, "no payment reference yet (oms_api.attach_payment)");
		return;
	}
	if (breaker_blocks(jb))
		return;
	jb->step = STEP_VERIFY;
	payment_url_escape(jb->provider_ref, esc, sizeof esc);
	snprintf(path, sizeof path, "/v1/payment_intents/%s", esc);
	if (http_start_get(j->eng, &j->cfg.payment, path, on_verify, jb, &e) != OMS_OK) {
		breaker_abandon(&j->br[jb->svc]);
		job_retry(jb, e.msg);
	}
}

/* Everything personal the mail job knows is masked in its log lines and
 * its last_error from now until the job is freed: the recipient, the
 * customer's and the seller's name and e-mail, the customer's phone, the
 * shipping address (loaded for this only, under "pii"). */
static void
register_pii(struct job *jb, json_t *data)
{
	static const struct { const char *key; enum log_pii_kind kind; } keys[] = {
		{ "to", LOG_PII_EMAIL }, { "email", LOG_PII_EMAIL },
		{ "customer_email", LOG_PII_EMAIL }, { "seller_email", LOG_PII_EMAIL },
		{ "customer_name", LOG_PII_NAME }, { "seller_name", LOG_PII_NAME },
		{ "full_name", LOG_PII_NAME }, { "phone", LOG_PII_PHONE },
	};
	json_t *pii = json_object_get(data, "pii"), *ship, *v;
	const char *k;

	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		v = json_object_get(data, keys[i].key);
		if (json_is_string(v))
			log_pii_add(jb, keys[i].kind, json_string_value(v));
	}
	v = json_object_get(pii, "phone");
	if (json_is_string(v))
		log_pii_add(jb, LOG_PII_PHONE, json_string_value(v));
	ship = json_object_get(pii, "ship_to");
	json_object_foreach(ship, k, v) {
		if (!json_is_string(v) || !strcmp(k, "country"))
			continue;
		log_pii_add(jb, !strcmp(k, "name") ? LOG_PII_NAME :
				!strcmp(k, "phone") ? LOG_PII_PHONE :
				!strcmp(k, "email") ? LOG_PII_EMAIL : LOG_PII_ADDRESS,
			    json_string_value(v));
	}
}

/* The job's payload (ids, template, amounts) over the order's data read
 * from the database; returns a malloc'd JSON text or NULL with e set. */
static char *
mail_payload(struct job *jb, char *event, size_t evlen, bool *to_seller, struct oms_error *e)
{
	struct jobs *j = jb->owner;
	json_error_t jerr;
	json_t *payload = json_loads(jb->payload ? jb->payload : "{}", 0, &jerr), *data = NULL, *v;
	struct db_result *r = NULL;
	char oid[24], ship[24] = "", refund[24] = "", *out = NULL;
	const char *p[3] = { oid, ship, refund };
	const char *tmpl = NULL, *ev = NULL;

	*to_seller = false;
	if (!json_is_object(payload)) {
		oms_fail(e, OMS_INVALID, "mail job payload is not a JSON object");
		goto out;
	}
	v = json_object_get(payload, "shipment_id");
	if (json_is_integer(v))
		snprintf(ship, sizeof ship, "%lld", (long long)json_integer_value(v));
	v = json_object_get(payload, "refund_id");
	if (json_is_integer(v))
		snprintf(refund, sizeof refund, "%lld", (long long)json_integer_value(v));
	else if (jb->refund_id)
		snprintf(refund, sizeof refund, "%lld", jb->refund_id);
	if (jb->order_id) {
		snprintf(oid, sizeof oid, "%lld", jb->order_id);
		r = db_query(j->db, SQL_MAIL_DATA, 3, p, e);
		if (!r)
			goto out;
		if (db_rows(r) == 1)
			data = json_loads(db_get(r, 0, 0), 0, &jerr);
		db_result_free(r);
	}
	if (!json_is_object(data)) {
		json_decref(data);
		data = json_object();
	}
	json_object_update(data, payload);     /* the event's own values win */
	register_pii(jb, data);
	json_object_del(data, "pii");
	v = json_object_get(data, "template");
	tmpl = json_is_string(v) ? json_string_value(v) : NULL;
	v = json_object_get(data, "event");
	ev = json_is_string(v) ? json_string_value(v) : NULL;
	if (!strcmp(jb->kind, "seller_notify")) {
		/* To the seller: template seller_<event>, address of the seller. */
		*to_seller = true;
		snprintf(event, evlen, "seller_%s", ev ? ev : "");
		v = json_object_get(data, "seller_email");
		json_object_set(data, "to", v ? v : json_null());
		v = json_object_get(data, "seller_name");
		if (v)
			json_object_set(data, "customer_name", v);
	} else {
		snprintf(event, evlen, "%s", tmpl ? tmpl : ev ? ev : "");
	}
	v = json_object_get(data, "order_no");
	if (json_is_integer(v))
		jb->order_no = (long long)json_integer_value(v);
	out = json_dumps(data, JSON_COMPACT);
	if (!out)
		oms_fail(e, OMS_NOMEM, "out of memory");
out:
	json_decref(payload);
	json_decref(data);
	return out;
}

static void
start_mail(struct job *jb)
{
	struct jobs *j = jb->owner;
	struct oms_error e = { 0 };
	char ev[64] = "", *payload;
	bool to_seller;
	enum oms_status st;

	payload = mail_payload(jb, ev, sizeof ev, &to_seller, &e);
	if (!payload) {
		if (job_db_trouble(jb, &e))
			return;
		if (e.status == OMS_INVALID)
			job_dead(jb, e.msg);
		else
			job_retry(jb, e.msg);
		return;
	}
	st = mail_build(ev, payload, strlen(payload), jb->id, &j->cfg.mail, time(NULL), &jb->msg, &e);
	free(payload);
	if (st != OMS_OK) {
		if (st == OMS_INVALID && to_seller && strstr(e.msg, "recipient")) {
			/* A seller without an e-mail address reads notices in
			 * the terminal client: nothing to send. */
			job_done(jb, json_pack("{s:s}", "note", "seller has no e-mail address"),
				 NULL, 0, NULL);
		} else if (st == OMS_CONFIG || st == OMS_NOMEM) {
			job_retry(jb, e.msg);
		} else {
			job_dead(jb, e.msg);
		}
		return;
	}
	if (breaker_blocks(jb))
		return;
	jb->step = STEP_MAIL;
	if (http_start_smtp(j->eng, &j->cfg.smtp, j->cfg.mail.from, jb->msg.rcpt, jb->msg.data,
			    jb->msg.len, on_mail, jb, &e) != OMS_OK) {
		breaker_abandon(&j->br[jb->svc]);
		if (e.status == OMS_INVALID)
			job_dead(jb, e.msg);
		else
			job_retry(jb, e.msg);
	}
}

static void
job_start(struct job *jb)
{
	if (!strcmp(jb->kind, "refund")) {
		jb->svc = SVC_PAYMENT;
		start_refund(jb);
	} else if (!strcmp(jb->kind, "payment_verify")) {
		jb->svc = SVC_PAYMENT;
		start_verify(jb);
	} else if (!strcmp(jb->kind, "mail") || !strcmp(jb->kind, "seller_notify")) {
		jb->svc = SVC_SMTP;
		start_mail(jb);
	} else if (!strcmp(jb->kind, "inventory_release")) {
		/* No inventory service is connected in this deployment: the
		 * stock was released in the cancelling transaction. */
		jb->svc = SVC_PAYMENT;
		job_done(jb, json_pack("{s:s}", "note", "no external inventory service"), NULL, 0, NULL);
	} else {
		jb->svc = SVC_PAYMENT;
		job_dead(jb, "unknown outbox job kind");
	}
}

static long long
col_ll(const struct db_result *r, int row, int col)
{
	return col >= 0 && !db_isnull(r, row, col) ? db_get_ll(r, row, col) : 0;
}

enum oms_status
jobs_claim(struct jobs *j, unsigned *claimed, unsigned *released, struct oms_error *err)
{
	unsigned slots = jobs_free_slots(j);
	struct db_result *r;
	char lim[16];
	const char *p[2];
	int c_id, c_kind, c_refund, c_order, c_payload, c_attempts;

	*claimed = 0;
	*released = 0;
	j->claim_released = 0;
	if (slots == 0)
		return OMS_OK;
	snprintf(lim, sizeof lim, "%u", slots);
	p[0] = j->cfg.worker_id;
	p[1] = lim;
	r = db_query(j->db, SQL_CLAIM, 2, p, err);
	if (!r) {
		if (err && err->status == OMS_DB_GONE)
			j->db_lost = true;
		return err ? err->status : OMS_DB;
	}
	c_id = db_colnum(r, "id");
	c_kind = db_colnum(r, "kind");
	c_refund = db_colnum(r, "refund_id");
	c_order = db_colnum(r, "order_id");
	c_payload = db_colnum(r, "payload");
	c_attempts = db_colnum(r, "attempts");
	if (c_id < 0 || c_kind < 0) {
		db_result_free(r);
		return oms_fail(err, OMS_SCHEMA, "oms_api.outbox_claim returns no id/kind columns");
	}
	j->next_due = 0;
	for (int i = 0; i < db_rows(r); i++) {
		struct job *jb = calloc(1, sizeof *jb);
		if (!jb)
			break;
		jb->owner = j;
		jb->id = col_ll(r, i, c_id);
		jb->refund_id = col_ll(r, i, c_refund);
		jb->order_id = col_ll(r, i, c_order);
		jb->attempt = (int)col_ll(r, i, c_attempts) + ATTEMPT_OFFSET;
		if (jb->attempt < 1)
			jb->attempt = 1;
		snprintf(jb->kind, sizeof jb->kind, "%s", db_get(r, i, c_kind));
		jb->payload = strdup(c_payload >= 0 ? db_get(r, i, c_payload) : "{}");
		jb->next = j->running;
		j->running = jb;
		j->in_flight++;
		(*claimed)++;
		log_debug("job %lld (%s) claimed, attempt %d", jb->id, jb->kind, jb->attempt);
	}
	db_result_free(r);
	/* Start after the loop: a job that finishes at once (done, dead)
	 * detaches itself, which must not disturb the claiming. */
	{
		struct job *fresh[256];
		unsigned n = 0;
		for (struct job *jb = j->running; jb && n < *claimed && n < 256; jb = jb->next)
			fresh[n++] = jb;
		for (unsigned k = 0; k < n; k++)
			job_start(fresh[k]);
	}
	*released = j->claim_released;
	return j->db_lost ? oms_fail(err, OMS_DB_GONE, "database connection lost") : OMS_OK;
}
