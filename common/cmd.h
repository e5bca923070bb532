#ifndef CB_CMD_H
#define CB_CMD_H
/*
 * Running a program where it truly is the only source of a fact (the
 * kernel's loaded nftables ruleset, which only netlink tells): by absolute
 * path, no shell, a clean environment (PATH=/usr/sbin:/usr/bin:/sbin:/bin,
 * LC_ALL=C, nothing else), stdin from /dev/null, stderr discarded, stdout
 * captured up to a cap, under a time limit after which the child is killed.
 * Every use is listed in the check's page (docs/checks/).
 */
#include <stddef.h>

#define CMD_WHY_MAX 160

enum cmd_result {
	CMD_OK,			/* exited 0; *out holds its stdout */
	CMD_FAILED,		/* exited non-zero or by a signal; why says which */
	CMD_ABSENT,		/* argv[0] does not exist */
	CMD_ERROR,		/* could not run, output over the cap, or the time ran out */
};

/*
 * Runs argv (argv[0] an absolute path, NULL-terminated) for at most
 * timeout_ms. On CMD_OK *out is malloc'd and NUL-terminated (free it) with
 * *len bytes; on CMD_FAILED *out still holds what it printed (the caller may
 * look at it) or NULL; otherwise *out is NULL. why (CMD_WHY_MAX) says what
 * went wrong: "exit status 1", "killed by signal 9", "no output within 2000
 * ms", "more than 4194304 bytes of output".
 */
enum cmd_result cmd_run(const char *const *argv, size_t max, long timeout_ms, char **out,
			size_t *len, char *why);

#endif
