#include "config.h"

#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "app/app.h"

static void
check(long long minor, const char *cur, const char *want)
{
	char buf[64];

	money_format(minor, cur, buf, sizeof buf);
	assert_string_equal(buf, want);
}

static void
test_usd(void **state)
{
	(void)state;
	check(123456, "USD", "$1,234.56");
	check(0, "USD", "$0.00");
	check(5, "USD", "$0.05");
	check(99, "USD", "$0.99");
	check(100, "USD", "$1.00");
	check(100000, "USD", "$1,000.00");
	check(99999999, "USD", "$999,999.99");
	check(123456789012LL, "USD", "$1,234,567,890.12");
	check(-123456, "USD", "-$1,234.56");
	check(-5, "USD", "-$0.05");
}

static void
test_other_currencies(void **state)
{
	(void)state;
	check(123456, "EUR", "1,234.56 EUR");
	check(123456, "JPY", "123,456 JPY");
	check(123456, "KWD", "123.456 KWD");
	check(-100, "GBP", "-1.00 GBP");
	check(123456, "", "1,234.56");
	check(123456, NULL, "1,234.56");
}

static void
test_extremes(void **state)
{
	char small[6];

	(void)state;
	check(LLONG_MAX, "USD", "$92,233,720,368,547,758.07");
	check(LLONG_MIN, "USD", "-$92,233,720,368,547,758.08");
	money_format(123456, "USD", small, sizeof small);
	assert_string_equal(small, "$1,23");           /* truncated, terminated */
	money_format(1, "USD", NULL, 0);               /* no crash */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_usd),
		cmocka_unit_test(test_other_currencies),
		cmocka_unit_test(test_extremes),
	};

	return cmocka_run_group_tests_name("money", tests, NULL, NULL);
}
