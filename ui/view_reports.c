/* The reports home: where an analyst lands. It says what an analyst has
 * today (the PII-free report views) and shows a few figures read from
 * them over the report connection (a replica when [connection]
 * report_conninfo names one), so a slow report never holds up the
 * primary connection that the lookup and the order screens use. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/report.h"
#include "doc.h"
#include "screens.h"
#include "views.h"

enum { TAG_FIGURES = 1 };

struct reports_view {
	struct view v;
	struct ui_doc doc;
	enum { FIG_LOADING, FIG_DONE, FIG_FAILED } state;
	struct report_figures fig;     /* report_figures_stmt (src/app/report.c) */
	char failed[160];
};

static struct reports_view *
rv(struct view *v)
{
	return (struct reports_view *)v;
}

static void
reports_build(struct reports_view *r)
{
	struct ui_doc *d = &r->doc;
	static const char *const views[][2] = {
		{ "daily_order_volume", "orders placed per UTC day, seller and status" },
		{ "cancellation_rates", "cancellations per day and reason, against orders placed" },
		{ "fulfilment_times", "hours to confirm, ship and deliver, per day and seller" },
		{ "refunds", "refunds per day: granted and executed" },
		{ "status_now", "orders per status and seller, now" },
	};

	doc_clear(d);
	doc_section(d, "Figures now (report connection)");
	switch (r->state) {
	case FIG_LOADING:
		doc_add(d, UI_EL_DIM, "  Reading the report views...");
		break;
	case FIG_FAILED:
		doc_addf(d, UI_EL_WARNING, "  %s", r->failed);
		break;
	case FIG_DONE:
		doc_addf(d, UI_EL_NORMAL, "  Orders:                       %lld", r->fig.orders);
		doc_addf(d, UI_EL_NORMAL, "  Open (pending or confirmed):  %lld", r->fig.open_orders);
		doc_addf(d, UI_EL_NORMAL, "  Refunds, last 30 days:        %lld", r->fig.refunds_30d);
		break;
	}
	doc_add(d, UI_EL_NORMAL, "");
	doc_section(d, "What you can use today");
	doc_wrap(d, UI_EL_NORMAL, 2, "  The report views of schema oms_report, read-only and without "
		 "personal data, from psql or any SQL client:");
	for (size_t i = 0; i < sizeof views / sizeof views[0]; i++)
		doc_addf(d, UI_EL_NORMAL, "    %-20s %s", views[i][0], views[i][1]);
	doc_add(d, UI_EL_NORMAL, "");
	doc_wrap(d, UI_EL_DIM, 2, "  Reports and CSV export in this program are still to come; "
		 "customers' orders and personal data are not for analysts.");
}

static void
reports_send(struct reports_view *r)
{
	struct app_stmt st;

	report_figures_stmt(&st);
	r->state = FIG_LOADING;
	ui_query_on(r->v.ui, &r->v, UI_TARGET_REPORT, TAG_FIGURES, &st);
	reports_build(r);
}

static int
reports_open(struct view *v)
{
	reports_send(rv(v));
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
	struct oms_error perr;

	(void)tag;
	oms_error_clear(&perr);
	if (res && report_figures_parse(res, &r->fig, &perr) == OMS_OK) {
		r->state = FIG_DONE;
	} else {
		r->state = FIG_FAILED;
		snprintf(r->failed, sizeof r->failed, "%s",
			 !err ? "The report views answered in an unexpected shape." :
			 err->status == OMS_CANCELLED ? "Cancelled; refresh reads them again." :
			 err->status == OMS_DENIED ? "The report views are not readable for your role." :
			 "The report connection failed; refresh tries again.");
		if (err)
			ui_message_error(v->ui, err);
	}
	reports_build(r);
	ui_list_set_count(&r->doc.scroll, r->doc.n);
	return UI_REDRAW;
}

static void
reports_draw(struct view *v, struct ui_rect r)
{
	doc_draw(v->ui, &rv(v)->doc, r);
}

static int
reports_resize(struct view *v, struct ui_rect rect)
{
	struct reports_view *r = rv(v);

	if (r->doc.width != rect.w) {
		r->doc.width = rect.w;
		reports_build(r);
	}
	r->doc.scroll.height = rect.h;
	ui_list_set_count(&r->doc.scroll, r->doc.n);
	return UI_REDRAW;
}

static int
reports_key(struct view *v, int key, int action)
{
	(void)key;
	return ui_list_action(&rv(v)->doc.scroll, action);
}

static int
reports_hints(struct view *v, int *acts, int max)
{
	int want[] = { UI_ACT_REFRESH, UI_ACT_MENU, UI_ACT_HELP, UI_ACT_QUIT };
	int n = 0;

	(void)v;
	for (size_t i = 0; i < sizeof want / sizeof want[0] && n < max; i++)
		acts[n++] = want[i];
	return n;
}

static void
reports_close(struct view *v)
{
	doc_free(&rv(v)->doc);
	free(v);
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
};

struct view *
view_reports_new(struct ui *ui)
{
	struct reports_view *r = calloc(1, sizeof *r);

	if (!r)
		return NULL;
	r->v.ops = &reports_ops;
	r->v.ui = ui;
	doc_init(&r->doc, ui->cols, ui->ascii);
	reports_build(r);
	return &r->v;
}
