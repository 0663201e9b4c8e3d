#include "config.h"

/* `oms ship`, `oms queue` and `oms shipments` (issue 11): marking an order
 * shipped with a carrier's tracking number, the fulfilment queue, and the
 * review list of stuck parcels. The rules (BR-012 per carrier, the ship
 * promise, who sees what) are the database's: sql/functions/75_carriers.sql. */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <errno.h>
#include <unistd.h>

#include "app/packing.h"
#include "cli/cli_int.h"
#include "cli/outfile.h"
#include "cli/ship.h"
#include "conf.h"
#include "db/db.h"
#include "http/carrier.h"
#include "http/http.h"
#include "money.h"

#define NCOLS(a) ((int)(sizeof (a) / sizeof (a)[0]))

const char cli_usage_ship[] =
	"oms ship [--json] NUMBER --carrier CARRIER --tracking TRACKING [--service LEVEL]\n"
	"       oms ship [--json] NUMBER --buy-label [--service LEVEL] [--fastest] [--label-file FILE [--force]]\n"
	"       oms ship [--json] NUMBER --return-label [--fastest] [--label-file FILE [--force]]\n"
	"       oms ship [--json] NUMBER --label-file FILE [--force]\n"
	"       oms ship [--json] NUMBER --packing-slip";
const char cli_usage_queue[] = "oms queue [--late] [--service LEVEL] [--format text|csv|json]";
const char cli_usage_handling_days[] = "oms handling-days [--json] [--seller ID] DAYS";
const char cli_usage_carriers[] =
	"oms carriers [--format text|csv|json]\n"
	"       oms carriers [--json] --set CODE --name NAME --pattern REGEX --example NUMBER\n"
	"                    [--tracking-url URL] [--aggregator NAME] [--poll-per-minute N] [--inactive]\n"
	"       oms carriers [--json] --service CODE --level LEVEL [--aggregator-service NAME] [--inactive]\n"
	"       oms carriers --levels [--format text|csv|json]\n"
	"       oms carriers [--json] --set-level LEVEL --name NAME --transit-days N [--position N]";
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
	{"service_level", ROW_TEXT, "SERVICE", 'l', false, NULL, 0, NULL},
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
 * $1 (a boolean) and, when from has a $2, p2 (text or NULL). */
static int
list_from(struct cli *c, const struct row_desc *d, const char *from, bool p1, const char *p2)
{
	char cols[2048], sql[2600];
	struct app_stmt st;

	if (!row_select_list(d, "x", cols, sizeof cols))
		return EXIT_DB;
	snprintf(sql, sizeof sql, "SELECT %s FROM %s x", cols, from);
	app_stmt_init(&st, sql);
	app_stmt_bool(&st, p1);
	if (strstr(from, "$2"))
		app_stmt_text(&st, p2);
	return cli_list(c, d, &st, 0);
}

int
cli_cmd_queue(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {{"late", no_argument, NULL, 'l'},
					     {"service", required_argument, NULL, 's'}, {0}};
	const char *service = NULL;
	bool late = false;
	int ch;

	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		if (ch == 'l')
			late = true;
		else if (ch == 's')
			service = optarg;
		else
			return cli_usage_error(c, cli_usage_queue, "unknown option or missing value: %s",
					       argv[optind - 1]);
	}
	if (optind != argc)
		return cli_usage_error(c, cli_usage_queue, "unexpected argument %s", argv[optind]);
	return list_from(c, &row_queue, "oms_api.fulfilment_queue($1::boolean, $2)", late, service);
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
	return list_from(c, &row_review, "oms_api.shipment_reviews($1::boolean)", !all, NULL);
}

/* oms_api.carriers: the active carriers and their services. */
static const struct row_col carrier_cols[] = {
	{"code", ROW_TEXT, "CODE", 'l', false, NULL, 0, NULL},
	{"name", ROW_TEXT, "NAME", 'l', false, NULL, 24, NULL},
	{"services", ROW_TEXT, "SERVICES", 'l', false, NULL, 0, NULL},
	{"tracked", ROW_BOOL, "TRACKED", 'l', false, "tracked", 0, NULL},
	{"tracking_example", ROW_TEXT, "EXAMPLE", 'l', false, NULL, 0, NULL},
};
/* oms_api.service_levels(true): every service level, offered or not. */
static const struct row_col level_cols[] = {
	{"code", ROW_TEXT, "LEVEL", 'l', false, NULL, 0, NULL},
	{"name", ROW_TEXT, "NAME", 'l', false, NULL, 24, NULL},
	{"transit_days", ROW_INT, "DAYS", 'r', false, NULL, 0, NULL},
	{"offered", ROW_BOOL, "OFFERED", 'l', false, "offered", 0, NULL},
};
static const struct row_desc row_level = {"service_levels", level_cols, NCOLS(level_cols), NULL,
					  "no service level", NULL};

