/* Cancel dialog: the whole order or some of its lines, a reason, a note,
 * what will happen, confirm. The rules (window, approval, refund) are the
 * database's: this dialog only shows what oms_api.cancel_eligibility said
 * and sends oms_api.cancel_order or oms_api.cancel_lines. For lines, the
 * refund shown is the database's too: when the marks change, after a pause
 * (as the lookup line waits for typing), oms_api.cancel_lines_preview is
 * asked, and its amount, computed as cancel_lines then grants it, is shown
 * once it answers for the marks as they are; "Refund ..." until then. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "doc.h"
#include "frame.h"
#include "input.h"
#include "list.h"
#include "views.h"

enum { TAG_REASONS = 1, TAG_CANCEL, TAG_CARD, TAG_PREVIEW };
#define CANCEL_PREVIEW_DEBOUNCE_MS 120
enum focus { FOCUS_LINES, FOCUS_REASONS, FOCUS_NOTE };

/* A line of the order as "some lines" offers it. */
struct cancel_pick {
	int line_no;
	int qty, left;             /* ordered, not cancelled yet */
	int take;                  /* units marked for cancelling, 0 .. left */
	long long unit_minor;
	char name[128];
};

struct cancel_view {
	struct view v;
	struct view *parent;
	long long order_no;
	char verdict[24], rule[256], currency[4];
	long long refund_minor;
	bool needs_override;
	struct cancel_reason *reasons;
	int nreasons;
	struct ui_list list;
	int chosen;                /* index of the chosen reason, -1: none yet */
	struct ui_input note;
	enum focus focus;
	bool confirming, sending;
	uint64_t bench_t0;         /* bench: when the cancellation was confirmed */

	bool by_lines;             /* "some lines" rather than the whole order */
	bool card_asked, card_failed;
	struct cancel_pick *picks;
	int npicks;
	struct ui_list lines;

	/* The database's preview of the marks: marks_gen counts changes of
	 * the marks, asked_gen is the marks last asked about, preview_gen
	 * those the answer below is for (shown when it is marks_gen). */
	unsigned marks_gen, asked_gen, preview_gen;
	struct cancel_lines_preview preview;
	bool preview_failed;
};

static struct cancel_view *
xv(struct view *v)
{
	return (struct cancel_view *)v;
}

static int
cancel_open(struct view *v)
{
	struct app_stmt st;

	cancel_reasons_stmt(&st);
	ui_query(v->ui, v, TAG_REASONS, &st);
	return UI_REDRAW;
}

static void
cancel_reason_row(void *arg, int row, int w, struct ui_line *line, enum ui_element *el)
{
	struct cancel_view *x = arg;

	ui_line_add(line, row == x->chosen ? (x->v.ui->ascii ? "(*) " : "(\xe2\x80\xa2) ") : "( ) ", 4);
	ui_line_add(line, x->reasons[row].label, w - 4);
}

/* An administrator's note on a whole order outside the window is the
 * reason of an override (BR-026): the order is cancelled at once. */
static bool
cancel_overriding(const struct cancel_view *x)
{
	return x->needs_override && !x->by_lines && x->note.len > 0;
}

static bool
cancel_needs_approval(const struct cancel_view *x)
{
	return strcmp(x->verdict, "needs_approval") == 0 && !cancel_overriding(x);
}

/* --- the lines ---------------------------------------------------------- */

static const int CANCEL_QTY_W = 9, CANCEL_UNIT_W = 11;   /* "cancelled", "$1,234.56" */

static void
cancel_line_row(void *arg, int row, int w, struct ui_line *line, enum ui_element *el)
{
	struct cancel_view *x = arg;
	const struct cancel_pick *p = &x->picks[row];
	int namew = w - 4 - 4 - CANCEL_QTY_W - CANCEL_UNIT_W;
	char no[16], qty[32], unit[48];

	snprintf(no, sizeof no, "%d", p->line_no);
	if (p->left == 0)
		snprintf(qty, sizeof qty, "cancelled");
	else if (p->take > 0)
		snprintf(qty, sizeof qty, "%d of %d", p->take, p->left);
	else
		snprintf(qty, sizeof qty, "%d", p->left);
	money_format(p->unit_minor, x->currency, unit, sizeof unit);
	ui_line_add(line, p->left == 0 ? "    " : p->take > 0 ? "[x] " : "[ ] ", 4);
	ui_line_cell(line, no, 3, true);
	ui_line_add(line, " ", 1);
	ui_line_cell(line, p->name, namew > 4 ? namew : 4, false);
	ui_line_cell(line, qty, CANCEL_QTY_W, true);
	ui_line_cell(line, unit, CANCEL_UNIT_W, true);
	if (p->left == 0)
		*el = UI_EL_DIM;
}

