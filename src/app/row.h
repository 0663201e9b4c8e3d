/* One description per row type (psql's printTable, tig's column data).
 *
 * A row type is an array of struct row_col: the result column's name (also
 * the JSON key and the CSV header), its type, its heading and alignment in
 * the aligned text table, and whether it holds personal data. Everything
 * else is derived from it here: the column check, reading a cell, the text
 * table's cells (also the terminal client's list rows, row_text_cells),
 * CSV (RFC 4180) and JSON. The descriptors themselves are in rows.c.
 *
 * The writers of whole lists (text, CSV, JSON) are the command line's:
 * src/cli/writer.h. */
#ifndef OMS_APP_ROW_H
#define OMS_APP_ROW_H

#include <stdbool.h>
#include <stdio.h>
#include <jansson.h>

#include "money.h"
#include "status.h"

struct db_result;

enum row_type {
	ROW_TEXT,       /* JSON string (SQL NULL: null) */
	ROW_INT,        /* JSON number */
	ROW_ID,         /* JSON number, null for NULL or 0 */
	ROW_MONEY,      /* minor units; with the currency column `ref`. JSON: the
			 * integer; CSV: a decimal with the currency's exponent;
			 * text: money_format */
	ROW_TIME,       /* ISO 8601 with offset (as to_json writes it); text:
			 * "YYYY-MM-DD HH:MM" */
	ROW_BOOL,       /* 't'/'f'; JSON true/false; CSV true/false */
	ROW_JSON,       /* a JSON document, in JSON as itself */
	ROW_PHONE,      /* a phone in E.164, as ROW_TEXT but for the text
			 * table and the screen lists: as its country writes it
			 * (app/phone_format.h, "+1 555-010-0199"; issue 13) */
};

struct row_col {
	const char *name;        /* result column, JSON key, CSV header (money: "_minor" dropped) */
	enum row_type type;
	const char *heading;     /* text table heading; NULL: not in the text table */
	char align;              /* 'l' or 'r' */
	bool pii;                /* personal data (never in logs; masked where asked) */
	const char *ref;         /* ROW_MONEY: the currency column; ROW_TEXT: shown
				  * instead when this one is empty (label -> code) */
	int width;               /* text table: at most this many bytes, then "..." */
	const char *when;        /* text table: shown only when column `status`
				  * is one of these, '|'-separated ("ready|running") */
};

/* The terminal client's list of a row type: the columns it shows, in
 * order, each `wide` cells on a screen of at least ROW_SCREEN_WIDE columns,
 * else `narrow` (0: what the others leave, at least 4), `gap` cells apart.
 * A cell is the text table's (money_format, "YYYY-MM-DD HH:MM"); a time in
 * fewer than 16 cells shows its date. The heading is the text table's with
 * only its first letter a capital ("REQUESTED": "Requested"). */
#define ROW_SCREEN_WIDE 76
struct row_screen_col {
	const char *name;        /* a column of the row type */
	int wide, narrow;
	bool right;              /* aligned right */
};
struct row_screen {
	const struct row_screen_col *cols;
	int ncols;
	int gap;
};

struct row_desc {
	const char *name;        /* the row type, and the JSON list's key ("refunds") */
	const struct row_col *cols;
	int ncols;
	const char *key;         /* keyset column: JSON lists end with "next_after" */
	const char *empty;       /* text: what an empty list says on stderr */
	const struct row_screen *screen;   /* the terminal client's list; NULL: none */
};

/* The row types (rows.c). */
extern const struct row_desc row_refund, row_pending_refund, row_pending_cancellation,
	row_job, row_reason, row_lookup, row_history;
/* One-row results (no list, no text table): the cancel path's. */
extern const struct row_desc row_cancel_eligibility, row_cancel_preview, row_cancel_result;

/* Fails with OMS_SCHEMA unless every described column is in the result. */
enum oms_status row_check(const struct row_desc *d, const struct db_result *r,
			  struct oms_error *err);