/* `oms carriers --set-level LEVEL --name NAME --transit-days N [--position
 * N]`: administrators add a service level or change one
 * (oms_api.service_level_set; audited). */
static int
carriers_set_level(struct cli *c, const char *code, const char *name, const char *days, const char *pos)
{
	struct app_stmt st;
	struct oms_error err = {0};
	struct db_result *r;
	char done[16], *end;

	if (!name || !days)
		return cli_usage_error(c, cli_usage_carriers, "--set-level needs --name and --transit-days");
	if (strtoll(days, &end, 10) < 0 || !*days || *end)
		return cli_usage_error(c, cli_usage_carriers, "not a number of days: %s", days);
	if (pos) {
		(void)strtoll(pos, &end, 10);
		if (!*pos || *end)
			return cli_usage_error(c, cli_usage_carriers, "not a position: %s", pos);
	}
	cli_subject(c, "service level %s", code);
	app_stmt_init(&st, "SELECT oms_api.service_level_set($1, $2, $3::int, $4::int)");
	app_stmt_text(&st, code);
	app_stmt_text(&st, name);
	app_stmt_text(&st, days);
	app_stmt_text(&st, pos);
	r = cli_query(c, &st, &err);
	app_stmt_free(&st);
	if (!r)
		return cli_fail(c, &err);
	snprintf(done, sizeof done, "%s", db_get(r, 0, 0));
	db_result_free(r);
	if (c->json) {
		json_t *o = json_object();

		json_object_set_new(o, "service_level", json_string(code));
		json_object_set_new(o, "result", json_string(done));
		cli_json_emit(o);
	} else {
		printf("service level %s %s\n", code, done);
	}
	return EXIT_FOUND;
}

static const struct row_desc row_carrier = {"carriers", carrier_cols, NCOLS(carrier_cols), NULL,
					    "no carrier is configured", NULL};

/* `oms carriers`: the list; --set a carrier, --service one of its service
 * levels (administrators: oms_api.carrier_set, carrier_service_set; the
 * database checks the pattern, its example and the rest). */
