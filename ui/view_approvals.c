/* Approvals: the cancellations waiting for a decision (BR-025) that the
 * caller may take, oldest first (oms_api.pending_cancellations; row-level
 * security gives fulfilment staff their own seller's, administrators all),
 * paged by keyset on the cancellation id. Enter opens the order, `a`
 * approves (a note is optional), `r` refuses (a note is required); the
 * rules are the database's (oms_api.decide_cancellation). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input.h"
#include "list.h"
#include "views.h"

#define APPROVALS_PAGE 50

enum { TAG_FIRST = 1, TAG_MORE, TAG_DECIDE };
enum prompt { PROMPT_NONE, PROMPT_APPROVE, PROMPT_REFUSE };

struct approvals_view {
	struct view v;
	struct pending_cancellation *rows;
	int nrows;
	bool more, loaded, sending;
	struct ui_list list;
	enum prompt prompt;
	struct ui_input note;
	/* the item being decided, for the message once it is done */
	long long dec_order_no, dec_refund_minor;
	char dec_currency[4];
};

static struct approvals_view *
av(struct view *v)
{
	return (struct approvals_view *)v;
}

bool
view_approvals_allowed(const struct ui *ui)
{
	return ui_role_is(ui, "fulfilment") || ui_role_is(ui, "admin");
}

static void
approvals_send(struct approvals_view *a, bool more)
{
	struct app_stmt st;

	if (more && (!a->more || a->nrows == 0 || ui_query_pending(a->v.ui, &a->v, TAG_MORE)))
		return;
	pending_cancellations_stmt(APPROVALS_PAGE, more ? a->rows[a->nrows - 1].cancellation_id : 0, &st);
	if (!more)
		ui_query_drop(a->v.ui, &a->v, TAG_MORE);
	ui_query(a->v.ui, &a->v, more ? TAG_MORE : TAG_FIRST, &st);
}

static int
approvals_open(struct view *v)
{
	approvals_send(av(v), false);
	return UI_REDRAW;
}

static int
approvals_reload(struct view *v)
{
	approvals_send(av(v), false);
	return UI_HANDLED | UI_REDRAW;
}

static void
approvals_prefetch(struct approvals_view *a)
{
	if (a->more && a->list.sel >= a->nrows - a->list.height - 5)
		approvals_send(a, true);
}

static const struct pending_cancellation *
approvals_selected(const struct approvals_view *a)
{
	if (a->list.sel < 0 || a->list.sel >= a->nrows)
		return NULL;
	return &a->rows[a->list.sel];
}

static int
approvals_decided(struct approvals_view *a, struct db_result *res, const struct oms_error *err)
{
	struct cancel_result cr;
	struct oms_error perr;
	char money[48];

	a->sending = false;
	oms_error_clear(&perr);
	if (!res) {
		ui_message_error(a->v.ui, err);
		approvals_send(a, false);   /* it may have been decided by someone else */
		return UI_REDRAW;
	}
	if (cancel_order_parse(res, &cr, &perr) != OMS_OK) {
		ui_message_error(a->v.ui, &perr);
		return UI_REDRAW;
	}
	money_format(a->dec_refund_minor, a->dec_currency, money, sizeof money);
	if (strcmp(cr.state, "rejected") == 0)
		ui_message(a->v.ui, UI_EL_OK, "Refused: order %lld stays as it is; the customer service is told why.",
			   a->dec_order_no);
	else
		ui_message(a->v.ui, UI_EL_OK, "Approved: order %lld is cancelled%s%s.", a->dec_order_no,
			   cr.refund_id ? "; refund of " : "", cr.refund_id ? money : "");
	approvals_send(a, false);
	return UI_REDRAW;
}

