/* The administrator's dashboard, their home screen (issue 10): the
 * figures of oms_api.dashboard() by section (orders placed today by
 * status against the same weekday last week, the ship promise, outbox
 * backlog and dead jobs, stuck shipments, approvals waiting, refunds at
 * the gateway, the worker's last heartbeat ("no heartbeat for N min"
 * flagged) and its breakers, staff sessions, the database). It reads them
 * on the report connection, again every DASH_REFRESH_MS and soon after an
 * order changes (the oms_order notifications the primary connection
 * listens to: LISTEN plus a timer). Enter opens the list behind the
 * figure under the cursor: the orders, the jobs, the refunds, or the
 * approvals screen for what waits for a decision. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/report.h"
#include "db/db.h"
#include "list.h"
#include "report_view.h"
#include "rtable.h"
#include "screens.h"
#include "views.h"

enum { TAG_DASH = 1 };
#define DASH_REFRESH_MS 15000
#define DASH_SOON_MS 1500

struct dash_line {
	int row;                   /* the figure's row, -1: a section heading */
	const char *section;
};

struct dash_view {
	struct view v;
	struct rtable t;
	struct dash_line *lines;
	int nlines;
	struct ui_list list;
	bool loading, loaded, soon;
	bool due;                  /* a refresh waits until the dashboard is on top again */
	char failed[200];
	char updated[16];
	uint64_t last;
};

static struct dash_view *
dv(struct view *v)
{
	return (struct dash_view *)v;
}

static const char *
section_title(const char *s)
{
	static const char *const names[][2] = {
		{ "orders", "Orders placed today (same weekday last week)" },
		{ "outbox", "Outbox" }, { "shipping", "Shipping" },
		{ "approvals", "Waiting for a decision" }, { "refunds", "Refunds at the gateway" },
		{ "worker", "Worker" }, { "sessions", "Staff sessions" }, { "database", "Database" },
	};

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(names[i][0], s) == 0)
			return names[i][1];
	return s;
}

static void
dash_send(struct dash_view *d)
{
	struct app_stmt st;

	dashboard_stmt(&st);
	d->loading = true;
	d->soon = false;
	d->last = ui_now_ms();
	ui_query_on(d->v.ui, &d->v, UI_TARGET_REPORT, TAG_DASH, &st);
	ui_timer(&d->v, DASH_REFRESH_MS);
}

static int
dash_open(struct view *v)
{
	dash_send(dv(v));
	return UI_REDRAW;
}

static int
dash_reload(struct view *v)
{
	dash_send(dv(v));
	return UI_HANDLED | UI_REDRAW;
}

static bool
dash_on_top(const struct view *v)
{
	return v->ui->depth > 0 && v->ui->stack[v->ui->depth - 1] == v;
}

static int
dash_tick(struct view *v)
{
	struct dash_view *d = dv(v);

	/* under another screen: nobody looks, the report connection is theirs */
	if (!dash_on_top(v)) {
		d->due = true;
		d->soon = false;
		return UI_UNHANDLED;
	}
	if (!d->loading)
		dash_send(d);
	else
		ui_timer(v, DASH_REFRESH_MS);
	return UI_REDRAW;
}

/* An order changed: read the figures again soon (at most every
 * DASH_SOON_MS, however many orders change). */
static int
dash_order_changed(struct view *v, long long order_no)
{
	struct dash_view *d = dv(v);

	(void)order_no;
	if (!dash_on_top(v)) {
		d->due = true;
		return UI_UNHANDLED;
	}
	if (!d->soon && !d->loading) {
		d->soon = true;
		ui_timer(v, DASH_SOON_MS);
	}
	return UI_UNHANDLED;
}

static void
dash_lines(struct dash_view *d)
{
	const char *prev = "";
	int n = 0;

	free(d->lines);
	d->lines = calloc((size_t)d->t.nrows * 2 + 1, sizeof *d->lines);
	if (!d->lines) {
		d->nlines = 0;
		return;
	}
	for (int i = 0; i < d->t.nrows; i++) {
		const char *s = rtable_get(&d->t, i, "section");

		if (strcmp(s, prev) != 0) {
			d->lines[n].row = -1;
			d->lines[n++].section = s;
			prev = s;
		}
		d->lines[n].row = i;
		d->lines[n++].section = s;
	}
	d->nlines = n;
}

