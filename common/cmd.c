/* Running a program for a fact, with a clean environment and a time limit: see cmd.h. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "util.h"
#include "banned.h"

static long
mono_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000L + t.tv_nsec / 1000000L;
}

/* In the child: stdin and stderr to /dev/null, stdout to the pipe, then exec. */
static void
child(const char *const *argv, int wfd)
{
	char path[] = "PATH=/usr/sbin:/usr/bin:/sbin:/bin", lc[] = "LC_ALL=C";
	char *envp[] = { path, lc, NULL };
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (null == -1 || dup2(null, 0) == -1 || dup2(wfd, 1) == -1 || dup2(null, 2) == -1)
		_exit(126);
	execve(argv[0], (char *const *)(uintptr_t)argv, envp);
	_exit(127);
}

enum cmd_result
cmd_run(const char *const *argv, size_t max, long timeout_ms, char **out, size_t *len, char *why)
{
	struct stat st;
	size_t have = 0, alloc = 4096;
	long end = mono_ms() + timeout_ms;
	enum cmd_result res = CMD_OK;
	int p[2], status = 0;
	char *buf;
	pid_t pid;

	*out = NULL;
	*len = 0;
	why[0] = '\0';
	if (!argv[0] || argv[0][0] != '/') {
		snprintf(why, CMD_WHY_MAX, "not an absolute path");
		return CMD_ERROR;
	}
	if (stat(argv[0], &st) != 0) {
		snprintf(why, CMD_WHY_MAX, "%s", errno == ENOENT ? "not installed" : strerror(errno));
		return errno == ENOENT ? CMD_ABSENT : CMD_ERROR;
	}
	if (pipe2(p, O_CLOEXEC) != 0) {
		snprintf(why, CMD_WHY_MAX, "pipe: %s", strerror(errno));
		return CMD_ERROR;
	}
	pid = fork();
	if (pid == -1) {
		snprintf(why, CMD_WHY_MAX, "fork: %s", strerror(errno));
		close(p[0]);
		close(p[1]);
		return CMD_ERROR;
	}
	if (pid == 0)
		child(argv, p[1]);
	close(p[1]);
	buf = xmalloc(alloc + 1);
	for (;;) {
		struct pollfd pfd = { .fd = p[0], .events = POLLIN };
		long left = end - mono_ms();
		ssize_t got;
		int rc;

		if (left <= 0) {
			snprintf(why, CMD_WHY_MAX, "no end within %ld ms", timeout_ms);
			res = CMD_ERROR;
			break;
		}
		rc = poll(&pfd, 1, (int)left);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc <= 0)
			continue;	/* the time check above ends it */
		if (have == alloc) {
			if (alloc > max) {
				snprintf(why, CMD_WHY_MAX, "more than %zu bytes of output", max);
				res = CMD_ERROR;
				break;
			}
			alloc *= 2;
			buf = xrealloc(buf, alloc + 1);
		}
		got = read(p[0], buf + have, alloc - have);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		have += (size_t)got;
		if (have > max) {
			snprintf(why, CMD_WHY_MAX, "more than %zu bytes of output", max);
			res = CMD_ERROR;
			break;
		}
	}
	close(p[0]);
	if (res != CMD_OK)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	if (res == CMD_OK && WIFEXITED(status) && WEXITSTATUS(status) == 127) {
		snprintf(why, CMD_WHY_MAX, "cannot be run");
		res = CMD_ERROR;
	} else if (res == CMD_OK && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
		if (WIFEXITED(status))
			snprintf(why, CMD_WHY_MAX, "exit status %d", WEXITSTATUS(status));
		else
			snprintf(why, CMD_WHY_MAX, "killed by signal %d", WTERMSIG(status));
		res = CMD_FAILED;
	}
	if (res == CMD_OK || res == CMD_FAILED) {
		buf[have] = '\0';
		*out = buf;
		*len = have;
	} else {
		free(buf);
	}
	return res;
}
