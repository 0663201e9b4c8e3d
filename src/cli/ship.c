#include "config.h"

/* `oms ship`, `oms queue` and `oms shipments` (issue 11): marking an order
 * shipped with a carrier's tracking number, the fulfilment queue, and the
 * review list of stuck parcels. The rules (BR-012 per carrier, the ship
 * promise, who sees what) are the database's: sql/functions/75_carriers.sql. */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_int.h"
#include "cli/ship.h"
#include "db/db.h"

#define NCOLS(a) ((int)(sizeof (a) / sizeof (a)[0]))

const char cli_usage_ship[] =
	"oms ship [--json] NUMBER --carrier CARRIER --tracking TRACKING [--service LEVEL]";
const char cli_usage_queue[] = "oms queue [--late] [--format text|csv|json]";
const char cli_usage_shipments[] =
	"oms shipments --stuck [--all] [--format text|csv|json]\n"
	"       oms shipments --decide REVIEW --decision DECISION [--note TEXT]";

/* oms_api.fulfilment_queue: CONFIRMED orders, oldest first. */
static const struct row_col queue_cols[] = {
	{"order_no", ROW_INT, "ORDER", 'r', false, NULL, 0, NULL},
	{"seller", ROW_TEXT, "SELLER", 'l', false, NULL, 24, NULL},
	{"confirmed_at", ROW_TIME, "CONFIRMED", 'l', false, NULL, 0, NULL},
	{"ship_by", ROW_TIME, "SHIP BY", 'l', false, NULL, 0, NULL},
	{"minutes_left", ROW_INT, "MIN LEFT", 'r', false, NULL, 0, NULL},
	{"late", ROW_BOOL, "LATE", 'l', false, "late", 0, NULL},
	{"units", ROW_INT, "UNITS", 'r', false, NULL, 0, NULL},
	{"country", ROW_TEXT, "TO", 'l', false, NULL, 0, NULL},
	{"handling_days", ROW_INT, NULL, 'r', false, NULL, 0, NULL},
};
static const struct row_desc row_queue = {"orders", queue_cols, NCOLS(queue_cols), NULL,
					  "no confirmed order is waiting to ship", NULL};

/* oms_api.shipment_reviews: the review list. */
static const struct row_col review_cols[] = {
	{"review_id", ROW_INT, "REVIEW", 'r', false, NULL, 0, NULL},
	{"order_no", ROW_INT, "ORDER", 'r', false, NULL, 0, NULL},
	{"order_status", ROW_TEXT, "STATUS", 'l', false, NULL, 0, NULL},
	{"carrier", ROW_TEXT, "CARRIER", 'l', false, NULL, 0, NULL},
	{"tracking_no", ROW_TEXT, "TRACKING", 'l', false, NULL, 0, NULL},
	{"reason", ROW_TEXT, "REASON", 'l', false, NULL, 0, NULL},
	{"last_scan_at", ROW_TIME, "LAST SCAN", 'l', false, NULL, 0, NULL},
	{"silent_hours", ROW_INT, "SILENT H", 'r', false, NULL, 0, NULL},
	{"opened_at", ROW_TIME, "LISTED", 'l', false, NULL, 0, NULL},
	{"decision", ROW_TEXT, "DECISION", 'l', false, NULL, 0, NULL},
	{"service_level", ROW_TEXT, NULL, 'l', false, NULL, 0, NULL},
	{"shipment_status", ROW_TEXT, NULL, 'l', false, NULL, 0, NULL},
	{"decided_by", ROW_TEXT, NULL, 'l', false, NULL, 0, NULL},
	{"decided_at", ROW_TIME, NULL, 'l', false, NULL, 0, NULL},
	{"note", ROW_TEXT, NULL, 'l', true, NULL, 0, NULL},
};
static const struct row_desc row_review = {"reviews", review_cols, NCOLS(review_cols), NULL,
					   "no shipment is waiting for review", NULL};

/* A list of d's rows from `SELECT <d's columns> FROM <from>` with p1 as
 * $1 (a boolean). */
static int
list_from(struct cli *c, const struct row_desc *d, const char *from, bool p1)
{
	char cols[2048], sql[2600];
	struct app_stmt st;

	if (!row_select_list(d, "x", cols, sizeof cols))
		return EXIT_DB;
	snprintf(sql, sizeof sql, "SELECT %s FROM %s x", cols, from);
	app_stmt_init(&st, sql);
	app_stmt_bool(&st, p1);
	return cli_list(c, d, &st, 0);
}

int
cli_cmd_queue(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {{"late", no_argument, NULL, 'l'}, {0}};
	bool late = false;
	int ch;

	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		if (ch != 'l')
			return cli_usage_error(c, cli_usage_queue, "unknown option: %s", argv[optind - 1]);
		late = true;
	}
	if (optind != argc)
		return cli_usage_error(c, cli_usage_queue, "unexpected argument %s", argv[optind]);
	return list_from(c, &row_queue, "oms_api.fulfilment_queue($1::boolean)", late);
}

