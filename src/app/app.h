/* Use cases shared by the terminal client and the subcommands.
 *
 * Every query is described as a statement (struct app_stmt) so the terminal
 * client can send it asynchronously (db_send + db_poll in its event loop)
 * while the subcommands run it synchronously (app_stmt_run); the parsing of
 * the result is the same function either way. Business rules are not here:
 * they live in sql/ and are asked for (oms_api.cancel_eligibility ...). */
#ifndef OMS_APP_H
#define OMS_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "status.h"

struct db;
struct db_result;

#define APP_STMT_MAXPARAMS 8
struct app_stmt {
	const char *sql;
	int nparams;
	const char *params[APP_STMT_MAXPARAMS];    /* point into buf or NULL */
	char buf[APP_STMT_MAXPARAMS][320];
};
struct db_result *app_stmt_run(struct db *db, const struct app_stmt *st, struct oms_error *err);

/* --- who is connected ------------------------------------------------- */
struct app_whoami {
	char login[64], full_name[128], role[16], seller_name[128];
	long long seller_id;                   /* 0 when none */
};
void whoami_stmt(struct app_stmt *st);
enum oms_status whoami_parse(const struct db_result *r, struct app_whoami *who, struct oms_error *err);

/* --- lookup: what did the CSR type? ----------------------------------- */
enum lookup_kind { LOOKUP_NONE, LOOKUP_ORDER_NO, LOOKUP_EMAIL, LOOKUP_PHONE, LOOKUP_TRACKING, LOOKUP_NAME };
#define LOOKUP_MAX_SUGGEST 6
struct lookup_query {
	enum lookup_kind kind;
	char text[256];               /* normalised: digits, lower-case e-mail, E.164, trimmed name */
	bool check_failed;            /* order-number shape, wrong check digit */
	int nsuggest;
	long long suggest[LOOKUP_MAX_SUGGEST]; /* nearest valid order numbers */
	char hint[160];               /* one line for the status bar, e.g. "phone +15550100199" */
};
/* Classifies free text (any bytes: invalid UTF-8 and control characters are
 * rejected with OMS_INVALID and a hint, never passed on). */
enum oms_status lookup_classify(const char *input, const char *default_cc,
				struct lookup_query *q, struct oms_error *err);
const char *lookup_kind_name(enum lookup_kind kind);
/* Damm check digit of a string of decimal digits; -1 if not digits. */
int damm_digit(const char *digits);
bool order_no_valid(long long order_no);
/* Any common written form -> E.164 ("+15550100199"); false if not a phone. */
bool phone_to_e164(const char *in, const char *default_cc, char *out, size_t outlen);

struct lookup_row {
	char kind[12];                /* "order" or "customer" */
	long long order_no, customer_id, total_minor;
	char full_name[128], email[128], phone[24], status[24], placed_at[32], currency[4];
	char sort_key[64];
};
void lookup_stmt(const struct lookup_query *q, int limit, const char *after, struct app_stmt *st);
/* Returns the number of rows (malloc'd array in *rows, caller frees) or -1. */
int lookup_rows(const struct db_result *r, struct lookup_row **rows, struct oms_error *err);

/* --- documents: one round trip per screen ----------------------------- */
void order_card_stmt(long long order_no, struct app_stmt *st);
void customer_card_stmt(long long customer_id, struct app_stmt *st);
/* jsonb column 0 -> json_t (caller json_decref); NULL + OMS_NOT_FOUND. */
json_t *app_doc_parse(const struct db_result *r, struct oms_error *err);

struct history_filter {
	char status[24];              /* "" = any */
	char from[11], to[11];        /* YYYY-MM-DD or "" */
};
struct history_row {
	long long order_no, total_minor;
	int items;
	char placed_at[32], status[24], seller_name[96], currency[4];
};
void customer_orders_stmt(long long customer_id, const struct history_filter *f,
			  const struct history_row *after, int limit, struct app_stmt *st);
int customer_orders_rows(const struct db_result *r, struct history_row **rows, struct oms_error *err);

/* --- formatting --------------------------------------------------------- */
/* 123456, "USD" -> "$1,234.56"; other currencies "1,234.56 EUR". */
void money_format(long long minor, const char *currency, char *buf, size_t len);

#endif
