/* The cancellation reason codes (BR-023), src/app/reason.c. Anyone who may
 * cancel lists them (cancel_reasons_stmt, app.h); administrators add one
 * (oms_api.reason_add), retire one (oms_api.reason_retire: no longer
 * offered or accepted, cancellations that gave it keep it) or restore a
 * retired one (oms_api.reason_restore). The database checks the role, the
 * code's form, duplicates and the last active reason. */
#ifndef OMS_APP_REASON_H
#define OMS_APP_REASON_H

#include <stdbool.h>

#include "app/app.h"

/* The most bytes of a label (oms reason add refuses a longer one before
 * the database is asked). */
#define REASON_LABEL_MAX ((size_t)127)

/* OMS_USAGE without a code or a label, OMS_INVALID for a label longer
 * than REASON_LABEL_MAX bytes. */
enum oms_status reason_add_stmt(const char *code, const char *label, bool requires_note,
				struct app_stmt *st, struct oms_error *err);
/* retire (active false) or restore (true); OMS_USAGE without a code. */
enum oms_status reason_set_active_stmt(const char *code, bool active, struct app_stmt *st,
				       struct oms_error *err);

#endif
