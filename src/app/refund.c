#include "config.h"

/* Refunds: a ledger of what was granted (amount, reason, approval) and what
 * the gateway executed (status, provider id). Read only here; refunds are
 * created by cancellations and oms_api.request_refund.
 *
 * There is no oms_api read function for refunds across orders yet, so this
 * reads oms.refund directly: reads are allowed to staff with row-level
 * security (a fulfilment login sees its seller's refunds only), exactly as
 * an oms_api SECURITY INVOKER function would. */

#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "app/appint.h"
#include "db/db.h"

#define REFUND_COLS \
	"r.id, o.order_no, r.cancellation_id, r.amount_minor, r.currency, r.status, " \
	"r.approval, r.reason, r.note, r.requested_by, r.approved_by, " \
	"to_json(date_trunc('second', r.created_at)) #>> '{}' AS created_at, " \
	"to_json(date_trunc('second', r.approved_at)) #>> '{}' AS approved_at, " \
	"to_json(date_trunc('second', r.executed_at)) #>> '{}' AS executed_at, " \
	"r.provider_refund_id, r.decision_note, r.last_message "

static const char *const refund_status_names[] = {"not_sent", "pending", "succeeded",
						   "failed", "canceled", NULL};

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
	app_stmt_init(st, "SELECT " REFUND_COLS
			  "FROM oms.refund r JOIN oms.orders o ON o.id = r.order_id "
			  "WHERE ($1::text IS NULL OR r.status = $1 OR r.approval = $1) "
			  "AND ($2::bigint IS NULL OR o.order_no = $2) "
			  "AND ($3::bigint IS NULL OR r.id < $3) "
			  "ORDER BY r.id DESC LIMIT $4::int");
	if (f && f->status[0] && !refund_status_valid(f->status) &&
	    strcmp(f->status, "approved") != 0 && strcmp(f->status, "rejected") != 0 &&
	    strcmp(f->status, "auto") != 0)
		return oms_fail(err, OMS_USAGE,
				"unknown refund status \"%.24s\" (not_sent, pending, succeeded, "
				"failed, canceled; or approval: auto, approved, rejected)", f->status);
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
	app_stmt_init(st, "SELECT " REFUND_COLS
			  "FROM oms.refund r JOIN oms.orders o ON o.id = r.order_id "
			  "WHERE r.id = $1::bigint");
	app_stmt_ll(st, refund_id);
}

int
refund_rows(const struct db_result *r, struct refund_row **rows, struct oms_error *err)
{
	static const char *const cols[] = {"id", "order_no", "amount_minor", "currency", "status",
					   "approval", "reason", "created_at", "executed_at",
					   "provider_refund_id", NULL};
	struct refund_row *v;
	int n;

	*rows = NULL;
	if (app_cols_check(r, cols, err) != OMS_OK)
		return -1;
	n = db_rows(r);
	v = calloc(n > 0 ? (size_t)n : 1, sizeof *v);
	if (!v) {
		oms_fail(err, OMS_NOMEM, "out of memory");
		return -1;
	}
	for (int i = 0; i < n; i++) {
		struct refund_row *w = &v[i];

		w->id = app_col_ll(r, i, "id");
		w->order_no = app_col_ll(r, i, "order_no");
		w->cancellation_id = app_col_ll(r, i, "cancellation_id");
		w->amount_minor = app_col_ll(r, i, "amount_minor");
		app_col_str(r, i, "currency", w->currency, sizeof w->currency);
		app_col_str(r, i, "status", w->status, sizeof w->status);
		app_col_str(r, i, "approval", w->approval, sizeof w->approval);
		app_col_str(r, i, "reason", w->reason, sizeof w->reason);
		app_col_str(r, i, "note", w->note, sizeof w->note);
		app_col_str(r, i, "requested_by", w->requested_by, sizeof w->requested_by);
		app_col_str(r, i, "approved_by", w->approved_by, sizeof w->approved_by);
		app_col_str(r, i, "created_at", w->created_at, sizeof w->created_at);
		app_col_str(r, i, "approved_at", w->approved_at, sizeof w->approved_at);
		app_col_str(r, i, "executed_at", w->executed_at, sizeof w->executed_at);
		app_col_str(r, i, "provider_refund_id", w->provider_refund_id,
			    sizeof w->provider_refund_id);
		app_col_str(r, i, "decision_note", w->decision_note, sizeof w->decision_note);
		app_col_str(r, i, "last_message", w->last_message, sizeof w->last_message);
	}
	*rows = v;
	return n;
}
