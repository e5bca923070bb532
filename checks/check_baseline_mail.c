/*
 * check_baseline_mail: a mail domain, seen from the Internet, against the
 * baseline's DNS and e-mail controls (DNS-001 to DNS-010) and TLS-012 on
 * every MX.
 *
 * The probe, under one deadline:
 *   dns       one batch of questions: SPF, DMARC, MX, MTA-STS, TLS-RPT, DKIM,
 *             SOA (for the AD flag), CAA at the domain and every ancestor,
 *             the MTA-STS host's address
 *   dns2      the answers' follow-ups: DMARC at the organisational domain,
 *             the external report destinations' authorisations, each MX's
 *             addresses and TLSA records; SPF's includes as the policy is
 *             evaluated
 *   mta-sts   the HTTPS policy, with libcurl, the certificate verified
 *   starttls  on every MX: STARTTLS and the protocols it accepts, with the
 *             TLS check's engine (common/tlsprobe), and the certificate for DANE
 * Record parsing lives in common/mailrec.c; DNS transport in common/dns.c.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <curl/curl.h>
#include <libpsl.h>

#include "deadline.h"
#include "dns.h"
#include "facts.h"
#include "mailrec.h"
#include "opts.h"
#include "report.h"
#include "run.h"
#include "tlsprobe.h"
#include "util.h"
#include "banned.h"

#define SELECTORS_MAX 8
#define MX_MAX 8
#define ANCESTORS_MAX 10
#define POLICY_MAX (64 * 1024)
#define LIST_MAX 64

static const char description[] =
	"Checks a mail domain from the outside against the DNS and e-mail controls of the\n"
	"baseline: SPF (one record, at most 10 DNS lookups through include and redirect,\n"
	"the 'all' qualifier), DMARC (policy, with fallback to the organisational domain,\n"
	"and the authorisation of external report addresses), DKIM keys by selector,\n"
	"non-sending domains, DNSSEC (the AD flag of a validating resolver), MTA-STS (the\n"
	"TXT record and the HTTPS policy), TLS-RPT, DANE TLSA for each MX, CAA, and\n"
	"STARTTLS with TLS 1.2 or later on every MX (TLS-012). DNS goes to --dns-server,\n"
	"or to the first nameserver of /etc/resolv.conf, which must validate DNSSEC.";

static const char help[] =
	" -D, --domain=DOMAIN\n"
	"    The mail domain to check (required)\n"
	" --dns-server=ADDR[:PORT]\n"
	"    DNS server to ask, an address (IPv6 as [ADDR]:PORT); default: the first\n"
	"    nameserver in /etc/resolv.conf. It must validate DNSSEC for DNS-006 and DNS-009\n"
	" --dkim-selector=SELECTOR\n"
	"    A DKIM selector to test (repeat for more, at most 8); without one only the\n"
	"    existence of _domainkey.DOMAIN is tested\n"
	" --no-mail\n"
	"    The domain sends and receives no mail: test that it says so (DNS-005)\n"
	" --ca-file=FILE\n"
	"    Trust anchors (PEM) for the MTA-STS policy's HTTPS and the MX certificates;\n"
	"    default: the system store\n"
	" --smtp-port=PORT\n"
	"    Port of the MX servers (default 25; for test setups and port forwards)\n"
	" --mta-sts-port=PORT\n"
	"    Port of the MTA-STS policy host (default 443; for test setups)\n";

enum {
	OPT_DOMAIN = 'D', OPT_DNS = 1000, OPT_SELECTOR, OPT_NO_MAIL, OPT_CA_FILE, OPT_SMTP_PORT,
	OPT_STS_PORT,
};

struct mail_opts {
	char domain[254];
	bool have_domain;
	struct dns_server dns;
	bool have_dns;
	const char *selectors[SELECTORS_MAX];
	size_t nsel;
	bool no_mail;
	const char *ca_file;
	unsigned smtp_port, sts_port;
};

/* A domain name as DNS carries it: letters, digits, '-', '_', dots; lower-cased. */
static int
domain_parse(const char *arg, char *out, size_t cap)
{
	size_t n = strlen(arg), i, label = 0;

	if (n && arg[n - 1] == '.')
		n--;
	if (n == 0 || n > 253 || n >= cap)
		return -1;
	for (i = 0; i < n; i++) {
		char c = arg[i];

		if (c == '.') {
			if (label == 0)
				return -1;
			label = 0;
		} else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_') {
			label++;
		} else if (c >= 'A' && c <= 'Z') {
			c = (char)(c - 'A' + 'a');
			label++;
		} else {
			return -1;
		}
		if (label > 63)
			return -1;
		out[i] = c;
	}
	if (label == 0)
		return -1;
	out[n] = '\0';
	return 0;
}

static int
handle(int val, const char *arg, void *ctx, struct errmsg *e)
{
	struct mail_opts *m = ctx;
	unsigned long port;

	switch (val) {
	case OPT_DOMAIN:
		if (domain_parse(arg, m->domain, sizeof(m->domain)) == -1) {
			errmsg_set(e, "invalid domain '%s'", arg);
			return -1;
		}
		m->have_domain = true;
		return 0;
	case OPT_DNS:
		if (dns_server_parse(arg, &m->dns, e) == -1)
			return -1;
		m->have_dns = true;
		return 0;
	case OPT_SELECTOR: {
		char tmp[64];

		if (m->nsel == SELECTORS_MAX) {
			errmsg_set(e, "more than %d --dkim-selector options", SELECTORS_MAX);
			return -1;
		}
		if (strlen(arg) > 63 || domain_parse(arg, tmp, sizeof(tmp)) == -1) {
			errmsg_set(e, "invalid DKIM selector '%s'", arg);
			return -1;
		}
		m->selectors[m->nsel++] = arg;
		return 0;
	}
	case OPT_NO_MAIL:
		m->no_mail = true;
		return 0;
	case OPT_CA_FILE:
		m->ca_file = arg;
		return 0;
	case OPT_SMTP_PORT:
	case OPT_STS_PORT:
		if (parse_ulong(arg, 1, 65535, &port) == -1) {
			errmsg_set(e, "invalid %s '%s'", val == OPT_SMTP_PORT ? "--smtp-port" : "--mta-sts-port",
				   arg);
			return -1;
		}
		*(val == OPT_SMTP_PORT ? &m->smtp_port : &m->sts_port) = (unsigned)port;
		return 0;
	}
	return -1;
}

