/* `oms ship`, `oms queue` and `oms shipments` (src/cli/ship.c, issue 11):
 * usage lines and commands, named by the registry (registry.c). */
#ifndef OMS_CLI_SHIP_H
#define OMS_CLI_SHIP_H

#include "cli/cli_int.h"

extern const char cli_usage_ship[], cli_usage_queue[], cli_usage_shipments[], cli_usage_handling_days[],
	cli_usage_carriers[];
int cli_cmd_ship(struct cli *c, int argc, char **argv);
int cli_cmd_queue(struct cli *c, int argc, char **argv);
int cli_cmd_shipments(struct cli *c, int argc, char **argv);
int cli_cmd_carriers(struct cli *c, int argc, char **argv);
int cli_cmd_handling_days(struct cli *c, int argc, char **argv);

#endif
