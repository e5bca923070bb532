/* SNMP credentials files: good files, every error with its message, caps, file checks, no secret in messages. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include "snmp_cred.h"
#include "util.h"

#define C "credentials 'c.cred': "
#define KNOWN "(known: version, community, user, security-level, auth-protocol, auth-passphrase, " \
	"priv-protocol, priv-passphrase)"
/* Every secret (and every mistyped line that may hold one) in the tables contains this. */
#define MARK "S3cr3t"

static void
assert_no_secret(const char *msg, size_t row)
{
	if (strcasestr(msg, MARK))
		fail_msg("row %zu: a secret in the message: %s", row, msg);
}

/* ---- good files ---------------------------------------------------------- */

struct good_row {
	const char *text;
	bool have_version;
	enum snmp_version version;
	const char *community, *user;
	enum snmp_seclevel level;
	enum snmp_auth auth;
	const char *auth_pass;
	enum snmp_priv priv;
	const char *priv_pass;
};

static const struct good_row good_rows[] = {
	/* the hardened peer's file, with comments, CRLF, blanks and tabs around '=' */
	{ "# site credentials\r\n\r\nversion = 3\r\nuser=cbmon\r\n security-level\t=\tauthPriv \r\n"
	  "auth-protocol=SHA-256\r\nauth-passphrase = S3cr3t auth phrase\r\npriv-protocol=AES\r\n"
	  "priv-passphrase=S3cr3t=priv#phrase\r\n",
	  true, SNMP_V3, NULL, "cbmon", SNMP_AUTHPRIV, SNMP_AUTH_SHA256, "S3cr3t auth phrase",
	  SNMP_PRIV_AES, "S3cr3t=priv#phrase" },
	{ "version=2c\ncommunity=public\n", true, SNMP_V2C, "public", NULL, SNMP_NOAUTHNOPRIV,
	  SNMP_AUTH_NONE, NULL, SNMP_PRIV_NONE, NULL },
	{ "version=1\ncommunity=private", true, SNMP_V1, "private", NULL, SNMP_NOAUTHNOPRIV,
	  SNMP_AUTH_NONE, NULL, SNMP_PRIV_NONE, NULL },
	{ "version=2C\ncommunity=x", true, SNMP_V2C, "x", NULL, SNMP_NOAUTHNOPRIV, SNMP_AUTH_NONE,
	  NULL, SNMP_PRIV_NONE, NULL },
	/* no version: the check decides */
	{ "   community   =   legacy ro   \n", false, SNMP_V1, "legacy ro", NULL, SNMP_NOAUTHNOPRIV,
	  SNMP_AUTH_NONE, NULL, SNMP_PRIV_NONE, NULL },
	{ "community=gr\xc3\xb8n", false, SNMP_V1, "gr\xc3\xb8n", NULL, SNMP_NOAUTHNOPRIV,
	  SNMP_AUTH_NONE, NULL, SNMP_PRIV_NONE, NULL },
	/* the level follows from the keys; names ignore case */
	{ "user=u\nauth-protocol=sha-512\nauth-passphrase=12345678\npriv-protocol=aes-256\n"
	  "priv-passphrase=abcdefgh\n",
	  false, SNMP_V1, NULL, "u", SNMP_AUTHPRIV, SNMP_AUTH_SHA512, "12345678", SNMP_PRIV_AES256,
	  "abcdefgh" },
	{ "user=u\nauth-protocol=MD5\nauth-passphrase=#1234567", false, SNMP_V1, NULL, "u",
	  SNMP_AUTHNOPRIV, SNMP_AUTH_MD5, "#1234567", SNMP_PRIV_NONE, NULL },
	{ "version=3\nuser=weak", true, SNMP_V3, NULL, "weak", SNMP_NOAUTHNOPRIV, SNMP_AUTH_NONE, NULL,
	  SNMP_PRIV_NONE, NULL },
	{ "version=3\nuser=weak\nsecurity-level=noauthnopriv\n", true, SNMP_V3, NULL, "weak",
	  SNMP_NOAUTHNOPRIV, SNMP_AUTH_NONE, NULL, SNMP_PRIV_NONE, NULL },
	/* v3 with the legacy community beside it */
	{ "version=3\ncommunity=legacy\nuser=u\nsecurity-level=authNoPriv\nauth-protocol=SHA\n"
	  "auth-passphrase=12345678",
	  true, SNMP_V3, "legacy", "u", SNMP_AUTHNOPRIV, SNMP_AUTH_SHA, "12345678", SNMP_PRIV_NONE,
	  NULL },
	{ "user=u\nsecurity-level=AUTHPRIV\nauth-protocol=SHA-224\nauth-passphrase=pass word\n"
	  "priv-protocol=DES\npriv-passphrase=pass=word",
	  false, SNMP_V1, NULL, "u", SNMP_AUTHPRIV, SNMP_AUTH_SHA224, "pass word", SNMP_PRIV_DES,
	  "pass=word" },
	{ "# x\n\t# indented comment\nuser=u\npriv-protocol=AES-192\npriv-passphrase=12345678\n"
	  "auth-protocol=SHA-384\nauth-passphrase=87654321\n\n\n",
	  false, SNMP_V1, NULL, "u", SNMP_AUTHPRIV, SNMP_AUTH_SHA384, "87654321", SNMP_PRIV_AES192,
	  "12345678" },
	/* net-snmp's snmp.conf syntax: its def* directives (any case), its other directives skipped */
	{ "# ~/.snmp/snmp.conf\nmibs :\ndefVersion 3\ndefSecurityName cbmon\n"
	  "defSecurityLevel authPriv\ndefAuthType SHA-256\ndefAuthPassphrase S3cr3t auth phrase\n"
	  "defPrivType AES-128\n  defPrivPassphrase\tS3cr3t=priv\n",
	  true, SNMP_V3, NULL, "cbmon", SNMP_AUTHPRIV, SNMP_AUTH_SHA256, "S3cr3t auth phrase",
	  SNMP_PRIV_AES, "S3cr3t=priv" },
	{ "defsecurityname u\nDEFPASSPHRASE both ways\ndefAuthType SHA\ndefPrivType AES-256\n",
	  false, SNMP_V1, NULL, "u", SNMP_AUTHPRIV, SNMP_AUTH_SHA, "both ways", SNMP_PRIV_AES256,
	  "both ways" },
	{ "defaultPort 1161\ndefCommunity legacy ro\ndefVersion 2c\npersistentDir /var/tmp\n",
	  true, SNMP_V2C, "legacy ro", NULL, SNMP_NOAUTHNOPRIV, SNMP_AUTH_NONE, NULL, SNMP_PRIV_NONE,
	  NULL },
};

