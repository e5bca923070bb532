/*
 * tls_hello: sends our SSLv2 or SSLv3 ClientHello (common/tls_wire.c) to a
 * loopback server and prints what tls_wire_parse_answer() makes of the
 * answer, for tests/integration/test_tls_wire_peer.sh.
 *
 *	tls_hello ssl2|ssl3 PORT [DUMPFILE]
 *
 * Connects to 127.0.0.1:PORT, reads under a 5 s deadline and prints one line:
 *
 *	ACCEPTED version 0x0300 cipher 0x000a compression 0
 *	REFUSED alert 2/40 (record version 0x0300)
 *	REFUSED version 0x0303 cipher 0xc02f
 *	REFUSED sslv2-error 1
 *	REFUSED closed without an answer	(EOF or reset before any byte)
 *	BAD <parser message>
 *	BAD closed after N bytes of an answer
 *	TIMEOUT after N bytes
 *	ERROR <why>
 *
 * The bytes received are written to DUMPFILE when given (captures for the
 * fuzz corpus). Exit 0 for ACCEPTED, REFUSED and BAD; 1 for TIMEOUT and
 * ERROR; 2 for bad use.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "deadline.h"
#include "net.h"
#include "tls_wire.h"
#include "util.h"
#include "banned.h"

#define TIMEOUT_S 5
#define BUF_MAX (5 + TLS_WIRE_RECORD_MAX)	/* the parser never needs more */

static void
dump(const char *path, const uint8_t *buf, size_t len)
{
	FILE *f;

	if (!path)
		return;
	f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, len, f) != len || fclose(f) != 0)
		fprintf(stderr, "tls_hello: cannot write '%s'\n", path);
}

static void
print_result(const struct tls_wire_result *r)
{
	if (r->answer == TLS_WIRE_ACCEPTED)
		printf("ACCEPTED version 0x%04x cipher 0x%0*x compression %u\n", r->version,
		       r->version == 0x0002 ? 6 : 4, (unsigned)r->cipher, r->compression);
	else if (r->version == 0x0002 && r->alert_level == 0)
		printf("REFUSED sslv2-error %u\n", r->alert_desc);
	else if (r->alert_level != 0)
		printf("REFUSED alert %u/%u (record version 0x%04x)\n", r->alert_level,
		       r->alert_desc, r->version);
	else
		printf("REFUSED version 0x%04x cipher 0x%04x\n", r->version, (unsigned)r->cipher);
}

int
main(int argc, char **argv)
{
	static uint8_t buf[BUF_MAX];
	uint8_t hello[TLS_WIRE_HELLO_MAX];
	enum tls_wire_proto proto;
	struct tls_wire_result res;
	struct deadline d;
	struct errmsg e;
	enum net_status st;
	char msg[256];
	size_t len = 0, n, got;
	int fd, rc = 1;

	if (argc < 3 || argc > 4 || (strcmp(argv[1], "ssl2") != 0 && strcmp(argv[1], "ssl3") != 0)) {
		fprintf(stderr, "usage: tls_hello ssl2|ssl3 PORT [DUMPFILE]\n");
		return 2;
	}
	proto = strcmp(argv[1], "ssl2") == 0 ? TLS_WIRE_SSL2 : TLS_WIRE_SSL3;
	deadline_start(&d, TIMEOUT_S);
	if (net_connect("127.0.0.1", argv[2], &d, &fd, &e) != NET_OK) {
		printf("ERROR %s\n", e.msg);
		return 1;
	}
	n = tls_wire_client_hello(proto, hello);
	if (net_write_all(fd, hello, n, &d) != NET_OK) {
		printf("ERROR cannot send the ClientHello\n");
		close(fd);
		return 1;
	}
	for (;;) {
		switch (tls_wire_parse_answer(proto, buf, len, &res, msg, sizeof(msg))) {
		case TLS_WIRE_OK:
			print_result(&res);
			rc = 0;
			goto out;
		case TLS_WIRE_BAD:
			printf("BAD %s\n", msg);
			rc = 0;
			goto out;
		case TLS_WIRE_NEED_MORE:
			break;
		}
		if (len == sizeof(buf)) {	/* cannot happen: the parser's cap */
			printf("ERROR the parser wants more than %zu bytes\n", sizeof(buf));
			goto out;
		}
		st = net_read(fd, buf + len, sizeof(buf) - len, &got, &d);
		if (st == NET_OK) {
			len += got;
			continue;
		}
		if (st == NET_CLOSED) {
			if (len == 0)
				printf("REFUSED closed without an answer\n");
			else
				printf("BAD closed after %zu bytes of an answer\n", len);
			rc = 0;
		} else if (st == NET_TIMEOUT) {
			printf("TIMEOUT after %zu bytes\n", len);
		} else {
			printf("ERROR read failed after %zu bytes\n", len);
		}
		goto out;
	}
out:
	dump(argc == 4 ? argv[3] : NULL, buf, len);
	close(fd);
	return rc;
}
