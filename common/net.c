/*
 * TCP under a deadline: non-blocking sockets, poll() bounded by the deadline,
 * close-on-exec, and MSG_NOSIGNAL so that a closed peer never raises SIGPIPE.
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include "deadline.h"
#include "net.h"
#include "util.h"
#include "banned.h"

#define NET_HOST_MAX 253

/* strerror() with a lower-case first letter, as our messages are. */
static const char *
errtext(int err, char buf[128])
{
	snprintf(buf, 128, "%s", strerror(err));
	if (buf[0] >= 'A' && buf[0] <= 'Z')
		buf[0] = (char)(buf[0] - 'A' + 'a');
	return buf;
}

static const char *
gaitext(int rc, char buf[128])
{
	if (rc == EAI_SYSTEM)
		return errtext(errno, buf);
	snprintf(buf, 128, "%s", gai_strerror(rc));
	if (buf[0] >= 'A' && buf[0] <= 'Z')
		buf[0] = (char)(buf[0] - 'A' + 'a');
	return buf;
}

/* Waits for `events` on fd until the deadline. NET_OK, NET_TIMEOUT or NET_ERROR. */
static enum net_status
wait_fd(int fd, short events, struct deadline *d)
{
	struct pollfd p;
	int ms, rc;

	for (;;) {
		ms = deadline_remaining_ms(d);
		if (ms == 0)
			return NET_TIMEOUT;
		p.fd = fd;
		p.events = events;
		p.revents = 0;
		rc = poll(&p, 1, ms);
		if (rc > 0)
			return NET_OK;	/* POLLERR/POLLHUP too: the next call says why */
		if (rc == -1 && errno != EINTR)
			return NET_ERROR;
	}
}

/* Which errors mean "the target is not there" rather than a local failure. */
static enum net_status
classify(int err)
{
	switch (err) {
	case ECONNREFUSED:
	case EHOSTUNREACH:
	case ENETUNREACH:
	case EHOSTDOWN:
	case ETIMEDOUT:
	case EADDRNOTAVAIL:
	case EAFNOSUPPORT:
		return NET_UNREACHABLE;
	default:
		return NET_ERROR;
	}
}

static bool
host_ok(const char *host)
{
	size_t len = strlen(host);
	const char *p;

	if (len == 0 || len > NET_HOST_MAX)
		return false;
	for (p = host; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || strchr(".-:_%", *p)))
			return false;
	return true;
}

/* "127.0.0.1:22", "[::1]:22", or "name (127.0.0.1:22)" when host is a name. */
static void
describe(const char *host, const struct addrinfo *ai, char *out, size_t n)
{
	char addr[NI_MAXHOST], serv[NI_MAXSERV], both[NI_MAXHOST + NI_MAXSERV + 4];

	if (getnameinfo(ai->ai_addr, ai->ai_addrlen, addr, sizeof(addr), serv, sizeof(serv),
			NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
		snprintf(out, n, "%s", host);
		return;
	}
	snprintf(both, sizeof(both), ai->ai_family == AF_INET6 ? "[%s]:%s" : "%s:%s", addr, serv);
	if (strcmp(addr, host) == 0)
		snprintf(out, n, "%s", both);
	else
		snprintf(out, n, "%s (%s)", host, both);
}

/*
 * Tries one address. Returns NET_OK with *fd set, or a status with *err set
 * (0 for a timeout).
 */
static enum net_status
try_one(const struct addrinfo *ai, struct deadline *d, int *fd, int *err)
{
	enum net_status st;
	socklen_t len = sizeof(*err);
	int s;

	*err = 0;
	if (deadline_expired(d))
		return NET_TIMEOUT;
	s = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
		   ai->ai_protocol);
	if (s == -1) {
		*err = errno;
		return classify(*err);
	}
	if (connect(s, ai->ai_addr, ai->ai_addrlen) == 0)
		goto ok;
	if (errno != EINPROGRESS && errno != EINTR) {
		*err = errno;
		close(s);
		return classify(*err);
	}
	st = wait_fd(s, POLLOUT, d);
	if (st != NET_OK) {
		*err = st == NET_TIMEOUT ? 0 : errno;
		close(s);
		return st;
	}
	if (getsockopt(s, SOL_SOCKET, SO_ERROR, err, &len) == -1)
		*err = errno;
	if (*err != 0) {
		close(s);
		return classify(*err);
	}
ok:
	*fd = s;
	return NET_OK;
}