static void
cancel_lines_header(struct ui *ui, int y, int x0, int w)
{
	struct ui_line l;
	int namew = w - 4 - 4 - CANCEL_QTY_W - CANCEL_UNIT_W;

	ui_line_init(&l, ui->ascii);
	if (ui->plain) {
		ui_line_add(&l, " ", 1);    /* over the list's '>' column */
		namew--;
	}
	ui_line_add(&l, "    ", 4);
	ui_line_cell(&l, "#", 3, true);
	ui_line_add(&l, " ", 1);
	ui_line_cell(&l, "Item", namew > 4 ? namew : 4, false);
	ui_line_cell(&l, "Cancel", CANCEL_QTY_W, true);
	ui_line_cell(&l, "Unit", CANCEL_UNIT_W, true);
	ui_draw_line(y, x0, w, UI_EL_HEADER, &l);
	ui_line_free(&l);
}

/* Units and value marked, and whether any unit of the order would remain. */
static int
cancel_marked(const struct cancel_view *x, long long *value, bool *nothing_left)
{
	int units = 0;

	*value = 0;
	*nothing_left = true;
	for (int i = 0; i < x->npicks; i++) {
		const struct cancel_pick *p = &x->picks[i];

		units += p->take;
		*value += p->take * p->unit_minor;
		if (p->take < p->left)
			*nothing_left = false;
	}
	return units;
}

/* The marked units, as cancel_lines takes them; NULL when out of memory. */
static struct cancel_line *
cancel_marked_lines(const struct cancel_view *x, int *n)
{
	struct cancel_line *lines = calloc(x->npicks + 1, sizeof *lines);

	*n = 0;
	for (int i = 0; lines && i < x->npicks; i++)
		if (x->picks[i].take > 0)
			lines[(*n)++] = (struct cancel_line){ x->picks[i].line_no, x->picks[i].take };
	return lines;
}

/* The marks changed: what is shown no longer answers them; ask the
 * database after a pause in the key presses (cancel_tick). */
static void
cancel_marks_changed(struct cancel_view *x)
{
	long long value;
	bool all;

	x->marks_gen++;
	if (cancel_marked(x, &value, &all) > 0) {
		ui_timer(&x->v, CANCEL_PREVIEW_DEBOUNCE_MS);
	} else {
		ui_timer(&x->v, 0);
		ui_query_drop(x->v.ui, &x->v, TAG_PREVIEW);
	}
}

static int
cancel_tick(struct view *v)
{
	struct cancel_view *x = xv(v);
	struct app_stmt st;
	struct oms_error err;
	struct cancel_line *lines;
	int n;

	oms_error_clear(&err);
	if (!(lines = cancel_marked_lines(x, &n)) || n == 0) {
		free(lines);
		return UI_REDRAW;
	}
	x->asked_gen = x->marks_gen;
	if (cancel_lines_preview_stmt(x->order_no, lines, n, &st, &err) == OMS_OK) {
		ui_query(v->ui, v, TAG_PREVIEW, &st);
	} else {
		x->preview_gen = x->asked_gen;
		x->preview_failed = true;
		ui_message_error(v->ui, &err);
	}
	free(lines);
	return UI_REDRAW;
}

static int
cancel_preview_result(struct cancel_view *x, struct db_result *res, const struct oms_error *err)
{
	struct oms_error perr;

	oms_error_clear(&perr);
	x->preview_gen = x->asked_gen;
	x->preview_failed = !res || cancel_lines_preview_parse(res, &x->preview, &perr) != OMS_OK;
	if (!res)
		ui_message_error(x->v.ui, err);
	else if (x->preview_failed)
		ui_message_error(x->v.ui, &perr);
	return UI_REDRAW;
}

