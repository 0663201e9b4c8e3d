/* The terminal client's state, its view stack and the services the event
 * loop offers to views.
 *
 * A view is a value of struct view_ops plus its own state (struct view is
 * embedded as the first member). Views never redraw or block: their handlers
 * return UI_* flags and the loop owns drawing, resizing, the database
 * connections and timers. Queries go through ui_query() (the primary
 * connection) or ui_query_on() with a target: the report connection
 * ([connection] report_conninfo, a replica, else a second connection to
 * the primary, opened in the background on first use) has its own queue,
 * spinner and Esc-cancel, so a slow report never holds up the primary.
 * Each connection runs one query at a time; results come back through
 * view_ops.result with the tag the view chose. */
#ifndef OMS_UI_UI_H
#define OMS_UI_UI_H

#include <stdbool.h>
#include <stdint.h>

#include "actions.h"
#include "keymap.h"
#include "theme.h"
#include "width.h"
#include "app/app.h"

struct oms_ctx;
struct db;
struct db_result;
struct ui;
struct view;

/* What a handler asks the loop to do. */
enum {
	UI_UNHANDLED = 0,
	UI_HANDLED   = 1 << 0,
	UI_REDRAW    = 1 << 1,     /* redraw the screen */
	UI_RELAYOUT  = 1 << 2,     /* call resize on the views, then redraw */
	UI_POP       = 1 << 3,     /* close this view */
	UI_QUIT      = 1 << 4,
};

struct ui_rect {
	int y, x, h, w;
};

struct view_ops {
	const char *name;          /* for the title bar */
	int screen;                /* enum ui_screen (ui/screens.h) */
	bool dialog;               /* drawn over the view below it */
	/* Starts the view (first queries); returns flags. */
	int (*open)(struct view *v);
	void (*close)(struct view *v);            /* frees the view */
	void (*draw)(struct view *v, struct ui_rect r);
	/* key: the ui key code; action: what the keymap binds it to (or 0). */
	int (*key)(struct view *v, int key, int action);
	int (*resize)(struct view *v, struct ui_rect r);
	/* Reload everything from the database (after a reconnect, C-r). */
	int (*reload)(struct view *v);
	/* The answer to a query sent with ui_query (res NULL on error; the
	 * view does not free res: the loop does after the call). */
	int (*result)(struct view *v, int tag, struct db_result *res,
		      const struct oms_error *err);
	int (*tick)(struct view *v);              /* a timer set with ui_timer fired */
	/* A notification on channel oms_order: payload is an order number
	 * that changed (may be NULL: the view then polls). */
	int (*order_changed)(struct view *v, long long order_no);
	/* The actions worth showing in the status bar, most useful first. */
	int (*hints)(struct view *v, int *actions, int max);
	/* Text pasted into the terminal (bracketed paste), whole: it goes into
	 * the view's text field and never acts as keys. NULL: the loop types
	 * its printable characters as keys with no action. */
	int (*paste)(struct view *v, const char *text);
	/* Title shown after the view name ("10000012"), may be NULL. */
	const char *(*title)(struct view *v, char *buf, size_t len);
	/* True while keys go into a text field (the status bar then names
	 * keys that are not text: "F1 help", not "? help"). May be NULL. */
	bool (*typing)(struct view *v);
	/* True while a field holds text the person typed that closing would
	 * lose (Ctrl-C and quitting ask first). May be NULL. */
	bool (*unsaved)(struct view *v);
};

struct view {
	const struct view_ops *ops;
	struct ui *ui;
	uint64_t timer_at;         /* monotonic ms, 0 = no timer */
	struct ui_rect rect;       /* the area it last drew in */
	bool dialog_keys;          /* a prompt is open: the dialog scope's keys apply */
	uint64_t loading_since;    /* opened and still loading: keys wait (ui/keys_in.c) */
};

struct ui_req;
struct ui_rconn;

/* Where a query runs. */
enum ui_target { UI_TARGET_PRIMARY, UI_TARGET_REPORT };

enum ui_conn_state { UI_CONN_ONLINE, UI_CONN_WAIT, UI_CONN_RESETTING };

#define UI_STACK_MAX 16
struct ui {
	struct oms_ctx *ctx;
	struct db *db;
	struct ui_keymap km;
	bool ascii;                /* --plain or a non-UTF-8 terminal: ASCII decoration */
	bool plain;                /* --plain: also mark the selection with '>' */
	bool color;
	bool copy;                 /* y copies with OSC 52 ([ui] copy, default yes) */
	char default_cc[8];        /* default country calling code for phones */

	struct view *stack[UI_STACK_MAX];
	int depth;

	struct app_whoami who;
	bool who_known;
	bool home_done;            /* the role's home replaced the first lookup */

	/* the report connection (ui/loop.c), NULL until first used */
	struct ui_rconn *report;
	const char *report_conninfo;   /* report_conninfo, else the primary's (NULL: libpq env) */

	/* queries: a FIFO, one in flight */
	struct ui_req *queue;
	struct ui_req *inflight;
	unsigned next_req_id;

	/* connection */
	enum ui_conn_state conn;
	int attempt;
	uint64_t retry_at, reset_started;
	bool reset_want_write;
	bool idle_watch;           /* watch the idle socket for a dead server */
	bool listening;            /* LISTEN oms_order works on this connection */
	char interrupted[48];      /* the change the lost connection cut off, "" none */

	/* a bracketed paste being read (ESC [200~ ... ESC [201~, ui/loop.c) */
	bool pasting;
	char *paste;
	size_t paste_len, paste_cap;

