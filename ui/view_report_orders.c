/* The list behind a figure (ui/report_view.h): the orders of a report's
 * figure (oms_api.report_orders, 50 a page, the next page read as the
 * cursor nears the end), or the rows of a list the dashboard names
 * (oms_api.jobs('dead'), ...). Enter opens the order under the cursor,
 * e exports the whole list as it is filtered. On the report connection. */
#include "config.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/report.h"
#include "db/db.h"
#include "export.h"
#include "list.h"
#include "money.h"
#include "report_view.h"
#include "rtable.h"
#include "screens.h"
#include "views.h"

enum { TAG_PAGE = 1 };
#define PAGE 50
#define MAXCOLS 24


struct orders_view {
	struct view v;
	bool figure_mode;
	struct report_figure f;
	char *call_sql;                 /* generic: SELECT * FROM call */
	char title[160];
	struct rtable t;
	struct ui_list list;
	bool loading, loaded, more;
	char failed[240];
	int widths[MAXCOLS];
};

static struct orders_view *
ov(struct view *v)
{
	return (struct orders_view *)v;
}

/* The list's statement (src/app/report.c for the orders of a figure). */
static bool
orders_stmt(struct orders_view *o, struct app_stmt *st, int limit, long long after)
{
	struct report_orders_query q = {
		o->f.figure, o->f.from[0] ? o->f.from : NULL, o->f.to[0] ? o->f.to : NULL,
		o->f.seller, o->f.status[0] ? o->f.status : NULL, limit, after,
	};
	struct oms_error err;

	if (!o->figure_mode) {
		app_stmt_init(st, o->call_sql);
		return true;
	}
	oms_error_clear(&err);
	if (report_orders_stmt(&q, st, &err) != OMS_OK) {
		snprintf(o->failed, sizeof o->failed, "%.200s", err.msg);
		o->loaded = true;
		return false;
	}
	return true;
}

static void
orders_send(struct orders_view *o, bool next)
{
	struct app_stmt st;
	long long after = 0;

	if (next && o->t.nrows > 0)
		after = rtable_ll(&o->t, o->t.nrows - 1, "order_no");
	if (!orders_stmt(o, &st, PAGE, after))
		return;
	o->loading = true;
	if (!next)
		o->failed[0] = '\0';
	ui_query_on(o->v.ui, &o->v, UI_TARGET_REPORT, TAG_PAGE + (next ? 1 : 0), &st);
}

static int
orders_open(struct view *v)
{
	orders_send(ov(v), false);
	return UI_REDRAW;
}

static int
orders_reload(struct view *v)
{
	orders_send(ov(v), false);
	return UI_HANDLED | UI_REDRAW;
}

static void
cell(const struct orders_view *o, int row, int c, char *buf, size_t len)
{
	const char *name = o->t.names[c], *v = rtable_at(&o->t, row, c);
	size_t n = strlen(name);

	if (n > 6 && strcmp(name + n - 6, "_minor") == 0 && rtable_col(&o->t, "currency") >= 0 && *v) {
		money_format(strtoll(v, NULL, 10), rtable_get(&o->t, row, "currency"), buf, len);
		return;
	}
	if (strlen(v) >= 19 && v[4] == '-' && (v[10] == 'T' || v[10] == ' ') && v[13] == ':') {
		ui_fmt_time(v, buf, len);
		return;
	}
	snprintf(buf, len, "%s", v);
}

static void
orders_widths(struct orders_view *o)
{
	char buf[256];

	for (int c = 0; c < o->t.ncols && c < MAXCOLS; c++) {
		int w = ui_width(o->t.names[c]);

		for (int i = 0; i < o->t.nrows && i < 500; i++) {
			int cw;

			cell(o, i, c, buf, sizeof buf);
			cw = ui_width(buf);
			w = cw > w ? cw : w;
		}
		o->widths[c] = w > 24 ? 24 : w;
	}
}

