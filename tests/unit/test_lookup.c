#include "config.h"

/* The search box classifier: each kind, typos in order numbers, and input
 * that is hostile or just odd. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "app/app.h"

static enum oms_status
classify(const char *in, struct lookup_query *q)
{
	struct oms_error err = {0};
	enum oms_status st = lookup_classify(in, "1", q, &err);

	if (st != OMS_OK) {
		assert_int_equal(err.status, st);
		assert_true(err.msg[0] != '\0');
		assert_true(q->hint[0] != '\0');
		assert_int_equal(q->kind, LOOKUP_NONE);
	}
	return st;
}

static void
expect(const char *in, enum lookup_kind kind, const char *text)
{
	struct lookup_query q;

	if (classify(in, &q) != OMS_OK)
		fail_msg("\"%s\": refused: %s", in, q.hint);
	if (q.kind != kind)
		fail_msg("\"%s\": kind %s, expected %s", in, lookup_kind_name(q.kind),
			 lookup_kind_name(kind));
	assert_string_equal(q.text, text);
	assert_false(q.check_failed);
	assert_true(q.hint[0] != '\0');
}

static void
expect_invalid(const char *in)
{
	struct lookup_query q;

	if (classify(in, &q) != OMS_INVALID)
		fail_msg("\"%s\": accepted as %s \"%s\"", in, lookup_kind_name(q.kind), q.text);
}

static void
test_order_numbers(void **state)
{
	(void)state;
	expect("10000004", LOOKUP_ORDER_NO, "10000004");
	expect("1000-0004", LOOKUP_ORDER_NO, "10000004");
	expect("1000 0004", LOOKUP_ORDER_NO, "10000004");
	expect("  10000004\n", LOOKUP_ORDER_NO, "10000004");
	expect("#10000004", LOOKUP_ORDER_NO, "10000004");
	expect("order: 1000-0004", LOOKUP_ORDER_NO, "10000004");
	expect("ORDER:10000004", LOOKUP_ORDER_NO, "10000004");
}

static void
test_order_typo(void **state)
{
	struct lookup_query q;

	(void)state;
	assert_int_equal(classify("10000003", &q), OMS_OK);
	assert_int_equal(q.kind, LOOKUP_ORDER_NO);
	assert_true(q.check_failed);
	assert_true(q.nsuggest > 0 && q.nsuggest <= LOOKUP_MAX_SUGGEST);
	assert_int_equal(q.suggest[0], 10000004LL);
	for (int i = 0; i < q.nsuggest; i++)
		assert_true(order_no_valid(q.suggest[i]));
	assert_non_null(strstr(q.hint, "did you mean 10000004"));

	/* two digits swapped: 10000004 -> 10000040 */
	assert_int_equal(classify("1000-0040", &q), OMS_OK);
	assert_true(q.check_failed);
	{
		bool found = false;

		for (int i = 0; i < q.nsuggest; i++)
			found |= q.suggest[i] == 10000004LL;
		assert_true(found);
	}
	expect_invalid("order:1234");
	expect_invalid("order:01234567");
}

static void
test_email(void **state)
{
	(void)state;
	expect("zoe.angstrom@example.com", LOOKUP_EMAIL, "zoe.angstrom@example.com");
	expect("ZOE.Angstrom@Example.COM", LOOKUP_EMAIL, "zoe.angstrom@example.com");
	expect("  zoe.angstrom@example.com  ", LOOKUP_EMAIL, "zoe.angstrom@example.com");
	expect("zoe.angstrom@", LOOKUP_EMAIL, "zoe.angstrom@");      /* prefix search */
	expect("o'brien+orders@example.ie", LOOKUP_EMAIL, "o'brien+orders@example.ie");
	expect("email:ZOE@EXAMPLE.COM", LOOKUP_EMAIL, "zoe@example.com");
	expect_invalid("@example.com");
	expect_invalid("zoe @example.com");
	expect_invalid("a@b@c");
	expect_invalid("x@example.com; DROP TABLE oms.orders");
}

