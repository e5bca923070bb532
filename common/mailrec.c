/* The DNS records of a mail domain: see mailrec.h. */
#include <arpa/inet.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "mailrec.h"
#include "util.h"
#include "banned.h"

/* ---- small helpers: ASCII classes (not the locale's), errors, lists ---- */

static bool
is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static bool
is_alnum(int c)
{
	return is_alpha(c) || is_digit(c);
}

static bool
is_wsp(int c)
{
	return c == ' ' || c == '\t';
}

static char
lower(int c)
{
	return (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
}

/* Copies s[0..n) lower-cased into dst (cut to dstlen - 1). */
static void
lower_copy(char *dst, size_t dstlen, const char *s, size_t n)
{
	size_t i;

	if (dstlen == 0)
		return;
	for (i = 0; i < n && i + 1 < dstlen; i++)
		dst[i] = lower((unsigned char)s[i]);
	dst[i] = '\0';
}

static int fail(char *err, size_t errlen, const char *fmt, ...) CB_PRINTF(3, 4);

/* Writes the reason into err (when there is room) and returns -1. */
static int
fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* Drops blanks (space, tab) around s[0..*n). */
static void
trim(const char **s, size_t *n)
{
	while (*n && is_wsp((unsigned char)**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n && is_wsp((unsigned char)(*s)[*n - 1]))
		(*n)--;
}

/* Items of a list in [p, end) separated by one character, each trimmed of blanks. */
struct cursor {
	const char *p, *end;
	bool done;
};

static void
cursor_init(struct cursor *c, const char *s, size_t n)
{
	c->p = s;
	c->end = s + n;
	c->done = false;
}

/* The next item (possibly empty); false after the last. An empty list has one empty item. */
static bool
cursor_next(struct cursor *c, char sep, const char **it, size_t *il)
{
	const char *s;

	if (c->done)
		return false;
	s = memchr(c->p, sep, (size_t)(c->end - c->p));
	*it = c->p;
	*il = (size_t)((s ? s : c->end) - c->p);
	if (s)
		c->p = s + 1;
	else
		c->done = true;
	trim(it, il);
	return true;
}

/* Whether s[0..n) holds only printable ASCII (and blanks when wsp). */
static bool
printable(const char *s, size_t n, bool wsp)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 || c > 0x7e) && !(wsp && c == '\t'))
			return false;
		if (c == ' ' && !wsp)
			return false;
	}
	return true;
}

/*
 * A host name: labels of letters, digits and '-' (neither first nor last),
 * 1-63 bytes each, at most 253 bytes in all, no trailing dot.
 */
static bool
host_ok(const char *s, size_t n)
{
	size_t i, lab = 0;

	if (n == 0 || n > 253)
		return false;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '.') {
			if (lab == 0 || s[i - 1] == '-')
				return false;
			lab = 0;
			continue;
		}
		if (!is_alnum(c) && !(c == '-' && lab > 0))
			return false;
		if (++lab > 63)
			return false;
	}
	return lab > 0 && s[n - 1] != '-';
}

/* RFC 8461/8460 extension name: (ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / "."). */
static bool
ext_name_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > 32 || !is_alnum((unsigned char)s[0]))
		return false;
	for (i = 1; i < n; i++)
		if (!is_alnum((unsigned char)s[i]) && !(s[i] && strchr("_-.", s[i])))
			return false;
	return true;
}

/* RFC 8461/8460 extension value: 1*(%x21-3A / %x3C / %x3E-7E), no ';', no '='. */
static bool
ext_value_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0)
		return false;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x21 || c > 0x7e || c == ';' || c == '=')
			return false;
	}
	return true;
}

/* A record of text: present, not longer than MAILREC_TXT_MAX. Its length, or -1 with err. */
static long
txt_len(const char *txt, char *err, size_t errlen)
{
	size_t n;

	if (!txt)
		return fail(err, errlen, "no record");
	n = strnlen(txt, MAILREC_TXT_MAX + 1);
	if (n > MAILREC_TXT_MAX)
		return fail(err, errlen, "record is longer than %d bytes", MAILREC_TXT_MAX);
	return (long)n;
}

/* At most this much of a quoted piece of input goes into a message. */
#define QUOTE_MAX 60

static int
qlen(size_t n)
{
	return n > QUOTE_MAX ? QUOTE_MAX : (int)n;
}

void
mailrec_problem_add(struct mailrec_problems *p, const char *fmt, ...)
{
	va_list ap;

	if (p->n >= MAILREC_PROBLEMS_MAX) {
		p->n = MAILREC_PROBLEMS_MAX;
		snprintf(p->v[MAILREC_PROBLEMS_MAX - 1], MAILREC_PROBLEM_LEN, "and more");
		return;
	}
	va_start(ap, fmt);
	vsnprintf(p->v[p->n++], MAILREC_PROBLEM_LEN, fmt, ap);
	va_end(ap);
}

/* ---- SPF, RFC 7208 ---- */

enum spf_kind {
	SPF_ALL, SPF_INCLUDE, SPF_A, SPF_MX, SPF_PTR, SPF_IP4, SPF_IP6, SPF_EXISTS,
	SPF_REDIRECT, SPF_EXP, SPF_MODIFIER
};

static const struct {
	const char *name;
	enum spf_kind kind;
} spf_mechs[] = {
	{ "all", SPF_ALL }, { "include", SPF_INCLUDE }, { "a", SPF_A }, { "mx", SPF_MX },
	{ "ptr", SPF_PTR }, { "ip4", SPF_IP4 }, { "ip6", SPF_IP6 }, { "exists", SPF_EXISTS },
};

/* One term of a record, pointing into it. */
struct spf_term {
	enum spf_kind kind;
	char qual;		/* '+', '-', '~', '?' */
	const char *dom;	/* the domain-spec of include, exists, redirect, exp, a, mx, ptr; or NULL */
	size_t domlen;
	bool macro;		/* dom has a %{...} macro */
};

/* "v=spf1" (any case), then a space or the end (RFC 7208 section 4.5). */
static bool
spf_is_record(const char *s)
{
	return strncasecmp(s, "v=spf1", 6) == 0 && (s[6] == ' ' || s[6] == '\0');
}

/* The next term after *p (spaces skipped): false at the end. */
static bool
spf_next(const char **p, const char **t, size_t *tl)
{
	const char *s = *p;

	while (*s == ' ')
		s++;
	if (!*s)
		return false;
	*t = s;
	while (*s && *s != ' ')
		s++;
	*tl = (size_t)(s - *t);
	*p = s;
	return true;
}

/*
 * A macro-string (RFC 7208 section 7.1) in s[0..n). In a domain-spec (dom)
 * the letters c, r and t are not allowed (exp text only). *macro: it has a
 * %{...}; *ends_macro: its last piece is a macro-expand.
 */
