/*
 * tls_wire: the SSLv2/SSLv3 ClientHellos byte by byte, and the parser of the
 * server's first answer on answers built by hand. Table-driven. Every input
 * is copied into a heap buffer of exactly its length, so that ASan sees any
 * read past len.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tls_wire.h"
#include "util.h"
#include "banned.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define SSL2 TLS_WIRE_SSL2
#define SSL3 TLS_WIRE_SSL3
#define OK TLS_WIRE_OK
#define MORE TLS_WIRE_NEED_MORE
#define BAD TLS_WIRE_BAD
#define ACC TLS_WIRE_ACCEPTED
#define REF TLS_WIRE_REFUSED

/* ---- input notation ---------------------------------------------------------- */

/*
 * Hex bytes separated by blanks; "XX*N" is the byte XX N times. Returns a
 * heap buffer (free()) of exactly *len bytes (at least 1 allocated).
 */
static uint8_t *
from_hex(const char *hex, size_t *len)
{
	size_t n = 0, alloc = 64;
	uint8_t *b = xmalloc(alloc);
	const char *p = hex;

	while (*p) {
		unsigned long byte, count = 1;
		char *end;

		if (*p == ' ') {
			p++;
			continue;
		}
		byte = strtoul(p, &end, 16);
		assert_true(end == p + 2 && byte <= 0xff);
		p = end;
		if (*p == '*') {
			count = strtoul(p + 1, &end, 10);
			assert_true(end > p + 1 && count > 0);
			p = end;
		}
		b = xgrow(b, n + count, &alloc, 1);
		memset(b + n, (int)byte, count);
		n += count;
	}
	*len = n;
	return b;
}

/* The handshake stream hs[0..n) wrapped in SSLv3 handshake records of at most `size` bytes. */
static uint8_t *
records(const uint8_t *hs, size_t n, size_t size, size_t *len)
{
	size_t nrec = (n + size - 1) / size, out = 0;
	uint8_t *b = xmalloc(n + 5 * nrec + 1);

	for (size_t off = 0; off < n; off += size) {
		size_t k = n - off < size ? n - off : size;

		b[out++] = 22;
		b[out++] = 3;
		b[out++] = 0;
		b[out++] = (uint8_t)(k >> 8);
		b[out++] = (uint8_t)k;
		memcpy(b + out, hs + off, k);
		out += k;
	}
	*len = out;
	return b;
}

/* ---- the ClientHellos --------------------------------------------------------- */

/*
 * One field of a hello: `width` bytes at `off` (from the end when off < 0),
 * big-endian, equal to `value`, or to (hello length + value) when plus_len.
 */
struct field_row {
	const char *what;
	enum tls_wire_proto proto;
	long off;
	size_t width;
	long value;
	bool plus_len;
};

#define SSL2_SPECS 15	/* 7 SSLv2 specs, 7 TLS suites, the SCSV */
#define SSL3_SUITES 47

static const struct field_row field_rows[] = {
	{ "ssl2 2-byte header: high bit + length", SSL2, 0, 2, 0x8000 - 2, true },
	{ "ssl2 message type CLIENT-HELLO", SSL2, 2, 1, 1, false },
	{ "ssl2 version 0x0002", SSL2, 3, 2, 0x0002, false },
	{ "ssl2 cipher specs length", SSL2, 5, 2, 3 * SSL2_SPECS, false },
	{ "ssl2 session id length 0", SSL2, 7, 2, 0, false },
	{ "ssl2 challenge length 16", SSL2, 9, 2, 16, false },
	{ "ssl2 total length", SSL2, -1, 0, 2 + 9 + 3 * SSL2_SPECS + 16, false },
	{ "ssl2 challenge bytes", SSL2, -16, 4, 0x63796265, false },	/* "cybe" */

	{ "ssl3 record type handshake", SSL3, 0, 1, 22, false },
	{ "ssl3 record version 0x0300", SSL3, 1, 2, 0x0300, false },
	{ "ssl3 record length", SSL3, 3, 2, -5, true },
	{ "ssl3 handshake type client_hello", SSL3, 5, 1, 1, false },
	{ "ssl3 handshake length", SSL3, 6, 3, -9, true },
	{ "ssl3 client version 0x0300", SSL3, 9, 2, 0x0300, false },
	{ "ssl3 random starts fixed", SSL3, 11, 4, 0x63796265, false },
	{ "ssl3 session id length 0", SSL3, 43, 1, 0, false },
	{ "ssl3 cipher suites length", SSL3, 44, 2, 2 * SSL3_SUITES, false },
	{ "ssl3 one compression method, null, no extensions", SSL3, -2, 2, 0x0100, false },
	{ "ssl3 total length", SSL3, -1, 0, 5 + 4 + 2 + 32 + 1 + 2 + 2 * SSL3_SUITES + 2, false },
};

