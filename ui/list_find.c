#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "actions.h"
#include "list_find.h"
#include "width.h"

void
ui_list_find_init(struct ui_list_find *f, struct ui *ui)
{
	memset(f, 0, sizeof *f);
	ui_form_init(&f->form, ui, 0);
	ui_form_add(&f->form, UI_FIELD_TEXT, "Find", false);
	f->form.f[0].in = &f->in;
	f->in.max = (int)sizeof f->needle - 1;
}

int
ui_list_find_start(struct ui_list_find *f)
{
	f->open = true;
	ui_input_set(&f->in, f->needle);
	ui_input_select_all(&f->in);
	ui_form_focus(&f->form, 0);
	return UI_HANDLED | UI_REDRAW;
}

/* haystack holds needle, ASCII letters in any case */
static bool
holds(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++) {
		size_t i = 0;

		while (i < n && hay[i] &&
		       tolower((unsigned char)hay[i]) == tolower((unsigned char)needle[i]))
			i++;
		if (i == n)
			return true;
	}
	return n == 0;
}

static int
find_from(struct ui_list_find *f, struct ui_list *l, int dir, bool here,
	  ui_list_row_fn *fn, void *arg)
{
	struct ui_line line;
	int start = l->sel < 0 ? l->top : l->sel, found = -1;

	if (!f->needle[0]) {
		ui_message(f->form.ui, UI_EL_WARNING, "Nothing to find yet: / asks what to find.");
		return UI_HANDLED | UI_REDRAW;
	}
	ui_line_init(&line, f->form.ui->ascii);
	for (int k = here ? 0 : 1; k <= l->count && found < 0; k++) {
		int row = ((start + dir * k) % l->count + l->count) % l->count;
		enum ui_element el = UI_EL_NORMAL;

		if (l->count == 0)
			break;
		ui_line_reset(&line);
		fn(arg, row, 400, &line, &el);
		if (line.buf && holds(line.buf, f->needle))
			found = row;
	}
	ui_line_free(&line);
	if (found < 0) {
		ui_message(f->form.ui, UI_EL_WARNING, "Not found in the %d row%s loaded: %s", l->count,
			   l->count == 1 ? "" : "s", f->needle);
		return UI_HANDLED | UI_REDRAW;
	}
	if (l->cursor)
		l->sel = found;
	else
		l->top = found;
	if (l->cursor && (found < l->top || found >= l->top + l->height))
		l->top = found;
	ui_list_set_count(l, l->count);
	if ((dir > 0 && found <= start) || (dir < 0 && found >= start))
		ui_message(f->form.ui, UI_EL_HINT, "Search wrapped: row %d of %d", found + 1, l->count);
	return UI_HANDLED | UI_REDRAW;
}

int
ui_list_find_key(struct ui_list_find *f, int key, int action, struct ui_list *l,
		 ui_list_row_fn *fn, void *arg)
{
	enum ui_form_event ev;
	int flags = ui_form_key(&f->form, key, action, &ev);

	if (ev == UI_FORM_CLOSE) {
		f->open = false;
		return UI_HANDLED | UI_REDRAW;
	}
	if (ev == UI_FORM_NONE)
		return action == UI_ACT_QUIT || action == UI_ACT_HELP ? flags : UI_HANDLED;
	if (ev != UI_FORM_CHECK && ev != UI_FORM_SEND)
		return flags;
	f->open = false;
	if (f->in.len == 0)
		return UI_HANDLED | UI_REDRAW;
	memcpy(f->needle, f->in.buf, f->in.len < (int)sizeof f->needle ? (size_t)f->in.len : sizeof f->needle - 1);
	f->needle[f->in.len < (int)sizeof f->needle ? f->in.len : (int)sizeof f->needle - 1] = '\0';
	return find_from(f, l, 1, false, fn, arg);
}

int
ui_list_find_next(struct ui_list_find *f, struct ui_list *l, int dir,
		  ui_list_row_fn *fn, void *arg)
{
	return find_from(f, l, dir, false, fn, arg);
}

void
ui_list_find_draw(struct ui_list_find *f, int y, int x, int w)
{
	ui_form_draw_prompt(&f->form, y, x, w, " Find in the list: ");
}

int
ui_list_find_paste(struct ui_list_find *f, const char *text)
{
	return ui_form_paste(&f->form, text);
}
