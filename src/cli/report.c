#include "config.h"

/* `oms report NAME`: the reports and KPIs of issue 10 (oms_api.report_*,
 * answered from the summaries of sql/0020), `oms report orders FIGURE`:
 * the orders behind a figure, and `oms report fold|verify` for the
 * summaries' upkeep. The statements and row types are the use case's
 * (app/report.h); who sees which seller is the database's (row-level
 * security on the summaries). Everything but fold runs on the report
 * connection when report_conninfo is set. */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/report.h"
#include "cli/report.h"
#include "conf.h"
#include "db/db.h"

const char cli_usage_report[] =
	"oms report volume|cancellations|refunds|fulfilment|kpi [--from DATE] [--to DATE]\n"
	"           [--seller ID] [--by day|week|month|all] [--format text|csv|json|xlsx] [-o FILE]\n"
	"       oms report orders FIGURE [--from DATE] [--to DATE] [--seller ID] [--status S]\n"
	"           [--limit N] [--after ORDER]\n"
	"       oms report fold|verify";

struct db *
cli_report_db(struct cli *c, bool *own, struct oms_error *err)
{
	const char *ri = c->ctx->cfg ? config_get(c->ctx->cfg, "connection", "report_conninfo", NULL)
				     : NULL;

	*own = false;
	if (!ri || !*ri)
		return c->ctx->db;
	*own = true;
	return db_open(ri, err);
}

int
cli_report_list(struct cli *c, const struct row_desc *d, const struct app_stmt *st, long limit)
{
	struct oms_error err = {0};
	struct db *primary = c->ctx->db, *db;
	bool own;
	int rc;

	if (!(db = cli_report_db(c, &own, &err)))
		return cli_fail(c, &err);
	c->ctx->db = db;
	rc = cli_list(c, d, st, limit);
	c->ctx->db = primary;
	if (own)
		db_close(db);
	return rc;
}

/* A refusal by role says who may (the database says "permission denied
 * for function report_volume"). */
static int
report_fail(struct cli *c, struct oms_error *err)
{
	if (err->status == OMS_DENIED) {
		char db[sizeof err->msg];

		app_copy(db, sizeof db, err->msg);
		snprintf(err->msg, sizeof err->msg,
			 "reports are for administrators, analysts and fulfilment staff; the orders "
			 "behind a figure for administrators and fulfilment staff (%.200s)", db);
	}
	return cli_fail(c, err);
}

struct report_opts {
	const char *from, *to, *by, *status;
	long long seller, limit, after;
};

static int
parse_opts(struct cli *c, int argc, char **argv, bool orders, struct report_opts *o)
{
	static const struct option opts[] = {
		{"from", required_argument, NULL, 'f'},
		{"to", required_argument, NULL, 't'},
		{"seller", required_argument, NULL, 's'},
		{"by", required_argument, NULL, 'b'},
		{"status", required_argument, NULL, 'S'},
		{"limit", required_argument, NULL, 'l'},
		{"after", required_argument, NULL, 'a'},
		{0}};
	char *end;
	int ch;

	o->limit = 50;
	optind = 0;          /* 0: GNU getopt re-initialises (main used "+") */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (ch) {
		case 'f':
		case 't':
			if (!report_date_ok(optarg))
				return cli_usage_error(c, cli_usage_report, "--%s takes a date, YYYY-MM-DD: %s",
						       ch == 'f' ? "from" : "to", optarg);
			*(ch == 'f' ? &o->from : &o->to) = optarg;
			break;
		case 's':
			if (!(o->seller = cli_parse_id(optarg)))
				return cli_usage_error(c, cli_usage_report, "--seller takes a seller id");
			break;
		case 'b':
			if (orders || !report_by_ok(optarg))
				return cli_usage_error(c, cli_usage_report, "--by takes day, week, month or all");
			o->by = optarg;
			break;
		case 'S':
			if (!orders)
				return cli_usage_error(c, cli_usage_report, "--status is for report orders");
			o->status = optarg;
			break;
		case 'l':
			o->limit = strtoll(optarg, &end, 10);
			if (!orders || *end || o->limit < 1 || o->limit > 10000)
				return cli_usage_error(c, cli_usage_report, "--limit takes 1 to 10000 (report orders)");
			break;
		case 'a':
			if (!orders || !(o->after = cli_parse_id(optarg)))
				return cli_usage_error(c, cli_usage_report, "--after takes an order number (report orders)");
			break;
		default:
			return cli_usage_error(c, cli_usage_report, "unknown option or missing value: %s",
					       argv[optind - 1]);
		}
	}
	if (o->from && o->to && strcmp(o->from, o->to) > 0)
		return cli_usage_error(c, cli_usage_report, "--from %s is after --to %s", o->from, o->to);
	return 0;
}

