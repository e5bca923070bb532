/* The --credentials file of check_baseline_snmp: reading, syntax, validation. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "snmp_cred.h"
#include "util.h"
#include "banned.h"

enum key { K_VERSION, K_COMMUNITY, K_USER, K_LEVEL, K_AUTH, K_AUTH_PASS, K_PRIV, K_PRIV_PASS, K_N };

static const char *const key_names[K_N] = {
	"version", "community", "user", "security-level", "auth-protocol", "auth-passphrase",
	"priv-protocol", "priv-passphrase",
};
#define KNOWN_KEYS "version, community, user, security-level, auth-protocol, auth-passphrase, " \
	"priv-protocol, priv-passphrase"

static const char *const version_names[] = { "1", "2c", "3" };
static const char *const level_names[] = { "noAuthNoPriv", "authNoPriv", "authPriv" };
static const char *const auth_names[] = { "none", "MD5", "SHA", "SHA-224", "SHA-256", "SHA-384",
					  "SHA-512" };
static const char *const priv_names[] = { "none", "DES", "AES", "AES-192", "AES-256" };

/* One parse: the name for messages and the line of each key (0: absent). */
struct parse {
	const char *name;
	bool netsnmp;		/* the file is in net-snmp's snmp.conf syntax */
	unsigned line[K_N];
	struct errmsg *e;
};

/* Sets "credentials 'NAME': [line N: ]..." and returns -1. */
static int CB_PRINTF(3, 4)
fail(const struct parse *ps, unsigned line, const char *fmt, ...)
{
	char why[ERRMSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (line)
		errmsg_set(ps->e, "credentials '%s': line %u: %s", ps->name, line, why);
	else
		errmsg_set(ps->e, "credentials '%s': %s", ps->name, why);
	return -1;
}

/* Index of s among names[first..n) ignoring case, or -1. */
static int
lookup(const char *s, const char *const *names, size_t first, size_t n)
{
	size_t i;

	for (i = first; i < n; i++)
		if (strcasecmp(s, names[i]) == 0)
			return (int)i;
	return -1;
}

static bool
is_blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r';
}

/* Trims blanks from both ends of s[0..*n) in place; returns the new start. */
static char *
trim(char *s, size_t *n)
{
	while (*n && is_blank(*s)) {
		s++;
		(*n)--;
	}
	while (*n && is_blank(s[*n - 1]))
		(*n)--;
	s[*n] = '\0';
	return s;
}

/* The secret strings are wiped before they are freed. */
static void
wipe_free(char **p)
{
	if (*p) {
		explicit_bzero(*p, strlen(*p));
		free(*p);
		*p = NULL;
	}
}

