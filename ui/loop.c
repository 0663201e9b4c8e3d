#include "config.h"

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "db/db.h"
#include "loop.h"
#include "screens.h"
#include "views.h"

#include "loop_int.h"

enum { TAG_WHOAMI = 1 };
#define SPINNER_AFTER_MS 150
#define SPINNER_STEP_MS 100
/* After a query is sent, a pending redraw waits this long for its answer:
 * most answers come within a few ms, and drawing the "before" state in the
 * meantime only flickers and competes with the server for the CPU. */
#define DRAW_WAIT_MS 25
#define RESET_TIMEOUT_MS 10000

uint64_t
ui_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

bool
ui_online(const struct ui *ui)
{
	return ui->conn == UI_CONN_ONLINE;
}

bool
ui_busy_visible(const struct ui *ui)
{
	return ui->inflight && !ui->inflight->stale &&
	       ui->now >= ui->inflight->sent_at + SPINNER_AFTER_MS;
}

bool
ui_report_busy_visible(const struct ui *ui)
{
	const struct ui_rconn *rc = ui->report;

	return rc && rc->inflight && !rc->inflight->stale &&
	       ui->now >= rc->inflight->sent_at + SPINNER_AFTER_MS;
}

bool
ui_role_is(const struct ui *ui, const char *role)
{
	return ui->who_known && strcmp(ui->who.role, role) == 0;
}

/* --- queries ------------------------------------------------------------ */

void
ui_req_free(struct ui_req *r)
{
	app_stmt_free(&r->st);
	free(r);
}

static void
req_list_drop(struct ui_req **pp, struct view *v, int tag)
{
	while (*pp) {
		struct ui_req *r = *pp;
		if (r->owner == v && (tag < 0 || r->tag == tag)) {
			*pp = r->next;
			ui_req_free(r);
		} else {
			pp = &r->next;
		}
	}
}

void
ui_query_drop(struct ui *ui, struct view *v, int tag)
{
	struct ui_req **pp = &ui->queue;
	struct ui_rconn *rc = ui->report;

	if (rc) {
		req_list_drop(&rc->queue, v, tag);
		if (rc->inflight && rc->inflight->owner == v && (tag < 0 || rc->inflight->tag == tag) &&
		    !rc->inflight->stale) {
			rc->inflight->stale = true;
			rc->inflight->owner = NULL;
			db_cancel(rc->db);
		}
	}

	while (*pp) {
		struct ui_req *r = *pp;
		if (r->owner == v && (tag < 0 || r->tag == tag)) {
			*pp = r->next;
			ui_req_free(r);
		} else {
			pp = &r->next;
		}
	}
	if (ui->inflight && ui->inflight->owner == v && (tag < 0 || ui->inflight->tag == tag) &&
	    !ui->inflight->stale) {
		ui->inflight->stale = true;
		ui->inflight->owner = NULL;
		/* free the connection for the query that replaces it */
		db_cancel(ui->db);
	}
}

bool
ui_query_pending(const struct ui *ui, const struct view *v, int tag)
{
	const struct ui_rconn *rc = ui->report;

	for (const struct ui_req *r = ui->queue; r; r = r->next)
		if (r->owner == v && (tag < 0 || r->tag == tag))
			return true;
	if (rc) {
		for (const struct ui_req *r = rc->queue; r; r = r->next)
			if (r->owner == v && (tag < 0 || r->tag == tag))
				return true;
		if (rc->inflight && !rc->inflight->stale && rc->inflight->owner == v &&
		    (tag < 0 || rc->inflight->tag == tag))
			return true;
	}
	return ui->inflight && !ui->inflight->stale && ui->inflight->owner == v &&
	       (tag < 0 || ui->inflight->tag == tag);
}

unsigned
ui_query(struct ui *ui, struct view *v, int tag, struct app_stmt *st)
{
	return ui_query_on(ui, v, UI_TARGET_PRIMARY, tag, st);
}

