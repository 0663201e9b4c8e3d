#include "config.h"

/* The subcommands: `oms find`, `oms order show|cancel`, `oms customer show`,
 * `oms cancellation list|approve|refuse`, `oms job list|show|retry`,
 * `oms refund list|show|pending|request|approve|refuse`,
 * `oms reason list|add|retire|restore`, `oms whoami`. The same use cases
 * as the terminal client, printed as aligned plain text or, with --json,
 * as JSON with
 * stable field names (order and customer cards exactly as the server built
 * them). Exit codes: 0 found/ok, 1 not found, 2 usage or invalid input,
 * 3 database error, 4 refused by a business rule (or by the role, or
 * already done by someone else), 5 nothing done, run it again (another
 * session held or changed the data, or the server is read-only).
 *
 * This file: dispatch, help, the helpers every command family shares
 * (cli_int.h) and `oms whoami`; the families are in cli_*.c. */

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app/cli_int.h"
#include "db/db.h"

const char *
cli_progname(const struct cli *c)
{
	return c->ctx->progname ? c->ctx->progname : "oms";
}

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
	case OMS_RETRY:
	case OMS_READ_ONLY: return EXIT_BUSY;
	default: return EXIT_DB;
	}
}

/* An error document: on stdout, or under -o on the real stdout (the
 * output file is not written when the command fails). */
static void
cli_error_json(const struct cli *c, json_t *doc)
{
	char *text = doc ? json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
	FILE *f = c->errout ? c->errout : stdout;

	if (text) {
		app_json_put_safe(f, text);
		fputc('\n', f);
		fflush(f);
	}
	free(text);
	json_decref(doc);
}

/* What cli_fail says for err: the server's message, or, for a rollback
 * or a read-only server, what happened in our words (the server's, "could
 * not obtain lock", do not say it). */
static void
fail_message(const struct cli *c, const struct oms_error *err, char *buf, size_t len)
{
	if (err->status == OMS_READ_ONLY)
		snprintf(buf, len, "the database server is read-only (a standby?): nothing was changed");
	else if (err->status == OMS_RETRY)
		snprintf(buf, len, "another session holds or is changing %s; nothing was done "
			 "(tried %d time%s): run the command again",
			 c->subject[0] ? c->subject : "the same data", c->tries, c->tries == 1 ? "" : "s");
	else
		snprintf(buf, len, "%s", err->msg[0] ? err->msg : oms_status_message(err->status));
}

int
cli_fail(const struct cli *c, const struct oms_error *err)
{
	char msg[sizeof err->msg + 160];

	fail_message(c, err, msg, sizeof msg);
	fprintf(stderr, "%s: ", cli_progname(c));
	app_put_safe(stderr, msg);
	fputc('\n', stderr);
	/* --json: the same error as a document on stdout, with the rule and
	 * the facts the database gave (DETAIL), for scripts */
	if (c->json)
		cli_error_json(c, app_error_json(err, msg));
	return exit_code(err->status);
}

void
cli_subject(struct cli *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->subject, sizeof c->subject, fmt, ap);
	va_end(ap);
}

int
cli_usage_error(const struct cli *c, const char *usage, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s: %s\nusage: %s\n", cli_progname(c), msg, usage);
	if (c->json) {
		struct oms_error err;

		oms_fail(&err, OMS_USAGE, "%s", msg);
		cli_error_json(c, app_error_json(&err, NULL));
	}
	return EXIT_USAGE;
}

void
cli_json_out(json_t *v)
{
	char *text;

	if (!v || !(text = json_dumps(v, JSON_INDENT(2) | JSON_PRESERVE_ORDER)))
		return;
	app_json_put_safe(stdout, text);
	fputc('\n', stdout);
	free(text);
}

void
cli_json_emit(json_t *v)
{
	cli_json_out(v);
	json_decref(v);
}

void
cli_table_emit(struct app_table *t)
{
	table_print(t, stdout, NULL);
	table_free(t);
}

void
cli_table_section(const char *title, struct app_table *t)
{
	printf("\n%s\n", title);
	table_print(t, stdout, "  ");
	table_free(t);
}

