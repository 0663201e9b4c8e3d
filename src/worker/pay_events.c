/* POST /webhooks/payment: the payment gateway's events (issue 12).
 *
 * The Stripe-Signature header is checked first (HMAC-SHA256 over
 * "t.body" with [payment] webhook_secret, several secrets and several v1=
 * accepted, constant-time, at most webhook_tolerance seconds old): a
 * missing, forged or stale signature is 400 and nothing is read. Then, in
 * one transaction, the event is stored once by its id
 * (oms_api.gateway_event_record; a repeated delivery is acknowledged and
 * does nothing) and acted on through the same database functions as the
 * polling jobs:
 *   payment_intent.succeeded            oms_api.confirm_payment
 *   payment_intent.amount_capturable_updated (requires_capture)
 *                                       oms_api.confirm_payment, not captured
 *   payment_intent.payment_failed, .requires_action, .processing, .canceled
 *                                       oms_api.payment_look
 *   charge.refund.updated, refund.updated, refund.failed, charge.refunded
 *                                       oms_api.refund_result (after the same
 *                                       amount / currency / payment check)
 * Other types are stored and acknowledged. The answer (200) goes only after
 * the COMMIT; a database that cannot be reached is 503 and the gateway
 * sends the event again. What was done is kept with the event
 * (oms_api.gateway_event_outcome), in our words. */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "db/db.h"
#include "http/payment.h"
#include "worker/webhook.h"

#define SQL_RECORD "SELECT oms_api.gateway_event_record($1, $2, $3)"
#define SQL_OUTCOME "SELECT oms_api.gateway_event_outcome($1, $2)"
#define SQL_BY_REF "SELECT order_no, status FROM oms_api.payment_by_ref($1)"
#define SQL_CONFIRM \
	"SELECT oms_api.confirm_payment($1::bigint, $2, $3::bigint, $4, $5, $6::boolean)"
#define SQL_LOOK "SELECT status FROM oms_api.payment_look($1::bigint, $2, $3)"
#define SQL_REFUND \
	"SELECT amount_minor, currency, provider_ref FROM oms_api.refund_to_execute($1::bigint)"
#define SQL_REFUND_RESULT "SELECT oms_api.refund_result($1::bigint, $2, $3, $4)"

/* [payment] webhook_secret and webhook_tolerance: set by the main thread
 * whenever the configuration is read (start and SIGHUP: settings_load),
 * read by the listener's threads under the lock, each request with a
 * private copy. While a secret is rotated both are listed; once the old
 * one is removed and the worker reloaded, it is refused. */
static pthread_mutex_t cfg_lock = PTHREAD_MUTEX_INITIALIZER;
static char secret_buf[1024];
static int secret_off[WEBHOOK_MAX_SECRETS];
static int cfg_nsecrets;
static long cfg_tolerance_s = 300;

void
pay_events_configure(const char *list, long tolerance_s)
{
	char buf[sizeof secret_buf], *tok, *save = NULL;

	pthread_mutex_lock(&cfg_lock);
	snprintf(buf, sizeof buf, "%s", list ? list : "");
	memset(secret_buf, 0, sizeof secret_buf);
	memcpy(secret_buf, buf, sizeof buf);
	cfg_nsecrets = 0;
	for (tok = strtok_r(secret_buf, " \t,", &save); tok && cfg_nsecrets < WEBHOOK_MAX_SECRETS;
	     tok = strtok_r(NULL, " \t,", &save))
		secret_off[cfg_nsecrets++] = (int)(tok - secret_buf);
	cfg_tolerance_s = tolerance_s > 0 ? tolerance_s : 300;
	pthread_mutex_unlock(&cfg_lock);
	memset(buf, 0, sizeof buf);
}

/* A statement of the action; its error becomes the outcome (the savepoint
 * takes it back), unless it says the database is gone or busy. */
static bool
act(struct db *db, const char *sql, int n, const char *const *p, char *outcome, size_t outlen,
    bool *trouble)
{
	struct oms_error e = { 0 }, e2 = { 0 };

	if (db_exec(db, sql, n, p, &e) == OMS_OK)
		return true;
	if (e.status == OMS_DB_GONE || e.status == OMS_READ_ONLY || e.status == OMS_RETRY) {
		*trouble = true;
		return false;
	}
	db_exec(db, "ROLLBACK TO SAVEPOINT act", 0, NULL, &e2);
	/* the database's words (BR-011 ...), one line; no log_scrub here:
	 * its table of masked values belongs to the loop's thread */
	snprintf(outcome, outlen, "%.*s", (int)(outlen > 1 ? outlen - 1 : 0), e.msg);
	for (char *c = outcome; *c; c++)
		if ((unsigned char)*c < 0x20)
			*c = ' ';
	return false;
}

