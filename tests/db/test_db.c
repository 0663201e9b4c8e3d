/* The db layer against a real server (started by tests/db/db.test):
 * queries with parameters, the SQLSTATE -> oms_status mapping, the
 * asynchronous send/poll/cancel path the event loop uses, notifications,
 * and reconnecting after the server restarts. Connection from PG* env. */
#include "config.h"

#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "db/db.h"
#include "log.h"

static int
setup(void **state)
{
	struct oms_error err;
	struct db *db = db_open(NULL, &err);

	if (!db) {
		print_error("cannot connect: %s\n", err.msg);
		return -1;
	}
	*state = db;
	return 0;
}

static int
teardown(void **state)
{
	db_close(*state);
	return 0;
}

static double
now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Drives db_poll the way the event loop does: poll() on the socket. */
static enum db_poll_state
wait_result(struct db *db, struct db_result **out, struct oms_error *err, double limit)
{
	double end = now_s() + limit;
	enum db_poll_state ps;

	while ((ps = db_poll(db, out, err)) == DB_BUSY && now_s() < end) {
		struct pollfd p = { .fd = db_socket(db), .events = POLLIN };

		poll(&p, 1, 100);
	}
	return ps;
}

static void
test_open_and_names(void **state)
{
	struct db *db = *state;
	struct oms_error err;
	struct db_result *r;

	assert_true(db_ok(db));
	assert_string_equal(db_name(db), getenv("PGDATABASE"));
	assert_string_equal(db_user(db), getenv("PGUSER"));
	r = db_query(db, "SELECT current_setting('application_name')", 0, NULL, &err);
	assert_non_null(r);
	assert_string_equal(db_get(r, 0, 0), "oms");
	db_result_free(r);
}

static void
test_query_params(void **state)
{
	struct db *db = *state;
	const char *params[] = { "41", NULL, "it's; DROP TABLE x --" };
	struct oms_error err;
	struct db_result *r;

	r = db_query(db, "SELECT $1::int + 1 AS answer, $2::text AS nothing, $3::text AS text, "
		     "g FROM generate_series(1, 3) g", 3, params, &err);
	assert_non_null(r);
	assert_int_equal(db_rows(r), 3);
	assert_int_equal(db_cols(r), 4);
	assert_string_equal(db_colname(r, 0), "answer");
	assert_int_equal(db_colnum(r, "text"), 2);
	assert_int_equal(db_colnum(r, "absent"), -1);
	assert_int_equal(db_get_ll(r, 0, 0), 42);
	assert_true(db_isnull(r, 0, 1));
	assert_string_equal(db_get(r, 0, 1), "");
	assert_false(db_isnull(r, 0, 2));
	assert_string_equal(db_get(r, 0, 2), "it's; DROP TABLE x --");
	assert_int_equal(db_get_ll(r, 2, 3), 3);
	/* out of range is harmless */
	assert_string_equal(db_get(r, 99, 0), "");
	assert_string_equal(db_get(r, 0, 99), "");
	assert_true(db_isnull(r, -1, 0));
	db_result_free(r);

	assert_int_equal(db_exec(db, "SELECT 1", 0, NULL, &err), OMS_OK);
	assert_int_equal(db_exec_script(db, "CREATE TEMP TABLE t(a int); INSERT INTO t VALUES (1),(2);"
					"DROP TABLE t", &err), OMS_OK);
}

struct mapping {
	const char *sql;
	enum oms_status status;
	const char *sqlstate;
	const char *msg;
};

