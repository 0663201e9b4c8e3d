/* Lookup: one input line, classified as the CSR types; results appear as
 * they type (debounced, a stale query cancelled), paged by keyset. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/phone_format.h"
#include "app/row.h"
#include "bench.h"
#include "clipboard.h"
#include "export.h"
#include "input.h"
#include "list.h"
#include "screens.h"
#include "views.h"

#define LOOKUP_DEBOUNCE_MS 120
#define LOOKUP_PAGE 50

/* TAG_SUGGEST + i: does suggestion i name an order? */
enum { TAG_FIRST = 1, TAG_MORE, TAG_SUGGEST };

/* what one types to find an order or a customer (lookup_query.text) */
#define LOOKUP_MAXCHARS 200
#define LOOKUP_RECENT 20

struct lookup_view {
	struct view v;
	struct ui_input in;
	bool list_focus;
	struct lookup_query q;
	enum oms_status qst;
	char qerr[512];
	char sent_text[256];       /* the query whose rows are shown */
	enum lookup_kind sent_kind;
	struct row_set rows;       /* row_lookup's */
	bool more, loading, searched;
	bool all_customers;        /* the rows shown are all customers (their own columns) */
	bool open_pending;         /* Enter came before the answer for the text */
	struct ui_list list;
	struct row_set srows;      /* suggestions that exist (LOOKUP_MAX_SUGGEST at most) */
	int suggest_wait;
	/* the lookups that opened something, newest first: Up in an empty
	 * Find line brings them back, Down goes the other way */
	char recent[LOOKUP_RECENT][LOOKUP_MAXCHARS * 4 + 1];
	int nrecent, recent_at;    /* recent_at: the one shown, -1 none */
};

static struct lookup_view *
lv(struct view *v)
{
	return (struct lookup_view *)v;
}

static bool
lookup_suggesting(const struct lookup_view *l)
{
	return l->qst == OMS_OK && l->q.check_failed;
}

static int
lookup_count(const struct lookup_view *l)
{
	return lookup_suggesting(l) ? l->srows.n : l->rows.n;
}

/* The rows on the screen: the suggestions' or the lookup's. */
static const struct row_set *
lookup_shown(const struct lookup_view *l)
{
	return lookup_suggesting(l) ? &l->srows : &l->rows;
}

static bool
lookup_is_customer(const struct row_set *s, int row)
{
	return strcmp(row_set_get(s, row, "kind"), "customer") == 0 ||
	       row_set_ll(s, row, "order_no") <= 0;
}

static void
lookup_clear_rows(struct lookup_view *l)
{
	row_set_free(&l->rows);
	l->more = false;
	l->searched = false;
	l->sent_text[0] = '\0';
	l->sent_kind = LOOKUP_NONE;
	ui_list_init(&l->list, true);
}

static void
lookup_send(struct lookup_view *l, bool more)
{
	struct app_stmt st;

	if (more && (!l->more || l->rows.n == 0 || ui_query_pending(l->v.ui, &l->v, TAG_MORE)))
		return;
	lookup_stmt(&l->q, LOOKUP_PAGE, more ? row_set_get(&l->rows, l->rows.n - 1, "sort_key") : NULL,
		    &st);
	if (!more) {
		ui_query_drop(l->v.ui, &l->v, TAG_MORE);
		snprintf(l->sent_text, sizeof l->sent_text, "%s", l->q.text);
		l->sent_kind = l->q.kind;
	}
	ui_query(l->v.ui, &l->v, more ? TAG_MORE : TAG_FIRST, &st);
	if (more)
		ui_hold_keys(&l->v);   /* keys moving down wait for the next page */
	l->loading = true;
}

/* A mistyped order number: ask which of the nearest valid numbers exist,
 * so the CSR can tell them apart by the customer's name. */
