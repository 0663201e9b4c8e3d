#include "config.h"

#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "money.h"

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
	check(LLONG_MAX, "JPY", "9,223,372,036,854,775,807 JPY");
	check(LLONG_MIN, "KWD", "-9,223,372,036,854,775.808 KWD");
	money_format(123456, "USD", small, sizeof small);
	assert_string_equal(small, "$1,23");           /* truncated, terminated */
	money_format(1, "USD", NULL, 0);               /* no crash */
}

/* Zero-, two- and three-decimal currencies (and CLF's four) around the
 * largest amount oms takes (9e15 minor units, money_parse). */
static void
test_exponents(void **state)
{
	(void)state;
	check(0, "JPY", "0 JPY");
	check(0, "KWD", "0.000 KWD");
	check(1, "KWD", "0.001 KWD");
	check(-1, "KWD", "-0.001 KWD");
	check(-123456, "KWD", "-123.456 KWD");
	check(-123456, "JPY", "-123,456 JPY");
	check(5, "JPY", "5 JPY");
	check(1000, "BHD", "1.000 BHD");
	check(123456, "CLF", "12.3456 CLF");
	check(9000000000000000LL, "JPY", "9,000,000,000,000,000 JPY");
	check(9000000000000000LL, "USD", "$90,000,000,000,000.00");
	check(9000000000000000LL, "KWD", "9,000,000,000,000.000 KWD");
	check(-8999999999999999LL, "KWD", "-8,999,999,999,999.999 KWD");
	check(8999999999999999LL, "USD", "$89,999,999,999,999.99");
	assert_int_equal(money_exponent("JPY"), 0);
	assert_int_equal(money_exponent("USD"), 2);
	assert_int_equal(money_exponent("KWD"), 3);
	assert_int_equal(money_exponent("CLF"), 4);
}

/* An unknown code keeps exponent 2 and is shown; a code that is not three
 * letters shows as "???" (nothing a payload carries reaches the text);
 * lower case is the same currency. */
static void
test_unknown_codes(void **state)
{
	(void)state;
	check(123456, "XYZ", "1,234.56 XYZ");
	check(-5, "QQQ", "-0.05 QQQ");
	check(123456, "kwd", "123.456 KWD");
	check(123456, "usd", "$1,234.56");
	check(123456, "K1D", "1,234.56 ???");
	check(123456, "KWDX", "1,234.56 ???");
	check(123456, "KW", "1,234.56 ???");
	check(123456, "K\r\nD", "1,234.56 ???");
	check(123456, "\xc3\xa9UR", "1,234.56 ???");
	assert_int_equal(money_exponent("XYZ"), 2);
	assert_int_equal(money_exponent("KWDX"), 2);
	assert_int_equal(money_exponent(NULL), 2);
	assert_int_equal(money_exponent(""), 2);
	assert_null(money_currency_find("XYZ"));
	assert_null(money_currency_find(NULL));
	assert_string_equal(money_currency_find("kwd")->name, "Kuwaiti Dinar");
}

/* CSV's plain decimal uses the same exponents. */
static void
test_decimal(void **state)
{
	char b[48];

	(void)state;
	money_decimal(-123456, "KWD", b, sizeof b);
	assert_string_equal(b, "-123.456");
	money_decimal(123456, "JPY", b, sizeof b);
	assert_string_equal(b, "123456");
	money_decimal(5, "USD", b, sizeof b);
	assert_string_equal(b, "0.05");
	money_decimal(123456, "XYZ", b, sizeof b);
	assert_string_equal(b, "1234.56");
	money_decimal(LLONG_MIN, "KWD", b, sizeof b);
	assert_string_equal(b, "-9223372036854775.808");
}

/* A typed amount takes at most the currency's decimals. */
static void
test_parse(void **state)
{
	long long v;

	(void)state;
	assert_true(money_parse("123.456", "KWD", &v));
	assert_int_equal(v, 123456);
	assert_false(money_parse("1.2345", "KWD", &v));
	assert_true(money_parse("1234", "JPY", &v));
	assert_int_equal(v, 1234);
	assert_false(money_parse("12.3", "JPY", &v));
	assert_true(money_parse("$12.3", "USD", &v));
	assert_int_equal(v, 1230);
	assert_false(money_parse("$12.3", "EUR", &v));
	assert_true(money_parse("9000000000000", "KWD", &v));
	assert_int_equal(v, 9000000000000000LL);
	assert_false(money_parse("9000000000000.001", "KWD", &v));
	assert_true(money_parse("12.34", "XYZ", &v));   /* unknown: 2 decimals */
	assert_int_equal(v, 1234);
}

/* The table is sorted (bsearch), without duplicates, with exponents 0..4;
 * every row is found by its code. Its equality with oms.currency is
 * tests/db/currency.test's. */
static void
test_table(void **state)
{
	const struct money_currency *c, *prev = NULL;
	size_t n = 0;

	(void)state;
	for (size_t i = 0; (c = money_currency_at(i)); i++, n++) {
		assert_int_equal(strlen(c->code), 3);
		assert_true(c->exponent >= 0 && c->exponent <= 4);
		assert_true(c->name && *c->name);
		if (prev)
			assert_true(strcmp(prev->code, c->code) < 0);
		assert_ptr_equal(money_currency_find(c->code), c);
		prev = c;
	}
	assert_true(n >= 150);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_usd),
		cmocka_unit_test(test_other_currencies),
		cmocka_unit_test(test_extremes),
		cmocka_unit_test(test_exponents),
		cmocka_unit_test(test_unknown_codes),
		cmocka_unit_test(test_decimal),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_table),
	};

	return cmocka_run_group_tests_name("money", tests, NULL, NULL);
}
