#ifndef CB_DNS_H
#define CB_DNS_H
/*
 * DNS questions for check_baseline_mail, under the check's one deadline.
 *
 * Messages are built and read with the system resolver library (libresolv:
 * res_nmkquery, ns_initparse, ns_parserr, ns_name_uncompress); the transport
 * is ours, so that no call blocks past the deadline: every question of a
 * batch goes out at once over UDP, each on its own socket with a random id,
 * and a truncated answer is asked again over TCP. Each question carries
 * EDNS0 (payload 1232) and the AD bit (RFC 6840 §5.7), so a validating
 * resolver says whether the answer is DNSSEC-validated.
 *
 * The server is the one given (--dns-server), or the first nameserver of
 * /etc/resolv.conf. Answers are untrusted: at most DNS_MSG_MAX bytes and
 * DNS_RR_MAX records of the asked type are kept; names are checked by
 * libresolv's expander.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

struct deadline;
struct errmsg;

#define DNS_MSG_MAX 65535
#define DNS_RR_MAX 64
#define DNS_NAME_MAX 1025	/* NS_MAXDNAME */

/* RR types asked for, by their numbers */
enum {
	DNS_T_A = 1, DNS_T_SOA = 6, DNS_T_MX = 15, DNS_T_TXT = 16, DNS_T_AAAA = 28,
	DNS_T_TLSA = 52, DNS_T_CAA = 257,
};

enum dns_status {
	DNS_PENDING = 0,
	DNS_OK,			/* NOERROR with records of the type */
	DNS_NODATA,		/* NOERROR, the name exists, no record of the type */
	DNS_NXDOMAIN,		/* the name does not exist */
	DNS_SERVFAIL,		/* SERVFAIL: with a validating resolver, often "bogus" */
	DNS_REFUSED,		/* REFUSED or another error code */
	DNS_TIMEOUT,		/* no answer before the deadline */
	DNS_BAD,		/* an answer we could not read (see why) */
};

struct dns_server {
	struct sockaddr_storage ss;
	socklen_t len;
	char text[64];		/* "127.0.0.1:53", for messages */
};

struct dns_rr {
	uint16_t type;
	const uint8_t *rdata;	/* inside msg */
	size_t rdlen;
	const uint8_t *msg;	/* the whole answer (names may point anywhere in it), the query's */
	size_t msglen;
};

/* One question and, after dns_resolve(), its answer. */
struct dns_query {
	char name[DNS_NAME_MAX];	/* asked name, no trailing dot */
	uint16_t type;
	enum dns_status st;
	bool ad;			/* the answer's AD flag */
	bool tc_retried;		/* came over TCP after a truncated UDP answer */
	struct dns_rr rr[DNS_RR_MAX];	/* the records of the asked type (after CNAMEs) */
	size_t nrr;
	bool rr_capped;			/* more records than DNS_RR_MAX were sent */
	char why[160];			/* DNS_BAD, DNS_TIMEOUT: what went wrong */
	uint8_t *msg;			/* the answer message */
	size_t msglen;
	/* private */
	int fd;
	uint16_t id;
	uint8_t *q;
	size_t qlen;
};

/*
 * Parses "ADDR", "ADDR:PORT", "[ADDR6]:PORT" or "ADDR6" (port 53 by
 * default) into s. Only addresses, never names. 0, or -1 with a reason in e.
 */
int dns_server_parse(const char *text, struct dns_server *s, struct errmsg *e);
/* The first nameserver of /etc/resolv.conf (res_ninit). 0, or -1 with e. */
int dns_server_system(struct dns_server *s, struct errmsg *e);

/* Prepares q for name and type (answers from an earlier use are released). 0, or -1 when the name is not a valid domain name. */
int dns_query_init(struct dns_query *q, const char *name, uint16_t type);
void dns_query_release(struct dns_query *q);

/*
 * Asks every question of qs[0..n) of server s at once, and waits for all
 * answers until the deadline: a question without an answer then has
 * DNS_TIMEOUT. Returns the number of questions answered (any status but
 * TIMEOUT).
 */
size_t dns_resolve(const struct dns_server *s, struct dns_query *qs, size_t n, struct deadline *d);

/*
 * Reads an answer message for q (id and question must match): sets st, ad,
 * rr. Returns 0, 1 when the answer is truncated (TC; ask over TCP), or -1
 * when msg is not an answer to q (st = DNS_BAD, why set). Public for the
 * fuzz target and the unit tests.
 */
int dns_parse_answer(struct dns_query *q, const uint8_t *msg, size_t len);

/* A status in a few words: "NXDOMAIN", "no record", "timeout"... */
const char *dns_status_name(enum dns_status st);

/*
 * Record data, each checked against rdlen. 0, or -1 for a malformed record.
 *  txt: the character-strings joined (RFC 7208 §3.3); at most cap-1 bytes,
 *       -1 when longer; a NUL byte inside is an error
 *  mx:  preference and exchange name (lower case, no trailing dot; "" for the root)
 *  addr: A or AAAA as text
 *  tlsa: usage, selector, matching type and the data
 */
int dns_rr_txt(const struct dns_rr *rr, char *out, size_t cap);
int dns_rr_mx(const struct dns_rr *rr, unsigned *pref, char *name, size_t cap);
int dns_rr_addr(const struct dns_rr *rr, char *out, size_t cap);
int dns_rr_tlsa(const struct dns_rr *rr, unsigned *usage, unsigned *selector, unsigned *mtype,
		const uint8_t **data, size_t *len);

#endif
