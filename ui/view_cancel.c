/* Cancel dialog: the whole order or some of its lines, a reason, a note,
 * what will happen, confirm. The rules (window, approval, refund) are the
 * database's: this dialog only shows what oms_api.cancel_eligibility said
 * and sends oms_api.cancel_order or oms_api.cancel_lines. For lines, the
 * refund shown is the database's too (oms_api.cancel_lines_preview); the
 * lines, their marks and that preview are in ui/view_cancel_lines.c. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "frame.h"
#include "screens.h"
#include "view_cancel_int.h"

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
	ui_line_add(line, row_set_get(&x->reasons, row, "label"), w - 4);
}

/* An administrator outside the window chooses, explicitly, between asking
 * the seller and an override (BR-026: the order is cancelled at once, the
 * note is its reason); a note alone no longer turns a request into one. */
static bool
cancel_overriding(const struct cancel_view *x)
{
	return x->needs_override && !x->by_lines && x->override;
}

bool
cancel_needs_approval(const struct cancel_view *x)
{
	return strcmp(x->verdict, "needs_approval") == 0 && !cancel_overriding(x);
}

/* --- drawing ------------------------------------------------------------ */

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

/* Draws a list with the cursor shown only while it has the focus. */
void
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

/* "Tab: note": the first key of a dialog action as bound now, so that a
 * rebinding in oms.conf [keys] shows in the dialog too. */
static const char *
cancel_key_text(const struct ui *ui, int action, const char *what, char *buf, size_t len)
{
	char k[16];

	snprintf(buf, len, "%s: %s", ui_keymap_key(&ui->km, action, k, sizeof k), what);
	return buf;
}

/* "+/-: units": the first keys of unit-more and unit-less as bound now. */
static const char *
cancel_units_text(const struct ui *ui, char *buf, size_t len)
{
	char km[16], kl[16];

	snprintf(buf, len, "%s/%s: units", ui_keymap_key(&ui->km, UI_ACT_UNIT_MORE, km, sizeof km),
		 ui_keymap_key(&ui->km, UI_ACT_UNIT_LESS, kl, sizeof kl));
	return buf;
}

/* The keys of the field with the focus (switching scope is on the first
 * row, and in the status bar). */
static void
cancel_draw_keys(struct cancel_view *x, int y, int x0, int w)
{
	const struct ui *ui = x->v.ui;
	char b[6][48], buf[200], kc[16], kx[16], units[48];
	const struct cancel_keyhint lines[] = {
		{ cancel_key_text(ui, UI_ACT_CHOOSE, "mark line", b[0], sizeof b[0]), 9 },
		{ cancel_units_text(ui, units, sizeof units), 5 },
		{ cancel_key_text(ui, UI_ACT_FIELD_NEXT, "reason", b[1], sizeof b[1]), 4 },
		{ cancel_key_text(ui, UI_ACT_CONFIRM, "confirm", b[2], sizeof b[2]), 8 },
		{ cancel_key_text(ui, UI_ACT_CLOSE, "close", b[3], sizeof b[3]), 7 },
	}, reasons[] = {
		{ cancel_key_text(ui, UI_ACT_CHOOSE, "choose reason", b[4], sizeof b[4]), 9 },
		{ cancel_key_text(ui, UI_ACT_FIELD_NEXT, "note", b[5], sizeof b[5]), 4 },
		{ b[2], 8 }, { b[3], 7 },
	};
	struct cancel_keyhint note[] = {
		{ "Type the note", 9 }, { NULL, 5 }, { NULL, 4 }, { b[2], 8 }, { b[3], 7 },
	};
	char tabnote[48], newline[48];

	note[1].text = cancel_key_text(ui, UI_ACT_NEWLINE, "new line", newline, sizeof newline);
	note[2].text = cancel_key_text(ui, UI_ACT_FIELD_NEXT, x->by_lines ? "lines" : "reasons",
				       tabnote, sizeof tabnote);
	ui_keymap_key(&ui->km, UI_ACT_CONFIRM, kc, sizeof kc);
	ui_keymap_key(&ui->km, UI_ACT_CLOSE, kx, sizeof kx);
	if (x->form.sending || x->form.confirming) {
		if (x->form.sending)
			snprintf(buf, sizeof buf, "%s", cancel_needs_approval(x) ? "Requesting approval..." :
				 x->by_lines ? "Cancelling the lines..." : "Cancelling...");
		else
			snprintf(buf, sizeof buf, "%s again to %s, %s to go back.", kc,
				 cancel_needs_approval(x) ? "request the cancellation" :
				 x->by_lines ? "cancel the marked units" :
				 cancel_overriding(x) ? "override and cancel the order" : "cancel the order", kx);
		ui_draw_text(y, x0, w, x->form.confirming ? UI_EL_WARNING : UI_EL_DIM, buf);
	} else if (x->form.focus == FOCUS_LINES) {
		cancel_draw_hints(y, x0, w, lines, 5);
	} else if (x->form.focus == FOCUS_NOTE) {
		cancel_draw_hints(y, x0, w, note, 5);
	} else {
		cancel_draw_hints(y, x0, w, reasons, 4);
	}
}

