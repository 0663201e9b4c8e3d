/* Every action of the terminal client, in one table.
 *
 * The default key bindings, the help screen, oms.conf [keys] rebinding and
 * the KEYS section of oms(1) (ui/gen-keys) are all generated from this
 * X-macro, so they cannot drift apart. Columns:
 *   ID, name (as written in oms.conf, unique), scope (UI_SCOPE_TABLE), help
 *   text, up to three default keys (UI_KEY_NONE when unused).
 * Keys are ui key codes (ui/keymap.h): a character, UI_CTRL('x'),
 * UI_KEY_F(n) or one of the named UI_KEY_* codes. */
#ifndef OMS_UI_ACTIONS_H
#define OMS_UI_ACTIONS_H

#include "keymap.h"

/* Scopes: where an action's keys apply. The global scopes (GLOBAL in the
 * third column) apply on every screen; a screen's own scope and, in a
 * dialog, the dialog scope come first, so a key can mean one thing on a
 * screen and another elsewhere (tig's per-view keymaps). The title heads
 * the scope's section in the help screen and in oms(1). */
#define UI_SCOPE_TABLE(X) \
	X(GENERAL,  "General",          GLOBAL) \
	X(MOVE,     "Moving around",    GLOBAL) \
	X(SCREENS,  "Screens",          GLOBAL) \
	X(LOOKUP,   "Lookup",           SCREEN) \
	X(ORDER,    "Order",            SCREEN) \
	X(CUSTOMER, "Customer",         SCREEN) \
	X(APPROVALS, "Approvals (fulfilment, admin)", SCREEN) \
	X(QUEUE,    "Fulfilment queue (fulfilment, admin)", SCREEN) \
	X(REVIEWS,  "Shipment reviews (CSR, admin; fulfilment reads)", SCREEN) \
	X(DIALOG,   "Dialogs and prompts", DIALOG) \
	X(CANCEL,   "Cancel dialog",    SCREEN) \
	X(REPORTS,  "Reports (analysts, fulfilment, admins)", SCREEN)

