#include "config.h"

/* The command registry (cli.h): one table of every `oms COMMAND`, from
 * which `oms --help`, `oms COMMAND --help`, `oms help [COMMAND]` and the
 * dispatch are derived, with the options every subcommand shares
 * (--format, --json, -o FILE, --help). tests/cli/registry.test checks that
 * the SYNOPSIS of oms(1) names exactly these commands. */

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/cli_int.h"
#include "cli/export.h"
#include "cli/outfile.h"
#include "cli/report.h"
#include "cli/ship.h"
#include "demo.h"
#include "migrate.h"

/* Which group roles a command is for (what `oms COMMAND --help` says):
 * a guide, the database decides what each may do. */
enum {
	FOR_CSR = 1 << 0, FOR_FULFILMENT = 1 << 1, FOR_ANALYST = 1 << 2, FOR_ADMIN = 1 << 3,
	FOR_SUPERUSER = 1 << 4,
	FOR_STAFF = FOR_CSR | FOR_FULFILMENT | FOR_ADMIN,
	FOR_ANYONE = FOR_STAFF | FOR_ANALYST,
};

static const char *const role_names[] = {"oms_csr", "oms_fulfilment", "oms_analyst", "oms_admin",
					 "a superuser (or the database owner with CREATEROLE)"};

static int cmd_help(struct oms_ctx *ctx, int argc, char **argv);

/* One command. A subcommand family has subs (`oms NAME SUB ...`), a single
 * command fn; both run on ctx->db, opened by main. The commands with self
 * connect themselves (migrate, seed: a superuser; demo: its own cluster)
 * or need no database (help); their --help is answered here too, before
 * they run (help's own is the overview). */
struct cli_command {
	const char *name;
	const char *summary;              /* one line of `oms --help` */
	const char *usage;                /* usage lines (NULL: help, whose help is the overview) */
	const char *help;                 /* `oms NAME --help` */
	unsigned roles;
	const struct cli_sub *subs;
	int (*fn)(struct cli *c, int argc, char **argv);
	int (*self)(struct oms_ctx *ctx, int argc, char **argv);
	bool list;                        /* fn prints a list (takes --format csv) */
	bool phone;                       /* reads phone numbers: [lookup] default_country_code */
};

