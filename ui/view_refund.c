/* Refund dialog: a CSR (or an administrator) asks for a refund of an amount
 * or of one line of the order (oms_api.request_refund). The rules are the
 * database's: BR-027 (a refund asked for by hand waits for an
 * administrator's approval: request_refund records every one as pending)
 * and BR-028 (never more than is left to refund); the dialog says what
 * will happen, and shows the database's refusals without losing what was
 * typed. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "frame.h"
#include "input.h"
#include "list.h"
#include "screens.h"
#include "views.h"

enum { TAG_REQUEST = 1 };
/* The fields, in focus order. */
enum { F_WHAT, F_AMOUNT, F_REASON, F_NOTE };

struct refund_view {
	struct view v;
	struct view *parent;
	long long order_no, refundable_minor, paid_minor;
	char currency[4];
	json_t *lines;             /* the order card's lines (a reference) */
	int nlines;
	struct ui_form form;
	struct ui_list list;       /* row 0: an amount; row i: line i - 1 */
	int chosen;                /* the chosen row */
	struct ui_input amount, reason, note;
	char refusal[520];         /* the database's last refusal, shown in the dialog */
	long long sent_minor;      /* the amount being sent, for the message */
	/* this dialog's intent: every send of it carries the same key, so a
	 * retry after an error, a reconnect or a rollback never makes a
	 * second refund ("" when no random bytes: sent without) */
	char request_key[APP_UUID_LEN + 1];
};

static struct refund_view *
xv(struct view *v)
{
	return (struct refund_view *)v;
}

static const json_t *
refund_line(const struct refund_view *x, int row)
{
	return row >= 1 ? json_array_get(x->lines, (size_t)(row - 1)) : NULL;
}

static void
refund_row(void *arg, int row, int w, struct ui_line *line, enum ui_element *el)
{
	struct refund_view *x = arg;
	const json_t *ln = refund_line(x, row);
	char buf[300], price[48], value[48];

	ui_line_add(line, row == x->chosen ? (x->v.ui->ascii ? "(*) " : "(\xe2\x80\xa2) ") : "( ) ", 4);
	if (!ln) {
		ui_line_add(line, "An amount", w - 4);
		return;
	}
	money_format(app_json_ll(ln, "unit_price_minor"), x->currency, price, sizeof price);
	money_format(refund_line_value(ln, x->refundable_minor), x->currency, value, sizeof value);
	snprintf(buf, sizeof buf, "Line %lld  %lld x %s  %s", app_json_ll(ln, "line_no"),
		 app_json_ll(ln, "qty") - app_json_ll(ln, "cancelled_qty"), price, app_json_str(ln, "name"));
	ui_line_cell(line, buf, w - 4 - 12, false);
	ui_line_cell(line, value, 12, true);
	if (refund_line_value(ln, x->refundable_minor) <= 0)
		*el = UI_EL_DIM;
}

/* The amount typed, or 0 when it is not an amount in the currency. A
 * decimal comma is read as a point ("15,50"); "1,500" has too many
 * decimals for it and stays refused, never read as 1500. */
static long long
refund_amount(const struct refund_view *x)
{
	char text[sizeof x->amount.buf];
	char *comma;
	long long minor;

	snprintf(text, sizeof text, "%s", x->amount.buf);
	if ((comma = strchr(text, ',')) && !strchr(comma + 1, ',') && !strchr(text, '.'))
		*comma = '.';
	return money_parse(text, x->currency, &minor) ? minor : 0;
}

static void
refund_what_happens(const struct refund_view *x, char *buf, size_t len)
{
	char money[48], key[16];
	long long minor = refund_amount(x);

	if (minor <= 0) {
		snprintf(buf, len, "Type the amount in %s (like 12.34), or choose a line. "
			 "A refund asked for here waits for an administrator's approval (BR-027).",
			 x->currency);
		return;
	}
	money_format(minor, x->currency, money, sizeof money);
	ui_keymap_key(&x->v.ui->km, UI_ACT_APPROVALS, key, sizeof key);
	snprintf(buf, len, "This asks for a refund of %s%s. It waits for an administrator's approval "
		 "(BR-027: a refund asked for by hand is approved by hand), then goes to the "
		 "payment provider%s%s%s.", money, minor == x->refundable_minor ? ", all that is left" : "",
		 ui_role_is(x->v.ui, "admin") ? "; you decide it on the approvals screen, " : "",
		 ui_role_is(x->v.ui, "admin") ? key : "", ui_role_is(x->v.ui, "admin") ? " Tab" : "");
}

/* Rows inside the frame besides the list and the note: paid, "Refund of:",
 * the amount and the reason, a blank, at least three of what will happen
 * and two for a refusal. */