	/* a question in the status line (ui/keys_in.c): the next key answers */
	enum { UI_ASK_NONE, UI_ASK_QUIT, UI_ASK_CLOSE } ask;
	/* keys typed while the screen they are for was still loading (the
	 * cancel dialog opened by x, then Space), replayed in order */
	int held[512];
	int nheld;
	bool replaying;

	/* status line; the last 50 messages for the message history */
	unsigned msg_seq;           /* counts ui_message calls */
	struct ui_msg_past {
		char text[256];
		enum ui_element el;
		long long at;           /* time(NULL) when shown */
	} msg_past[50];
	int msg_past_n, msg_past_next;
	char msg[256];
	enum ui_element msg_el;
	uint64_t msg_until;
	int spin;

	/* screen */
	int lines, cols;
	int cursor_y, cursor_x;    /* where a view wants the cursor, -1 none */
	bool redraw, relayout, quit;
	uint64_t draw_after;        /* a redraw waits until then for the answer just asked */
	bool hangup;               /* the terminal went away: do not draw on it */
	int sigfd[2];
	uint64_t now;
};

/* --- services for views (ui/loop.c) ---------------------------------- */
uint64_t ui_now_ms(void);
/* Pushes a view and opens it; on failure closes it and shows why. */
void ui_push(struct ui *ui, struct view *v);
/* Queues a query for view v; a query with the same tag from the same view
 * that is waiting or running is dropped first (its answer is stale).
 * The statement is moved into the queue (app_stmt_move: its heap-owned
 * long values go along, and are freed with the request): st is left empty.
 * Returns the request id (0: out of memory; st is then freed). */
unsigned ui_query(struct ui *ui, struct view *v, int tag, struct app_stmt *st);
/* The same on a connection target; the answer comes back the same way (an
 * error OMS_DB when the report connection cannot be opened). */
unsigned ui_query_on(struct ui *ui, struct view *v, enum ui_target t, int tag,
		     struct app_stmt *st);
/* Drops v's waiting or running queries with that tag (-1: all of them). */
void ui_query_drop(struct ui *ui, struct view *v, int tag);
bool ui_query_pending(const struct ui *ui, const struct view *v, int tag);
/* Calls v->ops->tick once after ms milliseconds (0: cancel). */
void ui_timer(struct view *v, int ms);
/* A message in the status line for a few seconds. */
void ui_message(struct ui *ui, enum ui_element el, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The n-th message shown before (0: the newest), NULL past the last. */
const struct ui_msg_past *ui_message_past(const struct ui *ui, int n);
/* Shows an error from a query in the status line, worded for the user. */
void ui_message_error(struct ui *ui, const struct oms_error *err);
/* The words for the CSR of a rollback (OMS_RETRY: "Another session is
 * changing this order; nothing was done. Enter tries again.") and of a
 * read-only server; oms_status_message for the other codes. */
const char *ui_status_words(enum oms_status st);
/* A view's change was cut off by the lost connection ("The cancellation"):
 * the reconnect message says it was not confirmed and that Enter tries
 * again (every change oms sends is safe to send twice). */
void ui_note_interrupted(struct ui *ui, const char *what);
bool ui_online(const struct ui *ui);
/* A query has been running long enough (150 ms) to show the spinner. */
bool ui_busy_visible(const struct ui *ui);
/* The same for the report connection. */
bool ui_report_busy_visible(const struct ui *ui);
/* Role checks for what to offer ("csr", "admin" ...). */
bool ui_role_is(const struct ui *ui, const char *role);
/* Goes back to the screen at the bottom of the stack (the role's home). */
void ui_pop_to_root(struct ui *ui);
/* Closes the view on top (not the last one). */
void ui_pop_top(struct ui *ui);
/* Ctrl-C: in a dialog or prompt, closes it (asking first when typed
 * text would be lost); elsewhere asks "Quit oms? y/n". Never quits at
 * once. (ui/keys_in.c) */
int ui_interrupt(struct ui *ui);
/* Asks "Quit oms? y/n" (saying so when typed text would be lost). */
int ui_ask_quit(struct ui *ui);
/* The question being asked in the status line, "" none. */
const char *ui_question(const struct ui *ui);
/* Keys held while a screen loaded: acts on them once it has. */
void ui_keys_replay(struct ui *ui);
/* A view asked for what the next keys are about (the next page of its
 * list): keys typed meanwhile wait for the answer. */
void ui_hold_keys(struct view *v);

/* False, having said why on stderr, when the terminal cannot be drawn on
 * (TERM=dumb, no cursor addressing, no terminfo entry): oms then exits 2.
 * (ui/term_check.c) */
bool ui_terminal_can_draw(const char *progname);

/* --- drawing helpers (ui/statusbar.c) ------------------------------------ */
/* Draws text at (y, x) cut or padded to exactly w columns. */
void ui_draw_text(int y, int x, int w, enum ui_element el, const char *text);
/* Draws text word-wrapped in w columns (display width) from row y, at most
 * max rows, the last one taking the rest (cut with …); returns the rows
 * used. */
int ui_draw_wrapped(int y, int x, int w, int max, enum ui_element el, const char *text);
void ui_draw_line(int y, int x, int w, enum ui_element el, const struct ui_line *l);
/* A section heading: "── Lines ───" (ASCII: "Lines:"). */
void ui_draw_section(struct ui *ui, int y, int x, int w, const char *title);
void ui_draw_title(struct ui *ui);
void ui_draw_banner(struct ui *ui, int y);
void ui_draw_status(struct ui *ui);
/* "YYYY-MM-DD HH:MM" from a JSON/SQL timestamp; "" for NULL. */
void ui_fmt_time(const char *ts, char *buf, size_t len);
void ui_fmt_date(const char *ts, char *buf, size_t len);
/* The '─' or '-' used for rules. */
const char *ui_hline(const struct ui *ui);

#endif