unsigned
ui_query_on(struct ui *ui, struct view *v, enum ui_target t, int tag, struct app_stmt *st)
{
	struct ui_req *r, **pp;
	struct ui_rconn *rc = NULL;

	if (t == UI_TARGET_REPORT && !(rc = ui_rconn_get(ui))) {
		app_stmt_free(st);
		ui_message(ui, UI_EL_ERROR, "Out of memory.");
		return 0;
	}

	ui_query_drop(ui, v, tag);
	r = calloc(1, sizeof *r);
	if (!r) {
		app_stmt_free(st);
		ui_message(ui, UI_EL_ERROR, "Out of memory.");
		return 0;
	}
	r->owner = v;
	r->tag = tag;
	r->id = ++ui->next_req_id;
	/* a plain copy would share the heap copies of long values (a
	 * 10,000-character note) with the caller's statement: move them */
	app_stmt_move(&r->st, st);
	for (pp = rc ? &rc->queue : &ui->queue; *pp; pp = &(*pp)->next)
		;
	*pp = r;
	return r->id;
}

static void ui_conn_lost(struct ui *ui);

void
ui_apply(struct ui *ui, struct view *v, int flags)
{
	if (flags & UI_REDRAW)
		ui->redraw = true;
	if (flags & UI_RELAYOUT)
		ui->relayout = true;
	if (flags & UI_QUIT)
		ui->quit = true;
	if ((flags & UI_POP) && ui->depth > 1 && v && ui->stack[ui->depth - 1] == v) {
		ui->depth--;
		ui_query_drop(ui, v, -1);
		v->ops->close(v);
		ui->redraw = true;
		ui->relayout = true;
	}
}

bool
ui_send_next(struct ui *ui)
{
	struct oms_error err;
	bool sent = false;

	while (ui->conn == UI_CONN_ONLINE && !ui->inflight && ui->queue) {
		struct ui_req *r = ui->queue;

		ui->queue = r->next;
		r->next = NULL;
		oms_error_clear(&err);
		if (db_send(ui->db, r->st.sql, r->st.nparams, r->st.params, &err) != OMS_OK) {
			if (err.status == OMS_DB_GONE || !db_ok(ui->db)) {
				ui_req_free(r);
				ui_conn_lost(ui);
				return sent;
			}
			if (r->owner)
				ui_apply(ui, r->owner, r->owner->ops->result(r->owner, r->tag, NULL, &err));
			ui_req_free(r);
			continue;
		}
		r->sent_at = ui_now_ms();
		r->bench_sent = ui_bench_clock();
		ui->inflight = r;
		sent = true;
	}
	return sent;
}

/* After login, each role lands where its work is (ui/screens.h): the
 * lookup pushed at start gives way to the role's home, unless the person
 * already used it. */
static void
ui_go_home(struct ui *ui)
{
	enum ui_screen home = ui_screen_home(ui);
	struct view *root = ui->stack[0], *nv;
	char msg[sizeof ui->msg];
	enum ui_element el = ui->msg_el;
	uint64_t until = ui->msg_until;

	if (ui->depth != 1 || ui_view_screen(root) == home ||
	    ui_view_screen(root) != UI_SCREEN_LOOKUP || !view_lookup_untouched(root))
		return;
	nv = ui_screen_new(ui, home);
	if (!nv)
		return;
	ui_query_drop(ui, root, -1);
	root->ops->close(root);
	ui->depth = 0;
	snprintf(msg, sizeof msg, "%s", ui->msg);     /* a word about oms.conf stays */
	ui_push(ui, nv);
	if (msg[0] && !ui->msg[0]) {
		snprintf(ui->msg, sizeof ui->msg, "%s", msg);
		ui->msg_el = el;
		ui->msg_until = until;
	}
}

static void
ui_deliver(struct ui *ui, struct ui_req *r, struct db_result *res, const struct oms_error *err)
{
	if (r->stale)
		return;
	if (!r->owner) {
		if (r->tag == TAG_WHOAMI && res) {
			struct oms_error e;
			oms_error_clear(&e);
			if (whoami_parse(res, &ui->who, &e) == OMS_OK) {
				ui->who_known = true;
				if (!ui->home_done) {
					ui->home_done = true;
					ui_go_home(ui);
				}
				ui->relayout = true;
			}
		} else if (err) {
			ui_message_error(ui, err);
		}
		ui->redraw = true;
		return;
	}
	ui_bench_answering(r->bench_sent, r->bench_readable);   /* for ui_bench_after_draw */
	ui_apply(ui, r->owner, r->owner->ops->result(r->owner, r->tag, res, err));
	ui_keys_replay(ui);
}

