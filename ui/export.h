/* Export of the list on screen (ui/export.c, issue 10): a dialog over the
 * list that asks for a format (CSV, XLSX, JSON: src/cli/writer.h, the
 * writers of `oms export`) and a file, then writes every row of the
 * list's statement, exactly as the screen filters it, with a progress bar
 * (rows written, rate, an estimate of the time left). Esc cancels and
 * removes the partial file.
 *
 * It runs on the report connection (a replica when report_conninfo names
 * one), never on the primary: first `SELECT count(*)` of the statement
 * (for the estimate), then a cursor WITH HOLD over it read 1000 rows a
 * FETCH, each batch written as it comes (memory stays flat). Other report
 * queries go in between two FETCHes, so a long export holds nothing up.
 * The file is written through src/cli/outfile.c: a temporary file renamed
 * onto the name given only when every row is written; an existing file is
 * replaced only after asking. One export at a time. */
#ifndef OMS_UI_EXPORT_H
#define OMS_UI_EXPORT_H

#include "app/app.h"
#include "app/row.h"
#include "ui.h"

/* The dialog for the list of `what` ("volume report", used in the default
 * file name after spaces become '-') read by statement st (moved: st is
 * left empty), a SELECT without paging. d: the list's row type, NULL for
 * every column of the result (numbers typed from their values, *_minor
 * money with the currency column, *_at times). NULL when out of memory or
 * another export is running (said in the status line). */
struct view *view_export_new(struct ui *ui, const char *what, const struct row_desc *d,
			     struct app_stmt *st);

/* A list the read API gives in pages of at most 500 (the lookup, a
 * customer's history, the approvals): page(arg, after, limit, st) builds
 * the statement of the page after the row whose `key` column is `after`
 * (NULL: the first page); pages are read until one is short. arg is
 * copied (argsize bytes). The total is not known beforehand: the progress
 * shows rows and rate. */
typedef void ui_export_page_fn(const void *arg, const char *after, int limit, struct app_stmt *st);
struct view *view_export_pages_new(struct ui *ui, const char *what, const struct row_desc *d,
				   ui_export_page_fn *page, const void *arg, size_t argsize,
				   const char *key);

/* The exports of the lists of other screens, each "e" on that screen
 * (ui/export_lists.c): every row of the lookup's query, of a customer's
 * history as filtered, of the cancellations or refunds waiting for a
 * decision. Return UI_* flags (the dialog pushed). */
struct lookup_query;
struct history_filter;
int ui_export_lookup(struct ui *ui, const struct lookup_query *q);
int ui_export_history(struct ui *ui, long long customer_id, const struct history_filter *f);
int ui_export_pending(struct ui *ui, bool refunds);

/* The progress line's words: "1,234 of 5,000 rows, 812 rows/s, about 5 s
 * left" (total < 0: not known; elapsed_ms 0: no rate yet). For tests. */
void ui_export_progress_text(long rows, long total, unsigned long elapsed_ms, char *buf,
			     size_t len);

#endif
