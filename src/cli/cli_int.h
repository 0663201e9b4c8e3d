/* Private to the subcommands (the files of src/cli): the state of one run, the
 * exit codes, and the output and argument helpers every command family
 * shares (src/cli/cli.c). One file per family: order.c (find, order,
 * customer) with cancel.c (order cancel), refund.c,
 * cancellation.c, reason.c, job.c. */
#ifndef OMS_CLI_CLI_INT_H
#define OMS_CLI_CLI_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "app/app.h"
#include "app/appint.h"
#include "cli/writer.h"
#include "cli/table.h"
#include "ctx.h"

struct db_result;

/* EXIT_BUSY: nothing was done and the same command may simply be run
 * again (another session held or changed the data through every retry, or
 * the server is read-only: a standby after a failover). */
enum { EXIT_FOUND = 0, EXIT_NOTFOUND = 1, EXIT_USAGE = 2, EXIT_DB = 3, EXIT_RULE = 4,
       EXIT_BUSY = 5 };

/* A statement rolled back by the server as serialization failure,
 * deadlock or lock timeout (OMS_RETRY) is sent again this many times. */
#define CLI_RETRIES 3

struct cli {
	struct oms_ctx *ctx;
	char cc[8];                  /* default country calling code */
	bool json;                   /* --json or --format json */
	enum row_format fmt;         /* --format text|csv|json */
	const char *outfile;         /* -o FILE, NULL for stdout */
	bool force;                  /* --force: -o FILE (and oms ship --label-file) may replace a file */
	FILE *errout;                /* where --json errors go: stdout, the real one under -o */
	char empty[200];             /* cli_list's words for an empty list, "" its row type's */
	/* cli_list's words for a failure, when a family has its own (job_fail) */
	int (*list_fail)(struct cli *c, struct oms_error *err);
	char subject[64];            /* what a command changes ("order 10050500"), for messages */
	int tries;                   /* sends of the last statement */
};

