/* Timing hook for the benchmarks (bench/): when the environment variable
 * OMS_BENCH_LOG names a file, the terminal client appends one line per event
 * to it:
 *
 *   first_screen <ms>      process start -> first complete screen with whoami
 *   lookup <kind> <ms> <wait>
 *                          lookup query sent -> its rows on the screen; wait:
 *                          sent -> the answer's last bytes readable (the
 *                          rest is the client's: reading, parsing, drawing)
 *   cancel_commit <ms>     confirming key -> commit answered, screen redrawn
 *
 * "On the screen" means after the refresh() (doupdate) that follows the event.
 * Milliseconds with microsecond decimals, from CLOCK_MONOTONIC. When
 * OMS_BENCH_LOG is unset every function here returns at its first test. */
#ifndef OMS_UI_BENCH_H
#define OMS_UI_BENCH_H

#include <stdbool.h>
#include <stdint.h>

/* Monotonic nanoseconds, or 0 when the hook is off (so callers can stamp
 * times unconditionally at the cost of one branch). */
uint64_t ui_bench_clock(void);
/* The loop tells which request's answer it is delivering: its send time,
 * and when the socket turned readable with the answer's end. */
void ui_bench_answering(uint64_t sent_ns, uint64_t readable_ns);
/* Logs "<event> [<detail>] <ms>" after the next screen update, measured
 * from t0_ns (0: from the send time of the request being answered). */
void ui_bench_after_draw(const char *event, const char *detail, uint64_t t0_ns);
/* The loop has updated the screen; who_known: whoami is on it. */
void ui_bench_drawn(bool who_known);

#endif
