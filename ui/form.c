/* The form widget (ui/form.h): fields, focus, messages, the confirm step,
 * and the note's wrapped lines. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"

void
ui_form_init(struct ui_form *f, struct ui *ui, int labelw)
{
	memset(f, 0, sizeof *f);
	f->ui = ui;
	f->labelw = labelw;
}

int
ui_form_add(struct ui_form *f, enum ui_field_kind kind, const char *label, bool required)
{
	struct ui_field *fd;

	if (f->n >= UI_FORM_MAXFIELDS)
		return f->n - 1;
	fd = &f->f[f->n];
	memset(fd, 0, sizeof *fd);
	fd->kind = kind;
	fd->label = label;
	fd->required = required;
	fd->chosen = -1;
	return f->n++;
}

struct ui_field *
ui_form_focused(struct ui_form *f)
{
	return f->focus >= 0 && f->focus < f->n && !f->f[f->focus].hidden ? &f->f[f->focus] : NULL;
}

void
ui_form_focus(struct ui_form *f, int i)
{
	if (i >= 0 && i < f->n)
		f->focus = i;
}

static bool
field_is_text(const struct ui_field *fd)
{
	return fd && fd->in && (fd->kind == UI_FIELD_TEXT || fd->kind == UI_FIELD_AMOUNT ||
				fd->kind == UI_FIELD_NOTE);
}

bool
ui_form_typing(struct ui_form *f)
{
	return !f->sending && field_is_text(ui_form_focused(f));
}

bool
ui_form_unsaved(const struct ui_form *f)
{
	for (int i = 0; i < f->n; i++) {
		const struct ui_field *fd = &f->f[i];

		if (!fd->hidden && field_is_text(fd) && fd->in->len > 0 && !fd->in->selected)
			return true;
	}
	return false;
}

/* The next field in the focus order (dir +1 or -1), hidden ones skipped. */
static void
form_move(struct ui_form *f, int dir)
{
	for (int k = 0; k < f->n; k++) {
		f->focus = (f->focus + dir + f->n) % f->n;
		if (!f->f[f->focus].hidden)
			return;
	}
}

void
ui_form_confirming(struct ui_form *f, bool ok)
{
	f->confirming = ok;
}

void
ui_form_error(struct ui_form *f, int i, const char *fmt, ...)
{
	va_list ap;

	f->confirming = false;
	if (i < 0 || i >= f->n)
		return;
	va_start(ap, fmt);
	vsnprintf(f->f[i].msg, sizeof f->f[i].msg, fmt, ap);
	va_end(ap);
	f->focus = i;
}

void
ui_form_clear_errors(struct ui_form *f)
{
	for (int i = 0; i < f->n; i++)
		f->f[i].msg[0] = '\0';
}

/* --- the note: rows of wrapped text --------------------------------------- */

/* A row of the note: bytes [start, end) of its text (end is before the
 * newline that ends it, or where the text wraps). */
struct note_row {
	int start, end;
};

/* Wraps the text in w columns: at a newline, after the last blank that
 * fits, or (a word longer than the row) before the character that does
 * not fit; a combining character stays with the one before it. Returns
 * the rows (malloc'd in *rows; at least one) or -1 when out of memory. */
static int
note_layout(const struct ui_input *in, int w, struct note_row **rows)
{
	int n = 0, cap = 16, pos = 0;
	struct note_row *r = malloc((size_t)cap * sizeof *r);

	if (w < 1)
		w = 1;
	for (;;) {
		int start = pos, col = 0, blank = -1, end, next;
		bool last = false;

		for (;;) {
			int cp, l, cw;

			if (pos >= in->len) {
				end = next = in->len;
				last = true;
				break;
			}
			if (in->buf[pos] == '\n') {
				end = pos;
				next = pos + 1;
				break;
			}
			l = ui_utf8_decode(in->buf + pos, (size_t)(in->len - pos), &cp);
			cw = ui_cp_width(cp);
			if (col + cw > w && pos > start) {
				end = next = blank > start ? blank : pos;
				break;
			}
			col += cw;
			pos += l;
			if (cp == ' ')
				blank = pos;
		}
		if (n == cap) {
			struct note_row *g = r ? realloc(r, (size_t)(cap *= 2) * sizeof *r) : NULL;
			if (!g) {
				free(r);
				r = NULL;
			}
			r = g;
		}
		if (!r)
			return -1;
		r[n++] = (struct note_row){ start, end };
		if (last)
			break;
		pos = next;
	}
	*rows = r;
	return n;
}

