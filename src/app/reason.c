#include "config.h"

/* The cancellation reason codes (reason.h): administrators' statements. */

#include <string.h>

#include "app/appint.h"
#include "app/reason.h"

enum oms_status
reason_add_stmt(const char *code, const char *label, bool requires_note, struct app_stmt *st,
		struct oms_error *err)
{
	app_stmt_init(st, "SELECT oms_api.reason_add($1, $2, $3::boolean)");
	if (label && strlen(label) > REASON_LABEL_MAX)
		return oms_fail(err, OMS_INVALID, "the label is too long (at most %zu bytes)",
				REASON_LABEL_MAX);
	if (app_text_arg(st, "the code", code, true, err) != OMS_OK ||
	    app_text_arg(st, "the label", label, true, err) != OMS_OK)
		return err->status;
	app_stmt_bool(st, requires_note);
	return OMS_OK;
}

enum oms_status
reason_set_active_stmt(const char *code, bool active, struct app_stmt *st, struct oms_error *err)
{
	app_stmt_init(st, active ? "SELECT oms_api.reason_restore($1)"
				 : "SELECT oms_api.reason_retire($1)");
	return app_text_arg(st, "the code", code, true, err);
}
