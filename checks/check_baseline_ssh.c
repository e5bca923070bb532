/*
 * check_baseline_ssh: an SSH server, seen from the network, against the
 * baseline's SSH controls. It never logs in.
 *
 * The probe, under one deadline:
 *   connect, banner  our own TCP connection: the identification string
 *   kexinit          the server's KEXINIT (sent in clear): algorithm lists
 *   hostkey          libssh, one key exchange per host key family offered,
 *                    to measure each host key: all at once, one thread each
 *                    (sshd's fork per connection and its host key signature
 *                    are the wall time; our CPU is a few milliseconds)
 *   auth             libssh, "none" authentication for a random user name
 *                    on the first session whose key exchange succeeded (a
 *                    connection of its own only when there is none): the
 *                    methods the server offers
 * So against a server with an Ed25519 and an RSA host key: three connections,
 * the last two side by side.
 * Parsing lives in common/ssh_wire.c; this file does the I/O.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <libssh/callbacks.h>
#include <libssh/libssh.h>

#include "deadline.h"
#include "facts.h"
#include "net.h"
#include "opts.h"
#include "report.h"
#include "run.h"
#include "ssh_wire.h"
#include "util.h"
#include "banned.h"

#define OUR_IDENT "SSH-2.0-cyberbaseline_" CB_VERSION "\r\n"
#define IDENT_READ_MAX (SSH_PREBANNER_BYTES_MAX + SSH_IDENT_MAX)
#define READ_BUF_MAX (IDENT_READ_MAX + SSH_PACKET_MAX)
#define B64_MAX (64 * 1024)	/* a 16384-bit RSA key is about 2.8 KB of base64 */
/*
 * libssh times out on its own, a few milliseconds before our deadline, since
 * we hand it the time that is left: a failure this close to the end is ours.
 */
#define LIBSSH_SLACK_MS 100

static const char description[] =
	"Checks an SSH server from the network against the SSH controls of the baseline:\n"
	"the protocol and software version (identification string), the key exchange,\n"
	"cipher, MAC and host key algorithms (the server's KEXINIT), the size of each host\n"
	"key (one key exchange per key type, side by side) and the login methods offered\n"
	"(an authentication request with method 'none' for a random user name, on the\n"
	"first of those connections). It never logs in and needs no account.";

/* One run of the probe: where facts, failures and the deadline go. */
struct probe {
	const struct opts *o;
	struct report *r;
	struct facts *f;
	struct deadline d;
	unsigned port;
	int fd;
	uint8_t *buf;		/* bytes read and not yet consumed */
	size_t len;
};

static int
fail_timeout(struct probe *p, const char *doing)
{
	report_fatal(p->r, p->o->timeout_result, "timeout after %us in stage '%s' (%s)",
		     p->o->timeout, p->d.stage, doing);
	return -1;
}

/* Reads more into p->buf, at most up to `cap` bytes in all. */
static int
read_more(struct probe *p, size_t cap, const char *waiting_for)
{
	enum net_status st;
	size_t got;
	char why[128];

	if (p->len >= cap) {
		report_fatal(p->r, STATE_UNKNOWN, "no %s in the first %zu bytes", waiting_for, cap);
		return -1;
	}
	st = net_read(p->fd, p->buf + p->len, cap - p->len, &got, &p->d);
	switch (st) {
	case NET_OK:
		p->len += got;
		return 0;
	case NET_TIMEOUT:
		snprintf(why, sizeof(why), "waiting for the server's %s", waiting_for);
		return fail_timeout(p, why);
	case NET_CLOSED:
		if (p->len)
			report_fatal(p->r, STATE_UNKNOWN,
				     "connection closed by the server after %zu bytes, before its %s",
				     p->len, waiting_for);
		else
			report_fatal(p->r, STATE_UNKNOWN,
				     "connection closed by the server before its %s", waiting_for);
		return -1;
	default:
		snprintf(why, sizeof(why), "%s", strerror(errno));
		if (why[0] >= 'A' && why[0] <= 'Z')
			why[0] = (char)(why[0] - 'A' + 'a');
		report_fatal(p->r, STATE_UNKNOWN, "cannot read from the server: %s", why);
		return -1;
	}
}

static void
consume(struct probe *p, size_t n)
{
	memmove(p->buf, p->buf + n, p->len - n);
	p->len -= n;
}

