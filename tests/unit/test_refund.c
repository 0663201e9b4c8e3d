#include "config.h"

/* The refund dialog's pure helpers (src/app/refund.c) and the reading of a
 * typed amount they rely on (money_parse; money_format has test_money):
 * every currency exponent, boundaries of the amount range, and input that
 * is hostile or just odd. */

#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "app/app.h"

/* --- money_parse ---------------------------------------------------------- */

static void
parses(const char *text, const char *cur, long long want)
{
	long long v = -1;

	if (!money_parse(text, cur, &v))
		fail_msg("money_parse(\"%s\", %s) refused, wanted %lld", text, cur ? cur : "NULL", want);
	assert_int_equal(v, want);
}

static void
refuses(const char *text, const char *cur)
{
	long long v = -1;

	if (money_parse(text, cur, &v))
		fail_msg("money_parse(\"%s\", %s) accepted as %lld", text ? text : "(null)",
			 cur ? cur : "NULL", v);
	assert_int_equal(v, 0);           /* never a stale or partial value */
}

static void
test_parse_two_decimals(void **state)
{
	(void)state;
	parses("12.34", "USD", 1234);
	parses("12", "USD", 1200);
	parses("12.3", "USD", 1230);
	parses("12.", "USD", 1200);
	parses(".5", "USD", 50);
	parses("0.01", "USD", 1);
	parses("$12.34", "USD", 1234);
	parses("  12.34  ", "USD", 1234);
	parses("007.50", "USD", 750);
	parses("12.34", "EUR", 1234);
	parses("12.34", NULL, 1234);      /* no currency: two decimals */
	parses("12.34", "", 1234);
	parses("12.34", "XYZ", 1234);     /* unknown code: two decimals */
}

static void
test_parse_other_exponents(void **state)
{
	(void)state;
	parses("1500", "JPY", 1500);
	parses("1", "JPY", 1);
	refuses("15.0", "JPY");           /* no decimals at all in yen */
	refuses("15.", "JPY");
	refuses(".5", "JPY");
	refuses("$15", "JPY");
	parses("1500", "KRW", 1500);
	parses("1.234", "KWD", 1234);
	parses("1", "KWD", 1000);
	parses("0.001", "BHD", 1);
	parses("1.2", "TND", 1200);
	refuses("1.2345", "KWD");
}

static void
test_parse_refused(void **state)
{
	(void)state;
	refuses(NULL, "USD");
	refuses("", "USD");
	refuses("   ", "USD");
	refuses(".", "USD");
	refuses("$", "USD");
	refuses("0", "USD");              /* positive amounts only */
	refuses("0.00", "USD");
	refuses("$0.00", "USD");
	refuses("-1", "USD");
	refuses("-1.00", "EUR");
	refuses("-$1", "USD");
	refuses("$-1", "USD");
	refuses("+1", "USD");
	refuses("1.234", "USD");          /* more decimals than the currency has */
	refuses("1.001", "EUR");
	refuses("1,000.00", "USD");       /* no grouping */
	refuses("1 000", "EUR");
	refuses("1..2", "USD");
	refuses("1.2.3", "USD");
	refuses("12a", "USD");
	refuses("a12", "USD");
	refuses("1e3", "USD");
	refuses("0x10", "USD");
	refuses("$12", "EUR");            /* the dollar sign is for dollars */
	refuses("12$", "USD");
	refuses("$$12", "USD");
	refuses("12 USD", "USD");
	refuses("\t12", "USD");
	refuses("12\n", "USD");
	refuses("\xef\xbc\x91\xef\xbc\x92", "USD");   /* full-width digits */
	refuses("\xff" "12", "USD");                 /* invalid UTF-8 */
	refuses("12\xc3", "USD");
}