json_t *
cli_json_str(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

json_t *
cli_json_id(long long v)
{
	return v ? json_integer(v) : json_null();
}

const char *
cli_short_time(const char *iso, char *buf, size_t len)
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

const char *
cli_fmt_ll(long long v, char *buf, size_t len)
{
	if (v)
		snprintf(buf, len, "%lld", v);
	else
		buf[0] = '\0';
	return buf;
}

/* Sleeps about 100 ms << attempt, give or take a quarter, so that two
 * clients that collided do not collide again in step. */
static void
retry_pause(int attempt)
{
	unsigned char r = 0;
	long ms = 100L << attempt;
	struct timespec ts;

	app_random_bytes(&r, 1);
	ms += (ms * (r - 128)) / 512;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

struct db_result *
cli_query(struct cli *c, const struct app_stmt *st, struct oms_error *err)
{
	struct db_result *r;

	c->tries = 0;
	for (;;) {
		struct oms_error e = {0};

		c->tries++;
		if ((r = app_stmt_run(c->ctx->db, st, &e)) || e.status != OMS_RETRY ||
		    c->tries > CLI_RETRIES) {
			if (!r && err)
				*err = e;
			return r;
		}
		retry_pause(c->tries - 1);
	}
}

/* Strips the options every command shares (--json, --format FMT, -o FILE,
 * --help anywhere). Returns -1 for a bad one (message printed), else
 * whether help was asked. */
static int
strip_common(struct cli *c, int *argc, char **argv)
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
				fprintf(stderr, "%s: --format takes text, csv or json\n", cli_progname(c));
				return -1;
			}
		} else if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0 ||
			   strncmp(a, "--output=", 9) == 0) {
			c->outfile = a[8] == '=' ? a + 9 : (i + 1 < *argc ? argv[++i] : NULL);
			if (!c->outfile || !*c->outfile) {
				fprintf(stderr, "%s: -o takes a file name\n", cli_progname(c));
				return -1;
			}
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

/* --- -o FILE: a temporary file in the same directory, renamed over FILE
 * once the command has succeeded; stdout is pointed at it meanwhile. --- */

struct cli_out {
	char *tmp;
	int saved;          /* the real stdout */
};

static int
out_open(struct cli *c, struct cli_out *o)
{
	int fd;

	o->saved = -1;
	if (!c->outfile)
		return 0;
	if (!(o->tmp = malloc(strlen(c->outfile) + 8)))
		return EXIT_DB;
	sprintf(o->tmp, "%s.XXXXXX", c->outfile);
	fflush(stdout);
	if ((fd = mkstemp(o->tmp)) < 0 || (o->saved = dup(STDOUT_FILENO)) < 0 ||
	    dup2(fd, STDOUT_FILENO) < 0) {
		fprintf(stderr, "%s: cannot write %s: %s\n", cli_progname(c), c->outfile, strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(o->tmp);
		}
		if (o->saved >= 0)
			close(o->saved);
		free(o->tmp);
		o->tmp = NULL;
		return EXIT_DB;
	}
	close(fd);
	c->errout = fdopen(dup(o->saved), "w");
	return 0;
}

/* Puts the file in place when rc says the output is whole (0, or 1 for an
 * empty list that wrote its header), else removes it: FILE as it was. */
static int
out_close(struct cli *c, struct cli_out *o, int rc)
{
	bool keep;
	off_t size;

	if (!o->tmp)
		return rc;
	fflush(stdout);
	size = lseek(STDOUT_FILENO, 0, SEEK_END);
	keep = rc == EXIT_FOUND || (rc == EXIT_NOTFOUND && size > 0);
	if (keep && (ferror(stdout) || fsync(STDOUT_FILENO) != 0 || rename(o->tmp, c->outfile) != 0)) {
		fprintf(stderr, "%s: cannot write %s: %s\n", cli_progname(c), c->outfile, strerror(errno));
		keep = false;
		rc = EXIT_DB;
	}
	if (!keep)
		unlink(o->tmp);
	dup2(o->saved, STDOUT_FILENO);
	close(o->saved);
	clearerr(stdout);
	if (c->errout)
		fclose(c->errout);
	c->errout = NULL;
	free(o->tmp);
	return rc;
}

/* --- lists ------------------------------------------------------------------ */

static void
list_sigint(int sig)
{
	(void)sig;
	db_stream_cancel_signal();
}

int
cli_list(struct cli *c, const struct row_desc *d, const struct app_stmt *st, long limit)
{
	struct oms_error err = {0};
	struct row_writer *w = row_writer_new(d, c->fmt, stdout);
	struct sigaction sa = {.sa_handler = list_sigint}, old;
	struct db_stream *s;
	const struct db_result *row;
	long n;
	int got;

	if (!w)
		return EXIT_DB;
	c->tries = 1;
	if (!(s = db_stream_open(c->ctx->db, st->sql, st->nparams, st->params, &err))) {
		row_writer_free(w);
		return c->list_fail ? c->list_fail(c, &err) : cli_fail(c, &err);
	}
	/* Ctrl-C cancels the query: the server ends it (57014), we exit */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old);
	while ((got = db_stream_next(s, &row, &err)) > 0)
		if (row_writer_add(w, row, &err) != OMS_OK) {
			got = -1;
			break;
		}
	db_stream_close(s);
	sigaction(SIGINT, &old, NULL);
	if (got < 0) {
		fflush(stdout);
		row_writer_free(w);
		if (err.status == OMS_CANCELLED)
			oms_fail(&err, OMS_CANCELLED, "cancelled: the list is incomplete");
		return c->list_fail ? c->list_fail(c, &err) : cli_fail(c, &err);
	}
	n = row_writer_finish(w, limit);
	row_writer_free(w);
	if (n == 0 && c->fmt == ROW_FMT_TEXT)
		fprintf(stderr, "%s: %s\n", cli_progname(c), c->empty[0] ? c->empty : d->empty);
	return n > 0 ? EXIT_FOUND : EXIT_NOTFOUND;
}

