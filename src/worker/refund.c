/* Refund jobs: return money at the payment gateway and follow it to the
 * end (issue 12).
 *
 *   not_sent   POST /v1/refunds (form: payment_intent or charge, amount,
 *              reason, metadata[refund_id], metadata[order_no]) with the
 *              refund's Idempotency-Key, the same on every attempt, so a
 *              retry can never refund twice. A payment intent that
 *              was only authorised (not captured) is never refunded
 *              before its capture: a refund granted before the capture
 *              was claimed is released by the payment_capture job
 *              (amount_to_capture, or the intent cancelled when nothing
 *              is owed; verify.c), which settles it; one granted after
 *              the claim waits for the capture and is refunded then.
 *   pending    GET /v1/refunds/ID on a schedule of its own
 *              (oms_api.refund_followup: refund_check_schedule), without
 *              spending the job's attempts, however long it takes.
 *   unknown    the gateway replayed an error for our key (the first
 *              answer was a 500: nobody knows whether money left). The
 *              next attempt asks first (GET /v1/refunds?payment_intent=ID,
 *              looking for our metadata[refund_id]); only when the gateway
 *              knows of none is the refund sent again, with a fresh key.
 *
 *   succeeded  looked at again on a decaying schedule ([payment]
 *              refund_recheck: 1 h, 1 d, 3 d, 7 d by default), each look
 *              a job of its own (oms_api.refund_recheck_schedule): a
 *              refund the gateway later fails (the bank sent the money
 *              back) is seen by polling too, not only by the
 *              charge.refund.updated webhook; refund_result records it
 *              (an alert for administrators, the ledger counts the money
 *              as not returned, the customer's "refund failed" mail, never
 *              a second "refunded" one).
 *
 * Every answer is checked against what was sent (amount, currency,
 * payment); a mismatch is a discrepancy for administrators, never
 * "succeeded". A refusal (400, 402, 404) is recorded as 'refused': an
 * alert, one "we will refund you another way" mail, and the job is done;
 * an administrator retries it (oms refund retry) or settles it outside the
 * gateway. 401/403 trip the payment breaker (payment_auth_refused).
 * Results are recorded with oms_api.refund_result, in the same
 * transaction as outbox_done. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "db/db.h"
#include "log.h"
#include "http/payment.h"
#include "worker/job.h"

/* sql/functions/80_outbox.sql: what to execute; 60_refunds: the answer. */
#define SQL_REFUND_TO_EXECUTE \
	"SELECT amount_minor, currency, idempotency_key, status, provider_refund_id, approval, " \
	"       provider_ref, order_no, captured, payment_amount_minor, gateway_reason, " \
	"       key_generation FROM oms_api.refund_to_execute($1::bigint)"
#define SQL_REFUND_RESULT "SELECT oms_api.refund_result($1::bigint, $2, $3, $4)"
/* a success, and its first look again in $5 ms, in one statement */
#define SQL_REFUND_RESULT_RECHECK \
	"SELECT oms_api.refund_result($1::bigint, $2, $3, $4), " \
	"oms_api.refund_recheck_schedule($1::bigint, 1, $5::bigint)"
#define SQL_RECHECK_SCHEDULE "SELECT oms_api.refund_recheck_schedule($1::bigint, $2::int, $3::bigint)"
#define SQL_REFUND_FOLLOWUP "SELECT oms_api.refund_followup($1::bigint)"
#define SQL_REFUND_NEW_KEY "SELECT oms_api.refund_new_key($1::bigint)"
#define SQL_RELEASE_STATE "SELECT released, capture_claimed FROM oms_api.refund_release_state($1::bigint)"

/* A refund of an uncaptured payment waits for its capture. */
#define WAIT_FOR_CAPTURE_MS 60000
/* After an unknown outcome, the gateway is asked this soon. */
#define UNKNOWN_ASK_MS 1000

enum refund_step { STEP_POST, STEP_ASK, STEP_LIST, STEP_RECHECK };

/* [payment] refund_recheck: the waits before each look at a succeeded
 * refund (none after the last). Set by settings_load, read by the loop's
 * thread only. */
#define MAX_RECHECKS 8
static long long recheck_ms[MAX_RECHECKS] = { 3600000LL, 86400000LL, 259200000LL, 604800000LL };
static int nrechecks = 4;

