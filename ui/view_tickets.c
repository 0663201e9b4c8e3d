/* The customer's addresses and tickets (issue 13): the customer screen
 * shows the default address and the open tickets; a opens every address,
 * t every ticket (open, pending, resolved and closed, as `oms customer
 * show` lists them), and a ticket opens to its messages and its order. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "list.h"
#include "view_tickets.h"
#include "views.h"
#include "width.h"

/* --- every address ------------------------------------------------------- */

struct addresses_view {
	struct view v;
	json_t *card;              /* the customer card (a reference) */
	struct ui_doc doc;
};

static struct addresses_view *
av(struct view *v)
{
	return (struct addresses_view *)v;
}

static void
addresses_build(struct addresses_view *a)
{
	struct ui_doc *d = &a->doc;
	json_t *addrs = json_object_get(a->card, "addresses"), *x;
	size_t i;
	int top = d->scroll.top;

	doc_clear(d);
	doc_addf(d, UI_EL_HEADER, "%s  customer %s", js(a->card, "full_name"), js(a->card, "id"));
	doc_section(d, json_array_size(addrs) == 1 ? "1 address" : "Addresses, the default first");
	if (json_array_size(addrs) == 0)
		doc_add(d, UI_EL_DIM, "No address on file.");
	json_array_foreach(addrs, i, x) {
		if (i > 0)
			doc_add(d, UI_EL_NORMAL, "");
		doc_addf(d, UI_EL_HEADER, "%s%s", *js(x, "label") ? js(x, "label") : "(no label)",
			 json_is_true(json_object_get(x, "is_default")) ? "  (default)" : "");
		doc_wrapf(d, UI_EL_NORMAL, 2, "  %s%s%s", js(x, "line1"), *js(x, "line2") ? ", " : "",
			  js(x, "line2"));
		doc_wrapf(d, UI_EL_NORMAL, 2, "  %s, %s %s, %s", js(x, "city"), js(x, "region"),
			  js(x, "postal_code"), js(x, "country"));
	}
	d->scroll.top = top;
	ui_list_set_count(&d->scroll, d->n);
}

static void
addresses_draw(struct view *v, struct ui_rect r)
{
	doc_draw(v->ui, &av(v)->doc, r);
}

static int
addresses_resize(struct view *v, struct ui_rect r)
{
	struct addresses_view *a = av(v);

	if (a->doc.width != r.w) {
		a->doc.width = r.w;
		addresses_build(a);
	}
	a->doc.scroll.height = r.h;
	return UI_REDRAW;
}

static int
addresses_key(struct view *v, int key, int action)
{
	(void)key;
	if (action == UI_ACT_ADDRESSES)
		return UI_HANDLED | UI_POP;
	return ui_list_action(&av(v)->doc.scroll, action);
}

static int
addresses_hints(struct view *v, int *acts, int max)
{
	int n = 0;

	(void)v;
	if (n < max)
		acts[n++] = UI_ACT_BACK;
	if (n < max)
		acts[n++] = UI_ACT_HELP;
	return n;
}

static const char *
customer_title(const json_t *card, char *buf, size_t len)
{
	snprintf(buf, len, "%s", js(card, "id"));
	return buf;
}

static const char *
addresses_title(struct view *v, char *buf, size_t len)
{
	return customer_title(av(v)->card, buf, len);
}

static void
addresses_close(struct view *v)
{
	json_decref(av(v)->card);
	doc_free(&av(v)->doc);
	free(v);
}

static const struct view_ops addresses_ops = {
	.name = "Addresses",
	.close = addresses_close,
	.draw = addresses_draw,
	.key = addresses_key,
	.resize = addresses_resize,
	.hints = addresses_hints,
	.title = addresses_title,
};

struct view *
view_addresses_new(struct ui *ui, const json_t *card)
{
	struct addresses_view *a = calloc(1, sizeof *a);

	if (!a)
		return NULL;
	a->v.ops = &addresses_ops;
	a->v.ui = ui;
	a->card = json_deep_copy(card);
	doc_init(&a->doc, ui->cols, ui->ascii);
	addresses_build(a);
	return &a->v;
}

