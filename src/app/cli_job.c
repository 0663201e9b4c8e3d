#include "config.h"

/* `oms job list|show|retry`: the outbox for administrators. oms-worker
 * delivers the jobs (refunds, mails, seller notices, inventory releases,
 * payment checks); one that failed for good is 'dead' and stays until an
 * administrator gives it another life. list and show read
 * oms_api.jobs / oms_api.job (sql/0012: administrators only, payloads
 * without personal data); retry is oms_api.outbox_requeue (sql/0007: only
 * a dead job, which becomes ready now with its attempts reset). The
 * database checks the role, the filters and the state; the messages are
 * its own (cli_int.h). */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/cli_int.h"
#include "db/db.h"

const char cli_usage_job[] =
	"oms job list [--json] [--status STATUS] [--kind KIND] [--limit N] [--after ID]\n"
	"       oms job show [--json] ID\n"
	"       oms job retry [--json] ID";

/* The times as ISO 8601 to the second, as the other lists print them. */
#define JOB_TIME(col) "to_json(date_trunc('second', j." col ")) #>> '{}' AS " col
#define JOB_COLS \
	"j.id, j.kind, j.status, j.attempts, " JOB_TIME("next_attempt_at") ", j.last_error, " \
	"j.order_no, j.refund_id, " JOB_TIME("created_at") ", " JOB_TIME("updated_at")

/* A list's error column shows this many bytes; show has all of it. */
#define ERROR_SHORT 60

/* The columns of a job in JSON: 'n' a number, 'i' an id (null for none),
 * 's' text (null for none), 'j' a JSON document. */
struct job_col {
	const char *name;
	char type;
};

static const struct job_col list_cols[] = {
	{"id", 'n'}, {"kind", 's'}, {"status", 's'}, {"attempts", 'n'}, {"next_attempt_at", 's'},
	{"last_error", 's'}, {"order_no", 'i'}, {"refund_id", 'i'}, {"created_at", 's'},
	{"updated_at", 's'}, {NULL, 0}};

static const struct job_col show_cols[] = {
	{"done_at", 's'}, {"locked_by", 's'}, {"locked_until", 's'}, {"dedupe_key", 's'},
	{"payload", 'j'}, {"result", 'j'}, {"withheld", 'j'}, {NULL, 0}};

static json_t *
col_json(const struct db_result *r, int row, const struct job_col *col)
{
	int k = db_colnum(r, col->name);

	if (k < 0 || db_isnull(r, row, k))
		return json_null();
	switch (col->type) {
	case 'n': return json_integer(db_get_ll(r, row, k));
	case 'i': return cli_json_id(db_get_ll(r, row, k));
	case 'j': {
		json_t *v = json_loads(db_get(r, row, k), 0, NULL);

		return v ? v : json_null();
	}
	default: return cli_json_str(db_get(r, row, k));
	}
}

static void
cols_json(json_t *o, const struct db_result *r, int row, const struct job_col *cols)
{
	for (const struct job_col *col = cols; col->name; col++)
		json_object_set_new(o, col->name, col_json(r, row, col));
}

static const char *
col(const struct db_result *r, int row, const char *name)
{
	int k = db_colnum(r, name);

	return k < 0 ? "" : db_get(r, row, k);
}

/* A refusal by role says who may (the database says "permission denied
 * for function jobs"). */
static int
job_fail(struct cli *c, struct oms_error *err)
{
	if (err->status == OMS_DENIED) {
		char db[sizeof err->msg];

		app_copy(db, sizeof db, err->msg);
		snprintf(err->msg, sizeof err->msg, "only administrators see and retry jobs (%.200s)", db);
	}
	return cli_fail(c, err);
}

static int
parse_count(struct cli *c, const char *opt, const char *arg, long long max, long long *v)
{
	char *end;

	*v = strtoll(arg, &end, 10);
	if (*end || *v < 1 || *v > max)
		return cli_usage_error(c, cli_usage_job, "%s takes 1 to %lld", opt, max);
	return 0;
}

