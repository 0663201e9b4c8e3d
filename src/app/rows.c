#include "config.h"

/* The row types, each described once (row.h): the result's columns in the
 * order of the text table (the columns without a heading follow), their
 * types, headings, alignment and whether they hold personal data. The
 * column checks of the parsers, the CLI's text, CSV and JSON and the
 * terminal client's list rows are derived from these. */

#include "app/row.h"

#define NCOLS(a) ((int)(sizeof a / sizeof a[0]))

/* oms_api.refunds (refund list) and oms_api.refund_card's fields. */
static const struct row_col refund_cols[] = {
	{"id", ROW_INT, "ID", 'r', false, NULL, 0, NULL},
	{"order_no", ROW_INT, "ORDER", 'r', false, NULL, 0, NULL},
	{"amount_minor", ROW_MONEY, "AMOUNT", 'r', false, "currency", 0, NULL},
	{"status", ROW_TEXT, "STATUS", 'l', false, NULL, 0, NULL},
	{"approval", ROW_TEXT, "APPROVAL", 'l', false, NULL, 0, NULL},
	{"created_at", ROW_TIME, "CREATED", 'l', false, NULL, 0, NULL},
	{"executed_at", ROW_TIME, "EXECUTED", 'l', false, NULL, 0, NULL},
	{"reason", ROW_TEXT, "REASON", 'l', true, NULL, 0, NULL},
	{"cancellation_id", ROW_ID, NULL, 'r', false, NULL, 0, NULL},
	{"currency", ROW_TEXT, NULL, 'l', false, NULL, 0, NULL},
	{"provider_refund_id", ROW_TEXT, NULL, 'l', false, NULL, 0, NULL},
	{"note", ROW_TEXT, NULL, 'l', true, NULL, 0, NULL},
	{"requested_by", ROW_TEXT, NULL, 'l', false, NULL, 0, NULL},
	{"approved_by", ROW_TEXT, NULL, 'l', false, NULL, 0, NULL},
	{"approved_at", ROW_TIME, NULL, 'l', false, NULL, 0, NULL},
	{"decision_note", ROW_TEXT, NULL, 'l', true, NULL, 0, NULL},
	{"last_message", ROW_TEXT, NULL, 'l', false, NULL, 0, NULL},
};
const struct row_desc row_refund = {"refunds", refund_cols, NCOLS(refund_cols), NULL,
				    "no refunds found", NULL};

/* oms_api.pending_refunds: waiting for an administrator (BR-027). */
static const struct row_col pending_refund_cols[] = {
	{"refund_id", ROW_INT, "ID", 'r', false, NULL, 0, NULL},
	{"order_no", ROW_INT, "ORDER", 'r', false, NULL, 0, NULL},
	{"amount_minor", ROW_MONEY, "AMOUNT", 'r', false, "currency", 0, NULL},
	{"status", ROW_TEXT, "STATUS", 'l', false, NULL, 0, NULL},
	{"requested_at", ROW_TIME, "REQUESTED", 'l', false, NULL, 0, NULL},
	{"requested_by", ROW_TEXT, "BY", 'l', false, NULL, 0, NULL},
	{"refundable_minor", ROW_MONEY, "LEFT AFTER", 'r', false, "currency", 0, NULL},
	{"seller_name", ROW_TEXT, "SELLER", 'l', false, NULL, 0, NULL},
	{"reason", ROW_TEXT, "REASON", 'l', true, NULL, 0, NULL},
	{"note", ROW_TEXT, NULL, 'l', true, NULL, 0, NULL},
	{"currency", ROW_TEXT, NULL, 'l', false, NULL, 0, NULL},
};
/* The approvals screen's two lists (pending refunds, pending
 * cancellations): order, when, by whom, why, how much. */
#define APPROVALS_SCREEN(reason, amount) { \
	{"order_no", 10, 10, false}, \
	{"requested_at", 17, 11, false}, \
	{"requested_by", 16, 12, false}, \
	{reason, 0, 0, false}, \
	{amount, 12, 12, true}, \
}
static const struct row_screen_col pending_refund_screen_cols[] =
	APPROVALS_SCREEN("reason", "amount_minor");
static const struct row_screen pending_refund_screen = {
	pending_refund_screen_cols, NCOLS(pending_refund_screen_cols), 1};
const struct row_desc row_pending_refund = {"refunds", pending_refund_cols, NCOLS(pending_refund_cols),
					    "refund_id", "no refund waits for approval",
					    &pending_refund_screen};

