/* Unit tests for common/httphdr.c: HTTP security headers and security.txt. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "httphdr.h"
#include "util.h"
#include "banned.h"

/* Problems joined by '|', for comparing with a row. */
static const char *
joined(const struct httphdr_problems *p, char *buf, size_t n)
{
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; i < p->n && used < n; i++)
		used += (size_t)snprintf(buf + used, n - used, "%s%s", i ? "|" : "", p->v[i]);
	return buf;
}

/* ---- Strict-Transport-Security ---- */

static const struct hsts_row {
	const char *in;
	int ret;
	long long age;
	bool sub;
	const char *err;
} hsts_rows[] = {
	{ "max-age=31536000", 0, 31536000, false, "" },
	{ "max-age=31536000; includeSubDomains", 0, 31536000, true, "" },
	{ "max-age=63072000; includeSubDomains; preload", 0, 63072000, true, "" },
	{ "MAX-AGE=10;INCLUDESUBDOMAINS", 0, 10, true, "" },
	{ "  max-age = 10 ;\tincludesubdomains  ", 0, 10, true, "" },
	{ "includeSubDomains; max-age=5", 0, 5, true, "" },
	{ "max-age=\"31536000\"", 0, 31536000, false, "" },	/* quoted-string allowed */
	{ "max-age=\"3\\1\"", 0, 31, false, "" },		/* a quoted-pair is its byte */
	{ "max-age=0", 0, 0, false, "" },			/* 0: forget the host */
	{ "max-age=00000000000000000000000000010", 0, 10, false, "" },
	{ "max-age=2147483647", 0, 2147483647LL, false, "" },
	{ "max-age=2147483648", 0, HTTPHDR_HSTS_AGE_MAX, false, "" },	/* capped */
	{ "max-age=99999999999999999999999999999999", 0, HTTPHDR_HSTS_AGE_MAX, false, "" },
	{ "max-age=5;;", 0, 5, false, "" },			/* empty directives */
	{ ";max-age=5", 0, 5, false, "" },
	{ "max-age=5; foo=bar; baz=\"a;b\"", 0, 5, false, "" },	/* ';' inside quotes */
	{ "max-age=5; report-uri=\"https://x.example/r\"", 0, 5, false, "" },
	{ "", -1, 0, false, "max-age is missing" },
	{ "   ", -1, 0, false, "max-age is missing" },
	{ "includeSubDomains", -1, 0, false, "max-age is missing" },
	{ "max-age", -1, 0, false, "max-age has no value" },
	{ "max-age=", -1, 0, false, "malformed directive 'max-age='" },
	{ "max-age=-1", -1, 0, false, "max-age is not a number: '-1'" },
	{ "max-age=+1", -1, 0, false, "max-age is not a number: '+1'" },
	{ "max-age=1e6", -1, 0, false, "max-age is not a number: '1e6'" },
	{ "max-age=0x10", -1, 0, false, "max-age is not a number: '0x10'" },
	{ "max-age=\"\"", -1, 0, false, "max-age is not a number: '\"\"'" },
	{ "max-age='10'", -1, 0, false, "max-age is not a number: ''10''" },
	{ "max-age=10 20", -1, 0, false, "malformed directive 'max-age=10 20'" },
	{ "max-age=1, max-age=2", -1, 0, false, "malformed directive 'max-age=1, max-age=2'" },
	{ "max-age=\"10", -1, 0, false, "malformed directive 'max-age=\"10'" },
	{ "max-age=\"10\"x", -1, 0, false, "malformed directive 'max-age=\"10\"x'" },
	{ "max-age=\"1\\\"", -1, 0, false, "malformed directive 'max-age=\"1\\\"'" },
	{ "max age=10", -1, 0, false, "malformed directive 'max age=10'" },
	{ "=10", -1, 0, false, "malformed directive '=10'" },
	{ "max-age=1; Max-Age=1", -1, 0, false, "directive 'Max-Age' is given twice" },
	{ "max-age=1; max-age=2", -1, 0, false, "directive 'max-age' is given twice" },
	{ "max-age=1; includeSubDomains; includesubdomains", -1, 0, false,
	  "directive 'includesubdomains' is given twice" },
	{ "max-age=1; preload; preload", -1, 0, false, "directive 'preload' is given twice" },
	{ "max-age=1; includeSubDomains=yes", -1, 0, false, "includeSubDomains takes no value" },
	/* hostile: a header injection and bytes outside ASCII are echoed as '?' */
	{ "max-age=10\r\nSet-Cookie: x", -1, 0, false, "malformed directive 'max-age=10??Set-Cookie: x'" },
	{ "max-age=1; \x01=2", -1, 0, false, "malformed directive '?=2'" },
	{ "max-age=1; \xc3\xa4=1", -1, 0, false, "malformed directive '?\?=1'" },
	{ "max-age=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", -1, 0, false,
	  "max-age is not a number: 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...'" },
	{ "max-age=1; \"q\"", -1, 0, false, "malformed directive '\"q\"'" },
};