static void
assert_str_or_null(const char *got, const char *want, size_t row, const char *field)
{
	if (!want && !got)
		return;
	if (!want || !got || strcmp(got, want) != 0)
		fail_msg("row %zu %s: got '%s', want '%s'", row, field, got ? got : "(null)",
			 want ? want : "(null)");
}

static void
test_good(void **state)
{
	struct snmp_cred c;
	struct errmsg e;
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(good_rows); i++) {
		const struct good_row *r = &good_rows[i];

		memset(&e, 0, sizeof(e));
		if (snmp_cred_parse(r->text, strlen(r->text), "c.cred", &c, &e) != 0)
			fail_msg("row %zu refused: %s", i, e.msg);
		assert_int_equal(c.have_version, r->have_version);
		if (r->have_version)
			assert_int_equal(c.version, r->version);
		assert_str_or_null(c.community, r->community, i, "community");
		assert_str_or_null(c.user, r->user, i, "user");
		assert_str_or_null(c.auth_pass, r->auth_pass, i, "auth_pass");
		assert_str_or_null(c.priv_pass, r->priv_pass, i, "priv_pass");
		if (r->user) {
			assert_int_equal(c.level, r->level);
			assert_int_equal(c.auth, r->auth);
			assert_int_equal(c.priv, r->priv);
		}
		snmp_cred_release(&c);
		assert_null(c.community);
		assert_null(c.user);
		assert_null(c.auth_pass);
		assert_null(c.priv_pass);
	}
}

/* ---- errors -------------------------------------------------------------- */

struct err_row {
	const char *text;
	size_t len;		/* 0: strlen(text) */
	const char *want;
};

/* A literal and its length, for texts with a NUL inside. */
#define B(s) s, sizeof(s) - 1

