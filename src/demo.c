#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "db/db.h"
#include "demo.h"
#include "log.h"
#include "migrate.h"
#include "sql/migrations.h"   /* oms_demo_sql[], generated from sql/demo */
#include "util.h"

#ifndef OMS_PG_BINDIR
#define OMS_PG_BINDIR "/usr/lib/postgresql/15/bin"
#endif


/* The socket directory is private to the server's user and there is no TCP
 * listener, which is what makes `-A trust` acceptable here. */
#define DEMO_PORT "5432"
#define DEMO_ROOT_DIR "/var/lib/oms/demo"

/* Where the demo cluster lives and who runs it. */
struct demo {
	char base[1024];        /* the state directory */
	char data[1100];        /* PGDATA */
	char run[1100];         /* Unix socket directory, mode 0700 */
	char log[1100];         /* server log */
	char created[1100];     /* marker: initdb and configuration finished */
	char seeded[1100];      /* marker: demo data loaded (holds the scale) */
	struct util_run_opts as;   /* run server programs as this user */
	FILE *out;              /* progress messages */
};

static const char *const demo_scales[] = { "tiny", "default", "full" };
/* For the progress line only; the figures are sql/demo/00_setup.sql's. */
static const char *const demo_scale_sizes[] = { "5k orders", "200k orders", "1M orders" };
static const char *const demo_roles[] = { "csr", "fulfilment", "analyst", "admin" };

static bool
demo_in(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(s, list[i]))
			return true;
	return false;
}

static const char *
demo_scale_size(const char *scale)
{
	for (size_t i = 0; i < 3; i++)
		if (!strcmp(scale, demo_scales[i]))
			return demo_scale_sizes[i];
	return scale;
}