static int
finish(const struct opts *o, void *ctx, struct errmsg *e)
{
	const struct mail_opts *m = ctx;

	if (o->host || o->port) {
		errmsg_set(e, "%s is not used: give the mail domain with -D", o->host ? "-H" : "-p");
		return -1;
	}
	if (!m->have_domain) {
		errmsg_set(e, "-D DOMAIN is required");
		return -1;
	}
	return 0;
}

/* One MX host and what was found about it. */
struct mx {
	char name[DNS_NAME_MAX];
	unsigned pref;
	struct dns_query qa, qaaaa, qtlsa;
	char addr[64];			/* the address connected to, "" when none */
	bool probed;			/* the handshakes ran to their end */
	bool starttls;			/* offered */
	bool no_starttls;		/* a definite "not offered" */
	const char *protocols[8];
	size_t nproto;
	char err[ERRMSG_MAX];		/* why it could not be probed */
	struct tls_result cert;		/* a TLS 1.2/1.3 handshake's certificate */
	bool have_cert;
};

/* The batch of the first stage, by name. */
enum { Q_TXT, Q_DMARC, Q_MX, Q_STS, Q_RPT, Q_SOA, Q_STS_A, Q_STS_AAAA, Q_DKIM, Q_FIXED = Q_DKIM };

struct probe {
	const struct opts *o;
	const struct mail_opts *m;
	struct report *r;
	struct facts *f;
	struct deadline d;
	struct dns_server srv;
	const psl_ctx_t *psl;
	struct dns_query *q;		/* the first batch */
	size_t nq;
	size_t caa_first, ncaa;		/* CAA questions: domain, then ancestors */
	size_t nsel_q;			/* DKIM questions */
	struct mx mx[MX_MAX];
	size_t nmx;
	const char *mx_kind;
	char org[256];			/* the organisational domain */
};

static int
fail_timeout(struct probe *p, const char *stage, const char *what)
{
	report_fatal(p->r, p->o->timeout_result, "timeout after %us in stage '%s' (%s)",
		     p->o->timeout, stage, what);
	return -1;
}

/*
 * Runs a batch; a batch that ran out of time ends the run, and so does a
 * server that refuses every question (nothing answers DNS there).
 */
static int
ask(struct probe *p, struct dns_query *qs, size_t n, const char *stage)
{
	size_t i, refused = 0;

	if (n == 0)
		return 0;
	deadline_stage(&p->d, stage);
	dns_resolve(&p->srv, qs, n, &p->d);
	for (i = 0; i < n; i++) {
		if (qs[i].st == DNS_TIMEOUT && deadline_expired(&p->d))
			return fail_timeout(p, stage, qs[i].why);
		if (qs[i].st == DNS_BAD && strcmp(qs[i].why, "connection refused") == 0)
			refused++;
	}
	if (refused == n) {
		report_fatal(p->r, p->o->unreachable_result, "DNS server %s: connection refused",
			     p->srv.text);
		return -1;
	}
	return 0;
}

/* The reason a question has no usable answer, for a fact's error. */
static const char *
why(const struct dns_query *q)
{
	static char buf[DNS_NAME_MAX + 200];

	snprintf(buf, sizeof(buf), "%s %s: %s%s%s", q->name,
		 q->type == DNS_T_TXT ? "TXT" : q->type == DNS_T_MX ? "MX" :
		 q->type == DNS_T_CAA ? "CAA" : q->type == DNS_T_TLSA ? "TLSA" :
		 q->type == DNS_T_SOA ? "SOA" : "A/AAAA",
		 dns_status_name(q->st), q->why[0] ? ", " : "", q->why);
	return buf;
}

static bool
answered(const struct dns_query *q)
{
	return q->st == DNS_OK || q->st == DNS_NODATA || q->st == DNS_NXDOMAIN;
}

/*
 * The TXT records of q that start with `tag` (compared without case when
 * `nocase`), at most max, each malloc'd. Returns the count, or -1 when a
 * record is unreadable (too long, NUL): then *bad is set.
 */
static int
txt_with(const struct dns_query *q, const char *tag, bool nocase, char **out, size_t max)
{
	char *buf = xmalloc(MAILREC_TXT_MAX);
	size_t i, n = 0, tl = strlen(tag);

	for (i = 0; i < q->nrr; i++) {
		if (dns_rr_txt(&q->rr[i], buf, MAILREC_TXT_MAX) == -1) {
			while (n)
				free(out[--n]);
			free(buf);
			return -1;
		}
		if ((nocase ? strncasecmp(buf, tag, tl) : strncmp(buf, tag, tl)) != 0)
			continue;
		if (tl && buf[tl] != '\0' && buf[tl] != ' ' && buf[tl] != ';' && buf[tl] != '\t')
			continue;	/* "v=spf10" is not "v=spf1" */
		if (n < max)
			out[n] = xstrdup(buf);
		n++;
	}
	free(buf);
	return (int)n;
}

static void
free_strs(char **v, size_t n)
{
	while (n)
		free(v[--n]);
}

/* ---- SPF: TXT lookups for mailrec_spf_evaluate ---------------------------- */

static int
spf_txt(void *ctx, const char *name, char **out, size_t max, char *whybuf, size_t whylen)
{
	struct probe *p = ctx;
	struct dns_query one, *q = &one;
	char *buf;
	size_t i;
	int n = 0;

	if (strcasecmp(name, p->m->domain) == 0) {
		q = &p->q[Q_TXT];	/* asked already */
	} else {
		if (dns_query_init(&one, name, DNS_T_TXT) == -1) {
			snprintf(whybuf, whylen, "'%s' is not a domain name", name);
			return MAILREC_DNS_ERROR;
		}
		deadline_stage(&p->d, "dns2");
		dns_resolve(&p->srv, &one, 1, &p->d);
	}
	if (q->st == DNS_NXDOMAIN)
		n = MAILREC_DNS_NXDOMAIN;
	else if (q->st != DNS_OK && q->st != DNS_NODATA) {
		snprintf(whybuf, whylen, "%s", dns_status_name(q->st));
		n = MAILREC_DNS_ERROR;
	} else {
		buf = xmalloc(MAILREC_TXT_MAX);
		for (i = 0; i < q->nrr && (size_t)n < max; i++) {
			if (dns_rr_txt(&q->rr[i], buf, MAILREC_TXT_MAX) == -1) {
				snprintf(whybuf, whylen, "a TXT record longer than %d bytes or with a NUL byte",
					 MAILREC_TXT_MAX - 1);
				free_strs(out, (size_t)n);
				n = MAILREC_DNS_ERROR;
				break;
			}
			out[n++] = xstrdup(buf);
		}
		free(buf);
	}
	if (q == &one)
		dns_query_release(&one);
	return n;
}

