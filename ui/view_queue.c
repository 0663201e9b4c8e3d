/* The fulfilment queue (issue 11): the CONFIRMED orders waiting to ship,
 * oldest first, with the time left of the 24-hour ship promise
 * (oms_api.fulfilment_queue; row-level security gives fulfilment staff
 * their own seller's, administrators all). Fulfilment's home screen.
 *
 * f filters by the promise (all, late, due within 4 hours, on time), v by
 * the service level the order ships with (the menu's levels are read from
 * the database when v is pressed: oms_api.service_levels, the levels some
 * active carrier offers, so a level added there is offered here); e
 * exports the list as filtered
 * (every row, not only the first 1000 shown: ui/export.h);
 * Enter opens the order; Space marks orders; s ships the marked ones in
 * turn (else the selected one) through the ship dialog: carrier and
 * service chosen from the database's lists (oms_api.carriers), the
 * tracking number typed; the database checks it (BR-012,
 * oms_api.mark_shipped) and its refusal is shown next to the field.
 * The carrier and service stay chosen from one order to the next.
 *
 * p writes the selected order's packing slip (oms_api.packing_slip, laid
 * out by src/app/packing.c as `oms ship --packing-slip` prints it) to
 * packing-slip-ORDER.txt in the current directory, never over a file.
 *
 * d sets the seller's handling days (fulfilment staff, their own seller:
 * oms_api.set_handling_days, as `oms handling-days` does), in a prompt on
 * the last row; the days in force are in the heading.
 *
 * b buys a label for the selected order (ui/view_label.c): the
 * same path as `oms ship --buy-label` (oms_api.label_request, the carrier
 * aggregator's rates, oms_api.label_bought), with the HTTP requests run
 * on a libcurl multi handle this dialog drives from a 50 ms timer, so the
 * screen never waits for the aggregator: it shows what it is waiting for
 * and for how long, and Esc stops before anything is bought. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/packing.h"
#include "cli/outfile.h"
#include "db/db.h"
#include "export.h"
#include "form.h"
#include "frame.h"
#include "input.h"
#include "list.h"
#include "pick.h"
#include "screens.h"
#include "views.h"

#define QUEUE_MAX 1000           /* rows shown (the oldest first) */
#define QUEUE_TICK_MS 60000      /* the time left is asked again every minute */

enum { TAG_LIST = 1, TAG_CARRIERS, TAG_SHIP, TAG_SLIP, TAG_LEVELS, TAG_DAYS };
enum filter { FILTER_ALL, FILTER_LATE, FILTER_SOON, FILTER_ONTIME, FILTER_COUNT };
static const char *const filter_sql[FILTER_COUNT] = { "all", "late", "soon", "ontime" };
static const char *const filter_words[FILTER_COUNT] = {
	"all", "late", "due within 4 hours", "on time"
};
#define QUEUE_LEVELS 24           /* service levels the v menu offers at most */

/* f and v open a small menu each (ui/pick.h; issue 13: a menu, not a
 * cycle), one key per value */
static const struct ui_pick_item promise_items[] = {
	{ 'a', "all", "All: every order to ship" },
	{ 'l', "late", "Late: past the 24-hour promise" },
	{ 's', "soon", "Due within 4 hours" },
	{ 'o', "ontime", "On time" },
};

/* a service level of the v menu, as oms_api.service_levels lists it */
struct qlevel {
	char code[24], name[48];
};

struct qrow {
	long long order_no;
	char seller[64], confirmed[32], country[8], service[24];
	int minutes_left, handling_days;
	long long units;
	bool late, marked;
};

struct queue_view {
	struct view v;
	struct qrow *rows;
	int nrows;
	bool loaded;
	long long slip_order;      /* the packing slip asked for */
	enum filter filter;
	char service[24];          /* the service level shown; "": every one */
	/* the v menu: "every level", then the levels the database listed
	 * when v was last pressed (the items point into levels) */
	struct qlevel levels[QUEUE_LEVELS];
	struct ui_pick_item level_items[QUEUE_LEVELS + 1];
	struct ui_list list;
	/* d: the handling days prompt (a form of one field) */
	bool prompt;
	struct ui_form form;
	struct ui_input days;
};

static struct queue_view *
qv(struct view *v)
{
	return (struct queue_view *)v;
}

/* The queue as filtered ($1 the promise, $2 the service level): the
 * screen's first QUEUE_MAX rows, or (limit 0) every row, for the export.
 * oms_api.fulfilment_queue filters in SQL ("soon": under 240
 * minutes left). */
#define QUEUE_STR_(x) #x
#define QUEUE_STR(x) QUEUE_STR_(x)
static void
queue_stmt(const struct queue_view *q, bool screen, struct app_stmt *st)
{
	/* static: the statement keeps a pointer to its text */
	static const char screen_sql[] =
		"SELECT x.order_no, x.seller, to_json(x.confirmed_at) #>> '{}', x.minutes_left, x.late, "
		"coalesce(x.units, 0), coalesce(x.country, ''), x.service_level, x.handling_days "
		"FROM oms_api.fulfilment_queue(false, $2, $1, " QUEUE_STR(QUEUE_MAX) ") x";
	static const char export_sql[] =
		"SELECT x.order_no, x.seller, x.confirmed_at, x.ship_by, x.minutes_left, x.late, x.units, "
		"x.country, x.service_level, x.handling_days FROM oms_api.fulfilment_queue(false, $2, $1) x";

	app_stmt_init(st, screen ? screen_sql : export_sql);
	app_stmt_text(st, filter_sql[q->filter]);
	app_stmt_text(st, q->service[0] ? q->service : NULL);
}

