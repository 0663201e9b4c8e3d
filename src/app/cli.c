#include "config.h"

/* The subcommands: `oms find`, `oms order show|cancel`, `oms customer show`,
 * `oms cancellation list|approve|refuse`,
 * `oms refund list|show|pending|request|approve|refuse`, `oms whoami`. The same use cases as the terminal
 * client, printed as aligned plain text or, with --json, as JSON with
 * stable field names (order and customer cards exactly as the server built
 * them). Exit codes: 0 found/ok, 1 not found, 2 usage or invalid input,
 * 3 database error, 4 refused by a business rule (or by the role, or
 * already done by someone else). */

#include <getopt.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "app/appint.h"
#include "app/table.h"
#include "ctx.h"
#include "db/db.h"

enum { EXIT_FOUND = 0, EXIT_NOTFOUND = 1, EXIT_USAGE = 2, EXIT_DB = 3, EXIT_RULE = 4 };

struct cli {
	struct oms_ctx *ctx;
	char cc[8];                  /* default country calling code */
	bool json;
};

static int
exit_code(enum oms_status st)
{
	switch (st) {
	case OMS_OK: return EXIT_FOUND;
	case OMS_NOT_FOUND: return EXIT_NOTFOUND;
	case OMS_USAGE:
	case OMS_INVALID: return EXIT_USAGE;
	case OMS_RULE:
	case OMS_DENIED:
	case OMS_CONFLICT: return EXIT_RULE;
	default: return EXIT_DB;
	}
}

static int
fail(const struct cli *c, const struct oms_error *err)
{
	fprintf(stderr, "%s: ", c->ctx->progname ? c->ctx->progname : "oms");
	app_put_safe(stderr, err->msg[0] ? err->msg : oms_status_message(err->status));
	fputc('\n', stderr);
	return exit_code(err->status);
}

static int usage_error(const struct cli *c, const char *usage, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
usage_error(const struct cli *c, const char *usage, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", c->ctx->progname ? c->ctx->progname : "oms");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nusage: %s\n", usage);
	return EXIT_USAGE;
}

static void
json_out(json_t *v)
{
	if (!v)
		return;
	json_dumpf(v, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', stdout);
}

static json_t *
json_str_or_null(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

static json_t *
json_id_or_null(long long v)
{
	return v ? json_integer(v) : json_null();
}

/* "2026-01-20T10:11:12+00:00" -> "2026-01-20 10:11" */
static const char *
short_time(const char *iso, char *buf, size_t len)
{
	size_t n = strlen(iso);

	if (n < 16 || len < 17) {
		app_copy(buf, len, iso);
		return buf;
	}
	memcpy(buf, iso, 16);
	buf[10] = ' ';
	buf[16] = '\0';
	return buf;
}

static const char *
fmt_ll(long long v, char *buf, size_t len)
{
	if (v)
		snprintf(buf, len, "%lld", v);
	else
		buf[0] = '\0';
	return buf;
}

static struct db_result *
run(const struct cli *c, const struct app_stmt *st, struct oms_error *err)
{
	return app_stmt_run(c->ctx->db, st, err);
}

/* Strips the options every command shares (--json, --help anywhere). */
static bool
strip_common(struct cli *c, int *argc, char **argv)
{
	bool help = false;
	int o = 1;

	for (int i = 1; i < *argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			while (i < *argc)
				argv[o++] = argv[i++];
			break;
		}
		if (strcmp(argv[i], "--json") == 0)
			c->json = true;
		else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			help = true;
		else
			argv[o++] = argv[i];
	}
	*argc = o;
	argv[o] = NULL;
	return help;
}

/* --- find ----------------------------------------------------------------- */

static const char usage_find[] = "oms find [--json] [--limit N] TEXT...";

static void
print_suggestions(const struct cli *c, const struct lookup_query *q, json_t *jarr)
{
	int shown = 0;

	for (int i = 0; i < q->nsuggest; i++) {
		struct lookup_query sq = {.kind = LOOKUP_ORDER_NO};
		struct app_stmt st;
		struct oms_error err = {0};
		struct db_result *r;
		struct lookup_row *rows = NULL;
		int n;

		snprintf(sq.text, sizeof sq.text, "%lld", q->suggest[i]);
		lookup_stmt(&sq, 1, NULL, &st);
		r = run(c, &st, &err);
		n = r ? lookup_rows(r, &rows, &err) : -1;
		db_result_free(r);
		if (n > 0) {
			char total[48];

			money_format(rows[0].total_minor, rows[0].currency, total, sizeof total);
			if (jarr) {
				json_array_append_new(jarr, json_pack("{s:I, s:s, s:s, s:I, s:s}",
					"order_no", (json_int_t)q->suggest[i],
					"status", rows[0].status, "full_name", rows[0].full_name,
					"total_minor", (json_int_t)rows[0].total_minor,
					"currency", rows[0].currency));
			} else {
				fprintf(stderr, "%s %lld  %s  ", shown ? "   " : "  did you mean",
					q->suggest[i], rows[0].status);
				app_put_safe(stderr, rows[0].full_name);
				fprintf(stderr, "  %s\n", total);
			}
			shown++;
		}
		free(rows);
	}
	if (!shown && !jarr)
		fprintf(stderr, "  no order exists one typo away\n");
}

static int
cmd_find(struct cli *c, int argc, char **argv)
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
				return usage_error(c, usage_find, "--limit takes 1 to 1000");
		} else {
			return usage_error(c, usage_find, "unknown option %s", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return usage_error(c, usage_find, "what to find?");
	/* `oms find Zoë Ång` == `oms find "Zoë Ång"` */
	for (int i = optind; i < argc; i++) {
		size_t k = strlen(argv[i]);

		if (used + k + 2 > sizeof text)
			return usage_error(c, usage_find, "the text is too long");
		if (used)
			text[used++] = ' ';
		memcpy(text + used, argv[i], k);
		used += k;
		text[used] = '\0';
	}
	if (lookup_classify(text, c->cc, &q, &err) != OMS_OK)
		return fail(c, &err);
	if (q.check_failed) {
		if (c->json) {
			json_t *doc = json_pack("{s:{s:s, s:s, s:b}, s:[], s:[]}",
						"query", "kind", lookup_kind_name(q.kind), "text", q.text,
						"check_failed", 1, "rows", "suggestions");

			print_suggestions(c, &q, json_object_get(doc, "suggestions"));
			json_out(doc);
			json_decref(doc);
		} else {
			fprintf(stderr, "%s: %s is not a valid order number (wrong check digit)\n",
				c->ctx->progname ? c->ctx->progname : "oms", q.text);
			print_suggestions(c, &q, NULL);
		}
		return EXIT_NOTFOUND;
	}
	lookup_stmt(&q, (int)limit, NULL, &st);
	if (!(r = run(c, &st, &err)))
		return fail(c, &err);
	n = lookup_rows(r, &rows, &err);
	db_result_free(r);
	if (n < 0)
		return fail(c, &err);
	if (c->json) {
		json_t *arr = json_array();
		json_t *doc;

		for (int i = 0; i < n; i++) {
			struct lookup_row *w = &rows[i];

			json_array_append_new(arr, json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
				"kind", w->kind,
				"order_no", json_id_or_null(w->order_no),
				"customer_id", json_id_or_null(w->customer_id),
				"full_name", json_str_or_null(w->full_name),
				"email", json_str_or_null(w->email),
				"phone", json_str_or_null(w->phone),
				"status", json_str_or_null(w->status),
				"placed_at", json_str_or_null(w->placed_at),
				"total_minor", w->order_no ? json_integer(w->total_minor) : json_null(),
				"currency", json_str_or_null(w->currency)));
		}
		doc = json_pack("{s:{s:s, s:s, s:b}, s:o, s:o}",
				"query", "kind", lookup_kind_name(q.kind), "text", q.text,
				"check_failed", 0, "rows", arr,
				"next_after", n == limit && n > 0 ? json_string(rows[n - 1].sort_key) : json_null());
		json_out(doc);
		json_decref(doc);
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
			table_add(t, w->kind, fmt_ll(w->order_no, no, sizeof no), w->status,
				  short_time(w->placed_at, placed, sizeof placed), total,
				  w->full_name, w->email, w->phone);
		}
		table_print(t, stdout, NULL);
		table_free(t);
	} else {
		fprintf(stderr, "%s: nothing found for %s\n",
			c->ctx->progname ? c->ctx->progname : "oms", q.hint);
	}
	free(rows);
	return n > 0 ? EXIT_FOUND : EXIT_NOTFOUND;
}

