/* A circuit breaker per remote service (payment gateway, SMTP relay).
 *
 * CLOSED: calls go through; `threshold` consecutive failures open it.
 * OPEN: calls are refused (the job is released untried, not failed) until
 * `open_ms` have passed; then HALF_OPEN lets exactly one probe through.
 * The probe's success closes the breaker, its failure opens it again.
 *
 * Only failures that say "the service is unwell" count: timeouts,
 * connection errors, 5xx, 429, unreadable answers. A 4xx refusal of one
 * request is an answer from a healthy service and counts as success.
 * Time is passed in (milliseconds, monotonic) so tests need no clock. */
#ifndef OMS_HTTP_BREAKER_H
#define OMS_HTTP_BREAKER_H

#include <stdbool.h>
#include <stdint.h>

enum breaker_state { BREAKER_CLOSED, BREAKER_OPEN, BREAKER_HALF_OPEN };

struct breaker {
	const char *name;
	enum breaker_state state;
	unsigned failures;        /* consecutive, while closed */
	unsigned threshold;
	uint64_t open_ms;
	uint64_t opened_at;
	bool probe_in_flight;
};

void breaker_init(struct breaker *b, const char *name, unsigned threshold, uint64_t open_ms);
/* May a call start now? In HALF_OPEN a true answer reserves the one probe. */
bool breaker_allow(struct breaker *b, uint64_t now_ms);
void breaker_success(struct breaker *b, uint64_t now_ms);
void breaker_failure(struct breaker *b, uint64_t now_ms);
/* A call that was allowed but never made (e.g. shutdown): frees the probe. */
void breaker_abandon(struct breaker *b);
/* Opens at once, whatever the count, for at least open_ms (or the
 * breaker's own cool-down when that is longer): an answer that says every
 * call will fail alike (401, a rotated API key; Retry-After on a 503). */
void breaker_trip(struct breaker *b, uint64_t now_ms, uint64_t open_ms);
/* Milliseconds until a call may be tried again (0 when allowed now). */
uint64_t breaker_wait_ms(const struct breaker *b, uint64_t now_ms);
const char *breaker_state_name(enum breaker_state st);

#endif
