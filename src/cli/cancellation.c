#include "config.h"

/* `oms cancellation list|approve|refuse`: the cancellations waiting for the
 * seller's approval (BR-025) and the decision (cli_int.h). */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_int.h"
#include "db/db.h"

/* --- cancellation list|approve|refuse ------------------------------------- */

const char cli_usage_cancellation[] =
	"oms cancellation list [--json] [--limit N]\n"
	"       oms cancellation approve [--json] ID [--note TEXT]\n"
	"       oms cancellation refuse [--json] ID --note TEXT";

static int
cmd_cancellation_list(struct cli *c, int argc, char **argv)
{
	struct app_stmt st;
	long limit = 50;
	int rc;

	if ((rc = cli_parse_limit_only(c, cli_usage_cancellation, argc, argv, &limit)) != 0)
		return rc;
	pending_cancellations_stmt((int)limit, 0, &st);
	return cli_list(c, &row_pending_cancellation, &st, limit);
}

static int
cancellation_decide(struct cli *c, int argc, char **argv, bool approve)
{
	struct oms_error err = {0};
	struct db_result *r;
	struct cancel_result res;
	long long id;
	int rc;
	enum oms_status s;

	if (!(r = cli_decide(c, cli_usage_cancellation, "cancellation", argc, argv, approve,
			     "refusing a cancellation needs a reason: --note TEXT "
			     "(customer service reads it to the customer)",
			     decide_cancellation_stmt, &id, &rc)))
		return rc;
	s = cancel_order_parse(r, &res, &err);
	db_result_free(r);
	if (s != OMS_OK)
		return cli_fail(c, &err);
	if (c->json) {
		cli_json_emit(json_pack("{s:I, s:s, s:o}",
					"cancellation_id", (json_int_t)res.cancellation_id,
					"state", res.state, "refund_id", cli_json_id(res.refund_id)));
	} else if (approve) {
		printf("cancellation %lld approved: carried out\n", res.cancellation_id);
		if (res.refund_id)
			printf("refund %lld requested\n", res.refund_id);
	} else {
		printf("cancellation %lld refused: the order stays as it was\n", res.cancellation_id);
	}
	return EXIT_FOUND;
}

static int
cmd_cancellation_approve(struct cli *c, int argc, char **argv)
{
	return cancellation_decide(c, argc, argv, true);
}

static int
cmd_cancellation_refuse(struct cli *c, int argc, char **argv)
{
	return cancellation_decide(c, argc, argv, false);
}

/* `oms cancellation SUB`: the registry (registry.c) dispatches on these. */
const struct cli_sub cli_subs_cancellation[] = {
	{"list", cmd_cancellation_list, true},
	{"approve", cmd_cancellation_approve, false},
	{"refuse", cmd_cancellation_refuse, false},
	{NULL, NULL, false}};
