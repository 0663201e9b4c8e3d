#include "config.h"

#include <libpq-fe.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "log.h"

#define DB_MAX_LISTEN 8
#define DB_PREP_MAX 128         /* prepared statements per session, at most */
#define DB_SEEN 256             /* texts sent once, remembered by hash */

/* A statement prepared in this session (named oms_<id>). */
struct db_prep {
	uint64_t hash;
	char *sql;
	unsigned id;
};

/* What db_send has in flight, when it is a prepared statement: first
 * being prepared (then executed), or executed. */
enum db_stage { DB_STAGE_PLAIN, DB_STAGE_PREPARING, DB_STAGE_EXECUTING };

struct db {
	PGconn *conn;
	bool busy;              /* a db_send is in flight */
	bool resetting;         /* between db_reset_start and DB_DONE/FAILED */
	PGresult *pending;      /* result of the query in flight, kept until done */
	char *listen[DB_MAX_LISTEN];   /* re-issued after a reconnect */
	int nlisten;
	/* Prepared statements: only on a direct connection (db_direct) */
	enum { DB_DIRECT_UNKNOWN, DB_DIRECT_YES, DB_DIRECT_NO } direct;
	struct db_prep prep[DB_PREP_MAX];
	int nprep;
	unsigned next_id;
	uint64_t seen[DB_SEEN];        /* hashes of texts sent once (0: none) */
	unsigned seen_next;
	/* db_send's prepared statement in flight and a copy of its parameters
	 * (to execute it once prepared, or to send it again unnamed) */
	enum db_stage stage;
	int slot;
	int nparams;
	char **params;
};

struct db_result {
	PGresult *res;
};

/* Server notices (e.g. "schema already exists, skipping") would land on
 * stderr, under curses; they are diagnostics, so they go to the debug log. */
static void
db_notice(void *arg, const char *message)
{
	size_t n = strlen(message);

	while (n > 0 && message[n - 1] == '\n')
		n--;
	log_debug("server: %.*s", (int)n, message);
}

/* libpq's own messages are multi-line ("connection to server on socket ...
 * failed: FATAL:  role ... does not exist", then hints); the status line has
 * room for one, and the first line carries the gist. They never contain
 * the password. */
static void
db_copy_conn_error(PGconn *conn, char *out, size_t outlen)
{
	const char *msg = conn ? PQerrorMessage(conn) : NULL;
	size_t o = 0;

	if (!msg || !*msg)
		msg = conn ? "unknown error" : "out of memory";
	while (*msg == '\n' || *msg == ' ' || *msg == '\t')
		msg++;
	while (*msg && *msg != '\n' && o + 1 < outlen) {
		/* Severity prefixes are noise in a one-line message. */
		if (!strncmp(msg, "FATAL:  ", 8) || !strncmp(msg, "ERROR:  ", 8)) {
			msg += 8;
			continue;
		}
		out[o++] = *msg++;
	}
	out[o] = '\0';
}

static enum oms_status
db_map_sqlstate(const char *ss)
{
	if (!ss || strlen(ss) != 5)
		return OMS_DB;
	if (!strcmp(ss, "P0002"))
		return OMS_NOT_FOUND;
	if (!strcmp(ss, "42501"))
		return OMS_DENIED;
	if (!strcmp(ss, "OM001"))
		return OMS_RULE;
	if (!strcmp(ss, "OM002"))
		return OMS_CONFLICT;
	if (!strcmp(ss, "57014"))
		return OMS_CANCELLED;
	/* 40001 serialization failure, 40P01 deadlock, 55P03 lock not
	 * available (lock_timeout, NOWAIT): the transaction was rolled back,
	 * nothing happened, and the same request may simply be sent again. */
	if (!strcmp(ss, "40001") || !strcmp(ss, "40P01") || !strcmp(ss, "55P03"))
		return OMS_RETRY;
	/* 25006: read-only transaction (a standby after failover, or
	 * default_transaction_read_only). */
	if (!strcmp(ss, "25006"))
		return OMS_READ_ONLY;
	if (!strncmp(ss, "22", 2) || !strncmp(ss, "23", 2))
		return OMS_INVALID;
	/* 08: connection exception; 57P01..57P03: the server is shutting down
	 * or not accepting connections; both mean "reconnect". */
	if (!strncmp(ss, "08", 2) || !strncmp(ss, "57P0", 4))
		return OMS_DB_GONE;
	return OMS_DB;
}

