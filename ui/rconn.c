/* The report connection (issue 9, "a second connection"): reports and
 * exports run here so they never stall a CSR's screen. Opened by a thread
 * on first use (report_conninfo, or a second connection to the primary),
 * then used like the primary, one query at a time from its own queue; a
 * lost connection is closed and opened again by the next report query.
 * The loop (loop.c) calls ui_rconn_step, _opened, _readable and _free. */
#include "config.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/db.h"
#include "loop_int.h"
#include "views.h"

struct ui_rconn *
ui_rconn_get(struct ui *ui)
{
	struct ui_rconn *rc = ui->report;

	if (rc)
		return rc;
	rc = calloc(1, sizeof *rc);
	if (!rc)
		return NULL;
	rc->pipe[0] = rc->pipe[1] = -1;
	ui->report = rc;
	return rc;
}

static void *
rconn_thread(void *arg)
{
	struct ui_rconn *rc = arg;
	char c = 'o';

	oms_error_clear(&rc->open_err);
	rc->opened = db_open(rc->conninfo, &rc->open_err);
	(void)!write(rc->pipe[1], &c, 1);
	return NULL;
}

static void
rconn_start(struct ui *ui, struct ui_rconn *rc)
{
	free(rc->conninfo);
	rc->conninfo = ui->report_conninfo ? strdup(ui->report_conninfo) : NULL;
	if (rc->pipe[0] < 0 && pipe(rc->pipe) != 0) {
		rc->pipe[0] = rc->pipe[1] = -1;
		return;
	}
	fcntl(rc->pipe[0], F_SETFL, fcntl(rc->pipe[0], F_GETFL) | O_NONBLOCK);
	if (pthread_create(&rc->th, NULL, rconn_thread, rc) != 0)
		return;
	rc->state = RC_OPENING;
}

/* Every waiting report query gets err (the connection could not be made). */
static void
rconn_fail_queue(struct ui *ui, struct ui_rconn *rc, const struct oms_error *err)
{
	struct ui_req *r;

	while ((r = rc->queue)) {
		rc->queue = r->next;
		if (r->owner && !r->stale)
			ui_apply(ui, r->owner, r->owner->ops->result(r->owner, r->tag, NULL, err));
		ui_req_free(r);
	}
}

void
ui_rconn_opened(struct ui *ui, struct ui_rconn *rc)
{
	char buf[8];

	while (read(rc->pipe[0], buf, sizeof buf) > 0)
		;
	pthread_join(rc->th, NULL);
	rc->db = rc->opened;
	rc->opened = NULL;
	if (rc->db) {
		rc->state = RC_ONLINE;
		return;
	}
	rc->state = RC_CLOSED;
	rc->open_err.status = OMS_DB;        /* worded as a database error, not a lost primary */
	rconn_fail_queue(ui, rc, &rc->open_err);
	ui->redraw = true;
}

static void
rconn_lost(struct ui *ui, struct ui_rconn *rc)
{
	struct oms_error err;
	struct ui_req *r = rc->inflight;

	rc->inflight = NULL;
	db_close(rc->db);
	rc->db = NULL;
	rc->state = RC_CLOSED;
	oms_fail(&err, OMS_DB, "the report connection was lost");
	if (r && r->owner && !r->stale)
		ui_apply(ui, r->owner, r->owner->ops->result(r->owner, r->tag, NULL, &err));
	ui_req_free(r);
	ui->redraw = true;
}

/* Opens the connection when a query waits for it, and sends the next. */
void
ui_rconn_step(struct ui *ui)
{
	struct ui_rconn *rc = ui->report;
	struct oms_error err;

	if (!rc || !rc->queue)
		return;
	if (rc->state == RC_CLOSED)
		rconn_start(ui, rc);
	while (rc->state == RC_ONLINE && !rc->inflight && rc->queue) {
		struct ui_req *r = rc->queue;

		rc->queue = r->next;
		r->next = NULL;
		oms_error_clear(&err);
		if (db_send(rc->db, r->st.sql, r->st.nparams, r->st.params, &err) != OMS_OK) {
			if (err.status == OMS_DB_GONE || !db_ok(rc->db)) {
				rc->inflight = r;
				rconn_lost(ui, rc);
				return;
			}
			if (r->owner)
				ui_apply(ui, r->owner, r->owner->ops->result(r->owner, r->tag, NULL, &err));
			ui_req_free(r);
			continue;
		}
		r->sent_at = ui_now_ms();
		rc->inflight = r;
	}
}

void
ui_rconn_readable(struct ui *ui)
{
	struct ui_rconn *rc = ui->report;
	struct db_result *res = NULL;
	struct oms_error err;
	enum db_poll_state st;
	struct ui_req *r = rc->inflight;

	oms_error_clear(&err);
	st = db_poll(rc->db, &res, &err);
	if (!r) {
		if (res)
			db_result_free(res);
		if (st == DB_FAILED || !db_ok(rc->db))
			rconn_lost(ui, rc);
		return;
	}
	if (st == DB_DONE) {
		rc->inflight = NULL;
		if (!r->stale && r->owner)
			ui_apply(ui, r->owner, r->owner->ops->result(r->owner, r->tag, res, NULL));
		if (res)
			db_result_free(res);
		ui_req_free(r);
		ui->redraw = true;
	} else if (st == DB_FAILED) {
		if (err.status == OMS_DB_GONE || !db_ok(rc->db)) {
			rconn_lost(ui, rc);
			return;
		}
		rc->inflight = NULL;
		if (r->user_cancelled)
			err.status = OMS_CANCELLED;
		if (!r->stale && r->owner)
			ui_apply(ui, r->owner, r->owner->ops->result(r->owner, r->tag, NULL, &err));
		ui_req_free(r);
		ui->redraw = true;
	}
}

void
ui_rconn_free(struct ui *ui)
{
	struct ui_rconn *rc = ui->report;

	if (!rc)
		return;
	while (rc->queue) {
		struct ui_req *r = rc->queue;
		rc->queue = r->next;
		ui_req_free(r);
	}
	if (rc->inflight) {
		db_cancel(rc->db);          /* do not leave the server working for nobody */
		ui_req_free(rc->inflight);
	}
	db_close(rc->db);
	if (rc->state == RC_OPENING) {
		/* still connecting: let the thread finish alone (its pipe stays open) */
		pthread_detach(rc->th);
		return;
	}
	if (rc->pipe[0] >= 0) {
		close(rc->pipe[0]);
		close(rc->pipe[1]);
	}
	free(rc->conninfo);
	free(rc);
	ui->report = NULL;
}

