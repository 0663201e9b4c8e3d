/* Approvals: what waits for a decision that the caller may take, oldest
 * first, paged by keyset on the id.
 *
 * Cancellations (BR-025; oms_api.pending_cancellations; row-level security
 * gives fulfilment staff their own seller's, administrators all): `a`
 * approves (a note is optional), `r` refuses (a note is required); the
 * rules are the database's (oms_api.decide_cancellation).
 *
 * Refunds (BR-027; oms_api.pending_refunds), for administrators only, the
 * only ones who decide them (oms_api.decide_refund): a second list, Tab
 * switches between the two, with the same keys. Enter opens the order. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "form.h"
#include "input.h"
#include "list.h"
#include "list_find.h"
#include "screens.h"
#include "views.h"

#define APPROVALS_PAGE 50

/* Tags: TAG_FIRST, TAG_MORE or TAG_DECIDE + TAG_KIND * the list. */
enum { TAG_FIRST = 1, TAG_MORE, TAG_DECIDE, TAG_KIND = 8 };
enum prompt { PROMPT_NONE, PROMPT_APPROVE, PROMPT_REFUSE };
enum kind { KIND_CANCEL, KIND_REFUND, KIND_COUNT };

/* One list: rows of row_pending_cancellation or row_pending_refund. */
struct pending_tab {
	struct row_set rows;
	int nrows;
	bool more, loaded;
	struct ui_list list;
};

struct approvals_view {
	struct view v;
	struct pending_tab tabs[KIND_COUNT];
	enum kind kind;            /* the list shown */
	bool sending;
	enum prompt prompt;
	struct ui_form form;       /* the prompt: its one field, the note */
	struct ui_input note;
	/* the item being decided, for the message once it is done */
	bool dec_approve;
	long long dec_order_no, dec_refund_minor;
	char dec_currency[4];
	struct ui_list_find find;  /* / within the requests loaded */
};

static struct approvals_view *
av(struct view *v)
{
	return (struct approvals_view *)v;
}

static struct pending_tab *
cur(struct approvals_view *a)
{
	return &a->tabs[a->kind];
}

/* The amount a decision is about: the refund a cancellation makes, or
 * the refund asked for. */
static const char *const amount_col[KIND_COUNT] = { "refund_minor", "amount_minor" };
/* Why it was asked for (a cancellation's reason label, or its code). */
static const char *const reason_col[KIND_COUNT] = { "reason_label", "reason" };

/* Refunds are decided by administrators only (oms_api.decide_refund). */
static bool
approvals_refunds_shown(const struct ui *ui)
{
	return ui_role_is(ui, "admin");
}

bool
view_approvals_allowed(const struct ui *ui)
{
	return ui->who_known && ui_screen_allowed(ui, UI_SCREEN_APPROVALS);
}

static void
approvals_send(struct approvals_view *a, enum kind kind, bool more)
{
	struct pending_tab *t = &a->tabs[kind];
	int tag = TAG_KIND * (int)kind + (more ? TAG_MORE : TAG_FIRST);
	struct app_stmt st;
	long long after = 0;

	if (more && (!t->more || t->nrows == 0 || ui_query_pending(a->v.ui, &a->v, tag)))
		return;
	if (more)
		after = row_set_ll(&t->rows, t->nrows - 1, t->rows.d->key);
	if (kind == KIND_CANCEL)
		pending_cancellations_stmt(APPROVALS_PAGE, after, &st);
	else
		pending_refunds_stmt(APPROVALS_PAGE, after, &st);
	if (!more)
		ui_query_drop(a->v.ui, &a->v, TAG_KIND * (int)kind + TAG_MORE);
	ui_query(a->v.ui, &a->v, tag, &st);
}

static void
approvals_send_all(struct approvals_view *a)
{
	approvals_send(a, KIND_CANCEL, false);
	if (approvals_refunds_shown(a->v.ui))
		approvals_send(a, KIND_REFUND, false);
}

