/* Evidence log: the hash chain, tampering, damaged files, symlinks, locking, concurrency. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "digest.h"
#include "evidence.h"
#include "json.h"
#include "report.h"
#include "util.h"

static char dir[64];
static char *logpath;

static int
setup(void **state)
{
	(void)state;
	umask(022);
	snprintf(dir, sizeof(dir), "/tmp/test_evidence.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	logpath = xasprintf("%s/evidence.log", dir);
	return 0;
}

static int
teardown(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);

	(void)state;
	(void)!system(cmd);
	free(cmd);
	free(logpath);
	return 0;
}

static int
append_run(const char *path, const char *target, struct errmsg *e)
{
	struct report r;
	int rc;

	report_init(&r, "ssh", "check_baseline_ssh");
	r.target = xstrdup(target);
	rc = evidence_append(path, &r, e);
	report_release(&r);
	return rc;
}

/* noinline: inlined, GCC 12 takes pointers into the result for pointers to a local */
static __attribute__((noinline)) char *
slurp(const char *path, size_t *len)
{
	struct errmsg e;
	char *data;

	if (util_read_file(path, "test", 64u << 20, &data, len, &e) == -1)
		fail_msg("%s", e.msg);
	return data;
}

static void
spit(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0640);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
}

/* A fresh log of n runs (targets t1..tn). */
static void
make_log(const char *path, int n)
{
	struct errmsg e;
	char target[16];
	int i;

	unlink(path);
	for (i = 1; i <= n; i++) {
		snprintf(target, sizeof(target), "t%d", i);
		if (append_run(path, target, &e) != 0)
			fail_msg("append %d: %s", i, e.msg);
	}
}

/* Start offset of line k (1-based) in data. */
static size_t
line_at(const char *data, size_t len, int k)
{
	size_t off = 0;

	while (--k > 0) {
		while (off < len && data[off] != '\n')
			off++;
		if (off++ == len)
			fail_msg("no line %d", k);
	}
	return off;
}

