#include "config.h"

/* Damm check digits: the published vectors, the SQL function's behaviour
 * (oms.damm_check / oms.order_no_valid), and the error classes it must
 * catch (every single-digit error, every adjacent transposition). */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "app/app.h"

static void
test_known_vectors(void **state)
{
	(void)state;
	assert_int_equal(damm_digit("572"), 4);           /* Damm's own example */
	assert_true(damm_valid("5724"));
	assert_false(damm_valid("5723"));
	assert_int_equal(damm_digit("0"), 0);
	assert_int_equal(damm_digit("1"), 3);
	assert_int_equal(damm_digit("1000000"), 4);
	assert_int_equal(damm_digit("112946"), 0);
}

static void
test_rejects_non_digits(void **state)
{
	(void)state;
	assert_int_equal(damm_digit(""), -1);
	assert_int_equal(damm_digit(NULL), -1);
	assert_int_equal(damm_digit("12a4"), -1);
	assert_int_equal(damm_digit("-12"), -1);
	assert_false(damm_valid("57 24"));
}

static void
test_order_numbers(void **state)
{
	(void)state;
	/* the first order: id 1000000 -> 10000004 */
	assert_int_equal(order_no_make(1000000), 10000004LL);
	assert_true(order_no_valid(10000004LL));
	assert_false(order_no_valid(10000003LL));
	/* like the SQL: exactly 8 digits */
	assert_false(order_no_valid(5724));
	assert_false(order_no_valid(100000000LL + 0));
	assert_false(order_no_valid(-10000004LL));
	assert_int_equal(order_no_make(0), -1);
	for (long long id = 1000000; id < 1000000 + 5000; id++)
		assert_true(order_no_valid(order_no_make(id)));
}

/* Every single substitution and every adjacent transposition is caught. */
static void
test_detects_typos(void **state)
{
	(void)state;
	for (long long id = 1000000; id < 1000000 + 300; id += 7) {
		char s[16], t[16];

		snprintf(s, sizeof s, "%lld", order_no_make(id));
		for (size_t i = 0; i < strlen(s); i++) {
			for (char d = '0'; d <= '9'; d++) {
				if (d == s[i])
					continue;
				strcpy(t, s);
				t[i] = d;
				assert_false(damm_valid(t));
			}
			if (i + 1 < strlen(s) && s[i] != s[i + 1]) {
				strcpy(t, s);
				t[i] = s[i + 1];
				t[i + 1] = s[i];
				assert_false(damm_valid(t));
			}
		}
	}
}

static void
test_suggestions(void **state)
{
	long long out[LOOKUP_MAX_SUGGEST];
	int n;

	(void)state;
	/* 10000004 with its check digit mistyped */
	n = damm_suggest("10000003", out, LOOKUP_MAX_SUGGEST);
	assert_int_equal(n, LOOKUP_MAX_SUGGEST);
	assert_int_equal(out[0], 10000004LL);      /* nearest: the check digit */
	for (int i = 0; i < n; i++) {
		assert_true(order_no_valid(out[i]));
		if (i > 0) {
			long long a = out[i - 1] - 10000003LL, b = out[i] - 10000003LL;

			assert_true((a < 0 ? -a : a) <= (b < 0 ? -b : b));
		}
	}
	/* a transposition of the last two digits of a real number is found */
	{
		char s[16];
		long long no = order_no_make(1234567);   /* 1234567d */
		bool found = false;

		snprintf(s, sizeof s, "%lld", no);
		char tmp = s[6];
		s[6] = s[7];
		s[7] = tmp;
		if (s[6] != s[7]) {
			n = damm_suggest(s, out, LOOKUP_MAX_SUGGEST);
			for (int i = 0; i < n; i++)
				found |= out[i] == no;
			assert_true(found);
		}
	}
	assert_int_equal(damm_suggest("12x45678", out, 6), 0);
	assert_int_equal(damm_suggest("10000003", out, 0), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_vectors),
		cmocka_unit_test(test_rejects_non_digits),
		cmocka_unit_test(test_order_numbers),
		cmocka_unit_test(test_detects_typos),
		cmocka_unit_test(test_suggestions),
	};

	return cmocka_run_group_tests_name("checkdigit", tests, NULL, NULL);
}