static uint32_t
get_be(const uint8_t *p, size_t width)
{
	uint32_t v = 0;

	for (size_t i = 0; i < width; i++)
		v = v << 8 | p[i];
	return v;
}

static void
test_hello_fields(void **state)
{
	(void)state;
	for (size_t i = 0; i < NELEM(field_rows); i++) {
		const struct field_row *r = &field_rows[i];
		uint8_t out[TLS_WIRE_HELLO_MAX];
		size_t len = tls_wire_client_hello(r->proto, out);
		long want = r->plus_len ? (long)len + r->value : r->value;

		print_message("# hello field: %s\n", r->what);
		assert_in_range(len, 16, TLS_WIRE_HELLO_MAX);
		if (r->width == 0) {	/* the length itself */
			assert_int_equal(len, (size_t)r->value);
			continue;
		}
		size_t off = r->off >= 0 ? (size_t)r->off : len - (size_t)-r->off;

		assert_true(off + r->width <= len);
		assert_int_equal(get_be(out + off, r->width), want);
	}
}

/* A cipher (3-byte spec for SSLv2, 2-byte suite for SSLv3) offered or not. */
struct offer_row {
	enum tls_wire_proto proto;
	uint32_t cipher;
	bool offered;
};

static const struct offer_row offer_rows[] = {
	{ SSL2, 0x010080, true },	/* RC4_128_WITH_MD5 */
	{ SSL2, 0x020080, true },	/* RC4_128_EXPORT40_WITH_MD5 */
	{ SSL2, 0x030080, true },	/* RC2_128_CBC_WITH_MD5 */
	{ SSL2, 0x040080, true },	/* RC2_128_CBC_EXPORT40_WITH_MD5 */
	{ SSL2, 0x050080, true },	/* IDEA_128_CBC_WITH_MD5 */
	{ SSL2, 0x060040, true },	/* DES_64_CBC_WITH_MD5 */
	{ SSL2, 0x0700c0, true },	/* DES_192_EDE3_CBC_WITH_MD5 */
	{ SSL2, 0x00002f, true },	/* TLS_RSA_WITH_AES_128_CBC_SHA */
	{ SSL2, 0x00000a, true },	/* TLS_RSA_WITH_3DES_EDE_CBC_SHA */
	{ SSL2, 0x0000ff, true },	/* SCSV */
	{ SSL2, 0x080080, false },	/* no such SSLv2 spec */
	{ SSL3, 0x00ff, true },		/* TLS_EMPTY_RENEGOTIATION_INFO_SCSV */
	{ SSL3, 0x0004, true },		/* RSA RC4 MD5 */
	{ SSL3, 0x0005, true },		/* RSA RC4 SHA */
	{ SSL3, 0x000a, true },		/* RSA 3DES */
	{ SSL3, 0x0009, true },		/* RSA DES */
	{ SSL3, 0x002f, true },		/* RSA AES128 */
	{ SSL3, 0x0035, true },		/* RSA AES256 */
	{ SSL3, 0x0033, true },		/* DHE RSA AES128 */
	{ SSL3, 0x0016, true },		/* DHE RSA 3DES */
	{ SSL3, 0xc013, true },		/* ECDHE RSA AES128 */
	{ SSL3, 0xc011, true },		/* ECDHE RSA RC4 */
	{ SSL3, 0x0003, true },		/* RSA EXPORT RC4 40 */
	{ SSL3, 0x0008, true },		/* RSA EXPORT DES40 */
	{ SSL3, 0x0014, true },		/* DHE RSA EXPORT DES40 */
	{ SSL3, 0x009c, false },	/* RSA AES128 GCM: TLS 1.2 only */
	{ SSL3, 0xc02f, false },	/* ECDHE RSA AES128 GCM: TLS 1.2 only */
	{ SSL3, 0x1301, false },	/* TLS 1.3 */
	{ SSL3, 0x0000, false },	/* NULL_WITH_NULL_NULL */
};

/* The cipher list of a hello: *n entries of `width` bytes at the returned offset. */
static size_t
cipher_list(enum tls_wire_proto proto, const uint8_t *h, size_t *n, size_t *width)
{
	if (proto == SSL2) {
		*width = 3;
		*n = get_be(h + 5, 2) / 3;
		return 11;
	}
	*width = 2;
	*n = get_be(h + 44, 2) / 2;
	return 46;
}

static void
test_hello_offers(void **state)
{
	(void)state;
	for (size_t i = 0; i < NELEM(offer_rows); i++) {
		const struct offer_row *r = &offer_rows[i];
		uint8_t h[TLS_WIRE_HELLO_MAX];
		size_t n, width, off, found = 0;

		tls_wire_client_hello(r->proto, h);
		off = cipher_list(r->proto, h, &n, &width);
		for (size_t k = 0; k < n; k++)
			if (get_be(h + off + k * width, width) == r->cipher)
				found++;
		print_message("# %s offers 0x%06x: %zu\n", r->proto == SSL2 ? "ssl2" : "ssl3",
			      (unsigned)r->cipher, found);
		assert_int_equal(found, r->offered ? 1 : 0);
	}
}