static void
lookup_send_suggestions(struct lookup_view *l)
{
	row_set_free(&l->srows);
	l->suggest_wait = l->q.nsuggest;
	for (int i = 0; i < l->q.nsuggest; i++) {
		struct lookup_query sq;
		struct app_stmt st;

		memset(&sq, 0, sizeof sq);
		sq.kind = LOOKUP_ORDER_NO;
		snprintf(sq.text, sizeof sq.text, "%lld", l->q.suggest[i]);
		lookup_stmt(&sq, 1, NULL, &st);
		ui_query(l->v.ui, &l->v, TAG_SUGGEST + i, &st);
	}
}

/* The text changed: classify it now, query after a pause in typing. */
static void
lookup_changed(struct lookup_view *l)
{
	struct oms_error err;

	oms_error_clear(&err);
	memset(&l->q, 0, sizeof l->q);
	l->qerr[0] = '\0';
	l->open_pending = false;   /* still typing: the Enter was for other text */
	if (l->in.len == 0) {
		l->qst = OMS_OK;
		ui_query_drop(l->v.ui, &l->v, -1);
		ui_timer(&l->v, 0);
		l->loading = false;
		lookup_clear_rows(l);
		return;
	}
	l->qst = lookup_classify(l->in.buf, l->v.ui->default_cc, &l->q, &err);
	row_set_free(&l->srows);
	l->suggest_wait = 0;
	if (l->qst == OMS_OK && l->q.check_failed) {
		ui_query_drop(l->v.ui, &l->v, -1);
		lookup_clear_rows(l);
		l->suggest_wait = l->q.nsuggest;
		ui_timer(&l->v, LOOKUP_DEBOUNCE_MS);
		return;
	}
	if (l->qst != OMS_OK || l->q.kind == LOOKUP_NONE) {
		if (l->qst != OMS_OK)
			snprintf(l->qerr, sizeof l->qerr, "%s", l->q.hint[0] ? l->q.hint : err.msg);
		ui_query_drop(l->v.ui, &l->v, -1);
		ui_timer(&l->v, 0);
		l->loading = false;
		lookup_clear_rows(l);
		return;
	}
	if (l->q.kind == l->sent_kind && strcmp(l->q.text, l->sent_text) == 0)
		return;        /* same search, e.g. a blank added */
	ui_timer(&l->v, LOOKUP_DEBOUNCE_MS);
}

static int
lookup_tick(struct view *v)
{
	struct lookup_view *l = lv(v);

	if (l->qst == OMS_OK && l->q.check_failed)
		lookup_send_suggestions(l);
	else if (l->qst == OMS_OK && l->q.kind != LOOKUP_NONE)
		lookup_send(l, false);
	return UI_REDRAW;
}

/* The rows (or suggestions) on the screen answer the text as it is now:
 * no debounce timer running and no first page on its way. */
static bool
lookup_current(const struct lookup_view *l)
{
	if (l->v.timer_at || ui_query_pending(l->v.ui, &l->v, TAG_FIRST))
		return false;
	if (lookup_suggesting(l)) {
		for (int i = 0; i < l->q.nsuggest; i++)
			if (ui_query_pending(l->v.ui, &l->v, TAG_SUGGEST + i))
				return false;
		return true;
	}
	if (l->qst != OMS_OK || l->q.kind == LOOKUP_NONE)
		return true;
	return l->searched && l->sent_kind == l->q.kind && strcmp(l->sent_text, l->q.text) == 0;
}

/* The text that opened something goes first in the recent lookups. */
static void
lookup_remember(struct lookup_view *l)
{
	int i;

	if (l->in.len == 0)
		return;
	for (i = 0; i < l->nrecent && strcmp(l->recent[i], l->in.buf) != 0; i++)
		;
	if (i == l->nrecent && l->nrecent < LOOKUP_RECENT)
		l->nrecent++;
	if (i == LOOKUP_RECENT)
		i = LOOKUP_RECENT - 1;
	memmove(l->recent[1], l->recent[0], (size_t)i * sizeof l->recent[0]);
	snprintf(l->recent[0], sizeof l->recent[0], "%.*s", (int)sizeof l->recent[0] - 1, l->in.buf);
	l->recent_at = -1;
}