static void
queue_send(struct queue_view *q)
{
	struct app_stmt st;

	queue_stmt(q, true, &st);
	ui_query(q->v.ui, &q->v, TAG_LIST, &st);
}

static int
queue_open(struct view *v)
{
	queue_send(qv(v));
	ui_timer(v, QUEUE_TICK_MS);
	return UI_REDRAW;
}

static int
queue_reload(struct view *v)
{
	queue_send(qv(v));
	return UI_HANDLED | UI_REDRAW;
}

static int
queue_tick(struct view *v)
{
	queue_send(qv(v));
	ui_timer(v, QUEUE_TICK_MS);
	return 0;
}

static int
queue_order_changed(struct view *v, long long order_no)
{
	(void)order_no;
	queue_send(qv(v));
	return 0;
}

/* The marks survive a reload for the orders still listed. */
static bool
queue_was_marked(const struct queue_view *q, long long order_no)
{
	for (int i = 0; i < q->nrows; i++)
		if (q->rows[i].order_no == order_no)
			return q->rows[i].marked;
	return false;
}

/* The packing slip's document came: written to packing-slip-ORDER.txt
 * whole (src/cli/outfile.c: a temporary file renamed into place, never
 * over an existing file). */
static int
queue_slip_result(struct queue_view *q, struct db_result *res, const struct oms_error *err)
{
	struct oms_error werr = { 0 };
	struct outfile of = { 0 };
	char path[64], *text;
	size_t len = 0, off = 0;

	if (!res) {
		ui_message(q->v.ui, UI_EL_ERROR, "No packing slip for order %lld: %s", q->slip_order,
			   err->msg[0] ? err->msg : ui_status_words(err->status));
		return UI_REDRAW;
	}
	snprintf(path, sizeof path, "packing-slip-%lld.txt", q->slip_order);
	if (!(text = packing_slip_text(db_get(res, 0, 0), &len))) {
		ui_message(q->v.ui, UI_EL_ERROR, "The database did not answer a packing slip.");
		return UI_REDRAW;
	}
	if (outfile_open(&of, path, false, &werr) != OMS_OK) {
		ui_message(q->v.ui, UI_EL_ERROR, "Packing slip not saved: %s", werr.msg);
		free(text);
		return UI_REDRAW;
	}
	while (off < len) {
		ssize_t n = write(of.fd, text + off, len - off);

		if (n < 0) {
			ui_message(q->v.ui, UI_EL_ERROR, "Packing slip not saved: %s", strerror(errno));
			outfile_abort(&of);
			free(text);
			return UI_REDRAW;
		}
		off += (size_t)n;
	}
	free(text);
	if (outfile_commit(&of, &werr) != OMS_OK)
		ui_message(q->v.ui, UI_EL_ERROR, "Packing slip not saved: %s", werr.msg);
	else
		ui_message(q->v.ui, UI_EL_OK, "Packing slip of order %lld saved to %s.", q->slip_order, path);
	return UI_REDRAW;
}

static int queue_levels_result(struct queue_view *q, struct db_result *res, const struct oms_error *err);

static int
queue_result(struct view *v, int tag, struct db_result *res, const struct oms_error *err)
{
	struct queue_view *q = qv(v);
	struct qrow *rows;
	int n;

	if (tag == TAG_SLIP)
		return queue_slip_result(q, res, err);
	if (tag == TAG_LEVELS)
		return queue_levels_result(q, res, err);
	if (tag == TAG_DAYS) {
		/* refused (the range, the role): said, and the prompt stays
		 * with what was typed */
		if (!res) {
			ui_message_error(v->ui, err);
			return UI_REDRAW;
		}
		q->prompt = false;
		q->v.dialog_keys = false;
		ui_message(v->ui, UI_EL_OK, "Handling days: %s (counted in every estimate before shipping).",
			   db_get(res, 0, 0));
		queue_send(q);
		return UI_RELAYOUT | UI_REDRAW;
	}
	if (!res) {
		if (err->status != OMS_DB_GONE)
			ui_message_error(v->ui, err);
		return UI_REDRAW;
	}
	n = db_rows(res);
	rows = calloc(n ? (size_t)n : 1, sizeof *rows);
	if (!rows) {
		ui_message(v->ui, UI_EL_ERROR, "Out of memory.");
		return UI_REDRAW;
	}
	for (int i = 0; i < n; i++) {
		struct qrow *r = &rows[i];

		r->order_no = db_get_ll(res, i, 0);
		snprintf(r->seller, sizeof r->seller, "%s", db_get(res, i, 1));
		snprintf(r->confirmed, sizeof r->confirmed, "%s", db_get(res, i, 2));
		r->minutes_left = (int)db_get_ll(res, i, 3);
		r->late = strcmp(db_get(res, i, 4), "t") == 0;
		r->units = db_get_ll(res, i, 5);
		snprintf(r->country, sizeof r->country, "%s", db_get(res, i, 6));
		snprintf(r->service, sizeof r->service, "%s", db_get(res, i, 7));
		r->handling_days = (int)db_get_ll(res, i, 8);
		r->marked = queue_was_marked(q, r->order_no);
	}
	free(q->rows);
	q->rows = rows;
	q->nrows = n;
	if (!q->loaded)
		q->list.sel = 0;
	q->loaded = true;
	ui_list_set_count(&q->list, n);
	return UI_REDRAW;
}

