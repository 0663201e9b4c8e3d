#include "config.h"

/* The cancel statements (src/app/cancel.c) without a server: what each
 * sends, what it refuses before a round trip, the parsers of their results,
 * and `oms order cancel --line LINE:QTY` (cli_parse_cancel_line).
 *
 * The parsers read results through src/db/db.h only; this program is linked
 * with -Wl,--wrap for db_rows, db_colnum, db_get and db_isnull (see
 * src/app/app.mk), so a result here is a small table in memory that keeps
 * db.h's promises (NULL reads as "", out of range is NULL). */

#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "app/app.h"
#include "cli/cli_int.h"
#include "db/db.h"

/* --- a result without a server --------------------------------------------- */

#define FAKE_COLS 8
#define FAKE_ROWS 3
struct db_result {
	int rows, cols;
	const char *name[FAKE_COLS];
	const char *val[FAKE_ROWS][FAKE_COLS];   /* NULL = SQL NULL */
};

int __wrap_db_rows(const struct db_result *r);
int __wrap_db_colnum(const struct db_result *r, const char *name);
const char *__wrap_db_get(const struct db_result *r, int row, int col);
bool __wrap_db_isnull(const struct db_result *r, int row, int col);

int
__wrap_db_rows(const struct db_result *r)
{
	return r ? r->rows : 0;
}

int
__wrap_db_colnum(const struct db_result *r, const char *name)
{
	for (int c = 0; r && c < r->cols; c++)
		if (strcmp(r->name[c], name) == 0)
			return c;
	return -1;
}

static bool
fake_in_range(const struct db_result *r, int row, int col)
{
	return r && row >= 0 && col >= 0 && row < r->rows && col < r->cols;
}

bool
__wrap_db_isnull(const struct db_result *r, int row, int col)
{
	return !fake_in_range(r, row, col) || !r->val[row][col];
}

const char *
__wrap_db_get(const struct db_result *r, int row, int col)
{
	return __wrap_db_isnull(r, row, col) ? "" : r->val[row][col];
}

/* A one-row result: names and values as "name", "value" pairs, ending
 * with NULL; a value NULL is SQL NULL. */
static struct db_result
row1(const char *name, ...)
{
	struct db_result r;
	va_list ap;

	memset(&r, 0, sizeof r);
	r.rows = 1;
	va_start(ap, name);
	for (; name; name = va_arg(ap, const char *)) {
		assert_true(r.cols < FAKE_COLS);
		r.name[r.cols] = name;
		r.val[0][r.cols++] = va_arg(ap, const char *);
	}
	va_end(ap);
	return r;
}

/* --- helpers -------------------------------------------------------------- */

static long long order_no;          /* a valid order number, set by main */

/* The highest $N in the statement's text equals the parameters built. */
static void
assert_placeholders(const struct app_stmt *st)
{
	int max = 0;

	for (const char *p = st->sql; (p = strchr(p, '$')); p++)
		if (p[1] >= '1' && p[1] <= '9') {
			int n = atoi(p + 1);

			if (n > max)
				max = n;
		}
	assert_int_equal(max, st->nparams);
}

static void
assert_param(const struct app_stmt *st, int i, const char *want)
{
	assert_true(i < st->nparams);
	if (!want) {
		assert_null(st->params[i]);
		return;
	}
	assert_non_null(st->params[i]);
	assert_string_equal(st->params[i], want);
}

static struct cancel_lines_request
lines_req(const struct cancel_line *lines, int n)
{
	struct cancel_lines_request req = {order_no, lines, n, "customer_request", NULL};

	return req;
}

static enum oms_status
lines_stmt(const struct cancel_lines_request *req, struct app_stmt *st, struct oms_error *err)
{
	enum oms_status s;

	memset(err, 0, sizeof *err);
	s = cancel_lines_stmt(req, st, err);
	if (s != OMS_OK) {
		assert_int_equal(err->status, s);
		assert_true(err->msg[0] != '\0');
	}
	return s;
}

/* A text of n bytes of c (n < size). */
static const char *
text_of(char *buf, size_t size, size_t n, char c)
{
	assert_true(n < size);
	memset(buf, c, n);
	buf[n] = '\0';
	return buf;
}

/* --- cancel_lines_stmt ----------------------------------------------------- */

