#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <dirent.h>
#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "ctx.h"
#include "db/db.h"
#include "demo.h"
#include "log.h"
#include "migrate.h"
#include "sql/migrations.h"   /* oms_demo_sql[], generated from sql/demo */
#include "util.h"

#ifndef OMS_PG_BINDIR
#define OMS_PG_BINDIR "/usr/lib/postgresql/15/bin"
#endif
#ifndef OMS_SBINDIR
#define OMS_SBINDIR "/usr/local/sbin"
#endif
#ifndef OMS_PKGDATADIR
#define OMS_PKGDATADIR "/usr/local/share/oms"
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
	char svc[1100];         /* oms-worker and the fakes: pids, ports, logs */
	char mail[1100];        /* the mails the fake relay accepted */
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
	util_path_join(d->svc, sizeof d->svc, d->base, "services");
	util_path_join(d->mail, sizeof d->mail, d->base, "mail");
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

/* The memory a container's cgroup allows, in bytes (v2, else v1), or -1
 * when there is no limit to read: sysconf counts the host's. */
static long long
demo_cgroup_limit(void)
{
	const char *files[] = { "/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes" };

	for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
		FILE *f = fopen(files[i], "r");
		long long v;
		int n;

		if (!f)
			continue;
		n = fscanf(f, "%lld", &v);
		fclose(f);
		if (n == 1 && v > 0)
			return v;
	}
	return -1;
}

/* shared_buffers for a new demo cluster: a quarter of the machine's memory
 * (PostgreSQL's usual advice), or of the container's limit when that is
 * less, between 128 MB and 4 GB. At the full scale the database is about
 * 3.3 GB; with the old fixed 128 MB every lookup copied its pages from the
 * kernel's cache, a sixth of the server's time in the mixed benchmark
 * (issue 14). The memory is the server's only as it fills. */
static long
demo_shared_buffers_mb(void)
{
	long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
	long long bytes = pages > 0 && size > 0 ? (long long)pages * size : 512LL << 20;
	long long limit = demo_cgroup_limit(), mb;

	if (limit > 0 && limit < bytes)
		bytes = limit;
	mb = bytes / 4 / (1024 * 1024);
	return mb < 128 ? 128 : mb > 4096 ? 4096 : (long)mb;
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
		 "shared_buffers = %ldMB\n"
		 "synchronous_commit = off\n"
		 "TimeZone = 'UTC'\n", d->run, demo_shared_buffers_mb());
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

/* ---------------------------------------------------------------------------
 * oms-worker and the loopback fakes (issue 13). The demo runs oms-worker
 * as demo_worker against fakes listening on 127.0.0.1: the payment
 * gateway and the mail relay (tests/fakes/payment_fake.py and smtp_fake.py,
 * installed in $(pkgdatadir)/demo; they need python3), and the carrier
 * aggregator (carrier_fake.py, issue 11: labels bought from the queue,
 * trackers polled; the terminal client the demo opens is given its
 * [carrier] settings, demo_client_carrier). Refunds move to
 * "succeeded" as in a real shop, and the relay keeps every mail it accepts
 * in DIR/mail, which `oms demo --mail` lists. They run in the background,
 * in a session of their own, and stop with the demo server (--stop). */

static const char *const demo_services[] = { "worker", "smtp", "payment", "carrier" };

#define DEMO_CARRIER_KEY "ep_test_oms_demo"

static void
demo_svc_path(const struct demo *d, const char *name, const char *ext, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s.%s", d->svc, name, ext);
}

/* The pid in NAME.pid when that process is alive and is the one we
 * started (its command line names what we ran: pids are reused). */
static pid_t
demo_svc_pid(const struct demo *d, const char *name)
{
	char path[1200], line[32], cmd[4096], proc[64];
	const char *want = !strcmp(name, "worker") ? "oms-worker" : !strcmp(name, "smtp") ? "smtp_fake" :
			   !strcmp(name, "carrier") ? "carrier_fake" : "payment_fake";
	long pid = 0;
	size_t n;
	FILE *f;

	demo_svc_path(d, name, "pid", path, sizeof path);
	if (!(f = fopen(path, "r")))
		return 0;
	if (fgets(line, sizeof line, f))
		pid = strtol(line, NULL, 10);
	fclose(f);
	if (pid <= 1 || (kill((pid_t)pid, 0) < 0 && errno != EPERM))
		return 0;
	snprintf(proc, sizeof proc, "/proc/%ld/cmdline", pid);
	if (!(f = fopen(proc, "r")))
		return util_file_exists("/proc/self") ? 0 : (pid_t)pid;
	n = fread(cmd, 1, sizeof cmd - 1, f);
	fclose(f);
	for (size_t i = 0; i < n; i++)
		if (cmd[i] == '\0')
			cmd[i] = ' ';
	cmd[n] = '\0';
	return strstr(cmd, want) ? (pid_t)pid : 0;
}