static void
spf_facts(struct probe *p)
{
	struct mailrec_spf s;
	const struct dns_query *q = &p->q[Q_TXT];
	const char *items[MAILREC_PROBLEMS_MAX];
	size_t i;

	if (!answered(q)) {
		const char *w = why(q);

		facts_set_error(p->f, "mail.spf_records", "%s", w);
		facts_set_error(p->f, "mail.spf_record", "%s", w);
		facts_set_error(p->f, "mail.spf_lookups", "%s", w);
		facts_set_error(p->f, "mail.spf_all", "%s", w);
		facts_set_error(p->f, "mail.spf_problems", "%s", w);
		return;
	}
	memset(&s, 0, sizeof(s));
	mailrec_spf_evaluate(p->m->domain, spf_txt, p, &s);
	if (s.temperror && !s.permerror) {
		/* a lookup failed: the policy is not known, so not judged (RFC 7208 temperror) */
		const char *w = s.problems.n ? s.problems.v[0] : "a DNS lookup failed";

		facts_set_error(p->f, "mail.spf_records", "%s", w);
		facts_set_error(p->f, "mail.spf_record", "%s", w);
		facts_set_error(p->f, "mail.spf_lookups", "%s", w);
		facts_set_error(p->f, "mail.spf_all", "%s", w);
		facts_set_error(p->f, "mail.spf_problems", "%s", w);
		return;
	}
	facts_set_int(p->f, "mail.spf_records", s.records);
	facts_set_str(p->f, "mail.spf_record", s.record);
	facts_set_int(p->f, "mail.spf_lookups", s.lookups);
	facts_set_str(p->f, "mail.spf_all", s.all);
	for (i = 0; i < s.problems.n; i++)
		items[i] = s.problems.v[i];
	facts_set_list(p->f, "mail.spf_problems", items, s.problems.n);
}

/* ---- DMARC ---------------------------------------------------------------- */

/* The organisational domain of name (RFC 7489 §3.2), by the Public Suffix List. */
static void
org_domain(const struct probe *p, const char *name, char *out, size_t cap)
{
	const char *reg = p->psl ? psl_registrable_domain(p->psl, name) : NULL;

	snprintf(out, cap, "%s", reg ? reg : name);
}

static void
dmarc_error(struct probe *p, const char *w)
{
	static const char *const names[] = {
		"mail.dmarc_records", "mail.dmarc_policy", "mail.dmarc_sp", "mail.dmarc_pct",
		"mail.dmarc_domain", "mail.dmarc_rua_count", "mail.dmarc_unauthorized",
	};
	size_t i;

	for (i = 0; i < NELEM(names); i++)
		facts_set_error(p->f, names[i], "%s", w);
}

static int
dmarc_facts(struct probe *p)
{
	struct dns_query org, auth[16];
	struct mailrec_dmarc d;
	const struct dns_query *q = &p->q[Q_DMARC];
	const char *where = p->m->domain, *uris[16], *unauth[16];
	char *recs[4], err[ERRMSG_MAX], host[256], horg[256], *unauth_txt[16], *hosts[16];
	size_t i, nuri = 0, nauth = 0, nun = 0;
	int n;
	bool from_org = false;

	memset(&org, 0, sizeof(org));
	org.fd = -1;
	if (!answered(q)) {
		dmarc_error(p, why(q));
		return 0;
	}
	n = txt_with(q, "v=DMARC1", false, recs, NELEM(recs));
	if (n == 0 && strcmp(p->org, p->m->domain) != 0) {
		/* RFC 7489 §6.6.3: no record at the domain, so the organisational domain's */
		char name[DNS_NAME_MAX];

		snprintf(name, sizeof(name), "_dmarc.%s", p->org);
		if (dns_query_init(&org, name, DNS_T_TXT) == 0) {
			if (ask(p, &org, 1, "dns2") == -1) {
				dns_query_release(&org);
				return -1;
			}
			if (!answered(&org)) {
				dmarc_error(p, why(&org));
				dns_query_release(&org);
				return 0;
			}
			n = txt_with(&org, "v=DMARC1", false, recs, NELEM(recs));
			where = p->org;
			from_org = true;
		}
	}
	if (n < 0) {
		dmarc_error(p, "a DMARC TXT record longer than 4095 bytes or with a NUL byte");
		dns_query_release(&org);
		return 0;
	}
	facts_set_int(p->f, "mail.dmarc_records", n);
	facts_set_str(p->f, "mail.dmarc_domain", n ? where : "");
	memset(&d, 0, sizeof(d));
	d.pct = 100;
	if (n == 1 && mailrec_dmarc_parse(recs[0], &d, err, sizeof(err)) == -1) {
		report_note(p->r, "the DMARC record at _dmarc.%s is invalid: %s", where, err);
		n = -1;
	} else if (n > 1) {
		report_note(p->r, "_dmarc.%s has %d DMARC records: receivers ignore them all", where, n);
	}
	if (n != 1) {
		facts_set_str(p->f, "mail.dmarc_policy", "");
		facts_set_str(p->f, "mail.dmarc_sp", "");
		facts_set_int(p->f, "mail.dmarc_pct", 100);
		facts_set_int(p->f, "mail.dmarc_rua_count", 0);
		facts_set_list(p->f, "mail.dmarc_unauthorized", NULL, 0);
		free_strs(recs, n > 0 ? (size_t)n > NELEM(recs) ? NELEM(recs) : (size_t)n : 0);
		dns_query_release(&org);
		return 0;
	}
	free_strs(recs, 1);
	facts_set_str(p->f, "mail.dmarc_policy", from_org && d.sp[0] ? d.sp : d.p);
	facts_set_str(p->f, "mail.dmarc_sp", d.sp);
	facts_set_int(p->f, "mail.dmarc_pct", d.pct);
	facts_set_int(p->f, "mail.dmarc_rua_count", (long long)d.nrua);
	/* external destinations must authorise the domain (RFC 7489 §7.1) */
	for (i = 0; i < d.nrua && nuri < NELEM(uris); i++)
		uris[nuri++] = d.rua[i];
	for (i = 0; i < d.nruf && nuri < NELEM(uris); i++)
		uris[nuri++] = d.ruf[i];
	for (i = 0; i < nuri; i++) {
		char name[DNS_NAME_MAX];

		if (mailrec_uri_mail_domain(uris[i], host, sizeof(host)) == -1)
			continue;
		org_domain(p, host, horg, sizeof(horg));
		if (strcmp(horg, p->org) == 0)
			continue;
		snprintf(name, sizeof(name), "%s._report._dmarc.%s", where, host);
		if (dns_query_init(&auth[nauth], name, DNS_T_TXT) == 0)
			hosts[nauth++] = xstrdup(host);
	}
	if (ask(p, auth, nauth, "dns2") == -1) {
		for (i = 0; i < nauth; i++) {
			dns_query_release(&auth[i]);
			free(hosts[i]);
		}
		dns_query_release(&org);
		return -1;
	}
	for (i = 0; i < nauth; i++) {
		char *a[2];
		int k;

		if (!answered(&auth[i])) {
			/* cannot tell: the control is not evaluated */
			facts_set_error(p->f, "mail.dmarc_unauthorized", "%s", why(&auth[i]));
			nun = SIZE_MAX;
			break;
		}
		k = txt_with(&auth[i], "v=DMARC1", false, a, 2);
		if (k > 0)
			free_strs(a, (size_t)k > 2 ? 2 : (size_t)k);
		if (k <= 0) {
			unauth_txt[nun] = xasprintf("%s (no v=DMARC1 record at %s)", hosts[i],
						    auth[i].name);
			unauth[nun] = unauth_txt[nun];
			nun++;
		}
	}
	if (nun != SIZE_MAX) {
		facts_set_list(p->f, "mail.dmarc_unauthorized", unauth, nun);
		free_strs(unauth_txt, nun);
	}
	for (i = 0; i < nauth; i++) {
		dns_query_release(&auth[i]);
		free(hosts[i]);
	}
	dns_query_release(&org);
	return 0;
}

