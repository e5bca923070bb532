/*
 * check_baseline_snmp: a network device (switch, router, firewall, printer)
 * against the baseline's SNMP controls, over SNMP itself.
 *
 * The probe, under one deadline, in two rounds (each round's requests run
 * side by side in one poll() loop, one net-snmp session per request):
 *   first   sent at once, in this order: the carrier, a GET of all the
 *           scalars (system group, uptime, NTP, SNMP statistics) with the
 *           --credentials user at its level (or, without one, the site's
 *           community over v2c); GET sysDescr.0 with "public", the
 *           baseline's short list of default communities (table
 *           snmp_default_communities) and the site's community, over v1 and
 *           v2c, never anything else; the same user at noAuthNoPriv and at
 *           authNoPriv, which must be refused; and snmpInBadCommunityNames
 *           again, so that refused communities are known from the agent's
 *           own count instead of a timeout (barrier_check())
 *   data    with the best credential that answered: the scalars (unless
 *           the carrier has them), then a walk of the TCP listener table
 * The SNMPv3 engine ID is discovered once, by the carrier's request, and
 * the user's keys are derived once; every other session reuses both.
 * net-snmp is used as a library that costs little and says nothing: no MIB
 * files (numeric OIDs only), no persistent state, its log captured into the
 * report's notes (never stderr), its timeouts and retries sized to the time
 * left. The one net-snmp user in the project (common/ has no net-snmp type).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include "deadline.h"
#include "facts.h"
#include "json.h"
#include "opts.h"
#include "report.h"
#include "run.h"
#include "snmp_cred.h"
#include "util.h"
#include "banned.h"

#define STATE_DIR_DEFAULT "/var/lib/cyberbaseline"
#define COMMUNITIES_MAX 5	/* of the baseline's table; "public" comes on top */
#define REQS_MAX 32
#define WALK_ROWS_MAX 1024
#define TEXT_MAX 512		/* of a DisplayString we keep */
#define PORTS_MAX 256

static const char description[] =
	"Checks a network device against the SNMP controls of the baseline, over SNMP:\n"
	"default communities (only the baseline's short list), SNMP v1/v2c left on,\n"
	"SNMPv3 with strong algorithms and no weaker levels, firmware version, uptime,\n"
	"NTP, asset identity, management listeners and authentication traps. Secrets\n"
	"come only from --credentials FILE, never from the command line.";

static const char help[] =
	" --credentials=FILE\n"
	"    SNMP credentials, lines of key=value: version, community, user,\n"
	"    security-level, auth-protocol, auth-passphrase, priv-protocol,\n"
	"    priv-passphrase; or net-snmp's snmp.conf syntax (defSecurityName,\n"
	"    defAuthType, defAuthPassphrase ...); mode 600. Without it only\n"
	"    \"public\" and the baseline's default communities are tried\n"
	" --state-dir=DIR\n"
	"    Where the snmpInBadCommunityNames reading of each device is kept between\n"
	"    runs, for SNMP-010 (default: $CYBERBASELINE_STATE_DIR, else " STATE_DIR_DEFAULT ")\n";

enum { OPT_CREDENTIALS = 1000, OPT_STATE_DIR };

struct snmp_opts {
	const char *credentials;
	const char *state_dir;
};

static int
handle(int val, const char *arg, void *ctx, struct errmsg *e)
{
	struct snmp_opts *t = ctx;

	if (val == OPT_CREDENTIALS) {
		if (!*arg) {
			errmsg_set(e, "invalid --credentials ''");
			return -1;
		}
		t->credentials = arg;
		return 0;
	}
	if (val == OPT_STATE_DIR) {
		if (!*arg) {
			errmsg_set(e, "invalid --state-dir ''");
			return -1;
		}
		t->state_dir = arg;
		return 0;
	}
	return -1;
}

/* ---- OIDs --------------------------------------------------------------- */

#define OID(...) ((const oid[]){ __VA_ARGS__ }), sizeof((const oid[]){ __VA_ARGS__ }) / sizeof(oid)

struct oidref {
	const oid *o;
	size_t n;
};

enum scalar {
	S_DESCR, S_OBJECTID, S_UPTIME, S_CONTACT, S_NAME, S_LOCATION, S_ENGINE_TIME,
	S_HR_UPTIME, S_NTP_MODE, S_NTP_STRATUM, S_NTP_SOURCE, S_AUTHEN_TRAPS,
	S_BAD_COMMUNITY, S_COUNT
};

static const struct {
	oid o[16];
	size_t n;
} scalars[S_COUNT] = {
	[S_DESCR] = { { 1, 3, 6, 1, 2, 1, 1, 1, 0 }, 9 },
	[S_OBJECTID] = { { 1, 3, 6, 1, 2, 1, 1, 2, 0 }, 9 },
	[S_UPTIME] = { { 1, 3, 6, 1, 2, 1, 1, 3, 0 }, 9 },
	[S_CONTACT] = { { 1, 3, 6, 1, 2, 1, 1, 4, 0 }, 9 },
	[S_NAME] = { { 1, 3, 6, 1, 2, 1, 1, 5, 0 }, 9 },
	[S_LOCATION] = { { 1, 3, 6, 1, 2, 1, 1, 6, 0 }, 9 },
	[S_ENGINE_TIME] = { { 1, 3, 6, 1, 6, 3, 10, 2, 1, 3, 0 }, 11 },
	[S_HR_UPTIME] = { { 1, 3, 6, 1, 2, 1, 25, 1, 1, 0 }, 10 },
	[S_NTP_MODE] = { { 1, 3, 6, 1, 2, 1, 197, 1, 2, 1, 0 }, 11 },
	[S_NTP_STRATUM] = { { 1, 3, 6, 1, 2, 1, 197, 1, 2, 2, 0 }, 11 },
	[S_NTP_SOURCE] = { { 1, 3, 6, 1, 2, 1, 197, 1, 2, 4, 0 }, 11 },
	[S_AUTHEN_TRAPS] = { { 1, 3, 6, 1, 2, 1, 11, 30, 0 }, 9 },
	[S_BAD_COMMUNITY] = { { 1, 3, 6, 1, 2, 1, 11, 4, 0 }, 9 },
};

/* tcpListenerProcess (RFC 4022) and tcpConnState (RFC 1213): the port is in the index */
static const oid tcp_listener[] = { 1, 3, 6, 1, 2, 1, 6, 20, 1, 4 };
static const oid tcp_conn_state[] = { 1, 3, 6, 1, 2, 1, 6, 13, 1, 1 };

/* ---- one request on its own session ------------------------------------- */

enum req_state { RQ_PENDING, RQ_ANSWERED, RQ_NO_ANSWER, RQ_FAILED };

struct req {
	void *sess;
	enum req_state state;
	int report;		/* SNMPERR_* of a REPORT PDU (SNMPv3), 0 none */
	netsnmp_pdu *resp;	/* a copy of the response */
	char err[ERRMSG_MAX];
	/* what it asks for */
	long version;		/* SNMP_VERSION_1, _2c, _3 */
	const char *community;	/* v1/v2c; may be a secret: never printed */
	int level;		/* v3: SNMP_SEC_LEVEL_* */
};

_Static_assert(SNMP_KU_MAX <= USM_AUTH_KU_LEN && SNMP_KU_MAX <= USM_PRIV_KU_LEN,
	       "a key fits the session");