/* Starts argv in the background, detached (a session of its own, so the
 * terminal's Ctrl-C and hang-up do not reach it, and re-parented to init
 * so it is no child of ours), as the server's user, output to NAME.log;
 * writes its pid to NAME.pid. */
static enum oms_status
demo_svc_spawn(struct demo *d, const char *name, const char *const *argv, struct oms_error *err)
{
	char logpath[1200], pidpath[1200], text[32];
	int fds[2], status;
	long pid = 0;
	pid_t first;

	demo_svc_path(d, name, "log", logpath, sizeof logpath);
	demo_svc_path(d, name, "pid", pidpath, sizeof pidpath);
	/* The pipe tells us the pid (the grandchild writes it first) and when
	 * exec happened: its end closes on exec (FD_CLOEXEC); an exec that
	 * failed writes errno before the end. So the pid file never names a
	 * process that is still a copy of oms. */
	if (pipe(fds) < 0)
		return oms_fail(err, OMS_IO, "cannot start %s: %s", argv[0], strerror(errno));
	fcntl(fds[1], F_SETFD, FD_CLOEXEC);
	fflush(NULL);
	if ((first = fork()) < 0) {
		close(fds[0]);
		close(fds[1]);
		return oms_fail(err, OMS_IO, "cannot start %s: %s", argv[0], strerror(errno));
	}
	if (first == 0) {
		long self;
		int fd, e;

		close(fds[0]);
		setsid();
		if (fork() != 0)
			_exit(0);
		self = (long)getpid();
		if (write(fds[1], &self, sizeof self) != (ssize_t)sizeof self)
			_exit(1);
		if ((fd = open(logpath, O_WRONLY | O_CREAT | O_APPEND, 0600)) < 0 ||
		    (d->as.switch_user && fchown(fd, d->as.uid, d->as.gid) < 0) ||
		    dup2(fd, STDOUT_FILENO) < 0 || dup2(fd, STDERR_FILENO) < 0)
			_exit(126);
		if (fd > STDERR_FILENO)
			close(fd);
		if ((fd = open("/dev/null", O_RDONLY)) >= 0 && fd != STDIN_FILENO) {
			dup2(fd, STDIN_FILENO);
			close(fd);
		}
		/* nothing of ours (a database connection, a log) stays open in it */
		for (int i = STDERR_FILENO + 1; i < 1024; i++)
			if (i != fds[1])
				close(i);
		if (d->as.switch_user &&
		    (setgroups(0, NULL) < 0 || setgid(d->as.gid) < 0 || setuid(d->as.uid) < 0))
			_exit(126);
		if (chdir(d->svc) < 0)
			_exit(126);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_IGN);
		execv(argv[0], (char *const *)argv);
		e = errno;
		dprintf(STDERR_FILENO, "oms demo: cannot run %s: %s\n", argv[0], strerror(e));
		if (write(fds[1], &e, sizeof e) < 0)
			_exit(127);
		_exit(127);
	}
	close(fds[1]);
	while (waitpid(first, &status, 0) < 0 && errno == EINTR)
		;
	if (read(fds[0], &pid, sizeof pid) != (ssize_t)sizeof pid)
		pid = 0;
	else {
		int e = 0;
		ssize_t n;

		while ((n = read(fds[0], &e, sizeof e)) < 0 && errno == EINTR)
			;
		if (n > 0) {
			close(fds[0]);
			return oms_fail(err, OMS_IO, "cannot run %s: %s", argv[0], strerror(e));
		}
	}
	close(fds[0]);
	if (pid <= 0)
		return oms_fail(err, OMS_IO, "cannot start %s (see %s)", argv[0], logpath);
	snprintf(text, sizeof text, "%ld\n", pid);
	return demo_write_file(pidpath, text, false, err);
}