static int
cancel_card_result(struct cancel_view *x, struct db_result *res, const struct oms_error *err)
{
	struct oms_error perr;
	json_t *card, *ln, *lines;
	size_t i;

	oms_error_clear(&perr);
	if (!res) {
		x->card_failed = true;
		ui_message_error(x->v.ui, err);
		return UI_REDRAW;
	}
	if (!(card = app_doc_parse(res, &perr))) {
		x->card_failed = true;
		ui_message_error(x->v.ui, &perr);
		return UI_REDRAW;
	}
	lines = json_object_get(card, "lines");
	free(x->picks);
	x->npicks = 0;
	x->picks = calloc(json_array_size(lines) + 1, sizeof *x->picks);
	if (!x->picks) {
		json_decref(card);
		x->card_failed = true;
		ui_message(x->v.ui, UI_EL_ERROR, "Out of memory.");
		return UI_REDRAW;
	}
	json_array_foreach(lines, i, ln) {
		struct cancel_pick *p = &x->picks[x->npicks++];

		p->line_no = (int)jll(ln, "line_no");
		p->qty = (int)jll(ln, "qty");
		p->left = p->qty - (int)jll(ln, "cancelled_qty");
		if (p->left < 0)
			p->left = 0;
		p->unit_minor = jll(ln, "unit_price_minor");
		snprintf(p->name, sizeof p->name, "%s", js(ln, "name"));
	}
	json_decref(card);
	x->card_failed = false;
	ui_list_set_count(&x->lines, x->npicks);
	cancel_marks_changed(x);            /* none now */
	/* start on the first line that can still be cancelled */
	for (int k = 0; k < x->npicks; k++)
		if (x->picks[k].left > 0) {
			x->lines.sel = k;
			break;
		}
	return UI_REDRAW;
}

/* Switches between the whole order and some lines; the lines come from
 * the order card the first time. */
static int
cancel_toggle_scope(struct cancel_view *x)
{
	x->by_lines = !x->by_lines;
	x->confirming = false;
	x->focus = x->by_lines ? FOCUS_LINES : FOCUS_REASONS;
	if (x->by_lines && (!x->card_asked || x->card_failed)) {
		struct app_stmt st;

		order_card_stmt(x->order_no, &st);
		ui_query(x->v.ui, &x->v, TAG_CARD, &st);
		x->card_asked = true;
		x->card_failed = false;
	}
	return UI_HANDLED | UI_REDRAW;
}

static int
cancel_line_key(struct cancel_view *x, int key)
{
	struct cancel_pick *p;
	int take;

	if (x->npicks == 0 || x->lines.sel < 0 || x->lines.sel >= x->npicks)
		return UI_HANDLED;
	p = &x->picks[x->lines.sel];
	if (p->left == 0) {
		ui_message(x->v.ui, UI_EL_WARNING, "Line %d is cancelled already.", p->line_no);
		return UI_HANDLED | UI_REDRAW;
	}
	take = p->take;
	if (key == ' ')
		p->take = p->take > 0 ? 0 : p->left;        /* all that is left, or none */
	else if (key == '+' || key == UI_KEY_RIGHT)
		p->take += p->take < p->left;
	else
		p->take -= p->take > 0;
	if (p->take != take)
		cancel_marks_changed(x);
	return UI_HANDLED | UI_REDRAW;
}

/* --- drawing ------------------------------------------------------------ */

/* Draws text word-wrapped in w columns from row y, at most max rows;
 * returns the rows used. */
static int
cancel_draw_wrapped(int y, int x0, int w, int max, enum ui_element el, const char *text)
{
	char line[600];
	const char *p = text;
	int rows = 0;

	while (*p && rows < max) {
		size_t len = 0, cut = 0;

		while (*p == ' ')
			p++;
		/* the longest run of whole words that fits */
		while (p[len]) {
			size_t wl = strcspn(p + len, " ");
			char probe[600];

			if (len + wl >= sizeof probe)
				break;
			memcpy(probe, p, len + wl);
			probe[len + wl] = '\0';
			if (ui_width(probe) > w && cut > 0)
				break;
			cut = len + wl;
			len = cut;
			if (p[len] == ' ')
				len++;
		}
		if (cut == 0)
			cut = strlen(p);
		if (rows == max - 1)
			cut = strlen(p);    /* the last row takes the rest, cut with … */
		snprintf(line, sizeof line, "%.*s", (int)cut, p);
		ui_draw_text(y + rows, x0, w, el, line);
		rows++;
		p += cut;
	}
	return rows;
}