static bool
right_col(const struct orders_view *o, int c)
{
	const char *v = rtable_at(&o->t, 0, c);

	return (*v && (isdigit((unsigned char)*v) || *v == '-') && !strchr(v, ':') &&
		strlen(v) != 10) || strstr(o->t.names[c], "_minor") != NULL;
}

static void
orders_line(struct orders_view *o, int row, int w, struct ui_line *l)
{
	char buf[256];

	for (int c = 0; c < o->t.ncols && c < MAXCOLS && l->w < w; c++) {
		if (strcmp(o->t.names[c], "currency") == 0 && rtable_col(&o->t, "total_minor") >= 0)
			continue;
		if (row < 0)
			snprintf(buf, sizeof buf, "%s", o->t.names[c]);
		else
			cell(o, row, c, buf, sizeof buf);
		ui_line_cell(l, buf, o->widths[c], row >= 0 && right_col(o, c));
		ui_line_add(l, "  ", 2);
	}
}

static void
orders_row(void *arg, int row, int w, struct ui_line *l, enum ui_element *el)
{
	(void)el;
	orders_line(arg, row, w, l);
}

static int
orders_result(struct view *v, int tag, struct db_result *res, const struct oms_error *err)
{
	struct orders_view *o = ov(v);
	bool next = tag == TAG_PAGE + 1;

	o->loading = false;
	if (!res) {
		if (!next)
			rtable_free(&o->t);
		if (err && err->status == OMS_DENIED)
			snprintf(o->failed, sizeof o->failed, "%s",
				 ui_role_is(v->ui, "analyst") ?
				 "Analysts may not see orders: the database refused the list behind this "
				 "figure. The figures themselves are yours to read and export." :
				 "Your role may not see these orders: the database refused the list.");
		else if (err && err->status == OMS_CANCELLED)
			snprintf(o->failed, sizeof o->failed, "Cancelled; C-r reads the list again.");
		else
			snprintf(o->failed, sizeof o->failed, "The list could not be read: %.180s",
				 err ? err->msg : "unexpected answer");
		o->loaded = true;
		return UI_REDRAW;
	}
	if (!rtable_read(&o->t, res, next))
		snprintf(o->failed, sizeof o->failed, "Out of memory.");
	o->more = o->figure_mode && db_rows(res) == PAGE;
	o->loaded = true;
	orders_widths(o);
	ui_list_set_count(&o->list, o->t.nrows);
	return UI_REDRAW;
}

static void
orders_draw(struct view *v, struct ui_rect r)
{
	struct orders_view *o = ov(v);
	struct ui_line l;
	char head[256], pos[64];

	ui_list_position(&o->list, pos, sizeof pos, o->more);
	if (o->figure_mode)
		snprintf(head, sizeof head, "%s: %s %s..%s%s%s  (%s)", o->f.what, o->f.figure,
			 o->f.from[0] ? o->f.from : "start", o->f.to[0] ? o->f.to : "today",
			 o->f.status[0] ? "  " : "", o->f.status, pos);
	else
		snprintf(head, sizeof head, "%s  (%s)", o->title, pos);
	ui_draw_text(r.y, r.x, r.w, UI_EL_HEADER, head);
	if (!o->loaded || o->failed[0] || o->t.nrows == 0) {
		for (int i = r.y + 1; i < r.y + r.h; i++)
			ui_draw_text(i, r.x, r.w, UI_EL_NORMAL, "");
		if (o->failed[0]) {
			/* wrap the refusal over two lines at most */
			int w = r.w - 4, n = (int)strlen(o->failed);

			if (n <= w) {
				ui_draw_text(r.y + 2, r.x + 2, w, UI_EL_WARNING, o->failed);
			} else {
				int cut = w;

				while (cut > 0 && o->failed[cut] != ' ')
					cut--;
				if (cut == 0)
					cut = w;
				snprintf(head, sizeof head, "%.*s", cut, o->failed);
				ui_draw_text(r.y + 2, r.x + 2, w, UI_EL_WARNING, head);
				ui_draw_text(r.y + 3, r.x + 2, w, UI_EL_WARNING, o->failed + cut + 1);
			}
		} else {
			ui_draw_text(r.y + 2, r.x, r.w, UI_EL_DIM,
				     o->loaded ? "  No rows." : "  Reading the list...");
		}
		return;
	}
	ui_line_init(&l, v->ui->ascii);
	if (v->ui->plain)
		ui_line_add(&l, " ", 1);
	orders_line(o, -1, r.w, &l);
	ui_draw_line(r.y + 1, r.x, r.w, UI_EL_SECTION, &l);
	ui_line_free(&l);
	ui_list_draw(v->ui, &o->list, (struct ui_rect){ r.y + 2, r.x, r.h - 2, r.w }, orders_row, o);
}

