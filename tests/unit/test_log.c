/* The PII guard: masking helpers, and the scrub pass every log line goes
 * through before it is written. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "log.h"

static void
check_scrub(const char *in, const char *want)
{
	char out[512];

	log_scrub(in, out, sizeof out);
	if (strcmp(out, want))
		fail_msg("scrub(\"%s\")\n   got \"%s\"\nwanted \"%s\"", in, out, want);
}

static void
test_mask_email(void **state)
{
	char out[64];

	assert_string_equal(log_mask_email("jane.doe@example.com", out, sizeof out), "j***@example.com");
	assert_string_equal(log_mask_email("J@Example.COM", out, sizeof out), "J***@Example.COM");
	assert_string_equal(log_mask_email("a+tag@mail.example.co.uk", out, sizeof out),
			    "a***@mail.example.co.uk");
	/* anything unparseable is hidden wholesale */
	assert_string_equal(log_mask_email("not an address", out, sizeof out), "***");
	assert_string_equal(log_mask_email("@example.com", out, sizeof out), "***");
	assert_string_equal(log_mask_email("x@localhost", out, sizeof out), "***");
	assert_string_equal(log_mask_email(NULL, out, sizeof out), "***");
	/* truncation keeps a terminated string */
	assert_string_equal(log_mask_email("jane@example.com", out, 6), "j***@");
}

static void
test_mask_phone(void **state)
{
	char out[64];

	assert_string_equal(log_mask_phone("+15555550199", out, sizeof out), "+1******0199");
	assert_string_equal(log_mask_phone("+44 20 7946 0958", out, sizeof out), "+4*******0958");
	assert_string_equal(log_mask_phone("(555) 555-0199", out, sizeof out), "******0199");
	assert_string_equal(log_mask_phone("12345", out, sizeof out), "***");
	assert_string_equal(log_mask_phone("+1555abc0199", out, sizeof out), "***");
	assert_string_equal(log_mask_phone(NULL, out, sizeof out), "***");
}

static void
test_scrub_masks_pii(void **state)
{
	check_scrub("mail to jane.doe@example.com failed", "mail to j***@example.com failed");
	check_scrub("<Jane@Example.org>, bob@x.io.", "<J***@Example.org>, b***@x.io.");
	check_scrub("call +15555550199 now", "call +1******0199 now");
	check_scrub("call +1 555 555 0199.", "call +1******0199.");
	check_scrub("phone=+447946095800;", "phone=+4*******5800;");
	check_scrub("call 555-555-0199 or (555) 555-0100", "call ***-***-0199 or (***) ***-0100");
	check_scrub("555.555.0199", "***.***.0199");
}

static void
test_scrub_keeps_the_rest(void **state)
{
	/* order numbers, ids, amounts, dates, times and versions are not PII */
	check_scrub("cancelled order 10000017", "cancelled order 10000017");
	check_scrub("refund 12 of 4599 minor units", "refund 12 of 4599 minor units");
	check_scrub("at 2024-05-01 12:00:00+00", "at 2024-05-01 12:00:00+00");
	check_scrub("PostgreSQL 15.4 on 10.0.0.1:5432", "PostgreSQL 15.4 on 10.0.0.1:5432");
	check_scrub("tracking 1Z999AA10123456784", "tracking 1Z999AA10123456784");
	check_scrub("amount 1234.5678-9", "amount 1234.5678-9");
	check_scrub("user@host without a dot", "user@host without a dot");
	check_scrub("already j***@example.com and +1******0199",
		    "already j***@example.com and +1******0199");
	check_scrub("+12", "+12");
	check_scrub("", "");
}

static void
test_scrub_bounds(void **state)
{
	char out[8];
	size_t n = log_scrub("jane@example.com", out, sizeof out);

	assert_int_equal(n, 7);
	assert_string_equal(out, "j***@ex");
}

/* The hook sees the scrubbed line: a forgetful caller still leaks nothing. */
static void
hook(enum log_level level, const char *line, void *arg)
{
	snprintf(arg, 256, "%d %s", (int)level, line);
}

static void
test_log_lines_are_scrubbed(void **state)
{
	char seen[256] = "";
	enum log_level lv;

	log_set_stderr(false);
	log_set_hook(hook, seen);
	log_set_level(LOG_LEVEL_INFO);
	log_info("cancelled order %s for %s", "10000017", "jane@example.com");
	assert_string_equal(seen, "1 cancelled order 10000017 for j***@example.com");
	log_warn("two\nlines +15555550199");
	assert_string_equal(seen, "2 two lines +1******0199");
	seen[0] = '\0';
	log_debug("below the level");
	assert_string_equal(seen, "");
	log_set_hook(NULL, NULL);

	assert_true(log_level_parse("WARNING", &lv));
	assert_int_equal(lv, LOG_LEVEL_WARN);
	assert_false(log_level_parse("loud", &lv));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mask_email),
		cmocka_unit_test(test_mask_phone),
		cmocka_unit_test(test_scrub_masks_pii),
		cmocka_unit_test(test_scrub_keeps_the_rest),
		cmocka_unit_test(test_scrub_bounds),
		cmocka_unit_test(test_log_lines_are_scrubbed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
