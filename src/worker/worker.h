/* oms-worker, the daemon around the job queue: its settings (settings.c),
 * the periodic stuck-shipment sweep (stuck.c) and the loop (loop.c), which
 * main.c starts. The jobs themselves: worker/jobs.h. */
#ifndef OMS_WORKER_WORKER_H
#define OMS_WORKER_WORKER_H

#include <stdbool.h>
#include <stdint.h>

#include "status.h"
#include "log.h"
#include "worker/jobs.h"

#define WORKER_EXIT_USAGE 2
#define WORKER_EXIT_DB 3

struct db;
struct oms_config;
struct http_engine;

/* Everything read from oms.conf, with defaults (see oms-worker(8)). */
struct settings {
	struct oms_config *cfg;
	const char *conninfo;
	const char *listen_conninfo;
	long poll_ms;
	long sweep_s;                /* stuck-shipment sweep; 0: off */
	long fold_s;                 /* report summaries' fold (fold.c); 0: off */
	long lock_timeout_ms;        /* on the job connection */
	/* the webhook listener (webhook.h): [webhook] listen (NULL: off),
	 * [payment] webhook_secret and webhook_tolerance */
	const char *webhook_listen;
	const char *webhook_secrets;
	long webhook_tolerance_s;
	long webhook_threads;        /* [webhook] threads (default 4) */
	struct jobs_config jc;
	enum log_level level;
	bool use_syslog;
};

/* Reads path (NULL: the standard oms.conf); conninfo_opt and worker_id
 * (from the command line) win over the file. On failure nothing is kept. */
enum oms_status settings_load(struct settings *s, const char *path, const char *conninfo_opt,
			      const char *worker_id, struct oms_error *err);

/* One stuck-shipment sweep on the job connection; failures are logged. */
void stuck_sweep(struct db *db, long interval_s);
/* Folds the report summaries' delta rows (oms_api.report_fold) on the job
 * connection; failures are logged. */
void report_fold(struct db *db, long interval_s);

struct worker;
/* The heartbeat (heartbeat.c, oms_api.worker_heartbeat): called every turn
 * of the loop, writes when one is due, a breaker changed or it stops. */
void heartbeat_step(struct worker *w);
uint64_t heartbeat_due_ms(void);   /* the next beat's time, jobs_now_ms clock; 0: none yet */

/* Tracker polling ([carrier] poll_interval; track.c): starts a batch when
 * one is due; the answers come back through the HTTP engine. */
void track_step(struct worker *w);
struct breaker;
const struct breaker *track_breaker(void);   /* the carrier poller's, or NULL */
/* NOTIFY oms_tracker (oms_api.tracking_refresh: a person asked for an
 * order's latest scans): the next batch starts at once, not at the end of
 * poll_interval (issue 11). */
void track_wake(void);

/* The running daemon: what the command line said, the settings, the
 * connections and the clock of each periodic step. */
struct worker {
	const char *prog;
	const char *conninfo_opt, *config_file, *worker_id_opt;
	bool once, verbose;
	struct settings s;
	char default_id[128];
	struct db *db;                   /* the jobs' connection */
	struct db *ldb;                  /* LISTEN oms_outbox; NULL: polling */
	struct http_engine *eng;
	struct jobs *jobs;
	struct webhook *wh;              /* the webhook listener; NULL: off */
	bool stopping, want_claim;
	uint64_t now, next_poll, next_reconnect, reconnect_delay, next_sweep, next_fold;
	int rc;
};

/* Signals (TERM/INT stop, HUP reload) and the HTTP engine. */
enum oms_status worker_prepare(struct worker *w, struct oms_error *err);
/* Connects (a daemon keeps trying), listens, makes the job queue. Returns
 * the exit status; 0 with w->jobs NULL: stopped before starting. */
int worker_start(struct worker *w);
/* Runs until stopped (or, with --once, until nothing is due); returns the
 * exit status. */
int worker_loop(struct worker *w);
/* Frees everything worker_prepare and worker_start made. */
void worker_finish(struct worker *w);

#endif
