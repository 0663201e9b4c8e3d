/* The worker's core: the queue of claimed jobs, their lease, the breakers,
 * and the four ways a job ends (done, retry later, dead, released
 * untried). Which kinds exist and what each does is the job-kind table
 * (kinds.c) and the family files; nothing here knows a kind by name. */
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
#include "worker/job.h"

/* The outbox API this file depends on (sql/0007, 0008). */
#define SQL_CLAIM "SELECT * FROM oms_api.outbox_claim($1, $2::int)"
#define SQL_DONE "SELECT oms_api.outbox_done($1::bigint, $2::jsonb)"
#define SQL_RETRY "SELECT oms_api.outbox_retry_later($1::bigint, $2, $3::bigint)"
#define SQL_DEAD "SELECT oms_api.outbox_dead($1::bigint, $2)"
#define SQL_RELEASE "SELECT oms_api.outbox_release($1::bigint, $2::bigint, $3)"

/* A job whose order is locked by another session (a CSR's open
 * transaction) goes back for a few seconds, plus jitter so that several
 * such jobs do not come back together. */
#define BUSY_DELAY_MS 2000
#define BUSY_JITTER_MS 3000

/* outbox_claim counts the attempt it hands out (attempts is 1 on the first
 * delivery); set to 1 if the SQL side counts only failures. */
#define ATTEMPT_OFFSET 0

/* At most this many jobs are started per claim (concurrency is at most
 * 256, see oms-worker(8)). */
#define CLAIM_MAX 256

struct jobs {
	struct db *db;
	struct http_engine *eng;
	struct jobs_config cfg;
	char *owned[24];
	size_t nowned;
	struct breaker br[JOB_SVC_COUNT];
	struct job *running;
	unsigned in_flight;
	uint64_t rng;
	uint64_t next_due;
	unsigned long n_done, n_retry, n_dead, n_released;
	unsigned claim_released;   /* by the last jobs_claim */
	bool db_lost;
};