/* --- every ticket -------------------------------------------------------- */

struct tickets_view {
	struct view v;
	json_t *card;
	struct ui_list list;
};

static struct tickets_view *
tv(struct view *v)
{
	return (struct tickets_view *)v;
}

static void
tickets_row(void *arg, int row, int w, struct ui_line *line, enum ui_element *el)
{
	struct tickets_view *t = arg;
	json_t *k = json_array_get(json_object_get(t->card, "tickets"), (size_t)row);
	const char *st = js(k, "status");
	char id[24], day[16];

	snprintf(id, sizeof id, " #%s", js(k, "id"));
	ui_fmt_date(js(k, "created_at"), day, sizeof day);
	ui_line_cell(line, id, 7, false);
	ui_line_cell(line, st, 9, false);
	ui_line_cell(line, js(k, "priority"), 7, false);
	ui_line_cell(line, day, 11, false);
	ui_line_cell(line, *js(k, "order_no") ? js(k, "order_no") : "-", 10, false);
	ui_line_add(line, js(k, "subject"), w - line->w > 0 ? w - line->w : 0);
	/* open ones stand out; closed ones are there, quieter */
	*el = strcmp(st, "open") == 0 || strcmp(st, "pending") == 0 ? UI_EL_WARNING : UI_EL_NORMAL;
}

static void
tickets_draw(struct view *v, struct ui_rect r)
{
	struct tickets_view *t = tv(v);
	json_t *tickets = json_object_get(t->card, "tickets"), *k;
	size_t i, open = 0;
	char title[160], pos[64];
	struct ui_line l;

	json_array_foreach(tickets, i, k)
		open += strcmp(js(k, "status"), "open") == 0 || strcmp(js(k, "status"), "pending") == 0;
	if (r.h < 3)
		return;
	t->list.height = r.h - 2;
	ui_list_set_count(&t->list, (int)json_array_size(tickets));
	ui_list_indicator(&t->list, pos, sizeof pos, -1, false);
	snprintf(title, sizeof title, "Tickets, newest first (%zu open) %s", open, pos);
	ui_draw_section(v->ui, r.y, r.x, r.w, title);
	ui_line_init(&l, v->ui->ascii);
	ui_line_cell(&l, " #", 7, false);
	ui_line_cell(&l, "Status", 9, false);
	ui_line_cell(&l, "Prio", 7, false);
	ui_line_cell(&l, "Opened", 11, false);
	ui_line_cell(&l, "Order", 10, false);
	ui_line_add(&l, "Subject", r.w - l.w > 0 ? r.w - l.w : 0);
	ui_draw_line(r.y + 1, r.x, r.w, UI_EL_HEADER, &l);
	ui_line_free(&l);
	if (json_array_size(tickets) == 0) {
		ui_draw_text(r.y + 2, r.x, r.w, UI_EL_DIM, "  No tickets.");
		return;
	}
	ui_list_draw(v->ui, &t->list, (struct ui_rect){ r.y + 2, r.x, r.h - 2, r.w }, tickets_row, t);
}

static int
tickets_resize(struct view *v, struct ui_rect r)
{
	tv(v)->list.height = r.h - 2 > 0 ? r.h - 2 : 1;
	return UI_REDRAW;
}

static int
tickets_key(struct view *v, int key, int action)
{
	struct tickets_view *t = tv(v);
	json_t *tickets = json_object_get(t->card, "tickets");
	struct view *nv;

	(void)key;
	if (action == UI_ACT_TICKETS)
		return UI_HANDLED | UI_POP;
	if (action == UI_ACT_OPEN) {
		if (t->list.sel < 0 || (size_t)t->list.sel >= json_array_size(tickets))
			return UI_HANDLED;
		nv = view_ticket_new(v->ui, jll(json_array_get(tickets, (size_t)t->list.sel), "id"));
		if (nv)
			ui_push(v->ui, nv);
		return UI_HANDLED | UI_REDRAW;
	}
	return ui_list_action(&t->list, action);
}