/*
 * Both hellos walked field by field to their exact end; the same bytes every
 * call; nothing written past the returned length; no cipher offered twice.
 */
static void
test_hello_structure(void **state)
{
	static const enum tls_wire_proto protos[] = { SSL2, SSL3 };

	(void)state;
	for (size_t i = 0; i < NELEM(protos); i++) {
		uint8_t a[TLS_WIRE_HELLO_MAX + 64], b[TLS_WIRE_HELLO_MAX];
		size_t len, n, width, off, end;

		memset(a, 0xa5, sizeof(a));
		len = tls_wire_client_hello(protos[i], a);
		assert_int_equal(tls_wire_client_hello(protos[i], b), len);
		assert_memory_equal(a, b, len);
		for (size_t k = len; k < sizeof(a); k++)
			assert_int_equal(a[k], 0xa5);

		off = cipher_list(protos[i], a, &n, &width);
		assert_true(n >= 8);
		for (size_t x = 0; x < n; x++)
			for (size_t y = x + 1; y < n; y++)
				assert_int_not_equal(get_be(a + off + x * width, width),
						     get_be(a + off + y * width, width));
		if (protos[i] == SSL2) {
			for (size_t x = 0; x < n; x++)	/* SSLv2 specs, then TLS as 0x00XXXX */
				if (x >= 7)
					assert_int_equal(a[off + x * 3], 0);
				else
					assert_int_not_equal(a[off + x * 3], 0);
			end = off + n * 3 + get_be(a + 7, 2) + get_be(a + 9, 2);
			assert_int_equal(get_be(a, 2) & 0x7fff, len - 2);
		} else {
			end = off + n * 2;
			assert_int_equal(a[end], 1);		/* compression methods */
			assert_int_equal(a[end + 1], 0);	/* null */
			end += 2;
			assert_int_equal(get_be(a + 3, 2), len - 5);
			assert_int_equal(get_be(a + 6, 3), len - 9);
		}
		assert_int_equal(end, len);
	}
}

/* ---- the server's answer ------------------------------------------------------ */

/* ServerHello handshake messages (type, 3-byte length, body) */
#define SH_SSL3 "02 00 00 26 03 00 11*32 00 00 0a 00"
#define SH_SSL3_SID_EXT "02 00 00 4d 03 00 22*32 20 33*32 00 35 00 00 05 ff 01 00 01 00"
#define SH_TLS12 "02 00 00 26 03 03 44*32 00 c0 2f 00"
/* SSLv2 SERVER-HELLO body: hit 0, X.509, version 2, cert 16, specs 6, connection id 16 */
#define V2_SH "04 00 01 00 02 00 10 00 06 00 10 aa*16 01 00 80 07 00 c0 bb*16"

/*
 * An answer: hex (or text), which with split > 0 is a handshake stream cut
 * into SSLv3 records of `split` bytes. Expected: status, and for OK the
 * result; for BAD a part of the message. exact: the input is exactly the
 * answer, so every shorter prefix must give NEED_MORE.
 */
struct answer_row {
	const char *what;
	enum tls_wire_proto proto;
	const char *hex;
	const char *text;
	size_t split;
	enum tls_wire_status st;
	enum tls_wire_answer answer;
	uint16_t version;
	uint32_t cipher;
	uint8_t level, desc, compression;
	const char *msg;
	bool exact;
};

