/* Unit tests for common/util.c. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "util.h"
#include "banned.h"

static const struct ulong_row {
	const char *s;
	unsigned long min, max;
	int rc;
	unsigned long out;
} ulong_rows[] = {
	{ "0", 0, 10, 0, 0 },
	{ "10", 0, 10, 0, 10 },
	{ "007", 0, 10, 0, 7 },
	{ "11", 0, 10, -1, 0 },
	{ "5", 6, 10, -1, 0 },
	{ "65535", 1, 65535, 0, 65535 },
	{ "65536", 1, 65535, -1, 0 },
	{ "18446744073709551615", 0, ULONG_MAX, 0, ULONG_MAX },
	{ "18446744073709551616", 0, ULONG_MAX, -1, 0 },
	{ "99999999999999999999999", 0, ULONG_MAX, -1, 0 },
	{ "", 0, 10, -1, 0 },
	{ "-1", 0, ULONG_MAX, -1, 0 },
	{ "-0", 0, 10, -1, 0 },
	{ "+1", 0, 10, -1, 0 },
	{ " 1", 0, 10, -1, 0 },
	{ "1 ", 0, 10, -1, 0 },
	{ "1x", 0, 10, -1, 0 },
	{ "0x10", 0, 100, -1, 0 },
	{ "1.0", 0, 10, -1, 0 },
	{ "1e2", 0, 1000, -1, 0 },
	{ NULL, 0, 10, -1, 0 },
};

static void
test_parse_ulong(void **state)
{
	const struct ulong_row *t;
	unsigned long v;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ulong_rows) / sizeof(ulong_rows[0]); i++) {
		t = &ulong_rows[i];
		v = 4242;
		if (parse_ulong(t->s, t->min, t->max, &v) != t->rc)
			fail_msg("'%s': rc %d", t->s ? t->s : "(null)", -1 - t->rc);
		if (v != (t->rc == 0 ? t->out : 4242))
			fail_msg("'%s': %lu", t->s ? t->s : "(null)", v);
	}
}

static const struct double_row {
	const char *s;
	int rc;
	double out;
} double_rows[] = {
	{ "0", 0, 0 },
	{ "1", 0, 1 },
	{ "-1.5", 0, -1.5 },
	{ "0.25", 0, 0.25 },
	{ "100", 0, 100 },
	{ "1.", 0, 1 },		/* strtod's grammar: digits on one side suffice */
	{ ".5", 0, 0.5 },
	{ "+2", 0, 2 },
	{ "1e5", 0, 1e5 },	/* exponents are allowed here; range.c rejects them */
	{ "1e", -1, 0 },
	{ "1e+", -1, 0 },
	{ "e5", -1, 0 },
	{ "1e400", -1, 0 },	/* not finite */
	{ "-1e400", -1, 0 },
	{ "inf", -1, 0 },
	{ "-inf", -1, 0 },
	{ "INF", -1, 0 },
	{ "infinity", -1, 0 },
	{ "nan", -1, 0 },
	{ "NAN", -1, 0 },
	{ "0x10", -1, 0 },
	{ "0X1p3", -1, 0 },
	{ "", -1, 0 },
	{ " 1", -1, 0 },
	{ "1 ", -1, 0 },
	{ "\t1", -1, 0 },
	{ "1,5", -1, 0 },
	{ "1.2.3", -1, 0 },
	{ "-", -1, 0 },
	{ ".", -1, 0 },
	{ "--1", -1, 0 },
	{ "1-", -1, 0 },
	{ NULL, -1, 0 },
};

static void
test_parse_double(void **state)
{
	const struct double_row *t;
	double v;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(double_rows) / sizeof(double_rows[0]); i++) {
		t = &double_rows[i];
		v = 4242;
		if (parse_double(t->s, &v) != t->rc)
			fail_msg("'%s': rc %d", t->s ? t->s : "(null)", -1 - t->rc);
		if (v != (t->rc == 0 ? t->out : 4242))
			fail_msg("'%s': %g", t->s ? t->s : "(null)", v);
	}
}

