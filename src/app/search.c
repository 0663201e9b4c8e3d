#include "config.h"

/* The lookup query: oms_api.lookup(kind, text, limit, after) with keyset
 * paging on sort_key; the classifier that chooses kind and text is
 * lookup.c. */

#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "app/appint.h"
#include "app/row.h"
#include "db/db.h"

void
lookup_stmt(const struct lookup_query *q, int limit, const char *after, struct app_stmt *st)
{
	app_stmt_init(st, "SELECT kind, order_no, customer_id, full_name, email, phone, status, "
			  "to_json(date_trunc('second', placed_at)) #>> '{}' AS placed_at, "
			  "total_minor, currency, sort_key "
			  "FROM oms_api.lookup($1, $2, $3::int, $4)");
	app_stmt_text(st, lookup_kind_name(q->kind));
	app_stmt_text(st, q->text);
	app_stmt_ll(st, limit > 0 ? limit : 50);
	if (!app_stmt_text(st, after && *after ? after : NULL))
		st->params[3] = NULL;
}

int
lookup_rows(const struct db_result *r, struct lookup_row **rows, struct oms_error *err)
{
	struct lookup_row *out;
	int n;

	*rows = NULL;
	if (!(out = app_rows_alloc_desc(r, &row_lookup, sizeof *out, &n, err)))
		return -1;
	for (int i = 0; i < n; i++) {
		struct lookup_row *w = &out[i];

		app_col_str(r, i, "kind", w->kind, sizeof w->kind);
		w->order_no = app_col_ll(r, i, "order_no");
		w->customer_id = app_col_ll(r, i, "customer_id");
		w->total_minor = app_col_ll(r, i, "total_minor");
		app_col_str(r, i, "full_name", w->full_name, sizeof w->full_name);
		app_col_str(r, i, "email", w->email, sizeof w->email);
		app_col_str(r, i, "phone", w->phone, sizeof w->phone);
		app_col_str(r, i, "status", w->status, sizeof w->status);
		app_col_str(r, i, "placed_at", w->placed_at, sizeof w->placed_at);
		app_col_str(r, i, "currency", w->currency, sizeof w->currency);
		app_col_str(r, i, "sort_key", w->sort_key, sizeof w->sort_key);
	}
	*rows = out;
	return n;
}