static bool
spf_macro_string(const char *s, size_t n, bool dom, bool *macro, bool *ends_macro)
{
	size_t i = 0;

	*macro = *ends_macro = false;
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		bool nonzero = false, digits = false;

		if (c != '%') {
			if (c < 0x21 || c > 0x7e)
				return false;
			i++;
			*ends_macro = false;
			continue;
		}
		if (i + 1 >= n)
			return false;
		c = (unsigned char)s[i + 1];
		if (c == '%' || c == '_' || c == '-') {
			i += 2;
			*ends_macro = true;
			continue;
		}
		if (c != '{' || i + 2 >= n)
			return false;
		i += 2;
		c = (unsigned char)lower((unsigned char)s[i]);
		if (!c || !strchr("slodiphcrtv", c) || (dom && strchr("crt", c)))
			return false;
		for (i++; i < n && is_digit((unsigned char)s[i]); i++) {
			digits = true;
			nonzero |= s[i] != '0';
		}
		if (digits && !nonzero)
			return false;	/* "the value MUST be nonzero" (section 7.3) */
		if (i < n && lower((unsigned char)s[i]) == 'r')
			i++;
		while (i < n && s[i] && strchr(".-+,/_=", s[i]))
			i++;
		if (i >= n || s[i] != '}')
			return false;
		i++;
		*macro = *ends_macro = true;
	}
	return true;
}

/* toplabel = ( *alphanum ALPHA *alphanum ) / ( 1*alphanum "-" *( alphanum / "-" ) alphanum ) */
static bool
spf_toplabel(const char *s, size_t n)
{
	bool alpha = false, hyphen = false;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == '-')
			hyphen = true;
		else if (is_alpha((unsigned char)s[i]))
			alpha = true;
	}
	if (!hyphen)
		return alpha;
	return is_alnum((unsigned char)s[0]) && is_alnum((unsigned char)s[n - 1]);
}

/* domain-spec = macro-string domain-end; domain-end = ( "." toplabel [ "." ] ) / macro-expand */
static bool
spf_domain_spec(const char *s, size_t n, bool *macro)
{
	bool ends_macro;
	size_t e, b;

	if (n == 0 || n > 253 || !spf_macro_string(s, n, true, macro, &ends_macro))
		return false;
	if (ends_macro)
		return true;
	e = s[n - 1] == '.' ? n - 1 : n;
	for (b = e; b > 0 && (is_alnum((unsigned char)s[b - 1]) || s[b - 1] == '-'); b--)
		;
	if (b == e || b == 0 || s[b - 1] != '.')
		return false;
	return spf_toplabel(s + b, e - b);
}

