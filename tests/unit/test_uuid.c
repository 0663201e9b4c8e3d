/* Request keys (src/app/uuid.c): version 4 random UUIDs in the text form
 * PostgreSQL's uuid reads, different every time; the check of a key given
 * on the command line. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "app/app.h"

static void
test_uuid_format(void **state)
{
	(void)state;
	for (int n = 0; n < 1000; n++) {
		char u[APP_UUID_LEN + 1];

		assert_true(app_uuid_v4(u));
		assert_int_equal(strlen(u), 36);
		for (int i = 0; i < 36; i++) {
			if (i == 8 || i == 13 || i == 18 || i == 23)
				assert_int_equal(u[i], '-');
			else
				assert_non_null(strchr("0123456789abcdef", u[i]));
		}
		assert_int_equal(u[14], '4');                       /* version 4 */
		assert_non_null(strchr("89ab", u[19]));             /* variant 10xx */
		assert_true(app_uuid_valid(u));
	}
}

static void
test_uuid_differ(void **state)
{
	static char seen[1000][APP_UUID_LEN + 1];

	(void)state;
	for (int n = 0; n < 1000; n++) {
		assert_true(app_uuid_v4(seen[n]));
		for (int m = 0; m < n; m++)
			assert_string_not_equal(seen[n], seen[m]);
	}
}

static void
test_uuid_valid(void **state)
{
	(void)state;
	assert_true(app_uuid_valid("1b4e28ba-2fa1-41d2-883f-0016d3cca427"));
	assert_true(app_uuid_valid("1B4E28BA-2FA1-41D2-883F-0016D3CCA427"));
	assert_false(app_uuid_valid(NULL));
	assert_false(app_uuid_valid(""));
	assert_false(app_uuid_valid("1b4e28ba2fa141d2883f0016d3cca427"));      /* no dashes */
	assert_false(app_uuid_valid("1b4e28ba-2fa1-41d2-883f-0016d3cca42"));   /* short */
	assert_false(app_uuid_valid("1b4e28ba-2fa1-41d2-883f-0016d3cca4277")); /* long */
	assert_false(app_uuid_valid("1b4e28ba-2fa1-41d2-883f-0016d3cca42g"));
	assert_false(app_uuid_valid("1b4e28ba-2fa1-41d2-883f+0016d3cca427"));
	assert_false(app_uuid_valid("{1b4e28ba-2fa1-41d2-883f-0016d3cca42}"));
	assert_false(app_uuid_valid("1b4e28ba-2fa1-41d2-883f-0016d3cca4\xc3\xa9"));
}

static void
test_random_bytes(void **state)
{
	unsigned char a[64] = {0}, b[64] = {0};

	(void)state;
	assert_true(app_random_bytes(a, sizeof a));
	assert_true(app_random_bytes(b, sizeof b));
	assert_memory_not_equal(a, b, sizeof a);
	assert_true(app_random_bytes(a, 0));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uuid_format),
		cmocka_unit_test(test_uuid_differ),
		cmocka_unit_test(test_uuid_valid),
		cmocka_unit_test(test_random_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