static void
payment_event(struct db *db, const char *type, const char *obj, size_t len, char *outcome,
	      size_t outlen, bool *trouble)
{
	struct payment_result r;
	struct oms_error e = { 0 };
	struct db_result *res;
	char no[24], amount[24], pstatus[16];
	const char *gw = NULL;
	const char *p[6];

	payment_parse_intent(200, obj, len, &r);
	if (r.outcome != PAYMENT_OK) {
		snprintf(outcome, outlen, "not a payment intent: %s", r.message);
		return;
	}
	p[0] = r.id;
	if (!(res = db_query(db, SQL_BY_REF, 1, p, &e))) {
		*trouble = true;
		return;
	}
	if (db_rows(res) != 1) {
		db_result_free(res);
		snprintf(outcome, outlen, "not one of our payments");
		return;
	}
	snprintf(no, sizeof no, "%s", db_get(res, 0, 0));
	snprintf(pstatus, sizeof pstatus, "%s", db_get(res, 0, 1));
	db_result_free(res);
	if (!strcmp(pstatus, "verified")) {
		snprintf(outcome, outlen, "order %s: payment verified already", no);
		return;
	}
	if (!strcmp(r.status, "succeeded") || !strcmp(r.status, "requires_capture")) {
		bool authorised = !strcmp(r.status, "requires_capture");
		snprintf(amount, sizeof amount, "%lld",
			 authorised ? r.amount : r.amount_received >= 0 ? r.amount_received : r.amount);
		p[1] = r.id;
		p[2] = amount;
		p[3] = r.currency[0] ? r.currency : NULL;
		p[4] = r.metadata_order_no[0] ? r.metadata_order_no : NULL;
		p[5] = authorised ? "false" : "true";
		p[0] = no;
		if (act(db, SQL_CONFIRM, 6, p, outcome, outlen, trouble))
			snprintf(outcome, outlen, "order %s confirmed (%s)", no, r.status);
		return;
	}
	if (strstr(type, "payment_failed"))
		gw = "requires_payment_method";
	else
		gw = r.status;
	p[0] = no;
	p[1] = gw;
	p[2] = type;
	if (act(db, SQL_LOOK, 3, p, outcome, outlen, trouble))
		snprintf(outcome, outlen, "order %s: payment %s", no, gw);
}

static void
one_refund(struct db *db, const char *obj, size_t len, char *outcome, size_t outlen, bool *trouble)
{
	struct payment_result r;
	struct oms_error e = { 0 };
	struct db_result *res;
	char why[200], msg[300], currency[8], ref[128];
	const char *p[4];
	long long amount;
	char *end;

	payment_parse_refund(200, obj, len, &r);
	if (r.outcome != PAYMENT_OK) {
		snprintf(outcome, outlen, "not a refund: %s", r.message);
		return;
	}
	strtoll(r.metadata_refund_id, &end, 10);
	if (!r.metadata_refund_id[0] || *end) {
		snprintf(outcome, outlen, "refund %s is not one of ours", r.id);
		return;
	}
	p[0] = r.metadata_refund_id;
	if (!(res = db_query(db, SQL_REFUND, 1, p, &e))) {
		*trouble = true;
		return;
	}
	if (db_rows(res) != 1) {
		db_result_free(res);
		snprintf(outcome, outlen, "refund %s is not one of ours", r.id);
		return;
	}
	amount = db_get_ll(res, 0, 0);
	snprintf(currency, sizeof currency, "%s", db_get(res, 0, 1));
	snprintf(ref, sizeof ref, "%s", db_get(res, 0, 2));
	db_result_free(res);
	p[0] = r.metadata_refund_id;
	p[2] = r.id;
	if (!payment_refund_matches(&r, amount, currency, ref, why, sizeof why)) {
		snprintf(msg, sizeof msg, "discrepancy: %.200s (refund %.60s)", why, r.id);
		p[1] = "discrepancy";
	} else {
		snprintf(msg, sizeof msg, "refund %s at the gateway (webhook)", r.status);
		p[1] = r.status;
	}
	p[3] = msg;
	if (act(db, SQL_REFUND_RESULT, 4, p, outcome, outlen, trouble))
		snprintf(outcome, outlen, "refund %s: %s", r.metadata_refund_id, p[1]);
}

static void
refund_event(struct db *db, const char *type, json_t *obj, char *outcome, size_t outlen,
	     bool *trouble)
{
	char *s;

	if (!strcmp(type, "charge.refunded")) {
		/* a charge: its refunds, when the event carries them */
		json_t *data = json_object_get(json_object_get(obj, "refunds"), "data"), *it;
		size_t i;
		if (!json_is_array(data) || json_array_size(data) == 0) {
			snprintf(outcome, outlen, "charge refunded; its refunds are followed by polling");
			return;
		}
		json_array_foreach(data, i, it) {
			if (!(s = json_dumps(it, JSON_COMPACT)))
				continue;
			one_refund(db, s, strlen(s), outcome, outlen, trouble);
			free(s);
			if (*trouble)
				return;
		}
		return;
	}
	if (!(s = json_dumps(obj, JSON_COMPACT)))
		return;
	one_refund(db, s, strlen(s), outcome, outlen, trouble);
	free(s);
}

