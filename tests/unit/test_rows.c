/* The row descriptors' outputs (src/app/row.c) over a result held in
 * memory (db.h's readers are wrapped, GNU ld): CSV read back by a strict
 * RFC 4180 parser written here (quotes, commas, CR/LF, non-ASCII, formula-
 * looking cells, money with the currency's exponent), JSON read back by
 * jansson (the same values), the text cells of the terminal's list rows;
 * the statements over row types and the reports home's figures. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "app/app.h"
#include "app/report.h"
#include "app/row.h"
#include "cli/writer.h"
#include "db/db.h"

/* --- a result in memory --------------------------------------------------- */

#define MAXC 32                /* row_refund has 17 columns */
#define MAXR 16
static const char *fake_names[MAXC];
static const char *fake_cells[MAXR][MAXC];   /* NULL = SQL NULL */
static int fake_ncols, fake_nrows;
static struct db_result *const FAKE = (struct db_result *)&fake_ncols;

int __wrap_db_rows(const struct db_result *r);
int __wrap_db_colnum(const struct db_result *r, const char *name);
const char *__wrap_db_get(const struct db_result *r, int row, int col);
bool __wrap_db_isnull(const struct db_result *r, int row, int col);
long long __wrap_db_get_ll(const struct db_result *r, int row, int col);

int
__wrap_db_rows(const struct db_result *r)
{
	return r ? fake_nrows : 0;
}

int
__wrap_db_colnum(const struct db_result *r, const char *name)
{
	for (int i = 0; r && i < fake_ncols; i++)
		if (strcmp(fake_names[i], name) == 0)
			return i;
	return -1;
}

bool
__wrap_db_isnull(const struct db_result *r, int row, int col)
{
	return !r || row >= fake_nrows || col >= fake_ncols || !fake_cells[row][col];
}

const char *
__wrap_db_get(const struct db_result *r, int row, int col)
{
	return __wrap_db_isnull(r, row, col) ? "" : fake_cells[row][col];
}

long long
__wrap_db_get_ll(const struct db_result *r, int row, int col)
{
	return strtoll(__wrap_db_get(r, row, col), NULL, 10);
}

/* A result with the columns of d, rows of values in d's order. */
static void
fake_result(const struct row_desc *d, int nrows)
{
	assert_true(d->ncols <= MAXC && nrows <= MAXR);
	fake_ncols = d->ncols;
	fake_nrows = nrows;
	for (int i = 0; i < d->ncols; i++)
		fake_names[i] = d->cols[i].name;
	memset(fake_cells, 0, sizeof fake_cells);
}

static void
fake_set(const struct row_desc *d, int row, const char *col, const char *v)
{
	int k = row_col_index(d, col);

	assert_true(k >= 0);
	fake_cells[row][k] = v;
}

/* --- a strict RFC 4180 reader ----------------------------------------------- */

struct csv {
	int nrec, nfield[MAXR + 1];
	char *field[MAXR + 1][MAXC + 2];
};

static void
csv_free(struct csv *c)
{
	for (int r = 0; r < c->nrec; r++)
		for (int f = 0; f < c->nfield[r]; f++)
			free(c->field[r][f]);
}

/* Records end with CRLF (the last one too); a field is quoted or holds no
 * '"', ',', CR or LF; in a quoted field a quote is doubled; after the
 * closing quote only ',' or CRLF. Anything else fails the test. */
static void
csv_parse(const char *s, size_t n, struct csv *c)
{
	size_t i = 0;

	memset(c, 0, sizeof *c);
	while (i < n) {
		int r = c->nrec++;

		assert_true(r <= MAXR);
		for (;;) {
			char *buf = malloc(n + 1);
			size_t o = 0;

			assert_non_null(buf);
			if (s[i] == '"') {
				for (i++;; i++) {
					if (i >= n)
						fail_msg("unterminated quoted field");
					if (s[i] == '"') {
						if (i + 1 < n && s[i + 1] == '"') {
							buf[o++] = '"';
							i++;
							continue;
						}
						i++;
						break;
					}
					buf[o++] = s[i];
				}
			} else {
				while (i < n && s[i] != ',' && s[i] != '\r') {
					if (s[i] == '"' || s[i] == '\n')
						fail_msg("a bare '%c' in an unquoted field (byte %zu)",
							 s[i] == '"' ? '"' : 'n', i);
					buf[o++] = s[i++];
				}
			}
			buf[o] = '\0';
			assert_true(c->nfield[r] < MAXC + 2);
			c->field[r][c->nfield[r]++] = buf;
			if (i < n && s[i] == ',') {
				i++;
				continue;
			}
			if (i + 1 < n && s[i] == '\r' && s[i + 1] == '\n') {
				i += 2;
				break;
			}
			fail_msg("field not followed by ',' or CRLF (byte %zu)", i);
		}
	}
	for (int r = 1; r < c->nrec; r++)
		assert_int_equal(c->nfield[r], c->nfield[0]);
}

