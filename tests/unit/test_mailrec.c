/*
 * Unit tests for common/mailrec.c: SPF (syntax, and the evaluation through
 * a fake DNS table), DMARC, MTA-STS, TLS-RPT, DKIM key records and CAA.
 * The examples of RFC 7208, 7489, 8461, 8460, 8463 and 8659 are rows here.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mailrec.h"
#include "util.h"
#include "banned.h"

/* ---- SPF syntax: NULL when the record is valid, else the whole reason ---- */

#define LONG_LABEL "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"	/* 63 */
#define LABEL59 "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"	/* 59: with three of 63, 251 */

static const struct spf_parse_row {
	const char *rec;
	const char *err;
} spf_parse_rows[] = {
	/* RFC 7208 appendix A and section 5 examples */
	{ "v=spf1 +all", NULL },
	{ "v=spf1 a -all", NULL },
	{ "v=spf1 a:example.org -all", NULL },
	{ "v=spf1 mx -all", NULL },
	{ "v=spf1 mx:example.org -all", NULL },
	{ "v=spf1 mx mx:example.org -all", NULL },
	{ "v=spf1 mx/30 mx:example.org/30 -all", NULL },
	{ "v=spf1 ptr -all", NULL },
	{ "v=spf1 ip4:192.0.2.128/28 -all", NULL },
	{ "v=spf1 include:example.com include:example.net -all", NULL },
	{ "v=spf1 redirect=example.org", NULL },
	{ "v=spf1 mx -all exp=explain._spf.%{d}", NULL },
	{ "v=spf1 -include:ip4._spf.%{d} -include:ptr._spf.%{d} +all", NULL },
	{ "v=spf1 exists:%{ir}.%{l1r+-}._spf.%{d} -all", NULL },
	{ "v=spf1 ip4:192.0.2.1 ip4:192.0.2.129 -all", NULL },
	/* more valid forms */
	{ "v=spf1", NULL },
	{ "v=spf1 ", NULL },
	{ "v=spf1    mx     -all   ", NULL },
	{ "V=SPF1 MX IP4:192.0.2.1 -ALL", NULL },
	{ "v=spf1 include:_spf.google.com ~all", NULL },
	{ "v=spf1 include:spf.protection.outlook.com -all", NULL },
	{ "v=spf1 include:example.com. -all", NULL },
	{ "v=spf1 ip6:2001:db8::/32 ip6:::1 ip6:::ffff:192.0.2.1 ip4:0.0.0.0/0 ?all", NULL },
	{ "v=spf1 a//64 a/24//64 mx:example.org//128 a:example.org/0 ~all", NULL },
	{ "v=spf1 foo=bar x-y.z_1=%{c}%% -all", NULL },
	{ "v=spf1 a:foo-bar.example a:x.1-com -all", NULL },
	{ "v=spf1 include:%{d} exists:%{i}.%{v}.arpa._spf.%{D2} -all", NULL },
	{ "v=spf1 exists:%{l}%_%-%%.example.com -all", NULL },
	{ "v=spf1 ptr:example.org -all", NULL },
	/* not an SPF record */
	{ "", "not an spf record (it does not start with v=spf1)" },
	{ "v=spf10 -all", "not an spf record (it does not start with v=spf1)" },
	{ " v=spf1 -all", "not an spf record (it does not start with v=spf1)" },
	{ "spf1 -all", "not an spf record (it does not start with v=spf1)" },
	{ "v=spf1\t-all", "not an spf record (it does not start with v=spf1)" },
	{ "v=DMARC1; p=none", "not an spf record (it does not start with v=spf1)" },
	/* unknown mechanisms, bad arguments */
	{ "v=spf1 foo -all", "unknown mechanism 'foo'" },
	{ "v=spf1 +", "unknown mechanism '+'" },
	{ "v=spf1 ++all", "unknown mechanism '++all'" },
	{ "v=spf1 -redirect=a.example", "unknown mechanism '-redirect=a.example'" },
	{ "v=spf1 redirect:a.example", "unknown mechanism 'redirect:a.example'" },
	{ "v=spf1 ip:192.0.2.1", "unknown mechanism 'ip:192.0.2.1'" },
	{ "v=spf1 all:x.test", "'all:x.test': all takes no argument" },
	{ "v=spf1 -all/24", "'-all/24': all takes no argument" },
	{ "v=spf1 ip4:192.0.2.0/33", "bad ip4 cidr in 'ip4:192.0.2.0/33'" },
	{ "v=spf1 ip4:192.0.2.0/024", "bad ip4 cidr in 'ip4:192.0.2.0/024'" },
	{ "v=spf1 ip4:192.0.2.0/", "bad ip4 cidr in 'ip4:192.0.2.0/'" },
	{ "v=spf1 ip4:192.0.2.0/2x", "bad ip4 cidr in 'ip4:192.0.2.0/2x'" },
	{ "v=spf1 ip4:192.0.2", "bad ip4 address in 'ip4:192.0.2'" },
	{ "v=spf1 ip4:192.0.2.256", "bad ip4 address in 'ip4:192.0.2.256'" },
	{ "v=spf1 ip4:192.0.02.1", "bad ip4 address in 'ip4:192.0.02.1'" },
	{ "v=spf1 ip4:192.0.2.1.5", "bad ip4 address in 'ip4:192.0.2.1.5'" },
	{ "v=spf1 ip4:2001:db8::1", "bad ip4 address in 'ip4:2001:db8::1'" },
	{ "v=spf1 ip4:", "missing address in 'ip4:'" },
	{ "v=spf1 ip4", "missing address in 'ip4'" },
	{ "v=spf1 ip6:2001:db8::/129", "bad ip6 cidr in 'ip6:2001:db8::/129'" },
	{ "v=spf1 ip6:2001:db8::/", "bad ip6 cidr in 'ip6:2001:db8::/'" },
	{ "v=spf1 ip6:2001:db8:::1", "bad ip6 address in 'ip6:2001:db8:::1'" },
	{ "v=spf1 ip6:192.0.2.1", "bad ip6 address in 'ip6:192.0.2.1'" },
	{ "v=spf1 a/33", "bad ip4 cidr in 'a/33'" },
	{ "v=spf1 a//129", "bad ip6 cidr in 'a//129'" },
	{ "v=spf1 a/", "bad ip4 cidr in 'a/'" },
	{ "v=spf1 mx//", "bad ip6 cidr in 'mx//'" },
	{ "v=spf1 a///24", "bad ip4 cidr in 'a///24'" },
	{ "v=spf1 a:", "bad domain-spec in 'a:'" },
	{ "v=spf1 a:/24", "bad domain-spec in 'a:/24'" },
	{ "v=spf1 include", "missing domain-spec in 'include'" },
	{ "v=spf1 include:", "bad domain-spec in 'include:'" },
	{ "v=spf1 exists", "missing domain-spec in 'exists'" },
	{ "v=spf1 include:localhost", "bad domain-spec in 'include:localhost'" },
	{ "v=spf1 include:example.123", "bad domain-spec in 'include:example.123'" },
	{ "v=spf1 include:example.-com", "bad domain-spec in 'include:example.-com'" },
	{ "v=spf1 include:example.com-", "bad domain-spec in 'include:example.com-'" },
	{ "v=spf1 include:example.com:80", "bad domain-spec in 'include:example.com:80'" },
	{ "v=spf1 include:example.com..", "bad domain-spec in 'include:example.com..'" },
	{ "v=spf1 exists:x.com/24", "bad domain-spec in 'exists:x.com/24'" },
	{ "v=spf1 exists:%{x}.example.com", "bad domain-spec in 'exists:%{x}.example.com'" },
	{ "v=spf1 exists:%{c}.example.com", "bad domain-spec in 'exists:%{c}.example.com'" },
	{ "v=spf1 exists:%{d0}.example.com", "bad domain-spec in 'exists:%{d0}.example.com'" },
	{ "v=spf1 exists:%{d", "bad domain-spec in 'exists:%{d'" },
	{ "v=spf1 exists:%{", "bad domain-spec in 'exists:%{'" },
	{ "v=spf1 exists:%(ir).sbl.example.org", "bad domain-spec in 'exists:%(ir).sbl.example.org'" },
	{ "v=spf1 include:example.com%", "bad domain-spec in 'include:example.com%'" },
	{ "v=spf1 ptr/24", "bad argument in 'ptr/24'" },
	{ "v=spf1 a:" LONG_LABEL "." LONG_LABEL "." LONG_LABEL "." LONG_LABEL ".com",
	  "bad domain-spec in 'a:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'" },
	/* modifiers */
	{ "v=spf1 redirect=a.example redirect=b.example", "duplicate redirect modifier" },
	{ "v=spf1 REDIRECT=a.example redirect=b.example", "duplicate redirect modifier" },
	{ "v=spf1 exp=a.example -all exp=b.example", "duplicate exp modifier" },
	{ "v=spf1 redirect=", "bad domain-spec in 'redirect='" },
	{ "v=spf1 redirect=%{c}.example.com", "bad domain-spec in 'redirect=%{c}.example.com'" },
	{ "v=spf1 foo=%{", "bad macro-string in 'foo=%{'" },
	{ "v=spf1 foo=%z", "bad macro-string in 'foo=%z'" },
	/* bytes */
	{ "v=spf1 mx\t-all", "a byte that is not printable ascii at offset 9" },
	{ "v=spf1 -all \x01", "a byte that is not printable ascii at offset 12" },
	{ "v=spf1 -all \xc3\xa9", "a byte that is not printable ascii at offset 12" },
};

static void
test_spf_parse(void **state)
{
	char err[256];
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(spf_parse_rows); i++) {
		const struct spf_parse_row *r = &spf_parse_rows[i];
		int rc;

		err[0] = '\0';
		rc = mailrec_spf_parse(r->rec, err, sizeof(err));
		if (!r->err && rc != 0)
			fail_msg("row %zu '%s': %s", i, r->rec, err);
		if (r->err && (rc != -1 || strcmp(err, r->err) != 0))
			fail_msg("row %zu '%s': rc %d '%s', want '%s'", i, r->rec, rc, err, r->err);
	}
}

