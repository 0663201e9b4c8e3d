/* Timing hook for bench/ (see bench.h). Nothing here runs unless
 * OMS_BENCH_LOG is set; the log is opened once, in append mode, and each
 * event is one write(2) so that concurrent clients do not interleave. */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

#define BENCH_ARMED_MAX 4

static int bench_fd = -1;
static uint64_t bench_start_ns;     /* the process start, as near as we get */
static uint64_t bench_sent_ns;      /* send time of the answer being delivered */
static uint64_t bench_readable_ns;  /* ... and when its end could be read */
static bool bench_first_done;
static struct {
	char event[48];
	uint64_t t0, wait;     /* wait: t0 -> answer readable (0: not a query) */
} bench_armed[BENCH_ARMED_MAX];
static int bench_narmed;

static uint64_t
bench_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Runs before main() (the program links this file through ui/loop.c), so
 * first_screen also counts option parsing, oms.conf and the connection. */
__attribute__((constructor)) static void
bench_init(void)
{
	const char *path = getenv("OMS_BENCH_LOG");

	if (!path || !*path)
		return;
	bench_start_ns = bench_ns();
	bench_fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
}

static void
bench_log(const char *event, uint64_t t0, uint64_t t1, uint64_t wait)
{
	char line[128];
	int n;

	if (wait)
		n = snprintf(line, sizeof line, "%s %.3f %.3f\n", event, (double)(t1 - t0) / 1e6,
			     (double)wait / 1e6);
	else
		n = snprintf(line, sizeof line, "%s %.3f\n", event, (double)(t1 - t0) / 1e6);
	if (n > 0 && (size_t)n < sizeof line)
		(void)!write(bench_fd, line, (size_t)n);
}

uint64_t
ui_bench_clock(void)
{
	return bench_fd < 0 ? 0 : bench_ns();
}

void
ui_bench_answering(uint64_t sent_ns, uint64_t readable_ns)
{
	bench_sent_ns = sent_ns;
	bench_readable_ns = readable_ns;
}

void
ui_bench_after_draw(const char *event, const char *detail, uint64_t t0_ns)
{
	if (bench_fd < 0 || bench_narmed == BENCH_ARMED_MAX)
		return;
	snprintf(bench_armed[bench_narmed].event, sizeof bench_armed[0].event, "%s%s%s", event,
		 detail ? " " : "", detail ? detail : "");
	bench_armed[bench_narmed].t0 = t0_ns ? t0_ns : bench_sent_ns;
	bench_armed[bench_narmed].wait = !t0_ns && bench_sent_ns && bench_readable_ns > bench_sent_ns
					 ? bench_readable_ns - bench_sent_ns : 0;
	bench_narmed++;
}

void
ui_bench_drawn(bool who_known)
{
	uint64_t now;

	if (bench_fd < 0)
		return;
	now = bench_ns();
	if (!bench_first_done && who_known) {
		bench_first_done = true;
		bench_log("first_screen", bench_start_ns, now, 0);
	}
	for (int i = 0; i < bench_narmed; i++)
		if (bench_armed[i].t0)
			bench_log(bench_armed[i].event, bench_armed[i].t0, now, bench_armed[i].wait);
	bench_narmed = 0;
}