/* A text cell as CSV gives it back: formula-looking text with a leading
 * quote, the rest byte for byte. */
static void
expect_text(const char *got, const char *v)
{
	if (*v && strchr("=+-@\t\r", *v)) {
		assert_int_equal(got[0], '\'');
		assert_string_equal(got + 1, v);
	} else {
		assert_string_equal(got, v);
	}
}

/* Writes the fake result through a writer of format fmt; returns the
 * text (caller frees) and its length. */
static char *
write_all(const struct row_desc *d, enum row_format fmt, long limit, size_t *len)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len);
	struct row_writer *w;
	struct oms_error err;

	assert_non_null(f);
	w = row_writer_new(d, fmt, f);
	assert_non_null(w);
	assert_int_equal(row_writer_add(w, FAKE, &err), OMS_OK);
	assert_int_equal(row_writer_finish(w, limit), fake_nrows);
	row_writer_free(w);
	fclose(f);
	return text;
}

/* Values that need quoting, neutralising, or neither. */
static const char *const hostile[] = {
	"plain", "comma, inside", "a \"quoted\" word", "two\r\nlines", "lf\nonly", "cr\ronly",
	"Zoë Ångström-Nakamura 日本語 😀", "=HYPERLINK(\"http://x\")", "+1 555", "-2+3", "@SUM(A1)",
	"\tTAB", "\rCR first", "", "'already quoted", "=",
};
#define NHOSTILE (int)(sizeof hostile / sizeof hostile[0])

static void
test_csv_strict(void **state)
{
	const struct row_desc *d = &row_pending_cancellation;
	struct csv c;
	size_t len;
	char *text;
	int reason = row_col_index(d, "reason_label"), note = row_col_index(d, "note");
	int refund = row_col_index(d, "refund_minor");

	(void)state;
	assert_true(NHOSTILE <= MAXR);
	fake_result(d, NHOSTILE);
	for (int r = 0; r < NHOSTILE; r++) {
		fake_set(d, r, "cancellation_id", "7");
		fake_set(d, r, "order_no", "10000007");
		fake_set(d, r, "note", hostile[r]);
		fake_set(d, r, "reason_label", hostile[NHOSTILE - 1 - r]);
		fake_set(d, r, "refund_minor", r % 3 == 0 ? "-123456" : r % 3 == 1 ? "5" : "1234567");
		fake_set(d, r, "currency", r % 3 == 0 ? "KWD" : r % 3 == 1 ? "JPY" : "USD");
		fake_set(d, r, "requested_at", "2026-01-20T10:11:12+01:00");
	}
	text = write_all(d, ROW_FMT_CSV, 0, &len);
	csv_parse(text, len, &c);
	assert_int_equal(c.nrec, NHOSTILE + 1);
	/* the header: the columns' names, money without _minor */
	assert_int_equal(c.nfield[0], d->ncols);
	assert_string_equal(c.field[0][0], "cancellation_id");
	assert_string_equal(c.field[0][refund], "refund");
	for (int r = 0; r < NHOSTILE; r++) {
		expect_text(c.field[r + 1][note], hostile[r]);
		expect_text(c.field[r + 1][reason], hostile[NHOSTILE - 1 - r]);
		/* money: a decimal with the currency's exponent, never neutralised */
		assert_string_equal(c.field[r + 1][refund],
				    r % 3 == 0 ? "-123.456" : r % 3 == 1 ? "5" : "12345.67");
		/* timestamps as the server wrote them, with the offset; NULL empty */
		assert_string_equal(c.field[r + 1][row_col_index(d, "requested_at")],
				    "2026-01-20T10:11:12+01:00");
		assert_string_equal(c.field[r + 1][row_col_index(d, "seller_name")], "");
	}
	csv_free(&c);
	free(text);
}

