/*
 * The Icinga 2 REST API client (icingaapi.h): libcurl, HTTPS with
 * verification always on, basic auth from a 0600 file, newline-separated
 * JSON events streamed to a callback.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "icingaapi.h"
#include "util.h"
#include "banned.h"

int
icingaapi_global_init(struct errmsg *e)
{
	util_tls_keylog_off();	/* before libcurl opens the file it names */
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		errmsg_set(e, "cannot initialise libcurl");
		return -1;
	}
	return 0;
}

void
icingaapi_global_cleanup(void)
{
	curl_global_cleanup();
}

/* ---- credentials ---------------------------------------------------------------------- */

static void
wipe_free(char *p)
{
	if (p) {
		explicit_bzero(p, strlen(p));
		free(p);
	}
}

void
icingaapi_cred_free(char *user, char *password)
{
	wipe_free(user);
	wipe_free(password);
}

/* Splits the file's text (wiped and freed by the caller) into *user and *password. */
static int
cred_parse(char *text, size_t len, const char *path, char **user, char **password,
	   struct errmsg *e)
{
	char *colon, *nl;
	size_t i;

	if (memchr(text, '\0', len)) {
		errmsg_set(e, "credentials '%s': a NUL byte in the file", path);
		return -1;
	}
	if ((nl = memchr(text, '\n', len))) {
		if ((size_t)(nl - text) + 1 != len) {
			errmsg_set(e, "credentials '%s': expected one line 'user:password'", path);
			return -1;
		}
		*nl = '\0';
		if (nl > text && nl[-1] == '\r')
			nl[-1] = '\0';
	}
	for (i = 0; text[i]; i++)
		if ((unsigned char)text[i] < 0x20 || text[i] == 0x7f) {
			errmsg_set(e, "credentials '%s': a control character in the line", path);
			return -1;
		}
	if (!(colon = strchr(text, ':')) || colon == text || !colon[1]) {
		errmsg_set(e, "credentials '%s': expected one line 'user:password'", path);
		return -1;
	}
	*user = xstrndup(text, (size_t)(colon - text));
	*password = xstrdup(colon + 1);
	return 0;
}

int
icingaapi_cred_load(const char *path, char **user, char **password, struct errmsg *e)
{
	char *text;
	size_t len;
	int rc;

	*user = *password = NULL;
	if (util_read_private_file(path, "credentials", ICINGAAPI_CRED_MAX, &text, &len, e) == -1)
		return -1;
	rc = cred_parse(text, len, path, user, password, e);
	explicit_bzero(text, len);
	free(text);
	return rc;
}

/* ---- requests ------------------------------------------------------------------------- */

struct xfer {
	const struct icingaapi_conn *c;
	const struct icingaapi_hooks *hooks;	/* stream only */
	struct sbuf *out;			/* query only */
	struct sbuf line;			/* stream: the line being read */
	bool overlong, stopped_by_line, announced;
	long status;
	CURL *h;
};

static size_t
on_query_data(char *p, size_t size, size_t n, void *arg)
{
	struct xfer *x = arg;

	sbuf_add(x->out, p, size * n);
	return x->out->truncated ? 0 : size * n;
}

static size_t
on_stream_data(char *p, size_t size, size_t n, void *arg)
{
	struct xfer *x = arg;
	size_t len = size * n, i, start = 0;

	if (!x->announced) {
		curl_easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &x->status);
		if (x->status != 200) {
			/* keep the error body for the message */
			sbuf_add(&x->line, p, len);
			return x->line.truncated ? 0 : len;
		}
		x->announced = true;	/* (the headers' end announces it first) */
	}
	for (i = 0; i < len; i++) {
		if (p[i] != '\n')
			continue;
		sbuf_add(&x->line, p + start, i - start);
		start = i + 1;
		if (x->line.truncated) {
			x->overlong = true;
			return 0;
		}
		if (x->line.len && x->hooks->line(x->hooks->ctx, x->line.buf, x->line.len) == -1) {
			x->stopped_by_line = true;
			return 0;
		}
		sbuf_reset(&x->line);
	}
	sbuf_add(&x->line, p + start, len - start);
	if (x->line.truncated) {
		x->overlong = true;
		return 0;
	}
	return len;
}

/*
 * The end of the stream's headers with 200: Icinga registers the event queue
 * before it answers, so from here on no CheckResult is missed. The stream's
 * loop (icingaapi_stream) then calls the connected hook, outside libcurl's
 * callbacks, so that it may make requests of its own.
 */