static void
demo_svc_stop_one(struct demo *d, const char *name)
{
	char path[1200];
	pid_t pid = demo_svc_pid(d, name);

	if (pid > 0) {
		kill(pid, SIGTERM);
		/* up to 10 s for a clean end (the worker finishes the job it
		 * holds), then no more waiting */
		for (int i = 0; i < 100 && kill(pid, 0) == 0; i++) {
			struct timespec ts = { 0, 100 * 1000 * 1000 };

			nanosleep(&ts, NULL);
		}
		if (kill(pid, 0) == 0)
			kill(pid, SIGKILL);
	}
	demo_svc_path(d, name, "pid", path, sizeof path);
	unlink(path);
}

/* Stops oms-worker, then the fakes. */
static void
demo_services_stop(struct demo *d)
{
	bool any = false;

	for (size_t i = 0; i < sizeof demo_services / sizeof demo_services[0]; i++)
		any = any || demo_svc_pid(d, demo_services[i]) > 0;
	if (any)
		demo_say(d, "stopping oms-worker and the fakes...\n");
	for (size_t i = 0; i < sizeof demo_services / sizeof demo_services[0]; i++)
		demo_svc_stop_one(d, demo_services[i]);
}

/* Whether anyone may run path: the file and every directory above it
 * (after symbolic links) executable by others. The server user (nobody,
 * when oms demo runs as root) cannot run root's own python3 (pyenv). */
static bool
demo_others_can_exec(const char *path)
{
	char *real = realpath(path, NULL), *slash;
	bool ok = real != NULL;
	struct stat st;

	while (ok && real[0] && strcmp(real, "/")) {
		ok = stat(real, &st) == 0 && (st.st_mode & S_IXOTH);
		if (!(slash = strrchr(real, '/')))
			break;
		*slash = '\0';
	}
	free(real);
	return ok;
}

/* prog on $PATH (one the server user may run), or false. */
static bool
demo_find_in_path(const struct demo *d, const char *prog, char *buf, size_t len)
{
	const char *path = getenv("PATH");

	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		size_t n = strcspn(path, ":");

		if (n > 0) {
			snprintf(buf, len, "%.*s/%s", (int)n, path, prog);
			if (access(buf, X_OK) == 0 && (!d->as.switch_user || demo_others_can_exec(buf)))
				return true;
		}
		path += n;
		if (*path == ':')
			path++;
	}
	return false;
}

/* oms-worker: $OMS_DEMO_WORKER, else beside this oms (a build tree),
 * else where it is installed. */
static bool
demo_find_worker(char *buf, size_t len)
{
	const char *env = getenv("OMS_DEMO_WORKER");
	char self[1024];
	ssize_t n;

	if (env && *env) {
		snprintf(buf, len, "%s", env);
		return access(buf, X_OK) == 0;
	}
	if ((n = readlink("/proc/self/exe", self, sizeof self - 1)) > 0) {
		char *slash;

		self[n] = '\0';
		if ((slash = strrchr(self, '/'))) {
			*slash = '\0';
			snprintf(buf, len, "%s/oms-worker", self);
			if (access(buf, X_OK) == 0)
				return true;
		}
	}
	snprintf(buf, len, "%s/oms-worker", OMS_SBINDIR);
	return access(buf, X_OK) == 0;
}

/* Waits up to 20 s for a port file; its port, or 0. */
static long
demo_wait_port(const char *path)
{
	for (int i = 0; i < 200; i++) {
		FILE *f = fopen(path, "r");
		struct timespec ts = { 0, 100 * 1000 * 1000 };

		if (f) {
			long port = 0;

			if (fscanf(f, "%ld", &port) != 1)
				port = 0;
			fclose(f);
			if (port > 0 && port < 65536)
				return port;
		}
		nanosleep(&ts, NULL);
	}
	return 0;
}

/* The worker's configuration: the fakes on loopback (plain http there
 * only: allow_insecure_loopback), short polls, the demo shop's sender. */