static const struct cli_command commands[] = {
	{"find", "find orders and customers (number, e-mail, phone, name)", cli_usage_find,
	 "Finds orders and customers by order number, e-mail, phone, tracking number\n"
	 "or part of a name. A number with a wrong check digit lists the orders one\n"
	 "typo away. The table shows phones as their country writes them (CSV and\n"
	 "JSON keep E.164), a customer's city (CITY) and last order (LAST ORDER), and\n"
	 "STUCK after the status of an order with a shipment flagged as stuck.",
	 FOR_STAFF, NULL, cli_cmd_find, NULL, true, true},
	{"order", "show an order or cancel it", cli_usage_order,
	 "show: the order card (status, customer, lines, payment, shipments, refunds,\n"
	 "cancellations, timeline). cancel: cancels with a reason code; the database\n"
	 "decides (window, approval, BR-014).",
	 FOR_STAFF, cli_subs_order, NULL, NULL, false, false},
	{"customer", "show a customer and their orders", cli_usage_customer,
	 "The customer card with addresses, figures, recent orders (STUCK after the\n"
	 "status of an order with a shipment flagged as stuck) and tickets.",
	 FOR_STAFF, NULL, cli_cmd_customer, NULL, false, true},
	{"cancellation", "list, approve or refuse cancellations waiting for approval",
	 cli_usage_cancellation,
	 "list: cancellations waiting for approval that you can see (fulfilment:\n"
	 "your seller's; admin: all), oldest first, with the refund approval would\n"
	 "grant. approve: carries the cancellation out (order cancelled, refund\n"
	 "requested). refuse: the order stays as it is; --note is required, the\n"
	 "reason customer service passes on. Fulfilment of the seller or admin.",
	 FOR_STAFF, cli_subs_cancellation, NULL, NULL, false, false},
	{"refund", "list, show, request and decide refunds", cli_usage_refund,
	 "list: refunds newest first; --status (or --state) is an execution status\n"
	 "(not_sent, pending, succeeded, failed, canceled, unknown: outcome unknown\n"
	 "at the gateway, refused: the gateway will not do it, discrepancy: its\n"
	 "answer was not the refund asked for, settled_outside) or an approval\n"
	 "(auto, pending, approved, rejected). show: one refund, what was granted\n"
	 "and what the gateway did. pending: refunds waiting for an administrator\n"
	 "(BR-027).\n"
	 "request: a partial refund (CSR), MONEY as 12.34 in the order's currency,\n"
	 "at most what is left to refund (BR-028); it waits for approval. Each\n"
	 "request has a key (printed on stderr as 'request key: UUID' before it is\n"
	 "sent); --request-key UUID sends the same request again: the first\n"
	 "refund's id, never a second refund (other values: refused, exit 2).\n"
	 "approve / refuse: an administrator decides (refuse needs --note).\n"
	 "retry: an administrator sends a refused refund again (a fresh key), or\n"
	 "one whose outcome is unknown (the worker asks the gateway first).\n"
	 "settle-outside: an administrator records that a refused, failed, unknown\n"
	 "or mismatched refund was paid back another way (--note: how).",
	 FOR_STAFF, cli_subs_refund, NULL, NULL, false, false},
	{"reason", "list, add or retire cancellation reason codes", cli_usage_reason,
	 "list: the cancellation reason codes staff can give (BR-023), with their\n"
	 "labels; NOTE required: a cancellation with it needs --note. add: a new\n"
	 "reason, offered from then on; CODE is 2 to 40 lower case letters, digits\n"
	 "and _, starting with a letter. retire: no longer offered or accepted;\n"
	 "cancellations that gave it keep it; the last reason cannot go.\n"
	 "restore: a retired reason is offered and accepted again.\n"
	 "add, retire and restore: administrators only.",
	 FOR_STAFF, cli_subs_reason, NULL, NULL, false, false},
	{"job", "list, show or retry the worker's jobs (administrators)", cli_usage_job,
	 "The outbox oms-worker delivers. list: jobs newest first; STATUS is ready,\n"
	 "running, done or dead, KIND refund, mail, seller_notify, inventory_release,\n"
	 "payment_verify or payment_capture; --after ID (the last id shown) gives\n"
	 "the next page.\n"
	 "show: one job, its last error, payload and result (keys that may hold\n"
	 "personal data are withheld). retry: a dead job is ready again, its\n"
	 "attempts reset; a job that is not dead exits 4. Administrators only.",
	 FOR_ADMIN, cli_subs_job, NULL, NULL, false, false},
	{"ship", "mark an order shipped with a carrier's tracking number", cli_usage_ship,
	 "Marks a CONFIRMED order shipped. CARRIER is one the administrators\n"
	 "configured (UPS, FedEx, DHL, USPS, Local: code or name, any case); the\n"
	 "tracking number must look like the carrier's (BR-012: UPS 1Z and 16\n"
	 "letters or digits, FedEx 12/15/20/22 digits, DHL 10 digits, USPS 20-22\n"
	 "digits, Local 4-40 letters, digits and dashes). LEVEL: economy, ground\n"
	 "(default), express, overnight or another level in the database, one the\n"
	 "carrier offers. Prints the estimated delivery; the customer is mailed\n"
	 "with the tracking link.\n"
	 "--buy-label: asks the carrier aggregator ([carrier] in oms.conf) for\n"
	 "rates, shows the cheapest and the fastest, buys the cheapest of the\n"
	 "order's own service level (--fastest: the fastest of any level; none of\n"
	 "its level: nothing bought, exit 1) and ships the order with the label's\n"
	 "tracking code, in one go; with --service LEVEL, only the rates that are\n"
	 "that level of ours.\n"
	 "--return-label: a return label, bought the same way with the addresses\n"
	 "swapped (from the customer to the seller) for a shipped order; recorded\n"
	 "with the order, which does not move (CSRs too).\n"
	 "--label-file FILE: the label bought (with --buy-label or --return-label,\n"
	 "or alone: the order's last label) saved to FILE, which must not exist\n"
	 "unless --force; written whole or not at all.\n"
	 "--packing-slip: what goes in the parcel, as plain text for a printer.\n"
	 "Fulfilment of the order's seller or admin (a return label: CSRs too).",
	 FOR_FULFILMENT | FOR_CSR | FOR_ADMIN, NULL, cli_cmd_ship, NULL, false, false},
	{"queue", "list the confirmed orders waiting to ship", cli_usage_queue,
	 "The fulfilment queue: CONFIRMED orders oldest first, with the 24-hour\n"
	 "ship promise (SHIP BY, minutes left; LATE when past). Fulfilment staff\n"
	 "see their seller's orders only.\n"
	 "  --late           only the orders past their promise\n"
	 "  --service LEVEL  only the orders of that service level (economy, ground,\n"
	 "                   express, overnight or another level in the database)",
	 FOR_STAFF, NULL, cli_cmd_queue, NULL, true, false},
	{"carriers", "list the carriers; administrators add and change them", cli_usage_carriers,
	 "The carriers staff ship with (oms_api.carriers): code, name, the service\n"
	 "levels offered, whether the carrier aggregator tracks it, an example\n"
	 "tracking number. Administrators configure them:\n"
	 "  --set CODE --name NAME --pattern REGEX --example NUMBER  adds or changes\n"
	 "      a carrier: REGEX is its tracking-number pattern (BR-012), anchored\n"
	 "      ^...$, and must accept NUMBER; --tracking-url URL (https, %s for the\n"
	 "      number), --aggregator NAME (the aggregator's carrier; none: not\n"
	 "      tracked), --poll-per-minute N, --inactive (no longer offered)\n"
	 "  --service CODE --level LEVEL  adds or changes a service level the carrier\n"
	 "      offers (economy, ground, express, overnight or another level in the\n"
	 "      database, oms.service_level): --aggregator-service\n"
	 "      NAME (the aggregator's name of it), --inactive\n"
	 "  --levels  every service level: its name, default transit days, offered\n"
	 "  --set-level LEVEL --name NAME --transit-days N [--position N]  adds or\n"
	 "      changes a service level (a code of 2-16 lower-case letters, digits,\n"
	 "      _; 0-60 business days when a carrier has no transit times of its\n"
	 "      own; position: its place in lists, default last); a carrier offers\n"
	 "      it with --service CODE --level LEVEL\n"
	 "The database refuses what does not fit (exit 2). Changes are audited.",
	 FOR_STAFF, NULL, cli_cmd_carriers, NULL, true, false},
	{"handling-days", "set the seller's processing time (handling days)", cli_usage_handling_days,
	 "Sets the seller's handling days (0 to 30): the business days between\n"
	 "confirmation and handing the parcel over, counted in every delivery\n"
	 "estimate given before shipping. Fulfilment staff set their own seller's;\n"
	 "an administrator names the seller with --seller ID. Prints the days now\n"
	 "in force.",
	 FOR_FULFILMENT | FOR_ADMIN, NULL, cli_cmd_handling_days, NULL, false, false},
	{"shipments", "list stuck parcels for review and record decisions", cli_usage_shipments,
	 "--stuck: the review list (parcels without a carrier scan for\n"
	 "stuck_shipment_hours, delivery exceptions, returns, parcels lost: silent\n"
	 "for lost_shipment_days), oldest first; --all also shows decided ones.\n"
	 "Fulfilment staff see their seller's exceptions, returns and lost parcels.\n"
	 "--decide REVIEW --decision D records a person's decision (contact_carrier,\n"
	 "reship, refund, wait, resolved) with --note; nobody is mailed by it. CSRs\n"
	 "and administrators decide.",
	 FOR_STAFF, NULL, cli_cmd_shipments, NULL, true, false},
	{"report", "reports and KPIs of a period (volume, cancellations, refunds, fulfilment, kpi)",
	 cli_usage_report,
	 "volume: orders placed by status and seller, and their value. cancellations:\n"
	 "by reason, who asked (csr, fulfilment, admin, admin_override) and scope,\n"
	 "and the rate against orders placed. refunds: granted versus executed,\n"
	 "pending and failed at the gateway, hours from request to money returned\n"
	 "(average, p50, p90). fulfilment: confirmation to shipment against the\n"
	 "24-hour promise, transit, on-time delivery, exceptions, stuck parcels.\n"
	 "kpi: the targets of the specification beside the period's figure.\n"
	 "Days are UTC; orders count on the day placed, cancellations and refunds\n"
	 "on the day requested. Columns and KPI definitions: oms(1) REPORTS.\n"
	 "orders FIGURE: the orders behind a figure (placed, confirmed, shipped,\n"
	 "shipped_late, unshipped, delivered, delivered_late, exception, stuck,\n"
	 "inaccurate, cancelled, refund_executed, refund_pending, refund_failed,\n"
	 "refund_awaiting); administrators and fulfilment staff.\n"
	 "fold: merge the summaries' delta rows (administrators, the worker).\n"
	 "verify: compare the summaries with a full recompute (administrators;\n"
	 "exit 4 when they differ). Fulfilment staff see their seller only.\n"
	 "Runs on the report connection when report_conninfo is set.\n"
	 "  --from DATE, --to DATE  the period, YYYY-MM-DD (default: all time to today)\n"
	 "  --seller ID             one seller\n"
	 "  --by day|week|month|all one row per period (default all: the whole range)\n"
	 "  --status S              report orders: the status (placed) or reason (cancelled)\n"
	 "  --limit N, --after NO   report orders: page size (50) and the next page",
	 FOR_FULFILMENT | FOR_ANALYST | FOR_ADMIN, NULL, cli_cmd_report, NULL, true, false},
	{"dashboard", "the administrator's dashboard: orders, queues, worker, sessions, database",
	 cli_usage_dashboard,
	 "One row per figure: orders placed today by status against the same\n"
	 "weekday last week, confirmed orders past the 24-hour ship promise, the\n"
	 "outbox backlog by kind and dead jobs, stuck shipments, approvals waiting\n"
	 "and the oldest one's age, refunds pending or failed at the gateway, the\n"
	 "worker's sessions, last job and breakers, staff sessions by role, the\n"
	 "database size, the oldest open transaction and the schema version.\n"
	 "--format json for monitoring (stable \"figure\" keys, oms(1) REPORTS).\n"
	 "Administrators only.",
	 FOR_ADMIN, NULL, cli_cmd_dashboard, NULL, true, false},
	{"export", "export orders or order lines of a period (CSV, XLSX, JSON)", cli_usage_export,
	 "orders: one row per order placed in the period (UTC days, both included),\n"
	 "with its seller, customer, status, totals, refunded amount and dates;\n"
	 "lines: one row per order line. Analysts get the same rows without\n"
	 "personal data: the customer is customer_ref, a pseudonymous id stable\n"
	 "within the database. Fulfilment staff get their seller's orders only.\n"
	 "The columns are listed in oms(1) EXPORT. Rows are streamed from the\n"
	 "server (the report connection when report_conninfo is set).\n"
	 "  --from DATE, --to DATE  the period, YYYY-MM-DD (default: all of it)\n"
	 "  --seller ID             one seller's orders\n"
	 "  --status S              orders in status S now (PENDING, ... CANCELLED)\n"
	 "  --format csv|xlsx|json  CSV by default\n"
	 "  --bom                   CSV starts with a UTF-8 byte order mark\n"
	 "  --quiet                 no progress on stderr (shown when it is a terminal)",
	 FOR_FULFILMENT | FOR_ANALYST | FOR_ADMIN, cli_subs_export, NULL, NULL, false, false},
	{"whoami", "show the login, name, role and seller of the connection", cli_usage_whoami,
	 "Who the connection is: login, name, role, seller.",
	 FOR_ANYONE, NULL, cli_cmd_whoami, NULL, false, false},
	{"migrate", "apply the schema migrations (as a superuser)", migrate_usage_text,
	 "Applies the schema migrations built into oms, then the files of functions\n"
	 "and views whose text changed (needs a superuser, or the owner of the\n"
	 "database with CREATEROLE). Running it again changes nothing.\n"
	 "  --status          list applied and pending migrations, change nothing\n"
	 "  -d, --dbname CONNINFO  database to migrate (conninfo string or URI)",
	 FOR_SUPERUSER, NULL, NULL, migrate_main, false, false},
	{"demo", "try oms on a private cluster with demo data", demo_usage_text,
	 "Runs oms against a private PostgreSQL cluster with demo data, created on\n"
	 "first use.\n"
	 "  --reset           remove the demo cluster and create it again\n"
	 "  --stop            stop the demo server and exit\n"
	 "  --scale S         amount of demo data when it is (re)loaded\n"
	 "  --anchor TIME     where the loaded history ends: now (the default: a\n"
	 "                    realistic last month) or a time, e.g. 2026-11-01T12:00Z\n"
	 "  --as ROLE         log in as the demo user of that role (default csr)\n"
	 "  --print-conninfo  print the connection string and exit (creating and\n"
	 "                    starting the demo first when needed; --as postgres\n"
	 "                    gives the superuser's)\n"
	 "  --no-worker       without oms-worker and its fakes (stops them if they run)\n"
	 "  --mail [N]        list the mails the demo sent, or show mail N\n"
	 "The demo runs oms-worker against fakes of the payment gateway and the\n"
	 "mail relay on 127.0.0.1 (python3 scripts), so refunds succeed and mails\n"
	 "are sent as in a shop; --stop stops them with the server. --plain and\n"
	 "--verbose may also follow the word demo.",
	 FOR_ANYONE, NULL, NULL, demo_main, false, false},
	{"seed", "load the demo data into a migrated database", seed_usage_text,
	 "Loads the demo data into an existing, migrated database (as a superuser).\n"
	 "Default scale: default.\n"
	 "  --scale S         tiny, default or full\n"
	 "  --anchor TIME     where the history ends: 2026-11-01T12:00Z (the default:\n"
	 "                    the same data every day, as the tests want) or now\n"
	 "  -d, --dbname CONNINFO  database to load (conninfo string or URI)\n"
	 "$OMS_DEMO_ANCHOR sets the default of --anchor for demo and seed.",
	 FOR_SUPERUSER, NULL, NULL, demo_seed_main, false, false},
	{"help", "show this help, or a command's", NULL, NULL,
	 FOR_ANYONE, NULL, NULL, cmd_help, false, false},
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

const struct cli_command *
cli_command_find(const char *name)
{
	for (size_t i = 0; name && i < NCOMMANDS; i++)
		if (strcmp(name, commands[i].name) == 0)
			return &commands[i];
	return NULL;
}

/* Edit distance of two short words (insert, delete, substitute), capped. */
static size_t
distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), row[32];

	if (la >= 31 || lb >= 31)
		return 99;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			diag = up;
			row[j] = best;
		}
	}
	return row[lb];
}

