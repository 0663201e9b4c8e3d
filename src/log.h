/* Logging with a PII guard.
 *
 * Lines go to stderr (unless the terminal client switched it off while
 * curses owns the screen), to syslog when asked, and to an optional hook (the
 * UI's status line). Every formatted line passes through log_scrub() before
 * it is written anywhere, so an e-mail address or phone number that slipped
 * into a message is masked even if the caller forgot: "j***@example.com",
 * "+1******0199". Callers should still mask on purpose with
 * log_mask_email()/log_mask_phone(); the scrub is the safety net. */
#ifndef OMS_LOG_H
#define OMS_LOG_H

#include <stdbool.h>
#include <stddef.h>

enum log_level { LOG_LEVEL_DEBUG, LOG_LEVEL_INFO, LOG_LEVEL_WARN, LOG_LEVEL_ERROR };

typedef void (*log_hook_fn)(enum log_level level, const char *line, void *arg);

/* ident names the program in syslog and in the "oms: " stderr prefix. */
void log_open(const char *ident, enum log_level min, bool use_syslog);
void log_close(void);
void log_set_level(enum log_level min);
enum log_level log_get_level(void);
/* The terminal client turns stderr off while curses is active. */
void log_set_stderr(bool on);
void log_set_hook(log_hook_fn fn, void *arg);
/* "debug", "info", "warning"/"warn", "error"; false when unknown. */
bool log_level_parse(const char *name, enum log_level *out);

void log_msg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
#define log_debug(...) log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_LEVEL_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_LEVEL_ERROR, __VA_ARGS__)

/* Masking helpers. They write a NUL-terminated string of at most outlen-1
 * bytes (truncating) and return out. Input that is not an e-mail address /
 * phone number is masked wholesale as "***": a helper must never leak what
 * it could not parse. */
char *log_mask_email(const char *email, char *out, size_t outlen);
char *log_mask_phone(const char *phone, char *out, size_t outlen);
/* Copies line to out, masking the registered values (below), then
 * everything that looks like an e-mail address (UTF-8 ones included, an
 * '@' written "%40", the domain folded onto the next line) or a phone
 * number (with a leading '+' or "00", or grouped like 555 010 0199,
 * (555) 010-0199, 020 7946 0958). Plain digit runs (order numbers, ids,
 * amounts), dates, times and IPv4 addresses are left alone. Returns the
 * length written. */
size_t log_scrub(const char *line, char *out, size_t outlen);

/* Personal data the work in hand knows (the customer's e-mail, phone,
 * name, address, the recipient of a mail): from log_pii_add until
 * log_pii_forget, log_scrub (so every log line, and whatever the worker
 * writes to an outbox row) replaces each registered value wherever it
 * appears: in any letter case (Latin, Greek, Cyrillic), percent- or
 * form-encoded, RFC 2047 encoded, JSON-escaped, with quotes escaped, folded
 * across lines; a phone number in any spacing, with a trunk 0 or a 00
 * prefix; each word of a name on its own. The shapes above remain the
 * second net. owner is any pointer naming the work (a job). */
enum log_pii_kind { LOG_PII_EMAIL, LOG_PII_PHONE, LOG_PII_NAME, LOG_PII_ADDRESS };
void log_pii_add(const void *owner, enum log_pii_kind kind, const char *value);
void log_pii_forget(const void *owner);

#endif