static void
cancel_what_happens_order(const struct cancel_view *x, char *buf, size_t len)
{
	char money[48];

	money_format(x->refund_minor, x->currency, money, sizeof money);
	if (cancel_overriding(x))
		snprintf(buf, len, "Administrator override (BR-026): the order is cancelled at once%s%s; "
			 "the note is recorded as the override's reason.",
			 x->refund_minor > 0 ? " and the customer refunded " : "",
			 x->refund_minor > 0 ? money : "");
	else if (cancel_needs_approval(x))
		snprintf(buf, len, "Outside the cancellation window: this requests the seller's approval; "
			 "once approved, the order is cancelled%s%s.",
			 x->refund_minor > 0 ? " and the customer refunded " : "",
			 x->refund_minor > 0 ? money : "");
	else
		snprintf(buf, len, "The order is cancelled at once%s%s; the customer and the seller are told.",
			 x->refund_minor > 0 ? " and the customer is refunded " : "",
			 x->refund_minor > 0 ? money : "");
}

/* What cancelling the marked units does. After the window the seller
 * approves, and a partial refund then waits for an administrator
 * (BR-027); cancelling every unit left cancels the order. The amount is
 * on the row under the lines (cancel_refund_row). */
static void
cancel_what_happens_lines(const struct cancel_view *x, char *buf, size_t len)
{
	long long value;
	bool all;
	int units = cancel_marked(x, &value, &all);

	if (x->card_failed)
		snprintf(buf, len, "The order's lines could not be loaded: switch to the whole order "
			 "and back to try again.");
	else if (!x->picks)
		snprintf(buf, len, "Loading the order's lines...");
	else if (units == 0)
		snprintf(buf, len, "Mark the lines to cancel with Space; + and - change how many units.");
	else if (cancel_needs_approval(x))
		snprintf(buf, len, "Outside the cancellation window: the seller must approve; then %s.",
			 all ? "the order is cancelled (every unit left is marked)" :
			 "the marked units are cancelled and their refund waits for an administrator (BR-027)");
	else
		snprintf(buf, len, "%s at once; the customer and the seller are told.",
			 all ? "Every unit left is marked: the order is cancelled" :
			 "The marked units are cancelled");
}

/* The refund for the marked units, under the lines like a total: the
 * database's answer for the marks as they are, "Refund ..." while it is
 * awaited. */
static void
cancel_refund_row(const struct cancel_view *x, int y, int x0, int w)
{
	const struct cancel_lines_preview *p = &x->preview;
	char money[48], buf[320] = "";
	long long value;
	bool all;
	int units = cancel_marked(x, &value, &all), bw;

	if (x->picks && units > 0) {
		money_format(p->e.refund_minor, p->e.currency, money, sizeof money);
		if (x->preview_gen != x->marks_gen)
			snprintf(buf, sizeof buf, "Refund %s", x->v.ui->ascii ? "..." : "\xe2\x80\xa6");
		else if (x->preview_failed)
			snprintf(buf, sizeof buf, "Refund not known: the database did not tell it.");
		else if (p->e.verdict == CANCEL_REFUSED)
			snprintf(buf, sizeof buf, "Refused: %s", p->e.reason);
		else if (p->e.refund_minor <= 0)
			snprintf(buf, sizeof buf, "No refund: nothing is left to refund.");
		else if (p->cancels_order)
			snprintf(buf, sizeof buf, "Refund %s (all that is left to refund)", money);
		else
			snprintf(buf, sizeof buf, "Refund %s", money);
	}
	bw = ui_width(buf) < w ? ui_width(buf) : w;
	ui_draw_text(y, x0, w - bw, UI_EL_NORMAL, "");
	ui_draw_text(y, x0 + w - bw, bw, UI_EL_HEADER, buf);
}

/* Draws a list with the cursor shown only while it has the focus. */
static void
cancel_list_draw(struct ui *ui, struct ui_list *l, struct ui_rect r, bool focused,
		 ui_list_row_fn *fn, void *arg)
{
	bool cursor = l->cursor;

	l->cursor = focused;
	ui_list_draw(ui, l, r, fn, arg);
	l->cursor = cursor;
}

