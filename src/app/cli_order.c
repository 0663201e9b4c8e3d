#include "config.h"

/* `oms find`, `oms order show|cancel`, `oms customer show`: the lookup,
 * the order card and cancelling an order, the customer card (cli_int.h). */

#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/cli_int.h"
#include "db/db.h"

/* --- find ----------------------------------------------------------------- */

const char cli_usage_find[] = "oms find [--json] [--limit N] TEXT...";

int
cli_cmd_find(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {{"limit", required_argument, NULL, 'l'}, {0}};
	char text[1024] = "";
	size_t used = 0;
	long limit = 50;
	int ch;
	struct lookup_query q;
	struct oms_error err = {0};
	struct app_stmt st;
	struct db_result *r;
	struct lookup_row *rows = NULL;
	int n;

	optind = 0;          /* 0: GNU getopt re-initialises (main used "+") */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		if (ch == 'l') {
			char *end;

			limit = strtol(optarg, &end, 10);
			if (*end || limit < 1 || limit > 1000)
				return cli_usage_error(c, cli_usage_find, "--limit takes 1 to 1000");
		} else {
			return cli_usage_error(c, cli_usage_find, "unknown option %s", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return cli_usage_error(c, cli_usage_find, "what to find?");
	/* `oms find Zoë Ång` == `oms find "Zoë Ång"` */
	for (int i = optind; i < argc; i++) {
		size_t k = strlen(argv[i]);

		if (used + k + 2 > sizeof text)
			return cli_usage_error(c, cli_usage_find, "the text is too long");
		if (used)
			text[used++] = ' ';
		memcpy(text + used, argv[i], k);
		used += k;
		text[used] = '\0';
	}
	if (lookup_classify(text, c->cc, &q, &err) != OMS_OK)
		return cli_fail(c, &err);
	if (q.check_failed) {
		if (c->json) {
			json_t *doc = json_pack("{s:{s:s, s:s, s:b}, s:[], s:[]}",
						"query", "kind", lookup_kind_name(q.kind), "text", q.text,
						"check_failed", 1, "rows", "suggestions");

			cli_print_suggestions(c, &q, json_object_get(doc, "suggestions"));
			cli_json_emit(doc);
		} else {
			fprintf(stderr, "%s: %s is not a valid order number (wrong check digit)\n",
				cli_progname(c), q.text);
			cli_print_suggestions(c, &q, NULL);
		}
		return EXIT_NOTFOUND;
	}
	lookup_stmt(&q, (int)limit, NULL, &st);
	if (!(r = cli_query(c, &st, &err)))
		return cli_fail(c, &err);
	n = lookup_rows(r, &rows, &err);
	db_result_free(r);
	if (n < 0)
		return cli_fail(c, &err);
	if (c->json) {
		json_t *arr = json_array();
		json_t *doc;

		for (int i = 0; i < n; i++) {
			struct lookup_row *w = &rows[i];

			json_array_append_new(arr, json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
				"kind", w->kind,
				"order_no", cli_json_id(w->order_no),
				"customer_id", cli_json_id(w->customer_id),
				"full_name", cli_json_str(w->full_name),
				"email", cli_json_str(w->email),
				"phone", cli_json_str(w->phone),
				"status", cli_json_str(w->status),
				"placed_at", cli_json_str(w->placed_at),
				"total_minor", w->order_no ? json_integer(w->total_minor) : json_null(),
				"currency", cli_json_str(w->currency)));
		}
		doc = json_pack("{s:{s:s, s:s, s:b}, s:o, s:o}",
				"query", "kind", lookup_kind_name(q.kind), "text", q.text,
				"check_failed", 0, "rows", arr,
				"next_after", n == limit && n > 0 ? json_string(rows[n - 1].sort_key) : json_null());
		cli_json_emit(doc);
	} else if (n > 0) {
		struct app_table *t = table_new("lrllrlll", "KIND", "ORDER", "STATUS", "PLACED",
						"TOTAL", "CUSTOMER", "EMAIL", "PHONE");

		for (int i = 0; i < n; i++) {
			struct lookup_row *w = &rows[i];
			char no[24], placed[24], total[48];

			if (w->order_no)
				money_format(w->total_minor, w->currency, total, sizeof total);
			else
				total[0] = '\0';
			table_add(t, w->kind, cli_fmt_ll(w->order_no, no, sizeof no), w->status,
				  cli_short_time(w->placed_at, placed, sizeof placed), total,
				  w->full_name, w->email, w->phone);
		}
		cli_table_emit(t);
	} else {
		fprintf(stderr, "%s: nothing found for %s\n",
			cli_progname(c), q.hint);
	}
	free(rows);
	return n > 0 ? EXIT_FOUND : EXIT_NOTFOUND;
}

/* --- order show ----------------------------------------------------------- */

const char cli_usage_order[] =
	"oms order show [--json] NUMBER\n"
	"       oms order cancel [--json] NUMBER --reason CODE [--note TEXT] [--override REASON]\n"
	"       oms order cancel [--json] NUMBER --reason CODE [--note TEXT] --line LINE:QTY [--line ...]\n"
	"       oms order cancel [--json] NUMBER --line LINE:QTY [--line ...] --dry-run\n"
	"  --line LINE:QTY cancels QTY units of line LINE (repeat for more lines);\n"
	"  --dry-run shows the verdict and the refund the lines would bring, changing nothing";

/* The non-empty parts of an address, comma separated ("12 Harbour Road,
 * 62701 Springfield, IL, US"). */
static void
print_address(const json_t *a, const char *const *parts)
{
	bool first = true;

	for (int k = 0; parts[k]; k++) {
		const char *p = jstr(a, parts[k]);

		if (!*p)
			continue;
		printf("%s", first ? "" : (strcmp(parts[k], "city") == 0 ? " " : ", "));
		app_put_safe(stdout, p);
		first = false;
	}
}

static void
print_order_card(const json_t *d)
{
	const char *cur = jstr(d, "currency");
	const json_t *cust = json_object_get(d, "customer");
	const json_t *seller = json_object_get(d, "seller");
	const json_t *ship = json_object_get(d, "ship_to");
	const json_t *pay = json_object_get(d, "payment");
	const json_t *arr, *v;
	char t1[24], m1[48], m2[48], m3[48], m4[48];
	size_t i;

	printf("Order %lld  %s", app_json_ll(d, "order_no"), jstr(d, "status"));
	if (*jstr(d, "status_at"))
		printf(" since %s", cli_short_time(jstr(d, "status_at"), t1, sizeof t1));
	fputc('\n', stdout);
	cli_label("Placed");
	printf("%s", cli_short_time(jstr(d, "placed_at"), t1, sizeof t1));
	if (json_is_object(seller)) {
		printf("   seller ");
		app_put_safe(stdout, jstr(seller, "name"));
	}
	fputc('\n', stdout);
	if (json_is_object(cust)) {
		cli_label("Customer");
		app_put_safe(stdout, jstr(cust, "full_name"));
		printf("  ");
		app_put_safe(stdout, jstr(cust, "email"));
		printf("  %s  (id %lld)\n", jstr(cust, "phone"), app_json_ll(cust, "id"));
	}
	if (json_is_object(ship)) {
		static const char *const parts[] = {"name", "line1", "line2", "postal_code", "city",
						    "region", "country", NULL};

		cli_label("Ship to");
		print_address(ship, parts);
		fputc('\n', stdout);
	}
	money_format(app_json_ll(d, "total_minor"), cur, m1, sizeof m1);
	money_format(app_json_ll(d, "subtotal_minor"), cur, m2, sizeof m2);
	money_format(app_json_ll(d, "shipping_minor"), cur, m3, sizeof m3);
	money_format(app_json_ll(d, "refundable_minor"), cur, m4, sizeof m4);
	cli_label("Total");
	printf("%s (items %s + shipping %s), refundable %s\n", m1, m2, m3, m4);
	if (json_is_object(pay)) {
		money_format(app_json_ll(pay, "amount_minor"), cur, m1, sizeof m1);
		cli_label("Payment");
		printf("%s %s", jstr(pay, "status"), m1);
		if (*jstr(pay, "provider_ref")) {
			printf(" ref ");
			app_put_safe(stdout, jstr(pay, "provider_ref"));
		}
		if (*jstr(pay, "verified_at"))
			printf(" verified %s", cli_short_time(jstr(pay, "verified_at"), t1, sizeof t1));
		fputc('\n', stdout);
	}

	arr = json_object_get(d, "lines");
	if (json_array_size(arr)) {
		struct app_table *t = table_new("rllrrrr", "#", "SKU", "ITEM", "QTY", "UNIT",
						"TOTAL", "CANCELLED");

		json_array_foreach(arr, i, v) {
			char ln[16], qty[16], cq[16];

			money_format(app_json_ll(v, "unit_price_minor"), cur, m1, sizeof m1);
			money_format(app_json_ll(v, "line_total_minor"), cur, m2, sizeof m2);
			snprintf(ln, sizeof ln, "%lld", app_json_ll(v, "line_no"));
			snprintf(qty, sizeof qty, "%lld", app_json_ll(v, "qty"));
			table_add(t, ln, jstr(v, "sku"), jstr(v, "name"), qty, m1, m2,
				  cli_fmt_ll(app_json_ll(v, "cancelled_qty"), cq, sizeof cq));
		}
		cli_table_section("Lines", t);
	}
	arr = json_object_get(d, "shipments");
	if (json_array_size(arr)) {
		struct app_table *t = table_new("lllllll", "CARRIER", "SERVICE", "TRACKING", "STATUS",
						"SHIPPED", "ESTIMATED", "FLAGGED");

		json_array_foreach(arr, i, v) {
			const json_t *fl = json_object_get(v, "flagged");

			table_add(t, jstr(v, "carrier"), jstr(v, "service_level"), jstr(v, "tracking_no"),
				  jstr(v, "status"), cli_short_time(jstr(v, "shipped_at"), t1, sizeof t1),
				  jstr(v, "estimated_delivery"), json_is_true(fl) ? "yes" : "");
		}
		cli_table_section("Shipments", t);
	}
	arr = json_object_get(d, "refunds");
	if (json_array_size(arr)) {
		struct app_table *t = table_new("rrlllll", "ID", "AMOUNT", "STATUS", "APPROVAL",
						"CREATED", "EXECUTED", "REASON");

		json_array_foreach(arr, i, v) {
			char id[24], t2[24];

			money_format(app_json_ll(v, "amount_minor"), cur, m1, sizeof m1);
			table_add(t, cli_fmt_ll(app_json_ll(v, "id"), id, sizeof id), m1, jstr(v, "status"),
				  jstr(v, "approval"), cli_short_time(jstr(v, "created_at"), t1, sizeof t1),
				  cli_short_time(jstr(v, "executed_at"), t2, sizeof t2), jstr(v, "reason"));
		}
		cli_table_section("Refunds", t);
	}
	arr = json_object_get(d, "cancellations");
	if (json_array_size(arr)) {
		struct app_table *t = table_new("rlllllll", "ID", "SCOPE", "STATE", "REASON",
						"BY", "AT", "DECIDED BY", "NOTE");

		json_array_foreach(arr, i, v) {
			char id[24];
			const char *note = *jstr(v, "override_reason") ? jstr(v, "override_reason")
								       : jstr(v, "note");

			table_add(t, cli_fmt_ll(app_json_ll(v, "id"), id, sizeof id), jstr(v, "scope"),
				  jstr(v, "state"),
				  *jstr(v, "reason_label") ? jstr(v, "reason_label") : jstr(v, "reason_code"),
				  jstr(v, "requested_by"),
				  cli_short_time(jstr(v, "requested_at"), t1, sizeof t1),
				  jstr(v, "decided_by"), note);
		}
		cli_table_section("Cancellations", t);
	}
	arr = json_object_get(d, "timeline");
	if (json_array_size(arr)) {
		struct app_table *t = table_new("llll", "AT", "WHO", "WHAT", "DETAIL");

		json_array_foreach(arr, i, v) {
			const json_t *det = json_object_get(v, "detail");
			char *dtext = NULL;

			if (json_is_string(det))
				dtext = strdup(json_string_value(det));
			else if (det && !json_is_null(det))
				dtext = json_dumps(det, JSON_COMPACT | JSON_PRESERVE_ORDER);
			table_add(t, cli_short_time(jstr(v, "at"), t1, sizeof t1), jstr(v, "actor"),
				  jstr(v, "action"), dtext ? dtext : "");
			free(dtext);
		}
		cli_table_section("Timeline", t);
	}
}

static int
cmd_order_show(struct cli *c, int argc, char **argv)
{
	long long no;
	int rc;
	struct app_stmt st;
	struct oms_error err = {0};
	struct db_result *r;
	json_t *doc;

	if (argc != 2)
		return cli_usage_error(c, cli_usage_order, "which order?");
	if ((rc = cli_parse_order_no(c, argv[1], &no)) != 0)
		return rc;
	order_card_stmt(no, &st);
	if (!(r = cli_query(c, &st, &err)))
		return cli_fail(c, &err);
	doc = app_doc_parse(r, &err);
	db_result_free(r);
	if (!doc) {
		if (err.status == OMS_NOT_FOUND)
			snprintf(err.msg, sizeof err.msg, "order %lld not found", no);
		return cli_fail(c, &err);
	}
	if (c->json)
		cli_json_out(doc);
	else
		print_order_card(doc);
	json_decref(doc);
	return EXIT_FOUND;
}

/* --- order cancel --------------------------------------------------------- */

static void
print_reasons(struct cli *c)
{
	struct app_stmt st;
	struct oms_error err = {0};
	struct db_result *r;
	struct cancel_reason *v = NULL;
	int n;

	cancel_reasons_stmt(&st);
	if (!(r = cli_query(c, &st, &err)))
		return;
	n = cancel_reasons_rows(r, &v, &err);
	db_result_free(r);
	if (n > 0) {
		fprintf(stderr, "reasons:\n");
		for (int i = 0; i < n; i++) {
			fprintf(stderr, "  %-24s ", v[i].code);
			app_put_safe(stderr, v[i].label);
			fprintf(stderr, "%s\n", v[i].requires_note ? " (needs --note)" : "");
		}
	}
	free(v);
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

/* The refund a cancellation created, as the ledger has it. */
static bool
read_refund(struct cli *c, long long id, struct refund_row *row)
{
	struct app_stmt st;
	struct oms_error err = {0};
	struct db_result *r;
	enum oms_status s;

	refund_show_stmt(id, &st);
	if (!(r = cli_query(c, &st, &err)))
		s = err.status;
	else
		s = refund_card_parse(r, row, NULL, &err);
	db_result_free(r);
	if (s != OMS_OK) {
		fprintf(stderr, "%s: refund %lld: ", cli_progname(c), id);
		app_put_safe(stderr, err.msg);
		fputc('\n', stderr);
	}
	return s == OMS_OK;
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
	struct refund_row refund = {0};
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
	if ((rc = send_cancel(c, &st, &res)) != 0)
		return rc;
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
					have_refund ? json_integer(refund.amount_minor) : json_null(),
					"currency", p.e.currency));
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
		money_format(refund.amount_minor, refund.currency, m, sizeof m);
		printf("refund %lld of %s %s\n", res.refund_id, m,
		       strcmp(refund.approval, "pending") == 0 ?
		       "waits for an administrator's approval (BR-027)" : "requested");
	}
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
	if ((rc = send_cancel(c, &st, &res)) != 0)
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

