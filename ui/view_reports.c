/* The report screen (issue 10): one of the reports of oms_api
 * (report_volume, _cancellations, _refunds, _fulfilment, _kpi: see
 * oms-schema(7)) over a period, grouped by day, week, month or the whole
 * period, for every seller the person may see or one of them. A table of
 * the rows, a cursor on a row and on one of its figures, and a chart of
 * that figure per period (or per row when the period is one). Enter opens
 * the orders behind the figure (oms_api.report_orders: the database lets
 * administrators and fulfilment staff read them, not analysts), e exports
 * the table as it is filtered.
 *
 * Every query runs on the report connection (a replica when
 * [connection] report_conninfo names one), so a slow report never holds
 * up the lookup or the order screens on the primary connection. Who sees
 * what is the database's: analysts every seller, fulfilment staff their
 * own seller's rows (row-level security), administrators everything. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/report.h"
#include "chart.h"
#include "date_words.h"
#include "db/db.h"
#include "export.h"
#include "form.h"
#include "input.h"
#include "list.h"
#include "money.h"
#include "report_view.h"
#include "rtable.h"
#include "view_reports_int.h"
#include "screens.h"
#include "views.h"

enum { TAG_REPORT = 1, TAG_SELLERS };





static struct reports_view *
rv(struct view *v)
{
	return (struct reports_view *)v;
}


static void
today_utc(int *y, int *m, int *d)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	*y = tm.tm_year + 1900;
	*m = tm.tm_mon + 1;
	*d = tm.tm_mday;
}


/* The first figure column of the kind. */
static int
first_figure(const struct rkind *k)
{
	for (int i = 0; i < k->ncols; i++)
		if (!k->cols[i].key)
			return i;
	return k->ncols - 1;
}

/* The report's statement as filtered now (src/app/report.c). */
static bool
reports_stmt(struct reports_view *r, struct app_stmt *st)
{
	struct report_query q = { kind_of(r)->id, r->from, r->to, r->seller, rep_bys[r->by] };
	struct oms_error err;

	oms_error_clear(&err);
	if (report_stmt(&q, st, &err) != OMS_OK) {
		snprintf(r->failed, sizeof r->failed, "%.190s", err.msg);
		return false;
	}
	return true;
}

static void
reports_send(struct reports_view *r)
{
	struct app_stmt st;

	if (!reports_stmt(r, &st)) {
		r->loaded = true;
		return;
	}
	r->loading = true;
	r->failed[0] = '\0';
	ui_query_on(r->v.ui, &r->v, UI_TARGET_REPORT, TAG_REPORT, &st);
}

static void
reports_set_preset(struct reports_view *r, int p)
{
	int y, m, d;

	today_utc(&y, &m, &d);
	r->preset = p;
	ui_report_preset(p, y, m, d, r->from, r->to);
}

static int
reports_open(struct view *v)
{
	struct reports_view *r = rv(v);
	struct app_stmt st;

	app_stmt_init(&st, "SELECT seller_id, name FROM oms_api.report_sellers()");
	ui_query_on(v->ui, v, UI_TARGET_REPORT, TAG_SELLERS, &st);
	reports_send(r);
	return UI_REDRAW;
}

static int
reports_reload(struct view *v)
{
	reports_send(rv(v));
	return UI_HANDLED | UI_REDRAW;
}

static int
reports_result(struct view *v, int tag, struct db_result *res, const struct oms_error *err)
{
	struct reports_view *r = rv(v);

	if (tag == TAG_SELLERS) {
		if (!res)
			return UI_REDRAW;
		for (int i = 0; i < r->nsellers; i++)
			free(r->seller_names[i]);
		r->nsellers = 0;
		for (int i = 0; i < db_rows(res) && i < MAX_SELLERS; i++) {
			r->seller_ids[r->nsellers] = db_get_ll(res, i, 0);
			r->seller_names[r->nsellers++] = strdup(db_get(res, i, 1));
		}
		return UI_REDRAW;
	}
	r->loading = false;
	if (!res) {
		rtable_free(&r->t);
		snprintf(r->failed, sizeof r->failed, "%s",
			 !err ? "The report answered in an unexpected shape." :
			 err->status == OMS_CANCELLED ? "Cancelled; C-r runs the report again." :
			 err->status == OMS_DENIED ? "Reports are not readable for your role." :
			 err->status == OMS_INVALID ? "The database refused the period or grouping." :
			 "The report connection failed; C-r tries again.");
		if (err && err->status != OMS_CANCELLED)
			ui_message_error(v->ui, err);
	} else if (!rtable_read(&r->t, res, false)) {
		snprintf(r->failed, sizeof r->failed, "Out of memory.");
	}
	r->loaded = true;
	ui_list_set_count(&r->list, r->t.nrows);
	return UI_REDRAW;
}


