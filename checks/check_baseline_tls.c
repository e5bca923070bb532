/*
 * check_baseline_tls: a TLS endpoint (HTTPS, or SMTP/IMAP/POP3 with
 * STARTTLS) against the baseline's TLS controls.
 *
 * The probe, under one deadline, in two rounds of handshakes that run side
 * by side in one poll() loop (each on its own connection):
 *   handshake  one probe per protocol: SSLv2 and SSLv3 with our own minimal
 *              ClientHello (common/tls_wire.c; OpenSSL 3 cannot speak them),
 *              TLS 1.0 to 1.3 through common/tls.c, pinned to that version;
 *              the TLS probes also collect and verify the certificate chain
 *   ciphers    for each accepted TLS version, the cipher suites the server
 *              accepts, enumerated the way sslscan and testssl.sh do: offer
 *              all, note the one chosen, offer the rest, until it refuses
 * Each handshake goes through connect, the STARTTLS prelude when asked
 * (common/starttls.c) and the handshake itself as phases of one state
 * machine, so connections and preludes overlap too. The name is resolved
 * once: the first connection (net_connect) finds the address, every other
 * connects to the same one.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "deadline.h"
#include "facts.h"
#include "net.h"
#include "opts.h"
#include "report.h"
#include "run.h"
#include "starttls.h"
#include "tls.h"
#include "tls_wire.h"
#include "tlsprobe.h"
#include "util.h"
#include "banned.h"

/*
 * A version's suites are enumerated in up to PARTS_MAX parts side by side,
 * each of at most about PART_SUITES suites dealt round-robin: whether a
 * server accepts a suite does not depend on what else is offered, so the
 * union of the parts is the whole answer, and the longest chain of
 * handshakes is a quarter as long for a server that accepts many.
 */
#define PARTS_MAX 4
#define PART_SUITES 24
#define PART_GROUPS 8

static const char description[] =
	"Checks a TLS endpoint against the TLS controls of the baseline: the protocol\n"
	"versions it accepts (SSLv2 to TLS 1.3, each probed on its own), the cipher suites\n"
	"it accepts for each version and their key exchange, and its certificate (chain,\n"
	"name, expiry, key, signatures, lifetime, OCSP stapling), compression and secure\n"
	"renegotiation. With --starttls it speaks SMTP, IMAP or POP3 first. Handshakes run\n"
	"side by side under one deadline.";

static const char help[] =
	" --sni=NAME\n"
	"    Server name to send (SNI) and to match the certificate against\n"
	"    (default: -H when it is a name; none for an address)\n"
	" --starttls=smtp|imap|pop3\n"
	"    Speak the protocol and upgrade with STARTTLS first (default port 25, 143, 110)\n"
	" --ca-file=FILE\n"
	"    Trust anchors for the chain (PEM); default: the system store\n";

enum { OPT_SNI = 1000, OPT_STARTTLS, OPT_CA_FILE };

struct tls_opts {
	const char *sni;
	const char *ca_file;
	bool starttls;
	enum starttls_proto starttls_proto;
};

static int
handle(int val, const char *arg, void *ctx, struct errmsg *e)
{
	struct tls_opts *t = ctx;

	switch (val) {
	case OPT_SNI:
		if (!*arg || strlen(arg) > 253) {
			errmsg_set(e, "invalid server name '%s'", arg);
			return -1;
		}
		t->sni = arg;
		return 0;
	case OPT_STARTTLS:
		if (starttls_proto_parse(arg, &t->starttls_proto) == -1) {
			errmsg_set(e, "invalid --starttls '%s' (smtp, imap or pop3)", arg);
			return -1;
		}
		t->starttls = true;
		return 0;
	case OPT_CA_FILE:
		t->ca_file = arg;
		return 0;
	}
	return -1;
}

/* Adds s to list (of n, at most max) unless it is there; the list keeps pointers. */
/* One run of the probe. */
struct probe {
	const struct opts *o;
	const struct tls_opts *t;
	struct report *r;
	struct deadline d;
	const char *name;		/* SNI and name to match, or NULL */
	struct tlsprobe tp;		/* the server, for the handshakes */
};

/* Runs jobs side by side: 0, or -1 with report_fatal() set. */
static int
run_jobs(struct probe *p, struct tlsprobe_job *jobs, size_t n, const char *stage)
{
	const char *st = stage, *job = "";
	bool timed_out;
	struct errmsg e;

	if (tlsprobe_run(&p->tp, jobs, n, stage, &timed_out, &st, &job, &e) == 0)
		return 0;
	if (timed_out)
		report_fatal(p->r, p->o->timeout_result, "timeout after %us in stage '%s' (%s)",
			     p->o->timeout, st, job);
	else
		report_fatal(p->r, STATE_UNKNOWN, "%s", e.msg);
	return -1;
}