int
cli_command_unknown(const char *progname, const char *name)
{
	const char *near = NULL;
	size_t best = strlen(name) / 3 + 1;   /* an edit per three letters, at the most */

	for (size_t i = 0; i < NCOMMANDS; i++) {
		size_t d = distance(name, commands[i].name);

		if (d < best) {
			best = d;
			near = commands[i].name;
		}
	}
	if (near)
		fprintf(stderr, "%s: unknown command '%s' (did you mean '%s'?); see '%s --help'\n",
			progname, name, near, progname);
	else
		fprintf(stderr, "%s: unknown command '%s'; see '%s --help'\n", progname, name, progname);
	return EXIT_USAGE;
}

/* `--help` or `-h` before any `--`. */
static bool
wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			return false;
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return true;
	}
	return false;
}

bool
cli_command_needs_db(const struct cli_command *cmd, int argc, char **argv)
{
	return !cmd->self && !wants_help(argc, argv);
}

void
cli_usage(FILE *f, const char *progname)
{
	fprintf(f,
		"usage: %s [options] [command [args]]\n"
		"\n"
		"Without a command, opens the terminal client.\n"
		"\n"
		"Options:\n"
		"  -d, --dbname CONNINFO  database to use (conninfo string or postgresql:// URI);\n"
		"                         default: [connection] conninfo in oms.conf, then the\n"
		"                         PG* environment (PGSERVICE, PGHOST, ...)\n"
		"      --config FILE      read FILE instead of the standard oms.conf\n"
		"      --plain            no line drawing and no color\n"
		"      --json             JSON output for subcommands (--format json)\n"
		"  -v, --verbose          debug messages on stderr\n"
		"  -h, --help             show this help\n"
		"  -V, --version          show the version\n"
		"\n"
		"Commands:\n", progname);
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-13s %s\n", commands[i].name, commands[i].summary);
	fprintf(f,
		"\n"
		"Run '%s COMMAND --help' for a command's options; the subcommands for\n"
		"scripts take --format text|csv|json and -o FILE after their name.\n"
		"Exit status: 0 ok, 1 not found, 2 usage or configuration error,\n"
		"3 database error, 4 refused by a business rule, 5 nothing done (another\n"
		"session held the data, or a read-only server): run it again.\n"
		"See oms(1) and oms.conf(5).\n", progname);
}

