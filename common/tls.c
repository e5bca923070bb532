/*
 * TLS handshakes through libssl: one SSL_CTX and one SSL per attempt, pinned
 * to one protocol version, driven without blocking on the caller's socket.
 * No OpenSSL type leaves this file (tls.h is the contract).
 *
 * OpenSSL never prints here: every failure leaves its reasons on the
 * thread's error queue, which we read (the first entry becomes the message)
 * and then empty with ERR_clear_error(), so no stale entry misleads the next
 * attempt.
 *
 * Writes to a peer that has gone away go through write(2) in OpenSSL's
 * socket BIO, so the process must ignore SIGPIPE (deadline_start() does).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/ocsp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "tls.h"
#include "tls_wire.h"
#include "util.h"
#include "banned.h"

/* The longest offer we accept from the caller (a cipher enumeration's string). */
#define TLS_OFFER_MAX (64 * 1024)
/* DNS names are at most 253 characters; leave room for a trailing dot. */
#define TLS_NAME_MAX 255
/* An OCSP response older than this is stale (see ocsp_verdict()). */
#define OCSP_MAX_AGE (7L * 86400)
/* Clock skew allowed for an OCSP thisUpdate in the future. */
#define OCSP_SKEW 300L

/* Everything we can offer: all TLS <= 1.2 suites, and the five TLS 1.3 ones. */
#define ALL_CIPHERS "ALL:COMPLEMENTOFALL"
#define ALL_SUITES13 \
	"TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:" \
	"TLS_AES_128_CCM_SHA256:TLS_AES_128_CCM_8_SHA256"

struct hello_reader;

struct tls_attempt {
	SSL_CTX *ctx;
	SSL *ssl;
	struct hello_reader *hello;	/* with hello_only: reads the socket for libssl */
	X509_STORE *store;		/* with want_cert: the trust anchors */
	bool want_cert, want_ocsp;
	char *verify_name;
	enum tls_step state;		/* TLS_STEP_WANT_WRITE until the end */
	bool ended;
	unsigned char first_header[5];	/* the first record header the server sent */
	bool have_header;
	struct tls_result res;
	char err[160];
};

static const char *const version_names[TLS_NVERSIONS] = {
	"TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3",
};
static const int version_codes[TLS_NVERSIONS] = {
	TLS1_VERSION, TLS1_1_VERSION, TLS1_2_VERSION, TLS1_3_VERSION,
};

const char *
tls_version_name(enum tls_version v)
{
	return (unsigned)v < TLS_NVERSIONS ? version_names[v] : "?";
}

/* Copies s (NULL: "") into dst of size n, cut to fit. */
static void
copy(char *dst, size_t n, const char *s)
{
	size_t len = s ? strnlen(s, n - 1) : 0;

	if (len)
		memcpy(dst, s, len);
	dst[len] = '\0';
}

