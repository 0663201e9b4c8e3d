/* `oms report` and `oms dashboard` (src/cli/report.c, src/cli/dashboard.c,
 * issue 10): usage lines and commands, named by the registry
 * (registry.c). Reports run on the report connection ([connection]
 * report_conninfo, e.g. a replica) when one is configured; the dashboard
 * on the primary (its sessions and transactions are the primary's). */
#ifndef OMS_CLI_REPORT_H
#define OMS_CLI_REPORT_H

#include "cli/cli_int.h"

struct db;

extern const char cli_usage_report[], cli_usage_dashboard[];
int cli_cmd_report(struct cli *c, int argc, char **argv);
int cli_cmd_dashboard(struct cli *c, int argc, char **argv);

/* The report connection when [connection] report_conninfo names one (*own
 * set: the caller closes it), else the command's own connection. NULL
 * with err set when it cannot be opened. */
struct db *cli_report_db(struct cli *c, bool *own, struct oms_error *err);
/* cli_list on the report connection. */
int cli_report_list(struct cli *c, const struct row_desc *d, const struct app_stmt *st, long limit);

#endif
