/* Refund jobs: return money at the payment gateway (form-encoded POST
 * /v1/refunds, the refund's own Idempotency-Key on every attempt, so a
 * retry can never refund twice), or ask about a refund the gateway left
 * pending (GET /v1/refunds/ID); record what it says with
 * oms_api.refund_result, in the same transaction as outbox_done. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "db/db.h"
#include "http/payment.h"
#include "worker/job.h"

/* sql/functions/80_outbox.sql: what to execute; 60_refunds: the answer. */
#define SQL_REFUND_TO_EXECUTE \
	"SELECT amount_minor, currency, idempotency_key, status, provider_refund_id, approval, " \
	"       provider_ref, order_no FROM oms_api.refund_to_execute($1::bigint)"
#define SQL_REFUND_RESULT "SELECT oms_api.refund_result($1::bigint, $2, $3, $4)"

static bool
settled(const char *status)
{
	return !strcmp(status, "succeeded") || !strcmp(status, "failed") || !strcmp(status, "canceled");
}

/* The transfer could not start: a configuration an admin can fix (and
 * SIGHUP) is worth another attempt, anything else is final. */
static void
refund_not_started(struct job *jb, const struct oms_error *e)
{
	if (e->status == OMS_CONFIG)
		job_retry(jb, e->msg);
	else
		job_dead(jb, e->msg);
}

/* Asks the gateway about the refund it already knows (pending). */
static void
refund_ask(struct job *jb)
{
	struct oms_error e = { 0 };
	char path[192], esc[160];

	payment_url_escape(jb->provider_refund_id, esc, sizeof esc);
	snprintf(path, sizeof path, "/v1/refunds/%s", esc);
	if (job_http_get(jb, path, &e) != OMS_OK)
		refund_not_started(jb, &e);
}

static void
refund_post(struct job *jb, long long amount, const char *key)
{
	struct oms_error e = { 0 };
	char id[24], *form;
	enum oms_status st;

	snprintf(id, sizeof id, "%lld", jb->refund_id);
	form = payment_refund_form(jb->provider_ref, amount, id);
	if (!form) {
		job_service_abandon(jb);
		oms_fail(&e, OMS_NOMEM, "out of memory");
		refund_not_started(jb, &e);
		return;
	}
	st = job_http_post_form(jb, "/v1/refunds", form, key, &e);
	free(form);
	if (st != OMS_OK)
		refund_not_started(jb, &e);
}

void
refund_job_start(struct job *jb)
{
	struct db_result *r;
	char key[96], status[24], approval[24];
	long long amount;

	if (!(r = job_read_row(jb, SQL_REFUND_TO_EXECUTE, jb->refund_id, "refund job names no refund")))
		return;
	amount = db_get_ll(r, 0, 0);
	payment_idempotency_key(db_get(r, 0, 2), key, sizeof key);
	snprintf(status, sizeof status, "%s", db_get(r, 0, 3));
	snprintf(jb->provider_refund_id, sizeof jb->provider_refund_id, "%s", db_get(r, 0, 4));
	snprintf(approval, sizeof approval, "%s", db_get(r, 0, 5));
	snprintf(jb->provider_ref, sizeof jb->provider_ref, "%s", db_get(r, 0, 6));
	jb->order_no = db_get_ll(r, 0, 7);
	db_result_free(r);
	if (settled(status)) {
		/* Settled by an earlier delivery whose outbox_done was lost. */
		job_done(jb, json_pack("{s:s, s:s}", "status", status, "note", "already settled"),
			 NULL, 0, NULL);
		return;
	}
	if (strcmp(approval, "auto") != 0 && strcmp(approval, "approved") != 0) {
		job_dead(jb, "refund is not approved");
		return;
	}
	if (!jb->provider_ref[0]) {
		job_dead(jb, "the order has no payment reference to refund");
		return;
	}
	if (job_service_blocked(jb))
		return;
	if (!strcmp(status, "pending") && jb->provider_refund_id[0])
		refund_ask(jb);
	else
		refund_post(jb, amount, key);
}

void
refund_job_result(struct job *jb, const struct http_response *resp)
{
	struct payment_result r;
	char msg[400], rid[24], words[300];

	payment_parse_refund(resp->transport_error ? 0 : resp->status, resp->body, resp->len, &r);
	payment_describe(&r, words, sizeof words);
	if (resp->transport_error) {
		job_service_failed(jb);
		job_transport_message(resp, "payment gateway", msg, sizeof msg);
		job_retry(jb, msg);
		return;
	}
	if (r.outcome == PAYMENT_FATAL) {
		job_service_ok(jb);
		snprintf(msg, sizeof msg, "payment gateway refused the refund: %s", words);
		job_dead(jb, msg);
		return;
	}
	if (r.outcome == PAYMENT_RETRY) {
		if (r.http_status != 409)      /* a concurrent request, not an unwell gateway */
			job_service_failed(jb);
		snprintf(msg, sizeof msg, "payment gateway: %s", words);
		job_retry(jb, msg);
		return;
	}
	job_service_ok(jb);
	snprintf(rid, sizeof rid, "%lld", jb->refund_id);
	const char *p[4] = { rid, r.status, r.id, r.message[0] ? words : NULL };
	if (strcmp(r.status, "pending") == 0) {
		struct oms_error e = { 0 };
		/* Record the gateway's id now, so the next attempt asks about
		 * this refund instead of creating one. */
		if (db_exec(job_db(jb), SQL_REFUND_RESULT, 4, p, &e) != OMS_OK) {
			if (!job_db_trouble(jb, &e))
				job_retry(jb, e.msg);
			return;
		}
		job_retry(jb, "refund pending at the payment gateway");
		return;
	}
	job_done(jb, json_pack("{s:s, s:s, s:s}", "provider_refund_id", r.id, "status", r.status,
			       "failure_reason", r.failure_reason),
		 SQL_REFUND_RESULT, 4, p);
}
