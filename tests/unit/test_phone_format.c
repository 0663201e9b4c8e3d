/* Phones for display (src/app/phone_format.c). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "app/phone_format.h"

static void
is(const char *in, const char *want)
{
	char out[64];

	assert_string_equal(phone_format(in, out, sizeof out), want);
}

static void
test_countries(void **state)
{
	(void)state;
	is("+15550100199", "+1 555-010-0199");
	is("+447700900187", "+44 7700 900187");
	is("+442079460958", "+44 20 7946 0958");
	is("+33612345678", "+33 6 12 34 56 78");
	is("+4930123456", "+49 30123456");
	is("+81312345678", "+81 312345678");
	is("+353861234567", "+353 861234567");
	is("+74951234567", "+7 4951234567");
}

static void
test_not_e164(void **state)
{
	char small[8];

	(void)state;
	is("", "");
	is("555-0100", "555-0100");
	is("+1 555 0100", "+1 555 0100");
	is("+12", "+12");
	assert_string_equal(phone_format(NULL, small, sizeof small), "");
	/* cut, never past the buffer */
	assert_string_equal(phone_format("+15550100199", small, sizeof small), "+1 555-");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_countries),
		cmocka_unit_test(test_not_e164),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
