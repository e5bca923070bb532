#ifndef CB_HTTPHDR_H
#define CB_HTTPHDR_H
/*
 * HTTP security headers and security.txt, for check_baseline_web: pure
 * parsers of what a web server sends, no I/O (the check fetches, this module
 * reads). Every function takes the header's value as the server sent it
 * (without the name and the colon) and never fails on hostile input: a value
 * is either understood or reported as not understood, never "passed".
 *
 *   - caps: a header value is read up to HTTPHDR_VALUE_MAX bytes. Where a cut
 *     value could read as a safer one (Strict-Transport-Security,
 *     Referrer-Policy, Content-Security-Policy) a longer value is invalid as
 *     a whole; httphdr_first_token() reads only the first token, which it
 *     cuts and marks with "...". security.txt is read up to HTTPHDR_SECTXT_MAX.
 *   - text a server sent is echoed in messages only in quotes, cut, with
 *     every byte outside printable ASCII as '?' (no newline reaches a
 *     plugin's output through us)
 *   - messages are short lower-case English phrases without a full stop
 */
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* Longest header value read (bytes, not counting the NUL); see above for what happens beyond. */
#define HTTPHDR_VALUE_MAX (8 * 1024)
/* Largest max-age returned: 2^31-1 seconds (about 68 years); a larger max-age is capped to it. */
#define HTTPHDR_HSTS_AGE_MAX 2147483647LL
/* More directives than this in one Strict-Transport-Security value make it invalid. */
#define HTTPHDR_HSTS_DIRECTIVES_MAX 32
/* Longest security.txt read (bytes). */
#define HTTPHDR_SECTXT_MAX (32 * 1024)

#define HTTPHDR_PROBLEMS_MAX 16
#define HTTPHDR_PROBLEM_LEN 128
/*
 * What is wrong with a header or file: short lower-case English phrases, no
 * full stop, each at most HTTPHDR_PROBLEM_LEN - 1 bytes, none given twice.
 * Beyond HTTPHDR_PROBLEMS_MAX they are dropped, and the last slot then says
 * "and more".
 */
struct httphdr_problems {
	size_t n;
	char v[HTTPHDR_PROBLEMS_MAX][HTTPHDR_PROBLEM_LEN];
};

/*
 * Strict-Transport-Security (RFC 6797 section 6.1): directives separated by
 * ';' (a ';' inside a quoted-string does not separate), optional blanks
 * around them and around '=', names case-insensitive, values a token or a
 * quoted-string. max-age=delta-seconds (digits only, may be quoted) is
 * required; includeSubDomains takes no value; other directives (preload) are
 * ignored once they parse. Invalid, as a browser ignores the header: a
 * missing, empty or non-numeric max-age, any directive given twice, a
 * malformed directive, more than HTTPHDR_HSTS_DIRECTIVES_MAX directives, a
 * value longer than HTTPHDR_VALUE_MAX.
 *
 * Returns 0 with *max_age (capped at HTTPHDR_HSTS_AGE_MAX) and
 * *include_subdomains set, or -1 with both zeroed and the reason in err
 * (at most errlen bytes; err may be NULL): "max-age is missing",
 * "max-age is not a number: '1y'", "directive 'max-age' is given twice",
 * "includeSubDomains takes no value", "malformed directive 'x y'",
 * "more than 32 directives", "value longer than 8192 bytes".
 *
 *	long long age;
 *	bool sub;
 *	char why[128];
 *	if (httphdr_hsts("max-age=31536000; includeSubDomains", &age, &sub, why, sizeof(why)) == 0)
 *		... age is 31536000, sub is true
 */
int httphdr_hsts(const char *value, long long *max_age, bool *include_subdomains, char *err, size_t errlen);

/*
 * The first value of a comma-separated header (X-Content-Type-Options,
 * X-Frame-Options): up to the first ',', without leading and trailing blanks
 * (SP, HTAB), lower-cased, bytes outside printable ASCII as '?', into out
 * (outlen bytes, always NUL-terminated when outlen > 0); "" for an empty
 * value. Only the first HTTPHDR_VALUE_MAX bytes of value are read. A token
 * that does not fit in out (or is cut by that cap) ends in "..." (or is ""
 * when outlen < 4), so it never reads as a shorter, valid keyword.
 */
void httphdr_first_token(const char *value, char *out, size_t outlen);

/*
 * Referrer-Policy (W3C Referrer Policy section 8.1): the last token of the
 * comma-separated list that is a policy, tokens trimmed of blanks and
 * compared case-insensitively, as a static lower-case string
 * ("no-referrer", "no-referrer-when-downgrade", "same-origin", "origin",
 * "strict-origin", "origin-when-cross-origin",
 * "strict-origin-when-cross-origin", "unsafe-url"), or NULL when no token is
 * one (also for a value longer than HTTPHDR_VALUE_MAX: its end is unread).
 */