/* "05:12 left", or "LATE 02:05" past the promise (hours:minutes; two
 * days late or more: "LATE 3d 04h"). */
static void
queue_left(const struct qrow *r, char *buf, size_t len)
{
	int m = r->minutes_left < 0 ? -r->minutes_left : r->minutes_left;

	if (r->late && m >= 48 * 60)
		snprintf(buf, len, "LATE %dd %02dh", m / (24 * 60), m % (24 * 60) / 60);
	else if (r->late)
		snprintf(buf, len, "LATE %02d:%02d", m / 60, m % 60);
	else
		snprintf(buf, len, "%02d:%02d left", m / 60, m % 60);
}

static int
queue_marked(const struct queue_view *q)
{
	int n = 0;

	for (int i = 0; i < q->nrows; i++)
		n += q->rows[i].marked;
	return n;
}

/* Columns: mark, order, confirmed, time left, units, to, seller. */
static void
queue_row_draw(void *arg, int row, int w, struct ui_line *line, enum ui_element *el)
{
	struct queue_view *q = arg;
	const struct qrow *r = &q->rows[row];
	char when[24], left[32], units[24];

	ui_fmt_time(r->confirmed, when, sizeof when);
	queue_left(r, left, sizeof left);
	snprintf(units, sizeof units, "%lld", r->units);
	ui_line_cell(line, r->marked ? "*" : " ", 2, false);
	ui_line_cell(line, "", 0, false);
	{
		char no[24];

		snprintf(no, sizeof no, "%lld", r->order_no);
		ui_line_cell(line, no, 10, false);
	}
	ui_line_cell(line, when, 18, false);
	ui_line_cell(line, left, 14, false);
	ui_line_cell(line, r->service, 10, false);
	ui_line_cell(line, units, 5, true);
	ui_line_cell(line, "", 2, false);
	ui_line_cell(line, r->country, 4, false);
	if (w - line->w > 0)
		ui_line_add(line, r->seller, w - line->w);
	*el = r->late ? UI_EL_ERROR : UI_EL_NORMAL;
}

static void
queue_draw(struct view *v, struct ui_rect r)
{
	struct queue_view *q = qv(v);
	struct ui *ui = v->ui;
	char title[200], pos[48], head[200], filt[80];
	int y = r.y, late = 0, marked = queue_marked(q);

	for (int i = 0; i < q->nrows; i++)
		late += q->rows[i].late;
	/* the oldest QUEUE_MAX are shown: "+" says there are more */
	ui_list_position(&q->list, pos, sizeof pos, q->nrows >= QUEUE_MAX);
	if (q->service[0])
		snprintf(filt, sizeof filt, "%s, %s", filter_words[q->filter], q->service);
	else
		snprintf(filt, sizeof filt, "%s", filter_words[q->filter]);
	snprintf(title, sizeof title, "To ship, oldest first (%s) %s", filt,
		 q->loaded ? (q->nrows ? pos : "(none)") : "loading");
	ui_draw_section(ui, y++, r.x, r.w, title);
	snprintf(head, sizeof head, "%d late%s; %d marked", late,
		 (q->filter == FILTER_ALL || q->filter == FILTER_LATE) && !q->service[0] ? "" : " shown", marked);
	if (ui_role_is(ui, "fulfilment") && q->nrows)
		snprintf(head + strlen(head), sizeof head - strlen(head), "; handling days: %d",
			 q->rows[0].handling_days);
	ui_draw_text(y++, r.x, r.w, late ? UI_EL_WARNING : UI_EL_HINT, head);
	snprintf(head, sizeof head, "%s  Order     Confirmed         Ship promise  Service   Units  To  Seller",
		 ui->plain ? " " : "");
	ui_draw_text(y++, r.x, r.w, UI_EL_HEADER, head);
	if (r.y + r.h - y < 1)
		return;
	if (q->prompt) {
		char k[16], label[96];

		snprintf(label, sizeof label, " Handling days (0-30), %s: ",
			 ui_keymap_key(&ui->km, UI_ACT_CONFIRM, k, sizeof k));
		ui_form_draw_prompt(&q->form, r.y + r.h - 1, r.x, r.w, label);
	} else {
		ui->cursor_y = -1;
	}
	if (q->loaded && q->nrows == 0) {
		ui_draw_text(y, r.x, r.w, UI_EL_DIM, q->filter == FILTER_ALL && !q->service[0] ?
			     "  No confirmed order is waiting to ship." : "  No order of this kind.");
		return;
	}
	ui_list_draw(ui, &q->list, (struct ui_rect){ y, r.x, r.y + r.h - y - (q->prompt ? 1 : 0), r.w },
		     queue_row_draw, q);
}

static int
queue_resize(struct view *v, struct ui_rect r)
{
	struct queue_view *q = qv(v);

	q->list.height = r.h - 3 - (q->prompt ? 1 : 0) < 1 ? 1 : r.h - 3 - (q->prompt ? 1 : 0);
	ui_list_set_count(&q->list, q->nrows);
	return UI_REDRAW;
}

static struct view *ship_new(struct ui *ui, struct view *parent, const long long *orders, int n,
			     const char *service);

