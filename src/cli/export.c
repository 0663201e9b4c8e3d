#include "config.h"

/* `oms export orders|lines` (issue 10): every order, or every order line,
 * of a period as CSV (default), XLSX or JSON, streamed from the server one
 * row at a time (single-row mode, db_stream) through the writers
 * (writer.h), so memory stays that of one row whatever the count.
 *
 * The rows are the views of sql/functions/97_export.sql: oms_api.export_*
 * for staff (row-level security decides what a fulfilment login sees),
 * oms_report.export_* for analysts (no personal data; the customer is a
 * pseudonymous customer_ref). The export runs on the report connection
 * ([connection] report_conninfo, e.g. a replica) when one is configured.
 * -o FILE, --force and the atomic rename are the registry's (outfile.h);
 * Ctrl-C cancels the query on the server, and the temporary file goes. */

#include <ctype.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/export.h"
#include "db/db.h"

const char cli_usage_export[] =
	"oms export orders|lines [--from DATE] [--to DATE] [--seller ID] [--status S]\n"
	"           [--format csv|xlsx|json] [-o FILE [--force]] [--bom] [--quiet]";

/* --- the row types ---------------------------------------------------------- */

#define TIME_COL(n) {n, ROW_TIME, NULL, 'l', false, NULL, 0, NULL}
#define TEXT_COL(n) {n, ROW_TEXT, NULL, 'l', false, NULL, 0, NULL}
#define PII_COL(n) {n, ROW_TEXT, NULL, 'l', true, NULL, 0, NULL}
#define INT_COL(n) {n, ROW_INT, NULL, 'r', false, NULL, 0, NULL}
#define MONEY_COL(n) {n, ROW_MONEY, NULL, 'r', false, "currency", 0, NULL}

static const struct row_col cols_orders[] = {
	INT_COL("order_no"), TIME_COL("placed_at"), TEXT_COL("status"), INT_COL("seller_id"),
	TEXT_COL("seller_name"), INT_COL("customer_id"), PII_COL("customer_name"),
	PII_COL("customer_email"), TEXT_COL("currency"), MONEY_COL("subtotal_minor"),
	MONEY_COL("shipping_minor"), MONEY_COL("total_minor"), MONEY_COL("refunded_minor"),
	TIME_COL("confirmed_at"), TIME_COL("shipped_at"), TIME_COL("delivered_at"),
	TIME_COL("cancelled_at"),
};
static const struct row_col cols_orders_anon[] = {
	INT_COL("order_no"), TIME_COL("placed_at"), TEXT_COL("status"), INT_COL("seller_id"),
	TEXT_COL("seller_name"), TEXT_COL("customer_ref"), TEXT_COL("currency"),
	MONEY_COL("subtotal_minor"), MONEY_COL("shipping_minor"), MONEY_COL("total_minor"),
	MONEY_COL("refunded_minor"), TIME_COL("confirmed_at"), TIME_COL("shipped_at"),
	TIME_COL("delivered_at"), TIME_COL("cancelled_at"),
};
static const struct row_col cols_lines[] = {
	INT_COL("order_no"), INT_COL("line_no"), TIME_COL("placed_at"), TEXT_COL("status"),
	INT_COL("seller_id"), TEXT_COL("seller_name"), INT_COL("customer_id"), TEXT_COL("sku"),
	TEXT_COL("item_name"), INT_COL("qty"), INT_COL("cancelled_qty"), TEXT_COL("currency"),
	MONEY_COL("unit_price_minor"), MONEY_COL("line_total_minor"),
};
static const struct row_col cols_lines_anon[] = {
	INT_COL("order_no"), INT_COL("line_no"), TIME_COL("placed_at"), TEXT_COL("status"),
	INT_COL("seller_id"), TEXT_COL("seller_name"), TEXT_COL("customer_ref"), TEXT_COL("sku"),
	TEXT_COL("item_name"), INT_COL("qty"), INT_COL("cancelled_qty"), TEXT_COL("currency"),
	MONEY_COL("unit_price_minor"), MONEY_COL("line_total_minor"),
};

