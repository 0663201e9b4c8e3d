/* The stuck-shipment sweep: not an outbox job but a periodic task of the
 * loop (every [worker] stuck_sweep_interval seconds). It puts parcels on
 * the review list (sql/functions/75_carriers.sql, issue 11); it mails
 * nobody: a person decides. */
#include "config.h"

#include "db/db.h"
#include "log.h"
#include "worker/worker.h"

/* The sweep never waits for a lock (SKIP LOCKED); this bounds
 * it anyway, because the jobs wait while it runs on their connection. */
#define SWEEP_TIMEOUT "30s"

/* Flags the tracked shipments without a carrier scan for
 * stuck_shipment_hours (from the last scan, or shipping) and opens a review
 * for each, in one transaction (oms_api.flag_stuck_shipments; safe with
 * any number of workers). A
 * failure is logged and the next interval tries again; a lost connection
 * is found and repaired by the next claim. */
void
stuck_sweep(struct db *db, long interval_s)
{
	struct oms_error e = { 0 }, e2 = { 0 };
	struct db_result *r = NULL;

	if (db_exec(db, "BEGIN", 0, NULL, &e) != OMS_OK)
		goto failed;
	if (db_exec(db, "SET LOCAL statement_timeout = '" SWEEP_TIMEOUT "'", 0, NULL, &e) != OMS_OK ||
	    !(r = db_query(db, "SELECT oms_api.flag_stuck_shipments()", 0, NULL, &e)) ||
	    db_exec(db, "COMMIT", 0, NULL, &e) != OMS_OK) {
		db_exec(db, "ROLLBACK", 0, NULL, &e2);
		goto failed;
	}
	if (db_rows(r) == 1 && db_get_ll(r, 0, 0) > 0)
		log_info("stuck-shipment sweep: %lld shipment(s) flagged", db_get_ll(r, 0, 0));
	else
		log_debug("stuck-shipment sweep: nothing stuck");
	db_result_free(r);
	return;
failed:
	db_result_free(r);
	log_warn("stuck-shipment sweep failed, next try in %ld s: %s", interval_s, e.msg);
}
