#include "config.h"

/* Documents: one round trip per screen. The server builds the whole card
 * (oms_api.order_card_json / customer_card_json) as json text; we parse it
 * with jansson. (The jsonb versions, order_card and customer_card, cost
 * the server more: issue 14.) */

#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "app/appint.h"
#include "db/db.h"

void
order_card_stmt(long long order_no, struct app_stmt *st)
{
	app_stmt_init(st, "SELECT oms_api.order_card_json($1::bigint)");
	app_stmt_ll(st, order_no);
}

void
customer_card_stmt(long long customer_id, struct app_stmt *st)
{
	app_stmt_init(st, "SELECT oms_api.customer_card_json($1::bigint)");
	app_stmt_ll(st, customer_id);
}

json_t *
app_doc_parse(const struct db_result *r, struct oms_error *err)
{
	json_error_t jerr;
	json_t *doc;

	if (!r) {
		oms_fail(err, OMS_DB, "no result");
		return NULL;
	}
	if (db_rows(r) < 1 || db_cols(r) < 1 || db_isnull(r, 0, 0)) {
		oms_fail(err, OMS_NOT_FOUND, "not found");
		return NULL;
	}
	doc = json_loads(db_get(r, 0, 0), JSON_DECODE_ANY, &jerr);
	if (!doc) {
		oms_fail(err, OMS_SCHEMA, "the server sent a document that is not JSON (%s)", jerr.text);
		return NULL;
	}
	if (json_is_null(doc)) {
		json_decref(doc);
		oms_fail(err, OMS_NOT_FOUND, "not found");
		return NULL;
	}
	return doc;
}

const char *
app_json_str(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);

	return json_is_string(v) ? json_string_value(v) : "";
}

long long
app_json_ll(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);

	if (json_is_integer(v))
		return (long long)json_integer_value(v);
	if (json_is_real(v)) {
		/* out of range (or NaN), the conversion would be undefined */
		double d = json_real_value(v);
		return d > -9.2e18 && d < 9.2e18 ? (long long)d : 0;
	}
	if (json_is_string(v))
		return strtoll(json_string_value(v), NULL, 10);
	return 0;
}