#define UI_ACTION_TABLE(X) \
	X(HELP,          "help",          GENERAL, "Show this help", \
	  '?', UI_KEY_F(1), UI_KEY_NONE) \
	X(BACK,          "back",          GENERAL, "Go back to the previous screen", \
	  'q', UI_KEY_ESC, UI_KEY_NONE) \
	X(QUIT,          "quit",          GENERAL, "Quit oms (in a dialog, and on Q: asks first)", \
	  UI_KEY_F(10), 'Q', UI_KEY_NONE) \
	X(INTERRUPT,     "interrupt",     GENERAL, "Close the dialog, or ask \"Quit oms? y/n\"", \
	  UI_CTRL('c'), UI_KEY_NONE, UI_KEY_NONE) \
	X(SEARCH,        "search",        GENERAL, "Start a new lookup", \
	  '/', UI_KEY_NONE, UI_KEY_NONE) \
	X(REFRESH,       "refresh",       GENERAL, "Reload the screen from the database", \
	  UI_CTRL('r'), UI_KEY_F(5), UI_KEY_NONE) \
	X(REDRAW,        "redraw",        GENERAL, "Redraw the terminal", \
	  UI_CTRL('l'), UI_KEY_NONE, UI_KEY_NONE) \
	X(MESSAGES,      "messages",      GENERAL, "The last 50 messages of the status line", \
	  'M', UI_KEY_NONE, UI_KEY_NONE) \
	X(COPY,          "copy",          GENERAL, "Copy the order number (again: its tracking numbers, refund ids), the customer's e-mail or the selected row's (OSC 52)", \
	  'y', UI_KEY_NONE, UI_KEY_NONE) \
	X(UP,            "move-up",       MOVE,    "Move up one line", \
	  UI_KEY_UP, 'k', UI_KEY_NONE) \
	X(DOWN,          "move-down",     MOVE,    "Move down one line", \
	  UI_KEY_DOWN, 'j', UI_KEY_NONE) \
	X(PAGE_UP,       "page-up",       MOVE,    "Move up one page", \
	  UI_KEY_PGUP, UI_CTRL('b'), UI_KEY_NONE) \
	X(PAGE_DOWN,     "page-down",     MOVE,    "Move down one page", \
	  UI_KEY_PGDN, UI_CTRL('f'), UI_KEY_NONE) \
	X(FIRST,         "move-first",    MOVE,    "Jump to the first line", \
	  UI_KEY_HOME, 'g', UI_KEY_NONE) \
	X(LAST,          "move-last",     MOVE,    "Jump to the last line", \
	  UI_KEY_END, 'G', UI_KEY_NONE) \
	X(FIND_NEXT,     "find-next",     MOVE,    "In a list: the next row holding the text last found with /", \
	  'n', UI_KEY_NONE, UI_KEY_NONE) \
	X(FIND_PREV,     "find-prev",     MOVE,    "In a list: the previous row holding the text last found with /", \
	  'N', UI_KEY_NONE, UI_KEY_NONE) \
	X(OPEN,          "open",          MOVE,    "Open the selected order or customer", \
	  UI_KEY_ENTER, UI_KEY_NONE, UI_KEY_NONE) \
	X(NEXT_FIELD,    "next-field",    MOVE,    "Switch between the input line and the list", \
	  UI_KEY_TAB, UI_KEY_NONE, UI_KEY_NONE) \
	X(MENU,          "menu",          SCREENS, "The screens your role may open, to choose one", \
	  'm', UI_KEY_F(2), UI_KEY_NONE) \
	X(RECENT,        "recent",        SCREENS, "Recently opened orders and customers, newest first (Enter opens one)", \
	  'O', UI_KEY_F(9), UI_KEY_NONE) \
	X(HOME,          "home",          SCREENS, "Go back to your home screen", \
	  'H', UI_KEY_NONE, UI_KEY_NONE) \
	X(APPROVALS,     "approvals",     SCREENS, "Open the cancellations (admins: and refunds) waiting for a decision", \
	  UI_KEY_F(6), 'A', UI_KEY_NONE) \
	X(QUEUE,         "queue",         SCREENS, "Open the fulfilment queue (fulfilment staff: their home screen)", \
	  UI_KEY_F(3), 'W', UI_KEY_NONE) \
	X(REVIEWS,       "reviews",       SCREENS, "Open the shipment review list: stuck, lost, returned parcels and delivery exceptions", \
	  'S', UI_KEY_NONE, UI_KEY_NONE) \
	X(REPORTS,       "reports",       SCREENS, "Open the reports (analysts, fulfilment, admins)", \
	  UI_KEY_F(7), 'P', UI_KEY_NONE) \
	X(DASHBOARD,     "dashboard",     SCREENS, "Open the dashboard (administrators: their home screen)", \
	  UI_KEY_F(4), 'D', UI_KEY_NONE) \
	X(EXPORT,        "export",        GENERAL, "Export the list on screen as filtered, to a CSV, XLSX or JSON file", \
	  'e', UI_KEY_F(8), UI_KEY_NONE) \
	X(CLEAR,         "clear-input",   LOOKUP,  "Clear the lookup line", \
	  UI_CTRL('u'), UI_KEY_NONE, UI_KEY_NONE) \
	X(OPEN_CUSTOMER, "open-customer", ORDER,   "Open the order's customer", \
	  'c', UI_KEY_NONE, UI_KEY_NONE) \
	X(CANCEL_ORDER,  "cancel-order",  ORDER,   "Cancel the order (when its status and your role allow it)", \
	  'x', UI_KEY_NONE, UI_KEY_NONE) \
	X(REFUND,        "refund",        ORDER,   "Ask for a refund of an amount or of a line (CSR, admin)", \
	  'R', UI_KEY_NONE, UI_KEY_NONE) \
	X(REFUND_RETRY,  "refund-retry",  ORDER,   "Send a refund the gateway turned down to it again (administrators; asks first)", \
	  'T', UI_KEY_NONE, UI_KEY_NONE) \
	X(TRACKING_REFRESH, "tracking-refresh", ORDER, "Ask the carrier for the shipments' latest scans (at the worker's next poll; the screen follows)", \
	  't', UI_KEY_NONE, UI_KEY_NONE) \
	X(ADDRESSES,     "addresses",     CUSTOMER, "Every address of the customer, the default first", \
	  'a', UI_KEY_NONE, UI_KEY_NONE) \
	X(TICKETS,       "tickets",       CUSTOMER, "The customer's tickets, open and closed (Enter: a ticket's messages and order)", \
	  't', UI_KEY_NONE, UI_KEY_NONE) \
	X(FILTER_STATUS, "filter-status", CUSTOMER, "Filter the order history: a menu of groups (open, shipped not delivered, cancelled, any) and statuses", \
	  'f', UI_KEY_NONE, UI_KEY_NONE) \
	X(FILTER_DATES,  "filter-dates",  CUSTOMER, "Filter the order history by a date range", \
	  'd', UI_KEY_NONE, UI_KEY_NONE) \
	X(FIND_HISTORY,  "find-history",  CUSTOMER, "Find a text in the orders loaded (n, N: next, previous)", \
	  '/', UI_KEY_NONE, UI_KEY_NONE) \
	X(FIND_PENDING,  "find-pending",  APPROVALS, "Find a text in the requests loaded (n, N: next, previous)", \
	  '/', UI_KEY_NONE, UI_KEY_NONE) \
	X(APPROVE,       "approve",       APPROVALS, "Approve the selected cancellation or refund (note optional)", \
	  'a', UI_KEY_NONE, UI_KEY_NONE) \
	X(REFUSE,        "refuse",        APPROVALS, "Refuse the selected cancellation or refund (note required)", \
	  'r', UI_KEY_NONE, UI_KEY_NONE) \
	X(SHIP,          "ship",          QUEUE,   "Ship the marked orders in turn, else the selected one (carrier, service, tracking)", \
	  's', UI_KEY_NONE, UI_KEY_NONE) \
	X(MARK,          "mark",          QUEUE,   "Mark or unmark the selected order for shipping in one pass", \
	  ' ', UI_KEY_NONE, UI_KEY_NONE) \
	X(QUEUE_FILTER,  "queue-filter",  QUEUE,   "Filter by the ship promise: a menu of all, late, due within 4 hours, on time", \
	  'f', UI_KEY_NONE, UI_KEY_NONE) \
	X(QUEUE_SERVICE, "queue-service", QUEUE,   "Filter by the service level: a menu of all and each level the carriers offer", \
	  'v', UI_KEY_NONE, UI_KEY_NONE) \
	X(BUY_LABEL,     "buy-label",     QUEUE,   "Buy a label for the selected order (the cheapest or fastest rate) and ship it with it", \
	  'b', UI_KEY_NONE, UI_KEY_NONE) \
	X(PACKING_SLIP,  "packing-slip",  QUEUE,   "Write the selected order's packing slip to packing-slip-ORDER.txt (plain text, for a printer)", \
	  'p', UI_KEY_NONE, UI_KEY_NONE) \
	X(HANDLING_DAYS, "handling-days", QUEUE,   "Set your seller's handling days: business days from confirmation to handing over (0-30)", \
	  'd', UI_KEY_NONE, UI_KEY_NONE) \
	X(REVIEW_DECIDE, "review-decide", REVIEWS, "Decide the selected review: contact the carrier, reship, refund, wait or resolved, with a note", \
	  'd', UI_KEY_NONE, UI_KEY_NONE) \
	X(REVIEW_ALL,    "review-all",    REVIEWS, "Show the decided reviews too, or the open ones only (toggles)", \
	  'a', UI_KEY_NONE, UI_KEY_NONE) \
	X(CONFIRM,       "confirm",       DIALOG,  "Confirm: once to check, again to send", \
	  UI_KEY_ENTER, UI_KEY_NONE, UI_KEY_NONE) \
	X(FIELD_NEXT,    "field-next",    DIALOG,  "Move to the next field", \
	  UI_KEY_TAB, UI_KEY_NONE, UI_KEY_NONE) \
	X(FIELD_PREV,    "field-prev",    DIALOG,  "Move to the previous field", \
	  UI_KEY_BTAB, UI_KEY_NONE, UI_KEY_NONE) \
	X(CHOOSE,        "choose",        DIALOG,  "Choose the item under the cursor (a reason, a line)", \
	  ' ', UI_KEY_NONE, UI_KEY_NONE) \
	X(CLOSE,         "close",         DIALOG,  "Close the dialog or prompt without doing anything", \
	  UI_KEY_ESC, UI_KEY_NONE, UI_KEY_NONE) \
	X(NEWLINE,       "newline",       DIALOG,  "In a note: start a new line (Enter confirms, as everywhere)", \
	  UI_CTRL('j'), UI_KEY_NONE, UI_KEY_NONE) \
	X(CANCEL_LINES,  "cancel-lines",  CANCEL,  "Switch between cancelling the whole order and some lines", \
	  'l', UI_KEY_NONE, UI_KEY_NONE) \
	X(UNIT_MORE,     "unit-more",     CANCEL,  "On the line under the cursor: cancel one unit more", \
	  '+', UI_KEY_RIGHT, UI_KEY_NONE) \
	X(UNIT_LESS,     "unit-less",     CANCEL,  "On the line under the cursor: cancel one unit less", \
	  '-', UI_KEY_LEFT, UI_KEY_NONE) \
	X(CANCEL_OVERRIDE, "override",    CANCEL,  "Outside the window (administrators): ask the seller, or override (BR-026)", \
	  'o', UI_KEY_NONE, UI_KEY_NONE) \
	X(REPORT_KIND,   "report-kind",   REPORTS, "Next report: volume, cancellations, refunds, fulfilment, kpi", \
	  't', UI_KEY_NONE, UI_KEY_NONE) \
	X(REPORT_PERIOD, "report-period", REPORTS, "Next period: today, yesterday, last 7 or 30 days, this or last month, quarter, year", \
	  'p', UI_KEY_NONE, UI_KEY_NONE) \
	X(REPORT_DATES,  "report-dates",  REPORTS, "Type the period: two dates, or words (last month, -7d today)", \
	  'd', UI_KEY_NONE, UI_KEY_NONE) \
	X(REPORT_BY,     "report-by",     REPORTS, "Group by day, week, month or the whole period (cycles)", \
	  'b', UI_KEY_NONE, UI_KEY_NONE) \
	X(REPORT_SELLER, "report-seller", REPORTS, "Next seller: every seller, then each one (analysts, admins)", \
	  's', UI_KEY_NONE, UI_KEY_NONE) \
	X(FIGURE_LEFT,   "figure-left",   REPORTS, "Move to the figure on the left (the chart follows)", \
	  UI_KEY_LEFT, 'h', UI_KEY_NONE) \
	X(FIGURE_RIGHT,  "figure-right",  REPORTS, "Move to the figure on the right (Enter: the orders behind it)", \
	  UI_KEY_RIGHT, 'l', UI_KEY_NONE)

