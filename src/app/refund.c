#include "config.h"

/* Refunds: a ledger of what was granted (amount, reason, approval) and what
 * the gateway executed (status, provider id). Read through oms_api.refunds
 * and oms_api.refund_card (SECURITY INVOKER: a fulfilment login sees its
 * seller's refunds only); written by cancellations, oms_api.request_refund
 * (a CSR's partial refund, waiting for an administrator, BR-027/BR-028)
 * and oms_api.decide_refund. Whether an amount may be refunded is the
 * database's decision. */

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "app/appint.h"
#include "app/row.h"
#include "db/db.h"

/* Both statements read row_refund's columns, named once in rows.c: the list
 * selects them from oms_api.refunds (times as to_json writes them, to the
 * second), the card (a jsonb object with the same keys and more) becomes
 * one row of them through jsonb_to_record, or none when the refund does not
 * exist or the caller may not see it. The pending refunds select
 * row_pending_refund's the same way. Built once. */
static char refund_list_sql[2048], refund_card_sql[2048], pending_refunds_sql[1024];
static pthread_once_t refund_sql_once = PTHREAD_ONCE_INIT;

static void
refund_sql_build(void)
{
	char cols[1536], def[1536];

	if (!row_select_list(&row_refund, "r", cols, sizeof cols) ||
	    !row_record_def(&row_refund, def, sizeof def))
		abort();        /* the descriptor outgrew the buffers: a build-time fact */
	snprintf(refund_list_sql, sizeof refund_list_sql,
		 "SELECT %s FROM oms_api.refunds($1::text, $2::bigint, $3::bigint, $4::int) r", cols);
	snprintf(refund_card_sql, sizeof refund_card_sql,
		 "SELECT r.* FROM jsonb_to_record(oms_api.refund_card($1::bigint)) AS r(%s) "
		 "WHERE r.id IS NOT NULL", def);
	if (!row_select_list(&row_pending_refund, "p", cols, sizeof cols) ||
	    snprintf(pending_refunds_sql, sizeof pending_refunds_sql,
		     "SELECT %s FROM oms_api.pending_refunds($1::int, $2::bigint) p",
		     cols) >= (int)sizeof pending_refunds_sql)
		abort();
}

static const char *const refund_status_names[] = {"not_sent", "pending", "succeeded",
						   "failed", "canceled",
						   /* issue 12: the gateway's word was lost,
						    * a refusal, a wrong answer, paid back
						    * another way */
						   "unknown", "refused", "discrepancy",
						   "settled_outside", NULL};

bool
refund_status_valid(const char *s)
{
	for (int i = 0; s && refund_status_names[i]; i++)
		if (strcmp(s, refund_status_names[i]) == 0)
			return true;
	return false;
}

enum oms_status
refund_list_stmt(const struct refund_filter *f, long long after_id, int limit,
		 struct app_stmt *st, struct oms_error *err)
{
	pthread_once(&refund_sql_once, refund_sql_build);
	app_stmt_init(st, refund_list_sql);
	if (f && f->status[0] && !refund_status_valid(f->status) &&
	    strcmp(f->status, "approved") != 0 && strcmp(f->status, "rejected") != 0 &&
	    strcmp(f->status, "auto") != 0 && strcmp(f->status, "pending") != 0)
		return oms_fail(err, OMS_USAGE,
				"unknown refund status \"%.24s\" (not_sent, pending, succeeded, "
				"failed, canceled, unknown, refused, discrepancy, settled_outside; "
				"or approval: auto, approved, rejected)", f->status);
	app_stmt_text(st, f && f->status[0] ? f->status : NULL);
	if (f && f->order_no > 0)
		app_stmt_ll(st, f->order_no);
	else
		app_stmt_text(st, NULL);
	if (after_id > 0)
		app_stmt_ll(st, after_id);
	else
		app_stmt_text(st, NULL);
	app_stmt_ll(st, limit > 0 ? limit : 50);
	return OMS_OK;
}

void
refund_show_stmt(long long refund_id, struct app_stmt *st)
{
	pthread_once(&refund_sql_once, refund_sql_build);
	app_stmt_init(st, refund_card_sql);
	app_stmt_ll(st, refund_id);
}

/* --- waiting for an administrator (BR-027) ------------------------------- */

void
pending_refunds_stmt(int limit, long long after_id, struct app_stmt *st)
{
	pthread_once(&refund_sql_once, refund_sql_build);
	app_stmt_init(st, pending_refunds_sql);
	app_stmt_ll(st, limit > 0 ? limit : 50);
	if (after_id > 0)
		app_stmt_ll(st, after_id);
	else
		app_stmt_text(st, NULL);
}