/* Keys for the row at the foot of the dialog, in the order shown; when
 * they do not all fit, the least needed (lowest rank) give way. */
struct cancel_keyhint {
	const char *text;
	int rank;
};

static void
cancel_draw_hints(int y, int x0, int w, const struct cancel_keyhint *h, int n)
{
	bool show[8] = { false };
	char buf[300] = "";
	int used = 0;

	for (int rank = 9; rank >= 0; rank--)
		for (int i = 0; i < n && i < 8; i++) {
			int tw = ui_width(h[i].text) + (used ? 2 : 0);

			if (h[i].rank == rank && used + tw <= w) {
				show[i] = true;
				used += tw;
			}
		}
	for (int i = 0; i < n && i < 8; i++)
		if (show[i])
			snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s", buf[0] ? "  " : "",
				 h[i].text);
	ui_draw_text(y, x0, w, UI_EL_DIM, buf);
}

/* The keys of the field with the focus (switching scope is on the first
 * row, and in the status bar). */
static void
cancel_draw_keys(struct cancel_view *x, int y, int x0, int w)
{
	static const struct cancel_keyhint lines[] = {
		{ "Space: mark line", 9 }, { "+/-: units", 5 }, { "Tab: reason", 4 },
		{ "Enter: confirm", 8 }, { "Esc: close", 7 },
	}, reasons[] = {
		{ "Space: choose reason", 9 }, { "Tab: note", 4 }, { "Enter: confirm", 8 },
		{ "Esc: close", 7 },
	};
	struct cancel_keyhint note[] = {
		{ "Type the note", 9 }, { x->by_lines ? "Tab: lines" : "Tab: reasons", 4 },
		{ "Enter: confirm", 8 }, { "Esc: close", 7 },
	};
	char buf[200];

	if (x->sending || x->confirming) {
		if (x->sending)
			snprintf(buf, sizeof buf, "%s", cancel_needs_approval(x) ? "Requesting approval..." :
				 x->by_lines ? "Cancelling the lines..." : "Cancelling...");
		else
			snprintf(buf, sizeof buf, "Enter again to %s, Esc to go back.",
				 cancel_needs_approval(x) ? "request the cancellation" :
				 x->by_lines ? "cancel the marked units" :
				 cancel_overriding(x) ? "override and cancel the order" : "cancel the order");
		ui_draw_text(y, x0, w, x->confirming ? UI_EL_WARNING : UI_EL_DIM, buf);
	} else if (x->focus == FOCUS_LINES) {
		cancel_draw_hints(y, x0, w, lines, 5);
	} else if (x->focus == FOCUS_NOTE) {
		cancel_draw_hints(y, x0, w, note, 4);
	} else {
		cancel_draw_hints(y, x0, w, reasons, 4);
	}
}