static void
set_list(struct facts *f, const char *name, const struct ssh_namelist *nl)
{
	facts_set_list(f, name, (const char *const *)nl->names, nl->n);
}

/* The KEXINIT facts, as errors when the server does not speak SSH 2. */
static const struct {
	const char *fact;
	enum ssh_kex_list list;
} kex_facts[] = {
	{ "ssh.kex", SSH_KEX_ALGS },		{ "ssh.hostkey_algorithms", SSH_HOSTKEY_ALGS },
	{ "ssh.ciphers", SSH_ENC_S2C },		{ "ssh.ciphers_c2s", SSH_ENC_C2S },
	{ "ssh.macs", SSH_MAC_S2C },		{ "ssh.macs_c2s", SSH_MAC_C2S },
	{ "ssh.compression", SSH_COMP_S2C },
};
static const char *const later_facts[] = { "ssh.hostkeys", "ssh.hostkey_rsa_bits",
					   "ssh.auth_methods" };

/*
 * Stages connect, banner and kexinit on our own connection. Returns 1 when
 * the server speaks SSH 2 (KEXINIT in *k), 0 when it speaks another protocol
 * (facts set as errors), -1 when the run ends (report_fatal set).
 */
static int
probe_transport(struct probe *p, struct ssh_kexinit *k)
{
	struct ssh_ident id;
	struct errmsg e;
	enum ssh_wire_status ws;
	enum net_status st;
	const uint8_t *payload;
	size_t used, plen;
	char msg[256];
	size_t i;

	deadline_stage(&p->d, "connect");
	st = net_connect(p->o->host, p->o->port, &p->d, &p->fd, &e);
	if (st == NET_TIMEOUT)
		return fail_timeout(p, "connecting");
	if (st != NET_OK) {
		report_fatal(p->r, st == NET_UNREACHABLE ? p->o->unreachable_result : STATE_UNKNOWN,
			     "%s", e.msg);
		return -1;
	}

	deadline_stage(&p->d, "banner");
	while ((ws = ssh_ident_parse(p->buf, p->len, &id, &used, msg, sizeof(msg))) ==
	       SSH_WIRE_NEED_MORE)
		if (read_more(p, IDENT_READ_MAX, "SSH identification string") == -1)
			return -1;
	if (ws == SSH_WIRE_BAD) {
		report_fatal(p->r, STATE_UNKNOWN, "%s", msg);
		return -1;
	}
	consume(p, used);
	facts_set_str(p->f, "ssh.protocol", id.proto);
	facts_set_str(p->f, "ssh.software", id.software);
	if (id.comment[0]) {
		char *v = xasprintf("%s %s", id.software, id.comment);

		facts_set_str(p->f, "ssh.version", v);
		free(v);
	} else {
		facts_set_str(p->f, "ssh.version", id.software);
	}
	if (strcmp(id.proto, "2.0") != 0 && strcmp(id.proto, "1.99") != 0) {
		for (i = 0; i < NELEM(kex_facts); i++)
			facts_set_error(p->f, kex_facts[i].fact, "server speaks SSH protocol %s",
					id.proto);
		for (i = 0; i < NELEM(later_facts); i++)
			facts_set_error(p->f, later_facts[i], "server speaks SSH protocol %s",
					id.proto);
		return 0;
	}
	st = net_write_all(p->fd, OUR_IDENT, strlen(OUR_IDENT), &p->d);
	if (st == NET_TIMEOUT)
		return fail_timeout(p, "sending our identification string");
	if (st != NET_OK) {
		report_fatal(p->r, STATE_UNKNOWN, "%s after the server's identification string",
			     st == NET_CLOSED ? "connection closed by the server"
					      : "cannot send our identification string");
		return -1;
	}

	deadline_stage(&p->d, "kexinit");
	while ((ws = ssh_packet_frame(p->buf, p->len, &payload, &plen, &used, msg, sizeof(msg))) ==
	       SSH_WIRE_NEED_MORE)
		if (read_more(p, SSH_PACKET_MAX, "KEXINIT") == -1)
			return -1;
	if (ws == SSH_WIRE_BAD ||
	    ssh_kexinit_parse(payload, plen, k, msg, sizeof(msg)) != SSH_WIRE_OK) {
		report_fatal(p->r, STATE_UNKNOWN, "no valid KEXINIT after the identification "
			     "string '%s': %s", id.line, msg);
		return -1;
	}
	for (i = 0; i < NELEM(kex_facts); i++)
		set_list(p->f, kex_facts[i].fact, &k->lists[kex_facts[i].list]);
	return 1;
}