#define REFUND_FIXED_ROWS 9

static void
refund_draw(struct view *v, struct ui_rect r)
{
	struct refund_view *x = xv(v);
	struct ui *ui = v->ui;
	struct ui_form *f = &x->form;
	char buf[600], a[48], b[48];
	struct ui_rect box;
	int x0, w, y, bottom, listh = x->nlines + 1, noteh, rest;

	snprintf(buf, sizeof buf, "Refund on order %lld", x->order_no);
	box = ui_frame_draw(ui, r, buf);
	x0 = box.x + 2;
	w = box.w - 4;
	y = box.y + 1;
	bottom = box.y + box.h - 3;          /* the first row not inside */
	ui->cursor_y = -1;
	/* the list and the note share what the other rows leave: the list
	 * first, then the note grows into the rest */
	rest = bottom - y - REFUND_FIXED_ROWS;
	for (int i = 0; i < f->n; i++)
		rest -= f->f[i].msg[0] ? 1 : 0;
	if (listh > rest - 1)
		listh = rest - 1;
	if (listh < 1 || w < 30) {
		ui_draw_text(y, x0, w, UI_EL_WARNING, "The terminal is too small for this dialog.");
		return;
	}
	noteh = ui_form_note_rows(f, F_NOTE, w);
	if (noteh > rest - listh)
		noteh = rest - listh;
	money_format(x->paid_minor, x->currency, a, sizeof a);
	money_format(x->refundable_minor, x->currency, b, sizeof b);
	snprintf(buf, sizeof buf, "Paid %s; left to refund %s.", a, b);
	ui_draw_text(y++, x0, w, UI_EL_NORMAL, buf);
	y += ui_form_draw_field(f, F_WHAT, y, x0, w, listh, refund_row, x);
	y += ui_form_draw_field(f, F_AMOUNT, y, x0, w, 1, NULL, NULL);
	y += ui_form_draw_field(f, F_REASON, y, x0, w, 1, NULL, NULL);
	y += ui_form_draw_field(f, F_NOTE, y, x0, w, noteh, NULL, NULL);
	y++;
	/* what will happen, and under it the database's last refusal */
	refund_what_happens(x, buf, sizeof buf);
	y += ui_draw_wrapped(y, x0, w, bottom - y - (x->refusal[0] ? 2 : 0),
				 refund_amount(x) > 0 ? UI_EL_WARNING : UI_EL_HINT, buf);
	if (x->refusal[0])
		ui_draw_wrapped(y, x0, w, bottom - y, UI_EL_ERROR, x->refusal);
	{
		/* the keys as bound now (oms.conf [keys] reaches the dialog) */
		char k[5][32];

		if (f->focus == F_NOTE)
			snprintf(buf, sizeof buf, "%s  %s  %s  %s",
				 ui_form_key_text(ui, UI_ACT_NEWLINE, "new line", k[0], sizeof k[0]),
				 ui_form_key_text(ui, UI_ACT_FIELD_NEXT, "field", k[1], sizeof k[1]),
				 ui_form_key_text(ui, UI_ACT_CONFIRM, "confirm", k[3], sizeof k[3]),
				 ui_form_key_text(ui, UI_ACT_CLOSE, "close", k[4], sizeof k[4]));
		else
			snprintf(buf, sizeof buf, "%s  %s  %s  %s",
				 ui_form_key_text(ui, UI_ACT_FIELD_NEXT, "field", k[1], sizeof k[1]),
				 ui_form_key_text(ui, UI_ACT_CHOOSE, "choose", k[2], sizeof k[2]),
				 ui_form_key_text(ui, UI_ACT_CONFIRM, "confirm", k[3], sizeof k[3]),
				 ui_form_key_text(ui, UI_ACT_CLOSE, "close", k[4], sizeof k[4]));
		ui_form_draw_keys(f, box.y + box.h - 2, x0, w, "request the refund",
				  "Requesting the refund...", buf);
	}
}

static void
refund_choose(struct refund_view *x, int row)
{
	const json_t *ln = refund_line(x, row);
	char buf[48];

	if (row < 0 || row > x->nlines)
		return;
	if (ln && refund_line_value(ln, x->refundable_minor) <= 0) {
		ui_message(x->v.ui, UI_EL_WARNING, "Nothing left to refund on line %lld.",
			   app_json_ll(ln, "line_no"));
		return;
	}
	x->chosen = row;
	x->list.sel = row;
	x->form.f[F_WHAT].chosen = row;
	if (ln) {
		/* the line's value, left for the CSR to change */
		refund_amount_input(refund_line_value(ln, x->refundable_minor), x->currency, buf, sizeof buf);
		ui_input_set(&x->amount, buf);
		if (x->note.len == 0) {
			snprintf(buf, sizeof buf, "line %lld (%s)", app_json_ll(ln, "line_no"),
				 app_json_str(ln, "sku"));
			ui_input_set(&x->note, buf);
		}
	}
	ui_form_focus(&x->form, F_AMOUNT);
}