/* Appends to a buffer with a maximum; the result and whether it was cut. */
static const struct sbuf_row {
	size_t max;
	const char *add[4];
	const char *want;
	bool truncated;
} sbuf_rows[] = {
	{ 100, { "abc", "def" }, "abcdef", false },
	{ 6, { "abc", "def" }, "abcdef", false },
	{ 5, { "abc", "def" }, "abcde", true },
	{ 5, { "abcdefgh" }, "abcde", true },
	{ 5, { "abcdefgh", "x" }, "abcde", true },
	{ 5, { "abcdefgh", "" }, "abcde", true },
	{ 3, { "ab", "c", "d" }, "abc", true },
	{ 0, { "a" }, "", true },
	{ 0, { "" }, "", false },
	{ 10, { "" }, "", false },
	{ 10, { NULL }, "", false },
	{ 40, { "0123456789", "0123456789", "0123456789", "0123456789" },
	  "0123456789012345678901234567890123456789", false },
	{ 39, { "0123456789", "0123456789", "0123456789", "0123456789" },
	  "012345678901234567890123456789012345678", true },
};

static void
test_sbuf(void **state)
{
	const struct sbuf_row *t;
	struct sbuf sb;
	size_t i, j;
	char *p;

	(void)state;
	for (i = 0; i < sizeof(sbuf_rows) / sizeof(sbuf_rows[0]); i++) {
		t = &sbuf_rows[i];
		sbuf_init(&sb, t->max);
		assert_string_equal(sbuf_str(&sb), "");
		for (j = 0; j < 4 && t->add[j]; j++)
			sbuf_addstr(&sb, t->add[j]);
		assert_string_equal(sbuf_str(&sb), t->want);
		assert_int_equal(sb.len, strlen(t->want));
		assert_true(sb.len <= t->max);
		if (sb.truncated != t->truncated)
			fail_msg("row %zu: truncated %d", i, sb.truncated);
		/* the same through sbuf_addch, one byte at a time */
		sbuf_reset(&sb);
		assert_false(sb.truncated);
		assert_string_equal(sbuf_str(&sb), "");
		for (j = 0; j < 4 && t->add[j]; j++)
			for (p = (char *)(uintptr_t)t->add[j]; *p; p++)
				sbuf_addch(&sb, *p);
		assert_string_equal(sbuf_str(&sb), t->want);
		assert_int_equal(sb.truncated, t->truncated);
		/* and through sbuf_addf */
		sbuf_reset(&sb);
		for (j = 0; j < 4 && t->add[j]; j++)
			sbuf_addf(&sb, "%s", t->add[j]);
		assert_string_equal(sbuf_str(&sb), t->want);
		assert_int_equal(sb.truncated, t->truncated);
		p = sbuf_detach(&sb);
		assert_string_equal(p, t->want);
		free(p);
		assert_int_equal(sb.len, 0);
		assert_false(sb.truncated);
		assert_string_equal(sbuf_str(&sb), "");
		assert_int_equal(sb.max, t->max);
		sbuf_release(&sb);
		sbuf_release(&sb);	/* twice is fine */
	}
}

static void
test_sbuf_bytes(void **state)
{
	struct sbuf sb;
	char *p;

	(void)state;
	sbuf_init(&sb, 8);
	sbuf_add(&sb, NULL, 0);	/* nothing from nowhere is fine */
	assert_string_equal(sbuf_str(&sb), "");
	sbuf_add(&sb, "a\0b", 3);	/* NUL bytes are data */
	assert_int_equal(sb.len, 3);
	assert_memory_equal(sb.buf, "a\0b", 4);
	sbuf_addf(&sb, "%d-%s", 42, "xyz");	/* "42-xyz" cut to 5 */
	assert_int_equal(sb.len, 8);
	assert_memory_equal(sb.buf, "a\0b42-xy", 9);
	assert_true(sb.truncated);
	sbuf_release(&sb);
	p = sbuf_detach(&sb);	/* never NULL, even when empty */
	assert_string_equal(p, "");
	free(p);
	/* a large buffer grows past the first allocations */
	sbuf_init(&sb, 1 << 20);
	for (int i = 0; i < 10000; i++)
		sbuf_addf(&sb, "%04d", i % 10000);
	assert_int_equal(sb.len, 40000);
	assert_false(sb.truncated);
	assert_memory_equal(sb.buf + 39996, "9999", 5);
	sbuf_release(&sb);
}