/* DETAIL when it is one JSON object of ours (it starts with '{' after
 * blanks: anything else PostgreSQL writes there may quote row values),
 * and HINT, both cut to their buffers. */
static void
db_keep_detail(const PGresult *res, struct oms_error *err)
{
	const char *detail = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
	const char *hint = PQresultErrorField(res, PG_DIAG_MESSAGE_HINT);

	if (detail) {
		while (*detail == ' ' || *detail == '\n' || *detail == '\t')
			detail++;
		if (*detail == '{')
			snprintf(err->detail, sizeof err->detail, "%s", detail);
	}
	if (hint)
		snprintf(err->hint, sizeof err->hint, "%s", hint);
}

/* Fills err from a failed result (or from the connection when res is NULL,
 * e.g. the socket died) and returns the status. */
static enum oms_status
db_fail_result(struct db *db, const PGresult *res, struct oms_error *err)
{
	const char *ss = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	enum oms_status st = db_map_sqlstate(ss);
	char msg[512];

	if (!ss && (!db->conn || PQstatus(db->conn) == CONNECTION_BAD))
		st = OMS_DB_GONE;
	if (primary)
		snprintf(msg, sizeof msg, "%s", primary);
	else
		db_copy_conn_error(db->conn, msg, sizeof msg);
	oms_fail(err, st, "%s", msg);
	if (err && ss)
		snprintf(err->sqlstate, sizeof err->sqlstate, "%s", ss);
	if (err && res)
		db_keep_detail(res, err);
	return st;
}

static bool
db_result_ok(const PGresult *res)
{
	ExecStatusType s = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;

	return s == PGRES_TUPLES_OK || s == PGRES_COMMAND_OK || s == PGRES_EMPTY_QUERY;
}

/* --- prepared statements ------------------------------------------------------
 *
 * On a direct connection every statement sent a second time (the same
 * text) is prepared, named oms_<n>, and from then on executed by name: the
 * server no longer parses and plans our SELECT ... FROM oms_api.f($1, ...)
 * on every call (a fifth of a CSR lookup's server time at 16 clients;
 * issue 14). Through a pooler in transaction mode a session's prepared
 * statement may be on another server connection at the next transaction,
 * so there every statement stays unnamed, as before: a pooler answers
 * with its own process id (cancel key), not the server's, which is how a
 * direct connection is told from a pooled one. OMS_DB_PREPARE=off turns
 * preparing off anywhere. A text sent once is not prepared (one-off
 * statements would only fill the session), and at most DB_PREP_MAX are. */

static uint64_t
db_hash(const char *s)
{
	uint64_t h = 14695981039346656037u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}

static void
db_prep_forget_all(struct db *db)
{
	for (int i = 0; i < db->nprep; i++)
		free(db->prep[i].sql);
	db->nprep = 0;
}

/* Takes the slot out of the cache (its server-side statement, if any, is
 * left to the session: never used again). */
static void
db_prep_forget(struct db *db, int slot)
{
	if (slot < 0 || slot >= db->nprep)
		return;
	free(db->prep[slot].sql);
	db->prep[slot] = db->prep[--db->nprep];
}

static void
db_prep_name(const struct db *db, int slot, char *out, size_t len)
{
	snprintf(out, len, "oms_%u", db->prep[slot].id);
}

