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
	/* an oms Message-ID names a job, not a mailbox (issue 12) */
	check_scrub("accepted, Message-ID <oms.outbox.77.0f1e2d3c4b5a6978.644f3a2b1c0d1@example.org>",
		    "accepted, Message-ID <oms.outbox.77.0f1e2d3c4b5a6978.644f3a2b1c0d1@example.org>");
	/* but an address that only looks like one is masked */
	check_scrub("oms.outbox.77@example.org", "o***@example.org");
	check_scrub("<oms.outbox.jane@example.org", "<o***@example.org");
	check_scrub("<oms.outbox.jane@example.org>", "<o***@example.org>");
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

/* Text that must not survive a scrub, whatever it became. */
static void
check_gone(const char *in, const char *secret)
{
	char out[1024];

	log_scrub(in, out, sizeof out);
	if (strcasestr(out, secret))
		fail_msg("scrub(\"%s\") = \"%s\" still holds \"%s\"", in, out, secret);
}

/* The shapes the old net missed: UTF-8 addresses, apostrophes, spaced and
 * international numbers. */
static void
test_scrub_hostile_shapes(void **state)
{
	check_scrub("to first.last@exämple.de", "to f***@exämple.de");
	check_scrub("to zoë@example.com", "to z***@example.com");
	check_scrub("to ëlla@example.com", "to ë***@example.com");
	check_scrub("to o'brien@example.com", "to o***@example.com");
	check_scrub("call 555 010 0199 now", "call *** *** 0199 now");
	check_scrub("call 0044 20 7946 0958", "call **** ** **** 0958");
	check_scrub("call 00442079460958", "call **********0958");
	check_scrub("call (555) 010-0199", "call (***) ***-0199");
	check_scrub("call 020 7946 0958.", "call *** **** 0958.");
	check_scrub("call +44 (0)20 7946 0958", "call +4********0958");
	check_scrub("<JANE.DOE@EXAMPLE.COM>", "<J***@EXAMPLE.COM>");
	check_scrub("https://x.example/t?email=jane%40example.com&x=1",
		    "https://x.example/t?email=j***@example.com&x=1");
	check_scrub("jane@xn--exmple-cua.de", "j***@xn--exmple-cua.de");
	check_scrub("To: jane.doe@\r\n example.com", "To: j***@example.com");
	check_gone("mailto:zoë.o'brien@exämple.de?subject=x", "o'brien");
	check_gone("RCPT <Zoë@Example.COM> refused", "Zoë@");
	/* still not PII */
	check_scrub("at 2024-05-01 12:00:00+00", "at 2024-05-01 12:00:00+00");
	check_scrub("from 192.168.100.200 port 443", "from 192.168.100.200 port 443");
	check_scrub("orders 10000017 10000018 10000019", "orders 10000017 10000018 10000019");
	check_scrub("USD 12.34 for 2 x 1250", "USD 12.34 for 2 x 1250");
}

static int job_a, job_b;

/* Registered values go whatever their form; others' values stay until
 * their job registers them. */
static void
test_registered_values(void **state)
{
	char out[512];

	log_pii_add(&job_a, LOG_PII_EMAIL, "Zoë.O'Brien@exämple.de");
	log_pii_add(&job_a, LOG_PII_PHONE, "+442079460958");
	log_pii_add(&job_a, LOG_PII_NAME, "Zoë O'Brien");
	log_pii_add(&job_a, LOG_PII_ADDRESS, "12 Baker Street");
	log_pii_add(&job_a, LOG_PII_ADDRESS, "Lönneberga");

	check_gone("550 5.1.1 <zoë.o'brien@exämple.de>: no such user", "brien");
	check_gone("550 <ZOË.O'BRIEN@EXÄMPLE.DE>", "BRIEN");
	check_gone("rcpt=Zo%C3%AB.O%27Brien%40ex%C3%A4mple.de", "Brien");
	check_gone("rcpt=zo%c3%ab.o%27brien%40ex%c3%a4mple.de", "brien");
	check_gone("To: =?UTF-8?Q?Zo=C3=AB_O'Brien?=", "Brien");
	check_gone("{\"name\":\"Zo\\u00eb O'Brien\"}", "Brien");
	check_gone("name='Zoë O''Brien'", "Brien");
	check_gone("name=\"Zoë O\\'Brien\"", "Brien");
	check_gone("mailbox zoë.o'brien unknown", "zoë.o'brien");
	check_gone("Dear Zoë,", "Zoë");
	check_gone("Dear ZOË,", "ZOË");
	check_gone("Dear Mrs O'Brien", "O'Brien");
	check_gone("Zoë O'\r\n Brien", "Brien");
	check_gone("ship to 12 Baker Street, lönneberga", "Baker");
	check_gone("ship to 12 Baker Street, lönneberga", "nneberga");
	check_gone("call 020 7946 0958", "7946");
	check_gone("call 0044-20-7946-0958", "7946");
	check_gone("call 2079460958 now", "2079460958");
	check_gone("call +44 20 7946 0958", "7946");
	/* the base64 of a whole header value */
	check_gone("Subject: =?UTF-8?B?Wm/DqyBPJ0JyaWVu?=", "Wm/DqyBPJ0JyaWVu");
	/* a word that merely contains a name part stays */
	log_scrub("Zoëtrope", out, sizeof out);
	assert_string_equal(out, "Zoëtrope");
	log_scrub("job 12 (mail) done", out, sizeof out);
	assert_string_equal(out, "job 12 (mail) done");

	log_pii_add(&job_b, LOG_PII_NAME, "Ann Li");
	log_scrub("Dear Ann, Zoë", out, sizeof out);
	assert_string_equal(out, "Dear [name], [name]");
	log_pii_forget(&job_a);
	log_scrub("Dear Ann, Zoë", out, sizeof out);
	assert_string_equal(out, "Dear [name], Zoë");
	log_pii_forget(&job_b);
	log_scrub("Dear Ann, Zoë", out, sizeof out);
	assert_string_equal(out, "Dear Ann, Zoë");
	/* nothing odd is registered */
	log_pii_add(&job_a, LOG_PII_PHONE, "123");
	log_pii_add(&job_a, LOG_PII_NAME, "");
	log_pii_add(&job_a, LOG_PII_NAME, NULL);
	log_scrub("123", out, sizeof out);
	assert_string_equal(out, "123");
	log_pii_forget(&job_a);
}

/* Log lines get the registered masks too. */
static void
test_log_lines_mask_registered(void **state)
{
	char seen[256] = "";

	log_set_stderr(false);
	log_set_hook(hook, seen);
	log_set_level(LOG_LEVEL_INFO);
	log_pii_add(&job_a, LOG_PII_NAME, "Customer Seven");
	log_info("relay said: no mailbox for customer seven");
	assert_string_equal(seen, "1 relay said: no mailbox for [name]");
	log_pii_forget(&job_a);
	log_set_hook(NULL, NULL);
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
		cmocka_unit_test(test_scrub_hostile_shapes),
		cmocka_unit_test(test_registered_values),
		cmocka_unit_test(test_log_lines_mask_registered),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
