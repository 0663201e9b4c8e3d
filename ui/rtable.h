/* The rows of a report's answer kept after the result is freed
 * (ui/rtable.c): the report screen, the orders behind a figure and the
 * dashboard read whatever columns their function returns, by name. */
#ifndef OMS_UI_RTABLE_H
#define OMS_UI_RTABLE_H

#include <stdbool.h>

struct db_result;

struct rtable {
	int nrows, ncols;
	char **names;              /* ncols */
	char **v;                  /* nrows * ncols, NULL for SQL NULL */
};

/* Keeps the result's rows (after those kept when append and the columns
 * are the same; else in their place). False when out of memory (t is
 * then empty). */
bool rtable_read(struct rtable *t, const struct db_result *r, bool append);
void rtable_free(struct rtable *t);
/* The column's index, -1 when none. */
int rtable_col(const struct rtable *t, const char *name);
/* The value ("" for NULL or no such column / row), as a number, NULL-ness. */
const char *rtable_get(const struct rtable *t, int row, const char *name);
const char *rtable_at(const struct rtable *t, int row, int col);
double rtable_num(const struct rtable *t, int row, const char *name);
long long rtable_ll(const struct rtable *t, int row, const char *name);
bool rtable_null(const struct rtable *t, int row, const char *name);

#endif