/* Hands the oms_order notifications that arrived to the views (the
 * payload is the order number; sql/0003_audit_rules.sql). */
static void
ui_notifications(struct ui *ui)
{
	char channel[64], payload[64];

	if (!ui->listening)
		return;
	while (db_notification(ui->db, channel, sizeof channel, payload, sizeof payload)) {
		long long no;
		char *end;

		if (strcmp(channel, "oms_order") != 0)
			continue;
		no = strtoll(payload, &end, 10);
		if (end == payload || *end)
			continue;
		for (int i = 0; i < ui->depth; i++) {
			struct view *v = ui->stack[i];
			if (v->ops->order_changed)
				ui_apply(ui, v, v->ops->order_changed(v, no) & ~UI_POP);
		}
	}
}

static void
ui_listen(struct ui *ui)
{
	struct oms_error err;

	/* not through a transaction pooler: then the views poll instead */
	oms_error_clear(&err);
	ui->listening = db_ok(ui->db) && db_listen(ui->db, "oms_order", &err) == OMS_OK;
}

static void
ui_db_readable(struct ui *ui)
{
	struct db_result *res = NULL;
	struct oms_error err;
	enum db_poll_state st;

	oms_error_clear(&err);
	if (ui->inflight)
		ui->inflight->bench_readable = ui_bench_clock();
	st = db_poll(ui->db, &res, &err);
	if (!ui->inflight) {
		/* input while idle: a notice, a notification or a dying server */
		if (res)
			db_result_free(res);
		ui_notifications(ui);        /* reads the input, so no busy loop */
		if (st == DB_FAILED || !db_ok(ui->db))
			ui_conn_lost(ui);
		else if (!ui->listening)
			ui->idle_watch = false;
		return;
	}
	if (st == DB_DONE) {
		struct ui_req *r = ui->inflight;
		ui->inflight = NULL;
		ui_deliver(ui, r, res, NULL);
		if (res)
			db_result_free(res);
		ui_req_free(r);
		ui->idle_watch = true;
		ui->redraw = true;
		ui_notifications(ui);
	} else if (st == DB_FAILED) {
		struct ui_req *r = ui->inflight;
		if (err.status == OMS_DB_GONE || !db_ok(ui->db)) {
			ui_conn_lost(ui);
			return;
		}
		ui->inflight = NULL;
		if (r->user_cancelled)
			err.status = OMS_CANCELLED;
		ui_deliver(ui, r, NULL, &err);
		ui_req_free(r);
		ui->idle_watch = true;
		ui->redraw = true;
	}
}

/* --- connection --------------------------------------------------------- */

static void
ui_conn_lost(struct ui *ui)
{
	struct ui_req *r;

	if (ui->conn != UI_CONN_ONLINE)
		return;
	ui->conn = UI_CONN_WAIT;
	ui->attempt = 0;
	ui->retry_at = ui_now_ms();
	/* what was asked will be asked again by the views' refresh */
	if (ui->inflight) {
		if (ui->inflight->owner && !ui->inflight->stale) {
			struct oms_error err;
			oms_fail(&err, OMS_DB_GONE, "database connection lost");
			ui_apply(ui, ui->inflight->owner,
				 ui->inflight->owner->ops->result(ui->inflight->owner, ui->inflight->tag,
								  NULL, &err));
		}
		ui_req_free(ui->inflight);
		ui->inflight = NULL;
	}
	while ((r = ui->queue)) {
		ui->queue = r->next;
		ui_req_free(r);
	}
	ui->relayout = true;
	ui->redraw = true;
}

