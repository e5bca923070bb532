/*
 * Unit tests for common/tls.c against a real OpenSSL server that runs in a
 * thread of this process, on the other end of a socketpair: no network, no
 * other process. Keys, certificates (a CA, RSA 3072 / P-256 / SHA-1 RSA 1024
 * / expired leaves) and OCSP responses are made in memory at setup; only the
 * CA is written to a temp file, for ca_file. A few rows replace the server
 * with raw bytes (a close, a reset, HTTP, a cut ServerHello, an alert).
 * tls_cert_from_der() and tls_ocsp_status_der() are tested on fixed DER
 * fixtures in tests/unit/data/ (made by make-x509.sh there) and, for the
 * verdicts that age, on the fresh in-memory OCSP responses.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "tls.h"
#include "util.h"
#include "banned.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define DAY (24L * 3600)

/* ---- the test PKI ------------------------------------------------------- */

enum leaf { LEAF_RSA, LEAF_EC, LEAF_SHA1, LEAF_EXPIRED, NLEAVES };
enum ocsp { OCSP_NONE, OCSP_GOOD, OCSP_REVOKED, OCSP_UNKNOWN, OCSP_STALE, OCSP_OLD,
	    OCSP_OTHER_CERT, OCSP_GARBAGE, NOCSP };

static struct {
	EVP_PKEY *ca_key;
	X509 *ca;
	EVP_PKEY *key[NLEAVES];
	X509 *leaf[NLEAVES];
	unsigned char *ocsp_der[NOCSP];
	int ocsp_len[NOCSP];
	char ca_path[64];
} pki;

static void
add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX v3;
	X509_EXTENSION *ext;

	X509V3_set_ctx(&v3, issuer ? issuer : x, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &v3, nid, value);
	assert_non_null(ext);
	assert_int_equal(X509_add_ext(x, ext, -1), 1);
	X509_EXTENSION_free(ext);
}

/* A certificate for key, valid [now+from, now+to], signed by issuer (NULL: itself). */
static X509 *
make_cert(EVP_PKEY *key, const char *cn, long serial, long from, long to, X509 *issuer,
	  EVP_PKEY *issuer_key, const EVP_MD *md)
{
	X509 *x = X509_new();
	X509_NAME *name;

	assert_non_null(x);
	assert_int_equal(X509_set_version(x, 2), 1);
	assert_int_equal(ASN1_INTEGER_set(X509_get_serialNumber(x), serial), 1);
	assert_non_null(X509_gmtime_adj(X509_getm_notBefore(x), from));
	assert_non_null(X509_gmtime_adj(X509_getm_notAfter(x), to));
	assert_int_equal(X509_set_pubkey(x, key), 1);
	name = X509_get_subject_name(x);
	assert_int_equal(X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
						    (const unsigned char *)"cyberbaseline test", -1, -1, 0), 1);
	assert_int_equal(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
						    (const unsigned char *)cn, -1, -1, 0), 1);
	assert_int_equal(X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : name), 1);
	add_ext(x, issuer, NID_subject_key_identifier, "hash");
	if (!issuer) {
		add_ext(x, issuer, NID_basic_constraints, "critical,CA:TRUE");
		add_ext(x, issuer, NID_key_usage, "critical,keyCertSign,cRLSign");
	} else {
		add_ext(x, issuer, NID_basic_constraints, "CA:FALSE");
		add_ext(x, issuer, NID_authority_key_identifier, "keyid");
		add_ext(x, issuer, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1");
		add_ext(x, issuer, NID_ext_key_usage, "serverAuth");
	}
	assert_true(X509_sign(x, issuer_key ? issuer_key : key, md) > 0);
	return x;
}

/* A DER OCSP response from the CA about `leaf`, with times relative to now. */
static void
make_ocsp(enum ocsp kind, X509 *leaf, int status, long this_off, long next_off)
{
	OCSP_BASICRESP *bs = OCSP_BASICRESP_new();
	OCSP_CERTID *id = OCSP_cert_to_id(NULL, leaf, pki.ca);
	ASN1_TIME *thisupd = X509_gmtime_adj(NULL, this_off);
	ASN1_TIME *nextupd = X509_gmtime_adj(NULL, next_off);
	ASN1_TIME *revtime = X509_gmtime_adj(NULL, -DAY);
	OCSP_RESPONSE *rsp;

	assert_non_null(bs);
	assert_non_null(id);
	assert_non_null(OCSP_basic_add1_status(bs, id, status,
					       status == V_OCSP_CERTSTATUS_REVOKED
						       ? OCSP_REVOKED_STATUS_KEYCOMPROMISE : 0,
					       status == V_OCSP_CERTSTATUS_REVOKED ? revtime : NULL,
					       thisupd, nextupd));
	assert_int_equal(OCSP_basic_sign(bs, pki.ca, pki.ca_key, EVP_sha256(), NULL, 0), 1);
	rsp = OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, bs);
	assert_non_null(rsp);
	pki.ocsp_len[kind] = i2d_OCSP_RESPONSE(rsp, &pki.ocsp_der[kind]);
	assert_true(pki.ocsp_len[kind] > 0);
	OCSP_RESPONSE_free(rsp);
	OCSP_BASICRESP_free(bs);
	OCSP_CERTID_free(id);
	ASN1_TIME_free(thisupd);
	ASN1_TIME_free(nextupd);
	ASN1_TIME_free(revtime);
}

static int
setup_pki(void **state)
{
	static const char garbage[] = "this is not DER";
	BIO *out;
	int fd;

	(void)state;
	signal(SIGPIPE, SIG_IGN);	/* as deadline_start() does in the checks */
	pki.ca_key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	pki.key[LEAF_RSA] = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)3072);
	pki.key[LEAF_EC] = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	pki.key[LEAF_SHA1] = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
	pki.key[LEAF_EXPIRED] = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	assert_non_null(pki.ca_key);
	for (size_t i = 0; i < NLEAVES; i++)
		assert_non_null(pki.key[i]);
	pki.ca = make_cert(pki.ca_key, "cyberbaseline test CA", 1, -DAY, 365 * DAY, NULL, NULL,
			   EVP_sha256());
	pki.leaf[LEAF_RSA] = make_cert(pki.key[LEAF_RSA], "localhost", 2, -DAY, 90 * DAY, pki.ca,
				       pki.ca_key, EVP_sha256());
	pki.leaf[LEAF_EC] = make_cert(pki.key[LEAF_EC], "localhost", 3, -DAY, 90 * DAY, pki.ca,
				      pki.ca_key, EVP_sha256());
	pki.leaf[LEAF_SHA1] = make_cert(pki.key[LEAF_SHA1], "localhost", 4, -DAY, 90 * DAY, pki.ca,
					pki.ca_key, EVP_sha1());
	pki.leaf[LEAF_EXPIRED] = make_cert(pki.key[LEAF_EXPIRED], "localhost", 5, -30 * DAY, -DAY,
					   pki.ca, pki.ca_key, EVP_sha256());

	make_ocsp(OCSP_GOOD, pki.leaf[LEAF_RSA], V_OCSP_CERTSTATUS_GOOD, -3600, 3 * DAY);
	make_ocsp(OCSP_REVOKED, pki.leaf[LEAF_RSA], V_OCSP_CERTSTATUS_REVOKED, -3600, 3 * DAY);
	make_ocsp(OCSP_UNKNOWN, pki.leaf[LEAF_RSA], V_OCSP_CERTSTATUS_UNKNOWN, -3600, 3 * DAY);
	make_ocsp(OCSP_STALE, pki.leaf[LEAF_RSA], V_OCSP_CERTSTATUS_GOOD, -5 * DAY, -DAY);
	make_ocsp(OCSP_OLD, pki.leaf[LEAF_RSA], V_OCSP_CERTSTATUS_GOOD, -8 * DAY, 3 * DAY);
	make_ocsp(OCSP_OTHER_CERT, pki.leaf[LEAF_EC], V_OCSP_CERTSTATUS_GOOD, -3600, 3 * DAY);
	pki.ocsp_len[OCSP_GARBAGE] = (int)sizeof(garbage) - 1;
	pki.ocsp_der[OCSP_GARBAGE] = OPENSSL_memdup(garbage, sizeof(garbage) - 1);

	snprintf(pki.ca_path, sizeof(pki.ca_path), "/tmp/test_tls_ca.XXXXXX");
	fd = mkstemp(pki.ca_path);
	assert_true(fd >= 0);
	out = BIO_new_fd(fd, BIO_CLOSE);
	assert_non_null(out);
	assert_int_equal(PEM_write_bio_X509(out, pki.ca), 1);
	BIO_free(out);
	ERR_clear_error();
	return 0;
}