static int
lookup_open_selected(struct lookup_view *l)
{
	struct ui *ui = l->v.ui;
	struct view *nv = NULL;
	int sel = l->list.sel;

	if (lookup_suggesting(l)) {
		if (sel >= 0 && sel < l->srows.n)
			nv = view_order_new(ui, row_set_ll(&l->srows, sel, "order_no"));
	} else if (sel >= 0 && sel < l->rows.n) {
		if (!lookup_is_customer(&l->rows, sel))
			nv = view_order_new(ui, row_set_ll(&l->rows, sel, "order_no"));
		else
			nv = view_customer_new(ui, row_set_ll(&l->rows, sel, "customer_id"));
	} else {
		return UI_HANDLED;
	}
	lookup_remember(l);
	if (nv)
		ui_push(ui, nv);
	return UI_HANDLED | UI_REDRAW;
}

/* Enter on typed text that matches several: not the first of them (the
 * wrong Ångström), but the list, to choose from. */
static int
lookup_choose(struct lookup_view *l)
{
	char k[16];

	l->list_focus = true;
	ui_message(l->v.ui, UI_EL_HINT, "%d%s match: choose one (Up, Down), then %s.", l->rows.n,
		   l->more ? "+" : "", ui_keymap_key(&l->v.ui->km, UI_ACT_OPEN, k, sizeof k));
	return UI_HANDLED | UI_REDRAW;
}

static void
lookup_maybe_more(struct lookup_view *l)
{
	/* fetch the next page before the selection reaches the end */
	if (!lookup_suggesting(l) && l->more && l->list.sel >= l->rows.n - l->list.height - 5)
		lookup_send(l, true);
}

/* The lookup line has the focus: what is typed goes there, with the
 * line editor's keys (Home, End, C-a ... as in every field); Esc and Tab
 * move to the list, where keys are actions (q back, ? help, j down). */
static int
lookup_line_key(struct lookup_view *l, int key, int action)
{
	bool changed = false;
	int flags;

	if (action == UI_ACT_CLEAR || !ui_input_is_edit_key(key))
		return UI_UNHANDLED;
	flags = ui_input_key(&l->in, key, &changed);
	if (!(flags & UI_HANDLED))
		return UI_UNHANDLED;
	if (l->in.overflow) {
		ui_message(l->v.ui, UI_EL_WARNING, "The lookup line takes at most %d characters.",
			   ui_input_limit(&l->in));
		l->in.overflow = false;
	}
	if (changed)
		lookup_changed(l);
	return flags | UI_REDRAW;
}