static void
ui_conn_retry_later(struct ui *ui)
{
	/* capped exponential backoff: 0.25 s, 0.5 s, 1 s, 2 s, then every 3 s */
	int ms = 250 << (ui->attempt < 4 ? ui->attempt : 4);

	if (ms > 3000)
		ms = 3000;
	ui->attempt++;
	ui->conn = UI_CONN_WAIT;
	ui->retry_at = ui_now_ms() + (uint64_t)ms;
	ui->redraw = true;
}

static void
ui_whoami(struct ui *ui)
{
	struct app_stmt st;

	whoami_stmt(&st);
	ui_query(ui, NULL, TAG_WHOAMI, &st);
}

static void
ui_conn_restored(struct ui *ui)
{
	ui->conn = UI_CONN_ONLINE;
	ui->attempt = 0;
	ui->idle_watch = true;
	ui->relayout = true;
	if (ui->interrupted[0]) {
		ui_message(ui, UI_EL_WARNING, "Reconnected. %s was cut off, not confirmed: "
			   "Enter tries again.", ui->interrupted);
		ui->interrupted[0] = '\0';
	} else {
		ui_message(ui, UI_EL_OK, "Reconnected to the database.");
	}
	ui_listen(ui);                   /* (db re-issued it if it had one) */
	ui_whoami(ui);
	for (int i = 0; i < ui->depth; i++) {
		struct view *v = ui->stack[i];
		if (v->ops->reload)
			ui_apply(ui, v, v->ops->reload(v) & ~UI_POP);
	}
}

static void
ui_conn_step(struct ui *ui)
{
	struct oms_error err;
	enum db_poll_state st;

	oms_error_clear(&err);
	if (ui->conn == UI_CONN_WAIT) {
		if (db_reset_start(ui->db, &err) != OMS_OK) {
			ui_conn_retry_later(ui);
			return;
		}
		ui->conn = UI_CONN_RESETTING;
		ui->reset_started = ui_now_ms();
		ui->reset_want_write = true;
		return;
	}
	st = db_reset_poll(ui->db, &ui->reset_want_write, &err);
	if (st == DB_DONE)
		ui_conn_restored(ui);
	else if (st == DB_FAILED)
		ui_conn_retry_later(ui);
}

/* --- views -------------------------------------------------------------- */

void
ui_push(struct ui *ui, struct view *v)
{
	if (ui->depth == UI_STACK_MAX) {
		ui_message(ui, UI_EL_ERROR, "Too many screens open; go back first.");
		v->ops->close(v);
		return;
	}
	v->ui = ui;
	ui->msg[0] = '\0';        /* a message about the screen below is stale now */
	ui->stack[ui->depth++] = v;
	ui->relayout = true;
	ui->redraw = true;
	if (v->ops->open)
		ui_apply(ui, v, v->ops->open(v));
	/* keys typed before its first answer wait for it (ui/keys_in.c) */
	v->loading_since = ui->depth && ui->stack[ui->depth - 1] == v &&
			   ui_query_pending(ui, v, -1) ? ui_now_ms() : 0;
}

void
ui_pop_top(struct ui *ui)
{
	if (ui->depth > 1)
		ui_apply(ui, ui->stack[ui->depth - 1], UI_POP);
}

void
ui_pop_to_root(struct ui *ui)
{
	while (ui->depth > 1)
		ui_apply(ui, ui->stack[ui->depth - 1], UI_POP);
}

void
ui_timer(struct view *v, int ms)
{
	v->timer_at = ms > 0 ? ui_now_ms() + (uint64_t)ms : 0;
}

struct ui_rect
ui_content_rect(const struct ui *ui)
{
	struct ui_rect r = { 1, 0, ui->lines - 2, ui->cols };

	if (!ui_online(ui)) {
		r.y++;
		r.h--;
	}
	if (r.h < 1)
		r.h = 1;
	return r;
}

static void
ui_layout(struct ui *ui)
{
	struct winsize ws;
	struct ui_rect r;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0 &&
	    (ws.ws_row != LINES || ws.ws_col != COLS))
		resizeterm(ws.ws_row, ws.ws_col);
	ui->lines = LINES;
	ui->cols = COLS;
	r = ui_content_rect(ui);
	for (int i = 0; i < ui->depth; i++) {
		struct view *v = ui->stack[i];
		v->rect = r;
		if (v->ops->resize)
			ui_apply(ui, v, v->ops->resize(v, r) & ~UI_POP);
	}
	ui->relayout = false;
	ui->redraw = true;
}

