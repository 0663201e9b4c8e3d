/* Tracker polling (issue 11): the fallback for carriers without webhooks
 * and for when webhooks stop arriving. Not an outbox job but a periodic
 * step of the loop, like the stuck sweep: every [carrier] poll_interval
 * seconds the worker takes a batch of trackers that are due
 * (oms_api.trackers_due: new ones, and those not heard from for policy
 * tracker_poll_hours; at most poll_per_carrier of one carrier per batch,
 * the per-carrier rate limit), registers the new ones with the aggregator
 * (POST /v2/trackers) and fetches the others (GET /v2/trackers/ID), and
 * hands each answer to oms_api.tracker_update, which records every scan
 * once and moves the order. A failed poll backs the tracker off in the
 * database (oms_api.tracker_poll_failed); failures that say the
 * aggregator is unwell open the carrier breaker, and no batch starts while
 * it is open. Nothing is lost while the aggregator is down: the trackers
 * stay due and are caught up when it answers again. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "db/db.h"
#include "http/breaker.h"
#include "http/carrier.h"
#include "log.h"
#include "worker/carrier_events.h"
#include "worker/worker.h"

struct track_settings {
	const struct oms_config *cfg;    /* the settings were read from this one */
	struct http_endpoint ep;
	long interval_s;                 /* 0: no polling */
	long batch, per_carrier;
};

static struct track_settings ts;
static struct breaker carrier_breaker;
static uint64_t next_poll;
static unsigned in_flight;

struct poll_ctx {
	struct worker *w;
	long long shipment_id;
	char tracking_no[48];
};

static void
track_settings_read(const struct oms_config *cfg)
{
	long v[8];
	struct oms_error err = { 0 };

	memset(&ts, 0, sizeof ts);
	ts.cfg = cfg;
	if (config_get_int(cfg, "carrier", "webhook_rate", 50, 1, 100000, &v[7], &err) != OMS_OK) {
		log_warn("[carrier] webhook_rate: %s; 50 per second", err.msg);
		v[7] = 50;
		memset(&err, 0, sizeof err);
	}
	carrier_events_configure(config_get(cfg, "carrier", "webhook_secret", NULL), v[7]);
	ts.ep.base_url = config_get(cfg, "carrier", "base_url", NULL);
	ts.ep.api_key = config_get(cfg, "carrier", "api_key", NULL);
	ts.ep.ca_file = config_get(cfg, "carrier", "ca_file", NULL);
	ts.ep.insecure_loopback_ok = config_get_bool(cfg, "carrier", "allow_insecure_loopback", false);
	if (config_get_int(cfg, "carrier", "poll_interval", 300, 0, 86400, &v[0], &err) != OMS_OK ||
	    config_get_int(cfg, "carrier", "poll_batch", 50, 1, 1000, &v[1], &err) != OMS_OK ||
	    config_get_int(cfg, "carrier", "poll_per_carrier", 20, 1, 1000, &v[2], &err) != OMS_OK ||
	    config_get_int(cfg, "carrier", "connect_timeout_ms", 5000, 1, 600000, &v[3], &err) != OMS_OK ||
	    config_get_int(cfg, "carrier", "timeout_ms", 15000, 1, 600000, &v[4], &err) != OMS_OK ||
	    config_get_int(cfg, "carrier", "breaker_threshold", 5, 1, 1000, &v[5], &err) != OMS_OK ||
	    config_get_int(cfg, "carrier", "breaker_open_ms", 30000, 1, 3600000, &v[6], &err) != OMS_OK) {
		log_warn("carrier polling off: %s", err.msg);
		ts.interval_s = 0;
		return;
	}
	ts.interval_s = ts.ep.base_url && *ts.ep.base_url ? v[0] : 0;
	ts.batch = v[1];
	ts.per_carrier = v[2];
	ts.ep.connect_timeout_ms = v[3];
	ts.ep.timeout_ms = v[4];
	breaker_init(&carrier_breaker, "carrier", (unsigned)v[5], (uint64_t)v[6]);
	next_poll = 0;
	if (ts.interval_s)
		log_info("carrier polling every %ld s (batch %ld, at most %ld per carrier)", ts.interval_s,
			 ts.batch, ts.per_carrier);
	else
		log_info("carrier polling off");
}

/* The carrier poller's breaker, for the heartbeat; NULL while polling is
 * off (no [carrier] base_url, or poll_interval 0). */
const struct breaker *
track_breaker(void)
{
	return ts.interval_s && carrier_breaker.name ? &carrier_breaker : NULL;
}

static void
poll_failed(struct worker *w, long long shipment_id, const char *why)
{
	char id[24];
	const char *p[2] = { id, why };
	struct oms_error err = { 0 };

	snprintf(id, sizeof id, "%lld", shipment_id);
	if (db_exec(w->db, "SELECT oms_api.tracker_poll_failed($1::bigint, $2)", 2, p, &err) != OMS_OK)
		log_warn("tracker of shipment %lld: recording the failed poll failed: %s", shipment_id,
			 err.msg);
}