static void
test_error_mapping(void **state)
{
	static const struct mapping cases[] = {
		{ "DO $$BEGIN RAISE SQLSTATE 'OM001' USING MESSAGE = 'BR-014: only PENDING or CONFIRMED "
		  "orders can be cancelled (this one is SHIPPED)'; END$$", OMS_RULE, "OM001",
		  "BR-014: only PENDING or CONFIRMED orders can be cancelled (this one is SHIPPED)" },
		{ "DO $$BEGIN RAISE SQLSTATE 'OM002' USING MESSAGE = 'order 100000017 is already cancelled'; END$$",
		  OMS_CONFLICT, "OM002", "order 100000017 is already cancelled" },
		{ "DO $$BEGIN RAISE SQLSTATE 'P0002' USING MESSAGE = 'no such order'; END$$",
		  OMS_NOT_FOUND, "P0002", "no such order" },
		{ "DO $$BEGIN RAISE SQLSTATE '42501' USING MESSAGE = 'not for csr'; END$$",
		  OMS_DENIED, "42501", "not for csr" },
		{ "SELECT 1/0", OMS_INVALID, "22012", "division by zero" },
		{ "SELECT 'x'::int", OMS_INVALID, "22P02", NULL },
		{ "DO $$BEGIN RAISE SQLSTATE '23505' USING MESSAGE = 'dup'; END$$", OMS_INVALID, "23505", "dup" },
		{ "SELECT * FROM no_such_table", OMS_DB, "42P01", "relation \"no_such_table\" does not exist" },
		{ "DO $$BEGIN RAISE SQLSTATE '08006' USING MESSAGE = 'gone'; END$$", OMS_DB_GONE, "08006", "gone" },
		{ "SELEC 1", OMS_DB, "42601", NULL },
	};
	struct db *db = *state;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct oms_error err;

		oms_error_clear(&err);
		assert_null(db_query(db, cases[i].sql, 0, NULL, &err));
		if (err.status != cases[i].status || strcmp(err.sqlstate, cases[i].sqlstate))
			fail_msg("%s: got %s/%s, wanted %s/%s", cases[i].sql, oms_status_name(err.status),
				 err.sqlstate, oms_status_name(cases[i].status), cases[i].sqlstate);
		if (cases[i].msg)
			assert_string_equal(err.msg, cases[i].msg);
		/* the primary message only: never the statement text */
		assert_null(strstr(err.msg, "RAISE"));
		assert_true(db_ok(db));
	}
}

/* DETAIL is kept when it is a JSON object (our refusals' facts) and only
 * then: PostgreSQL's own details quote row values (a unique key's e-mail);
 * HINT is kept; a later success or oms_fail leaves neither behind. */
static void
test_error_detail(void **state)
{
	static const char detail[] = "{\"rule\": \"BR-028\", \"order_no\": 10000007, "
		"\"amount_minor\": 500, \"left_minor\": 123, \"currency\": \"KWD\"}";
	struct db *db = *state;
	struct oms_error err;
	char sql[512];

	snprintf(sql, sizeof sql, "DO $$BEGIN RAISE SQLSTATE 'OM001' USING MESSAGE = 'BR-028: too much', "
		 "DETAIL = '%s', HINT = 'ask for less'; END$$", detail);
	oms_error_clear(&err);
	assert_null(db_query(db, sql, 0, NULL, &err));
	assert_int_equal(err.status, OMS_RULE);
	assert_string_equal(err.msg, "BR-028: too much");
	assert_string_equal(err.detail, detail);
	assert_string_equal(err.hint, "ask for less");

	/* a DETAIL that is no JSON object is dropped (the buffer cleared) */
	assert_null(db_query(db, "DO $$BEGIN RAISE SQLSTATE '23505' USING MESSAGE = 'dup', "
			     "DETAIL = 'Key (email)=(zoe@example.com) already exists.'; END$$", 0, NULL, &err));
	assert_int_equal(err.status, OMS_INVALID);
	assert_string_equal(err.detail, "");
	assert_string_equal(err.hint, "");

	/* a DETAIL longer than the buffer is cut, terminated */
	assert_null(db_query(db, "DO $$BEGIN RAISE SQLSTATE 'OM001' USING MESSAGE = 'long', "
			     "DETAIL = '{\"x\": \"' || repeat('y', 5000) || '\"}'; END$$", 0, NULL, &err));
	assert_int_equal(strlen(err.detail), sizeof err.detail - 1);
	assert_true(db_ok(db));
}