/* --- arguments ----------------------------------------------------------- */

int
cli_subcommand(struct cli *c, int argc, char **argv, const char *usage,
	       const struct cli_sub *subs)
{
	if (argc < 2)
		return cli_usage_error(c, usage, "%s what?", argv[0]);
	for (const struct cli_sub *s = subs; s->name; s++)
		if (strcmp(argv[1], s->name) == 0)
			return s->fn(c, argc - 1, argv + 1);
	return cli_usage_error(c, usage, "unknown %s command %s", argv[0], argv[1]);
}

void
cli_print_suggestions(struct cli *c, const struct lookup_query *q, json_t *jarr)
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
		r = cli_query(c, &st, &err);
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

int
cli_parse_order_no(struct cli *c, const char *arg, long long *no)
{
	char buf[300];
	struct lookup_query q;
	struct oms_error err = {0};

	snprintf(buf, sizeof buf, "order:%.280s", arg);
	if (lookup_classify(buf, c->cc, &q, &err) != OMS_OK)
		return cli_fail(c, &err);
	if (q.check_failed) {
		fprintf(stderr, "%s: %s is not a valid order number (wrong check digit)\n",
			cli_progname(c), q.text);
		cli_print_suggestions(c, &q, NULL);
		return EXIT_NOTFOUND;
	}
	*no = strtoll(q.text, NULL, 10);
	cli_subject(c, "order %lld", *no);
	return 0;
}

void
cli_label(const char *name)
{
	printf("%-12s", name);
}

void
cli_line_safe(const char *s)
{
	app_put_safe(stdout, s);
	fputc('\n', stdout);
}

long long
cli_parse_id(const char *arg)
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

int
cli_parse_decision(struct cli *c, const char *usage, const char *what, int argc, char **argv,
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
				return cli_usage_error(c, usage, "unexpected argument %s", optarg);
			arg = optarg;
			break;
		case 'n': *note = optarg; break;
		default:
			return cli_usage_error(c, usage, "unknown option or missing value: %s",
					   argv[optind - 1]);
		}
	}
	if (!arg)
		return cli_usage_error(c, usage, "which %s?", what);
	if (!(*id = cli_parse_id(arg)))
		return cli_usage_error(c, usage, "not a %s id: %s", what, arg);
	cli_subject(c, "%s %lld", what, *id);
	return 0;
}

