/*
 * SSH transport parsing (RFC 4253), no I/O: identification string, binary
 * packet framing, KEXINIT name-lists, public key blobs.
 *
 * Every length read from the wire is checked against what is left of the
 * buffer before it is used; every list and name has a cap (ssh_wire.h).
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ssh_wire.h"
#include "util.h"
#include "banned.h"

#define SSH_MSG_KEXINIT 20
/* The largest mpint we measure: 16384-bit RSA/DSA plus a sign byte. */
#define SSH_MPINT_MAX (16384 / 8 + 1)

static enum ssh_wire_status CB_PRINTF(3, 4)
bad(char *msg, size_t msglen, const char *fmt, ...)
{
	va_list ap;

	if (msg && msglen) {
		va_start(ap, fmt);
		vsnprintf(msg, msglen, fmt, ap);
		va_end(ap);
	}
	return SSH_WIRE_BAD;
}

static bool
is_print(uint8_t c)
{
	return c >= 0x20 && c <= 0x7e;
}

/* ---- identification string ---------------------------------------------- */

/*
 * Splits the identification line (without CR LF) "SSH-proto-software comment"
 * into id. The line is known to start with "SSH-" and to be printable.
 */
static enum ssh_wire_status
ident_fields(const char *line, struct ssh_ident *id, char *msg, size_t msglen)
{
	const char *p = line + 4, *dash, *sp;
	size_t n;

	dash = strchr(p, '-');
	if (!dash)
		return bad(msg, msglen, "identification string '%.80s' has no software version",
			   line);
	n = (size_t)(dash - p);
	if (n == 0 || n >= sizeof(id->proto))
		return bad(msg, msglen, "identification string '%.80s' has a bad protocol version",
			   line);
	for (size_t i = 0; i < n; i++)
		if (!(p[i] >= '0' && p[i] <= '9') && p[i] != '.')
			return bad(msg, msglen,
				   "identification string '%.80s' has a bad protocol version", line);
	memcpy(id->proto, p, n);
	id->proto[n] = '\0';

	p = dash + 1;
	sp = strchr(p, ' ');
	n = sp ? (size_t)(sp - p) : strlen(p);
	if (n == 0)
		return bad(msg, msglen, "identification string '%.80s' has an empty software version",
			   line);
	memcpy(id->software, p, n);
	id->software[n] = '\0';
	if (sp) {
		p = sp + 1;
		n = strlen(p);
		memcpy(id->comment, p, n);
		id->comment[n] = '\0';
	}
	return SSH_WIRE_OK;
}

enum ssh_wire_status
ssh_ident_parse(const uint8_t *buf, size_t len, struct ssh_ident *id, size_t *consumed, char *msg,
		size_t msglen)
{
	static const char pfx[] = "SSH-";
	size_t pos = 0, lines = 0;

	memset(id, 0, sizeof(*id));
	*consumed = 0;
	for (;;) {
		const uint8_t *line = buf + pos;
		size_t avail = len - pos, lim, i, end;
		bool ident;

		if (avail == 0)
			return SSH_WIRE_NEED_MORE;
		ident = memcmp(line, pfx, avail < 4 ? avail : 4) == 0;

		/* Scan no further than the cap of this kind of line. */
		lim = ident ? SSH_IDENT_MAX : SSH_PREBANNER_BYTES_MAX - pos;
		if (lim > avail)
			lim = avail;
		for (i = 0; i < lim && line[i] != '\n'; i++)
			if (line[i] == '\0')
				return bad(msg, msglen, "%s line %zu contains a NUL byte",
					   ident ? "identification" : "pre-banner",
					   lines + 1);
		if (i == lim) {		/* no end of line yet */
			if (ident && lim >= SSH_IDENT_MAX)
				return bad(msg, msglen, "identification string longer than %d bytes",
					   SSH_IDENT_MAX);
			if (!ident && pos + lim >= SSH_PREBANNER_BYTES_MAX)
				return bad(msg, msglen,
					   "no SSH identification string in the first %d bytes",
					   SSH_PREBANNER_BYTES_MAX);
			return SSH_WIRE_NEED_MORE;
		}
		if (!ident) {		/* a line before the identification string */
			if (++lines > SSH_PREBANNER_LINES_MAX)
				return bad(msg, msglen,
					   "no SSH identification string in the first %d lines",
					   SSH_PREBANNER_LINES_MAX);
			pos += i + 1;
			continue;
		}
		/* The identification line: "SSH-proto-software [comment]" CR LF. */
		end = i;
		if (line[end - 1] == '\r')
			end--;
		for (size_t n = 0; n < end; n++)
			if (!is_print(line[n]))
				return bad(msg, msglen, "identification string contains the byte 0x%02x",
					   line[n]);
		memcpy(id->line, line, end);
		id->line[end] = '\0';
		id->prebanner_lines = lines;
		if (ident_fields(id->line, id, msg, msglen) != SSH_WIRE_OK) {
			memset(id, 0, sizeof(*id));
			return SSH_WIRE_BAD;
		}
		*consumed = pos + i + 1;
		return SSH_WIRE_OK;
	}
}

