/* Customer: profile, addresses, lifetime figures and open tickets on top
 * (oms_api.customer_card_json), then the complete order history, newest first,
 * paged by keyset and fetched ahead of the selection. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "date_words.h"
#include "doc.h"
#include "export.h"
#include "form.h"
#include "input.h"
#include "list_find.h"
#include "pick.h"
#include "screens.h"
#include "app/phone_format.h"
#include "clipboard.h"
#include "view_recent.h"
#include "view_tickets.h"
#include "views.h"

#define HISTORY_PAGE 60

enum { TAG_CARD = 1, TAG_FIRST, TAG_MORE };
enum prompt { PROMPT_NONE, PROMPT_FROM, PROMPT_TO };

struct customer_view {
	struct view v;
	long long id;
	json_t *card;
	bool failed;
	char errmsg[512];
	struct history_filter filter;
	struct row_set rows;       /* row_history */
	int nrows;
	bool more, loaded;
	bool hist_failed;          /* the first page of this filter did not come */
	bool want_last;            /* End pressed: load every page, then go there */
	struct ui_list list;
	struct ui_doc head;
	enum prompt prompt;
	struct ui_form form;       /* the prompt: its one field, `in` */
	struct ui_input in;
	char from[11];
	struct ui_list_find find;  /* / within the orders loaded */
};

static struct customer_view *
cv(struct view *v)
{
	return (struct customer_view *)v;
}

static void
money(const json_t *o, const char *cur, char *buf, size_t len, const char *key)
{
	money_format(jll(o, key), cur, buf, len);
}

static void
customer_build_head(struct customer_view *c)
{
	struct ui_doc *d = &c->head;
	json_t *fig, *addrs, *tickets, *a, *t;
	const char *cur;
	char buf[800], m1[48], m2[48], d1[16], d2[16], d3[16], ph[48];
	size_t i, ndef = 0, nopen = 0;

	doc_clear(d);
	if (!c->card) {
		if (c->failed)
			doc_wrap(d, UI_EL_ERROR, 0, c->errmsg);
		else
			doc_add(d, UI_EL_DIM, "Loading...");
		return;
	}
	fig = json_object_get(c->card, "figures");
	cur = js(fig, "currency");
	ui_fmt_date(js(c->card, "created_at"), d1, sizeof d1);
	snprintf(buf, sizeof buf, "%s  customer %s  since %s", js(c->card, "full_name"),
		 js(c->card, "id"), d1);
	doc_add(d, UI_EL_HEADER, buf);
	snprintf(buf, sizeof buf, "%s  %s", js(c->card, "email"),
		 phone_format(js(c->card, "phone"), ph, sizeof ph));
	doc_add(d, UI_EL_NORMAL, buf);
	money(fig, cur, m1, sizeof m1, "spend_minor");
	money(fig, cur, m2, sizeof m2, "refunds_minor");
	ui_fmt_date(js(fig, "first_order_at"), d2, sizeof d2);
	ui_fmt_date(js(fig, "last_order_at"), d3, sizeof d3);
	snprintf(buf, sizeof buf, "Orders %s, spend %s, cancellations %s, refunds %s, first %s, last %s",
		 js(fig, "orders"), m1, js(fig, "cancellations"), m2, *d2 ? d2 : "-", *d3 ? d3 : "-");
	doc_wrap(d, UI_EL_NORMAL, 2, buf);
	addrs = json_object_get(c->card, "addresses");
	json_array_foreach(addrs, i, a) {
		if (!json_is_true(json_object_get(a, "is_default")) && !(ndef == 0 && i + 1 == json_array_size(addrs)))
			continue;
		if (ndef++)
			break;
		/* wrapped, so that a narrow screen keeps the postcode (issue 13) */
		doc_wrapf(d, UI_EL_NORMAL, 2, "Address (%s): %s%s%s, %s, %s %s, %s%s", js(a, "label"),
			 js(a, "line1"), *js(a, "line2") ? ", " : "", js(a, "line2"), js(a, "city"),
			 js(a, "region"), js(a, "postal_code"), js(a, "country"),
			 json_array_size(addrs) > 1 ? "" : "");
	}
	if (json_array_size(addrs) > 1) {
		char k[16];

		/* each opens on its own screen (issue 13) */
		ui_keymap_key(&c->v.ui->km, UI_ACT_ADDRESSES, k, sizeof k);
		doc_addf(d, UI_EL_DIM, "  and %zu more address%s (%s: every address)", json_array_size(addrs) - 1,
			 json_array_size(addrs) > 2 ? "es" : "", k[0] ? k : "addresses");
	}
	tickets = json_object_get(c->card, "tickets");
	json_array_foreach(tickets, i, t) {
		/* the card lists recent tickets; the CSR needs the open ones */
		if (strcmp(js(t, "status"), "resolved") == 0 || strcmp(js(t, "status"), "closed") == 0)
			continue;
		if (nopen++ >= 2)
			continue;
		/* the order only when the subject does not name it already */
		{
			const char *ono = js(t, "order_no");
			bool named = !*ono || strstr(js(t, "subject"), ono);

			snprintf(buf, sizeof buf, "Ticket #%s (%s, %s) %s%s%s", js(t, "id"), js(t, "status"),
				 js(t, "priority"), js(t, "subject"), named ? "" : ", order ",
				 named ? "" : ono);
		}
		doc_add(d, UI_EL_WARNING, buf);
	}
	{
		/* every ticket, open and closed, opens on its own screen (issue 13) */
		char k[16], more[64];
		size_t nall = json_array_size(tickets);

		ui_keymap_key(&c->v.ui->km, UI_ACT_TICKETS, k, sizeof k);
		more[0] = '\0';
		if (nall > 0)
			snprintf(more, sizeof more, " (%s: all %zu tickets)", k[0] ? k : "tickets", nall);
		if (nopen > 2)
			doc_addf(d, UI_EL_DIM, "  and %zu more open tickets%s", nopen - 2, more);
		else if (nopen == 0)
			doc_addf(d, UI_EL_DIM, "No open tickets%s.", more);
		/* (one or two open: no line more, the history keeps its rows;
		 * the keys line and the help name the key) */
	}
}