int
pay_events_handle(const struct webhook_request *rq, char *reply, size_t replylen)
{
	char sbuf[sizeof secret_buf];
	const char *secrets[WEBHOOK_MAX_SECRETS];
	long tolerance_s;
	int n;
	enum payment_sig sig;
	json_error_t jerr;
	json_t *root = NULL, *obj;
	const char *id, *type, *objid;
	struct oms_error e = { 0 }, e2 = { 0 };
	struct db *db;
	struct db_result *res;
	char outcome[400] = "stored";
	bool fresh, trouble = false;
	const char *p[3];
	char *objs = NULL;
	int status = 200;

	/* a private copy: a SIGHUP may change the secrets meanwhile */
	pthread_mutex_lock(&cfg_lock);
	memcpy(sbuf, secret_buf, sizeof sbuf);
	n = cfg_nsecrets;
	for (int i = 0; i < n; i++)
		secrets[i] = sbuf + secret_off[i];
	tolerance_s = cfg_tolerance_s;
	pthread_mutex_unlock(&cfg_lock);
	sig = payment_webhook_verify(rq->header(rq, "Stripe-Signature"), rq->body, rq->len, secrets, n,
				     (long long)time(NULL), tolerance_s);
	memset(sbuf, 0, sizeof sbuf);
	if (sig != PAYMENT_SIG_OK) {
		static const char *const words[] = { "ok", "no Stripe-Signature", "malformed Stripe-Signature",
						     "signature does not match", "signature too old" };
		webhook_log("payment event refused: %s", words[sig]);
		snprintf(reply, replylen, "%s", words[sig]);
		return 400;
	}
	root = json_loadb(rq->body, rq->len, 0, &jerr);
	obj = json_object_get(json_object_get(root, "data"), "object");
	id = json_string_value(json_object_get(root, "id"));
	type = json_string_value(json_object_get(root, "type"));
	objid = json_string_value(json_object_get(obj, "id"));
	if (!id || !type || !json_is_object(obj)) {
		json_decref(root);
		snprintf(reply, replylen, "not an event");
		return 400;
	}
	if (!(db = webhook_db(rq, &e))) {
		json_decref(root);
		webhook_log("payment event: database: %s", e.msg);
		snprintf(reply, replylen, "database unavailable");
		return 503;
	}
	p[0] = id;
	p[1] = type;
	p[2] = objid;
	if (db_exec(db, "BEGIN", 0, NULL, &e) != OMS_OK ||
	    !(res = db_query(db, SQL_RECORD, 3, p, &e))) {
		db_exec(db, "ROLLBACK", 0, NULL, &e2);
		goto unavailable;
	}
	fresh = !strcmp(db_get(res, 0, 0), "t");
	db_result_free(res);
	if (!fresh) {
		snprintf(outcome, sizeof outcome, "received before");
		if (db_exec(db, "COMMIT", 0, NULL, &e) != OMS_OK)
			goto unavailable;
		goto done;
	}
	if (db_exec(db, "SAVEPOINT act", 0, NULL, &e) != OMS_OK) {
		db_exec(db, "ROLLBACK", 0, NULL, &e2);
		goto unavailable;
	}
	if (!strncmp(type, "payment_intent.", 15)) {
		objs = json_dumps(obj, JSON_COMPACT);
		if (objs)
			payment_event(db, type, objs, strlen(objs), outcome, sizeof outcome, &trouble);
	} else if (!strcmp(type, "charge.refund.updated") || !strcmp(type, "charge.refunded") ||
		   !strncmp(type, "refund.", 7)) {
		refund_event(db, type, obj, outcome, sizeof outcome, &trouble);
	} else {
		snprintf(outcome, sizeof outcome, "stored; nothing to do for %.60s", type);
	}
	p[1] = outcome;
	if (trouble || db_exec(db, SQL_OUTCOME, 2, p, &e) != OMS_OK ||
	    db_exec(db, "COMMIT", 0, NULL, &e) != OMS_OK) {
		db_exec(db, "ROLLBACK", 0, NULL, &e2);
		goto unavailable;
	}
done:
	webhook_log("payment event %.128s (%.80s): %s", id, type, outcome);
	snprintf(reply, replylen, "%s", outcome);
	free(objs);
	json_decref(root);
	return status;
unavailable:
	/* not recorded: the gateway sends it again */
	if (!db_ok(db))
		webhook_db_lost(rq);
	webhook_log("payment event %.128s: not recorded: %s", id, e.msg[0] ? e.msg : "database trouble");
	snprintf(reply, replylen, "not recorded, send it again");
	free(objs);
	json_decref(root);
	return 503;
}
