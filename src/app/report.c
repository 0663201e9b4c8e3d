#include "config.h"

/* Reports (report.h): the statements over the report views and their
 * parsers; the terminal client only draws what they read. */

#include <stdlib.h>
#include <string.h>

#include "app/appint.h"
#include "app/report.h"
#include "db/db.h"

void
report_figures_stmt(struct app_stmt *st)
{
	app_stmt_init(st,
		      "SELECT (SELECT coalesce(sum(orders), 0) FROM oms_report.status_now) AS orders, "
		      "(SELECT coalesce(sum(orders), 0) FROM oms_report.status_now "
		      "  WHERE status IN ('PENDING', 'CONFIRMED')) AS open_orders, "
		      "(SELECT coalesce(sum(refunds), 0) FROM oms_report.refunds "
		      "  WHERE day > (clock_timestamp() AT TIME ZONE 'UTC')::date - 30) AS refunds_30d");
}

enum oms_status
report_figures_parse(const struct db_result *r, struct report_figures *f, struct oms_error *err)
{
	static const char *const cols[] = {"orders", "open_orders", "refunds_30d", NULL};
	enum oms_status st;

	memset(f, 0, sizeof *f);
	if ((st = app_cols_check(r, cols, err)) != OMS_OK)
		return st;
	if (db_rows(r) != 1)
		return oms_fail(err, OMS_SCHEMA, "the report figures came as %d rows, not one",
				db_rows(r));
	f->orders = app_col_ll(r, 0, "orders");
	f->open_orders = app_col_ll(r, 0, "open_orders");
	f->refunds_30d = app_col_ll(r, 0, "refunds_30d");
	return OMS_OK;
}

/* --- reports (issue 10) -------------------------------------------------- */

#define NCOLS(a) ((int)(sizeof a / sizeof a[0]))

/* Periods, rates and hours are exact decimals from the server: text, as
 * the server writes them (JSON: strings, never a rounded binary float). */
static const struct row_col volume_cols[] = {
	{"period", ROW_TEXT, "PERIOD", 'l', false, NULL, 0, NULL},
	{"seller_id", ROW_INT, "SELLER", 'r', false, NULL, 0, NULL},
	{"status", ROW_TEXT, "STATUS", 'l', false, NULL, 0, NULL},
	{"orders", ROW_INT, "ORDERS", 'r', false, NULL, 0, NULL},
	{"total_minor", ROW_MONEY, "TOTAL", 'r', false, "currency", 0, NULL},
	{"currency", ROW_TEXT, NULL, 'l', false, NULL, 0, NULL},
};
const struct row_desc row_report_volume = {"volume", volume_cols, NCOLS(volume_cols), NULL,
					   "no orders were placed in the period", NULL};

static const struct row_col cancellations_cols[] = {
	{"period", ROW_TEXT, "PERIOD", 'l', false, NULL, 0, NULL},
	{"seller_id", ROW_INT, "SELLER", 'r', false, NULL, 0, NULL},
	{"reason_code", ROW_TEXT, "REASON", 'l', false, NULL, 0, NULL},
	{"requested_by_role", ROW_TEXT, "BY", 'l', false, NULL, 0, NULL},
	{"scope", ROW_TEXT, "SCOPE", 'l', false, NULL, 0, NULL},
	{"cancelled", ROW_INT, "DONE", 'r', false, NULL, 0, NULL},
	{"pending", ROW_INT, "PENDING", 'r', false, NULL, 0, NULL},
	{"rejected", ROW_INT, "REJECTED", 'r', false, NULL, 0, NULL},
	{"units", ROW_INT, "UNITS", 'r', false, NULL, 0, NULL},
	{"orders_placed", ROW_INT, "PLACED", 'r', false, NULL, 0, NULL},
	{"rate", ROW_TEXT, "RATE", 'r', false, NULL, 0, NULL},
};
const struct row_desc row_report_cancellations = {"cancellations", cancellations_cols,
						  NCOLS(cancellations_cols), NULL,
						  "no cancellation was requested in the period", NULL};