bool
cli_blank(const char *s)
{
	return app_text_blank(s);
}

int
cli_parse_limit_only(struct cli *c, const char *usage, int argc, char **argv, long *limit)
{
	static const struct option opts[] = {{"limit", required_argument, NULL, 'l'}, {0}};
	int ch;

	optind = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		char *end;

		if (ch != 'l')
			return cli_usage_error(c, usage, "unknown option or missing value: %s",
					   argv[optind - 1]);
		*limit = strtol(optarg, &end, 10);
		if (*end || *limit < 1 || *limit > 500)
			return cli_usage_error(c, usage, "--limit takes 1 to 500");
	}
	if (optind != argc)
		return cli_usage_error(c, usage, "unexpected argument %s", argv[optind]);
	return 0;
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
		return cli_usage_error(c, "oms whoami [--json]", "unexpected argument %s", argv[1]);
	whoami_stmt(&st);
	if (!(r = cli_query(c, &st, &err)))
		return cli_fail(c, &err);
	s = whoami_parse(r, &who, &err);
	db_result_free(r);
	if (s != OMS_OK)
		return cli_fail(c, &err);
	if (c->json) {
		cli_json_emit(json_pack("{s:s, s:s, s:s, s:o, s:o}", "login", who.login,
					"full_name", who.full_name, "role", who.role,
					"seller_id", cli_json_id(who.seller_id),
					"seller_name", cli_json_str(who.seller_name)));
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
	{"find", cli_cmd_find, cli_usage_find,
	 "Finds orders and customers by order number, e-mail, phone, tracking number\n"
	 "or part of a name. A number with a wrong check digit lists the orders one\n"
	 "typo away."},
	{"order", cli_cmd_order, cli_usage_order,
	 "show: the order card (status, customer, lines, payment, shipments, refunds,\n"
	 "cancellations, timeline). cancel: cancels with a reason code; the database\n"
	 "decides (window, approval, BR-014)."},
	{"customer", cli_cmd_customer, cli_usage_customer,
	 "The customer card with addresses, figures, recent orders and tickets."},
	{"cancellation", cli_cmd_cancellation, cli_usage_cancellation,
	 "list: cancellations waiting for approval that you can see (fulfilment:\n"
	 "your seller's; admin: all), oldest first, with the refund approval would\n"
	 "grant. approve: carries the cancellation out (order cancelled, refund\n"
	 "requested). refuse: the order stays as it is; --note is required, the\n"
	 "reason customer service passes on. Fulfilment of the seller or admin."},
	{"refund", cli_cmd_refund, cli_usage_refund,
	 "list: refunds newest first; --status is an execution status (not_sent,\n"
	 "pending, succeeded, failed, canceled) or an approval (auto, pending,\n"
	 "approved, rejected). show: one refund, what was granted and what the\n"
	 "gateway did. pending: refunds waiting for an administrator (BR-027).\n"
	 "request: a partial refund (CSR), MONEY as 12.34 in the order's currency,\n"
	 "at most what is left to refund (BR-028); it waits for approval. Each\n"
	 "request has a key (printed on stderr as 'request key: UUID' before it is\n"
	 "sent); --request-key UUID sends the same request again: the first\n"
	 "refund's id, never a second refund (other values: refused, exit 2).\n"
	 "approve / refuse: an administrator decides (refuse needs --note)."},
	{"reason", cli_cmd_reason, cli_usage_reason,
	 "list: the cancellation reason codes staff can give (BR-023), with their\n"
	 "labels; NOTE required: a cancellation with it needs --note. add: a new\n"
	 "reason, offered from then on; CODE is 2 to 40 lower case letters, digits\n"
	 "and _, starting with a letter. retire: no longer offered or accepted;\n"
	 "cancellations that gave it keep it; the last reason cannot go.\n"
	 "restore: a retired reason is offered and accepted again.\n"
	 "add, retire and restore: administrators only."},
	{"job", cli_cmd_job, cli_usage_job,
	 "The outbox oms-worker delivers. list: jobs newest first; STATUS is ready,\n"
	 "running, done or dead, KIND refund, mail, seller_notify, inventory_release\n"
	 "or payment_verify; --after ID (the last id shown) gives the next page.\n"
	 "show: one job, its last error, payload and result (keys that may hold\n"
	 "personal data are withheld). retry: a dead job is ready again, its\n"
	 "attempts reset; a job that is not dead exits 4. Administrators only."},
	{"whoami", cmd_whoami, "oms whoami [--json]", "Who the connection is: login, name, role, seller."},
};