static void
customer_send(struct customer_view *c, bool more)
{
	struct app_stmt st;

	if (more && (!c->more || c->nrows == 0 || ui_query_pending(c->v.ui, &c->v, TAG_MORE)))
		return;
	customer_orders_stmt(c->id, &c->filter, more ? row_set_ll(&c->rows, c->nrows - 1, "order_no") : 0,
			     HISTORY_PAGE, &st);
	if (!more)
		ui_query_drop(c->v.ui, &c->v, TAG_MORE);
	ui_query(c->v.ui, &c->v, more ? TAG_MORE : TAG_FIRST, &st);
	if (more)
		ui_hold_keys(&c->v);   /* 200 j typed at once go down 200 rows */
}

static void
customer_load(struct customer_view *c)
{
	struct app_stmt st;

	customer_card_stmt(c->id, &st);
	ui_query(c->v.ui, &c->v, TAG_CARD, &st);
	customer_send(c, false);
}

static int
customer_open(struct view *v)
{
	customer_load(cv(v));
	return UI_REDRAW;
}

static int
customer_refresh(struct view *v)
{
	customer_load(cv(v));
	return UI_HANDLED | UI_REDRAW;
}

static void
customer_prefetch(struct customer_view *c)
{
	/* ask for the next page while a screenful or two is still left */
	if (c->more && c->list.sel >= c->nrows - 2 * c->list.height - 10)
		customer_send(c, true);
}

