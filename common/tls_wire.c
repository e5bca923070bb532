/*
 * SSL/TLS on the wire without OpenSSL: the SSLv2 and SSLv3 ClientHello that
 * OpenSSL 3 can no longer send, and a parser of the server's first answer.
 *
 * What the parser answers, for a hello of either protocol:
 *
 *	first bytes from the server		SSL3 hello		SSL2 hello
 *	TLS alert record (21)			REFUSED level/desc	REFUSED level/desc
 *	TLS ServerHello, version 0x0300		ACCEPTED		REFUSED
 *	TLS ServerHello, another version	REFUSED			REFUSED
 *	SSLv2 SERVER-HELLO, version 0x0002	BAD			ACCEPTED (first cipher spec)
 *	SSLv2 SERVER-HELLO, another version	BAD			REFUSED
 *	SSLv2 SERVER-HELLO without cipher specs	BAD			REFUSED
 *	SSLv2 ERROR (message 0)			BAD			REFUSED, alert_level 0,
 *										alert_desc = error code
 *	anything else ("HTTP/1.1 400", "SSH-")	BAD "not SSL/TLS: ..."	BAD "not SSL/TLS: ..."
 *
 * For an alert, res->version is the alert record's version. An SSLv3 hello
 * gets no SSLv2 parsing: an SSLv2-only server does not speak SSLv3 anyway.
 *
 * The parser decides from the bytes it has and never looks at more than it
 * needs: once it says OK or BAD for buf[0..len), it says the same for any
 * longer buffer that starts with those bytes, and it never asks for more
 * than 5 + TLS_WIRE_RECORD_MAX bytes (a ServerHello spread further is BAD),
 * so a caller's buffer of that size always suffices.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "tls_wire.h"
#include "util.h"
#include "banned.h"

#define REC_HANDSHAKE 22
#define REC_ALERT 21
#define REC_CCS 20
#define REC_APPDATA 23
#define HS_SERVER_HELLO 2
#define TLS_HDR 5
#define ANSWER_MAX (TLS_HDR + TLS_WIRE_RECORD_MAX)	/* bytes we ever wait for */

#define SSL3_VERSION 0x0300
#define SSL2_VERSION 0x0002
#define SSL2_MT_ERROR 0
#define SSL2_MT_CLIENT_HELLO 1
#define SSL2_MT_SERVER_HELLO 4
#define SSL2_SERVER_HELLO_FIXED 11	/* message type .. connection id length */

/*
 * The ServerHello fields we read: version, random, session id (at most 32),
 * cipher, compression, extensions length. The rest of the message is only
 * counted.
 */
#define SH_HEAD (2 + 32 + 1 + 32 + 2 + 1 + 2)

/* ---- the ClientHellos ----------------------------------------------------- */

/* SSLv2 cipher specs (3 bytes), then SSLv3/TLS suites as 0x00XXXX. */
static const uint32_t ssl2_specs[] = {
	0x0700c0,	/* SSL_CK_DES_192_EDE3_CBC_WITH_MD5 */
	0x050080,	/* SSL_CK_IDEA_128_CBC_WITH_MD5 */
	0x030080,	/* SSL_CK_RC2_128_CBC_WITH_MD5 */
	0x010080,	/* SSL_CK_RC4_128_WITH_MD5 */
	0x060040,	/* SSL_CK_DES_64_CBC_WITH_MD5 */
	0x040080,	/* SSL_CK_RC2_128_CBC_EXPORT40_WITH_MD5 */
	0x020080,	/* SSL_CK_RC4_128_EXPORT40_WITH_MD5 */
	0x000039,	/* TLS_DHE_RSA_WITH_AES_256_CBC_SHA */
	0x000035,	/* TLS_RSA_WITH_AES_256_CBC_SHA */
	0x000033,	/* TLS_DHE_RSA_WITH_AES_128_CBC_SHA */
	0x00002f,	/* TLS_RSA_WITH_AES_128_CBC_SHA */
	0x00000a,	/* TLS_RSA_WITH_3DES_EDE_CBC_SHA */
	0x000005,	/* TLS_RSA_WITH_RC4_128_SHA */
	0x000004,	/* TLS_RSA_WITH_RC4_128_MD5 */
	0x0000ff,	/* TLS_EMPTY_RENEGOTIATION_INFO_SCSV */
};

