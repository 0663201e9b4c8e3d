/* The webhook listener: libmicrohttpd's thread pool, a route table, a
 * database connection per thread lent to one request at a time, and the
 * group committer of the routes that have an apply function (webhook.h). */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include "db/db.h"
#include "log.h"
#include "worker/carrier_events.h"
#include "worker/webhook.h"

static const struct webhook_route routes[] = {
	/* method  path                  handler                apply (group commit) */
	{ "POST", "/webhooks/payment",  pay_events_handle,     NULL },
	{ "POST", "/webhooks/carrier",  carrier_events_handle, carrier_event_apply },   /* carrier_events.c */
};

#define WEBHOOK_DEFAULT_THREADS 4
#define WEBHOOK_MAX_THREADS 64

/* A database connection of the listener: lent to one request at a time
 * (busy), so libpq never sees two threads on one connection. */
struct webhook_conn {
	struct webhook *wh;
	struct db *db;
	bool busy;
};

struct upload;
struct webhook;

/* A committer thread and its batch in flight (b[0..n-1], under qlock:
 * the others read it to keep a key out of two batches at once). */
struct committer {
	struct webhook *wh;
	pthread_t thread;
	struct db *db;                /* its own connection: its thread only */
	struct upload *b[WEBHOOK_BATCH_MAX];
	unsigned n;
};

struct webhook {
	struct MHD_Daemon *mhd;
	char *conninfo;
	long lock_timeout_ms;
	pthread_mutex_t lock;         /* guards conns[].busy */
	pthread_cond_t freed;
	bool locks;                   /* lock and freed initialised */
	unsigned nconns;              /* = the threads */
	struct webhook_conn *conns;
	/* the group commit: requests queued by the listener's threads, taken
	 * by the committer; all under qlock */
	pthread_mutex_t qlock;
	pthread_cond_t queued;        /* signalled when one is queued, or on stop */
	bool qlocks;                  /* qlock and queued initialised */
	struct upload *qhead, *qtail;
	bool stopping;                /* nothing more is queued (webhook_stop) */
	unsigned ncommitters;         /* started */
	struct committer *committers;
};

/* One request: its body, as it arrives, and for a route committed in
 * groups its place in the queue and its answer. */
enum upload_state { U_NEW, U_QUEUED, U_ANSWERED };
struct upload {
	char *buf;
	size_t len, cap;              /* cap: buf's size, grown by doubling */
	bool too_big;
	/* set by webhook_group in the request's thread, before it is queued */
	char source[64];
	char key[128];
	char event_id[128];
	/* queued: the connection is suspended until the committer answers */
	enum upload_state state;      /* under qlock once queued */
	const struct webhook_route *route;
	struct MHD_Connection *conn;
	struct upload *next;
	int status;                   /* the answer: the committer's, before U_ANSWERED */
	char text[256];
};

void
webhook_log(const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	for (char *c = line; *c; c++)
		if ((unsigned char)*c < 0x20)
			*c = ' ';
	fprintf(stderr, "oms-worker: webhook: %s\n", line);
}

/* Lends a connection slot to the calling thread's request: there are as
 * many as threads, and a thread handles one request at a time, so one is
 * free; waiting covers the impossible. */
static struct webhook_conn *
conn_take(struct webhook *wh)
{
	struct webhook_conn *c = NULL;

	pthread_mutex_lock(&wh->lock);
	for (;;) {
		for (unsigned i = 0; i < wh->nconns && !c; i++)
			if (!wh->conns[i].busy)
				c = &wh->conns[i];
		if (c)
			break;
		pthread_cond_wait(&wh->freed, &wh->lock);
	}
	c->busy = true;
	pthread_mutex_unlock(&wh->lock);
	return c;
}

static void
conn_give(struct webhook_conn *c)
{
	struct webhook *wh = c->wh;

	pthread_mutex_lock(&wh->lock);
	c->busy = false;
	pthread_cond_signal(&wh->freed);
	pthread_mutex_unlock(&wh->lock);
}

/* A connection idle between requests has nothing to read unless the
 * server closed it (a restart, an administrator's terminate: its last
 * message, then end of file). Without this check each of the pool's
 * connections would fail one event with 503 after a restart. */
static bool
idle_conn_closed(struct db *db)
{
	struct pollfd p = { db_socket(db), POLLIN, 0 };

	if (p.fd < 0)
		return true;
	return poll(&p, 1, 0) != 0;
}

/* *dbp as it was if it is still usable, else a new connection with the
 * session's lock_timeout (and application_name, when given). Only the
 * thread that owns *dbp calls this for it. */
