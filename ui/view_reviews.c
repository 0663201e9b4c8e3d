/* The shipment review list (issue 11): the parcels the stuck sweep, a
 * delivery exception, a return, a cancelled or failing tracker or a lost
 * parcel put there (oms_api.shipment_reviews), oldest first, with how
 * long each has been silent. Nobody is mailed by the list: a person
 * decides (contact the carrier, reship, refund, wait, resolved) and the
 * decision is recorded with a note (oms_api.review_decide). CSRs and
 * administrators see every review and decide; fulfilment staff see their
 * own seller's exceptions, returns and lost parcels (the "ticket for the
 * seller" until tickets exist) and do not decide.
 *
 * S opens it from anywhere; Enter opens the order; d decides; a shows the
 * decided reviews too (and back); e exports the list as shown. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "export.h"
#include "form.h"
#include "frame.h"
#include "input.h"
#include "list.h"
#include "screens.h"
#include "views.h"

#define REVIEWS_MAX 1000

enum { TAG_LIST = 1, TAG_DECIDE };

struct rrow {
	long long review_id, order_no;
	char reason[16], carrier[24], tracking[48], opened[32], decision[24];
	int silent_h;
};

struct reviews_view {
	struct view v;
	struct rrow *rows;
	int nrows;
	bool loaded, all;
	struct ui_list list;
};

static struct reviews_view *
rv(struct view *v)
{
	return (struct reviews_view *)v;
}

static void
reviews_stmt(const struct reviews_view *r, bool screen, struct app_stmt *st)
{
	static const char screen_sql[] =
		"SELECT x.review_id, x.order_no, x.reason, coalesce(x.carrier, ''), coalesce(x.tracking_no, ''), "
		"to_json(x.opened_at) #>> '{}', coalesce(x.silent_hours, 0), coalesce(x.decision, '') "
		"FROM oms_api.shipment_reviews($1::boolean) x LIMIT 1000";
	static const char export_sql[] =
		"SELECT x.review_id, x.order_no, x.order_status, x.carrier, x.service_level, x.tracking_no, "
		"x.shipment_status, x.reason, x.last_scan_at, x.silent_hours, x.opened_at, x.decision, "
		"x.decided_by, x.decided_at, x.note FROM oms_api.shipment_reviews($1::boolean) x";

	app_stmt_init(st, screen ? screen_sql : export_sql);
	app_stmt_text(st, r->all ? "false" : "true");
}

static void
reviews_send(struct reviews_view *r)
{
	struct app_stmt st;

	reviews_stmt(r, true, &st);
	ui_query(r->v.ui, &r->v, TAG_LIST, &st);
}

static int
reviews_open(struct view *v)
{
	reviews_send(rv(v));
	return UI_REDRAW;
}

static int
reviews_reload(struct view *v)
{
	reviews_send(rv(v));
	return UI_HANDLED | UI_REDRAW;
}

static int
reviews_result(struct view *v, int tag, struct db_result *res, const struct oms_error *err)
{
	struct reviews_view *r = rv(v);
	struct rrow *rows;
	int n;

	(void)tag;
	if (!res) {
		if (err->status != OMS_DB_GONE)
			ui_message_error(v->ui, err);
		return UI_REDRAW;
	}
	n = db_rows(res);
	if (!(rows = calloc(n ? (size_t)n : 1, sizeof *rows))) {
		ui_message(v->ui, UI_EL_ERROR, "Out of memory.");
		return UI_REDRAW;
	}
	for (int i = 0; i < n; i++) {
		struct rrow *x = &rows[i];

		x->review_id = db_get_ll(res, i, 0);
		x->order_no = db_get_ll(res, i, 1);
		snprintf(x->reason, sizeof x->reason, "%s", db_get(res, i, 2));
		snprintf(x->carrier, sizeof x->carrier, "%s", db_get(res, i, 3));
		snprintf(x->tracking, sizeof x->tracking, "%s", db_get(res, i, 4));
		snprintf(x->opened, sizeof x->opened, "%s", db_get(res, i, 5));
		x->silent_h = (int)db_get_ll(res, i, 6);
		snprintf(x->decision, sizeof x->decision, "%s", db_get(res, i, 7));
	}
	free(r->rows);
	r->rows = rows;
	r->nrows = n;
	if (!r->loaded)
		r->list.sel = 0;
	r->loaded = true;
	ui_list_set_count(&r->list, n);
	return UI_REDRAW;
}

/* Columns: review, order, reason, carrier, tracking, silent, listed (or the decision). */
static void
reviews_row_draw(void *arg, int row, int w, struct ui_line *line, enum ui_element *el)
{
	struct reviews_view *r = arg;
	const struct rrow *x = &r->rows[row];
	char id[24], no[24], silent[24], when[24];

	snprintf(id, sizeof id, "%lld", x->review_id);
	snprintf(no, sizeof no, "%lld", x->order_no);
	snprintf(silent, sizeof silent, "%d h", x->silent_h);
	ui_fmt_time(x->opened, when, sizeof when);
	ui_line_cell(line, id, 6, false);
	ui_line_cell(line, no, 10, false);
	ui_line_cell(line, x->reason, 10, false);
	ui_line_cell(line, x->carrier, 8, false);
	ui_line_cell(line, x->tracking, 22, false);
	ui_line_cell(line, silent, 6, true);
	ui_line_cell(line, "", 2, false);
	if (w - line->w > 0)
		ui_line_add(line, x->decision[0] ? x->decision : when, w - line->w);
	*el = x->decision[0] ? UI_EL_DIM : strcmp(x->reason, "stuck") == 0 ? UI_EL_NORMAL : UI_EL_WARNING;
}

