/* Private to the cancel dialog: ui/view_cancel.c (the dialog, the whole
 * order, the reasons, the note, sending) and ui/view_cancel_lines.c (the
 * "some lines" part: the lines, their marks and units, the refund
 * preview, the cancel_lines statement). */
#ifndef OMS_UI_VIEW_CANCEL_INT_H
#define OMS_UI_VIEW_CANCEL_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "form.h"
#include "input.h"
#include "list.h"
#include "views.h"

enum { TAG_REASONS = 1, TAG_CANCEL, TAG_CARD, TAG_PREVIEW };
/* The form's fields, in focus order (the lines only for "some lines"). */
enum { FOCUS_LINES, FOCUS_REASONS, FOCUS_NOTE };

/* A line of the order as "some lines" offers it. */
struct cancel_pick {
	int line_no;
	int qty, left;             /* ordered, not cancelled yet */
	int take;                  /* units marked for cancelling, 0 .. left */
	long long unit_minor;
	char name[128];
};

struct cancel_view {
	struct view v;
	struct view *parent;
	long long order_no;
	char verdict[24], rule[256], currency[4];
	long long refund_minor;
	bool needs_override;
	struct row_set reasons;    /* row_reason's: code, label, requires_note */
	struct ui_list list;
	int chosen;                /* index of the chosen reason, -1: none yet */
	struct ui_input note;
	struct ui_form form;       /* focus, the confirm step, messages */
	uint64_t bench_t0;         /* bench: when the cancellation was confirmed */

	bool by_lines;             /* "some lines" rather than the whole order */
	bool override;             /* an administrator outside the window chose to override */
	bool card_asked, card_failed;
	struct cancel_pick *picks;
	int npicks;
	struct ui_list lines;

	/* The database's preview of the marks: marks_gen counts changes of
	 * the marks, asked_gen is the marks last asked about, preview_gen
	 * those the answer below is for (shown when it is marks_gen). */
	unsigned marks_gen, asked_gen, preview_gen;
	struct cancel_lines_preview preview;
	bool preview_failed;
};

static inline struct cancel_view *
xv(struct view *v)
{
	return (struct cancel_view *)v;
}

/* ui/view_cancel.c */

/* Outside the window, and not an administrator's override (BR-026). */
bool cancel_needs_approval(const struct cancel_view *x);
/* Draws a list with the cursor shown only while it has the focus. */
void cancel_list_draw(struct ui *ui, struct ui_list *l, struct ui_rect r, bool focused,
		      ui_list_row_fn *fn, void *arg);

/* ui/view_cancel_lines.c */

/* Units and value marked, and whether any unit of the order would remain. */
int cancel_marked(const struct cancel_view *x, long long *value, bool *nothing_left);
/* The view's tick: asks the database for the refund of the marks. */
int cancel_tick(struct view *v);
/* The answers to TAG_PREVIEW and TAG_CARD (the order's lines). */
int cancel_preview_result(struct cancel_view *x, struct db_result *res, const struct oms_error *err);
int cancel_card_result(struct cancel_view *x, struct db_result *res, const struct oms_error *err);
/* Switches between the whole order and some lines. */
int cancel_toggle_scope(struct cancel_view *x);
/* An action on the line under the cursor: choose (all that is left, or
 * none), unit-more or unit-less (one unit). */
int cancel_line_key(struct cancel_view *x, int action);
/* What cancelling the marked units does, in buf. */
void cancel_what_happens_lines(const struct cancel_view *x, char *buf, size_t len);
/* Draws the lines and the refund row from row y; returns the row after. */
int cancel_lines_draw(struct cancel_view *x, int y, int x0, int w, int bottom);
/* oms_api.cancel_lines for the marked units, the reason's code and the note. */
enum oms_status cancel_lines_build(struct cancel_view *x, const char *reason,
				   struct app_stmt *st, struct oms_error *err);

#endif