static void
test_parse_range(void **state)
{
	char big[1024];

	(void)state;
	/* the largest amount taken is 9e15 minor units, however it is written */
	parses("90000000000000", "USD", 9000000000000000LL);
	parses("90000000000000.00", "USD", 9000000000000000LL);
	parses("89999999999999.99", "USD", 8999999999999999LL);
	parses("9000000000000000", "JPY", 9000000000000000LL);
	parses("9000000000000.000", "KWD", 9000000000000000LL);
	refuses("90000000000000.01", "USD");
	refuses("90000000000001", "USD");
	refuses("9000000000000001", "JPY");
	refuses("9223372036854775807", "JPY");      /* LLONG_MAX */
	refuses("9223372036854775808", "JPY");      /* would wrap */
	refuses("18446744073709551617", "JPY");
	refuses("92233720368547758.07", "USD");
	/* leading zeros are no amount */
	memset(big, '0', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	refuses(big, "USD");
	big[sizeof big - 2] = '1';
	parses(big, "USD", 100);
	memset(big, '9', sizeof big - 1);
	refuses(big, "USD");
}

/* --- refund_amount_input -------------------------------------------------- */

static void
input(long long minor, const char *cur, const char *want)
{
	char buf[64];

	memset(buf, 'x', sizeof buf);
	refund_amount_input(minor, cur, buf, sizeof buf);
	assert_string_equal(buf, want);
}

static void
test_amount_input(void **state)
{
	(void)state;
	input(123456, "USD", "1234.56");
	input(5, "USD", "0.05");
	input(100, "USD", "1.00");
	input(0, "USD", "0.00");
	input(-1, "USD", "0.00");
	input(LLONG_MIN, "USD", "0.00");
	input(123456, "EUR", "1234.56");
	input(123456, NULL, "1234.56");
	input(123456, "", "1234.56");
	input(1500, "JPY", "1500");
	input(0, "JPY", "0");
	input(1234, "KWD", "1.234");
	input(5, "KWD", "0.005");
	input(1000, "OMR", "1.000");
	input(LLONG_MAX, "USD", "92233720368547758.07");
	input(LLONG_MAX, "JPY", "9223372036854775807");
}

static void
test_amount_input_small_buffer(void **state)
{
	char buf[8];

	(void)state;
	memset(buf, 'x', sizeof buf);
	refund_amount_input(123456789, "USD", buf, 5);
	assert_string_equal(buf, "1234");             /* truncated, terminated */
	assert_int_equal(buf[5], 'x');                /* nothing past len */
	memset(buf, 'x', sizeof buf);
	refund_amount_input(123456789, "USD", buf, 0);
	assert_int_equal(buf[0], 'x');                /* len 0: untouched */
}

/* What the field is filled with reads back as the same amount. */
static void
test_amount_input_round_trip(void **state)
{
	static const char *const curs[] = {"USD", "EUR", "JPY", "KWD", "CLP", "BHD", NULL};
	static const long long vals[] = {1, 9, 10, 99, 100, 101, 999, 1000, 1001, 123456,
					 1000000007LL, 8999999999999999LL, 9000000000000000LL};

	(void)state;
	for (int c = 0; curs[c]; c++) {
		for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
			char buf[64];
			long long back = -1;

			refund_amount_input(vals[i], curs[c], buf, sizeof buf);
			if (!money_parse(buf, curs[c], &back) || back != vals[i])
				fail_msg("%lld %s -> \"%s\" -> %lld", vals[i], curs[c], buf, back);
		}
	}
}

/* --- refund_line_value ---------------------------------------------------- */

static long long
line_value(const char *json, long long refundable)
{
	json_error_t jerr;
	json_t *line = json_loads(json, 0, &jerr);
	long long v;

	if (!line)
		fail_msg("bad test JSON %s: %s", json, jerr.text);
	v = refund_line_value(line, refundable);
	json_decref(line);
	return v;
}

static void
test_line_value(void **state)
{
	(void)state;
	/* 3 units at 5.00, 1 cancelled: 10.00 */
	assert_int_equal(line_value("{\"qty\": 3, \"cancelled_qty\": 1, \"unit_price_minor\": 500}",
				    100000), 1000);
	assert_int_equal(line_value("{\"qty\": 3, \"unit_price_minor\": 500}", 100000), 1500);
	/* capped by what is left to refund */
	assert_int_equal(line_value("{\"qty\": 3, \"cancelled_qty\": 1, \"unit_price_minor\": 500}",
				    700), 700);
	assert_int_equal(line_value("{\"qty\": 2, \"unit_price_minor\": 500}", 1000), 1000);
	assert_int_equal(line_value("{\"qty\": 2, \"unit_price_minor\": 500}", 1001), 1000);
	/* nothing to suggest */
	assert_int_equal(line_value("{\"qty\": 3, \"cancelled_qty\": 3, \"unit_price_minor\": 500}",
				    100000), 0);
	assert_int_equal(line_value("{\"qty\": 3, \"cancelled_qty\": 1, \"unit_price_minor\": 500}",
				    0), 0);
	assert_int_equal(line_value("{\"qty\": 3, \"cancelled_qty\": 1, \"unit_price_minor\": 500}",
				    -5), 0);
	assert_int_equal(line_value("{\"qty\": 3, \"unit_price_minor\": 0}", 100000), 0);
	assert_int_equal(line_value("{}", 100000), 0);
	assert_int_equal(refund_line_value(NULL, 100000), 0);
	/* numbers as text, as some JSON producers write bigints */
	assert_int_equal(line_value("{\"qty\": \"2\", \"unit_price_minor\": \"250\"}", 100000), 500);
}

