/* Key codes, key names and the action keymap.
 *
 * A key is an int: a Unicode code point for a character (control characters
 * are UI_CTRL('x')), or one of the UI_KEY_* codes above the Unicode range.
 * The event loop translates curses key codes into these, so this module (and
 * its tests) need no terminal. */
#ifndef OMS_UI_KEYMAP_H
#define OMS_UI_KEYMAP_H

#include <stdbool.h>
#include <stddef.h>
#include "status.h"

#define UI_KEY_NONE   0
#define UI_CTRL(c)    ((c) & 0x1f)
#define UI_KEY_BASE   0x110000
enum {
	UI_KEY_UP = UI_KEY_BASE, UI_KEY_DOWN, UI_KEY_LEFT, UI_KEY_RIGHT,
	UI_KEY_PGUP, UI_KEY_PGDN, UI_KEY_HOME, UI_KEY_END,
	UI_KEY_ENTER, UI_KEY_ESC, UI_KEY_TAB, UI_KEY_BTAB,
	UI_KEY_BACKSPACE, UI_KEY_DELETE, UI_KEY_INSERT,
	UI_KEY_RESIZE,
	UI_KEY_F0 = UI_KEY_BASE + 0x100 /* F1..F12 follow */
};
#define UI_KEY_F(n)   (UI_KEY_F0 + (n))

/* True for keys that insert text into an input line. */
bool ui_key_is_text(int key);

/* Parses a key name: a single character ("q", "G", "/"), "C-x", "F1".."F12",
 * "Enter", "Esc", "Tab", "Up", "Down", "Left", "Right", "PgUp", "PgDn",
 * "Home", "End", "Space", "Backspace", "Del" (names case-insensitive).
 * Returns UI_KEY_NONE when the name is not a key. */
int ui_key_parse(const char *name);
/* Writes the canonical name of a key (the form ui_key_parse reads). */
const char *ui_key_name(int key, char *buf, size_t len);

#define UI_KEYMAP_SLOTS 4
struct ui_keymap {
	int keys[96][UI_KEYMAP_SLOTS];    /* indexed by enum ui_action */
};

/* Default bindings from the action table. */
void ui_keymap_init(struct ui_keymap *km);
/* Binds `keys` (one key name, or several separated by spaces or commas) to
 * the action named `action`, replacing its bindings; each key is taken away
 * from the other actions of the same scope (a global action's key: from
 * every global action). A screen's or dialog's own binding of a key wins
 * over a global one there. OMS_INVALID with a message for an unknown action
 * or key name (the keymap is then unchanged). */
enum oms_status ui_keymap_bind(struct ui_keymap *km, const char *action,
			       const char *keys, struct oms_error *err);
/* The global action bound to a key, or UI_ACT_NONE (0). */
int ui_keymap_action(const struct ui_keymap *km, int key);
struct ui_scope_chain;
/* The action a key means on a screen: the screen's own scope first, then
 * (in a dialog) the dialog scope, then the global ones. */
int ui_keymap_action_in(const struct ui_keymap *km, const struct ui_scope_chain *chain, int key);
/* "q, Esc": the keys of an action, for help and hints; "" if unbound. */
const char *ui_keymap_keys(const struct ui_keymap *km, int action, char *buf, size_t len);
/* The first key of an action ("?"), "" if unbound. */
const char *ui_keymap_key(const struct ui_keymap *km, int action, char *buf, size_t len);
/* The first of its keys that a text field does not take ("F1" for help),
 * "" if every key is text. */
const char *ui_keymap_key_not_text(const struct ui_keymap *km, int action, char *buf, size_t len);

#endif
