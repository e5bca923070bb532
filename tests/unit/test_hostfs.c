/* Reading a host's files under a root: links stay inside, only regular files, caps. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hostfs.h"
#include "util.h"

static char root[64];

static void
put(const char *rel, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s%s", root, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void
mk(const char *rel)
{
	char path[256];

	snprintf(path, sizeof(path), "%s%s", root, rel);
	assert_int_equal(mkdir(path, 0755), 0);
}

static void
ln(const char *target, const char *rel)
{
	char path[256];

	snprintf(path, sizeof(path), "%s%s", root, rel);
	assert_int_equal(symlink(target, path), 0);
}

/* A tree: /etc/os-release, /etc/ssh/sshd_config.d/{10-a.conf,20-b.conf,.hidden}, links, a FIFO. */
static int
setup(void **state)
{
	char path[256];

	(void)state;
	snprintf(root, sizeof(root), "/tmp/cb-hostfs-XXXXXX");
	if (!mkdtemp(root))
		return -1;
	mk("/etc");
	mk("/etc/ssh");
	mk("/etc/ssh/sshd_config.d");
	put("/etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n");
	put("/etc/ssh/sshd_config.d/20-b.conf", "PermitRootLogin no\n");
	put("/etc/ssh/sshd_config.d/10-a.conf", "Port 22\n");
	put("/etc/ssh/sshd_config.d/.hidden", "x\n");
	put("/etc/ssh/sshd_config.d/notes.txt", "x\n");
	put("/etc/big", "0123456789");
	ln("/etc/os-release", "/etc/abs-link");			/* absolute: inside the root */
	ln("../../../../../../etc/os-release", "/etc/dotdot-link");	/* .. cannot climb out */
	ln("/dev/zero", "/etc/zero");				/* not in the tree: absent */
	ln("loop-b", "/etc/loop-a");
	ln("loop-a", "/etc/loop-b");
	snprintf(path, sizeof(path), "%s/etc/fifo", root);
	if (mkfifo(path, 0600) != 0)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

static const struct {
	const char *path;
	size_t max;
	enum hostfs_result want;
	const char *text;	/* OK: the content; else the reason */
} reads[] = {
	{ "/etc/os-release", 4096, HOSTFS_OK, "ID=debian\nVERSION_ID=\"12\"\n" },
	{ "etc/os-release", 4096, HOSTFS_OK, "ID=debian\nVERSION_ID=\"12\"\n" },
	{ "/etc/abs-link", 4096, HOSTFS_OK, "ID=debian\nVERSION_ID=\"12\"\n" },
	{ "/etc/dotdot-link", 4096, HOSTFS_OK, "ID=debian\nVERSION_ID=\"12\"\n" },
	{ "/../../etc/os-release", 4096, HOSTFS_OK, "ID=debian\nVERSION_ID=\"12\"\n" },
	{ "/etc/big", 10, HOSTFS_OK, "0123456789" },
	{ "/etc/big", 9, HOSTFS_ERROR, "larger than 9 bytes" },
	{ "/etc/zero", 4096, HOSTFS_ABSENT, "no such file" },
	{ "/etc/nope", 4096, HOSTFS_ABSENT, "no such file" },
	{ "/etc/os-release/x", 4096, HOSTFS_ABSENT, "no such file" },
	{ "/etc/fifo", 4096, HOSTFS_ERROR, "not a regular file (a FIFO)" },
	{ "/etc/ssh", 4096, HOSTFS_ERROR, "not a regular file (a directory)" },
	{ "/etc/loop-a", 4096, HOSTFS_ERROR, "a link that leaves the root or loops" },
};

static void
test_read(void **state)
{
	struct errmsg e;
	size_t i;

	(void)state;
	assert_int_equal(hostfs_init(root, &e), 0);
	assert_string_equal(hostfs_root(), root);
	assert_false(hostfs_live());
	for (i = 0; i < sizeof(reads) / sizeof(reads[0]); i++) {
		char why[HOSTFS_WHY_MAX] = "", *data = NULL;
		size_t len = 0;
		enum hostfs_result r = hostfs_read(reads[i].path, reads[i].max, &data, &len, why);

		if (r != reads[i].want)
			fail_msg("row %zu (%s): result %d, want %d (%s)", i, reads[i].path, r,
				 reads[i].want, why);
		if (r == HOSTFS_OK) {
			assert_non_null(data);
			assert_int_equal(len, strlen(reads[i].text));
			assert_string_equal(data, reads[i].text);
		} else {
			assert_null(data);
			if (strcmp(why, reads[i].text) != 0)
				fail_msg("row %zu (%s): why '%s', want '%s'", i, reads[i].path, why,
					 reads[i].text);
		}
		free(data);
	}
}

static void
test_stat_list(void **state)
{
	char why[HOSTFS_WHY_MAX], **names;
	struct stat st;
	struct errmsg e;
	size_t n;

	(void)state;
	assert_int_equal(hostfs_init(root, &e), 0);
	assert_int_equal(hostfs_stat("/etc/ssh", &st, why), HOSTFS_OK);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(hostfs_stat("/etc/fifo", &st, why), HOSTFS_OK);
	assert_true(S_ISFIFO(st.st_mode));
	assert_int_equal(hostfs_lstat("/etc/abs-link", &st, why), HOSTFS_OK);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(hostfs_stat("/etc/abs-link", &st, why), HOSTFS_OK);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(hostfs_stat("/etc/nope", &st, why), HOSTFS_ABSENT);

	assert_int_equal(hostfs_list("/etc/ssh/sshd_config.d", "*.conf", &names, &n, why), HOSTFS_OK);
	assert_int_equal(n, 2);
	assert_string_equal(names[0], "10-a.conf");
	assert_string_equal(names[1], "20-b.conf");
	hostfs_names_free(names, n);
	assert_int_equal(hostfs_list("/etc/ssh/sshd_config.d", NULL, &names, &n, why), HOSTFS_OK);
	assert_int_equal(n, 3);	/* .hidden is left out */
	hostfs_names_free(names, n);
	assert_int_equal(hostfs_list("/etc/ssh/sshd_config.d", ".*", &names, &n, why), HOSTFS_OK);
	assert_int_equal(n, 1);
	assert_string_equal(names[0], ".hidden");
	hostfs_names_free(names, n);
	assert_int_equal(hostfs_list("/etc/nope.d", "*", &names, &n, why), HOSTFS_ABSENT);
	assert_null(names);
	assert_int_equal(hostfs_list("/etc/os-release", "*", &names, &n, why), HOSTFS_ABSENT);
}

static void
test_errors(void **state)
{
	char path[256];
	struct errmsg e;

	(void)state;
	assert_int_equal(hostfs_init("/no/such/root", &e), -1);
	assert_string_equal(e.msg, "--root '/no/such/root': no such file");
	snprintf(path, sizeof(path), "%s/etc/os-release", root);
	assert_int_equal(hostfs_init(path, &e), -1);
	assert_non_null(strstr(e.msg, "': not a directory"));
}

/* The running system: "/" reads /proc, whose files say size 0. */
static void
test_live(void **state)
{
	char why[HOSTFS_WHY_MAX], *data;
	struct errmsg e;
	size_t len;

	(void)state;
	assert_int_equal(hostfs_init(NULL, &e), 0);
	assert_true(hostfs_live());
	assert_string_equal(hostfs_root(), "/");
	if (hostfs_read("/proc/sys/kernel/ostype", 64, &data, &len, why) != HOSTFS_OK)
		fail_msg("/proc/sys/kernel/ostype: %s", why);
	assert_string_equal(data, "Linux\n");
	free(data);
	assert_int_equal(hostfs_read("/dev/zero", 64, &data, &len, why), HOSTFS_ERROR);
	assert_string_equal(why, "not a regular file (a character device)");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read),
		cmocka_unit_test(test_stat_list),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_live),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