static void
cancel_draw(struct view *v, struct ui_rect r)
{
	struct cancel_view *x = xv(v);
	struct ui *ui = v->ui;
	struct ui_rect b;
	char buf[600], sw[32];
	int x0, w, y, bottom, noteh, note_y, listh;

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
	y += ui_draw_wrapped(y, x0, w, 3, cancel_needs_approval(x) ? UI_EL_WARNING : UI_EL_HINT, buf);
	/* wrapped, not cut: a date cut in half would not read */
	if (x->rule[0])
		y += ui_draw_wrapped(y, x0, w, 2, UI_EL_DIM, x->rule);
	if (x->needs_override && x->by_lines) {
		ui_draw_text(y++, x0, w, UI_EL_WARNING,
			     "An override cancels whole orders only: lines wait for the seller's approval.");
	} else if (x->needs_override) {
		char ok[16];

		ui_keymap_key(&ui->km, UI_ACT_CANCEL_OVERRIDE, ok, sizeof ok);
		snprintf(buf, sizeof buf, "Outside the window%s%s%s: %s ask the seller  %s override now (BR-026)",
			 *ok ? " (" : "", ok, *ok ? ")" : "",
			 x->override ? "( )" : ui->ascii ? "(*)" : "(\xe2\x80\xa2)",
			 x->override ? (ui->ascii ? "(*)" : "(\xe2\x80\xa2)") : "( )");
		ui_draw_text(y++, x0, w, UI_EL_WARNING, buf);
	}

	/* the note grows up from the bottom row, into the reasons' rows */
	noteh = ui_form_note_rows(&x->form, FOCUS_NOTE, w);
	{
		/* the whole order: the reasons keep a label and three rows;
		 * some lines: the note takes at most a third */
		int cap = x->by_lines ? (bottom - y) / 3 : bottom - y - 4;

		for (int i = 0; i < x->form.n; i++)
			cap -= x->form.f[i].msg[0] ? 1 : 0;
		if (noteh > cap)
			noteh = cap > 1 ? cap : 1;
	}
	note_y = bottom - (noteh - 1) - (x->form.f[FOCUS_NOTE].msg[0] ? 1 : 0);
	if (x->by_lines) {
		y = cancel_lines_draw(x, y, x0, w, note_y - (x->form.f[FOCUS_LINES].msg[0] ? 1 : 0));
		if (x->form.f[FOCUS_LINES].msg[0])
			ui_draw_text(y++, x0, w, UI_EL_ERROR, x->form.f[FOCUS_LINES].msg);
	}
	listh = note_y - y - 1 - (x->form.f[FOCUS_REASONS].msg[0] ? 1 : 0) - (x->by_lines ? 0 : 1);
	if (listh < 1)
		listh = 1;
	if (x->reasons.n == 0) {
		ui_form_draw_label(&x->form, FOCUS_REASONS, y, x0, w);
		ui_draw_text(y + 1, x0 + 2, w - 2, UI_EL_DIM, "Loading reasons...");
	} else {
		ui_form_draw_field(&x->form, FOCUS_REASONS, y, x0, w, listh, cancel_reason_row, x);
	}
	ui_form_draw_field(&x->form, FOCUS_NOTE, note_y, x0, w, noteh, NULL, NULL);
	if (x->form.focus != FOCUS_NOTE)
		ui->cursor_y = -1;
	cancel_draw_keys(x, b.y + b.h - 2, x0, w);
}

