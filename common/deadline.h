#ifndef CB_DEADLINE_H
#define CB_DEADLINE_H
/*
 * One monotonic deadline for all of a check's I/O. The probe names the stage
 * it is in ("connect", "banner", "kexinit", ...) so that a timeout can say
 * which stage ran out.
 */
#include <stdbool.h>
#include <time.h>

struct deadline {
	struct timespec end;
	unsigned timeout_s;
	const char *stage;	/* static string */
};

void deadline_start(struct deadline *d, unsigned seconds);
/* Milliseconds left (>= 0); 0 means expired. Capped at INT_MAX. */
int deadline_remaining_ms(const struct deadline *d);
bool deadline_expired(const struct deadline *d);
void deadline_stage(struct deadline *d, const char *stage);

/*
 * A last line of defence behind the deadline: after `seconds` the process
 * prints one plugin line ("BASELINE UNKNOWN - <program>: internal watchdog
 * ...") with write(2) and exits 3 from the signal handler, so that a call
 * that ignores our deadline (name resolution, a library) never leaves the
 * scheduler to kill us. Also ignores SIGPIPE. Call once, early.
 */
void deadline_watchdog(const char *program, unsigned seconds);

#endif