static int
orders_resize(struct view *v, struct ui_rect r)
{
	ov(v)->list.height = r.h > 2 ? r.h - 2 : 1;
	return UI_REDRAW;
}

static int
orders_export(struct orders_view *o)
{
	struct app_stmt st;
	struct view *nv;

	if (!o->loaded || o->failed[0]) {
		ui_message(o->v.ui, UI_EL_WARNING, "Nothing to export: the list has not been read.");
		return UI_HANDLED | UI_REDRAW;
	}
	if (!orders_stmt(o, &st, INT_MAX, 0))
		return UI_HANDLED | UI_REDRAW;
	nv = view_export_new(o->v.ui, o->figure_mode ? o->f.figure : "list",
			     o->figure_mode ? &row_report_orders : NULL, &st);
	if (nv)
		ui_push(o->v.ui, nv);
	return UI_HANDLED | UI_REDRAW;
}

static int
orders_key(struct view *v, int key, int action)
{
	struct orders_view *o = ov(v);
	struct view *nv;
	int flags;

	(void)key;
	switch (action) {
	case UI_ACT_OPEN:
		if (o->list.sel < 0 || o->list.sel >= o->t.nrows || rtable_col(&o->t, "order_no") < 0)
			return UI_HANDLED;
		nv = view_order_new(v->ui, rtable_ll(&o->t, o->list.sel, "order_no"));
		if (nv)
			ui_push(v->ui, nv);
		return UI_HANDLED | UI_REDRAW;
	case UI_ACT_EXPORT:
		return orders_export(o);
	default:
		flags = ui_list_action(&o->list, action);
		if (o->more && !o->loading && o->list.sel >= o->t.nrows - 10)
			orders_send(o, true);
		return flags;
	}
}

static int
orders_hints(struct view *v, int *acts, int max)
{
	static const int want[] = { UI_ACT_OPEN, UI_ACT_EXPORT, UI_ACT_BACK, UI_ACT_HELP };
	int n = 0;

	(void)v;
	for (size_t i = 0; i < sizeof want / sizeof want[0] && n < max; i++)
		acts[n++] = want[i];
	return n;
}

static void
orders_close(struct view *v)
{
	struct orders_view *o = ov(v);

	rtable_free(&o->t);
	free(o->call_sql);
	free(o);
}

static const struct view_ops orders_ops = {
	.name = "Orders behind",
	.screen = UI_SCREEN_REPORT_ORDERS,
	.open = orders_open,
	.close = orders_close,
	.draw = orders_draw,
	.key = orders_key,
	.resize = orders_resize,
	.reload = orders_reload,
	.result = orders_result,
	.hints = orders_hints,
};

static struct orders_view *
orders_alloc(struct ui *ui)
{
	struct orders_view *o = calloc(1, sizeof *o);

	if (!o)
		return NULL;
	o->v.ops = &orders_ops;
	o->v.ui = ui;
	ui_list_init(&o->list, true);
	return o;
}

