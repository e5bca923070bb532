/* DNS questions under a deadline: libresolv builds and reads, we carry. */
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <resolv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "deadline.h"
#include "dns.h"
#include "net.h"
#include "util.h"
#include "banned.h"

#define EDNS_PAYLOAD 1232	/* the DNS flag day 2020 size: no fragments */
#define OPT_RR_LEN 11
#define QUERY_MAX (NS_MAXDNAME + 64)

const char *
dns_status_name(enum dns_status st)
{
	switch (st) {
	case DNS_PENDING: return "not asked";
	case DNS_OK: return "answered";
	case DNS_NODATA: return "no record";
	case DNS_NXDOMAIN: return "NXDOMAIN";
	case DNS_SERVFAIL: return "SERVFAIL";
	case DNS_REFUSED: return "refused";
	case DNS_TIMEOUT: return "timeout";
	case DNS_BAD: return "unreadable answer";
	}
	return "?";
}

static void
set_text(struct dns_server *s)
{
	char a[INET6_ADDRSTRLEN];
	unsigned port;

	if (s->ss.ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)&s->ss;

		inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof(a));
		port = ntohs(s6->sin6_port);
		snprintf(s->text, sizeof(s->text), "[%s]:%u", a, port);
	} else {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)&s->ss;

		inet_ntop(AF_INET, &s4->sin_addr, a, sizeof(a));
		port = ntohs(s4->sin_port);
		snprintf(s->text, sizeof(s->text), "%s:%u", a, port);
	}
}

int
dns_server_parse(const char *text, struct dns_server *s, struct errmsg *e)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *port = NULL, *colon;
	unsigned long p = 53;
	char *end;
	size_t n;

	memset(s, 0, sizeof(*s));
	if (text[0] == '[') {
		const char *close = strchr(text, ']');

		if (!close || (close[1] && close[1] != ':'))
			goto bad;
		n = (size_t)(close - text - 1);
		if (close[1] == ':')
			port = close + 2;
		text++;
	} else if ((colon = strchr(text, ':')) && !strchr(colon + 1, ':')) {
		n = (size_t)(colon - text);
		port = colon + 1;
	} else {
		n = strlen(text);
	}
	if (n == 0 || n >= sizeof(host))
		goto bad;
	memcpy(host, text, n);
	host[n] = '\0';
	if (port) {
		errno = 0;
		p = strtoul(port, &end, 10);
		if (!*port || *end || errno || p == 0 || p > 65535 || port[0] == '+' || port[0] == '-')
			goto bad;
	}
	if (inet_pton(AF_INET, host, &((struct sockaddr_in *)&s->ss)->sin_addr) == 1) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&s->ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)p);
		s->len = sizeof(*s4);
	} else if (inet_pton(AF_INET6, host, &((struct sockaddr_in6 *)&s->ss)->sin6_addr) == 1) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&s->ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)p);
		s->len = sizeof(*s6);
	} else {
		goto bad;
	}
	set_text(s);
	return 0;
bad:
	errmsg_set(e, "invalid DNS server '%s' (an IP address, optionally with :PORT; IPv6 as [ADDR]:PORT)",
		   text);
	return -1;
}

int
dns_server_system(struct dns_server *s, struct errmsg *e)
{
	struct __res_state st;
	int rc = -1;

	memset(&st, 0, sizeof(st));
	memset(s, 0, sizeof(*s));
	if (res_ninit(&st) != 0) {
		errmsg_set(e, "cannot read the resolver configuration (/etc/resolv.conf)");
		return -1;
	}
	if (st.nscount > 0 && st.nsaddr_list[0].sin_family == AF_INET) {
		memcpy(&s->ss, &st.nsaddr_list[0], sizeof(st.nsaddr_list[0]));
		s->len = sizeof(struct sockaddr_in);
		rc = 0;
	} else if (st._u._ext.nsaddrs[0]) {
		memcpy(&s->ss, st._u._ext.nsaddrs[0], sizeof(struct sockaddr_in6));
		s->len = sizeof(struct sockaddr_in6);
		rc = 0;
	}
	res_nclose(&st);
	if (rc == -1)
		errmsg_set(e, "no nameserver in /etc/resolv.conf: give one with --dns-server");
	else
		set_text(s);
	return rc;
}

