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

/* The statements of the reasons and of the pending cancellations select
 * their descriptors' columns (rows.c: row_reason, row_pending_cancellation),
 * named there once. Built once. */
static char reasons_sql[512], pending_sql[1024];
static pthread_once_t cancel_sql_once = PTHREAD_ONCE_INIT;

static void
cancel_sql_build(void)
{
	char cols[768];

	if (!row_select_list(&row_reason, "r", cols, sizeof cols) ||
	    snprintf(reasons_sql, sizeof reasons_sql,
		     "SELECT %s FROM oms_api.cancel_reasons() r", cols) >= (int)sizeof reasons_sql)
		abort();        /* the descriptor outgrew the buffers: a build-time fact */
	if (!row_select_list(&row_pending_cancellation, "p", cols, sizeof cols) ||
	    snprintf(pending_sql, sizeof pending_sql,
		     "SELECT %s FROM oms_api.pending_cancellations($1::int, $2::bigint) p",
		     cols) >= (int)sizeof pending_sql)
		abort();
}

void
cancel_reasons_stmt(struct app_stmt *st)
{
	pthread_once(&cancel_sql_once, cancel_sql_build);
	app_stmt_init(st, reasons_sql);
}

void
cancel_eligibility_stmt(long long order_no, struct app_stmt *st)
{
	app_stmt_init(st, "SELECT verdict, reason, refund_minor, currency, needs_override "
			  "FROM oms_api.cancel_eligibility($1::bigint)");
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
 * cancel_eligibility and cancel_lines_preview share (cols: all the
 * columns expected); no row is `none`. */
static enum oms_status
cancel_verdict_row(const struct db_result *r, const char *const *cols, enum oms_status none,
		   struct cancel_eligibility *e, struct oms_error *err)
{
	enum oms_status st;

	memset(e, 0, sizeof *e);
	e->verdict = CANCEL_REFUSED;
	if ((st = app_cols_check(r, cols, err)) != OMS_OK)
		return st;
	if (db_rows(r) < 1)
		return oms_fail(err, none, none == OMS_NOT_FOUND ? "no such order" :
				"the database returned no row");
	app_col_str(r, 0, "verdict", e->verdict_text, sizeof e->verdict_text);
	app_col_str(r, 0, "reason", e->reason, sizeof e->reason);
	app_col_str(r, 0, "currency", e->currency, sizeof e->currency);
	e->refund_minor = app_col_ll(r, 0, "refund_minor");
	return cancel_verdict_parse(e->verdict_text, &e->verdict, err);
}

enum oms_status
cancel_eligibility_parse(const struct db_result *r, struct cancel_eligibility *e,
			 struct oms_error *err)
{
	static const char *const cols[] = {"verdict", "reason", "refund_minor", "currency",
					   "needs_override", NULL};
	enum oms_status st = cancel_verdict_row(r, cols, OMS_NOT_FOUND, e, err);

	if (st == OMS_OK)
		e->needs_override = app_col_bool(r, 0, "needs_override");
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

	app_stmt_init(st, "SELECT cancellation_id, state, refund_id "
			  "FROM oms_api.cancel_order($1::bigint, $2, $3, $4)");
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
	static const char *const cols[] = {"cancellation_id", "state", "refund_id", NULL};
	enum oms_status st;

	memset(res, 0, sizeof *res);
	if ((st = app_cols_check(r, cols, err)) != OMS_OK)
		return st;
	if (db_rows(r) < 1)
		return oms_fail(err, OMS_DB, "the cancellation returned nothing");
	res->cancellation_id = app_col_ll(r, 0, "cancellation_id");
	res->refund_id = app_col_ll(r, 0, "refund_id");
	app_col_str(r, 0, "state", res->state, sizeof res->state);
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
#define LINES_JSON "(SELECT jsonb_agg(jsonb_build_object('line_no', u.l, 'qty', u.q) ORDER BY u.n) " \
	"FROM unnest($2::int[], $3::int[]) WITH ORDINALITY AS u(l, q, n))"

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

	app_stmt_init(st, "SELECT cancellation_id, state, refund_id "
			  "FROM oms_api.cancel_lines($1::bigint, " LINES_JSON ", $4, $5)");
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
	app_stmt_init(st, "SELECT verdict, reason, refund_minor, currency, cancels_order "
			  "FROM oms_api.cancel_lines_preview($1::bigint, " LINES_JSON ")");
	return cancel_lines_params(order_no, lines, nlines, st, err);
}

enum oms_status
cancel_lines_preview_parse(const struct db_result *r, struct cancel_lines_preview *p,
			   struct oms_error *err)
{
	static const char *const cols[] = {"verdict", "reason", "refund_minor", "currency",
					   "cancels_order", NULL};
	enum oms_status st = cancel_verdict_row(r, cols, OMS_DB, &p->e, err);

	p->cancels_order = st == OMS_OK && app_col_bool(r, 0, "cancels_order");
	return st;
}

enum oms_status
decide_cancellation_stmt(long long cancellation_id, bool approve, const char *note,
			 struct app_stmt *st, struct oms_error *err)
{
	app_stmt_init(st, "SELECT * FROM oms_api.decide_cancellation($1::bigint, $2::boolean, $3)");
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
	pthread_once(&cancel_sql_once, cancel_sql_build);
	app_stmt_init(st, pending_sql);
	app_stmt_ll(st, limit > 0 ? limit : 50);
	if (after_id > 0)
		app_stmt_ll(st, after_id);
	else
		app_stmt_text(st, NULL);
}