static int
cmd_job_list(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"status", required_argument, NULL, 's'},
		{"kind", required_argument, NULL, 'k'},
		{"limit", required_argument, NULL, 'l'},
		{"after", required_argument, NULL, 'a'},
		{0}};
	struct app_stmt st;
	struct oms_error err = {0};
	const char *status = NULL, *kind = NULL;
	long long limit = 50, after = 0;
	int ch, rc;

	optind = 0;          /* 0: GNU getopt re-initialises (main used "+") */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (ch) {
		case 's': status = optarg; break;
		case 'k': kind = optarg; break;
		case 'l':
			if ((rc = parse_count(c, "--limit", optarg, 1000, &limit)) != 0)
				return rc;
			break;
		case 'a':
			if (!(after = cli_parse_id(optarg)))
				return cli_usage_error(c, cli_usage_job, "--after takes a job id");
			break;
		default:
			return cli_usage_error(c, cli_usage_job, "unknown option or missing value: %s",
					       argv[optind - 1]);
		}
	}
	if (optind != argc)
		return cli_usage_error(c, cli_usage_job, "unexpected argument %s", argv[optind]);

	/* the database says which statuses and kinds there are (22023: exit 2) */
	app_stmt_init(&st, "SELECT " JOB_COLS
			   " FROM oms_api.jobs($1::text, $2::text, $3::int, $4::bigint) j");
	if (app_text_arg(&st, "the status", status, false, &err) != OMS_OK ||
	    app_text_arg(&st, "the kind", kind, false, &err) != OMS_OK)
		return cli_fail(c, &err);
	app_stmt_ll(&st, limit);
	if (after)
		app_stmt_ll(&st, after);
	else
		app_stmt_text(&st, NULL);
	c->list_fail = job_fail;
	return cli_list(c, &row_job, &st, limit);
}

/* The id of show / retry, the only argument. Returns 0 or an exit code. */
static int
take_id(struct cli *c, int argc, char **argv, long long *id)
{
	const char *arg = NULL;

	for (int i = 1; i < argc; i++) {
		if (argv[i][0] == '-' && argv[i][1])
			return cli_usage_error(c, cli_usage_job, "unknown option %s", argv[i]);
		if (arg)
			return cli_usage_error(c, cli_usage_job, "unexpected argument %s", argv[i]);
		arg = argv[i];
	}
	if (!arg)
		return cli_usage_error(c, cli_usage_job, "which job?");
	if (!(*id = cli_parse_id(arg)))
		return cli_usage_error(c, cli_usage_job, "not a job id: %s", arg);
	cli_subject(c, "job %lld", *id);
	return 0;
}

/* A payload or result, one key a line: strings as they are, the rest
 * (numbers, lines) as JSON. */
static void
show_object(const char *title, const char *text)
{
	json_t *o = json_loads(text, 0, NULL);
	struct app_table *t;
	const char *key;
	json_t *v;

	if (!json_is_object(o) || !json_object_size(o)) {
		json_decref(o);
		return;
	}
	t = table_new("ll", "KEY", "VALUE");
	json_object_foreach(o, key, v) {
		char *dump = json_is_string(v) ? NULL : json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);

		table_add(t, key, dump ? dump : json_string_value(v));
		free(dump);
	}
	cli_table_section(title, t);
	json_decref(o);
}

/* The keys job() left out of the payload and the result, if any. */
static void
show_withheld(const char *text)
{
	json_t *a = json_loads(text, 0, NULL), *v;
	size_t i;

	if (json_array_size(a) > 0) {
		printf("\n");
		cli_label("Withheld");
		json_array_foreach(a, i, v) {
			printf("%s", i ? ", " : "");
			app_put_safe(stdout, json_string_value(v));
		}
		printf(" (may be personal data: not shown)\n");
	}
	json_decref(a);
}

static void
show_line(const char *label, const char *value)
{
	if (!*value)
		return;
	cli_label(label);
	cli_line_safe(value);
}

