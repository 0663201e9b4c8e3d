#include "config.h"

/* `oms order cancel`: a whole order, or some of its lines (--line, and
 * --dry-run to preview them). `oms order` (order.c) dispatches here and
 * holds the usage, cli_usage_order (cli_int.h). */

#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_int.h"
#include "db/db.h"

/* --- order cancel --------------------------------------------------------- */

static void
print_reasons(struct cli *c)
{
	struct app_stmt st;
	struct oms_error err = {0};
	struct db_result *r;
	struct row_set v;

	cancel_reasons_stmt(&st);
	if (!(r = cli_query(c, &st, &err)))
		return;
	row_set_init(&v, &row_reason);
	if (row_set_read(&v, r, true, &err) > 0) {
		fprintf(stderr, "reasons:\n");
		for (int i = 0; i < v.n; i++) {
			fprintf(stderr, "  %-24s ", row_set_get(&v, i, "code"));
			cli_put_safe(stderr, row_set_get(&v, i, "label"));
			fprintf(stderr, "%s\n", row_set_bool(&v, i, "requires_note") ? " (needs --note)" : "");
		}
	}
	db_result_free(r);
	row_set_free(&v);
}

/* What `order cancel` was asked: the whole order, or some lines. */
#define CLI_CANCEL_MAX_LINES 100
struct cancel_args {
	struct cancel_request req;
	struct cancel_line lines[CLI_CANCEL_MAX_LINES];
	int nlines;
	bool dry_run;
};

/* "2:1": line 2, 1 unit (cli_int.h). */
bool
cli_parse_cancel_line(const char *arg, struct cancel_line *l)
{
	char *end;
	long no, qty;

	if (!isdigit((unsigned char)arg[0]))
		return false;
	no = strtol(arg, &end, 10);
	if (*end != ':' || !isdigit((unsigned char)end[1]))
		return false;
	qty = strtol(end + 1, &end, 10);
	if (*end || no < 1 || no > 1000000 || qty < 1 || qty > 1000000)
		return false;
	l->line_no = (int)no;
	l->qty = (int)qty;
	return true;
}

static int
parse_cancel_args(struct cli *c, int argc, char **argv, struct cancel_args *a)
{
	static const struct option opts[] = {
		{"reason", required_argument, NULL, 'r'},
		{"note", required_argument, NULL, 'n'},
		{"override", required_argument, NULL, 'o'},
		{"line", required_argument, NULL, 'L'},
		{"dry-run", no_argument, NULL, 'D'},
		{0}};
	const char *number = NULL;
	int ch;

	optind = 0;          /* 0: GNU getopt re-initialises (main used "+") */
	opterr = 0;
	/* permute: options may come before or after the number */
	while ((ch = getopt_long(argc, argv, "-", opts, NULL)) != -1) {
		switch (ch) {
		case 1:
			if (number)
				return cli_usage_error(c, cli_usage_order, "unexpected argument %s", optarg);
			number = optarg;
			break;
		case 'r': a->req.reason = optarg; break;
		case 'n': a->req.note = optarg; break;
		case 'o': a->req.override_reason = optarg; break;
		case 'D': a->dry_run = true; break;
		case 'L':
			if (a->nlines == CLI_CANCEL_MAX_LINES)
				return cli_usage_error(c, cli_usage_order, "at most %d --line options",
						       CLI_CANCEL_MAX_LINES);
			if (!cli_parse_cancel_line(optarg, &a->lines[a->nlines++]))
				return cli_usage_error(c, cli_usage_order,
						       "--line takes LINE:QTY, e.g. 2:1 (not %s)", optarg);
			break;
		default:
			return cli_usage_error(c, cli_usage_order, "unknown option or missing value: %s",
					   argv[optind - 1]);
		}
	}
	if (a->nlines && a->req.override_reason)
		return cli_usage_error(c, cli_usage_order,
				       "--override cancels whole orders only, not --line");
	if (a->dry_run && !a->nlines)
		return cli_usage_error(c, cli_usage_order, "--dry-run previews --line cancellations");
	if (!number)
		return cli_usage_error(c, cli_usage_order, "which order?");
	return cli_parse_order_no(c, number, &a->req.order_no);
}

/* "2:1, 3:2" */
static void
lines_text(const struct cancel_args *a, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < a->nlines && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%d:%d", i ? ", " : "",
					 a->lines[i].line_no, a->lines[i].qty);
}

static json_t *
lines_json(const struct cancel_args *a)
{
	json_t *arr = json_array();

	for (int i = 0; i < a->nlines; i++)
		json_array_append_new(arr, json_pack("{s:i, s:i}", "line_no", a->lines[i].line_no,
						     "qty", a->lines[i].qty));
	return arr;
}

/* Sends a cancellation (cancel_order or cancel_lines: the same columns)
 * and reads its result; 0, or the exit code, with the reason codes listed
 * when the reason was what the database refused. */
