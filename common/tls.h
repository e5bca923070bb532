#ifndef CB_TLS_H
#define CB_TLS_H
/*
 * TLS handshakes through OpenSSL's libssl (included here and nowhere else;
 * digest.c is the only other OpenSSL user, for libcrypto's SHA-256).
 *
 * One struct tls_attempt drives one non-blocking handshake on a connected
 * socket the caller owns, pinned to one protocol version and a given offer
 * of cipher suites, so that a check can run many attempts side by side under
 * one poll() loop and one deadline. After the handshake the attempt holds
 * what the server chose and, when asked, what its certificate says. No
 * OpenSSL type leaves this module.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct errmsg;

enum tls_version { TLS_V10, TLS_V11, TLS_V12, TLS_V13, TLS_NVERSIONS };

/* "TLSv1.0" ... "TLSv1.3" */
const char *tls_version_name(enum tls_version v);

struct tls_attempt_opts {
	enum tls_version version;	/* min = max = this version */
	const char *ciphers;		/* TLS <= 1.2: an OpenSSL cipher string of suites to offer,
					 * with @SECLEVEL=0 added by us; NULL: all we can offer */
	const char *ciphersuites;	/* TLS 1.3: suites to offer; NULL: all */
	const char *groups;		/* key exchange groups to offer, colon-separated
					 * OpenSSL names; NULL: OpenSSL's default list */
	const char *sni;		/* server name indication, NULL: none */
	bool want_cert;			/* collect the chain and verify it */
	const char *ca_file;		/* trust anchors; NULL: the system store */
	const char *verify_name;	/* host name the certificate must match (X509_check_host) */
	bool want_ocsp;			/* send status_request, read the stapled response */
	bool hello_only;		/* stop after the ServerHello: version, suite and (TLS
					 * 1.3) group only, then TLS_STEP_DONE; a DHE suite
					 * and anything unexpected complete the handshake */
};

enum tls_step {
	TLS_STEP_WANT_READ,	/* poll the fd for POLLIN, then step again */
	TLS_STEP_WANT_WRITE,	/* poll for POLLOUT */
	TLS_STEP_DONE,		/* handshake completed: results readable */
	TLS_STEP_REFUSED,	/* the server refused this offer (alert, no shared suite,
				 * version): a definite "not accepted" */
	TLS_STEP_FAILED,	/* anything else (reset, garbage): see tls_attempt_error() */
};

/* Certificate facts, for the leaf and each certificate the server sent. */
struct tls_cert {
	char key_type[16];	/* "RSA", "EC", "Ed25519", "Ed448", "DSA", "DH", "X25519", "X448", "?" */
	unsigned key_bits;
	char curve[32];		/* EC: "P-256", "P-384", "P-521", "brainpoolP256r1", ...; else "" */
	char sig_alg[64];	/* "sha256WithRSAEncryption", "ecdsa-with-SHA256", "RSASSA-PSS",
				 * "ED25519", ... (see sig_alg_name() in tls.c) */
	char subject[256];	/* one-line, for messages only */
	char issuer[256];
	time_t not_before, not_after;
	bool self_signed;
	/* for DANE: SHA-256 and SHA-512 of the DER certificate and of its SubjectPublicKeyInfo */
	bool have_digests;
	unsigned char cert_sha256[32], cert_sha512[64], spki_sha256[32], spki_sha512[64];
};

#define TLS_CHAIN_MAX 10

struct tls_result {
	enum tls_version version;
	char cipher[96];	/* IANA name, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" */
	char cipher_openssl[96];	/* OpenSSL name, for the next offer without it */
	char kx_group[32];	/* ephemeral key: "X25519", "P-256", "DH" ...; "" for static RSA */
	unsigned kx_bits;	/* ephemeral key size (DH: the group's bits) */
	char kx_offered[32];	/* the negotiated named group as tls_offerable_groups()
				 * names it; "" when none (static RSA, DHE) */
	bool compression;	/* the session uses compression */
	bool secure_renegotiation;	/* RFC 5746 renegotiation_info from the server */
	/* with want_cert */
	size_t nchain;
	struct tls_cert chain[TLS_CHAIN_MAX];	/* [0] is the leaf */
	bool verified;		/* chain verified to a trust anchor */
	char verify_error[128];	/* "ok" or OpenSSL's reason ("unable to get local issuer certificate") */
	bool name_match;	/* X509_check_host(verify_name) */
	/* with want_ocsp */
	char ocsp[16];		/* "none", "good", "revoked", "unknown", "stale", "invalid" */
};