static size_t
on_stream_header(char *p, size_t size, size_t n, void *arg)
{
	struct xfer *x = arg;
	size_t len = size * n;

	if (x->announced || len > 2 || (p[0] != '\r' && p[0] != '\n'))
		return len;
	curl_easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &x->status);
	if (x->status == 200)	/* else 100 Continue, or an error the body explains */
		x->announced = true;
	return len;
}

static int
on_progress(void *arg, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	struct xfer *x = arg;

	(void)dt, (void)dn, (void)ut, (void)un;
	if (x->c->stop && *x->c->stop)
		return 1;
	if (x->hooks && x->announced && x->hooks->tick)
		x->hooks->tick(x->hooks->ctx);
	return 0;
}

static CURL *
setup(struct xfer *x, const char *path, const char *body, struct curl_slist **hdr, char *errbuf)
{
	const struct icingaapi_conn *c = x->c;
	char *url = xasprintf("%s%s", c->url, path);
	CURL *h = curl_easy_init();

	if (!h) {
		free(url);
		return NULL;
	}
	*hdr = curl_slist_append(NULL, "Accept: application/json");
	*hdr = curl_slist_append(*hdr, "Content-Type: application/json");
	if (!x->hooks)
		*hdr = curl_slist_append(*hdr, "X-HTTP-Method-Override: GET");
	curl_easy_setopt(h, CURLOPT_URL, url);
	free(url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https");
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	if (c->ca_file)
		curl_easy_setopt(h, CURLOPT_CAINFO, c->ca_file);
	curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
	curl_easy_setopt(h, CURLOPT_USERNAME, c->user);
	curl_easy_setopt(h, CURLOPT_PASSWORD, c->password);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, *hdr);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, c->connect_timeout > 0 ? c->connect_timeout : 10L);
	curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(h, CURLOPT_TCP_KEEPIDLE, 10L);
	curl_easy_setopt(h, CURLOPT_TCP_KEEPINTVL, 10L);
	/* no byte for idle_timeout seconds: the daemon is gone or the path is dead */
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, c->idle_timeout > 0 ? c->idle_timeout : 120L);
	curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(h, CURLOPT_XFERINFODATA, x);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, x->hooks ? on_stream_data : on_query_data);
	if (x->hooks) {
		curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_stream_header);
		curl_easy_setopt(h, CURLOPT_HEADERDATA, x);
	}
	x->h = h;
	return h;
}

/* The message of an HTTP error answer: Icinga's {"error":N,"status":"..."}, cut. */
static void
http_fail(struct errmsg *e, const char *url, long status, const char *body)
{
	const char *s = body ? strstr(body, "\"status\":\"") : NULL;
	int n = 0;

	if (s) {
		s += 10;
		while (s[n] && s[n] != '"' && n < 160)
			n++;
	}
	if (status == 401)
		errmsg_set(e, "icinga api '%s': 401 unauthorized (check the user and password)", url);
	else if (status == 403)
		errmsg_set(e, "icinga api '%s': 403 forbidden (the ApiUser lacks a permission%s%.*s)",
			   url, n ? ": " : "", n, s ? s : "");
	else
		errmsg_set(e, "icinga api '%s': HTTP %ld%s%.*s", url, status, n ? ": " : "", n,
			   s ? s : "");
}

static enum icingaapi_err
curl_fail(struct errmsg *e, const struct icingaapi_conn *c, CURLcode rc, const char *errbuf)
{
	const char *why = errbuf[0] ? errbuf : curl_easy_strerror(rc);

	if (c->stop && *c->stop)
		return errmsg_set(e, "stopped"), ICINGAAPI_STOPPED;
	switch (rc) {
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
		errmsg_set(e, "icinga api '%s': TLS: %s", c->url, why);
		return ICINGAAPI_TLS;
	case CURLE_UNSUPPORTED_PROTOCOL:
		errmsg_set(e, "icinga api '%s': only https:// is allowed", c->url);
		return ICINGAAPI_TLS;
	default:
		errmsg_set(e, "icinga api '%s': %s", c->url, why);
		return ICINGAAPI_CONNECT;
	}
}