void
dns_query_release(struct dns_query *q)
{
	if (q->fd >= 0)
		close(q->fd);
	q->fd = -1;
	free(q->q);
	free(q->msg);
	q->q = q->msg = NULL;
	q->qlen = q->msglen = 0;
	q->nrr = 0;
}

int
dns_query_init(struct dns_query *q, const char *name, uint16_t type)
{
	struct __res_state st;
	uint8_t buf[QUERY_MAX];
	size_t n = strlen(name);
	int len;

	memset(q, 0, sizeof(*q));
	q->fd = -1;
	if (n == 0 || n >= sizeof(q->name) || n > NS_MAXDNAME - 2)
		return -1;
	memcpy(q->name, name, n + 1);
	if (q->name[n - 1] == '.' && n > 1)
		q->name[n - 1] = '\0';
	q->type = type;
	/* res_nmkquery only reads options and the id counter from the state */
	memset(&st, 0, sizeof(st));
	st.options = RES_INIT | RES_RECURSE;
	len = res_nmkquery(&st, ns_o_query, q->name, ns_c_in, type, NULL, 0, NULL, buf,
			   (int)(sizeof(buf) - OPT_RR_LEN));
	if (len < (int)NS_HFIXEDSZ)
		return -1;
	if (getrandom(&q->id, sizeof(q->id), 0) != sizeof(q->id))
		q->id = (uint16_t)(rand() & 0xffff);
	buf[0] = (uint8_t)(q->id >> 8);
	buf[1] = (uint8_t)q->id;
	buf[3] |= 0x20;		/* AD: tell us whether the answer is validated */
	buf[11] = 1;		/* ARCOUNT = 1: the OPT record */
	{
		static const uint8_t opt[OPT_RR_LEN] = {
			0, 0, 41, EDNS_PAYLOAD >> 8, EDNS_PAYLOAD & 0xff, 0, 0, 0, 0, 0, 0,
		};

		memcpy(buf + len, opt, sizeof(opt));
		len += OPT_RR_LEN;
	}
	q->q = xmalloc((size_t)len);
	memcpy(q->q, buf, (size_t)len);
	q->qlen = (size_t)len;
	return 0;
}

static int
bad(struct dns_query *q, const char *why)
{
	q->st = DNS_BAD;
	q->nrr = 0;
	snprintf(q->why, sizeof(q->why), "%s", why);
	return -1;
}

int
dns_parse_answer(struct dns_query *q, const uint8_t *msg, size_t len)
{
	char qname[NS_MAXDNAME];
	ns_msg h;
	ns_rr rr;
	int i, count, rcode;

	q->nrr = 0;
	q->rr_capped = false;
	if (len < NS_HFIXEDSZ || len > DNS_MSG_MAX)
		return bad(q, "answer too short or too long");
	if (((unsigned)msg[0] << 8 | msg[1]) != q->id || !(msg[2] & 0x80))
		return bad(q, "not an answer to our question");
	if (ns_initparse(msg, (int)len, &h) != 0)
		return bad(q, "malformed message");
	if (ns_msg_getflag(h, ns_f_tc))
		return 1;
	if (ns_msg_count(h, ns_s_qd) != 1 || ns_parserr(&h, ns_s_qd, 0, &rr) != 0)
		return bad(q, "answer without our question");
	snprintf(qname, sizeof(qname), "%s", ns_rr_name(rr));
	if (strcasecmp(qname, q->name) != 0 || ns_rr_type(rr) != q->type)
		return bad(q, "answer to another question");
	free(q->msg);
	q->msg = xmalloc(len);
	memcpy(q->msg, msg, len);
	q->msglen = len;
	if (ns_initparse(q->msg, (int)len, &h) != 0)
		return bad(q, "malformed message");
	q->ad = ns_msg_getflag(h, ns_f_ad) != 0;
	rcode = ns_msg_getflag(h, ns_f_rcode);
	switch (rcode) {
	case ns_r_noerror:
		break;
	case ns_r_nxdomain:
		q->st = DNS_NXDOMAIN;
		return 0;
	case ns_r_servfail:
		q->st = DNS_SERVFAIL;
		return 0;
	default:
		q->st = DNS_REFUSED;
		snprintf(q->why, sizeof(q->why), "rcode %d", rcode);
		return 0;
	}
	count = ns_msg_count(h, ns_s_an);
	for (i = 0; i < count; i++) {
		if (ns_parserr(&h, ns_s_an, i, &rr) != 0)
			return bad(q, "malformed answer record");
		if (ns_rr_type(rr) != q->type || ns_rr_class(rr) != ns_c_in)
			continue;	/* CNAMEs on the way, signatures */
		if (q->nrr == DNS_RR_MAX) {
			q->rr_capped = true;
			continue;
		}
		q->rr[q->nrr].type = ns_rr_type(rr);
		q->rr[q->nrr].rdata = ns_rr_rdata(rr);
		q->rr[q->nrr].rdlen = ns_rr_rdlen(rr);
		q->rr[q->nrr].msg = q->msg;
		q->rr[q->nrr].msglen = q->msglen;
		q->nrr++;
	}
	q->st = q->nrr ? DNS_OK : DNS_NODATA;
	return 0;
}