static void
add_unique(const char **list, size_t *n, size_t max, const char *s)
{
	size_t i;

	if (!s || !*s)
		return;
	for (i = 0; i < *n; i++)
		if (strcmp(list[i], s) == 0)
			return;
	if (*n < max)
		list[(*n)++] = s;
}

/* Certificate facts from the handshake of the highest accepted version. */
static void
cert_facts(struct facts *f, const struct tls_result *res)
{
	const char *algs[TLS_CHAIN_MAX];
	const struct tls_cert *leaf = &res->chain[0];
	time_t now = time(NULL);
	size_t i, n = 0;

	if (res->nchain == 0) {
		static const char *const names[] = {
			"tls.cert_trusted", "tls.cert_verify_error", "tls.cert_name_match",
			"tls.cert_days_left", "tls.cert_not_yet_valid", "tls.cert_key_type",
			"tls.cert_key_bits", "tls.cert_curve", "tls.cert_sig_algs",
			"tls.cert_lifetime_days",
		};
		for (i = 0; i < NELEM(names); i++)
			facts_set_error(f, names[i], "the server sent no certificate");
		return;
	}
	facts_set_bool(f, "tls.cert_trusted", res->verified);
	facts_set_str(f, "tls.cert_verify_error", res->verify_error);
	facts_set_bool(f, "tls.cert_name_match", res->name_match);
	/* whole days left, rounded down: -1 once expired */
	facts_set_int(f, "tls.cert_days_left",
		      (long long)((leaf->not_after - now) >= 0 ? (leaf->not_after - now) / 86400
							     : -1 - (now - leaf->not_after) / 86400));
	facts_set_bool(f, "tls.cert_not_yet_valid", leaf->not_before > now);
	facts_set_str(f, "tls.cert_key_type", leaf->key_type);
	facts_set_int(f, "tls.cert_key_bits", leaf->key_bits);
	facts_set_str(f, "tls.cert_curve", leaf->curve);
	for (i = 0; i < res->nchain; i++)	/* leaf and intermediates; a root's own signature does not count */
		if (i == 0 || !res->chain[i].self_signed)
			add_unique(algs, &n, NELEM(algs), res->chain[i].sig_alg);
	facts_set_list(f, "tls.cert_sig_algs", algs, n);
	facts_set_int(f, "tls.cert_lifetime_days",
		      (long long)((leaf->not_after - leaf->not_before) / 86400));
}

/* Every fact a TLS handshake gives (all but tls.starttls*). */
static const char *const tls_facts[] = {
	"tls.protocols", "tls.ciphers", "tls.kx_groups", "tls.dhe_bits_min",
	"tls.compression", "tls.secure_renegotiation", "tls.ocsp_stapling",
	"tls.cert_trusted", "tls.cert_verify_error", "tls.cert_name_match",
	"tls.cert_days_left", "tls.cert_not_yet_valid", "tls.cert_key_type",
	"tls.cert_key_bits", "tls.cert_curve", "tls.cert_sig_algs", "tls.cert_lifetime_days",
};