static void
demo_say(const struct demo *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
demo_say(const struct demo *d, const char *fmt, ...)
{
	va_list ap;

	if (!d->out)
		return;
	va_start(ap, fmt);
	vfprintf(d->out, fmt, ap);
	va_end(ap);
	fflush(d->out);
}

/* initdb and postgres refuse to run as root. Root's home is not traversable
 * by the unprivileged user, so as root the cluster lives under /var/lib and
 * its server runs as `nobody`. $OMS_DEMO_DIR overrides the place (tests). */
static enum oms_status
demo_locate(struct demo *d, struct oms_error *err)
{
	const char *env = getenv("OMS_DEMO_DIR"), *home;
	int n;

	memset(&d->as, 0, sizeof d->as);
	if (geteuid() == 0) {
		struct passwd *pw = getpwnam("nobody");

		if (!pw)
			return oms_fail(err, OMS_IO, "running as root, but there is no user 'nobody' "
					"to run the demo server as");
		d->as.switch_user = true;
		d->as.uid = pw->pw_uid;
		d->as.gid = pw->pw_gid;
	}
	if (env && *env == '/')
		n = snprintf(d->base, sizeof d->base, "%s", env);
	else if (geteuid() == 0)
		n = snprintf(d->base, sizeof d->base, "%s", DEMO_ROOT_DIR);
	else if ((env = getenv("XDG_STATE_HOME")) && *env == '/')
		n = snprintf(d->base, sizeof d->base, "%s/oms/demo", env);
	else if ((home = getenv("HOME")) && *home)
		n = snprintf(d->base, sizeof d->base, "%s/.local/state/oms/demo", home);
	else
		return oms_fail(err, OMS_IO, "cannot tell where to keep the demo cluster: set HOME");
	if (n < 0 || (size_t)n >= sizeof d->base)
		return oms_fail(err, OMS_IO, "demo directory path too long");
	util_path_join(d->data, sizeof d->data, d->base, "data");
	util_path_join(d->run, sizeof d->run, d->base, "run");
	util_path_join(d->log, sizeof d->log, d->base, "server.log");
	util_path_join(d->created, sizeof d->created, d->base, "created");
	util_path_join(d->seeded, sizeof d->seeded, d->base, "seeded");
	d->as.cwd = NULL;
	return OMS_OK;
}

/* Runs a PostgreSQL program from OMS_PG_BINDIR as the server user, in the
 * demo directory (the server user may not be able to enter our cwd). */
static int
demo_pg(struct demo *d, const char *prog, const char *const *args, const char *logpath,
	struct oms_error *err)
{
	char path[512];
	const char *argv[16];
	struct util_run_opts o = d->as;
	int n = 0;

	snprintf(path, sizeof path, "%s/%s", OMS_PG_BINDIR, prog);
	argv[n++] = path;
	for (int i = 0; args[i] && n < 15; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	o.cwd = d->base;
	o.logpath = logpath;
	if (access(path, X_OK) < 0) {
		oms_fail(err, OMS_IO, "%s not found: install PostgreSQL 15 server binaries "
			 "(postgresql-15) or configure with PG_BINDIR=...", path);
		return -1;
	}
	return util_run(argv, &o, err);
}

static enum oms_status
demo_own(const struct demo *d, const char *path, struct oms_error *err)
{
	if (d->as.switch_user && chown(path, d->as.uid, d->as.gid) < 0)
		return oms_fail(err, OMS_IO, "cannot chown %s: %s", path, strerror(errno));
	return OMS_OK;
}

static enum oms_status
demo_write_file(const char *path, const char *text, bool append, struct oms_error *err)
{
	FILE *f = fopen(path, append ? "a" : "w");

	if (!f || fputs(text, f) < 0 || fclose(f) != 0)
		return oms_fail(err, OMS_IO, "cannot write %s: %s", path, strerror(errno));
	return OMS_OK;
}

static enum oms_status
demo_create(struct demo *d, struct oms_error *err)
{
	char parent[1024], initlog[1100], conf[1100], settings[2048];
	const char *initdb_args[] = { "-D", d->data, "-U", "postgres", "-A", "trust", "-E", "UTF8",
				      "--locale=C.UTF-8", "--no-sync", NULL };
	enum oms_status st;
	char *slash;

	demo_say(d, "creating the demo cluster in %s...\n", d->base);
	/* A cluster whose creation was interrupted is redone from scratch. */
	if ((st = util_rm_rf(d->base, err)) != OMS_OK)
		return st;
	snprintf(parent, sizeof parent, "%s", d->base);
	if ((slash = strrchr(parent, '/')) && slash != parent) {
		*slash = '\0';
		if ((st = util_mkdir_p(parent, d->as.switch_user ? 0755 : 0700, err)) != OMS_OK)
			return st;
	}
	if ((st = util_mkdir_p(d->base, 0700, err)) != OMS_OK ||
	    (st = demo_own(d, d->base, err)) != OMS_OK)
		return st;
	if (mkdir(d->run, 0700) < 0)
		return oms_fail(err, OMS_IO, "cannot create %s: %s", d->run, strerror(errno));
	if ((st = demo_own(d, d->run, err)) != OMS_OK)
		return st;

	util_path_join(initlog, sizeof initlog, d->base, "initdb.log");
	if (demo_pg(d, "initdb", initdb_args, initlog, err) != 0)
		return oms_fail(err, OMS_IO, "initdb failed%s%s; see %s",
				err->msg[0] ? ": " : "", err->msg, initlog);

	util_path_join(conf, sizeof conf, d->data, "postgresql.conf");
	snprintf(settings, sizeof settings,
		 "\n# added by oms demo: Unix socket only, in a private directory\n"
		 "listen_addresses = ''\n"
		 "unix_socket_directories = '%s'\n"
		 "port = " DEMO_PORT "\n"
		 "max_connections = 100\n"
		 "shared_buffers = 128MB\n"
		 "synchronous_commit = off\n"
		 "TimeZone = 'UTC'\n", d->run);
	if ((st = demo_write_file(conf, settings, true, err)) != OMS_OK)
		return st;
	return demo_write_file(d->created, "1\n", false, err);
}

static bool
demo_running(struct demo *d)
{
	const char *args[] = { "status", "-D", d->data, NULL };
	struct oms_error ignore;

	return demo_pg(d, "pg_ctl", args, "/dev/null", &ignore) == 0;
}

static enum oms_status
demo_start(struct demo *d, struct oms_error *err)
{
	const char *args[] = { "start", "-w", "-t", "60", "-D", d->data, "-l", d->log, NULL };

	demo_say(d, "starting the demo server...\n");
	if (demo_pg(d, "pg_ctl", args, "/dev/null", err) != 0)
		return oms_fail(err, OMS_IO, "the demo server did not start; see %s", d->log);
	return OMS_OK;
}

static enum oms_status
demo_stop(struct demo *d, struct oms_error *err)
{
	const char *args[] = { "stop", "-w", "-m", "fast", "-D", d->data, NULL };

	if (!util_file_exists(d->data) || !demo_running(d))
		return OMS_OK;
	demo_say(d, "stopping the demo server...\n");
	if (demo_pg(d, "pg_ctl", args, "/dev/null", err) != 0)
		return oms_fail(err, OMS_IO, "cannot stop the demo server; see %s", d->log);
	return OMS_OK;
}

/* Appends key=value, quoted the way libpq expects when the value needs it,
 * so a socket path with spaces or quotes still works. */
static void
demo_conninfo_add(char *buf, size_t len, const char *key, const char *value)
{
	bool quote = !*value || strpbrk(value, " \t'\\") != NULL;
	size_t o = strlen(buf);

	if (o && o + 1 < len)
		buf[o++] = ' ';
	for (const char *k = key; *k && o + 1 < len; k++)
		buf[o++] = *k;
	if (o + 1 < len)
		buf[o++] = '=';
	if (quote && o + 1 < len)
		buf[o++] = '\'';
	for (const char *v = value; *v && o + 3 < len; v++) {
		if (*v == '\'' || *v == '\\')
			buf[o++] = '\\';
		buf[o++] = *v;
	}
	if (quote && o + 1 < len)
		buf[o++] = '\'';
	buf[o] = '\0';
}

static void
demo_conninfo(const struct demo *d, const char *dbname, const char *user, char *buf, size_t len)
{
	buf[0] = '\0';
	demo_conninfo_add(buf, len, "host", d->run);
	demo_conninfo_add(buf, len, "port", DEMO_PORT);
	demo_conninfo_add(buf, len, "dbname", dbname);
	demo_conninfo_add(buf, len, "user", user);
}

static double
demo_elapsed(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

enum oms_status
demo_seed(struct db *db, const char *scale, const char *anchor, FILE *out, struct oms_error *err)
{
	const char *params[] = { scale };
	const char *aparams[] = { anchor ? anchor : DEMO_FIXED_ANCHOR };
	char at[64];
	struct db_result *r;
	enum oms_status st;

	if (!demo_in(scale, demo_scales, 3))
		return oms_fail(err, OMS_USAGE, "unknown scale '%s' (tiny, default or full)", scale);
	if (oms_demo_sql_count == 0)
		return oms_fail(err, OMS_INVALID, "this oms was built without demo data");
	/* The end of the history, read once: "now" is the time of loading. */
	if (!(r = db_query(db, "SELECT to_char(date_trunc('second', $1::timestamptz) AT TIME ZONE 'UTC', "
			   "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')", 1, aparams, err)))
		return oms_fail(err, OMS_USAGE, "--anchor '%s' is not a time (now, or e.g. 2026-11-01T12:00Z)",
				aparams[0]);
	snprintf(at, sizeof at, "%s", db_get(r, 0, 0));
	db_result_free(r);
	aparams[0] = at;
	/* Session settings the scripts read with current_setting(). */
	if ((st = db_exec(db, "SELECT set_config('oms_demo.scale', $1, false)", 1, params, err)) != OMS_OK ||
	    (st = db_exec(db, "SELECT set_config('oms_demo.anchor', $1, false)", 1, aparams, err)) != OMS_OK)
		return st;
	if (out)
		fprintf(out, "  the history ends at %s\n", at);
	for (int i = 0; i < oms_demo_sql_count; i++) {
		struct timespec t0;

		if (out) {
			fprintf(out, "  %s... ", oms_demo_sql_names[i]);
			fflush(out);
		}
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if ((st = db_exec_script(db, oms_demo_sql[i], err)) != OMS_OK) {
			char msg[sizeof err->msg];

			if (out)
				fprintf(out, "failed\n");
			snprintf(msg, sizeof msg, "%s", err->msg);
			return oms_fail(err, st, "demo data %s failed: %s", oms_demo_sql_names[i], msg);
		}
		if (out)
			fprintf(out, "done (%.1f s)\n", demo_elapsed(&t0));
	}
	if (out && (r = db_query(db, "SELECT count(*) FROM oms.orders", 0, NULL, err))) {
		fprintf(out, "loaded %s orders\n", db_get(r, 0, 0));
		db_result_free(r);
	}
	oms_error_clear(err);
	return OMS_OK;
}

/* Creates the database, migrates it and, once, loads the demo data. */
static enum oms_status
demo_prepare_db(struct demo *d, const char *scale, const char *anchor, struct oms_error *err)
{
	char ci[2048], marker[32] = "";
	struct db *db;
	struct db_result *r;
	enum oms_status st;
	FILE *f;

	demo_conninfo(d, "postgres", "postgres", ci, sizeof ci);
	if (!(db = db_open(ci, err)))
		return err->status;
	r = db_query(db, "SELECT 1 FROM pg_database WHERE datname = 'oms'", 0, NULL, err);
	st = r ? OMS_OK : err->status;
	if (r && db_rows(r) == 0) {
		demo_say(d, "creating database oms...\n");
		st = db_exec_script(db, "CREATE DATABASE oms", err);
	}
	db_result_free(r);
	db_close(db);
	if (st != OMS_OK)
		return st;

	demo_conninfo(d, "oms", "postgres", ci, sizeof ci);
	if (!(db = db_open(ci, err)))
		return err->status;
	demo_say(d, "migrating...\n");
	if ((st = migrate_apply(db, d->out, err)) != OMS_OK)
		goto out;
	if ((f = fopen(d->seeded, "r"))) {
		if (!fgets(marker, sizeof marker, f))
			marker[0] = '\0';
		fclose(f);
		marker[strcspn(marker, "\n")] = '\0';
	}
	if (marker[0]) {
		if (scale && strcmp(scale, marker))
			log_warn("the demo data was loaded at scale %s; "
				 "use --reset --scale %s to reload it", marker, scale);
		goto out;
	}
	if (!scale)
		scale = "default";
	demo_say(d, "loading demo data (%s)...\n", demo_scale_size(scale));
	if ((st = demo_seed(db, scale, anchor, d->out, err)) == OMS_OK) {
		char text[32];

		snprintf(text, sizeof text, "%s\n", scale);
		st = demo_write_file(d->seeded, text, false, err);
	}
out:
	db_close(db);
	return st;
}

const char demo_usage_text[] =
	"oms demo [--reset] [--stop] [--scale tiny|default|full] [--anchor now|TIME]\n"
	"                [--as csr|fulfilment|analyst|admin] [--print-conninfo]";
const char seed_usage_text[] = "oms seed [--scale tiny|default|full] [--anchor now|TIME] [-d CONNINFO]";

/* Where the loaded history ends unless --anchor says: $OMS_DEMO_ANCHOR,
 * else the time of loading for oms demo (a realistic last month for the
 * demo and the benchmarks) and the fixed DEMO_FIXED_ANCHOR for oms seed
 * (what the tests load: the same data, screens and figures every day). */
static const char *
demo_default_anchor(bool for_demo)
{
	const char *env = getenv("OMS_DEMO_ANCHOR");

	if (env && *env)
		return env;
	return for_demo ? "now" : DEMO_FIXED_ANCHOR;
}

/* A usage error: the usage lines; the help is the registry's (oms NAME --help). */
static int
usage_error(const char *progname, const char *usage, const char *name)
{
	fprintf(stderr, "usage: %s\nRun '%s %s --help' for the options.\n", usage, progname, name);
	return 2;
}

int
demo_main(struct oms_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "reset", no_argument, NULL, 'r' },
		{ "stop", no_argument, NULL, 's' },
		{ "scale", required_argument, NULL, 'S' },
		{ "anchor", required_argument, NULL, 'A' },
		{ "as", required_argument, NULL, 'a' },
		{ "print-conninfo", no_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	bool reset = false, stop = false, print = false;
	const char *scale = NULL, *role = "csr", *anchor = demo_default_anchor(true);
	struct demo d = { .out = stdout };
	struct oms_error err;
	char ci[2048], user[64];
	int c, rc;

#ifdef __GLIBC__
	optind = 0;
#else
	optind = 1;
#endif
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'r': reset = true; break;
		case 's': stop = true; break;
		case 'S': scale = optarg; break;
		case 'A': anchor = optarg; break;
		case 'a': role = optarg; break;
		case 'p': print = true; break;
		default:  return usage_error(ctx->progname, demo_usage_text, "demo");
		}
	}
	if (optind < argc || (scale && !demo_in(scale, demo_scales, 3)) ||
	    !(demo_in(role, demo_roles, 4) || (print && !strcmp(role, "postgres")))) {
		if (optind < argc)
			fprintf(stderr, "%s demo: unexpected argument '%s'\n", ctx->progname, argv[optind]);
		else if (scale && !demo_in(scale, demo_scales, 3))
			fprintf(stderr, "%s demo: unknown scale '%s'\n", ctx->progname, scale);
		else
			fprintf(stderr, "%s demo: unknown role '%s'\n", ctx->progname, role);
		return usage_error(ctx->progname, demo_usage_text, "demo");
	}
	oms_error_clear(&err);
	if (demo_locate(&d, &err) != OMS_OK) {
		log_error("%s", err.msg);
		return 3;
	}
	snprintf(user, sizeof user, "%s%s", strcmp(role, "postgres") ? "demo_" : "", role);
	if (print) {
		demo_conninfo(&d, "oms", user, ci, sizeof ci);
		puts(ci);
		return 0;
	}
	if (stop || reset) {
		if (demo_stop(&d, &err) != OMS_OK) {
			log_error("%s", err.msg);
			return 3;
		}
		if (stop)
			return 0;
		demo_say(&d, "removing %s...\n", d.base);
		if (util_rm_rf(d.base, &err) != OMS_OK) {
			log_error("%s", err.msg);
			return 3;
		}
	}
	if ((!util_file_exists(d.created) && demo_create(&d, &err) != OMS_OK) ||
	    (!demo_running(&d) && demo_start(&d, &err) != OMS_OK) ||
	    demo_prepare_db(&d, scale, anchor, &err) != OMS_OK) {
		log_error("%s", err.msg);
		return 3;
	}

	demo_conninfo(&d, "oms", user, ci, sizeof ci);
	if (!(ctx->db = db_open(ci, &err))) {
		log_error("%s", err.msg);
		return 3;
	}
	ctx->conninfo = ci;
	rc = ui_run(ctx);
	db_close(ctx->db);
	ctx->db = NULL;
	ctx->conninfo = NULL;
	return rc;
}

int
demo_seed_main(struct oms_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "scale", required_argument, NULL, 'S' },
		{ "anchor", required_argument, NULL, 'A' },
		{ "dbname", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	const char *scale = "default", *conninfo = ctx->conninfo, *anchor = demo_default_anchor(false);
	struct oms_error err;
	struct db *db;
	enum oms_status st;
	int c;

#ifdef __GLIBC__
	optind = 0;
#else
	optind = 1;
#endif
	while ((c = getopt_long(argc, argv, "d:", opts, NULL)) != -1) {
		switch (c) {
		case 'S': scale = optarg; break;
		case 'A': anchor = optarg; break;
		case 'd': conninfo = optarg; break;
		default:  return usage_error(ctx->progname, seed_usage_text, "seed");
		}
	}
	if (optind < argc || !demo_in(scale, demo_scales, 3)) {
		if (optind < argc)
			fprintf(stderr, "%s seed: unexpected argument '%s'\n", ctx->progname, argv[optind]);
		else
			fprintf(stderr, "%s seed: unknown scale '%s'\n", ctx->progname, scale);
		return usage_error(ctx->progname, seed_usage_text, "seed");
	}
	oms_error_clear(&err);
	if (!(db = db_open(conninfo, &err))) {
		log_error("%s", err.msg);
		return 3;
	}
	printf("loading demo data (%s)...\n", demo_scale_size(scale));
	st = demo_seed(db, scale, anchor, stdout, &err);
	db_close(db);
	if (st != OMS_OK) {
		log_error("%s", err.msg);
		return st == OMS_USAGE ? 2 : 3;
	}
	return 0;
}