static int
lookup_key(struct view *v, int key, int action)
{
	struct lookup_view *l = lv(v);
	int flags;

	if (l->list_focus && ui_key_is_text(key) && action == UI_ACT_NONE)
		l->list_focus = false;    /* a letter that is no key: typing again */
	if (!l->list_focus && (action == UI_ACT_UP || action == UI_ACT_DOWN) &&
	    (l->in.len == 0 || l->recent_at >= 0) && l->nrecent > 0) {
		/* the recent lookups, in an empty line (or while going through them) */
		int at = l->recent_at + (action == UI_ACT_UP ? 1 : -1);

		if (at >= l->nrecent)
			return UI_HANDLED;
		if (at < 0)
			ui_input_clear(&l->in);
		else
			ui_input_set(&l->in, l->recent[at]);
		lookup_changed(l);
		l->recent_at = at < 0 ? -1 : at;
		return UI_HANDLED | UI_REDRAW;
	}
	if (!l->list_focus && (flags = lookup_line_key(l, key, action)) & UI_HANDLED) {
		l->recent_at = -1;        /* edited: no longer a recent one */
		return flags;
	}
	switch (action) {
	case UI_ACT_OPEN:
		if (!lookup_current(l)) {
			/* Enter before the answer for this text: ask now (no
			 * debounce) and open when it is in, never the old rows */
			if (l->v.timer_at || !ui_query_pending(v->ui, v, -1)) {
				ui_timer(v, 0);
				lookup_tick(v);
			}
			l->open_pending = true;
			/* what is typed next is for what opens: it waits for it */
			ui_hold_keys(v);
			return UI_HANDLED | UI_REDRAW;
		}
		if (!l->list_focus && !lookup_suggesting(l) && l->rows.n > 1)
			return lookup_choose(l);
		return lookup_open_selected(l);
	case UI_ACT_EXPORT: return ui_export_lookup(v->ui, &l->q);
	case UI_ACT_NEXT_FIELD:
		l->list_focus = !l->list_focus;
		return UI_HANDLED | UI_REDRAW;
	case UI_ACT_CLEAR:
		ui_input_clear(&l->in);
		lookup_changed(l);
		l->list_focus = false;
		return UI_HANDLED | UI_REDRAW;
	case UI_ACT_BACK:
		if (key == UI_KEY_ESC && !l->list_focus) {
			l->list_focus = true;     /* Esc: from the line to the list */
			return UI_HANDLED | UI_REDRAW;
		}
		return UI_UNHANDLED;
	case UI_ACT_COPY: {
		const struct row_set *rs = lookup_shown(l);
		int sel = l->list.sel;

		if (sel < 0 || sel >= rs->n)
			return ui_copy(v->ui, "", "");
		if (lookup_is_customer(rs, sel))
			return ui_copy(v->ui, "the e-mail", row_set_get(rs, sel, "email"));
		return ui_copy(v->ui, "the order number", row_set_get(rs, sel, "order_no"));
	}
	case UI_ACT_SEARCH:
		l->list_focus = false;
		ui_input_select_all(&l->in);
		return UI_HANDLED | UI_REDRAW;
	default:
		break;
	}
	flags = ui_list_action(&l->list, action);
	if (flags & UI_HANDLED)
		lookup_maybe_more(l);
	return flags;
}

static int
lookup_paste(struct view *v, const char *text)
{
	struct lookup_view *l = lv(v);

	l->list_focus = false;
	if (ui_input_paste(&l->in, text, false) > 0)
		ui_message(v->ui, UI_EL_WARNING, "Cut to %d characters: the lookup line takes no more.",
			   ui_input_limit(&l->in));
	l->in.overflow = false;
	lookup_changed(l);
	return UI_HANDLED | UI_REDRAW;
}

static bool
lookup_typing(struct view *v)
{
	return !lv(v)->list_focus;
}

void
view_lookup_focus(struct view *v)
{
	lv(v)->list_focus = false;
	ui_input_select_all(&lv(v)->in);    /* a new lookup: typing replaces it */
}

bool
view_lookup_untouched(struct view *v)
{
	struct lookup_view *l = lv(v);

	return l->in.len == 0 && !l->v.timer_at && !ui_query_pending(v->ui, v, -1);
}

static int
lookup_result(struct view *v, int tag, struct db_result *res, const struct oms_error *err)
{
	struct lookup_view *l = lv(v);
	struct oms_error perr;
	bool want_open = false;
	int n;

	if (!ui_query_pending(v->ui, v, -1))
		l->loading = false;
	if (tag >= TAG_SUGGEST) {
		l->suggest_wait--;
		if (res && l->srows.n < LOOKUP_MAX_SUGGEST &&
		    row_set_read(&l->srows, res, false, &perr) > 0)
			ui_list_set_count(&l->list, l->srows.n);
		if (l->open_pending && lookup_current(l)) {
			/* a mistyped number: open only an unambiguous suggestion */
			l->open_pending = false;
			if (l->srows.n == 1)
				return lookup_open_selected(l) | UI_REDRAW;
		}
		return UI_REDRAW;
	}
	if (tag == TAG_FIRST) {
		want_open = l->open_pending;
		l->open_pending = false;
	}
	if (!res) {
		if (err->status != OMS_DB_GONE)
			ui_message_error(v->ui, err);
		if (tag == TAG_FIRST)
			l->sent_text[0] = '\0';
		return UI_REDRAW;
	}
	oms_error_clear(&perr);
	/* the first page in place of the rows, a further page after them */
	n = row_set_read(&l->rows, res, tag == TAG_FIRST, &perr);
	if (n < 0) {
		ui_message_error(v->ui, &perr);
		return UI_REDRAW;
	}
	if (tag == TAG_FIRST)
		ui_list_init(&l->list, true);
	l->searched = true;
	l->more = n == LOOKUP_PAGE;
	ui_list_set_count(&l->list, l->rows.n);
	if (tag == TAG_FIRST)   /* bench: from this query's send to its rows on the screen */
		ui_bench_after_draw("lookup", lookup_kind_name(l->sent_kind), 0);
	if (want_open && l->rows.n == 1)   /* else "nothing found" says why */
		return lookup_open_selected(l) | UI_REDRAW;
	if (want_open && l->rows.n > 1)
		return lookup_choose(l);
	return UI_REDRAW;
}