/* A new session: nothing prepared, and whether it is direct is found out
 * when a text is first sent again (a command that sends each statement
 * once, as most `oms` subcommands do, never asks). */
static void
db_prep_reset(struct db *db)
{
	const char *env = getenv("OMS_DB_PREPARE");

	db_prep_forget_all(db);
	db->direct = env && !strcmp(env, "off") ? DB_DIRECT_NO : DB_DIRECT_UNKNOWN;
}

/* Direct connection or pooler: see above. One query, once per session
 * (again later if it fails: in an aborted transaction, say). */
static bool
db_direct(struct db *db)
{
	PGresult *res;

	if (db->direct != DB_DIRECT_UNKNOWN)
		return db->direct == DB_DIRECT_YES;
	res = PQexec(db->conn, "SELECT pg_backend_pid()");
	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1) {
		db->direct = atoi(PQgetvalue(res, 0, 0)) == PQbackendPID(db->conn) ? DB_DIRECT_YES : DB_DIRECT_NO;
		log_debug("database: %s", db->direct == DB_DIRECT_YES ? "direct connection, statements prepared"
								    : "pooled connection, statements unnamed");
	}
	PQclear(res);
	return db->direct == DB_DIRECT_YES;
}

/* The slot of sql's prepared statement, or -1 to send it unnamed. *fresh:
 * the slot is new and must be prepared before it is executed (if that
 * fails, the caller forgets it). */
static int
db_prep_slot(struct db *db, const char *sql, bool *fresh)
{
	uint64_t h;
	int i;
	char *copy;

	*fresh = false;
	if (db->direct == DB_DIRECT_NO)
		return -1;
	h = db_hash(sql);
	for (i = 0; i < db->nprep; i++)
		if (db->prep[i].hash == h && !strcmp(db->prep[i].sql, sql))
			return i;
	/* Sent before? The last DB_SEEN texts sent once are remembered, the
	 * oldest forgotten first (a scan of 2 KB, against a round trip). */
	for (i = 0; i < DB_SEEN && db->seen[i] != h; i++)
		;
	if (i == DB_SEEN) {
		db->seen[db->seen_next++ % DB_SEEN] = h;   /* the first time: unnamed */
		return -1;
	}
	if (!db_direct(db) || db->nprep == DB_PREP_MAX || !(copy = strdup(sql)))
		return -1;
	db->prep[db->nprep] = (struct db_prep){ .hash = h, .sql = copy, .id = ++db->next_id };
	*fresh = true;
	return db->nprep++;
}

/* An error that says the prepared statement itself is out of date: its
 * result's columns changed under it (a migration: "cached plan must not
 * change result type"), or it is gone from the session. Nothing ran. */
static bool
db_prep_stale(const PGresult *res)
{
	const char *ss = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;

	return ss && (!strcmp(ss, "0A000") || !strcmp(ss, "26000"));
}

static void
db_free_params(struct db *db)
{
	for (int i = 0; i < db->nparams; i++)
		free(db->params[i]);
	free(db->params);
	db->params = NULL;
	db->nparams = 0;
}

static bool
db_keep_params(struct db *db, int nparams, const char *const *params)
{
	db_free_params(db);
	if (nparams <= 0)
		return true;
	if (!(db->params = calloc((size_t)nparams, sizeof *db->params)))
		return false;
	db->nparams = nparams;
	for (int i = 0; i < nparams; i++)
		if (params[i] && !(db->params[i] = strdup(params[i])))
			return false;
	return true;
}