static void
cancel_draw(struct view *v, struct ui_rect r)
{
	struct cancel_view *x = xv(v);
	struct ui *ui = v->ui;
	struct ui_rect b, lr;
	char buf[600], sw[32];
	int x0, w, y, bottom, nl;

	snprintf(buf, sizeof buf, "Cancel order %lld", x->order_no);
	b = ui_frame_draw(ui, r, buf);
	x0 = b.x + 2;
	w = b.w - 4;
	y = b.y + 1;
	bottom = b.y + b.h - 4;           /* the note's row */
	if (w < 20 || b.h < 12) {
		ui_draw_text(y, x0, w, UI_EL_WARNING, "Too small for the cancel dialog.");
		return;
	}
	ui_keymap_key(&ui->km, UI_ACT_CANCEL_LINES, sw, sizeof sw);
	snprintf(buf, sizeof buf, "Cancel%s%s%s: %s the whole order  %s some lines",
		 *sw ? " (" : "", sw, *sw ? ")" : "",
		 x->by_lines ? "( )" : ui->ascii ? "(*)" : "(\xe2\x80\xa2)",
		 x->by_lines ? (ui->ascii ? "(*)" : "(\xe2\x80\xa2)") : "( )");
	ui_draw_text(y++, x0, w, UI_EL_NORMAL, buf);
	if (x->by_lines)
		cancel_what_happens_lines(x, buf, sizeof buf);
	else
		cancel_what_happens_order(x, buf, sizeof buf);
	y += cancel_draw_wrapped(y, x0, w, 3, cancel_needs_approval(x) ? UI_EL_WARNING : UI_EL_HINT, buf);
	/* wrapped, not cut: a date cut in half would not read */
	if (x->rule[0])
		y += cancel_draw_wrapped(y, x0, w, 2, UI_EL_DIM, x->rule);
	if (x->needs_override && x->by_lines)
		ui_draw_text(y++, x0, w, UI_EL_WARNING,
			     "An override cancels whole orders only: lines wait for the seller's approval.");
	else if (x->needs_override && !cancel_overriding(x))
		ui_draw_text(y++, x0, w, UI_EL_WARNING,
			     "As an administrator, write a note to override and cancel at once (BR-026).");

	if (x->by_lines) {
		/* the lists share the rows left over the header, the refund
		 * and "Reason:": the lines first, the reasons at least 3 */
		int avail = bottom - y - 3;

		nl = x->npicks > 0 ? x->npicks : 1;
		if (nl > avail - 3)
			nl = avail - 3 > 1 ? avail - 3 : 1;
		cancel_lines_header(ui, y++, x0, w);
		lr = (struct ui_rect){ y, x0, nl, w };
		if (x->npicks == 0)
			ui_draw_text(y, x0 + 4, w - 4, UI_EL_DIM,
				     x->card_failed ? "The lines could not be loaded." : "Loading lines...");
		else
			cancel_list_draw(ui, &x->lines, lr, x->focus == FOCUS_LINES, cancel_line_row, x);
		y += nl;
		cancel_refund_row(x, y++, x0, w);
	}
	ui_draw_text(y++, x0, w, UI_EL_HEADER, "Reason:");
	lr = (struct ui_rect){ y, x0 + 2, bottom - y - (x->by_lines ? 0 : 1), w - 2 };
	if (lr.h < 1)
		lr.h = 1;
	if (x->nreasons == 0)
		ui_draw_text(y, x0 + 2, w - 2, UI_EL_DIM, "Loading reasons...");
	else
		cancel_list_draw(ui, &x->list, lr, x->focus == FOCUS_REASONS, cancel_reason_row, x);
	ui_draw_text(bottom, x0, 6, UI_EL_HEADER, "Note: ");
	ui_input_draw(ui, &x->note, bottom, x0 + 6, w - 6);
	if (x->focus != FOCUS_NOTE)
		ui->cursor_y = -1;
	cancel_draw_keys(x, b.y + b.h - 2, x0, w);
}

/* --- keys and sending ----------------------------------------------------- */

/* BR-023 as the CSR meets it (the server checks again): a reason chosen,
 * and a note for the reasons that need one; for lines, at least one unit. */
static bool
cancel_valid(struct cancel_view *x)
{
	const struct cancel_reason *r;
	long long value;
	bool all;

	if (x->by_lines && cancel_marked(x, &value, &all) == 0) {
		x->confirming = false;
		x->focus = FOCUS_LINES;
		ui_message(x->v.ui, UI_EL_ERROR, "Mark at least one line to cancel: Space on a line.");
		return false;
	}
	if (x->chosen < 0 || x->chosen >= x->nreasons) {
		x->confirming = false;
		x->focus = FOCUS_REASONS;
		ui_message(x->v.ui, UI_EL_ERROR,
			   "BR-023: a cancellation needs a reason: choose one with Space.");
		return false;
	}
	r = &x->reasons[x->chosen];
	if (r->requires_note && x->note.len == 0) {
		x->confirming = false;
		x->focus = FOCUS_NOTE;
		ui_message(x->v.ui, UI_EL_ERROR, "BR-023: the reason \"%s\" needs a note: type it.", r->label);
		return false;
	}
	return true;
}

static enum oms_status
cancel_lines_build(struct cancel_view *x, const struct cancel_reason *r, struct app_stmt *st,
		   struct oms_error *err)
{
	struct cancel_lines_request req = { 0 };
	struct cancel_line *lines = cancel_marked_lines(x, &req.nlines);
	enum oms_status s;