#define NCOLS(a) ((int)(sizeof a / sizeof a[0]))
const struct row_desc row_export_orders = {"orders", cols_orders, NCOLS(cols_orders), NULL,
					    "no orders in the period", NULL};
const struct row_desc row_export_orders_anon = {"orders", cols_orders_anon,
						 NCOLS(cols_orders_anon), NULL,
						 "no orders in the period", NULL};
const struct row_desc row_export_lines = {"lines", cols_lines, NCOLS(cols_lines), NULL,
					   "no order lines in the period", NULL};
const struct row_desc row_export_lines_anon = {"lines", cols_lines_anon, NCOLS(cols_lines_anon),
						NULL, "no order lines in the period", NULL};

/* --- options ------------------------------------------------------------------ */

struct export_opts {
	const char *from, *to;       /* YYYY-MM-DD, NULL: open */
	const char *seller;          /* digits, NULL: all */
	char status[24];             /* upper case, "": all */
	bool bom, quiet;
};

static const char *const statuses[] = {"PENDING", "CONFIRMED", "SHIPPED", "IN_TRANSIT",
	"OUT_FOR_DELIVERY", "DELIVERED", "DELIVERY_EXCEPTION", "CANCELLED"};

/* YYYY-MM-DD, digits where digits go (the server checks the calendar). */
static bool
is_date(const char *s)
{
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return false;
	return true;
}

static int
parse_opts(struct cli *c, int argc, char **argv, struct export_opts *o)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		bool takes = true;

		if (!strcmp(a, "--bom")) {
			o->bom = true;
			takes = false;
		} else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
			o->quiet = true;
			takes = false;
		} else if (!strcmp(a, "--from") || !strcmp(a, "--to")) {
			if (!v || !is_date(v))
				return cli_usage_error(c, cli_usage_export, "%s takes a date, YYYY-MM-DD", a);
			*(a[2] == 'f' ? &o->from : &o->to) = v;
		} else if (!strcmp(a, "--seller")) {
			if (!v || !*v || strspn(v, "0123456789") != strlen(v) || strlen(v) > 18)
				return cli_usage_error(c, cli_usage_export, "--seller takes a seller id");
			o->seller = v;
		} else if (!strcmp(a, "--status")) {
			size_t k, n = sizeof statuses / sizeof statuses[0];

			if (!v || strlen(v) >= sizeof o->status)
				return cli_usage_error(c, cli_usage_export, "--status takes an order status");
			for (k = 0; v[k]; k++)
				o->status[k] = (char)toupper((unsigned char)v[k]);
			o->status[k] = '\0';
			for (k = 0; k < n && strcmp(o->status, statuses[k]); k++)
				;
			if (k == n)
				return cli_usage_error(c, cli_usage_export,
						       "--status takes PENDING, CONFIRMED, SHIPPED, IN_TRANSIT, "
						       "OUT_FOR_DELIVERY, DELIVERED, DELIVERY_EXCEPTION or CANCELLED");
		} else {
			return cli_usage_error(c, cli_usage_export, "unknown option %s", a);
		}
		if (takes)
			i++;
	}
	if (o->from && o->to && strcmp(o->from, o->to) > 0)
		return cli_usage_error(c, cli_usage_export, "--from %s is after --to %s", o->from, o->to);
	return 0;
}

/* --- the statement ------------------------------------------------------------ */

struct export_stmt {
	char sql[4096];
	const char *params[4];
	int nparams;
};

/* The period, seller and status as WHERE clauses on the view aliased e
 * (placed_at in UTC calendar days, both ends included). */