static int
approvals_open(struct view *v)
{
	approvals_send_all(av(v));
	return UI_REDRAW;
}

static int
approvals_reload(struct view *v)
{
	approvals_send_all(av(v));
	return UI_HANDLED | UI_REDRAW;
}

static void
approvals_prefetch(struct approvals_view *a, enum kind kind)
{
	struct pending_tab *t = &a->tabs[kind];

	if (t->more && t->list.sel >= t->nrows - t->list.height - 5)
		approvals_send(a, kind, true);
}

/* The selected row of the list shown, or -1. */
static int
approvals_selected(struct approvals_view *a)
{
	struct pending_tab *t = cur(a);

	return t->list.sel >= 0 && t->list.sel < t->nrows ? t->list.sel : -1;
}

static long long
approvals_selected_order(struct approvals_view *a)
{
	int i = approvals_selected(a);

	return i < 0 ? 0 : row_set_ll(&cur(a)->rows, i, "order_no");
}

static int
approvals_decided(struct approvals_view *a, enum kind kind, struct db_result *res,
		  const struct oms_error *err)
{
	struct cancel_result cr = { 0 };
	struct oms_error perr;
	char money[48];

	a->sending = false;
	oms_error_clear(&perr);
	if (!res) {
		ui_message_error(a->v.ui, err);
		approvals_send(a, kind, false);   /* it may have been decided by someone else */
		return UI_REDRAW;
	}
	if (kind == KIND_CANCEL && cancel_order_parse(res, &cr, &perr) != OMS_OK) {
		ui_message_error(a->v.ui, &perr);
		return UI_REDRAW;
	}
	money_format(a->dec_refund_minor, a->dec_currency, money, sizeof money);
	/* decide_refund answers nothing: no error means it is done */
	if (kind == KIND_REFUND)
		ui_message(a->v.ui, UI_EL_OK, a->dec_approve ?
			   "Approved: the refund of %s on order %lld goes to the payment provider." :
			   "Refused: no refund of %s on order %lld; customer service is told why.",
			   money, a->dec_order_no);
	else if (strcmp(cr.state, "rejected") == 0)
		ui_message(a->v.ui, UI_EL_OK, "Refused: order %lld stays as it is; the customer service is told why.",
			   a->dec_order_no);
	else
		ui_message(a->v.ui, UI_EL_OK, "Approved: order %lld is cancelled%s%s.", a->dec_order_no,
			   cr.refund_id ? "; refund of " : "", cr.refund_id ? money : "");
	/* both lists: cancelling lines may leave a refund waiting (BR-027) */
	approvals_send_all(a);
	return UI_REDRAW;
}

/* After n rows were appended to a list (TAG_MORE) or replaced its rows
 * (TAG_FIRST, keeping the selection). */
static void
approvals_took_rows(struct pending_tab *t, bool first, int n)
{
	if (first)
		t->list.sel = t->loaded ? t->list.sel : 0;
	t->nrows = t->rows.n;
	t->loaded = true;
	t->more = n == APPROVALS_PAGE;
	ui_list_set_count(&t->list, t->nrows);
}

static int
approvals_result(struct view *v, int tag, struct db_result *res, const struct oms_error *err)
{
	struct approvals_view *a = av(v);
	enum kind kind = tag / TAG_KIND == KIND_REFUND ? KIND_REFUND : KIND_CANCEL;
	struct oms_error perr;
	int n;

	tag %= TAG_KIND;
	if (tag == TAG_DECIDE)
		return approvals_decided(a, kind, res, err);
	oms_error_clear(&perr);
	if (!res) {
		if (err->status != OMS_DB_GONE)
			ui_message_error(v->ui, err);
		return UI_REDRAW;
	}
	if ((n = row_set_read(&a->tabs[kind].rows, res, tag == TAG_FIRST, &perr)) < 0) {
		ui_message_error(v->ui, &perr);
		return UI_REDRAW;
	}
	approvals_took_rows(&a->tabs[kind], tag == TAG_FIRST, n);
	approvals_prefetch(a, kind);
	return UI_REDRAW;
}

