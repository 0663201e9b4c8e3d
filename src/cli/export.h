/* `oms export orders|lines` (src/cli/export.c, issue 10): the family's
 * usage lines and subcommands, named by the registry (registry.c). */
#ifndef OMS_CLI_EXPORT_H
#define OMS_CLI_EXPORT_H

#include "cli/cli_int.h"

extern const char cli_usage_export[];
extern const struct cli_sub cli_subs_export[];

/* The export row types: staff (admin, fulfilment: the customer's id, name
 * and e-mail) and analysts (customer_ref, no personal data). Their
 * columns are oms(1)'s EXPORT columns. */
extern const struct row_desc row_export_orders, row_export_lines,
	row_export_orders_anon, row_export_lines_anon;

#endif