#define SUPPORTED "(supported: defVersion, defCommunity, defSecurityName, defSecurityLevel, " \
	"defAuthType, defAuthPassphrase, defPrivType, defPrivPassphrase, defPassphrase)"

static const struct err_row err_rows[] = {
	/* snmp.conf syntax: messages name the directives */
	{ "defSecurityName u\ndefAuthMasterKey 0xS3cr3t", 0,
	  C "line 2: defAuthMasterKey is not supported " SUPPORTED },
	{ "defSecurityName u\ndefcontext S3cr3t", 0, C "line 2: defContext is not supported " SUPPORTED },
	{ "defSecurityName u\ndefSecurityName v", 0,
	  C "line 2: defSecurityName given twice (first on line 1)" },
	{ "defSecurityName u\ndefAuthType SHA", 0, C "line 2: defAuthType needs defAuthPassphrase" },
	{ "defSecurityName u\ndefAuthPassphrase S3cr3tS3cr3t\ndefPassphrase S3cr3tS3cr3t", 0,
	  C "line 3: defPassphrase and defAuthPassphrase both given (line 2)" },
	{ "defSecurityName u\ndefPassphrase S3cr3tS3cr3t\ndefPrivPassphrase S3cr3tS3cr3t", 0,
	  C "line 3: defPrivPassphrase given twice (first on line 2)" },
	{ "defVersion 5\ndefCommunity S3cr3t", 0, C "line 1: defVersion: expected 1, 2c or 3" },
	{ "defCommunity S3cr3t\ndefVersion 1\ndefSecurityName u", 0,
	  C "line 3: defSecurityName needs defVersion 3 (defVersion 1 on line 2)" },
	{ "defVersion 3\nmibs +ALL", 0, C "neither defCommunity nor defSecurityName given" },
	{ "defSecurityName u\ndefPassphrase short", 0,
	  C "line 2: defPassphrase: shorter than 8 bytes" },

	{ "", 0, C "neither community nor user given" },
	{ "# only comments\n\n  \r\n", 0, C "neither community nor user given" },
	{ "version=2c\n", 0, C "neither community nor user given" },
	/* syntax; a line that is not key=value is never echoed: it may be a secret */
	{ "S3cr3tPassphrase\n", 0, C "line 1: expected key=value" },
	{ "community=x\n  =S3cr3t\n", 0, C "line 2: expected key=value" },
	{ "S3cr3t-key = S3cr3t-value\n", 0, C "line 1: unknown key " KNOWN },
	{ "auth-passphrase S3cr3t=x\n", 0, C "line 1: unknown key " KNOWN },
	{ "Community=public", 0, C "line 1: unknown key " KNOWN },
	{ "community=S3cr3t1\n# again\ncommunity=S3cr3t2", 0,
	  C "line 3: community given twice (first on line 1)" },
	{ B("community=x\n\0S3cr3t\n"), C "line 2: contains a NUL byte" },
	{ B("community=S3cr3t\0more\n"), C "line 1: contains a NUL byte" },
	/* values */
	{ "community=\n", 0, C "line 1: community: empty value" },
	{ "community= \t \r\n", 0, C "line 1: community: empty value" },
	{ "community=S3cr3t\x01x", 0, C "line 1: community: contains a control character" },
	{ "community=S3cr3t\tx", 0, C "line 1: community: contains a control character" },
	{ "community=S3cr3t\rx", 0, C "line 1: community: contains a control character" },
	{ "user=u\nauth-passphrase=S3cr3t\x7f" "abc", 0,
	  C "line 2: auth-passphrase: contains a control character" },
	{ "version=4", 0, C "line 1: version: expected 1, 2c or 3" },
	{ "version=v2c", 0, C "line 1: version: expected 1, 2c or 3" },
	{ "version=S3cr3t", 0, C "line 1: version: expected 1, 2c or 3" },
	{ "community=x\nsecurity-level=S3cr3t", 0,
	  C "line 2: security-level: expected noAuthNoPriv, authNoPriv or authPriv" },
	{ "auth-protocol=SHA1", 0,
	  C "line 1: auth-protocol: expected MD5, SHA, SHA-224, SHA-256, SHA-384 or SHA-512" },
	{ "auth-protocol=none", 0,
	  C "line 1: auth-protocol: expected MD5, SHA, SHA-224, SHA-256, SHA-384 or SHA-512" },
	{ "auth-protocol=S3cr3tS3cr3t", 0,
	  C "line 1: auth-protocol: expected MD5, SHA, SHA-224, SHA-256, SHA-384 or SHA-512" },
	{ "priv-protocol=AES128", 0, C "line 1: priv-protocol: expected DES, AES, AES-192 or AES-256" },
	{ "priv-protocol=3DES", 0, C "line 1: priv-protocol: expected DES, AES, AES-192 or AES-256" },
	{ "user=abcdefghijabcdefghijabcdefghijklm", 0, C "line 1: user: longer than 32 bytes" },
	{ "user=u\nauth-passphrase=S3cr3t7", 0, C "line 2: auth-passphrase: shorter than 8 bytes" },
	{ "priv-passphrase=S3cr3t", 0, C "line 1: priv-passphrase: shorter than 8 bytes" },
	/* an error after a secret was stored */
	{ "user=u\nauth-passphrase=S3cr3tS3cr3t\nbogus", 0, C "line 3: expected key=value" },
	/* rules between keys */
	{ "version=3\ncommunity=S3cr3tcomm", 0, C "line 1: version 3 needs user" },
	{ "version=2c\nuser=u", 0, C "line 1: version 2c needs community" },
	{ "community=S3cr3t\nuser=u\nversion=1", 0, C "line 2: user needs version 3 (version 1 on line 3)" },
	{ "community=S3cr3t\nauth-protocol=SHA\nauth-passphrase=S3cr3tS3cr3t", 0,
	  C "line 2: auth-protocol needs user" },
	{ "community=S3cr3t\nsecurity-level=authPriv", 0, C "line 2: security-level needs user" },
	{ "community=S3cr3t\npriv-passphrase=S3cr3tS3cr3t", 0, C "line 2: priv-passphrase needs user" },
	{ "user=u\nauth-protocol=SHA-256", 0, C "line 2: auth-protocol needs auth-passphrase" },
	{ "user=u\nauth-passphrase=S3cr3tS3cr3t", 0, C "line 2: auth-passphrase needs auth-protocol" },
	{ "user=u\nauth-protocol=SHA\nauth-passphrase=S3cr3tS3cr3t\npriv-protocol=AES", 0,
	  C "line 4: priv-protocol needs priv-passphrase" },
	{ "user=u\nauth-protocol=SHA\nauth-passphrase=S3cr3tS3cr3t\npriv-passphrase=S3cr3tS3cr3t", 0,
	  C "line 4: priv-passphrase needs priv-protocol" },
	{ "user=u\npriv-protocol=AES\npriv-passphrase=S3cr3tS3cr3t", 0,
	  C "line 2: priv-protocol needs auth-protocol and auth-passphrase" },
	{ "user=u\nsecurity-level=authNoPriv", 0,
	  C "line 2: security-level authNoPriv needs auth-protocol and auth-passphrase" },
	{ "user=u\nsecurity-level=authPriv", 0,
	  C "line 2: security-level authPriv needs auth-protocol and auth-passphrase" },
	{ "user=u\nsecurity-level=authPriv\nauth-protocol=SHA\nauth-passphrase=S3cr3tS3cr3t", 0,
	  C "line 2: security-level authPriv needs priv-protocol and priv-passphrase" },
	{ "user=u\nsecurity-level=noAuthNoPriv\nauth-protocol=SHA\nauth-passphrase=S3cr3tS3cr3t", 0,
	  C "line 3: auth-protocol is not used at security-level noAuthNoPriv (line 2)" },
	{ "user=u\nsecurity-level=authNoPriv\nauth-protocol=SHA\nauth-passphrase=S3cr3tS3cr3t\n"
	  "priv-protocol=AES\npriv-passphrase=S3cr3tS3cr3t", 0,
	  C "line 5: priv-protocol is not used at security-level authNoPriv (line 2)" },
};