/* --- keys and sending ----------------------------------------------------- */

/* BR-023 as the CSR meets it (the server checks again): a reason chosen,
 * and a note for the reasons that need one; for lines, at least one unit.
 * What is missing is said next to its field; the focus goes to the first. */
static bool
cancel_valid(struct cancel_view *x)
{
	struct ui_form *f = &x->form;
	long long value;
	bool all, ok = true;
	char k[16];

	ui_form_clear_errors(f);
	f->confirming = false;
	ui_keymap_key(&x->v.ui->km, UI_ACT_CHOOSE, k, sizeof k);
	if (x->chosen < 0 || x->chosen >= x->reasons.n) {
		ui_form_error(f, FOCUS_REASONS, "BR-023: a cancellation needs a reason: choose one with %s.", k);
		ok = false;
	} else if (row_set_bool(&x->reasons, x->chosen, "requires_note") && x->note.len == 0) {
		ui_form_error(f, FOCUS_NOTE, "BR-023: the reason \"%s\" needs a note: type it.",
			      row_set_get(&x->reasons, x->chosen, "label"));
		ok = false;
	}
	if (cancel_overriding(x) && x->note.buf[strspn(x->note.buf, " \t\n")] == '\0') {
		char okey[16];

		ui_keymap_key(&x->v.ui->km, UI_ACT_CANCEL_OVERRIDE, okey, sizeof okey);
		ui_form_error(f, FOCUS_NOTE, "BR-026: an override needs its reason in the note "
			      "(%s: ask the seller).", okey);
		ok = false;
	}
	if (x->by_lines && cancel_marked(x, &value, &all) == 0) {
		ui_form_error(f, FOCUS_LINES, "Mark at least one line to cancel: %s on a line.", k);
		ok = false;
	}
	return ok;
}

static int
cancel_send(struct cancel_view *x)
{
	struct cancel_request req = { 0 };
	struct app_stmt st;
	struct oms_error err;
	const char *reason;
	enum oms_status s;

	oms_error_clear(&err);
	if (!cancel_valid(x))
		return UI_HANDLED | UI_REDRAW;
	reason = row_set_get(&x->reasons, x->chosen, "code");
	if (x->by_lines) {
		s = cancel_lines_build(x, reason, &st, &err);
	} else {
		req.order_no = x->order_no;
		req.reason = reason;
		req.note = x->note.len ? x->note.buf : NULL;
		req.override_reason = cancel_overriding(x) ? x->note.buf : NULL;
		s = cancel_order_stmt(&req, &st, &err);
	}
	if (s != OMS_OK) {
		x->form.confirming = false;
		ui_message_error(x->v.ui, &err);
		return UI_HANDLED | UI_REDRAW;
	}
	ui_query(x->v.ui, &x->v, TAG_CANCEL, &st);
	x->form.sending = true;
	return UI_HANDLED | UI_REDRAW;
}