/* Nothing the database would send, but the function takes any JSON: never
 * a negative suggestion, never an overflow (UBSan in the sanitizer pass). */
static void
test_line_value_hostile(void **state)
{
	(void)state;
	assert_int_equal(line_value("{\"qty\": 3, \"cancelled_qty\": 5, \"unit_price_minor\": 500}",
				    100000), 0);
	assert_int_equal(line_value("{\"qty\": -3, \"unit_price_minor\": 500}", 100000), 0);
	assert_int_equal(line_value("{\"qty\": 3, \"unit_price_minor\": -500}", 100000), 0);
	assert_int_equal(line_value("{\"qty\": -3, \"unit_price_minor\": -500}", 100000), 0);
	assert_int_equal(line_value("{\"qty\": 3, \"cancelled_qty\": -2, \"unit_price_minor\": 500}",
				    100000), 1500);
	assert_int_equal(line_value("{\"qty\": 9223372036854775807, \"cancelled_qty\": "
				    "-9223372036854775807, \"unit_price_minor\": 1}", 100000), 100000);
	assert_int_equal(line_value("{\"qty\": 9223372036854775807, "
				    "\"unit_price_minor\": 9223372036854775807}", 100000), 100000);
	assert_int_equal(line_value("{\"qty\": 4611686018427387904, \"unit_price_minor\": 2}",
				    LLONG_MAX), LLONG_MAX);
	assert_int_equal(line_value("{\"qty\": 3, \"unit_price_minor\": 3074457345618258602}",
				    LLONG_MAX), 9223372036854775806LL);
	assert_int_equal(line_value("{\"qty\": \"lots\", \"unit_price_minor\": 500}", 100000), 0);
	assert_int_equal(line_value("{\"qty\": [3], \"unit_price_minor\": {\"a\": 1}}", 100000), 0);
	assert_int_equal(line_value("[3, 500]", 100000), 0);
}

/* --- refund_refusal_text -------------------------------------------------- */

/* The words oms.refuse says it with (sql/functions/60_refunds.sql); the
 * facts are in DETAIL, never read from these words. */
#define BR028 "BR-028: a refund of %s exceeds the %s left to refund on order %s"

static struct oms_error
rule_error(enum oms_status st, const char *msg)
{
	struct oms_error e;

	memset(&e, 0, sizeof e);
	e.status = st;
	snprintf(e.msg, sizeof e.msg, "%s", msg);
	return e;
}

static void
not_refusal(enum oms_status st, const char *msg)
{
	struct oms_error e = rule_error(st, msg);
	char buf[64];

	memset(buf, 'x', sizeof buf);
	buf[sizeof buf - 1] = '\0';
	if (refund_refusal_text(&e, "USD", buf, sizeof buf))
		fail_msg("read as BR-028: %s", msg);
	for (size_t i = 0; i < sizeof buf - 1; i++)
		assert_int_equal(buf[i], 'x');        /* untouched */
}

/* --- refusals worded from DETAIL (the JSON the database sends) ----------- */

static struct oms_error
detail_error(enum oms_status st, const char *msg, const char *detail)
{
	struct oms_error e = rule_error(st, msg);

	snprintf(e.detail, sizeof e.detail, "%s", detail);
	return e;
}

#define BR028_DETAIL "{\"rule\": \"BR-028\", \"order_no\": %s, \"amount_minor\": %s, " \
	"\"left_minor\": %s, \"currency\": %s}"

static void
detail_refusal(const char *detail, const char *cur, const char *want)
{
	/* the message says nothing the text could be read from */
	struct oms_error e = detail_error(OMS_RULE, "BR-028: too much", detail);
	char buf[256];

	memset(buf, 'x', sizeof buf);
	if (!refund_refusal_text(&e, cur, buf, sizeof buf))
		fail_msg("not read as BR-028: %s", detail);
	assert_string_equal(buf, want);
}