/* The same question over TCP (RFC 7766: two-byte length prefix). */
static void
ask_tcp(const struct dns_server *s, struct dns_query *q, struct deadline *d)
{
	uint8_t *buf = NULL, lenb[2];
	size_t got, have;
	struct errmsg e;
	enum net_status ns;
	int fd = -1, rc;
	size_t want;

	rc = net_connect_start((const struct sockaddr *)&s->ss, s->len, &fd, &e);
	if (rc == 1) {
		struct pollfd p = { .fd = fd, .events = POLLOUT };

		if (poll(&p, 1, deadline_remaining_ms(d)) <= 0) {
			q->st = DNS_TIMEOUT;
			snprintf(q->why, sizeof(q->why), "no TCP connection after a truncated answer");
			goto out;
		}
		rc = net_connect_finish(fd, &e) == 0 ? 0 : -1;
	}
	if (rc == -1) {
		bad(q, "truncated answer, and TCP failed");
		goto out;
	}
	lenb[0] = (uint8_t)(q->qlen >> 8);
	lenb[1] = (uint8_t)q->qlen;
	if (net_write_all(fd, lenb, 2, d) != NET_OK || net_write_all(fd, q->q, q->qlen, d) != NET_OK) {
		bad(q, "truncated answer, and TCP failed");
		goto out;
	}
	for (have = 0; have < 2; have += got) {
		ns = net_read(fd, lenb + have, 2 - have, &got, d);
		if (ns != NET_OK)
			goto fail;
	}
	want = (size_t)lenb[0] << 8 | lenb[1];
	buf = xmalloc(want ? want : 1);
	for (have = 0; have < want; have += got) {
		ns = net_read(fd, buf + have, want - have, &got, d);
		if (ns != NET_OK)
			goto fail;
	}
	q->tc_retried = true;
	if (dns_parse_answer(q, buf, want) == 1)
		bad(q, "truncated answer over TCP");
	goto out;
fail:
	if (ns == NET_TIMEOUT) {
		q->st = DNS_TIMEOUT;
		snprintf(q->why, sizeof(q->why), "no answer over TCP after a truncated answer");
	} else {
		bad(q, "truncated answer, and the TCP answer was cut short");
	}
out:
	free(buf);
	if (fd != -1)
		close(fd);
}

