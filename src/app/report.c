#include "config.h"

/* Reports (report.h): the statements over the report views and their
 * parsers; the terminal client only draws what they read. */

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