static void
test_errors(void **state)
{
	struct snmp_cred c;
	struct errmsg e;
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(err_rows); i++) {
		const struct err_row *r = &err_rows[i];
		size_t len = r->len ? r->len : strlen(r->text);

		memset(&e, 0, sizeof(e));
		if (snmp_cred_parse(r->text, len, "c.cred", &c, &e) != -1)
			fail_msg("row %zu accepted", i);
		if (strcmp(e.msg, r->want) != 0)
			fail_msg("row %zu:\n got  %s\n want %s", i, e.msg, r->want);
		assert_no_secret(e.msg, i);
		/* nothing is left behind after a failure */
		assert_false(c.have_version);
		assert_null(c.community);
		assert_null(c.user);
		assert_null(c.auth_pass);
		assert_null(c.priv_pass);
		snmp_cred_release(&c);
	}
}

/* ---- caps ---------------------------------------------------------------- */

struct cap_row {
	const char *prefix;
	char fill;
	size_t count;
	const char *suffix;
	const char *want;	/* NULL: accepted */
};

static const struct cap_row cap_rows[] = {
	{ "#", 'x', 1023, "\ncommunity=a", NULL },
	{ "#", 'x', 1024, "\ncommunity=a", C "line 1: longer than 1024 bytes" },
	{ "community=a\n#", 'x', 1023, "\r\n", C "line 2: longer than 1024 bytes" },
	{ "community=", 'c', 256, "", NULL },
	{ "community=", 'c', 257, "", C "line 1: community: longer than 256 bytes" },
	{ "community=", 'c', 1014, "", C "line 1: community: longer than 256 bytes" },
	{ "community=", 'c', 1015, "", C "line 1: longer than 1024 bytes" },
	{ "community   =   ", 'c', 256, "          ", NULL },
	{ "user=", 'u', 32, "", NULL },
	{ "user=", 'u', 33, "", C "line 1: user: longer than 32 bytes" },
	{ "user=u\nauth-protocol=SHA\nauth-passphrase=", 'p', 8, "", NULL },
	{ "user=u\nauth-protocol=SHA\nauth-passphrase=", 'p', 7, "",
	  C "line 3: auth-passphrase: shorter than 8 bytes" },
	{ "user=u\nauth-protocol=SHA\nauth-passphrase=", 'p', 256, "", NULL },
	{ "user=u\nauth-protocol=SHA\nauth-passphrase=", 'p', 257, "",
	  C "line 3: auth-passphrase: longer than 256 bytes" },
	{ "user=u\nauth-protocol=SHA\nauth-passphrase=12345678\npriv-protocol=AES\npriv-passphrase=",
	  'p', 256, "", NULL },
	{ "user=u\nauth-protocol=SHA\nauth-passphrase=12345678\npriv-protocol=AES\npriv-passphrase=",
	  'p', 257, "", C "line 5: priv-passphrase: longer than 256 bytes" },
	/* the whole file: exactly 64 KiB (64-byte comment lines after the first), then one byte more */
	{ "community=a\n", '\n', 65536 - 12, "", NULL },
	{ "community=a\n", '\n', 65536 - 11, "", C "larger than 65536 bytes" },
};