static void
test_async_query(void **state)
{
	struct db *db = *state;
	const char *params[] = { "7" };
	struct oms_error err;
	struct db_result *r = NULL;

	assert_true(db_socket(db) >= 0);
	assert_int_equal(db_poll(db, &r, &err), DB_IDLE);
	assert_int_equal(db_send(db, "SELECT $1::int * 6, pg_sleep(0.2)", 1, params, &err), OMS_OK);
	assert_true(db_busy(db));
	/* one query in flight per connection */
	assert_int_equal(db_send(db, "SELECT 1", 0, NULL, &err), OMS_DB);
	assert_null(db_query(db, "SELECT 1", 0, NULL, &err));
	assert_int_equal(wait_result(db, &r, &err, 10), DB_DONE);
	assert_false(db_busy(db));
	assert_non_null(r);
	assert_int_equal(db_get_ll(r, 0, 0), 42);
	db_result_free(r);

	/* an error arrives through db_poll too */
	assert_int_equal(db_send(db, "SELECT 1/0", 0, NULL, &err), OMS_OK);
	assert_int_equal(wait_result(db, &r, &err, 10), DB_FAILED);
	assert_null(r);
	assert_int_equal(err.status, OMS_INVALID);
	assert_true(db_ok(db));
}

static void
test_async_cancel(void **state)
{
	struct db *db = *state;
	struct oms_error err;
	struct db_result *r = NULL;
	double t0 = now_s();

	assert_int_equal(db_send(db, "SELECT pg_sleep(10)", 0, NULL, &err), OMS_OK);
	assert_int_equal(wait_result(db, &r, &err, 0.3), DB_BUSY);
	db_cancel(db);
	assert_int_equal(wait_result(db, &r, &err, 5), DB_FAILED);
	assert_true(now_s() - t0 < 5);
	assert_int_equal(err.status, OMS_CANCELLED);
	assert_string_equal(err.sqlstate, "57014");
	assert_false(db_busy(db));
	/* the connection is usable afterwards */
	assert_int_equal(db_exec(db, "SELECT 1", 0, NULL, &err), OMS_OK);
}

static void
test_notifications(void **state)
{
	struct db *db = *state;
	struct oms_error err;
	char ch[64], payload[64];

	assert_int_equal(db_listen(db, "oms_order", &err), OMS_OK);
	assert_int_equal(db_listen(db, "oms_order", &err), OMS_OK);
	assert_false(db_notification(db, ch, sizeof ch, payload, sizeof payload));
	assert_int_equal(db_exec(db, "SELECT pg_notify('oms_order', '100000017')", 0, NULL, &err), OMS_OK);
	assert_true(db_notification(db, ch, sizeof ch, payload, sizeof payload));
	assert_string_equal(ch, "oms_order");
	assert_string_equal(payload, "100000017");
	assert_false(db_notification(db, ch, sizeof ch, payload, sizeof payload));
	assert_int_equal(db_listen(db, "", &err), OMS_INVALID);
}

/* Runs the reset handshake as the event loop would. */
static enum db_poll_state
reconnect(struct db *db, struct oms_error *err)
{
	double end = now_s() + 20;
	enum db_poll_state ps;
	bool want_write = false;

	if (db_reset_start(db, err) != OMS_OK)
		return DB_FAILED;
	while ((ps = db_reset_poll(db, &want_write, err)) == DB_BUSY && now_s() < end) {
		struct pollfd p = { .fd = db_socket(db), .events = want_write ? POLLOUT : POLLIN };

		poll(&p, 1, 200);
	}
	return ps;
}

static void
test_reconnect_after_restart(void **state)
{
	struct db *db = *state;
	const char *restart = getenv("OMS_TEST_RESTART");
	struct oms_error err;
	struct db_result *r;
	char ch[64], payload[64];

	if (!restart)
		skip();
	assert_int_equal(system(restart), 0);
	/* the first use finds the old session gone */
	r = db_query(db, "SELECT 1", 0, NULL, &err);
	assert_null(r);
	assert_int_equal(err.status, OMS_DB_GONE);
	assert_false(db_ok(db));
	assert_int_equal(db_query(db, "SELECT 1", 0, NULL, &err) == NULL, true);
	assert_int_equal(err.status, OMS_DB_GONE);

	assert_int_equal(reconnect(db, &err), DB_DONE);
	assert_true(db_ok(db));
	assert_int_equal(db_exec(db, "SELECT 1", 0, NULL, &err), OMS_OK);
	/* LISTEN registrations survive the reconnect */
	assert_int_equal(db_exec(db, "SELECT pg_notify('oms_order', 'again')", 0, NULL, &err), OMS_OK);
	assert_true(db_notification(db, ch, sizeof ch, payload, sizeof payload));
	assert_string_equal(payload, "again");
}