static int
queue_ship(struct queue_view *q)
{
	long long *orders;
	int n = 0, marked = queue_marked(q);
	struct view *nv;
	const char *svc;

	if (!q->nrows || q->list.sel < 0 || q->list.sel >= q->nrows) {
		ui_message(q->v.ui, UI_EL_WARNING, "Nothing selected to ship.");
		return UI_HANDLED | UI_REDRAW;
	}
	svc = q->rows[q->list.sel].service;
	if (!(orders = calloc(marked ? (size_t)marked : 1, sizeof *orders)))
		return UI_HANDLED;
	if (marked) {
		for (int i = 0; i < q->nrows; i++)
			if (q->rows[i].marked) {
				if (!n)
					svc = q->rows[i].service;   /* the first one's is offered */
				orders[n++] = q->rows[i].order_no;
			}
	} else {
		orders[n++] = q->rows[q->list.sel].order_no;
	}
	nv = ship_new(q->v.ui, &q->v, orders, n, svc);
	free(orders);
	if (nv)
		ui_push(q->v.ui, nv);
	return UI_HANDLED | UI_REDRAW;
}

/* The promise menu (f) picked a value: the queue again from its top. */
static void
queue_refilter(struct queue_view *q)
{
	q->loaded = false;
	q->list.sel = 0;
	q->list.top = 0;
	queue_send(q);
}

static int
queue_pick_promise(struct view *v, const char *value)
{
	struct queue_view *q = qv(v);

	for (int i = 0; i < FILTER_COUNT; i++)
		if (!strcmp(value, filter_sql[i]))
			q->filter = (enum filter)i;
	queue_refilter(q);
	ui_message(v->ui, UI_EL_HINT, "Showing %s.", q->filter == FILTER_ALL ? "every order to ship" :
		   filter_words[q->filter]);
	return UI_HANDLED | UI_REDRAW;
}

/* The service level menu (v) picked a value ("": every level). */
static int
queue_pick_service(struct view *v, const char *value)
{
	struct queue_view *q = qv(v);
	const char *name = value;

	snprintf(q->service, sizeof q->service, "%s", value);
	for (int i = 1; q->level_items[i].value; i++)
		if (!strcmp(value, q->level_items[i].value))
			name = q->level_items[i].label;
	queue_refilter(q);
	ui_message(v->ui, UI_EL_HINT, "Showing %s.", q->service[0] ? name : "every service level");
	return UI_HANDLED | UI_REDRAW;
}

/* A key for a level of the v menu: the first letter or digit of its name,
 * then of its code, not taken yet ('a' is every level's); 0 when none is
 * free (the row is still picked with Up/Down and Enter). */
static int
queue_level_key(const struct queue_view *q, int n, const struct qlevel *l)
{
	const char *words[2] = { l->name, l->code };

	for (int w = 0; w < 2; w++)
		for (const char *p = words[w]; *p; p++) {
			int k = *p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : (unsigned char)*p;
			bool taken = false;

			if (!((k >= 'a' && k <= 'z') || (k >= '0' && k <= '9')))
				continue;
			for (int i = 0; i < n && !taken; i++)
				taken = q->level_items[i].key == k;
			if (!taken)
				return k;
		}
	return 0;
}

/* The levels came (oms_api.service_levels): the menu opens with them. */
static int
queue_levels_result(struct queue_view *q, struct db_result *res, const struct oms_error *err)
{
	struct view *nv;
	int n = 1;

	if (!res) {
		if (err->status != OMS_DB_GONE)
			ui_message_error(q->v.ui, err);
		return UI_REDRAW;
	}
	memset(q->level_items, 0, sizeof q->level_items);
	q->level_items[0] = (struct ui_pick_item){ 'a', "", "Every service level" };
	for (int i = 0; i < db_rows(res) && n <= QUEUE_LEVELS; i++) {
		struct qlevel *l = &q->levels[n - 1];

		snprintf(l->code, sizeof l->code, "%s", db_get(res, i, 0));
		snprintf(l->name, sizeof l->name, "%s", db_get(res, i, 1));
		q->level_items[n] = (struct ui_pick_item){ queue_level_key(q, n, l), l->code, l->name };
		n++;
	}
	nv = view_pick_new(q->v.ui, &q->v, "Show the service level", q->level_items, n, q->service,
			   UI_ACT_QUEUE_SERVICE, queue_pick_service);
	if (nv)
		ui_push(q->v.ui, nv);
	return UI_REDRAW;
}

/* The handling days prompt: a form of one field, no confirm step (the
 * database checks the range, oms_api.set_handling_days, and says it). */
static int
queue_days_key(struct queue_view *q, int key, int action)
{
	enum ui_form_event ev;
	int flags = ui_form_key(&q->form, key, action, &ev);
	struct app_stmt st;
	char *end;
	long days;

	if (ev == UI_FORM_CLOSE) {
		q->prompt = false;
		q->v.dialog_keys = false;
		ui_message(q->v.ui, UI_EL_HINT, "Handling days not changed.");
		return UI_HANDLED | UI_RELAYOUT | UI_REDRAW;
	}
	if (ev == UI_FORM_CHECK || ev == UI_FORM_SEND) {
		errno = 0;
		days = strtol(q->days.buf, &end, 10);
		/* a number; its range is the database's to say */
		if (!q->days.len || *end || errno || days < INT_MIN || days > INT_MAX) {
			ui_message(q->v.ui, UI_EL_ERROR, "Handling days are a whole number.");
			return UI_HANDLED | UI_REDRAW;
		}
		app_stmt_init(&st, "SELECT oms_api.set_handling_days($1::int)");
		app_stmt_ll(&st, days);
		ui_query(q->v.ui, &q->v, TAG_DAYS, &st);   /* the prompt closes once it is set */
		return UI_HANDLED | UI_REDRAW;
	}
	if (ev == UI_FORM_NONE && action != UI_ACT_QUIT && action != UI_ACT_HELP)
		return UI_HANDLED;         /* the list's keys wait for the prompt */
	return flags;
}

