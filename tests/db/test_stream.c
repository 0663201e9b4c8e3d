/* Lists stream (src/db db_stream_*, src/app row writers) against a real
 * server (started by tests/db/stream.test): 200,000 rows of a few hundred
 * bytes from generate_series go through the descriptor layer as CSV and
 * as JSON while the peak RSS stays flat; the same rows read whole raise
 * it by far more (the measurement can see a list held in memory). A
 * stream cancelled from a signal handler ends with OMS_CANCELLED and
 * leaves the connection usable. Connection from PG* env. */
#include "config.h"

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <cmocka.h>

#include "app/row.h"
#include "cli/writer.h"
#include "db/db.h"

#define NROWS 200000
/* the columns of a pending refund, about 300 bytes a row */
#define ROWS_SQL \
	"SELECT g AS refund_id, 10000007 AS order_no, 'Nordic Home' AS seller_name, " \
	"'pending' AS status, to_json(now()) #>> '{}' AS requested_at, 'csr' AS requested_by, " \
	"repeat('r', 100) || g AS reason, repeat('n', 150) AS note, g * 7 AS amount_minor, " \
	"g * 11 AS refundable_minor, 'KWD' AS currency FROM generate_series(1, $1::int) g"

static long
peak_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

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

/* Streams n rows through a writer of fmt into /dev/null; returns rows. */
static long
stream_rows(struct db *db, int n, enum row_format fmt)
{
	char num[16];
	const char *params[1] = {num};
	struct oms_error err;
	FILE *f = fopen("/dev/null", "w");
	struct row_writer *w = row_writer_new(&row_pending_refund, fmt, f);
	struct db_stream *s;
	const struct db_result *row;
	long rows;
	int got;

	snprintf(num, sizeof num, "%d", n);
	assert_non_null(f);
	s = db_stream_open(db, ROWS_SQL, 1, params, &err);
	if (!s)
		fail_msg("stream: %s", err.msg);
	while ((got = db_stream_next(s, &row, &err)) > 0)
		assert_int_equal(row_writer_add(w, row, &err), OMS_OK);
	assert_int_equal(got, 0);
	db_stream_close(s);
	rows = row_writer_finish(w, 0);
	row_writer_free(w);
	fclose(f);
	return rows;
}

static void
test_flat_memory(void **state)
{
	struct db *db = *state;
	char num[16];
	const char *params[1] = {num};
	struct oms_error err;
	struct db_result *r;
	long base, streamed, whole;

	assert_int_equal(stream_rows(db, 1000, ROW_FMT_CSV), 1000);     /* warm up */
	base = peak_kb();
	assert_int_equal(stream_rows(db, NROWS, ROW_FMT_CSV), NROWS);
	assert_int_equal(stream_rows(db, NROWS, ROW_FMT_JSON), NROWS);
	streamed = peak_kb() - base;
	print_message("# peak RSS: %ld kB before, +%ld kB streaming 2 x %d rows\n", base, streamed,
		      NROWS);
	/* the rows are about 60 MB: streaming holds one at a time */
	assert_true(streamed < 8 * 1024);

	/* the control: the same rows read whole raise the peak by tens of MB */
	snprintf(num, sizeof num, "%d", NROWS);
	r = db_query(db, ROWS_SQL, 1, params, &err);
	assert_non_null(r);
	assert_int_equal(db_rows(r), NROWS);
	whole = peak_kb() - base;
	print_message("# peak RSS: +%ld kB with the whole result in memory\n", whole);
	assert_true(whole > streamed + 40 * 1024);
	db_result_free(r);
}

static void
on_sigint(int sig)
{
	(void)sig;
	db_stream_cancel_signal();
}

/* Ctrl-C in the middle of a list: the query is cancelled, the stream
 * ends with OMS_CANCELLED and the connection answers the next query. */
static void
test_cancel_midway(void **state)
{
	struct db *db = *state;
	const char *params[1] = {"100000000"};
	struct sigaction sa = {.sa_handler = on_sigint}, old;
	struct oms_error err;
	struct db_stream *s;
	const struct db_result *row;
	struct db_result *r;
	long rows = 0;
	int got;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old);
	s = db_stream_open(db, ROWS_SQL, 1, params, &err);
	assert_non_null(s);
	while ((got = db_stream_next(s, &row, &err)) > 0)
		if (++rows == 5000)
			raise(SIGINT);
	sigaction(SIGINT, &old, NULL);
	assert_int_equal(got, -1);
	assert_int_equal(err.status, OMS_CANCELLED);
	assert_true(rows >= 5000 && rows < 100000000);
	db_stream_close(s);
	print_message("# cancelled after %ld rows\n", rows);
	r = db_query(db, "SELECT 1", 0, NULL, &err);
	assert_non_null(r);
	db_result_free(r);

	/* a stream closed before its end is cancelled by the close */
	s = db_stream_open(db, ROWS_SQL, 1, params, &err);
	assert_non_null(s);
	assert_int_equal(db_stream_next(s, &row, &err), 1);
	db_stream_close(s);
	r = db_query(db, "SELECT 2", 0, NULL, &err);
	assert_non_null(r);
	assert_string_equal(db_get(r, 0, 0), "2");
	db_result_free(r);
}

/* An empty result still names its columns (a CSV header). */
static void
test_empty_stream(void **state)
{
	struct db *db = *state;
	const char *params[1] = {"0"};
	struct oms_error err;
	struct db_stream *s = db_stream_open(db, ROWS_SQL, 1, params, &err);
	const struct db_result *row;

	assert_non_null(s);
	assert_int_equal(db_stream_next(s, &row, &err), 1);
	assert_int_equal(db_rows(row), 0);
	assert_int_equal(row_check(&row_pending_refund, row, &err), OMS_OK);
	assert_int_equal(db_stream_next(s, &row, &err), 0);
	db_stream_close(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_stream),
		cmocka_unit_test(test_cancel_midway),
		cmocka_unit_test(test_flat_memory),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