/* SSLv3-era suites, strongest kinds first; the SCSV last. */
static const uint16_t ssl3_suites[] = {
	0xc014,	/* TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA */
	0xc00a,	/* TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA */
	0xc013,	/* TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA */
	0xc009,	/* TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA */
	0xc012,	/* TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA */
	0xc008,	/* TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA */
	0xc011,	/* TLS_ECDHE_RSA_WITH_RC4_128_SHA */
	0xc007,	/* TLS_ECDHE_ECDSA_WITH_RC4_128_SHA */
	0x0039,	/* TLS_DHE_RSA_WITH_AES_256_CBC_SHA */
	0x0038,	/* TLS_DHE_DSS_WITH_AES_256_CBC_SHA */
	0x0088,	/* TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA */
	0x0033,	/* TLS_DHE_RSA_WITH_AES_128_CBC_SHA */
	0x0032,	/* TLS_DHE_DSS_WITH_AES_128_CBC_SHA */
	0x0045,	/* TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA */
	0x0016,	/* TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA */
	0x0013,	/* TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA */
	0x0015,	/* TLS_DHE_RSA_WITH_DES_CBC_SHA */
	0x0012,	/* TLS_DHE_DSS_WITH_DES_CBC_SHA */
	0xc00f,	/* TLS_ECDH_RSA_WITH_AES_256_CBC_SHA */
	0xc005,	/* TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA */
	0xc00e,	/* TLS_ECDH_RSA_WITH_AES_128_CBC_SHA */
	0xc004,	/* TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA */
	0x0035,	/* TLS_RSA_WITH_AES_256_CBC_SHA */
	0x0084,	/* TLS_RSA_WITH_CAMELLIA_256_CBC_SHA */
	0x002f,	/* TLS_RSA_WITH_AES_128_CBC_SHA */
	0x0041,	/* TLS_RSA_WITH_CAMELLIA_128_CBC_SHA */
	0x0096,	/* TLS_RSA_WITH_SEED_CBC_SHA */
	0x0007,	/* TLS_RSA_WITH_IDEA_CBC_SHA */
	0x000a,	/* TLS_RSA_WITH_3DES_EDE_CBC_SHA */
	0x0005,	/* TLS_RSA_WITH_RC4_128_SHA */
	0x0004,	/* TLS_RSA_WITH_RC4_128_MD5 */
	0x0009,	/* TLS_RSA_WITH_DES_CBC_SHA */
	0x0064,	/* TLS_RSA_EXPORT1024_WITH_RC4_56_SHA */
	0x0062,	/* TLS_RSA_EXPORT1024_WITH_DES_CBC_SHA */
	0x0014,	/* TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA */
	0x0011,	/* TLS_DHE_DSS_EXPORT_WITH_DES40_CBC_SHA */
	0x0008,	/* TLS_RSA_EXPORT_WITH_DES40_CBC_SHA */
	0x0006,	/* TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5 */
	0x0003,	/* TLS_RSA_EXPORT_WITH_RC4_40_MD5 */
	0xc019,	/* TLS_ECDH_anon_WITH_AES_256_CBC_SHA */
	0x003a,	/* TLS_DH_anon_WITH_AES_256_CBC_SHA */
	0x0034,	/* TLS_DH_anon_WITH_AES_128_CBC_SHA */
	0x001b,	/* TLS_DH_anon_WITH_3DES_EDE_CBC_SHA */
	0x0018,	/* TLS_DH_anon_WITH_RC4_128_MD5 */
	0x0002,	/* TLS_RSA_WITH_NULL_SHA */
	0x0001,	/* TLS_RSA_WITH_NULL_MD5 */
	0x00ff,	/* TLS_EMPTY_RENEGOTIATION_INFO_SCSV */
};

/* Fixed, so that a capture of our hello is the same every run. */
static const uint8_t ssl3_random[32] = "cyberbaseline-sslv3-probe-random";
static const uint8_t ssl2_challenge[16] = "cyberbaseline-v2";

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static uint8_t *
put8(uint8_t *p, unsigned v)
{
	*p++ = (uint8_t)v;
	return p;
}