static void
test_lines_stmt(void **state)
{
	static const struct cancel_line lines[] = {{2, 1}, {5, 3}, {11, 20}};
	struct cancel_lines_request req = lines_req(lines, 3);
	struct app_stmt st;
	struct oms_error err;
	char num[24];

	(void)state;
	req.note = "the customer called";
	assert_int_equal(lines_stmt(&req, &st, &err), OMS_OK);
	assert_non_null(strstr(st.sql, "oms_api.cancel_lines("));
	assert_int_equal(st.nparams, 5);
	assert_placeholders(&st);
	snprintf(num, sizeof num, "%lld", order_no);
	assert_param(&st, 0, num);
	assert_param(&st, 1, "{2,5,11}");
	assert_param(&st, 2, "{1,3,20}");
	assert_param(&st, 3, "customer_request");
	assert_param(&st, 4, "the customer called");

	/* one line; blank note is no note; the statement starts afresh */
	req.nlines = 1;
	req.note = "   ";
	assert_int_equal(lines_stmt(&req, &st, &err), OMS_OK);
	assert_int_equal(st.nparams, 5);
	assert_param(&st, 1, "{2}");
	assert_param(&st, 2, "{1}");
	assert_param(&st, 4, NULL);
	req.note = NULL;
	assert_int_equal(lines_stmt(&req, &st, &err), OMS_OK);
	assert_param(&st, 4, NULL);
}

static void
test_lines_stmt_usage(void **state)
{
	static const struct cancel_line lines[] = {{2, 1}};
	struct cancel_lines_request req = lines_req(lines, 1);
	struct app_stmt st;
	struct oms_error err;

	(void)state;
	req.reason = NULL;
	assert_int_equal(lines_stmt(&req, &st, &err), OMS_USAGE);
	req.reason = "";
	assert_int_equal(lines_stmt(&req, &st, &err), OMS_USAGE);
	req.reason = "    ";
	assert_int_equal(lines_stmt(&req, &st, &err), OMS_USAGE);
	req.reason = "customer_request";
	req.nlines = 0;
	assert_int_equal(lines_stmt(&req, &st, &err), OMS_USAGE);
	req.nlines = -1;
	assert_int_equal(lines_stmt(&req, &st, &err), OMS_USAGE);
	req.nlines = INT_MIN;
	assert_int_equal(lines_stmt(&req, &st, &err), OMS_USAGE);
	req.nlines = 1;
	req.lines = NULL;
	assert_int_equal(lines_stmt(&req, &st, &err), OMS_USAGE);
}

static void
test_lines_stmt_invalid(void **state)
{
	static const long long bad_no[] = {0, -1, LLONG_MIN, LLONG_MAX, 1234567, 100000000LL};
	struct cancel_line lines[2] = {{2, 1}, {3, 1}};
	struct cancel_lines_request req = lines_req(lines, 2);
	struct app_stmt st;
	struct oms_error err;

	(void)state;
	for (size_t i = 0; i < sizeof bad_no / sizeof bad_no[0]; i++) {
		req.order_no = bad_no[i];
		assert_int_equal(lines_stmt(&req, &st, &err), OMS_INVALID);
	}
	/* a wrong check digit: one off a valid number */
	req.order_no = order_no % 10 == 9 ? order_no - 1 : order_no + 1;
	assert_int_equal(lines_stmt(&req, &st, &err), OMS_INVALID);
	req.order_no = order_no;

	lines[1].line_no = 0;
	assert_int_equal(lines_stmt(&req, &st, &err), OMS_INVALID);
	lines[1].line_no = -1;
	assert_int_equal(lines_stmt(&req, &st, &err), OMS_INVALID);
	lines[1].line_no = INT_MIN;
	assert_int_equal(lines_stmt(&req, &st, &err), OMS_INVALID);
	lines[1].line_no = 3;
	lines[1].qty = 0;
	assert_int_equal(lines_stmt(&req, &st, &err), OMS_INVALID);
	lines[1].qty = -4;
	assert_int_equal(lines_stmt(&req, &st, &err), OMS_INVALID);
	lines[1].qty = INT_MIN;
	assert_int_equal(lines_stmt(&req, &st, &err), OMS_INVALID);
	/* the largest numbers are the server's to refuse */
	lines[1].qty = INT_MAX;
	lines[1].line_no = INT_MAX;
	assert_int_equal(lines_stmt(&req, &st, &err), OMS_OK);
	assert_param(&st, 1, "{2,2147483647}");
	assert_param(&st, 2, "{1,2147483647}");
}