static void
test_hsts(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(hsts_rows); i++) {
		const struct hsts_row *r = &hsts_rows[i];
		long long age = 77;
		bool sub = true;
		char err[128] = "junk";
		int ret = httphdr_hsts(r->in, &age, &sub, err, sizeof(err));

		if (ret != r->ret || age != r->age || sub != r->sub || strcmp(err, r->err) != 0)
			fail_msg("row %zu '%s': %d %lld %d '%s', want %d %lld %d '%s'", i, r->in, ret, age, sub,
				 err, r->ret, r->age, r->sub, r->err);
	}
}

/* The caps: 32 directives, HTTPHDR_VALUE_MAX bytes; a short or NULL err buffer. */
static void
test_hsts_caps(void **state)
{
	char *v = xmalloc(HTTPHDR_VALUE_MAX + 2), err[64];
	long long age;
	bool sub;
	size_t i, used = 0;

	(void)state;
	used += (size_t)snprintf(v, 64, "max-age=1");
	for (i = 1; i < HTTPHDR_HSTS_DIRECTIVES_MAX; i++)
		used += (size_t)snprintf(v + used, 64, "; d%zu", i);
	assert_int_equal(httphdr_hsts(v, &age, &sub, err, sizeof(err)), 0);
	snprintf(v + used, 64, "; d%d", HTTPHDR_HSTS_DIRECTIVES_MAX);
	assert_int_equal(httphdr_hsts(v, &age, &sub, err, sizeof(err)), -1);
	assert_string_equal(err, "more than 32 directives");

	/* exactly the cap is read; one byte more is refused */
	memset(v, ' ', HTTPHDR_VALUE_MAX);
	memcpy(v, "max-age=1", 9);
	v[HTTPHDR_VALUE_MAX] = '\0';
	assert_int_equal(httphdr_hsts(v, &age, &sub, err, sizeof(err)), 0);
	assert_int_equal(age, 1);
	v[HTTPHDR_VALUE_MAX] = ' ';
	v[HTTPHDR_VALUE_MAX + 1] = '\0';
	assert_int_equal(httphdr_hsts(v, &age, &sub, err, sizeof(err)), -1);
	assert_string_equal(err, "value longer than 8192 bytes");

	/* err is cut to its size, or not written at all */
	assert_int_equal(httphdr_hsts("", &age, &sub, err, 4), -1);
	assert_string_equal(err, "max");
	assert_int_equal(httphdr_hsts("", &age, &sub, NULL, 0), -1);
	free(v);
}

/* ---- X-Content-Type-Options, X-Frame-Options ---- */

static const struct token_row {
	const char *in;
	size_t outlen;
	const char *want;
} token_rows[] = {
	{ "nosniff", 32, "nosniff" },
	{ "NoSniff", 32, "nosniff" },
	{ "  nosniff  ", 32, "nosniff" },
	{ "\tnosniff\t", 32, "nosniff" },
	{ "nosniff, nosniff", 32, "nosniff" },
	{ "nosniff,", 32, "nosniff" },
	{ "DENY, SAMEORIGIN", 32, "deny" },
	{ "SAMEORIGIN", 32, "sameorigin" },
	{ "ALLOW-FROM https://a.example", 64, "allow-from https://a.example" },
	{ "", 32, "" },
	{ "   ", 32, "" },
	{ ", nosniff", 32, "" },
	{ "no sniff", 32, "no sniff" },
	{ "\"nosniff\"", 32, "\"nosniff\"" },
	{ "nosniff\r\nX-Evil: 1", 32, "nosniff??x-evil: 1" },	/* no newline gets out */
	{ "\xc3\xa9t\xc3\xa9", 32, "??t??" },
	{ "nosniff", 8, "nosniff" },		/* fits exactly */
	{ "nosniffy", 8, "nosn..." },		/* cut, never "nosniff" */
	{ "nosniff", 7, "nos..." },
	{ "nosniff", 4, "..." },
	{ "nosniff", 3, "" },
	{ "nosniff", 1, "" },
};

static void
test_first_token(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(token_rows); i++) {
		const struct token_row *r = &token_rows[i];
		char *out = xmalloc(r->outlen);		/* exactly outlen: ASan sees a byte too many */

		httphdr_first_token(r->in, out, r->outlen);
		if (strcmp(out, r->want) != 0)
			fail_msg("row %zu '%s' (%zu): '%s', want '%s'", i, r->in, r->outlen, out, r->want);
		free(out);
	}
}

/* A token cut by HTTPHDR_VALUE_MAX is marked as cut, even when out has room. */
static void
test_first_token_cap(void **state)
{
	size_t big = HTTPHDR_VALUE_MAX + 100;
	char *v = xmalloc(big + 1), *out = xmalloc(big);

	(void)state;
	memset(v, 'A', big);
	v[big] = '\0';
	httphdr_first_token(v, out, big);
	assert_int_equal(strlen(out), HTTPHDR_VALUE_MAX + 3);
	assert_string_equal(out + HTTPHDR_VALUE_MAX, "...");
	assert_int_equal(out[0], 'a');
	/* a comma inside the cap ends the token as usual */
	v[5] = ',';
	httphdr_first_token(v, out, big);
	assert_string_equal(out, "aaaaa");
	httphdr_first_token("x", out, 0);	/* writes nothing */
	free(v);
	free(out);
}

