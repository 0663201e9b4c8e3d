/* The report summaries' fold: not an outbox job but a periodic task of the
 * loop (every [worker] report_fold_interval seconds). The triggers of
 * sql/functions/95_reports.sql append a delta row to a day's and a month's
 * summary for every change of an order, a cancellation or a refund; the
 * fold merges them into one row per key (oms_api.report_fold), so the
 * reports read few rows. The reports are exact with or without it. */
#include "config.h"

#include "db/db.h"
#include "log.h"
#include "worker/worker.h"

/* The fold takes an advisory lock and the summary rows it merges; nobody
 * else updates those, so this only bounds a pathological case. */
#define FOLD_TIMEOUT "60s"

void
report_fold(struct db *db, long interval_s)
{
	struct oms_error e = { 0 }, e2 = { 0 };
	struct db_result *r = NULL;

	if (db_exec(db, "BEGIN", 0, NULL, &e) != OMS_OK)
		goto failed;
	if (db_exec(db, "SET LOCAL statement_timeout = '" FOLD_TIMEOUT "'", 0, NULL, &e) != OMS_OK ||
	    !(r = db_query(db, "SELECT oms_api.report_fold()", 0, NULL, &e)) ||
	    db_exec(db, "COMMIT", 0, NULL, &e) != OMS_OK) {
		db_exec(db, "ROLLBACK", 0, NULL, &e2);
		goto failed;
	}
	if (db_rows(r) == 1 && db_get_ll(r, 0, 0) > 0)
		log_info("report summaries folded: %lld row(s) fewer", db_get_ll(r, 0, 0));
	else
		log_debug("report summaries: nothing to fold");
	db_result_free(r);
	return;
failed:
	db_result_free(r);
	log_warn("report summary fold failed, next try in %ld s: %s", interval_s, e.msg);
}
