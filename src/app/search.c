#include "config.h"

/* The lookup query: oms_api.lookup(kind, text, limit, after) with keyset
 * paging on sort_key, its rows row_lookup's (app/row.h); the classifier
 * that chooses kind and text is lookup.c. */

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "app/appint.h"
#include "app/row.h"
#include "db/db.h"

/* The select list is row_lookup's (rows.c), built once. */
static char lookup_sql[1536];
static pthread_once_t lookup_sql_once = PTHREAD_ONCE_INIT;

static void
lookup_sql_build(void)
{
	char cols[1280];

	if (!row_select_list(&row_lookup, "l", cols, sizeof cols))
		abort();        /* the descriptor outgrew the buffer: a build-time fact */
	snprintf(lookup_sql, sizeof lookup_sql,
		 "SELECT %s FROM oms_api.lookup($1, $2, $3::int, $4) l", cols);
}

void
lookup_stmt(const struct lookup_query *q, int limit, const char *after, struct app_stmt *st)
{
	pthread_once(&lookup_sql_once, lookup_sql_build);
	app_stmt_init(st, lookup_sql);
	app_stmt_text(st, lookup_kind_name(q->kind));
	app_stmt_text(st, q->text);
	app_stmt_ll(st, limit > 0 ? limit : 50);
	if (!app_stmt_text(st, after && *after ? after : NULL))
		st->params[3] = NULL;
}