static int
teardown_pki(void **state)
{
	size_t i;

	(void)state;
	unlink(pki.ca_path);
	for (i = 0; i < NLEAVES; i++) {
		X509_free(pki.leaf[i]);
		EVP_PKEY_free(pki.key[i]);
	}
	for (i = 0; i < NOCSP; i++)
		OPENSSL_free(pki.ocsp_der[i]);
	X509_free(pki.ca);
	EVP_PKEY_free(pki.ca_key);
	return 0;
}

/* ---- the server --------------------------------------------------------- */

enum raw {
	RAW_NONE,	/* a real OpenSSL server */
	RAW_CLOSE,	/* read the ClientHello, close */
	RAW_RESET,	/* read one byte, close with the rest unread: a reset */
	RAW_HTTP,	/* answer with HTTP */
	RAW_PARTIAL,	/* the start of a ServerHello record, then close */
	RAW_ALERT,	/* a fatal handshake_failure alert, then close */
	RAW_OLD_HELLO,	/* a TLS 1.0 ServerHello, then close */
};

struct server {
	int minv, maxv;		/* 0: OpenSSL's default */
	const char *ciphers, *suites, *groups;
	enum leaf leaf;
	bool send_ca;		/* the CA follows the leaf in the chain */
	bool long_chain;	/* ... TLS_CHAIN_MAX + 2 times */
	bool weak;		/* security level 0 (TLS 1.0/1.1, SHA-1, RSA 1024) */
	bool dhe;
	enum ocsp ocsp;
	enum raw raw;
};

struct server_run {
	const struct server *conf;
	int fd;
	bool setup_ok;
	char sni[64];
};

static int
status_cb(SSL *s, void *arg)
{
	const struct server_run *run = arg;
	enum ocsp k = run->conf->ocsp;
	unsigned char *der = OPENSSL_memdup(pki.ocsp_der[k], (size_t)pki.ocsp_len[k]);

	if (!der)
		return SSL_TLSEXT_ERR_ALERT_FATAL;
	SSL_set_tlsext_status_ocsp_resp(s, der, pki.ocsp_len[k]);
	return SSL_TLSEXT_ERR_OK;
}