enum ui_scope {
#define UI_SCOPE_ENUM(id, title, kind) UI_SCOPE_##id,
	UI_SCOPE_TABLE(UI_SCOPE_ENUM)
#undef UI_SCOPE_ENUM
	UI_SCOPE_COUNT
};

enum ui_scope_kind { UI_KIND_GLOBAL, UI_KIND_SCREEN, UI_KIND_DIALOG };

enum ui_action {
	UI_ACT_NONE = 0,
#define UI_ACTION_ENUM(id, name, scope, help, k1, k2, k3) UI_ACT_##id,
	UI_ACTION_TABLE(UI_ACTION_ENUM)
#undef UI_ACTION_ENUM
	UI_ACT_COUNT
};

struct ui_action_info {
	const char *name;
	enum ui_scope scope;
	const char *help;
	int keys[3];
};

/* Indexed by enum ui_action (entry 0 is UI_ACT_NONE, name ""). */
extern const struct ui_action_info ui_actions[UI_ACT_COUNT];
extern const char *const ui_scope_titles[UI_SCOPE_COUNT];
extern const enum ui_scope_kind ui_scope_kinds[UI_SCOPE_COUNT];

/* The scopes searched for a key on a screen of scope `screen` (a dialog:
 * also the dialog scope), most specific first. */
struct ui_scope_chain {
	enum ui_scope screen;      /* UI_SCOPE_GENERAL: none of its own */
	bool dialog;
};

/* UI_ACT_NONE when the name is unknown. */
enum ui_action ui_action_by_name(const char *name);

#endif