/* The lists, as "find, refund list|pending, ...": the commands and
 * subcommands that take --format csv. */
static void
list_names(char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < NCOMMANDS && used < len; i++) {
		const struct cli_command *cmd = &commands[i];
		bool first = true;

		if (cmd->list)
			used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? ", " : "", cmd->name);
		for (const struct cli_sub *s = cmd->subs; s && s->name && used < len; s++) {
			if (!s->list)
				continue;
			used += (size_t)snprintf(buf + used, len - used, "%s%s", first ?
						 (used ? ", " : "") : "|", first ? cmd->name : "");
			if (used < len)
				used += (size_t)snprintf(buf + used, len - used, "%s%s", first ? " " : "",
							 s->name);
			first = false;
		}
	}
}

/* Whether argv (the command, maybe a subcommand) prints a list. */
static bool
is_list(const struct cli_command *cmd, int argc, char **argv)
{
	if (cmd->list)
		return true;
	for (const struct cli_sub *s = cmd->subs; s && s->name && argc > 1; s++)
		if (s->list && strcmp(argv[1], s->name) == 0)
			return true;
	return false;
}

static void
print_roles(FILE *f, unsigned roles)
{
	size_t n = 0;

	fprintf(f, "\nFor: ");
	for (size_t i = 0; i < sizeof role_names / sizeof role_names[0]; i++)
		if (roles & (1u << i))
			fprintf(f, "%s%s", n++ ? ", " : "", role_names[i]);
	fprintf(f, ".\n");
}