const struct breaker *
jobs_breaker(const struct jobs *j, unsigned i)
{
	return j && i < JOB_SVC_COUNT ? &j->br[i] : NULL;
}

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
	c.payment.api_version = own(j, cfg->payment.api_version);
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
	for (int s = 0; s < JOB_SVC_COUNT; s++) {
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
	breaker_init(&j->br[JOB_SVC_PAYMENT], "payment", cfg->breaker_threshold, cfg->breaker_open_ms);
	breaker_init(&j->br[JOB_SVC_MAIL], "smtp", cfg->breaker_threshold, cfg->breaker_open_ms);
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

struct db *
job_db(const struct job *jb)
{
	return jb->owner->db;
}

const struct jobs_config *
job_config(const struct job *jb)
{
	return &jb->owner->cfg;
}

/* -- the end of a job -------------------------------------------------- */

void
job_clean_message(const char *in, char *out, size_t outlen)
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

/* The job leaves the list of jobs in hand (whatever became of its row). */
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

/*   OMS_RETRY      its order is locked by another session (lock_timeout,
 *                  55P03), or a deadlock or serialization failure: nothing
 *                  was written; the job goes back at once for a few
 *                  seconds without spending an attempt, and the worker
 *                  goes on with the next job. A refund may have been
 *                  executed already: its next attempt sends the same
 *                  Idempotency-Key, and the gateway replays its answer.
 *   OMS_DB_GONE,   the connection is lost, or the server is a standby
 *   OMS_READ_ONLY  now: the lease brings the job back after a reconnect. */
bool
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

struct db_result *
job_read_row(struct job *jb, const char *sql, long long id, const char *missing)
{
	struct oms_error e = { 0 };
	struct db_result *r;
	char buf[24];
	const char *p[1] = { buf };

	snprintf(buf, sizeof buf, "%lld", id);
	r = db_query(job_db(jb), sql, 1, p, &e);
	if (!r) {
		if (!job_db_trouble(jb, &e))
			job_retry(jb, e.msg);
		return NULL;
	}
	if (db_rows(r) != 1) {
		db_result_free(r);
		job_dead(jb, missing);
		return NULL;
	}
	return r;
}

void
job_dead(struct job *jb, const char *why)
{
	struct jobs *j = jb->owner;
	struct oms_error e = { 0 };
	char msg[512], id[24];
	const char *p[2];

	job_clean_message(why, msg, sizeof msg);
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

/* Capped exponential backoff with full jitter, by the attempt in hand. */
uint64_t
job_backoff_ms(struct job *jb)
{
	struct jobs *j = jb->owner;

	return backoff_delay_ms(j->cfg.backoff_base_ms, j->cfg.backoff_cap_ms,
				(unsigned)(jb->attempt > 0 ? jb->attempt - 1 : 0), &j->rng);
}

enum oms_status
job_tx_retry(struct job *jb, const char *msg, uint64_t delay_ms, struct oms_error *err)
{
	char id[24], delay[24];
	const char *p[3] = { id, msg, delay };

	snprintf(id, sizeof id, "%lld", jb->id);
	snprintf(delay, sizeof delay, "%llu", (unsigned long long)delay_ms);
	return db_exec(jb->owner->db, SQL_RETRY, 3, p, err);
}

void
job_retry(struct job *jb, const char *why)
{
	job_retry_after(jb, why, 0);
}

void
job_retry_after(struct job *jb, const char *why, uint64_t min_delay_ms)
{
	struct jobs *j = jb->owner;
	struct oms_error e = { 0 };
	char msg[512];
	uint64_t d;

	if ((unsigned)jb->attempt >= j->cfg.max_attempts) {
		char last[600];
		snprintf(last, sizeof last, "gave up after %d attempts: %s", jb->attempt, why);
		job_dead(jb, last);
		return;
	}
	d = job_backoff_ms(jb);
	if (d < min_delay_ms)       /* the server said when (Retry-After) */
		d = min_delay_ms > 86400000 ? 86400000 : min_delay_ms;
	job_clean_message(why, msg, sizeof msg);
	if (job_tx_retry(jb, msg, d, &e) != OMS_OK) {
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

void
job_wait(struct job *jb, uint64_t delay_ms, const char *why)
{
	char msg[512];

	job_clean_message(why, msg, sizeof msg);
	job_release(jb, delay_ms, msg, false);
}

enum oms_status
job_tx_release(struct job *jb, const char *msg, uint64_t delay_ms, struct oms_error *err)
{
	char id[24], delay[24];
	const char *p[3] = { id, delay, msg };

	if (delay_ms > 86400000)
		delay_ms = 86400000;
	snprintf(id, sizeof id, "%lld", jb->id);
	snprintf(delay, sizeof delay, "%llu", (unsigned long long)delay_ms);
	return db_exec(jb->owner->db, SQL_RELEASE, 3, p, err);
}

enum oms_status
job_tx_done(struct job *jb, json_t *result, struct oms_error *err)
{
	char id[24], *res = result ? json_dumps(result, JSON_COMPACT) : NULL;
	const char *p[2] = { id, res ? res : "{}" };
	enum oms_status st;

	json_decref(result);
	snprintf(id, sizeof id, "%lld", jb->id);
	st = db_exec(jb->owner->db, SQL_DONE, 2, p, err);
	free(res);
	return st;
}

void
job_finished(struct job *jb, enum job_end end, uint64_t delay_ms)
{
	struct jobs *j = jb->owner;

	if (end == JOB_END_DONE) {
		j->n_done++;
	} else {
		j->n_retry++;
		schedule(j, delay_ms);
	}
	job_detach(jb);
}

/* The outside world has acted; the lease will run out and the job comes
 * back, which the idempotency key / Message-ID make harmless. */
void
job_unrecorded(struct job *jb, const struct oms_error *e)
{
	note_db_error(jb->owner, e);
	log_error("job %lld (%s): cannot record the result: %s", jb->id, jb->kind, e->msg);
	job_detach(jb);
}

static void
rollback(struct db *db)
{
	struct oms_error e2 = { 0 };

	db_exec(db, "ROLLBACK", 0, NULL, &e2);
}

void
job_done(struct job *jb, json_t *result, const char *pre, int npre, const char *const *ppre)
{
	struct jobs *j = jb->owner;
	struct oms_error e = { 0 };

	if (db_exec(j->db, "BEGIN", 0, NULL, &e) != OMS_OK) {
		json_decref(result);
		job_unrecorded(jb, &e);
		return;
	}
	if (pre && db_exec(j->db, pre, npre, ppre, &e) != OMS_OK) {
		rollback(j->db);
		json_decref(result);
		if (job_db_trouble(jb, &e))
			return;
		if (e.status == OMS_DB)
			job_unrecorded(jb, &e);
		else
			job_dead(jb, e.msg);
		return;
	}
	if (job_tx_done(jb, result, &e) != OMS_OK ||
	    db_exec(j->db, "COMMIT", 0, NULL, &e) != OMS_OK) {
		rollback(j->db);
		if (!job_db_trouble(jb, &e))
			job_unrecorded(jb, &e);
		return;
	}
	log_info("job %lld (%s) done", jb->id, jb->kind);
	job_finished(jb, JOB_END_DONE, 0);
}

/* -- the services -------------------------------------------------------- */

static struct breaker *
job_breaker(struct job *jb)
{
	return jb->type && jb->type->svc < JOB_SVC_COUNT ? &jb->owner->br[jb->type->svc] : NULL;
}

void
job_service_failed(struct job *jb)
{
	struct breaker *b = job_breaker(jb);
	enum breaker_state was;

	if (!b)
		return;
	was = b->state;
	breaker_failure(b, jobs_now_ms());
	if (b->state == BREAKER_OPEN && was != BREAKER_OPEN)
		log_warn("%s: circuit open for %llu ms%s", b->name, (unsigned long long)b->open_ms,
			 was == BREAKER_HALF_OPEN ? " (the probe failed)" : "");
}

void
job_service_ok(struct job *jb)
{
	struct breaker *b = job_breaker(jb);

	if (!b)
		return;
	if (b->state != BREAKER_CLOSED)
		log_info("%s: circuit closed again", b->name);
	breaker_success(b, jobs_now_ms());
}

void
job_service_trip(struct job *jb, uint64_t open_ms)
{
	struct breaker *b = job_breaker(jb);
	enum breaker_state was;

	if (!b)
		return;
	was = b->state;
	breaker_trip(b, jobs_now_ms(), open_ms);
	if (was != BREAKER_OPEN)
		log_warn("%s: circuit open for %llu ms at once", b->name,
			 (unsigned long long)breaker_wait_ms(b, jobs_now_ms()));
}

void
job_service_abandon(struct job *jb)
{
	struct breaker *b = job_breaker(jb);

	if (b)
		breaker_abandon(b);
}

bool
job_service_blocked(struct job *jb)
{
	struct breaker *b = job_breaker(jb);
	uint64_t now = jobs_now_ms();
	char msg[160];

	if (!b || breaker_allow(b, now))
		return false;
	snprintf(msg, sizeof msg, "%s circuit %s, not tried", b->name,
		 breaker_state_name(b->state));
	job_release(jb, breaker_wait_ms(b, now), msg, true);
	return true;
}

void
job_transport_message(const struct http_response *resp, const char *what, char *out, size_t outlen)
{
	if (resp->timed_out)
		snprintf(out, outlen, "%s: timed out", what);
	else
		snprintf(out, outlen, "%s: %s", what, resp->errmsg[0] ? resp->errmsg : "transfer failed");
}

/* Every transfer's answer comes here and goes to its kind's row. */
static void
job_on_response(const struct http_response *resp, void *arg)
{
	struct job *jb = arg;

	jb->type->result(jb, resp);
}

enum oms_status
job_http_get(struct job *jb, const char *path, struct oms_error *err)
{
	struct jobs *j = jb->owner;
	enum oms_status st = http_start_get(j->eng, &j->cfg.payment, path, job_on_response, jb, err);

	if (st != OMS_OK)
		job_service_abandon(jb);
	return st;
}

enum oms_status
job_http_post_form(struct job *jb, const char *path, const char *form, const char *idempotency_key,
		   struct oms_error *err)
{
	struct jobs *j = jb->owner;
	enum oms_status st = http_start_post_form(j->eng, &j->cfg.payment, path, form,
						  idempotency_key, job_on_response, jb, err);

	if (st != OMS_OK)
		job_service_abandon(jb);
	return st;
}

enum oms_status
job_smtp_send(struct job *jb, struct oms_error *err)
{
	struct jobs *j = jb->owner;
	/* the envelope sender: [mail] bounce_address, else from */
	const char *sender = j->cfg.mail.bounce[0] ? j->cfg.mail.bounce : j->cfg.mail.from;
	enum oms_status st = http_start_smtp(j->eng, &j->cfg.smtp, sender, jb->msg.rcpt,
					     jb->msg.data, jb->msg.len, job_on_response, jb, err);

	if (st != OMS_OK)
		job_service_abandon(jb);
	return st;
}

/* -- claiming ------------------------------------------------------------- */

static void
job_start(struct job *jb)
{
	jb->type = job_kind_find(jb->kind);
	if (!jb->type)
		job_dead(jb, "unknown outbox job kind");
	else
		jb->type->start(jb);
}

static long long
col_ll(const struct db_result *r, int row, int col)
{
	return col >= 0 && !db_isnull(r, row, col) ? db_get_ll(r, row, col) : 0;
}

/* One claimed row in hand, first in the list; NULL when out of memory
 * (the row's lease brings it back). */
static struct job *
job_take(struct jobs *j, const struct db_result *r, int i, const int col[6])
{
	struct job *jb = calloc(1, sizeof *jb);

	if (!jb)
		return NULL;
	jb->owner = j;
	jb->id = col_ll(r, i, col[0]);
	snprintf(jb->kind, sizeof jb->kind, "%s", db_get(r, i, col[1]));
	jb->refund_id = col_ll(r, i, col[2]);
	jb->order_id = col_ll(r, i, col[3]);
	jb->payload = strdup(col[4] >= 0 ? db_get(r, i, col[4]) : "{}");
	jb->attempt = (int)col_ll(r, i, col[5]) + ATTEMPT_OFFSET;
	if (jb->attempt < 1)
		jb->attempt = 1;
	jb->next = j->running;
	j->running = jb;
	j->in_flight++;
	log_debug("job %lld (%s) claimed, attempt %d", jb->id, jb->kind, jb->attempt);
	return jb;
}

enum oms_status
jobs_claim(struct jobs *j, unsigned *claimed, unsigned *released, struct oms_error *err)
{
	static const char *const names[6] = { "id", "kind", "refund_id", "order_id", "payload",
					      "attempts" };
	unsigned slots = jobs_free_slots(j);
	struct job *fresh[CLAIM_MAX];
	struct db_result *r;
	char lim[16];
	const char *p[2];
	int col[6];

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
	for (int c = 0; c < 6; c++)
		col[c] = db_colnum(r, names[c]);
	if (col[0] < 0 || col[1] < 0) {
		db_result_free(r);
		return oms_fail(err, OMS_SCHEMA, "oms_api.outbox_claim returns no id/kind columns");
	}
	j->next_due = 0;
	for (int i = 0; i < db_rows(r) && *claimed < CLAIM_MAX; i++) {
		if (!(fresh[*claimed] = job_take(j, r, i, col)))
			break;
		(*claimed)++;
	}
	db_result_free(r);
	/* Start after the loop: a job that finishes at once (done, dead)
	 * detaches itself, which must not disturb the claiming. Last claimed
	 * first, the order the worker has always used. */
	for (unsigned k = *claimed; k-- > 0;)
		job_start(fresh[k]);
	*released = j->claim_released;
	return j->db_lost ? oms_fail(err, OMS_DB_GONE, "database connection lost") : OMS_OK;
}