int
cli_cmd_carriers(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"set", required_argument, NULL, 'S'},
		{"name", required_argument, NULL, 'n'},
		{"pattern", required_argument, NULL, 'p'},
		{"example", required_argument, NULL, 'e'},
		{"tracking-url", required_argument, NULL, 'u'},
		{"aggregator", required_argument, NULL, 'a'},
		{"poll-per-minute", required_argument, NULL, 'm'},
		{"inactive", no_argument, NULL, 'i'},
		{"service", required_argument, NULL, 's'},
		{"level", required_argument, NULL, 'l'},
		{"aggregator-service", required_argument, NULL, 'A'},
		{"levels", no_argument, NULL, 'L'},
		{"set-level", required_argument, NULL, 'V'},
		{"transit-days", required_argument, NULL, 'd'},
		{"position", required_argument, NULL, 'P'},
		{0}};
	const char *set = NULL, *name = NULL, *pattern = NULL, *example = NULL, *url = NULL, *agg = NULL;
	const char *service = NULL, *level = NULL, *agg_service = NULL, *poll = NULL;
	const char *set_level = NULL, *days = NULL, *pos = NULL;
	bool inactive = false, levels = false;
	struct app_stmt st;
	struct oms_error err = {0};
	struct db_result *r;
	char done[16];
	int ch;

	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (ch) {
		case 'S': set = optarg; break;
		case 'n': name = optarg; break;
		case 'p': pattern = optarg; break;
		case 'e': example = optarg; break;
		case 'u': url = optarg; break;
		case 'a': agg = optarg; break;
		case 'm': poll = optarg; break;
		case 'i': inactive = true; break;
		case 's': service = optarg; break;
		case 'l': level = optarg; break;
		case 'A': agg_service = optarg; break;
		case 'L': levels = true; break;
		case 'V': set_level = optarg; break;
		case 'd': days = optarg; break;
		case 'P': pos = optarg; break;
		default:
			return cli_usage_error(c, cli_usage_carriers, "unknown option or missing value: %s",
					       argv[optind - 1]);
		}
	}
	if (optind != argc)
		return cli_usage_error(c, cli_usage_carriers, "unexpected argument %s", argv[optind]);
	if (levels || set_level) {
		if (levels && set_level)
			return cli_usage_error(c, cli_usage_carriers, "--levels or --set-level, not both");
		if (set || service || pattern || example || url || agg || poll || inactive || level || agg_service)
			return cli_usage_error(c, cli_usage_carriers, "%s goes alone", levels ? "--levels" : "--set-level");
		if (set_level)
			return carriers_set_level(c, set_level, name, days, pos);
		if (name || days || pos)
			return cli_usage_error(c, cli_usage_carriers, "--levels goes alone");
		app_stmt_init(&st, "SELECT x.code, x.name, x.transit_days, x.offered FROM oms_api.service_levels(true) x");
		return cli_list(c, &row_level, &st, 0);
	}
	if (days || pos)
		return cli_usage_error(c, cli_usage_carriers, "--transit-days and --position go with --set-level");
	if (set && service)
		return cli_usage_error(c, cli_usage_carriers, "--set or --service, not both");
	if (!set && !service) {
		if (name || pattern || example || url || agg || poll || inactive || level || agg_service)
			return cli_usage_error(c, cli_usage_carriers, "say --set CODE or --service CODE");
		app_stmt_init(&st, "SELECT x.code, x.name, array_to_string(x.services, ' ') AS services, x.tracked, "
				   "x.tracking_example FROM oms_api.carriers() x");
		return cli_list(c, &row_carrier, &st, 0);
	}
	if (set) {
		long long ppm = 0;
		char *end;

		if (!name || !pattern || !example)
			return cli_usage_error(c, cli_usage_carriers, "--set needs --name, --pattern and --example");
		if (level || agg_service)
			return cli_usage_error(c, cli_usage_carriers, "--level and --aggregator-service go with --service");
		if (poll && ((ppm = strtoll(poll, &end, 10)) < 1 || *end))
			return cli_usage_error(c, cli_usage_carriers, "not a number of polls: %s", poll);
		cli_subject(c, "carrier %s", set);
		app_stmt_init(&st, "SELECT oms_api.carrier_set($1, $2, $3, $4, $5, $6, $7::boolean, $8::int)");
		app_stmt_text(&st, set);
		app_stmt_text(&st, name);
		app_stmt_text(&st, pattern);
		app_stmt_text(&st, example);
		app_stmt_text(&st, url);
		app_stmt_text(&st, agg);
		app_stmt_text(&st, inactive ? "false" : "true");
		app_stmt_text(&st, poll);
	} else {
		if (!level)
			return cli_usage_error(c, cli_usage_carriers, "--service needs --level");
		if (name || pattern || example || url || agg || poll)
			return cli_usage_error(c, cli_usage_carriers, "--name, --pattern, --example, --tracking-url, "
					       "--aggregator and --poll-per-minute go with --set");
		cli_subject(c, "carrier %s", service);
		app_stmt_init(&st, "SELECT oms_api.carrier_service_set($1, $2, $3, $4::boolean)");
		app_stmt_text(&st, service);
		app_stmt_text(&st, level);
		app_stmt_text(&st, agg_service);
		app_stmt_text(&st, inactive ? "false" : "true");
	}
	r = cli_query(c, &st, &err);
	app_stmt_free(&st);
	if (!r)
		return cli_fail(c, &err);
	snprintf(done, sizeof done, "%s", db_get(r, 0, 0));
	db_result_free(r);
	if (c->json) {
		json_t *o = json_object();

		json_object_set_new(o, "carrier", json_string(set ? set : service));
		if (level)
			json_object_set_new(o, "service_level", json_string(level));
		json_object_set_new(o, "result", json_string(done));
		json_object_set_new(o, "active", json_boolean(!inactive));
		cli_json_emit(o);
	} else if (set) {
		printf("carrier %s %s%s\n", set, done, inactive ? " (inactive)" : "");
	} else {
		printf("carrier %s: service %s %s%s\n", service, level, done, inactive ? " (not offered)" : "");
	}
	return EXIT_FOUND;
}

/* `oms handling-days [--seller ID] DAYS`: the seller's processing time
 * (oms_api.set_handling_days: fulfilment their own seller's, an
 * administrator the seller named; 0 to 30, the database's rule). */
