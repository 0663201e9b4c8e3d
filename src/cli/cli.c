#include "config.h"

/* The helpers every command family shares (cli_int.h): messages and exit
 * codes, JSON and table output, the retried query, lists streamed through
 * the writers, and the parsers of order numbers, ids and decisions. The
 * commands themselves are named in registry.c; the families are in the
 * other files of src/cli. Exit codes: 0 found/ok, 1 not found, 2 usage or
 * invalid input, 3 database error, 4 refused by a business rule (or by the
 * role, or already done by someone else), 5 nothing done, run it again
 * (another session held or changed the data, or the server is read-only). */

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli_int.h"
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
		cli_json_put_safe(f, text);
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
	cli_put_safe(stderr, msg);
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
	cli_json_put_safe(stdout, text);
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
cli_table_emit(struct cli_table *t)
{
	table_print(t, stdout, NULL);
	table_free(t);
}

void
cli_table_section(const char *title, struct cli_table *t)
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
		struct row_set rows;

		snprintf(sq.text, sizeof sq.text, "%lld", q->suggest[i]);
		lookup_stmt(&sq, 1, NULL, &st);
		row_set_init(&rows, &row_lookup);
		if ((r = cli_query(c, &st, &err)) && row_set_read(&rows, r, true, &err) > 0) {
			char total[48];

			row_set_text(&rows, 0, "total_minor", total, sizeof total);
			if (jarr) {
				json_array_append_new(jarr, json_pack("{s:I, s:s, s:s, s:I, s:s}",
					"order_no", (json_int_t)q->suggest[i],
					"status", row_set_get(&rows, 0, "status"),
					"full_name", row_set_get(&rows, 0, "full_name"),
					"total_minor", (json_int_t)row_set_ll(&rows, 0, "total_minor"),
					"currency", row_set_get(&rows, 0, "currency")));
			} else {
				fprintf(stderr, "%s %lld  %s  ", shown ? "   " : "  did you mean",
					q->suggest[i], row_set_get(&rows, 0, "status"));
				cli_put_safe(stderr, row_set_get(&rows, 0, "full_name"));
				fprintf(stderr, "  %s\n", total);
			}
			shown++;
		}
		db_result_free(r);
		row_set_free(&rows);
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
	cli_put_safe(stdout, s);
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

struct db_result *
cli_decide(struct cli *c, const char *usage, const char *what, int argc, char **argv,
	   bool approve, const char *refuse_needs, cli_decision_stmt stmt, long long *id, int *rc)
{
	struct app_stmt st;
	struct oms_error err = {0};
	struct db_result *r;
	const char *note;

	if ((*rc = cli_parse_decision(c, usage, what, argc, argv, id, &note)) != 0)
		return NULL;
	/* the database rejects a refusal without a note too (22023) */
	if (!approve && cli_blank(note)) {
		*rc = cli_usage_error(c, usage, "%s", refuse_needs);
		return NULL;
	}
	if (stmt(*id, approve, note, &st, &err) != OMS_OK) {
		*rc = cli_fail(c, &err);
		return NULL;
	}
	r = cli_query(c, &st, &err);
	app_stmt_free(&st);
	if (!r)
		*rc = cli_fail(c, &err);
	return r;
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