static int
customer_result(struct view *v, int tag, struct db_result *res, const struct oms_error *err)
{
	struct customer_view *c = cv(v);
	struct oms_error perr;
	int n;

	oms_error_clear(&perr);
	if (!res) {
		if (err->status == OMS_DB_GONE)
			return UI_REDRAW;
		if (tag == TAG_CARD) {
			c->failed = !c->card;
			snprintf(c->errmsg, sizeof c->errmsg, "%s",
				 err->status == OMS_DB ? "The customer could not be loaded." : err->msg);
			customer_build_head(c);
		} else if (tag == TAG_FIRST) {
			/* the rows of the previous filter must not stand under
			 * this one's title (a query cancelled with Esc) */
			row_set_free(&c->rows);
			c->nrows = 0;
			c->more = false;
			c->loaded = true;
			c->hist_failed = true;
			ui_list_set_count(&c->list, 0);
		} else {
			c->want_last = false;
		}
		ui_message_error(v->ui, err);
		return UI_REDRAW;
	}
	if (tag == TAG_CARD) {
		json_t *card = app_doc_parse(res, &perr);
		if (!card) {
			c->failed = true;
			snprintf(c->errmsg, sizeof c->errmsg, "%s", perr.status == OMS_NOT_FOUND ?
				 "This customer was not found." : perr.msg);
		} else {
			if (!c->card)     /* opened now, not a reload */
				ui_recent_note(true, c->id, js(card, "full_name"));
			json_decref(c->card);
			c->card = card;
			c->failed = false;
		}
		customer_build_head(c);
		return UI_REDRAW | UI_RELAYOUT;
	}
	n = row_set_read(&c->rows, res, tag == TAG_FIRST, &perr);
	if (n < 0) {
		ui_message_error(v->ui, &perr);
		return UI_REDRAW;
	}
	c->nrows = c->rows.n;
	if (tag == TAG_FIRST) {
		int sel = c->loaded && !c->hist_failed ? c->list.sel : 0;
		c->hist_failed = false;
		ui_list_init(&c->list, true);
		c->list.sel = sel;
	}
	c->loaded = true;
	c->more = n == HISTORY_PAGE;
	ui_list_set_count(&c->list, c->nrows);
	if (c->want_last && c->more) {
		customer_send(c, true);
	} else if (c->want_last) {
		c->want_last = false;
		ui_list_action(&c->list, UI_ACT_LAST);
	}
	customer_prefetch(c);
	return UI_REDRAW;
}

static void
history_row_draw(void *arg, int row, int w, struct ui_line *line, enum ui_element *el)
{
	struct customer_view *c = arg;

	ui_list_row_cells(line, &c->rows, row, w);
	*el = ui_theme_status_element(row_set_get(&c->rows, row, "status"));
}

/* How many header lines fit: the history keeps at least half the screen. */
static int
customer_head_rows(const struct customer_view *c, int h)
{
	int max = h / 2 - 1;

	if (max < 2)
		max = 2;
	return c->head.n < max ? c->head.n : max;
}