/* `oms COMMAND --help` of a command on the database. */
static void
print_help(FILE *f, const struct cli_command *cmd)
{
	char lists[256];

	fprintf(f, "usage: %s\n\n%s\n", cmd->usage, cmd->help);
	print_roles(f, cmd->roles);
	if (cmd->self) {        /* its own connection: none of the shared options */
		fprintf(f, "\nexit status: 0 ok, 2 usage, 3 database error\n");
		return;
	}
	list_names(lists, sizeof lists);
	fprintf(f, "\n--format text|csv|json|xlsx (--json): text tables (default), JSON, or for\n"
		   "the lists (%s)\n"
		   "RFC 4180 CSV with a header row, money as decimals, and text starting with\n"
		   "= + - @ tab or CR given a leading ' against formula injection, or an XLSX\n"
		   "workbook (typed cells, frozen header, autofilter). With --json\n"
		   "an error is also a JSON document on stdout ({\"error\": {\"status\", \"rule\",\n"
		   "\"message\", \"detail\"}}). -o FILE: written to a temporary file in FILE's\n"
		   "directory and renamed onto FILE when the command succeeds; on failure or\n"
		   "a signal FILE is left as it was. An existing FILE is replaced only with\n"
		   "--force; a directory others may write without the sticky bit is refused.\n"
		   "Ctrl-C cancels a list on the server (exit 3).\n", lists);
	fprintf(f, "\nA change the server rolled back because another session held or changed\n"
		   "the data is sent again up to %d times. Text output shows control and\n"
		   "bidirectional control characters as ?; JSON escapes them as \\uXXXX.\n"
		   "Notes and reasons take at most %d characters.\n"
		   "\nexit status: 0 found/ok, 1 not found, 2 usage, 3 database error,\n"
		   "4 refused by a business rule, 5 nothing done: another session held or\n"
		   "changed the data, or the server is read-only; run it again later\n",
		CLI_RETRIES, OMS_NOTE_MAX);
}