struct probe {
	const struct opts *o;
	struct report *r;
	struct deadline d;
	char peer[300];		/* "udp:127.0.0.1:161" */
	const struct snmp_cred *cred;	/* NULL: none given */
	/*
	 * The user's keys from its pass phrases (RFC 3414 A.2: a megabyte of
	 * hashing each), derived once and copied into every session.
	 */
	u_char auth_ku[SNMP_KU_MAX], priv_ku[SNMP_KU_MAX];
	size_t auth_ku_len, priv_ku_len;
	/* the agent's engine ID, once one session has discovered it: the others skip discovery */
	u_char engine[32];
	size_t engine_len;
	/*
	 * The counter barrier (see barrier_check()): probes[0..nprobes) are the
	 * community requests sent after c0 read snmpInBadCommunityNames and
	 * before c1 read it again, all at sent_ms (monotonic).
	 */
	struct req *c0, *c1, *probes;
	size_t nprobes;
	long sent_ms;
	bool by_counter;	/* the barrier settled the unanswered probes */
};

static int
on_response(int op, netsnmp_session *s, int reqid, netsnmp_pdu *pdu, void *magic)
{
	struct req *q = magic;

	(void)s;
	(void)reqid;
	if (op == NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE && pdu) {
		if (pdu->command == SNMP_MSG_REPORT) {
			q->report = snmpv3_get_report_type(pdu);
			q->state = RQ_FAILED;
			snprintf(q->err, sizeof(q->err), "%s", snmp_api_errstring(q->report));
			return 1;
		}
		q->resp = snmp_clone_pdu(pdu);
		q->state = RQ_ANSWERED;
	} else if (op == NETSNMP_CALLBACK_OP_TIMED_OUT) {
		q->state = RQ_NO_ANSWER;
	} else {
		q->state = RQ_FAILED;
		snprintf(q->err, sizeof(q->err), "the request failed (net-snmp operation %d)", op);
	}
	return 1;
}

/* Per-try timeout in microseconds: a third of what is left, at most 1 s, at least 50 ms. */
static long
try_usec(struct probe *p)
{
	long ms = deadline_remaining_ms(&p->d) / 3;

	return (ms > 1000 ? 1000 : ms < 50 ? 50 : ms) * 1000L;
}

static oid *
auth_oid(enum snmp_auth a, size_t *len)
{
	*len = USM_AUTH_PROTO_SHA_LEN;
	switch (a) {
	case SNMP_AUTH_MD5:
		*len = USM_AUTH_PROTO_MD5_LEN;
		return usmHMACMD5AuthProtocol;
	case SNMP_AUTH_SHA:
		return usmHMACSHA1AuthProtocol;
	case SNMP_AUTH_SHA224:
		*len = OID_LENGTH(usmHMAC128SHA224AuthProtocol);
		return usmHMAC128SHA224AuthProtocol;
	case SNMP_AUTH_SHA256:
		*len = OID_LENGTH(usmHMAC192SHA256AuthProtocol);
		return usmHMAC192SHA256AuthProtocol;
	case SNMP_AUTH_SHA384:
		*len = OID_LENGTH(usmHMAC256SHA384AuthProtocol);
		return usmHMAC256SHA384AuthProtocol;
	case SNMP_AUTH_SHA512:
		*len = OID_LENGTH(usmHMAC384SHA512AuthProtocol);
		return usmHMAC384SHA512AuthProtocol;
	default:
		return NULL;
	}
}

static oid *
priv_oid(enum snmp_priv pv, size_t *len)
{
	switch (pv) {
	case SNMP_PRIV_DES:
		*len = OID_LENGTH(usmDESPrivProtocol);
		return usmDESPrivProtocol;
	case SNMP_PRIV_AES:
		*len = OID_LENGTH(usmAESPrivProtocol);
		return usmAESPrivProtocol;
	case SNMP_PRIV_AES192:
		*len = OID_LENGTH(usmAES192PrivProtocol);
		return usmAES192PrivProtocol;
	case SNMP_PRIV_AES256:
		*len = OID_LENGTH(usmAES256PrivProtocol);
		return usmAES256PrivProtocol;
	default:
		*len = 0;
		return NULL;
	}
}

/*
 * Opens q's session. For SNMPv3 net-snmp discovers the agent's engine ID
 * here, synchronously, bounded by the session's timeout and retries.
 * 0, or -1 with q FAILED and the reason in q->err.
 */
static int
req_open(struct probe *p, struct req *q)
{
	const struct snmp_cred *c = p->cred;
	netsnmp_session s;
	oid *proto;
	size_t len;

	snmp_sess_init(&s);
	s.peername = p->peer;
	s.version = q->version;
	s.timeout = try_usec(p);
	s.retries = 1;
	s.callback = on_response;
	s.callback_magic = q;
	if (q->version != SNMP_VERSION_3) {
		s.community = (u_char *)(uintptr_t)q->community;
		s.community_len = strlen(q->community);
	} else if (c) {
		if (p->engine_len) {
			s.securityEngineID = p->engine;
			s.securityEngineIDLen = p->engine_len;
			s.flags |= SNMP_FLAGS_DONT_PROBE;
		}
		s.securityName = c->user;
		s.securityNameLen = strlen(c->user);
		s.securityLevel = q->level;
		if (q->level != SNMP_SEC_LEVEL_NOAUTH) {
			proto = auth_oid(c->auth, &len);
			if (!proto) {
				snprintf(q->err, sizeof(q->err), "this net-snmp cannot do %s",
					 snmp_auth_name(c->auth));
				q->state = RQ_FAILED;
				return -1;
			}
			s.securityAuthProto = proto;
			s.securityAuthProtoLen = len;
			if (p->auth_ku_len == 0) {
				p->auth_ku_len = snmp_password_to_key(c->auth, c->auth_pass,
								      strlen(c->auth_pass), p->auth_ku);
			}
			memcpy(s.securityAuthKey, p->auth_ku, p->auth_ku_len);
			s.securityAuthKeyLen = p->auth_ku_len;
			if (p->auth_ku_len == 0) {
				snprintf(q->err, sizeof(q->err), "this net-snmp cannot do %s",
					 snmp_auth_name(c->auth));
				q->state = RQ_FAILED;
				return -1;
			}
		}
		if (q->level == SNMP_SEC_LEVEL_AUTHPRIV) {
			s.securityPrivProto = priv_oid(c->priv, &s.securityPrivProtoLen);
			if (s.securityPrivProto && p->priv_ku_len == 0) {
				p->priv_ku_len = snmp_password_to_key(c->auth, c->priv_pass,
								      strlen(c->priv_pass), p->priv_ku);
			}
			memcpy(s.securityPrivKey, p->priv_ku, p->priv_ku_len);
			s.securityPrivKeyLen = p->priv_ku_len;
			if (!s.securityPrivProto || p->priv_ku_len == 0) {
				snprintf(q->err, sizeof(q->err), "this net-snmp cannot do %s",
					 snmp_priv_name(c->priv));
				q->state = RQ_FAILED;
				return -1;
			}
		}
	} else {
		/* engine discovery only (RFC 3414 4): any name will do, none is sent */
		s.securityName = (char *)(uintptr_t)"cyberbaseline";
		s.securityNameLen = strlen(s.securityName);
		s.securityLevel = q->level;
	}
	q->sess = snmp_sess_open(&s);
	if (!q->sess) {
		int err = s.s_snmp_errno ? s.s_snmp_errno : snmp_errno;

		q->state = err == SNMPERR_TIMEOUT ? RQ_NO_ANSWER : RQ_FAILED;
		snprintf(q->err, sizeof(q->err), "%s", snmp_api_errstring(err));
		return -1;
	}
	return 0;
}

