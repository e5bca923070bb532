#ifndef CB_SSHDCFG_H
#define CB_SSHDCFG_H
/*
 * An SSH server's sshd_config, read as sshd reads it, for check_baseline_host
 * (LNX-005 to LNX-007), through hostfs (so under --root):
 *   - words split as sshd's argv_split: blanks, an optional '=' after the
 *     keyword, double quotes; keywords ignore case; '#' starts a comment
 *   - every option is kept, in the order sshd reads it: the first value of
 *     a keyword is the effective one (sshdcfg_get())
 *   - Include PATTERN...: relative to /etc/ssh, wildcards in the file name
 *     only, files in name order, at most SSHDCFG_DEPTH_MAX deep; an Include
 *     that names no file is skipped (as sshd); a loop is an error
 *   - a Match block lasts to the next Match or the end of its file ("Match
 *     all" returns to global); an included file starts in its includer's
 *     state, which comes back after it (OpenSSH 8.2 and later)
 *   - caps: SSHDCFG_FILE_MAX per file, SSHDCFG_OPTS_MAX options; a NUL byte
 *     makes a file "not text"
 * Errors go to c->err ("needs read access to /etc/ssh/sshd_config" when
 * denied, with c->denied set); the first error ends the reading.
 */
#include <stdbool.h>
#include <stddef.h>

#define SSHDCFG_FILE_MAX (1024 * 1024)
#define SSHDCFG_DEPTH_MAX 16
#define SSHDCFG_OPTS_MAX 4096

struct sshdcfg_opt {
	char key[40];		/* lower case */
	char value[256];	/* the arguments, joined by one space */
	bool in_match;
};

/* About 1.2 MB: allocate it (zeroed), do not put it on the stack. */
struct sshdcfg {
	struct sshdcfg_opt opts[SSHDCFG_OPTS_MAX];
	size_t n;
	const char *stack[SSHDCFG_DEPTH_MAX + 1];	/* the files being read, for loops */
	size_t depth;
	char err[512];
	bool denied;
};

/* Reads path (a host path, under hostfs's root) and what it includes into c. */
void sshdcfg_file(struct sshdcfg *c, const char *path, bool in_match);

/*
 * The same for text in memory (tests, fuzzing), named name in messages;
 * Include lines are followed through hostfs. 0, or -1 with c->err set.
 */
int sshdcfg_parse(struct sshdcfg *c, const char *text, size_t len, const char *name);

/*
 * The effective global value of key (lower case): the first one outside a
 * Match block, else dflt. When vals is not NULL, every value a Match block
 * sets and then the global one go to vals (at most max), their count to *nv.
 */
const char *sshdcfg_get(const struct sshdcfg *c, const char *key, const char *dflt, const char **vals,
			size_t *nv, size_t max);

/* sshd's time format ("60", "30s", "2m", "1h30m") in seconds, or -1. */
long long sshdcfg_seconds(const char *s);

#endif