/* A CIDR length: "0" or 1-3 digits without a leading zero, at most max. */
static bool
spf_cidr(const char *s, size_t n, unsigned max)
{
	unsigned v = 0;
	size_t i;

	if (n == 0 || n > 3 || (n > 1 && s[0] == '0'))
		return false;
	for (i = 0; i < n; i++) {
		if (!is_digit((unsigned char)s[i]))
			return false;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	return v <= max;
}

/* ip4-network: four qnums, 0-255 without leading zeros. */
static bool
spf_ip4(const char *s, size_t n)
{
	size_t i = 0, q;

	for (q = 0; q < 4; q++) {
		size_t d = 0;
		unsigned v = 0;

		if (q > 0) {
			if (i >= n || s[i] != '.')
				return false;
			i++;
		}
		while (i < n && is_digit((unsigned char)s[i]) && d < 4) {
			v = v * 10 + (unsigned)(s[i++] - '0');
			d++;
		}
		if (d == 0 || d > 3 || v > 255 || (d > 1 && s[i - d] == '0'))
			return false;
	}
	return i == n;
}

/* ip6-network: what inet_pton() reads (RFC 4291 section 2.2). */
static bool
spf_ip6(const char *s, size_t n)
{
	char buf[INET6_ADDRSTRLEN];
	unsigned char addr[16];

	if (n == 0 || n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return inet_pton(AF_INET6, buf, addr) == 1;
}

/*
 * Splits a trailing dual-cidr-length ( [ "/" ip4-cidr ] [ "//" ip6-cidr ] )
 * off s[0..*n) of an a or mx mechanism; -1 with err when one is malformed.
 */
static int
spf_dual_cidr(const char *s, size_t *n, const char *term, size_t tl, char *err, size_t errlen)
{
	size_t e = *n, d;

	for (d = e; d > 0 && is_digit((unsigned char)s[d - 1]); d--)
		;
	if (d >= 2 && s[d - 1] == '/' && s[d - 2] == '/') {
		if (!spf_cidr(s + d, e - d, 128))
			return fail(err, errlen, "bad ip6 cidr in '%.*s'", qlen(tl), term);
		e = d - 2;
	}
	for (d = e; d > 0 && is_digit((unsigned char)s[d - 1]); d--)
		;
	if (d >= 1 && s[d - 1] == '/') {
		if (!spf_cidr(s + d, e - d, 32))
			return fail(err, errlen, "bad ip4 cidr in '%.*s'", qlen(tl), term);
		e = d - 1;
	}
	*n = e;
	return 0;
}

/* One term t[0..n) (printable, no space) into st; -1 with err when it breaks the grammar. */
static int
spf_term_parse(const char *t, size_t n, struct spf_term *st, char *err, size_t errlen)
{
	const char *t0 = t, *rest;
	size_t n0 = n, nl, rl, i;

	memset(st, 0, sizeof(*st));
	st->qual = '+';
	/* modifier = name "=" ...; name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." ) */
	if (is_alpha((unsigned char)t[0])) {
		for (i = 1; i < n && (is_alnum((unsigned char)t[i]) || (t[i] && strchr("-_.", t[i]))); i++)
			;
		if (i < n && t[i] == '=') {
			const char *v = t + i + 1;
			size_t vl = n - i - 1;
			bool m, em;

			if (i == 8 && strncasecmp(t, "redirect", 8) == 0)
				st->kind = SPF_REDIRECT;
			else if (i == 3 && strncasecmp(t, "exp", 3) == 0)
				st->kind = SPF_EXP;
			else
				st->kind = SPF_MODIFIER;
			if (st->kind == SPF_MODIFIER) {
				if (!spf_macro_string(v, vl, false, &m, &em))
					return fail(err, errlen, "bad macro-string in '%.*s'", qlen(n0), t0);
				return 0;
			}
			if (!spf_domain_spec(v, vl, &st->macro))
				return fail(err, errlen, "bad domain-spec in '%.*s'", qlen(n0), t0);
			st->dom = v;
			st->domlen = vl;
			return 0;
		}
	}
	if (t[0] && strchr("+-~?", t[0])) {
		st->qual = t[0];
		t++;
		n--;
	}
	for (nl = 0; nl < n && t[nl] != ':' && t[nl] != '/'; nl++)
		;
	for (i = 0; i < NELEM(spf_mechs); i++)
		if (strlen(spf_mechs[i].name) == nl && strncasecmp(t, spf_mechs[i].name, nl) == 0)
			break;
	if (i == NELEM(spf_mechs))
		return fail(err, errlen, "unknown mechanism '%.*s'", qlen(n0), t0);
	st->kind = spf_mechs[i].kind;
	rest = t + nl;
	rl = n - nl;
	switch (st->kind) {
	case SPF_ALL:
		if (rl)
			return fail(err, errlen, "'%.*s': all takes no argument", qlen(n0), t0);
		return 0;
	case SPF_A:
	case SPF_MX:
		if (spf_dual_cidr(rest, &rl, t0, n0, err, errlen) == -1)
			return -1;
		if (rl == 0)
			return 0;
		break;
	case SPF_PTR:
		if (rl == 0)
			return 0;
		break;
	case SPF_IP4:
	case SPF_IP6: {
		bool six = st->kind == SPF_IP6;
		const char *slash;
		size_t al;

		if (rl < 2 || rest[0] != ':')
			return fail(err, errlen, "missing address in '%.*s'", qlen(n0), t0);
		slash = memchr(rest, '/', rl);
		al = (size_t)((slash ? slash : rest + rl) - rest) - 1;
		if (six ? !spf_ip6(rest + 1, al) : !spf_ip4(rest + 1, al))
			return fail(err, errlen, "bad ip%c address in '%.*s'", six ? '6' : '4', qlen(n0), t0);
		if (slash && !spf_cidr(slash + 1, (size_t)(rest + rl - slash - 1), six ? 128 : 32))
			return fail(err, errlen, "bad ip%c cidr in '%.*s'", six ? '6' : '4', qlen(n0), t0);
		return 0;
	}
	default:	/* include, exists: a domain-spec is required */
		if (rl == 0)
			return fail(err, errlen, "missing domain-spec in '%.*s'", qlen(n0), t0);
		break;
	}
	if (rest[0] != ':')
		return fail(err, errlen, "bad argument in '%.*s'", qlen(n0), t0);
	if (!spf_domain_spec(rest + 1, rl - 1, &st->macro))
		return fail(err, errlen, "bad domain-spec in '%.*s'", qlen(n0), t0);
	st->dom = rest + 1;
	st->domlen = rl - 1;
	return 0;
}

int
mailrec_spf_parse(const char *record, char *err, size_t errlen)
{
	bool redirect = false, exp = false;
	struct spf_term st;
	const char *p, *t;
	size_t tl, i;
	long len;

	if ((len = txt_len(record, err, errlen)) < 0)
		return -1;
	if (!spf_is_record(record))
		return fail(err, errlen, "not an spf record (it does not start with v=spf1)");
	for (i = 0; i < (size_t)len; i++)
		if ((unsigned char)record[i] < 0x20 || (unsigned char)record[i] > 0x7e)
			return fail(err, errlen, "a byte that is not printable ascii at offset %zu", i);
	p = record + 6;
	while (spf_next(&p, &t, &tl)) {
		if (spf_term_parse(t, tl, &st, err, errlen) == -1)
			return -1;
		if (st.kind == SPF_REDIRECT) {
			if (redirect)
				return fail(err, errlen, "duplicate redirect modifier");
			redirect = true;
		} else if (st.kind == SPF_EXP) {
			if (exp)
				return fail(err, errlen, "duplicate exp modifier");
			exp = true;
		}
	}
	return 0;
}

/* The record for messages: lower case, blanks collapsed to one space, '?' for other bytes. */
static void
spf_display(const char *rec, char *out, size_t outlen)
{
	size_t o = 0;
	bool blank = false;

	for (; *rec && o + 1 < outlen; rec++) {
		unsigned char c = (unsigned char)*rec;

		if (c == ' ' || c == '\t') {
			blank = true;
			continue;
		}
		if (blank && o > 0) {
			out[o++] = ' ';
			if (o + 1 >= outlen)
				break;
		}
		blank = false;
		out[o++] = c < 0x20 || c > 0x7e ? '?' : lower(c);
	}
	out[o] = '\0';
}

/* A domain name to look up: lower case, printable, one trailing dot dropped, 1-253 bytes. */
static bool
spf_name(const char *s, size_t n, char out[254])
{
	if (n && s[n - 1] == '.')
		n--;
	if (n == 0 || n > 253 || !printable(s, n, false))
		return false;
	lower_copy(out, 254, s, n);
	return true;
}

enum spf_res {
	SPF_OK,		/* the target has one record, evaluated */
	SPF_NONE,	/* no record */
	SPF_FAIL,	/* permerror or temperror (a problem was added) */
	SPF_SKIP,	/* a macro: counted, not followed */
};

struct spf_walk {
	mailrec_txt_fn txt;
	void *ctx;
	struct mailrec_spf *out;
	char chain[MAILREC_SPF_DEPTH_MAX + 1][254];	/* the domains being evaluated, [0] asked */
	size_t depth;
	unsigned calls;
	bool stop;		/* more than 10 lookups: the evaluation is over */
};

/* The callback is called once for the domain and once per counted lookup at most. */
#define SPF_CALLS_MAX (1 + MAILREC_SPF_LOOKUPS_MAX)

/* "a.test -> b.test" (the chain, then last when not NULL), cut to n. */
static void
spf_chain_text(const struct spf_walk *w, const char *last, char *buf, size_t n)
{
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; i <= w->depth && used < n; i++) {
		const char *name = i < w->depth ? w->chain[i] : last;

		if (!name)
			break;
		used += (size_t)snprintf(buf + used, n - used, "%s%s", i ? " -> " : "", name);
	}
}

/* Counts one DNS-querying term; false (and the problem) when it is the 11th. */
static bool
spf_count(struct spf_walk *w)
{
	char chain[MAILREC_PROBLEM_LEN];

	if (w->stop)
		return false;
	if (++w->out->lookups <= MAILREC_SPF_LOOKUPS_MAX)
		return true;
	spf_chain_text(w, NULL, chain, sizeof(chain));
	mailrec_problem_add(&w->out->problems, "more than %d dns lookups (%s %s)", MAILREC_SPF_LOOKUPS_MAX,
			    w->depth > 1 ? "include chain" : "in", chain);
	w->out->permerror = true;
	w->stop = true;
	return false;
}

static enum spf_res spf_domain(struct spf_walk *w, const char *name, const char *how, char all[8]);

/* Follows an include or redirect term (how: "include:" or "redirect="); all gets the target's all. */
static enum spf_res
spf_follow(struct spf_walk *w, const struct spf_term *st, const char *how, char all[8])
{
	char target[254], chain[MAILREC_PROBLEM_LEN];
	enum spf_res r;
	size_t i;

	all[0] = '\0';
	if (st->macro)
		return SPF_SKIP;
	if (!spf_name(st->dom, st->domlen, target))
		return SPF_FAIL;	/* not reached: spf_term_parse() checked it */
	for (i = 0; i < w->depth; i++)
		if (strcmp(w->chain[i], target) == 0) {
			spf_chain_text(w, target, chain, sizeof(chain));
			mailrec_problem_add(&w->out->problems, "%s loop: %s", how[0] == 'i' ? "include" : "redirect",
					    chain);
			w->out->permerror = true;
			return SPF_FAIL;
		}
	if (w->depth == NELEM(w->chain)) {
		mailrec_problem_add(&w->out->problems, "%s%s nested deeper than %d", how, target,
				    MAILREC_SPF_DEPTH_MAX);
		w->out->permerror = true;
		return SPF_FAIL;
	}
	snprintf(w->chain[w->depth++], sizeof(w->chain[0]), "%s", target);
	r = spf_domain(w, target, how, all);
	w->depth--;
	if (r == SPF_OK && how[0] == 'i' && st->qual == '+' && strcmp(all, "+all") == 0)
		mailrec_problem_add(&w->out->problems, "include:%s allows every sender (+all)", target);
	return r;
}

/* Evaluates one record rec (of name, reached by how, NULL for the domain asked about). */
static enum spf_res
spf_record(struct spf_walk *w, const char *name, const char *how, const char *rec, char all[8])
{
	struct mailrec_spf *o = w->out;
	struct spf_term st, redir;
	bool have_redir = false;
	char err[MAILREC_PROBLEM_LEN], disp[64], sub[8];
	const char *p, *t;
	size_t tl, nt, allpos = SIZE_MAX;

	if (mailrec_spf_parse(rec, err, sizeof(err)) == -1) {
		spf_display(rec, disp, sizeof(disp));
		lower_copy(err, sizeof(err), err, strlen(err));
		if (how)
			mailrec_problem_add(&o->problems, "permerror in '%.48s%s' (%s%s): %s", disp,
					    strlen(disp) > 48 ? "..." : "", how, name, err);
		else
			mailrec_problem_add(&o->problems, "permerror in '%.48s%s': %s", disp,
					    strlen(disp) > 48 ? "..." : "", err);
		o->permerror = true;
		return SPF_FAIL;
	}
	/* the first all ends the mechanisms (section 5.1); a redirect only counts without one (6.1) */
	memset(&redir, 0, sizeof(redir));
	for (p = rec + 6, nt = 0; spf_next(&p, &t, &tl); nt++) {
		(void)spf_term_parse(t, tl, &st, NULL, 0);
		if (st.kind == SPF_ALL && !all[0]) {
			snprintf(all, 8, "%call", st.qual);
			allpos = nt;
		} else if (st.kind == SPF_REDIRECT) {
			redir = st;
			have_redir = true;
		}
	}
	for (p = rec + 6, nt = 0; nt < allpos && spf_next(&p, &t, &tl); nt++) {
		(void)spf_term_parse(t, tl, &st, NULL, 0);
		switch (st.kind) {
		case SPF_INCLUDE:
			if (!spf_count(w))
				return SPF_FAIL;
			(void)spf_follow(w, &st, "include:", sub);
			if (w->stop)
				return SPF_FAIL;
			break;
		case SPF_A:
		case SPF_MX:
		case SPF_PTR:
		case SPF_EXISTS:
			if (!spf_count(w))
				return SPF_FAIL;
			break;
		default:
			break;
		}
	}
	if (all[0])
		return SPF_OK;
	if (have_redir) {
		if (!spf_count(w))
			return SPF_FAIL;
		switch (spf_follow(w, &redir, "redirect=", all)) {
		case SPF_OK:
		case SPF_SKIP:
			return SPF_OK;
		default:
			return SPF_FAIL;
		}
	}
	if (!how)
		mailrec_problem_add(&o->problems, "no all mechanism and no redirect");
	else if (how[0] == 'r')
		mailrec_problem_add(&o->problems, "no all mechanism and no redirect (%s%s)", how, name);
	return SPF_OK;
}

/* Looks up name's TXT and evaluates its SPF record; how as for spf_record(). */
static enum spf_res
spf_domain(struct spf_walk *w, const char *name, const char *how, char all[8])
{
	struct mailrec_spf *o = w->out;
	char *recs[MAILREC_SPF_TXT_RECORDS], why[128] = "";
	const char *rec = NULL;
	enum spf_res res;
	int n, i, nspf = 0;

	all[0] = '\0';
	if (w->calls >= SPF_CALLS_MAX) {	/* not reached: spf_count() stops first */
		w->stop = true;
		return SPF_FAIL;
	}
	memset(recs, 0, sizeof(recs));
	w->calls++;
	n = w->txt(w->ctx, name, recs, NELEM(recs), why, sizeof(why));
	why[sizeof(why) - 1] = '\0';
	if (n < MAILREC_DNS_NXDOMAIN) {
		for (i = 0; why[i]; i++)
			if ((unsigned char)why[i] < 0x20 || (unsigned char)why[i] > 0x7e)
				why[i] = '?';
		mailrec_problem_add(&o->problems, "cannot look up txt of %s: %s", name,
				    why[0] ? why : "dns error");
		o->temperror = true;
		res = SPF_FAIL;
		goto out;
	}
	if (n > (int)NELEM(recs))
		n = (int)NELEM(recs);
	for (i = 0; i < n; i++)
		if (recs[i] && spf_is_record(recs[i]) && nspf++ == 0)
			rec = recs[i];
	if (nspf == 0) {
		if (!how) {
			mailrec_problem_add(&o->problems, "%s has no spf record", name);
		} else {
			mailrec_problem_add(&o->problems, "%s%s has no spf record", how, name);
			o->permerror = true;
			if (n <= 0 && ++o->void_lookups == MAILREC_SPF_VOID_MAX + 1)
				mailrec_problem_add(&o->problems, "more than %d void lookups",
						    MAILREC_SPF_VOID_MAX);
		}
		res = SPF_NONE;
		goto out;
	}
	if (!how)
		o->records = nspf;
	if (nspf > 1) {
		if (how)
			mailrec_problem_add(&o->problems, "%s%s has %d spf records", how, name, nspf);
		else
			mailrec_problem_add(&o->problems, "%d spf records", nspf);
		o->permerror = true;
		res = SPF_FAIL;
		goto out;
	}
	if (!how)
		spf_display(rec, o->record, sizeof(o->record));
	res = spf_record(w, name, how, rec, all);
out:
	for (i = 0; i < (int)NELEM(recs); i++)
		free(recs[i]);
	return res;
}

void
mailrec_spf_evaluate(const char *domain, mailrec_txt_fn txt, void *ctx, struct mailrec_spf *out)
{
	struct spf_walk w;

	memset(out, 0, sizeof(*out));
	memset(&w, 0, sizeof(w));
	w.txt = txt;
	w.ctx = ctx;
	w.out = out;
	if (!domain || !spf_name(domain, strnlen(domain, 256), w.chain[0])) {
		mailrec_problem_add(&out->problems, "'%.60s' is not a domain name", domain ? domain : "");
		return;
	}
	w.depth = 1;
	(void)spf_domain(&w, w.chain[0], NULL, out->all);
	if (strcmp(out->all, "+all") == 0)
		mailrec_problem_add(&out->problems, "+all allows every sender");
	else if (strcmp(out->all, "?all") == 0)
		mailrec_problem_add(&out->problems, "?all is neutral");
}

/* ---- DMARC, RFC 7489 ---- */

/* A URI as DMARC and TLS-RPT need it: scheme ":" then printable bytes without blanks. */
static bool
uri_ok(const char *s, size_t n)
{
	size_t i;

	if (n < 3 || !is_alpha((unsigned char)s[0]) || !printable(s, n, false))
		return false;
	for (i = 1; i < n && (is_alnum((unsigned char)s[i]) || (s[i] && strchr("+-.", s[i]))); i++)
		;
	return i < n && s[i] == ':' && i + 1 < n;
}

int
mailrec_uri_mail_domain(const char *uri, char *out, size_t outlen)
{
	const char *s, *e, *at = NULL, *bang, *q, *d;
	size_t n, dl;

	if (!uri || !out || outlen == 0)
		return -1;
	out[0] = '\0';
	n = strnlen(uri, MAILREC_TXT_MAX + 1);
	if (n > MAILREC_TXT_MAX)
		return -1;
	s = uri;
	trim(&s, &n);
	if (n < 7 || strncasecmp(s, "mailto:", 7) != 0)
		return -1;
	s += 7;
	n -= 7;
	e = s + n;
	if ((bang = memchr(s, '!', n)) != NULL) {	/* DMARC's size limit: "!" 1*DIGIT [ "k" / "m" / "g" / "t" ] */
		const char *x = bang + 1;

		while (x < e && is_digit((unsigned char)*x))
			x++;
		if (x == bang + 1)
			return -1;
		if (x < e && *x && strchr("kmgtKMGT", *x))
			x++;
		if (x != e)
			return -1;
		e = bang;
	}
	if ((q = memchr(s, '?', (size_t)(e - s))) != NULL)
		e = q;
	for (d = s; d < e; d++) {
		if ((unsigned char)*d <= 0x20 || (unsigned char)*d > 0x7e || *d == ',')
			return -1;
		if (*d == '@') {
			if (at)
				return -1;
			at = d;
		}
	}
	if (!at || at == s)
		return -1;
	d = at + 1;
	dl = (size_t)(e - d);
	if (dl && d[dl - 1] == '.')
		dl--;
	if (!host_ok(d, dl) || dl >= outlen)
		return -1;
	lower_copy(out, outlen, d, dl);
	return 0;
}

/* The URIs of a DMARC rua or ruf tag into uris[0..*n). */
static int
dmarc_uris(const char *tag, const char *v, size_t vl, char uris[][256], size_t *n, char *err, size_t errlen)
{
	struct cursor c;
	const char *it;
	size_t il;
	char dom[256];

	cursor_init(&c, v, vl);
	while (cursor_next(&c, ',', &it, &il)) {
		if (il == 0)
			return fail(err, errlen, "%s has an empty uri", tag);
		if (il > 255)
			return fail(err, errlen, "%s uri '%.*s...' is longer than 255 bytes", tag, QUOTE_MAX, it);
		if (*n == MAILREC_DMARC_URIS_MAX)
			return fail(err, errlen, "%s has more than %d uris", tag, MAILREC_DMARC_URIS_MAX);
		if (!uri_ok(it, il))
			return fail(err, errlen, "%s '%.*s' is not a uri", tag, qlen(il), it);
		memcpy(uris[*n], it, il);
		uris[*n][il] = '\0';
		if (il >= 7 && strncasecmp(it, "mailto:", 7) == 0 &&
		    mailrec_uri_mail_domain(uris[*n], dom, sizeof(dom)) == -1)
			return fail(err, errlen, "%s '%.*s' has no valid mail domain", tag, qlen(il), it);
		(*n)++;
	}
	return 0;
}

/* Whether v[0..vl) is one of words (any case); the match lower-cased into out. */
static bool
one_of(const char *v, size_t vl, const char *const *words, size_t nw, char *out, size_t outlen)
{
	size_t i;

	for (i = 0; i < nw; i++)
		if (strlen(words[i]) == vl && strncasecmp(v, words[i], vl) == 0) {
			snprintf(out, outlen, "%s", words[i]);
			return true;
		}
	return false;
}

/* Tag names already seen in a tag list, for duplicates. */
#define TAGS_MAX 32

struct tagset {
	char name[TAGS_MAX][32];
	size_t n;
};

/* Adds name (its length at most 31); -1 with err when it is there already or the list is full. */
static int
tagset_add(struct tagset *s, const char *name, char *err, size_t errlen)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->name[i], name) == 0)
			return fail(err, errlen, "tag '%s' given twice", name);
	if (s->n == TAGS_MAX)
		return fail(err, errlen, "more than %d tags", TAGS_MAX);
	snprintf(s->name[s->n++], sizeof(s->name[0]), "%s", name);
	return 0;
}