static int
dash_result(struct view *v, int tag, struct db_result *res, const struct oms_error *err)
{
	struct dash_view *d = dv(v);
	time_t now = time(NULL);
	struct tm tm;

	(void)tag;
	d->loading = false;
	if (!res) {
		snprintf(d->failed, sizeof d->failed, "%s",
			 err && err->status == OMS_DENIED ? "The dashboard is for administrators." :
			 err && err->status == OMS_CANCELLED ? "Cancelled; C-r reads it again." :
			 "The report connection failed; the dashboard tries again by itself.");
		return UI_REDRAW;
	}
	d->failed[0] = '\0';
	rtable_read(&d->t, res, false);
	dash_lines(d);
	ui_list_set_count(&d->list, d->nlines);
	if (d->list.sel >= 0 && d->list.sel < d->nlines && d->lines[d->list.sel].row < 0 &&
	    d->list.sel + 1 < d->nlines)
		d->list.sel++;
	d->loaded = true;
	gmtime_r(&now, &tm);
	strftime(d->updated, sizeof d->updated, "%H:%M UTC", &tm);
	return UI_REDRAW;
}

static void
fmt_age(double s, char *buf, size_t len)
{
	long n = (long)s;

	if (n < 60)
		snprintf(buf, len, "%ld s", n);
	else if (n < 3600)
		snprintf(buf, len, "%ld min", n / 60);
	else if (n < 86400)
		snprintf(buf, len, "%ld h %ld min", n / 3600, n % 3600 / 60);
	else
		snprintf(buf, len, "%ld d %ld h", n / 86400, n % 86400 / 3600);
}

/* The figure as read: ages in words, sizes as the detail says, breakers
 * open, closed or unknown (no running worker's heartbeat), alerts (the
 * worker's heartbeat missing) ALERT or ok, counts with their unit. */
static void
fmt_value(const struct rtable *t, int row, char *buf, size_t len)
{
	const char *unit = rtable_get(t, row, "unit");
	double v = rtable_num(t, row, "value");

	if (rtable_null(t, row, "value"))
		snprintf(buf, len, "%s", strcmp(unit, "open") == 0 ? "unknown" : "-");
	else if (strcmp(unit, "s") == 0)
		fmt_age(v, buf, len);
	else if (strcmp(unit, "bytes") == 0)
		snprintf(buf, len, "%s", rtable_get(t, row, "detail"));
	else if (strcmp(unit, "open") == 0)
		snprintf(buf, len, "%s", v > 0 ? "OPEN" : "closed");
	else if (strcmp(unit, "alert") == 0)
		snprintf(buf, len, "%s", v > 0 ? "ALERT" : "ok");
	else if (strcmp(unit, "migration") == 0)
		snprintf(buf, len, "%.0f", v);
	else
		snprintf(buf, len, "%.0f", v);
}

static bool
warn_of(const struct rtable *t, int row)
{
	const char *f = rtable_get(t, row, "figure");
	double v = rtable_num(t, row, "value");

	return v > 0 && (strcmp(f, "dead") == 0 || strcmp(f, "past_promise") == 0 ||
			 strcmp(f, "stuck") == 0 || strcmp(f, "gateway_failed") == 0 ||
			 strncmp(f, "breaker_", 8) == 0 || strcmp(rtable_get(t, row, "unit"), "alert") == 0);
}

static void
dash_row(void *arg, int row, int w, struct ui_line *l, enum ui_element *el)
{
	struct dash_view *d = arg;
	const struct dash_line *dl = &d->lines[row];
	const struct rtable *t = &d->t;
	char value[64], rest[160];
	const char *unit, *detail;
	int r = dl->row;

	if (r < 0) {
		*el = UI_EL_SECTION;
		ui_line_add(l, section_title(dl->section), w);
		return;
	}
	unit = rtable_get(t, r, "unit");
	detail = rtable_get(t, r, "detail");
	fmt_value(t, r, value, sizeof value);
	ui_line_add(l, "  ", 2);
	ui_line_cell(l, rtable_get(t, r, "label"), 34, false);
	ui_line_add(l, " ", 1);
	ui_line_cell(l, value, 12, true);
	rest[0] = '\0';
	if (!rtable_null(t, r, "compare"))
		snprintf(rest, sizeof rest, "  (%.0f)", rtable_num(t, r, "compare"));
	else if (strcmp(unit, "migration") == 0 || strcmp(unit, "sessions") == 0 ||
		 strcmp(unit, "alert") == 0 || strcmp(unit, "open") == 0 ||
		 strcmp(rtable_get(t, r, "figure"), "worker_heartbeat") == 0)
		snprintf(rest, sizeof rest, "  %s", detail);   /* the heartbeat: who, "no heartbeat for N min" */
	ui_line_add(l, rest, w - l->w);
	if (warn_of(t, r))
		*el = UI_EL_WARNING;
}