enum oms_status
refund_recheck_configure(const char *list, struct oms_error *err)
{
	long long ms[MAX_RECHECKS];
	int n = 0;
	const char *p = list ? list : "1h, 1d, 3d, 7d";

	while (*p == ' ' || *p == '\t')
		p++;
	if (strcmp(p, "none") != 0) {
		while (*p) {
			char *end;
			long long v;

			while (*p == ' ' || *p == '\t' || *p == ',')
				p++;
			if (!*p)
				break;
			v = strtoll(p, &end, 10);
			if (end == p || v <= 0 || v > 100000 || n == MAX_RECHECKS)
				return oms_fail(err, OMS_CONFIG, "[payment] refund_recheck: at most %d waits such as "
						"\"1h, 1d, 3d, 7d\" (s, m, h, d), or none", MAX_RECHECKS);
			switch (*end) {
			case 's': v *= 1000; break;
			case 'm': v *= 60000; break;
			case 'h': v *= 3600000; break;
			case 'd': v *= 86400000; break;
			default:
				return oms_fail(err, OMS_CONFIG, "[payment] refund_recheck: \"%.20s\": a number and "
						"s, m, h or d", p);
			}
			ms[n++] = v;
			p = end + 1;
			if (*p && *p != ',' && *p != ' ' && *p != '\t')
				return oms_fail(err, OMS_CONFIG, "[payment] refund_recheck: \"%.20s\": a number and "
						"s, m, h or d", end);
		}
	}
	memcpy(recheck_ms, ms, sizeof ms[0] * (size_t)n);
	nrechecks = n;
	return OMS_OK;
}