/* A tag name of RFC 6376's tag-list: ALPHA *( ALPHA / DIGIT / "_" ), here at most 31 bytes. */
static bool
tag_name_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > 31 || !is_alpha((unsigned char)s[0]))
		return false;
	for (i = 1; i < n; i++)
		if (!is_alnum((unsigned char)s[i]) && s[i] != '_')
			return false;
	return true;
}

int
mailrec_dmarc_parse(const char *txt, struct mailrec_dmarc *out, char *err, size_t errlen)
{
	static const char *const policies[] = { "none", "quarantine", "reject" };
	static const char *const modes[] = { "r", "s" };
	struct tagset seen = { .n = 0 };
	struct cursor c;
	const char *it;
	size_t il;
	bool first = true;
	long len;

	memset(out, 0, sizeof(*out));
	out->pct = 100;
	out->adkim = out->aspf = 'r';
	if ((len = txt_len(txt, err, errlen)) < 0)
		return -1;
	if (!printable(txt, (size_t)len, true))
		return fail(err, errlen, "a byte that is not printable ascii in the record");
	if (txt[0] != 'v')
		return fail(err, errlen, "not a dmarc record (it does not start with v=DMARC1)");
	cursor_init(&c, txt, (size_t)len);
	while (cursor_next(&c, ';', &it, &il)) {
		const char *eq = memchr(it, '=', il), *v;
		char name[32], buf[16];
		size_t nl, vl;

		if (il == 0 && !first)
			continue;
		if (!eq) {
			if (first)
				return fail(err, errlen, "not a dmarc record (it does not start with v=DMARC1)");
			return fail(err, errlen, "'%.*s' is not tag=value", qlen(il), it);
		}
		nl = (size_t)(eq - it);
		v = eq + 1;
		vl = il - nl - 1;
		trim(&it, &nl);
		trim(&v, &vl);
		if (first) {
			if (nl != 1 || vl != 6 || memcmp(v, "DMARC1", 6) != 0)
				return fail(err, errlen, "not a dmarc record (it does not start with v=DMARC1)");
			first = false;
			(void)tagset_add(&seen, "v", NULL, 0);
			continue;
		}
		if (!tag_name_ok(it, nl))
			return fail(err, errlen, "bad tag name '%.*s'", qlen(nl), it);
		lower_copy(name, sizeof(name), it, nl);
		if (tagset_add(&seen, name, err, errlen) == -1)
			return -1;
		if (strcmp(name, "p") == 0 || strcmp(name, "sp") == 0) {
			char *dst = name[0] == 'p' ? out->p : out->sp;

			if (!one_of(v, vl, policies, NELEM(policies), dst, sizeof(out->p)))
				return fail(err, errlen, "%s '%.*s' is not none, quarantine or reject", name, qlen(vl),
					    v);
		} else if (strcmp(name, "pct") == 0) {
			unsigned long pct;

			snprintf(buf, sizeof(buf), "%.*s", (int)(vl < 8 ? vl : 8), v);
			if (vl > 7 || parse_ulong(buf, 0, 100, &pct) == -1)
				return fail(err, errlen, "pct '%.*s' is not 0 to 100", qlen(vl), v);
			out->pct = (int)pct;
		} else if (strcmp(name, "adkim") == 0 || strcmp(name, "aspf") == 0) {
			if (!one_of(v, vl, modes, NELEM(modes), buf, sizeof(buf)))
				return fail(err, errlen, "%s '%.*s' is not r or s", name, qlen(vl), v);
			*(name[1] == 'd' ? &out->adkim : &out->aspf) = buf[0];
		} else if (strcmp(name, "rua") == 0) {
			if (dmarc_uris("rua", v, vl, out->rua, &out->nrua, err, errlen) == -1)
				return -1;
		} else if (strcmp(name, "ruf") == 0) {
			if (dmarc_uris("ruf", v, vl, out->ruf, &out->nruf, err, errlen) == -1)
				return -1;
		}
	}
	if (!out->p[0])
		return fail(err, errlen, "p= is missing");
	return 0;
}