static void
poll_done(const struct http_response *r, void *arg)
{
	struct poll_ctx *c = arg;
	struct worker *w = c->w;
	struct carrier_tracker t;
	struct oms_error err = { 0 };
	bool parsed = false;
	uint64_t now = jobs_now_ms();
	char why[200];

	in_flight--;
	if (r->status >= 200 && r->status < 300)
		parsed = carrier_tracker_parse(r->body, r->len, &t, &err) == OMS_OK;
	if (carrier_answer_unwell(r, parsed))
		breaker_failure(&carrier_breaker, now);
	else
		breaker_success(&carrier_breaker, now);

	if (parsed) {
		const char *p[1] = { r->body };
		struct db_result *res = db_query(w->db, "SELECT oms_api.tracker_update($1::jsonb)::text", 1, p,
						 &err);

		if (res) {
			log_debug("tracker %s (shipment %lld): %s, %d scan(s): %s", t.id, c->shipment_id,
				  t.status, t.scans, db_get(res, 0, 0));
			db_result_free(res);
		} else {
			log_warn("tracker %s (shipment %lld): the database refused the update: %s", t.id,
				 c->shipment_id, err.msg);
			poll_failed(w, c->shipment_id, "the database refused the tracker");
		}
	} else {
		if (r->transport_error || r->timed_out || r->status == 0)
			snprintf(why, sizeof why, "aggregator unreachable: %.150s",
				 r->timed_out ? "timed out" : r->errmsg);
		else if (r->status >= 200 && r->status < 300)
			snprintf(why, sizeof why, "aggregator answered %ld, %.150s", r->status, err.msg);
		else
			snprintf(why, sizeof why, "aggregator answered %ld", r->status);
		log_warn("tracker of shipment %lld: %s", c->shipment_id, why);
		poll_failed(w, c->shipment_id, why);
	}
	free(c);
}

/* One batch: the due trackers, each polled once. */
static void
poll_batch(struct worker *w)
{
	char lim[24], per[24];
	const char *p[2] = { lim, per };
	struct oms_error err = { 0 };
	struct db_result *r;
	int n;

	snprintf(lim, sizeof lim, "%ld", ts.batch);
	snprintf(per, sizeof per, "%ld", ts.per_carrier);
	r = db_query(w->db, "SELECT shipment_id, coalesce(tracker_id, ''), tracking_no, "
			    "coalesce(aggregator_carrier, '') FROM oms_api.trackers_due($1::int, $2::int)",
		     2, p, &err);
	if (!r) {
		log_warn("carrier polling: taking the due trackers failed: %s", err.msg);
		return;
	}
	n = db_rows(r);
	if (n)
		log_info("carrier polling: %d tracker(s) due", n);
	for (int i = 0; i < n; i++) {
		struct poll_ctx *c = calloc(1, sizeof *c);
		const char *tid = db_get(r, i, 1), *code = db_get(r, i, 2), *carrier = db_get(r, i, 3);
		enum oms_status st;

		if (!c)
			break;
		c->w = w;
		c->shipment_id = db_get_ll(r, i, 0);
		snprintf(c->tracking_no, sizeof c->tracking_no, "%s", code);
		if (!breaker_allow(&carrier_breaker, jobs_now_ms())) {
			/* opened by this batch's own answers: leave the rest due */
			poll_failed(w, c->shipment_id, "aggregator breaker open");
			free(c);
			continue;
		}
		if (*tid)
			st = carrier_tracker_get(w->eng, &ts.ep, tid, poll_done, c, &err);
		else
			st = carrier_tracker_create(w->eng, &ts.ep, code, carrier, poll_done, c, &err);
		if (st != OMS_OK) {
			breaker_abandon(&carrier_breaker);
			log_warn("tracker of shipment %lld: not polled: %s", c->shipment_id, err.msg);
			poll_failed(w, c->shipment_id, err.msg);
			free(c);
			continue;
		}
		in_flight++;
	}
	db_result_free(r);
}

void
track_wake(void)
{
	next_poll = 0;
}

void
track_step(struct worker *w)
{
	uint64_t now = jobs_now_ms();

	if (ts.cfg != w->s.cfg)
		track_settings_read(w->s.cfg);
	if (w->stopping || w->once || !ts.interval_s || !w->db || !w->eng || jobs_db_lost(w->jobs) ||
	    now < next_poll || in_flight)
		return;
	next_poll = now + (uint64_t)ts.interval_s * 1000;
	if (!breaker_allow(&carrier_breaker, now)) {
		log_debug("carrier polling: breaker open, next try in %ld s", ts.interval_s);
		return;
	}
	breaker_abandon(&carrier_breaker);    /* the batch's requests take their own turns */
	poll_batch(w);
}
