/* Keys from the terminal: reading them (all that was typed before drawing
 * once), unknown escape sequences swallowed, bracketed paste gathered whole
 * (ESC [200~ ... ESC [201~, turned on in ui/ui.c) and handed to the view on
 * top, and what a key means: the view's action first, then the global
 * ones. Split from ui/loop.c, which polls the terminal and calls
 * ui_read_keys when it is readable. */
#include "config.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "input.h"
#include "screens.h"
#include "views.h"
#include "width.h"

#include "loop_int.h"

/* --- keys --------------------------------------------------------------- */

static int
ui_global_action(struct ui *ui, int key, int action)
{
	struct view *top = ui->stack[ui->depth - 1];

	switch (action) {
	case UI_ACT_QUIT:
		return UI_QUIT;
	case UI_ACT_HOME:
		ui_pop_to_root(ui);
		return UI_REDRAW;
	case UI_ACT_BACK:
		if (ui->depth > 1)
			return UI_POP;
		return key == UI_KEY_ESC ? UI_UNHANDLED : UI_QUIT;
	case UI_ACT_REFRESH:
		if (!ui_online(ui)) {
			ui_message(ui, UI_EL_WARNING, "Offline: the screen reloads when the database is back.");
			return UI_REDRAW;
		}
		return top->ops->reload ? top->ops->reload(top) : UI_UNHANDLED;
	case UI_ACT_REDRAW:
		clearok(curscr, TRUE);
		return UI_RELAYOUT | UI_REDRAW;
	default:
		/* help, lookup, menu, approvals, reports: the registry opens them */
		return ui_screen_open(ui, ui_screen_of_action(action));
	}
}

static void
ui_key(struct ui *ui, int key)
{
	struct view *top = ui->stack[ui->depth - 1];
	int action, flags;

	if (key == UI_KEY_NONE)
		return;
	if (key == UI_KEY_RESIZE) {
		ui->relayout = true;
		return;
	}
	{
		struct ui_scope_chain chain = ui_view_scopes(top);
		action = ui_keymap_action_in(&ui->km, &chain, key);
	}
	if (key == UI_KEY_ESC && ui_busy_visible(ui)) {
		ui->inflight->user_cancelled = true;
		db_cancel(ui->db);
		ui_message(ui, UI_EL_WARNING, "Cancelling the query...");
		return;
	}
	if (key == UI_KEY_ESC && ui_report_busy_visible(ui)) {
		/* only the report's query: the primary goes on */
		ui->report->inflight->user_cancelled = true;
		db_cancel(ui->report->db);
		ui_message(ui, UI_EL_WARNING, "Cancelling the report query...");
		return;
	}
	flags = top->ops->key(top, key, action);
	if (!(flags & UI_HANDLED))
		flags |= ui_global_action(ui, key, action);
	ui_apply(ui, top, flags);
}
/* --- bracketed paste -------------------------------------------------------- */

/* At most this much of one paste is kept: more than any field takes (a
 * note of UI_INPUT_MAXCHARS characters of 4 bytes), so a field that
 * overflows still says so. */
#define PASTE_MAX ((size_t)UI_INPUT_MAXCHARS * 4 + 4096)