/* `oms help`: the overview; `oms help COMMAND`: `oms COMMAND --help`. */
static int
cmd_help(struct oms_ctx *ctx, int argc, char **argv)
{
	const struct cli_command *cmd;
	char *args[] = {NULL, "--help", NULL};

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		cli_usage(stdout, ctx->progname);
		return EXIT_FOUND;
	}
	if (argc > 2) {
		fprintf(stderr, "%s: help takes one command\n", ctx->progname);
		return EXIT_USAGE;
	}
	if (!(cmd = cli_command_find(argv[1])))
		return cli_command_unknown(ctx->progname, argv[1]);
	args[0] = (char *)cmd->name;
	return cli_command_run(ctx, cmd, 2, args);
}

/* Strips the options every command shares (--json, --format FMT, -o FILE,
 * --help anywhere). Returns -1 for a bad one (message printed), else
 * whether help was asked. */
static int
strip_common(struct cli *c, int *argc, char **argv, bool *force)
{
	bool help = false;
	int o = 1;

	for (int i = 1; i < *argc; i++) {
		const char *a = argv[i], *fmt = NULL;

		if (strcmp(a, "--") == 0) {
			while (i < *argc)
				argv[o++] = argv[i++];
			break;
		}
		if (strcmp(a, "--json") == 0) {
			fmt = "json";
		} else if (strcmp(a, "--format") == 0 || strncmp(a, "--format=", 9) == 0) {
			fmt = a[8] == '=' ? a + 9 : (i + 1 < *argc ? argv[++i] : "");
			if (!row_format_parse(fmt, &c->fmt)) {
				fprintf(stderr, "%s: --format takes text, csv or json (xlsx: lists only)\n",
					cli_progname(c));
				return -1;
			}
		} else if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0 ||
			   strncmp(a, "--output=", 9) == 0) {
			c->outfile = a[8] == '=' ? a + 9 : (i + 1 < *argc ? argv[++i] : NULL);
			if (!c->outfile || !*c->outfile) {
				fprintf(stderr, "%s: -o takes a file name\n", cli_progname(c));
				return -1;
			}
		} else if (strcmp(a, "--force") == 0) {
			*force = true;
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			help = true;
		} else {
			argv[o++] = argv[i];
		}
		if (fmt && strcmp(fmt, "json") == 0)
			c->fmt = ROW_FMT_JSON;
	}
	c->json = c->fmt == ROW_FMT_JSON;
	*argc = o;
	argv[o] = NULL;
	return help;
}

