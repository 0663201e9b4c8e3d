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
#include "view_messages.h"
#include "view_recent.h"
#include "views.h"
#include "width.h"

#include "loop_int.h"

/* --- keys --------------------------------------------------------------- */

/* Keys wait while the screen they are for loads, at most this long. */
#define HOLD_MAX_MS 3000

static bool
view_in_dialog(const struct view *v)
{
	return v->ops->dialog || v->dialog_keys;
}

static bool
view_unsaved(struct view *v)
{
	return v->ops->unsaved && v->ops->unsaved(v);
}

int
ui_ask_quit(struct ui *ui)
{
	ui->ask = UI_ASK_QUIT;
	return UI_REDRAW;
}

const char *
ui_question(const struct ui *ui)
{
	switch (ui->ask) {
	case UI_ASK_QUIT:
		for (int i = 0; i < ui->depth; i++)
			if (view_unsaved(ui->stack[i]))
				return "Quit oms? What you typed is lost. y/n";
		return "Quit oms? y/n";
	case UI_ASK_CLOSE:
		return "Close the dialog? What you typed is lost. y/n";
	default:
		return "";
	}
}

/* Closes the dialog or prompt on top as its close key would; not while
 * it waits for the database (an answer must not be lost unseen). */
static int
close_dialog(struct ui *ui, struct view *top)
{
	char k[16];

	if (ui_query_pending(ui, top, -1)) {
		ui_message(ui, UI_EL_WARNING, "Waiting for the database; %s cancels the query.",
			   ui_keymap_key(&ui->km, UI_ACT_CLOSE, k, sizeof k));
		return UI_REDRAW;
	}
	if (top->ops->dialog) {
		ui_apply(ui, top, UI_POP);
		return UI_REDRAW;
	}
	/* a prompt inside a screen: its own close */
	ui_apply(ui, top, top->ops->key(top, UI_KEY_ESC, UI_ACT_CLOSE));
	return UI_REDRAW;
}

int
ui_interrupt(struct ui *ui)
{
	struct view *top = ui->stack[ui->depth - 1];

	if (ui->ask)
		return 0;                 /* the question stays until answered */
	if (view_in_dialog(top)) {
		if (view_unsaved(top)) {
			ui->ask = UI_ASK_CLOSE;
			return UI_REDRAW;
		}
		return close_dialog(ui, top);
	}
	return ui_ask_quit(ui);
}

/* The answer to the question in the status line: y does it, any other
 * key (n, Esc) does not; Ctrl-C again leaves the question up. */
static void
ui_answer(struct ui *ui, int key, int action)
{
	struct view *top = ui->stack[ui->depth - 1];
	int what = ui->ask;

	if (action == UI_ACT_INTERRUPT)
		return;
	ui->ask = UI_ASK_NONE;
	ui->redraw = true;
	if (key != 'y' && key != 'Y')
		return;
	if (what == UI_ASK_QUIT)
		ui->quit = true;
	else
		ui_apply(ui, NULL, close_dialog(ui, top));
}

static int
ui_global_action(struct ui *ui, int key, int action)
{
	struct view *top = ui->stack[ui->depth - 1];

	switch (action) {
	case UI_ACT_QUIT:
		/* in a dialog, a stray F10 must not throw away what is typed */
		if (view_in_dialog(top) || ui_key_is_text(key))
			return ui_ask_quit(ui);       /* and a letter is easy to hit */
		return UI_QUIT;
	case UI_ACT_HOME:
		ui_pop_to_root(ui);
		return UI_REDRAW;
	case UI_ACT_BACK:
		if (ui->depth > 1)
			return UI_POP;
		return key == UI_KEY_ESC ? UI_UNHANDLED : ui_ask_quit(ui);
	case UI_ACT_REFRESH:
		if (!ui_online(ui)) {
			ui_message(ui, UI_EL_WARNING, "Offline: the screen reloads when the database is back.");
			return UI_REDRAW;
		}
		return top->ops->reload ? top->ops->reload(top) : UI_UNHANDLED;
	case UI_ACT_REDRAW:
		clearok(curscr, TRUE);
		return UI_RELAYOUT | UI_REDRAW;
	case UI_ACT_RECENT: {
		struct view *nv = view_recent_new(ui);

		if (nv)
			ui_push(ui, nv);
		return UI_HANDLED | UI_REDRAW;
	}
	case UI_ACT_MESSAGES: {
		struct view *nv = view_messages_new(ui);

		if (nv)
			ui_push(ui, nv);
		return UI_HANDLED | UI_REDRAW;
	}
	default:
		/* help, lookup, menu, approvals, reports: the registry opens them */
		return ui_screen_open(ui, ui_screen_of_action(action));
	}
}

/* The view on top is loading what the keys typed next are about (it was
 * just opened, or asked for the next page): they wait for it, so that
 * x then Space reaches the cancel dialog's reasons and 200 j go down 200
 * rows. Not offline, and not for long. */
static bool
ui_holding(struct ui *ui)
{
	struct view *top = ui->stack[ui->depth - 1];

	if (!top->loading_since)
		return false;
	if (!ui_online(ui) || !ui_query_pending(ui, top, -1) ||
	    ui_now_ms() > top->loading_since + HOLD_MAX_MS) {
		top->loading_since = 0;
		return false;
	}
	return true;
}

void
ui_hold_keys(struct view *v)
{
	v->loading_since = ui_now_ms();
}

static void ui_key(struct ui *ui, int key);

void
ui_keys_replay(struct ui *ui)
{
	int i = 0;

	if (ui->replaying || !ui->nheld)
		return;
	ui->replaying = true;
	while (i < ui->nheld && !ui->quit && !ui->ask && !ui_holding(ui))
		ui_key(ui, ui->held[i++]);
	memmove(ui->held, ui->held + i, (size_t)(ui->nheld - i) * sizeof ui->held[0]);
	ui->nheld -= i;
	if (ui->ask)
		ui->nheld = 0;           /* keys after a question are not its answer */
	ui->replaying = false;
}

static void
ui_key(struct ui *ui, int key)
{
	struct view *top = ui->stack[ui->depth - 1];
	int action, flags;
	unsigned seq;

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
	if (ui->ask) {
		ui_answer(ui, key, action);
		return;
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
	if (action == UI_ACT_INTERRUPT) {
		ui_apply(ui, NULL, ui_interrupt(ui));
		return;
	}
	if (!ui->replaying && action != UI_ACT_QUIT && (ui->nheld || ui_holding(ui))) {
		if (ui->nheld < (int)(sizeof ui->held / sizeof ui->held[0]))
			ui->held[ui->nheld++] = key;
		ui_keys_replay(ui);
		return;
	}
	seq = ui->msg_seq;
	flags = top->ops->key(top, key, action);
	if (!(flags & UI_HANDLED))
		flags |= ui_global_action(ui, key, action);
	/* the person acted: a message from before no longer applies (the
	 * message history keeps it); one the key itself gave stays */
	if ((flags & UI_HANDLED) && ui->msg_seq == seq && ui->msg_until > ui_now_ms()) {
		ui->msg_until = 0;
		flags |= UI_REDRAW;
	}
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

	ui->pasting = false;
	if (!ui->paste)
		return;
	ui->paste[ui->paste_len] = '\0';
	if (ui->ask) {
		/* a paste never answers a question */
	} else if (top->ops->paste) {
		ui_apply(ui, top, top->ops->paste(top, ui->paste));
	} else {
		/* no text field here: the paste is not taken for keys either */
		ui_message(ui, UI_EL_HINT, "Nothing here takes text: the paste was left out.");
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
