#include "config.h"

/* The cancel use case, for the terminal client's dialog and for
 * `oms order cancel`. Whether an order may be cancelled, and by whom, is the
 * database's decision (oms_api.cancel_eligibility, BR-014, BR-020..024, the
 * cancellation window): here we only ask, show, and pass the answer on. */

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "app/appint.h"
#include "app/row.h"
#include "db/db.h"

/* The lines travel as two integer arrays ($2, $3), zipped into the JSON
 * the functions take ([{"line_no": 2, "qty": 1}, ...]) by the statement. */
#define LINES_JSON "(SELECT jsonb_agg(jsonb_build_object('line_no', u.l, 'qty', u.q) ORDER BY u.n) " \
	"FROM unnest($2::int[], $3::int[]) WITH ORDINALITY AS u(l, q, n))"

/* Every statement here selects its descriptor's columns (rows.c:
 * row_reason, row_pending_cancellation, row_cancel_eligibility,
 * row_cancel_preview, row_cancel_result), named there once; the parsers
 * read the same descriptors. Built once. */
static char reasons_sql[512], pending_sql[1024], eligibility_sql[512], preview_sql[768],
	order_sql[512], lines_sql[768], decide_sql[512];
static pthread_once_t cancel_sql_once = PTHREAD_ONCE_INIT;

/* "SELECT <d's columns over alias a> FROM <from> a" into buf. */
static void
select_build(char *buf, size_t len, const struct row_desc *d, const char *from, const char *a)
{
	char cols[768];
	int n;

	if (!row_select_list(d, a, cols, sizeof cols) ||
	    (n = snprintf(buf, len, "SELECT %s FROM %s %s", cols, from, a)) < 0 || (size_t)n >= len)
		abort();        /* the descriptor outgrew the buffers: a build-time fact */
}

static void
cancel_sql_build(void)
{
	select_build(reasons_sql, sizeof reasons_sql, &row_reason, "oms_api.cancel_reasons()", "r");
	select_build(pending_sql, sizeof pending_sql, &row_pending_cancellation,
		     "oms_api.pending_cancellations($1::int, $2::bigint)", "p");
	select_build(eligibility_sql, sizeof eligibility_sql, &row_cancel_eligibility,
		     "oms_api.cancel_eligibility($1::bigint)", "c");
	select_build(preview_sql, sizeof preview_sql, &row_cancel_preview,
		     "oms_api.cancel_lines_preview($1::bigint, " LINES_JSON ")", "c");
	select_build(order_sql, sizeof order_sql, &row_cancel_result,
		     "oms_api.cancel_order($1::bigint, $2, $3, $4)", "c");
	select_build(lines_sql, sizeof lines_sql, &row_cancel_result,
		     "oms_api.cancel_lines($1::bigint, " LINES_JSON ", $4, $5)", "c");
	select_build(decide_sql, sizeof decide_sql, &row_cancel_result,
		     "oms_api.decide_cancellation($1::bigint, $2::boolean, $3)", "c");
}

/* The statement of sql, once built. */
static void
cancel_stmt_init(struct app_stmt *st, const char *sql)
{
	pthread_once(&cancel_sql_once, cancel_sql_build);
	app_stmt_init(st, sql);
}

void
cancel_reasons_stmt(struct app_stmt *st)
{
	cancel_stmt_init(st, reasons_sql);
}

void
cancel_eligibility_stmt(long long order_no, struct app_stmt *st)
{
	cancel_stmt_init(st, eligibility_sql);
	app_stmt_ll(st, order_no);
}

/* "allowed" | "needs_approval" | "refused", as oms.cancel_verdict says. */
static enum oms_status
cancel_verdict_parse(const char *text, enum cancel_verdict *v, struct oms_error *err)
{
	if (strcmp(text, "allowed") == 0)
		*v = CANCEL_ALLOWED;
	else if (strcmp(text, "needs_approval") == 0)
		*v = CANCEL_NEEDS_APPROVAL;
	else if (strcmp(text, "refused") == 0)
		*v = CANCEL_REFUSED;
	else
		return oms_fail(err, OMS_SCHEMA, "unknown cancellation verdict \"%.40s\"", text);
	return OMS_OK;
}