static uint8_t *
put16(uint8_t *p, unsigned v)
{
	*p++ = (uint8_t)(v >> 8);
	*p++ = (uint8_t)v;
	return p;
}

static uint8_t *
put24(uint8_t *p, uint32_t v)
{
	*p++ = (uint8_t)(v >> 16);
	*p++ = (uint8_t)(v >> 8);
	*p++ = (uint8_t)v;
	return p;
}

static size_t
hello_ssl2(uint8_t *out)
{
	size_t body = 1 + 2 + 2 + 2 + 2 + 3 * NELEM(ssl2_specs) + sizeof(ssl2_challenge);
	uint8_t *p = out;

	p = put16(p, 0x8000 | (unsigned)body);	/* 2-byte header, no padding */
	p = put8(p, SSL2_MT_CLIENT_HELLO);
	p = put16(p, SSL2_VERSION);
	p = put16(p, 3 * NELEM(ssl2_specs));
	p = put16(p, 0);			/* session id length */
	p = put16(p, sizeof(ssl2_challenge));
	for (size_t i = 0; i < NELEM(ssl2_specs); i++)
		p = put24(p, ssl2_specs[i]);
	memcpy(p, ssl2_challenge, sizeof(ssl2_challenge));
	p += sizeof(ssl2_challenge);
	return (size_t)(p - out);
}

static size_t
hello_ssl3(uint8_t *out)
{
	size_t body = 2 + 32 + 1 + 2 + 2 * NELEM(ssl3_suites) + 2;
	uint8_t *p = out;

	p = put8(p, REC_HANDSHAKE);
	p = put16(p, SSL3_VERSION);
	p = put16(p, (unsigned)(4 + body));
	p = put8(p, 1);				/* client_hello */
	p = put24(p, (uint32_t)body);
	p = put16(p, SSL3_VERSION);
	memcpy(p, ssl3_random, sizeof(ssl3_random));
	p += sizeof(ssl3_random);
	p = put8(p, 0);				/* session id length */
	p = put16(p, 2 * NELEM(ssl3_suites));
	for (size_t i = 0; i < NELEM(ssl3_suites); i++)
		p = put16(p, ssl3_suites[i]);
	p = put8(p, 1);				/* one compression method: */
	p = put8(p, 0);				/* null; and no extensions */
	return (size_t)(p - out);
}

size_t
tls_wire_client_hello(enum tls_wire_proto proto, uint8_t *out)
{
	_Static_assert(2 + 9 + 3 * NELEM(ssl2_specs) + sizeof(ssl2_challenge) <= TLS_WIRE_HELLO_MAX,
		       "SSLv2 hello fits TLS_WIRE_HELLO_MAX");
	_Static_assert(TLS_HDR + 4 + 2 + 32 + 1 + 2 + 2 * NELEM(ssl3_suites) + 2 <=
			       TLS_WIRE_HELLO_MAX,
		       "SSLv3 hello fits TLS_WIRE_HELLO_MAX");
	return proto == TLS_WIRE_SSL2 ? hello_ssl2(out) : hello_ssl3(out);
}

/* ---- the server's answer ------------------------------------------------- */

static enum tls_wire_status CB_PRINTF(3, 4)
bad(char *msg, size_t msglen, const char *fmt, ...)
{
	va_list ap;

	if (msg && msglen) {
		va_start(ap, fmt);
		vsnprintf(msg, msglen, fmt, ap);
		va_end(ap);
	}
	return TLS_WIRE_BAD;
}

static unsigned
get16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

/*
 * "not SSL/TLS: first byte 0x48 ('HTTP/1.1 400 Bad Request')": the printable
 * start of the answer helps the operator see what listens on the port.
 */