static struct db *
conn_ready(struct webhook *wh, struct db **dbp, const char *appname, struct oms_error *err)
{
	char v[32];
	const char *p[1] = { v }, *a[1] = { appname };

	if (*dbp && db_ok(*dbp) && !idle_conn_closed(*dbp))
		return *dbp;
	db_close(*dbp);
	*dbp = db_open(wh->conninfo, err);
	if (*dbp && wh->lock_timeout_ms > 0) {
		snprintf(v, sizeof v, "%ldms", wh->lock_timeout_ms);
		if (db_exec(*dbp, "SELECT set_config('lock_timeout', $1, false)", 1, p, err) != OMS_OK) {
			db_close(*dbp);
			*dbp = NULL;
		}
	}
	if (*dbp && appname &&
	    db_exec(*dbp, "SELECT set_config('application_name', $1, false)", 1, a, err) != OMS_OK) {
		db_close(*dbp);
		*dbp = NULL;
	}
	return *dbp;
}

/* Only the thread the slot is lent to touches c->db (no lock needed). */
struct db *
webhook_db(const struct webhook_request *rq, struct oms_error *err)
{
	struct webhook_conn *c = rq->dbc;

	if (!c) {
		oms_fail(err, OMS_DB_GONE, "no database connection lent to this request");
		return NULL;
	}
	return conn_ready(rq->wh, &c->db, NULL, err);
}

void
webhook_db_lost(const struct webhook_request *rq)
{
	if (!rq->dbc)
		return;
	db_close(rq->dbc->db);
	rq->dbc->db = NULL;
}

/* -- the group commit (webhook.h) ---------------------------------------- */

#define COMMITTER_APPNAME "oms-worker webhook committer"

/* The committers: as many as the listener's threads (so the database
 * works on as many events at once as before group commit, when each
 * thread committed its own), each on a connection of its own. */
static unsigned
committers_wanted(unsigned threads)
{
	return threads;
}

int
webhook_group(const struct webhook_request *rq, const char *source, const char *key, const char *event_id)
{
	struct upload *u = rq->job;

	if (!u)
		return 503;
	snprintf(u->source, sizeof u->source, "%s", source ? source : "?");
	snprintf(u->key, sizeof u->key, "%s", key ? key : "");
	snprintf(u->event_id, sizeof u->event_id, "%s", event_id ? event_id : "");
	return WEBHOOK_GROUPED;
}

/* May u join cm's batch? Not when another event of its key is in it
 * already (a second delivery of the same event id may: it is told
 * "duplicate"), nor when any event of its key is in another committer's
 * batch in flight (it would wait for that COMMIT, holding its own batch
 * meanwhile). Called with qlock held. */
static bool
batch_fits(const struct webhook *wh, const struct committer *cm, const struct upload *u)
{
	if (!u->key[0])
		return true;
	for (unsigned k = 0; k < wh->ncommitters; k++) {
		const struct committer *o = &wh->committers[k];
		for (unsigned i = 0; i < o->n; i++)
			if (!strcmp(o->b[i]->key, u->key) && (o != cm || strcmp(o->b[i]->event_id, u->event_id)))
				return false;
	}
	return true;
}

/* Takes cm's batch off the queue, in the order received: every request
 * that fits, up to WEBHOOK_BATCH_MAX (called with qlock held). */
static unsigned
batch_take(struct webhook *wh, struct committer *cm)
{
	struct upload **link = &wh->qhead, *u;

	cm->n = 0;
	wh->qtail = NULL;
	while ((u = *link) && cm->n < WEBHOOK_BATCH_MAX) {
		if (batch_fits(wh, cm, u)) {
			*link = u->next;
			u->next = NULL;
			cm->b[cm->n++] = u;
		} else {
			wh->qtail = u;
			link = &u->next;
		}
	}
	for (u = *link; u; u = u->next)
		wh->qtail = u;
	return cm->n;
}

static void
answer(struct upload *u, int status, const char *text)
{
	u->status = status;
	snprintf(u->text, sizeof u->text, "%s", text);
}

static int
apply(struct upload *u, struct db *db, bool *lost)
{
	return u->route->apply(db, u->buf ? u->buf : "", u->len, u->source, u->text, sizeof u->text, lost);
}

/* Commits cm's batch on its connection and sets each request's answer
 * (cm's thread only: it owns cm->db and, until they are answered, the
 * batch's requests; b[] itself does not change meanwhile). */