static int
send_cancel(struct cli *c, const struct app_stmt *st, struct cancel_result *res)
{
	struct oms_error err = {0};
	struct db_result *r;
	enum oms_status s;

	if (!(r = cli_query(c, st, &err))) {
		if (err.status == OMS_INVALID && strstr(err.msg, "reason"))
			print_reasons(c);
		return cli_fail(c, &err);
	}
	s = cancel_order_parse(r, res, &err);
	db_result_free(r);
	return s == OMS_OK ? 0 : cli_fail(c, &err);
}

/* oms_api.cancel_lines_preview: the database's verdict and refund for the
 * lines, nothing changed. */
static enum oms_status
cancel_preview(struct cli *c, const struct cancel_args *a, struct cancel_lines_preview *p,
	       struct oms_error *err)
{
	struct app_stmt st;
	struct db_result *r;
	enum oms_status s;

	if ((s = cancel_lines_preview_stmt(a->req.order_no, a->lines, a->nlines, &st, err)) != OMS_OK)
		return s;
	if (!(r = cli_query(c, &st, err)))
		return err->status;
	s = cancel_lines_preview_parse(r, p, err);
	db_result_free(r);
	return s;
}

static int
order_cancel_dry_run(struct cli *c, const struct cancel_args *a)
{
	struct cancel_lines_preview p;
	struct oms_error err = {0};
	char lines[1024], m[48];

	if (cancel_preview(c, a, &p, &err) != OMS_OK)
		return cli_fail(c, &err);
	if (c->json) {
		cli_json_emit(json_pack("{s:I, s:o, s:b, s:s, s:s, s:I, s:s, s:b}",
					"order_no", (json_int_t)a->req.order_no,
					"lines", lines_json(a),
					"dry_run", 1,
					"verdict", p.e.verdict_text,
					"reason", p.e.reason,
					"refund_minor", (json_int_t)p.e.refund_minor,
					"currency", p.e.currency,
					"cancels_order", p.cancels_order));
	} else {
		lines_text(a, lines, sizeof lines);
		printf("order %lld, lines %s: %s\n", a->req.order_no, lines,
		       p.e.verdict == CANCEL_ALLOWED ? "would be cancelled at once" :
		       p.e.verdict == CANCEL_NEEDS_APPROVAL ? "would wait for the seller's approval" :
		       "refused");
		printf("  ");
		cli_line_safe(p.e.reason);
		if (p.e.verdict != CANCEL_REFUSED) {
			money_format(p.e.refund_minor, p.e.currency, m, sizeof m);
			printf("refund %s%s\n", m, p.cancels_order ?
			       " (all that is left to refund: no unit would remain, the order would be cancelled)" : "");
		}
		printf("nothing was changed (--dry-run)\n");
	}
	return p.e.verdict == CANCEL_REFUSED ? EXIT_RULE : EXIT_FOUND;
}

/* The refund a cancellation created, as the ledger has it: one row of
 * row_refund in *row (row_set_free it). */
static bool
read_refund(struct cli *c, long long id, struct row_set *row)
{
	struct app_stmt st;
	struct oms_error err = {0};
	struct db_result *r;
	bool ok = false;

	refund_show_stmt(id, &st);
	if ((r = cli_query(c, &st, &err)) && row_set_read(row, r, true, &err) >= 0) {
		ok = row->n == 1;
		if (!ok)
			snprintf(err.msg, sizeof err.msg, "not found");
	}
	db_result_free(r);
	if (!ok) {
		fprintf(stderr, "%s: refund %lld: ", cli_progname(c), id);
		cli_put_safe(stderr, err.msg);
		fputc('\n', stderr);
	}
	return ok;
}

/* Ask first (as for the whole order): a refusal is reported with its rule,
 * and bad lines before anything is recorded; the refund is then read back
 * from the ledger. */