static void
ui_draw_views(struct ui *ui, int idx, struct ui_rect r)
{
	struct view *v = ui->stack[idx];

	if (v->ops->dialog && idx > 0)
		ui_draw_views(ui, idx - 1, r);
	v->rect = r;
	v->ops->draw(v, r);
}

static void
ui_draw(struct ui *ui)
{
	ui->redraw = false;
	ui->cursor_y = ui->cursor_x = -1;
	erase();
	if (ui->cols < 30 || ui->lines < 8) {
		mvaddstr(0, 0, "Terminal too small");
		refresh();
		return;
	}
	ui_draw_title(ui);
	if (!ui_online(ui))
		ui_draw_banner(ui, 1);
	ui_draw_views(ui, ui->depth - 1, ui_content_rect(ui));
	ui_draw_status(ui);
	if (ui->cursor_y >= 0) {
		curs_set(1);
		move(ui->cursor_y, ui->cursor_x);
	} else {
		curs_set(0);
		move(ui->lines - 1, ui->cols - 1);
	}
	refresh();
	ui_bench_drawn(ui->who_known);       /* the screen is out: log timings */
}

/* --- the loop ----------------------------------------------------------- */

static int
ui_timeout(struct ui *ui)
{
	uint64_t next = ui->now + 60000;

	for (int i = 0; i < ui->depth; i++)
		if (ui->stack[i]->timer_at && ui->stack[i]->timer_at < next)
			next = ui->stack[i]->timer_at;
	if ((ui->inflight || (ui->report && ui->report->inflight)) && ui->now + SPINNER_STEP_MS < next)
		next = ui->now + SPINNER_STEP_MS;
	if (ui->redraw && ui->inflight && ui->draw_after < next)
		next = ui->draw_after;
	if (ui->msg[0] && ui->msg_until > ui->now && ui->msg_until < next)
		next = ui->msg_until;
	if (ui->conn == UI_CONN_WAIT) {
		/* the banner counts down each second */
		uint64_t t = ui->retry_at < ui->now + 1000 ? ui->retry_at : ui->now + 1000;
		if (t < next)
			next = t;
	}
	if (ui->conn == UI_CONN_RESETTING && ui->now + 1000 < next)
		next = ui->now + 1000;
	if (ui->nheld && ui->now + SPINNER_STEP_MS < next)
		next = ui->now + SPINNER_STEP_MS;     /* held keys: see when the hold ends */
	return next <= ui->now ? 0 : (int)(next - ui->now);
}

static void
ui_signals_read(struct ui *ui)
{
	char buf[64];
	ssize_t n;

	while ((n = read(ui->sigfd[0], buf, sizeof buf)) > 0)
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] == 'w')
				ui->relayout = true;
			else if (buf[i] == 'i')
				ui_apply(ui, NULL, ui_interrupt(ui));   /* SIGINT: as Ctrl-C */
			else if (buf[i] == 'q')
				ui->quit = true;
		}
}