static int
queue_key(struct view *v, int key, int action)
{
	struct queue_view *q = qv(v);
	struct view *nv;

	if (q->prompt)
		return queue_days_key(q, key, action);
	switch (action) {
	case UI_ACT_OPEN:
		if (q->list.sel < 0 || q->list.sel >= q->nrows)
			return UI_HANDLED;
		if ((nv = view_order_new(v->ui, q->rows[q->list.sel].order_no)))
			ui_push(v->ui, nv);
		return UI_HANDLED | UI_REDRAW;
	case UI_ACT_MARK:
		if (q->list.sel < 0 || q->list.sel >= q->nrows)
			return UI_HANDLED;
		q->rows[q->list.sel].marked = !q->rows[q->list.sel].marked;
		ui_list_action(&q->list, UI_ACT_DOWN);
		return UI_HANDLED | UI_REDRAW;
	case UI_ACT_QUEUE_FILTER:
		nv = view_pick_new(v->ui, v, "Show the orders", promise_items,
				   (int)(sizeof promise_items / sizeof promise_items[0]), filter_sql[q->filter],
				   UI_ACT_QUEUE_FILTER, queue_pick_promise);
		if (nv)
			ui_push(v->ui, nv);
		return UI_HANDLED | UI_REDRAW;
	case UI_ACT_QUEUE_SERVICE: {
		/* the levels asked for now: the menu opens with the answer */
		struct app_stmt st;

		if (ui_query_pending(v->ui, v, TAG_LEVELS))
			return UI_HANDLED;
		app_stmt_init(&st, "SELECT code, name FROM oms_api.service_levels()");
		ui_query(v->ui, v, TAG_LEVELS, &st);
		ui_hold_keys(v);   /* v then a: the a waits for the menu */
		return UI_HANDLED | UI_REDRAW;
	}
	case UI_ACT_SHIP:
		return queue_ship(q);
	case UI_ACT_HANDLING_DAYS:
		if (!ui_role_is(v->ui, "fulfilment")) {
			ui_message(v->ui, UI_EL_WARNING,
				   "Fulfilment staff set their seller's handling days (administrators: oms handling-days --seller).");
			return UI_HANDLED | UI_REDRAW;
		}
		q->prompt = true;
		q->v.dialog_keys = true;           /* Enter, Esc: the prompt's keys */
		ui_input_clear(&q->days);
		if (q->nrows) {
			char cur[16];

			snprintf(cur, sizeof cur, "%d", q->rows[0].handling_days);
			ui_form_paste(&q->form, cur);
		}
		ui_form_focus(&q->form, 0);
		return UI_HANDLED | UI_RELAYOUT | UI_REDRAW;
	case UI_ACT_BUY_LABEL:
		if (!q->nrows || q->list.sel < 0 || q->list.sel >= q->nrows) {
			ui_message(v->ui, UI_EL_WARNING, "Nothing selected to buy a label for.");
			return UI_HANDLED | UI_REDRAW;
		}
		if ((nv = view_label_new(v->ui, v, q->rows[q->list.sel].order_no)))
			ui_push(v->ui, nv);
		return UI_HANDLED | UI_REDRAW;
	case UI_ACT_PACKING_SLIP: {
		struct app_stmt st;

		if (!q->nrows || q->list.sel < 0 || q->list.sel >= q->nrows) {
			ui_message(v->ui, UI_EL_WARNING, "Nothing selected.");
			return UI_HANDLED | UI_REDRAW;
		}
		q->slip_order = q->rows[q->list.sel].order_no;
		app_stmt_init(&st, "SELECT oms_api.packing_slip($1::bigint)::text");
		app_stmt_ll(&st, q->slip_order);
		ui_query(v->ui, v, TAG_SLIP, &st);
		return UI_HANDLED | UI_REDRAW;
	}
	case UI_ACT_EXPORT: {
		struct app_stmt st;

		if (!q->loaded) {
			ui_message(v->ui, UI_EL_WARNING, "Nothing to export: the queue has not been read.");
			return UI_HANDLED | UI_REDRAW;
		}
		queue_stmt(q, false, &st);
		if ((nv = view_export_new(v->ui, "fulfilment queue", NULL, &st)))
			ui_push(v->ui, nv);
		return UI_HANDLED | UI_REDRAW;
	}
	default:
		return ui_list_action(&q->list, action);
	}
}

static int
queue_hints(struct view *v, int *acts, int max)
{
	/* v, d and e: in the help (the hints line has room for these) */
	static const int all[] = { UI_ACT_SHIP, UI_ACT_BUY_LABEL, UI_ACT_MARK, UI_ACT_OPEN, UI_ACT_QUEUE_FILTER,
				   UI_ACT_MENU, UI_ACT_HELP };
	int n = 0;

	if (qv(v)->prompt) {
		if (n < max)
			acts[n++] = UI_ACT_CONFIRM;
		if (n < max)
			acts[n++] = UI_ACT_CLOSE;
		return n;
	}
	for (size_t i = 0; i < sizeof all / sizeof all[0] && n < max; i++)
		acts[n++] = all[i];
	return n;
}

