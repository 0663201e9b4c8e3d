#include "config.h"

/* Statements as values: built by the use cases, sent synchronously here or
 * asynchronously by the terminal client's event loop. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "app/appint.h"
#include "db/db.h"

struct db_result *
app_stmt_run(struct db *db, const struct app_stmt *st, struct oms_error *err)
{
	if (!db || !st || !st->sql) {
		oms_fail(err, OMS_USAGE, "no statement or no connection");
		return NULL;
	}
	return db_query(db, st->sql, st->nparams, st->params, err);
}

/* --- result helpers ----------------------------------------------------- */

void
app_col_str(const struct db_result *r, int row, const char *name, char *dst, size_t len)
{
	int c = db_colnum(r, name);

	if (c < 0 || db_isnull(r, row, c)) {
		if (len)
			dst[0] = '\0';
		return;
	}
	app_copy(dst, len, db_get(r, row, c));
}

long long
app_col_ll(const struct db_result *r, int row, const char *name)
{
	int c = db_colnum(r, name);

	if (c < 0 || db_isnull(r, row, c))
		return 0;
	return strtoll(db_get(r, row, c), NULL, 10);
}

bool
app_col_bool(const struct db_result *r, int row, const char *name)
{
	int c = db_colnum(r, name);

	return c >= 0 && !db_isnull(r, row, c) && db_get(r, row, c)[0] == 't';
}

enum oms_status
app_cols_check(const struct db_result *r, const char *const *names, struct oms_error *err)
{
	if (!r)
		return oms_fail(err, OMS_DB, "no result");
	for (; *names; names++)
		if (db_colnum(r, *names) < 0)
			return oms_fail(err, OMS_SCHEMA, "result has no column \"%s\"", *names);
	return OMS_OK;
}

/* --- who is connected --------------------------------------------------- */

void
whoami_stmt(struct app_stmt *st)
{
	app_stmt_init(st, "SELECT login, full_name, role, seller_id, seller_name "
			  "FROM oms_api.whoami()");
}

enum oms_status
whoami_parse(const struct db_result *r, struct app_whoami *who, struct oms_error *err)
{
	static const char *const cols[] = {"login", "full_name", "role", NULL};
	enum oms_status st;

	memset(who, 0, sizeof *who);
	if ((st = app_cols_check(r, cols, err)) != OMS_OK)
		return st;
	if (db_rows(r) < 1)
		return oms_fail(err, OMS_DENIED, "this login is not a member of oms staff");
	app_col_str(r, 0, "login", who->login, sizeof who->login);
	app_col_str(r, 0, "full_name", who->full_name, sizeof who->full_name);
	app_col_str(r, 0, "role", who->role, sizeof who->role);
	app_col_str(r, 0, "seller_name", who->seller_name, sizeof who->seller_name);
	who->seller_id = app_col_ll(r, 0, "seller_id");
	return OMS_OK;
}

/* --- policies ------------------------------------------------------------- */

void
policy_get_stmt(const char *key, struct app_stmt *st)
{
	app_stmt_init(st, "SELECT oms.policy_get($1)");
	app_stmt_text(st, key);
}

void
app_default_cc(struct db *db, const char *configured, char *cc, size_t len)
{
	struct app_stmt st;
	struct db_result *r;
	const char *v;

	app_copy(cc, len, "1");
	if (configured && *configured) {
		app_copy(cc, len, configured);
		return;
	}
	policy_get_stmt("default_country_code", &st);
	r = db ? app_stmt_run(db, &st, NULL) : NULL;
	if (r && db_rows(r) == 1 && !db_isnull(r, 0, 0)) {
		v = db_get(r, 0, 0);
		if (strspn(v, "0123456789") == strlen(v) && strlen(v) >= 1 && strlen(v) <= 3 && v[0] != '0')
			app_copy(cc, len, v);
	}
	db_result_free(r);
}
