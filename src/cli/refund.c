#include "config.h"

/* `oms refund list|show|pending|request|approve|refuse`: the refund ledger,
 * one refund, the refunds waiting for an administrator (BR-027), a CSR's
 * partial refund (BR-028) and the administrator's decision (cli_int.h). */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_int.h"
#include "db/db.h"

/* --- refunds -------------------------------------------------------------- */

const char cli_usage_refund[] =
	"oms refund list [--json] [--status STATUS] [--order NUMBER] [--limit N]\n"
	"       oms refund show [--json] ID\n"
	"       oms refund pending [--json] [--limit N]\n"
	"       oms refund request [--json] NUMBER --amount MONEY --reason TEXT [--note TEXT]\n"
	"                          [--request-key UUID]\n"
	"       oms refund approve [--json] ID [--note TEXT]\n"
	"       oms refund refuse [--json] ID --note TEXT\n"
	"       oms refund retry [--json] ID [--note TEXT]\n"
	"       oms refund settle-outside [--json] ID --note TEXT";

static int
cmd_refund_list(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"status", required_argument, NULL, 's'},
		{"state", required_argument, NULL, 's'},
		{"order", required_argument, NULL, 'o'},
		{"limit", required_argument, NULL, 'l'},
		{0}};
	struct refund_filter f = {0};
	struct app_stmt st;
	struct oms_error err = {0};
	long limit = 50;
	int ch, rc;

	optind = 0;          /* 0: GNU getopt re-initialises (main used "+") */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (ch) {
		case 's':
			app_copy(f.status, sizeof f.status, optarg);
			break;
		case 'o':
			if ((rc = cli_parse_order_no(c, optarg, &f.order_no)) != 0)
				return rc;
			break;
		case 'l': {
			char *end;

			limit = strtol(optarg, &end, 10);
			if (*end || limit < 1 || limit > 1000)
				return cli_usage_error(c, cli_usage_refund, "--limit takes 1 to 1000");
			break;
		}
		default:
			return cli_usage_error(c, cli_usage_refund, "unknown option or missing value: %s",
					   argv[optind - 1]);
		}
	}
	if (optind != argc)
		return cli_usage_error(c, cli_usage_refund, "unexpected argument %s", argv[optind]);
	if (refund_list_stmt(&f, 0, (int)limit, &st, &err) != OMS_OK)
		return cli_fail(c, &err);
	return cli_list(c, &row_refund, &st, 0);
}

/* A gateway status in words where the word alone says too little. */
static const char *
status_words(const char *status)
{
	if (!strcmp(status, "unknown"))
		return "unknown: outcome unknown at the gateway";
	if (!strcmp(status, "refused"))
		return "refused by the gateway: retry or settle outside";
	if (!strcmp(status, "discrepancy"))
		return "discrepancy: the gateway's answer is not this refund";
	if (!strcmp(status, "settled_outside"))
		return "settled outside the gateway";
	return status;
}

static int
cmd_refund_show(struct cli *c, int argc, char **argv)
{
	struct app_stmt st;
	struct oms_error err = {0};
	struct db_result *r;
	struct row_set w;
	long long id;
	char *end, m[48], t[24];

	if (argc != 2)
		return cli_usage_error(c, cli_usage_refund, "which refund?");
	id = strtoll(argv[1], &end, 10);
	if (*end || id <= 0)
		return cli_usage_error(c, cli_usage_refund, "not a refund id: %s", argv[1]);
	refund_show_stmt(id, &st);
	if (!(r = cli_query(c, &st, &err)))
		return cli_fail(c, &err);
	row_set_init(&w, &row_refund);
	if (row_set_read(&w, r, true, &err) < 0) {
		db_result_free(r);
		return cli_fail(c, &err);
	}
	if (w.n == 0) {
		db_result_free(r);
		row_set_free(&w);
		fprintf(stderr, "%s: refund %lld not found\n", cli_progname(c), id);
		return EXIT_NOTFOUND;
	}
	if (c->json) {
		/* the list's object for it: every column of row_refund */
		cli_json_emit(row_json(&row_refund, r, 0));
	} else {
#define V(name) row_set_get(&w, 0, name)
#define T(name) row_set_text(&w, 0, name, t, sizeof t)
		printf("Refund %s  %s  %s\n", V("id"), row_set_text(&w, 0, "amount_minor", m, sizeof m),
		       status_words(V("status")));
		cli_label("Order");
		printf("%s", V("order_no"));
		if (row_set_ll(&w, 0, "cancellation_id"))
			printf(" (cancellation %s)", V("cancellation_id"));
		fputc('\n', stdout);
		cli_label("Reason");
		cli_line_safe(V("reason"));
		if (*V("note")) {
			cli_label("Note");
			cli_line_safe(V("note"));
		}
		cli_label("Requested");
		printf("%s by ", T("created_at"));
		cli_line_safe(V("requested_by"));
		cli_label("Approval");
		printf("%s", V("approval"));
		if (*V("approved_by")) {
			printf(" by ");
			cli_put_safe(stdout, V("approved_by"));
			printf(" %s", T("approved_at"));
		}
		if (*V("decision_note")) {
			printf(": ");
			cli_put_safe(stdout, V("decision_note"));
		}
		fputc('\n', stdout);
		cli_label("Gateway");
		printf("%s", V("status"));
		if (*V("provider_refund_id")) {
			printf(" id ");
			cli_put_safe(stdout, V("provider_refund_id"));
		}
		if (*V("executed_at"))
			printf(" executed %s", T("executed_at"));
		fputc('\n', stdout);
		if (*V("last_message")) {
			cli_label("Message");
			cli_line_safe(V("last_message"));
		}
#undef V
#undef T
	}
	db_result_free(r);
	row_set_free(&w);
	return EXIT_FOUND;
}