static void
where_clause(const struct export_opts *o, struct export_stmt *st, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
#define ADD(...) (used += (size_t)snprintf(buf + used, used < len ? len - used : 0, __VA_ARGS__))
	if (o->from) {
		st->params[st->nparams++] = o->from;
		ADD(" AND e.placed_at >= ($%d::date)::timestamp AT TIME ZONE 'UTC'", st->nparams);
	}
	if (o->to) {
		st->params[st->nparams++] = o->to;
		ADD(" AND e.placed_at < ($%d::date + 1)::timestamp AT TIME ZONE 'UTC'", st->nparams);
	}
	if (o->seller) {
		st->params[st->nparams++] = o->seller;
		ADD(" AND e.seller_id = $%d::bigint", st->nparams);
	}
	if (o->status[0]) {
		st->params[st->nparams++] = o->status;
		ADD(" AND e.status = $%d", st->nparams);
	}
#undef ADD
}

static bool
build_stmt(const struct row_desc *d, const char *view, const char *order,
	   const struct export_opts *o, bool count, struct export_stmt *st)
{
	char list[2048], where[512];
	int n;

	st->nparams = 0;
	where_clause(o, st, where, sizeof where);
	if (count)
		n = snprintf(st->sql, sizeof st->sql, "SELECT count(*) FROM %s e WHERE true%s", view,
			     where);
	else if (!row_select_list(d, "e", list, sizeof list))
		return false;
	else
		n = snprintf(st->sql, sizeof st->sql, "SELECT %s FROM %s e WHERE true%s ORDER BY %s",
			     list, view, where, order);
	return n > 0 && (size_t)n < sizeof st->sql;
}

/* --- progress on stderr (a terminal only) ------------------------------------- */

struct progress {
	bool on;
	long total;                  /* -1: unknown */
	struct timespec start, first, last;   /* the query sent, its first row, the last update */
};

static double
since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

/* Shown every quarter of a second: the rows so far, the rate since the
 * first row came (the server's planning and sorting before it are not a
 * rate), and once there is enough to go by, the time left. */
static void
progress_show(struct progress *p, long rows, bool last)
{
	double el, rate;

	if (!p->on)
		return;
	if (!p->first.tv_sec && !p->first.tv_nsec) {
		clock_gettime(CLOCK_MONOTONIC, &p->first);
		p->last = p->first;
	}
	if (last) {
		fprintf(stderr, "\r\033[K%ld rows in %.1f s\n", rows, since(&p->start));
		return;
	}
	if (since(&p->last) < 0.25)
		return;
	clock_gettime(CLOCK_MONOTONIC, &p->last);
	el = since(&p->first);
	rate = el > 0 ? (double)rows / el : 0;
	if (p->total > 0 && rows >= 1000 && rate > 0)
		fprintf(stderr, "\r\033[K%ld of %ld rows (%ld%%), %.0f rows/s, about %.0f s left",
			rows, p->total, rows * 100 / p->total, rate,
			(double)(p->total > rows ? p->total - rows : 0) / rate);
	else
		fprintf(stderr, "\r\033[K%ld rows, %.0f rows/s", rows, rate);
	fflush(stderr);
}

/* --- running it ----------------------------------------------------------------- */

static void
export_sigint(int sig)
{
	(void)sig;
	db_stream_cancel_signal();
}

/* The report connection when [connection] report_conninfo names one, else
 * the command's own. *own: opened here, to be closed. */
static struct db *
export_db(struct cli *c, bool *own, struct oms_error *err)
{
	const char *ri = c->ctx->cfg ? config_get(c->ctx->cfg, "connection", "report_conninfo", NULL)
				     : NULL;

	*own = false;
	if (!ri || !*ri)
		return c->ctx->db;
	*own = true;
	return db_open(ri, err);
}