/* The row the cursor is on: the last that starts at or before it. */
static int
note_cursor_row(const struct ui_input *in, const struct note_row *r, int n)
{
	int k = 0;

	while (k + 1 < n && r[k + 1].start <= in->cur)
		k++;
	return k;
}

/* Columns from a row's start to byte pos. */
static int
note_cols(const struct ui_input *in, int start, int pos)
{
	int col = 0;

	while (start < pos) {
		int cp, l = ui_utf8_decode(in->buf + start, (size_t)(pos - start), &cp);
		col += ui_cp_width(cp);
		start += l;
	}
	return col;
}

/* The byte in a row nearest to column col (not past the row's end). */
static int
note_at_col(const struct ui_input *in, const struct note_row *row, int col)
{
	int pos = row->start, c = 0;

	while (pos < row->end) {
		int cp, l = ui_utf8_decode(in->buf + pos, (size_t)(row->end - pos), &cp);
		int cw = ui_cp_width(cp);

		if (c + cw > col)
			break;
		c += cw;
		pos += l;
	}
	/* a combining character after it belongs to the one before */
	while (pos < row->end) {
		int cp, l = ui_utf8_decode(in->buf + pos, (size_t)(row->end - pos), &cp);
		if (ui_cp_width(cp) != 0)
			break;
		pos += l;
	}
	return pos;
}

/* The note's width of text (the counter takes the end of the rows near
 * the limit). */
static int
note_counter(const struct ui_input *in, char *buf, size_t len)
{
	int max = in->max > 0 && in->max < UI_INPUT_MAXCHARS ? in->max : UI_INPUT_MAXCHARS;

	buf[0] = '\0';
	if (in->nchars < max - max / 10)
		return 0;
	return snprintf(buf, len, " %d/%d", in->nchars, max);
}

int
ui_form_note_rows(const struct ui_form *f, int i, int w)
{
	const struct ui_field *fd = &f->f[i];
	struct note_row *rows = NULL;
	char counter[32];
	int n;

	w -= f->labelw + note_counter(fd->in, counter, sizeof counter);
	n = note_layout(fd->in, w, &rows);
	free(rows);
	return n > 0 ? n : 1;
}

/* Line-wise keys of the note; UI_UNHANDLED for the others. Up and Down at
 * the first and last rows leave the note (the focus moves). */
static int
note_key(struct ui_form *f, struct ui_field *fd, int key, int action, bool *changed)
{
	struct ui_input *in = fd->in;
	int p, flags = UI_HANDLED | UI_REDRAW;

	(void)f;
	*changed = false;
	if (action == UI_ACT_NEWLINE) {
		*changed = ui_input_insert(in, '\n');
		return flags;
	}
	switch (key) {
	case UI_KEY_HOME: case UI_CTRL('a'):
		while (in->cur > 0 && in->buf[in->cur - 1] != '\n')
			in->cur--;
		return flags;
	case UI_KEY_END: case UI_CTRL('e'):
		while (in->cur < in->len && in->buf[in->cur] != '\n')
			in->cur++;
		return flags;
	case UI_CTRL('k'):
		p = in->cur;
		while (p < in->len && in->buf[p] != '\n')
			p++;
		if (p == in->cur && p < in->len)
			p++;                   /* at the end of a line: join the next */
		ui_input_delete(in, in->cur, p);
		*changed = p > in->cur;
		return flags;
	case UI_CTRL('u'):
		p = in->cur;
		while (p > 0 && in->buf[p - 1] != '\n')
			p--;
		*changed = p < in->cur;
		ui_input_delete(in, p, in->cur);
		return flags;
	}
	return UI_UNHANDLED;
}

