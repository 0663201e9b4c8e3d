/* Reports (src/app/report.c): the reports, KPIs and dashboard of issue 10
 * (oms_api.report_*, oms_api.dashboard), and what the terminal client's
 * reports home reads from the report views (schema oms_report: read-only, without
 * personal data). The terminal client sends these over its report
 * connection (a replica when [connection] report_conninfo names one). */
#ifndef OMS_APP_REPORT_H
#define OMS_APP_REPORT_H

#include <stdbool.h>

#include "app/app.h"
#include "app/row.h"

struct db_result;

/* The reports home's figures now. */
struct report_figures {
	long long orders;             /* every order, any status */
	long long open_orders;        /* PENDING or CONFIRMED */
	long long refunds_30d;        /* refunds of the last 30 UTC days */
};
/* One row: orders, open_orders, refunds_30d (oms_report.status_now,
 * oms_report.refunds). */
void report_figures_stmt(struct app_stmt *st);
/* OMS_SCHEMA (f zeroed) unless the result is one row with those columns. */
enum oms_status report_figures_parse(const struct db_result *r, struct report_figures *f,
				     struct oms_error *err);

/* --- reports (issue 10): oms_api.report_* over the summaries -------------- */

enum report_kind {
	REPORT_VOLUME, REPORT_CANCELLATIONS, REPORT_REFUNDS, REPORT_FULFILMENT, REPORT_KPI,
	REPORT_COUNT
};

/* One report's parameters. Dates are "YYYY-MM-DD" (UTC days, both
 * included) or NULL (from: all time; to: today); seller_id 0 = every
 * seller the caller may see; by "day", "week", "month" or NULL (one
 * period for the whole range). */
struct report_query {
	enum report_kind kind;
	const char *from, *to;
	long long seller_id;
	const char *by;
};

/* "volume", "cancellations", ... ; NULL past the last. */
const char *report_name(enum report_kind k);
/* The report named s; false when there is none. */
bool report_kind_parse(const char *s, enum report_kind *k);
/* The row type of a report's rows (its columns, text table, CSV, JSON). */
const struct row_desc *report_desc(enum report_kind k);
/* Whether s is a date as the reports take it: YYYY-MM-DD, a real day. */
bool report_date_ok(const char *s);
/* Whether s is a grouping: day, week, month or all. */
bool report_by_ok(const char *s);
/* The report's statement. OMS_INVALID for a malformed date or grouping. */
enum oms_status report_stmt(const struct report_query *q, struct app_stmt *st,
			    struct oms_error *err);

/* The orders behind a figure (oms_api.report_orders): figure as in
 * oms(1) REPORTS ("placed", "shipped_late", "cancelled", "refund_failed",
 * ...), status the status of a volume row or a cancellation reason code
 * (NULL: any), keyset paging by order_no (after 0: the first page). */
struct report_orders_query {
	const char *figure;
	const char *from, *to;
	long long seller_id;
	const char *status;
	int limit;
	long long after;
};
enum oms_status report_orders_stmt(const struct report_orders_query *q, struct app_stmt *st,
				   struct oms_error *err);

/* The administrator's dashboard (oms_api.dashboard): one row per figure. */
void dashboard_stmt(struct app_stmt *st);

/* Row types: the reports', the orders behind a figure, the dashboard's. */
extern const struct row_desc row_report_volume, row_report_cancellations, row_report_refunds,
	row_report_fulfilment, row_report_kpi, row_report_orders, row_dashboard;

#endif
