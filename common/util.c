/* Memory, numbers, bounded buffers, files, dates. */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util.h"
#include "banned.h"

/* strerror() in lower case, as our messages are. */
static const char *
why(int err)
{
	static char buf[128];

	snprintf(buf, sizeof(buf), "%s", strerror(err));
	if (buf[0] >= 'A' && buf[0] <= 'Z')
		buf[0] = (char)(buf[0] - 'A' + 'a');
	return buf;
}

static void
oom(void)
{
	static const char msg[] = "BASELINE UNKNOWN - out of memory\n";

	fflush(stdout);
	(void)!write(STDOUT_FILENO, msg, sizeof(msg) - 1);
	_exit(3);
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		oom();
	return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (!p)
		oom();
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *
xgrow(void *p, size_t need, size_t *alloc, size_t size)
{
	size_t n;

	if (need <= *alloc)
		return p;
	if (size == 0)		/* would divide by zero below */
		size = 1;
	n = *alloc ? *alloc : 8;
	while (n < need) {
		if (n > SIZE_MAX / 2 / size)
			oom();
		n *= 2;
	}
	p = xrealloc(p, n * size);
	*alloc = n;
	return p;
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
xvasprintf(const char *fmt, va_list ap)
{
	char *p;

	if (vasprintf(&p, fmt, ap) < 0)
		oom();
	return p;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = xvasprintf(fmt, ap);
	va_end(ap);
	return p;
}

void
errmsg_set(struct errmsg *e, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
}

int
parse_ulong(const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
	unsigned long v;
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int
parse_double(const char *s, double *out)
{
	const char *p;
	char *end;
	double v;

	if (!s || !*s)
		return -1;
	for (p = s; *p; p++)	/* plain decimal only: no hex, inf, nan, spaces */
		if (!strchr("0123456789.-+eE", *p))
			return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || end == s || !isfinite(v))
		return -1;
	*out = v;
	return 0;
}

void
sbuf_init(struct sbuf *sb, size_t max)
{
	sb->buf = NULL;
	sb->len = 0;
	sb->alloc = 0;
	sb->max = max;
	sb->truncated = false;
}

void
sbuf_release(struct sbuf *sb)
{
	free(sb->buf);
	sbuf_init(sb, sb->max);
}

void
sbuf_reset(struct sbuf *sb)
{
	sb->len = 0;
	sb->truncated = false;
	if (sb->buf)
		sb->buf[0] = '\0';
}

void
sbuf_add(struct sbuf *sb, const void *data, size_t n)
{
	if (n > sb->max - sb->len) {
		n = sb->max - sb->len;
		sb->truncated = true;
	}
	sb->buf = xgrow(sb->buf, sb->len + n + 1, &sb->alloc, 1);
	if (n)		/* data may be NULL when n is 0 */
		memcpy(sb->buf + sb->len, data, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void
sbuf_addstr(struct sbuf *sb, const char *s)
{
	sbuf_add(sb, s, strlen(s));
}

void
sbuf_addch(struct sbuf *sb, char c)
{
	sbuf_add(sb, &c, 1);
}

void
sbuf_addf(struct sbuf *sb, const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = xvasprintf(fmt, ap);
	va_end(ap);
	sbuf_addstr(sb, p);
	free(p);
}

const char *
sbuf_str(const struct sbuf *sb)
{
	return sb->buf ? sb->buf : "";
}

char *
sbuf_detach(struct sbuf *sb)
{
	char *p = sb->buf ? sb->buf : xstrdup("");

	sbuf_init(sb, sb->max);
	return p;
}

/*
 * Frees buf[0..n) after wiping it when it held a secret, so that no copy of a
 * private file outlives the read (neither in a freed block nor in one
 * realloc() left behind).
 */
static void
free_buf(char *buf, size_t n, bool secret)
{
	if (buf && secret)
		explicit_bzero(buf, n);
	free(buf);
}

/*
 * The one reader behind util_read_file() and util_read_private_file(): opens
 * path without following a symlink, checks type, (for a secret) mode, and
 * size on the open descriptor, then reads at most max + 1 bytes so that a
 * file that grew since fstat() is noticed.
 */
static int
read_file(const char *path, const char *what, size_t max, bool secret, char **data, size_t *len,
	  struct errmsg *e)
{
	struct stat st;
	char *buf = NULL, *grown;
	size_t have = 0, room;
	ssize_t got = 0;
	unsigned mode;
	int fd, err;

	if (max > SIZE_MAX / 2)		/* "no cap": keeps max + 1 and room * 2 from wrapping */
		max = SIZE_MAX / 2;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd == -1) {
		errmsg_set(e, "cannot read %s '%s': %s", what, path,
			   errno == ELOOP ? "is a symbolic link" : why(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1) {
		err = errno;
		close(fd);
		errmsg_set(e, "cannot read %s '%s': %s", what, path, why(err));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		errmsg_set(e, "cannot read %s '%s': not a regular file", what, path);
		close(fd);
		return -1;
	}
	mode = (unsigned)st.st_mode & 07777;
	if (secret && (mode & 077)) {
		errmsg_set(e, "%s '%s': %s by group or others (mode %04o); chmod 600 it", what, path,
			   mode & 044 ? "readable" : mode & 022 ? "writable" : "accessible", mode);
		close(fd);
		return -1;
	}
	if ((unsigned long long)st.st_size > max) {
		errmsg_set(e, "cannot read %s '%s': larger than %zu bytes", what, path, max);
		close(fd);
		return -1;
	}
	/* the size fstat saw plus one byte to notice growth; grows up to max + 1 */
	room = (size_t)st.st_size + 1;
	buf = xmalloc(room + 1);
	for (;;) {
		if (have == room) {
			if (have > max)
				break;
			room = room > max / 2 ? max + 1 : room * 2;
			if (secret) {	/* not xrealloc(): it may leave a copy behind */
				grown = xmalloc(room + 1);
				memcpy(grown, buf, have);
				free_buf(buf, have, true);
				buf = grown;
			} else {
				buf = xrealloc(buf, room + 1);
			}
		}
		got = read(fd, buf + have, room - have);
		if (got == -1 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		have += (size_t)got;
	}
	err = errno;	/* close() may change it */
	close(fd);
	if (have > max) {
		errmsg_set(e, "cannot read %s '%s': larger than %zu bytes", what, path, max);
		free_buf(buf, have, secret);
		return -1;
	}
	if (got == -1) {
		errmsg_set(e, "cannot read %s '%s': %s", what, path, why(err));
		free_buf(buf, have, secret);
		return -1;
	}
	buf[have] = '\0';
	*data = buf;
	*len = have;
	return 0;
}

int
util_read_file(const char *path, const char *what, size_t max, char **data, size_t *len,
	       struct errmsg *e)
{
	return read_file(path, what, max, false, data, len, e);
}

int
util_read_private_file(const char *path, const char *what, size_t max, char **data, size_t *len,
		       struct errmsg *e)
{
	return read_file(path, what, max, true, data, len, e);
}

void
util_tls_keylog_off(void)
{
	unsetenv("SSLKEYLOGFILE");
}

void
util_today(char out[11])
{
	const char *env = getenv("CB_TODAY");
	struct tm tm;
	time_t now;

	if (env && util_date_days(env) >= 0) {
		memcpy(out, env, 10);
		out[10] = '\0';
		return;
	}
	now = time(NULL);
	gmtime_r(&now, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

void
util_now_rfc3339(char out[32])
{
	struct tm tm;
	time_t now = time(NULL);

	gmtime_r(&now, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Days from civil (Howard Hinnant's algorithm). */
static long
days_from_civil(long y, unsigned m, unsigned d)
{
	long era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long)doe - 719468;
}

long
util_date_days(const char *s)
{
	static const unsigned mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	unsigned y, m, d, i, max;

	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return -1;
	y = (unsigned)((s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0'));
	m = (unsigned)((s[5] - '0') * 10 + (s[6] - '0'));
	d = (unsigned)((s[8] - '0') * 10 + (s[9] - '0'));
	if (y < 1970 || m < 1 || m > 12 || d < 1)
		return -1;
	max = mdays[m - 1];
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		max = 29;
	if (d > max)
		return -1;
	return days_from_civil((long)y, m, d);
}

bool
util_glob(const char *pattern, const char *s)
{
	return fnmatch(pattern, s, 0) == 0;
}
