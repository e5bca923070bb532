#ifndef CB_ICINGAAPI_H
#define CB_ICINGAAPI_H
/*
 * A client of the Icinga 2 REST API (docs/icinga-api.md), on libcurl: the
 * credentials file, one object query, and the event stream. HTTPS only, the
 * server's certificate always verified (against --ca or the system's CAs).
 * No retry here: the caller (cli/follow.c) reconnects with its backoff.
 *
 *	struct icingaapi_conn c = { .url = "https://127.0.0.1:5665", ... };
 *	icingaapi_query(&c, "/v1/objects/hosts", "{\"attrs\":[\"name\",\"groups\"]}", &body, &e);
 *	icingaapi_stream(&c, "{\"types\":[\"CheckResult\"],\"queue\":\"q\"}", &hooks, &e);
 */
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

struct errmsg;
struct sbuf;

#define ICINGAAPI_CRED_MAX 4096			/* bytes of a credentials file */
#define ICINGAAPI_MAX_LINE (4u * 1024 * 1024)	/* one event (HISTSRC_MAX_EVENT) */
#define ICINGAAPI_MAX_BODY (256u * 1024 * 1024)	/* one object query's answer */

struct icingaapi_conn {
	const char *url;		/* https://host:port, no path */
	const char *user, *password;
	const char *ca_file;		/* or NULL: the system's CAs */
	long connect_timeout;		/* seconds */
	long idle_timeout;		/* stream: reconnect after this long without a byte */
	volatile sig_atomic_t *stop;	/* set by a signal handler: end the transfer */
};

/*
 * Reads "user:password" (one line, a final newline allowed) from path: no
 * symlink, a regular file not accessible by group or others (refused as
 * "credentials 'F': readable by group or others (mode 0644); chmod 600 it"),
 * at most ICINGAAPI_CRED_MAX bytes. The caller frees *user and *password
 * (icingaapi_cred_free wipes them).
 */
int icingaapi_cred_load(const char *path, char **user, char **password, struct errmsg *e);
void icingaapi_cred_free(char *user, char *password);

/* Why a request failed, so the caller can tell what a retry can fix. */
enum icingaapi_err {
	ICINGAAPI_OK,
	ICINGAAPI_CONNECT,	/* refused, unreachable, timed out, closed: retry */
	ICINGAAPI_AUTH,		/* 401 or 403: a retry does not help */
	ICINGAAPI_TLS,		/* certificate not verified: a retry does not help */
	ICINGAAPI_HTTP,		/* another HTTP status, or a broken answer */
	ICINGAAPI_STOPPED,	/* *stop was set */
};

/*
 * POSTs body to url+path with X-HTTP-Method-Override: GET (an object query
 * with its attrs and filter in the body) and appends the answer to *out
 * (at most ICINGAAPI_MAX_BODY). Returns ICINGAAPI_OK or the kind of failure
 * with e.g. "icinga api 'https://...': 401 unauthorized (check the user and
 * password)" in e.
 */
enum icingaapi_err icingaapi_query(const struct icingaapi_conn *c, const char *path, const char *body,
				   struct sbuf *out, struct errmsg *e);

struct icingaapi_hooks {
	/*
	 * the stream is open: its headers ended with HTTP 200, so Icinga has
	 * registered the queue and every later CheckResult will come; before
	 * the first event. Work done here (another request) misses nothing.
	 * Return -1 to end the stream.
	 */
	int (*connected)(void *ctx);
	/* one event line, without its newline; return -1 to end the stream */
	int (*line)(void *ctx, const char *line, size_t len);
	/* about once a second while the stream is open, for timed work */
	void (*tick)(void *ctx);
	void *ctx;
};

/*
 * POSTs body to url/v1/events and hands each newline-terminated line to
 * hooks->line until the server closes the stream, idle_timeout passes
 * without a byte, *stop is set, or a line is longer than ICINGAAPI_MAX_LINE.
 * Returns the reason the stream ended (ICINGAAPI_CONNECT when the server
 * went away, ICINGAAPI_STOPPED on *stop) with a message in e.
 */
enum icingaapi_err icingaapi_stream(const struct icingaapi_conn *c, const char *body,
				    const struct icingaapi_hooks *hooks, struct errmsg *e);

/* libcurl's global set-up, once per process before any request; clears SSLKEYLOGFILE first. */
int icingaapi_global_init(struct errmsg *e);
void icingaapi_global_cleanup(void);

#endif