/* The arrays take any number of lines, whole (no parameter is capped: the
 * database decides how many lines an order has). */
static void
test_lines_stmt_many(void **state)
{
	static struct cancel_line lines[1000];
	struct cancel_lines_request req = lines_req(lines, 100);
	struct app_stmt st;
	struct oms_error err;
	static char want[1000 * 12 + 3];
	size_t o;

	(void)state;
	for (int i = 0; i < 1000; i++) {
		lines[i].line_no = i + 1;
		lines[i].qty = 1;
	}
	assert_int_equal(lines_stmt(&req, &st, &err), OMS_OK);
	assert_int_equal(strncmp(st.params[1], "{1,2,3,", 7), 0);
	assert_non_null(strstr(st.params[1], ",99,100}"));
	app_stmt_free(&st);

	/* 160 and 200 lines: refused while a parameter had 319 bytes */
	for (int n = 159; n <= 200; n += 41) {
		req.nlines = n;
		assert_int_equal(lines_stmt(&req, &st, &err), OMS_OK);
		o = (size_t)snprintf(want, sizeof want, "{1");
		for (int i = 1; i < n; i++)
			o += (size_t)snprintf(want + o, sizeof want - o, ",%d", i + 1);
		memcpy(want + o, "}", 2);
		assert_param(&st, 1, want);
		app_stmt_free(&st);
	}
	/* 1000 lines of the largest numbers: both arrays whole, each about
	 * 11 kB (one inline, one on the heap) */
	for (int i = 0; i < 1000; i++)
		lines[i].line_no = lines[i].qty = INT_MAX;
	req.nlines = 1000;
	assert_int_equal(lines_stmt(&req, &st, &err), OMS_OK);
	o = (size_t)snprintf(want, sizeof want, "{%d", INT_MAX);
	for (int i = 1; i < 1000; i++)
		o += (size_t)snprintf(want + o, sizeof want - o, ",%d", INT_MAX);
	memcpy(want + o, "}", 2);
	assert_int_equal(strlen(want), 1000 * 11 + 1);
	assert_param(&st, 1, want);
	assert_param(&st, 2, want);
	app_stmt_free(&st);
}

/* A statement owns its values whatever their size: 40,000 bytes (10,000
 * characters of 4 bytes) come back whole, next to short values, and a
 * moved statement keeps them all. */
static void
test_stmt_heap(void **state)
{
	static char big[40001], big2[40001];
	struct app_stmt st, *moved = malloc(sizeof *moved);

	(void)state;
	assert_non_null(moved);
	for (int i = 0; i < 10000; i++) {
		memcpy(big + 4 * i, "\xf0\x9f\x98\x80", 4);
		memcpy(big2 + 4 * i, "\xe4\xb8\x80z", 4);
	}
	app_stmt_init(&st, "SELECT $1, $2, $3, $4");
	assert_true(app_stmt_text(&st, big));
	assert_true(app_stmt_ll(&st, 42));
	assert_true(app_stmt_text(&st, big2));
	assert_true(app_stmt_text(&st, NULL));
	assert_int_equal(st.nparams, 4);
	assert_int_equal(strlen(st.params[0]), 40000);
	assert_param(&st, 0, big);
	assert_param(&st, 1, "42");
	assert_param(&st, 2, big2);
	assert_param(&st, 3, NULL);
	for (int i = 4; i < APP_STMT_MAXPARAMS; i++)
		assert_true(app_stmt_text(&st, "x"));
	assert_false(app_stmt_text(&st, "one too many"));
	assert_int_equal(st.nparams, APP_STMT_MAXPARAMS);

	app_stmt_move(moved, &st);
	assert_int_equal(st.nparams, 0);
	/* the copies are the moved statement's: the old one's arena is gone */
	memset(st.buf, '#', sizeof st.buf);
	assert_param(moved, 0, big);
	assert_param(moved, 1, "42");
	assert_true(moved->params[1] >= moved->buf && moved->params[1] < moved->buf + sizeof moved->buf);
	assert_param(moved, 2, big2);
	assert_param(moved, 3, NULL);
	app_stmt_free(&st);           /* owns nothing now: frees nothing */
	app_stmt_free(moved);
	free(moved);

	/* the text helper counts characters (OMS_NOTE_MAX), not bytes */
	{
		struct oms_error err;

		app_stmt_init(&st, "SELECT $1");
		big[4 * OMS_NOTE_MAX] = '\0';
		assert_int_equal(app_text_arg(&st, "the note", big, true, &err), OMS_OK);
		assert_int_equal(strlen(st.params[0]), 4 * OMS_NOTE_MAX);
		app_stmt_free(&st);
	}
}