size_t
dns_resolve(const struct dns_server *s, struct dns_query *qs, size_t n, struct deadline *d)
{
	struct pollfd *pfd = xmalloc((n ? n : 1) * sizeof(*pfd));
	uint8_t *buf = xmalloc(DNS_MSG_MAX);
	size_t i, np, answered = 0, *idx = xmalloc((n ? n : 1) * sizeof(*idx));
	ssize_t got;

	for (i = 0; i < n; i++) {
		struct dns_query *q = &qs[i];

		q->st = DNS_PENDING;
		q->fd = socket(s->ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (q->fd == -1 || connect(q->fd, (const struct sockaddr *)&s->ss, s->len) == -1 ||
		    send(q->fd, q->q, q->qlen, 0) != (ssize_t)q->qlen) {
			bad(q, strerror(errno));
			if (q->fd != -1)
				close(q->fd);
			q->fd = -1;
		}
	}
	for (;;) {
		for (i = np = 0; i < n; i++)
			if (qs[i].st == DNS_PENDING && qs[i].fd != -1) {
				pfd[np].fd = qs[i].fd;
				pfd[np].events = POLLIN;
				pfd[np].revents = 0;
				idx[np++] = i;
			}
		if (np == 0 || deadline_expired(d))
			break;
		if (poll(pfd, (nfds_t)np, deadline_remaining_ms(d)) < 0 && errno != EINTR)
			break;
		for (i = 0; i < np; i++) {
			struct dns_query *q = &qs[idx[i]];

			if (!pfd[i].revents)
				continue;
			got = recv(q->fd, buf, DNS_MSG_MAX, 0);
			if (got < 0 && (errno == EAGAIN || errno == EINTR))
				continue;
			if (got < 0) {
				/* ICMP port unreachable: nobody serves DNS there */
				bad(q, errno == ECONNREFUSED ? "connection refused" : strerror(errno));
				continue;
			}
			/* a stray or spoofed datagram is dropped; the real answer may follow */
			if ((size_t)got < 2 || ((unsigned)buf[0] << 8 | buf[1]) != q->id)
				continue;
			if (dns_parse_answer(q, buf, (size_t)got) == 1)
				ask_tcp(s, q, d);
		}
	}
	for (i = 0; i < n; i++) {
		if (qs[i].fd != -1)
			close(qs[i].fd);
		qs[i].fd = -1;
		if (qs[i].st == DNS_PENDING) {
			qs[i].st = DNS_TIMEOUT;
			snprintf(qs[i].why, sizeof(qs[i].why), "no answer from %s", s->text);
		} else {
			answered++;
		}
	}
	free(pfd);
	free(idx);
	free(buf);
	return answered;
}

int
dns_rr_txt(const struct dns_rr *rr, char *out, size_t cap)
{
	size_t i = 0, o = 0, l;

	if (rr->type != DNS_T_TXT || cap == 0)
		return -1;
	while (i < rr->rdlen) {
		l = rr->rdata[i++];
		if (l > rr->rdlen - i || o + l >= cap || memchr(rr->rdata + i, 0, l))
			return -1;
		memcpy(out + o, rr->rdata + i, l);
		o += l;
		i += l;
	}
	out[o] = '\0';
	return 0;
}

static void
lower(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

int
dns_rr_mx(const struct dns_rr *rr, unsigned *pref, char *name, size_t cap)
{
	char tmp[NS_MAXDNAME];
	int used;

	if (rr->type != DNS_T_MX || rr->rdlen < 3)
		return -1;
	*pref = (unsigned)rr->rdata[0] << 8 | rr->rdata[1];
	used = ns_name_uncompress(rr->msg, rr->msg + rr->msglen, rr->rdata + 2, tmp, sizeof(tmp));
	if (used < 0 || (size_t)used != rr->rdlen - 2 || strlen(tmp) >= cap)
		return -1;
	if (strcmp(tmp, ".") == 0)
		tmp[0] = '\0';
	snprintf(name, cap, "%s", tmp);
	lower(name);
	return 0;
}

int
dns_rr_addr(const struct dns_rr *rr, char *out, size_t cap)
{
	if (rr->type == DNS_T_A && rr->rdlen == 4)
		return inet_ntop(AF_INET, rr->rdata, out, (socklen_t)cap) ? 0 : -1;
	if (rr->type == DNS_T_AAAA && rr->rdlen == 16)
		return inet_ntop(AF_INET6, rr->rdata, out, (socklen_t)cap) ? 0 : -1;
	return -1;
}

int
dns_rr_tlsa(const struct dns_rr *rr, unsigned *usage, unsigned *selector, unsigned *mtype,
	    const uint8_t **data, size_t *len)
{
	if (rr->type != DNS_T_TLSA || rr->rdlen < 4)
		return -1;
	*usage = rr->rdata[0];
	*selector = rr->rdata[1];
	*mtype = rr->rdata[2];
	*data = rr->rdata + 3;
	*len = rr->rdlen - 3;
	return 0;
}
