/* oms: the order-management client. This file only reads the command line
 * and the configuration, picks the database, and hands over to a command:
 * migrate/demo/seed (src/), find/order/customer/refund/whoami (src/app, cli_run)
 * or, with no command, the terminal client (ui/, ui_run). */
#include "config.h"

#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctx.h"
#include "db/db.h"
#include "demo.h"
#include "log.h"
#include "migrate.h"

typedef int (*command_fn)(struct oms_ctx *ctx, int argc, char **argv);

static int main_help(struct oms_ctx *ctx, int argc, char **argv);

/* Subcommands; `needs_db` ones get ctx->db opened before they run (the
 * others connect themselves: migrate and seed to a superuser, demo to its
 * own cluster). */
static const struct command {
	const char *name;
	const char *summary;
	command_fn run;
	bool needs_db;
} commands[] = {
	{ "find",     "find orders and customers (number, e-mail, phone, name)", cli_run, true },
	{ "order",    "show an order or cancel it", cli_run, true },
	{ "customer", "show a customer and their orders", cli_run, true },
	{ "cancellation", "list, approve or refuse cancellations waiting for approval", cli_run, true },
	{ "refund",   "list, show, request and decide refunds", cli_run, true },
	{ "reason",   "list, add or retire cancellation reason codes", cli_run, true },
	{ "job",      "list, show or retry the worker's jobs (administrators)", cli_run, true },
	{ "whoami",   "show the login, name, role and seller of the connection", cli_run, true },
	{ "migrate",  "apply the schema migrations (as a superuser)", migrate_main, false },
	{ "demo",     "try oms on a private cluster with demo data", demo_main, false },
	{ "seed",     "load the demo data into a migrated database", demo_seed_main, false },
	{ "help",     "show this help", main_help, false },
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void
main_usage(FILE *f, const char *progname)
{
	fprintf(f,
		"usage: %s [options] [command [args]]\n"
		"\n"
		"Without a command, opens the terminal client.\n"
		"\n"
		"Options:\n"
		"  -d, --dbname CONNINFO  database to use (conninfo string or postgresql:// URI);\n"
		"                         default: [connection] conninfo in oms.conf, then the\n"
		"                         PG* environment (PGSERVICE, PGHOST, ...)\n"
		"      --config FILE      read FILE instead of the standard oms.conf\n"
		"      --plain            no line drawing and no color\n"
		"      --json             JSON output for subcommands (--format json)\n"
		"  -v, --verbose          debug messages on stderr\n"
		"  -h, --help             show this help\n"
		"  -V, --version          show the version\n"
		"\n"
		"Commands:\n", progname);
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-13s %s\n", commands[i].name, commands[i].summary);
	fprintf(f,
		"\n"
		"Run '%s COMMAND --help' for a command's options; the subcommands for\n"
		"scripts take --format text|csv|json and -o FILE after their name.\n"
		"Exit status: 0 ok, 1 not found, 2 usage or configuration error,\n"
		"3 database error, 4 refused by a business rule, 5 nothing done (another\n"
		"session held the data, or a read-only server): run it again.\n"
		"See oms(1) and oms.conf(5).\n", progname);
}

static int
main_help(struct oms_ctx *ctx, int argc, char **argv)
{
	main_usage(stdout, ctx->progname);
	return 0;
}

/* [log] level and syslog; --verbose wins over the file. */
static int
main_setup_log(const struct oms_config *cfg, bool verbose)
{
	const char *name = config_get(cfg, "log", "level", "info");
	enum log_level level;

	if (!log_level_parse(name, &level)) {
		log_error("%s: [log] level: unknown level '%.40s' (debug, info, warning, error)",
			  config_path(cfg) ? config_path(cfg) : "oms.conf", name);
		return 2;
	}
	log_open("oms", verbose ? LOG_LEVEL_DEBUG : level, config_get_bool(cfg, "log", "syslog", false));
	return 0;
}

/* A password in oms.conf is only acceptable in a file nobody else reads. */
static void
main_check_secrets(const struct oms_config *cfg, const char *conninfo)
{
	struct oms_error err;

	if (!conninfo || !config_conninfo_has_password(conninfo))
		return;
	if (config_check_secrets(cfg, &err) != OMS_OK)
		log_warn("%s", err.msg);
}

/* `oms order --help` should work without a database. */
static bool
main_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			return false;
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return true;
	}
	return false;
}

static int
main_run(struct oms_ctx *ctx, const struct command *cmd, int argc, char **argv)
{
	struct oms_error err;
	int rc;

	oms_error_clear(&err);
	if (cmd && (!cmd->needs_db || main_wants_help(argc, argv)))
		return cmd->run(ctx, argc, argv);
	/* The message comes from libpq and names the host, never the password;
	 * the conninfo itself is not printed. */
	if (!(ctx->db = db_open(ctx->conninfo, &err))) {
		log_error("%s", err.msg);
		return 3;
	}
	rc = cmd ? cmd->run(ctx, argc, argv) : ui_run(ctx);
	db_close(ctx->db);
	ctx->db = NULL;
	return rc;
}

int
main(int argc, char **argv)
{
	enum { OPT_CONFIG = 256, OPT_PLAIN, OPT_JSON };
	static const struct option opts[] = {
		{ "dbname", required_argument, NULL, 'd' },
		{ "config", required_argument, NULL, OPT_CONFIG },
		{ "plain", no_argument, NULL, OPT_PLAIN },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct oms_ctx ctx = { .progname = "oms" };
	const char *config_file = NULL, *dbname = NULL;
	const struct command *cmd = NULL;
	bool verbose = false;
	struct oms_error err;
	int c, rc;

	setlocale(LC_ALL, "");
	log_open("oms", LOG_LEVEL_INFO, false);
	/* '+': stop at the command name, its options are its own. */
	while ((c = getopt_long(argc, argv, "+d:vhV", opts, NULL)) != -1) {
		switch (c) {
		case 'd': dbname = optarg; break;
		case OPT_CONFIG: config_file = optarg; break;
		case OPT_PLAIN: ctx.plain = true; break;
		case OPT_JSON: ctx.json = true; break;
		case 'v': verbose = true; break;
		case 'h': main_usage(stdout, ctx.progname); return 0;
		case 'V': printf("%s\n", PACKAGE_STRING); return 0;
		default: main_usage(stderr, ctx.progname); return 2;
		}
	}
	if (optind < argc) {
		for (size_t i = 0; i < NCOMMANDS && !cmd; i++)
			if (!strcmp(argv[optind], commands[i].name))
				cmd = &commands[i];
		if (!cmd) {
			fprintf(stderr, "%s: unknown command '%s'; see '%s --help'\n",
				ctx.progname, argv[optind], ctx.progname);
			return 2;
		}
	}

	oms_error_clear(&err);
	if (!(ctx.cfg = config_load(config_file, &err))) {
		log_error("%s", err.msg);
		return 2;
	}
	if ((rc = main_setup_log(ctx.cfg, verbose)) != 0) {
		config_free(ctx.cfg);
		return rc;
	}
	ctx.conninfo = dbname ? dbname : config_get(ctx.cfg, "connection", "conninfo", NULL);
	if (ctx.conninfo && !*ctx.conninfo)
		ctx.conninfo = NULL;
	if (!dbname)
		main_check_secrets(ctx.cfg, ctx.conninfo);

	rc = main_run(&ctx, cmd, argc - optind, argv + optind);
	config_free(ctx.cfg);
	log_close();
	return rc;
}