/* ---- Referrer-Policy ---- */

static const struct referrer_row {
	const char *in;
	const char *want;	/* NULL: none recognised */
} referrer_rows[] = {
	{ "no-referrer", "no-referrer" },
	{ "NO-REFERRER", "no-referrer" },
	{ "No-Referrer-When-Downgrade", "no-referrer-when-downgrade" },
	{ "same-origin", "same-origin" },
	{ "origin", "origin" },
	{ "strict-origin", "strict-origin" },
	{ "origin-when-cross-origin", "origin-when-cross-origin" },
	{ "strict-origin-when-cross-origin", "strict-origin-when-cross-origin" },
	{ "unsafe-url", "unsafe-url" },
	{ "no-referrer, strict-origin-when-cross-origin", "strict-origin-when-cross-origin" },
	{ "strict-origin-when-cross-origin, no-referrer", "no-referrer" },
	{ "same-origin,unsafe-url", "unsafe-url" },
	{ "no-referrer, foo", "no-referrer" },		/* the last one recognised */
	{ "foo, no-referrer, bar", "no-referrer" },
	{ " same-origin , ", "same-origin" },
	{ "\tsame-origin\t", "same-origin" },
	{ "foo", NULL },
	{ "", NULL },
	{ ",", NULL },
	{ " , , ", NULL },
	{ "origin-when", NULL },
	{ "originx", NULL },
	{ "\"no-referrer\"", NULL },
	{ "no-referrer;", NULL },
	{ "no referrer", NULL },
	{ "no-referrer\r\n", NULL },
	{ "no-r\xc3\xa9" "ferrer", NULL },
};

static void
test_referrer(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(referrer_rows); i++) {
		const struct referrer_row *r = &referrer_rows[i];
		const char *got = httphdr_referrer_policy(r->in);

		if ((got == NULL) != (r->want == NULL) || (got && strcmp(got, r->want) != 0))
			fail_msg("row %zu '%s': %s, want %s", i, r->in, got ? got : "NULL",
				 r->want ? r->want : "NULL");
	}
}

/* A value past the cap is not read at all: its unread end could change the answer. */
static void
test_referrer_cap(void **state)
{
	char *v = xmalloc(HTTPHDR_VALUE_MAX + 2);

	(void)state;
	memset(v, ' ', HTTPHDR_VALUE_MAX + 1);
	memcpy(v, "unsafe-url,", 11);
	memcpy(v + HTTPHDR_VALUE_MAX - 11, "no-referrer", 11);
	v[HTTPHDR_VALUE_MAX] = '\0';
	assert_string_equal(httphdr_referrer_policy(v), "no-referrer");
	v[HTTPHDR_VALUE_MAX] = ' ';
	v[HTTPHDR_VALUE_MAX + 1] = '\0';
	assert_null(httphdr_referrer_policy(v));
	free(v);
}

/* ---- Content-Security-Policy ---- */

/* A policy that passes every rule. */
#define GOOD "default-src 'self'; frame-ancestors 'self'; base-uri 'self'; form-action 'self'"
#define MISSING_ALL "default-src is missing|frame-ancestors is not defined|base-uri is not defined|" \
	"form-action is not defined"