static void
test_caps(void **state)
{
	struct snmp_cred c;
	struct errmsg e;
	struct sbuf sb;
	size_t i, k;
	int rc;

	(void)state;
	for (i = 0; i < NELEM(cap_rows); i++) {
		const struct cap_row *r = &cap_rows[i];

		sbuf_init(&sb, 1u << 20);
		sbuf_addstr(&sb, r->prefix);
		for (k = 0; k < r->count; k++)
			sbuf_addch(&sb, r->fill == '\n' && k % 64 != 63 ? '#' : r->fill);
		sbuf_addstr(&sb, r->suffix);
		memset(&e, 0, sizeof(e));
		rc = snmp_cred_parse(sbuf_str(&sb), sb.len, "c.cred", &c, &e);
		if (rc != (r->want ? -1 : 0))
			fail_msg("row %zu: rc %d (%s)", i, rc, e.msg);
		if (r->want && strcmp(e.msg, r->want) != 0)
			fail_msg("row %zu:\n got  %s\n want %s", i, e.msg, r->want);
		if (!r->want && r->fill == 'c')
			assert_int_equal(strlen(c.community), r->count);
		snmp_cred_release(&c);
		sbuf_release(&sb);
	}
}

/* ---- the file checks ----------------------------------------------------- */

enum kind { REGULAR, SYMLINK, DIRECTORY, FIFO, MISSING, BIG };