/* --- refund pending|request|approve|refuse -------------------------------- */

static int
cmd_refund_pending(struct cli *c, int argc, char **argv)
{
	struct app_stmt st;
	long limit = 50;
	int rc;

	if ((rc = cli_parse_limit_only(c, cli_usage_refund, argc, argv, &limit)) != 0)
		return rc;
	pending_refunds_stmt((int)limit, 0, &st);
	return cli_list(c, &row_pending_refund, &st, limit);
}

static int
cmd_refund_request(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"amount", required_argument, NULL, 'a'},
		{"reason", required_argument, NULL, 'r'},
		{"note", required_argument, NULL, 'n'},
		{"request-key", required_argument, NULL, 'k'},
		{0}};
	struct refund_request req = {0};
	struct app_stmt st;
	struct oms_error err = {0};
	struct db_result *r;
	const char *number = NULL, *amount = NULL;
	char currency[4], m[48], key[APP_UUID_LEN + 1];
	long long refund_id;
	json_t *card;
	int ch, rc;
	enum oms_status s;

	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "-", opts, NULL)) != -1) {
		switch (ch) {
		case 1:
			if (number)
				return cli_usage_error(c, cli_usage_refund, "unexpected argument %s", optarg);
			number = optarg;
			break;
		case 'a': amount = optarg; break;
		case 'r': req.reason = optarg; break;
		case 'n': req.note = optarg; break;
		case 'k':
			if (!app_uuid_valid(optarg))
				return cli_usage_error(c, cli_usage_refund, "--request-key takes a UUID "
						       "(as printed by an earlier request, or uuidgen): %s", optarg);
			req.request_key = optarg;
			break;
		default:
			return cli_usage_error(c, cli_usage_refund, "unknown option or missing value: %s",
					   argv[optind - 1]);
		}
	}
	if (!number)
		return cli_usage_error(c, cli_usage_refund, "which order?");
	if (app_utf8_chars(req.reason) > OMS_NOTE_MAX || app_utf8_chars(req.note) > OMS_NOTE_MAX)
		return cli_usage_error(c, cli_usage_refund, "--reason and --note take at most %d characters",
				       OMS_NOTE_MAX);
	if (!amount)
		return cli_usage_error(c, cli_usage_refund,
				       "how much? --amount 12.34 (in the order's currency)");
	if (cli_blank(req.reason))
		return cli_usage_error(c, cli_usage_refund, "a refund needs a reason: --reason TEXT");
	if ((rc = cli_parse_order_no(c, number, &req.order_no)) != 0)
		return rc;

	/* the order's currency says how to read the amount */
	order_card_stmt(req.order_no, &st);
	if (!(r = cli_query(c, &st, &err)))
		return cli_fail(c, &err);
	card = app_doc_parse(r, &err);
	db_result_free(r);
	if (!card) {
		if (err.status == OMS_NOT_FOUND)
			snprintf(err.msg, sizeof err.msg, "order %lld not found", req.order_no);
		return cli_fail(c, &err);
	}
	app_copy(currency, sizeof currency, app_json_str(card, "currency"));
	json_decref(card);
	if (!money_parse(amount, currency, &req.amount_minor))
		return cli_usage_error(c, cli_usage_refund, "not an amount in %s: %s (write it as 12.34)",
				   currency, amount);

	/* one key for this intent, however often it is sent; said before it is
	 * sent, since a kill or a lost connection leaves the outcome unknown */
	if (!req.request_key) {
		if (!app_uuid_v4(key)) {
			fprintf(stderr, "%s: no random bytes for a request key\n", cli_progname(c));
			return EXIT_DB;
		}
		req.request_key = key;
		fprintf(stderr, "%s: request key: %s\n", cli_progname(c), key);
		fflush(stderr);
	}
	if (request_refund_stmt(&req, &st, &err) != OMS_OK)
		return cli_fail(c, &err);
	r = cli_query(c, &st, &err);
	app_stmt_free(&st);
	if (!r) {
		rc = cli_fail(c, &err);       /* BR-028 (more than is left): exit 4 */
		if (err.status == OMS_DB_GONE || err.status == OMS_DB || err.status == OMS_CANCELLED)
			fprintf(stderr, "%s: the refund may have been recorded: run the same command with "
				"--request-key %s to find out (never a second refund)\n",
				cli_progname(c), req.request_key);
		return rc;
	}
	s = request_refund_parse(r, &refund_id, &err);
	db_result_free(r);
	if (s != OMS_OK)
		return cli_fail(c, &err);
	if (c->json) {
		cli_json_emit(json_pack("{s:I, s:I, s:I, s:s, s:s, s:s}", "refund_id", (json_int_t)refund_id,
					"order_no", (json_int_t)req.order_no,
					"amount_minor", (json_int_t)req.amount_minor, "currency", currency,
					"approval", "pending", "request_key", req.request_key));
	} else {
		money_format(req.amount_minor, currency, m, sizeof m);
		printf("refund %lld of %s on order %lld waits for an administrator's approval (BR-027)\n",
		       refund_id, m, req.order_no);
	}
	return EXIT_FOUND;
}