/* oms_api.pending_cancellations: waiting for the seller (BR-025). */
static const struct row_col pending_cancellation_cols[] = {
	{"cancellation_id", ROW_INT, "ID", 'r', false, NULL, 0, NULL},
	{"order_no", ROW_INT, "ORDER", 'r', false, NULL, 0, NULL},
	{"status", ROW_TEXT, "STATUS", 'l', false, NULL, 0, NULL},
	{"requested_at", ROW_TIME, "REQUESTED", 'l', false, NULL, 0, NULL},
	{"requested_by", ROW_TEXT, "BY", 'l', false, NULL, 0, NULL},
	{"reason_label", ROW_TEXT, "REASON", 'l', false, "reason_code", 0, NULL},
	{"refund_minor", ROW_MONEY, "REFUND", 'r', false, "currency", 0, NULL},
	{"seller_name", ROW_TEXT, "SELLER", 'l', false, NULL, 0, NULL},
	{"note", ROW_TEXT, "NOTE", 'l', true, NULL, 0, NULL},
	{"reason_code", ROW_TEXT, NULL, 'l', false, NULL, 0, NULL},
	{"currency", ROW_TEXT, NULL, 'l', false, NULL, 0, NULL},
};
static const struct row_screen_col pending_cancellation_screen_cols[] =
	APPROVALS_SCREEN("reason_label", "refund_minor");
static const struct row_screen pending_cancellation_screen = {
	pending_cancellation_screen_cols, NCOLS(pending_cancellation_screen_cols), 1};
const struct row_desc row_pending_cancellation = {"cancellations", pending_cancellation_cols,
						  NCOLS(pending_cancellation_cols), "cancellation_id",
						  "no cancellation waits for approval",
						  &pending_cancellation_screen};

/* oms_api.jobs: the worker's outbox (administrators). The error column
 * shows 60 bytes in the table; next_attempt_at only while a job is due
 * or leased. */
static const struct row_col job_cols[] = {
	{"id", ROW_INT, "ID", 'r', false, NULL, 0, NULL},
	{"kind", ROW_TEXT, "KIND", 'l', false, NULL, 0, NULL},
	{"status", ROW_TEXT, "STATUS", 'l', false, NULL, 0, NULL},
	{"attempts", ROW_INT, "TRIES", 'r', false, NULL, 0, NULL},
	{"next_attempt_at", ROW_TIME, "NEXT", 'l', false, NULL, 0, "ready|running"},
	{"order_no", ROW_ID, "ORDER", 'r', false, NULL, 0, NULL},
	{"refund_id", ROW_ID, "REFUND", 'r', false, NULL, 0, NULL},
	{"updated_at", ROW_TIME, "UPDATED", 'l', false, NULL, 0, NULL},
	{"last_error", ROW_TEXT, "ERROR", 'l', false, NULL, 60, NULL},
	{"created_at", ROW_TIME, NULL, 'l', false, NULL, 0, NULL},
};
const struct row_desc row_job = {"jobs", job_cols, NCOLS(job_cols), "id", "no jobs found", NULL};

/* oms_api.cancel_reasons (BR-023). */
static const struct row_col reason_cols[] = {
	{"code", ROW_TEXT, "CODE", 'l', false, NULL, 0, NULL},
	{"label", ROW_TEXT, "LABEL", 'l', false, NULL, 0, NULL},
	{"requires_note", ROW_BOOL, "NOTE", 'l', false, "required", 0, NULL},
};
const struct row_desc row_reason = {"reasons", reason_cols, NCOLS(reason_cols), NULL,
				    "no cancellation reason is in use", NULL};

/* oms_api.lookup: orders and customers found (find). */
static const struct row_col lookup_cols[] = {
	{"kind", ROW_TEXT, "KIND", 'l', false, NULL, 0, NULL},
	{"order_no", ROW_ID, "ORDER", 'r', false, NULL, 0, NULL},
	{"status", ROW_TEXT, "STATUS", 'l', false, NULL, 0, NULL},
	{"placed_at", ROW_TIME, "PLACED", 'l', false, NULL, 0, NULL},
	{"total_minor", ROW_MONEY, "TOTAL", 'r', false, "currency", 0, NULL},
	{"full_name", ROW_TEXT, "CUSTOMER", 'l', true, NULL, 0, NULL},
	{"email", ROW_TEXT, "EMAIL", 'l', true, NULL, 0, NULL},
	{"phone", ROW_PHONE, "PHONE", 'l', true, NULL, 0, NULL},
	/* a customer's city and last order, to tell similar names apart;
	 * an order's flagged shipment (issue 13) */
	{"city", ROW_TEXT, "CITY", 'l', true, NULL, 0, NULL},
	{"last_order_at", ROW_TIME, "LAST ORDER", 'l', false, NULL, 0, NULL},
	{"stuck", ROW_BOOL, NULL, 'l', false, NULL, 0, NULL},
	{"customer_id", ROW_ID, NULL, 'r', false, NULL, 0, NULL},
	{"currency", ROW_TEXT, NULL, 'l', false, NULL, 0, NULL},
	{"sort_key", ROW_TEXT, NULL, 'l', false, NULL, 0, NULL},
};
const struct row_desc row_lookup = {"rows", lookup_cols, NCOLS(lookup_cols), "sort_key",
				    "nothing found", NULL};

