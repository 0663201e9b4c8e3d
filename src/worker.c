/* oms-worker: delivers the outbox (refunds, e-mail, payment verification)
 * and sweeps for stuck shipments.
 *
 * One process, one thread, one place where it sleeps: http_engine_wait()
 * watches the transfers, the LISTEN connection (NOTIFY oms_outbox is a
 * wake-up hint) and a self-pipe written by the signal handlers, with a poll
 * interval as the fallback. Every stuck_sweep_interval seconds, between
 * two waits, oms_api.flag_stuck_shipments flags the parcels without a
 * carrier scan and queues their "delayed" mail. SIGTERM/SIGINT: claim
 * nothing more, finish the jobs in hand, exit 0. SIGHUP: reread the
 * configuration. See oms-worker(8). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "db/db.h"
#include "log.h"
#include "http/http.h"
#include "http/jobs.h"

#define EXIT_USAGE 2
#define EXIT_DB 3

/* The sweep (sql/0010) never waits for a lock (SKIP LOCKED); this bounds
 * it anyway, because the jobs wait while it runs on their connection. */
#define SWEEP_TIMEOUT "30s"

static volatile sig_atomic_t got_term, got_hup;
static int sig_pipe[2] = { -1, -1 };

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

/* Everything read from oms.conf, with defaults (see oms-worker(8)). */
struct settings {
	struct oms_config *cfg;
	const char *conninfo;
	const char *listen_conninfo;
	long poll_ms;
	long sweep_s;                /* stuck-shipment sweep; 0: off */
	long lock_timeout_ms;        /* on the job connection */
	struct jobs_config jc;
	enum log_level level;
	bool use_syslog;
};

static bool
get_int(const struct oms_config *cfg, const char *sec, const char *key, long def, long min,
	long max, long *out, struct oms_error *err)
{
	return config_get_int(cfg, sec, key, def, min, max, out, err) == OMS_OK;
}