static void
approvals_row_draw(void *arg, int row, int w, struct ui_line *line, enum ui_element *el)
{
	struct approvals_view *a = arg;

	ui_list_row_cells(line, &cur(a)->rows, row, w);
	*el = UI_EL_NORMAL;
}

/* Lines below the list: the selected request in full. */
#define DETAIL_ROWS 6

static void
approvals_draw_detail(struct approvals_view *a, int y, int x, int w)
{
	int i = approvals_selected(a);
	const struct row_set *s = &cur(a)->rows;
	const char *note;
	char buf[600], when[24], money[48], left[48], reason[256];

	if (i < 0)
		return;
	note = row_set_get(s, i, "note");
	row_set_text(s, i, amount_col[a->kind], money, sizeof money);
	if (a->kind == KIND_REFUND) {
		row_set_text(s, i, "refundable_minor", left, sizeof left);
		snprintf(buf, sizeof buf, "Approving sends %s to the payment provider; %s more is left to refund.",
			 money, left);
	} else if (row_set_ll(s, i, amount_col[a->kind]) > 0) {
		snprintf(buf, sizeof buf, "Approving cancels the order and refunds the customer %s.", money);
	} else {
		snprintf(buf, sizeof buf, "Approving cancels the order; nothing to refund.");
	}
	ui_draw_section(a->v.ui, y++, x, w, "Selected request");
	ui_draw_text(y + 4, x, w, UI_EL_HINT, buf);
	row_set_text(s, i, "requested_at", when, sizeof when);
	snprintf(buf, sizeof buf, "Order %lld (%s) of %s", approvals_selected_order(a),
		 row_set_get(s, i, "status"), row_set_get(s, i, "seller_name"));
	ui_draw_text(y++, x, w, UI_EL_NORMAL, buf);
	snprintf(buf, sizeof buf, "Asked by %s on %s", row_set_get(s, i, "requested_by"), when);
	ui_draw_text(y++, x, w, UI_EL_NORMAL, buf);
	snprintf(buf, sizeof buf, "Reason: %s", row_set_text(s, i, reason_col[a->kind], reason, sizeof reason));
	ui_draw_text(y++, x, w, UI_EL_NORMAL, buf);
	snprintf(buf, sizeof buf, "Note: %s", note[0] ? note : "(none)");
	ui_draw_text(y, x, w, note[0] ? UI_EL_NORMAL : UI_EL_DIM, buf);
}

static int
approvals_detail_rows(struct ui_rect r)
{
	/* the detail goes first when the screen is short */
	return r.h >= 12 ? DETAIL_ROWS : 0;
}

/* Administrators: a row naming both lists, the one shown highlighted. */
static int
approvals_tab_rows(const struct approvals_view *a)
{
	return approvals_refunds_shown(a->v.ui) ? 1 : 0;
}

static void
approvals_draw_tabs(struct approvals_view *a, int y, int x, int w)
{
	static const char *const names[KIND_COUNT] = { "Cancellations", "Refunds" };
	struct ui *ui = a->v.ui;
	char buf[64], key[16];
	int col = x + 1;

	ui_draw_text(y, x, w, UI_EL_NORMAL, "");
	for (int k = 0; k < KIND_COUNT; k++) {
		const struct pending_tab *t = &a->tabs[k];
		int bw;

		/* brackets as well as the highlight, for terminals without it */
		snprintf(buf, sizeof buf, "%s%s %d%s%s", k == (int)a->kind ? "[" : " ", names[k],
			 t->nrows, t->more ? "+" : "", k == (int)a->kind ? "]" : " ");
		if (!t->loaded)
			snprintf(buf, sizeof buf, "%s%s%s", k == (int)a->kind ? "[" : " ", names[k],
				 k == (int)a->kind ? "]" : " ");
		bw = ui_width(buf);
		if (col + bw > x + w)
			return;
		ui_draw_text(y, col, bw, k == (int)a->kind ? UI_EL_SELECTED : UI_EL_NORMAL, buf);
		col += bw + 1;
	}
	ui_keymap_key(&ui->km, UI_ACT_NEXT_FIELD, key, sizeof key);
	snprintf(buf, sizeof buf, " %s switches", key);
	if (key[0] && col + ui_width(buf) <= x + w)
		ui_draw_text(y, col, ui_width(buf), UI_EL_DIM, buf);
}