static void
lower(char *s)
{
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

/*
 * The first error on OpenSSL's queue as a lower-case reason ("no cipher
 * match"), or `fallback` when the queue is empty; the queue is emptied.
 */
static void
queue_reason(char *dst, size_t n, const char *fallback)
{
	unsigned long code = ERR_get_error();
	const char *r = NULL;

	if (code != 0) {
		if (ERR_SYSTEM_ERROR(code))
			r = strerror(ERR_GET_REASON(code));
		else
			r = ERR_reason_error_string(code);
	}
	copy(dst, n, r ? r : fallback);
	lower(dst);
	ERR_clear_error();
}

/* Sets e from the error queue: "<what>: <first reason>". */
static void
fail_new(struct errmsg *e, const char *what)
{
	char why[128];

	queue_reason(why, sizeof(why), "unknown error");
	errmsg_set(e, "%s: %s", what, why);
}

/*
 * Remembers the first record header the server sent: it tells "another TLS
 * version" (0x03 0x0n) from "not TLS at all" when OpenSSL says "wrong
 * version number". libssl reports each header before it checks it.
 */
static void
msg_cb(int write_p, int version, int content_type, const void *buf, size_t len, SSL *ssl,
       void *arg)
{
	struct tls_attempt *a = arg;

	(void)version;
	(void)ssl;
	if (write_p || content_type != SSL3_RT_HEADER || len < 5 || a->have_header)
		return;
	memcpy(a->first_header, buf, 5);
	a->have_header = true;
}

/*
 * The trust anchors, loaded once per process and shared by every attempt
 * (each holds a reference): the --ca-file, or the system store as the
 * hashed directory (Debian: /etc/ssl/certs, or $SSL_CERT_DIR), whose
 * certificates OpenSSL reads only when a chain needs one. Not
 * X509_STORE_set_default_paths(): it also parses the whole bundle file,
 * some 140 certificates, which was 90% of a run's instructions.
 */
static X509_STORE *
shared_store(const char *ca_file, struct errmsg *e)
{
	static X509_STORE *store;
	static char *key;	/* the ca_file it was loaded from; "" for the system store */
	const char *want = ca_file ? ca_file : "", *dir;
	char why[128];

	if (store && strcmp(key, want) == 0)
		return X509_STORE_up_ref(store) == 1 ? store : NULL;
	X509_STORE_free(store);
	free(key);
	key = xstrdup(want);
	store = X509_STORE_new();
	if (!store) {
		fail_new(e, "cannot create a certificate store");
		return NULL;
	}
	if (ca_file) {
		if (X509_STORE_load_file(store, ca_file) != 1) {
			queue_reason(why, sizeof(why), "no certificate found");
			errmsg_set(e, "cannot load ca file '%s': %s", ca_file, why);
			goto fail;
		}
	} else {
		dir = getenv(X509_get_default_cert_dir_env());
		if (X509_STORE_load_path(store, dir && *dir ? dir : X509_get_default_cert_dir()) != 1) {
			fail_new(e, "cannot load the system trust store");
			goto fail;
		}
	}
	return X509_STORE_up_ref(store) == 1 ? store : NULL;
fail:
	X509_STORE_free(store);
	store = NULL;
	return NULL;
}

int
tls_trust_load(const char *ca_file, struct errmsg *e)
{
	X509_STORE *store = shared_store(ca_file, e);

	if (!store)
		return -1;
	X509_STORE_free(store);	/* the reference shared_store() gave us */
	return 0;
}

/*
 * One client context per process, shared by every attempt (each holds a
 * reference); what differs per attempt (version, suites) is set on its SSL.
 * Creating a context costs more than a loopback handshake in OpenSSL 3.
 *
 * Security level 0: the client must be able to offer TLS 1.0/1.1, SHA-1,
 * small DH groups and weak suites, and accept 1024-bit and SHA-1
 * certificates, because finding them is the point. We only observe;
 * nothing is sent over these connections. No tickets, no session cache:
 * each attempt is a full handshake. LEGACY_SERVER_CONNECT: still talk to
 * servers without RFC 5746 (and report secure_renegotiation false).
 * Compression is offered when this libssl has it, so that a server that
 * uses it can be seen. No verification during the handshake: we verify
 * afterwards, to see a bad chain too.
 */
/* ---- stopping after the ServerHello (hello_only) ------------------------- */

/*
 * With hello_only the attempt reads the socket through hello_bio: it hands
 * libssl the server's records as they come until the ServerHello, then that
 * message alone, in a record of its own (a TLS 1.2 server packs the messages
 * after it into the same record, which the rest of the record may carry),
 * and nothing more. libssl takes the version, the suite and in TLS 1.3 the
 * group from it and waits for more; tls_attempt_step() then ends the attempt
 * as a handshake done. An enumeration handshake so costs no certificate
 * parse, no signature check and no key derivation after the ServerHello. A
 * DHE suite (its group size is in the ServerKeyExchange), a suite libssl
 * does not know and anything unexpected (an alert, a ServerHello over two
 * records, bytes that are no record) go on to the whole handshake, exactly
 * as without hello_only, and so give the same result and the same error.
 */
enum hello_mode {
	HELLO_SCAN,	/* looking for the ServerHello */
	HELLO_PASS,	/* handing on everything, straight from the socket */
	HELLO_HELD,	/* the ServerHello is handed on: nothing more */
};

struct hello_reader {
	int fd;
	SSL *ssl;		/* to tell a DHE suite */
	enum hello_mode mode;
	size_t len;		/* bytes of the server's in buf */
	size_t give;		/* of them, the first ones libssl may have */
	int end_errno;		/* at the end of buf in HELLO_PASS: -1 none, 0 EOF, else a read error */
	uint8_t buf[5 + TLS_WIRE_RECORD_MAX];
};

static bool
dhe_suite(SSL *ssl, uint16_t suite)
{
	const unsigned char id[2] = { (unsigned char)(suite >> 8), (unsigned char)suite };
	const SSL_CIPHER *c = SSL_CIPHER_find(ssl, id);

	return !c || SSL_CIPHER_get_kx_nid(c) == NID_kx_dhe;
}

/* Looks at what buf holds (HELLO_SCAN): sets give and mode. 0, or 1 to read more. */
static int
hello_scan(struct hello_reader *h)
{
	size_t reclen, msglen;
	uint16_t suite;

	switch (tls_wire_find_hello(h->buf, h->len, &reclen, &msglen, &suite)) {
	case TLS_WIRE_HELLO_MORE:
		return 1;
	case TLS_WIRE_HELLO_SKIP:
		h->give = reclen;
		return 0;
	case TLS_WIRE_HELLO_FOUND:
		if (!dhe_suite(h->ssl, suite)) {
			/* the ServerHello alone, in a record of its own */
			h->buf[3] = (uint8_t)(msglen >> 8);
			h->buf[4] = (uint8_t)msglen;
			h->len = h->give = 5 + msglen;
			h->mode = HELLO_HELD;
			return 0;
		}
		break;
	case TLS_WIRE_HELLO_PASS:
		break;
	}
	h->mode = HELLO_PASS;
	h->give = h->len;
	return 0;
}

static int
hello_bio_read(BIO *b, char *out, int outl)
{
	struct hello_reader *h = BIO_get_data(b);
	ssize_t got;
	size_t n;

	BIO_clear_retry_flags(b);
	if (outl <= 0)
		return 0;
	for (;;) {
		if (h->give) {
			n = h->give < (size_t)outl ? h->give : (size_t)outl;
			memcpy(out, h->buf, n);
			memmove(h->buf, h->buf + n, h->len - n);
			h->len -= n;
			h->give -= n;
			return (int)n;
		}
		if (h->mode == HELLO_HELD) {
			BIO_set_retry_read(b);
			return -1;
		}
		if (h->mode == HELLO_PASS && h->end_errno != -1) {
			/* the end the scan met, once what came before it is handed on */
			errno = h->end_errno;
			h->end_errno = -1;
			return errno ? -1 : 0;
		}
		if (h->mode == HELLO_PASS) {
			got = read(h->fd, out, (size_t)outl);
			if (got < 0 && (errno == EAGAIN || errno == EINTR))
				BIO_set_retry_read(b);
			return (int)got;
		}
		if (hello_scan(h) == 0)
			continue;
		got = read(h->fd, h->buf + h->len, sizeof(h->buf) - h->len);
		if (got > 0) {
			h->len += (size_t)got;
			continue;
		}
		if (got < 0 && (errno == EAGAIN || errno == EINTR)) {
			BIO_set_retry_read(b);
			return -1;
		}
		h->end_errno = got < 0 ? errno : 0;
		h->mode = HELLO_PASS;
		h->give = h->len;
	}
}

static long
hello_bio_ctrl(BIO *b, int cmd, long num, void *ptr)
{
	(void)b;
	(void)num;
	(void)ptr;
	return cmd == BIO_CTRL_FLUSH ? 1 : 0;
}

static BIO *
hello_bio(struct hello_reader *h)
{
	static BIO_METHOD *m;
	BIO *b;

	if (!m) {
		m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "hello reader");
		if (!m || BIO_meth_set_read(m, hello_bio_read) != 1 ||
		    BIO_meth_set_ctrl(m, hello_bio_ctrl) != 1) {
			BIO_meth_free(m);
			m = NULL;
			return NULL;
		}
	}
	if (!(b = BIO_new(m)))
		return NULL;
	BIO_set_data(b, h);
	BIO_set_init(b, 1);
	return b;
}