/* ---- MTA-STS and TLS-RPT TXT records: "v=<version>" first, then ';'-separated fields ---- */

/*
 * Checks the frame of an RFC 8461/8460 TXT record and hands each field
 * after the version to fn (name, value); fn returns 0 or -1 with err.
 */
typedef int (*field_fn)(void *arg, const char *name, size_t nl, const char *v, size_t vl, char *err,
			size_t errlen);

static int
txt_fields(const char *txt, const char *version, const char *kind, field_fn fn, void *arg, char *err,
	   size_t errlen)
{
	size_t vlen = strlen(version), il;
	struct cursor c;
	const char *it;
	bool first = true;
	long len;

	if ((len = txt_len(txt, err, errlen)) < 0)
		return -1;
	if (!printable(txt, (size_t)len, true))
		return fail(err, errlen, "a byte that is not printable ascii in the record");
	if (strncmp(txt, version, vlen) != 0)
		return fail(err, errlen, "not %s record (it does not start with %s)", kind, version);
	cursor_init(&c, txt, (size_t)len);
	while (cursor_next(&c, ';', &it, &il)) {
		const char *eq;

		if (first) {
			if (il != vlen)
				return fail(err, errlen, "not %s record (it does not start with %s)", kind, version);
			first = false;
			continue;
		}
		if (il == 0)
			continue;
		if (!(eq = memchr(it, '=', il)))
			return fail(err, errlen, "'%.*s' is not name=value", qlen(il), it);
		if (!ext_name_ok(it, (size_t)(eq - it)))
			return fail(err, errlen, "bad field name in '%.*s'", qlen(il), it);
		if (fn(arg, it, (size_t)(eq - it), eq + 1, il - (size_t)(eq - it) - 1, err, errlen) == -1)
			return -1;
	}
	return 0;
}