/* The first row's verdict, reason, refund_minor and currency, which
 * cancel_eligibility and cancel_lines_preview share (d: the result's
 * descriptor, all its columns checked); no row is `none`. */
static enum oms_status
cancel_verdict_row(const struct db_result *r, const struct row_desc *d, enum oms_status none,
		   struct cancel_eligibility *e, struct oms_error *err)
{
	enum oms_status st;

	memset(e, 0, sizeof *e);
	e->verdict = CANCEL_REFUSED;
	if ((st = row_check(d, r, err)) != OMS_OK)
		return st;
	if (db_rows(r) < 1)
		return oms_fail(err, none, none == OMS_NOT_FOUND ? "no such order" :
				"the database returned no row");
	app_copy(e->verdict_text, sizeof e->verdict_text, row_value(d, r, 0, "verdict"));
	app_copy(e->reason, sizeof e->reason, row_value(d, r, 0, "reason"));
	app_copy(e->currency, sizeof e->currency, row_value(d, r, 0, "currency"));
	e->refund_minor = row_value_ll(d, r, 0, "refund_minor");
	return cancel_verdict_parse(e->verdict_text, &e->verdict, err);
}

enum oms_status
cancel_eligibility_parse(const struct db_result *r, struct cancel_eligibility *e,
			 struct oms_error *err)
{
	const struct row_desc *d = &row_cancel_eligibility;
	enum oms_status st = cancel_verdict_row(r, d, OMS_NOT_FOUND, e, err);

	if (st == OMS_OK)
		e->needs_override = row_value_bool(d, r, 0, "needs_override");
	return st;
}

/* Only the shape is checked here (so the CSR hears about a missing reason
 * before a round trip); the server checks the rest again (BR-023). */
enum oms_status
app_text_arg(struct app_stmt *st, const char *what, const char *value, bool required,
	 struct oms_error *err)
{
	long chars;

	if (app_text_blank(value)) {
		if (required)
			return oms_fail(err, OMS_USAGE, "%s is required", what);
		app_stmt_text(st, NULL);
		return OMS_OK;
	}
	if ((chars = app_utf8_chars(value)) > OMS_NOTE_MAX)
		return oms_fail(err, OMS_INVALID, "%s is too long: %ld characters, at most %d",
				what, chars, OMS_NOTE_MAX);
	if (!app_stmt_text(st, value))
		return oms_fail(err, OMS_NOMEM, "out of memory for %s", what);
	return OMS_OK;
}

enum oms_status
cancel_order_stmt(const struct cancel_request *req, struct app_stmt *st, struct oms_error *err)
{
	enum oms_status s;

	cancel_stmt_init(st, order_sql);
	if (!order_no_valid(req->order_no))
		return oms_fail(err, OMS_INVALID, "%lld is not a valid order number", req->order_no);
	app_stmt_ll(st, req->order_no);
	if ((s = app_text_arg(st, "a reason (BR-023)", req->reason, true, err)) != OMS_OK)
		return s;
	if ((s = app_text_arg(st, "the note", req->note, false, err)) != OMS_OK)
		return s;
	return app_text_arg(st, "the override reason", req->override_reason, false, err);
}

enum oms_status
cancel_order_parse(const struct db_result *r, struct cancel_result *res, struct oms_error *err)
{
	const struct row_desc *d = &row_cancel_result;
	enum oms_status st;

	memset(res, 0, sizeof *res);
	if ((st = row_check(d, r, err)) != OMS_OK)
		return st;
	if (db_rows(r) < 1)
		return oms_fail(err, OMS_DB, "the cancellation returned nothing");
	res->cancellation_id = row_value_ll(d, r, 0, "cancellation_id");
	res->refund_id = row_value_ll(d, r, 0, "refund_id");
	app_copy(res->state, sizeof res->state, row_value(d, r, 0, "state"));
	return OMS_OK;
}

/* The lines travel as two integer arrays, zipped into cancel_lines' JSON
 * ([{"line_no": 2, "qty": 1}, ...]) by the statement: "{2,5}" is far
 * shorter than the JSON. Any number of lines (the database decides). */