static bool
settled(const char *status)
{
	return !strcmp(status, "succeeded") || !strcmp(status, "failed") ||
	       !strcmp(status, "canceled") || !strcmp(status, "discrepancy") ||
	       !strcmp(status, "settled_outside") || !strcmp(status, "refused");
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

static void
refund_get(struct job *jb, enum refund_step step)
{
	struct oms_error e = { 0 };
	char path[256], esc[160];

	jb->step = step;
	if (step == STEP_ASK || step == STEP_RECHECK) {
		payment_url_escape(jb->provider_refund_id, esc, sizeof esc);
		snprintf(path, sizeof path, "/v1/refunds/%s", esc);
	} else {
		payment_url_escape(jb->provider_ref, esc, sizeof esc);
		snprintf(path, sizeof path, "/v1/refunds?%s=%s&limit=100",
			 strncmp(jb->provider_ref, "ch_", 3) == 0 ? "charge" : "payment_intent", esc);
	}
	if (job_http_get(jb, path, &e) != OMS_OK)
		refund_not_started(jb, &e);
}

static void
refund_post(struct job *jb)
{
	struct oms_error e = { 0 };
	char id[24], no[24], *form;
	enum oms_status st;

	jb->step = STEP_POST;
	snprintf(id, sizeof id, "%lld", jb->refund_id);
	snprintf(no, sizeof no, "%lld", jb->order_no);
	form = payment_refund_form(jb->provider_ref, jb->amount, id, no, jb->reason);
	if (!form) {
		job_service_abandon(jb);
		oms_fail(&e, OMS_NOMEM, "out of memory");
		refund_not_started(jb, &e);
		return;
	}
	st = job_http_post_form(jb, "/v1/refunds", form, jb->key, &e);
	free(form);
	if (st != OMS_OK)
		refund_not_started(jb, &e);
}

/* A look again at a succeeded refund: GET /v1/refunds/ID. */
static void
recheck_start(struct job *jb, const char *status)
{
	if (strcmp(status, "succeeded") != 0 || !jb->provider_refund_id[0]) {
		job_done(jb, json_pack("{s:s, s:s}", "status", status, "note", "no longer succeeded: nothing to look at"),
			 NULL, 0, NULL);
		return;
	}
	if (job_service_blocked(jb))
		return;
	refund_get(jb, STEP_RECHECK);
}

void
refund_job_start(struct job *jb)
{
	struct db_result *r;
	char db_key[96], status[24], approval[24];
	long long paid;
	bool captured, recheck = false;

	if (jb->refund_id <= 0) {
		/* a look again at a succeeded refund: the refund is in the
		 * payload (oms_api.refund_recheck_schedule) */
		json_t *pl = json_loads(jb->payload ? jb->payload : "{}", 0, NULL);
		jb->refund_id = (long long)json_integer_value(json_object_get(pl, "recheck_refund_id"));
		jb->check = (int)json_integer_value(json_object_get(pl, "check"));
		json_decref(pl);
		recheck = jb->refund_id > 0;
	}
	if (!(r = job_read_row(jb, SQL_REFUND_TO_EXECUTE, jb->refund_id, "refund job names no refund")))
		return;
	jb->amount = db_get_ll(r, 0, 0);
	snprintf(jb->currency, sizeof jb->currency, "%s", db_get(r, 0, 1));
	snprintf(db_key, sizeof db_key, "%s", db_get(r, 0, 2));
	snprintf(status, sizeof status, "%s", db_get(r, 0, 3));
	snprintf(jb->provider_refund_id, sizeof jb->provider_refund_id, "%s", db_get(r, 0, 4));
	snprintf(approval, sizeof approval, "%s", db_get(r, 0, 5));
	snprintf(jb->provider_ref, sizeof jb->provider_ref, "%s", db_get(r, 0, 6));
	jb->order_no = db_get_ll(r, 0, 7);
	captured = strcmp(db_get(r, 0, 8), "f") != 0;
	paid = db_get_ll(r, 0, 9);
	snprintf(jb->reason, sizeof jb->reason, "%s", db_get(r, 0, 10));
	payment_idempotency_key("oms-refund-", db_key, (int)db_get_ll(r, 0, 11), jb->key, sizeof jb->key);
	db_result_free(r);
	if (recheck) {
		recheck_start(jb, status);
		return;
	}
	if (settled(status)) {
		/* Settled by an earlier delivery whose outbox_done was lost,
		 * by an administrator, by a webhook, or refused (an
		 * administrator decides). A success is looked at again. */
		char rid[24], delay[24];
		const char *p[3] = { rid, "1", delay };

		snprintf(rid, sizeof rid, "%lld", jb->refund_id);
		snprintf(delay, sizeof delay, "%lld", nrechecks > 0 ? recheck_ms[0] : 0LL);
		job_done(jb, json_pack("{s:s, s:s}", "status", status, "note", "already settled"),
			 !strcmp(status, "succeeded") && nrechecks > 0 ? SQL_RECHECK_SCHEDULE : NULL,
			 !strcmp(status, "succeeded") && nrechecks > 0 ? 3 : 0, p);
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
	if (!captured && strcmp(status, "not_sent") == 0) {
		if (strncmp(jb->provider_ref, "ch_", 3) != 0) {
			bool released = false;

			if (!(r = job_read_row(jb, SQL_RELEASE_STATE, jb->refund_id, "refund job names no refund")))
				return;
			released = !strcmp(db_get(r, 0, 0), "t");
			db_result_free(r);
			job_wait(jb, WAIT_FOR_CAPTURE_MS,
				 released ? "released by the capture of the authorised payment: waits for it"
					  : "authorised payment: refunded once it is captured");
			return;
		}
		if (jb->amount != paid) {
			job_wait(jb, WAIT_FOR_CAPTURE_MS, "part of an authorised payment: waits for its capture");
			return;
		}
	}
	if (job_service_blocked(jb))
		return;
	if (!strcmp(status, "pending") && jb->provider_refund_id[0])
		refund_get(jb, STEP_ASK);
	else if (!strcmp(status, "unknown"))
		refund_get(jb, STEP_LIST);
	else
		refund_post(jb);
}

/* Records a result that is not the end (pending, unknown) and makes the
 * job wait: for a pending refund, as long as refund_followup says. */
static void
refund_record_and_wait(struct job *jb, const char *status, const char *prid, const char *words)
{
	struct db *db = job_db(jb);
	struct oms_error e = { 0 }, e2 = { 0 };
	struct db_result *r = NULL;
	char rid[24], msg[512];
	const char *p[4] = { rid, status, prid && prid[0] ? prid : NULL, words };
	uint64_t d = UNKNOWN_ASK_MS;

	snprintf(rid, sizeof rid, "%lld", jb->refund_id);
	if (db_exec(db, "BEGIN", 0, NULL, &e) != OMS_OK) {
		job_unrecorded(jb, &e);
		return;
	}
	if (db_exec(db, SQL_REFUND_RESULT, 4, p, &e) != OMS_OK)
		goto rollback;
	if (!strcmp(status, "pending")) {
		if (!(r = db_query(db, SQL_REFUND_FOLLOWUP, 1, p, &e)))
			goto rollback;
		d = (uint64_t)db_get_ll(r, 0, 0);
		db_result_free(r);
		snprintf(msg, sizeof msg, "refund pending at the payment gateway; next look in %llu s",
			 (unsigned long long)(d / 1000));
	} else {
		snprintf(msg, sizeof msg, "outcome unknown at the gateway (%s); asking it what happened",
			 words);
	}
	if (job_tx_release(jb, msg, d, &e) != OMS_OK || db_exec(db, "COMMIT", 0, NULL, &e) != OMS_OK)
		goto rollback;
	log_info("job %lld (refund %lld): %s", jb->id, jb->refund_id, msg);
	job_finished(jb, JOB_END_RETRY, d);
	return;
rollback:
	db_exec(db, "ROLLBACK", 0, NULL, &e2);
	if (!job_db_trouble(jb, &e))
		job_unrecorded(jb, &e);
}

/* A final answer (or a refusal): refund_result and outbox_done together. */
static void
refund_final(struct job *jb, const char *status, const char *prid, const char *words,
	     const char *failure_reason)
{
	char rid[24], delay[24];
	const char *p[5] = { rid, status, prid && prid[0] ? prid : NULL, words, delay };
	bool recheck = !strcmp(status, "succeeded") && nrechecks > 0;

	snprintf(rid, sizeof rid, "%lld", jb->refund_id);
	snprintf(delay, sizeof delay, "%lld", nrechecks > 0 ? recheck_ms[0] : 0LL);
	job_done(jb, json_pack("{s:s, s:s, s:s}", "provider_refund_id", prid ? prid : "", "status",
			       status, "failure_reason", failure_reason ? failure_reason : ""),
		 recheck ? SQL_REFUND_RESULT_RECHECK : SQL_REFUND_RESULT, recheck ? 5 : 4, p);
}

/* The answer to a look again at a succeeded refund. Still succeeded and
 * ours: the next look, if the schedule has one. Failed or canceled since:
 * recorded as the gateway says (refund_result: the alert, the ledger, the
 * customer's "refund failed" mail). Not ours any more: a discrepancy. */
static void
recheck_answer(struct job *jb, const struct payment_result *r, const char *words)
{
	char why[200], msg[400], rid[24], next[24], delay[24];
	const char *p[3] = { rid, next, delay };

	if (!payment_refund_matches(r, jb->amount, jb->currency, jb->provider_ref, why, sizeof why)) {
		snprintf(msg, sizeof msg, "discrepancy on a look again: %s (refund %s)", why, r->id);
		log_warn("job %lld (refund %lld): %s", jb->id, jb->refund_id, msg);
		refund_final(jb, "discrepancy", r->id, msg, NULL);
		return;
	}
	if (!strcmp(r->status, "failed") || !strcmp(r->status, "canceled")) {
		snprintf(msg, sizeof msg, "the gateway %s the refund after it succeeded (look %d): %s",
			 r->status, jb->check, words);
		log_warn("job %lld (refund %lld): %s", jb->id, jb->refund_id, msg);
		refund_final(jb, r->status, r->id, msg, r->failure_reason);
		return;
	}
	snprintf(rid, sizeof rid, "%lld", jb->refund_id);
	snprintf(next, sizeof next, "%d", jb->check + 1);
	snprintf(delay, sizeof delay, "%lld", jb->check >= 1 && jb->check < nrechecks ? recheck_ms[jb->check] : 0LL);
	job_done(jb, json_pack("{s:s, s:i}", "status", r->status, "look", jb->check),
		 jb->check >= 1 && jb->check < nrechecks ? SQL_RECHECK_SCHEDULE : NULL,
		 jb->check >= 1 && jb->check < nrechecks ? 3 : 0, p);
}

/* A well-formed refund object: checked, then recorded. */
static void
refund_answer(struct job *jb, const struct payment_result *r, const char *words)
{
	char why[200], msg[400];

	if (!payment_refund_matches(r, jb->amount, jb->currency, jb->provider_ref, why, sizeof why)) {
		snprintf(msg, sizeof msg, "discrepancy: %s (refund %s)", why, r->id);
		log_warn("job %lld (refund %lld): %s", jb->id, jb->refund_id, msg);
		refund_final(jb, "discrepancy", r->id, msg, NULL);
		return;
	}
	if (!strcmp(r->status, "pending"))
		refund_record_and_wait(jb, "pending", r->id, "pending at the gateway");
	else
		refund_final(jb, r->status, r->id, r->message[0] ? words : NULL, r->failure_reason);
}

/* The gateway knows of no refund for us after an unknown outcome: a fresh
 * key (committed first, so that a crash here cannot reuse the old one)
 * and the refund is sent again. */
static void
refund_resend(struct job *jb)
{
	struct oms_error e = { 0 };
	struct db_result *r;
	char rid[24];
	const char *p[1] = { rid };
	char *dash;

	snprintf(rid, sizeof rid, "%lld", jb->refund_id);
	if (!(r = db_query(job_db(jb), SQL_REFUND_NEW_KEY, 1, p, &e))) {
		if (!job_db_trouble(jb, &e))
			job_retry(jb, e.msg);
		return;
	}
	/* "oms-refund-KEY[-gN]" -> "oms-refund-KEY-gM" */
	dash = strstr(jb->key, "-g");
	if (dash && dash > jb->key + 11)
		*dash = '\0';
	snprintf(jb->key + strlen(jb->key), sizeof jb->key - strlen(jb->key), "-g%s", db_get(r, 0, 0));
	db_result_free(r);
	log_info("job %lld (refund %lld): the gateway knows of no refund of ours; sent again with a fresh key",
		 jb->id, jb->refund_id);
	refund_post(jb);
}

void
refund_job_result(struct job *jb, const struct http_response *resp)
{
	struct payment_result r;
	char msg[400], words[300];
	long status = resp->transport_error ? 0 : resp->status;

	if (jb->step == STEP_LIST) {
		char rid[24];
		snprintf(rid, sizeof rid, "%lld", jb->refund_id);
		payment_parse_refund_list(status, resp->body, resp->len, rid, &r);
	} else {
		payment_parse_refund(status, resp->body, resp->len, &r);
	}
	/* Stripe-Should-Retry: true on a 4xx (a lock at the gateway, say):
	 * the gateway says the same request will work later */
	if (resp->should_retry == 1 && r.outcome == PAYMENT_FATAL && r.http_status != 401 &&
	    r.http_status != 403)
		r.outcome = PAYMENT_RETRY;
	payment_describe(&r, words, sizeof words);
	if (resp->transport_error) {
		job_service_failed(jb);
		job_transport_message(resp, "payment gateway", msg, sizeof msg);
		job_retry(jb, msg);
		return;
	}
	if (payment_auth_refused(jb, &r, words))
		return;
	/* An error the gateway replays for our key (its first answer to it
	 * was a 5xx), or a 5xx it says not to retry: whether money left is
	 * unknown. Not the gateway's health (no breaker failure): ask it. */
	if (jb->step == STEP_POST && r.http_status >= 500 && (resp->replayed || resp->should_retry == 0)) {
		job_service_ok(jb);
		refund_record_and_wait(jb, "unknown", NULL, words);
		return;
	}
	if (r.outcome == PAYMENT_RETRY) {
		if (r.http_status < 400 || r.http_status > 499)  /* 4xx: not an unwell gateway */
			job_service_failed(jb);
		snprintf(msg, sizeof msg, "payment gateway: %s", words);
		job_retry_after(jb, msg, resp->retry_after_ms > 0 ? (uint64_t)resp->retry_after_ms : 0);
		return;
	}
	job_service_ok(jb);
	if (r.outcome == PAYMENT_FATAL) {
		if (jb->step == STEP_ASK || jb->step == STEP_LIST || jb->step == STEP_RECHECK) {
			snprintf(msg, sizeof msg, "payment gateway cannot tell about the refund: %s", words);
			job_dead(jb, msg);
			return;
		}
		snprintf(msg, sizeof msg, "payment gateway refused the refund: %s", words);
		log_warn("job %lld (refund %lld): %s", jb->id, jb->refund_id, msg);
		refund_final(jb, "refused", NULL, msg, NULL);
		return;
	}
	if (jb->step == STEP_LIST && !r.id[0]) {
		refund_resend(jb);
		return;
	}
	if (jb->step == STEP_RECHECK) {
		recheck_answer(jb, &r, words);
		return;
	}
	refund_answer(jb, &r, words);
}
