/*
 * check_baseline_web: a web site's HTTP security headers, seen from the
 * outside, against the baseline's HTTP controls (HTTP-001 to HTTP-007).
 *
 * The probe, under one deadline, through libcurl (certificates verified,
 * no redirect followed unless said):
 *   page      GET the URL over HTTPS: the headers of its answer
 *   http      GET http://HOST/ (port 80): where it redirects to
 *   sectxt    GET https://HOST/.well-known/security.txt (redirects within
 *             HTTPS followed), else the legacy /security.txt
 * Header and security.txt parsing lives in common/httphdr.c.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "deadline.h"
#include "facts.h"
#include "httphdr.h"
#include "opts.h"
#include "report.h"
#include "run.h"
#include "util.h"
#include "banned.h"

#define HEADERS_MAX (64 * 1024)	/* all header lines of one answer */
#define CSP_MAX 8		/* Content-Security-Policy headers kept */
#define HTTP_CONNECT_MS 3000	/* the plain-HTTP site's connect timeout (at most a third of what is left) */

static const char description[] =
	"Checks a web site from the outside against the HTTP controls of the baseline:\n"
	"the redirect from HTTP to HTTPS on the same name, HSTS, X-Content-Type-Options,\n"
	"X-Frame-Options or CSP frame-ancestors, the Content-Security-Policy (internet.nl's\n"
	"rules), Referrer-Policy and security.txt (RFC 9116, Expires in the future).\n"
	"The headers are those of the answer to the URL itself: no redirect is followed,\n"
	"so give the address the site's pages are served from.";

static const char help[] =
	" -u, --url=URL\n"
	"    The HTTPS page to check (default: https://HOST/ from -H and -p)\n"
	" --ca-file=FILE\n"
	"    Trust anchors (PEM) for the site's certificate; default: the system store\n"
	" --http-port=PORT\n"
	"    Port of the plain HTTP site for HTTP-001 (default 80; for test setups)\n";

enum { OPT_URL = 'u', OPT_CA_FILE = 1000, OPT_HTTP_PORT };

struct web_opts {
	const char *url;
	const char *ca_file;
	unsigned http_port;
	char *owned_url;
	char host[256];		/* the URL's host name */
	char path_base[2048];	/* scheme://host[:port] */
};

static int
handle(int val, const char *arg, void *ctx, struct errmsg *e)
{
	struct web_opts *w = ctx;
	unsigned long port;

	switch (val) {
	case OPT_URL:
		w->url = arg;
		return 0;
	case OPT_CA_FILE:
		w->ca_file = arg;
		return 0;
	case OPT_HTTP_PORT:
		if (parse_ulong(arg, 1, 65535, &port) == -1) {
			errmsg_set(e, "invalid --http-port '%s'", arg);
			return -1;
		}
		w->http_port = (unsigned)port;
		return 0;
	}
	return -1;
}