static int
export_run(struct cli *c, int argc, char **argv, bool lines)
{
	struct export_opts o = {0};
	struct export_stmt st;
	struct oms_error err = {0};
	struct progress prog = {.total = -1};
	struct sigaction sa = {.sa_handler = export_sigint}, old;
	const struct row_desc *d;
	const char *view;
	struct db *db;
	struct db_result *r;
	struct db_stream *s;
	const struct db_result *row;
	struct row_writer *w;
	bool own, anon;
	int rc, got;
	long n;

	if ((rc = parse_opts(c, argc, argv, &o)) != 0)
		return rc;
	if (c->fmt == ROW_FMT_TEXT)
		c->fmt = ROW_FMT_CSV;         /* an export has no text table */
	if (!(db = export_db(c, &own, &err)))
		return cli_fail(c, &err);
	/* analysts read the views without personal data */
	if (!(r = db_query(db, "SELECT oms.caller_role()", 0, NULL, &err))) {
		rc = cli_fail(c, &err);
		goto out;
	}
	anon = strcmp(db_get(r, 0, 0), "analyst") == 0;
	db_result_free(r);
	d = lines ? (anon ? &row_export_lines_anon : &row_export_lines)
		  : (anon ? &row_export_orders_anon : &row_export_orders);
	view = lines ? (anon ? "oms_report.export_lines" : "oms_api.export_lines")
		     : (anon ? "oms_report.export_orders" : "oms_api.export_orders");

	prog.on = !o.quiet && isatty(STDERR_FILENO);
	if (prog.on && build_stmt(d, view, "", &o, true, &st) &&
	    (r = db_query(db, st.sql, st.nparams, st.params, &err)) != NULL) {
		prog.total = atol(db_get(r, 0, 0));
		db_result_free(r);
	} else if (prog.on && err.status != OMS_OK) {
		rc = cli_fail(c, &err);
		goto out;
	}
	if (!build_stmt(d, view, lines ? "e.placed_at, e.order_no, e.line_no" : "e.placed_at, e.order_no",
			&o, false, &st)) {
		oms_fail(&err, OMS_NOMEM, "the statement is too long");
		rc = cli_fail(c, &err);
		goto out;
	}
	{
		/* larger writes than stdio's default 4 kB (stdout was only flushed so far) */
		static char outbuf[1 << 17];

		fflush(stdout);
		setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
	}
	if (!(w = row_writer_new(d, c->fmt, stdout))) {
		rc = EXIT_DB;
		goto out;
	}
	row_writer_set_bom(w, o.bom);
	clock_gettime(CLOCK_MONOTONIC, &prog.start);
	if (!(s = db_stream_open(db, st.sql, st.nparams, st.params, &err))) {
		row_writer_free(w);
		rc = cli_fail(c, &err);
		goto out;
	}
	/* Ctrl-C cancels the query: the server ends it (57014), we fail and
	 * -o's temporary file is removed */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old);
	while ((got = db_stream_next(s, &row, &err)) > 0) {
		if (row_writer_add(w, row, &err) != OMS_OK) {
			got = -1;
			break;
		}
		progress_show(&prog, row_writer_rows(w), false);
	}
	db_stream_close(s);
	sigaction(SIGINT, &old, NULL);
	if (got < 0) {
		fflush(stdout);
		if (prog.on)
			fputc('\n', stderr);
		row_writer_free(w);
		if (err.status == OMS_CANCELLED)
			oms_fail(&err, OMS_CANCELLED, "cancelled: nothing was exported");
		rc = cli_fail(c, &err);
		goto out;
	}
	n = row_writer_finish(w, 0);
	if (row_writer_status(w, &err) != OMS_OK) {
		row_writer_free(w);
		rc = cli_fail(c, &err);
		goto out;
	}
	row_writer_free(w);
	progress_show(&prog, n, true);
	if (n == 0 && !o.quiet)
		fprintf(stderr, "%s: %s\n", cli_progname(c), d->empty);
	rc = n > 0 ? EXIT_FOUND : EXIT_NOTFOUND;
out:
	if (own)
		db_close(db);
	return rc;
}

static int
export_orders(struct cli *c, int argc, char **argv)
{
	return export_run(c, argc, argv, false);
}

static int
export_lines(struct cli *c, int argc, char **argv)
{
	return export_run(c, argc, argv, true);
}

const struct cli_sub cli_subs_export[] = {
	{"orders", export_orders, true},
	{"lines", export_lines, true},
	{NULL, NULL, false},
};