struct file_row {
	enum kind kind;
	unsigned mode;
	const char *text;
	const char *want;	/* NULL: loads; else %s is the path */
};

#define GOOD "version=3\nuser=cbmon\nauth-protocol=SHA-256\nauth-passphrase=S3cr3tS3cr3t\n" \
	"priv-protocol=AES\npriv-passphrase=S3cr3tS3cr3t\n"

static const struct file_row file_rows[] = {
	{ REGULAR, 0600, GOOD, NULL },
	{ REGULAR, 0400, GOOD, NULL },
	{ REGULAR, 0700, GOOD, NULL },
	{ REGULAR, 0644, GOOD, "credentials '%s': readable by group or others (mode 0644); chmod 600 it" },
	{ REGULAR, 0640, GOOD, "credentials '%s': readable by group or others (mode 0640); chmod 600 it" },
	{ REGULAR, 0604, GOOD, "credentials '%s': readable by group or others (mode 0604); chmod 600 it" },
	{ REGULAR, 0666, GOOD, "credentials '%s': readable by group or others (mode 0666); chmod 600 it" },
	{ REGULAR, 0620, GOOD, "credentials '%s': writable by group or others (mode 0620); chmod 600 it" },
	{ REGULAR, 0602, GOOD, "credentials '%s': writable by group or others (mode 0602); chmod 600 it" },
	{ REGULAR, 0610, GOOD, "credentials '%s': accessible by group or others (mode 0610); chmod 600 it" },
	{ REGULAR, 0600, "community=S3cr3t\nS3cr3tcommunity\n",
	  "credentials '%s': line 2: expected key=value" },
	{ SYMLINK, 0600, GOOD, "cannot read credentials '%s': is a symbolic link" },
	{ DIRECTORY, 0700, NULL, "cannot read credentials '%s': not a regular file" },
	{ FIFO, 0600, NULL, "cannot read credentials '%s': not a regular file" },
	{ MISSING, 0600, NULL, "cannot read credentials '%s': no such file or directory" },
	{ BIG, 0600, NULL, "cannot read credentials '%s': larger than 65536 bytes" },
};

static void
write_file(const char *path, const char *text, size_t len, unsigned mode)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
}

/* r->want with its "%s" replaced by path (not a format: -Wformat-nonliteral). */
static char *
with_path(const char *want, const char *path)
{
	const char *at = strstr(want, "%s");

	assert_non_null(at);
	return xasprintf("%.*s%s%s", (int)(at - want), want, path, at + 2);
}

static void
test_files(void **state)
{
	char dir[] = "/tmp/test_snmp_cred.XXXXXX";
	struct snmp_cred c;
	struct errmsg e;
	char *path, *target, *want, *big;
	size_t i;

	(void)state;
	assert_non_null(mkdtemp(dir));
	for (i = 0; i < NELEM(file_rows); i++) {
		const struct file_row *r = &file_rows[i];

		path = xasprintf("%s/c%zu", dir, i);
		target = xasprintf("%s/target%zu", dir, i);
		switch (r->kind) {
		case REGULAR:
			write_file(path, r->text, strlen(r->text), r->mode);
			break;
		case SYMLINK:
			write_file(target, r->text, strlen(r->text), r->mode);
			assert_int_equal(symlink(target, path), 0);
			break;
		case DIRECTORY:
			assert_int_equal(mkdir(path, r->mode), 0);
			break;
		case FIFO:
			assert_int_equal(mkfifo(path, r->mode), 0);
			break;
		case MISSING:
			break;
		case BIG:
			big = xmalloc(SNMP_CRED_FILE_MAX + 1);
			memset(big, '\n', SNMP_CRED_FILE_MAX + 1);
			memcpy(big, "community=a", 11);
			write_file(path, big, SNMP_CRED_FILE_MAX + 1, r->mode);
			free(big);
			break;
		}
		memset(&e, 0, sizeof(e));
		if (!r->want) {
			if (snmp_cred_load(path, &c, &e) != 0)
				fail_msg("row %zu refused: %s", i, e.msg);
			assert_string_equal(c.user, "cbmon");
			assert_string_equal(c.auth_pass, "S3cr3tS3cr3t");
			assert_int_equal(c.level, SNMP_AUTHPRIV);
		} else {
			if (snmp_cred_load(path, &c, &e) != -1)
				fail_msg("row %zu accepted", i);
			want = with_path(r->want, path);
			if (strcmp(e.msg, want) != 0)
				fail_msg("row %zu:\n got  %s\n want %s", i, e.msg, want);
			assert_no_secret(e.msg, i);
			assert_null(c.user);
			assert_null(c.auth_pass);
			free(want);
		}
		snmp_cred_release(&c);
		if (r->kind == DIRECTORY)
			rmdir(path);
		else
			unlink(path);
		unlink(target);
		free(path);
		free(target);
	}
	/* the 64 KiB file itself is fine */
	path = xasprintf("%s/max", dir);
	big = xmalloc(SNMP_CRED_FILE_MAX);
	memset(big, '\n', SNMP_CRED_FILE_MAX);
	memcpy(big, "community=a", 11);
	write_file(path, big, SNMP_CRED_FILE_MAX, 0600);
	free(big);
	assert_int_equal(snmp_cred_load(path, &c, &e), 0);
	assert_string_equal(c.community, "a");
	snmp_cred_release(&c);
	unlink(path);
	free(path);
	assert_int_equal(rmdir(dir), 0);
}

