/* STARTTLS preludes: whole dialogues per protocol, fed in one piece and byte by byte. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "starttls.h"

/*
 * A dialogue: the server's chunks in order; before each chunk after the
 * first, the client must have sent `sent[i-1]`.
 */
struct dialogue {
	enum starttls_proto proto;
	const char *server[4];
	const char *sent[3];
	enum starttls_status end;
	const char *msg;	/* BAD: start of the message */
};

static const struct dialogue rows[] = {
	{ STARTTLS_SMTP,
	  { "220 mx.example ESMTP\r\n", "250-mx.example\r\n250-PIPELINING\r\n250-STARTTLS\r\n250 8BITMIME\r\n", "220 2.0.0 Ready\r\n" },
	  { "EHLO cyberbaseline.invalid\r\n", "STARTTLS\r\n" }, STARTTLS_READY, NULL },
	{ STARTTLS_SMTP,
	  { "220-mx.example first\r\n220 second\r\n", "250-mx.example\r\n250 SIZE 1000\r\n" },
	  { "EHLO cyberbaseline.invalid\r\n" }, STARTTLS_NOT_OFFERED, NULL },
	{ STARTTLS_SMTP, { "554 go away\r\n" }, { NULL }, STARTTLS_BAD, "SMTP greeting refused" },
	{ STARTTLS_SMTP, { "SSH-2.0-OpenSSH_9.2\r\n" }, { NULL }, STARTTLS_BAD, "not an SMTP reply" },
	{ STARTTLS_SMTP,
	  { "220 x\r\n", "250-x\r\n250 STARTTLS\r\n", "454 TLS not available\r\n" },
	  { "EHLO cyberbaseline.invalid\r\n", "STARTTLS\r\n" }, STARTTLS_BAD, "STARTTLS refused" },
	{ STARTTLS_SMTP,	/* bytes after the 220: a command injection */
	  { "220 x\r\n", "250-x\r\n250 STARTTLS\r\n", "220 go ahead\r\n\x16\x03\x01" },
	  { "EHLO cyberbaseline.invalid\r\n", "STARTTLS\r\n" }, STARTTLS_BAD, "data after the STARTTLS answer" },
	{ STARTTLS_SMTP, { "220 x\r\n", "250-x\r\n250-NOSTARTTLSX\r\n250 OK\r\n" },
	  { "EHLO cyberbaseline.invalid\r\n" }, STARTTLS_NOT_OFFERED, NULL },
	{ STARTTLS_IMAP,
	  { "* OK IMAP ready\r\n", "* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED\r\na1 OK done\r\n", "a2 OK Begin TLS\r\n" },
	  { "a1 CAPABILITY\r\n", "a2 STARTTLS\r\n" }, STARTTLS_READY, NULL },
	{ STARTTLS_IMAP, { "* OK ready\r\n", "* CAPABILITY IMAP4rev1\r\na1 OK\r\n" },
	  { "a1 CAPABILITY\r\n" }, STARTTLS_NOT_OFFERED, NULL },
	{ STARTTLS_IMAP, { "* BYE\r\n" }, { NULL }, STARTTLS_BAD, "not an IMAP greeting" },
	{ STARTTLS_POP3,
	  { "+OK POP3 ready\r\n", "+OK caps\r\nUSER\r\nSTLS\r\n.\r\n", "+OK begin TLS\r\n" },
	  { "CAPA\r\n", "STLS\r\n" }, STARTTLS_READY, NULL },
	{ STARTTLS_POP3, { "+OK ready\r\n", "-ERR no CAPA\r\n" }, { "CAPA\r\n" }, STARTTLS_NOT_OFFERED, NULL },
	{ STARTTLS_POP3, { "+OK\r\n", "+OK\r\nUSER\r\n.\r\n" }, { "CAPA\r\n" }, STARTTLS_NOT_OFFERED, NULL },
	{ STARTTLS_POP3, { "-ERR\r\n" }, { NULL }, STARTTLS_BAD, "not a POP3 greeting" },
};

/* Plays a dialogue; step = bytes fed per call (0: all at once). */
static void
play(const struct dialogue *d, size_t step, size_t row)
{
	struct starttls st;
	enum starttls_status s = STARTTLS_NEED_MORE;
	char buf[4096];
	size_t len = 0, used, sent = 0, chunk;

	starttls_init(&st, d->proto);
	for (chunk = 0; chunk < 4 && d->server[chunk] && s == STARTTLS_NEED_MORE; chunk++) {
		const char *in = d->server[chunk];
		size_t n = strlen(in), off = 0;

		while (off < n && s == STARTTLS_NEED_MORE) {
			const char *out = NULL;
			size_t take = step && n - off > step ? step : n - off;

			memcpy(buf + len, in + off, take);
			len += take;
			off += take;
			s = starttls_feed(&st, buf, len, &used, &out);
			memmove(buf, buf + used, len - used);
			len -= used;
			if (out) {
				if (sent >= 3 || !d->sent[sent] || strcmp(out, d->sent[sent]) != 0)
					fail_msg("row %zu: client sent '%s'", row, out);
				sent++;
			}
		}
	}
	if (s != d->end)
		fail_msg("row %zu step %zu: status %d, want %d (%s)", row, step, s, d->end, st.msg);
	if (d->msg && strncmp(st.msg, d->msg, strlen(d->msg)) != 0)
		fail_msg("row %zu: message '%s'", row, st.msg);
}

static void
test_dialogues(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		play(&rows[i], 0, i);
		if (rows[i].end != STARTTLS_BAD || !strstr(rows[i].msg, "data after"))
			play(&rows[i], 1, i);	/* byte by byte: the same outcome */
	}
}

static void
test_caps(void **state)
{
	char line[2100];
	struct starttls st;
	const char *out;
	size_t used;
	enum starttls_proto p;

	(void)state;
	memset(line, 'a', sizeof(line));
	starttls_init(&st, STARTTLS_SMTP);
	assert_int_equal(starttls_feed(&st, line, sizeof(line), &used, &out), STARTTLS_BAD);
	assert_non_null(strstr(st.msg, "longer than 1024"));
	assert_int_equal(starttls_proto_parse("imap", &p), 0);
	assert_int_equal(p, STARTTLS_IMAP);
	assert_int_equal(starttls_proto_parse("IMAP", &p), -1);
	assert_string_equal(starttls_default_port(STARTTLS_POP3), "110");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dialogues),
		cmocka_unit_test(test_caps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