int
cli_cmd_handling_days(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {{"seller", required_argument, NULL, 's'}, {0}};
	const char *seller = NULL;
	struct app_stmt st;
	struct oms_error err = {0};
	struct db_result *r;
	long long seller_id = 0, days;
	char *end;
	int ch;

	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		if (ch != 's')
			return cli_usage_error(c, cli_usage_handling_days, "unknown option or missing value: %s",
					       argv[optind - 1]);
		seller = optarg;
	}
	if (optind != argc - 1)
		return cli_usage_error(c, cli_usage_handling_days, optind == argc ? "say the number of days" :
				       "unexpected argument %s", argv[argc - 1]);
	days = strtoll(argv[optind], &end, 10);
	if (!argv[optind][0] || *end || days < -1000000 || days > 1000000)
		return cli_usage_error(c, cli_usage_handling_days, "not a number of days: %s", argv[optind]);
	if (seller && !(seller_id = cli_parse_id(seller)))
		return cli_usage_error(c, cli_usage_handling_days, "not a seller id: %s", seller);
	if (seller_id)
		cli_subject(c, "seller %lld", seller_id);
	app_stmt_init(&st, "SELECT oms_api.set_handling_days($1::int, $2::bigint)");
	app_stmt_ll(&st, days);
	app_stmt_text(&st, seller);
	r = cli_query(c, &st, &err);
	app_stmt_free(&st);
	if (!r)
		return cli_fail(c, &err);
	days = db_get_ll(r, 0, 0);
	db_result_free(r);
	if (c->json) {
		json_t *o = json_object();

		json_object_set_new(o, "handling_days", json_integer(days));
		if (seller_id)
			json_object_set_new(o, "seller_id", json_integer(seller_id));
		cli_json_emit(o);
	} else {
		printf("handling days: %lld\n", days);
	}
	return EXIT_FOUND;
}

/* --- buying a label ------------------------------------------------------ */

struct wait_one {
	bool done;
	long status;
	bool unreachable;
	char errmsg[256];
	char *body;
	size_t len;
};

static void
got_answer(const struct http_response *r, void *arg)
{
	struct wait_one *w = arg;

	w->done = true;
	w->status = r->status;
	w->unreachable = r->transport_error || r->timed_out || r->status == 0;
	snprintf(w->errmsg, sizeof w->errmsg, "%s", r->timed_out ? "timed out" : r->errmsg);
	if (r->body && r->len && (w->body = malloc(r->len + 1))) {
		memcpy(w->body, r->body, r->len);
		w->body[r->len] = '\0';
		w->len = r->len;
	}
}

/* Runs the engine until the one request started is answered. */
static enum oms_status
wait_answer(struct http_engine *e, struct wait_one *w, struct oms_error *err)
{
	while (!w->done)
		if (http_engine_wait(e, 1000, NULL, NULL, 0, err) != OMS_OK)
			return err->status;
	if (w->unreachable)
		return oms_fail(err, OMS_HTTP, "the carrier aggregator is unreachable (%s)", w->errmsg);
	if (w->status < 200 || w->status >= 300)
		return oms_fail(err, OMS_HTTP, "the carrier aggregator answered %ld", w->status);
	return OMS_OK;
}

static json_t *
rate_json(const struct carrier_rate *r)
{
	json_t *o = json_object();

	json_object_set_new(o, "carrier", json_string(r->carrier));
	json_object_set_new(o, "service", json_string(r->service));
	json_object_set_new(o, "amount_minor", json_integer(r->amount_minor));
	json_object_set_new(o, "currency", json_string(r->currency));
	json_object_set_new(o, "delivery_days", r->delivery_days >= 0 ? json_integer(r->delivery_days) : json_null());
	return o;
}

static void
rate_line(const char *what, const struct carrier_rate *r)
{
	char money[64];

	money_format(r->amount_minor, r->currency, money, sizeof money);
	if (r->delivery_days >= 0)
		fprintf(stderr, "%s: %s %s, %s, %d day%s\n", what, r->carrier, r->service, money, r->delivery_days,
			r->delivery_days == 1 ? "" : "s");
	else
		fprintf(stderr, "%s: %s %s, %s\n", what, r->carrier, r->service, money);
}

/* The carrier aggregator's endpoint from [carrier] in oms.conf. */
static enum oms_status
carrier_endpoint(const struct oms_config *cfg, struct http_endpoint *ep, struct oms_error *err)
{
	long timeout;

	ep->base_url = config_get(cfg, "carrier", "base_url", NULL);
	ep->api_key = config_get(cfg, "carrier", "api_key", NULL);
	ep->ca_file = config_get(cfg, "carrier", "ca_file", NULL);
	ep->insecure_loopback_ok = config_get_bool(cfg, "carrier", "allow_insecure_loopback", false);
	if (config_get_int(cfg, "carrier", "timeout_ms", 15000, 1, 600000, &timeout, err) != OMS_OK)
		return err->status;
	ep->timeout_ms = timeout;
	ep->connect_timeout_ms = timeout < 5000 ? timeout : 5000;
	return OMS_OK;
}

/* Downloads the label at url (the aggregator's label_url: https, or http
 * to a loopback address with allow_insecure_loopback; no API key is sent,
 * label links are public) into path, atomically (outfile.h: a temporary
 * file renamed into place, never over an existing file unless force). */
