/* Payment verification jobs (BR-011) and the capture of authorised
 * payments (issue 12).
 *
 * payment_verify: ask the gateway about the order's payment
 * (GET /v1/payment_intents/REF, or GET /v1/charges/REF for a reference
 * starting "ch_"). Succeeded: confirm the payment with the amount,
 * currency and metadata order number the gateway reports
 * (oms_api.confirm_payment checks them against the order). Authorised
 * only (requires_capture): confirmed as well, not captured; a
 * payment_capture job captures it. Anything else is one look, which
 * oms_api.payment_look judges: requires_action and processing wait (the
 * first queues the customer's "your bank needs you" mail), a declined
 * payment is a failed look, and a payment still unsettled after
 * payment_verify_timeout fails. The next look is when payment_look says
 * (payment_verify_schedule), without spending the job's attempts, so a
 * verification never goes dead while it waits, nor while the reference is
 * still to be attached.
 *
 * payment_capture: the capture is claimed once, under the order's lock
 * (oms_api.payment_capture_claim): what is still owed is the authorised
 * amount less the refunds granted before the claim (lines cancelled
 * before the capture). POST /v1/payment_intents/REF/capture with
 * amount_to_capture (or /v1/charges/REF/capture with amount) and an
 * Idempotency-Key of its own; the gateway releases the rest. Nothing
 * owed (the order was cancelled before the capture): POST
 * /v1/payment_intents/REF/cancel instead, never a capture and a refund.
 * The answers are recorded with oms_api.payment_captured (which settles
 * the released refunds) and oms_api.payment_capture_canceled. */
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
 * shop put in its metadata (BR-011 checks both against the order), $6
 * whether the money was captured. */
#define SQL_CONFIRM \
	"SELECT oms_api.confirm_payment($1::bigint, $2, $3::bigint, $4, $5, $6::boolean)"
#define SQL_PAYMENT_LOOK \
	"SELECT status, next_look_ms FROM oms_api.payment_look($1::bigint, $2, $3)"
#define SQL_CAPTURE_CLAIM \
	"SELECT order_no, provider_ref, action, amount_minor, authorised_minor " \
	"FROM oms_api.payment_capture_claim($1::bigint)"
#define SQL_CAPTURE_CANCELED "SELECT oms_api.payment_capture_canceled($1::bigint, $2)"
#define SQL_CAPTURED "SELECT oms_api.payment_captured($1::bigint, $2, $3::bigint)"
#define SQL_CAPTURE_FAILED "SELECT oms_api.payment_capture_failed($1::bigint, $2, $3)"

static bool
is_charge(const char *ref)
{
	return strncmp(ref, "ch_", 3) == 0;
}

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

/* One look that did not settle the payment: oms_api.payment_look and, in
 * the same transaction, the job's next step (released until the next
 * look, attempts untouched; done once the payment failed). gateway_status
 * NULL: there is no reference to look up yet. */
static void
verify_look(struct job *jb, const char *gateway_status, const char *why)
{
	struct db *db = job_db(jb);
	struct oms_error e = { 0 }, e2 = { 0 };
	struct db_result *r;
	char no[24], msg[512];
	const char *p[3] = { no, gateway_status, msg };
	bool failed;
	uint64_t d = 0;

	job_clean_message(why, msg, sizeof msg);
	snprintf(no, sizeof no, "%lld", jb->order_no);
	if (db_exec(db, "BEGIN", 0, NULL, &e) != OMS_OK) {
		job_unrecorded(jb, &e);
		return;
	}
	r = db_query(db, SQL_PAYMENT_LOOK, 3, p, &e);
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
	d = db_isnull(r, 0, 1) ? 60000 : (uint64_t)db_get_ll(r, 0, 1);
	db_result_free(r);
	if (failed) {
		if (job_tx_done(jb, json_pack("{s:s, s:s}", "payment", "failed", "error", msg), &e) != OMS_OK)
			goto rollback;
	} else if (job_tx_release(jb, msg, d, &e) != OMS_OK) {
		goto rollback;
	}
	if (db_exec(db, "COMMIT", 0, NULL, &e) != OMS_OK)
		goto rollback;
	if (failed)
		log_warn("job %lld: payment of order %lld marked failed: %s", jb->id, jb->order_no, msg);
	else
		log_info("job %lld: payment of order %lld not settled yet, next look in %llu ms: %s",
			 jb->id, jb->order_no, (unsigned long long)d, msg);
	job_finished(jb, failed ? JOB_END_DONE : JOB_END_RETRY, d);
	return;
rollback:
	db_exec(db, "ROLLBACK", 0, NULL, &e2);
	if (!job_db_trouble(jb, &e))
		job_unrecorded(jb, &e);
}

