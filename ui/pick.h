/* A small menu to pick one value for a list's filter (issue 13): a box over
 * the lower part of the screen below it, one row per value, each with a
 * key that picks it at once ("o" open, "6" DELIVERED); Up/Down and Enter
 * (or Space) pick the selected row, Esc (or the key that opened it) closes
 * it without a change. The value now in force is marked. What is picked
 * goes to the screen that opened the menu through its callback.
 *
 * The order status filter (the customer's history, and any list filtered
 * by order status later) has its values here: a group (open, shipped but
 * not delivered, cancelled, any) or one status, as oms_api.customer_orders
 * takes them. */
#ifndef OMS_UI_PICK_H
#define OMS_UI_PICK_H

#include "ui.h"

struct ui_pick_item {
	int key;               /* picks it at once ('o', '1'); 0: none */
	const char *value;     /* what the owner gets ("" = any) */
	const char *label;     /* "Open: not delivered, not cancelled" */
};

/* Called with the value picked; returns UI_* flags for the owner. */
typedef int ui_pick_fn(struct view *owner, const char *value);

/* A dialog over owner (pushed with ui_push by the caller); items must
 * outlive it. closer: the action that opened it (it closes it again), or
 * 0. NULL when out of memory. */
struct view *view_pick_new(struct ui *ui, struct view *owner, const char *title,
			   const struct ui_pick_item *items, int n, const char *current,
			   int closer, ui_pick_fn *fn);

/* The order status filter's values: groups, then the statuses. */
extern const struct ui_pick_item ui_status_filter_items[];
extern const int ui_status_filter_count;
/* The words for a filter value in a list's title: "any status", "open",
 * "shipped, not delivered", "DELIVERED". */
const char *ui_status_filter_words(const char *value);

#endif
