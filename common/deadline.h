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

#endif