/* The form is filled in (the database checks the amount and the reason
 * again, and the rules): what is wrong is said next to each field, and
 * the focus goes to the first. */
static bool
refund_valid(struct refund_view *x)
{
	struct ui_form *f = &x->form;
	bool ok = true;

	ui_form_clear_errors(f);
	f->confirming = false;
	if (x->reason.buf[strspn(x->reason.buf, " \t\n")] == '\0') {
		ui_form_error(f, F_REASON, "A refund needs a reason: type it.");
		ok = false;
	}
	if (refund_amount(x) <= 0) {
		ui_form_error(f, F_AMOUNT, "The amount is not an amount in %s: type it like 12.34.",
			      x->currency);
		ok = false;
	} else if (refund_amount(x) > x->refundable_minor) {
		/* the figure the database gave for this order; it decides again */
		char a[48], b[48];

		money_format(refund_amount(x), x->currency, a, sizeof a);
		money_format(x->refundable_minor, x->currency, b, sizeof b);
		ui_form_error(f, F_AMOUNT, "BR-028: %s is more than the %s left to refund.", a, b);
		ok = false;
	}
	return ok;
}

static int
refund_send(struct refund_view *x)
{
	struct refund_request req = { 0 };
	struct app_stmt st;
	struct oms_error err;

	oms_error_clear(&err);
	x->form.confirming = false;
	if (!refund_valid(x))
		return UI_HANDLED | UI_REDRAW;
	req.order_no = x->order_no;
	req.amount_minor = refund_amount(x);
	req.reason = x->reason.buf;
	req.note = x->note.len ? x->note.buf : NULL;
	req.request_key = x->request_key[0] ? x->request_key : NULL;
	if (request_refund_stmt(&req, &st, &err) != OMS_OK) {
		ui_message_error(x->v.ui, &err);
		return UI_HANDLED | UI_REDRAW;
	}
	x->sent_minor = req.amount_minor;
	x->refusal[0] = '\0';
	ui_query(x->v.ui, &x->v, TAG_REQUEST, &st);
	x->form.sending = true;
	return UI_HANDLED | UI_REDRAW;
}

static int
refund_key(struct view *v, int key, int action)
{
	struct refund_view *x = xv(v);
	enum ui_form_event ev;
	int flags = ui_form_key(&x->form, key, action, &ev);

	switch (ev) {
	case UI_FORM_CLOSE:
		ui_message(v->ui, UI_EL_HINT, "No refund asked for.");
		return UI_HANDLED | UI_POP | UI_REDRAW;
	case UI_FORM_CHECK:
		ui_form_confirming(&x->form, refund_valid(x));
		if (x->form.confirming)
			v->ui->msg[0] = '\0';   /* the last complaint is answered */
		return flags;
	case UI_FORM_SEND:
		return refund_send(x);
	case UI_FORM_CHOSEN:
		x->form.f[F_WHAT].chosen = x->chosen;
		refund_choose(x, x->list.sel);
		return flags;
	case UI_FORM_NONE:
		return action == UI_ACT_HELP || action == UI_ACT_QUIT ? UI_UNHANDLED : UI_HANDLED;
	default:
		return flags;
	}
}

static int
refund_paste(struct view *v, const char *text)
{
	return ui_form_paste(&xv(v)->form, text);
}

/* Why the request failed, worded for the CSR: nothing was recorded,
 * except perhaps when the connection went down on the way. */
static void
refund_error_text(const struct oms_error *e, char *buf, size_t len)
{
	switch (e->status) {
	case OMS_DB_GONE:
		snprintf(buf, len, "The connection was lost while asking: the refund was not confirmed. "
			 "Enter asks again, as the same request: never a second refund.");
		break;
	case OMS_RETRY:
	case OMS_READ_ONLY:
		snprintf(buf, len, "%s", ui_status_words(e->status));
		break;
	case OMS_CANCELLED:
		snprintf(buf, len, "Cancelled: no refund was asked for.");
		break;
	case OMS_DB:
		snprintf(buf, len, "Database error: no refund was asked for.");
		break;
	case OMS_DENIED:
		snprintf(buf, len, "Not allowed for your role: no refund was asked for.");
		break;
	default:
		snprintf(buf, len, "%s", e->msg[0] ? e->msg : oms_status_message(e->status));
		break;
	}
}