static void
test_async_server_gone(void **state)
{
	struct db *db = *state;
	struct oms_error err;
	struct db_result *r = NULL;
	struct db *killer = db_open(NULL, &err);
	struct db_result *pid = db_query(db, "SELECT pg_backend_pid()::text", 0, NULL, &err);
	const char *params[1];

	assert_non_null(killer);
	assert_non_null(pid);
	params[0] = db_get(pid, 0, 0);
	assert_int_equal(db_send(db, "SELECT pg_sleep(10)", 0, NULL, &err), OMS_OK);
	assert_int_equal(db_exec(killer, "SELECT pg_terminate_backend($1::int)", 1, params, &err), OMS_OK);
	assert_int_equal(wait_result(db, &r, &err, 5), DB_FAILED);
	assert_int_equal(err.status, OMS_DB_GONE);
	assert_false(db_busy(db));
	assert_int_equal(reconnect(db, &err), DB_DONE);
	assert_int_equal(db_exec(db, "SELECT 1", 0, NULL, &err), OMS_OK);
	db_result_free(pid);
	db_close(killer);
}

static void
test_connect_failure_hides_password(void **state)
{
	struct oms_error err;
	struct db *db = db_open("host=/nonexistent-dir port=5999 user=x password=hunter2secret", &err);

	assert_null(db);
	assert_int_equal(err.status, OMS_DB);
	assert_non_null(strstr(err.msg, "cannot connect to the database"));
	assert_null(strstr(err.msg, "hunter2secret"));
	assert_null(strchr(err.msg, '\n'));
}

/* --- prepared statements (a direct connection: this cluster) ----------------- */

/* The first column of the first row of sql, with $1 = param when sql has
 * a parameter. */
static long long
query_ll(struct db *db, const char *sql, const char *param)
{
	const char *params[] = { param };
	struct oms_error err;
	struct db_result *r = db_query(db, sql, strchr(sql, '$') ? 1 : 0, params, &err);
	long long v;

	if (!r)
		fail_msg("%s: %s", sql, err.msg);
	v = db_get_ll(r, 0, 0);
	db_result_free(r);
	return v;
}

/* How many of this session's prepared statements have the text sql. */
static long long
nprepared(struct db *db, const char *sql)
{
	return query_ll(db, "SELECT count(*) FROM pg_prepared_statements WHERE statement = $1", sql);
}

static long long
send_ll(struct db *db, const char *sql, const char *param)
{
	const char *params[] = { param };
	struct oms_error err;
	struct db_result *r = NULL;
	long long v;

	assert_int_equal(db_send(db, sql, strchr(sql, '$') ? 1 : 0, params, &err), OMS_OK);
	if (wait_result(db, &r, &err, 10) != DB_DONE)
		fail_msg("%s: %s", sql, err.msg);
	assert_false(db_busy(db));
	v = db_get_ll(r, 0, 0);
	db_result_free(r);
	return v;
}

/* The second time a text is sent it is prepared, and executed by name from
 * then on; the answers are the same every time. */
static void
test_prepare_sync(void **state)
{
	struct db *db = *state;
	const char *sql = "SELECT $1::int + 1 AS n /* test_prepare_sync */";

	assert_int_equal(query_ll(db, sql, "1"), 2);
	assert_int_equal(nprepared(db, sql), 0);       /* once: unnamed */
	assert_int_equal(query_ll(db, sql, "2"), 3);
	assert_int_equal(nprepared(db, sql), 1);
	for (int i = 0; i < 5; i++)
		assert_int_equal(query_ll(db, sql, "41"), 42);
	assert_int_equal(nprepared(db, sql), 1);       /* and only once */
	assert_true(db_ok(db));
}

