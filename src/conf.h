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

#endif