/* ---- DKIM ----------------------------------------------------------------- */

static void
dkim_facts(struct probe *p)
{
	char *probs[SELECTORS_MAX + 1], *recs[2], err[ERRMSG_MAX];
	size_t i, np = 0, rsa = 0;
	unsigned min_bits = 0;
	struct mailrec_dkim k;
	int n;

	facts_set_int(p->f, "mail.dkim_selectors", (long long)p->m->nsel);
	if (p->m->nsel == 0) {
		const struct dns_query *q = &p->q[Q_DKIM];

		if (!answered(q)) {
			facts_set_error(p->f, "mail.dkim_problems", "%s", why(q));
		} else if (q->st == DNS_NXDOMAIN) {
			const char *one = "_domainkey does not exist (NXDOMAIN): no DKIM key is published";

			facts_set_list(p->f, "mail.dkim_problems", &one, 1);
		} else {
			facts_set_list(p->f, "mail.dkim_problems", NULL, 0);
		}
		facts_set_int(p->f, "mail.dkim_rsa_keys", 0);
		facts_set_int(p->f, "mail.dkim_rsa_bits_min", 0);
		return;
	}
	for (i = 0; i < p->m->nsel; i++) {
		const struct dns_query *q = &p->q[Q_DKIM + i];
		const char *sel = p->m->selectors[i];

		if (!answered(q)) {
			facts_set_error(p->f, "mail.dkim_problems", "%s", why(q));
			free_strs(probs, np);
			return;
		}
		n = txt_with(q, "", false, recs, 2);
		if (n == 0) {
			probs[np++] = xasprintf("selector '%s': no key record", sel);
			continue;
		}
		if (n < 0) {
			probs[np++] = xasprintf("selector '%s': a record longer than %d bytes", sel,
						MAILREC_TXT_MAX - 1);
			continue;
		}
		if (n > 1)
			probs[np++] = xasprintf("selector '%s': %d records", sel, n);
		else if (mailrec_dkim(recs[0], &k, err, sizeof(err)) == -1)
			probs[np++] = xasprintf("selector '%s': %s", sel, err);
		else if (k.revoked)
			probs[np++] = xasprintf("selector '%s': key revoked (empty p=)", sel);
		else if (strcmp(k.k, "rsa") == 0) {
			rsa++;
			if (min_bits == 0 || k.bits < min_bits)
				min_bits = k.bits;
			report_note(p->r, "DKIM selector '%s': RSA key of %u bits", sel, k.bits);
		} else {
			report_note(p->r, "DKIM selector '%s': %s key", sel, k.k);
		}
		free_strs(recs, (size_t)n > 2 ? 2 : (size_t)n);
	}
	facts_set_list(p->f, "mail.dkim_problems", (const char *const *)probs, np);
	free_strs(probs, np);
	facts_set_int(p->f, "mail.dkim_rsa_keys", (long long)rsa);
	facts_set_int(p->f, "mail.dkim_rsa_bits_min", min_bits);
}

/* ---- MX ------------------------------------------------------------------- */

