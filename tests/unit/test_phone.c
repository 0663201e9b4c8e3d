#include "config.h"

/* Phone numbers as people write them -> E.164. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "app/app.h"

static void
check(const char *in, const char *cc, const char *want)
{
	char out[32];
	bool ok = phone_to_e164(in, cc, out, sizeof out);

	if (want) {
		if (!ok)
			fail_msg("\"%s\" (cc %s): refused, expected %s", in, cc, want);
		assert_string_equal(out, want);
	} else if (ok) {
		fail_msg("\"%s\" (cc %s): got %s, expected a refusal", in, cc, out);
	}
}

static void
test_nanp_forms(void **state)
{
	(void)state;
	check("(555) 010-0199", "1", "+15550100199");
	check("555.010.0199", "1", "+15550100199");
	check("555-010-0199", "1", "+15550100199");
	check("5550100199", "1", "+15550100199");
	check("555 010 0199", "1", "+15550100199");
	check("1 555 010 0199", "1", "+15550100199");
	check("1-555-010-0199", "1", "+15550100199");
	check("+1 555 010 0199", "1", "+15550100199");
	check("+1 (555) 010-0199", "1", "+15550100199");
	check("+15550100199", "1", "+15550100199");
	check("001 555 010 0199", "1", "+15550100199");
	check("011 44 20 7946 0958", "1", "+442079460958");
	check("555/010/0199", "1", "+15550100199");
}

static void
test_international(void **state)
{
	(void)state;
	check("+44 20 7946 0958", "1", "+442079460958");
	check("+44 (0)20 7946 0958", "1", "+442079460958");
	check("0044 20 7946 0958", "1", "+442079460958");
	check("+49 30 901820", "1", "+4930901820");
	check("+81 3-1234-5678", "1", "+81312345678");
	/* national numbers in another default country */
	check("020 7946 0958", "44", "+442079460958");
	check("030 901820", "49", "+4930901820");
	check("(555) 010-0199", NULL, "+15550100199");     /* NULL cc = 1 */
}

static void
test_refused(void **state)
{
	(void)state;
	check("", "1", NULL);
	check("555-0199", "1", NULL);                  /* 7 digits: no area code */
	check("055 010 0199", "1", NULL);              /* area codes start 2-9 */
	check("155 010 0199", "1", NULL);
	check("+1 555 010 019", "1", NULL);            /* NANP needs 10 */
	check("+0 555 010 0199", "1", NULL);
	check("+12", "1", NULL);
	check("+1234567890123456", "1", NULL);         /* > 15 digits */
	check("1-800-FLOWERS", "1", NULL);
	check("555 010 0199 ext 12", "1", NULL);
	check("((555)) 010 0199", "1", NULL);
	check("(555 010 0199", "1", NULL);
	check("555) 010 0199", "1", NULL);
	check("+44 20 7946 0958; DROP TABLE x", "1", NULL);
	check("555\n010 0199", "1", NULL);
	check("55501001990000000000000000000000000000000000000000", "1", NULL);
}

/* The edges tests/db/phone_agree.test holds oms.normalize_phone to: "(0)"
 * is a dropped trunk prefix wherever a digit came before it (at the end
 * too), not before any digit; 40 bytes at most, separators included. */
static void
test_edges(void **state)
{
	(void)state;
	check("+44 20 7946 0958 (0)", "1", "+442079460958");
	check("+44(0)(0)2079460958", "1", "+442079460958");
	check("(0)20 7946 0958", "44", "+442079460958");
	check("(0)20 7946 0958", "1", NULL);           /* 11 digits not starting 1 */
	check("(0)(0)5550100199", "44", "+445550100199");
	check(" +15550100199", "1", "+15550100199");
	check("+ 1 555 010 0199", "1", "+15550100199");
	check("\t5550100199", "1", NULL);              /* a tab is no separator */
	check("+44 20 7946 0958                        ", "1", "+442079460958");  /* 40 bytes */
	check("+44 20 7946 0958                         ", "1", NULL);            /* 41 */
	check("0114420794609", "1", "+4420794609");
	check("00 44 20 7946 0958", "1", "+442079460958");
	check("\xef\xbc\x95\xef\xbc\x95\xef\xbc\x95" "0100199", "1", NULL); /* fullwidth digits */
}

static void
test_small_buffer(void **state)
{
	char out[8];

	(void)state;
	assert_false(phone_to_e164("+15550100199", "1", out, sizeof out));
	assert_false(phone_to_e164("+15550100199", "1", NULL, 0));
	assert_false(phone_to_e164(NULL, "1", out, sizeof out));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nanp_forms),
		cmocka_unit_test(test_international),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_edges),
		cmocka_unit_test(test_small_buffer),
	};

	return cmocka_run_group_tests_name("phone", tests, NULL, NULL);
}
