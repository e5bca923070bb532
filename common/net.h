#ifndef CB_NET_H
#define CB_NET_H
/*
 * TCP under a deadline: connect to the first address of host:port that
 * answers, read and write with poll(). Used by every network check's probe.
 * No function here blocks past the deadline, except name resolution
 * (getaddrinfo), which is only bounded by the resolver's own timeouts.
 */
#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>

struct deadline;
struct errmsg;

enum net_status {
	NET_OK = 0,
	NET_TIMEOUT,		/* the deadline passed */
	NET_UNREACHABLE,	/* resolve failed, refused, no route */
	NET_CLOSED,		/* peer closed the connection */
	NET_ERROR,		/* any other I/O error */
};

/*
 * Connects to host:port. Returns NET_OK with *fd set (non-blocking,
 * close-on-exec), or another status with a reason in e:
 * "cannot connect to 127.0.0.1:2222: connection refused".
 */
enum net_status net_connect(const char *host, const char *port, struct deadline *d,
			    int *fd, struct errmsg *e);
/*
 * For many connections side by side to an address already found with
 * net_connect() (getpeername of its fd): starts a non-blocking connect.
 * Returns 0 with *fd connected, 1 with *fd connecting (poll it for POLLOUT,
 * then net_connect_finish), or -1 with a reason in e.
 */
int net_connect_start(const struct sockaddr *sa, socklen_t len, int *fd, struct errmsg *e);
/* After POLLOUT on a connecting fd: 0 when connected, -1 with the reason in e. */
int net_connect_finish(int fd, struct errmsg *e);
/*
 * Reads at most n bytes (at least 1) once data is there. Returns NET_OK with
 * *got > 0, NET_CLOSED at end of stream, NET_TIMEOUT or NET_ERROR.
 */
enum net_status net_read(int fd, void *buf, size_t n, size_t *got, struct deadline *d);
/* Writes all n bytes or fails. */
enum net_status net_write_all(int fd, const void *buf, size_t n, struct deadline *d);

#endif