/* Sends a GET (or GETNEXT, GETBULK) of oids on q's open session. */
static void
req_send(struct req *q, int command, const struct oidref *oids, size_t n)
{
	netsnmp_pdu *pdu = snmp_pdu_create(command);
	size_t i;

	if (command == SNMP_MSG_GETBULK) {
		pdu->non_repeaters = 0;
		pdu->max_repetitions = 50;
	}
	for (i = 0; i < n; i++)
		snmp_add_null_var(pdu, oids[i].o, oids[i].n);
	if (snmp_sess_async_send(q->sess, pdu, on_response, q) == 0) {
		/* SNMPv3: the engine discovery before the first request failed, or timed out */
		int liberr = 0, syserr = 0;
		char *text = NULL;

		snmp_free_pdu(pdu);
		snmp_sess_error(q->sess, &liberr, &syserr, &text);
		q->state = liberr == SNMPERR_TIMEOUT ? RQ_NO_ANSWER : RQ_FAILED;
		snprintf(q->err, sizeof(q->err), "cannot send the request: %s",
			 liberr ? snmp_api_errstring(liberr) : "net-snmp gave no reason");
		free(text);
	}
}

static void
req_close(struct req *q)
{
	if (q->sess)
		snmp_sess_close(q->sess);
	q->sess = NULL;
	if (q->resp)
		snmp_free_pdu(q->resp);
	q->resp = NULL;
}

static const netsnmp_variable_list *find_var(const netsnmp_pdu *resp, const oid *o, size_t n);
static int var_int_as(const netsnmp_variable_list *v, u_char type, long long *out);
static bool accepted(const struct req *q);

static long
mono_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000L + t.tv_nsec / 1000000L;
}

/* snmpInBadCommunityNames.0 from q's answer, or -1. */
static long long
bad_communities(const struct req *q)
{
	long long x;

	if (!accepted(q) ||
	    var_int_as(find_var(q->resp, scalars[S_BAD_COMMUNITY].o, scalars[S_BAD_COMMUNITY].n),
		       ASN_COUNTER, &x) == -1)
		return -1;
	return x;
}

/*
 * The counter barrier. An agent that drops a request with a wrong community
 * says nothing, so "refused" is normally known only when the try times out
 * (a second). But it counts each one in snmpInBadCommunityNames (RFC 3418).
 * With a credential that reads the counter, the probe reads it (c0), sends
 * the community probes, and reads it again (c1), all at once. When c1 has
 * grown by at least the number of probes still unanswered, the agent has
 * received and refused each of them: they are settled as refused without
 * waiting. Only within the first try (no probe has been sent twice), and
 * never on less: a reordering or a lost datagram leaves the count short, and
 * the probes then wait for their timeout as without a credential. An answer
 * that arrives wins whenever it arrives before. What could mislead it: a
 * third party sending wrong communities to the device during these
 * milliseconds while one of our probes is accepted but its answer is slower
 * than c1's, on an agent that answers out of order.
 */
static void
barrier_check(struct probe *p)
{
	long long c0, c1;
	size_t i, open = 0;

	if (!p->c1 || p->by_counter || p->c1->state != RQ_ANSWERED ||
	    mono_ms() - p->sent_ms >= try_usec(p) / 1000)
		return;
	c0 = bad_communities(p->c0);
	c1 = bad_communities(p->c1);
	if (c0 < 0 || c1 < 0)
		return;
	for (i = 0; i < p->nprobes; i++)
		open += p->probes[i].state == RQ_PENDING;
	if (open == 0 || (uint32_t)((uint64_t)c1 - (uint64_t)c0) < open)
		return;
	for (i = 0; i < p->nprobes; i++)
		if (p->probes[i].state == RQ_PENDING)
			p->probes[i].state = RQ_NO_ANSWER;
	p->by_counter = true;
}

/*
 * Runs the pending requests of q[0..n) until each is answered, timed out
 * or failed, side by side. 0, or -1 at the deadline (report_fatal set).
 */
static int
run_reqs(struct probe *p, struct req *q, size_t n, const char *stage)
{
	struct pollfd pfd[REQS_MAX];
	size_t idx[REQS_MAX], i, np;
	long wait_ms;
	int rc;

	deadline_stage(&p->d, stage);
	for (;;) {
		barrier_check(p);
		wait_ms = deadline_remaining_ms(&p->d);
		for (i = np = 0; i < n; i++) {
			fd_set fds;
			struct timeval tv = { 0, 0 };
			int maxfd = 0, block = 1, fd;

			if (q[i].state != RQ_PENDING || !q[i].sess)
				continue;
			FD_ZERO(&fds);
			snmp_sess_select_info(q[i].sess, &maxfd, &fds, &tv, &block);
			for (fd = 0; fd < maxfd && fd < FD_SETSIZE; fd++)
				if (FD_ISSET(fd, &fds))
					break;
			if (fd >= maxfd)
				continue;
			if (!block) {
				long ms = tv.tv_sec * 1000L + (tv.tv_usec + 999) / 1000;

				if (ms < wait_ms)
					wait_ms = ms;
			}
			pfd[np].fd = fd;
			pfd[np].events = POLLIN;
			pfd[np].revents = 0;
			idx[np++] = i;
		}
		if (np == 0)
			return 0;
		if (deadline_expired(&p->d)) {
			report_fatal(p->r, p->o->timeout_result, "timeout after %us in stage '%s'",
				     p->o->timeout, stage);
			return -1;
		}
		rc = poll(pfd, (nfds_t)np, (int)wait_ms);
		if (rc < 0 && errno != EINTR) {
			report_fatal(p->r, STATE_UNKNOWN, "poll failed: %s", strerror(errno));
			return -1;
		}
		for (i = 0; i < np; i++) {
			struct req *qq = &q[idx[i]];

			if (pfd[i].revents) {
				fd_set fds;

				FD_ZERO(&fds);
				FD_SET(pfd[i].fd, &fds);
				snmp_sess_read(qq->sess, &fds);
			} else {
				snmp_sess_timeout(qq->sess);	/* resends, or ends it as timed out */
			}
		}
	}
}

/* ---- reading answers ----------------------------------------------------- */

/*
 * Whether the agent accepted q's credential: it answered, and not with
 * authorizationError or noAccess (what net-snmp's VACM says to a user at a
 * level below its access, and some agents to a community without a view).
 */
static bool
accepted(const struct req *q)
{
	return q->state == RQ_ANSWERED && q->resp && q->resp->errstat != SNMP_ERR_AUTHORIZATIONERROR &&
	       q->resp->errstat != SNMP_ERR_NOACCESS;
}

/* The varbind of resp for oid o, or NULL; an exception (noSuchObject...) counts as absent. */
static const netsnmp_variable_list *
find_var(const netsnmp_pdu *resp, const oid *o, size_t n)
{
	const netsnmp_variable_list *v;

	if (!resp || resp->errstat != SNMP_ERR_NOERROR)
		return NULL;
	for (v = resp->variables; v; v = v->next_variable)
		if (snmp_oid_compare(v->name, v->name_length, o, n) == 0)
			return v->type == SNMP_NOSUCHOBJECT || v->type == SNMP_NOSUCHINSTANCE ||
					       v->type == SNMP_ENDOFMIBVIEW
				       ? NULL
				       : v;
	return NULL;
}

/* A string value as text (bytes as they are; report.c sanitises), or NULL for another type. */
static char *
var_text(const netsnmp_variable_list *v)
{
	size_t n;

	if (!v || v->type != ASN_OCTET_STR)
		return NULL;
	n = v->val_len < TEXT_MAX ? v->val_len : TEXT_MAX;
	return xasprintf("%.*s", (int)n, (const char *)v->val.string);
}