static void
paste_add(struct ui *ui, int r, wint_t wch)
{
	int cp = r == KEY_CODE_YES ? (wch == KEY_ENTER ? '\r' : -1) : (int)wch;
	char enc[4];
	int n;

	if (cp < 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return;
	if (cp < 0x80) {
		enc[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		enc[0] = (char)(0xc0 | (cp >> 6));
		enc[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		enc[0] = (char)(0xe0 | (cp >> 12));
		enc[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		enc[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		enc[0] = (char)(0xf0 | (cp >> 18));
		enc[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		enc[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		enc[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	if (ui->paste_len + (size_t)n + 1 > PASTE_MAX)
		return;
	if (ui->paste_len + (size_t)n + 1 > ui->paste_cap) {
		size_t cap = ui->paste_cap ? ui->paste_cap * 2 : 4096;
		char *p;

		while (cap < ui->paste_len + (size_t)n + 1)
			cap *= 2;
		if (!(p = realloc(ui->paste, cap)))
			return;
		ui->paste = p;
		ui->paste_cap = cap;
	}
	memcpy(ui->paste + ui->paste_len, enc, (size_t)n);
	ui->paste_len += (size_t)n;
}

/* The paste is complete: the view on top takes it whole (its text field),
 * or, without a paste handler, gets its printable characters as keys
 * bound to nothing, so a paste can type into a line but never acts. */
static void
paste_end(struct ui *ui)
{
	struct view *top = ui->stack[ui->depth - 1];
	const char *p;
	size_t n;

	ui->pasting = false;
	if (!ui->paste)
		return;
	ui->paste[ui->paste_len] = '\0';
	if (top->ops->paste) {
		ui_apply(ui, top, top->ops->paste(top, ui->paste));
	} else {
		for (p = ui->paste, n = ui->paste_len; n > 0 && ui->stack[ui->depth - 1] == top;) {
			int cp, l = ui_utf8_decode(p, n, &cp);

			if (ui_key_is_text(cp))
				ui_apply(ui, top, top->ops->key(top, cp, UI_ACT_NONE));
			p += l;
			n -= (size_t)l;
		}
	}
	ui->paste_len = 0;
	if (ui->paste_cap > 65536) {
		free(ui->paste);
		ui->paste = NULL;
		ui->paste_cap = 0;
	}
	ui->redraw = true;
}

/* The next key. Inside a paste it is waited for (a second at most): the
 * terminal's writes may cut the paste anywhere, in a UTF-8 character
 * (curses, not waiting, would drop its first bytes) or in the end marker
 * ESC [201~ (whose ESC alone must not end up as text). */
static int
read_key(const struct ui *ui, wint_t *wch)
{
	int r;

	if (!ui->pasting)
		return get_wch(wch);
	wtimeout(stdscr, 1000);
	r = get_wch(wch);
	nodelay(stdscr, TRUE);
	return r;
}

void
ui_read_keys(struct ui *ui)
{
	wint_t wch;
	int r, n = 0;

	ui->draw_after = 0;   /* what was typed shows at once */
	/* drain everything typed (or pasted) before drawing once */
	while (!ui->quit && (r = read_key(ui, &wch)) != ERR) {
		int key = ui_key_from_curses(r, wch);

		if (ui->pasting && !(r == OK && wch == 27)) {
			paste_add(ui, r, wch);      /* text, never keys */
			continue;
		}
		if (key == UI_KEY_ESC) {
			/* curses hands over a lone ESC only after ESCDELAY; an ESC
			 * with more behind it is a sequence terminfo does not know
			 * (or pasted junk): swallow it rather than act on "Esc [ 4 ~" */
			wint_t next;
			int r2 = read_key(ui, &next);

			if (r2 == OK && (next == '[' || next == 'O')) {
				char seq[40];
				int guard = 0, sn = 0;

				while (read_key(ui, &next) == OK && guard++ < 32) {
					if (sn < (int)sizeof seq - 1)
						seq[sn++] = (char)next;
					if (next >= 0x40 && next <= 0x7e)
						break;
				}
				seq[sn] = '\0';
				/* bracketed paste (enabled in ui/ui.c) */
				if (strcmp(seq, "200~") == 0) {
					ui->pasting = true;
					ui->paste_len = 0;
				} else if (strcmp(seq, "201~") == 0 && ui->pasting) {
					paste_end(ui);
				}
				continue;
			}
			if (ui->pasting) {
				paste_add(ui, OK, 27);
				if (r2 != ERR)
					paste_add(ui, r2, next);
				continue;
			}
			ui_key(ui, key);
			if (r2 != ERR)
				key = ui_key_from_curses(r2, next);
			else
				continue;
		}
		ui_key(ui, key);
		if (++n % 64 == 0)
			ui_send_next(ui);
	}
}
