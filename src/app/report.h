/* Reports (src/app/report.c): what the terminal client's reports home
 * reads from the report views (schema oms_report: read-only, without
 * personal data). The terminal client sends these over its report
 * connection (a replica when [connection] report_conninfo names one). */
#ifndef OMS_APP_REPORT_H
#define OMS_APP_REPORT_H

#include "app/app.h"

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

#endif