static void
approvals_draw(struct view *v, struct ui_rect r)
{
	struct approvals_view *a = av(v);
	struct pending_tab *t = cur(a);
	struct ui *ui = v->ui;
	int y = r.y, dr = approvals_detail_rows(r);
	int ph = a->prompt || a->find.open ? 1 : 0;
	char title[160], pos[48];
	struct ui_line l;

	ui_list_indicator(&t->list, pos, sizeof pos, -1, t->more);
	snprintf(title, sizeof title, "%s waiting for a decision, oldest first %s",
		 a->kind == KIND_CANCEL ? "Cancellations" : "Refunds",
		 t->loaded ? (t->nrows ? pos : "(none)") : "loading");
	ui_draw_section(ui, y++, r.x, r.w, title);
	if (approvals_tab_rows(a))
		approvals_draw_tabs(a, y++, r.x, r.w);
	ui_line_init(&l, ui->ascii);
	if (ui->plain)
		ui_line_add(&l, " ", 1);
	ui_list_row_heading(&l, t->rows.d, r.w - (ui->plain ? 1 : 0));
	ui_draw_line(y++, r.x, r.w, UI_EL_HEADER, &l);
	ui_line_free(&l);
	{
		struct ui_rect lr = { y, r.x, r.y + r.h - y - dr - ph, r.w };
		if (lr.h < 1)
			return;
		if (t->loaded && t->nrows == 0)
			ui_draw_text(y, r.x, r.w, UI_EL_DIM, "  Nothing waits for your decision.");
		else
			ui_list_draw(ui, &t->list, lr, approvals_row_draw, a);
	}
	if (dr)
		approvals_draw_detail(a, r.y + r.h - dr - ph, r.x, r.w);
	if (a->prompt) {
		bool refund = a->kind == KIND_REFUND;
		char k[16], label[96];

		snprintf(label, sizeof label, " %s%s; note (%s), %s: ",
			 a->prompt == PROMPT_APPROVE ? "Approve" : "Refuse", refund ? " the refund" : "",
			 a->prompt == PROMPT_APPROVE ? "optional" : "required",
			 ui_keymap_key(&ui->km, UI_ACT_CONFIRM, k, sizeof k));
		ui_form_draw_prompt(&a->form, r.y + r.h - 1, r.x, r.w, label);
	} else if (a->find.open) {
		ui_list_find_draw(&a->find, r.y + r.h - 1, r.x, r.w);
	} else {
		ui->cursor_y = -1;
	}
}

static int
approvals_resize(struct view *v, struct ui_rect r)
{
	struct approvals_view *a = av(v);
	int h = r.h - 2 - approvals_tab_rows(a) - approvals_detail_rows(r) - (a->prompt || a->find.open ? 1 : 0);

	for (int k = 0; k < KIND_COUNT; k++) {
		a->tabs[k].list.height = h < 1 ? 1 : h;
		ui_list_set_count(&a->tabs[k].list, a->tabs[k].nrows);
	}
	return UI_REDRAW;
}

