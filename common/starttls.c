/* STARTTLS preludes for SMTP, IMAP and POP3: a state machine, no I/O. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "starttls.h"
#include "banned.h"

enum {
	S_GREETING,	/* waiting for the server's greeting */
	S_CAPS,		/* SMTP: EHLO reply; IMAP: CAPABILITY reply; POP3: CAPA reply */
	S_ANSWER,	/* reply to STARTTLS / STLS */
};

static const char *const names[] = { "smtp", "imap", "pop3" };
static const char *const ports[] = { "25", "143", "110" };

int
starttls_proto_parse(const char *s, enum starttls_proto *out)
{
	size_t i;

	for (i = 0; i < 3; i++)
		if (strcmp(s, names[i]) == 0) {
			*out = (enum starttls_proto)i;
			return 0;
		}
	return -1;
}

const char *
starttls_proto_name(enum starttls_proto p)
{
	return names[p];
}

const char *
starttls_default_port(enum starttls_proto p)
{
	return ports[p];
}

void
starttls_init(struct starttls *st, enum starttls_proto proto)
{
	memset(st, 0, sizeof(*st));
	st->proto = proto;
	st->stage = S_GREETING;
}

static enum starttls_status
bad(struct starttls *st, const char *what, const char *line, size_t n)
{
	char shown[64];
	size_t i;

	for (i = 0; i < n && i < sizeof(shown) - 1; i++)
		shown[i] = (line[i] >= 0x20 && line[i] < 0x7f) ? line[i] : '?';
	shown[i] = '\0';
	snprintf(st->msg, sizeof(st->msg), "%s: '%s'", what, shown);
	return STARTTLS_BAD;
}

/* Does the line (without CRLF) contain the word, case-insensitively? */
static bool
has_word(const char *line, size_t n, const char *word)
{
	size_t w = strlen(word), i;

	for (i = 0; i + w <= n; i++)
		if (strncasecmp(line + i, word, w) == 0 &&
		    (i == 0 || line[i - 1] == ' ' || line[i - 1] == '-') &&
		    (i + w == n || line[i + w] == ' '))
			return true;
	return false;
}

/* One complete line (without CR LF); returns NEED_MORE to go on, or an end state. */
static enum starttls_status
smtp_line(struct starttls *st, const char *l, size_t n, const char **out)
{
	bool last;

	if (n < 3 || l[0] < '1' || l[0] > '5' || l[1] < '0' || l[1] > '9' || l[2] < '0' ||
	    l[2] > '9' || (n > 3 && l[3] != ' ' && l[3] != '-'))
		return bad(st, "not an SMTP reply", l, n);
	last = n == 3 || l[3] == ' ';
	if (++st->lines > STARTTLS_REPLY_MAX)
		return bad(st, "SMTP reply longer than 64 lines", l, n);
	switch (st->stage) {
	case S_GREETING:
		if (l[0] != '2')
			return bad(st, "SMTP greeting refused", l, n);
		if (last) {
			*out = "EHLO cyberbaseline.invalid\r\n";
			st->stage = S_CAPS;
			st->lines = 0;
		}
		return STARTTLS_NEED_MORE;
	case S_CAPS:
		if (l[0] != '2')
			return bad(st, "EHLO refused", l, n);
		if (n > 4 && has_word(l + 4, n - 4, "STARTTLS"))
			st->offered = true;
		if (!last)
			return STARTTLS_NEED_MORE;
		if (!st->offered)
			return STARTTLS_NOT_OFFERED;
		*out = "STARTTLS\r\n";
		st->stage = S_ANSWER;
		st->lines = 0;
		return STARTTLS_NEED_MORE;
	default:
		if (!last)
			return STARTTLS_NEED_MORE;
		if (l[0] != '2')
			return bad(st, "STARTTLS refused", l, n);
		return STARTTLS_READY;
	}
}

