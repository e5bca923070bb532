/*
 * The evidence log: one JSON line per run, each naming the SHA-256 of the
 * line before it, so that editing, deleting or reordering lines breaks the
 * chain at the next line.
 *
 *	{"prev":"","run":{...}}
 *	{"prev":"<sha256 of line 1 without its newline>","run":{...}}
 *
 * Writers take an exclusive flock() (waiting at most EVIDENCE_LOCK_WAIT_S),
 * read the last line, and append the new line with one write() under the
 * lock; a failed or partial write is cut off again with ftruncate(), so the
 * file never ends in half a line by our hand. Readers take a shared lock.
 * Caps: EVIDENCE_MAX_LINE bytes per line (without the newline),
 * EVIDENCE_MAX_FILE bytes per file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "digest.h"
#include "evidence.h"
#include "json.h"
#include "report.h"
#include "util.h"
#include "banned.h"

#define EVIDENCE_LOCK_WAIT_S 5
#define EVIDENCE_READ_CHUNK (64u * 1024)

/* flock(fd, op) retried without blocking for up to EVIDENCE_LOCK_WAIT_S seconds. */
static int
lock_wait(int fd, int op)
{
	const struct timespec nap = { 0, 10 * 1000 * 1000 };
	struct timespec start, now;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		if (flock(fd, op | LOCK_NB) == 0)
			return 0;
		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK)
			return -1;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec > EVIDENCE_LOCK_WAIT_S ||
		    (now.tv_sec - start.tv_sec == EVIDENCE_LOCK_WAIT_S &&
		     now.tv_nsec >= start.tv_nsec)) {
			errno = EWOULDBLOCK;
			return -1;
		}
		nanosleep(&nap, NULL);
	}
}

static void
lock_failed(const char *path, struct errmsg *e)
{
	if (errno == EWOULDBLOCK)
		errmsg_set(e, "evidence '%s': locked by another process", path);
	else
		errmsg_set(e, "evidence '%s': cannot lock: %s", path, strerror(errno));
}

/* Reads exactly n bytes at off; -1 with errno (EIO for a short file). */
static int
pread_all(int fd, char *buf, size_t n, off_t off)
{
	ssize_t got;

	while (n) {
		got = pread(fd, buf, n, off);
		if (got == -1 && errno == EINTR)
			continue;
		if (got <= 0) {
			if (got == 0)
				errno = EIO;
			return -1;
		}
		buf += got;
		n -= (size_t)got;
		off += got;
	}
	return 0;
}

/*
 * The hash of the last line of a non-empty file of `size` bytes. Refuses a
 * file that does not end in a newline, an empty last line, and a last line
 * over the cap: appending to a damaged log would hide the damage.
 */
static int
last_line_hash(int fd, off_t size, const char *path, char prev[DIGEST_HEX_LEN + 1],
	       struct errmsg *e)
{
	size_t tail = (unsigned long long)size < EVIDENCE_MAX_LINE + 2 ? (size_t)size
								 : EVIDENCE_MAX_LINE + 2;
	char *buf = xmalloc(tail), *nl;
	const char *line;
	size_t len;
	int rc = -1;

	if (pread_all(fd, buf, tail, size - (off_t)tail) == -1) {
		errmsg_set(e, "evidence '%s': cannot read: %s", path, strerror(errno));
		goto out;
	}
	if (buf[tail - 1] != '\n') {
		errmsg_set(e, "evidence '%s': does not end with a newline (damaged log), not appending",
			   path);
		goto out;
	}
	nl = memrchr(buf, '\n', tail - 1);
	if (nl) {
		line = nl + 1;
	} else if (tail == (size_t)size) {
		line = buf;
	} else {
		errmsg_set(e, "evidence '%s': last line longer than %u bytes (damaged log), not appending",
			   path, EVIDENCE_MAX_LINE);
		goto out;
	}
	len = (size_t)(buf + tail - 1 - line);
	if (len == 0) {
		errmsg_set(e, "evidence '%s': last line is empty (damaged log), not appending", path);
		goto out;
	}
	digest_sha256_hex(line, len, prev);
	rc = 0;
out:
	free(buf);
	return rc;
}