static void
test_lines_stmt_texts(void **state)
{
	static const struct cancel_line lines[] = {{1, 1}};
	struct cancel_lines_request req = lines_req(lines, 1);
	struct app_stmt st;
	struct oms_error err;
	static char big[OMS_NOTE_MAX_BYTES + 8];

	(void)state;
	app_stmt_init(&st, NULL);        /* so that every rebuild may free the last */
	/* free text: OMS_NOTE_MAX characters, however many bytes they take */
	req.note = text_of(big, sizeof big, OMS_NOTE_MAX, 'n');
	assert_int_equal((app_stmt_free(&st), lines_stmt(&req, &st, &err)), OMS_OK);
	assert_param(&st, 4, big);
	req.note = text_of(big, sizeof big, OMS_NOTE_MAX + 1, 'n');
	assert_int_equal((app_stmt_free(&st), lines_stmt(&req, &st, &err)), OMS_INVALID);
	{
		char want[64];

		snprintf(want, sizeof want, "%d characters, at most %d", OMS_NOTE_MAX + 1, OMS_NOTE_MAX);
		assert_non_null(strstr(err.msg, want));
	}
	for (int i = 0; i < OMS_NOTE_MAX; i++)           /* U+1F600: 4 bytes each */
		memcpy(big + 4 * i, "\xf0\x9f\x98\x80", 4);
	big[4 * OMS_NOTE_MAX] = '\0';
	assert_int_equal((app_stmt_free(&st), lines_stmt(&req, &st, &err)), OMS_OK);
	assert_param(&st, 4, big);
	memcpy(big + 4 * OMS_NOTE_MAX, "x", 2);
	assert_int_equal((app_stmt_free(&st), lines_stmt(&req, &st, &err)), OMS_INVALID);
	/* only spaces, tabs and newlines: no note */
	req.note = " \t\n \r\n";
	assert_int_equal((app_stmt_free(&st), lines_stmt(&req, &st, &err)), OMS_OK);
	assert_param(&st, 4, NULL);
	req.note = NULL;
	req.reason = text_of(big, sizeof big, OMS_NOTE_MAX + 1, 'r');
	assert_int_equal((app_stmt_free(&st), lines_stmt(&req, &st, &err)), OMS_INVALID);
	req.reason = "\n\t ";
	assert_int_equal((app_stmt_free(&st), lines_stmt(&req, &st, &err)), OMS_USAGE);
	req.reason = "customer_request";

	/* bytes are passed on as typed: the server decides on encoding (an
	 * invalid sequence is its error 22021, OMS_INVALID) and on content */
	req.note = "caf\xc3\xa9 \xff\xfe tab\tnewline\n'; DROP TABLE oms.orders; --";
	assert_int_equal((app_stmt_free(&st), lines_stmt(&req, &st, &err)), OMS_OK);
	assert_param(&st, 4, req.note);
	req.note = " \xe2\x80\x83 ";        /* an em space is not blank to us */
	assert_int_equal((app_stmt_free(&st), lines_stmt(&req, &st, &err)), OMS_OK);
	assert_param(&st, 4, req.note);
	app_stmt_free(&st);
}

/* --- cancel_lines_preview_stmt --------------------------------------------- */