/* Stores the value v (len n, trimmed, NUL-terminated) of key k from line ln. */
static int
set_key(struct parse *ps, struct snmp_cred *c, enum key k, const char *kn, const char *v, size_t n,
	unsigned ln)
{
	size_t i;
	int idx;

	if (n == 0)
		return fail(ps, ln, "%s: empty value", kn);
	if (n > SNMP_CRED_VALUE_MAX)
		return fail(ps, ln, "%s: longer than %d bytes", kn, SNMP_CRED_VALUE_MAX);
	for (i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
			return fail(ps, ln, "%s: contains a control character", kn);
	switch (k) {
	case K_VERSION:
		if ((idx = lookup(v, version_names, 0, NELEM(version_names))) < 0)
			return fail(ps, ln, "%s: expected 1, 2c or 3", kn);
		c->have_version = true;
		c->version = (enum snmp_version)idx;
		break;
	case K_COMMUNITY:
		c->community = xstrndup(v, n);
		break;
	case K_USER:
		if (n > SNMP_CRED_USER_MAX)
			return fail(ps, ln, "%s: longer than %d bytes", kn, SNMP_CRED_USER_MAX);
		c->user = xstrndup(v, n);
		break;
	case K_LEVEL:
		if ((idx = lookup(v, level_names, 0, NELEM(level_names))) < 0)
			return fail(ps, ln, "%s: expected noAuthNoPriv, authNoPriv or authPriv", kn);
		c->level = (enum snmp_seclevel)idx;
		break;
	case K_AUTH:
		if ((idx = lookup(v, auth_names, 1, NELEM(auth_names))) < 0)
			return fail(ps, ln, "%s: expected MD5, SHA, SHA-224, SHA-256, SHA-384 or "
				    "SHA-512", kn);
		c->auth = (enum snmp_auth)idx;
		break;
	case K_PRIV:
		if ((idx = lookup(v, priv_names, 1, NELEM(priv_names))) < 0 &&
		    strcasecmp(v, "AES-128") == 0)	/* net-snmp's other name for AES */
			idx = SNMP_PRIV_AES;
		if (idx < 0)
			return fail(ps, ln, "%s: expected DES, AES, AES-192 or AES-256", kn);
		c->priv = (enum snmp_priv)idx;
		break;
	case K_AUTH_PASS:
	case K_PRIV_PASS:
		if (n < SNMP_CRED_PASS_MIN)
			return fail(ps, ln, "%s: shorter than %d bytes", kn, SNMP_CRED_PASS_MIN);
		*(k == K_AUTH_PASS ? &c->auth_pass : &c->priv_pass) = xstrndup(v, n);
		break;
	case K_N:
		break;
	}
	return 0;
}

/*
 * net-snmp's snmp.conf directives for the default credentials (snmp.conf(5)),
 * and our key each stands for; defPassphrase is both pass phrases.
 */
static const struct {
	const char *name;
	enum key k;
} directives[] = {
	{ "defVersion", K_VERSION },		{ "defCommunity", K_COMMUNITY },
	{ "defSecurityName", K_USER },		{ "defSecurityLevel", K_LEVEL },
	{ "defAuthType", K_AUTH },		{ "defAuthPassphrase", K_AUTH_PASS },
	{ "defPrivType", K_PRIV },		{ "defPrivPassphrase", K_PRIV_PASS },
	{ "defPassphrase", K_N },
};

/*
 * A line of net-snmp's snmp.conf syntax, "directive value": the directives
 * above (net-snmp ignores their case), each at most once; every other
 * directive of snmp.conf (mibs, defaultPort ...) is not ours and is skipped,
 * except the keys given as keys instead of pass phrases and a context, which
 * this check cannot use: those are refused, never ignored.
 */
static int
parse_directive(struct parse *ps, struct snmp_cred *c, char *s, size_t n, unsigned ln)
{
	size_t wlen = 0, vlen, i;
	char *val;

	while (wlen < n && !is_blank(s[wlen]))
		wlen++;
	vlen = n - wlen;
	val = trim(s + wlen, &vlen);
	s[wlen] = '\0';
	for (i = 0; i < NELEM(directives); i++)
		if (strcasecmp(s, directives[i].name) == 0)
			break;
	if (i == NELEM(directives)) {
		static const char *const unusable[] = { "defAuthMasterKey", "defPrivMasterKey",
							"defAuthLocalizedKey", "defPrivLocalizedKey",
							"defContext" };

		for (i = 0; i < NELEM(unusable); i++)
			if (strcasecmp(s, unusable[i]) == 0)
				return fail(ps, ln, "%s is not supported (supported: defVersion, "
					    "defCommunity, defSecurityName, defSecurityLevel, defAuthType, "
					    "defAuthPassphrase, defPrivType, defPrivPassphrase, "
					    "defPassphrase)", unusable[i]);
		return 0;	/* mibs, defaultPort ...: not credentials */
	}
	if (directives[i].k == K_N) {	/* defPassphrase: both, unless given on their own */
		enum key both[2] = { K_AUTH_PASS, K_PRIV_PASS };
		size_t b;

		for (b = 0; b < 2; b++) {
			if (ps->line[both[b]])
				return fail(ps, ln, "defPassphrase and %s both given (line %u)",
					    b ? "defPrivPassphrase" : "defAuthPassphrase",
					    ps->line[both[b]]);
			ps->line[both[b]] = ln;
			if (set_key(ps, c, both[b], "defPassphrase", val, vlen, ln) == -1)
				return -1;
		}
		return 0;
	}
	if (ps->line[directives[i].k])
		return fail(ps, ln, "%s given twice (first on line %u)", directives[i].name,
			    ps->line[directives[i].k]);
	ps->line[directives[i].k] = ln;
	return set_key(ps, c, directives[i].k, directives[i].name, val, vlen, ln);
}

/* One line (NUL-free, NUL-terminated copy in buf, len n). */
static int
parse_line(struct parse *ps, struct snmp_cred *c, char *buf, size_t n, unsigned ln)
{
	char *s, *eq, *key, *val;
	size_t klen, vlen;
	unsigned k;

	s = trim(buf, &n);
	if (n == 0 || s[0] == '#')
		return 0;
	if (ps->netsnmp)
		return parse_directive(ps, c, s, n, ln);
	eq = memchr(s, '=', n);
	if (!eq)
		return fail(ps, ln, "expected key=value");
	klen = (size_t)(eq - s);
	key = trim(s, &klen);
	vlen = n - (size_t)(eq - s) - 1;
	val = trim(eq + 1, &vlen);
	if (klen == 0)
		return fail(ps, ln, "expected key=value");
	for (k = 0; k < K_N; k++)
		if (strcmp(key, key_names[k]) == 0)
			break;
	if (k == K_N)
		return fail(ps, ln, "unknown key (known: " KNOWN_KEYS ")");
	if (ps->line[k])
		return fail(ps, ln, "%s given twice (first on line %u)", key_names[k], ps->line[k]);
	ps->line[k] = ln;
	return set_key(ps, c, (enum key)k, key_names[k], val, vlen, ln);
}

/* Key k as the file spells it: ours, or net-snmp's directive. */
static const char *
kname(const struct parse *ps, enum key k)
{
	size_t i;

	if (ps->netsnmp)
		for (i = 0; i < NELEM(directives); i++)
			if (directives[i].k == k)
				return directives[i].name;
	return key_names[k];
}

/* The rules between keys, once every line is read. */
static int
validate(struct parse *ps, struct snmp_cred *c)
{
	static const enum key v3keys[] = { K_LEVEL, K_AUTH, K_AUTH_PASS, K_PRIV, K_PRIV_PASS };
	const unsigned *l = ps->line;
	bool auth, priv;
	size_t i;

#define N(k) kname(ps, k)
	if (!c->community && !c->user)
		return fail(ps, 0, "neither %s nor %s given", N(K_COMMUNITY), N(K_USER));
	if (c->have_version && c->version == SNMP_V3 && !c->user)
		return fail(ps, l[K_VERSION], "%s 3 needs %s", N(K_VERSION), N(K_USER));
	if (c->have_version && c->version != SNMP_V3) {
		if (!c->community)
			return fail(ps, l[K_VERSION], "%s %s needs %s", N(K_VERSION),
				    version_names[c->version], N(K_COMMUNITY));
		if (c->user)
			return fail(ps, l[K_USER], "%s needs %s 3 (%s %s on line %u)", N(K_USER),
				    N(K_VERSION), N(K_VERSION), version_names[c->version],
				    l[K_VERSION]);
	}
	for (i = 0; i < NELEM(v3keys); i++)
		if (l[v3keys[i]] && !c->user)
			return fail(ps, l[v3keys[i]], "%s needs %s", N(v3keys[i]), N(K_USER));
	if (l[K_AUTH] && !l[K_AUTH_PASS])
		return fail(ps, l[K_AUTH], "%s needs %s", N(K_AUTH), N(K_AUTH_PASS));
	if (l[K_AUTH_PASS] && !l[K_AUTH])
		return fail(ps, l[K_AUTH_PASS], "%s needs %s", N(K_AUTH_PASS), N(K_AUTH));
	if (l[K_PRIV] && !l[K_PRIV_PASS])
		return fail(ps, l[K_PRIV], "%s needs %s", N(K_PRIV), N(K_PRIV_PASS));
	if (l[K_PRIV_PASS] && !l[K_PRIV])
		return fail(ps, l[K_PRIV_PASS], "%s needs %s", N(K_PRIV_PASS), N(K_PRIV));
	auth = l[K_AUTH] != 0;
	priv = l[K_PRIV] != 0;
	if (priv && !auth)
		return fail(ps, l[K_PRIV], "%s needs %s and %s", N(K_PRIV), N(K_AUTH), N(K_AUTH_PASS));
	if (!l[K_LEVEL]) {
		c->level = priv ? SNMP_AUTHPRIV : auth ? SNMP_AUTHNOPRIV : SNMP_NOAUTHNOPRIV;
		return 0;
	}
	if (c->level != SNMP_NOAUTHNOPRIV && !auth)
		return fail(ps, l[K_LEVEL], "%s %s needs %s and %s", N(K_LEVEL),
			    level_names[c->level], N(K_AUTH), N(K_AUTH_PASS));
	if (c->level == SNMP_AUTHPRIV && !priv)
		return fail(ps, l[K_LEVEL], "%s authPriv needs %s and %s", N(K_LEVEL), N(K_PRIV),
			    N(K_PRIV_PASS));
	if (c->level == SNMP_NOAUTHNOPRIV && auth)
		return fail(ps, l[K_AUTH], "%s is not used at %s noAuthNoPriv (line %u)", N(K_AUTH),
			    N(K_LEVEL), l[K_LEVEL]);
	if (c->level == SNMP_AUTHNOPRIV && priv)
		return fail(ps, l[K_PRIV], "%s is not used at %s authNoPriv (line %u)", N(K_PRIV),
			    N(K_LEVEL), l[K_LEVEL]);
#undef N
	return 0;
}

/*
 * Whether text is in net-snmp's syntax: a line starts (after blanks) with one
 * of its credential directives and a blank.
 */
static bool
is_snmp_conf(const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	size_t i, w;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *e = nl ? nl : end;

		while (p < e && is_blank(*p))
			p++;
		for (i = 0; i < NELEM(directives); i++) {
			w = strlen(directives[i].name);
			if ((size_t)(e - p) > w && strncasecmp(p, directives[i].name, w) == 0 &&
			    is_blank(p[w]))
				return true;
		}
		p = nl ? nl + 1 : end;
	}
	return false;
}