/* ---- libssh ----------------------------------------------------------------- */

static void
libssh_quiet(int priority, const char *function, const char *buffer, void *userdata)
{
	(void)priority;
	(void)function;
	(void)buffer;
	(void)userdata;
}

/* Hands libssh the time left; -1 when none is. */
static int
libssh_timeout(ssh_session s, const struct deadline *d)
{
	int ms = deadline_remaining_ms(d);
	long sec = ms / 1000, usec = (long)(ms % 1000) * 1000;

	if (ms == 0)
		return -1;
	ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &sec);
	ssh_options_set(s, SSH_OPTIONS_TIMEOUT_USEC, &usec);
	return 0;
}

static bool
libssh_timed_out(const struct probe *p)
{
	return deadline_remaining_ms(&p->d) <= LIBSSH_SLACK_MS;
}

/*
 * A libssh session for host and port that reads no file of ours and trusts
 * any host key (we only look at it). hostkeys: the algorithms to offer, or
 * NULL for libssh's default. Returns NULL with a reason in e.
 */
static ssh_session
libssh_session(const struct probe *p, const char *user, const char *hostkeys, struct errmsg *e)
{
	ssh_session s = ssh_new();
	int zero = 0, verbosity = SSH_LOG_NOLOG, rsa_min = 768;
	bool no = false;

	if (!s) {
		errmsg_set(e, "cannot create a libssh session");
		return NULL;
	}
	if (ssh_options_set(s, SSH_OPTIONS_LOG_VERBOSITY, &verbosity) < 0 ||
	    ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &no) < 0 ||
	    ssh_options_set(s, SSH_OPTIONS_HOST, p->o->host) < 0 ||
	    ssh_options_set(s, SSH_OPTIONS_PORT, &p->port) < 0 ||
	    ssh_options_set(s, SSH_OPTIONS_USER, user) < 0 ||
	    ssh_options_set(s, SSH_OPTIONS_SSH_DIR, "/nonexistent") < 0 ||
	    ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, "/dev/null") < 0 ||
	    ssh_options_set(s, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null") < 0 ||
	    ssh_options_set(s, SSH_OPTIONS_STRICTHOSTKEYCHECK, &zero) < 0 ||
	    ssh_options_set(s, SSH_OPTIONS_RSA_MIN_SIZE, &rsa_min) < 0) {
		errmsg_set(e, "cannot set libssh options: %s", ssh_get_error(s));
		ssh_free(s);
		return NULL;
	}
	if (hostkeys && ssh_options_set(s, SSH_OPTIONS_HOSTKEYS, hostkeys) < 0) {
		errmsg_set(e, "libssh does not support '%s'", hostkeys);
		ssh_free(s);
		return NULL;
	}
	return s;
}

/* Decodes standard base64 (libssh's output) into out; returns the length or -1. */
static long
b64_decode(const char *in, uint8_t *out, size_t outmax)
{
	static const char abc[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	uint32_t acc = 0;
	size_t n = 0;
	int bits = 0;

	for (; *in && *in != '='; in++) {
		const char *c = strchr(abc, *in);

		if (!c)
			return -1;
		acc = (acc << 6) | (uint32_t)(c - abc);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n == outmax)
				return -1;
			out[n++] = (uint8_t)(acc >> bits);
		}
	}
	return (long)n;
}

/*
 * One key exchange offering only `hostkeys`: the server's key as "TYPE BITS"
 * (type in type, size in *bits). Returns 0, -1 with a reason in e, or -2 when
 * the deadline passed. keep: when not NULL, a session whose key exchange
 * succeeded is left connected in *keep (the caller frees it), so that the
 * authentication request needs no connection of its own; else *keep is NULL.
 */