static void
test_preview_stmt(void **state)
{
	struct cancel_line lines[] = {{4, 2}, {1, 1}};
	struct app_stmt st;
	struct oms_error err = {0};
	char num[24];

	(void)state;
	assert_int_equal(cancel_lines_preview_stmt(order_no, lines, 2, &st, &err), OMS_OK);
	assert_non_null(strstr(st.sql, "oms_api.cancel_lines_preview("));
	assert_int_equal(st.nparams, 3);
	assert_placeholders(&st);
	snprintf(num, sizeof num, "%lld", order_no);
	assert_param(&st, 0, num);
	assert_param(&st, 1, "{4,1}");
	assert_param(&st, 2, "{2,1}");

	assert_int_equal(cancel_lines_preview_stmt(order_no, lines, 0, &st, &err), OMS_USAGE);
	assert_int_equal(cancel_lines_preview_stmt(order_no, NULL, 2, &st, &err), OMS_USAGE);
	assert_int_equal(cancel_lines_preview_stmt(order_no + 1, lines, 2, &st, &err), OMS_INVALID);
	assert_int_equal(cancel_lines_preview_stmt(-order_no, lines, 2, &st, &err), OMS_INVALID);
	lines[0].qty = 0;
	assert_int_equal(cancel_lines_preview_stmt(order_no, lines, 2, &st, &err), OMS_INVALID);
	lines[0].qty = 1;
	lines[1].line_no = 0;
	assert_int_equal(cancel_lines_preview_stmt(order_no, lines, 2, &st, &err), OMS_INVALID);
	assert_int_equal(err.status, OMS_INVALID);
}

/* --- cancel_order_stmt ---------------------------------------------------- */

static void
test_order_stmt(void **state)
{
	struct cancel_request req = {order_no, "customer_request", NULL, NULL};
	struct app_stmt st;
	struct oms_error err = {0};
	char num[24];
	static char big[OMS_NOTE_MAX_BYTES + 8], big2[OMS_NOTE_MAX_BYTES + 8];

	(void)state;
	app_stmt_init(&st, NULL);        /* so that every rebuild may free the last */
	assert_int_equal((app_stmt_free(&st), cancel_order_stmt(&req, &st, &err)), OMS_OK);
	assert_non_null(strstr(st.sql, "oms_api.cancel_order("));
	assert_int_equal(st.nparams, 4);
	assert_placeholders(&st);
	snprintf(num, sizeof num, "%lld", order_no);
	assert_param(&st, 0, num);
	assert_param(&st, 1, "customer_request");
	assert_param(&st, 2, NULL);
	assert_param(&st, 3, NULL);

	req.note = "n";
	req.override_reason = "approved by phone";
	assert_int_equal((app_stmt_free(&st), cancel_order_stmt(&req, &st, &err)), OMS_OK);
	assert_param(&st, 2, "n");
	assert_param(&st, 3, "approved by phone");
	req.override_reason = " ";
	assert_int_equal((app_stmt_free(&st), cancel_order_stmt(&req, &st, &err)), OMS_OK);
	assert_param(&st, 3, NULL);

	/* the note and the override reason both at the limit fit one statement */
	req.note = text_of(big, sizeof big, OMS_NOTE_MAX, 'n');
	req.override_reason = text_of(big2, sizeof big2, OMS_NOTE_MAX, 'o');
	assert_int_equal((app_stmt_free(&st), cancel_order_stmt(&req, &st, &err)), OMS_OK);
	assert_param(&st, 2, big);
	assert_param(&st, 3, big2);
	req.note = "n";
	req.override_reason = text_of(big, sizeof big, OMS_NOTE_MAX + 1, 'o');
	assert_int_equal((app_stmt_free(&st), cancel_order_stmt(&req, &st, &err)), OMS_INVALID);
	assert_int_equal(err.status, OMS_INVALID);
	req.override_reason = NULL;
	req.reason = " ";
	assert_int_equal((app_stmt_free(&st), cancel_order_stmt(&req, &st, &err)), OMS_USAGE);
	req.reason = NULL;
	assert_int_equal((app_stmt_free(&st), cancel_order_stmt(&req, &st, &err)), OMS_USAGE);
	req.reason = "customer_request";
	req.order_no = 0;
	assert_int_equal((app_stmt_free(&st), cancel_order_stmt(&req, &st, &err)), OMS_INVALID);
	req.order_no = order_no / 10;        /* seven digits */
	assert_int_equal((app_stmt_free(&st), cancel_order_stmt(&req, &st, &err)), OMS_INVALID);
	app_stmt_free(&st);
}

/* --- the parsers ------------------------------------------------------------ */