/* A record of more than MAILREC_TXT_MAX bytes fails; one of exactly that many parses. */
static void
test_spf_parse_caps(void **state)
{
	char *rec = xmalloc(MAILREC_TXT_MAX + 2), err[128];

	(void)state;
	memcpy(rec, "v=spf1", 6);
	memset(rec + 6, ' ', MAILREC_TXT_MAX - 6);
	rec[MAILREC_TXT_MAX] = '\0';
	assert_int_equal(mailrec_spf_parse(rec, err, sizeof(err)), 0);
	rec[MAILREC_TXT_MAX] = ' ';
	rec[MAILREC_TXT_MAX + 1] = '\0';
	assert_int_equal(mailrec_spf_parse(rec, err, sizeof(err)), -1);
	assert_string_equal(err, "record is longer than 4096 bytes");
	assert_int_equal(mailrec_spf_parse(NULL, err, sizeof(err)), -1);
	assert_int_equal(mailrec_spf_parse("v=spf1 foo", NULL, 0), -1);
	free(rec);
}

/* ---- SPF evaluation through a fake DNS ---- */

#define NX MAILREC_DNS_NXDOMAIN
#define SERVFAIL MAILREC_DNS_ERROR

static const struct fake_rr {
	const char *name;
	int rc;			/* 0: the TXT records below; NX; SERVFAIL */
	const char *txt[3];
} fake_dns[] = {
	/* a good chain */
	{ "good.test", 0, { "google-site-verification=abc", "v=spf1 include:_spf.good.test mx -all" } },
	{ "_spf.good.test", 0, { "v=spf1 ip4:192.0.2.0/24 include:_spf2.good.test ~all" } },
	{ "_spf2.good.test", 0, { "v=spf1 ip6:2001:db8::/32 -all" } },
	/* exactly 10 lookups, then 11 */
	{ "ten.test", 0, { "v=spf1 a mx ptr exists:%{i}.e.ten.test include:t1.ten.test include:t2.ten.test -all" } },
	{ "t1.ten.test", 0, { "v=spf1 a mx ~all" } },
	{ "t2.ten.test", 0, { "v=spf1 redirect=t3.ten.test" } },
	{ "t3.ten.test", 0, { "v=spf1 a -all" } },
	{ "eleven.test", 0, { "v=spf1 a include:t1.ten.test include:t2.ten.test include:e2.eleven.test -all" } },
	{ "e2.eleven.test", 0, { "v=spf1 a mx mx:x.eleven.test -all" } },
	/* loops */
	{ "loopa.test", 0, { "v=spf1 include:loopb.test -all" } },
	{ "loopb.test", 0, { "v=spf1 include:loopa.test ~all" } },
	{ "self.test", 0, { "v=spf1 mx include:SELF.test. -all" } },
	{ "redirloop.test", 0, { "v=spf1 redirect=redirloop2.test" } },
	{ "redirloop2.test", 0, { "v=spf1 redirect=redirloop.test" } },
	{ "selfwide.test", 0, { "v=spf1 include:selfwide.test include:selfwide.test include:selfwide.test "
				"include:selfwide.test include:selfwide.test include:selfwide.test "
				"include:selfwide.test include:selfwide.test include:selfwide.test "
				"include:selfwide.test include:selfwide.test include:selfwide.test -all" } },
	/* redirect, all */
	{ "redir.test", 0, { "v=spf1 mx redirect=_spf.redir.test" } },
	{ "_spf.redir.test", 0, { "v=spf1 a ~all" } },
	{ "pass.test", 0, { "v=spf1 ip4:192.0.2.1 +all" } },
	{ "bare.test", 0, { "v=spf1 all" } },
	{ "neutral.test", 0, { "v=spf1 mx ?all" } },
	{ "noall.test", 0, { "v=spf1 mx" } },
	{ "redirnoall.test", 0, { "v=spf1 redirect=noall.test" } },
	{ "redirnone.test", 0, { "v=spf1 redirect=nx.test" } },
	{ "afterall.test", 0, { "v=spf1 -all include:_spf.good.test redirect=redir.test" } },
	{ "allfirst.test", 0, { "v=spf1 redirect=redir.test a ~all mx" } },
	{ "macro.test", 0, { "v=spf1 include:%{d}.macro.test exists:%{i}._spf.%{d} redirect=%{d}.r.test" } },
	{ "upper.test", 0, { "V=SPF1 MX -ALL" } },
	{ "blanks.test", 0, { "v=spf1   mx    -all  " } },
	/* record counts */
	{ "two.test", 0, { "v=spf1 mx -all", "v=spf1 a -all" } },
	{ "twoinc.test", 0, { "v=spf1 include:two.test -all" } },
	{ "nospf.test", 0, { "hello", "v=spf10 -all" } },
	{ "nx.test", NX, { NULL } },
	{ "empty.test", 0, { NULL } },
	/* void lookups */
	{ "void.test", 0, { "v=spf1 include:nx.test include:empty.test include:nx2.test include:_spf.good.test -all" } },
	{ "void2.test", 0, { "v=spf1 include:nx.test include:empty.test include:nospf.test -all" } },
	/* dns errors */
	{ "servfail.test", SERVFAIL, { NULL } },
	{ "dnserr.test", 0, { "v=spf1 include:servfail.test -all" } },
	/* faulty includes */
	{ "incperm.test", 0, { "v=spf1 include:bad.incperm.test -all" } },
	{ "bad.incperm.test", 0, { "v=spf1 ip4:192.0.2.300 -all" } },
	{ "incpass.test", 0, { "v=spf1 -include:open.incpass.test include:open.incpass.test -all" } },
	{ "open.incpass.test", 0, { "v=spf1 +all" } },
	{ "topperm.test", 0, { "v=spf1 foo -all" } },
	{ "toplong.test", 0, { "v=spf1 include:spf.protection.outlook.com ip4:192.0.2.1 foo=%{ -all" } },
};

struct fake_ctx {
	unsigned calls;
};

/*
 * The fake resolver: the table above, and generated trees:
 *   d<N>.deep.test   includes d<N+1>.deep.test (an endless chain)
 *   w<N>.wide.test   includes w<40N+1>...w<40N+40>.wide.test
 *   long.test        a record of 5000 bytes
 *   many.test        claims 100 records, fills max
 */
static int
fake_txt(void *ctx, const char *name, char **out, size_t max, char *why, size_t whylen)
{
	struct fake_ctx *c = ctx;
	unsigned long long n;
	size_t i, k;

	c->calls++;
	if (sscanf(name, "d%llu.deep.test", &n) == 1) {
		out[0] = xasprintf("v=spf1 include:d%llu.deep.test -all", n + 1);
		return 1;
	}
	if (sscanf(name, "w%llu.wide.test", &n) == 1) {
		struct sbuf sb;

		sbuf_init(&sb, MAILREC_TXT_MAX);
		sbuf_addstr(&sb, "v=spf1");
		for (k = 1; k <= 40; k++)
			sbuf_addf(&sb, " include:w%llu.wide.test", 40 * n + k);
		sbuf_addstr(&sb, " -all");
		out[0] = sbuf_detach(&sb);
		return 1;
	}
	if (strcmp(name, "long.test") == 0) {
		out[0] = xmalloc(5001);
		memcpy(out[0], "v=spf1", 6);
		for (k = 6; k < 5000; k += 2)
			memcpy(out[0] + k, " a", 2);
		out[0][5000] = '\0';
		return 1;
	}
	if (strcmp(name, "many.test") == 0) {
		for (k = 0; k < max; k++)
			out[k] = xstrdup("v=spf1 -all");
		return 100;
	}
	for (i = 0; i < NELEM(fake_dns); i++) {
		if (strcmp(fake_dns[i].name, name) != 0)
			continue;
		if (fake_dns[i].rc == SERVFAIL) {
			snprintf(why, whylen, "timeout");
			return SERVFAIL;
		}
		if (fake_dns[i].rc == NX)
			return NX;
		for (k = 0; k < NELEM(fake_dns[i].txt) && k < max && fake_dns[i].txt[k]; k++)
			out[k] = xstrdup(fake_dns[i].txt[k]);
		return (int)k;
	}
	return NX;
}

#define P(...) { __VA_ARGS__ }

/*
 * The evaluation of a domain: what it finds, and the exact problems in
 * order (one ending in '*' is a prefix). max_calls bounds the callback.
 */
