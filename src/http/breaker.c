#include "config.h"

#include "http/breaker.h"

void
breaker_init(struct breaker *b, const char *name, unsigned threshold, uint64_t open_ms)
{
	b->name = name;
	b->state = BREAKER_CLOSED;
	b->failures = 0;
	b->threshold = threshold ? threshold : 1;
	b->open_ms = open_ms;
	b->opened_at = 0;
	b->probe_in_flight = false;
}

bool
breaker_allow(struct breaker *b, uint64_t now_ms)
{
	switch (b->state) {
	case BREAKER_CLOSED:
		return true;
	case BREAKER_OPEN:
		/* opened_at may be ahead of now: breaker_trip for longer */
		if (now_ms < b->opened_at || now_ms - b->opened_at < b->open_ms)
			return false;
		b->state = BREAKER_HALF_OPEN;
		b->probe_in_flight = true;
		return true;
	case BREAKER_HALF_OPEN:
		if (b->probe_in_flight)
			return false;
		b->probe_in_flight = true;
		return true;
	}
	return false;
}

void
breaker_success(struct breaker *b, uint64_t now_ms)
{
	(void)now_ms;
	b->state = BREAKER_CLOSED;
	b->failures = 0;
	b->probe_in_flight = false;
}

static void
breaker_open(struct breaker *b, uint64_t now_ms)
{
	b->state = BREAKER_OPEN;
	b->opened_at = now_ms;
	b->probe_in_flight = false;
	b->failures = 0;
}

void
breaker_failure(struct breaker *b, uint64_t now_ms)
{
	switch (b->state) {
	case BREAKER_CLOSED:
		if (++b->failures >= b->threshold)
			breaker_open(b, now_ms);
		break;
	case BREAKER_HALF_OPEN:
		breaker_open(b, now_ms);
		break;
	case BREAKER_OPEN:
		/* A call that started before the breaker opened: the outage
		 * is confirmed, restart the cool-down. */
		b->opened_at = now_ms;
		break;
	}
}

void
breaker_trip(struct breaker *b, uint64_t now_ms, uint64_t open_ms)
{
	uint64_t until = now_ms + (open_ms > b->open_ms ? open_ms : b->open_ms);

	if (b->state == BREAKER_OPEN && b->opened_at + b->open_ms >= until)
		return;                 /* open long enough already */
	breaker_open(b, until - b->open_ms);
}

void
breaker_abandon(struct breaker *b)
{
	if (b->state == BREAKER_HALF_OPEN)
		b->probe_in_flight = false;
}

uint64_t
breaker_wait_ms(const struct breaker *b, uint64_t now_ms)
{
	switch (b->state) {
	case BREAKER_CLOSED:
		return 0;
	case BREAKER_OPEN:
		if (now_ms < b->opened_at)
			return b->opened_at - now_ms + b->open_ms;
		return now_ms - b->opened_at >= b->open_ms ? 0 : b->open_ms - (now_ms - b->opened_at);
	case BREAKER_HALF_OPEN:
		/* The probe decides; ask again a little later. */
		return b->probe_in_flight ? (b->open_ms < 1000 ? b->open_ms : 1000) : 0;
	}
	return 0;
}

const char *
breaker_state_name(enum breaker_state st)
{
	switch (st) {
	case BREAKER_CLOSED: return "closed";
	case BREAKER_OPEN: return "open";
	case BREAKER_HALF_OPEN: return "half-open";
	}
	return "?";
}