static const struct answer_row answer_rows[] = {
	/* alerts */
	/* captured: OpenSSL 3.0.19 s_server's answer to our SSLv3 hello ("version too low") */
	{ "alert handshake_failure", SSL3, "15 03 00 00 02 02 28", NULL, 0,
	  OK, REF, 0x0300, 0, 2, 40, 0, NULL, true },
	{ "alert protocol_version from a TLS 1.2 server", SSL3, "15 03 03 00 02 02 46", NULL, 0,
	  OK, REF, 0x0303, 0, 2, 70, 0, NULL, true },
	/* captured: OpenSSL 3.0.19 s_server's answer to our SSLv2 hello */
	{ "alert protocol_version to an SSLv2 hello", SSL2, "15 03 03 00 02 02 46", NULL, 0,
	  OK, REF, 0x0303, 0, 2, 70, 0, NULL, true },
	{ "TLS 1.0 alert to an SSLv2 hello", SSL2, "15 03 01 00 02 02 28", NULL, 0,
	  OK, REF, 0x0301, 0, 2, 40, 0, NULL, true },
	{ "two alerts in one record: the first counts", SSL3, "15 03 00 00 04 01 00 02 28", NULL, 0,
	  OK, REF, 0x0300, 0, 1, 0, 0, NULL, false },
	{ "alert record of 1 byte", SSL3, "15 03 00 00 01 02", NULL, 0,
	  BAD, 0, 0, 0, 0, 0, 0, "alert record of 1 byte", false },

	/* ServerHello */
	{ "SSLv3 ServerHello", SSL3, "16 03 00 00 2a " SH_SSL3, NULL, 0,
	  OK, ACC, 0x0300, 0x000a, 0, 0, 0, NULL, true },
	{ "SSLv3 ServerHello, session id, renegotiation_info", SSL3,
	  "16 03 00 00 51 " SH_SSL3_SID_EXT, NULL, 0,
	  OK, ACC, 0x0300, 0x0035, 0, 0, 0, NULL, true },
	{ "SSLv3 ServerHello with deflate", SSL3, "16 03 00 00 2a 02 00 00 26 03 00 11*32 00 00 04 01",
	  NULL, 0, OK, ACC, 0x0300, 0x0004, 0, 0, 1, NULL, true },
	{ "SSLv3 ServerHello then Certificate in the same record", SSL3,
	  "16 03 00 08 00 " SH_SSL3 " 0b 00 07 d2 00 07 cf", NULL, 0,
	  OK, ACC, 0x0300, 0x000a, 0, 0, 0, NULL, false },
	{ "SSLv3 ServerHello in records of 10 bytes", SSL3, SH_SSL3, NULL, 10,
	  OK, ACC, 0x0300, 0x000a, 0, 0, 0, NULL, true },
	{ "SSLv3 ServerHello in records of 1 byte", SSL3, SH_SSL3_SID_EXT, NULL, 1,
	  OK, ACC, 0x0300, 0x0035, 0, 0, 0, NULL, true },
	{ "TLS 1.2 ServerHello to an SSLv3 hello", SSL3, "16 03 03 00 2a " SH_TLS12, NULL, 0,
	  OK, REF, 0x0303, 0xc02f, 0, 0, 0, NULL, true },
	{ "TLS 1.0 ServerHello to an SSLv3 hello", SSL3, "16 03 01 00 2a 02 00 00 26 03 01 11*32 00 00 2f 00",
	  NULL, 0, OK, REF, 0x0301, 0x002f, 0, 0, 0, NULL, true },
	{ "SSLv3 ServerHello to an SSLv2 hello", SSL2, "16 03 00 00 2a " SH_SSL3, NULL, 0,
	  OK, REF, 0x0300, 0x000a, 0, 0, 0, NULL, true },
	{ "partial ServerHello", SSL3, "16 03 00 00 2a 02 00 00 26 03 00 11*20", NULL, 0,
	  MORE, 0, 0, 0, 0, 0, 0, NULL, false },
	{ "ServerHello header split across records", SSL3, "16 03 00 00 02 02 00 16 03 00 00 28 00 26 03 00 11*32 00 00 0a 00",
	  NULL, 0, OK, ACC, 0x0300, 0x000a, 0, 0, 0, NULL, true },

	/* SSLv2 */
	{ "SSLv2 SERVER-HELLO", SSL2, "80 31 " V2_SH, NULL, 0,
	  OK, ACC, 0x0002, 0x010080, 0, 0, 0, NULL, true },
	{ "SSLv2 SERVER-HELLO, 3-byte header", SSL2, "00 31 00 " V2_SH, NULL, 0,
	  OK, ACC, 0x0002, 0x010080, 0, 0, 0, NULL, true },
	{ "SSLv2 SERVER-HELLO, 3-byte header with padding", SSL2, "00 33 02 " V2_SH " 00 00", NULL, 0,
	  OK, ACC, 0x0002, 0x010080, 0, 0, 0, NULL, true },
	{ "SSLv2 SERVER-HELLO without a certificate or connection id", SSL2,
	  "80 0e 04 00 01 00 02 00 00 00 03 00 00 07 00 c0", NULL, 0,
	  OK, ACC, 0x0002, 0x0700c0, 0, 0, 0, NULL, true },
	{ "SSLv2 SERVER-HELLO without cipher specs", SSL2, "80 0b 04 00 01 00 02 00 00 00 00 00 00",
	  NULL, 0, OK, REF, 0x0002, 0, 0, 0, 0, NULL, true },
	{ "SSLv2 SERVER-HELLO of version 0x0300", SSL2, "80 0e 04 00 01 03 00 00 00 00 03 00 00 01 00 80",
	  NULL, 0, OK, REF, 0x0300, 0x010080, 0, 0, 0, NULL, true },
	{ "SSLv2 ERROR no-cipher", SSL2, "80 03 00 00 01", NULL, 0,
	  OK, REF, 0x0002, 0, 0, 1, 0, NULL, true },
	{ "SSLv2 ERROR, 3-byte header", SSL2, "00 03 00 00 00 06", NULL, 0,
	  OK, REF, 0x0002, 0, 0, 6, 0, NULL, true },
	{ "partial SSLv2 SERVER-HELLO", SSL2, "80 31 04 00 01 00 02 00 10", NULL, 0,
	  MORE, 0, 0, 0, 0, 0, 0, NULL, false },
	{ "SSLv2 SERVER-HELLO lengths past the record", SSL2,
	  "80 0e 04 00 01 00 02 00 10 00 03 00 00 07 00 c0", NULL, 0,
	  BAD, 0, 0, 0, 0, 0, 0, "exceed its 14 bytes", false },
	{ "SSLv2 cipher specs not a multiple of 3", SSL2, "80 0d 04 00 01 00 02 00 00 00 02 00 00 07 00",
	  NULL, 0, BAD, 0, 0, 0, 0, 0, 0, "not a multiple of 3", false },
	{ "SSLv2 SERVER-HELLO too short", SSL2, "80 05 04 00 01 00 02", NULL, 0,
	  BAD, 0, 0, 0, 0, 0, 0, "SERVER-HELLO of 5 bytes is too short", false },
	{ "SSLv2 record over the cap", SSL2, "ff ff 04", NULL, 0,
	  BAD, 0, 0, 0, 0, 0, 0, "SSLv2 record length 32767 over the cap", false },
	{ "SSLv2 padding as long as the record", SSL2, "00 03 03 00 00 01", NULL, 0,
	  BAD, 0, 0, 0, 0, 0, 0, "padding 3 does not fit", false },
	{ "SSLv2 CLIENT-HELLO echoed", SSL2, "80 31 01 00 02", NULL, 0,
	  BAD, 0, 0, 0, 0, 0, 0, "not SSL/TLS: first byte 0x80", false },
	{ "SSLv2 SERVER-HELLO to an SSLv3 hello", SSL3, "80 31 " V2_SH, NULL, 0,
	  BAD, 0, 0, 0, 0, 0, 0, "not SSL/TLS: first byte 0x80", false },
	{ "SSLv2 ERROR to an SSLv3 hello", SSL3, "80 03 00 00 01", NULL, 0,
	  BAD, 0, 0, 0, 0, 0, 0, "not SSL/TLS", false },

	/* not SSL/TLS, or broken */
	{ "HTTP to SSLv3", SSL3, NULL, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n", 0,
	  BAD, 0, 0, 0, 0, 0, 0, "not SSL/TLS: first byte 0x48 ('HTTP/1.1 400 Bad Request')", false },
	{ "HTTP to SSLv2", SSL2, NULL, "HTTP/1.1 400 Bad Request\r\n\r\n", 0,
	  BAD, 0, 0, 0, 0, 0, 0, "not SSL/TLS: first byte 0x48", false },
	{ "SSH banner to SSLv3", SSL3, NULL, "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n", 0,
	  BAD, 0, 0, 0, 0, 0, 0, "not SSL/TLS: first byte 0x53 ('SSH-2.0-OpenSSH_9.2p1", false },
	{ "SSH banner to SSLv2", SSL2, NULL, "SSH-2.0-OpenSSH_9.2p1\r\n", 0,
	  BAD, 0, 0, 0, 0, 0, 0, "not SSL/TLS", false },
	{ "SMTP greeting to SSLv3", SSL3, NULL, "220 mail.example ESMTP\r\n", 0,
	  BAD, 0, 0, 0, 0, 0, 0, "not SSL/TLS: first byte 0x32", false },
	{ "one byte of text", SSL3, NULL, "H", 0,
	  BAD, 0, 0, 0, 0, 0, 0, "not SSL/TLS: first byte 0x48", false },
	{ "empty SSLv2 record", SSL2, "00 00 00 00", NULL, 0,
	  BAD, 0, 0, 0, 0, 0, 0, "empty SSLv2 record", false },
	{ "record version 0x00.. to SSLv3", SSL3, "16 00 00 00 2a", NULL, 0,
	  BAD, 0, 0, 0, 0, 0, 0, "not SSL/TLS: record type 22 with version byte 0x00", false },
	{ "record length over the cap", SSL3, "16 03 00 48 01", NULL, 0,
	  BAD, 0, 0, 0, 0, 0, 0, "record length 18433 over the cap of 18432", false },
	{ "alert length 65535", SSL2, "15 03 00 ff ff 02 28", NULL, 0,
	  BAD, 0, 0, 0, 0, 0, 0, "record length 65535 over the cap", false },
	{ "record of the largest length, incomplete", SSL3, "16 03 00 48 00 02 00 47 fc 03 00", NULL, 0,
	  MORE, 0, 0, 0, 0, 0, 0, NULL, false },
	{ "ServerHello length over the cap", SSL3, "16 03 00 00 04 02 00 47 fd", NULL, 0,
	  BAD, 0, 0, 0, 0, 0, 0, "ServerHello length 18429 over the cap of 18428", false },
	{ "ServerHello spread over too many records", SSL3, "02 00 46 50 00*18000", NULL, 100,
	  BAD, 0, 0, 0, 0, 0, 0, "ServerHello spread over more than 18437 bytes", false },
	{ "empty record", SSL3, "16 03 00 00 00", NULL, 0,
	  BAD, 0, 0, 0, 0, 0, 0, "empty record of type 22", false },
	{ "empty ServerHello", SSL3, "16 03 00 00 04 02 00 00 00", NULL, 0,
	  BAD, 0, 0, 0, 0, 0, 0, "empty ServerHello", false },
	{ "Certificate first", SSL3, "16 03 00 00 04 0b 00 00 00", NULL, 0,
	  BAD, 0, 0, 0, 0, 0, 0, "handshake message type 11 is not ServerHello", false },
	{ "ChangeCipherSpec first", SSL3, "14 03 00 00 01 01", NULL, 0,
	  BAD, 0, 0, 0, 0, 0, 0, "record type 20 where a ServerHello or an alert belongs", false },
	{ "application data first", SSL2, "17 03 03 00 05 68 65 6c 6c 6f", NULL, 0,
	  BAD, 0, 0, 0, 0, 0, 0, "record type 23 where", false },
	{ "alert inside the ServerHello", SSL3, "16 03 00 00 02 02 00 15 03 00 00 02 02 28", NULL, 0,
	  BAD, 0, 0, 0, 0, 0, 0, "record type 21 in the middle of the ServerHello", false },
	{ "bad record version inside the ServerHello", SSL3, "16 03 00 00 02 02 00 16 02 00", NULL, 0,
	  BAD, 0, 0, 0, 0, 0, 0, "record version 0x02.. in the middle", false },
	{ "ServerHello too short", SSL3, "16 03 00 00 0a 02 00 00 06 03 00 00 00 00 00", NULL, 0,
	  BAD, 0, 0, 0, 0, 0, 0, "ServerHello of 6 bytes is too short", false },
	{ "ServerHello too short for its session id", SSL3, "16 03 00 00 2a 02 00 00 26 03 00 11*32 03 00 0a 00",
	  NULL, 0, BAD, 0, 0, 0, 0, 0, 0, "ServerHello of 38 bytes is too short", false },
	{ "ServerHello session id over 32", SSL3, "16 03 00 00 4b 02 00 00 47 03 00 11*32 21 00*33 00 0a 00",
	  NULL, 0, BAD, 0, 0, 0, 0, 0, 0, "session id length 33 over 32", false },
	{ "ServerHello with a stray byte after compression", SSL3,
	  "16 03 00 00 2b 02 00 00 27 03 00 11*32 00 00 0a 00 00", NULL, 0,
	  BAD, 0, 0, 0, 0, 0, 0, "extensions do not fill the 1 bytes", false },
	{ "ServerHello extensions length wrong", SSL3,
	  "16 03 00 00 2d 02 00 00 29 03 00 11*32 00 00 0a 00 00 05 ff", NULL, 0,
	  BAD, 0, 0, 0, 0, 0, 0, "extensions do not fill the 3 bytes", false },

	/* incomplete */
	{ "nothing yet", SSL3, "", NULL, 0, MORE, 0, 0, 0, 0, 0, 0, NULL, false },
	{ "nothing yet, SSLv2", SSL2, "", NULL, 0, MORE, 0, 0, 0, 0, 0, 0, NULL, false },
	{ "one byte that may be SSLv2 or TLS", SSL2, "16", NULL, 0,
	  MORE, 0, 0, 0, 0, 0, 0, NULL, false },
};