/* The URL must be https:// with a host; keeps its host and origin. */
static int
finish(const struct opts *o, void *ctx, struct errmsg *e)
{
	struct web_opts *w = ctx;
	CURLU *u;
	char *scheme = NULL, *host = NULL, *port = NULL;
	int rc = -1;

	if (!w->url && !o->host) {
		errmsg_set(e, "-u URL (or -H HOST) is required");
		return -1;
	}
	if (!w->url) {
		bool v6 = strchr(o->host, ':') != NULL;

		w->owned_url = o->port ? xasprintf(v6 ? "https://[%s]:%s/" : "https://%s:%s/", o->host,
						   o->port)
				       : xasprintf(v6 ? "https://[%s]/" : "https://%s/", o->host);
		w->url = w->owned_url;
	}
	if (strlen(w->url) > 2000) {
		errmsg_set(e, "URL longer than 2000 characters");
		return -1;
	}
	u = curl_url();
	if (!u || curl_url_set(u, CURLUPART_URL, w->url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
		errmsg_set(e, "invalid URL '%s'", w->url);
		goto out;
	}
	if (strcasecmp(scheme, "https") != 0) {
		errmsg_set(e, "URL '%s' is not https:// (the controls are about an HTTPS site)", w->url);
		goto out;
	}
	if (strlen(host) >= sizeof(w->host)) {
		errmsg_set(e, "invalid URL '%s'", w->url);
		goto out;
	}
	snprintf(w->host, sizeof(w->host), "%s", host);
	if (curl_url_get(u, CURLUPART_PORT, &port, 0) == CURLUE_OK)
		snprintf(w->path_base, sizeof(w->path_base), "https://%s:%s", host, port);
	else
		snprintf(w->path_base, sizeof(w->path_base), "https://%s", host);
	rc = 0;
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return rc;
}

/* What one answer brought: the headers we read, and the body when wanted. */
struct answer {
	size_t header_bytes;
	bool headers_over;
	bool want_body;
	char *body;
	size_t body_len, body_cap;
	bool body_over;
	char *hsts;			/* first Strict-Transport-Security */
	char *xcto, *xfo;		/* first X-Content-Type-Options, X-Frame-Options */
	char *csp[CSP_MAX];
	size_t ncsp;
	struct sbuf referrer;		/* every Referrer-Policy, joined by ',' */
	char *location;
};

static void
answer_init(struct answer *a, bool want_body, size_t body_cap)
{
	memset(a, 0, sizeof(*a));
	a->want_body = want_body;
	a->body_cap = body_cap;
	if (want_body)
		a->body = xmalloc(body_cap + 1);
	sbuf_init(&a->referrer, HEADERS_MAX);
}

static void
answer_reset(struct answer *a)
{
	size_t i;

	free(a->hsts);
	free(a->xcto);
	free(a->xfo);
	free(a->location);
	for (i = 0; i < a->ncsp; i++)
		free(a->csp[i]);
	a->hsts = a->xcto = a->xfo = a->location = NULL;
	a->ncsp = 0;
	a->header_bytes = 0;
	a->body_len = 0;
	sbuf_reset(&a->referrer);
}

static void
answer_release(struct answer *a)
{
	answer_reset(a);
	free(a->body);
	sbuf_release(&a->referrer);
}

/* A header line "Name: value\r\n" (value without blanks around): -1 for no match. */
static char *
header_value(const char *line, size_t n, const char *name)
{
	size_t nl = strlen(name), b, e;

	if (n <= nl || strncasecmp(line, name, nl) != 0 || line[nl] != ':')
		return NULL;
	for (b = nl + 1; b < n && (line[b] == ' ' || line[b] == '\t'); b++)
		;
	for (e = n; e > b && (line[e - 1] == '\r' || line[e - 1] == '\n' || line[e - 1] == ' ' ||
			      line[e - 1] == '\t'); e--)
		;
	return xstrndup(line + b, e - b);
}

static size_t
on_header(char *line, size_t size, size_t nmemb, void *ctx)
{
	struct answer *a = ctx;
	size_t n = size * nmemb;
	char *v;

	a->header_bytes += n;
	if (a->header_bytes > HEADERS_MAX) {
		a->headers_over = true;
		return 0;	/* ends the transfer */
	}
	if (n >= 5 && strncmp(line, "HTTP/", 5) == 0) {
		answer_reset(a);	/* a new answer (after 1xx, or a redirect): start over */
		a->header_bytes = n;
		return n;
	}
	if ((v = header_value(line, n, "strict-transport-security"))) {
		if (!a->hsts)
			a->hsts = v;
		else
			free(v);
	} else if ((v = header_value(line, n, "x-content-type-options"))) {
		if (!a->xcto)
			a->xcto = v;
		else
			free(v);
	} else if ((v = header_value(line, n, "x-frame-options"))) {
		if (!a->xfo)
			a->xfo = v;
		else
			free(v);
	} else if ((v = header_value(line, n, "content-security-policy"))) {
		if (a->ncsp < CSP_MAX)
			a->csp[a->ncsp++] = v;
		else
			free(v);
	} else if ((v = header_value(line, n, "referrer-policy"))) {
		if (a->referrer.len)
			sbuf_addch(&a->referrer, ',');
		sbuf_addstr(&a->referrer, v);
		free(v);
	} else if ((v = header_value(line, n, "location"))) {
		free(a->location);
		a->location = v;
	}
	return n;
}

static size_t
on_body(char *data, size_t size, size_t nmemb, void *ctx)
{
	struct answer *a = ctx;
	size_t n = size * nmemb;

	if (!a->want_body)
		return n;	/* the page itself is not read, only drained */
	if (a->body_len + n > a->body_cap) {
		a->body_over = true;
		n = a->body_cap - a->body_len;
		memcpy(a->body + a->body_len, data, n);
		a->body_len += n;
		return 0;
	}
	memcpy(a->body + a->body_len, data, n);
	a->body_len += n;
	return n;
}

struct probe {
	const struct opts *o;
	struct web_opts *w;
	struct report *r;
	struct facts *f;
	struct deadline d;
	CURL *https;		/* one handle: its connection is reused */
	char cerr[CURL_ERROR_SIZE];
};

static void
common_setopts(struct probe *p, CURL *c, struct answer *a)
{
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, a);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, a);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, p->cerr);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "cyberbaseline/" CB_VERSION " (check_baseline_web)");
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	if (p->w->ca_file)
		curl_easy_setopt(c, CURLOPT_CAINFO, p->w->ca_file);
}