static const struct row_col refunds_cols[] = {
	{"period", ROW_TEXT, "PERIOD", 'l', false, NULL, 0, NULL},
	{"seller_id", ROW_INT, "SELLER", 'r', false, NULL, 0, NULL},
	{"requested", ROW_INT, "REQUESTED", 'r', false, NULL, 0, NULL},
	{"requested_amount_minor", ROW_MONEY, NULL, 'r', false, "currency", 0, NULL},
	{"granted", ROW_INT, "GRANTED", 'r', false, NULL, 0, NULL},
	{"granted_amount_minor", ROW_MONEY, "AMOUNT", 'r', false, "currency", 0, NULL},
	{"awaiting_approval", ROW_INT, "AWAITING", 'r', false, NULL, 0, NULL},
	{"rejected", ROW_INT, "REJECTED", 'r', false, NULL, 0, NULL},
	{"executed", ROW_INT, "EXECUTED", 'r', false, NULL, 0, NULL},
	{"executed_amount_minor", ROW_MONEY, "RETURNED", 'r', false, "currency", 0, NULL},
	{"pending_gateway", ROW_INT, "AT GATEWAY", 'r', false, NULL, 0, NULL},
	{"failed", ROW_INT, "FAILED", 'r', false, NULL, 0, NULL},
	{"avg_hours", ROW_TEXT, "AVG H", 'r', false, NULL, 0, NULL},
	{"p50_hours", ROW_TEXT, "P50 H", 'r', false, NULL, 0, NULL},
	{"p90_hours", ROW_TEXT, "P90 H", 'r', false, NULL, 0, NULL},
	{"currency", ROW_TEXT, NULL, 'l', false, NULL, 0, NULL},
};
const struct row_desc row_report_refunds = {"refunds", refunds_cols, NCOLS(refunds_cols), NULL,
					    "no refund was requested in the period", NULL};

static const struct row_col fulfilment_cols[] = {
	{"period", ROW_TEXT, "PERIOD", 'l', false, NULL, 0, NULL},
	{"seller_id", ROW_INT, "SELLER", 'r', false, NULL, 0, NULL},
	{"orders", ROW_INT, "ORDERS", 'r', false, NULL, 0, NULL},
	{"confirmed", ROW_INT, "CONFIRMED", 'r', false, NULL, 0, NULL},
	{"shipped", ROW_INT, "SHIPPED", 'r', false, NULL, 0, NULL},
	{"shipped_in_time", ROW_INT, "IN 24H", 'r', false, NULL, 0, NULL},
	{"in_time_rate", ROW_TEXT, "RATE", 'r', false, NULL, 0, NULL},
	{"avg_hours_to_ship", ROW_TEXT, "SHIP H", 'r', false, NULL, 0, NULL},
	{"delivered", ROW_INT, "DELIVERED", 'r', false, NULL, 0, NULL},
	{"delivered_on_time", ROW_INT, "ON TIME", 'r', false, NULL, 0, NULL},
	{"on_time_rate", ROW_TEXT, "RATE", 'r', false, NULL, 0, NULL},
	{"avg_transit_hours", ROW_TEXT, "TRANSIT H", 'r', false, NULL, 0, NULL},
	{"exceptions", ROW_INT, "EXCEPT", 'r', false, NULL, 0, NULL},
	{"stuck", ROW_INT, "STUCK", 'r', false, NULL, 0, NULL},
};
const struct row_desc row_report_fulfilment = {"fulfilment", fulfilment_cols, NCOLS(fulfilment_cols),
					       NULL, "no orders were placed in the period", NULL};

static const struct row_col kpi_cols[] = {
	{"period", ROW_TEXT, "PERIOD", 'l', false, NULL, 0, NULL},
	{"label", ROW_TEXT, "KPI", 'l', false, NULL, 0, NULL},
	{"value", ROW_TEXT, "VALUE", 'r', false, "note", 0, NULL},
	{"unit", ROW_TEXT, "", 'l', false, NULL, 0, NULL},
	{"target", ROW_TEXT, "TARGET", 'l', false, NULL, 0, NULL},
	{"verdict", ROW_TEXT, "MET", 'l', false, NULL, 0, NULL},
	{"basis", ROW_INT, "BASIS", 'r', false, NULL, 0, NULL},
	{"met", ROW_BOOL, NULL, 'l', false, NULL, 0, NULL},
	{"kpi", ROW_TEXT, NULL, 'l', false, NULL, 0, NULL},
	{"note", ROW_TEXT, NULL, 'l', false, NULL, 0, NULL},
};
const struct row_desc row_report_kpi = {"kpi", kpi_cols, NCOLS(kpi_cols), NULL,
					"no period to report on", NULL};