/* --- -o FILE (outfile.h): a temporary file in the same directory, renamed
 * onto FILE once the command has succeeded (never over an existing FILE
 * without --force); stdout is pointed at it meanwhile. --- */

struct cli_out {
	struct outfile f;
	int saved;          /* the real stdout */
};

static int
out_open(struct cli *c, struct cli_out *o, bool force)
{
	struct oms_error err = {0};

	o->saved = -1;
	o->f.tmp = NULL;
	if (!c->outfile)
		return 0;
	fflush(stdout);
	if (outfile_open(&o->f, c->outfile, force, &err) != OMS_OK)
		return cli_fail(c, &err);
	if ((o->saved = dup(STDOUT_FILENO)) < 0 || dup2(o->f.fd, STDOUT_FILENO) < 0) {
		fprintf(stderr, "%s: cannot write %s: %s\n", cli_progname(c), c->outfile, strerror(errno));
		if (o->saved >= 0)
			close(o->saved);
		outfile_abort(&o->f);
		return EXIT_DB;
	}
	c->errout = fdopen(dup(o->saved), "w");
	return 0;
}

/* Puts the file in place when rc says the output is whole (0, or 1 for an
 * empty list that wrote its header), else removes it: FILE as it was. */
static int
out_close(struct cli *c, struct cli_out *o, int rc)
{
	struct oms_error err = {0};
	bool keep;
	off_t size;

	if (!o->f.tmp)
		return rc;
	fflush(stdout);
	size = lseek(STDOUT_FILENO, 0, SEEK_END);
	keep = rc == EXIT_FOUND || (rc == EXIT_NOTFOUND && size > 0);
	if (keep && ferror(stdout)) {
		fprintf(stderr, "%s: cannot write %s\n", cli_progname(c), c->outfile);
		keep = false;
		rc = EXIT_DB;
	}
	/* stdout back first: the file is closed by outfile_commit/abort */
	dup2(o->saved, STDOUT_FILENO);
	close(o->saved);
	clearerr(stdout);
	if (keep && outfile_commit(&o->f, &err) != OMS_OK)
		rc = cli_fail(c, &err);
	else if (!keep)
		outfile_abort(&o->f);
	if (c->errout)
		fclose(c->errout);
	c->errout = NULL;
	return rc;
}


