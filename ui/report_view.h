/* The report screens' shared parts: periods (ui/report_period.c, pure:
 * the caller gives today's UTC date, so the unit tests need no clock) and
 * the orders behind a figure (ui/view_report_orders.c). */
#ifndef OMS_UI_REPORT_VIEW_H
#define OMS_UI_REPORT_VIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "date_words.h"
#include "ui.h"

/* The named periods: today, yesterday, last 7 days, last 30 days, this
 * month, last month, this quarter, this year (each ends today or, for the
 * past ones, on their last day). */
int ui_report_preset_count(void);
int ui_report_preset_default(void);          /* last 30 days */
const char *ui_report_preset_name(int p);
/* The preset's first and last day (YYYY-MM-DD, 11 bytes each) counted from
 * today (y, m, d). */
void ui_report_preset(int p, int y, int m, int d, char *from, char *to);
/* The preset named by text (case and blanks do not matter), -1 none. */
int ui_report_preset_find(const char *text);
/* A period typed: a preset's name; one date or date word (today,
 * yesterday, -7d, this month, last month, 2024-05-01: the days it names);
 * or two of them ("2024-05-01 2024-05-31", "2024-05-01..today",
 * "-30d today"). UI_DATE_OK with from and to filled, else why not. */
enum ui_date_check ui_report_period_parse(const char *text, int y, int m, int d, char *from,
					  char *to);
/* The days of a report's row: its period (the bucket's first day), the
 * grouping (day, week, month, all) and the report's from..to, which
 * bounds the bucket. */
void ui_report_bucket(const char *period, const char *by, const char *from, const char *to,
		      char *bfrom, char *bto);
/* The periods (first days of the buckets: weeks start on Monday, as
 * date_trunc) of from..to grouped by `by`, at most max; how many. */
int ui_report_periods(const char *from, const char *to, const char *by, char (*out)[11], int max);

/* The orders behind a figure: oms_api.report_orders(figure, from, to,
 * seller, status) (fulfilment staff: their seller's; administrators: all;
 * analysts: refused by the database, said on the screen). */
struct report_figure {
	const char *figure;          /* static: "placed", "unshipped", ... */
	char from[11], to[11];       /* "" : NULL (all time, today) */
	long long seller;            /* 0: NULL */
	char status[40];             /* "" : NULL */
	char what[96];               /* "Volume, Orders": the title */
};
struct view *view_report_orders_new(struct ui *ui, const struct report_figure *f);
/* The rows of a list call the dashboard names (`oms_api.jobs('dead')`):
 * only calls of oms_api functions with quoted words or NULL as arguments
 * are run; NULL (said in the status line) for anything else. */
struct view *view_report_list_new(struct ui *ui, const char *title, const char *call);
/* True when call is such a list call. */
bool ui_report_list_call_ok(const char *call);

/* The dashboard (ui/view_dashboard.c): the administrator's home. */
struct view *view_dashboard_new(struct ui *ui);

#endif
