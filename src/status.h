/* One error model for the whole program: a status code with a message.
 * Recoverable errors go to the status line; fatal ones restore the terminal
 * before printing (ui_die). The table is an X-macro so the codes, their
 * names and their messages never drift apart. */
#ifndef OMS_STATUS_H
#define OMS_STATUS_H

#include <stddef.h>

#define OMS_STATUS_TABLE(X) \
	X(OK,           "ok") \
	X(NOT_FOUND,    "not found") \
	X(USAGE,        "invalid usage") \
	X(INVALID,      "invalid input") \
	X(DENIED,       "not allowed for your role") \
	X(RULE,         "refused by a business rule") \
	X(CONFLICT,     "already done by someone else") \
	X(DB,           "database error") \
	X(DB_GONE,      "database connection lost") \
	X(RETRY,        "changed or locked by another session; nothing was done, try again") \
	X(READ_ONLY,    "the database server is read-only (a standby, or read-only mode); nothing was changed") \
	X(CANCELLED,    "cancelled") \
	X(CONFIG,       "configuration error") \
	X(IO,           "input/output error") \
	X(NOMEM,        "out of memory") \
	X(HTTP,         "remote service error") \
	X(SCHEMA,       "database schema does not match this program")

enum oms_status {
#define OMS_STATUS_ENUM(name, msg) OMS_##name,
	OMS_STATUS_TABLE(OMS_STATUS_ENUM)
#undef OMS_STATUS_ENUM
	OMS_STATUS_COUNT
};

/* Bounds of the server's DETAIL and HINT kept in an error: our refusals'
 * DETAIL is a small JSON object (a rule id and a few numbers); longer text
 * is cut (and then no longer parses as JSON). */
#define OMS_ERROR_DETAIL_MAX 2048
#define OMS_ERROR_HINT_MAX 512

/* An error with a human-readable message (already free of PII), kept whole
 * the way psql keeps it (SQLSTATE, message, detail, hint). A value type:
 * copied by assignment, no resources to free. */
struct oms_error {
	enum oms_status status;
	char sqlstate[6];       /* from the server, "" if none */
	char msg[512];          /* one line, shown to the user */
	/* The server's DETAIL, kept only when it is a JSON object (our SQL's
	 * refusals: {"rule": "BR-028", "order_no": ..., ...}); PostgreSQL's
	 * own details can quote data values (a unique key's e-mail), so any
	 * other DETAIL is dropped. "" when none. */
	char detail[OMS_ERROR_DETAIL_MAX];
	char hint[OMS_ERROR_HINT_MAX];  /* the server's HINT, "" when none */
};

const char *oms_status_message(enum oms_status st);
const char *oms_status_name(enum oms_status st);
/* Sets err (if not NULL) and returns st, so callers can `return oms_fail(...)`. */
enum oms_status oms_fail(struct oms_error *err, enum oms_status st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void oms_error_clear(struct oms_error *err);

#endif