struct db *
db_open(const char *conninfo, struct oms_error *err)
{
	/* expand_dbname lets "dbname" carry a whole conninfo string or URI;
	 * fallback_application_name names us in pg_stat_activity unless the
	 * user set application_name. */
	const char *keys[] = { "dbname", "fallback_application_name", NULL };
	const char *vals[] = { conninfo && *conninfo ? conninfo : NULL, "oms", NULL };
	struct db *db = calloc(1, sizeof *db);
	char msg[512];

	if (!db) {
		oms_fail(err, OMS_NOMEM, "out of memory");
		return NULL;
	}
	if (!vals[0]) {
		/* A NULL dbname would end the list early; skip the entry. */
		keys[0] = "fallback_application_name";
		vals[0] = "oms";
		keys[1] = vals[1] = NULL;
	}
	db->conn = PQconnectdbParams(keys, vals, 1);
	if (!db->conn || PQstatus(db->conn) != CONNECTION_OK) {
		db_copy_conn_error(db->conn, msg, sizeof msg);
		oms_fail(err, OMS_DB, "cannot connect to the database: %s", msg);
		db_close(db);     /* PQfinish even on failure: it frees the PGconn */
		return NULL;
	}
	PQsetNoticeProcessor(db->conn, db_notice, NULL);
	db_prep_reset(db);
	return db;
}

void
db_close(struct db *db)
{
	if (!db)
		return;
	if (db->pending)
		PQclear(db->pending);
	if (db->conn)
		PQfinish(db->conn);
	for (int i = 0; i < db->nlisten; i++)
		free(db->listen[i]);
	db_prep_forget_all(db);
	db_free_params(db);
	free(db);
}

bool
db_ok(const struct db *db)
{
	return db && db->conn && !db->resetting && PQstatus(db->conn) == CONNECTION_OK;
}

const char *
db_user(const struct db *db)
{
	const char *u = db && db->conn ? PQuser(db->conn) : NULL;

	return u ? u : "";
}

const char *
db_name(const struct db *db)
{
	const char *d = db && db->conn ? PQdb(db->conn) : NULL;

	return d ? d : "";
}

static enum oms_status
db_check_idle(struct db *db, struct oms_error *err)
{
	if (!db || !db->conn)
		return oms_fail(err, OMS_DB_GONE, "not connected to the database");
	if (db->busy)
		return oms_fail(err, OMS_DB, "another query is still running");
	if (db->resetting || PQstatus(db->conn) != CONNECTION_OK)
		return oms_fail(err, OMS_DB_GONE, "the database connection is lost; reconnecting");
	return OMS_OK;
}

static struct db_result *
db_wrap(PGresult *res, struct oms_error *err)
{
	struct db_result *r = malloc(sizeof *r);

	if (!r) {
		PQclear(res);
		oms_fail(err, OMS_NOMEM, "out of memory");
		return NULL;
	}
	r->res = res;
	return r;
}

struct db_result *
db_query(struct db *db, const char *sql, int nparams, const char *const *params,
	 struct oms_error *err)
{
	PGresult *res;

	int slot;
	bool fresh;
	char name[32];

	if (db_check_idle(db, err) != OMS_OK)
		return NULL;
	/* Extended protocol: parameters never get spliced into SQL. Prepared
	 * on a direct connection, unnamed through a pooler (see above). */
	slot = db_prep_slot(db, sql, &fresh);
	if (slot >= 0) {
		db_prep_name(db, slot, name, sizeof name);
		if (fresh) {
			res = PQprepare(db->conn, name, sql, nparams, NULL);
			if (!db_result_ok(res)) {
				db_prep_forget(db, slot);
				db_fail_result(db, res, err);
				PQclear(res);
				return NULL;
			}
			PQclear(res);
		}
		res = PQexecPrepared(db->conn, name, nparams, params, NULL, NULL, 0);
		if (db_prep_stale(res) && PQtransactionStatus(db->conn) == PQTRANS_IDLE) {
			/* nothing ran and no transaction is open: the same, unnamed */
			PQclear(res);
			db_prep_forget(db, slot);
			res = PQexecParams(db->conn, sql, nparams, NULL, params, NULL, NULL, 0);
		}
	} else {
		res = PQexecParams(db->conn, sql, nparams, NULL, params, NULL, NULL, 0);
	}
	if (!db_result_ok(res)) {
		db_fail_result(db, res, err);
		PQclear(res);
		return NULL;
	}
	return db_wrap(res, err);
}