void
verify_job_start(struct job *jb)
{
	struct oms_error e = { 0 };
	struct db_result *r;
	char path[192], esc[160], status[16];

	if (!(r = job_read_row(jb, SQL_PAYMENT_TO_VERIFY, jb->order_id,
			       "payment verification job names no order with a payment")))
		return;
	jb->order_no = db_get_ll(r, 0, 0);
	snprintf(jb->provider_ref, sizeof jb->provider_ref, "%s", db_get(r, 0, 1));
	snprintf(status, sizeof status, "%s", db_get(r, 0, 2));
	db_result_free(r);
	if (!jb->provider_ref[0])
		ref_from_payload(jb);
	if (!strcmp(status, "verified") || !strcmp(status, "failed")) {
		job_done(jb, json_pack("{s:s, s:s}", "note",
				       status[0] == 'v' ? "already verified" : "payment failed already",
				       "payment", status),
			 NULL, 0, NULL);
		return;
	}
	if (!jb->provider_ref[0]) {
		/* Nothing to ask the gateway about yet: the shop or a CSR has
		 * not attached the payment (oms_api.attach_payment). Not a
		 * failed look; the job waits on the policy's schedule until
		 * the reference comes or payment_verify_timeout fails it. */
		verify_look(jb, NULL, "no payment reference yet (oms_api.attach_payment)");
		return;
	}
	if (job_service_blocked(jb))
		return;
	payment_url_escape(jb->provider_ref, esc, sizeof esc);
	snprintf(path, sizeof path, "%s%s", is_charge(jb->provider_ref) ? "/v1/charges/"
									  : "/v1/payment_intents/", esc);
	if (job_http_get(jb, path, &e) != OMS_OK)
		job_retry(jb, e.msg);
}

/* The answer says the request can never work for anyone (401 or 403: a
 * rotated or revoked API key): the payment breaker opens at once,
 * administrators get one alert, and the job waits instead of failing. */
bool
payment_auth_refused(struct job *jb, const struct payment_result *r, const char *words)
{
	struct oms_error e = { 0 };
	char msg[400];
	const char *p[1] = { msg };
	const struct jobs_config *cfg = job_config(jb);
	uint64_t open_ms = cfg->breaker_open_ms;

	if (r->http_status != 401 && r->http_status != 403)
		return false;
	snprintf(msg, sizeof msg, "the payment gateway refuses our API key: %s", words);
	job_service_trip(jb, open_ms);
	if (db_exec(job_db(jb), "SELECT oms_api.payment_gateway_alert($1)", 1, p, &e) != OMS_OK)
		log_error("job %lld: cannot raise the gateway alert: %s", jb->id, e.msg);
	log_error("job %lld (%s): %s; payment jobs wait", jb->id, jb->kind, msg);
	job_wait(jb, open_ms, msg);
	return true;
}

/* A transient failure (transport, 5xx, 409, 429): again after the
 * backoff, or after the Retry-After the gateway asked for. */
