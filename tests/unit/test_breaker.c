/* The circuit breaker's state machine, on a fake clock. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "http/breaker.h"

static void
test_opens_after_threshold(void **state)
{
	struct breaker b;
	(void)state;
	breaker_init(&b, "payment", 3, 1000);
	assert_true(breaker_allow(&b, 0));
	breaker_failure(&b, 0);
	breaker_failure(&b, 1);
	assert_int_equal(b.state, BREAKER_CLOSED);
	breaker_failure(&b, 2);
	assert_int_equal(b.state, BREAKER_OPEN);
	assert_false(breaker_allow(&b, 500));
	assert_int_equal(breaker_wait_ms(&b, 500), 502);
}

static void
test_success_resets_count(void **state)
{
	struct breaker b;
	(void)state;
	breaker_init(&b, "smtp", 3, 1000);
	breaker_failure(&b, 0);
	breaker_failure(&b, 0);
	breaker_success(&b, 0);
	breaker_failure(&b, 0);
	breaker_failure(&b, 0);
	assert_int_equal(b.state, BREAKER_CLOSED);   /* not 3 in a row */
}

static void
test_half_open_single_probe(void **state)
{
	struct breaker b;
	(void)state;
	breaker_init(&b, "payment", 1, 1000);
	breaker_failure(&b, 100);
	assert_int_equal(b.state, BREAKER_OPEN);
	assert_false(breaker_allow(&b, 1099));
	assert_true(breaker_allow(&b, 1100));        /* the probe */
	assert_int_equal(b.state, BREAKER_HALF_OPEN);
	assert_false(breaker_allow(&b, 1101));       /* only one */
	breaker_success(&b, 1200);
	assert_int_equal(b.state, BREAKER_CLOSED);
	assert_true(breaker_allow(&b, 1201));
	assert_true(breaker_allow(&b, 1201));
}

static void
test_failed_probe_reopens(void **state)
{
	struct breaker b;
	(void)state;
	breaker_init(&b, "payment", 2, 1000);
	breaker_failure(&b, 0);
	breaker_failure(&b, 0);
	assert_true(breaker_allow(&b, 1000));
	breaker_failure(&b, 1500);
	assert_int_equal(b.state, BREAKER_OPEN);
	assert_false(breaker_allow(&b, 2499));
	assert_true(breaker_allow(&b, 2500));
}

static void
test_abandoned_probe_frees_slot(void **state)
{
	struct breaker b;
	(void)state;
	breaker_init(&b, "payment", 1, 10);
	breaker_failure(&b, 0);
	assert_true(breaker_allow(&b, 10));
	breaker_abandon(&b);
	assert_true(breaker_allow(&b, 11));
}

static void
test_late_failure_while_open_restarts_cooldown(void **state)
{
	struct breaker b;
	(void)state;
	breaker_init(&b, "payment", 1, 1000);
	breaker_failure(&b, 0);
	breaker_failure(&b, 800);                    /* a call from before */
	assert_false(breaker_allow(&b, 1000));
	assert_true(breaker_allow(&b, 1800));
	assert_string_equal(breaker_state_name(BREAKER_HALF_OPEN), "half-open");
}

/* A 401 trips the breaker at once, whatever the count, for at least the
 * time asked (longer than its own cool-down here) (issue 12). */
static void
test_trip_opens_at_once(void **state)
{
	struct breaker b;
	(void)state;
	breaker_init(&b, "payment", 5, 300);
	assert_true(breaker_allow(&b, 100));
	breaker_trip(&b, 100, 1000);
	assert_int_equal(b.state, BREAKER_OPEN);
	assert_false(breaker_allow(&b, 500));            /* past its own 300 ms, not past 1000 */
	assert_int_equal(breaker_wait_ms(&b, 500), 600);
	assert_false(breaker_allow(&b, 1099));
	assert_true(breaker_allow(&b, 1100));            /* the probe */
	assert_int_equal(b.state, BREAKER_HALF_OPEN);
	/* a shorter trip does not shorten an open breaker */
	breaker_trip(&b, 2000, 5000);
	breaker_trip(&b, 2100, 10);
	assert_false(breaker_allow(&b, 6000));
	assert_true(breaker_allow(&b, 7000));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_opens_after_threshold),
		cmocka_unit_test(test_success_resets_count),
		cmocka_unit_test(test_half_open_single_probe),
		cmocka_unit_test(test_failed_probe_reopens),
		cmocka_unit_test(test_abandoned_probe_frees_slot),
		cmocka_unit_test(test_late_failure_while_open_restarts_cooldown),
		cmocka_unit_test(test_trip_opens_at_once),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