/* Writes all of buf at the end; on failure cuts the file back to `size`. */
static int
append_all(int fd, const char *buf, size_t n, off_t size)
{
	ssize_t got;
	int saved;

	while (n) {
		got = write(fd, buf, n);
		if (got == -1 && errno == EINTR)
			continue;
		if (got <= 0) {
			saved = got == 0 ? EIO : errno;
			(void)!ftruncate(fd, size);
			errno = saved;
			return -1;
		}
		buf += got;
		n -= (size_t)got;
	}
	return 0;
}

int
evidence_append(const char *path, struct report *r, struct errmsg *e)
{
	char prev[DIGEST_HEX_LEN + 1] = "";
	struct sbuf run, line;
	struct stat st;
	int fd, rc = -1, saved;

	/* the record first, so that the lock is held only for the file work */
	sbuf_init(&run, EVIDENCE_MAX_LINE);
	report_to_json(r, &run, true);
	sbuf_init(&line, EVIDENCE_MAX_LINE + 1);

	fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0640);
	if (fd == -1) {
		errmsg_set(e, "cannot open evidence '%s': %s", path,
			   errno == ELOOP ? "is a symbolic link" : strerror(errno));
		goto out;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		errmsg_set(e, "evidence '%s': not a regular file", path);
		goto out;
	}
	if (lock_wait(fd, LOCK_EX) == -1) {
		lock_failed(path, e);
		goto out;
	}
	if (fstat(fd, &st) == -1) {	/* the size that counts is the one under the lock */
		errmsg_set(e, "evidence '%s': %s", path, strerror(errno));
		goto out;
	}
	if ((unsigned long long)st.st_size > EVIDENCE_MAX_FILE) {
		errmsg_set(e, "evidence '%s': larger than %llu bytes, start a new log", path,
			   EVIDENCE_MAX_FILE);
		goto out;
	}
	if (st.st_size > 0 && last_line_hash(fd, st.st_size, path, prev, e) == -1)
		goto out;

	sbuf_addstr(&line, "{\"prev\":\"");
	sbuf_addstr(&line, prev);
	sbuf_addstr(&line, "\",\"run\":");
	sbuf_add(&line, sbuf_str(&run), run.len);
	sbuf_addch(&line, '}');
	if (run.truncated || line.truncated || line.len > EVIDENCE_MAX_LINE) {
		errmsg_set(e, "evidence '%s': the record is longer than %u bytes", path,
			   EVIDENCE_MAX_LINE);
		goto out;
	}
	if (memchr(line.buf, '\n', line.len)) {	/* report_to_json(one_line) broke its word */
		errmsg_set(e, "evidence '%s': the record contains a newline", path);
		goto out;
	}
	sbuf_addch(&line, '\n');
	if (append_all(fd, line.buf, line.len, st.st_size) == -1) {
		errmsg_set(e, "evidence '%s': cannot write: %s", path, strerror(errno));
		goto out;
	}
	if (fsync(fd) == -1) {
		saved = errno;
		(void)!ftruncate(fd, st.st_size);	/* "failed" must mean "not recorded" */
		errmsg_set(e, "evidence '%s': cannot sync: %s", path, strerror(saved));
		goto out;
	}
	rc = 0;
out:
	if (fd != -1) {
		flock(fd, LOCK_UN);
		close(fd);
	}
	sbuf_release(&run);
	sbuf_release(&line);
	return rc;
}

int
evidence_check_line(const char *text, size_t len, size_t n, const char *expect_prev,
		    struct jv **out, struct errmsg *e)
{
	struct errmsg ignored;
	const struct jv *prev, *run;
	struct jv *doc;
	size_t i;
	int rc = -1;

