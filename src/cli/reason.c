#include "config.h"

/* `oms reason list|add|retire|restore`: the cancellation reason codes
 * (BR-023); the statements are the use case's (app/reason.h), the messages
 * the database's (cli_int.h) but for a refusal by role. */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/reason.h"
#include "cli/cli_int.h"
#include "db/db.h"

const char cli_usage_reason[] =
	"oms reason list [--json]\n"
	"       oms reason add [--json] CODE --label TEXT [--requires-note]\n"
	"       oms reason retire [--json] CODE\n"
	"       oms reason restore [--json] CODE";

static int
cmd_reason_list(struct cli *c, int argc, char **argv)
{
	struct app_stmt st;

	if (argc != 1)
		return cli_usage_error(c, cli_usage_reason, "unexpected argument %s", argv[1]);
	cancel_reasons_stmt(&st);
	return cli_list(c, &row_reason, &st, 0);
}

/* A refusal by role says who may (the database says "permission denied
 * for function ..."). */
static int
admin_only(struct cli *c, struct oms_error *err, const char *what)
{
	if (err->status == OMS_DENIED) {
		char db[sizeof err->msg];

		app_copy(db, sizeof db, err->msg);
		snprintf(err->msg, sizeof err->msg, "only administrators %s reasons (%.200s)", what, db);
	}
	return cli_fail(c, err);
}

/* The code of add / retire / restore, options before or after it. */
static int
take_code(struct cli *c, const char **code, const char *arg)
{
	if (*code)
		return cli_usage_error(c, cli_usage_reason, "unexpected argument %s", arg);
	*code = arg;
	cli_subject(c, "reason %.50s", arg);
	return 0;
}

static int
cmd_reason_add(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"label", required_argument, NULL, 'l'},
		{"requires-note", no_argument, NULL, 'n'},
		{0}};
	struct app_stmt st;
	struct oms_error err = {0};
	struct db_result *r;
	const char *code = NULL, *text = NULL;
	bool requires_note = false;
	int ch, rc;

	optind = 0;          /* 0: GNU getopt re-initialises (main used "+") */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "-", opts, NULL)) != -1) {
		switch (ch) {
		case 1:
			if ((rc = take_code(c, &code, optarg)) != 0)
				return rc;
			break;
		case 'l': text = optarg; break;
		case 'n': requires_note = true; break;
		default:
			return cli_usage_error(c, cli_usage_reason, "unknown option or missing value: %s",
					       argv[optind - 1]);
		}
	}
	if (!code)
		return cli_usage_error(c, cli_usage_reason, "which code? (lower case letters, digits and _)");
	if (cli_blank(text))
		return cli_usage_error(c, cli_usage_reason,
				       "a reason needs a label: --label TEXT (what staff pick it by)");
	if (strlen(text) > REASON_LABEL_MAX)
		return cli_usage_error(c, cli_usage_reason, "the label is too long (at most %zu bytes)",
				       REASON_LABEL_MAX);

	if (reason_add_stmt(code, text, requires_note, &st, &err) != OMS_OK)
		return cli_fail(c, &err);
	r = cli_query(c, &st, &err);
	app_stmt_free(&st);
	if (!r)
		return admin_only(c, &err, "add");   /* role (4), form of the code (2), exists (4) */
	db_result_free(r);
	if (c->json) {
		cli_json_emit(json_pack("{s:s, s:s, s:b}", "code", code, "label", text,
					"requires_note", requires_note));
	} else {
		printf("reason %s added%s: offered when cancelling from now on\n", code,
		       requires_note ? " (needs a note)" : "");
	}
	return EXIT_FOUND;
}

/* retire and restore: one code, no options but --json (main's). The
 * database refuses by role (4), an unknown code (1), a reason retired or
 * in use already and the last active reason (4). */
static int
set_active(struct cli *c, int argc, char **argv, bool active)
{
	struct app_stmt st;
	struct oms_error err = {0};
	struct db_result *r;
	const char *code = NULL;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (argv[i][0] == '-' && argv[i][1])
			return cli_usage_error(c, cli_usage_reason, "unknown option %s", argv[i]);
		if ((rc = take_code(c, &code, argv[i])) != 0)
			return rc;
	}
	if (!code)
		return cli_usage_error(c, cli_usage_reason, "which code?");
	if (reason_set_active_stmt(code, active, &st, &err) != OMS_OK)
		return cli_fail(c, &err);
	if (!(r = cli_query(c, &st, &err)))
		return admin_only(c, &err, active ? "restore" : "retire");
	db_result_free(r);
	if (c->json)
		cli_json_emit(json_pack("{s:s, s:b}", "code", code, "active", active));
	else if (active)
		printf("reason %s restored: offered and accepted when cancelling again\n", code);
	else
		printf("reason %s retired: no longer offered; cancellations that gave it keep it\n",
		       code);
	return EXIT_FOUND;
}

static int
cmd_reason_retire(struct cli *c, int argc, char **argv)
{
	return set_active(c, argc, argv, false);
}

static int
cmd_reason_restore(struct cli *c, int argc, char **argv)
{
	return set_active(c, argc, argv, true);
}

/* `oms reason SUB`: the registry (registry.c) dispatches on these. */
const struct cli_sub cli_subs_reason[] = {
	{"list", cmd_reason_list, true},
	{"add", cmd_reason_add, false},
	{"retire", cmd_reason_retire, false},
	{"restore", cmd_reason_restore, false},
	{NULL, NULL, false}};
