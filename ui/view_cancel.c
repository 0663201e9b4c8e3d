/* Cancel dialog: reason list, note, what will happen, confirm. The rules
 * (window, approval, refund) are the database's: this dialog only shows
 * what oms_api.cancel_eligibility said and sends oms_api.cancel_order. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "input.h"
#include "list.h"
#include "views.h"

enum { TAG_REASONS = 1, TAG_CANCEL };
enum focus { FOCUS_REASONS, FOCUS_NOTE };

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

static bool
cancel_needs_approval(const struct cancel_view *x)
{
	return strcmp(x->verdict, "needs_approval") == 0;
}

/* Draws text word-wrapped in w columns from row y, at most max rows;
 * returns the rows used. */
static int
cancel_draw_wrapped(int y, int x0, int w, int max, enum ui_element el, const char *text)
{
	char line[400];
	const char *p = text;
	int rows = 0;

	while (*p && rows < max) {
		size_t len = 0, cut = 0;

		while (*p == ' ')
			p++;
		/* the longest run of whole words that fits */
		while (p[len]) {
			size_t wl = strcspn(p + len, " ");
			char probe[400];

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
cancel_what_happens(const struct cancel_view *x, char *buf, size_t len)
{
	char money[48];

	money_format(x->refund_minor, x->currency, money, sizeof money);
	if (cancel_needs_approval(x))
		snprintf(buf, len, "Outside the cancellation window: this requests the seller's approval; "
			 "once approved, the order is cancelled%s%s.",
			 x->refund_minor > 0 ? " and the customer refunded " : "",
			 x->refund_minor > 0 ? money : "");
	else
		snprintf(buf, len, "The order is cancelled at once%s%s; the customer and the seller are told.",
			 x->refund_minor > 0 ? " and the customer is refunded " : "",
			 x->refund_minor > 0 ? money : "");
}

static void
cancel_draw(struct view *v, struct ui_rect r)
{
	struct cancel_view *x = xv(v);
	struct ui *ui = v->ui;
	int w = r.w - 4 < 72 ? r.w - 4 : 72, h = r.h - 2 < 16 ? r.h - 2 : 16;
	int y0 = r.y + (r.h - h) / 2, x0 = r.x + (r.w - w) / 2, y;

	if (y0 <= r.y)
		y0 = r.y + 1;
	char buf[400];
	struct ui_rect lr;

	if (w < 20 || h < 8)
		return;
	/* a blank margin keeps the dialog apart from the screen below */
	for (int i = -1; i <= h; i++)
		ui_draw_text(y0 + i, x0 - 1, w + 2, UI_EL_NORMAL, "");
	snprintf(buf, sizeof buf, "Cancel order %lld", x->order_no);
	ui_draw_section(ui, y0, x0, w, buf);
	y = y0 + 1;
	cancel_what_happens(x, buf, sizeof buf);
	y += cancel_draw_wrapped(y, x0 + 1, w - 2, 3, cancel_needs_approval(x) ? UI_EL_WARNING : UI_EL_HINT,
				 buf);
	if (x->rule[0])
		ui_draw_text(y++, x0 + 1, w - 2, UI_EL_DIM, x->rule);
	if (x->needs_override)
		ui_draw_text(y++, x0 + 1, w - 2, UI_EL_WARNING,
			     "Outside the rules: only an administrator override (the note is its reason).");
	ui_draw_text(y++, x0 + 1, w - 2, UI_EL_HEADER, "Reason:");
	lr = (struct ui_rect){ y, x0 + 3, h - (y - y0) - 4, w - 4 };
	if (x->nreasons == 0)
		ui_draw_text(y, x0 + 3, w - 4, UI_EL_DIM, "Loading reasons...");
	else
		ui_list_draw(ui, &x->list, lr, cancel_reason_row, x);
	y = y0 + h - 3;
	ui_draw_text(y, x0 + 1, 6, UI_EL_HEADER, "Note: ");
	ui_input_draw(ui, &x->note, y, x0 + 7, w - 8);
	if (x->focus != FOCUS_NOTE)
		ui->cursor_y = -1;
	if (x->sending)
		snprintf(buf, sizeof buf, cancel_needs_approval(x) ? "Requesting approval..." : "Cancelling...");
	else if (x->confirming)
		snprintf(buf, sizeof buf, "Enter again to %s, Esc to go back.",
			 cancel_needs_approval(x) ? "request the cancellation" : "cancel the order");
	else
		snprintf(buf, sizeof buf, "Space: choose reason  Tab: note  Enter: confirm  Esc: close");
	ui_draw_text(y0 + h - 1, x0 + 1, w - 2, x->confirming ? UI_EL_WARNING : UI_EL_DIM, buf);
	ui_draw_section(ui, y0 + h - 2, x0, w, "");
}

/* BR-023 as the CSR meets it (the server checks again): a reason chosen,
 * and a note for the reasons that need one. */
static bool
cancel_valid(struct cancel_view *x)
{
	const struct cancel_reason *r;

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

static int
cancel_send(struct cancel_view *x)
{
	struct cancel_request req = { 0 };
	struct app_stmt st;
	struct oms_error err;
	const struct cancel_reason *r;

	oms_error_clear(&err);
	if (!cancel_valid(x))
		return UI_HANDLED | UI_REDRAW;
	r = &x->reasons[x->chosen];
	req.order_no = x->order_no;
	req.reason = r->code;
	req.note = x->note.len ? x->note.buf : NULL;
	req.override_reason = x->needs_override && x->note.len ? x->note.buf : NULL;
	if (cancel_order_stmt(&req, &st, &err) != OMS_OK) {
		x->confirming = false;
		ui_message_error(x->v.ui, &err);
		return UI_HANDLED | UI_REDRAW;
	}
	ui_query(x->v.ui, &x->v, TAG_CANCEL, &st);
	x->sending = true;
	return UI_HANDLED | UI_REDRAW;
}

static int
cancel_key(struct view *v, int key, int action)
{
	struct cancel_view *x = xv(v);
	bool changed;

	if (x->sending)
		return action == UI_ACT_QUIT ? UI_UNHANDLED : UI_HANDLED;
	if (action == UI_ACT_BACK && (key == UI_KEY_ESC || x->focus != FOCUS_NOTE)) {
		if (x->confirming) {
			x->confirming = false;
			return UI_HANDLED | UI_REDRAW;
		}
		return UI_HANDLED | UI_POP;
	}
	if (action == UI_ACT_NEXT_FIELD) {
		x->focus = x->focus == FOCUS_NOTE ? FOCUS_REASONS : FOCUS_NOTE;
		x->confirming = false;
		return UI_HANDLED | UI_REDRAW;
	}
	if (action == UI_ACT_OPEN) {
		if (x->nreasons == 0)
			return UI_HANDLED;
		if (!x->confirming) {
			x->confirming = cancel_valid(x);
			return UI_HANDLED | UI_REDRAW;
		}
		x->bench_t0 = ui_bench_clock();
		return cancel_send(x);
	}
	x->confirming = false;
	if (x->focus == FOCUS_REASONS && key == ' ' && x->nreasons > 0) {
		x->chosen = x->list.sel;
		return UI_HANDLED | UI_REDRAW;
	}
	if (x->focus == FOCUS_NOTE && (ui_key_is_text(key) || action == UI_ACT_NONE))
		return ui_input_key(&x->note, key, &changed) | UI_HANDLED | UI_REDRAW;
	if (action == UI_ACT_HELP || action == UI_ACT_QUIT)
		return UI_UNHANDLED;
	return ui_list_action(&x->list, action) | UI_HANDLED;
}

static int
cancel_result(struct view *v, int tag, struct db_result *res, const struct oms_error *err)
{
	struct cancel_view *x = xv(v);
	struct oms_error perr;

	oms_error_clear(&perr);
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
		return UI_REDRAW;
	}
	{
		struct cancel_result cr;
		if (cancel_order_parse(res, &cr, &perr) != OMS_OK) {
			ui_message_error(v->ui, &perr);
			return UI_REDRAW;
		}
		if (strcmp(cr.state, "pending_approval") == 0)
			ui_message(v->ui, UI_EL_OK, "Cancellation of order %lld requested: it waits for the seller's approval.", x->order_no);
		else
			ui_message(v->ui, UI_EL_OK, "Order %lld cancelled%s.", x->order_no,
				   cr.refund_id ? "; the refund is on its way" : "");
		ui_bench_after_draw("cancel_commit", NULL, x->bench_t0);
	}
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
	int want[] = { UI_ACT_OPEN, UI_ACT_NEXT_FIELD, UI_ACT_BACK };
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
	x->chosen = -1;
	return &x->v;
}
