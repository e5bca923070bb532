/*
 * Unit tests for common/net.c against sockets this test opens itself on
 * 127.0.0.1 and ::1 (port 0). No other address is ever contacted.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "deadline.h"
#include "net.h"
#include "util.h"
#include "banned.h"

static const char *const loopbacks[] = { "127.0.0.1", "::1" };

/* A blocking TCP socket bound to addr:0; *port gets the port chosen. */
static int
bound_socket(const char *addr, char port[8])
{
	struct sockaddr_storage ss;
	struct sockaddr_in *in4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
	socklen_t len;
	int fd, v6 = strchr(addr, ':') != NULL;

	memset(&ss, 0, sizeof(ss));
	if (v6) {
		in6->sin6_family = AF_INET6;
		assert_int_equal(inet_pton(AF_INET6, addr, &in6->sin6_addr), 1);
		len = sizeof(*in6);
	} else {
		in4->sin_family = AF_INET;
		assert_int_equal(inet_pton(AF_INET, addr, &in4->sin_addr), 1);
		len = sizeof(*in4);
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&ss, len), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&ss, &len), 0);
	snprintf(port, 8, "%u", (unsigned)ntohs(v6 ? in6->sin6_port : in4->sin_port));
	return fd;
}

static int
listener(const char *addr, char port[8], int backlog)
{
	int fd = bound_socket(addr, port);

	assert_int_equal(listen(fd, backlog), 0);
	return fd;
}

/* A port on addr where nothing listens: bound, then closed. */
static void
closed_port(const char *addr, char port[8])
{
	close(bound_socket(addr, port));
}

static double
now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* tmpl with its first "PORT" replaced by port. */
static void
expand(const char *tmpl, const char *port, char *out, size_t n)
{
	const char *at = strstr(tmpl, "PORT");

	if (!at)
		snprintf(out, n, "%s", tmpl);
	else
		snprintf(out, n, "%.*s%s%s", (int)(at - tmpl), tmpl, port, at + 4);
}

enum target { LISTENING, CLOSED, NOTHING };

static const struct connect_row {
	const char *host;	/* what net_connect gets */
	const char *bind;	/* where the test listens, or NULL */
	enum target target;
	const char *port;	/* NULL: the test's port */
	unsigned timeout;
	enum net_status want;
	const char *msg;	/* PORT is the port; NULL when NET_OK */
} connect_rows[] = {
	{ "127.0.0.1", "127.0.0.1", LISTENING, NULL, 5, NET_OK, NULL },
	{ "::1", "::1", LISTENING, NULL, 5, NET_OK, NULL },
	{ "0:0:0:0:0:0:0:1", "::1", LISTENING, NULL, 5, NET_OK, NULL },
	/* localhost: whatever order /etc/hosts gives, one address answers */
	{ "localhost", "127.0.0.1", LISTENING, NULL, 5, NET_OK, NULL },
	{ "127.0.0.1", "127.0.0.1", CLOSED, NULL, 5, NET_UNREACHABLE,
	  "cannot connect to 127.0.0.1:PORT: connection refused" },
	{ "::1", "::1", CLOSED, NULL, 5, NET_UNREACHABLE,
	  "cannot connect to [::1]:PORT: connection refused" },
	{ "localhost", "127.0.0.1", CLOSED, NULL, 5, NET_UNREACHABLE,
	  "cannot connect to localhost (127.0.0.1:PORT): connection refused" },
	/* the deadline already passed: no attempt */
	{ "127.0.0.1", "127.0.0.1", LISTENING, NULL, 0, NET_TIMEOUT,
	  "cannot connect to 127.0.0.1:PORT: timed out" },
	{ "::1", "::1", LISTENING, NULL, 0, NET_TIMEOUT, "cannot connect to [::1]:PORT: timed out" },
	/* refused before any lookup */
	{ "bad host!", NULL, NOTHING, "22", 5, NET_UNREACHABLE,
	  "cannot resolve 'bad host!': invalid host name" },
	{ "", NULL, NOTHING, "22", 5, NET_UNREACHABLE, "cannot resolve '': invalid host name" },
	{ "[::1]", NULL, NOTHING, "22", 5, NET_UNREACHABLE,
	  "cannot resolve '[::1]': invalid host name" },
	{ "127.0.0.1", NULL, NOTHING, "0", 5, NET_ERROR,
	  "cannot connect to 127.0.0.1: invalid port '0'" },
	{ "127.0.0.1", NULL, NOTHING, "65536", 5, NET_ERROR,
	  "cannot connect to 127.0.0.1: invalid port '65536'" },
	{ "127.0.0.1", NULL, NOTHING, "ssh", 5, NET_ERROR,
	  "cannot connect to 127.0.0.1: invalid port 'ssh'" },
	{ "127.0.0.1", NULL, NOTHING, "", 5, NET_ERROR,
	  "cannot connect to 127.0.0.1: invalid port ''" },
	{ "127.0.0.1", NULL, NOTHING, " 22", 5, NET_ERROR,
	  "cannot connect to 127.0.0.1: invalid port ' 22'" },
};

