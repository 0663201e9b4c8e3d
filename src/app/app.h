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

#include "money.h"
#include "status.h"

struct db;
struct db_result;

/* The most characters of free text staff may write in one note, override
 * reason, decision note or refund reason (the database's limit too, sql/).
 * A text of only spaces, tabs and newlines counts as no text. */
#define OMS_NOTE_MAX 10000
/* ... and the bytes that can take in UTF-8. */
#define OMS_NOTE_MAX_BYTES (OMS_NOTE_MAX * 4)

#define APP_STMT_MAXPARAMS 8
/* Values are kept in the statement's own arena while it has room (16 kB:
 * numbers, codes and everyday notes) and on the heap beyond it (a long
 * note, up to OMS_NOTE_MAX_BYTES): no value is too long for a statement
 * (the database decides what it accepts), and a statement on the stack
 * stays small. Whoever builds one frees it (app_stmt_free) or hands it on
 * (app_stmt_move). */
#define APP_STMT_INLINE 16384
struct app_stmt {
	const char *sql;
	int nparams;
	const char *params[APP_STMT_MAXPARAMS];    /* into buf, into owned[i], or NULL */
	char *owned[APP_STMT_MAXPARAMS];           /* heap copies (app_stmt_free) */
	size_t used;                               /* bytes of buf taken */
	char buf[APP_STMT_INLINE];
};
struct db_result *app_stmt_run(struct db *db, const struct app_stmt *st, struct oms_error *err);
/* Building statements: init, then append parameters in order. Values of
 * any length are taken (a copy: inline or on the heap); false only for a
 * 9th parameter or when memory runs out. app_stmt_long_text is the same
 * as app_stmt_text (free text: use app_text_arg, which counts characters
 * against OMS_NOTE_MAX, the database's rule). */
void app_stmt_init(struct app_stmt *st, const char *sql);
bool app_stmt_text(struct app_stmt *st, const char *value);     /* NULL = SQL NULL */
bool app_stmt_long_text(struct app_stmt *st, const char *value);
bool app_stmt_ll(struct app_stmt *st, long long value);
/* Frees the heap copies (the statement can then be built again with
 * app_stmt_init). A statement whose values all fit inline owns nothing,
 * so forgetting this leaks only long values. */
void app_stmt_free(struct app_stmt *st);
/* Moves src into dst (dst's parameters then point into dst's own arena,
 * and dst owns src's heap copies; src is left empty). For a queue that
 * keeps a statement past its builder's scope (ui_query): a plain struct
 * copy shares the heap copies, and frees nothing. */
void app_stmt_move(struct app_stmt *dst, struct app_stmt *src);
bool app_stmt_bool(struct app_stmt *st, bool value);

/* --- who is connected ------------------------------------------------- */
struct app_whoami {
	char login[64], full_name[128], role[16], seller_name[128];
	long long seller_id;                   /* 0 when none */
};
void whoami_stmt(struct app_stmt *st);
enum oms_status whoami_parse(const struct db_result *r, struct app_whoami *who, struct oms_error *err);

/* --- policies ------------------------------------------------------------- */
/* oms.policy_get(key): one text value, NULL when unset. */
void policy_get_stmt(const char *key, struct app_stmt *st);
/* The default country calling code for phones typed without '+':
 * `configured` ([lookup] default_country_code in oms.conf) when set, else
 * the policy default_country_code, else "1". cc gets at least 4 bytes. */
void app_default_cc(struct db *db, const char *configured, char *cc, size_t len);

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
 * rejected with OMS_INVALID and a hint, never passed on).
 * The rules are documented at the top of lookup.c. An 8-digit number with a
 * wrong check digit returns OMS_OK with kind LOOKUP_ORDER_NO, check_failed
 * set, the suggestions filled and the hint saying so: do not send it.
 * default_cc NULL or "" means "1". */
enum oms_status lookup_classify(const char *input, const char *default_cc,
				struct lookup_query *q, struct oms_error *err);