/* The column's index in d, -1 if none. */
int row_col_index(const struct row_desc *d, const char *name);
/* The raw text of a cell ("" for NULL), and whether it is NULL. */
const char *row_get(const struct row_desc *d, const struct db_result *r, int row, int col);
bool row_null(const struct row_desc *d, const struct db_result *r, int row, int col);
long long row_get_ll(const struct db_result *r, int row, const char *name);
/* The named column of d in a result that passed row_check: its raw text
 * ("" for NULL), a number (0 for NULL), a ROW_BOOL value (true for 't';
 * false for NULL). A name that is not one of d's columns reads as NULL:
 * a parser reads only what its descriptor describes. */
const char *row_value(const struct row_desc *d, const struct db_result *r, int row,
		      const char *name);
long long row_value_ll(const struct row_desc *d, const struct db_result *r, int row,
		       const char *name);
bool row_value_bool(const struct row_desc *d, const struct db_result *r, int row,
		    const char *name);

/* The row type as an SQL select list over a source aliased `alias`
 * ("l.\"kind\", ..."), in its order: times through to_json to the second
 * (ISO 8601 with offset), the rest as they are. False when buf is too
 * small. */
bool row_select_list(const struct row_desc *d, const char *alias, char *buf, size_t len);
/* The row type as an SQL column definition list ("id bigint, reason text,
 * ..."), in its order: a one-object document whose keys are the columns
 * (a card) becomes one row of the type through jsonb_to_record. Times are
 * text, kept as the document writes them (ISO 8601 with offset, as the
 * lists' to_json). False when buf is too small. */
bool row_record_def(const struct row_desc *d, char *buf, size_t len);

/* --- derived cells -------------------------------------------------------- */

/* The text table's cell of column col (money formatted, times shortened,
 * widths applied): written into buf, returned. */
const char *row_text_cell(const struct row_desc *d, const struct db_result *r, int row, int col,
			  char *buf, size_t len);
/* The cells of the text table's columns, in order, for a list row of the
 * terminal client: a malloc'd array of n malloc'd strings (*n = columns
 * with a heading); row_cells_free releases it. NULL when out of memory.
 * A row type with a ROW_BOOL column "stuck" without a heading (a flagged
 * shipment) gets " STUCK" after its status when that is true. */
char **row_text_cells(const struct row_desc *d, const struct db_result *r, int row, int *n);
void row_cells_free(char **cells, int n);
/* The CSV value of a cell, unquoted (money as a decimal: 1234.56, JPY
 * 1235, KWD 1.234; booleans true/false; NULL ""). Into buf. */
const char *row_csv_value(const struct row_desc *d, const struct db_result *r, int row, int col,
			  char *buf, size_t len);
/* The row as a JSON object (new reference). */
json_t *row_json(const struct row_desc *d, const struct db_result *r, int row);

/* --- rows kept after their result --------------------------------------- */

/* The rows of one or more results of a row type, each column's text kept
 * (NULL for SQL NULL): what a screen's list holds between pages. */
struct row_set {
	const struct row_desc *d;
	int n;                   /* rows */
	char **v;                /* n * d->ncols values */
};
void row_set_init(struct row_set *s, const struct row_desc *d);
/* Checks the result's columns (row_check) and keeps its rows, after those
 * kept or (replace) in their place. The rows read, or -1 (err set, the
 * set unchanged). */
int row_set_read(struct row_set *s, const struct db_result *r, bool replace,
		 struct oms_error *err);
void row_set_free(struct row_set *s);
/* A value's raw text ("" for NULL or no such column / row), as a number. */
const char *row_set_get(const struct row_set *s, int row, const char *name);
long long row_set_ll(const struct row_set *s, int row, const char *name);
/* A ROW_BOOL value: true for 't' (false for NULL, no such column / row). */
bool row_set_bool(const struct row_set *s, int row, const char *name);
/* The text table's cell of the named column (row_text_cell). */
const char *row_set_text(const struct row_set *s, int row, const char *name, char *buf,
			 size_t len);

/* The screen list (d->screen must be set): the columns' widths on a list
 * w cells wide (widths: d->screen->ncols), heading i, and row's cell i in
 * `width` cells. */
void row_screen_widths(const struct row_desc *d, int w, int *widths);
void row_screen_heading(const struct row_desc *d, int i, char *buf, size_t len);
const char *row_screen_cell(const struct row_set *s, int row, int i, int width, char *buf,
			    size_t len);

/* Money as a decimal in CSV: money_decimal (src/money.h). */

#endif