static void
test_phone(void **state)
{
	(void)state;
	expect("(555) 010-0199", LOOKUP_PHONE, "+15550100199");
	expect("555.010.0199", LOOKUP_PHONE, "+15550100199");
	expect("555-010-0199", LOOKUP_PHONE, "+15550100199");
	expect("5550100199", LOOKUP_PHONE, "+15550100199");
	expect("+1 555 010 0199", LOOKUP_PHONE, "+15550100199");
	expect("1 555 010 0199", LOOKUP_PHONE, "+15550100199");
	expect("001 555 010 0199", LOOKUP_PHONE, "+15550100199");
	expect("+44 20 7946 0958", LOOKUP_PHONE, "+442079460958");
	expect("+44 (0)20 7946 0958", LOOKUP_PHONE, "+442079460958");
	expect("phone:555 010 0199", LOOKUP_PHONE, "+15550100199");
	expect_invalid("+1 555");
	expect_invalid("(555) 010");
}

static void
test_phone_other_country(void **state)
{
	struct lookup_query q;
	struct oms_error err;

	(void)state;
	assert_int_equal(lookup_classify("020 7946 0958", "44", &q, &err), OMS_OK);
	assert_int_equal(q.kind, LOOKUP_PHONE);
	assert_string_equal(q.text, "+442079460958");
	/* 8 digits stay an order number whatever the country */
	assert_int_equal(lookup_classify("10000004", "44", &q, &err), OMS_OK);
	assert_int_equal(q.kind, LOOKUP_ORDER_NO);
}

static void
test_tracking(void **state)
{
	(void)state;
	expect("1Z999AA10123456784", LOOKUP_TRACKING, "1Z999AA10123456784");
	expect("1z 999 aa1 0123 4567 84", LOOKUP_TRACKING, "1Z999AA10123456784");
	expect("EA123456789US", LOOKUP_TRACKING, "EA123456789US");
	expect("123456789012", LOOKUP_TRACKING, "123456789012");            /* FedEx 12 */
	expect("123456789012345", LOOKUP_TRACKING, "123456789012345");      /* FedEx 15 */
	expect("9400 1000 0000 0000 0000 00", LOOKUP_TRACKING, "9400100000000000000000"); /* USPS 22 */
	expect("94001000000000000000", LOOKUP_TRACKING, "94001000000000000000");   /* 20 */
	expect("1234567890", LOOKUP_TRACKING, "1234567890");      /* DHL: no area code 1xx */
	expect("000002035194", LOOKUP_TRACKING, "000002035194");  /* 00 then 0: no country */
	expect("track:5550100199", LOOKUP_TRACKING, "5550100199"); /* forced */
	/* a bare 12-digit run after 00 is a FedEx waybill; grouped, a call abroad */
	expect("007738153034", LOOKUP_TRACKING, "007738153034");
	expect("track:007738153034", LOOKUP_TRACKING, "007738153034");
	expect("0044 20 7946 0958", LOOKUP_PHONE, "+442079460958");
	expect_invalid("track:+1 555 010 0199");
	expect_invalid("track:12");
	expect_invalid("123456789");               /* 9 digits: nothing */
	expect_invalid("1234567");
}

static void
test_names(void **state)
{
	(void)state;
	expect("Zoë", LOOKUP_NAME, "Zoë");
	expect("zoë ångström", LOOKUP_NAME, "zoë ångström");
	expect("Zoë Ångström-Nakamura", LOOKUP_NAME, "Zoë Ångström-Nakamura");
	expect("Zoe\xcc\x88", LOOKUP_NAME, "Zoe\xcc\x88");           /* combining diaeresis */
	expect("O'Brien", LOOKUP_NAME, "O'Brien");
	expect("O\xe2\x80\x99" "Brien", LOOKUP_NAME, "O\xe2\x80\x99" "Brien");
	expect("  Jean   Luc  ", LOOKUP_NAME, "Jean Luc");
	expect("St. John", LOOKUP_NAME, "St. John");
	expect("中村", LOOKUP_NAME, "中村");
	expect("Nakamura-", LOOKUP_NAME, "Nakamura-");
	expect("name:Ng", LOOKUP_NAME, "Ng");
	expect_invalid("Z");
	expect_invalid("name:Z");
	expect_invalid("-'");
	expect_invalid("");
	expect_invalid("   \t ");
}

