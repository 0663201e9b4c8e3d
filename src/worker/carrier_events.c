/* Carrier webhook Events (issue 11): see carrier_events.h. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "db/db.h"
#include "http/carrier.h"
#include "log.h"
#include "worker/carrier_events.h"

int
carrier_event_receive(struct db *db, const char *signature, const char *body, size_t len,
		      const char *const *secrets, int nsecrets, const char *source,
		      char *reply, size_t replylen, bool *db_lost)
{
	enum carrier_sig sig;
	struct oms_error err = { 0 };
	struct db_result *r;
	const char *p[1];

	*db_lost = false;
	if (len > CARRIER_EVENT_MAX_BODY) {
		log_warn("carrier webhook from %s refused: %zu bytes, more than %d", source ? source : "?", len,
			 CARRIER_EVENT_MAX_BODY);
		snprintf(reply, replylen, "too big");
		return 413;
	}
	sig = carrier_webhook_verify(signature, body, len, secrets, nsecrets);
	if (sig != CARRIER_SIG_OK) {
		log_warn("carrier webhook from %s refused: %s (%zu bytes)", source ? source : "?",
			 carrier_sig_name(sig), len);
		snprintf(reply, replylen, "bad signature");
		return 401;
	}
	if (!db || !db_ok(db)) {
		*db_lost = db != NULL;
		log_warn("carrier webhook from %s: database unavailable, answered 503", source ? source : "?");
		snprintf(reply, replylen, "unavailable, try again");
		return 503;
	}
	p[0] = body ? body : "";
	r = db_query(db, "SELECT oms_api.carrier_event($1)", 1, p, &err);
	if (r) {
		snprintf(reply, replylen, "%s", db_rows(r) ? db_get(r, 0, 0) : "stored");
		db_result_free(r);
		return 200;
	}
	if (!db_ok(db)) {
		*db_lost = true;
		log_warn("carrier webhook from %s: database connection lost, answered 503", source ? source : "?");
		snprintf(reply, replylen, "unavailable, try again");
		return 503;
	}
	if (!strcmp(err.sqlstate, "22023") || !strcmp(err.sqlstate, "22P02") || !strcmp(err.sqlstate, "22P05") ||
	    !strcmp(err.sqlstate, "54000")) {
		log_warn("carrier webhook from %s refused: %s", source ? source : "?", err.msg);
		snprintf(reply, replylen, "not an event");
		return 400;
	}
	log_warn("carrier webhook from %s: not stored (%s %s), answered 503", source ? source : "?",
		 err.sqlstate, err.msg);
	snprintf(reply, replylen, "unavailable, try again");
	return 503;
}