static enum oms_status
demo_worker_conf(struct demo *d, const char *path, long pay, long smtp, long carrier, struct oms_error *err)
{
	char text[2048], ctext[512];
	enum oms_status st;
	mode_t old;

	snprintf(text, sizeof text,
		 "# written by oms demo: oms-worker against the loopback fakes\n"
		 "[payment]\n"
		 "base_url = http://127.0.0.1:%ld\n"
		 "api_key = sk_test_oms_demo\n"
		 "allow_insecure_loopback = yes\n"
		 "\n[mail]\n"
		 "smtp_url = smtp://127.0.0.1:%ld\n"
		 "from = shop@example.org\n"
		 "from_name = OMS Demo Shop\n"
		 "shop_name = OMS Demo Shop\n"
		 "\n[worker]\n"
		 "poll_interval_ms = 500\n", pay, smtp);
	if (carrier > 0) {
		snprintf(ctext, sizeof ctext,
			 "\n[carrier]\n"
			 "base_url = http://127.0.0.1:%ld\n"
			 "api_key = " DEMO_CARRIER_KEY "\n"
			 "allow_insecure_loopback = yes\n", carrier);
		if (strlen(text) + strlen(ctext) < sizeof text)
			strcat(text, ctext);
	}
	old = umask(077);
	st = demo_write_file(path, text, false, err);
	umask(old);
	if (st == OMS_OK && chmod(path, 0600) < 0)
		return oms_fail(err, OMS_IO, "cannot chmod %s: %s", path, strerror(errno));
	return st == OMS_OK ? demo_own(d, path, err) : st;
}

/* Starts the fakes and oms-worker unless they run. What is missing
 * (python3, the fakes, oms-worker) is said, and the demo goes on
 * without them: refunds then wait at "not sent". */
