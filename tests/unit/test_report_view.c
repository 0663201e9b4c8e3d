/* The report screen's pure parts: named and typed periods, the days of a
 * row's bucket, the periods of a range (ui/report_period.c), the bars and
 * the progress words (ui/chart.c, ui/export.c), counted from a fixed today
 * so nothing depends on the clock. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "chart.h"
#include "export.h"
#include "report_view.h"

static void
preset(const char *name, int y, int m, int d, const char *from, const char *to)
{
	char f[11], t[11];
	int p = ui_report_preset_find(name);

	assert_true(p >= 0);
	ui_report_preset(p, y, m, d, f, t);
	assert_string_equal(f, from);
	assert_string_equal(t, to);
}

static void
test_presets(void **state)
{
	(void)state;
	assert_int_equal(ui_report_preset_count(), 8);
	assert_string_equal(ui_report_preset_name(ui_report_preset_default()), "last 30 days");
	preset("today", 2026, 3, 1, "2026-03-01", "2026-03-01");
	preset("yesterday", 2026, 3, 1, "2026-02-28", "2026-02-28");
	preset("yesterday", 2024, 3, 1, "2024-02-29", "2024-02-29");
	preset("last 7 days", 2026, 1, 3, "2025-12-28", "2026-01-03");
	preset("Last  30 Days", 2026, 3, 15, "2026-02-14", "2026-03-15");
	preset("this month", 2026, 3, 15, "2026-03-01", "2026-03-15");
	preset("last month", 2026, 3, 15, "2026-02-01", "2026-02-28");
	preset("last month", 2026, 1, 15, "2025-12-01", "2025-12-31");
	preset("this quarter", 2026, 3, 15, "2026-01-01", "2026-03-15");
	preset("this quarter", 2026, 12, 6, "2026-10-01", "2026-12-06");
	preset("this year", 2026, 12, 6, "2026-01-01", "2026-12-06");
	assert_int_equal(ui_report_preset_find("next year"), -1);
}

static void
period(const char *text, const char *from, const char *to)
{
	char f[11], t[11];

	assert_int_equal(ui_report_period_parse(text, 2026, 12, 6, f, t), UI_DATE_OK);
	assert_string_equal(f, from);
	assert_string_equal(t, to);
}

static void
test_typed(void **state)
{
	(void)state;
	period("2025-01-20 2025-02-10", "2025-01-20", "2025-02-10");
	period("2025-01-20..today", "2025-01-20", "2026-12-06");
	period("  -7d   today ", "2026-11-29", "2026-12-06");
	period("last month", "2026-11-01", "2026-11-30");
	period("this month today", "2026-12-01", "2026-12-06");
	period("2024-02-29", "2024-02-29", "2024-02-29");
	period("this year", "2026-01-01", "2026-12-06");
	{
		char f[11], t[11];

		assert_int_equal(ui_report_period_parse("2025-02-30 today", 2026, 12, 6, f, t), UI_DATE_NO_DAY);
		assert_int_equal(ui_report_period_parse("soon", 2026, 12, 6, f, t), UI_DATE_SHAPE);
		assert_int_equal(ui_report_period_parse("", 2026, 12, 6, f, t), UI_DATE_SHAPE);
		assert_string_equal(f, "");
	}
}

static void
bucket(const char *period, const char *by, const char *from, const char *to, const char *wf,
       const char *wt)
{
	char f[11], t[11];

	ui_report_bucket(period, by, from, to, f, t);
	assert_string_equal(f, wf);
	assert_string_equal(t, wt);
}

static void
test_buckets(void **state)
{
	char p[40][11];
	int n;

	(void)state;
	bucket("2026-11-16", "day", "2026-11-07", "2026-12-06", "2026-11-16", "2026-11-16");
	/* a week starting before the range is cut to it */
	bucket("2026-11-02", "week", "2026-11-07", "2026-12-06", "2026-11-07", "2026-11-08");
	bucket("2026-11-30", "week", "2026-11-07", "2026-12-06", "2026-11-30", "2026-12-06");
	bucket("2024-02-01", "month", "2024-01-15", "2024-12-31", "2024-02-01", "2024-02-29");
	bucket("2026-11-07", "all", "2026-11-07", "2026-12-06", "2026-11-07", "2026-12-06");
	n = ui_report_periods("2026-11-07", "2026-12-06", "day", p, 40);
	assert_int_equal(n, 30);
	assert_string_equal(p[0], "2026-11-07");
	assert_string_equal(p[29], "2026-12-06");
	/* weeks start on Monday, as date_trunc('week') */
	n = ui_report_periods("2026-11-07", "2026-12-06", "week", p, 40);
	assert_int_equal(n, 5);
	assert_string_equal(p[0], "2026-11-02");
	assert_string_equal(p[4], "2026-11-30");
	n = ui_report_periods("2025-12-15", "2026-02-01", "month", p, 40);
	assert_int_equal(n, 3);
	assert_string_equal(p[0], "2025-12-01");
	assert_string_equal(p[2], "2026-02-01");
	assert_int_equal(ui_report_periods("2026-01-01", "2026-12-31", "day", p, 40), 40);
}

static void
test_bars(void **state)
{
	char buf[256];
	double v[] = { 0, 1, 4, 8 };

	(void)state;
	assert_string_equal(ui_chart_bar(5, 10, 4, true, buf, sizeof buf), "##");
	assert_string_equal(ui_chart_bar(10, 10, 4, true, buf, sizeof buf), "####");
	assert_string_equal(ui_chart_bar(0, 10, 4, true, buf, sizeof buf), "");
	/* a figure above zero always shows */
	assert_string_equal(ui_chart_bar(0.01, 10, 4, true, buf, sizeof buf), "#");
	assert_string_equal(ui_chart_bar(1, 8, 1, false, buf, sizeof buf), "\u258f");
	assert_string_equal(ui_chart_bar(20, 10, 2, false, buf, sizeof buf), "\u2588\u2588");
	assert_string_equal(ui_chart_sparkline(v, 4, true, buf, sizeof buf), " .:#");
	assert_string_equal(ui_chart_sparkline(v, 4, false, buf, sizeof buf), " \u2581\u2584\u2588");
	/* two rows of a column chart: the top row holds only the tall ones */
	assert_string_equal(ui_chart_column_row(v, 4, 2, 0, false, buf, sizeof buf), "   \u2588");
	assert_string_equal(ui_chart_column_row(v, 4, 2, 1, false, buf, sizeof buf),
			    " \u2582\u2588\u2588");
}

static void
test_progress(void **state)
{
	char buf[200];

	(void)state;
	ui_export_progress_text(1234, 5000, 0, buf, sizeof buf);
	assert_string_equal(buf, "1,234 of 5,000 rows");
	ui_export_progress_text(1000, 5000, 1000, buf, sizeof buf);
	assert_string_equal(buf, "1,000 of 5,000 rows, 1,000 rows/s, about 5 s left");
	ui_export_progress_text(1000, 1000000, 1000, buf, sizeof buf);
	assert_string_equal(buf, "1,000 of 1,000,000 rows, 1,000 rows/s, about 17 min left");
	ui_export_progress_text(500, -1, 2000, buf, sizeof buf);
	assert_string_equal(buf, "500 rows, 250 rows/s");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_presets),
		cmocka_unit_test(test_typed),
		cmocka_unit_test(test_buckets),
		cmocka_unit_test(test_bars),
		cmocka_unit_test(test_progress),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
