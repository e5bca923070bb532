/*
 * Fuzzes the mail-domain record parsers of common/mailrec.c with what a
 * hostile DNS zone or MTA-STS web server could send. The first byte picks
 * the parser (its value modulo 8), the rest is the input:
 *   0  mailrec_spf_parse(): the answer does not change when the record is
 *      lower-cased or a space is appended (names and letters ignore case)
 *   1  mailrec_spf_evaluate() over a fake DNS made of the input's lines:
 *      line k holds the TXT records of "d<k>.f", '|' between records,
 *      "!NX" for NXDOMAIN, "!ERR" for a failed lookup; "d0.f" is asked.
 *      Lookups stop at 11, the callback runs at most 11 times and gets
 *      lower-case names, problems and strings end inside their arrays
 *   2  mailrec_dmarc_parse(), and mailrec_uri_mail_domain() on each URI
 *      and on the input
 *   3  mailrec_mta_sts_txt()
 *   4  mailrec_mta_sts_policy() on the bytes (NULs included); each of
 *      its patterns matches a host made from it
 *   5  mailrec_tlsrpt()
 *   6  mailrec_dkim()
 *   7  mailrec_caa_rdata() on the bytes, mailrec_caa_issuer() on its value
 *      and on the input as text
 * A failure must come with a message; every answer is checked against the
 * header's contract with __builtin_trap().
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mailrec.h"
#include "util.h"
#include "banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x) do { if (!(x)) __builtin_trap(); } while (0)

/* s is NUL-terminated within n bytes. */
static bool
ends(const char *s, size_t n)
{
	return memchr(s, '\0', n) != NULL;
}

static bool
lower_only(const char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			return false;
	return true;
}

/* A failure's message: present, terminated (err is untouched on success). */
static void
check_err(int rc, const char *err, size_t n)
{
	CHECK(rc == 0 || rc == -1);
	if (rc == -1)
		CHECK(ends(err, n) && err[0] != '\0');
}

static void
check_problems(const struct mailrec_problems *p)
{
	size_t i;

	CHECK(p->n <= MAILREC_PROBLEMS_MAX);
	for (i = 0; i < p->n; i++)
		CHECK(ends(p->v[i], MAILREC_PROBLEM_LEN) && p->v[i][0]);
}

static void
fuzz_spf_parse(const char *text, size_t len)
{
	char err[256], err2[256], *copy;
	int rc, rc2;
	size_t i;

	memset(err, 0xff, sizeof(err));
	rc = mailrec_spf_parse(text, err, sizeof(err));
	check_err(rc, err, sizeof(err));
	if (len + 1 >= MAILREC_TXT_MAX)
		return;
	copy = xmalloc(len + 2);
	for (i = 0; i < len; i++)
		copy[i] = text[i] >= 'A' && text[i] <= 'Z' ? (char)(text[i] - 'A' + 'a') : text[i];
	copy[len] = '\0';
	rc2 = mailrec_spf_parse(copy, err2, sizeof(err2));
	CHECK(rc2 == rc);
	memcpy(copy, text, len);
	copy[len] = ' ';
	copy[len + 1] = '\0';
	if (rc == 0 || (strncasecmp(text, "v=spf1", 6) == 0 && text[6] == ' '))
		CHECK(mailrec_spf_parse(copy, err2, sizeof(err2)) == rc);
	free(copy);
}

/* The fake DNS of mode 1. */
#define FDNS_LINES 16

struct fdns {
	const char *line[FDNS_LINES];
	size_t len[FDNS_LINES], n;
	unsigned calls;
};

static int
fdns_txt(void *ctx, const char *name, char **out, size_t max, char *why, size_t whylen)
{
	struct fdns *d = ctx;
	unsigned k;
	char want[32];
	const char *p, *end;
	int used = 0;

	d->calls++;
	CHECK(d->calls <= 1 + MAILREC_SPF_LOOKUPS_MAX);
	CHECK(name[0] && strlen(name) <= 253 && lower_only(name) && name[strlen(name) - 1] != '.');
	CHECK(max == MAILREC_SPF_TXT_RECORDS && whylen > 0);
	if (sscanf(name, "d%u.f", &k) != 1)
		return MAILREC_DNS_NXDOMAIN;
	snprintf(want, sizeof(want), "d%u.f", k);
	if (strcmp(want, name) != 0 || k >= d->n)
		return MAILREC_DNS_NXDOMAIN;
	p = d->line[k];
	end = p + d->len[k];
	if (d->len[k] == 3 && memcmp(p, "!NX", 3) == 0)
		return MAILREC_DNS_NXDOMAIN;
	if (d->len[k] == 4 && memcmp(p, "!ERR", 4) == 0) {
		snprintf(why, whylen, "servfail");
		return MAILREC_DNS_ERROR;
	}
	while (p < end && (size_t)used < max) {
		const char *bar = memchr(p, '|', (size_t)(end - p)), *e = bar ? bar : end;

		out[used++] = xstrndup(p, (size_t)(e - p));
		p = bar ? bar + 1 : end;
	}
	return used;
}