static void
payment_transient(struct job *jb, const struct http_response *resp, const struct payment_result *r,
		  const char *words)
{
	char msg[400];

	if (resp->transport_error)
		job_transport_message(resp, "payment gateway", msg, sizeof msg);
	else
		snprintf(msg, sizeof msg, "payment gateway: %s", words);
	/* 409, 429 or a 4xx the gateway says to retry: not an unwell gateway */
	if (resp->transport_error || r->http_status < 400 || r->http_status > 499)
		job_service_failed(jb);
	job_retry_after(jb, msg, resp->retry_after_ms > 0 ? (uint64_t)resp->retry_after_ms : 0);
}

void
verify_job_result(struct job *jb, const struct http_response *resp)
{
	struct payment_result r;
	char msg[400], words[300], no[24], amount[24];
	long long got;
	bool authorised;

	if (is_charge(jb->provider_ref))
		payment_parse_charge(resp->transport_error ? 0 : resp->status, resp->body, resp->len, &r);
	else
		payment_parse_intent(resp->transport_error ? 0 : resp->status, resp->body, resp->len, &r);
	if (resp->should_retry == 1 && r.outcome == PAYMENT_FATAL && r.http_status != 401 &&
	    r.http_status != 403)
		r.outcome = PAYMENT_RETRY;     /* Stripe-Should-Retry: true */
	payment_describe(&r, words, sizeof words);
	if (resp->transport_error || r.outcome == PAYMENT_RETRY) {
		payment_transient(jb, resp, &r, words);
		return;
	}
	if (payment_auth_refused(jb, &r, words))
		return;
	job_service_ok(jb);
	authorised = r.outcome == PAYMENT_OK && strcmp(r.status, "requires_capture") == 0;
	if (r.outcome == PAYMENT_OK && (strcmp(r.status, "succeeded") == 0 || authorised)) {
		got = authorised ? r.amount : r.amount_received >= 0 ? r.amount_received : r.amount;
		snprintf(no, sizeof no, "%lld", jb->order_no);
		snprintf(amount, sizeof amount, "%lld", got);
		const char *p[6] = { no, jb->provider_ref, amount, r.currency[0] ? r.currency : NULL,
				     r.metadata_order_no[0] ? r.metadata_order_no : NULL,
				     authorised ? "false" : "true" };
		job_done(jb, json_pack("{s:s, s:s, s:I}", "payment_intent", r.id, "status", r.status,
				       "amount_received", (json_int_t)got),
			 SQL_CONFIRM, 6, p);
		return;
	}
	/* Answered, but not paid (yet), or no such payment. */
	if (r.outcome == PAYMENT_FATAL) {
		snprintf(msg, sizeof msg, "payment not verified: %s", words);
		verify_look(jb, "not_found", msg);
	} else {
		snprintf(msg, sizeof msg, "payment not settled at the gateway: status %s", r.status);
		verify_look(jb, r.status, msg);
	}
}

/* -- capture ------------------------------------------------------------- */

enum capture_step { CAPTURE_POST = 1, CAPTURE_CANCEL };

