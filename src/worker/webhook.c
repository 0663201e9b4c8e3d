/* The webhook listener: libmicrohttpd's thread pool, a route table, a
 * database connection per thread lent to one request at a time
 * (webhook.h). */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
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
	/* method  path                  handler */
	{ "POST", "/webhooks/payment",  pay_events_handle },
	{ "POST", "/webhooks/carrier",  carrier_events_handle },   /* carrier_events.c */
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

struct webhook {
	struct MHD_Daemon *mhd;
	char *conninfo;
	long lock_timeout_ms;
	pthread_mutex_t lock;         /* guards conns[].busy */
	pthread_cond_t freed;
	bool locks;                   /* lock and freed initialised */
	unsigned nconns;              /* = the threads */
	struct webhook_conn *conns;
};

/* One request's body, as it arrives. */
struct upload {
	char *buf;
	size_t len;
	bool too_big;
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

/* Only the thread the slot is lent to touches c->db (no lock needed). */
struct db *
webhook_db(const struct webhook_request *rq, struct oms_error *err)
{
	struct webhook_conn *c = rq->dbc;
	struct webhook *wh = rq->wh;
	char v[32];
	const char *p[1] = { v };

	if (!c) {
		oms_fail(err, OMS_DB_GONE, "no database connection lent to this request");
		return NULL;
	}
	if (c->db && db_ok(c->db) && !idle_conn_closed(c->db))
		return c->db;
	db_close(c->db);
	c->db = db_open(wh->conninfo, err);
	if (c->db && wh->lock_timeout_ms > 0) {
		snprintf(v, sizeof v, "%ldms", wh->lock_timeout_ms);
		if (db_exec(c->db, "SELECT set_config('lock_timeout', $1, false)", 1, p, err) != OMS_OK) {
			db_close(c->db);
			c->db = NULL;
		}
	}
	return c->db;
}

void
webhook_db_lost(const struct webhook_request *rq)
{
	if (!rq->dbc)
		return;
	db_close(rq->dbc->db);
	rq->dbc->db = NULL;
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
			char *b = realloc(u->buf, u->len + n + 1);
			if (!b)
				return MHD_NO;
			memcpy(b + u->len, upload_data, n);
			u->buf = b;
			u->len += n;
			b[u->len] = '\0';
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (u->too_big)
		return reply(c, 413, "body too large\n");
	{
		struct webhook_request rq = { wh, u->buf ? u->buf : "", u->len, req_header, c, conn_take(wh) };
		text[0] = '\0';
		status = route->handler(&rq, text, sizeof text - 1);
		conn_give(rq.dbc);
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
	unsigned threads;
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
	/* a pool of one is the internal thread alone */
	wh->mhd = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL |
				   (ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0),
				   0, NULL, NULL, on_request, wh,
				   MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
				   MHD_OPTION_NOTIFY_COMPLETED, on_done, wh,
				   MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
				   MHD_OPTION_CONNECTION_LIMIT, (unsigned)(threads > 1 ? 64 * threads : 64),
				   MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(threads > 1 ? threads : 0),
				   MHD_OPTION_END);
	if (!wh->mhd) {
		webhook_stop(wh);
		oms_fail(err, OMS_CONFIG, "[webhook] listen: cannot listen on %s", cfg->listen);
		return NULL;
	}
	log_info("webhook listener on %s, %u thread(s) (POST /webhooks/payment%s)", cfg->listen, threads,
		 secrets ? "" : "; no [payment] webhook_secret: every event is refused until one is set and SIGHUP");
	return wh;
}

void
webhook_stop(struct webhook *wh)
{
	if (!wh)
		return;
	if (wh->mhd)
		MHD_stop_daemon(wh->mhd);     /* joins the threads: no request left */
	for (unsigned i = 0; wh->conns && i < wh->nconns; i++)
		db_close(wh->conns[i].db);
	free(wh->conns);
	if (wh->locks) {
		pthread_mutex_destroy(&wh->lock);
		pthread_cond_destroy(&wh->freed);
	}
	free(wh->conninfo);
	free(wh);
}