static void
dash_draw(struct view *v, struct ui_rect r)
{
	struct dash_view *d = dv(v);
	char head[160];

	if (d->due && !d->loading) {
		/* back on top after a refresh fell due: read the figures now */
		d->due = false;
		dash_send(d);
	}

	snprintf(head, sizeof head, "Dashboard%s%s%s", d->loaded ? " (updated " : "",
		 d->loaded ? d->updated : "", d->loaded ? "; by itself as things change)" : "");
	ui_draw_text(r.y, r.x, r.w, UI_EL_HEADER, head);
	if (!d->loaded || d->failed[0]) {
		for (int i = r.y + 1; i < r.y + r.h; i++)
			ui_draw_text(i, r.x, r.w, UI_EL_NORMAL, "");
		ui_draw_text(r.y + 2, r.x, r.w, d->failed[0] ? UI_EL_WARNING : UI_EL_DIM,
			     d->failed[0] ? d->failed : "  Reading the figures...");
		if (!d->loaded)
			return;
	}
	ui_list_draw(v->ui, &d->list, (struct ui_rect){ r.y + 1, r.x, r.h - 1, r.w }, dash_row, d);
}

static int
dash_resize(struct view *v, struct ui_rect r)
{
	dv(v)->list.height = r.h > 1 ? r.h - 1 : 1;
	return UI_REDRAW;
}

static int
dash_key(struct view *v, int key, int action)
{
	struct dash_view *d = dv(v);
	int flags, dir = action == UI_ACT_UP || action == UI_ACT_PAGE_UP || action == UI_ACT_FIRST ? -1 : 1;
	const char *list;
	struct view *nv;

	(void)key;
	if (action == UI_ACT_OPEN) {
		int r;

		if (d->list.sel < 0 || d->list.sel >= d->nlines || (r = d->lines[d->list.sel].row) < 0)
			return UI_HANDLED;
		list = rtable_get(&d->t, r, "list");
		if (strstr(list, "pending_cancellations") || strstr(list, "pending_refunds"))
			return ui_screen_open(v->ui, UI_SCREEN_APPROVALS);
		if (!*list) {
			ui_message(v->ui, UI_EL_WARNING, "No list stands behind \"%s\".",
				   rtable_get(&d->t, r, "label"));
			return UI_HANDLED | UI_REDRAW;
		}
		nv = view_report_list_new(v->ui, rtable_get(&d->t, r, "label"), list);
		if (nv)
			ui_push(v->ui, nv);
		return UI_HANDLED | UI_REDRAW;
	}
	flags = ui_list_action(&d->list, action);
	/* the cursor stays on figures, never on a heading */
	if (d->nlines && d->list.sel >= 0 && d->lines[d->list.sel].row < 0) {
		int s = d->list.sel + dir;

		if (s < 0 || s >= d->nlines)
			s = d->list.sel - dir;
		if (s >= 0 && s < d->nlines)
			d->list.sel = s;
		ui_list_set_count(&d->list, d->nlines);
	}
	return flags;
}

static int
dash_hints(struct view *v, int *acts, int max)
{
	static const int want[] = { UI_ACT_OPEN, UI_ACT_REPORTS, UI_ACT_APPROVALS, UI_ACT_SEARCH,
				    UI_ACT_HELP, UI_ACT_QUIT };
	int n = 0;

	(void)v;
	for (size_t i = 0; i < sizeof want / sizeof want[0] && n < max; i++)
		acts[n++] = want[i];
	return n;
}

static void
dash_close(struct view *v)
{
	struct dash_view *d = dv(v);

	rtable_free(&d->t);
	free(d->lines);
	free(d);
}

static const struct view_ops dash_ops = {
	.name = "Dashboard",
	.screen = UI_SCREEN_DASHBOARD,
	.open = dash_open,
	.close = dash_close,
	.draw = dash_draw,
	.key = dash_key,
	.resize = dash_resize,
	.reload = dash_reload,
	.result = dash_result,
	.tick = dash_tick,
	.order_changed = dash_order_changed,
	.hints = dash_hints,
};

struct view *
view_dashboard_new(struct ui *ui)
{
	struct dash_view *d = calloc(1, sizeof *d);

	if (!d)
		return NULL;
	d->v.ops = &dash_ops;
	d->v.ui = ui;
	ui_list_init(&d->list, true);
	return &d->v;
}