enum oms_status
request_refund_stmt(const struct refund_request *req, struct app_stmt *st, struct oms_error *err)
{
	enum oms_status s;

	app_stmt_init(st, "SELECT oms_api.request_refund($1::bigint, $2::bigint, $3, $4, $5::uuid) "
			  "AS refund_id");
	if (!order_no_valid(req->order_no))
		return oms_fail(err, OMS_INVALID, "%lld is not a valid order number", req->order_no);
	if (req->amount_minor <= 0)
		return oms_fail(err, OMS_INVALID, "a refund amount must be positive");
	if (req->request_key && !app_uuid_valid(req->request_key))
		return oms_fail(err, OMS_INVALID, "the request key is not a UUID "
				"(8-4-4-4-12 hexadecimal digits)");
	app_stmt_ll(st, req->order_no);
	app_stmt_ll(st, req->amount_minor);
	if ((s = app_text_arg(st, "a reason", req->reason, true, err)) != OMS_OK ||
	    (s = app_text_arg(st, "the note", req->note, false, err)) != OMS_OK)
		return s;
	app_stmt_text(st, req->request_key);
	return OMS_OK;
}

enum oms_status
request_refund_parse(const struct db_result *r, long long *refund_id, struct oms_error *err)
{
	static const char *const cols[] = {"refund_id", NULL};
	enum oms_status st;

	*refund_id = 0;
	if ((st = app_cols_check(r, cols, err)) != OMS_OK)
		return st;
	if (db_rows(r) < 1 || !(*refund_id = app_col_ll(r, 0, "refund_id")))
		return oms_fail(err, OMS_DB, "the refund request returned nothing");
	return OMS_OK;
}

enum oms_status
decide_refund_stmt(long long refund_id, bool approve, const char *note, struct app_stmt *st,
		   struct oms_error *err)
{
	app_stmt_init(st, "SELECT oms_api.decide_refund($1::bigint, $2::boolean, $3)");
	if (refund_id <= 0)
		return oms_fail(err, OMS_INVALID, "no such refund");
	app_stmt_ll(st, refund_id);
	app_stmt_bool(st, approve);
	/* the database takes a refusal without a note; we ask for one so the
	 * CSR who requested it can tell the customer why */
	return app_text_arg(st, "a note", note, !approve, err);
}

/* --- for the refund dialog ------------------------------------------------ */

void
refund_amount_input(long long minor, const char *currency, char *buf, size_t len)
{
	long long unit = 1;
	int exp = 0;                /* 0, 2 or 3 */

	/* "1" parsed in the currency is one major unit: its minor units tell
	 * the number of decimals (money.c keeps the ISO 4217 table) */
	if (money_parse("1", currency, &unit))
		for (long long u = unit; u >= 10; u /= 10)
			exp++;
	if (minor < 0)
		minor = 0;
	if (exp == 0)
		snprintf(buf, len, "%lld", minor);
	else
		snprintf(buf, len, "%lld.%0*lld", minor / unit, exp > 3 ? 3 : exp, minor % unit);
}

long long
refund_line_value(const json_t *line, long long refundable_minor)
{
	long long qty = app_json_ll(line, "qty"), done = app_json_ll(line, "cancelled_qty");
	long long price = app_json_ll(line, "unit_price_minor");

	/* the database keeps 0 <= cancelled_qty <= qty and prices >= 0; any
	 * other JSON still gives no negative suggestion and no overflow */
	if (done < 0)
		done = 0;
	if (qty <= done || price <= 0 || refundable_minor <= 0)
		return 0;
	qty -= done;
	if (qty > refundable_minor / price)
		return refundable_minor;      /* qty * price > refundable_minor */
	return qty * price;
}

/* The words of a BR-028 refusal, its amounts as money. */
static void
refusal_words(long long asked, long long left, long long order_no, const char *currency,
	      char *buf, size_t len)
{
	char a[48], b[48];

	money_format(asked, currency, a, sizeof a);
	money_format(left, currency, b, sizeof b);
	snprintf(buf, len, "BR-028: %s is more than the %s left to refund on order %lld.",
		 a, b, order_no);
}

static bool
json_whole(const json_t *d, const char *key, long long *v)
{
	const json_t *x = json_object_get(d, key);

	if (!json_is_integer(x))
		return false;
	*v = (long long)json_integer_value(x);
	return true;
}

bool
refund_refusal_text(const struct oms_error *err, const char *currency, char *buf, size_t len)
{
	long long asked, left, order_no;
	json_t *d;
	const char *cur;
	bool ok;

	if (!err || err->status != OMS_RULE)
		return false;
	/* The amounts come from the refusal's DETAIL (sql/functions:
	 * oms.refuse), never from its words: a server without it gets the
	 * message as it is. */
	if (!(d = app_error_detail(err)))
		return false;
	cur = json_string_value(json_object_get(d, "currency"));
	ok = json_is_string(json_object_get(d, "rule")) &&
	     strcmp(json_string_value(json_object_get(d, "rule")), "BR-028") == 0 &&
	     json_whole(d, "amount_minor", &asked) && json_whole(d, "left_minor", &left) &&
	     json_whole(d, "order_no", &order_no);
	if (ok)
		refusal_words(asked, left, order_no, cur && strlen(cur) == 3 ? cur : currency, buf, len);
	json_decref(d);
	return ok;
}