static void
assert_same(const struct tls_wire_result *a, const struct tls_wire_result *b)
{
	assert_int_equal(a->answer, b->answer);
	assert_int_equal(a->version, b->version);
	assert_int_equal(a->cipher, b->cipher);
	assert_int_equal(a->alert_level, b->alert_level);
	assert_int_equal(a->alert_desc, b->alert_desc);
	assert_int_equal(a->compression, b->compression);
}

/* Runs the parser on a heap copy of exactly n bytes. */
static enum tls_wire_status
parse_n(enum tls_wire_proto proto, const uint8_t *in, size_t n, struct tls_wire_result *res,
	char *msg, size_t msglen)
{
	uint8_t *copy = xmalloc(n ? n : 1);
	enum tls_wire_status st;

	memcpy(copy, in, n);
	st = tls_wire_parse_answer(proto, copy, n, res, msg, msglen);
	free(copy);
	return st;
}

static uint8_t *
row_input(const struct answer_row *r, size_t *len)
{
	uint8_t *in, *rec;

	if (r->text) {
		*len = strlen(r->text);
		in = xmalloc(*len + 1);
		memcpy(in, r->text, *len);
		return in;
	}
	in = from_hex(r->hex, len);
	if (r->split == 0)
		return in;
	rec = records(in, *len, r->split, len);
	free(in);
	return rec;
}

