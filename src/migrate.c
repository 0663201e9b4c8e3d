#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db/db.h"
#include "log.h"
#include "migrate.h"
#include "sql/migrations.h"

/* Session advisory lock taken while migrating, so two `oms migrate` runs
 * (two admins, or a deploy script run twice) never apply the same file at
 * once. The key is arbitrary but fixed: "oms" in ASCII. Needs a direct
 * connection, not PgBouncer in transaction mode. */
#define MIGRATE_LOCK_KEY "7302515"

/* What the database says was applied. */
struct applied {
	int n;
	struct db_result *res;     /* version, name, checksum, applied_at */
};

int
migrate_newest(void)
{
	int newest = 0;

	for (int i = 0; i < oms_migrations_count; i++)
		if (oms_migrations[i].version > newest)
			newest = oms_migrations[i].version;
	return newest;
}

static enum oms_status
migrate_load_applied(struct db *db, struct applied *a, struct oms_error *err)
{
	struct db_result *r;
	bool exists;

	a->n = 0;
	a->res = NULL;
	r = db_query(db, "SELECT to_regclass('oms.schema_migrations') IS NOT NULL", 0, NULL, err);
	if (!r)
		return err->status;
	exists = !strcmp(db_get(r, 0, 0), "t");
	db_result_free(r);
	if (!exists)
		return OMS_OK;
	a->res = db_query(db, "SELECT version, name, checksum, "
			  "to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') "
			  "FROM oms.schema_migrations ORDER BY version", 0, NULL, err);
	if (!a->res)
		return err->status;
	a->n = db_rows(a->res);
	return OMS_OK;
}

/* What oms.schema_definitions (sql/0017) says about the area files; n = 0
 * before 0017 is applied. */
static enum oms_status
migrate_load_definitions(struct db *db, struct applied *d, struct oms_error *err)
{
	struct db_result *r;
	bool exists;

	d->n = 0;
	d->res = NULL;
	r = db_query(db, "SELECT to_regclass('oms.schema_definitions') IS NOT NULL", 0, NULL, err);
	if (!r)
		return err->status;
	exists = !strcmp(db_get(r, 0, 0), "t");
	db_result_free(r);
	if (!exists)
		return OMS_OK;
	d->res = db_query(db, "SELECT name, checksum, "
			  "to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') "
			  "FROM oms.schema_definitions ORDER BY name", 0, NULL, err);
	if (!d->res)
		return err->status;
	d->n = db_rows(d->res);
	return OMS_OK;
}

static int
definition_find(const struct applied *d, const char *name)
{
	for (int i = 0; i < d->n; i++)
		if (!strcmp(db_get(d->res, i, 0), name))
			return i;
	return -1;
}

static int
applied_find(const struct applied *a, int version)
{
	for (int i = 0; i < a->n; i++)
		if (db_get_ll(a->res, i, 0) == version)
			return i;
	return -1;
}

static int
applied_max(const struct applied *a)
{
	return a->n ? (int)db_get_ll(a->res, a->n - 1, 0) : 0;
}

/* The checksum is md5 of the file's text, computed by the server so the
 * runner and a DBA checking by hand (`SELECT md5(...)`) agree. */
static enum oms_status
migrate_checksum(struct db *db, const char *sql, char out[33], struct oms_error *err)
{
	const char *params[] = { sql };
	struct db_result *r = db_query(db, "SELECT md5($1)", 1, params, err);

	if (!r)
		return err->status;
	snprintf(out, 33, "%s", db_get(r, 0, 0));
	db_result_free(r);
	return OMS_OK;
}

static enum oms_status
migrate_check_binary(struct oms_error *err)
{
	for (int i = 1; i < oms_migrations_count; i++)
		if (oms_migrations[i].version <= oms_migrations[i - 1].version)
			return oms_fail(err, OMS_SCHEMA, "migrations compiled in are out of order "
					"(%04d after %04d); this is a build bug",
					oms_migrations[i].version, oms_migrations[i - 1].version);
	return OMS_OK;
}

static enum oms_status
migrate_check_newer(const struct applied *a, struct oms_error *err)
{
	int newest = migrate_newest(), have = applied_max(a);

	if (have > newest)
		return oms_fail(err, OMS_SCHEMA,
				"the database schema is at version %04d, newer than this oms knows "
				"(%04d); use a newer oms, nothing was changed", have, newest);
	return OMS_OK;
}

