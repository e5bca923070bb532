#ifndef CB_TLS_WIRE_H
#define CB_TLS_WIRE_H
/*
 * SSL/TLS on the wire, without OpenSSL, for what OpenSSL 3 can no longer
 * speak: a minimal SSLv2 or SSLv3 ClientHello, and a parser of the first
 * thing a server answers (SSLv2 SERVER-HELLO, or SSLv3/TLS records: an
 * alert or a ServerHello). No I/O; every input is untrusted and capped.
 */
#include <stddef.h>
#include <stdint.h>

#define TLS_WIRE_HELLO_MAX 512		/* our ClientHello is smaller than this */
#define TLS_WIRE_RECORD_MAX (16384 + 2048)

enum tls_wire_proto { TLS_WIRE_SSL2, TLS_WIRE_SSL3 };

enum tls_wire_status {
	TLS_WIRE_OK = 0,
	TLS_WIRE_NEED_MORE,
	TLS_WIRE_BAD,
};

/* What the server's first answer says. */
enum tls_wire_answer {
	TLS_WIRE_ACCEPTED,	/* a ServerHello (or SSLv2 SERVER-HELLO) for the protocol offered */
	TLS_WIRE_REFUSED,	/* an alert, or a ServerHello for another version */
};

struct tls_wire_result {
	enum tls_wire_answer answer;
	uint16_t version;	/* version in the ServerHello (0x0300 SSLv3, 0x0002 SSLv2) */
	uint32_t cipher;	/* chosen suite: 2 bytes for SSLv3, 3 bytes for SSLv2 */
	uint8_t alert_level, alert_desc;	/* TLS_WIRE_REFUSED by alert */
	uint8_t compression;	/* SSLv3 ServerHello compression method */
};

/*
 * Writes a ClientHello for proto into out (at least TLS_WIRE_HELLO_MAX
 * bytes), offering a broad list of that protocol's cipher suites and a fixed
 * random. Returns its length.
 */
size_t tls_wire_client_hello(enum tls_wire_proto proto, uint8_t *out);

/*
 * Parses the server's first answer to a ClientHello for proto from buf[0..len).
 * OK with *res set; NEED_MORE; or BAD with a reason in msg ("not SSL/TLS:
 * first byte 0x48", "record length 70000 over the cap").
 */
enum tls_wire_status tls_wire_parse_answer(enum tls_wire_proto proto, const uint8_t *buf,
					   size_t len, struct tls_wire_result *res, char *msg,
					   size_t msglen);

/*
 * For a client that stops after the server's hello (check_baseline_tls's
 * suite and group enumeration: the ServerHello names the suite and, in TLS
 * 1.3, the group; what follows costs a certificate parse and more): what
 * the start of buf[0..len), the server's bytes not yet handed on, holds.
 */
enum tls_wire_hello {
	TLS_WIRE_HELLO_MORE,	/* not yet one whole record */
	TLS_WIRE_HELLO_PASS,	/* anything else (an alert, a ServerHello that does not
				 * fit its record, bytes that are no record): hand it all
				 * on and stop looking */
	TLS_WIRE_HELLO_SKIP,	/* a whole record to hand on before looking again: a
				 * HelloRetryRequest, a ChangeCipherSpec (*reclen) */
	TLS_WIRE_HELLO_FOUND,	/* a ServerHello at the start of a handshake record of
				 * *reclen bytes: the message is buf[5..5 + *msglen),
				 * its suite *suite */
};
enum tls_wire_hello tls_wire_find_hello(const uint8_t *buf, size_t len, size_t *reclen,
					size_t *msglen, uint16_t *suite);

#endif
