#ifndef CB_SNMP_CRED_H
#define CB_SNMP_CRED_H
/*
 * The --credentials file of check_baseline_snmp: lines of key=value, no I/O
 * besides reading the file and no net-snmp type (the check maps these enums to
 * the library's OIDs and levels).
 *
 *	# comment lines and blank lines are allowed
 *	version = 3
 *	user = cbmon
 *	security-level = authPriv
 *	auth-protocol = SHA-256
 *	auth-passphrase = correct horse battery
 *	priv-protocol = AES
 *	priv-passphrase = staple staple staple
 *	community = legacy-ro
 *
 * Keys (each at most once, lower case): version (1 | 2c | 3), community,
 * user, security-level (noAuthNoPriv | authNoPriv | authPriv), auth-protocol
 * (MD5 | SHA | SHA-224 | SHA-256 | SHA-384 | SHA-512), auth-passphrase,
 * priv-protocol (DES | AES | AES-192 | AES-256), priv-passphrase. The names
 * of versions, levels and protocols are matched without regard to case.
 * Space and tab around the key and the value are trimmed (a pass phrase
 * cannot start or end with one); a '#' starts a comment only as the first
 * character of a line. There is no quoting.
 *
 * Caps: the file 64 KiB, a line 1024 bytes, a value 256 bytes, user 32 bytes
 * (SnmpAdminString); pass phrases at least 8 bytes (net-snmp refuses less).
 * A value must not contain control characters.
 *
 * Rules: at least one of community and user. version 1 or 2c needs community
 * and allows no user; version 3 needs user (community may be given too: it
 * is the legacy community the check tries over v1/v2c). The auth and priv
 * keys need user and come in pairs (protocol and pass phrase); priv needs
 * auth. Without security-level the level follows from the keys given (priv:
 * authPriv, auth only: authNoPriv, neither: noAuthNoPriv); with it, the keys
 * must match it exactly.
 *
 * net-snmp's snmp.conf syntax is read too, so that a site's existing file
 * can serve (under the same file checks): a file in which a line starts with
 * one of its credential directives and a blank ("defSecurityName cbmon") is
 * read as "directive value" lines. defVersion, defCommunity,
 * defSecurityName, defSecurityLevel, defAuthType, defAuthPassphrase,
 * defPrivType, defPrivPassphrase stand for the keys above, defPassphrase
 * for both pass phrases (snmp.conf(5)); directive names ignore case, "AES-128"
 * is AES. Keys instead of pass phrases (defAuthMasterKey ...) and
 * defContext are refused; every other directive (mibs, defaultPort ...) is
 * skipped, and the rules and messages are the same, with the directives'
 * names.
 *
 * Messages never contain any byte of the file (neither values nor unknown
 * keys, which may be a mistyped secret): they name the file, the line and our
 * own key names: "credentials 'snmp.cred': line 4: unknown key (known: ...)".
 */
#include <stdbool.h>
#include <stddef.h>

struct errmsg;

#define SNMP_CRED_FILE_MAX 65536
#define SNMP_CRED_LINE_MAX 1024
#define SNMP_CRED_VALUE_MAX 256
#define SNMP_CRED_USER_MAX 32
#define SNMP_CRED_PASS_MIN 8

enum snmp_version { SNMP_V1, SNMP_V2C, SNMP_V3 };
enum snmp_seclevel { SNMP_NOAUTHNOPRIV, SNMP_AUTHNOPRIV, SNMP_AUTHPRIV };
enum snmp_auth {
	SNMP_AUTH_NONE, SNMP_AUTH_MD5, SNMP_AUTH_SHA, SNMP_AUTH_SHA224, SNMP_AUTH_SHA256,
	SNMP_AUTH_SHA384, SNMP_AUTH_SHA512
};
enum snmp_priv { SNMP_PRIV_NONE, SNMP_PRIV_DES, SNMP_PRIV_AES, SNMP_PRIV_AES192, SNMP_PRIV_AES256 };

/*
 * What one file gave. Strings are NUL-terminated and owned by the struct
 * (NULL when the key was absent); community, auth_pass and priv_pass are
 * secrets: never print them, and let snmp_cred_release() wipe them.
 * version is meaningful only when have_version; level, auth and priv only
 * when user is set (auth is SNMP_AUTH_NONE below authNoPriv, priv is
 * SNMP_PRIV_NONE below authPriv).
 */
struct snmp_cred {
	bool have_version;
	enum snmp_version version;
	char *community;
	char *user;
	enum snmp_seclevel level;
	enum snmp_auth auth;
	char *auth_pass;
	enum snmp_priv priv;
	char *priv_pass;
};

/*
 * Reads and validates the credentials file at path. The file must be a
 * regular file (a symbolic link is refused, O_NOFOLLOW) that neither group
 * nor others may access (mode & 077 == 0): else -1 with "credentials 'F':
 * readable by group or others (mode 0644); chmod 600 it" ("writable by" or
 * "accessible to" when no read bit is set). Returns 0 with c filled (free it
 * with snmp_cred_release()), or -1 with c empty (releasing it is harmless)
 * and a reason in e. The file's bytes are wiped from memory after parsing.
 */
int snmp_cred_load(const char *path, struct snmp_cred *c, struct errmsg *e);

/*
 * The same from memory, without the file checks (tests, fuzzing): text[0..len)
 * may contain any bytes; name stands for the path in messages.
 */
int snmp_cred_parse(const char *text, size_t len, const char *name, struct snmp_cred *c,
		    struct errmsg *e);

/* Wipes the secrets (explicit_bzero) and frees the strings; c is empty afterwards. NULL is fine. */
void snmp_cred_release(struct snmp_cred *c);

#define SNMP_KU_MAX 64		/* SHA-512 */

/*
 * The user's key Ku from a pass phrase, RFC 3414 A.2 (RFC 7860 for SHA-2):
 * the hash of the pass phrase repeated to one megabyte. Auth and priv keys
 * are both made with the auth protocol's hash. Writes the digest (16 to 64
 * bytes) to out and returns its length, or 0 for SNMP_AUTH_NONE or a
 * failure of the hash. The same bytes as net-snmp's generate_Ku(), which
 * feeds the megabyte 64 bytes at a time, each byte taken modulo the pass
 * phrase's length; this feeds it in pieces of some kilobytes, which
 * OpenSSL's SHA extensions then hash several times faster.
 */
size_t snmp_password_to_key(enum snmp_auth a, const char *pass, size_t len,
			    unsigned char out[SNMP_KU_MAX]);

/* The file's spelling: "1", "2c", "3"; "noAuthNoPriv" ...; "SHA-256", "none"; "AES-192", "none". */
const char *snmp_version_name(enum snmp_version v);
const char *snmp_level_name(enum snmp_seclevel l);
const char *snmp_auth_name(enum snmp_auth a);
const char *snmp_priv_name(enum snmp_priv p);

#endif