/* An empty list is a header only; booleans are true/false. */
static void
test_csv_empty_and_bool(void **state)
{
	struct csv c;
	size_t len;
	char *text;

	(void)state;
	fake_result(&row_reason, 0);
	text = write_all(&row_reason, ROW_FMT_CSV, 0, &len);
	assert_string_equal(text, "code,label,requires_note\r\n");
	free(text);
	fake_result(&row_reason, 2);
	fake_set(&row_reason, 0, "code", "other");
	fake_set(&row_reason, 0, "label", "Other, see note");
	fake_set(&row_reason, 0, "requires_note", "t");
	fake_set(&row_reason, 1, "code", "dup");
	fake_set(&row_reason, 1, "label", "Duplicate");
	fake_set(&row_reason, 1, "requires_note", "f");
	text = write_all(&row_reason, ROW_FMT_CSV, 0, &len);
	csv_parse(text, len, &c);
	assert_string_equal(c.field[1][1], "Other, see note");
	assert_string_equal(c.field[1][2], "true");
	assert_string_equal(c.field[2][2], "false");
	csv_free(&c);
	free(text);
}

static void
test_money_decimal(void **state)
{
	char buf[48];

	(void)state;
	money_decimal(123456, "KWD", buf, sizeof buf);
	assert_string_equal(buf, "123.456");
	money_decimal(123456, "USD", buf, sizeof buf);
	assert_string_equal(buf, "1234.56");
	money_decimal(123456, "JPY", buf, sizeof buf);
	assert_string_equal(buf, "123456");
	money_decimal(-5, "EUR", buf, sizeof buf);
	assert_string_equal(buf, "-0.05");
	money_decimal(INT64_MIN, "BHD", buf, sizeof buf);
	assert_string_equal(buf, "-9223372036854775.808");
}

/* JSON: every value read back the same, numbers as numbers, NULL null,
 * the keyset's last key as next_after when the page is full. */
static void
test_json_round_trip(void **state)
{
	const struct row_desc *d = &row_pending_refund;
	json_error_t jerr;
	json_t *doc, *arr;
	size_t len;
	char *text;

	(void)state;
	fake_result(d, NHOSTILE);
	for (int r = 0; r < NHOSTILE; r++) {
		fake_set(d, r, "refund_id", r == 3 ? "9223372036854775807" : "41");
		fake_set(d, r, "reason", hostile[r]);
		fake_set(d, r, "amount_minor", "-123456");
		fake_set(d, r, "currency", "KWD");
	}
	text = write_all(d, ROW_FMT_JSON, NHOSTILE, &len);
	doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!doc)
		fail_msg("not JSON: %s (%s)", jerr.text, text);
	arr = json_object_get(doc, "refunds");
	assert_int_equal(json_array_size(arr), NHOSTILE);
	for (int r = 0; r < NHOSTILE; r++) {
		json_t *o = json_array_get(arr, (size_t)r);

		assert_string_equal(json_string_value(json_object_get(o, "reason")), hostile[r]);
		assert_int_equal(json_integer_value(json_object_get(o, "amount_minor")), -123456);
		assert_true(json_is_null(json_object_get(o, "note")));
		assert_true(json_is_null(json_object_get(o, "order_no")));
		assert_int_equal(json_object_size(o), (size_t)d->ncols);
	}
	assert_int_equal(json_integer_value(json_object_get(json_array_get(arr, 3), "refund_id")),
			 INT64_MAX);
	assert_int_equal(json_integer_value(json_object_get(doc, "next_after")), 41);
	json_decref(doc);
	free(text);
	/* a page that is not full has no next page */
	text = write_all(d, ROW_FMT_JSON, NHOSTILE + 1, &len);
	doc = json_loadb(text, len, 0, &jerr);
	assert_non_null(doc);
	assert_true(json_is_null(json_object_get(doc, "next_after")));
	json_decref(doc);
	free(text);
	/* an empty list: still a document */
	fake_result(d, 0);
	text = write_all(d, ROW_FMT_JSON, 50, &len);
	doc = json_loadb(text, len, 0, &jerr);
	assert_non_null(doc);
	assert_int_equal(json_array_size(json_object_get(doc, "refunds")), 0);
	json_decref(doc);
	free(text);
}

