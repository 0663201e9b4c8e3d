/* Dates as a CSR types them into a date prompt: YYYY-MM-DD, or the words
 * today, yesterday, -Nd (N days ago), this month, last month. */
#ifndef OMS_UI_DATE_WORDS_H
#define OMS_UI_DATE_WORDS_H

#include <stdbool.h>
#include <stddef.h>

/* Which end of a range the date is for: "this month" is its first day as
 * a From, its last day (today's month: today) as a To. */
enum ui_date_end { UI_DATE_FROM, UI_DATE_TO };

enum ui_date_check { UI_DATE_OK, UI_DATE_SHAPE, UI_DATE_NO_DAY };

/* Checks a day of the calendar written YYYY-MM-DD (2025-02-30 is
 * UI_DATE_NO_DAY), so a filter never holds a date the database refuses. */
enum ui_date_check ui_date_check(const char *s);

/* Turns text into YYYY-MM-DD in out (11 bytes at least), words counted
 * from today (y, m, d); case and surrounding blanks do not matter.
 * Returns UI_DATE_OK, or why not (out is then ""). */
enum ui_date_check ui_date_words(const char *text, enum ui_date_end end, int y, int m, int d,
				 char *out, size_t len);

#endif
