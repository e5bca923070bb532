#ifndef CB_HOSTFS_H
#define CB_HOSTFS_H
/*
 * The host's files, read under a root directory: "/" for the running
 * system, or the tree given with --root (a container image, a mounted disk,
 * a test fixture). Paths are absolute as on the host ("/etc/ssh/sshd_config",
 * "/proc/sys/kernel/randomize_va_space"); each is opened with
 * openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS) on the root's directory
 * descriptor, so ".." and symbolic links, absolute ones too, stay inside the
 * root as in a chroot. Only regular files are read (a FIFO, a device such as
 * a link to /dev/zero, a directory are refused before any read), each with a
 * size cap, so a hostile tree cannot make a read block or grow without end.
 *
 * Results carry a reason for what is not HOSTFS_OK, lower case, without the
 * path (the caller names it): "no such file", "permission denied", "not a
 * regular file (a character device)", "larger than 1048576 bytes".
 *
 * One root per process (hostfs_init() once); not thread-safe.
 */
#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

struct errmsg;

#define HOSTFS_WHY_MAX 128
#define HOSTFS_LIST_MAX 4096	/* names returned by one hostfs_list() at most */

enum hostfs_result {
	HOSTFS_OK,
	HOSTFS_ABSENT,		/* no such file or directory (ENOENT, ENOTDIR) */
	HOSTFS_DENIED,		/* EACCES, EPERM: a grant would make it readable */
	HOSTFS_ERROR,		/* anything else: not regular, too large, I/O, a loop */
};

/*
 * Opens root (NULL or "/": the running system) as the root of every later
 * path. 0, or -1 with "--root 'DIR': ..." in e (not a directory, cannot be
 * opened, or this kernel has no openat2 for a root other than "/").
 */
int hostfs_init(const char *root, struct errmsg *e);

/* The root as given ("/" for the running system), and whether it is the running system. */
const char *hostfs_root(void);
bool hostfs_live(void);

/*
 * Reads the regular file path whole: at most max bytes, else HOSTFS_ERROR
 * "larger than MAX bytes". On HOSTFS_OK *data is malloc'd and NUL-terminated
 * (the caller frees it) and *len its length; otherwise *data is NULL and why
 * (HOSTFS_WHY_MAX bytes) says why.
 */
enum hostfs_result hostfs_read(const char *path, size_t max, char **data, size_t *len,
			       char *why);

/*
 * fstat() of path, following links inside the root; the last component may
 * be any type. On HOSTFS_OK *st is filled; otherwise why says why.
 */
enum hostfs_result hostfs_stat(const char *path, struct stat *st, char *why);

/*
 * lstat() of path: a last component that is a link is described itself
 * (links before it are followed inside the root).
 */
enum hostfs_result hostfs_lstat(const char *path, struct stat *st, char *why);

/*
 * The names in directory dir that match the shell pattern (fnmatch(3);
 * NULL: all), without "." and "..", and without names starting with '.'
 * unless the pattern starts with one, sorted bytewise. At most
 * HOSTFS_LIST_MAX (else HOSTFS_ERROR "more than N entries"). On HOSTFS_OK
 * *names is a malloc'd array of *n malloc'd names (hostfs_names_free()).
 */
enum hostfs_result hostfs_list(const char *dir, const char *pattern, char ***names, size_t *n,
			       char *why);
void hostfs_names_free(char **names, size_t n);

/* Text for a result and reason: "permission denied" etc. (why itself, or a default). */
const char *hostfs_why(enum hostfs_result r, const char *why);

#endif