static void
test_refusal_text(void **state)
{
	char d[512];

	(void)state;
	/* no currency in DETAIL: the dialog's */
	snprintf(d, sizeof d, BR028_DETAIL, "10000007", "50000", "12345", "null");
	detail_refusal(d, "USD", "BR-028: $500.00 is more than the $123.45 left to refund on order 10000007.");
	detail_refusal(d, "EUR", "BR-028: 500.00 EUR is more than the 123.45 EUR left to refund on order "
		       "10000007.");
	detail_refusal(d, "JPY", "BR-028: 50,000 JPY is more than the 12,345 JPY left to refund on order "
		       "10000007.");
	detail_refusal(d, "KWD", "BR-028: 50.000 KWD is more than the 12.345 KWD left to refund on order "
		       "10000007.");
	detail_refusal(d, NULL, "BR-028: 500.00 is more than the 123.45 left to refund on order 10000007.");
	snprintf(d, sizeof d, BR028_DETAIL, "10000007", "1", "0", "null");
	detail_refusal(d, "USD", "BR-028: $0.01 is more than the $0.00 left to refund on order 10000007.");
	snprintf(d, sizeof d, BR028_DETAIL, "10000007", "9223372036854775807", "9223372036854775806", "null");
	detail_refusal(d, "USD", "BR-028: $92,233,720,368,547,758.07 is more than the "
		       "$92,233,720,368,547,758.06 left to refund on order 10000007.");
}

static void
test_refusal_text_other_errors(void **state)
{
	char msg[256];

	(void)state;
	/* without DETAIL nothing is read from the words of the message, not
	 * even the database's own BR-028 sentence */
	snprintf(msg, sizeof msg, BR028, "50000", "12345", "10000007");
	not_refusal(OMS_RULE, msg);
	not_refusal(OMS_INVALID, msg);        /* only a rule refusal */
	not_refusal(OMS_DB, msg);
	not_refusal(OMS_OK, msg);
	not_refusal(OMS_RULE, "BR-014: only PENDING or CONFIRMED orders can be cancelled");
	not_refusal(OMS_RULE, "");
	not_refusal(OMS_RULE, "BR-028: a refund of 50000 exceeds the 12345 left to refund");
	not_refusal(OMS_RULE, "BR-028: a refund of 50000 exceeds the 12345 left to refund on order");
	not_refusal(OMS_RULE, "BR-028: a refund of 50000 exceeds the 12345 left to refund on order "
		    "10000007, or so");
	not_refusal(OMS_RULE, "BR-028: a refund of $500 exceeds the 12345 left to refund on order 1");
	not_refusal(OMS_RULE, "BR-028: a refund of 500.00 exceeds the 12345 left to refund on order 1");
	not_refusal(OMS_RULE, "br-028: a refund of 50000 exceeds the 12345 left to refund on order 1");
	not_refusal(OMS_RULE, "BR-028: a refund of \xff exceeds the 12345 left to refund on order 1");
	/* a message filling the whole buffer: still one line of the error */
	{
		struct oms_error e = rule_error(OMS_RULE, "");
		char buf[8] = "keep";

		memset(e.msg, '9', sizeof e.msg - 1);
		e.msg[sizeof e.msg - 1] = '\0';
		assert_false(refund_refusal_text(&e, "USD", buf, sizeof buf));
		assert_string_equal(buf, "keep");
	}
	assert_false(refund_refusal_text(NULL, "USD", msg, sizeof msg));
}

static void
test_refusal_text_small_buffer(void **state)
{
	struct oms_error e;
	char d[512], buf[16];

	(void)state;
	snprintf(d, sizeof d, BR028_DETAIL, "10000007", "50000", "12345", "\"USD\"");
	e = detail_error(OMS_RULE, "BR-028: too much", d);
	memset(buf, 'x', sizeof buf);
	assert_true(refund_refusal_text(&e, "USD", buf, 12));
	assert_string_equal(buf, "BR-028: $50");      /* truncated, terminated */
	assert_int_equal(buf[12], 'x');
}