static enum oms_status
settings_load(struct settings *s, const char *path, const char *conninfo_opt,
	      const char *worker_id, struct oms_error *err)
{
	struct oms_config *cfg = config_load(path, err);
	long v[16];
	const char *lvl;

	memset(s, 0, sizeof *s);
	if (!cfg)
		return err->status ? err->status : OMS_CONFIG;
	s->cfg = cfg;
	s->conninfo = conninfo_opt ? conninfo_opt : config_get(cfg, "connection", "conninfo", NULL);
	s->listen_conninfo = config_get(cfg, "worker", "listen_conninfo", s->conninfo);
	if (!get_int(cfg, "worker", "poll_interval_ms", 5000, 10, 3600000, &v[0], err) ||
	    !get_int(cfg, "worker", "concurrency", 8, 1, 256, &v[1], err) ||
	    !get_int(cfg, "worker", "max_attempts", 10, 1, 1000, &v[2], err) ||
	    !get_int(cfg, "worker", "backoff_base_ms", 1000, 1, 3600000, &v[3], err) ||
	    !get_int(cfg, "worker", "backoff_cap_ms", 300000, 1, 86400000, &v[4], err) ||
	    !get_int(cfg, "worker", "breaker_threshold", 5, 1, 1000, &v[5], err) ||
	    !get_int(cfg, "worker", "breaker_open_ms", 30000, 1, 3600000, &v[6], err) ||
	    !get_int(cfg, "payment", "connect_timeout_ms", 5000, 1, 600000, &v[7], err) ||
	    !get_int(cfg, "payment", "timeout_ms", 30000, 1, 600000, &v[8], err) ||
	    !get_int(cfg, "mail", "connect_timeout_ms", 5000, 1, 600000, &v[9], err) ||
	    !get_int(cfg, "mail", "timeout_ms", 60000, 1, 600000, &v[10], err) ||
	    !get_int(cfg, "worker", "seed", 0, 0, 2147483647L, &v[11], err) ||
	    !get_int(cfg, "worker", "stuck_sweep_interval", 600, 0, 86400, &v[12], err) ||
	    config_get_duration_ms(cfg, "worker", "lock_timeout", 2000, 1, 600000,
				   &s->lock_timeout_ms, err) != OMS_OK)
		goto fail;
	s->poll_ms = v[0];
	s->sweep_s = v[12];
	s->jc.concurrency = (unsigned)v[1];
	s->jc.max_attempts = (unsigned)v[2];
	s->jc.backoff_base_ms = (uint64_t)v[3];
	s->jc.backoff_cap_ms = (uint64_t)v[4];
	s->jc.breaker_threshold = (unsigned)v[5];
	s->jc.breaker_open_ms = (uint64_t)v[6];
	s->jc.rng_seed = (uint64_t)v[11];

	s->jc.payment.base_url = config_get(cfg, "payment", "base_url", NULL);
	s->jc.payment.api_key = config_get(cfg, "payment", "api_key", NULL);
	s->jc.payment.ca_file = config_get(cfg, "payment", "ca_file", NULL);
	s->jc.payment.connect_timeout_ms = v[7];
	s->jc.payment.timeout_ms = v[8];
	s->jc.smtp.url = config_get(cfg, "mail", "smtp_url", NULL);
	s->jc.smtp.username = config_get(cfg, "mail", "username", NULL);
	s->jc.smtp.password = config_get(cfg, "mail", "password", NULL);
	s->jc.smtp.ca_file = config_get(cfg, "mail", "ca_file", NULL);
	s->jc.smtp.require_tls = config_get_bool(cfg, "mail", "starttls", false);
	s->jc.smtp.connect_timeout_ms = v[9];
	s->jc.smtp.timeout_ms = v[10];
	s->jc.mail.from = config_get(cfg, "mail", "from", NULL);
	s->jc.mail.from_name = config_get(cfg, "mail", "from_name", NULL);
	s->jc.mail.shop_name = config_get(cfg, "mail", "shop_name", NULL);
	s->jc.mail.msgid_domain = config_get(cfg, "mail", "message_id_domain", NULL);
	s->jc.worker_id = worker_id ? worker_id : config_get(cfg, "worker", "worker_id", NULL);

	/* Secrets (a database password, the API key, the mail password) only
	 * in a file nobody else can read, and only sent encrypted. */
	if (config_check_secrets(cfg, err) != OMS_OK)
		goto fail;
	if (s->jc.payment.api_key && *s->jc.payment.api_key &&
	    config_check_transport(cfg, "payment", "base_url", false, err) != OMS_OK)
		goto fail;
	if (s->jc.smtp.password && *s->jc.smtp.password &&
	    config_check_transport(cfg, "mail", "smtp_url", s->jc.smtp.require_tls, err) != OMS_OK)
		goto fail;
	if (!s->jc.payment.base_url)
		log_warn("no [payment] base_url: refund and verification jobs will wait");
	if (!s->jc.smtp.url || !s->jc.mail.from)
		log_warn("no [mail] smtp_url/from: mail jobs will wait");

	s->level = LOG_LEVEL_INFO;
	lvl = config_get(cfg, "worker", "log_level", NULL);
	if (lvl && !log_level_parse(lvl, &s->level)) {
		oms_fail(err, OMS_CONFIG, "[worker] log_level: unknown level \"%s\"", lvl);
		goto fail;
	}
	s->use_syslog = config_get_bool(cfg, "worker", "syslog", false);
	return OMS_OK;
fail:
	config_free(cfg);
	s->cfg = NULL;
	return err->status ? err->status : OMS_CONFIG;
}

static void
usage(FILE *f, const char *prog)
{
	fprintf(f,
		"usage: %s [options]\n"
		"\n"
		"Delivers the oms outbox: refunds to the payment gateway, e-mail through\n"
		"SMTP, payment verification. Flags stuck shipments every [worker]\n"
		"stuck_sweep_interval seconds (0: never) and mails their customers.\n"
		"Several workers may run at once.\n"
		"\n"
		"Options:\n"
		"  -d, --dbname CONNINFO  database (conninfo or URI); default: [connection]\n"
		"                         conninfo in oms.conf, then the PG* environment\n"
		"      --config FILE      read FILE instead of the standard oms.conf\n"
		"      --worker-id NAME   name in outbox.locked_by (default host:pid)\n"
		"      --once             sweep once, deliver the jobs that are due, exit\n"
		"  -v, --verbose          debug messages\n"
		"  -h, --help             show this help\n"
		"  -V, --version          show the version\n"
		"\n"
		"Signals: TERM/INT finish the jobs in hand and exit 0; HUP rereads the\n"
		"configuration. Exit status: 0 ok, 2 usage or configuration error,\n"
		"3 database error (--once). See oms-worker(8).\n", prog);
}