static void
test_answers(void **state)
{
	(void)state;
	for (size_t i = 0; i < NELEM(answer_rows); i++) {
		const struct answer_row *r = &answer_rows[i];
		struct tls_wire_result res, res2;
		char msg[256] = "x", msg2[256];
		size_t len;
		uint8_t *in = row_input(r, &len);
		enum tls_wire_status st = parse_n(r->proto, in, len, &res, msg, sizeof(msg));

		print_message("# answer: %s (%zu bytes) -> %d %s\n", r->what, len, (int)st, msg);
		assert_int_equal(st, r->st);
		if (st == OK) {
			assert_int_equal(res.answer, r->answer);
			assert_int_equal(res.version, r->version);
			assert_int_equal(res.cipher, r->cipher);
			assert_int_equal(res.alert_level, r->level);
			assert_int_equal(res.alert_desc, r->desc);
			assert_int_equal(res.compression, r->compression);
		}
		if (st == BAD) {
			assert_non_null(strstr(msg, r->msg));
			assert_true(strlen(msg) < sizeof(msg) - 1);
		} else {
			assert_string_equal(msg, "");
		}
		/* without a message buffer: the same answer */
		assert_int_equal(parse_n(r->proto, in, len, &res2, NULL, 0), st);

		/*
		 * Every prefix: NEED_MORE, or the answer of the whole input; for
		 * an exact answer, NEED_MORE only.
		 */
		for (size_t k = 0; k < len; k++) {
			enum tls_wire_status pst = parse_n(r->proto, in, k, &res2, msg2, sizeof(msg2));

			if (pst != MORE && (r->exact || pst != st))
				fail_msg("%s: prefix of %zu bytes gives %d: %s", r->what, k,
					 (int)pst, msg2);
			if (pst == OK)
				assert_same(&res2, &res);
		}
		free(in);
	}
}

