/* Date words for the date prompts (ui/date_words.h). Pure: the caller
 * gives today's date, so tests/unit/test_date_words.c needs no clock. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "date_words.h"

static bool
leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
month_days(int y, int m)
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return mdays[m - 1] + (m == 2 && leap(y));
}

enum ui_date_check
ui_date_check(const char *s)
{
	int y, m, d;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return UI_DATE_SHAPE;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return UI_DATE_SHAPE;
	y = atoi(s);
	m = atoi(s + 5);
	d = atoi(s + 8);
	if (y < 1 || m < 1 || m > 12 || d < 1 || d > month_days(y, m))
		return UI_DATE_NO_DAY;
	return UI_DATE_OK;
}

/* Days back from (y, m, d), on the calendar. */
static void
days_back(int *y, int *m, int *d, long n)
{
	while (n > 0) {
		if (*d > n) {
			*d -= (int)n;
			return;
		}
		n -= *d;
		if (--*m < 1) {
			*m = 12;
			--*y;
		}
		*d = month_days(*y, *m);
	}
}

enum ui_date_check
ui_date_words(const char *text, enum ui_date_end end, int y, int m, int d, char *out, size_t len)
{
	char w[32];
	size_t n = 0;
	const char *p = text;

	out[0] = '\0';
	while (*p == ' ')
		p++;
	/* lower case, inner blanks squeezed to one, trailing ones dropped */
	for (; *p && n + 1 < sizeof w; p++) {
		if (*p == ' ' && (n == 0 || w[n - 1] == ' '))
			continue;
		w[n++] = (char)tolower((unsigned char)*p);
	}
	if (*p)
		return UI_DATE_SHAPE;
	while (n > 0 && w[n - 1] == ' ')
		n--;
	w[n] = '\0';
	if (strcmp(w, "today") == 0) {
		/* as it is */
	} else if (strcmp(w, "yesterday") == 0) {
		days_back(&y, &m, &d, 1);
	} else if (w[0] == '-' && n >= 3 && w[n - 1] == 'd') {
		char *e;
		long k = strtol(w + 1, &e, 10);

		if (e != w + n - 1 || !isdigit((unsigned char)w[1]) || k > 36600)
			return UI_DATE_SHAPE;
		days_back(&y, &m, &d, k);
	} else if (strcmp(w, "this month") == 0 || strcmp(w, "last month") == 0) {
		if (w[0] == 'l') {
			if (--m < 1) {
				m = 12;
				y--;
			}
			d = month_days(y, m);
		}
		if (end == UI_DATE_FROM)
			d = 1;
	} else {
		enum ui_date_check c = ui_date_check(w);

		if (c == UI_DATE_OK)
			snprintf(out, len, "%s", w);
		return c;
	}
	if (y < 1)
		return UI_DATE_NO_DAY;
	snprintf(out, len, "%04d-%02d-%02d", y, m, d);
	return UI_DATE_OK;
}