static void
reviews_draw(struct view *v, struct ui_rect rect)
{
	struct reviews_view *r = rv(v);
	struct ui *ui = v->ui;
	char title[160], pos[48], head[160];
	int y = rect.y;

	ui_list_position(&r->list, pos, sizeof pos, r->nrows >= REVIEWS_MAX);
	snprintf(title, sizeof title, "Shipments for review, oldest first (%s) %s", r->all ? "all" : "open",
		 r->loaded ? (r->nrows ? pos : "(none)") : "loading");
	ui_draw_section(ui, y++, rect.x, rect.w, title);
	ui_draw_text(y++, rect.x, rect.w, UI_EL_HINT,
		     ui_role_is(ui, "fulfilment") ? "Your seller's delivery exceptions, returns and lost parcels."
						  : "Nobody is mailed by this list: decide what happens (d).");
	snprintf(head, sizeof head, "%sId    Order     Reason    Carrier Tracking              Silent  %s",
		 ui->plain ? " " : "", r->all ? "Decision" : "Listed");
	ui_draw_text(y++, rect.x, rect.w, UI_EL_HEADER, head);
	if (rect.y + rect.h - y < 1)
		return;
	if (r->loaded && r->nrows == 0) {
		ui_draw_text(y, rect.x, rect.w, UI_EL_DIM, "  No shipment is waiting for review.");
		return;
	}
	ui_list_draw(ui, &r->list, (struct ui_rect){ y, rect.x, rect.y + rect.h - y, rect.w }, reviews_row_draw, r);
}

static int
reviews_resize(struct view *v, struct ui_rect rect)
{
	struct reviews_view *r = rv(v);

	r->list.height = rect.h - 3 < 1 ? 1 : rect.h - 3;
	ui_list_set_count(&r->list, r->nrows);
	return UI_REDRAW;
}

static struct view *decide_new(struct ui *ui, struct view *parent, const struct rrow *x);

static int
reviews_key(struct view *v, int key, int action)
{
	struct reviews_view *r = rv(v);
	bool sel = r->list.sel >= 0 && r->list.sel < r->nrows;
	struct view *nv;

	(void)key;
	switch (action) {
	case UI_ACT_OPEN:
		if (sel && (nv = view_order_new(v->ui, r->rows[r->list.sel].order_no)))
			ui_push(v->ui, nv);
		return UI_HANDLED | UI_REDRAW;
	case UI_ACT_REVIEW_ALL:
		r->all = !r->all;
		r->loaded = false;
		r->list.sel = 0;
		r->list.top = 0;
		reviews_send(r);
		return UI_HANDLED | UI_REDRAW;
	case UI_ACT_REVIEW_DECIDE:
		if (!ui_role_is(v->ui, "csr") && !ui_role_is(v->ui, "admin")) {
			ui_message(v->ui, UI_EL_WARNING, "CSRs and administrators decide; the list is yours to read.");
			return UI_HANDLED | UI_REDRAW;
		}
		if (!sel || r->rows[r->list.sel].decision[0]) {
			ui_message(v->ui, UI_EL_WARNING, "Choose an open review.");
			return UI_HANDLED | UI_REDRAW;
		}
		if ((nv = decide_new(v->ui, v, &r->rows[r->list.sel])))
			ui_push(v->ui, nv);
		return UI_HANDLED | UI_REDRAW;
	case UI_ACT_EXPORT: {
		struct app_stmt st;

		if (!r->loaded)
			return UI_HANDLED;
		reviews_stmt(r, false, &st);
		if ((nv = view_export_new(v->ui, "shipment reviews", NULL, &st)))
			ui_push(v->ui, nv);
		return UI_HANDLED | UI_REDRAW;
	}
	default:
		return ui_list_action(&r->list, action);
	}
}