/* ---- names and release --------------------------------------------------- */

struct name_row {
	const char *(*fn)(int);
	int value;
	const char *want;
};

static const char *
version_name(int v)
{
	return snmp_version_name((enum snmp_version)v);
}

static const char *
level_name(int v)
{
	return snmp_level_name((enum snmp_seclevel)v);
}

static const char *
auth_name(int v)
{
	return snmp_auth_name((enum snmp_auth)v);
}

static const char *
priv_name(int v)
{
	return snmp_priv_name((enum snmp_priv)v);
}

static const struct name_row name_rows[] = {
	{ version_name, SNMP_V1, "1" },
	{ version_name, SNMP_V2C, "2c" },
	{ version_name, SNMP_V3, "3" },
	{ version_name, 3, "?" },
	{ level_name, SNMP_NOAUTHNOPRIV, "noAuthNoPriv" },
	{ level_name, SNMP_AUTHNOPRIV, "authNoPriv" },
	{ level_name, SNMP_AUTHPRIV, "authPriv" },
	{ level_name, -1, "?" },
	{ auth_name, SNMP_AUTH_NONE, "none" },
	{ auth_name, SNMP_AUTH_MD5, "MD5" },
	{ auth_name, SNMP_AUTH_SHA, "SHA" },
	{ auth_name, SNMP_AUTH_SHA224, "SHA-224" },
	{ auth_name, SNMP_AUTH_SHA256, "SHA-256" },
	{ auth_name, SNMP_AUTH_SHA384, "SHA-384" },
	{ auth_name, SNMP_AUTH_SHA512, "SHA-512" },
	{ auth_name, 7, "?" },
	{ priv_name, SNMP_PRIV_NONE, "none" },
	{ priv_name, SNMP_PRIV_DES, "DES" },
	{ priv_name, SNMP_PRIV_AES, "AES" },
	{ priv_name, SNMP_PRIV_AES192, "AES-192" },
	{ priv_name, SNMP_PRIV_AES256, "AES-256" },
	{ priv_name, 5, "?" },
};

static void
test_names(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(name_rows); i++)
		assert_string_equal(name_rows[i].fn(name_rows[i].value), name_rows[i].want);
}

/* Every name a file may use parses back to the value it names. */
static void
test_names_round_trip(void **state)
{
	struct snmp_cred c;
	struct errmsg e;
	char *text;
	int a, p;

	(void)state;
	for (a = SNMP_AUTH_MD5; a <= SNMP_AUTH_SHA512; a++) {
		for (p = SNMP_PRIV_DES; p <= SNMP_PRIV_AES256; p++) {
			text = xasprintf("version=%s\nuser=u\nsecurity-level=%s\nauth-protocol=%s\n"
					 "auth-passphrase=12345678\npriv-protocol=%s\n"
					 "priv-passphrase=12345678\n",
					 snmp_version_name(SNMP_V3), snmp_level_name(SNMP_AUTHPRIV),
					 snmp_auth_name((enum snmp_auth)a),
					 snmp_priv_name((enum snmp_priv)p));
			if (snmp_cred_parse(text, strlen(text), "c.cred", &c, &e) != 0)
				fail_msg("%s: %s", text, e.msg);
			assert_int_equal(c.auth, a);
			assert_int_equal(c.priv, p);
			snmp_cred_release(&c);
			free(text);
		}
	}
}

