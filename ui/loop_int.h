/* The event loop's insides, shared by loop.c, rconn.c (the report
 * connection) and keys_in.c (keys and paste). Not for views: they use
 * loop.h. */
#ifndef OMS_UI_LOOP_INT_H
#define OMS_UI_LOOP_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"
#include "loop.h"

/* A query waits in ui->queue until the connection is free. */
struct ui_req {
	struct ui_req *next;
	struct view *owner;        /* NULL: the loop's own (whoami) */
	int tag;
	unsigned id;
	bool stale;                /* nobody wants the answer any more */
	bool user_cancelled;
	uint64_t sent_at;
	uint64_t bench_sent;        /* ui_bench_clock() when sent; 0: not timing */
	uint64_t bench_readable;    /* ... when the socket had the answer's end */
	struct app_stmt st;
};

/* The report connection: opened by a thread on first use (a blocking
 * connect to a replica far away must not freeze the screen), then used
 * like the primary, one query at a time from its own queue. A lost
 * connection is closed; the next report query opens it again. */
struct ui_rconn {
	enum { RC_CLOSED, RC_OPENING, RC_ONLINE } state;
	struct db *db;
	struct ui_req *queue, *inflight;
	pthread_t th;
	int pipe[2];                /* the thread writes a byte when done */
	char *conninfo;
	struct db *opened;          /* the thread's result ... */
	struct oms_error open_err;  /* ... or why not */
};

void ui_req_free(struct ui_req *r);
/* Applies what a view's handler returned (redraw, relayout, quit, pop). */
void ui_apply(struct ui *ui, struct view *v, int flags);
/* Sends the next waiting query when the connection is free; true when
 * one was sent. */
bool ui_send_next(struct ui *ui);
/* Reads and acts on every key (and paste) the terminal has ready. */
void ui_read_keys(struct ui *ui);

struct ui_rconn *ui_rconn_get(struct ui *ui);
/* Opens the connection when a query waits for it, and sends the next. */
void ui_rconn_step(struct ui *ui);
void ui_rconn_opened(struct ui *ui, struct ui_rconn *rc);
void ui_rconn_readable(struct ui *ui);
void ui_rconn_free(struct ui *ui);

#endif
