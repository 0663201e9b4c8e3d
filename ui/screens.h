/* The screen registry (tig's VIEW_INFO): every screen once, with its name,
 * the roles that may open it, the action that opens it from anywhere, the
 * scope of its own actions, and the roles whose home it is. The menu, the
 * help screen, the role homes and the "not for your role" refusals all
 * come from this table. */
#ifndef OMS_UI_SCREENS_H
#define OMS_UI_SCREENS_H

#include "ui.h"

enum {
	UI_ROLE_CSR = 1 << 0,
	UI_ROLE_FULFILMENT = 1 << 1,
	UI_ROLE_ANALYST = 1 << 2,
	UI_ROLE_ADMIN = 1 << 3,
	UI_ROLES_ALL = 0xf,
	UI_ROLES_STAFF = UI_ROLE_CSR | UI_ROLE_FULFILMENT | UI_ROLE_ADMIN,
};

/* Columns: ID, name (title bar), roles that may open it, the action that
 * opens it (NONE: opened from another screen, about an order or a
 * customer), the scope of its own actions, whose home it is, what the menu
 * says of it (NULL: not in the menu), who it is for (the refusal's words). */
#define UI_SCREEN_TABLE(X) \
	X(LOOKUP,    "Lookup",    UI_ROLES_STAFF, SEARCH,    LOOKUP,    UI_ROLE_CSR, \
	  "Find an order or a customer", "customer service, fulfilment staff and administrators") \
	X(DASHBOARD, "Dashboard", UI_ROLE_ADMIN, DASHBOARD, GENERAL, UI_ROLE_ADMIN, \
	  "Today's orders, backlogs, approvals, worker and database at a glance", "administrators") \
	X(QUEUE,     "Queue",     UI_ROLE_FULFILMENT | UI_ROLE_ADMIN, QUEUE, QUEUE, UI_ROLE_FULFILMENT, \
	  "Confirmed orders to ship, oldest first, with the 24-hour promise", \
	  "fulfilment staff and administrators") \
	X(REVIEWS,   "Reviews",   UI_ROLES_STAFF, REVIEWS,   REVIEWS,   0, \
	  "Parcels stuck, lost, returned or in exception, for a person to decide", \
	  "customer service, fulfilment staff and administrators") \
	X(APPROVALS, "Approvals", UI_ROLE_FULFILMENT | UI_ROLE_ADMIN, APPROVALS, APPROVALS, 0, \
	  "Cancellations (admins: and refunds) waiting for a decision", \
	  "fulfilment staff and administrators") \
	X(REPORTS,   "Reports",   UI_ROLE_ANALYST | UI_ROLE_FULFILMENT | UI_ROLE_ADMIN, REPORTS, REPORTS, UI_ROLE_ANALYST, \
	  "Volume, cancellations, refunds, fulfilment and KPIs over a period", \
	  "analysts, fulfilment staff and administrators") \
	X(REPORT_ORDERS, "Orders behind", UI_ROLE_ANALYST | UI_ROLE_FULFILMENT | UI_ROLE_ADMIN, NONE, GENERAL, 0, NULL, \
	  "fulfilment staff and administrators") \
	X(EXPORT,    "Export",    UI_ROLES_ALL,   NONE,      GENERAL,   0, NULL, "everyone") \
	X(ORDER,     "Order",     UI_ROLES_STAFF, NONE,      ORDER,     0, NULL, \
	  "customer service, fulfilment staff and administrators") \
	X(CUSTOMER,  "Customer",  UI_ROLES_STAFF, NONE,      CUSTOMER,  0, NULL, \
	  "customer service, fulfilment staff and administrators") \
	X(CANCEL,    "Cancel",    UI_ROLE_CSR | UI_ROLE_ADMIN, NONE, CANCEL, 0, NULL, \
	  "customer service and administrators") \
	X(REFUND,    "Refund",    UI_ROLE_CSR | UI_ROLE_ADMIN, NONE, GENERAL, 0, NULL, \
	  "customer service and administrators") \
	X(MENU,      "Menu",      UI_ROLES_ALL,   MENU,      GENERAL,   0, NULL, "everyone") \
	X(HELP,      "Help",      UI_ROLES_ALL,   HELP,      GENERAL,   0, NULL, "everyone")

enum ui_screen {
	UI_SCREEN_NONE = 0,
#define UI_SCREEN_ENUM(id, name, roles, act, scope, home, menu, who) UI_SCREEN_##id,
	UI_SCREEN_TABLE(UI_SCREEN_ENUM)
#undef UI_SCREEN_ENUM
	UI_SCREEN_COUNT
};

struct ui_screen_info {
	const char *name;
	unsigned roles;
	enum ui_action action;
	enum ui_scope scope;
	unsigned home_of;
	const char *menu;
	const char *who;
};

extern const struct ui_screen_info ui_screens[UI_SCREEN_COUNT];

/* The role bit of the person logged in (0 while whoami has not answered:
 * then every screen is offered and the database refuses what it must). */
unsigned ui_role_bit(const struct ui *ui);
/* The person's role may open the screen. */
bool ui_screen_allowed(const struct ui *ui, enum ui_screen s);
/* The screen an action opens, or UI_SCREEN_NONE. */
enum ui_screen ui_screen_of_action(int action);
/* The screen of a view (its ops' screen). */
enum ui_screen ui_view_screen(const struct view *v);
/* The home screen of the person's role. */
enum ui_screen ui_screen_home(const struct ui *ui);
/* Opens screen s: says "not for your role" when it is not the person's;
 * nothing when it is already on top; otherwise pushes a new one (lookup:
 * goes back to the lookup below when there is one). Returns UI_* flags. */
int ui_screen_open(struct ui *ui, enum ui_screen s);
/* A new view of a screen opened without an argument (NULL otherwise). */
struct view *ui_screen_new(struct ui *ui, enum ui_screen s);
/* How many screens the menu offers the person. */
int ui_screen_menu_count(const struct ui *ui);
/* The scopes for the keys of view v (its screen's, the dialog's). */
struct ui_scope_chain ui_view_scopes(const struct view *v);

#endif
