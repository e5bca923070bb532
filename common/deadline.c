/* One monotonic deadline for all of a check's I/O. */
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "deadline.h"
#include "banned.h"

static void
now(struct timespec *ts)
{
	/* CLOCK_MONOTONIC cannot fail on Linux with a valid pointer */
	clock_gettime(CLOCK_MONOTONIC, ts);
}

/* Starts (or restarts) d: it expires `seconds` from now; 0 is already expired. */
void
deadline_start(struct deadline *d, unsigned seconds)
{
	now(&d->end);
	d->end.tv_sec += (time_t)seconds;
	d->timeout_s = seconds;
	d->stage = "start";
}

/*
 * Milliseconds left, rounded up, so that 0 means expired and a deadline that
 * has not expired gives at least 1. Capped at INT_MAX (poll's argument).
 */
int
deadline_remaining_ms(const struct deadline *d)
{
	struct timespec t;
	long long ns, ms;

	now(&t);
	if (t.tv_sec > d->end.tv_sec ||
	    (t.tv_sec == d->end.tv_sec && t.tv_nsec >= d->end.tv_nsec))
		return 0;
	if (d->end.tv_sec - t.tv_sec > INT_MAX / 1000 + 1)
		return INT_MAX;
	ns = (long long)(d->end.tv_sec - t.tv_sec) * 1000000000LL + (d->end.tv_nsec - t.tv_nsec);
	ms = (ns + 999999) / 1000000;
	return ms > INT_MAX ? INT_MAX : (int)ms;
}

bool
deadline_expired(const struct deadline *d)
{
	return deadline_remaining_ms(d) == 0;
}

/* stage must be a static string; it names what a timeout interrupted. */
void
deadline_stage(struct deadline *d, const char *stage)
{
	d->stage = stage;
}

static char watchdog_line[256];
static size_t watchdog_len;

static void
watchdog_fire(int sig)
{
	(void)sig;
	(void)!write(STDOUT_FILENO, watchdog_line, watchdog_len);
	_exit(3);
}

void
deadline_watchdog(const char *program, unsigned seconds)
{
	struct sigaction sa;
	int n;

	n = snprintf(watchdog_line, sizeof(watchdog_line),
		     "BASELINE UNKNOWN - %s: internal watchdog: no result %u s after the start\n",
		     program, seconds);
	watchdog_len = n > 0 && (size_t)n < sizeof(watchdog_line) ? (size_t)n : 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = watchdog_fire;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	alarm(seconds);
}