/* The text cells (the CLI's table, the terminal's list rows). */
static void
test_text_cells(void **state)
{
	const struct row_desc *d = &row_job;
	char **cells;
	int n;
	char err[100];

	(void)state;
	memset(err, 'e', sizeof err - 1);
	err[sizeof err - 1] = '\0';
	fake_result(d, 2);
	fake_set(d, 0, "id", "12");
	fake_set(d, 0, "status", "dead");
	fake_set(d, 0, "next_attempt_at", "2026-01-20T10:11:12+00:00");
	fake_set(d, 0, "updated_at", "2026-01-20T10:11:12+00:00");
	fake_set(d, 0, "order_no", "0");
	fake_set(d, 0, "last_error", err);
	fake_set(d, 1, "status", "ready");
	fake_set(d, 1, "next_attempt_at", "2026-01-21T00:00:00+00:00");
	cells = row_text_cells(d, FAKE, 0, &n);
	assert_non_null(cells);
	assert_int_equal(n, 9);
	assert_string_equal(cells[0], "12");
	assert_string_equal(cells[4], "");                  /* NEXT: only ready|running */
	assert_string_equal(cells[5], "");                  /* an id of 0 is none */
	assert_string_equal(cells[7], "2026-01-20 10:11");
	assert_int_equal(strlen(cells[8]), 63);             /* 60 bytes and "..." */
	row_cells_free(cells, n);
	cells = row_text_cells(d, FAKE, 1, &n);
	assert_string_equal(cells[4], "2026-01-21 00:00");
	row_cells_free(cells, n);

	/* a label falls back to its code; money formatted for people */
	fake_result(&row_pending_cancellation, 1);
	fake_set(&row_pending_cancellation, 0, "reason_code", "other");
	fake_set(&row_pending_cancellation, 0, "refund_minor", "123456");
	fake_set(&row_pending_cancellation, 0, "currency", "KWD");
	cells = row_text_cells(&row_pending_cancellation, FAKE, 0, &n);
	assert_string_equal(cells[5], "other");
	assert_string_equal(cells[6], "123.456 KWD");
	row_cells_free(cells, n);
}

/* A result without a described column is refused (OMS_SCHEMA). */
static void
test_column_check(void **state)
{
	struct oms_error err;

	(void)state;
	fake_result(&row_refund, 0);
	assert_int_equal(row_check(&row_refund, FAKE, &err), OMS_OK);
	fake_names[2] = "amount";
	assert_int_equal(row_check(&row_refund, FAKE, &err), OMS_SCHEMA);
	assert_non_null(strstr(err.msg, "amount_minor"));
}

/* Rows kept past their result (row_set) and the screen's list cells:
 * pages appended or replaced, the screen's widths and headings, a time
 * as its date in a narrow column, money formatted, a label's code. */
static void
test_row_set_screen(void **state)
{
	const struct row_desc *d = &row_pending_cancellation;
	struct row_set s;
	struct oms_error err;
	int widths[8];
	char buf[64];

	(void)state;
	row_set_init(&s, d);
	fake_result(d, 2);
	fake_set(d, 0, "cancellation_id", "7");
	fake_set(d, 0, "order_no", "10000099");
	fake_set(d, 0, "requested_at", "2026-01-20T10:11:12+00:00");
	fake_set(d, 0, "reason_code", "other");
	fake_set(d, 0, "refund_minor", "123456");
	fake_set(d, 0, "currency", "KWD");
	fake_set(d, 1, "cancellation_id", "9");
	assert_int_equal(row_set_read(&s, FAKE, true, &err), 2);
	assert_int_equal(row_set_read(&s, FAKE, false, &err), 2);
	assert_int_equal(s.n, 4);
	assert_int_equal(row_set_ll(&s, 3, d->key), 9);
	assert_int_equal(row_set_ll(&s, 2, "order_no"), 10000099);
	assert_string_equal(row_set_get(&s, 1, "note"), "");
	assert_string_equal(row_set_text(&s, 0, "reason_label", buf, sizeof buf), "other");

	row_screen_widths(d, 80, widths);
	assert_int_equal(widths[1], 17);
	assert_int_equal(widths[3], 80 - 10 - 17 - 16 - 12 - 4);
	row_screen_widths(d, 60, widths);
	assert_int_equal(widths[1], 11);
	row_screen_heading(d, 1, buf, sizeof buf);
	assert_string_equal(buf, "Requested");
	assert_string_equal(row_screen_cell(&s, 0, 1, 17, buf, sizeof buf), "2026-01-20 10:11");
	assert_string_equal(row_screen_cell(&s, 0, 1, 11, buf, sizeof buf), "2026-01-20");
	assert_string_equal(row_screen_cell(&s, 0, 4, 12, buf, sizeof buf), "123.456 KWD");

	assert_int_equal(row_set_read(&s, FAKE, true, &err), 2);
	assert_int_equal(s.n, 2);
	fake_names[0] = "id";
	assert_int_equal(row_set_read(&s, FAKE, true, &err), -1);
	assert_int_equal(s.n, 2);
	row_set_free(&s);
}

