/* The report screen's insides (ui/view_reports.c draws and keys it,
 * ui/view_reports_data.c holds the reports' columns, the cells' words and
 * the chart's series). Not for other views. */
#ifndef OMS_UI_VIEW_REPORTS_INT_H
#define OMS_UI_VIEW_REPORTS_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "app/report.h"
#include "form.h"
#include "input.h"
#include "list.h"
#include "rtable.h"

/* A column of a report: its result column, heading, width, how its value
 * is shown ('d' date, 's' seller, 't' text, 'i' count, 'm' money, 'r' rate
 * 0..1, 'h' hours, 'k' a KPI's value with its unit, 'b' met), and the
 * figure of oms_api.report_orders behind it (NULL: none). Key columns
 * (key) stay on screen; the others scroll under the figure cursor. */
struct rcol {
	const char *name, *head;
	int w;
	char fmt;
	bool key;
	const char *figure;
};

struct rkind {
	enum report_kind id;                        /* src/app/report.h */
	const char *key, *title, *chart_of;         /* chart_of: the chart's words */
	const struct rcol *cols;
	int ncols;
	const char *status_col;                     /* report_orders' p_status from this column */
	const char *group_col;                      /* the chart's bars over the whole period */
};

extern const struct rkind rep_kinds[];
extern const int rep_nkinds;
/* The groupings: day, week, month, all. */
#define NBYS 4
extern const char *const rep_bys[NBYS];
/* The figure of oms_api.report_orders behind a KPI (its failures), NULL none. */
const char *rep_kpi_figure(const char *kpi);

#define MAX_SELLERS 256

struct reports_view {
	struct view v;
	int kind, by, preset;           /* preset: ui_report_presets index, -1 typed */
	char from[11], to[11];
	long long seller;               /* 0: every seller the person may see */
	int seller_idx;                 /* -1: all */
	long long seller_ids[MAX_SELLERS];
	char *seller_names[MAX_SELLERS];
	int nsellers;
	bool loading, loaded;
	char failed[200];
	struct rtable t;
	struct ui_list list;
	int fig;                        /* the figure column (index into kind's cols) */
	int first_fig;                  /* the first figure column shown */
	/* the period prompt */
	bool prompt;
	struct ui_input in;
	struct ui_form form;
};

static inline const struct rkind *
kind_of(const struct reports_view *r)
{
	return &rep_kinds[r->kind];
}

/* The seller's name for an id (the id when it is not one of the list). */
const char *rep_seller_name(const struct reports_view *r, const char *id);
/* A cell as shown: money, rates, hours, a KPI's value with its unit, ... */
void rep_fmt_cell(const struct reports_view *r, int row, const struct rcol *c, char *buf, size_t len);

/* The chart's values: the figure under the cursor summed (rates and hours:
 * their mean) per period of the range, the empty ones too, or, over the
 * whole period, per status, reason, seller or KPI. */
struct series {
	int n;
	char **labels, **texts;
	double *v;
};
void rep_series(struct reports_view *r, struct series *s);
void rep_series_free(struct series *s);

#endif