/*
 * One GET on c. 0 with the status in *status; or -1 with report_fatal()
 * set (timeout, the headers over the cap, unreachable when `fatal_connect`);
 * or, when !fatal_connect, 1 when the connection failed (reason in cerr) and
 * 2 when no connection was made before the connect timeout.
 */
static int
get(struct probe *p, CURL *c, const char *url, const char *stage, struct answer *a, long *status,
    bool fatal_connect, CURLcode *code)
{
	CURLcode rc;

	deadline_stage(&p->d, stage);
	if (deadline_expired(&p->d)) {
		report_fatal(p->r, p->o->timeout_result, "timeout after %us in stage '%s'",
			     p->o->timeout, stage);
		return -1;
	}
	p->cerr[0] = '\0';
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)deadline_remaining_ms(&p->d));
	rc = curl_easy_perform(c);
	*code = rc;
	if (a->headers_over) {
		report_fatal(p->r, STATE_UNKNOWN, "%s sent more than %d bytes of headers", url,
			     HEADERS_MAX);
		return -1;
	}
	if (rc == CURLE_OPERATION_TIMEDOUT && !fatal_connect) {
		curl_off_t connected = 0;

		curl_easy_getinfo(c, CURLINFO_CONNECT_TIME_T, &connected);
		if (connected == 0)
			return 2;	/* no connection at all within the connect timeout */
	}
	if (rc == CURLE_OPERATION_TIMEDOUT) {
		report_fatal(p->r, p->o->timeout_result, "timeout after %us in stage '%s' (%s)",
			     p->o->timeout, stage, url);
		return -1;
	}
	if (rc == CURLE_WRITE_ERROR && a->body_over)
		rc = CURLE_OK;	/* we stopped reading: the answer is there */
	if (rc != CURLE_OK) {
		if (!p->cerr[0])
			snprintf(p->cerr, sizeof(p->cerr), "%s", curl_easy_strerror(rc));
		if (fatal_connect) {
			bool unreachable = rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST;

			report_fatal(p->r, unreachable ? p->o->unreachable_result : STATE_UNKNOWN,
				     "cannot fetch %s: %s", url, p->cerr);
			return -1;
		}
		return 1;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
	return 0;
}