static const struct spf_eval_row {
	const char *domain;
	int records, lookups, void_lookups;
	const char *all;
	bool permerror, temperror;
	const char *record;	/* NULL: not checked */
	unsigned max_calls;
	const char *problems[6];
} spf_eval_rows[] = {
	{ "good.test", 1, 3, 0, "-all", false, false, "v=spf1 include:_spf.good.test mx -all", 3, P(NULL) },
	{ "ten.test", 1, 10, 0, "-all", false, false, NULL, 4, P(NULL) },
	{ "eleven.test", 1, 11, 0, "-all", true, false, NULL, 11,
	  P("more than 10 dns lookups (include chain eleven.test -> e2.eleven.test)") },
	{ "loopa.test", 1, 2, 0, "-all", true, false, NULL, 2,
	  P("include loop: loopa.test -> loopb.test -> loopa.test") },
	{ "self.test", 1, 2, 0, "-all", true, false, NULL, 1, P("include loop: self.test -> self.test") },
	{ "redirloop.test", 1, 2, 0, "", true, false, NULL, 2,
	  P("redirect loop: redirloop.test -> redirloop2.test -> redirloop.test") },
	{ "selfwide.test", 1, 11, 0, "-all", true, false, NULL, 1,
	  P("include loop: selfwide.test -> selfwide.test", "include loop: selfwide.test -> selfwide.test",
	    "include loop: selfwide.test -> selfwide.test", "include loop: selfwide.test -> selfwide.test",
	    "include loop: selfwide.test -> selfwide.test", "include loop: selfwide.test -> selfwide.test") },
	{ "redir.test", 1, 3, 0, "~all", false, false, NULL, 2, P(NULL) },
	{ "pass.test", 1, 0, 0, "+all", false, false, NULL, 1, P("+all allows every sender") },
	{ "bare.test", 1, 0, 0, "+all", false, false, NULL, 1, P("+all allows every sender") },
	{ "neutral.test", 1, 1, 0, "?all", false, false, NULL, 1, P("?all is neutral") },
	{ "noall.test", 1, 1, 0, "", false, false, NULL, 1, P("no all mechanism and no redirect") },
	{ "redirnoall.test", 1, 2, 0, "", false, false, NULL, 2,
	  P("no all mechanism and no redirect (redirect=noall.test)") },
	{ "redirnone.test", 1, 1, 1, "", true, false, NULL, 2, P("redirect=nx.test has no spf record") },
	{ "afterall.test", 1, 0, 0, "-all", false, false, NULL, 1, P(NULL) },
	{ "allfirst.test", 1, 1, 0, "~all", false, false, NULL, 1, P(NULL) },
	{ "macro.test", 1, 3, 0, "", false, false, NULL, 1, P(NULL) },
	{ "Upper.TEST.", 1, 1, 0, "-all", false, false, "v=spf1 mx -all", 1, P(NULL) },
	{ "blanks.test", 1, 1, 0, "-all", false, false, "v=spf1 mx -all", 1, P(NULL) },
	{ "two.test", 2, 0, 0, "", true, false, "", 1, P("2 spf records") },
	{ "twoinc.test", 1, 1, 0, "-all", true, false, NULL, 2, P("include:two.test has 2 spf records") },
	{ "nospf.test", 0, 0, 0, "", false, false, "", 1, P("nospf.test has no spf record") },
	{ "nx.test", 0, 0, 0, "", false, false, "", 1, P("nx.test has no spf record") },
	{ "empty.test", 0, 0, 0, "", false, false, "", 1, P("empty.test has no spf record") },
	{ "void.test", 1, 5, 3, "-all", true, false, NULL, 7,
	  P("include:nx.test has no spf record", "include:empty.test has no spf record",
	    "include:nx2.test has no spf record", "more than 2 void lookups") },
	{ "void2.test", 1, 3, 2, "-all", true, false, NULL, 4,
	  P("include:nx.test has no spf record", "include:empty.test has no spf record",
	    "include:nospf.test has no spf record") },
	{ "servfail.test", 0, 0, 0, "", false, true, "", 1, P("cannot look up txt of servfail.test: timeout") },
	{ "dnserr.test", 1, 1, 0, "-all", false, true, NULL, 2,
	  P("cannot look up txt of servfail.test: timeout") },
	{ "incperm.test", 1, 1, 0, "-all", true, false, NULL, 2,
	  P("permerror in 'v=spf1 ip4:192.0.2.300 -all' (include:bad.incperm.test): "
	    "bad ip4 address in 'ip4:192.0.2.300'") },
	{ "incpass.test", 1, 2, 0, "-all", false, false, NULL, 3,
	  P("include:open.incpass.test allows every sender (+all)") },
	{ "topperm.test", 1, 0, 0, "", true, false, "v=spf1 foo -all", 1,
	  P("permerror in 'v=spf1 foo -all': unknown mechanism 'foo'") },
	{ "toplong.test", 1, 0, 0, "", true, false, NULL, 1,
	  P("permerror in 'v=spf1 include:spf.protection.outlook.com ip4:19...': bad macro-string in "
	    "'foo=%{'") },
	{ "long.test", 1, 0, 0, "", true, false, NULL, 1,
	  P("permerror in 'v=spf1 a a a a a a a a a a a a a a a a a a a a a...': record is longer than 4096 bytes") },
	{ "many.test", 32, 0, 0, "", true, false, "", 1, P("32 spf records") },
	/* hostile trees: they end after 11 lookups, at most 11 queries */
	{ "d0.deep.test", 1, 11, 0, "-all", true, false, NULL, 11,
	  P("more than 10 dns lookups (include chain d0.deep.test -> d1.deep.test -> d2.deep.test -> *") },
	{ "w0.wide.test", 1, 11, 0, "-all", true, false, NULL, 11,
	  P("more than 10 dns lookups (include chain w0.wide.test -> w1.wide.test -> w41.wide.test -> *") },
	/* not a domain name */
	{ "", 0, 0, 0, "", false, false, "", 0, P("'' is not a domain name") },
	{ "bad domain.test", 0, 0, 0, "", false, false, "", 0, P("'bad domain.test' is not a domain name") },
};

static bool
problem_is(const char *got, const char *want)
{
	size_t n = strlen(want);

	if (n && want[n - 1] == '*')
		return strncmp(got, want, n - 1) == 0;
	return strcmp(got, want) == 0;
}

static void
test_spf_evaluate(void **state)
{
	size_t i, k;

	(void)state;
	for (i = 0; i < NELEM(spf_eval_rows); i++) {
		const struct spf_eval_row *r = &spf_eval_rows[i];
		struct fake_ctx ctx = { 0 };
		struct mailrec_spf o;
		size_t nwant = 0;

		mailrec_spf_evaluate(r->domain, fake_txt, &ctx, &o);
		while (nwant < NELEM(r->problems) && r->problems[nwant])
			nwant++;
		if (o.records != r->records || o.lookups != r->lookups || o.void_lookups != r->void_lookups ||
		    strcmp(o.all, r->all) != 0 || o.permerror != r->permerror || o.temperror != r->temperror)
			fail_msg("row %zu %s: records %d lookups %d void %d all '%s' perm %d temp %d", i, r->domain,
				 o.records, o.lookups, o.void_lookups, o.all, o.permerror, o.temperror);
		if (r->record && strcmp(o.record, r->record) != 0)
			fail_msg("row %zu %s: record '%s', want '%s'", i, r->domain, o.record, r->record);
		if (ctx.calls > r->max_calls)
			fail_msg("row %zu %s: %u callback calls, at most %u wanted", i, r->domain, ctx.calls,
				 r->max_calls);
		if (o.problems.n < nwant || (nwant < NELEM(r->problems) && o.problems.n != nwant))
			fail_msg("row %zu %s: %zu problems, want %zu (first '%s')", i, r->domain, o.problems.n,
				 nwant, o.problems.n ? o.problems.v[0] : "");
		for (k = 0; k < nwant; k++)
			if (!problem_is(o.problems.v[k], r->problems[k]))
				fail_msg("row %zu %s: problem %zu '%s', want '%s'", i, r->domain, k,
					 o.problems.v[k], r->problems[k]);
		for (k = 0; k < o.problems.n; k++)
			assert_true(strlen(o.problems.v[k]) < MAILREC_PROBLEM_LEN);
	}
}

/* selfwide.test: 11 include terms, 10 counted, each a loop; then the 11th is over the limit. */
static void
test_spf_evaluate_selfwide(void **state)
{
	struct fake_ctx ctx = { 0 };
	struct mailrec_spf o;

	(void)state;
	mailrec_spf_evaluate("selfwide.test", fake_txt, &ctx, &o);
	assert_int_equal(o.problems.n, 11);
	assert_string_equal(o.problems.v[9], "include loop: selfwide.test -> selfwide.test");
	assert_string_equal(o.problems.v[10], "more than 10 dns lookups (in selfwide.test)");
}

static void
test_problems_overflow(void **state)
{
	struct mailrec_problems p = { 0 };
	size_t i;

	(void)state;
	for (i = 0; i < MAILREC_PROBLEMS_MAX; i++)
		mailrec_problem_add(&p, "problem %zu", i);
	assert_int_equal(p.n, MAILREC_PROBLEMS_MAX);
	assert_string_equal(p.v[MAILREC_PROBLEMS_MAX - 1], "problem 15");
	mailrec_problem_add(&p, "problem %d", 16);
	mailrec_problem_add(&p, "problem %d", 17);
	assert_int_equal(p.n, MAILREC_PROBLEMS_MAX);
	assert_string_equal(p.v[MAILREC_PROBLEMS_MAX - 2], "problem 14");
	assert_string_equal(p.v[MAILREC_PROBLEMS_MAX - 1], "and more");
	memset(&p, 0, sizeof(p));
	mailrec_problem_add(&p, "%0200d", 1);
	assert_int_equal(strlen(p.v[0]), MAILREC_PROBLEM_LEN - 1);
}

/* ---- DMARC: the parse summed up in one line, or the whole reason ---- */

