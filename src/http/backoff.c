#include "config.h"

#include "http/backoff.h"

uint64_t
backoff_rand(uint64_t *rng)
{
	uint64_t z = (*rng += UINT64_C(0x9E3779B97F4A7C15));

	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

uint64_t
backoff_ceiling_ms(uint64_t base_ms, uint64_t cap_ms, unsigned attempt)
{
	uint64_t v = base_ms;

	if (base_ms == 0)
		return 0;
	/* Double step by step so a huge attempt count saturates at the cap
	 * instead of shifting bits out of the word. */
	while (attempt-- > 0 && v < cap_ms)
		v = v > UINT64_MAX / 2 ? UINT64_MAX : v * 2;
	return v < cap_ms ? v : cap_ms;
}

uint64_t
backoff_delay_ms(uint64_t base_ms, uint64_t cap_ms, unsigned attempt, uint64_t *rng)
{
	uint64_t ceiling = backoff_ceiling_ms(base_ms, cap_ms, attempt);

	if (ceiling == 0)
		return 0;
	if (ceiling == UINT64_MAX)
		return backoff_rand(rng);
	return backoff_rand(rng) % (ceiling + 1);
}