static void
batch_commit(struct committer *cm)
{
	struct upload *const *b = cm->b;
	const unsigned n = cm->n;
	struct oms_error err = { 0 };
	struct db *db = conn_ready(cm->wh, &cm->db, COMMITTER_APPNAME, &err);
	const char *why = NULL;
	bool lost = false;
	unsigned i;

	for (i = 0; i < n; i++)
		answer(b[i], 503, "unavailable, try again");
	if (n == 1 || !db) {
		/* a lone event is committed on its own, as it came: no BEGIN,
		 * no savepoint, nothing longer than before group commit; with no
		 * database, each event is told so by its apply */
		for (i = 0; i < n; i++) {
			b[i]->status = apply(b[i], db, &lost);
			if (lost) {
				db_close(cm->db);
				cm->db = db = NULL;
			}
		}
		return;
	}
	if (db_exec(db, "BEGIN", 0, NULL, &err) != OMS_OK) {
		why = "BEGIN failed";
		goto failed;
	}
	for (i = 0; i < n; i++) {
		if (db_exec_script(db, i ? "RELEASE SAVEPOINT ev; SAVEPOINT ev" : "SAVEPOINT ev", &err) != OMS_OK) {
			why = "SAVEPOINT failed";
			goto failed;
		}
		b[i]->status = apply(b[i], db, &lost);
		if (lost) {
			why = "connection lost";
			goto failed;
		}
		if ((b[i]->status < 200 || b[i]->status > 299) &&
		    db_exec(db, "ROLLBACK TO SAVEPOINT ev", 0, NULL, &err) != OMS_OK) {
			why = "ROLLBACK TO SAVEPOINT failed";
			goto failed;
		}
	}
	if (db_exec(db, "COMMIT", 0, NULL, &err) == OMS_OK)
		return;
	why = "COMMIT failed";
failed:
	/* nothing of the batch is known to be committed: what was to be
	 * answered 2xx is answered 503 (a retry is idempotent); a 400 stays */
	for (i = 0; i < n; i++)
		if (b[i]->status >= 200 && b[i]->status <= 299)
			answer(b[i], 503, "unavailable, try again");
	webhook_log("a group of %u event(s) not committed (%s%s%s), answered 503", n, why,
		    err.sqlstate[0] ? ", SQLSTATE " : "", err.sqlstate);
	if (!lost && db_ok(db) && db_exec(db, "ROLLBACK", 0, NULL, &err) == OMS_OK)
		return;
	db_close(cm->db);
	cm->db = NULL;
}

static void *
committer_main(void *arg)
{
	struct committer *cm = arg;
	struct webhook *wh = cm->wh;
	struct MHD_Connection *c[WEBHOOK_BATCH_MAX];
	unsigned n;

	pthread_mutex_lock(&wh->qlock);
	for (;;) {
		while (!batch_take(wh, cm)) {
			if (wh->stopping && !wh->qhead)
				goto out;        /* every request queued is answered */
			/* nothing queued, or only what waits for another batch */
			pthread_cond_wait(&wh->queued, &wh->qlock);
		}
		pthread_mutex_unlock(&wh->qlock);
		batch_commit(cm);
		pthread_mutex_lock(&wh->qlock);
		n = cm->n;
		for (unsigned i = 0; i < n; i++) {
			c[i] = cm->b[i]->conn;
			cm->b[i]->state = U_ANSWERED;
		}
		cm->n = 0;
		if (wh->qhead)                   /* what waited for this batch */
			pthread_cond_broadcast(&wh->queued);
		pthread_mutex_unlock(&wh->qlock);
		/* once resumed, a request belongs to its listener thread again
		 * (which may answer and free it at once): not touched here */
		for (unsigned i = 0; i < n; i++)
			MHD_resume_connection(c[i]);
		pthread_mutex_lock(&wh->qlock);
	}
out:
	pthread_mutex_unlock(&wh->qlock);
	return NULL;
}

static const char *
req_header(const struct webhook_request *rq, const char *name)
{
	return MHD_lookup_connection_value((struct MHD_Connection *)rq->conn, MHD_HEADER_KIND, name);
}