/* The same through db_send/db_poll: the first prepared call is prepared
 * and then executed, the parameters kept meanwhile. */
static void
test_prepare_async(void **state)
{
	struct db *db = *state;
	const char *sql = "SELECT length($1::text) /* test_prepare_async */";
	char big[3000];

	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_int_equal(send_ll(db, sql, "abc"), 3);
	assert_int_equal(nprepared(db, sql), 0);
	assert_int_equal(send_ll(db, sql, big), (long long)sizeof big - 1);
	assert_int_equal(nprepared(db, sql), 1);
	assert_int_equal(send_ll(db, sql, "abcd"), 4);
	assert_int_equal(send_ll(db, sql, NULL), 0);   /* a NULL parameter kept as NULL */
	assert_int_equal(nprepared(db, sql), 1);
	/* a text first prepared synchronously is executed by name async */
	assert_int_equal(query_ll(db, "SELECT $1::int * 2 /* both */", "2"), 4);
	assert_int_equal(query_ll(db, "SELECT $1::int * 2 /* both */", "3"), 6);
	assert_int_equal(send_ll(db, "SELECT $1::int * 2 /* both */", "4"), 8);
	assert_int_equal(nprepared(db, "SELECT $1::int * 2 /* both */"), 1);
}

/* A statement that fails to prepare is reported as it would be unnamed,
 * and not kept. */
static void
test_prepare_error(void **state)
{
	struct db *db = *state;
	const char *sql = "SELECT * FROM no_such_table_prepare";
	struct oms_error err;
	struct db_result *r = NULL;

	for (int i = 0; i < 3; i++) {
		memset(&err, 0, sizeof err);
		assert_null(db_query(db, sql, 0, NULL, &err));
		assert_string_equal(err.sqlstate, "42P01");
		memset(&err, 0, sizeof err);
		assert_int_equal(db_send(db, sql, 0, NULL, &err), OMS_OK);
		assert_int_equal(wait_result(db, &r, &err, 10), DB_FAILED);
		assert_string_equal(err.sqlstate, "42P01");
		assert_false(db_busy(db));
	}
	assert_int_equal(nprepared(db, sql), 0);
	assert_true(db_ok(db));
	/* a statement that prepares but fails when run (division by zero for
	 * this parameter) stays prepared and runs again with another */
	sql = "SELECT 10 / $1::int /* test_prepare_error */";
	assert_int_equal(query_ll(db, sql, "5"), 2);
	assert_null(db_query(db, sql, 1, (const char *[]){ "0" }, &err));
	assert_int_equal(err.status, OMS_INVALID);
	assert_int_equal(db_send(db, sql, 1, (const char *[]){ "0" }, &err), OMS_OK);
	assert_int_equal(wait_result(db, &r, &err, 10), DB_FAILED);
	assert_int_equal(err.status, OMS_INVALID);
	assert_int_equal(send_ll(db, sql, "2"), 5);
	assert_int_equal(nprepared(db, sql), 1);
}

/* A migration changes a prepared statement's result columns under it: the
 * server refuses to run it ("cached plan must not change result type");
 * outside a transaction nothing ran, and the statement is sent again
 * unnamed, so the caller sees the new columns, not an error. Inside one
 * the error is the caller's, as any other. */