/* A NEED_MORE answer never needs more than one maximal record plus its header. */
static void
test_need_more_bounded(void **state)
{
	static const char *const streams[] = {
		"02 00 47 fc 00*18428",		/* the longest ServerHello, one record */
		"02 00 40 00 00*16384",
	};
	static const size_t splits[] = { 16384, 18432, 1000, 4096 };

	(void)state;
	for (size_t i = 0; i < NELEM(streams); i++) {
		for (size_t s = 0; s < NELEM(splits); s++) {
			struct tls_wire_result res;
			size_t hslen, len;
			uint8_t *hs = from_hex(streams[i], &hslen);
			uint8_t *in = records(hs, hslen, splits[s], &len);
			enum tls_wire_status st;
			size_t k;

			/* grow in steps of 97 bytes until it stops asking for more */
			for (k = 0; k <= len; k += 97) {
				st = parse_n(SSL3, in, k, &res, NULL, 0);
				if (st != MORE)
					break;
				assert_true(k < 5 + TLS_WIRE_RECORD_MAX);
			}
			st = parse_n(SSL3, in, len, &res, NULL, 0);
			print_message("# stream %zu in records of %zu: %zu bytes -> %d\n", i,
				      splits[s], len, (int)st);
			assert_int_not_equal(st, MORE);
			if (len > 5 + TLS_WIRE_RECORD_MAX)
				assert_int_equal(st, BAD);
			free(hs);
			free(in);
		}
	}
}

/* ---- tls_wire_find_hello ------------------------------------------------------ */

/*
 * A ServerHello message (type 2): version 0x0303, random (the HRR one when
 * hrr), a session id of sid bytes, suite, compression 0, no extensions.
 */
static size_t
server_hello(uint8_t *m, bool hrr, size_t sid, uint16_t suite)
{
	static const uint8_t hrr_random[32] = {
		0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c,
		0x02, 0x1e, 0x65, 0xb8, 0x91, 0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb,
		0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
	};
	size_t n = 4, body;

	m[n++] = 3;
	m[n++] = 3;
	if (hrr)
		memcpy(m + n, hrr_random, 32);
	else
		memset(m + n, 0x42, 32);
	n += 32;
	m[n++] = (uint8_t)sid;
	memset(m + n, 0x11, sid);
	n += sid;
	m[n++] = (uint8_t)(suite >> 8);
	m[n++] = (uint8_t)suite;
	m[n++] = 0;
	body = n - 4;
	m[0] = 2;
	m[1] = 0;
	m[2] = (uint8_t)(body >> 8);
	m[3] = (uint8_t)body;
	return n;
}