/* The list's columns, one space between each. A customer row puts its
 * e-mail across the Status and Placed columns and its phone under Total. */
struct lookup_cols {
	int no, name, status, date, total;
};

static struct lookup_cols
lookup_columns(int w)
{
	struct lookup_cols c = { .no = 9, .status = w >= 76 ? 19 : 12, .date = 10, .total = 12 };

	/* wider than 80: half of it to the status (a customer's e-mail) */
	if (w > 80)
		c.status += (w - 80) / 2;

	c.name = w - c.no - c.status - c.date - c.total - 4;
	if (c.name < 8)
		c.name = 8;
	return c;
}

static void
lookup_cell(struct ui_line *line, const char *text, int w, bool right, bool gap)
{
	ui_line_cell(line, text ? text : "", w, right);
	if (gap)
		ui_line_add(line, " ", 1);
}

/* A list of customers only (an e-mail, a phone or a name): name, e-mail,
 * phone, the city and the last order's date, so that similar names are
 * told apart (issue 13). At 80 columns all five; wider, the e-mail gets
 * half of what is more, the name and the city a quarter each; under 76
 * the last order's date gives way (the city stays: what a caller is asked
 * first). */
struct lookup_ccols {
	int name, email, phone, city, last;
};

#define LOOKUP_PHONE_W 15        /* "+1 555-010-0199", "+44 7700 900187" */

static struct lookup_ccols
lookup_customer_columns(int w)
{
	struct lookup_ccols c = { .phone = LOOKUP_PHONE_W, .city = 10 };

	if (w >= 76) {
		int extra = w > 80 ? w - 80 : 0;

		c.last = 10;
		c.name = 21 - (80 - w > 0 ? 80 - w : 0) / 2 + extra / 4;
		c.city += extra / 4;
		c.email = w - c.name - c.phone - c.city - c.last - 4;
	} else {
		c.name = (w - c.phone - c.city - 3) * 7 / 15;
		c.email = w - c.name - c.phone - c.city - 3;
	}
	if (c.name < 6)
		c.name = 6;
	if (c.email < 6)
		c.email = 6;
	return c;
}

static void
lookup_customer_row(struct ui_line *line, const struct row_set *s, int row, int w)
{
	struct lookup_ccols c = lookup_customer_columns(w);
	char buf[64];

	lookup_cell(line, row_set_get(s, row, "full_name"), c.name, false, true);
	lookup_cell(line, row_set_get(s, row, "email"), c.email, false, true);
	lookup_cell(line, phone_format(row_set_get(s, row, "phone"), buf, sizeof buf), c.phone, false,
		    true);
	lookup_cell(line, row_set_get(s, row, "city"), c.city, false, c.last > 0);
	if (c.last > 0) {
		ui_fmt_date(row_set_get(s, row, "last_order_at"), buf, sizeof buf);
		lookup_cell(line, buf, c.last, false, false);
	}
}