/* row_record_def: every column, in order, typed for jsonb_to_record (times
 * as text, kept as the document writes them); a short buffer is refused. */
static void
test_record_def(void **state)
{
	char buf[1024], small[16];

	(void)state;
	assert_true(row_record_def(&row_reason, buf, sizeof buf));
	assert_string_equal(buf, "\"code\" text, \"label\" text, \"requires_note\" boolean");
	assert_true(row_record_def(&row_refund, buf, sizeof buf));
	assert_non_null(strstr(buf, "\"id\" bigint, \"order_no\" bigint, \"amount_minor\" bigint, "
				    "\"status\" text, \"approval\" text, \"created_at\" text, "));
	assert_non_null(strstr(buf, "\"cancellation_id\" bigint, \"currency\" text, "));
	assert_false(row_record_def(&row_refund, small, sizeof small));
}

/* row_select_list: every column from the alias, in order; times through
 * to_json to the second; a short buffer is refused. */
static void
test_select_list(void **state)
{
	char buf[1536], small[16];

	(void)state;
	assert_true(row_select_list(&row_reason, "x", buf, sizeof buf));
	assert_string_equal(buf, "x.\"code\", x.\"label\", x.\"requires_note\"");
	assert_true(row_select_list(&row_lookup, "l", buf, sizeof buf));
	assert_non_null(strstr(buf, "l.\"status\", to_json(date_trunc('second', l.\"placed_at\")) "
				    "#>> '{}' AS \"placed_at\", l.\"total_minor\""));
	assert_false(row_select_list(&row_lookup, "l", small, sizeof small));
}

/* The statements over a row type select its descriptor's columns, each
 * once, from their function; the reasons' requires_note read as a bool. */
static void
assert_selects(const struct app_stmt *st, const struct row_desc *d, const char *alias,
	       const char *from)
{
	char want[1536], tail[256];

	assert_true(row_select_list(d, alias, want, sizeof want));
	assert_ptr_equal(strstr(st->sql, want), st->sql + strlen("SELECT "));
	snprintf(tail, sizeof tail, " FROM %s %s", from, alias);
	assert_string_equal(st->sql + strlen("SELECT ") + strlen(want), tail);
}