/* Turns the rounds' outcomes into facts. -1 when there is nothing to evaluate. */
static int
make_facts(struct probe *p, struct facts *f, struct tlsprobe_job *proto, size_t nproto, struct tlsprobe_job *ciph,
	   size_t nciph)
{
	const char *protocols[8], *suites[TLSPROBE_SUITES_MAX * 4], *groups[TLSPROBE_SUITES_MAX * 4];
	const struct tls_result *best = NULL, *best12 = NULL;
	size_t np = 0, ns = 0, ng = 0, i, k, not_offered = 0;
	unsigned dh_min = 0;
	bool dhe = false, incomplete = false, groups_incomplete = false;
	const char *first_err = NULL;

	for (i = 0; i < nproto; i++) {
		if (proto[i].out == TLSPROBE_ACCEPTED)
			protocols[np++] = tlsprobe_job_name(&proto[i]);
		if (proto[i].out == TLSPROBE_FAILED && !first_err)
			first_err = proto[i].err;
		not_offered += proto[i].not_offered;
		if (proto[i].out == TLSPROBE_ACCEPTED && proto[i].kind == TLSPROBE_PROTO) {
			best = &proto[i].res;	/* jobs run from the oldest to the newest version */
			if (proto[i].v <= TLS_V12)
				best12 = &proto[i].res;
		}
	}
	if (p->t->starttls)
		facts_set_str(f, "tls.starttls", starttls_proto_name(p->t->starttls_proto));
	if (np == 0 && not_offered) {
		/*
		 * STARTTLS not offered. TLS-012 fails on that;
		 * the other controls had no TLS to look at, which is ERROR, not PASS.
		 */
		facts_set_bool(f, "tls.starttls_offered", false);
		for (i = 0; i < NELEM(tls_facts); i++)
			facts_set_error(f, tls_facts[i], "the server does not offer STARTTLS");
		return 0;
	}
	if (np == 0) {
		report_fatal(p->r, STATE_UNKNOWN, "no SSL or TLS handshake succeeded%s%s",
			     first_err ? ": " : "", first_err ? first_err : "");
		return -1;
	}
	if (p->t->starttls)
		facts_set_bool(f, "tls.starttls_offered", true);
	facts_set_list(f, "tls.protocols", protocols, np);

	for (i = 0; i < nciph; i++) {
		if (ciph[i].kind == TLSPROBE_GROUPS) {
			groups_incomplete |= ciph[i].incomplete || ciph[i].out == TLSPROBE_FAILED;
			for (k = 0; k < ciph[i].nsuites; k++)
				add_unique(groups, &ng, NELEM(groups), ciph[i].groups[k]);
			continue;
		}
		incomplete |= ciph[i].incomplete || ciph[i].out == TLSPROBE_FAILED;
		for (k = 0; k < ciph[i].nsuites; k++) {
			add_unique(suites, &ns, NELEM(suites), ciph[i].suites[k]);
			add_unique(groups, &ng, NELEM(groups), ciph[i].groups[k]);
			dhe |= strncmp(ciph[i].groups[k], "DH-", 3) == 0;
		}
		if (ciph[i].dh_bits_min && (dh_min == 0 || ciph[i].dh_bits_min < dh_min))
			dh_min = ciph[i].dh_bits_min;
	}
	if (incomplete)
		facts_set_error(f, "tls.ciphers", "cipher suite enumeration did not finish");
	else
		facts_set_list(f, "tls.ciphers", suites, ns);
	if (groups_incomplete)
		facts_set_error(f, "tls.kx_groups", "key exchange group enumeration did not finish");
	else
		facts_set_list(f, "tls.kx_groups", groups, ng);
	if (dhe)
		facts_set_int(f, "tls.dhe_bits_min", dh_min);

	if (!best) {	/* only SSLv2/SSLv3 answered */
		static const char *const names[] = { "tls.compression", "tls.secure_renegotiation",
						     "tls.ocsp_stapling" };
		for (i = 0; i < NELEM(names); i++)
			facts_set_error(f, names[i], "no TLS handshake succeeded");
		cert_facts(f, &(struct tls_result){ .nchain = 0 });
		return 0;
	}
	facts_set_bool(f, "tls.compression", best->compression);
	/* TLS 1.3 has no renegotiation: the highest version below it tells; TLS 1.3 alone is safe */
	facts_set_bool(f, "tls.secure_renegotiation", best12 ? best12->secure_renegotiation : true);
	facts_set_str(f, "tls.ocsp_stapling", best->ocsp);
	cert_facts(f, best);
	return 0;
}

static bool
is_address(const char *host)
{
	unsigned char buf[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, host, buf) == 1 || inet_pton(AF_INET6, host, buf) == 1;
}

/*
 * Deals names[0..n) round-robin to up to PARTS_MAX enumeration jobs of kind
 * and version v from jobs[0], each with about per_part names. Returns the
 * number of jobs used.
 */
static size_t
deal(struct tlsprobe_job *jobs, enum tlsprobe_kind kind, enum tls_version v, const char **names, size_t n,
     size_t per_part)
{
	size_t parts = (n + per_part - 1) / per_part, k;

	parts = parts < 1 ? 1 : parts > PARTS_MAX ? PARTS_MAX : parts;
	for (k = 0; k < parts; k++) {
		jobs[k].kind = kind;
		jobs[k].v = v;
	}
	for (k = 0; k < n; k++)
		jobs[k % parts].offer[jobs[k % parts].noffer++] = names[k];
	return parts;
}

/*
 * Resolves -H and connects once, under the deadline: an unreachable server
 * or a timeout ends the run here. Keeps the connection for the first job and
 * its address for every other. 0, or -1 with report_fatal() set.
 */
static int
first_connection(struct probe *p)
{
	enum net_status st;
	struct errmsg e;

	p->tp.spare_fd = -1;
	deadline_stage(&p->d, "connect");
	st = net_connect(p->o->host, p->o->port, &p->d, &p->tp.spare_fd, &e);
	if (st == NET_TIMEOUT) {
		report_fatal(p->r, p->o->timeout_result, "timeout after %us in stage 'connect'",
			     p->o->timeout);
		return -1;
	}
	if (st != NET_OK) {
		report_fatal(p->r, st == NET_UNREACHABLE ? p->o->unreachable_result : STATE_UNKNOWN,
			     "%s", e.msg);
		return -1;
	}
	p->tp.addrlen = sizeof(p->tp.addr);
	if (getpeername(p->tp.spare_fd, (struct sockaddr *)&p->tp.addr, &p->tp.addrlen) == -1) {
		report_fatal(p->r, STATE_UNKNOWN, "cannot read the server's address: %s",
			     strerror(errno));
		close(p->tp.spare_fd);
		p->tp.spare_fd = -1;
		return -1;
	}
	return 0;
}

