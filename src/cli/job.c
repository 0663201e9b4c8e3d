#include "config.h"

/* `oms job list|show|retry`: the outbox for administrators; the
 * statements and the parser are the use case's (app/job.h), the messages
 * the database's (cli_int.h) but for a refusal by role. */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/job.h"
#include "cli/cli_int.h"
#include "db/db.h"

const char cli_usage_job[] =
	"oms job list [--json] [--status STATUS] [--kind KIND] [--limit N] [--after ID]\n"
	"       oms job show [--json] ID\n"
	"       oms job retry [--json] ID";

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
	{
		struct job_filter f = {.status = status, .kind = kind, .limit = limit, .after = after};

		if (job_list_stmt(&f, &st, &err) != OMS_OK)
			return cli_fail(c, &err);
	}
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
show_object(const char *title, json_t *o)
{
	struct cli_table *t;
	const char *key;
	json_t *v;

	if (!json_is_object(o) || !json_object_size(o))
		return;
	t = table_new("ll", "KEY", "VALUE");
	json_object_foreach(o, key, v) {
		char *dump = json_is_string(v) ? NULL : json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);

		table_add(t, key, dump ? dump : json_string_value(v));
		free(dump);
	}
	cli_table_section(title, t);
}

/* The keys job() left out of the payload and the result, if any. */
static void
show_withheld(const json_t *a)
{
	const json_t *v;
	size_t i;

	if (json_array_size(a) > 0) {
		printf("\n");
		cli_label("Withheld");
		json_array_foreach(a, i, v) {
			printf("%s", i ? ", " : "");
			cli_put_safe(stdout, json_string_value(v));
		}
		printf(" (may be personal data: not shown)\n");
	}
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

/* A member of the job as text: "" for null, numbers in decimal. */
static const char *
field(const json_t *o, const char *k, char *buf, size_t len)
{
	const json_t *v = json_object_get(o, k);

	if (json_is_integer(v)) {
		snprintf(buf, len, "%lld", (long long)json_integer_value(v));
		return buf;
	}
	return json_is_string(v) ? json_string_value(v) : "";
}

static void
show_text(const json_t *job)
{
	char b[9][32];
	const char *status = field(job, "status", b[0], sizeof b[0]);

	printf("Job %s  %s  %s\n", field(job, "id", b[1], sizeof b[1]), jstr(job, "kind"), status);
	show_line("Order", field(job, "order_no", b[2], sizeof b[2]));
	show_line("Refund", field(job, "refund_id", b[3], sizeof b[3]));
	show_line("Attempts", field(job, "attempts", b[4], sizeof b[4]));
	show_time("Created", jstr(job, "created_at"));
	show_time("Updated", jstr(job, "updated_at"));
	if (!strcmp(status, "ready"))
		show_time("Due", jstr(job, "next_attempt_at"));
	if (!strcmp(status, "running")) {
		show_line("Worker", jstr(job, "locked_by"));
		show_time("Lease ends", jstr(job, "locked_until"));
	}
	show_time("Done", jstr(job, "done_at"));
	show_line("Key", jstr(job, "dedupe_key"));
	show_line("Error", jstr(job, "last_error"));
	show_object("Payload", json_object_get(job, "payload"));
	show_object("Result", json_object_get(job, "result"));
	show_withheld(json_object_get(job, "withheld"));
}

/* The id of show / retry and the statement with it. NULL with *rc set
 * when the id is missing or the database refuses: the role or a job that
 * is not dead (4), an unknown job (P0002, 1). */
static struct db_result *
job_query(struct cli *c, int argc, char **argv, void (*stmt)(long long, struct app_stmt *),
	  long long *id, int *rc)
{
	struct app_stmt st;
	struct oms_error err = {0};
	struct db_result *r;

	if ((*rc = take_id(c, argc, argv, id)) != 0)
		return NULL;
	stmt(*id, &st);
	if (!(r = cli_query(c, &st, &err)))
		*rc = job_fail(c, &err);
	return r;
}

static int
cmd_job_show(struct cli *c, int argc, char **argv)
{
	struct oms_error err = {0};
	struct db_result *r;
	json_t *job;
	long long id;
	int rc;

	if (!(r = job_query(c, argc, argv, job_show_stmt, &id, &rc)))
		return rc;
	job = job_card_parse(r, &err);
	db_result_free(r);
	if (!job && err.status == OMS_NOT_FOUND) {
		fprintf(stderr, "%s: job %lld not found\n", cli_progname(c), id);
		return EXIT_NOTFOUND;
	}
	if (!job)
		return cli_fail(c, &err);
	if (c->json)
		cli_json_out(job);
	else
		show_text(job);
	json_decref(job);
	return EXIT_FOUND;
}

static int
cmd_job_retry(struct cli *c, int argc, char **argv)
{
	struct db_result *r;
	long long id;
	int rc;

	if (!(r = job_query(c, argc, argv, job_retry_stmt, &id, &rc)))
		return rc;
	db_result_free(r);
	if (c->json)
		cli_json_emit(json_pack("{s:I, s:s, s:i}", "id", (json_int_t)id, "status", "ready",
					"attempts", 0));
	else
		printf("job %lld is ready again (attempts reset): the worker takes it at once\n", id);
	return EXIT_FOUND;
}

/* `oms job SUB`: the registry (registry.c) dispatches on these. */
const struct cli_sub cli_subs_job[] = {
	{"list", cmd_job_list, true},
	{"show", cmd_job_show, false},
	{"retry", cmd_job_retry, false},
	{NULL, NULL, false}};