static const struct csp_row {
	const char *in[3];
	size_t n;
	const char *problems;	/* joined by '|' */
	bool fa_restricted;
	const char *fa;
} csp_rows[] = {
	{ { NULL }, 0, "no content-security-policy", false, "" },
	{ { "" }, 1, "no content-security-policy", false, "" },
	{ { " , ; ,\t" }, 1, "no content-security-policy", false, "" },
	{ { NULL, NULL }, 2, "no content-security-policy", false, "" },
	{ { GOOD }, 1, "", true, "'self'" },
	{ { "DEFAULT-SRC 'SELF'; FRAME-ANCESTORS 'NONE'; BASE-URI 'SELF'; FORM-ACTION 'SELF'" }, 1, "", true,
	  "'NONE'" },
	{ { "default-src 'none'; frame-ancestors 'none' 'self'; base-uri 'none'; form-action 'none'" }, 1, "",
	  true, "'none' 'self'" },
	{ { "default-src; frame-ancestors; base-uri 'self'; form-action 'self'" }, 1, "", true, "" },
	{ { "default-src 'self' 'report-sample'; frame-ancestors 'self'; base-uri 'self'; form-action 'self'" },
	  1, "", true, "'self'" },
	{ { "default-src 'self'\r\n;\tframe-ancestors   'self'  ; base-uri 'self';form-action 'self';" }, 1, "",
	  true, "'self'" },
	{ { "script-src 'self'" }, 1, MISSING_ALL, false, "" },
	{ { "\x01\x02\x03" }, 1, MISSING_ALL, false, "" },	/* an unknown directive is still a policy */
	{ { "default-src 'self'" }, 1,
	  "frame-ancestors is not defined|base-uri is not defined|form-action is not defined", false, "" },
	/* script execution */
	{ { GOOD "; script-src 'self' 'unsafe-inline'" }, 1, "script-src allows 'unsafe-inline'", true, "'self'" },
	{ { GOOD "; script-src 'self' 'UNSAFE-INLINE'" }, 1, "script-src allows 'unsafe-inline'", true, "'self'" },
	{ { GOOD "; script-src 'self' 'unsafe-inline' 'nonce-r4nd0m'" }, 1, "", true, "'self'" },
	{ { GOOD "; script-src 'unsafe-inline' 'sha256-B2yPHKaXnvFWtRChIbabYmUBFZdVfKKXHbWtWidDVF8='" }, 1, "",
	  true, "'self'" },
	{ { GOOD "; script-src 'unsafe-inline' 'SHA512-abc'" }, 1, "", true, "'self'" },
	{ { GOOD "; script-src 'unsafe-inline' 'nonce-'" }, 1, "script-src allows 'unsafe-inline'", true,
	  "'self'" },
	{ { GOOD "; script-src 'unsafe-inline' 'sha1-abc'" }, 1, "script-src allows 'unsafe-inline'", true,
	  "'self'" },
	{ { GOOD "; script-src 'self' 'unsafe-eval'" }, 1, "script-src allows 'unsafe-eval'", true, "'self'" },
	{ { GOOD "; script-src 'self' 'unsafe-hashes' 'sha256-x'" }, 1, "script-src allows 'unsafe-hashes'", true,
	  "'self'" },
	{ { GOOD "; script-src-elem 'unsafe-inline'" }, 1, "script-src-elem allows 'unsafe-inline'", true,
	  "'self'" },
	{ { GOOD "; script-src 'self'; script-src-attr 'unsafe-inline'" }, 1,
	  "script-src-attr allows 'unsafe-inline'", true, "'self'" },
	{ { GOOD "; script-src 'unsafe-inline'; script-src-elem 'self'; script-src-attr 'none'" }, 1, "", true,
	  "'self'" },
	{ { GOOD "; style-src 'self' 'unsafe-inline'" }, 1, "", true, "'self'" },	/* styles not judged */
	{ { GOOD "; script-src 'self'; script-src 'unsafe-inline'" }, 1, "", true, "'self'" },	/* first wins */
	/* default-src */
	{ { "default-src 'self' 'unsafe-inline'; frame-ancestors 'self'; base-uri 'self'; form-action 'self'" },
	  1, "default-src allows more than 'self'|default-src allows 'unsafe-inline'", true, "'self'" },
	{ { "default-src 'self' https:; frame-ancestors 'self'; base-uri 'self'; form-action 'self'" }, 1,
	  "default-src allows more than 'self'|default-src allows any https: url", true, "'self'" },
	{ { "default-src *; frame-ancestors 'self'; base-uri 'self'; form-action 'self'" }, 1,
	  "default-src allows more than 'self'|default-src allows any host (*)", true, "'self'" },
	{ { "default-src https://www.example.com; frame-ancestors 'self'; base-uri 'self'; form-action 'self'" },
	  1, "default-src allows more than 'self'", true, "'self'" },
	{ { "default-src self; frame-ancestors 'self'; base-uri 'self'; form-action 'self'" }, 1,
	  "default-src allows more than 'self'", true, "'self'" },	/* unquoted: a host named self */
	{ { "default-src 'self'; default-src *; frame-ancestors 'self'; base-uri 'self'; form-action 'self'" }, 1,
	  "", true, "'self'" },
	{ { "default-src 'self' 'unsafe-inline' 'unsafe-eval' 'unsafe-hashes' * https: http: data: 127.0.0.1; "
	    "frame-ancestors 'self'; base-uri 'self'; form-action 'self'" }, 1,
	  "default-src allows more than 'self'|default-src allows any host (*)|default-src allows any https: url|"
	  "default-src allows 127.0.0.1|default-src allows http:|default-src allows 'unsafe-eval'|"
	  "default-src allows data:|default-src allows 'unsafe-inline'|default-src allows 'unsafe-hashes'",
	  true, "'self'" },
	/* hosts and schemes */
	{ { GOOD "; object-src data:" }, 1, "object-src allows data:", true, "'self'" },
	{ { GOOD "; object-src 'none'" }, 1, "", true, "'self'" },
	{ { GOOD "; script-src 'self' DATA:" }, 1, "script-src allows data:", true, "'self'" },
	{ { GOOD "; img-src 'self' data:" }, 1, "", true, "'self'" },
	{ { GOOD "; img-src http://cdn.example.com" }, 1, "img-src allows http:", true, "'self'" },
	{ { GOOD "; img-src HTTP:" }, 1, "img-src allows http:", true, "'self'" },
	{ { GOOD "; connect-src https://api.example.com wss://api.example.com" }, 1, "", true, "'self'" },
	{ { GOOD "; script-src 'self' 127.0.0.1:8080" }, 1, "script-src allows 127.0.0.1", true, "'self'" },
	{ { GOOD "; script-src https://*" }, 1, "script-src allows any host (*)", true, "'self'" },
	{ { GOOD "; script-src *:443/js/" }, 1, "script-src allows any host (*)", true, "'self'" },
	{ { GOOD "; script-src *.example.com https://cdn.example.com/js/" }, 1, "", true, "'self'" },
	{ { GOOD "; worker-src http://w.example" }, 1, "worker-src allows http:", true, "'self'" },
	{ { GOOD "; report-uri http://r.example/csp" }, 1, "", true, "'self'" },	/* not a source list */
	{ { GOOD "; navigate-to http:" }, 1, "", true, "'self'" },	/* no browser enforces it */
	{ { GOOD "; form-action http://f.example" }, 1, "", true, "'self'" },	/* the first form-action wins */
	{ { "default-src 'self'; frame-ancestors 'self'; base-uri http://b.example; form-action 'self'",
	    "default-src 'self'" }, 2, "base-uri allows http:", true, "'self'" },	/* the second lets it be */
	/* frame-ancestors */
	{ { "default-src 'self'; frame-ancestors https://a.example; base-uri 'self'; form-action 'self'" }, 1, "",
	  false, "https://a.example" },
	{ { "default-src 'self'; frame-ancestors 'self' https://a.example; base-uri 'self'; form-action 'self'" },
	  1, "", false, "'self' https://a.example" },
	{ { "default-src 'self'; frame-ancestors http://a.example; base-uri 'self'; form-action 'self'" }, 1,
	  "frame-ancestors allows http:", false, "http://a.example" },
	{ { "default-src 'self'; frame-ancestors 'self'\x7f; base-uri 'self'; form-action 'self'" }, 1, "", false,
	  "'self'?" },
	/* several policies: a problem only when every one has it */
	{ { GOOD "; script-src 'unsafe-inline'", "script-src 'self'" }, 2, "", true, "'self'" },
	{ { GOOD "; script-src 'unsafe-inline'", "script-src 'unsafe-inline' 'self'" }, 2,
	  "script-src allows 'unsafe-inline'", true, "'self'" },
	{ { GOOD "; script-src 'unsafe-inline', script-src 'self'" }, 1, "", true, "'self'" },
	{ { "script-src 'self'", "default-src 'self'", "frame-ancestors 'none'" }, 3,
	  "base-uri is not defined|form-action is not defined", true, "'none'" },
	{ { NULL, GOOD }, 2, "", true, "'self'" },
	{ { "", GOOD }, 2, "", true, "'self'" },
	/* inline scripts blocked for elements by one policy, for attributes by the other */
	{ { GOOD "; script-src 'unsafe-inline'; script-src-elem 'self'",
	    "default-src 'self'; script-src 'unsafe-inline'; script-src-attr 'self'" }, 2, "", true, "'self'" },
	/* object-src unrestricted in the first policy, data: in the second: data: objects load */
	{ { "script-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
	    "default-src 'self'; object-src data:" }, 2, "object-src allows data:", true, "'none'" },
	/* the first frame-ancestors that restricts wins over an earlier loose one */
	{ { GOOD ", frame-ancestors https://x.example", "frame-ancestors 'none'" }, 2, "", true, "'self'" },
	{ { "frame-ancestors https://x.example", "frame-ancestors 'none'" }, 2,
	  "default-src is missing|base-uri is not defined|form-action is not defined", true, "'none'" },
	/* hostile: a directive with a byte outside ASCII is skipped (CSP3 2.2.1) */
	{ { "default-src 'self' \xc3\xa9; frame-ancestors 'self'; base-uri 'self'; form-action 'self'" }, 1,
	  "default-src is missing", true, "'self'" },
	{ { "default-src 'self'; script-src 'unsafe-inline' \xff; frame-ancestors 'self'; base-uri 'self'; "
	    "form-action 'self'" }, 1, "", true, "'self'" },
};