static const struct dmarc_row {
	const char *txt;
	int rc;
	const char *want;	/* "p sp pct adkim aspf rua... | ruf..." or the error */
} dmarc_rows[] = {
	/* RFC 7489 section 6.7 and appendix B.2 */
	{ "v=DMARC1; p=none; rua=mailto:dmarc-feedback@example.com", 0,
	  "p=none sp= pct=100 adkim=r aspf=r rua=mailto:dmarc-feedback@example.com ruf=" },
	{ "v=DMARC1; p=none; rua=mailto:dmarc-feedback@example.com; ruf=mailto:auth-reports@thirdparty.example.net", 0,
	  "p=none sp= pct=100 adkim=r aspf=r rua=mailto:dmarc-feedback@example.com "
	  "ruf=mailto:auth-reports@thirdparty.example.net" },
	{ "v=DMARC1; p=quarantine; rua=mailto:dmarc-feedback@example.com,mailto:tld-test@thirdparty.example.net!10m; pct=25", 0,
	  "p=quarantine sp= pct=25 adkim=r aspf=r "
	  "rua=mailto:dmarc-feedback@example.com,mailto:tld-test@thirdparty.example.net!10m ruf=" },
	/* blanks, case, order */
	{ "v=DMARC1;p=reject", 0, "p=reject sp= pct=100 adkim=r aspf=r rua= ruf=" },
	{ "v=DMARC1 ; p = reject ; ", 0, "p=reject sp= pct=100 adkim=r aspf=r rua= ruf=" },
	{ "v = DMARC1;\tp=Reject; sp=NONE; adkim=S; aspf=s", 0, "p=reject sp=none pct=100 adkim=s aspf=s rua= ruf=" },
	{ "v=DMARC1; P=quarantine", 0, "p=quarantine sp= pct=100 adkim=r aspf=r rua= ruf=" },
	{ "v=DMARC1; rua=mailto:a@example.com; p=none", 0,
	  "p=none sp= pct=100 adkim=r aspf=r rua=mailto:a@example.com ruf=" },
	{ "v=DMARC1; p=none; pct=0", 0, "p=none sp= pct=0 adkim=r aspf=r rua= ruf=" },
	{ "v=DMARC1; p=none; pct=100", 0, "p=none sp= pct=100 adkim=r aspf=r rua= ruf=" },
	{ "v=DMARC1; p=none; pct=007", 0, "p=none sp= pct=7 adkim=r aspf=r rua= ruf=" },
	{ "v=DMARC1; p=reject; fo=1; rf=afrf; ri=86400; foo=bar; np=reject", 0,
	  "p=reject sp= pct=100 adkim=r aspf=r rua= ruf=" },
	{ "v=DMARC1;p=none;;", 0, "p=none sp= pct=100 adkim=r aspf=r rua= ruf=" },
	{ "v=DMARC1; p=none; rua=mailto:a@x.example, mailto:b@y.example ,https://r.example/dmarc", 0,
	  "p=none sp= pct=100 adkim=r aspf=r rua=mailto:a@x.example,mailto:b@y.example,https://r.example/dmarc ruf=" },
	{ "v=DMARC1; p=none; rua=MAILTO:d@Rep.Example.NET!10M", 0,
	  "p=none sp= pct=100 adkim=r aspf=r rua=MAILTO:d@Rep.Example.NET!10M ruf=" },
	{ "v=DMARC1; p=none; rua=mailto:1@a.example,mailto:2@a.example,mailto:3@a.example,mailto:4@a.example,"
	  "mailto:5@a.example,mailto:6@a.example,mailto:7@a.example,mailto:8@a.example", 0,
	  "p=none sp= pct=100 adkim=r aspf=r rua=mailto:1@a.example,mailto:2@a.example,mailto:3@a.example,"
	  "mailto:4@a.example,mailto:5@a.example,mailto:6@a.example,mailto:7@a.example,mailto:8@a.example ruf=" },
	/* not DMARC */
	{ "", -1, "not a dmarc record (it does not start with v=DMARC1)" },
	{ "p=none; v=DMARC1", -1, "not a dmarc record (it does not start with v=DMARC1)" },
	{ "v=DMARC2; p=none", -1, "not a dmarc record (it does not start with v=DMARC1)" },
	{ "v=dmarc1; p=none", -1, "not a dmarc record (it does not start with v=DMARC1)" },
	{ "V=DMARC1; p=none", -1, "not a dmarc record (it does not start with v=DMARC1)" },
	{ " v=DMARC1; p=none", -1, "not a dmarc record (it does not start with v=DMARC1)" },
	{ "v=DMARC1p=none", -1, "not a dmarc record (it does not start with v=DMARC1)" },
	{ "v;p=none", -1, "not a dmarc record (it does not start with v=DMARC1)" },
	{ "v=spf1 -all", -1, "not a dmarc record (it does not start with v=DMARC1)" },
	/* p, sp, pct, adkim */
	{ "v=DMARC1", -1, "p= is missing" },
	{ "v=DMARC1;", -1, "p= is missing" },
	{ "v=DMARC1; rua=mailto:a@example.com", -1, "p= is missing" },
	{ "v=DMARC1; p=block", -1, "p 'block' is not none, quarantine or reject" },
	{ "v=DMARC1; p=", -1, "p '' is not none, quarantine or reject" },
	{ "v=DMARC1; p=none reject", -1, "p 'none reject' is not none, quarantine or reject" },
	{ "v=DMARC1; p=none; sp=all", -1, "sp 'all' is not none, quarantine or reject" },
	{ "v=DMARC1; p=none; pct=101", -1, "pct '101' is not 0 to 100" },
	{ "v=DMARC1; p=none; pct=-1", -1, "pct '-1' is not 0 to 100" },
	{ "v=DMARC1; p=none; pct=+5", -1, "pct '+5' is not 0 to 100" },
	{ "v=DMARC1; p=none; pct=5x", -1, "pct '5x' is not 0 to 100" },
	{ "v=DMARC1; p=none; pct=", -1, "pct '' is not 0 to 100" },
	{ "v=DMARC1; p=none; pct=99999999999999999999", -1, "pct '99999999999999999999' is not 0 to 100" },
	{ "v=DMARC1; p=none; adkim=x", -1, "adkim 'x' is not r or s" },
	{ "v=DMARC1; p=none; aspf=relaxed", -1, "aspf 'relaxed' is not r or s" },
	/* tags */
	{ "v=DMARC1; p=none; p=reject", -1, "tag 'p' given twice" },
	{ "v=DMARC1; p=none; P=reject", -1, "tag 'p' given twice" },
	{ "v=DMARC1; v=DMARC1; p=none", -1, "tag 'v' given twice" },
	{ "v=DMARC1; p=none; foo=1; foo=2", -1, "tag 'foo' given twice" },
	{ "v=DMARC1; p=none; rua", -1, "'rua' is not tag=value" },
	{ "v=DMARC1; p=none; 1x=2", -1, "bad tag name '1x'" },
	{ "v=DMARC1; p=none; =2", -1, "bad tag name ''" },
	{ "v=DMARC1; p=none; a-b=2", -1, "bad tag name 'a-b'" },
	{ "v=DMARC1; p=none; a1=1; a2=1; a3=1; a4=1; a5=1; a6=1; a7=1; a8=1; a9=1; a10=1; a11=1; a12=1; "
	  "a13=1; a14=1; a15=1; a16=1; a17=1; a18=1; a19=1; a20=1; a21=1; a22=1; a23=1; a24=1; a25=1; "
	  "a26=1; a27=1; a28=1; a29=1; a30=1; a31=1", -1, "more than 32 tags" },
	/* report URIs */
	{ "v=DMARC1; p=none; rua=", -1, "rua has an empty uri" },
	{ "v=DMARC1; p=none; rua=mailto:a@x.example,,mailto:b@x.example", -1, "rua has an empty uri" },
	{ "v=DMARC1; p=none; rua=mailto:a@x.example,", -1, "rua has an empty uri" },
	{ "v=DMARC1; p=none; rua=dmarc@example.com", -1, "rua 'dmarc@example.com' is not a uri" },
	{ "v=DMARC1; p=none; rua=mailto:", -1, "rua 'mailto:' is not a uri" },
	{ "v=DMARC1; p=none; rua=mailto:a@x.example mailto:b@x.example", -1,
	  "rua 'mailto:a@x.example mailto:b@x.example' is not a uri" },
	{ "v=DMARC1; p=none; rua=mailto:dmarc", -1, "rua 'mailto:dmarc' has no valid mail domain" },
	{ "v=DMARC1; p=none; ruf=mailto:a@-x.example", -1, "ruf 'mailto:a@-x.example' has no valid mail domain" },
	{ "v=DMARC1; p=none; rua=mailto:a@x.example!10q", -1, "rua 'mailto:a@x.example!10q' has no valid mail domain" },
	{ "v=DMARC1; p=none; rua=mailto:1@a.example,mailto:2@a.example,mailto:3@a.example,mailto:4@a.example,"
	  "mailto:5@a.example,mailto:6@a.example,mailto:7@a.example,mailto:8@a.example,mailto:9@a.example", -1,
	  "rua has more than 8 uris" },
	{ "v=DMARC1; p=none; rua=https://r.example/" LONG_LABEL LONG_LABEL LONG_LABEL LONG_LABEL, -1,
	  "rua uri 'https://r.example/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...' is longer than 255 bytes" },
	{ "v=DMARC1; p=none\x01", -1, "a byte that is not printable ascii in the record" },
	{ "v=DMARC1; p=none; rua=mailto:\xc3\xa9@x.example", -1, "a byte that is not printable ascii in the record" },
};

static void
dmarc_summary(const struct mailrec_dmarc *d, char *buf, size_t n)
{
	struct sbuf sb;
	size_t i;

	sbuf_init(&sb, 4096);
	sbuf_addf(&sb, "p=%s sp=%s pct=%d adkim=%c aspf=%c rua=", d->p, d->sp, d->pct, d->adkim, d->aspf);
	for (i = 0; i < d->nrua; i++)
		sbuf_addf(&sb, "%s%s", i ? "," : "", d->rua[i]);
	sbuf_addstr(&sb, " ruf=");
	for (i = 0; i < d->nruf; i++)
		sbuf_addf(&sb, "%s%s", i ? "," : "", d->ruf[i]);
	snprintf(buf, n, "%s", sbuf_str(&sb));
	sbuf_release(&sb);
}

static void
test_dmarc(void **state)
{
	struct mailrec_dmarc d;
	char err[256], got[4096];
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(dmarc_rows); i++) {
		const struct dmarc_row *r = &dmarc_rows[i];
		int rc;

		err[0] = '\0';
		rc = mailrec_dmarc_parse(r->txt, &d, err, sizeof(err));
		if (rc == 0)
			dmarc_summary(&d, got, sizeof(got));
		else
			snprintf(got, sizeof(got), "%s", err);
		if (rc != r->rc || strcmp(got, r->want) != 0)
			fail_msg("row %zu '%s': rc %d '%s', want %d '%s'", i, r->txt, rc, got, r->rc, r->want);
	}
}

/* ---- the domain of a report URI ---- */