int
snmp_cred_parse(const char *text, size_t len, const char *name, struct snmp_cred *c,
		struct errmsg *e)
{
	char buf[SNMP_CRED_LINE_MAX + 1];
	struct parse ps;
	const char *p = text, *end = text + len, *nl;
	unsigned ln = 0;
	size_t n;
	int rc = 0;

	memset(c, 0, sizeof(*c));
	memset(&ps, 0, sizeof(ps));
	ps.name = name;
	ps.e = e;
	if (len > SNMP_CRED_FILE_MAX)
		return fail(&ps, 0, "larger than %d bytes", SNMP_CRED_FILE_MAX);
	ps.netsnmp = is_snmp_conf(text, len);
	while (rc == 0 && p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		n = (size_t)((nl ? nl : end) - p);
		ln++;
		if (n > SNMP_CRED_LINE_MAX)
			rc = fail(&ps, ln, "longer than %d bytes", SNMP_CRED_LINE_MAX);
		else if (memchr(p, '\0', n))
			rc = fail(&ps, ln, "contains a NUL byte");
		else {
			memcpy(buf, p, n);
			buf[n] = '\0';
			rc = parse_line(&ps, c, buf, n, ln);
		}
		p = nl ? nl + 1 : end;
	}
	explicit_bzero(buf, sizeof(buf));
	if (rc == 0)
		rc = validate(&ps, c);
	if (rc == -1)
		snmp_cred_release(c);
	return rc;
}