static void
test_prepare_stale(void **state)
{
	struct db *db = *state;
	const char *sync_sql = "SELECT * FROM prep_stale /* sync */";
	const char *async_sql = "SELECT * FROM prep_stale /* async */";
	struct oms_error err;
	struct db_result *r = NULL;

	assert_int_equal(db_exec_script(db, "DROP TABLE IF EXISTS prep_stale; "
					"CREATE TEMP TABLE prep_stale (a int); INSERT INTO prep_stale VALUES (1)", &err), OMS_OK);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(query_ll(db, sync_sql, NULL), 1);
		assert_int_equal(send_ll(db, async_sql, NULL), 1);
	}
	assert_int_equal(nprepared(db, sync_sql), 1);
	assert_int_equal(nprepared(db, async_sql), 1);
	assert_int_equal(db_exec_script(db, "ALTER TABLE prep_stale ADD COLUMN b int DEFAULT 7", &err), OMS_OK);

	r = db_query(db, sync_sql, 0, NULL, &err);
	assert_non_null(r);
	assert_int_equal(db_cols(r), 2);
	assert_int_equal(db_get_ll(r, 0, 1), 7);
	db_result_free(r);
	assert_int_equal(db_send(db, async_sql, 0, NULL, &err), OMS_OK);
	assert_int_equal(wait_result(db, &r, &err, 10), DB_DONE);
	assert_int_equal(db_cols(r), 2);
	assert_int_equal(db_get_ll(r, 0, 1), 7);
	db_result_free(r);
	/* and prepared again (the stale ones forgotten) on the next sends */
	assert_int_equal(query_ll(db, sync_sql, NULL), 1);
	assert_int_equal(send_ll(db, async_sql, NULL), 1);

	/* in a transaction: the error, not a silent second run */
	assert_int_equal(query_ll(db, sync_sql, NULL), 1);
	assert_int_equal(db_exec_script(db, "BEGIN; ALTER TABLE prep_stale DROP COLUMN b", &err), OMS_OK);
	memset(&err, 0, sizeof err);
	r = db_query(db, sync_sql, 0, NULL, &err);
	assert_null(r);
	assert_string_equal(err.sqlstate, "0A000");
	assert_int_equal(db_exec_script(db, "ROLLBACK", &err), OMS_OK);
	assert_int_equal(db_exec_script(db, "DROP TABLE prep_stale", &err), OMS_OK);
	assert_true(db_ok(db));

	/* gone from the session (DEALLOCATE ALL by someone's script): 26000,
	 * and the same, sent again unnamed, then prepared anew */
	for (int i = 0; i < 2; i++) {
		assert_int_equal(query_ll(db, "SELECT 5 + $1::int /* gone sync */", "1"), 6);
		assert_int_equal(send_ll(db, "SELECT 5 + $1::int /* gone async */", "1"), 6);
	}
	assert_int_equal(db_exec_script(db, "DEALLOCATE ALL", &err), OMS_OK);
	assert_int_equal(query_ll(db, "SELECT 5 + $1::int /* gone sync */", "2"), 7);
	assert_int_equal(send_ll(db, "SELECT 5 + $1::int /* gone async */", "2"), 7);
	assert_int_equal(query_ll(db, "SELECT 5 + $1::int /* gone sync */", "3"), 8);
	assert_int_equal(send_ll(db, "SELECT 5 + $1::int /* gone async */", "3"), 8);
	assert_int_equal(nprepared(db, "SELECT 5 + $1::int /* gone sync */"), 1);
	assert_int_equal(nprepared(db, "SELECT 5 + $1::int /* gone async */"), 1);
}

/* Texts that alternate are prepared on their second sending, whatever
 * their hashes: 120 texts, sent round-robin twice, are all prepared (with
 * the remembered texts kept by hash modulo 256, some of them would share
 * a place and, alternating, never be seen twice). */
static void
test_prepare_alternating(void **state)
{
	struct oms_error err;
	struct db *db = db_open(NULL, &err);
	char sql[64];

	(void)state;
	assert_non_null(db);
	for (int round = 0; round < 2; round++)
		for (int i = 0; i < 120; i++) {
			snprintf(sql, sizeof sql, "SELECT %d * $1::int /* alternating */", i);
			assert_int_equal(query_ll(db, sql, "2"), 2 * i);
		}
	assert_int_equal(query_ll(db, "SELECT count(*) FROM pg_prepared_statements "
				  "WHERE statement LIKE '%alternating%'", NULL), 120);
	db_close(db);
}