static enum MHD_Result
reply(struct MHD_Connection *c, unsigned status, const char *text)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(strlen(text), (void *)text,
								 MHD_RESPMEM_MUST_COPY);
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", "text/plain; charset=utf-8");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
	   const char *version, const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	struct webhook *wh = cls;
	struct upload *u = *con_cls;
	const struct webhook_route *route = NULL;
	char text[256];
	int status;

	(void)version;
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
		if (!strcmp(routes[i].path, url) && !strcmp(routes[i].method, method))
			route = &routes[i];
	if (!route)
		return reply(c, MHD_HTTP_NOT_FOUND, "no such webhook\n");
	if (!u) {                        /* the headers: nothing to read yet */
		if (!(u = calloc(1, sizeof *u)))
			return MHD_NO;
		*con_cls = u;
		return MHD_YES;
	}
	if (*upload_data_size > 0) {     /* a piece of the body */
		size_t n = *upload_data_size;
		if (u->len + n > WEBHOOK_MAX_BODY) {
			u->too_big = true;
		} else {
			if (u->len + n + 1 > u->cap) {
				/* doubled, not grown by each piece: a body sent in
				 * 1-byte chunks would be copied once per byte */
				size_t cap = u->cap ? u->cap : 4096;
				char *b;
				while (cap < u->len + n + 1)
					cap *= 2;
				if (cap > WEBHOOK_MAX_BODY + 1)
					cap = WEBHOOK_MAX_BODY + 1;
				if (!(b = realloc(u->buf, cap)))
					return MHD_NO;
				u->buf = b;
				u->cap = cap;
			}
			memcpy(u->buf + u->len, upload_data, n);
			u->len += n;
			u->buf[u->len] = '\0';
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (u->too_big)
		return reply(c, 413, "body too large\n");
	if (route->apply) {
		enum upload_state st;

		pthread_mutex_lock(&wh->qlock);
		st = u->state;
		pthread_mutex_unlock(&wh->qlock);
		if (st == U_ANSWERED) {          /* resumed by the committer */
			char t[sizeof u->text + 2];
			snprintf(t, sizeof t, "%s\n", u->text);
			return reply(c, (unsigned)u->status, t);
		}
		if (st == U_QUEUED)              /* not resumed yet: cannot happen */
			return MHD_YES;
	}
	{
		struct webhook_request rq = { wh, u->buf ? u->buf : "", u->len, req_header, c,
					      route->apply ? NULL : conn_take(wh), route->apply ? u : NULL };
		text[0] = '\0';
		status = route->handler(&rq, text, sizeof text - 1);
		if (rq.dbc)
			conn_give(rq.dbc);
	}
	if (route->apply && status == WEBHOOK_GROUPED) {
		pthread_mutex_lock(&wh->qlock);
		if (!wh->stopping) {
			/* suspended before it is queued: the committer resumes only
			 * what it took from the queue */
			u->route = route;
			u->conn = c;
			u->state = U_QUEUED;
			MHD_suspend_connection(c);
			if (wh->qtail)
				wh->qtail->next = u;
			else
				wh->qhead = u;
			wh->qtail = u;
			pthread_cond_signal(&wh->queued);
			pthread_mutex_unlock(&wh->qlock);
			return MHD_YES;
		}
		pthread_mutex_unlock(&wh->qlock);
		status = 503;
		snprintf(text, sizeof text - 1, "shutting down, try again");
	}
	strcat(text, "\n");
	return reply(c, (unsigned)status, text);
}

static void
on_done(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	struct upload *u = *con_cls;

	(void)cls;
	(void)c;
	(void)toe;
	if (u) {
		free(u->buf);
		free(u);
		*con_cls = NULL;
	}
}

/* "127.0.0.1:8089", "[::1]:8089", ":8089" (every address) */
static bool
parse_listen(const char *s, struct sockaddr_storage *ss, socklen_t *sl)
{
	char host[64];
	const char *colon = strrchr(s, ':');
	long port;
	char *end;

	memset(ss, 0, sizeof *ss);
	if (!colon || (size_t)(colon - s) >= sizeof host)
		return false;
	port = strtol(colon + 1, &end, 10);
	if (*end || end == colon + 1 || port < 0 || port > 65535)
		return false;
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	if (host[0] == '[') {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
		size_t hl = strlen(host);
		if (hl < 2 || host[hl - 1] != ']')
			return false;
		host[hl - 1] = '\0';
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		*sl = sizeof *a;
		return inet_pton(AF_INET6, host + 1, &a->sin6_addr) == 1;
	}
	{
		struct sockaddr_in *a = (struct sockaddr_in *)ss;
		a->sin_family = AF_INET;
		a->sin_port = htons((uint16_t)port);
		*sl = sizeof *a;
		if (!host[0]) {
			a->sin_addr.s_addr = htonl(INADDR_ANY);
			return true;
		}
		return inet_pton(AF_INET, host, &a->sin_addr) == 1;
	}
}

struct webhook *
webhook_start(const struct webhook_config *cfg, struct oms_error *err)
{
	struct webhook *wh;
	struct sockaddr_storage ss;
	socklen_t sl = 0;
	unsigned threads, ncm;
	sigset_t all, old;
	bool secrets = cfg->payment_secrets && strspn(cfg->payment_secrets, " \t,") < strlen(cfg->payment_secrets);

	if (!parse_listen(cfg->listen, &ss, &sl)) {
		oms_fail(err, OMS_CONFIG, "[webhook] listen: not ADDRESS:PORT: %s", cfg->listen);
		return NULL;
	}
	if (!(wh = calloc(1, sizeof *wh)) || !(wh->conninfo = strdup(cfg->conninfo ? cfg->conninfo : ""))) {
		webhook_stop(wh);
		oms_fail(err, OMS_NOMEM, "out of memory");
		return NULL;
	}
	wh->lock_timeout_ms = cfg->lock_timeout_ms;
	threads = cfg->threads ? cfg->threads : WEBHOOK_DEFAULT_THREADS;
	if (threads > WEBHOOK_MAX_THREADS)
		threads = WEBHOOK_MAX_THREADS;
	if (!(wh->conns = calloc(threads, sizeof *wh->conns))) {
		webhook_stop(wh);
		oms_fail(err, OMS_NOMEM, "out of memory");
		return NULL;
	}
	wh->nconns = threads;
	for (unsigned i = 0; i < threads; i++)
		wh->conns[i].wh = wh;
	pthread_mutex_init(&wh->lock, NULL);
	pthread_cond_init(&wh->freed, NULL);
	wh->locks = true;
	pthread_mutex_init(&wh->qlock, NULL);
	pthread_cond_init(&wh->queued, NULL);
	wh->qlocks = true;
	/* the listener's threads (the committer, libmicrohttpd's) take no
	 * signal: the loop's thread handles them */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	ncm = committers_wanted(threads);
	if ((wh->committers = calloc(ncm, sizeof *wh->committers)))
		while (wh->ncommitters < ncm) {
			struct committer *cm = &wh->committers[wh->ncommitters];
			cm->wh = wh;
			if (pthread_create(&cm->thread, NULL, committer_main, cm) != 0)
				break;
			wh->ncommitters++;
		}
	/* a pool of one is the internal thread alone */
	wh->mhd = wh->ncommitters < ncm ? NULL :
		MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL | MHD_ALLOW_SUSPEND_RESUME |
				   (ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0),
				   0, NULL, NULL, on_request, wh,
				   MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
				   MHD_OPTION_NOTIFY_COMPLETED, on_done, wh,
				   MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
				   MHD_OPTION_CONNECTION_LIMIT, (unsigned)(threads > 1 ? 64 * threads : 64),
				   MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(threads > 1 ? threads : 0),
				   MHD_OPTION_END);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!wh->mhd) {
		webhook_stop(wh);
		oms_fail(err, OMS_CONFIG, "[webhook] listen: cannot listen on %s", cfg->listen);
		return NULL;
	}
	log_info("webhook listener on %s, %u thread(s) (POST /webhooks/payment%s; POST /webhooks/carrier, "
		 "committed in groups of up to %d)", cfg->listen, threads,
		 secrets ? "" : "; no [payment] webhook_secret: every event is refused until one is set and SIGHUP",
		 WEBHOOK_BATCH_MAX);
	return wh;
}

