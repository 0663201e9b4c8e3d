/* The one line editor every text field uses (ui/input.h): the lookup's
 * Find line, the prompts and the dialogs' fields (ui/form.c builds its
 * note on it). No terminal here: drawing and curses' key codes are in
 * ui/input.c, so tests/unit/test_line_edit.c runs it alone. */
#include "config.h"

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

int
ui_input_limit(const struct ui_input *in)
{
	return in->max > 0 && in->max < UI_INPUT_MAXCHARS ? in->max : UI_INPUT_MAXCHARS;
}

void
ui_input_select_all(struct ui_input *in)
{
	in->selected = in->len > 0;
	in->cur = in->len;
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

/* A selected text is replaced by what is typed or pasted next. */
static void
drop_selection(struct ui_input *in)
{
	if (in->selected)
		ui_input_clear(in);
}

bool
ui_input_insert(struct ui_input *in, int cp)
{
	char enc[4];
	int n;

	if (cp >= 0xd800 && cp <= 0xdfff)
		return false;
	drop_selection(in);
	n = utf8_encode(cp, enc);
	if (in->nchars >= ui_input_limit(in) || in->len + n >= (int)sizeof in->buf) {
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

int
ui_input_paste(struct ui_input *in, const char *text, bool lines)
{
	size_t n = strlen(text);
	int dropped = 0;

	while (n > 0) {
		int cp, l = ui_utf8_decode(text, n, &cp);

		if (cp == '\r' && n > 1 && text[1] == '\n') {
			l = 2;                         /* CR LF: one line break */
			cp = '\n';
		}
		if (cp == '\r')
			cp = '\n';
		if (cp == '\t' || (cp == '\n' && !lines))
			cp = ' ';
		if ((cp == '\n' || ui_key_is_text(cp)) && !ui_input_insert(in, cp))
			dropped++;
		text += l;
		n -= (size_t)l;
	}
	return dropped;
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
	in->selected = false;
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

bool
ui_input_is_edit_key(int key)
{
	switch (key) {
	case UI_KEY_BACKSPACE: case 0x7f: case UI_CTRL('h'):
	case UI_KEY_DELETE: case UI_CTRL('d'):
	case UI_KEY_LEFT: case UI_CTRL('b'): case UI_KEY_RIGHT:
	case UI_KEY_HOME: case UI_CTRL('a'): case UI_KEY_END: case UI_CTRL('e'):
	case UI_CTRL('k'): case UI_CTRL('u'): case UI_CTRL('w'):
		return true;
	default:
		return ui_key_is_text(key);
	}
}

int
ui_input_key(struct ui_input *in, int key, bool *changed)
{
	int old_len = in->len, old_cur = in->cur, p;
	bool was_selected = in->selected;

	*changed = false;
	if (ui_key_is_text(key)) {
		ui_input_insert(in, key);
	} else {
		switch (key) {
		case UI_KEY_BACKSPACE: case 0x7f: case UI_CTRL('h'):
		case UI_KEY_DELETE: case UI_CTRL('d'):
		case UI_CTRL('k'): case UI_CTRL('u'): case UI_CTRL('w'):
			if (in->selected) {     /* deleting a selection deletes it all */
				ui_input_delete(in, 0, in->len);
				break;
			}
			if (key == UI_KEY_BACKSPACE || key == 0x7f || key == UI_CTRL('h')) {
				ui_input_delete(in, prev_char(in, in->cur), in->cur);
			} else if (key == UI_KEY_DELETE || key == UI_CTRL('d')) {
				ui_input_delete(in, in->cur, next_char(in, in->cur));
			} else if (key == UI_CTRL('k')) {
				ui_input_delete(in, in->cur, in->len);
			} else if (key == UI_CTRL('u')) {
				ui_input_delete(in, 0, in->cur);
			} else {
				p = in->cur;
				while (p > 0 && in->buf[p - 1] == ' ')
					p--;
				while (p > 0 && in->buf[p - 1] != ' ')
					p--;
				ui_input_delete(in, p, in->cur);
			}
			break;
		case UI_KEY_LEFT: case UI_CTRL('b'):
			in->cur = in->selected ? 0 : prev_char(in, in->cur);
			break;
		case UI_KEY_RIGHT:
			in->cur = in->selected ? in->len : next_char(in, in->cur);
			break;
		case UI_KEY_HOME: case UI_CTRL('a'):
			in->cur = 0;
			break;
		case UI_KEY_END: case UI_CTRL('e'):
			in->cur = in->len;
			break;
		default:
			return UI_UNHANDLED;
		}
		in->selected = false;    /* any editing key ends the selection */
	}
	/* an edit that changed nothing (a full line) is still handled */
	*changed = in->len != old_len || (was_selected && ui_key_is_text(key));
	return (in->len != old_len || in->cur != old_cur || was_selected != in->selected) ?
	       (UI_HANDLED | UI_REDRAW) : UI_HANDLED;
}