static int
cmd_order_cancel(struct cli *c, int argc, char **argv)
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

int
cli_cmd_order(struct cli *c, int argc, char **argv)
{
	static const struct cli_sub subs[] = {
		{"show", cmd_order_show}, {"cancel", cmd_order_cancel}, {NULL, NULL}};

	return cli_subcommand(c, argc, argv, cli_usage_order, subs);
}

/* --- customer show -------------------------------------------------------- */

const char cli_usage_customer[] = "oms customer show [--json] EMAIL|PHONE|ID";

static void
print_customer_card(struct cli *c, const json_t *d, long long id)
{
	const json_t *arr, *v, *fig = json_object_get(d, "figures");
	char t1[24], m1[48], m2[48];
	size_t i;

	printf("Customer %lld  ", app_json_ll(d, "id"));
	cli_line_safe(jstr(d, "full_name"));
	cli_label("E-mail");
	cli_line_safe(jstr(d, "email"));
	cli_label("Phone");
	cli_line_safe(jstr(d, "phone"));
	cli_label("Since");
	printf("%s\n", cli_short_time(jstr(d, "created_at"), t1, sizeof t1));
	if (json_is_object(fig)) {
		const char *cur = jstr(fig, "currency");

		money_format(app_json_ll(fig, "spend_minor"), cur, m1, sizeof m1);
		money_format(app_json_ll(fig, "refunds_minor"), cur, m2, sizeof m2);
		cli_label("Orders");
		printf("%lld, spent %s, %lld cancelled, refunded %s\n", app_json_ll(fig, "orders"),
		       m1, app_json_ll(fig, "cancellations"), m2);
	}
	arr = json_object_get(d, "addresses");
	json_array_foreach(arr, i, v) {
		static const char *const parts[] = {"line1", "line2", "postal_code", "city",
						    "region", "country", NULL};

		cli_label(i == 0 ? "Addresses" : "");
		if (*jstr(v, "label")) {
			app_put_safe(stdout, jstr(v, "label"));
			printf(": ");
		}
		print_address(v, parts);
		printf("%s\n", json_is_true(json_object_get(v, "is_default")) ? " (default)" : "");
	}

	{
		struct app_stmt st;
		struct oms_error err = {0};
		struct db_result *r;
		struct history_row *rows = NULL;
		int n;

		customer_orders_stmt(id, NULL, NULL, 10, &st);
		r = cli_query(c, &st, &err);
		n = r ? customer_orders_rows(r, &rows, &err) : -1;
		db_result_free(r);
		if (n > 0) {
			struct app_table *t = table_new("rllrrl", "ORDER", "PLACED", "STATUS", "ITEMS",
							"TOTAL", "SELLER");

			for (int k = 0; k < n; k++) {
				char no[24], items[16];

				money_format(rows[k].total_minor, rows[k].currency, m1, sizeof m1);
				snprintf(items, sizeof items, "%d", rows[k].items);
				table_add(t, cli_fmt_ll(rows[k].order_no, no, sizeof no),
					  cli_short_time(rows[k].placed_at, t1, sizeof t1), rows[k].status,
					  items, m1, rows[k].seller_name);
			}
			cli_table_section("Recent orders", t);
		} else if (n < 0) {
			fprintf(stderr, "%s: orders: %s\n", cli_progname(c),
				err.msg);
		}
		free(rows);
	}

	arr = json_object_get(d, "tickets");
	if (json_array_size(arr)) {
		struct app_table *t = table_new("rllllr", "TICKET", "STATUS", "PRIORITY", "OPENED",
						"SUBJECT", "ORDER");

		json_array_foreach(arr, i, v) {
			char tid[24], no[24];

			table_add(t, cli_fmt_ll(app_json_ll(v, "id"), tid, sizeof tid), jstr(v, "status"),
				  jstr(v, "priority"), cli_short_time(jstr(v, "created_at"), t1, sizeof t1),
				  jstr(v, "subject"), cli_fmt_ll(app_json_ll(v, "order_no"), no, sizeof no));
		}
		cli_table_section("Tickets", t);
	}
}