static void
lookup_row_draw(void *arg, int row, int w, struct ui_line *line, enum ui_element *el)
{
	struct lookup_view *l = arg;
	struct lookup_cols c = lookup_columns(w);
	const struct row_set *s = lookup_shown(l);
	char buf[64];

	if (l->all_customers) {
		lookup_customer_row(line, s, row, w);
		return;
	}
	if (lookup_is_customer(s, row)) {
		lookup_cell(line, "Customer", c.no, false, true);
		/* the phone as its country writes it takes 3 more columns: from
		 * the name while it keeps 14, else from the e-mail */
		int from_name = c.name >= 17 ? 3 : 0;

		lookup_cell(line, row_set_get(s, row, "full_name"), c.name - from_name, false, true);
		lookup_cell(line, row_set_get(s, row, "email"), c.status + 1 + c.date - 3 + from_name,
			    false, true);
		lookup_cell(line, phone_format(row_set_get(s, row, "phone"), buf, sizeof buf),
			    c.total + 3, true, false);
		return;
	}
	lookup_cell(line, row_set_get(s, row, "order_no"), c.no, false, true);
	lookup_cell(line, row_set_get(s, row, "full_name"), c.name, false, true);
	/* a flagged shipment marks the status (issue 13) */
	ui_list_status_cell(line, row_set_get(s, row, "status"), row_set_bool(s, row, "stuck"), c.status);
	ui_line_add(line, " ", 1);
	ui_fmt_date(row_set_get(s, row, "placed_at"), buf, sizeof buf);
	lookup_cell(line, buf, c.date, false, true);
	lookup_cell(line, row_set_text(s, row, "total_minor", buf, sizeof buf), c.total, true, false);
	*el = ui_theme_status_element(row_set_get(s, row, "status"));
}

/* The header fits what the list holds: orders, customers, or both. */
static void
lookup_header(const struct lookup_view *l, int w, struct ui_line *head)
{
	struct lookup_cols c = lookup_columns(w);
	int n = lookup_count(l), ncust = 0;

	for (int i = 0; i < n; i++)
		ncust += lookup_is_customer(lookup_shown(l), i);
	if (n > 0 && ncust == n) {
		struct lookup_ccols cc = lookup_customer_columns(w);

		lookup_cell(head, "Name", cc.name, false, true);
		lookup_cell(head, "E-mail", cc.email, false, true);
		lookup_cell(head, "Phone", cc.phone, false, true);
		lookup_cell(head, "City", cc.city, false, cc.last > 0);
		if (cc.last > 0)
			lookup_cell(head, "Last order", cc.last, false, false);
		return;
	}
	lookup_cell(head, "Number", c.no, false, true);
	lookup_cell(head, "Name", c.name, false, true);
	lookup_cell(head, ncust ? "Status/e-mail" : "Status", c.status, false, true);
	lookup_cell(head, "Placed", c.date, false, true);
	lookup_cell(head, ncust ? "Total/phone" : "Total", c.total, true, false);
}

