/* Periods of the report screen (ui/report_view.h). Pure. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_view.h"

/* days since 1970-01-01 of a civil date, and back (H. Hinnant) */
static long
days_of(int y, int m, int d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
civil_of(long z, int *y, int *m, int *d)
{
	long era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static void
put_day(long z, char *out)
{
	int y, m, d;
	char buf[48];

	civil_of(z, &y, &m, &d);
	snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
	memcpy(out, buf, 10);
	out[10] = '\0';
}

static long
parse_day(const char *s)
{
	if (strlen(s) < 10)
		return 0;
	return days_of(atoi(s), atoi(s + 5), atoi(s + 8));
}

static const char *const presets[] = {
	"today", "yesterday", "last 7 days", "last 30 days",
	"this month", "last month", "this quarter", "this year",
};
#define NPRESETS ((int)(sizeof presets / sizeof presets[0]))

int
ui_report_preset_count(void)
{
	return NPRESETS;
}

int
ui_report_preset_default(void)
{
	return 3;
}

const char *
ui_report_preset_name(int p)
{
	return p >= 0 && p < NPRESETS ? presets[p] : "";
}

void
ui_report_preset(int p, int y, int m, int d, char *from, char *to)
{
	long today = days_of(y, m, d), f = today, t = today;

	switch (p) {
	case 1: f = t = today - 1; break;
	case 2: f = today - 6; break;
	case 3: f = today - 29; break;
	case 4: f = days_of(y, m, 1); break;
	case 5:
		t = days_of(y, m, 1) - 1;
		f = m == 1 ? days_of(y - 1, 12, 1) : days_of(y, m - 1, 1);
		break;
	case 6: f = days_of(y, (m - 1) / 3 * 3 + 1, 1); break;
	case 7: f = days_of(y, 1, 1); break;
	default: break;
	}
	put_day(f, from);
	put_day(t, to);
}

/* lower case, blanks squeezed */
static void
squeeze(const char *text, char *w, size_t len)
{
	size_t n = 0;

	for (const char *p = text; *p && n + 1 < len; p++) {
		if (isspace((unsigned char)*p)) {
			if (n == 0 || w[n - 1] == ' ')
				continue;
			w[n++] = ' ';
			continue;
		}
		w[n++] = (char)tolower((unsigned char)*p);
	}
	while (n > 0 && w[n - 1] == ' ')
		n--;
	w[n] = '\0';
}

int
ui_report_preset_find(const char *text)
{
	char w[64];

	squeeze(text, w, sizeof w);
	for (int p = 0; p < NPRESETS; p++)
		if (strcmp(w, presets[p]) == 0)
			return p;
	return -1;
}

static enum ui_date_check
two(const char *a, const char *b, int y, int m, int d, char *from, char *to)
{
	char f[16], t[16];
	enum ui_date_check c;

	if ((c = ui_date_words(a, UI_DATE_FROM, y, m, d, f, sizeof f)) != UI_DATE_OK)
		return c;
	if ((c = ui_date_words(b, UI_DATE_TO, y, m, d, t, sizeof t)) != UI_DATE_OK)
		return c;
	memcpy(from, f, 10);
	from[10] = '\0';
	memcpy(to, t, 10);
	to[10] = '\0';
	return UI_DATE_OK;
}

enum ui_date_check
ui_report_period_parse(const char *text, int y, int m, int d, char *from, char *to)
{
	char w[128], a[128];
	char *dots;
	int p = ui_report_preset_find(text);
	enum ui_date_check best = UI_DATE_SHAPE;

	from[0] = to[0] = '\0';
	if (p >= 0) {
		ui_report_preset(p, y, m, d, from, to);
		return UI_DATE_OK;
	}
	squeeze(text, w, sizeof w);
	if (!w[0])
		return UI_DATE_SHAPE;
	if ((dots = strstr(w, "..")) != NULL) {
		snprintf(a, sizeof a, "%.*s", (int)(dots - w), w);
		return two(a, dots + 2, y, m, d, from, to);
	}
	/* one date or word: the days it names */
	if (two(w, w, y, m, d, from, to) == UI_DATE_OK)
		return UI_DATE_OK;
	/* two: split at a blank where both halves are dates */
	for (char *sp = strchr(w, ' '); sp; sp = strchr(sp + 1, ' ')) {
		enum ui_date_check c;

		snprintf(a, sizeof a, "%.*s", (int)(sp - w), w);
		c = two(a, sp + 1, y, m, d, from, to);
		if (c == UI_DATE_OK)
			return c;
		if (c == UI_DATE_NO_DAY)
			best = c;
	}
	if (best == UI_DATE_SHAPE && ui_date_check(w) == UI_DATE_NO_DAY)
		best = UI_DATE_NO_DAY;
	from[0] = to[0] = '\0';
	return best;
}

void
ui_report_bucket(const char *period, const char *by, const char *from, const char *to,
		 char *bfrom, char *bto)
{
	long p = parse_day(period), end = p;
	int y, m, d;

	if (strcmp(by, "week") == 0) {
		end = p + 6;
	} else if (strcmp(by, "month") == 0) {
		civil_of(p, &y, &m, &d);
		end = (m == 12 ? days_of(y + 1, 1, 1) : days_of(y, m + 1, 1)) - 1;
	} else if (strcmp(by, "all") == 0) {
		end = to[0] ? parse_day(to) : p;
	}
	if (from[0] && p < parse_day(from))
		p = parse_day(from);
	if (to[0] && end > parse_day(to))
		end = parse_day(to);
	put_day(p, bfrom);
	put_day(end, bto);
}

int
ui_report_periods(const char *from, const char *to, const char *by, char (*out)[11], int max)
{
	long f = parse_day(from), t = parse_day(to), p = f;
	int n = 0, y, m, d;

	if (strcmp(by, "all") == 0) {
		if (max > 0)
			put_day(f, out[n++]);
		return n;
	}
	if (strcmp(by, "week") == 0)
		p = f - ((f + 3) % 7 + 7) % 7;          /* 1970-01-01 was a Thursday */
	else if (strcmp(by, "month") == 0) {
		civil_of(f, &y, &m, &d);
		p = days_of(y, m, 1);
	}
	while (p <= t && n < max) {
		put_day(p, out[n++]);
		if (strcmp(by, "week") == 0) {
			p += 7;
		} else if (strcmp(by, "month") == 0) {
			civil_of(p, &y, &m, &d);
			p = m == 12 ? days_of(y + 1, 1, 1) : days_of(y, m + 1, 1);
		} else {
			p++;
		}
	}
	return n;
}