void
ui_loop(struct ui *ui)
{
	ui_listen(ui);
	ui_whoami(ui);
	if (!db_ok(ui->db)) {
		ui->conn = UI_CONN_ONLINE;
		ui_conn_lost(ui);
	}
	ui_layout(ui);
	while (!ui->quit) {
		struct pollfd fds[4];
		int nfds = 0, dbi = -1, rci = -1, timeout, sock;
		bool was_busy = ui_busy_visible(ui) || ui_report_busy_visible(ui);
		struct ui_rconn *rc = ui->report;

		ui->now = ui_now_ms();
		for (int i = ui->depth - 1; i >= 0 && i < ui->depth; i--) {
			struct view *v = ui->stack[i];
			if (v->timer_at && v->timer_at <= ui->now) {
				v->timer_at = 0;
				if (v->ops->tick)
					ui_apply(ui, v, v->ops->tick(v));
			}
		}
		if (ui->nheld)
			ui_keys_replay(ui);    /* answers from the report connection, a hold's end */
		if (ui->conn == UI_CONN_WAIT && ui->now >= ui->retry_at)
			ui_conn_step(ui);
		if (ui->conn == UI_CONN_RESETTING && ui->now > ui->reset_started + RESET_TIMEOUT_MS)
			ui_conn_retry_later(ui);
		if (ui_send_next(ui))
			ui->draw_after = ui->now + DRAW_WAIT_MS;
		ui_rconn_step(ui);
		if (ui->quit)
			break;
		if (ui->msg[0] && ui->now >= ui->msg_until) {
			ui->msg[0] = '\0';
			ui->redraw = true;
		}
		if (ui->conn != UI_CONN_ONLINE)
			ui->redraw = true;            /* the banner's countdown */
		if (ui_busy_visible(ui) || ui_report_busy_visible(ui)) {
			ui->spin++;
			ui->redraw = true;
		} else if (was_busy) {
			ui->redraw = true;
		}
		if (ui->relayout)
			ui_layout(ui);
		if (ui->redraw && (!ui->inflight || ui->now >= ui->draw_after))
			ui_draw(ui);

		fds[nfds].fd = STDIN_FILENO;
		fds[nfds++].events = POLLIN;
		fds[nfds].fd = ui->sigfd[0];
		fds[nfds++].events = POLLIN;
		sock = db_socket(ui->db);
		if (sock >= 0 && ui->conn == UI_CONN_RESETTING) {
			dbi = nfds;
			fds[nfds].fd = sock;
			fds[nfds++].events = ui->reset_want_write ? POLLOUT : POLLIN;
		} else if (sock >= 0 && ui->conn == UI_CONN_ONLINE && (ui->inflight || ui->idle_watch)) {
			dbi = nfds;
			fds[nfds].fd = sock;
			fds[nfds++].events = POLLIN;
		} else if (sock < 0 && ui->conn == UI_CONN_ONLINE) {
			ui_conn_lost(ui);
			continue;
		}
		if (rc && rc->state == RC_OPENING) {
			rci = nfds;
			fds[nfds].fd = rc->pipe[0];
			fds[nfds++].events = POLLIN;
		} else if (rc && rc->state == RC_ONLINE && rc->inflight && db_socket(rc->db) >= 0) {
			rci = nfds;
			fds[nfds].fd = db_socket(rc->db);
			fds[nfds++].events = POLLIN;
		}
		timeout = ui_timeout(ui);
		if (poll(fds, (nfds_t)nfds, timeout) < 0) {
			if (errno != EINTR)
				break;
			continue;
		}
		ui->now = ui_now_ms();
		if (fds[0].revents & (POLLHUP | POLLERR | POLLNVAL)) {
			/* the terminal hung up: a hung-up tty also reports POLLIN
			 * (reads return 0), so this is checked before the keys or
			 * the loop would spin on reads that give nothing */
			ui->hangup = true;
			ui->quit = true;
			break;
		}
		if (fds[1].revents)
			ui_signals_read(ui);
		if (dbi >= 0 && fds[dbi].revents) {
			if (ui->conn == UI_CONN_RESETTING)
				ui_conn_step(ui);
			else
				ui_db_readable(ui);
		}
		if (rci >= 0 && fds[rci].revents) {
			if (rc->state == RC_OPENING)
				ui_rconn_opened(ui, rc);
			else
				ui_rconn_readable(ui);
		}
		if (fds[0].revents & POLLIN)
			ui_read_keys(ui);
	}
	ui_query_drop(ui, NULL, -1);
	while (ui->queue) {
		struct ui_req *r = ui->queue;
		ui->queue = r->next;
		ui_req_free(r);
	}
	while (ui->depth > 0) {
		struct view *v = ui->stack[--ui->depth];
		ui_query_drop(ui, v, -1);
		v->ops->close(v);
	}
	if (ui->inflight) {
		/* do not leave the server working for nobody */
		db_cancel(ui->db);
		ui_req_free(ui->inflight);
		ui->inflight = NULL;
	}
	ui_rconn_free(ui);
}