static enum oms_status
demo_services_start(struct demo *d, struct oms_error *err)
{
	char python[512], worker[1100], fakes[1100], pay_py[1200], smtp_py[1200], carrier_py[1200];
	char pay_port[1200], smtp_port[1200], admin_port[1200], carrier_port[1200], conf[1200], maildir[1200];
	char ci[2048];
	const char *env = getenv("OMS_DEMO_FAKES");
	enum oms_status st;
	long pay, smtp, carrier = 0;
	bool with_carrier;
	time_t now = time(NULL);
	struct tm tm;

	snprintf(fakes, sizeof fakes, "%s", env && *env ? env : OMS_PKGDATADIR "/demo");
	snprintf(pay_py, sizeof pay_py, "%s/payment_fake.py", fakes);
	snprintf(smtp_py, sizeof smtp_py, "%s/smtp_fake.py", fakes);
	snprintf(carrier_py, sizeof carrier_py, "%s/carrier_fake.py", fakes);
	with_carrier = util_file_exists(carrier_py);   /* an older install: without it */
	if (demo_svc_pid(d, "worker") > 0 && demo_svc_pid(d, "payment") > 0 && demo_svc_pid(d, "smtp") > 0 &&
	    (!with_carrier || demo_svc_pid(d, "carrier") > 0))
		return OMS_OK;
	demo_services_stop(d);      /* what is left of an earlier run */
	if (!demo_find_in_path(d, "python3", python, sizeof python)) {
		log_warn("python3 not found: the demo runs without oms-worker, refunds stay "
			 "\"not sent\" and no mail is sent (install python3, or use --no-worker)");
		return OMS_OK;
	}
	if (!util_file_exists(pay_py) || !util_file_exists(smtp_py)) {
		log_warn("%s: the demo's fake gateway and mail relay are missing: the demo runs "
			 "without oms-worker", fakes);
		return OMS_OK;
	}
	if (!demo_find_worker(worker, sizeof worker)) {
		log_warn("oms-worker not found: the demo runs without it");
		return OMS_OK;
	}
	if ((st = util_mkdir_p(d->svc, 0700, err)) != OMS_OK || (st = demo_own(d, d->svc, err)) != OMS_OK ||
	    (st = util_mkdir_p(d->mail, 0700, err)) != OMS_OK || (st = demo_own(d, d->mail, err)) != OMS_OK)
		return st;
	demo_svc_path(d, "payment", "port", pay_port, sizeof pay_port);
	demo_svc_path(d, "smtp", "port", smtp_port, sizeof smtp_port);
	demo_svc_path(d, "smtp-admin", "port", admin_port, sizeof admin_port);
	demo_svc_path(d, "carrier", "port", carrier_port, sizeof carrier_port);
	unlink(pay_port);
	unlink(smtp_port);
	unlink(admin_port);
	unlink(carrier_port);
	/* The relay numbers its files from 1 each time: one directory a run. */
	gmtime_r(&now, &tm);
	snprintf(maildir, sizeof maildir, "%s/%04d%02d%02dT%02d%02d%02dZ-%ld", d->mail, tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (long)getpid());
	if ((st = util_mkdir_p(maildir, 0700, err)) != OMS_OK || (st = demo_own(d, maildir, err)) != OMS_OK)
		return st;

	demo_say(d, "starting oms-worker with a fake payment gateway, mail relay%s on 127.0.0.1...\n",
		 with_carrier ? " and carrier aggregator" : "");
	{
		const char *pay_argv[] = { python, "-B", pay_py, "--port-file", pay_port,
					   "--api-key", "sk_test_oms_demo", NULL };
		const char *smtp_argv[] = { python, "-B", smtp_py, "--port-file", smtp_port,
					    "--admin-port-file", admin_port, "--maildir", maildir, NULL };

		const char *carrier_argv[] = { python, "-B", carrier_py, "--port-file", carrier_port,
					       "--api-key", DEMO_CARRIER_KEY, NULL };

		if ((st = demo_svc_spawn(d, "payment", pay_argv, err)) != OMS_OK ||
		    (st = demo_svc_spawn(d, "smtp", smtp_argv, err)) != OMS_OK ||
		    (with_carrier && (st = demo_svc_spawn(d, "carrier", carrier_argv, err)) != OMS_OK))
			goto fail;
	}
	if (!(pay = demo_wait_port(pay_port)) || !(smtp = demo_wait_port(smtp_port)) ||
	    (with_carrier && !(carrier = demo_wait_port(carrier_port)))) {
		st = oms_fail(err, OMS_IO, "the demo's fakes did not start; see %s/*.log", d->svc);
		goto fail;
	}
	util_path_join(conf, sizeof conf, d->svc, "worker.conf");
	if ((st = demo_worker_conf(d, conf, pay, smtp, carrier, err)) != OMS_OK)
		goto fail;
	demo_conninfo(d, "oms", "demo_worker", ci, sizeof ci);
	{
		const char *w_argv[] = { worker, "--config", conf, "-d", ci, "--worker-id", "demo", NULL };

		if ((st = demo_svc_spawn(d, "worker", w_argv, err)) != OMS_OK)
			goto fail;
	}
	/* A worker that stops at once (its configuration, the database) is
	 * said now rather than found out when a refund stays "not sent". */
	for (int i = 0; i < 5; i++) {
		struct timespec ts = { 0, 100 * 1000 * 1000 };

		nanosleep(&ts, NULL);
	}
	if (demo_svc_pid(d, "worker") <= 0) {
		st = oms_fail(err, OMS_IO, "oms-worker stopped at once; see %s/worker.log", d->svc);
		goto fail;
	}
	return OMS_OK;
fail:
	demo_services_stop(d);
	return st;
}

/* The terminal client the demo opens buys labels from the demo's carrier
 * aggregator (the fake, when it runs): its [carrier] settings are added to
 * the configuration read (oms.conf kept whole), each unless oms.conf sets
 * it; an oms.conf that names an aggregator (base_url) is left as it is. */
static void
demo_client_carrier(struct demo *d, struct oms_ctx *ctx)
{
	static const char *const keys[][2] = {
		{ "base_url", NULL }, { "api_key", DEMO_CARRIER_KEY }, { "allow_insecure_loopback", "yes" },
		{ "from_street", "1 Warehouse Way" }, { "from_city", "Memphis" }, { "from_zip", "38118" },
	};
	char port_path[1200], url[64], *text = NULL, *all;
	const char *path = ctx->cfg ? config_path(ctx->cfg) : NULL;
	struct oms_config *cfg;
	struct oms_error err = { 0 };
	size_t len = 0, cap;
	long port;
	FILE *f;

	if (ctx->cfg && config_get(ctx->cfg, "carrier", "base_url", NULL))
		return;
	demo_svc_path(d, "carrier", "port", port_path, sizeof port_path);
	if (demo_svc_pid(d, "carrier") <= 0 || !(port = demo_wait_port(port_path)))
		return;
	snprintf(url, sizeof url, "http://127.0.0.1:%ld", port);
	if (path && (f = fopen(path, "r"))) {
		char buf[4096];
		size_t n;

		while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
			char *t = realloc(text, len + n + 1);

			if (!t)
				break;
			text = t;
			memcpy(text + len, buf, n);
			len += n;
		}
		fclose(f);
	}
	cap = len + 1024;
	if (!(all = malloc(cap))) {
		free(text);
		return;
	}
	snprintf(all, cap, "%.*s\n[carrier]\n", (int)len, text ? text : "");
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (!ctx->cfg || !config_get(ctx->cfg, "carrier", keys[i][0], NULL))
			snprintf(all + strlen(all), cap - strlen(all), "%s = %s\n", keys[i][0],
				 keys[i][1] ? keys[i][1] : url);
	free(text);
	if ((cfg = config_parse(all, strlen(all), path ? path : "oms demo", &err))) {
		config_free(ctx->cfg);
		ctx->cfg = cfg;
	} else {
		log_warn("the demo's carrier aggregator is not given to the client: %s", err.msg);
	}
	free(all);
}