static void
lookup_draw_hint(struct lookup_view *l, int y, int w)
{
	struct ui *ui = l->v.ui;
	char buf[600], count[80] = "";

	if (l->in.len == 0) {
		ui_draw_text(y, 0, w, UI_EL_HINT, " Order number, e-mail, phone, tracking number or name");
		return;
	}
	if (l->qst != OMS_OK) {
		snprintf(buf, sizeof buf, " %s", l->qerr);
		ui_draw_text(y, 0, w, UI_EL_ERROR, buf);
		return;
	}
	if (l->q.check_failed) {
		const char *dash = ui->ascii ? "--" : "\xe2\x80\x94";
		size_t used;

		if (l->suggest_wait > 0 && l->srows.n == 0) {
			snprintf(buf, sizeof buf, " Check digit wrong %s looking for similar numbers...", dash);
		} else if (l->srows.n == 0) {
			snprintf(buf, sizeof buf, " Check digit wrong %s no order has a similar number", dash);
		} else {
			used = (size_t)snprintf(buf, sizeof buf, " Check digit wrong %s did you mean ", dash);
			for (int i = 0; i < l->srows.n && used < sizeof buf; i++)
				used += (size_t)snprintf(buf + used, sizeof buf - used, "%s%lld",
							 i == 0 ? "" : (i == l->srows.n - 1 ? " or " : ", "),
							 row_set_ll(&l->srows, i, "order_no"));
			if (used < sizeof buf)
				snprintf(buf + used, sizeof buf - used, "?");
		}
		ui_draw_text(y, 0, w, UI_EL_WARNING, buf);
		return;
	}
	if (l->q.kind == LOOKUP_NONE) {
		ui_draw_text(y, 0, w, UI_EL_HINT, l->q.hint[0] ? l->q.hint : " Keep typing...");
		return;
	}
	if (l->loading || l->v.timer_at)
		snprintf(count, sizeof count, "searching...");
	else if (l->searched && l->rows.n == 0)
		snprintf(count, sizeof count, "nothing found");
	else if (l->searched && l->rows.n > l->list.height && l->list.height > 0) {
		/* more than the screen shows: which of them are on it */
		int last = l->list.top + l->list.height < l->rows.n ? l->list.top + l->list.height : l->rows.n;

		/* and whether rows follow, as the other lists say it (issue 13) */
		snprintf(count, sizeof count, "%d-%d of %d%s found  %s", l->list.top + 1, last, l->rows.n,
			 l->more ? "+" : "", last < l->rows.n || l->more ? "More..." : "Bottom");
	} else if (l->searched)
		snprintf(count, sizeof count, "%d%s found", l->rows.n, l->more ? "+" : "");
	{
		struct ui_line line;
		int cw = ui_width(count);

		ui_line_init(&line, ui->ascii);
		ui_line_add(&line, " ", 1);
		ui_line_add(&line, l->q.hint[0] ? l->q.hint : lookup_kind_name(l->q.kind), w - cw - 3);
		ui_line_pad(&line, w - cw - 1);
		ui_line_add(&line, count, cw);
		ui_draw_line(y, 0, w, UI_EL_HINT, &line);
		ui_line_free(&line);
	}
}

static void
lookup_draw(struct view *v, struct ui_rect r)
{
	struct lookup_view *l = lv(v);
	struct ui *ui = v->ui;
	struct ui_rect lr;
	struct ui_line head;

	/* where the keys go, said on the screen: the line (typing) or the
	 * list (keys act); the keys named as bound now */
	{
		char tag[64], k[16];
		int tw;

		ui_keymap_key(&ui->km, UI_ACT_SEARCH, k, sizeof k);
		if (l->list_focus)
			snprintf(tag, sizeof tag, r.w >= 70 ? " keys act here, %s: type " : " %s: type ", k);
		else
			snprintf(tag, sizeof tag, r.w >= 70 ? " typing, Esc: to the list " : " Esc: list ");
		tw = r.w >= 40 ? ui_width(tag) : 0;
		ui_draw_text(r.y, r.x, 7, l->list_focus ? UI_EL_DIM : UI_EL_HEADER, " Find: ");
		ui_input_draw(ui, &l->in, r.y, r.x + 7, r.w - 8 - tw);
		if (tw)
			ui_draw_text(r.y, r.x + r.w - tw, tw, UI_EL_DIM, tag);
	}
	if (l->list_focus) {
		ui->cursor_y = -1;
	}
	if (r.h < 2)
		return;
	if (r.h > 3)
		l->list.height = r.h - 3;     /* the hint says which rows show */
	lookup_draw_hint(l, r.y + 1, r.w);
	if (r.h < 4)
		return;
	if (l->in.len == 0 || lookup_count(l) == 0) {
		static const char *const help[] = {
			"",
			"  Type and the results appear as you type:",
			"    10000012              an order number (the check digit is verified)",
			"    Zoe@Example.com       an e-mail address (any case)",
			"    (555) 010-0199        a phone number, in any common form",
			"    1Z999AA10123456784    a shipment's tracking number",
			"    Nakamura              part of a customer's name",
			"",
			"  Enter opens the selected order or customer. Typing goes into the",
			"  Find line; Esc or Tab moves to the list, where q, ? and keys act.",
		};
		if (l->in.len > 0)
			return;
		for (int i = 0; i < (int)(sizeof help / sizeof help[0]) && i + 2 < r.h; i++)
			ui_draw_text(r.y + 2 + i, r.x, r.w, UI_EL_DIM, help[i]);
		return;
	}
	{
		int ncust = 0, n = lookup_count(l);

		for (int i = 0; i < n; i++)
			ncust += lookup_is_customer(lookup_shown(l), i);
		l->all_customers = n > 0 && ncust == n;
	}
	ui_line_init(&head, ui->ascii);
	if (ui->plain)
		ui_line_add(&head, " ", 1);
	lookup_header(l, r.w - (ui->plain ? 1 : 0), &head);
	ui_draw_line(r.y + 2, r.x, r.w, UI_EL_HEADER, &head);
	ui_line_free(&head);
	lr = (struct ui_rect){ r.y + 3, r.x, r.h - 3, r.w };
	ui_list_set_count(&l->list, lookup_count(l));
	ui_list_draw(ui, &l->list, lr, lookup_row_draw, l);
	if (l->list_focus && !ui->plain)
		ui->cursor_y = -1;
}