static enum tls_wire_status
not_tls(const uint8_t *buf, size_t len, char *msg, size_t msglen)
{
	char text[41];
	size_t n = 0;

	while (n < len && n < sizeof(text) - 1 && buf[n] >= 0x20 && buf[n] <= 0x7e && buf[n] != '\'') {
		text[n] = (char)buf[n];
		n++;
	}
	text[n] = '\0';
	if (n >= 2)
		return bad(msg, msglen, "not SSL/TLS: first byte 0x%02x ('%s')", buf[0], text);
	return bad(msg, msglen, "not SSL/TLS: first byte 0x%02x", buf[0]);
}

/*
 * The ServerHello body sh[0..n), of which head holds the first min(n, SH_HEAD)
 * bytes. ACCEPTED when its version is the one offered.
 */
static enum tls_wire_status
server_hello(enum tls_wire_proto proto, const uint8_t *head, size_t n, struct tls_wire_result *res,
	     char *msg, size_t msglen)
{
	size_t sid, off;

	if (n < 2 + 32 + 1)
		return bad(msg, msglen, "ServerHello of %zu bytes is too short", n);
	sid = head[2 + 32];
	if (sid > 32)
		return bad(msg, msglen, "ServerHello session id length %zu over 32", sid);
	off = 2 + 32 + 1 + sid;
	if (n < off + 3)
		return bad(msg, msglen, "ServerHello of %zu bytes is too short", n);
	if (n > off + 3) {	/* extensions: a length and exactly that many bytes */
		if (n < off + 5 || get16(head + off + 3) != n - off - 5)
			return bad(msg, msglen,
				   "ServerHello extensions do not fill the %zu bytes after the "
				   "compression method", n - off - 3);
	}
	res->version = (uint16_t)get16(head);
	res->cipher = get16(head + off);
	res->compression = head[off + 2];
	res->answer = proto == TLS_WIRE_SSL3 && res->version == SSL3_VERSION ? TLS_WIRE_ACCEPTED
									   : TLS_WIRE_REFUSED;
	return TLS_WIRE_OK;
}

/* Record type 20..23 and major version 3: the start of a TLS record. */
static bool
tls_record_start(const uint8_t *buf, size_t len)
{
	return buf[0] >= REC_CCS && buf[0] <= REC_APPDATA && (len < 2 || buf[1] == 3);
}

/*
 * TLS records from buf[0]: an alert, or a ServerHello that may span several
 * handshake records. buf[0] is known to be 20..23.
 */
static enum tls_wire_status
parse_tls(enum tls_wire_proto proto, const uint8_t *buf, size_t len, struct tls_wire_result *res,
	  char *msg, size_t msglen)
{
	uint8_t head[SH_HEAD];
	size_t pos = 0;		/* start of the current record */
	size_t have = 0;	/* handshake bytes seen, header included */
	size_t body = 0;	/* ServerHello body length, from its header */

	for (;;) {
		size_t rlen, take;
		const uint8_t *data;

		if (pos > 0 && buf[pos] != REC_HANDSHAKE)
			return bad(msg, msglen, "record type %u in the middle of the ServerHello",
				   buf[pos]);
		if (len - pos < 2)
			return TLS_WIRE_NEED_MORE;
		if (buf[pos + 1] != 3)	/* only after the first record: see tls_record_start() */
			return bad(msg, msglen, "record version 0x%02x.. in the middle of the ServerHello",
				   buf[pos + 1]);
		if (len - pos < TLS_HDR)
			return TLS_WIRE_NEED_MORE;
		rlen = get16(buf + pos + 3);
		if (rlen > TLS_WIRE_RECORD_MAX)
			return bad(msg, msglen, "record length %zu over the cap of %d", rlen,
				   TLS_WIRE_RECORD_MAX);
		if (rlen == 0)
			return bad(msg, msglen, "empty record of type %u", buf[pos]);
		if (buf[pos] == REC_ALERT) {	/* only as the first record */
			if (rlen < 2)
				return bad(msg, msglen, "alert record of %zu byte", rlen);
			if (len < TLS_HDR + 2)
				return TLS_WIRE_NEED_MORE;
			res->answer = TLS_WIRE_REFUSED;
			res->version = (uint16_t)get16(buf + 1);
			res->alert_level = buf[TLS_HDR];
			res->alert_desc = buf[TLS_HDR + 1];
			return TLS_WIRE_OK;
		}
		if (buf[pos] != REC_HANDSHAKE)
			return bad(msg, msglen, "record type %u where a ServerHello or an alert belongs",
				   buf[pos]);
		if (pos + TLS_HDR + rlen > ANSWER_MAX)
			return bad(msg, msglen, "ServerHello spread over more than %d bytes",
				   ANSWER_MAX);

		/* This record's fragment of the handshake stream, as far as we have it. */
		data = buf + pos + TLS_HDR;
		take = len - pos - TLS_HDR;
		if (take > rlen)
			take = rlen;
		for (size_t i = 0; i < take; i++, have++) {
			if (have == 0) {
				if (data[i] != HS_SERVER_HELLO)
					return bad(msg, msglen,
						   "handshake message type %u is not ServerHello",
						   data[i]);
				continue;
			}
			if (have < 4) {
				body = body << 8 | data[i];
				if (have < 3)
					continue;
				if (body > TLS_WIRE_RECORD_MAX - 4)
					return bad(msg, msglen,
						   "ServerHello length %zu over the cap of %d", body,
						   TLS_WIRE_RECORD_MAX - 4);
				if (body == 0)
					return bad(msg, msglen, "empty ServerHello");
				continue;
			}
			if (have - 4 < SH_HEAD)
				head[have - 4] = data[i];
			if (have - 4 + 1 == body)
				return server_hello(proto, head, body, res, msg, msglen);
		}
		if (take < rlen)
			return TLS_WIRE_NEED_MORE;
		pos += TLS_HDR + rlen;
		if (pos == len)
			return TLS_WIRE_NEED_MORE;
	}
}