static void
test_connect(void **state)
{
	const struct connect_row *t;
	struct deadline d;
	struct errmsg e;
	char port[8], want[ERRMSG_MAX];
	size_t i;
	int lfd, fd, fl;
	enum net_status st;

	(void)state;
	for (i = 0; i < sizeof(connect_rows) / sizeof(connect_rows[0]); i++) {
		t = &connect_rows[i];
		lfd = -1;
		if (t->target == LISTENING)
			lfd = listener(t->bind, port, 8);
		else if (t->target == CLOSED)
			closed_port(t->bind, port);
		deadline_start(&d, t->timeout);
		e.msg[0] = '\0';
		fd = 12345;
		st = net_connect(t->host, t->port ? t->port : port, &d, &fd, &e);
		if (st != t->want)
			fail_msg("row %zu (%s): status %d, want %d: %s", i, t->host, st, t->want,
				 e.msg);
		if (t->want == NET_OK) {
			assert_true(fd >= 0);
			fl = fcntl(fd, F_GETFL);
			assert_true(fl & O_NONBLOCK);
			assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
			assert_string_equal(e.msg, "");
			close(fd);
		} else {
			assert_int_equal(fd, -1);
			expand(t->msg, port, want, sizeof(want));
			assert_string_equal(e.msg, want);
		}
		if (lfd != -1)
			close(lfd);
	}
}

/*
 * A listener whose accept queue is full drops new SYNs, so connect() hangs:
 * net_connect must give up at the deadline (1 s).
 */
static void
test_connect_timeout(void **state)
{
	struct deadline d;
	struct errmsg e;
	char port[8], want[128];
	struct sockaddr_in sa;
	int lfd, fill[4], fd, i;
	double t0, took;

	(void)state;
	lfd = listener("127.0.0.1", port, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)strtoul(port, NULL, 10));
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (i = 0; i < 4; i++) {	/* fill the queue; the later ones hang */
		fill[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		assert_true(fill[i] >= 0);
		(void)!connect(fill[i], (struct sockaddr *)&sa, sizeof(sa));
	}
	usleep(100000);
	deadline_start(&d, 1);
	t0 = now_s();
	assert_int_equal(net_connect("127.0.0.1", port, &d, &fd, &e), NET_TIMEOUT);
	took = now_s() - t0;
	expand("cannot connect to 127.0.0.1:PORT: timed out", port, want, sizeof(want));
	assert_string_equal(e.msg, want);
	assert_int_equal(fd, -1);
	if (took < 0.9 || took > 2.5)
		fail_msg("timed out after %.3f s, want about 1 s", took);
	for (i = 0; i < 4; i++)
		close(fill[i]);
	close(lfd);
}