static int
refund_result(struct view *v, int tag, struct db_result *res, const struct oms_error *err)
{
	struct refund_view *x = xv(v);
	struct oms_error perr;
	long long refund_id;
	char money[48];

	oms_error_clear(&perr);
	x->form.sending = false;
	if (!res || request_refund_parse(res, &refund_id, &perr) != OMS_OK) {
		const struct oms_error *e = res ? &perr : err;

		/* what was typed stays; the refusal stays in the dialog too,
		 * as the status line forgets it after a few seconds */
		if (!refund_refusal_text(e, x->currency, x->refusal, sizeof x->refusal))
			refund_error_text(e, x->refusal, sizeof x->refusal);
		ui_message(v->ui, UI_EL_ERROR, "%s", x->refusal);
		/* rolled back or cut off: Enter sends the same request again */
		x->form.confirming = e->status == OMS_RETRY || e->status == OMS_DB_GONE;
		if (e->status == OMS_DB_GONE)
			ui_note_interrupted(v->ui, "The refund request");
		return UI_REDRAW;
	}
	money_format(x->sent_minor, x->currency, money, sizeof money);
	ui_message(v->ui, UI_EL_OK, "Refund of %s asked for on order %lld; it waits for an administrator.",
		   money, x->order_no);
	if (x->parent && x->parent->ops->reload)
		x->parent->ops->reload(x->parent);
	return UI_POP | UI_REDRAW;
}

static int
refund_resize(struct view *v, struct ui_rect r)
{
	return UI_REDRAW;
}

static int
refund_hints(struct view *v, int *acts, int max)
{
	int want[] = { UI_ACT_CONFIRM, UI_ACT_FIELD_NEXT, UI_ACT_CHOOSE, UI_ACT_CLOSE };
	int n = 0;

	for (size_t i = 0; i < sizeof want / sizeof want[0] && n < max; i++)
		acts[n++] = want[i];
	return n;
}

static void
refund_close(struct view *v)
{
	struct refund_view *x = xv(v);

	json_decref(x->lines);
	free(x);
}

static bool
refund_typing(struct view *v)
{
	return ui_form_typing(&xv(v)->form);
}

static bool
refund_unsaved(struct view *v)
{
	return ui_form_unsaved(&xv(v)->form);
}

static const struct view_ops refund_ops = {
	.name = "Refund",
	.screen = UI_SCREEN_REFUND,
	.dialog = true,
	.close = refund_close,
	.draw = refund_draw,
	.key = refund_key,
	.resize = refund_resize,
	.result = refund_result,
	.hints = refund_hints,
	.paste = refund_paste,
	.typing = refund_typing,
	.unsaved = refund_unsaved,
};

bool
view_refund_allowed(const struct ui *ui, const json_t *card)
{
	return card && (ui_role_is(ui, "csr") || ui_role_is(ui, "admin")) &&
	       app_json_ll(card, "refundable_minor") > 0;
}

struct view *
view_refund_new(struct ui *ui, struct view *parent, const json_t *card)
{
	struct refund_view *x = calloc(1, sizeof *x);
	json_t *lines = json_object_get(card, "lines");

	if (!x)
		return NULL;
	x->v.ops = &refund_ops;
	x->v.ui = ui;
	x->parent = parent;
	x->order_no = app_json_ll(card, "order_no");
	x->refundable_minor = app_json_ll(card, "refundable_minor");
	x->paid_minor = app_json_ll(json_object_get(card, "payment"), "amount_minor");
	snprintf(x->currency, sizeof x->currency, "%s", app_json_str(card, "currency"));
	x->lines = json_is_array(lines) ? json_incref(lines) : json_array();
	x->nlines = (int)json_array_size(x->lines);
	ui_list_init(&x->list, true);
	ui_list_set_count(&x->list, x->nlines + 1);
	ui_form_init(&x->form, ui, 9);
	ui_form_add(&x->form, UI_FIELD_CHOICE, "Refund of", false);
	ui_form_add(&x->form, UI_FIELD_AMOUNT, "Amount", true);
	ui_form_add(&x->form, UI_FIELD_TEXT, "Reason", true);
	ui_form_add(&x->form, UI_FIELD_NOTE, "Note", false);
	x->form.f[F_WHAT].list = &x->list;
	x->form.f[F_WHAT].chosen = 0;
	x->form.f[F_AMOUNT].in = &x->amount;
	x->form.f[F_AMOUNT].suffix = x->currency;
	x->form.f[F_REASON].in = &x->reason;
	x->form.f[F_REASON].empty = "(required)";
	x->form.f[F_NOTE].in = &x->note;
	x->form.f[F_NOTE].empty = "(optional)";
	app_uuid_v4(x->request_key);
	return &x->v;
}