static void
test_alloc(void **state)
{
	struct errmsg e;
	size_t alloc = 0;
	int *v = NULL;
	char *p;

	(void)state;
	p = xasprintf("%s=%d", "x", 5);
	assert_string_equal(p, "x=5");
	free(p);
	p = xstrndup("abcdef", 3);
	assert_string_equal(p, "abc");
	free(p);
	v = xgrow(v, 1, &alloc, sizeof(*v));
	assert_int_equal(alloc, 8);
	v = xgrow(v, 8, &alloc, sizeof(*v));
	assert_int_equal(alloc, 8);
	v = xgrow(v, 9, &alloc, sizeof(*v));
	assert_int_equal(alloc, 16);
	v = xgrow(v, 100, &alloc, sizeof(*v));
	assert_int_equal(alloc, 128);
	v[99] = 1;
	free(v);
	/* an element size of 0 is treated as 1 (it divided by zero) */
	alloc = 0;
	p = xgrow(NULL, 3, &alloc, 0);
	assert_int_equal(alloc, 8);
	free(p);
	errmsg_set(NULL, "ignored %d", 1);
	errmsg_set(&e, "cannot read %s '%s': %s", "baseline", "x.json", "permission denied");
	assert_string_equal(e.msg, "cannot read baseline 'x.json': permission denied");
	p = xmalloc(ERRMSG_MAX * 2);
	memset(p, 'a', ERRMSG_MAX * 2 - 1);
	p[ERRMSG_MAX * 2 - 1] = '\0';
	errmsg_set(&e, "%s", p);	/* cut, still terminated */
	assert_int_equal(strlen(e.msg), ERRMSG_MAX - 1);
	free(p);
}

static const struct date_row {
	const char *s;
	long days;
} date_rows[] = {
	{ "1970-01-01", 0 },
	{ "1970-01-02", 1 },
	{ "2000-02-29", 11016 },	/* divisible by 400: leap */
	{ "2024-02-29", 19782 },
	{ "2028-02-29", 21243 },
	{ "2026-02-28", 20512 },
	{ "2026-11-28", 20785 },
	{ "2026-12-31", 20818 },
	{ "2038-01-19", 24855 },
	{ "2100-02-28", 47540 },
	{ "2100-03-01", 47541 },
	{ "9999-12-31", 2932896 },
	{ "2026-02-29", -1 },	/* not a leap year */
	{ "2100-02-29", -1 },	/* divisible by 100, not 400 */
	{ "2026-04-31", -1 },
	{ "2026-06-31", -1 },
	{ "2026-01-32", -1 },
	{ "2026-01-00", -1 },
	{ "2026-00-10", -1 },
	{ "2026-13-01", -1 },
	{ "1969-12-31", -1 },	/* before 1970 */
	{ "0000-01-01", -1 },
	{ "2026-1-01", -1 },
	{ "2026-01-1", -1 },
	{ "26-01-01", -1 },
	{ "2026-01-01 ", -1 },
	{ " 2026-01-01", -1 },
	{ "2026-01-01T00:00:00Z", -1 },
	{ "2026/01/01", -1 },
	{ "2026-0a-01", -1 },
	{ "+026-01-01", -1 },
	{ "2026--1-01", -1 },
	{ "", -1 },
	{ NULL, -1 },
};