/* An integer-like value (INTEGER, Counter32, Gauge32, TimeTicks, Counter64), or -1 for another type. */
static int
var_int(const netsnmp_variable_list *v, long long *out)
{
	if (!v)
		return -1;
	switch (v->type) {
	case ASN_INTEGER:
		*out = *v->val.integer;
		return 0;
	case ASN_COUNTER:
	case ASN_GAUGE:
	case ASN_TIMETICKS:
		*out = (long long)(unsigned long)*v->val.integer & 0xffffffffLL;
		return 0;
	case ASN_COUNTER64:
		*out = (long long)(((unsigned long long)v->val.counter64->high << 32) |
				   v->val.counter64->low);
		return 0;
	default:
		return -1;
	}
}

/*
 * The integer of a scalar of the type its MIB defines, or -1 (a Counter32
 * where an INTEGER belongs is not evaluated, never read as a number).
 */
static int
var_int_as(const netsnmp_variable_list *v, u_char type, long long *out)
{
	return v && v->type == type ? var_int(v, out) : -1;
}

/* Why a scalar is not there, for its fact. */
static const char *
absent_why(const netsnmp_pdu *resp, const oid *o, size_t n)
{
	const netsnmp_variable_list *v;

	if (!resp)
		return "not answered";
	if (resp->errstat != SNMP_ERR_NOERROR)
		return snmp_errstring((int)resp->errstat);
	for (v = resp->variables; v; v = v->next_variable)
		if (snmp_oid_compare(v->name, v->name_length, o, n) == 0) {
			if (v->type == SNMP_NOSUCHOBJECT)
				return "not implemented by the agent (noSuchObject)";
			if (v->type == SNMP_NOSUCHINSTANCE)
				return "not present on the agent (noSuchInstance)";
			if (v->type == SNMP_ENDOFMIBVIEW)
				return "outside the agent's view (endOfMibView)";
			return "the agent answered with a value of the wrong type";
		}
	return "the agent's answer does not contain it";
}

/* ---- net-snmp, quiet -------------------------------------------------------- */

static struct report *log_report;
static unsigned log_notes;

/* net-snmp's log lines become notes of the report (at most three), never stderr. */
static int
on_log(int major, int minor, void *server_arg, void *client_arg)
{
	const struct snmp_log_message *m = server_arg;
	size_t n;

	(void)major;
	(void)minor;
	(void)client_arg;
	if (!log_report || !m || !m->msg || m->priority > LOG_WARNING || log_notes >= 3)
		return 0;
	n = strcspn(m->msg, "\n");
	report_note(log_report, "net-snmp: %.*s", (int)(n < 200 ? n : 200), m->msg);
	log_notes++;
	return 0;
}

/*
 * The library, set up to read no MIB files and keep no state. /dev/null as
 * the MIB and persistent directory: net-snmp opens cert_indexes there even
 * with persistence off, and would create any other path (as root, in /). No
 * configuration file is read: the credentials come from --credentials only.
 */
static void
snmp_setup(struct report *r)
{
	netsnmp_log_handler *lh;

	log_report = r;
	snmp_disable_log();
	lh = netsnmp_register_loghandler(NETSNMP_LOGHANDLER_CALLBACK, LOG_DEBUG);
	if (lh)
		lh->pri_max = LOG_EMERG;
	snmp_register_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_LOGGING, on_log, NULL);
	setenv("MIBS", "", 1);
	setenv("MIBDIRS", "/dev/null", 1);
	netsnmp_set_mib_directory("/dev/null");
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
	netsnmp_ds_set_string(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_PERSISTENT_DIR,
			      "/dev/null");
	netsnmp_ds_set_int(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_OID_OUTPUT_FORMAT,
			   NETSNMP_OID_OUTPUT_NUMERIC);
	init_snmp("cyberbaseline");
}

/* ---- the rounds ------------------------------------------------------------- */

/*
 * "public", then the baseline's table snmp_default_communities (at most
 * COMMUNITIES_MAX strings, "public" not among them: it is always tried).
 * Returns the count, or 0 with the reason in e when the table is not that:
 * a baseline mistake is reported, never silently cut.
 */
static size_t
default_communities(const struct run *run, const char *path, const char **out, struct errmsg *e)
{
	const struct jv *t = NULL;
	size_t i, n = 0;

	out[n++] = "public";
	for (i = 0; i < run->b.ntables; i++)
		if (strcmp(run->b.table_names[i], "snmp_default_communities") == 0)
			t = run->b.tables[i];
	if (!t)
		return n;
	if (t->type != JV_ARRAY || t->n > COMMUNITIES_MAX) {
		errmsg_set(e, "baseline '%s': tables.snmp_default_communities: expected an array of at "
			   "most %d communities", path, COMMUNITIES_MAX);
		return 0;
	}
	for (i = 0; i < t->n; i++) {
		if (t->items[i].type != JV_STRING || !*t->items[i].s ||
		    strcmp(t->items[i].s, "public") == 0) {
			errmsg_set(e, "baseline '%s': tables.snmp_default_communities[%zu]: expected a "
				   "community other than \"public\"", path, i);
			return 0;
		}
		out[n++] = t->items[i].s;
	}
	return n;
}

static void
facts_error_all(struct facts *f, const char *const *names, size_t n, const char *why)
{
	size_t i;

	for (i = 0; i < n; i++)
		facts_set_error(f, names[i], "%s", why);
}

static const char *const v3_facts[] = {
	"snmp.v3_authpriv", "snmp.v3_auth_protocol", "snmp.v3_priv_protocol",
	"snmp.v3_noauth_accepted", "snmp.v3_authnopriv_accepted",
};
static const char *const data_facts[] = {
	"snmp.system", "snmp.uptime_days", "snmp.uptime_source", "snmp.ntp_synchronised",
	"snmp.ntp_stratum", "snmp.ntp_source", "snmp.sys_name", "snmp.sys_name_matches",
	"snmp.sys_contact", "snmp.sys_location", "snmp.tcp_listen_ports",
	"snmp.authen_traps_enabled", "snmp.in_bad_community_names",
};

/* Whether sysName names the host: equal, or equal first DNS labels, case-insensitive. */
static bool
name_matches(const char *sys, const char *host)
{
	size_t a = strcspn(sys, "."), b = strcspn(host, ".");

	if (strcasecmp(sys, host) == 0)
		return true;
	return a == b && a > 0 && strncasecmp(sys, host, a) == 0;
}