static void
test_order_parse(void **state)
{
	struct db_result r = row1("cancellation_id", "17", "state", "done", "refund_id", "42", NULL);
	struct cancel_result res;
	struct oms_error err = {0};

	(void)state;
	assert_int_equal(cancel_order_parse(&r, &res, &err), OMS_OK);
	assert_int_equal(res.cancellation_id, 17);
	assert_int_equal(res.refund_id, 42);
	assert_string_equal(res.state, "done");

	/* cancel_lines answers the same columns */
	r = row1("cancellation_id", "18", "state", "pending_approval", "refund_id", NULL, NULL);
	assert_int_equal(cancel_lines_parse(&r, &res, &err), OMS_OK);
	assert_int_equal(res.cancellation_id, 18);
	assert_int_equal(res.refund_id, 0);           /* unpaid: no refund */
	assert_string_equal(res.state, "pending_approval");

	/* a state longer than the field is cut, terminated */
	r = row1("cancellation_id", "1", "state", "a state far longer than twenty-four bytes",
		 "refund_id", "2", NULL);
	assert_int_equal(cancel_order_parse(&r, &res, &err), OMS_OK);
	assert_int_equal(strlen(res.state), sizeof res.state - 1);

	r.rows = 0;
	assert_int_equal(cancel_lines_parse(&r, &res, &err), OMS_DB);
	assert_int_equal(res.cancellation_id, 0);
	r = row1("cancellation_id", "1", "state", "done", NULL);
	assert_int_equal(cancel_lines_parse(&r, &res, &err), OMS_SCHEMA);
	assert_non_null(strstr(err.msg, "refund_id"));
	assert_int_equal(cancel_order_parse(NULL, &res, &err), OMS_DB);
}

static struct db_result
preview_row(const char *verdict, const char *cancels)
{
	return row1("verdict", verdict, "reason", "BR-021: within the window", "refund_minor", "1999",
		    "currency", "USD", "cancels_order", cancels, NULL);
}

static void
test_preview_parse(void **state)
{
	struct db_result r = preview_row("allowed", "t");
	struct cancel_lines_preview p;
	struct oms_error err = {0};

	(void)state;
	memset(&p, 0xff, sizeof p);
	assert_int_equal(cancel_lines_preview_parse(&r, &p, &err), OMS_OK);
	assert_int_equal(p.e.verdict, CANCEL_ALLOWED);
	assert_string_equal(p.e.verdict_text, "allowed");
	assert_string_equal(p.e.reason, "BR-021: within the window");
	assert_int_equal(p.e.refund_minor, 1999);
	assert_string_equal(p.e.currency, "USD");
	assert_false(p.e.needs_override);             /* lines have no override */
	assert_true(p.cancels_order);

	r = preview_row("needs_approval", "f");
	assert_int_equal(cancel_lines_preview_parse(&r, &p, &err), OMS_OK);
	assert_int_equal(p.e.verdict, CANCEL_NEEDS_APPROVAL);
	assert_false(p.cancels_order);
	r = preview_row("refused", NULL);
	assert_int_equal(cancel_lines_preview_parse(&r, &p, &err), OMS_OK);
	assert_int_equal(p.e.verdict, CANCEL_REFUSED);
	assert_false(p.cancels_order);
}

static void
test_preview_parse_bad(void **state)
{
	struct db_result r = preview_row("maybe", "t");
	struct cancel_lines_preview p;
	struct oms_error err = {0};

	(void)state;
	memset(&p, 0xff, sizeof p);
	assert_int_equal(cancel_lines_preview_parse(&r, &p, &err), OMS_SCHEMA);
	assert_non_null(strstr(err.msg, "maybe"));
	assert_int_equal(p.e.verdict, CANCEL_REFUSED);  /* a failure never reads as allowed */
	assert_false(p.cancels_order);
	r = preview_row(NULL, "t");
	assert_int_equal(cancel_lines_preview_parse(&r, &p, &err), OMS_SCHEMA);
	assert_int_equal(p.e.verdict, CANCEL_REFUSED);
	assert_false(p.cancels_order);
	r = preview_row("Allowed", "t");
	assert_int_equal(cancel_lines_preview_parse(&r, &p, &err), OMS_SCHEMA);
	r = preview_row("allowed\xff", "t");
	assert_int_equal(cancel_lines_preview_parse(&r, &p, &err), OMS_SCHEMA);

	/* no row: the function always answers one, so that is the database's fault */
	r = preview_row("allowed", "t");
	r.rows = 0;
	assert_int_equal(cancel_lines_preview_parse(&r, &p, &err), OMS_DB);
	assert_false(p.cancels_order);
	/* a missing column is a schema mismatch, named */
	r = row1("verdict", "allowed", "reason", "", "refund_minor", "0", "currency", "USD", NULL);
	assert_int_equal(cancel_lines_preview_parse(&r, &p, &err), OMS_SCHEMA);
	assert_non_null(strstr(err.msg, "cancels_order"));
	assert_false(p.cancels_order);
	assert_int_equal(cancel_lines_preview_parse(NULL, &p, &err), OMS_DB);
	assert_int_equal(p.e.verdict, CANCEL_REFUSED);
}

