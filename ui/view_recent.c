/* Recently opened: the last orders and customers opened in this session,
 * newest first, each once; Enter opens the selected one again (issue 13).
 * Kept for the process, as the message history is. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "list.h"
#include "view_recent.h"
#include "views.h"
#include "width.h"

struct recent {
	bool customer;
	long long id;
	char words[120];
};

static struct recent recent[UI_RECENT_MAX];
static int nrecent;

void
ui_recent_note(bool customer, long long id, const char *words)
{
	int i;

	for (i = 0; i < nrecent; i++)
		if (recent[i].customer == customer && recent[i].id == id)
			break;
	if (i == nrecent && nrecent < UI_RECENT_MAX)
		nrecent++;
	if (i == UI_RECENT_MAX)
		i = UI_RECENT_MAX - 1;
	memmove(&recent[1], &recent[0], (size_t)i * sizeof recent[0]);
	recent[0].customer = customer;
	recent[0].id = id;
	snprintf(recent[0].words, sizeof recent[0].words, "%s", words ? words : "");
}

struct recent_view {
	struct view v;
	struct ui_list list;
};

static struct recent_view *
rv(struct view *v)
{
	return (struct recent_view *)v;
}

static void
recent_row(void *arg, int row, int w, struct ui_line *line, enum ui_element *el)
{
	char buf[48];

	(void)arg;
	snprintf(buf, sizeof buf, " %-8s  %-10lld  ", recent[row].customer ? "Customer" : "Order",
		 recent[row].id);
	ui_line_add(line, buf, w);
	ui_line_add(line, recent[row].words, w - ui_width(buf) > 0 ? w - ui_width(buf) : 0);
	*el = UI_EL_NORMAL;
}

static void
recent_draw(struct view *v, struct ui_rect r)
{
	struct recent_view *m = rv(v);

	ui_draw_section(v->ui, r.y, r.x, r.w, "Recently opened, newest first");
	if (r.h < 2)
		return;
	if (nrecent == 0) {
		ui_draw_text(r.y + 1, r.x, r.w, UI_EL_DIM, "  Nothing opened yet.");
		return;
	}
	ui_list_set_count(&m->list, nrecent);
	ui_list_draw(v->ui, &m->list, (struct ui_rect){ r.y + 1, r.x, r.h - 1, r.w }, recent_row, m);
}

static int
recent_resize(struct view *v, struct ui_rect r)
{
	rv(v)->list.height = r.h - 1 > 0 ? r.h - 1 : 1;
	return UI_REDRAW;
}

static int
recent_key(struct view *v, int key, int action)
{
	struct recent_view *m = rv(v);
	struct ui *ui = v->ui;
	struct view *nv;

	(void)key;
	if (action == UI_ACT_OPEN && nrecent > 0 && m->list.sel >= 0 && m->list.sel < nrecent) {
		struct recent r = recent[m->list.sel];

		ui_pop_top(ui);              /* frees m: the one chosen takes its place */
		nv = r.customer ? view_customer_new(ui, r.id) : view_order_new(ui, r.id);
		if (nv)
			ui_push(ui, nv);
		return UI_HANDLED | UI_REDRAW;
	}
	if (action == UI_ACT_RECENT)
		return UI_HANDLED | UI_POP;
	return ui_list_action(&m->list, action);
}

static int
recent_hints(struct view *v, int *acts, int max)
{
	static const int want[] = { UI_ACT_OPEN, UI_ACT_BACK, UI_ACT_HELP };
	int n = 0;

	(void)v;
	for (size_t i = 0; i < sizeof want / sizeof want[0] && n < max; i++)
		acts[n++] = want[i];
	return n;
}

static void
recent_close(struct view *v)
{
	free(v);
}

static const struct view_ops recent_ops = {
	.name = "Recent",
	.close = recent_close,
	.draw = recent_draw,
	.key = recent_key,
	.resize = recent_resize,
	.hints = recent_hints,
};

struct view *
view_recent_new(struct ui *ui)
{
	struct recent_view *m = calloc(1, sizeof *m);

	if (!m)
		return NULL;
	m->v.ops = &recent_ops;
	m->v.ui = ui;
	ui_list_init(&m->list, true);
	ui_list_set_count(&m->list, nrecent);
	return &m->v;
}