/* All I/O. 0 with facts in f, or -1 with report_fatal() set. */
static int
probe(struct facts *f, const struct opts *o, const struct tls_opts *t, struct report *r)
{
	struct probe p = { .o = o, .t = t, .r = r };
	struct tlsprobe_job proto[2 + TLS_NVERSIONS], ciph[(TLS_NVERSIONS + 2) * PARTS_MAX];
	const char *all[TLSPROBE_SUITES_MAX];
	size_t nproto = 0, nciph = 0, i, nall;
	struct errmsg e;
	int rc = -1;

	memset(proto, 0, sizeof(proto));
	memset(ciph, 0, sizeof(ciph));
	for (i = 0; i < NELEM(proto); i++)
		proto[i].fd = -1;
	for (i = 0; i < NELEM(ciph); i++)
		ciph[i].fd = -1;
	deadline_start(&p.d, o->timeout);
	/* SNI: the name given, or -H when it is a name and not an address */
	p.name = t->sni ? t->sni : is_address(o->host) ? NULL : o->host;
	if (tls_trust_load(t->ca_file, &e) == -1) {
		report_fatal(r, STATE_UNKNOWN, "%s", e.msg);
		return -1;
	}
	if (first_connection(&p) == -1)
		return -1;
	p.tp.d = &p.d;
	p.tp.sni = p.name;
	p.tp.verify_name = p.name ? p.name : o->host;
	p.tp.ca_file = t->ca_file;
	p.tp.starttls = t->starttls;
	p.tp.proto = t->starttls_proto;

	proto[nproto].kind = TLSPROBE_RAW;
	proto[nproto++].raw = TLS_WIRE_SSL2;
	proto[nproto].kind = TLSPROBE_RAW;
	proto[nproto++].raw = TLS_WIRE_SSL3;
	for (i = 0; i < TLS_NVERSIONS; i++) {
		proto[nproto].kind = TLSPROBE_PROTO;
		proto[nproto++].v = (enum tls_version)i;
	}
	if (run_jobs(&p, proto, nproto, "handshake") == -1)
		goto out;

	for (i = 2; i < nproto; i++) {
		if (proto[i].out != TLSPROBE_ACCEPTED)
			continue;
		nall = tls_offerable_suites(proto[i].v, all, TLSPROBE_SUITES_MAX);
		nciph += deal(&ciph[nciph], TLSPROBE_CIPHERS, proto[i].v, all, nall, PART_SUITES);
		/* the curves: in TLS 1.3, and in 1.2 (which older versions share) */
		if (proto[i].v == TLS_V13 || proto[i].v == TLS_V12) {
			nall = tls_offerable_groups(proto[i].v, all, TLSPROBE_SUITES_MAX);
			nciph += deal(&ciph[nciph], TLSPROBE_GROUPS, proto[i].v, all, nall, PART_GROUPS);
		}
	}
	if (run_jobs(&p, ciph, nciph, "ciphers") == -1)
		goto out;
	rc = make_facts(&p, f, proto, nproto, ciph, nciph);
out:
	tlsprobe_jobs_release(proto, nproto);
	tlsprobe_jobs_release(ciph, nciph);
	if (p.tp.spare_fd != -1)
		close(p.tp.spare_fd);
	return rc;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "sni", required_argument, NULL, OPT_SNI },
		{ "starttls", required_argument, NULL, OPT_STARTTLS },
		{ "ca-file", required_argument, NULL, OPT_CA_FILE },
		{ NULL, 0, NULL, 0 },
	};
	struct tls_opts t = { 0 };
	const struct opts_ext ext = {
		.usage = "-H HOST [-p PORT] [--sni NAME] [--starttls PROTO] [--ca-file FILE]",
		.help = help,
		.description = description,
		.default_port = "443",
		.needs_host = true,
		.longopts = longopts,
		.handle = handle,
		.ctx = &t,
	};
	struct report r;
	struct opts o;
	struct run run;
	struct facts f;
	int rc;

	memset(&run, 0, sizeof(run));
	facts_init(&f);
	report_init(&r, "tls", "check_baseline_tls");
	if (opts_parse(&o, argc, argv, &ext, &r) == 0) {
		if (t.starttls && o.port == ext.default_port)	/* -p not given */
			o.port = starttls_default_port(t.starttls_proto);
		if (run_load(&run, &o, "tls", &r) == 0 && probe(&f, &o, &t, &r) == 0)
			run_evaluate(&run, &f, &r);
	}
	rc = run_finish(&run, &o, &r);
	facts_release(&f);
	return rc;
}