static void
test_csp(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(csp_rows); i++) {
		const struct csp_row *r = &csp_rows[i];
		struct httphdr_csp c;
		char got[HTTPHDR_PROBLEMS_MAX * HTTPHDR_PROBLEM_LEN];

		memset(&c, 0x55, sizeof(c));
		httphdr_csp_evaluate(r->in, r->n, &c);
		joined(&c.problems, got, sizeof(got));
		if (strcmp(got, r->problems) != 0 || c.frame_ancestors_restricted != r->fa_restricted ||
		    strcmp(c.frame_ancestors, r->fa) != 0)
			fail_msg("row %zu '%s': '%s' %d '%s', want '%s' %d '%s'", i, r->in[0] ? r->in[0] : "NULL",
				 got, c.frame_ancestors_restricted, c.frame_ancestors, r->problems, r->fa_restricted,
				 r->fa);
	}
}

/* More problems than slots: the last slot says "and more". An overlong header is not read. */
static void
test_csp_caps(void **state)
{
	static const char *const many[] = {
		"img-src http:; font-src http:; media-src http:; connect-src http:; style-src http:; "
		"child-src http:; frame-src http:; worker-src http:; manifest-src http:; prefetch-src http:; "
		"fenced-frame-src http:; script-src http:; object-src http:; "
		"style-src-elem http:; style-src-attr http:; script-src-elem http:",
	};
	const char *v[2];
	struct httphdr_csp c;
	char *big = xmalloc(HTTPHDR_VALUE_MAX + 2);

	(void)state;
	httphdr_csp_evaluate(many, 1, &c);
	assert_int_equal(c.problems.n, HTTPHDR_PROBLEMS_MAX);
	assert_string_equal(c.problems.v[0], "default-src is missing");
	assert_string_equal(c.problems.v[HTTPHDR_PROBLEMS_MAX - 1], "and more");

	memset(big, ' ', HTTPHDR_VALUE_MAX + 1);
	memcpy(big, "default-src *", 13);
	big[HTTPHDR_VALUE_MAX + 1] = '\0';
	v[0] = big;
	httphdr_csp_evaluate(v, 1, &c);
	assert_int_equal(c.problems.n, 1);
	assert_string_equal(c.problems.v[0], "content-security-policy longer than 8192 bytes is not evaluated");
	v[1] = GOOD;
	httphdr_csp_evaluate(v, 2, &c);
	assert_int_equal(c.problems.n, 1);
	assert_string_equal(c.problems.v[0], "content-security-policy longer than 8192 bytes is not evaluated");
	assert_true(c.frame_ancestors_restricted);
	/* exactly the cap is read */
	big[HTTPHDR_VALUE_MAX] = '\0';
	httphdr_csp_evaluate(v, 1, &c);
	assert_string_equal(c.problems.v[0], "default-src allows more than 'self'");
	free(big);
}