/* The scalars from one response (or, for SNMPv1, one response per scalar). */
static void
scalar_facts(struct facts *f, netsnmp_pdu *const *resp, const struct opts *o)
{
	const netsnmp_variable_list *v[S_COUNT];
	char *s, *descr, oidtext[256];
	long long x;
	size_t i;

#define VAR(k) find_var(resp[k], scalars[k].o, scalars[k].n)
#define WHY(k) absent_why(resp[k], scalars[k].o, scalars[k].n)
	for (i = 0; i < S_COUNT; i++)
		v[i] = VAR(i);
	descr = var_text(v[S_DESCR]);
	if (v[S_OBJECTID] && v[S_OBJECTID]->type == ASN_OBJECT_ID && descr) {
		struct sbuf sb;

		sbuf_init(&sb, 4096);
		for (i = 0; i < v[S_OBJECTID]->val_len / sizeof(oid) && i < 64; i++)
			sbuf_addf(&sb, i ? ".%lu" : "%lu", (unsigned long)v[S_OBJECTID]->val.objid[i]);
		snprintf(oidtext, sizeof(oidtext), "%s", sbuf_str(&sb));
		sbuf_release(&sb);
		char *sys = xasprintf("%s %s", oidtext, descr);

		facts_set_str(f, "snmp.system", sys);
		free(sys);
	} else {
		facts_set_error(f, "snmp.system", "sysObjectID.0 and sysDescr.0: %s",
				!descr ? WHY(S_DESCR) : WHY(S_OBJECTID));
	}
	free(descr);

	if (var_int_as(v[S_ENGINE_TIME], ASN_INTEGER, &x) == 0) {
		facts_set_int(f, "snmp.uptime_days", x / 86400);
		facts_set_str(f, "snmp.uptime_source", "snmpEngineTime");
	} else if (var_int_as(v[S_HR_UPTIME], ASN_TIMETICKS, &x) == 0) {
		facts_set_int(f, "snmp.uptime_days", x / 8640000);
		facts_set_str(f, "snmp.uptime_source", "hrSystemUptime");
	} else if (var_int_as(v[S_UPTIME], ASN_TIMETICKS, &x) == 0) {
		facts_set_int(f, "snmp.uptime_days", x / 8640000);
		facts_set_str(f, "snmp.uptime_source", "sysUpTime");
	} else {
		facts_set_error(f, "snmp.uptime_days", "snmpEngineTime.0, hrSystemUptime.0, sysUpTime.0: %s",
				WHY(S_UPTIME));
		facts_set_error(f, "snmp.uptime_source", "no uptime answered");
	}

	/* NTPv4-MIB (RFC 5907): ntpEntStatusCurrentMode 5 is ntpSyncSynchronized... see the docs */
	if (var_int_as(v[S_NTP_MODE], ASN_INTEGER, &x) == 0)
		facts_set_bool(f, "snmp.ntp_synchronised", x == 5);
	else
		facts_set_error(f, "snmp.ntp_synchronised", "NTP-MIB ntpEntStatusCurrentMode.0: %s",
				WHY(S_NTP_MODE));
	if (var_int_as(v[S_NTP_STRATUM], ASN_GAUGE, &x) == 0)
		facts_set_int(f, "snmp.ntp_stratum", x);
	else
		facts_set_error(f, "snmp.ntp_stratum", "NTP-MIB ntpEntStatusStratum.0: %s",
				WHY(S_NTP_STRATUM));
	if ((s = var_text(v[S_NTP_SOURCE])) != NULL)	/* a list of one, for patterns */
		facts_set_list(f, "snmp.ntp_source", (const char *const *)&s, 1);
	else
		facts_set_error(f, "snmp.ntp_source", "NTP-MIB ntpEntStatusActiveRefSourceName.0: %s",
				WHY(S_NTP_SOURCE));
	free(s);

	if ((s = var_text(v[S_NAME])) != NULL) {
		const char *want = o->host_name ? o->host_name : o->host;

		facts_set_str(f, "snmp.sys_name", s);
		facts_set_bool(f, "snmp.sys_name_matches", name_matches(s, want));
	} else {
		facts_set_error(f, "snmp.sys_name", "sysName.0: %s", WHY(S_NAME));
		facts_set_error(f, "snmp.sys_name_matches", "sysName.0: %s", WHY(S_NAME));
	}
	free(s);
	if ((s = var_text(v[S_CONTACT])) != NULL)
		facts_set_str(f, "snmp.sys_contact", s);
	else
		facts_set_error(f, "snmp.sys_contact", "sysContact.0: %s", WHY(S_CONTACT));
	free(s);
	if ((s = var_text(v[S_LOCATION])) != NULL)
		facts_set_str(f, "snmp.sys_location", s);
	else
		facts_set_error(f, "snmp.sys_location", "sysLocation.0: %s", WHY(S_LOCATION));
	free(s);
	if (var_int_as(v[S_AUTHEN_TRAPS], ASN_INTEGER, &x) == 0)
		facts_set_bool(f, "snmp.authen_traps_enabled", x == 1);
	else
		facts_set_error(f, "snmp.authen_traps_enabled", "snmpEnableAuthenTraps.0: %s",
				WHY(S_AUTHEN_TRAPS));
	if (var_int_as(v[S_BAD_COMMUNITY], ASN_COUNTER, &x) == 0)
		facts_set_int(f, "snmp.in_bad_community_names", x);
	else
		facts_set_error(f, "snmp.in_bad_community_names", "snmpInBadCommunityNames.0: %s",
				WHY(S_BAD_COMMUNITY));
#undef VAR
#undef WHY
}

static int
cmp_port(const void *a, const void *b)
{
	long x = strtol(*(const char *const *)a, NULL, 10), y = strtol(*(const char *const *)b, NULL, 10);

	return (x > y) - (x < y);
}

/*
 * Walks column col (GETBULK, or GETNEXT on SNMPv1) and collects the local
 * port of each row: the index component at port_at from the column's end
 * (tcpListenerTable: the last one), only rows whose value is want (or any
 * value when want < 0). 0, 1 when the column is empty or absent, -1 at the
 * deadline (report_fatal set), -2 when the walk broke (why in err).
 */
static int
walk_ports(struct probe *p, struct req *tmpl, const oid *col, size_t ncol, bool port_last,
	   long want, char **ports, size_t *nports, char *err, size_t nerr)
{
	oid next[MAX_OID_LEN];
	size_t nnext = ncol, rows = 0, k;
	const netsnmp_variable_list *v;
	struct req q;
	long long x;
	bool done = false;

	memcpy(next, col, ncol * sizeof(oid));
	q = *tmpl;
	q.sess = NULL;
	q.resp = NULL;
	if (req_open(p, &q) == -1) {
		snprintf(err, nerr, "%s", q.err);
		return -2;
	}
	while (!done && rows < WALK_ROWS_MAX) {
		struct oidref ref = { next, nnext };

		q.state = RQ_PENDING;
		if (q.resp)
			snmp_free_pdu(q.resp);
		q.resp = NULL;
		req_send(&q, q.version == SNMP_VERSION_1 ? SNMP_MSG_GETNEXT : SNMP_MSG_GETBULK, &ref, 1);
		if (run_reqs(p, &q, 1, "data") == -1) {
			req_close(&q);
			return -1;
		}
		if (q.state != RQ_ANSWERED || !q.resp) {
			snprintf(err, nerr, "the walk got no answer");
			req_close(&q);
			return -2;
		}
		if (q.resp->errstat == SNMP_ERR_NOSUCHNAME)	/* SNMPv1 end of view */
			break;
		done = true;
		for (v = q.resp->variables; v; v = v->next_variable) {
			if (v->type == SNMP_ENDOFMIBVIEW || v->name_length <= ncol ||
			    snmp_oid_compare(v->name, ncol, col, ncol) != 0)
				break;
			if (snmp_oid_compare(v->name, v->name_length, next, nnext) <= 0) {
				snprintf(err, nerr, "the agent's walk does not advance");
				req_close(&q);
				return -2;
			}
			memcpy(next, v->name, v->name_length * sizeof(oid));
			nnext = v->name_length;
			done = false;
			rows++;
			if (want >= 0 && (var_int(v, &x) == -1 || x != want))
				continue;
			/* tcpListenerTable: ...type.len.addr....port; tcpConnTable: ...a.b.c.d.port.ra.rb.rc.rd.rport */
			k = port_last ? v->name_length - 1 : ncol + 4;
			if (k < v->name_length && *nports < PORTS_MAX) {
				char buf[24];
				size_t i;

				snprintf(buf, sizeof(buf), "%lu", (unsigned long)v->name[k]);
				for (i = 0; i < *nports && strcmp(ports[i], buf) != 0; i++)
					;
				if (i == *nports)
					ports[(*nports)++] = xstrdup(buf);
			}
		}
	}
	req_close(&q);
	return rows ? 0 : 1;
}