static void
test_chain(void **state)
{
	char hex[DIGEST_HEX_LEN + 1], *want;
	struct errmsg e;
	size_t lines = 99, bad = 99, len, l2, l3;
	struct jv *doc;
	struct stat st;
	char *data;

	(void)state;
	make_log(logpath, 3);
	assert_int_equal(evidence_verify(logpath, &lines, &bad, &e), 0);
	assert_int_equal(lines, 3);
	assert_int_equal(bad, 0);

	assert_int_equal(stat(logpath, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640);

	data = slurp(logpath, &len);
	assert_int_equal(data[len - 1], '\n');
	assert_memory_equal(data, "{\"prev\":\"\",\"run\":{", 18);
	l2 = line_at(data, len, 2);
	l3 = line_at(data, len, 3);
	digest_sha256_hex(data, l2 - 1, hex);
	want = xasprintf("{\"prev\":\"%s\",\"run\":{", hex);
	assert_memory_equal(data + l2, want, strlen(want));
	free(want);
	digest_sha256_hex(data + l2, l3 - l2 - 1, hex);
	want = xasprintf("{\"prev\":\"%s\",\"run\":{", hex);
	assert_memory_equal(data + l3, want, strlen(want));
	free(want);
	/* the run is report_to_json() of the report */
	assert_int_equal(json_parse(data + l3, len - l3 - 1, "line 3", &doc, &e), 0);
	assert_string_equal(jv_get(jv_get(doc, "run"), "target")->s, "t3");
	assert_string_equal(jv_get(jv_get(doc, "run"), "program")->s, "check_baseline_ssh");
	jv_free(doc);
	free(data);

	/* an empty file is an intact log of no runs */
	spit(logpath, "", 0);
	assert_int_equal(evidence_verify(logpath, &lines, &bad, &e), 0);
	assert_int_equal(lines, 0);
	assert_int_equal(append_run(logpath, "t1", &e), 0);
	assert_int_equal(evidence_verify(logpath, &lines, &bad, &e), 0);
	assert_int_equal(lines, 1);
}

/* Damage done to a log of three runs, and what verify says. */
enum edit { FLIP_BYTE_L2, DELETE_L2, DELETE_L1, SWAP_L2_L3, NO_NEWLINE, GARBAGE_L2,
	    EMPTY_L2, CRLF_L1, LONG_L2, RUN_NOT_OBJECT, PREV_NOT_STRING, EXTRA_KEY,
	    NOT_OBJECT, EDIT_L3 };

struct tamper_row {
	enum edit edit;
	size_t bad_line;
	const char *msg;
	bool append_refused;	/* evidence_append must refuse the damaged file */
};

static const struct tamper_row tamper_rows[] = {
	{ FLIP_BYTE_L2, 3, "line 3: prev does not match line 2", false },
	{ DELETE_L2, 2, "line 2: prev does not match line 1", false },
	{ DELETE_L1, 1, "line 1: prev is not empty (the first line of a log)", false },
	{ SWAP_L2_L3, 2, "line 2: prev does not match line 1", false },
	{ NO_NEWLINE, 3, "line 3: no newline at the end (incomplete line)", true },
	{ GARBAGE_L2, 2, "line 2: not valid JSON", false },
	{ EMPTY_L2, 2, "line 2: not valid JSON", false },
	{ CRLF_L1, 2, "line 2: prev does not match line 1", false },
	{ LONG_L2, 2, "line 2: longer than 1048576 bytes", false },
	{ RUN_NOT_OBJECT, 1, "line 1: run missing or not an object", false },
	{ PREV_NOT_STRING, 1, "line 1: prev missing or not a string", false },
	{ EXTRA_KEY, 1, "line 1: unknown key 'note'", false },
	{ NOT_OBJECT, 1, "line 1: not a JSON object", false },
	/* the last line can be rewritten unnoticed: its hash is in no line yet */
	{ EDIT_L3, 0, NULL, false },
};

static void
tamper(enum edit edit, const char *data, size_t len)
{
	size_t l2 = line_at(data, len, 2), l3 = line_at(data, len, 3);
	struct sbuf sb;
	char *p;

	sbuf_init(&sb, 4u << 20);
	switch (edit) {
	case FLIP_BYTE_L2:	/* still valid JSON: only the hash changes */
		sbuf_add(&sb, data, len);
		p = strstr(sb.buf + l2, "check_baseline_ssh");
		assert_non_null(p);
		p[6] = 'B';
		break;
	case DELETE_L2:
		sbuf_add(&sb, data, l2);
		sbuf_add(&sb, data + l3, len - l3);
		break;
	case DELETE_L1:
		sbuf_add(&sb, data + l2, len - l2);
		break;
	case SWAP_L2_L3:
		sbuf_add(&sb, data, l2);
		sbuf_add(&sb, data + l3, len - l3);
		sbuf_add(&sb, data + l2, l3 - l2);
		break;
	case NO_NEWLINE:
		sbuf_add(&sb, data, len - 1);
		break;
	case GARBAGE_L2:
		sbuf_add(&sb, data, l2);
		sbuf_addstr(&sb, "hello\n");
		sbuf_add(&sb, data + l3, len - l3);
		break;
	case EMPTY_L2:
		sbuf_add(&sb, data, l2);
		sbuf_addstr(&sb, "\n");
		sbuf_add(&sb, data + l2, len - l2);
		break;
	case CRLF_L1:		/* JSON still parses, but the bytes differ */
		sbuf_add(&sb, data, l2 - 1);
		sbuf_addstr(&sb, "\r\n");
		sbuf_add(&sb, data + l2, len - l2);
		break;
	case LONG_L2:
		sbuf_add(&sb, data, l2);
		while (sb.len < l2 + (1u << 20) + 1)
			sbuf_addstr(&sb, "xxxxxxxxxxxxxxxx");
		sbuf_addstr(&sb, "\n");
		break;
	case RUN_NOT_OBJECT:
		sbuf_addstr(&sb, "{\"prev\":\"\",\"run\":1}\n");
		break;
	case PREV_NOT_STRING:
		sbuf_addstr(&sb, "{\"prev\":null,\"run\":{}}\n");
		break;
	case EXTRA_KEY:
		sbuf_addstr(&sb, "{\"prev\":\"\",\"run\":{},\"note\":\"x\"}\n");
		break;
	case NOT_OBJECT:
		sbuf_addstr(&sb, "[]\n");
		break;
	case EDIT_L3:
		sbuf_add(&sb, data, len);
		p = strstr(sb.buf + l3, "check_baseline_ssh");
		assert_non_null(p);
		p[6] = 'B';
		break;
	}
	spit(logpath, sb.buf, sb.len);
	sbuf_release(&sb);
}

static void
test_tamper(void **state)
{
	struct errmsg e;
	size_t lines, bad, len, len2, i;
	char *data, *after, *after2;

	(void)state;
	make_log(logpath, 3);
	data = slurp(logpath, &len);
	for (i = 0; i < sizeof(tamper_rows) / sizeof(tamper_rows[0]); i++) {
		const struct tamper_row *r = &tamper_rows[i];
		int rc;

		tamper(r->edit, data, len);
		memset(&e, 0, sizeof(e));
		rc = evidence_verify(logpath, &lines, &bad, &e);
		if (!r->msg) {
			if (rc != 0)
				fail_msg("row %zu: %s", i, e.msg);
			continue;
		}
		if (rc != -1 || bad != r->bad_line || strcmp(e.msg, r->msg) != 0)
			fail_msg("row %zu: rc %d line %zu '%s', want line %zu '%s'", i, rc, bad,
				 e.msg, r->bad_line, r->msg);
		after = slurp(logpath, &len2);
		rc = append_run(logpath, "t4", &e);
		after2 = slurp(logpath, &len2);
		if (r->append_refused) {
			assert_int_equal(rc, -1);
			assert_string_equal(after, after2);	/* untouched */
		} else if (rc == 0) {
			/* appending does not repair the chain */
			assert_int_equal(evidence_verify(logpath, &lines, &bad, &e), -1);
			assert_int_equal(bad, r->bad_line);
		}
		free(after);
		free(after2);
	}
	free(data);
}

struct refuse_row {
	const char *content;
	size_t len;
	const char *msg_end;	/* the message after "evidence '<path>': " */
};

static const struct refuse_row refuse_rows[] = {
	{ "{\"prev\":\"\",\"run\":{}}", 20,
	  "does not end with a newline (damaged log), not appending" },
	{ "{\"prev\":\"\",\"run\":{}}\n\n", 22, "last line is empty (damaged log), not appending" },
	{ "\n", 1, "last line is empty (damaged log), not appending" },
};

static void
test_append_refuses(void **state)
{
	struct errmsg e;
	size_t i, len;
	char *want, *data;
	struct sbuf sb;

	(void)state;
	for (i = 0; i < sizeof(refuse_rows) / sizeof(refuse_rows[0]); i++) {
		spit(logpath, refuse_rows[i].content, refuse_rows[i].len);
		assert_int_equal(append_run(logpath, "t", &e), -1);
		want = xasprintf("evidence '%s': %s", logpath, refuse_rows[i].msg_end);
		assert_string_equal(e.msg, want);
		free(want);
		data = slurp(logpath, &len);
		assert_int_equal(len, refuse_rows[i].len);
		free(data);
	}
	/* a last line over the cap: the hash would cost unbounded memory */
	sbuf_init(&sb, 4u << 20);
	while (sb.len < (1u << 20) + 1)
		sbuf_addstr(&sb, "yyyyyyyyyyyyyyyy");
	sbuf_addch(&sb, '\n');
	spit(logpath, sb.buf, sb.len);
	assert_int_equal(append_run(logpath, "t", &e), -1);
	want = xasprintf("evidence '%s': last line longer than 1048576 bytes (damaged log), not appending",
			 logpath);
	assert_string_equal(e.msg, want);
	free(want);
	/* exactly at the cap is still a line */
	sb.len = 0;
	while (sb.len < (1u << 20))
		sbuf_addstr(&sb, "zzzzzzzzzzzzzzzz");
	sbuf_addch(&sb, '\n');
	spit(logpath, sb.buf, sb.len);
	assert_int_equal(append_run(logpath, "t", &e), 0);
	sbuf_release(&sb);
}

static void
test_symlink(void **state)
{
	char *target = xasprintf("%s/target.log", dir), *link = xasprintf("%s/link.log", dir);
	char *want;
	struct errmsg e;
	struct stat st;
	size_t lines, bad;

	(void)state;
	make_log(target, 1);
	assert_int_equal(symlink(target, link), 0);
	assert_int_equal(stat(target, &st), 0);

	assert_int_equal(append_run(link, "t", &e), -1);
	want = xasprintf("cannot open evidence '%s': is a symbolic link", link);
	assert_string_equal(e.msg, want);
	free(want);
	{
		struct stat st2;

		assert_int_equal(stat(target, &st2), 0);
		assert_int_equal(st2.st_size, st.st_size);
	}
	assert_int_equal(evidence_verify(link, &lines, &bad, &e), -1);
	want = xasprintf("cannot read evidence '%s': is a symbolic link", link);
	assert_string_equal(e.msg, want);
	free(want);
	/* a dangling symlink must not create its target either */
	unlink(target);
	assert_int_equal(append_run(link, "t", &e), -1);
	assert_int_equal(stat(target, &st), -1);
	/* a directory is not a log */
	assert_int_equal(append_run(dir, "t", &e), -1);
	want = xasprintf("cannot open evidence '%s': Is a directory", dir);
	assert_string_equal(e.msg, want);
	free(want);
	unlink(link);
	free(target);
	free(link);
}

static void
test_lock_timeout(void **state)
{
	struct timespec t0, t1;
	struct errmsg e;
	char *want;
	int fd;

	(void)state;
	make_log(logpath, 1);
	fd = open(logpath, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(flock(fd, LOCK_EX), 0);	/* another open file: a conflicting lock */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(append_run(logpath, "t", &e), -1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	want = xasprintf("evidence '%s': locked by another process", logpath);
	assert_string_equal(e.msg, want);
	free(want);
	assert_true(t1.tv_sec - t0.tv_sec >= 4 && t1.tv_sec - t0.tv_sec <= 7);
	close(fd);
	assert_int_equal(append_run(logpath, "t", &e), 0);
}

#define CHILDREN 8
#define PER_CHILD 20

static void
test_concurrent(void **state)
{
	struct errmsg e;
	size_t lines, bad, len, off;
	int counts[CHILDREN] = { 0 };
	pid_t pids[CHILDREN];
	char *data;
	int i, k, status;

	(void)state;
	unlink(logpath);
	for (i = 0; i < CHILDREN; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0) {
			char target[16];

			snprintf(target, sizeof(target), "child-%d", i);
			for (k = 0; k < PER_CHILD; k++)
				if (append_run(logpath, target, &e) != 0)
					_exit(1);
			_exit(0);
		}
	}
	for (i = 0; i < CHILDREN; i++) {
		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	if (evidence_verify(logpath, &lines, &bad, &e) != 0)
		fail_msg("%s", e.msg);
	assert_int_equal(lines, CHILDREN * PER_CHILD);
	/* every line is one whole run of one child */
	data = slurp(logpath, &len);
	for (off = 0; off < len;) {
		const char *nl = memchr(data + off, '\n', len - off);
		const struct jv *t;
		struct jv *doc;

		if (!nl)
			fail_msg("no newline after offset %zu", off);
		assert_int_equal(json_parse(data + off, (size_t)(nl - data) - off, "line", &doc, &e), 0);
		t = jv_get(jv_get(doc, "run"), "target");
		assert_non_null(t);
		assert_int_equal(sscanf(t->s, "child-%d", &i), 1);
		assert_true(i >= 0 && i < CHILDREN);
		counts[i]++;
		jv_free(doc);
		off = (size_t)(nl - data) + 1;
	}
	for (i = 0; i < CHILDREN; i++)
		assert_int_equal(counts[i], PER_CHILD);
	free(data);
}

static void
test_missing(void **state)
{
	struct errmsg e;
	size_t lines = 9, bad = 9;
	char *path = xasprintf("%s/none.log", dir), *want;

	(void)state;
	assert_int_equal(evidence_verify(path, &lines, &bad, &e), -1);
	assert_int_equal(bad, 0);
	want = xasprintf("cannot read evidence '%s': No such file or directory", path);
	assert_string_equal(e.msg, want);
	free(want);
	free(path);
	path = xasprintf("%s/no/such/dir.log", dir);
	assert_int_equal(append_run(path, "t", &e), -1);
	want = xasprintf("cannot open evidence '%s': No such file or directory", path);
	assert_string_equal(e.msg, want);
	free(want);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chain),
		cmocka_unit_test(test_tamper),
		cmocka_unit_test(test_append_refuses),
		cmocka_unit_test(test_symlink),
		cmocka_unit_test(test_lock_timeout),
		cmocka_unit_test(test_concurrent),
		cmocka_unit_test(test_missing),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
