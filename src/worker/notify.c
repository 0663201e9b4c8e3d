/* Mail jobs ("mail" to the customer, "seller_notify" to the seller): the
 * job's payload (ids, template, amounts) over what oms_api.mail_data reads
 * for the order, rendered by src/http/mail.c and sent through the relay
 * (libcurl's SMTP). The Message-ID derives from the job id and the
 * database's key (oms_api.mail_message_key), so a second delivery after a
 * crash is recognised as a copy and no two databases share one.
 *
 * What the relay says decides (issue 12): a 5xx about one message or one
 * recipient (550 at RCPT, a refusal after the message) kills that mail; a
 * 5xx about the worker itself (530 authentication required, 503 bad
 * sequence, a 554 greeting, failed authentication, a refused sender,
 * STARTTLS refused, or AUTH that would go in clear without
 * allow_plain_auth) opens the mail breaker at once, raises one
 * administrators' alert (oms_api.mail_relay_alert, kind mail_relay) and
 * gives the mail back untried: no queued mail dies of it. 4xx, timeouts
 * and lost connections are temporary: retried with backoff.
 *
 * Everything personal the job knows is registered for masking
 * (log_pii_add) before anything can be logged, and forgotten when the job
 * is freed (core.c): no log line nor last_error names the customer. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>

#include "db/db.h"
#include "log.h"
#include "worker/job.h"

/* sql/functions/80_outbox.sql, 82_mail.sql */
#define SQL_MAIL_DATA "SELECT oms_api.mail_data($1::bigint, $2::bigint, $3::bigint)::text"
#define SQL_MESSAGE_KEY "SELECT oms_api.mail_message_key($1::bigint)"
#define SQL_RELAY_ALERT "SELECT oms_api.mail_relay_alert($1, $2::jsonb)"

/* What the relay's EHLO offered, learned from a session's replies when
 * the transport hands them over (http_response.body holds the SMTP
 * replies): -1 not known yet. Per relay URL, for the process. */
static struct {
	char url[256];
	int eightbit, smtputf8;
} relay_caps = { "", -1, -1 };

static void
caps_for(const char *url)
{
	if (url && strcmp(relay_caps.url, url) != 0) {
		snprintf(relay_caps.url, sizeof relay_caps.url, "%s", url);
		relay_caps.eightbit = relay_caps.smtputf8 = -1;
	}
}

/* The relay's replies of one session, in order: the greeting (220), the
 * answer to EHLO (250, one line per extension), after STARTTLS another
 * 220 and another EHLO answer, then AUTH, MAIL, RCPT, DATA... The answer
 * right after a 220 is EHLO's; the last one counts. */
static void
caps_learn(const char *replies)
{
	int last = 0;                   /* the code of the reply before */
	bool in_ehlo = false, seen = false, eight = false, utf8 = false;

	for (const char *l = replies; l && *l;) {
		const char *nl = strchr(l, '\n');
		size_t n = nl ? (size_t)(nl - l) : strlen(l);
		if (n >= 4 && l[0] >= '2' && l[0] <= '5' && (l[3] == '-' || l[3] == ' ' || l[3] == '\r')) {
			int code = (l[0] - '0') * 100 + (l[1] - '0') * 10 + (l[2] - '0');
			if (!in_ehlo && code == 250 && last == 220) {
				in_ehlo = seen = true;      /* a new EHLO answer */
				eight = utf8 = false;
			}
			if (in_ehlo && code == 250) {
				if (n >= 12 && !strncasecmp(l + 4, "8BITMIME", 8))
					eight = true;
				else if (n >= 12 && !strncasecmp(l + 4, "SMTPUTF8", 8))
					utf8 = true;
			}
			if (l[3] != '-') {      /* the reply's last line */
				last = code;
				in_ehlo = false;
			}
		}
		l = nl ? nl + 1 : l + n;
	}
	if (seen) {
		relay_caps.eightbit = eight;
		relay_caps.smtputf8 = utf8;
	}
}