static const struct uri_row {
	const char *uri;
	const char *want;	/* NULL: -1 */
} uri_rows[] = {
	{ "mailto:dmarc@rep.example.net!10m", "rep.example.net" },
	{ "mailto:dmarc-feedback@example.com", "example.com" },
	{ "MAILTO:A@Example.COM", "example.com" },
	{ "  mailto:a@example.com\t", "example.com" },
	{ "mailto:a@example.com.", "example.com" },
	{ "mailto:a@example.com!10", "example.com" },
	{ "mailto:a@example.com!1T", "example.com" },
	{ "mailto:a@example.com?subject=dmarc", "example.com" },
	{ "mailto:a.b+c@sub-1.example.co.uk", "sub-1.example.co.uk" },
	{ "mailto:a@localhost", "localhost" },
	{ "mailto:a@" LONG_LABEL ".example", LONG_LABEL ".example" },
	{ "mailto:a@example.com!", NULL },
	{ "mailto:a@example.com!10x", NULL },
	{ "mailto:a@example.com!m", NULL },
	{ "mailto:a@example.com!10!10", NULL },
	{ "https://example.com/x", NULL },
	{ "mailto", NULL },
	{ "mailto:", NULL },
	{ "mailto:a", NULL },
	{ "mailto:@example.com", NULL },
	{ "mailto:a@", NULL },
	{ "mailto:a@.", NULL },
	{ "mailto:a@b@example.com", NULL },
	{ "mailto:a@exa mple.com", NULL },
	{ "mailto:a@x.example,mailto:b@y.example", NULL },
	{ "mailto:a@[192.0.2.1]", NULL },
	{ "mailto:a@-x.example", NULL },
	{ "mailto:a@x-.example", NULL },
	{ "mailto:a@x..example", NULL },
	{ "mailto:a@.x.example", NULL },
	{ "mailto:a@x.example..", NULL },
	{ "mailto:a@a" LONG_LABEL ".example", NULL },
	{ "mailto:a@x_y.example", NULL },
	{ "mailto:a@x%2ey.example", NULL },
	{ "mailto:a@\xc3\xa9.example", NULL },
	{ "", NULL },
};

static void
test_uri_mail_domain(void **state)
{
	char out[256], small[8];
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(uri_rows); i++) {
		int rc = mailrec_uri_mail_domain(uri_rows[i].uri, out, sizeof(out));

		if (uri_rows[i].want && (rc != 0 || strcmp(out, uri_rows[i].want) != 0))
			fail_msg("row %zu '%s': rc %d '%s', want '%s'", i, uri_rows[i].uri, rc, out, uri_rows[i].want);
		if (!uri_rows[i].want && rc != -1)
			fail_msg("row %zu '%s': rc %d '%s', want -1", i, uri_rows[i].uri, rc, out);
	}
	assert_int_equal(mailrec_uri_mail_domain("mailto:a@example.com", small, sizeof(small)), -1);
	assert_int_equal(mailrec_uri_mail_domain("mailto:a@exa.com", small, sizeof(small)), 0);
	assert_string_equal(small, "exa.com");
	assert_int_equal(mailrec_uri_mail_domain(NULL, out, sizeof(out)), -1);
}

/* ---- MTA-STS TXT record ---- */

static const struct sts_txt_row {
	const char *txt;
	int rc;
	const char *want;	/* the id, or the error */
} sts_txt_rows[] = {
	{ "v=STSv1; id=20160831085700Z;", 0, "20160831085700Z" },	/* RFC 8461 section 3.1 */
	{ "v=STSv1; id=20160831085700Z", 0, "20160831085700Z" },
	{ "v=STSv1;id=abc", 0, "abc" },
	{ "v=STSv1 ; id=abc ;\t", 0, "abc" },
	{ "v=STSv1; id=abc; ext=foo", 0, "abc" },
	{ "v=STSv1; ext.1-x_y=foo:bar; id=abc", 0, "abc" },
	{ "v=STSv1; id=abc; id=def", 0, "abc" },
	{ "v=STSv1; id=abc; id=not_valid", 0, "abc" },
	{ "v=STSv1; id=0123456789abcdefghijABCDEFGHIJ01", 0, "0123456789abcdefghijABCDEFGHIJ01" },
	{ "v=STSv1;; id=1;;", 0, "1" },
	{ "", -1, "not an mta-sts record (it does not start with v=STSv1)" },
	{ "id=abc; v=STSv1", -1, "not an mta-sts record (it does not start with v=STSv1)" },
	{ "v=STSv2; id=1", -1, "not an mta-sts record (it does not start with v=STSv1)" },
	{ "v=stsv1; id=1", -1, "not an mta-sts record (it does not start with v=STSv1)" },
	{ " v=STSv1; id=1", -1, "not an mta-sts record (it does not start with v=STSv1)" },
	{ "v=STSv1 id=abc", -1, "not an mta-sts record (it does not start with v=STSv1)" },
	{ "v=STSv10; id=abc", -1, "not an mta-sts record (it does not start with v=STSv1)" },
	{ "v=STSv1", -1, "id is missing" },
	{ "v=STSv1;", -1, "id is missing" },
	{ "v=STSv1; ext=1", -1, "id is missing" },
	{ "v=STSv1; id=abc_def", -1, "id 'abc_def' is not 1 to 32 letters and digits" },
	{ "v=STSv1; id=0123456789abcdefghijABCDEFGHIJ012", -1,
	  "id '0123456789abcdefghijABCDEFGHIJ012' is not 1 to 32 letters and digits" },
	{ "v=STSv1; id=", -1, "id '' is not 1 to 32 letters and digits" },
	{ "v=STSv1; id= abc", -1, "id ' abc' is not 1 to 32 letters and digits" },
	{ "v=STSv1; id = abc", -1, "bad field name in 'id = abc'" },
	{ "v=STSv1; ID=abc", -1, "id is missing" },
	{ "v=STSv1; id=abc; foo", -1, "'foo' is not name=value" },
	{ "v=STSv1; id=abc; x=a=b", -1, "bad value in 'x=a=b'" },
	{ "v=STSv1; id=abc; x=", -1, "bad value in 'x='" },
	{ "v=STSv1; id=abc; _x=1", -1, "bad field name in '_x=1'" },
	{ "v=STSv1; id=abc\x7f", -1, "a byte that is not printable ascii in the record" },
};

static void
test_mta_sts_txt(void **state)
{
	char id[33], err[256];
	const char *got;
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(sts_txt_rows); i++) {
		const struct sts_txt_row *r = &sts_txt_rows[i];
		int rc;

		err[0] = '\0';
		rc = mailrec_mta_sts_txt(r->txt, id, sizeof(id), err, sizeof(err));
		got = rc == 0 ? id : err;
		if (rc != r->rc || strcmp(got, r->want) != 0)
			fail_msg("row %zu '%s': rc %d '%s', want %d '%s'", i, r->txt, rc, got, r->rc, r->want);
	}
	assert_int_equal(mailrec_mta_sts_txt("v=STSv1; id=abc", NULL, 0, NULL, 0), 0);
	assert_int_equal(mailrec_mta_sts_txt(NULL, id, sizeof(id), err, sizeof(err)), -1);
}

/* ---- MTA-STS policy ---- */

/* A string literal and its length, NUL bytes included. */
#define LIT(s) s, sizeof(s) - 1

#define RFC8461_POLICY "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.example.net\r\n" \
	"mx: backupmx.example.com\r\nmax_age: 604800\r\n"