static void
test_stmt_columns(void **state)
{
	struct app_stmt st;
	struct row_set s;
	struct oms_error err;

	(void)state;
	cancel_reasons_stmt(&st);
	assert_selects(&st, &row_reason, "r", "oms_api.cancel_reasons()");
	app_stmt_free(&st);
	pending_refunds_stmt(5, 0, &st);
	assert_selects(&st, &row_pending_refund, "p", "oms_api.pending_refunds($1::int, $2::bigint)");
	assert_int_equal(st.nparams, 2);
	app_stmt_free(&st);
	pending_cancellations_stmt(5, 7, &st);
	assert_selects(&st, &row_pending_cancellation, "p",
		       "oms_api.pending_cancellations($1::int, $2::bigint)");
	assert_int_equal(st.nparams, 2);
	app_stmt_free(&st);

	/* the cancel path's one-row results */
	cancel_eligibility_stmt(order_no_make(1234567), &st);
	assert_selects(&st, &row_cancel_eligibility, "c", "oms_api.cancel_eligibility($1::bigint)");
	assert_int_equal(st.nparams, 1);
	app_stmt_free(&st);
	{
		struct cancel_request req = {order_no_make(1234567), "customer_request", NULL, NULL};
		struct cancel_line line = {1, 1};
		struct cancel_lines_request lreq = {order_no_make(1234567), &line, 1,
						    "customer_request", NULL};
		char want[1536];

		assert_int_equal(cancel_order_stmt(&req, &st, &err), OMS_OK);
		assert_selects(&st, &row_cancel_result, "c",
			       "oms_api.cancel_order($1::bigint, $2, $3, $4)");
		app_stmt_free(&st);
		assert_int_equal(decide_cancellation_stmt(2, true, NULL, &st, &err), OMS_OK);
		assert_selects(&st, &row_cancel_result, "c",
			       "oms_api.decide_cancellation($1::bigint, $2::boolean, $3)");
		app_stmt_free(&st);
		/* the lines' statements: their FROM zips the lines (not repeated here) */
		assert_int_equal(cancel_lines_stmt(&lreq, &st, &err), OMS_OK);
		assert_true(row_select_list(&row_cancel_result, "c", want, sizeof want));
		assert_ptr_equal(strstr(st.sql, want), st.sql + strlen("SELECT "));
		assert_non_null(strstr(st.sql, " FROM oms_api.cancel_lines($1::bigint, "));
		app_stmt_free(&st);
		assert_int_equal(cancel_lines_preview_stmt(lreq.order_no, &line, 1, &st, &err), OMS_OK);
		assert_true(row_select_list(&row_cancel_preview, "c", want, sizeof want));
		assert_ptr_equal(strstr(st.sql, want), st.sql + strlen("SELECT "));
		assert_non_null(strstr(st.sql, " FROM oms_api.cancel_lines_preview($1::bigint, "));
		app_stmt_free(&st);
	}

	row_set_init(&s, &row_reason);
	fake_result(&row_reason, 2);
	fake_set(&row_reason, 0, "code", "other");
	fake_set(&row_reason, 0, "requires_note", "t");
	fake_set(&row_reason, 1, "requires_note", "f");
	assert_int_equal(row_set_read(&s, FAKE, true, &err), 2);
	assert_true(row_set_bool(&s, 0, "requires_note"));
	assert_false(row_set_bool(&s, 1, "requires_note"));
	assert_false(row_set_bool(&s, 2, "requires_note"));
	assert_false(row_set_bool(&s, 0, "no_such_column"));
	row_set_free(&s);
}

/* The reports home's figures (src/app/report.c): one row of three named
 * columns, or OMS_SCHEMA with the figures zeroed. */
static void
test_report_figures(void **state)
{
	static const char *const names[] = {"refunds_30d", "orders", "open_orders"};
	struct app_stmt st;
	struct report_figures f;
	struct oms_error err;

	(void)state;
	report_figures_stmt(&st);
	assert_int_equal(st.nparams, 0);
	assert_non_null(strstr(st.sql, "oms_report.status_now"));
	app_stmt_free(&st);

	memset(fake_cells, 0, sizeof fake_cells);
	fake_ncols = 3;
	fake_nrows = 1;
	for (int i = 0; i < 3; i++)
		fake_names[i] = names[i];
	fake_cells[0][0] = "4";
	fake_cells[0][1] = "120";
	fake_cells[0][2] = "17";
	assert_int_equal(report_figures_parse(FAKE, &f, &err), OMS_OK);
	assert_int_equal(f.orders, 120);
	assert_int_equal(f.open_orders, 17);
	assert_int_equal(f.refunds_30d, 4);
	fake_nrows = 2;
	assert_int_equal(report_figures_parse(FAKE, &f, &err), OMS_SCHEMA);
	assert_int_equal(f.orders, 0);
	fake_nrows = 1;
	fake_names[1] = "total";
	assert_int_equal(report_figures_parse(FAKE, &f, &err), OMS_SCHEMA);
	assert_non_null(strstr(err.msg, "orders"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_strict),
		cmocka_unit_test(test_csv_empty_and_bool),
		cmocka_unit_test(test_money_decimal),
		cmocka_unit_test(test_json_round_trip),
		cmocka_unit_test(test_text_cells),
		cmocka_unit_test(test_column_check),
		cmocka_unit_test(test_row_set_screen),
		cmocka_unit_test(test_record_def),
		cmocka_unit_test(test_select_list),
		cmocka_unit_test(test_stmt_columns),
		cmocka_unit_test(test_report_figures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