struct sts_txt {
	char *id;
	size_t idlen;
	bool have;
};

static int
sts_txt_field(void *arg, const char *name, size_t nl, const char *v, size_t vl, char *err, size_t errlen)
{
	struct sts_txt *s = arg;
	size_t i;

	if (nl != 2 || memcmp(name, "id", 2) != 0) {
		if (!ext_value_ok(v, vl))
			return fail(err, errlen, "bad value in '%.*s=%.*s'", qlen(nl), name, qlen(vl), v);
		return 0;
	}
	if (s->have)
		return 0;	/* "all entries except for the first SHOULD be ignored" (RFC 8461 3.2) */
	for (i = 0; i < vl && is_alnum((unsigned char)v[i]); i++)
		;
	if (vl == 0 || vl > 32 || i != vl)
		return fail(err, errlen, "id '%.*s' is not 1 to 32 letters and digits", qlen(vl), v);
	if (s->id && s->idlen)
		snprintf(s->id, s->idlen, "%.*s", (int)vl, v);
	s->have = true;
	return 0;
}

int
mailrec_mta_sts_txt(const char *txt, char *id, size_t idlen, char *err, size_t errlen)
{
	struct sts_txt s = { id, idlen, false };

	if (id && idlen)
		id[0] = '\0';
	if (txt_fields(txt, "v=STSv1", "an mta-sts", sts_txt_field, &s, err, errlen) == -1)
		return -1;
	if (!s.have)
		return fail(err, errlen, "id is missing");
	return 0;
}

/* ---- MTA-STS policy, RFC 8461 section 3.2 ---- */

/* An mx pattern: a host name, or "*." and one short enough that a host can match it. */
static bool
sts_mx_ok(const char *s, size_t n)
{
	if (n >= 2 && s[0] == '*' && s[1] == '.')
		return n - 2 <= 251 && host_ok(s + 2, n - 2);
	return host_ok(s, n);
}

static bool
key_is(const char *k, size_t kl, const char *name)
{
	return strlen(name) == kl && memcmp(k, name, kl) == 0;
}

int
mailrec_mta_sts_policy(const char *body, size_t len, struct mailrec_mta_sts_policy *out, char *err,
		       size_t errlen)
{
	static const char *const modes[] = { "enforce", "testing", "none" };
	bool have_v = false, have_mode = false, have_age = false;
	const char *p, *end;
	size_t line = 0, i;

	memset(out, 0, sizeof(*out));
	out->max_age = -1;
	if (!body)
		return fail(err, errlen, "no policy");
	if (len > MAILREC_POLICY_MAX)
		return fail(err, errlen, "policy is longer than %d bytes", MAILREC_POLICY_MAX);
	if (memchr(body, '\0', len))
		return fail(err, errlen, "not text (a nul byte)");
	for (p = body, end = body + len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *cur = p, *colon, *v;
		size_t ll = (size_t)((nl ? nl : end) - p), kl, vl;

		p = nl ? nl + 1 : end;
		line++;
		if (ll && cur[ll - 1] == '\r')
			ll--;
		if (ll == 0)
			continue;
		if (!(colon = memchr(cur, ':', ll)))
			return fail(err, errlen, "line %zu is not 'key: value'", line);
		kl = (size_t)(colon - cur);
		if (!ext_name_ok(cur, kl))
			return fail(err, errlen, "line %zu: bad key '%.*s'", line, qlen(kl), cur);
		v = colon + 1;
		vl = ll - kl - 1;
		trim(&v, &vl);
		if (!printable(v, vl, true))
			return fail(err, errlen, "line %zu: a byte that is not printable ascii", line);
		if (key_is(cur, kl, "version")) {
			if (have_v)
				continue;	/* the first counts (section 3.2) */
			have_v = true;
			if (vl != 5 || memcmp(v, "STSv1", 5) != 0)
				return fail(err, errlen, "version '%.*s' is not STSv1", qlen(vl), v);
			out->version_ok = true;
		} else if (key_is(cur, kl, "mode")) {
			if (have_mode)
				continue;
			for (i = 0; i < NELEM(modes); i++)
				if (key_is(v, vl, modes[i]))
					break;
			if (i == NELEM(modes))
				return fail(err, errlen, "mode '%.*s' is not enforce, testing or none", qlen(vl), v);
			snprintf(out->mode, sizeof(out->mode), "%s", modes[i]);
			have_mode = true;
		} else if (key_is(cur, kl, "max_age")) {
			long long age = 0;

			if (have_age)
				continue;
			for (i = 0; i < vl && i < 10 && is_digit((unsigned char)v[i]); i++)
				age = age * 10 + (v[i] - '0');
			if (vl == 0 || vl > 10 || i != vl)
				return fail(err, errlen, "max_age '%.*s' is not a number of seconds", qlen(vl), v);
			if (age > MAILREC_STS_MAX_AGE)
				return fail(err, errlen, "max_age %lld is more than %lld", age, MAILREC_STS_MAX_AGE);
			out->max_age = age;
			have_age = true;
		} else if (key_is(cur, kl, "mx")) {
			if (out->nmx == MAILREC_STS_MX_MAX)
				return fail(err, errlen, "more than %d mx patterns", MAILREC_STS_MX_MAX);
			if (!sts_mx_ok(v, vl))
				return fail(err, errlen, "mx '%.*s' is not a host name or *.domain", qlen(vl), v);
			lower_copy(out->mx[out->nmx++], sizeof(out->mx[0]), v, vl);
		}
	}
	if (!have_v)
		return fail(err, errlen, "version is missing");
	if (!have_mode)
		return fail(err, errlen, "mode is missing");
	if (!have_age)
		return fail(err, errlen, "max_age is missing");
	if (out->nmx == 0 && strcmp(out->mode, "none") != 0)
		return fail(err, errlen, "mx is missing");
	return 0;
}