static SSL_CTX *
shared_ctx(void)
{
	static SSL_CTX *ctx;

	if (!ctx) {
		ctx = SSL_CTX_new(TLS_client_method());
		if (!ctx)
			return NULL;
		SSL_CTX_set_security_level(ctx, 0);
		SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET | SSL_OP_LEGACY_SERVER_CONNECT);
		SSL_CTX_clear_options(ctx, SSL_OP_NO_COMPRESSION);
		SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
		SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	}
	return SSL_CTX_up_ref(ctx) == 1 ? ctx : NULL;
}

struct tls_attempt *
tls_attempt_new(int fd, const struct tls_attempt_opts *o, struct errmsg *e)
{
	struct tls_attempt *a;
	STACK_OF(SSL_CIPHER) *sk;
	const char *vname;
	char *list;
	int ok, n;

	ERR_clear_error();
	if ((unsigned)o->version >= TLS_NVERSIONS) {
		errmsg_set(e, "unknown tls version %d", (int)o->version);
		return NULL;
	}
	vname = version_names[o->version];
	if ((o->ciphers && strlen(o->ciphers) > TLS_OFFER_MAX) ||
	    (o->ciphersuites && strlen(o->ciphersuites) > TLS_OFFER_MAX)) {
		errmsg_set(e, "cipher offer for %s longer than %d bytes", vname, TLS_OFFER_MAX);
		return NULL;
	}
	if (o->sni && (o->sni[0] == '\0' || strlen(o->sni) > TLS_NAME_MAX)) {
		errmsg_set(e, "server name '%.64s' is empty or longer than %d bytes", o->sni,
			   TLS_NAME_MAX);
		return NULL;
	}
	if (o->verify_name && strlen(o->verify_name) > TLS_NAME_MAX) {
		errmsg_set(e, "host name '%.64s...' is longer than %d bytes", o->verify_name,
			   TLS_NAME_MAX);
		return NULL;
	}

	a = xcalloc(1, sizeof(*a));
	a->state = TLS_STEP_WANT_WRITE;
	a->want_cert = o->want_cert;
	a->want_ocsp = o->want_ocsp;
	a->verify_name = o->verify_name ? xstrdup(o->verify_name) : NULL;

	a->ctx = shared_ctx();
	if (!a->ctx) {
		fail_new(e, "cannot create a tls context");
		goto fail;
	}
	if (o->want_cert && !(a->store = shared_store(o->ca_file, e)))
		goto fail;
	a->ssl = SSL_new(a->ctx);
	if (!a->ssl) {
		fail_new(e, "cannot create a tls connection");
		goto fail;
	}
	/* security level 0 here and in the cipher string: see shared_ctx() */
	SSL_set_security_level(a->ssl, 0);
	if (SSL_set_min_proto_version(a->ssl, version_codes[o->version]) != 1 ||
	    SSL_set_max_proto_version(a->ssl, version_codes[o->version]) != 1) {
		fail_new(e, "cannot pin the tls version");
		goto fail;
	}
	if (o->version == TLS_V13) {
		if (SSL_set_ciphersuites(a->ssl, o->ciphersuites ? o->ciphersuites : ALL_SUITES13) != 1) {
			errmsg_set(e, "cannot offer tls 1.3 suites '%.200s'",
				   o->ciphersuites ? o->ciphersuites : ALL_SUITES13);
			ERR_clear_error();
			goto fail;
		}
	} else {
		list = xasprintf("%s:@SECLEVEL=0", o->ciphers ? o->ciphers : ALL_CIPHERS);
		ok = SSL_set_cipher_list(a->ssl, list);
		free(list);
		if (ok != 1) {
			errmsg_set(e, "cannot offer cipher suites '%.200s': no cipher match",
				   o->ciphers ? o->ciphers : ALL_CIPHERS);
			ERR_clear_error();
			goto fail;
		}
	}
	if (o->groups && SSL_set1_groups_list(a->ssl, o->groups) != 1) {
		errmsg_set(e, "cannot offer groups '%.200s'", o->groups);
		ERR_clear_error();
		goto fail;
	}
	/* a string may match suites only other versions can use */
	sk = SSL_get1_supported_ciphers(a->ssl);
	n = sk ? sk_SSL_CIPHER_num(sk) : 0;
	sk_SSL_CIPHER_free(sk);
	if (n <= 0) {
		errmsg_set(e, "no suite of '%.200s' can be offered in %s",
			   o->version == TLS_V13 ? (o->ciphersuites ? o->ciphersuites : ALL_SUITES13)
						 : (o->ciphers ? o->ciphers : ALL_CIPHERS),
			   vname);
		ERR_clear_error();
		goto fail;
	}
	if (o->sni) {
		char sni[TLS_NAME_MAX + 1];	/* the macro wants a non-const name; libssl copies it */

		copy(sni, sizeof(sni), o->sni);
		if (SSL_set_tlsext_host_name(a->ssl, sni) != 1) {
			fail_new(e, "cannot set server name");
			goto fail;
		}
	}
	if (o->want_ocsp && SSL_set_tlsext_status_type(a->ssl, TLSEXT_STATUSTYPE_ocsp) != 1) {
		fail_new(e, "cannot ask for ocsp stapling");
		goto fail;
	}
	SSL_set_msg_callback(a->ssl, msg_cb);
	SSL_set_msg_callback_arg(a->ssl, a);
	if (o->hello_only) {
		BIO *rb, *wb;

		a->hello = xcalloc(1, sizeof(*a->hello));
		a->hello->fd = fd;
		a->hello->ssl = a->ssl;
		a->hello->end_errno = -1;
		rb = hello_bio(a->hello);
		wb = BIO_new_socket(fd, BIO_NOCLOSE);
		if (!rb || !wb) {
			BIO_free(rb);
			BIO_free(wb);
			fail_new(e, "cannot attach the socket");
			goto fail;
		}
		SSL_set_bio(a->ssl, rb, wb);
	} else if (SSL_set_fd(a->ssl, fd) != 1) {
		fail_new(e, "cannot attach the socket");
		goto fail;
	}
	SSL_set_connect_state(a->ssl);
	return a;
fail:
	ERR_clear_error();
	tls_attempt_free(a);
	return NULL;
}