static enum oms_status
label_download(struct cli *c, const char *url, const char *path, bool force, struct oms_error *err)
{
	struct http_endpoint ep = { 0 };
	struct http_engine *e = NULL;
	struct wait_one w = { 0 };
	struct outfile of = { 0 };
	enum oms_status st;
	size_t off = 0;
	char base[600];
	const char *host = strstr(url, "://"), *upath = host ? strchr(host + 3, '/') : NULL;

	if ((st = carrier_endpoint(c->ctx->cfg, &ep, err)) != OMS_OK)
		return st;
	/* the engine joins a base and a path: split the URL between them */
	if (!upath || (size_t)(upath - url) >= sizeof base)
		return oms_fail(err, OMS_HTTP, "the label's URL is not one (%.80s)", url);
	snprintf(base, sizeof base, "%.*s", (int)(upath - url), url);
	ep.base_url = base;
	ep.api_key = NULL;
	if (strncasecmp(url, "https://", 8) != 0 && !(ep.insecure_loopback_ok && config_url_is_loopback(url)))
		return oms_fail(err, OMS_HTTP, "the label's URL is not https:// (%.80s)", url);
	if ((st = http_global_init(err)) != OMS_OK || !(e = http_engine_new(err)))
		return err->status;
	if ((st = http_start_get(e, &ep, upath, got_answer, &w, err)) == OMS_OK)
		st = wait_answer(e, &w, err);
	http_engine_free(e);
	if (st == OMS_OK && !w.len)
		st = oms_fail(err, OMS_HTTP, "the label's URL answered nothing");
	if (st == OMS_OK && (st = outfile_open(&of, path, force, err)) == OMS_OK) {
		while (off < w.len) {
			ssize_t n = write(of.fd, w.body + off, w.len - off);

			if (n < 0) {
				st = oms_fail(err, OMS_IO, "cannot write %s: %s", path, strerror(errno));
				outfile_abort(&of);
				break;
			}
			off += (size_t)n;
		}
		if (st == OMS_OK)
			st = outfile_commit(&of, err);
	}
	free(w.body);
	return st;
}

/* `oms ship NUMBER --label-file FILE` alone: the label of the order's last
 * shipment that has one (the order card's shipments), saved to FILE. */
static int
ship_label_file(struct cli *c, long long no, const char *path, bool force)
{
	struct app_stmt st;
	struct oms_error err = { 0 };
	struct db_result *r;
	char url[600];

	app_stmt_init(&st, "SELECT s ->> 'label_url' FROM jsonb_array_elements(oms_api.order_card($1::bigint) -> 'shipments') s "
			   "WHERE s ->> 'label_url' IS NOT NULL ORDER BY (s ->> 'id')::bigint DESC LIMIT 1");
	app_stmt_ll(&st, no);
	r = cli_query(c, &st, &err);
	app_stmt_free(&st);
	if (!r)
		return cli_fail(c, &err);
	if (db_rows(r) == 0) {
		db_result_free(r);
		oms_fail(&err, OMS_NOT_FOUND, "order %lld has no label (bought with --buy-label)", no);
		return cli_fail(c, &err);
	}
	snprintf(url, sizeof url, "%s", db_get(r, 0, 0));
	db_result_free(r);
	if (label_download(c, url, path, force, &err) != OMS_OK)
		return cli_fail(c, &err);
	if (c->json) {
		json_t *o = json_object();

		json_object_set_new(o, "order_no", json_integer(no));
		json_object_set_new(o, "label_url", json_string(url));
		json_object_set_new(o, "label_file", json_string(path));
		cli_json_emit(o);
	} else {
		printf("label of order %lld saved to %s\n", no, path);
	}
	return EXIT_FOUND;
}

/* --service LEVEL with --buy-label: keeps the rates whose carrier and
 * service are, at the aggregator, our LEVEL (oms_api.label_request's
 * services); n is updated. OMS_INVALID when no carrier the aggregator
 * sells offers LEVEL, OMS_NOT_FOUND when it offered no rate of it for this
 * parcel. rates NULL: only the first check (made before the aggregator is
 * asked anything). */
static enum oms_status
rates_of_level(const struct carrier_levels *lv, const char *level, struct carrier_rate *rates, int *n,
	       struct oms_error *err)
{
	char offered[256] = "";
	int kept = 0;