/* ---------------------------------------------------------------------------
 * oms demo --mail: the mails the fake relay accepted, oldest first. */

static int
demo_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static int
demo_b64val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Decodes RFC 2047 encoded words (=?UTF-8?B?...?= and =?UTF-8?Q?...?=) of
 * a header value in place; the white space between two encoded words goes.
 * Control characters become '?'. */
static void
demo_decode_header(char *s)
{
	char *out = s, *p = s, *last_word_end = NULL;

	while (*p) {
		char *q, *enc, *text, *end;

		if (p[0] == '=' && p[1] == '?' && (q = strchr(p + 2, '?')) && (q[1] == 'B' || q[1] == 'b' ||
		    q[1] == 'Q' || q[1] == 'q') && q[2] == '?' && (end = strstr(q + 3, "?="))) {
			enc = q + 1;
			text = q + 3;
			if (last_word_end) {
				/* only white space since the last encoded word */
				out = last_word_end;
			}
			if (*enc == 'B' || *enc == 'b') {
				unsigned acc = 0;
				int bits = 0;

				for (char *t = text; t < end; t++) {
					int v = demo_b64val((unsigned char)*t);

					if (v < 0)
						continue;
					acc = (acc << 6) | (unsigned)v;
					bits += 6;
					if (bits >= 8) {
						bits -= 8;
						*out++ = (char)((acc >> bits) & 0xff);
					}
				}
			} else {
				for (char *t = text; t < end; t++) {
					int hi, lo;

					if (*t == '_')
						*out++ = ' ';
					else if (*t == '=' && t + 2 < end &&
						 (hi = demo_hexval((unsigned char)t[1])) >= 0 &&
						 (lo = demo_hexval((unsigned char)t[2])) >= 0) {
						*out++ = (char)(hi * 16 + lo);
						t += 2;
					} else
						*out++ = *t;
				}
			}
			p = end + 2;
			last_word_end = out;
			continue;
		}
		if (*p != ' ' && *p != '\t')
			last_word_end = NULL;
		*out++ = *p++;
	}
	*out = '\0';
	for (unsigned char *c = (unsigned char *)s; *c; c++)
		if (*c < 0x20 || *c == 0x7f)
			*c = '?';
}

/* One header's value (unfolded, decoded) of a message file. */
static void
demo_mail_header(FILE *f, const char *name, char *buf, size_t len)
{
	char line[2048];
	size_t nl = strlen(name), o = 0;
	bool in = false;

	buf[0] = '\0';
	rewind(f);
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (!line[0])
			break;          /* the end of the headers */
		if (in && (line[0] == ' ' || line[0] == '\t')) {
			o += (size_t)snprintf(buf + o, o < len ? len - o : 0, "%s", line);
			if (o >= len)
				o = len - 1;
			continue;
		}
		if (in)
			break;
		if (!strncasecmp(line, name, nl) && line[nl] == ':') {
			const char *v = line + nl + 1;

			while (*v == ' ' || *v == '\t')
				v++;
			o = (size_t)snprintf(buf, len, "%s", v);
			if (o >= len)
				o = len - 1;
			in = true;
		}
	}
	demo_decode_header(buf);
}