static const char *
queue_title(struct view *v, char *buf, size_t len)
{
	const struct ui *ui = v->ui;

	snprintf(buf, len, "%s", ui->who_known && ui->who.seller_name[0] ? ui->who.seller_name : "all sellers");
	return buf;
}

static int
queue_paste(struct view *v, const char *text)
{
	return qv(v)->prompt ? ui_form_paste(&qv(v)->form, text) : UI_HANDLED;
}

static bool
queue_typing(struct view *v)
{
	return qv(v)->prompt && ui_form_typing(&qv(v)->form);
}

static void
queue_close(struct view *v)
{
	free(qv(v)->rows);
	free(v);
}

static const struct view_ops queue_ops = {
	.name = "Queue",
	.screen = UI_SCREEN_QUEUE,
	.open = queue_open,
	.close = queue_close,
	.draw = queue_draw,
	.key = queue_key,
	.resize = queue_resize,
	.reload = queue_reload,
	.result = queue_result,
	.tick = queue_tick,
	.order_changed = queue_order_changed,
	.hints = queue_hints,
	.title = queue_title,
	.paste = queue_paste,
	.typing = queue_typing,
};

struct view *
view_queue_new(struct ui *ui)
{
	struct queue_view *q = calloc(1, sizeof *q);

	if (!q)
		return NULL;
	q->v.ops = &queue_ops;
	q->v.ui = ui;
	ui_list_init(&q->list, true);
	q->days.max = 2;
	ui_form_init(&q->form, ui, 0);
	ui_form_add(&q->form, UI_FIELD_TEXT, "Handling days", true);
	q->form.f[0].in = &q->days;
	return &q->v;
}

/* --- the ship dialog ----------------------------------------------------- */

enum { F_CARRIER, F_SERVICE, F_TRACKING };
#define SHIP_CARRIERS 16
#define SHIP_SERVICES 16

struct carrier {
	char code[24], name[64], example[48];
	char services[SHIP_SERVICES][24];
	int nservices;
};

struct ship_view {
	struct view v;
	struct view *parent;
	long long *orders;
	int norders, cur, shipped;
	struct carrier carriers[SHIP_CARRIERS];
	int ncarriers;
	bool loaded;
	struct ui_form form;
	struct ui_list clist, slist;
	struct ui_input tracking;
	char placeholder[80];
	char refusal[512];         /* the database's last refusal, in full */
	char service[24];          /* the first order's service level: offered first */
};

static struct ship_view *
sv(struct view *v)
{
	return (struct ship_view *)v;
}

static const struct carrier *
ship_carrier(const struct ship_view *s)
{
	int c = s->form.f[F_CARRIER].chosen;

	return c >= 0 && c < s->ncarriers ? &s->carriers[c] : NULL;
}

/* The carrier chosen: its services (ground chosen when it has it), its
 * tracking number's example in the empty field. */
static void
ship_carrier_chosen(struct ship_view *s)
{
	const struct carrier *c = ship_carrier(s);
	struct ui_field *sf = &s->form.f[F_SERVICE];

	sf->chosen = -1;
	ui_list_set_count(&s->slist, c ? c->nservices : 0);
	s->slist.sel = 0;
	s->slist.top = 0;
	if (!c)
		return;
	sf->chosen = c->nservices ? 0 : -1;
	for (int i = 0; i < c->nservices; i++)
		if (strcmp(c->services[i], "ground") == 0)
			sf->chosen = s->slist.sel = i;
	for (int i = 0; i < c->nservices; i++)
		if (strcmp(c->services[i], s->service) == 0)
			sf->chosen = s->slist.sel = i;
	snprintf(s->placeholder, sizeof s->placeholder, "like %s", c->example);
	s->form.f[F_TRACKING].empty = c->example[0] ? s->placeholder : NULL;
}

static int
ship_open(struct view *v)
{
	struct app_stmt st;

	app_stmt_init(&st, "SELECT code, name, array_to_string(services, ','), coalesce(tracking_example, '') "
			   "FROM oms_api.carriers()");
	ui_query(v->ui, v, TAG_CARRIERS, &st);
	return UI_REDRAW;
}

static void
ship_next(struct ship_view *s)
{
	s->refusal[0] = '\0';
	s->form.sending = false;
	s->form.confirming = false;
	ui_form_clear_errors(&s->form);
	ui_input_clear(&s->tracking);
	ui_form_focus(&s->form, F_TRACKING);
}