static enum oms_status
migrate_lock(struct db *db, FILE *out, struct oms_error *err)
{
	struct db_result *r = db_query(db, "SELECT pg_try_advisory_lock(" MIGRATE_LOCK_KEY ")",
				       0, NULL, err);
	bool got;

	if (!r)
		return err->status;
	got = !strcmp(db_get(r, 0, 0), "t");
	db_result_free(r);
	if (got)
		return OMS_OK;
	if (out) {
		fprintf(out, "waiting for another oms migrate to finish...\n");
		fflush(out);
	}
	return db_exec(db, "SELECT pg_advisory_lock(" MIGRATE_LOCK_KEY ")", 0, NULL, err);
}

static void
migrate_unlock(struct db *db)
{
	struct oms_error ignore;

	db_exec(db, "SELECT pg_advisory_unlock(" MIGRATE_LOCK_KEY ")", 0, NULL, &ignore);
}

static enum oms_status
migrate_bootstrap(struct db *db, struct oms_error *err)
{
	return db_exec_script(db,
		"CREATE SCHEMA IF NOT EXISTS oms;"
		"CREATE TABLE IF NOT EXISTS oms.schema_migrations ("
		" version int PRIMARY KEY,"
		" name text NOT NULL,"
		" checksum text NOT NULL,"
		" applied_at timestamptz NOT NULL DEFAULT now())", err);
}