/* A connected pair: *c from net_connect, *s accepted (blocking). */
static void
pair(const char *addr, int *c, int *s, struct deadline *d)
{
	struct errmsg e;
	char port[8];
	int lfd = listener(addr, port, 8);

	if (net_connect(addr, port, d, c, &e) != NET_OK)
		fail_msg("%s", e.msg);
	*s = accept(lfd, NULL, NULL);
	assert_true(*s >= 0);
	close(lfd);
}

/* Both directions, for a short and a long message, on both loopbacks. */
static const struct io_row {
	size_t len;
} io_rows[] = { { 1 }, { 5 }, { 1000 }, { 60000 } };

/*
 * net_connect_start/finish to the address of a first connection: connected
 * to a listener on both loopbacks; refused once the listener is gone.
 */
static void
test_connect_again(void **state)
{
	struct sockaddr_storage ss;
	struct pollfd pfd;
	struct deadline d;
	struct errmsg e;
	socklen_t len;
	char port[8];
	size_t i;
	int lfd, fd, fd2, rc;

	(void)state;
	for (i = 0; i < NELEM(loopbacks); i++) {
		lfd = listener(loopbacks[i], port, 8);
		deadline_start(&d, 5);
		assert_int_equal(net_connect(loopbacks[i], port, &d, &fd, &e), NET_OK);
		len = sizeof(ss);
		assert_int_equal(getpeername(fd, (struct sockaddr *)&ss, &len), 0);
		rc = net_connect_start((struct sockaddr *)&ss, len, &fd2, &e);
		assert_true(rc == 0 || rc == 1);
		assert_true(fd2 >= 0);
		assert_true((fcntl(fd2, F_GETFL) & O_NONBLOCK) != 0);
		if (rc == 1) {
			pfd.fd = fd2;
			pfd.events = POLLOUT;
			assert_int_equal(poll(&pfd, 1, 5000), 1);
		}
		assert_int_equal(net_connect_finish(fd2, &e), 0);
		close(fd2);
		close(lfd);	/* now nothing listens there */
		rc = net_connect_start((struct sockaddr *)&ss, len, &fd2, &e);
		if (rc == 1) {
			pfd.fd = fd2;
			pfd.events = POLLOUT;
			assert_int_equal(poll(&pfd, 1, 5000), 1);
			rc = net_connect_finish(fd2, &e);
			close(fd2);
		}
		assert_int_equal(rc, -1);
		assert_string_equal(e.msg, "cannot connect: connection refused");
		close(fd);
	}
}

static void
test_read_write(void **state)
{
	struct deadline d;
	char *out, *in;
	size_t i, j, have, got;
	ssize_t r;
	int c, s;

	(void)state;
	for (j = 0; j < sizeof(loopbacks) / sizeof(loopbacks[0]); j++)
		for (i = 0; i < sizeof(io_rows) / sizeof(io_rows[0]); i++) {
			size_t len = io_rows[i].len;

			deadline_start(&d, 5);
			pair(loopbacks[j], &c, &s, &d);
			out = malloc(len);
			in = malloc(len < 8 ? 8 : len);
			assert_non_null(out);
			assert_non_null(in);
			for (have = 0; have < len; have++)
				out[have] = (char)('a' + have % 26);
			/* client -> server */
			assert_int_equal(net_write_all(c, out, len, &d), NET_OK);
			for (have = 0; have < len; have += (size_t)r) {
				r = read(s, in + have, len - have);
				assert_true(r > 0);
			}
			assert_memory_equal(in, out, len);
			/* server -> client */
			assert_int_equal(write(s, out, len), (ssize_t)len);
			memset(in, 0, len);
			for (have = 0; have < len; have += got) {
				assert_int_equal(net_read(c, in + have, len - have, &got, &d), NET_OK);
				assert_true(got > 0 && got <= len - have);
			}
			assert_memory_equal(in, out, len);
			/* nothing left: n bytes at most, never more */
			assert_int_equal(write(s, "xyz", 3), 3);
			assert_int_equal(net_read(c, in, 2, &got, &d), NET_OK);
			assert_int_equal(got, 2);
			assert_memory_equal(in, "xy", 2);
			assert_int_equal(net_read(c, in, 2, &got, &d), NET_OK);
			assert_int_equal(got, 1);
			assert_int_equal(in[0], 'z');
			/* writing nothing is fine; reading into nothing is an error */
			assert_int_equal(net_write_all(c, out, 0, &d), NET_OK);
			assert_int_equal(net_read(c, in, 0, &got, &d), NET_ERROR);
			assert_int_equal(got, 0);
			free(out);
			free(in);
			close(c);
			close(s);
		}
}