/* oms_api.customer_orders: a customer's order history. */
static const struct row_col history_cols[] = {
	{"order_no", ROW_INT, "ORDER", 'r', false, NULL, 0, NULL},
	{"placed_at", ROW_TIME, "PLACED", 'l', false, NULL, 0, NULL},
	{"status", ROW_TEXT, "STATUS", 'l', false, NULL, 0, NULL},
	{"items", ROW_INT, "ITEMS", 'r', false, NULL, 0, NULL},
	{"total_minor", ROW_MONEY, "TOTAL", 'r', false, "currency", 0, NULL},
	{"seller_name", ROW_TEXT, "SELLER", 'l', false, NULL, 0, NULL},
	{"currency", ROW_TEXT, NULL, 'l', false, NULL, 0, NULL},
	/* a shipment flagged (no movement): the screen marks the status */
	{"stuck", ROW_BOOL, NULL, 'l', false, NULL, 0, NULL},
};
/* The customer screen's history (its rows coloured by status). */
static const struct row_screen_col history_screen_cols[] = {
	{"order_no", 10, 10, false},
	{"placed_at", 17, 11, false},
	{"status", 19, 12, false},
	{"seller_name", 0, 0, false},
	{"items", 6, 6, true},
	{"total_minor", 12, 12, true},
};
static const struct row_screen history_screen = {
	history_screen_cols, NCOLS(history_screen_cols), 0};
const struct row_desc row_history = {"orders", history_cols, NCOLS(history_cols), NULL,
				     "no orders", &history_screen};

/* --- one-row results ---------------------------------------------------------
 * The cancel path's answers: read by cancel.c's parsers into the structs of
 * app.h, never written as a list (no headings). Their statements select
 * these columns in this order. */

/* oms_api.cancel_eligibility: may the caller cancel the whole order (BR-014,
 * BR-020..024), and what refund would follow. No row: no such order. */
static const struct row_col cancel_eligibility_cols[] = {
	{"verdict", ROW_TEXT, NULL, 'l', false, NULL, 0, NULL},
	{"reason", ROW_TEXT, NULL, 'l', false, NULL, 0, NULL},
	{"refund_minor", ROW_MONEY, NULL, 'r', false, "currency", 0, NULL},
	{"currency", ROW_TEXT, NULL, 'l', false, NULL, 0, NULL},
	{"needs_override", ROW_BOOL, NULL, 'l', false, NULL, 0, NULL},
};
const struct row_desc row_cancel_eligibility = {"cancel_eligibility", cancel_eligibility_cols,
						NCOLS(cancel_eligibility_cols), NULL, NULL, NULL};

/* oms_api.cancel_lines_preview: the same verdict for some lines, and
 * whether no unit would remain (no override for lines). */
static const struct row_col cancel_preview_cols[] = {
	{"verdict", ROW_TEXT, NULL, 'l', false, NULL, 0, NULL},
	{"reason", ROW_TEXT, NULL, 'l', false, NULL, 0, NULL},
	{"refund_minor", ROW_MONEY, NULL, 'r', false, "currency", 0, NULL},
	{"currency", ROW_TEXT, NULL, 'l', false, NULL, 0, NULL},
	{"cancels_order", ROW_BOOL, NULL, 'l', false, NULL, 0, NULL},
};
const struct row_desc row_cancel_preview = {"cancel_preview", cancel_preview_cols,
					    NCOLS(cancel_preview_cols), NULL, NULL, NULL};

/* oms_api.cancel_order, cancel_lines and decide_cancellation: the
 * cancellation, its state ("done" | "pending_approval") and its refund
 * (NULL: none, the order was unpaid). */
static const struct row_col cancel_result_cols[] = {
	{"cancellation_id", ROW_INT, NULL, 'r', false, NULL, 0, NULL},
	{"state", ROW_TEXT, NULL, 'l', false, NULL, 0, NULL},
	{"refund_id", ROW_ID, NULL, 'r', false, NULL, 0, NULL},
};
const struct row_desc row_cancel_result = {"cancellation", cancel_result_cols,
					   NCOLS(cancel_result_cols), NULL, NULL, NULL};