/* ---- binary packets --------------------------------------------------------- */

static uint32_t
get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

enum ssh_wire_status
ssh_packet_frame(const uint8_t *buf, size_t len, const uint8_t **payload, size_t *payload_len,
		 size_t *consumed, char *msg, size_t msglen)
{
	uint32_t plen;
	uint8_t pad;

	*payload = NULL;
	*payload_len = 0;
	*consumed = 0;
	if (len < 4)
		return SSH_WIRE_NEED_MORE;
	plen = get_u32(buf);
	if (plen < 2)
		return bad(msg, msglen, "packet length %u is too small", (unsigned)plen);
	if (plen > SSH_PACKET_MAX - 4)
		return bad(msg, msglen, "packet length %u is over %d bytes", (unsigned)plen,
			   SSH_PACKET_MAX);
	if (len < 5)
		return SSH_WIRE_NEED_MORE;
	pad = buf[4];
	if ((uint32_t)pad + 1 >= plen)
		return bad(msg, msglen, "padding length %u does not fit packet length %u",
			   (unsigned)pad, (unsigned)plen);
	if (len - 4 < plen)
		return SSH_WIRE_NEED_MORE;
	*payload = buf + 5;
	*payload_len = plen - 1 - pad;
	*consumed = 4 + (size_t)plen;
	return SSH_WIRE_OK;
}

/* ---- KEXINIT ---------------------------------------------------------------- */

static const char *const list_names[SSH_KEX_NLISTS] = {
	"kex_algorithms",
	"server_host_key_algorithms",
	"encryption_algorithms_client_to_server",
	"encryption_algorithms_server_to_client",
	"mac_algorithms_client_to_server",
	"mac_algorithms_server_to_client",
	"compression_algorithms_client_to_server",
	"compression_algorithms_server_to_client",
	"languages_client_to_server",
	"languages_server_to_client",
};

const char *
ssh_kex_list_name(enum ssh_kex_list l)
{
	return (unsigned)l < SSH_KEX_NLISTS ? list_names[l] : "unknown";
}

/* A cursor over untrusted bytes. */
struct rd {
	const uint8_t *p;
	size_t len;
	size_t off;
};

static bool
rd_u32(struct rd *r, uint32_t *v)
{
	if (r->len - r->off < 4)
		return false;
	*v = get_u32(r->p + r->off);
	r->off += 4;
	return true;
}

/* An RFC 4251 string: *s points into the buffer. */
static bool
rd_string(struct rd *r, const uint8_t **s, size_t *n)
{
	uint32_t l;

	if (!rd_u32(r, &l) || r->len - r->off < l)
		return false;
	*s = r->p + r->off;
	*n = l;
	r->off += l;
	return true;
}

static void
namelist_release(struct ssh_namelist *nl)
{
	for (size_t i = 0; i < nl->n; i++)
		free(nl->names[i]);
	free(nl->names);
	nl->names = NULL;
	nl->n = 0;
}