static int
mx_cmp(const void *a, const void *b)
{
	const struct mx *x = a, *y = b;

	if (x->pref != y->pref)
		return x->pref < y->pref ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* mx_kind and the MX hosts; -1 when the MX question has no answer. */
static int
mx_read(struct probe *p)
{
	const struct dns_query *q = &p->q[Q_MX];
	bool null_mx = false;
	size_t i;

	if (!answered(q)) {
		facts_set_error(p->f, "mail.mx_kind", "%s", why(q));
		facts_set_error(p->f, "mail.no_mail", "%s", why(q));
		/* without the MX hosts, TLS-012 cannot tell whether it applies */
		facts_set_error(p->f, "tls.starttls_offered", "MX: %s", why(q));
		facts_set_error(p->f, "tls.protocols", "MX: %s", why(q));
		return -1;
	}
	for (i = 0; i < q->nrr; i++) {
		struct mx *m = &p->mx[p->nmx];

		if (dns_rr_mx(&q->rr[i], &m->pref, m->name, sizeof(m->name)) == -1) {
			report_note(p->r, "an MX record of %s is malformed", p->m->domain);
			continue;
		}
		if (m->name[0] == '\0') {
			null_mx = true;
			continue;
		}
		if (p->nmx == MX_MAX) {
			report_note(p->r, "%s has more than %d MX hosts: the first %d are checked",
				    p->m->domain, MX_MAX, MX_MAX);
			break;
		}
		p->nmx++;
	}
	qsort(p->mx, p->nmx, sizeof(p->mx[0]), mx_cmp);
	if (null_mx && p->nmx)
		report_note(p->r, "%s has a null MX and other MX records (RFC 7505 allows only the null MX)",
			    p->m->domain);
	p->mx_kind = p->nmx ? "hosts" : null_mx ? "null" : "none";
	facts_set_str(p->f, "mail.mx_kind", p->mx_kind);
	facts_set_bool(p->f, "mail.no_mail", p->m->no_mail || (null_mx && !p->nmx));
	return 0;
}

/* ---- DNSSEC --------------------------------------------------------------- */

static void
dnssec_facts(struct probe *p)
{
	const struct dns_query *q = &p->q[Q_SOA];

	if (q->st == DNS_SERVFAIL)
		facts_set_str(p->f, "mail.dnssec", "bogus");
	else if (!answered(q))
		facts_set_error(p->f, "mail.dnssec", "%s", why(q));
	else
		facts_set_str(p->f, "mail.dnssec", q->ad ? "secure" : "insecure");
}

/* ---- CAA, with tree climbing (RFC 8659 §3) --------------------------------- */

static void
caa_facts(struct probe *p)
{
	struct mailrec_caa c;
	char err[ERRMSG_MAX], issuer[256], *iss[DNS_RR_MAX];
	size_t i, k, ni = 0;

	for (i = 0; i < p->ncaa; i++) {
		const struct dns_query *q = &p->q[p->caa_first + i];

		if (q->st == DNS_NXDOMAIN || q->st == DNS_NODATA)
			continue;
		if (q->st != DNS_OK) {
			facts_set_error(p->f, "mail.caa_records", "%s", why(q));
			facts_set_error(p->f, "mail.caa_issuers", "%s", why(q));
			facts_set_error(p->f, "mail.caa_domain", "%s", why(q));
			return;
		}
		for (k = 0; k < q->nrr; k++) {
			if (mailrec_caa_rdata(q->rr[k].rdata, q->rr[k].rdlen, &c, err, sizeof(err)) == -1) {
				report_note(p->r, "a CAA record of %s is malformed: %s", q->name, err);
				continue;
			}
			if (strcmp(c.tag, "issue") != 0 && strcmp(c.tag, "issuewild") != 0)
				continue;
			if (mailrec_caa_issuer(c.value, issuer, sizeof(issuer)) == -1) {
				report_note(p->r, "a CAA %s value of %s is malformed: '%s'", c.tag, q->name,
					    c.value);
				continue;
			}
			if (issuer[0])
				iss[ni++] = xstrdup(issuer);
		}
		facts_set_int(p->f, "mail.caa_records", (long long)q->nrr);
		facts_set_list(p->f, "mail.caa_issuers", (const char *const *)iss, ni);
		facts_set_str(p->f, "mail.caa_domain", q->name);
		free_strs(iss, ni);
		return;
	}
	facts_set_int(p->f, "mail.caa_records", 0);
	facts_set_list(p->f, "mail.caa_issuers", NULL, 0);
	facts_set_str(p->f, "mail.caa_domain", "");
}

/* ---- TLS-RPT -------------------------------------------------------------- */

static void
tlsrpt_facts(struct probe *p)
{
	const struct dns_query *q = &p->q[Q_RPT];
	char rua[8][256], err[ERRMSG_MAX], *recs[4];
	const char *prob = NULL;
	char buf[ERRMSG_MAX + 64];
	size_t nrua;
	int n;

	if (!answered(q)) {
		facts_set_error(p->f, "mail.tlsrpt_problems", "%s", why(q));
		return;
	}
	n = txt_with(q, "v=TLSRPTv1", false, recs, NELEM(recs));
	if (n < 0)
		prob = "a TXT record at _smtp._tls longer than 4095 bytes";
	else if (n == 0)
		prob = "no tls-rpt record at _smtp._tls";
	else if (n > 1)
		prob = "more than one tls-rpt record at _smtp._tls";
	else if (mailrec_tlsrpt(recs[0], rua, NELEM(rua), &nrua, err, sizeof(err)) == -1) {
		snprintf(buf, sizeof(buf), "invalid tls-rpt record: %s", err);
		prob = buf;
	}
	if (n > 0)
		free_strs(recs, (size_t)n > NELEM(recs) ? NELEM(recs) : (size_t)n);
	facts_set_list(p->f, "mail.tlsrpt_problems", prob ? &prob : NULL, prob ? 1 : 0);
}

/* ---- MTA-STS (RFC 8461) --------------------------------------------------- */

struct body {
	char *buf;
	size_t len;
	bool over;
};

static size_t
body_write(char *data, size_t size, size_t nmemb, void *ctx)
{
	struct body *b = ctx;
	size_t n = size * nmemb;

	if (b->len + n > POLICY_MAX) {
		b->over = true;
		return 0;	/* ends the transfer */
	}
	memcpy(b->buf + b->len, data, n);
	b->len += n;
	return n;
}

/*
 * Fetches https://mta-sts.DOMAIN/.well-known/mta-sts.txt into b, at the
 * address our DNS gave, the certificate verified, no redirect followed.
 * 0, 1 with a problem in prob, or -1 with report_fatal (deadline).
 */
static int
sts_fetch(struct probe *p, struct body *b, char *prob, size_t cap)
{
	char host[DNS_NAME_MAX + 16], url[DNS_NAME_MAX + 64], addr[64], resolve[DNS_NAME_MAX + 96];
	char cerr[CURL_ERROR_SIZE];
	const struct dns_query *qa = &p->q[Q_STS_A], *q6 = &p->q[Q_STS_AAAA];
	struct curl_slist *rl = NULL;
	const char *ctype = NULL;
	long status = 0;
	CURLcode rc;
	CURL *c;
	int ret = 0;

	snprintf(host, sizeof(host), "mta-sts.%s", p->m->domain);
	if (qa->st == DNS_OK && dns_rr_addr(&qa->rr[0], addr, sizeof(addr)) == 0)
		snprintf(resolve, sizeof(resolve), "%s:%u:%s", host, p->m->sts_port, addr);
	else if (q6->st == DNS_OK && dns_rr_addr(&q6->rr[0], addr, sizeof(addr)) == 0)
		snprintf(resolve, sizeof(resolve), "%s:%u:[%s]", host, p->m->sts_port, addr);
	else {
		snprintf(prob, cap, "the policy host %.300s has no address (%s)", host,
			 dns_status_name(qa->st == DNS_OK ? q6->st : qa->st));
		return 1;
	}
	if (p->m->sts_port == 443)
		snprintf(url, sizeof(url), "https://%s/.well-known/mta-sts.txt", host);
	else
		snprintf(url, sizeof(url), "https://%s:%u/.well-known/mta-sts.txt", host,
			 p->m->sts_port);
	deadline_stage(&p->d, "mta-sts");
	if (deadline_expired(&p->d))
		return fail_timeout(p, "mta-sts", "before the policy fetch");
	if (!(c = curl_easy_init())) {
		snprintf(prob, cap, "cannot start libcurl");
		return 1;
	}
	rl = curl_slist_append(rl, resolve);
	cerr[0] = '\0';
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_RESOLVE, rl);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(c, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	if (p->m->ca_file)
		curl_easy_setopt(c, CURLOPT_CAINFO, p->m->ca_file);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)deadline_remaining_ms(&p->d));
	curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)POLICY_MAX);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, body_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, b);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "cyberbaseline/" CB_VERSION " (check_baseline_mail)");
	rc = curl_easy_perform(c);
	if (rc == CURLE_OPERATION_TIMEDOUT) {
		ret = fail_timeout(p, "mta-sts", url);
	} else if (b->over || rc == CURLE_FILESIZE_EXCEEDED) {
		snprintf(prob, cap, "the policy at %.300s is larger than %d bytes", url, POLICY_MAX);
		ret = 1;
	} else if (rc != CURLE_OK) {
		snprintf(prob, cap, "cannot fetch the policy %.300s: %.200s", url, cerr[0] ? cerr :
			 curl_easy_strerror(rc));
		ret = 1;
	} else {
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
		curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ctype);
		if (status != 200) {
			snprintf(prob, cap, "the policy %.300s answers HTTP %ld (no redirect is followed)", url,
				 status);
			ret = 1;
		} else if (!ctype || strncasecmp(ctype, "text/plain", 10) != 0) {
			snprintf(prob, cap, "the policy %.300s has media type '%.40s', not text/plain", url,
				 ctype ? ctype : "");
			ret = 1;
		}
	}
	curl_easy_cleanup(c);
	curl_slist_free_all(rl);
	return ret;
}

