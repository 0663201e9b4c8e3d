/* Every action of the terminal client, in one table.
 *
 * The default key bindings, the help screen, oms.conf [keys] rebinding and
 * the KEYS section of oms(1) (ui/gen-keys) are all generated from this
 * X-macro, so they cannot drift apart. Columns:
 *   ID, name (as written in oms.conf), group (as shown in help), help text,
 *   up to three default keys (UI_KEY_NONE when unused).
 * Keys are ui key codes (ui/keymap.h): a character, UI_CTRL('x'),
 * UI_KEY_F(n) or one of the named UI_KEY_* codes. */
#ifndef OMS_UI_ACTIONS_H
#define OMS_UI_ACTIONS_H

#include "keymap.h"

#define UI_GROUP_TABLE(X) \
	X(GENERAL,  "General") \
	X(MOVE,     "Moving around") \
	X(LOOKUP,   "Lookup") \
	X(ORDER,    "Order") \
	X(CUSTOMER, "Customer") \
	X(APPROVALS, "Approvals (fulfilment, admin)")

#define UI_ACTION_TABLE(X) \
	X(HELP,          "help",          GENERAL, "Show this help", \
	  '?', UI_KEY_F(1), UI_KEY_NONE) \
	X(BACK,          "back",          GENERAL, "Go back to the previous screen", \
	  'q', UI_KEY_ESC, UI_KEY_NONE) \
	X(QUIT,          "quit",          GENERAL, "Quit oms", \
	  UI_KEY_F(10), UI_KEY_NONE, UI_KEY_NONE) \
	X(SEARCH,        "search",        GENERAL, "Start a new lookup", \
	  '/', UI_KEY_NONE, UI_KEY_NONE) \
	X(REFRESH,       "refresh",       GENERAL, "Reload the screen from the database", \
	  UI_CTRL('r'), UI_KEY_F(5), UI_KEY_NONE) \
	X(REDRAW,        "redraw",        GENERAL, "Redraw the terminal", \
	  UI_CTRL('l'), UI_KEY_NONE, UI_KEY_NONE) \
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
	X(OPEN,          "open",          MOVE,    "Open the selected order or customer", \
	  UI_KEY_ENTER, UI_KEY_NONE, UI_KEY_NONE) \
	X(NEXT_FIELD,    "next-field",    MOVE,    "Switch between the input line and the list", \
	  UI_KEY_TAB, UI_KEY_NONE, UI_KEY_NONE) \
	X(CLEAR,         "clear-input",   LOOKUP,  "Clear the lookup line", \
	  UI_CTRL('u'), UI_KEY_NONE, UI_KEY_NONE) \
	X(OPEN_CUSTOMER, "open-customer", ORDER,   "Open the order's customer", \
	  'c', UI_KEY_NONE, UI_KEY_NONE) \
	X(CANCEL_ORDER,  "cancel-order",  ORDER,   "Cancel the order (when its status and your role allow it)", \
	  'x', UI_KEY_NONE, UI_KEY_NONE) \
	X(CANCEL_LINES,  "cancel-lines",  ORDER,   "In the cancel dialog: switch between the whole order and some lines", \
	  'l', UI_KEY_NONE, UI_KEY_NONE) \
	X(REFUND,        "refund",        ORDER,   "Ask for a refund of an amount or of a line (CSR, admin)", \
	  'R', UI_KEY_NONE, UI_KEY_NONE) \
	X(FILTER_STATUS, "filter-status", CUSTOMER, "Filter the order history by status (cycles)", \
	  'f', UI_KEY_NONE, UI_KEY_NONE) \
	X(FILTER_DATES,  "filter-dates",  CUSTOMER, "Filter the order history by a date range", \
	  'd', UI_KEY_NONE, UI_KEY_NONE) \
	X(APPROVALS,     "approvals",     APPROVALS, "Open the cancellations (admins: and refunds) waiting for a decision", \
	  UI_KEY_F(6), 'A', UI_KEY_NONE) \
	X(APPROVE,       "approve",       APPROVALS, "Approve the selected cancellation or refund (note optional)", \
	  'a', UI_KEY_NONE, UI_KEY_NONE) \
	X(REFUSE,        "refuse",        APPROVALS, "Refuse the selected cancellation or refund (note required)", \
	  'r', UI_KEY_NONE, UI_KEY_NONE)

enum ui_group {
#define UI_GROUP_ENUM(id, title) UI_GROUP_##id,
	UI_GROUP_TABLE(UI_GROUP_ENUM)
#undef UI_GROUP_ENUM
	UI_GROUP_COUNT
};

enum ui_action {
	UI_ACT_NONE = 0,
#define UI_ACTION_ENUM(id, name, group, help, k1, k2, k3) UI_ACT_##id,
	UI_ACTION_TABLE(UI_ACTION_ENUM)
#undef UI_ACTION_ENUM
	UI_ACT_COUNT
};

struct ui_action_info {
	const char *name;
	enum ui_group group;
	const char *help;
	int keys[3];
};

/* Indexed by enum ui_action (entry 0 is UI_ACT_NONE, name ""). */
extern const struct ui_action_info ui_actions[UI_ACT_COUNT];
extern const char *const ui_group_titles[UI_GROUP_COUNT];

/* UI_ACT_NONE when the name is unknown. */
enum ui_action ui_action_by_name(const char *name);

#endif
