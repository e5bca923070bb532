#ifndef CB_MAILREC_H
#define CB_MAILREC_H
/*
 * The DNS records of a mail domain, for check_baseline_mail: SPF (RFC 7208),
 * DMARC (RFC 7489), MTA-STS (RFC 8461: the TXT record and the policy file),
 * TLS-RPT (RFC 8460), DKIM key records (RFC 6376, RFC 8463) and CAA
 * (RFC 8659). No I/O: the check asks DNS (and fetches the MTA-STS policy)
 * and hands over what came back; the SPF evaluation, which must follow
 * include and redirect, asks for TXT records through a callback.
 *
 * Every input is outside input and capped: a TXT record (its
 * character-strings joined) longer than MAILREC_TXT_MAX bytes is an error,
 * an MTA-STS policy longer than MAILREC_POLICY_MAX, an SPF tree more than
 * 10 lookups; lists have fixed maxima (more is an error, never a silent
 * cut, unless a field says "cut"). Every output string is NUL-terminated
 * within its array, whatever the input.
 *
 * Errors: a function that fails returns -1 and writes one lower-case
 * reason without a full stop into err (cut to errlen; err may be NULL when
 * errlen is 0), e.g. "p 'block' is not none, quarantine or reject". After
 * -1 the output struct holds what was read so far: do not use it. The
 * caller names the domain or record in its own message.
 *
 * OpenSSL (libcrypto) decodes DKIM keys inside mailrec.c; no OpenSSL type
 * appears here.
 */
#include <stdbool.h>
#include <stddef.h>

#define MAILREC_TXT_MAX 4096		/* one TXT record (joined character-strings); longer = error */
#define MAILREC_POLICY_MAX (64 * 1024)	/* an MTA-STS policy file */
#define MAILREC_PROBLEMS_MAX 16
#define MAILREC_PROBLEM_LEN 160

/*
 * What is wrong with a domain's records: short lower-case English phrases
 * that name the domain or record ("include:x.test has no spf record"), in
 * the order found. When more than MAILREC_PROBLEMS_MAX arrive, the last
 * slot says "and more".
 */
struct mailrec_problems {
	size_t n;
	char v[MAILREC_PROBLEMS_MAX][MAILREC_PROBLEM_LEN];
};