/* Before the first session of this process has shown what the relay
 * offers, a UTF-8 recipient needs to know whether it takes SMTPUTF8: one
 * EHLO probe, a session of its own that sends nothing (EHLO, NOOP, QUIT;
 * STARTTLS first when [mail] starttls = yes, never AUTH; http_smtp_probe),
 * its replies read as the transport's are (caps_learn). It blocks
 * the loop for at most PROBE_TIMEOUT_MS, once per relay (tried again at
 * most every PROBE_RETRY_S while the relay cannot be reached). */
#define PROBE_TIMEOUT_MS 10000L
#define PROBE_RETRY_S 30

/* True when the relay's extensions are known afterwards; else *why says
 * what stood in the way. */
static bool
caps_probe(const struct smtp_endpoint *ep, char *why, size_t whylen)
{
	static char tried_url[256];
	static time_t tried_at;
	struct oms_error err = { 0 };
	time_t now = time(NULL);
	char *replies;

	if (!ep->url || !*ep->url) {
		snprintf(why, whylen, "no [mail] smtp_url");
		return false;
	}
	if (!strcmp(tried_url, ep->url) && now - tried_at < PROBE_RETRY_S) {
		snprintf(why, whylen, "the relay did not answer an EHLO probe %lld s ago",
			 (long long)(now - tried_at));
		return false;
	}
	snprintf(tried_url, sizeof tried_url, "%s", ep->url);
	tried_at = now;
	replies = http_smtp_probe(ep, PROBE_TIMEOUT_MS, &err);
	caps_learn(replies);
	free(replies);
	if (relay_caps.smtputf8 >= 0) {
		log_info("mail relay: EHLO probe: SMTPUTF8 %s, 8BITMIME %s",
			 relay_caps.smtputf8 ? "offered" : "not offered",
			 relay_caps.eightbit ? "offered" : "not offered");
		return true;
	}
	snprintf(why, whylen, "the relay did not answer an EHLO probe: %.200s",
		 err.msg[0] ? err.msg : "no EHLO answer");
	return false;
}

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

/* A cancellation's payload names its lines by line_no, sku and quantity
 * (sql/functions/50_cancellation.sql) and whether anything of the order
 * is left ("status": PARTLY_CANCELLED); the order's data has every line
 * with its name and price, in line order. The mail lists the cancelled
 * lines with their names and the price of the cancelled quantity, and
 * says "partial" when the order goes on. */