static void
show_time(const char *label, const char *iso)
{
	char buf[24];

	if (*iso)
		show_line(label, cli_short_time(iso, buf, sizeof buf));
}

static void
show_text(const struct db_result *r)
{
	const char *status = col(r, 0, "status");

	printf("Job %s  %s  %s\n", col(r, 0, "id"), col(r, 0, "kind"), status);
	show_line("Order", col(r, 0, "order_no"));
	show_line("Refund", col(r, 0, "refund_id"));
	show_line("Attempts", col(r, 0, "attempts"));
	show_time("Created", col(r, 0, "created_at"));
	show_time("Updated", col(r, 0, "updated_at"));
	if (!strcmp(status, "ready"))
		show_time("Due", col(r, 0, "next_attempt_at"));
	if (!strcmp(status, "running")) {
		show_line("Worker", col(r, 0, "locked_by"));
		show_time("Lease ends", col(r, 0, "locked_until"));
	}
	show_time("Done", col(r, 0, "done_at"));
	show_line("Key", col(r, 0, "dedupe_key"));
	show_line("Error", col(r, 0, "last_error"));
	show_object("Payload", col(r, 0, "payload"));
	show_object("Result", col(r, 0, "result"));
	show_withheld(col(r, 0, "withheld"));
}

/* Runs sql with the id of show / retry as $1. NULL with *rc set when the
 * id is missing or the database refuses: the role or a job that is not
 * dead (4), an unknown job (P0002, 1). */
static struct db_result *
job_query(struct cli *c, int argc, char **argv, const char *sql, long long *id, int *rc)
{
	struct app_stmt st;
	struct oms_error err = {0};
	struct db_result *r;

	if ((*rc = take_id(c, argc, argv, id)) != 0)
		return NULL;
	app_stmt_init(&st, sql);
	app_stmt_ll(&st, *id);
	if (!(r = cli_query(c, &st, &err)))
		*rc = job_fail(c, &err);
	return r;
}

static int
cmd_job_show(struct cli *c, int argc, char **argv)
{
	struct db_result *r;
	long long id;
	int rc;

	r = job_query(c, argc, argv, "SELECT " JOB_COLS ", " JOB_TIME("done_at") ", j.locked_by, "
		      JOB_TIME("locked_until") ", j.dedupe_key, j.payload::text AS payload, "
		      "j.result::text AS result, array_to_json(j.withheld)::text AS withheld "
		      "FROM oms_api.job($1::bigint) j", &id, &rc);
	if (!r)
		return rc;
	if (db_rows(r) != 1) {
		db_result_free(r);
		fprintf(stderr, "%s: job %lld not found\n", cli_progname(c), id);
		return EXIT_NOTFOUND;
	}
	if (c->json) {
		json_t *o = json_object();

		cols_json(o, r, 0, list_cols);
		cols_json(o, r, 0, show_cols);
		cli_json_emit(o);
	} else {
		show_text(r);
	}
	db_result_free(r);
	return EXIT_FOUND;
}

static int
cmd_job_retry(struct cli *c, int argc, char **argv)
{
	struct db_result *r;
	long long id;
	int rc;

	if (!(r = job_query(c, argc, argv, "SELECT oms_api.outbox_requeue($1::bigint)", &id, &rc)))
		return rc;
	db_result_free(r);
	if (c->json)
		cli_json_emit(json_pack("{s:I, s:s, s:i}", "id", (json_int_t)id, "status", "ready",
					"attempts", 0));
	else
		printf("job %lld is ready again (attempts reset): the worker takes it at once\n", id);
	return EXIT_FOUND;
}

int
cli_cmd_job(struct cli *c, int argc, char **argv)
{
	static const struct cli_sub subs[] = {
		{"list", cmd_job_list}, {"show", cmd_job_show}, {"retry", cmd_job_retry},
		{NULL, NULL}};

	return cli_subcommand(c, argc, argv, cli_usage_job, subs);
}
