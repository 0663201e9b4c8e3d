#include "config.h"

/* `oms find`, `oms order show`, `oms customer show`: the lookup, the
 * order card, the customer card (cli_int.h). `oms order cancel` is in
 * cancel.c; its usage is cli_usage_order, here. */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/phone_format.h"
#include "cli/cli_int.h"
#include "db/db.h"

/* --- find ----------------------------------------------------------------- */

const char cli_usage_find[] = "oms find [--json] [--limit N] TEXT...";

/* `oms find Zoë Ång` == `oms find "Zoë Ång"`: the words joined by blanks. */
static bool
find_append(char *text, size_t size, size_t *used, const char *word)
{
	size_t k = strlen(word);

	if (*used + k + 2 > size)
		return false;
	if (*used)
		text[(*used)++] = ' ';
	memcpy(text + *used, word, k);
	*used += k;
	text[*used] = '\0';
	return true;
}

int
cli_cmd_find(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {{"limit", required_argument, NULL, 'l'}, {0}};
	char text[1024] = "";
	size_t used = 0;
	long limit = 50;
	int ch, nwords = 0;
	struct lookup_query q;
	struct oms_error err = {0};
	struct app_stmt st;
	struct db_result *r;
	json_t *arr;
	int n;

	optind = 0;          /* 0: GNU getopt re-initialises (main used "+") */
	opterr = 0;
	/* "-": words come back in order (ch 1), so options may stand after
	 * them: `oms find zoe angstrom --limit 3` (issue 13); after "--"
	 * everything is words */
	while ((ch = getopt_long(argc, argv, "-", opts, NULL)) != -1) {
		if (ch == 1) {
			if (!find_append(text, sizeof text, &used, optarg))
				return cli_usage_error(c, cli_usage_find, "the text is too long");
			nwords++;
		} else if (ch == 'l') {
			char *end;

			limit = strtol(optarg, &end, 10);
			if (*end || limit < 1 || limit > 1000)
				return cli_usage_error(c, cli_usage_find, "--limit takes 1 to 1000");
		} else {
			return cli_usage_error(c, cli_usage_find, "unknown option %s", argv[optind - 1]);
		}
	}
	for (; optind < argc; optind++, nwords++)
		if (!find_append(text, sizeof text, &used, argv[optind]))
			return cli_usage_error(c, cli_usage_find, "the text is too long");
	if (nwords == 0)
		return cli_usage_error(c, cli_usage_find, "what to find?");
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
	if (!c->json) {
		/* text and CSV: the row type's (rows.c); JSON keeps its query part */
		snprintf(c->empty, sizeof c->empty, "nothing found for %s", q.hint);
		return cli_list(c, &row_lookup, &st, 0);
	}
	if (!(r = cli_query(c, &st, &err)))
		return cli_fail(c, &err);
	if (row_check(&row_lookup, r, &err) != OMS_OK) {
		db_result_free(r);
		return cli_fail(c, &err);
	}
	arr = json_array();
	n = db_rows(r);
	for (int i = 0; i < n; i++)
		json_array_append_new(arr, row_json(&row_lookup, r, i));
	cli_json_emit(json_pack("{s:{s:s, s:s, s:b}, s:o, s:o}",
				"query", "kind", lookup_kind_name(q.kind), "text", q.text,
				"check_failed", 0, "rows", arr, "next_after",
				n == limit && n > 0 ? json_string(db_get(r, n - 1, db_colnum(r, "sort_key")))
						    : json_null()));
	db_result_free(r);
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
		cli_put_safe(stdout, p);
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
	char t1[24], m1[48], m2[48], m3[48], m4[48], ph[64];
	size_t i;

	printf("Order %lld  %s", app_json_ll(d, "order_no"), jstr(d, "status"));
	/* a shipment flagged as stuck marks the status, as on the order
	 * screen (issue 13); the shipments' FLAGGED column says which */
	json_array_foreach(json_object_get(d, "shipments"), i, v)
		if (json_is_true(json_object_get(v, "flagged"))) {
			printf(" (STUCK)");
			break;
		}
	if (*jstr(d, "status_at"))
		printf(" since %s", cli_short_time(jstr(d, "status_at"), t1, sizeof t1));
	fputc('\n', stdout);
	cli_label("Placed");
	printf("%s", cli_short_time(jstr(d, "placed_at"), t1, sizeof t1));
	if (json_is_object(seller)) {
		printf("   seller ");
		cli_put_safe(stdout, jstr(seller, "name"));
	}
	fputc('\n', stdout);
	if (json_is_object(cust)) {
		cli_label("Customer");
		cli_put_safe(stdout, jstr(cust, "full_name"));
		printf("  ");
		cli_put_safe(stdout, jstr(cust, "email"));
		printf("  ");
		/* as its country writes it, as the terminal client shows it (issue 13) */
		cli_put_safe(stdout, phone_format(jstr(cust, "phone"), ph, sizeof ph));
		printf("  (id %lld)\n", app_json_ll(cust, "id"));
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
			cli_put_safe(stdout, jstr(pay, "provider_ref"));
		}
		if (*jstr(pay, "verified_at"))
			printf(" verified %s", cli_short_time(jstr(pay, "verified_at"), t1, sizeof t1));
		fputc('\n', stdout);
	}

	arr = json_object_get(d, "lines");
	if (json_array_size(arr)) {
		struct cli_table *t = table_new("rllrrrr", "#", "SKU", "ITEM", "QTY", "UNIT",
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
		struct cli_table *t = table_new("lllllll", "CARRIER", "SERVICE", "TRACKING", "STATUS",
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
		struct cli_table *t = table_new("rrlllll", "ID", "AMOUNT", "STATUS", "APPROVAL",
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
		struct cli_table *t = table_new("rlllllll", "ID", "SCOPE", "STATE", "REASON",
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
		struct cli_table *t = table_new("llll", "AT", "WHO", "WHAT", "DETAIL");

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

/* `oms order SUB`: the registry (registry.c) dispatches on these. */
const struct cli_sub cli_subs_order[] = {
	{"show", cmd_order_show, false},
	{"cancel", cli_cmd_order_cancel, false},
	{NULL, NULL, false}};

/* --- customer show -------------------------------------------------------- */

const char cli_usage_customer[] = "oms customer show [--json] EMAIL|PHONE|ID";

static void
print_customer_card(struct cli *c, const json_t *d, long long id)
{
	const json_t *arr, *v, *fig = json_object_get(d, "figures");
	char t1[24], m1[48], m2[48], ph[64];
	size_t i;

	printf("Customer %lld  ", app_json_ll(d, "id"));
	cli_line_safe(jstr(d, "full_name"));
	cli_label("E-mail");
	cli_line_safe(jstr(d, "email"));
	cli_label("Phone");
	cli_line_safe(phone_format(jstr(d, "phone"), ph, sizeof ph));
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
			cli_put_safe(stdout, jstr(v, "label"));
			printf(": ");
		}
		print_address(v, parts);
		printf("%s\n", json_is_true(json_object_get(v, "is_default")) ? " (default)" : "");
	}

	{
		struct app_stmt st;
		struct oms_error err = {0};
		struct db_result *r;
		struct row_set rows;
		int n;

		row_set_init(&rows, &row_history);
		customer_orders_stmt(id, NULL, 0, 10, &st);
		r = cli_query(c, &st, &err);
		n = r ? row_set_read(&rows, r, true, &err) : -1;
		db_result_free(r);
		if (n > 0) {
			struct cli_table *t = table_new("rllrrl", "ORDER", "PLACED", "STATUS", "ITEMS",
							"TOTAL", "SELLER");

			for (int k = 0; k < n; k++) {
				char no[24], items[16], seller[256], status[64];

				row_set_text(&rows, k, "status", status, sizeof status);
				/* a flagged shipment: marked as oms find and the
				 * terminal client's history mark it (issue 13) */
				if (row_set_bool(&rows, k, "stuck")) {
					size_t sl = strlen(status);

					snprintf(status + sl, sizeof status - sl, " STUCK");
				}
				table_add(t, row_set_text(&rows, k, "order_no", no, sizeof no),
					  row_set_text(&rows, k, "placed_at", t1, sizeof t1),
					  status,
					  row_set_text(&rows, k, "items", items, sizeof items),
					  row_set_text(&rows, k, "total_minor", m1, sizeof m1),
					  row_set_text(&rows, k, "seller_name", seller, sizeof seller));
			}
			cli_table_section("Recent orders", t);
		} else if (n < 0) {
			fprintf(stderr, "%s: orders: %s\n", cli_progname(c),
				err.msg);
		}
		row_set_free(&rows);
	}

	arr = json_object_get(d, "tickets");
	if (json_array_size(arr)) {
		struct cli_table *t = table_new("rllllr", "TICKET", "STATUS", "PRIORITY", "OPENED",
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