/* fold (primary: it writes) and verify: one number or the differences. */
static int
report_upkeep(struct cli *c, bool fold)
{
	struct app_stmt st;
	struct oms_error err = {0};
	struct db_result *r;
	int rc;

	if (fold) {
		app_stmt_init(&st, "SELECT oms_api.report_fold() AS merged");
		if (!(r = cli_query(c, &st, &err)))
			return report_fail(c, &err);
		if (c->json)
			cli_json_emit(json_pack("{s:I}", "merged", (json_int_t)db_get_ll(r, 0, 0)));
		else
			printf("%s summary rows merged\n", db_get(r, 0, 0));
		db_result_free(r);
		return EXIT_FOUND;
	}
	/* verify: every difference; none is exit 0, some exit 4 */
	{
		static const struct row_col cols[] = {
			{"summary", ROW_TEXT, "SUMMARY", 'l', false, NULL, 0, NULL},
			{"key", ROW_TEXT, "KEY", 'l', false, NULL, 0, NULL},
			{"stored", ROW_TEXT, "STORED", 'l', false, NULL, 60, NULL},
			{"recomputed", ROW_TEXT, "RECOMPUTED", 'l', false, NULL, 60, NULL},
		};
		static const struct row_desc d = {"differences", cols, 4, NULL,
						  "the summaries equal a full recompute", NULL};

		app_stmt_init(&st, "SELECT summary, key, stored, recomputed FROM oms_api.report_verify()");
		c->list_fail = report_fail;
		rc = cli_list(c, &d, &st, 0);
		return rc == EXIT_NOTFOUND ? EXIT_FOUND : rc == EXIT_FOUND ? EXIT_RULE : rc;
	}
}

int
cli_cmd_report(struct cli *c, int argc, char **argv)
{
	struct report_opts o = {0};
	struct app_stmt st;
	struct oms_error err = {0};
	enum report_kind k;
	int rc;

	if (argc < 2)
		return cli_usage_error(c, cli_usage_report, "which report?");
	c->list_fail = report_fail;
	if (!strcmp(argv[1], "fold") || !strcmp(argv[1], "verify")) {
		if (argc > 2)
			return cli_usage_error(c, cli_usage_report, "unexpected argument %s", argv[2]);
		return report_upkeep(c, argv[1][0] == 'f');
	}
	if (!strcmp(argv[1], "orders")) {
		struct report_orders_query q = {0};

		if (argc < 3 || argv[2][0] == '-')
			return cli_usage_error(c, cli_usage_report, "which figure? (oms(1) REPORTS)");
		if ((rc = parse_opts(c, argc - 2, argv + 2, true, &o)) != 0)
			return rc;
		if (optind != argc - 2)
			return cli_usage_error(c, cli_usage_report, "unexpected argument %s", argv[optind + 2]);
		q = (struct report_orders_query){.figure = argv[2], .from = o.from, .to = o.to,
						 .seller_id = o.seller, .status = o.status,
						 .limit = (int)o.limit, .after = o.after};
		if (report_orders_stmt(&q, &st, &err) != OMS_OK)
			return cli_fail(c, &err);
		return cli_report_list(c, &row_report_orders, &st, o.limit);
	}
	if (!report_kind_parse(argv[1], &k))
		return cli_usage_error(c, cli_usage_report, "unknown report %s", argv[1]);
	if ((rc = parse_opts(c, argc - 1, argv + 1, false, &o)) != 0)
		return rc;
	if (optind != argc - 1)
		return cli_usage_error(c, cli_usage_report, "unexpected argument %s", argv[optind + 1]);
	{
		struct report_query q = {.kind = k, .from = o.from, .to = o.to, .seller_id = o.seller,
					 .by = o.by};

		if (report_stmt(&q, &st, &err) != OMS_OK)
			return cli_fail(c, &err);
	}
	return cli_report_list(c, report_desc(k), &st, 0);
}