void
webhook_stop(struct webhook *wh)
{
	if (!wh)
		return;
	if (wh->ncommitters) {
		/* nothing more is queued; the committers commit and answer
		 * (resume) what is, then end: libmicrohttpd must not be stopped
		 * with a connection still suspended */
		pthread_mutex_lock(&wh->qlock);
		wh->stopping = true;
		pthread_cond_broadcast(&wh->queued);
		pthread_mutex_unlock(&wh->qlock);
		for (unsigned i = 0; i < wh->ncommitters; i++)
			pthread_join(wh->committers[i].thread, NULL);
	}
	if (wh->mhd)
		MHD_stop_daemon(wh->mhd);     /* joins the threads: no request left */
	for (unsigned i = 0; wh->conns && i < wh->nconns; i++)
		db_close(wh->conns[i].db);
	free(wh->conns);
	for (unsigned i = 0; wh->committers && i < wh->ncommitters; i++)
		db_close(wh->committers[i].db);
	free(wh->committers);
	if (wh->locks) {
		pthread_mutex_destroy(&wh->lock);
		pthread_cond_destroy(&wh->freed);
	}
	if (wh->qlocks) {
		pthread_mutex_destroy(&wh->qlock);
		pthread_cond_destroy(&wh->queued);
	}
	free(wh->conninfo);
	free(wh);
}
