/* The customer's addresses and tickets, opened from the customer screen
 * (ui/view_tickets.c, issue 13). */
#ifndef OMS_UI_VIEW_TICKETS_H
#define OMS_UI_VIEW_TICKETS_H

#include <jansson.h>
#include "ui.h"

/* Every address of the customer, the default first; card: the
 * customer's oms_api.customer_card (its addresses are copied). */
struct view *view_addresses_new(struct ui *ui, const json_t *card);
/* Every ticket of the customer, open and closed, newest first (the card's
 * tickets); Enter opens the selected one. */
struct view *view_tickets_new(struct ui *ui, const json_t *card);
/* One ticket (oms_api.ticket_card): its messages, oldest first; Enter
 * opens its order. */
struct view *view_ticket_new(struct ui *ui, long long ticket_id);

#endif