static int
tickets_hints(struct view *v, int *acts, int max)
{
	static const int want[] = { UI_ACT_OPEN, UI_ACT_BACK, UI_ACT_HELP };
	int n = 0;

	(void)v;
	for (size_t i = 0; i < sizeof want / sizeof want[0] && n < max; i++)
		acts[n++] = want[i];
	return n;
}

static const char *
tickets_title(struct view *v, char *buf, size_t len)
{
	return customer_title(tv(v)->card, buf, len);
}

static void
tickets_close(struct view *v)
{
	json_decref(tv(v)->card);
	free(v);
}

static const struct view_ops tickets_ops = {
	.name = "Tickets",
	.close = tickets_close,
	.draw = tickets_draw,
	.key = tickets_key,
	.resize = tickets_resize,
	.hints = tickets_hints,
	.title = tickets_title,
};

struct view *
view_tickets_new(struct ui *ui, const json_t *card)
{
	struct tickets_view *t = calloc(1, sizeof *t);

	if (!t)
		return NULL;
	t->v.ops = &tickets_ops;
	t->v.ui = ui;
	t->card = json_deep_copy(card);
	ui_list_init(&t->list, true);
	ui_list_set_count(&t->list, (int)json_array_size(json_object_get(t->card, "tickets")));
	return &t->v;
}

/* --- one ticket ---------------------------------------------------------- */

enum { TAG_TICKET = 1 };

struct ticket_view {
	struct view v;
	long long id;
	json_t *card;
	bool failed;
	char errmsg[512];
	struct ui_doc doc;
};

static struct ticket_view *
kv(struct view *v)
{
	return (struct ticket_view *)v;
}

static void
ticket_build(struct ticket_view *k)
{
	struct ui_doc *d = &k->doc;
	json_t *m;
	size_t i;
	char t1[48], t2[48];
	int top = d->scroll.top;

	doc_clear(d);
	if (!k->card) {
		doc_add(d, k->failed ? UI_EL_ERROR : UI_EL_DIM, k->failed ? k->errmsg : "Loading...");
		return;
	}
	doc_addf(d, UI_EL_HEADER, "Ticket #%s  %s  %s priority", js(k->card, "id"), js(k->card, "status"),
		 js(k->card, "priority"));
	ui_fmt_time(js(k->card, "created_at"), t1, sizeof t1);
	ui_fmt_time(js(k->card, "updated_at"), t2, sizeof t2);
	doc_wrapf(d, UI_EL_NORMAL, 2, "Opened %s  updated %s%s%s", t1, t2,
		  *js(k->card, "assigned_to") ? "  assigned to " : "", js(k->card, "assigned_to"));
	if (*js(k->card, "order_no")) {
		char key[16];

		ui_keymap_key(&k->v.ui->km, UI_ACT_OPEN, key, sizeof key);
		doc_addf(d, UI_EL_HINT, "Order %s (%s opens it)", js(k->card, "order_no"), key[0] ? key : "open");
	} else {
		doc_add(d, UI_EL_DIM, "No order.");
	}
	doc_wrapf(d, UI_EL_NORMAL, 9, "Subject: %s", js(k->card, "subject"));
	doc_section(d, "Messages, oldest first");
	if (json_array_size(json_object_get(k->card, "messages")) == 0)
		doc_add(d, UI_EL_DIM, "No messages.");
	json_array_foreach(json_object_get(k->card, "messages"), i, m) {
		if (i > 0)
			doc_add(d, UI_EL_NORMAL, "");
		ui_fmt_time(js(m, "at"), t1, sizeof t1);
		doc_addf(d, strcmp(js(m, "author_kind"), "customer") == 0 ? UI_EL_HEADER : UI_EL_NORMAL,
			 "%s  %s (%s)", t1, js(m, "author"), js(m, "author_kind"));
		doc_wrapf(d, UI_EL_NORMAL, 2, "  %s", js(m, "body"));
	}
	d->scroll.top = top;
	ui_list_set_count(&d->scroll, d->n);
}

