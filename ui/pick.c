/* A small menu to pick a filter's value (ui/pick.h; issue 13). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "frame.h"
#include "list.h"
#include "pick.h"

/* The groups first (what a CSR asks for most), then each status in the
 * order of its life; CANCELLED is the group "cancelled". The digits are
 * where f pressed that many times stopped before the menu. */
const struct ui_pick_item ui_status_filter_items[] = {
	{ 'a', "", "Any status" },
	{ 'o', "open", "Open: not delivered, not cancelled" },
	{ 's', "shipped_not_delivered", "Shipped, not delivered yet" },
	{ 'c', "cancelled", "Cancelled" },
	{ '1', "PENDING", "PENDING" },
	{ '2', "CONFIRMED", "CONFIRMED" },
	{ '3', "SHIPPED", "SHIPPED" },
	{ '4', "IN_TRANSIT", "IN_TRANSIT" },
	{ '5', "OUT_FOR_DELIVERY", "OUT_FOR_DELIVERY" },
	{ '6', "DELIVERED", "DELIVERED" },
	{ '7', "DELIVERY_EXCEPTION", "DELIVERY_EXCEPTION" },
};
const int ui_status_filter_count = (int)(sizeof ui_status_filter_items / sizeof ui_status_filter_items[0]);

const char *
ui_status_filter_words(const char *value)
{
	if (!value || !*value)
		return "any status";
	if (strcmp(value, "open") == 0)
		return "open";
	if (strcmp(value, "shipped_not_delivered") == 0)
		return "shipped, not delivered";
	if (strcmp(value, "cancelled") == 0)
		return "cancelled";
	return value;
}

struct pick_view {
	struct view v;
	struct view *owner;
	const char *title;
	const struct ui_pick_item *items;
	int n;
	int current;               /* the item in force, -1 none */
	int closer;
	ui_pick_fn *fn;
	struct ui_list list;
};

static struct pick_view *
pv(struct view *v)
{
	return (struct pick_view *)v;
}

static void
pick_row(void *arg, int row, int w, struct ui_line *line, enum ui_element *el)
{
	struct pick_view *p = arg;
	const struct ui_pick_item *it = &p->items[row];
	char k[8];

	snprintf(k, sizeof k, "%c", it->key ? it->key : ' ');
	ui_line_add(line, row == p->current ? "* " : "  ", 2);   /* the value in force */
	ui_line_add(line, k, 1);
	ui_line_add(line, "  ", 2);
	ui_line_add(line, it->label, w - line->w);
	*el = row == p->current ? UI_EL_HEADER : UI_EL_NORMAL;
}

static void
pick_draw(struct view *v, struct ui_rect r)
{
	struct pick_view *p = pv(v);
	struct ui *ui = v->ui;
	struct ui_rect box, in;
	char keys[160], a[48], b[48];
	int w = 46, h = p->n + 4;

	if (w > r.w)
		w = r.w;
	if (h > r.h)
		h = r.h;
	/* over the lower part (the list), the screen's heading left to see */
	box = ui_frame_draw(ui, (struct ui_rect){ r.y + r.h - h, r.x + (r.w - w) / 2, h, w }, p->title);
	in = (struct ui_rect){ box.y + 1, box.x + 2, box.h - 4, box.w - 4 };
	ui->cursor_y = -1;
	if (in.h < 1 || in.w < 8)
		return;
	ui_list_draw(ui, &p->list, in, pick_row, p);
	snprintf(keys, sizeof keys, "key or %s  %s", ui_form_key_text(ui, UI_ACT_CONFIRM, "pick", a, sizeof a),
		 ui_form_key_text(ui, UI_ACT_CLOSE, "close", b, sizeof b));
	ui_draw_text(box.y + box.h - 2, in.x, in.w, UI_EL_HINT, keys);
	/* rows the box has no room for: a mark says so, as a dialog's
	 * choices do (a short terminal) */
	{
		bool above = p->list.top > 0, below = p->list.top + in.h < p->n;
		char mark[48];

		snprintf(mark, sizeof mark, " %s%s more ", above ? (ui->ascii ? "^" : "\xe2\x86\x91") : "",
			 below ? (ui->ascii ? "v" : "\xe2\x86\x93") : "");
		if ((above || below) && in.w > ui_width(mark) + 8)
			ui_draw_text(box.y + box.h - 3, box.x + box.w - 1 - ui_width(mark), ui_width(mark),
				     UI_EL_DIM, mark);
	}
}

static int
pick_choose(struct pick_view *p, int i)
{
	struct view *owner = p->owner;
	ui_pick_fn *fn = p->fn;
	const char *value = p->items[i].value;
	struct ui *ui = p->v.ui;

	ui_pop_top(ui);            /* frees p: the owner is on top again */
	return (fn(owner, value) & ~UI_POP) | UI_HANDLED | UI_REDRAW;
}

static int
pick_key(struct view *v, int key, int action)
{
	struct pick_view *p = pv(v);

	for (int i = 0; i < p->n; i++)
		if (p->items[i].key && key == p->items[i].key)
			return pick_choose(p, i);
	switch (action) {
	case UI_ACT_CONFIRM:
	case UI_ACT_CHOOSE:
	case UI_ACT_OPEN:
		if (p->list.sel >= 0 && p->list.sel < p->n)
			return pick_choose(p, p->list.sel);
		return UI_HANDLED;
	case UI_ACT_CLOSE:
		return UI_HANDLED | UI_POP;
	default:
		if (action && action == p->closer)
			return UI_HANDLED | UI_POP;
		return ui_list_action(&p->list, action);
	}
}

static int
pick_hints(struct view *v, int *acts, int max)
{
	static const int want[] = { UI_ACT_CONFIRM, UI_ACT_CLOSE, UI_ACT_HELP };
	int n = 0;

	(void)v;
	for (size_t i = 0; i < sizeof want / sizeof want[0] && n < max; i++)
		acts[n++] = want[i];
	return n;
}

static void
pick_close(struct view *v)
{
	free(v);
}

static const struct view_ops pick_ops = {
	.name = "Filter",
	.dialog = true,
	.close = pick_close,
	.draw = pick_draw,
	.key = pick_key,
	.hints = pick_hints,
};

struct view *
view_pick_new(struct ui *ui, struct view *owner, const char *title,
	      const struct ui_pick_item *items, int n, const char *current, int closer,
	      ui_pick_fn *fn)
{
	struct pick_view *p = calloc(1, sizeof *p);

	if (!p)
		return NULL;
	p->v.ops = &pick_ops;
	p->v.ui = ui;
	p->owner = owner;
	p->title = title;
	p->items = items;
	p->n = n;
	p->closer = closer;
	p->fn = fn;
	p->current = -1;
	for (int i = 0; i < n; i++)
		if (strcmp(items[i].value, current ? current : "") == 0)
			p->current = i;
	ui_list_init(&p->list, true);
	ui_list_set_count(&p->list, n);
	p->list.height = n;
	p->list.sel = p->current >= 0 ? p->current : 0;
	return &p->v;
}
