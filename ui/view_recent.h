/* Recently opened orders and customers (ui/view_recent.c, issue 13). */
#ifndef OMS_UI_VIEW_RECENT_H
#define OMS_UI_VIEW_RECENT_H

#include <stdbool.h>
#include "ui.h"

#define UI_RECENT_MAX 15

/* Notes that an order (customer false) or a customer was opened, with the
 * words that name it ("Zoë Ångström-Nakamura"); the newest first, once
 * each, the oldest forgotten beyond UI_RECENT_MAX. */
void ui_recent_note(bool customer, long long id, const char *words);
/* The list, newest first: Enter opens the one selected. */
struct view *view_recent_new(struct ui *ui);

#endif