/* Reads exactly n bytes (blocking); false on EOF/error. */
static bool
read_n(int fd, unsigned char *buf, size_t n)
{
	size_t got = 0;
	ssize_t r;

	while (got < n) {
		r = read(fd, buf + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return false;
		got += (size_t)r;
	}
	return true;
}

/* Reads one whole TLS record (the ClientHello), so that a close is a clean EOF. */
static bool
read_record(int fd)
{
	unsigned char hdr[5], body[16384 + 2048];
	size_t len;

	if (!read_n(fd, hdr, 5))
		return false;
	len = (size_t)hdr[3] << 8 | hdr[4];
	return len <= sizeof(body) && read_n(fd, body, len);
}

static void
raw_server(struct server_run *run)
{
	static const char http[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n";
	static const unsigned char partial[] = { 0x16, 0x03, 0x03, 0x00, 0x40, 0x02, 0x00, 0x00, 0x3c, 0x03, 0x03 };
	static const unsigned char alert[] = { 0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28 };
	unsigned char one, hello[47] = {
		0x16, 0x03, 0x01, 0x00, 0x2a,	/* handshake record, TLS 1.0, 42 bytes */
		0x02, 0x00, 0x00, 0x26,		/* ServerHello, 38 bytes */
		0x03, 0x01,			/* server_version TLS 1.0 */
	};					/* random 0, session id 0, suite 0x002f, null */

	hello[44] = 0x00;
	hello[45] = 0x2f;

	switch (run->conf->raw) {
	case RAW_RESET:
		run->setup_ok = read_n(run->fd, &one, 1);
		return;
	case RAW_CLOSE:
		run->setup_ok = read_record(run->fd);
		return;
	case RAW_HTTP:
		run->setup_ok = read_record(run->fd) &&
				write(run->fd, http, sizeof(http) - 1) == (ssize_t)sizeof(http) - 1;
		return;
	case RAW_PARTIAL:
		run->setup_ok = read_record(run->fd) &&
				write(run->fd, partial, sizeof(partial)) == (ssize_t)sizeof(partial);
		return;
	case RAW_ALERT:
		run->setup_ok = read_record(run->fd) &&
				write(run->fd, alert, sizeof(alert)) == (ssize_t)sizeof(alert);
		return;
	case RAW_OLD_HELLO:
		run->setup_ok = read_record(run->fd) &&
				write(run->fd, hello, sizeof(hello)) == (ssize_t)sizeof(hello);
		return;
	case RAW_NONE:
		return;
	}
}

static void *
server_main(void *arg)
{
	struct server_run *run = arg;
	const struct server *c = run->conf;
	SSL_CTX *ctx = NULL;
	SSL *ssl = NULL;
	const char *name;
	char buf[64];
	bool ok;
	int i;

	if (c->raw != RAW_NONE) {
		raw_server(run);
		goto out;
	}
	ctx = SSL_CTX_new(TLS_server_method());
	ok = ctx != NULL;
	if (ok && c->weak)
		SSL_CTX_set_security_level(ctx, 0);
	ok = ok && (!c->minv || SSL_CTX_set_min_proto_version(ctx, c->minv) == 1);
	ok = ok && (!c->maxv || SSL_CTX_set_max_proto_version(ctx, c->maxv) == 1);
	ok = ok && (!c->ciphers || SSL_CTX_set_cipher_list(ctx, c->ciphers) == 1);
	ok = ok && (!c->suites || SSL_CTX_set_ciphersuites(ctx, c->suites) == 1);
	ok = ok && (!c->groups || SSL_CTX_set1_groups_list(ctx, c->groups) == 1);
	ok = ok && SSL_CTX_use_certificate(ctx, pki.leaf[c->leaf]) == 1;
	ok = ok && SSL_CTX_use_PrivateKey(ctx, pki.key[c->leaf]) == 1;
	ok = ok && (!c->send_ca || SSL_CTX_add1_chain_cert(ctx, pki.ca) == 1);
	for (i = 0; ok && c->long_chain && i < TLS_CHAIN_MAX + 2; i++)
		ok = SSL_CTX_add1_chain_cert(ctx, pki.ca) == 1;
	ok = ok && (!c->dhe || SSL_CTX_set_dh_auto(ctx, 1) == 1);
	ok = ok && SSL_CTX_set_num_tickets(ctx, 0) == 1;
	if (ok && c->ocsp != OCSP_NONE) {
		SSL_CTX_set_tlsext_status_cb(ctx, status_cb);
		SSL_CTX_set_tlsext_status_arg(ctx, run);
	}
	ssl = ok ? SSL_new(ctx) : NULL;
	ok = ssl && SSL_set_fd(ssl, run->fd) == 1;
	run->setup_ok = ok;
	if (!ok)
		goto out;
	if (SSL_accept(ssl) == 1) {
		name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
		snprintf(run->sni, sizeof(run->sni), "%s", name ? name : "");
		while (SSL_read(ssl, buf, sizeof(buf)) > 0)	/* until the client closes */
			;
	}
out:
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	ERR_clear_error();
	close(run->fd);
	return NULL;
}

/* ---- driving an attempt ------------------------------------------------- */

static enum tls_step
drive(struct tls_attempt *a, int fd)
{
	struct pollfd p;
	enum tls_step s;
	int i;

	for (i = 0; i < 1000; i++) {
		s = tls_attempt_step(a);
		if (s != TLS_STEP_WANT_READ && s != TLS_STEP_WANT_WRITE)
			return s;
		p.fd = fd;
		p.events = s == TLS_STEP_WANT_READ ? POLLIN : POLLOUT;
		p.revents = 0;
		if (poll(&p, 1, 20000) != 1)
			fail_msg("poll: no progress in 20s");
	}
	fail_msg("handshake did not end in 1000 steps");
	return TLS_STEP_FAILED;
}

struct row {
	const char *name;
	struct server srv;
	/* the offer */
	enum tls_version v;
	const char *ciphers, *suites, *sni, *verify_name;
	bool want_cert, ca, want_ocsp;
	/* what must come out */
	enum tls_step step;
	const char *err;		/* REFUSED / FAILED: the reason */
	enum tls_version got_v;
	const char *cipher, *cipher_ossl;
	const char *kx;			/* NULL: not checked */
	unsigned kx_bits;
	bool reneg;
	size_t nchain;
	const char *key_type;		/* NULL: leaf not checked */
	unsigned key_bits;
	const char *curve, *sig_alg;
	long lifetime_days;
	bool ca_in_chain;		/* chain[1] is the self-signed CA */
	const char *verify_error;	/* NULL: verification not checked */
	bool verified, name_match;
	const char *ocsp;		/* NULL: not checked */
	const char *seen_sni;		/* NULL: not checked */
};

#define TLS12_ONLY .minv = TLS1_2_VERSION, .maxv = TLS1_2_VERSION
#define TLS13_ONLY .minv = TLS1_3_VERSION, .maxv = TLS1_3_VERSION
#define GCM_RSA "ECDHE-RSA-AES128-GCM-SHA256"
#define GCM_RSA_IANA "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"
#define RSA_LEAF_OK .nchain = 2, .key_type = "RSA", .key_bits = 3072, .curve = "", \
	.sig_alg = "sha256WithRSAEncryption", .lifetime_days = 91, .ca_in_chain = true
#define DONE12_GCM .step = TLS_STEP_DONE, .got_v = TLS_V12, .cipher = GCM_RSA_IANA, \
	.cipher_ossl = GCM_RSA, .kx = "X25519", .kx_bits = 253, .reneg = true
#define OCSP_ROW(what, expect) \
	{ "ocsp " what, { TLS12_ONLY, .ciphers = GCM_RSA, .leaf = LEAF_RSA, .send_ca = true, \
			  .ocsp = OCSP_##expect }, \
	  .v = TLS_V12, .want_cert = true, .ca = true, .want_ocsp = true, DONE12_GCM, \
	  .nchain = 2, .ocsp = what }

static const struct row rows[] = {
	{ "tls1.2 ecdhe-rsa, trusted, name and sni",
	  { TLS12_ONLY, .ciphers = GCM_RSA, .leaf = LEAF_RSA, .send_ca = true },
	  .v = TLS_V12, .sni = "localhost", .verify_name = "localhost", .want_cert = true,
	  .ca = true, .want_ocsp = true, DONE12_GCM, RSA_LEAF_OK, .verify_error = "ok",
	  .verified = true, .name_match = true, .ocsp = "none", .seen_sni = "localhost" },
	{ "tls1.2 name mismatch",
	  { TLS12_ONLY, .ciphers = GCM_RSA, .leaf = LEAF_RSA, .send_ca = true },
	  .v = TLS_V12, .verify_name = "other.example", .want_cert = true, .ca = true,
	  DONE12_GCM, RSA_LEAF_OK, .verify_error = "ok", .verified = true, .name_match = false,
	  .ocsp = "", .seen_sni = "" },
	{ "ip literal in the san",
	  { TLS12_ONLY, .ciphers = GCM_RSA, .leaf = LEAF_RSA, .send_ca = true },
	  .v = TLS_V12, .verify_name = "127.0.0.1", .want_cert = true, .ca = true,
	  DONE12_GCM, RSA_LEAF_OK, .verify_error = "ok", .verified = true, .name_match = true },
	{ "ip literal not in the san",
	  { TLS12_ONLY, .ciphers = GCM_RSA, .leaf = LEAF_RSA, .send_ca = true },
	  .v = TLS_V12, .verify_name = "::1", .want_cert = true, .ca = true,
	  DONE12_GCM, RSA_LEAF_OK, .verify_error = "ok", .verified = true, .name_match = false },
	{ "tls1.3, p-256 leaf",
	  { TLS13_ONLY, .suites = "TLS_AES_128_GCM_SHA256", .leaf = LEAF_EC },
	  .v = TLS_V13, .verify_name = "localhost", .want_cert = true, .ca = true,
	  .step = TLS_STEP_DONE, .got_v = TLS_V13, .cipher = "TLS_AES_128_GCM_SHA256",
	  .cipher_ossl = "TLS_AES_128_GCM_SHA256", .kx = "X25519", .kx_bits = 253, .reneg = false,
	  .nchain = 1, .key_type = "EC", .key_bits = 256, .curve = "P-256",
	  .sig_alg = "sha256WithRSAEncryption", .lifetime_days = 91, .verify_error = "ok",
	  .verified = true, .name_match = true },
	{ "tls1.3 hello retry to p-521",
	  { TLS13_ONLY, .suites = "TLS_AES_256_GCM_SHA384", .groups = "P-521", .leaf = LEAF_EC },
	  .v = TLS_V13, .step = TLS_STEP_DONE, .got_v = TLS_V13, .cipher = "TLS_AES_256_GCM_SHA384",
	  .cipher_ossl = "TLS_AES_256_GCM_SHA384", .kx = "P-521", .kx_bits = 521 },
	{ "tls1.3 ffdhe2048",
	  { TLS13_ONLY, .groups = "ffdhe2048", .leaf = LEAF_EC },
	  .v = TLS_V13, .suites = "TLS_CHACHA20_POLY1305_SHA256", .step = TLS_STEP_DONE,
	  .got_v = TLS_V13, .cipher = "TLS_CHACHA20_POLY1305_SHA256",
	  .cipher_ossl = "TLS_CHACHA20_POLY1305_SHA256", .kx = "ffdhe2048", .kx_bits = 2048 },
	{ "tls1.2 ecdhe-ecdsa p-384",
	  { TLS12_ONLY, .ciphers = "ECDHE-ECDSA-AES256-GCM-SHA384", .groups = "P-384",
	    .leaf = LEAF_EC },
	  .v = TLS_V12, .want_cert = true, .step = TLS_STEP_DONE, .got_v = TLS_V12,
	  .cipher = "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
	  .cipher_ossl = "ECDHE-ECDSA-AES256-GCM-SHA384", .kx = "P-384", .kx_bits = 384,
	  .reneg = true, .nchain = 1, .key_type = "EC", .key_bits = 256, .curve = "P-256",
	  .sig_alg = "sha256WithRSAEncryption", .lifetime_days = 91 },
	{ "tls1.2 dhe",
	  { TLS12_ONLY, .ciphers = "DHE-RSA-AES128-GCM-SHA256", .dhe = true, .leaf = LEAF_RSA },
	  .v = TLS_V12, .step = TLS_STEP_DONE, .got_v = TLS_V12,
	  .cipher = "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", .cipher_ossl = "DHE-RSA-AES128-GCM-SHA256",
	  .kx = "DH", .kx_bits = 3072, .reneg = true },
	{ "tls1.2 static rsa",
	  { TLS12_ONLY, .ciphers = "AES128-SHA", .leaf = LEAF_RSA },
	  .v = TLS_V12, .step = TLS_STEP_DONE, .got_v = TLS_V12,
	  .cipher = "TLS_RSA_WITH_AES_128_CBC_SHA", .cipher_ossl = "AES128-SHA", .kx = "",
	  .kx_bits = 0, .reneg = true },
	{ "tls1.0 at security level 0",
	  { .minv = TLS1_VERSION, .maxv = TLS1_VERSION, .ciphers = "ECDHE-RSA-AES256-SHA",
	    .weak = true, .leaf = LEAF_RSA },
	  .v = TLS_V10, .step = TLS_STEP_DONE, .got_v = TLS_V10,
	  .cipher = "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", .cipher_ossl = "ECDHE-RSA-AES256-SHA",
	  .kx = "X25519", .kx_bits = 253, .reneg = true },
	{ "tls1.1 static rsa at security level 0",
	  { .minv = TLS1_1_VERSION, .maxv = TLS1_1_VERSION, .ciphers = "AES256-SHA", .weak = true,
	    .leaf = LEAF_RSA },
	  .v = TLS_V11, .step = TLS_STEP_DONE, .got_v = TLS_V11,
	  .cipher = "TLS_RSA_WITH_AES_256_CBC_SHA", .cipher_ossl = "AES256-SHA", .kx = "",
	  .kx_bits = 0, .reneg = true },
	{ "tls1.0 to a tls1.2+ server",
	  { .minv = TLS1_2_VERSION, .leaf = LEAF_RSA },
	  .v = TLS_V10, .step = TLS_STEP_REFUSED, .err = "alert protocol version" },
	{ "tls1.1 to a tls1.2+ server",
	  { .minv = TLS1_2_VERSION, .leaf = LEAF_RSA },
	  .v = TLS_V11, .step = TLS_STEP_REFUSED, .err = "alert protocol version" },
	{ "tls1.3 to a tls1.2 server",
	  { TLS12_ONLY, .leaf = LEAF_RSA },
	  .v = TLS_V13, .step = TLS_STEP_REFUSED, .err = "alert protocol version" },
	{ "tls1.2 to a tls1.3 server",
	  { TLS13_ONLY, .leaf = LEAF_EC },
	  .v = TLS_V12, .step = TLS_STEP_REFUSED, .err = "alert protocol version" },
	{ "aes128-sha to an ecdhe-only server",
	  { TLS12_ONLY, .ciphers = GCM_RSA ":ECDHE-RSA-AES256-GCM-SHA384", .leaf = LEAF_RSA },
	  .v = TLS_V12, .ciphers = "AES128-SHA", .step = TLS_STEP_REFUSED,
	  .err = "alert handshake failure" },
	{ "tls1.3 suite the server lacks",
	  { TLS13_ONLY, .suites = "TLS_AES_256_GCM_SHA384", .leaf = LEAF_EC },
	  .v = TLS_V13, .suites = "TLS_AES_128_GCM_SHA256", .step = TLS_STEP_REFUSED,
	  .err = "alert handshake failure" },
	{ "sha-1 rsa 1024 leaf",
	  { TLS12_ONLY, .ciphers = GCM_RSA, .weak = true, .leaf = LEAF_SHA1, .send_ca = true },
	  .v = TLS_V12, .verify_name = "localhost", .want_cert = true, .ca = true, DONE12_GCM,
	  .nchain = 2, .key_type = "RSA", .key_bits = 1024, .curve = "",
	  .sig_alg = "sha1WithRSAEncryption", .lifetime_days = 91, .ca_in_chain = true, .verify_error = "ok",
	  .verified = true, .name_match = true },
	{ "expired leaf",
	  { TLS12_ONLY, .ciphers = "ECDHE-ECDSA-AES128-GCM-SHA256", .leaf = LEAF_EXPIRED },
	  .v = TLS_V12, .verify_name = "localhost", .want_cert = true, .ca = true,
	  .step = TLS_STEP_DONE, .got_v = TLS_V12, .cipher = "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
	  .reneg = true, .nchain = 1, .key_type = "EC", .key_bits = 256, .curve = "P-256",
	  .sig_alg = "sha256WithRSAEncryption", .lifetime_days = 29,
	  .verify_error = "certificate has expired",
	  .verified = false, .name_match = true },
	{ "system store, ca sent",
	  { TLS12_ONLY, .ciphers = GCM_RSA, .leaf = LEAF_RSA, .send_ca = true },
	  .v = TLS_V12, .verify_name = "localhost", .want_cert = true, .ca = false, DONE12_GCM,
	  RSA_LEAF_OK, .verify_error = "self-signed certificate in certificate chain",
	  .verified = false, .name_match = true },
	{ "system store, leaf only",
	  { TLS12_ONLY, .ciphers = GCM_RSA, .leaf = LEAF_RSA },
	  .v = TLS_V12, .verify_name = "localhost", .want_cert = true, .ca = false, DONE12_GCM,
	  .nchain = 1, .key_type = "RSA", .key_bits = 3072, .curve = "",
	  .sig_alg = "sha256WithRSAEncryption", .lifetime_days = 91,
	  .verify_error = "unable to get local issuer certificate", .verified = false,
	  .name_match = true },
	{ "no certificate wanted",
	  { TLS12_ONLY, .ciphers = GCM_RSA, .leaf = LEAF_RSA, .send_ca = true },
	  .v = TLS_V12, .verify_name = "localhost", DONE12_GCM, .nchain = 0, .verify_error = "",
	  .verified = false, .name_match = false, .ocsp = "" },
	OCSP_ROW("good", GOOD),
	OCSP_ROW("revoked", REVOKED),
	OCSP_ROW("unknown", UNKNOWN),
	OCSP_ROW("stale", STALE),
	{ "ocsp stale: thisUpdate 8 days old",
	  { TLS12_ONLY, .ciphers = GCM_RSA, .leaf = LEAF_RSA, .send_ca = true, .ocsp = OCSP_OLD },
	  .v = TLS_V12, .want_cert = true, .ca = true, .want_ocsp = true, DONE12_GCM, .nchain = 2,
	  .ocsp = "stale" },
	{ "ocsp invalid: for another certificate",
	  { TLS12_ONLY, .ciphers = GCM_RSA, .leaf = LEAF_RSA, .send_ca = true,
	    .ocsp = OCSP_OTHER_CERT },
	  .v = TLS_V12, .want_cert = true, .ca = true, .want_ocsp = true, DONE12_GCM, .nchain = 2,
	  .ocsp = "invalid" },
	{ "ocsp invalid: not der",
	  { TLS12_ONLY, .ciphers = GCM_RSA, .leaf = LEAF_RSA, .send_ca = true,
	    .ocsp = OCSP_GARBAGE },
	  .v = TLS_V12, .want_cert = true, .ca = true, .want_ocsp = true, DONE12_GCM, .nchain = 2,
	  .ocsp = "invalid" },
	{ "ocsp good, issuer from the trust store",
	  { TLS12_ONLY, .ciphers = GCM_RSA, .leaf = LEAF_RSA, .ocsp = OCSP_GOOD },
	  .v = TLS_V12, .want_cert = true, .ca = true, .want_ocsp = true, DONE12_GCM, .nchain = 1,
	  .verify_error = "ok", .verified = true, .ocsp = "good" },
	{ "ocsp good over tls1.3",
	  { TLS13_ONLY, .leaf = LEAF_RSA, .send_ca = true, .ocsp = OCSP_GOOD },
	  .v = TLS_V13, .want_cert = true, .ca = true, .want_ocsp = true, .step = TLS_STEP_DONE,
	  .got_v = TLS_V13, .kx = "X25519", .kx_bits = 253, .nchain = 2, .ocsp = "good" },
	{ "chain longer than TLS_CHAIN_MAX",
	  { TLS12_ONLY, .ciphers = GCM_RSA, .leaf = LEAF_RSA, .long_chain = true },
	  .v = TLS_V12, .want_cert = true, .ca = true, DONE12_GCM, .nchain = TLS_CHAIN_MAX,
	  .key_type = "RSA", .key_bits = 3072, .curve = "", .sig_alg = "sha256WithRSAEncryption",
	  .lifetime_days = 91, .ca_in_chain = true, .verify_error = "ok", .verified = true },
	{ "close after the hello", { .raw = RAW_CLOSE },
	  .v = TLS_V10, .step = TLS_STEP_REFUSED, .err = "connection closed" },
	{ "reset before an answer", { .raw = RAW_RESET },
	  .v = TLS_V12, .step = TLS_STEP_FAILED, .err = "connection reset" },
	{ "http answer", { .raw = RAW_HTTP },
	  .v = TLS_V12, .step = TLS_STEP_FAILED, .err = "not a tls answer (wrong version number)" },
	{ "close inside the server hello", { .raw = RAW_PARTIAL },
	  .v = TLS_V12, .step = TLS_STEP_FAILED, .err = "connection closed during the handshake" },
	{ "raw handshake failure alert", { .raw = RAW_ALERT },
	  .v = TLS_V12, .step = TLS_STEP_REFUSED, .err = "alert handshake failure" },
	{ "tls1.0 server hello to a tls1.2 offer", { .raw = RAW_OLD_HELLO },
	  .v = TLS_V12, .step = TLS_STEP_REFUSED, .err = "unsupported protocol" },
};

/* Assertions that name the row and the field when they fail. */
#define EXPECT_STR(got, want) \
	do { \
		if (strcmp((got), (want)) != 0) \
			fail_msg("%s: %s is '%s', want '%s'", w->name, #got, (got), (want)); \
	} while (0)
#define EXPECT_INT(got, want) \
	do { \
		if ((long long)(got) != (long long)(want)) \
			fail_msg("%s: %s is %lld, want %lld", w->name, #got, (long long)(got), \
				 (long long)(want)); \
	} while (0)

static void
check_row(const struct row *w, enum tls_step got, const struct tls_result *r, const char *err,
	  const struct server_run *run)
{
	const struct tls_cert *leaf = &r->chain[0];

	EXPECT_INT(run->setup_ok, true);
	if (got != w->step)
		fail_msg("%s: step %d, want %d (error '%s')", w->name, (int)got, (int)w->step, err);
	if (w->step != TLS_STEP_DONE) {
		EXPECT_STR(err, w->err);
		return;
	}
	EXPECT_STR(err, "");
	EXPECT_INT(r->version, w->got_v);
	if (w->cipher)
		EXPECT_STR(r->cipher, w->cipher);
	if (w->cipher_ossl)
		EXPECT_STR(r->cipher_openssl, w->cipher_ossl);
	if (w->kx) {
		EXPECT_STR(r->kx_group, w->kx);
		EXPECT_INT(r->kx_bits, w->kx_bits);
	}
	EXPECT_INT(r->secure_renegotiation, w->reneg);
	EXPECT_INT(r->compression, false);
	EXPECT_INT(r->nchain, w->nchain);
	if (w->key_type) {
		EXPECT_STR(leaf->key_type, w->key_type);
		EXPECT_INT(leaf->key_bits, w->key_bits);
		EXPECT_STR(leaf->curve, w->curve);
		EXPECT_STR(leaf->sig_alg, w->sig_alg);
		EXPECT_STR(leaf->subject, "CN=localhost,O=cyberbaseline test");
		EXPECT_STR(leaf->issuer, "CN=cyberbaseline test CA,O=cyberbaseline test");
		EXPECT_INT(leaf->self_signed, false);
		EXPECT_INT(leaf->not_before < time(NULL), true);
		EXPECT_INT((leaf->not_after - leaf->not_before) / DAY, w->lifetime_days);
	}
	if (w->ca_in_chain) {
		EXPECT_INT(r->chain[1].self_signed, true);
		EXPECT_STR(r->chain[1].key_type, "RSA");
		EXPECT_INT(r->chain[1].key_bits, 2048);
		EXPECT_STR(r->chain[1].sig_alg, "sha256WithRSAEncryption");
		EXPECT_STR(r->chain[1].subject, r->chain[1].issuer);
	}
	if (w->verify_error) {
		EXPECT_STR(r->verify_error, w->verify_error);
		EXPECT_INT(r->verified, w->verified);
		EXPECT_INT(r->name_match, w->name_match);
	}
	if (w->ocsp)
		EXPECT_STR(r->ocsp, w->ocsp);
	if (w->seen_sni)
		EXPECT_STR(run->sni, w->seen_sni);
}

static void
test_handshakes(void **state)
{
	struct tls_attempt_opts o;
	struct tls_result res;
	struct server_run run;
	struct tls_attempt *a;
	struct errmsg e;
	char err[160];
	pthread_t th;
	enum tls_step got;
	size_t i;
	int sv[2];

	(void)state;
	for (i = 0; i < NELEM(rows); i++) {
		const struct row *w = &rows[i];

		assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
		assert_int_equal(fcntl(sv[0], F_SETFL, O_NONBLOCK), 0);
		memset(&run, 0, sizeof(run));
		run.conf = &w->srv;
		run.fd = sv[1];
		assert_int_equal(pthread_create(&th, NULL, server_main, &run), 0);

		memset(&o, 0, sizeof(o));
		o.version = w->v;
		o.ciphers = w->ciphers;
		o.ciphersuites = w->suites;
		o.sni = w->sni;
		o.want_cert = w->want_cert;
		o.ca_file = w->ca ? pki.ca_path : NULL;
		o.verify_name = w->verify_name;
		o.want_ocsp = w->want_ocsp;
		e.msg[0] = '\0';
		a = tls_attempt_new(sv[0], &o, &e);
		if (!a)
			fail_msg("%s: tls_attempt_new: %s", w->name, e.msg);
		got = drive(a, sv[0]);
		assert_int_equal(tls_attempt_step(a), got);	/* the end is sticky */
		res = *tls_attempt_result(a);
		snprintf(err, sizeof(err), "%s", tls_attempt_error(a));
		tls_attempt_free(a);
		close(sv[0]);
		assert_int_equal(pthread_join(th, NULL), 0);
		check_row(w, got, &res, err, &run);
	}
}

/* ---- tls_attempt_new refusals ------------------------------------------- */

static const struct {
	const char *name;
	struct tls_attempt_opts o;
	const char *msg;	/* NULL: the attempt starts */
} new_rows[] = {
	{ "all defaults", { .version = TLS_V12 }, NULL },
	{ "tls1.0 defaults", { .version = TLS_V10 }, NULL },
	{ "tls1.3 defaults", { .version = TLS_V13 }, NULL },
	{ "unknown suite", { .version = TLS_V12, .ciphers = "NO-SUCH-SUITE" },
	  "cannot offer cipher suites 'NO-SUCH-SUITE': no cipher match" },
	{ "tls1.2-only suite in tls1.0", { .version = TLS_V10, .ciphers = "ECDHE-RSA-AES128-GCM-SHA256" },
	  "no suite of 'ECDHE-RSA-AES128-GCM-SHA256' can be offered in TLSv1.0" },
	{ "unknown tls1.3 suite", { .version = TLS_V13, .ciphersuites = "TLS_NO_SUCH" },
	  "cannot offer tls 1.3 suites 'TLS_NO_SUCH'" },
	{ "tls1.2 string ignored in tls1.3", { .version = TLS_V13, .ciphers = "NO-SUCH-SUITE" }, NULL },
	{ "missing ca file", { .version = TLS_V12, .want_cert = true, .ca_file = "/nonexistent/ca.pem" },
	  "cannot load ca file '/nonexistent/ca.pem': " },
	{ "empty sni", { .version = TLS_V12, .sni = "" },
	  "server name '' is empty or longer than 255 bytes" },
	{ "bad version", { .version = TLS_NVERSIONS }, "unknown tls version 4" },
};

static void
test_new(void **state)
{
	struct tls_attempt *a;
	struct errmsg e;
	size_t i;
	int sv[2];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	for (i = 0; i < NELEM(new_rows); i++) {
		e.msg[0] = '\0';
		a = tls_attempt_new(sv[0], &new_rows[i].o, &e);
		if (!new_rows[i].msg) {
			if (!a)
				fail_msg("%s: %s", new_rows[i].name, e.msg);
			assert_string_equal(tls_attempt_error(a), "");
			tls_attempt_free(a);
			continue;
		}
		assert_null(a);
		if (strncmp(e.msg, new_rows[i].msg, strlen(new_rows[i].msg)) != 0)
			fail_msg("%s: '%s', want '%s...'", new_rows[i].name, e.msg, new_rows[i].msg);
	}
	tls_attempt_free(NULL);
	/* an over-long host name */
	{
		char longname[300];
		struct tls_attempt_opts o = { .version = TLS_V12, .verify_name = longname };

		memset(longname, 'a', sizeof(longname) - 1);
		longname[sizeof(longname) - 1] = '\0';
		assert_null(tls_attempt_new(sv[0], &o, &e));
		o.verify_name = NULL;
		o.sni = longname;
		assert_null(tls_attempt_new(sv[0], &o, &e));
	}
	close(sv[0]);
	close(sv[1]);
	assert_int_equal(ERR_peek_error(), 0);	/* nothing left on the queue */
}

/* ---- offerable suites --------------------------------------------------- */

static bool
has(const char **names, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(names[i], s) == 0)
			return true;
	return false;
}

static const struct {
	enum tls_version v;
	const char *yes[4], *no[4];
	size_t min, max;	/* the count's bounds */
} suite_rows[] = {
	{ TLS_V10, { "AES128-SHA", "ECDHE-RSA-AES256-SHA", "DHE-RSA-AES128-SHA" },
	  { "ECDHE-RSA-AES128-GCM-SHA256", "TLS_AES_128_GCM_SHA256", "AES128-SHA256" }, 20, 200 },
	{ TLS_V11, { "AES256-SHA", "ECDHE-ECDSA-AES128-SHA" },
	  { "ECDHE-RSA-AES256-GCM-SHA384", "TLS_AES_256_GCM_SHA384" }, 20, 200 },
	{ TLS_V12, { "ECDHE-RSA-AES128-GCM-SHA256", "AES128-SHA", "ECDHE-ECDSA-CHACHA20-POLY1305",
		     "DHE-RSA-AES256-GCM-SHA384" },
	  { "TLS_AES_128_GCM_SHA256", "PSK-AES128-CBC-SHA" }, 50, 256 },
	{ TLS_V13, { "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
		     "TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_128_CCM_8_SHA256" },
	  { "AES128-SHA", "ECDHE-RSA-AES128-GCM-SHA256" }, 5, 5 },
};

static void
test_offerable(void **state)
{
	const char *names[300], *again[300];
	size_t i, k, n;

	(void)state;
	for (i = 0; i < NELEM(suite_rows); i++) {
		n = tls_offerable_suites(suite_rows[i].v, names, NELEM(names));
		if (n < suite_rows[i].min || n > suite_rows[i].max)
			fail_msg("%s: %zu suites", tls_version_name(suite_rows[i].v), n);
		for (k = 0; k < 4 && suite_rows[i].yes[k]; k++)
			if (!has(names, n, suite_rows[i].yes[k]))
				fail_msg("%s lacks %s", tls_version_name(suite_rows[i].v),
					 suite_rows[i].yes[k]);
		for (k = 0; k < 4 && suite_rows[i].no[k]; k++)
			if (has(names, n, suite_rows[i].no[k]))
				fail_msg("%s has %s", tls_version_name(suite_rows[i].v),
					 suite_rows[i].no[k]);
		/* static: the same pointers again; a short array gets the first ones */
		assert_int_equal(tls_offerable_suites(suite_rows[i].v, again, NELEM(again)), n);
		for (k = 0; k < n; k++)
			assert_ptr_equal(names[k], again[k]);
		assert_int_equal(tls_offerable_suites(suite_rows[i].v, again, 3), 3);
		assert_ptr_equal(again[2], names[2]);
	}
	assert_int_equal(tls_offerable_suites(TLS_NVERSIONS, names, NELEM(names)), 0);
}

/* Every suite we say we can offer really starts an attempt on its own. */
static void
test_offerable_each(void **state)
{
	const char *names[300];
	struct tls_attempt_opts o;
	struct tls_attempt *a;
	struct errmsg e;
	size_t n, k;
	int v, sv[2];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	for (v = 0; v < TLS_NVERSIONS; v++) {
		n = tls_offerable_suites((enum tls_version)v, names, NELEM(names));
		for (k = 0; k < n; k++) {
			memset(&o, 0, sizeof(o));
			o.version = (enum tls_version)v;
			if (v == TLS_V13)
				o.ciphersuites = names[k];
			else
				o.ciphers = names[k];
			a = tls_attempt_new(sv[0], &o, &e);
			if (!a)
				fail_msg("%s %s: %s", tls_version_name(o.version), names[k], e.msg);
			tls_attempt_free(a);
		}
	}
	close(sv[0]);
	close(sv[1]);
}

static void
test_version_names(void **state)
{
	static const struct {
		enum tls_version v;
		const char *name;
	} vrows[] = {
		{ TLS_V10, "TLSv1.0" }, { TLS_V11, "TLSv1.1" }, { TLS_V12, "TLSv1.2" },
		{ TLS_V13, "TLSv1.3" }, { TLS_NVERSIONS, "?" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(vrows); i++)
		assert_string_equal(tls_version_name(vrows[i].v), vrows[i].name);
}

/* ---- DER certificates and OCSP responses ------------------------------- */

/*
 * Fixtures made once by tests/unit/data/make-x509.sh with the openssl CLI,
 * read relative to the repository root (where tests/run-suite runs).
 */
#define DATA "tests/unit/data/"
#define FIXTURE_MAX (TLS_DER_MAX + 16)

enum tweak {
	AS_IS,
	CUT,		/* without its last byte */
	TRAIL,		/* one 0x00 byte after it */
	PAD_MAX,	/* zeros after it up to TLS_DER_MAX bytes in all */
	PAD_OVER,	/* ... up to TLS_DER_MAX + 1 */
};

/*
 * The bytes of `what`: a file in DATA, "=text" for the text itself, or NULL
 * for none; then tweaked. *buf is the caller's to free (NULL when empty).
 */
static void
load(const char *what, enum tweak tw, uint8_t **buf, size_t *len)
{
	struct errmsg e;
	char path[128], *data = NULL;
	size_t n = 0, want;

	*buf = NULL;
	*len = 0;
	if (!what)
		return;
	if (what[0] == '=') {
		data = xstrdup(what + 1);
		n = strlen(data);
	} else {
		snprintf(path, sizeof(path), DATA "%s", what);
		if (util_read_file(path, "fixture", FIXTURE_MAX, &data, &n, &e) == -1)
			fail_msg("%s (run from the repository root)", e.msg);
	}
	switch (tw) {
	case AS_IS:
		break;
	case CUT:
		assert_true(n > 0);
		n--;
		break;
	case TRAIL:
	case PAD_MAX:
	case PAD_OVER:
		want = tw == TRAIL ? n + 1 : tw == PAD_MAX ? TLS_DER_MAX : TLS_DER_MAX + 1;
		assert_true(want > n);
		data = xrealloc(data, want);
		memset(data + n, 0, want - n);
		n = want;
		break;
	}
	*buf = (uint8_t *)data;
	*len = n;
}

#define SUBJ(cn) "CN=" cn ",O=cyberbaseline test"
#define CA_SUBJ SUBJ("cyberbaseline fixture CA")
/*
 * long-subject.der: RFC 2253 order (last RDN first), UTF-8 and the control
 * character escaped, cut to 255 characters.
 */
#define X21 "xxxxxxxxxxxxxxxxxxxxx"
#define X50 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxx" X21
#define LONG_SUBJ \
	"CN=\\C3\\A6\\C3\\B8\\C3\\A5.test,OU=" X50 ",OU=line\\01break\\, \\\"quoted\\\"," \
	"O=\\C3\\86r\\C3\\B8 Kommune,L=\\C3\\86r\\C3\\B8sk\\C3\\B8bing " X50 \
	",ST=Region Syddanmark " X21

struct cert_row {
	const char *name;
	const char *file;	/* see load() */
	enum tweak tweak;
	const char *err;	/* NULL: parses; the message (its start if it ends in ' ') */
	const char *key_type;
	unsigned key_bits;
	const char *curve, *sig_alg, *subject, *issuer;
	time_t not_before, not_after;
	bool self_signed;
};

static const struct cert_row cert_rows[] = {
	{ "P-256 CA", "ca-p256.der", AS_IS, NULL, "EC", 256, "P-256", "ecdsa-with-SHA256", CA_SUBJ,
	  CA_SUBJ, 1767225600 /* 2026-01-01 */, 2082758400 /* 2036-01-01 */, true },
	{ "RSA 2048 leaf of the P-256 CA", "leaf-rsa2048.der", AS_IS, NULL, "RSA", 2048, "",
	  "ecdsa-with-SHA256", SUBJ("rsa2048.test"), CA_SUBJ, 1772366400 /* 2026-03-01 12:00 */,
	  1803902400 /* 2027-03-01 12:00 */, false },
	{ "P-256 leaf of the P-256 CA", "ocsp-leaf.der", AS_IS, NULL, "EC", 256, "P-256",
	  "ecdsa-with-SHA256", SUBJ("ocsp.test"), CA_SUBJ, 1780272000 /* 2026-06-01 */,
	  2114380799 /* 2036-12-31 23:59:59 */, false },
	{ "Ed25519 self-signed", "ed25519.der", AS_IS, NULL, "Ed25519", 256, "", "ED25519",
	  SUBJ("ed25519.test"), SUBJ("ed25519.test"), 1735689600 /* 2025-01-01 */,
	  2051222400 /* 2035-01-01 */, true },
	{ "RSA 1024 SHA-1 self-signed", "rsa1024-sha1.der", AS_IS, NULL, "RSA", 1024, "",
	  "sha1WithRSAEncryption", SUBJ("sha1.test"), SUBJ("sha1.test"),
	  1262304000 /* 2010-01-01 */, 1577836800 /* 2020-01-01 */, true },
	{ "RSA-PSS key, RSASSA-PSS signature", "rsa-pss.der", AS_IS, NULL, "RSA", 2048, "",
	  "RSASSA-PSS", SUBJ("pss.test"), SUBJ("pss.test"), 1767225600 /* 2026-01-01 */,
	  1830297600 /* 2028-01-01 */, true },
	{ "DSA 2048 self-signed", "dsa.der", AS_IS, NULL, "DSA", 2048, "", "dsa_with_SHA256",
	  SUBJ("dsa.test"), SUBJ("dsa.test"), 1767225600 /* 2026-01-01 */,
	  1798761600 /* 2027-01-01 */, true },
	{ "brainpoolP256r1 self-signed", "brainpool.der", AS_IS, NULL, "EC", 256, "brainpoolP256r1",
	  "ecdsa-with-SHA256", SUBJ("brainpool.test"), SUBJ("brainpool.test"), 1767225600,
	  1798761600, true },
	{ "P-384 as explicit parameters: named by the curve they match", "ec-explicit.der", AS_IS,
	  NULL, "EC", 384, "P-384", "ecdsa-with-SHA384", SUBJ("explicit.test"),
	  SUBJ("explicit.test"), 1767225600, 1798761600, true },
	{ "Ed448 self-signed", "ed448.der", AS_IS, NULL, "Ed448", 456, "", "ED448",
	  SUBJ("ed448.test"), SUBJ("ed448.test"), 1767225600, 1798761600, true },
	{ "a long subject, escaped and cut", "long-subject.der", AS_IS, NULL, "EC", 256, "P-256",
	  "ecdsa-with-SHA256", LONG_SUBJ, LONG_SUBJ, 1767225600, 1798761600, true },
	/* ed25519.der has a fixed size (327 bytes): Ed25519 signatures do */
	{ .name = "zeros after it up to the cap", .file = "ed25519.der", .tweak = PAD_MAX,
	  .err = "certificate is followed by 65209 bytes of trailing data" },
	{ .name = "over the cap", .file = "ocsp-leaf.der", .tweak = PAD_OVER,
	  .err = "certificate of 65537 bytes is longer than 65536 bytes" },
	{ .name = "one byte after it", .file = "ed25519.der", .tweak = TRAIL,
	  .err = "certificate is followed by 1 byte of trailing data" },
	{ .name = "cut by one byte", .file = "ed25519.der", .tweak = CUT,
	  .err = "cannot parse certificate: too long" },
	{ .name = "empty", .file = NULL, .err = "certificate is empty" },
	{ .name = "an OCSP response", .file = "ocsp-good.der",
	  .err = "cannot parse certificate: wrong tag" },
	{ .name = "PEM, not DER",
	  .file = "=-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
	  .err = "cannot parse certificate: wrong tag" },
	{ .name = "a lone SEQUENCE tag", .file = "=\x30", .err = "cannot parse certificate: " },
};

static void
test_cert_from_der(void **state)
{
	struct tls_cert c, zero;
	struct errmsg e;
	uint8_t *der;
	size_t i, len;
	int rc;

	(void)state;
	memset(&zero, 0, sizeof(zero));
	for (i = 0; i < NELEM(cert_rows); i++) {
		const struct cert_row *w = &cert_rows[i];

		load(w->file, w->tweak, &der, &len);
		memset(&c, 0xa5, sizeof(c));
		snprintf(e.msg, sizeof(e.msg), "untouched");
		rc = tls_cert_from_der(der, len, &c, &e);
		free(der);
		EXPECT_INT(ERR_peek_error(), 0);	/* the queue is left empty */
		if (w->err) {
			size_t n = strlen(w->err);

			EXPECT_INT(rc, -1);
			if (w->err[n - 1] == ' ' ? strncmp(e.msg, w->err, n) != 0 || !e.msg[n]
						 : strcmp(e.msg, w->err) != 0)
				fail_msg("%s: '%s', want '%s'", w->name, e.msg, w->err);
			if (memcmp(&c, &zero, sizeof(c)) != 0)
				fail_msg("%s: *c not zeroed", w->name);
			continue;
		}
		if (rc != 0)
			fail_msg("%s: rc %d '%s'", w->name, rc, e.msg);
		EXPECT_STR(e.msg, "untouched");
		EXPECT_STR(c.key_type, w->key_type);
		EXPECT_INT(c.key_bits, w->key_bits);
		EXPECT_STR(c.curve, w->curve);
		EXPECT_STR(c.sig_alg, w->sig_alg);
		EXPECT_STR(c.subject, w->subject);
		EXPECT_STR(c.issuer, w->issuer);
		EXPECT_INT(c.not_before, w->not_before);
		EXPECT_INT(c.not_after, w->not_after);
		EXPECT_INT(c.self_signed, w->self_signed);
	}
}

/*
 * OCSP responses made by the openssl CLI about ocsp-leaf.der, issued by
 * ca-p256.der. Only verdicts that do not change with time: a "good" one
 * turns "stale" 7 days after the run of make-x509.sh, so "good" and
 * "unknown" are tested on fresh responses (ocsp_mem_rows); ocsp-stale.der
 * is stale from 6 minutes after its run on.
 */
struct ocsp_file_row {
	const char *name;
	const char *rsp, *leaf, *issuer;	/* see load() */
	enum tweak tweak;			/* of rsp */
	enum tweak cert_tweak;			/* of leaf and issuer */
	const char *want;
};

static const struct ocsp_file_row ocsp_file_rows[] = {
#define LEAF_CA "ocsp-leaf.der", "ca-p256.der"
	{ "revoked", "ocsp-revoked.der", LEAF_CA, AS_IS, AS_IS, "revoked" },
	{ "nextUpdate past", "ocsp-stale.der", LEAF_CA, AS_IS, AS_IS, "stale" },
	{ "bytes after the response ignored", "ocsp-revoked.der", LEAF_CA, TRAIL, AS_IS, "revoked" },
	{ "response cut by one byte", "ocsp-revoked.der", LEAF_CA, CUT, AS_IS, "invalid" },
	{ "response over the cap", "ocsp-revoked.der", LEAF_CA, PAD_OVER, AS_IS, "invalid" },
	{ "response up to the cap", "ocsp-revoked.der", LEAF_CA, PAD_MAX, AS_IS, "revoked" },
	{ "garbage", "=this is not DER", LEAF_CA, AS_IS, AS_IS, "invalid" },
	{ "a certificate, not a response", "ca-p256.der", LEAF_CA, AS_IS, AS_IS, "invalid" },
	{ "empty", NULL, LEAF_CA, AS_IS, AS_IS, "none" },
	{ "empty, no certificates", NULL, NULL, NULL, AS_IS, AS_IS, "none" },
	{ "certificates with a byte after them", "ocsp-revoked.der", LEAF_CA, AS_IS, TRAIL,
	  "invalid" },
	{ "certificates cut by one byte", "ocsp-revoked.der", LEAF_CA, AS_IS, CUT, "invalid" },
#undef LEAF_CA
	{ "about another leaf", "ocsp-revoked.der", "leaf-rsa2048.der", "ca-p256.der", AS_IS, AS_IS,
	  "invalid" },
	{ "another issuer", "ocsp-revoked.der", "ocsp-leaf.der", "ed25519.der", AS_IS, AS_IS,
	  "invalid" },
	{ "the leaf as its own issuer", "ocsp-good.der", "ocsp-leaf.der", "ocsp-leaf.der", AS_IS,
	  AS_IS, "invalid" },
	{ "no leaf", "ocsp-revoked.der", NULL, "ca-p256.der", AS_IS, AS_IS, "invalid" },
	{ "no issuer", "ocsp-revoked.der", "ocsp-leaf.der", NULL, AS_IS, AS_IS, "invalid" },
	{ "leaf not DER", "ocsp-revoked.der", "=garbage", "ca-p256.der", AS_IS, AS_IS, "invalid" },
};

static void
test_ocsp_der_files(void **state)
{
	uint8_t *rsp, *leaf, *issuer;
	size_t i, rlen, llen, ilen;
	const char *got;

	(void)state;
	for (i = 0; i < NELEM(ocsp_file_rows); i++) {
		const struct ocsp_file_row *w = &ocsp_file_rows[i];

		load(w->rsp, w->tweak, &rsp, &rlen);
		load(w->leaf, w->cert_tweak, &leaf, &llen);
		load(w->issuer, w->cert_tweak, &issuer, &ilen);
		got = tls_ocsp_status_der(rsp, rlen, leaf, llen, issuer, ilen);
		free(rsp);
		free(leaf);
		free(issuer);
		EXPECT_STR(got, w->want);
		EXPECT_INT(ERR_peek_error(), 0);
	}
}

/*
 * Fresh responses from the in-memory PKI (setup_pki), the ones the
 * handshake rows staple: the DER path gives the same words.
 */
struct ocsp_mem_row {
	const char *name;
	enum ocsp rsp;
	enum leaf leaf;
	int issuer;	/* -1: the CA; else a leaf */
	const char *want;
};

static const struct ocsp_mem_row ocsp_mem_rows[] = {
	{ "good", OCSP_GOOD, LEAF_RSA, -1, "good" },
	{ "revoked", OCSP_REVOKED, LEAF_RSA, -1, "revoked" },
	{ "unknown", OCSP_UNKNOWN, LEAF_RSA, -1, "unknown" },
	{ "nextUpdate past", OCSP_STALE, LEAF_RSA, -1, "stale" },
	{ "thisUpdate 8 days old", OCSP_OLD, LEAF_RSA, -1, "stale" },
	{ "about another leaf", OCSP_OTHER_CERT, LEAF_RSA, -1, "invalid" },
	{ "about this leaf", OCSP_OTHER_CERT, LEAF_EC, -1, "good" },
	{ "good, but about another leaf", OCSP_GOOD, LEAF_SHA1, -1, "invalid" },
	{ "the leaf as its own issuer", OCSP_GOOD, LEAF_RSA, LEAF_RSA, "invalid" },
	{ "garbage", OCSP_GARBAGE, LEAF_RSA, -1, "invalid" },
	{ "none", OCSP_NONE, LEAF_RSA, -1, "none" },
};

static void
test_ocsp_der_fresh(void **state)
{
	unsigned char *leaf, *issuer;
	int llen, ilen;
	size_t i;
	const char *got;

	(void)state;
	for (i = 0; i < NELEM(ocsp_mem_rows); i++) {
		const struct ocsp_mem_row *w = &ocsp_mem_rows[i];

		leaf = issuer = NULL;
		llen = i2d_X509(pki.leaf[w->leaf], &leaf);
		ilen = i2d_X509(w->issuer < 0 ? pki.ca : pki.leaf[w->issuer], &issuer);
		assert_true(llen > 0 && ilen > 0);
		got = tls_ocsp_status_der(pki.ocsp_der[w->rsp], (size_t)pki.ocsp_len[w->rsp], leaf,
					  (size_t)llen, issuer, (size_t)ilen);
		OPENSSL_free(leaf);
		OPENSSL_free(issuer);
		EXPECT_STR(got, w->want);
		EXPECT_INT(ERR_peek_error(), 0);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version_names),
		cmocka_unit_test(test_offerable),
		cmocka_unit_test(test_offerable_each),
		cmocka_unit_test(test_new),
		cmocka_unit_test(test_handshakes),
		cmocka_unit_test(test_cert_from_der),
		cmocka_unit_test(test_ocsp_der_files),
		cmocka_unit_test(test_ocsp_der_fresh),
	};

	return cmocka_run_group_tests(tests, setup_pki, teardown_pki);
}