/* The figure columns shown after the key columns in w cells, from first. */
static int
figures_fit(const struct rkind *k, int first, int w)
{
	int used = 0, n = 0;

	for (int i = 0; i < k->ncols; i++)
		if (k->cols[i].key)
			used += k->cols[i].w + 1;
	for (int i = first; i < k->ncols; i++) {
		if (k->cols[i].key)
			continue;
		if (used + k->cols[i].w + 1 > w && n > 0)
			break;
		used += k->cols[i].w + 1;
		n++;
	}
	return n;
}

static void
reports_scroll(struct reports_view *r, int w)
{
	const struct rkind *k = kind_of(r);
	int ff = first_figure(k);

	if (r->first_fig < ff)
		r->first_fig = ff;
	if (r->fig < r->first_fig)
		r->first_fig = r->fig;
	while (r->fig >= r->first_fig + figures_fit(k, r->first_fig, w) && r->first_fig < r->fig)
		r->first_fig++;
}

static void
line_cells(struct reports_view *r, int row, int w, struct ui_line *l, bool heading)
{
	const struct rkind *k = kind_of(r);
	int nfit = figures_fit(k, r->first_fig, w), shown = 0;
	char buf[128];

	for (int i = 0; i < k->ncols; i++) {
		const struct rcol *c = &k->cols[i];
		bool right = c->fmt != 't' && c->fmt != 'd' && c->fmt != 's';

		if (!c->key && (i < r->first_fig || shown >= nfit))
			continue;
		if (!c->key)
			shown++;
		if (heading) {
			if (i == r->fig && r->v.ui->plain)
				snprintf(buf, sizeof buf, "*%s", c->head);
			else
				snprintf(buf, sizeof buf, "%s", c->head);
		} else {
			rep_fmt_cell(r, row, c, buf, sizeof buf);
		}
		ui_line_cell(l, buf, c->w, right);
		ui_line_add(l, " ", 1);
	}
}

static void
reports_row(void *arg, int row, int w, struct ui_line *l, enum ui_element *el)
{
	(void)el;
	line_cells(arg, row, w, l, false);
}


/* --- drawing ---------------------------------------------------------------- */

static void
reports_head(struct reports_view *r, char *buf, size_t len)
{
	const struct rkind *k = kind_of(r);
	const char *seller = "every seller";
	char sb[160];

	if (r->seller) {
		snprintf(sb, sizeof sb, "%lld", r->seller);
		seller = rep_seller_name(r, sb);
	}
	snprintf(buf, len, "%s  %s..%s%s%s%s  by %s  %s", k->title, r->from, r->to,
		 r->preset >= 0 ? " (" : "", r->preset >= 0 ? ui_report_preset_name(r->preset) : "",
		 r->preset >= 0 ? ")" : "", rep_bys[r->by], seller);
}

