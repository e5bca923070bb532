#ifndef CB_SSH_WIRE_H
#define CB_SSH_WIRE_H
/*
 * SSH transport parsing (RFC 4253), no I/O: the identification string, the
 * binary packet framing and KEXINIT name-lists, and the public key blob.
 * Every input is untrusted and capped.
 */
#include <stddef.h>
#include <stdint.h>

#define SSH_IDENT_MAX 255		/* RFC 4253 4.2, CR LF included */
#define SSH_PREBANNER_LINES_MAX 32	/* lines before "SSH-" we tolerate */
#define SSH_PREBANNER_BYTES_MAX 8192
#define SSH_PACKET_MAX 35000		/* RFC 4253 6.1 */
#define SSH_NAMELIST_MAX_ITEMS 128
#define SSH_NAME_MAX 64			/* RFC 4251 6: names are at most 64 chars */

enum ssh_wire_status {
	SSH_WIRE_OK = 0,
	SSH_WIRE_NEED_MORE,	/* feed more bytes */
	SSH_WIRE_BAD,		/* malformed; see the message */
};

struct ssh_ident {
	char proto[16];		/* "2.0", "1.99", "1.5" */
	char software[SSH_IDENT_MAX + 1];	/* "OpenSSH_9.2p1" */
	char comment[SSH_IDENT_MAX + 1];	/* "Debian-2+deb12u3" or "" */
	char line[SSH_IDENT_MAX + 1];		/* the whole line without CR LF */
	size_t prebanner_lines;
};

/*
 * Looks for the identification line in buf[0..len). Lines before it that do
 * not start with "SSH-" are skipped (RFC 4253 4.2), up to the caps. Returns
 * OK with *consumed = bytes up to and including the line's LF, NEED_MORE, or
 * BAD with a reason in msg (msglen bytes).
 */
enum ssh_wire_status ssh_ident_parse(const uint8_t *buf, size_t len, struct ssh_ident *id,
				     size_t *consumed, char *msg, size_t msglen);

/* The ten name-lists of KEXINIT, in wire order. */
enum ssh_kex_list {
	SSH_KEX_ALGS, SSH_HOSTKEY_ALGS, SSH_ENC_C2S, SSH_ENC_S2C, SSH_MAC_C2S, SSH_MAC_S2C,
	SSH_COMP_C2S, SSH_COMP_S2C, SSH_LANG_C2S, SSH_LANG_S2C, SSH_KEX_NLISTS
};

struct ssh_namelist {
	char **names;		/* each NUL-terminated, printable ASCII */
	size_t n;
};

struct ssh_kexinit {
	uint8_t cookie[16];
	struct ssh_namelist lists[SSH_KEX_NLISTS];
	int first_kex_follows;
};

/*
 * Frames one unencrypted binary packet from buf: OK with *payload pointing
 * into buf, *payload_len, and *consumed; NEED_MORE; or BAD (length over
 * SSH_PACKET_MAX, padding impossible).
 */
enum ssh_wire_status ssh_packet_frame(const uint8_t *buf, size_t len, const uint8_t **payload,
				      size_t *payload_len, size_t *consumed, char *msg, size_t msglen);
/* Parses a KEXINIT payload (message 20). ssh_kexinit_release() frees it. */
enum ssh_wire_status ssh_kexinit_parse(const uint8_t *payload, size_t len, struct ssh_kexinit *k,
				       char *msg, size_t msglen);
void ssh_kexinit_release(struct ssh_kexinit *k);
const char *ssh_kex_list_name(enum ssh_kex_list l);

/*
 * The bits of a public key blob (RFC 4253 6.6): for "ssh-rsa" the modulus
 * length, for "ssh-dss" the length of p, for ecdsa the curve size, 256 for
 * ssh-ed25519. The key type is copied into type (typelen bytes).
 */
enum ssh_wire_status ssh_pubkey_bits(const uint8_t *blob, size_t len, char *type, size_t typelen,
				     unsigned *bits, char *msg, size_t msglen);

#endif