bool
mailrec_mta_sts_mx_match(const struct mailrec_mta_sts_policy *p, const char *host)
{
	char h[256];
	const char *dot;
	size_t n, i;

	if (!p || !host)
		return false;
	n = strnlen(host, sizeof(h));
	if (n && host[n - 1] == '.')
		n--;
	if (!host_ok(host, n))
		return false;
	lower_copy(h, sizeof(h), host, n);
	dot = strchr(h, '.');
	for (i = 0; i < p->nmx && i < MAILREC_STS_MX_MAX; i++) {
		const char *pat = p->mx[i];

		if (memchr(pat, '\0', sizeof(p->mx[i])) == NULL)
			continue;	/* not from the parser: no terminator */
		if (pat[0] == '*' && pat[1] == '.') {
			if (pat[2] && dot && dot > h && strcasecmp(dot + 1, pat + 2) == 0)
				return true;
		} else if (strcasecmp(h, pat) == 0) {
			return true;
		}
	}
	return false;
}

/* ---- TLS-RPT, RFC 8460 section 3 ---- */

struct tlsrpt {
	char (*rua)[256];
	size_t max, *n;
	bool have;
};

/* An https URI with a host: "https://" host [ ":" port ] [ "/" ... ], no user part. */
static bool
https_ok(const char *s, size_t n)
{
	const char *h = s + 8, *e = s + n, *a, *colon;

	if (n <= 8 || strncasecmp(s, "https://", 8) != 0)
		return false;
	for (a = h; a < e && *a && !strchr("/?#", *a); a++)
		if (*a == '@')
			return false;
	if ((colon = memchr(h, ':', (size_t)(a - h))) != NULL) {
		const char *d;

		for (d = colon + 1; d < a; d++)
			if (!is_digit((unsigned char)*d))
				return false;
		if (colon + 1 == a || a - colon > 6)
			return false;
		a = colon;
	}
	return host_ok(h, (size_t)(a - h));
}

static int
tlsrpt_field(void *arg, const char *name, size_t nl, const char *v, size_t vl, char *err, size_t errlen)
{
	struct tlsrpt *t = arg;
	struct cursor c;
	const char *it;
	size_t il;
	char dom[256];

	if (nl != 3 || memcmp(name, "rua", 3) != 0) {
		if (!ext_value_ok(v, vl))
			return fail(err, errlen, "bad value in '%.*s=%.*s'", qlen(nl), name, qlen(vl), v);
		return 0;
	}
	if (t->have)
		return 0;	/* the first counts, as for MTA-STS */
	t->have = true;
	cursor_init(&c, v, vl);
	while (cursor_next(&c, ',', &it, &il)) {
		if (il == 0)
			return fail(err, errlen, "rua has an empty uri");
		if (il > 255)
			return fail(err, errlen, "rua uri '%.*s...' is longer than 255 bytes", QUOTE_MAX, it);
		if (*t->n == t->max)
			return fail(err, errlen, "rua has more than %zu uris", t->max);
		if (!printable(it, il, false))
			return fail(err, errlen, "rua '%.*s' is not a uri", qlen(il), it);
		memcpy(t->rua[*t->n], it, il);
		t->rua[*t->n][il] = '\0';
		if (il >= 7 && strncasecmp(it, "mailto:", 7) == 0) {
			if (mailrec_uri_mail_domain(t->rua[*t->n], dom, sizeof(dom)) == -1)
				return fail(err, errlen, "rua '%.*s' has no valid mail domain", qlen(il), it);
		} else if (il >= 6 && strncasecmp(it, "https:", 6) == 0) {
			if (!https_ok(it, il))
				return fail(err, errlen, "rua '%.*s' has no valid host", qlen(il), it);
		} else {
			return fail(err, errlen, "rua '%.*s' is neither mailto: nor https:", qlen(il), it);
		}
		(*t->n)++;
	}
	return 0;
}

int
mailrec_tlsrpt(const char *txt, char rua[][256], size_t max, size_t *n, char *err, size_t errlen)
{
	size_t dummy;
	struct tlsrpt t = { rua, max, n ? n : &dummy, false };

	*t.n = 0;
	if (!rua)
		t.max = 0;
	if (txt_fields(txt, "v=TLSRPTv1", "a tls-rpt", tlsrpt_field, &t, err, errlen) == -1)
		return -1;
	if (!t.have)
		return fail(err, errlen, "rua is missing");
	return 0;
}

/* ---- DKIM key records, RFC 6376 section 3.6.1 and RFC 8463 ---- */