/* Appends one problem (cut at MAILREC_PROBLEM_LEN - 1 bytes), as above. */
void mailrec_problem_add(struct mailrec_problems *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ---- SPF, RFC 7208 ---- */

#define MAILREC_DNS_NXDOMAIN (-1)
#define MAILREC_DNS_ERROR (-2)
#define MAILREC_SPF_LOOKUPS_MAX 10	/* RFC 7208 section 4.6.4 */
#define MAILREC_SPF_VOID_MAX 2		/* RFC 7208 section 4.6.4 */
#define MAILREC_SPF_DEPTH_MAX 10	/* nested include/redirect */
#define MAILREC_SPF_TXT_RECORDS 32	/* the `max` the evaluation passes to the callback */

/*
 * TXT lookup for the SPF evaluation: fills out[0..max) with the TXT
 * records at `name` (each a malloc'd NUL-terminated string whose
 * character-strings are joined; the evaluation frees them) and returns
 * their number (0: the name exists but has no TXT), MAILREC_DNS_NXDOMAIN,
 * or MAILREC_DNS_ERROR (timeout, SERVFAIL...: then it writes a lower-case
 * reason into why, whylen bytes, and fills nothing). A TXT record with a
 * NUL byte is the callback's to drop. name is lower case, without a
 * trailing dot. A count above max is taken as max.
 */
typedef int (*mailrec_txt_fn)(void *ctx, const char *name, char **out, size_t max, char *why,
			      size_t whylen);

struct mailrec_spf {
	int records;		/* "v=spf1" records at the domain (0, 1, or more = error) */
	char record[512];	/* the one record, lower-cased with blanks collapsed to one space
				 * (cut at 511), "" unless records == 1 */
	int lookups;		/* DNS-querying terms (include, a, mx, ptr, exists, redirect)
				 * counted through every include and redirect (RFC 7208 4.6.4);
				 * the evaluation stops at the 11th, and lookups is then 11 */
	int void_lookups;	/* includes/redirects whose target has no TXT (NXDOMAIN or none) */
	char all[8];		/* the qualifier+all that ends the evaluation: "-all", "~all",
				 * "+all" (also a bare "all"), "?all"; from the redirect target
				 * when the record has a redirect= and no all; "" when none */
	bool permerror;		/* RFC 7208 would answer permerror (syntax, limits, loops,
				 * missing include/redirect targets, several records) */
	bool temperror;		/* a TXT lookup failed (MAILREC_DNS_ERROR) */
	struct mailrec_problems problems;
};

/*
 * Evaluates the SPF policy of domain as a receiver would for a sender that
 * matches no mechanism: the domain's record, then every include and
 * redirect target in turn (depth first, left to right). It is an audit,
 * not check_host(): it goes on after a faulty include, so that one run
 * finds every problem up to the lookup limit. Rules (RFC 7208):
 *   - records are the TXT records that start with "v=spf1" (any case)
 *     followed by a space or their end; more than one is a permerror
 *   - mechanisms after "all" are ignored, and so is redirect= in a record
 *     with an "all" anywhere; exp= is checked but not looked up
 *   - each include, a, mx, ptr, exists and redirect counts one lookup;
 *     the 11th stops the evaluation ("more than 10 dns lookups (include
 *     chain a.test -> b.test)", or "(in a.test)" in the domain's own
 *     record); a, mx, ptr and exists are only counted
 *   - an include or redirect target that is NXDOMAIN or has no TXT is a
 *     void lookup; a third one is "more than 2 void lookups"
 *   - a target already in the chain of domains being evaluated is a loop
 *     ("include loop: a.test -> b.test -> a.test"), counted, not followed;
 *     nesting deeper than MAILREC_SPF_DEPTH_MAX is a permerror (the lookup
 *     limit comes first)
 *   - a target with a macro (%{...}) is counted and not followed, with no
 *     problem: it depends on the sender, which an audit does not have
 *   - the all that ends the evaluation (the record's, else its redirect
 *     target's) gives "+all allows every sender" or "?all is neutral"; a
 *     record (or redirect target) without both is "no all mechanism and no
 *     redirect"; an include whose target ends in +all is "include:x.test
 *     allows every sender (+all)"
 * Problems name the domain when it is not the one asked about; the domain's
 * own missing record is "x.test has no spf record". The callback is called
 * at most 1 + MAILREC_SPF_LOOKUPS_MAX times, however hostile the tree.
 */
void mailrec_spf_evaluate(const char *domain, mailrec_txt_fn txt, void *ctx, struct mailrec_spf *out);

/*
 * Syntax check of one SPF record alone, against RFC 7208's grammar: the
 * version, then terms separated by spaces (only SP, only printable ASCII);
 * known mechanisms with their arguments (ip4 dotted quads without leading
 * zeros, ip6 as inet_pton reads it, CIDR lengths 0-32 and 0-128,
 * domain-specs that end in a top label or a macro, macros with a known
 * letter); redirect= and exp= at most once each; other modifiers need a
 * valid name and macro-string. Names and mechanisms ignore case. A
 * domain-spec longer than 253 bytes is an error (no domain is that long).
 * 0, or -1 with the reason in err ("unknown mechanism 'foo'", "bad ip4
 * cidr in 'ip4:192.0.2.0/33'", "duplicate redirect modifier").
 */
int mailrec_spf_parse(const char *record, char *err, size_t errlen);

/* ---- DMARC, RFC 7489 ---- */

#define MAILREC_DMARC_URIS_MAX 8

struct mailrec_dmarc {
	char p[16];		/* "none", "quarantine", "reject" */
	char sp[16];		/* "" when absent */
	int pct;		/* 0..100, 100 when absent */
	char adkim, aspf;	/* 'r' (the default) or 's' */
	char rua[MAILREC_DMARC_URIS_MAX][256];	/* URIs as written (trimmed) */
	size_t nrua;
	char ruf[MAILREC_DMARC_URIS_MAX][256];
	size_t nruf;
};

/*
 * Parses one DMARC record: it must start with "v=DMARC1" (the tag v first,
 * the value in this case, blanks around '=' allowed), then ';'-separated
 * tag=value pairs with blanks around them; empty pairs (a trailing ';')
 * are skipped. Tag names (a letter, then letters, digits, '_') and the
 * values of p, sp, adkim and aspf ignore case (RFC 7489's ABNF); values
 * are stored lower case. p is required and must be none, quarantine or
 * reject; sp the same when present; pct 0..100; adkim and aspf r or s;
 * rua and ruf comma-separated URIs with a scheme, each at most 255 bytes,
 * at most MAILREC_DMARC_URIS_MAX, a mailto: one with a valid domain
 * (mailrec_uri_mail_domain()). Other tags are ignored; any tag twice is an
 * error. 0, or -1 with err.
 */
int mailrec_dmarc_parse(const char *txt, struct mailrec_dmarc *out, char *err, size_t errlen);

/*
 * The domain of a report URI: "mailto:dmarc@rep.example.net!10m" ->
 * "rep.example.net" (lower case; blanks around the URI, a "!size" suffix,
 * a "?header" part and one trailing dot are dropped). 0, or -1 for a URI
 * that is not mailto:, has no single address, a domain that is not a
 * host name (letters, digits, '-', labels of 1-63, at most 253), or does
 * not fit outlen.
 */
int mailrec_uri_mail_domain(const char *uri, char *out, size_t outlen);

/* ---- MTA-STS, RFC 8461 ---- */

#define MAILREC_STS_MAX_AGE 31557600LL	/* RFC 8461 section 3.2 */
#define MAILREC_STS_MX_MAX 16

/*
 * The TXT record at _mta-sts.<domain>: "v=STSv1; id=<1-32 letters or
 * digits>;" with "v=STSv1" first, exactly; fields separated by ';' with
 * blanks around it, names and values case-sensitive, no blanks around '=';
 * extension fields (a valid name and value) ignored; a repeated id: the
 * first counts (RFC 8461 section 3.2). 0 with the id in id (idlen of 33
 * holds any), or -1 with err.
 */
int mailrec_mta_sts_txt(const char *txt, char *id, size_t idlen, char *err, size_t errlen);

struct mailrec_mta_sts_policy {
	bool version_ok;	/* version: STSv1 */
	char mode[16];		/* "enforce", "testing", "none" */
	long long max_age;	/* seconds, -1 when missing */
	char mx[MAILREC_STS_MX_MAX][256];	/* patterns as written, lower-cased:
						 * "mail.example.com", "*.example.net" */
	size_t nmx;
};

/*
 * The policy file: LF or CRLF lines "key: value" (blanks after the colon,
 * none before it; blank lines skipped), at most MAILREC_POLICY_MAX bytes,
 * a NUL byte invalid. Keys and the values of version and mode are
 * case-sensitive (RFC 8461's %s strings); unknown keys are ignored; of a
 * repeated key other than mx the first counts. version must be STSv1, mode
 * enforce, testing or none, max_age 1-10 digits and at most
 * MAILREC_STS_MAX_AGE; each mx a host name or "*." and one (of at most
 * 251 bytes, so that a host name can match it), at most
 * MAILREC_STS_MX_MAX of them, and at least one unless mode is none. 0, or
 * -1 with err ("version is missing", "mode 'x' is not enforce, testing or
 * none", "max_age is missing").
 */
int mailrec_mta_sts_policy(const char *body, size_t len, struct mailrec_mta_sts_policy *out, char *err,
			   size_t errlen);

/*
 * True when host (an MX name; a trailing dot ignored, any case) matches
 * one of p's mx patterns: equal, or "*.example.net" with exactly one more,
 * non-empty leftmost label (RFC 8461 section 4.1).
 */
bool mailrec_mta_sts_mx_match(const struct mailrec_mta_sts_policy *p, const char *host);

/* ---- TLS-RPT, RFC 8460 ---- */

/*
 * The TXT record at _smtp._tls.<domain>: "v=TLSRPTv1; rua=mailto:a@x,https://y/z",
 * framed as the MTA-STS record ("v=TLSRPTv1" first, exactly; extension
 * fields ignored). rua is required; its URIs (commas with blanks around
 * them between) are mailto: with a valid domain or https:// with a host,
 * each at most 255 bytes, at most max; others are an error; a repeated
 * rua: the first counts. 0 with rua[0..*n), or -1 with err.
 */
int mailrec_tlsrpt(const char *txt, char rua[][256], size_t max, size_t *n, char *err, size_t errlen);

/* ---- DKIM key record, RFC 6376 section 3.6.1 ---- */

struct mailrec_dkim {
	char k[16];		/* "rsa" (the default) or "ed25519" */
	bool revoked;		/* p= empty */
	bool testing;		/* t= has the flag y */
	unsigned bits;		/* RSA modulus bits; 256 for ed25519; 0 when revoked */
};

/*
 * A DKIM key record (the TXT at <selector>._domainkey.<domain>): a tag
 * list ("tag=value" separated by ';', blanks around both), tag names
 * case-sensitive, none twice. v=DKIM1 is optional but first when present;
 * k is rsa or ed25519; p is required: empty means revoked, else base64
 * (blanks inside allowed, padding only at the end) of an RSA
 * SubjectPublicKeyInfo (k=rsa; decoded with OpenSSL, nothing may follow
 * it) or of the 32 raw bytes of an Ed25519 key (k=ed25519, RFC 8463).
 * 0, or -1 with err ("p= is not valid base64", "key is not an rsa public
 * key").
 */
int mailrec_dkim(const char *txt, struct mailrec_dkim *out, char *err, size_t errlen);

/* ---- CAA, RFC 8659 ---- */

#define MAILREC_CAA_CRITICAL 128

struct mailrec_caa {
	unsigned flags;		/* MAILREC_CAA_CRITICAL: the issuer critical flag */
	char tag[16];		/* lower-cased: "issue", "issuewild", "iodef", ... */
	char value[256];	/* as sent, cut at 255 */
};

/*
 * One CAA record's RDATA from DNS: flags (1 byte), tag length (1 byte,
 * 1-15), the tag (letters and digits), the value (the rest, printable
 * ASCII: any other byte is an error, also beyond the cut). 0, or -1 with err.
 */
int mailrec_caa_rdata(const unsigned char *rd, size_t len, struct mailrec_caa *out, char *err,
		      size_t errlen);

/*
 * The CA domain of an issue or issuewild value, lower case:
 * "letsencrypt.org; validationmethods=dns-01" -> "letsencrypt.org"; ";"
 * or "" (nobody may issue) -> "". Parameters must be tag=value (RFC 8659
 * section 4.2). 0, or -1 when malformed or longer than outlen.
 */
int mailrec_caa_issuer(const char *value, char *out, size_t outlen);

#endif