	if (!carrier_level_offered(lv, level))
		return oms_fail(err, OMS_INVALID, "no carrier the aggregator sells offers the %s service", level);
	if (!rates)
		return OMS_OK;
	for (int r = 0; r < *n; r++) {
		if (carrier_rate_is_level(lv, &rates[r], level))
			rates[kept++] = rates[r];
		else if (strlen(offered) + strlen(rates[r].carrier) + strlen(rates[r].service) + 4 < sizeof offered)
			snprintf(offered + strlen(offered), sizeof offered - strlen(offered), "%s%s %s",
				 offered[0] ? ", " : "", rates[r].carrier, rates[r].service);
	}
	if (!kept)
		return oms_fail(err, OMS_NOT_FOUND, "the carrier aggregator offered no %s rate for this parcel (%s)",
				level, offered[0] ? offered : "no rate");
	*n = kept;
	return OMS_OK;
}

/* Without --service or --fastest the order is shipped at the level the
 * customer chose (the request's service_level, ground when it says none):
 * the cheapest rate of that level, not a cheaper slower one. Its index in
 * rates, or -1 with *err (no carrier the aggregator sells offers the
 * level, or no rate of it for this parcel). */
static int
own_level_cheapest(const struct carrier_levels *lv, const char *level, const struct carrier_rate *rates, int n,
		   struct oms_error *err)
{
	struct carrier_rate own[CARRIER_MAX_RATES];
	int m = n, k;

	memcpy(own, rates, (size_t)n * sizeof *own);
	if (rates_of_level(lv, level, own, &m, err) != OMS_OK)
		return -1;
	k = carrier_rate_pick(own, m, false);
	for (int i = 0; i < n; i++)
		if (!strcmp(rates[i].id, own[k].id))
			return i;
	return -1;
}

/* `oms ship NUMBER --buy-label [--service LEVEL] [--fastest]`: the rates
 * for the order's parcel (of LEVEL only, when given), the cheapest and the
 * fastest shown, one bought (the cheapest of the order's own level, the
 * fastest, or the cheapest of LEVEL), the order
 * shipped with its tracking code and label (oms_api.label_bought, one
 * transaction). `--return-label`: the same purchase with the addresses
 * swapped (from the customer to the seller: oms_api.return_label_request),
 * recorded as the order's return label (oms_api.return_label_bought); the
 * order does not move. */