static const struct sts_policy_row {
	const char *body;
	size_t len;		/* 0: strlen */
	int rc;
	const char *want;	/* "v=1 mode=... max_age=... mx=a,b", or the error */
} sts_policy_rows[] = {
	{ RFC8461_POLICY, 0, 0,
	  "v=1 mode=enforce max_age=604800 mx=mail.example.com,*.example.net,backupmx.example.com" },
	{ "version: STSv1\nmode: testing\nmx: mail.example.com\nmax_age: 86400\n", 0, 0,
	  "v=1 mode=testing max_age=86400 mx=mail.example.com" },
	{ "version: STSv1\nmode: enforce\nmx: mail.example.com\nmax_age: 86400", 0, 0,
	  "v=1 mode=enforce max_age=86400 mx=mail.example.com" },
	{ "version: STSv1\nmode: none\nmax_age: 86400\n", 0, 0, "v=1 mode=none max_age=86400 mx=" },
	{ "version:STSv1\nmode:testing\nmx:MX.Example.COM\nmax_age:0", 0, 0,
	  "v=1 mode=testing max_age=0 mx=mx.example.com" },
	{ "max_age: 31557600\nmx: *.Example.NET\nmode: enforce\nversion: STSv1\n", 0, 0,
	  "v=1 mode=enforce max_age=31557600 mx=*.example.net" },
	{ "version: STSv1\nmode: enforce\nmode: bogus\nmx: a.example\nmax_age: 1\nmax_age: x\nversion: 2\n", 0, 0,
	  "v=1 mode=enforce max_age=1 mx=a.example" },
	{ "version: STSv1\nfoo: bar baz\nx-ext.1: \nmode: enforce\nmx: a.example\nmax_age: 1\n", 0, 0,
	  "v=1 mode=enforce max_age=1 mx=a.example" },
	{ "\nversion: STSv1\n\n\r\nmode: enforce  \t\nmx: a.example\n\nmax_age: 0000000001\n\n", 0, 0,
	  "v=1 mode=enforce max_age=1 mx=a.example" },
	{ "version: STSv1\nmode: enforce\nmax_age: 1\nmx: 1.e\nmx: 2.e\nmx: 3.e\nmx: 4.e\nmx: 5.e\nmx: 6.e\n"
	  "mx: 7.e\nmx: 8.e\nmx: 9.e\nmx: 10.e\nmx: 11.e\nmx: 12.e\nmx: 13.e\nmx: 14.e\nmx: 15.e\nmx: 16.e\n", 0, 0,
	  "v=1 mode=enforce max_age=1 mx=1.e,2.e,3.e,4.e,5.e,6.e,7.e,8.e,9.e,10.e,11.e,12.e,13.e,14.e,15.e,16.e" },
	/* missing and wrong fields */
	{ "", 0, -1, "version is missing" },
	{ "mode: enforce\nmx: a.example\nmax_age: 1\n", 0, -1, "version is missing" },
	{ "Version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 1\n", 0, -1, "version is missing" },
	{ "version: STSv2\nmode: enforce\nmx: a.example\nmax_age: 1\n", 0, -1, "version 'STSv2' is not STSv1" },
	{ "version: stsv1\n", 0, -1, "version 'stsv1' is not STSv1" },
	{ "version: STSv1\nmode: Enforce\n", 0, -1, "mode 'Enforce' is not enforce, testing or none" },
	{ "version: STSv1\nmode: \n", 0, -1, "mode '' is not enforce, testing or none" },
	{ "version: STSv1\nMode: enforce\nmx: a.example\nmax_age: 1\n", 0, -1, "mode is missing" },
	{ "version: STSv1\nmax_age: 1\nmx: a.example", 0, -1, "mode is missing" },
	{ "version: STSv1\nmode: enforce\nmx: a.example", 0, -1, "max_age is missing" },
	{ "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 31557601\n", 0, -1,
	  "max_age 31557601 is more than 31557600" },
	{ "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 9999999999\n", 0, -1,
	  "max_age 9999999999 is more than 31557600" },
	{ "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 12345678901\n", 0, -1,
	  "max_age '12345678901' is not a number of seconds" },
	{ "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: -1\n", 0, -1,
	  "max_age '-1' is not a number of seconds" },
	{ "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 1d\n", 0, -1,
	  "max_age '1d' is not a number of seconds" },
	{ "version: STSv1\nmode: enforce\nmx: a.example\nmax_age:\n", 0, -1,
	  "max_age '' is not a number of seconds" },
	{ "version: STSv1\nmode: enforce\nmax_age: 1\n", 0, -1, "mx is missing" },
	{ "version: STSv1\nmode: testing\nmax_age: 1\n", 0, -1, "mx is missing" },
	/* mx patterns */
	{ "version: STSv1\nmode: enforce\nmax_age: 1\nmx: *.\n", 0, -1, "mx '*.' is not a host name or *.domain" },
	{ "version: STSv1\nmode: enforce\nmax_age: 1\nmx: *\n", 0, -1, "mx '*' is not a host name or *.domain" },
	{ "version: STSv1\nmode: enforce\nmax_age: 1\nmx: mail.example.com.\n", 0, -1,
	  "mx 'mail.example.com.' is not a host name or *.domain" },
	{ "version: STSv1\nmode: enforce\nmax_age: 1\nmx: *.*.example.com\n", 0, -1,
	  "mx '*.*.example.com' is not a host name or *.domain" },
	{ "version: STSv1\nmode: enforce\nmax_age: 1\nmx: mail*.example.com\n", 0, -1,
	  "mx 'mail*.example.com' is not a host name or *.domain" },
	{ "version: STSv1\nmode: enforce\nmax_age: 1\nmx: mail_1.example.com\n", 0, -1,
	  "mx 'mail_1.example.com' is not a host name or *.domain" },
	{ "version: STSv1\nmode: enforce\nmax_age: 1\nmx: a.example b.example\n", 0, -1,
	  "mx 'a.example b.example' is not a host name or *.domain" },
	{ "version: STSv1\nmode: enforce\nmax_age: 1\nmx: \n", 0, -1, "mx '' is not a host name or *.domain" },
	{ "version: STSv1\nmode: enforce\nmax_age: 1\nmx: *." LONG_LABEL "." LONG_LABEL "." LONG_LABEL "." LABEL59 "\n", 0, 0,
	  "v=1 mode=enforce max_age=1 mx=*." LONG_LABEL "." LONG_LABEL "." LONG_LABEL "." LABEL59 },
	{ "version: STSv1\nmode: enforce\nmax_age: 1\nmx: *." LONG_LABEL "." LONG_LABEL "." LONG_LABEL "." LABEL59 "b\n", 0,
	  -1, "mx '*.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' is not a host name or *.domain" },
	{ "version: STSv1\nmode: enforce\nmax_age: 1\nmx: 1.e\nmx: 2.e\nmx: 3.e\nmx: 4.e\nmx: 5.e\nmx: 6.e\n"
	  "mx: 7.e\nmx: 8.e\nmx: 9.e\nmx: 10.e\nmx: 11.e\nmx: 12.e\nmx: 13.e\nmx: 14.e\nmx: 15.e\nmx: 16.e\n"
	  "mx: 17.e\n", 0, -1, "more than 16 mx patterns" },
	/* lines and bytes */
	{ "version STSv1\n", 0, -1, "line 1 is not 'key: value'" },
	{ "version: STSv1\n mode: enforce\n", 0, -1, "line 2: bad key ' mode'" },
	{ "version : STSv1\n", 0, -1, "line 1: bad key 'version '" },
	{ ": STSv1\n", 0, -1, "line 1: bad key ''" },
	{ "version: STSv1\nmode: enforce\x01\n", 0, -1, "line 2: a byte that is not printable ascii" },
	{ "version: STSv1\rmode: enforce\rmx: a.example\rmax_age: 1\r", 0, -1,
	  "line 1: a byte that is not printable ascii" },
	{ LIT("version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 1\n\0"), -1, "not text (a nul byte)" },
	{ LIT("version: STSv1\0\nmode: enforce\n"), -1, "not text (a nul byte)" },
	{ "<html><body>404 Not Found</body></html>\n", 0, -1, "line 1 is not 'key: value'" },
};

static void
policy_summary(const struct mailrec_mta_sts_policy *p, char *buf, size_t n)
{
	struct sbuf sb;
	size_t i;

	sbuf_init(&sb, 8192);
	sbuf_addf(&sb, "v=%d mode=%s max_age=%lld mx=", p->version_ok, p->mode, p->max_age);
	for (i = 0; i < p->nmx; i++)
		sbuf_addf(&sb, "%s%s", i ? "," : "", p->mx[i]);
	snprintf(buf, n, "%s", sbuf_str(&sb));
	sbuf_release(&sb);
}

static void
test_mta_sts_policy(void **state)
{
	struct mailrec_mta_sts_policy p;
	char err[256], got[1024], *big;
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(sts_policy_rows); i++) {
		const struct sts_policy_row *r = &sts_policy_rows[i];
		size_t len = r->len ? r->len : strlen(r->body);
		int rc;

		err[0] = '\0';
		rc = mailrec_mta_sts_policy(r->body, len, &p, err, sizeof(err));
		if (rc == 0)
			policy_summary(&p, got, sizeof(got));
		else
			snprintf(got, sizeof(got), "%s", err);
		if (rc != r->rc || strcmp(got, r->want) != 0)
			fail_msg("row %zu: rc %d '%s', want %d '%s'", i, rc, got, r->rc, r->want);
	}
	/* the size cap: comment-like padding lines up to 64 KiB are fine, one byte more is not */
	big = xmalloc(MAILREC_POLICY_MAX + 1);
	memset(big, '\n', MAILREC_POLICY_MAX + 1);
	memcpy(big, RFC8461_POLICY, strlen(RFC8461_POLICY));
	assert_int_equal(mailrec_mta_sts_policy(big, MAILREC_POLICY_MAX, &p, err, sizeof(err)), 0);
	assert_int_equal(mailrec_mta_sts_policy(big, MAILREC_POLICY_MAX + 1, &p, err, sizeof(err)), -1);
	assert_string_equal(err, "policy is longer than 65536 bytes");
	free(big);
	assert_int_equal(mailrec_mta_sts_policy(NULL, 0, &p, err, sizeof(err)), -1);
}

/* ---- MX names against the policy of RFC 8461's example ---- */

static const struct mx_row {
	const char *host;
	bool match;
} mx_rows[] = {
	{ "mail.example.com", true },
	{ "MAIL.Example.COM.", true },
	{ "backupmx.example.com", true },
	{ "foo.example.net", true },
	{ "FOO.example.net.", true },
	{ "x-1.example.net", true },
	{ "example.net", false },
	{ "a.b.example.net", false },
	{ ".example.net", false },
	{ "xexample.net", false },
	{ "foo.example.net.evil", false },
	{ "mail.example.com.evil", false },
	{ "evil-mail.example.com", false },
	{ "sub.mail.example.com", false },
	{ "example.com", false },
	{ "mail.example.com..", false },
	{ "", false },
	{ ".", false },
	{ "*.example.net", false },	/* not a host name */
	{ "a b.example.net", false },
};

static void
test_mta_sts_mx_match(void **state)
{
	struct mailrec_mta_sts_policy p;
	char err[128];
	size_t i;

	(void)state;
	assert_int_equal(mailrec_mta_sts_policy(RFC8461_POLICY, strlen(RFC8461_POLICY), &p, err, sizeof(err)), 0);
	for (i = 0; i < NELEM(mx_rows); i++)
		if (mailrec_mta_sts_mx_match(&p, mx_rows[i].host) != mx_rows[i].match)
			fail_msg("row %zu '%s': want %d", i, mx_rows[i].host, mx_rows[i].match);
	assert_false(mailrec_mta_sts_mx_match(&p, NULL));
	assert_false(mailrec_mta_sts_mx_match(NULL, "mail.example.com"));
}

/* ---- TLS-RPT ---- */

