/* Date words in the date prompts (ui/date_words.c), counted from a fixed
 * today so that nothing depends on the clock. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "date_words.h"

static void
is(const char *text, enum ui_date_end end, int y, int m, int d, const char *want)
{
	char out[16];

	assert_int_equal(ui_date_words(text, end, y, m, d, out, sizeof out), UI_DATE_OK);
	assert_string_equal(out, want);
}

static void
test_words(void **state)
{
	(void)state;
	is("today", UI_DATE_FROM, 2026, 3, 15, "2026-03-15");
	is("  Today ", UI_DATE_TO, 2026, 3, 15, "2026-03-15");
	is("yesterday", UI_DATE_FROM, 2026, 3, 1, "2026-02-28");
	is("yesterday", UI_DATE_FROM, 2024, 3, 1, "2024-02-29");
	is("yesterday", UI_DATE_FROM, 2026, 1, 1, "2025-12-31");
	is("-7d", UI_DATE_FROM, 2026, 3, 5, "2026-02-26");
	is("-0d", UI_DATE_FROM, 2026, 3, 5, "2026-03-05");
	is("-365d", UI_DATE_FROM, 2026, 3, 5, "2025-03-05");
	is("this month", UI_DATE_FROM, 2026, 3, 15, "2026-03-01");
	is("THIS   MONTH", UI_DATE_TO, 2026, 3, 15, "2026-03-15");
	is("last month", UI_DATE_FROM, 2026, 3, 15, "2026-02-01");
	is("last month", UI_DATE_TO, 2026, 3, 15, "2026-02-28");
	is("last month", UI_DATE_FROM, 2026, 1, 10, "2025-12-01");
	is("last month", UI_DATE_TO, 2026, 1, 10, "2025-12-31");
	is("2024-05-31", UI_DATE_TO, 2026, 1, 10, "2024-05-31");
}

static void
test_refused(void **state)
{
	char out[16] = "x";

	(void)state;
	assert_int_equal(ui_date_words("tomorrow", UI_DATE_FROM, 2026, 3, 1, out, sizeof out), UI_DATE_SHAPE);
	assert_string_equal(out, "");
	assert_int_equal(ui_date_words("-7", UI_DATE_FROM, 2026, 3, 1, out, sizeof out), UI_DATE_SHAPE);
	assert_int_equal(ui_date_words("-d", UI_DATE_FROM, 2026, 3, 1, out, sizeof out), UI_DATE_SHAPE);
	assert_int_equal(ui_date_words("--7d", UI_DATE_FROM, 2026, 3, 1, out, sizeof out), UI_DATE_SHAPE);
	assert_int_equal(ui_date_words("-7x", UI_DATE_FROM, 2026, 3, 1, out, sizeof out), UI_DATE_SHAPE);
	assert_int_equal(ui_date_words("2024-5-31", UI_DATE_FROM, 2026, 3, 1, out, sizeof out), UI_DATE_SHAPE);
	assert_int_equal(ui_date_words("2025-02-29", UI_DATE_FROM, 2026, 3, 1, out, sizeof out), UI_DATE_NO_DAY);
	assert_int_equal(ui_date_words("2024-02-29", UI_DATE_FROM, 2026, 3, 1, out, sizeof out), UI_DATE_OK);
	assert_int_equal(ui_date_check("2025-13-01"), UI_DATE_NO_DAY);
	assert_int_equal(ui_date_check("2025-04-31"), UI_DATE_NO_DAY);
	assert_int_equal(ui_date_check("20250401"), UI_DATE_SHAPE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
