/* The host's files under a root directory: see hostfs.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/openat2.h>

#include "hostfs.h"
#include "util.h"
#include "banned.h"

static enum hostfs_result result_of(int err, char *why);

static int root_fd = -1;
static char *root_name;
static bool use_openat2 = true;

int
hostfs_init(const char *root, struct errmsg *e)
{
	struct open_how how = { .flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC };
	struct stat st;
	bool live = !root || strcmp(root, "/") == 0;
	int fd;

	if (root_fd != -1)
		close(root_fd);
	free(root_name);
	root_name = xstrdup(live ? "/" : root);
	root_fd = -1;
	fd = open(root_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1) {
		char why[HOSTFS_WHY_MAX];

		if (errno == ENOTDIR)
			snprintf(why, sizeof(why), "not a directory");
		else
			result_of(errno, why);
		errmsg_set(e, "--root '%s': %s", root_name, why);
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISDIR(st.st_mode)) {
		errmsg_set(e, "--root '%s': not a directory", root_name);
		close(fd);
		return -1;
	}
	/* openat2 may be missing (kernel before 5.6) or filtered (a container's seccomp) */
	if (syscall(SYS_openat2, fd, ".", &how, sizeof(how)) == -1 && (errno == ENOSYS || errno == EPERM)) {
		if (!live) {
			errmsg_set(e, "--root '%s': this kernel has no openat2(2), which keeps links "
				   "inside the root", root_name);
			close(fd);
			return -1;
		}
		use_openat2 = false;	/* the running system: plain open(2) is the same */
	} else {
		int probe = (int)syscall(SYS_openat2, fd, ".", &how, sizeof(how));

		if (probe >= 0)
			close(probe);
	}
	root_fd = fd;
	return 0;
}

const char *
hostfs_root(void)
{
	return root_name ? root_name : "/";
}

bool
hostfs_live(void)
{
	return !root_name || strcmp(root_name, "/") == 0;
}

static enum hostfs_result
result_of(int err, char *why)
{
	if (err == ENOENT || err == ENOTDIR) {
		snprintf(why, HOSTFS_WHY_MAX, "no such file");
		return HOSTFS_ABSENT;
	}
	if (err == EACCES || err == EPERM) {
		snprintf(why, HOSTFS_WHY_MAX, "permission denied");
		return HOSTFS_DENIED;
	}
	if (err == ELOOP || err == EXDEV)
		snprintf(why, HOSTFS_WHY_MAX, "a link that leaves the root or loops");
	else
		snprintf(why, HOSTFS_WHY_MAX, "%s", strerror(err));
	if (why[0] >= 'A' && why[0] <= 'Z')
		why[0] = (char)(why[0] - 'A' + 'a');
	return HOSTFS_ERROR;
}

/* Opens path (absolute, as on the host) under the root with flags; -1 with errno. */
static int
open_in_root(const char *path, int flags)
{
	struct open_how how = { .flags = (unsigned long long)(flags | O_CLOEXEC) };
	const char *rel = path;

	if (root_fd == -1) {
		errno = EBADF;
		return -1;
	}
	while (*rel == '/')
		rel++;
	if (!*rel)
		rel = ".";
	if (!use_openat2)
		return openat(root_fd, rel, flags | O_CLOEXEC);
	how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
	return (int)syscall(SYS_openat2, root_fd, rel, &how, sizeof(how));
}

static const char *
type_name(mode_t m)
{
	return S_ISDIR(m)    ? "a directory"
	       : S_ISCHR(m)  ? "a character device"
	       : S_ISBLK(m)  ? "a block device"
	       : S_ISFIFO(m) ? "a FIFO"
	       : S_ISSOCK(m) ? "a socket"
	       : S_ISLNK(m)  ? "a symbolic link"
			     : "not a file";
}