static void
test_refusal_detail(void **state)
{
	char d[512];

	(void)state;
	snprintf(d, sizeof d, BR028_DETAIL, "10000007", "50000", "12345", "\"USD\"");
	detail_refusal(d, "EUR", "BR-028: $500.00 is more than the $123.45 left to refund on order "
		       "10000007.");        /* DETAIL's currency wins */
	snprintf(d, sizeof d, BR028_DETAIL, "10000007", "50000", "12345", "\"JPY\"");
	detail_refusal(d, "USD", "BR-028: 50,000 JPY is more than the 12,345 JPY left to refund on "
		       "order 10000007.");
	snprintf(d, sizeof d, BR028_DETAIL, "10000007", "123456", "12345", "\"KWD\"");
	detail_refusal(d, "USD", "BR-028: 123.456 KWD is more than the 12.345 KWD left to refund on "
		       "order 10000007.");
	snprintf(d, sizeof d, BR028_DETAIL, "10000007", "50000", "12345", "null");
	detail_refusal(d, "EUR", "BR-028: 500.00 EUR is more than the 123.45 EUR left to refund on "
		       "order 10000007.");  /* none in DETAIL: the dialog's */
	/* the message is not read when DETAIL is there */
	{
		struct oms_error e;
		char buf[64] = "keep";

		snprintf(d, sizeof d, "{\"rule\": \"BR-028\", \"order_no\": 10000007}");
		e = detail_error(OMS_RULE, "BR-028: a refund of 50000 exceeds the 12345 left to refund "
				 "on order 10000007", d);
		assert_false(refund_refusal_text(&e, "USD", buf, sizeof buf));
		assert_string_equal(buf, "keep");
		/* another rule, amounts as text, broken JSON: not BR-028 words */
		snprintf(d, sizeof d, BR028_DETAIL, "10000007", "50000", "12345", "\"USD\"");
		memcpy(strstr(d, "BR-028"), "BR-014", 6);
		e = detail_error(OMS_RULE, "x", d);
		assert_false(refund_refusal_text(&e, "USD", buf, sizeof buf));
		snprintf(d, sizeof d, BR028_DETAIL, "10000007", "\"50000\"", "12345", "\"USD\"");
		e = detail_error(OMS_RULE, "x", d);
		assert_false(refund_refusal_text(&e, "USD", buf, sizeof buf));
		e = detail_error(OMS_RULE, "x", "{\"rule\": \"BR-028\", ");
		assert_false(refund_refusal_text(&e, "USD", buf, sizeof buf));
		snprintf(d, sizeof d, BR028_DETAIL, "10000007", "50000", "12345", "\"USD\"");
		e = detail_error(OMS_CONFLICT, "x", d);       /* only a rule refusal */
		assert_false(refund_refusal_text(&e, "USD", buf, sizeof buf));
		assert_string_equal(buf, "keep");
	}
}

/* --format json errors: status, rule and detail from the error. */
static void
test_error_json(void **state)
{
	struct oms_error e;
	json_t *j, *x;
	char d[512];

	(void)state;
	snprintf(d, sizeof d, BR028_DETAIL, "10000007", "50000", "12345", "\"USD\"");
	e = detail_error(OMS_RULE, "BR-028: too much", d);
	strcpy(e.sqlstate, "OM001");
	strcpy(e.hint, "ask for less");
	j = app_error_json(&e, NULL);
	x = json_object_get(j, "error");
	assert_string_equal(json_string_value(json_object_get(x, "status")), "RULE");
	assert_string_equal(json_string_value(json_object_get(x, "rule")), "BR-028");
	assert_string_equal(json_string_value(json_object_get(x, "message")), "BR-028: too much");
	assert_string_equal(json_string_value(json_object_get(x, "sqlstate")), "OM001");
	assert_string_equal(json_string_value(json_object_get(x, "hint")), "ask for less");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(x, "detail"), "left_minor")),
			 12345);
	json_decref(j);

	/* no DETAIL (or none that is an object): rule and detail null */
	e = detail_error(OMS_DENIED, "permission denied", "[1, 2]");
	j = app_error_json(&e, "only administrators");
	x = json_object_get(j, "error");
	assert_string_equal(json_string_value(json_object_get(x, "status")), "DENIED");
	assert_true(json_is_null(json_object_get(x, "rule")));
	assert_true(json_is_null(json_object_get(x, "detail")));
	assert_string_equal(json_string_value(json_object_get(x, "message")), "only administrators");
	assert_null(json_object_get(x, "hint"));
	json_decref(j);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_two_decimals),
		cmocka_unit_test(test_parse_other_exponents),
		cmocka_unit_test(test_parse_refused),
		cmocka_unit_test(test_parse_range),
		cmocka_unit_test(test_amount_input),
		cmocka_unit_test(test_amount_input_small_buffer),
		cmocka_unit_test(test_amount_input_round_trip),
		cmocka_unit_test(test_line_value),
		cmocka_unit_test(test_line_value_hostile),
		cmocka_unit_test(test_refusal_text),
		cmocka_unit_test(test_refusal_text_other_errors),
		cmocka_unit_test(test_refusal_text_small_buffer),
		cmocka_unit_test(test_refusal_detail),
		cmocka_unit_test(test_error_json),
	};

	return cmocka_run_group_tests_name("refund", tests, NULL, NULL);
}