static int
fetch_hostkey(const struct probe *p, const char *user, const char *hostkeys, char *type,
	      size_t typelen, unsigned *bits, ssh_session *keep, struct errmsg *e)
{
	ssh_session s;
	ssh_key key = NULL;
	char *b64 = NULL, msg[256];
	uint8_t *blob = NULL;
	long n;
	int rc = -1;

	if (keep)
		*keep = NULL;
	if (!(s = libssh_session(p, user, hostkeys, e)))
		return -1;
	if (libssh_timeout(s, &p->d) == -1) {
		ssh_free(s);
		return -2;
	}
	if (ssh_connect(s) != SSH_OK) {
		rc = libssh_timed_out(p) ? -2 : -1;
		errmsg_set(e, "key exchange offering '%s' failed: %s", hostkeys, ssh_get_error(s));
		ssh_free(s);
		return rc;
	}
	if (ssh_get_server_publickey(s, &key) != SSH_OK) {
		errmsg_set(e, "no host key from the key exchange offering '%s'", hostkeys);
		goto out;
	}
	if (ssh_pki_export_pubkey_base64(key, &b64) != SSH_OK || strlen(b64) > B64_MAX) {
		errmsg_set(e, "cannot export the '%s' host key", hostkeys);
		goto out;
	}
	blob = xmalloc(B64_MAX);
	if ((n = b64_decode(b64, blob, B64_MAX)) < 0) {
		errmsg_set(e, "cannot decode the '%s' host key", hostkeys);
		goto out;
	}
	if (ssh_pubkey_bits(blob, (size_t)n, type, typelen, bits, msg, sizeof(msg)) != SSH_WIRE_OK) {
		errmsg_set(e, "host key for '%s': %s", hostkeys, msg);
		goto out;
	}
	rc = 0;
out:
	free(blob);
	if (b64)
		ssh_string_free_char(b64);
	ssh_key_free(key);
	if (keep) {
		*keep = s;
		return rc;
	}
	ssh_disconnect(s);
	ssh_free(s);
	return rc;
}

/* Host key families: each is measured with one key exchange. */
static const struct {
	bool rsa;
	const char *algs[3];
} families[] = {
	{ true, { "rsa-sha2-512", "rsa-sha2-256", "ssh-rsa" } },
	{ false, { "ssh-ed25519" } },
	{ false, { "ecdsa-sha2-nistp256" } },
	{ false, { "ecdsa-sha2-nistp384" } },
	{ false, { "ecdsa-sha2-nistp521" } },
	{ false, { "ssh-dss" } },
};

static bool
offered(const struct ssh_namelist *nl, const char *name)
{
	for (size_t i = 0; i < nl->n; i++)
		if (strcmp(nl->names[i], name) == 0)
			return true;
	return false;
}

/* The methods a refusal can list, by libssh's bit for each. */
static const struct {
	unsigned bit;
	const char *name;
} auth_methods[] = {
	{ SSH_AUTH_METHOD_PASSWORD, "password" },
	{ SSH_AUTH_METHOD_INTERACTIVE, "keyboard-interactive" },
	{ SSH_AUTH_METHOD_PUBLICKEY, "publickey" },
	{ SSH_AUTH_METHOD_HOSTBASED, "hostbased" },
	{ SSH_AUTH_METHOD_GSSAPI_MIC, "gssapi-with-mic" },
};

/*
 * The answer to the "none" request, gathered in whichever thread holds a
 * session and turned into facts by probe_auth() in the main thread. taken:
 * set by the one session that asks.
 */
struct auth_answer {
	atomic_flag taken;
	int rc;			/* 0: names; -1: reason in e; -2: deadline, doing */
	const char *names[NELEM(auth_methods)];
	size_t n;
	const char *doing;
	struct errmsg e;
};

/* Sends the "none" request on s, a session whose key exchange is done. */
static void
auth_none(const struct probe *p, ssh_session s, struct auth_answer *a)
{
	int rc, list;
	size_t i;

	if (libssh_timeout(s, &p->d) == -1) {
		a->rc = -2;
		a->doing = "asking for the authentication methods";
		return;
	}
	rc = ssh_userauth_none(s, NULL);
	if (rc == SSH_AUTH_ERROR) {
		if (libssh_timed_out(p)) {
			a->rc = -2;
			a->doing = "asking for the authentication methods";
		} else {
			a->rc = -1;
			errmsg_set(&a->e, "authentication request 'none' failed: %s",
				   ssh_get_error(s));
		}
		return;
	}
	a->n = 0;
	if (rc == SSH_AUTH_SUCCESS) {
		/* the server let a random user in without any credential */
		a->names[a->n++] = "none";
	} else {
		list = ssh_userauth_list(s, NULL);
		for (i = 0; i < NELEM(auth_methods); i++)
			if ((unsigned)list & auth_methods[i].bit)
				a->names[a->n++] = auth_methods[i].name;
	}
	a->rc = 0;
}