enum hostfs_result
hostfs_read(const char *path, size_t max, char **data, size_t *len, char *why)
{
	struct stat st;
	size_t have = 0, alloc;
	char *buf;
	int fd;

	*data = NULL;
	*len = 0;
	/* O_NONBLOCK: a FIFO must not block the open; it is refused just below */
	fd = open_in_root(path, O_RDONLY | O_NONBLOCK | O_NOCTTY);
	if (fd == -1)
		return result_of(errno, why);
	if (fstat(fd, &st) != 0) {
		int err = errno;

		close(fd);
		return result_of(err, why);
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		snprintf(why, HOSTFS_WHY_MAX, "not a regular file (%s)", type_name(st.st_mode));
		return HOSTFS_ERROR;
	}
	if (st.st_size > 0 && (unsigned long long)st.st_size > max) {
		close(fd);
		snprintf(why, HOSTFS_WHY_MAX, "larger than %zu bytes", max);
		return HOSTFS_ERROR;
	}
	/*
	 * /proc and /sys say size 0: read to the end, up to the cap, in large
	 * reads (a seq_file such as /proc/net/tcp walks its table again from
	 * the start for each read, so few large reads cost far less)
	 */
	alloc = st.st_size > 0 ? (size_t)st.st_size + 1 : 256 * 1024;
	if (alloc > max + 1)
		alloc = max + 1;
	buf = xmalloc(alloc + 1);
	for (;;) {
		ssize_t got;

		if (have == alloc) {
			if (alloc > max) {
				free(buf);
				close(fd);
				snprintf(why, HOSTFS_WHY_MAX, "larger than %zu bytes", max);
				return HOSTFS_ERROR;
			}
			alloc = alloc * 2 > max + 1 ? max + 1 : alloc * 2;
			buf = xrealloc(buf, alloc + 1);
		}
		got = read(fd, buf + have, alloc - have);
		if (got == 0)
			break;
		if (got < 0) {
			int err = errno;

			if (err == EINTR)
				continue;
			free(buf);
			close(fd);
			return result_of(err, why);
		}
		have += (size_t)got;
	}
	close(fd);
	if (have > max) {
		free(buf);
		snprintf(why, HOSTFS_WHY_MAX, "larger than %zu bytes", max);
		return HOSTFS_ERROR;
	}
	buf[have] = '\0';
	*data = buf;
	*len = have;
	return HOSTFS_OK;
}

enum hostfs_result
hostfs_stat(const char *path, struct stat *st, char *why)
{
	int fd = open_in_root(path, O_PATH);
	int rc;

	if (fd == -1)
		return result_of(errno, why);
	rc = fstat(fd, st);
	if (rc != 0) {
		int err = errno;

		close(fd);
		return result_of(err, why);
	}
	close(fd);
	return HOSTFS_OK;
}

enum hostfs_result
hostfs_lstat(const char *path, struct stat *st, char *why)
{
	int fd = open_in_root(path, O_PATH | O_NOFOLLOW);
	int rc;

	if (fd == -1)
		return result_of(errno, why);
	rc = fstat(fd, st);
	if (rc != 0) {
		int err = errno;

		close(fd);
		return result_of(err, why);
	}
	close(fd);
	return HOSTFS_OK;
}

static int
cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

enum hostfs_result
hostfs_list(const char *dir, const char *pattern, char ***names, size_t *n, char *why)
{
	int fd = open_in_root(dir, O_RDONLY | O_DIRECTORY);
	bool dots = pattern && pattern[0] == '.';
	struct dirent *de;
	size_t count = 0, alloc = 0;
	char **out = NULL;
	DIR *d;

	*names = NULL;
	*n = 0;
	if (fd == -1)
		return result_of(errno, why);
	d = fdopendir(fd);
	if (!d) {
		int err = errno;

		close(fd);
		return result_of(err, why);
	}
	errno = 0;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (de->d_name[0] == '.' && !dots)
			continue;
		if (pattern && fnmatch(pattern, de->d_name, FNM_PERIOD) != 0)
			continue;
		if (count == HOSTFS_LIST_MAX) {
			closedir(d);
			hostfs_names_free(out, count);
			snprintf(why, HOSTFS_WHY_MAX, "more than %d entries", HOSTFS_LIST_MAX);
			return HOSTFS_ERROR;
		}
		out = xgrow(out, count + 1, &alloc, sizeof(*out));
		out[count++] = xstrdup(de->d_name);
	}
	if (errno != 0) {
		int err = errno;

		closedir(d);
		hostfs_names_free(out, count);
		return result_of(err, why);
	}
	closedir(d);
	if (count)
		qsort(out, count, sizeof(*out), cmp_name);
	*names = out;
	*n = count;
	return HOSTFS_OK;
}

void
hostfs_names_free(char **names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

const char *
hostfs_why(enum hostfs_result r, const char *why)
{
	if (why && *why)
		return why;
	switch (r) {
	case HOSTFS_OK:
		return "read";
	case HOSTFS_ABSENT:
		return "no such file";
	case HOSTFS_DENIED:
		return "permission denied";
	case HOSTFS_ERROR:
		break;
	}
	return "cannot be read";
}