/* ---- results ------------------------------------------------------------ */

/* OpenSSL's curve names to the names the baseline uses (NIST ones). */
static const char *
curve_name(const char *ossl)
{
	static const char *const map[][2] = {
		{ "prime256v1", "P-256" }, { "secp256r1", "P-256" }, { "secp384r1", "P-384" },
		{ "secp521r1", "P-521" },  { "secp224r1", "P-224" }, { "prime192v1", "P-192" },
		{ "secp192r1", "P-192" },
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(ossl, map[i][0]) == 0)
			return map[i][1];
	return ossl;
}

/* Key type of pk as tls.h names it; curve for EC (else ""). */
static void
key_facts(EVP_PKEY *pk, char *type, size_t ntype, unsigned *bits, char *curve, size_t ncurve)
{
	static const char *const types[][2] = {
		{ "RSA", "RSA" },	  { "RSA-PSS", "RSA" }, { "EC", "EC" },
		{ "ED25519", "Ed25519" }, { "ED448", "Ed448" }, { "DSA", "DSA" },
		{ "DH", "DH" },		  { "DHX", "DH" },	{ "X25519", "X25519" },
		{ "X448", "X448" },
	};
	char group[64];
	size_t i, glen = 0;
	int b;

	copy(type, ntype, "?");
	copy(curve, ncurve, "");
	*bits = 0;
	if (!pk)
		return;
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (EVP_PKEY_is_a(pk, types[i][0])) {
			copy(type, ntype, types[i][1]);
			break;
		}
	b = EVP_PKEY_get_bits(pk);
	*bits = b > 0 ? (unsigned)b : 0;
	if (EVP_PKEY_is_a(pk, "EC") &&
	    EVP_PKEY_get_group_name(pk, group, sizeof(group), &glen) == 1)
		copy(curve, ncurve, curve_name(group));
	ERR_clear_error();
}

/* TLS 1.3 negotiated group (a NID, or TLSEXT_nid_unknown | id) to its name. */
static const char *
group_name(SSL *ssl, int nid)
{
	static const struct {
		int nid;
		const char *name;
	} map[] = {
		{ NID_X25519, "X25519" },	  { NID_X448, "X448" },
		{ NID_X9_62_prime256v1, "P-256" }, { NID_secp384r1, "P-384" },
		{ NID_secp521r1, "P-521" },	  { NID_ffdhe2048, "ffdhe2048" },
		{ NID_ffdhe3072, "ffdhe3072" },	  { NID_ffdhe4096, "ffdhe4096" },
		{ NID_ffdhe6144, "ffdhe6144" },	  { NID_ffdhe8192, "ffdhe8192" },
	};
	const char *s;
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (map[i].nid == nid)
			return map[i].name;
	s = SSL_group_to_name(ssl, nid);
	return s ? s : "?";
}

/*
 * Every elliptic-curve group OpenSSL 3.0 knows for TLS, by version (the
 * finite-field ones: see tls_offerable_groups in tls.h). Filtered at run time
 * by what SSL_set1_groups_list() takes for that version, so a build
 * without some curve simply does not offer it.
 */
static const char *const groups13[] = { "X25519", "X448", "P-256", "P-384", "P-521" };
static const char *const groups12[] = {
	"X25519", "X448", "P-256", "P-384", "P-521",
	"brainpoolP256r1", "brainpoolP384r1", "brainpoolP512r1",
	"secp256k1", "P-224", "secp224k1", "P-192", "secp192k1",
	"secp160k1", "secp160r1", "secp160r2",
	"sect163k1", "sect163r1", "sect163r2", "sect193r1", "sect193r2",
	"sect233k1", "sect233r1", "sect239k1", "sect283k1", "sect283r1",
	"sect409k1", "sect409r1", "sect571k1", "sect571r1",
};
static const size_t ngroups13 = NELEM(groups13), ngroups12 = NELEM(groups12);
#define GROUPS_MAX NELEM(groups12)
/* A group name of ours ("P-256", "X25519", "sect163k1") to its NID. */
static int
group_nid(const char *name)
{
	int nid = EC_curve_nist2nid(name);

	return nid != NID_undef ? nid : OBJ_sn2nid(name);
}

/* The name tls_offerable_groups() gives the group nid, or "". */
static const char *
offered_name(int nid)
{
	size_t i;

	for (i = 0; i < ngroups12; i++)
		if (group_nid(groups12[i]) == nid)
			return groups12[i];
	for (i = 0; i < ngroups13; i++)
		if (group_nid(groups13[i]) == nid)
			return groups13[i];
	return "";
}

static void
kx_facts(struct tls_attempt *a)
{
	struct tls_result *r = &a->res;
	EVP_PKEY *pk = NULL;
	char type[16], curve[32];
	unsigned bits = 0;
	int nid;

	if (SSL_get_peer_tmp_key(a->ssl, &pk) == 1 && pk) {
		key_facts(pk, type, sizeof(type), &bits, curve, sizeof(curve));
		r->kx_bits = bits;
		if (strcmp(type, "EC") == 0)
			copy(r->kx_group, sizeof(r->kx_group), curve[0] ? curve : "EC");
		else
			copy(r->kx_group, sizeof(r->kx_group), type);	/* X25519, X448, DH */
		EVP_PKEY_free(pk);
	}
	nid = SSL_get_negotiated_group(a->ssl);
	/* TLS 1.3: the group by name (a named FFDHE group is "ffdhe2048", not "DH") */
	if (r->version == TLS_V13 && nid != 0 && nid != NID_undef)
		copy(r->kx_group, sizeof(r->kx_group), group_name(a->ssl, nid));
	if (nid != 0 && nid != NID_undef && r->kx_group[0] && strcmp(r->kx_group, "DH") != 0)
		copy(r->kx_offered, sizeof(r->kx_offered), offered_name(nid));
	ERR_clear_error();
}

