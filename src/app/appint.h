/* Private helpers of src/app (not for ui/). */
#ifndef OMS_APP_APPINT_H
#define OMS_APP_APPINT_H

#include <stdbool.h>
#include <stddef.h>

#include "app/app.h"

struct db_result;

/* Copies at most len-1 bytes, never splitting a UTF-8 sequence. */
void app_copy(char *dst, size_t len, const char *src);
/* Column by name -> dst (""/0 when the column is absent or NULL). */
void app_col_str(const struct db_result *r, int row, const char *name, char *dst, size_t len);
long long app_col_ll(const struct db_result *r, int row, const char *name);
bool app_col_bool(const struct db_result *r, int row, const char *name);
/* Fails with OMS_SCHEMA unless every named column is in the result. */
enum oms_status app_cols_check(const struct db_result *r, const char *const *names,
			       struct oms_error *err);
/* Appends a text parameter: blank (only spaces, tabs, newlines) counts as
 * absent (OMS_USAGE "<what> is required" when required, else SQL NULL);
 * more than OMS_NOTE_MAX characters is OMS_INVALID. */
enum oms_status app_text_arg(struct app_stmt *st, const char *what, const char *value,
			     bool required, struct oms_error *err);
/* NULL, empty or only spaces, tabs and newlines (no text, for a note). */
bool app_text_blank(const char *s);
/* Characters of a UTF-8 string (an invalid byte counts as one). */
long app_utf8_chars(const char *s);
/* Length of the valid UTF-8 sequence at s (1..4), 0 when invalid. */
int app_utf8_seq(const unsigned char *s, size_t avail, unsigned *cp);

#endif