/* --- order show ----------------------------------------------------------- */

static const char usage_order[] =
	"oms order show [--json] NUMBER\n"
	"       oms order cancel [--json] NUMBER --reason CODE [--note TEXT] [--override REASON]";

/* An order number as typed (separators allowed); prints suggestions for a
 * wrong check digit. Returns 0 and sets *no, or an exit code. */
static int
parse_order_no(struct cli *c, const char *arg, long long *no)
{
	char buf[300];
	struct lookup_query q;
	struct oms_error err = {0};

	snprintf(buf, sizeof buf, "order:%.280s", arg);
	if (lookup_classify(buf, c->cc, &q, &err) != OMS_OK)
		return fail(c, &err);
	if (q.check_failed) {
		fprintf(stderr, "%s: %s is not a valid order number (wrong check digit)\n",
			c->ctx->progname ? c->ctx->progname : "oms", q.text);
		print_suggestions(c, &q, NULL);
		return EXIT_NOTFOUND;
	}
	*no = strtoll(q.text, NULL, 10);
	return 0;
}

static const char *
jstr(const json_t *o, const char *k)
{
	return app_json_str(o, k);
}

static void
label(const char *name)
{
	printf("%-12s", name);
}

static void
line_safe(const char *s)
{
	app_put_safe(stdout, s);
	fputc('\n', stdout);
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
		printf(" since %s", short_time(jstr(d, "status_at"), t1, sizeof t1));
	fputc('\n', stdout);
	label("Placed");
	printf("%s", short_time(jstr(d, "placed_at"), t1, sizeof t1));
	if (json_is_object(seller)) {
		printf("   seller ");
		app_put_safe(stdout, jstr(seller, "name"));
	}
	fputc('\n', stdout);
	if (json_is_object(cust)) {
		label("Customer");
		app_put_safe(stdout, jstr(cust, "full_name"));
		printf("  ");
		app_put_safe(stdout, jstr(cust, "email"));
		printf("  %s  (id %lld)\n", jstr(cust, "phone"), app_json_ll(cust, "id"));
	}
	if (json_is_object(ship)) {
		static const char *const parts[] = {"name", "line1", "line2", "postal_code", "city",
						    "region", "country", NULL};
		bool first = true;

		label("Ship to");
		for (int k = 0; parts[k]; k++) {
			const char *p = jstr(ship, parts[k]);

			if (!*p)
				continue;
			printf("%s", first ? "" : (strcmp(parts[k], "city") == 0 ? " " : ", "));
			app_put_safe(stdout, p);
			first = false;
		}
		fputc('\n', stdout);
	}
	money_format(app_json_ll(d, "total_minor"), cur, m1, sizeof m1);
	money_format(app_json_ll(d, "subtotal_minor"), cur, m2, sizeof m2);
	money_format(app_json_ll(d, "shipping_minor"), cur, m3, sizeof m3);
	money_format(app_json_ll(d, "refundable_minor"), cur, m4, sizeof m4);
	label("Total");
	printf("%s (items %s + shipping %s), refundable %s\n", m1, m2, m3, m4);
	if (json_is_object(pay)) {
		money_format(app_json_ll(pay, "amount_minor"), cur, m1, sizeof m1);
		label("Payment");
		printf("%s %s", jstr(pay, "status"), m1);
		if (*jstr(pay, "provider_ref")) {
			printf(" ref ");
			app_put_safe(stdout, jstr(pay, "provider_ref"));
		}
		if (*jstr(pay, "verified_at"))
			printf(" verified %s", short_time(jstr(pay, "verified_at"), t1, sizeof t1));
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
				  fmt_ll(app_json_ll(v, "cancelled_qty"), cq, sizeof cq));
		}
		printf("\nLines\n");
		table_print(t, stdout, "  ");
		table_free(t);
	}
	arr = json_object_get(d, "shipments");
	if (json_array_size(arr)) {
		struct app_table *t = table_new("lllllll", "CARRIER", "SERVICE", "TRACKING", "STATUS",
						"SHIPPED", "ESTIMATED", "FLAGGED");

		json_array_foreach(arr, i, v) {
			const json_t *fl = json_object_get(v, "flagged");

			table_add(t, jstr(v, "carrier"), jstr(v, "service_level"), jstr(v, "tracking_no"),
				  jstr(v, "status"), short_time(jstr(v, "shipped_at"), t1, sizeof t1),
				  jstr(v, "estimated_delivery"), json_is_true(fl) ? "yes" : "");
		}
		printf("\nShipments\n");
		table_print(t, stdout, "  ");
		table_free(t);
	}
	arr = json_object_get(d, "refunds");
	if (json_array_size(arr)) {
		struct app_table *t = table_new("rrlllll", "ID", "AMOUNT", "STATUS", "APPROVAL",
						"CREATED", "EXECUTED", "REASON");

		json_array_foreach(arr, i, v) {
			char id[24], t2[24];

			money_format(app_json_ll(v, "amount_minor"), cur, m1, sizeof m1);
			table_add(t, fmt_ll(app_json_ll(v, "id"), id, sizeof id), m1, jstr(v, "status"),
				  jstr(v, "approval"), short_time(jstr(v, "created_at"), t1, sizeof t1),
				  short_time(jstr(v, "executed_at"), t2, sizeof t2), jstr(v, "reason"));
		}
		printf("\nRefunds\n");
		table_print(t, stdout, "  ");
		table_free(t);
	}
	arr = json_object_get(d, "cancellations");
	if (json_array_size(arr)) {
		struct app_table *t = table_new("rlllllll", "ID", "SCOPE", "STATE", "REASON",
						"BY", "AT", "DECIDED BY", "NOTE");

		json_array_foreach(arr, i, v) {
			char id[24];
			const char *note = *jstr(v, "override_reason") ? jstr(v, "override_reason")
								       : jstr(v, "note");

			table_add(t, fmt_ll(app_json_ll(v, "id"), id, sizeof id), jstr(v, "scope"),
				  jstr(v, "state"),
				  *jstr(v, "reason_label") ? jstr(v, "reason_label") : jstr(v, "reason_code"),
				  jstr(v, "requested_by"), short_time(jstr(v, "requested_at"), t1, sizeof t1),
				  jstr(v, "decided_by"), note);
		}
		printf("\nCancellations\n");
		table_print(t, stdout, "  ");
		table_free(t);
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
			table_add(t, short_time(jstr(v, "at"), t1, sizeof t1), jstr(v, "actor"),
				  jstr(v, "action"), dtext ? dtext : "");
			free(dtext);
		}
		printf("\nTimeline\n");
		table_print(t, stdout, "  ");
		table_free(t);
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
		return usage_error(c, usage_order, "which order?");
	if ((rc = parse_order_no(c, argv[1], &no)) != 0)
		return rc;
	order_card_stmt(no, &st);
	if (!(r = run(c, &st, &err)))
		return fail(c, &err);
	doc = app_doc_parse(r, &err);
	db_result_free(r);
	if (!doc) {
		if (err.status == OMS_NOT_FOUND)
			snprintf(err.msg, sizeof err.msg, "order %lld not found", no);
		return fail(c, &err);
	}
	if (c->json)
		json_out(doc);
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
	if (!(r = run(c, &st, &err)))
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