/* Up/Down in a note drawn w columns wide: the row above or below, at the
 * same column; false at the first/last row. */
static bool
note_move(struct ui_field *fd, int w, int dir)
{
	struct ui_input *in = fd->in;
	struct note_row *rows = NULL;
	int n = note_layout(in, w, &rows), k, col;
	bool moved = false;

	if (n < 0)
		return false;
	k = note_cursor_row(in, rows, n);
	if (k + dir >= 0 && k + dir < n) {
		col = note_cols(in, rows[k].start, in->cur);
		in->cur = note_at_col(in, &rows[k + dir], col);
		moved = true;
	}
	free(rows);
	return moved;
}

/* --- keys ------------------------------------------------------------------ */

int
ui_form_key(struct ui_form *f, int key, int action, enum ui_form_event *ev)
{
	struct ui_field *fd = ui_form_focused(f);
	bool text = field_is_text(fd), changed = false;
	int flags;

	*ev = UI_FORM_HANDLED;
	if (f->sending)
		return action == UI_ACT_QUIT ? UI_UNHANDLED : UI_HANDLED;
	/* letters typed into a text field are text, whatever they are bound to */
	if (text && ui_key_is_text(key)) {
		f->confirming = false;
		flags = ui_input_key(fd->in, key, &changed);
		if (changed)
			fd->msg[0] = '\0';
		return flags | UI_HANDLED | UI_REDRAW;
	}
	if (action == UI_ACT_CLOSE || (action == UI_ACT_BACK && !text)) {
		if (f->confirming) {
			f->confirming = false;
			return UI_HANDLED | UI_REDRAW;
		}
		*ev = UI_FORM_CLOSE;
		return UI_HANDLED | UI_REDRAW;
	}
	if (action == UI_ACT_FIELD_NEXT || action == UI_ACT_FIELD_PREV) {
		form_move(f, action == UI_ACT_FIELD_PREV ? -1 : 1);
		f->confirming = false;
		return UI_HANDLED | UI_REDRAW;
	}
	if (action == UI_ACT_CONFIRM) {
		*ev = f->confirming ? UI_FORM_SEND : UI_FORM_CHECK;
		return UI_HANDLED | UI_REDRAW;
	}
	if (action == UI_ACT_HELP || action == UI_ACT_QUIT) {
		*ev = UI_FORM_NONE;
		return UI_UNHANDLED;
	}
	f->confirming = false;
	if (fd && fd->kind == UI_FIELD_NOTE) {
		if (action == UI_ACT_UP || action == UI_ACT_DOWN) {
			if (note_move(fd, fd->textw, action == UI_ACT_UP ? -1 : 1))
				return UI_HANDLED | UI_REDRAW;
		} else if ((flags = note_key(f, fd, key, action, &changed)) & UI_HANDLED) {
			if (changed)
				fd->msg[0] = '\0';
			return flags;
		}
	}
	if (text && !(fd->kind == UI_FIELD_NOTE && (action == UI_ACT_UP || action == UI_ACT_DOWN))) {
		if (key == UI_KEY_HOME || key == UI_KEY_END)
			key = key == UI_KEY_HOME ? UI_CTRL('a') : UI_CTRL('e');
		flags = ui_input_key(fd->in, key, &changed);
		if (changed)
			fd->msg[0] = '\0';
		if (flags & UI_HANDLED)
			return flags | UI_REDRAW;
	}
	if (text && (action == UI_ACT_UP || action == UI_ACT_DOWN)) {
		form_move(f, action == UI_ACT_UP ? -1 : 1);
		return UI_HANDLED | UI_REDRAW;
	}
	if (fd && fd->kind == UI_FIELD_CHOICE && fd->list) {
		if (action == UI_ACT_CHOOSE) {
			if (fd->list->sel >= 0 && fd->list->sel < fd->list->count) {
				fd->chosen = fd->list->sel;
				fd->msg[0] = '\0';
				*ev = UI_FORM_CHOSEN;
			}
			return UI_HANDLED | UI_REDRAW;
		}
		if ((flags = ui_list_action(fd->list, action)) & UI_HANDLED)
			return flags;
	}
	if (fd && fd->kind == UI_FIELD_CUSTOM && action == UI_ACT_CHOOSE) {
		*ev = UI_FORM_CHOOSE;
		return UI_HANDLED | UI_REDRAW;
	}
	*ev = UI_FORM_NONE;
	return UI_UNHANDLED;
}

