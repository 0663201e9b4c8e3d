#include "config.h"

/* The worker's outbox for administrators (job.h): statements and the
 * parser of one job. */

#include <stdlib.h>

#include "app/appint.h"
#include "app/job.h"
#include "db/db.h"

/* The times as ISO 8601 to the second, as the other lists print them. */
#define JOB_TIME(col) "to_json(date_trunc('second', j." col ")) #>> '{}' AS " col
#define JOB_COLS \
	"j.id, j.kind, j.status, j.attempts, " JOB_TIME("next_attempt_at") ", j.last_error, " \
	"j.order_no, j.refund_id, " JOB_TIME("created_at") ", " JOB_TIME("updated_at")

enum oms_status
job_list_stmt(const struct job_filter *f, struct app_stmt *st, struct oms_error *err)
{
	/* the database says which statuses and kinds there are (22023) */
	app_stmt_init(st, "SELECT " JOB_COLS
			  " FROM oms_api.jobs($1::text, $2::text, $3::int, $4::bigint) j");
	if (app_text_arg(st, "the status", f->status, false, err) != OMS_OK ||
	    app_text_arg(st, "the kind", f->kind, false, err) != OMS_OK)
		return err->status;
	app_stmt_ll(st, f->limit);
	if (f->after)
		app_stmt_ll(st, f->after);
	else
		app_stmt_text(st, NULL);
	return OMS_OK;
}

void
job_show_stmt(long long id, struct app_stmt *st)
{
	app_stmt_init(st, "SELECT " JOB_COLS ", " JOB_TIME("done_at") ", j.locked_by, "
		      JOB_TIME("locked_until") ", j.dedupe_key, j.payload::text AS payload, "
		      "j.result::text AS result, array_to_json(j.withheld)::text AS withheld "
		      "FROM oms_api.job($1::bigint) j");
	app_stmt_ll(st, id);
}

void
job_retry_stmt(long long id, struct app_stmt *st)
{
	app_stmt_init(st, "SELECT oms_api.outbox_requeue($1::bigint)");
	app_stmt_ll(st, id);
}

/* The columns of one job in JSON, in this order: 'n' a number, 'i' an id
 * (null for none), 's' text (null for none), 'j' a JSON document. */
static const struct {
	const char *name;
	char type;
} card_cols[] = {
	{"id", 'n'}, {"kind", 's'}, {"status", 's'}, {"attempts", 'n'}, {"next_attempt_at", 's'},
	{"last_error", 's'}, {"order_no", 'i'}, {"refund_id", 'i'}, {"created_at", 's'},
	{"updated_at", 's'}, {"done_at", 's'}, {"locked_by", 's'}, {"locked_until", 's'},
	{"dedupe_key", 's'}, {"payload", 'j'}, {"result", 'j'}, {"withheld", 'j'},
};

json_t *
job_card_parse(const struct db_result *r, struct oms_error *err)
{
	json_t *o;

	if (db_rows(r) != 1) {
		oms_fail(err, OMS_NOT_FOUND, "no such job");
		return NULL;
	}
	if (!(o = json_object())) {
		oms_fail(err, OMS_NOMEM, "out of memory");
		return NULL;
	}
	for (size_t i = 0; i < sizeof card_cols / sizeof card_cols[0]; i++) {
		int k = db_colnum(r, card_cols[i].name);
		const char *v = k < 0 || db_isnull(r, 0, k) ? NULL : db_get(r, 0, k);
		json_t *j = NULL;

		if (v) {
			switch (card_cols[i].type) {
			case 'n': j = json_integer(db_get_ll(r, 0, k)); break;
			case 'i': j = db_get_ll(r, 0, k) ? json_integer(db_get_ll(r, 0, k)) : NULL; break;
			case 'j': j = json_loads(v, 0, NULL); break;
			default: j = *v ? json_string(v) : NULL;
			}
		}
		json_object_set_new(o, card_cols[i].name, j ? j : json_null());
	}
	return o;
}