/*
 * An SSLv2 record: 2-byte header (high bit set, 15-bit length) or 3-byte
 * header (top two bits clear, 14-bit length, padding length), then an
 * SSLv2 message: SERVER-HELLO or ERROR.
 */
static enum tls_wire_status
parse_ssl2(const uint8_t *buf, size_t len, struct tls_wire_result *res, char *msg, size_t msglen)
{
	size_t hdr, rlen, pad = 0, body, cert, specs, connid;
	const uint8_t *m;

	if (buf[0] & 0x80) {
		hdr = 2;
		if (len < 2)
			return TLS_WIRE_NEED_MORE;
		rlen = (size_t)(buf[0] & 0x7f) << 8 | buf[1];
	} else if ((buf[0] & 0xc0) == 0) {
		hdr = 3;
		if (len < 3)
			return TLS_WIRE_NEED_MORE;
		rlen = (size_t)(buf[0] & 0x3f) << 8 | buf[1];
		pad = buf[2];
	} else {
		return not_tls(buf, len, msg, msglen);
	}
	if (len == hdr)
		return TLS_WIRE_NEED_MORE;
	m = buf + hdr;
	if (m[0] != SSL2_MT_SERVER_HELLO && m[0] != SSL2_MT_ERROR)
		return not_tls(buf, len, msg, msglen);
	if (rlen > TLS_WIRE_RECORD_MAX)
		return bad(msg, msglen, "SSLv2 record length %zu over the cap of %d", rlen,
			   TLS_WIRE_RECORD_MAX);
	if (rlen == 0)
		return bad(msg, msglen, "empty SSLv2 record");
	if (pad >= rlen)
		return bad(msg, msglen, "SSLv2 padding %zu does not fit the record length %zu", pad,
			   rlen);
	body = rlen - pad;
	if (m[0] == SSL2_MT_ERROR) {
		if (body < 3)
			return bad(msg, msglen, "SSLv2 ERROR message of %zu bytes", body);
		if (len < hdr + 3)
			return TLS_WIRE_NEED_MORE;
		res->answer = TLS_WIRE_REFUSED;
		res->version = SSL2_VERSION;
		res->alert_level = 0;
		res->alert_desc = (uint8_t)get16(m + 1);
		return TLS_WIRE_OK;
	}
	if (body < SSL2_SERVER_HELLO_FIXED)
		return bad(msg, msglen, "SSLv2 SERVER-HELLO of %zu bytes is too short", body);
	if (len < hdr + rlen)
		return TLS_WIRE_NEED_MORE;
	cert = get16(m + 5);
	specs = get16(m + 7);
	connid = get16(m + 9);
	if (SSL2_SERVER_HELLO_FIXED + cert + specs + connid > body)
		return bad(msg, msglen,
			   "SSLv2 SERVER-HELLO lengths (certificate %zu, cipher specs %zu, "
			   "connection id %zu) exceed its %zu bytes", cert, specs, connid, body);
	if (specs % 3 != 0)
		return bad(msg, msglen, "SSLv2 cipher specs length %zu is not a multiple of 3", specs);
	res->version = (uint16_t)get16(m + 3);
	if (specs > 0) {
		const uint8_t *c = m + SSL2_SERVER_HELLO_FIXED + cert;

		res->cipher = (uint32_t)c[0] << 16 | (uint32_t)c[1] << 8 | c[2];
	}
	res->answer = res->version == SSL2_VERSION && specs > 0 ? TLS_WIRE_ACCEPTED
								 : TLS_WIRE_REFUSED;
	return TLS_WIRE_OK;
}