int
cli_cmd_customer(struct cli *c, int argc, char **argv)
{
	struct app_stmt st;
	struct oms_error err = {0};
	struct db_result *r;
	long long id;
	enum oms_status s;
	json_t *doc;

	if (argc < 2 || strcmp(argv[1], "show") != 0)
		return cli_usage_error(c, cli_usage_customer, "customer what?");
	if (argc != 3)
		return cli_usage_error(c, cli_usage_customer, "which customer?");
	if (find_customer_stmt(argv[2], c->cc, &st, &err) != OMS_OK)
		return cli_fail(c, &err);
	if (!(r = cli_query(c, &st, &err)))
		return cli_fail(c, &err);
	s = find_customer_parse(r, &id, &err);
	db_result_free(r);
	if (s != OMS_OK)
		return cli_fail(c, &err);
	customer_card_stmt(id, &st);
	if (!(r = cli_query(c, &st, &err)))
		return cli_fail(c, &err);
	doc = app_doc_parse(r, &err);
	db_result_free(r);
	if (!doc) {
		if (err.status == OMS_NOT_FOUND)
			snprintf(err.msg, sizeof err.msg, "no such customer");
		return cli_fail(c, &err);
	}
	if (c->json)
		cli_json_out(doc);
	else
		print_customer_card(c, doc, id);
	json_decref(doc);
	return EXIT_FOUND;
}
