/* Running a program for a fact: output, exit status, the cap, the time limit, the environment. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"

static const struct {
	const char *argv[5];
	size_t max;
	long timeout_ms;
	enum cmd_result want;
	const char *out;	/* CMD_OK/FAILED: stdout (NULL: not compared); else NULL */
	const char *why;
} rows[] = {
	{ { "/bin/echo", "hello", NULL }, 100, 2000, CMD_OK, "hello\n", "" },
	{ { "/bin/sh", "-c", "echo out; echo err >&2", NULL }, 100, 2000, CMD_OK, "out\n", "" },
	{ { "/bin/sh", "-c", "echo partial; exit 3", NULL }, 100, 2000, CMD_FAILED, "partial\n", "exit status 3" },
	{ { "/bin/sh", "-c", "kill -9 $$", NULL }, 100, 2000, CMD_FAILED, "", "killed by signal 9" },
	{ { "/bin/sh", "-c", "env", NULL }, 1000, 2000, CMD_OK, NULL, "" },
	{ { "/bin/sh", "-c", "head -c 5000 /dev/zero", NULL }, 1000, 2000, CMD_ERROR, NULL, "more than 1000 bytes of output" },
	{ { "/bin/sleep", "5", NULL }, 100, 200, CMD_ERROR, NULL, "no end within 200 ms" },
	{ { "/no/such/program", NULL }, 100, 2000, CMD_ABSENT, NULL, "not installed" },
	{ { "echo", "relative", NULL }, 100, 2000, CMD_ERROR, NULL, "not an absolute path" },
	{ { "/etc/passwd", NULL }, 100, 2000, CMD_ERROR, NULL, "cannot be run" },
};

static void
test_rows(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char why[CMD_WHY_MAX], *out;
		size_t len;
		struct timespec a, b;
		enum cmd_result r;

		clock_gettime(CLOCK_MONOTONIC, &a);
		r = cmd_run(rows[i].argv, rows[i].max, rows[i].timeout_ms, &out, &len, why);
		clock_gettime(CLOCK_MONOTONIC, &b);
		if (r != rows[i].want)
			fail_msg("row %zu: result %d, want %d (%s)", i, r, rows[i].want, why);
		if (strcmp(why, rows[i].why) != 0)
			fail_msg("row %zu: why '%s', want '%s'", i, why, rows[i].why);
		if (r == CMD_OK || r == CMD_FAILED) {
			assert_non_null(out);
			assert_int_equal(len, strlen(out));
			if (rows[i].out && strcmp(out, rows[i].out) != 0)
				fail_msg("row %zu: output '%s', want '%s'", i, out, rows[i].out);
		} else {
			assert_null(out);
		}
		/* the clean environment: only PATH and LC_ALL */
		if (i == 4 && (!strstr(out, "PATH=/usr/sbin:/usr/bin:/sbin:/bin") || !strstr(out, "LC_ALL=C") ||
			       strstr(out, "HOME=") || strstr(out, "CB_")))
			fail_msg("row 4: the environment is not clean: %s", out);
		/* the sleeper is killed at its limit, not waited for */
		if (i == 6 && (b.tv_sec - a.tv_sec) > 2)
			fail_msg("row 6: took %ld s", (long)(b.tv_sec - a.tv_sec));
		free(out);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
	};

	setenv("CB_SECRET_FOR_TEST", "x", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