enum icingaapi_err
icingaapi_query(const struct icingaapi_conn *c, const char *path, const char *body,
		struct sbuf *out, struct errmsg *e)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	struct curl_slist *hdr = NULL;
	struct xfer x = { 0 };
	enum icingaapi_err r = ICINGAAPI_OK;
	CURLcode rc;
	CURL *h;

	x.c = c;
	x.out = out;
	if (!(h = setup(&x, path, body, &hdr, errbuf))) {
		errmsg_set(e, "icinga api '%s': cannot set up a request", c->url);
		return ICINGAAPI_CONNECT;
	}
	/* an object query is short: no idle cut-off beyond a minute */
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 300L);
	rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &x.status);
	if (rc == CURLE_WRITE_ERROR && out->truncated) {
		errmsg_set(e, "icinga api '%s%s': answer larger than %u bytes", c->url, path,
			   ICINGAAPI_MAX_BODY);
		r = ICINGAAPI_HTTP;
	} else if (rc != CURLE_OK) {
		r = curl_fail(e, c, rc, errbuf);
	} else if (x.status != 200) {
		http_fail(e, c->url, x.status, sbuf_str(out));
		r = x.status == 401 || x.status == 403 ? ICINGAAPI_AUTH
		    : x.status >= 500 ? ICINGAAPI_CONNECT : ICINGAAPI_HTTP;
	}
	curl_easy_cleanup(h);
	curl_slist_free_all(hdr);
	return r;
}

/*
 * Runs the stream's transfer through a multi handle, so that between its
 * steps, once the headers said 200, the connected hook can run (another
 * request on a handle of its own: not allowed inside a callback) while the
 * events wait in the socket and in Icinga's queue.
 */
static CURLcode
stream_loop(struct xfer *x, CURL *h)
{
	CURLcode rc = CURLE_OK;
	bool told = false;
	CURLMsg *msg;
	int running = 1, left;
	CURLM *m = curl_multi_init();

	if (!m || curl_multi_add_handle(m, h) != CURLM_OK) {
		if (m)
			curl_multi_cleanup(m);
		return CURLE_OUT_OF_MEMORY;
	}
	while (running) {
		if (curl_multi_perform(m, &running) != CURLM_OK) {
			rc = CURLE_RECV_ERROR;
			break;
		}
		if (x->announced && !told) {
			told = true;
			if (x->hooks->connected && x->hooks->connected(x->hooks->ctx) == -1) {
				x->stopped_by_line = true;
				break;
			}
		}
		if (x->c->stop && *x->c->stop)
			break;
		if (running && curl_multi_poll(m, NULL, 0, 1000, NULL) != CURLM_OK) {
			rc = CURLE_RECV_ERROR;
			break;
		}
	}
	while ((msg = curl_multi_info_read(m, &left)))
		if (msg->msg == CURLMSG_DONE && msg->easy_handle == h)
			rc = msg->data.result;
	curl_multi_remove_handle(m, h);
	curl_multi_cleanup(m);
	return rc;
}

enum icingaapi_err
icingaapi_stream(const struct icingaapi_conn *c, const char *body, const struct icingaapi_hooks *hooks,
		 struct errmsg *e)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	struct curl_slist *hdr = NULL;
	struct xfer x = { 0 };
	enum icingaapi_err r;
	CURLcode rc;
	CURL *h;

	x.c = c;
	x.hooks = hooks;
	sbuf_init(&x.line, ICINGAAPI_MAX_LINE);
	if (!(h = setup(&x, "/v1/events", body, &hdr, errbuf))) {
		sbuf_release(&x.line);
		errmsg_set(e, "icinga api '%s': cannot set up a request", c->url);
		return ICINGAAPI_CONNECT;
	}
	rc = stream_loop(&x, h);
	if (!x.announced)
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &x.status);
	if (x.overlong) {
		errmsg_set(e, "icinga api '%s': an event longer than %u bytes", c->url,
			   ICINGAAPI_MAX_LINE);
		r = ICINGAAPI_HTTP;
	} else if (x.stopped_by_line || (c->stop && *c->stop)) {
		errmsg_set(e, "stopped");
		r = ICINGAAPI_STOPPED;
	} else if (x.status && x.status != 200) {
		http_fail(e, c->url, x.status, sbuf_str(&x.line));
		r = x.status == 401 || x.status == 403 ? ICINGAAPI_AUTH
		    : x.status >= 500 ? ICINGAAPI_CONNECT : ICINGAAPI_HTTP;
	} else if (rc == CURLE_OPERATION_TIMEDOUT && x.announced) {
		errmsg_set(e, "icinga api '%s': no data for %ld s", c->url,
			   c->idle_timeout > 0 ? c->idle_timeout : 120L);
		r = ICINGAAPI_CONNECT;
	} else if (rc != CURLE_OK) {
		r = curl_fail(e, c, rc, errbuf);
	} else {
		errmsg_set(e, "icinga api '%s': the server closed the event stream", c->url);
		r = ICINGAAPI_CONNECT;
	}
	curl_easy_cleanup(h);
	curl_slist_free_all(hdr);
	sbuf_release(&x.line);
	return r;
}
