/* The worker's heartbeat (issue 10): oms_api.worker_heartbeat records, in
 * oms.worker_heartbeat, that this worker is alive, its host and pid, the
 * jobs in hand and done, and its circuit breakers' states. Written every
 * [worker] heartbeat_interval seconds (default 30), at once (at most once a
 * second) when a breaker changes state, and when the worker stops. The
 * administrator's dashboard shows the last heartbeat, flags "no heartbeat
 * for N min", and shows the breakers. Not with --once (no daemon then). A
 * failed write is logged; the next turn's due write tries again. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "db/db.h"
#include "http/breaker.h"
#include "log.h"
#include "worker/worker.h"

#define HEARTBEAT_DEFAULT_S 30
#define HEARTBEAT_MIN_GAP_MS 1000   /* between two writes for breaker changes */

static uint64_t last_beat, next_beat;
static char last_sig[256];
static bool stopping_written, stopped_written;

/* The job kinds' breakers, then the carrier poller's. */
static const struct breaker *
nth_breaker(struct worker *w, unsigned i)
{
	const struct breaker *b = jobs_breaker(w->jobs, i);
	unsigned n = 0;

	if (b)
		return b;
	while (jobs_breaker(w->jobs, n))
		n++;
	return i == n ? track_breaker() : NULL;
}

/* Each breaker as {"name", "state", "failures", "retry_in_ms"}, and a
 * signature of the states alone (a change writes at once). A breaker's
 * entry is at most ~120 bytes (its name is a short constant); the loop
 * stops before the buffers could fill. */
static void
breakers_json(struct worker *w, char *js, size_t jlen, char *sig, size_t slen)
{
	const struct breaker *b;
	size_t jn = 0, sn = 0;
	int k;

	js[0] = sig[0] = '\0';
	k = snprintf(js, jlen, "[");
	jn = k > 0 ? (size_t)k : 0;
	for (unsigned i = 0; (b = nth_breaker(w, i)) != NULL && jn + 160 < jlen && sn + 40 < slen; i++) {
		const char *st = b->state == BREAKER_OPEN ? "open" :
				 b->state == BREAKER_HALF_OPEN ? "half_open" : "closed";

		k = snprintf(js + jn, jlen - jn,
			     "%s{\"name\": \"%s\", \"state\": \"%s\", \"failures\": %u, \"retry_in_ms\": %llu}",
			     i ? ", " : "", b->name, st, b->failures,
			     (unsigned long long)breaker_wait_ms(b, jobs_now_ms()));
		jn += k > 0 ? (size_t)k : 0;
		k = snprintf(sig + sn, slen - sn, "%s=%s;", b->name, st);
		sn += k > 0 ? (size_t)k : 0;
	}
	if (jn < jlen)
		snprintf(js + jn, jlen - jn, "]");
}

static long
interval_s(const struct worker *w)
{
	struct oms_error err = { 0 };
	long v;

	if (config_get_int(w->s.cfg, "worker", "heartbeat_interval", HEARTBEAT_DEFAULT_S, 1, 3600, &v,
			   &err) != OMS_OK)
		return HEARTBEAT_DEFAULT_S;
	return v;
}

/* When the next heartbeat is due (jobs_now_ms clock; 0 before the first):
 * the loop's wait ends then, however long poll_interval_ms is. */
uint64_t
heartbeat_due_ms(void)
{
	return next_beat;
}

void
heartbeat_step(struct worker *w)
{
	char js[1024], sig[sizeof last_sig], host[256], pid[24], iv[24], inflight[24], counts[128];
	const char *state, *p[9];
	unsigned long done, retried, dead, released;
	struct oms_error err = { 0 };
	uint64_t now = jobs_now_ms();
	long every;
	bool last;

	if (w->once || !w->jobs || !w->db || !db_ok(w->db) || jobs_db_lost(w->jobs) || stopped_written)
		return;
	/* called just before the loop's "stopping and nothing in hand: exit" */
	last = w->stopping && jobs_in_flight(w->jobs) == 0;
	state = last ? "stopped" : w->stopping ? "stopping" : "running";
	breakers_json(w, js, sizeof js, sig, sizeof sig);
	if (!last && !(w->stopping && !stopping_written) && now < next_beat &&
	    (strcmp(sig, last_sig) == 0 || now < last_beat + HEARTBEAT_MIN_GAP_MS))
		return;
	every = interval_s(w);
	if (gethostname(host, sizeof host) != 0)
		snprintf(host, sizeof host, "?");
	host[sizeof host - 1] = '\0';
	snprintf(pid, sizeof pid, "%ld", (long)getpid());
	snprintf(iv, sizeof iv, "%ld", every);
	snprintf(inflight, sizeof inflight, "%u", jobs_in_flight(w->jobs));
	jobs_counts(w->jobs, &done, &retried, &dead, &released);
	snprintf(counts, sizeof counts, "{%lu,%lu,%lu,%lu}", done, retried, dead, released);
	p[0] = w->s.jc.worker_id;
	p[1] = host;
	p[2] = pid;
	p[3] = PACKAGE_VERSION;
	p[4] = state;
	p[5] = iv;
	p[6] = inflight;
	p[7] = counts;
	p[8] = js;
	last_beat = now;
	next_beat = now + (uint64_t)every * 1000;
	if (db_exec(w->db, "SELECT oms_api.worker_heartbeat($1, $2, $3::int, $4, $5, $6::int, $7::int, "
			   "$8::bigint[], $9::jsonb)", 9, p, &err) != OMS_OK) {
		log_warn("writing the heartbeat failed, next try in %ld s: %s", every, err.msg);
		return;
	}
	snprintf(last_sig, sizeof last_sig, "%s", sig);
	stopping_written = w->stopping;
	stopped_written = last;
	log_debug("heartbeat (%s): %s", state, sig);
}