static const struct row_col report_orders_cols[] = {
	{"order_no", ROW_INT, "ORDER", 'r', false, NULL, 0, NULL},
	{"seller_id", ROW_INT, "SELLER", 'r', false, NULL, 0, NULL},
	{"status", ROW_TEXT, "STATUS", 'l', false, NULL, 0, NULL},
	{"placed_at", ROW_TIME, "PLACED", 'l', false, NULL, 0, NULL},
	{"total_minor", ROW_MONEY, "TOTAL", 'r', false, "currency", 0, NULL},
	{"currency", ROW_TEXT, NULL, 'l', false, NULL, 0, NULL},
};
const struct row_desc row_report_orders = {"orders", report_orders_cols, NCOLS(report_orders_cols),
					   "order_no", "no orders behind this figure", NULL};

static const struct row_col dashboard_cols[] = {
	{"section", ROW_TEXT, "SECTION", 'l', false, NULL, 0, NULL},
	{"label", ROW_TEXT, "FIGURE", 'l', false, NULL, 0, NULL},
	{"value", ROW_TEXT, "VALUE", 'r', false, NULL, 0, NULL},
	{"compare", ROW_TEXT, "COMPARE", 'r', false, NULL, 0, NULL},
	{"unit", ROW_TEXT, "UNIT", 'l', false, NULL, 0, NULL},
	{"detail", ROW_TEXT, "DETAIL", 'l', false, NULL, 40, NULL},
	{"figure", ROW_TEXT, NULL, 'l', false, NULL, 0, NULL},
	{"list", ROW_TEXT, NULL, 'l', false, NULL, 0, NULL},
};
const struct row_desc row_dashboard = {"dashboard", dashboard_cols, NCOLS(dashboard_cols), NULL,
				       "the dashboard is empty", NULL};

static const struct {
	const char *name;
	const char *fn;
	const struct row_desc *d;
} reports[REPORT_COUNT] = {
	[REPORT_VOLUME] = {"volume", "oms_api.report_volume", &row_report_volume},
	[REPORT_CANCELLATIONS] = {"cancellations", "oms_api.report_cancellations",
				  &row_report_cancellations},
	[REPORT_REFUNDS] = {"refunds", "oms_api.report_refunds", &row_report_refunds},
	[REPORT_FULFILMENT] = {"fulfilment", "oms_api.report_fulfilment", &row_report_fulfilment},
	[REPORT_KPI] = {"kpi", "oms_api.report_kpi", &row_report_kpi},
};

const char *
report_name(enum report_kind k)
{
	return (int)k >= 0 && k < REPORT_COUNT ? reports[k].name : NULL;
}

bool
report_kind_parse(const char *s, enum report_kind *k)
{
	for (int i = 0; s && i < REPORT_COUNT; i++)
		if (strcmp(s, reports[i].name) == 0) {
			*k = (enum report_kind)i;
			return true;
		}
	return false;
}

const struct row_desc *
report_desc(enum report_kind k)
{
	return (int)k >= 0 && k < REPORT_COUNT ? reports[k].d : NULL;
}