enum oms_status
db_exec(struct db *db, const char *sql, int nparams, const char *const *params,
	struct oms_error *err)
{
	struct db_result *r = db_query(db, sql, nparams, params, err);

	if (!r)
		return err ? err->status : OMS_DB;
	db_result_free(r);
	return OMS_OK;
}

enum oms_status
db_exec_script(struct db *db, const char *sql, struct oms_error *err)
{
	enum oms_status st;
	PGresult *res;

	if ((st = db_check_idle(db, err)) != OMS_OK)
		return st;
	/* PQexec (simple protocol) is the one way to send several statements
	 * at once; it returns the last result, or the first error. */
	res = PQexec(db->conn, sql);
	st = db_result_ok(res) ? OMS_OK : db_fail_result(db, res, err);
	PQclear(res);
	return st;
}

int
db_rows(const struct db_result *r)
{
	return r ? PQntuples(r->res) : 0;
}

int
db_cols(const struct db_result *r)
{
	return r ? PQnfields(r->res) : 0;
}

const char *
db_colname(const struct db_result *r, int col)
{
	const char *n = r ? PQfname(r->res, col) : NULL;

	return n ? n : "";
}

int
db_colnum(const struct db_result *r, const char *name)
{
	return r ? PQfnumber(r->res, name) : -1;
}

static bool
db_in_range(const struct db_result *r, int row, int col)
{
	return r && row >= 0 && col >= 0 && row < PQntuples(r->res) && col < PQnfields(r->res);
}

const char *
db_get(const struct db_result *r, int row, int col)
{
	return db_in_range(r, row, col) ? PQgetvalue(r->res, row, col) : "";
}

bool
db_isnull(const struct db_result *r, int row, int col)
{
	return !db_in_range(r, row, col) || PQgetisnull(r->res, row, col);
}

long long
db_get_ll(const struct db_result *r, int row, int col)
{
	return db_isnull(r, row, col) ? 0 : strtoll(db_get(r, row, col), NULL, 10);
}

void
db_result_free(struct db_result *r)
{
	if (!r)
		return;
	PQclear(r->res);
	free(r);
}

int
db_socket(const struct db *db)
{
	return db && db->conn ? PQsocket(db->conn) : -1;
}

enum oms_status
db_send(struct db *db, const char *sql, int nparams, const char *const *params,
	struct oms_error *err)
{
	enum oms_status st;

	int slot, ok;
	bool fresh;
	char name[32];

	if ((st = db_check_idle(db, err)) != OMS_OK)
		return st;
	/* The send itself may block if the kernel buffer is full; our queries
	 * are a few hundred bytes, so only the wait for the answer is async.
	 * A statement prepared for the first time is prepared here and
	 * executed by db_poll once the server has it (two round trips, once
	 * per session); its parameters are kept for that, and to send it
	 * again unnamed if it turns out stale (db_prep_stale). */
	slot = db_prep_slot(db, sql, &fresh);
	if (slot >= 0 && !db_keep_params(db, nparams, params)) {
		db_free_params(db);
		if (fresh)
			db_prep_forget(db, slot);
		slot = -1;
	}
	if (slot >= 0) {
		db_prep_name(db, slot, name, sizeof name);
		if (fresh)
			ok = PQsendPrepare(db->conn, name, sql, nparams, NULL);
		else
			ok = PQsendQueryPrepared(db->conn, name, nparams,
						 (const char *const *)db->params, NULL, NULL, 0);
		if (!ok) {
			if (fresh)
				db_prep_forget(db, slot);
			db_free_params(db);
			return db_fail_result(db, NULL, err);
		}
		db->stage = fresh ? DB_STAGE_PREPARING : DB_STAGE_EXECUTING;
		db->slot = slot;
	} else if (!PQsendQueryParams(db->conn, sql, nparams, NULL, params, NULL, NULL, 0)) {
		return db_fail_result(db, NULL, err);
	}
	db->busy = true;
	return OMS_OK;
}