static int
cmd_order_cancel(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"reason", required_argument, NULL, 'r'},
		{"note", required_argument, NULL, 'n'},
		{"override", required_argument, NULL, 'o'},
		{0}};
	struct cancel_request req = {0};
	struct cancel_eligibility el;
	struct cancel_result res;
	struct app_stmt st;
	struct oms_error err = {0};
	struct db_result *r;
	const char *number = NULL;
	int ch, rc;
	enum oms_status s;

	optind = 0;          /* 0: GNU getopt re-initialises (main used "+") */
	opterr = 0;
	/* permute: options may come before or after the number */
	while ((ch = getopt_long(argc, argv, "-", opts, NULL)) != -1) {
		switch (ch) {
		case 1:
			if (number)
				return usage_error(c, usage_order, "unexpected argument %s", optarg);
			number = optarg;
			break;
		case 'r': req.reason = optarg; break;
		case 'n': req.note = optarg; break;
		case 'o': req.override_reason = optarg; break;
		default:
			return usage_error(c, usage_order, "unknown option or missing value: %s",
					   argv[optind - 1]);
		}
	}
	if (!number)
		return usage_error(c, usage_order, "which order?");
	if ((rc = parse_order_no(c, number, &req.order_no)) != 0)
		return rc;
	if (!req.reason || !*req.reason) {
		fprintf(stderr, "%s: a reason is required (BR-023): --reason CODE\n",
			c->ctx->progname ? c->ctx->progname : "oms");
		print_reasons(c);
		return EXIT_USAGE;
	}

	/* Ask first: a refusal is reported with the rule, and the refund the
	 * customer will get can be said after. */
	cancel_eligibility_stmt(req.order_no, &st);
	if (!(r = run(c, &st, &err)))
		return fail(c, &err);
	s = cancel_eligibility_parse(r, &el, &err);
	db_result_free(r);
	if (s != OMS_OK) {
		if (s == OMS_NOT_FOUND)
			snprintf(err.msg, sizeof err.msg, "order %lld not found", req.order_no);
		return fail(c, &err);
	}
	if (el.verdict == CANCEL_REFUSED && !(el.needs_override && req.override_reason)) {
		oms_fail(&err, OMS_RULE, "%s", el.reason[0] ? el.reason : "the order cannot be cancelled");
		return fail(c, &err);
	}

	if (cancel_order_stmt(&req, &st, &err) != OMS_OK)
		return fail(c, &err);
	if (!(r = run(c, &st, &err))) {
		if (err.status == OMS_INVALID && strstr(err.msg, "reason"))
			print_reasons(c);
		return fail(c, &err);
	}
	s = cancel_order_parse(r, &res, &err);
	db_result_free(r);
	if (s != OMS_OK)
		return fail(c, &err);

	if (c->json) {
		json_t *doc = json_pack("{s:I, s:I, s:s, s:o, s:I, s:s}",
					"order_no", (json_int_t)req.order_no,
					"cancellation_id", (json_int_t)res.cancellation_id,
					"state", res.state,
					"refund_id", json_id_or_null(res.refund_id),
					"refund_minor", (json_int_t)(res.refund_id ? el.refund_minor : 0),
					"currency", el.currency);

		json_out(doc);
		json_decref(doc);
	} else {
		char m[48];

		if (strcmp(res.state, "pending_approval") == 0)
			printf("order %lld: cancellation %lld waits for the seller's approval\n",
			       req.order_no, res.cancellation_id);
		else
			printf("order %lld cancelled (cancellation %lld)\n", req.order_no,
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
cmd_order(struct cli *c, int argc, char **argv)
{
	if (argc < 2)
		return usage_error(c, usage_order, "order what?");
	if (strcmp(argv[1], "show") == 0)
		return cmd_order_show(c, argc - 1, argv + 1);
	if (strcmp(argv[1], "cancel") == 0)
		return cmd_order_cancel(c, argc - 1, argv + 1);
	return usage_error(c, usage_order, "unknown order command %s", argv[1]);
}

/* --- customer show -------------------------------------------------------- */

static const char usage_customer[] = "oms customer show [--json] EMAIL|PHONE|ID";

static void
print_customer_card(struct cli *c, const json_t *d, long long id)
{
	const json_t *arr, *v, *fig = json_object_get(d, "figures");
	char t1[24], m1[48], m2[48];
	size_t i;

	printf("Customer %lld  ", app_json_ll(d, "id"));
	line_safe(jstr(d, "full_name"));
	label("E-mail");
	line_safe(jstr(d, "email"));
	label("Phone");
	line_safe(jstr(d, "phone"));
	label("Since");
	printf("%s\n", short_time(jstr(d, "created_at"), t1, sizeof t1));
	if (json_is_object(fig)) {
		const char *cur = jstr(fig, "currency");

		money_format(app_json_ll(fig, "spend_minor"), cur, m1, sizeof m1);
		money_format(app_json_ll(fig, "refunds_minor"), cur, m2, sizeof m2);
		label("Orders");
		printf("%lld, spent %s, %lld cancelled, refunded %s\n", app_json_ll(fig, "orders"),
		       m1, app_json_ll(fig, "cancellations"), m2);
	}
	arr = json_object_get(d, "addresses");
	json_array_foreach(arr, i, v) {
		static const char *const parts[] = {"line1", "line2", "postal_code", "city",
						    "region", "country", NULL};
		bool first = true;

		label(i == 0 ? "Addresses" : "");
		if (*jstr(v, "label")) {
			app_put_safe(stdout, jstr(v, "label"));
			printf(": ");
		}
		for (int k = 0; parts[k]; k++) {
			const char *p = jstr(v, parts[k]);

			if (!*p)
				continue;
			printf("%s", first ? "" : (strcmp(parts[k], "city") == 0 ? " " : ", "));
			app_put_safe(stdout, p);
			first = false;
		}
		printf("%s\n", json_is_true(json_object_get(v, "is_default")) ? " (default)" : "");
	}

	{
		struct app_stmt st;
		struct oms_error err = {0};
		struct db_result *r;
		struct history_row *rows = NULL;
		int n;

		customer_orders_stmt(id, NULL, NULL, 10, &st);
		r = run(c, &st, &err);
		n = r ? customer_orders_rows(r, &rows, &err) : -1;
		db_result_free(r);
		if (n > 0) {
			struct app_table *t = table_new("rllrrl", "ORDER", "PLACED", "STATUS", "ITEMS",
							"TOTAL", "SELLER");

			for (int k = 0; k < n; k++) {
				char no[24], items[16];

				money_format(rows[k].total_minor, rows[k].currency, m1, sizeof m1);
				snprintf(items, sizeof items, "%d", rows[k].items);
				table_add(t, fmt_ll(rows[k].order_no, no, sizeof no),
					  short_time(rows[k].placed_at, t1, sizeof t1), rows[k].status,
					  items, m1, rows[k].seller_name);
			}
			printf("\nRecent orders\n");
			table_print(t, stdout, "  ");
			table_free(t);
		} else if (n < 0) {
			fprintf(stderr, "%s: orders: %s\n", c->ctx->progname ? c->ctx->progname : "oms",
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

			table_add(t, fmt_ll(app_json_ll(v, "id"), tid, sizeof tid), jstr(v, "status"),
				  jstr(v, "priority"), short_time(jstr(v, "created_at"), t1, sizeof t1),
				  jstr(v, "subject"), fmt_ll(app_json_ll(v, "order_no"), no, sizeof no));
		}
		printf("\nTickets\n");
		table_print(t, stdout, "  ");
		table_free(t);
	}
}

static int
cmd_customer(struct cli *c, int argc, char **argv)
{
	struct app_stmt st;
	struct oms_error err = {0};
	struct db_result *r;
	long long id;
	enum oms_status s;
	json_t *doc;

	if (argc < 2 || strcmp(argv[1], "show") != 0)
		return usage_error(c, usage_customer, "customer what?");
	if (argc != 3)
		return usage_error(c, usage_customer, "which customer?");
	if (find_customer_stmt(argv[2], c->cc, &st, &err) != OMS_OK)
		return fail(c, &err);
	if (!(r = run(c, &st, &err)))
		return fail(c, &err);
	s = find_customer_parse(r, &id, &err);
	db_result_free(r);
	if (s != OMS_OK)
		return fail(c, &err);
	customer_card_stmt(id, &st);
	if (!(r = run(c, &st, &err)))
		return fail(c, &err);
	doc = app_doc_parse(r, &err);
	db_result_free(r);
	if (!doc) {
		if (err.status == OMS_NOT_FOUND)
			snprintf(err.msg, sizeof err.msg, "no such customer");
		return fail(c, &err);
	}
	if (c->json)
		json_out(doc);
	else
		print_customer_card(c, doc, id);
	json_decref(doc);
	return EXIT_FOUND;
}

/* --- refunds -------------------------------------------------------------- */

static const char usage_refund[] =
	"oms refund list [--json] [--status STATUS] [--order NUMBER] [--limit N]\n"
	"       oms refund show [--json] ID\n"
	"       oms refund pending [--json] [--limit N]\n"
	"       oms refund request [--json] NUMBER --amount MONEY --reason TEXT [--note TEXT]\n"
	"       oms refund approve [--json] ID [--note TEXT]\n"
	"       oms refund refuse [--json] ID --note TEXT";

static json_t *
refund_json(const struct refund_row *w, bool full)
{
	json_t *o = json_pack("{s:I, s:I, s:o, s:I, s:s, s:s, s:s, s:s, s:o, s:o, s:o}",
			      "id", (json_int_t)w->id, "order_no", (json_int_t)w->order_no,
			      "cancellation_id", json_id_or_null(w->cancellation_id),
			      "amount_minor", (json_int_t)w->amount_minor, "currency", w->currency,
			      "status", w->status, "approval", w->approval, "reason", w->reason,
			      "created_at", json_str_or_null(w->created_at),
			      "executed_at", json_str_or_null(w->executed_at),
			      "provider_refund_id", json_str_or_null(w->provider_refund_id));

	if (full && o) {
		json_object_set_new(o, "note", json_str_or_null(w->note));
		json_object_set_new(o, "requested_by", json_str_or_null(w->requested_by));
		json_object_set_new(o, "approved_by", json_str_or_null(w->approved_by));
		json_object_set_new(o, "approved_at", json_str_or_null(w->approved_at));
		json_object_set_new(o, "decision_note", json_str_or_null(w->decision_note));
		json_object_set_new(o, "last_message", json_str_or_null(w->last_message));
	}
	return o;
}

static int
cmd_refund_list(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"status", required_argument, NULL, 's'},
		{"order", required_argument, NULL, 'o'},
		{"limit", required_argument, NULL, 'l'},
		{0}};
	struct refund_filter f = {0};
	struct app_stmt st;
	struct oms_error err = {0};
	struct db_result *r;
	struct refund_row *rows = NULL;
	long limit = 50;
	int ch, n, rc;

	optind = 0;          /* 0: GNU getopt re-initialises (main used "+") */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (ch) {
		case 's':
			app_copy(f.status, sizeof f.status, optarg);
			break;
		case 'o':
			if ((rc = parse_order_no(c, optarg, &f.order_no)) != 0)
				return rc;
			break;
		case 'l': {
			char *end;

			limit = strtol(optarg, &end, 10);
			if (*end || limit < 1 || limit > 1000)
				return usage_error(c, usage_refund, "--limit takes 1 to 1000");
			break;
		}
		default:
			return usage_error(c, usage_refund, "unknown option or missing value: %s",
					   argv[optind - 1]);
		}
	}
	if (optind != argc)
		return usage_error(c, usage_refund, "unexpected argument %s", argv[optind]);
	if (refund_list_stmt(&f, 0, (int)limit, &st, &err) != OMS_OK)
		return fail(c, &err);
	if (!(r = run(c, &st, &err)))
		return fail(c, &err);
	n = refund_rows(r, &rows, &err);
	db_result_free(r);
	if (n < 0)
		return fail(c, &err);
	if (c->json) {
		json_t *arr = json_array();

		for (int i = 0; i < n; i++)
			json_array_append_new(arr, refund_json(&rows[i], false));
		json_t *doc = json_pack("{s:o}", "refunds", arr);

		json_out(doc);
		json_decref(doc);
	} else if (n > 0) {
		struct app_table *t = table_new("rrrlllll", "ID", "ORDER", "AMOUNT", "STATUS",
						"APPROVAL", "CREATED", "EXECUTED", "REASON");

		for (int i = 0; i < n; i++) {
			char id[24], no[24], m[48], t1[24], t2[24];

			money_format(rows[i].amount_minor, rows[i].currency, m, sizeof m);
			table_add(t, fmt_ll(rows[i].id, id, sizeof id),
				  fmt_ll(rows[i].order_no, no, sizeof no), m, rows[i].status,
				  rows[i].approval, short_time(rows[i].created_at, t1, sizeof t1),
				  short_time(rows[i].executed_at, t2, sizeof t2), rows[i].reason);
		}
		table_print(t, stdout, NULL);
		table_free(t);
	} else {
		fprintf(stderr, "%s: no refunds found\n", c->ctx->progname ? c->ctx->progname : "oms");
	}
	free(rows);
	return n > 0 ? EXIT_FOUND : EXIT_NOTFOUND;
}