static int
approvals_result(struct view *v, int tag, struct db_result *res, const struct oms_error *err)
{
	struct approvals_view *a = av(v);
	struct pending_cancellation *rows = NULL;
	struct oms_error perr;
	int n;

	if (tag == TAG_DECIDE)
		return approvals_decided(a, res, err);
	oms_error_clear(&perr);
	if (!res) {
		if (err->status != OMS_DB_GONE)
			ui_message_error(v->ui, err);
		return UI_REDRAW;
	}
	n = pending_cancellations_rows(res, &rows, &perr);
	if (n < 0) {
		ui_message_error(v->ui, &perr);
		return UI_REDRAW;
	}
	if (tag == TAG_FIRST) {
		int sel = a->loaded ? a->list.sel : 0;
		free(a->rows);
		a->rows = rows;
		a->nrows = n;
		a->list.sel = sel;
	} else {
		struct pending_cancellation *all = realloc(a->rows, (size_t)(a->nrows + n) * sizeof *all);
		if (!all) {
			free(rows);
			return UI_REDRAW;
		}
		if (n)
			memcpy(all + a->nrows, rows, (size_t)n * sizeof *rows);
		free(rows);
		a->rows = all;
		a->nrows += n;
	}
	a->loaded = true;
	a->more = n == APPROVALS_PAGE;
	ui_list_set_count(&a->list, a->nrows);
	approvals_prefetch(a);
	return UI_REDRAW;
}

static void
approvals_columns(int w, int *when_w, int *by_w, int *reason_w)
{
	*when_w = w >= 76 ? 17 : 11;
	*by_w = w >= 76 ? 16 : 12;
	*reason_w = w - 10 - *when_w - *by_w - 12 - 4;
	if (*reason_w < 4)
		*reason_w = 4;
}

static void
approvals_row_draw(void *arg, int row, int w, struct ui_line *line, enum ui_element *el)
{
	struct approvals_view *a = arg;
	const struct pending_cancellation *r = &a->rows[row];
	int when_w, by_w, reason_w;
	char buf[64];

	approvals_columns(w, &when_w, &by_w, &reason_w);
	snprintf(buf, sizeof buf, "%lld", r->order_no);
	ui_line_cell(line, buf, 10, false);
	ui_line_add(line, " ", 1);
	if (when_w > 11)
		ui_fmt_time(r->requested_at, buf, sizeof buf);
	else
		ui_fmt_date(r->requested_at, buf, sizeof buf);
	ui_line_cell(line, buf, when_w, false);
	ui_line_add(line, " ", 1);
	ui_line_cell(line, r->requested_by, by_w, false);
	ui_line_add(line, " ", 1);
	ui_line_cell(line, r->reason_label[0] ? r->reason_label : r->reason_code, reason_w, false);
	ui_line_add(line, " ", 1);
	money_format(r->refund_minor, r->currency, buf, sizeof buf);
	ui_line_cell(line, buf, 12, true);
	*el = UI_EL_NORMAL;
}

/* Lines below the list: the selected request in full. */
#define DETAIL_ROWS 6

static void
approvals_draw_detail(struct approvals_view *a, int y, int x, int w)
{
	const struct pending_cancellation *r = approvals_selected(a);
	char buf[600], when[24], money[48];

	if (!r)
		return;
	ui_draw_section(a->v.ui, y++, x, w, "Selected request");
	ui_fmt_time(r->requested_at, when, sizeof when);
	snprintf(buf, sizeof buf, "Order %lld (%s) of %s", r->order_no, r->status, r->seller_name);
	ui_draw_text(y++, x, w, UI_EL_NORMAL, buf);
	snprintf(buf, sizeof buf, "Asked by %s on %s", r->requested_by, when);
	ui_draw_text(y++, x, w, UI_EL_NORMAL, buf);
	snprintf(buf, sizeof buf, "Reason: %s", r->reason_label[0] ? r->reason_label : r->reason_code);
	ui_draw_text(y++, x, w, UI_EL_NORMAL, buf);
	snprintf(buf, sizeof buf, "Note: %s", r->note[0] ? r->note : "(none)");
	ui_draw_text(y++, x, w, r->note[0] ? UI_EL_NORMAL : UI_EL_DIM, buf);
	money_format(r->refund_minor, r->currency, money, sizeof money);
	if (r->refund_minor > 0)
		snprintf(buf, sizeof buf, "Approving cancels the order and refunds the customer %s.", money);
	else
		snprintf(buf, sizeof buf, "Approving cancels the order; nothing to refund.");
	ui_draw_text(y, x, w, UI_EL_HINT, buf);
}

static int
approvals_detail_rows(struct ui_rect r)
{
	/* the detail goes first when the screen is short */
	return r.h >= 12 ? DETAIL_ROWS : 0;
}