/* The name messages start with ("oms"). */
const char *cli_progname(const struct cli *c);
/* "oms: MESSAGE" on stderr; returns the exit code for err's status. */
int cli_fail(const struct cli *c, const struct oms_error *err);
/* "oms: MESSAGE" and the usage on stderr; returns EXIT_USAGE. */
int cli_usage_error(const struct cli *c, const char *usage, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Runs a statement on the connection, synchronously; one the server rolled
 * back (OMS_RETRY) is sent again up to CLI_RETRIES times after a short,
 * growing, jittered pause. */
struct db_result *cli_query(struct cli *c, const struct app_stmt *st, struct oms_error *err);
/* Names what the command changes, for the messages of cli_fail. */
void cli_subject(struct cli *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* --- output -------------------------------------------------------------- */

/* A JSON document on stdout: indented, members in insertion order. */
void cli_json_out(json_t *v);
/* cli_json_out, then releases v (for documents built just to be printed). */
void cli_json_emit(json_t *v);
/* JSON null for NULL or "" (cli_json_str) and for 0 (cli_json_id). */
json_t *cli_json_str(const char *s);
json_t *cli_json_id(long long v);
/* A result table on stdout at the left margin, then freed. */
void cli_table_emit(struct cli_table *t);
/* A titled section of a card: blank line, TITLE, the table indented by two
 * spaces; then freed. */
void cli_table_section(const char *title, struct cli_table *t);
/* "2026-01-20T10:11:12+00:00" -> "2026-01-20 10:11" */
const char *cli_short_time(const char *iso, char *buf, size_t len);
/* The number, or "" for 0. */
const char *cli_fmt_ll(long long v, char *buf, size_t len);
/* A card's field name, padded to the value column. */
void cli_label(const char *name);
/* s with control characters shown as '?', then a newline. */
void cli_line_safe(const char *s);

static inline const char *
jstr(const json_t *o, const char *k)
{
	return app_json_str(o, k);
}

/* A list: streams st's rows through d's writer in the chosen format
 * (text, CSV, JSON) to stdout; Ctrl-C cancels the query (exit 3, the
 * output incomplete). limit: the keyset page size for JSON's
 * "next_after" (0: none). Returns EXIT_FOUND, EXIT_NOTFOUND for an empty
 * list (text says d->empty on stderr) or the error's exit code. */
int cli_list(struct cli *c, const struct row_desc *d, const struct app_stmt *st, long limit);

/* --- arguments ----------------------------------------------------------- */

/* An order number as typed (separators allowed); prints suggestions for a
 * wrong check digit. Returns 0 and sets *no, or an exit code. */
int cli_parse_order_no(struct cli *c, const char *arg, long long *no);
/* The orders one typo away from q's number: into jarr, or listed on
 * stderr when jarr is NULL. */
void cli_print_suggestions(struct cli *c, const struct lookup_query *q, json_t *jarr);
/* An id as typed ("12", "#12"); 0 when it is not one. */
long long cli_parse_id(const char *arg);
/* `ID [--note TEXT]` of approve / refuse, options before or after the id.
 * Returns 0 or an exit code. */
int cli_parse_decision(struct cli *c, const char *usage, const char *what, int argc, char **argv,
		       long long *id, const char **note);
/* `approve|refuse ID [--note TEXT]` carried out: parses it
 * (cli_parse_decision), refuses a refusal without a note (a usage error
 * saying refuse_needs), builds stmt's statement and runs it. Returns the
 * result (caller frees) or NULL with *rc the exit code. */
typedef enum oms_status (*cli_decision_stmt)(long long id, bool approve, const char *note,
					     struct app_stmt *st, struct oms_error *err);
struct db_result *cli_decide(struct cli *c, const char *usage, const char *what, int argc,
			     char **argv, bool approve, const char *refuse_needs,
			     cli_decision_stmt stmt, long long *id, int *rc);
/* NULL, empty or only spaces, tabs and newlines (app_text_blank). */
bool cli_blank(const char *s);
/* --limit N only (the pending lists). Returns 0 or an exit code. */
int cli_parse_limit_only(struct cli *c, const char *usage, int argc, char **argv, long *limit);
/* `--line LINE:QTY` of order cancel: both decimal digits only, 1 ..
 * 1000000; false (l untouched) for anything else. */
bool cli_parse_cancel_line(const char *arg, struct cancel_line *l);

/* --- the command families (argv[0] is the command's name) ---------------- */

/* A family's subcommands: `oms FAMILY SUB ARGS...` runs fn with argv[0] =
 * SUB; none or an unknown one is a usage error naming the family. The
 * table ends with a NULL name. list: the subcommand prints a list (the
 * only ones that take --format csv). */
struct cli_sub {
	const char *name;
	int (*fn)(struct cli *c, int argc, char **argv);
	bool list;
};
int cli_subcommand(struct cli *c, int argc, char **argv, const char *usage,
		   const struct cli_sub *subs);

/* Each family's usage lines (printed with a usage error and by `oms
 * COMMAND --help`) and its subcommands or its one function; the registry
 * (registry.c) is the table that names them. */
extern const char cli_usage_find[], cli_usage_order[], cli_usage_customer[];
extern const char cli_usage_refund[], cli_usage_cancellation[], cli_usage_reason[];
extern const char cli_usage_job[], cli_usage_whoami[];
extern const struct cli_sub cli_subs_order[], cli_subs_refund[], cli_subs_cancellation[],
	cli_subs_reason[], cli_subs_job[];
int cli_cmd_find(struct cli *c, int argc, char **argv);
int cli_cmd_customer(struct cli *c, int argc, char **argv);
int cli_cmd_whoami(struct cli *c, int argc, char **argv);
/* `oms order cancel` (cancel.c), a subcommand of cli_subs_order. */
int cli_cmd_order_cancel(struct cli *c, int argc, char **argv);

#endif