/* Flags the shipments without a carrier scan for stuck_shipment_hours and
 * queues one "order_delayed" mail for each, in one transaction
 * (oms_api.flag_stuck_shipments; safe with any number of workers). A
 * failure is logged and the next interval tries again; a lost connection
 * is found and repaired by the next claim. */
static void
sweep_stuck(struct db *db, long interval_s)
{
	struct oms_error e = { 0 }, e2 = { 0 };
	struct db_result *r = NULL;

	if (db_exec(db, "BEGIN", 0, NULL, &e) != OMS_OK)
		goto failed;
	if (db_exec(db, "SET LOCAL statement_timeout = '" SWEEP_TIMEOUT "'", 0, NULL, &e) != OMS_OK ||
	    !(r = db_query(db, "SELECT oms_api.flag_stuck_shipments()", 0, NULL, &e)) ||
	    db_exec(db, "COMMIT", 0, NULL, &e) != OMS_OK) {
		db_exec(db, "ROLLBACK", 0, NULL, &e2);
		goto failed;
	}
	if (db_rows(r) == 1 && db_get_ll(r, 0, 0) > 0)
		log_info("stuck-shipment sweep: %lld shipment(s) flagged", db_get_ll(r, 0, 0));
	else
		log_debug("stuck-shipment sweep: nothing stuck");
	db_result_free(r);
	return;
failed:
	db_result_free(r);
	log_warn("stuck-shipment sweep failed, next try in %ld s: %s", interval_s, e.msg);
}