static bool
cancel_lines_arrays(const struct cancel_line *lines, int nlines, struct app_stmt *st)
{
	/* "{" + up to 11 characters and a comma per number + "}" */
	size_t cap = (size_t)nlines * 12 + 3, a = 0, b = 0;
	char *nos = malloc(cap), *qtys = malloc(cap);
	bool ok = nos && qtys;

	for (int i = 0; ok && i < nlines; i++) {
		a += (size_t)snprintf(nos + a, cap - a, "%s%d", i ? "," : "{", lines[i].line_no);
		b += (size_t)snprintf(qtys + b, cap - b, "%s%d", i ? "," : "{", lines[i].qty);
	}
	if (ok) {
		memcpy(nos + a, "}", 2);
		memcpy(qtys + b, "}", 2);
		ok = app_stmt_text(st, nos) && app_stmt_text(st, qtys);
	}
	free(nos);
	free(qtys);
	return ok;
}

/* The lines as the statement takes them ($2, $3; LINES_JSON zips them):
 * the order number and the lines' shape checked first. */

static enum oms_status
cancel_lines_params(long long order_no, const struct cancel_line *lines, int nlines,
		    struct app_stmt *st, struct oms_error *err)
{
	if (!order_no_valid(order_no))
		return oms_fail(err, OMS_INVALID, "%lld is not a valid order number", order_no);
	if (nlines < 1 || !lines)
		return oms_fail(err, OMS_USAGE, "name at least one line to cancel");
	for (int i = 0; i < nlines; i++) {
		if (lines[i].line_no < 1)
			return oms_fail(err, OMS_INVALID, "%d is not a line number", lines[i].line_no);
		if (lines[i].qty < 1)
			return oms_fail(err, OMS_INVALID, "line %d: a quantity to cancel is at least 1",
					lines[i].line_no);
	}
	app_stmt_ll(st, order_no);
	if (!cancel_lines_arrays(lines, nlines, st))
		return oms_fail(err, OMS_NOMEM, "out of memory for %d lines", nlines);
	return OMS_OK;
}

enum oms_status
cancel_lines_stmt(const struct cancel_lines_request *req, struct app_stmt *st, struct oms_error *err)
{
	enum oms_status s;

	cancel_stmt_init(st, lines_sql);
	if ((s = cancel_lines_params(req->order_no, req->lines, req->nlines, st, err)) != OMS_OK)
		return s;
	if ((s = app_text_arg(st, "a reason (BR-023)", req->reason, true, err)) != OMS_OK)
		return s;
	return app_text_arg(st, "the note", req->note, false, err);
}

enum oms_status
cancel_lines_parse(const struct db_result *r, struct cancel_result *res, struct oms_error *err)
{
	return cancel_order_parse(r, res, err);
}

enum oms_status
cancel_lines_preview_stmt(long long order_no, const struct cancel_line *lines, int nlines,
			  struct app_stmt *st, struct oms_error *err)
{
	cancel_stmt_init(st, preview_sql);
	return cancel_lines_params(order_no, lines, nlines, st, err);
}

enum oms_status
cancel_lines_preview_parse(const struct db_result *r, struct cancel_lines_preview *p,
			   struct oms_error *err)
{
	const struct row_desc *d = &row_cancel_preview;
	enum oms_status st = cancel_verdict_row(r, d, OMS_DB, &p->e, err);

	p->cancels_order = st == OMS_OK && row_value_bool(d, r, 0, "cancels_order");
	return st;
}

enum oms_status
decide_cancellation_stmt(long long cancellation_id, bool approve, const char *note,
			 struct app_stmt *st, struct oms_error *err)
{
	cancel_stmt_init(st, decide_sql);
	if (cancellation_id <= 0)
		return oms_fail(err, OMS_INVALID, "no such cancellation");
	app_stmt_ll(st, cancellation_id);
	app_stmt_bool(st, approve);
	/* a refusal must say why; an approval may */
	return app_text_arg(st, "a note", note, !approve, err);
}

/* --- waiting for the seller's approval (BR-025) -------------------------- */

void
pending_cancellations_stmt(int limit, long long after_id, struct app_stmt *st)
{
	cancel_stmt_init(st, pending_sql);
	app_stmt_ll(st, limit > 0 ? limit : 50);
	if (after_id > 0)
		app_stmt_ll(st, after_id);
	else
		app_stmt_text(st, NULL);
}
