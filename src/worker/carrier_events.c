/* Carrier webhook Events (issue 11): see carrier_events.h. */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <microhttpd.h>

#include "db/db.h"
#include "http/carrier.h"
#include "worker/carrier_events.h"
#include "worker/webhook.h"

/* Lines are written with webhook_log, not log_warn: log_scrub reads the
 * loop thread's table of personal data, which the listener's threads must
 * not (webhook.h). They hold the source, lengths and reasons, never a body. */

#define MAX_SECRETS 4
#define RATE_SLOTS 256

/* What the main thread configures and the listener's threads read; the
 * rate buckets below are shared by those threads too: all under cfg_lock. */
static pthread_mutex_t cfg_lock = PTHREAD_MUTEX_INITIALIZER;
static char secret_buf[1024];
static const char *cfg_secrets[MAX_SECRETS];
static int cfg_nsecrets;
static long cfg_rate = 50;

/* A token bucket per source address (a small table; the least recently
 * seen address gives its slot up). */
static struct bucket {
	char addr[INET6_ADDRSTRLEN];
	double tokens;
	double at;                /* seconds, monotonic */
} buckets[RATE_SLOTS];

void
carrier_events_configure(const char *list, long per_s)
{
	char *tok, *save = NULL;

	pthread_mutex_lock(&cfg_lock);
	snprintf(secret_buf, sizeof secret_buf, "%s", list ? list : "");
	cfg_nsecrets = 0;
	for (tok = strtok_r(secret_buf, " \t,", &save); tok && cfg_nsecrets < MAX_SECRETS;
	     tok = strtok_r(NULL, " \t,", &save))
		cfg_secrets[cfg_nsecrets++] = tok;
	cfg_rate = per_s > 0 ? per_s : 50;
	pthread_mutex_unlock(&cfg_lock);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* May addr send one more request now? (called with cfg_lock held) */
static bool
rate_ok(const char *addr)
{
	double t = now_s(), burst = 2.0 * (double)cfg_rate;
	struct bucket *b = NULL, *oldest = &buckets[0];

	for (int i = 0; i < RATE_SLOTS; i++) {
		if (!strcmp(buckets[i].addr, addr)) {
			b = &buckets[i];
			break;
		}
		if (buckets[i].at < oldest->at)
			oldest = &buckets[i];
	}
	if (!b) {
		b = oldest;
		snprintf(b->addr, sizeof b->addr, "%s", addr);
		b->tokens = burst;
		b->at = t;
	}
	b->tokens += (t - b->at) * (double)cfg_rate;
	if (b->tokens > burst)
		b->tokens = burst;
	b->at = t;
	if (b->tokens < 1.0)
		return false;
	b->tokens -= 1.0;
	return true;
}

static void
source_of(const struct webhook_request *rq, char *out, size_t len)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info((struct MHD_Connection *)rq->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;

	snprintf(out, len, "?");
	if (sa && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out, (socklen_t)len);
	else if (sa && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out, (socklen_t)len);
}

int
carrier_events_handle(const struct webhook_request *rq, char *reply, size_t replylen)
{
	char src[INET6_ADDRSTRLEN], buf[1024], id[128], key[128];
	const char *sec[MAX_SECRETS];
	bool allowed;
	int n, status;

	source_of(rq, src, sizeof src);
	pthread_mutex_lock(&cfg_lock);
	allowed = rate_ok(src);
	/* a private copy: a SIGHUP may change the secrets meanwhile */
	memcpy(buf, secret_buf, sizeof buf);
	n = cfg_nsecrets;
	for (int i = 0; i < n; i++)
		sec[i] = buf + (cfg_secrets[i] - secret_buf);
	pthread_mutex_unlock(&cfg_lock);
	if (!allowed) {
		webhook_log("carrier webhook from %s refused: over the rate limit", src);
		snprintf(reply, replylen, "slow down");
		return 429;
	}
	status = carrier_event_check(rq->header(rq, "X-Hmac-Signature"), rq->body, rq->len, sec, n, src,
				     reply, replylen);
	if (status)
		return status;
	/* the signature is good: committed with the others queued meanwhile
	 * (webhook.h), by carrier_event_apply */
	carrier_event_keys(rq->body, rq->len, id, sizeof id, key, sizeof key);
	return webhook_group(rq, src, key, id);
}

int
carrier_event_receive(struct db *db, const char *signature, const char *body, size_t len,
		      const char *const *secrets, int nsecrets, const char *source,
		      char *reply, size_t replylen, bool *db_lost)
{
	int status;

	*db_lost = false;
	if ((status = carrier_event_check(signature, body, len, secrets, nsecrets, source, reply, replylen)))
		return status;
	return carrier_event_apply(db, body, len, source, reply, replylen, db_lost);
}

int
carrier_event_check(const char *signature, const char *body, size_t len,
		    const char *const *secrets, int nsecrets, const char *source,
		    char *reply, size_t replylen)
{
	enum carrier_sig sig;

	if (len > CARRIER_EVENT_MAX_BODY) {
		webhook_log("carrier webhook from %s refused: %zu bytes, more than %d", source ? source : "?", len,
			 CARRIER_EVENT_MAX_BODY);
		snprintf(reply, replylen, "too big");
		return 413;
	}
	sig = carrier_webhook_verify(signature, body, len, secrets, nsecrets);
	if (sig != CARRIER_SIG_OK) {
		webhook_log("carrier webhook from %s refused: %s (%zu bytes)", source ? source : "?",
			 carrier_sig_name(sig), len);
		snprintf(reply, replylen, "bad signature");
		return 401;
	}
	return 0;
}

int
carrier_event_apply(struct db *db, const char *body, size_t len, const char *source,
		    char *reply, size_t replylen, bool *db_lost)
{
	struct oms_error err = { 0 };
	struct db_result *r;
	const char *p[1];

	(void)len;
	*db_lost = false;
	if (!db || !db_ok(db)) {
		*db_lost = db != NULL;
		webhook_log("carrier webhook from %s: database unavailable, answered 503", source ? source : "?");
		snprintf(reply, replylen, "unavailable, try again");
		return 503;
	}
	p[0] = body ? body : "";
	r = db_query(db, "SELECT oms_api.carrier_event($1)", 1, p, &err);
	if (r) {
		snprintf(reply, replylen, "%s", db_rows(r) ? db_get(r, 0, 0) : "stored");
		db_result_free(r);
		return 200;
	}
	if (!db_ok(db)) {
		*db_lost = true;
		webhook_log("carrier webhook from %s: database connection lost, answered 503", source ? source : "?");
		snprintf(reply, replylen, "unavailable, try again");
		return 503;
	}
	if (!strcmp(err.sqlstate, "22023") || !strcmp(err.sqlstate, "22P02") || !strcmp(err.sqlstate, "22P05") ||
	    !strcmp(err.sqlstate, "54000")) {
		webhook_log("carrier webhook from %s refused: %s", source ? source : "?", err.msg);
		snprintf(reply, replylen, "not an event");
		return 400;
	}
	webhook_log("carrier webhook from %s: not stored (%s %s), answered 503", source ? source : "?",
		 err.sqlstate, err.msg);
	snprintf(reply, replylen, "unavailable, try again");
	return 503;
}