static enum starttls_status
imap_line(struct starttls *st, const char *l, size_t n, const char **out)
{
	if (++st->lines > STARTTLS_REPLY_MAX)
		return bad(st, "IMAP reply longer than 64 lines", l, n);
	switch (st->stage) {
	case S_GREETING:
		if (n < 4 || strncasecmp(l, "* OK", 4) != 0)
			return bad(st, "not an IMAP greeting", l, n);
		*out = "a1 CAPABILITY\r\n";
		st->stage = S_CAPS;
		st->lines = 0;
		return STARTTLS_NEED_MORE;
	case S_CAPS:
		if (n >= 12 && strncasecmp(l, "* CAPABILITY", 12) == 0) {
			if (has_word(l, n, "STARTTLS"))
				st->offered = true;
			return STARTTLS_NEED_MORE;
		}
		if (n >= 2 && l[0] == '*')
			return STARTTLS_NEED_MORE;	/* other untagged data */
		if (n < 5 || strncasecmp(l, "a1 OK", 5) != 0)
			return bad(st, "IMAP CAPABILITY failed", l, n);
		if (!st->offered)
			return STARTTLS_NOT_OFFERED;
		*out = "a2 STARTTLS\r\n";
		st->stage = S_ANSWER;
		st->lines = 0;
		return STARTTLS_NEED_MORE;
	default:
		if (n >= 1 && l[0] == '*')
			return STARTTLS_NEED_MORE;
		if (n < 5 || strncasecmp(l, "a2 OK", 5) != 0)
			return bad(st, "IMAP STARTTLS refused", l, n);
		return STARTTLS_READY;
	}
}

static enum starttls_status
pop3_line(struct starttls *st, const char *l, size_t n, const char **out)
{
	if (++st->lines > STARTTLS_REPLY_MAX)
		return bad(st, "POP3 reply longer than 64 lines", l, n);
	switch (st->stage) {
	case S_GREETING:
		if (n < 3 || strncmp(l, "+OK", 3) != 0)
			return bad(st, "not a POP3 greeting", l, n);
		*out = "CAPA\r\n";
		st->stage = S_CAPS;
		st->lines = 0;
		return STARTTLS_NEED_MORE;
	case S_CAPS:
		if (st->lines == 1) {
			if (n >= 3 && strncmp(l, "+OK", 3) == 0)
				return STARTTLS_NEED_MORE;
			return STARTTLS_NOT_OFFERED;	/* no CAPA: no STLS either (RFC 2595) */
		}
		if (n == 1 && l[0] == '.') {
			if (!st->offered)
				return STARTTLS_NOT_OFFERED;
			*out = "STLS\r\n";
			st->stage = S_ANSWER;
			st->lines = 0;
			return STARTTLS_NEED_MORE;
		}
		if (n >= 4 && strncasecmp(l, "STLS", 4) == 0 && (n == 4 || l[4] == ' '))
			st->offered = true;
		return STARTTLS_NEED_MORE;
	default:
		if (n < 3 || strncmp(l, "+OK", 3) != 0)
			return bad(st, "POP3 STLS refused", l, n);
		return STARTTLS_READY;
	}
}

enum starttls_status
starttls_feed(struct starttls *st, const char *buf, size_t len, size_t *used, const char **out)
{
	enum starttls_status rc = STARTTLS_NEED_MORE;
	size_t pos = 0;

	*out = NULL;
	while (rc == STARTTLS_NEED_MORE && !*out) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t n;

		if (!nl) {
			if (len - pos > STARTTLS_LINE_MAX) {
				*used = pos;
				return bad(st, "line longer than 1024 bytes", buf + pos, 40);
			}
			break;
		}
		n = (size_t)(nl - (buf + pos));
		if (n > STARTTLS_LINE_MAX) {
			*used = pos;
			return bad(st, "line longer than 1024 bytes", buf + pos, 40);
		}
		if (n && buf[pos + n - 1] == '\r')
			n--;
		if (memchr(buf + pos, '\0', n)) {
			*used = pos;
			return bad(st, "NUL byte in a reply", buf + pos, n);
		}
		if (st->proto == STARTTLS_SMTP)
			rc = smtp_line(st, buf + pos, n, out);
		else if (st->proto == STARTTLS_IMAP)
			rc = imap_line(st, buf + pos, n, out);
		else
			rc = pop3_line(st, buf + pos, n, out);
		pos = (size_t)(nl - buf) + 1;
		if (rc == STARTTLS_READY && pos != len) {
			*used = pos;
			return bad(st, "data after the STARTTLS answer (possible injection)",
				   buf + pos, len - pos);
		}
	}
	*used = pos;
	return rc;
}