static int
demo_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names in dir matching a suffix ("" for directories), or NULL. */
static char **
demo_list_dir(const char *dir, const char *suffix, size_t *count)
{
	DIR *dp = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0;

	*count = 0;
	if (!dp)
		return NULL;
	while ((e = readdir(dp))) {
		size_t l = strlen(e->d_name), sl = strlen(suffix);

		if (e->d_name[0] == '.' || l <= sl || strcmp(e->d_name + l - sl, suffix))
			continue;
		if (n == cap) {
			char **nn = realloc(names, (cap = cap ? cap * 2 : 16) * sizeof *names);

			if (!nn)
				break;
			names = nn;
		}
		if (!(names[n] = strdup(e->d_name)))
			break;
		n++;
	}
	closedir(dp);
	if (n)
		qsort(names, n, sizeof *names, demo_cmp);
	*count = n;
	return names;
}

static void
demo_free_list(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* One byte of a mail's text: control characters (a terminal's escape
 * sequences in a customer's name) as '?'. */
static void
demo_putc(int c)
{
	putchar((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f ? '?' : c);
}

/* Prints a mail as a person reads it: From, To, Date, Subject (decoded),
 * then its text/plain part, quoted-printable or base64 decoded. */
static void
demo_print_mail(FILE *f)
{
	static const char *const heads[] = { "From", "To", "Date", "Subject" };
	char value[1024], ctype[1024], boundary[256] = "", cte[64], line[2048];
	bool multipart, in_text = false, in_headers = true, qp = false, b64 = false;
	unsigned acc = 0;
	int bits = 0;

	for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++) {
		demo_mail_header(f, heads[i], value, sizeof value);
		printf("%s: %s\n", heads[i], value);
	}
	putchar('\n');
	demo_mail_header(f, "Content-Type", ctype, sizeof ctype);
	demo_mail_header(f, "Content-Transfer-Encoding", cte, sizeof cte);
	multipart = !strncasecmp(ctype, "multipart/", 10);
	if (multipart) {
		const char *b = strstr(ctype, "boundary=");

		if (b) {
			b += 9;
			if (*b == '"')
				b++;
			snprintf(boundary, sizeof boundary, "--%.*s", (int)strcspn(b, "\";"), b);
		}
	} else {
		in_text = true;
		qp = !strcasecmp(cte, "quoted-printable");
		b64 = !strcasecmp(cte, "base64");
	}
	rewind(f);
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (in_headers) {       /* the message's headers, shown above */
			in_headers = line[0] != '\0';
			continue;
		}
		if (multipart && boundary[0] && !strncmp(line, boundary, strlen(boundary))) {
			char part[2048] = "";

			if (in_text)
				break;  /* the text part is over */
			/* a part's headers: is it the text? */
			qp = b64 = false;
			while (fgets(line, sizeof line, f)) {
				line[strcspn(line, "\r\n")] = '\0';
				if (!line[0])
					break;
				if (!strncasecmp(line, "Content-Type:", 13))
					snprintf(part, sizeof part, "%s", line + 13);
				else if (!strncasecmp(line, "Content-Transfer-Encoding:", 26)) {
					qp = strstr(line + 26, "quoted-printable") != NULL;
					b64 = strstr(line + 26, "base64") != NULL;
				}
			}
			in_text = strstr(part, "text/plain") != NULL;
			continue;
		}
		if (!in_text)
			continue;
		if (b64) {
			for (char *t = line; *t; t++) {
				int v = demo_b64val((unsigned char)*t);

				if (v < 0)
					continue;
				acc = (acc << 6) | (unsigned)v;
				bits += 6;
				if (bits >= 8) {
					bits -= 8;
					demo_putc((int)((acc >> bits) & 0xff));
				}
			}
			continue;
		}
		if (qp) {
			size_t n = strlen(line);
			bool soft = n > 0 && line[n - 1] == '=';

			for (size_t i = 0; i < n - (soft ? 1 : 0); i++) {
				int hi, lo;

				if (line[i] == '=' && i + 2 < n && (hi = demo_hexval((unsigned char)line[i + 1])) >= 0 &&
				    (lo = demo_hexval((unsigned char)line[i + 2])) >= 0) {
					demo_putc(hi * 16 + lo);
					i += 2;
				} else
					demo_putc((unsigned char)line[i]);
			}
			if (!soft)
				putchar('\n');
			continue;
		}
		for (char *t = line; *t; t++)
			demo_putc((unsigned char)*t);
		putchar('\n');
	}
}