/* Splits a name-list; names are printable ASCII without ',' or space. */
static enum ssh_wire_status
namelist_parse(const uint8_t *s, size_t n, struct ssh_namelist *nl, const char *what, char *msg,
	       size_t msglen)
{
	size_t start = 0, count = 0, i;

	nl->names = NULL;
	nl->n = 0;
	if (n == 0)
		return SSH_WIRE_OK;
	for (i = 0; i < n; i++)
		if (s[i] == ',')
			count++;
	if (count + 1 > SSH_NAMELIST_MAX_ITEMS)
		return bad(msg, msglen, "%s: more than %d names", what, SSH_NAMELIST_MAX_ITEMS);
	nl->names = xcalloc(count + 1, sizeof(*nl->names));
	for (i = 0; i <= n; i++) {
		size_t l;

		if (i < n && s[i] != ',') {
			if (s[i] <= 0x20 || s[i] >= 0x7f) {
				namelist_release(nl);
				return bad(msg, msglen, "%s: name %zu contains the byte 0x%02x", what,
					   nl->n + 1, s[i]);
			}
			continue;
		}
		l = i - start;
		if (l == 0 || l > SSH_NAME_MAX) {
			size_t k = nl->n + 1;

			namelist_release(nl);
			return l == 0 ? bad(msg, msglen, "%s: name %zu is empty", what, k)
				      : bad(msg, msglen, "%s: name %zu is longer than %d characters",
					    what, k, SSH_NAME_MAX);
		}
		nl->names[nl->n++] = xstrndup((const char *)s + start, l);
		start = i + 1;
	}
	return SSH_WIRE_OK;
}

void
ssh_kexinit_release(struct ssh_kexinit *k)
{
	if (!k)
		return;
	for (int i = 0; i < SSH_KEX_NLISTS; i++)
		namelist_release(&k->lists[i]);
	memset(k, 0, sizeof(*k));
}

enum ssh_wire_status
ssh_kexinit_parse(const uint8_t *payload, size_t len, struct ssh_kexinit *k, char *msg,
		  size_t msglen)
{
	struct rd r = { payload, len, 0 };
	int i;

	memset(k, 0, sizeof(*k));
	if (len < 1)
		return bad(msg, msglen, "empty packet where KEXINIT was expected");
	if (payload[0] != SSH_MSG_KEXINIT)
		return bad(msg, msglen, "message %u where KEXINIT (20) was expected",
			   (unsigned)payload[0]);
	r.off = 1;
	if (len - r.off < sizeof(k->cookie))
		return bad(msg, msglen, "KEXINIT truncated in the cookie");
	memcpy(k->cookie, payload + r.off, sizeof(k->cookie));
	r.off += sizeof(k->cookie);
	for (i = 0; i < SSH_KEX_NLISTS; i++) {
		const uint8_t *s;
		size_t n;

		if (!rd_string(&r, &s, &n)) {
			ssh_kexinit_release(k);
			return bad(msg, msglen, "KEXINIT truncated in %s", list_names[i]);
		}
		if (namelist_parse(s, n, &k->lists[i], list_names[i], msg, msglen) != SSH_WIRE_OK) {
			ssh_kexinit_release(k);
			return SSH_WIRE_BAD;
		}
	}
	/* boolean first_kex_packet_follows, uint32 reserved */
	if (r.len - r.off < 5) {
		ssh_kexinit_release(k);
		return bad(msg, msglen, "KEXINIT truncated after the name-lists");
	}
	k->first_kex_follows = payload[r.off] != 0;
	return SSH_WIRE_OK;
}

/* ---- public key blobs ------------------------------------------------------- */

/* Bits of a positive mpint (RFC 4251 5), leading zero bytes skipped. */
static enum ssh_wire_status
mpint_bits(struct rd *r, const char *what, unsigned *bits, char *msg, size_t msglen)
{
	const uint8_t *s;
	size_t n;
	unsigned b;

	if (!rd_string(r, &s, &n))
		return bad(msg, msglen, "key blob truncated in %s", what);
	if (n > SSH_MPINT_MAX)
		return bad(msg, msglen, "%s is longer than %d bytes", what, SSH_MPINT_MAX);
	if (n > 0 && (s[0] & 0x80))
		return bad(msg, msglen, "%s is negative", what);
	while (n > 0 && s[0] == 0) {
		s++;
		n--;
	}
	if (n == 0)
		return bad(msg, msglen, "%s is zero", what);
	for (b = 8; b > 0 && !(s[0] & (1u << (b - 1))); b--)
		;
	*bits = (unsigned)(n - 1) * 8 + b;
	return SSH_WIRE_OK;
}