/* ---- security.txt ---- */

#define NOW 1767225600		/* 2026-01-01T00:00:00Z */
#define END26 1798761599	/* 2026-12-31T23:59:59Z */
#define SIG_HEAD "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n"
#define SIG_TAIL "-----BEGIN PGP SIGNATURE-----\n\niHUEARYKAB0WIQ\n=abcd\n-----END PGP SIGNATURE-----\n"

static const struct sectxt_row {
	const char *body;
	size_t len;		/* 0: strlen(body) */
	size_t ncontact;
	bool has_expires;
	long long expires;
	const char *problems;
} sectxt_rows[] = {
	{ "Contact: mailto:security@example.com\nExpires: 2026-12-31T23:59:59Z\n", 0, 1, true, END26, "" },
	{ "Contact: mailto:security@example.com\r\nExpires: 2026-12-31T23:59:59Z\r\n", 0, 1, true, END26, "" },
	{ "contact: https://example.com/sec\nEXPIRES: 2026-12-31t23:59:59z", 0, 1, true, END26, "" },
	{ "Contact: mailto:a@example.com\nContact: tel:+45-1234\nContact: https://x.example/\n"
	  "Expires: 2026-12-31T23:59:59Z\nPreferred-Languages: en, da\nPolicy: https://x.example/p\n",
	  0, 3, true, END26, "" },
	{ "# comment\n\n  \nContact: mailto:a@example.com\n# Expires: nope\nExpires: 2026-12-31T23:59:59Z\n",
	  0, 1, true, END26, "" },
	{ "Contact:mailto:a@example.com\nExpires:\t2026-12-31T23:59:59Z  \n", 0, 1, true, END26, "" },
	/* date-times */
	{ "Contact: x\nExpires: 2027-01-01T01:00:00+01:00\n", 0, 1, true, 1798761600, "" },
	{ "Contact: x\nExpires: 2026-12-31T23:59:59+05:30\n", 0, 1, true, 1798741799, "" },
	{ "Contact: x\nExpires: 2026-12-31T23:59:59-05:30\n", 0, 1, true, 1798781399, "" },
	{ "Contact: x\nExpires: 2026-12-31T23:59:59-00:00\n", 0, 1, true, END26, "" },
	{ "Contact: x\nExpires: 2026-12-31T23:59:59.123456Z\n", 0, 1, true, END26, "" },
	{ "Contact: x\nExpires: 2026-12-31T23:59:60Z\n", 0, 1, true, 1798761600, "" },	/* leap second */
	{ "Contact: x\nExpires: 2028-02-29T00:00:00Z\n", 0, 1, true, 1835395200, "" },
	{ "Contact: x\nExpires: 2027-02-29T00:00:00Z\n", 0, 1, false, 0,
	  "expires is not an rfc 3339 date-time: '2027-02-29T00:00:00Z'" },
	{ "Contact: x\nExpires: 2100-02-29T00:00:00Z\n", 0, 1, false, 0,
	  "expires is not an rfc 3339 date-time: '2100-02-29T00:00:00Z'" },
	{ "Contact: x\nExpires: 2026-04-31T00:00:00Z\n", 0, 1, false, 0,
	  "expires is not an rfc 3339 date-time: '2026-04-31T00:00:00Z'" },
	{ "Contact: x\nExpires: Thu, 31 Dec 2026 23:59:59 GMT\n", 0, 1, false, 0,
	  "expires is not an rfc 3339 date-time: 'Thu, 31 Dec 2026 23:59:59 GMT'" },
	{ "Contact: x\nExpires: 2026-12-31\n", 0, 1, false, 0,
	  "expires is not an rfc 3339 date-time: '2026-12-31'" },
	{ "Contact: x\nExpires: 2026-12-31T23:59:59\n", 0, 1, false, 0,
	  "expires is not an rfc 3339 date-time: '2026-12-31T23:59:59'" },
	{ "Contact: x\nExpires: 2026-12-31 23:59:59Z\n", 0, 1, false, 0,
	  "expires is not an rfc 3339 date-time: '2026-12-31 23:59:59Z'" },
	{ "Contact: x\nExpires: 2026-13-01T00:00:00Z\n", 0, 1, false, 0,
	  "expires is not an rfc 3339 date-time: '2026-13-01T00:00:00Z'" },
	{ "Contact: x\nExpires: 2026-12-31T24:00:00Z\n", 0, 1, false, 0,
	  "expires is not an rfc 3339 date-time: '2026-12-31T24:00:00Z'" },
	{ "Contact: x\nExpires: 2026-12-31T23:59:59+24:00\n", 0, 1, false, 0,
	  "expires is not an rfc 3339 date-time: '2026-12-31T23:59:59+24:00'" },
	{ "Contact: x\nExpires: 2026-12-31T23:59:59+0100\n", 0, 1, false, 0,
	  "expires is not an rfc 3339 date-time: '2026-12-31T23:59:59+0100'" },
	{ "Contact: x\nExpires: 2026-12-31T23:59:59.Z\n", 0, 1, false, 0,
	  "expires is not an rfc 3339 date-time: '2026-12-31T23:59:59.Z'" },
	{ "Contact: x\nExpires: +2026-12-31T23:59:59Z\n", 0, 1, false, 0,
	  "expires is not an rfc 3339 date-time: '+2026-12-31T23:59:59Z'" },
	{ "Contact: x\nExpires:\n", 0, 1, false, 0, "expires is not an rfc 3339 date-time: ''" },
	/* expiry, in UTC */
	{ "Contact: x\nExpires: 2024-01-01T00:00:00Z\n", 0, 1, true, 1704067200, "expired on 2024-01-01T00:00:00Z" },
	{ "Contact: x\nExpires: 2024-01-01T02:00:00+02:00\n", 0, 1, true, 1704067200,
	  "expired on 2024-01-01T00:00:00Z" },
	{ "Contact: x\nExpires: 2025-12-31T23:59:59Z\n", 0, 1, true, NOW - 1, "expired on 2025-12-31T23:59:59Z" },
	{ "Contact: x\nExpires: 2026-01-01T00:00:00Z\n", 0, 1, true, NOW, "" },	/* stale only after it */
	{ "Contact: x\nExpires: 1969-12-31T23:59:59Z\n", 0, 1, true, -1, "expired on 1969-12-31T23:59:59Z" },
	{ "Contact: x\nExpires: 0001-01-01T00:00:00Z\n", 0, 1, true, -62135596800LL,
	  "expired on 0001-01-01T00:00:00Z" },
	{ "Contact: x\nExpires: 2099-01-01T00:00:00Z\n", 0, 1, true, 4070908800LL, "" },	/* far: no problem */
	/* missing and repeated fields */
	{ "", 0, 0, false, 0, "no contact field|no expires field" },
	{ "Expires: 2026-12-31T23:59:59Z\n", 0, 0, true, END26, "no contact field" },
	{ "Contact: x\n", 0, 1, false, 0, "no expires field" },
	{ "Contact:\nContact:   \nExpires: 2026-12-31T23:59:59Z\n", 0, 0, true, END26, "no contact field" },
	{ "Contact : mailto:x\nExpires: 2026-12-31T23:59:59Z\n", 0, 0, true, END26, "no contact field" },
	{ "# Contact: mailto:x\nExpires: 2026-12-31T23:59:59Z\n", 0, 0, true, END26, "no contact field" },
	{ "Contact: x\nExpires: 2026-12-31T23:59:59Z\nExpires: 2027-12-31T23:59:59Z\n", 0, 1, true, END26,
	  "more than one expires field" },
	{ "Contact: x\nExpires: soon\nExpires: 2026-12-31T23:59:59Z\n", 0, 1, false, 0,
	  "expires is not an rfc 3339 date-time: 'soon'|more than one expires field" },
	{ "Contact: a\rExpires: 2026-12-31T23:59:59Z\r", 0, 1, false, 0, "no expires field" },	/* CR alone */
	/* the OpenPGP cleartext wrapper */
	{ SIG_HEAD "Contact: mailto:a@example.com\nExpires: 2026-12-31T23:59:59Z\n" SIG_TAIL, 0, 1, true, END26, "" },
	{ "\r\n \t\n" SIG_HEAD "- Contact: mailto:a@example.com\n- Expires: 2026-12-31T23:59:59Z\n" SIG_TAIL, 0, 1, true,
	  END26, "" },
	{ SIG_HEAD "Contact: mailto:a@example.com\nExpires: 2026-12-31T23:59:59Z\n", 0, 1, true, END26,
	  "the openpgp signature is incomplete" },
	{ SIG_HEAD "Contact: mailto:a@example.com\n" SIG_TAIL "Expires: 2026-12-31T23:59:59Z\n", 0, 1, false, 0,
	  "no expires field" },	/* after the signature: not signed, not read */
	{ "-----BEGIN PGP SIGNED MESSAGE-----\nExpires: 2026-12-31T23:59:59Z\nContact: x\n", 0, 0, false, 0,
	  "the openpgp signature is incomplete|no contact field|no expires field" },	/* armor headers only */
	/* hostile */
	{ "Contact: x\0\nExpires: 2026-12-31T23:59:59Z\n", 42, 0, false, 0, "not text (a NUL byte)" },
	{ "Contact: x\nExpires: \x1b[31m2026\x1b[0m\n", 0, 1, false, 0,
	  "expires is not an rfc 3339 date-time: '?[31m2026?[0m'" },
	{ "Contact: x\nExpires: 2026-12-31T23:59:59Zxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n", 0, 1,
	  false, 0, "expires is not an rfc 3339 date-time: '2026-12-31T23:59:59Zxxxxxxxxxxxxxxxxxxxxxxxxxxxx...'" },
	{ "Contact: x\nExpires: 2026-12-31T23:59:59Z", 30, 1, false, 0,
	  "expires is not an rfc 3339 date-time: '2026-12-31'" },	/* len, not the NUL, ends it */
};

