/* TLS handshakes side by side on one server: see tlsprobe.h. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "deadline.h"
#include "net.h"
#include "tlsprobe.h"
#include "banned.h"

#define RAW_BUF_MAX (TLS_WIRE_RECORD_MAX + 16)
#define STARTTLS_BUF_MAX (STARTTLS_LINE_MAX * 8)
/* Curves to offer with: every suite of TLS 1.3, the ECDHE ones below it. */
#define ECDHE_SUITES "ECDHE"

static const char *const raw_names[] = { "SSLv2", "SSLv3" };

const char *
tlsprobe_job_name(const struct tlsprobe_job *j)
{
	return j->kind == TLSPROBE_RAW ? raw_names[j->raw] : tls_version_name(j->v);
}

static void
job_close(struct tlsprobe_job *j)
{
	tls_attempt_free(j->a);
	j->a = NULL;
	if (j->fd != -1)
		close(j->fd);
	j->fd = -1;
	j->events = 0;
}

static void
job_end(struct tlsprobe_job *j, enum tlsprobe_outcome out, const char *err)
{
	job_close(j);
	j->out = out;
	if (err)
		snprintf(j->err, sizeof(j->err), "%s", err);
}

/* The OpenSSL cipher string of what j still offers. */
static char *
offer_string(const struct tlsprobe_job *j)
{
	struct sbuf sb;
	size_t i;

	sbuf_init(&sb, 64 * 1024);
	for (i = 0; i < j->noffer; i++) {
		if (i)
			sbuf_addch(&sb, ':');
		sbuf_addstr(&sb, j->offer[i]);
	}
	return sbuf_detach(&sb);
}

/* The handshake itself, on j's connected (and upgraded) connection. */
static void
job_handshake(struct tlsprobe *p, struct tlsprobe_job *j)
{
	struct tls_attempt_opts ao;
	struct errmsg e;
	uint8_t hello[TLS_WIRE_HELLO_MAX];
	char *offer = NULL;
	size_t n;

	j->phase = TLSPROBE_PH_HANDSHAKE;
	if (j->kind == TLSPROBE_RAW) {
		n = tls_wire_client_hello(j->raw, hello);
		if (send(j->fd, hello, n, MSG_NOSIGNAL) != (ssize_t)n) {
			job_end(j, TLSPROBE_REFUSED, "connection closed before our ClientHello");
			return;
		}
		j->buf = j->buf ? j->buf : xmalloc(RAW_BUF_MAX);
		j->len = 0;
		j->events = POLLIN;
		return;
	}
	memset(&ao, 0, sizeof(ao));
	ao.version = j->v;
	ao.sni = p->sni;
	if (j->kind == TLSPROBE_PROTO) {
		ao.want_cert = true;
		ao.want_ocsp = true;
		ao.ca_file = p->ca_file;
		ao.verify_name = p->verify_name;
	} else if (j->kind == TLSPROBE_CIPHERS) {
		offer = offer_string(j);
		if (j->v == TLS_V13)
			ao.ciphersuites = offer;
		else
			ao.ciphers = offer;
		/*
		 * The suite is in the ServerHello. Below TLS 1.3 an ECDHE suite's
		 * curve comes later, in the ServerKeyExchange: TLS 1.2's group
		 * enumeration finds every curve anyway, but TLS 1.0 and 1.1 have
		 * none, so their suites still take the whole handshake.
		 */
		ao.hello_only = j->v >= TLS_V12;
	} else {
		offer = offer_string(j);
		ao.groups = offer;
		if (j->v != TLS_V13)
			ao.ciphers = ECDHE_SUITES;
		/* TLS 1.3's group is in the ServerHello's key share */
		ao.hello_only = j->v == TLS_V13;
	}
	j->a = tls_attempt_new(j->fd, &ao, &e);
	free(offer);
	if (!j->a) {
		job_end(j, TLSPROBE_FAILED, e.msg);
		return;
	}
	j->events = POLLOUT;
}

/*
 * The STARTTLS prelude, one step: with `readable`, reads what the server
 * sent; feeds the dialogue, sends our next command, and starts the
 * handshake once the server said go ahead.
 */