static int
reviews_hints(struct view *v, int *acts, int max)
{
	static const int all[] = { UI_ACT_OPEN, UI_ACT_REVIEW_DECIDE, UI_ACT_REVIEW_ALL, UI_ACT_EXPORT,
				   UI_ACT_BACK, UI_ACT_HELP };
	int n = 0;

	(void)v;
	for (size_t i = 0; i < sizeof all / sizeof all[0] && n < max; i++)
		acts[n++] = all[i];
	return n;
}

static void
reviews_close(struct view *v)
{
	free(rv(v)->rows);
	free(v);
}

static const struct view_ops reviews_ops = {
	.name = "Reviews",
	.screen = UI_SCREEN_REVIEWS,
	.open = reviews_open,
	.close = reviews_close,
	.draw = reviews_draw,
	.key = reviews_key,
	.resize = reviews_resize,
	.reload = reviews_reload,
	.result = reviews_result,
	.order_changed = NULL,
	.hints = reviews_hints,
};

struct view *
view_reviews_new(struct ui *ui)
{
	struct reviews_view *r = calloc(1, sizeof *r);

	if (!r)
		return NULL;
	r->v.ops = &reviews_ops;
	r->v.ui = ui;
	ui_list_init(&r->list, true);
	return &r->v;
}

/* --- the decision dialog -------------------------------------------------- */

enum { F_DECISION, F_NOTE };
static const char *const decisions[] = { "contact_carrier", "reship", "refund", "wait", "resolved" };
#define NDECISIONS ((int)(sizeof decisions / sizeof decisions[0]))

struct decide_view {
	struct view v;
	struct view *parent;
	long long review_id, order_no;
	char what[120];
	struct ui_form form;
	struct ui_list dlist;
	struct ui_input note;
};

static struct decide_view *
dv(struct view *v)
{
	return (struct decide_view *)v;
}

static int
decide_result(struct view *v, int tag, struct db_result *res, const struct oms_error *err)
{
	struct decide_view *d = dv(v);

	(void)tag;
	(void)res;
	d->form.sending = false;
	if (!res) {
		ui_form_error(&d->form, F_DECISION, "Not recorded; the database says:");
		ui_message_error(v->ui, err);
		return UI_REDRAW;
	}
	ui_message(v->ui, UI_EL_OK, "Review %lld: %s recorded.", d->review_id, decisions[d->form.f[F_DECISION].chosen]);
	if (d->parent && d->parent->ops->reload)
		d->parent->ops->reload(d->parent);
	return UI_POP | UI_REDRAW;
}

static int
decide_key(struct view *v, int key, int action)
{
	struct decide_view *d = dv(v);
	enum ui_form_event ev;
	int flags = ui_form_key(&d->form, key, action, &ev);
	struct app_stmt st;

	switch (ev) {
	case UI_FORM_CLOSE:
		ui_message(v->ui, UI_EL_HINT, "Nothing recorded.");
		return UI_POP | UI_HANDLED | UI_REDRAW;
	case UI_FORM_CHOSEN:
		ui_form_focus(&d->form, F_NOTE);
		return UI_HANDLED | UI_REDRAW;
	case UI_FORM_CHECK:
		ui_form_clear_errors(&d->form);
		if (d->form.f[F_DECISION].chosen < 0) {
			ui_form_error(&d->form, F_DECISION, "Choose the decision (Space).");
			ui_form_confirming(&d->form, false);
		} else {
			ui_form_confirming(&d->form, true);
		}
		return UI_HANDLED | UI_REDRAW;
	case UI_FORM_SEND:
		app_stmt_init(&st, "SELECT oms_api.review_decide($1::bigint, $2, nullif($3, ''))");
		app_stmt_ll(&st, d->review_id);
		app_stmt_text(&st, decisions[d->form.f[F_DECISION].chosen]);
		app_stmt_text(&st, d->note.buf);
		ui_query(v->ui, v, TAG_DECIDE, &st);
		d->form.sending = true;
		d->form.confirming = false;
		return UI_HANDLED | UI_REDRAW;
	default:
		return flags;
	}
}

