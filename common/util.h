#ifndef CB_UTIL_H
#define CB_UTIL_H
/*
 * Memory, strict number parsing, bounded string buffers, error messages.
 *
 * Out-of-memory policy: every x*() allocator prints "BASELINE UNKNOWN - out of
 * memory" on stdout and exits 3. No caller checks for NULL from them.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#define CB_PRINTF(a, b) __attribute__((format(printf, a, b)))
/* Number of elements of an array (not a pointer). */
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
/* Grows an array of *alloc elements of size `size` so that `need` fit. */
void *xgrow(void *p, size_t need, size_t *alloc, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) CB_PRINTF(1, 2);
char *xvasprintf(const char *fmt, va_list ap) CB_PRINTF(1, 0);

/*
 * One error message: a fixed buffer written by common/ functions that fail
 * (return -1) and read by the caller. Lower-case, no full stop, the subject in
 * quotes: "cannot read baseline 'x.json': permission denied".
 */
#define ERRMSG_MAX 512
struct errmsg {
	char msg[ERRMSG_MAX];
};
void errmsg_set(struct errmsg *e, const char *fmt, ...) CB_PRINTF(2, 3);

/*
 * Strict unsigned parse: the whole string, decimal, within [min, max].
 * Returns 0 and sets *out, or -1 (empty, sign, garbage, out of range).
 */
int parse_ulong(const char *s, unsigned long min, unsigned long max, unsigned long *out);
/* Strict decimal double: finite, whole string, no hex, no inf/nan. */
int parse_double(const char *s, double *out);

/*
 * A growable string with a hard maximum (bytes, not counting the NUL).
 * Appends beyond `max` are cut and set `truncated`. buf is always
 * NUL-terminated once anything was added; sbuf_str() never returns NULL.
 *
 *	struct sbuf sb;
 *	sbuf_init(&sb, 8192);
 *	sbuf_addf(&sb, "%d of %d", a, b);
 *	puts(sbuf_str(&sb));
 *	sbuf_release(&sb);
 */
struct sbuf {
	char *buf;
	size_t len;
	size_t alloc;
	size_t max;
	bool truncated;
};
void sbuf_init(struct sbuf *sb, size_t max);
void sbuf_release(struct sbuf *sb);
void sbuf_reset(struct sbuf *sb);
void sbuf_add(struct sbuf *sb, const void *data, size_t n);
void sbuf_addstr(struct sbuf *sb, const char *s);
void sbuf_addch(struct sbuf *sb, char c);
void sbuf_addf(struct sbuf *sb, const char *fmt, ...) CB_PRINTF(2, 3);
const char *sbuf_str(const struct sbuf *sb);
/* Hands the buffer to the caller (free() it); sb is empty afterwards. */
char *sbuf_detach(struct sbuf *sb);

/*
 * Reads a whole regular file of at most `max` bytes, without following a
 * symlink in the last component. On success *data (NUL-terminated, free())
 * and *len are set. On error `e` says "cannot read <what> '<path>': <why>".
 */
int util_read_file(const char *path, const char *what, size_t max, char **data,
		   size_t *len, struct errmsg *e);

/*
 * The same for a file that holds secrets (credentials): it must also be
 * inaccessible to group and others (mode & 077 == 0, checked with fstat() on
 * the descriptor that is read, so a rename in between cannot swap it), else
 * "<what> '<path>': readable by group or others (mode 0644); chmod 600 it"
 * ("writable by" when no read bit is set for them, "accessible by" when
 * only an execute bit is). The file's bytes are wiped before any buffer that
 * held them is freed; the caller wipes *data (explicit_bzero) before free().
 *
 *	if (util_read_private_file(path, "credentials", 4096, &text, &len, e) == -1)
 *		return -1;
 *	...parse text...
 *	explicit_bzero(text, len);
 *	free(text);
 */
int util_read_private_file(const char *path, const char *what, size_t max, char **data,
			   size_t *len, struct errmsg *e);

/*
 * Removes SSLKEYLOGFILE from the environment. libcurl's OpenSSL backend
 * (7.88 in Debian 12) opens the file that variable names in
 * curl_global_init() and appends the secrets of every TLS session to it, and
 * OpenSSL from 3.5 (built with enable-sslkeylog) does the same for any
 * SSL_CTX: a file written outside --evidence and --state-dir, holding what
 * decrypts the session. Call it before any library is initialised;
 * report_init() (the first call of every check) and
 * icingaapi_global_init() (the CLI) do.
 */
void util_tls_keylog_off(void);

/* Today's date in UTC as YYYY-MM-DD, or CB_TODAY from the environment (tests). */
void util_today(char out[11]);
/* Now in UTC as RFC 3339 "2026-11-28T10:06:16Z". */
void util_now_rfc3339(char out[32]);
/* Validates "YYYY-MM-DD" as a real calendar date; returns days since 1970-01-01 or -1. */
long util_date_days(const char *s);

/* Shell-style pattern match (fnmatch without flags). */
bool util_glob(const char *pattern, const char *s);

#endif