static const struct tlsrpt_row {
	const char *txt;
	int rc;
	const char *want;	/* the URIs joined by ',', or the error */
} tlsrpt_rows[] = {
	/* RFC 8460 section 3 */
	{ "v=TLSRPTv1;rua=mailto:reports@example.com", 0, "mailto:reports@example.com" },
	{ "v=TLSRPTv1; rua=https://reporting.example.com/v1/tlsrpt", 0, "https://reporting.example.com/v1/tlsrpt" },
	{ "v=TLSRPTv1; rua=mailto:a@example.com, https://r.example.com/x?a=b", 0,
	  "mailto:a@example.com,https://r.example.com/x?a=b" },
	{ "v=TLSRPTv1; rua=mailto:a@example.com; ext=1;", 0, "mailto:a@example.com" },
	{ "v=TLSRPTv1 ; ext=1 ; rua=HTTPS://r.example.com:8443", 0, "HTTPS://r.example.com:8443" },
	{ "v=TLSRPTv1; rua=mailto:a@example.com; rua=ftp://x", 0, "mailto:a@example.com" },
	{ "v=TLSRPTv1; rua=mailto:a@x.example,mailto:b@x.example,mailto:c@x.example,mailto:d@x.example", 0,
	  "mailto:a@x.example,mailto:b@x.example,mailto:c@x.example,mailto:d@x.example" },
	{ "", -1, "not a tls-rpt record (it does not start with v=TLSRPTv1)" },
	{ "v=TLSRPTv2; rua=mailto:a@example.com", -1, "not a tls-rpt record (it does not start with v=TLSRPTv1)" },
	{ "rua=mailto:a@example.com; v=TLSRPTv1", -1, "not a tls-rpt record (it does not start with v=TLSRPTv1)" },
	{ "v=TLSRPTv1", -1, "rua is missing" },
	{ "v=TLSRPTv1; ext=1", -1, "rua is missing" },
	{ "v=TLSRPTv1; RUA=mailto:a@example.com", -1, "rua is missing" },
	{ "v=TLSRPTv1; rua=http://r.example.com/", -1, "rua 'http://r.example.com/' is neither mailto: nor https:" },
	{ "v=TLSRPTv1; rua=ftp://r.example.com/", -1, "rua 'ftp://r.example.com/' is neither mailto: nor https:" },
	{ "v=TLSRPTv1; rua=reports@example.com", -1, "rua 'reports@example.com' is neither mailto: nor https:" },
	{ "v=TLSRPTv1; rua=mailto:nobody", -1, "rua 'mailto:nobody' has no valid mail domain" },
	{ "v=TLSRPTv1; rua=https://", -1, "rua 'https://' has no valid host" },
	{ "v=TLSRPTv1; rua=https:/r.example.com/", -1, "rua 'https:/r.example.com/' has no valid host" },
	{ "v=TLSRPTv1; rua=https://user@r.example.com/", -1, "rua 'https://user@r.example.com/' has no valid host" },
	{ "v=TLSRPTv1; rua=https://r.example.com:/", -1, "rua 'https://r.example.com:/' has no valid host" },
	{ "v=TLSRPTv1; rua=https://r.example.com:123456/", -1,
	  "rua 'https://r.example.com:123456/' has no valid host" },
	{ "v=TLSRPTv1; rua=https://[::1]/", -1, "rua 'https://[::1]/' has no valid host" },
	{ "v=TLSRPTv1; rua=", -1, "rua has an empty uri" },
	{ "v=TLSRPTv1; rua=mailto:a@x.example,,mailto:b@x.example", -1, "rua has an empty uri" },
	{ "v=TLSRPTv1; rua=mailto:a@x.example mailto:b@x.example", -1,
	  "rua 'mailto:a@x.example mailto:b@x.example' is not a uri" },
	{ "v=TLSRPTv1; rua=mailto:a@x.example,mailto:b@x.example,mailto:c@x.example,mailto:d@x.example,"
	  "mailto:e@x.example", -1, "rua has more than 4 uris" },
	{ "v=TLSRPTv1; rua=mailto:a@x.example; x", -1, "'x' is not name=value" },
};

static void
test_tlsrpt(void **state)
{
	char rua[4][256], err[256], got[2048];
	size_t i, k, n;

	(void)state;
	for (i = 0; i < NELEM(tlsrpt_rows); i++) {
		const struct tlsrpt_row *r = &tlsrpt_rows[i];
		int rc;

		err[0] = '\0';
		rc = mailrec_tlsrpt(r->txt, rua, NELEM(rua), &n, err, sizeof(err));
		if (rc == 0) {
			size_t used = 0;

			got[0] = '\0';
			for (k = 0; k < n; k++)
				used += (size_t)snprintf(got + used, sizeof(got) - used, "%s%s", k ? "," : "", rua[k]);
		} else {
			snprintf(got, sizeof(got), "%s", err);
		}
		if (rc != r->rc || strcmp(got, r->want) != 0)
			fail_msg("row %zu '%s': rc %d '%s', want %d '%s'", i, r->txt, rc, got, r->rc, r->want);
	}
}

/* ---- DKIM key records (keys made with openssl genpkey for these tests) ---- */

#define RSA1024 "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDjKdbpITYWLYPdxx7M+YhkWoJNDS7FCFxT0ZuhFaE832LZtDhi4GxEKcxRMeA" \
	"Il3lr7HNgwby/stJatjLNbt/TZk6vKsyi/EXq8om0OfIJo97tzoqwKEyQ5QnSfszaxZXBkZAX4lJyGORSv64dJPt0aZnZqCya7u" \
	"hLj0kn+ma/nwIDAQAB"
#define RSA2048_A "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAuD+gmwM17GsP/pdawwsxzAVXeXLz8D35hdHFNjJJqZ5ZqibqD/13J"
#define RSA2048_B "gUy0/ER2beilJORYe07tAmxbdWt+Mb7lCC8Im9ULHbxMKmztnB1sQTxFDpVy9FypPBBcUgFtTGufRoi9c/+hjaYRkWTGdp5U"
#define RSA2048_C "AHGMYQF52R8hPtr05gCMiAs0mvXkn/MflNTYR8RCTinhgLXNhYKt06XXJevPXbHLSUZJzJ2ASTnLBKtyVv1davJ+OZQ5rdXHv"
#define RSA2048_D "mcIp7usO8Zf6fpKs5Vq3ouLBuQiDiFC1tHmKbsUZmzKUKTuBarUrIYJwqOc53dOQGQOzDvkGVvE4lEPv0hlJDIj++2c2GuOQIDAQAB"
#define RSA512 "MFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBAM4ApQRJ6Ysdrv3LxbcuU/EJpMMfpiGhvPft12vSfuq+7hq4/4ExogW6jxV2d7Q0q8Re" \
	"cWKAeNn4Q6rzS/dahCMCAwEAAQ=="
#define RSA512_TRAILING "MFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBAM4ApQRJ6Ysdrv3LxbcuU/EJpMMfpiGhvPft12vSfuq+7hq4/4ExogW6jxV2d7Q0" \
	"q8RecWKAeNn4Q6rzS/dahCMCAwEAAQAAAA=="
#define RSA512_PKCS1 "MEgCQQDOAKUESemLHa79y8W3LlPxCaTDH6Yhobz37ddr0n7qvu4auP+BMaIFuo8Vdne0NKvEXnFigHjZ+EOq80v3WoQjAgMBAAE="
#define EC_P256 "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEDi8VzcGHyv1aL0yKFUyAoSu2Z+1sjzMpyHSIyORcfWV2JbLKqd8i1sROfprYoELx" \
	"Bg8xnyuMKpelQtQYK6hFOQ=="
#define ED25519_SPKI "MCowBQYDK2VwAyEAL2tdm5grvxmECEycNaiwcUMeHymv0LZvznTQVrBByyw="
#define ED25519_RFC8463 "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="	/* RFC 8463 appendix A.2 */

static const struct dkim_row {
	const char *txt;
	int rc;
	const char *want;	/* "k=... bits=... revoked=... testing=...", or the error */
} dkim_rows[] = {
	{ "v=DKIM1; k=rsa; p=" RSA1024, 0, "k=rsa bits=1024 revoked=0 testing=0" },
	{ "p=" RSA2048_A RSA2048_B RSA2048_C RSA2048_D, 0, "k=rsa bits=2048 revoked=0 testing=0" },
	{ "v=DKIM1; p=" RSA2048_A " " RSA2048_B "\t" RSA2048_C "\r\n " RSA2048_D, 0, "k=rsa bits=2048 revoked=0 testing=0" },
	{ "v=DKIM1; k=ed25519; p=" ED25519_RFC8463, 0, "k=ed25519 bits=256 revoked=0 testing=0" },
	{ "v=DKIM1; p=", 0, "k=rsa bits=0 revoked=1 testing=0" },
	{ "v=DKIM1; k=ed25519; p=  ;", 0, "k=ed25519 bits=0 revoked=1 testing=0" },
	{ "v=DKIM1; k=rsa; t=y; p=" RSA1024, 0, "k=rsa bits=1024 revoked=0 testing=1" },
	{ "v=DKIM1; h=sha256; k=rsa; s=email; t=s:y; n=a note; p=" RSA512, 0, "k=rsa bits=512 revoked=0 testing=1" },
	{ "v=DKIM1; t=s; p=" RSA512 ";", 0, "k=rsa bits=512 revoked=0 testing=0" },
	{ "v=DKIM1;\r\n\tp=" RSA1024 "\r\n", 0, "k=rsa bits=1024 revoked=0 testing=0" },
	{ "V=DKIM1; p=", 0, "k=rsa bits=0 revoked=1 testing=0" },	/* tags are case-sensitive: V is unknown */
	{ "v = DKIM1 ; p = " RSA512, 0, "k=rsa bits=512 revoked=0 testing=0" },
	{ "", -1, "p= is missing" },
	{ "v=DKIM1", -1, "p= is missing" },
	{ "v=DKIM1; k=rsa", -1, "p= is missing" },
	{ "k=rsa; v=DKIM1; p=" RSA1024, -1, "v= is not the first tag" },
	{ "v=DKIM2; p=", -1, "v 'DKIM2' is not DKIM1" },
	{ "v=dkim1; p=", -1, "v 'dkim1' is not DKIM1" },
	{ "v=DKIM1; k=dsa; p=" RSA1024, -1, "k 'dsa' is not rsa or ed25519" },
	{ "v=DKIM1; k=RSA; p=" RSA1024, -1, "k 'RSA' is not rsa or ed25519" },
	{ "v=DKIM1; p=abc", -1, "p= is not valid base64" },
	{ "v=DKIM1; p=ab=c", -1, "p= is not valid base64" },
	{ "v=DKIM1; p=a===", -1, "p= is not valid base64" },
	{ "v=DKIM1; p=!!!!", -1, "p= is not valid base64" },
	{ "v=DKIM1; p=AAAA====", -1, "p= is not valid base64" },
	{ "v=DKIM1; p=" RSA1024 "=", -1, "p= is not valid base64" },
	{ "v=DKIM1; p=AAAA", -1, "p= is not a public key (subjectpublickeyinfo)" },
	{ "v=DKIM1; p=" RSA512_PKCS1, -1, "p= is not a public key (subjectpublickeyinfo)" },
	{ "v=DKIM1; p=" RSA512_TRAILING, -1, "p= has bytes after the key" },
	{ "v=DKIM1; p=" EC_P256, -1, "key is not an rsa public key" },
	{ "v=DKIM1; k=rsa; p=" ED25519_SPKI, -1, "key is not an rsa public key" },
	{ "v=DKIM1; k=ed25519; p=" ED25519_SPKI, -1, "ed25519 key is 44 bytes, not 32" },
	{ "v=DKIM1; k=ed25519; p=" RSA1024, -1, "ed25519 key is 162 bytes, not 32" },
	{ "v=DKIM1; p=x; p=y", -1, "tag 'p' given twice" },
	{ "v=DKIM1; v=DKIM1; p=", -1, "tag 'v' given twice" },
	{ "v=DKIM1; p", -1, "'p' is not tag=value" },
	{ "v=DKIM1; 1p=x", -1, "bad tag name '1p'" },
	{ "v=DKIM1; p=\x01", -1, "a byte that is not printable ascii in the record" },
};

