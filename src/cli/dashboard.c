#include "config.h"

/* `oms dashboard`: the administrator's dashboard (oms_api.dashboard, issue
 * 10) once, one row per figure; --format json for monitoring (stable
 * "figure" keys). Runs on the primary connection, never on report_conninfo:
 * its sessions, open transactions and size are the primary's (a replica's
 * pg_stat_activity would show the replica's). */

#include <stdio.h>
#include <string.h>

#include "app/report.h"
#include "cli/report.h"

const char cli_usage_dashboard[] = "oms dashboard [--format text|json|csv] [-o FILE]";

static int
dashboard_fail(struct cli *c, struct oms_error *err)
{
	if (err->status == OMS_DENIED) {
		char db[sizeof err->msg];

		app_copy(db, sizeof db, err->msg);
		snprintf(err->msg, sizeof err->msg, "the dashboard is for administrators (%.200s)", db);
	}
	return cli_fail(c, err);
}

int
cli_cmd_dashboard(struct cli *c, int argc, char **argv)
{
	struct app_stmt st;

	if (argc != 1)
		return cli_usage_error(c, cli_usage_dashboard, "unexpected argument %s", argv[1]);
	c->list_fail = dashboard_fail;
	dashboard_stmt(&st);
	return cli_list(c, &row_dashboard, &st, 0);
}
