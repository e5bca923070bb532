#ifndef CB_STARTTLS_H
#define CB_STARTTLS_H
/*
 * The plain-text prelude of STARTTLS for SMTP (RFC 3207), IMAP (RFC 9051) and
 * POP3 (RFC 2595), as a state machine without I/O: feed it what the server
 * sent, send what it says, until it is ready for the TLS handshake. Every
 * reply is untrusted: lines and replies are capped.
 */
#include <stdbool.h>
#include <stddef.h>

#define STARTTLS_LINE_MAX 1024		/* RFC 5321 allows 512 for a reply line */
#define STARTTLS_REPLY_MAX 64		/* lines in one multi-line reply */

enum starttls_proto { STARTTLS_SMTP, STARTTLS_IMAP, STARTTLS_POP3 };

enum starttls_status {
	STARTTLS_NEED_MORE,	/* read more from the server (and send `out` first, if any) */
	STARTTLS_READY,		/* the server accepted STARTTLS: start the TLS handshake */
	STARTTLS_NOT_OFFERED,	/* a well-formed dialogue, but no STARTTLS */
	STARTTLS_BAD,		/* not this protocol, or over a cap: see msg */
};

struct starttls {
	enum starttls_proto proto;
	int stage;
	size_t lines;		/* lines of the current reply */
	bool offered;
	char msg[160];
};

/* Parses "smtp", "imap", "pop3"; -1 for anything else. */
int starttls_proto_parse(const char *s, enum starttls_proto *out);
const char *starttls_proto_name(enum starttls_proto p);
/* The port the protocol's STARTTLS service listens on: "25", "143", "110". */
const char *starttls_default_port(enum starttls_proto p);

void starttls_init(struct starttls *st, enum starttls_proto proto);
/*
 * Consumes complete lines from buf[0..len) (*used bytes). When it returns
 * NEED_MORE with *out set, the caller sends *out (a static string) and then
 * reads more. READY: nothing after the last line must be left in buf (a
 * server that sends early TLS bytes would be a STARTTLS injection: BAD).
 */
enum starttls_status starttls_feed(struct starttls *st, const char *buf, size_t len, size_t *used,
				   const char **out);

#endif