static void
approvals_draw(struct view *v, struct ui_rect r)
{
	struct approvals_view *a = av(v);
	struct ui *ui = v->ui;
	int when_w, by_w, reason_w, y = r.y, dr = approvals_detail_rows(r);
	int ph = a->prompt ? 1 : 0;
	char title[160], pos[48];
	struct ui_line l;

	ui_list_position(&a->list, pos, sizeof pos, a->more);
	snprintf(title, sizeof title, "Cancellations waiting for a decision, oldest first %s",
		 a->loaded ? (a->nrows ? pos : "(none)") : "loading");
	ui_draw_section(ui, y++, r.x, r.w, title);
	approvals_columns(r.w - (ui->plain ? 1 : 0), &when_w, &by_w, &reason_w);
	ui_line_init(&l, ui->ascii);
	if (ui->plain)
		ui_line_add(&l, " ", 1);
	ui_line_cell(&l, "Order", 10, false);
	ui_line_add(&l, " ", 1);
	ui_line_cell(&l, "Requested", when_w, false);
	ui_line_add(&l, " ", 1);
	ui_line_cell(&l, "By", by_w, false);
	ui_line_add(&l, " ", 1);
	ui_line_cell(&l, "Reason", reason_w, false);
	ui_line_add(&l, " ", 1);
	ui_line_cell(&l, "Refund", 12, true);
	ui_draw_line(y++, r.x, r.w, UI_EL_HEADER, &l);
	ui_line_free(&l);
	{
		struct ui_rect lr = { y, r.x, r.y + r.h - y - dr - ph, r.w };
		if (lr.h < 1)
			return;
		if (a->loaded && a->nrows == 0)
			ui_draw_text(y, r.x, r.w, UI_EL_DIM, "  Nothing waits for your decision.");
		else
			ui_list_draw(ui, &a->list, lr, approvals_row_draw, a);
	}
	if (dr)
		approvals_draw_detail(a, r.y + r.h - dr - ph, r.x, r.w);
	if (a->prompt) {
		const char *label = a->prompt == PROMPT_APPROVE ? " Approve; note (optional), Enter: " :
								  " Refuse; note (required), Enter: ";
		int lw = ui_width(label);
		ui_draw_text(r.y + r.h - 1, r.x, lw, UI_EL_HEADER, label);
		ui_input_draw(ui, &a->note, r.y + r.h - 1, r.x + lw, r.w - lw);
	} else {
		ui->cursor_y = -1;
	}
}

static int
approvals_resize(struct view *v, struct ui_rect r)
{
	struct approvals_view *a = av(v);

	a->list.height = r.h - 2 - approvals_detail_rows(r) - (a->prompt ? 1 : 0);
	if (a->list.height < 1)
		a->list.height = 1;
	ui_list_set_count(&a->list, a->nrows);
	return UI_REDRAW;
}

static int
approvals_decide(struct approvals_view *a)
{
	const struct pending_cancellation *r = approvals_selected(a);
	bool approve = a->prompt == PROMPT_APPROVE;
	struct app_stmt st;
	struct oms_error err;

	if (!r) {
		a->prompt = PROMPT_NONE;
		return UI_HANDLED | UI_RELAYOUT | UI_REDRAW;
	}
	if (!approve && a->note.len == 0) {
		ui_message(a->v.ui, UI_EL_ERROR,
			   "A refusal needs a note saying why; type it, or Esc to go back.");
		return UI_HANDLED | UI_REDRAW;
	}
	oms_error_clear(&err);
	if (decide_cancellation_stmt(r->cancellation_id, approve, a->note.len ? a->note.buf : NULL,
				     &st, &err) != OMS_OK) {
		ui_message_error(a->v.ui, &err);
		return UI_HANDLED | UI_REDRAW;
	}
	a->dec_order_no = r->order_no;
	a->dec_refund_minor = r->refund_minor;
	snprintf(a->dec_currency, sizeof a->dec_currency, "%s", r->currency);
	ui_query(a->v.ui, &a->v, TAG_DECIDE, &st);
	a->sending = true;
	a->prompt = PROMPT_NONE;
	ui_message(a->v.ui, UI_EL_HINT, "%s the cancellation of order %lld...",
		   approve ? "Approving" : "Refusing", r->order_no);
	return UI_HANDLED | UI_RELAYOUT | UI_REDRAW;
}