/* db_poll's next step after a prepared statement's part ended with done:
 * true when it sent the next part (the statement, by name once prepared,
 * or unnamed when stale), and the query goes on. */
static bool
db_stage_next(struct db *db, const PGresult *done)
{
	enum db_stage stage = db->stage;
	char name[32];
	int ok;

	db->stage = DB_STAGE_PLAIN;
	if (stage == DB_STAGE_PREPARING) {
		if (!db_result_ok(done)) {
			db_prep_forget(db, db->slot);
			return false;
		}
		db_prep_name(db, db->slot, name, sizeof name);
		ok = PQsendQueryPrepared(db->conn, name, db->nparams,
					 (const char *const *)db->params, NULL, NULL, 0);
		db->stage = DB_STAGE_EXECUTING;
		return ok;
	}
	if (stage == DB_STAGE_EXECUTING && db_prep_stale(done) &&
	    PQtransactionStatus(db->conn) == PQTRANS_IDLE) {
		char *sql = db->prep[db->slot].sql;

		db->prep[db->slot].sql = NULL;
		db_prep_forget(db, db->slot);
		ok = PQsendQueryParams(db->conn, sql, db->nparams, NULL,
				       (const char *const *)db->params, NULL, NULL, 0);
		free(sql);
		return ok;
	}
	return false;
}

static void
db_finish_query(struct db *db)
{
	db->busy = false;
	db->stage = DB_STAGE_PLAIN;
	db_free_params(db);
	if (db->pending) {
		PQclear(db->pending);
		db->pending = NULL;
	}
}

enum db_poll_state
db_poll(struct db *db, struct db_result **out, struct oms_error *err)
{
	if (out)
		*out = NULL;
	if (!db || !db->busy)
		return DB_IDLE;
	if (!PQconsumeInput(db->conn)) {
		db_fail_result(db, NULL, err);
		if (err && err->status != OMS_DB_GONE && PQstatus(db->conn) == CONNECTION_BAD)
			err->status = OMS_DB_GONE;
		db_finish_query(db);
		return DB_FAILED;
	}
	while (!PQisBusy(db->conn)) {
		PGresult *res = PQgetResult(db->conn);

		if (!res) {
			/* The query is over: hand over its (first) result. */
			PGresult *done = db->pending;
			enum db_poll_state ps;

			db->pending = NULL;
			if (db->stage != DB_STAGE_PLAIN && done) {
				enum db_stage was = db->stage;

				if (db_stage_next(db, done)) {
					PQclear(done);
					continue;       /* the next part is on its way */
				}
				if (was == DB_STAGE_PREPARING && db_result_ok(done)) {
					/* prepared, but the statement could not be sent */
					PQclear(done);
					db_fail_result(db, NULL, err);
					db_finish_query(db);
					return DB_FAILED;
				}
			}
			db->busy = false;
			db->stage = DB_STAGE_PLAIN;
			db_free_params(db);
			if (!done) {
				oms_fail(err, OMS_DB, "the server sent no result");
				return DB_FAILED;
			}
			if (!db_result_ok(done)) {
				db_fail_result(db, done, err);
				PQclear(done);
				return DB_FAILED;
			}
			if (!out) {
				PQclear(done);
				return DB_DONE;
			}
			*out = db_wrap(done, err);
			ps = *out ? DB_DONE : DB_FAILED;
			return ps;
		}
		/* Keep the first result, or the first error if one follows. */
		if (!db->pending || (db_result_ok(db->pending) && !db_result_ok(res))) {
			if (db->pending)
				PQclear(db->pending);
			db->pending = res;
		} else {
			PQclear(res);
		}
	}
	return DB_BUSY;
}

bool
db_busy(const struct db *db)
{
	return db && db->busy;
}