bool
report_date_ok(const char *s)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, d;

	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	y = atoi(s);
	m = atoi(s + 5);
	d = atoi(s + 8);
	if (y < 1900 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return false;
	if (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return false;
	return true;
}

bool
report_by_ok(const char *s)
{
	return s && (!strcmp(s, "day") || !strcmp(s, "week") || !strcmp(s, "month") ||
		     !strcmp(s, "all"));
}

/* The select list of d over the function's rows: row_select_list gives
 * times as ISO 8601; the rest is cast to text where the server has a date
 * or numeric (as the descriptors read them). */
static enum oms_status
report_sql(const struct row_desc *d, const char *from, char *buf, size_t len,
	   struct oms_error *err)
{
	char list[2048];
	int n;

	if (!row_select_list(d, "r", list, sizeof list))
		return oms_fail(err, OMS_NOMEM, "the report's select list is too long");
	n = snprintf(buf, len, "SELECT %s FROM %s r", list, from);
	if (n < 0 || (size_t)n >= len)
		return oms_fail(err, OMS_NOMEM, "the report's statement is too long");
	return OMS_OK;
}

static enum oms_status
check_range(const char *from, const char *to, const char *by, struct oms_error *err)
{
	if (from && !report_date_ok(from))
		return oms_fail(err, OMS_INVALID, "not a date (YYYY-MM-DD): %.40s", from);
	if (to && !report_date_ok(to))
		return oms_fail(err, OMS_INVALID, "not a date (YYYY-MM-DD): %.40s", to);
	if (by && !report_by_ok(by))
		return oms_fail(err, OMS_INVALID, "--by takes day, week, month or all, not %.40s", by);
	return OMS_OK;
}

enum oms_status
report_stmt(const struct report_query *q, struct app_stmt *st, struct oms_error *err)
{
	/* the statement's text must outlive it: built once per report */
	static char sql[REPORT_COUNT][2600];
	char from[128];
	enum oms_status s;

	if (!report_desc(q->kind))
		return oms_fail(err, OMS_INVALID, "no such report");
	if ((s = check_range(q->from, q->to, q->by, err)) != OMS_OK)
		return s;
	if (!sql[q->kind][0]) {
		snprintf(from, sizeof from, "%s($1::date, $2::date, $3::bigint, $4)", reports[q->kind].fn);
		if ((s = report_sql(reports[q->kind].d, from, sql[q->kind], sizeof sql[q->kind], err)) != OMS_OK)
			return s;
	}
	app_stmt_init(st, sql[q->kind]);
	if (!app_stmt_text(st, q->from) || !app_stmt_text(st, q->to) ||
	    !(q->seller_id ? app_stmt_ll(st, q->seller_id) : app_stmt_text(st, NULL)) ||
	    !app_stmt_text(st, q->by ? q->by : "all")) {
		app_stmt_free(st);
		return oms_fail(err, OMS_NOMEM, "out of memory");
	}
	return OMS_OK;
}

enum oms_status
report_orders_stmt(const struct report_orders_query *q, struct app_stmt *st, struct oms_error *err)
{
	static char sql[2600];        /* the statement's text must outlive it */
	enum oms_status s;

	if (!q->figure || !*q->figure)
		return oms_fail(err, OMS_INVALID, "which figure?");
	if ((s = check_range(q->from, q->to, NULL, err)) != OMS_OK)
		return s;
	if (!sql[0] &&
	    (s = report_sql(&row_report_orders,
			    "oms_api.report_orders($1, $2::date, $3::date, $4::bigint, $5, $6::int, $7::bigint)",
			    sql, sizeof sql, err)) != OMS_OK)
		return s;
	app_stmt_init(st, sql);
	if (!app_stmt_text(st, q->figure) || !app_stmt_text(st, q->from) || !app_stmt_text(st, q->to) ||
	    !(q->seller_id ? app_stmt_ll(st, q->seller_id) : app_stmt_text(st, NULL)) ||
	    !app_stmt_text(st, q->status) || !app_stmt_ll(st, q->limit > 0 ? q->limit : 50) ||
	    !(q->after ? app_stmt_ll(st, q->after) : app_stmt_text(st, NULL))) {
		app_stmt_free(st);
		return oms_fail(err, OMS_NOMEM, "out of memory");
	}
	return OMS_OK;
}

void
dashboard_stmt(struct app_stmt *st)
{
	app_stmt_init(st, "SELECT section, label, value::text AS value, compare::text AS compare, unit, "
			  "detail, figure, list FROM oms_api.dashboard()");
}
