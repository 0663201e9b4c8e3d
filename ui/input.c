#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "input.h"

void
ui_input_draw(struct ui *ui, struct ui_input *in, int y, int x, int w)
{
	int curcol, pos = 0, col = 0, skip, max = ui_input_limit(in);
	struct ui_line line;
	char saved;

	/* near the limit: "n/max" at the field's right end */
	if (in->nchars >= max - max / 10 && w > 24) {
		char count[24];
		int cw = snprintf(count, sizeof count, " %d/%d", in->nchars, max);

		ui_draw_text(y, x + w - cw, cw, in->nchars >= max ? UI_EL_WARNING : UI_EL_DIM, count);
		w -= cw;
	}
	if (w <= 1)
		return;
	saved = in->buf[in->cur];
	in->buf[in->cur] = '\0';
	curcol = ui_width(in->buf);
	in->buf[in->cur] = saved;
	/* all of it fits: none scrolled away (the field may have been
	 * narrower before a resize) */
	if (ui_width(in->buf) < w)
		in->scroll = 0;
	/* keep the cursor inside the field, with a little context */
	if (curcol < in->scroll)
		in->scroll = curcol - w / 3 > 0 ? curcol - w / 3 : 0;
	if (curcol >= in->scroll + w)
		in->scroll = curcol - w + 1 + w / 4;
	if (in->scroll < 0)
		in->scroll = 0;
	skip = in->scroll;
	while (pos < in->len && col < skip) {
		int cp, l = ui_utf8_decode(in->buf + pos, (size_t)(in->len - pos), &cp);
		col += ui_cp_width(cp);
		pos += l;
	}
	ui_line_init(&line, ui->ascii);
	ui_line_pad(&line, col - skip);
	ui_line_add(&line, in->buf + pos, w - (col - skip));
	ui_draw_line(y, x, w, in->selected ? UI_EL_SELECTED : UI_EL_INPUT, &line);
	ui_line_free(&line);
	ui->cursor_y = y;
	ui->cursor_x = x + curcol - in->scroll;
}

/* A get_wch() answer (r, wch) -> a ui key code (ui/keymap.h). */
int
ui_key_from_curses(int r, unsigned int wch)
{
	if (r == KEY_CODE_YES) {
		switch (wch) {
		case KEY_UP: return UI_KEY_UP;
		case KEY_DOWN: return UI_KEY_DOWN;
		case KEY_LEFT: return UI_KEY_LEFT;
		case KEY_RIGHT: return UI_KEY_RIGHT;
		case KEY_PPAGE: return UI_KEY_PGUP;
		case KEY_NPAGE: return UI_KEY_PGDN;
		case KEY_HOME: return UI_KEY_HOME;
		case KEY_END: return UI_KEY_END;
		case KEY_ENTER: return UI_KEY_ENTER;
		case KEY_BACKSPACE: return UI_KEY_BACKSPACE;
		case KEY_DC: return UI_KEY_DELETE;
		case KEY_IC: return UI_KEY_INSERT;
		case KEY_BTAB: return UI_KEY_BTAB;
		case KEY_RESIZE: return UI_KEY_RESIZE;
		default:
			if (wch > KEY_F0 && wch <= KEY_F(12))
				return UI_KEY_F((int)(wch - KEY_F0));
			return UI_KEY_NONE;
		}
	}
	switch (wch) {
	/* nonl(): Enter is CR; LF is C-j (the newline action in a note) */
	case '\r': return UI_KEY_ENTER;
	case 27: return UI_KEY_ESC;
	case '\t': return UI_KEY_TAB;
	case 127: case 8: return UI_KEY_BACKSPACE;
	default: return (int)wch;
	}
}