/* The "none" request on a connection of its own, when no host key session has one. */
static void
auth_own(const struct probe *p, const char *user, struct auth_answer *a)
{
	ssh_session s;

	if (!(s = libssh_session(p, user, NULL, &a->e))) {
		a->rc = -1;
		return;
	}
	if (libssh_timeout(s, &p->d) == -1) {
		a->rc = -2;
		a->doing = "connecting for the authentication methods";
		ssh_free(s);
		return;
	}
	if (ssh_connect(s) != SSH_OK) {
		if (libssh_timed_out(p)) {
			a->rc = -2;
			a->doing = "connecting for the authentication methods";
		} else {
			a->rc = -1;
			errmsg_set(&a->e, "key exchange failed: %s", ssh_get_error(s));
		}
		ssh_free(s);
		return;
	}
	auth_none(p, s, a);
	ssh_disconnect(s);
	ssh_free(s);
}

/*
 * One host key family's key exchange, run in a thread of its own: the jobs
 * share only the probe (read only while they run: options, port, deadline)
 * and the auth answer, which the first job whose key exchange succeeds takes.
 */
struct hostkey_job {
	const struct probe *p;
	const char *user;
	struct auth_answer *auth;
	struct sbuf algs;	/* the algorithms offered for this family */
	pthread_t tid;
	bool threaded;
	int rc;			/* fetch_hostkey()'s */
	char type[SSH_NAME_MAX + 1];
	unsigned bits;
	struct errmsg e;
};

static void *
hostkey_job_run(void *arg)
{
	struct hostkey_job *j = arg;
	ssh_session s;

	/* libssh keeps its log level and callback per thread */
	ssh_set_log_level(SSH_LOG_NOLOG);
	ssh_set_log_callback(libssh_quiet);
	j->rc = fetch_hostkey(j->p, j->user, sbuf_str(&j->algs), j->type, sizeof(j->type),
			      &j->bits, &s, &j->e);
	if (s) {
		if (!atomic_flag_test_and_set(&j->auth->taken))
			auth_none(j->p, s, j->auth);
		ssh_disconnect(s);
		ssh_free(s);
	}
	return NULL;
}

/*
 * Stage hostkey: ssh.hostkeys and ssh.hostkey_rsa_bits, one key exchange per
 * family offered, all at once. The first session whose key exchange succeeds
 * also asks for the authentication methods (into *auth; auth->taken tells
 * whether one did). -1: deadline.
 */
static int
probe_hostkeys(struct probe *p, const char *user, const struct ssh_kexinit *k,
	       struct auth_answer *auth)
{
	const struct ssh_namelist *nl = &k->lists[SSH_HOSTKEY_ALGS];
	struct hostkey_job jobs[NELEM(families)];
	char *got[NELEM(families)];
	struct errmsg last = { "" }, rsa_err = { "" };
	size_t ngot = 0, nfam = 0, i, j;
	unsigned rsa_min = 0;
	bool rsa_offered = false, timed_out = false;

	deadline_stage(&p->d, "hostkey");
	for (i = 0; i < NELEM(families); i++) {
		struct hostkey_job *job = &jobs[i];

		memset(job, 0, sizeof(*job));
		job->p = p;
		job->user = user;
		job->auth = auth;
		sbuf_init(&job->algs, 256);
		for (j = 0; j < NELEM(families[i].algs) && families[i].algs[j]; j++)
			if (offered(nl, families[i].algs[j]))
				sbuf_addf(&job->algs, "%s%s", job->algs.len ? "," : "",
					  families[i].algs[j]);
		if (job->algs.len == 0)
			continue;
		/* without a thread (none to be had), the job runs here, in turn */
		job->threaded = pthread_create(&job->tid, NULL, hostkey_job_run, job) == 0;
		if (!job->threaded)
			hostkey_job_run(job);
	}
	for (i = 0; i < NELEM(families); i++)
		if (jobs[i].threaded)
			pthread_join(jobs[i].tid, NULL);

