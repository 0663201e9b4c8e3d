/* Capped exponential backoff with full jitter.
 *
 * The delay before retry number `attempt` (0 for the first retry) is drawn
 * uniformly from [0, min(cap, base * 2^attempt)]: "full jitter" spreads the
 * retries of many workers that failed together (a gateway outage) instead of
 * sending them back in synchronised waves. */
#ifndef OMS_HTTP_BACKOFF_H
#define OMS_HTTP_BACKOFF_H

#include <stdint.h>

/* min(cap_ms, base_ms << attempt), without overflow; 0 when base_ms is 0. */
uint64_t backoff_ceiling_ms(uint64_t base_ms, uint64_t cap_ms, unsigned attempt);
/* A delay in [0, backoff_ceiling_ms()], using and advancing *rng. */
uint64_t backoff_delay_ms(uint64_t base_ms, uint64_t cap_ms, unsigned attempt,
			  uint64_t *rng);
/* splitmix64: small, seedable, good enough for jitter (not for secrets). */
uint64_t backoff_rand(uint64_t *rng);

#endif