/* Frees the compiled patterns (for leak checkers; optional). */
void lookup_cleanup(void);
/* "order_no", "email", "phone", "tracking", "name" (oms_api.lookup p_kind). */
const char *lookup_kind_name(enum lookup_kind kind);
/* Damm check digit of a string of decimal digits; -1 if not digits. */
int damm_digit(const char *digits);
/* Digits including their check digit are valid (interim digit 0). */
bool damm_valid(const char *digits);
/* 8 digits and a right check digit, as oms.order_no_valid(). */
bool order_no_valid(long long order_no);
/* id -> id * 10 + check digit (-1 for id <= 0). */
long long order_no_make(long long id);
/* Valid numbers one digit change or one adjacent swap away from digits,
 * nearest (numerically) first, no leading zero; returns how many (<= max). */
int damm_suggest(const char *digits, long long *out, int max);
/* Any common written form -> E.164 ("+15550100199"); false if not a phone. */
bool phone_to_e164(const char *in, const char *default_cc, char *out, size_t outlen);

/* oms_api.lookup: orders and customers found, keyset after the last row's
 * sort_key (NULL: the first page). Its rows are row_lookup's (app/row.h:
 * row_set_read). */
void lookup_stmt(const struct lookup_query *q, int limit, const char *after, struct app_stmt *st);

/* --- documents: one round trip per screen ----------------------------- */
void order_card_stmt(long long order_no, struct app_stmt *st);
void customer_card_stmt(long long customer_id, struct app_stmt *st);
/* jsonb column 0 -> json_t (caller json_decref); NULL + OMS_NOT_FOUND. */
json_t *app_doc_parse(const struct db_result *r, struct oms_error *err);

struct history_filter {
	char status[24];              /* "" = any */
	char from[11], to[11];        /* YYYY-MM-DD or "" */
};
/* Its rows are row_history's (app/row.h: row_set_read); keyset: the last
 * row's order_no as after_order_no (0 = first page). */
void customer_orders_stmt(long long customer_id, const struct history_filter *f,
			  long long after_order_no, int limit, struct app_stmt *st);
/* oms_api.find_customer: text is an e-mail (any case), a phone in any
 * common form (normalised to E.164 here) or a customer id. */
enum oms_status find_customer_stmt(const char *text, const char *default_cc, struct app_stmt *st,
				   struct oms_error *err);
/* OMS_NOT_FOUND when the function answered NULL. */
enum oms_status find_customer_parse(const struct db_result *r, long long *customer_id,
				    struct oms_error *err);
/* Members of a parsed document: "" / 0 when absent or of another type. */
const char *app_json_str(const json_t *obj, const char *key);
long long app_json_ll(const json_t *obj, const char *key);

/* --- cancel (BR-014, BR-020..024; the rules are in SQL) ---------------- */
/* The active reasons, in their order: row_reason's rows (app/row.h:
 * row_set_read). */
void cancel_reasons_stmt(struct app_stmt *st);

enum cancel_verdict { CANCEL_ALLOWED, CANCEL_NEEDS_APPROVAL, CANCEL_REFUSED };
struct cancel_eligibility {
	enum cancel_verdict verdict;
	char verdict_text[24];        /* "allowed" | "needs_approval" | "refused" */
	char reason[256];             /* the rule, e.g. "BR-014: ..." (for the CSR) */
	long long refund_minor;       /* refunded if cancelled now */
	char currency[4];
	bool needs_override;          /* only an administrator override can do it */
};
void cancel_eligibility_stmt(long long order_no, struct app_stmt *st);
enum oms_status cancel_eligibility_parse(const struct db_result *r, struct cancel_eligibility *e,
					 struct oms_error *err);

