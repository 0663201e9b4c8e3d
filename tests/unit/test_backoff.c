/* Capped exponential backoff with full jitter: bounds, cap, overflow. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "http/backoff.h"

static void
test_ceiling_doubles_then_caps(void **state)
{
	(void)state;
	assert_int_equal(backoff_ceiling_ms(100, 10000, 0), 100);
	assert_int_equal(backoff_ceiling_ms(100, 10000, 1), 200);
	assert_int_equal(backoff_ceiling_ms(100, 10000, 6), 6400);
	assert_int_equal(backoff_ceiling_ms(100, 10000, 7), 10000);
	assert_int_equal(backoff_ceiling_ms(100, 10000, 1000000), 10000);
	assert_int_equal(backoff_ceiling_ms(0, 10000, 5), 0);
	/* no overflow with absurd inputs */
	assert_int_equal(backoff_ceiling_ms(UINT64_MAX / 3, UINT64_MAX, 200), UINT64_MAX);
}

static void
test_delay_within_bounds(void **state)
{
	uint64_t rng = 42;
	(void)state;
	for (unsigned attempt = 0; attempt < 40; attempt++) {
		uint64_t ceiling = backoff_ceiling_ms(50, 30000, attempt);
		for (int i = 0; i < 500; i++) {
			uint64_t d = backoff_delay_ms(50, 30000, attempt, &rng);
			assert_true(d <= ceiling);
			assert_true(d <= 30000);
		}
	}
}

static void
test_jitter_spreads(void **state)
{
	/* Full jitter: many draws cover low and high parts of the range. */
	uint64_t rng = 7, lo = UINT64_MAX, hi = 0;
	(void)state;
	for (int i = 0; i < 2000; i++) {
		uint64_t d = backoff_delay_ms(1000, 60000, 3, &rng);
		lo = d < lo ? d : lo;
		hi = d > hi ? d : hi;
	}
	assert_true(lo < 800);
	assert_true(hi > 7200);
}

static void
test_seed_repeats(void **state)
{
	uint64_t a = 99, b = 99;
	(void)state;
	for (int i = 0; i < 100; i++)
		assert_int_equal(backoff_delay_ms(10, 5000, (unsigned)i % 12, &a),
				 backoff_delay_ms(10, 5000, (unsigned)i % 12, &b));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ceiling_doubles_then_caps),
		cmocka_unit_test(test_delay_within_bounds),
		cmocka_unit_test(test_jitter_spreads),
		cmocka_unit_test(test_seed_repeats),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
