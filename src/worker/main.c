/* oms-worker: delivers the outbox (refunds, e-mail, payment verification)
 * and sweeps for stuck shipments. SIGTERM/SIGINT: claim nothing more,
 * finish the jobs in hand, exit 0. SIGHUP: reread the configuration. See
 * oms-worker(8).
 *
 * main is the order of things: the command line, the settings, the log,
 * start, the loop (loop.c), the end. The job kinds: kinds.c. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "log.h"
#include "worker/worker.h"

/* parse_options: go on to start the worker */
#define RUN (-1)

static void
usage(FILE *f, const char *prog)
{
	fprintf(f,
		"usage: %s [options]\n"
		"\n"
		"Delivers the oms outbox: refunds to the payment gateway (followed until\n"
		"they end, checked against what was asked, and a succeeded refund looked\n"
		"at again at [payment] refund_recheck: 1h, 1d, 3d, 7d), e-mail through\n"
		"SMTP (the relay's EHLO is probed once before a UTF-8 address), payment\n"
		"verification (requires_action and processing wait, authorised payments\n"
		"are captured), gateway webhooks on [webhook] listen (POST\n"
		"/webhooks/payment, signed with [payment] webhook_secret; carrier\n"
		"Events on /webhooks/carrier), [webhook] threads (default 4) at once,\n"
		"each with its own database connection. Puts stuck shipments on the\n"
		"review list every [worker] stuck_sweep_interval seconds and folds the\n"
		"report summaries every report_fold_interval seconds (0: never).\n"
		"Writes its heartbeat (the dashboard's worker and breaker figures)\n"
		"every heartbeat_interval seconds (default 30).\n"
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

/* The exit status, or RUN. */
static int
parse_options(struct worker *w, int argc, char **argv)
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
	int c;

	while ((c = getopt_long(argc, argv, "d:vhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': w->conninfo_opt = optarg; break;
		case 'c': w->config_file = optarg; break;
		case 'w': w->worker_id_opt = optarg; break;
		case 'o': w->once = true; break;
		case 'v': w->verbose = true; break;
		case 'h': usage(stdout, w->prog); return 0;
		case 'V': printf("oms-worker (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION); return 0;
		default: usage(stderr, w->prog); return WORKER_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument \"%s\"\n", w->prog, argv[optind]);
		usage(stderr, w->prog);
		return WORKER_EXIT_USAGE;
	}
	return RUN;
}

/* Reads oms.conf (its errors go to stderr), names the worker host:pid
 * unless told otherwise, then opens the log the settings ask for. */
static int
configure(struct worker *w)
{
	struct oms_error err = { 0 };

	log_open(w->prog, w->verbose ? LOG_LEVEL_DEBUG : LOG_LEVEL_INFO, false);
	if (settings_load(&w->s, w->config_file, w->conninfo_opt, w->worker_id_opt, &err) != OMS_OK) {
		log_error("%s", err.msg);
		log_close();
		return WORKER_EXIT_USAGE;
	}
	if (!w->s.jc.worker_id) {
		char host[64] = "worker";
		gethostname(host, sizeof host - 1);
		host[sizeof host - 1] = '\0';
		snprintf(w->default_id, sizeof w->default_id, "%s:%ld", host, (long)getpid());
		w->s.jc.worker_id = w->default_id;
	}
	log_close();
	log_open(w->prog, w->verbose ? LOG_LEVEL_DEBUG : w->s.level, w->s.use_syslog);
	return RUN;
}

int
main(int argc, char **argv)
{
	struct worker w = { .prog = "oms-worker" };
	struct oms_error err = { 0 };
	int rc;

	if ((rc = parse_options(&w, argc, argv)) != RUN || (rc = configure(&w)) != RUN)
		return rc;
	if (worker_prepare(&w, &err) != OMS_OK) {
		log_error("cannot start: %s", err.msg);
		return 1;
	}
	rc = worker_start(&w);
	if (rc == 0 && w.jobs)
		rc = worker_loop(&w);
	worker_finish(&w);
	log_close();
	return rc;
}
