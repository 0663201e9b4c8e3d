/* Help: generated from the action table with the keys as bound now (so a
 * rebinding in oms.conf shows here). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "screens.h"
#include "views.h"

struct help_view {
	struct view v;
	struct ui_doc doc;
};

static struct help_view *
hv(struct view *v)
{
	return (struct help_view *)v;
}

/* A scope is listed when the role may open a screen it belongs to (the
 * global ones always; the dialog keys with any screen that has a dialog
 * or a prompt). */
static bool
help_scope_shown(const struct ui *ui, enum ui_scope sc)
{
	if (ui_scope_kinds[sc] == UI_KIND_GLOBAL)
		return true;
	if (sc == UI_SCOPE_DIALOG)
		return ui_screen_allowed(ui, UI_SCREEN_CANCEL) || ui_screen_allowed(ui, UI_SCREEN_REFUND) ||
		       view_approvals_allowed(ui);
	if (sc == UI_SCOPE_APPROVALS)
		return view_approvals_allowed(ui);
	for (int s = 1; s < UI_SCREEN_COUNT; s++)
		if (ui_screens[s].scope == sc && ui_screen_allowed(ui, (enum ui_screen)s))
			return true;
	return false;
}

static void
help_build(struct help_view *h)
{
	struct ui *ui = h->v.ui;
	struct ui_doc *d = &h->doc;
	int keyw = 16;

	doc_clear(d);
	doc_add(d, UI_EL_HEADER, "Keys (change them in oms.conf, section [keys]: action = key)");
	for (int g = 0; g < UI_SCOPE_COUNT; g++) {
		/* not offered to the role: not listed either */
		if (!help_scope_shown(ui, (enum ui_scope)g))
			continue;
		doc_section(d, ui_scope_titles[g]);
		for (int a = 1; a < UI_ACT_COUNT; a++) {
			struct ui_line l;
			char keys[64];
			enum ui_screen opens = ui_screen_of_action(a);

			if ((int)ui_actions[a].scope != g)
				continue;
			if (opens != UI_SCREEN_NONE && !ui_screen_allowed(ui, opens))
				continue;
			ui_keymap_keys(&ui->km, a, keys, sizeof keys);
			ui_line_init(&l, ui->ascii);
			ui_line_add(&l, "  ", 2);
			ui_line_cell(&l, keys[0] ? keys : "(unbound)", keyw, false);
			ui_line_add(&l, " ", 1);
			ui_line_cell(&l, ui_actions[a].name, 14, false);
			ui_line_add(&l, " ", 1);
			if (l.w + ui_width(ui_actions[a].help) <= d->width) {
				ui_line_add(&l, ui_actions[a].help, -1);
				doc_add_line(d, UI_EL_NORMAL, &l);
			} else {
				/* too long for the width: wrapped under itself, never cut */
				char *text = malloc(l.len + strlen(ui_actions[a].help) + 1);

				if (text) {
					memcpy(text, l.buf, l.len);
					strcpy(text + l.len, ui_actions[a].help);
					doc_wrap(d, UI_EL_NORMAL, l.w, text);
					free(text);
				}
			}
			ui_line_free(&l);
		}
	}
	doc_section(d, "Typing");
	doc_wrap(d, UI_EL_NORMAL, 2, "  Every text field edits the same way: Left, Right, Home or C-a, End "
		 "or C-e move; Backspace, Delete or C-d delete a character, C-u the text before the "
		 "cursor, C-k the text after it, C-w a word. A selected text (the lookup after /, a "
		 "date in a prompt) is replaced by what is typed. A paste goes only into the field "
		 "with the focus (line breaks as blanks, except in a note), never acts as keys, and "
		 "is cut, with a message, at the field's limit. In the lookup, typing goes into the "
		 "Find line; Esc or Tab moves to the list, where the keys act, and / comes back.");
	doc_section(d, "Leaving");
	doc_wrap(d, UI_EL_NORMAL, 2, "  C-c never ends the session at once: in a dialog or prompt it "
		 "closes it (asking first when typed text would be lost), elsewhere it asks "
		 "\"Quit oms? y/n\". q leaves a screen and asks on the first one; F10 quits at "
		 "once except in a dialog, where it asks; Q always asks. Every action on a "
		 "function key has another key (listed above) for terminals without them.");
	doc_section(d, "Dates");
	doc_wrap(d, UI_EL_NORMAL, 2, "  Date prompts take YYYY-MM-DD, today, yesterday, -7d (seven days "
		 "ago), this month and last month (their first day as a start, their last day or "
		 "today as an end). Amounts take a decimal point or comma (15,50).");
	doc_section(d, "Dialogs");
	doc_wrap(d, UI_EL_NORMAL, 2, "  Notes and reasons take up to 10000 characters (counted from 9000). "
		 "When another session is changing the order, or the connection was lost while "
		 "sending, nothing typed is lost and Enter tries again: a cancellation is never "
		 "done twice, and a refund request carries its own key, so it is never made twice. "
		 "A read-only server (a standby) changes nothing.");
	if (ui_screen_allowed(ui, UI_SCREEN_REPORTS)) {
		doc_section(d, "Reports");
		doc_wrap(d, UI_EL_NORMAL, 2, "  On the report screen t chooses the report, p a named period "
			 "(today ... this year), d a typed one (2025-01-20 2025-02-10, -30d today, last "
			 "month), b the grouping (day, week, month, all), s a seller (analysts, "
			 "administrators); Left and Right move to the figure the chart shows, and Enter "
			 "lists the orders behind it (administrators, fulfilment staff). Reports run on "
			 "the report connection: the other screens keep answering meanwhile.");
	}
	if (ui_screen_allowed(ui, UI_SCREEN_DASHBOARD))
		doc_wrap(d, UI_EL_NORMAL, 2, "  The dashboard (your home) reads its figures again by "
			 "itself (F5 at once); Enter opens the list behind a figure. Under Worker, ALERT "
			 "says no oms-worker has written its heartbeat lately (\"no heartbeat for N min\"), "
			 "and each circuit breaker shows OPEN, closed, or unknown without a fresh heartbeat.");
	doc_section(d, "Shipments on the order screen");
	doc_wrap(d, UI_EL_NORMAL, 2, "  Under a shipment whose carrier is tracked: the tracker's state "
		 "(tracking, ended), how long ago the last carrier scan came (\"last scan 03:05 h ago\") "
		 "and, once delivered, who signed for it. t asks the carrier for the latest scans at once; "
		 "the screen keeps working and shows them as they come. When the carrier cannot be "
		 "reached, the status line and a line under the shipment say how many polls failed and "
		 "why, and the age of the last scan says how old what is shown is.");
	if (ui_screen_allowed(ui, UI_SCREEN_QUEUE)) {
		doc_section(d, "Fulfilment queue");
		doc_wrap(d, UI_EL_NORMAL, 2, "  The confirmed orders to ship, oldest first, with the time "
			 "left of the 24-hour promise (LATE and red past it); f filters by it. s ships the "
			 "selected order: carrier and service chosen with Space, the tracking number typed, "
			 "Enter to check and again to ship; the database checks the number (BR-012). Space "
			 "marks orders, and s then ships them one after the other. b buys a label for the "
			 "selected order from the carrier aggregator: the cheapest and the fastest rate shown "
			 "(and the cheapest of the order's own service level, marked, when it is neither), "
			 "the one chosen bought and the order shipped with its tracking number (shown with "
			 "the label's address; e then saves the label to label-ORDER.pdf); the screen keeps "
			 "working while the aggregator answers, and Esc "
			 "stops before anything is bought. p writes the selected order's packing slip to "
			 "packing-slip-ORDER.txt. v filters by the service level (the levels the carriers "
			 "offer, from the database); e exports the queue as filtered. d sets your seller's "
			 "handling days (0 to 30 business days from confirmation to handing over, counted in "
			 "every estimate), shown in the heading.");
	}
	if (ui_screen_allowed(ui, UI_SCREEN_REVIEWS)) {
		doc_section(d, "Shipment reviews");
		doc_wrap(d, UI_EL_NORMAL, 2, "  S (from a list, not while typing) opens the parcels waiting for a "
			 "person: stuck (no carrier scan for 48 hours), lost (silent for a week), delivery "
			 "exceptions and returns. Nobody is mailed by the list. d records a decision (contact "
			 "the carrier, reship, refund, wait, resolved) with a note; a shows the decided ones too. "
			 "Fulfilment staff see their own seller's exceptions, returns and lost parcels, and do "
			 "not decide.");
	}
	doc_section(d, "Export");
	/* the lists the role has */
	doc_wrapf(d, UI_EL_NORMAL, 2, "  e (F8 while typing) exports the list on screen exactly as it "
		  "is filtered (%s%s%s) to a CSV, XLSX or JSON file: a progress bar shows the rows "
		  "written, the rate and the time left; Esc cancels and removes the partial file.",
		  ui_screen_allowed(ui, UI_SCREEN_LOOKUP) ?
		  "the lookup's results, a customer's history" : "",
		  ui_screen_allowed(ui, UI_SCREEN_LOOKUP) && ui_screen_allowed(ui, UI_SCREEN_REPORTS) ?
		  ", " : "",
		  ui_screen_allowed(ui, UI_SCREEN_REPORTS) ? "a report, the orders behind a figure" : "");
	if (view_approvals_allowed(ui))
		doc_wrap(d, UI_EL_NORMAL, 2, "  On the approvals screen e exports the list shown, "
			 "cancellations or refunds.");
	doc_section(d, "Rules named in messages");
	{
		static const char *const rules[] = {
			"  BR-012  A tracking number must look like the carrier's (UPS 1Z..., FedEx "
			"12/15/20/22 digits, DHL 10, USPS 20-22) and not be in use.",
			"  BR-014  Only PENDING and CONFIRMED orders can be cancelled.",
			"  BR-020  An unpaid PENDING order cancels at once, even after the window.",
			"  BR-021  Within the cancellation window (1 hour after placement) a CSR "
			"cancels at once.",
			"  BR-022  A shipped order cannot be cancelled: use a return.",
			"  BR-023  A cancellation needs a reason; \"Other\" needs a note.",
			"  BR-025  After the window, the seller (or an administrator) decides on the "
			"cancellation.",
			"  BR-026  An administrator may override: cancel at once after the window, "
			"with a reason.",
			"  BR-027  A refund asked for by hand waits for an administrator's approval.",
			"  BR-028  A refund is never more than what is left to refund.",
			"  BR-029  Whoever asked for a refund or cancellation cannot decide it.",
		};
		for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
			doc_wrap(d, UI_EL_NORMAL, 10, rules[i]);
	}
}