/* `oms demo --mail`: one line a mail (date, recipient, subject);
 * `oms demo --mail N`: mail N as the relay received it. */
static int
demo_show_mail(struct demo *d, const char *which)
{
	size_t nruns, shown = 0;
	char **runs = demo_list_dir(d->mail, "", &nruns);
	long want = 0;
	int rc = 0;

	if (which) {
		char *end;

		want = strtol(which, &end, 10);
		if (*end || want <= 0) {
			fprintf(stderr, "oms demo: --mail %s: not a mail number\n", which);
			demo_free_list(runs, nruns);
			return 2;
		}
	}
	for (size_t r = 0; r < nruns && rc == 0; r++) {
		char dir[1400];
		size_t nmails;
		char **mails;

		snprintf(dir, sizeof dir, "%s/%s", d->mail, runs[r]);
		mails = demo_list_dir(dir, ".eml", &nmails);
		for (size_t m = 0; m < nmails; m++) {
			char path[1800], date[256], to[512], subject[1024];
			FILE *f;

			shown++;
			if (want && (long)shown != want)
				continue;
			snprintf(path, sizeof path, "%s/%s", dir, mails[m]);
			if (!(f = fopen(path, "r")))
				continue;
			if (want) {
				demo_print_mail(f);
				fclose(f);
				rc = -1;
				break;
			}
			demo_mail_header(f, "Date", date, sizeof date);
			demo_mail_header(f, "To", to, sizeof to);
			demo_mail_header(f, "Subject", subject, sizeof subject);
			fclose(f);
			printf("%4zu  %s\n      To: %s\n      Subject: %s\n", shown, date, to, subject);
		}
		demo_free_list(mails, nmails);
	}
	demo_free_list(runs, nruns);
	if (rc == -1)
		return 0;
	if (want) {
		fprintf(stderr, "oms demo: there is no mail %ld (%zu sent)\n", want, shown);
		return 1;
	}
	if (shown == 0)
		printf("no mail sent yet (mail sent by oms-worker in the demo is kept in %s)\n", d->mail);
	else
		printf("%zu mail%s; oms demo --mail N shows one\n", shown, shown == 1 ? "" : "s");
	return 0;
}

const char demo_usage_text[] =
	"oms demo [--reset] [--stop] [--scale tiny|default|full] [--anchor now|TIME]\n"
	"                [--as csr|fulfilment|analyst|admin] [--print-conninfo] [--no-worker]\n"
	"       oms demo --mail [N]";
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
		{ "no-worker", no_argument, NULL, 'n' },
		{ "mail", no_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	bool reset = false, stop = false, print = false, no_worker = false, mail = false;
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
		case 'n': no_worker = true; break;
		case 'm': mail = true; break;
		default:  return usage_error(ctx->progname, demo_usage_text, "demo");
		}
	}
	/* --mail N: the one mail */
	if ((optind < argc && !(mail && optind + 1 == argc)) || (scale && !demo_in(scale, demo_scales, 3)) ||
	    !(demo_in(role, demo_roles, 4) || (print && !strcmp(role, "postgres")))) {
		if (optind < argc && !(mail && optind + 1 == argc))
			fprintf(stderr, "%s demo: unexpected argument '%s'\n", ctx->progname,
				argv[mail ? argc - 1 : optind]);
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
	if (mail)
		return demo_show_mail(&d, optind < argc ? argv[optind] : NULL);
	snprintf(user, sizeof user, "%s%s", strcmp(role, "postgres") ? "demo_" : "", role);
	/* --print-conninfo prints only the connection string on stdout (for
	 * $(oms demo --print-conninfo)); creating the demo says so on stderr. */
	if (print)
		d.out = stderr;
	if (stop || reset) {
		demo_services_stop(&d);
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
	if (no_worker)
		demo_services_stop(&d);
	else if (demo_services_start(&d, &err) != OMS_OK)
		log_warn("the demo runs without oms-worker: %s", err.msg);

	demo_conninfo(&d, "oms", user, ci, sizeof ci);
	if (print) {
		puts(ci);
		return 0;
	}
	if (!(ctx->db = db_open(ci, &err))) {
		log_error("%s", err.msg);
		return 3;
	}
	ctx->conninfo = ci;
	if (!no_worker)
		demo_client_carrier(&d, ctx);
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