static void
fuzz_spf_evaluate(const char *text, size_t len)
{
	static const char *const alls[] = { "", "-all", "~all", "+all", "?all" };
	struct fdns d = { .n = 0 };
	struct mailrec_spf *o = xmalloc(sizeof(*o));
	const char *p = text, *end = text + len;
	size_t i;
	bool all_ok = false;

	while (p <= end && d.n < FDNS_LINES) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		d.line[d.n] = p;
		d.len[d.n++] = (size_t)((nl ? nl : end) - p);
		if (!nl)
			break;
		p = nl + 1;
	}
	memset(o, 0xff, sizeof(*o));
	mailrec_spf_evaluate("d0.f", fdns_txt, &d, o);
	CHECK(d.calls >= 1 && d.calls <= 1 + MAILREC_SPF_LOOKUPS_MAX);
	CHECK(o->lookups >= 0 && o->lookups <= MAILREC_SPF_LOOKUPS_MAX + 1);
	CHECK(o->void_lookups >= 0 && o->void_lookups <= o->lookups);
	CHECK(o->records >= 0 && o->records <= MAILREC_SPF_TXT_RECORDS);
	CHECK(ends(o->record, sizeof(o->record)) && lower_only(o->record));
	CHECK(o->records == 1 || o->record[0] == '\0');
	CHECK(ends(o->all, sizeof(o->all)));
	for (i = 0; i < sizeof(alls) / sizeof(alls[0]); i++)
		all_ok |= strcmp(o->all, alls[i]) == 0;
	CHECK(all_ok);
	if (o->lookups > MAILREC_SPF_LOOKUPS_MAX || o->void_lookups > MAILREC_SPF_VOID_MAX || o->records > 1)
		CHECK(o->permerror && o->problems.n > 0);
	check_problems(&o->problems);
	free(o);
}

static void
check_mail_uri(const char *uri)
{
	char dom[256], small[16];
	int rc = mailrec_uri_mail_domain(uri, dom, sizeof(dom));

	CHECK(rc == 0 || rc == -1);
	if (rc == 0)
		CHECK(dom[0] && strlen(dom) <= 253 && lower_only(dom) && !strchr(dom, '@'));
	if (mailrec_uri_mail_domain(uri, small, sizeof(small)) == 0)
		CHECK(rc == 0 && strcmp(small, dom) == 0);
}

static void
fuzz_dmarc(const char *text)
{
	struct mailrec_dmarc *d = xmalloc(sizeof(*d));
	char err[256];
	size_t i;
	int rc;

	memset(err, 0xff, sizeof(err));
	rc = mailrec_dmarc_parse(text, d, err, sizeof(err));
	check_err(rc, err, sizeof(err));
	if (rc == 0) {
		CHECK(strcmp(d->p, "none") == 0 || strcmp(d->p, "quarantine") == 0 || strcmp(d->p, "reject") == 0);
		CHECK(!d->sp[0] || strcmp(d->sp, "none") == 0 || strcmp(d->sp, "quarantine") == 0 ||
		      strcmp(d->sp, "reject") == 0);
		CHECK(d->pct >= 0 && d->pct <= 100);
		CHECK((d->adkim == 'r' || d->adkim == 's') && (d->aspf == 'r' || d->aspf == 's'));
		CHECK(d->nrua <= MAILREC_DMARC_URIS_MAX && d->nruf <= MAILREC_DMARC_URIS_MAX);
		for (i = 0; i < d->nrua + d->nruf; i++) {
			const char *u = i < d->nrua ? d->rua[i] : d->ruf[i - d->nrua];
			char dom[256];

			CHECK(ends(u, 256) && strchr(u, ':') && !strchr(u, ',') && !strchr(u, ';'));
			if (strncasecmp(u, "mailto:", 7) == 0)
				CHECK(mailrec_uri_mail_domain(u, dom, sizeof(dom)) == 0);
			check_mail_uri(u);
		}
	}
	check_mail_uri(text);
	free(d);
}

static void
fuzz_mta_sts_txt(const char *text)
{
	char id[33], err[256];
	size_t i;
	int rc;

	memset(err, 0xff, sizeof(err));
	memset(id, 0xff, sizeof(id));
	rc = mailrec_mta_sts_txt(text, id, sizeof(id), err, sizeof(err));
	check_err(rc, err, sizeof(err));
	CHECK(ends(id, sizeof(id)));
	if (rc == 0) {
		CHECK(id[0] && strncmp(text, "v=STSv1", 7) == 0);
		for (i = 0; id[i]; i++)
			CHECK((id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'z') ||
			      (id[i] >= 'A' && id[i] <= 'Z'));
	}
}