/* The peer closes: reads say NET_CLOSED, writes say NET_CLOSED (no SIGPIPE). */
static void
test_peer_close(void **state)
{
	struct deadline d;
	enum net_status st = NET_OK;
	char buf[16];
	size_t j, got;
	int c, s, i;

	(void)state;
	for (j = 0; j < sizeof(loopbacks) / sizeof(loopbacks[0]); j++) {
		deadline_start(&d, 5);
		pair(loopbacks[j], &c, &s, &d);
		assert_int_equal(write(s, "bye", 3), 3);
		close(s);
		/* data sent before the close still arrives, then the end */
		assert_int_equal(net_read(c, buf, sizeof(buf), &got, &d), NET_OK);
		assert_int_equal(got, 3);
		got = 99;
		assert_int_equal(net_read(c, buf, sizeof(buf), &got, &d), NET_CLOSED);
		assert_int_equal(got, 0);
		/* the first write may still be accepted; the reset makes a later one fail */
		for (i = 0; i < 100; i++) {
			st = net_write_all(c, "ping", 4, &d);
			if (st != NET_OK)
				break;
			usleep(10000);
		}
		assert_int_equal(st, NET_CLOSED);
		close(c);
	}
}

/* A silent peer: reading with a 1 s deadline gives NET_TIMEOUT after about 1 s. */
static void
test_read_timeout(void **state)
{
	struct deadline d;
	char buf[16];
	size_t j, got;
	double t0, took;
	int c, s;

	(void)state;
	for (j = 0; j < sizeof(loopbacks) / sizeof(loopbacks[0]); j++) {
		deadline_start(&d, 5);
		pair(loopbacks[j], &c, &s, &d);
		deadline_start(&d, 1);
		t0 = now_s();
		got = 99;
		assert_int_equal(net_read(c, buf, sizeof(buf), &got, &d), NET_TIMEOUT);
		took = now_s() - t0;
		assert_int_equal(got, 0);
		if (took < 0.9 || took > 2.5)
			fail_msg("%s: timed out after %.3f s, want about 1 s", loopbacks[j], took);
		/* once expired, even waiting data is not read */
		assert_int_equal(write(s, "late", 4), 4);
		usleep(50000);
		assert_int_equal(net_read(c, buf, sizeof(buf), &got, &d), NET_TIMEOUT);
		close(c);
		close(s);
	}
}

/* A peer that never reads: a large write stops at the deadline. */
static void
test_write_timeout(void **state)
{
	static char big[1 << 20];
	struct deadline d;
	double t0, took;
	int c, s, i;
	enum net_status st = NET_OK;

	(void)state;
	deadline_start(&d, 5);
	pair("127.0.0.1", &c, &s, &d);
	deadline_start(&d, 1);
	t0 = now_s();
	for (i = 0; i < 256 && st == NET_OK; i++)	/* at most 256 MiB */
		st = net_write_all(c, big, sizeof(big), &d);
	took = now_s() - t0;
	assert_int_equal(st, NET_TIMEOUT);
	if (took < 0.9 || took > 2.5)
		fail_msg("timed out after %.3f s, want about 1 s", took);
	close(c);
	close(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_connect),
		cmocka_unit_test(test_connect_timeout),
		cmocka_unit_test(test_connect_again),
		cmocka_unit_test(test_read_write),
		cmocka_unit_test(test_peer_close),
		cmocka_unit_test(test_read_timeout),
		cmocka_unit_test(test_write_timeout),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