/* FWS in a DKIM tag list: blanks and line ends. */
static bool
is_fws(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void
trim_fws(const char **s, size_t *n)
{
	while (*n && is_fws((unsigned char)**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n && is_fws((unsigned char)(*s)[*n - 1]))
		(*n)--;
}

static int
b64_value(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Strict base64 (groups of 4, '=' only as the last one or two): 0 with out[0..*olen), or -1. */
static int
b64_decode(const char *s, size_t n, unsigned char *out, size_t max, size_t *olen)
{
	size_t i, j, o = 0, pad = 0;

	if (n == 0 || n % 4)
		return -1;
	pad = (size_t)(s[n - 1] == '=') + (size_t)(s[n - 1] == '=' && s[n - 2] == '=');
	for (i = 0; i < n; i += 4) {
		unsigned long w = 0;
		size_t bytes = i + 4 == n ? 3 - pad : 3;

		for (j = 0; j < 4; j++) {
			int v = 0;

			if (i + j < n - pad && (v = b64_value((unsigned char)s[i + j])) < 0)
				return -1;
			w = w << 6 | (unsigned long)v;
		}
		if (o + bytes > max)
			return -1;
		for (j = 0; j < bytes; j++)
			out[o++] = (unsigned char)(w >> (16 - 8 * j));
	}
	*olen = o;
	return 0;
}

/* The modulus bits of an RSA SubjectPublicKeyInfo (DER, nothing after it). */
static int
dkim_rsa_bits(const unsigned char *der, size_t len, unsigned *bits, char *err, size_t errlen)
{
	const unsigned char *p = der;
	EVP_PKEY *pk;
	int b, rc = -1;

	pk = d2i_PUBKEY(NULL, &p, (long)len);
	if (!pk)
		rc = fail(err, errlen, "p= is not a public key (subjectpublickeyinfo)");
	else if (p != der + len)
		rc = fail(err, errlen, "p= has bytes after the key");
	else if (EVP_PKEY_get_base_id(pk) != EVP_PKEY_RSA)
		rc = fail(err, errlen, "key is not an rsa public key");
	else if ((b = EVP_PKEY_get_bits(pk)) <= 0)
		rc = fail(err, errlen, "key is not an rsa public key");
	else {
		*bits = (unsigned)b;
		rc = 0;
	}
	EVP_PKEY_free(pk);
	ERR_clear_error();
	return rc;
}

int
mailrec_dkim(const char *txt, struct mailrec_dkim *out, char *err, size_t errlen)
{
	struct tagset seen = { .n = 0 };
	char b64[MAILREC_TXT_MAX + 1];
	unsigned char der[MAILREC_TXT_MAX];
	const char *it, *pv = NULL;
	size_t il, pl = 0, idx = 0, i, bl = 0, dl;
	struct cursor c;
	long len;

	memset(out, 0, sizeof(*out));
	snprintf(out->k, sizeof(out->k), "rsa");
	if ((len = txt_len(txt, err, errlen)) < 0)
		return -1;
	for (i = 0; i < (size_t)len; i++)
		if (((unsigned char)txt[i] < 0x20 || (unsigned char)txt[i] > 0x7e) && !is_fws((unsigned char)txt[i]))
			return fail(err, errlen, "a byte that is not printable ascii in the record");
	cursor_init(&c, txt, (size_t)len);
	while (cursor_next(&c, ';', &it, &il)) {
		const char *eq, *v;
		size_t nl, vl;
		char name[32];

		trim_fws(&it, &il);
		if (il == 0)
			continue;
		if (!(eq = memchr(it, '=', il)))
			return fail(err, errlen, "'%.*s' is not tag=value", qlen(il), it);
		nl = (size_t)(eq - it);
		v = eq + 1;
		vl = il - nl - 1;
		trim_fws(&it, &nl);
		trim_fws(&v, &vl);
		if (!tag_name_ok(it, nl))
			return fail(err, errlen, "bad tag name '%.*s'", qlen(nl), it);
		snprintf(name, sizeof(name), "%.*s", (int)nl, it);
		if (tagset_add(&seen, name, err, errlen) == -1)
			return -1;
		if (strcmp(name, "v") == 0) {
			if (idx != 0)
				return fail(err, errlen, "v= is not the first tag");
			if (vl != 5 || memcmp(v, "DKIM1", 5) != 0)
				return fail(err, errlen, "v '%.*s' is not DKIM1", qlen(vl), v);
		} else if (strcmp(name, "k") == 0) {
			if (!key_is(v, vl, "rsa") && !key_is(v, vl, "ed25519"))
				return fail(err, errlen, "k '%.*s' is not rsa or ed25519", qlen(vl), v);
			snprintf(out->k, sizeof(out->k), "%.*s", (int)vl, v);
		} else if (strcmp(name, "p") == 0) {
			pv = v;
			pl = vl;
		} else if (strcmp(name, "t") == 0) {
			struct cursor f;
			const char *fl;
			size_t fn;

			cursor_init(&f, v, vl);
			while (cursor_next(&f, ':', &fl, &fn))
				if (fn == 1 && fl[0] == 'y')
					out->testing = true;
		}
		idx++;
	}
	if (!pv)
		return fail(err, errlen, "p= is missing");
	for (i = 0; i < pl; i++)
		if (!is_fws((unsigned char)pv[i]))
			b64[bl++] = pv[i];
	if (bl == 0) {
		out->revoked = true;
		return 0;
	}
	if (b64_decode(b64, bl, der, sizeof(der), &dl) == -1)
		return fail(err, errlen, "p= is not valid base64");
	if (strcmp(out->k, "ed25519") == 0) {
		if (dl != 32)
			return fail(err, errlen, "ed25519 key is %zu bytes, not 32", dl);
		out->bits = 256;
		return 0;
	}
	return dkim_rsa_bits(der, dl, &out->bits, err, errlen);
}

/* ---- CAA, RFC 8659 ---- */

int
mailrec_caa_rdata(const unsigned char *rd, size_t len, struct mailrec_caa *out, char *err, size_t errlen)
{
	size_t tl, i, vl;

	memset(out, 0, sizeof(*out));
	if (!rd || len < 2)
		return fail(err, errlen, "rdata of %zu bytes is too short", rd ? len : 0);
	if (len > 65535)
		return fail(err, errlen, "rdata is longer than 65535 bytes");
	out->flags = rd[0];
	tl = rd[1];
	if (tl == 0)
		return fail(err, errlen, "tag length is 0");
	if (tl > 15)
		return fail(err, errlen, "tag length %zu is more than 15", tl);
	if (2 + tl > len)
		return fail(err, errlen, "tag length %zu runs past the rdata", tl);
	for (i = 0; i < tl; i++) {
		if (!is_alnum(rd[2 + i]))
			return fail(err, errlen, "tag has a byte that is not a letter or digit");
		out->tag[i] = lower(rd[2 + i]);
	}
	vl = len - 2 - tl;
	for (i = 0; i < vl; i++) {
		unsigned char ch = rd[2 + tl + i];

		if (ch < 0x20 || ch > 0x7e)
			return fail(err, errlen, "value has a byte that is not printable ascii at %zu", i);
		if (i < sizeof(out->value) - 1)
			out->value[i] = (char)ch;
	}
	return 0;
}

/* tag of RFC 8659's parameter: (ALPHA / DIGIT) *( *("-") (ALPHA / DIGIT) ) */
static bool
caa_tag_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || !is_alnum((unsigned char)s[0]) || !is_alnum((unsigned char)s[n - 1]))
		return false;
	for (i = 0; i < n; i++)
		if (!is_alnum((unsigned char)s[i]) && s[i] != '-')
			return false;
	return true;
}

int
mailrec_caa_issuer(const char *value, char *out, size_t outlen)
{
	const char *s = value, *semi, *it;
	size_t n, dl, il;
	struct cursor c;

	if (!value || !out || outlen == 0)
		return -1;
	out[0] = '\0';
	n = strnlen(value, 65536);
	if (n > 65535)
		return -1;
	semi = memchr(s, ';', n);
	dl = (size_t)((semi ? semi : s + n) - s);
	trim(&s, &dl);
	if (dl && (!host_ok(s, dl) || dl >= outlen))
		return -1;
	if (!semi) {
		lower_copy(out, outlen, s, dl);
		return 0;
	}
	cursor_init(&c, semi + 1, (size_t)(value + n - semi - 1));
	while (cursor_next(&c, ';', &it, &il)) {
		const char *eq, *v;
		size_t tl, vl, i;

		if (il == 0)
			continue;
		if (!(eq = memchr(it, '=', il)))
			return -1;
		tl = (size_t)(eq - it);
		v = eq + 1;
		vl = il - tl - 1;
		trim(&it, &tl);
		trim(&v, &vl);
		if (!caa_tag_ok(it, tl))
			return -1;
		for (i = 0; i < vl; i++)
			if ((unsigned char)v[i] < 0x21 || (unsigned char)v[i] > 0x7e)
				return -1;
	}
	lower_copy(out, outlen, s, dl);
	return 0;
}