int
ui_form_paste(struct ui_form *f, const char *text)
{
	struct ui_field *fd = ui_form_focused(f);
	char k[16];

	if (f->sending)
		return UI_HANDLED;
	if (!field_is_text(fd)) {
		ui_message(f->ui, UI_EL_HINT, "A paste goes into a text field: %s to one, then paste.",
			   ui_keymap_key(&f->ui->km, UI_ACT_FIELD_NEXT, k, sizeof k));
		return UI_HANDLED | UI_REDRAW;
	}
	f->confirming = false;
	fd->msg[0] = '\0';
	if (ui_input_paste(fd->in, text, fd->kind == UI_FIELD_NOTE) > 0)
		ui_message(f->ui, UI_EL_WARNING, "Cut to %d characters: %s takes no more.",
			   ui_input_limit(fd->in), fd->label);
	return UI_HANDLED | UI_REDRAW;
}

/* --- drawing ---------------------------------------------------------------- */

int
ui_form_field_rows(const struct ui_form *f, int i, int h)
{
	const struct ui_field *fd = &f->f[i];

	if (fd->hidden)
		return 0;
	return (fd->kind == UI_FIELD_CHOICE ? 1 : 0) + (h > 0 ? h : 1) + (fd->msg[0] ? 1 : 0);
}

void
ui_form_draw_label(struct ui_form *f, int i, int y, int x, int w)
{
	const struct ui_field *fd = &f->f[i];
	char buf[80];

	snprintf(buf, sizeof buf, "%s%s:", fd->label, fd->required ? "*" : "");
	ui_draw_text(y, x, w, f->focus == i ? UI_EL_HEADER : UI_EL_NORMAL, buf);
}

/* A note of h rows from (y, x), w columns; the cursor kept in view. */
static void
note_draw(struct ui_form *f, struct ui_field *fd, bool focused, int y, int x, int w, int h)
{
	struct ui *ui = f->ui;
	struct ui_input *in = fd->in;
	struct note_row *rows = NULL;
	char counter[32], line[1024];
	int cw = note_counter(in, counter, sizeof counter), n, k;

	fd->textw = w - cw;
	if ((n = note_layout(in, w - cw, &rows)) < 0)
		return;
	k = note_cursor_row(in, rows, n);
	if (k < fd->top)
		fd->top = k;
	if (k >= fd->top + h)
		fd->top = k - h + 1;
	if (fd->top > n - h)
		fd->top = n - h > 0 ? n - h : 0;
	for (int r = 0; r < h; r++) {
		int j = fd->top + r, len = j < n ? rows[j].end - rows[j].start : 0;

		if (len >= (int)sizeof line)
			len = (int)sizeof line - 1;
		memcpy(line, j < n ? in->buf + rows[j].start : "", (size_t)len);
		line[len] = '\0';
		ui_draw_text(y + r, x, w - cw, UI_EL_INPUT, line);
		if (cw)
			ui_draw_text(y + r, x + w - cw, cw, UI_EL_INPUT, "");
	}
	if (cw)
		ui_draw_text(y + h - 1, x + w - cw, cw, in->nchars >= (in->max > 0 ? in->max : UI_INPUT_MAXCHARS) ?
			     UI_EL_WARNING : UI_EL_DIM, counter);
	if (focused) {
		ui->cursor_y = y + k - fd->top;
		ui->cursor_x = x + note_cols(in, rows[k].start, in->cur);
	}
	free(rows);
}

