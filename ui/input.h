/* A one-line text editor (UTF-8), bounded in length so a paste of any size
 * cannot grow it: at most `max` characters (0: UI_INPUT_MAXCHARS, the
 * free-text limit OMS_NOTE_MAX the database keeps too). Near the limit the
 * field shows how many characters it holds ("1850/2000"). */
#ifndef OMS_UI_INPUT_H
#define OMS_UI_INPUT_H

#include <stdbool.h>
#include "ui.h"

#define UI_INPUT_MAXCHARS OMS_NOTE_MAX

struct ui_input {
	char buf[UI_INPUT_MAXCHARS * 4 + 1];
	int max;            /* characters; 0: UI_INPUT_MAXCHARS (kept by clear) */
	int len;            /* bytes */
	int cur;            /* byte offset of the cursor */
	int nchars;
	int scroll;         /* first column shown */
	bool overflow;      /* characters were dropped since the last clear */
	bool selected;      /* all of it is selected: what is typed next replaces it */
};

/* The editing (ui/line_edit.c) is the same in every field: characters,
 * Backspace, Delete and C-d, Left and C-b, Right, Home and C-a, End and
 * C-e, C-k (cut to the end), C-u (cut to the start), C-w (cut a word). */
void ui_input_clear(struct ui_input *in);
/* Selects the whole text (a new lookup, a pre-filled date): a character
 * typed or pasted replaces it, a deletion deletes it, a movement ends the
 * selection. */
void ui_input_select_all(struct ui_input *in);
/* The field's limit in characters. */
int ui_input_limit(const struct ui_input *in);
/* Pastes text at the cursor: tabs become blanks, line breaks too unless
 * `lines` (a note); other control characters are dropped. Returns the
 * number of characters that did not fit (0: all of it). */
int ui_input_paste(struct ui_input *in, const char *text, bool lines);
/* True for the keys ui_input_key edits with (a field takes them before
 * the keymap does). */
bool ui_input_is_edit_key(int key);
/* Inserts one character at the cursor; false (and overflow set) when the
 * field is full. A newline is taken (the note field, ui/form.c, has lines). */
bool ui_input_insert(struct ui_input *in, int cp);
void ui_input_set(struct ui_input *in, const char *text);
/* Deletes the bytes from .. to (character boundaries). */
void ui_input_delete(struct ui_input *in, int from, int to);
/* Edits for a key (characters, Backspace, Delete, Left, Right, C-a, C-e,
 * C-k, C-u, C-w, C-b, C-d); returns UI_HANDLED|UI_REDRAW and sets *changed when
 * the text changed, UI_UNHANDLED for keys that are not editing keys. */
int ui_input_key(struct ui_input *in, int key, bool *changed);
/* Draws the text in w columns at (y, x), scrolled so the cursor shows, and
 * asks the loop to put the terminal cursor there. */
void ui_input_draw(struct ui *ui, struct ui_input *in, int y, int x, int w);

/* What get_wch() returned (OK or KEY_CODE_YES, and the character or key)
 * as a ui key code (ui/keymap.h); UI_KEY_NONE for keys oms does not use. */
int ui_key_from_curses(int r, unsigned int wch);

#endif
