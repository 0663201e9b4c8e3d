/* A scrolling list: a selection (or none, for read-only text) over rows
 * that the owner formats on demand. */
#ifndef OMS_UI_LIST_H
#define OMS_UI_LIST_H

#include <stdbool.h>
#include "ui.h"
#include "app/row.h"

struct ui_list {
	int count;
	int sel;            /* selected row, or -1 with no cursor */
	int top;            /* first row shown */
	int height;         /* rows shown (set by draw/resize) */
	bool cursor;        /* false: movement scrolls a text */
};

void ui_list_init(struct ui_list *l, bool cursor);
void ui_list_set_count(struct ui_list *l, int count);
/* Moves for a movement action; returns UI_HANDLED|UI_REDRAW, or
 * UI_UNHANDLED for other actions. */
int ui_list_action(struct ui_list *l, int action);
/* Formats row `row` into line (width w). */
typedef void ui_list_row_fn(void *arg, int row, int w, struct ui_line *line,
			    enum ui_element *el);
/* Draws rows in r; the selected row in the selected element. */
void ui_list_draw(struct ui *ui, struct ui_list *l, struct ui_rect r,
		  ui_list_row_fn *fn, void *arg);
/* A row type's list (its descriptor's screen columns, src/app/row.h):
 * the heading line and row `row` of the rows kept, w cells wide. */
void ui_list_row_heading(struct ui_line *line, const struct row_desc *d, int w);
void ui_list_row_cells(struct ui_line *line, const struct row_set *s, int row, int w);
/* A status cell w wide; stuck (a shipment flagged for no movement)
 * marks it " STUCK" at its end, the status cut to make room (issue 13).
 * ui_list_row_cells does it for a column named "status" of a row type
 * with a boolean "stuck". */
void ui_list_status_cell(struct ui_line *line, const char *status, bool stuck, int w);
/* "12-20 of 500" */
void ui_list_position(const struct ui_list *l, char *buf, size_t len, bool more);
/* Where the list stands, as green-screen subfiles say it (issue 13): the
 * selected row of how many, then the rows on the screen and "More..."
 * while rows follow (loaded or not) or "Bottom": "3 of 519  1-12 More...".
 * total: every row there is when known (the customer's order count),
 * else -1 (the rows loaded, "+" when more may come). */
void ui_list_indicator(const struct ui_list *l, char *buf, size_t len, long long total, bool more);

#endif
