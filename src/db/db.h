/* The only interface to PostgreSQL. Nothing outside src/db includes libpq.
 *
 * Connections are made with the usual libpq means (a conninfo string or URI,
 * PGSERVICE, PG* variables) and fallback_application_name "oms". Works through
 * PgBouncer in transaction mode: no session state but LISTEN. On a direct
 * connection a statement sent a second time is prepared (protocol level,
 * oms_<n>) and executed by name; through a pooler every statement is sent
 * unnamed (PQsendQueryParams). db.c says how the two are told apart.
 *
 * Errors from the server are mapped to oms_status by SQLSTATE:
 *   P0002 -> OMS_NOT_FOUND, 42501 -> OMS_DENIED, 22xxx/23xxx -> OMS_INVALID,
 *   OM001 -> OMS_RULE, OM002 -> OMS_CONFLICT, 57014 -> OMS_CANCELLED,
 *   08xxx or a dead connection -> OMS_DB_GONE, anything else -> OMS_DB.
 * The message kept is the server's primary message (our SQL functions write
 * them for people, e.g. "BR-014: only PENDING or CONFIRMED orders can be
 * cancelled"), never the query text or its parameters; with it the HINT,
 * and the DETAIL when it is a JSON object (our refusals' facts: rule id,
 * amounts, limits), which the client words refusals from. */
#ifndef OMS_DB_H
#define OMS_DB_H

#include <stdbool.h>
#include "status.h"

struct db;
struct db_result;

/* Blocking connect. conninfo may be NULL or "" (then libpq's environment
 * defaults apply). */
struct db *db_open(const char *conninfo, struct oms_error *err);
void db_close(struct db *db);
bool db_ok(const struct db *db);
/* user name of the connection, server version, database name */
const char *db_user(const struct db *db);
const char *db_name(const struct db *db);

/* Synchronous query with text parameters (NULL entry = SQL NULL).
 * Returns NULL and fills err on failure. */
struct db_result *db_query(struct db *db, const char *sql, int nparams,
			   const char *const *params, struct oms_error *err);
/* Runs a statement, discards rows; returns the status. */
enum oms_status db_exec(struct db *db, const char *sql, int nparams,
			const char *const *params, struct oms_error *err);
/* Runs a script of several statements (simple protocol, no parameters). */
enum oms_status db_exec_script(struct db *db, const char *sql, struct oms_error *err);

int db_rows(const struct db_result *r);
int db_cols(const struct db_result *r);
const char *db_colname(const struct db_result *r, int col);
int db_colnum(const struct db_result *r, const char *name);      /* -1 if absent */
const char *db_get(const struct db_result *r, int row, int col);  /* "" for NULL */
bool db_isnull(const struct db_result *r, int row, int col);
long long db_get_ll(const struct db_result *r, int row, int col);
void db_result_free(struct db_result *r);

/* Streaming a large result (single-row mode, like psql's FETCH_COUNT):
 * memory stays that of one row however many rows come. One stream at a
 * time per connection; nothing else may be sent until it is closed.
 * db_stream_next returns 1 with *row a result of one row, or, once, of
 * zero rows at the end (it still names the columns, so an empty list can
 * be checked and given a header); valid until the next call. It returns 0
 * when the stream is over and -1 on an error (err filled; a cancelled
 * stream is OMS_CANCELLED). */
struct db_stream;
struct db_stream *db_stream_open(struct db *db, const char *sql, int nparams,
				 const char *const *params, struct oms_error *err);
int db_stream_next(struct db_stream *s, const struct db_result **row, struct oms_error *err);
/* Ends the stream (a stream not read to its end is cancelled first). */
void db_stream_close(struct db_stream *s);
/* Asks the server to cancel the open stream's query. Safe in a signal
 * handler (PQcancel with a cancel object made when the stream opened);
 * does nothing when no stream is open. */
void db_stream_cancel_signal(void);

/* Asynchronous use by the event loop (one query in flight per connection). */
int db_socket(const struct db *db);                    /* -1 when not connected */
enum oms_status db_send(struct db *db, const char *sql, int nparams,
			const char *const *params, struct oms_error *err);
enum db_poll_state { DB_IDLE, DB_BUSY, DB_DONE, DB_FAILED };
/* Call when the socket is readable (or to check): reads input and, when the
 * query has finished, hands its result over (*out, caller frees) and returns
 * DB_DONE; DB_FAILED fills err. */
enum db_poll_state db_poll(struct db *db, struct db_result **out, struct oms_error *err);
bool db_busy(const struct db *db);
/* Asks the server to cancel the query in flight (PQcancel). */
void db_cancel(struct db *db);

/* Reconnect without blocking: db_reset_start, then call db_reset_poll when
 * db_socket() is ready until it returns DB_DONE (connected) or DB_FAILED. */
enum oms_status db_reset_start(struct db *db, struct oms_error *err);
enum db_poll_state db_reset_poll(struct db *db, bool *want_write, struct oms_error *err);

/* LISTEN on a channel (direct connection only) and fetch notifications. */
enum oms_status db_listen(struct db *db, const char *channel, struct oms_error *err);
/* Returns true and copies the channel/payload of one pending notification. */
bool db_notification(struct db *db, char *channel, size_t chlen, char *payload, size_t plen);

#endif