void
db_cancel(struct db *db)
{
	PGcancel *c;
	char errbuf[256];

	if (!db || !db->conn || !db->busy)
		return;
	/* PQcancel opens a separate short connection; the query then ends with
	 * SQLSTATE 57014, which db_poll reports as OMS_CANCELLED. */
	if (!(c = PQgetCancel(db->conn)))
		return;
	if (!PQcancel(c, errbuf, sizeof errbuf))
		log_warn("cannot cancel the query: %s", errbuf);
	PQfreeCancel(c);
}

enum oms_status
db_reset_start(struct db *db, struct oms_error *err)
{
	if (!db || !db->conn)
		return oms_fail(err, OMS_DB_GONE, "not connected to the database");
	db_finish_query(db);
	if (!PQresetStart(db->conn)) {
		db->resetting = false;
		return db_fail_result(db, NULL, err);
	}
	db->resetting = true;
	return OMS_OK;
}

/* LISTEN lives in the session, so a new session must ask again. */
static enum oms_status
db_relisten(struct db *db, struct oms_error *err)
{
	for (int i = 0; i < db->nlisten; i++) {
		char *id = PQescapeIdentifier(db->conn, db->listen[i], strlen(db->listen[i]));
		char sql[256];
		enum oms_status st;

		if (!id)
			return db_fail_result(db, NULL, err);
		snprintf(sql, sizeof sql, "LISTEN %s", id);
		PQfreemem(id);
		if ((st = db_exec_script(db, sql, err)) != OMS_OK)
			return st;
	}
	return OMS_OK;
}

enum db_poll_state
db_reset_poll(struct db *db, bool *want_write, struct oms_error *err)
{
	if (want_write)
		*want_write = false;
	if (!db || !db->conn || !db->resetting)
		return db_ok(db) ? DB_DONE : DB_FAILED;
	switch (PQresetPoll(db->conn)) {
	case PGRES_POLLING_READING:
		return DB_BUSY;
	case PGRES_POLLING_WRITING:
		if (want_write)
			*want_write = true;
		return DB_BUSY;
	case PGRES_POLLING_OK:
		db->resetting = false;
		PQsetNoticeProcessor(db->conn, db_notice, NULL);
		db_prep_reset(db);
		return db_relisten(db, err) == OMS_OK ? DB_DONE : DB_FAILED;
	case PGRES_POLLING_FAILED:
	default:
		db->resetting = false;
		db_fail_result(db, NULL, err);
		if (err)
			err->status = OMS_DB_GONE;
		return DB_FAILED;
	}
}

enum oms_status
db_listen(struct db *db, const char *channel, struct oms_error *err)
{
	enum oms_status st;
	char *id, *copy, sql[256];

	if ((st = db_check_idle(db, err)) != OMS_OK)
		return st;
	if (!channel || !*channel || strlen(channel) > 63)
		return oms_fail(err, OMS_INVALID, "invalid channel name");
	for (int i = 0; i < db->nlisten; i++)
		if (!strcmp(db->listen[i], channel))
			return OMS_OK;
	if (db->nlisten == DB_MAX_LISTEN)
		return oms_fail(err, OMS_INVALID, "too many channels");
	if (!(id = PQescapeIdentifier(db->conn, channel, strlen(channel))))
		return db_fail_result(db, NULL, err);
	snprintf(sql, sizeof sql, "LISTEN %s", id);
	PQfreemem(id);
	if ((st = db_exec_script(db, sql, err)) != OMS_OK)
		return st;
	if (!(copy = strdup(channel)))
		return oms_fail(err, OMS_NOMEM, "out of memory");
	db->listen[db->nlisten++] = copy;
	return OMS_OK;
}