static void
cancelled_lines(json_t *payload, json_t *data)
{
	json_t *want = json_object_get(payload, "lines"), *all = json_object_get(data, "lines");
	json_t *out, *l, *st = json_object_get(payload, "status");
	size_t i;

	if (json_is_string(st) && !strcmp(json_string_value(st), "PARTLY_CANCELLED"))
		json_object_set_new(data, "partial", json_true());
	if (!json_is_array(want) || !json_is_array(all) || !(out = json_array()))
		return;
	json_array_foreach(want, i, l) {
		json_t *sku = json_object_get(l, "sku"), *no = json_object_get(l, "line_no"), *m = NULL;
		json_int_t qty = json_integer_value(json_object_get(l, "qty"));
		json_int_t n = json_is_integer(no) ? json_integer_value(no) : 0;
		json_t *at = n >= 1 ? json_array_get(all, (size_t)(n - 1)) : NULL;
		json_int_t oq, total;
		size_t k;
		json_t *c;

		/* the order's line at that position, else the first of that sku */
		if (at && json_equal(json_object_get(at, "sku"), sku))
			m = at;
		json_array_foreach(all, k, c)
			if (!m && json_equal(json_object_get(c, "sku"), sku))
				m = c;
		if (!m)
			continue;
		oq = json_integer_value(json_object_get(m, "qty"));
		total = json_integer_value(json_object_get(m, "line_total_minor"));
		json_array_append_new(out, json_pack("{s:O?, s:O?, s:I, s:I}", "name",
						     json_object_get(m, "name"), "sku", sku, "qty", qty,
						     "line_total_minor", oq > 0 ? total / oq * qty : 0));
	}
	json_object_set_new(payload, "lines", out);
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
	cancelled_lines(payload, data);
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

/* The relay refused the worker itself: every mail would meet the same
 * answer. Open the breaker at once (job_service_trip), tell the
 * administrators (one open alert), and give this mail back without
 * spending an attempt (job_wait): no queued mail dies of it. */
static void
relay_problem(struct job *jb, const char *stage, long code, const char *what)
{
	const struct jobs_config *cfg = job_config(jb);
	struct oms_error e = { 0 };
	char msg[400], detail[200];
	const char *p[2] = { msg, detail };
	struct db_result *r;

	snprintf(msg, sizeof msg, "the mail relay refused us%s%s: %s; mail waits, "
		 "administrators alerted", stage ? " at " : "", stage ? stage : "", what);
	if (code)
		snprintf(msg + strlen(msg), sizeof msg - strlen(msg), " (SMTP %ld)", code);
	snprintf(detail, sizeof detail, "{\"stage\": \"%s\", \"smtp_code\": %ld}",
		 stage ? stage : "", code);
	log_warn("job %lld (%s): %s", jb->id, jb->kind, msg);
	job_service_trip(jb, cfg->breaker_open_ms);
	r = db_query(job_db(jb), SQL_RELAY_ALERT, 2, p, &e);
	if (r) {
		if (db_rows(r) == 1 && !strcmp(db_get(r, 0, 0), "t"))
			log_warn("mail relay: alert raised for the administrators");
		db_result_free(r);
	} else if (job_db_trouble(jb, &e)) {
		return;
	} else {
		log_error("mail relay: cannot raise the alert: %s", e.msg);
	}
	/* back untried, no attempt spent, due when the breaker lets a probe
	 * through; its last_error says why */
	job_wait(jb, cfg->breaker_open_ms, msg);
}

/* AUTH only where it cannot be read on the way: smtps://, or STARTTLS
 * required (starttls = yes), unless [mail] allow_plain_auth = yes. */
static bool
auth_in_clear(const struct jobs_config *cfg)
{
	return cfg->smtp.username && *cfg->smtp.username && !cfg->mail.allow_plain_auth &&
	       !cfg->smtp.require_tls && (!cfg->smtp.url || strncasecmp(cfg->smtp.url, "smtps://", 8));
}

/* The database's key for the job's Message-ID, or "" (an older schema). */
static bool
message_key(struct job *jb, char *out, size_t outlen)
{
	struct oms_error e = { 0 };
	char id[24];
	const char *p[1] = { id };
	struct db_result *r;

	out[0] = '\0';
	snprintf(id, sizeof id, "%lld", jb->id);
	r = db_query(job_db(jb), SQL_MESSAGE_KEY, 1, p, &e);
	if (!r) {
		if (job_db_trouble(jb, &e))
			return false;
		log_warn("job %lld (%s): no database key for the Message-ID: %s", jb->id, jb->kind, e.msg);
		return true;
	}
	if (db_rows(r) == 1 && !db_isnull(r, 0, 0))
		snprintf(out, outlen, "%s", db_get(r, 0, 0));
	db_result_free(r);
	return true;
}

void
notify_job_start(struct job *jb)
{
	struct oms_error e = { 0 };
	char ev[64] = "", key[128], *payload;
	bool seller = !strcmp(jb->kind, "seller_notify");
	const struct jobs_config *cfg = job_config(jb);
	struct mail_context mc = { 0 };
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
	if (!message_key(jb, key, sizeof key)) {
		free(payload);
		return;
	}
	caps_for(cfg->smtp.url);
	mc.job_id = jb->id;
	mc.message_key = key;
	mc.now = time(NULL);
	/* Never BODY=8BITMIME: Debian 12's libcurl (7.88) cannot add a
	 * parameter to MAIL FROM, and an 8bit body without it breaks RFC
	 * 6152. The body stays quoted-printable, 7-bit clean for every relay
	 * (a departure from issue 12 that oms-worker(8) MAIL states). */
	mc.eightbit = false;
	mc.smtputf8 = relay_caps.smtputf8;
	st = mail_build(ev, payload, strlen(payload), &mc, &cfg->mail, &jb->msg, &e);
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
	if (jb->msg.utf8_address && relay_caps.smtputf8 < 0) {
		/* nothing seen of this relay yet: ask it before her address
		 * goes anywhere */
		char why[300];
		if (!caps_probe(&cfg->smtp, why, sizeof why)) {
			char m[400];
			snprintf(m, sizeof m, "cannot tell whether the mail relay offers SMTPUTF8 "
				 "(the recipient address is not ASCII): %s", why);
			job_service_failed(jb);
			job_retry(jb, m);
			return;
		}
		if (relay_caps.smtputf8 == 0) {
			job_service_ok(jb);
			job_dead(jb, "the recipient address is not ASCII and the mail relay does not "
				 "offer SMTPUTF8: it cannot be sent there");
			return;
		}
	}
	if (auth_in_clear(cfg)) {
		relay_problem(jb, NULL, 0, "AUTH would be sent without TLS (use smtps:// or "
			      "starttls = yes, or allow_plain_auth = yes for a local relay)");
		return;
	}
	if (job_smtp_send(jb, &e) != OMS_OK) {
		if (e.status == OMS_INVALID)
			job_dead(jb, e.msg);
		else
			job_retry(jb, e.msg);
	}
}

/* Where in the session the relay said no, from libcurl's words:
 * "MAIL failed: 530", "RCPT failed: 550", "Got unexpected smtp-server
 * response: 554" (the greeting), "Authentication failed: 535", "STARTTLS
 * denied", "DATA failed: 503"; anything else after DATA is the end of the
 * message. */
static const char *
smtp_stage(const struct http_response *resp)
{
	const char *m = resp->errmsg;

	if (!strncasecmp(m, "MAIL", 4))
		return "MAIL";
	if (!strncasecmp(m, "RCPT", 4))
		return "RCPT";
	if (!strncasecmp(m, "DATA", 4))
		return "DATA";
	if (strstr(m, "unexpected smtp-server response"))
		return "connect";
	if (strstr(m, "uthentication") || strstr(m, "AUTH") || resp->transport_error == 67)
		return "AUTH";
	if (strstr(m, "STARTTLS") || resp->transport_error == 64)
		return "STARTTLS";
	if (strstr(m, "EHLO") || strstr(m, "HELO") || resp->transport_error == 9)
		return "EHLO";
	return "end of data";
}

void
notify_job_result(struct job *jb, const struct http_response *resp)
{
	char msg[400];
	const char *stage;

	if (resp->body)
		caps_learn(resp->body);
	if (resp->transport_error == 0) {
		job_service_ok(jb);
		log_info("job %lld: %s mail for order %lld accepted, Message-ID %s", jb->id,
			 jb->msg.event, jb->order_no, jb->msg.message_id);
		job_done(jb, json_pack("{s:s, s:s}", "message_id", jb->msg.message_id, "event",
				       jb->msg.event), NULL, 0, NULL);
		return;
	}
	stage = smtp_stage(resp);
	if (resp->status >= 500 && resp->status <= 599) {
		long code = resp->status;
		bool relay = code == 503 || code == 530 || code == 535 || code == 538 ||
			     !strcmp(stage, "connect") || !strcmp(stage, "AUTH") ||
			     !strcmp(stage, "STARTTLS") || !strcmp(stage, "EHLO") ||
			     (!strcmp(stage, "MAIL") && code != 552);
		if (relay) {
			relay_problem(jb, stage, code,
				      code == 530 ? "authentication required" :
				      code == 503 ? "bad sequence of commands" :
				      !strcmp(stage, "connect") ? "refused at connect" :
				      !strcmp(stage, "MAIL") ? "the sender was refused" :
				      "refused");
			return;
		}
		/* The relay judged this message or this recipient: final. */
		job_service_ok(jb);
		snprintf(msg, sizeof msg, "SMTP %ld from the mail relay at %s: recipient or message "
			 "refused (%s)", code, stage, resp->errmsg);
		job_dead(jb, msg);
		return;
	}
	if (resp->transport_error == 64 || resp->transport_error == 67) {
		/* STARTTLS required but not offered, or login denied */
		relay_problem(jb, stage, resp->status, resp->errmsg);
		return;
	}
	job_service_failed(jb);
	if (resp->status >= 400)
		snprintf(msg, sizeof msg, "mail relay: temporary failure at %s (SMTP %ld)", stage,
			 resp->status);
	else
		job_transport_message(resp, "mail relay", msg, sizeof msg);
	job_retry(jb, msg);
}
