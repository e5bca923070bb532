#ifndef CB_TLSPROBE_H
#define CB_TLSPROBE_H
/*
 * Many TLS handshakes on one server side by side, under one poll() loop and
 * one deadline: the engine of check_baseline_tls, shared with
 * check_baseline_mail (TLS-012 and DANE on every MX).
 *
 * A job is one line of handshakes: a protocol probe (one handshake pinned
 * to a version, with the certificate), a raw SSLv2/SSLv3 hello, or an
 * enumeration of the cipher suites or key exchange groups a version
 * accepts (handshake after handshake, each offering what was not yet
 * chosen). Each handshake is a fresh connection to the same address, with
 * the STARTTLS prelude first when asked.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "starttls.h"
#include "tls.h"
#include "tls_wire.h"
#include "util.h"

struct deadline;

#define TLSPROBE_SUITES_MAX 256

enum tlsprobe_kind { TLSPROBE_RAW, TLSPROBE_PROTO, TLSPROBE_CIPHERS, TLSPROBE_GROUPS };
enum tlsprobe_outcome { TLSPROBE_PENDING, TLSPROBE_ACCEPTED, TLSPROBE_REFUSED, TLSPROBE_FAILED };
/* Where a job's current connection is. */
enum tlsprobe_phase { TLSPROBE_PH_CONNECT, TLSPROBE_PH_STARTTLS, TLSPROBE_PH_HANDSHAKE };

/*
 * One line of handshakes on one server: a protocol probe, or an enumeration
 * of cipher suites or of key exchange groups.
 */
struct tlsprobe_job {
	enum tlsprobe_kind kind;
	enum tls_wire_proto raw;	/* TLSPROBE_RAW */
	enum tls_version v;		/* TLSPROBE_PROTO, TLSPROBE_CIPHERS, TLSPROBE_GROUPS */
	int fd;
	enum tlsprobe_phase phase;
	struct starttls st;		/* TLSPROBE_PH_STARTTLS */
	char *stbuf;
	size_t stlen;
	bool not_offered;		/* the server did not offer STARTTLS */
	struct tls_attempt *a;
	short events;
	enum tlsprobe_outcome out;
	char err[ERRMSG_MAX];
	uint8_t *buf;			/* TLSPROBE_RAW: the answer so far */
	size_t len;
	struct tls_result res;		/* TLSPROBE_PROTO: what the handshake gave */
	/*
	 * Enumerations: what is still offered, and what was accepted: the
	 * suites (TLSPROBE_CIPHERS) with the key exchange each used, or the groups
	 * (TLSPROBE_GROUPS, suites[] unused)
	 */
	const char *offer[TLSPROBE_SUITES_MAX];
	size_t noffer;
	char *suites[TLSPROBE_SUITES_MAX];
	char *groups[TLSPROBE_SUITES_MAX];
	unsigned dh_bits_min;
	size_t nsuites;
	bool incomplete;
};

/* The server and how to speak to it; the caller fills it in. */
struct tlsprobe {
	struct deadline *d;
	const char *sni;		/* server name to send, or NULL */
	const char *verify_name;	/* name the certificate must match (protocol probes) */
	const char *ca_file;		/* trust anchors, NULL: the system store */
	bool starttls;
	enum starttls_proto proto;
	struct sockaddr_storage addr;	/* where every connection goes */
	socklen_t addrlen;
	int spare_fd;			/* a connection already open, for the first job; or -1 */
};

/* "SSLv2", "SSLv3", "TLSv1.0" ... "TLSv1.3": what the job probes. */
const char *tlsprobe_job_name(const struct tlsprobe_job *j);
/*
 * Runs jobs[0..n) to their end side by side (a job set up by the caller:
 * kind, v or raw, and for enumerations offer/noffer; out TLSPROBE_PENDING;
 * fd -1). Returns 0 when every job has ended (each with its outcome), or
 * -1: the deadline passed (*timed_out true; *stage_out is the stage the
 * first pending job was in, "connect", "starttls" or `stage`, and *job_out
 * its name) or poll failed (reason in e).
 */
int tlsprobe_run(struct tlsprobe *p, struct tlsprobe_job *jobs, size_t n, const char *stage,
		 bool *timed_out, const char **stage_out, const char **job_out, struct errmsg *e);
/* Closes and frees what the jobs hold (the array stays the caller's). */
void tlsprobe_jobs_release(struct tlsprobe_job *jobs, size_t n);

#endif