/* The TCP listeners: tcpListenerTable, else tcpConnTable in state listen(2). -1 at the deadline. */
static int
listen_facts(struct probe *p, struct facts *f, struct req *tmpl)
{
	char *ports[PORTS_MAX], err[ERRMSG_MAX];
	size_t n = 0, i;
	int rc;

	err[0] = '\0';
	rc = walk_ports(p, tmpl, tcp_listener, NELEM(tcp_listener), true, -1, ports, &n, err,
			sizeof(err));
	if (rc == 1)
		rc = walk_ports(p, tmpl, tcp_conn_state, NELEM(tcp_conn_state), false, 2, ports, &n,
				err, sizeof(err));
	if (rc == -1)
		goto out;
	if (rc == -2)
		facts_set_error(f, "snmp.tcp_listen_ports", "%s", err);
	else if (rc == 1)
		facts_set_error(f, "snmp.tcp_listen_ports",
				"neither tcpListenerTable nor tcpConnTable answered");
	else {
		qsort(ports, n, sizeof(ports[0]), cmp_port);
		facts_set_list(f, "snmp.tcp_listen_ports", (const char *const *)ports, n);
	}
	rc = 0;
out:
	for (i = 0; i < n; i++)
		free(ports[i]);
	return rc;
}

/*
 * The data round with the credential of tmpl: the scalars (unless have, the
 * answer to a GET of all of them, is given), then the listeners. -1 at the
 * deadline.
 */
static int
data_round(struct probe *p, struct facts *f, struct req *tmpl, netsnmp_pdu *have)
{
	struct req q[S_COUNT];
	netsnmp_pdu *resp[S_COUNT];
	struct oidref refs[S_COUNT];
	size_t i, nq = tmpl->version == SNMP_VERSION_1 ? S_COUNT : 1;
	int rc = 0;

	if (have) {
		for (i = 0; i < S_COUNT; i++)
			resp[i] = have;
		scalar_facts(f, resp, p->o);
		return listen_facts(p, f, tmpl);
	}
	for (i = 0; i < S_COUNT; i++) {
		refs[i].o = scalars[i].o;
		refs[i].n = scalars[i].n;
	}
	/* SNMPv1 fails a whole GET on one absent OID: one request per scalar there */
	for (i = 0; i < nq; i++) {
		q[i] = *tmpl;
		q[i].state = RQ_PENDING;
		q[i].sess = NULL;
		q[i].resp = NULL;
		if (req_open(p, &q[i]) == 0)
			req_send(&q[i], SNMP_MSG_GET, nq == 1 ? refs : &refs[i], nq == 1 ? S_COUNT : 1);
	}
	if (run_reqs(p, q, nq, "data") == -1) {
		rc = -1;
		goto out;
	}
	for (i = 0; i < S_COUNT; i++)
		resp[i] = q[nq == 1 ? 0 : i].resp;
	if (nq == 1 && !resp[0]) {
		facts_error_all(f, data_facts, NELEM(data_facts),
				q[0].err[0] ? q[0].err : "the data request got no answer");
		goto out;
	}
	scalar_facts(f, resp, p->o);
	rc = listen_facts(p, f, tmpl);
out:
	for (i = 0; i < nq; i++)
		req_close(&q[i]);
	return rc;
}

static const char *
level_name(int level)
{
	return level == SNMP_SEC_LEVEL_AUTHPRIV	  ? "authPriv"
	       : level == SNMP_SEC_LEVEL_AUTHNOPRIV ? "authNoPriv"
						    : "noAuthNoPriv";
}

static int
cred_level(const struct snmp_cred *c)
{
	return c->level == SNMP_AUTHPRIV     ? SNMP_SEC_LEVEL_AUTHPRIV
	       : c->level == SNMP_AUTHNOPRIV ? SNMP_SEC_LEVEL_AUTHNOPRIV
					     : SNMP_SEC_LEVEL_NOAUTH;
}

/* ---- SNMP-010: snmpInBadCommunityNames from one run to the next ---------- */

/*
 * The state file of the device: DIR/snmp-HOST-PORT.state, each byte of HOST
 * outside [A-Za-z0-9.-] as '_' (an IPv6 address's colons too). One line:
 * "cyberbaseline-snmp 1 READING UNIXTIME", the counter after our own probes.
 */
static void
state_path(char *out, size_t n, const char *dir, const struct opts *o)
{
	char host[256];
	size_t i;

	for (i = 0; o->host[i] && i < sizeof(host) - 1; i++) {
		char ch = o->host[i];

		host[i] = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
				  (ch >= '0' && ch <= '9') || ch == '.' || ch == '-'
			  ? ch
			  : '_';
	}
	host[i] = '\0';
	snprintf(out, n, "%s/snmp-%s-%s.state", dir, host, o->port);
}

/* 0 with the reading, 1 when there is no file, -1 with why. */
static int
state_read(const char *path, unsigned long long *val, long long *when, char *why, size_t nwhy)
{
	char buf[128], tail;
	ssize_t got;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);

	if (fd == -1) {
		if (errno == ENOENT)
			return 1;
		snprintf(why, nwhy, "%s", strerror(errno));
		return -1;
	}
	got = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (got < 0) {
		snprintf(why, nwhy, "%s", strerror(errno));
		return -1;
	}
	buf[got] = '\0';
	if (sscanf(buf, "cyberbaseline-snmp 1 %llu %lld%c", val, when, &tail) != 3 || tail != '\n' ||
	    *val > 0xffffffffULL) {
		snprintf(why, nwhy, "not a state file of this check");
		return -1;
	}
	return 0;
}

/* Writes the reading: a temporary file in dir, renamed over path. 0, or -1 with why. */
static int
state_write(const char *dir, const char *path, long long val, char *why, size_t nwhy)
{
	char tmp[PATH_MAX], line[96];
	int fd, n;

	snprintf(tmp, sizeof(tmp), "%s/.snmp-state-XXXXXX", dir);
	fd = mkstemp(tmp);
	if (fd == -1) {
		snprintf(why, nwhy, "%s", strerror(errno));
		return -1;
	}
	n = snprintf(line, sizeof(line), "cyberbaseline-snmp 1 %lld %lld\n", val, (long long)time(NULL));
	if (write(fd, line, (size_t)n) != n || close(fd) != 0 || rename(tmp, path) != 0) {
		snprintf(why, nwhy, "%s", strerror(errno ? errno : EIO));
		unlink(tmp);
		return -1;
	}
	return 0;
}

/*
 * snmp.bad_community_growth: how many requests with a wrong community the
 * agent counted between the end of our previous run and the start of this
 * one, that is, not ours. The carrier read the counter before our probes;
 * c1 after them, and that reading is kept for the next run, but only when
 * it holds all of our probes: settled by the barrier, or none refused
 * (a probe that timed out was sent again after c1). Else the kept reading
 * is removed, and the next run starts afresh.
 */