static void
customer_draw(struct view *v, struct ui_rect r)
{
	struct customer_view *c = cv(v);
	struct ui *ui = v->ui;
	int hr = customer_head_rows(c, r.h), y;
	char title[200], pos[48];
	struct ui_line l;

	for (int i = 0; i < hr; i++)
		ui_draw_text(r.y + i, r.x, r.w, c->head.lines[i].el, c->head.lines[i].text);
	y = r.y + hr;
	if (y + 3 > r.y + r.h)
		return;
	/* the rows the list shows, before the title says which they are */
	c->list.height = r.y + r.h - (y + 2) - (c->prompt || c->find.open ? 1 : 0);
	if (c->list.height < 1)
		c->list.height = 1;
	ui_list_set_count(&c->list, c->nrows);
	{
		/* unfiltered, the count is the header's (every order), so the
		 * two agree before every page is loaded (issue 13) */
		bool all = !c->filter.status[0] && !c->filter.from[0] && !c->filter.to[0];
		long long total = all && c->card && c->more ?
			jll(json_object_get(c->card, "figures"), "orders") : -1;

		ui_list_indicator(&c->list, pos, sizeof pos, total, c->more);
	}
	snprintf(title, sizeof title, "Orders, newest first (%s%s%s%s%s%s) %s",
		 c->filter.status[0] ? ui_status_filter_words(c->filter.status) :
		 c->filter.from[0] || c->filter.to[0] ? "" : "any status",
		 c->filter.status[0] && (c->filter.from[0] || c->filter.to[0]) ? ", " : "",
		 c->filter.from[0] ? c->filter.from : "", c->filter.from[0] || c->filter.to[0] ? ".." : "",
		 c->filter.to[0] ? c->filter.to : "", "",
		 c->hist_failed ? "not loaded" : c->loaded ? pos : "loading");
	ui_draw_section(ui, y++, r.x, r.w, title);
	ui_line_init(&l, ui->ascii);
	if (ui->plain)
		ui_line_add(&l, " ", 1);
	ui_list_row_heading(&l, c->rows.d, r.w - (ui->plain ? 1 : 0));
	ui_draw_line(y++, r.x, r.w, UI_EL_HEADER, &l);
	ui_line_free(&l);
	{
		struct ui_rect lr = { y, r.x, r.y + r.h - y - (c->prompt || c->find.open ? 1 : 0), r.w };
		if (c->hist_failed) {
			char key[32], msg[96];

			ui_keymap_key(&ui->km, UI_ACT_REFRESH, key, sizeof key);
			snprintf(msg, sizeof msg, "  The orders were not loaded; %s tries again.",
				 key[0] ? key : "refresh");
			ui_draw_text(y, r.x, r.w, UI_EL_DIM, msg);
		} else if (c->loaded && c->nrows == 0)
			ui_draw_text(y, r.x, r.w, UI_EL_DIM, "  No orders match.");
		else
			ui_list_draw(ui, &c->list, lr, history_row_draw, c);
	}
	if (c->prompt) {
		const char *label = c->prompt == PROMPT_FROM ? " From (YYYY-MM-DD, -7d..., empty: any): " :
							       " To (YYYY-MM-DD, today..., empty: any): ";
		ui_form_draw_prompt(&c->form, r.y + r.h - 1, r.x, r.w, label);
	} else if (c->find.open) {
		ui_list_find_draw(&c->find, r.y + r.h - 1, r.x, r.w);
	}
}

static int
customer_resize(struct view *v, struct ui_rect r)
{
	struct customer_view *c = cv(v);

	if (c->head.width != r.w) {
		c->head.width = r.w;
		customer_build_head(c);
	}
	c->list.height = r.h - customer_head_rows(c, r.h) - 2;
	ui_list_set_count(&c->list, c->nrows);
	return UI_REDRAW;
}

/* The status filter's menu picked a value (a group or a status; ui/pick.h):
 * the history again from its first page, filtered in the database. */
static int
customer_pick_status(struct view *v, const char *value)
{
	struct customer_view *c = cv(v);

	c->want_last = false;
	snprintf(c->filter.status, sizeof c->filter.status, "%s", value);
	c->loaded = false;
	c->list.sel = 0;
	customer_send(c, false);
	return UI_HANDLED | UI_REDRAW;
}

/* The From and To prompts are a form of one field with no confirm step:
 * confirm takes the date, close leaves the filter as it was. Their keys are
 * the dialog scope's (v.dialog_keys). */