static void
reports_draw(struct view *v, struct ui_rect rect)
{
	struct reports_view *r = rv(v);
	struct ui *ui = v->ui;
	const struct rkind *k = kind_of(r);
	char head[320], title[160];
	struct ui_line l;
	int chart_h, table_h, y = rect.y;
	struct series s;

	reports_head(r, head, sizeof head);
	ui_draw_text(y++, rect.x, rect.w, UI_EL_HEADER, head);
	if (r->prompt) {
		ui_form_draw_prompt(&r->form, y++, rect.x, rect.w, "Period (dates or words): ");
	} else {
		/* the report keys as bound now (oms.conf [keys]) */
		static const struct {
			int act;
			const char *word;
		} keys[] = {
			{ UI_ACT_REPORT_KIND, "report" }, { UI_ACT_REPORT_PERIOD, "period" },
			{ UI_ACT_REPORT_DATES, "dates" }, { UI_ACT_REPORT_BY, "by" },
			{ UI_ACT_REPORT_SELLER, "seller" }, { UI_ACT_FIGURE_RIGHT, "figure" },
			{ UI_ACT_OPEN, "orders" }, { UI_ACT_EXPORT, "export" },
		};
		struct ui_line kl;
		char kb[32];

		ui_line_init(&kl, ui->ascii);
		for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
			ui_keymap_key(&ui->km, keys[i].act, kb, sizeof kb);
			if (!kb[0])
				continue;
			ui_line_add(&kl, " ", 1);
			ui_line_add(&kl, kb, -1);
			ui_line_add(&kl, " ", 1);
			ui_line_add(&kl, keys[i].word, -1);
		}
		ui_draw_line(y++, rect.x, rect.w, UI_EL_DIM, &kl);
		ui_line_free(&kl);
	}
	/* while a report runs, the last one's rows would be shown under this
	 * one's heading: nothing is shown until it answers */
	if (!r->loaded || r->loading || r->failed[0] || r->t.nrows == 0) {
		const char *msg = r->failed[0] ? r->failed :
			!r->loaded || r->loading ? "  Running the report..." :
			"  No figures for this period.";

		for (int i = y; i < rect.y + rect.h; i++)
			ui_draw_text(i, rect.x, rect.w, UI_EL_NORMAL, "");
		ui_draw_text(y + 1, rect.x, rect.w, r->failed[0] ? UI_EL_WARNING : UI_EL_DIM, msg);
		return;
	}
	chart_h = (rect.h - 2) * 2 / 5;
	if (chart_h < 3)
		chart_h = rect.h - 2 >= 6 ? 3 : 0;
	table_h = rect.y + rect.h - y - chart_h;
	reports_scroll(r, rect.w);
	/* heading: the figure under the cursor stands out */
	ui_line_init(&l, ui->ascii);
	if (ui->plain)
		ui_line_add(&l, " ", 1);
	line_cells(r, -1, rect.w, &l, true);
	ui_draw_line(y, rect.x, rect.w, UI_EL_SECTION, &l);
	ui_line_free(&l);
	{
		/* the figure's heading in the selection's colours */
		int x = rect.x + (ui->plain ? 1 : 0), nfit = figures_fit(k, r->first_fig, rect.w), shown = 0;

		for (int i = 0; i < k->ncols; i++) {
			const struct rcol *c = &k->cols[i];

			if (!c->key && (i < r->first_fig || shown >= nfit))
				continue;
			if (!c->key)
				shown++;
			if (i == r->fig && !ui->plain) {
				char cell[64];
				struct ui_line hl;
				bool right = c->fmt != 't' && c->fmt != 'd' && c->fmt != 's';

				ui_line_init(&hl, ui->ascii);
				snprintf(cell, sizeof cell, "%s", c->head);
				ui_line_cell(&hl, cell, c->w, right);
				ui_draw_line(y, x, c->w, UI_EL_SELECTED, &hl);
				ui_line_free(&hl);
			}
			x += c->w + 1;
		}
	}
	y++;
	table_h--;
	ui_list_draw(ui, &r->list, (struct ui_rect){ y, rect.x, table_h, rect.w }, reports_row, r);
	y += table_h;
	if (chart_h <= 0)
		return;
	rep_series(r, &s);
	if (r->kind == 4 && rep_bys[r->by][0] == 'a')
		snprintf(title, sizeof title, "%s", "Each KPI's value");
	else if (r->kind == 4)
		snprintf(title, sizeof title, "%s %s %s", rtable_get(&r->t, r->list.sel, "label"),
			 k->chart_of, rep_bys[r->by]);
	else if (rep_bys[r->by][0] == 'a')
		snprintf(title, sizeof title, "%s per %s", k->cols[r->fig].head,
			 strcmp(k->group_col, "seller_id") == 0 ? "seller" :
			 strcmp(k->group_col, "reason_code") == 0 ? "reason" : k->group_col);
	else
		snprintf(title, sizeof title, "%s %s %s", k->cols[r->fig].head, k->chart_of,
			 rep_bys[r->by]);
	ui_draw_section(ui, y, rect.x, rect.w, title);
	ui_chart_draw(ui, (struct ui_rect){ y + 1, rect.x, chart_h - 1, rect.w },
		      (const char *const *)s.labels, (const char *const *)s.texts, s.v, s.n);
	rep_series_free(&s);
}

static int
reports_resize(struct view *v, struct ui_rect rect)
{
	rv(v)->list.height = rect.h > 6 ? rect.h / 2 : 1;
	return UI_REDRAW;
}

/* --- keys --------------------------------------------------------------------- */