	if (!lines)
		return oms_fail(err, OMS_NOMEM, "out of memory");
	req.order_no = x->order_no;
	req.lines = lines;
	req.reason = r->code;
	req.note = x->note.len ? x->note.buf : NULL;
	s = cancel_lines_stmt(&req, st, err);
	free(lines);
	return s;
}

static int
cancel_send(struct cancel_view *x)
{
	struct cancel_request req = { 0 };
	struct app_stmt st;
	struct oms_error err;
	const struct cancel_reason *r;
	enum oms_status s;

	oms_error_clear(&err);
	if (!cancel_valid(x))
		return UI_HANDLED | UI_REDRAW;
	r = &x->reasons[x->chosen];
	if (x->by_lines) {
		s = cancel_lines_build(x, r, &st, &err);
	} else {
		req.order_no = x->order_no;
		req.reason = r->code;
		req.note = x->note.len ? x->note.buf : NULL;
		req.override_reason = cancel_overriding(x) ? x->note.buf : NULL;
		s = cancel_order_stmt(&req, &st, &err);
	}
	if (s != OMS_OK) {
		x->confirming = false;
		ui_message_error(x->v.ui, &err);
		return UI_HANDLED | UI_REDRAW;
	}
	ui_query(x->v.ui, &x->v, TAG_CANCEL, &st);
	x->sending = true;
	return UI_HANDLED | UI_REDRAW;
}

static int
cancel_next_field(struct cancel_view *x)
{
	switch (x->focus) {
	case FOCUS_LINES:
		x->focus = FOCUS_REASONS;
		break;
	case FOCUS_REASONS:
		x->focus = FOCUS_NOTE;
		break;
	case FOCUS_NOTE:
		x->focus = x->by_lines ? FOCUS_LINES : FOCUS_REASONS;
		break;
	}
	x->confirming = false;
	return UI_HANDLED | UI_REDRAW;
}

static int
cancel_key(struct view *v, int key, int action)
{
	struct cancel_view *x = xv(v);
	bool changed, typing = x->focus == FOCUS_NOTE && ui_key_is_text(key);

	if (x->sending)
		return action == UI_ACT_QUIT ? UI_UNHANDLED : UI_HANDLED;
	if (action == UI_ACT_BACK && (key == UI_KEY_ESC || x->focus != FOCUS_NOTE)) {
		if (x->confirming) {
			x->confirming = false;
			return UI_HANDLED | UI_REDRAW;
		}
		return UI_HANDLED | UI_POP;
	}
	if (action == UI_ACT_NEXT_FIELD)
		return cancel_next_field(x);
	if (action == UI_ACT_OPEN) {
		if (x->nreasons == 0 || (x->by_lines && !x->picks))
			return UI_HANDLED;
		if (!x->confirming) {
			x->confirming = cancel_valid(x);
			return UI_HANDLED | UI_REDRAW;
		}
		x->bench_t0 = ui_bench_clock();
		return cancel_send(x);
	}
	x->confirming = false;
	if (action == UI_ACT_CANCEL_LINES && !typing)
		return cancel_toggle_scope(x);
	if (x->focus == FOCUS_LINES && (key == ' ' || key == '+' || key == '-' ||
					 key == UI_KEY_RIGHT || key == UI_KEY_LEFT))
		return cancel_line_key(x, key);
	if (x->focus == FOCUS_REASONS && key == ' ' && x->nreasons > 0) {
		x->chosen = x->list.sel;
		return UI_HANDLED | UI_REDRAW;
	}
	if (x->focus == FOCUS_NOTE && (typing || action == UI_ACT_NONE))
		return ui_input_key(&x->note, key, &changed) | UI_HANDLED | UI_REDRAW;
	if (action == UI_ACT_HELP || action == UI_ACT_QUIT)
		return UI_UNHANDLED;
	return ui_list_action(x->focus == FOCUS_LINES ? &x->lines : &x->list, action) | UI_HANDLED;
}