int
snmp_cred_load(const char *path, struct snmp_cred *c, struct errmsg *e)
{
	char *text;
	size_t len;
	int rc;

	memset(c, 0, sizeof(*c));
	if (util_read_private_file(path, "credentials", SNMP_CRED_FILE_MAX, &text, &len, e) == -1)
		return -1;
	rc = snmp_cred_parse(text, len, path, c, e);
	explicit_bzero(text, len);
	free(text);
	return rc;
}

void
snmp_cred_release(struct snmp_cred *c)
{
	if (!c)
		return;
	wipe_free(&c->community);
	wipe_free(&c->auth_pass);
	wipe_free(&c->priv_pass);
	free(c->user);
	memset(c, 0, sizeof(*c));
}

const char *
snmp_version_name(enum snmp_version v)
{
	return (size_t)v < NELEM(version_names) ? version_names[v] : "?";
}

const char *
snmp_level_name(enum snmp_seclevel l)
{
	return (size_t)l < NELEM(level_names) ? level_names[l] : "?";
}

const char *
snmp_auth_name(enum snmp_auth a)
{
	return (size_t)a < NELEM(auth_names) ? auth_names[a] : "?";
}

const char *
snmp_priv_name(enum snmp_priv p)
{
	return (size_t)p < NELEM(priv_names) ? priv_names[p] : "?";
}

