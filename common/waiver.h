#ifndef CB_WAIVER_H
#define CB_WAIVER_H
/*
 * Waivers: approved, expiring exceptions for one control on matching hosts.
 * File: {"waivers": [{"control", "host", "justification", "approved_by",
 * "ticket", "created", "expires"}]}. A waiver applies while today < expires
 * (it lapses at 00:00 UTC on the expiry date); expires is at most one year
 * after created.
 */
#include <stdbool.h>
#include <stddef.h>

#include "digest.h"

struct baseline;
struct errmsg;

struct waiver {
	size_t index;		/* position in the file, for messages */
	char *control;
	char *host;		/* shell pattern over the host identity */
	char *justification;
	char *approved_by;
	char *ticket;		/* may be NULL */
	char *created;		/* YYYY-MM-DD */
	char *expires;		/* YYYY-MM-DD */
};

struct waivers {
	char *path;
	char sha256[DIGEST_HEX_LEN + 1];
	struct waiver *v;
	size_t n;
};

/*
 * Loads and validates a waiver file. When b is not NULL, every waiver must
 * name a control of b. Errors name the file and path:
 * "waivers 'w.json': waivers[2].expires: more than one year after created".
 */
int waivers_load(struct waivers *w, const char *path, const struct baseline *b, struct errmsg *e);
/* The same from memory; `name` stands for the path in messages. */
int waivers_load_buf(struct waivers *w, const char *text, size_t len, const char *name,
		     const struct baseline *b, struct errmsg *e);
void waivers_release(struct waivers *w);

/*
 * The waiver for control on host that applies today, or NULL. When none
 * applies but one matched and has expired, *expired is set to it (else NULL).
 */
const struct waiver *waivers_match(const struct waivers *w, const char *control, const char *host,
				   const char *today, const struct waiver **expired);

#endif