/* A command on the database: the options every one shares, help, the
 * default country code, -o FILE, then its function or subcommand. */
static int
run_on_db(struct oms_ctx *ctx, const struct cli_command *cmd, int argc, char **args)
{
	struct cli c = {.ctx = ctx, .json = ctx->json,
			.fmt = ctx->json ? ROW_FMT_JSON : ROW_FMT_TEXT};
	struct cli_out out = {0};
	bool force = false;
	int rc;

	if ((rc = strip_common(&c, &argc, args, &force)) < 0)
		return EXIT_USAGE;
	if (rc > 0) {
		print_help(stdout, cmd);
		return EXIT_FOUND;
	}
	if ((c.fmt == ROW_FMT_CSV || c.fmt == ROW_FMT_XLSX) && !is_list(cmd, argc, args)) {
		char lists[256];

		list_names(lists, sizeof lists);
		fprintf(stderr, "%s: --format %s is for lists (%s)\n", cli_progname(&c),
			c.fmt == ROW_FMT_CSV ? "csv" : "xlsx", lists);
		return EXIT_USAGE;
	}
	if (c.fmt == ROW_FMT_XLSX && !c.outfile && isatty(STDOUT_FILENO)) {
		fprintf(stderr, "%s: --format xlsx writes a file: give -o FILE or a pipe\n",
			cli_progname(&c));
		return EXIT_USAGE;
	}
	c.force = force;
	if (force && !c.outfile && cmd->fn != cli_cmd_ship) {     /* oms ship --label-file: ship.c */
		fprintf(stderr, "%s: --force is for -o FILE\n", cli_progname(&c));
		return EXIT_USAGE;
	}
	if (!ctx->db) {
		fprintf(stderr, "%s: not connected\n", cli_progname(&c));
		return EXIT_DB;
	}
	if (cmd->phone)
		app_default_cc(ctx->db, ctx->cfg ? config_get(ctx->cfg, "lookup",
				"default_country_code", NULL) : NULL, c.cc, sizeof c.cc);
	else
		strcpy(c.cc, "1");
	if ((rc = out_open(&c, &out, force)) != 0)
		return rc;
	rc = cmd->subs ? cli_subcommand(&c, argc, args, cmd->usage, cmd->subs)
		       : cmd->fn(&c, argc, args);
	fflush(stdout);
	return out_close(&c, &out, rc);
}

int
cli_command_run(struct oms_ctx *ctx, const struct cli_command *cmd, int argc, char **argv)
{
	char **args;
	int rc;

	if (cmd->self && cmd->usage && wants_help(argc, argv)) {
		print_help(stdout, cmd);
		return EXIT_FOUND;
	}
	if (cmd->self)
		return cmd->self(ctx, argc, argv);
	/* display widths need a UTF-8 LC_CTYPE; main may not have set one */
	{
		const char *cur = setlocale(LC_CTYPE, NULL);

		if (!cur || strcmp(cur, "C") == 0 || strcmp(cur, "POSIX") == 0)
			setlocale(LC_CTYPE, "");
	}
	/* a private copy: getopt permutes, and the shared options go */
	if (!(args = calloc((size_t)argc + 1, sizeof *args)))
		return EXIT_DB;
	memcpy(args, argv, (size_t)argc * sizeof *args);
	rc = run_on_db(ctx, cmd, argc, args);
	free(args);
	return rc;
}