/*
 * Signature algorithm names: OpenSSL's long object names
 * ("sha256WithRSAEncryption", "ecdsa-with-SHA256", "sha1WithRSAEncryption",
 * "md5WithRSAEncryption", "ED25519", "ED448"), except RSASSA-PSS whose long
 * name is "rsassaPss": we use the short "RSASSA-PSS" (the digest sits in the
 * parameters). An unknown algorithm is its dotted OID.
 */
static void
sig_alg_name(X509 *x, char *dst, size_t n)
{
	const X509_ALGOR *alg = NULL;
	const ASN1_OBJECT *obj = NULL;

	if (X509_get_signature_nid(x) == NID_rsassaPss) {
		copy(dst, n, "RSASSA-PSS");
		return;
	}
	X509_get0_signature(NULL, &alg, x);
	if (alg)
		X509_ALGOR_get0(&obj, NULL, NULL, alg);
	if (!obj || OBJ_obj2txt(dst, (int)n, obj, 0) <= 0)
		copy(dst, n, "?");
}

/* One-line RFC 2253 name (non-ASCII and controls escaped), cut to n - 1 bytes. */
static void
name_line(const X509_NAME *name, char *dst, size_t n)
{
	BIO *b = BIO_new(BIO_s_mem());
	int got = 0;

	dst[0] = '\0';
	if (!b)
		return;
	if (name && X509_NAME_print_ex(b, name, 0, XN_FLAG_RFC2253) >= 0)
		got = BIO_read(b, dst, (int)n - 1);
	dst[got > 0 ? got : 0] = '\0';
	BIO_free(b);
}

static time_t
asn1_time(const ASN1_TIME *t)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (!t || ASN1_TIME_to_tm(t, &tm) != 1)
		return 0;
	return timegm(&tm);
}

/* The digests DANE TLSA records match (RFC 6698 §2.1): of the whole certificate and of its SubjectPublicKeyInfo. */
static void
cert_digests(X509 *x, struct tls_cert *c)
{
	unsigned char *der = NULL;
	unsigned int n;
	int len;

	if (X509_digest(x, EVP_sha256(), c->cert_sha256, &n) == 1 &&
	    X509_digest(x, EVP_sha512(), c->cert_sha512, &n) == 1 &&
	    (len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &der)) > 0 &&
	    EVP_Digest(der, (size_t)len, c->spki_sha256, &n, EVP_sha256(), NULL) == 1 &&
	    EVP_Digest(der, (size_t)len, c->spki_sha512, &n, EVP_sha512(), NULL) == 1)
		c->have_digests = true;
	OPENSSL_free(der);
}

static void
cert_facts(X509 *x, struct tls_cert *c)
{
	memset(c, 0, sizeof(*c));
	key_facts(X509_get0_pubkey(x), c->key_type, sizeof(c->key_type), &c->key_bits, c->curve,
		  sizeof(c->curve));
	sig_alg_name(x, c->sig_alg, sizeof(c->sig_alg));
	name_line(X509_get_subject_name(x), c->subject, sizeof(c->subject));
	name_line(X509_get_issuer_name(x), c->issuer, sizeof(c->issuer));
	c->not_before = asn1_time(X509_get0_notBefore(x));
	c->not_after = asn1_time(X509_get0_notAfter(x));
	c->self_signed = X509_self_signed(x, 0) == 1;
	cert_digests(x, c);
	ERR_clear_error();
}

/*
 * Verifies leaf + what the server sent against a->store (at the current
 * time, for the TLS server purpose), into a->res. Returns the chain OpenSSL
 * built (the caller frees it with sk_X509_pop_free), for the OCSP issuer, or
 * NULL.
 */
static STACK_OF(X509) *
verify_chain(struct tls_attempt *a, X509 *leaf, STACK_OF(X509) *sent)
{
	struct tls_result *r = &a->res;
	X509_STORE_CTX *vctx = X509_STORE_CTX_new();
	STACK_OF(X509) *built = NULL;

	r->verified = false;
	copy(r->verify_error, sizeof(r->verify_error), "cannot verify");
	if (vctx && X509_STORE_CTX_init(vctx, a->store, leaf, sent) == 1 &&
	    X509_STORE_CTX_set_default(vctx, "ssl_server") == 1) {
		r->verified = X509_verify_cert(vctx) == 1;
		copy(r->verify_error, sizeof(r->verify_error),
		     r->verified ? "ok"
				 : X509_verify_cert_error_string(X509_STORE_CTX_get_error(vctx)));
		lower(r->verify_error);
		built = X509_STORE_CTX_get1_chain(vctx);
	}
	X509_STORE_CTX_free(vctx);
	ERR_clear_error();
	return built;
}

