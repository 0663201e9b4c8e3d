#include "config.h"

/* `oms whoami`: who the connection is (oms_api.whoami): login, name,
 * role and seller. */

#include <stdio.h>

#include "cli/cli_int.h"
#include "db/db.h"

const char cli_usage_whoami[] = "oms whoami [--json]";

int
cli_cmd_whoami(struct cli *c, int argc, char **argv)
{
	struct app_stmt st;
	struct oms_error err = {0};
	struct db_result *r;
	struct app_whoami who;
	enum oms_status s;

	if (argc != 1)
		return cli_usage_error(c, cli_usage_whoami, "unexpected argument %s", argv[1]);
	whoami_stmt(&st);
	if (!(r = cli_query(c, &st, &err)))
		return cli_fail(c, &err);
	s = whoami_parse(r, &who, &err);
	db_result_free(r);
	if (s != OMS_OK)
		return cli_fail(c, &err);
	if (c->json) {
		cli_json_emit(json_pack("{s:s, s:s, s:s, s:o, s:o}", "login", who.login,
					"full_name", who.full_name, "role", who.role,
					"seller_id", cli_json_id(who.seller_id),
					"seller_name", cli_json_str(who.seller_name)));
	} else {
		cli_put_safe(stdout, who.full_name);
		printf(" (%s) %s", who.login, who.role);
		if (who.seller_id) {
			printf(" for ");
			cli_put_safe(stdout, who.seller_name);
		}
		fputc('\n', stdout);
	}
	return EXIT_FOUND;
}