static int
sts_facts(struct probe *p)
{
	const struct dns_query *q = &p->q[Q_STS];
	struct mailrec_mta_sts_policy pol;
	struct body b = { 0 };
	char *recs[4], id[64], err[ERRMSG_MAX], prob[DNS_NAME_MAX + 300];
	char *probs[MX_MAX + 2];
	size_t np = 0, i;
	int n, rc;

	facts_set_str(p->f, "mail.mta_sts_mode", "");
	facts_set_int(p->f, "mail.mta_sts_max_age", 0);
	if (!answered(q)) {
		facts_set_error(p->f, "mail.mta_sts_problems", "%s", why(q));
		return 0;
	}
	n = txt_with(q, "v=STSv1", false, recs, NELEM(recs));
	if (n != 1) {
		probs[np++] = xstrdup(n == 0 ? "no mta-sts record at _mta-sts" :
				      n < 0 ? "a TXT record at _mta-sts longer than 4095 bytes" :
				      "more than one mta-sts record at _mta-sts");
		goto out;
	}
	rc = mailrec_mta_sts_txt(recs[0], id, sizeof(id), err, sizeof(err));
	if (rc == -1) {
		probs[np++] = xasprintf("invalid mta-sts record: %s", err);
		goto out;
	}
	b.buf = xmalloc(POLICY_MAX);
	rc = sts_fetch(p, &b, prob, sizeof(prob));
	if (rc == -1) {
		free(b.buf);
		free_strs(recs, 1);
		return -1;
	}
	if (rc == 1) {
		probs[np++] = xstrdup(prob);
		goto out;
	}
	if (mailrec_mta_sts_policy(b.buf, b.len, &pol, err, sizeof(err)) == -1) {
		probs[np++] = xasprintf("invalid policy: %s", err);
		goto out;
	}
	facts_set_str(p->f, "mail.mta_sts_mode", pol.mode);
	facts_set_int(p->f, "mail.mta_sts_max_age", pol.max_age < 0 ? 0 : pol.max_age);
	for (i = 0; i < p->nmx && np < NELEM(probs); i++)
		if (!mailrec_mta_sts_mx_match(&pol, p->mx[i].name))
			probs[np++] = xasprintf("mx %s is not in the policy", p->mx[i].name);
out:
	if (n > 0)
		free_strs(recs, (size_t)n > NELEM(recs) ? NELEM(recs) : (size_t)n);
	free(b.buf);
	facts_set_list(p->f, "mail.mta_sts_problems", (const char *const *)probs, np);
	free_strs(probs, np);
	return 0;
}

/* ---- every MX: STARTTLS, protocols, certificate (TLS-012, DANE) ------------ */

static int
mx_probe(struct probe *p, struct mx *m)
{
	struct tlsprobe tp;
	struct tlsprobe_job jobs[2 + TLS_NVERSIONS];
	const char *st, *jn;
	struct errmsg e;
	bool timed_out;
	size_t i, nj = 0, failed = 0;
	int rc;

	memset(&tp, 0, sizeof(tp));
	memset(jobs, 0, sizeof(jobs));
	if (m->qa.st == DNS_OK && dns_rr_addr(&m->qa.rr[0], m->addr, sizeof(m->addr)) == 0) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&tp.addr;

		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)p->m->smtp_port);
		memcpy(&s4->sin_addr, m->qa.rr[0].rdata, 4);
		tp.addrlen = sizeof(*s4);
	} else if (m->qaaaa.st == DNS_OK &&
		   dns_rr_addr(&m->qaaaa.rr[0], m->addr, sizeof(m->addr)) == 0) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&tp.addr;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)p->m->smtp_port);
		memcpy(&s6->sin6_addr, m->qaaaa.rr[0].rdata, 16);
		tp.addrlen = sizeof(*s6);
	} else {
		snprintf(m->err, sizeof(m->err), "no address (A %s, AAAA %s)",
			 dns_status_name(m->qa.st), dns_status_name(m->qaaaa.st));
		return 0;
	}
	tp.d = &p->d;
	tp.sni = m->name;
	tp.verify_name = m->name;
	tp.ca_file = p->m->ca_file;
	tp.starttls = true;
	tp.proto = STARTTLS_SMTP;
	tp.spare_fd = -1;
	jobs[nj].kind = TLSPROBE_RAW;
	jobs[nj++].raw = TLS_WIRE_SSL2;
	jobs[nj].kind = TLSPROBE_RAW;
	jobs[nj++].raw = TLS_WIRE_SSL3;
	for (i = 0; i < TLS_NVERSIONS; i++) {
		jobs[nj].kind = TLSPROBE_PROTO;
		jobs[nj++].v = (enum tls_version)i;
	}
	for (i = 0; i < nj; i++)
		jobs[i].fd = -1;
	rc = tlsprobe_run(&tp, jobs, nj, "starttls", &timed_out, &st, &jn, &e);
	if (rc == -1) {
		if (timed_out)
			report_fatal(p->r, p->o->timeout_result,
				     "timeout after %us in stage '%s' (MX %s, %s)", p->o->timeout, st,
				     m->name, jn);
		else
			report_fatal(p->r, STATE_UNKNOWN, "%s", e.msg);
		tlsprobe_jobs_release(jobs, nj);
		return -1;
	}
	for (i = 0; i < nj; i++) {
		const struct tlsprobe_job *j = &jobs[i];

		if (j->not_offered)
			m->no_starttls = true;
		if (j->out == TLSPROBE_ACCEPTED) {
			m->starttls = true;
			m->protocols[m->nproto++] = tlsprobe_job_name(j);
			if (j->kind == TLSPROBE_PROTO && j->v >= TLS_V12 && !m->have_cert) {
				m->cert = j->res;
				m->have_cert = true;
			}
		} else if (j->out == TLSPROBE_FAILED) {
			failed++;
			if (!m->err[0])
				snprintf(m->err, sizeof(m->err), "%s: %s", tlsprobe_job_name(j), j->err);
		}
	}
	/* a server that failed every probe (refused, reset, garbage) was not measured */
	m->probed = m->starttls || m->no_starttls || failed < nj;
	tlsprobe_jobs_release(jobs, nj);
	return 0;
}