	if (json_parse(text, len, "evidence line", &doc, &ignored) == -1) {
		errmsg_set(e, "line %zu: not valid JSON", n);
		return -1;
	}
	if (doc->type != JV_OBJECT) {
		errmsg_set(e, "line %zu: not a JSON object", n);
		goto out;
	}
	for (i = 0; i < doc->n; i++)
		if (strcmp(doc->keys[i], "prev") != 0 && strcmp(doc->keys[i], "run") != 0) {
			errmsg_set(e, "line %zu: unknown key '%s'", n, doc->keys[i]);
			goto out;
		}
	prev = jv_get(doc, "prev");
	run = jv_get(doc, "run");
	if (!prev || prev->type != JV_STRING) {
		errmsg_set(e, "line %zu: prev missing or not a string", n);
		goto out;
	}
	if (!run || run->type != JV_OBJECT) {
		errmsg_set(e, "line %zu: run missing or not an object", n);
		goto out;
	}
	if (strcmp(prev->s, expect_prev) != 0) {
		if (n == 1)
			errmsg_set(e, "line 1: prev is not empty (the first line of a log)");
		else
			errmsg_set(e, "line %zu: prev does not match line %zu", n, n - 1);
		goto out;
	}
	rc = 0;
	if (out) {
		*out = doc;
		doc = NULL;
	}
out:
	jv_free(doc);
	return rc;
}

int
evidence_verify(const char *path, size_t *lines, size_t *bad_line, struct errmsg *e)
{
	const size_t cap = EVIDENCE_MAX_LINE + 1 + EVIDENCE_READ_CHUNK;
	char prev[DIGEST_HEX_LEN + 1] = "";
	size_t start = 0, have = 0, scan = 0, n = 0, len;
	unsigned long long total = 0;
	struct stat st;
	char *buf = NULL, *nl;
	ssize_t got;
	int fd, rc = -1;

	*lines = 0;
	*bad_line = 0;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd == -1) {
		errmsg_set(e, "cannot read evidence '%s': %s", path,
			   errno == ELOOP ? "is a symbolic link" : strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		errmsg_set(e, "cannot read evidence '%s': not a regular file", path);
		goto out;
	}
	if ((unsigned long long)st.st_size > EVIDENCE_MAX_FILE) {
		errmsg_set(e, "evidence '%s': larger than %llu bytes", path, EVIDENCE_MAX_FILE);
		goto out;
	}
	if (lock_wait(fd, LOCK_SH) == -1) {
		lock_failed(path, e);
		goto out;
	}
	buf = xmalloc(cap);
	for (;;) {
		nl = memchr(buf + scan, '\n', have - scan);
		if (nl) {
			len = (size_t)(nl - (buf + start));
			if (len > EVIDENCE_MAX_LINE)
				break;	/* too long: below */
			n++;
			if (evidence_check_line(buf + start, len, n, prev, NULL, e) == -1) {
				*bad_line = n;
				goto out;
			}
			digest_sha256_hex(buf + start, len, prev);
			start = scan = (size_t)(nl + 1 - buf);
			continue;
		}
		if (have - start > EVIDENCE_MAX_LINE)
			break;
		memmove(buf, buf + start, have - start);
		have -= start;
		start = 0;
		scan = have;
		got = read(fd, buf + have, cap - have);
		if (got == -1 && errno == EINTR)
			continue;
		if (got == -1) {
			errmsg_set(e, "cannot read evidence '%s': %s", path, strerror(errno));
			goto out;
		}
		if (got == 0) {
			if (have) {
				*bad_line = n + 1;
				errmsg_set(e, "line %zu: no newline at the end (incomplete line)", n + 1);
				goto out;
			}
			*lines = n;
			rc = 0;
			goto out;
		}
		have += (size_t)got;
		total += (unsigned long long)got;
		if (total > EVIDENCE_MAX_FILE) {
			errmsg_set(e, "evidence '%s': larger than %llu bytes", path, EVIDENCE_MAX_FILE);
			goto out;
		}
	}
	*bad_line = n + 1;
	errmsg_set(e, "line %zu: longer than %u bytes", n + 1, EVIDENCE_MAX_LINE);
out:
	free(buf);
	close(fd);
	return rc;
}