static int
customer_prompt_key(struct customer_view *c, int key, int action)
{
	enum ui_form_event ev;
	int flags = ui_form_key(&c->form, key, action, &ev);

	if (ev == UI_FORM_CLOSE) {
		c->prompt = PROMPT_NONE;
		c->v.dialog_keys = false;
		return UI_HANDLED | UI_REDRAW;
	}
	if (ev == UI_FORM_NONE)
		return action == UI_ACT_QUIT || action == UI_ACT_HELP ? flags : UI_HANDLED;
	if (ev != UI_FORM_CHECK && ev != UI_FORM_SEND)
		return flags;
	if (c->in.len > 0) {
		/* words (today, -7d, this month) become the date they mean */
		time_t now = time(NULL);
		struct tm tm;
		char day[16];
		enum ui_date_check dc;

		localtime_r(&now, &tm);
		dc = ui_date_words(c->in.buf, c->prompt == PROMPT_FROM ? UI_DATE_FROM : UI_DATE_TO,
				   tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, day, sizeof day);
		if (dc == UI_DATE_SHAPE) {
			ui_message(c->v.ui, UI_EL_ERROR, "Dates are written YYYY-MM-DD, e.g. 2024-05-31, or today, "
				   "-7d, last month.");
			return UI_HANDLED | UI_REDRAW;
		}
		if (dc == UI_DATE_NO_DAY) {
			ui_message(c->v.ui, UI_EL_ERROR, "There is no such day: %s.", c->in.buf);
			return UI_HANDLED | UI_REDRAW;
		}
		ui_input_set(&c->in, day);
	}
	if (c->prompt == PROMPT_TO && c->from[0] && c->in.len > 0 && strcmp(c->from, c->in.buf) > 0) {
		ui_message(c->v.ui, UI_EL_ERROR, "The range ends before it starts.");
		return UI_HANDLED | UI_REDRAW;
	}
	if (c->prompt == PROMPT_FROM) {
		snprintf(c->from, sizeof c->from, "%s", c->in.buf);
		ui_input_set(&c->in, c->filter.to);
		ui_input_select_all(&c->in);
		c->prompt = PROMPT_TO;
		return UI_HANDLED | UI_REDRAW;
	}
	snprintf(c->filter.from, sizeof c->filter.from, "%s", c->from);
	snprintf(c->filter.to, sizeof c->filter.to, "%s", c->in.buf);
	c->prompt = PROMPT_NONE;
	c->v.dialog_keys = false;
	c->loaded = false;
	customer_send(c, false);
	return UI_HANDLED | UI_REDRAW;
}

static int
customer_key(struct view *v, int key, int action)
{
	struct customer_view *c = cv(v);
	struct view *nv;
	int flags;

	if (c->prompt)
		return customer_prompt_key(c, key, action);
	if (c->find.open) {
		flags = ui_list_find_key(&c->find, key, action, &c->list, history_row_draw, c);
		c->v.dialog_keys = c->find.open;
		customer_prefetch(c);
		return flags;
	}
	switch (action) {
	case UI_ACT_FIND_HISTORY:
		c->v.dialog_keys = true;
		return ui_list_find_start(&c->find);
	case UI_ACT_FIND_NEXT:
	case UI_ACT_FIND_PREV:
		flags = ui_list_find_next(&c->find, &c->list, action == UI_ACT_FIND_NEXT ? 1 : -1,
					  history_row_draw, c);
		customer_prefetch(c);
		return flags;
	case UI_ACT_OPEN:
		if (c->list.sel < 0 || c->list.sel >= c->nrows)
			return UI_HANDLED;
		nv = view_order_new(v->ui, row_set_ll(&c->rows, c->list.sel, "order_no"));
		if (nv)
			ui_push(v->ui, nv);
		return UI_HANDLED | UI_REDRAW;
	case UI_ACT_EXPORT: return ui_export_history(v->ui, c->id, &c->filter);
	case UI_ACT_FILTER_STATUS:
		/* a menu of the groups and statuses, not a cycle (issue 13) */
		nv = view_pick_new(v->ui, v, "Show the orders", ui_status_filter_items,
				   ui_status_filter_count, c->filter.status, UI_ACT_FILTER_STATUS,
				   customer_pick_status);
		if (nv)
			ui_push(v->ui, nv);
		return UI_HANDLED | UI_REDRAW;
	case UI_ACT_COPY:
		return ui_copy(v->ui, "the e-mail", c->card ? js(c->card, "email") : "");
	case UI_ACT_ADDRESSES:
	case UI_ACT_TICKETS:
		if (!c->card)
			return UI_HANDLED;
		nv = action == UI_ACT_ADDRESSES ? view_addresses_new(v->ui, c->card) : view_tickets_new(v->ui, c->card);
		if (nv)
			ui_push(v->ui, nv);
		return UI_HANDLED | UI_REDRAW;
	case UI_ACT_FILTER_DATES:
		c->prompt = PROMPT_FROM;
		c->v.dialog_keys = true;   /* Enter, Esc: the prompt's keys */
		ui_input_set(&c->in, c->filter.from);
		ui_input_select_all(&c->in);
		ui_form_focus(&c->form, 0);
		return UI_HANDLED | UI_REDRAW;
	case UI_ACT_LAST:
		if (c->more) {
			c->want_last = true;
			customer_send(c, true);
		}
		/* fall through */
	default:
		flags = ui_list_action(&c->list, action);
		if (flags & UI_HANDLED)
			customer_prefetch(c);
		return flags;
	}
}

