/* The exports of the lists of other screens (ui/export.h): their own
 * statements, page by page, so the file holds every row the screen's
 * filter selects, not only those read so far. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "export.h"

static void
lookup_page(const void *arg, const char *after, int limit, struct app_stmt *st)
{
	lookup_stmt(arg, limit, after, st);
}

int
ui_export_lookup(struct ui *ui, const struct lookup_query *q)
{
	struct view *v = view_export_pages_new(ui, "lookup", &row_lookup, lookup_page, q, sizeof *q,
					       "sort_key");

	if (v)
		ui_push(ui, v);
	return UI_HANDLED | UI_REDRAW;
}

struct history_arg {
	long long customer_id;
	struct history_filter f;
};

static void
history_page(const void *arg, const char *after, int limit, struct app_stmt *st)
{
	const struct history_arg *h = arg;

	customer_orders_stmt(h->customer_id, &h->f, after ? strtoll(after, NULL, 10) : 0, limit, st);
}

int
ui_export_history(struct ui *ui, long long customer_id, const struct history_filter *f)
{
	struct history_arg h = { customer_id, *f };
	struct view *v = view_export_pages_new(ui, "customer orders", &row_history, history_page, &h,
					       sizeof h, "order_no");

	if (v)
		ui_push(ui, v);
	return UI_HANDLED | UI_REDRAW;
}

static void
pending_page(const void *arg, const char *after, int limit, struct app_stmt *st)
{
	long long id = after ? strtoll(after, NULL, 10) : 0;

	if (*(const bool *)arg)
		pending_refunds_stmt(limit, id, st);
	else
		pending_cancellations_stmt(limit, id, st);
}

int
ui_export_pending(struct ui *ui, bool refunds)
{
	const struct row_desc *d = refunds ? &row_pending_refund : &row_pending_cancellation;
	struct view *v = view_export_pages_new(ui, refunds ? "refunds waiting" : "cancellations waiting",
					       d, pending_page, &refunds, sizeof refunds, d->key);

	if (v)
		ui_push(ui, v);
	return UI_HANDLED | UI_REDRAW;
}