static void
test_date_days(void **state)
{
	size_t i;
	long got;

	(void)state;
	for (i = 0; i < sizeof(date_rows) / sizeof(date_rows[0]); i++) {
		got = util_date_days(date_rows[i].s);
		if (got != date_rows[i].days)
			fail_msg("'%s': %ld, want %ld", date_rows[i].s ? date_rows[i].s : "(null)",
				 got, date_rows[i].days);
	}
}

static void
test_today(void **state)
{
	char out[11], now[32];

	(void)state;
	assert_int_equal(setenv("CB_TODAY", "2028-02-29", 1), 0);
	util_today(out);
	assert_string_equal(out, "2028-02-29");
	/* an invalid CB_TODAY is ignored: the real date, which is valid */
	assert_int_equal(setenv("CB_TODAY", "2026-02-29", 1), 0);
	util_today(out);
	assert_string_not_equal(out, "2026-02-29");
	assert_true(util_date_days(out) > 20000);
	assert_int_equal(unsetenv("CB_TODAY"), 0);
	util_today(out);
	assert_true(util_date_days(out) > 20000);
	util_now_rfc3339(now);
	assert_int_equal(strlen(now), 20);
	assert_memory_equal(now, out, 10);	/* same day, barring midnight */
	assert_int_equal(now[10], 'T');
	assert_int_equal(now[19], 'Z');
}

static const struct glob_row {
	const char *pattern, *s;
	bool match;
} glob_rows[] = {
	{ "*.conf", "a.conf", true },
	{ "*.conf", "a.conf.bak", false },
	{ "*.conf", ".conf", true },
	{ "a?c", "abc", true },
	{ "a?c", "ac", false },
	{ "[ab]x", "bx", true },
	{ "[ab]x", "cx", false },
	{ "[!ab]x", "cx", true },
	{ "*", "", true },
	{ "", "", true },
	{ "", "a", false },
	{ "a", "A", false },	/* case-sensitive */
	{ "ssh-*", "ssh-rsa", true },
	{ "*-sha1", "hmac-sha1", true },
	{ "*-sha1", "hmac-sha1-etm@openssh.com", false },
	{ "/etc/*", "/etc/ssh/sshd_config", true },	/* no FNM_PATHNAME: '*' crosses '/' */
	{ "\\*", "*", true },
	{ "\\*", "a", false },
};

static void
test_glob(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(glob_rows) / sizeof(glob_rows[0]); i++)
		if (util_glob(glob_rows[i].pattern, glob_rows[i].s) != glob_rows[i].match)
			fail_msg("'%s' on '%s': want %d", glob_rows[i].pattern, glob_rows[i].s,
				 glob_rows[i].match);
}

enum kind { REGULAR, SYMLINK, MISSING, DIRECTORY, FIFO };

/*
 * The file fixtures of the two readers' tests: fixture_dir() makes dir (a
 * mkdtemp() template) with a file "target" of mode 0600 for the symlinks to
 * point at; fixture_make() creates path as kind (REGULAR: size bytes of
 * 'a'..'z' over and over) with mode, and returns those bytes (the caller
 * frees them); fixture_remove() removes it again.
 */
static void
fixture_dir(char *dir, char *target, size_t n)
{
	FILE *f;

	assert_non_null(mkdtemp(dir));
	snprintf(target, n, "%s/target", dir);
	f = fopen(target, "w");
	assert_non_null(f);
	fputs("target", f);
	fclose(f);
	assert_int_equal(chmod(target, 0600), 0);	/* the link is refused, not its target */
}

static char *
fixture_make(const char *path, enum kind kind, mode_t mode, size_t size, const char *target)
{
	char *content = xmalloc(size + 1);
	size_t k;
	FILE *f;

	for (k = 0; k < size; k++)
		content[k] = (char)('a' + k % 26);
	switch (kind) {
	case REGULAR:
		f = fopen(path, "w");
		assert_non_null(f);
		assert_int_equal(fwrite(content, 1, size, f), size);
		fclose(f);
		assert_int_equal(chmod(path, mode), 0);
		break;
	case SYMLINK:
		assert_int_equal(symlink(target, path), 0);
		break;
	case DIRECTORY:
		assert_int_equal(mkdir(path, mode), 0);
		break;
	case FIFO:
		assert_int_equal(mkfifo(path, mode), 0);
		break;
	case MISSING:
		break;
	}
	return content;
}