struct cancel_request {
	long long order_no;
	const char *reason;           /* a code of cancel_reasons, required */
	const char *note;             /* NULL or text; required by some reasons */
	const char *override_reason;  /* NULL, or an administrator's override */
};
struct cancel_result {
	long long cancellation_id, refund_id;   /* refund_id 0: none (unpaid) */
	char state[24];               /* "done" | "pending_approval" */
};
/* OMS_USAGE without a reason, OMS_INVALID for an invalid number or a text
 * too long; the server checks everything again. */
enum oms_status cancel_order_stmt(const struct cancel_request *req, struct app_stmt *st,
				  struct oms_error *err);
enum oms_status cancel_order_parse(const struct db_result *r, struct cancel_result *res,
				   struct oms_error *err);
/* Cancelling some lines (oms_api.cancel_lines): the same rules as a whole
 * order, but no administrator override; the refund covers just those
 * units (the whole rest, shipping included, when nothing is left). */
struct cancel_line {
	int line_no;                  /* the order's line number */
	int qty;                      /* units to cancel, 1 .. what is left */
};
struct cancel_lines_request {
	long long order_no;
	const struct cancel_line *lines;
	int nlines;                   /* at least 1 */
	const char *reason;           /* a code of cancel_reasons, required */
	const char *note;             /* NULL or text; required by some reasons */
};
/* OMS_USAGE without a reason or a line, OMS_INVALID for an invalid order
 * number, a line number or quantity below 1, or too many lines for one
 * statement; the server checks everything again (unknown lines, more than
 * is left, a line named twice). */
enum oms_status cancel_lines_stmt(const struct cancel_lines_request *req, struct app_stmt *st,
				  struct oms_error *err);
/* The same columns as cancel_order's. */
enum oms_status cancel_lines_parse(const struct db_result *r, struct cancel_result *res,
				   struct oms_error *err);
/* What cancelling these lines would do, changing nothing
 * (oms_api.cancel_lines_preview): the verdict and reason cancel_eligibility
 * gives, and unless refused the refund, computed by the database the way
 * cancel_lines then grants it (BR-024, BR-028). The statement checks what
 * cancel_lines_stmt checks; the server answers unknown lines, more units
 * than are left or a line named twice with OMS_INVALID, as cancel_lines
 * would, and another seller's order with OMS_NOT_FOUND. */
struct cancel_lines_preview {
	/* verdict, reason, refund (0 when refused, unpaid or nothing is
	 * left), currency; needs_override is false: lines have no override */
	struct cancel_eligibility e;
	bool cancels_order;           /* no unit would remain: the order is cancelled */
};
enum oms_status cancel_lines_preview_stmt(long long order_no, const struct cancel_line *lines,
					  int nlines, struct app_stmt *st, struct oms_error *err);
enum oms_status cancel_lines_preview_parse(const struct db_result *r, struct cancel_lines_preview *p,
					   struct oms_error *err);
/* Seller fulfilment staff or an administrator approve or refuse a pending
 * cancellation (a refusal needs a note). The result has the same columns
 * as cancel_order's (cancellation_id, state, refund_id): cancel_order_parse. */
enum oms_status decide_cancellation_stmt(long long cancellation_id, bool approve, const char *note,
					 struct app_stmt *st, struct oms_error *err);

/* Cancellations waiting for a decision that the caller can see (row-level
 * security: fulfilment its seller's, CSR and admin all), oldest first;
 * keyset: the last row's cancellation_id as after_id (0 = first page).
 * Its rows are row_pending_cancellation's (app/row.h: row_set_read). */
void pending_cancellations_stmt(int limit, long long after_id, struct app_stmt *st);

/* --- refunds -------------------------------------------------------------- */
struct refund_filter {
	char status[24];              /* "" any; a status or an approval state */
	long long order_no;           /* 0 any */
};
bool refund_status_valid(const char *s);
/* Newest first; keyset: pass the last row's id as after_id (0 = first page). */
enum oms_status refund_list_stmt(const struct refund_filter *f, long long after_id, int limit,
				 struct app_stmt *st, struct oms_error *err);