static int
lookup_resize(struct view *v, struct ui_rect r)
{
	struct lookup_view *l = lv(v);

	l->list.height = r.h - 3 > 0 ? r.h - 3 : 1;
	ui_list_set_count(&l->list, lookup_count(l));
	return UI_REDRAW;
}

static int
lookup_refresh(struct view *v)
{
	struct lookup_view *l = lv(v);

	l->sent_text[0] = '\0';
	l->sent_kind = LOOKUP_NONE;
	if (l->qst == OMS_OK && l->q.check_failed)
		lookup_send_suggestions(l);
	else if (l->qst == OMS_OK && l->q.kind != LOOKUP_NONE)
		lookup_send(l, false);
	return UI_HANDLED | UI_REDRAW;
}

static int
lookup_hints(struct view *v, int *acts, int max)
{
	struct lookup_view *l = lv(v);
	int n = 0;
	int want[] = { UI_ACT_OPEN, UI_ACT_NEXT_FIELD, UI_ACT_HELP, UI_ACT_QUIT };

	(void)l;
	for (size_t i = 0; i < sizeof want / sizeof want[0] && n < max; i++)
		acts[n++] = want[i];
	if (n < max && view_approvals_allowed(v->ui))
		acts[n++] = UI_ACT_APPROVALS;
	if (n < max && ui_screen_menu_count(v->ui) > 1)
		acts[n++] = UI_ACT_MENU;
	return n;
}

static void
lookup_close(struct view *v)
{
	struct lookup_view *l = lv(v);

	row_set_free(&l->rows);
	row_set_free(&l->srows);
	free(l);
}

static const struct view_ops lookup_ops = {
	.name = "Lookup",
	.screen = UI_SCREEN_LOOKUP,
	.close = lookup_close,
	.draw = lookup_draw,
	.key = lookup_key,
	.resize = lookup_resize,
	.reload = lookup_refresh,
	.result = lookup_result,
	.tick = lookup_tick,
	.hints = lookup_hints,
	.paste = lookup_paste,
	.typing = lookup_typing,
};

struct view *
view_lookup_new(struct ui *ui)
{
	struct lookup_view *l = calloc(1, sizeof *l);

	if (!l)
		return NULL;
	l->v.ops = &lookup_ops;
	l->v.ui = ui;
	ui_list_init(&l->list, true);
	row_set_init(&l->rows, &row_lookup);
	row_set_init(&l->srows, &row_lookup);
	l->in.max = LOOKUP_MAXCHARS;
	l->qst = OMS_OK;
	l->recent_at = -1;
	return &l->v;
}
