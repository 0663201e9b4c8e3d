/* The screen registry (ui/screens.h) and opening screens by it. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "report_view.h"
#include "screens.h"
#include "views.h"

const struct ui_screen_info ui_screens[UI_SCREEN_COUNT] = {
#define UI_SCREEN_INFO(id, name, roles, act, scope, home, menu, who) \
	[UI_SCREEN_##id] = { name, roles, UI_ACT_##act, UI_SCOPE_##scope, home, menu, who },
	UI_SCREEN_TABLE(UI_SCREEN_INFO)
#undef UI_SCREEN_INFO
};

/* The constructors of the screens opened without an argument. */
static struct view *(*const screen_make[UI_SCREEN_COUNT])(struct ui *) = {
	[UI_SCREEN_LOOKUP] = view_lookup_new,
	[UI_SCREEN_APPROVALS] = view_approvals_new,
	[UI_SCREEN_QUEUE] = view_queue_new,
	[UI_SCREEN_REVIEWS] = view_reviews_new,
	[UI_SCREEN_REPORTS] = view_reports_new,
	[UI_SCREEN_DASHBOARD] = view_dashboard_new,
	[UI_SCREEN_MENU] = view_menu_new,
	[UI_SCREEN_HELP] = view_help_new,
};

struct view *
ui_screen_new(struct ui *ui, enum ui_screen s)
{
	return s > UI_SCREEN_NONE && s < UI_SCREEN_COUNT && screen_make[s] ? screen_make[s](ui) : NULL;
}

unsigned
ui_role_bit(const struct ui *ui)
{
	static const struct {
		const char *name;
		unsigned bit;
	} roles[] = {
		{ "csr", UI_ROLE_CSR }, { "fulfilment", UI_ROLE_FULFILMENT },
		{ "analyst", UI_ROLE_ANALYST }, { "admin", UI_ROLE_ADMIN },
	};

	if (!ui->who_known)
		return 0;
	for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
		if (strcmp(ui->who.role, roles[i].name) == 0)
			return roles[i].bit;
	return 0;
}

bool
ui_screen_allowed(const struct ui *ui, enum ui_screen s)
{
	unsigned bit = ui_role_bit(ui);

	if (s <= UI_SCREEN_NONE || s >= UI_SCREEN_COUNT)
		return false;
	/* before whoami answers: what a CSR may (the database decides anyway) */
	if (!bit)
		bit = UI_ROLE_CSR;
	return (ui_screens[s].roles & bit) != 0;
}

enum ui_screen
ui_screen_of_action(int action)
{
	if (action == UI_ACT_NONE)
		return UI_SCREEN_NONE;
	for (int s = 1; s < UI_SCREEN_COUNT; s++)
		if ((int)ui_screens[s].action == action)
			return (enum ui_screen)s;
	return UI_SCREEN_NONE;
}

enum ui_screen
ui_view_screen(const struct view *v)
{
	return v ? (enum ui_screen)v->ops->screen : UI_SCREEN_NONE;
}

enum ui_screen
ui_screen_home(const struct ui *ui)
{
	unsigned bit = ui_role_bit(ui);

	for (int s = 1; s < UI_SCREEN_COUNT && bit; s++)
		if (ui_screens[s].home_of & bit)
			return (enum ui_screen)s;
	return UI_SCREEN_LOOKUP;
}

int
ui_screen_menu_count(const struct ui *ui)
{
	int n = 0;

	for (int s = 1; s < UI_SCREEN_COUNT; s++)
		if (ui_screens[s].menu && ui_screen_allowed(ui, (enum ui_screen)s))
			n++;
	return n;
}

struct ui_scope_chain
ui_view_scopes(const struct view *v)
{
	struct ui_scope_chain c = { UI_SCOPE_GENERAL, false };
	enum ui_screen s = ui_view_screen(v);

	if (s > UI_SCREEN_NONE && s < UI_SCREEN_COUNT)
		c.screen = ui_screens[s].scope;
	c.dialog = v && (v->ops->dialog || v->dialog_keys);
	return c;
}

static int
screen_refuse(struct ui *ui, enum ui_screen s)
{
	const char *name = ui_screens[s].name;
	size_t n = strlen(name);

	ui_message(ui, UI_EL_WARNING, "%s %s for %s, not for your role.", name,
		   n && name[n - 1] == 's' ? "are" : "is", ui_screens[s].who);
	return UI_HANDLED | UI_REDRAW;
}

int
ui_screen_open(struct ui *ui, enum ui_screen s)
{
	struct view *top = ui->depth ? ui->stack[ui->depth - 1] : NULL, *nv;

	if (s <= UI_SCREEN_NONE || s >= UI_SCREEN_COUNT || !screen_make[s])
		return UI_UNHANDLED;
	if (!ui_screen_allowed(ui, s))
		return screen_refuse(ui, s);
	if (ui_view_screen(top) == s) {
		if (s == UI_SCREEN_LOOKUP)
			view_lookup_focus(top);
		return UI_HANDLED | UI_REDRAW;
	}
	if (s == UI_SCREEN_LOOKUP) {
		/* a new lookup: back to the one below, as '/' always did */
		for (int i = ui->depth - 1; i >= 0; i--)
			if (ui_view_screen(ui->stack[i]) == UI_SCREEN_LOOKUP) {
				while (ui->depth > i + 1)
					ui_pop_top(ui);
				view_lookup_focus(ui->stack[i]);
				return UI_HANDLED | UI_REDRAW;
			}
	}
	nv = screen_make[s](ui);
	if (!nv) {
		ui_message(ui, UI_EL_ERROR, "Out of memory.");
		return UI_HANDLED | UI_REDRAW;
	}
	ui_push(ui, nv);
	return UI_HANDLED | UI_REDRAW;
}