static int
ship_buy_label(struct cli *c, long long no, const char *level, bool fastest, const char *label_file, bool is_return,
	       bool force)
{
	const struct oms_config *cfg = c->ctx->cfg;
	struct http_endpoint ep = { 0 };
	struct oms_error err = { 0 };
	struct app_stmt st;
	struct db_result *r;
	struct http_engine *e = NULL;
	struct wait_one w1 = { 0 }, w2 = { 0 };
	struct carrier_rate rates[CARRIER_MAX_RATES];
	struct carrier_levels lvs;
	char shp[72], tracking[48], label[512], amount[32], key[64];
	char *form = NULL, *req = NULL, *lbtext;
	const char *own;
	int n = 0, cheap, fast, pick, rc = EXIT_DB;
	long long id = 0;

	if (carrier_endpoint(cfg, &ep, &err) != OMS_OK)
		return cli_fail(c, &err);
	/* a FILE that cannot be written is refused before anything is bought */
	if (label_file && outfile_check(label_file, force, &err) != OMS_OK)
		return cli_fail(c, &err);
	if (!ep.base_url || !*ep.base_url) {
		oms_fail(&err, OMS_CONFIG, "buying a label needs the carrier aggregator: [carrier] base_url in oms.conf");
		return cli_fail(c, &err);
	}

	app_stmt_init(&st, is_return ? "SELECT oms_api.return_label_request($1::bigint)::text"
				     : "SELECT oms_api.label_request($1::bigint)::text");
	app_stmt_ll(&st, no);
	r = cli_query(c, &st, &err);
	app_stmt_free(&st);
	if (!r)
		return cli_fail(c, &err);
	req = strdup(db_get(r, 0, 0));
	db_result_free(r);
	carrier_levels_parse(req, &lvs);
	own = lvs.order_level[0] ? lvs.order_level : "ground";
	if (req && level && rates_of_level(&lvs, level, NULL, NULL, &err) != OMS_OK) {
		rc = cli_fail(c, &err);
		goto out;
	}
	form = req ? carrier_label_form(req, is_return, config_get(cfg, "carrier", "from_street", NULL),
					config_get(cfg, "carrier", "from_city", NULL),
					config_get(cfg, "carrier", "from_zip", NULL),
					config_get(cfg, "carrier", "from_country", "US")) : NULL;
	if (!form) {
		oms_fail(&err, OMS_INVALID, "order %lld has no address a label can be made for", no);
		rc = cli_fail(c, &err);
		goto out;
	}
	if (http_global_init(&err) != OMS_OK || !(e = http_engine_new(&err))) {
		rc = cli_fail(c, &err);
		goto out;
	}
	snprintf(key, sizeof key, is_return ? "oms-return-%lld" : "oms-label-%lld", no);
	if (carrier_shipment_create(e, &ep, form, key, got_answer, &w1, &err) != OMS_OK ||
	    wait_answer(e, &w1, &err) != OMS_OK ||
	    carrier_rates_parse(w1.body, w1.len, shp, sizeof shp, rates, CARRIER_MAX_RATES, &n, &err) != OMS_OK) {
		if (err.status == OMS_INVALID)
			err.status = OMS_HTTP;      /* the aggregator's answer, not the user's input */
		rc = cli_fail(c, &err);
		goto out;
	}
	if (level && rates_of_level(&lvs, level, rates, &n, &err) != OMS_OK) {
		rc = cli_fail(c, &err);
		goto out;
	}
	cheap = carrier_rate_pick(rates, n, false);
	fast = carrier_rate_pick(rates, n, true);
	rate_line("cheapest", &rates[cheap]);
	rate_line("fastest", &rates[fast]);
	pick = fastest ? fast : cheap;
	if (!level && !fastest && !is_return &&
	    (pick = own_level_cheapest(&lvs, own, rates, n, &err)) < 0) {
		rc = cli_fail(c, &err);
		fprintf(stderr, "%s: order %lld is %s; nothing bought: say --service LEVEL to ship it at "
			"another level, or --fastest\n", cli_progname(c), no, own);
		goto out;
	}
	if (carrier_shipment_buy(e, &ep, shp, rates[pick].id, got_answer, &w2, &err) != OMS_OK ||
	    wait_answer(e, &w2, &err) != OMS_OK ||
	    carrier_bought_parse(w2.body, w2.len, tracking, sizeof tracking, label, sizeof label, &err) != OMS_OK) {
		if (err.status == OMS_INVALID)
			err.status = OMS_HTTP;
		rc = cli_fail(c, &err);
		goto out;
	}

	/* the level asked for, else the order's own when the rate is of it */
	lbtext = carrier_label_json(shp, &rates[pick], tracking, label,
				    level ? level : carrier_rate_is_level(&lvs, &rates[pick], lvs.order_level) ?
				    lvs.order_level : NULL);
	app_stmt_init(&st, is_return ? "SELECT oms_api.return_label_bought($1::bigint, $2::jsonb)"
				     : "SELECT oms_api.label_bought($1::bigint, $2::jsonb)");
	app_stmt_ll(&st, no);
	app_stmt_text(&st, lbtext);
	free(lbtext);
	r = cli_query(c, &st, &err);
	app_stmt_free(&st);
	if (!r) {
		/* bought but not recorded: say what to void at the aggregator */
		fprintf(stderr, "%s: the label was bought (shipment %s, tracking %s) but order %lld %s; "
			"void it at the carrier aggregator\n", cli_progname(c), shp, tracking, no,
			is_return ? "has no record of it" : "was not shipped");
		rc = cli_fail(c, &err);
		goto out;
	}
	id = db_get_ll(r, 0, 0);
	db_result_free(r);
	money_format(rates[pick].amount_minor, rates[pick].currency, amount, sizeof amount);
	if (label_file && label_download(c, label, label_file, force, &err) != OMS_OK) {
		/* recorded all the same: say so, and how to see the label again */
		if (is_return)
			fprintf(stderr, "%s: the return label of order %lld is bought (tracking %s) but was not saved; "
				"it is at %s\n", cli_progname(c), no, tracking, label);
		else
			fprintf(stderr, "%s: order %lld is shipped (tracking %s) but its label was not saved; "
				"oms ship %lld --label-file FILE fetches it again\n", cli_progname(c), no, tracking, no);
		rc = cli_fail(c, &err);
		goto out;
	}
	if (c->json) {
		json_t *o = json_object();

		json_object_set_new(o, "order_no", json_integer(no));
		json_object_set_new(o, is_return ? "return_label_id" : "shipment_id", json_integer(id));
		json_object_set_new(o, "tracking_no", json_string(tracking));
		json_object_set_new(o, "label_url", json_string(label));
		if (label_file)
			json_object_set_new(o, "label_file", json_string(label_file));
		json_object_set_new(o, "bought", rate_json(&rates[pick]));
		json_object_set_new(o, "cheapest", rate_json(&rates[cheap]));
		json_object_set_new(o, "fastest", rate_json(&rates[fast]));
		cli_json_emit(o);
	} else {
		if (is_return)
			printf("return label for order %lld: %s %s (%s), tracking %s\nlabel: %s\n", no,
			       rates[pick].carrier, rates[pick].service, amount, tracking, label);
		else
			printf("order %lld shipped with a %s %s label (%s): tracking %s\nlabel: %s\n", no,
			       rates[pick].carrier, rates[pick].service, amount, tracking, label);
		if (label_file)
			printf("label saved to %s\n", label_file);
	}
	rc = EXIT_FOUND;
out:
	http_engine_free(e);
	free(w1.body);
	free(w2.body);
	free(form);
	free(req);
	return rc;
}