static void
ticket_load(struct ticket_view *k)
{
	struct app_stmt st;

	app_stmt_init(&st, "SELECT oms_api.ticket_card($1::bigint)");
	app_stmt_ll(&st, k->id);
	ui_query(k->v.ui, &k->v, TAG_TICKET, &st);
}

static int
ticket_open(struct view *v)
{
	ticket_load(kv(v));
	return UI_REDRAW;
}

static int
ticket_reload(struct view *v)
{
	ticket_load(kv(v));
	return UI_HANDLED | UI_REDRAW;
}

static int
ticket_result(struct view *v, int tag, struct db_result *res, const struct oms_error *err)
{
	struct ticket_view *k = kv(v);
	struct oms_error perr;
	json_t *card;

	(void)tag;
	oms_error_clear(&perr);
	if (!res) {
		if (err->status == OMS_DB_GONE)
			return UI_REDRAW;
		k->failed = !k->card;
		snprintf(k->errmsg, sizeof k->errmsg, "%s", err->status == OMS_DB ?
			 "The ticket could not be loaded (database error)." : err->msg);
		ui_message_error(v->ui, err);
		ticket_build(k);
		return UI_REDRAW;
	}
	if (!(card = app_doc_parse(res, &perr))) {
		k->failed = true;
		snprintf(k->errmsg, sizeof k->errmsg, "%s", perr.status == OMS_NOT_FOUND ?
			 "This ticket was not found." : perr.msg);
		ticket_build(k);
		return UI_REDRAW;
	}
	json_decref(k->card);
	k->card = card;
	k->failed = false;
	ticket_build(k);
	return UI_REDRAW;
}

static void
ticket_draw(struct view *v, struct ui_rect r)
{
	doc_draw(v->ui, &kv(v)->doc, r);
}

static int
ticket_resize(struct view *v, struct ui_rect r)
{
	struct ticket_view *k = kv(v);

	if (k->doc.width != r.w) {
		k->doc.width = r.w;
		ticket_build(k);
	}
	k->doc.scroll.height = r.h;
	return UI_REDRAW;
}

static int
ticket_key(struct view *v, int key, int action)
{
	struct ticket_view *k = kv(v);
	struct view *nv;

	(void)key;
	if (action == UI_ACT_OPEN) {
		long long ono = jll(k->card, "order_no");

		if (ono <= 0) {
			ui_message(v->ui, UI_EL_WARNING, "This ticket is about no order.");
			return UI_HANDLED | UI_REDRAW;
		}
		nv = view_order_new(v->ui, ono);
		if (nv)
			ui_push(v->ui, nv);
		return UI_HANDLED | UI_REDRAW;
	}
	return ui_list_action(&k->doc.scroll, action);
}

static int
ticket_hints(struct view *v, int *acts, int max)
{
	int n = 0;

	if (n < max && jll(kv(v)->card, "order_no") > 0)
		acts[n++] = UI_ACT_OPEN;
	if (n < max)
		acts[n++] = UI_ACT_BACK;
	if (n < max)
		acts[n++] = UI_ACT_HELP;
	return n;
}

static const char *
ticket_title(struct view *v, char *buf, size_t len)
{
	snprintf(buf, len, "#%lld", kv(v)->id);
	return buf;
}

static void
ticket_close(struct view *v)
{
	json_decref(kv(v)->card);
	doc_free(&kv(v)->doc);
	free(v);
}

static const struct view_ops ticket_ops = {
	.name = "Ticket",
	.open = ticket_open,
	.close = ticket_close,
	.draw = ticket_draw,
	.key = ticket_key,
	.resize = ticket_resize,
	.reload = ticket_reload,
	.result = ticket_result,
	.hints = ticket_hints,
	.title = ticket_title,
};

struct view *
view_ticket_new(struct ui *ui, long long ticket_id)
{
	struct ticket_view *k = calloc(1, sizeof *k);

	if (!k)
		return NULL;
	k->v.ops = &ticket_ops;
	k->v.ui = ui;
	k->id = ticket_id;
	doc_init(&k->doc, ui->cols, ui->ascii);
	ticket_build(k);
	return &k->v;
}