static void
test_dkim(void **state)
{
	struct mailrec_dkim d;
	char err[256], got[256];
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(dkim_rows); i++) {
		const struct dkim_row *r = &dkim_rows[i];
		int rc;

		err[0] = '\0';
		rc = mailrec_dkim(r->txt, &d, err, sizeof(err));
		if (rc == 0)
			snprintf(got, sizeof(got), "k=%s bits=%u revoked=%d testing=%d", d.k, d.bits, d.revoked,
				 d.testing);
		else
			snprintf(got, sizeof(got), "%s", err);
		if (rc != r->rc || strcmp(got, r->want) != 0)
			fail_msg("row %zu '%.60s': rc %d '%s', want %d '%s'", i, r->txt, rc, got, r->rc, r->want);
	}
}

/* ---- CAA RDATA ---- */

#define RD(s) (const unsigned char *)(s), sizeof(s) - 1

static const struct caa_row {
	const unsigned char *rd;
	size_t len;
	int rc;
	const char *want;	/* "flags=... tag=... value=...", or the error */
} caa_rows[] = {
	{ RD("\x00\x05issueletsencrypt.org"), 0, "flags=0 tag=issue value=letsencrypt.org" },
	{ RD("\x00\x05issueletsencrypt.org; validationmethods=dns-01"), 0,
	  "flags=0 tag=issue value=letsencrypt.org; validationmethods=dns-01" },
	{ RD("\x80\x05issueca.example.net"), 0, "flags=128 tag=issue value=ca.example.net" },
	{ RD("\x00\x09issuewild;"), 0, "flags=0 tag=issuewild value=;" },
	{ RD("\x00\x05iodefmailto:security@example.com"), 0, "flags=0 tag=iodef value=mailto:security@example.com" },
	{ RD("\x80\x03tbsUnknown"), 0, "flags=128 tag=tbs value=Unknown" },	/* RFC 8659 section 4.5 */
	{ RD("\x00\x05ISSUEca.example"), 0, "flags=0 tag=issue value=ca.example" },
	{ RD("\x00\x05issue"), 0, "flags=0 tag=issue value=" },
	{ RD("\x00\x0f" "abcdefghijklmno" "x"), 0, "flags=0 tag=abcdefghijklmno value=x" },
	{ RD("\x00\x09issuemailca.example"), 0, "flags=0 tag=issuemail value=ca.example" },	/* RFC 9495 */
	{ RD(""), -1, "rdata of 0 bytes is too short" },
	{ RD("\x00"), -1, "rdata of 1 bytes is too short" },
	{ RD("\x00\x00"), -1, "tag length is 0" },
	{ RD("\x00\x00issue"), -1, "tag length is 0" },
	{ RD("\x00\x10" "abcdefghijklmnop"), -1, "tag length 16 is more than 15" },
	{ RD("\x00\xffissue"), -1, "tag length 255 is more than 15" },
	{ RD("\x00\x05iss"), -1, "tag length 5 runs past the rdata" },
	{ RD("\x00\x05iss-eca"), -1, "tag has a byte that is not a letter or digit" },
	{ RD("\x00\x05iss\x00" "eca"), -1, "tag has a byte that is not a letter or digit" },
	{ RD("\x00\x05issueca\x01x"), -1, "value has a byte that is not printable ascii at 2" },
	{ RD("\x00\x05issueca.example\n"), -1, "value has a byte that is not printable ascii at 10" },
	{ RD("\x00\x05issue\tca.example"), -1, "value has a byte that is not printable ascii at 0" },
	{ RD("\x00\x05issue\xff"), -1, "value has a byte that is not printable ascii at 0" },
};

static void
test_caa_rdata(void **state)
{
	struct mailrec_caa c;
	unsigned char big[2 + 5 + 300];
	char err[256], got[512];
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(caa_rows); i++) {
		const struct caa_row *r = &caa_rows[i];
		int rc;

		err[0] = '\0';
		rc = mailrec_caa_rdata(r->rd, r->len, &c, err, sizeof(err));
		if (rc == 0)
			snprintf(got, sizeof(got), "flags=%u tag=%s value=%s", c.flags, c.tag, c.value);
		else
			snprintf(got, sizeof(got), "%s", err);
		if (rc != r->rc || strcmp(got, r->want) != 0)
			fail_msg("row %zu: rc %d '%s', want %d '%s'", i, rc, got, r->rc, r->want);
	}
	/* a long value is cut at 255; a bad byte beyond the cut still fails */
	big[0] = 0;
	big[1] = 5;
	memcpy(big + 2, "iodef", 5);
	memset(big + 7, 'x', 300);
	assert_int_equal(mailrec_caa_rdata(big, sizeof(big), &c, err, sizeof(err)), 0);
	assert_int_equal(strlen(c.value), 255);
	big[sizeof(big) - 1] = 0x7f;
	assert_int_equal(mailrec_caa_rdata(big, sizeof(big), &c, err, sizeof(err)), -1);
	assert_string_equal(err, "value has a byte that is not printable ascii at 299");
	assert_int_equal(mailrec_caa_rdata(NULL, 5, &c, err, sizeof(err)), -1);
}

static const struct issuer_row {
	const char *value;
	const char *want;	/* NULL: -1 */
} issuer_rows[] = {
	{ "letsencrypt.org; validationmethods=dns-01", "letsencrypt.org" },
	{ "letsencrypt.org", "letsencrypt.org" },
	{ "ca.example.net; account=230123", "ca.example.net" },	/* RFC 8657 */
	{ "ca.example.net; account=230123; validationmethods=dns-01,http-01", "ca.example.net" },
	{ "ca.example.net;", "ca.example.net" },
	{ "  CA.Example.NET  ;  policy = ev  ", "ca.example.net" },
	{ "ca.example.net;a=", "ca.example.net" },
	{ ";", "" },
	{ "", "" },
	{ "  ", "" },
	{ " ; policy=ev", "" },
	{ "ca.example.net; =x", NULL },
	{ "ca.example.net; a b=1", NULL },
	{ "ca.example.net; ab", NULL },
	{ "ca.example.net; -a=1", NULL },
	{ "ca.example.net; a-=1", NULL },
	{ "ca.example.net; a=x y", NULL },
	{ "ca.example.net; a=x\x01", NULL },
	{ "ca..example.net", NULL },
	{ "ca.example.net.", NULL },
	{ "ca example.net", NULL },
	{ "http://ca.example.net", NULL },
	{ "-ca.example.net", NULL },
	{ "ca_1.example.net", NULL },
};

static void
test_caa_issuer(void **state)
{
	char out[256], small[8];
	size_t i;

	(void)state;
	for (i = 0; i < NELEM(issuer_rows); i++) {
		int rc = mailrec_caa_issuer(issuer_rows[i].value, out, sizeof(out));

		if (issuer_rows[i].want && (rc != 0 || strcmp(out, issuer_rows[i].want) != 0))
			fail_msg("row %zu '%s': rc %d '%s', want '%s'", i, issuer_rows[i].value, rc, out,
				 issuer_rows[i].want);
		if (!issuer_rows[i].want && rc != -1)
			fail_msg("row %zu '%s': rc %d '%s', want -1", i, issuer_rows[i].value, rc, out);
	}
	assert_int_equal(mailrec_caa_issuer("letsencrypt.org", small, sizeof(small)), -1);
	assert_int_equal(mailrec_caa_issuer(NULL, out, sizeof(out)), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spf_parse),
		cmocka_unit_test(test_spf_parse_caps),
		cmocka_unit_test(test_spf_evaluate),
		cmocka_unit_test(test_spf_evaluate_selfwide),
		cmocka_unit_test(test_problems_overflow),
		cmocka_unit_test(test_dmarc),
		cmocka_unit_test(test_uri_mail_domain),
		cmocka_unit_test(test_mta_sts_txt),
		cmocka_unit_test(test_mta_sts_policy),
		cmocka_unit_test(test_mta_sts_mx_match),
		cmocka_unit_test(test_tlsrpt),
		cmocka_unit_test(test_dkim),
		cmocka_unit_test(test_caa_rdata),
		cmocka_unit_test(test_caa_issuer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