static void
test_sectxt(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(sectxt_rows); i++) {
		const struct sectxt_row *r = &sectxt_rows[i];
		size_t len = r->len ? r->len : strlen(r->body);
		char *copy = xmalloc(len ? len : 1), got[HTTPHDR_PROBLEMS_MAX * HTTPHDR_PROBLEM_LEN];
		struct httphdr_sectxt s;

		memcpy(copy, r->body, len);	/* no NUL after it: ASan sees a read past len */
		memset(&s, 0x55, sizeof(s));
		httphdr_sectxt_parse(copy, len, NOW, &s);
		joined(&s.problems, got, sizeof(got));
		if (s.ncontact != r->ncontact || s.has_expires != r->has_expires ||
		    (r->has_expires && (long long)s.expires != r->expires) || strcmp(got, r->problems) != 0)
			fail_msg("row %zu: %zu %d %lld '%s', want %zu %d %lld '%s'", i, s.ncontact, s.has_expires,
				 (long long)s.expires, got, r->ncontact, r->has_expires, r->expires, r->problems);
		free(copy);
	}
}

/* The 32 KiB cap: what follows it is not read, and the line it cuts neither. */
static void
test_sectxt_cap(void **state)
{
	size_t big = HTTPHDR_SECTXT_MAX + 64, used;
	char *b = xmalloc(big);
	struct httphdr_sectxt s;

	(void)state;
	used = (size_t)snprintf(b, big, "Contact: x\n");
	memset(b + used, '#', big - used);
	for (used += 80; used < big; used += 81)
		b[used] = '\n';
	/* an Expires line that straddles the cap */
	memcpy(b + HTTPHDR_SECTXT_MAX - 10, "\nExpires: 2026-12-31T23:59:59Z\n", 31);
	httphdr_sectxt_parse(b, big, NOW, &s);
	assert_int_equal(s.ncontact, 1);
	assert_false(s.has_expires);
	assert_int_equal(s.problems.n, 2);
	assert_string_equal(s.problems.v[0], "longer than 32768 bytes, the rest is not read");
	assert_string_equal(s.problems.v[1], "no expires field");
	/* exactly the cap, the last line without its newline: read */
	memcpy(b + HTTPHDR_SECTXT_MAX - 30, "\nExpires: 2026-12-31T23:59:59Z", 30);
	httphdr_sectxt_parse(b, HTTPHDR_SECTXT_MAX, NOW, &s);
	assert_true(s.has_expires);
	assert_int_equal(s.problems.n, 0);
	free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hsts),
		cmocka_unit_test(test_hsts_caps),
		cmocka_unit_test(test_first_token),
		cmocka_unit_test(test_first_token_cap),
		cmocka_unit_test(test_referrer),
		cmocka_unit_test(test_referrer_cap),
		cmocka_unit_test(test_csp),
		cmocka_unit_test(test_csp_caps),
		cmocka_unit_test(test_sectxt),
		cmocka_unit_test(test_sectxt_cap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