enum tls_wire_status
tls_wire_parse_answer(enum tls_wire_proto proto, const uint8_t *buf, size_t len,
		      struct tls_wire_result *res, char *msg, size_t msglen)
{
	memset(res, 0, sizeof(*res));
	if (msg && msglen)
		msg[0] = '\0';
	if (len == 0)
		return TLS_WIRE_NEED_MORE;
	if (tls_record_start(buf, len)) {
		if (proto == TLS_WIRE_SSL2 && len < 2)
			return TLS_WIRE_NEED_MORE;	/* may be an SSLv2 3-byte header */
		return parse_tls(proto, buf, len, res, msg, msglen);
	}
	if (proto == TLS_WIRE_SSL2)
		return parse_ssl2(buf, len, res, msg, msglen);
	if (buf[0] >= REC_CCS && buf[0] <= REC_APPDATA)
		return bad(msg, msglen, "not SSL/TLS: record type %u with version byte 0x%02x",
			   buf[0], buf[1]);
	return not_tls(buf, len, msg, msglen);
}

/* SHA-256("HelloRetryRequest"): the random of a TLS 1.3 HelloRetryRequest (RFC 8446, 4.1.3) */
static const uint8_t hrr_random[32] = {
	0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
	0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
};

enum tls_wire_hello
tls_wire_find_hello(const uint8_t *buf, size_t len, size_t *reclen, size_t *msglen, uint16_t *suite)
{
	size_t rl, ml, off;
	const uint8_t *m;

	*reclen = *msglen = 0;
	*suite = 0;
	if (len < 5)
		return TLS_WIRE_HELLO_MORE;
	rl = (size_t)buf[3] << 8 | buf[4];
	if ((buf[0] != 22 && buf[0] != 20) || buf[1] != 3 || rl == 0 || rl > TLS_WIRE_RECORD_MAX)
		return TLS_WIRE_HELLO_PASS;
	if (len < 5 + rl)
		return TLS_WIRE_HELLO_MORE;
	*reclen = 5 + rl;
	if (buf[0] == 20)	/* ChangeCipherSpec, as a TLS 1.3 server may send after its HRR */
		return TLS_WIRE_HELLO_SKIP;
	m = buf + 5;
	if (rl < 4 || m[0] != 2)
		return TLS_WIRE_HELLO_PASS;
	ml = (size_t)m[1] << 16 | (size_t)m[2] << 8 | m[3];
	/* version, random, session id length, suite: the least a ServerHello holds */
	if (ml > rl - 4 || ml < 2 + 32 + 1 + 2)
		return TLS_WIRE_HELLO_PASS;
	off = 4 + 2 + 32;
	off += 1 + (size_t)m[off];
	if (off + 2 > 4 + ml)
		return TLS_WIRE_HELLO_PASS;
	*suite = (uint16_t)(m[off] << 8 | m[off + 1]);
	if (memcmp(m + 6, hrr_random, sizeof(hrr_random)) == 0)
		return TLS_WIRE_HELLO_SKIP;
	*msglen = 4 + ml;
	return TLS_WIRE_HELLO_FOUND;
}