bool
db_notification(struct db *db, char *channel, size_t chlen, char *payload, size_t plen)
{
	PGnotify *n;

	if (!db || !db->conn || db->resetting)
		return false;
	/* Read the socket only when idle. While a query is in flight, db_poll
	 * is the one reader: if this read took in the query's answer, the
	 * caller's poll() would wait on a socket with nothing more to come and
	 * the answer would sit in libpq's buffer. Notifications that arrived
	 * with an answer are buffered all the same and returned below. */
	if (!db->busy && !PQconsumeInput(db->conn))
		return false;
	if (!(n = PQnotifies(db->conn)))
		return false;
	snprintf(channel, chlen, "%s", n->relname);
	snprintf(payload, plen, "%s", n->extra ? n->extra : "");
	PQfreemem(n);
	return true;
}

/* --- streaming ---------------------------------------------------------------- */

struct db_stream {
	struct db *db;
	struct db_result row;       /* the current one-row (or final) result */
	bool over;
};

/* The open stream's cancel object, for db_stream_cancel_signal. */
static PGcancel *volatile stream_cancel;
static volatile sig_atomic_t stream_cancel_ready;

struct db_stream *
db_stream_open(struct db *db, const char *sql, int nparams, const char *const *params,
	       struct oms_error *err)
{
	struct db_stream *s;

	if (db_check_idle(db, err) != OMS_OK)
		return NULL;
	if (!(s = calloc(1, sizeof *s))) {
		oms_fail(err, OMS_NOMEM, "out of memory");
		return NULL;
	}
	s->db = db;
	if (!PQsendQueryParams(db->conn, sql, nparams, NULL, params, NULL, NULL, 0)) {
		db_fail_result(db, NULL, err);
		free(s);
		return NULL;
	}
	/* one row per PGresult: libpq never holds the whole result */
	if (!PQsetSingleRowMode(db->conn))
		log_warn("single-row mode refused: the result is read whole");
	db->busy = true;
	stream_cancel_ready = 0;
	stream_cancel = PQgetCancel(db->conn);
	stream_cancel_ready = stream_cancel != NULL;
	return s;
}

/* Reads what is left of the query (after an error or a cancel). */
static void
stream_drain(struct db_stream *s)
{
	PGresult *res;

	while ((res = PQgetResult(s->db->conn)))
		PQclear(res);
	s->over = true;
	s->db->busy = false;
}

int
db_stream_next(struct db_stream *s, const struct db_result **row, struct oms_error *err)
{
	PGresult *res;

	*row = NULL;
	PQclear(s->row.res);
	s->row.res = NULL;
	if (s->over)
		return 0;
	if (!(res = PQgetResult(s->db->conn))) {
		s->over = true;
		s->db->busy = false;
		return 0;
	}
	switch (PQresultStatus(res)) {
	case PGRES_SINGLE_TUPLE:
		s->row.res = res;
		*row = &s->row;
		return 1;
	case PGRES_TUPLES_OK:
	case PGRES_COMMAND_OK:
		/* the end: zero rows, the columns' names */
		s->row.res = res;
		*row = &s->row;
		stream_drain(s);
		return 1;
	default:
		db_fail_result(s->db, res, err);
		PQclear(res);
		stream_drain(s);
		return -1;
	}
}

void
db_stream_close(struct db_stream *s)
{
	PGcancel *c;

	if (!s)
		return;
	stream_cancel_ready = 0;
	c = stream_cancel;
	stream_cancel = NULL;
	if (!s->over && c) {
		char errbuf[256];

		if (!PQcancel(c, errbuf, sizeof errbuf))
			log_warn("cannot cancel the query: %s", errbuf);
	}
	if (c)
		PQfreeCancel(c);
	PQclear(s->row.res);
	if (!s->over)
		stream_drain(s);
	free(s);
}

void
db_stream_cancel_signal(void)
{
	char errbuf[256];

	/* PQcancel is async-signal-safe with a cancel object made before */
	if (stream_cancel_ready && stream_cancel)
		(void)PQcancel(stream_cancel, errbuf, sizeof errbuf);
}