struct view *
view_report_orders_new(struct ui *ui, const struct report_figure *f)
{
	struct orders_view *o = orders_alloc(ui);

	if (!o)
		return NULL;
	o->figure_mode = true;
	o->f = *f;
	return &o->v;
}

/* oms_api.NAME(ARG, ...) with ARG a quoted word ('dead', '2026-12-06'),
 * NULL or a number. */
bool
ui_report_list_call_ok(const char *s)
{
	const char *p = s;

	if (strncmp(p, "oms_api.", 8) != 0)
		return false;
	p += 8;
	if (!islower((unsigned char)*p))
		return false;
	while (islower((unsigned char)*p) || *p == '_')
		p++;
	if (*p++ != '(')
		return false;
	while (*p && *p != ')') {
		if (*p == '\'') {
			p++;
			while (*p && (isalnum((unsigned char)*p) || *p == '_' || *p == '-' || *p == ' '))
				p++;
			if (*p++ != '\'')
				return false;
		} else if (strncmp(p, "NULL", 4) == 0) {
			p += 4;
		} else if (isdigit((unsigned char)*p)) {
			while (isdigit((unsigned char)*p))
				p++;
		} else {
			return false;
		}
		if (*p == ',') {
			p++;
			if (*p == ' ')
				p++;
		} else if (*p != ')') {
			return false;
		}
	}
	return p[0] == ')' && p[1] == '\0';
}

/* The next argument of a list call: a quoted word (copied), NULL (""). */
static const char *
next_arg(const char *p, char *out, size_t len)
{
	size_t n = 0;

	out[0] = '\0';
	while (*p == ' ' || *p == ',' || *p == '(')
		p++;
	if (*p == '\'') {
		for (p++; *p && *p != '\''; p++)
			if (n + 1 < len)
				out[n++] = *p;
		out[n] = '\0';
		return *p ? p + 1 : p;
	}
	while (*p && *p != ',' && *p != ')') {
		if (n + 1 < len && strncmp(p, "NULL", 4) != 0)
			out[n++] = *p;
		p++;
	}
	out[n] = '\0';
	if (strcmp(out, "NULL") == 0 || strncmp(out, "NUL", 3) == 0)
		out[0] = '\0';
	return p;
}

struct view *
view_report_list_new(struct ui *ui, const char *title, const char *call)
{
	static const char *const figures[] = {
		"placed", "confirmed", "shipped", "shipped_late", "unshipped", "delivered",
		"delivered_late", "exception", "stuck", "inaccurate", "cancelled",
		"refund_executed", "refund_pending", "refund_failed", "refund_awaiting",
	};
	struct orders_view *o;
	size_t n;

	if (!ui_report_list_call_ok(call)) {
		ui_message(ui, UI_EL_WARNING, "No list stands behind this figure.");
		return NULL;
	}
	if (!(o = orders_alloc(ui)))
		return NULL;
	snprintf(o->title, sizeof o->title, "%s", title);
	if (strncmp(call, "oms_api.report_orders(", 22) == 0) {
		char fig[40], seller[24];
		const char *p = call + 21;

		p = next_arg(p, fig, sizeof fig);
		p = next_arg(p, o->f.from, sizeof o->f.from);
		p = next_arg(p, o->f.to, sizeof o->f.to);
		p = next_arg(p, seller, sizeof seller);
		next_arg(p, o->f.status, sizeof o->f.status);
		o->f.seller = strtoll(seller, NULL, 10);
		for (size_t i = 0; i < sizeof figures / sizeof figures[0]; i++)
			if (strcmp(fig, figures[i]) == 0)
				o->f.figure = figures[i];
		if (o->f.figure) {
			o->figure_mode = true;
			snprintf(o->f.what, sizeof o->f.what, "%s", title);
			return &o->v;
		}
	}
	n = strlen(call) + 32;
	if (!(o->call_sql = malloc(n))) {
		free(o);
		return NULL;
	}
	snprintf(o->call_sql, n, "SELECT * FROM %s", call);
	return &o->v;
}