static int
approvals_decide(struct approvals_view *a)
{
	int i = approvals_selected(a);
	bool approve = a->prompt == PROMPT_APPROVE;
	const char *note = a->note.len ? a->note.buf : NULL;
	const struct row_set *rows;
	struct app_stmt st;
	struct oms_error err;
	enum oms_status s;

	if (i < 0) {
		a->prompt = PROMPT_NONE;
		a->v.dialog_keys = false;
		return UI_HANDLED | UI_RELAYOUT | UI_REDRAW;
	}
	if (!approve && a->note.len == 0) {
		ui_message(a->v.ui, UI_EL_ERROR,
			   "A refusal needs a note saying why; type it, or Esc to go back.");
		return UI_HANDLED | UI_REDRAW;
	}
	oms_error_clear(&err);
	rows = &cur(a)->rows;
	if (a->kind == KIND_CANCEL)
		s = decide_cancellation_stmt(row_set_ll(rows, i, rows->d->key), approve, note, &st, &err);
	else
		s = decide_refund_stmt(row_set_ll(rows, i, rows->d->key), approve, note, &st, &err);
	a->dec_refund_minor = row_set_ll(rows, i, amount_col[a->kind]);
	snprintf(a->dec_currency, sizeof a->dec_currency, "%s", row_set_get(rows, i, "currency"));
	if (s != OMS_OK) {
		ui_message_error(a->v.ui, &err);
		return UI_HANDLED | UI_REDRAW;
	}
	a->dec_order_no = approvals_selected_order(a);
	a->dec_approve = approve;
	ui_query(a->v.ui, &a->v, TAG_KIND * (int)a->kind + TAG_DECIDE, &st);
	a->sending = true;
	a->prompt = PROMPT_NONE;
	a->v.dialog_keys = false;
	ui_message(a->v.ui, UI_EL_HINT, "%s the %s of order %lld...", approve ? "Approving" : "Refusing",
		   a->kind == KIND_CANCEL ? "cancellation" : "refund", a->dec_order_no);
	return UI_HANDLED | UI_RELAYOUT | UI_REDRAW;
}

/* The prompt is a form of one field with no confirm step: the first
 * confirm decides. Its keys are the dialog scope's (v.dialog_keys). */
static int
approvals_prompt_key(struct approvals_view *a, int key, int action)
{
	enum ui_form_event ev;
	int flags = ui_form_key(&a->form, key, action, &ev);

	if (ev == UI_FORM_CLOSE) {
		a->prompt = PROMPT_NONE;
		a->v.dialog_keys = false;
		ui_message(a->v.ui, UI_EL_HINT, "Nothing decided.");
		return UI_HANDLED | UI_RELAYOUT | UI_REDRAW;
	}
	if (ev == UI_FORM_CHECK || ev == UI_FORM_SEND)
		return approvals_decide(a);
	if (ev == UI_FORM_NONE && action != UI_ACT_QUIT && action != UI_ACT_HELP)
		return UI_HANDLED;         /* the list's keys wait for the prompt */
	return flags;
}

static int
approvals_paste(struct view *v, const char *text)
{
	struct approvals_view *a = av(v);

	if (a->find.open)
		return ui_list_find_paste(&a->find, text);
	return a->prompt ? ui_form_paste(&a->form, text) : UI_HANDLED;
}