static int
reports_prompt_key(struct reports_view *r, int key, int action)
{
	enum ui_form_event ev;
	int flags = ui_form_key(&r->form, key, action, &ev), y, m, d;
	char from[16], to[16];

	if (ev == UI_FORM_CLOSE) {
		r->prompt = false;
		r->v.dialog_keys = false;
		return UI_HANDLED | UI_REDRAW;
	}
	if (ev == UI_FORM_NONE)
		return action == UI_ACT_QUIT || action == UI_ACT_HELP ? flags : UI_HANDLED;
	if (ev != UI_FORM_CHECK && ev != UI_FORM_SEND)
		return flags;
	today_utc(&y, &m, &d);
	switch (ui_report_period_parse(r->in.buf, y, m, d, from, to)) {
	case UI_DATE_OK:
		break;
	case UI_DATE_NO_DAY:
		ui_message(r->v.ui, UI_EL_ERROR, "There is no such day in: %s.", r->in.buf);
		return UI_HANDLED | UI_REDRAW;
	default:
		ui_message(r->v.ui, UI_EL_ERROR, "Write two dates (2024-05-01 2024-05-31) or words: "
			   "today, yesterday, -7d, this month, last month, last 30 days.");
		return UI_HANDLED | UI_REDRAW;
	}
	if (strcmp(from, to) > 0) {
		ui_message(r->v.ui, UI_EL_ERROR, "The period ends before it starts.");
		return UI_HANDLED | UI_REDRAW;
	}
	memcpy(r->from, from, sizeof r->from);
	memcpy(r->to, to, sizeof r->to);
	r->from[10] = r->to[10] = '\0';
	r->preset = ui_report_preset_find(r->in.buf);
	r->prompt = false;
	r->v.dialog_keys = false;
	reports_send(r);
	return UI_HANDLED | UI_REDRAW;
}

/* The orders behind the figure under the cursor. */
static int
reports_open_orders(struct reports_view *r)
{
	const struct rkind *k = kind_of(r);
	const struct rcol *c = &k->cols[r->fig];
	struct report_figure f;
	int row = r->list.sel;
	struct view *nv;

	if (r->loading) {
		/* the rows on screen are the last report's, not this one's */
		ui_message(r->v.ui, UI_EL_WARNING, "The report is still running; Enter opens the orders "
			   "behind a figure once it has answered.");
		return UI_HANDLED | UI_REDRAW;
	}
	if (row < 0 || row >= r->t.nrows)
		return UI_HANDLED;
	memset(&f, 0, sizeof f);
	f.figure = c->figure;
	if (f.figure && strcmp(f.figure, "kpi") == 0)
		f.figure = rep_kpi_figure(rtable_get(&r->t, row, "kpi"));
	if (!f.figure) {
		ui_message(r->v.ui, UI_EL_WARNING, "No list of orders stands behind %s; "
			   "move to another figure (\xe2\x86\x90 \xe2\x86\x92).", c->head);
		return UI_HANDLED | UI_REDRAW;
	}
	ui_report_bucket(rtable_get(&r->t, row, "period"), rep_bys[r->by], r->from, r->to, f.from, f.to);
	f.seller = rtable_null(&r->t, row, "seller_id") ? r->seller : rtable_ll(&r->t, row, "seller_id");
	if (k->status_col && strcmp(f.figure, "placed") == 0 && strcmp(k->status_col, "status") == 0)
		snprintf(f.status, sizeof f.status, "%s", rtable_get(&r->t, row, "status"));
	else if (k->status_col && strcmp(f.figure, "cancelled") == 0)
		snprintf(f.status, sizeof f.status, "%s", rtable_get(&r->t, row, k->status_col));
	snprintf(f.what, sizeof f.what, "%s, %s", k->title, c->head);
	nv = view_report_orders_new(r->v.ui, &f);
	if (nv)
		ui_push(r->v.ui, nv);
	return UI_HANDLED | UI_REDRAW;
}

static int
reports_export(struct reports_view *r)
{
	struct app_stmt st;
	const struct rkind *k = kind_of(r);
	char what[64];
	struct view *nv;

	if (!r->loaded || r->loading || r->failed[0]) {
		ui_message(r->v.ui, UI_EL_WARNING, "Nothing to export until the report has answered.");
		return UI_HANDLED | UI_REDRAW;
	}
	if (!reports_stmt(r, &st))
		return UI_HANDLED | UI_REDRAW;
	snprintf(what, sizeof what, "%s report", k->key);
	nv = view_export_new(r->v.ui, what, report_desc(k->id), &st);
	if (nv)
		ui_push(r->v.ui, nv);
	return UI_HANDLED | UI_REDRAW;
}