static void
job_starttls(struct tlsprobe *p, struct tlsprobe_job *j, bool readable)
{
	enum starttls_status s;
	const char *out;
	size_t used;
	ssize_t got;

	if (readable) {
		if (j->stlen == STARTTLS_BUF_MAX) {
			job_end(j, TLSPROBE_FAILED, "reply over the cap");
			return;
		}
		got = read(j->fd, j->stbuf + j->stlen, STARTTLS_BUF_MAX - j->stlen);
		if (got < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (got <= 0) {
			job_end(j, TLSPROBE_FAILED, NULL);
			snprintf(j->err, sizeof(j->err), "connection closed during the %s dialogue",
				 starttls_proto_name(p->proto));
			return;
		}
		j->stlen += (size_t)got;
	}
	for (;;) {
		s = starttls_feed(&j->st, j->stbuf, j->stlen, &used, &out);
		memmove(j->stbuf, j->stbuf + used, j->stlen - used);
		j->stlen -= used;
		switch (s) {
		case STARTTLS_READY:
			job_handshake(p, j);
			return;
		case STARTTLS_NOT_OFFERED:
			j->not_offered = true;
			job_end(j, TLSPROBE_REFUSED, "the server does not offer STARTTLS");
			return;
		case STARTTLS_BAD:
			job_end(j, TLSPROBE_FAILED, j->st.msg);
			return;
		case STARTTLS_NEED_MORE:
			break;
		}
		if (!out) {
			j->events = POLLIN;
			return;
		}
		/* a command of a few bytes on a fresh socket: the send buffer takes it whole */
		if (send(j->fd, out, strlen(out), MSG_NOSIGNAL) != (ssize_t)strlen(out)) {
			job_end(j, TLSPROBE_FAILED, NULL);
			snprintf(j->err, sizeof(j->err), "cannot send '%.*s'", (int)strcspn(out, "\r"),
				 out);
			return;
		}
	}
}

/* j's connection is up: the prelude, or straight to the handshake. */
static void
job_connected(struct tlsprobe *p, struct tlsprobe_job *j)
{
	if (!p->starttls) {
		job_handshake(p, j);
		return;
	}
	j->phase = TLSPROBE_PH_STARTTLS;
	starttls_init(&j->st, p->proto);
	j->stbuf = j->stbuf ? j->stbuf : xmalloc(STARTTLS_BUF_MAX);
	j->stlen = 0;
	job_starttls(p, j, false);
}

/* Starts j's next handshake on a fresh connection (or the first one, kept). */
static void
job_start(struct tlsprobe *p, struct tlsprobe_job *j)
{
	struct errmsg e;
	int rc = 0;

	j->phase = TLSPROBE_PH_CONNECT;
	if (p->spare_fd != -1) {
		j->fd = p->spare_fd;
		p->spare_fd = -1;
	} else {
		rc = net_connect_start((const struct sockaddr *)&p->addr, p->addrlen, &j->fd, &e);
		if (rc == -1) {
			job_end(j, TLSPROBE_FAILED, e.msg);
			return;
		}
	}
	if (rc == 1) {
		j->events = POLLOUT;
		return;
	}
	job_connected(p, j);
}

static void
cipher_accepted(struct tlsprobe_job *j, const struct tls_result *res)
{
	const char *chosen = j->kind == TLSPROBE_GROUPS ? res->kx_offered : res->cipher_openssl;
	size_t i, k;

	if (j->kind == TLSPROBE_GROUPS && j->nsuites < TLSPROBE_SUITES_MAX) {
		j->groups[j->nsuites++] = xstrdup(res->kx_group);
	} else if (j->nsuites < TLSPROBE_SUITES_MAX) {
		j->suites[j->nsuites] = xstrdup(res->cipher);
		if (res->kx_group[0] && strcmp(res->kx_group, "DH") == 0)
			j->groups[j->nsuites] = xasprintf("DH-%u", res->kx_bits);
		else
			j->groups[j->nsuites] = xstrdup(res->kx_group);
		j->nsuites++;
	}
	if (strcmp(res->kx_group, "DH") == 0 && (j->dh_bits_min == 0 || res->kx_bits < j->dh_bits_min))
		j->dh_bits_min = res->kx_bits;
	/* offer the rest next time */
	for (i = k = 0; i < j->noffer; i++)
		if (strcmp(j->offer[i], chosen) != 0)
			j->offer[k++] = j->offer[i];
	if (k == j->noffer)
		j->incomplete = true;	/* the server chose what we did not offer: stop */
	j->noffer = k;
}

/* Advances j after poll() said its fd is ready. */
static void
job_step(struct tlsprobe *p, struct tlsprobe_job *j)
{
	struct tls_wire_result wr;
	struct errmsg e;
	enum tls_step s;
	char msg[160];
	ssize_t got;

	if (j->phase == TLSPROBE_PH_CONNECT) {
		if (net_connect_finish(j->fd, &e) == -1)
			job_end(j, TLSPROBE_FAILED, e.msg);
		else
			job_connected(p, j);
		return;
	}
	if (j->phase == TLSPROBE_PH_STARTTLS) {
		job_starttls(p, j, true);
		return;
	}
	if (j->kind == TLSPROBE_RAW) {
		got = read(j->fd, j->buf + j->len, RAW_BUF_MAX - j->len);
		if (got < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (got <= 0) {
			/* a close in answer to an old hello is how many servers say no */
			job_end(j, j->len || got < 0 ? TLSPROBE_FAILED : TLSPROBE_REFUSED,
				got < 0 ? "connection reset" : "connection closed");
			return;
		}
		j->len += (size_t)got;
		switch (tls_wire_parse_answer(j->raw, j->buf, j->len, &wr, msg, sizeof(msg))) {
		case TLS_WIRE_NEED_MORE:
			if (j->len == RAW_BUF_MAX)
				job_end(j, TLSPROBE_FAILED, "answer over the cap");
			return;
		case TLS_WIRE_OK:
			job_end(j, wr.answer == TLS_WIRE_ACCEPTED ? TLSPROBE_ACCEPTED : TLSPROBE_REFUSED, NULL);
			return;
		case TLS_WIRE_BAD:
			job_end(j, TLSPROBE_FAILED, msg);
			return;
		}
		return;
	}
	s = tls_attempt_step(j->a);
	switch (s) {
	case TLS_STEP_WANT_READ:
		j->events = POLLIN;
		return;
	case TLS_STEP_WANT_WRITE:
		j->events = POLLOUT;
		return;
	case TLS_STEP_DONE:
		if (j->kind == TLSPROBE_PROTO) {
			j->res = *tls_attempt_result(j->a);
			job_end(j, TLSPROBE_ACCEPTED, NULL);
			return;
		}
		cipher_accepted(j, tls_attempt_result(j->a));
		job_close(j);
		if (j->noffer == 0 || j->incomplete || j->nsuites == TLSPROBE_SUITES_MAX) {
			j->out = TLSPROBE_ACCEPTED;
			return;
		}
		job_start(p, j);
		return;
	case TLS_STEP_REFUSED:
		snprintf(msg, sizeof(msg), "%s", tls_attempt_error(j->a));
		job_end(j, j->kind >= TLSPROBE_CIPHERS && j->nsuites ? TLSPROBE_ACCEPTED : TLSPROBE_REFUSED, msg);
		return;
	case TLS_STEP_FAILED:
		snprintf(msg, sizeof(msg), "%s", tls_attempt_error(j->a));
		if (j->kind >= TLSPROBE_CIPHERS && j->nsuites)
			j->incomplete = true;
		job_end(j, TLSPROBE_FAILED, msg);
		return;
	}
}

int
tlsprobe_run(struct tlsprobe *p, struct tlsprobe_job *jobs, size_t n, const char *stage,
	     bool *timed_out, const char **stage_out, const char **job_out, struct errmsg *e)
{
	static const char *const phase_stage[] = { "connect", "starttls", NULL };
	struct pollfd pfd[64];
	size_t idx[64], i, np;
	const char *st;
	int ready;

	*timed_out = false;
	for (i = 0; i < n; i++)
		if (jobs[i].out == TLSPROBE_PENDING)
			job_start(p, &jobs[i]);
	for (;;) {
		deadline_stage(p->d, stage);
		for (i = np = 0; i < n && np < NELEM(pfd); i++)
			if (jobs[i].out == TLSPROBE_PENDING && jobs[i].fd != -1) {
				pfd[np].fd = jobs[i].fd;
				pfd[np].events = jobs[i].events;
				pfd[np].revents = 0;
				idx[np++] = i;
			}
		if (np == 0)
			return 0;
		if (deadline_expired(p->d)) {
			st = phase_stage[jobs[idx[0]].phase];
			*timed_out = true;
			*stage_out = st ? st : stage;
			*job_out = tlsprobe_job_name(&jobs[idx[0]]);
			errmsg_set(e, "timeout in stage '%s' (%s)", *stage_out, *job_out);
			return -1;
		}
		ready = poll(pfd, (nfds_t)np, deadline_remaining_ms(p->d));
		if (ready < 0 && errno != EINTR) {
			errmsg_set(e, "poll failed: %s", strerror(errno));
			return -1;
		}
		for (i = 0; ready > 0 && i < np; i++)
			if (pfd[i].revents)
				job_step(p, &jobs[idx[i]]);
	}
}

void
tlsprobe_jobs_release(struct tlsprobe_job *jobs, size_t n)
{
	size_t i, k;

	for (i = 0; i < n; i++) {
		job_close(&jobs[i]);
		free(jobs[i].buf);
		free(jobs[i].stbuf);
		for (k = 0; k < jobs[i].nsuites; k++) {
			free(jobs[i].suites[k]);
			free(jobs[i].groups[k]);
		}
	}
}