static bool
is_ip_literal(const char *s)
{
	unsigned char buf[16];

	return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

/* The issuer of leaf: in what the server sent, else in the chain we built. */
static X509 *
find_issuer(X509 *leaf, STACK_OF(X509) *sent, STACK_OF(X509) *built)
{
	STACK_OF(X509) *lists[2] = { sent, built };
	X509 *c;
	int i, k;

	for (k = 0; k < 2; k++)
		for (i = 0; lists[k] && i < sk_X509_num(lists[k]); i++) {
			c = sk_X509_value(lists[k], i);
			if (X509_cmp(c, leaf) != 0 && X509_check_issued(c, leaf) == X509_V_OK)
				return c;
		}
	return NULL;
}

/*
 * An OCSP response (DER, len bytes) about leaf, in one word:
 *   "none"     no response (len 0)
 *   "invalid"  not DER, not a successful response, no basic response, the
 *              leaf or its issuer unknown, or no entry for the leaf
 *   "revoked"  the entry says revoked (whatever its dates)
 *   "stale"    good or unknown, but outside its validity window: nextUpdate
 *              is past, or thisUpdate is more than 7 days old (or more than
 *              5 minutes in the future), as OCSP_check_validity() judges
 *   "good", "unknown"  the entry's status, current
 * The responder's signature is not verified: this reports stapling, and
 * the chain's trust is reported separately. Shared by the handshake (the
 * stapled response) and tls_ocsp_status_der().
 */
static const char *
ocsp_verdict(const unsigned char *der, long len, X509 *leaf, X509 *issuer)
{
	static const char *const md_names[] = { "SHA1", "SHA256" };
	const unsigned char *p;
	OCSP_RESPONSE *rsp = NULL;
	OCSP_BASICRESP *bs = NULL;
	OCSP_CERTID *id;
	ASN1_GENERALIZEDTIME *thisupd = NULL, *nextupd = NULL, *revtime = NULL;
	const char *out = "invalid";
	int status = -1, reason = 0, found = 0;
	size_t i;

	if (len <= 0 || !der)
		return "none";
	p = der;
	rsp = d2i_OCSP_RESPONSE(NULL, &p, len);
	if (!rsp || OCSP_response_status(rsp) != OCSP_RESPONSE_STATUS_SUCCESSFUL)
		goto out;
	bs = OCSP_response_get1_basic(rsp);
	if (!bs || !leaf || !issuer)
		goto out;
	/* responders name the certificate by a SHA-1 (usual) or SHA-256 CertID */
	for (i = 0; !found && i < sizeof(md_names) / sizeof(md_names[0]); i++) {
		id = OCSP_cert_to_id(EVP_get_digestbyname(md_names[i]), leaf, issuer);
		if (id)
			found = OCSP_resp_find_status(bs, id, &status, &reason, &revtime, &thisupd,
						      &nextupd);
		OCSP_CERTID_free(id);
	}
	if (!found)
		goto out;
	if (status == V_OCSP_CERTSTATUS_REVOKED)
		out = "revoked";
	else if (OCSP_check_validity(thisupd, nextupd, OCSP_SKEW, OCSP_MAX_AGE) != 1)
		out = "stale";
	else if (status == V_OCSP_CERTSTATUS_GOOD)
		out = "good";
	else
		out = "unknown";
out:
	OCSP_BASICRESP_free(bs);
	OCSP_RESPONSE_free(rsp);
	ERR_clear_error();
	return out;
}

/* The stapled OCSP response of the handshake, as ocsp_verdict() judges it. */
static const char *
ocsp_status(SSL *ssl, X509 *leaf, X509 *issuer)
{
	const unsigned char *der = NULL;
	long len = SSL_get_tlsext_status_ocsp_resp(ssl, &der);

	return ocsp_verdict(der, len, leaf, issuer);
}

/* The negotiated version and suite c (NULL: none yet) into a->res. */
static void
version_and_suite(struct tls_attempt *a, const SSL_CIPHER *c)
{
	struct tls_result *r = &a->res;
	int v = SSL_version(a->ssl);
	size_t k;

	for (k = 0; k < TLS_NVERSIONS; k++)
		if (version_codes[k] == v)
			r->version = (enum tls_version)k;
	if (c) {
		copy(r->cipher, sizeof(r->cipher),
		     SSL_CIPHER_standard_name(c) ? SSL_CIPHER_standard_name(c)
						 : SSL_CIPHER_get_name(c));
		copy(r->cipher_openssl, sizeof(r->cipher_openssl), SSL_CIPHER_get_name(c));
	}
}

static void
collect(struct tls_attempt *a)
{
	struct tls_result *r = &a->res;
	STACK_OF(X509) *sent = SSL_get_peer_cert_chain(a->ssl), *built = NULL;
	X509 *leaf = SSL_get0_peer_certificate(a->ssl), *x;
	int i;

	version_and_suite(a, SSL_get_current_cipher(a->ssl));
	kx_facts(a);
	r->compression = SSL_get_current_compression(a->ssl) != NULL;
	r->secure_renegotiation = SSL_get_secure_renegotiation_support(a->ssl) == 1;

	if (a->want_cert && leaf) {
		cert_facts(leaf, &r->chain[0]);
		r->nchain = 1;
		/* on a client the sent chain starts with the leaf; keep the first ones */
		for (i = 0; sent && i < sk_X509_num(sent) && r->nchain < TLS_CHAIN_MAX; i++) {
			x = sk_X509_value(sent, i);
			if (i == 0 && X509_cmp(x, leaf) == 0)
				continue;
			cert_facts(x, &r->chain[r->nchain++]);
		}
		built = verify_chain(a, leaf, sent);
		if (a->verify_name)
			r->name_match =
				is_ip_literal(a->verify_name)
					? X509_check_ip_asc(leaf, a->verify_name, 0) == 1
					: X509_check_host(leaf, a->verify_name, strlen(a->verify_name),
							  0, NULL) == 1;
	} else if (a->want_cert) {
		copy(r->verify_error, sizeof(r->verify_error), "no certificate");
	}
	if (a->want_ocsp)
		copy(r->ocsp, sizeof(r->ocsp),
		     ocsp_status(a->ssl, leaf, leaf ? find_issuer(leaf, sent, built) : NULL));
	sk_X509_pop_free(built, X509_free);
	ERR_clear_error();
}

/* With hello_only, after the ServerHello: the version, the suite, the TLS 1.3 group. */
static void
collect_hello(struct tls_attempt *a)
{
	const SSL_CIPHER *c = SSL_get_pending_cipher(a->ssl);

	version_and_suite(a, c ? c : SSL_get_current_cipher(a->ssl));
	if (a->res.version == TLS_V13)
		kx_facts(a);
	ERR_clear_error();
}

/* ---- certificates and OCSP responses from DER --------------------------- */

/*
 * One DER certificate of exactly len bytes (at most TLS_DER_MAX), or NULL
 * with a reason in e (e may be NULL). The caller frees it with X509_free.
 */
static X509 *
x509_from_der(const uint8_t *der, size_t len, struct errmsg *e)
{
	const unsigned char *p = der;
	X509 *x;

	if (!der || len == 0) {
		errmsg_set(e, "certificate is empty");
		return NULL;
	}
	if (len > TLS_DER_MAX) {
		errmsg_set(e, "certificate of %zu bytes is longer than %d bytes", len, TLS_DER_MAX);
		return NULL;
	}
	ERR_clear_error();
	x = d2i_X509(NULL, &p, (long)len);
	if (!x) {
		fail_new(e, "cannot parse certificate");
		return NULL;
	}
	if (p != der + len) {
		size_t extra = (size_t)(der + len - p);

		errmsg_set(e, "certificate is followed by %zu byte%s of trailing data", extra,
			   extra == 1 ? "" : "s");
		X509_free(x);
		ERR_clear_error();
		return NULL;
	}
	return x;
}

int
tls_cert_from_der(const uint8_t *der, size_t len, struct tls_cert *c, struct errmsg *e)
{
	X509 *x = x509_from_der(der, len, e);

	memset(c, 0, sizeof(*c));
	if (!x)
		return -1;
	cert_facts(x, c);
	X509_free(x);
	ERR_clear_error();
	return 0;
}

const char *
tls_ocsp_status_der(const uint8_t *der, size_t len, const uint8_t *leaf_der, size_t leaf_len,
		    const uint8_t *issuer_der, size_t issuer_len)
{
	X509 *leaf, *issuer;
	const char *out;

	if (len == 0 || !der)
		return "none";
	if (len > TLS_DER_MAX)
		return "invalid";
	leaf = x509_from_der(leaf_der, leaf_len, NULL);
	issuer = x509_from_der(issuer_der, issuer_len, NULL);
	out = ocsp_verdict(der, (long)len, leaf, issuer);
	X509_free(leaf);
	X509_free(issuer);
	ERR_clear_error();
	return out;
}

/* ---- the handshake ------------------------------------------------------ */

static enum tls_step
end(struct tls_attempt *a, enum tls_step s, const char *why)
{
	a->state = s;
	a->ended = true;
	if (why) {
		copy(a->err, sizeof(a->err), why);
		lower(a->err);
	}
	ERR_clear_error();
	return s;
}

/*
 * The connection ended (EOF) before the handshake did. A server that closes
 * right after our ClientHello, without a byte of answer, is how many servers
 * say no to an old version or to suites they lack: REFUSED. Once the server
 * has sent anything (a ServerHello started), a close is a broken handshake:
 * FAILED.
 */
static enum tls_step
closed(struct tls_attempt *a)
{
	if (BIO_number_read(SSL_get_rbio(a->ssl)) == 0)
		return end(a, TLS_STEP_REFUSED, "connection closed");
	return end(a, TLS_STEP_FAILED, "connection closed during the handshake");
}

/*
 * SSL_ERROR_SSL: the first queued error decides.
 *  - an alert from the server ("alert handshake failure", "alert protocol
 *    version"), or libssl's own verdict that the server answered with
 *    another version ("unsupported protocol", "version too low", "wrong
 *    version number" on a TLS record header 0x03 0x0n), or "no shared
 *    cipher": REFUSED
 *  - EOF: see closed()
 *  - anything else, including "wrong version number" on bytes that are not
 *    a TLS record (an HTTP answer, garbage) or on a record after the
 *    ServerHello (a valid start, then garbage): FAILED
 */
static enum tls_step
ssl_error(struct tls_attempt *a)
{
	unsigned long code = ERR_peek_error();
	int reason = ERR_GET_REASON(code);
	char why[160];

	if (code != 0 && !ERR_SYSTEM_ERROR(code) && ERR_GET_LIB(code) == ERR_LIB_SSL) {
		if (reason >= SSL_AD_REASON_OFFSET && reason < SSL_AD_REASON_OFFSET + 256) {
			snprintf(why, sizeof(why), "alert %s",
				 SSL_alert_desc_string_long(reason - SSL_AD_REASON_OFFSET));
			return end(a, TLS_STEP_REFUSED, why);
		}
		switch (reason) {
		case SSL_R_UNEXPECTED_EOF_WHILE_READING:
			return closed(a);
		case SSL_R_UNSUPPORTED_PROTOCOL:
		case SSL_R_VERSION_TOO_LOW:
		case SSL_R_VERSION_TOO_HIGH:
		case SSL_R_NO_SHARED_CIPHER:
			queue_reason(why, sizeof(why), "refused");
			return end(a, TLS_STEP_REFUSED, why);
		case SSL_R_WRONG_VERSION_NUMBER:
			/*
			 * A refusal only while the ServerHello is awaited: after it, a
			 * record with another version is garbage in the handshake.
			 */
			if (a->have_header && a->first_header[1] == 0x03 &&
			    SSL_get_state(a->ssl) == TLS_ST_CW_CLNT_HELLO) {
				queue_reason(why, sizeof(why), "refused");
				return end(a, TLS_STEP_REFUSED, why);
			}
			if (SSL_get_state(a->ssl) != TLS_ST_CW_CLNT_HELLO)
				return end(a, TLS_STEP_FAILED,
					   "a broken record after the server's hello (wrong version number)");
			return end(a, TLS_STEP_FAILED, "not a tls answer (wrong version number)");
		default:
			break;
		}
	}
	queue_reason(why, sizeof(why), "tls error");
	return end(a, TLS_STEP_FAILED, why);
}

enum tls_step
tls_attempt_step(struct tls_attempt *a)
{
	char why[160];
	int rc, err, saved;

	if (a->ended)
		return a->state;
	ERR_clear_error();
	errno = 0;
	rc = SSL_connect(a->ssl);
	saved = errno;
	if (rc == 1) {
		collect(a);
		return end(a, TLS_STEP_DONE, NULL);
	}
	err = SSL_get_error(a->ssl, rc);
	switch (err) {
	case SSL_ERROR_WANT_READ:
		ERR_clear_error();
		if (a->hello && a->hello->mode == HELLO_HELD && a->hello->give == 0) {
			if (SSL_get_state(a->ssl) != TLS_ST_CR_SRVR_HELLO)
				return end(a, TLS_STEP_FAILED, "stopped after the server's hello in an "
							       "unexpected tls state");
			collect_hello(a);
			return end(a, TLS_STEP_DONE, NULL);
		}
		return a->state = TLS_STEP_WANT_READ;
	case SSL_ERROR_WANT_WRITE:
		ERR_clear_error();
		return a->state = TLS_STEP_WANT_WRITE;
	case SSL_ERROR_SSL:
		return ssl_error(a);
	case SSL_ERROR_ZERO_RETURN:
		return closed(a);
	case SSL_ERROR_SYSCALL:
		if (ERR_peek_error() != 0)
			return ssl_error(a);
		if (saved == 0)
			return closed(a);
		/* a reset is FAILED even before any answer: only a clean close says no */
		if (saved == ECONNRESET)
			return end(a, TLS_STEP_FAILED, "connection reset");
		snprintf(why, sizeof(why), "connection error: %s", strerror(saved));
		return end(a, TLS_STEP_FAILED, why);
	default:
		snprintf(why, sizeof(why), "unexpected tls state %d", err);
		return end(a, TLS_STEP_FAILED, why);
	}
}

const struct tls_result *
tls_attempt_result(const struct tls_attempt *a)
{
	return &a->res;
}

const char *
tls_attempt_error(const struct tls_attempt *a)
{
	return a->err;
}

void
tls_attempt_free(struct tls_attempt *a)
{
	if (!a)
		return;
	SSL_free(a->ssl);	/* no close_notify, and the fd stays open (BIO_NOCLOSE) */
	free(a->hello);
	SSL_CTX_free(a->ctx);
	X509_STORE_free(a->store);
	free(a->verify_name);
	free(a);
	ERR_clear_error();
}

/* ---- what we can offer -------------------------------------------------- */

#define SUITES_MAX 256
#define SUITE_NAME_MAX 64

static char suite_names[TLS_NVERSIONS][SUITES_MAX][SUITE_NAME_MAX];
static const char *suite_ptrs[TLS_NVERSIONS][SUITES_MAX];
static size_t suite_count[TLS_NVERSIONS];
static bool suite_filled[TLS_NVERSIONS];

/* Fills the static list for v once (the check is single-threaded). */
static void
fill_suites(enum tls_version v)
{
	STACK_OF(SSL_CIPHER) *sk = NULL;
	SSL_CTX *ctx;
	SSL *ssl = NULL;
	size_t n = 0;
	int i;

	suite_filled[v] = true;
	ctx = SSL_CTX_new(TLS_client_method());
	if (!ctx)
		goto out;
	SSL_CTX_set_security_level(ctx, 0);
	if (SSL_CTX_set_min_proto_version(ctx, version_codes[v]) != 1 ||
	    SSL_CTX_set_max_proto_version(ctx, version_codes[v]) != 1 ||
	    SSL_CTX_set_cipher_list(ctx, ALL_CIPHERS ":@SECLEVEL=0") != 1 ||
	    SSL_CTX_set_ciphersuites(ctx, ALL_SUITES13) != 1)
		goto out;
	ssl = SSL_new(ctx);
	if (!ssl)
		goto out;
	/* only what this version can use, without PSK/SRP suites we cannot do */
	sk = SSL_get1_supported_ciphers(ssl);
	for (i = 0; sk && i < sk_SSL_CIPHER_num(sk) && n < SUITES_MAX; i++) {
		copy(suite_names[v][n], SUITE_NAME_MAX, SSL_CIPHER_get_name(sk_SSL_CIPHER_value(sk, i)));
		suite_ptrs[v][n] = suite_names[v][n];
		n++;
	}
out:
	suite_count[v] = n;
	sk_SSL_CIPHER_free(sk);
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	ERR_clear_error();
}

size_t
tls_offerable_suites(enum tls_version v, const char **names, size_t max)
{
	size_t i;

	if ((unsigned)v >= TLS_NVERSIONS)
		return 0;
	if (!suite_filled[v])
		fill_suites(v);
	for (i = 0; i < suite_count[v] && i < max; i++)
		names[i] = suite_ptrs[v][i];
	return i;
}

static const char *group_ptrs[TLS_NVERSIONS][GROUPS_MAX];
static size_t group_count[TLS_NVERSIONS];
static bool group_filled[TLS_NVERSIONS];

static void
fill_groups(enum tls_version v)
{
	const char *const *list = v == TLS_V13 ? groups13 : groups12;
	size_t nlist = v == TLS_V13 ? ngroups13 : ngroups12, i, n = 0;
	SSL_CTX *ctx = shared_ctx();
	SSL *ssl = ctx ? SSL_new(ctx) : NULL;

	group_filled[v] = true;
	if (ssl) {
		SSL_set_security_level(ssl, 0);
		for (i = 0; i < nlist; i++)
			if (SSL_set1_groups_list(ssl, list[i]) == 1)
				group_ptrs[v][n++] = list[i];
	}
	group_count[v] = n;
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	ERR_clear_error();
}

size_t
tls_offerable_groups(enum tls_version v, const char **names, size_t max)
{
	size_t i;

	if ((unsigned)v >= TLS_NVERSIONS)
		return 0;
	if (!group_filled[v])
		fill_groups(v);
	for (i = 0; i < group_count[v] && i < max; i++)
		names[i] = group_ptrs[v][i];
	return i;
}