/* The commands that print a list (CSV makes sense only for those). */
static bool
csv_command(int argc, char **argv)
{
	static const char *const lists[] = {"find", "refund list", "refund pending",
					    "cancellation list", "job list", "reason list", NULL};
	char name[64];

	snprintf(name, sizeof name, "%s%s%.20s", argv[0], argc > 1 ? " " : "", argc > 1 ? argv[1] : "");
	for (int i = 0; lists[i]; i++)
		if (strcmp(name, lists[i]) == 0 || (i == 0 && strcmp(argv[0], "find") == 0))
			return true;
	return false;
}

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
	fprintf(f, "\n--format text|csv|json (--json): text tables (default), JSON, or for the\n"
		   "lists (find, refund list|pending, cancellation list, job list, reason list)\n"
		   "RFC 4180 CSV with a header row, money as decimals, and text starting with\n"
		   "= + - @ tab or CR given a leading ' against formula injection. With --json\n"
		   "an error is also a JSON document on stdout ({\"error\": {\"status\", \"rule\",\n"
		   "\"message\", \"detail\"}}). -o FILE: written to a temporary file in FILE's\n"
		   "directory and renamed over FILE when the command succeeds; on failure FILE\n"
		   "is left as it was. Ctrl-C cancels a list on the server (exit 3).\n");
	fprintf(f, "\nA change the server rolled back because another session held or changed\n"
		   "the data is sent again up to 3 times. Text output shows control and\n"
		   "bidirectional control characters as ?; JSON escapes them as \\uXXXX.\n"
		   "Notes and reasons take at most %d characters.\n"
		   "\nexit status: 0 found/ok, 1 not found, 2 usage, 3 database error,\n"
		   "4 refused by a business rule, 5 nothing done: another session held or\n"
		   "changed the data, or the server is read-only; run it again later\n", OMS_NOTE_MAX);
}

int
cli_run(struct oms_ctx *ctx, int argc, char **argv)
{
	struct cli c = {.ctx = ctx, .json = ctx->json,
			.fmt = ctx->json ? ROW_FMT_JSON : ROW_FMT_TEXT};
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
	if ((rc = strip_common(&c, &argc, args)) < 0) {
		free(args);
		return EXIT_USAGE;
	}
	help = rc > 0;
	if (!help && which >= 0 && c.fmt == ROW_FMT_CSV && !csv_command(argc, args)) {
		fprintf(stderr, "%s: --format csv is for lists (find, refund list|pending, "
			"cancellation list, job list, reason list)\n", cli_progname(&c));
		free(args);
		return EXIT_USAGE;
	}
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
	if (commands[which].fn == cli_cmd_find || commands[which].fn == cli_cmd_customer)
		app_default_cc(ctx->db, ctx->cfg ? config_get(ctx->cfg, "lookup",
				"default_country_code", NULL) : NULL, c.cc, sizeof c.cc);
	else
		strcpy(c.cc, "1");
	{
		struct cli_out out = {0};

		if ((rc = out_open(&c, &out)) != 0) {
			free(args);
			return rc;
		}
		rc = commands[which].fn(&c, argc, args);
		fflush(stdout);
		rc = out_close(&c, &out, rc);
	}
	free(args);
	return rc;
}
