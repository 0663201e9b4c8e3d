#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "list.h"

void
ui_list_init(struct ui_list *l, bool cursor)
{
	l->count = 0;
	l->sel = cursor ? 0 : -1;
	l->top = 0;
	l->height = 1;
	l->cursor = cursor;
}

static void
list_clamp(struct ui_list *l)
{
	int h = l->height > 0 ? l->height : 1;

	if (l->cursor) {
		if (l->sel >= l->count)
			l->sel = l->count - 1;
		if (l->sel < 0)
			l->sel = 0;
		if (l->sel < l->top)
			l->top = l->sel;
		if (l->sel >= l->top + h)
			l->top = l->sel - h + 1;
	}
	if (l->top > l->count - h)
		l->top = l->count - h;
	if (l->top < 0)
		l->top = 0;
}

void
ui_list_set_count(struct ui_list *l, int count)
{
	l->count = count;
	list_clamp(l);
}

int
ui_list_action(struct ui_list *l, int action)
{
	int h = l->height > 1 ? l->height : 1;
	int *pos = l->cursor ? &l->sel : &l->top;
	int old_sel = l->sel, old_top = l->top;

	switch (action) {
	case UI_ACT_UP:        *pos -= 1; break;
	case UI_ACT_DOWN:      *pos += 1; break;
	case UI_ACT_PAGE_UP:   *pos -= h; if (l->cursor) l->top -= h; break;
	case UI_ACT_PAGE_DOWN: *pos += h; if (l->cursor) l->top += h; break;
	case UI_ACT_FIRST:     *pos = 0; break;
	case UI_ACT_LAST:      *pos = l->count; break;
	default:
		return UI_UNHANDLED;
	}
	if (l->cursor && l->top > l->sel)
		l->top = l->sel;
	if (l->cursor && l->sel >= l->count)
		l->sel = l->count - 1;
	if (l->cursor && l->top + h <= l->sel)
		l->top = l->sel - h + 1;
	list_clamp(l);
	return (l->sel != old_sel || l->top != old_top) ? (UI_HANDLED | UI_REDRAW) : UI_HANDLED;
}

void
ui_list_draw(struct ui *ui, struct ui_list *l, struct ui_rect r,
	     ui_list_row_fn *fn, void *arg)
{
	struct ui_line line;

	l->height = r.h > 0 ? r.h : 1;
	list_clamp(l);
	ui_line_init(&line, ui->ascii);
	for (int i = 0; i < r.h; i++) {
		int row = l->top + i;
		enum ui_element el = UI_EL_NORMAL;
		bool selected = l->cursor && row == l->sel;
		int w = r.w;

		ui_line_reset(&line);
		if (row >= l->count) {
			ui_draw_text(r.y + i, r.x, r.w, UI_EL_NORMAL, "");
			continue;
		}
		if (ui->plain && l->cursor) {
			/* a screen reader cannot see reverse video */
			ui_line_add(&line, selected ? ">" : " ", 1);
			w--;
		}
		fn(arg, row, w, &line, &el);
		ui_draw_line(r.y + i, r.x, r.w, selected ? UI_EL_SELECTED : el, &line);
		if (selected && ui->plain && ui->cursor_y < 0) {
			/* park the terminal cursor on the selection for screen readers */
			ui->cursor_y = r.y + i;
			ui->cursor_x = r.x;
		}
	}
	ui_line_free(&line);
}

void
ui_list_position(const struct ui_list *l, char *buf, size_t len, bool more)
{
	if (l->count == 0)
		snprintf(buf, len, "none");
	else if (l->cursor)
		snprintf(buf, len, "%d of %d%s", l->sel + 1, l->count, more ? "+" : "");
	else
		snprintf(buf, len, "%d-%d of %d%s", l->top + 1,
			 l->top + l->height < l->count ? l->top + l->height : l->count,
			 l->count, more ? "+" : "");
}

void
ui_list_indicator(const struct ui_list *l, char *buf, size_t len, long long total, bool more)
{
	int last = l->top + l->height < l->count ? l->top + l->height : l->count;
	bool below = last < l->count || more || (total >= 0 && last < total);
	char of[32];

	if (l->count == 0) {
		snprintf(buf, len, "none");
		return;
	}
	if (total >= l->count)
		snprintf(of, sizeof of, "%lld", total);
	else
		snprintf(of, sizeof of, "%d%s", l->count, more ? "+" : "");
	snprintf(buf, len, "%d of %s  %d-%d %s", l->cursor ? l->sel + 1 : l->top + 1, of, l->top + 1, last,
		 below ? "More..." : "Bottom");
}

/* --- the list of a row type --------------------------------------------- */

#define ROW_SCREEN_MAX 16

static int
row_widths(const struct row_desc *d, int w, int *widths)
{
	int n = d->screen && d->screen->ncols <= ROW_SCREEN_MAX ? d->screen->ncols : 0;

	if (n)
		row_screen_widths(d, w, widths);
	return n;
}

static void
row_gap(struct ui_line *line, const struct row_desc *d, int i)
{
	for (int k = 0; i > 0 && k < d->screen->gap; k++)
		ui_line_add(line, " ", 1);
}

void
ui_list_row_heading(struct ui_line *line, const struct row_desc *d, int w)
{
	int widths[ROW_SCREEN_MAX], n = row_widths(d, w, widths);
	char buf[64];

	for (int i = 0; i < n; i++) {
		row_gap(line, d, i);
		row_screen_heading(d, i, buf, sizeof buf);
		ui_line_cell(line, buf, widths[i], d->screen->cols[i].right);
	}
}

void
ui_list_status_cell(struct ui_line *line, const char *status, bool stuck, int w)
{
	int start = line->w;

	if (!stuck || w < 8) {
		ui_line_cell(line, status, w, false);
		return;
	}
	/* the status gives way (cut with its mark), the mark stays whole */
	ui_line_add(line, status, w - 6);
	ui_line_add(line, " STUCK", 6);
	ui_line_pad(line, start + w);
}

void
ui_list_row_cells(struct ui_line *line, const struct row_set *s, int row, int w)
{
	int widths[ROW_SCREEN_MAX], n = row_widths(s->d, w, widths);
	const struct row_screen *sc = s->d->screen;
	char buf[512];

	for (int i = 0; i < n; i++) {
		/* a text beside a text keeps a blank between them, cut if it
		 * must be ("OUT_FOR_DE… Blue Her…", not "OUT_FOR_DEL…Blue
		 * Her…" at 60 columns; issue 13) */
		bool keep = sc->gap == 0 && i + 1 < n && !sc->cols[i].right && !sc->cols[i + 1].right &&
			    widths[i] > 1;

		row_gap(line, s->d, i);
		row_screen_cell(s, row, i, widths[i] - (keep ? 1 : 0), buf, sizeof buf);
		if (strcmp(sc->cols[i].name, "status") == 0 && !sc->cols[i].right)
			/* a flagged shipment marks its order's status (issue 13) */
			ui_list_status_cell(line, buf, row_set_bool(s, row, "stuck"),
					    widths[i] - (keep ? 1 : 0));
		else
			ui_line_cell(line, buf, widths[i] - (keep ? 1 : 0), sc->cols[i].right);
		if (keep)
			ui_line_add(line, " ", 1);
	}
}