/* OMS_DB_PREPARE=off: nothing is prepared. */
static void
test_prepare_off(void **state)
{
	struct oms_error err;
	struct db *db;
	const char *sql = "SELECT $1::int /* test_prepare_off */";

	(void)state;
	setenv("OMS_DB_PREPARE", "off", 1);
	db = db_open(NULL, &err);
	unsetenv("OMS_DB_PREPARE");
	assert_non_null(db);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(query_ll(db, sql, "5"), 5);
		assert_int_equal(send_ll(db, sql, "6"), 6);
	}
	assert_int_equal(query_ll(db, "SELECT count(*) FROM pg_prepared_statements", NULL), 0);
	db_close(db);
}

/* A session prepares at most its share (128), and goes on unnamed. */
static void
test_prepare_bounded(void **state)
{
	struct oms_error err;
	struct db *db = db_open(NULL, &err);
	char sql[64];

	(void)state;
	assert_non_null(db);
	for (int i = 0; i < 200; i++) {
		snprintf(sql, sizeof sql, "SELECT %d + $1::int", i);
		assert_int_equal(query_ll(db, sql, "1"), i + 1);
		assert_int_equal(query_ll(db, sql, "2"), i + 2);
	}
	assert_int_equal(query_ll(db, "SELECT count(*) FROM pg_prepared_statements WHERE statement ~ '^SELECT [0-9]+ [+] .1::int'", NULL), 128);
	assert_int_equal(query_ll(db, "SELECT 199 + $1::int", "3"), 202);
	db_close(db);
}


/* --- through PgBouncer in transaction mode (db.test starts one) --------------
 * Two sessions share one server connection: a session's prepared statement
 * would be there for the other, and a name the other prepared would
 * collide with its own. The pooler's cancel key is not the server's
 * process id, so both send every statement unnamed and all of them work. */
static void
test_pooled_unnamed(void **state)
{
	struct oms_error err;
	struct db *a = db_open(NULL, &err), *b;
	const char *sql = "SELECT $1::int + 100 /* pooled */";

	(void)state;
	assert_non_null(a);
	b = db_open(NULL, &err);
	assert_non_null(b);
	for (int i = 0; i < 6; i++) {
		char v[16];

		snprintf(v, sizeof v, "%d", i);
		assert_int_equal(query_ll(a, sql, v), 100 + i);
		assert_int_equal(query_ll(b, sql, v), 100 + i);
		assert_int_equal(send_ll(a, sql, v), 100 + i);
		assert_int_equal(send_ll(b, sql, v), 100 + i);
		assert_int_equal(query_ll(b, "SELECT $1::int * 3 /* pooled */", v), 3 * i);
		assert_int_equal(send_ll(a, "SELECT $1::int * 3 /* pooled */", v), 3 * i);
	}
	/* the one server connection holds no prepared statement */
	assert_int_equal(query_ll(a, "SELECT count(*) FROM pg_prepared_statements", NULL), 0);
	db_close(a);
	db_close(b);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_and_names),
		cmocka_unit_test(test_query_params),
		cmocka_unit_test(test_error_mapping),
		cmocka_unit_test(test_error_detail),
		cmocka_unit_test(test_async_query),
		cmocka_unit_test(test_async_cancel),
		cmocka_unit_test(test_notifications),
		cmocka_unit_test(test_reconnect_after_restart),
		cmocka_unit_test(test_async_server_gone),
		cmocka_unit_test(test_connect_failure_hides_password),
		cmocka_unit_test(test_prepare_sync),
		cmocka_unit_test(test_prepare_async),
		cmocka_unit_test(test_prepare_error),
		cmocka_unit_test(test_prepare_stale),
		cmocka_unit_test(test_prepare_alternating),
		cmocka_unit_test(test_prepare_off),
		cmocka_unit_test(test_prepare_bounded),
	};

	const struct CMUnitTest pooled[] = {
		cmocka_unit_test(test_pooled_unnamed),
	};

	log_set_stderr(false);
	if (argc > 1 && !strcmp(argv[1], "pooled"))
		return cmocka_run_group_tests_name("through a pooler", pooled, NULL, NULL);
	return cmocka_run_group_tests(tests, setup, teardown);
}