static int
order_cancel_lines(struct cli *c, const struct cancel_args *a)
{
	struct cancel_lines_request lr = {a->req.order_no, a->lines, a->nlines, a->req.reason,
					  a->req.note};
	struct cancel_lines_preview p;
	struct cancel_result res;
	struct row_set refund;
	struct app_stmt st;
	struct oms_error err = {0};
	bool have_refund = false;
	char lines[1024], m[48];
	int rc;

	if (cancel_preview(c, a, &p, &err) != OMS_OK)
		return cli_fail(c, &err);
	if (p.e.verdict == CANCEL_REFUSED) {
		oms_fail(&err, OMS_RULE, "%s", p.e.reason[0] ? p.e.reason : "the lines cannot be cancelled");
		return cli_fail(c, &err);
	}
	if (cancel_lines_stmt(&lr, &st, &err) != OMS_OK)
		return cli_fail(c, &err);
	rc = send_cancel(c, &st, &res);
	app_stmt_free(&st);
	if (rc != 0)
		return rc;
	row_set_init(&refund, &row_refund);
	if (res.refund_id)
		have_refund = read_refund(c, res.refund_id, &refund);

	if (c->json) {
		cli_json_emit(json_pack("{s:I, s:o, s:I, s:s, s:o, s:o, s:s}",
					"order_no", (json_int_t)a->req.order_no,
					"lines", lines_json(a),
					"cancellation_id", (json_int_t)res.cancellation_id,
					"state", res.state,
					"refund_id", cli_json_id(res.refund_id),
					"refund_minor", !res.refund_id ? json_integer(0) :
					have_refund ? json_integer(row_set_ll(&refund, 0, "amount_minor")) :
					json_null(),
					"currency", p.e.currency));
		row_set_free(&refund);
		return EXIT_FOUND;
	}
	lines_text(a, lines, sizeof lines);
	if (strcmp(res.state, "pending_approval") == 0) {
		printf("order %lld: cancellation %lld of lines %s waits for the seller's approval\n",
		       a->req.order_no, res.cancellation_id, lines);
		if (p.e.refund_minor > 0) {
			money_format(p.e.refund_minor, p.e.currency, m, sizeof m);
			printf("approved now, it would refund %s\n", m);
		}
	} else {
		printf("order %lld: lines %s cancelled (cancellation %lld)\n", a->req.order_no, lines,
		       res.cancellation_id);
	}
	if (have_refund) {
		printf("refund %lld of %s %s\n", res.refund_id,
		       row_set_text(&refund, 0, "amount_minor", m, sizeof m),
		       strcmp(row_set_get(&refund, 0, "approval"), "pending") == 0 ?
		       "waits for an administrator's approval (BR-027)" : "requested");
	}
	row_set_free(&refund);
	return EXIT_FOUND;
}

static int
order_cancel_whole(struct cli *c, struct cancel_request *req)
{
	struct cancel_eligibility el;
	struct cancel_result res;
	struct app_stmt st;
	struct oms_error err = {0};
	struct db_result *r;
	enum oms_status s;
	int rc;

	/* Ask first: a refusal is reported with the rule, and the refund the
	 * customer will get can be said after. */
	cancel_eligibility_stmt(req->order_no, &st);
	if (!(r = cli_query(c, &st, &err)))
		return cli_fail(c, &err);
	s = cancel_eligibility_parse(r, &el, &err);
	db_result_free(r);
	if (s != OMS_OK) {
		if (s == OMS_NOT_FOUND)
			snprintf(err.msg, sizeof err.msg, "order %lld not found", req->order_no);
		return cli_fail(c, &err);
	}
	if (el.verdict == CANCEL_REFUSED && !(el.needs_override && req->override_reason)) {
		oms_fail(&err, OMS_RULE, "%s", el.reason[0] ? el.reason : "the order cannot be cancelled");
		return cli_fail(c, &err);
	}

	if (cancel_order_stmt(req, &st, &err) != OMS_OK)
		return cli_fail(c, &err);
	rc = send_cancel(c, &st, &res);
	app_stmt_free(&st);
	if (rc != 0)
		return rc;

	if (c->json) {
		cli_json_emit(json_pack("{s:I, s:I, s:s, s:o, s:I, s:s}",
					"order_no", (json_int_t)req->order_no,
					"cancellation_id", (json_int_t)res.cancellation_id,
					"state", res.state,
					"refund_id", cli_json_id(res.refund_id),
					"refund_minor", (json_int_t)(res.refund_id ? el.refund_minor : 0),
					"currency", el.currency));
	} else {
		char m[48];

		if (strcmp(res.state, "pending_approval") == 0)
			printf("order %lld: cancellation %lld waits for the seller's approval\n",
			       req->order_no, res.cancellation_id);
		else
			printf("order %lld cancelled (cancellation %lld)\n", req->order_no,
			       res.cancellation_id);
		if (res.refund_id) {
			money_format(el.refund_minor, el.currency, m, sizeof m);
			printf("refund %lld of %s %s\n", res.refund_id, m,
			       strcmp(res.state, "done") == 0 ? "requested" : "follows the approval");
		}
	}
	return EXIT_FOUND;
}

int
cli_cmd_order_cancel(struct cli *c, int argc, char **argv)
{
	struct cancel_args a = {0};
	int rc;

	if ((rc = parse_cancel_args(c, argc, argv, &a)) != 0)
		return rc;
	if (a.dry_run)
		return order_cancel_dry_run(c, &a);
	if (!a.req.reason || !*a.req.reason) {
		fprintf(stderr, "%s: a reason is required (BR-023): --reason CODE\n",
			cli_progname(c));
		print_reasons(c);
		return EXIT_USAGE;
	}
	return a.nlines ? order_cancel_lines(c, &a) : order_cancel_whole(c, &a.req);
}