static int
customer_hints(struct view *v, int *acts, int max)
{
	static const int want[] = { UI_ACT_OPEN, UI_ACT_FILTER_STATUS, UI_ACT_FILTER_DATES,
				    UI_ACT_BACK, UI_ACT_HELP };
	static const int prompt[] = { UI_ACT_CONFIRM, UI_ACT_CLOSE };
	const int *acts_of = cv(v)->prompt || cv(v)->find.open ? prompt : want;
	size_t count = cv(v)->prompt || cv(v)->find.open ? sizeof prompt / sizeof prompt[0] : sizeof want / sizeof want[0];
	int n = 0;

	for (size_t i = 0; i < count && n < max; i++)
		acts[n++] = acts_of[i];
	return n;
}

static int
customer_paste(struct view *v, const char *text)
{
	struct customer_view *c = cv(v);

	if (c->find.open)
		return ui_list_find_paste(&c->find, text);
	return c->prompt ? ui_form_paste(&c->form, text) : UI_HANDLED;
}

static const char *
customer_title(struct view *v, char *buf, size_t len)
{
	snprintf(buf, len, "%lld", cv(v)->id);
	return buf;
}

static void
customer_close(struct view *v)
{
	struct customer_view *c = cv(v);

	json_decref(c->card);
	row_set_free(&c->rows);
	doc_free(&c->head);
	free(c);
}

static bool
customer_typing(struct view *v)
{
	if (cv(v)->find.open)
		return ui_form_typing(&cv(v)->find.form);
	return cv(v)->prompt && ui_form_typing(&cv(v)->form);
}

static bool
customer_unsaved(struct view *v)
{
	return cv(v)->prompt && ui_form_unsaved(&cv(v)->form);
}

static const struct view_ops customer_ops = {
	.name = "Customer",
	.screen = UI_SCREEN_CUSTOMER,
	.open = customer_open,
	.close = customer_close,
	.draw = customer_draw,
	.key = customer_key,
	.resize = customer_resize,
	.reload = customer_refresh,
	.result = customer_result,
	.hints = customer_hints,
	.paste = customer_paste,
	.typing = customer_typing,
	.unsaved = customer_unsaved,
	.title = customer_title,
};

struct view *
view_customer_new(struct ui *ui, long long customer_id)
{
	struct customer_view *c = calloc(1, sizeof *c);

	if (!c)
		return NULL;
	row_set_init(&c->rows, &row_history);
	c->v.ops = &customer_ops;
	c->v.ui = ui;
	c->id = customer_id;
	ui_list_init(&c->list, true);
	ui_form_init(&c->form, ui, 0);
	ui_form_add(&c->form, UI_FIELD_TEXT, "Date", false);
	c->form.f[0].in = &c->in;
	ui_list_find_init(&c->find, ui);
	doc_init(&c->head, ui->cols, ui->ascii);
	customer_build_head(c);
	return &c->v;
}