static enum ssh_wire_status
skip_mpint(struct rd *r, const char *what, char *msg, size_t msglen)
{
	unsigned ignored;

	return mpint_bits(r, what, &ignored, msg, msglen);
}

static bool
str_eq(const uint8_t *s, size_t n, const char *lit)
{
	return strlen(lit) == n && memcmp(s, lit, n) == 0;
}

enum ssh_wire_status
ssh_pubkey_bits(const uint8_t *blob, size_t len, char *type, size_t typelen, unsigned *bits,
		char *msg, size_t msglen)
{
	static const struct {
		const char *type, *curve;
		unsigned bits;
	} curves[] = {
		{ "ecdsa-sha2-nistp256", "nistp256", 256 },
		{ "ecdsa-sha2-nistp384", "nistp384", 384 },
		{ "ecdsa-sha2-nistp521", "nistp521", 521 },
	};
	struct rd r = { blob, len, 0 };
	const uint8_t *t, *s;
	size_t tn, n, i;
	enum ssh_wire_status st;
	unsigned b = 0;

	*bits = 0;
	if (type && typelen)
		type[0] = '\0';
	if (!rd_string(&r, &t, &tn))
		return bad(msg, msglen, "key blob truncated in the key type");
	if (tn == 0 || tn > SSH_NAME_MAX)
		return bad(msg, msglen, "key blob has a key type of %zu bytes", tn);
	for (i = 0; i < tn; i++)
		if (t[i] <= 0x20 || t[i] >= 0x7f || t[i] == ',')
			return bad(msg, msglen, "key type contains the byte 0x%02x", t[i]);
	if (type && typelen)
		snprintf(type, typelen, "%.*s", (int)tn, (const char *)t);

	if (str_eq(t, tn, "ssh-rsa")) {
		if ((st = skip_mpint(&r, "rsa exponent", msg, msglen)) != SSH_WIRE_OK ||
		    (st = mpint_bits(&r, "rsa modulus", &b, msg, msglen)) != SSH_WIRE_OK)
			return st;
	} else if (str_eq(t, tn, "ssh-dss")) {
		if ((st = mpint_bits(&r, "dsa p", &b, msg, msglen)) != SSH_WIRE_OK ||
		    (st = skip_mpint(&r, "dsa q", msg, msglen)) != SSH_WIRE_OK ||
		    (st = skip_mpint(&r, "dsa g", msg, msglen)) != SSH_WIRE_OK ||
		    (st = skip_mpint(&r, "dsa y", msg, msglen)) != SSH_WIRE_OK)
			return st;
	} else if (str_eq(t, tn, "ssh-ed25519")) {
		if (!rd_string(&r, &s, &n))
			return bad(msg, msglen, "key blob truncated in the ed25519 key");
		if (n != 32)
			return bad(msg, msglen, "ed25519 key of %zu bytes, not 32", n);
		b = 256;
	} else {
		for (i = 0; i < sizeof(curves) / sizeof(curves[0]); i++)
			if (str_eq(t, tn, curves[i].type))
				break;
		if (i == sizeof(curves) / sizeof(curves[0]))
			return bad(msg, msglen, "unsupported key type '%.*s'", (int)tn,
				   (const char *)t);
		if (!rd_string(&r, &s, &n))
			return bad(msg, msglen, "key blob truncated in the curve name");
		if (!str_eq(s, n, curves[i].curve))
			return bad(msg, msglen, "key type '%s' with a different curve",
				   curves[i].type);
		if (!rd_string(&r, &s, &n))
			return bad(msg, msglen, "key blob truncated in the ecdsa point");
		/* uncompressed point: 0x04 || X || Y, each coordinate ceil(bits/8) */
		if (n != 1 + 2 * (size_t)((curves[i].bits + 7) / 8) || s[0] != 0x04)
			return bad(msg, msglen, "ecdsa point of %zu bytes does not fit '%s'", n,
				   curves[i].curve);
		b = curves[i].bits;
	}
	if (r.off != r.len)
		return bad(msg, msglen, "key blob has %zu bytes after the key", r.len - r.off);
	*bits = b;
	return SSH_WIRE_OK;
}