/* HTTP-002 to HTTP-006: the page's headers. */
static void
header_facts(struct probe *p, const struct answer *a, long status)
{
	struct httphdr_csp csp;
	const char *items[HTTPHDR_PROBLEMS_MAX], *rp;
	char tok[64], err[128];
	long long age = 0;
	bool sub;
	size_t i;

	report_note(p->r, "%s answered HTTP %ld", p->w->url, status);
	if (!a->hsts) {
		report_note(p->r, "no Strict-Transport-Security header");
	} else if (httphdr_hsts(a->hsts, &age, &sub, err, sizeof(err)) == -1) {
		report_note(p->r, "the Strict-Transport-Security header is invalid: %s", err);
		age = 0;
	}
	facts_set_int(p->f, "web.hsts_max_age", age);
	httphdr_first_token(a->xcto ? a->xcto : "", tok, sizeof(tok));
	facts_set_str(p->f, "web.x_content_type_options", tok);
	httphdr_first_token(a->xfo ? a->xfo : "", tok, sizeof(tok));
	facts_set_str(p->f, "web.x_frame_options", tok);
	httphdr_csp_evaluate((const char *const *)a->csp, a->ncsp, &csp);
	facts_set_bool(p->f, "web.csp_frame_ancestors_restricted", csp.frame_ancestors_restricted);
	for (i = 0; i < csp.problems.n; i++)
		items[i] = csp.problems.v[i];
	facts_set_list(p->f, "web.csp_problems", items, csp.problems.n);
	rp = httphdr_referrer_policy(sbuf_str(&a->referrer));
	facts_set_str(p->f, "web.referrer_policy", rp ? rp : "");
}

/* HTTP-001: where http://HOST/ sends a visitor. */
static int
redirect_fact(struct probe *p)
{
	struct answer a;
	CURL *c = curl_easy_init();
	char *url, *scheme = NULL, *host = NULL;
	const char *kind;
	CURLcode code;
	long status = 0;
	CURLU *u = NULL;
	int rc;

	if (!c) {
		facts_set_error(p->f, "web.http_redirect", "cannot start libcurl");
		return 0;
	}
	answer_init(&a, false, 0);
	common_setopts(p, c, &a);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http");
	/* a port that drops packets must not take the whole deadline */
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
			 (long)(deadline_remaining_ms(&p->d) / 3 < HTTP_CONNECT_MS ?
				deadline_remaining_ms(&p->d) / 3 : HTTP_CONNECT_MS));
	url = strchr(p->w->host, ':') ? xasprintf("http://[%s]:%u/", p->w->host, p->w->http_port)
				      : xasprintf("http://%s:%u/", p->w->host, p->w->http_port);
	rc = get(p, c, url, "http", &a, &status, false, &code);
	if (rc == -1)
		goto out;
	if (code == CURLE_COULDNT_CONNECT) {
		kind = "port-closed";
	} else if (rc == 2) {
		/* nothing answered: no clear-text site a visitor could reach */
		kind = "port-closed";
		report_note(p->r, "%s: no connection before the connect timeout, taken as closed (filtered)",
			    url);
	} else if (code != CURLE_OK) {
		facts_set_error(p->f, "web.http_redirect", "cannot fetch %s: %s", url, p->cerr);
		rc = 0;
		goto out;
	} else if (status != 301 && status != 302 && status != 303 && status != 307 &&
		   status != 308) {
		kind = "no-redirect";
		report_note(p->r, "%s answered HTTP %ld, not a redirect", url, status);
	} else if (!a.location) {
		kind = "no-redirect";
		report_note(p->r, "%s answered HTTP %ld without a Location", url, status);
	} else {
		u = curl_url();
		if (!u || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
		    curl_url_set(u, CURLUPART_URL, a.location, 0) != CURLUE_OK ||
		    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
		    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK)
			kind = "not-https";
		else if (strcasecmp(scheme, "https") != 0)
			kind = "not-https";
		else if (strcasecmp(host, p->w->host) != 0)
			kind = "other-name";
		else
			kind = "same-name";
		report_note(p->r, "%s redirects (HTTP %ld) to '%.200s'", url, status, a.location);
	}
	facts_set_str(p->f, "web.http_redirect", kind);
	rc = 0;
out:
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	free(url);
	answer_release(&a);
	curl_easy_cleanup(c);
	return rc;
}