static int
approvals_key(struct view *v, int key, int action)
{
	struct approvals_view *a = av(v);
	struct view *nv;
	long long order_no;
	int flags;

	if (a->prompt)
		return approvals_prompt_key(a, key, action);
	if (a->find.open) {
		flags = ui_list_find_key(&a->find, key, action, &cur(a)->list, approvals_row_draw, a);
		a->v.dialog_keys = a->find.open;
		approvals_prefetch(a, a->kind);
		return flags | UI_RELAYOUT;
	}
	switch (action) {
	case UI_ACT_FIND_PENDING:
		a->v.dialog_keys = true;
		return ui_list_find_start(&a->find) | UI_RELAYOUT;
	case UI_ACT_FIND_NEXT:
	case UI_ACT_FIND_PREV:
		flags = ui_list_find_next(&a->find, &cur(a)->list, action == UI_ACT_FIND_NEXT ? 1 : -1,
					  approvals_row_draw, a);
		approvals_prefetch(a, a->kind);
		return flags;
	case UI_ACT_OPEN:
		if (!(order_no = approvals_selected_order(a)))
			return UI_HANDLED;
		nv = view_order_new(v->ui, order_no);
		if (nv)
			ui_push(v->ui, nv);
		return UI_HANDLED | UI_REDRAW;
	case UI_ACT_EXPORT: return ui_export_pending(v->ui, a->kind == KIND_REFUND);
	case UI_ACT_NEXT_FIELD:
		if (!approvals_refunds_shown(v->ui))
			return UI_HANDLED;
		a->kind = a->kind == KIND_CANCEL ? KIND_REFUND : KIND_CANCEL;
		return UI_HANDLED | UI_REDRAW;
	case UI_ACT_APPROVE:
	case UI_ACT_REFUSE:
		if (a->sending) {
			ui_message(v->ui, UI_EL_WARNING, "Still sending the last decision.");
			return UI_HANDLED | UI_REDRAW;
		}
		if (approvals_selected(a) < 0) {
			ui_message(v->ui, UI_EL_WARNING, "Nothing selected to decide.");
			return UI_HANDLED | UI_REDRAW;
		}
		a->prompt = action == UI_ACT_APPROVE ? PROMPT_APPROVE : PROMPT_REFUSE;
		a->v.dialog_keys = true;           /* Enter, Esc: the prompt's keys */
		ui_input_clear(&a->note);
		ui_form_focus(&a->form, 0);
		return UI_HANDLED | UI_RELAYOUT | UI_REDRAW;
	default:
		flags = ui_list_action(&cur(a)->list, action);
		if (flags & UI_HANDLED)
			approvals_prefetch(a, a->kind);
		return flags;
	}
}

static int
approvals_hints(struct view *v, int *acts, int max)
{
	struct approvals_view *a = av(v);
	bool any = cur(a)->nrows > 0;
	int n = 0;

	if (a->prompt || a->find.open) {
		if (n < max)
			acts[n++] = UI_ACT_CONFIRM;
		if (n < max)
			acts[n++] = UI_ACT_CLOSE;
		return n;
	}
	if (n < max && any)
		acts[n++] = UI_ACT_OPEN;
	if (n < max && any)
		acts[n++] = UI_ACT_APPROVE;
	if (n < max && any)
		acts[n++] = UI_ACT_REFUSE;
	if (n < max && approvals_refunds_shown(v->ui))
		acts[n++] = UI_ACT_NEXT_FIELD;
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

	for (int k = 0; k < KIND_COUNT; k++)
		row_set_free(&a->tabs[k].rows);
	free(a);
}

static bool
approvals_typing(struct view *v)
{
	if (av(v)->find.open)
		return ui_form_typing(&av(v)->find.form);
	return ((struct approvals_view *)v)->prompt && ui_form_typing(&((struct approvals_view *)v)->form);
}

static bool
approvals_unsaved(struct view *v)
{
	return ((struct approvals_view *)v)->prompt && ui_form_unsaved(&((struct approvals_view *)v)->form);
}

static const struct view_ops approvals_ops = {
	.name = "Approvals",
	.screen = UI_SCREEN_APPROVALS,
	.open = approvals_open,
	.close = approvals_close,
	.draw = approvals_draw,
	.key = approvals_key,
	.resize = approvals_resize,
	.reload = approvals_reload,
	.result = approvals_result,
	.hints = approvals_hints,
	.paste = approvals_paste,
	.typing = approvals_typing,
	.unsaved = approvals_unsaved,
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
	row_set_init(&a->tabs[KIND_CANCEL].rows, &row_pending_cancellation);
	row_set_init(&a->tabs[KIND_REFUND].rows, &row_pending_refund);
	for (int k = 0; k < KIND_COUNT; k++)
		ui_list_init(&a->tabs[k].list, true);
	ui_form_init(&a->form, ui, 0);
	ui_form_add(&a->form, UI_FIELD_TEXT, "Note", false);
	a->form.f[0].in = &a->note;
	ui_list_find_init(&a->find, ui);
	return &a->v;
}