static int
cancel_key(struct view *v, int key, int action)
{
	struct cancel_view *x = xv(v);
	enum ui_form_event ev;
	int flags = ui_form_key(&x->form, key, action, &ev);

	switch (ev) {
	case UI_FORM_CLOSE:
		return UI_HANDLED | UI_POP;
	case UI_FORM_CHECK:
		if (x->reasons.n == 0 || (x->by_lines && !x->picks))
			return UI_HANDLED;
		ui_form_confirming(&x->form, cancel_valid(x));
		return flags;
	case UI_FORM_SEND:
		x->bench_t0 = ui_bench_clock();
		return cancel_send(x);
	case UI_FORM_CHOSEN:
		x->chosen = x->form.f[FOCUS_REASONS].chosen;
		return flags;
	case UI_FORM_CHOOSE:
		return cancel_line_key(x, UI_ACT_CHOOSE);
	case UI_FORM_NONE:
		break;
	default:
		return flags;
	}
	if (action == UI_ACT_CANCEL_LINES)
		return cancel_toggle_scope(x);
	if (action == UI_ACT_CANCEL_OVERRIDE && x->needs_override) {
		x->override = !x->override;
		x->form.confirming = false;
		ui_form_clear_errors(&x->form);
		return UI_HANDLED | UI_REDRAW;
	}
	if (x->form.focus == FOCUS_LINES) {
		if (action == UI_ACT_UNIT_MORE || action == UI_ACT_UNIT_LESS)
			return cancel_line_key(x, action);
		return ui_list_action(&x->lines, action) | UI_HANDLED;
	}
	if (action == UI_ACT_HELP || action == UI_ACT_QUIT)
		return UI_UNHANDLED;
	return UI_HANDLED;
}

static int
cancel_paste(struct view *v, const char *text)
{
	return ui_form_paste(&xv(v)->form, text);
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
		if (row_set_read(&x->reasons, res, true, &perr) < 0) {
			row_set_free(&x->reasons);
			ui_message_error(v->ui, &perr);
		}
		ui_list_set_count(&x->list, x->reasons.n);
		return UI_REDRAW;
	}
	x->form.sending = false;
	x->form.confirming = false;
	if (!res) {
		ui_message_error(v->ui, err);
		/* rolled back, or cut off: what was typed stays and Enter sends
		 * it again (a cancellation that did go through is refused as
		 * done, never done twice) */
		if (err->status == OMS_RETRY || err->status == OMS_DB_GONE)
			x->form.confirming = true;
		if (err->status == OMS_DB_GONE)
			ui_note_interrupted(v->ui, "The cancellation");
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
	int want[] = { UI_ACT_CONFIRM, UI_ACT_FIELD_NEXT, UI_ACT_CANCEL_LINES, UI_ACT_CLOSE, UI_ACT_CHOOSE };
	int n = 0;

	for (size_t i = 0; i < sizeof want / sizeof want[0] && n < max; i++)
		acts[n++] = want[i];
	return n;
}

static void
cancel_close(struct view *v)
{
	struct cancel_view *x = xv(v);

	row_set_free(&x->reasons);
	free(x->picks);
	free(x);
}

static bool
cancel_typing(struct view *v)
{
	return ui_form_typing(&xv(v)->form);
}

static bool
cancel_unsaved(struct view *v)
{
	return ui_form_unsaved(&xv(v)->form);
}

static const struct view_ops cancel_ops = {
	.name = "Cancel",
	.screen = UI_SCREEN_CANCEL,
	.dialog = true,
	.open = cancel_open,
	.close = cancel_close,
	.draw = cancel_draw,
	.key = cancel_key,
	.resize = cancel_resize,
	.result = cancel_result,
	.tick = cancel_tick,
	.hints = cancel_hints,
	.paste = cancel_paste,
	.typing = cancel_typing,
	.unsaved = cancel_unsaved,
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
	row_set_init(&x->reasons, &row_reason);
	ui_list_init(&x->list, true);
	ui_list_init(&x->lines, true);
	x->chosen = -1;
	ui_form_init(&x->form, ui, 6);
	ui_form_add(&x->form, UI_FIELD_CUSTOM, "Lines", true);
	ui_form_add(&x->form, UI_FIELD_CHOICE, "Reason", true);
	ui_form_add(&x->form, UI_FIELD_NOTE, "Note", false);
	x->form.f[FOCUS_LINES].hidden = true;
	x->form.f[FOCUS_REASONS].list = &x->list;
	x->form.f[FOCUS_NOTE].in = &x->note;
	ui_form_focus(&x->form, FOCUS_REASONS);
	return &x->v;
}