static void
tls012_facts(struct probe *p)
{
	const char *protos[8];
	size_t i, k, np = 0;
	bool all_offered = true, any_no = false;
	const char *unmeasured = NULL;
	struct sbuf sb;

	for (i = 0; i < p->nmx; i++) {
		struct mx *m = &p->mx[i];

		sbuf_init(&sb, 1024);
		if (!m->probed) {
			unmeasured = m->name;
			sbuf_addf(&sb, "MX %s: not measured: %s", m->name, m->err);
		} else if (m->no_starttls) {
			any_no = true;
			sbuf_addf(&sb, "MX %s (%s): STARTTLS is not offered", m->name, m->addr);
		} else {
			sbuf_addf(&sb, "MX %s (%s): STARTTLS offered;", m->name, m->addr);
			for (k = 0; k < m->nproto; k++)
				sbuf_addf(&sb, " %s", m->protocols[k]);
		}
		report_note(p->r, "%s", sbuf_str(&sb));
		sbuf_release(&sb);
		if (!m->starttls)
			all_offered = false;
		for (k = 0; k < m->nproto; k++) {
			size_t x;

			for (x = 0; x < np && strcmp(protos[x], m->protocols[k]) != 0; x++)
				;
			if (x == np && np < NELEM(protos))
				protos[np++] = m->protocols[k];
		}
	}
	if (any_no)
		facts_set_bool(p->f, "tls.starttls_offered", false);
	else if (unmeasured)
		facts_set_error(p->f, "tls.starttls_offered", "MX %s was not measured", unmeasured);
	else
		facts_set_bool(p->f, "tls.starttls_offered", all_offered);
	if (unmeasured)
		facts_set_error(p->f, "tls.protocols", "MX %s was not measured", unmeasured);
	else
		facts_set_list(p->f, "tls.protocols", protos, np);
}

/* Does the TLSA record (usage 2 or 3) match the certificate chain? */
static bool
tlsa_matches(const struct tls_result *res, unsigned usage, unsigned sel, unsigned mt,
	     const uint8_t *data, size_t len)
{
	size_t i, from = usage == 3 ? 0 : 0, to = usage == 3 ? 1 : res->nchain;

	for (i = from; i < to && i < res->nchain; i++) {
		const struct tls_cert *c = &res->chain[i];
		const unsigned char *d;
		size_t dl = mt == 1 ? 32 : 64;

		if (!c->have_digests || len != dl)
			continue;
		d = sel == 0 ? (mt == 1 ? c->cert_sha256 : c->cert_sha512)
			     : (mt == 1 ? c->spki_sha256 : c->spki_sha512);
		if (memcmp(d, data, dl) == 0)
			return true;
	}
	return false;
}

static void
dane_facts(struct probe *p)
{
	char *probs[MX_MAX * 2];
	size_t i, k, np = 0;

	for (i = 0; i < p->nmx && np < NELEM(probs); i++) {
		struct mx *m = &p->mx[i];
		const struct dns_query *q = &m->qtlsa;
		size_t usable = 0;
		bool match = false;

		if (q->st == DNS_NXDOMAIN || q->st == DNS_NODATA) {
			probs[np++] = xasprintf("mx %s: no tlsa record at %s", m->name, q->name);
			continue;
		}
		if (q->st != DNS_OK) {
			facts_set_error(p->f, "mail.dane_problems", "%s", why(q));
			free_strs(probs, np);
			return;
		}
		if (!q->ad) {
			probs[np++] = xasprintf("mx %s: the tlsa records are not dnssec-validated",
						m->name);
			continue;
		}
		for (k = 0; k < q->nrr; k++) {
			unsigned usage, sel, mt;
			const uint8_t *data;
			size_t len;

			if (dns_rr_tlsa(&q->rr[k], &usage, &sel, &mt, &data, &len) == -1)
				continue;
			/* RFC 7672 §3.1.3: only DANE-TA(2) and DANE-EE(3) are usable for SMTP */
			if ((usage != 2 && usage != 3) || sel > 1 || (mt != 1 && mt != 2))
				continue;
			usable++;
			if (m->have_cert && tlsa_matches(&m->cert, usage, sel, mt, data, len))
				match = true;
		}
		if (usable == 0)
			probs[np++] = xasprintf("mx %s: no usable tlsa record (usage 2 or 3, sha2-256 or sha2-512)",
						m->name);
		else if (!m->have_cert) {
			facts_set_error(p->f, "mail.dane_problems",
					"mx %s: no TLS 1.2 or 1.3 handshake to compare the TLSA records with",
					m->name);
			free_strs(probs, np);
			return;
		} else if (!match)
			probs[np++] = xasprintf("mx %s: no tlsa record matches the certificate", m->name);
	}
	facts_set_list(p->f, "mail.dane_problems", (const char *const *)probs, np);
	free_strs(probs, np);
}

/* ---- the probe ------------------------------------------------------------ */