#define KU_EXPANDED (1024 * 1024)	/* RFC 3414 A.2: the pass phrase repeated to 1 MB */
#define KU_PIECE 4096

size_t
snmp_password_to_key(enum snmp_auth a, const char *pass, size_t len, unsigned char out[SNMP_KU_MAX])
{
	/* a piece is a whole number of pass phrases, so every piece starts with its first byte */
	unsigned char piece[KU_PIECE + SNMP_CRED_VALUE_MAX];
	const EVP_MD *md;
	EVP_MD_CTX *ctx;
	size_t plen, done, i;
	unsigned int n = 0;

	switch (a) {
	case SNMP_AUTH_MD5: md = EVP_md5(); break;
	case SNMP_AUTH_SHA: md = EVP_sha1(); break;
	case SNMP_AUTH_SHA224: md = EVP_sha224(); break;
	case SNMP_AUTH_SHA256: md = EVP_sha256(); break;
	case SNMP_AUTH_SHA384: md = EVP_sha384(); break;
	case SNMP_AUTH_SHA512: md = EVP_sha512(); break;
	default: return 0;
	}
	if (!pass || len == 0 || len > SNMP_CRED_VALUE_MAX || !md)
		return 0;
	plen = KU_PIECE / len * len;
	if (plen == 0)
		plen = len;
	for (i = 0; i < plen; i++)
		piece[i] = (unsigned char)pass[i % len];
	ctx = EVP_MD_CTX_new();
	if (!ctx || EVP_DigestInit_ex(ctx, md, NULL) != 1)
		goto fail;
	for (done = 0; done < KU_EXPANDED; done += plen)
		if (EVP_DigestUpdate(ctx, piece, KU_EXPANDED - done < plen ? KU_EXPANDED - done : plen) != 1)
			goto fail;
	if (EVP_DigestFinal_ex(ctx, out, &n) != 1)
		n = 0;
	EVP_MD_CTX_free(ctx);
	explicit_bzero(piece, sizeof(piece));
	return n;
fail:
	EVP_MD_CTX_free(ctx);
	explicit_bzero(piece, sizeof(piece));
	return 0;
}