static void
cancel_done_message(struct cancel_view *x, const struct cancel_result *cr)
{
	long long value;
	bool all;
	int units = x->by_lines ? cancel_marked(x, &value, &all) : 0;

	if (strcmp(cr->state, "pending_approval") == 0)
		ui_message(x->v.ui, UI_EL_OK, "Cancellation of %s %lld requested: it waits for the seller's approval.",
			   x->by_lines ? "lines of order" : "order", x->order_no);
	else if (x->by_lines)
		ui_message(x->v.ui, UI_EL_OK, "Order %lld: %d unit%s cancelled%s.", x->order_no, units,
			   units == 1 ? "" : "s", cr->refund_id ? "; the refund is on its way" : "");
	else
		ui_message(x->v.ui, UI_EL_OK, "Order %lld cancelled%s.", x->order_no,
			   cr->refund_id ? "; the refund is on its way" : "");
}

static int
cancel_result(struct view *v, int tag, struct db_result *res, const struct oms_error *err)
{
	struct cancel_view *x = xv(v);
	struct oms_error perr;
	struct cancel_result cr;

	oms_error_clear(&perr);
	if (tag == TAG_CARD)
		return cancel_card_result(x, res, err);
	if (tag == TAG_PREVIEW)
		return cancel_preview_result(x, res, err);
	if (tag == TAG_REASONS) {
		if (!res) {
			ui_message_error(v->ui, err);
			return UI_REDRAW;
		}
		free(x->reasons);
		x->reasons = NULL;
		x->nreasons = cancel_reasons_rows(res, &x->reasons, &perr);
		if (x->nreasons < 0) {
			x->nreasons = 0;
			ui_message_error(v->ui, &perr);
		}
		ui_list_set_count(&x->list, x->nreasons);
		return UI_REDRAW;
	}
	x->sending = false;
	x->confirming = false;
	if (!res) {
		ui_message_error(v->ui, err);
		/* refused or overtaken: the screen below shows why after Esc */
		if ((err->status == OMS_RULE || err->status == OMS_CONFLICT) && x->parent &&
		    x->parent->ops->reload)
			x->parent->ops->reload(x->parent);
		return UI_REDRAW;
	}
	if ((x->by_lines ? cancel_lines_parse(res, &cr, &perr) : cancel_order_parse(res, &cr, &perr)) != OMS_OK) {
		ui_message_error(v->ui, &perr);
		return UI_REDRAW;
	}
	cancel_done_message(x, &cr);
	ui_bench_after_draw("cancel_commit", NULL, x->bench_t0);
	if (x->parent && x->parent->ops->reload)
		x->parent->ops->reload(x->parent);
	return UI_POP | UI_REDRAW;
}

static int
cancel_resize(struct view *v, struct ui_rect r)
{
	return UI_REDRAW;
}

static int
cancel_hints(struct view *v, int *acts, int max)
{
	int want[] = { UI_ACT_OPEN, UI_ACT_NEXT_FIELD, UI_ACT_CANCEL_LINES, UI_ACT_BACK };
	int n = 0;

	for (size_t i = 0; i < sizeof want / sizeof want[0] && n < max; i++)
		acts[n++] = want[i];
	return n;
}

static void
cancel_close(struct view *v)
{
	struct cancel_view *x = xv(v);

	free(x->reasons);
	free(x->picks);
	free(x);
}

static const struct view_ops cancel_ops = {
	.name = "Cancel",
	.dialog = true,
	.open = cancel_open,
	.close = cancel_close,
	.draw = cancel_draw,
	.key = cancel_key,
	.resize = cancel_resize,
	.result = cancel_result,
	.tick = cancel_tick,
	.hints = cancel_hints,
};

struct view *
view_cancel_new(struct ui *ui, struct view *parent, long long order_no, const char *verdict,
		const char *reason, long long refund_minor, const char *currency, bool needs_override)
{
	struct cancel_view *x = calloc(1, sizeof *x);

	if (!x)
		return NULL;
	x->v.ops = &cancel_ops;
	x->v.ui = ui;
	x->parent = parent;
	x->order_no = order_no;
	snprintf(x->verdict, sizeof x->verdict, "%s", verdict ? verdict : "");
	snprintf(x->rule, sizeof x->rule, "%s", reason ? reason : "");
	snprintf(x->currency, sizeof x->currency, "%s", currency ? currency : "");
	x->refund_minor = refund_minor;
	x->needs_override = needs_override;
	ui_list_init(&x->list, true);
	ui_list_init(&x->lines, true);
	x->chosen = -1;
	x->focus = FOCUS_REASONS;
	return &x->v;
}