static void
decide_row(void *arg, int row, int w, struct ui_line *line, enum ui_element *el)
{
	struct decide_view *d = arg;

	ui_line_cell(line, row == d->form.f[F_DECISION].chosen ? "(*)" : "( )", 4, false);
	ui_line_add(line, decisions[row], w - line->w);
	*el = UI_EL_NORMAL;
}

static void
decide_draw(struct view *v, struct ui_rect r)
{
	struct decide_view *d = dv(v);
	struct ui *ui = v->ui;
	struct ui_rect box;
	char buf[200], k[4][32];
	int x0, w, y;

	snprintf(buf, sizeof buf, "Decide review %lld (order %lld)", d->review_id, d->order_no);
	box = ui_frame_draw(ui, r, buf);
	x0 = box.x + 2;
	w = box.w - 4;
	y = box.y + 1;
	ui->cursor_y = -1;
	if (w < 30 || box.h < NDECISIONS + 8) {
		ui_draw_text(y, x0, w, UI_EL_WARNING, "The terminal is too small for this dialog.");
		return;
	}
	ui_draw_text(y++, x0, w, UI_EL_HINT, d->what);
	y++;
	y += ui_form_draw_field(&d->form, F_DECISION, y, x0, w, NDECISIONS, decide_row, d);
	y += ui_form_draw_field(&d->form, F_NOTE, y, x0, w, 1, NULL, NULL);
	ui_draw_text(++y, x0, w, UI_EL_HINT, "The decision is recorded with your name; it mails nobody by itself.");
	snprintf(buf, sizeof buf, "%s  %s  %s  %s",
		 ui_form_key_text(ui, UI_ACT_FIELD_NEXT, "field", k[0], sizeof k[0]),
		 ui_form_key_text(ui, UI_ACT_CHOOSE, "choose", k[1], sizeof k[1]),
		 ui_form_key_text(ui, UI_ACT_CONFIRM, "confirm", k[2], sizeof k[2]),
		 ui_form_key_text(ui, UI_ACT_CLOSE, "close", k[3], sizeof k[3]));
	ui_form_draw_keys(&d->form, box.y + box.h - 2, x0, w, "record it", "Recording...", buf);
}

static int
decide_paste(struct view *v, const char *text)
{
	return ui_form_paste(&dv(v)->form, text);
}

static bool
decide_typing(struct view *v)
{
	return ui_form_typing(&dv(v)->form);
}

static bool
decide_unsaved(struct view *v)
{
	return ui_form_unsaved(&dv(v)->form);
}

static void
decide_close(struct view *v)
{
	free(v);
}

static const struct view_ops decide_ops = {
	.name = "Decide",
	.screen = UI_SCREEN_NONE,
	.dialog = true,
	.close = decide_close,
	.draw = decide_draw,
	.key = decide_key,
	.result = decide_result,
	.paste = decide_paste,
	.typing = decide_typing,
	.unsaved = decide_unsaved,
};

static struct view *
decide_new(struct ui *ui, struct view *parent, const struct rrow *x)
{
	struct decide_view *d = calloc(1, sizeof *d);

	if (!d) {
		ui_message(ui, UI_EL_ERROR, "Out of memory.");
		return NULL;
	}
	d->v.ops = &decide_ops;
	d->v.ui = ui;
	d->parent = parent;
	d->review_id = x->review_id;
	d->order_no = x->order_no;
	snprintf(d->what, sizeof d->what, "%s: %s %s, silent %d h.", x->reason, x->carrier, x->tracking, x->silent_h);
	ui_list_init(&d->dlist, true);
	ui_list_set_count(&d->dlist, NDECISIONS);
	d->note.max = 200;
	ui_form_init(&d->form, ui, 10);
	ui_form_add(&d->form, UI_FIELD_CHOICE, "Decision", true);
	ui_form_add(&d->form, UI_FIELD_TEXT, "Note", false);
	d->form.f[F_DECISION].list = &d->dlist;
	d->form.f[F_DECISION].chosen = -1;
	d->form.f[F_NOTE].in = &d->note;
	ui_form_focus(&d->form, F_DECISION);
	return &d->v;
}