	/* the results in family order, as one after the other would give them */
	for (i = 0; i < NELEM(families); i++) {
		struct hostkey_job *job = &jobs[i];

		if (job->algs.len == 0 || timed_out) {
			sbuf_release(&job->algs);
			continue;
		}
		sbuf_release(&job->algs);
		nfam++;
		rsa_offered |= families[i].rsa;
		if (job->rc == -2) {
			timed_out = true;
			continue;
		}
		if (job->rc == -1) {
			last = job->e;
			if (families[i].rsa)
				rsa_err = job->e;
			if (p->o->verbose)
				report_note(p->r, "host key not measured: %s", job->e.msg);
			continue;
		}
		got[ngot++] = xasprintf("%s %u", job->type, job->bits);
		if (families[i].rsa && (rsa_min == 0 || job->bits < rsa_min))
			rsa_min = job->bits;
	}
	if (timed_out) {
		for (j = 0; j < ngot; j++)
			free(got[j]);
		return fail_timeout(p, "measuring the host keys");
	}
	if (ngot || nfam == 0)
		facts_set_list(p->f, "ssh.hostkeys", (const char *const *)got, ngot);
	else
		facts_set_error(p->f, "ssh.hostkeys", "%s", last.msg);
	if (rsa_offered && rsa_min)
		facts_set_int(p->f, "ssh.hostkey_rsa_bits", rsa_min);
	else if (rsa_offered)
		facts_set_error(p->f, "ssh.hostkey_rsa_bits", "%s", rsa_err.msg);
	for (j = 0; j < ngot; j++)
		free(got[j]);
	return 0;
}

/*
 * Stage auth: ssh.auth_methods from the "none" request that a host key
 * session already sent (auth->taken), or else from a connection of its own.
 * -1: deadline.
 */
static int
probe_auth(struct probe *p, const char *user, struct auth_answer *auth)
{
	deadline_stage(&p->d, "auth");
	if (!atomic_flag_test_and_set(&auth->taken))
		auth_own(p, user, auth);
	if (auth->rc == -2)
		return fail_timeout(p, auth->doing);
	if (auth->rc == -1)
		facts_set_error(p->f, "ssh.auth_methods", "%s", auth->e.msg);
	else
		facts_set_list(p->f, "ssh.auth_methods", auth->names, auth->n);
	return 0;
}

/* "cb-probe-" and 8 random hex digits: a user that does not exist. */
static void
random_user(char out[32])
{
	uint32_t v;

	if (getrandom(&v, sizeof(v), GRND_NONBLOCK) != (ssize_t)sizeof(v))
		v = (uint32_t)time(NULL) ^ ((uint32_t)getpid() << 16);
	snprintf(out, 32, "cb-probe-%08x", (unsigned)v);
}

/* All I/O. Returns 0 with facts in f, or -1 with report_fatal() set. */
static int
probe(struct facts *f, const struct opts *o, struct report *r)
{
	struct probe p = { .o = o, .r = r, .f = f, .fd = -1 };
	struct ssh_kexinit k;
	struct auth_answer auth = { .taken = ATOMIC_FLAG_INIT };
	unsigned long port;
	char user[32];
	int rc;

	memset(&k, 0, sizeof(k));
	if (parse_ulong(o->port, 1, 65535, &port) == -1) {
		report_fatal(r, STATE_UNKNOWN, "invalid port '%s'", o->port);
		return -1;
	}
	p.port = (unsigned)port;
	deadline_start(&p.d, o->timeout);
	p.buf = xmalloc(READ_BUF_MAX);
	rc = probe_transport(&p, &k);
	if (p.fd != -1)
		close(p.fd);
	free(p.buf);
	if (rc == 1) {
		ssh_set_log_level(SSH_LOG_NOLOG);
		ssh_set_log_callback(libssh_quiet);
		random_user(user);
		rc = probe_hostkeys(&p, user, &k, &auth) == 0 && probe_auth(&p, user, &auth) == 0
			     ? 0 : -1;
	}
	ssh_kexinit_release(&k);
	return rc < 0 ? -1 : 0;
}

int
main(int argc, char **argv)
{
	const struct opts_ext ext = {
		.usage = "-H HOST [-p PORT]",
		.description = description,
		.default_port = "22",
		.needs_host = true,
	};
	struct report r;
	struct opts o;
	struct run run;
	struct facts f;
	int rc;

	memset(&run, 0, sizeof(run));
	facts_init(&f);
	report_init(&r, "ssh", "check_baseline_ssh");
	if (opts_parse(&o, argc, argv, &ext, &r) == 0) {
		if (run_load(&run, &o, "ssh", &r) == 0 && probe(&f, &o, &r) == 0)
			run_evaluate(&run, &f, &r);
	}
	rc = run_finish(&run, &o, &r);
	facts_release(&f);
	return rc;
}