int
ui_form_draw_field(struct ui_form *f, int i, int y, int x, int w, int h,
		   ui_list_row_fn *row, void *arg)
{
	struct ui *ui = f->ui;
	struct ui_field *fd = &f->f[i];
	bool focused = f->focus == i;
	int y0 = y, lw = f->labelw, cy = ui->cursor_y, cx = ui->cursor_x;

	if (fd->hidden)
		return 0;
	if (h < 1)
		h = 1;
	ui_form_draw_label(f, i, y, x, fd->kind == UI_FIELD_CHOICE ? w : lw);
	switch (fd->kind) {
	case UI_FIELD_CHOICE: {
		bool cursor = fd->list->cursor;

		fd->list->cursor = focused;     /* the cursor only while it has the focus */
		fd->list->height = h;
		ui_list_draw(ui, fd->list, (struct ui_rect){ y + 1, x + 2, h, w - 2 }, row, arg);
		fd->list->cursor = cursor;
		/* choices the rows do not show: a mark on the label's row says so */
		if (fd->list->count > h && w > 24) {
			bool above = fd->list->top > 0, below = fd->list->top + h < fd->list->count;
			char mark[48];

			snprintf(mark, sizeof mark, "%s%s more ", above ? (ui->ascii ? "^" : "\xe2\x86\x91") : "",
				 below ? (ui->ascii ? "v" : "\xe2\x86\x93") : "");
			if (above || below)
				ui_draw_text(y, x + w - ui_width(mark), ui_width(mark), UI_EL_DIM, mark);
		}
		y += 1 + h;
		break;
	}
	case UI_FIELD_NOTE:
		note_draw(f, fd, focused, y, x + lw, w - lw, h);
		y += h;
		break;
	case UI_FIELD_TEXT:
	case UI_FIELD_AMOUNT: {
		int sw = fd->suffix ? ui_width(fd->suffix) + 1 : 0;

		ui_input_draw(ui, fd->in, y, x + lw, w - lw - sw);
		if (sw)
			ui_draw_text(y, x + w - sw, sw, UI_EL_DIM, "");
		if (sw)
			ui_draw_text(y, x + w - sw + 1, sw - 1, UI_EL_DIM, fd->suffix);
		y++;
		break;
	}
	case UI_FIELD_CUSTOM:
		y += h;
		break;
	}
	if (field_is_text(fd) && fd->in->len == 0 && !focused && fd->empty)
		ui_draw_text(y0, x + lw, w - lw, UI_EL_DIM, fd->empty);
	/* the terminal cursor goes to the focused field only */
	if (!focused || !field_is_text(fd)) {
		ui->cursor_y = cy;
		ui->cursor_x = cx;
	}
	if (fd->msg[0])
		ui_draw_text(y++, x + lw, w - lw, UI_EL_ERROR, fd->msg);
	return y - y0;
}

const char *
ui_form_key_text(const struct ui *ui, int action, const char *what, char *buf, size_t len)
{
	char k[16];

	snprintf(buf, len, "%s: %s", ui_keymap_key(&ui->km, action, k, sizeof k), what);
	return buf;
}

void
ui_form_draw_keys(struct ui_form *f, int y, int x, int w, const char *what, const char *sending,
		  const char *keys)
{
	char buf[300], kc[16], kx[16];

	if (f->sending) {
		ui_draw_text(y, x, w, UI_EL_DIM, sending);
		return;
	}
	if (f->confirming) {
		snprintf(buf, sizeof buf, "%s again to %s, %s to go back.",
			 ui_keymap_key(&f->ui->km, UI_ACT_CONFIRM, kc, sizeof kc), what,
			 ui_keymap_key(&f->ui->km, UI_ACT_CLOSE, kx, sizeof kx));
		ui_draw_text(y, x, w, UI_EL_WARNING, buf);
		return;
	}
	ui_draw_text(y, x, w, UI_EL_DIM, keys);
}

void
ui_form_draw_prompt(struct ui_form *f, int y, int x, int w, const char *label)
{
	struct ui_field *fd = ui_form_focused(f);
	int lw = ui_width(label);

	if (lw > w)
		lw = w;
	ui_draw_text(y, x, lw, UI_EL_HEADER, label);
	if (fd && fd->in)
		ui_input_draw(f->ui, fd->in, y, x + lw, w - lw);
}