/* oms_api.refund_card: one refund, as one row of row_refund (app/row.h), or
 * no row when it does not exist or the caller may not see it. The list's
 * rows are row_refund's too. */
void refund_show_stmt(long long refund_id, struct app_stmt *st);

/* Refunds waiting for an administrator (BR-027), oldest first; keyset as
 * pending_cancellations. refundable_minor: what the order has left after
 * every refund already granted or asked for. Its rows are
 * row_pending_refund's (app/row.h: row_set_read). */
void pending_refunds_stmt(int limit, long long after_id, struct app_stmt *st);

/* A CSR's partial refund (oms_api.request_refund): waits for an
 * administrator; the database refuses more than is left (BR-028). The
 * request key names the intent: sent again with the same key and the same
 * order, amount, reason and note, the request returns the first refund's
 * id and creates nothing (so a retry after a lost connection can never
 * make a second refund); with other values it is refused (OMS_INVALID). */
struct refund_request {
	long long order_no, amount_minor;
	const char *reason;           /* required, free text */
	const char *note;             /* NULL or text */
	const char *request_key;      /* NULL, or a UUID (app_uuid_v4) */
};
enum oms_status request_refund_stmt(const struct refund_request *req, struct app_stmt *st,
				    struct oms_error *err);
/* One column refund_id. */
enum oms_status request_refund_parse(const struct db_result *r, long long *refund_id,
				     struct oms_error *err);
/* An administrator approves (queued for the gateway) or refuses (a note is
 * required here) a pending refund. No result columns. */
enum oms_status decide_refund_stmt(long long refund_id, bool approve, const char *note,
				   struct app_stmt *st, struct oms_error *err);
/* The refund dialog of the terminal client. refund_amount_input: an amount
 * as typed back into an amount field ("1234.56": no symbol, no grouping;
 * money_parse reads it). refund_line_value: what refunding one line of an
 * order_card would suggest, the price of its units not cancelled capped by
 * what is left to refund (a suggestion the CSR may change; the database
 * decides, BR-028). refund_refusal_text: a BR-028 refusal from the
 * database worded from its DETAIL (order_no, amount_minor, left_minor,
 * currency; the currency argument when DETAIL has none), its amounts
 * written as money; false (buf untouched) for any other error: then show
 * the message. */
void refund_amount_input(long long minor, const char *currency, char *buf, size_t len);
long long refund_line_value(const json_t *line, long long refundable_minor);
bool refund_refusal_text(const struct oms_error *err, const char *currency, char *buf, size_t len);

/* --- structured errors (error.c) ------------------------------------- */
/* The error's DETAIL as a JSON object (caller json_decref), NULL when the
 * server sent none or it is not a JSON object. */
json_t *app_error_detail(const struct oms_error *err);
/* {"error": {"status": "RULE", "rule": "BR-028" | null, "message": ...,
 * "sqlstate": ... (when any), "detail": {...} | null, "hint": ... (when
 * any)}}; message NULL or "" takes err's own (or the status's words). */
json_t *app_error_json(const struct oms_error *err, const char *message);

/* --- request keys (uuid.c) --------------------------------------------- */
#define APP_UUID_LEN 36
/* len bytes from getrandom(2) (or /dev/urandom); false when neither answers. */
bool app_random_bytes(void *buf, size_t len);
/* A random version 4 UUID, lower case ("1b4e28ba-2fa1-41d2-883f-0016d3cca427");
 * false (out "") when no random bytes could be had. */
bool app_uuid_v4(char out[APP_UUID_LEN + 1]);
/* 8-4-4-4-12 hex digits, any case (what PostgreSQL's uuid reads back the same). */
bool app_uuid_valid(const char *s);

/* --- formatting --------------------------------------------------------- */
/* Money: money_format, money_parse, money_exponent (src/money.h, shared
 * with oms-worker's mail). */
/* Columns a UTF-8 string takes on a terminal (wcwidth; invalid bytes count 1). */
int app_display_width(const char *s);

#endif
