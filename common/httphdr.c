/* HTTP security headers and security.txt: see httphdr.h. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "httphdr.h"
#include "util.h"
#include "banned.h"

/* Longest piece of a server's text echoed in a message, before "...". */
#define ECHO_MAX 48

static bool
hh_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* RFC 9110 tchar. */
static bool
hh_tchar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

static char
hh_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* s[0..len) equals the NUL-terminated lower-case word w, ignoring case. */
static bool
hh_is(const char *s, size_t len, const char *w)
{
	return strlen(w) == len && strncasecmp(s, w, len) == 0;
}

/* s[0..len) begins with the lower-case word w, ignoring case. */
static bool
hh_begins(const char *s, size_t len, const char *w)
{
	size_t n = strlen(w);

	return len >= n && strncasecmp(s, w, n) == 0;
}

/* Trims blanks (SP, HTAB) off both ends of [*s, *e). */
static void
hh_trim(const char **s, const char **e)
{
	while (*s < *e && hh_blank(**s))
		(*s)++;
	while (*e > *s && hh_blank((*e)[-1]))
		(*e)--;
}

/*
 * A server's text s[0..len) fit to quote in a message: at most ECHO_MAX
 * bytes, then "...", each byte outside printable ASCII as '?'. Returns buf.
 */
static const char *
hh_echo(char buf[ECHO_MAX + 4], const char *s, size_t len)
{
	size_t i, n = len > ECHO_MAX ? ECHO_MAX : len;

	for (i = 0; i < n; i++)
		buf[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	if (n < len)
		memcpy(buf + n, "...", 3), n += 3;
	buf[n] = '\0';
	return buf;
}

/* Adds a problem unless it is there already; beyond the maximum the last slot says "and more". */
static void CB_PRINTF(2, 3)
hh_problem(struct httphdr_problems *p, const char *fmt, ...)
{
	char m[HTTPHDR_PROBLEM_LEN];
	va_list ap;
	size_t i;

	va_start(ap, fmt);
	vsnprintf(m, sizeof(m), fmt, ap);
	va_end(ap);
	for (i = 0; i < p->n; i++)
		if (strcmp(p->v[i], m) == 0)
			return;
	if (p->n < HTTPHDR_PROBLEMS_MAX)
		snprintf(p->v[p->n++], sizeof(p->v[0]), "%s", m);
	else
		snprintf(p->v[HTTPHDR_PROBLEMS_MAX - 1], sizeof(p->v[0]), "and more");
}

/* ---- Strict-Transport-Security ---------------------------------------- */

static int CB_PRINTF(5, 6)
hsts_fail(long long *max_age, bool *include_subdomains, char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	*max_age = 0;
	*include_subdomains = false;
	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/*
 * A quoted-string (RFC 9110 section 5.6.4) that is exactly [s, e): the
 * closing quote is the last byte, no control character inside.
 */
static bool
hsts_quoted(const char *s, const char *e)
{
	const char *q;

	if (e - s < 2 || *s != '"')
		return false;
	for (q = s + 1; q < e; q++) {
		unsigned char c = (unsigned char)*q;

		if (c == '\\') {
			if (++q >= e)
				return false;
			c = (unsigned char)*q;
		} else if (c == '"') {
			break;
		}
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return false;
	}
	return q == e - 1;
}

/* delta-seconds in [s, e) (a token, or a quoted-string already checked), capped; -1 when not digits. */
static long long
hsts_seconds(const char *s, const char *e)
{
	long long v = 0;
	bool any = false;

	if (*s == '"')
		s++, e--;
	for (; s < e; s++) {
		if (*s == '\\')
			s++;	/* a quoted-pair stands for the byte after it */
		if (*s < '0' || *s > '9')
			return -1;
		any = true;
		v = v * 10 + (*s - '0');
		if (v > HTTPHDR_HSTS_AGE_MAX)
			v = HTTPHDR_HSTS_AGE_MAX;
	}
	return any ? v : -1;
}

int
httphdr_hsts(const char *value, long long *max_age, bool *include_subdomains, char *err, size_t errlen)
{
	struct {
		const char *s;
		size_t n;
	} seen[HTTPHDR_HSTS_DIRECTIVES_MAX];
	size_t nseen = 0, len = strnlen(value, HTTPHDR_VALUE_MAX + 1), k;
	const char *p = value, *end;
	long long age = -1;
	bool inc = false;
	char eb[ECHO_MAX + 4];

	if (len > HTTPHDR_VALUE_MAX)
		return hsts_fail(max_age, include_subdomains, err, errlen, "value longer than %d bytes",
				 HTTPHDR_VALUE_MAX);
	end = value + len;
	while (p < end) {
		const char *d = p, *e, *name, *ne, *v = NULL, *ve = NULL;
		bool inq = false;

		/* a directive ends at a ';' outside a quoted-string */
		for (e = p; e < end; e++) {
			if (inq && *e == '\\' && e + 1 < end)
				e++;
			else if (*e == '"')
				inq = !inq;
			else if (*e == ';' && !inq)
				break;
		}
		p = e < end ? e + 1 : end;
		hh_trim(&d, &e);
		if (d == e)
			continue;	/* an empty directive: "max-age=1;;" */
		name = d;
		while (d < e && hh_tchar(*d))
			d++;
		ne = d;
		while (d < e && hh_blank(*d))
			d++;
		if (d < e) {
			if (*d != '=')
				goto malformed;
			for (v = d + 1; v < e && hh_blank(*v); v++)
				;
			ve = e;
			if (v == ve)
				goto malformed;
			if (*v == '"') {
				if (!hsts_quoted(v, ve))
					goto malformed;
			} else {
				for (d = v; d < ve; d++)
					if (!hh_tchar(*d))
						goto malformed;
			}
		}
		if (ne == name)
			goto malformed;
		for (k = 0; k < nseen; k++)
			if (seen[k].n == (size_t)(ne - name) && strncasecmp(seen[k].s, name, seen[k].n) == 0)
				return hsts_fail(max_age, include_subdomains, err, errlen,
						 "directive '%s' is given twice", hh_echo(eb, name, (size_t)(ne - name)));
		if (nseen == HTTPHDR_HSTS_DIRECTIVES_MAX)
			return hsts_fail(max_age, include_subdomains, err, errlen, "more than %d directives",
					 HTTPHDR_HSTS_DIRECTIVES_MAX);
		seen[nseen].s = name;
		seen[nseen++].n = (size_t)(ne - name);
		if (hh_is(name, (size_t)(ne - name), "max-age")) {
			if (!v)
				return hsts_fail(max_age, include_subdomains, err, errlen, "max-age has no value");
			age = hsts_seconds(v, ve);
			if (age < 0)
				return hsts_fail(max_age, include_subdomains, err, errlen,
						 "max-age is not a number: '%s'", hh_echo(eb, v, (size_t)(ve - v)));
		} else if (hh_is(name, (size_t)(ne - name), "includesubdomains")) {
			if (v)
				return hsts_fail(max_age, include_subdomains, err, errlen,
						 "includeSubDomains takes no value");
			inc = true;
		}
		continue;
malformed:
		return hsts_fail(max_age, include_subdomains, err, errlen, "malformed directive '%s'",
				 hh_echo(eb, name, (size_t)(e - name)));
	}
	if (age < 0)
		return hsts_fail(max_age, include_subdomains, err, errlen, "max-age is missing");
	*max_age = age;
	*include_subdomains = inc;
	if (err && errlen)
		err[0] = '\0';
	return 0;
}

/* ---- X-Content-Type-Options, X-Frame-Options, Referrer-Policy ---------- */

void
httphdr_first_token(const char *value, char *out, size_t outlen)
{
	size_t len = strnlen(value, HTTPHDR_VALUE_MAX), n, i;
	const char *s = value, *e = value + len, *comma;
	bool cut;

	if (outlen == 0)
		return;
	comma = memchr(s, ',', len);
	/* no ',' in what was read while more follows: the token goes on past the cap */
	cut = !comma && value[len] != '\0';
	if (comma)
		e = comma;
	hh_trim(&s, &e);
	n = (size_t)(e - s);
	if (cut || n >= outlen) {
		if (outlen < 4) {
			out[0] = '\0';
			return;
		}
		if (n > outlen - 4)
			n = outlen - 4;
		cut = true;
	}
	for (i = 0; i < n; i++)
		out[i] = s[i] >= 0x20 && s[i] < 0x7f ? hh_lower(s[i]) : '?';
	if (cut)
		memcpy(out + n, "...", 3), n += 3;
	out[n] = '\0';
}

const char *
httphdr_referrer_policy(const char *value)
{
	static const char *const policies[] = {
		"no-referrer", "no-referrer-when-downgrade", "same-origin", "origin", "strict-origin",
		"origin-when-cross-origin", "strict-origin-when-cross-origin", "unsafe-url",
	};
	size_t len = strnlen(value, HTTPHDR_VALUE_MAX + 1), k;
	const char *p = value, *end = value + len, *last = NULL;

	if (len > HTTPHDR_VALUE_MAX)
		return NULL;
	for (;;) {
		const char *s = p, *e = memchr(p, ',', (size_t)(end - p));

		if (!e)
			e = end;
		hh_trim(&s, &e);
		for (k = 0; k < NELEM(policies); k++)
			if (hh_is(s, (size_t)(e - s), policies[k]))
				last = policies[k];
		p = memchr(p, ',', (size_t)(end - p));
		if (!p)
			break;
		p++;
	}
	return last;
}

/* ---- Content-Security-Policy ------------------------------------------ */

/*
 * The directives that hold sources, and what each falls back to (CSP3
 * section 6.8.3). navigate-to is left out: it left the draft in 2022 and no
 * browser enforces it, so its sources allow nothing (it is an unknown
 * directive here, as in browsers).
 */
enum csp_dir {
	CSP_DEFAULT, CSP_SCRIPT, CSP_SCRIPT_ELEM, CSP_SCRIPT_ATTR, CSP_OBJECT,
	CSP_STYLE, CSP_STYLE_ELEM, CSP_STYLE_ATTR, CSP_CHILD, CSP_FRAME, CSP_FENCED_FRAME,
	CSP_WORKER, CSP_CONNECT, CSP_IMG, CSP_FONT, CSP_MEDIA, CSP_MANIFEST, CSP_PREFETCH,
	CSP_BASE_URI, CSP_FORM_ACTION, CSP_FRAME_ANCESTORS,
	CSP_NDIR
};

/* What a source list may allow that the rules forbid. */
enum csp_issue {
	CSP_I_INLINE, CSP_I_HASHES, CSP_I_EVAL, CSP_I_STAR, CSP_I_HTTPS, CSP_I_LOCAL, CSP_I_DATA, CSP_I_HTTP,
	CSP_NISSUE
};

#define CSP_BIT(x) (1u << CSP_I_##x)
#define SCRIPTY (CSP_BIT(STAR) | CSP_BIT(HTTPS) | CSP_BIT(LOCAL) | CSP_BIT(DATA) | CSP_BIT(HTTP))

static const struct {
	const char *name;
	signed char chain[4];	/* itself first, then its fallbacks; -1 ends it */
	unsigned issues;	/* the issues looked for in its effective sources */
} csp_dirs[CSP_NDIR] = {
	[CSP_DEFAULT] = { "default-src", { CSP_DEFAULT, -1 }, CSP_BIT(STAR) | CSP_BIT(HTTPS) | CSP_BIT(LOCAL) | CSP_BIT(HTTP) },
	[CSP_SCRIPT] = { "script-src", { CSP_SCRIPT, CSP_DEFAULT, -1 }, CSP_BIT(EVAL) | SCRIPTY },
	[CSP_SCRIPT_ELEM] = { "script-src-elem", { CSP_SCRIPT_ELEM, CSP_SCRIPT, CSP_DEFAULT, -1 },
			      CSP_BIT(INLINE) | CSP_BIT(HASHES) | SCRIPTY },
	[CSP_SCRIPT_ATTR] = { "script-src-attr", { CSP_SCRIPT_ATTR, CSP_SCRIPT, CSP_DEFAULT, -1 },
			      CSP_BIT(INLINE) | CSP_BIT(HASHES) | SCRIPTY },
	[CSP_OBJECT] = { "object-src", { CSP_OBJECT, CSP_DEFAULT, -1 }, SCRIPTY },
	[CSP_STYLE] = { "style-src", { CSP_STYLE, CSP_DEFAULT, -1 }, CSP_BIT(HTTP) },
	[CSP_STYLE_ELEM] = { "style-src-elem", { CSP_STYLE_ELEM, CSP_STYLE, CSP_DEFAULT, -1 }, CSP_BIT(HTTP) },
	[CSP_STYLE_ATTR] = { "style-src-attr", { CSP_STYLE_ATTR, CSP_STYLE, CSP_DEFAULT, -1 }, CSP_BIT(HTTP) },
	[CSP_CHILD] = { "child-src", { CSP_CHILD, CSP_DEFAULT, -1 }, CSP_BIT(HTTP) },
	[CSP_FRAME] = { "frame-src", { CSP_FRAME, CSP_CHILD, CSP_DEFAULT, -1 }, CSP_BIT(HTTP) },
	[CSP_FENCED_FRAME] = { "fenced-frame-src", { CSP_FENCED_FRAME, CSP_FRAME, CSP_CHILD, CSP_DEFAULT },
			       CSP_BIT(HTTP) },
	[CSP_WORKER] = { "worker-src", { CSP_WORKER, CSP_CHILD, CSP_SCRIPT, CSP_DEFAULT }, CSP_BIT(HTTP) },
	[CSP_CONNECT] = { "connect-src", { CSP_CONNECT, CSP_DEFAULT, -1 }, CSP_BIT(HTTP) },
	[CSP_IMG] = { "img-src", { CSP_IMG, CSP_DEFAULT, -1 }, CSP_BIT(HTTP) },
	[CSP_FONT] = { "font-src", { CSP_FONT, CSP_DEFAULT, -1 }, CSP_BIT(HTTP) },
	[CSP_MEDIA] = { "media-src", { CSP_MEDIA, CSP_DEFAULT, -1 }, CSP_BIT(HTTP) },
	[CSP_MANIFEST] = { "manifest-src", { CSP_MANIFEST, CSP_DEFAULT, -1 }, CSP_BIT(HTTP) },
	[CSP_PREFETCH] = { "prefetch-src", { CSP_PREFETCH, CSP_DEFAULT, -1 }, CSP_BIT(HTTP) },
	[CSP_BASE_URI] = { "base-uri", { CSP_BASE_URI, -1 }, CSP_BIT(HTTP) },
	[CSP_FORM_ACTION] = { "form-action", { CSP_FORM_ACTION, -1 }, CSP_BIT(HTTP) },
	[CSP_FRAME_ANCESTORS] = { "frame-ancestors", { CSP_FRAME_ANCESTORS, -1 }, CSP_BIT(HTTP) },
};

static const char *const csp_issue_text[CSP_NISSUE] = {
	[CSP_I_INLINE] = "'unsafe-inline'",
	[CSP_I_HASHES] = "'unsafe-hashes'",
	[CSP_I_EVAL] = "'unsafe-eval'",
	[CSP_I_STAR] = "any host (*)",
	[CSP_I_HTTPS] = "any https: url",
	[CSP_I_LOCAL] = "127.0.0.1",
	[CSP_I_DATA] = "data:",
	[CSP_I_HTTP] = "http:",
};

/* One policy: where each directive's value is, pointing into the header. */
struct csp_policy {
	const char *val[CSP_NDIR];	/* NULL when the directive is absent */
	const char *end[CSP_NDIR];
	bool any;			/* some directive, known or not */
};

/* What one policy allows, or lacks. */
struct csp_verdict {
	unsigned issues[CSP_NDIR];	/* bit CSP_I_x: directive's effective sources allow x */
	signed char from[CSP_NDIR];	/* the directive those sources were written in, -1 when none */
	bool no_default, wide_default, no_frame_ancestors, no_base_uri, no_form_action;
};

static bool
csp_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

/* The next source of [*p, e) into [*s, *se); false at the end. */
static bool
csp_next(const char **p, const char *e, const char **s, const char **se)
{
	while (*p < e && csp_space(**p))
		(*p)++;
	if (*p == e)
		return false;
	*s = *p;
	while (*p < e && !csp_space(**p))
		(*p)++;
	*se = *p;
	return true;
}

/*
 * One policy of a header, [s, e): directives split on ';' (CSP3 section
 * 2.2.1), a token with a non-ASCII byte skipped, the first of a name kept.
 */
static void
csp_parse(const char *s, const char *e, struct csp_policy *pol)
{
	memset(pol, 0, sizeof(*pol));
	while (s < e) {
		const char *t = s, *te = memchr(s, ';', (size_t)(e - s)), *n, *ne, *q;
		size_t k;

		if (!te)
			te = e;
		s = te < e ? te + 1 : e;
		while (t < te && csp_space(*t))
			t++;
		while (te > t && csp_space(te[-1]))
			te--;
		if (t == te)
			continue;
		for (q = t; q < te; q++)
			if ((unsigned char)*q >= 0x80)
				break;
		if (q < te)
			continue;
		pol->any = true;
		for (n = ne = t; ne < te && !csp_space(*ne); ne++)
			;
		for (k = 0; k < CSP_NDIR; k++)
			if (hh_is(n, (size_t)(ne - n), csp_dirs[k].name) && !pol->val[k]) {
				while (ne < te && csp_space(*ne))
					ne++;
				pol->val[k] = ne;
				pol->end[k] = te;
				break;
			}
	}
}

/* A 'nonce-...' or 'sha256/384/512-...' source. */
static bool
csp_nonce_or_hash(const char *s, size_t n)
{
	static const char *const pre[] = { "'nonce-", "'sha256-", "'sha384-", "'sha512-" };
	size_t k;

	for (k = 0; k < NELEM(pre); k++)
		if (hh_begins(s, n, pre[k]) && n > strlen(pre[k]) + 1 && s[n - 1] == '\'')
			return true;
	return false;
}

/* The issues of one source list [s, e). */
static unsigned
csp_list_issues(const char *s, const char *e)
{
	const char *p = s, *t, *te;
	unsigned got = 0;
	bool nonce = false;

	while (csp_next(&p, e, &t, &te)) {
		size_t n = (size_t)(te - t);
		const char *h, *he;

		if (*t == '\'') {
			if (hh_is(t, n, "'unsafe-inline'"))
				got |= CSP_BIT(INLINE);
			else if (hh_is(t, n, "'unsafe-hashes'"))
				got |= CSP_BIT(HASHES);
			else if (hh_is(t, n, "'unsafe-eval'"))
				got |= CSP_BIT(EVAL);
			else if (csp_nonce_or_hash(t, n))
				nonce = true;
			continue;
		}
		/* scheme-source: "https:", "data:" */
		if (te[-1] == ':' && !memchr(t, '/', n)) {
			if (hh_is(t, n, "http:"))
				got |= CSP_BIT(HTTP);
			else if (hh_is(t, n, "https:"))
				got |= CSP_BIT(HTTPS);
			else if (hh_is(t, n, "data:"))
				got |= CSP_BIT(DATA);
			continue;
		}
		/* host-source: [scheme "://"] host [":" port] [path] */
		h = t;
		for (he = t; he + 2 < te; he++)
			if (he[0] == ':' && he[1] == '/' && he[2] == '/') {
				if (hh_is(t, (size_t)(he - t), "http"))
					got |= CSP_BIT(HTTP);
				h = he + 3;
				break;
			}
		for (he = h; he < te && *he != ':' && *he != '/'; he++)
			;
		if (hh_is(h, (size_t)(he - h), "*"))
			got |= CSP_BIT(STAR);
		else if (hh_is(h, (size_t)(he - h), "127.0.0.1"))
			got |= CSP_BIT(LOCAL);
	}
	/*
	 * CSP3 (section 6.7.3.3): a nonce or a hash in the list makes browsers
	 * ignore 'unsafe-inline'; it stays only for browsers before CSP2, which
	 * know no nonce. So it is no problem then.
	 */
	if (nonce)
		got &= ~CSP_BIT(INLINE);
	return got;
}

/* Only 'self', 'none' or 'report-sample' (an empty list is 'none'). */
static bool
csp_only_self(const char *s, const char *e)
{
	const char *p = s, *t, *te;

	while (csp_next(&p, e, &t, &te))
		if (!hh_is(t, (size_t)(te - t), "'self'") && !hh_is(t, (size_t)(te - t), "'none'") &&
		    !hh_is(t, (size_t)(te - t), "'report-sample'"))
			return false;
	return true;
}

/* Only 'self' and/or 'none' (or nothing, which is 'none'). */
static bool
csp_only_self_none(const char *s, const char *e)
{
	const char *p = s, *t, *te;

	while (csp_next(&p, e, &t, &te))
		if (!hh_is(t, (size_t)(te - t), "'self'") && !hh_is(t, (size_t)(te - t), "'none'"))
			return false;
	return true;
}

static void
csp_judge(const struct csp_policy *pol, struct csp_verdict *v)
{
	size_t d, k;

	memset(v, 0, sizeof(*v));
	for (d = 0; d < CSP_NDIR; d++) {
		v->from[d] = -1;
		for (k = 0; k < NELEM(csp_dirs[d].chain) && csp_dirs[d].chain[k] >= 0; k++) {
			int c = csp_dirs[d].chain[k];

			if (pol->val[c]) {
				v->from[d] = (signed char)c;
				v->issues[d] = csp_list_issues(pol->val[c], pol->end[c]) & csp_dirs[d].issues;
				break;
			}
		}
		/* no sources at all: the directive allows everything */
		if (v->from[d] < 0)
			v->issues[d] = csp_dirs[d].issues;
	}
	v->no_default = !pol->val[CSP_DEFAULT];
	v->wide_default = pol->val[CSP_DEFAULT] && !csp_only_self(pol->val[CSP_DEFAULT], pol->end[CSP_DEFAULT]);
	v->no_frame_ancestors = !pol->val[CSP_FRAME_ANCESTORS];
	v->no_base_uri = !pol->val[CSP_BASE_URI];
	v->no_form_action = !pol->val[CSP_FORM_ACTION];
}

/* A directive's value for messages: cut to fit, bytes outside printable ASCII as '?'. */
static void
csp_copy_value(char *dst, size_t n, const char *s, const char *e)
{
	size_t i, len = (size_t)(e - s);

	if (len >= n)
		len = n - 1;
	for (i = 0; i < len; i++)
		dst[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	dst[len] = '\0';
}

void
httphdr_csp_evaluate(const char *const *policies, size_t n, struct httphdr_csp *out)
{
	struct csp_verdict all, one;
	struct csp_policy pol;
	signed char from[CSP_NDIR];
	bool overlong = false, fa_seen = false;
	size_t npol = 0, i, d, k;

	memset(out, 0, sizeof(*out));
	memset(&all, 0, sizeof(all));
	memset(from, -1, sizeof(from));
	for (i = 0; i < n; i++) {
		const char *p, *end;
		size_t len;

		if (!policies[i])
			continue;
		len = strnlen(policies[i], HTTPHDR_VALUE_MAX + 1);
		if (len > HTTPHDR_VALUE_MAX) {
			overlong = true;
			continue;
		}
		for (p = policies[i], end = p + len; p <= end;) {
			const char *c = memchr(p, ',', (size_t)(end - p));

			if (!c)
				c = end;
			csp_parse(p, c, &pol);
			p = c + 1;
			if (!pol.any)
				continue;
			csp_judge(&pol, &one);
			/* every policy is enforced: a problem is one only when every policy has it */
			if (npol++ == 0) {
				all = one;
			} else {
				for (d = 0; d < CSP_NDIR; d++)
					all.issues[d] &= one.issues[d];
				all.no_default &= one.no_default;
				all.wide_default &= one.wide_default;
				all.no_frame_ancestors &= one.no_frame_ancestors;
				all.no_base_uri &= one.no_base_uri;
				all.no_form_action &= one.no_form_action;
			}
			/* messages name the directive of the first policy that writes one */
			for (d = 0; d < CSP_NDIR; d++)
				if (from[d] < 0)
					from[d] = one.from[d];
			if (pol.val[CSP_FRAME_ANCESTORS] && !out->frame_ancestors_restricted) {
				bool r = csp_only_self_none(pol.val[CSP_FRAME_ANCESTORS], pol.end[CSP_FRAME_ANCESTORS]);

				if (r || !fa_seen)
					csp_copy_value(out->frame_ancestors, sizeof(out->frame_ancestors),
						       pol.val[CSP_FRAME_ANCESTORS], pol.end[CSP_FRAME_ANCESTORS]);
				out->frame_ancestors_restricted = r;
				fa_seen = true;
			}
		}
	}
	if (overlong)
		hh_problem(&out->problems, "content-security-policy longer than %d bytes is not evaluated",
			   HTTPHDR_VALUE_MAX);
	if (npol == 0) {
		if (!overlong)
			hh_problem(&out->problems, "no content-security-policy");
		return;
	}
	if (all.no_default)
		hh_problem(&out->problems, "default-src is missing");
	if (all.wide_default)
		hh_problem(&out->problems, "default-src allows more than 'self'");
	if (all.no_frame_ancestors)
		hh_problem(&out->problems, "frame-ancestors is not defined");
	if (all.no_base_uri)
		hh_problem(&out->problems, "base-uri is not defined");
	if (all.no_form_action)
		hh_problem(&out->problems, "form-action is not defined");
	for (d = 0; d < CSP_NDIR; d++) {
		/* a directive no policy writes (nor its fallbacks): "default-src is missing" says it */
		if (from[d] < 0)
			continue;
		for (k = 0; k < CSP_NISSUE; k++)
			if (all.issues[d] & (1u << k))
				hh_problem(&out->problems, "%s allows %s", csp_dirs[(size_t)from[d]].name,
					   csp_issue_text[k]);
	}
}

#undef CSP_BIT
#undef SCRIPTY

/* ---- security.txt ------------------------------------------------------- */

/* n digits at s as a number, or -1. */
static int
st_digits(const char *s, size_t n)
{
	int v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/*
 * An RFC 3339 date-time (section 5.6) in s[0..n): YYYY-MM-DDThh:mm:ss,
 * optional fraction, then Z or +hh:mm / -hh:mm ('t' and 'z' too). Returns
 * 0 with *t in UTC seconds, or -1.
 */
static int
st_rfc3339(const char *s, size_t n, time_t *t)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, mo, d, h, mi, sec, oh = 0, om = 0, sign = 0, dim;
	size_t i = 19;
	struct tm tm;
	time_t u;

	if (n < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') || s[13] != ':' ||
	    s[16] != ':')
		return -1;
	y = st_digits(s, 4);
	mo = st_digits(s + 5, 2);
	d = st_digits(s + 8, 2);
	h = st_digits(s + 11, 2);
	mi = st_digits(s + 14, 2);
	sec = st_digits(s + 17, 2);
	if (y < 0 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 60)
		return -1;
	dim = mdays[mo - 1] + (mo == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0));
	if (d > dim)
		return -1;
	if (s[i] == '.') {
		size_t f = ++i;

		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == f)
			return -1;
	}
	if (i < n && (s[i] == 'Z' || s[i] == 'z')) {
		i++;
	} else if (i < n && (s[i] == '+' || s[i] == '-')) {
		sign = s[i] == '+' ? 1 : -1;
		if (n - i < 6 || s[i + 3] != ':')
			return -1;
		oh = st_digits(s + i + 1, 2);
		om = st_digits(s + i + 4, 2);
		if (oh < 0 || oh > 23 || om < 0 || om > 59)
			return -1;
		i += 6;
	} else {
		return -1;
	}
	if (i != n)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;	/* a leap second :60 is the next minute's :00 */
	u = timegm(&tm);
	if (u == (time_t)-1 && !(y == 1969 && mo == 12 && d == 31 && h == 23 && mi == 59 && sec == 59))
		return -1;
	*t = u - (time_t)sign * (oh * 3600 + om * 60);
	return 0;
}

struct st_state {
	struct httphdr_sectxt *out;
	size_t nexpires;
};

/* One line of the (signed part of the) file, without its line end. */
static void
st_line(struct st_state *st, const char *s, const char *e)
{
	const char *colon, *q, *v;
	char eb[ECHO_MAX + 4];

	hh_trim(&s, &e);
	if (s == e || *s == '#')
		return;
	colon = memchr(s, ':', (size_t)(e - s));
	if (!colon || colon == s)
		return;
	for (q = s; q < colon; q++)
		if (*q <= 0x20 || *q >= 0x7f)
			return;	/* not a field name: ignored */
	v = colon + 1;
	while (v < e && hh_blank(*v))
		v++;
	if (hh_is(s, (size_t)(colon - s), "contact")) {
		if (v < e)
			st->out->ncontact++;
	} else if (hh_is(s, (size_t)(colon - s), "expires")) {
		if (st->nexpires++ > 0)
			return;
		if (st_rfc3339(v, (size_t)(e - v), &st->out->expires) == 0)
			st->out->has_expires = true;
		else
			hh_problem(&st->out->problems, "expires is not an rfc 3339 date-time: '%s'",
				   hh_echo(eb, v, (size_t)(e - v)));
	}
}

/* The line [s, e) with trailing blanks off equals w. */
static bool
st_is(const char *s, const char *e, const char *w)
{
	hh_trim(&s, &e);
	return (size_t)(e - s) == strlen(w) && memcmp(s, w, (size_t)(e - s)) == 0;
}

void
httphdr_sectxt_parse(const char *body, size_t len, time_t now, struct httphdr_sectxt *out)
{
	enum { PLAIN, ARMOR, SIGNED, SIGNATURE, DONE } state = PLAIN;
	struct st_state st = { out, 0 };
	const char *p, *end;
	bool first = true, cut = false;

	memset(out, 0, sizeof(*out));
	if (len > HTTPHDR_SECTXT_MAX) {
		hh_problem(&out->problems, "longer than %d bytes, the rest is not read", HTTPHDR_SECTXT_MAX);
		len = HTTPHDR_SECTXT_MAX;
		cut = true;
	}
	if (memchr(body, '\0', len)) {
		hh_problem(&out->problems, "not text (a NUL byte)");
		return;
	}
	for (p = body, end = body + len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *s = p, *e;

		if (!nl && cut)
			break;	/* the line the cap cut in two */
		e = nl ? nl : end;
		p = nl ? nl + 1 : end;
		if (e > s && e[-1] == '\r')
			e--;
		if (first && st_is(s, e, ""))
			continue;	/* blank lines before the wrapper */
		if (first && st_is(s, e, "-----BEGIN PGP SIGNED MESSAGE-----")) {
			state = ARMOR;
			first = false;
			continue;
		}
		first = false;
		switch (state) {
		case ARMOR:	/* "Hash: SHA256" up to a blank line */
			if (st_is(s, e, ""))
				state = SIGNED;
			break;
		case SIGNED:
			if (st_is(s, e, "-----BEGIN PGP SIGNATURE-----")) {
				state = SIGNATURE;
				break;
			}
			if (e - s >= 2 && s[0] == '-' && s[1] == ' ')
				s += 2;	/* dash-escaped */
			st_line(&st, s, e);
			break;
		case SIGNATURE:
			if (st_is(s, e, "-----END PGP SIGNATURE-----"))
				state = DONE;
			break;
		case DONE:
			break;
		case PLAIN:
			st_line(&st, s, e);
			break;
		}
	}
	if (state == ARMOR || state == SIGNED || state == SIGNATURE)
		hh_problem(&out->problems, "the openpgp signature is incomplete");
	if (out->ncontact == 0)
		hh_problem(&out->problems, "no contact field");
	if (st.nexpires == 0)
		hh_problem(&out->problems, "no expires field");
	else if (st.nexpires > 1)
		hh_problem(&out->problems, "more than one expires field");
	if (out->has_expires && out->expires < now) {
		char when[40] = "?";
		struct tm tm;

		/* by hand: strftime's %Y does not pad years before 1000 */
		if (gmtime_r(&out->expires, &tm))
			snprintf(when, sizeof(when), "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
				 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
		hh_problem(&out->problems, "expired on %s", when);
	}
}
