/* "Some lines" of the cancel dialog (ui/view_cancel.c): the order's lines
 * with marks and units, and the refund the database previews for them.
 * When the marks change, after a pause (as the lookup line waits for
 * typing), oms_api.cancel_lines_preview is asked, and its amount,
 * computed as cancel_lines then grants it, is shown once it answers for
 * the marks as they are; "Refund ..." until then. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "view_cancel_int.h"

#define CANCEL_PREVIEW_DEBOUNCE_MS 120

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
int
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

int
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

int
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

int
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
int
cancel_toggle_scope(struct cancel_view *x)
{
	x->by_lines = !x->by_lines;
	x->form.confirming = false;
	x->form.f[FOCUS_LINES].hidden = !x->by_lines;
	x->form.f[FOCUS_LINES].msg[0] = '\0';
	ui_form_focus(&x->form, x->by_lines ? FOCUS_LINES : FOCUS_REASONS);
	if (x->by_lines && (!x->card_asked || x->card_failed)) {
		struct app_stmt st;

		order_card_stmt(x->order_no, &st);
		ui_query(x->v.ui, &x->v, TAG_CARD, &st);
		x->card_asked = true;
		x->card_failed = false;
	}
	return UI_HANDLED | UI_REDRAW;
}

int
cancel_line_key(struct cancel_view *x, int action)
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
	if (action == UI_ACT_CHOOSE)
		p->take = p->take > 0 ? 0 : p->left;        /* all that is left, or none */
	else if (action == UI_ACT_UNIT_MORE)
		p->take += p->take < p->left;
	else if (action == UI_ACT_UNIT_LESS)
		p->take -= p->take > 0;
	if (p->take != take)
		cancel_marks_changed(x);
	return UI_HANDLED | UI_REDRAW;
}

/* What cancelling the marked units does. After the window the seller
 * approves, and a partial refund then waits for an administrator
 * (BR-027); cancelling every unit left cancels the order. The amount is
 * on the row under the lines (cancel_refund_row). */
void
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
	else if (units == 0) {
		const struct ui_keymap *km = &x->v.ui->km;
		char kc[16], km1[16], km2[16];

		/* the keys as bound now (oms.conf [keys]) */
		snprintf(buf, len, "Mark the lines to cancel with %s; %s and %s change how many units.",
			 ui_keymap_key(km, UI_ACT_CHOOSE, kc, sizeof kc),
			 ui_keymap_key(km, UI_ACT_UNIT_MORE, km1, sizeof km1),
			 ui_keymap_key(km, UI_ACT_UNIT_LESS, km2, sizeof km2));
	}
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

enum oms_status
cancel_lines_build(struct cancel_view *x, const char *reason, struct app_stmt *st,
		   struct oms_error *err)
{
	struct cancel_lines_request req = { 0 };
	struct cancel_line *lines = cancel_marked_lines(x, &req.nlines);
	enum oms_status s;

	if (!lines)
		return oms_fail(err, OMS_NOMEM, "out of memory");
	req.order_no = x->order_no;
	req.lines = lines;
	req.reason = reason;
	req.note = x->note.len ? x->note.buf : NULL;
	s = cancel_lines_stmt(&req, st, err);
	free(lines);
	return s;
}

/* The lines under their header, and the refund row, from row y; the lists
 * share the rows left over the header, the refund and "Reason:" (the
 * note's row is bottom): the lines first, the reasons at least 3.
 * Returns the row after the refund. */
int
cancel_lines_draw(struct cancel_view *x, int y, int x0, int w, int bottom)
{
	struct ui *ui = x->v.ui;
	struct ui_rect lr;
	int avail = bottom - y - 3, nl;

	nl = x->npicks > 0 ? x->npicks : 1;
	if (nl > avail - 3)
		nl = avail - 3 > 1 ? avail - 3 : 1;
	cancel_lines_header(ui, y++, x0, w);
	lr = (struct ui_rect){ y, x0, nl, w };
	if (x->npicks == 0)
		ui_draw_text(y, x0 + 4, w - 4, UI_EL_DIM,
			     x->card_failed ? "The lines could not be loaded." : "Loading lines...");
	else
		cancel_list_draw(ui, &x->lines, lr, x->form.focus == FOCUS_LINES, cancel_line_row, x);
	y += nl;
	cancel_refund_row(x, y++, x0, w);
	return y;
}