static double
elapsed_ms(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

/* BEGIN; the file; the bookkeeping row; COMMIT. A failure rolls back the
 * whole file, so a half-applied migration never exists. */
static enum oms_status
migrate_one(struct db *db, const struct oms_migration *m, struct oms_error *err)
{
	char version[16];
	const char *params[3] = { version, m->name, m->sql };
	enum oms_status st;

	snprintf(version, sizeof version, "%d", m->version);
	if ((st = db_exec_script(db, "BEGIN", err)) != OMS_OK)
		return st;
	if ((st = db_exec_script(db, m->sql, err)) == OMS_OK)
		st = db_exec(db, "INSERT INTO oms.schema_migrations (version, name, checksum) "
			     "VALUES ($1::int, $2, md5($3))", 3, params, err);
	if (st == OMS_OK)
		st = db_exec_script(db, "COMMIT", err);
	if (st != OMS_OK) {
		struct oms_error ignore;
		char msg[sizeof err->msg];

		if (st != OMS_DB_GONE)
			db_exec_script(db, "ROLLBACK", &ignore);
		snprintf(msg, sizeof msg, "%s", err->msg);
		oms_fail(err, st == OMS_DB_GONE ? st : OMS_DB, "migration %04d %s failed: %s",
			 m->version, m->name, msg);
	}
	return st == OMS_OK ? OMS_OK : err->status;
}

/* BEGIN; the area file; its bookkeeping row; COMMIT. */
static enum oms_status
migrate_definition_one(struct db *db, const struct oms_definition *d, struct oms_error *err)
{
	const char *params[2] = { d->name, d->sql };
	enum oms_status st;

	if ((st = db_exec_script(db, "BEGIN", err)) != OMS_OK)
		return st;
	if ((st = db_exec_script(db, d->sql, err)) == OMS_OK)
		st = db_exec(db, "INSERT INTO oms.schema_definitions (name, checksum) VALUES ($1, md5($2)) "
			     "ON CONFLICT (name) DO UPDATE SET checksum = EXCLUDED.checksum, "
			     "applied_at = now()", 2, params, err);
	if (st == OMS_OK)
		st = db_exec_script(db, "COMMIT", err);
	if (st != OMS_OK) {
		struct oms_error ignore;
		char msg[sizeof err->msg];

		if (st != OMS_DB_GONE)
			db_exec_script(db, "ROLLBACK", &ignore);
		snprintf(msg, sizeof msg, "%s", err->msg);
		oms_fail(err, st == OMS_DB_GONE ? st : OMS_DB, "sql/functions/%s.sql failed: %s",
			 d->name, msg);
	}
	return st == OMS_OK ? OMS_OK : err->status;
}

/* The area files (functions and views) after the numbered migrations: each
 * one whose text differs from what was recorded, or every one when a
 * numbered migration was just applied (a table change may have dropped a
 * view, or changed what a function reads). *done counts the files applied. */
static enum oms_status
migrate_definitions(struct db *db, FILE *out, bool all, int *done, struct oms_error *err)
{
	struct applied d = { 0, NULL };
	enum oms_status st;

	*done = 0;
	if ((st = migrate_load_definitions(db, &d, err)) != OMS_OK)
		return st;
	for (int i = 0; i < oms_definitions_count && st == OMS_OK; i++) {
		const struct oms_definition *def = &oms_definitions[i];
		int row = definition_find(&d, def->name);
		struct timespec t0;
		char sum[33];

		if (!all && row >= 0) {
			if ((st = migrate_checksum(db, def->sql, sum, err)) != OMS_OK)
				break;
			if (!strcmp(sum, db_get(d.res, row, 1)))
				continue;
		}
		if (out) {
			fprintf(out, "applying sql/functions/%s.sql... ", def->name);
			fflush(out);
		}
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if ((st = migrate_definition_one(db, def, err)) != OMS_OK) {
			if (out)
				fprintf(out, "failed\n");
			break;
		}
		if (out)
			fprintf(out, "done (%.0f ms)\n", elapsed_ms(&t0));
		(*done)++;
	}
	db_result_free(d.res);
	return st;
}

static enum oms_status
migrate_run(struct db *db, FILE *out, struct applied *a, struct oms_error *err)
{
	enum oms_status st;
	int done = 0, defs = 0;

	if ((st = migrate_check_newer(a, err)) != OMS_OK)
		return st;
	if (!a->res && (st = migrate_bootstrap(db, err)) != OMS_OK)
		return st;
	for (int i = 0; i < oms_migrations_count; i++) {
		const struct oms_migration *m = &oms_migrations[i];
		int row = applied_find(a, m->version);
		struct timespec t0;

		if (row >= 0) {
			char sum[33];

			/* Warn, do not refuse: an edited comment or whitespace in an
			 * applied file must not block every later deploy, but the
			 * admin should know the database did not get the new text. */
			if ((st = migrate_checksum(db, m->sql, sum, err)) != OMS_OK)
				return st;
			if (strcmp(sum, db_get(a->res, row, 2)))
				log_warn("migration %04d %s changed after it was applied "
					 "(checksum differs); it is not applied again",
					 m->version, m->name);
			continue;
		}
		if (out) {
			fprintf(out, "applying %04d %s... ", m->version, m->name);
			fflush(out);
		}
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if ((st = migrate_one(db, m, err)) != OMS_OK) {
			if (out)
				fprintf(out, "failed\n");
			return st;
		}
		if (out)
			fprintf(out, "done (%.0f ms)\n", elapsed_ms(&t0));
		done++;
	}
	if ((st = migrate_definitions(db, out, done > 0, &defs, err)) != OMS_OK)
		return st;
	if (out) {
		if (done)
			fprintf(out, "applied %d migration%s; schema at version %04d\n",
				done, done == 1 ? "" : "s", migrate_newest());
		if (defs)
			fprintf(out, "applied %d of %d function and view file%s\n",
				defs, oms_definitions_count, oms_definitions_count == 1 ? "" : "s");
		if (!done && !defs)
			fprintf(out, "schema is up to date (version %04d)\n", applied_max(a));
	}
	return OMS_OK;
}

/* oms.session_limit applied to every staff login (connection limit and
 * timeouts per group, sql/0014). Every run, so that logins added since the
 * last one get theirs. A migrator without CREATEROLE gets a warning: the
 * schema is still up to date. */
static void
migrate_session_limits(struct db *db, FILE *out)
{
	struct oms_error e;
	struct db_result *r;

	oms_error_clear(&e);
	r = db_query(db, "SELECT oms.apply_session_limits()", 0, NULL, &e);
	if (!r) {
		log_warn("session limits not applied (%s); run SELECT oms.apply_session_limits() "
			 "as a superuser", e.msg);
		return;
	}
	if (out)
		fprintf(out, "session limits applied to %s staff login(s)\n", db_get(r, 0, 0));
	db_result_free(r);
}

enum oms_status
migrate_apply(struct db *db, FILE *out, struct oms_error *err)
{
	struct applied a = { 0, NULL };
	enum oms_status st;

	if ((st = migrate_check_binary(err)) != OMS_OK)
		return st;
	if ((st = migrate_lock(db, out, err)) != OMS_OK)
		return st;
	/* Read what is applied only once we hold the lock: another migrator
	 * may just have finished. */
	if ((st = migrate_load_applied(db, &a, err)) == OMS_OK)
		st = migrate_run(db, out, &a, err);
	db_result_free(a.res);
	if (st == OMS_OK)
		migrate_session_limits(db, out);
	if (st != OMS_DB_GONE)
		migrate_unlock(db);
	return st;
}

/* The area files: applied (the recorded checksum is this file's), changed
 * (the next `oms migrate` applies this text) or pending (never applied). */
static enum oms_status
migrate_print_definitions(struct db *db, FILE *out, struct oms_error *err)
{
	struct applied d = { 0, NULL };
	enum oms_status st;
	int todo = 0;

	if ((st = migrate_load_definitions(db, &d, err)) != OMS_OK)
		return st;
	fprintf(out, "\n%-39s  %-8s  %s\n", "FUNCTIONS AND VIEWS", "STATE", "APPLIED AT (UTC)");
	for (int i = 0; i < oms_definitions_count; i++) {
		const struct oms_definition *def = &oms_definitions[i];
		int row = definition_find(&d, def->name);
		const char *state = "pending";
		char path[64 + 20], sum[33];

		if (row >= 0) {
			if ((st = migrate_checksum(db, def->sql, sum, err)) != OMS_OK)
				goto out;
			state = strcmp(sum, db_get(d.res, row, 1)) ? "changed" : "applied";
		}
		if (strcmp(state, "applied"))
			todo++;
		snprintf(path, sizeof path, "sql/functions/%.64s.sql", def->name);
		fprintf(out, "%-39s  %-8s  %s\n", path, state, row >= 0 ? db_get(d.res, row, 2) : "");
	}
	for (int i = 0; i < d.n; i++) {
		bool known = false;

		for (int j = 0; j < oms_definitions_count && !known; j++)
			known = !strcmp(oms_definitions[j].name, db_get(d.res, i, 0));
		if (!known)
			fprintf(out, "sql/functions/%-25s  %-8s  %s\n", db_get(d.res, i, 0), "unknown",
				db_get(d.res, i, 2));
	}
	fprintf(out, "%d of %d function and view files to apply\n", todo, oms_definitions_count);
out:
	db_result_free(d.res);
	return st;
}

enum oms_status
migrate_print_status(struct db *db, FILE *out, struct oms_error *err)
{
	struct applied a = { 0, NULL };
	enum oms_status st;
	int pending = 0;

	if ((st = migrate_load_applied(db, &a, err)) != OMS_OK)
		return st;
	fprintf(out, "%-7s  %-30s  %-8s  %s\n", "VERSION", "NAME", "STATE", "APPLIED AT (UTC)");
	for (int i = 0; i < oms_migrations_count; i++) {
		const struct oms_migration *m = &oms_migrations[i];
		int row = applied_find(&a, m->version);
		const char *state = "pending";
		char sum[33];

		if (row >= 0) {
			if ((st = migrate_checksum(db, m->sql, sum, err)) != OMS_OK)
				goto out;
			state = strcmp(sum, db_get(a.res, row, 2)) ? "changed" : "applied";
		} else {
			pending++;
		}
		fprintf(out, "%04d     %-30s  %-8s  %s\n", m->version, m->name, state,
			row >= 0 ? db_get(a.res, row, 3) : "");
	}
	/* Rows the binary does not know: a newer oms migrated this database. */
	for (int i = 0; i < a.n; i++) {
		long long v = db_get_ll(a.res, i, 0);
		bool known = false;

		for (int j = 0; j < oms_migrations_count && !known; j++)
			known = oms_migrations[j].version == v;
		if (!known)
			fprintf(out, "%04lld     %-30s  %-8s  %s\n", v, db_get(a.res, i, 1), "unknown",
				db_get(a.res, i, 3));
	}
	fprintf(out, "%d applied, %d pending; this oms knows up to %04d\n",
		a.n, pending, migrate_newest());
	if (applied_max(&a) > migrate_newest())
		fprintf(out, "the database is newer than this oms: use a newer oms\n");
	st = migrate_print_definitions(db, out, err);
out:
	db_result_free(a.res);
	return st;
}

const char migrate_usage_text[] = "oms migrate [--status] [-d CONNINFO]";

/* A usage error: the usage line; the help is the registry's (oms migrate --help). */
static int
migrate_usage_error(const char *progname)
{
	fprintf(stderr, "usage: %s\nRun '%s migrate --help' for the options.\n", migrate_usage_text,
		progname);
	return 2;
}

int
migrate_main(struct oms_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "status", no_argument, NULL, 's' },
		{ "dbname", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	const char *conninfo = ctx->conninfo;
	bool status = false;
	struct oms_error err;
	struct db *db;
	enum oms_status st;
	int c;

#ifdef __GLIBC__
	optind = 0;     /* full reset: main already ran getopt */
#else
	optind = 1;
#endif
	while ((c = getopt_long(argc, argv, "d:", opts, NULL)) != -1) {
		switch (c) {
		case 's': status = true; break;
		case 'd': conninfo = optarg; break;
		default:  return migrate_usage_error(ctx->progname);
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%s migrate: unexpected argument '%s'\n", ctx->progname, argv[optind]);
		return migrate_usage_error(ctx->progname);
	}
	oms_error_clear(&err);
	if (!(db = db_open(conninfo, &err))) {
		log_error("%s", err.msg);
		return 3;
	}
	st = status ? migrate_print_status(db, stdout, &err) : migrate_apply(db, stdout, &err);
	db_close(db);
	if (st != OMS_OK) {
		log_error("%s", err.msg);
		return 3;
	}
	return 0;
}