static void
fuzz_mta_sts_policy(const char *body, size_t len, const char *text)
{
	struct mailrec_mta_sts_policy *p = xmalloc(sizeof(*p));
	char err[256], host[260];
	size_t i;
	int rc;

	memset(err, 0xff, sizeof(err));
	rc = mailrec_mta_sts_policy(body, len, p, err, sizeof(err));
	check_err(rc, err, sizeof(err));
	if (rc == 0) {
		CHECK(p->version_ok);
		CHECK(strcmp(p->mode, "enforce") == 0 || strcmp(p->mode, "testing") == 0 ||
		      strcmp(p->mode, "none") == 0);
		CHECK(p->max_age >= 0 && p->max_age <= MAILREC_STS_MAX_AGE);
		CHECK(p->nmx <= MAILREC_STS_MX_MAX && (p->nmx > 0 || strcmp(p->mode, "none") == 0));
		for (i = 0; i < p->nmx; i++) {
			CHECK(ends(p->mx[i], sizeof(p->mx[i])) && p->mx[i][0] && lower_only(p->mx[i]));
			if (p->mx[i][0] == '*')
				snprintf(host, sizeof(host), "x%s.", p->mx[i] + 1);
			else
				snprintf(host, sizeof(host), "%s", p->mx[i]);
			CHECK(mailrec_mta_sts_mx_match(p, host));
		}
		(void)mailrec_mta_sts_mx_match(p, text);
	}
	free(p);
}

static void
fuzz_tlsrpt(const char *text)
{
	char rua[4][256], err[256];
	size_t n = 99, i;
	int rc;

	memset(err, 0xff, sizeof(err));
	rc = mailrec_tlsrpt(text, rua, 4, &n, err, sizeof(err));
	check_err(rc, err, sizeof(err));
	if (rc == 0) {
		CHECK(n >= 1 && n <= 4);
		for (i = 0; i < n; i++)
			CHECK(ends(rua[i], 256) &&
			      (strncasecmp(rua[i], "mailto:", 7) == 0 || strncasecmp(rua[i], "https://", 8) == 0));
	}
}

static void
fuzz_dkim(const char *text)
{
	struct mailrec_dkim d;
	char err[256];
	int rc;

	memset(err, 0xff, sizeof(err));
	rc = mailrec_dkim(text, &d, err, sizeof(err));
	check_err(rc, err, sizeof(err));
	if (rc == 0) {
		CHECK(strcmp(d.k, "rsa") == 0 || strcmp(d.k, "ed25519") == 0);
		CHECK(d.revoked ? d.bits == 0 : d.bits > 0);
		if (!d.revoked && d.k[0] == 'e')
			CHECK(d.bits == 256);
	}
}

static void
check_issuer(const char *value)
{
	char out[256];
	int rc = mailrec_caa_issuer(value, out, sizeof(out));

	CHECK(rc == 0 || rc == -1);
	if (rc == 0)
		CHECK(strlen(out) <= 253 && lower_only(out) && !strchr(out, ';') && !strchr(out, ' '));
}

static void
fuzz_caa(const uint8_t *rd, size_t len, const char *text)
{
	struct mailrec_caa c;
	char err[256];
	size_t i;
	int rc;

	memset(err, 0xff, sizeof(err));
	rc = mailrec_caa_rdata(rd, len, &c, err, sizeof(err));
	check_err(rc, err, sizeof(err));
	if (rc == 0) {
		CHECK(c.flags <= 255 && c.tag[0] && strlen(c.tag) <= 15 && lower_only(c.tag));
		CHECK(ends(c.value, sizeof(c.value)));
		for (i = 0; c.value[i]; i++)
			CHECK(c.value[i] >= 0x20 && c.value[i] <= 0x7e);
		CHECK(strlen(c.value) == (len - 2 - strlen(c.tag) > 255 ? 255 : len - 2 - strlen(c.tag)));
		check_issuer(c.value);
	}
	check_issuer(text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *in = data + 1;
	size_t len;
	char *text;

	if (size == 0)
		return 0;
	len = size - 1;
	text = xmalloc(len + 1);
	memcpy(text, in, len);
	text[len] = '\0';
	switch (data[0] % 8) {
	case 0: fuzz_spf_parse(text, strlen(text)); break;
	case 1: fuzz_spf_evaluate(text, len); break;
	case 2: fuzz_dmarc(text); break;
	case 3: fuzz_mta_sts_txt(text); break;
	case 4: fuzz_mta_sts_policy((const char *)in, len, text); break;
	case 5: fuzz_tlsrpt(text); break;
	case 6: fuzz_dkim(text); break;
	default: fuzz_caa(in, len, text); break;
	}
	free(text);
	return 0;
}
