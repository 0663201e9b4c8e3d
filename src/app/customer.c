#include "config.h"

/* A customer's order history (keyset pages, newest first) and finding a
 * customer by e-mail, phone or id. */

#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "app/appint.h"
#include "app/row.h"
#include "db/db.h"

/* The keyset is (placed_at, order_no) of the last row shown. placed_at is
 * taken again from the order itself rather than from the row's text (which
 * is rounded to the second for display), so paging is exact: the function
 * reads it when given the order number alone (a subselect here was planned
 * on every call, the first page too). */
void
customer_orders_stmt(long long customer_id, const struct history_filter *f,
		     long long after_order_no, int limit, struct app_stmt *st)
{
	app_stmt_init(st, "SELECT order_no, "
			  "to_json(date_trunc('second', placed_at)) #>> '{}' AS placed_at, "
			  "status, seller_name, items, total_minor, currency, stuck "
			  "FROM oms_api.customer_orders($1::bigint, $2, $3::date, $4::date, "
			  "NULL::timestamptz, $5::bigint, $6::int)");
	app_stmt_ll(st, customer_id);
	app_stmt_text(st, f && f->status[0] ? f->status : NULL);
	app_stmt_text(st, f && f->from[0] ? f->from : NULL);
	app_stmt_text(st, f && f->to[0] ? f->to : NULL);
	if (after_order_no > 0)
		app_stmt_ll(st, after_order_no);
	else
		app_stmt_text(st, NULL);
	app_stmt_ll(st, limit > 0 ? limit : 50);
}

enum oms_status
find_customer_stmt(const char *text, const char *default_cc, struct app_stmt *st,
		   struct oms_error *err)
{
	char norm[256];
	struct lookup_query q;
	size_t n;
	bool digits = true;

	if (!text || !*text)
		return oms_fail(err, OMS_USAGE, "give an e-mail, a phone or a customer id");
	n = strlen(text);
	for (size_t i = 0; i < n; i++)
		if (text[i] < '0' || text[i] > '9')
			digits = false;
	if (n > 255)
		return oms_fail(err, OMS_INVALID, "the text is too long (at most 255 bytes)");
	if (digits && n < 10) {
		/* a bare number shorter than any phone is a customer id */
		app_copy(norm, sizeof norm, text);
	} else if (strchr(text, '@')) {
		if (lookup_classify(text, default_cc, &q, err) != OMS_OK || q.kind != LOOKUP_EMAIL)
			return oms_fail(err, OMS_INVALID, "not an e-mail address");
		app_copy(norm, sizeof norm, q.text);
	} else if (phone_to_e164(text, default_cc, norm, sizeof norm)) {
		/* E.164 */
	} else if (digits) {
		app_copy(norm, sizeof norm, text);
	} else {
		return oms_fail(err, OMS_INVALID, "not an e-mail address, phone number or customer id");
	}
	app_stmt_init(st, "SELECT oms_api.find_customer($1)");
	app_stmt_text(st, norm);
	return OMS_OK;
}

enum oms_status
find_customer_parse(const struct db_result *r, long long *customer_id, struct oms_error *err)
{
	*customer_id = 0;
	if (!r || db_rows(r) < 1 || db_cols(r) < 1 || db_isnull(r, 0, 0))
		return oms_fail(err, OMS_NOT_FOUND, "no such customer");
	*customer_id = db_get_ll(r, 0, 0);
	return *customer_id > 0 ? OMS_OK : oms_fail(err, OMS_NOT_FOUND, "no such customer");
}