static int
refund_decide(struct cli *c, int argc, char **argv, bool approve)
{
	struct db_result *r;
	long long id;
	int rc;

	if (!(r = cli_decide(c, cli_usage_refund, "refund", argc, argv, approve,
			     "refusing a refund needs --note TEXT: why, for the CSR who asked",
			     decide_refund_stmt, &id, &rc)))
		return rc;
	db_result_free(r);
	if (c->json) {
		cli_json_emit(json_pack("{s:I, s:s}", "refund_id", (json_int_t)id,
					"approval", approve ? "approved" : "rejected"));
	} else if (approve) {
		printf("refund %lld approved: queued for the payment gateway\n", id);
	} else {
		printf("refund %lld refused\n", id);
	}
	return EXIT_FOUND;
}

static int
cmd_refund_approve(struct cli *c, int argc, char **argv)
{
	return refund_decide(c, argc, argv, true);
}

static int
cmd_refund_refuse(struct cli *c, int argc, char **argv)
{
	return refund_decide(c, argc, argv, false);
}

/* `oms refund retry|settle-outside ID [--note TEXT]` (administrators,
 * issue 12): a refund the gateway refused, or whose outcome is unknown, is
 * sent again (oms_api.refund_retry), or recorded as paid back another way
 * (oms_api.refund_settle_outside; the note says how). */
static int
refund_after_gateway(struct cli *c, int argc, char **argv, bool settle)
{
	static const struct option opts[] = {
		{"note", required_argument, NULL, 'n'},
		{0}};
	struct app_stmt st;
	struct oms_error err = {0};
	struct db_result *r;
	const char *note = NULL;
	long long id;
	char *end;
	int ch;

	/* ID first, then the options */
	if (argc < 2 || argv[1][0] == '-')
		return cli_usage_error(c, cli_usage_refund, "which refund?");
	id = strtoll(argv[1], &end, 10);
	if (*end || id <= 0)
		return cli_usage_error(c, cli_usage_refund, "not a refund id: %s", argv[1]);
	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc - 1, argv + 1, "+", opts, NULL)) != -1) {
		if (ch == 'n')
			note = optarg;
		else
			return cli_usage_error(c, cli_usage_refund, "unknown option or missing value: %s",
					   argv[optind]);
	}
	if (optind != argc - 1)
		return cli_usage_error(c, cli_usage_refund, "unexpected argument %s", argv[optind + 1]);
	if (settle && (!note || !*note))
		return cli_usage_error(c, cli_usage_refund,
				   "settle-outside needs --note TEXT: how the money went back");
	app_stmt_init(&st, settle ? "SELECT oms_api.refund_settle_outside($1::bigint, $2)"
				  : "SELECT oms_api.refund_retry($1::bigint, $2)");
	app_stmt_ll(&st, id);
	if (app_text_arg(&st, "a note", note, settle, &err) != OMS_OK)
		return cli_fail(c, &err);
	r = cli_query(c, &st, &err);
	app_stmt_free(&st);
	if (!r)
		return cli_fail(c, &err);
	db_result_free(r);
	if (c->json)
		cli_json_emit(json_pack("{s:I, s:s}", "refund_id", (json_int_t)id, "status",
					settle ? "settled_outside" : "queued"));
	else if (settle)
		printf("refund %lld recorded as settled outside the gateway\n", id);
	else
		printf("refund %lld queued for the payment gateway again\n", id);
	return EXIT_FOUND;
}

static int
cmd_refund_retry(struct cli *c, int argc, char **argv)
{
	return refund_after_gateway(c, argc, argv, false);
}

static int
cmd_refund_settle_outside(struct cli *c, int argc, char **argv)
{
	return refund_after_gateway(c, argc, argv, true);
}

/* `oms refund SUB`: the registry (registry.c) dispatches on these. */
const struct cli_sub cli_subs_refund[] = {
	{"list", cmd_refund_list, true},
	{"show", cmd_refund_show, false},
	{"pending", cmd_refund_pending, true},
	{"request", cmd_refund_request, false},
	{"approve", cmd_refund_approve, false},
	{"refuse", cmd_refund_refuse, false},
	{"retry", cmd_refund_retry, false},
	{"settle-outside", cmd_refund_settle_outside, false},
	{NULL, NULL, false}};