struct tls_attempt;

/*
 * Loads the trust anchors every attempt with want_cert shares: ca_file
 * (PEM), or the system store when NULL. A check calls it before any I/O,
 * so that a bad --ca-file is reported as bad input. 0, or -1 with the
 * reason in e ("cannot load ca file 'x.pem': no certificate found").
 */
int tls_trust_load(const char *ca_file, struct errmsg *e);

/*
 * Starts an attempt on fd (connected, non-blocking; still the caller's to
 * close, after tls_attempt_free). Returns NULL with a reason in e when
 * OpenSSL cannot offer what was asked (e.g. no suite matches the string).
 */
struct tls_attempt *tls_attempt_new(int fd, const struct tls_attempt_opts *o, struct errmsg *e);
/* Advances the handshake as far as it goes without blocking. */
enum tls_step tls_attempt_step(struct tls_attempt *a);
/* After TLS_STEP_DONE. */
const struct tls_result *tls_attempt_result(const struct tls_attempt *a);
/* After REFUSED or FAILED: lower-case reason ("alert handshake failure", "connection reset"). */
const char *tls_attempt_error(const struct tls_attempt *a);
void tls_attempt_free(struct tls_attempt *a);

/*
 * The OpenSSL names of the TLS <= 1.2 suites (or, for TLS_V13, the TLS 1.3
 * suites) this build can offer for version v, at security level 0: the
 * starting offer of a cipher enumeration. Returns the count; names are static.
 */
size_t tls_offerable_suites(enum tls_version v, const char **names, size_t max);
/*
 * The elliptic-curve key exchange groups this build can offer in version v,
 * by the names the baseline uses: for TLS 1.3 X25519, X448, P-256, P-384
 * and P-521; for TLS 1.0-1.2 also every other curve of RFC 8422 and RFC 7027
 * (the weak ones too: finding them is the point). The finite-field groups
 * of RFC 7919 are not listed: all are 2048 bits or more, and an 8192-bit
 * handshake alone costs a third of a second. Names are static.
 */
size_t tls_offerable_groups(enum tls_version v, const char **names, size_t max);

/*
 * The longest DER certificate or OCSP response the two functions below
 * accept: real ones are 0.3 to 5 kB.
 */
#define TLS_DER_MAX (64 * 1024)

/*
 * The facts of one DER certificate, as a handshake reports them for its
 * chain: der (len bytes, at most TLS_DER_MAX, the caller's) must hold
 * exactly one certificate, with nothing after it. Returns 0 and fills *c,
 * or -1 with a reason in e (*c zeroed): "certificate is empty",
 * "cannot parse certificate: wrong tag" (OpenSSL's first reason),
 * "certificate is followed by 2 bytes of trailing data", "certificate of
 * 70000 bytes is longer than 65536 bytes".
 */
int tls_cert_from_der(const uint8_t *der, size_t len, struct tls_cert *c, struct errmsg *e);

/*
 * An OCSP response (DER, len bytes) about the certificate leaf_der issued
 * by issuer_der (one DER certificate each), in the one word of
 * tls_result.ocsp: "none" (len 0), "good", "revoked", "unknown", "stale"
 * (outside its validity window: nextUpdate past, thisUpdate more than 7
 * days old or more than 5 minutes ahead, at the current time), "invalid"
 * (not DER, longer than TLS_DER_MAX, not successful, the leaf or the issuer
 * unreadable, no entry for the leaf). The responder's signature is not
 * verified and bytes after the response are ignored, as in a handshake.
 * All buffers stay the caller's; the string is static.
 */
const char *tls_ocsp_status_der(const uint8_t *der, size_t len, const uint8_t *leaf_der,
				size_t leaf_len, const uint8_t *issuer_der, size_t issuer_len);

#endif