/* The job connection never waits long for a row a person holds (a CSR's
 * transaction left open in psql): after lock_timeout the server answers
 * 55P03, the job goes back to the queue (jobs.c) and the others go on.
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

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dbname", required_argument, NULL, 'd' },
		{ "config", required_argument, NULL, 'c' },
		{ "worker-id", required_argument, NULL, 'w' },
		{ "once", no_argument, NULL, 'o' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *prog = "oms-worker", *conninfo = NULL, *config_file = NULL;
	const char *worker_id = NULL;
	bool once = false, verbose = false, stopping = false;
	struct settings s;
	struct oms_error err = { 0 };
	struct db *db = NULL, *ldb = NULL;
	struct http_engine *eng = NULL;
	struct jobs *jobs = NULL;
	char default_id[128], sweep_desc[32] = "off";
	int c, rc = 0;
	uint64_t next_poll = 0, next_reconnect = 0, reconnect_delay = 500;
	uint64_t next_sweep = 0;        /* 0: at once */
	bool want_claim = true;

	while ((c = getopt_long(argc, argv, "d:vhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': conninfo = optarg; break;
		case 'c': config_file = optarg; break;
		case 'w': worker_id = optarg; break;
		case 'o': once = true; break;
		case 'v': verbose = true; break;
		case 'h': usage(stdout, prog); return 0;
		case 'V': printf("oms-worker (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION); return 0;
		default: usage(stderr, prog); return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument \"%s\"\n", prog, argv[optind]);
		usage(stderr, prog);
		return EXIT_USAGE;
	}
	log_open(prog, verbose ? LOG_LEVEL_DEBUG : LOG_LEVEL_INFO, false);
	if (settings_load(&s, config_file, conninfo, worker_id, &err) != OMS_OK) {
		log_error("%s", err.msg);
		log_close();
		return EXIT_USAGE;
	}
	if (!s.jc.worker_id) {
		char host[64] = "worker";
		gethostname(host, sizeof host - 1);
		host[sizeof host - 1] = '\0';
		snprintf(default_id, sizeof default_id, "%s:%ld", host, (long)getpid());
		s.jc.worker_id = default_id;
	}
	log_close();
	log_open(prog, verbose ? LOG_LEVEL_DEBUG : s.level, s.use_syslog);
	if (signals_setup() != 0 || http_global_init(&err) != OMS_OK ||
	    !(eng = http_engine_new(&err))) {
		log_error("cannot start: %s", err.msg[0] ? err.msg : "pipe failed");
		return 1;
	}

	/* Connect; a daemon keeps trying (the database may start after us). */
	while (!(db = connect_db(s.conninfo, s.lock_timeout_ms, "database", &err))) {
		if (once || got_term) {
			rc = once ? EXIT_DB : 0;
			goto out;
		}
		sleep((unsigned)(reconnect_delay / 1000 + 1));
		if (reconnect_delay < 30000)
			reconnect_delay *= 2;
	}
	reconnect_delay = 500;
	if (!once) {
		ldb = connect_db(s.listen_conninfo, -1, "listen", &err);
		if (ldb && db_listen(ldb, "oms_outbox", &err) != OMS_OK) {
			log_warn("LISTEN oms_outbox failed (%s); polling every %ld ms", err.msg, s.poll_ms);
			db_close(ldb);
			ldb = NULL;
		}
	}
	if (!(jobs = jobs_new(db, eng, &s.jc, &err))) {
		log_error("%s", err.msg);
		rc = 1;
		goto out;
	}
	if (s.sweep_s > 0)
		snprintf(sweep_desc, sizeof sweep_desc, "every %ld s", s.sweep_s);
	log_info("started as %s (concurrency %u, poll %ld ms%s, stuck-shipment sweep %s, "
		 "lock_timeout %ld ms)", s.jc.worker_id, s.jc.concurrency, s.poll_ms,
		 ldb ? ", LISTEN oms_outbox" : "", sweep_desc, s.lock_timeout_ms);

	for (;;) {
		uint64_t now = jobs_now_ms();
		unsigned before;
		long timeout;
		int fds[2], nfds = 0;
		bool ready[2] = { false, false };
		char ch[64], payload[64];

		if (got_term && !stopping) {
			stopping = true;
			log_info("stopping: finishing %u job(s) in hand", jobs_in_flight(jobs));
		}
		if (got_hup) {
			struct settings ns;
			got_hup = 0;
			if (settings_load(&ns, config_file, conninfo, worker_id, &err) != OMS_OK) {
				log_error("configuration not reloaded: %s", err.msg);
			} else {
				if (!ns.jc.worker_id)
					ns.jc.worker_id = s.jc.worker_id;
				jobs_reconfigure(jobs, &ns.jc, &err);
				if (ns.sweep_s != s.sweep_s)
					next_sweep = 0;   /* now, then on the new interval */
				if (ns.lock_timeout_ms != s.lock_timeout_ms && !jobs_db_lost(jobs) &&
				    set_lock_timeout(db, ns.lock_timeout_ms, &err) != OMS_OK)
					log_warn("lock_timeout not changed: %s", err.msg);
				if (!verbose)
					log_set_level(ns.level);
				config_free(s.cfg);
				s = ns;
				log_info("configuration reloaded");
			}
		}
		if (stopping && jobs_in_flight(jobs) == 0)
			break;

		/* The connection went away: reconnect, keeping the old handle
		 * until a new one works (jobs still call into it). */
		if (jobs_db_lost(jobs) && now >= next_reconnect) {
			struct db *nd = open_db(s.conninfo, s.lock_timeout_ms, &err);
			if (nd) {
				jobs_set_db(jobs, nd);
				db_close(db);
				db = nd;
				reconnect_delay = 500;
				log_info("reconnected to the database");
				want_claim = true;
			} else {
				if (once) {
					log_error("database connection lost: %s", err.msg);
					rc = EXIT_DB;
					break;
				}
				next_reconnect = now + reconnect_delay;
				if (reconnect_delay < 30000)
					reconnect_delay *= 2;
			}
		}
		if (!once && !ldb && now >= next_poll && !stopping) {
			ldb = db_open(s.listen_conninfo, &err);
			if (ldb && db_listen(ldb, "oms_outbox", &err) != OMS_OK) {
				db_close(ldb);
				ldb = NULL;
			}
		}

		/* Before claiming, so --once delivers the mail it queues. */
		if (!stopping && s.sweep_s > 0 && !jobs_db_lost(jobs) && now >= next_sweep) {
			sweep_stuck(db, s.sweep_s);
			next_sweep = jobs_now_ms() + (uint64_t)s.sweep_s * 1000;
			want_claim = true;
		}
		if (!stopping && want_claim && !jobs_db_lost(jobs) && jobs_free_slots(jobs) > 0) {
			unsigned slots = jobs_free_slots(jobs), claimed = 0, released = 0;
			if (jobs_claim(jobs, &claimed, &released, &err) != OMS_OK) {
				log_error("claiming jobs failed: %s", err.msg);
				if (!jobs_db_lost(jobs)) {
					/* an SQL error, not a lost connection: do not spin */
					next_poll = now + (uint64_t)s.poll_ms;
				}
				if (once) {
					rc = EXIT_DB;
					break;
				}
			}
			/* A full batch: there may be more due right now. Unless
			 * some went straight back (a breaker is open): then wait
			 * for a job to finish, a NOTIFY, the poll or the breaker,
			 * instead of claiming and releasing the whole queue. */
			want_claim = claimed == slots && claimed > 0 && released == 0;
			if (claimed == 0 && once && jobs_in_flight(jobs) == 0)
				break;
		}
		if (once && jobs_in_flight(jobs) == 0 && !want_claim) {
			want_claim = true;      /* one more look, then exit when empty */
			continue;
		}

		now = jobs_now_ms();
		if (next_poll == 0)
			next_poll = now + (uint64_t)s.poll_ms;
		timeout = next_poll > now ? (long)(next_poll - now) : 0;
		if (jobs_next_due_ms(jobs) && jobs_next_due_ms(jobs) > now &&
		    (long)(jobs_next_due_ms(jobs) - now) < timeout)
			timeout = (long)(jobs_next_due_ms(jobs) - now) + 5;
		if (s.sweep_s > 0 && !once && next_sweep > now && (long)(next_sweep - now) < timeout)
			timeout = (long)(next_sweep - now);
		if ((want_claim && jobs_free_slots(jobs) > 0 && !stopping) || got_hup || got_term)
			timeout = 0;
		if (jobs_db_lost(jobs))
			timeout = timeout > 200 ? 200 : timeout;
		fds[nfds++] = sig_pipe[0];
		if (ldb && db_socket(ldb) >= 0)
			fds[nfds++] = db_socket(ldb);
		before = jobs_in_flight(jobs);
		if (http_engine_wait(eng, (int)timeout, fds, ready, nfds, &err) != OMS_OK) {
			log_error("%s", err.msg);
			rc = 1;
			break;
		}
		if (ready[0])
			while (read(sig_pipe[0], ch, sizeof ch) > 0)
				;
		if (ldb) {
			while (db_notification(ldb, ch, sizeof ch, payload, sizeof payload))
				want_claim = true;
			if (!db_ok(ldb)) {
				log_warn("LISTEN connection lost; polling until it is back");
				db_close(ldb);
				ldb = NULL;
			}
		}
		now = jobs_now_ms();
		if (jobs_in_flight(jobs) < before)
			want_claim = true;
		if (now >= next_poll) {
			want_claim = true;
			next_poll = now + (uint64_t)s.poll_ms;
		}
		if (jobs_next_due_ms(jobs) && now >= jobs_next_due_ms(jobs))
			want_claim = true;
	}
	{
		unsigned long d, r, x, rel;
		jobs_counts(jobs, &d, &r, &x, &rel);
		log_info("exiting: %lu done, %lu retried, %lu dead, %lu released untried", d, r, x,
			 rel);
	}
out:
	http_engine_free(eng);
	jobs_free(jobs);
	db_close(ldb);
	db_close(db);
	config_free(s.cfg);
	http_global_cleanup();
	log_close();
	return rc;
}
