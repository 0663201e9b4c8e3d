/* Payment verification jobs (BR-011): ask the gateway about the order's
 * payment intent (GET /v1/payment_intents/REF). Succeeded: confirm the
 * payment with the amount and currency the gateway reports
 * (oms_api.confirm_payment checks them against the order). Not paid: a
 * failed look, which oms_api.payment_failed counts; at the last one it
 * fails the payment and queues the customer's mail. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "db/db.h"
#include "log.h"
#include "http/payment.h"
#include "worker/job.h"

/* sql/functions/80_outbox.sql: what to verify; 70_payment_shipping: the outcomes. */
#define SQL_PAYMENT_TO_VERIFY \
	"SELECT order_no, provider_ref, status FROM oms_api.payment_to_verify($1::bigint)"
/* $4: the currency the gateway says it was paid in, $5 the order number the
 * shop put in its metadata (BR-011 checks both against the order). */
#define SQL_CONFIRM "SELECT oms_api.confirm_payment($1::bigint, $2, $3::bigint, $4, $5)"
#define SQL_PAYMENT_FAILED "SELECT oms_api.payment_failed($1::bigint, $2)"

/* The shop may pass the gateway's reference in the payload instead of
 * attaching it to the payment. */
static void
ref_from_payload(struct job *jb)
{
	static const char *const keys[] = { "payment_ref", "provider_ref", "payment_intent" };
	json_error_t jerr;
	json_t *root = json_loads(jb->payload ? jb->payload : "{}", 0, &jerr);

	for (size_t i = 0; i < sizeof keys / sizeof keys[0] && !jb->provider_ref[0]; i++) {
		json_t *v = json_object_get(root, keys[i]);
		if (json_is_string(v))
			snprintf(jb->provider_ref, sizeof jb->provider_ref, "%s", json_string_value(v));
	}
	json_decref(root);
}

void
verify_job_start(struct job *jb)
{
	struct oms_error e = { 0 };
	struct db_result *r;
	char path[192], esc[160];
	bool verified;

	if (!(r = job_read_row(jb, SQL_PAYMENT_TO_VERIFY, jb->order_id,
			       "payment verification job names no order with a payment")))
		return;
	jb->order_no = db_get_ll(r, 0, 0);
	snprintf(jb->provider_ref, sizeof jb->provider_ref, "%s", db_get(r, 0, 1));
	verified = !strcmp(db_get(r, 0, 2), "verified");
	db_result_free(r);
	if (!jb->provider_ref[0])
		ref_from_payload(jb);
	if (verified) {
		job_done(jb, json_pack("{s:s}", "note", "already verified"), NULL, 0, NULL);
		return;
	}
	if (!jb->provider_ref[0]) {
		/* Nothing to ask the gateway about yet: the shop or a CSR
		 * has not attached the payment (oms_api.attach_payment).
		 * Not a failed look, which would soon fail the payment of an
		 * order taken by phone; an outbox retry, dead (visible to
		 * admins, requeued after attaching) when never attached. */
		job_retry(jb, "no payment reference yet (oms_api.attach_payment)");
		return;
	}
	if (job_service_blocked(jb))
		return;
	payment_url_escape(jb->provider_ref, esc, sizeof esc);
	snprintf(path, sizeof path, "/v1/payment_intents/%s", esc);
	if (job_http_get(jb, path, &e) != OMS_OK)
		job_retry(jb, e.msg);
}

/* One failed look: payment_failed and, in the same transaction, the job's
 * next step (again later while the payment is still pending, done once
 * the SQL side gave up on it). */
static void
verify_failed(struct job *jb, const char *why)
{
	struct db *db = job_db(jb);
	struct oms_error e = { 0 }, e2 = { 0 };
	struct db_result *r;
	char no[24], msg[512];
	const char *p[2] = { no, msg };
	bool failed;
	uint64_t d = 0;

	job_clean_message(why, msg, sizeof msg);
	snprintf(no, sizeof no, "%lld", jb->order_no);
	if (db_exec(db, "BEGIN", 0, NULL, &e) != OMS_OK) {
		job_unrecorded(jb, &e);
		return;
	}
	r = db_query(db, SQL_PAYMENT_FAILED, 2, p, &e);
	if (!r) {
		db_exec(db, "ROLLBACK", 0, NULL, &e2);
		if (job_db_trouble(jb, &e))
			return;
		if (e.status == OMS_DB)
			job_unrecorded(jb, &e);
		else
			job_dead(jb, e.msg);
		return;
	}
	failed = strcmp(db_get(r, 0, 0), "failed") == 0;
	db_result_free(r);
	if (failed) {
		if (job_tx_done(jb, json_pack("{s:s, s:s}", "payment", "failed", "error", msg), &e) != OMS_OK)
			goto rollback;
	} else {
		d = job_backoff_ms(jb);
		if (job_tx_retry(jb, msg, d, &e) != OMS_OK)
			goto rollback;
	}
	if (db_exec(db, "COMMIT", 0, NULL, &e) != OMS_OK)
		goto rollback;
	if (failed)
		log_warn("job %lld: payment of order %lld marked failed: %s", jb->id, jb->order_no, msg);
	else
		log_info("job %lld: payment of order %lld not verified yet: %s", jb->id, jb->order_no, msg);
	job_finished(jb, failed ? JOB_END_DONE : JOB_END_RETRY, d);
	return;
rollback:
	db_exec(db, "ROLLBACK", 0, NULL, &e2);
	if (!job_db_trouble(jb, &e))
		job_unrecorded(jb, &e);
}

void
verify_job_result(struct job *jb, const struct http_response *resp)
{
	struct payment_result r;
	char msg[400], words[300], no[24], amount[24];
	long long got;

	payment_parse_intent(resp->transport_error ? 0 : resp->status, resp->body, resp->len, &r);
	payment_describe(&r, words, sizeof words);
	if (resp->transport_error || r.outcome == PAYMENT_RETRY) {
		if (resp->transport_error)
			job_transport_message(resp, "payment gateway", msg, sizeof msg);
		else
			snprintf(msg, sizeof msg, "payment gateway: %s", words);
		if (resp->transport_error || r.http_status != 409)
			job_service_failed(jb);
		job_retry(jb, msg);
		return;
	}
	job_service_ok(jb);
	if (r.outcome == PAYMENT_OK && strcmp(r.status, "succeeded") == 0) {
		got = r.amount_received >= 0 ? r.amount_received : r.amount;
		snprintf(no, sizeof no, "%lld", jb->order_no);
		snprintf(amount, sizeof amount, "%lld", got);
		const char *p[5] = { no, jb->provider_ref, amount, r.currency[0] ? r.currency : NULL,
				     r.metadata_order_no[0] ? r.metadata_order_no : NULL };
		job_done(jb, json_pack("{s:s, s:s, s:I}", "payment_intent", r.id, "status", r.status,
				       "amount_received", (json_int_t)got),
			 SQL_CONFIRM, 5, p);
		return;
	}
	/* Answered, but not paid (or no such payment): BR-011 allows a few
	 * more looks. */
	if (r.outcome == PAYMENT_FATAL)
		snprintf(msg, sizeof msg, "payment not verified: %s", words);
	else
		snprintf(msg, sizeof msg, "payment not verified: status %s", r.status);
	verify_failed(jb, msg);
}