static void
fixture_remove(const char *path, enum kind kind)
{
	if (kind == DIRECTORY)
		rmdir(path);
	else if (kind != MISSING)
		unlink(path);
}

static const struct file_row {
	const char *name;
	enum kind kind;
	size_t size;	/* bytes written, for REGULAR */
	size_t max;
	int rc;
	const char *why;	/* the end of the message */
} file_rows[] = {
	{ "small", REGULAR, 5, 100, 0, NULL },
	{ "empty", REGULAR, 0, 100, 0, NULL },
	{ "exact", REGULAR, 100, 100, 0, NULL },
	{ "big", REGULAR, 101, 100, -1, "larger than 100 bytes" },
	{ "huge", REGULAR, 70000, 65536, -1, "larger than 65536 bytes" },
	{ "large-ok", REGULAR, 70000, 1 << 20, 0, NULL },
	{ "nothing", REGULAR, 1, 0, -1, "larger than 0 bytes" },
	{ "zero", REGULAR, 0, 0, 0, NULL },
	/* no cap at all: max + 1 must not wrap to 0 (it read nothing and said OK) */
	{ "nolimit", REGULAR, 5, SIZE_MAX, 0, NULL },
	{ "nolimit-1", REGULAR, 70000, SIZE_MAX - 1, 0, NULL },
	{ "link", SYMLINK, 0, 100, -1, "is a symbolic link" },
	{ "missing", MISSING, 0, 100, -1, "no such file or directory" },
	{ "dir", DIRECTORY, 0, 100, -1, "not a regular file" },
	{ "fifo", FIFO, 0, 100, -1, "not a regular file" },	/* and does not block */
};

static void
test_read_file(void **state)
{
	char dir[] = "/tmp/cb-test-util.XXXXXX", path[128], want[256], target[160];
	const struct file_row *t;
	struct errmsg e;
	char *data, *content;
	size_t i, len;

	(void)state;
	fixture_dir(dir, target, sizeof(target));
	for (i = 0; i < sizeof(file_rows) / sizeof(file_rows[0]); i++) {
		t = &file_rows[i];
		snprintf(path, sizeof(path), "%s/%s", dir, t->name);
		content = fixture_make(path, t->kind, t->kind == REGULAR ? 0644
						      : t->kind == DIRECTORY ? 0700 : 0600,
				       t->size, target);
		data = NULL;
		len = 4242;
		e.msg[0] = '\0';
		if (util_read_file(path, "test file", t->max, &data, &len, &e) != t->rc)
			fail_msg("%s: rc %d: %s", t->name, -1 - t->rc, e.msg);
		if (t->rc == 0) {
			assert_non_null(data);
			assert_int_equal(len, t->size);
			assert_memory_equal(data, content, t->size);
			assert_int_equal(data[len], '\0');
			free(data);
		} else {
			assert_null(data);
			assert_int_equal(len, 4242);
			snprintf(want, sizeof(want), "cannot read test file '%s': %s", path, t->why);
			assert_string_equal(e.msg, want);
		}
		free(content);
		fixture_remove(path, t->kind);
	}
	unlink(target);
	assert_int_equal(rmdir(dir), 0);
	/* a regular file whose size fstat reports as 0 is still read whole */
	assert_int_equal(util_read_file("/proc/self/status", "status", 1 << 20, &data, &len, &e), 0);
	assert_true(len > 20);
	assert_memory_equal(data, "Name:", 5);
	assert_int_equal(strlen(data), len);
	free(data);
	/* and its cap still holds while it grows past what fstat said */
	assert_int_equal(util_read_file("/proc/self/status", "status", 10, &data, &len, &e), -1);
	assert_string_equal(e.msg, "cannot read status '/proc/self/status': larger than 10 bytes");
}

