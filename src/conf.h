/* oms.conf(5): an INI file of `[section]` headers and `key = value` lines,
 * `#` or `;` comments, values optionally in double quotes (with \" and \\).
 * Looked up in $OMS_CONFIG, $XDG_CONFIG_HOME/oms/oms.conf (or
 * ~/.config/oms/oms.conf), then OMS_SYSCONFDIR/oms/oms.conf; the first that
 * exists is read, none is fine. Bad lines are errors with file:line. */
#ifndef OMS_CONFIG_H
#define OMS_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include "status.h"

struct oms_config;

/* path NULL: search the standard places. Returns NULL only on error. */
struct oms_config *config_load(const char *path, struct oms_error *err);
/* Parses text already in memory (used by tests and fuzzers). */
struct oms_config *config_parse(const char *text, size_t len, const char *name,
				struct oms_error *err);
void config_free(struct oms_config *cfg);
/* The file that was read, or NULL when none existed. */
const char *config_path(const struct oms_config *cfg);

const char *config_get(const struct oms_config *cfg, const char *section,
		       const char *key, const char *def);
/* Integer in [min,max]; a value that is not one is an error, not a default. */
enum oms_status config_get_int(const struct oms_config *cfg, const char *section,
			       const char *key, long def, long min, long max,
			       long *out, struct oms_error *err);
bool config_get_bool(const struct oms_config *cfg, const char *section,
		     const char *key, bool def);
/* Visits every key of a section in file order; stops when fn returns false. */
void config_each(const struct oms_config *cfg, const char *section,
		 bool (*fn)(const char *key, const char *value, void *arg), void *arg);
/* For secrets (payment keys): error unless the file is not readable by
 * group or others. */
enum oms_status config_check_private(const struct oms_config *cfg, struct oms_error *err);

/* A duration in milliseconds: "2s", "1500ms", "1min", or a bare number of
 * milliseconds (PostgreSQL's unit for lock_timeout); within [min, max]. */
enum oms_status config_get_duration_ms(const struct oms_config *cfg, const char *section,
				       const char *key, long def, long min, long max,
				       long *out, struct oms_error *err);

/* Does a libpq conninfo string ("host=x password='a b'") or URI
 * ("postgresql://user:secret@host/db", "...?password=x", percent-encoded
 * keys included) carry a non-empty password? Never copies it anywhere. */
bool config_conninfo_has_password(const char *conninfo);
/* The first setting of the file that holds a secret: a password-bearing
 * conninfo (any key ending in "conninfo"), or a key named password,
 * api_key, secret or ending in _password, _secret, _key; false when none,
 * the section and key are stored in *section and *key. */
bool config_find_secret(const struct oms_config *cfg, const char **section, const char **key);
/* config_check_private for a file holding a secret found by
 * config_find_secret: OMS_OK when there is none or the file is private,
 * else OMS_CONFIG with a message naming the file, the [section] key and the
 * fixes (chmod 600, ~/.pgpass or PGPASSFILE, peer or certificate
 * authentication); the secret itself is never in it. */
enum oms_status config_check_secrets(const struct oms_config *cfg, struct oms_error *err);

/* Is url's host a loopback address (127.0.0.0/8 as four decimal octets,
 * [::1], localhost)? A URL with user information ("http://127.0.0.1@evil/")
 * or anything unusual in the host is not. */
bool config_url_is_loopback(const char *url);
/* A service URL that is sent a secret (api_key, SMTP password) must be
 * encrypted: https:// or smtps:// (or smtp:// with STARTTLS required, when
 * tls_required). Plain http:// or smtp:// is refused unless the host is a
 * loopback address and [section] allow_insecure_loopback = yes. */
enum oms_status config_check_transport(const struct oms_config *cfg, const char *section,
				       const char *url_key, bool tls_required,
				       struct oms_error *err);

#endif