static void
test_hostile(void **state)
{
	struct lookup_query q;
	char *big;

	(void)state;
	/* SQL metacharacters: no name has them */
	expect_invalid("'; DROP TABLE oms.orders; --");
	expect_invalid("Robert'); DROP TABLE students;--");
	expect_invalid("x' OR '1'='1");
	expect_invalid("%");
	expect_invalid("_");
	expect_invalid("Zo%");
	expect_invalid("\\");
	/* an apostrophe alone in a name is fine: it is a bind parameter */
	expect("D'Arcy", LOOKUP_NAME, "D'Arcy");
	/* too long: 10 kB */
	big = malloc(10 * 1024 + 1);
	assert_non_null(big);
	memset(big, 'a', 10 * 1024);
	big[10 * 1024] = '\0';
	assert_int_equal(classify(big, &q), OMS_INVALID);
	assert_non_null(strstr(q.hint, "too long"));
	big[255] = '\0';
	assert_int_equal(classify(big, &q), OMS_OK);    /* 255 bytes is the limit */
	big[256] = 'a';
	big[256] = '\0';
	big[255] = 'a';
	assert_int_equal(classify(big, &q), OMS_INVALID);
	free(big);
	/* invalid UTF-8: stray continuation, overlong, surrogate, truncated */
	assert_int_equal(classify("Zo\x80", &q), OMS_INVALID);
	assert_non_null(strstr(q.hint, "UTF-8"));
	assert_int_equal(classify("\xc0\xaf" "abc", &q), OMS_INVALID);
	assert_int_equal(classify("\xed\xa0\x80" "abc", &q), OMS_INVALID);
	assert_int_equal(classify("Zo\xc3", &q), OMS_INVALID);
	assert_int_equal(classify("\xf4\x90\x80\x80xx", &q), OMS_INVALID);
	assert_int_equal(classify("\xff\xfe", &q), OMS_INVALID);
	/* control characters, including C1 and escape sequences */
	assert_int_equal(classify("Zo\x1b[2Jë", &q), OMS_INVALID);
	assert_non_null(strstr(q.hint, "control"));
	assert_int_equal(classify("Zo\x07" "e", &q), OMS_INVALID);
	assert_int_equal(classify("Zo\x7f" "e", &q), OMS_INVALID);
	assert_int_equal(classify("Zo\xc2\x9b" "e", &q), OMS_INVALID);
	assert_int_equal(classify("1000\n0004", &q), OMS_INVALID);
	assert_int_equal(classify(NULL, &q), OMS_INVALID);
	/* err may be NULL */
	assert_int_equal(lookup_classify("Zo\x80", "1", &q, NULL), OMS_INVALID);
	assert_int_equal(lookup_classify("Zoë", NULL, &q, NULL), OMS_OK);
}

static void
test_kind_names(void **state)
{
	(void)state;
	assert_string_equal(lookup_kind_name(LOOKUP_ORDER_NO), "order_no");
	assert_string_equal(lookup_kind_name(LOOKUP_EMAIL), "email");
	assert_string_equal(lookup_kind_name(LOOKUP_PHONE), "phone");
	assert_string_equal(lookup_kind_name(LOOKUP_TRACKING), "tracking");
	assert_string_equal(lookup_kind_name(LOOKUP_NAME), "name");
	assert_string_equal(lookup_kind_name(LOOKUP_NONE), "none");
}

static void
test_stmt(void **state)
{
	struct lookup_query q;
	struct app_stmt st;

	(void)state;
	assert_int_equal(classify("Zoë", &q), OMS_OK);
	lookup_stmt(&q, 20, NULL, &st);
	assert_non_null(strstr(st.sql, "oms_api.lookup($1, $2, $3::int, $4)"));
	assert_int_equal(st.nparams, 4);
	assert_string_equal(st.params[0], "name");
	assert_string_equal(st.params[1], "Zoë");
	assert_string_equal(st.params[2], "20");
	assert_null(st.params[3]);
	lookup_stmt(&q, 0, "k|42", &st);
	assert_string_equal(st.params[2], "50");
	assert_string_equal(st.params[3], "k|42");
}

static int
teardown(void **state)
{
	(void)state;
	lookup_cleanup();
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_numbers),
		cmocka_unit_test(test_order_typo),
		cmocka_unit_test(test_email),
		cmocka_unit_test(test_phone),
		cmocka_unit_test(test_phone_other_country),
		cmocka_unit_test(test_tracking),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_kind_names),
		cmocka_unit_test(test_stmt),
	};

	return cmocka_run_group_tests_name("lookup", tests, NULL, teardown);
}