const char *httphdr_referrer_policy(const char *value);

/*
 * Content-Security-Policy evaluated by internet.nl's rules, as our control
 * catalogue states them.
 *
 * policies[0..n) are the values of every Content-Security-Policy header of
 * one response (a NULL entry is skipped). Each may hold several policies
 * separated by ','; a policy is directives separated by ';' (CSP3 section
 * 2.2.1: a directive with a non-ASCII byte is skipped, names are
 * case-insensitive, the first occurrence of a directive wins, a policy
 * without directives is no policy). Every policy is enforced, so a problem
 * is reported only when EVERY policy has it. The rules, each per policy, a
 * directive's sources being its own or those it falls back to (CSP3's
 * fallback lists, e.g. script-src-elem -> script-src -> default-src):
 *   - default-src present ("default-src is missing") with only 'self',
 *     'none' or 'report-sample' ("default-src allows more than 'self'")
 *   - frame-ancestors, base-uri, form-action present ("frame-ancestors is
 *     not defined", ...)
 *   - no 'unsafe-inline' or 'unsafe-hashes' for script elements and
 *     attributes (script-src-elem, script-src-attr), no 'unsafe-eval' in
 *     script-src; style-src is not looked at. 'unsafe-inline' beside a
 *     'nonce-...' or 'sha256/384/512-...' source is no problem: CSP3 browsers
 *     ignore it then, and older ones need it for the nonce to degrade
 *   - no http: or http://host source in any fetch directive, base-uri,
 *     form-action or frame-ancestors
 *   - no bare '*' host, bare https: or 127.0.0.1 host in default-src,
 *     script-src (and -elem, -attr) or object-src, no data: in script-src
 *     (and -elem, -attr) or object-src
 * Problems name the directive the sources were written in, e.g.
 * "script-src allows 'unsafe-inline'", "object-src allows data:",
 * "default-src allows any https: url" (object-src falling back to it); a
 * problem of a directive that no policy writes (nor its fallbacks) is
 * covered by "default-src is missing" and not repeated. With no policy at
 * all the only problem is "no content-security-policy". A header longer
 * than HTTPHDR_VALUE_MAX is not evaluated and adds the problem
 * "content-security-policy longer than 8192 bytes is not evaluated".
 */
struct httphdr_csp {
	struct httphdr_problems problems;
	/* some policy has a frame-ancestors of only 'self' and/or 'none' (or an empty one, which is 'none') */
	bool frame_ancestors_restricted;
	/*
	 * For messages: the value of the frame-ancestors that restricts, else
	 * of the first frame-ancestors of any policy, as written (trimmed, cut,
	 * bytes outside printable ASCII as '?'); "" when no policy has one.
	 */
	char frame_ancestors[256];
};
void httphdr_csp_evaluate(const char *const *policies, size_t n, struct httphdr_csp *out);

/*
 * security.txt (RFC 9116): lines "Field: value" (field names
 * case-insensitive, no blank before the colon), '#' comments, blank lines,
 * CRLF or LF; other lines and unknown fields are ignored. An OpenPGP
 * cleartext signature wrapper (RFC 4880 section 7) is allowed when the file
 * begins with it: then only the signed part is read (dash-escaping undone),
 * and a wrapper without its signature block is "the openpgp signature is
 * incomplete" (the signature itself is not verified). Caps: at most
 * HTTPHDR_SECTXT_MAX bytes of body are read (a longer body is the problem
 * "longer than 32768 bytes, the rest is not read", its last cut line
 * unread); a NUL byte makes the body "not text (a NUL byte)" and nothing
 * else is read. body need not be NUL-terminated; out is zeroed first.
 *
 * Other problems are MUST violations of RFC 9116 and expiry: "no contact
 * field", "no expires field", "more than one expires field", "expires is not
 * an rfc 3339 date-time: '...'", "expired on 2024-01-01T00:00:00Z" (Expires
 * before now). An Expires more than a year ahead (RFC 9116 recommends less)
 * is not a problem.
 */
struct httphdr_sectxt {
	size_t ncontact;	/* Contact: lines with a value (any URI: "mailto:", "https:", "tel:") */
	bool has_expires;
	/* with has_expires: the first Expires, an RFC 3339 date-time (Z or +hh:mm offset), as UTC seconds */
	time_t expires;
	struct httphdr_problems problems;
};
void httphdr_sectxt_parse(const char *body, size_t len, time_t now, struct httphdr_sectxt *out);

#endif