static void
growth_fact(struct probe *p, struct facts *f, const struct req *carrier, const struct req *q,
	    size_t nq, const char *dir)
{
	static const char *const fact = "snmp.bad_community_growth";
	long long before = carrier ? bad_communities(carrier) : -1;
	long long after = p->c1 ? bad_communities(p->c1) : -1;
	unsigned long long prev = 0;
	long long when = 0;
	char path[PATH_MAX], why[256];
	bool clean = p->by_counter;
	struct stat st;
	size_t i;
	int rc;

	if (before < 0) {
		facts_set_error(f, fact, "needs a credential that reads snmpInBadCommunityNames.0 "
			        "(give --credentials)");
		return;
	}
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		facts_set_error(f, fact, "state directory '%s': %s (create it, writable by the user "
				"the check runs as, or give --state-dir)", dir,
				errno && !S_ISDIR(st.st_mode) ? strerror(errno) : "not a directory");
		return;
	}
	state_path(path, sizeof(path), dir, p->o);
	rc = state_read(path, &prev, &when, why, sizeof(why));
	if (rc == -1)
		facts_set_error(f, fact, "state '%s': %s", path, why);
	else if (rc == 1)
		facts_set_error(f, fact, "no earlier reading (the first run): known from the next run on");
	else if ((unsigned long long)before < prev)
		facts_set_error(f, fact, "snmpInBadCommunityNames.0 went back from %llu to %lld (the "
				"agent restarted?): known from the next run on", prev, before);
	else
		facts_set_int(f, fact, before - (long long)prev);

	if (!clean) {
		clean = true;
		for (i = 0; i < nq; i++)
			clean &= q[i].state != RQ_NO_ANSWER;
	}
	if (after >= 0 && clean) {
		if (state_write(dir, path, after, why, sizeof(why)) == -1)
			report_note(p->r, "SNMP-010 state not written to '%s': %s", dir, why);
	} else if (rc == 0 && unlink(path) != 0) {
		report_note(p->r, "SNMP-010 state '%s' not removed: %s", path, strerror(errno));
	}
}

/*
 * The first round, everything that does not depend on an answer, sent at
 * once in this order: the carrier (the credential's GET of all the scalars,
 * which reads snmpInBadCommunityNames before the probes), the community
 * probes (sysDescr.0 with each community over v1 and v2c), the SNMPv3 user
 * at the weaker levels, and c1 (the counter again, for barrier_check()).
 * The carrier is the SNMPv3 user at its level or, without one, the site's
 * community over v2c. Returns 0, or -1 at the deadline.
 */
static int
first_round(struct probe *p, struct req *rq, size_t nq, struct req *v3, size_t nv3,
	    struct req *carrier, struct req *c1)
{
	static const struct oidref descr = { scalars[S_DESCR].o, 9 };
	static const struct oidref counter = { scalars[S_BAD_COMMUNITY].o, 9 };
	struct oidref all[S_COUNT];
	size_t i;

	for (i = 0; i < S_COUNT; i++) {
		all[i].o = scalars[i].o;
		all[i].n = scalars[i].n;
	}
	deadline_stage(&p->d, "first round");
	/*
	 * The carrier first. For SNMPv3 net-snmp discovers the agent's engine ID
	 * (and its boots and time) when the first request is sent, synchronously:
	 * the other SNMPv3 sessions are opened knowing it, and skip that.
	 */
	p->sent_ms = mono_ms();
	if (carrier && req_open(p, carrier) == 0) {
		req_send(carrier, SNMP_MSG_GET, all, S_COUNT);
		if (carrier->version == SNMP_VERSION_3) {
			const netsnmp_session *ss = snmp_sess_session(carrier->sess);

			if (ss && ss->securityEngineIDLen > 0 &&
			    ss->securityEngineIDLen <= sizeof(p->engine)) {
				memcpy(p->engine, ss->securityEngineID, ss->securityEngineIDLen);
				p->engine_len = ss->securityEngineIDLen;
			}
		}
	}
	for (i = 0; i < nv3; i++) {
		if (&v3[i] == carrier)
			continue;
		if (p->engine_len == 0) {	/* no engine: each would try the discovery again */
			v3[i].state = carrier->state == RQ_NO_ANSWER ? RQ_NO_ANSWER : RQ_FAILED;
			snprintf(v3[i].err, sizeof(v3[i].err), "%s", carrier->err);
			continue;
		}
		req_open(p, &v3[i]);
	}
	for (i = 0; i < nq; i++)
		if (&rq[i] != carrier)
			req_open(p, &rq[i]);
	if (carrier && carrier->sess) {
		*c1 = *carrier;
		c1->sess = NULL;
		if (req_open(p, c1) == 0) {
			p->c0 = carrier;
			p->c1 = c1;
			p->probes = rq;
			p->nprobes = nq;
		}
	}
	if (deadline_expired(&p->d)) {
		report_fatal(p->r, p->o->timeout_result, "timeout after %us in stage 'first round'",
			     p->o->timeout);
		return -1;
	}
	for (i = 0; i < nq; i++)
		if (rq[i].sess && &rq[i] != carrier)
			req_send(&rq[i], SNMP_MSG_GET, &descr, 1);
	for (i = 0; i < nv3; i++)
		if (v3[i].sess && &v3[i] != carrier)
			req_send(&v3[i], SNMP_MSG_GET, &descr, 1);
	if (p->c1)
		req_send(c1, SNMP_MSG_GET, &counter, 1);
	/* one array for run_reqs(): the callers' requests are contiguous in rq */
	return run_reqs(p, rq, nq + nv3 + (p->c1 ? 1 : 0), "first round");
}