/* --- the packing slip ---------------------------------------------------- */

/* `oms ship NUMBER --packing-slip`: plain text for a line printer (or the
 * document with --json). */
static int
ship_packing_slip(struct cli *c, long long no)
{
	struct app_stmt st;
	struct oms_error err = { 0 };
	struct db_result *r;
	json_error_t jerr;
	json_t *doc;
	char *text;
	size_t len = 0;

	app_stmt_init(&st, "SELECT oms_api.packing_slip($1::bigint)::text");
	app_stmt_ll(&st, no);
	r = cli_query(c, &st, &err);
	app_stmt_free(&st);
	if (!r)
		return cli_fail(c, &err);
	if (c->json) {
		doc = json_loads(db_get(r, 0, 0), 0, &jerr);
		db_result_free(r);
		if (!json_is_object(doc)) {
			json_decref(doc);
			oms_fail(&err, OMS_SCHEMA, "oms_api.packing_slip did not answer a document");
			return cli_fail(c, &err);
		}
		cli_json_emit(doc);
		return EXIT_FOUND;
	}
	text = packing_slip_text(db_get(r, 0, 0), &len);
	db_result_free(r);
	if (!text) {
		oms_fail(&err, OMS_SCHEMA, "oms_api.packing_slip did not answer a document");
		return cli_fail(c, &err);
	}
	fwrite(text, 1, len, stdout);
	free(text);
	return EXIT_FOUND;
}

int
cli_cmd_ship(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"carrier", required_argument, NULL, 'c'},
		{"tracking", required_argument, NULL, 't'},
		{"service", required_argument, NULL, 's'},
		{"buy-label", no_argument, NULL, 'b'},
		{"fastest", no_argument, NULL, 'f'},
		{"packing-slip", no_argument, NULL, 'p'},
		{"label-file", required_argument, NULL, 'L'},
		{"return-label", no_argument, NULL, 'r'},
		{0}};
	const char *carrier = NULL, *tracking = NULL, *service = NULL, *number = NULL, *label_file = NULL;
	struct app_stmt st;
	struct oms_error err = {0};
	struct db_result *r;
	long long no, ship_id;
	int ch, rc;
	bool buy = false, fastest = false, slip = false, ret = false;

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
		case 'b': buy = true; break;
		case 'f': fastest = true; break;
		case 'p': slip = true; break;
		case 'L': label_file = optarg; break;
		case 'r': ret = true; break;
		default:
			return cli_usage_error(c, cli_usage_ship, "unknown option or missing value: %s",
					       argv[optind - 1]);
		}
	}
	if (!number)
		return cli_usage_error(c, cli_usage_ship, "which order?");
	if (c->force && !label_file && !c->outfile)
		return cli_usage_error(c, cli_usage_ship, "--force is for --label-file FILE (or -o FILE)");
	if (slip) {
		if (buy || ret || fastest || carrier || tracking || service || label_file)
			return cli_usage_error(c, cli_usage_ship, "--packing-slip goes alone");
		if ((rc = cli_parse_order_no(c, number, &no)) != 0)
			return rc;
		cli_subject(c, "order %lld", no);
		return ship_packing_slip(c, no);
	}
	if (buy || ret) {
		if (buy && ret)
			return cli_usage_error(c, cli_usage_ship, "--buy-label or --return-label, not both");
		if (carrier || tracking || (service && ret))
			return cli_usage_error(c, cli_usage_ship, "%s takes the carrier and tracking number from the label",
					       buy ? "--buy-label" : "--return-label");
		if ((rc = cli_parse_order_no(c, number, &no)) != 0)
			return rc;
		cli_subject(c, "order %lld", no);
		return ship_buy_label(c, no, service, fastest, label_file, ret, c->force);
	}
	if (label_file) {
		if (fastest || carrier || tracking || service)
			return cli_usage_error(c, cli_usage_ship, "--label-file goes alone or with --buy-label or --return-label");
		if ((rc = cli_parse_order_no(c, number, &no)) != 0)
			return rc;
		cli_subject(c, "order %lld", no);
		return ship_label_file(c, no, label_file, c->force);
	}
	if (fastest)
		return cli_usage_error(c, cli_usage_ship, "--fastest goes with --buy-label or --return-label");
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