/* A record of type t around the len bytes at body. */
static size_t
record(uint8_t *out, uint8_t t, const uint8_t *body, size_t len)
{
	out[0] = t;
	out[1] = 3;
	out[2] = 3;
	out[3] = (uint8_t)(len >> 8);
	out[4] = (uint8_t)len;
	memcpy(out + 5, body, len);
	return 5 + len;
}

static enum tls_wire_hello
find(const uint8_t *buf, size_t len, size_t *reclen, size_t *msglen, uint16_t *suite)
{
	uint8_t *copy = malloc(len ? len : 1);
	enum tls_wire_hello h;

	assert_non_null(copy);
	memcpy(copy, buf, len);
	h = tls_wire_find_hello(copy, len, reclen, msglen, suite);
	free(copy);
	return h;
}

static void
test_find_hello(void **state)
{
	uint8_t msg[600], buf[2048], ccs = 1;
	size_t ml, n, rl, got_ml, i;
	uint16_t suite;

	(void)state;
	/* a ServerHello alone in its record (TLS 1.3) */
	ml = server_hello(msg, false, 32, 0x1301);
	n = record(buf, 22, msg, ml);
	assert_int_equal(find(buf, n, &rl, &got_ml, &suite), TLS_WIRE_HELLO_FOUND);
	assert_int_equal(rl, n);
	assert_int_equal(got_ml, ml);
	assert_int_equal(suite, 0x1301);
	/* every shorter prefix asks for more */
	for (i = 0; i < n; i++)
		assert_int_equal(find(buf, i, &rl, &got_ml, &suite), TLS_WIRE_HELLO_MORE);
	/* with the messages after it in the same record (TLS 1.2): the hello is found */
	memcpy(msg + ml, "\x0b\x00\x00\x03\x00\x00\x00", 7);
	n = record(buf, 22, msg, ml + 7);
	assert_int_equal(find(buf, n, &rl, &got_ml, &suite), TLS_WIRE_HELLO_FOUND);
	assert_int_equal(rl, n);
	assert_int_equal(got_ml, ml);
	/* a HelloRetryRequest, a ChangeCipherSpec: hand on, look again */
	ml = server_hello(msg, true, 0, 0x1302);
	n = record(buf, 22, msg, ml);
	assert_int_equal(find(buf, n, &rl, &got_ml, &suite), TLS_WIRE_HELLO_SKIP);
	assert_int_equal(rl, n);
	assert_int_equal(got_ml, 0);
	n = record(buf, 20, &ccs, 1);
	assert_int_equal(find(buf, n, &rl, &got_ml, &suite), TLS_WIRE_HELLO_SKIP);
	assert_int_equal(rl, 6);
	/* an alert, another message first, bytes that are no record: pass */
	n = record(buf, 21, (const uint8_t *)"\x02\x28", 2);
	assert_int_equal(find(buf, n, &rl, &got_ml, &suite), TLS_WIRE_HELLO_PASS);
	n = record(buf, 22, (const uint8_t *)"\x0b\x00\x00\x00", 4);
	assert_int_equal(find(buf, n, &rl, &got_ml, &suite), TLS_WIRE_HELLO_PASS);
	assert_int_equal(find((const uint8_t *)"HTTP/1.1 400", 12, &rl, &got_ml, &suite),
			 TLS_WIRE_HELLO_PASS);
	/* a record longer than TLS allows, an empty one */
	assert_int_equal(find((const uint8_t *)"\x16\x03\x03\xff\xff", 5, &rl, &got_ml, &suite),
			 TLS_WIRE_HELLO_PASS);
	assert_int_equal(find((const uint8_t *)"\x16\x03\x03\x00\x00", 5, &rl, &got_ml, &suite),
			 TLS_WIRE_HELLO_PASS);
	/* a ServerHello longer than its record (it goes on in the next): pass */
	ml = server_hello(msg, false, 0, 0xc02b);
	n = record(buf, 22, msg, ml - 1);
	assert_int_equal(find(buf, n, &rl, &got_ml, &suite), TLS_WIRE_HELLO_PASS);
	/* a session id that runs past the message: pass */
	ml = server_hello(msg, false, 0, 0xc02b);
	msg[4 + 2 + 32] = 200;
	n = record(buf, 22, msg, ml);
	assert_int_equal(find(buf, n, &rl, &got_ml, &suite), TLS_WIRE_HELLO_PASS);
	/* a message too short to hold a suite: pass */
	n = record(buf, 22, (const uint8_t *)"\x02\x00\x00\x02\x03\x03", 6);
	assert_int_equal(find(buf, n, &rl, &got_ml, &suite), TLS_WIRE_HELLO_PASS);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hello_fields),
		cmocka_unit_test(test_hello_offers),
		cmocka_unit_test(test_hello_structure),
		cmocka_unit_test(test_answers),
		cmocka_unit_test(test_need_more_bounded),
		cmocka_unit_test(test_find_hello),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