static int
approvals_prompt_key(struct approvals_view *a, int key, int action)
{
	bool changed;

	if (action == UI_ACT_BACK && key == UI_KEY_ESC) {
		a->prompt = PROMPT_NONE;
		ui_message(a->v.ui, UI_EL_HINT, "Nothing decided.");
		return UI_HANDLED | UI_RELAYOUT | UI_REDRAW;
	}
	if (key == UI_KEY_ENTER)
		return approvals_decide(a);
	if (action == UI_ACT_QUIT)
		return UI_UNHANDLED;
	return ui_input_key(&a->note, key, &changed) | UI_HANDLED | UI_REDRAW;
}

static int
approvals_key(struct view *v, int key, int action)
{
	struct approvals_view *a = av(v);
	const struct pending_cancellation *r;
	struct view *nv;
	int flags;

	if (a->prompt)
		return approvals_prompt_key(a, key, action);
	switch (action) {
	case UI_ACT_OPEN:
		if (!(r = approvals_selected(a)))
			return UI_HANDLED;
		nv = view_order_new(v->ui, r->order_no);
		if (nv)
			ui_push(v->ui, nv);
		return UI_HANDLED | UI_REDRAW;
	case UI_ACT_APPROVE:
	case UI_ACT_REFUSE:
		if (a->sending) {
			ui_message(v->ui, UI_EL_WARNING, "Still sending the last decision.");
			return UI_HANDLED | UI_REDRAW;
		}
		if (!approvals_selected(a)) {
			ui_message(v->ui, UI_EL_WARNING, "Nothing selected to decide.");
			return UI_HANDLED | UI_REDRAW;
		}
		a->prompt = action == UI_ACT_APPROVE ? PROMPT_APPROVE : PROMPT_REFUSE;
		ui_input_clear(&a->note);
		return UI_HANDLED | UI_RELAYOUT | UI_REDRAW;
	default:
		flags = ui_list_action(&a->list, action);
		if (flags & UI_HANDLED)
			approvals_prefetch(a);
		return flags;
	}
}

static int
approvals_hints(struct view *v, int *acts, int max)
{
	struct approvals_view *a = av(v);
	int n = 0;

	if (a->prompt) {
		if (n < max)
			acts[n++] = UI_ACT_BACK;
		return n;
	}
	if (n < max && a->nrows > 0)
		acts[n++] = UI_ACT_OPEN;
	if (n < max && a->nrows > 0)
		acts[n++] = UI_ACT_APPROVE;
	if (n < max && a->nrows > 0)
		acts[n++] = UI_ACT_REFUSE;
	if (n < max)
		acts[n++] = UI_ACT_BACK;
	if (n < max)
		acts[n++] = UI_ACT_HELP;
	return n;
}

static const char *
approvals_title(struct view *v, char *buf, size_t len)
{
	const struct ui *ui = v->ui;

	if (ui->who_known && ui->who.seller_name[0])
		snprintf(buf, len, "%s", ui->who.seller_name);
	else
		snprintf(buf, len, "all sellers");
	return buf;
}

static void
approvals_close(struct view *v)
{
	struct approvals_view *a = av(v);

	free(a->rows);
	free(a);
}

static const struct view_ops approvals_ops = {
	.name = "Approvals",
	.open = approvals_open,
	.close = approvals_close,
	.draw = approvals_draw,
	.key = approvals_key,
	.resize = approvals_resize,
	.reload = approvals_reload,
	.result = approvals_result,
	.hints = approvals_hints,
	.title = approvals_title,
};

struct view *
view_approvals_new(struct ui *ui)
{
	struct approvals_view *a = calloc(1, sizeof *a);

	if (!a)
		return NULL;
	a->v.ops = &approvals_ops;
	a->v.ui = ui;
	ui_list_init(&a->list, true);
	return &a->v;
}

int
view_approvals_key(struct ui *ui)
{
	struct view *nv;

	if (!view_approvals_allowed(ui)) {
		ui_message(ui, UI_EL_WARNING,
			   "Approvals are for fulfilment staff and administrators, not for your role.");
		return UI_HANDLED | UI_REDRAW;
	}
	nv = view_approvals_new(ui);
	if (nv)
		ui_push(ui, nv);
	return UI_HANDLED | UI_REDRAW;
}
