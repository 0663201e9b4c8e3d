#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "input.h"

void
ui_input_clear(struct ui_input *in)
{
	int max = in->max;

	memset(in, 0, sizeof *in);
	in->max = max;
}

static int
input_max(const struct ui_input *in)
{
	return in->max > 0 && in->max < UI_INPUT_MAXCHARS ? in->max : UI_INPUT_MAXCHARS;
}

static int
utf8_encode(int cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	} else if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	} else if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

bool
ui_input_insert(struct ui_input *in, int cp)
{
	char enc[4];
	int n;

	if (cp >= 0xd800 && cp <= 0xdfff)
		return false;
	n = utf8_encode(cp, enc);
	if (in->nchars >= input_max(in) || in->len + n >= (int)sizeof in->buf) {
		in->overflow = true;
		return false;
	}
	memmove(in->buf + in->cur + n, in->buf + in->cur, (size_t)(in->len - in->cur));
	memcpy(in->buf + in->cur, enc, (size_t)n);
	in->len += n;
	in->cur += n;
	in->nchars++;
	in->buf[in->len] = '\0';
	return true;
}

void
ui_input_set(struct ui_input *in, const char *text)
{
	size_t n = strlen(text);

	ui_input_clear(in);
	while (n > 0) {
		int cp, l = ui_utf8_decode(text, n, &cp);
		if (cp >= 0 && !ui_input_insert(in, cp))
			break;
		text += l;
		n -= (size_t)l;
	}
}

static int
prev_char(const struct ui_input *in, int pos)
{
	if (pos <= 0)
		return 0;
	pos--;
	while (pos > 0 && ((unsigned char)in->buf[pos] & 0xc0) == 0x80)
		pos--;
	return pos;
}

static int
next_char(const struct ui_input *in, int pos)
{
	int cp;

	if (pos >= in->len)
		return in->len;
	return pos + ui_utf8_decode(in->buf + pos, (size_t)(in->len - pos), &cp);
}

static int
count_chars(const char *s, int len)
{
	int n = 0;

	for (int i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

void
ui_input_delete(struct ui_input *in, int from, int to)
{
	if (from >= to)
		return;
	in->nchars -= count_chars(in->buf + from, to - from);
	memmove(in->buf + from, in->buf + to, (size_t)(in->len - to));
	in->len -= to - from;
	in->buf[in->len] = '\0';
	if (in->cur > to)
		in->cur -= to - from;
	else if (in->cur > from)
		in->cur = from;
}

int
ui_input_key(struct ui_input *in, int key, bool *changed)
{
	int old_len = in->len, old_cur = in->cur, p;

	*changed = false;
	if (ui_key_is_text(key)) {
		ui_input_insert(in, key);
	} else {
		switch (key) {
		case UI_KEY_BACKSPACE: case 0x7f: case UI_CTRL('h'):
			ui_input_delete(in, prev_char(in, in->cur), in->cur);
			break;
		case UI_KEY_DELETE: case UI_CTRL('d'):
			ui_input_delete(in, in->cur, next_char(in, in->cur));
			break;
		case UI_KEY_LEFT: case UI_CTRL('b'):
			in->cur = prev_char(in, in->cur);
			break;
		case UI_KEY_RIGHT:
			in->cur = next_char(in, in->cur);
			break;
		case UI_CTRL('a'):
			in->cur = 0;
			break;
		case UI_CTRL('e'):
			in->cur = in->len;
			break;
		case UI_CTRL('k'):
			ui_input_delete(in, in->cur, in->len);
			break;
		case UI_CTRL('u'):
			ui_input_delete(in, 0, in->cur);
			break;
		case UI_CTRL('w'):
			p = in->cur;
			while (p > 0 && in->buf[p - 1] == ' ')
				p--;
			while (p > 0 && in->buf[p - 1] != ' ')
				p--;
			ui_input_delete(in, p, in->cur);
			break;
		default:
			return UI_UNHANDLED;
		}
	}
	/* an edit that changed nothing (a full line) is still handled */
	*changed = in->len != old_len;
	return (in->len != old_len || in->cur != old_cur) ? (UI_HANDLED | UI_REDRAW) : UI_HANDLED;
}

void
ui_input_draw(struct ui *ui, struct ui_input *in, int y, int x, int w)
{
	int curcol, pos = 0, col = 0, skip, max = input_max(in);
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
	ui_draw_line(y, x, w, UI_EL_INPUT, &line);
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