static int
cmd_refund_show(struct cli *c, int argc, char **argv)
{
	struct app_stmt st;
	struct oms_error err = {0};
	struct db_result *r;
	struct refund_row row;
	struct refund_row *rows = &row;
	long long id;
	char *end;
	enum oms_status s;

	if (argc != 2)
		return usage_error(c, usage_refund, "which refund?");
	id = strtoll(argv[1], &end, 10);
	if (*end || id <= 0)
		return usage_error(c, usage_refund, "not a refund id: %s", argv[1]);
	refund_show_stmt(id, &st);
	if (!(r = run(c, &st, &err)))
		return fail(c, &err);
	s = refund_card_parse(r, &row, NULL, &err);
	db_result_free(r);
	if (s == OMS_NOT_FOUND) {
		fprintf(stderr, "%s: refund %lld not found\n", c->ctx->progname ? c->ctx->progname : "oms", id);
		return EXIT_NOTFOUND;
	}
	if (s != OMS_OK)
		return fail(c, &err);
	if (c->json) {
		json_t *doc = refund_json(&rows[0], true);

		json_out(doc);
		json_decref(doc);
	} else {
		struct refund_row *w = &rows[0];
		char m[48], t1[24];

		money_format(w->amount_minor, w->currency, m, sizeof m);
		printf("Refund %lld  %s  %s\n", w->id, m, w->status);
		label("Order");
		printf("%lld", w->order_no);
		if (w->cancellation_id)
			printf(" (cancellation %lld)", w->cancellation_id);
		fputc('\n', stdout);
		label("Reason");
		line_safe(w->reason);
		if (*w->note) {
			label("Note");
			line_safe(w->note);
		}
		label("Requested");
		printf("%s by ", short_time(w->created_at, t1, sizeof t1));
		line_safe(w->requested_by);
		label("Approval");
		printf("%s", w->approval);
		if (*w->approved_by) {
			printf(" by ");
			app_put_safe(stdout, w->approved_by);
			printf(" %s", short_time(w->approved_at, t1, sizeof t1));
		}
		if (*w->decision_note) {
			printf(": ");
			app_put_safe(stdout, w->decision_note);
		}
		fputc('\n', stdout);
		label("Gateway");
		printf("%s", w->status);
		if (*w->provider_refund_id) {
			printf(" id ");
			app_put_safe(stdout, w->provider_refund_id);
		}
		if (*w->executed_at)
			printf(" executed %s", short_time(w->executed_at, t1, sizeof t1));
		fputc('\n', stdout);
		if (*w->last_message) {
			label("Message");
			line_safe(w->last_message);
		}
	}
	return EXIT_FOUND;
}

