/* oms: the order-management client. This file only reads the global
 * options and the configuration, opens the database, and hands over to a
 * command of the registry (src/cli/cli.h: the subcommands, migrate, demo,
 * seed, help) or, with no command, the terminal client (ui/, ui_run). */
#include "config.h"

#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "ctx.h"
#include "db/db.h"
#include "log.h"

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

/* The command (the registry's) or, with none, the terminal client; the
 * connection is opened here unless the command connects itself or only
 * prints its help. */
static int
main_run(struct oms_ctx *ctx, const struct cli_command *cmd, int argc, char **argv)
{
	struct oms_error err;
	int rc;

	oms_error_clear(&err);
	if (cmd && !cli_command_needs_db(cmd, argc, argv))
		return cli_command_run(ctx, cmd, argc, argv);
	/* The message comes from libpq and names the host, never the password;
	 * the conninfo itself is not printed. */
	if (!(ctx->db = db_open(ctx->conninfo, &err))) {
		log_error("%s", err.msg);
		return 3;
	}
	rc = cmd ? cli_command_run(ctx, cmd, argc, argv) : ui_run(ctx);
	db_close(ctx->db);
	ctx->db = NULL;
	return rc;
}

enum { OPT_CONFIG = 256, OPT_PLAIN, OPT_JSON };
static const struct option main_opts[] = {
	{ "dbname", required_argument, NULL, 'd' },
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "plain", no_argument, NULL, OPT_PLAIN },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* A global flag (an option without argument, but --help and --version):
 * false when c is none. The one place that applies them, before the
 * command word and (for demo) after it. */
static bool
main_flag(int c, struct oms_ctx *ctx, bool *verbose)
{
	switch (c) {
	case OPT_PLAIN: ctx->plain = true; return true;
	case OPT_JSON: ctx->json = true; return true;
	case 'v': *verbose = true; return true;
	default: return false;
	}
}

/* The global options that take no argument and change how the terminal
 * client looks or speaks (--plain, --json, --verbose) may also stand after
 * `demo`, which runs the terminal client (issue 13: `oms demo --plain` as
 * well as `oms --plain demo`). They are taken out of the command's
 * arguments here; --help and --version after a command stay the
 * command's. Stops at "--". */
static void
main_global_after(int argc, char **argv, struct oms_ctx *ctx, bool *verbose, int *kept)
{
	int out = 1;

	for (int i = 1; i < argc; i++) {
		int c = 0;

		if (!strcmp(argv[i], "--")) {
			while (i < argc)
				argv[out++] = argv[i++];
			break;
		}
		if (!strcmp(argv[i], "-v"))
			c = 'v';
		else if (!strncmp(argv[i], "--", 2))
			for (const struct option *o = main_opts; o->name; o++)
				if (o->has_arg == no_argument && o->val != 'h' && o->val != 'V' &&
				    !strcmp(argv[i] + 2, o->name))
					c = o->val;
		if (!main_flag(c, ctx, verbose))
			argv[out++] = argv[i];
	}
	argv[out] = NULL;
	*kept = out;
}

int
main(int argc, char **argv)
{
	const struct option *opts = main_opts;
	struct oms_ctx ctx = { .progname = "oms" };
	const char *config_file = NULL, *dbname = NULL;
	const struct cli_command *cmd = NULL;
	bool verbose = false;
	struct oms_error err;
	int c, rc;

	setlocale(LC_ALL, "");
	log_open("oms", LOG_LEVEL_INFO, false);
	/* '+': stop at the command name, its options are its own. */
	while ((c = getopt_long(argc, argv, "+d:vhV", opts, NULL)) != -1) {
		if (main_flag(c, &ctx, &verbose))
			continue;
		switch (c) {
		case 'd': dbname = optarg; break;
		case OPT_CONFIG: config_file = optarg; break;
		case 'h': cli_usage(stdout, ctx.progname); return 0;
		case 'V': printf("%s\n", PACKAGE_STRING); return 0;
		default: cli_usage(stderr, ctx.progname); return 2;
		}
	}
	if (optind < argc && !(cmd = cli_command_find(argv[optind])))
		return cli_command_unknown(ctx.progname, argv[optind]);
	if (cmd && !strcmp(argv[optind], "demo")) {
		int kept;

		main_global_after(argc - optind, argv + optind, &ctx, &verbose, &kept);
		argc = optind + kept;
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