static int
ship_result(struct view *v, int tag, struct db_result *res, const struct oms_error *err)
{
	struct ship_view *s = sv(v);

	if (tag == TAG_CARRIERS) {
		if (!res) {
			ui_message_error(v->ui, err);
			return UI_POP | UI_REDRAW;
		}
		s->ncarriers = db_rows(res) < SHIP_CARRIERS ? db_rows(res) : SHIP_CARRIERS;
		for (int i = 0; i < s->ncarriers; i++) {
			struct carrier *c = &s->carriers[i];
			char svc[256], *p, *save = NULL;

			snprintf(c->code, sizeof c->code, "%s", db_get(res, i, 0));
			snprintf(c->name, sizeof c->name, "%s", db_get(res, i, 1));
			snprintf(c->example, sizeof c->example, "%s", db_get(res, i, 3));
			snprintf(svc, sizeof svc, "%s", db_get(res, i, 2));
			for (p = strtok_r(svc, ",", &save); p && c->nservices < SHIP_SERVICES;
			     p = strtok_r(NULL, ",", &save))
				snprintf(c->services[c->nservices++], sizeof c->services[0], "%s", p);
		}
		s->loaded = true;
		ui_list_set_count(&s->clist, s->ncarriers);
		if (!s->ncarriers) {
			ui_message(v->ui, UI_EL_ERROR, "No carrier is configured: an administrator adds them.");
			return UI_POP | UI_REDRAW;
		}
		s->form.f[F_CARRIER].chosen = 0;
		ship_carrier_chosen(s);
		ui_form_focus(&s->form, F_CARRIER);
		return UI_REDRAW;
	}
	s->form.sending = false;
	if (!res) {
		/* the database's refusal (BR-012, a shipped order ...), next to
		 * the tracking number, in its own words */
		if (err->msg[0] && err->status != OMS_DB_GONE && err->status != OMS_DB) {
			ui_form_error(&s->form, F_TRACKING, "Not shipped; the database says:");
			snprintf(s->refusal, sizeof s->refusal, "%s", err->msg);
		} else {
			ui_message_error(v->ui, err);
		}
		ui_message(v->ui, UI_EL_ERROR, "Order %lld was not shipped.", s->orders[s->cur]);
		return UI_REDRAW;
	}
	s->shipped++;
	ui_message(v->ui, UI_EL_OK, "Order %lld shipped (%s).", s->orders[s->cur], s->tracking.buf);
	if (++s->cur < s->norders) {
		ship_next(s);
		return UI_REDRAW;
	}
	if (s->norders > 1)
		ui_message(v->ui, UI_EL_OK, "Shipped %d of %d orders.", s->shipped, s->norders);
	if (s->parent && s->parent->ops->reload)
		s->parent->ops->reload(s->parent);
	return UI_POP | UI_REDRAW;
}

static bool
ship_valid(struct ship_view *s)
{
	s->refusal[0] = '\0';
	ui_form_clear_errors(&s->form);
	if (!ship_carrier(s)) {
		ui_form_error(&s->form, F_CARRIER, "Choose the carrier (Space).");
		return false;
	}
	if (s->form.f[F_SERVICE].chosen < 0) {
		ui_form_error(&s->form, F_SERVICE, "Choose the service (Space).");
		return false;
	}
	if (s->tracking.len == 0) {
		ui_form_error(&s->form, F_TRACKING, "Type the tracking number on the label.");
		return false;
	}
	return true;
}

static int
ship_send(struct ship_view *s)
{
	const struct carrier *c = ship_carrier(s);
	struct app_stmt st;

	app_stmt_init(&st, "SELECT oms_api.mark_shipped($1::bigint, $2, $3, $4)");
	app_stmt_ll(&st, s->orders[s->cur]);
	app_stmt_text(&st, c->code);
	app_stmt_text(&st, s->tracking.buf);
	app_stmt_text(&st, c->services[s->form.f[F_SERVICE].chosen]);
	ui_query(s->v.ui, &s->v, TAG_SHIP, &st);
	s->form.sending = true;
	s->form.confirming = false;
	return UI_HANDLED | UI_REDRAW;
}

static int
ship_key(struct view *v, int key, int action)
{
	struct ship_view *s = sv(v);
	enum ui_form_event ev;
	int flags;

	if (!s->loaded)
		return action == UI_ACT_CLOSE || action == UI_ACT_BACK ? UI_POP | UI_HANDLED : UI_HANDLED;
	flags = ui_form_key(&s->form, key, action, &ev);
	switch (ev) {
	case UI_FORM_CLOSE:
		if (s->shipped)
			ui_message(v->ui, UI_EL_HINT, "Shipped %d of %d orders; order %lld and the rest were not.",
				   s->shipped, s->norders, s->orders[s->cur]);
		else
			ui_message(v->ui, UI_EL_HINT, "Nothing shipped.");
		if (s->shipped && s->parent && s->parent->ops->reload)
			s->parent->ops->reload(s->parent);
		return UI_POP | UI_HANDLED | UI_REDRAW;
	case UI_FORM_CHOSEN:
		if (s->form.focus == F_CARRIER) {
			ship_carrier_chosen(s);
			ui_form_focus(&s->form, F_SERVICE);
		} else {
			ui_form_focus(&s->form, F_TRACKING);
		}
		return UI_HANDLED | UI_REDRAW;
	case UI_FORM_CHECK:
		ui_form_confirming(&s->form, ship_valid(s));
		return UI_HANDLED | UI_REDRAW;
	case UI_FORM_SEND:
		return ship_send(s);
	default:
		return flags;
	}
}

static void
ship_carrier_row(void *arg, int row, int w, struct ui_line *line, enum ui_element *el)
{
	struct ship_view *s = arg;
	const struct carrier *c = &s->carriers[row];

	ui_line_cell(line, row == s->form.f[F_CARRIER].chosen ? "(*)" : "( )", 4, false);
	ui_line_cell(line, c->code, 8, false);
	ui_line_add(line, c->name, w - line->w);
	*el = UI_EL_NORMAL;
}

static void
ship_service_row(void *arg, int row, int w, struct ui_line *line, enum ui_element *el)
{
	struct ship_view *s = arg;
	const struct carrier *c = ship_carrier(s);

	ui_line_cell(line, row == s->form.f[F_SERVICE].chosen ? "(*)" : "( )", 4, false);
	ui_line_add(line, c && row < c->nservices ? c->services[row] : "", w - line->w);
	*el = UI_EL_NORMAL;
}