static void
test_release(void **state)
{
	struct snmp_cred c;
	struct errmsg e;
	static const char text[] = "community=S3cr3t\n";

	(void)state;
	snmp_cred_release(NULL);
	assert_int_equal(snmp_cred_parse(text, strlen(text), "c.cred", &c, &e), 0);
	assert_string_equal(c.community, "S3cr3t");
	snmp_cred_release(&c);
	assert_null(c.community);
	snmp_cred_release(&c);	/* twice is harmless */
	assert_null(c.community);
}

/* ---- keys from pass phrases ---------------------------------------------------- */

static void
hex(const unsigned char *b, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
}

/* RFC 3414 A.3.1 and A.3.2: "maplesyrup" to Ku with MD5 and with SHA-1. */
static void
test_key_rfc3414(void **state)
{
	unsigned char ku[SNMP_KU_MAX];
	char text[2 * SNMP_KU_MAX + 1];

	(void)state;
	assert_int_equal(snmp_password_to_key(SNMP_AUTH_MD5, "maplesyrup", 10, ku), 16);
	hex(ku, 16, text);
	assert_string_equal(text, "9faf3283884e92834ebc9847d8edd963");
	assert_int_equal(snmp_password_to_key(SNMP_AUTH_SHA, "maplesyrup", 10, ku), 20);
	hex(ku, 20, text);
	assert_string_equal(text, "9fb5cc0381497b3793528939ff788d5d79145211");
	assert_int_equal(snmp_password_to_key(SNMP_AUTH_NONE, "maplesyrup", 10, ku), 0);
	assert_int_equal(snmp_password_to_key(SNMP_AUTH_SHA, "", 0, ku), 0);
}

/*
 * The same bytes as net-snmp's generate_Ku() for every hash and pass phrases
 * of lengths that divide the piece, that do not, and the longest.
 */
static void
test_key_as_netsnmp(void **state)
{
	static const enum snmp_auth auths[] = { SNMP_AUTH_MD5, SNMP_AUTH_SHA, SNMP_AUTH_SHA224,
						SNMP_AUTH_SHA256, SNMP_AUTH_SHA384, SNMP_AUTH_SHA512 };
	static oid *const protos[] = { usmHMACMD5AuthProtocol, usmHMACSHA1AuthProtocol,
				       usmHMAC128SHA224AuthProtocol, usmHMAC192SHA256AuthProtocol,
				       usmHMAC256SHA384AuthProtocol, usmHMAC384SHA512AuthProtocol };
	static const size_t lens[] = { 8, 9, 13, 64, 97, 255, 256 };
	char pass[SNMP_CRED_VALUE_MAX + 1];
	size_t i, k, j;

	(void)state;
	for (j = 0; j < SNMP_CRED_VALUE_MAX; j++)
		pass[j] = (char)(' ' + (j * 7 + 3) % 95);
	for (i = 0; i < NELEM(auths); i++) {
		for (k = 0; k < NELEM(lens); k++) {
			unsigned char ours[SNMP_KU_MAX], theirs[SNMP_KU_MAX];
			size_t theirs_len = sizeof(theirs), n;

			n = snmp_password_to_key(auths[i], pass, lens[k], ours);
			assert_int_equal(generate_Ku(protos[i], USM_AUTH_PROTO_SHA_LEN, (const u_char *)pass,
						     lens[k], theirs, &theirs_len),
					 SNMPERR_SUCCESS);
			if (n != theirs_len || memcmp(ours, theirs, n) != 0)
				fail_msg("%s, pass phrase of %zu bytes: %zu bytes differ from net-snmp's %zu",
					 snmp_auth_name(auths[i]), lens[k], n, theirs_len);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_caps),
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_names_round_trip),
		cmocka_unit_test(test_release),
		cmocka_unit_test(test_key_rfc3414),
		cmocka_unit_test(test_key_as_netsnmp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