static int
shipments_decide(struct cli *c, const char *review, const char *decision, const char *note)
{
	struct app_stmt st;
	struct oms_error err = {0};
	struct db_result *r;
	long long id = cli_parse_id(review);

	if (!id)
		return cli_usage_error(c, cli_usage_shipments, "not a review id: %s", review);
	if (!decision)
		return cli_usage_error(c, cli_usage_shipments,
				       "--decide needs --decision (contact_carrier, reship, refund, wait, resolved)");
	cli_subject(c, "review %lld", id);
	app_stmt_init(&st, "SELECT oms_api.review_decide($1::bigint, $2, $3)");
	app_stmt_ll(&st, id);
	app_stmt_text(&st, decision);
	if (app_text_arg(&st, "the note", note, false, &err) != OMS_OK)
		return cli_fail(c, &err);
	r = cli_query(c, &st, &err);
	app_stmt_free(&st);
	if (!r)
		return cli_fail(c, &err);
	db_result_free(r);
	if (c->json) {
		json_t *o = json_object();

		json_object_set_new(o, "review_id", json_integer(id));
		json_object_set_new(o, "decision", json_string(decision));
		cli_json_emit(o);
	} else {
		printf("review %lld: %s recorded\n", id, decision);
	}
	return EXIT_FOUND;
}

int
cli_cmd_shipments(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"stuck", no_argument, NULL, 's'},
		{"all", no_argument, NULL, 'a'},
		{"decide", required_argument, NULL, 'd'},
		{"decision", required_argument, NULL, 'D'},
		{"note", required_argument, NULL, 'n'},
		{0}};
	const char *review = NULL, *decision = NULL, *note = NULL;
	bool stuck = false, all = false;
	int ch;

	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (ch) {
		case 's': stuck = true; break;
		case 'a': all = true; break;
		case 'd': review = optarg; break;
		case 'D': decision = optarg; break;
		case 'n': note = optarg; break;
		default:
			return cli_usage_error(c, cli_usage_shipments, "unknown option or missing value: %s",
					       argv[optind - 1]);
		}
	}
	if (optind != argc)
		return cli_usage_error(c, cli_usage_shipments, "unexpected argument %s", argv[optind]);
	if (review && !stuck)
		return shipments_decide(c, review, decision, note);
	if (!stuck || review || decision || note)
		return cli_usage_error(c, cli_usage_shipments, "say --stuck (the review list) or --decide REVIEW");
	return list_from(c, &row_review, "oms_api.shipment_reviews($1::boolean)", !all);
}

int
cli_cmd_ship(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"carrier", required_argument, NULL, 'c'},
		{"tracking", required_argument, NULL, 't'},
		{"service", required_argument, NULL, 's'},
		{0}};
	const char *carrier = NULL, *tracking = NULL, *service = NULL, *number = NULL;
	struct app_stmt st;
	struct oms_error err = {0};
	struct db_result *r;
	long long no, ship_id;
	int ch, rc;

	optind = 0;
	opterr = 0;
	/* options before or after the number */
	while (optind < argc) {
		if ((ch = getopt_long(argc, argv, "-", opts, NULL)) == -1)
			break;
		switch (ch) {
		case 1:
			if (number)
				return cli_usage_error(c, cli_usage_ship, "unexpected argument %s", optarg);
			number = optarg;
			break;
		case 'c': carrier = optarg; break;
		case 't': tracking = optarg; break;
		case 's': service = optarg; break;
		default:
			return cli_usage_error(c, cli_usage_ship, "unknown option or missing value: %s",
					       argv[optind - 1]);
		}
	}
	if (!number)
		return cli_usage_error(c, cli_usage_ship, "which order?");
	if (!carrier || !tracking)
		return cli_usage_error(c, cli_usage_ship, "name the carrier (--carrier) and the tracking number (--tracking)");
	if ((rc = cli_parse_order_no(c, number, &no)) != 0)
		return rc;
	cli_subject(c, "order %lld", no);

	app_stmt_init(&st, "SELECT oms_api.mark_shipped($1::bigint, $2, $3, coalesce($4, 'ground'))");
	app_stmt_ll(&st, no);
	app_stmt_text(&st, carrier);
	app_stmt_text(&st, tracking);
	app_stmt_text(&st, service);
	r = cli_query(c, &st, &err);
	app_stmt_free(&st);
	if (!r)
		return cli_fail(c, &err);
	ship_id = db_get_ll(r, 0, 0);
	db_result_free(r);

	/* what the database recorded (a second statement: the first one's
	 * snapshot did not see its own shipment) */
	app_stmt_init(&st, "SELECT s.carrier, s.service_level, s.tracking_no, s.estimated_delivery::text "
			  "FROM oms.shipment s WHERE s.id = $1::bigint");
	app_stmt_ll(&st, ship_id);
	r = cli_query(c, &st, &err);
	app_stmt_free(&st);
	if (!r)
		return cli_fail(c, &err);
	if (c->json) {
		json_t *o = json_object();

		json_object_set_new(o, "order_no", json_integer(no));
		json_object_set_new(o, "shipment_id", json_integer(ship_id));
		json_object_set_new(o, "carrier", cli_json_str(db_rows(r) ? db_get(r, 0, 0) : NULL));
		json_object_set_new(o, "service_level", cli_json_str(db_rows(r) ? db_get(r, 0, 1) : NULL));
		json_object_set_new(o, "tracking_no", cli_json_str(db_rows(r) ? db_get(r, 0, 2) : NULL));
		json_object_set_new(o, "estimated_delivery", cli_json_str(db_rows(r) ? db_get(r, 0, 3) : NULL));
		cli_json_emit(o);
	} else if (db_rows(r)) {
		printf("order %lld shipped: %s %s (%s), estimated delivery %s\n", no, db_get(r, 0, 0),
		       db_get(r, 0, 2), db_get(r, 0, 1), db_get(r, 0, 3));
	} else {
		printf("order %lld shipped (shipment %lld)\n", no, ship_id);
	}
	db_result_free(r);
	return EXIT_FOUND;
}