static void
ship_draw(struct view *v, struct ui_rect r)
{
	struct ship_view *s = sv(v);
	struct ui *ui = v->ui;
	struct ui_form *f = &s->form;
	const struct carrier *c = ship_carrier(s);
	struct ui_rect box;
	char buf[300], k[4][32];
	int x0, w, y, bottom, ch, shh;

	if (s->norders > 1)
		snprintf(buf, sizeof buf, "Ship order %lld (%d of %d)", s->orders[s->cur], s->cur + 1, s->norders);
	else
		snprintf(buf, sizeof buf, "Ship order %lld", s->orders[s->cur]);
	box = ui_frame_draw(ui, r, buf);
	x0 = box.x + 2;
	w = box.w - 4;
	y = box.y + 1;
	bottom = box.y + box.h - 3;
	ui->cursor_y = -1;
	if (!s->loaded) {
		ui_draw_text(y, x0, w, UI_EL_DIM, "Loading the carriers...");
		return;
	}
	ch = s->ncarriers < 5 ? s->ncarriers : 5;
	shh = c && c->nservices < 4 ? c->nservices : 4;
	if (shh < 1)
		shh = 1;
	if (bottom - y < ch + shh + 6 || w < 30) {
		ui_draw_text(y, x0, w, UI_EL_WARNING, "The terminal is too small for this dialog.");
		return;
	}
	y += ui_form_draw_field(f, F_CARRIER, y, x0, w, ch, ship_carrier_row, s);
	y += ui_form_draw_field(f, F_SERVICE, y, x0, w, shh, ship_service_row, s);
	y += ui_form_draw_field(f, F_TRACKING, y, x0, w, 1, NULL, NULL);
	if (s->refusal[0] && s->form.f[F_TRACKING].msg[0])
		y += ui_draw_wrapped(y, x0 + 11, w - 11, bottom - y - 1, UI_EL_ERROR, s->refusal);
	if (s->norders > 1 && y < bottom)
		ui_draw_text(++y, x0, w, UI_EL_HINT,
			     "The carrier and service stay chosen for the next order; Esc ends the pass.");
	snprintf(buf, sizeof buf, "%s  %s  %s  %s",
		 ui_form_key_text(ui, UI_ACT_FIELD_NEXT, "field", k[0], sizeof k[0]),
		 ui_form_key_text(ui, UI_ACT_CHOOSE, "choose", k[1], sizeof k[1]),
		 ui_form_key_text(ui, UI_ACT_CONFIRM, "confirm", k[2], sizeof k[2]),
		 ui_form_key_text(ui, UI_ACT_CLOSE, "close", k[3], sizeof k[3]));
	ui_form_draw_keys(f, box.y + box.h - 2, x0, w, "ship it", "Shipping...", buf);
}

static int
ship_paste(struct view *v, const char *text)
{
	return ui_form_paste(&sv(v)->form, text);
}

static bool
ship_typing(struct view *v)
{
	return ui_form_typing(&sv(v)->form);
}

static bool
ship_unsaved(struct view *v)
{
	return ui_form_unsaved(&sv(v)->form);
}

static int
ship_hints(struct view *v, int *acts, int max)
{
	static const int all[] = { UI_ACT_CONFIRM, UI_ACT_FIELD_NEXT, UI_ACT_CHOOSE, UI_ACT_CLOSE };
	int n = 0;

	(void)v;
	for (size_t i = 0; i < sizeof all / sizeof all[0] && n < max; i++)
		acts[n++] = all[i];
	return n;
}

static void
ship_close(struct view *v)
{
	struct ship_view *s = sv(v);

	free(s->orders);
	free(s);
}

static const struct view_ops ship_ops = {
	.name = "Ship",
	.screen = UI_SCREEN_NONE,         /* its keys: the dialog's, not the queue's */
	.dialog = true,
	.open = ship_open,
	.close = ship_close,
	.draw = ship_draw,
	.key = ship_key,
	.result = ship_result,
	.hints = ship_hints,
	.paste = ship_paste,
	.typing = ship_typing,
	.unsaved = ship_unsaved,
};

static struct view *
ship_new(struct ui *ui, struct view *parent, const long long *orders, int n, const char *service)
{
	struct ship_view *s = calloc(1, sizeof *s);

	if (!s || !(s->orders = calloc((size_t)n, sizeof *s->orders))) {
		free(s);
		ui_message(ui, UI_EL_ERROR, "Out of memory.");
		return NULL;
	}
	memcpy(s->orders, orders, (size_t)n * sizeof *orders);
	s->norders = n;
	snprintf(s->service, sizeof s->service, "%s", service ? service : "ground");
	s->v.ops = &ship_ops;
	s->v.ui = ui;
	s->parent = parent;
	ui_list_init(&s->clist, true);
	ui_list_init(&s->slist, true);
	s->tracking.max = 40;
	ui_form_init(&s->form, ui, 11);
	ui_form_add(&s->form, UI_FIELD_CHOICE, "Carrier", true);
	ui_form_add(&s->form, UI_FIELD_CHOICE, "Service", true);
	ui_form_add(&s->form, UI_FIELD_TEXT, "Tracking", true);
	s->form.f[F_CARRIER].list = &s->clist;
	s->form.f[F_SERVICE].list = &s->slist;
	s->form.f[F_TRACKING].in = &s->tracking;
	return &s->v;
}