/* An id as typed ("12", "#12"); 0 when it is not one. */
static long long
parse_id(const char *arg)
{
	char *end;
	long long id;

	if (*arg == '#')
		arg++;
	if (*arg < '0' || *arg > '9')
		return 0;
	id = strtoll(arg, &end, 10);
	return *end || id <= 0 ? 0 : id;
}

/* `ID [--note TEXT]` of approve / refuse, options before or after the id.
 * Returns 0 or an exit code. */
static int
parse_decision(struct cli *c, const char *usage, const char *what, int argc, char **argv,
	       long long *id, const char **note)
{
	static const struct option opts[] = {{"note", required_argument, NULL, 'n'}, {0}};
	const char *arg = NULL;
	int ch;

	*id = 0;
	*note = NULL;
	optind = 0;          /* 0: GNU getopt re-initialises (main used "+") */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "-", opts, NULL)) != -1) {
		switch (ch) {
		case 1:
			if (arg)
				return usage_error(c, usage, "unexpected argument %s", optarg);
			arg = optarg;
			break;
		case 'n': *note = optarg; break;
		default:
			return usage_error(c, usage, "unknown option or missing value: %s",
					   argv[optind - 1]);
		}
	}
	if (!arg)
		return usage_error(c, usage, "which %s?", what);
	if (!(*id = parse_id(arg)))
		return usage_error(c, usage, "not a %s id: %s", what, arg);
	return 0;
}