enum net_status
net_connect(const char *host, const char *port, struct deadline *d, int *fd,
	    struct errmsg *e)
{
	struct addrinfo hints, *res = NULL, *ai;
	enum net_status st = NET_UNREACHABLE;
	char why[128], who[NI_MAXHOST + NI_MAXSERV + NET_HOST_MAX + 16];
	unsigned long portnum;
	int rc, err = 0;

	*fd = -1;
	if (!host || !host_ok(host)) {
		errmsg_set(e, "cannot resolve '%s': invalid host name", host ? host : "");
		return NET_UNREACHABLE;
	}
	if (!port || parse_ulong(port, 1, 65535, &portnum) == -1) {
		errmsg_set(e, "cannot connect to %s: invalid port '%s'", host, port ? port : "");
		return NET_ERROR;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;	/* no AI_ADDRCONFIG: "::1" must work */
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_protocol = IPPROTO_TCP;
	hints.ai_flags = AI_NUMERICSERV;
	rc = getaddrinfo(host, port, &hints, &res);
	if (rc != 0) {
		errmsg_set(e, "cannot resolve '%s': %s", host, gaitext(rc, why));
		return NET_UNREACHABLE;
	}
	who[0] = '\0';
	for (ai = res; ai; ai = ai->ai_next) {
		describe(host, ai, who, sizeof(who));
		st = try_one(ai, d, fd, &err);
		if (st == NET_OK || st == NET_TIMEOUT)
			break;
	}
	freeaddrinfo(res);
	if (st == NET_TIMEOUT)
		errmsg_set(e, "cannot connect to %s: timed out", who);
	else if (st != NET_OK)
		errmsg_set(e, "cannot connect to %s: %s", who, errtext(err, why));
	return st;
}

int
net_connect_start(const struct sockaddr *sa, socklen_t len, int *fd, struct errmsg *e)
{
	char why[128];
	int s;

	*fd = -1;
	s = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
	if (s == -1) {
		errmsg_set(e, "cannot open a socket: %s", errtext(errno, why));
		return -1;
	}
	*fd = s;
	if (connect(s, sa, len) == 0)
		return 0;
	if (errno == EINPROGRESS || errno == EINTR)
		return 1;
	errmsg_set(e, "cannot connect: %s", errtext(errno, why));
	close(s);
	*fd = -1;
	return -1;
}

int
net_connect_finish(int fd, struct errmsg *e)
{
	socklen_t len;
	char why[128];
	int err = 0;

	len = sizeof(err);
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		err = errno;
	if (err == 0)
		return 0;
	errmsg_set(e, "cannot connect: %s", errtext(err, why));
	return -1;
}

/*
 * At the deadline this returns NET_TIMEOUT even when data is waiting, so
 * that a peer that never stops talking cannot hold a check past it. On
 * NET_ERROR errno says why. A reset counts as the peer closing.
 */
enum net_status
net_read(int fd, void *buf, size_t n, size_t *got, struct deadline *d)
{
	enum net_status st;
	ssize_t r;

	*got = 0;
	if (n == 0) {
		errno = EINVAL;
		return NET_ERROR;
	}
	for (;;) {
		if (deadline_expired(d))
			return NET_TIMEOUT;
		r = read(fd, buf, n);
		if (r > 0) {
			*got = (size_t)r;
			return NET_OK;
		}
		if (r == 0 || errno == ECONNRESET)
			return NET_CLOSED;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return NET_ERROR;
		st = wait_fd(fd, POLLIN, d);
		if (st != NET_OK)
			return st;
	}
}

/* fd must be a socket (send with MSG_NOSIGNAL). On NET_ERROR errno says why. */
enum net_status
net_write_all(int fd, const void *buf, size_t n, struct deadline *d)
{
	const char *p = buf;
	enum net_status st;
	ssize_t r;

	while (n > 0) {
		if (deadline_expired(d))
			return NET_TIMEOUT;
		r = send(fd, p, n, MSG_NOSIGNAL);
		if (r > 0) {
			p += r;
			n -= (size_t)r;
			continue;
		}
		if (r == -1 && (errno == EPIPE || errno == ECONNRESET))
			return NET_CLOSED;
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1 && errno != EAGAIN && errno != EWOULDBLOCK)
			return NET_ERROR;
		st = wait_fd(fd, POLLOUT, d);
		if (st != NET_OK)
			return st;
	}
	return NET_OK;
}
