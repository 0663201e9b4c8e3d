#include "config.h"

/* Structured refusals: the database words a refusal's facts as a JSON
 * object in DETAIL ({"rule": "BR-028", "order_no": ..., "amount_minor":
 * ..., "left_minor": ..., "currency": "USD"}); db.c keeps it in struct
 * oms_error, and this file reads it. The message text is never parsed
 * for facts. */

#include <string.h>

#include "app/app.h"

json_t *
app_error_detail(const struct oms_error *err)
{
	json_t *d;

	if (!err || !err->detail[0])
		return NULL;
	d = json_loads(err->detail, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(d)) {
		json_decref(d);
		return NULL;
	}
	return d;
}

json_t *
app_error_json(const struct oms_error *err, const char *message)
{
	json_t *detail = app_error_detail(err), *e;
	const json_t *rule = detail ? json_object_get(detail, "rule") : NULL;
	enum oms_status st = err ? err->status : OMS_DB;

	if (!message || !*message)
		message = err && err->msg[0] ? err->msg : oms_status_message(st);
	e = json_object();
	json_object_set_new(e, "status", json_string(oms_status_name(st)));
	json_object_set_new(e, "rule", json_is_string(rule) ? json_string(json_string_value(rule))
							    : json_null());
	json_object_set_new(e, "message", json_string(message));
	if (err && err->sqlstate[0])
		json_object_set_new(e, "sqlstate", json_string(err->sqlstate));
	json_object_set_new(e, "detail", detail ? detail : json_null());
	if (err && err->hint[0])
		json_object_set_new(e, "hint", json_string(err->hint));
	return json_pack("{s:o}", "error", e);
}