static bool
blank(const char *s)
{
	if (!s)
		return true;
	while (*s == ' ' || *s == '\t')
		s++;
	return !*s;
}

/* --limit N only (the pending lists). Returns 0 or an exit code. */
static int
parse_limit_only(struct cli *c, const char *usage, int argc, char **argv, long *limit)
{
	static const struct option opts[] = {{"limit", required_argument, NULL, 'l'}, {0}};
	int ch;

	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		char *end;

		if (ch != 'l')
			return usage_error(c, usage, "unknown option or missing value: %s",
					   argv[optind - 1]);
		*limit = strtol(optarg, &end, 10);
		if (*end || *limit < 1 || *limit > 500)
			return usage_error(c, usage, "--limit takes 1 to 500");
	}
	if (optind != argc)
		return usage_error(c, usage, "unexpected argument %s", argv[optind]);
	return 0;
}

/* --- refund pending|request|approve|refuse -------------------------------- */

static int
cmd_refund_pending(struct cli *c, int argc, char **argv)
{
	struct app_stmt st;
	struct oms_error err = {0};
	struct db_result *r;
	struct pending_refund *rows = NULL;
	long limit = 50;
	int n, rc;

	if ((rc = parse_limit_only(c, usage_refund, argc, argv, &limit)) != 0)
		return rc;
	pending_refunds_stmt((int)limit, 0, &st);
	if (!(r = run(c, &st, &err)))
		return fail(c, &err);
	n = pending_refunds_rows(r, &rows, &err);
	db_result_free(r);
	if (n < 0)
		return fail(c, &err);
	if (c->json) {
		json_t *arr = json_array();
		json_t *doc;

		for (int i = 0; i < n; i++) {
			struct pending_refund *w = &rows[i];

			json_array_append_new(arr, json_pack("{s:I, s:I, s:s, s:s, s:o, s:s, s:s, s:o, s:I, s:I, s:s}",
				"refund_id", (json_int_t)w->refund_id, "order_no", (json_int_t)w->order_no,
				"seller_name", w->seller_name, "status", w->status,
				"requested_at", json_str_or_null(w->requested_at),
				"requested_by", w->requested_by, "reason", w->reason,
				"note", json_str_or_null(w->note),
				"amount_minor", (json_int_t)w->amount_minor,
				"refundable_minor", (json_int_t)w->refundable_minor, "currency", w->currency));
		}
		doc = json_pack("{s:o, s:o}", "refunds", arr, "next_after",
				n == limit && n > 0 ? json_integer(rows[n - 1].refund_id) : json_null());
		json_out(doc);
		json_decref(doc);
	} else if (n > 0) {
		struct app_table *t = table_new("rrrlllrll", "ID", "ORDER", "AMOUNT", "STATUS", "REQUESTED",
						"BY", "LEFT AFTER", "SELLER", "REASON");

		for (int i = 0; i < n; i++) {
			struct pending_refund *w = &rows[i];
			char id[24], no[24], m[48], left[48], t1[24];

			money_format(w->amount_minor, w->currency, m, sizeof m);
			money_format(w->refundable_minor, w->currency, left, sizeof left);
			table_add(t, fmt_ll(w->refund_id, id, sizeof id), fmt_ll(w->order_no, no, sizeof no),
				  m, w->status, short_time(w->requested_at, t1, sizeof t1), w->requested_by,
				  left, w->seller_name, w->reason);
		}
		table_print(t, stdout, NULL);
		table_free(t);
	} else {
		fprintf(stderr, "%s: no refund waits for approval\n", c->ctx->progname ? c->ctx->progname : "oms");
	}
	free(rows);
	return n > 0 ? EXIT_FOUND : EXIT_NOTFOUND;
}