void
capture_job_start(struct job *jb)
{
	struct oms_error e = { 0 };
	struct db_result *r;
	char path[224], esc[160], form[64], action[16];
	long long authorised;

	/* The claim locks the order and writes: a statement of its own
	 * (autocommit), committed before anything goes to the gateway. */
	if (!(r = job_read_row(jb, SQL_CAPTURE_CLAIM, jb->order_id,
			       "capture job names no order with a payment")))
		return;
	jb->order_no = db_get_ll(r, 0, 0);
	snprintf(jb->provider_ref, sizeof jb->provider_ref, "%s", db_get(r, 0, 1));
	snprintf(action, sizeof action, "%s", db_get(r, 0, 2));
	jb->amount = db_get_ll(r, 0, 3);
	authorised = db_get_ll(r, 0, 4);
	db_result_free(r);
	if (!strcmp(action, "done")) {
		job_done(jb, json_pack("{s:s}", "note", "nothing to capture"), NULL, 0, NULL);
		return;
	}
	if (job_service_blocked(jb))
		return;
	payment_url_escape(jb->provider_ref, esc, sizeof esc);
	if (!strcmp(action, "cancel")) {
		/* Cancelled before the capture: nothing is owed, the
		 * authorisation is released by cancelling the intent. */
		jb->step = CAPTURE_CANCEL;
		payment_idempotency_key("oms-capture-cancel-", jb->provider_ref, 0, jb->key, sizeof jb->key);
		snprintf(path, sizeof path, "/v1/payment_intents/%s/cancel", esc);
		snprintf(form, sizeof form, "cancellation_reason=requested_by_customer");
	} else {
		jb->step = CAPTURE_POST;
		payment_idempotency_key("oms-capture-", jb->provider_ref, 0, jb->key, sizeof jb->key);
		snprintf(path, sizeof path, "%s%s/capture",
			 is_charge(jb->provider_ref) ? "/v1/charges/" : "/v1/payment_intents/", esc);
		/* Only what is still owed; the gateway releases the rest. */
		if (jb->amount < authorised)
			snprintf(form, sizeof form, "%s=%lld",
				 is_charge(jb->provider_ref) ? "amount" : "amount_to_capture", jb->amount);
		else
			form[0] = '\0';
	}
	if (job_http_post_form(jb, path, form, jb->key, &e) != OMS_OK)
		job_retry(jb, e.msg);
}

void
capture_job_result(struct job *jb, const struct http_response *resp)
{
	struct payment_result r;
	struct oms_error e = { 0 };
	char msg[400], words[300], no[24], amount[24];

	if (is_charge(jb->provider_ref))
		payment_parse_charge(resp->transport_error ? 0 : resp->status, resp->body, resp->len, &r);
	else
		payment_parse_intent(resp->transport_error ? 0 : resp->status, resp->body, resp->len, &r);
	if (resp->should_retry == 1 && r.outcome == PAYMENT_FATAL && r.http_status != 401 &&
	    r.http_status != 403)
		r.outcome = PAYMENT_RETRY;     /* Stripe-Should-Retry: true */
	payment_describe(&r, words, sizeof words);
	if (resp->transport_error || r.outcome == PAYMENT_RETRY) {
		payment_transient(jb, resp, &r, words);
		return;
	}
	if (payment_auth_refused(jb, &r, words))
		return;
	job_service_ok(jb);
	snprintf(no, sizeof no, "%lld", jb->order_no);
	if (jb->step == CAPTURE_CANCEL && r.outcome == PAYMENT_OK && !strcmp(r.status, "canceled")) {
		const char *p[2] = { no, jb->provider_ref };
		job_done(jb, json_pack("{s:s, s:s}", "payment_intent", r.id, "status", "canceled"),
			 SQL_CAPTURE_CANCELED, 2, p);
		return;
	}
	if (jb->step != CAPTURE_CANCEL && r.outcome == PAYMENT_OK && !strcmp(r.status, "succeeded")) {
		snprintf(amount, sizeof amount, "%lld", r.amount_received >= 0 ? r.amount_received : r.amount);
		const char *p[3] = { no, jb->provider_ref, amount };
		job_done(jb, json_pack("{s:s, s:s}", "payment_intent", r.id, "status", "captured"),
			 SQL_CAPTURED, 3, p);
		return;
	}
	/* Refused (the authorisation expired or was cancelled), or an
	 * answer that is not a captured payment: administrators decide. */
	if (r.outcome == PAYMENT_OK)
		snprintf(msg, sizeof msg, "%s answered with status %s",
			 jb->step == CAPTURE_CANCEL ? "cancel" : "capture", r.status);
	else
		snprintf(msg, sizeof msg, "the payment gateway refused the %s: %s",
			 jb->step == CAPTURE_CANCEL ? "cancel" : "capture", words);
	{
		const char *p[3] = { no, jb->provider_ref, msg };
		if (db_exec(job_db(jb), SQL_CAPTURE_FAILED, 3, p, &e) != OMS_OK) {
			if (!job_db_trouble(jb, &e))
				job_retry(jb, e.msg);
			return;
		}
	}
	job_dead(jb, msg);
}