/* HTTP-007: security.txt, RFC 9116. */
static int
sectxt_fact(struct probe *p, struct answer *a)
{
	static const char *const paths[] = { "/.well-known/security.txt", "/security.txt" };
	struct httphdr_sectxt st;
	const char *items[HTTPHDR_PROBLEMS_MAX + 1], *ctype = NULL;
	char *url, ct[160];
	CURLcode code;
	long status = 0;
	size_t i, n = 0;
	int rc = 0, k;

	curl_easy_setopt(p->https, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(p->https, CURLOPT_MAXREDIRS, 3L);
	curl_easy_setopt(p->https, CURLOPT_REDIR_PROTOCOLS_STR, "https");
	for (k = 0; k < 2; k++) {
		answer_reset(a);
		url = xasprintf("%s%s", p->w->path_base, paths[k]);
		rc = get(p, p->https, url, "sectxt", a, &status, false, &code);
		free(url);
		if (rc == -1)
			return -1;
		if (rc == 1) {
			facts_set_error(p->f, "web.security_txt_problems", "cannot fetch %s: %s",
					paths[k], p->cerr);
			return 0;
		}
		if (status == 200)
			break;
	}
	if (status != 200) {
		items[0] = "no security.txt at /.well-known/security.txt";
		facts_set_list(p->f, "web.security_txt_problems", items, 1);
		return 0;
	}
	if (k == 1)
		items[n++] = "only at the legacy location /security.txt";
	curl_easy_getinfo(p->https, CURLINFO_CONTENT_TYPE, &ctype);
	if (!ctype || strncasecmp(ctype, "text/plain", 10) != 0) {
		snprintf(ct, sizeof(ct), "media type is '%.60s', not text/plain", ctype ? ctype : "");
		items[n++] = ct;
	}
	httphdr_sectxt_parse(a->body, a->body_len, time(NULL), &st);
	for (i = 0; i < st.problems.n && n < NELEM(items); i++)
		items[n++] = st.problems.v[i];
	if (st.has_expires) {
		char when[32];
		struct tm tm;

		gmtime_r(&st.expires, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
		report_note(p->r, "security.txt: %zu contact field(s), expires %s", st.ncontact, when);
	}
	facts_set_list(p->f, "web.security_txt_problems", items, n);
	return 0;
}

/* All I/O. 0 with facts in f, or -1 with report_fatal() set. */
static int
probe(struct facts *f, const struct opts *o, struct web_opts *w, struct report *r)
{
	struct probe p = { .o = o, .w = w, .r = r, .f = f };
	struct answer a;
	CURLcode code;
	long status = 0;
	int rc = -1;

	deadline_start(&p.d, o->timeout);
	if (!(p.https = curl_easy_init())) {
		report_fatal(r, STATE_UNKNOWN, "cannot start libcurl");
		return -1;
	}
	answer_init(&a, true, HTTPHDR_SECTXT_MAX);
	common_setopts(&p, p.https, &a);
	curl_easy_setopt(p.https, CURLOPT_PROTOCOLS_STR, "https");
	a.want_body = false;
	if (get(&p, p.https, w->url, "page", &a, &status, true, &code) != 0)
		goto out;
	header_facts(&p, &a, status);
	if (redirect_fact(&p) == -1)
		goto out;
	a.want_body = true;
	if (sectxt_fact(&p, &a) == -1)
		goto out;
	rc = 0;
out:
	answer_release(&a);
	curl_easy_cleanup(p.https);
	return rc;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "url", required_argument, NULL, OPT_URL },
		{ "ca-file", required_argument, NULL, OPT_CA_FILE },
		{ "http-port", required_argument, NULL, OPT_HTTP_PORT },
		{ NULL, 0, NULL, 0 },
	};
	struct web_opts w = { .http_port = 80 };
	const struct opts_ext ext = {
		.usage = "-u URL [--ca-file FILE]",
		.help = help,
		.description = description,
		.default_port = NULL,
		.needs_host = false,
		.shortopts = "u:",
		.longopts = longopts,
		.handle = handle,
		.finish = finish,
		.ctx = &w,
	};
	struct report r;
	struct opts o;
	struct run run;
	struct facts f;
	int rc;

	memset(&run, 0, sizeof(run));
	facts_init(&f);
	report_init(&r, "web", "check_baseline_web");
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (opts_parse(&o, argc, argv, &ext, &r) == 0) {
		o.host = w.host;
		o.port = NULL;
		if (run_load(&run, &o, "web", &r) == 0 && probe(&f, &o, &w, &r) == 0)
			run_evaluate(&run, &f, &r);
	}
	rc = run_finish(&run, &o, &r);
	facts_release(&f);
	free(w.owned_url);
	curl_global_cleanup();
	return rc;
}