static int
first_batch(struct probe *p)
{
	const char *d = p->m->domain, *a;
	char name[DNS_NAME_MAX + 80];
	size_t i, n = 0;

	p->q = xmalloc((Q_FIXED + SELECTORS_MAX + 1 + ANCESTORS_MAX) * sizeof(*p->q));
#define Q(idx, fmt, arg, type)                                                                  \
	do {                                                                                    \
		snprintf(name, sizeof(name), fmt, arg);                                         \
		if (dns_query_init(&p->q[idx], name, type) == -1) {                             \
			report_fatal(p->r, STATE_UNKNOWN, "domain '%s' is too long", d);        \
			return -1;                                                              \
		}                                                                               \
		n++;                                                                            \
	} while (0)
	Q(Q_TXT, "%s", d, DNS_T_TXT);
	Q(Q_DMARC, "_dmarc.%s", d, DNS_T_TXT);
	Q(Q_MX, "%s", d, DNS_T_MX);
	Q(Q_STS, "_mta-sts.%s", d, DNS_T_TXT);
	Q(Q_RPT, "_smtp._tls.%s", d, DNS_T_TXT);
	Q(Q_SOA, "%s", d, DNS_T_SOA);
	Q(Q_STS_A, "mta-sts.%s", d, DNS_T_A);
	Q(Q_STS_AAAA, "mta-sts.%s", d, DNS_T_AAAA);
	if (p->m->nsel == 0)
		Q(Q_DKIM, "_domainkey.%s", d, DNS_T_TXT);
	for (i = 0; i < p->m->nsel; i++) {
		char sel[DNS_NAME_MAX + 80];

		snprintf(sel, sizeof(sel), "%s._domainkey.%s", p->m->selectors[i], d);
		Q(Q_DKIM + i, "%s", sel, DNS_T_TXT);
	}
	p->nsel_q = n - Q_FIXED;
	p->caa_first = n;
	for (a = d; a && *a && p->ncaa < ANCESTORS_MAX; p->ncaa++) {
		Q(n, "%s", a, DNS_T_CAA);
		a = strchr(a, '.');
		if (a)
			a++;
	}
#undef Q
	p->nq = n;
	return ask(p, p->q, p->nq, "dns");
}

static int
mx_batch(struct probe *p)
{
	struct dns_query *qs[MX_MAX * 3];
	struct dns_query *flat;
	char name[DNS_NAME_MAX + 16];
	size_t i, n = 0;
	int rc;

	for (i = 0; i < p->nmx; i++) {
		struct mx *m = &p->mx[i];

		snprintf(name, sizeof(name), "_25._tcp.%s", m->name);
		if (dns_query_init(&m->qa, m->name, DNS_T_A) == -1 ||
		    dns_query_init(&m->qaaaa, m->name, DNS_T_AAAA) == -1 ||
		    dns_query_init(&m->qtlsa, name, DNS_T_TLSA) == -1) {
			report_fatal(p->r, STATE_UNKNOWN, "MX name '%s' is too long", m->name);
			return -1;
		}
		qs[n++] = &m->qa;
		qs[n++] = &m->qaaaa;
		qs[n++] = &m->qtlsa;
	}
	if (n == 0)
		return 0;
	/* dns_resolve takes an array: ask a copy, then hand the answers back */
	flat = xmalloc(n * sizeof(*flat));
	for (i = 0; i < n; i++)
		flat[i] = *qs[i];
	rc = ask(p, flat, n, "dns2");
	for (i = 0; i < n; i++) {
		*qs[i] = flat[i];
		/* the records point into the answer message, which moved with the struct: fix */
		{
			size_t k;

			for (k = 0; k < qs[i]->nrr; k++)
				qs[i]->rr[k].msg = qs[i]->msg;
		}
	}
	free(flat);
	return rc;
}

/* All I/O. 0 with facts in f, or -1 with report_fatal() set. */
static int
probe(struct facts *f, const struct opts *o, const struct mail_opts *m, struct report *r)
{
	struct probe p = { .o = o, .m = m, .r = r, .f = f };
	struct errmsg e;
	size_t i;
	int rc = -1;

	deadline_start(&p.d, o->timeout);
	if (m->have_dns) {
		p.srv = m->dns;
	} else if (dns_server_system(&p.srv, &e) == -1) {
		report_fatal(r, STATE_UNKNOWN, "%s", e.msg);
		return -1;
	}
	if (tls_trust_load(m->ca_file, &e) == -1) {
		report_fatal(r, STATE_UNKNOWN, "%s", e.msg);
		return -1;
	}
	p.psl = psl_builtin();
	org_domain(&p, m->domain, p.org, sizeof(p.org));
	if (first_batch(&p) == -1)
		goto out;
	mx_read(&p);
	if (mx_batch(&p) == -1)
		goto out;
	spf_facts(&p);
	if (dmarc_facts(&p) == -1)
		goto out;
	dkim_facts(&p);
	dnssec_facts(&p);
	caa_facts(&p);
	if (p.mx_kind && strcmp(p.mx_kind, "hosts") == 0) {
		tlsrpt_facts(&p);
		if (sts_facts(&p) == -1)
			goto out;
		for (i = 0; i < p.nmx; i++)
			if (mx_probe(&p, &p.mx[i]) == -1)
				goto out;
		tls012_facts(&p);
		dane_facts(&p);
	}
	rc = 0;
out:
	for (i = 0; i < p.nq; i++)
		dns_query_release(&p.q[i]);
	free(p.q);
	for (i = 0; i < p.nmx; i++) {
		dns_query_release(&p.mx[i].qa);
		dns_query_release(&p.mx[i].qaaaa);
		dns_query_release(&p.mx[i].qtlsa);
	}
	return rc;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "domain", required_argument, NULL, OPT_DOMAIN },
		{ "dns-server", required_argument, NULL, OPT_DNS },
		{ "dkim-selector", required_argument, NULL, OPT_SELECTOR },
		{ "no-mail", no_argument, NULL, OPT_NO_MAIL },
		{ "ca-file", required_argument, NULL, OPT_CA_FILE },
		{ "smtp-port", required_argument, NULL, OPT_SMTP_PORT },
		{ "mta-sts-port", required_argument, NULL, OPT_STS_PORT },
		{ NULL, 0, NULL, 0 },
	};
	struct mail_opts m = { .smtp_port = 25, .sts_port = 443 };
	const struct opts_ext ext = {
		.usage = "-D DOMAIN [--dns-server ADDR[:PORT]] [--dkim-selector S]... [--no-mail]",
		.help = help,
		.description = description,
		.default_port = NULL,
		.needs_host = false,
		.no_host = true,
		.shortopts = "D:",
		.longopts = longopts,
		.handle = handle,
		.finish = finish,
		.ctx = &m,
	};
	struct report r;
	struct opts o;
	struct run run;
	struct facts f;
	int rc;

	memset(&run, 0, sizeof(run));
	facts_init(&f);
	report_init(&r, "mail", "check_baseline_mail");
	if (opts_parse(&o, argc, argv, &ext, &r) == 0) {
		o.host = m.domain;
		curl_global_init(CURL_GLOBAL_DEFAULT);
		if (run_load(&run, &o, "mail", &r) == 0 && probe(&f, &o, &m, &r) == 0)
			run_evaluate(&run, &f, &r);
		curl_global_cleanup();
	}
	rc = run_finish(&run, &o, &r);
	facts_release(&f);
	return rc;
}