static int
reports_key(struct view *v, int key, int action)
{
	struct reports_view *r = rv(v);
	const struct rkind *k = kind_of(r);

	if (r->prompt)
		return reports_prompt_key(r, key, action);
	switch (action) {
	case UI_ACT_REPORT_KIND:
		r->kind = (r->kind + 1) % rep_nkinds;
		r->fig = r->first_fig = first_figure(&rep_kinds[r->kind]);
		r->loaded = false;
		r->list.sel = 0;
		reports_send(r);
		return UI_HANDLED | UI_REDRAW;
	case UI_ACT_REPORT_BY:
		r->by = (r->by + 1) % NBYS;
		r->loaded = false;
		reports_send(r);
		return UI_HANDLED | UI_REDRAW;
	case UI_ACT_REPORT_PERIOD:
		reports_set_preset(r, (r->preset + 1) % ui_report_preset_count());
		r->loaded = false;
		reports_send(r);
		return UI_HANDLED | UI_REDRAW;
	case UI_ACT_REPORT_DATES:
		r->prompt = true;
		r->v.dialog_keys = true;
		{
			char cur[32];

			snprintf(cur, sizeof cur, "%s %s", r->from, r->to);
			ui_input_set(&r->in, cur);
		}
		ui_input_select_all(&r->in);
		ui_form_focus(&r->form, 0);
		return UI_HANDLED | UI_REDRAW;
	case UI_ACT_REPORT_SELLER:
		if (ui_role_is(v->ui, "fulfilment")) {
			ui_message(v->ui, UI_EL_WARNING, "Your reports are your seller's (%s) only.",
				   v->ui->who.seller_name);
			return UI_HANDLED | UI_REDRAW;
		}
		if (r->nsellers == 0)
			return UI_HANDLED;
		r->seller_idx = r->seller_idx + 1 >= r->nsellers ? -1 : r->seller_idx + 1;
		r->seller = r->seller_idx < 0 ? 0 : r->seller_ids[r->seller_idx];
		r->loaded = false;
		reports_send(r);
		return UI_HANDLED | UI_REDRAW;
	case UI_ACT_FIGURE_LEFT:
		for (int i = r->fig - 1; i >= 0; i--)
			if (!k->cols[i].key) {
				r->fig = i;
				break;
			}
		return UI_HANDLED | UI_REDRAW;
	case UI_ACT_FIGURE_RIGHT:
		for (int i = r->fig + 1; i < k->ncols; i++)
			if (!k->cols[i].key) {
				r->fig = i;
				break;
			}
		return UI_HANDLED | UI_REDRAW;
	case UI_ACT_OPEN:
		return reports_open_orders(r);
	case UI_ACT_EXPORT:
		return reports_export(r);
	default:
		return ui_list_action(&r->list, action);
	}
}

static int
reports_hints(struct view *v, int *acts, int max)
{
	static const int want[] = { UI_ACT_OPEN, UI_ACT_EXPORT, UI_ACT_MENU, UI_ACT_HELP, UI_ACT_QUIT };
	static const int prompt[] = { UI_ACT_CONFIRM, UI_ACT_CLOSE };
	const int *a = rv(v)->prompt ? prompt : want;
	int count = rv(v)->prompt ? 2 : (int)(sizeof want / sizeof want[0]), n = 0;

	for (int i = 0; i < count && n < max; i++)
		acts[n++] = a[i];
	return n;
}

static int
reports_paste(struct view *v, const char *text)
{
	struct reports_view *r = rv(v);

	return r->prompt ? ui_form_paste(&r->form, text) : UI_HANDLED;
}

static bool
reports_typing(struct view *v)
{
	return rv(v)->prompt;
}

static const char *
reports_title(struct view *v, char *buf, size_t len)
{
	snprintf(buf, len, "%s", kind_of(rv(v))->key);
	return buf;
}

static void
reports_close(struct view *v)
{
	struct reports_view *r = rv(v);

	for (int i = 0; i < r->nsellers; i++)
		free(r->seller_names[i]);
	rtable_free(&r->t);
	free(r);
}

static const struct view_ops reports_ops = {
	.name = "Reports",
	.screen = UI_SCREEN_REPORTS,
	.open = reports_open,
	.close = reports_close,
	.draw = reports_draw,
	.key = reports_key,
	.resize = reports_resize,
	.reload = reports_reload,
	.result = reports_result,
	.hints = reports_hints,
	.paste = reports_paste,
	.title = reports_title,
	.typing = reports_typing,
};

struct view *
view_reports_new(struct ui *ui)
{
	struct reports_view *r = calloc(1, sizeof *r);

	if (!r)
		return NULL;
	r->v.ops = &reports_ops;
	r->v.ui = ui;
	r->by = 0;
	r->seller_idx = -1;
	r->fig = r->first_fig = first_figure(&rep_kinds[0]);
	reports_set_preset(r, ui_report_preset_default());
	ui_list_init(&r->list, true);
	ui_form_init(&r->form, ui, 0);
	ui_form_add(&r->form, UI_FIELD_TEXT, "Period", false);
	r->form.f[0].in = &r->in;
	return &r->v;
}
