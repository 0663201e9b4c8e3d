/* Mail jobs ("mail" to the customer, "seller_notify" to the seller): the
 * job's payload (ids, template, amounts) over what oms_api.mail_data reads
 * for the order, rendered by src/http/mail.c and sent through the relay
 * (libcurl's SMTP). The Message-ID derives from the job id, so a second
 * delivery after a crash is recognised as a copy.
 *
 * Everything personal the job knows is registered for masking
 * (log_pii_add) before anything can be logged, and forgotten when the job
 * is freed (core.c): no log line nor last_error names the customer. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "db/db.h"
#include "log.h"
#include "worker/job.h"

/* sql/functions/80_outbox.sql */
#define SQL_MAIL_DATA "SELECT oms_api.mail_data($1::bigint, $2::bigint, $3::bigint)::text"

/* The recipient, the customer's and the seller's name and e-mail, the
 * customer's phone, the shipping address (loaded under "pii" for this
 * only). */
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

/* A payload id as a statement parameter: NULL when absent. */
static const char *
payload_id(json_t *payload, const char *key, long long fallback, char *buf, size_t len)
{
	json_t *v = json_object_get(payload, key);

	if (json_is_integer(v))
		snprintf(buf, len, "%lld", (long long)json_integer_value(v));
	else if (fallback)
		snprintf(buf, len, "%lld", fallback);
	else
		return NULL;
	return buf;
}

/* What oms_api.mail_data knows of the job's order, or an empty object
 * (a mail without an order). NULL with e set when the read failed. */
static json_t *
order_data(struct job *jb, json_t *payload, struct oms_error *e)
{
	char oid[24], ship[24], refund[24];
	const char *p[3];
	struct db_result *r;
	json_error_t jerr;
	json_t *data = NULL;

	if (jb->order_id) {
		snprintf(oid, sizeof oid, "%lld", jb->order_id);
		p[0] = oid;
		p[1] = payload_id(payload, "shipment_id", 0, ship, sizeof ship);
		p[2] = payload_id(payload, "refund_id", jb->refund_id, refund, sizeof refund);
		if (!(r = db_query(job_db(jb), SQL_MAIL_DATA, 3, p, e)))
			return NULL;
		if (db_rows(r) == 1 && !db_isnull(r, 0, 0))
			data = json_loads(db_get(r, 0, 0), 0, &jerr);
		db_result_free(r);
	}
	if (!json_is_object(data)) {
		json_decref(data);
		data = json_object();
	}
	return data;
}

/* Addresses the mail to the seller: template seller_<event>, the seller's
 * address and name. */
static void
to_seller(json_t *data, const char *ev, char *event, size_t evlen)
{
	json_t *v;

	snprintf(event, evlen, "seller_%s", ev ? ev : "");
	v = json_object_get(data, "seller_email");
	json_object_set(data, "to", v ? v : json_null());
	v = json_object_get(data, "seller_name");
	if (v)
		json_object_set(data, "customer_name", v);
}

/* The job's payload over the order's data; returns a malloc'd JSON text
 * for mail_build, or NULL with e set. */
static char *
mail_payload(struct job *jb, char *event, size_t evlen, bool seller, struct oms_error *e)
{
	json_error_t jerr;
	json_t *payload = json_loads(jb->payload ? jb->payload : "{}", 0, &jerr), *data = NULL, *v;
	const char *tmpl, *ev;
	char *out = NULL;

	if (!json_is_object(payload)) {
		oms_fail(e, OMS_INVALID, "mail job payload is not a JSON object");
		goto out;
	}
	if (!(data = order_data(jb, payload, e)))
		goto out;
	json_object_update(data, payload);     /* the event's own values win */
	register_pii(jb, data);
	json_object_del(data, "pii");
	v = json_object_get(data, "template");
	tmpl = json_is_string(v) ? json_string_value(v) : NULL;
	v = json_object_get(data, "event");
	ev = json_is_string(v) ? json_string_value(v) : NULL;
	if (seller)
		to_seller(data, ev, event, evlen);
	else
		snprintf(event, evlen, "%s", tmpl ? tmpl : ev ? ev : "");
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

void
notify_job_start(struct job *jb)
{
	struct oms_error e = { 0 };
	char ev[64] = "", *payload;
	bool seller = !strcmp(jb->kind, "seller_notify");
	enum oms_status st;

	payload = mail_payload(jb, ev, sizeof ev, seller, &e);
	if (!payload) {
		if (job_db_trouble(jb, &e))
			return;
		if (e.status == OMS_INVALID)
			job_dead(jb, e.msg);
		else
			job_retry(jb, e.msg);
		return;
	}
	st = mail_build(ev, payload, strlen(payload), jb->id, &job_config(jb)->mail, time(NULL),
			&jb->msg, &e);
	free(payload);
	if (st != OMS_OK) {
		if (st == OMS_INVALID && seller && strstr(e.msg, "recipient")) {
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
	if (job_service_blocked(jb))
		return;
	if (job_smtp_send(jb, &e) != OMS_OK) {
		if (e.status == OMS_INVALID)
			job_dead(jb, e.msg);
		else
			job_retry(jb, e.msg);
	}
}

void
notify_job_result(struct job *jb, const struct http_response *resp)
{
	char msg[400];

	if (resp->transport_error == 0) {
		job_service_ok(jb);
		log_info("job %lld: %s mail for order %lld accepted, %s", jb->id, jb->msg.event,
			 jb->order_no, jb->msg.message_id);
		job_done(jb, json_pack("{s:s, s:s}", "message_id", jb->msg.message_id, "event",
				       jb->msg.event), NULL, 0, NULL);
		return;
	}
	if (resp->status >= 500 && resp->status <= 599) {
		/* The relay judged this message (bad recipient ...): final. */
		job_service_ok(jb);
		snprintf(msg, sizeof msg, "SMTP %ld from the mail relay: recipient or message "
			 "refused (%s)", resp->status, resp->errmsg);
		job_dead(jb, msg);
		return;
	}
	job_service_failed(jb);
	if (resp->status >= 400)
		snprintf(msg, sizeof msg, "mail relay: temporary failure (SMTP %ld)", resp->status);
	else
		job_transport_message(resp, "mail relay", msg, sizeof msg);
	job_retry(jb, msg);
}
