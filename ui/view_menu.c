/* The menu: the screens the person's role may open (ui/screens.h), with
 * the key that opens each from anywhere. Enter opens the one selected. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "list.h"
#include "screens.h"
#include "views.h"

struct menu_view {
	struct view v;
	enum ui_screen items[UI_SCREEN_COUNT];
	int n;
	struct ui_list list;
};

static struct menu_view *
mv(struct view *v)
{
	return (struct menu_view *)v;
}

static void
menu_row(void *arg, int row, int w, struct ui_line *l, enum ui_element *el)
{
	struct menu_view *m = arg;
	const struct ui_screen_info *si = &ui_screens[m->items[row]];
	char keys[32];

	(void)el;
	ui_keymap_keys(&m->v.ui->km, si->action, keys, sizeof keys);
	ui_line_add(l, "  ", 2);
	ui_line_cell(l, si->name, 12, false);
	ui_line_add(l, " ", 1);
	ui_line_cell(l, keys, 10, false);
	ui_line_add(l, " ", 1);
	ui_line_add(l, si->menu, w - l->w);
}

static void
menu_draw(struct view *v, struct ui_rect r)
{
	struct menu_view *m = mv(v);
	char head[160];

	snprintf(head, sizeof head, "Screens for your role (%s)", v->ui->who_known ? v->ui->who.role : "?");
	ui_draw_section(v->ui, r.y, r.x, r.w, head);
	if (r.h < 2)
		return;
	ui_list_draw(v->ui, &m->list, (struct ui_rect){ r.y + 1, r.x, r.h - 1, r.w }, menu_row, m);
}

static int
menu_resize(struct view *v, struct ui_rect r)
{
	mv(v)->list.height = r.h - 1 > 0 ? r.h - 1 : 1;
	return UI_REDRAW;
}

static int
menu_key(struct view *v, int key, int action)
{
	struct menu_view *m = mv(v);
	struct ui *ui = v->ui;
	enum ui_screen s;

	(void)key;
	if (action == UI_ACT_OPEN && m->n > 0) {
		s = m->items[m->list.sel];
		ui_pop_top(ui);              /* frees m: the chosen screen takes its place */
		return ui_screen_open(ui, s);
	}
	if (action == UI_ACT_MENU)
		return UI_HANDLED | UI_POP;
	return ui_list_action(&m->list, action);
}

static int
menu_hints(struct view *v, int *acts, int max)
{
	int want[] = { UI_ACT_OPEN, UI_ACT_BACK, UI_ACT_HELP, UI_ACT_QUIT };
	int n = 0;

	(void)v;
	for (size_t i = 0; i < sizeof want / sizeof want[0] && n < max; i++)
		acts[n++] = want[i];
	return n;
}

static void
menu_close(struct view *v)
{
	free(v);
}

static const struct view_ops menu_ops = {
	.name = "Menu",
	.screen = UI_SCREEN_MENU,
	.close = menu_close,
	.draw = menu_draw,
	.key = menu_key,
	.resize = menu_resize,
	.hints = menu_hints,
};

struct view *
view_menu_new(struct ui *ui)
{
	struct menu_view *m = calloc(1, sizeof *m);

	if (!m)
		return NULL;
	m->v.ops = &menu_ops;
	m->v.ui = ui;
	for (int s = 1; s < UI_SCREEN_COUNT; s++)
		if (ui_screens[s].menu && ui_screen_allowed(ui, (enum ui_screen)s))
			m->items[m->n++] = (enum ui_screen)s;
	ui_list_init(&m->list, true);
	ui_list_set_count(&m->list, m->n);
	return &m->v;
}