/* The whole-order check that the preview shares its row parser with:
 * no row there is no such order. */
static void
test_eligibility_parse(void **state)
{
	struct db_result r = row1("verdict", "refused", "reason", "BR-014: shipped",
				  "refund_minor", "0", "currency", "EUR", "needs_override", "t", NULL);
	struct cancel_eligibility e;
	struct oms_error err = {0};

	(void)state;
	assert_int_equal(cancel_eligibility_parse(&r, &e, &err), OMS_OK);
	assert_int_equal(e.verdict, CANCEL_REFUSED);
	assert_true(e.needs_override);
	assert_string_equal(e.reason, "BR-014: shipped");
	r.rows = 0;
	assert_int_equal(cancel_eligibility_parse(&r, &e, &err), OMS_NOT_FOUND);
	assert_false(e.needs_override);
}

/* --- oms order cancel --line LINE:QTY ---------------------------------------- */

static void
line_ok(const char *arg, int no, int qty)
{
	struct cancel_line l = {-7, -7};

	if (!cli_parse_cancel_line(arg, &l))
		fail_msg("--line \"%s\" refused", arg);
	assert_int_equal(l.line_no, no);
	assert_int_equal(l.qty, qty);
}

static void
line_bad(const char *arg)
{
	struct cancel_line l = {-7, -7};

	if (cli_parse_cancel_line(arg, &l))
		fail_msg("--line \"%s\" accepted as %d:%d", arg, l.line_no, l.qty);
	assert_int_equal(l.line_no, -7);              /* untouched */
	assert_int_equal(l.qty, -7);
}

static void
test_cli_line(void **state)
{
	char big[600];

	(void)state;
	line_ok("2:1", 2, 1);
	line_ok("12:30", 12, 30);
	line_ok("02:001", 2, 1);
	line_ok("1000000:1000000", 1000000, 1000000);

	line_bad("");
	line_bad(":");
	line_bad("1:");
	line_bad(":2");
	line_bad("0:1");
	line_bad("1:0");
	line_bad("00:1");
	line_bad("-1:2");
	line_bad("1:-2");
	line_bad("+1:2");
	line_bad("1:+2");
	line_bad("1:2:3");
	line_bad("1::2");
	line_bad("12");
	line_bad("1;2");
	line_bad("1-2");
	line_bad("1000001:1");
	line_bad("1:1000001");
	line_bad("2147483648:1");                     /* INT_MAX + 1 */
	line_bad("4294967297:1");                     /* wraps to 1 as a 32-bit int */
	line_bad("1:4294967297");
	line_bad("99999999999999999999:1");           /* strtol saturates */
	line_bad("1:99999999999999999999");
	line_bad(" 1:2");
	line_bad("1 :2");
	line_bad("1: 2");
	line_bad("1:2 ");
	line_bad("1:2\n");
	line_bad("a:1");
	line_bad("1:b");
	line_bad("1:2x");
	line_bad("0x1:2");
	line_bad("1:0x2");
	line_bad("1e2:1");
	line_bad("1.5:1");
	line_bad("\xef\xbc\x91:2");                   /* a full-width 1 */
	line_bad("1:\xff");
	memset(big, '1', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	big[300] = ':';
	line_bad(big);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines_stmt),
		cmocka_unit_test(test_lines_stmt_usage),
		cmocka_unit_test(test_lines_stmt_invalid),
		cmocka_unit_test(test_lines_stmt_many),
		cmocka_unit_test(test_stmt_heap),
		cmocka_unit_test(test_lines_stmt_texts),
		cmocka_unit_test(test_preview_stmt),
		cmocka_unit_test(test_order_stmt),
		cmocka_unit_test(test_order_parse),
		cmocka_unit_test(test_preview_parse),
		cmocka_unit_test(test_preview_parse_bad),
		cmocka_unit_test(test_eligibility_parse),
		cmocka_unit_test(test_cli_line),
	};

	order_no = order_no_make(1234567);
	assert_true(order_no_valid(order_no));
	return cmocka_run_group_tests_name("cancel_stmt", tests, NULL, NULL);
}