/* All I/O. 0 with facts in f, or -1 with report_fatal() set. */
static int
probe(struct facts *f, const struct opts *o, const struct run *run, const struct snmp_cred *cred,
      const char *state_dir, struct report *r)
{
	struct probe p = { .o = o, .r = r, .cred = cred };
	struct req rq[REQS_MAX], *q = rq, *v3, *c1, *carrier = NULL, *data = NULL;
	const char *comm[COMMUNITIES_MAX + 2], *answering[COMMUNITIES_MAX + 1];
	size_t ncomm, nq = 0, nv3 = 0, nans = 0, i;
	bool any_v1 = false, any_v2 = false, public_ans = false, alive = false;
	bool have_v3 = cred && cred->user;
	struct errmsg err;
	const char *legacy = cred ? cred->community : NULL;
	int rc = -1, want = have_v3 ? cred_level(cred) : SNMP_SEC_LEVEL_NOAUTH;

	memset(rq, 0, sizeof(rq));
	deadline_start(&p.d, o->timeout);
	snprintf(p.peer, sizeof(p.peer), strchr(o->host, ':') ? "udp6:[%s]:%s" : "udp:%s:%s",
		 o->host, o->port);

	/* the communities, v1 and v2c: q[2k] v1, q[2k + 1] v2c of comm[k] */
	ncomm = default_communities(run, o->baseline, comm, &err);
	if (ncomm == 0) {
		report_fatal(r, STATE_UNKNOWN, "%s", err.msg);
		return -1;
	}
	if (legacy)
		comm[ncomm++] = legacy;
	for (i = 0; i < ncomm; i++) {
		q[nq].version = SNMP_VERSION_1;
		q[nq++].community = comm[i];
		q[nq].version = SNMP_VERSION_2c;
		q[nq++].community = comm[i];
	}
	/* SNMPv3 with the site's user, at its level and at the two weaker ones */
	v3 = &rq[nq];
	if (have_v3) {
		v3[nv3].version = SNMP_VERSION_3;
		v3[nv3++].level = want;
		if (want != SNMP_SEC_LEVEL_NOAUTH) {
			v3[nv3].version = SNMP_VERSION_3;
			v3[nv3++].level = SNMP_SEC_LEVEL_NOAUTH;
		}
		if (want == SNMP_SEC_LEVEL_AUTHPRIV) {
			v3[nv3].version = SNMP_VERSION_3;
			v3[nv3++].level = SNMP_SEC_LEVEL_AUTHNOPRIV;
		}
		carrier = &v3[0];
	} else if (legacy) {
		carrier = &q[nq - 1];	/* the site's community over v2c */
	}
	c1 = &rq[nq + nv3];
	if (first_round(&p, q, nq, v3, nv3, carrier, c1) == -1)
		goto out;

	for (i = 0; i < nq; i++) {
		bool ans = accepted(&q[i]);
		bool is_default = i / 2 < ncomm - (legacy ? 1 : 0);

		if (!ans)
			continue;
		alive = true;
		any_v1 |= q[i].version == SNMP_VERSION_1;
		any_v2 |= q[i].version == SNMP_VERSION_2c;
		if (i / 2 == 0)
			public_ans = true;
		else if (is_default && (nans == 0 || answering[nans - 1] != comm[i / 2]))
			answering[nans++] = comm[i / 2];
		/* the data credential: the site's community first, v2c over v1 */
		if (!data || (!is_default && data->community != legacy) ||
		    (q[i].community == data->community && q[i].version == SNMP_VERSION_2c))
			data = &q[i];
	}

	if (have_v3) {
		if (v3[0].state == RQ_FAILED &&
		    (v3[0].report == SNMPERR_AUTHENTICATION_FAILURE ||
		     v3[0].report == SNMPERR_UNKNOWN_USER_NAME ||
		     v3[0].report == SNMPERR_DECRYPTION_ERR)) {
			report_fatal(r, STATE_UNKNOWN, "SNMPv3 authentication failed for user '%s' at %s: %s",
				     cred->user, level_name(want),
				     v3[0].report == SNMPERR_AUTHENTICATION_FAILURE
					     ? "wrong digest (check auth-protocol and auth-passphrase in --credentials)"
				     : v3[0].report == SNMPERR_UNKNOWN_USER_NAME
					     ? "the agent does not know the user"
					     : "decryption error (check priv-protocol and priv-passphrase in --credentials)");
			goto out;
		}
		if (v3[0].state == RQ_FAILED && strncmp(v3[0].err, "this net-snmp cannot do", 23) == 0) {
			report_fatal(r, STATE_UNKNOWN, "%s", v3[0].err);
			goto out;
		}
		alive |= v3[0].state == RQ_ANSWERED || v3[0].report != 0;
		facts_set_bool(f, "snmp.v3_authpriv", accepted(&v3[0]) && want == SNMP_SEC_LEVEL_AUTHPRIV);
		facts_set_str(f, "snmp.v3_auth_protocol", snmp_auth_name(cred->auth));
		facts_set_str(f, "snmp.v3_priv_protocol", snmp_priv_name(cred->priv));
		facts_set_bool(f, "snmp.v3_noauth_accepted",
			       accepted(&v3[want == SNMP_SEC_LEVEL_NOAUTH ? 0 : 1]));
		facts_set_bool(f, "snmp.v3_authnopriv_accepted",
			       want == SNMP_SEC_LEVEL_AUTHNOPRIV ? accepted(&v3[0])
			       : want == SNMP_SEC_LEVEL_AUTHPRIV ? accepted(&v3[2])
								 : false);
		if (accepted(&v3[0]))
			data = &v3[0];
	} else {
		facts_error_all(f, v3_facts, NELEM(v3_facts),
				"no SNMPv3 user to test: give one in --credentials");
	}

	if (!alive && !have_v3) {
		/* an SNMPv3 engine answers discovery whatever its users: alive, but closed to us */
		struct req disc = { .version = SNMP_VERSION_3, .level = SNMP_SEC_LEVEL_NOAUTH };

		deadline_stage(&p.d, "v3");
		if (req_open(&p, &disc) == 0) {
			static const struct oidref descr = { scalars[S_DESCR].o, 9 };
			netsnmp_session *ss = snmp_sess_session(disc.sess);

			if (ss && ss->securityEngineIDLen > 0) {
				alive = true;
			} else {
				req_send(&disc, SNMP_MSG_GET, &descr, 1);
				if (run_reqs(&p, &disc, 1, "v3") == -1) {
					req_close(&disc);
					goto out;
				}
				alive = disc.state == RQ_ANSWERED || disc.report != 0;
			}
		}
		req_close(&disc);
	}
	if (!alive) {
		report_fatal(r, o->unreachable_result,
			     "no SNMP answer from %s:%s: no community answered%s", o->host, o->port,
			     have_v3 ? ", and SNMPv3 got no answer" : " (give an SNMPv3 user or the site's community in --credentials)");
		goto out;
	}
	facts_set_bool(f, "snmp.public_answers", public_ans);
	facts_set_list(f, "snmp.default_communities_answering", answering, nans);
	if (any_v1 || any_v2 || legacy) {
		facts_set_bool(f, "snmp.v1_answers", any_v1);
		facts_set_bool(f, "snmp.v2c_answers", any_v2);
	} else {
		facts_set_error(f, "snmp.v1_answers",
				"no community to try: give the site's community in --credentials");
		facts_set_error(f, "snmp.v2c_answers",
				"no community to try: give the site's community in --credentials");
	}

	growth_fact(&p, f, carrier, q, nq, state_dir);

	/* the data, with the best credential that answered (the carrier's GET has the scalars) */
	if (!data) {
		facts_error_all(f, data_facts, NELEM(data_facts),
				"no credential answers: give --credentials");
		rc = 0;
		goto out;
	}
	{
		struct req tmpl = *data;

		tmpl.sess = NULL;
		tmpl.resp = NULL;
		rc = data_round(&p, f, &tmpl, data == carrier ? data->resp : NULL);
	}
out:
	for (i = 0; i < REQS_MAX; i++)
		req_close(&rq[i]);
	explicit_bzero(p.auth_ku, sizeof(p.auth_ku));	/* as good as the pass phrases */
	explicit_bzero(p.priv_ku, sizeof(p.priv_ku));
	return rc;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "credentials", required_argument, NULL, OPT_CREDENTIALS },
		{ "state-dir", required_argument, NULL, OPT_STATE_DIR },
		{ NULL, 0, NULL, 0 },
	};
	struct snmp_opts t = { 0 };
	const struct opts_ext ext = {
		.usage = "-H HOST [-p PORT] [--credentials FILE] [--state-dir DIR]",
		.help = help,
		.description = description,
		.default_port = "161",
		.needs_host = true,
		.longopts = longopts,
		.handle = handle,
		.ctx = &t,
	};
	struct snmp_cred cred;
	struct report r;
	struct opts o;
	struct run run;
	struct facts f;
	struct errmsg e;
	bool have_cred = false;
	int rc;

	memset(&run, 0, sizeof(run));
	memset(&cred, 0, sizeof(cred));
	facts_init(&f);
	report_init(&r, "snmp", "check_baseline_snmp");
	if (opts_parse(&o, argc, argv, &ext, &r) == 0 && run_load(&run, &o, "snmp", &r) == 0) {
		if (t.credentials && snmp_cred_load(t.credentials, &cred, &e) == -1) {
			report_fatal(&r, STATE_UNKNOWN, "%s", e.msg);
		} else {
			have_cred = t.credentials != NULL;
			snmp_setup(&r);
			const char *dir = t.state_dir ? t.state_dir : getenv("CYBERBASELINE_STATE_DIR");

			if (!dir || !*dir)
				dir = STATE_DIR_DEFAULT;
			if (probe(&f, &o, &run, have_cred ? &cred : NULL, dir, &r) == 0)
				run_evaluate(&run, &f, &r);
		}
	}
	rc = run_finish(&run, &o, &r);
	snmp_cred_release(&cred);
	facts_release(&f);
	return rc;
}