static void
help_draw(struct view *v, struct ui_rect r)
{
	doc_draw(v->ui, &hv(v)->doc, r);
}

static int
help_resize(struct view *v, struct ui_rect r)
{
	struct help_view *h = hv(v);

	if (h->doc.width != r.w) {
		h->doc.width = r.w;
		help_build(h);
	}
	h->doc.scroll.height = r.h;
	ui_list_set_count(&h->doc.scroll, h->doc.n);
	return UI_REDRAW;
}

static int
help_key(struct view *v, int key, int action)
{
	if (action == UI_ACT_HELP)
		return UI_POP | UI_HANDLED;
	return ui_list_action(&hv(v)->doc.scroll, action);
}

static int
help_hints(struct view *v, int *acts, int max)
{
	int n = 0;

	if (n < max)
		acts[n++] = UI_ACT_BACK;
	if (n < max)
		acts[n++] = UI_ACT_DOWN;
	if (n < max)
		acts[n++] = UI_ACT_PAGE_DOWN;
	if (n < max)
		acts[n++] = UI_ACT_QUIT;
	return n;
}

static void
help_close(struct view *v)
{
	doc_free(&hv(v)->doc);
	free(v);
}

static const struct view_ops help_ops = {
	.name = "Help",
	.screen = UI_SCREEN_HELP,
	.close = help_close,
	.draw = help_draw,
	.key = help_key,
	.resize = help_resize,
	.hints = help_hints,
};

struct view *
view_help_new(struct ui *ui)
{
	struct help_view *h = calloc(1, sizeof *h);

	if (!h)
		return NULL;
	h->v.ops = &help_ops;
	h->v.ui = ui;
	doc_init(&h->doc, ui->cols, ui->ascii);
	help_build(h);
	return &h->v;
}
