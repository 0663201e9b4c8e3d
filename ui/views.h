/* Constructors of the screens; each returns NULL when out of memory. */
#ifndef OMS_UI_VIEWS_H
#define OMS_UI_VIEWS_H

#include "ui.h"

struct view *view_lookup_new(struct ui *ui);
struct view *view_order_new(struct ui *ui, long long order_no);
struct view *view_customer_new(struct ui *ui, long long customer_id);
struct view *view_help_new(struct ui *ui);
/* parent: the order view, refreshed when the cancellation is done. */
struct view *view_cancel_new(struct ui *ui, struct view *parent, long long order_no,
			     const char *verdict, const char *reason,
			     long long refund_minor, const char *currency, bool needs_override);

/* Refund dialog (ui/view_refund.c) over the order view `parent` (reloaded
 * once the refund is asked for); card: its oms_api.order_card.
 * view_refund_allowed: the role may ask for refunds (csr, admin) and the
 * order has something left to refund. */
struct view *view_refund_new(struct ui *ui, struct view *parent, const json_t *card);
bool view_refund_allowed(const struct ui *ui, const json_t *card);

/* Approvals (ui/view_approvals.c): cancellations (administrators: and
 * refunds) waiting for a decision.
 * view_approvals_allowed: the role may decide (fulfilment, admin). */
struct view *view_approvals_new(struct ui *ui);
bool view_approvals_allowed(const struct ui *ui);

/* The fulfilment queue (ui/view_queue.c, issue 11): the seller's CONFIRMED
 * orders oldest first with the 24-hour ship promise; ships them one by
 * one or marked, in one pass. Fulfilment's home. */
struct view *view_queue_new(struct ui *ui);
/* The label dialog over the queue (ui/view_label.c): buys order_no's
 * label at the carrier aggregator and ships it; parent is reloaded after. */
struct view *view_label_new(struct ui *ui, struct view *parent, long long order_no);
/* The shipment review list (ui/view_reviews.c, issue 11): stuck, lost and
 * returned parcels and delivery exceptions; CSRs and admins decide. */
struct view *view_reviews_new(struct ui *ui);

/* The menu of the screens the role may open (ui/view_menu.c). */
struct view *view_menu_new(struct ui *ui);
/* The report screen (ui/view_reports.c, issue 10): the reports of oms_api
 * over a period, a table, a chart, the orders behind a figure, export;
 * read over the report connection. The analyst's home. The dashboard,
 * the orders behind a figure and export: ui/report_view.h, ui/export.h. */
struct view *view_reports_new(struct ui *ui);
/* The lookup was never used (nothing typed): the role home may replace it. */
bool view_lookup_untouched(struct view *v);

/* The lookup screen's reaction to the search action (focus the input). */
void view_lookup_focus(struct view *v);

#endif
