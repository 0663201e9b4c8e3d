/* The worker's loop: one process, one thread, one place where it sleeps.
 * http_engine_wait() watches the transfers, the LISTEN connection (NOTIFY
 * oms_outbox is a wake-up hint) and a self-pipe written by the signal
 * handlers, with a poll interval as the fallback. Each turn is a few
 * small steps, the way ui_loop is: note a stop, reload on SIGHUP,
 * reconnect, listen again, sweep, claim, wait. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "db/db.h"
#include "log.h"
#include "http/http.h"
#include "worker/webhook.h"
#include "worker/worker.h"

#define RECONNECT_FIRST_MS 500
#define RECONNECT_MAX_MS 30000

static volatile sig_atomic_t got_term, got_hup;
static int sig_pipe[2] = { -1, -1 };

/* -- signals: the handlers only set a flag and wake the wait ------------- */

static void
on_signal(int sig)
{
	int saved = errno;

	if (sig == SIGHUP)
		got_hup = 1;
	else
		got_term = 1;
	if (sig_pipe[1] >= 0 && write(sig_pipe[1], "s", 1) < 0) {
		/* full pipe: a wake-up is already pending */
	}
	errno = saved;
}

static int
signals_setup(void)
{
	struct sigaction sa;

	if (pipe(sig_pipe) != 0)
		return -1;
	for (int i = 0; i < 2; i++) {
		fcntl(sig_pipe[i], F_SETFL, fcntl(sig_pipe[i], F_GETFL) | O_NONBLOCK);
		fcntl(sig_pipe[i], F_SETFD, FD_CLOEXEC);
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	return 0;
}

/* -- connections ---------------------------------------------------------- */

/* The job connection never waits long for a row a person holds (a CSR's
 * transaction left open in psql): after lock_timeout the server answers
 * 55P03, the job goes back to the queue (core.c) and the others go on.
 * Set on the session; the worker's oms_api functions set it too, for
 * connections through PgBouncer's transaction pooling. */
static enum oms_status
set_lock_timeout(struct db *db, long ms, struct oms_error *err)
{
	char v[32];
	const char *p[1] = { v };

	snprintf(v, sizeof v, "%ldms", ms);
	return db_exec(db, "SELECT set_config('lock_timeout', $1, false)", 1, p, err);
}

/* lock_timeout_ms < 0: the LISTEN connection, which takes no row locks. */
static struct db *
open_db(const char *conninfo, long lock_timeout_ms, struct oms_error *err)
{
	struct db *db = db_open(conninfo, err);

	if (db && lock_timeout_ms >= 0 && set_lock_timeout(db, lock_timeout_ms, err) != OMS_OK) {
		db_close(db);
		db = NULL;
	}
	return db;
}

static struct db *
connect_db(const char *conninfo, long lock_timeout_ms, const char *what, struct oms_error *err)
{
	struct db *db = open_db(conninfo, lock_timeout_ms, err);

	if (!db)
		log_warn("cannot connect (%s): %s", what, err->msg);
	return db;
}

static void
backoff_reconnect(struct worker *w)
{
	if (w->reconnect_delay < RECONNECT_MAX_MS)
		w->reconnect_delay *= 2;
}

/* -- starting and stopping ------------------------------------------------ */

enum oms_status
worker_prepare(struct worker *w, struct oms_error *err)
{
	if (signals_setup() != 0)
		return oms_fail(err, OMS_IO, "pipe failed");
	if (http_global_init(err) != OMS_OK || !(w->eng = http_engine_new(err)))
		return err->status ? err->status : OMS_HTTP;
	return OMS_OK;
}

int
worker_start(struct worker *w)
{
	struct oms_error err = { 0 };
	char sweep_desc[32] = "off";

	/* A daemon keeps trying: the database may start after us. */
	w->reconnect_delay = RECONNECT_FIRST_MS;
	while (!(w->db = connect_db(w->s.conninfo, w->s.lock_timeout_ms, "database", &err))) {
		if (w->once || got_term)
			return w->once ? WORKER_EXIT_DB : 0;
		sleep((unsigned)(w->reconnect_delay / 1000 + 1));
		backoff_reconnect(w);
	}
	w->reconnect_delay = RECONNECT_FIRST_MS;
	if (!w->once) {
		w->ldb = connect_db(w->s.listen_conninfo, -1, "listen", &err);
		if (w->ldb && (db_listen(w->ldb, "oms_outbox", &err) != OMS_OK ||
			       db_listen(w->ldb, "oms_tracker", &err) != OMS_OK)) {
			log_warn("LISTEN oms_outbox failed (%s); polling every %ld ms", err.msg,
				 w->s.poll_ms);
			db_close(w->ldb);
			w->ldb = NULL;
		}
	}
	if (!(w->jobs = jobs_new(w->db, w->eng, &w->s.jc, &err))) {
		log_error("%s", err.msg);
		return 1;
	}
	if (w->s.sweep_s > 0)
		snprintf(sweep_desc, sizeof sweep_desc, "every %ld s", w->s.sweep_s);
	log_info("started as %s (concurrency %u, poll %ld ms%s, stuck-shipment sweep %s, "
		 "lock_timeout %ld ms)", w->s.jc.worker_id, w->s.jc.concurrency, w->s.poll_ms,
		 w->ldb ? ", LISTEN oms_outbox" : "", sweep_desc, w->s.lock_timeout_ms);
	if (w->s.webhook_listen && *w->s.webhook_listen && !w->once) {
		struct webhook_config wc = { w->s.webhook_listen, w->s.conninfo, w->s.lock_timeout_ms,
					     w->s.webhook_secrets, w->s.webhook_tolerance_s,
					     (unsigned)w->s.webhook_threads };
		if (!(w->wh = webhook_start(&wc, &err))) {
			log_error("%s", err.msg);
			return 1;
		}
	}
	w->want_claim = true;
	return 0;
}

void
worker_finish(struct worker *w)
{
	webhook_stop(w->wh);           /* its thread and connection first */
	http_engine_free(w->eng);      /* first: its transfers point at jobs */
	jobs_free(w->jobs);
	db_close(w->ldb);
	db_close(w->db);
	config_free(w->s.cfg);
	http_global_cleanup();
}

/* -- the steps of one turn -------------------------------------------------- */

static void
step_notice_stop(struct worker *w)
{
	if (got_term && !w->stopping) {
		w->stopping = true;
		log_info("stopping: finishing %u job(s) in hand", jobs_in_flight(w->jobs));
	}
}

/* SIGHUP: new endpoints, limits and timeouts for the jobs started from
 * now on; a bad file keeps the old settings. */
static void
step_reload(struct worker *w)
{
	struct oms_error err = { 0 };
	struct settings ns;

	if (!got_hup)
		return;
	got_hup = 0;
	if (settings_load(&ns, w->config_file, w->conninfo_opt, w->worker_id_opt, &err) != OMS_OK) {
		log_error("configuration not reloaded: %s", err.msg);
		return;
	}
	if (!ns.jc.worker_id)
		ns.jc.worker_id = w->s.jc.worker_id;
	jobs_reconfigure(w->jobs, &ns.jc, &err);
	if (ns.sweep_s != w->s.sweep_s)
		w->next_sweep = 0;        /* now, then on the new interval */
	if (ns.fold_s != w->s.fold_s)
		w->next_fold = 0;
	if (ns.lock_timeout_ms != w->s.lock_timeout_ms && !jobs_db_lost(w->jobs) &&
	    set_lock_timeout(w->db, ns.lock_timeout_ms, &err) != OMS_OK)
		log_warn("lock_timeout not changed: %s", err.msg);
	if (!w->verbose)
		log_set_level(ns.level);
	config_free(w->s.cfg);
	w->s = ns;
	log_info("configuration reloaded");
}

/* The connection went away: reconnect, keeping the old handle until a new
 * one works (jobs still call into it). False: give up (--once). */
static bool
step_reconnect(struct worker *w)
{
	struct oms_error err = { 0 };
	struct db *nd;

	if (!jobs_db_lost(w->jobs) || w->now < w->next_reconnect)
		return true;
	if ((nd = open_db(w->s.conninfo, w->s.lock_timeout_ms, &err))) {
		jobs_set_db(w->jobs, nd);
		db_close(w->db);
		w->db = nd;
		w->reconnect_delay = RECONNECT_FIRST_MS;
		log_info("reconnected to the database");
		w->want_claim = true;
		return true;
	}
	if (w->once) {
		log_error("database connection lost: %s", err.msg);
		w->rc = WORKER_EXIT_DB;
		return false;
	}
	w->next_reconnect = w->now + w->reconnect_delay;
	backoff_reconnect(w);
	return true;
}

/* The LISTEN connection is tried again on each poll while it is gone. */
static void
step_relisten(struct worker *w)
{
	struct oms_error err = { 0 };

	if (w->once || w->ldb || w->now < w->next_poll || w->stopping)
		return;
	w->ldb = db_open(w->s.listen_conninfo, &err);
	if (w->ldb && (db_listen(w->ldb, "oms_outbox", &err) != OMS_OK ||
		       db_listen(w->ldb, "oms_tracker", &err) != OMS_OK)) {
		db_close(w->ldb);
		w->ldb = NULL;
	}
}

/* Before claiming, so --once delivers the mail it queues. */
static void
step_sweep(struct worker *w)
{
	if (w->stopping || w->s.sweep_s <= 0 || jobs_db_lost(w->jobs) || w->now < w->next_sweep)
		return;
	stuck_sweep(w->db, w->s.sweep_s);
	w->next_sweep = jobs_now_ms() + (uint64_t)w->s.sweep_s * 1000;
	w->want_claim = true;
}

/* The report summaries' fold: keeps the delta rows the order triggers
 * append from piling up (the reports stay exact either way). */
static void
step_fold(struct worker *w)
{
	if (w->stopping || w->s.fold_s <= 0 || jobs_db_lost(w->jobs) || w->now < w->next_fold)
		return;
	report_fold(w->db, w->s.fold_s);
	w->next_fold = jobs_now_ms() + (uint64_t)w->s.fold_s * 1000;
}

/* Claims for the free slots and starts the jobs. False: exit the loop
 * (--once: a failed claim, or nothing left). */
static bool
step_claim(struct worker *w)
{
	struct oms_error err = { 0 };
	unsigned slots, claimed = 0, released = 0;

	if (w->stopping || !w->want_claim || jobs_db_lost(w->jobs) || jobs_free_slots(w->jobs) == 0)
		return true;
	slots = jobs_free_slots(w->jobs);
	if (jobs_claim(w->jobs, &claimed, &released, &err) != OMS_OK) {
		log_error("claiming jobs failed: %s", err.msg);
		if (!jobs_db_lost(w->jobs)) {
			/* an SQL error, not a lost connection: do not spin */
			w->next_poll = w->now + (uint64_t)w->s.poll_ms;
		}
		if (w->once) {
			w->rc = WORKER_EXIT_DB;
			return false;
		}
	}
	/* A full batch: there may be more due right now. Unless some went
	 * straight back (a breaker is open): then wait for a job to finish,
	 * a NOTIFY, the poll or the breaker, instead of claiming and
	 * releasing the whole queue. */
	w->want_claim = claimed == slots && claimed > 0 && released == 0;
	return !(claimed == 0 && w->once && jobs_in_flight(w->jobs) == 0);
}

/* How long the wait may sleep: until the poll, a retried job's due time,
 * the sweep; not at all when there is work or a signal. */
static long
wait_timeout(struct worker *w)
{
	uint64_t due = jobs_next_due_ms(w->jobs);
	long timeout;

	w->now = jobs_now_ms();
	if (w->next_poll == 0)
		w->next_poll = w->now + (uint64_t)w->s.poll_ms;
	timeout = w->next_poll > w->now ? (long)(w->next_poll - w->now) : 0;
	if (due && due > w->now && (long)(due - w->now) < timeout)
		timeout = (long)(due - w->now) + 5;
	if (w->s.sweep_s > 0 && !w->once && w->next_sweep > w->now &&
	    (long)(w->next_sweep - w->now) < timeout)
		timeout = (long)(w->next_sweep - w->now);
	if (w->s.fold_s > 0 && !w->once && w->next_fold > w->now &&
	    (long)(w->next_fold - w->now) < timeout)
		timeout = (long)(w->next_fold - w->now);
	if (!w->once && heartbeat_due_ms() > w->now && (long)(heartbeat_due_ms() - w->now) < timeout)
		timeout = (long)(heartbeat_due_ms() - w->now);
	if ((w->want_claim && jobs_free_slots(w->jobs) > 0 && !w->stopping) || got_hup || got_term)
		timeout = 0;
	if (jobs_db_lost(w->jobs))
		timeout = timeout > 200 ? 200 : timeout;
	return timeout;
}

/* NOTIFY oms_outbox: claim; NOTIFY oms_tracker (refresh tracking): poll
 * the carrier now. A lost LISTEN connection: poll until it is back. */
static void
read_notifications(struct worker *w)
{
	char ch[64], payload[64];

	if (!w->ldb)
		return;
	while (db_notification(w->ldb, ch, sizeof ch, payload, sizeof payload)) {
		if (strcmp(ch, "oms_tracker") == 0)
			track_wake();
		else
			w->want_claim = true;
	}
	if (!db_ok(w->ldb)) {
		log_warn("LISTEN connection lost; polling until it is back");
		db_close(w->ldb);
		w->ldb = NULL;
	}
}

/* Sleeps in http_engine_wait (transfers finish and call back in here),
 * then decides whether to claim. False: the engine failed. */
static bool
step_wait(struct worker *w)
{
	struct oms_error err = { 0 };
	int fds[2], nfds = 0;
	bool ready[2] = { false, false };
	long timeout = wait_timeout(w);
	unsigned before = jobs_in_flight(w->jobs);
	char ch[64];

	fds[nfds++] = sig_pipe[0];
	if (w->ldb && db_socket(w->ldb) >= 0)
		fds[nfds++] = db_socket(w->ldb);
	if (http_engine_wait(w->eng, (int)timeout, fds, ready, nfds, &err) != OMS_OK) {
		log_error("%s", err.msg);
		w->rc = 1;
		return false;
	}
	if (ready[0])
		while (read(sig_pipe[0], ch, sizeof ch) > 0)
			;
	read_notifications(w);
	w->now = jobs_now_ms();
	if (jobs_in_flight(w->jobs) < before)
		w->want_claim = true;
	if (w->now >= w->next_poll) {
		w->want_claim = true;
		w->next_poll = w->now + (uint64_t)w->s.poll_ms;
	}
	if (jobs_next_due_ms(w->jobs) && w->now >= jobs_next_due_ms(w->jobs))
		w->want_claim = true;
	return true;
}

int
worker_loop(struct worker *w)
{
	unsigned long done, retried, dead, released;

	for (;;) {
		w->now = jobs_now_ms();
		step_notice_stop(w);
		step_reload(w);
		heartbeat_step(w);      /* before the exit: its last beat says stopped */
		if (w->stopping && jobs_in_flight(w->jobs) == 0)
			break;
		if (!step_reconnect(w))
			break;
		step_relisten(w);
		step_sweep(w);
		step_fold(w);
		track_step(w);          /* tracker polling (track.c) */
		if (!step_claim(w))
			break;
		if (w->once && jobs_in_flight(w->jobs) == 0 && !w->want_claim) {
			w->want_claim = true;      /* one more look, then exit when empty */
			continue;
		}
		if (!step_wait(w))
			break;
	}
	jobs_counts(w->jobs, &done, &retried, &dead, &released);
	log_info("exiting: %lu done, %lu retried, %lu dead, %lu released untried", done, retried,
		 dead, released);
	return w->rc;
}