static int
cmd_refund_request(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"amount", required_argument, NULL, 'a'},
		{"reason", required_argument, NULL, 'r'},
		{"note", required_argument, NULL, 'n'},
		{0}};
	struct refund_request req = {0};
	struct app_stmt st;
	struct oms_error err = {0};
	struct db_result *r;
	const char *number = NULL, *amount = NULL;
	char currency[4], m[48];
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
				return usage_error(c, usage_refund, "unexpected argument %s", optarg);
			number = optarg;
			break;
		case 'a': amount = optarg; break;
		case 'r': req.reason = optarg; break;
		case 'n': req.note = optarg; break;
		default:
			return usage_error(c, usage_refund, "unknown option or missing value: %s",
					   argv[optind - 1]);
		}
	}
	if (!number)
		return usage_error(c, usage_refund, "which order?");
	if (!amount)
		return usage_error(c, usage_refund, "how much? --amount 12.34 (in the order's currency)");
	if (blank(req.reason))
		return usage_error(c, usage_refund, "a refund needs a reason: --reason TEXT");
	if ((rc = parse_order_no(c, number, &req.order_no)) != 0)
		return rc;

	/* the order's currency says how to read the amount */
	order_card_stmt(req.order_no, &st);
	if (!(r = run(c, &st, &err)))
		return fail(c, &err);
	card = app_doc_parse(r, &err);
	db_result_free(r);
	if (!card) {
		if (err.status == OMS_NOT_FOUND)
			snprintf(err.msg, sizeof err.msg, "order %lld not found", req.order_no);
		return fail(c, &err);
	}
	app_copy(currency, sizeof currency, app_json_str(card, "currency"));
	json_decref(card);
	if (!money_parse(amount, currency, &req.amount_minor))
		return usage_error(c, usage_refund, "not an amount in %s: %s (write it as 12.34)",
				   currency, amount);

	if (request_refund_stmt(&req, &st, &err) != OMS_OK)
		return fail(c, &err);
	if (!(r = run(c, &st, &err)))
		return fail(c, &err);      /* BR-028 (more than is left): exit 4 */
	s = request_refund_parse(r, &refund_id, &err);
	db_result_free(r);
	if (s != OMS_OK)
		return fail(c, &err);
	if (c->json) {
		json_t *doc = json_pack("{s:I, s:I, s:I, s:s, s:s}", "refund_id", (json_int_t)refund_id,
					"order_no", (json_int_t)req.order_no,
					"amount_minor", (json_int_t)req.amount_minor, "currency", currency,
					"approval", "pending");

		json_out(doc);
		json_decref(doc);
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
	struct app_stmt st;
	struct oms_error err = {0};
	struct db_result *r;
	const char *note;
	long long id;
	int rc;

	if ((rc = parse_decision(c, usage_refund, "refund", argc, argv, &id, &note)) != 0)
		return rc;
	if (!approve && blank(note))
		return usage_error(c, usage_refund,
				   "refusing a refund needs --note TEXT: why, for the CSR who asked");
	if (decide_refund_stmt(id, approve, note, &st, &err) != OMS_OK)
		return fail(c, &err);
	if (!(r = run(c, &st, &err)))
		return fail(c, &err);
	db_result_free(r);
	if (c->json) {
		json_t *doc = json_pack("{s:I, s:s}", "refund_id", (json_int_t)id,
					"approval", approve ? "approved" : "rejected");

		json_out(doc);
		json_decref(doc);
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

/* --- cancellation list|approve|refuse ------------------------------------- */

static const char usage_cancellation[] =
	"oms cancellation list [--json] [--limit N]\n"
	"       oms cancellation approve [--json] ID [--note TEXT]\n"
	"       oms cancellation refuse [--json] ID --note TEXT";

static int
cmd_cancellation_list(struct cli *c, int argc, char **argv)
{
	struct app_stmt st;
	struct oms_error err = {0};
	struct db_result *r;
	struct pending_cancellation *rows = NULL;
	long limit = 50;
	int n, rc;

	if ((rc = parse_limit_only(c, usage_cancellation, argc, argv, &limit)) != 0)
		return rc;
	pending_cancellations_stmt((int)limit, 0, &st);
	if (!(r = run(c, &st, &err)))
		return fail(c, &err);
	n = pending_cancellations_rows(r, &rows, &err);
	db_result_free(r);
	if (n < 0)
		return fail(c, &err);
	if (c->json) {
		json_t *arr = json_array();
		json_t *doc;

		for (int i = 0; i < n; i++) {
			struct pending_cancellation *w = &rows[i];

			json_array_append_new(arr, json_pack("{s:I, s:I, s:s, s:s, s:o, s:s, s:s, s:s, s:o, s:I, s:s}",
				"cancellation_id", (json_int_t)w->cancellation_id,
				"order_no", (json_int_t)w->order_no, "seller_name", w->seller_name,
				"status", w->status, "requested_at", json_str_or_null(w->requested_at),
				"requested_by", w->requested_by, "reason_code", w->reason_code,
				"reason_label", w->reason_label, "note", json_str_or_null(w->note),
				"refund_minor", (json_int_t)w->refund_minor, "currency", w->currency));
		}
		doc = json_pack("{s:o, s:o}", "cancellations", arr, "next_after",
				n == limit && n > 0 ? json_integer(rows[n - 1].cancellation_id) : json_null());
		json_out(doc);
		json_decref(doc);
	} else if (n > 0) {
		struct app_table *t = table_new("rrllllrll", "ID", "ORDER", "STATUS", "REQUESTED", "BY",
						"REASON", "REFUND", "SELLER", "NOTE");

		for (int i = 0; i < n; i++) {
			struct pending_cancellation *w = &rows[i];
			char id[24], no[24], m[48], t1[24];

			money_format(w->refund_minor, w->currency, m, sizeof m);
			table_add(t, fmt_ll(w->cancellation_id, id, sizeof id),
				  fmt_ll(w->order_no, no, sizeof no), w->status,
				  short_time(w->requested_at, t1, sizeof t1), w->requested_by,
				  *w->reason_label ? w->reason_label : w->reason_code, m, w->seller_name,
				  w->note);
		}
		table_print(t, stdout, NULL);
		table_free(t);
	} else {
		fprintf(stderr, "%s: no cancellation waits for approval\n",
			c->ctx->progname ? c->ctx->progname : "oms");
	}
	free(rows);
	return n > 0 ? EXIT_FOUND : EXIT_NOTFOUND;
}

static int
cancellation_decide(struct cli *c, int argc, char **argv, bool approve)
{
	struct app_stmt st;
	struct oms_error err = {0};
	struct db_result *r;
	struct cancel_result res;
	const char *note;
	long long id;
	int rc;
	enum oms_status s;

	if ((rc = parse_decision(c, usage_cancellation, "cancellation", argc, argv, &id, &note)) != 0)
		return rc;
	/* oms_api.decide_cancellation rejects a refusal without a note (22023) */
	if (!approve && blank(note))
		return usage_error(c, usage_cancellation,
				   "refusing a cancellation needs a reason: --note TEXT "
				   "(customer service reads it to the customer)");
	if (decide_cancellation_stmt(id, approve, note, &st, &err) != OMS_OK)
		return fail(c, &err);
	if (!(r = run(c, &st, &err)))
		return fail(c, &err);
	s = cancel_order_parse(r, &res, &err);
	db_result_free(r);
	if (s != OMS_OK)
		return fail(c, &err);
	if (c->json) {
		json_t *doc = json_pack("{s:I, s:s, s:o}", "cancellation_id", (json_int_t)res.cancellation_id,
					"state", res.state, "refund_id", json_id_or_null(res.refund_id));

		json_out(doc);
		json_decref(doc);
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
cmd_cancellation(struct cli *c, int argc, char **argv)
{
	if (argc < 2)
		return usage_error(c, usage_cancellation, "cancellation what?");
	if (strcmp(argv[1], "list") == 0)
		return cmd_cancellation_list(c, argc - 1, argv + 1);
	if (strcmp(argv[1], "approve") == 0)
		return cancellation_decide(c, argc - 1, argv + 1, true);
	if (strcmp(argv[1], "refuse") == 0)
		return cancellation_decide(c, argc - 1, argv + 1, false);
	return usage_error(c, usage_cancellation, "unknown cancellation command %s", argv[1]);
}

static int
cmd_refund(struct cli *c, int argc, char **argv)
{
	if (argc < 2)
		return usage_error(c, usage_refund, "refund what?");
	if (strcmp(argv[1], "list") == 0)
		return cmd_refund_list(c, argc - 1, argv + 1);
	if (strcmp(argv[1], "show") == 0)
		return cmd_refund_show(c, argc - 1, argv + 1);
	if (strcmp(argv[1], "pending") == 0)
		return cmd_refund_pending(c, argc - 1, argv + 1);
	if (strcmp(argv[1], "request") == 0)
		return cmd_refund_request(c, argc - 1, argv + 1);
	if (strcmp(argv[1], "approve") == 0)
		return cmd_refund_approve(c, argc - 1, argv + 1);
	if (strcmp(argv[1], "refuse") == 0)
		return cmd_refund_refuse(c, argc - 1, argv + 1);
	return usage_error(c, usage_refund, "unknown refund command %s", argv[1]);
}

/* --- whoami --------------------------------------------------------------- */

static int
cmd_whoami(struct cli *c, int argc, char **argv)
{
	struct app_stmt st;
	struct oms_error err = {0};
	struct db_result *r;
	struct app_whoami who;
	enum oms_status s;

	if (argc != 1)
		return usage_error(c, "oms whoami [--json]", "unexpected argument %s", argv[1]);
	whoami_stmt(&st);
	if (!(r = run(c, &st, &err)))
		return fail(c, &err);
	s = whoami_parse(r, &who, &err);
	db_result_free(r);
	if (s != OMS_OK)
		return fail(c, &err);
	if (c->json) {
		json_t *doc = json_pack("{s:s, s:s, s:s, s:o, s:o}", "login", who.login,
					"full_name", who.full_name, "role", who.role,
					"seller_id", json_id_or_null(who.seller_id),
					"seller_name", json_str_or_null(who.seller_name));

		json_out(doc);
		json_decref(doc);
	} else {
		app_put_safe(stdout, who.full_name);
		printf(" (%s) %s", who.login, who.role);
		if (who.seller_id) {
			printf(" for ");
			app_put_safe(stdout, who.seller_name);
		}
		fputc('\n', stdout);
	}
	return EXIT_FOUND;
}

/* --- dispatch ------------------------------------------------------------- */

static const struct {
	const char *name;
	int (*fn)(struct cli *, int, char **);
	const char *usage;
	const char *help;
} commands[] = {
	{"find", cmd_find, usage_find,
	 "Finds orders and customers by order number, e-mail, phone, tracking number\n"
	 "or part of a name. A number with a wrong check digit lists the orders one\n"
	 "typo away."},
	{"order", cmd_order, usage_order,
	 "show: the order card (status, customer, lines, payment, shipments, refunds,\n"
	 "cancellations, timeline). cancel: cancels with a reason code; the database\n"
	 "decides (window, approval, BR-014)."},
	{"customer", cmd_customer, usage_customer,
	 "The customer card with addresses, figures, recent orders and tickets."},
	{"cancellation", cmd_cancellation, usage_cancellation,
	 "list: cancellations waiting for approval that you can see (fulfilment:\n"
	 "your seller's; admin: all), oldest first, with the refund approval would\n"
	 "grant. approve: carries the cancellation out (order cancelled, refund\n"
	 "requested). refuse: the order stays as it is; --note is required, the\n"
	 "reason customer service passes on. Fulfilment of the seller or admin."},
	{"refund", cmd_refund, usage_refund,
	 "list: refunds newest first; --status is an execution status (not_sent,\n"
	 "pending, succeeded, failed, canceled) or an approval (auto, pending,\n"
	 "approved, rejected). show: one refund, what was granted and what the\n"
	 "gateway did. pending: refunds waiting for an administrator (BR-027).\n"
	 "request: a partial refund (CSR), MONEY as 12.34 in the order's currency,\n"
	 "at most what is left to refund (BR-028); it waits for approval.\n"
	 "approve / refuse: an administrator decides (refuse needs --note)."},
	{"whoami", cmd_whoami, "oms whoami [--json]", "Who the connection is: login, name, role, seller."},
};

static void
print_help(FILE *f, int which)
{
	if (which >= 0) {
		fprintf(f, "usage: %s\n\n%s\n", commands[which].usage, commands[which].help);
	} else {
		fprintf(f, "commands:\n");
		for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
			fprintf(f, "  %s\n", commands[i].usage);
	}
	fprintf(f, "\nexit status: 0 found/ok, 1 not found, 2 usage, 3 database error,\n"
		   "4 refused by a business rule\n");
}

int
cli_run(struct oms_ctx *ctx, int argc, char **argv)
{
	struct cli c = {.ctx = ctx, .json = ctx->json};
	char **args;
	int which = -1, rc;
	bool help;

	if (argc < 1 || !argv || !argv[0]) {
		print_help(stderr, -1);
		return EXIT_USAGE;
	}
	/* display widths need a UTF-8 LC_CTYPE; main may not have set one */
	{
		const char *cur = setlocale(LC_CTYPE, NULL);

		if (!cur || strcmp(cur, "C") == 0 || strcmp(cur, "POSIX") == 0)
			setlocale(LC_CTYPE, "");
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(argv[0], commands[i].name) == 0)
			which = (int)i;
	if (which < 0 && strcmp(argv[0], "help") != 0 && strcmp(argv[0], "--help") != 0) {
		fprintf(stderr, "%s: unknown command %s\n", ctx->progname ? ctx->progname : "oms", argv[0]);
		print_help(stderr, -1);
		return EXIT_USAGE;
	}
	/* a private copy: getopt permutes, and we remove --json/--help */
	args = calloc((size_t)argc + 1, sizeof *args);
	if (!args)
		return EXIT_DB;
	memcpy(args, argv, (size_t)argc * sizeof *args);
	help = strip_common(&c, &argc, args);
	if (which < 0 || help) {
		print_help(stdout, which);
		free(args);
		return EXIT_FOUND;
	}
	if (!ctx->db) {
		fprintf(stderr, "%s: not connected\n", ctx->progname ? ctx->progname : "oms");
		free(args);
		return EXIT_DB;
	}
	if (commands[which].fn == cmd_find || commands[which].fn == cmd_customer)
		app_default_cc(ctx->db, ctx->cfg ? config_get(ctx->cfg, "lookup",
				"default_country_code", NULL) : NULL, c.cc, sizeof c.cc);
	else
		strcpy(c.cc, "1");
	rc = commands[which].fn(&c, argc, args);
	fflush(stdout);
	free(args);
	return rc;
}