/*
 * util_read_private_file(): the checks of util_read_file() plus the mode, on
 * the descriptor it reads. The whole message is given, as callers show it.
 */
static const struct private_row {
	enum kind kind;
	mode_t mode;
	size_t size, max;
	bool mode_msg;		/* "secret 'F': why", else "cannot read secret 'F': why" */
	const char *why;	/* NULL: read */
} private_rows[] = {
	{ REGULAR, 0600, 5, 100, false, NULL },
	{ REGULAR, 0400, 5, 100, false, NULL },
	{ REGULAR, 0700, 0, 100, false, NULL },
	{ REGULAR, 0600, 70000, 1 << 20, false, NULL },	/* grows its buffer (and wipes the old one) */
	{ REGULAR, 0644, 5, 100, true, "readable by group or others (mode 0644); chmod 600 it" },
	{ REGULAR, 0640, 5, 100, true, "readable by group or others (mode 0640); chmod 600 it" },
	{ REGULAR, 0604, 5, 100, true, "readable by group or others (mode 0604); chmod 600 it" },
	{ REGULAR, 0620, 5, 100, true, "writable by group or others (mode 0620); chmod 600 it" },
	{ REGULAR, 0602, 5, 100, true, "writable by group or others (mode 0602); chmod 600 it" },
	{ REGULAR, 0610, 5, 100, true, "accessible by group or others (mode 0610); chmod 600 it" },
	{ REGULAR, 04600, 5, 100, false, NULL },	/* setuid is not access by others */
	/* the mode is judged before the size: the operator fixes the worse thing first */
	{ REGULAR, 0644, 101, 100, true, "readable by group or others (mode 0644); chmod 600 it" },
	{ REGULAR, 0600, 101, 100, false, "larger than 100 bytes" },
	{ SYMLINK, 0600, 0, 100, false, "is a symbolic link" },
	{ MISSING, 0600, 0, 100, false, "no such file or directory" },
	{ DIRECTORY, 0700, 0, 100, false, "not a regular file" },
	{ FIFO, 0600, 0, 100, false, "not a regular file" },
};

static void
test_read_private_file(void **state)
{
	char dir[] = "/tmp/cb-test-util.XXXXXX", path[128], want[256], target[160];
	const struct private_row *t;
	struct errmsg e;
	char *data, *content;
	size_t i, len;

	(void)state;
	fixture_dir(dir, target, sizeof(target));
	for (i = 0; i < NELEM(private_rows); i++) {
		t = &private_rows[i];
		snprintf(path, sizeof(path), "%s/f%zu", dir, i);
		content = fixture_make(path, t->kind, t->mode, t->size, target);
		data = NULL;
		len = 4242;
		e.msg[0] = '\0';
		if ((util_read_private_file(path, "secret", t->max, &data, &len, &e) == 0) != !t->why)
			fail_msg("row %zu: %s", i, e.msg);
		if (!t->why) {
			assert_int_equal(len, t->size);
			assert_memory_equal(data, content, t->size);
			assert_int_equal(data[len], '\0');
			free(data);
		} else {
			assert_null(data);
			assert_int_equal(len, 4242);
			snprintf(want, sizeof(want), "%s '%s': %s",
				 t->mode_msg ? "secret" : "cannot read secret", path, t->why);
			assert_string_equal(e.msg, want);
		}
		free(content);
		fixture_remove(path, t->kind);
	}
	unlink(target);
	assert_int_equal(rmdir(dir), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_ulong),
		cmocka_unit_test(test_parse_double),
		cmocka_unit_test(test_sbuf),
		cmocka_unit_test(test_sbuf_bytes),
		cmocka_unit_test(test_alloc),
		cmocka_unit_test(test_date_days),
		cmocka_unit_test(test_today),
		cmocka_unit_test(test_glob),
		cmocka_unit_test(test_read_file),
		cmocka_unit_test(test_read_private_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
